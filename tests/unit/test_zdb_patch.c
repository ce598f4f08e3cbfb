/* Unit tests for zdb_zone_patch (src/zone/zdb_patch*.c): thousands of
 * random changes (names at many depths, wildcards, cuts, DNAMEs, empty
 * non-terminals coming and going), each version compared node by node
 * with a zone built whole from the same records; the base left intact;
 * changes that do not apply refused. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rrtype.h"
#include "zone/change.h"
#include "zone/zdb_int.h"
#include "zone/zone.h"
#include "zone/zonedb.h"
#include "zparse/zparse.h"

#define MAXREC 400
#define PADS 300

static uint8_t origin[NAME_MAXLEN];
static char *recs[MAXREC];              /* the model: one line a record */
static size_t nrecs;
static uint32_t serial = 1;

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void zone_text(char *buf, size_t cap, uint32_t ser)
{
	size_t n = (size_t)snprintf(buf, cap, "$TTL 300\n@ SOA ns hm %u 1 1 1 1\n"
				    "@ NS ns\nns A 192.0.2.1\n", ser);

	/* names that never change, between the changing ones in canonical
	 * order: the nodes spread over many chunks (zdb_int.h) */
	for (unsigned i = 0; i < PADS && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "p%u A 192.0.2.9\n", i);

	for (size_t i = 0; i < nrecs && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s\n", recs[i]);
}

static struct zdb_zone *build_model(uint32_t ser)
{
	static char text[MAXREC * 64 + PADS * 24 + 256];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;

	zone_text(text, sizeof(text), ser);
	zone_init(&z, origin, 1);
	o.ctx = &z;
	if (zparse_text(text, strlen(text), "model", &o) == 0 &&
	    zone_finish(&z) == 0)
		CHECK(zdb_zone_build(&zz, &z) == 0);
	zone_clear(&z);
	return zz;
}

/* Parses one record line and adds it to the change's del or add list. */
struct one {
	struct zchange *c;
	bool add;
};

static int put_rr(void *ctx, const struct zrr *rr)
{
	struct one *o = ctx;

	if (rr->type == RR_SOA)
		return zchange_set_soa(o->c, o->add, rr->owner, rr->ttl,
				       rr->rdata, rr->rdlen);
	return o->add ? zchange_add(o->c, rr->owner, rr->type, rr->ttl,
				    rr->rdata, rr->rdlen)
		      : zchange_del(o->c, rr->owner, rr->type, rr->ttl,
				    rr->rdata, rr->rdlen);
}

static void change_line(struct zchange *c, const char *line, bool add)
{
	struct one one = { c, add };
	struct zparse_opts o = { .origin = origin, .on_rr = put_rr,
				 .ctx = &one, .default_ttl = 300 };

	CHECKF(zparse_text(line, strlen(line), "change", &o) == 0, "%s", line);
}

static void soa_change(struct zchange *c, uint32_t from, uint32_t to)
{
	char line[96];

	snprintf(line, sizeof(line), "@ 300 SOA ns hm %u 1 1 1 1\n", from);
	change_line(c, line, false);
	snprintf(line, sizeof(line), "@ 300 SOA ns hm %u 1 1 1 1\n", to);
	change_line(c, line, true);
}

static bool same_node(const struct zdb_zone *a, const struct zdb_node *x,
		      const struct zdb_zone *b, const struct zdb_node *y)
{
	if (!name_equal(x->owner, y->owner) || x->flags != y->flags ||
	    x->labels != y->labels || x->nsets != y->nsets ||
	    x->up != y->up || x->ix != y->ix ||
	    !zdb_node_parent(a, x) != !zdb_node_parent(b, y))
		return false;
	for (uint16_t s = 0; s < x->nsets; s++) {
		const struct zdb_rrset *p = &x->sets[s], *q = &y->sets[s];
		if (p->type != q->type || p->ttl != q->ttl || p->count != q->count)
			return false;
		for (uint16_t j = 0; j < p->count; j++)
			if (p->rr[j].len != q->rr[j].len ||
			    memcmp(p->rr[j].data, q->rr[j].data, p->rr[j].len))
				return false;
	}
	return true;
}

/* got (patched) equals want (built whole), index included. */
static void compare(const struct zdb_zone *got, const struct zdb_zone *want,
		    unsigned step)
{
	size_t n = zdb_zone_node_count(want), bad = 0;

	CHECKF(zdb_zone_node_count(got) == n, "step %u: %zu nodes, want %zu",
	       step, zdb_zone_node_count(got), n);
	CHECK(zdb_zone_serial(got) == zdb_zone_serial(want));
	CHECKF(zdb_zone_rr_count(got) == zdb_zone_rr_count(want),
	       "step %u: %zu rrs, want %zu", step, zdb_zone_rr_count(got),
	       zdb_zone_rr_count(want));
	for (size_t i = 0; i < n && i < zdb_zone_node_count(got); i++) {
		const struct zdb_node *y = zdb_zone_node(want, i);
		const struct zdb_node *x = zdb_zone_node(got, i);
		if (!same_node(got, x, want, y) ||
		    zdb_zone_find(got, y->owner) != x) {
			char a[256], b[256];
			name_to_text(a, sizeof(a), x->owner);
			name_to_text(b, sizeof(b), y->owner);
			if (bad++ < 4)
				fprintf(stderr, "node %zu: %s f%x s%u vs %s f%x s%u find %d\n",
					i, a, x->flags, x->nsets, b, y->flags,
					y->nsets, zdb_zone_find(got, y->owner) == x);
		}
	}
	CHECKF(bad == 0, "step %u: %zu nodes differ", step, bad);
	CHECK(zdb_zone_find(got, (const uint8_t *)"\6absent\7example") == NULL);
}

static const char *const names[] = {
	"a", "b.a", "c.b.a", "x.y.z", "y.z", "z", "*.w", "q.*.w", "w",
	"deep.e.f.g.h", "g.h", "sub", "host.sub", "ns.sub", "*.sub",
	"d", "e.d", "*", "m.n.o.p", "o.p", "zz", "aa.zz",
};
static const char *const types[] = { "A 192.0.2.%u", "TXT \"t%u\"",
	"NS ns%u.example.", "MX %u mx.example.", "AAAA 2001:db8::%u",
	"DNAME t%u.example." };

static char *random_line(void)
{
	char fmt[64], line[128];
	unsigned t = (unsigned)rand() % 6, v = (unsigned)rand() % 4;

	/* DNAME and NS are singletons per owner here: one value */
	if (t >= 2 && t != 3 && t != 4)
		v = 0;
	snprintf(fmt, sizeof(fmt), "%%s 300 %s", types[t]);
	snprintf(line, sizeof(line), fmt,
		 names[(unsigned)rand() % (sizeof(names) / sizeof(*names))], v);
	return strdup(line);
}

static bool in_model(const char *line)
{
	for (size_t i = 0; i < nrecs; i++)
		if (!strcmp(recs[i], line))
			return true;
	return false;
}

/* One random change of 1 to 4 records, applied to the model and c. */
static void random_change(struct zchange *c)
{
	int ops = 1 + rand() % 4;
	size_t first_new = nrecs;       /* the change's additions go last */

	soa_change(c, serial, serial + 1);
	for (int k = 0; k < ops; k++) {
		if (nrecs && (rand() % 3 == 0 || nrecs == MAXREC)) {
			size_t i = (size_t)rand() % nrecs;
			/* a change is net: nothing it adds is removed */
			if (i >= first_new)
				continue;
			change_line(c, recs[i], false);
			free(recs[i]);
			memmove(&recs[i], &recs[i + 1],
				(nrecs - i - 1) * sizeof(*recs));
			nrecs--;
			first_new--;
			continue;
		}
		char *l = random_line();
		if (in_model(l)) {
			free(l);
			continue;
		}
		change_line(c, l, true);
		recs[nrecs++] = l;
	}
	serial++;
}

/* diff(a, b) applied to a gives b. */
static void check_diff(const struct zdb_zone *a, const struct zdb_zone *b)
{
	struct zdb_zone *got = NULL;
	struct zchange c;

	zchange_init(&c);
	CHECK(zdb_zone_diff(a, b, &c) == 0);
	CHECK(c.ndel + c.nadd > 0);
	CHECK(zdb_zone_patch(&got, a, &c) == 0);
	if (got)
		compare(got, b, 8888);
	zdb_zone_unref(got);
	zchange_clear(&c);
}

/* The changes of steps [100, 400) merged into one, applied to the
 * version of step 100: the version of step 400. */
static void check_merge(struct zmerge *mg, const struct zdb_zone *from,
			const struct zdb_zone *to)
{
	struct zdb_zone *got = NULL;
	struct zchange c;

	zchange_init(&c);
	CHECK(zmerge_finish(mg, &c) == 0);
	CHECK(zdb_zone_patch(&got, from, &c) == 0);
	if (got)
		compare(got, to, 7777);
	zdb_zone_unref(got);
	zchange_clear(&c);
}

static void test_random(void)
{
	struct zdb_zone *cur = build_model(serial), *next, *want, *old = NULL;
	struct zdb_zone *m0 = NULL;
	struct zmerge mg;
	unsigned in_place = 0, merged = 0;

	zmerge_init(&mg);
	srand(7);
	for (unsigned step = 0; step < 3000 && cur; step++) {
		struct zchange c;
		zchange_init(&c);
		random_change(&c);
		if (step == 100) {
			m0 = cur;
			zdb_zone_ref(m0);
		}
		if (step >= 100 && step < 400)
			CHECK(zmerge_add(&mg, &c) == 0);
		if (step == 400) {
			check_merge(&mg, m0, cur);
			zdb_zone_unref(m0);
			zmerge_clear(&mg);
		}
		int ret = zdb_zone_patch(&next, cur, &c);
		CHECKF(ret == 0, "step %u: %s", step, bn_strerror(ret));
		zchange_clear(&c);
		if (ret < 0)
			break;
		/* a version made in place shares its base's index */
		if (next->index == cur->index)
			in_place++;
		else
			merged++;
		if (step % 7 == 0 || step > 2900) {
			want = build_model(serial);
			if (want)
				compare(next, want, step);
			zdb_zone_unref(want);
		}
		if (step == 1500) {
			old = cur;      /* kept for check_diff */
			cur = next;
			continue;
		}
		zdb_zone_unref(cur);
		cur = next;
	}
	CHECKF(in_place > 500 && merged > 500, "%u in place, %u merged",
	       in_place, merged);
	if (old && cur)
		check_diff(old, cur);
	zdb_zone_unref(old);
	CHECK(zdb_zone_dead(cur) > 0);
	/* built whole again: the same zone, no dead records */
	CHECK(zdb_zone_compact(&next, cur) == 0);
	want = build_model(serial);
	if (next && want) {
		compare(next, want, 9999);
		CHECK(zdb_zone_dead(next) == 0);
		CHECK(zdb_zone_memory(next) < zdb_zone_memory(cur));
	}
	zdb_zone_unref(want);
	zdb_zone_unref(next);
	zdb_zone_unref(cur);
	while (nrecs)
		free(recs[--nrecs]);
}

/* The base keeps serving what it held; a change that does not start at
 * its serial, or removes what it lacks, is refused. */
static void test_base_and_refusals(void)
{
	struct zdb_zone *base, *next = NULL, *want;
	struct zchange c;

	serial = 10;
	recs[nrecs++] = strdup("www 300 A 192.0.2.80");
	base = build_model(serial);
	zchange_init(&c);
	soa_change(&c, 10, 11);
	change_line(&c, "www 300 A 192.0.2.80", false);
	change_line(&c, "new.deep 300 TXT \"x\"", true);
	CHECK(zdb_zone_patch(&next, base, &c) == 0);
	zchange_clear(&c);
	want = build_model(10);
	compare(base, want, 0);
	zdb_zone_unref(want);
	CHECK(next && zdb_zone_find(next, (const uint8_t *)"\3www\7example") == NULL);
	CHECK(next && zdb_zone_find(next, (const uint8_t *)"\4deep\7example") != NULL);

	zchange_init(&c);
	soa_change(&c, 10, 11);     /* next is at 11 */
	CHECK(zdb_zone_patch(&want, next, &c) == BN_EINVAL);
	zchange_clear(&c);
	zchange_init(&c);
	soa_change(&c, 11, 12);
	change_line(&c, "nothere 300 A 192.0.2.1", false);
	CHECK(zdb_zone_patch(&want, next, &c) == BN_ENOTFOUND);
	zchange_clear(&c);
	CHECK(want == NULL);
	zdb_zone_unref(next);
	zdb_zone_unref(base);
	while (nrecs)
		free(recs[--nrecs]);
}

/* An added record gives its TTL to the whole set, as BIND does. */
static void test_ttl(void)
{
	struct zdb_zone *base, *next = NULL;
	const struct zdb_rrset *s;
	struct zchange c;

	serial = 20;
	recs[nrecs++] = strdup("t 300 A 192.0.2.1");
	recs[nrecs++] = strdup("t 300 A 192.0.2.2");
	base = build_model(serial);
	zchange_init(&c);
	soa_change(&c, 20, 21);
	change_line(&c, "t 60 A 192.0.2.3", true);
	CHECK(zdb_zone_patch(&next, base, &c) == 0);
	zchange_clear(&c);
	s = next ? zdb_node_rrset(zdb_zone_find(next,
			(const uint8_t *)"\1t\7example"), RR_A) : NULL;
	CHECK(s && s->count == 3 && s->ttl == 60);
	zdb_zone_unref(next);
	zdb_zone_unref(base);
	while (nrecs)
		free(recs[--nrecs]);
}

int main(void)
{
	name_from_text(origin, "example.", 8, NULL);
	test_random();
	test_base_and_refusals();
	test_ttl();
	return check_done();
}
