/* Client TCP (RFC 7766): several queries per connection, answered out
 * of order as they resolve. Reading pauses while RCONN_INFLIGHT queries
 * resolve or output piles up. A connection closed with queries still out
 * stays a zombie (socket closed, cap released) until they end, and is
 * freed only between event batches. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "resolverd/server_int.h"
#include "wire/buf.h"

#define RBUF_INIT 1024
#define READS_PER_PASS 16

static time_t now_sec(const struct rworker *w)
{
	return (time_t)(w->now / 1000);
}

static void kill_conn(struct rworker *w, struct rconn *c)
{
	if (c->dead)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->dead = true;
	tcp_conn_close(c->tc, &w->srv->lim);    /* closes: leaves epoll */
	c->tc = NULL;
	c->prev = NULL;
	c->next = w->zombies;
	w->zombies = c;
}

static bool paused(const struct rconn *c)
{
	return c->inflight >= RCONN_INFLIGHT ||
	       c->olen - c->ooff >= RCONN_OUT_MAX;
}

/* A whole query waits at the front of the read buffer. */
static bool frame_ready(const struct tcp_conn *tc)
{
	return tc->rlen >= 2 &&
	       tc->rlen >= 2 + (size_t)wire_get_u16(tc->rbuf);
}

static int flush(struct rworker *w, struct rconn *c)
{
	ssize_t k;

	while (c->ooff < c->olen) {
		k = send(c->tc->fd, c->out + c->ooff, c->olen - c->ooff,
			 MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EAGAIN ? 0 : -1;
		c->ooff += (size_t)k;
		c->tc->last = now_sec(w);
	}
	c->olen = c->ooff = 0;
	return 0;
}

/* Appends one framed reply and tries to send it. */
static int queue(struct rworker *w, struct rconn *c, const uint8_t *buf,
		 size_t len)
{
	uint8_t *n;
	size_t need;

	if (c->ooff && c->ooff == c->olen)
		c->olen = c->ooff = 0;
	need = c->olen + len;
	if (need > c->ocap) {
		n = realloc(c->out, need);
		if (!n)
			return -1;
		c->out = n;
		c->ocap = need;
	}
	memcpy(c->out + c->olen, buf, len);
	c->olen += len;
	return flush(w, c);
}

/* Epoll interest: read unless paused or at EOF; write when output is
 * pending, or to come back for queries buffered while paused. */
static int update_interest(struct rworker *w, struct rconn *c)
{
	struct epoll_event ev = { .data.ptr = c };
	bool more = !paused(c);

	ev.events = more && !c->tc->eof ? EPOLLIN : 0;
	if (c->olen > c->ooff || (more && frame_ready(c->tc)))
		ev.events |= EPOLLOUT;
	if (ev.events == c->events)
		return 0;
	if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->tc->fd, &ev) < 0)
		return -1;
	c->events = ev.events;
	return 0;
}

/* Closes when the peer has gone and everything owed is sent, or on a
 * failure; otherwise sets the interest. */
static void settle(struct rworker *w, struct rconn *c)
{
	if (c->dead)
		return;
	if (c->tc->eof && !c->inflight && c->olen == c->ooff &&
	    !frame_ready(c->tc))
		kill_conn(w, c);
	else if (update_interest(w, c) < 0)
		kill_conn(w, c);
}

void rconn_reply(struct rworker *w, struct rconn *c, const uint8_t *buf,
		 size_t len)
{
	c->inflight--;
	if (c->dead)
		return;
	if (len && queue(w, c, buf, len) < 0) {
		kill_conn(w, c);
		return;
	}
	settle(w, c);
}

/* Answers the whole queries at the front of the read buffer while not
 * paused. -1 when the connection failed (it may be dead then) or a
 * message of length 0 ends it. */
static int answer_buffered(struct rworker *w, struct rsnap *snap,
			   struct rconn *c)
{
	struct rsrc src = { .conn = c, .fd = -1, .peer = &c->peer,
			    .peerlen = sizeof(c->peer), .local = c->tc->local };
	struct tcp_conn *tc = c->tc;
	size_t off = 0, flen, len;
	struct wbuf b;
	uint64_t t0;
	int r;

	while (!paused(c) && (r = tcp_frame_at(tc, off, &flen)) != 0) {
		if (r < 0)
			return -1;
		t0 = rnow_ns();
		len = rquery_handle(w, snap, &src, tc->rbuf + off + 2, flen,
				    w->out + 2, TCP_MSG_MAX);
		/* a miss resolved at once may have answered, and failed */
		if (c->dead)
			return -1;
		off += 2 + flen;
		if (len == 0)
			continue;
		ctl_qstats_reply(w->qs, w->out + 2, len);
		ctl_qstats_latency(w->qs, rnow_ns() - t0, 1);
		wbuf_init(&b, w->out, 2);
		wbuf_u16(&b, (uint16_t)len);
		if (queue(w, c, w->out, len + 2) < 0)
			return -1;
	}
	memmove(tc->rbuf, tc->rbuf + off, tc->rlen - off);
	tc->rlen -= off;
	return 0;
}

/* Room for the frame at the front of the read buffer. */
static int grow(struct tcp_conn *tc)
{
	size_t need = tc->rlen >= 2 ? 2 + (size_t)wire_get_u16(tc->rbuf) : 2;
	uint8_t *n;

	if (need <= tc->rcap)
		return 0;
	n = realloc(tc->rbuf, need);
	if (!n)
		return -1;
	tc->rbuf = n;
	tc->rcap = need;
	return 0;
}

static int conn_io(struct rworker *w, struct rsnap *snap, struct rconn *c)
{
	struct tcp_conn *tc = c->tc;
	ssize_t k;
	int i;

	for (i = 0; i < READS_PER_PASS; i++) {
		if (flush(w, c) < 0 || answer_buffered(w, snap, c) < 0)
			return -1;
		if (paused(c) || tc->eof)
			return 0;
		if (grow(tc) < 0)
			return -1;
		k = recv(tc->fd, tc->rbuf + tc->rlen, tc->rcap - tc->rlen, 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EAGAIN ? 0 : -1;
		if (k == 0)
			tc->eof = true;
		tc->rlen += (size_t)k;
		tc->last = now_sec(w);
	}
	return 0;
}

void rconn_event(struct rworker *w, struct rsnap *snap, struct rconn *c,
		 uint32_t events)
{
	if (c->dead)
		return;
	/* reset or fully shut: nothing more can be sent either */
	if ((events & (EPOLLERR | EPOLLHUP)) || conn_io(w, snap, c) < 0)
		kill_conn(w, c);
	else
		settle(w, c);
}

void rconn_accept(struct rworker *w, const struct rsnap *snap,
		  const struct rtag *t)
{
	int lfd = t->fd;
	struct epoll_event ev = { .events = EPOLLIN };
	long max = snap->tcp_max > 0 ? snap->tcp_max : 1000;
	long per = snap->tcp_per_client > 0 ? snap->tcp_per_client : 20;
	socklen_t sl;
	struct tcp_conn *tc;
	struct rconn *c;
	int i;

	for (i = 0; i < 16; i++) {
		tc = tcp_accept(lfd, &w->srv->lim, max, per, now_sec(w));
		if (!tc)
			return;
		c = calloc(1, sizeof(*c));
		sl = sizeof(c->peer);
		ev.data.ptr = c;
		if (!c || getpeername(tc->fd, (struct sockaddr *)&c->peer,
				      &sl) < 0 ||
		    epoll_ctl(w->ep, EPOLL_CTL_ADD, tc->fd, &ev) < 0) {
			tcp_conn_close(tc, &w->srv->lim);
			free(c);
			continue;
		}
		c->kind = RTAG_CONN;
		c->tc = tc;
		tc->local = (const struct sockaddr *)&t->local;
		c->events = EPOLLIN;
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
	}
}

void rconn_sweep(struct rworker *w, const struct rsnap *snap)
{
	long idle = snap->tcp_idle > 0 ? snap->tcp_idle : 10;
	struct rconn *c, *next;

	for (c = w->conns; c; c = next) {
		next = c->next;
		if (!c->inflight && now_sec(w) - c->tc->last >= idle)
			kill_conn(w, c);
	}
}

void rconn_release(struct rworker *w)
{
	struct rconn **p = &w->zombies, *c;

	while ((c = *p)) {
		if (c->inflight) {
			p = &c->next;
			continue;
		}
		*p = c->next;
		free(c->out);
		free(c);
	}
}

void rconn_free_all(struct rworker *w)
{
	while (w->conns)
		kill_conn(w, w->conns);
	rconn_release(w);
	/* zombies still counted by requests are gone with them */
	while (w->zombies) {
		struct rconn *c = w->zombies;

		w->zombies = c->next;
		free(c->out);
		free(c);
	}
}
