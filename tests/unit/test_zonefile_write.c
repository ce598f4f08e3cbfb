/* Unit tests for the zone writer (src/backend/zonefile_write.c): zones
 * of many record types written as text, parsed again with zparse, built
 * again, and compared node by node with the zone they came from; the
 * saved file loads with zonefile_load. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "backend/zonefile.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"
#include "zparse/zparse.h"

static const char zone_text[] =
	"$TTL 300\n"
	"@ SOA ns.example.test. host\\.master 2024010101 3600 600 86400 60\n"
	"@ NS ns\n"
	"@ 600 MX 10 mail\n"
	"@ TXT \"v=spf1 -all\" \"a \\\"quoted\\\" \\\\ part\" \"\\255\\000\"\n"
	"@ CAA 0 issue \"ca.example\"\n"
	"@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
	"ns A 192.0.2.1\n"
	"ns AAAA 2001:db8::1\n"
	"mail A 192.0.2.2\n"
	"_sip._udp SRV 0 5 5060 sip\n"
	"sip 60 A 192.0.2.3\n"
	"*.wild A 192.0.2.4\n"
	"a.b.c.deep CNAME ns\n"
	"sub NS ns.sub\n"
	"sub DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
	"ns.sub A 192.0.2.5\n"
	"dn DNAME example.net.\n"
	"esc\\.aped\\032name A 192.0.2.6\n"
	"odd TYPE65280 \\# 3 010203\n"
	"loc LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m\n"
	"sv SVCB 1 . alpn=h2,h3 port=8443\n"
	"hi HINFO \"PC\" \"Linux\"\n"
	"nx NSEC nx2 A RRSIG NSEC\n"
	"nx RRSIG A 13 2 300 20300101000000 20200101000000 12345 example.test. "
	"mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
	"nx A 192.0.2.7\n"
	"apl APL 1:192.0.2.0/24 !2:2001:db8::/32\n";

static uint8_t origin[NAME_MAXLEN];

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static struct zdb_zone *build(const char *text, size_t len)
{
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;

	zone_init(&z, origin, CLASS_IN);
	o.ctx = &z;
	if (zparse_text(text, len, "test", &o) == 0 && zone_finish(&z) == 0)
		CHECK(zdb_zone_build(&zz, &z) == 0);
	zone_clear(&z);
	return zz;
}

static bool same_set(const struct zdb_rrset *a, const struct zdb_rrset *b)
{
	if (a->type != b->type || a->ttl != b->ttl || a->count != b->count)
		return false;
	for (uint16_t i = 0; i < a->count; i++)
		if (a->rr[i].len != b->rr[i].len ||
		    memcmp(a->rr[i].data, b->rr[i].data, a->rr[i].len))
			return false;
	return true;
}

static bool same_zone(const struct zdb_zone *a, const struct zdb_zone *b)
{
	if (zdb_zone_node_count(a) != zdb_zone_node_count(b) ||
	    zdb_zone_rr_count(a) != zdb_zone_rr_count(b))
		return false;
	for (size_t i = 0; i < zdb_zone_node_count(a); i++) {
		const struct zdb_node *x = zdb_zone_node(a, i);
		const struct zdb_node *y = zdb_zone_node(b, i);
		if (!name_equal(x->owner, y->owner) || x->nsets != y->nsets ||
		    x->flags != y->flags)
			return false;
		for (uint16_t k = 0; k < x->nsets; k++)
			if (!same_set(&x->sets[k], &y->sets[k]))
				return false;
	}
	return true;
}

/* Written to memory, read back, compared; the text starts with the SOA. */
static void round_trip(const char *text)
{
	struct zdb_zone *a = build(text, strlen(text)), *b = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	CHECK(a != NULL && f != NULL);
	if (!a || !f)
		return;
	CHECK(zonefile_write(f, a) == 0);
	fclose(f);
	CHECKF(strncmp(out, "example.test.\t", 14) == 0 &&
	       strstr(out, "\tIN\tSOA\t") == strchr(out, '\t') +
	       strcspn(strchr(out, '\t') + 1, "\t") + 1, "%.60s", out);
	b = build(out, len);
	CHECK(b != NULL);
	CHECKF(b && same_zone(a, b), "text:\n%s", out);
	free(out);
	zdb_zone_unref(a);
	if (b)
		zdb_zone_unref(b);
}

static void test_save(void)
{
	struct zdb_zone *a = build(zone_text, strlen(zone_text)), *b = NULL;
	char dir[] = "/tmp/test_zwrite.XXXXXX", path[64], tmp[80];

	CHECK(a && mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/zone", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(zonefile_save(path, a) == 0);
	CHECK(access(tmp, F_OK) < 0);
	CHECK(zonefile_load(&b, origin, path, NULL, NULL, false) == 0);
	CHECK(b && same_zone(a, b));
	/* a folder that is not there: nothing left behind, an error */
	snprintf(path, sizeof(path), "%s/none/zone", dir);
	CHECK(zonefile_save(path, a) == BN_EIO);
	snprintf(path, sizeof(path), "%s/zone", dir);
	unlink(path);
	rmdir(dir);
	zdb_zone_unref(a);
	if (b)
		zdb_zone_unref(b);
}

int main(void)
{
	name_from_text(origin, "example.test.", 13, NULL);
	round_trip(zone_text);
	round_trip("@ 1 SOA . . 0 0 0 0 0\n@ 1 NS .\n");
	test_save();
	return check_done();
}
