/* Rate limits against address starvation: a token bucket per client
 * (its identifier: option 61, or hardware type and address), so that
 * one client cannot flood; and, once the pool is nearly used up, a cap
 * on the new addresses handed out per second whoever asks, since a
 * client that changes its MAC each time has a new bucket each time.
 * Pure: the time is given, in seconds. */
#ifndef BANCHI_DHCP_LIMIT_H
#define BANCHI_DHCP_LIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_LIMIT_SLOTS 4096   /* buckets, 4-way sets */
#define DHCP_LIMIT_HIGH 90      /* percent of the range: "nearly used" */

struct dhcp_limit_conf {
	uint32_t rate;          /* requests per second per client; 0: none */
	uint32_t burst;         /* requests at once per client */
	uint32_t new_rate;      /* new addresses per second above the high
				 * mark; 0: no cap */
};

struct dhcp_bucket {
	uint64_t key;           /* 0: unused */
	int64_t at;             /* second of the last refill */
	uint32_t tokens;
};

struct dhcp_limit {
	struct dhcp_limit_conf conf;
	struct dhcp_bucket b[DHCP_LIMIT_SLOTS];
	int64_t sec;            /* the second new counts for */
	uint32_t new_in_sec;    /* new addresses given in it */
	size_t used;            /* range entries held at its start, plus
				 * those given since */
	unsigned long limited_client, limited_new;
};

void dhcp_limit_init(struct dhcp_limit *l, const struct dhcp_limit_conf *c);

/* Whether the client of this identifier may be answered at second now
 * (a token taken if so). */
bool dhcp_limit_client(struct dhcp_limit *l, const uint8_t *id, size_t len,
		       int64_t now);

/* Whether a new address (one the client neither holds nor was offered)
 * may be given at second now, the pool's range having total entries:
 * DHCP_NEW_OK (the pool below the high mark), DHCP_NEW_HIGH (allowed,
 * the pool at or above the mark), DHCP_NEW_NO (refused: the cap for
 * this second is reached above the mark). used_now() counts the
 * entries in use; it is called at most once a second (the pool is
 * scanned then, not per request). Allowed addresses are counted as
 * used until the next count. */
enum { DHCP_NEW_NO = -1, DHCP_NEW_OK = 0, DHCP_NEW_HIGH = 1 };
int dhcp_limit_new(struct dhcp_limit *l, size_t total, int64_t now,
		   size_t (*used_now)(void *arg), void *arg);

#endif
