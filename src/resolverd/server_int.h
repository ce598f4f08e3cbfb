/* What the files of banchi-resolver's serving threads share: the worker,
 * its pending requests (one iterator each, with the clients waiting for
 * it), client TCP connections and the timer heap. Everything here is
 * owned by one worker thread; only the stats are read by others. */
#ifndef BANCHI_RESOLVERD_SERVER_INT_H
#define BANCHI_RESOLVERD_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ctl/ctl_stats.h"
#include "resolverd/server.h"
#include "net/client.h"
#include "net/udp.h"
#include "qlog/qlog.h"
#include "resolve/answer.h"
#include "resolve/iter.h"
#include "wire/msg.h"

/* First field of every object an epoll event points at. */
enum { RTAG_UDP = 1, RTAG_LISTEN, RTAG_CONN, RTAG_UP, RTAG_STOP };

#define RWAIT_MAX 64            /* clients sharing one request */
#define RCONN_INFLIGHT 32       /* unanswered queries per TCP connection */
#define RCONN_OUT_MAX (4 * TCP_OUT_SIZE) /* queued replies before pausing */
#define RHASH_SIZE 1024         /* pending-request buckets (chained) */
#define RFREE_KEEP 64           /* idle requests kept (iterators: ~128 KiB) */

enum rstat {
	RS_QUERIES, RS_TCP, RS_HITS, RS_LOCAL, RS_REFUSED, RS_UPSTREAM,
	RS_UPSTREAM_TCP, RS_TIMEOUTS, RS_SERVFAIL, RS_STALE, RS_PREFETCH,
	RS_DROPPED, RS_DNSSEC_VERIFIED, RS_DNSSEC_STOPPED, RS_AGGRESSIVE,
	RS_COUNT
};

struct rtag {
	int kind;
	int fd;
	struct sockaddr_storage local;  /* a client socket's address */
};

/* A client TCP connection: tc (from tcp_accept) holds the socket, the
 * read buffer and the cap accounting; replies queue in out. A
 * connection closed while queries are still being resolved for it stays
 * (dead) until the last of them is answered. */
struct rconn {
	int kind;                       /* RTAG_CONN */
	struct tcp_conn *tc;
	struct sockaddr_storage peer;
	uint8_t *out;
	size_t olen, ooff, ocap;
	unsigned inflight;
	uint32_t events;
	bool dead;
	struct rconn *prev, *next;      /* live list, or the zombie list */
};

/* A client waiting for a request's answer. */
struct rwaiter {
	struct rconn *conn;             /* TCP; NULL for UDP */
	int fd;                         /* UDP: the worker socket asked */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	uint8_t ctl[64];                /* UDP: reply source (pktinfo) */
	size_t ctllen;
	struct sockaddr_storage local;  /* the address asked: logs only */
	struct msg_query q;             /* edns options cleared */
	uint64_t t0;                    /* when it came (ms, rnow_ms) */
	uint64_t qlog_t0;               /* logged: when it came (qlog_now),
					 * else 0 */
	struct rwaiter *next;
};

struct rreq {
	int kind;                       /* RTAG_UP: its upstream socket */
	int fd;                         /* upstream socket, -1 none */
	bool active, tcp;
	unsigned flags;                 /* ITER_PREFETCH */
	struct iter *it;
	struct res_env env;
	struct rsnap *snap;             /* reference held while active */
	uint8_t qname[NAME_MAXLEN];     /* lowercase: the sharing key */
	uint16_t qname_len, qtype, qclass;
	struct rwaiter *waiters;
	unsigned nwait;
	long heap_idx;                  /* timer, -1 none */
	uint64_t deadline;
	struct client_frame *frame;     /* TCP upstream exchange */
	uint64_t up_t0;                 /* dnstap: the upstream query's time
					 * (0: not logged) */
	struct sockaddr_storage up_to;  /* and where it went */
	struct rreq *hnext;             /* hash chain, or free/done list */
	size_t slot;                    /* index in the worker's reqs */
};

struct rtimer {
	uint64_t at;
	struct rreq *r;
};

struct rworker {
	struct rserver *srv;
	pthread_t th;
	bool started;
	int ep;
	struct rtag *tags;              /* 2 per address, then stop */
	struct udp_batch *ub;
	struct answer *ans;             /* scratch for one answer */
	uint8_t *out;                   /* TCP reply scratch, TCP_OUT_SIZE */
	uint8_t *late;                  /* replies when a request ends, same */
	uint8_t *in;                    /* upstream datagram, 65536 */
	struct rconn *conns, *zombies;
	struct rreq **reqs;             /* every request allocated */
	size_t nreqs, reqcap, active, nfree;
	struct rreq *free, *done;
	struct rreq *hash[RHASH_SIZE];
	struct rtimer *heap;
	size_t nheap, heapcap;
	uint64_t now;                   /* ms, CLOCK_MONOTONIC */
	struct ctl_qstats *qs;          /* replies, for the metrics */
	struct qlog_ring *ql;           /* the query logs' ring, or NULL */
	bool ql_up;                     /* RESOLVER_* messages wanted */
	uint64_t qlog_t0;               /* the query being logged: its time
					 * (0: not logged), for rreq_wait */
	/* one writer (the worker), relaxed loads by rserver_get_stats */
	_Alignas(64) atomic_uint_fast64_t st[RS_COUNT];
};

/* Per-worker counter: one writer, so no read-modify-write atomics. */
static inline void rstat_add(struct rworker *w, enum rstat k, uint64_t n)
{
	uint64_t v = atomic_load_explicit(&w->st[k], memory_order_relaxed);

	atomic_store_explicit(&w->st[k], v + n, memory_order_relaxed);
}

uint64_t rnow_ms(void);
uint64_t rnow_ns(void);

/* Where a client query came from and how to answer it later. */
struct rsrc {
	struct rconn *conn;             /* TCP, or NULL */
	int fd;                         /* UDP worker socket */
	const struct sockaddr_storage *peer;
	socklen_t peerlen;
	const uint8_t *ctl;             /* pktinfo cmsg for the reply, or NULL */
	size_t ctllen;
	const struct sockaddr *local;   /* the address listened on */
};

/* server_query.c: one client query. Returns the length of the reply
 * written to out now, or 0 (dropped, or answered later). */
size_t rquery_handle(struct rworker *w, struct rsnap *snap,
		     const struct rsrc *src, const uint8_t *pkt, size_t len,
		     uint8_t *out, size_t cap);
/* server_udp.c: reads, answers and replies to a batch; n read. */
int rudp_serve(struct rworker *w, struct rsnap *snap, const struct rtag *t);
void rudp_reply(int fd, const struct rwaiter *wt, const uint8_t *buf,
		size_t len);

/* server_req.c: pending requests. */
struct rreq *rreq_find(struct rworker *w, const uint8_t *lname,
		       uint16_t qtype, uint16_t qclass);
/* Takes a request from the pool and begins its iterator (call
 * rreq_drive once its first client is added); NULL when the pool is
 * full (or out of memory). */
struct rreq *rreq_start(struct rworker *w, struct rsnap *snap,
			const uint8_t *lname, uint16_t qtype, uint16_t qclass,
			unsigned flags);
/* Steps the iterator until it waits for a reply or is done (then every
 * client is answered and r goes to the done list). */
void rreq_drive(struct rworker *w, struct rreq *r);
/* Adds a client to r; BN_ENOSPC when r has RWAIT_MAX, BN_ENOMEM. */
int rreq_wait(struct rworker *w, struct rreq *r, const struct rsrc *src,
	      const struct msg_query *q);
void rreq_event(struct rworker *w, struct rreq *r, uint32_t events);
void rreq_timers(struct rworker *w);
int rreq_next_timeout(const struct rworker *w);
/* Puts finished requests back in the pool (after an event batch). */
void rreq_release(struct rworker *w);
void rreq_free_all(struct rworker *w);

/* server_tcp.c: client TCP connections. */
void rconn_accept(struct rworker *w, const struct rsnap *snap,
		  const struct rtag *t);
void rconn_event(struct rworker *w, struct rsnap *snap,
		 struct rconn *c, uint32_t events);
/* Queues a reply (answered later); drops the connection's count. */
void rconn_reply(struct rworker *w, struct rconn *c, const uint8_t *buf,
		 size_t len);
void rconn_sweep(struct rworker *w, const struct rsnap *snap);
void rconn_release(struct rworker *w);
void rconn_free_all(struct rworker *w);

/* server_timer.c: min-heap of request deadlines. */
int rtimer_set(struct rworker *w, struct rreq *r, uint64_t at);
void rtimer_cancel(struct rworker *w, struct rreq *r);
/* The earliest expired request (removed from the heap), or NULL. */
struct rreq *rtimer_pop(struct rworker *w, uint64_t now);
/* ms until the next deadline (0 when due), or -1 when none. */
long rtimer_wait(const struct rworker *w, uint64_t now);

#endif
