/* Unit tests for src/resolve/infra.c: RFC 6298 RTO arithmetic, timeouts
 * doubling the RTO, a down server let through once per probe interval,
 * timeouts counted per kind of query, no-EDNS (kept only while EDNS is
 * not known to work), no-0x20, lame and avoid marks and their expiry,
 * the entry bound. */
#include <arpa/inet.h>
#include <pthread.h>
#include <time.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "resolve/infra.h"
#include "wire/name.h"
#include "wire/rrtype.h"

/* A few addresses may be alive at once: each call takes the next slot. */
static struct sockaddr_storage slots[4];
static unsigned slot;

static struct sockaddr_storage *next_slot(void)
{
	struct sockaddr_storage *ss = &slots[slot++ % 4];

	memset(ss, 0, sizeof(*ss));
	return ss;
}

static const struct sockaddr *v4(const char *addr, uint16_t port)
{
	struct sockaddr_storage *ss = next_slot();
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, addr, &s->sin_addr);
	return (const struct sockaddr *)ss;
}

static const struct sockaddr *v6(const char *addr, uint16_t port)
{
	struct sockaddr_storage *ss = next_slot();
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;

	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	inet_pton(AF_INET6, addr, &s->sin6_addr);
	return (const struct sockaddr *)ss;
}

static const uint8_t *nm(uint8_t *dst, const char *text)
{
	if (name_from_text(dst, text, strlen(text), NULL) < 0)
		abort();
	return dst;
}

static bool near(unsigned got, double want)
{
	return got + 1.0 >= want && got <= want + 1.0;
}

static void test_unknown(void)
{
	struct infra *in = infra_new(100);
	struct infra_info i;

	infra_get(in, v4("127.0.0.2", 53), RR_A, 0, &i);
	CHECK(!i.known && i.srtt_ms == INFRA_RTO_UNKNOWN &&
	      i.rto_ms == INFRA_RTO_UNKNOWN && i.timeouts == 0);
	CHECK(!i.down && !i.no_edns);
	infra_free(in);
}

/* The sequence of RFC 6298 2.2/2.3 computed in real numbers. */
static void test_rtt(void)
{
	static const unsigned rtt[] = { 100, 200, 40, 40, 40, 1000, 10 };
	struct infra *in = infra_new(100);
	struct infra_info i;
	double srtt = 0, var = 0;

	for (unsigned k = 0; k < sizeof(rtt) / sizeof(rtt[0]); k++) {
		if (k == 0) {
			srtt = rtt[0];
			var = rtt[0] / 2.0;
		} else {
			double d = srtt > rtt[k] ? srtt - rtt[k]
						 : rtt[k] - srtt;

			var = 0.75 * var + 0.25 * d;
			srtt = 0.875 * srtt + 0.125 * rtt[k];
		}
		infra_rtt(in, v4("127.0.0.2", 53), rtt[k], 1000 * k);
		infra_get(in, v4("127.0.0.2", 53), RR_A, 1000 * k, &i);
		CHECKF(i.known && near(i.srtt_ms, srtt), "step %u srtt %u %.1f",
		       k, i.srtt_ms, srtt);
		CHECKF(near(i.rto_ms, srtt + 4 * var), "step %u rto %u %.1f",
		       k, i.rto_ms, srtt + 4 * var);
	}
	/* Other port, other server. */
	infra_get(in, v4("127.0.0.2", 5353), RR_A, 0, &i);
	CHECK(!i.known);
	/* The floor: a 1 ms server still waits 50 ms. */
	for (unsigned k = 0; k < 40; k++)
		infra_rtt(in, v6("::1", 53), 1, 0);
	infra_get(in, v6("::1", 53), RR_A, 0, &i);
	CHECK(i.known && i.srtt_ms <= 2 && i.rto_ms == 50);
	infra_free(in);
}

static void test_timeouts(void)
{
	struct infra *in = infra_new(100);
	const struct sockaddr *sa = v4("127.0.0.3", 53);
	struct infra_info i;
	uint64_t t = 0;

	infra_timeout(in, sa, RR_A, INFRA_RTO_MAX, t);
	infra_get(in, sa, RR_A, t, &i);
	CHECK(i.rto_ms == 2 * INFRA_RTO_UNKNOWN && i.timeouts == 1 &&
	      !i.down && !i.known);
	infra_timeout(in, sa, RR_A, INFRA_RTO_MAX, t);
	infra_get(in, sa, RR_A, t, &i);
	CHECK(i.rto_ms == 4 * INFRA_RTO_UNKNOWN && !i.down);
	infra_timeout(in, sa, RR_A, INFRA_RTO_MAX, t);
	infra_get(in, sa, RR_A, t, &i);
	CHECK(i.timeouts == 3 && i.down);
	for (unsigned k = 0; k < 10; k++)
		infra_timeout(in, sa, RR_A, INFRA_RTO_MAX, t);
	infra_get(in, sa, RR_A, t, &i);
	CHECK(i.rto_ms == INFRA_RTO_MAX && i.down);
	/* About 30 s after the last failure, exactly one probe passes. */
	infra_get(in, sa, RR_A, t + 29000, &i);
	CHECK(i.down);
	infra_get(in, sa, RR_A, t + 31000, &i);
	CHECK(!i.down);
	infra_get(in, sa, RR_A, t + 31001, &i);
	CHECK(i.down);
	/* The probe timed out: down again, next probe 30 s later. */
	infra_timeout(in, sa, RR_A, INFRA_RTO_MAX, t + 32000);
	infra_get(in, sa, RR_A, t + 61000, &i);
	CHECK(i.down);
	infra_get(in, sa, RR_A, t + 63000, &i);
	CHECK(!i.down);
	/* A reply ends it. */
	infra_rtt(in, sa, 80, t + 64000);
	infra_get(in, sa, RR_A, t + 64000, &i);
	CHECK(!i.down && i.timeouts == 0 && i.known && i.srtt_ms == 80 &&
	      i.rto_ms == 240);
	infra_get(in, sa, RR_A, t + 64001, &i);
	CHECK(!i.down);
	infra_free(in);
}

/* Many queries in flight when the server stalls all time out: the first
 * loss doubles the RTO and counts; those sent before it (with the old
 * RTO) are the same outage. Only losses of queries sent after the
 * doubling count again, so it takes three rounds, not three queries. */
static void test_timeouts_in_flight(void)
{
	struct infra *in = infra_new(100);
	const struct sockaddr *sa = v4("127.0.0.7", 53);
	struct infra_info i;
	unsigned rto;

	infra_rtt(in, sa, 1, 0);
	infra_get(in, sa, RR_A, 0, &i);
	rto = i.rto_ms;
	CHECK(rto == 50);
	for (unsigned k = 0; k < 100; k++)
		infra_timeout(in, sa, k % 2 ? RR_DNSKEY : RR_A, rto, 60);
	infra_get(in, sa, RR_A, 60, &i);
	CHECK(i.rto_ms == 2 * rto && i.timeouts == 1 && !i.down);
	infra_get(in, sa, RR_DNSKEY, 60, &i);
	CHECK(i.timeouts == 0 && !i.down);
	/* the retries, sent with the doubled RTO, lost too */
	for (unsigned k = 0; k < 50; k++)
		infra_timeout(in, sa, RR_A, 2 * rto, 170);
	infra_get(in, sa, RR_A, 170, &i);
	CHECK(i.rto_ms == 4 * rto && i.timeouts == 2 && !i.down);
	infra_timeout(in, sa, RR_A, 4 * rto, 380);
	infra_get(in, sa, RR_A, 380, &i);
	CHECK(i.timeouts == 3 && i.down);
	infra_free(in);
}

/* Timeouts of one kind of query (A, AAAA, other) make the server down
 * for that kind only: a server that drops AAAA queries still answers A. */
static void test_timeout_kinds(void)
{
	struct infra *in = infra_new(100);
	const struct sockaddr *sa = v4("127.0.0.6", 53);
	struct infra_info i;

	for (unsigned k = 0; k < 3; k++)
		infra_timeout(in, sa, RR_AAAA, INFRA_RTO_MAX, 1000);
	infra_get(in, sa, RR_AAAA, 1000, &i);
	CHECK(i.down && i.timeouts == 3);
	infra_get(in, sa, RR_A, 1000, &i);
	CHECK(!i.down && i.timeouts == 0);
	infra_get(in, sa, RR_MX, 1000, &i);
	CHECK(!i.down);
	infra_timeout(in, sa, RR_MX, INFRA_RTO_MAX, 1000);
	infra_timeout(in, sa, RR_TXT, INFRA_RTO_MAX, 1000);
	infra_get(in, sa, RR_NS, 1000, &i);
	CHECK(i.timeouts == 2 && !i.down);
	/* any reply clears every kind */
	infra_rtt(in, sa, 20, 2000);
	infra_get(in, sa, RR_AAAA, 2000, &i);
	CHECK(!i.down && i.timeouts == 0);
	infra_free(in);
}

/* No-EDNS is kept only while EDNS is not known to work (one FORMERR
 * to an odd query must not turn it off); no-0x20 is kept as given. */
static void test_edns_0x20(void)
{
	struct infra *in = infra_new(100);
	const struct sockaddr *sa = v4("127.0.0.7", 53);
	struct infra_info i;

	infra_edns_ok(in, sa, 1000);
	infra_set_no_edns(in, sa, 2000);
	infra_get(in, sa, RR_A, 2000, &i);
	CHECK(!i.no_edns);
	infra_set_no_edns(in, sa, 1000 + INFRA_HOLD_MS);
	infra_get(in, sa, RR_A, 1000 + INFRA_HOLD_MS, &i);
	CHECK(i.no_edns);
	infra_edns_ok(in, sa, 2000 + INFRA_HOLD_MS);
	infra_get(in, sa, RR_A, 2000 + INFRA_HOLD_MS, &i);
	CHECK(!i.no_edns && !i.no_0x20);
	infra_set_no_0x20(in, sa, 3000);
	infra_get(in, sa, RR_A, 3000, &i);
	CHECK(i.no_0x20);
	infra_get(in, sa, RR_A, 3000 + INFRA_HOLD_MS, &i);
	CHECK(!i.no_0x20);
	infra_free(in);
}

static void test_marks(void)
{
	struct infra *in = infra_new(100);
	const struct sockaddr *sa;
	struct infra_info i;
	uint8_t z1[NAME_MAXLEN], z2[NAME_MAXLEN], z3[NAME_MAXLEN];

	nm(z1, "example.");
	nm(z2, "sub.example.");
	nm(z3, "Example.");
	sa = v4("127.0.0.4", 53);
	infra_set_no_edns(in, sa, 1000);
	infra_get(in, sa, RR_A, 1000, &i);
	CHECK(i.no_edns && !i.known);
	infra_get(in, sa, RR_A, 1000 + INFRA_HOLD_MS - 1, &i);
	CHECK(i.no_edns);
	infra_get(in, sa, RR_A, 1000 + INFRA_HOLD_MS, &i);
	CHECK(!i.no_edns);

	infra_set_lame(in, sa, z1, RR_A, INFRA_LAME, 5000);
	CHECK(infra_lame(in, sa, z1, RR_A, 5000) == INFRA_LAME);
	CHECK(infra_lame(in, sa, z3, RR_A, 5000) == INFRA_LAME); /* any case */
	CHECK(infra_lame(in, sa, z2, RR_A, 5000) == INFRA_OK); /* per zone */
	CHECK(infra_lame(in, v4("127.0.0.5", 53), z1, RR_A, 5000) == INFRA_OK);
	CHECK(infra_lame(in, sa, z1, RR_A, 5000 + INFRA_HOLD_MS - 1) == INFRA_LAME);
	CHECK(infra_lame(in, sa, z1, RR_A, 5000 + INFRA_HOLD_MS) == INFRA_OK);
	/* A failed query only makes the server be asked last, briefly,
	 * and never shortens a lame mark. */
	infra_set_lame(in, sa, z2, RR_A, INFRA_AVOID, 6000);
	CHECK(infra_lame(in, sa, z2, RR_A, 6000) == INFRA_AVOID);
	CHECK(infra_lame(in, sa, z2, RR_A, 6000 + INFRA_AVOID_MS) == INFRA_OK);
	infra_set_lame(in, sa, z1, RR_A, INFRA_LAME, 7000);
	infra_set_lame(in, sa, z1, RR_A, INFRA_AVOID, 8000);
	CHECK(infra_lame(in, sa, z1, RR_A, 8000 + INFRA_AVOID_MS) == INFRA_LAME);
	/* kept apart for A and the other types (Unbound's split) */
	CHECK(infra_lame(in, sa, z1, RR_AAAA, 8000) == INFRA_OK);
	infra_set_lame(in, sa, nm(z2, "v6.example."), RR_AAAA, INFRA_LAME, 9000);
	CHECK(infra_lame(in, sa, z2, RR_MX, 9000) == INFRA_LAME);
	CHECK(infra_lame(in, sa, z2, RR_A, 9000) == INFRA_OK);
	/* Many zones: the newest are kept. */
	for (unsigned k = 0; k < 20; k++) {
		char text[32];
		uint8_t z[NAME_MAXLEN];

		snprintf(text, sizeof(text), "z%u.example.", k);
		infra_set_lame(in, sa, nm(z, text), RR_A, INFRA_LAME, 10000 + k);
	}
	CHECK(infra_lame(in, sa, nm(z2, "z19.example."), RR_A, 20000) == INFRA_LAME);
	CHECK(infra_lame(in, sa, nm(z2, "z0.example."), RR_A, 20000) == INFRA_OK);
	infra_flush(in);
	CHECK(infra_lame(in, sa, nm(z2, "z19.example."), RR_A, 20000) == INFRA_OK);
	infra_free(in);
}

static void test_bound(void)
{
	struct infra *in = infra_new(64);
	struct infra_info i;
	char addr[32];
	unsigned kept_new = 0, kept_old = 0;

	for (unsigned k = 0; k < 1000; k++) {
		snprintf(addr, sizeof(addr), "10.0.%u.%u", k / 256, k % 256);
		infra_rtt(in, v4(addr, 53), 100, k);
	}
	for (unsigned k = 0; k < 1000; k++) {
		snprintf(addr, sizeof(addr), "10.0.%u.%u", k / 256, k % 256);
		infra_get(in, v4(addr, 53), RR_A, 1000, &i);
		if (i.known)
			*(k < 500 ? &kept_old : &kept_new) += 1;
	}
	CHECKF(kept_old == 0 && kept_new > 0 && kept_new <= 64 + 16,
	       "old %u new %u", kept_old, kept_new);
	/* Entries not updated for INFRA_HOLD_MS are forgotten. */
	infra_get(in, v4("10.0.3.231", 53), RR_A, 999 + INFRA_HOLD_MS, &i);
	CHECK(i.known);
	infra_get(in, v4("10.0.3.231", 53), RR_A, 1000 + INFRA_HOLD_MS, &i);
	CHECK(!i.known);
	infra_free(in);
}

/* Threads updating and reading a full table: every reading stays in
 * range (the sanitizer run checks the locking and the drops). */
struct mt {
	struct infra *in;
	unsigned seed, bad;
};

static void *mt_run(void *arg)
{
	struct mt *m = arg;
	struct timespec t0, t;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct infra_info i;
	uint8_t zone[NAME_MAXLEN];

	nm(zone, "example.");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (unsigned k = 0; k < 100; k++) {
			unsigned r = (unsigned)rand_r(&m->seed);
			const struct sockaddr *p = (const struct sockaddr *)&sa;

			sa.sin_addr.s_addr = htonl(0x0a000000u + r % 200);
			sa.sin_port = htons(53);
			if (r % 4 == 0)
				infra_timeout(m->in, p, RR_A, INFRA_RTO_MAX, k);
			else if (r % 4 == 1)
				infra_rtt(m->in, p, r % 3000, k);
			else if (r % 8 == 2)
				infra_set_lame(m->in, p, zone, RR_A, INFRA_LAME, k);
			infra_get(m->in, p, RR_A, k, &i);
			if (i.rto_ms < 50 || i.rto_ms > INFRA_RTO_MAX)
				m->bad++;
			(void)infra_lame(m->in, p, zone, RR_A, k);
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < 300);
	return NULL;
}

static void test_threads(void)
{
	struct infra *in = infra_new(32);
	struct mt m[3];
	pthread_t t[3];

	for (unsigned k = 0; k < 3; k++) {
		m[k] = (struct mt){ .in = in, .seed = k + 1 };
		pthread_create(&t[k], NULL, mt_run, &m[k]);
	}
	for (unsigned k = 0; k < 3; k++)
		pthread_join(t[k], NULL);
	CHECK(m[0].bad + m[1].bad + m[2].bad == 0);
	infra_free(in);
}

int main(void)
{
	test_unknown();
	test_rtt();
	test_timeouts();
	test_timeouts_in_flight();
	test_timeout_kinds();
	test_edns_0x20();
	test_marks();
	test_bound();
	test_threads();
	return check_done();
}
