/* libFuzzer target for the UPDATE core: the input is a message, applied
 * to a small fixed zone (update_apply). Beyond not crashing: the rcode
 * is one UPDATE may give; on NOERROR the change starts at the zone's
 * serial and, when not empty, ends at a later one; every record removed
 * is in the zone and every record added is not (the change is net);
 * none is an SOA; every owner is in the zone; the apex keeps an NS. */
#include <stdlib.h>
#include <string.h>

#include "update/update.h"
#include "wire/msg.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 4294967290 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ NS ns2\n"
	"@ MX 10 mail\n"
	"@ A 192.0.2.1\n"
	"ns1 A 192.0.2.53\n"
	"ns2 A 192.0.2.54\n"
	"www A 192.0.2.80\n"
	"www A 192.0.2.81\n"
	"www TXT \"hello\"\n"
	"alias CNAME www\n"
	"alias RRSIG CNAME 8 2 3600 20300101000000 20200101000000 1 "
	"example.test. AAAA\n"
	"mail 300 MX 10 Mail.Example.TEST.\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.9\n"
	"a.b.ent A 192.0.2.7\n"
	"*.wild TXT \"wild\"\n";

static struct zdb_zone *zone;
static struct msg_rr rrs[MSG_MAXLEN / 11];

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void setup(void)
{
	static const uint8_t origin[] = "\7example\4test";
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zone z;

	zone_init(&z, origin, 0);
	o.ctx = &z;
	ASSERT(zparse_text(zone_text, sizeof(zone_text) - 1, "fuzz", &o) == 0);
	ASSERT(zone_finish(&z) == 0 && zdb_zone_build(&zone, &z) == 0);
	zone_clear(&z);
}

/* The zone's RRset holding rr's RDATA at rr's TTL, if any. */
static bool in_zone(const struct zchange_rr *r)
{
	const struct zdb_node *n = zdb_zone_find(zone, r->owner);
	const struct zdb_rrset *s;

	if (!n)
		return false;
	s = r->type == RR_RRSIG && r->rdlen >= 2 ?
		    zdb_node_rrsig(n, (uint16_t)(r->rdata[0] << 8 |
						 r->rdata[1])) :
		    zdb_node_rrset(n, r->type);
	for (uint16_t i = 0; s && i < s->count; i++)
		if (!rdata_compare(r->type, r->rdata, r->rdlen,
				   s->rr[i].data, s->rr[i].len))
			return s->ttl == r->ttl;
	return false;
}

static void check_change(const struct zchange *c)
{
	const uint8_t *origin = zdb_zone_origin(zone);
	long ns = 2;

	ASSERT(zchange_from(c) == zdb_zone_serial(zone));
	if (!update_changed(c)) {
		ASSERT(c->ndel == 0 && c->nadd == 0);
		return;
	}
	ASSERT(serial_after(zchange_to(c), zchange_from(c)));
	for (size_t i = 0; i < c->ndel; i++) {
		ASSERT(c->del[i].type != RR_SOA);
		ASSERT(in_zone(&c->del[i]));
		if (c->del[i].type == RR_NS && name_equal(c->del[i].owner, origin))
			ns--;
	}
	for (size_t i = 0; i < c->nadd; i++) {
		ASSERT(c->add[i].type != RR_SOA);
		ASSERT(name_is_subdomain(c->add[i].owner, origin));
		ASSERT(rdata_check(c->add[i].type, c->add[i].rdata,
				   c->add[i].rdlen) == 0 ||
		       !rrtype_by_code(c->add[i].type));
		ASSERT(!in_zone(&c->add[i]));
		if (c->add[i].type == RR_NS && name_equal(c->add[i].owner, origin))
			ns++;
	}
	ASSERT(ns >= 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct update_info info;
	struct zchange c;
	struct msg m;
	uint16_t rc;

	if (!zone)
		setup();
	if (size > MSG_MAXLEN ||
	    msg_parse(&m, data, size, rrs, sizeof(rrs) / sizeof(rrs[0])) < 0)
		return 0;
	zchange_init(&c);
	rc = update_apply(zone, &m, &c, &info);
	ASSERT(rc == RCODE_NOERROR || rc == RCODE_FORMERR ||
	       rc == RCODE_NOTIMP || rc == RCODE_NOTAUTH || rc == RCODE_NOTZONE ||
	       rc == RCODE_YXDOMAIN || rc == RCODE_YXRRSET ||
	       rc == RCODE_NXDOMAIN || rc == RCODE_NXRRSET ||
	       rc == RCODE_REFUSED);
	ASSERT(memchr(info.text, 0, sizeof(info.text)));
	if (rc == RCODE_NOERROR)
		check_change(&c);
	else
		ASSERT(info.text[0]);
	zchange_clear(&c);
	return 0;
}
