/* The writer thread's queue: workers append requests (a UDP one with
 * where to answer it, a TCP one with a completion the worker waits
 * on); the thread takes them all at once and hands the batch to
 * update_batch(). Bounded: a full queue refuses at once. */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <string.h>

#include "authd/journal_ixfr.h"
#include "authd/updater_int.h"
#include "base/error.h"
#include "daemon/log.h"

#define UPD_QUEUE_MAX 4096

static bool enqueue(struct updater *u, struct upd_req *r)
{
	bool ok;

	pthread_mutex_lock(&u->mu);
	ok = !u->stop && u->queued < UPD_QUEUE_MAX;
	if (ok) {
		r->next = NULL;
		*u->tail = r;
		u->tail = &r->next;
		u->queued++;
		pthread_cond_signal(&u->cv);
	}
	pthread_mutex_unlock(&u->mu);
	return ok;
}

static struct upd_req *new_req(const uint8_t *q, size_t len)
{
	struct upd_req *r;

	if (len > MSG_MAXLEN)
		return NULL;
	r = calloc(1, sizeof(*r) + len);
	if (!r)
		return NULL;
	memcpy(r->pkt, q, len);
	r->len = len;
	return r;
}

bool updater_submit_udp(struct updater *u, const uint8_t *q, size_t len,
			int fd, const struct msghdr *in)
{
	struct upd_req *r = new_req(q, len);
	struct cmsghdr *c;

	if (!r)
		return false;
	r->udp = true;
	r->fd = fd;
	memcpy(&r->peer, in->msg_name, in->msg_namelen);
	r->peerlen = in->msg_namelen;
	/* the reply leaves from the address the request came to */
	c = udp_reply_source((struct msghdr *)in);
	if (c && c->cmsg_len <= sizeof(r->ctl)) {
		memcpy(r->ctl, c, c->cmsg_len);
		r->ctllen = CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
	}
	if (enqueue(u, r))
		return true;
	free(r);
	return false;
}

size_t updater_submit_tcp(struct updater *u, const uint8_t *q, size_t len,
			  const struct sockaddr_storage *peer, uint8_t *out,
			  size_t cap)
{
	struct upd_req *r = new_req(q, len);
	size_t n = 0;

	if (!r)
		return 0;
	r->peer = *peer;
	r->peerlen = sizeof(*peer);
	pthread_mutex_init(&r->done_mu, NULL);
	pthread_cond_init(&r->done_cv, NULL);
	r->waiter = true;
	if (!enqueue(u, r)) {
		free(r);
		return 0;
	}
	pthread_mutex_lock(&r->done_mu);
	while (!r->done)
		pthread_cond_wait(&r->done_cv, &r->done_mu);
	pthread_mutex_unlock(&r->done_mu);
	if (r->rlen <= cap) {
		memcpy(out, r->reply, r->rlen);
		n = r->rlen;
	}
	pthread_mutex_destroy(&r->done_mu);
	pthread_cond_destroy(&r->done_cv);
	free(r);
	return n;
}

/* A request of the writer's own (a change, a version or the removal
 * of a zone from the database), waited for; its outcome. */
static int own_request(struct updater *u, const uint8_t *origin,
		       struct zchange *c, struct zdb_zone *v, bool drop)
{
	struct upd_req *r;
	int err;

	if (!u->running)
		return BN_EINVAL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return BN_ENOMEM;
	r->chg = c;
	r->whole = v;
	r->drop = drop;
	memcpy(r->origin, origin, name_length(origin));
	pthread_mutex_init(&r->done_mu, NULL);
	pthread_cond_init(&r->done_cv, NULL);
	r->waiter = true;
	if (!enqueue(u, r)) {
		free(r);
		return BN_EINVAL;
	}
	pthread_mutex_lock(&r->done_mu);
	while (!r->done)
		pthread_cond_wait(&r->done_cv, &r->done_mu);
	pthread_mutex_unlock(&r->done_mu);
	err = r->err;
	pthread_mutex_destroy(&r->done_mu);
	pthread_cond_destroy(&r->done_cv);
	free(r);
	return err;
}

int updater_change(struct updater *u, const uint8_t *origin,
		   struct zchange *c)
{
	return own_request(u, origin, c, NULL, false);
}

int updater_replace(struct updater *u, struct zdb_zone *v)
{
	return own_request(u, zdb_zone_origin(v), NULL, v, false);
}

int updater_remove(struct updater *u, const uint8_t *origin)
{
	return own_request(u, origin, NULL, NULL, true);
}

/* Sends (UDP) or hands back (TCP) the answer; the request is freed
 * here or by its waiter. */
void upd_req_finish(struct upd_req *r)
{
	if (r->waiter) {
		pthread_mutex_lock(&r->done_mu);
		r->done = true;
		pthread_cond_signal(&r->done_cv);
		pthread_mutex_unlock(&r->done_mu);
		return;
	}
	if (r->rlen) {
		struct iovec iov = { r->reply, r->rlen };
		struct msghdr m = { .msg_name = &r->peer,
				    .msg_namelen = r->peerlen,
				    .msg_iov = &iov, .msg_iovlen = 1,
				    .msg_control = r->ctllen ? r->ctl : NULL,
				    .msg_controllen = r->ctllen };
		udp_send_one(r->fd, &m);
	}
	free(r);
}

/* Waits for a request, or until pending changes are due or the spare
 * spines may go (true then). Called with u->mu held. */
static bool wait_due(struct updater *u)
{
	struct timespec ts;
	double due = u->due ? u->due : u->trim_at;

	if (!due) {
		pthread_cond_wait(&u->cv, &u->mu);
		return false;
	}
	if (upd_now() >= due)
		return true;
	/* the condition variable uses CLOCK_MONOTONIC (updater_open) */
	ts.tv_sec = (time_t)due;
	ts.tv_nsec = (long)((due - (double)ts.tv_sec) * 1e9);
	return pthread_cond_timedwait(&u->cv, &u->mu, &ts) == ETIMEDOUT;
}

/* What is journaled is served before the end (a clean exit leaves no
 * change only in the journal: none would be lost anyway). */
static void flush_at_stop(struct updater *u)
{
	struct served *old;

	pthread_mutex_lock(u->publish);
	old = updater_flush_all(u);
	pthread_mutex_unlock(u->publish);
	if (old) {
		synchronize_rcu();
		served_free(old);
	}
}

/* The spines kept for the next versions (zdb_spare.c) go once no
 * update came for half a second: an idle zone holds no second copy. */
#define UPD_TRIM_AFTER 0.5

static void trim_spares(struct updater *u)
{
	rcu_read_lock();
	const struct served *s = rcu_dereference(*u->cur);
	for (size_t i = 0; i < u->nzones; i++)
		zdb_zone_keep_spares(zonedb_get(s->db, u->zones[i]->origin),
				     false);
	rcu_read_unlock();
	u->trim_at = 0;
}

static void *writer_main(void *arg)
{
	struct updater *u = arg;
	struct upd_req *batch;

	/* queries first: on a busy core the writer yields to the workers
	 * (making a version of a large zone is tens of ms of copying) */
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10) < 0)
		log_debug("update: writer priority unchanged");
	rcu_register_thread();
	for (;;) {
		pthread_mutex_lock(&u->mu);
		while (!u->head && !u->stop && !wait_due(u))
			;
		batch = u->head;
		u->head = NULL;
		u->tail = &u->head;
		u->queued = 0;
		pthread_mutex_unlock(&u->mu);
		if (!batch && u->stop) {
			flush_at_stop(u);
			break;
		}
		if (!batch && !u->due && u->trim_at) {
			trim_spares(u);
			continue;
		}
		update_batch(u, batch);
		u->trim_at = upd_now() + UPD_TRIM_AFTER;
	}
	rcu_unregister_thread();
	return NULL;
}

int updater_start(struct updater *u)
{
	if (!u->nzones && !u->db_write)         /* a database may gain some */
		return 0;
	if (pthread_create(&u->th, NULL, writer_main, u) != 0) {
		log_err("update: cannot start the writer thread");
		return -1;
	}
	u->running = true;
	return 0;
}

void updater_stop(struct updater *u)
{
	if (!u->running)
		return;
	pthread_mutex_lock(&u->mu);
	u->stop = true;
	pthread_cond_signal(&u->cv);
	pthread_mutex_unlock(&u->mu);
	pthread_join(u->th, NULL);
	u->running = false;
}

int updater_ixfr_changes(void *arg, const struct zdb_zone *z, uint32_t from,
			 struct auth_xfr_changes *out)
{
	struct upd_zone *uz = updater_zone(arg, zdb_zone_origin(z));

	return journal_ixfr_changes(uz ? uz->j : NULL, z, from, out);
}
