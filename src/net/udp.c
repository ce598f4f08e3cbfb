/* UDP batch loop. The batch buffers are set up once per call from the
 * thread's struct udp_batch; nothing is allocated per datagram. A
 * datagram larger than UDP_BUF (MSG_TRUNC) is dropped: no DNS query is
 * that large. */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "net/udp.h"

int udp_open(const struct sockaddr *sa, socklen_t len)
{
	int one = 1, fd, err;

	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
		goto fail;
	if (sa->sa_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(fd, sa, len) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}

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
	}
}

static void send_all(int fd, struct udp_batch *b, int n)
{
	int sent = 0, k;

	while (sent < n) {
		k = sendmmsg(fd, b->out + sent, n - sent, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* one bad peer address must not stop the rest */
			sent++;
			continue;
		}
		sent += k;
	}
}

int udp_serve(int fd, struct udp_batch *b, net_answer_fn fn, void *ctx)
{
	int n, i, nout = 0;
	size_t len;

	setup_in(b);
	do
		n = recvmmsg(fd, b->in, UDP_BATCH, MSG_DONTWAIT, NULL);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 0;
	for (i = 0; i < n; i++) {
		struct msghdr *h = &b->in[i].msg_hdr;

		if (h->msg_flags & MSG_TRUNC)
			continue;
		len = fn(ctx, b->q[i], b->in[i].msg_len, b->r[i], UDP_BUF);
		if (len == 0)
			continue;
		b->iov_out[nout].iov_base = b->r[i];
		b->iov_out[nout].iov_len = len;
		memset(&b->out[nout].msg_hdr, 0, sizeof(b->out[nout].msg_hdr));
		b->out[nout].msg_hdr.msg_name = &b->peer[i];
		b->out[nout].msg_hdr.msg_namelen = h->msg_namelen;
		b->out[nout].msg_hdr.msg_iov = &b->iov_out[nout];
		b->out[nout].msg_hdr.msg_iovlen = 1;
		nout++;
	}
	if (nout)
		send_all(fd, b, nout);
	return n;
}
