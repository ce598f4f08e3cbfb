/* Client UDP for the resolver: the batch loop of net/udp.c, but each
 * query also knows its peer and pktinfo, since a cache miss is answered
 * later (sendmsg from the same worker socket, from the address the
 * query was sent to). Nothing is allocated on the hit path. */
#include <netinet/in.h>
#include <string.h>

#include "resolverd/server_int.h"

int rudp_serve(struct rworker *w, struct rsnap *snap, const struct rtag *t)
{
	struct udp_batch *b = w->ub;
	int fd = t->fd;
	const struct sockaddr *tl = (const struct sockaddr *)&t->local;
	struct rsrc src = { .fd = fd, .local = tl };
	struct sockaddr_storage dst;
	struct cmsghdr *c;
	int n, i, nout = 0;
	uint64_t t0;
	size_t len;

	n = udp_read_batch(fd, b, false);
	t0 = rnow_ns();
	for (i = 0; i < n; i++) {
		if (b->in[i].msg_hdr.msg_flags & MSG_TRUNC)
			continue;
		/* kept with a waiting client: a late reply leaves from the
		 * address the query came to */
		c = udp_reply_source(&b->in[i].msg_hdr);
		src.peer = &b->peer[i];
		src.peerlen = b->in[i].msg_hdr.msg_namelen;
		src.ctl = (const uint8_t *)c;
		src.ctllen = c ? CMSG_SPACE(c->cmsg_len - CMSG_LEN(0)) : 0;
		if (__builtin_expect(w->ql != NULL, 0))
			src.local = udp_query_dest(&b->in[i].msg_hdr, tl, &dst);
		len = rquery_handle(w, snap, &src, b->q[i], b->in[i].msg_len,
				    b->r[i], UDP_BUF);
		if (len) {
			ctl_qstats_reply(w->qs, b->r[i], len);
			udp_batch_reply(b, nout++, i, len);
		}
	}
	if (nout)
		udp_send_batch(fd, b, nout);
	/* answered from the cache at once: each counted as the batch's
	 * time (an upper bound); the others when their answer goes */
	if (nout)
		ctl_qstats_latency(w->qs, rnow_ns() - t0, (uint64_t)nout);
	udp_batch_done(b, n);
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

	udp_send_one(fd, &m);
}
