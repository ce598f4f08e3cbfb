/* Unit tests for src/backend/pdns_out.c: records written as PowerDNS
 * rows (owner text, type text, content and prio as pdnsutil load-zone
 * writes them), and each row read back by pdns_row.c into the same
 * RDATA: nothing lost between a zone file and the database. */
#include <stdio.h>
#include <string.h>

#include "backend/pdns_out.h"
#include "backend/pdns_row.h"
#include "check.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

static const uint8_t origin[] = "\7example\4test";
static struct pdns_conv cv;
static struct zparse_rd *rd;
static char content[PDNS_CONTENT_MAX];

static void test_names(void)
{
	char out[NAME_TEXT_MAX];
	static const uint8_t odd[] = "\5A.b\\c\2\0\377\7Example\4TEST";

	CHECK(pdns_name_text(origin, out, sizeof(out)) == 12 &&
	      !strcmp(out, "example.test"));
	CHECK(pdns_name_text((const uint8_t *)"", out, sizeof(out)) == 1 &&
	      !strcmp(out, "."));
	CHECKF(pdns_name_text(odd, out, sizeof(out)) > 0 &&
	       !strcmp(out, "a\\.b\\\\c.\\000\\255.example.test"), "%s", out);
	CHECK(pdns_name_text(origin, out, 5) == BN_ENOSPC);
}

static void test_types(void)
{
	char b[16];

	CHECK(!strcmp(pdns_type_text(RR_A, b), "A"));
	CHECK(!strcmp(pdns_type_text(RR_OPENPGPKEY, b), "OPENPGPKEY"));
	/* banchi has a mnemonic, PowerDNS none: it looks up TYPEnnn */
	CHECK(!strcmp(pdns_type_text(RR_NSAP_PTR, b), "TYPE23"));
	CHECK(!strcmp(pdns_type_text(RR_HIP, b), "TYPE55"));
	CHECK(!strcmp(pdns_type_text(65280, b), "TYPE65280"));
}

/* The record of type t with RDATA text in, as a row (content, prio)
 * and read back: the content written must be want (NULL: generic, the
 * hex in one piece), and its RDATA the original's. */
static void row_of(const char *t, const char *in, const char *want,
		   unsigned want_prio)
{
	uint16_t type;
	const uint8_t *w;
	const char *msg;
	uint8_t orig[RDATA_MAXLEN];
	char tb[16], prio[12], ctype[16];
	unsigned p = 99;
	struct zrr rr;
	int n, len;

	CHECK(rrtype_from_text(t, strlen(t), &type) == 0);
	len = zparse_rd(rd, type, in, strlen(in), origin, &w, &msg);
	CHECKF(len >= 0, "%s %s: %s", t, in, len < 0 ? msg : "");
	if (len < 0)
		return;
	memcpy(orig, w, (size_t)len);
	n = pdns_content(type, orig, (size_t)len, content, sizeof(content),
			 &p);
	CHECKF(n >= 0 && (want ? !strcmp(content, want) :
			  !strncmp(content, "\\# ", 3) &&
			  strchr(content + 3, ' ') ==
			  strrchr(content, ' ')) && p == want_prio,
	       "%s '%s': '%s' prio %u", t, in, n >= 0 ? content : "?", p);
	snprintf(prio, sizeof(prio), "%u", p);
	snprintf(ctype, sizeof(ctype), "%s", pdns_type_text(type, tb));
	struct pdns_row r = {
		.id = sql_str("1"), .name = sql_str("example.test"),
		.type = sql_str(ctype), .content = sql_str(content),
		.ttl = sql_str("60"), .prio = sql_str(prio),
		.disabled = sql_str("0"),
	};
	pdns_conv_restart(&cv);
	CHECKF(pdns_row_rr(&cv, &r, &rr, &msg) == 1 && rr.type == type &&
	       rr.rdlen == len && !memcmp(rr.rdata, orig, (size_t)len),
	       "%s '%s' read back", t, content);
}

static void test_content(void)
{
	row_of("A", "192.0.2.1", "192.0.2.1", 0);
	row_of("MX", "10 mail", "mail.example.test", 10);
	row_of("MX", "0 .", ".", 0);
	row_of("SRV", "1 2 3 sip", "2 3 sip.example.test", 1);
	row_of("NS", "NS1.Other.", "NS1.Other", 0);
	row_of("SOA", "ns1 host 1 2 3 4 5",
	       "ns1.example.test host.example.test 1 2 3 4 5", 0);
	row_of("KX", "10 mail", "10 mail.example.test", 0);
	row_of("MINFO", "a b.", "a.example.test b", 0);
	row_of("NAPTR", "100 10 \"u\" \"E2U+sip\" \"!^a b.$!x!\" next",
	       "100 10 \"u\" \"E2U+sip\" \"!^a b.$!x!\" next.example.test", 0);
	row_of("TXT", "\"ends with a dot.\" x.", "\"ends with a dot.\" \"x.\"",
	       0);
	/* one piece where BIND cuts keys and digests */
	row_of("DS", "1 8 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	       "0123456789ABCDEF",
	       "1 8 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
	       "0123456789ABCDEF", 0);
	/* CERT's type and algorithm in numbers; IPSECKEY without gateway
	 * as PowerDNS writes it */
	row_of("CERT", "PGP 0 RSASHA256 AQID", "3 0 8 AQID", 0);
	row_of("IPSECKEY", "10 0 2 . AQID", "10 0 2 AQID", 0);
	row_of("IPSECKEY", "10 3 2 gw AQID", "10 3 2 gw.example.test AQID", 0);
	/* type names PowerDNS knows in bitmaps */
	row_of("NSEC", "next A MD WKS TYPE1234",
	       "next.example.test. A TYPE3 TYPE11 TYPE1234", 0);
	/* generic form with the hex in one piece */
	row_of("TYPE65280", "\\# 40 00112233445566778899aabbccddeeff"
	       "00112233445566778899aabbccddeeff0011223344556677",
	       "\\# 40 00112233445566778899AABBCCDDEEFF"
	       "00112233445566778899AABBCCDDEEFF0011223344556677", 0);
	/* a type PowerDNS has no parser for: generic, three fields */
	row_of("HIP", "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc"
	       "TNMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87"
	       "UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7j"
	       "nERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs.example.", NULL,
	       0);
}

int main(void)
{
	rd = zparse_rd_new();
	if (!rd || pdns_conv_init(&cv, origin) < 0)
		return 1;
	test_names();
	test_types();
	test_content();
	pdns_conv_clear(&cv);
	zparse_rd_free(rd);
	return check_done();
}
