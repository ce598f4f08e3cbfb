/* banchi-dhcp's serving loop: one thread reads the requests waiting on
 * an interface's socket (a round, up to DSERVER_ROUND), decides each
 * with the protocol core, stores the round's lease changes in one
 * commit, then sends the round's replies. Expiry runs at the next
 * lease end. */
#ifndef BANCHI_DHCPD_SERVER_H
#define BANCHI_DHCPD_SERVER_H

#include <signal.h>

#include "daemon/loglimit.h"
#include "dhcp/limit.h"
#include "dhcp/serve.h"
#include "dhcpd/config.h"
#include "dhcpd/ddns.h"
#include "dhcpd/store.h"

#define DSERVER_ROUND 64

struct dstats {
	unsigned long received, dropped, limited, offers, acks, naks,
		      releases, declines, informs, unsaved;
};

/* One interface served: its socket and its subnet's leases. */
struct dlink {
	int fd;
	const struct dlink_conf *lc;
	struct dhcp_pool pool;
	struct dhcp_limit lim;          /* pool.limit */
};

struct dserver {
	struct dlink link[DCONFIG_LINKS];
	size_t nlinks;
	struct dhcp_pool *pools[DCONFIG_LINKS];    /* each link's */
	struct store *store;
	struct ddns *dd;                /* NULL: no DNS updates */
	struct dstats st;
	struct loglimit ll;
	struct dhcp_msg req;
	struct dhcp_out out[DSERVER_ROUND];
	uint8_t in[DSERVER_ROUND][DHCP_PKT_MAX];
};

/* Serves until SIGTERM or SIGINT (set blocked by the caller); SIGUSR1
 * logs counters. 0 on a clean exit, 1 on a failure. */
int dserver_run(struct dserver *s, const sigset_t *set);

/* One round of n datagrams received on link at time now: decides
 * each with the pool of its subnet (the relay's, giaddr, when relayed,
 * else the link's), stores, and fills s->out; returns the number of
 * replies to send (out entries with a type), or -1 when the store
 * failed (no reply may go out then). */
int dserver_round(struct dserver *s, struct dlink *link, const size_t *len,
		  size_t n, int64_t now);

void dserver_log_stats(const struct dserver *s);

#endif
