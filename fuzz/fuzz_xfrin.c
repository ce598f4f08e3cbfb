/* libFuzzer target for the transfer client's reading of an answer
 * (src/authd/secondary_xfr.c through sec_transfer_mem): the input is a
 * mode octet (bit 0: IXFR from the zone at serial 100, else AXFR), then
 * messages, each a 2-octet length and its octets (the TCP framing); each
 * message's ID is set to the query's. Beyond not crashing: a refusal
 * says why; a whole zone has our origin and the answer's serial (after
 * ours for an IXFR); changes chain from our serial to the answer's,
 * which is after ours, and either apply in turn, giving that serial, or
 * are refused by the patch (then AXFR is asked); up to date only for an
 * IXFR. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/secondary_int.h"
#include "zone/zone.h"
#include "zone/zonedb.h"
#include "zparse/zparse.h"

#define ASSERT(c)                                                        \
	do {                                                             \
		if (!(c)) {                                              \
			fprintf(stderr, "fuzz_xfrin.c:%d: %s\n",         \
				__LINE__, #c);                           \
			abort();                                         \
		}                                                        \
	} while (0)
#define MAXMSG 64
#define QID 0x4242

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 100 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"ns1 A 192.0.2.53\n"
	"www A 192.0.2.80\n"
	"www TXT \"hello\"\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.9\n";

static struct zdb_zone *cur;
static struct sec_zone zone;
static uint8_t copy[MAXMSG][65535];

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void setup(void)
{
	static const uint8_t origin[] = "\7example\0";
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zone z;

	memcpy(zone.origin, origin, sizeof(origin));
	snprintf(zone.name, sizeof(zone.name), "example.");
	zone_init(&z, origin, 0);
	o.ctx = &z;
	ASSERT(zparse_text(zone_text, sizeof(zone_text) - 1, "fuzz", &o) == 0);
	ASSERT(zone_finish(&z) == 0 && zdb_zone_build(&cur, &z) == 0);
	zone_clear(&z);
	ASSERT(zdb_zone_serial(cur) == 100);
}

/* The changes applied in turn: refused by a patch, or the serial. */
static void check_changes(const struct sec_result *r)
{
	struct zdb_zone *v = cur, *next;

	ASSERT(r->nchg >= 1 && zchange_from(&r->chg[0]) == 100);
	ASSERT(zchange_to(&r->chg[r->nchg - 1]) == r->serial);
	ASSERT(serial_after(r->serial, 100));
	zdb_zone_ref(v);
	for (size_t i = 0; i < r->nchg; i++) {
		ASSERT(i == 0 || zchange_from(&r->chg[i]) ==
				 zchange_to(&r->chg[i - 1]));
		if (zdb_zone_patch(&next, v, &r->chg[i]) < 0)
			break;
		ASSERT(zdb_zone_serial(next) == zchange_to(&r->chg[i]));
		zdb_zone_unref(v);
		v = next;
	}
	zdb_zone_unref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *msg[MAXMSG];
	size_t len[MAXMSG], n = 0, at = 1;
	struct sec_result r;
	char why[400] = "";
	bool ixfr;
	int ret;

	if (!cur)
		setup();
	if (size < 1)
		return 0;
	ixfr = data[0] & 1;
	while (n < MAXMSG && at + 2 <= size) {
		size_t l = (size_t)data[at] << 8 | data[at + 1];
		at += 2;
		if (l > size - at)
			l = size - at;
		memcpy(copy[n], data + at, l);
		if (l >= 2) {
			copy[n][0] = QID >> 8;
			copy[n][1] = QID & 0xff;
		}
		msg[n] = copy[n];
		len[n++] = l;
		at += l;
	}
	ret = sec_transfer_mem(&zone, ixfr ? cur : NULL, QID, msg, len, n,
			       &r, why, sizeof(why));
	if (ret < 0) {
		ASSERT(why[0] && !r.zone && !r.nchg);
	} else if (r.uptodate) {
		ASSERT(ixfr && !r.zone && !r.nchg);
	} else if (r.zone) {
		ASSERT(name_equal(zdb_zone_origin(r.zone), zone.origin));
		ASSERT(zdb_zone_serial(r.zone) == r.serial);
		ASSERT(!ixfr || serial_after(r.serial, 100));
	} else {
		ASSERT(ixfr);
		check_changes(&r);
	}
	if (getenv("FUZZ_XFRIN_SHOW"))  /* what the seeds reach */
		fprintf(stderr, "%s: %s serial %u, %zu changes%s%s\n",
			ixfr ? "IXFR" : "AXFR", ret < 0 ? "refused" :
			r.uptodate ? "up to date" : r.zone ? "zone" : "changes",
			r.serial, r.nchg, why[0] ? ": " : "", why);
	sec_result_clear(&r);
	return 0;
}
