/* TCP connection I/O. One pass: flush what is pending, make the next
 * messages of a stream, answer queries already buffered, read more,
 * repeat, until the socket has nothing or a reply could not be written
 * whole (the rest waits in wbuf and reading pauses: a client that does
 * not read gets no more answers). While a stream goes on, nothing is
 * read: a transfer's messages are not interleaved with other replies. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/sock.h"
#include "net/tcp.h"
#include "wire/buf.h"

#define RBUF_INIT 1024
#define READS_PER_PASS 16
#define STREAM_PER_PASS 8       /* messages of a stream per wakeup: the
				 * other connections get their turn */

int tcp_listen_open(const struct sockaddr *sa, socklen_t len)
{
	int one = 1, fd, err;

	fd = net_socket(sa, SOCK_STREAM);
	if (fd < 0)
		return fd;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(fd, sa, len) < 0 || listen(fd, 1024) < 0)
		goto fail;
	return fd;
fail:
	err = errno;
	close(fd);
	return -err;
}

static unsigned addr_bucket(const struct sockaddr_storage *ss)
{
	const uint8_t *p;
	size_t n, i;
	uint32_t h = 2166136261u;

	if (ss->ss_family == AF_INET6) {
		p = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		n = 16;
	} else {
		p = (const uint8_t *)
			&((const struct sockaddr_in *)ss)->sin_addr;
		n = 4;
	}
	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % TCP_BUCKETS;
}

static struct tcp_conn *conn_new(int fd, unsigned bucket, time_t now)
{
	struct tcp_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->rbuf = malloc(RBUF_INIT);
	if (!c->rbuf) {
		free(c);
		return NULL;
	}
	c->rcap = RBUF_INIT;
	c->fd = fd;
	c->bucket = bucket;
	c->last = now;
	return c;
}

struct tcp_conn *tcp_accept(int lfd, struct tcp_limits *lim, long max_total,
			    long max_per_client, time_t now)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct tcp_conn *c = NULL;
	unsigned b;
	int fd;

	fd = accept4(lfd, (struct sockaddr *)&ss, &sl,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return NULL;
	b = addr_bucket(&ss);
	if (atomic_fetch_add(&lim->total, 1) >= max_total)
		goto over_total;
	if (atomic_fetch_add(&lim->per[b], 1) >= max_per_client)
		goto over_client;
	c = conn_new(fd, b, now);
	if (c) {
		c->peer = ss;
		return c;
	}
over_client:
	atomic_fetch_sub(&lim->per[b], 1);
over_total:
	atomic_fetch_sub(&lim->total, 1);
	close(fd);
	return NULL;
}

static void stream_end(struct tcp_conn *c)
{
	if (c->stream)
		c->sops->end(c->stream);
	c->stream = NULL;
	c->sops = NULL;
}

void tcp_conn_stream(struct tcp_conn *c, void *st,
		     const struct tcp_stream_ops *ops)
{
	stream_end(c);
	c->stream = st;
	c->sops = ops;
}

void tcp_conn_close(struct tcp_conn *c, struct tcp_limits *lim)
{
	stream_end(c);
	atomic_fetch_sub(&lim->per[c->bucket], 1);
	atomic_fetch_sub(&lim->total, 1);
	close(c->fd);
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

/* Writes buf; what does not go out now is kept in wbuf. */
static int send_reply(struct tcp_conn *c, const uint8_t *buf, size_t len)
{
	ssize_t k;

	do
		k = send(c->fd, buf, len, MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	if (k < 0 && errno != EAGAIN)
		return -1;
	if (k < 0)
		k = 0;
	if ((size_t)k == len)
		return 0;
	if (!c->wbuf && !(c->wbuf = malloc(TCP_OUT_SIZE)))
		return -1;
	memcpy(c->wbuf, buf + k, len - k);
	c->wlen = len - k;
	c->woff = 0;
	return 0;
}

static int flush(struct tcp_conn *c, time_t now)
{
	ssize_t k;

	while (tcp_conn_pending(c)) {
		k = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
			 MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EAGAIN ? 0 : -1;
		c->woff += k;
		c->last = now;
	}
	c->wlen = c->woff = 0;
	return 0;
}

int tcp_frame_at(const struct tcp_conn *c, size_t off, size_t *len)
{
	if (c->rlen - off < 2)
		return 0;
	*len = wire_get_u16(c->rbuf + off);
	if (*len == 0)
		return -1;
	return c->rlen - off - 2 >= *len ? 1 : 0;
}

/* Answers complete queries at the front of rbuf while nothing is
 * pending; -1 on a fatal error (a message of length 0 among them). */
static int answer_buffered(struct tcp_conn *c, net_answer_fn fn, void *ctx,
			   uint8_t *out)
{
	size_t off = 0, flen, len;
	struct wbuf w;
	int ret = 0, r;

	while (!tcp_conn_writing(c) &&
	       (r = tcp_frame_at(c, off, &flen)) != 0) {
		if (r < 0) {
			ret = -1;
			break;
		}
		len = fn(ctx, c->rbuf + off + 2, flen, out + 2, TCP_MSG_MAX);
		off += 2 + flen;
		if (len == 0)
			continue;
		wbuf_init(&w, out, 2);
		wbuf_u16(&w, (uint16_t)len);
		if ((ret = send_reply(c, out, len + 2)) < 0)
			break;
	}
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return ret;
}

/* The next messages of the stream, while the socket takes them whole. */
static int stream_some(struct tcp_conn *c, uint8_t *out, time_t now)
{
	struct wbuf w;
	int i, len;

	for (i = 0; i < STREAM_PER_PASS && c->stream && !tcp_conn_pending(c);
	     i++) {
		len = c->sops->next(c->stream, out + 2, TCP_MSG_MAX);
		if (len <= 0) {
			stream_end(c);
			return len < 0 ? -1 : 0;
		}
		wbuf_init(&w, out, 2);
		wbuf_u16(&w, (uint16_t)len);
		if (send_reply(c, out, (size_t)len + 2) < 0)
			return -1;
		c->last = now;
	}
	return 0;
}

/* Makes room for the frame at the front of rbuf; -1 on no memory. */
static int grow(struct tcp_conn *c)
{
	size_t need = c->rlen >= 2 ?
		      2 + (size_t)wire_get_u16(c->rbuf) : 2;
	uint8_t *n;

	if (need <= c->rcap)
		return 0;
	n = realloc(c->rbuf, need);
	if (!n)
		return -1;
	c->rbuf = n;
	c->rcap = need;
	return 0;
}

int tcp_conn_io(struct tcp_conn *c, net_answer_fn fn, void *ctx,
		uint8_t *out, time_t now)
{
	ssize_t k;
	int i;

	for (i = 0; i < READS_PER_PASS; i++) {
		if (flush(c, now) < 0 || stream_some(c, out, now) < 0 ||
		    answer_buffered(c, fn, ctx, out) < 0)
			return -1;
		if (tcp_conn_writing(c) || c->eof)
			break;
		if (grow(c) < 0)
			return -1;
		k = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EAGAIN ? 0 : -1;
		if (k == 0) {
			c->eof = true;
			continue;
		}
		c->rlen += k;
		c->last = now;
	}
	/* after EOF: close once every reply is out */
	return c->eof && !tcp_conn_writing(c) ? -1 : 0;
}
