/* Iterator scenarios in the fake world of iterworld.c (a root, a TLD,
 * second-level zones and misbehaving servers, answered by banchi's
 * authoritative engine, with a fake clock). Also res_conf. What one
 * query may not do to the others is in test_iter_giveup.c. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <urcu.h>

#include "check.h"
#include "iterworld.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "resolve/iter.h"
#include "wire/rrtype.h"
#include "zone/zonedb.h"

/* The fresh answer carries the TTLs the cache will give later (caps). */
static void test_ttl_caps(void)
{
	struct cache_conf cc;
	const struct answer *a;

	world_up();
	cache_free(cache);
	cache_conf_init(&cc);
	cc.max_ttl = 5;
	cc.neg_max_ttl = 3;
	cache = cache_new(&cc);
	env.cache = cache;
	for (int round = 0; round < 2; round++) {
		CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) ==
		      RCODE_NOERROR);
		a = iter_result(it);
		CHECKF(a->nsets == 1 && (round ? a->sets[0].set.ttl <= 5 :
					 a->sets[0].set.ttl == 5), "%u",
		       a->sets[0].set.ttl);
		CHECK(fakenet_resolve(&net, it, "nx.sld.tld.", RR_A) ==
		      RCODE_NXDOMAIN);
		a = iter_result(it);
		CHECK(a->nsets == 1 && a->sets[0].set.ttl <= 3);
	}
	world_down();
}

static void test_referral_chain(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("www.sld.tld.", RR_A, MSG_ANSWER));
	CHECK(iter_result(it)->nsets == 1);
	/* priming first: ". NS" to the hint */
	CHECK(net.nlog > 0 && strcmp(net.log[0].qname, ".") == 0 &&
	      net.log[0].qtype == RR_NS && net.log[0].server == s_root);
	CHECK(net.log[0].edns && !net.log[0].rd);
	CHECK(net.srv[s_sld].queries >= 1);
	CHECK(cached("tld.", RR_NS) && cached("sld.tld.", RR_NS));
	CHECK(cached("ns.sld.tld.", RR_A));
	/* a second name in the zone goes straight to the sld server */
	net.nlog = 0;
	CHECK(fakenet_resolve(&net, it, "cname.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("cname.sld.tld.", RR_CNAME, MSG_ANSWER));
	CHECK(has_set("www.sld.tld.", RR_A, MSG_ANSWER));
	CHECKF(upstream() == 1, "%u", upstream());
	CHECK(net.nlog == 1 && net.log[0].server == s_sld);
	/* and the answer itself is now a cache hit */
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(upstream() == 0);
	world_down();
}

static void test_qname_min(void)
{
	static const char *want[] = { ".", "tld.", "sld.tld.", "c.sld.tld.",
				      "b.c.sld.tld.", "a.b.c.sld.tld.",
				      "deep.a.b.c.sld.tld." };
	unsigned n = sizeof(want) / sizeof(want[0]);

	world_up();
	CHECK(fakenet_resolve(&net, it, "DEEP.a.b.c.sld.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("deep.a.b.c.sld.tld.", RR_A, MSG_ANSWER));
	CHECKF(net.nlog == n, "%u queries", net.nlog);
	if (net.nlog != n)
		dump_log();
	for (unsigned i = 0; i < n && i < net.nlog; i++) {
		CHECKF(strcmp(net.log[i].qname, want[i]) == 0, "query %u: %s",
		       i, net.log[i].qname);
		CHECK(net.log[i].qtype == (i == 0 ? RR_NS : RR_A));
	}
	world_down();

	/* off: the full name every time */
	world_up();
	rc.qname_min = false;
	CHECK(fakenet_resolve(&net, it, "deep.a.b.c.sld.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(net.nlog == 4);
	for (unsigned i = 1; i < net.nlog; i++)
		CHECK(strcmp(net.log[i].qname, "deep.a.b.c.sld.tld.") == 0);
	world_down();
}

static void test_glueless(void)
{
	bool asked = false;

	world_up();
	CHECK(fakenet_resolve(&net, it, "www.glueless.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.glueless.tld.", RR_A, MSG_ANSWER));
	for (unsigned i = 0; i < net.nlog; i++)
		if (strcmp(net.log[i].qname, "ns.sld2.other.") == 0 &&
		    net.log[i].server == s_sld2)
			asked = true;
	CHECK(asked);
	CHECK(cached("ns.sld2.other.", RR_A));
	world_down();
}

static void test_v6_and_types(void)
{
	world_up();
	/* the NS name has only an AAAA: A is asked, then AAAA */
	CHECK(fakenet_resolve(&net, it, "www.v6glueless.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.v6glueless.tld.", RR_A, MSG_ANSWER));
	CHECK(net.srv[s_v6].queries >= 3);
	CHECK(cached("ns.v6.other.", RR_AAAA));

	/* priming left the root NS set and its address in the cache */
	CHECK(cached(".", RR_NS) && cached("a.root-servers.net.", RR_A));

	/* DS is asked of the parent side of the cut */
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	net.nlog = 0;
	CHECK(fakenet_resolve(&net, it, "sld.tld.", RR_DS) == RCODE_NOERROR);
	CHECK(net.nlog == 1 && net.log[0].server == s_tld1);
	CHECK(has_set("tld.", RR_SOA, MSG_AUTHORITY));

	/* ANY: what the server gives, taken whole */
	CHECK(fakenet_resolve(&net, it, "sld.tld.", RR_ANY) == RCODE_NOERROR);
	CHECK(iter_result(it)->nsets >= 1);
	world_down();
}

static void test_cname_other_zone(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "alias.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("alias.tld.", RR_CNAME, MSG_ANSWER));
	CHECK(has_set("www.sld2.other.", RR_A, MSG_ANSWER));
	CHECK(iter_result(it)->nsets == 2);
	CHECK(cached("alias.tld.", RR_CNAME) && cached("www.sld2.other.", RR_A));
	world_down();
}

static void test_dname(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "www.dn.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("dn.tld.", RR_DNAME, MSG_ANSWER));
	CHECK(has_set("www.dn.tld.", RR_CNAME, MSG_ANSWER));
	CHECK(has_set("www.sld.tld.", RR_A, MSG_ANSWER));
	CHECK(iter_result(it)->nsets == 3);
	/* from the cache: the same three sets, the DNAME first (RFC 6672
	 * 3.4), also for another type under it */
	CHECK(fakenet_resolve(&net, it, "www.dn.tld.", RR_A) == RCODE_NOERROR);
	CHECK(upstream() == 0 && iter_result(it)->nsets == 3);
	CHECK(iter_result(it)->sets[0].set.type == RR_DNAME);
	CHECK(fakenet_resolve(&net, it, "www.dn.tld.", RR_AAAA) ==
	      RCODE_NOERROR);
	CHECK(has_set("dn.tld.", RR_DNAME, MSG_ANSWER));
	CHECK(has_set("www.dn.tld.", RR_CNAME, MSG_ANSWER));
	/* the substitution would be over 255 octets: YXDOMAIN (RFC 6672) */
	CHECK(fakenet_resolve(&net, it,
			      "x23456789012345678901234567890123456789.long.sld.tld.",
			      RR_A) == RCODE_YXDOMAIN);
	CHECK(has_set("long.sld.tld.", RR_DNAME, MSG_ANSWER));
	CHECK(iter_result(it)->nsets == 1);
	world_down();
}

static void test_negative(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "nx.sld.tld.", RR_A) == RCODE_NXDOMAIN);
	CHECK(has_set("sld.tld.", RR_SOA, MSG_AUTHORITY));
	CHECK(upstream() > 0);
	CHECK(fakenet_resolve(&net, it, "nx.sld.tld.", RR_A) == RCODE_NXDOMAIN);
	CHECKF(upstream() == 0, "%u", upstream());
	/* NXDOMAIN covers every type */
	CHECK(fakenet_resolve(&net, it, "nx.sld.tld.", RR_MX) == RCODE_NXDOMAIN);
	CHECK(upstream() == 0);

	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_AAAA) ==
	      RCODE_NOERROR);
	CHECK(!has_set("www.sld.tld.", RR_AAAA, MSG_ANSWER));
	CHECK(has_set("sld.tld.", RR_SOA, MSG_AUTHORITY));
	CHECK(upstream() == 1);
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_AAAA) ==
	      RCODE_NOERROR);
	CHECK(upstream() == 0);
	CHECK(iter_result(it)->nsets == 1);
	/* negative TTL = min(SOA TTL 300, MINIMUM 60): gone after 61 s */
	net.now += 61000;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_AAAA) ==
	      RCODE_NOERROR);
	CHECK(upstream() == 1);
	world_down();
}

static void test_lame(void)
{
	world_up();
	tld_first(s_tld2);      /* the lame one is asked first */
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	/* minimised, then the full name (RFC 9156 relaxed), then lame */
	CHECK(net.srv[s_tld2].queries == 2);
	/* REFUSED: asked last for a while (not lame: a server may refuse
	 * one name by policy, test_iter_giveup.c) */
	CHECK(infra_lame(infra, srv_sa(s_tld2), (const uint8_t *)"\3tld",
			 RR_A, net.now) == INFRA_AVOID);
	cache_flush(cache);
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(net.srv[s_tld2].queries == 2);
	world_down();
}

/* Lowest smoothed RTT mostly, others within the 400 ms band sometimes,
 * never one far slower while a fast one answers. */
static void test_selection(void)
{
	unsigned q1, q2;

	world_up();
	CHECK(fakenet_zone(&net, s_tld2, "tld.", tld_zone) == 0);
	infra_flush(infra);
	infra_rtt(infra, srv_sa(s_tld1), 50, net.now);
	infra_rtt(infra, srv_sa(s_tld2), 300, net.now);
	for (int i = 0; i < 40; i++) {
		cache_flush(cache);
		CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) ==
		      RCODE_NOERROR);
	}
	q1 = net.srv[s_tld1].queries;
	q2 = net.srv[s_tld2].queries;
	CHECKF(q1 > 0 && q2 > 0, "%u %u", q1, q2);
	world_down();

	world_up();
	CHECK(fakenet_zone(&net, s_tld2, "tld.", tld_zone) == 0);
	for (int i = 0; i < 20; i++) {
		cache_flush(cache);
		CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) ==
		      RCODE_NOERROR);
	}
	CHECKF(net.srv[s_tld2].queries == 0, "%u", net.srv[s_tld2].queries);
	world_down();
}

static void test_timeout(void)
{
	world_up();
	net.srv[s_tld2].flags = FAKE_TIMEOUT;
	CHECK(fakenet_zone(&net, s_tld2, "tld.", tld_zone) == 0);
	tld_first(s_tld2);
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(iter_get_stats(it)->timeouts == 1);
	CHECK(net.srv[s_tld2].queries == 1 && net.srv[s_tld1].queries >= 1);
	world_down();

	/* nobody answers: SERVFAIL after two tries of the hint (priming
	 * and then the question do not wait for it twice each) */
	world_up();
	net.srv[s_root].flags = FAKE_TIMEOUT;
	uint64_t t0 = net.now;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_SERVFAIL);
	CHECK(net.now - t0 <= rc.max_time_ms);
	CHECKF(upstream() == 2 && iter_get_stats(it)->timeouts == 2, "%u",
	       upstream());
	world_down();

	/* a slow hint eats the time: SERVFAIL at max_time_ms */
	world_up();
	rc.max_time_ms = 500;
	net.srv[s_root].flags = FAKE_TIMEOUT;
	t0 = net.now;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_SERVFAIL);
	CHECKF(net.now - t0 <= 500, "%llu", (unsigned long long)(net.now - t0));
	world_down();
}

static void test_tcp(void)
{
	bool tcp = false;

	world_up();
	net.srv[s_sld].flags = FAKE_TC;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("www.sld.tld.", RR_A, MSG_ANSWER));
	CHECK(iter_get_stats(it)->tcp == 1);
	for (unsigned i = 0; i < net.nlog; i++)
		if (net.log[i].tcp)
			tcp = net.log[i].server == s_sld &&
			      i > 0 && !net.log[i - 1].tcp;
	CHECK(tcp);
	world_down();
}

/* A 10 KB RRset: truncated over UDP by the server, fetched over TCP,
 * assembled in a grown buffer, answered whole. */
static void test_big_set(void)
{
	static char zone[16384];
	size_t off;
	const struct answer *a;

	world_up();
	off = (size_t)snprintf(zone, sizeof(zone), "%s", sld_zone);
	for (int i = 0; i < 100; i++)
		off += (size_t)snprintf(zone + off, sizeof(zone) - off,
					"big TXT \"%03d %090d\"\n", i, i);
	zonedb_free(net.srv[s_sld].db);
	net.srv[s_sld].db = zonedb_new();
	CHECK(fakenet_zone(&net, s_sld, "sld.tld.", zone) == 0);
	CHECK(fakenet_resolve(&net, it, "big.sld.tld.", RR_TXT) ==
	      RCODE_NOERROR);
	a = iter_result(it);
	CHECK(a->nsets == 1 && a->sets[0].set.count == 100);
	CHECK(iter_get_stats(it)->tcp == 1);
	CHECK(cached("big.sld.tld.", RR_TXT));
	world_down();
}

static void test_poison(void)
{
	world_up();
	net.srv[s_tld1].flags = FAKE_POISON;
	net.srv[s_sld].flags = FAKE_POISON;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("www.sld.tld.", RR_A, MSG_ANSWER));
	CHECK(!has_set("poison.victim.", RR_A, MSG_ANSWER));
	CHECK(iter_result(it)->nsets == 1);
	CHECK(!cached("poison.victim.", RR_A));
	CHECK(!cached("victim.", RR_NS));
	CHECK(!cached("ns.evil.", RR_A));
	CHECK(!cached("ns.sld2.other.", RR_A));
	/* out-of-bailiwick glue for a delegation is neither used nor kept */
	CHECK(fakenet_resolve(&net, it, "www.glueless.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(has_set("www.glueless.tld.", RR_A, MSG_ANSWER));
	for (unsigned i = 0; i < net.nlog; i++)
		CHECK(net.log[i].server >= 0);  /* never 6.6.6.6 */
	CHECK(net.srv[s_sld2].queries >= 2);
	/* an answer's CNAME target outside the zone: its data is not taken */
	CHECK(fakenet_resolve(&net, it, "alias.tld.", RR_A) == RCODE_NOERROR);
	CHECK(iter_result(it)->nsets == 2 &&
	      iter_result(it)->sets[1].set.rdata_len == 6 &&
	      iter_result(it)->sets[1].set.rdata[2] == 192);
	world_down();
}

static void test_spoof(void)
{
	world_up();
	for (int i = 0; i < net.nsrv; i++)
		net.srv[i].flags = FAKE_SPOOF_FIRST;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(iter_get_stats(it)->timeouts == 0);
	world_down();

	/* the iterator itself: wrong ID, not a response, other question */
	world_up();
	uint8_t qn[NAME_MAXLEN], rep[65535];
	struct iter_query q;

	name_from_text(qn, "www.sld.tld.", 12, NULL);
	CHECK(iter_begin(it, qn, RR_A, CLASS_IN, 0, net.now) == 0);
	CHECK(iter_step(it, net.now, &q) == ITER_SEND);
	memcpy(rep, q.pkt, q.len);
	CHECK(iter_consume(it, rep, q.len, net.now) == ITER_IGNORED);
	rep[2] |= 0x80;                 /* QR: now a reply with our ID */
	rep[0] ^= 1;
	CHECK(iter_consume(it, rep, q.len, net.now) == ITER_IGNORED);
	rep[0] ^= 1;
	rep[MSG_HDRLEN + 1] ^= 0x01;    /* another question: "\1" -> other */
	CHECK(iter_consume(it, rep, q.len, net.now) == ITER_IGNORED);
	CHECK(iter_consume(it, rep, 5, net.now) == ITER_IGNORED);
	/* malformed (trailing octet) with another question: still not
	 * ours, so it cannot make us give up on the server */
	rep[q.len] = 0;
	CHECK(iter_consume(it, rep, q.len + 1, net.now) == ITER_IGNORED);
	rep[MSG_HDRLEN + 1] ^= 0x01;    /* our question again: ours, bad */
	CHECK(iter_consume(it, rep, q.len + 1, net.now) == 0);
	world_down();
}

/* A bare reply to q: flags and rcode, the question, no records. */
static size_t bare_reply(const struct iter_query *q, uint16_t flags,
			 uint8_t *out)
{
	struct msg_query mq;
	struct msg_writer mw;
	struct msg_hdr h;

	if (msg_parse_query(&mq, q->pkt, q->len) < 0)
		return 0;
	h = mq.hdr;
	h.flags = (uint16_t)(MSG_FLAG_QR | flags);
	msg_writer_init(&mw, out, 512, &h, false);
	msg_writer_question(&mw, mq.qname, mq.qtype, mq.qclass);
	return (size_t)msg_writer_finish(&mw);
}

/* A UDP reply cut mid-record with TC: asked again over TCP; a
 * malformed reply otherwise: the next server. */
static void test_cut_reply(void)
{
	uint8_t qn[NAME_MAXLEN], rep[512];
	struct iter_query q;
	size_t len;

	world_up();
	name_from_text(qn, "www.x.", 6, NULL);
	CHECK(iter_begin(it, qn, RR_A, CLASS_IN, 0, net.now) == 0);
	CHECK(iter_step(it, net.now, &q) == ITER_SEND && !q.tcp);
	len = bare_reply(&q, MSG_FLAG_AA | MSG_FLAG_TC, rep);
	rep[7] = 1;             /* one answer record counted, none there */
	CHECK(iter_consume(it, rep, len, net.now) == 0);
	CHECK(iter_step(it, net.now, &q) == ITER_SEND && q.tcp);
	len = bare_reply(&q, MSG_FLAG_AA, rep);
	rep[7] = 1;             /* the same over TCP: a broken server */
	CHECK(iter_consume(it, rep, len, net.now) == 0);
	/* priming failed, and the only hint was broken: not asked again */
	CHECK(iter_step(it, net.now, &q) == ITER_DONE);
	CHECK(iter_result(it)->rcode == RCODE_SERVFAIL);
	world_down();
}

/* Negative answers without an SOA: answered, never cached. */
static void test_negative_without_soa(void)
{
	uint8_t qn[NAME_MAXLEN], rep[512];
	struct iter_query q;
	unsigned sent = 0;
	size_t len;

	world_up();
	name_from_text(qn, "www.x.", 6, NULL);
	for (int round = 0; round < 2; round++) {
		CHECK(iter_begin(it, qn, RR_A, CLASS_IN, 0, net.now) == 0);
		while (sent < 20 && iter_step(it, net.now, &q) == ITER_SEND) {
			sent++;
			len = bare_reply(&q, MSG_FLAG_AA | RCODE_NXDOMAIN, rep);
			CHECK(iter_consume(it, rep, len, net.now) == 0);
		}
		CHECK(iter_result(it)->rcode == RCODE_NXDOMAIN);
		CHECK(iter_result(it)->nsets == 0);
		CHECK(iter_get_stats(it)->upstream >= 1);
	}
	CHECK(!cached("www.x.", RR_A));
	world_down();
}

static void test_0x20(void)
{
	bool mixed = false;

	world_up();
	rc.use_0x20 = true;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	for (unsigned i = 0; i < net.nlog; i++)
		if (strcmp(net.log[i].qname, "www.sld.tld.") != 0 &&
		    strcasecmp(net.log[i].qname, "www.sld.tld.") == 0)
			mixed = true;
	CHECK(mixed);
	world_down();

	/* a server that loses the case: asked again in lowercase (more in
	 * test_iter_giveup.c) */
	world_up();
	rc.use_0x20 = true;
	net.srv[s_sld].flags = FAKE_LOWER;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(strcmp(net.log[net.nlog - 1].qname, "www.sld.tld.") == 0);
	world_down();
}

static void test_edns_fallback(void)
{
	struct infra_info info;
	unsigned with = 0, without = 0;

	world_up();
	net.srv[s_sld].flags = FAKE_NO_EDNS;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	for (unsigned i = 0; i < net.nlog; i++)
		if (net.log[i].server == s_sld) {
			if (net.log[i].edns)
				with++;
			else
				without++;
		}
	CHECK(with == 1 && without == 1);
	infra_get(infra, srv_sa(s_sld), RR_A, net.now, &info);
	CHECK(info.no_edns);
	world_down();
}

static void test_forwarder(void)
{
	struct res_fwd fw;
	struct res_addr fa;

	world_up();
	memset(&fw, 0, sizeof(fw));
	name_from_text(fw.zone, "fwd.", 4, NULL);
	fakenet_addr(&fa, "192.0.2.1");
	fw.addrs = &fa;
	fw.naddrs = 1;
	rc.fwd = &fw;
	rc.nfwd = 1;
	CHECK(fakenet_resolve(&net, it, "www.fwd.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("www.fwd.", RR_A, MSG_ANSWER));
	CHECK(net.nlog == 1 && net.log[0].rd &&
	      strcmp(net.log[0].qname, "www.fwd.") == 0);
	CHECK(fakenet_resolve(&net, it, "www.fwd.", RR_A) == RCODE_NOERROR);
	CHECK(upstream() == 0);
	/* a stub zone: RD clear, iterated from the configured server */
	fw.stub = true;
	cache_flush(cache);
	net.nlog = 0;
	CHECK(fakenet_resolve(&net, it, "www.fwd.", RR_A) == RCODE_NOERROR);
	CHECK(net.nlog == 1 && !net.log[0].rd);
	world_down();
}

static void test_cname_loop(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "loopa.sld2.other.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECKF(upstream() <= rc.max_cname + 10, "%u", upstream());
	world_down();
}

static void test_loopback(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "www.loop.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECK(net.srv[s_loop].queries == 0);
	world_down();

	world_up();
	rc.query_loopback = true;
	CHECK(fakenet_resolve(&net, it, "www.loop.tld.", RR_A) ==
	      RCODE_NOERROR);
	CHECK(net.srv[s_loop].queries >= 1);
	world_down();
}

static void test_ttl0_and_stale(void)
{
	world_up();
	CHECK(fakenet_resolve(&net, it, "zero.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(has_set("zero.sld.tld.", RR_A, MSG_ANSWER));
	CHECK(fakenet_resolve(&net, it, "zero.sld.tld.", RR_A) == RCODE_NOERROR);
	CHECK(upstream() == 1 && has_set("zero.sld.tld.", RR_A, MSG_ANSWER));

	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_NOERROR);
	net.now += 400 * 1000;          /* past the TTL of 300 */
	for (int i = 0; i < net.nsrv; i++)
		net.srv[i].flags = FAKE_TIMEOUT;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_SERVFAIL);
	CHECK(iter_try_stale(it, net.now));
	CHECK(iter_result(it)->rcode == RCODE_NOERROR);
	CHECK(has_set("www.sld.tld.", RR_A, MSG_ANSWER));
	CHECK(fakenet_resolve(&net, it, "nothing.sld.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECK(!iter_try_stale(it, net.now));
	CHECK(iter_result(it)->rcode == RCODE_SERVFAIL);
	world_down();
}

static void test_limits(void)
{
	world_up();
	rc.max_upstream = 2;
	CHECK(fakenet_resolve(&net, it, "www.sld.tld.", RR_A) == RCODE_SERVFAIL);
	CHECK(upstream() == 2);
	world_down();

	world_up();
	rc.max_depth = 0;       /* no side goals at all: glueless fails */
	CHECK(fakenet_resolve(&net, it, "www.glueless.tld.", RR_A) ==
	      RCODE_SERVFAIL);
	CHECK(iter_begin(it, (const uint8_t *)"\120abc", RR_A, CLASS_IN, 0,
			 0) == BN_EINVAL);
	world_down();
}

static void test_conf(void)
{
	struct res_conf c;
	struct res_fwd fw[2];
	struct res_addr a;
	uint8_t n[NAME_MAXLEN];
	char err[256], path[] = "/tmp/test_iter_hintsXXXXXX";
	int fd;

	res_conf_init(&c);
	CHECK(c.qname_min && c.use_0x20 && !c.query_loopback);
	CHECK(c.edns_payload == 1232 && c.max_upstream == 64 &&
	      c.max_depth == 5 && c.max_cname == 12 &&
	      c.max_time_ms == 10000 && c.max_ns_names == 16);
	CHECK(res_conf_builtin_hints(&c) == 0);
	CHECK(c.nhints == 26);
	name_from_text(n, "m.root-servers.net.", 19, NULL);
	CHECK(name_equal(c.hints[24].name, n));
	fakenet_addr(&a, "202.12.27.33");
	CHECK(memcmp(&c.hints[24].addr.sa, &a.sa, a.len) == 0);
	fakenet_addr(&a, "2001:dc3::35");
	CHECK(memcmp(&c.hints[25].addr.sa, &a.sa, a.len) == 0);

	memset(fw, 0, sizeof(fw));
	name_from_text(fw[0].zone, "example.", 8, NULL);
	name_from_text(fw[1].zone, "corp.example.", 13, NULL);
	c.fwd = fw;
	c.nfwd = 2;
	name_from_text(n, "a.corp.example.", 15, NULL);
	CHECK(res_conf_forward(&c, n) == &fw[1]);
	name_from_text(n, "b.example.", 10, NULL);
	CHECK(res_conf_forward(&c, n) == &fw[0]);
	name_from_text(n, "example.org.", 12, NULL);
	CHECK(res_conf_forward(&c, n) == NULL);
	c.fwd = NULL;
	c.nfwd = 0;

	fakenet_addr(&a, "127.0.0.1");
	CHECK(res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "127.9.8.7");
	CHECK(res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "0.0.0.0");
	CHECK(res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "::1");
	CHECK(res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "::");
	CHECK(res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "::ffff:127.0.0.2");
	CHECK(res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "192.0.2.1");
	CHECK(!res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "::2");
	CHECK(!res_addr_is_loopback((struct sockaddr *)&a.sa));
	fakenet_addr(&a, "::ffff:192.0.2.1");
	CHECK(!res_addr_is_loopback((struct sockaddr *)&a.sa));

	/* a hints file */
	fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		static const char good[] =
			".  3600000 NS A.ROOT.TEST.\n"
			".  3600000 NS b.root.test.\n"
			"a.root.test. 3600000 A 127.0.0.2\n"
			"a.root.test. 3600000 AAAA ::1\n"
			"b.root.test. 3600000 A 127.0.0.3\n"
			"stray.test. 3600000 A 127.0.0.9\n";
		static const char bad[] = ". 60 NS a.root.test.\nfoo. 60 A 1.2.3\n";
		FILE *f = fdopen(fd, "w");

		fputs(good, f);
		fclose(f);
		CHECK(res_conf_load_hints(&c, path, err) == 0);
		CHECK(c.nhints == 3);
		fakenet_addr(&a, "127.0.0.3");
		CHECK(memcmp(&c.hints[2].addr.sa, &a.sa, a.len) == 0);
		f = fopen(path, "w");
		fputs(bad, f);
		fclose(f);
		CHECK(res_conf_load_hints(&c, path, err) < 0);
		CHECKF(strncmp(err, path, strlen(path)) == 0 &&
		       strstr(err, ":2: ") != NULL, "%s", err);
		CHECK(c.nhints == 3);   /* unchanged */
		f = fopen(path, "w");
		fputs("foo. 60 A 1.2.3.4\n", f);
		fclose(f);
		CHECK(res_conf_load_hints(&c, path, err) == BN_ENOTFOUND);
		CHECKF(strstr(err, "no NS") != NULL, "%s", err);
		unlink(path);
		CHECK(res_conf_load_hints(&c, path, err) < 0 && err[0]);
	}
	res_conf_clear(&c);
	CHECK(c.hints == NULL && c.nhints == 0);
}

int main(void)
{
	rcu_register_thread();
	test_conf();
	test_referral_chain();
	test_ttl_caps();
	test_qname_min();
	test_glueless();
	test_cname_other_zone();
	test_v6_and_types();
	test_dname();
	test_negative();
	test_lame();
	test_selection();
	test_timeout();
	test_tcp();
	test_big_set();
	test_poison();
	test_spoof();
	test_negative_without_soa();
	test_cut_reply();
	test_0x20();
	test_edns_fallback();
	test_forwarder();
	test_cname_loop();
	test_loopback();
	test_ttl0_and_stale();
	test_limits();
	rcu_unregister_thread();
	return check_done();
}
