/* Client UDP for the resolver: the batch loop of net/udp.c, but each
 * query also knows its peer and pktinfo, since a cache miss is answered
 * later (sendmsg from the same worker socket, from the address the
 * query was sent to). Nothing is allocated on the hit path. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "daemon/rserver_int.h"

static void setup_in(struct udp_batch *b)
{
	int i;

	for (i = 0; i < UDP_BATCH; i++) {
		b->iov_in[i].iov_base = b->q[i];
		b->iov_in[i].iov_len = UDP_BUF;
		memset(&b->in[i].msg_hdr, 0, sizeof(b->in[i].msg_hdr));
		b->in[i].msg_hdr.msg_name = &b->peer[i];
		b->in[i].msg_hdr.msg_iov = &b->iov_in[i];
		b->in[i].msg_hdr.msg_iovlen = 1;
		b->in[i].msg_hdr.msg_control = b->ctl[i].buf;
	}
}

static void reset_in(struct udp_batch *b)
{
	int i;

	for (i = 0; i < UDP_BATCH; i++) {
		b->in[i].msg_hdr.msg_namelen = sizeof(b->peer[i]);
		b->in[i].msg_hdr.msg_controllen = sizeof(b->ctl[i].buf);
	}
}

/* The query's pktinfo, rewritten to be the reply's source; NULL when the
 * socket is not a wildcard one (no pktinfo asked for). */
static struct cmsghdr *reply_source(struct msghdr *in)
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

static void send_all(int fd, struct udp_batch *b, int n)
{
	int sent = 0, k;

	while (sent < n) {
		k = sendmmsg(fd, b->out + sent, (unsigned)(n - sent), 0);
		if (k < 0 && errno == EINTR)
			continue;
		/* one bad peer address must not stop the rest */
		sent += k < 0 ? 1 : k;
	}
}

static void setup_out(struct udp_batch *b, int k, int i, size_t len,
		      struct cmsghdr *c)
{
	struct msghdr *o = &b->out[k].msg_hdr;

	b->iov_out[k].iov_base = b->r[i];
	b->iov_out[k].iov_len = len;
	o->msg_name = &b->peer[i];
	o->msg_namelen = b->in[i].msg_hdr.msg_namelen;
	o->msg_iov = &b->iov_out[k];
	o->msg_iovlen = 1;
	o->msg_control = c;
	o->msg_controllen = c ? CMSG_SPACE(c->cmsg_len - CMSG_LEN(0)) : 0;
	o->msg_flags = 0;
}

int rudp_serve(struct rworker *w, struct rsnap *snap, int fd)
{
	struct udp_batch *b = w->ub;
	struct rsrc src = { .fd = fd };
	struct cmsghdr *c;
	int n, i, nout = 0;
	size_t len;

	reset_in(b);
	do
		n = recvmmsg(fd, b->in, UDP_BATCH, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC)
			continue;
		c = reply_source(&b->in[i].msg_hdr);
		src.peer = &b->peer[i];
		src.peerlen = b->in[i].msg_hdr.msg_namelen;
		src.ctl = (const uint8_t *)c;
		src.ctllen = c ? CMSG_SPACE(c->cmsg_len - CMSG_LEN(0)) : 0;
		len = rquery_handle(w, snap, &src, b->q[i], b->in[i].msg_len,
				    b->r[i], UDP_BUF);
		if (len)
			setup_out(b, nout++, i, len, c);
	}
	if (nout)
		send_all(fd, b, nout);
	return n;
}

void rudp_reply(int fd, const struct rwaiter *wt, const uint8_t *buf,
		size_t len)
{
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr m = {
		.msg_name = (void *)&wt->peer,
		.msg_namelen = wt->peerlen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = wt->ctllen ? (void *)wt->ctl : NULL,
		.msg_controllen = wt->ctllen,
	};

	/* best effort, as for any UDP reply: a full buffer loses it */
	while (sendmsg(fd, &m, MSG_DONTWAIT) < 0 && errno == EINTR)
		;
}

void rudp_init(struct udp_batch *b)
{
	setup_in(b);
	reset_in(b);
}
