/* banchi-auth's control commands (doc/control.md), a table run by the
 * shared control channel (src/ctl): status, stats, log-level and
 * zone-refresh in the control thread (lock-free reads, or the short
 * locks of the refresher and the transfer table); reload, zone-status
 * and zone-flush in the main thread, which loads zones (control_zone.c).
 */
#ifndef BANCHI_AUTHD_CONTROL_H
#define BANCHI_AUTHD_CONTROL_H

#include <stdint.h>

#include "ctl/ctl.h"
#include "wire/name.h"

struct daemon;

/* The control socket of the config (before the privilege drop). 0, or
 * -1 (logged) when a configured one cannot be made. */
int control_open(struct daemon *x);

/* The zone named by a command's argument: 0 with origin, or -1 with r
 * failed saying why; name gets it as text (NAME_TEXT_MAX). */
int control_zone_arg(const char *value, uint8_t *origin, char *name,
		     struct ctl_reply *r);

/* The zones served and their records, from the snapshot. */
void control_served_counts(struct daemon *x, size_t *zones, uint64_t *rrs);
/* Transfers out completed since start, over every zone and secondary. */
uint64_t control_transfers_out(struct daemon *x);
/* The metrics endpoint's text (control_metrics.c). */
ctl_metrics_fn control_metrics;

/* The main thread's commands (control_zone.c); arg is the daemon. */
ctl_cmd_fn control_reload, control_zone_status, control_zone_flush;
/* why NAME [TYPE] [+dnssec] (control_why.c). */
ctl_cmd_fn control_why;

#endif
