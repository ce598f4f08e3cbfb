/* banchi-resolver's serving threads: setup, the per-worker epoll loop,
 * snapshot publication and stats. A worker takes the RCU read lock for
 * one wakeup (a batch of events, then due timers), never across
 * epoll_wait; requests keep their own snapshot reference. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <urcu.h>

#include "daemon/log.h"
#include "resolverd/server_int.h"
#include "net/sock.h"
#include "net/udp_wait.h"
#include "base/acl.h"
#include "resolve/local.h"

#define EVENTS 64
#define UDP_ROUNDS 8            /* full batches read before other work */

void rsnap_free(struct rsnap *s)
{
	if (!s)
		return;
	res_conf_clear(&s->conf);
	local_free(s->local);
	acl_free(s->acl);
	acl_free(s->snoop);
	free(s);
}

void rsnap_put(struct rsnap *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		rsnap_free(s);
}

uint64_t rnow_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t rnow_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The size of the last batch read. */
static int udp_drain(struct rworker *w, struct rsnap *snap,
		     const struct rtag *t)
{
	int k, n = 0;

	for (k = 0; k < UDP_ROUNDS; k++)
		if ((n = rudp_serve(w, snap, t)) < UDP_BATCH)
			break;
	return n;
}

/* Returns false when told to stop. *got is the largest last batch of
 * client datagrams on any socket, for the receive moderation. */
static bool handle(struct rworker *w, struct epoll_event *ev, int n,
		   int *got)
{
	struct rsnap *snap = rcu_dereference(w->srv->cur);
	struct rtag *t;
	int i, k;

	for (i = 0; i < n; i++) {
		t = ev[i].data.ptr;
		switch (t->kind) {
		case RTAG_STOP:
			return false;
		case RTAG_UDP:
			k = udp_drain(w, snap, t);
			*got = k > *got ? k : *got;
			break;
		case RTAG_LISTEN:
			rconn_accept(w, snap, t);
			break;
		case RTAG_CONN:
			rconn_event(w, snap, ev[i].data.ptr, ev[i].events);
			break;
		case RTAG_UP:
			rreq_event(w, ev[i].data.ptr, ev[i].events);
			break;
		}
	}
	return true;
}

/* Sleeps until the next timer at most, and wakes once a second for the
 * TCP idle sweep. */
static int wait_ms(const struct rworker *w)
{
	long t = rtimer_wait(w, rnow_ms());

	return t < 0 || t > 1000 ? 1000 : (int)t;
}

static void *worker_main(void *arg)
{
	struct rworker *w = arg;
	struct epoll_event ev[EVENTS];
	uint64_t swept = 0;
	bool run = true;
	long wait;
	int n, got;

	rcu_register_thread();
	while (run) {
		n = epoll_wait(w->ep, ev, EVENTS, wait_ms(w));
		if (n < 0 && errno != EINTR)
			break;
		w->now = rnow_ms();
		got = 0;
		rcu_read_lock();
		run = handle(w, ev, n < 0 ? 0 : n, &got);
		rreq_timers(w);
		if (w->now - swept >= 1000) {
			rconn_sweep(w, rcu_dereference(w->srv->cur));
			swept = w->now;
		}
		wait = rcu_dereference(w->srv->cur)->udp_coalesce;
		rcu_read_unlock();
		rreq_release(w);
		rconn_release(w);
		if (run)
			udp_coalesce_wait(got, UDP_BATCH, wait);
	}
	rreq_free_all(w);
	rconn_free_all(w);
	rcu_unregister_thread();
	return NULL;
}

static int add_fd(struct rworker *w, struct rtag *t, int kind, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = t };

	t->kind = kind;
	t->fd = fd;
	return epoll_ctl(w->ep, EPOLL_CTL_ADD, fd, &ev);
}

static int open_addr(struct rworker *w, struct rtag *t,
		     const struct cfg_listen *l)
{
	const struct sockaddr *sa = (const struct sockaddr *)&l->sa;
	int u, tl;

	memcpy(&t[0].local, &l->sa, sizeof(t[0].local));
	memcpy(&t[1].local, &l->sa, sizeof(t[1].local));
	u = udp_open(sa, l->salen);
	if (u < 0) {
		log_err("cannot listen on %s (UDP): %s", l->text, strerror(-u));
		return -1;
	}
	if (add_fd(w, &t[0], RTAG_UDP, u) < 0) {
		close(u);
		return -1;
	}
	tl = tcp_listen_open(sa, l->salen);
	if (tl < 0) {
		log_err("cannot listen on %s (TCP): %s", l->text,
			strerror(-tl));
		return -1;
	}
	if (add_fd(w, &t[1], RTAG_LISTEN, tl) < 0) {
		close(tl);
		return -1;
	}
	return 0;
}

static int probe_all(const struct cfg_listen *listen, size_t n)
{
	const struct sockaddr *sa;
	size_t i;
	int err;

	for (i = 0; i < n; i++) {
		sa = (const struct sockaddr *)&listen[i].sa;
		err = net_probe(sa, listen[i].salen, SOCK_DGRAM);
		if (!err)
			err = net_probe(sa, listen[i].salen, SOCK_STREAM);
		if (err) {
			log_err("cannot listen on %s: %s", listen[i].text,
				strerror(-err));
			return -1;
		}
	}
	return 0;
}

/* Client connections and upstream queries are descriptors: take what
 * the hard limit allows (raised first while still root). */
static void raise_nofile(void)
{
	const rlim_t want = 65536;
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) < 0 || r.rlim_cur >= want)
		return;
	if (r.rlim_max < want && geteuid() == 0)
		r.rlim_max = want;
	r.rlim_cur = r.rlim_max < want ? r.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &r) < 0 &&
	    getrlimit(RLIMIT_NOFILE, &r) == 0) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int worker_open(struct rserver *s, struct rworker *w,
		       const struct cfg_listen *listen, size_t n)
{
	size_t i;

	w->srv = s;
	w->ep = epoll_create1(EPOLL_CLOEXEC);
	w->tags = calloc(2 * n + 1, sizeof(*w->tags));
	w->ub = calloc(1, sizeof(*w->ub));
	w->ans = malloc(sizeof(*w->ans));
	w->out = malloc(TCP_OUT_SIZE);
	w->late = malloc(TCP_OUT_SIZE);
	w->qs = calloc(1, sizeof(*w->qs));
	w->in = malloc(CLIENT_FRAME_MAX + 1);
	for (i = 0; w->tags && i < 2 * n; i++)
		w->tags[i].fd = -1;
	if (w->ep < 0 || !w->tags || !w->ub || !w->ans || !w->out ||
	    !w->late || !w->in || !w->qs) {
		log_err("out of memory (or epoll) setting up a worker");
		return -1;
	}
	for (i = 0; i < n; i++)
		if (open_addr(w, &w->tags[2 * i], &listen[i]) < 0)
			return -1;
	return add_fd(w, &w->tags[2 * n], RTAG_STOP, s->stop_fd);
}

int rserver_open(struct rserver *s, const struct cfg_listen *listen,
		 size_t nlisten, long threads)
{
	struct cache *cache = s->cache;
	struct infra *infra = s->infra;
	size_t i;

	/* the caller may have set the cache and infra already */
	memset(s, 0, sizeof(*s));
	s->cache = cache;
	s->infra = infra;
	s->stop_fd = -1;
	clock_warn_init(&s->clock);
	if (threads < 1)
		threads = 1;
	if (probe_all(listen, nlisten) < 0)
		return -1;
	raise_nofile();
	s->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->w = aligned_alloc(_Alignof(struct rworker),
			     (size_t)threads * sizeof(*s->w));
	if (s->stop_fd < 0 || !s->w) {
		log_err("out of memory (or eventfd) setting up the workers");
		if (s->stop_fd >= 0)
			close(s->stop_fd);
		free(s->w);
		s->w = NULL;
		s->stop_fd = -1;
		return -1;
	}
	memset(s->w, 0, (size_t)threads * sizeof(*s->w));
	s->naddr = nlisten;
	s->nw = (size_t)threads;
	for (i = 0; i < s->nw; i++)
		s->w[i].ep = -1;
	for (i = 0; i < s->nw; i++)
		if (worker_open(s, &s->w[i], listen, nlisten) < 0)
			return -1;
	return 0;
}

int rserver_start(struct rserver *s, struct rsnap *snap)
{
	size_t i;

	rcu_assign_pointer(s->cur, snap);
	for (i = 0; i < s->nw; i++) {
		s->w[i].ql = qlog_ring(s->ql, i);
		s->w[i].ql_up = qlog_messages(s->ql) &
				(QLOG_MSG_BIT(QLOG_RESOLVER_QUERY) |
				 QLOG_MSG_BIT(QLOG_RESOLVER_RESPONSE));
	}
	for (i = 0; i < s->nw; i++) {
		if (pthread_create(&s->w[i].th, NULL, worker_main,
				   &s->w[i]) != 0) {
			log_err("cannot start worker thread %zu", i);
			return -1;
		}
		s->w[i].started = true;
	}
	return 0;
}

void rserver_publish(struct rserver *s, struct rsnap *snap)
{
	struct rsnap *old = s->cur;

	rcu_assign_pointer(s->cur, snap);
	synchronize_rcu();
	rsnap_put(old);
}

static void worker_free(struct rworker *w, size_t naddr)
{
	size_t i;

	for (i = 0; w->tags && i < 2 * naddr; i++)
		if (w->tags[i].fd >= 0)
			close(w->tags[i].fd);
	if (w->ep >= 0)
		close(w->ep);
	/* a worker that never ran still has nothing pending */
	rreq_free_all(w);
	rconn_free_all(w);
	free(w->tags);
	free(w->ub);
	free(w->ans);
	free(w->out);
	free(w->late);
	free(w->qs);
	free(w->in);
}

/* Safe on a struct that was never opened (all zero) or half opened:
 * s->w is set exactly when stop_fd is ours. */
void rserver_stop(struct rserver *s)
{
	uint64_t one = 1;
	size_t i;

	if (s->w) {
		if (write(s->stop_fd, &one, sizeof(one)) < 0)
			log_err("cannot wake the workers: %s",
				strerror(errno));
		for (i = 0; i < s->nw; i++)
			if (s->w[i].started)
				pthread_join(s->w[i].th, NULL);
		for (i = 0; i < s->nw; i++)
			worker_free(&s->w[i], s->naddr);
		free(s->w);
		close(s->stop_fd);
	}
	rsnap_put(s->cur);
	s->cur = NULL;
	s->w = NULL;
	s->nw = 0;
	s->stop_fd = -1;
}

void rserver_qstats(const struct rserver *s, struct ctl_qsum *sum)
{
	for (size_t i = 0; i < s->nw; i++)
		if (s->w[i].qs)
			ctl_qsum_add(sum, s->w[i].qs);
}

void rserver_get_stats(const struct rserver *s, struct rserver_stats *st)
{
	uint64_t v[RS_COUNT] = { 0 };
	size_t i;
	int k;

	for (i = 0; i < s->nw; i++)
		for (k = 0; k < RS_COUNT; k++)
			v[k] += atomic_load_explicit(&s->w[i].st[k],
						     memory_order_relaxed);
	st->queries = v[RS_QUERIES];
	st->tcp_queries = v[RS_TCP];
	st->cache_hits = v[RS_HITS];
	st->local_answers = v[RS_LOCAL];
	st->refused = v[RS_REFUSED];
	st->upstream = v[RS_UPSTREAM];
	st->upstream_tcp = v[RS_UPSTREAM_TCP];
	st->timeouts = v[RS_TIMEOUTS];
	st->servfail = v[RS_SERVFAIL];
	st->stale = v[RS_STALE];
	st->prefetch = v[RS_PREFETCH];
	st->dropped = v[RS_DROPPED];
	st->dnssec_verified = v[RS_DNSSEC_VERIFIED];
	st->dnssec_stopped = v[RS_DNSSEC_STOPPED];
	st->aggressive_nsec = v[RS_AGGRESSIVE];
}
