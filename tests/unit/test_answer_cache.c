/* Unit tests for src/resolve/answer_cache.c: answers from the cache
 * alone. Direct hits, CNAME chains (case of targets ignored), the link
 * limit, loops, chains ending in NXDOMAIN or NODATA, missing links,
 * data of too low a rank, stale and prefetch marks, DNAMEs that come
 * with the CNAMEs synthesised from them. */
#include <stdlib.h>
#include <string.h>

#include <urcu.h>

#include "check.h"
#include "resolve/answer.h"
#include "wire/name.h"

#define T_A 1
#define T_CNAME 5
#define T_AAAA 28
#define T_DNAME 39
#define C_IN 1

static struct answer ans;

static const uint8_t *nm(uint8_t *dst, const char *text)
{
	if (name_from_text(dst, text, strlen(text), NULL) < 0)
		abort();
	return dst;
}

static int put(struct cache *c, const char *owner, uint16_t type,
	       const uint8_t *rdata, size_t len, uint8_t kind, uint8_t rank,
	       uint32_t ttl)
{
	uint8_t o[NAME_MAXLEN], soa[NAME_MAXLEN];
	struct rrset s = {
		.owner = nm(o, owner), .type = type, .rclass = C_IN,
		.ttl = ttl, .kind = kind, .rank = rank, .count = 1,
		.rdata = rdata, .rdata_len = len,
		.soa_owner = kind == RRSET_POSITIVE ? NULL :
			     nm(soa, "example."),
	};

	return cache_insert(c, &s, 0);
}

static void put_a(struct cache *c, const char *owner, uint8_t last)
{
	uint8_t rd[6] = { 0, 4, 192, 0, 2, last };

	put(c, owner, T_A, rd, sizeof(rd), RRSET_POSITIVE, RANK_ANSWER, 100);
}

static void put_cname(struct cache *c, const char *owner, const char *target,
		      uint8_t rank)
{
	uint8_t rd[2 + NAME_MAXLEN];
	int n = name_from_text(rd + 2, target, strlen(target), NULL);

	rd[0] = 0;
	rd[1] = (uint8_t)n;
	put(c, owner, T_CNAME, rd, 2 + (size_t)n, RRSET_POSITIVE, rank, 100);
}

/* A stand-in SOA: two root names and five zero u32. */
static void put_neg(struct cache *c, const char *owner, uint8_t kind,
		    uint16_t type)
{
	uint8_t rd[24] = { 0, 22 };

	put(c, owner, type, rd, sizeof(rd), kind, RANK_ANSWER, 100);
}

static int ask(struct cache *c, const char *qname, uint16_t qtype,
	       uint64_t now, unsigned flags, bool *prefetch)
{
	uint8_t q[NAME_MAXLEN];

	return answer_from_cache(&ans, c, nm(q, qname), qtype, C_IN, now,
				 flags, prefetch);
}

static bool set_is(unsigned i, uint8_t sec, uint16_t type, const char *owner)
{
	uint8_t o[NAME_MAXLEN];

	return i < ans.nsets && ans.sets[i].section == sec &&
	       ans.sets[i].set.type == type &&
	       name_equal(ans.sets[i].set.owner, nm(o, owner));
}

static void test_direct(struct cache *c)
{
	bool pf = true;

	CHECK(ask(c, "www.example.", T_A, 0, 0, &pf) == 1);
	CHECK(!pf && ans.rcode == RCODE_NOERROR && ans.nsets == 1 &&
	      !ans.stale);
	CHECK(set_is(0, MSG_ANSWER, T_A, "www.example."));
	CHECK(ans.sets[0].set.rdata[5] == 1 && ans.sets[0].set.ttl == 100);
	CHECK(ask(c, "nothing.example.", T_A, 0, 0, &pf) == 0);
	/* NODATA: the SOA goes to the authority section. */
	CHECK(ask(c, "www.example.", T_AAAA, 0, 0, &pf) == 1);
	CHECK(ans.rcode == RCODE_NOERROR && ans.nsets == 1 &&
	      set_is(0, MSG_AUTHORITY, 6, "example."));
}

static void test_chains(struct cache *c)
{
	bool pf;

	CHECK(ask(c, "alias.example.", T_A, 0, 0, &pf) == 1);
	CHECK(ans.nsets == 2 &&
	      set_is(0, MSG_ANSWER, T_CNAME, "alias.example.") &&
	      set_is(1, MSG_ANSWER, T_A, "www.example."));
	/* Targets in mixed case are followed. */
	CHECK(ask(c, "a1.example.", T_A, 0, 0, &pf) == 1);
	CHECK(ans.nsets == 3 && set_is(1, MSG_ANSWER, T_CNAME, "a2.example.") &&
	      set_is(2, MSG_ANSWER, T_A, "www.example."));
	/* Asked for the CNAME itself: no following. */
	CHECK(ask(c, "alias.example.", T_CNAME, 0, 0, &pf) == 1);
	CHECK(ans.nsets == 1 &&
	      set_is(0, MSG_ANSWER, T_CNAME, "alias.example."));
	CHECK(ask(c, "www.example.", T_CNAME, 0, 0, &pf) == 0);
	/* A chain into NXDOMAIN: rcode of the last name (RFC 6604). */
	CHECK(ask(c, "nx.example.", T_A, 0, 0, &pf) == 1);
	CHECK(ans.rcode == RCODE_NXDOMAIN && ans.nsets == 2 &&
	      set_is(0, MSG_ANSWER, T_CNAME, "nx.example.") &&
	      set_is(1, MSG_AUTHORITY, 6, "example."));
	/* Into NODATA. */
	CHECK(ask(c, "alias.example.", T_AAAA, 0, 0, &pf) == 1);
	CHECK(ans.rcode == RCODE_NOERROR && ans.nsets == 2 &&
	      set_is(1, MSG_AUTHORITY, 6, "example."));
}

static void test_incomplete(struct cache *c)
{
	bool pf;

	CHECK(ask(c, "broken.example.", T_A, 0, 0, &pf) == 0);
	CHECK(ask(c, "loop1.example.", T_A, 0, 0, &pf) == 0);
	CHECK(ask(c, "self.example.", T_A, 0, 0, &pf) == 0);
	/* A CNAME known only from a referral is not for clients. */
	CHECK(ask(c, "glue.example.", T_A, 0, 0, &pf) == 0);
	/* Twelve links are followed, thirteen are not. */
	CHECK(ask(c, "c1.example.", T_A, 0, 0, &pf) == 1 && ans.nsets == 13);
	CHECK(ask(c, "c0.example.", T_A, 0, 0, &pf) == 0);
}

/* old.example. DNAME example.; www.old.example. CNAME www.example.
 * synthesised from it (TTL ttl each). */
static void put_dname(struct cache *c, uint32_t ttl)
{
	uint8_t o[NAME_MAXLEN], d[NAME_MAXLEN], rd[2 + NAME_MAXLEN];
	int n = name_from_text(rd + 2, "example.", 8, NULL);
	struct rrset s = {
		.owner = nm(o, "old.example."), .type = T_DNAME,
		.rclass = C_IN, .ttl = ttl, .kind = RRSET_POSITIVE,
		.rank = RANK_ANSWER, .count = 1, .rdata = rd,
		.rdata_len = 2 + (size_t)n,
	};

	rd[0] = 0;
	rd[1] = (uint8_t)n;
	CHECK(cache_insert(c, &s, 0) == 0);
	put_cname(c, "www.old.example.", "www.example.", RANK_ANSWER);
	/* the same CNAME again, now marked as synthesised */
	n = name_from_text(rd + 2, "www.example.", 12, NULL);
	rd[1] = (uint8_t)n;
	s.owner = nm(o, "www.old.example.");
	s.type = T_CNAME;
	s.ttl = 100;
	s.rdata_len = 2 + (size_t)n;
	s.dname_owner = nm(d, "old.example.");
	CHECK(cache_insert(c, &s, 0) == 0);
}

/* RFC 6672 3.4: every answer through a DNAME carries the DNAME, first;
 * the synthesised CNAME alone (its DNAME expired) is no answer. */
static void test_dname(struct cache *c)
{
	bool pf;

	put_dname(c, 50);
	CHECK(ask(c, "www.old.example.", T_A, 0, 0, &pf) == 1);
	CHECK(ans.nsets == 3 &&
	      set_is(0, MSG_ANSWER, T_DNAME, "old.example.") &&
	      set_is(1, MSG_ANSWER, T_CNAME, "www.old.example.") &&
	      set_is(2, MSG_ANSWER, T_A, "www.example."));
	CHECK(ask(c, "www.old.example.", T_CNAME, 0, 0, &pf) == 1);
	CHECK(ans.nsets == 1);
	CHECK(ask(c, "www.old.example.", T_A, 60000, 0, &pf) == 0);
}

static void test_stale_prefetch(struct cache *c)
{
	bool pf;

	/* All entries have TTL 100 s; prefetch under 10 s left. */
	CHECK(ask(c, "alias.example.", T_A, 95000, 0, &pf) == 1 && pf);
	CHECK(ask(c, "alias.example.", T_A, 95000, 0, &pf) == 1 && !pf);
	CHECK(ask(c, "alias.example.", T_A, 101000, 0, &pf) == 0);
	CHECK(ask(c, "alias.example.", T_A, 101000, CACHE_STALE, &pf) == 1);
	CHECK(ans.stale && ans.nsets == 2 && ans.sets[1].set.ttl == 30);
}

/* With CACHE_VALIDATED (validation on): data not yet validated is no
 * answer, nor is an unchecked negative answer, bogus data is an
 * answer marked bogus with its EDE, which the reply turns into
 * SERVFAIL. */
static void test_validated(struct cache *c)
{
	uint8_t rd[6] = { 0, 4, 192, 0, 2, 5 }, o[NAME_MAXLEN];
	struct rrset s = {
		.owner = nm(o, "v.example."), .type = T_A, .rclass = C_IN,
		.ttl = 100, .kind = RRSET_POSITIVE, .rank = RANK_ANSWER,
		.count = 1, .rdata = rd, .rdata_len = sizeof(rd),
	};
	bool pf;

	CHECK(cache_insert(c, &s, 0) == 0);
	CHECK(ask(c, "v.example.", T_A, 1000, 0, &pf) == 1 && !ans.dnssec);
	CHECK(ask(c, "v.example.", T_A, 1000, CACHE_VALIDATED, &pf) == 0);
	CHECK(ask(c, "www.example.", T_AAAA, 1000, 0, &pf) == 1);
	CHECK(ask(c, "www.example.", T_AAAA, 1000, CACHE_VALIDATED, &pf) == 0);
	s.sec = SEC_SECURE;
	CHECK(cache_insert(c, &s, 0) == 0);
	CHECK(ask(c, "v.example.", T_A, 1000, CACHE_VALIDATED, &pf) == 1);
	CHECK(ans.dnssec && !ans.bogus && ans.sets[0].set.sec == SEC_SECURE);
	s.sec = SEC_BOGUS;
	s.why = 4;              /* DNSSEC_EXPIRED */
	CHECK(cache_insert(c, &s, 0) == 0);
	CHECK(ask(c, "v.example.", T_A, 1000, CACHE_VALIDATED, &pf) == 1);
	CHECK(ans.bogus && ans.ede.code == 7 && ans.ede.text_len > 0 &&
	      memcmp(ans.ede.text, "v.example. A: ", 14) == 0);
	/* a chain with a link not yet validated is no answer */
	put_cname(c, "to-v.example.", "v.example.", RANK_ANSWER);
	CHECK(ask(c, "to-v.example.", T_A, 1000, CACHE_VALIDATED, &pf) == 0);
}

int main(void)
{
	struct cache_conf cc;
	struct cache *c;
	char o[32], t[32];

	rcu_register_thread();
	cache_conf_init(&cc);
	c = cache_new(&cc);
	put_a(c, "www.example.", 1);
	put_neg(c, "www.example.", RRSET_NODATA, T_AAAA);
	put_cname(c, "alias.example.", "www.example.", RANK_ANSWER);
	put_cname(c, "a1.example.", "A2.Example.", RANK_ANSWER);
	put_cname(c, "a2.example.", "WWW.example.", RANK_ANSWER_NONAUTH);
	put_cname(c, "nx.example.", "gone.example.", RANK_ANSWER);
	put_neg(c, "gone.example.", RRSET_NXDOMAIN, 0);
	put_cname(c, "broken.example.", "nowhere.example.", RANK_ANSWER);
	put_cname(c, "loop1.example.", "loop2.example.", RANK_ANSWER);
	put_cname(c, "loop2.example.", "loop1.example.", RANK_ANSWER);
	put_cname(c, "self.example.", "self.example.", RANK_ANSWER);
	put_cname(c, "glue.example.", "www.example.", RANK_GLUE);
	for (unsigned i = 0; i < 13; i++) {
		snprintf(o, sizeof(o), "c%u.example.", i);
		snprintf(t, sizeof(t), "c%u.example.", i + 1);
		put_cname(c, o, i == 12 ? "www.example." : t, RANK_ANSWER);
	}
	test_direct(c);
	test_chains(c);
	test_incomplete(c);
	test_stale_prefetch(c);
	test_dname(c);
	test_validated(c);
	cache_free(c);
	rcu_unregister_thread();
	return check_done();
}
