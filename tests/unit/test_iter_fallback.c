/* What the iterator falls back on when a zone's own servers fail, in
 * Unbound's order: a recursive server (RA without AA) is asked last and
 * then with RD. */
#include <string.h>

#include <urcu.h>

#include "check.h"
#include "iterworld.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "wire/rrtype.h"

static enum infra_lame standing(int srv, const char *zone, uint16_t qtype)
{
	uint8_t z[NAME_MAXLEN];

	name_from_text(z, zone, strlen(zone), NULL);
	return infra_lame(infra, srv_sa(srv), z, qtype, net.now);
}

static const struct fake_log *last_query(void)
{
	return &net.log[net.nlog - 1];
}

/* tld.'s second server recurses and answers without AA: kept apart for
 * the zone, never asked while the first answers, asked with RD (and
 * believed) when the first is gone. */
static void test_recursive_last(void)
{
	unsigned q2;

	world_up();
	CHECK(fakenet_zone(&net, s_tld2, "tld.", tld_zone) == 0);
	net.srv[s_tld2].flags = FAKE_RECURSIVE;
	tld_first(s_tld2);
	CHECK(fakenet_resolve(&net, it, "ns1.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("ns1.tld.", RR_A, MSG_ANSWER));
	CHECK(standing(s_tld2, "tld.", RR_A) == INFRA_RECLAME);
	CHECK(last_query()->server == s_tld1 && !last_query()->rd);
	q2 = net.srv[s_tld2].queries;
	for (int k = 0; k < 3; k++) {
		cache_flush(cache);
		CHECK(fakenet_resolve(&net, it, "ns2.tld.", RR_A) ==
		      RCODE_NOERROR);
		CHECK(fakenet_resolve(&net, it, "nope.tld.", RR_A) ==
		      RCODE_NXDOMAIN);
	}
	CHECKF(net.srv[s_tld2].queries == q2, "%u %u",
	       net.srv[s_tld2].queries, q2);
	/* a lame verdict would keep it out; rec-lame is a last resort
	 * (the first server's timeouts, 4 s and 6 s as it was made slow,
	 * would end the query at the default 10 s) */
	net.srv[s_tld1].flags = FAKE_TIMEOUT;
	rc.max_time_ms = 30000;
	cache_flush(cache);
	CHECK(fakenet_resolve(&net, it, "ns2.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("ns2.tld.", RR_A, MSG_ANSWER));
	CHECK(last_query()->server == s_tld2 && last_query()->rd);
	CHECK(fakenet_resolve(&net, it, "nope.tld.", RR_TXT) ==
	      RCODE_NXDOMAIN);
	world_down();
}

int main(void)
{
	rcu_register_thread();
	test_recursive_last();
	rcu_unregister_thread();
	return check_done();
}
