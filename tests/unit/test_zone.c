/* Unit tests for src/zone: the builder (canonical order, duplicates,
 * TTL harmonising, out-of-zone data, lookups) and the semantic checks. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wire/name.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zparse/zparse.h"

struct diags {
	int n[3];
	char last[512];
};

static void on_diag(void *ctx, const char *file, unsigned line,
		    enum zone_level level, const char *msg)
{
	struct diags *d = ctx;

	(void)file;
	(void)line;
	d->n[level]++;
	snprintf(d->last, sizeof(d->last), "%s", msg);
}

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static const char head[] =
	"$TTL 300\n"
	"@ SOA ns1 host 1 2 3 4 5\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.1\n";

static uint8_t origin[NAME_MAXLEN];

/* Parses head + body into z; returns the parser's error count. */
static int load(struct zone *z, struct diags *d, const char *body)
{
	char text[8192];
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr, .ctx = z };

	snprintf(text, sizeof(text), "%s%s", head, body);
	memset(d, 0, sizeof(*d));
	zone_init(z, origin, CLASS_IN);
	z->diag = on_diag;
	z->diag_ctx = d;
	int ret = zparse_text(text, strlen(text), "t.zone", &o);
	if (ret == 0)
		zone_finish(z);
	return ret;
}

static const struct zone_rrset *find_set(const struct zone *z,
					 const char *owner, uint16_t type)
{
	uint8_t name[NAME_MAXLEN];

	if (name_from_text(name, owner, strlen(owner), origin) < 0)
		return NULL;
	return zone_node_rrset(z, zone_find(z, name), type);
}

static void test_key_order(void)
{
	static const char *names[] = {
		"example.", "a.example.", "yljkjljk.a.example.",
		"Z.a.example.", "zABC.a.EXAMPLE.", "z.example.",
		"\\001.z.example.", "*.z.example.", "\\200.z.example.",
	};
	size_t n = sizeof(names) / sizeof(names[0]);
	uint8_t w[16][NAME_MAXLEN], k1[ZONE_KEY_MAX], k2[ZONE_KEY_MAX];

	for (size_t i = 0; i < n; i++)
		CHECK(name_from_text(w[i], names[i], strlen(names[i]),
				     NULL) > 0);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			size_t l1 = zone_name_key(k1, w[i]);
			size_t l2 = zone_name_key(k2, w[j]);
			int c = memcmp(k1, k2, l1 < l2 ? l1 : l2);
			if (!c)
				c = l1 < l2 ? -1 : l1 > l2;
			int e = name_compare(w[i], w[j]);
			CHECKF((c < 0) == (e < 0) && (c > 0) == (e > 0),
			       "%s vs %s", names[i], names[j]);
			CHECKF((i < j) == (c < 0), "%s before %s", names[i],
			       names[j]);
		}
	}
}

static void test_builder(void)
{
	struct zone z;
	struct diags d;

	CHECK(load(&z, &d, "b 100 A 192.0.2.2\n"
			   "a A 192.0.2.9\n"
			   "b 200 A 192.0.2.1\n"
			   "b 300 A 192.0.2.2\n"
			   "B TXT \"x\"\n"
			   "m MX 10 MAIL\n"
			   "m MX 10 mail\n"
			   "out.example.org. A 192.0.2.1\n") == 0);
	CHECK(z.nrr == 8);
	CHECK(z.dropped == 3);          /* two duplicates, one out of zone */
	/* b 300 in the run of b 200, b mismatch, out-of-zone */
	CHECK(d.n[ZONE_WARN] == 3);
	const struct zone_rrset *s = find_set(&z, "b", RR_A);
	CHECK(s && s->count == 2 && s->ttl == 200);
	/* RRs inside a set in canonical RDATA order. */
	CHECK(s && z.rrs[s->first]->rdata[3] == 1);
	s = find_set(&z, "B", RR_TXT);
	CHECK(s && s->owner[1] == 'B');
	s = find_set(&z, "m", RR_MX);
	CHECK(s && s->count == 1 && z.rrs[s->first]->rdata[3] == 'm');
	/* Nodes and sets in canonical order: apex first, SOA before NS?
	 * No: by type code, NS (2) before SOA (6). */
	CHECK(z.nnodes == 5);
	CHECK(z.nodes[0].owner[0] == 7);
	CHECK(z.sets[0].type == RR_NS && z.sets[1].type == RR_SOA);
	CHECK(z.nodes[1].owner[1] == 'a');
	CHECK(find_set(&z, "nothere", RR_A) == NULL);
	zone_clear(&z);
}

/* BIND's batches: first TTL inside one owner run, the last run's when
 * runs merge;
 * signatures timed per type covered. */
static void test_ttl_runs(void)
{
	struct zone z;
	struct diags d;

	CHECK(load(&z, &d, "a 200 A 192.0.2.1\n"
			   "a 100 A 192.0.2.2\n"
			   "a 300 TXT t\n"
			   "A 10 A 192.0.2.4\n"
			   "b A 192.0.2.1\n"
			   "a 50 A 192.0.2.3\n"
			   "a 400 TXT u\n"
			   "c 300 RRSIG A 8 2 300 20240201000000 "
			   "20240101000000 1 example. AAAA\n"
			   "c 600 RRSIG MX 8 2 600 20240201000000 "
			   "20240101000000 1 example. AAAA\n") == 0);
	const struct zone_rrset *s = find_set(&z, "a", RR_A);
	CHECK(s && s->ttl == 50 && s->count == 4);
	s = find_set(&z, "a", RR_TXT);
	CHECK(s && s->ttl == 400);
	/* in-run; "A" starts its own run; A and TXT mismatch */
	CHECK(d.n[ZONE_WARN] == 3);
	CHECK(z.nsets == 2 + 1 + 2 + 1 + 2);
	bool sig300 = false, sig600 = false;
	for (size_t i = 0; i < z.nsets; i++) {
		if (z.sets[i].type != RR_RRSIG)
			continue;
		sig300 |= z.sets[i].ttl == 300 && z.sets[i].count == 1;
		sig600 |= z.sets[i].ttl == 600 && z.sets[i].count == 1;
	}
	CHECK(sig300 && sig600);
	zone_clear(&z);
}

/* An RRset over 65512 octets (2 per RR included) is refused. */
static void test_oversize(void)
{
	struct zone z;
	struct diags d = { 0 };
	bool refuse = false;
	uint8_t rd[4] = { 10, 0, 0, 0 };
	struct zrr rr = { .owner = origin, .type = RR_A, .rclass = CLASS_IN,
			  .ttl = 60, .rdata = rd, .rdlen = 4, .file = "m",
			  .line = 1 };

	zone_init(&z, origin, 0);
	z.diag = on_diag;
	z.diag_ctx = &d;
	for (int i = 0; i < 10919; i++) {
		rd[2] = (uint8_t)(i >> 8);
		rd[3] = (uint8_t)i;
		zone_add(&z, &rr);
	}
	CHECK(zone_finish(&z) == 0);
	zone_check(&z, &refuse);
	CHECK(refuse && z.refused == 1);
	zone_clear(&z);
}

static void test_lookup(void)
{
	struct zone z;
	struct diags d;
	uint8_t name[NAME_MAXLEN];
	bool wild;

	CHECK(load(&z, &d, "*.w A 192.0.2.1\n"
			   "x.ent.w TXT x\n"
			   "m.w TXT m\n") == 0);
	const struct zone_node *star = zone_find(&z, (const uint8_t *)
						 "\1*\1w\7example");
	CHECK(star != NULL);
	static const struct {
		const char *name;
		int want;               /* 0 none, 1 exact, 2 wildcard */
	} cases[] = {
		{ "a.w", 2 }, { "b.a.w", 2 }, { "m.w", 1 }, { "a.m.w", 0 },
		{ "ent.w", 0 }, { "y.ent.w", 0 }, { "x.ent.w", 1 },
		{ "w", 0 }, { "example.org.", 0 }, { "*.w", 1 },
		{ "B.A.W", 2 }, { "X.Ent.W", 1 }, { "Y.ENT.w", 0 },
		{ "a.w.EXAMPLE.", 2 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *t = cases[i].name;
		name_from_text(name, t, strlen(t), origin);
		const struct zone_node *n = zone_lookup(&z, name, &wild);
		int got = !n ? 0 : wild ? 2 : 1;
		CHECKF(got == cases[i].want && (got != 2 || n == star),
		       "%s: got %d", t, got);
	}
	zone_clear(&z);
}

static void test_empty(void)
{
	struct zone z;
	bool refuse = false;
	struct diags d = { 0 };

	zone_init(&z, origin, 0);
	z.diag = on_diag;
	z.diag_ctx = &d;
	CHECK(zone_finish(&z) == 0);
	CHECK(z.nrr == 0 && z.nnodes == 0);
	CHECK(zone_check(&z, &refuse) == 2 && refuse);
	zone_clear(&z);
}

/* A SHA-256 sized digest, hex. */
#define DIG256 "11111111111111111111111111111111" \
	       "11111111111111111111111111111111"

/* An NSEC3 hashed owner label. */
#define HASH "2vptu5timamqttgl4luu9kg21e0aor3s"

/* Makes the zone count as signed for Knot's NSEC checks. */
#define SIGNED "@ DNSKEY 257 3 8 AA==\n" \
	"@ RRSIG SOA 8 1 300 20300101000000 20200101000000 1 example. AA==\n"

struct check_case {
	const char *body;
	int refuse, err, warn;          /* counts of each level */
};

static const struct check_case cases[] = {
	{ "", 0, 0, 0 },
	{ "w CNAME ns1\nw A 192.0.2.1\n", 1, 0, 0 },
	{ "w CNAME ns1\nw CNAME ns2\n", 1, 0, 0 },
	{ "w CNAME ns1\nw NSEC ns1 CNAME RRSIG NSEC\n", 0, 0, 0 },
	{ "w CNAME ns1\nw KEY 256 3 8 AwEAAQ==\n", 0, 1, 0 },
	{ "d DNAME x.net.\nd DNAME y.net.\n", 1, 0, 0 },
	{ "d DNAME x.net.\ny.d A 192.0.2.1\nz.y.d A 192.0.2.1\n", 0, 2, 0 },
	{ "s SOA ns1 h 1 2 3 4 5\n", 1, 0, 0 },
	{ "@ SOA ns2 h 1 2 3 4 5\n", 1, 0, 0 },
	{ "@ NS ns3\n", 1, 0, 0 },
	{ "@ NS ns3\nns3 CNAME ns1\n", 1, 0, 0 },
	{ "@ NS ns.example.net.\n", 0, 0, 0 },
	{ "s NS ns.s\ns NS ns.other.net.\n", 0, 1, 0 },
	{ "s NS ns.s\nns.s AAAA 2001:db8::1\n", 0, 0, 0 },
	{ "s NS nohost\n", 0, 1, 0 },
	{ "@ MX 10 nohost\n@ MX 20 c\nc CNAME ns1\n@ MX 0 .\n", 0, 0, 2 },
	{ "s SRV 0 0 1 nohost\ns SRV 0 0 1 ns1\n", 0, 0, 1 },
	{ "a_b A 192.0.2.1\n", 0, 1, 0 },
	{ "-a A 192.0.2.1\na- A 192.0.2.1\n1a A 192.0.2.1\n", 0, 2, 0 },
	{ "a-b A 192.0.2.1\nX--Y9.z A 192.0.2.1\nq A 192.0.2.1\n"
	  "- A 192.0.2.1\nb.- A 192.0.2.1\nc.\\. A 192.0.2.1\n", 0, 3, 0 },
	{ "*.w A 192.0.2.1\n_s._tcp SRV 0 0 1 ns1\nt_x TXT x\n", 0, 0, 0 },
	{ "x.*.w TXT x\n", 0, 0, 1 },
	{ "@ MX 10 c_d\nr RP a_b.example. t\n"
	  "r2 RP a.b_c.example. t\n", 0, 2, 1 },
	{ "a 100 A 192.0.2.1\na 200 A 192.0.2.2\n", 0, 0, 1 },
	{ "@ NS ns3.w\n*.w A 192.0.2.1\n", 0, 0, 0 },
	{ "@ MX 1 m.w\n*.w A 192.0.2.1\ns NS x.w\n", 0, 0, 0 },
	{ "@ MX 1 a.m.w\n*.w A 192.0.2.1\nm.w TXT x\n", 0, 0, 1 },
	{ "@ MX 1 m.w\n*.w A 192.0.2.1\nx.m.w TXT x\n", 0, 0, 1 },
	{ "s NS ns.s\n*.s A 192.0.2.1\n", 0, 0, 1 },
	{ "*.x NS ns1\n", 1, 0, 0 },
	{ "d DNAME x.net.\n@ MX 1 m.d\ns NS n.d\n", 0, 1, 1 },
	{ "d DNAME x.net.\n@ NS n.d\n", 1, 0, 0 },
	{ "d DNAME x.net.\nd NS ns1\n", 0, 1, 0 },
	{ "@ CDS 0 0 0 00\n@ CDNSKEY 0 3 0 AA==\n", 0, 0, 0 },
	{ "@ CDS 1 8 2 " DIG256 "\n", 1, 0, 0 },
	{ "@ DNSKEY 257 3 8 AA==\n@ CDS 1 8 2 " DIG256 "\n"
	  "@ CDNSKEY 256 3 8 AA==\n",
	  0, 0, 0 },
	{ "@ DNSKEY 257 3 8 AA==\n@ CDNSKEY 257 3 13 AA==\n", 1, 0, 0 },
	{ "@ NSEC3PARAM 2 0 0 -\n", 1, 1, 0 },
	{ "@ NSEC3PARAM 2 0 0 -\n@ NSEC3PARAM 1 0 151 -\n", 0, 2, 1 },
	{ "@ NSEC3PARAM 1 0 151 -\n", 0, 0, 1 },
	{ SIGNED "@ NSEC ns1 NS SOA RRSIG NSEC DNSKEY\n"
	  "ns1 NSEC example. A NSEC\n", 0, 0, 0 },
	{ SIGNED "@ NSEC ns1 NS SOA RRSIG NSEC DNSKEY\n"
	  "ns1 NSEC example. A\n", 0, 1, 0 },
	{ SIGNED "@ NSEC ns1 NS SOA RRSIG NSEC DNSKEY\n"
	  "ns1 NSEC x A NSEC\nx TXT x\n", 0, 1, 0 },
	{ SIGNED "@ NSEC3PARAM 1 0 0 -\n", 0, 0, 0 },
	{ "x NSEC3 1 0 0 - " HASH " A\n"
	  HASH " NSEC3 1 0 0 - " HASH " A\n"
	  "co NSEC3 1 0 0 - " HASH " A\n"
	  "co1 NSEC3 1 0 0 - " HASH " A\n", 0, 2, 0 },
};

static void test_checks(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct check_case *c = &cases[i];
		struct zone z;
		struct diags d;
		bool refuse;

		CHECKF(load(&z, &d, c->body) == 0, "case %zu", i);
		int errors = zone_check(&z, &refuse);
		CHECKF(d.n[ZONE_REFUSE] == c->refuse && d.n[ZONE_ERR] == c->err
		       && d.n[ZONE_WARN] == c->warn,
		       "case %zu: got %d/%d/%d, last: %s", i, d.n[ZONE_REFUSE],
		       d.n[ZONE_ERR], d.n[ZONE_WARN], d.last);
		CHECKF(errors == c->refuse + c->err && refuse == !!c->refuse,
		       "case %zu", i);
		/* quiet: the same errors, no warnings at all */
		memset(d.n, 0, sizeof(d.n));
		z.no_warnings = true;
		errors = zone_check(&z, &refuse);
		CHECKF(d.n[ZONE_REFUSE] == c->refuse && d.n[ZONE_ERR] == c->err
		       && d.n[ZONE_WARN] == 0 && errors == c->refuse + c->err
		       && refuse == !!c->refuse, "case %zu quiet", i);
		zone_clear(&z);
	}
}

static void test_no_ns_no_soa(void)
{
	struct zone z;
	struct diags d;
	bool refuse;
	char text[] = "$TTL 300\nns1 A 192.0.2.1\n";
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr, .ctx = &z };

	zone_init(&z, origin, 0);
	memset(&d, 0, sizeof(d));
	z.diag = on_diag;
	z.diag_ctx = &d;
	CHECK(zparse_text(text, strlen(text), "t.zone", &o) == 0);
	CHECK(zone_finish(&z) == 0);
	CHECK(zone_check(&z, &refuse) == 2 && refuse);
	zone_clear(&z);
}

/* Many records: the sort must keep every RRset together. */
static void test_many(void)
{
	struct zone z;
	struct diags d = { 0 };
	uint8_t owner[NAME_MAXLEN], rd[4] = { 192, 0, 2, 0 };
	struct zrr rr = { .owner = owner, .type = RR_A, .rclass = CLASS_IN,
			  .ttl = 60, .rdata = rd, .rdlen = 4, .file = "m",
			  .line = 1 };
	char text[32];
	bool added = true;

	zone_init(&z, origin, 0);
	z.diag = on_diag;
	z.diag_ctx = &d;
	srand(1);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(text, sizeof(text), "h%d", rand() % 5000);
		name_from_text(owner, text, (size_t)n, origin);
		rd[3] = (uint8_t)(rand() % 4);
		if (zone_add(&z, &rr) < 0)
			added = false;
	}
	CHECK(added);
	CHECK(zone_finish(&z) == 0);
	CHECK(z.nsets == z.nnodes);
	bool sorted = true;
	for (size_t i = 1; i < z.nnodes; i++)
		if (name_compare(z.nodes[i - 1].owner, z.nodes[i].owner) >= 0)
			sorted = false;
	CHECK(sorted);
	CHECK(z.nrr + z.dropped == 20000);
	zone_clear(&z);
}

/* Owners whose sort keys share their first 8 octets, and RRsets of up
 * to 20 RRs: the radix pass leaves long runs for the full comparison. */
static void test_many_shared_prefix(void)
{
	struct zone z;
	struct diags d = { 0 };
	uint8_t owner[NAME_MAXLEN], rd[4] = { 192, 0, 2, 0 };
	struct zrr rr = { .owner = owner, .type = RR_A, .rclass = CLASS_IN,
			  .ttl = 60, .rdata = rd, .rdlen = 4, .file = "m",
			  .line = 1 };
	char text[48];
	bool added = true, sorted = true;

	zone_init(&z, origin, 0);
	z.diag = on_diag;
	z.diag_ctx = &d;
	srand(2);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(text, sizeof(text), "x.sharedprefix%d",
				 rand() % 300);
		name_from_text(owner, text + (i & 1) * 2,
			       (size_t)n - (i & 1) * 2, origin);
		rd[3] = (uint8_t)(rand() % 20);
		if (zone_add(&z, &rr) < 0)
			added = false;
	}
	CHECK(added);
	CHECK(zone_finish(&z) == 0);
	CHECK(z.nsets == z.nnodes);
	for (size_t i = 1; i < z.nnodes; i++)
		if (name_compare(z.nodes[i - 1].owner, z.nodes[i].owner) >= 0)
			sorted = false;
	for (size_t i = 0; i < z.nsets; i++)
		for (uint32_t j = 1; j < z.sets[i].count; j++) {
			const struct zone_rr *a = z.rrs[z.sets[i].first + j - 1];
			const struct zone_rr *b = z.rrs[z.sets[i].first + j];
			if (memcmp(a->rdata, b->rdata, 4) >= 0)
				sorted = false;
		}
	CHECK(sorted);
	CHECK(z.nrr + z.dropped == 20000);
	zone_clear(&z);
}

/* MX targets that differ in case and in octets around the letters
 * ('@', '[', '_', '`', '{'): inside each RRset the RRs must come in
 * rdata_compare() order with no two equal, and owners spelt like the
 * origin but outside it must go. */
static void test_rdata_order(void)
{
	static const char alpha[] = "aAbB@[_`{zZ";
	struct zone z;
	struct diags d = { 0 };
	uint8_t owner[NAME_MAXLEN], rd[2 + NAME_MAXLEN];
	struct zrr rr = { .owner = owner, .type = RR_MX, .rclass = CLASS_IN,
			  .ttl = 60, .rdata = rd, .file = "o", .line = 1 };
	char text[32];
	bool ok = true;

	zone_init(&z, origin, 0);
	z.diag = on_diag;
	z.diag_ctx = &d;
	srand(3);
	for (int i = 0; i < 4000; i++) {
		int n = snprintf(text, sizeof(text), "o%d", rand() % 50);
		name_from_text(owner, text, (size_t)n, origin);
		rd[0] = 0;
		rd[1] = 10;
		for (int k = 0; k < 3; k++)
			text[k] = alpha[rand() % (sizeof(alpha) - 1)];
		n = name_from_text(rd + 2, text, 3, origin);
		rr.rdlen = (uint16_t)(n + 2);
		ok &= n > 0 && zone_add(&z, &rr) == 0;
	}
	static const char *outside[] = { "xexample.", "example.org.", "." };
	for (size_t i = 0; i < 3; i++) {
		name_from_text(owner, outside[i], strlen(outside[i]), NULL);
		ok &= zone_add(&z, &rr) == 0;
	}
	name_from_text(owner, "o1.EXAMPLE.", 11, NULL);
	ok &= zone_add(&z, &rr) == 0;
	CHECK(ok);
	CHECK(zone_finish(&z) == 0);
	CHECK(z.nrr + z.dropped == 4004);
	CHECK(d.n[ZONE_WARN] >= 3);
	for (size_t i = 0; i < z.nsets; i++)
		for (uint32_t j = 1; j < z.sets[i].count; j++) {
			const struct zone_rr *a = z.rrs[z.sets[i].first + j - 1];
			const struct zone_rr *b = z.rrs[z.sets[i].first + j];
			if (rdata_compare(RR_MX, a->rdata, a->rdlen, b->rdata,
					  b->rdlen) >= 0)
				ok = false;
		}
	CHECK(ok);
	CHECK(z.nnodes == 50);
	zone_clear(&z);
}

/* The owner rule also holds the origin's labels to it (the checks
 * decide those once), and a wildcard apex label passes only in front. */
static void test_origin_not_host(void)
{
	static const char text[] = "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n"
				   "@ NS ns1\nns1 A 192.0.2.1\n@ A 192.0.2.2\n"
				   "*.x A 192.0.2.3\n";
	struct zone z;
	struct diags d = { 0 };
	uint8_t o[NAME_MAXLEN];
	struct zparse_opts opt = { .origin = o, .on_rr = on_rr, .ctx = &z };
	bool refuse;

	name_from_text(o, "a_b.example.", 12, NULL);
	zone_init(&z, o, CLASS_IN);
	z.diag = on_diag;
	z.diag_ctx = &d;
	CHECK(zparse_text(text, strlen(text), "o.zone", &opt) == 0);
	CHECK(zone_finish(&z) == 0);
	/* owners ns1, the apex and *.x; the SOA's two names, the NS target */
	int e1 = zone_check(&z, &refuse);
	CHECKF(e1 == 6 && d.n[ZONE_ERR] == 6, "%d: %s", e1, d.last);
	zone_clear(&z);
	name_from_text(o, "*.example.", 10, NULL);
	memset(&d, 0, sizeof(d));
	zone_init(&z, o, CLASS_IN);
	z.diag = on_diag;
	z.diag_ctx = &d;
	CHECK(zparse_text(text, strlen(text), "o.zone", &opt) == 0);
	CHECK(zone_finish(&z) == 0);
	/* the apex owner passes (leading *), ns1 and *.x do not; the SOA's
	 * names and the NS target neither; NS at a wildcard is refused */
	int e2 = zone_check(&z, &refuse);
	CHECKF(e2 == 6 && d.n[ZONE_ERR] == 5 && refuse, "%d: %s", e2, d.last);
	zone_clear(&z);
}

int main(void)
{
	name_from_text(origin, "example.", 8, NULL);
	test_key_order();
	test_builder();
	test_ttl_runs();
	test_oversize();
	test_lookup();
	test_empty();
	test_checks();
	test_no_ns_no_soa();
	test_many();
	test_many_shared_prefix();
	test_rdata_order();
	test_origin_not_host();
	return check_done();
}
