/* Worker threads: per worker an epoll loop for TCP and one thread per UDP
 * socket. Each takes the RCU read lock once per wakeup (a batch), never
 * blocks inside it, and allocates only when a TCP connection is
 * accepted. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <urcu.h>

#include "daemon/log.h"
#include "authd/server.h"
#include "authd/tsig_note.h"
#include "authd/xfr_health.h"
#include "auth/xfr.h"
#include "ctl/ctl_stats.h"
#include "net/sock.h"
#include "net/udp_wait.h"
#include "qlog/qlog.h"

enum { TAG_LISTEN = 1, TAG_CONN, TAG_STOP };

struct ep_tag {
	int kind;                       /* first, as in struct tcp_conn */
	int fd;
};

/* A UDP socket and its own thread, which sleeps in recvmmsg rather than
 * in epoll: a socket registered with epoll has the kernel call the epoll
 * wakeup (two irqsave locks) for every datagram sent from it, when the
 * sent buffer is freed (sock_wfree), even though only EPOLLIN is asked.
 * perf: ~3% of the CPU per query on loopback, gone with this. */
struct uthread {
	struct worker *w;
	pthread_t th;
	bool started;
	int fd;
	struct udp_batch *ub;
	struct auth_batch *ab;          /* ub's queries, prepared */
	struct ctl_qstats *qs;          /* its replies, for the metrics */
	struct qlog_ring *ql;           /* the query logs' ring, or NULL */
	struct sockaddr_storage local;  /* the address it listens on */
};

struct worker {
	struct server *srv;
	pthread_t th;
	bool started;
	atomic_bool stop;
	int ep;
	struct ep_tag *tags;            /* 1 per address (TCP), then stop */
	struct uthread *ut;             /* 1 per address */
	size_t nut;
	uint8_t *tcpout;
	struct auth_xfr *xs;            /* a transfer's state, until one
					 * starts and its connection takes it */
	struct tcp_conn *conns;
	struct ctl_qstats *qs;          /* TCP replies, for the metrics */
	struct qlog_ring *ql;           /* TCP queries' log ring, or NULL */
	/* written per query: one cache line per worker, no false sharing */
	_Alignas(64) atomic_uint_fast64_t nudp;
	atomic_uint_fast64_t ntcp;
};

struct actx {
	const struct served *s;
	atomic_uint_fast64_t *count;
	uint64_t pending;               /* UDP: added to count per batch */
	struct auth_batch *ab;          /* UDP: set by prepare_udp */
	struct worker *w;               /* TCP: the worker and connection */
	struct tcp_conn *c;
	struct uthread *u;              /* UDP: the thread and its socket */
};

/* An UPDATE for a zone that takes updates goes to the writer, which
 * answers it later (UDP) or while this thread waits (TCP). */
static bool is_update(const struct server *srv, const uint8_t *q,
		      size_t qlen)
{
	return srv->upd && srv->upd->nzones && qlen >= MSG_HDRLEN &&
	       ((q[2] >> 3) & 0x0f) == OPCODE_UPDATE && !(q[2] & 0x80);
}

/* A NOTIFY (RFC 1996), or an UPDATE the writer does not take, while
 * secondaries are served: theirs are answered by the secondaries. */
static bool is_notify(const struct server *srv, const uint8_t *q,
		      size_t qlen)
{
	uint8_t op;

	if (!srv->sec ||
	    !atomic_load_explicit(&srv->sec->any, memory_order_relaxed) || qlen < MSG_HDRLEN || (q[2] & 0x80))
		return false;
	op = (q[2] >> 3) & 0x0f;
	return op == OPCODE_NOTIFY || op == OPCODE_UPDATE;
}

static size_t update_udp(struct actx *a, const uint8_t *q, size_t qlen,
			 uint8_t *out, size_t cap)
{
	struct udp_batch *b = a->u->ub;
	int i = (int)((q - b->q[0]) / UDP_BUF);

	if (updater_submit_udp(a->w->srv->upd, q, qlen, a->u->fd,
			       &b->in[i].msg_hdr))
		return 0;
	return auth_reply(&a->s->conf, q, qlen, AUTH_UDP, RCODE_SERVFAIL, out,
			  cap);
}

/* The batch's lookups start together (auth_batch_prepare) when the
 * zones are large enough for it to pay. */
static void prepare_udp(struct actx *a, struct auth_batch *ab,
			const struct udp_batch *b, int n)
{
	const uint8_t *q[UDP_BATCH];
	size_t len[UDP_BATCH];

	a->ab = NULL;
	if (!auth_batch_wanted(ab, a->s->db))
		return;
	for (int i = 0; i < n; i++) {
		q[i] = b->q[i];
		len[i] = udp_query_len(b, i);
	}
	if (auth_batch_prepare(ab, a->s->db, q, len, n) > 0)
		a->ab = ab;
}

static size_t answer_query(struct actx *a, const uint8_t *q, size_t qlen,
			   uint8_t *out, size_t cap)
{
	if (__builtin_expect(is_notify(a->w->srv, q, qlen), 0)) {
		const struct udp_batch *b = a->u->ub;
		size_t n = secondary_notify(a->w->srv->sec, a->s, q, qlen,
					    &b->peer[(q - b->q[0]) / UDP_BUF],
					    AUTH_UDP, out, cap);
		if (n)
			return n;
	}
	if (a->ab)
		return auth_answer_batch(a->ab, a->s->db, &a->s->conf, q, qlen,
					 AUTH_UDP, out, cap);
	return auth_answer(a->s->db, &a->s->conf, q, qlen, AUTH_UDP, out, cap);
}

/* A query and its answer into the query logs' ring (copied there). */
static void log_query(struct qlog_ring *r, bool tcp,
		      const struct sockaddr_storage *peer,
		      const struct sockaddr *local, uint64_t t0,
		      const uint8_t *q, size_t qlen, const uint8_t *out,
		      size_t n)
{
	struct qlog_event e = {
		.kind = QLOG_K_AUTH, .tcp = tcp,
		.peer = (const struct sockaddr *)peer, .local = local,
		.qtime = t0, .rtime = qlog_now(), .q = q, .qlen = qlen,
		.r = n ? out : NULL, .rlen = n,
	};

	qlog_put(r, &e);
}

static size_t answer_udp_logged(struct actx *a, const uint8_t *q,
				size_t qlen, uint8_t *out, size_t cap)
{
	const struct udp_batch *b = a->u->ub;
	size_t i = (size_t)(q - b->q[0]) / UDP_BUF;
	uint64_t t0 = qlog_now();
	size_t n = answer_query(a, q, qlen, out, cap);
	struct sockaddr_storage dst;

	ctl_qstats_reply(a->u->qs, out, n);
	log_query(a->u->ql, false, &b->peer[i],
		  udp_query_dest(&b->in[i].msg_hdr, (const struct sockaddr *)
				 &a->u->local, &dst), t0, q, qlen, out, n);
	return n;
}

static size_t answer_udp(void *ctx, const uint8_t *q, size_t qlen,
			 uint8_t *out, size_t cap)
{
	struct actx *a = ctx;
	size_t n;

	a->pending++;
	if (__builtin_expect(is_update(a->w->srv, q, qlen), 0))
		return update_udp(a, q, qlen, out, cap);  /* the writer's */
	/* off: this one test of a pointer the thread owns; not logged:
	 * what is no DNS message (the empty reads of a shutdown) */
	if (__builtin_expect(a->u->ql != NULL, 0) && qlen >= MSG_HDRLEN &&
	    qlog_want(a->u->ql))
		return answer_udp_logged(a, q, qlen, out, cap);
	n = answer_query(a, q, qlen, out, cap);
	ctl_qstats_reply(a->u->qs, out, n);
	return n;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int xfr_next(void *st, uint8_t *out, size_t cap)
{
	return auth_xfr_next(st, out, cap);
}

static void xfr_end(void *st)
{
	xfr_run_end(st);        /* logged, noted, freed */
}

static const struct tcp_stream_ops xfr_ops = { xfr_next, xfr_end };

/* A transfer that starts takes the worker's scratch state along with
 * its connection; the next one gets fresh storage. Without storage,
 * transfers are refused. */
static size_t answer_tcp_query(void *ctx, const uint8_t *q, size_t qlen,
			       uint8_t *out, size_t cap)
{
	struct actx *a = ctx;
	struct worker *w = a->w;
	size_t len;

	atomic_fetch_add_explicit(a->count, 1, memory_order_relaxed);
	if (is_update(w->srv, q, qlen)) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		if (getpeername(a->c->fd, (struct sockaddr *)&peer, &plen) < 0)
			return 0;
		/* Waited for outside the read section: the writer may be in
		 * synchronize_rcu for an earlier batch, waiting for us (a
		 * deadlock when its fdatasync was slow). The snapshot may
		 * change meanwhile: the caller takes the new one. */
		rcu_read_unlock();
		len = updater_submit_tcp(w->srv->upd, q, qlen, &peer, out,
					 cap);
		rcu_read_lock();
		a->s = rcu_dereference(w->srv->cur);
		return len;
	}
	if (is_notify(w->srv, q, qlen)) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		if (getpeername(a->c->fd, (struct sockaddr *)&peer, &plen) == 0
		    && (len = secondary_notify(w->srv->sec, a->s, q, qlen,
					       &peer, AUTH_TCP, out, cap)))
			return len;
	}
	if (!w->xs)
		w->xs = xfr_run_new();
	len = auth_answer_xfr(a->s->db, &a->s->conf, q, qlen, AUTH_TCP, out,
			      cap, w->xs);
	if (w->xs && auth_xfr_active(w->xs)) {
		xfr_run_begin(w->xs, w->srv->health, a->c->fd, q, qlen);
		tcp_conn_stream(a->c, w->xs, &xfr_ops);
		w->xs = NULL;
	}
	return len;
}

static size_t answer_tcp(void *ctx, const uint8_t *q, size_t qlen,
			 uint8_t *out, size_t cap)
{
	struct actx *a = ctx;
	uint64_t t0 = now_ns(), lt0 = 0;
	bool logged = a->w->ql && qlog_want(a->w->ql);
	size_t n;

	if (logged)
		lt0 = qlog_now();
	n = answer_tcp_query(ctx, q, qlen, out, cap);
	ctl_qstats_reply(a->w->qs, out, n);
	ctl_qstats_latency(a->w->qs, now_ns() - t0, 1);
	if (logged)
		log_query(a->w->ql, true, &a->c->peer, a->c->local, lt0, q,
			  qlen, out, n);
	return n;
}

static time_t now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return ts.tv_sec;
}

static void conn_unlink(struct worker *w, struct tcp_conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	tcp_conn_close(c, &w->srv->lim);
}

static void accept_some(struct worker *w, const struct ep_tag *t,
			const struct served *s, time_t now)
{
	int lfd = t->fd;
	struct epoll_event ev = { .events = EPOLLIN };
	struct tcp_conn *c;
	int i;

	for (i = 0; i < 16; i++) {
		c = tcp_accept(lfd, &w->srv->lim, s->tcp_max,
			       s->tcp_per_client, now);
		if (!c)
			return;
		c->kind = TAG_CONN;
		c->events = EPOLLIN;
		c->local = (const struct sockaddr *)&w->ut[t - w->tags].local;
		ev.data.ptr = c;
		if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
			tcp_conn_close(c, &w->srv->lim);
			continue;
		}
		c->next = w->conns;
		if (w->conns)
			w->conns->prev = c;
		w->conns = c;
	}
}

static void conn_event(struct worker *w, struct tcp_conn *c,
		       const struct served *s, time_t now)
{
	struct actx a = { s, &w->ntcp, 0, NULL, w, c, NULL };
	struct epoll_event ev;
	uint32_t want;

	tsig_note_from_tcp(c->fd);
	if (tcp_conn_io(c, answer_tcp, &a, w->tcpout, now) < 0) {
		conn_unlink(w, c);
		return;
	}
	want = tcp_conn_writing(c) ? EPOLLOUT : EPOLLIN;
	if (want == c->events)
		return;
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		conn_unlink(w, c);
	else
		c->events = want;
}

static void sweep_idle(struct worker *w, const struct served *s, time_t now)
{
	struct tcp_conn *c = w->conns, *next;

	for (; c; c = next) {
		next = c->next;
		if (now - c->last >= s->tcp_idle)
			conn_unlink(w, c);
	}
}

/* Sleeps in the receive (bounded by SO_RCVTIMEO; server_stop shuts the
 * socket down to wake it), answers a batch inside one RCU read section. */
static void *udp_main(void *arg)
{
	struct uthread *u = arg;
	struct worker *w = u->w;
	struct actx a = { NULL, &w->nudp, 0, NULL, w, NULL, u };
	uint64_t t0;
	long wait;
	int n;

	rcu_register_thread();
	tsig_note_from_udp(u->ub);
	while (!atomic_load_explicit(&w->stop, memory_order_relaxed)) {
		n = udp_read_batch(u->fd, u->ub, true);
		if (n == 0)
			continue;
		t0 = now_ns();
		rcu_read_lock();
		a.s = rcu_dereference(w->srv->cur);
		prepare_udp(&a, u->ab, u->ub, n);
		udp_answer_batch(u->fd, u->ub, n, answer_udp, &a);
		wait = a.s->udp_coalesce;
		rcu_read_unlock();
		/* each reply counted as the batch's time: an upper bound */
		ctl_qstats_latency(u->qs, now_ns() - t0, (uint64_t)n);
		/* one atomic add per batch, not per query */
		atomic_fetch_add_explicit(a.count, a.pending,
					  memory_order_relaxed);
		a.pending = 0;
		udp_coalesce_wait(n, UDP_BATCH, wait);
	}
	rcu_unregister_thread();
	return NULL;
}

/* Returns false when told to stop. */
static bool handle(struct worker *w, struct epoll_event *ev, int n,
		   time_t now)
{
	const struct served *s;
	int i, kind;

	for (i = 0; i < n; i++) {
		/* per event: an UPDATE leaves the read section while the
		 * writer works (answer_tcp_query) */
		s = rcu_dereference(w->srv->cur);
		kind = *(int *)ev[i].data.ptr;
		if (kind == TAG_STOP)
			return false;
		if (kind == TAG_LISTEN)
			accept_some(w, ev[i].data.ptr, s, now);
		else
			conn_event(w, ev[i].data.ptr, s, now);
	}
	return true;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event ev[64];
	time_t now, swept = 0;
	bool run = true;
	int n;

	rcu_register_thread();
	while (run) {
		n = epoll_wait(w->ep, ev, 64, 1000);
		if (n < 0 && errno != EINTR)
			break;
		now = now_sec();
		rcu_read_lock();
		run = handle(w, ev, n < 0 ? 0 : n, now);
		if (now != swept) {
			sweep_idle(w, rcu_dereference(w->srv->cur), now);
			swept = now;
		}
		rcu_read_unlock();
	}
	while (w->conns)
		conn_unlink(w, w->conns);
	rcu_unregister_thread();
	return NULL;
}

static int add_fd(struct worker *w, struct ep_tag *t, int kind, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = t };

	t->kind = kind;
	t->fd = fd;
	return epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
}

/* The UDP thread blocks in its receive, a second at most (it then looks
 * at the stop flag). */
static int udp_blocking(int fd)
{
	struct timeval tv = { .tv_sec = 1 };
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static int open_addr(struct worker *w, struct ep_tag *t, struct uthread *u,
		     const struct cfg_listen *l)
{
	int tl;

	u->w = w;
	memcpy(&u->local, &l->sa, sizeof(u->local));
	u->fd = udp_open((const struct sockaddr *)&l->sa, l->salen);
	if (u->fd < 0) {
		log_err("cannot listen on %s (UDP): %s", l->text,
			strerror(-u->fd));
		return -1;
	}
	u->ub = calloc(1, sizeof(*u->ub));
	u->ab = calloc(1, sizeof(*u->ab));
	u->qs = calloc(1, sizeof(*u->qs));
	if (!u->ub || !u->ab || !u->qs || udp_blocking(u->fd) < 0) {
		log_err("cannot set up UDP on %s: %s", l->text,
			u->ub && u->ab && u->qs ? strerror(errno)
						: "out of memory");
		return -1;
	}
	auth_batch_init(u->ab);
	tl = tcp_listen_open((const struct sockaddr *)&l->sa, l->salen);
	if (tl < 0) {
		log_err("cannot listen on %s (TCP): %s", l->text,
			strerror(-tl));
		return -1;
	}
	if (add_fd(w, t, TAG_LISTEN, tl) < 0) {
		close(tl);
		return -1;
	}
	return 0;
}

/* Every TCP connection is a descriptor: take what the hard limit allows
 * (while still root, it may be raised) so that the configured caps are
 * what limits connections, not EMFILE. */
static void raise_nofile(const struct config *c)
{
	struct rlimit r;
	rlim_t want = (rlim_t)c->tcp_max + 64 +
		      (rlim_t)c->threads * c->nlisten * 3;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= want)
		return;
	if (r.rlim_max < want && geteuid() == 0)
		r.rlim_max = want;
	r.rlim_cur = r.rlim_max < want ? r.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0 &&
	    getrlimit(RLIMIT_NOFILE, &r) == 0) {
		r.rlim_cur = r.rlim_max;        /* the most we may have */
		setrlimit(RLIMIT_NOFILE, &r);
	}
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < want)
		log_warn("open files limited to %llu: fewer TCP connections "
			 "than configured may be served",
			 (unsigned long long)r.rlim_cur);
}

static int probe_all(const struct config *c)
{
	const struct sockaddr *sa;
	size_t i;
	int err;

	for (i = 0; i < c->nlisten; i++) {
		sa = (const struct sockaddr *)&c->listen[i].sa;
		err = net_probe(sa, c->listen[i].salen, SOCK_DGRAM);
		if (!err)
			err = net_probe(sa, c->listen[i].salen, SOCK_STREAM);
		if (err) {
			log_err("cannot listen on %s: %s", c->listen[i].text,
				strerror(-err));
			return -1;
		}
	}
	return 0;
}

static int worker_open(struct server *s, struct worker *w,
		       const struct config *c)
{
	size_t i;

	w->srv = s;
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	w->tags = calloc(c->nlisten + 1, sizeof(*w->tags));
	w->ut = calloc(c->nlisten, sizeof(*w->ut));
	w->tcpout = malloc(TCP_OUT_SIZE);
	w->qs = calloc(1, sizeof(*w->qs));
	if (w->ep < 0 || !w->tags || !w->ut || !w->tcpout || !w->qs) {
		log_err("out of memory (or epoll) setting up a worker");
		return -1;
	}
	w->nut = c->nlisten;
	for (i = 0; i < c->nlisten; i++)
		w->tags[i].fd = w->ut[i].fd = -1;
	for (i = 0; i < c->nlisten; i++)
		if (open_addr(w, &w->tags[i], &w->ut[i], &c->listen[i]) < 0)
			return -1;
	return add_fd(w, &w->tags[c->nlisten], TAG_STOP, s->stop_fd);
}

int server_open(struct server *s, const struct config *c)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	s->stop_fd = -1;
	if (probe_all(c) < 0)
		return -1;
	raise_nofile(c);
	s->naddr = c->nlisten;
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->w = aligned_alloc(_Alignof(struct worker),
			     c->threads * sizeof(*s->w));
	if (s->w)
		memset(s->w, 0, c->threads * sizeof(*s->w));
	if (s->stop_fd < 0 || !s->w)
		return -1;
	s->nw = c->threads;
	for (i = 0; i < s->nw; i++)
		s->w[i].ep = -1;
	for (i = 0; i < s->nw; i++) {
		if (worker_open(s, &s->w[i], c) < 0)
			return -1;
	}
	for (i = 0; i < c->nlisten; i++)
		log_info("listening on %s (UDP and TCP, %zu threads)",
			 c->listen[i].text, s->nw);
	return 0;
}

int server_start(struct server *s, struct served *cur)
{
	struct uthread *u;
	size_t i, j;

	rcu_assign_pointer(s->cur, cur);
	for (i = 0; i < s->nw; i++) {
		s->w[i].ql = qlog_ring(s->ql, i * (s->naddr + 1));
		for (j = 0; j < s->w[i].nut; j++)
			s->w[i].ut[j].ql = qlog_ring(s->ql, i * (s->naddr + 1)
						     + 1 + j);
	}
	for (i = 0; i < s->nw; i++) {
		if (pthread_create(&s->w[i].th, NULL, worker_main,
				   &s->w[i]) != 0) {
			log_err("cannot start worker thread %zu", i);
			return -1;
		}
		s->w[i].started = true;
		for (j = 0; j < s->w[i].nut; j++) {
			u = &s->w[i].ut[j];
			if (pthread_create(&u->th, NULL, udp_main, u) != 0) {
				log_err("cannot start UDP thread %zu", i);
				return -1;
			}
			u->started = true;
		}
	}
	return 0;
}

static void worker_free(struct worker *w, size_t naddr)
{
	size_t i;

	for (i = 0; w->tags && i < naddr; i++)
		if (w->tags[i].fd >= 0)
			close(w->tags[i].fd);
	for (i = 0; i < w->nut; i++) {
		if (w->ut[i].fd >= 0)
			close(w->ut[i].fd);
		free(w->ut[i].ub);
		free(w->ut[i].ab);
		free(w->ut[i].qs);
	}
	if (w->ep >= 0)
		close(w->ep);
	free(w->tags);
	free(w->ut);
	free(w->tcpout);
	free(w->xs);
	free(w->qs);
}

/* Tells every thread to stop; a UDP thread asleep in recvmmsg wakes up
 * when its socket is shut down (Linux wakes readers of an unconnected
 * UDP socket on shutdown, which itself reports ENOTCONN). */
static void stop_all(struct server *s)
{
	uint64_t one = 1;
	size_t i, j;

	for (i = 0; i < s->nw; i++) {
		atomic_store(&s->w[i].stop, true);
		for (j = 0; j < s->w[i].nut; j++)
			if (s->w[i].ut[j].fd >= 0)
				shutdown(s->w[i].ut[j].fd, SHUT_RD);
	}
	if (s->stop_fd >= 0 && write(s->stop_fd, &one, sizeof(one)) < 0)
		log_err("cannot wake the workers: %s", strerror(errno));
}

void server_stop(struct server *s)
{
	size_t i, j;

	stop_all(s);
	for (i = 0; i < s->nw; i++) {
		if (s->w[i].started)
			pthread_join(s->w[i].th, NULL);
		for (j = 0; j < s->w[i].nut; j++)
			if (s->w[i].ut[j].started)
				pthread_join(s->w[i].ut[j].th, NULL);
	}
	for (i = 0; i < s->nw; i++)
		worker_free(&s->w[i], s->naddr);
	free(s->w);
	if (s->stop_fd >= 0)
		close(s->stop_fd);
	served_free(s->cur);
	memset(s, 0, sizeof(*s));
	s->stop_fd = -1;
}

void server_counts(const struct server *s, uint64_t *udp, uint64_t *tcp)
{
	size_t i;

	*udp = *tcp = 0;
	for (i = 0; i < s->nw; i++) {
		*udp += atomic_load_explicit(&s->w[i].nudp,
					     memory_order_relaxed);
		*tcp += atomic_load_explicit(&s->w[i].ntcp,
					     memory_order_relaxed);
	}
}

void server_qstats(const struct server *s, struct ctl_qsum *sum)
{
	for (size_t i = 0; i < s->nw; i++) {
		if (s->w[i].qs)
			ctl_qsum_add(sum, s->w[i].qs);
		for (size_t j = 0; j < s->w[i].nut; j++)
			if (s->w[i].ut[j].qs)
				ctl_qsum_add(sum, s->w[i].ut[j].qs);
	}
}
