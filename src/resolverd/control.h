/* banchi-resolver's control commands (doc/control.md), a table run by
 * the shared control channel (src/ctl): status, stats, flush and
 * log-level in the control thread (counters, and the cache's own
 * shard locks); reload in the main thread, which builds snapshots. */
#ifndef BANCHI_RESOLVERD_CONTROL_H
#define BANCHI_RESOLVERD_CONTROL_H

struct rdaemon;

/* The control socket of the config (before the privilege drop). 0, or
 * -1 (logged) when a configured one cannot be made. */
int rcontrol_open(struct rdaemon *x);
/* The metrics endpoint's text (control_metrics.c); arg is the daemon. */
struct ctl_mtext;
void rcontrol_metrics(void *arg, struct ctl_mtext *m);
/* dump-cache [NAME] (control_dump.c). */
struct ctl_reply;
void rcontrol_dump_cache(void *arg, const char *value, struct ctl_reply *r);
/* why NAME [TYPE] (control_why.c). */
void rcontrol_why(void *arg, const char *value, struct ctl_reply *r);
/* Negative trust anchors (nta.c): nta-add ZONE [SECONDS], nta-remove
 * ZONE, nta-list; main thread. */
void rcontrol_nta_add(void *arg, const char *value, struct ctl_reply *r);
void rcontrol_nta_remove(void *arg, const char *value, struct ctl_reply *r);
void rcontrol_nta_list(void *arg, const char *value, struct ctl_reply *r);

#endif
