/* UDP batch loop. The batch buffers are set up once per thread's struct
 * udp_batch; nothing is allocated per datagram. A
 * datagram larger than UDP_BUF (MSG_TRUNC) is dropped: no DNS query is
 * that large. On wildcard sockets the query's destination address comes
 * back as the reply's source (pktinfo), as a multihomed host needs. */
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "net/sock.h"
#include "net/udp.h"

static bool is_wildcard(const struct sockaddr *sa)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET)
		return v4->sin_addr.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr);
}

static int want_pktinfo(int fd, const struct sockaddr *sa)
{
	int one = 1;

	if (!is_wildcard(sa))
		return 0;
	if (sa->sa_family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one,
				  sizeof(one));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one,
			  sizeof(one));
}

/* IPv4 replies go out with DF set, as Linux already sets it on datagrams
 * that fit the route's MTU, but with the path MTU ignored (RFC 9715:
 * responders should not fragment; a forged ICMP "fragmentation needed"
 * can then not make us cut replies) and with ID 0 (RFC 6864 allows it
 * for unfragmented datagrams), which spares the kernel's shared ID
 * generator, an atomic in a hashed table, on every reply. */
static void no_fragments(int fd, const struct sockaddr *sa)
{
	int v = IP_PMTUDISC_PROBE;

	if (sa->sa_family == AF_INET)
		setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, sizeof(v));
}

/* A reply larger than the interface MTU, possible only with an EDNS
 * payload setting above it, cannot leave with DF: it goes out
 * fragmented as it did before, rather than being lost. Rare, and the
 * socket is this thread's alone, so the switch back and forth is safe. */
static void send_fragmented(int fd, const struct msghdr *m)
{
	int want = IP_PMTUDISC_WANT, probe = IP_PMTUDISC_PROBE;

	if (setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &want,
		       sizeof(want)) < 0)
		return;
	sendmsg(fd, m, 0);
	setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &probe, sizeof(probe));
}

void udp_send_one(int fd, const struct msghdr *m)
{
	ssize_t r;

	do
		r = sendmsg(fd, m, MSG_DONTWAIT);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EMSGSIZE)
		send_fragmented(fd, m);
}

/* Bursts larger than the default socket buffers would be dropped by the
 * kernel before a worker sees them; as root the size may pass rmem_max.
 * Best effort: the defaults still work. */
static void big_buffers(int fd)
{
	int size = UDP_SOCKBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

int udp_open(const struct sockaddr *sa, socklen_t len)
{
	int fd, err;

	fd = net_socket(sa, SOCK_DGRAM);
	if (fd < 0)
		return fd;
	big_buffers(fd);
	no_fragments(fd, sa);
	if (want_pktinfo(fd, sa) < 0 || bind(fd, sa, len) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}

/* The receive headers are set up once per batch struct; afterwards only
 * what recvmmsg wrote back (name and control lengths) is reset, and only
 * for the entries it filled, so a small batch costs little. */
static void setup_in(struct udp_batch *b)
{
	int i;

	for (i = 0; i < UDP_BATCH; i++) {
		b->iov_in[i].iov_base = b->q[i];
		b->iov_in[i].iov_len = UDP_BUF;
		memset(&b->in[i].msg_hdr, 0, sizeof(b->in[i].msg_hdr));
		b->in[i].msg_hdr.msg_name = &b->peer[i];
		b->in[i].msg_hdr.msg_namelen = sizeof(b->peer[i]);
		b->in[i].msg_hdr.msg_iov = &b->iov_in[i];
		b->in[i].msg_hdr.msg_iovlen = 1;
		b->in[i].msg_hdr.msg_control = b->ctl[i].buf;
		b->in[i].msg_hdr.msg_controllen = sizeof(b->ctl[i].buf);
	}
}

/* Set up already? The headers point into the struct itself, so the first
 * and last entry pointing at their own buffers mean setup_in() ran on it
 * (all entries are set together and never repointed). */
static bool primed(const struct udp_batch *b)
{
	const struct msghdr *f = &b->in[0].msg_hdr;
	const struct msghdr *l = &b->in[UDP_BATCH - 1].msg_hdr;

	return f->msg_iov == &b->iov_in[0] && f->msg_name == &b->peer[0] &&
	       l->msg_iov == &b->iov_in[UDP_BATCH - 1] &&
	       l->msg_control == b->ctl[UDP_BATCH - 1].buf &&
	       b->iov_in[0].iov_base == b->q[0];
}

void udp_batch_done(struct udp_batch *b, int n)
{
	for (int i = 0; i < n; i++) {
		b->in[i].msg_hdr.msg_namelen = sizeof(b->peer[i]);
		b->in[i].msg_hdr.msg_controllen = sizeof(b->ctl[i].buf);
	}
}

struct cmsghdr *udp_reply_source(struct msghdr *in)
{
	struct cmsghdr *c = in->msg_controllen ? CMSG_FIRSTHDR(in) : NULL;

	for (; c; c = CMSG_NXTHDR(in, c)) {
		if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo *pi = (void *)CMSG_DATA(c);

			pi->ipi_spec_dst = pi->ipi_addr;
			pi->ipi_ifindex = 0;
			return c;
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO)
			return c;
	}
	return NULL;
}

const struct sockaddr *udp_query_dest(const struct msghdr *in,
				      const struct sockaddr *listen,
				      struct sockaddr_storage *out)
{
	struct cmsghdr *c = in->msg_controllen ?
			    CMSG_FIRSTHDR((struct msghdr *)in) : NULL;
	struct sockaddr_in *v4 = (struct sockaddr_in *)out;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;

	if (!is_wildcard(listen))
		return listen;
	for (; c; c = CMSG_NXTHDR((struct msghdr *)in, c)) {
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO &&
		    listen->sa_family == AF_INET) {
			const struct in_pktinfo *pi = (const void *)CMSG_DATA(c);

			memcpy(v4, listen, sizeof(*v4));
			v4->sin_addr = pi->ipi_addr;
			return (const struct sockaddr *)out;
		}
		if (c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_PKTINFO &&
		    listen->sa_family == AF_INET6) {
			const struct in6_pktinfo *pi =
				(const void *)CMSG_DATA(c);

			memcpy(v6, listen, sizeof(*v6));
			v6->sin6_addr = pi->ipi6_addr;
			return (const struct sockaddr *)out;
		}
	}
	return listen;
}

void udp_send_batch(int fd, struct udp_batch *b, int n)
{
	int sent = 0, k;

	while (sent < n) {
		k = sendmmsg(fd, b->out + sent, n - sent, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EMSGSIZE)
				send_fragmented(fd, &b->out[sent].msg_hdr);
			/* one bad peer address must not stop the rest */
			sent++;
			continue;
		}
		sent += k;
	}
}

void udp_batch_reply(struct udp_batch *b, int k, int i, size_t len)
{
	struct msghdr *h = &b->in[i].msg_hdr, *o = &b->out[k].msg_hdr;
	struct cmsghdr *c = udp_reply_source(h);

	b->iov_out[k].iov_base = b->r[i];
	b->iov_out[k].iov_len = len;
	o->msg_name = &b->peer[i];
	o->msg_namelen = h->msg_namelen;
	o->msg_iov = &b->iov_out[k];
	o->msg_iovlen = 1;
	o->msg_control = c;
	o->msg_controllen = c ? CMSG_SPACE(c->cmsg_len - CMSG_LEN(0)) : 0;
	o->msg_flags = 0;
}

int udp_read_batch(int fd, struct udp_batch *b, bool wait)
{
	int n;

	if (!primed(b))
		setup_in(b);
	do
		n = recvmmsg(fd, b->in, UDP_BATCH,
			     wait ? MSG_WAITFORONE : MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	return n < 0 ? 0 : n;
}

void udp_answer_batch(int fd, struct udp_batch *b, int n,
		      net_answer_fn fn, void *ctx)
{
	int i, nout = 0;
	size_t len;

	for (i = 0; i < n; i++) {
		if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC)
			continue;
		len = fn(ctx, b->q[i], b->in[i].msg_len, b->r[i], UDP_BUF);
		if (len == 0)
			continue;
		udp_batch_reply(b, nout++, i, len);
	}
	if (nout)
		udp_send_batch(fd, b, nout);
	udp_batch_done(b, n);
}

int udp_serve(int fd, struct udp_batch *b, net_answer_fn fn, void *ctx)
{
	int n = udp_read_batch(fd, b, false);

	if (n > 0)
		udp_answer_batch(fd, b, n, fn, ctx);
	return n;
}
