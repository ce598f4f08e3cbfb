/* "Is the clock right?": a resolver whose clock is behind finds every
 * signature not valid yet. When that happens for names of three
 * different zones within a minute, the log says so, with the time this
 * machine believes it is (at most once an hour). */
#ifndef BANCHI_RESOLVERD_CLOCK_WARN_H
#define BANCHI_RESOLVERD_CLOCK_WARN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "resolve/answer.h"
#include "wire/name.h"

#define CLOCK_WARN_NAMES 3

struct clock_warn {
	pthread_mutex_t mu;
	uint8_t name[CLOCK_WARN_NAMES][NAME_MAXLEN];
	uint64_t at[CLOCK_WARN_NAMES];  /* ms; 0: empty */
	uint64_t logged_at;             /* ms; 0: never */
};

void clock_warn_init(struct clock_warn *c);
/* A bogus answer because name's signature is not valid yet, at now_ms
 * (monotonic). Any thread; rare (failures only). True when this note
 * made the warning go out. */
bool clock_warn_note(struct clock_warn *c, const uint8_t *name,
		     uint64_t now_ms);
/* The same for an answer made bogus that way (EDE 8, Signature Not Yet
 * Valid): its EDE text names the set that failed. Else nothing. */
bool clock_warn_answer(struct clock_warn *c, const struct answer *a,
		       uint64_t now_ms);

#endif
