/* Unit tests for src/wire/msg_parse.c, msg_write.c and edns.c: compose
 * and parse round trips, rollback on a full buffer, EDNS fields and
 * options, a corpus of hand-made malformed packets with the exact error
 * each must give, and BIND's fuzz seeds (no crash, accepted re-compose). */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "wire/edns.h"
#include "wire/msg.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define MAXRR 512

static struct msg_rr rrs[MAXRR];

static int from(uint8_t *dst, const char *s)
{
	return name_from_text(dst, s, strlen(s), NULL);
}

/* One response with every section, an OPT and repeated names. */
static int build_response(uint8_t *buf, size_t cap, bool compress,
			  uint8_t *opts, uint16_t opts_len)
{
	struct msg_hdr h = { .id = 0xbeef,
			     .flags = MSG_FLAG_QR | MSG_FLAG_AA | MSG_FLAG_RD };
	struct msg_writer mw;
	struct edns e;
	uint8_t qn[NAME_MAXLEN], zone[NAME_MAXLEN], ns[NAME_MAXLEN];
	static const uint8_t a[4] = { 192, 0, 2, 1 };
	int ret = 0;

	from(qn, "www.Example.com.");
	from(zone, "example.com.");
	from(ns, "ns1.example.com.");
	CHECK(msg_writer_init(&mw, buf, cap, &h, compress) == 0);
	ret |= msg_writer_question(&mw, qn, RR_A, CLASS_IN);
	ret |= msg_writer_rr(&mw, MSG_ANSWER, qn, RR_A, CLASS_IN, 300, a, 4);
	ret |= msg_writer_rr(&mw, MSG_AUTHORITY, zone, RR_NS, CLASS_IN,
			     3600, ns, (uint16_t)name_length(ns));
	ret |= msg_writer_rr(&mw, MSG_ADDITIONAL, ns, RR_A, CLASS_IN, 3600,
			     a, 4);
	edns_init(&e, 1232);
	e.flags |= EDNS_FLAG_DO;
	e.opts = opts;
	e.opts_len = opts_len;
	msg_hdr_set_rcode(&mw.hdr, edns_set_rcode(&e, RCODE_BADCOOKIE));
	ret |= msg_writer_opt(&mw, &e);
	CHECK(ret == 0);
	return msg_writer_finish(&mw);
}

static void check_response(const uint8_t *buf, int len)
{
	struct msg m;
	uint8_t name[NAME_MAXLEN], want[NAME_MAXLEN], rd[64];
	const struct msg_rr *rr;
	const uint8_t *data;
	uint16_t dlen;

	CHECK(msg_parse(&m, buf, (size_t)len, rrs, MAXRR) == 0);
	CHECK(m.hdr.id == 0xbeef && msg_hdr_qr(&m.hdr) && msg_hdr_aa(&m.hdr));
	CHECK(msg_hdr_rd(&m.hdr) && !msg_hdr_tc(&m.hdr) && !msg_hdr_ra(&m.hdr));
	CHECK(msg_hdr_opcode(&m.hdr) == OPCODE_QUERY);
	CHECK(m.rr_count == 5 && m.has_opt && m.opt_index == 4 && !m.has_tsig);
	for (int s = 0; s < MSG_SECTIONS; s++)
		CHECK(msg_section_count(&m, s) == (s == 3 ? 2 : 1));
	rr = msg_section_rr(&m, MSG_QUESTION, 0);
	CHECK(msg_rr_owner(&m, rr, name) == 17);
	CHECK(memcmp(name, "\3www\7Example", 12) == 0);
	CHECK(rr->type == RR_A && rr->rclass == CLASS_IN && rr->rdlen == 0);
	rr = msg_section_rr(&m, MSG_AUTHORITY, 0);
	from(want, "ns1.example.com.");
	CHECK(rr->type == RR_NS && rr->ttl == 3600);
	CHECK(msg_rr_rdata(&m, rr, rd, sizeof(rd)) == 17 && name_equal(rd, want));
	rr = msg_section_rr(&m, MSG_ADDITIONAL, 0);
	CHECK(msg_rr_owner(&m, rr, name) == 17 && name_equal(name, want));
	CHECK(rr->rdlen == 4 && buf[rr->rdata_off + 3] == 1);
	CHECK(edns_payload(&m.edns) == 1232 && edns_do(&m.edns));
	CHECK(m.edns.version == 0);
	CHECK(edns_rcode(&m.edns, msg_hdr_rcode(&m.hdr)) == RCODE_BADCOOKIE);
	CHECK(edns_opt_find(&m.edns, EDNS_OPT_COOKIE, &data, &dlen) == 1);
	CHECK(dlen == 8 && memcmp(data, "abcdefgh", 8) == 0);
	CHECK(edns_opt_find(&m.edns, EDNS_OPT_NSID, &data, &dlen) == 1);
	CHECK(dlen == 0);
	CHECK(edns_opt_find(&m.edns, EDNS_OPT_EDE, &data, &dlen) == 0);
}

static void test_round_trip(void)
{
	uint8_t buf[512], plain[512], opts[64];
	struct wbuf ow;
	int n, p;

	wbuf_init(&ow, opts, sizeof(opts));
	CHECK(edns_opt_put(&ow, EDNS_OPT_COOKIE, "abcdefgh", 8) == 0);
	CHECK(edns_opt_put(&ow, EDNS_OPT_NSID, NULL, 0) == 0);
	n = build_response(buf, sizeof(buf), true, opts, (uint16_t)ow.len);
	p = build_response(plain, sizeof(plain), false, opts, (uint16_t)ow.len);
	CHECK(n > MSG_HDRLEN && p > n);
	check_response(buf, n);
	check_response(plain, p);
	/* three owners become pointers, ns1 gets a suffix pointer */
	CHECK(p - n >= 37);
}

static void test_rollback(void)
{
	struct msg_hdr h = { .id = 1, .flags = MSG_FLAG_QR };
	struct msg_writer mw;
	struct msg m;
	struct edns e;
	uint8_t buf[200], name[NAME_MAXLEN], txt[100];
	int added = 0, ret, len;
	size_t before;

	memset(txt, 'x', sizeof(txt));
	txt[0] = 99;
	edns_init(&e, 4096);
	from(name, "big.example.");
	CHECK(msg_writer_init(&mw, buf, sizeof(buf), &h, true) == 0);
	CHECK(msg_writer_question(&mw, name, RR_TXT, CLASS_IN) == 0);
	CHECK(msg_writer_reserve(&mw, edns_wire_size(&e)) == 0);
	for (;;) {
		before = mw.w.len;
		ret = msg_writer_rr(&mw, MSG_ANSWER, name, RR_TXT, CLASS_IN,
				    60, txt, sizeof(txt));
		if (ret < 0)
			break;
		added++;
	}
	CHECK(ret == BN_ENOSPC && added == 1 && mw.w.len == before);
	CHECK(mw.hdr.count[MSG_ANSWER] == 1);
	msg_hdr_set_flag(&mw.hdr, MSG_FLAG_TC, true);
	msg_writer_release(&mw);
	CHECK(msg_writer_opt(&mw, &e) == 0);
	/* sections only go forwards */
	CHECK(msg_writer_rr(&mw, MSG_ANSWER, name, RR_TXT, CLASS_IN, 60, txt,
			    1) == BN_EINVAL);
	CHECK(msg_writer_question(&mw, name, RR_A, CLASS_IN) == BN_EINVAL);
	len = msg_writer_finish(&mw);
	CHECK(msg_parse(&m, buf, (size_t)len, rrs, MAXRR) == 0);
	CHECK(msg_hdr_tc(&m.hdr) && m.has_opt && m.rr_count == 3);
	CHECK(msg_writer_init(&mw, buf, 11, &h, true) == BN_ENOSPC);
	CHECK(msg_writer_init(&mw, buf, 12, &h, true) == 0);
	CHECK(msg_writer_question(&mw, name, RR_A, CLASS_IN) == BN_ENOSPC);
	CHECK(msg_writer_finish(&mw) == 12);
	/* too few entries for the records */
	CHECK(msg_parse(&m, buf, 12, rrs, 0) == 0);
	len = build_response(buf, sizeof(buf), true, NULL, 0);
	CHECK(msg_parse(&m, buf, (size_t)len, rrs, 4) == BN_ENOSPC);
	CHECK(msg_parse(&m, buf, (size_t)len, rrs, 5) == 0);
	CHECK(msg_parse(&m, buf, (size_t)len, NULL, 5) == BN_EINVAL);
}

/* Follow mode (zone transfers): each owner and its RDATA names point
 * into the owner before; a record rolled back leaves that owner the one
 * before, so the next points back, never at what was undone. */
static void test_follow(void)
{
	struct msg_hdr h = { .id = 7, .flags = MSG_FLAG_QR };
	uint8_t buf[160], zone[NAME_MAXLEN], a[NAME_MAXLEN], b[NAME_MAXLEN];
	uint8_t c[NAME_MAXLEN], far[NAME_MAXLEN], mx[NAME_MAXLEN + 2];
	uint8_t got[NAME_MAXLEN], txt[100];
	static const uint8_t addr[4] = { 192, 0, 2, 7 };
	const uint8_t *want[3];
	struct msg_writer mw;
	struct msg m;
	int len, k;

	from(zone, "zone.test.");
	from(a, "a.zone.test.");
	from(b, "b.zone.test.");
	from(c, "c.new.zone.test.");
	from(far, "x.new.zone.test.");
	mx[0] = 0;
	mx[1] = 10;
	k = from(mx + 2, "b.zone.test.");
	memset(txt, 'x', sizeof(txt));
	txt[0] = 99;
	CHECK(msg_writer_init(&mw, buf, sizeof(buf), &h, true) == 0);
	msg_writer_follow(&mw);
	CHECK(msg_writer_question(&mw, zone, RR_AXFR, CLASS_IN) == 0);
	CHECK(msg_writer_rr(&mw, MSG_ANSWER, a, RR_MX, CLASS_IN, 60, mx,
			    (uint16_t)(k + 2)) == 0);
	/* "a" + pointer to the question; RDATA: 10, "b" + pointer */
	CHECK(mw.w.len == 12 + 15 + 4 + 10 + 6);
	CHECK(msg_writer_rr(&mw, MSG_ANSWER, b, RR_A, CLASS_IN, 60, addr,
			    4) == 0);
	CHECK(msg_writer_rr(&mw, MSG_ANSWER, far, RR_TXT, CLASS_IN, 60, txt,
			    sizeof(txt)) == BN_ENOSPC);
	CHECK(msg_writer_rr(&mw, MSG_ANSWER, c, RR_A, CLASS_IN, 60, addr,
			    4) == 0);
	len = msg_writer_finish(&mw);
	CHECK(msg_parse(&m, buf, (size_t)len, rrs, MAXRR) == 0);
	CHECK(msg_section_count(&m, MSG_ANSWER) == 3);
	want[0] = a;
	want[1] = b;
	want[2] = c;
	for (int i = 0; i < 3 && i < msg_section_count(&m, MSG_ANSWER); i++)
		CHECK(msg_rr_owner(&m, msg_section_rr(&m, MSG_ANSWER, i),
				   got) > 0 &&
		      memcmp(got, want[i], name_length(want[i])) == 0);
	CHECK(msg_rr_rdata(&m, msg_section_rr(&m, MSG_ANSWER, 0), got,
			   sizeof(got)) == k + 2 &&
	      memcmp(got, mx, (size_t)k + 2) == 0);
}

static void test_edns(void)
{
	struct edns e;
	struct edns_opt_iter it;
	const uint8_t *d;
	uint16_t code, len;
	static const uint8_t two[] = { 0, 10, 0, 2, 'a', 'b', 0, 3, 0, 0 };
	static const uint8_t bad[] = { 0, 10, 0, 3, 'a', 'b' };
	static const uint8_t stub[] = { 0, 10, 0 };

	CHECK(edns_parse(&e, 100, 0x01008000u, NULL, 0) == 0);
	CHECK(edns_payload(&e) == 512 && edns_do(&e) && e.version == 0);
	CHECK(edns_rcode(&e, 0) == RCODE_BADVERS);
	CHECK(edns_parse(&e, 65535, 0x00020000u, two, sizeof(two)) == 0);
	CHECK(edns_payload(&e) == 65535 && !edns_do(&e) && e.version == 2);
	edns_opt_iter_init(&it, &e);
	CHECK(edns_opt_next(&it, &code, &d, &len) == 1 && code == 10);
	CHECK(len == 2 && d == two + 4);
	CHECK(edns_opt_next(&it, &code, &d, &len) == 1 && code == 3 && len == 0);
	CHECK(edns_opt_next(&it, &code, &d, &len) == 0);
	CHECK(edns_parse(&e, 512, 0, bad, sizeof(bad)) == BN_EOPT);
	CHECK(edns_parse(&e, 512, 0, stub, sizeof(stub)) == BN_EOPT);
	CHECK(edns_set_rcode(&e, 0xabc) == 0xc && e.ext_rcode == 0xab);
}

static void test_query(void)
{
	uint8_t buf[512], name[NAME_MAXLEN];
	struct msg_hdr h = { .id = 7, .flags = MSG_FLAG_RD };
	struct msg_writer mw;
	struct msg_query q;
	struct edns e;
	int len;

	from(name, "Query.Example.");
	msg_writer_init(&mw, buf, sizeof(buf), &h, true);
	msg_writer_question(&mw, name, RR_AAAA, CLASS_IN);
	edns_init(&e, 1400);
	msg_writer_opt(&mw, &e);
	len = msg_writer_finish(&mw);
	CHECK(msg_parse_query(&q, buf, (size_t)len) == 0);
	CHECK(q.hdr.id == 7 && q.has_question && q.qtype == RR_AAAA);
	CHECK(q.qclass == CLASS_IN && q.qname_len == 15);
	CHECK(memcmp(q.qname, "\5Query\7Example", 15) == 0);
	CHECK(q.question_end == 12 + 19 && q.has_opt && q.tsig_off == 0);
	CHECK(edns_payload(&q.edns) == 1400);
	/* no question at all (a cookie-only query) */
	msg_writer_init(&mw, buf, sizeof(buf), &h, true);
	len = msg_writer_finish(&mw);
	CHECK(msg_parse_query(&q, buf, (size_t)len) == 0 && !q.has_question);
	/* TSIG as the last record is reported */
	msg_writer_init(&mw, buf, sizeof(buf), &h, true);
	msg_writer_question(&mw, name, RR_SOA, CLASS_IN);
	msg_writer_opt(&mw, &e);
	CHECK(msg_writer_rr(&mw, MSG_ADDITIONAL, name, RR_TSIG, CLASS_ANY, 0,
			    (const uint8_t *)"\0", 1) == 0);
	len = msg_writer_finish(&mw);
	CHECK(msg_parse_query(&q, buf, (size_t)len) == 0);
	CHECK(q.tsig_off == 12 + 19 + 11);
}

#define HDR(qd, an, ns, ar) 0x12, 0x34, 0x01, 0x00, 0, qd, 0, an, 0, ns, 0, ar
/* question "a." IN A at offset 12 */
#define QA 1, 'a', 0, 0, 1, 0, 1
/* answer: owner pointer to the question name, A 192.0.2.1 */
#define RRA 0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1
/* OPT: root owner, payload 4096, no options */
#define OPT 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0
/* TSIG with a one-octet body, owner pointer to "a." */
#define TSIG 0xc0, 12, 0, 250, 0, 255, 0, 0, 0, 0, 0, 1, 0

struct bad_pkt {
	int line;
	const uint8_t *p;
	size_t len;
	int err;
};

#define BAD(e, ...) { __LINE__, (const uint8_t[]){ __VA_ARGS__ },          \
		      sizeof((const uint8_t[]){ __VA_ARGS__ }), e }

static const struct bad_pkt bad[] = {
	/* one octet: shorter than a header */
	BAD(BN_ESHORT, 0),
	/* eleven octets: header cut */
	BAD(BN_ESHORT, 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0),
	/* qdcount 1, no question at all */
	BAD(BN_ECOUNT, HDR(1, 0, 0, 0)),
	/* question name fine, QTYPE has one octet */
	BAD(BN_ETRUNC, HDR(1, 0, 0, 0), 1, 'a', 0, 0),
	/* question QCLASS missing */
	BAD(BN_ETRUNC, HDR(1, 0, 0, 0), 1, 'a', 0, 0, 1),
	/* question name: label runs past the end */
	BAD(BN_ETRUNC, HDR(1, 0, 0, 0), 5, 'a', 'b'),
	/* question name without its root label */
	BAD(BN_ETRUNC, HDR(1, 0, 0, 0), 1, 'a'),
	/* pointer loop: "a" then a pointer back to the name's own start */
	BAD(BN_EPTRLOOP, HDR(1, 0, 0, 0), 1, 'a', 0xc0, 12, 0, 1, 0, 1),
	/* self pointer */
	BAD(BN_EPTRLOOP, HDR(1, 0, 0, 0), 0xc0, 12, 0, 1, 0, 1),
	/* forward pointer to a name later in the packet */
	BAD(BN_EPTRFWD, HDR(1, 0, 0, 0), 0xc0, 18, 0, 1, 0, 1, 1, 'a', 0),
	/* pointer past the end of the packet */
	BAD(BN_EPTRRANGE, HDR(1, 0, 0, 0), 0xc0, 0xff, 0, 1, 0, 1),
	/* pointer to the largest offset, far past the end */
	BAD(BN_EPTRRANGE, HDR(1, 0, 0, 0), 1, 'a', 0xff, 0xff, 0, 1, 0, 1),
	/* pointer cut after its first octet */
	BAD(BN_ETRUNC, HDR(1, 0, 0, 0), 1, 'a', 0xc0),
	/* reserved label type 0x40 (extended label) */
	BAD(BN_ELABELTYPE, HDR(1, 0, 0, 0), 0x41, 0, 0, 1, 0, 1),
	/* reserved label type 0x80 */
	BAD(BN_ELABELTYPE, HDR(1, 0, 0, 0), 1, 'a', 0x80, 0, 1, 0, 1),
	/* label length 64 is type 0x40: labels over 63 cannot be expressed */
	BAD(BN_ELABELTYPE, HDR(1, 0, 0, 0), 64, 'a', 0, 0, 1, 0, 1),
	/* qdcount 2, one question */
	BAD(BN_ECOUNT, HDR(2, 0, 0, 0), QA),
	/* second question truncated */
	BAD(BN_ETRUNC, HDR(2, 0, 0, 0), QA, 0xc0, 12, 0),
	/* trailing octet after the question */
	BAD(BN_ETRAILING, HDR(1, 0, 0, 0), QA, 0),
	/* all counts zero, then bytes */
	BAD(BN_ETRAILING, HDR(0, 0, 0, 0), 1, 'a', 0),
	/* ancount 1, nothing after the question */
	BAD(BN_ECOUNT, HDR(1, 1, 0, 0), QA),
	/* ancount 2, one answer present */
	BAD(BN_ECOUNT, HDR(1, 2, 0, 0), QA, RRA),
	/* nscount 1, nothing there */
	BAD(BN_ECOUNT, HDR(1, 1, 1, 0), QA, RRA),
	/* arcount 1, nothing there */
	BAD(BN_ECOUNT, HDR(1, 1, 0, 1), QA, RRA),
	/* answer owner only */
	BAD(BN_ETRUNC, HDR(1, 1, 0, 0), QA, 0xc0, 12),
	/* RR fixed part: TYPE only */
	BAD(BN_ETRUNC, HDR(1, 1, 0, 0), QA, 0xc0, 12, 0, 1),
	/* RR fixed part: TTL cut */
	BAD(BN_ETRUNC, HDR(1, 1, 0, 0), QA, 0xc0, 12, 0, 1, 0, 1, 0, 0),
	/* RR fixed part: RDLENGTH has one octet */
	BAD(BN_ETRUNC, HDR(1, 1, 0, 0), QA, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0,
	    60, 0),
	/* RDLENGTH 4, three octets present */
	BAD(BN_ERDLEN, HDR(1, 1, 0, 0), QA, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0,
	    60, 0, 4, 1, 2, 3),
	/* RDLENGTH 65535 */
	BAD(BN_ERDLEN, HDR(0, 1, 0, 0), 0, 0, 1, 0, 1, 0, 0, 0, 60, 0xff,
	    0xff, 1, 2, 3, 4),
	/* RDLENGTH 1 with 0 octets present */
	BAD(BN_ERDLEN, HDR(0, 1, 0, 0), 0, 0, 1, 0, 1, 0, 0, 0, 60, 0, 1),
	/* trailing octet after the last RR */
	BAD(BN_ETRAILING, HDR(1, 1, 0, 0), QA, RRA, 0),
	/* trailing garbage after the OPT */
	BAD(BN_ETRAILING, HDR(1, 0, 0, 1), QA, OPT, 0xde, 0xad),
	/* answer owner with a forward pointer */
	BAD(BN_EPTRFWD, HDR(1, 1, 0, 0), QA, 0xc0, 29, 0, 1, 0, 1, 0, 0, 0,
	    60, 0, 0),
	/* answer owner pointing into itself through a label */
	BAD(BN_EPTRLOOP, HDR(1, 1, 0, 0), QA, 1, 'b', 0xc0, 19, 0, 1, 0, 1,
	    0, 0, 0, 60, 0, 0),
	/* two hops: the second pointer goes forward (a loop in the making) */
	BAD(BN_EPTRFWD, HDR(1, 1, 0, 0), 1, 'a', 0xc0, 16, 0, 1, 0, 1,
	    0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 0),
	/* answer owner pointer to exactly the packet length */
	BAD(BN_EPTRRANGE, HDR(1, 1, 0, 0), QA, 0xc0, 31, 0, 1, 0, 1, 0, 0,
	    0, 60, 0, 0),
	/* reserved label type in an answer owner */
	BAD(BN_ELABELTYPE, HDR(1, 1, 0, 0), QA, 0x80, 0, 0, 1, 0, 1, 0, 0, 0,
	    60, 0, 0),
	/* 63-octet label announced, packet ends */
	BAD(BN_ETRUNC, HDR(0, 1, 0, 0), 63, 'a', 'b', 'c'),
	/* two OPT records */
	BAD(BN_EOPT, HDR(1, 0, 0, 2), QA, OPT, OPT),
	/* OPT with owner "a." */
	BAD(BN_EOPT, HDR(1, 0, 0, 1), QA, 1, 'a', 0, 0, 41, 0x10, 0, 0, 0,
	    0, 0, 0, 0),
	/* OPT owner is a pointer (to "a.") */
	BAD(BN_EOPT, HDR(1, 0, 0, 1), QA, 0xc0, 12, 0, 41, 0x10, 0, 0, 0,
	    0, 0, 0, 0),
	/* OPT in the answer section */
	BAD(BN_EOPT, HDR(1, 1, 0, 0), QA, OPT),
	/* OPT in the authority section */
	BAD(BN_EOPT, HDR(1, 0, 1, 0), QA, OPT),
	/* OPT option length 5, 4 octets of data */
	BAD(BN_EOPT, HDR(1, 0, 0, 1), QA, 0, 0, 41, 0x10, 0, 0, 0, 0, 0,
	    0, 8, 0, 10, 0, 5, 1, 2, 3, 4),
	/* OPT with a three-octet option header */
	BAD(BN_EOPT, HDR(1, 0, 0, 1), QA, 0, 0, 41, 0x10, 0, 0, 0, 0, 0,
	    0, 3, 0, 10, 0),
	/* OPT: second option's length past the RDATA */
	BAD(BN_EOPT, HDR(1, 0, 0, 1), QA, 0, 0, 41, 0x10, 0, 0, 0, 0, 0,
	    0, 9, 0, 3, 0, 0, 0, 10, 0, 8, 1),
	/* OPT RDLENGTH past the end */
	BAD(BN_ERDLEN, HDR(1, 0, 0, 1), QA, 0, 0, 41, 0x10, 0, 0, 0, 0, 0,
	    0, 4, 0, 10),
	/* OPT fixed part cut */
	BAD(BN_ETRUNC, HDR(1, 0, 0, 1), QA, 0, 0, 41, 0x10, 0, 0, 0),
	/* TSIG not the last record */
	BAD(BN_ERDATA, HDR(1, 0, 0, 2), QA, TSIG, OPT),
	/* TSIG in the answer section */
	BAD(BN_ERDATA, HDR(1, 1, 0, 0), QA, TSIG),
	/* a second question after a valid one loops */
	BAD(BN_EPTRLOOP, HDR(2, 0, 0, 0), QA, 0xc0, 19, 0, 1, 0, 1),
};

/* After an error, what was read stays usable (a server echoes the
 * question in its FORMERR): the header, and the question when whole. */
static void test_query_error(void)
{
	static const uint8_t trail[] = { HDR(1, 0, 0, 1), QA, OPT, 9 };
	static const uint8_t cut[] = { HDR(1, 0, 0, 0), 1, 'a', 0, 0, 1 };
	static const uint8_t badopt[] = { HDR(1, 0, 0, 1), QA, 1, 'a', 0,
					  0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0 };
	struct msg_query q;

	memset(&q, 0xff, sizeof(q));
	CHECK(msg_parse_query(&q, trail, sizeof(trail)) == BN_ETRAILING);
	CHECK(q.hdr.id == 0x1234 && q.has_question && q.qtype == RR_A &&
	      q.qclass == CLASS_IN && q.qname_len == 3 && !q.has_opt &&
	      q.tsig_off == 0);
	memset(&q, 0xff, sizeof(q));
	CHECK(msg_parse_query(&q, badopt, sizeof(badopt)) == BN_EOPT);
	CHECK(q.has_question && q.qtype == RR_A && !q.has_opt);
	memset(&q, 0xff, sizeof(q));
	CHECK(msg_parse_query(&q, cut, sizeof(cut)) == BN_ETRUNC);
	CHECK(q.hdr.id == 0x1234 && !q.has_question && !q.has_opt);
	memset(&q, 0xff, sizeof(q));
	CHECK(msg_parse_query(&q, cut, 5) == BN_ESHORT);
	CHECK(!q.has_question && !q.has_opt && q.tsig_off == 0);
}

static void test_malformed(void)
{
	struct msg m;
	struct msg_query q;
	size_t n = sizeof(bad) / sizeof(bad[0]);

	CHECK(n >= 45);
	for (size_t i = 0; i < n; i++) {
		int r = msg_parse(&m, bad[i].p, bad[i].len, rrs, MAXRR);
		int rq = msg_parse_query(&q, bad[i].p, bad[i].len);
		/* the query parser refuses qdcount > 1 before looking */
		int wq = bad[i].len >= 6 && bad[i].p[5] > 1 ? BN_ECOUNT :
			 bad[i].err;

		CHECKF(r == bad[i].err, "line %d: %d (%s), want %s",
		       bad[i].line, r, bn_strerror(r), bn_strerror(bad[i].err));
		CHECKF(rq == wq, "line %d: query %d (%s)",
		       bad[i].line, rq, bn_strerror(rq));
	}
}

/* Checks that need bigger packets than a literal. */
static size_t put_label(uint8_t *p, size_t at, uint8_t len)
{
	p[at] = len;
	memset(p + at + 1, 'x', len);
	return at + 1 + len;
}

static void test_big(void)
{
	static uint8_t pkt[MSG_MAXLEN + 2];
	uint8_t hdr[] = { HDR(2, 0, 0, 0) };
	struct msg m;
	size_t p, q2;

	memcpy(pkt, hdr, sizeof(hdr));
	/* question 1 at 12: two 63-octet labels, 129 octets in all */
	p = put_label(pkt, 12, 63);
	p = put_label(pkt, p, 63);
	pkt[p++] = 0;
	memcpy(pkt + p, "\0\1\0\1", 4);
	q2 = p + 4;
	/* question 2: two more 63-octet labels + pointer = 257 octets */
	p = put_label(pkt, q2, 63);
	p = put_label(pkt, p, 63);
	memcpy(pkt + p, "\300\14\0\1\0\1", 6);
	CHECK(msg_parse(&m, pkt, p + 6, rrs, MAXRR) == BN_ENAMELEN);
	/* 63 + 61 octets + pointer: exactly 255 is fine */
	p = put_label(pkt, q2, 63);
	p = put_label(pkt, p, 61);
	memcpy(pkt + p, "\300\14\0\1\0\1", 6);
	CHECK(msg_parse(&m, pkt, p + 6, rrs, MAXRR) == 0);
	CHECK(msg_rr_owner(&m, &rrs[1], pkt + 1000) == 255);
	/* a packet over 65535 octets */
	CHECK(msg_parse(&m, pkt, MSG_MAXLEN + 1, rrs, MAXRR) == BN_EINVAL);
}

/* Copies every record of m into a fresh compressed message and parses
 * that. Returns how many records had RDATA rdata_unpack rejected. */
static int recompose(const struct msg *m, uint8_t *out, size_t cap)
{
	static uint8_t rd[RDATA_MAXLEN];
	static struct msg_rr rrs2[MAXRR];
	uint8_t owner[NAME_MAXLEN];
	struct msg_writer mw;
	struct msg m2;
	int skipped = 0, len, ret;

	msg_writer_init(&mw, out, cap, &m->hdr, true);
	for (int s = 0; s < MSG_SECTIONS; s++) {
		for (uint16_t i = 0; i < msg_section_count(m, s); i++) {
			const struct msg_rr *rr = msg_section_rr(m, s, i);

			CHECK(msg_rr_owner(m, rr, owner) > 0);
			if (s == MSG_QUESTION) {
				CHECK(msg_writer_question(&mw, owner, rr->type,
							  rr->rclass) == 0);
				continue;
			}
			ret = msg_rr_rdata(m, rr, rd, sizeof(rd));
			if (ret < 0) {
				skipped++;
				continue;
			}
			ret = msg_writer_rr(&mw, s, owner, rr->type,
					    rr->rclass, rr->ttl, rd,
					    (uint16_t)ret);
			CHECKF(ret == 0, "re-write: %s", bn_strerror(ret));
		}
	}
	len = msg_writer_finish(&mw);
	ret = msg_parse(&m2, out, (size_t)len, rrs2, MAXRR);
	CHECKF(ret == 0, "re-parse: %s", bn_strerror(ret));
	CHECK(m2.rr_count + skipped == m->rr_count);
	return skipped;
}

static void test_bind_corpus(void)
{
	const char *dir = SHARED_DATA_DIR "/packets/bind-fuzz/dns_message_parse.in";
	static uint8_t pkt[MSG_MAXLEN + 1], out[MSG_MAXLEN];
	struct dirent *de;
	struct msg m;
	int files = 0, ok = 0, skipped = 0;
	DIR *d = opendir(dir);

	if (!d) {
		printf("skip: %s absent\n", dir);
		return;
	}
	while ((de = readdir(d))) {
		char path[1024];
		FILE *f;
		size_t n;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		n = fread(pkt, 1, sizeof(pkt), f);
		fclose(f);
		files++;
		if (msg_parse(&m, pkt, n, rrs, MAXRR) != 0)
			continue;
		ok++;
		skipped += recompose(&m, out, sizeof(out));
	}
	closedir(d);
	printf("bind corpus: %d files, %d accepted, %d records with bad RDATA\n",
	       files, ok, skipped);
	CHECK(files > 0);
}

int main(void)
{
	test_round_trip();
	test_rollback();
	test_follow();
	test_edns();
	test_query();
	test_query_error();
	test_malformed();
	test_big();
	test_bind_corpus();
	return check_done();
}
