/* DNS over TCP (RFC 7766): 2-octet length framing, several queries per
 * connection, pipelining, partial reads and writes on non-blocking
 * sockets. Buffers belong to the connection (allocated at accept), the
 * reply scratch to the thread. Connection caps per client address and
 * in total are shared between threads through atomic counters. */
#ifndef BANCHI_NET_TCP_H
#define BANCHI_NET_TCP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "net/udp.h"

#define TCP_MSG_MAX 65535
#define TCP_OUT_SIZE (TCP_MSG_MAX + 2)
#define TCP_BUCKETS 4096        /* per-client counts, by address hash */

struct tcp_limits {
	atomic_long total;
	atomic_long per[TCP_BUCKETS];
};

/* next: the next message into out (cap octets): its length, 0 at the
 * end, < 0 to close the connection. end: frees the stream (at its end,
 * or when the connection closes first). */
struct tcp_stream_ops {
	int (*next)(void *st, uint8_t *out, size_t cap);
	void (*end)(void *st);
};

struct tcp_conn {
	int kind;                       /* first: the caller's epoll tag */
	int fd;
	uint32_t events;                /* epoll interest now set */
	unsigned bucket;
	time_t last;                    /* last progress, for idle timeout */
	bool eof;                       /* peer closed its side */
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint8_t *wbuf;                  /* unsent rest of one reply */
	size_t wlen, woff;
	/* a reply of many messages (a zone transfer): made one at a time
	 * as the socket takes them; queries after it wait */
	void *stream;
	const struct tcp_stream_ops *sops;
	struct tcp_conn *prev, *next;   /* the owning thread's list */
	struct sockaddr_storage peer;   /* the client, as accepted */
	const struct sockaddr *local;   /* the listener's address, when the
					 * caller sets it (the query logs) */
};

/* A bound, listening, non-blocking socket with SO_REUSEPORT. */
int tcp_listen_open(const struct sockaddr *sa, socklen_t len);

/* Accepts one connection; NULL when none is waiting, or when it was
 * over a cap or out of memory (then it is closed at once). */
struct tcp_conn *tcp_accept(int lfd, struct tcp_limits *lim, long max_total,
			    long max_per_client, time_t now);

/* Reads what is there, answers every complete query in order, writes
 * the replies. out is the thread's scratch of TCP_OUT_SIZE octets.
 * Returns 0 to keep the connection, -1 to close it. Stops reading while
 * a reply is pending (tcp_conn_pending). */
int tcp_conn_io(struct tcp_conn *c, net_answer_fn fn, void *ctx,
		uint8_t *out, time_t now);

static inline bool tcp_conn_pending(const struct tcp_conn *c)
{
	return c->wlen > c->woff;
}

/* Makes st the connection's stream, from inside its answer function
 * (the message returned there goes first). */
void tcp_conn_stream(struct tcp_conn *c, void *st,
		     const struct tcp_stream_ops *ops);

/* Whether the connection wants to write (EPOLLOUT): a reply pending or
 * a stream going on. */
static inline bool tcp_conn_writing(const struct tcp_conn *c)
{
	return tcp_conn_pending(c) || c->stream;
}

void tcp_conn_close(struct tcp_conn *c, struct tcp_limits *lim);

/* The message framed at off of c's read buffer (RFC 1035 4.2.2): 1 with
 * its length in *len when it is all there, 0 when more must be read,
 * -1 for a message of length 0, which ends the connection (as every
 * peer closes it). */
int tcp_frame_at(const struct tcp_conn *c, size_t off, size_t *len);

#endif
