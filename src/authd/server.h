/* The serving threads: each worker has its own UDP socket and TCP
 * listener per address (SO_REUSEPORT), one thread per UDP socket and one
 * epoll loop for TCP; they read the current snapshot (struct served)
 * inside an RCU read section. */
#ifndef BANCHI_AUTHD_SERVER_H
#define BANCHI_AUTHD_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "authd/config.h"
#include "authd/reload.h"
#include "authd/secondary.h"
#include "authd/updater.h"
#include "net/tcp.h"

struct worker;

struct server {
	struct served *cur;             /* RCU: rcu_dereference to read */
	struct tcp_limits lim;
	struct worker *w;
	size_t nw;
	size_t naddr;
	int stop_fd;                    /* eventfd: wakes workers to exit */
	struct updater *upd;            /* takes UPDATEs, or NULL */
	struct secondary *sec;          /* takes NOTIFYs, or NULL */
	struct xfr_health *health;      /* transfers out noted, or NULL */
	struct qlog *ql;                /* the query logs, or NULL: set
					 * before server_start, with
					 * SERVER_QLOG_RINGS rings */
};

/* The rings the query logs need: one per thread (UDP per address, TCP
 * per worker). */
#define SERVER_QLOG_RINGS(c) ((size_t)(c)->threads * ((c)->nlisten + 1))

/* Opens every socket (threads x addresses, UDP and TCP) before the
 * privilege drop. 0, or -1 after logging which address failed. */
int server_open(struct server *s, const struct config *c);
/* Starts the workers on snapshot cur (the server owns it from now). */
int server_start(struct server *s, struct served *cur);
/* Stops and joins the workers, closes sockets, frees the snapshot. */
void server_stop(struct server *s);
/* Queries answered so far. */
void server_counts(const struct server *s, uint64_t *udp, uint64_t *tcp);
/* The workers' reply counters, added to sum (zeroed by the caller). */
struct ctl_qsum;
void server_qstats(const struct server *s, struct ctl_qsum *sum);

#endif
