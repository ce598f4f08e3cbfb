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
