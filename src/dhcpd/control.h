/* banchi-dhcp's control channel (doc/control.md): its command table,
 * the socket and metrics endpoint opened from the config. */
#ifndef BANCHI_DHCPD_CONTROL_H
#define BANCHI_DHCPD_CONTROL_H

#include "ctl/ctl.h"
#include "dhcpd/server.h"

/* Opens s->ctl (NULL when off) before the privilege drop: 0, or -1
 * (logged) when a configured socket or metrics address cannot be
 * made. */
int control_open(struct dserver *s);

/* leases [all]: the rows 'banchi-dhcp leases' lists (control_lease.c). */
void control_leases(void *arg, const char *value, struct ctl_reply *r);
/* lease-release ADDR|MAC: the lease given back as its client's RELEASE
 * would, durably, its names queued for removal (control_lease.c). */
void control_release(void *arg, const char *value, struct ctl_reply *r);

/* The counters (control_metrics.c): stats, in the serving thread; the
 * Prometheus metrics, in the control thread. */
void control_stats(void *arg, const char *value, struct ctl_reply *r);
void control_metrics(void *arg, struct ctl_mtext *m);
/* The same counters in one log line (SIGUSR1, exit; serving thread). */
void control_log_stats(struct dserver *s);

#endif
