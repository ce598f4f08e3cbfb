/* The notifier's life (notify.h): targets from the config, the queue of
 * changed zones the writer and the loader fill, and the thread that
 * empties it (each zone to its targets and, with --notify-ns, to its NS
 * names of the version notified) and waits for replies and timers. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <urcu.h>

#include "authd/notify_int.h"
#include "daemon/log.h"

static void free_zones(struct notify_zone *z, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(z[i].t);
	free(z);
}

int notify_init(struct notifier *n, struct xfr_health *h)
{
	memset(n, 0, sizeof(*n));
	n->health = h;
	n->fd4 = n->fd6 = -1;
	n->lag_warn = 60;
	n->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (n->efd < 0) {
		log_err("notify: eventfd: %s", strerror(errno));
		return -1;
	}
	pthread_mutex_init(&n->mu, NULL);
	n->inited = true;
	return 0;
}

/* The zone of that origin in z[0 .. *n), added when missing. */
static struct notify_zone *zone_slot(struct notify_zone *z, size_t *n,
				     const uint8_t *origin)
{
	for (size_t i = 0; i < *n; i++)
		if (name_equal(z[i].origin, origin))
			return &z[i];
	memcpy(z[*n].origin, origin, NAME_MAXLEN);
	return &z[(*n)++];
}

/* c's zones with targets: --notify's, --notify-ns's. */
static struct notify_zone *zones_of(const struct config *c, size_t *cnt)
{
	struct notify_zone *z = calloc(c->nnotifies + c->nnotify_ns + 1,
				       sizeof(*z)), *x;
	char err[CONFIG_ERR_MAX];

	*cnt = 0;
	for (size_t i = 0; z && i < c->nnotifies; i++) {
		x = zone_slot(z, cnt, c->notifies[i].origin);
		if (notify_targets_parse(c->notifies[i].acl, &x->t, &x->n,
					 err) < 0) {
			log_err("notify: %s; old targets kept", err);
			free_zones(z, *cnt);
			return NULL;
		}
	}
	for (size_t i = 0; z && i < c->nnotify_ns; i++) {
		const struct cfg_notify_ns *ns = &c->notify_ns[i];

		x = zone_slot(z, cnt, ns->origin);
		x->ns = true;
		x->ns_keyed = ns->keyed;
		memcpy(x->ns_key, ns->key, NAME_MAXLEN);
	}
	return z;
}

int notify_configure(struct notifier *n, const struct config *c)
{
	struct notify_zone *z, *old;
	struct notify_self self, oself;
	size_t cnt, ocnt;

	z = zones_of(c, &cnt);
	if (!z)
		return -1;
	if (notify_self_build(&self, c) < 0) {
		log_err("notify: out of memory; old targets kept");
		notify_self_clear(&self);
		free_zones(z, cnt);
		return -1;
	}
	pthread_mutex_lock(&n->mu);
	old = n->zones;
	ocnt = n->nzones;
	oself = n->self;
	n->zones = z;
	n->nzones = cnt;
	n->self = self;
	n->lag_warn = c->notify_lag;
	pthread_mutex_unlock(&n->mu);
	free_zones(old, ocnt);
	notify_self_clear(&oself);
	return 0;
}

static const struct notify_zone *zone_of(const struct notifier *n,
					 const uint8_t *origin)
{
	for (size_t i = 0; i < n->nzones; i++)
		if (name_equal(n->zones[i].origin, origin))
			return &n->zones[i];
	return NULL;
}

/* Locked caller. A zone already queued is queued once. */
static void enqueue(struct notifier *n, const uint8_t *origin, bool check)
{
	struct notify_item *q = n->queue;
	size_t i;

	if (!zone_of(n, origin))
		return;
	for (i = 0; i < n->nq; i++)
		if (name_equal(q[i].origin, origin)) {
			q[i].check |= check;
			return;
		}
	if (n->nq == n->capq) {
		size_t cap = n->capq ? 2 * n->capq : 16;
		q = realloc(q, cap * sizeof(*q));
		if (!q) {
			log_err("notify: out of memory; a NOTIFY is lost");
			return;
		}
		n->queue = q;
		n->capq = cap;
	}
	memcpy(q[n->nq].origin, origin, NAME_MAXLEN);
	q[n->nq++].check = check;
}

static void wake(struct notifier *n)
{
	uint64_t one = 1;

	if (write(n->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug("notify: eventfd write: %s", strerror(errno));
}

void notify_zone(struct notifier *n, const uint8_t *origin)
{
	if (!n || !n->inited)
		return;
	pthread_mutex_lock(&n->mu);
	enqueue(n, origin, true);
	pthread_mutex_unlock(&n->mu);
	wake(n);
}

void notify_changed(struct notifier *n, const struct served *old,
		    const struct served *now)
{
	if (!n || !n->inited || !now)
		return;
	pthread_mutex_lock(&n->mu);
	for (size_t i = 0; i < n->nzones; i++) {
		const uint8_t *o = n->zones[i].origin;
		const struct zdb_zone *a = old ? zonedb_get(old->db, o) : NULL;
		const struct zdb_zone *b = zonedb_get(now->db, o);

		if (b && (!a || zdb_zone_serial(a) != zdb_zone_serial(b)))
			enqueue(n, o, old != NULL);
	}
	pthread_mutex_unlock(&n->mu);
	wake(n);
}

/* One change of zone z, in snapshot s: to its --notify targets, then
 * to the addresses of the NS names of this version. Locked caller. */
static void notify_one(struct notifier *n, const struct notify_zone *nz,
		       const struct zdb_zone *z, const struct served *s,
		       bool check)
{
	struct notify_tlist l = { 0 };

	for (size_t j = 0; j < nz->n; j++)
		if (notify_tlist_add(&l, &nz->t[j]) < 0)
			break;
	if (nz->ns)
		notify_ns_targets(&l, &n->self, nz, s, z);
	for (size_t j = 0; j < l.n; j++)
		notify_job_start(n, z, &l.t[j], s, check, n->lag_warn);
	free(l.t);
}

/* The queue's zones, each to its targets. */
static void take_queue(struct notifier *n)
{
	const struct notify_item *q = n->queue;
	const struct served *s;

	rcu_read_lock();
	s = rcu_dereference(*n->cur);
	pthread_mutex_lock(&n->mu);
	for (size_t i = 0; i < n->nq; i++) {
		const struct notify_zone *nz = zone_of(n, q[i].origin);
		const struct zdb_zone *z = zonedb_get(s->db, q[i].origin);

		if (nz && z)
			notify_one(n, nz, z, s, q[i].check);
	}
	n->nq = 0;
	pthread_mutex_unlock(&n->mu);
	rcu_read_unlock();
}

static bool stopping(struct notifier *n)
{
	bool stop;

	pthread_mutex_lock(&n->mu);
	stop = n->stop;
	pthread_mutex_unlock(&n->mu);
	return stop;
}

static void *run(void *arg)
{
	struct notifier *n = arg;
	uint64_t v;

	rcu_register_thread();
	while (!stopping(n)) {
		struct pollfd p[3] = { { n->efd, POLLIN, 0 },
				       { n->fd4, POLLIN, 0 },
				       { n->fd6, POLLIN, 0 } };

		if (poll(p, 3, notify_job_timers(n)) < 0 && errno != EINTR)
			break;
		if (p[0].revents && read(n->efd, &v, sizeof(v)) < 0)
			v = 0;
		take_queue(n);
		if (p[1].revents)
			notify_job_replies(n, n->fd4);
		if (p[2].revents)
			notify_job_replies(n, n->fd6);
	}
	rcu_unregister_thread();
	return NULL;
}

int notify_start(struct notifier *n, struct served **cur)
{
	n->cur = cur;
	n->fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	n->fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (n->fd4 < 0 && n->fd6 < 0) {
		log_err("notify: no UDP socket: %s", strerror(errno));
		return -1;
	}
	if (pthread_create(&n->th, NULL, run, n) != 0) {
		log_err("notify: cannot start its thread");
		return -1;
	}
	n->running = true;
	return 0;
}

void notify_stop(struct notifier *n)
{
	if (!n->running)
		return;
	pthread_mutex_lock(&n->mu);
	n->stop = true;
	pthread_mutex_unlock(&n->mu);
	wake(n);
	pthread_join(n->th, NULL);
	n->running = false;
}

void notify_clear(struct notifier *n)
{
	if (!n->inited)
		return;
	notify_stop(n);
	notify_jobs_free(n);
	free_zones(n->zones, n->nzones);
	notify_self_clear(&n->self);
	free(n->queue);
	if (n->fd4 >= 0)
		close(n->fd4);
	if (n->fd6 >= 0)
		close(n->fd6);
	close(n->efd);
	pthread_mutex_destroy(&n->mu);
	memset(n, 0, sizeof(*n));
}
