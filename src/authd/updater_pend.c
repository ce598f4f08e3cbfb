/* Changes waiting for a version. Making a version copies the zone's node
 * array and index (doc/design/zone-changes.md): tens of ms on a million
 * names. So on a zone where that is slow, each update is journaled, made
 * durable and answered at once, and its change merged into the zone's
 * pending change; one version carries them all, made when the oldest has
 * waited 4 times what a version costs (at least 20 ms), or before an
 * update that reads a name they touch (it must see them), or before a
 * reload. An update evaluated against the served version while changes
 * wait is right only because it reads none of their names; the apex is
 * never left pending (the SOA, and BIND's apex NS checks, read it). */
#include <string.h>
#include <time.h>

#include "authd/updater_int.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rrtype.h"

#define PATCH_FAST_MS 2.0       /* below: a version per batch */

double upd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The writer's CPU time: what a version costs, whatever else runs on
 * the machine (a preempted copy of a small zone is not slow). */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool touched(const struct upd_zone *uz, uint64_t h)
{
	for (size_t i = 0; i < uz->nnames; i++)
		if (uz->names[i] == h)
			return true;
	return false;
}

bool upd_pend_conflicts(const struct upd_zone *uz, const struct msg *m)
{
	uint8_t owner[NAME_MAXLEN];

	if (!uz->npend)
		return false;
	for (uint16_t i = m->sec[MSG_ANSWER]; i < m->sec[MSG_ADDITIONAL]; i++) {
		if (msg_rr_owner(m, &m->rr[i], owner) < 0 ||
		    name_equal(owner, uz->origin) ||
		    touched(uz, name_hash_lc(owner)))
			return true;
	}
	return false;
}

static int note_names(struct upd_zone *uz, const struct zchange_rr *rr,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t h = name_hash_lc(rr[i].owner);
		if (touched(uz, h))
			continue;
		if (uz->nnames == uz->capnames) {
			size_t cap = uz->capnames ? 2 * uz->capnames : 64;
			uint64_t *nn = realloc(uz->names, cap * sizeof(*nn));
			if (!nn)
				return BN_ENOMEM;
			uz->names = nn;
			uz->capnames = cap;
		}
		uz->names[uz->nnames++] = h;
	}
	return 0;
}

int upd_pend_restamp(const struct upd_zone *uz, struct zchange *c)
{
	uint32_t next = uz->tip + 1 ? uz->tip + 1 : 1;
	int ret;

	if (!uz->npend)
		return 0;       /* made against the tip itself */
	ret = zchange_set_soa_serial(c, false, &c->soa_from, uz->tip);
	return ret ? ret : zchange_set_soa_serial(c, true, &c->soa_to, next);
}

static int copy_rrs(struct zchange *d, const struct zchange_rr *rr,
		    size_t n, bool add)
{
	int ret = 0;

	for (size_t i = 0; i < n && ret == 0; i++)
		ret = add ? zchange_add(d, rr[i].owner, rr[i].type, rr[i].ttl,
					rr[i].rdata, rr[i].rdlen)
			  : zchange_del(d, rr[i].owner, rr[i].type, rr[i].ttl,
					rr[i].rdata, rr[i].rdlen);
	return ret;
}

int upd_pend_add(struct upd_zone *uz, const struct zchange *c)
{
	const struct zchange_rr *from = &c->soa_from, *to = &c->soa_to;
	int ret = 0;

	if (!uz->npend) {
		zchange_clear(&uz->pend);
		zchange_init(&uz->pend);
		ret = zchange_set_soa(&uz->pend, false, from->owner, from->ttl,
				      from->rdata, from->rdlen);
		uz->since = upd_now();
	}
	if (ret == 0)
		ret = zchange_set_soa(&uz->pend, true, to->owner, to->ttl,
				      to->rdata, to->rdlen);
	if (ret == 0)
		ret = copy_rrs(&uz->pend, c->del, c->ndel, false);
	if (ret == 0)
		ret = copy_rrs(&uz->pend, c->add, c->nadd, true);
	if (ret == 0)
		ret = note_names(uz, c->del, c->ndel);
	if (ret == 0)
		ret = note_names(uz, c->add, c->nadd);
	uz->npend++;
	uz->tip = zchange_to(c);
	return ret;
}

bool upd_pend_touches_apex(const struct upd_zone *uz, const struct zchange *c)
{
	for (size_t i = 0; i < c->ndel; i++)
		if (name_equal(c->del[i].owner, uz->origin))
			return true;
	for (size_t i = 0; i < c->nadd; i++)
		if (name_equal(c->add[i].owner, uz->origin))
			return true;
	return false;
}

/* How long the oldest pending change may wait: eight times what a
 * version costs, so that the writer spends at most a ninth of its time
 * copying the zone (its core is the query workers' too), and at least
 * 20 ms. A million names: a version in about 11 ms, served within
 * about 90 ms. */
static double pend_wait(const struct upd_zone *uz)
{
	double wait = uz->patch_ms * 8 / 1000;

	return wait > 0.02 ? wait : 0.02;
}

bool upd_pend_due(const struct upd_zone *uz, double now)
{
	if (!uz->npend)
		return false;
	if (uz->patch_ms < PATCH_FAST_MS)
		return true;
	return now - uz->since >= pend_wait(uz);
}

double upd_pend_deadline(const struct upd_zone *uz)
{
	return uz->since + pend_wait(uz);
}

struct zdb_zone *upd_pend_make(struct upd_zone *uz,
			       const struct zdb_zone *base)
{
	struct zdb_zone *next = NULL;
	double t0 = cpu_now();
	int ret;

	/* more versions follow while updates flow: the replaced ones'
	 * spines are kept for them until the writer is idle */
	zdb_zone_keep_spares(base, true);
	ret = zdb_zone_patch(&next, base, &uz->pend);

	if (ret < 0) {
		log_err("update %s: %zu changes journaled but not served: %s "
			"(they are after a restart)", uz->name, uz->npend,
			bn_strerror(ret));
		next = NULL;
	}
	uz->patch_ms = (cpu_now() - t0) * 1000;
	log_debug("update %s: a version with %zu changes, made in %.1f ms",
		  uz->name, uz->npend, uz->patch_ms);
	upd_pend_drop(uz);
	return next;
}

void upd_pend_drop(struct upd_zone *uz)
{
	zchange_clear(&uz->pend);
	zchange_init(&uz->pend);
	uz->npend = 0;
	uz->nnames = 0;
}
