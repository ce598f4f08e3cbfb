/* Unit tests of the UPDATE core (RFC 2136): zones built from text,
 * UPDATE messages written from one line per record ("U IN www 300 A
 * 192.0.2.9", "P ANY www A"...), and for each the rcode and the exact
 * net change, compared as sorted text lines. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "update/update.h"
#include "wire/msg.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

static const char zone_text[] =
	"$TTL 3600\n"
	"@ SOA ns1 hostmaster 10 7200 3600 1209600 300\n"
	"@ NS ns1\n"
	"@ NS ns2\n"
	"@ A 192.0.2.1\n"
	"@ MX 10 mail\n"
	"ns1 A 192.0.2.53\n"
	"ns2 A 192.0.2.54\n"
	"www A 192.0.2.80\n"
	"www A 192.0.2.81\n"
	"www TXT \"hello\"\n"
	"alias CNAME www\n"
	"alias RRSIG CNAME 8 2 3600 20300101000000 20200101000000 1 "
	"example.com. AAAA\n"
	"mail 300 MX 10 Mail.Example.COM.\n"
	"sub NS ns.sub\n"
	"ns.sub A 192.0.2.9\n"
	"a.b.ent A 192.0.2.7\n"
	"tk KEY 256 3 8 AwEAAQ==\n";

static struct zdb_zone *build_zone(const char *origin_text, const char *text)
{
	uint8_t origin[NAME_MAXLEN];
	struct zparse_opts o = { .origin = origin };
	struct zdb_zone *zz = NULL;
	struct zone z;

	CHECK(name_from_text(origin, origin_text, strlen(origin_text),
			     NULL) > 0);
	zone_init(&z, origin, 0);
	o.ctx = &z;
	o.on_rr = (zparse_rr_fn)zone_add;
	CHECK(zparse_text(text, strlen(text), origin_text, &o) == 0);
	CHECK(zone_finish(&z) == 0);
	CHECK(zdb_zone_build(&zz, &z) == 0);
	zone_clear(&z);
	return zz;
}

/* A message under construction, every name uncompressed. */
struct mb {
	uint8_t buf[MSG_MAXLEN];
	size_t len;
	uint16_t count[4];
	const char *origin;
};

static void put16(struct mb *b, uint16_t v)
{
	b->buf[b->len++] = (uint8_t)(v >> 8);
	b->buf[b->len++] = (uint8_t)v;
}

static void put_name(struct mb *b, const char *text)
{
	uint8_t name[NAME_MAXLEN], origin[NAME_MAXLEN];
	int n;

	CHECK(name_from_text(origin, b->origin, strlen(b->origin), NULL) > 0);
	n = name_from_text(name, text, strlen(text), origin);
	CHECKF(n > 0, "name %s", text);
	if (n > 0) {
		memcpy(b->buf + b->len, name, (size_t)n);
		b->len += (size_t)n;
	}
}

static void mb_start(struct mb *b, const char *origin)
{
	memset(b, 0, sizeof(*b));
	b->origin = origin;
	b->len = MSG_HDRLEN;
	b->buf[0] = 0x12;
	b->buf[2] = OPCODE_UPDATE << 3;
}

static void mb_raw(struct mb *b, int sec, const char *owner, uint16_t type,
		   uint16_t rclass, uint32_t ttl, const uint8_t *rd,
		   uint16_t rdlen)
{
	put_name(b, owner);
	put16(b, type);
	put16(b, rclass);
	b->count[sec]++;
	if (sec == 0)
		return;
	put16(b, (uint16_t)(ttl >> 16));
	put16(b, (uint16_t)ttl);
	put16(b, rdlen);
	if (rdlen)
		memcpy(b->buf + b->len, rd, rdlen);
	b->len += rdlen;
}

struct one_rr {
	struct mb *b;
	int sec;
	uint16_t rclass;
};

static int take_rr(void *ctx, const struct zrr *rr)
{
	struct one_rr *o = ctx;
	char owner[NAME_TEXT_MAX];

	CHECK(name_to_text(owner, sizeof(owner), rr->owner) > 0);
	mb_raw(o->b, o->sec, owner, rr->type, o->rclass, rr->ttl, rr->rdata,
	       rr->rdlen);
	return 0;
}

/* "SX owner TYPE CLASS TTL hex": any record, RDATA in hex ("-": none). */
static void mb_hex(struct mb *b, const char *line)
{
	int sec = line[0] == 'Z' ? 0 : line[0] == 'P' ? 1 : 2;
	char owner[256], type[32], hex[512];
	unsigned rclass, ttl, v;
	uint8_t rd[256];
	uint16_t t = 0, n = 0;

	CHECK(sscanf(line + 3, "%255s %31s %u %u %511s", owner, type, &rclass,
		     &ttl, hex) == 5);
	CHECK(rrtype_from_text(type, strlen(type), &t) == 0);
	for (const char *h = hex; *h && *h != '-' && n < sizeof(rd); h += 2)
		if (sscanf(h, "%2x", &v) == 1)
			rd[n++] = (uint8_t)v;
	mb_raw(b, sec, owner, t, (uint16_t)rclass, ttl, rd, n);
}

/* "S CLASS owner [ttl] TYPE [rdata]" with S one of Z (zone), P
 * (prerequisite), U (update); "SX ..." is mb_hex. Zone records, and
 * class ANY or NONE ones of two tokens ("owner TYPE") have no RDATA and
 * TTL 0; the others go through the zone parser, TTL 0 unless given. */
static void mb_line(struct mb *b, const char *line)
{
	int sec = line[0] == 'Z' ? 0 : line[0] == 'P' ? 1 : 2;
	const char *p = line + 2, *sp = strchr(p, ' ');
	uint16_t rclass = 0;
	uint8_t origin[NAME_MAXLEN];

	if (line[1] == 'X') {
		mb_hex(b, line);
		return;
	}
	CHECK(sp && rrclass_from_text(p, (size_t)(sp - p), &rclass) == 0);
	p = sp + 1;
	sp = strchr(p, ' ');
	if (sec == 0 || (rclass != CLASS_IN && sp && !strchr(sp + 1, ' '))) {
		char owner[256];
		uint16_t type = 0;

		sp = strchr(p, ' ');
		CHECK(sp && (size_t)(sp - p) < sizeof(owner));
		memcpy(owner, p, (size_t)(sp - p));
		owner[sp - p] = 0;
		CHECK(rrtype_from_text(sp + 1, strlen(sp + 1), &type) == 0);
		mb_raw(b, sec, owner, type, rclass, 0, NULL, 0);
		return;
	}
	{
		struct one_rr o = { b, sec, rclass };
		struct zparse_opts zo = { .origin = origin, .on_rr = take_rr,
					  .ctx = &o, .has_default_ttl = true };
		char text[1024];
		int n = snprintf(text, sizeof(text), "%s\n", p);

		CHECK(name_from_text(origin, b->origin, strlen(b->origin),
				     NULL) > 0);
		CHECK(n > 0 && zparse_text(text, (size_t)n, "t", &zo) == 0);
	}
}

static size_t mb_finish(struct mb *b)
{
	for (int i = 0; i < 4; i++) {
		b->buf[4 + 2 * i] = (uint8_t)(b->count[i] >> 8);
		b->buf[5 + 2 * i] = (uint8_t)b->count[i];
	}
	return b->len;
}

static struct zdb_zone *zone;
static struct mb mbuf;
static struct msg_rr rrs[1024];

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The change as sorted lines "-owner ttl TYPE rdata" / "+...". */
static void render(const struct zchange *c, char *out, size_t cap)
{
	size_t n = c->ndel + c->nadd, used = 0;
	char **lines = calloc(n + 1, sizeof(*lines));

	out[0] = 0;
	for (size_t i = 0; lines && i < n; i++) {
		const struct zchange_rr *r =
			i < c->ndel ? &c->del[i] : &c->add[i - c->ndel];
		char name[NAME_TEXT_MAX], rd[2048], t[16];

		lines[i] = malloc(4096);
		name_to_text(name, sizeof(name), r->owner);
		if (rdata_to_text(r->type, r->rdata, r->rdlen, rd,
				  sizeof(rd)) < 0)
			strcpy(rd, "?");
		snprintf(lines[i], 4096, "%c%s %u %s %s", i < c->ndel ? '-' : '+',
			 name, (unsigned)r->ttl, rrtype_to_text(r->type, t), rd);
	}
	qsort(lines, n, sizeof(*lines), cmp_str);
	for (size_t i = 0; lines && i < n; i++) {
		used += (size_t)snprintf(out + used, cap - used, "%s%s",
					 i ? "|" : "", lines[i]);
		free(lines[i]);
	}
	free(lines);
}

/* The expected lines, '|'-separated in any order, sorted the same way. */
static void sort_expected(const char *want, char *out, size_t cap)
{
	char *copy = strdup(want), *save = NULL, *tok;
	char *v[256];
	size_t n = 0, used = 0;

	out[0] = 0;
	for (tok = strtok_r(copy, "|", &save); tok && n < 256;
	     tok = strtok_r(NULL, "|", &save))
		v[n++] = tok;
	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(out + used, cap - used, "%s%s",
					 i ? "|" : "", v[i]);
	free(copy);
}

static uint16_t last_rc;
static struct update_info last_info;

/* Runs the message of lines on z; checks rcode, and on NOERROR the new
 * serial (0: no change) and the change. */
static void check_on(int line, struct zdb_zone *z, const char *origin,
		     uint16_t want_rc, uint32_t want_to, const char *want,
		     const char *const *spec)
{
	struct zchange c;
	struct msg m;
	char got[8192], exp[8192];
	size_t len;

	mb_start(&mbuf, origin);
	if (!spec[0] || spec[0][0] != 'Z')
		mb_raw(&mbuf, 0, origin, RR_SOA, CLASS_IN, 0, NULL, 0);
	for (size_t i = 0; spec[i]; i++)
		mb_line(&mbuf, spec[i]);
	len = mb_finish(&mbuf);
	CHECKF(msg_parse(&m, mbuf.buf, len, rrs, 1024) == 0, "line %d", line);
	zchange_init(&c);
	last_rc = update_apply(z, &m, &c, &last_info);
	CHECKF(last_rc == want_rc, "line %d: rcode %u, want %u (%s)", line,
	       last_rc, want_rc, last_info.text);
	if (last_rc == RCODE_NOERROR && want_rc == RCODE_NOERROR) {
		CHECKF(zchange_from(&c) == zdb_zone_serial(z), "line %d", line);
		CHECKF(want_to ? update_changed(&c) &&
					 zchange_to(&c) == want_to :
				 !update_changed(&c),
		       "line %d: serial %u, want %u", line,
		       update_changed(&c) ? zchange_to(&c) : 0, want_to);
		render(&c, got, sizeof(got));
		sort_expected(want, exp, sizeof(exp));
		CHECKF(!strcmp(got, exp), "line %d:\n got  %s\n want %s",
		       line, got, exp);
	}
	zchange_clear(&c);
}

#define UPD(rc, to, want, ...)                                           \
	check_on(__LINE__, zone, "example.com.", rc, to, want,            \
		 (const char *const[]){ __VA_ARGS__, NULL })
#define FAILS(rc, ...) UPD(rc, 0, "", __VA_ARGS__)

#define NOCHANGE ""
#define SOA20 "U IN @ 3600 SOA ns1 hostmaster 20 7200 3600 1209600 300"

static void test_prereq(void)
{
	/* name in use / not in use */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P ANY www ANY");
	FAILS(RCODE_NXDOMAIN, "P ANY nope ANY");
	FAILS(RCODE_NXDOMAIN, "P ANY b.ent ANY");       /* empty non-terminal */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P NONE nope ANY");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P NONE ent ANY");
	FAILS(RCODE_YXDOMAIN, "P NONE www ANY");
	/* RRset exists / does not exist (value independent) */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P ANY www A", "P ANY alias RRSIG");
	FAILS(RCODE_NXRRSET, "P ANY www AAAA");
	FAILS(RCODE_NXRRSET, "P ANY nope A");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P NONE www AAAA", "P NONE nope A");
	FAILS(RCODE_YXRRSET, "P NONE www A");
	CHECKF(strstr(last_info.text, "prerequisite 1: www.example.com. A") &&
		       last_info.section == UPDATE_SEC_PREREQ &&
		       last_info.index == 1,
	       "%s", last_info.text);
	/* value dependent: the whole set, in any order, duplicates once */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P IN www A 192.0.2.81",
	    "P IN www A 192.0.2.80");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P IN www A 192.0.2.81",
	    "P IN www A 192.0.2.80", "P IN www A 192.0.2.81");
	FAILS(RCODE_NXRRSET, "P IN www A 192.0.2.80");
	FAILS(RCODE_NXRRSET, "P IN www A 192.0.2.80", "P IN www A 192.0.2.81",
	      "P IN www A 192.0.2.82");
	FAILS(RCODE_NXRRSET, "P IN www AAAA 2001:db8::1");
	FAILS(RCODE_NXRRSET, "P IN nope A 192.0.2.1");
	/* names in RDATA compare without case (canonical form) */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P IN mail MX 10 mail.example.com.",
	    "P IN www TXT hello");
	FAILS(RCODE_NXRRSET, "P IN www TXT Hello");
	/* two sets in one message, the second fails: its first record */
	FAILS(RCODE_NXRRSET, "P IN www TXT hello", "P IN @ NS ns1",
	      "P IN @ NS ns3");
	CHECKF(last_info.index == 2 && strstr(last_info.text, "NS"), "%s",
	       last_info.text);
	/* a value-independent failure wins over an earlier value one */
	FAILS(RCODE_YXDOMAIN, "P IN www A 192.0.2.80", "P NONE www ANY");
	/* malformed ones */
	FAILS(RCODE_FORMERR, "P IN www 300 A 192.0.2.80");     /* TTL */
	FAILS(RCODE_FORMERR, "PX www A 255 0 c0000201");        /* ANY + RDATA */
	FAILS(RCODE_FORMERR, "PX www A 254 0 c0000201");        /* NONE + RDATA */
	FAILS(RCODE_FORMERR, "PX www A 255 300 -");             /* ANY + TTL */
	FAILS(RCODE_FORMERR, "PX www A 3 0 -");                 /* class CH */
	FAILS(RCODE_FORMERR, "PX www A 1 0 c00002");            /* bad RDATA */
	FAILS(RCODE_NOTZONE, "P ANY www.example.org. ANY");
	FAILS(RCODE_NOTZONE, "P ANY com. ANY");
	/* a failed prerequisite applies nothing */
	FAILS(RCODE_NXDOMAIN, "P ANY nope ANY", "U ANY www ANY");
	UPD(RCODE_NOERROR, 11, "-www.example.com. 3600 TXT \"hello\"",
	    "P ANY www TXT", "U ANY www TXT");
}

static void test_add(void)
{
	UPD(RCODE_NOERROR, 11, "+new.example.com. 300 A 192.0.2.99",
	    "U IN new 300 A 192.0.2.99");
	UPD(RCODE_NOERROR, 11, "+b.ent.example.com. 300 TXT \"x\"",
	    "U IN b.ent 300 TXT x");
	/* a duplicate, TTL and all, changes nothing (names without case) */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN www 3600 A 192.0.2.80");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN mail 300 MX 10 MAIL.example.com.");
	/* another TTL: the whole set takes it (BIND) */
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81|"
	    "+www.example.com. 600 A 192.0.2.80|"
	    "+www.example.com. 600 A 192.0.2.81",
	    "U IN www 600 A 192.0.2.80");
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81|"
	    "+www.example.com. 60 A 192.0.2.80|"
	    "+www.example.com. 60 A 192.0.2.81|"
	    "+www.example.com. 60 A 192.0.2.82",
	    "U IN www 60 A 192.0.2.82");
	/* several names, several records of one set */
	UPD(RCODE_NOERROR, 11,
	    "+x.example.com. 300 A 192.0.2.1|+x.example.com. 300 A 192.0.2.2|"
	    "+y.example.com. 300 AAAA 2001:db8::1",
	    "U IN x 300 A 192.0.2.1", "U IN y 300 AAAA 2001:db8::1",
	    "U IN x 300 A 192.0.2.2", "U IN x 300 A 192.0.2.1");
	/* ignored on purpose */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN *.w 300 NS ns1");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN *.w 300 DNAME x.example.net.");
	UPD(RCODE_NOERROR, 0, NOCHANGE,
	    "U IN @ 300 DS 1 8 2 "
	    "0000000000000000000000000000000000000000000000000000000000000000");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN x 300 MD ns1");
	CHECK(last_info.ignored == 1 && strstr(last_info.text, "update 1"));
	UPD(RCODE_NOERROR, 11, "+*.w.example.com. 300 A 192.0.2.1",
	    "U IN *.w 300 A 192.0.2.1");
}

static void test_delete(void)
{
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81",
	    "U ANY www A");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U ANY www AAAA");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U ANY nope A", "U ANY nope ANY",
	    "U NONE nope A 192.0.2.1");
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81|"
	    "-www.example.com. 3600 TXT \"hello\"",
	    "U ANY www ANY");
	/* the name's RRSIGs stay (BIND: they are the signer's) */
	UPD(RCODE_NOERROR, 11, "-alias.example.com. 3600 CNAME www.example.com.",
	    "U ANY alias ANY");
	UPD(RCODE_NOERROR, 11, "-www.example.com. 3600 A 192.0.2.80",
	    "U NONE www A 192.0.2.80");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U NONE www A 192.0.2.82");
	UPD(RCODE_NOERROR, 11, "-mail.example.com. 300 MX 10 Mail.Example.COM.",
	    "U NONE mail MX 10 MAIL.example.com.");
	/* the zone cut and its glue are plain data to UPDATE */
	UPD(RCODE_NOERROR, 11,
	    "-sub.example.com. 3600 NS ns.sub.example.com.|"
	    "-ns.sub.example.com. 3600 A 192.0.2.9",
	    "U ANY sub NS", "U NONE ns.sub A 192.0.2.9");
}

static void test_sequence(void)
{
	/* added then deleted: in neither list, and no new serial */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN new 300 A 192.0.2.99",
	    "U NONE new A 192.0.2.99");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN new 300 A 192.0.2.99",
	    "U ANY new ANY");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U NONE www A 192.0.2.80",
	    "U IN www 3600 A 192.0.2.80");
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U ANY www ANY",
	    "U IN www 3600 A 192.0.2.80", "U IN www 3600 A 192.0.2.81",
	    "U IN www 3600 TXT hello");
	/* deleted and added back with another TTL */
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81|"
	    "+www.example.com. 60 A 192.0.2.80",
	    "U ANY www A", "U IN www 60 A 192.0.2.80");
	/* each record sees the ones before: add, then delete the rest */
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81|"
	    "+www.example.com. 3600 A 192.0.2.82",
	    "U IN www 3600 A 192.0.2.82", "U NONE www A 192.0.2.80",
	    "U NONE www A 192.0.2.81");
	/* a prerequisite sees the zone before the update, not after */
	UPD(RCODE_NOERROR, 11, "+new.example.com. 300 A 192.0.2.99",
	    "P NONE new ANY", "U IN new 300 A 192.0.2.99");
}

static void test_cname(void)
{
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN www 300 CNAME mail");
	CHECK(last_info.ignored == 1 && strstr(last_info.text, "CNAME"));
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN alias 300 A 192.0.2.5");
	CHECK(last_info.ignored == 1);
	/* KEY, like RRSIG and NSEC, may sit beside a CNAME (BIND 9.18) */
	UPD(RCODE_NOERROR, 11, "+alias.example.com. 300 KEY 256 3 8 AwEAAQ==",
	    "U IN alias 300 KEY 256 3 8 AwEAAQ==");
	UPD(RCODE_NOERROR, 11, "+tk.example.com. 300 CNAME www.example.com.",
	    "U IN tk 300 CNAME www");
	/* a CNAME replaces a CNAME */
	UPD(RCODE_NOERROR, 11,
	    "-alias.example.com. 3600 CNAME www.example.com.|"
	    "+alias.example.com. 3600 CNAME mail.example.com.",
	    "U IN alias 3600 CNAME mail");
	/* the data gone first, the CNAME goes in */
	UPD(RCODE_NOERROR, 11,
	    "-www.example.com. 3600 A 192.0.2.80|"
	    "-www.example.com. 3600 A 192.0.2.81|"
	    "-www.example.com. 3600 TXT \"hello\"|"
	    "+www.example.com. 300 CNAME mail.example.com.",
	    "U ANY www ANY", "U IN www 300 CNAME mail");
	/* a CNAME added first keeps later data out */
	UPD(RCODE_NOERROR, 11, "+new.example.com. 300 CNAME www.example.com.",
	    "U IN new 300 CNAME www", "U IN new 300 A 192.0.2.1");
	/* and data added first keeps a CNAME out */
	UPD(RCODE_NOERROR, 11, "+new.example.com. 300 A 192.0.2.1",
	    "U IN new 300 A 192.0.2.1", "U IN new 300 CNAME www");
}

static void test_soa(void)
{
	UPD(RCODE_NOERROR, 20, NOCHANGE, SOA20);
	UPD(RCODE_NOERROR, 20, "+new.example.com. 300 A 192.0.2.99",
	    "U IN new 300 A 192.0.2.99", SOA20);
	UPD(RCODE_NOERROR, 0, NOCHANGE,
	    "U IN @ 3600 SOA ns1 hostmaster 10 1 1 1 1");
	UPD(RCODE_NOERROR, 0, NOCHANGE,
	    "U IN @ 3600 SOA ns1 hostmaster 9 7200 3600 1209600 300");
	UPD(RCODE_NOERROR, 0, NOCHANGE,
	    "U IN www 3600 SOA ns1 hostmaster 30 7200 3600 1209600 300");
	/* compared with the SOA as the message left it */
	UPD(RCODE_NOERROR, 20, NOCHANGE, SOA20,
	    "U IN @ 3600 SOA ns1 hostmaster 15 7200 3600 1209600 300");
	/* an ignored SOA does not stop the increment */
	UPD(RCODE_NOERROR, 11, "+new.example.com. 300 A 192.0.2.99",
	    "U IN @ 3600 SOA ns1 hostmaster 9 7200 3600 1209600 300",
	    "U IN new 300 A 192.0.2.99");
	/* never deleted */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U ANY @ SOA");
	UPD(RCODE_NOERROR, 0, NOCHANGE,
	    "U NONE @ SOA ns1 hostmaster 10 7200 3600 1209600 300");
	CHECK(last_info.ignored == 1);
}

static void test_apex(void)
{
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U ANY @ NS");
	UPD(RCODE_NOERROR, 11, "-example.com. 3600 NS ns1.example.com.",
	    "U NONE @ NS ns1");
	/* the last NS stays */
	UPD(RCODE_NOERROR, 11, "-example.com. 3600 NS ns1.example.com.",
	    "U NONE @ NS ns1", "U NONE @ NS ns2");
	CHECK(last_info.ignored == 1 && strstr(last_info.text, "update 2"));
	/* unless another came first */
	UPD(RCODE_NOERROR, 11,
	    "-example.com. 3600 NS ns1.example.com.|"
	    "-example.com. 3600 NS ns2.example.com.|"
	    "+example.com. 3600 NS ns3.example.com.|"
	    "+ns3.example.com. 300 AAAA 2001:db8::3",
	    "U IN @ 3600 NS ns3", "U NONE @ NS ns1", "U NONE @ NS ns2",
	    "U IN ns3 300 AAAA 2001:db8::3");
	/* BIND's check: an apex NS in the zone needs an address, unless it
	 * is below a delegation; outside the zone it is not ours to check */
	FAILS(RCODE_REFUSED, "U IN @ 3600 NS ns3", "U NONE @ NS ns1");
	CHECK(strstr(last_info.text, "ns3.example.com."));
	FAILS(RCODE_REFUSED, "U ANY ns1 A");
	FAILS(RCODE_REFUSED, "U NONE ns2 A 192.0.2.54");
	UPD(RCODE_NOERROR, 11, "-ns1.example.com. 3600 A 192.0.2.53|"
	    "+ns1.example.com. 300 AAAA 2001:db8::53",
	    "U ANY ns1 A", "U IN ns1 300 AAAA 2001:db8::53");
	UPD(RCODE_NOERROR, 11, "+example.com. 3600 NS ns.example.net.|"
	    "+example.com. 3600 NS x.sub.example.com.",
	    "U IN @ 3600 NS ns.example.net.", "U IN @ 3600 NS x.sub");
	/* and is not checked when nothing changes */
	UPD(RCODE_NOERROR, 0, NOCHANGE, "U IN @ 3600 NS ns3",
	    "U NONE @ NS ns3");
	/* deleting the apex name keeps SOA and NS */
	UPD(RCODE_NOERROR, 11,
	    "-example.com. 3600 A 192.0.2.1|"
	    "-example.com. 3600 MX 10 mail.example.com.",
	    "U ANY @ ANY");
}

static void test_serial_wrap(void)
{
	struct zdb_zone *z = build_zone(
		"wrap.test.", "$TTL 60\n@ SOA ns h 4294967295 1 1 1 1\n"
			      "@ NS ns\nns A 192.0.2.1\n");

	if (!z)
		return;
	check_on(__LINE__, z, "wrap.test.", RCODE_NOERROR, 1,
		 "+x.wrap.test. 60 A 192.0.2.2",
		 (const char *const[]){ "U IN x 60 A 192.0.2.2", NULL });
	/* 5 is after 4294967295 in RFC 1982 arithmetic */
	check_on(__LINE__, z, "wrap.test.", RCODE_NOERROR, 5, NOCHANGE,
		 (const char *const[]){ "U IN @ 60 SOA ns h 5 1 1 1 1",
					NULL });
	/* 2^31 away: neither before nor after (RFC 1982), ignored */
	check_on(__LINE__, z, "wrap.test.", RCODE_NOERROR, 0, NOCHANGE,
		 (const char *const[]){ "U IN @ 60 SOA ns h 2147483647 1 1 1 1",
					NULL });
	zdb_zone_unref(z);
}

static void test_formerr(void)
{
	/* the zone section */
	FAILS(RCODE_FORMERR, "Z IN example.com. SOA", "Z IN example.com. SOA");
	FAILS(RCODE_FORMERR, "Z IN example.com. A");
	FAILS(RCODE_NOTIMP, "Z CH example.com. SOA");
	FAILS(RCODE_NOTAUTH, "Z IN example.org. SOA");
	/* the update section */
	FAILS(RCODE_NOTZONE, "U IN www.example.org. 300 A 192.0.2.1");
	FAILS(RCODE_NOTZONE, "U ANY com. ANY");
	FAILS(RCODE_FORMERR, "UX x ANY 1 300 -");
	FAILS(RCODE_FORMERR, "UX x AXFR 1 300 -");
	FAILS(RCODE_FORMERR, "UX x IXFR 1 300 -");
	FAILS(RCODE_FORMERR, "UX x MAILA 255 0 -");
	FAILS(RCODE_FORMERR, "UX x MAILB 255 0 -");
	FAILS(RCODE_FORMERR, "UX x TYPE200 1 0 00");
	FAILS(RCODE_FORMERR, "UX x A 255 300 -");               /* ANY + TTL */
	FAILS(RCODE_FORMERR, "UX x A 255 0 c0000201");          /* ANY + RDATA */
	FAILS(RCODE_FORMERR, "UX x A 254 300 c0000201");        /* NONE + TTL */
	FAILS(RCODE_FORMERR, "UX x ANY 254 0 -");               /* NONE ANY */
	FAILS(RCODE_FORMERR, "U NONE www A");                   /* no RDATA */
	FAILS(RCODE_FORMERR, "UX x A 3 300 c0000201");          /* class CH */
	FAILS(RCODE_FORMERR, "UX x A 1 300 c00002");            /* short A */
	/* a bad record anywhere stops the whole update */
	FAILS(RCODE_FORMERR, "U IN new 300 A 192.0.2.1", "UX x A 255 300 -");
	CHECK(last_info.section == UPDATE_SEC_UPDATE && last_info.index == 2);
	/* records a signer owns (BIND) */
	FAILS(RCODE_REFUSED, "U IN x 300 NSEC x A");
	FAILS(RCODE_REFUSED, "U ANY x NSEC3");
	FAILS(RCODE_REFUSED, "U ANY alias RRSIG");
}

static void test_noop(void)
{
	UPD(RCODE_NOERROR, 0, NOCHANGE, "P ANY @ SOA");
	check_on(__LINE__, zone, "example.com.", RCODE_NOERROR, 0, NOCHANGE,
		 (const char *const[]){ NULL });
}

int main(void)
{
	zone = build_zone("example.com.", zone_text);
	if (!zone)
		return check_done();
	CHECK(zdb_zone_serial(zone) == 10);
	test_prereq();
	test_add();
	test_delete();
	test_sequence();
	test_cname();
	test_soa();
	test_apex();
	test_serial_wrap();
	test_formerr();
	test_noop();
	zdb_zone_unref(zone);
	return check_done();
}
