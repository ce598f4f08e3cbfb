/* Transfer health (xfr_health.h): the table of what each secondary has,
 * fed by the workers' transfers, and its log lines. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd/tsig_note.h"
#include "authd/updater_int.h"
#include "authd/xfr_health.h"
#include "daemon/log.h"
#include "wire/rrtype.h"

#define COUNT_MAX 1000                  /* journal records read to count */

uint64_t xfr_health_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void xfr_health_init(struct xfr_health *h)
{
	memset(h, 0, sizeof(*h));
	pthread_mutex_init(&h->mu, NULL);
}

void xfr_health_clear(struct xfr_health *h)
{
	free(h->p);
	pthread_mutex_destroy(&h->mu);
	memset(h, 0, sizeof(*h));
}

/* sa's address alone (port 0), so that entries compare with memcmp. */
static void addr_only(struct sockaddr_storage *out, const struct sockaddr *sa)
{
	memset(out, 0, sizeof(*out));
	out->ss_family = sa->sa_family;
	if (sa->sa_family == AF_INET)
		((struct sockaddr_in *)out)->sin_addr =
			((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_addr =
			((const struct sockaddr_in6 *)sa)->sin6_addr;
}

/* The entry (locked caller), made when add; NULL if none or no memory. */
static struct xfr_peer *entry(struct xfr_health *h, const uint8_t *origin,
			      const struct sockaddr *sa, bool add)
{
	struct sockaddr_storage a;
	struct xfr_peer *p;

	addr_only(&a, sa);
	for (size_t i = 0; i < h->n; i++)
		if (name_equal(h->p[i].origin, origin) &&
		    !memcmp(&h->p[i].addr, &a, sizeof(a)))
			return &h->p[i];
	if (!add)
		return NULL;
	if (h->n == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 8;
		p = realloc(h->p, cap * sizeof(*p));
		if (!p)
			return NULL;
		h->p = p;
		h->cap = cap;
	}
	p = &h->p[h->n++];
	memset(p, 0, sizeof(*p));
	memcpy(p->origin, origin, NAME_MAXLEN);
	p->addr = a;
	return p;
}

static void note(struct xfr_health *h, const uint8_t *origin,
		 const struct sockaddr_storage *sa, uint32_t serial,
		 const char *how, bool done)
{
	struct xfr_peer *p;

	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	p = entry(h, origin, (const struct sockaddr *)sa, true);
	if (p) {
		p->serial = serial;
		p->when = xfr_health_now();
		snprintf(p->how, sizeof(p->how), "%s", how);
		p->nxfr += done;
	}
	pthread_mutex_unlock(&h->mu);
}

bool xfr_health_get(struct xfr_health *h, const uint8_t *origin,
		    const struct sockaddr *sa, uint32_t *serial,
		    uint64_t *when)
{
	const struct xfr_peer *p;

	pthread_mutex_lock(&h->mu);
	p = entry(h, origin, sa, false);
	if (p) {
		*serial = p->serial;
		*when = p->when;
	}
	pthread_mutex_unlock(&h->mu);
	return p != NULL;
}

struct auth_xfr *xfr_run_new(void)
{
	struct xfr_run *r = calloc(1, sizeof(*r));

	/* cppcheck-suppress memleak ; x is r's first member: freed as r */
	return r ? &r->x : NULL;
}

void xfr_run_begin(struct auth_xfr *x, struct xfr_health *h, int fd,
		   const uint8_t *q, size_t qlen)
{
	struct xfr_run *r = (struct xfr_run *)x;
	socklen_t len = sizeof(r->peer);

	r->h = h;
	r->t0 = xfr_health_now();
	if (getpeername(fd, (struct sockaddr *)&r->peer, &len) < 0)
		r->peer.ss_family = AF_UNSPEC;
	r->has_from = x->qtype == RR_IXFR &&
		      auth_ixfr_serial(q, qlen, &r->from);
	/* what it asked from is what it has, until the transfer ends */
	if (r->has_from && r->peer.ss_family != AF_UNSPEC)
		note(h, zdb_zone_origin(x->zone), &r->peer, r->from,
		     x->cur.form == XFR_SOA ? "current" : "asked", false);
}

static void log_end(const struct xfr_run *r, const char *zone,
		    const char *addr, bool done)
{
	const struct auth_xfr *x = &r->x;
	uint32_t to = zdb_zone_serial(x->zone);
	char what[96];

	if (x->cur.form == XFR_IXFR)
		snprintf(what, sizeof(what), "IXFR from %u to %u", r->from, to);
	else if (x->cur.form == XFR_SOA)
		snprintf(what, sizeof(what), "IXFR from %u: current (SOA "
			 "only, serial %u)", r->from, to);
	else if (r->has_from)
		snprintf(what, sizeof(what), "IXFR from %u as AXFR of %u",
			 r->from, to);
	else
		snprintf(what, sizeof(what), "AXFR of %u", to);
	log_info("transfer of %s to %s: %s, %u records, %u messages, %llu "
		 "ms%s", zone, addr, what, x->nrr, x->nmsg,
		 (unsigned long long)(xfr_health_now() - r->t0),
		 done ? "" : ", ended early (connection closed?)");
}

void xfr_run_end(struct auth_xfr *x)
{
	struct xfr_run *r = (struct xfr_run *)x;
	char zone[NAME_TEXT_MAX], addr[INET6_ADDRSTRLEN] = "?";
	bool done = xfr_cursor_done(&x->cur);
	uint64_t hash;

	if (x->zone) {
		name_to_text(zone, sizeof(zone), zdb_zone_origin(x->zone));
		if (r->peer.ss_family != AF_UNSPEC)
			tsig_note_addr(&r->peer, addr, sizeof(addr), &hash);
		log_end(r, zone, addr, done);
		if (done && r->peer.ss_family != AF_UNSPEC)
			note(r->h, zdb_zone_origin(x->zone), &r->peer,
			     zdb_zone_serial(x->zone), x->cur.form == XFR_IXFR ?
			     "IXFR" : x->cur.form == XFR_SOA ? "current" :
			     "AXFR", true);
	}
	auth_xfr_clear(x);
	free(r);
}

static int count_one(void *ctx, const struct zchange *c)
{
	size_t *n = ctx;

	(void)c;
	return ++*n >= COUNT_MAX ? 1 : 0;
}

long xfr_health_changes_since(struct updater *u, const uint8_t *origin,
			      uint32_t from)
{
	struct upd_zone *uz = u ? updater_zone(u, origin) : NULL;
	size_t n = 0;

	if (!uz || !uz->j || journal_read(uz->j, from, count_one, &n) != 0)
		return -1;
	return (long)n;
}

static void report_one(const struct xfr_peer *p, const struct served *s,
		       struct updater *u, uint64_t now)
{
	const struct zdb_zone *z = zonedb_get(s->db, p->origin);
	char zone[NAME_TEXT_MAX], addr[INET6_ADDRSTRLEN], lag[64];
	uint32_t ours = z ? zdb_zone_serial(z) : 0;
	long nchg;
	uint64_t hash;

	name_to_text(zone, sizeof(zone), p->origin);
	tsig_note_addr(&p->addr, addr, sizeof(addr), &hash);
	if (!z)
		snprintf(lag, sizeof(lag), "zone no longer served");
	else if (p->serial == ours)
		snprintf(lag, sizeof(lag), "in sync");
	else if (serial_after(p->serial, ours))
		snprintf(lag, sizeof(lag), "ahead of us");
	else if ((nchg = xfr_health_changes_since(u, p->origin,
						  p->serial)) >= 0)
		snprintf(lag, sizeof(lag), "%ld changes behind", nchg);
	else
		snprintf(lag, sizeof(lag), "%u serials behind",
			 ours - p->serial);
	log_info("transfer health: %s at %s: serial %u, ours %u, %s; last "
		 "%s %llu s ago, %u transfers", zone, addr, p->serial, ours,
		 lag, p->how, (unsigned long long)((now - p->when) / 1000),
		 p->nxfr);
}

void xfr_health_report(struct xfr_health *h, const struct served *s,
		       struct updater *u)
{
	uint64_t now = xfr_health_now();

	pthread_mutex_lock(&h->mu);
	if (!h->n)
		log_info("transfer health: no transfer out since start");
	for (size_t i = 0; i < h->n; i++)
		report_one(&h->p[i], s, u, now);
	pthread_mutex_unlock(&h->mu);
}
