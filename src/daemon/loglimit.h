/* A limit on log lines that anyone can provoke (a badly signed query,
 * say): at most one line per key (source and reason) per period, and at
 * most burst lines a second in all, since UDP sources can be forged.
 * Lock-free, shared by all threads; what is held back is counted and
 * reported with the next line let through. */
#ifndef BANCHI_DAEMON_LOGLIMIT_H
#define BANCHI_DAEMON_LOGLIMIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#define LOGLIMIT_SLOTS 1024

struct loglimit {
	unsigned period;                /* seconds between lines per key */
	unsigned burst;                 /* lines a second in all */
	atomic_uint_fast64_t last[LOGLIMIT_SLOTS];      /* second + 1 */
	atomic_uint_fast64_t window;    /* second << 20 | lines in it */
	atomic_uint_fast64_t held;      /* lines held back since */
};

/* Zero storage is a valid limiter once period and burst are set. */
void loglimit_init(struct loglimit *l, unsigned period, unsigned burst);

/* Whether a line for key (a hash) may go out at second now; when it
 * may, *held gets the number held back since the last one (and is
 * reset). Keys that share a slot share the period. */
bool loglimit_allow(struct loglimit *l, uint64_t key, uint64_t now,
		    uint64_t *held);

#endif
