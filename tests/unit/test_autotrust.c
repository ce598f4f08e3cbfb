/* Unit tests for RFC 5011's state machine (src/dnssec/autotrust.c) and
 * its state file (autotrust_file.c): a point started from a DS trusts
 * the key it names at once and holds a new one 30 days; a trusted key
 * that goes is missing (still trusted), then forgotten after
 * keep-missing; a revocation counts only when the key signs the set
 * itself, and the revoked key is forgotten after the remove hold-down;
 * a pending key that goes is forgotten; keys without the SEP bit do not
 * count; the file keeps every state and date, reads records given by
 * hand, and says which line is wrong. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "check.h"
#include "dnssec/autotrust.h"
#include "wire/rrtype.h"

#define DAY 86400
static const uint8_t root[1] = { 0 };
static const struct ta_params pp = { 30 * DAY, 30 * DAY, 365 * DAY };

/* A DNSKEY of algorithm 15: flags, key octets made of seed. */
static size_t key(uint8_t *rd, uint16_t flags, uint8_t seed)
{
	rd[0] = (uint8_t)(flags >> 8);
	rd[1] = (uint8_t)flags;
	rd[2] = 3;
	rd[3] = 15;
	for (int i = 0; i < 32; i++)
		rd[4 + i] = (uint8_t)(seed * 7 + i);
	return 36;
}

struct kset {
	uint8_t buf[1024];
	size_t used;
	struct dnssec_rrset s;
	bool revoked[8];
};

static void kset_init(struct kset *k)
{
	memset(k, 0, sizeof(*k));
	k->s = (struct dnssec_rrset){ .owner = root, .type = RR_DNSKEY,
				      .rclass = 1, .rdata = k->buf };
}

static void kset_add(struct kset *k, uint16_t flags, uint8_t seed,
		     bool revoked)
{
	size_t n = key(k->buf + k->used + 2, flags, seed);

	k->buf[k->used] = 0;
	k->buf[k->used + 1] = (uint8_t)n;
	k->used += 2 + n;
	k->revoked[k->s.count++] = revoked;
	k->s.rdata_len = k->used;
}

static int state_of(const struct ta_point *p, uint8_t seed)
{
	uint8_t rd[64];

	key(rd, 257, seed);
	for (size_t i = 0; i < p->n; i++)
		if (!memcmp(p->k[i].rd + 4, rd + 4, 32))
			return p->k[i].state;
	return -1;
}

static unsigned trusted(const struct ta_point *p)
{
	uint8_t buf[4096];
	struct dnssec_rrset s;

	ta_trusted_keys(p, buf, sizeof(buf), &s);
	return s.count;
}

static size_t update(struct ta_point *p, const struct kset *k, int64_t now)
{
	struct ta_event ev[8];

	return ta_update(p, &k->s, k->revoked, 3600, now, &pp, ev, 8);
}

/* A point from the DS of key 1. */
static void start(struct ta_point *p)
{
	uint8_t rd[64];
	size_t len = key(rd, 257, 1);
	int n;

	memset(p, 0, sizeof(*p));
	p->ds[0][0] = (uint8_t)(dnssec_key_tag(rd, len) >> 8);
	p->ds[0][1] = (uint8_t)dnssec_key_tag(rd, len);
	p->ds[0][2] = 15;
	p->ds[0][3] = 2;
	n = dnssec_ds_digest(p->ds[0] + 4, 2, root, rd, len);
	CHECK(n == 32);
	p->dslen[0] = (uint16_t)(4 + n);
	p->nds = 1;
}

static void rollover(void)
{
	struct ta_point p;
	struct kset k;
	int64_t t0 = 1700000000;

	start(&p);
	kset_init(&k);
	kset_add(&k, 257, 1, false);
	kset_add(&k, 257, 2, false);
	kset_add(&k, 256, 3, false);    /* a ZSK: not an anchor */
	CHECK(update(&p, &k, t0) == 2);
	CHECK(state_of(&p, 1) == TA_VALID && state_of(&p, 2) == TA_ADDPEND);
	CHECK(p.n == 2 && p.nds == 0 && trusted(&p) == 1);
	CHECK(ta_next_change(&p, &pp) == t0 + 30 * DAY);
	CHECK(update(&p, &k, t0 + 30 * DAY - 1) == 0);
	CHECK(state_of(&p, 2) == TA_ADDPEND);
	CHECK(update(&p, &k, t0 + 30 * DAY) == 1);
	CHECK(state_of(&p, 2) == TA_VALID && trusted(&p) == 2);
	/* key 1 goes: missing, still trusted; back: valid */
	kset_init(&k);
	kset_add(&k, 257, 2, false);
	CHECK(update(&p, &k, t0 + 31 * DAY) == 1);
	CHECK(state_of(&p, 1) == TA_MISSING && trusted(&p) == 2);
	kset_add(&k, 257, 1, false);
	CHECK(update(&p, &k, t0 + 32 * DAY) == 1);
	CHECK(state_of(&p, 1) == TA_VALID);
	/* missing past keep-missing: forgotten */
	kset_init(&k);
	kset_add(&k, 257, 2, false);
	update(&p, &k, t0 + 33 * DAY);
	CHECK(update(&p, &k, t0 + 33 * DAY + 365 * DAY) == 1);
	CHECK(state_of(&p, 1) == -1 && p.n == 1);
}

static void revocation(void)
{
	struct ta_point p;
	struct kset k;
	int64_t t0 = 1700000000;

	start(&p);
	kset_init(&k);
	kset_add(&k, 257, 1, false);
	kset_add(&k, 257, 2, false);
	update(&p, &k, t0);
	update(&p, &k, t0 + 30 * DAY);
	CHECK(trusted(&p) == 2);
	/* the REVOKE bit without its own signature: nothing */
	kset_init(&k);
	kset_add(&k, 257 | 0x80, 1, false);
	kset_add(&k, 257, 2, false);
	CHECK(update(&p, &k, t0 + 31 * DAY) == 0);
	CHECK(state_of(&p, 1) == TA_VALID);
	/* signed by itself: revoked at once, no longer trusted */
	k.revoked[0] = true;
	CHECK(update(&p, &k, t0 + 32 * DAY) == 1);
	CHECK(state_of(&p, 1) == TA_REVOKED && trusted(&p) == 1);
	/* gone, then forgotten after the remove hold-down */
	kset_init(&k);
	kset_add(&k, 257, 2, false);
	CHECK(update(&p, &k, t0 + 33 * DAY) == 0);
	CHECK(update(&p, &k, t0 + 62 * DAY) == 1 && p.n == 1);
	/* a pending key that goes is forgotten */
	kset_add(&k, 257, 5, false);
	update(&p, &k, t0 + 63 * DAY);
	CHECK(state_of(&p, 5) == TA_ADDPEND);
	kset_init(&k);
	kset_add(&k, 257, 2, false);
	CHECK(update(&p, &k, t0 + 64 * DAY) == 1 && state_of(&p, 5) == -1);
}

static void file(void)
{
	struct ta_point p, q;
	struct kset k;
	char text[8192], err[256];
	int n;

	start(&p);
	n = ta_file_write(&p, 1700000000, text, sizeof(text));
	CHECKF(n > 0 && strstr(text, ". 0 IN DS ") &&
	       strstr(text, ";;state=START"), "%s", text);
	CHECK(ta_file_read(&q, text, (size_t)n, 5, err) == 0);
	CHECK(q.nds == 1 && q.n == 0 && q.dslen[0] == p.dslen[0] &&
	      !memcmp(q.ds[0], p.ds[0], p.dslen[0]));
	kset_init(&k);
	kset_add(&k, 257, 1, false);
	kset_add(&k, 257, 2, false);
	update(&p, &k, 1700000000);
	n = ta_file_write(&p, 1700000000, text, sizeof(text));
	CHECKF(strstr(text, "state=VALID since=1700000000") &&
	       strstr(text, "state=ADDPEND since=1700000000") &&
	       !strstr(text, " DS "), "%s", text);
	CHECK(ta_file_read(&q, text, (size_t)n, 5, err) == 0);
	CHECK(q.n == 2 && state_of(&q, 1) == TA_VALID &&
	      state_of(&q, 2) == TA_ADDPEND && q.k[1].since == 1700000000);
	/* by hand: trusted at once, since now */
	strcpy(text, "; a comment\n. 3600 IN DNSKEY 257 3 15 "
	       "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY=\n");
	CHECKF(ta_file_read(&q, text, strlen(text), 77, err) == 0, "%s", err);
	CHECK(q.n == 1 && q.k[0].state == TA_VALID && q.k[0].since == 77);
	strcat(text, "org. 3600 IN DNSKEY 257 3 15 "
	       "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY=\n");
	CHECK(ta_file_read(&q, text, strlen(text), 77, err) == BN_ESYNTAX);
	CHECKF(strstr(err, "line 3: another zone"), "%s", err);
	strcpy(text, ". 3600 IN DNSKEY 257 3 15 "
	       "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY= ;;state=SOON\n");
	CHECK(ta_file_read(&q, text, strlen(text), 77, err) == BN_ESYNTAX);
	CHECKF(strstr(err, "line 1: bad state"), "%s", err);
	CHECK(ta_file_read(&q, "; nothing\n", 10, 77, err) == BN_ENOTFOUND);
}

int main(void)
{
	rollover();
	revocation();
	file();
	return check_done();
}
