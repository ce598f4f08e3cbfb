/* The DNS updater (ddns.h): the queue of leases with work, the
 * transactions in flight (ddns_step.c runs each), timeouts and answers
 * matched to their transaction by id. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon/cfg.h"
#include "daemon/log.h"
#include "dhcpd/commit.h"
#include "dhcpd/ddns.h"
#include "net/client.h"
#include "wire/msg.h"

#define TIMEOUT_MS 1000
#define TRIES 3

int ddns_open(struct ddns *d, const struct ddns_conf *c)
{
	struct cfg_listen to;

	memset(d, 0, sizeof(*d));
	d->conf = c;
	d->fd = -1;
	d->scan = true;
	if (config_parse_listen(&to, c->server) < 0) {
		log_err("--ddns: '%s' is not ADDR[:PORT]", c->server);
		return -1;
	}
	if (c->has_key && tsig_key_init(&d->key, &c->key) < 0) {
		log_err("--key: the algorithm is not in this libcrypto");
		return -1;
	}
	d->fd = client_udp_open((struct sockaddr *)&to.sa, to.salen,
				ddns_random());
	if (d->fd < 0) {
		log_err("--ddns %s: %s", c->server, strerror(-d->fd));
		return -1;
	}
	return 0;
}

void ddns_close(struct ddns *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->conf && d->conf->has_key)
		tsig_key_clear(&d->key);
}

void ddns_want(struct ddns *d, struct dhcp_pool *p, struct dhcp_lease *e)
{
	if (d->qlen == DDNS_QUEUE) {
		d->scan = true;
		return;
	}
	d->q[(d->qhead + d->qlen++) % DDNS_QUEUE] =
		(struct ddns_work){ p, e };
}

void ddns_reset(struct ddns *d)
{
	for (size_t i = 0; i < DDNS_INFLIGHT; i++)
		d->tx[i].e = NULL;
	d->busy = 0;
	d->qlen = 0;
	d->scan = true;
}

/* Every lease with work queued again (the queue is empty): at start,
 * after a reload or an overflow. Leases whose names cannot be made are
 * set back to no work. */
static void scan(struct ddns *d)
{
	struct dhcp_lease *e;
	size_t i, k;

	d->scan = false;
	for (k = 0; k < d->npools; k++)
		for (i = 0; i < d->pools[k]->n; i++) {
			e = &d->pools[k]->l[i];
			if (e->dns == DNS_ADD || e->dns == DNS_DEL)
				ddns_want(d, d->pools[k], e);
		}
}

static bool in_flight(const struct ddns *d, const struct dhcp_lease *e)
{
	for (size_t i = 0; i < DDNS_INFLIGHT; i++)
		if (d->tx[i].e == e)
			return true;
	return false;
}

/* The queue's first lease whose work can start, popped; NULL when the
 * queue is empty or its head is not durable yet (the commit thread's
 * wake-up comes). */
static struct ddns_work *pick(struct ddns *d)
{
	uint32_t done = d->cm ? commit_done(d->cm) : 0;
	struct ddns_work *w;
	struct dhcp_lease *e;

	if (!d->qlen && d->scan)
		scan(d);
	while (d->qlen) {
		w = &d->q[d->qhead];
		e = w->e;
		if ((e->dns == DNS_ADD || e->dns == DNS_DEL) && d->cm &&
		    !commit_reached(done, e->seq))
			return NULL;
		d->qhead = (d->qhead + 1) % DDNS_QUEUE;
		d->qlen--;
		if (e->dns != DNS_ADD && e->dns != DNS_DEL)
			continue;
		if (in_flight(d, e))
			continue;       /* its end queues it again */
		if (e->host[0] && (e->cidlen || e->is_static))
			return w;
		e->dns = DNS_NONE;
		dhcp_pool_mark(w->pool, e);
	}
	return NULL;
}

static struct ddns_txn *free_slot(struct ddns *d)
{
	for (size_t i = 0; i < DDNS_INFLIGHT; i++)
		if (!d->tx[i].e)
			return &d->tx[i];
	return NULL;
}

/* Resends what timed out; the milliseconds until the next timeout, or
 * -1 when nothing is in flight. */
static int timeouts(struct ddns *d, int64_t now_ms)
{
	int64_t soon = -1, due;
	struct ddns_txn *t;

	for (size_t i = 0; i < DDNS_INFLIGHT; i++) {
		t = &d->tx[i];
		if (!t->e)
			continue;
		if (now_ms - t->sent_ms >= TIMEOUT_MS) {
			if (++t->tries >= TRIES)
				ddns_txn_fail(d, t, now_ms, "no answer");
			else if (ddns_txn_send(d, t, now_ms) < 0)
				ddns_txn_fail(d, t, now_ms, strerror(errno));
		}
		if (!t->e)
			continue;
		due = t->sent_ms + TIMEOUT_MS - now_ms;
		if (soon < 0 || due < soon)
			soon = due;
	}
	return (int)soon;
}

int ddns_run(struct ddns *d, int64_t now_ms)
{
	struct ddns_work *w;
	struct ddns_txn *t;
	int ms = timeouts(d, now_ms);

	if (now_ms < d->retry_ms) {
		int r = (int)(d->retry_ms - now_ms);

		return ms >= 0 && ms < r ? ms : r;
	}
	while (d->busy < DDNS_INFLIGHT && (w = pick(d))) {
		t = free_slot(d);
		if (ddns_txn_start(d, t, w->pool, w->e, now_ms) < 0)
			ddns_txn_fail(d, t, now_ms, "cannot send");
		if (ms < 0 || ms > TIMEOUT_MS)
			ms = TIMEOUT_MS;
		if (now_ms < d->retry_ms)
			break;
	}
	return ms;
}

static struct ddns_txn *by_id(struct ddns *d, uint16_t id)
{
	for (size_t i = 0; i < DDNS_INFLIGHT; i++)
		if (d->tx[i].e && d->tx[i].id == id)
			return &d->tx[i];
	return NULL;
}

/* One datagram from the server: its transaction's next step. */
static void answer(struct ddns *d, const uint8_t *pkt, size_t n,
		   int64_t now_ms)
{
	struct tsig_verifier v;
	enum tsig_status st;
	struct ddns_txn *t;
	struct rbuf r;
	uint16_t id, flags;

	rbuf_init(&r, pkt, n);
	if (rbuf_u16(&r, &id) < 0 || rbuf_u16(&r, &flags) < 0 ||
	    !(flags & MSG_FLAG_QR) || !(t = by_id(d, id)))
		return;         /* late, stray or forged: the timer goes on */
	if (d->conf->has_key) {
		tsig_verifier_init(&v, &d->key, t->mac, t->maclen);
		st = tsig_verify_msg(&v, pkt, n, (uint64_t)time(NULL));
		tsig_verifier_clear(&v);
		if (st != TSIG_OK) {
			ddns_txn_fail(d, t, now_ms, tsig_status_text(st));
			return;
		}
	}
	ddns_txn_answer(d, t, flags & 0x0f, now_ms);
}

void ddns_read(struct ddns *d, int64_t now_ms)
{
	uint8_t pkt[4096];
	ssize_t n;
	int i;

	for (i = 0; i < 2 * DDNS_INFLIGHT; i++) {
		n = recv(d->fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n <= 0)
			return;
		answer(d, pkt, (size_t)n, now_ms);
	}
}
