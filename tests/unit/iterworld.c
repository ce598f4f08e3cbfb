/* The fake world of the iterator tests (iterworld.h): a root, a TLD,
 * second-level zones and misbehaving servers, answered by banchi's
 * authoritative engine over tests/unit/fakenet.c, with a fake clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "iterworld.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "wire/rrtype.h"
#include "zone/zonedb.h"

static const char root_zone[] =
	"$TTL 3600\n"
	"@ SOA a.root-servers.net. h. 1 2 3 4 3600\n"
	"@ NS a.root-servers.net.\n"
	"a.root-servers.net. A 192.0.2.1\n"
	"tld. NS ns1.tld.\n"
	"tld. NS ns2.tld.\n"
	"ns1.tld. A 192.0.2.10\n"
	"ns2.tld. A 192.0.2.11\n"
	"other. NS ns.other.\n"
	"ns.other. A 192.0.2.20\n"
	"fwd. NS ns.fwd.\n"
	"ns.fwd. A 192.0.2.1\n";

const char tld_zone[] =
	"$TTL 3600\n"
	"@ SOA ns1 h 1 2 3 4 300\n"
	"@ NS ns1\n"
	"@ NS ns2\n"
	"ns1 A 192.0.2.10\n"
	"ns2 A 192.0.2.11\n"
	"sld NS ns.sld\n"
	"ns.sld A 192.0.2.30\n"
	"glueless NS ns.sld2.other.\n"
	"v6glueless NS ns.v6.other.\n"
	"loop NS ns.loop\n"
	"ns.loop A 127.0.0.5\n"
	"dn DNAME sld.tld.\n"
	"selfref NS ns.selfref\n"
	"ns.selfref A 192.0.2.10\n"
	"bind NS ns.bind\n"
	"ns.bind A 192.0.2.50\n"
	"alias CNAME www.sld2.other.\n"
	/* for the fallbacks of test_iter_fallback.c, whose servers it makes */
	"pc NS ns.pcnet.other.\n"
	"badip NS ns.badip\n"
	"badip NS ns2.badip\n"
	"ns.badip 10 A 192.0.2.80\n"
	"ns2.badip A 192.0.2.81\n"
	"empty NS ns.empty\n"
	"empty NS ns.sld2.other.\n"
	"ns.empty A 192.0.2.84\n";

static const char other_zone[] =
	"$TTL 3600\n"
	"@ SOA ns h 1 2 3 4 300\n"
	"@ NS ns\n"
	"ns A 192.0.2.20\n"
	"pcnet NS ns.pcnet\n"
	"ns.pcnet A 192.0.2.70\n"
	"sld2 NS ns.sld2\n"
	"ns.sld2 A 192.0.2.40\n"
	"v6 NS ns.v6\n"
	"ns.v6 AAAA 2001:db8::60\n";

static const char v6_zone[] =
	"$TTL 300\n"
	"@ SOA ns h 1 2 3 4 300\n"
	"@ NS ns\n"
	"ns AAAA 2001:db8::60\n";

static const char v6glueless_zone[] =
	"$TTL 300\n"
	"@ SOA ns.v6.other. h 1 2 3 4 300\n"
	"@ NS ns.v6.other.\n"
	"www A 192.0.2.66\n";

const char sld_zone[] =
	"$TTL 300\n"
	"@ SOA ns h 1 2 3 4 60\n"
	"@ NS ns\n"
	"ns A 192.0.2.30\n"
	"www A 192.0.2.100\n"
	"zero 0 A 192.0.2.99\n"
	"deep.a.b.c A 192.0.2.101\n"
	"cname CNAME www\n"
	"long DNAME "
	"a234567890123456789012345678901234567890123456789012345678901."
	"b234567890123456789012345678901234567890123456789012345678901."
	"c234567890123456789012345678901234567890123456789012345678901."
	"d2345678901234567890123456789.\n";

static const char sld2_zone[] =
	"$TTL 300\n"
	"@ SOA ns h 1 2 3 4 300\n"
	"@ NS ns\n"
	"ns A 192.0.2.40\n"
	"www A 192.0.2.200\n"
	"loopa CNAME loopb.glueless.tld.\n"
	"loopc CNAME x.bind.tld.\n";

static const char glueless_zone[] =
	"$TTL 300\n"
	"@ SOA ns.sld2.other. h 1 2 3 4 300\n"
	"@ NS ns.sld2.other.\n"
	"www A 192.0.2.201\n"
	"loopb CNAME loopa.sld2.other.\n";

static const char loop_zone[] =
	"$TTL 300\n"
	"@ SOA ns h 1 2 3 4 300\n"
	"@ NS ns\n"
	"ns A 127.0.0.5\n"
	"www A 192.0.2.77\n";

/* Served by s_bind, whose flags the tests set (BIND's answers). */
static const char bind_zone[] =
	"$TTL 300\n"
	"@ SOA ns h 1 2 3 4 300\n"
	"@ NS ns\n"
	"ns A 192.0.2.50\n"
	"www A 192.0.2.51\n"
	"www TXT \"bind\"\n"
	"odd A 192.0.2.52\n"
	"la CNAME lb\n"
	"lb CNAME la\n"
	"x CNAME loopc.sld2.other.\n";

static const char fwd_zone[] =
	"$TTL 300\n"
	"@ SOA ns h 1 2 3 4 300\n"
	"@ NS ns\n"
	"ns A 192.0.2.1\n"
	"www A 192.0.2.55\n";

/* The world of one scenario. */
struct fakenet net;
struct res_conf rc;
static struct res_hint hint;
struct cache *cache;
struct infra *infra;
struct res_env env;
struct iter *it;
int s_root, s_tld1, s_tld2, s_other, s_sld, s_sld2, s_loop, s_v6, s_bind;

/* Replayable "randomness" (xorshift). */
static uint64_t rnd_state = 88172645463325252ull;

static void fake_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rnd_state ^= rnd_state << 13;
		rnd_state ^= rnd_state >> 7;
		rnd_state ^= rnd_state << 17;
		p[i] = (uint8_t)rnd_state;
	}
}

const struct sockaddr *srv_sa(int i)
{
	return (const struct sockaddr *)&net.srv[i].addr.sa;
}

/* Makes server i look slow so that the others are chosen first. */
void make_slow(int i)
{
	infra_rtt(infra, srv_sa(i), 1500, net.now);
}

/* Which TLD server is asked first (the other one only after it). */
void tld_first(int i)
{
	infra_flush(infra);
	infra_rtt(infra, srv_sa(i), 10, net.now);
	make_slow(i == s_tld1 ? s_tld2 : s_tld1);
}

void world_up(void)
{
	struct cache_conf cc;

	fakenet_init(&net);
	s_root = fakenet_server(&net, "192.0.2.1", 0);
	CHECK(fakenet_zone(&net, s_root, ".", root_zone) == 0);
	CHECK(fakenet_zone(&net, s_root, "fwd.", fwd_zone) == 0);
	s_tld1 = fakenet_server(&net, "192.0.2.10", 0);
	CHECK(fakenet_zone(&net, s_tld1, "tld.", tld_zone) == 0);
	s_tld2 = fakenet_server(&net, "192.0.2.11", 0);  /* lame: no zone */
	s_other = fakenet_server(&net, "192.0.2.20", 0);
	CHECK(fakenet_zone(&net, s_other, "other.", other_zone) == 0);
	s_sld = fakenet_server(&net, "192.0.2.30", 0);
	CHECK(fakenet_zone(&net, s_sld, "sld.tld.", sld_zone) == 0);
	s_sld2 = fakenet_server(&net, "192.0.2.40", 0);
	CHECK(fakenet_zone(&net, s_sld2, "sld2.other.", sld2_zone) == 0);
	CHECK(fakenet_zone(&net, s_sld2, "glueless.tld.", glueless_zone) == 0);
	s_v6 = fakenet_server(&net, "2001:db8::60", 0);
	CHECK(fakenet_zone(&net, s_v6, "v6.other.", v6_zone) == 0);
	CHECK(fakenet_zone(&net, s_v6, "v6glueless.tld.", v6glueless_zone) == 0);
	s_bind = fakenet_server(&net, "192.0.2.50", 0);
	CHECK(fakenet_zone(&net, s_bind, "bind.tld.", bind_zone) == 0);
	s_loop = fakenet_server(&net, "127.0.0.5", 0);
	CHECK(fakenet_zone(&net, s_loop, "loop.tld.", loop_zone) == 0);

	res_conf_init(&rc);
	rc.use_0x20 = false;    /* the query logs compare names: tests of
				 * 0x20 turn it on */
	name_from_text(hint.name, "a.root-servers.net.", 19, NULL);
	fakenet_addr(&hint.addr, "192.0.2.1");
	rc.hints = &hint;
	rc.nhints = 1;
	cache_conf_init(&cc);
	cache = cache_new(&cc);
	infra = infra_new(1000);
	env.cache = cache;
	env.infra = infra;
	env.conf = &rc;
	env.random = fake_random;
	it = iter_new(&env);
	CHECK(cache && infra && it);
	tld_first(s_tld1);
}

void world_down(void)
{
	iter_free(it);
	cache_free(cache);
	infra_free(infra);
	fakenet_clear(&net);
}

bool cached(const char *name, uint16_t type)
{
	static uint8_t buf[65536 + 2 * NAME_MAXLEN];
	uint8_t n[NAME_MAXLEN];
	struct cache_hit hit;

	name_from_text(n, name, strlen(name), NULL);
	return cache_get(cache, n, type, CLASS_IN, net.now, 0, RANK_NONE, &hit,
			 buf, sizeof(buf)) == 1;
}

/* Does the answer hold a set of type at owner in section sec? */
bool has_set(const char *owner, uint16_t type, int sec)
{
	const struct answer *a = iter_result(it);
	uint8_t n[NAME_MAXLEN];

	name_from_text(n, owner, strlen(owner), NULL);
	for (uint16_t i = 0; i < a->nsets; i++)
		if (a->sets[i].section == sec && a->sets[i].set.type == type &&
		    name_equal(a->sets[i].set.owner, n))
			return true;
	return false;
}

void dump_log(void)
{
	for (unsigned i = 0; i < net.nlog; i++)
		fprintf(stderr, "  %u: srv %d %s %u%s%s%s\n", i, net.log[i].server,
			net.log[i].qname, net.log[i].qtype,
			net.log[i].tcp ? " tcp" : "", net.log[i].rd ? " rd" : "",
			net.log[i].edns ? " edns" : "");
}

unsigned upstream(void)
{
	return iter_get_stats(it)->upstream;
}

