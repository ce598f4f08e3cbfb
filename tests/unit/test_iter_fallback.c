/* What the iterator falls back on when a zone's own servers fail, in
 * Unbound's order: a recursive server (RA without AA) is asked last and
 * then with RD; an empty reply is set aside while another server may
 * answer; the parent's glue for a name server stays a last resort when
 * the server's own zone gives other addresses; glue that expired before
 * its NS set is fetched from the parent again. */
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

/* empty.tld.: ns.empty (glue) gives empty replies; ns.sld2.other.
 * (no glue) answers. The empty reply is set aside while the other name
 * server can be looked up; with nobody else, the second one is taken
 * (NODATA without SOA, as Unbound). */
static void test_empty_reply(void)
{
	static const char empty_zone[] =
		"$TTL 300\n@ SOA ns h 1 2 3 4 300\n@ NS ns\n"
		"@ NS ns.sld2.other.\nns A 192.0.2.84\nwww A 192.0.2.85\n";
	int s_empty;

	world_up();
	s_empty = fakenet_server(&net, "192.0.2.84", FAKE_EMPTY);
	CHECK(fakenet_zone(&net, s_empty, "empty.tld.", empty_zone) == 0);
	CHECK(fakenet_zone(&net, s_sld2, "empty.tld.", empty_zone) == 0);
	CHECK(fakenet_resolve(&net, it, "www.empty.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.empty.tld.", RR_A, MSG_ANSWER));
	CHECK(net.srv[s_empty].queries == 1);
	net.srv[s_sld2].flags = FAKE_TIMEOUT;
	cache_flush(cache);
	CHECK(fakenet_resolve(&net, it, "www.empty.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(iter_result(it)->nsets == 0);
	CHECKF(net.srv[s_empty].queries == 3, "%u", net.srv[s_empty].queries);
	CHECK(!cached("www.empty.tld.", RR_A));
	world_down();
}

/* pc.tld. is served by ns.pcnet.other., whose parent gives it the
 * working 192.0.2.70 while its own zone says 192.0.2.71, which refuses:
 * the child's address is asked first, then the parent's glue (each time:
 * on equal terms the two would come in random order); with the child's
 * address cached, the parent's is looked up again. */
static void test_parent_glue(void)
{
	static const char pcnet_zone[] =
		"$TTL 300\n@ SOA ns h 1 2 3 4 300\n@ NS ns\n"
		"ns A 192.0.2.71\n";
	static const char pc_zone[] =
		"$TTL 300\n@ SOA ns.pcnet.other. h 1 2 3 4 300\n"
		"@ NS ns.pcnet.other.\nwww A 192.0.2.72\nmail A 192.0.2.73\n";
	int s_pc, s_pcbad;
	unsigned other;

	world_up();
	s_pc = fakenet_server(&net, "192.0.2.70", 0);
	CHECK(fakenet_zone(&net, s_pc, "pcnet.other.", pcnet_zone) == 0);
	CHECK(fakenet_zone(&net, s_pc, "pc.tld.", pc_zone) == 0);
	s_pcbad = fakenet_server(&net, "192.0.2.71", 0);       /* no zone */
	for (unsigned k = 1; k <= 8; k++) {
		cache_flush(cache);
		tld_first(s_tld1);      /* and forget the refusals */
		CHECK(fakenet_resolve(&net, it, "www.pc.tld.", RR_A) ==
		      RCODE_NOERROR);
		CHECK(has_set("www.pc.tld.", RR_A, MSG_ANSWER));
		CHECKF(net.srv[s_pcbad].queries == k, "%u %u",
		       net.srv[s_pcbad].queries, k);
		CHECK(last_query()->server == s_pc);
		CHECKF(upstream() <= 9, "%u", upstream());
	}
	/* the child's address for its server is cached now, and no
	 * referral shows the parent's glue: it is looked up from above
	 * pcnet.other. once the child's address failed */
	other = net.srv[s_other].queries;
	CHECK(fakenet_resolve(&net, it, "mail.pc.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("mail.pc.tld.", RR_A, MSG_ANSWER));
	CHECK(net.srv[s_other].queries == other + 1);
	CHECK(last_query()->server == s_pc);
	CHECKF(upstream() <= 9, "%u", upstream());
	world_down();
}

/* badip.tld.: the glue of ns.badip (10 s) expires before the NS set,
 * and ns2.badip refuses. The zone alone cannot give ns.badip's address:
 * the parent is asked for the delegation again, once. */
static void test_glue_refetch(void)
{
	static const char badip_zone[] =
		"$TTL 3600\n@ SOA ns h 1 2 3 4 300\n@ NS ns\n@ NS ns2\n"
		"ns 10 A 192.0.2.80\nns2 A 192.0.2.81\n"
		"www A 192.0.2.82\nx A 192.0.2.83\n";
	int s_badip, s_ns2;
	unsigned tld;

	world_up();
	s_badip = fakenet_server(&net, "192.0.2.80", 0);
	CHECK(fakenet_zone(&net, s_badip, "badip.tld.", badip_zone) == 0);
	s_ns2 = fakenet_server(&net, "192.0.2.81", 0);  /* no zone: REFUSED */
	CHECK(fakenet_resolve(&net, it, "www.badip.tld.", RR_A) ==
	      RCODE_NOERROR);
	net.now += 20000;
	tld = net.srv[s_tld1].queries;
	CHECK(fakenet_resolve(&net, it, "x.badip.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("x.badip.tld.", RR_A, MSG_ANSWER));
	CHECK(net.srv[s_tld1].queries == tld + 1);
	CHECK(net.srv[s_ns2].queries >= 1);
	CHECKF(upstream() <= 6, "%u", upstream());
	world_down();
}

int main(void)
{
	rcu_register_thread();
	test_recursive_last();
	test_empty_reply();
	test_parent_glue();
	test_glue_refetch();
	rcu_unregister_thread();
	return check_done();
}
