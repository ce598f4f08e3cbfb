/* What one client query may do to the others: end itself, never spoil
 * what they share. A CNAME loop (BIND answers it SERVFAIL), a policy
 * REFUSED for one name, a server that drops one type of query, a wait
 * cut short by the query's own budget, an odd FORMERR, a server that
 * loses the 0x20 case: each ends or bends that query only; the zone and
 * its servers keep working for every other name and type. Also the
 * bounds that are Unbound's (NS-name lookups, NXDOMAIN targets) and
 * the quick SERVFAIL for a zone whose servers are all known dead. */
#include <stdio.h>
#include <string.h>

#include <urcu.h>

#include "check.h"
#include "iterworld.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "wire/edns.h"
#include "wire/rrtype.h"

static const uint8_t *zone_of(uint8_t *buf, const char *text)
{
	name_from_text(buf, text, strlen(text), NULL);
	return buf;
}

static enum infra_lame lame_for(int srv, const char *zone)
{
	uint8_t z[NAME_MAXLEN];

	return infra_lame(infra, srv_sa(srv), zone_of(z, zone), RR_A, net.now);
}

/* Every name and type of bind.tld. and of a zone reached from it. */
static void zone_still_works(void)
{
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.bind.tld.", RR_A, MSG_ANSWER));
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_TXT) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.bind.tld.", RR_TXT, MSG_ANSWER));
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_AAAA) ==
	      RCODE_NOERROR);           /* NODATA */
	CHECK(fakenet_resolve(&net, it, "nope.bind.tld.", RR_A) ==
	      RCODE_NXDOMAIN);
	CHECK(fakenet_resolve(&net, it, "www.sld2.other.", RR_MX) ==
	      RCODE_NOERROR);
	CHECK(iter_get_stats(it)->timeouts == 0);
}

/* BIND 9.18 answers a CNAME loop SERVFAIL (with the chain): that is the
 * query's failure, not the server's. banchi-auth, NSD and Knot answer
 * NOERROR with the chain: the loop is seen in the answer at once. */
static void test_loop(void)
{
	unsigned flags[2] = { FAKE_LOOP_SERVFAIL, 0 };

	for (int k = 0; k < 2; k++) {
		world_up();
		net.srv[s_bind].flags = flags[k];
		CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
		      RCODE_NOERROR);
		for (int round = 0; round < 2; round++) {
			CHECK(fakenet_resolve(&net, it, "la.bind.tld.", RR_A) ==
			      RCODE_SERVFAIL);
			CHECK(iter_result(it)->nsets == 0);
			CHECKF(upstream() <= 2, "%u", upstream());
			CHECK(fakenet_resolve(&net, it, "lb.bind.tld.",
					      RR_TXT) == RCODE_SERVFAIL);
		}
		CHECK(lame_for(s_bind, "bind.tld.") != INFRA_LAME);
		zone_still_works();
		world_down();
	}
}

/* Across zones: loopc.sld2.other. -> x.bind.tld. -> loopc again. The
 * loop is found when the chain comes back to a name already in the
 * answer, not after max_cname restarts. */
static void test_loop_across_zones(void)
{
	world_up();
	net.srv[s_bind].flags = FAKE_LOOP_SERVFAIL;
	CHECK(fakenet_resolve(&net, it, "loopc.sld2.other.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() <= 8, "%u", upstream());
	CHECK(fakenet_resolve(&net, it, "x.bind.tld.", RR_AAAA) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() <= 2, "%u", upstream());
	CHECK(fakenet_resolve(&net, it, "www.sld2.other.", RR_A) ==
	      RCODE_NOERROR);
	zone_still_works();
	world_down();
}

/* A policy REFUSED for one name (a DNS firewall on the zone's server):
 * SERVFAIL for that name; the server is asked last for a minute, never
 * taken for lame, so the zone it alone serves keeps working. */
static void test_refused_one_name(void)
{
	world_up();
	net.srv[s_bind].flags = FAKE_REFUSE_ODD;
	CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECK(iter_result(it)->ede.code == ANSWER_EDE_NONE);   /* it answered */
	CHECK(lame_for(s_bind, "bind.tld.") == INFRA_AVOID);
	zone_still_works();
	/* a recursive server's reply (RA, no AA) shows for every query:
	 * kept for the zone; as its only server it is asked again, to
	 * recurse, and that answer is taken (Unbound's rec_lame) */
	net.srv[s_bind].flags = FAKE_RECURSIVE;
	cache_flush(cache);
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(lame_for(s_bind, "bind.tld.") == INFRA_RECLAME);
	CHECK(net.nlog >= 2 && net.log[net.nlog - 1].server == s_bind &&
	      net.log[net.nlog - 1].rd && !net.log[net.nlog - 2].rd);
	world_down();
}

/* A server that never answers AAAA queries is down for AAAA only. */
static void test_drop_one_type(void)
{
	struct infra_info i;

	world_up();
	net.srv[s_bind].flags = FAKE_DROP_AAAA;
	for (int k = 0; k < 3; k++) {
		char name[32];

		snprintf(name, sizeof(name), "n%d.bind.tld.", k);
		CHECK(fakenet_resolve(&net, it, name, RR_AAAA) ==
		      RCODE_SERVFAIL);
	}
	infra_get(infra, srv_sa(s_bind), RR_AAAA, net.now, &i);
	CHECK(i.down);
	CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(iter_get_stats(it)->timeouts == 0);
	world_down();
}

/* A wait the client query's own time budget cut short is not the
 * server's timeout. */
static void test_clipped_wait(void)
{
	struct infra_info i;

	world_up();
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	infra_rtt(infra, srv_sa(s_bind), 4000, net.now);     /* RTO 12 s */
	net.srv[s_bind].flags = FAKE_TIMEOUT;
	rc.max_time_ms = 2000;
	CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECK(upstream() == 1);
	infra_get(infra, srv_sa(s_bind), RR_A, net.now, &i);
	CHECKF(i.timeouts == 0 && !i.down, "%u", i.timeouts);
	world_down();
}

/* FORMERR to one odd query with EDNS, from a server EDNS is known to
 * work with: that query is asked again without EDNS; the server keeps
 * EDNS for the others. */
static void test_odd_formerr(void)
{
	struct infra_info i;
	unsigned plain = 0;

	world_up();
	net.srv[s_bind].flags = FAKE_FORMERR_TXT;
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_TXT) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.bind.tld.", RR_TXT, MSG_ANSWER));
	infra_get(infra, srv_sa(s_bind), RR_A, net.now, &i);
	CHECK(!i.no_edns);
	net.nlog = 0;
	CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	for (unsigned k = 0; k < net.nlog; k++)
		plain += !net.log[k].edns;
	CHECK(plain == 0);
	world_down();
}

/* 0x20: a server that loses the case is asked again in lowercase (once
 * the case-lost reply was not followed by one with our case) and infra
 * remembers it; a spoofer's case-lost copy loses the race to the real
 * reply and teaches infra nothing. */
static void test_0x20_fallback(void)
{
	struct infra_info i;

	world_up();
	rc.use_0x20 = true;
	net.srv[s_bind].flags = FAKE_LOWER;
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.bind.tld.", RR_A, MSG_ANSWER));
	CHECK(iter_get_stats(it)->timeouts == 0);
	infra_get(infra, srv_sa(s_bind), RR_A, net.now, &i);
	CHECK(i.no_0x20 && !i.down && i.timeouts == 0);
	CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(upstream() == 1);
	world_down();

	world_up();
	rc.use_0x20 = true;
	net.srv[s_bind].flags = FAKE_SPOOF_LOWER;
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(iter_get_stats(it)->timeouts == 0);
	infra_get(infra, srv_sa(s_bind), RR_A, net.now, &i);
	CHECK(!i.no_0x20);
	world_down();
}

/* 50 glueless NS names that do not exist (NXNS), two labels under the
 * cut other. (each costs a minimised query and the full one): lookups
 * stop after Unbound's 5 NXDOMAINs, 7 queries in all (Unbound, which
 * counts NXDOMAIN targets, sends about as many here). */
static void test_nxns_bound(void)
{
	char zone[4096];
	size_t off;
	unsigned other_before;

	world_up();
	CHECK(fakenet_resolve(&net, it, "www.other.", RR_A) == RCODE_NXDOMAIN);
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	off = (size_t)snprintf(zone, sizeof(zone),
			       "$TTL 300\n@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\n"
			       "ns1 A 192.0.2.10\n");
	for (int i = 0; i < 50; i++)
		off += (size_t)snprintf(zone + off, sizeof(zone) - off,
					"nxns NS n%d.victim.other.\n", i);
	CHECK(fakenet_zone(&net, s_tld2, "tld.", zone) == 0);
	tld_first(s_tld2);
	other_before = net.srv[s_other].queries;
	CHECK(fakenet_resolve(&net, it, "www.nxns.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(net.srv[s_other].queries - other_before <= 6, "%u",
	       net.srv[s_other].queries - other_before);
	CHECKF(upstream() <= 7, "%u", upstream());
	/* the NXDOMAIN names now come from the cache: fewer still */
	CHECK(fakenet_resolve(&net, it, "www2.nxns.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() <= 2, "%u", upstream());
	world_down();
}

/* Every server of the zone known dead: SERVFAIL at once, nothing sent,
 * until the probe interval lets one query through. */
static void test_dead_zone(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	net.srv[s_bind].flags = FAKE_TIMEOUT;
	for (int k = 0; k < 2; k++) {
		CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
		      RCODE_SERVFAIL);
		CHECK(iter_result(it)->ede.code ==
		      EDNS_EDE_NO_REACHABLE_AUTHORITY);
	}
	CHECK(fakenet_resolve(&net, it, "la.bind.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() == 0, "%u", upstream());
	CHECK(iter_result(it)->ede.code == EDNS_EDE_NO_REACHABLE_AUTHORITY);
	/* with nothing stale to give, the SERVFAIL keeps its reason */
	CHECK(!iter_try_stale(it, net.now));
	CHECK(iter_result(it)->ede.code == EDNS_EDE_NO_REACHABLE_AUTHORITY);
	net.now += 31000;
	net.srv[s_bind].flags = 0;
	CHECK(fakenet_resolve(&net, it, "odd.bind.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(fakenet_resolve(&net, it, "www.bind.tld.", RR_TXT) ==
	      RCODE_NOERROR);
	world_down();
}

/* A delegation whose only server is the parent's own, which answers
 * with the referral again (a lame child): SERVFAIL, quickly, as Unbound
 * 1.26 does; the parent zone and its server are not harmed. */
static void test_self_referral(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "www.selfref.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() <= 6, "%u", upstream());
	CHECK(lame_for(s_tld1, "tld.") == INFRA_OK);
	CHECK(fakenet_resolve(&net, it, "www.selfref.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() <= 1, "%u", upstream());
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) ==
	      RCODE_NOERROR);
	world_down();
}

int main(void)
{
	rcu_register_thread();
	test_loop();
	test_loop_across_zones();
	test_refused_one_name();
	test_drop_one_type();
	test_clipped_wait();
	test_odd_formerr();
	test_0x20_fallback();
	test_nxns_bound();
	test_dead_zone();
	test_self_referral();
	rcu_unregister_thread();
	return check_done();
}
