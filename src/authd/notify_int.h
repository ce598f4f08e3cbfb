/* Internals of the notifier (notify*.c): one NOTIFY to one target, from
 * its first send to its last reply and the lag check after it. */
#ifndef BANCHI_AUTHD_NOTIFY_INT_H
#define BANCHI_AUTHD_NOTIFY_INT_H

#include "authd/notify.h"
#include "wire/tsig.h"

#define NOTIFY_SENDS 5                  /* then 16 s for the last reply */

struct notify_job {
	uint8_t origin[NAME_MAXLEN];
	struct notify_target t;
	uint32_t serial;
	uint16_t id;
	unsigned sends;
	uint64_t next;                  /* ms: next send or give-up, 0 none */
	uint64_t check;                 /* ms: the lag check, 0 none */
	bool signing;
	struct tsig_key key;            /* a copy: outlives the snapshot */
	uint8_t mac[TSIG_MAC_MAX];      /* our MAC, the reply's prior */
	size_t maclen;
	uint8_t msg[1024];
	size_t len;
};

/* A zone taken from the queue; check: log a lagging secondary later. */
struct notify_item {
	uint8_t origin[NAME_MAXLEN];
	bool check;
};

/* The targets of one change of one zone. */
struct notify_tlist {
	struct notify_target *t;
	size_t n, cap;
};

/* Appends t; 0 or -1 (out of memory). */
int notify_tlist_add(struct notify_tlist *l, const struct notify_target *t);
/* Appends the addresses of the NS names of z (that version) found in
 * the zones of s, at port 53, signed as nz says: neither the SOA
 * MNAME's, nor ours (self), nor one already in l (notify_ns.c). */
void notify_ns_targets(struct notify_tlist *l, const struct notify_self *self,
		       const struct notify_zone *nz, const struct served *s,
		       const struct zdb_zone *z);
/* self from c's listen addresses; 0 or -1 (out of memory). */
int notify_self_build(struct notify_self *s, const struct config *c);
void notify_self_clear(struct notify_self *s);

/* Starts (or restarts, newer serial) the NOTIFY of zone z to t, in the
 * snapshot s (its keys). Thread only. */
void notify_job_start(struct notifier *n, const struct zdb_zone *z,
		      const struct notify_target *t, const struct served *s,
		      bool check, long lag_warn);
/* Reads the replies waiting on fd. */
void notify_job_replies(struct notifier *n, int fd);
/* Sends, retries, gives up and checks what is due; ms until the next
 * thing to do, -1 for nothing. */
int notify_job_timers(struct notifier *n);
void notify_jobs_free(struct notifier *n);

#endif
