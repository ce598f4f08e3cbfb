/* The DNS updater (ddns.h): the queue of leases with work, the
 * transactions in flight (ddns_step.c runs each), timeouts and answers
 * matched to their transaction by id. */
#include <arpa/inet.h>
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
#include "dhcpd/store.h"
#include "net/client.h"
#include "wire/msg.h"

#define TIMEOUT_MS 1000
#define TRIES 3

static void listen_text(char *buf, size_t cap, const struct cfg_listen *l)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)&l->sa;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&l->sa;
	char a[INET6_ADDRSTRLEN] = "?";

	if (l->sa.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &v6->sin6_addr, a, sizeof(a));
		snprintf(buf, cap, "[%s]:%u", a, ntohs(v6->sin6_port));
		return;
	}
	inet_ntop(AF_INET, &v4->sin_addr, a, sizeof(a));
	snprintf(buf, cap, "%s:%u", a, ntohs(v4->sin_port));
}

int ddns_server_text(char *buf, size_t cap, const char *server)
{
	struct cfg_listen to;

	if (config_parse_listen(&to, server) < 0)
		return -1;
	listen_text(buf, cap, &to);
	return 0;
}

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
	listen_text(d->server, sizeof(d->server), &to);
	memcpy(&d->to, &to.sa, to.salen);
	d->tolen = to.salen;
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
 * after a reload or an overflow; the sweep's names after the leases'. */
static void scan(struct ddns *d)
{
	struct dhcp_lease *e;
	size_t i, k;

	d->scan = false;
	for (k = 0; k <= d->npools; k++) {
		struct dhcp_pool *p = k < d->npools ? d->pools[k] : d->sweep;

		for (i = 0; p && i < p->n; i++) {
			e = &p->l[i];
			if (e->dns == DNS_ADD || e->dns == DNS_DEL)
				ddns_want(d, p, e);
		}
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
 * wake-up comes). Leases whose names cannot be made are set back to no
 * work (the sweep's have their DHCID given). */
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
		if (e->host[0] && (e->cidlen || e->is_static ||
				   w->pool == d->sweep))
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
				ddns_txn_fail(d, t, now_ms, "no answer",
					      DNSR_TIMEOUT);
			else if (ddns_txn_send(d, t, now_ms) < 0)
				ddns_txn_fail(d, t, now_ms, strerror(errno),
					      ddns_errno_rcode(errno));
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
			ddns_txn_fail(d, t, now_ms, "cannot send",
				      ddns_errno_rcode(errno));
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

/* The answer's TSIG checked with our key: true when it verified, else
 * the try failed. A server refusing our key (BADKEY, BADSIG, BADTIME)
 * cannot sign its answer: its TSIG error says why. */
static bool signed_ok(struct ddns *d, struct ddns_txn *t, const uint8_t *pkt,
		      size_t n, int64_t now_ms)
{
	struct tsig_verifier v;
	enum tsig_status st;
	uint16_t terr;
	char why[64];

	tsig_verifier_init(&v, &d->key, t->mac, t->maclen);
	st = tsig_verify_msg(&v, pkt, n, (uint64_t)time(NULL));
	terr = st == TSIG_ERROR_SET ? v.rr.error : 0;
	tsig_verifier_clear(&v);
	if (st == TSIG_OK)
		return true;
	snprintf(why, sizeof(why), "the server answered %s",
		 store_rcode_text(terr));
	ddns_txn_fail(d, t, now_ms, terr ? why : tsig_status_text(st),
		      terr ? terr : DNSR_BADANSWER);
	return false;
}

/* One datagram from the server: its transaction's next step. */
static void answer(struct ddns *d, const uint8_t *pkt, size_t n,
		   int64_t now_ms)
{
	struct ddns_txn *t;
	struct rbuf r;
	uint16_t id, flags;

	rbuf_init(&r, pkt, n);
	if (rbuf_u16(&r, &id) < 0 || rbuf_u16(&r, &flags) < 0 ||
	    !(flags & MSG_FLAG_QR) || !(t = by_id(d, id)))
		return;         /* late, stray or forged: the timer goes on */
	if (d->conf->has_key && !signed_ok(d, t, pkt, n, now_ms))
		return;
	ddns_txn_answer(d, t, flags & 0x0f, now_ms);
}

/* ICMP port unreachable: every try in flight failed (one server), no
 * need to wait for their timeouts. */
static void unreachable(struct ddns *d, int64_t now_ms)
{
	for (size_t i = 0; i < DDNS_INFLIGHT; i++)
		if (d->tx[i].e)
			ddns_txn_fail(d, &d->tx[i], now_ms, "port unreachable "
				      "(no DNS server there)", DNSR_UNREACH);
}

void ddns_read(struct ddns *d, int64_t now_ms)
{
	uint8_t pkt[4096];
	ssize_t n;
	int i;

	for (i = 0; i < 2 * DDNS_INFLIGHT; i++) {
		n = recv(d->fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 0 && errno == ECONNREFUSED && d->busy)
			unreachable(d, now_ms);
		if (n <= 0)
			return;
		answer(d, pkt, (size_t)n, now_ms);
	}
}
