/* Unit tests for DNSSEC verification (src/dnssec: canon.c, dnskey.c,
 * sigcheck.c, verify.c, ds.c) on zones BIND's dnssec-signzone signed
 * (tests/data/dnssec/verify, remade by its mk.sh): every RRSIG of every
 * algorithm verifies; one bit changed in a signature, the data or a key
 * makes it bogus; case and order do not matter where RFC 4034 6 says so;
 * dates by the now argument; key tags and DS digests as BIND's tools
 * wrote them; the budget stops key-tag collisions and RRSIG floods;
 * trust anchors; and a chain of trust from the root anchor down a
 * signed hierarchy (tests/data/dnssec/chain) with a zone of each failure:
 * expired, a DS of a key the zone lacks, a bad signature, no DS. */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "dnssec/anchor.h"
#include "dnssec/denial.h"
#include "dnssec/dnssec.h"
#include "dnssec/dnssec_int.h"
#include "wire/buf.h"
#include "wire/name.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

#define DIR TEST_DATA_DIR "/dnssec/verify/"
#define CHAIN TEST_DATA_DIR "/dnssec/chain/"
#define MAXRR 512
#define NOW 1800000000u         /* 2027-01-15: inside every RRSIG */
#define INCEPTION 1767225600u   /* 2026-01-01 00:00:00 UTC */
#define EXPIRATION 2082758400u  /* 2036-01-01 00:00:00 UTC */

struct rr {
	uint8_t owner[NAME_MAXLEN];
	uint16_t type, rclass;
	uint16_t len;
	uint8_t *rd;
};

static struct rr rrs[MAXRR];
static int nrr;
static uint8_t apex[NAME_MAXLEN];
static unsigned verified[17];           /* RRSIGs verified, per algorithm */

static int on_rr(void *ctx, const struct zrr *z)
{
	struct rr *r = &rrs[nrr];

	(void)ctx;
	if (nrr == MAXRR)
		return BN_ENOSPC;
	memcpy(r->owner, z->owner, name_length(z->owner));
	r->type = z->type;
	r->rclass = z->rclass;
	r->len = z->rdlen;
	r->rd = malloc(z->rdlen + 1u);
	memcpy(r->rd, z->rdata, z->rdlen);
	nrr++;
	return 0;
}

static void unload(void)
{
	for (int i = 0; i < nrr; i++)
		free(rrs[i].rd);
	nrr = 0;
}

static int load_path(const char *path, const char *origin)
{
	struct zparse_opts o = { .origin = apex, .on_rr = on_rr,
				 .default_ttl = 3600, .has_default_ttl = true };

	CHECK(name_from_text(apex, origin, strlen(origin), NULL) > 0);
	return zparse_file(path, &o);
}

static int load(const char *file, const char *origin)
{
	char path[512];

	snprintf(path, sizeof(path), DIR "%s", file);
	return load_path(path, origin);
}

/* A set as the resolver holds it, in its own buffer. */
struct set {
	struct dnssec_rrset s;
	uint8_t owner[NAME_MAXLEN];
	uint8_t data[16384];
};

static uint16_t covered(const struct rr *r)
{
	return r->type == RR_RRSIG && r->len >= 2 ? wire_get_u16(r->rd) : 0;
}

/* The records (owner, type) in file order; type RR_RRSIG with cover
 * non-zero: the RRSIGs covering that type. */
static void collect(struct set *b, const uint8_t *owner, uint16_t type,
		    uint16_t cover)
{
	struct wbuf w;

	memcpy(b->owner, owner, name_length(owner));
	wbuf_init(&w, b->data, sizeof(b->data));
	b->s = (struct dnssec_rrset){ .owner = b->owner, .type = type,
				      .rclass = CLASS_IN };
	for (int i = 0; i < nrr; i++) {
		if (rrs[i].type != type || !name_equal(rrs[i].owner, owner) ||
		    (cover && covered(&rrs[i]) != cover))
			continue;
		CHECK(wbuf_u16(&w, rrs[i].len) == 0);
		CHECK(wbuf_bytes(&w, rrs[i].rd, rrs[i].len) == 0);
		b->s.count++;
	}
	b->s.rdata = b->data;
	b->s.rdata_len = w.len;
}

static struct set keys, set, sigs;      /* work sets of the tests */

/* Item i of a set, writable. */
static uint8_t *item(struct set *b, unsigned i, uint16_t *len)
{
	const uint8_t *rd;

	CHECK(dnssec_rrset_item(&b->s, i, &rd, len) == 0);
	return b->data + (rd - b->data);
}

static int verify(void)
{
	struct dnssec_budget bud;

	dnssec_budget_init(&bud);
	return dnssec_verify_rrset(&set.s, &sigs.s, &keys.s, NOW, &bud, NULL);
}

/* Is (owner, type) the first of its RRset in the file? */
static bool first_of_set(int i)
{
	for (int k = 0; k < i; k++)
		if (rrs[k].type == rrs[i].type &&
		    name_equal(rrs[k].owner, rrs[i].owner))
			return false;
	return true;
}

/* Each RRSIG of the set on its own against the key of its tag. */
static void each_rrsig(uint8_t alg)
{
	struct dnssec_budget bud;
	const uint8_t *k;
	uint16_t klen, slen;

	dnssec_budget_init(&bud);
	for (unsigned i = 0; i < sigs.s.count; i++) {
		uint8_t *s = item(&sigs, i, &slen);
		int found = 0;

		for (unsigned j = 0; j < keys.s.count; j++) {
			CHECK(dnssec_rrset_item(&keys.s, j, &k, &klen) == 0);
			if (dnssec_key_tag(k, klen) != wire_get_u16(s + 16))
				continue;
			found++;
			CHECK(dnssec_verify_one(&set.s, s, slen, apex, k, klen,
						NOW, &bud) == DNSSEC_SECURE);
			verified[alg]++;
			/* One bit of the signature changed. */
			s[slen - 1 - i % 8] ^= 0x01;
			CHECK(dnssec_verify_one(&set.s, s, slen, apex, k, klen,
						NOW, &bud) == DNSSEC_BOGUS);
			s[slen - 1 - i % 8] ^= 0x01;
			dnssec_budget_init(&bud);
		}
		CHECKF(found == 1, "key tag %u", wire_get_u16(s + 16));
	}
}

/* Letters of the RDATA names uppercased in place (a copy of the set). */
static void upper_name(void *ctx, int field, const uint8_t *name)
{
	uint8_t *rd = ctx;

	(void)rd;
	(void)field;
	for (uint8_t *p = (uint8_t *)name; *p; p += 1u + *p)
		for (unsigned i = 1; i <= *p; i++)
			if (p[i] >= 'a' && p[i] <= 'z')
				p[i] = (uint8_t)(p[i] - 32);
}

/* What must and must not change the verification of the set. */
static void mutations(void)
{
	uint16_t len;
	uint8_t *rd = item(&set, 0, &len);
	uint8_t save = set.owner[1];
	int other = DNSSEC_BOGUS;

	/* Another owner: outside the zone for the apex, the same for a
	 * wildcard (what the RRSIG's labels say it expands). */
	if (name_equal(set.owner, apex))
		other = DNSSEC_MALFORMED;
	else if (set.owner[1] == '*')
		other = DNSSEC_SECURE;

	/* One bit of the data: bogus. */
	rd[len - 1] ^= 0x01;
	CHECK(verify() == DNSSEC_BOGUS);
	rd[len - 1] ^= 0x01;
	/* The owner in upper case: the same (6.2). */
	upper_name(NULL, 0, set.owner);
	CHECK(verify() == DNSSEC_SECURE);
	/* Another owner: bogus. */
	set.owner[1] ^= 0x01;
	CHECKF(verify() == other, "owner changed, type %u", set.s.type);
	set.owner[1] = save;
	/* Names in the RDATA in upper case: the same for the types 6.2
	 * lists, bogus for NSEC (RFC 6840 5.1) when its next name has
	 * lower case letters. */
	rdata_foreach_name(set.s.type, rd, len, upper_name, rd);
	if (set.s.type == RR_NSEC)
		CHECK(verify() == DNSSEC_BOGUS);
	else
		CHECK(verify() == DNSSEC_SECURE);
}

/* The records in reverse order, one twice: the same (6.3). */
static void reorder(void)
{
	struct set *copy = malloc(sizeof(*copy));
	struct wbuf w;
	const uint8_t *rd;
	uint16_t len;

	memcpy(copy, &set, sizeof(set));
	copy->s.rdata = copy->data;
	wbuf_init(&w, set.data, sizeof(set.data));
	for (unsigned i = copy->s.count; i-- > 0;) {
		CHECK(dnssec_rrset_item(&copy->s, i, &rd, &len) == 0);
		CHECK(wbuf_u16(&w, len) == 0 && wbuf_bytes(&w, rd, len) == 0);
	}
	CHECK(dnssec_rrset_item(&copy->s, 0, &rd, &len) == 0);
	CHECK(wbuf_u16(&w, len) == 0 && wbuf_bytes(&w, rd, len) == 0);
	set.s.count++;
	set.s.rdata_len = w.len;
	CHECK(verify() == DNSSEC_SECURE);
	free(copy);
}

/* Every RRset of the zone: the signed ones verify (as a set and each
 * RRSIG alone), the unsigned ones are the delegation's. */
static void all_rrsets(uint8_t alg)
{
	int unsigned_sets = 0;

	collect(&keys, apex, RR_DNSKEY, 0);
	CHECK(keys.s.count == 2);
	for (int i = 0; i < nrr; i++) {
		if (rrs[i].type == RR_RRSIG || !first_of_set(i))
			continue;
		collect(&set, rrs[i].owner, rrs[i].type, 0);
		collect(&sigs, rrs[i].owner, RR_RRSIG, rrs[i].type);
		if (!sigs.s.count) {
			unsigned_sets++;
			CHECK(!name_equal(rrs[i].owner, apex));
			continue;
		}
		CHECKF(verify() == DNSSEC_SECURE, "alg %u type %u", alg,
		       rrs[i].type);
		each_rrsig(alg);
		mutations();
		collect(&set, rrs[i].owner, rrs[i].type, 0);
		reorder();
	}
	CHECK(unsigned_sets == 2);      /* sub NS, ns.sub A */
}

/* Dates: the ends are inside; serial arithmetic across 2^32. */
static void times(void)
{
	struct dnssec_rrsig s = { .inception = INCEPTION,
				  .expiration = EXPIRATION };
	struct dnssec_budget bud;
	uint16_t slen;
	uint8_t *rd;

	CHECK(dnssec_check_time(&s, INCEPTION) == DNSSEC_SECURE);
	CHECK(dnssec_check_time(&s, EXPIRATION) == DNSSEC_SECURE);
	CHECK(dnssec_check_time(&s, INCEPTION - 1) == DNSSEC_NOT_YET_VALID);
	CHECK(dnssec_check_time(&s, EXPIRATION + 1) == DNSSEC_EXPIRED);
	s.inception = 0xffffff00u;
	s.expiration = 0x100;
	CHECK(dnssec_check_time(&s, 0) == DNSSEC_SECURE);
	CHECK(dnssec_check_time(&s, 0xffffffffu) == DNSSEC_SECURE);
	CHECK(dnssec_check_time(&s, 0x101) == DNSSEC_EXPIRED);
	CHECK(dnssec_check_time(&s, 0xfffffe00u) == DNSSEC_NOT_YET_VALID);
	s.inception = 0x200;
	CHECK(dnssec_check_time(&s, 0x150) == DNSSEC_MALFORMED);

	/* Through the verifier, on the apex SOA. */
	collect(&set, apex, RR_SOA, 0);
	collect(&sigs, apex, RR_RRSIG, RR_SOA);
	dnssec_budget_init(&bud);
	CHECK(dnssec_verify_rrset(&set.s, &sigs.s, &keys.s, INCEPTION - 1,
				  &bud, NULL) == DNSSEC_NOT_YET_VALID);
	CHECK(dnssec_verify_rrset(&set.s, &sigs.s, &keys.s, EXPIRATION + 1,
				  &bud, NULL) == DNSSEC_EXPIRED);
	CHECK(bud.verified == 0);       /* dates before any signature */
	/* The dates are signed: moved, they no longer verify. */
	rd = item(&sigs, 0, &slen);
	rd[15] ^= 0x01;                 /* inception's last octet */
	CHECK(verify() == DNSSEC_BOGUS);
	rd[15] ^= 0x01;
	CHECK(verify() == DNSSEC_SECURE);
}

/* "zone alg tag kind" lines of keys.txt for this zone: the DNSKEYs'
 * tags as computed equal those dnssec-keygen named the files with. */
static void key_tags(const char *origin, uint16_t *ksk_tag)
{
	FILE *f = fopen(DIR "keys.txt", "r");
	char zone[256], kind[8];
	unsigned alg, tag;
	int found = 0;

	CHECK(f != NULL);
	if (!f)
		return;
	while (fscanf(f, "%255s %u %u %7s", zone, &alg, &tag, kind) == 4) {
		const uint8_t *k;
		uint16_t klen;
		int match = 0;

		if (strcmp(zone, origin))
			continue;
		for (unsigned j = 0; j < keys.s.count; j++) {
			CHECK(dnssec_rrset_item(&keys.s, j, &k, &klen) == 0);
			if (dnssec_key_tag(k, klen) != tag)
				continue;
			match++;
			CHECK(k[3] == alg);
			CHECK(!!(wire_get_u16(k) & DNSKEY_FLAG_SEP) ==
			      !strcmp(kind, "KSK"));
		}
		CHECKF(match == 1, "%s tag %u", origin, tag);
		if (!strcmp(kind, "KSK"))
			*ksk_tag = (uint16_t)tag;
		found++;
	}
	fclose(f);
	CHECK(found == 2);
}

static struct set ds;

/* The DS set of the KSK in SHA-1, SHA-256, SHA-384 (dnssec-dsfromkey). */
static void ds_digests(uint16_t ksk_tag)
{
	static const uint8_t types[] = { 1, 2, 4 }, lens[] = { 20, 32, 48 };
	uint8_t d[DNSSEC_DIGEST_MAX];
	const uint8_t *k = NULL;
	uint16_t klen = 0, len;

	collect(&ds, apex, RR_DS, 0);
	CHECK(ds.s.count == 3);
	CHECK(dnssec_ds_favorite(&ds.s) == DNSSEC_DS_SHA384);
	for (unsigned i = 0; i < ds.s.count && i < 3; i++) {
		uint8_t *rd = item(&ds, i, &len);

		CHECK(wire_get_u16(rd) == ksk_tag && rd[3] == types[i]);
		CHECK(len == 4u + lens[i]);
		for (unsigned j = 0; j < keys.s.count; j++) {
			CHECK(dnssec_rrset_item(&keys.s, j, &k, &klen) == 0);
			CHECK(dnssec_ds_match(rd, len, apex, k, klen) ==
			      (dnssec_key_tag(k, klen) == ksk_tag ?
				       DNSSEC_SECURE : DNSSEC_BOGUS));
			CHECK(dnssec_ds_digest(d, rd[3], apex, k, klen) ==
			      lens[i]);
		}
	}
	CHECK(dnssec_rrset_item(&keys.s, 0, &k, &klen) == 0);
	CHECK(dnssec_ds_digest(d, 3, apex, k, klen) == BN_EINVAL);
	CHECK(dnssec_ds_match(d, 4, apex, k, klen) == BN_ERDATA);
}

/* A DS set of the items of ds in mask (bit i: item i). */
static void ds_subset(struct set *out, unsigned mask)
{
	struct wbuf w;
	const uint8_t *rd;
	uint16_t len;

	*out = ds;
	out->s.owner = out->owner;
	out->s.rdata = out->data;
	out->s.count = 0;
	wbuf_init(&w, out->data, sizeof(out->data));
	for (unsigned i = 0; i < ds.s.count; i++) {
		if (!(mask & 1u << i))
			continue;
		CHECK(dnssec_rrset_item(&ds.s, i, &rd, &len) == 0);
		CHECK(wbuf_u16(&w, len) == 0 && wbuf_bytes(&w, rd, len) == 0);
		out->s.count++;
	}
	out->s.rdata_len = w.len;
}

static int chain(const struct set *d)
{
	struct dnssec_budget bud;
	struct dnssec_verdict v;
	int ret;

	dnssec_budget_init(&bud);
	ret = dnssec_verify_dnskeys(&keys.s, &sigs.s, &d->s, NOW, &bud, &v);
	CHECK(v.result == ret);
	return ret;
}

/* The DNSKEY set proven by the DS set, and what breaks the proof. */
static void ds_chain(void)
{
	static struct set d;
	uint16_t len;
	uint8_t *rd;

	collect(&sigs, apex, RR_RRSIG, RR_DNSKEY);
	CHECK(chain(&ds) == DNSSEC_SECURE);
	for (unsigned m = 1; m < 8; m++) {
		ds_subset(&d, m);
		CHECKF(chain(&d) == DNSSEC_SECURE, "DS subset %u", m);
	}
	/* SHA-384 wrong: the SHA-1 and SHA-256 DS beside it do not count
	 * (one digest type, the strongest). */
	ds_subset(&d, 7);
	rd = item(&d, 2, &len);
	rd[len - 1] ^= 0x01;
	CHECK(chain(&d) == DNSSEC_BOGUS);
	ds_subset(&d, 3);               /* SHA-1 and SHA-256 only */
	rd = item(&d, 1, &len);
	rd[len - 1] ^= 0x01;
	CHECK(chain(&d) == DNSSEC_BOGUS);
	ds_subset(&d, 1);
	rd = item(&d, 0, &len);
	rd[3] = 3;                      /* GOST: not implemented */
	CHECK(dnssec_ds_favorite(&d.s) == 0);
	CHECK(chain(&d) == DNSSEC_UNSUPPORTED_DIGEST);
	rd[2] = 7;                      /* RSASHA1-NSEC3-SHA1 either */
	CHECK(chain(&d) == DNSSEC_UNSUPPORTED);
	ds_subset(&d, 2);
	rd = item(&d, 0, &len);
	rd[0] ^= 0x40;                  /* a key tag no key has */
	CHECK(chain(&d) == DNSSEC_NO_KEY);
	CHECK(dnssec_result_ede(DNSSEC_NO_KEY) == 9);
	/* The DNSKEY set without its RRSIGs. */
	sigs.s.count = 0;
	sigs.s.rdata_len = 0;
	CHECK(chain(&ds) == DNSSEC_NO_RRSIG);
}

/* The key that made the first RRSIG of sigs. */
static const uint8_t *signing_key(uint16_t *klen)
{
	const uint8_t *k, *s;
	uint16_t slen;

	CHECK(dnssec_rrset_item(&sigs.s, 0, &s, &slen) == 0);
	for (unsigned j = 0; j < keys.s.count; j++) {
		CHECK(dnssec_rrset_item(&keys.s, j, &k, klen) == 0);
		if (dnssec_key_tag(k, *klen) == wire_get_u16(s + 16))
			return k;
	}
	CHECK(0);
	return NULL;
}

/* A copy of key with its octets p and p + 2 moved by one each way: a
 * different key, the same tag. */
static int tag_twin(uint8_t *out, const uint8_t *key, uint16_t klen, int n)
{
	memcpy(out, key, klen);
	for (unsigned p = klen - 3; p >= 4; p--) {
		if (out[p] == 255 || out[p + 2] == 0 || n--)
			continue;
		out[p]++;
		out[p + 2]--;
		return 0;
	}
	return -1;
}

static int budget_run(unsigned verify, unsigned tag_keys, unsigned rrsigs,
		      unsigned *done)
{
	struct dnssec_budget bud;
	int ret;

	dnssec_budget_init(&bud);
	bud.verify_left = verify;
	bud.tag_keys_max = tag_keys;
	bud.rrsigs_max = rrsigs;
	ret = dnssec_verify_rrset(&set.s, &sigs.s, &keys.s, NOW, &bud, NULL);
	*done = bud.verified;
	if (ret == DNSSEC_BUDGET)
		CHECK(bud.stopped == 1);
	return ret;
}

/* KeyTrap: six keys of the ZSK's tag before the ZSK itself; ten RRSIGs
 * that do not verify before the one that does. */
static void budget(void)
{
	uint8_t twin[1024], zsk[1024];
	const uint8_t *k;
	struct wbuf w;
	uint16_t klen, slen;
	unsigned done;
	uint8_t *s;

	collect(&set, apex, RR_SOA, 0);
	collect(&sigs, apex, RR_RRSIG, RR_SOA);
	k = signing_key(&klen);
	if (!k || klen > sizeof(twin))
		return;
	memcpy(zsk, k, klen);           /* k points into keys.data */
	wbuf_init(&w, keys.data, sizeof(keys.data));
	keys.s.count = 0;
	s = item(&sigs, 0, &slen);
	for (int n = 0; n < 6; n++) {
		struct dnssec_budget bud;

		CHECK(tag_twin(twin, zsk, klen, n) == 0);
		CHECK(dnssec_key_tag(twin, klen) == dnssec_key_tag(zsk, klen));
		/* Another key of the same tag: bogus, one verification. */
		dnssec_budget_init(&bud);
		CHECK(dnssec_verify_one(&set.s, s, slen, apex, twin, klen, NOW,
					&bud) == DNSSEC_BOGUS);
		CHECK(bud.verified == 1);
		CHECK(wbuf_u16(&w, klen) == 0 && wbuf_bytes(&w, twin, klen) == 0);
		keys.s.count++;
	}
	CHECK(wbuf_u16(&w, klen) == 0 && wbuf_bytes(&w, zsk, klen) == 0);
	keys.s.count++;
	keys.s.rdata_len = w.len;
	CHECK(budget_run(100, 4, 8, &done) == DNSSEC_BUDGET && done == 4);
	CHECKF(budget_run(100, 7, 8, &done) == DNSSEC_SECURE && done == 7,
	       "%d %u", budget_run(100, 7, 8, &done), done);
	CHECK(budget_run(3, 100, 8, &done) == DNSSEC_BUDGET && done == 3);
	CHECK(budget_run(0, 100, 8, &done) == DNSSEC_BUDGET && done == 0);
	CHECK(budget_run(100, 6, 8, &done) == DNSSEC_BUDGET && done == 6);

	/* Ten RRSIGs with a bad signature first, then the good one, with
	 * the ZSK alone. */
	collect(&keys, apex, RR_DNSKEY, 0);
	s = item(&sigs, 0, &slen);
	memcpy(twin, s, slen);
	wbuf_init(&w, sigs.data, sizeof(sigs.data));
	for (int n = 0; n < 10; n++) {
		twin[slen - 1 - n] ^= 0x01;
		CHECK(wbuf_u16(&w, slen) == 0 && wbuf_bytes(&w, twin, slen) == 0);
		twin[slen - 1 - n] ^= 0x01;
	}
	CHECK(wbuf_u16(&w, slen) == 0 && wbuf_bytes(&w, twin, slen) == 0);
	sigs.s.count = 11;
	sigs.s.rdata_len = w.len;
	CHECK(budget_run(100, 4, 8, &done) == DNSSEC_BUDGET && done == 8);
	CHECK(budget_run(100, 4, 11, &done) == DNSSEC_SECURE && done == 11);
	CHECK(budget_run(5, 4, 11, &done) == DNSSEC_BUDGET && done == 5);
}

/* RRSIG fields that cannot be right, and algorithms not implemented. */
static void malformed(void)
{
	static const uint8_t other[] = "\5other\4test";
	struct dnssec_budget bud;
	const uint8_t *k;
	uint16_t klen, slen;
	uint8_t *s, save;

	collect(&keys, apex, RR_DNSKEY, 0);
	collect(&set, apex, RR_SOA, 0);
	collect(&sigs, apex, RR_RRSIG, RR_SOA);
	k = signing_key(&klen);
	s = item(&sigs, 0, &slen);
	dnssec_budget_init(&bud);
	CHECK(dnssec_verify_one(&set.s, s, slen, other, k, klen, NOW, &bud) ==
	      DNSSEC_NO_KEY);
	save = s[3];
	s[3] = (uint8_t)(name_labels(apex) + 1);        /* labels */
	CHECK(verify() == DNSSEC_MALFORMED);
	s[3] = save;
	s[18 + 1] ^= 0x01;      /* the signer: the owner is not under it */
	CHECK(verify() == DNSSEC_MALFORMED);
	s[18 + 1] ^= 0x01;
	upper_name(NULL, 0, s + 18);   /* the signer's case is not signed */
	CHECK(s[19] >= 'A' && s[19] <= 'Z');
	CHECK(verify() == DNSSEC_SECURE);
	s[1] ^= 0x01;           /* type covered: no longer SOA's */
	CHECKF(verify() == DNSSEC_NO_RRSIG, "%d", verify());
	CHECK(dnssec_result_ede(verify()) == 10);
	s[1] ^= 0x01;
	save = s[2];
	s[2] = 7;               /* RSASHA1-NSEC3-SHA1: insecure */
	CHECK(verify() == DNSSEC_UNSUPPORTED);
	CHECK(dnssec_result_ede(DNSSEC_UNSUPPORTED) == 1);
	s[2] = 253;             /* PRIVATEDNS */
	CHECK(verify() == DNSSEC_UNSUPPORTED);
	s[2] = save;
	CHECK(verify() == DNSSEC_SECURE);
	CHECK(dnssec_verify_one(&set.s, s, 18, apex, k, klen, NOW, &bud) ==
	      DNSSEC_MALFORMED);        /* no signer, no signature */
	CHECK(dnssec_verify_one(&set.s, s, slen, apex, k, 3, NOW, &bud) ==
	      DNSSEC_NO_KEY);
}

/* The wildcard's RRsets as the expansions a server gives. */
static void wildcard(void)
{
	struct dnssec_budget bud;
	struct dnssec_verdict v;
	uint8_t star[NAME_MAXLEN], name[NAME_MAXLEN];
	char text[NAME_TEXT_MAX];

	CHECK(name_to_text(text, sizeof(text), apex) > 0);
	CHECK(name_from_text(star, "*.wild", 6, apex) > 0);
	collect(&sigs, star, RR_RRSIG, RR_TXT);
	CHECK(sigs.s.count == 1);
	CHECK(name_from_text(name, "X.y.wild", 8, apex) > 0);
	collect(&set, star, RR_TXT, 0);
	memcpy(set.owner, name, name_length(name));
	dnssec_budget_init(&bud);
	CHECK(dnssec_verify_rrset(&set.s, &sigs.s, &keys.s, NOW, &bud, &v) ==
	      DNSSEC_SECURE);
	CHECK(v.result == DNSSEC_SECURE);
	CHECK(v.labels == name_labels(apex) + 1);
	CHECK(v.labels < name_labels(name));    /* an expansion */
	CHECK(v.orig_ttl == 3600 && v.expiration == EXPIRATION);
	/* TTLs: as received, capped by the original TTL and the time
	 * left (RFC 4035 5.3.3). */
	CHECK(dnssec_ttl(&v, 300, NOW) == 300);
	CHECK(dnssec_ttl(&v, 86400, NOW) == 3600);
	CHECK(dnssec_ttl(&v, 3600, EXPIRATION - 10) == 10);
	CHECK(dnssec_ttl(&v, 3600, EXPIRATION) == 0);
	CHECK(dnssec_ttl(&v, 3600, EXPIRATION + 10) == 0);
	/* The name of the wildcard's parent is no expansion of it. */
	CHECK(name_from_text(name, "wild", 4, apex) > 0);
	memcpy(set.owner, name, name_length(name));
	CHECK(verify() == DNSSEC_BOGUS);
}

/* The signed data's own edges. */
static void signed_data(void)
{
	struct dnssec_rrsig s;
	uint8_t out[64];
	uint16_t slen;
	const uint8_t *rd;

	collect(&set, apex, RR_SOA, 0);
	collect(&sigs, apex, RR_RRSIG, RR_SOA);
	CHECK(dnssec_rrset_item(&sigs.s, 0, &rd, &slen) == 0);
	CHECK(dnssec_rrset_item(&sigs.s, 1, &rd, &slen) == BN_ERDATA);
	CHECK(dnssec_rrset_item(&sigs.s, 0, &rd, &slen) == 0);
	CHECK(dnssec_rrsig_parse(&s, rd, slen) == 0);
	CHECK(s.covered == RR_SOA && name_equal(s.signer, apex));
	CHECK(dnssec_signed_data(out, sizeof(out), &s, &set.s) == BN_ENOSPC);
	s.labels = (uint8_t)(name_labels(apex) + 1);
	CHECK(dnssec_signed_data(out, sizeof(out), &s, &set.s) == BN_EINVAL);
	CHECK(dnssec_rrsig_parse(&s, rd, 17) == BN_ERDATA);
	CHECK(dnssec_rrsig_parse(&s, rd, 18 + name_length(apex)) ==
	      BN_ERDATA);               /* no signature */
	set.s.rdata_len--;              /* the last item overruns */
	CHECKF(verify() == DNSSEC_MALFORMED, "%d", verify());
}

static void zone(uint8_t alg, const char *denial)
{
	char file[32], origin[64];
	uint16_t ksk_tag = 0;
	int before = (int)verified[alg];

	snprintf(file, sizeof(file), "a%u.signed", alg);
	snprintf(origin, sizeof(origin), "a%u.verify.test.", alg);
	CHECKF(load(file, origin) == 0, "%s", file);
	all_rrsets(alg);
	times();
	key_tags(origin, &ksk_tag);
	snprintf(file, sizeof(file), "a%u.ds", alg);
	CHECKF(load(file, origin) == 0, "%s", file);
	ds_digests(ksk_tag);
	collect(&keys, apex, RR_DNSKEY, 0);
	ds_chain();
	malformed();
	wildcard();
	signed_data();
	budget();
	unload();
	printf("algorithm %u (%s): %d RRSIGs verified\n", alg, denial,
	       (int)verified[alg] - before);
	CHECK(verified[alg] - (unsigned)before >= 20);
}

/* The root KSKs' DNSKEYs as IANA publishes them: the built-in DS
 * records must be their digests. */
static const char root_keys[] =
	". IN DNSKEY 257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3"
	"+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kvArMtNROxVQuCa"
	"SnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLHwVN8efS3rCj/EWgvIWgb9t"
	"arpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOL"
	"YA4/ilBmSVIzuDWfdRUfhHdY6+cn8HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn"
	"6UwNR1AkUTV74bU=\n"
	". IN DNSKEY 257 3 8 AwEAAa96jeuknZlaeSrvyAJj6ZHv28hhOKkx3rLGXVaC6rXTsDc449/c"
	"idltpkyGwCJNnOAlFNKF2jBosZBU5eeHspaQWOmOElZsjICMQMC3aeHbGiShvZsx4wMYS"
	"jH8e7Vrhbu6irwCzVBApESjbUdpWWmEnhathWu1jo+siFUiRAAxm9qyJNg/wOZqqzL/dL"
	"/q8PkcRU5oUKEpUge71M3ej2/7CPqpdVwuMoTvoB+ZOT4YeGyxMvHmbrxlFzGOHOijtzN"
	"+u1TQNatX2XBuzZNQ1K+s2CXkPIZo7s6JgZyvaBevYtxPvYLw4z9mR7K2vaF18UYH9Z9G"
	"NUUeayffKC73PYc=\n";

static void root_anchors(void)
{
	struct dnssec_anchors as = { 0 };
	const uint8_t *ds, *k;
	uint16_t dlen, klen;
	char err[256];

	CHECK(dnssec_anchors_add_text(&as, dnssec_root_anchors,
				      strlen(dnssec_root_anchors), "builtin",
				      err) == 0);
	CHECK(as.n == 1 && as.a[0].zone[0] == 0);
	CHECK(as.a[0].ds.count == 2 && as.a[0].dnskey.count == 0);
	CHECK(dnssec_anchors_add_text(&as, root_keys, strlen(root_keys),
				      "keys", err) == 0);
	CHECK(as.n == 2 && as.a[1].dnskey.count == 2);
	for (unsigned i = 0; i < 2; i++) {
		static const uint16_t tags[] = { 20326, 38696 };

		CHECK(dnssec_rrset_item(&as.a[0].ds, i, &ds, &dlen) == 0);
		CHECK(dnssec_rrset_item(&as.a[1].dnskey, i, &k, &klen) == 0);
		CHECK(dnssec_key_tag(k, klen) == tags[i]);
		CHECK(dnssec_ds_match(ds, dlen, as.a[0].zone, k, klen) ==
		      DNSSEC_SECURE);
		CHECK(dnssec_ds_match(ds, dlen, as.a[0].zone, k, klen - 1) ==
		      DNSSEC_BOGUS);
	}
	dnssec_anchors_clear(&as);
	CHECK(as.n == 0 && as.a == NULL);
}

/* Anchors of the test zones: a8 by its DS records (the first of
 * a8.ds), a13 by its KSK's DNSKEY. */
static void zone_anchors(void)
{
	static const char bad[] = "a8.verify.test. IN DS 1 2 3 zz\n";
	static const char none[] = "a8.verify.test. IN A 192.0.2.1\n";
	struct dnssec_anchors as = { 0 };
	struct dnssec_budget bud;
	char text[8192], err[256], line[2048];
	uint8_t name[NAME_MAXLEN];
	FILE *f;
	size_t len = 0;

	f = fopen(DIR "a8.ds", "r");
	CHECK(f && fgets(line, sizeof(line), f));
	if (f)
		fclose(f);
	len += (size_t)snprintf(text + len, sizeof(text) - len, "%s", line);
	f = fopen(DIR "a13.signed", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "DNSKEY\t257 3 13 ("))
			break;
	/* The key spans the lines up to ")". */
	len += (size_t)snprintf(text + len, sizeof(text) - len,
				"a13.verify.test. 3600 IN %s",
				strstr(line, "DNSKEY"));
	while (f && fgets(line, sizeof(line), f) && len < sizeof(text)) {
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s",
					line);
		if (strchr(line, ')'))
			break;
	}
	if (f)
		fclose(f);
	CHECKF(dnssec_anchors_add_text(&as, text, len, "zones", err) == 0,
	       "%s", err);
	CHECK(as.n == 2);
	/* the sets' owners are their anchor's zone, wherever the array
	 * moved when it grew (a DS of 12 zones in one text) */
	for (size_t i = 0; i < as.n; i++)
		CHECK(as.a[i].ds.owner == as.a[i].zone &&
		      as.a[i].dnskey.owner == as.a[i].zone);
	CHECK(name_from_text(name, "X.Mail.a8.verify.test.", 22, NULL) > 0);
	CHECK(dnssec_anchors_find(&as, name) == &as.a[0]);
	CHECK(name_from_text(name, "a13.verify.test.", 16, NULL) > 0);
	CHECK(dnssec_anchors_find(&as, name) == &as.a[1]);
	CHECK(name_from_text(name, "verify.test.", 12, NULL) > 0);
	CHECK(dnssec_anchors_find(&as, name) == NULL);
	CHECK(dnssec_anchors_add_text(&as, bad, strlen(bad), "bad", err) ==
	      BN_ESYNTAX);
	CHECKF(strstr(err, "bad:1:") != NULL, "%s", err);
	CHECK(dnssec_anchors_add_text(&as, none, strlen(none), "none", err) ==
	      BN_ENOTFOUND);
	CHECK(as.n == 2);
	len = 0;
	for (int i = 0; i < 12; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"z%d.test. IN DS 1 13 2 %064d\n", i, i);
	CHECKF(dnssec_anchors_add_text(&as, text, len, "many", err) == 0, "%s",
	       err);
	CHECK(as.n == 14);
	for (size_t i = 0; i < as.n; i++)
		CHECK(as.a[i].ds.owner == as.a[i].zone &&
		      as.a[i].dnskey.owner == as.a[i].zone);
	CHECK(name_from_text(name, "www.z11.test.", 13, NULL) > 0);
	CHECK(dnssec_anchors_find(&as, name) == &as.a[13]);

	for (int z = 0; z < 2; z++) {
		CHECK(load(z ? "a13.signed" : "a8.signed",
			   z ? "a13.verify.test." : "a8.verify.test.") == 0);
		collect(&keys, apex, RR_DNSKEY, 0);
		collect(&sigs, apex, RR_RRSIG, RR_DNSKEY);
		dnssec_budget_init(&bud);
		CHECK(dnssec_anchor_verify_keys(&as.a[z], &keys.s, &sigs.s,
						NOW, &bud, NULL) ==
		      DNSSEC_SECURE);
		/* The other zone's anchor does not prove these keys. */
		CHECK(dnssec_anchor_verify_keys(&as.a[!z], &keys.s, &sigs.s,
						NOW, &bud, NULL) !=
		      DNSSEC_SECURE);
		unload();
	}
	dnssec_anchors_clear(&as);
}

/* RFC 3110's other exponent form (a zero, then a 2-octet length) reads
 * as the same key; an exponent of 9 octets or a 4097-bit modulus is
 * refused as unsupported, a zero-length exponent as malformed. */
static void rsa_forms(void)
{
	static uint8_t k2[1024];
	EVP_PKEY *a = NULL, *b = NULL;
	const uint8_t *k;
	uint16_t klen;
	size_t elen;

	CHECK(load("a8.signed", "a8.verify.test.") == 0);
	collect(&keys, apex, RR_DNSKEY, 0);
	CHECK(dnssec_rrset_item(&keys.s, 0, &k, &klen) == 0);
	elen = k[4];
	CHECK(elen == 3 && klen < sizeof(k2) - 2);
	memcpy(k2, k, 4);
	k2[4] = 0;
	k2[5] = 0;
	k2[6] = (uint8_t)elen;
	memcpy(k2 + 7, k + 5, klen - 5u);
	CHECK(dnskey_load(&a, k, klen) == 0);
	CHECK(dnskey_load(&b, k2, klen + 2u) == 0);
	CHECK(a && b && EVP_PKEY_eq(a, b) == 1);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	k2[6] = 9;              /* 9-octet exponent */
	CHECK(dnskey_load(&b, k2, klen + 2u) == DNSSEC_UNSUPPORTED);
	k2[6] = 0;
	CHECK(dnskey_load(&b, k2, klen + 2u) == BN_ERDATA);
	k2[3] = 5;              /* RSASHA1: not implemented */
	CHECK(dnskey_load(&b, k2, klen + 2u) == DNSSEC_UNSUPPORTED);
	memset(k2 + 8, 0xff, 513);      /* 4104-bit modulus */
	k2[3] = 8;
	k2[4] = 1;
	k2[5] = 3;
	CHECK(dnskey_load(&b, k2, 6 + 513) == DNSSEC_UNSUPPORTED);
	CHECK(dnskey_load(&b, k2, 6 + 512) == 0);
	EVP_PKEY_free(b);
	unload();
}

/* ECDSA r | s to DER: values with leading zero octets and with the top
 * bit set, made by signing with a key of our own until both occur
 * (OpenSSL refuses DER that is not minimal). */
static void ecdsa_forms(void)
{
	static const uint8_t data[] = "data";
	EVP_PKEY *key = EVP_EC_gen("P-256");
	int zero = 0, top = 0;

	CHECK(key != NULL);
	for (int i = 0; key && i < 20000 && (zero < 3 || top < 3); i++) {
		uint8_t der[80], raw[64];
		const uint8_t *p = der;
		size_t dlen = sizeof(der);
		EVP_MD_CTX *ctx = EVP_MD_CTX_new();
		ECDSA_SIG *sig;
		const BIGNUM *r, *s;

		CHECK(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1);
		CHECK(EVP_DigestSign(ctx, der, &dlen, data, 4) == 1);
		EVP_MD_CTX_free(ctx);
		sig = d2i_ECDSA_SIG(NULL, &p, (long)dlen);
		ECDSA_SIG_get0(sig, &r, &s);
		CHECK(BN_bn2binpad(r, raw, 32) == 32);
		CHECK(BN_bn2binpad(s, raw + 32, 32) == 32);
		ECDSA_SIG_free(sig);
		bool z = (!raw[0] && !(raw[1] & 0x80)) ||
			 (!raw[32] && !(raw[33] & 0x80));

		/* Leading zeros that DER drops (a zero then a top bit clear:
		 * minimal as it is otherwise), or a top bit DER pads. */
		if (!z && !(raw[0] & 0x80) && !(raw[32] & 0x80))
			continue;
		zero += z;
		top += (raw[0] & 0x80) || (raw[32] & 0x80);
		CHECK(dnssec_sig_check(DNSSEC_ECDSAP256SHA256, key, data, 4,
				       raw, 64) == DNSSEC_SECURE);
		raw[63] ^= 1;
		CHECK(dnssec_sig_check(DNSSEC_ECDSAP256SHA256, key, data, 4,
				       raw, 64) == DNSSEC_BOGUS);
	}
	CHECK(zero >= 3 && top >= 3);
	EVP_PKEY_free(key);
}

/* --- the signed hierarchy of tests/data/dnssec/chain ---------------- */

static struct set zkeys[3];     /* proven DNSKEY sets: ., tld., a child */

/* The zone's file loaded, owner name given as text (any under it). */
static void chain_zone(const char *file, const char *origin)
{
	char path[512];

	unload();
	snprintf(path, sizeof(path), CHAIN "%s", file);
	CHECKF(load_path(path, origin) == 0, "%s", file);
}

static int chain_verify(const char *owner, uint16_t type,
			const struct set *k, uint32_t now)
{
	uint8_t name[NAME_MAXLEN];
	struct dnssec_budget bud;

	CHECK(name_from_text(name, owner, strlen(owner), NULL) > 0);
	collect(&set, name, type, 0);
	collect(&sigs, name, RR_RRSIG, type);
	CHECK(set.s.count > 0);
	dnssec_budget_init(&bud);
	return dnssec_verify_rrset(&set.s, &sigs.s, &k->s, now, &bud, NULL);
}

/* The zone's DNSKEY set (loaded) against the DS set ds, into *out. */
static int chain_keys(const struct set *d, struct set *out, uint32_t now)
{
	struct dnssec_budget bud;

	collect(out, apex, RR_DNSKEY, 0);
	collect(&sigs, apex, RR_RRSIG, RR_DNSKEY);
	dnssec_budget_init(&bud);
	return dnssec_verify_dnskeys(&out->s, &sigs.s, &d->s, now, &bud, NULL);
}

/* Whether an NSEC bitmap (window 0 only) has type t. */
static bool nsec_has(const uint8_t *rd, uint16_t len, uint16_t t)
{
	size_t at = name_length(rd);

	return at + 2 <= len && rd[at] == 0 && t / 8 < rd[at + 1] &&
	       at + 2u + t / 8 < len && (rd[at + 2 + t / 8] & 0x80 >> t % 8);
}

/* From the anchor down: the root's keys (want: what they come to at
 * now), then when secure tld.'s DS and keys. */
static void chain_top(uint32_t now, int want)
{
	struct dnssec_anchors as = { 0 };
	struct dnssec_budget bud;
	char text[512] = "", err[256];
	FILE *f = fopen(CHAIN "anchor.txt", "r");

	CHECK(f && fgets(text, sizeof(text), f));
	if (f)
		fclose(f);
	CHECKF(dnssec_anchors_add_text(&as, text, strlen(text), "anchor",
				       err) == 0, "%s", err);
	chain_zone("root.signed", ".");
	collect(&zkeys[0], apex, RR_DNSKEY, 0);
	collect(&sigs, apex, RR_RRSIG, RR_DNSKEY);
	dnssec_budget_init(&bud);
	CHECK(as.n == 1 && dnssec_anchor_verify_keys(&as.a[0], &zkeys[0].s,
						     &sigs.s, now, &bud,
						     NULL) == want);
	if (want != DNSSEC_SECURE) {
		dnssec_anchors_clear(&as);
		return;
	}
	CHECK(chain_verify("tld.", RR_DS, &zkeys[0], now) == DNSSEC_SECURE);
	collect(&ds, set.s.owner, RR_DS, 0);
	chain_zone("tld.signed", "tld.");
	CHECK(chain_keys(&ds, &zkeys[1], now) == DNSSEC_SECURE);
	dnssec_anchors_clear(&as);
}

/* tld.'s children: what their DS, keys and www A come to. */
static void chain_children(void)
{
	static const struct {
		const char *zone;
		int keys, www;
	} kids[] = {
		{ "sld.tld.", DNSSEC_SECURE, DNSSEC_SECURE },
		{ "expired.tld.", DNSSEC_EXPIRED, DNSSEC_EXPIRED },
		{ "wrongds.tld.", DNSSEC_NO_KEY, DNSSEC_SECURE },
		{ "badsig.tld.", DNSSEC_SECURE, DNSSEC_BOGUS },
	};
	char file[64], www[64];

	for (size_t i = 0; i < sizeof(kids) / sizeof(kids[0]); i++) {
		chain_zone("tld.signed", "tld.");
		CHECKF(chain_verify(kids[i].zone, RR_DS, &zkeys[1], NOW) ==
		       DNSSEC_SECURE, "%s DS", kids[i].zone);
		collect(&ds, set.s.owner, RR_DS, 0);
		snprintf(file, sizeof(file), "%ssigned", kids[i].zone);
		chain_zone(file, kids[i].zone);
		CHECKF(chain_keys(&ds, &zkeys[2], NOW) == kids[i].keys,
		       "%s DNSKEY", kids[i].zone);
		snprintf(www, sizeof(www), "www.%s", kids[i].zone);
		CHECKF(chain_verify(www, RR_A, &zkeys[2], NOW) == kids[i].www,
		       "%s", www);
	}
	/* insecure.tld.: a delegation without DS, and tld.'s signed NSEC
	 * there says so (NS, no DS). */
	chain_zone("tld.signed", "tld.");
	CHECK(chain_verify("insecure.tld.", RR_NSEC, &zkeys[1], NOW) ==
	      DNSSEC_SECURE);
	CHECK(set.s.count == 1);
	if (set.s.count == 1) {
		const uint8_t *rd;
		uint16_t len;

		uint8_t tld[NAME_MAXLEN];
		struct dnssec_denial d = { .qname = set.s.owner,
					   .zone = tld, .sets = &set.s,
					   .nsets = 1 };
		struct dnssec_budget b;

		CHECK(dnssec_rrset_item(&set.s, 0, &rd, &len) == 0);
		CHECK(nsec_has(rd, len, RR_NS) && !nsec_has(rd, len, RR_DS));
		/* as the resolver's walk will take it: the child insecure */
		CHECK(name_from_text(tld, "tld.", 4, NULL) > 0);
		dnssec_budget_init(&b);
		CHECK(dnssec_prove_no_ds(&d, &b) == DNSSEC_SECURE);
	}
	collect(&set, set.s.owner, RR_DS, 0);
	CHECK(set.s.count == 0);
	unload();
}

static void hierarchy(void)
{
	chain_top(NOW, DNSSEC_SECURE);
	chain_children();
	/* After 2036 the root's own keys no longer verify. */
	chain_top(EXPIRATION + 1, DNSSEC_EXPIRED);
	unload();
}

int main(void)
{
	hierarchy();
	CHECK(verified[0] == 0);
	rsa_forms();
	ecdsa_forms();
	root_anchors();
	zone_anchors();
	zone(DNSSEC_RSASHA256, "NSEC");
	zone(DNSSEC_RSASHA512, "NSEC3");
	zone(DNSSEC_ECDSAP256SHA256, "NSEC");
	zone(DNSSEC_ECDSAP384SHA384, "NSEC3");
	zone(DNSSEC_ED25519, "NSEC");
	zone(DNSSEC_ED448, "NSEC3");
	CHECK(!strcmp(dnssec_result_str(DNSSEC_EXPIRED), "signature expired"));
	CHECK(dnssec_result_ede(DNSSEC_SECURE) == -1);
	CHECK(dnssec_result_ede(DNSSEC_BUDGET) == 6);
	return check_done();
}
