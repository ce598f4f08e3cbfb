/* Unit tests for src/resolve/answer.c: answer_add copies (and turns
 * negative sets into their SOA), answer_write re-parsed with msg_parse:
 * flags, counts, question case, compression, OPT payload and DO,
 * extended rcode, TC on overflow with and without EDNS, the stream
 * variant, rcode-only replies, and the Extended DNS Error option. */
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "resolve/answer.h"
#include "wire/edns.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

static struct answer ans;
static struct msg_rr rrs[256];
static uint8_t out[65535];

static int from(uint8_t *dst, const char *s)
{
	return name_from_text(dst, s, strlen(s), NULL);
}

/* A query packet for qname/qtype, with an OPT of payload (0: none). */
static void make_query(struct msg_query *q, const char *qname,
		       uint16_t qtype, uint16_t flags, uint16_t payload,
		       bool dnssec_ok)
{
	static uint8_t pkt[512];
	struct msg_hdr h = { .id = 0x1234, .flags = flags };
	struct msg_writer mw;
	struct edns e;
	uint8_t qn[NAME_MAXLEN];
	int len;

	from(qn, qname);
	CHECK(msg_writer_init(&mw, pkt, sizeof(pkt), &h, true) == 0);
	CHECK(msg_writer_question(&mw, qn, qtype, CLASS_IN) == 0);
	if (payload) {
		edns_init(&e, payload);
		if (dnssec_ok)
			e.flags = EDNS_FLAG_DO;
		CHECK(msg_writer_opt(&mw, &e) == 0);
	}
	len = msg_writer_finish(&mw);
	CHECK(len > 0);
	CHECK(msg_parse_query(q, pkt, (size_t)len) == 0);
}

/* An RRset of n A records 192.0.2.i under owner. */
static void make_a_set(struct rrset *s, uint8_t *owner, const char *name,
		       uint8_t *buf, uint16_t n)
{
	struct wbuf w;

	from(owner, name);
	wbuf_init(&w, buf, 6u * n);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t a[4] = { 192, 0, 2, (uint8_t)i };

		wbuf_u16(&w, 4);
		wbuf_bytes(&w, a, 4);
	}
	memset(s, 0, sizeof(*s));
	s->owner = owner;
	s->type = RR_A;
	s->rclass = CLASS_IN;
	s->ttl = 300;
	s->rank = RANK_ANSWER;
	s->count = n;
	s->rdata = buf;
	s->rdata_len = w.len;
}

static int parse(struct msg *m, size_t len)
{
	return msg_parse(m, out, len, rrs, 256);
}

static void test_add(void)
{
	struct rrset s;
	uint8_t owner[NAME_MAXLEN], rd[600], soa_owner[NAME_MAXLEN];

	answer_init(&ans, RCODE_NOERROR);
	make_a_set(&s, owner, "a.example.", rd, 3);
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	/* the copy does not depend on the caller's buffers */
	memset(owner, 0, sizeof(owner));
	memset(rd, 0, sizeof(rd));
	CHECK(ans.nsets == 1);
	CHECK(ans.sets[0].section == MSG_ANSWER);
	CHECK(ans.sets[0].set.count == 3);
	CHECK(ans.sets[0].set.rdata_len == 18);
	CHECK(ans.sets[0].set.rdata[0] == 0 && ans.sets[0].set.rdata[1] == 4);
	CHECK(ans.sets[0].set.rdata[5] == 0);
	from(owner, "a.example.");
	CHECK(name_equal(ans.sets[0].set.owner, owner));

	/* negative: its SOA goes to authority under the SOA owner */
	static const char soa_text[] = "\x02ns\x07example\x00\x04host\x07"
				       "example\x00";
	uint8_t soa[64];
	struct wbuf w;

	wbuf_init(&w, soa, sizeof(soa));
	wbuf_u16(&w, (uint16_t)(sizeof(soa_text) - 1 + 20));
	wbuf_bytes(&w, soa_text, sizeof(soa_text) - 1);
	for (int i = 0; i < 5; i++)
		wbuf_u32(&w, (uint32_t)(i + 1));
	from(soa_owner, "example.");
	memset(&s, 0, sizeof(s));
	s.owner = owner;
	s.type = 0;
	s.rclass = CLASS_IN;
	s.ttl = 60;
	s.kind = RRSET_NXDOMAIN;
	s.count = 1;
	s.rdata = soa;
	s.rdata_len = w.len;
	s.soa_owner = soa_owner;
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	CHECK(ans.nsets == 2);
	CHECK(ans.sets[1].section == MSG_AUTHORITY);
	CHECK(ans.sets[1].set.type == RR_SOA);
	CHECK(ans.sets[1].set.ttl == 60);
	CHECK(ans.sets[1].set.kind == RRSET_POSITIVE);
	CHECK(name_equal(ans.sets[1].set.owner, soa_owner));

	/* negative without SOA: nothing added */
	s.count = 0;
	s.rdata_len = 0;
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	CHECK(ans.nsets == 2);

	/* the 33rd set and an over-large one are refused, a unchanged */
	answer_init(&ans, RCODE_NOERROR);
	make_a_set(&s, owner, "a.example.", rd, 1);
	for (int i = 0; i < ANSWER_SETS; i++)
		CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == BN_ENOSPC);
	CHECK(ans.nsets == ANSWER_SETS);
	answer_init(&ans, RCODE_NOERROR);
	s.rdata_len = ANSWER_DATA;
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == BN_ENOSPC);
	CHECK(ans.nsets == 0 && ans.used == 0);
}

static void test_write_flags(void)
{
	struct msg_query q;
	struct rrset s;
	struct msg m;
	uint8_t owner[NAME_MAXLEN], rd[64], name[NAME_MAXLEN];
	uint8_t want[NAME_MAXLEN];
	size_t len;

	/* opcode QUERY, RD and CD set, AD set by the client (not echoed) */
	make_query(&q, "WwW.ExAmple.", RR_A,
		   MSG_FLAG_RD | MSG_FLAG_CD | MSG_FLAG_AD, 0, false);
	answer_init(&ans, RCODE_NOERROR);
	make_a_set(&s, owner, "www.example.", rd, 2);
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(len > 0);
	CHECK(parse(&m, len) == 0);
	CHECK(m.hdr.id == 0x1234);
	CHECK(msg_hdr_qr(&m.hdr) && msg_hdr_ra(&m.hdr) && msg_hdr_rd(&m.hdr));
	CHECK(msg_hdr_cd(&m.hdr));
	CHECK(!msg_hdr_aa(&m.hdr) && !msg_hdr_tc(&m.hdr) && !msg_hdr_ad(&m.hdr));
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_NOERROR);
	CHECK(msg_section_count(&m, MSG_QUESTION) == 1);
	CHECK(msg_section_count(&m, MSG_ANSWER) == 2);
	CHECK(msg_section_count(&m, MSG_ADDITIONAL) == 0);
	CHECK(!m.has_opt);
	/* question case kept, octet for octet */
	CHECK(msg_rr_owner(&m, &m.rr[0], name) > 0);
	from(want, "WwW.ExAmple.");
	CHECK(memcmp(name, want, name_length(want)) == 0);
	/* the owner compresses to the question: 2-octet pointer */
	CHECK(len == 12 + 17 + 2 * (2 + 10 + 4));
	CHECK(msg_rr_owner(&m, msg_section_rr(&m, MSG_ANSWER, 1), name) > 0);
	CHECK(name_equal(name, owner));
	CHECK(msg_section_rr(&m, MSG_ANSWER, 1)->ttl == 300);

	/* RD clear in the query: clear in the reply; AA from a->aa */
	make_query(&q, "www.example.", RR_A, 0, 0, false);
	ans.aa = true;
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(!msg_hdr_rd(&m.hdr) && !msg_hdr_cd(&m.hdr));
	CHECK(msg_hdr_aa(&m.hdr) && msg_hdr_ra(&m.hdr));
}

static void test_write_sections(void)
{
	struct msg_query q;
	struct rrset s, ns;
	struct msg m;
	uint8_t owner[NAME_MAXLEN], rd[64], nsowner[NAME_MAXLEN];
	uint8_t nsrd[64], target[NAME_MAXLEN];
	struct wbuf w;
	size_t len;

	/* added authority first: written answer first anyway */
	make_query(&q, "www.example.", RR_A, MSG_FLAG_RD, 0, false);
	answer_init(&ans, RCODE_NOERROR);
	from(nsowner, "example.");
	from(target, "ns.example.");
	wbuf_init(&w, nsrd, sizeof(nsrd));
	wbuf_u16(&w, (uint16_t)name_length(target));
	wbuf_bytes(&w, target, name_length(target));
	memset(&ns, 0, sizeof(ns));
	ns.owner = nsowner;
	ns.type = RR_NS;
	ns.rclass = CLASS_IN;
	ns.ttl = 3600;
	ns.count = 1;
	ns.rdata = nsrd;
	ns.rdata_len = w.len;
	CHECK(answer_add(&ans, MSG_AUTHORITY, &ns) == 0);
	make_a_set(&s, owner, "www.example.", rd, 1);
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_section_count(&m, MSG_ANSWER) == 1);
	CHECK(msg_section_count(&m, MSG_AUTHORITY) == 1);
	CHECK(msg_section_rr(&m, MSG_AUTHORITY, 0)->type == RR_NS);
	CHECK(msg_section_rr(&m, MSG_ANSWER, 0)->type == RR_A);
	/* RDATA name: compressed ("ns" + pointer), read back whole */
	uint8_t back[NAME_MAXLEN];

	CHECK(msg_section_rr(&m, MSG_AUTHORITY, 0)->rdlen == 5);
	CHECK(msg_rr_rdata(&m, msg_section_rr(&m, MSG_AUTHORITY, 0), back,
			   sizeof(back)) == (int)name_length(target));
	CHECK(name_equal(back, target));
}

static void test_write_edns(void)
{
	struct msg_query q;
	struct rrset s;
	struct msg m;
	uint8_t owner[NAME_MAXLEN], rd[64];
	size_t len;

	answer_init(&ans, RCODE_NXDOMAIN);
	make_a_set(&s, owner, "x.example.", rd, 1);

	/* client 4096, ours 1232: OPT says 1232, DO copied */
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 4096, true);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(m.has_opt);
	CHECK(m.edns.payload == 1232);
	CHECK(edns_do(&m.edns));
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_NXDOMAIN);
	CHECK(msg_section_count(&m, MSG_ADDITIONAL) == 1);

	/* client 1000 under ours: 1000; DO clear stays clear */
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 1000, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(m.edns.payload == 1000 && !edns_do(&m.edns));

	/* client 100 counts as 512 */
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 100, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(m.edns.payload == 512);

	/* extended rcode (BADVERS = 16) through the OPT */
	answer_init(&ans, RCODE_BADVERS);
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 1232, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == 0);
	CHECK(m.edns.ext_rcode == 1);
	CHECK(edns_rcode(&m.edns, msg_hdr_rcode(&m.hdr)) == RCODE_BADVERS);
	/* without an OPT it cannot be said: SERVFAIL */
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 0, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_SERVFAIL && !m.has_opt);
}

/* 40 A records: 12 + 17 + 40 * 16 = 669 octets, over 512. */
static void test_truncation(void)
{
	struct msg_query q;
	struct rrset s;
	struct msg m;
	uint8_t owner[NAME_MAXLEN], rd[600];
	size_t len;

	answer_init(&ans, RCODE_NOERROR);
	make_a_set(&s, owner, "big.example.", rd, 40);
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);

	/* no EDNS: 512, TC, no records, question kept */
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 0, false);
	len = answer_write(&ans, &q, 4096, out, sizeof(out));
	CHECK(len > 0 && len <= 512);
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_tc(&m.hdr));
	CHECK(msg_section_count(&m, MSG_QUESTION) == 1);
	CHECK(msg_section_count(&m, MSG_ANSWER) == 0);
	CHECK(msg_section_count(&m, MSG_ADDITIONAL) == 0);

	/* EDNS 512 as well: TC, OPT still there */
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 512, false);
	len = answer_write(&ans, &q, 4096, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_tc(&m.hdr) && m.has_opt);
	CHECK(msg_section_count(&m, MSG_ANSWER) == 0);
	CHECK(msg_section_count(&m, MSG_ADDITIONAL) == 1);

	/* EDNS 1232: fits, no TC */
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 1232, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(len > 512);
	CHECK(parse(&m, len) == 0);
	CHECK(!msg_hdr_tc(&m.hdr));
	CHECK(msg_section_count(&m, MSG_ANSWER) == 40);

	/* client 4096 but we offer only 600: cut at ours */
	len = answer_write(&ans, &q, 600, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_tc(&m.hdr) && len <= 600);

	/* exactly at the limit: 669 + OPT 11 = 680 fits 680, not 679 */
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 4096, false);
	len = answer_write(&ans, &q, 4096, out, 680);
	CHECK(len == 680);
	len = answer_write(&ans, &q, 4096, out, 679);
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_tc(&m.hdr));

	/* stream: no EDNS, still the whole answer */
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 0, false);
	len = answer_write_stream(&ans, &q, 1232, out, sizeof(out));
	CHECK(len == 669);
	CHECK(parse(&m, len) == 0);
	CHECK(!msg_hdr_tc(&m.hdr));
	CHECK(msg_section_count(&m, MSG_ANSWER) == 40);

	/* cap under a header: nothing */
	CHECK(answer_write(&ans, &q, 1232, out, 11) == 0);

	/* a secure answer cut short keeps AD for a DO client (Unbound
	 * does so), an insecure one has none */
	answer_init(&ans, RCODE_NOERROR);
	s.sec = SEC_SECURE;
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 512, true);
	len = answer_write(&ans, &q, 4096, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && msg_hdr_tc(&m.hdr) && msg_hdr_ad(&m.hdr));
	CHECK(msg_section_count(&m, MSG_ANSWER) == 0);
	ans.sets[0].set.sec = SEC_INSECURE;
	len = answer_write(&ans, &q, 4096, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && msg_hdr_tc(&m.hdr) && !msg_hdr_ad(&m.hdr));
}

static void test_rcode(void)
{
	struct msg_query q;
	struct msg m;
	size_t len;

	make_query(&q, "Q.example.", RR_TXT, MSG_FLAG_RD, 0, false);
	len = answer_write_rcode(&q, RCODE_REFUSED, NULL, 1232, out,
				 sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_REFUSED);
	CHECK(msg_hdr_qr(&m.hdr) && msg_hdr_rd(&m.hdr) && !msg_hdr_aa(&m.hdr));
	CHECK(msg_section_count(&m, MSG_QUESTION) == 1);
	CHECK(m.rr[0].type == RR_TXT);
	CHECK(!m.has_opt);

	make_query(&q, "Q.example.", RR_TXT, 0, 1400, false);
	len = answer_write_rcode(&q, RCODE_SERVFAIL, NULL, 1232, out,
				 sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_SERVFAIL);
	CHECK(m.has_opt && m.edns.payload == 1232);

	/* no question in the query: none in the reply */
	q.has_question = false;
	len = answer_write_rcode(&q, RCODE_FORMERR, NULL, 1232, out,
				 sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_section_count(&m, MSG_QUESTION) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_FORMERR);
	CHECK(len == 12 + 11);
	CHECK(m.edns.opts_len == 0);
}

/* The EDE option of a parsed reply: 1 found (code, text set), 0 none,
 * -1 malformed (under 2 octets). */
static int find_ede(const struct msg *m, uint16_t *code, const uint8_t **text,
		    uint16_t *tlen)
{
	const uint8_t *d;
	uint16_t len;

	if (!m->has_opt || edns_opt_find(&m->edns, EDNS_OPT_EDE, &d, &len) != 1)
		return 0;
	if (len < 2)
		return -1;
	*code = wire_get_u16(d);
	*text = d + 2;
	*tlen = (uint16_t)(len - 2);
	return 1;
}

/* RFC 8914: the EDE rides in the OPT, so only to EDNS clients; through
 * every writer, truncation and answer_add; answer_init clears it. */
static void test_ede(void)
{
	const uint8_t *text;
	uint16_t code, tlen;
	struct msg_query q;
	struct rrset s;
	struct msg m;
	uint8_t owner[NAME_MAXLEN], rd[600];
	size_t len;

	answer_init(&ans, RCODE_SERVFAIL);
	CHECK(ans.ede.code == ANSWER_EDE_NONE);
	answer_set_ede(&ans, EDNS_EDE_NO_REACHABLE_AUTHORITY, "example.");
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 1232, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_SERVFAIL);
	CHECK(find_ede(&m, &code, &text, &tlen) == 1);
	CHECK(code == 22 && tlen == 8 && memcmp(text, "example.", 8) == 0);
	/* the option is the whole RDATA: code 15, length 10 */
	CHECK(m.edns.opts_len == 4 + 2 + 8);
	CHECK(wire_get_u16(m.edns.opts) == 15 &&
	      wire_get_u16(m.edns.opts + 2) == 10);
	len = answer_write_stream(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 && code == 22);

	/* without EDNS: no OPT, so no EDE */
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 0, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(!m.has_opt && msg_hdr_rcode(&m.hdr) == RCODE_SERVFAIL);
	len = answer_write_stream(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && !m.has_opt);

	/* no text; code 0 (Other) is a code, not "none"; DO kept */
	answer_set_ede(&ans, EDNS_EDE_OTHER, NULL);
	make_query(&q, "x.example.", RR_A, MSG_FLAG_RD, 1232, true);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && edns_do(&m.edns));
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 && code == 0 &&
	      tlen == 0);

	/* answer_add keeps it; a truncated reply still carries it */
	answer_init(&ans, RCODE_NOERROR);
	answer_set_ede(&ans, EDNS_EDE_STALE_ANSWER, "");
	make_a_set(&s, owner, "big.example.", rd, 40);
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 512, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && msg_hdr_tc(&m.hdr));
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 && code == 3);
	make_query(&q, "big.example.", RR_A, MSG_FLAG_RD, 1232, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && !msg_hdr_tc(&m.hdr));
	CHECK(msg_section_count(&m, MSG_ANSWER) == 40);
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 && code == 3);

	/* answer_init clears it */
	answer_init(&ans, RCODE_SERVFAIL);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0 && m.has_opt);
	CHECK(find_ede(&m, &code, &text, &tlen) == 0 && m.edns.opts_len == 0);

	/* extended rcode and EDE together */
	answer_init(&ans, RCODE_BADVERS);
	answer_set_ede(&ans, EDNS_EDE_OTHER, "v");
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(edns_rcode(&m.edns, msg_hdr_rcode(&m.hdr)) == RCODE_BADVERS);
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 && tlen == 1);
}

/* The text is cut at ANSWER_EDE_TEXT octets, not inside a character. */
static void test_ede_text(void)
{
	char t[ANSWER_EDE_TEXT + 8];
	struct answer_ede e;

	memset(t, 'a', ANSWER_EDE_TEXT);
	t[ANSWER_EDE_TEXT] = 0;
	answer_ede_set(&e, 22, t);
	CHECK(e.code == 22 && e.text_len == ANSWER_EDE_TEXT);
	t[ANSWER_EDE_TEXT] = 'b';
	t[ANSWER_EDE_TEXT + 1] = 0;
	answer_ede_set(&e, 22, t);
	CHECK(e.text_len == ANSWER_EDE_TEXT && e.text[63] == 'a');
	/* U+00E9 (2 octets) across the limit goes whole */
	strcpy(t + ANSWER_EDE_TEXT - 1, "\xc3\xa9z");
	answer_ede_set(&e, 22, t);
	CHECK(e.text_len == ANSWER_EDE_TEXT - 1);
	/* U+20AC (3 octets) ending exactly at the limit stays */
	strcpy(t + ANSWER_EDE_TEXT - 3, "\xe2\x82\xacz");
	answer_ede_set(&e, 22, t);
	CHECK(e.text_len == ANSWER_EDE_TEXT &&
	      (uint8_t)e.text[ANSWER_EDE_TEXT - 1] == 0xac);
	answer_ede_set(&e, 65535, "");
	CHECK(e.code == 65535 && e.text_len == 0);
	answer_ede_clear(&e);
	CHECK(e.code == ANSWER_EDE_NONE);
}

/* answer_write_rcode with an EDE: in the OPT when the query had one. */
static void test_rcode_ede(void)
{
	const uint8_t *text;
	uint16_t code, tlen;
	struct answer_ede e;
	struct msg_query q;
	struct msg m;
	size_t len;

	answer_ede_set(&e, EDNS_EDE_NOT_AUTHORITATIVE, NULL);
	make_query(&q, "Q.example.", RR_A, 0, 1232, false);
	len = answer_write_rcode(&q, RCODE_REFUSED, &e, 1232, out,
				 sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_REFUSED);
	CHECK(msg_section_count(&m, MSG_QUESTION) == 1);
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 && code == 20);
	make_query(&q, "Q.example.", RR_A, 0, 0, false);
	len = answer_write_rcode(&q, RCODE_REFUSED, &e, 1232, out,
				 sizeof(out));
	CHECK(parse(&m, len) == 0 && !m.has_opt);
	/* the longest question, a full text and a 512 client: it fits */
	answer_ede_set(&e, 22, "0123456789012345678901234567890123456789"
			       "0123456789012345678901234567890123456789");
	make_query(&q, "a123456789012345678901234567890123456789012345678."
		       "b123456789012345678901234567890123456789012345678."
		       "c123456789012345678901234567890123456789012345678."
		       "d123456789012345678901234567890123456789012345678."
		       "e123456789012345678901234567890123456789012345678.",
		   RR_A, 0, 512, false);
	len = answer_write_rcode(&q, RCODE_SERVFAIL, &e, 1232, out,
				 sizeof(out));
	CHECK(len > 0 && len <= 512);
	CHECK(parse(&m, len) == 0);
	CHECK(find_ede(&m, &code, &text, &tlen) == 1 &&
	      tlen == ANSWER_EDE_TEXT);
}

/* A set whose RDATA sequence lies about its lengths: SERVFAIL. */
static void test_corrupt(void)
{
	struct msg_query q;
	struct rrset s;
	struct msg m;
	uint8_t owner[NAME_MAXLEN], rd[64];
	size_t len;

	answer_init(&ans, RCODE_NOERROR);
	make_a_set(&s, owner, "c.example.", rd, 2);
	s.count = 3;
	CHECK(answer_add(&ans, MSG_ANSWER, &s) == 0);
	make_query(&q, "c.example.", RR_A, MSG_FLAG_RD, 0, false);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(parse(&m, len) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_SERVFAIL);
	CHECK(msg_section_count(&m, MSG_ANSWER) == 0);
}

int main(void)
{
	test_add();
	test_write_flags();
	test_write_sections();
	test_write_edns();
	test_truncation();
	test_rcode();
	test_corrupt();
	test_ede();
	test_ede_text();
	test_rcode_ede();
	return check_done();
}
