/* UDP serving: one socket per thread and address (SO_REUSEPORT, so the
 * kernel spreads queries), datagrams read and replies sent in batches
 * (recvmmsg/sendmmsg) through buffers the thread owns. */
#ifndef BANCHI_NET_UDP_H
#define BANCHI_NET_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define UDP_BATCH 64
#define UDP_BUF 4096            /* largest query read, largest reply */
#define UDP_SOCKBUF (4 << 20)   /* kernel buffer per socket, each way */

/* Answers q into out (cap octets); 0 = send nothing. */
typedef size_t (*net_answer_fn)(void *ctx, const uint8_t *q, size_t qlen,
				uint8_t *out, size_t cap);

struct udp_batch {
	struct mmsghdr in[UDP_BATCH];
	struct mmsghdr out[UDP_BATCH];
	struct iovec iov_in[UDP_BATCH];
	struct iovec iov_out[UDP_BATCH];
	struct sockaddr_storage peer[UDP_BATCH];
	union {
		struct cmsghdr align;
		uint8_t buf[64];
	} ctl[UDP_BATCH];               /* destination address (pktinfo) */
	uint8_t q[UDP_BATCH][UDP_BUF];
	uint8_t r[UDP_BATCH][UDP_BUF];
};

/* A bound, non-blocking UDP socket with SO_REUSEPORT; fd or -errno.
 * On a wildcard address the destination of each query is asked for
 * (IP_PKTINFO) so that the reply leaves from the address asked. */
int udp_open(const struct sockaddr *sa, socklen_t len);

/* Reads up to UDP_BATCH datagrams from fd, answers each with fn and
 * sends the replies. Returns the number of datagrams read (0 when none
 * was waiting). */
int udp_serve(int fd, struct udp_batch *b, net_answer_fn fn, void *ctx);

/* udp_serve in two steps, so that a thread can sleep in the receive
 * (wait: on a blocking fd, until one datagram came, SO_RCVTIMEO passed
 * or the socket was shut down) outside its RCU read section. Returns
 * the number read, 0 if none. */
int udp_read_batch(int fd, struct udp_batch *b, bool wait);

/* The pieces of udp_answer_batch, for a server that answers some
 * datagrams later (banchi-resolver). The query's IP_PKTINFO, rewritten
 * to be the reply's source (a wildcard socket), or NULL. */
struct cmsghdr *udp_reply_source(struct msghdr *in);
/* The address a query was sent to, for the logs: on a wildcard socket
 * (listen) its IP_PKTINFO's, with listen's port, into out; else listen
 * itself. */
const struct sockaddr *udp_query_dest(const struct msghdr *in,
				      const struct sockaddr *listen,
				      struct sockaddr_storage *out);
/* Reply k of the batch: r[i] (len octets) back to query i's sender. */
void udp_batch_reply(struct udp_batch *b, int k, int i, size_t len);
/* Sends one reply from a worker's own socket, best effort (a full buffer
 * loses it); one above the interface MTU goes out fragmented, as in
 * udp_send_batch. */
void udp_send_one(int fd, const struct msghdr *m);
/* Sends replies 0..n-1; a bad peer address does not stop the rest. */
void udp_send_batch(int fd, struct udp_batch *b, int n);
/* Readies the n entries just read for the next udp_read_batch. */
void udp_batch_done(struct udp_batch *b, int n);
/* Length of query i of the batch just read; 0 when it was too large. */
static inline size_t udp_query_len(const struct udp_batch *b, int i)
{
	if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC)
		return 0;
	return b->in[i].msg_len;
}

/* Answers the n datagrams udp_read_batch just read and sends the
 * replies. */
void udp_answer_batch(int fd, struct udp_batch *b, int n,
		      net_answer_fn fn, void *ctx);

#endif
