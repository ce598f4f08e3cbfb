/* Unit tests for denial of existence (src/dnssec/denial.h) on zones
 * signed by dnssec-signzone and kzonesign (tests/data/dnssec/denial,
 * remade by its mk.sh): NSEC, NSEC3, NSEC3 opt-out, 150 and 500
 * iterations. Each proof is what banchi-auth's engine answers a DO
 * query with (or records of the zone file), its NSEC/NSEC3 sets first
 * verified with the zone's keys as a resolver does; every kind of
 * proof proves what it should, and no mutation of one (a record
 * removed, a type bit, another zone, other NSEC3 parameters, next names
 * swapped, another name) is accepted. The NSEC3 hash budget, the
 * iteration limit and unknown hash algorithms; the cost of a proof. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth/answer.h"
#include "base/encode.h"
#include "check.h"
#include "dnssec/denial.h"
#include "dnssec/nsec3.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

#define NOW 1800000000u         /* 2027-01-15: inside every RRSIG */
#define MAXSETS 16

static struct zonedb *db;
static struct auth_conf conf;

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void load(const char *zone)
{
	uint8_t origin[NAME_MAXLEN];
	char path[512];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;

	snprintf(path, sizeof(path), "%s/dnssec/denial/%ssigned",
		 TEST_DATA_DIR, zone);
	CHECK(name_from_text(origin, zone, strlen(zone), NULL) > 0);
	zone_init(&z, origin, 0);
	o.ctx = &z;
	CHECKF(zparse_file(path, &o) == 0, "%s", path);
	CHECK(zone_finish(&z) == 0);
	CHECK(zdb_zone_build(&zz, &z) == 0);
	if (zz) {
		CHECK(zonedb_add(db, zz) == 0);
		zdb_zone_unref(zz);
	}
	zone_clear(&z);
}

/* A reply's NSEC/NSEC3 sets as the resolver would pass them. */
struct proof {
	struct dnssec_rrset sets[MAXSETS];
	uint8_t owner[MAXSETS][NAME_MAXLEN];
	uint8_t data[MAXSETS][2048];
	struct dnssec_rrset sig[MAXSETS];       /* the RRSIGs of each */
	uint8_t sigdata[MAXSETS][1024];
	unsigned n;
	uint8_t rcode;
	unsigned labels;                /* the answer's RRSIG labels, or 0 */
	uint8_t zone[NAME_MAXLEN];
};

static uint8_t reply[MSG_MAXLEN];
static struct msg_rr rrs[256];
static struct msg m;
static unsigned sets_verified;

static void name(uint8_t *out, const char *text)
{
	CHECKF(name_from_text(out, text, strlen(text), NULL) > 0, "%s", text);
}

static void ask(const char *qname, uint16_t qtype)
{
	uint8_t q[512], qn[NAME_MAXLEN];
	struct msg_writer mw;
	struct msg_hdr h = { .id = 7 };
	struct edns e;
	size_t n;

	name(qn, qname);
	CHECK(msg_writer_init(&mw, q, sizeof(q), &h, false) == 0);
	CHECK(msg_writer_question(&mw, qn, qtype, CLASS_IN) == 0);
	edns_init(&e, 4096);
	e.flags = EDNS_FLAG_DO;
	CHECK(msg_writer_opt(&mw, &e) == 0);
	n = auth_answer(db, &conf, q, (size_t)msg_writer_finish(&mw), AUTH_TCP,
			reply, sizeof(reply));
	CHECKF(n > 0 && msg_parse(&m, reply, n, rrs, 256) == 0, "%s", qname);
}

/* The records of section s with this owner and type (RRSIG: covering
 * cover) into a set at buf. */
static void gather(struct dnssec_rrset *set, uint8_t *buf, size_t cap,
		   enum msg_section s, const uint8_t *owner, uint16_t type,
		   uint16_t cover)
{
	struct wbuf w;
	uint8_t o[NAME_MAXLEN];

	wbuf_init(&w, buf, cap);
	set->count = 0;
	set->type = type;
	set->rclass = CLASS_IN;
	for (uint16_t i = 0; i < msg_section_count(&m, s); i++) {
		const struct msg_rr *r = msg_section_rr(&m, s, i);
		uint8_t rd[1024];
		int len;

		if (r->type != type || msg_rr_owner(&m, r, o) < 0 ||
		    !name_equal(o, owner))
			continue;
		len = msg_rr_rdata(&m, r, rd, sizeof(rd));
		CHECK(len >= 0);
		if (len < 0 || (cover && (len < 2 || wire_get_u16(rd) != cover)))
			continue;
		CHECK(wbuf_u16(&w, (uint16_t)len) == 0 &&
		      wbuf_bytes(&w, rd, (size_t)len) == 0);
		set->count++;
	}
	set->rdata = buf;
	set->rdata_len = w.len;
}

static struct {
	struct dnssec_rrset s;
	uint8_t owner[NAME_MAXLEN], data[4096];
} keys;

static void get_keys(const uint8_t *zone)
{
	char text[NAME_TEXT_MAX];

	CHECK(name_to_text(text, sizeof(text), zone) > 0);
	ask(text, RR_DNSKEY);
	memcpy(keys.owner, zone, name_length(zone));
	keys.s.owner = keys.owner;
	gather(&keys.s, keys.data, sizeof(keys.data), MSG_ANSWER, zone,
	       RR_DNSKEY, 0);
	CHECK(keys.s.count == 2);
}

/* Whether the set i of p is already there (same owner and type). */
static bool have_set(const struct proof *p, const uint8_t *owner,
		     uint16_t type)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->sets[i].type == type &&
		    name_equal(p->sets[i].owner, owner))
			return true;
	return false;
}

/* The answer's first RRSIG: its labels field. */
static unsigned answer_labels(void)
{
	for (uint16_t i = 0; i < msg_section_count(&m, MSG_ANSWER); i++) {
		const struct msg_rr *r = msg_section_rr(&m, MSG_ANSWER, i);

		if (r->type == RR_RRSIG && r->rdlen >= 4)
			return m.pkt[r->rdata_off + 3];
	}
	return 0;
}

/* The proof banchi-auth gives for (qname, qtype) in zone: the NSEC and
 * NSEC3 sets of the authority section, each verified with the zone's
 * DNSKEY set and its RRSIGs first. */
static void take(struct proof *p, const char *zone, const char *qname,
		 uint16_t qtype)
{
	uint8_t o[NAME_MAXLEN];

	memset(p, 0, sizeof(*p));
	name(p->zone, zone);
	get_keys(p->zone);
	ask(qname, qtype);
	p->rcode = msg_hdr_rcode(&m.hdr);
	p->labels = answer_labels();
	for (uint16_t i = 0; i < msg_section_count(&m, MSG_AUTHORITY); i++) {
		const struct msg_rr *r = msg_section_rr(&m, MSG_AUTHORITY, i);
		struct dnssec_rrset *s = &p->sets[p->n];
		struct dnssec_budget b;

		if ((r->type != RR_NSEC && r->type != RR_NSEC3) ||
		    msg_rr_owner(&m, r, o) < 0 || have_set(p, o, r->type) ||
		    p->n == MAXSETS)
			continue;
		memcpy(p->owner[p->n], o, name_length(o));
		s->owner = p->owner[p->n];
		gather(s, p->data[p->n], sizeof(p->data[0]), MSG_AUTHORITY, o,
		       r->type, 0);
		p->sig[p->n].owner = s->owner;
		gather(&p->sig[p->n], p->sigdata[p->n], sizeof(p->sigdata[0]),
		       MSG_AUTHORITY, o, RR_RRSIG, r->type);
		dnssec_budget_init(&b);
		CHECKF(dnssec_verify_rrset(s, &p->sig[p->n], &keys.s, NOW, &b,
					   NULL) ==
			       DNSSEC_SECURE, "%s %u", qname, r->type);
		sets_verified++;
		p->n++;
	}
}

enum kind { NX, NODATA, WILD, NODS };

static struct dnssec_budget bud;

/* The proof p of kind for (qname, qtype); a fresh budget each time
 * (bud keeps its counts for the caller to look at). */
static int prove_as(const struct proof *p, enum kind k, const char *qname,
		    uint16_t qtype, const uint8_t *zone)
{
	uint8_t qn[NAME_MAXLEN];
	struct dnssec_denial d = { .qname = qn, .qtype = qtype, .zone = zone,
				   .sets = p->sets, .nsets = p->n };

	name(qn, qname);
	dnssec_budget_init(&bud);
	switch (k) {
	case NX: return dnssec_prove_nxdomain(&d, &bud);
	case NODATA: return dnssec_prove_nodata(&d, &bud);
	case WILD: return dnssec_prove_wildcard(&d, p->labels, &bud);
	case NODS: return dnssec_prove_no_ds(&d, &bud);
	}
	return -1;
}

static int prove(const struct proof *p, enum kind k, const char *qname,
		 uint16_t qtype)
{
	return prove_as(p, k, qname, qtype, p->zone);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Pointers of p's sets to its own arrays (after a copy or a move). */
static void fix(struct proof *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		p->sets[i].owner = p->owner[i];
		p->sets[i].rdata = p->data[i];
		p->sig[i].owner = p->owner[i];
		p->sig[i].rdata = p->sigdata[i];
	}
}

/* c = p without set i (i >= p->n: all of them). */
static void copy_without(struct proof *c, const struct proof *p, unsigned i)
{
	*c = *p;
	if (i < p->n) {
		for (unsigned k = i; k + 1 < p->n; k++) {
			memcpy(c->owner[k], p->owner[k + 1], NAME_MAXLEN);
			memcpy(c->data[k], p->data[k + 1], sizeof(p->data[0]));
			memcpy(c->sigdata[k], p->sigdata[k + 1],
			       sizeof(p->sigdata[0]));
			c->sets[k] = p->sets[k + 1];
			c->sig[k] = p->sig[k + 1];
		}
		c->n--;
	}
	fix(c);
}

/* The first item's RDATA of set i, and where its type bitmap starts. */
static uint8_t *item(struct proof *p, unsigned i, uint16_t *len,
		     size_t *bitmap)
{
	uint8_t *rd = p->data[i] + 2;

	*len = wire_get_u16(p->data[i]);
	if (p->sets[i].type == RR_NSEC)
		*bitmap = name_length(rd);
	else
		*bitmap = 5u + rd[4] + 1 + rd[5u + rd[4]];
	return rd;
}

/* Type (window 0) set or cleared in the bitmap of set i's first item,
 * the bitmap rewritten as short as it can be. */
static void retype(struct proof *p, unsigned i, uint16_t type, bool on)
{
	uint8_t bits[32] = { 0 }, out[2048];
	uint16_t len;
	size_t at, rest = 0, n;
	uint8_t *rd = item(p, i, &len, &at);
	int wlen = 0;

	CHECK(type < 256 && p->sets[i].count == 1);
	if (len >= at + 2 && rd[at] == 0) {
		memcpy(bits, rd + at + 2, rd[at + 1]);
		rest = 2u + rd[at + 1];
	}
	if (on)
		bits[type >> 3] |= (uint8_t)(0x80 >> (type & 7));
	else
		bits[type >> 3] &= (uint8_t)~(0x80 >> (type & 7));
	for (int k = 0; k < 32; k++)
		if (bits[k])
			wlen = k + 1;
	memcpy(out, rd, at);
	n = at;
	if (wlen) {
		out[n++] = 0;
		out[n++] = (uint8_t)wlen;
		memcpy(out + n, bits, (size_t)wlen);
		n += (size_t)wlen;
	}
	memcpy(out + n, rd + at + rest, len - at - rest);
	n += len - at - rest;
	put16(p->data[i], (uint16_t)n);
	memcpy(rd, out, n);
	p->sets[i].rdata_len = n + 2;
}

/* The next names of sets i and j swapped: NSEC RDATA whole, NSEC3 the
 * next hashed owner. */
static void swap_next(struct proof *p, unsigned i, unsigned j)
{
	uint8_t tmp[sizeof(p->data[0])];
	uint16_t li, lj;
	size_t bi, bj;
	uint8_t *a = item(p, i, &li, &bi), *b = item(p, j, &lj, &bj);

	if (p->sets[i].type == RR_NSEC) {
		memcpy(tmp, p->data[i], sizeof(tmp));
		memcpy(p->data[i], p->data[j], sizeof(tmp));
		memcpy(p->data[j], tmp, sizeof(tmp));
		p->sets[i].rdata_len = 2u + lj;
		p->sets[j].rdata_len = 2u + li;
		return;
	}
	memcpy(tmp, a + bi - NSEC3_HASH_LEN, NSEC3_HASH_LEN);
	memcpy(a + bi - NSEC3_HASH_LEN, b + bj - NSEC3_HASH_LEN,
	       NSEC3_HASH_LEN);
	memcpy(b + bj - NSEC3_HASH_LEN, tmp, NSEC3_HASH_LEN);
}

/* NSEC3 set i's first item: iterations + 1 (other parameters). */
static void bump_iter(struct proof *p, unsigned i)
{
	uint8_t *rd = p->data[i] + 2;

	put16(rd + 2, (uint16_t)(wire_get_u16(rd + 2) + 1));
}

static void qn_text(char *out, size_t cap, const char *rel, const char *zone)
{
	snprintf(out, cap, "%s%s%s", rel, *rel ? "." : "", zone);
}

#define S DNSSEC_SECURE
#define OO DNSSEC_OPT_OUT
#define NC DNSSEC_NO_CUT
#define NP DNSSEC_NO_PROOF

/* A query, the proof kind its answer is checked as, what each zone's
 * proof gives (nsec., nsec3., optout.), and a name (relative) the same
 * proof must not prove. */
static const struct kcase {
	const char *q;
	uint16_t qtype;
	enum kind k;
	int want[3];
	const char *other;
} cases[] = {
	{ "nx", RR_A, NX, { S, S, OO }, "a" },
	{ "a.b.nx", RR_A, NX, { S, S, OO }, "a" },
	{ "q.ent", RR_A, NX, { S, S, OO }, "ent" },      /* ce: an ENT */
	{ "a", RR_MX, NODATA, { S, S, S }, "c" },
	{ "ent", RR_A, NODATA, { S, S, S }, "nx" },      /* ENT */
	{ "y.ent", RR_TXT, NODATA, { S, S, S }, "z.ent" },
	{ "dn", RR_MX, NODATA, { S, S, S }, "a" },
	{ "foo.w", RR_A, WILD, { S, S, OO }, "foo.z" },
	{ "a.b.w", RR_TXT, WILD, { S, S, OO }, "foo.z" },
	{ "foo.w", RR_MX, NODATA, { S, S, OO }, "foo.z" }, /* wildcard */
	{ "unsec", RR_DS, NODS, { S, S, OO }, "a" },
	{ "unsec", RR_DS, NODATA, { S, S, OO }, "a" },
	{ "ent", RR_DS, NODS, { NC, NC, NC }, "a" },
	{ "a", RR_DS, NODS, { NC, NC, NC }, "c" },
	{ "", RR_DS, NODS, { NP, NP, NP }, NULL },       /* the apex */
};

static const char *const zones[] = { "nsec.test.", "nsec3.test.",
				     "optout.test." };

/* What a mutated proof may give when the true one gives want: no
 * proof, or (want insecure) insecure still; never a secure claim. */
static bool weaker(int got, int want)
{
	return got == NP || (want == OO && got == OO);
}

/* As a resolver does: each set verified with its RRSIGs and the zone's
 * keys (those of the last take()), those that fail dropped, then the
 * proof judged. */
static int pipeline(const struct proof *p, enum kind k, const char *qname,
		    uint16_t qtype)
{
	static struct proof v, t;

	copy_without(&v, p, p->n);
	for (unsigned i = v.n; i-- > 0;) {
		struct dnssec_budget b;

		dnssec_budget_init(&b);
		if (dnssec_verify_rrset(&v.sets[i], &v.sig[i], &keys.s, NOW,
					&b, NULL) == DNSSEC_SECURE)
			continue;
		copy_without(&t, &v, i);
		copy_without(&v, &t, t.n);
	}
	return prove(&v, k, qname, qtype);
}

/* No mutation of p proves what it did (want): the proof's own checks
 * catch a record removed, a record of other NSEC3 parameters among
 * others, another zone, another name; what only a signature can catch
 * (next names swapped: the apex's NSEC with a later next name still
 * covers what both covered; a lone record's parameters) goes through
 * the resolver's pipeline, which still gives want for p itself. */
static void mutations(const struct proof *p, const struct kcase *c,
		      const char *qname, int want, const char *zone)
{
	static struct proof x;
	char other[NAME_TEXT_MAX];
	const char *ozone;
	uint8_t oz[NAME_MAXLEN];
	int got;

	CHECKF(pipeline(p, c->k, qname, c->qtype) == want, "%s", qname);
	for (unsigned i = 0; i < p->n; i++) {
		copy_without(&x, p, i);
		got = prove(&x, c->k, qname, c->qtype);
		CHECKF(weaker(got, want), "%s: set %u removed: %s", qname, i,
		       dnssec_result_str(got));
		if (p->sets[i].type != RR_NSEC3)
			continue;
		copy_without(&x, p, p->n);
		bump_iter(&x, i);
		got = prove(&x, c->k, qname, c->qtype);
		CHECKF(p->n == 1 || weaker(got, want),
		       "%s: set %u of other parameters: %s", qname, i,
		       dnssec_result_str(got));
		got = pipeline(&x, c->k, qname, c->qtype);
		CHECKF(weaker(got, want), "%s: set %u of other parameters",
		       qname, i);
	}
	if (p->n >= 2) {
		copy_without(&x, p, p->n);
		swap_next(&x, 0, 1);
		got = pipeline(&x, c->k, qname, c->qtype);
		CHECKF(weaker(got, want), "%s: next names swapped", qname);
	}
	/* the same name in another zone: the records are not of it */
	ozone = strcmp(zone, "nsec.test.") ? "nsec.test." : "nsec3.test.";
	name(oz, ozone);
	qn_text(other, sizeof(other), c->q, ozone);
	got = prove_as(p, c->k, other, c->qtype, oz);
	CHECKF(got == NP, "%s as %s: %s", qname, other,
	       dnssec_result_str(got));
	qn_text(other, sizeof(other), c->other, zone);
	got = prove(p, c->k, other, c->qtype);
	CHECKF(weaker(got, want), "%s for %s: %s", qname, other,
	       dnssec_result_str(got));
}

static void test_cases(void)
{
	static struct proof p;
	char qname[NAME_TEXT_MAX];

	for (unsigned z = 0; z < 3; z++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct kcase *c = &cases[i];
			int got;

			qn_text(qname, sizeof(qname), c->q, zones[z]);
			take(&p, zones[z], qname, c->qtype);
			CHECKF(p.rcode == (c->k == NX ? RCODE_NXDOMAIN : 0),
			       "%s rcode %u", qname, p.rcode);
			CHECKF(c->k != WILD || p.labels == 3, "%s", qname);
			got = prove(&p, c->k, qname, c->qtype);
			CHECKF(got == c->want[z], "%s %u kind %d: %s", qname,
			       c->qtype, c->k, dnssec_result_str(got));
			if (c->other)
				mutations(&p, c, qname, c->want[z], zones[z]);
		}
	}
}

/* The set of p owned by name (text), or -1. */
static int set_of(const struct proof *p, const char *owner)
{
	uint8_t o[NAME_MAXLEN];

	name(o, owner);
	for (unsigned i = 0; i < p->n; i++)
		if (name_equal(p->sets[i].owner, o))
			return (int)i;
	return -1;
}

static struct proof *file_proof;
static const uint8_t *file_owner;

static int on_file_rr(void *ctx, const struct zrr *rr)
{
	struct proof *p = file_proof;
	struct wbuf w;

	(void)ctx;
	if (rr->type != RR_NSEC3 || !name_equal(rr->owner, file_owner))
		return 0;
	wbuf_init(&w, p->data[0], sizeof(p->data[0]));
	CHECK(wbuf_u16(&w, rr->rdlen) == 0 &&
	      wbuf_bytes(&w, rr->rdata, rr->rdlen) == 0);
	p->sets[0] = (struct dnssec_rrset){ .owner = p->owner[0],
					    .type = RR_NSEC3,
					    .rclass = CLASS_IN, .count = 1,
					    .rdata = p->data[0],
					    .rdata_len = w.len };
	p->n = 1;
	return 0;
}

/* The NSEC3 of name in zone's signed file, as a one-set proof (banchi,
 * like NSD and Knot, answers no query for an NSEC3's owner). */
static void take_nsec3(struct proof *p, const char *zone, const char *nm)
{
	struct nsec3_param prm = { .alg = 1 };
	uint8_t n[NAME_MAXLEN], origin[NAME_MAXLEN], h[NSEC3_HASH_LEN];
	char owner[NAME_TEXT_MAX], b32[64], path[512];
	struct zparse_opts o = { .origin = origin, .on_rr = on_file_rr };

	memset(p, 0, sizeof(*p));
	name(p->zone, zone);
	name(origin, zone);
	name(n, nm);
	CHECK(!strcmp(zone, "nsec3.test."));   /* salt ab12cd, 0 iterations */
	prm.saltlen = 3;
	memcpy(prm.salt, "\xab\x12\xcd", 3);
	CHECK(nsec3_hash(h, &prm, n) == 0);
	CHECK(base32hex_encode(h, NSEC3_HASH_LEN, b32, sizeof(b32)) == 32);
	snprintf(owner, sizeof(owner), "%s.%s", b32, zone);
	name(p->owner[0], owner);
	file_proof = p;
	file_owner = p->owner[0];
	snprintf(path, sizeof(path), "%s/dnssec/denial/%ssigned",
		 TEST_DATA_DIR, zone);
	CHECK(zparse_file(path, &o) == 0);
	CHECKF(p->n == 1, "%s", owner);
}

/* Type bitmaps: the type asked, CNAME, DS, SOA, NS set or cleared. */
static void test_bitmaps(void)
{
	static struct proof p, x;

	for (unsigned z = 0; z < 2; z++) {
		char a[64], unsec[64];
		int i;

		qn_text(a, sizeof(a), "a", zones[z]);
		take(&p, zones[z], a, RR_MX);
		i = z ? 0 : set_of(&p, a);
		CHECK(i >= 0 && prove(&p, NODATA, a, RR_MX) == S);
		if (i < 0)
			continue;
		/* the records prove A and TXT exist */
		CHECK(prove(&p, NODATA, a, RR_A) == NP);
		CHECK(prove(&p, NODATA, a, RR_TXT) == NP);
		copy_without(&x, &p, p.n);
		retype(&x, (unsigned)i, RR_MX, true);
		CHECK(prove(&x, NODATA, a, RR_MX) == NP);
		copy_without(&x, &p, p.n);
		retype(&x, (unsigned)i, RR_CNAME, true);
		CHECK(prove(&x, NODATA, a, RR_MX) == NP);
		/* made a delegation: its data is the child's */
		retype(&x, (unsigned)i, RR_CNAME, false);
		retype(&x, (unsigned)i, RR_NS, true);
		CHECK(prove(&x, NODATA, a, RR_MX) == DNSSEC_UNSIGNED_CUT);
		retype(&x, (unsigned)i, RR_DS, true);
		CHECK(prove(&x, NODATA, a, RR_MX) == NP);

		qn_text(unsec, sizeof(unsec), "unsec", zones[z]);
		take(&p, zones[z], unsec, RR_DS);
		i = z ? 0 : set_of(&p, unsec);
		CHECK(i >= 0 && p.n == 1 && prove(&p, NODS, unsec, 0) == S);
		if (i < 0)
			continue;
		copy_without(&x, &p, p.n);
		retype(&x, (unsigned)i, RR_DS, true);
		CHECK(prove(&x, NODS, unsec, 0) == NP);
		CHECK(prove(&x, NODATA, unsec, RR_DS) == NP);
		copy_without(&x, &p, p.n);
		retype(&x, (unsigned)i, RR_NS, false);
		CHECK(prove(&x, NODS, unsec, 0) == NC);
		CHECK(prove(&x, NODATA, unsec, RR_DS) == S);
		/* an apex's record: the child's side of the cut */
		copy_without(&x, &p, p.n);
		retype(&x, (unsigned)i, RR_SOA, true);
		CHECK(prove(&x, NODS, unsec, 0) == NP);
		/* the parent's record of a cut proves no other type */
		CHECK(prove(&p, NODATA, unsec, RR_MX) == DNSSEC_UNSIGNED_CUT);
	}
}

/* Cuts, DNAME, CNAME, the DS of an apex and of a signed delegation. */
static void test_cuts(void)
{
	static struct proof p;
	uint8_t parent[NAME_MAXLEN];

	/* NSEC of a delegation with DS: proves no DS absent */
	take(&p, "nsec.test.", "sz.nsec.test.", RR_A);
	CHECK(p.rcode == RCODE_NXDOMAIN && set_of(&p, "sec.nsec.test.") >= 0);
	CHECK(prove(&p, NX, "sz.nsec.test.", RR_A) == S);
	CHECK(prove(&p, NODS, "sec.nsec.test.", 0) == NP);
	CHECK(prove(&p, NX, "www.sec.nsec.test.", RR_A) == NP);
	take_nsec3(&p, "nsec3.test.", "sec.nsec3.test.");
	CHECK(prove(&p, NODS, "sec.nsec3.test.", 0) == NP);
	CHECK(prove(&p, NODATA, "sec.nsec3.test.", RR_DS) == NP);
	/* names under a delegation without DS: an unsigned child's */
	for (unsigned z = 0; z < 2; z++) {
		char unsec[64], www[64];

		qn_text(unsec, sizeof(unsec), "unsec", zones[z]);
		qn_text(www, sizeof(www), "www.unsec", zones[z]);
		take(&p, zones[z], unsec, RR_DS);
		CHECK(prove(&p, NX, www, RR_A) == DNSSEC_UNSIGNED_CUT);
		CHECK(prove(&p, NODATA, www, RR_A) == DNSSEC_UNSIGNED_CUT);
		/* DS of a name below it: no proof */
		CHECK(prove(&p, NODS, www, 0) == NP);
		/* the referral's own proof: the child is insecure */
		take(&p, zones[z], www, RR_A);
		CHECK(p.rcode == 0 && p.n >= 1);
		CHECK(prove(&p, NODS, unsec, 0) == S);
	}
	take(&p, "optout.test.", "www.unsec.optout.test.", RR_A);
	CHECK(prove(&p, NODS, "unsec.optout.test.", 0) == OO);
	CHECK(prove(&p, NODS, "unsec2.optout.test.", 0) == OO ||
	      prove(&p, NODS, "unsec2.optout.test.", 0) == NP);
	/* the apex's NSEC, even under a zone above it: the child's side */
	take(&p, "nsec.test.", "nsec.test.", RR_DS);
	CHECK(p.n == 1 && prove(&p, NODATA, "nsec.test.", RR_DS) == NP);
	name(parent, "test.");
	CHECK(prove_as(&p, NODS, "nsec.test.", RR_DS, parent) == NP);
	CHECK(prove_as(&p, NODATA, "nsec.test.", RR_DS, parent) == NP);
	/* DNAME: nothing below it is denied by its owner's record */
	for (unsigned z = 0; z < 2; z++) {
		char dn[64], x[64];

		qn_text(dn, sizeof(dn), "dn", zones[z]);
		qn_text(x, sizeof(x), "x.dn", zones[z]);
		take(&p, zones[z], dn, RR_MX);
		CHECK(prove(&p, NODATA, dn, RR_MX) == S);
		CHECK(prove(&p, NODATA, dn, RR_DNAME) == NP);
		CHECK(prove(&p, NX, x, RR_A) == NP);
	}
	/* CNAME: its name has no other type, but is no NODATA */
	for (unsigned z = 0; z < 2; z++) {
		char c[64], x[64];

		qn_text(c, sizeof(c), "c", zones[z]);
		qn_text(x, sizeof(x), "x.c", zones[z]);
		take(&p, zones[z], x, RR_A);
		CHECK(p.rcode == RCODE_NXDOMAIN &&
		      prove(&p, NX, x, RR_A) == S);
		CHECK(prove(&p, NODATA, c, RR_TXT) == NP);
		CHECK(prove(&p, NODATA, c, RR_CNAME) == NP);
	}
}

/* An empty non-terminal exists: its NODATA proof is no NXDOMAIN; a
 * wildcard proof holds only for its own closest encloser. */
static void test_ent_wildcard(void)
{
	static struct proof p;

	for (unsigned z = 0; z < 3; z++) {
		char q[64];

		qn_text(q, sizeof(q), "y.ent", zones[z]);
		take(&p, zones[z], q, RR_A);
		CHECK(prove(&p, NODATA, q, RR_A) == S);
		CHECK(prove(&p, NX, q, RR_A) == NP);
		qn_text(q, sizeof(q), "w", zones[z]);
		take(&p, zones[z], q, RR_A);
		CHECK(p.rcode == 0 && prove(&p, NODATA, q, RR_A) == S);
		CHECK(prove(&p, NX, q, RR_A) == NP);
		qn_text(q, sizeof(q), "a.b.w", zones[z]);
		take(&p, zones[z], q, RR_A);
		CHECK(p.labels == 3 && prove(&p, WILD, q, RR_A) != NP);
		p.labels = 2;
		CHECK(prove(&p, WILD, q, RR_A) == NP);
		p.labels = 4;
		CHECK(prove(&p, WILD, q, RR_A) == NP);
		p.labels = 5;   /* as many as the name: no wildcard */
		CHECK(prove(&p, WILD, q, RR_A) == NP);
		/* the wildcard's own name: no expansion to prove */
		qn_text(q, sizeof(q), "*.w", zones[z]);
		take(&p, zones[z], q, RR_A);
		CHECK(p.labels == 3 && p.n == 0);
		CHECK(prove(&p, WILD, q, RR_A) == S && bud.hashed == 0);
		qn_text(q, sizeof(q), "*.a.b.w", zones[z]);
		CHECK(prove(&p, WILD, q, RR_A) == NP);
	}
}

static int prove_with(const struct proof *p, const char *qname,
		      struct dnssec_budget *b)
{
	uint8_t qn[NAME_MAXLEN];
	struct dnssec_denial d = { .qname = qn, .zone = p->zone,
				   .sets = p->sets, .nsets = p->n };

	name(qn, qname);
	return dnssec_prove_nxdomain(&d, b);
}

/* Byte off of every NSEC3 set's first item set to v (u16 when wide). */
static void poke(struct proof *p, unsigned i, size_t off, unsigned v,
		 bool wide)
{
	uint8_t *rd = p->data[i] + 2;

	if (wide)
		put16(rd + off, (uint16_t)v);
	else
		rd[off] = (uint8_t)v;
}

/* The hash budget: three hashes for a plain NXDOMAIN, one per label
 * for a deep name, a stop at its limit; NSEC hashes nothing. */
static void test_budget(void)
{
	static struct proof p;
	struct dnssec_budget b;
	char deep[NAME_TEXT_MAX] = "";

	take(&p, "nsec3.test.", "nx.nsec3.test.", RR_A);
	CHECK(prove(&p, NX, "nx.nsec3.test.", RR_A) == S);
	CHECK(bud.hashed == 3 && bud.hash_left == DNSSEC_HASH_MAX - 3);
	CHECK(bud.verified == 0 && bud.stopped == 0);
	/* case does not matter to the hashes (RFC 5155 5) */
	CHECK(prove(&p, NX, "NX.nsEC3.TEST.", RR_A) == S);
	dnssec_budget_init(&b);
	b.hash_left = 2;
	CHECK(prove_with(&p, "nx.nsec3.test.", &b) == DNSSEC_BUDGET);
	CHECK(b.hashed == 2 && b.stopped == 1 && b.hash_left == 0);
	/* once spent, spent for the budget's later proofs too */
	CHECK(prove_with(&p, "nx.nsec3.test.", &b) == DNSSEC_BUDGET);
	CHECK(b.stopped == 2 && dnssec_result_ede(DNSSEC_BUDGET) == 6);

	/* n labels "a" above nx.: n + 1 hashes up to the apex, one for
	 * the wildcard (the next closer name's is made already) */
	for (int n = 40; n <= 62; n++) {
		int want = n + 3 <= DNSSEC_HASH_MAX ? S : DNSSEC_BUDGET;

		deep[0] = 0;
		for (int i = 0; i < n; i++)
			strcat(deep, "a.");
		strcat(deep, "nx.nsec3.test.");
		if (n == 40) {
			take(&p, "nsec3.test.", deep, RR_A);
			CHECK(p.rcode == RCODE_NXDOMAIN);
		}
		CHECKF(prove(&p, NX, deep, RR_A) == want, "%d labels", n);
		CHECKF(bud.hashed == (want == S ? (unsigned)n + 3 :
						  DNSSEC_HASH_MAX) &&
			       bud.stopped == (want != S),
		       "%d labels: %u hashes", n, bud.hashed);
	}
	/* NSEC: no hash */
	take(&p, "nsec.test.", "a.b.c.nx.nsec.test.", RR_A);
	CHECK(prove(&p, NX, "a.b.c.nx.nsec.test.", RR_A) == S &&
	      bud.hashed == 0);
}

/* RFC 9276: over 150 iterations insecure, never hashed; 150 proven;
 * unknown hash algorithms insecure, unknown flags ignored. */
static void test_nsec3_params(void)
{
	static struct proof p, x;

	take(&p, "it150.test.", "nx.it150.test.", RR_A);
	CHECK(prove(&p, NX, "nx.it150.test.", RR_A) == S && bud.hashed == 3);
	copy_without(&x, &p, p.n);
	for (unsigned i = 0; i < x.n; i++)
		poke(&x, i, 2, DNSSEC_NSEC3_ITER_MAX + 1, true);
	CHECK(prove(&x, NX, "nx.it150.test.", RR_A) ==
	      DNSSEC_NSEC3_ITERATIONS && bud.hashed == 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) - 1; i++) {
		const struct kcase *c = &cases[i];
		char q[64];

		qn_text(q, sizeof(q), c->q, "it500.test.");
		take(&p, "it500.test.", q, c->qtype);
		CHECKF(prove(&p, c->k, q, c->qtype) ==
			       DNSSEC_NSEC3_ITERATIONS && bud.hashed == 0,
		       "%s", q);
	}
	CHECK(dnssec_result_insecure(DNSSEC_NSEC3_ITERATIONS) &&
	      dnssec_result_ede(DNSSEC_NSEC3_ITERATIONS) == 27);

	take(&p, "nsec3.test.", "nx.nsec3.test.", RR_A);
	CHECK(p.n == 3 && prove(&p, NX, "nx.nsec3.test.", RR_A) == S);
	copy_without(&x, &p, p.n);
	for (unsigned i = 0; i < x.n; i++)
		poke(&x, i, 0, 2, false);
	CHECK(prove(&x, NX, "nx.nsec3.test.", RR_A) ==
	      DNSSEC_NSEC3_UNSUPPORTED && bud.hashed == 0);
	CHECK(dnssec_result_insecure(DNSSEC_NSEC3_UNSUPPORTED) &&
	      !dnssec_result_insecure(DNSSEC_NO_PROOF) &&
	      dnssec_result_ede(DNSSEC_NO_PROOF) == 12);
	for (unsigned i = 0; i < p.n; i++) {
		/* one record of another algorithm, or of unknown flags:
		 * ignored, and the proof lacks it */
		copy_without(&x, &p, p.n);
		poke(&x, i, 0, 2, false);
		CHECK(prove(&x, NX, "nx.nsec3.test.", RR_A) == NP);
		copy_without(&x, &p, p.n);
		poke(&x, i, 1, 2, false);
		CHECK(prove(&x, NX, "nx.nsec3.test.", RR_A) == NP);
	}
}

static double us_per(struct timespec *t0, unsigned n)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return ((double)(t1.tv_sec - t0->tv_sec) * 1e9 +
		(double)(t1.tv_nsec - t0->tv_nsec)) / 1e3 / n;
}

/* The cost of one NXDOMAIN proof (three hashes for NSEC3) and of one
 * hash at 150 iterations by salt length: printed, for
 * doc/design/dnssec-validation.md; not a check. */
static void measure(void)
{
	static const char *const z[] = { "nsec.test.", "nsec3.test.",
					 "it150.test." };
	static const unsigned salts[] = { 0, 8, 64, 255 };
	static struct proof p;
	struct nsec3_param prm = { .alg = NSEC3_SHA1, .iter = 150 };
	uint8_t h[NSEC3_HASH_LEN], qn[NAME_MAXLEN];
	struct timespec t0;

	for (unsigned i = 0; i < 3; i++) {
		char q[64];
		unsigned n = 2000, ok = 0;

		snprintf(q, sizeof(q), "nx.%s", z[i]);
		take(&p, z[i], q, RR_A);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned k = 0; k < n; k++)
			ok += prove(&p, NX, q, RR_A) == S;
		CHECK(ok == n);
		printf("NXDOMAIN proof, %s: %.2f us\n", z[i], us_per(&t0, n));
	}
	name(qn, "www.example.test.");
	for (unsigned i = 0; i < 4; i++) {
		prm.saltlen = (uint8_t)salts[i];
		memset(prm.salt, 0x55, salts[i]);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (unsigned k = 0; k < 500; k++)
			CHECK(nsec3_hash(h, &prm, qn) == 0);
		printf("NSEC3 hash, 150 iterations, salt %u: %.2f us\n",
		       salts[i], us_per(&t0, 500));
	}
}

int main(void)
{
	auth_conf_init(&conf);
	db = zonedb_new();
	load("nsec.test.");
	load("nsec3.test.");
	load("optout.test.");
	load("it150.test.");
	load("it500.test.");
	test_cases();
	test_bitmaps();
	test_cuts();
	test_ent_wildcard();
	test_budget();
	test_nsec3_params();
	measure();
	printf("%u NSEC/NSEC3 sets verified\n", sets_verified);
	zonedb_free(db);
	return check_done();
}
