/* banchi-resolver's serving threads. Each worker has its own UDP socket
 * and TCP listener per address (SO_REUSEPORT) and one epoll loop that
 * also owns the worker's upstream sockets, timers and iterators. Cache
 * hits and local answers are written in the receive batch (no
 * allocation, no lock); misses start an iterator (identical questions in
 * flight share one), whose upstream queries go out on fresh connected
 * sockets from random ports. The settings snapshot (struct rsnap) is
 * published by RCU; a request keeps the snapshot it started with alive
 * (reference count) until it is answered. The cache and infra survive
 * reloads. */
#ifndef BANCHI_RESOLVERD_SERVER_H
#define BANCHI_RESOLVERD_SERVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/cfg.h"
#include "net/tcp.h"
#include "base/acl.h"
#include "resolve/conf.h"
#include "resolve/local.h"
#include "resolverd/clock_warn.h"
#include "wire/chaos.h"

/* Everything a reload replaces. Built by rsnap_build (config.h). */
struct rsnap {
	struct res_conf conf;
	struct local_data *local;
	struct acl *acl;                /* clients given recursion */
	struct acl *snoop;              /* their RD=0 queries: the cache */
	uint16_t max_payload;           /* EDNS payload to clients (1232) */
	long tcp_idle, tcp_max, tcp_per_client;
	long udp_coalesce;              /* microseconds, net/udp_wait.h */
	unsigned max_pending;           /* iterators per worker (1024) */
	struct chaos_ident chaos;       /* CHAOS TXT id.server, version.bind */
	atomic_long refs;               /* 1 while published, +1 per request */
};

void rsnap_free(struct rsnap *s);
/* Drops one reference; frees at zero. */
void rsnap_put(struct rsnap *s);

struct rworker;

struct rserver_stats {
	uint64_t queries, tcp_queries, cache_hits, local_answers, refused,
		 upstream, upstream_tcp, timeouts, servfail, stale, prefetch,
		 dropped, dnssec_verified, dnssec_stopped, aggressive_nsec;
};

struct rserver {
	struct rsnap *cur;              /* RCU pointer */
	struct clock_warn clock;        /* "is the clock right?" */
	struct cache *cache;            /* shared, kept across reloads */
	struct infra *infra;
	struct tcp_limits lim;
	struct rworker *w;
	size_t nw, naddr;
	int stop_fd;                    /* eventfd; -1 before open */
	struct qlog *ql;                /* the query logs (a ring per
					 * worker), or NULL: set before
					 * rserver_start */
};

/* Opens every client socket (threads x addresses, UDP and TCP) before
 * the privilege drop. 0, or -1 after logging which address failed.
 * s->cache and s->infra are kept (s must be initialised: zero it). */
int rserver_open(struct rserver *s, const struct cfg_listen *listen,
		 size_t nlisten, long threads);
/* Starts the workers (cache and infra must be set; s owns snap). */
int rserver_start(struct rserver *s, struct rsnap *snap);
/* Publishes a new snapshot (reload); the old one goes when unused. */
void rserver_publish(struct rserver *s, struct rsnap *snap);
/* Joins the workers, closes the sockets, drops the snapshot; safe on a
 * zeroed or half-opened s. The cache and infra stay the caller's. */
void rserver_stop(struct rserver *s);
void rserver_get_stats(const struct rserver *s, struct rserver_stats *st);
/* The workers' reply counters, added to sum (zeroed by the caller). */
struct ctl_qsum;
void rserver_qstats(const struct rserver *s, struct ctl_qsum *sum);

#endif
