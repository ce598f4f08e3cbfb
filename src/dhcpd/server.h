/* banchi-dhcp's serving loop: one thread reads the requests waiting on
 * an interface's socket (a round, up to DSERVER_ROUND), decides each
 * with the protocol core and hands the round's lease changes and
 * replies to the commit thread (commit.h), which sends the replies once
 * the changes are durable. Expiry runs at the next lease end. */
#ifndef BANCHI_DHCPD_SERVER_H
#define BANCHI_DHCPD_SERVER_H

#include <signal.h>

#include "ctl/ctl_stats.h"
#include "daemon/loglimit.h"
#include "dhcp/limit.h"
#include "dhcp/serve.h"
#include "dhcpd/commit.h"
#include "dhcpd/config.h"
#include "dhcpd/ddns.h"
#include "dhcpd/store.h"

#define DSERVER_ROUND 64

/* Why a request got no answer: not a DHCP message; a message no
 * server should take (not a request, no message type, a bad client
 * identifier); no address left; another server's or subnet's. */
enum dstat_drop { DROP_MALFORMED, DROP_INVALID, DROP_NO_ADDRESS,
		  DROP_NOT_OURS, DROP_REASONS };

/* The counters, written by the serving thread alone and read by the
 * control thread (metrics): relaxed atomics, so a read sees each
 * counter whole. They only grow, but active (leases bound now, counted
 * again at most every DSERVER_ACTIVE_MS after a change). */
struct dstats {
	ctl_counter received, discovers, requests, offers, acks, naks,
		    releases, declines, informs, unsaved, limited,
		    limited_client, limited_new, released_ctl;
	ctl_counter dropped[DROP_REASONS];
	ctl_counter active;
};
#define DSERVER_ACTIVE_MS 100

const char *dstat_drop_name(enum dstat_drop d);

/* One interface served: its socket and its subnet's leases. */
struct dlink {
	int fd;
	const struct dlink_conf *lc;
	struct dhcp_pool pool;
	struct dhcp_limit lim;          /* pool.limit */
};

struct ctl_server;

struct dserver {
	struct dlink link[DCONFIG_LINKS];
	size_t nlinks;
	struct dhcp_pool *pools[DCONFIG_LINKS];    /* each link's */
	/* leases of the store that no pool holds any more (a static lease
	 * removed or renamed, a range made smaller) whose names must leave
	 * DNS (orphans.c); the DNS updater's pools: these first (an old
	 * name's PTR goes before its address's new one is set), then the
	 * links' */
	struct dhcp_pool orphans;
	struct dhcp_pool *dd_pools[DCONFIG_LINKS + 1];
	struct store *store;
	struct commit *cm;               /* writes the store, sends replies */
	struct ddns *dd;                /* NULL: no DNS updates */
	struct dstats st;
	bool active_stale;              /* st.active to count again */
	int64_t active_ms;              /* when it was last counted */
	struct loglimit ll;
	/* the config in use (reload replaces it) and how to read it again;
	 * the control channel (NULL: none) */
	struct dconfig *cfg;
	int argc;
	char **argv;
	struct ctl_server *ctl;
	struct dhcp_msg req;
	struct dhcp_out out[DSERVER_ROUND];
	uint8_t in[DSERVER_ROUND][DHCP_PKT_MAX];
};

/* Serves until SIGTERM or SIGINT (set blocked by the caller); SIGUSR1
 * logs counters. 0 on a clean exit, 1 on a failure. */
int dserver_run(struct dserver *s, const sigset_t *set);

/* One round of n datagrams received on link at time now: decides
 * each with the pool of its subnet (the relay's, giaddr, when relayed,
 * else the link's) into s->out, and hands the changes and replies to
 * the commit thread, which sends the replies once the changes are
 * durable. Returns the number of replies, or -1 when out of memory
 * (none goes out). */
int dserver_round(struct dserver *s, struct dlink *link, const size_t *len,
		  size_t n, int64_t now);

/* Ready for systemd (sd_notify), with the status systemctl shows;
 * failed: a reload's error, or NULL. */
void dserver_ready(const struct dserver *s, const char *failed);

/* Every interface's changes to the commit thread, in one batch (the
 * DNS work they need goes with them). 0, or -1 after logging (out of
 * memory: kept dirty). dserver_sync also waits until they are durable:
 * 0, or -1 when the store could not write them (tried again later). */
int dserver_save(struct dserver *s);
int dserver_sync(struct dserver *s);

/* orphans.c: out made of the store's leases that none of the pools
 * holds and whose names are in DNS (nothing without DNS updates): 0, or
 * -1 (out of memory, store unreadable: logged). orphans_done: the rows
 * of those whose names are gone deleted (after each save). */
int orphans_find(struct dserver *s, struct dhcp_pool *const *pools,
		 size_t npools, struct dhcp_pool *out);
void orphans_done(struct dserver *s);
void orphans_clear(struct dhcp_pool *o);
/* Bound leases of every pool at now (a scan); into st.active too. */
size_t dserver_count_active(struct dserver *s);
/* The monotonic clock, milliseconds. */
int64_t dserver_now_ms(void);

/* The config read again (argc, argv): static leases, options, ranges
 * and limits applied, the leases reloaded from the store; what needs
 * a restart (interfaces, lease db, DNS server and key, user, control,
 * metrics) is kept and a warning logged. 0, or -1 with err ("FILE:LINE:
 * reason") and nothing changed. Serving thread (reload.c). */
int dserver_reload(struct dserver *s, char *err);

#endif
