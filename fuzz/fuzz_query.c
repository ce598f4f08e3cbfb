/* libFuzzer target for the authoritative query path: every input is a
 * query answered by auth_answer() over UDP and TCP from three fixed
 * zonedbs: one zone of CNAME chains and loops, wildcards, DNAME and a
 * delegation with glue, and two signed zones (tests/data/dnssec: NSEC
 * and NSEC3, for the DO paths: RRSIGs, proofs, truncation); a reply
 * must parse, echo the ID, fit the UDP limit and never be a reply to a
 * reply. The batch path (auth_batch_prepare, then auth_answer_batch)
 * gets the input and its second half as a batch of two and must give
 * the same octets as auth_answer. Seeds: fuzz/seeds/query (DO queries
 * to the signed zones) and BIND's message corpus. */
#include <stdlib.h>
#include <string.h>

#include "auth/answer.h"
#include "wire/msg.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ NS ns2.other.test.\n"
	"@ MX 10 mail\n"
	"@ A 192.0.2.1\n"
	"ns1 A 192.0.2.53\n"
	"ns1 AAAA 2001:db8::53\n"
	"mail A 192.0.2.25\n"
	"www CNAME web\n"
	"web A 192.0.2.80\n"
	"chain1 CNAME chain2\n"
	"chain2 CNAME www\n"
	"loop1 CNAME loop2\n"
	"loop2 CNAME loop1\n"
	"*.wild A 192.0.2.99\n"
	"*.wc CNAME x.wc\n"
	"a.b.ent A 192.0.2.7\n"
	"*.ent MX 10 mail\n"
	"sub NS ns.sub\n"
	"sub NS ns1\n"
	"ns.sub A 192.0.2.54\n"
	"dn DNAME example.test.\n"
	"dn2 DNAME www.example.test.\n"
	"_sip._tcp SRV 0 0 5060 mail\n"
	"big TXT aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	"big TXT bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
	"big TXT ccccccccccccccccccccccccccccccccccccccccccccc"
	"ccccccccccccccccccccccccccccccccccccccccccccc\n"
	"big TXT ddddddddddddddddddddddddddddddddddddddddddddd"
	"ddddddddddddddddddddddddddddddddddddddddddddd\n"
	"big TXT eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
	"eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n"
	"$GENERATE 1-40 many NS ns$.many\n"
	"$GENERATE 1-40 ns$.many A 192.0.2.$\n";

#define NDB 3
static struct zonedb *dbs[NDB];
static const struct zonedb *db;
static struct auth_conf conf;
static uint8_t out[MSG_MAXLEN], out2[MSG_MAXLEN];
static struct auth_batch batch;
static struct msg_rr rrs[MSG_MAXLEN / 11];

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

static void add(struct zonedb *to, const uint8_t *origin, const char *text,
		size_t len, const char *path)
{
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr };
	struct zdb_zone *zz = NULL;
	struct zone z;

	zone_init(&z, origin, 0);
	o.ctx = &z;
	ASSERT((path ? zparse_file(path, &o)
		     : zparse_text(text, len, "fuzz", &o)) == 0);
	ASSERT(zone_finish(&z) == 0);
	ASSERT(zdb_zone_build(&zz, &z) == 0);
	ASSERT(zonedb_add(to, zz) == 0);
	zdb_zone_unref(zz);
	zone_clear(&z);
}

static void setup(void)
{
	static const uint8_t origin[] = "\7example\4test";
	static const uint8_t sig[] = "\3sig\4test";

	auth_conf_init(&conf);
	for (int i = 0; i < NDB; i++) {
		dbs[i] = zonedb_new();
		ASSERT(dbs[i]);
	}
	add(dbs[0], origin, zone_text, sizeof(zone_text) - 1, NULL);
	add(dbs[1], sig, NULL, 0, FUZZ_DATA_DIR "/dnssec/sig-nsec-rsa.zone");
	add(dbs[2], sig, NULL, 0,
	    FUZZ_DATA_DIR "/dnssec/sig-nsec3-ecdsa.zone");
}

static void check(const uint8_t *q, size_t len, enum auth_transport t)
{
	struct msg m;
	size_t n = auth_answer(db, &conf, q, len, t, out, sizeof(out));

	if (!n)
		return;
	ASSERT(len >= MSG_HDRLEN && !(q[2] & 0x80));
	ASSERT(msg_parse(&m, out, n, rrs, sizeof(rrs) / sizeof(rrs[0])) == 0);
	ASSERT(m.hdr.id == wire_get_u16(q) && msg_hdr_qr(&m.hdr));
	if (t == AUTH_UDP)
		ASSERT(n <= conf.udp_payload);
}

/* Staged whatever the zone's size: the same answers as unstaged. */
static void check_batch(const uint8_t *data, size_t size)
{
	const uint8_t *q[2] = { data, data + size / 2 };
	size_t len[2] = { size, size - size / 2 }, n, m;

	auth_batch_prepare(&batch, db, q, len, 2);
	for (int i = 0; i < 2; i++) {
		n = auth_answer(db, &conf, q[i], len[i], AUTH_UDP, out,
				sizeof(out));
		m = auth_answer_batch(&batch, db, &conf, q[i], len[i],
				      AUTH_UDP, out2, sizeof(out2));
		ASSERT(n == m && memcmp(out, out2, n) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dbs[0]) {
		setup();
		auth_batch_init(&batch);
		batch.min_bytes = 0;    /* the zones are small: stage anyway */
	}
	for (int i = 0; i < NDB; i++) {
		db = dbs[i];
		check(data, size, AUTH_UDP);
		check(data, size, AUTH_TCP);
		check_batch(data, size);
	}
	return 0;
}
