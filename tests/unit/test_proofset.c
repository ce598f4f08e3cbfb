/* Unit tests for src/resolve/proofset.c and the negative entries that
 * carry a proof: sets packed and read back, malformed packs refused by
 * the reader and by the cache (also after a positive set's RRSIGs, where
 * a wildcard's proof goes), and a cached negative entry giving its
 * SOA, RRSIGs and NSEC set to the answer (the NSEC for DO clients). */
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "base/error.h"
#include "check.h"
#include "resolve/answer.h"
#include "resolve/proofset.h"
#include "wire/name.h"
#include "wire/rrtype.h"

static struct answer ans;

static const uint8_t *nm(uint8_t *dst, const char *text)
{
	if (name_from_text(dst, text, strlen(text), NULL) < 0)
		abort();
	return dst;
}

/* An NSEC-like set of one item and two RRSIG items, owner o. */
static void nsec_set(struct rrset *s, uint8_t *o, uint8_t *buf)
{
	static const uint8_t items[] = { 0, 3, 'n', 'x', 't', 0, 2, 0, 47,
					 0, 3, 0, 47, 9 };

	memcpy(buf, items, sizeof(items));
	memset(s, 0, sizeof(*s));
	s->owner = nm(o, "a.example.");
	s->type = RR_NSEC;
	s->rclass = 1;
	s->ttl = 77;
	s->kind = RRSET_POSITIVE;
	s->count = 1;
	s->rdata = buf;
	s->rdata_len = 5;
	s->nsigs = 2;
	s->sigs_len = 9;
}

static void test_round_trip(void)
{
	uint8_t pack[512], o[NAME_MAXLEN], b[32];
	size_t len = 0, pos = 0;
	struct rrset s, r;

	nsec_set(&s, o, b);
	CHECK(proofset_put(pack, sizeof(pack), &len, &s) == 0);
	CHECK(proofset_put(pack, sizeof(pack), &len, &s) == 0);
	CHECK(proofset_put(pack, len + 3, &len, &s) == BN_ENOSPC);
	for (int i = 0; i < 2; i++) {
		CHECK(proofset_next(pack, len, &pos, &r) == 1);
		CHECK(name_equal(r.owner, s.owner) && r.type == RR_NSEC &&
		      r.rclass == 1 && r.ttl == 77 && r.count == 1 &&
		      r.nsigs == 2 && r.rdata_len == 5 && r.sigs_len == 9 &&
		      memcmp(r.rdata, b, 14) == 0);
	}
	CHECK(proofset_next(pack, len, &pos, &r) == 0);
	/* every cut short, and counts that do not fit the octets */
	for (size_t cut = 1; cut < len / 2; cut++) {
		pos = 0;
		CHECK(proofset_next(pack, cut, &pos, &r) == BN_ERDATA);
	}
	pack[2 + 11 + 8] = 5;   /* count 5 */
	pos = 0;
	CHECK(proofset_next(pack, len, &pos, &r) == BN_ERDATA);
}

/* A negative entry: the SOA, its RRSIGs (2), then the pack. */
static void test_negative_entry(void)
{
	static uint8_t buf[1024], hitbuf[4096];
	uint8_t o[NAME_MAXLEN], zone[NAME_MAXLEN], q[NAME_MAXLEN], b[32];
	static const uint8_t soa_sigs[] = { 0, 22, 0x10, 0x20, 0x30, 0x40, 0x50,
					    0x60, 0x70, 0x80, 0x90, 0xa0, 0xb0,
					    0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0 };
	struct cache_conf cc;
	struct cache *c;
	struct cache_hit h;
	struct rrset ns, neg;
	size_t len = 0;
	bool pf;

	/* SOA RDATA item of 22 octets of zeros, one RRSIG of 0 octets */
	memset(buf, 0, 24);
	buf[1] = 22;
	len = 24;
	memcpy(buf + len, soa_sigs, 2);
	buf[len + 1] = 0;
	len += 2;
	nsec_set(&ns, o, b);
	CHECK(proofset_put(buf, sizeof(buf), &len, &ns) == 0);
	memset(&neg, 0, sizeof(neg));
	neg.owner = nm(q, "nx.example.");
	neg.rclass = 1;
	neg.ttl = 60;
	neg.kind = RRSET_NXDOMAIN;
	neg.rank = RANK_ANSWER;
	neg.count = 1;
	neg.rdata = buf;
	neg.rdata_len = 24;
	neg.nsigs = 1;
	neg.sigs_len = (uint32_t)(len - 24);
	neg.soa_owner = nm(zone, "example.");
	neg.sec = SEC_SECURE;
	CHECK(proofset_sigs_own(&neg) == 2);
	cache_conf_init(&cc);
	c = cache_new(&cc);
	CHECK(cache_insert(c, &neg, 0) == 0);
	CHECK(cache_get(c, q, 0, 1, 1000, 0, RANK_ANSWER, &h, hitbuf,
			sizeof(hitbuf)) == 1 &&
	      h.set.sigs_len == neg.sigs_len);
	CHECK(answer_from_cache(&ans, c, q, RR_A, 1, 1000, CACHE_VALIDATED,
				&pf) == 1);
	CHECK(ans.rcode == RCODE_NXDOMAIN && ans.nsets == 2);
	CHECK(ans.sets[0].role == ANSWER_ROLE_NEG &&
	      ans.sets[0].set.type == RR_SOA && ans.sets[0].set.nsigs == 1 &&
	      ans.sets[0].set.sigs_len == 2);
	CHECK(ans.sets[1].role == ANSWER_ROLE_PROOF &&
	      ans.sets[1].set.type == RR_NSEC && ans.sets[1].set.nsigs == 2 &&
	      ans.sets[1].set.sec == SEC_SECURE &&
	      ans.sets[1].set.ttl <= 60);
	/* a pack that is not whole items: refused */
	neg.sigs_len -= 1;
	CHECK(cache_insert(c, &neg, 0) == BN_EINVAL);
	/* a positive set's RRSIG area: its RRSIGs, then whole items (a
	 * wildcard's proof) or nothing */
	ns.sigs_len += 2;
	b[14] = 0;
	b[15] = 0;
	CHECK(cache_insert(c, &ns, 0) == 0);
	ns.sigs_len += 1;
	CHECK(cache_insert(c, &ns, 0) == BN_EINVAL);
	ns.sigs_len = 6;        /* the second RRSIG cut short */
	CHECK(cache_insert(c, &ns, 0) == BN_EINVAL);
	cache_free(c);
}

int main(void)
{
	rcu_register_thread();
	test_round_trip();
	test_negative_entry();
	rcu_unregister_thread();
	return check_done();
}
