/* banchi-dhcp's commit thread. The serving thread hands it each round's
 * lease changes (copies of the rows) and replies; it writes the rows in
 * one transaction (fsync), then sends the replies, while the serving
 * thread reads and decides the next rounds. Rounds that come during an
 * fsync share the next one, so a reply still never leaves before its
 * lease is durable, but the serving thread no longer waits for the
 * disk. */
#ifndef BANCHI_DHCPD_COMMIT_H
#define BANCHI_DHCPD_COMMIT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctl/ctl_stats.h"
#include "dhcp/serve.h"
#include "dhcpd/store.h"

struct commit;

/* Starts the thread over the open store. unsaved: the counter of replies
 * not sent because their rows could not be written (the thread is its
 * only writer). NULL after logging. */
struct commit *commit_start(struct store *st, ctl_counter *unsaved);

/* Everything handed over is written (or given up after a failure), the
 * replies sent, the thread joined. */
void commit_stop(struct commit *c);

/* Hands over the dirty entries of the n pools (each entry's seq set to
 * the batch's number, the pools marked saved) and the replies of out
 * that have a type, sent on fd with ports[dest]. The batch's number, or
 * 0 when out of memory (nothing handed over: the entries stay dirty). */
uint32_t commit_push(struct commit *c, struct dhcp_pool *const *p, size_t n,
		     const struct dhcp_out *out, size_t nout, int fd,
		     const uint16_t *ports);

/* The number of the last batch handed over (0: none yet). */
uint32_t commit_last(struct commit *c);

/* The number of the last batch made durable (replies sent); compare
 * with commit_reached, the numbers wrap. */
uint32_t commit_done(const struct commit *c);
static inline bool commit_reached(uint32_t have, uint32_t seq)
{
	return (int32_t)(have - seq) >= 0;
}

/* Waits until batch seq is durable: 0; -1 when the attempt that held it
 * failed (it is tried again with the next batch). */
int commit_wait(struct commit *c, uint32_t seq);

/* Readable (an eventfd) each time a batch ends: the serving thread's
 * DNS updater waits for its leases to be durable. */
int commit_fd(const struct commit *c);

#endif
