/* Unit tests for the RR type table and RDATA conversions: a text -> wire
 * -> text -> wire round trip for every type in the table (expected wire
 * from dnspython, expected text from BIND 9.18 named-compilezone), error
 * cases, and message unpack/pack with compression. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "wire/text.h"
#include "check.h"

struct vec {
	const char *type;
	const char *text;
	const char *hex;
	const char *printed;    /* NULL: prints as text */
};

static const struct vec vecs[] = {
	{ "A", "1.2.3.4",
	  "01020304",
	  NULL },
	{ "NS", "ns",
	  "026e73076578616d706c6500",
	  "ns.example." },
	{ "MD", "md.example.net.",
	  "026d64076578616d706c65036e657400",
	  NULL },
	{ "MF", "mf",
	  "026d66076578616d706c6500",
	  "mf.example." },
	{ "SOA", "ns hostmaster 2024010101 1h 30m 1w 1d",
	  "026e73076578616d706c65000a686f73746d6173746572076578616d706c650078a3f17500000e100000070800093a8000015180",
	  "ns.example. hostmaster.example. 2024010101 3600 1800 604800 86400" },
	{ "CNAME", "@",
	  "076578616d706c6500",
	  "example." },
	{ "MB", "mb",
	  "026d62076578616d706c6500",
	  "mb.example." },
	{ "MG", "mg",
	  "026d67076578616d706c6500",
	  "mg.example." },
	{ "MR", "mr",
	  "026d72076578616d706c6500",
	  "mr.example." },
	{ "NULL", "\\# 3 010203",
	  "010203",
	  NULL },
	{ "WKS", "1.2.3.4 TCP 25 80",
	  "01020304060000004000000000000080",
	  "1.2.3.4 6 25 80" },
	{ "PTR", "host.example.net.",
	  "04686f7374076578616d706c65036e657400",
	  NULL },
	{ "HINFO", "\"PC-Intel\" \"Linux 6\"",
	  "0850432d496e74656c074c696e75782036",
	  NULL },
	{ "MINFO", "rm em",
	  "02726d076578616d706c650002656d076578616d706c6500",
	  "rm.example. em.example." },
	{ "MX", "10 mail",
	  "000a046d61696c076578616d706c6500",
	  "10 mail.example." },
	{ "TXT", "\"hello world\" \"a\\\"b\" c\\;d",
	  "0b68656c6c6f20776f726c640361226203633b64",
	  "\"hello world\" \"a\\\"b\" \"c;d\"" },
	{ "RP", "mbox txt",
	  "046d626f78076578616d706c650003747874076578616d706c6500",
	  "mbox.example. txt.example." },
	{ "AFSDB", "1 afs",
	  "000103616673076578616d706c6500",
	  "1 afs.example." },
	{ "X25", "311061700956",
	  "0c333131303631373030393536",
	  "\"311061700956\"" },
	{ "ISDN", "150862028003217 004",
	  "0f31353038363230323830303332313703303034",
	  "\"150862028003217\" \"004\"" },
	{ "RT", "10 relay",
	  "000a0572656c6179076578616d706c6500",
	  "10 relay.example." },
	{ "NSAP", "0x47000580005a0000000001e133ffffff00016100",
	  "47000580005a0000000001e133ffffff00016100",
	  NULL },
	{ "NSAP-PTR", "foo.example.net.",
	  "03666f6f076578616d706c65036e657400",
	  NULL },
	{ "SIG", "NXT 1 3 3600 20260101000000 20250101000000 2143 foo.nil. AQIDBA==",
	  "001e010300000e106955b90067748580085f03666f6f036e696c0001020304",
	  NULL },
	{ "KEY", "256 3 5 AwEAAaz/tAm8",
	  "0100030503010001acffb409bc",
	  NULL },
	{ "PX", "10 map822 mapx400",
	  "000a066d6170383232076578616d706c6500076d617078343030076578616d706c6500",
	  "10 map822.example. mapx400.example." },
	{ "GPOS", "-32.6882 116.8652 10.0",
	  "082d33322e36383832083131362e383635320431302e30",
	  "\"-32.6882\" \"116.8652\" \"10.0\"" },
	{ "AAAA", "2001:db8::1",
	  "20010db8000000000000000000000001",
	  NULL },
	{ "LOC", "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
	  "000016138b3cf018810cbce0009895b8",
	  NULL },
	{ "SRV", "1 2 3 target",
	  "00010002000306746172676574076578616d706c6500",
	  "1 2 3 target.example." },
	{ "NAPTR", "100 10 \"S\" \"SIP+D2U\" \"!^.*$!sip:info@example.com!\" _sip._udp",
	  "0064000a0153075349502b4432551b215e2e2a24217369703a696e666f406578616d706c652e636f6d21045f736970045f756470076578616d706c6500",
	  "100 10 \"S\" \"SIP+D2U\" \"!^.*$!sip:info@example.com!\" _sip._udp.example." },
	{ "KX", "10 kx",
	  "000a026b78076578616d706c6500",
	  "10 kx.example." },
	{ "CERT", "PKIX 0 RSASHA1 AwEAAaz/tAm8",
	  "000100000503010001acffb409bc",
	  NULL },
	{ "DNAME", "target.example.net.",
	  "06746172676574076578616d706c65036e657400",
	  NULL },
	{ "APL", "1:192.168.32.0/21 !1:192.168.38.0/28",
	  "00011503c0a82000011c83c0a826",
	  NULL },
	{ "DS", "12345 8 2 2BB183AF5F22588179A53B0A98631FAD1A292118B3C9E4A6C4A93B8F9A1C7B8A",
	  "303908022bb183af5f22588179a53b0a98631fad1a292118b3c9e4a6c4a93b8f9a1c7b8a",
	  "12345 8 2 2BB183AF5F22588179A53B0A98631FAD1A292118B3C9E4A6C4A93B8F 9A1C7B8A" },
	{ "SSHFP", "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac",
	  "0101dd465c09cfa51fb45020cc83316fff21b9ec74ac",
	  "1 1 DD465C09CFA51FB45020CC83316FFF21B9EC74AC" },
	{ "IPSECKEY", "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
	  "0a0102c0000226010351537986ed35533b6064478eeeb27b5bd74dae149b6e81ba3a0521af82ab7801",
	  NULL },
	{ "RRSIG", "A 8 2 3600 20260101000000 20251201000000 12345 example. AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kv",
	  "0001080200000e106955b900692cda803039076578616d706c650003010001acffb409bcc939f831f7a1e5ec88f7a59255ec53040be432027390a4ce896d6f9086f3c5e177fbfe118163aaec7af1462c47945944c4e2c026be5e98bbcded25978272e1e3e079c5094d573f0e83c92f",
	  "A 8 2 3600 20260101000000 20251201000000 12345 example. AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbzxeF3 +/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kv" },
	{ "NSEC", "host.example. A MX RRSIG NSEC TYPE1234",
	  "04686f7374076578616d706c65000006400100000003041b000000000000000000000000000000000000000000000000000020",
	  NULL },
	{ "DNSKEY", "257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+ KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
	  "0101030d99db2cc14cabdc33d6d77da63a2f15f71112584f234e8d1dc428e39e8a4a97e1aa271a555dc90701e17e2a4c4b6f120b7c32d44f4ac02bd894cf2d4be7778a19",
	  NULL },
	{ "DHCID", "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
	  "000201636fc0b8271c82825bb1ac5c41cf5351aa69b4febd94e8f17cdb95000da48c40",
	  NULL },
	{ "NSEC3", "1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG",
	  "0101000c04aabbccdd1417f3df17b2b2adaef615257de4d2020b80ac6c7c0006400000000002",
	  "1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG" },
	{ "NSEC3PARAM", "1 0 10 -",
	  "0100000a00",
	  NULL },
	{ "TLSA", "3 1 1 d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971",
	  "030101d2abde240d7cd3ee6b4b28c54df034b97983a1d16e8a410e4561cb106618e971",
	  "3 1 1 D2ABDE240D7CD3EE6B4B28C54DF034B97983A1D16E8A410E4561CB10 6618E971" },
	{ "SMIMEA", "3 1 1 d2abde240d7cd3ee6b4b28c54df034b9",
	  "030101d2abde240d7cd3ee6b4b28c54df034b9",
	  "3 1 1 D2ABDE240D7CD3EE6B4B28C54DF034B9" },
	{ "HIP", "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBPCIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+Upr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdHaVDP4BcelrTI3rMXdXF5D rvs.example.com.",
	  "10020084200100107b1a74df365639cc39f1d57803010001b771ca136e4aeb5ce44333c53b3d2c13c22243851fc708bcce29f7e2eb5787b5f56ccad34f8223acc10904ddb56b2ec4a6d6232f3b50ea094f0914b3b941bbe529af582c36bbadefdaf2adaf9b4911906f5b2522603c615272b880ec8fb930cc6ee39c444daa75b1678f005a4b2499d1da5433f805c7a5ad3237acc5dd5c5e4303727673076578616d706c6503636f6d00",
	  NULL },
	{ "NINFO", "\"foo\" bar",
	  "03666f6f03626172",
	  "\"foo\" \"bar\"" },
	{ "RKEY", "0 3 5 AwEAAaz/tAm8",
	  "0000030503010001acffb409bc",
	  NULL },
	{ "TALINK", "a. b",
	  "0161000162076578616d706c6500",
	  "a. b.example." },
	{ "CDS", "0 0 0 00",
	  "0000000000",
	  NULL },
	{ "CDNSKEY", "0 3 0 AA==",
	  "0000030000",
	  NULL },
	{ "OPENPGPKEY", "AwEAAaz/tAm8",
	  "03010001acffb409bc",
	  NULL },
	{ "CSYNC", "66 3 A NS AAAA",
	  "000000420003000460000008",
	  NULL },
	{ "ZONEMD", "2018031500 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE",
	  "7848b78c0101febe3d4ce2ec2ffa4ba99d46cd69d6d29711e55217057bee7eb1a7b641a47ba7fed2dd5b97ae499fafa4f22c6bd647de",
	  "2018031500 1 1 FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B6 41A47BA7FED2DD5B97AE499FAFA4F22C6BD647DE" },
	{ "SVCB", "1 . alpn=h2,h3 port=8443",
	  "000100000100060268320268330003000220fb",
	  "1 . alpn=\"h2,h3\" port=8443" },
	{ "HTTPS", "0 svc.example.net.",
	  "000003737663076578616d706c65036e657400",
	  NULL },
	{ "DSYNC", "CDS NOTIFY 5300 notify-endpoint.parent.net.",
	  "003b0114b40f6e6f746966792d656e64706f696e7406706172656e74036e657400",
	  NULL },
	{ "HHIT", "AQIDBA==",
	  "01020304",
	  NULL },
	{ "BRID", "AQIDBAU=",
	  "0102030405",
	  NULL },
	{ "WALLET", "\"EXAMPLE\" \"01234567890abcdef\"",
	  "074558414d504c45113031323334353637383930616263646566",
	  NULL },
	{ "NXT", "a.example. A NS SOA",
	  "0161076578616d706c650062",
	  NULL },
	{ "EID", "3f",
	  "3f",
	  "3F" },
	{ "NIMLOC", "3 2",
	  "32",
	  "32" },
	{ "ATMA", "+358.400.1234567",
	  "0133353834303031323334353637",
	  "+3584001234567" },
	{ "A6", "64 ::1 a6",
	  "400000000000000001026136076578616d706c6500",
	  "64 ::1 a6.example." },
	{ "SINK", "1 0 0 AA==",
	  "01000000",
	  NULL },
	{ "DOA", "1 2 3 \"text/plain\" -",
	  "0000000100000002030a746578742f706c61696e",
	  NULL },
	{ "SPF", "\"v=spf1 -all\"",
	  "0b763d73706631202d616c6c",
	  NULL },
	{ "NID", "10 0014:4fff:ff20:ee64",
	  "000a00144fffff20ee64",
	  "10 14:4fff:ff20:ee64" },
	{ "L32", "10 10.1.2.0",
	  "000a0a010200",
	  NULL },
	{ "L64", "10 2001:0DB8:1140:1000",
	  "000a20010db811401000",
	  "10 2001:db8:1140:1000" },
	{ "LP", "10 l64-subnet1.example.com.",
	  "000a0b6c36342d7375626e657431076578616d706c6503636f6d00",
	  NULL },
	{ "EUI48", "00-00-5e-00-53-2a",
	  "00005e00532a",
	  NULL },
	{ "EUI64", "00-00-5e-ef-10-00-00-2a",
	  "00005eef1000002a",
	  NULL },
	{ "URI", "10 1 \"ftp://ftp1.example.com/public\"",
	  "000a00016674703a2f2f667470312e6578616d706c652e636f6d2f7075626c6963",
	  NULL },
	{ "CAA", "0 issue \"ca.example.net\"",
	  "0005697373756563612e6578616d706c652e6e6574",
	  NULL },
	{ "AVC", "\"app-name:WOLFGANG|app-class:OAM\"",
	  "1f6170702d6e616d653a574f4c4647414e477c6170702d636c6173733a4f414d",
	  NULL },
	{ "AMTRELAY", "10 0 1 203.0.113.15",
	  "0a01cb00710f",
	  NULL },
	{ "RESINFO", "qnamemin exterr=15-17",
	  "08716e616d656d696e0c6578746572723d31352d3137",
	  "\"qnamemin\" \"exterr=15-17\"" },
	{ "TA", "12345 8 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	  "303908012bb183af5f22588179a53b0a98631fad1a292118",
	  NULL },
	{ "DLV", "12345 8 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
	  "303908012bb183af5f22588179a53b0a98631fad1a292118",
	  NULL },
	{ "TYPE9999", "\\# 3 abcdef",
	  "abcdef",
	  "\\# 3 ABCDEF" },
};

/* Splits master-file RDATA text into tokens like the zone parser does:
 * quotes removed (quoted set), escapes kept. */
static size_t tokenize(const char *s, struct ztoken *tok, size_t max)
{
	size_t n = 0;

	while (*s && n < max) {
		const char *start;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		if (*s == '"') {
			start = ++s;
			while (*s && *s != '"')
				s += (*s == '\\' && s[1]) ? 2 : 1;
			tok[n] = (struct ztoken){ start, (uint32_t)(s - start), 1 };
			if (*s)
				s++;
		} else {
			start = s;
			while (*s && *s != ' ' && *s != '\t')
				s += (*s == '\\' && s[1]) ? 2 : 1;
			tok[n] = (struct ztoken){ start, (uint32_t)(s - start), 0 };
		}
		n++;
	}
	return n;
}

static uint8_t origin[NAME_MAXLEN];

/* Text to wire; returns length or the error, errmsg/errtok filled. */
static int parse(uint16_t type, const char *text, uint8_t *out, size_t cap,
		 const char **msg, size_t *at)
{
	struct ztoken tok[64];
	size_t n = tokenize(text, tok, 64);

	*msg = NULL;
	*at = 999;
	return rdata_from_text(type, tok, n, origin, out, cap, msg, at);
}

static int parse_type(const char *type, const char *text, uint8_t *out,
		      size_t cap)
{
	uint16_t code = 0;
	const char *msg;
	size_t at;

	if (rrtype_from_text(type, strlen(type), &code) < 0)
		return BN_EUNKNOWN;
	return parse(code, text, out, cap, &msg, &at);
}

static void test_vector(const struct vec *v)
{
	static uint8_t wire[RDATA_MAXLEN], wire2[RDATA_MAXLEN];
	static char hex[2 * RDATA_MAXLEN + 1], text[4 * RDATA_MAXLEN];
	const char *want = v->printed ? v->printed : v->text;
	uint16_t code = 0;
	int n, m;

	CHECKF(rrtype_from_text(v->type, strlen(v->type), &code) == 0, "%s",
	       v->type);
	n = parse_type(v->type, v->text, wire, sizeof(wire));
	CHECKF(n >= 0, "%s %s: %s", v->type, v->text, bn_strerror(n));
	if (n < 0)
		return;
	hex_encode(wire, (size_t)n, hex, sizeof(hex));
	CHECKF(strcasecmp(hex, v->hex) == 0, "%s wire %s, want %s", v->type,
	       hex, v->hex);
	CHECKF(rdata_check(code, wire, (size_t)n) == 0, "%s check", v->type);
	m = rdata_to_text(code, wire, (size_t)n, text, sizeof(text));
	CHECKF(m >= 0 && strcmp(text, want) == 0, "%s text '%s', want '%s'",
	       v->type, m >= 0 ? text : bn_strerror(m), want);
	m = parse(code, text, wire2, sizeof(wire2), &(const char *){ 0 },
		  &(size_t){ 0 });
	CHECKF(m == n && memcmp(wire, wire2, (size_t)n) == 0,
	       "%s second round trip", v->type);
	/* Generic form reads back to the same octets. */
	m = rdata_to_generic_text(wire, (size_t)n, text, sizeof(text));
	CHECK(m > 0);
	m = parse(code, text, wire2, sizeof(wire2), &(const char *){ 0 },
		  &(size_t){ 0 });
	CHECKF(m == n && memcmp(wire, wire2, (size_t)n) == 0,
	       "%s generic round trip", v->type);
	/* Without compression, unpack and pack are the identity. */
	m = rdata_unpack(code, wire, (size_t)n, 0, (size_t)n, wire2,
			 sizeof(wire2));
	CHECKF(m == n && memcmp(wire, wire2, (size_t)n) == 0, "%s unpack: %d",
	       v->type, m);
	{
		struct wbuf w;

		wbuf_init(&w, wire2, sizeof(wire2));
		CHECK(rdata_pack(code, wire, (size_t)n, &w, NULL) == 0);
		CHECKF(w.len == (size_t)n && !memcmp(wire, wire2, (size_t)n),
		       "%s pack", v->type);
	}
	CHECK(rdata_compare(code, wire, (size_t)n, wire, (size_t)n) == 0);
}

/* Every type of the table has a vector. */
static void test_table_coverage(void)
{
	for (uint32_t c = 0; c < 65536; c++) {
		const struct rrtype_desc *d = rrtype_by_code((uint16_t)c);
		bool found = false;

		if (!d)
			continue;
		CHECK(d->code == c);
		for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
			if (!strcmp(vecs[i].type, d->name))
				found = true;
		CHECKF(found, "no vector for %s", d->name);
	}
}

struct bad {
	const char *type;
	const char *text;
	size_t errtok;          /* token index the error must point at */
};

static const struct bad bads[] = {
	{ "A", "1.2.3", 0 },
	{ "A", "1.2.3.4 5", 1 },
	{ "A", "", 0 },
	{ "A", "\\# 0", 2 },
	{ "A", "\\# 3 010203", 3 },
	{ "A", "\\# 4 0102030", 2 },
	{ "A", "\\# 5 01020304", 2 },
	{ "AAAA", "2001:db8::g", 0 },
	{ "MX", "10", 1 },
	{ "MX", "65536 mail", 0 },
	{ "MX", "-1 mail", 0 },
	{ "MX", "1x mail", 0 },
	{ "MX", "1 a b", 2 },
	{ "MX", "1 a..b", 1 },
	{ "SOA", "ns h 1h 1h 1h 1h 1h", 2 },
	{ "SOA", "ns h 1 1h 1h 1h", 6 },
	{ "SOA", "ns h 1 1h30 1h 1h 1h", 3 },
	{ "SOA", "ns h 4294967296 1 1 1 1", 2 },
	{ "HINFO", "a", 1 },
	{ "TXT", "", 0 },
	{ "TXT", "\\# 0", 2 },
	{ "TXT", "a\\", 0 },
	{ "TXT", "a\\25", 0 },
	{ "TXT", "a\\256", 0 },
	{ "TXT", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", 0 },
	{ "DNSKEY", "256 3 8", 3 },
	{ "DNSKEY", "256 3 8 AQI", 3 },
	{ "DNSKEY", "256 3 8 AQ=D", 3 },
	{ "DNSKEY", "256 3 8 AQ== AQID", 4 },
	{ "DNSKEY", "256 3 8 AQ==AQID", 3 },
	{ "DNSKEY", "256 3 8 AQIDA=== AQID", 3 },
	{ "DNSKEY", "256 3 8 AQIDBA== A", 4 },
	{ "DNSKEY", "256 3 8 AQ!D", 3 },
	{ "DNSKEY", "256 3 NOSUCHALG AQID", 2 },
	{ "KEY", "49408 3 8 AQID", 3 },
	{ "DS", "1 8 1 0102", 4 },
	{ "DS", "1 8 2 0g", 3 },
	{ "DS", "1 8 2", 3 },
	{ "DS", "1 8 SHA-1 010", 3 },
	{ "SSHFP", "1 1", 2 },
	{ "TLSA", "1 1 1", 3 },
	{ "ZONEMD", "1 1 9 0102", 4 },
	{ "ZONEMD", "1 1 1 000102030405060708090a0b", 4 },
	{ "NSEC", "a.", 1 },
	{ "NSEC", "a. A NOSUCHTYPE", 2 },
	{ "NSEC3", "1 1 12 zz 2vptu5timamqttgl4luu9kg21e0aor3s", 3 },
	{ "NSEC3", "1 1 12 - 2vptu5timamqttgl4luu9kg21e0aor3w", 4 },
	{ "NSEC3", "1 1 12 - 2vptu5timam!", 4 },
	{ "NSEC3PARAM", "1 0 0", 3 },
	{ "NSEC3", "1 1 1 abcd 2vptu5ti A", 6 },
	{ "NAPTR", "1 1 \"\" \"\" \"!a!b!x\" .", 6 },
	{ "NAPTR", "1 1 \"\" \"\" \"!a!\\\\1!\" .", 6 },
	{ "NAPTR", "1 1 \"\" \"\" \"1a1b1\" .", 6 },
	{ "NAPTR", "1 1 \"\" \"\" \"!a!b\" .", 6 },
	{ "DSYNC", "CDS NOTIFYX 1 .", 1 },
	{ "RRSIG", "A 8 2 3600 20261301000000 20251201000000 1 a. AQID", 4 },
	{ "RRSIG", "A 8 2 3600 2026010100000 20251201000000 1 a. AQID", 4 },
	{ "RRSIG", "A 8 2 3600 20260230000000 20251201000000 1 a. AQID", 4 },
	{ "RRSIG", "BOGUS 8 2 3600 1 2 1 a. AQID", 0 },
	{ "CERT", "NOPE 0 0 AQID", 0 },
	{ "EUI48", "00-00-5e-00-53", 0 },
	{ "EUI48", "00:00:5e:00:53:2a", 0 },
	{ "EUI64", "00-00-5e-ef-10-00-00-g2", 0 },
	{ "EUI64", "00-00-5e-ef-10-00-00", 0 },
	{ "URI", "10 1 ftp://a", 2 },
	{ "SSHFP", "1 2 dd465c09cfa51fb45020cc83316fff21b9ec74ac", 3 },
	{ "DHCID", "\\# 0", 2 },
	{ "OPENPGPKEY", "\\# 0", 2 },
	{ "DNSKEY", "\\# 4 01000308", 3 },
	{ "SIG", "A 8 0 3600 1 2 3 a. AA==", 4 },
	{ "RRSIG", "A 8 0 3600 1 2 3 a. AA==", 2 },
	{ "CERT", "0 0 DSA-NSEC3-SHA1 AA==", 2 },
	{ "NID", "10 0014:4fff:ff20", 1 },
	{ "NID", "10 0014:4fff:ff20:ee64:1", 1 },
	{ "NID", "10 00145:4fff:ff20:ee64", 1 },
	{ "L32", "10 10.1.2", 1 },
	{ "URI", "10 1", 2 },
	{ "ISDN", "a b c", 2 },
	{ "NULL", "01", 0 },
	{ "TYPE9999", "abcd", 0 },
	{ "MX", "\"10\" mail", 0 },
	{ "MX", "0x10 a", 0 },
	{ "DNSKEY", "ZONE|SEP 3 8 AQID", 0 },
	{ "DNSKEY", "65536 3 8 AQID", 0 },
	{ "DNSKEY", "0x10000 3 8 AQID", 0 },
	{ "DNSKEY", "256 0x3 8 AQID", 1 },
	{ "DNSKEY", "256 256 8 AQID", 1 },
	{ "RKEY", "ZONE 3 8 AQID", 4 },
	{ "RKEY", "\\# 7 00010305010203", 3 },
	{ "EID", "\\# 0", 2 },
	{ "ATMA", "123", 0 },
	{ "ATMA", "+1a", 0 },
	{ "ATMA", "+", 0 },
	{ "ATMA", "39 24", 1 },
	{ "ATMA", "\\# 1 01", 3 },
	{ "ATMA", "\\# 3 01312e", 3 },
	{ "A6", "129 ::1", 0 },
	{ "A6", "0 ::1 foo", 2 },
	{ "A6", "128 :: a", 2 },
	{ "A6", "\\# 1 80", 3 },
	{ "A6", "\\# 4 7cff0100", 3 },
	{ "NXT", "a. TYPE128", 1 },
	{ "NXT", "a. TYPE0", 1 },
	{ "NXT", "\\# 4 01610000", 3 },
	{ "DOA", "1 2 3 \"\"", 4 },
	{ "DOA", "1 2 3 \"\" AA== AA==", 5 },
	{ "X25", "abcd", 1 },
	{ "X25", "123", 1 },
	{ "A", "01.2.3.4", 0 },
	{ "GPOS", "1 2", 2 },
	{ "TLSA", "256 1 1 00", 0 },
	{ "L64", "1 1:2:3:4:5", 1 },
	{ "DHCID", "AA", 0 },
	{ "MX", "10 \"mail\"", 1 },
	{ "A", "\"1.2.3.4\"", 0 },
	{ "DNSKEY", "256 3 8 \"AQID\"", 3 },
	{ "DS", "1 8 2 \"0102\"", 3 },
	{ "NSEC3PARAM", "1 0 0 \"-\"", 3 },
	{ "NSEC", "a. \"A\"", 1 },
	{ "TYPE9999", "\\# 1 \"01\"", 2 },
	{ "TYPE9999", "\\# x", 1 },
	{ "TYPE9999", "\\# 2 01", 2 },
	{ "TYPE9999", "\\# 70000 01", 1 },
};

static void test_errors(void)
{
	uint8_t wire[RDATA_MAXLEN];

	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		const struct bad *b = &bads[i];
		uint16_t code = 0;
		const char *msg;
		size_t at;
		int n;

		CHECK(rrtype_from_text(b->type, strlen(b->type), &code) == 0);
		n = parse(code, b->text, wire, sizeof(wire), &msg, &at);
		CHECKF(n < 0, "%s '%s' accepted", b->type, b->text);
		CHECKF(n >= 0 || (msg && at == b->errtok),
		       "%s '%s': token %zu (%s), want %zu", b->type, b->text,
		       at, msg ? msg : "no message", b->errtok);
	}
}

/* Small RDATA buffer: BN_ENOSPC, not an overrun. */
static void test_nospace(void)
{
	uint8_t wire[8];
	const char *msg;
	size_t at;

	CHECK(parse(RR_TXT, "\"0123456789\"", wire, sizeof(wire), &msg, &at) ==
	      BN_ENOSPC);
	CHECK(parse(RR_DNSKEY, "256 3 8 AQIDBAUG", wire, sizeof(wire), &msg,
		    &at) == BN_ENOSPC);
	CHECK(parse(RR_A, "1.2.3.4", wire, 4, &msg, &at) == 4);
	CHECK(parse(RR_A, "1.2.3.4", wire, 3, &msg, &at) == BN_ENOSPC);
}

static int hexbin(const char *hex, uint8_t *out, size_t cap)
{
	return hex_decode(hex, strlen(hex), out, cap);
}

/* A message: 12 zero header octets, "example." at 12, RDATA at 21. */
static size_t make_msg(uint8_t *msg, const char *rdhex)
{
	memset(msg, 0, 12);
	hexbin("076578616d706c6500", msg + 12, 9);
	return 21 + (size_t)hexbin(rdhex, msg + 21, 512);
}

static void test_unpack(void)
{
	uint8_t msg[600], out[600], want[600];
	char hex[1300];
	size_t len;
	int n;

	/* MX target compressed: decompressed on read. */
	len = make_msg(msg, "000a046d61696cc00c");
	n = rdata_unpack(RR_MX, msg, len, 21, 9, out, sizeof(out));
	CHECK(n == 16);
	hex_encode(out, n > 0 ? (size_t)n : 0, hex, sizeof(hex));
	CHECKF(!strcmp(hex, "000A046D61696C076578616D706C6500"), "%s", hex);
	/* SRV (RFC 3597 list): decompressed on read too. */
	len = make_msg(msg, "0001000200030174c00c");
	n = rdata_unpack(RR_SRV, msg, len, 21, 10, out, sizeof(out));
	CHECK(n == 17);
	/* NSEC and RRSIG names must not be compressed. */
	len = make_msg(msg, "04686f7374c00c000640010000000304");
	n = rdata_unpack(RR_NSEC, msg, len, 21, len - 21, out, sizeof(out));
	CHECK(n == BN_EPTRNAME);
	len = make_msg(msg, "0001080200000e106955b900692cda803039c00c0102");
	n = rdata_unpack(RR_RRSIG, msg, len, 21, len - 21, out, sizeof(out));
	CHECK(n == BN_EPTRNAME);
	/* Forward pointer, RDLENGTH past the end, trailing octets. */
	len = make_msg(msg, "000a046d61696cc020");
	n = rdata_unpack(RR_MX, msg, len, 21, 9, out, sizeof(out));
	CHECK(n < 0);
	len = make_msg(msg, "000a046d61696cc00c");
	CHECK(rdata_unpack(RR_MX, msg, len, 21, 10, out, sizeof(out)) ==
	      BN_ERDLEN);
	len = make_msg(msg, "000a046d61696cc00c00");
	CHECK(rdata_unpack(RR_MX, msg, len, 21, 10, out, sizeof(out)) < 0);
	/* Name running past RDLENGTH, short fixed fields. */
	len = make_msg(msg, "000a046d61696cc00c");
	CHECK(rdata_unpack(RR_MX, msg, len, 21, 5, out, sizeof(out)) < 0);
	len = make_msg(msg, "010203");
	CHECK(rdata_unpack(RR_A, msg, len, 21, 3, out, sizeof(out)) ==
	      BN_ERDATA);
	CHECK(rdata_unpack(RR_A, msg, len, 21, 0, out, sizeof(out)) ==
	      BN_ERDATA);
	/* Unknown types and NULL: any octets, copied. */
	CHECK(rdata_unpack(9999, msg, len, 21, 3, out, sizeof(out)) == 3);
	CHECK(rdata_unpack(RR_NULL, msg, len, 21, 0, out, sizeof(out)) == 0);
	/* Output too small. */
	len = make_msg(msg, "000a046d61696cc00c");
	CHECK(rdata_unpack(RR_MX, msg, len, 21, 9, out, 10) == BN_ENOSPC);
	/* Bad layouts: TXT string past the end, bad bitmap window order. */
	hexbin("0561626364", want, sizeof(want));
	CHECK(rdata_check(RR_TXT, want, 5) == BN_ERDATA);
	hexbin("0161000201400001010101", want, sizeof(want));
	CHECK(rdata_check(RR_NSEC, want, 11) == BN_ERDATA);
	hexbin("016100000140010140", want, sizeof(want));
	CHECK(rdata_check(RR_NSEC, want, 9) == 0);
	hexbin("0161000001400000014001", want, sizeof(want));
	CHECK(rdata_check(RR_NSEC, want, 11) == BN_ERDATA);
}

static void test_pack(void)
{
	uint8_t msg[512], rd[300];
	char hex[1100];
	struct compr c;
	struct wbuf w;
	int n;

	memset(msg, 0, sizeof(msg));
	wbuf_init(&w, msg, sizeof(msg));
	compr_init(&c, msg);
	w.len = 12;
	hexbin("076578616d706c6500", rd, sizeof(rd));
	CHECK(name_pack(&w, rd, &c) == 0);
	/* MX compresses its target. */
	n = hexbin("000a046d61696c076578616d706c6500", rd, sizeof(rd));
	CHECK(rdata_pack(RR_MX, rd, (size_t)n, &w, &c) == 0);
	hex_encode(msg + 21, w.len - 21, hex, sizeof(hex));
	CHECKF(!strcmp(hex, "000A046D61696CC00C"), "%s", hex);
	/* SRV and RRSIG never compress. */
	n = hexbin("0001000200030174076578616d706c6500", rd, sizeof(rd));
	w.len = 21;
	CHECK(rdata_pack(RR_SRV, rd, (size_t)n, &w, &c) == 0);
	CHECK(w.len == 21 + (size_t)n && !memcmp(msg + 21, rd, (size_t)n));
	/* Not enough room: BN_ENOSPC and nothing written. */
	w.len = 21;
	w.cap = 25;
	n = hexbin("000a046d61696c076578616d706c6500", rd, sizeof(rd));
	CHECK(rdata_pack(RR_MX, rd, (size_t)n, &w, &c) == BN_ENOSPC);
	CHECK(w.len == 21);
}

static void count_name(void *ctx, int field, const uint8_t *name)
{
	int *seen = ctx;

	(void)name;
	seen[0]++;
	seen[1] = seen[1] * 10 + field;
}

static void test_names_and_order(void)
{
	uint8_t a[300], b[300];
	int na, nb, seen[2];

	na = parse_type("SOA", "ns hostmaster 1 2 3 4 5", a, sizeof(a));
	seen[0] = seen[1] = 0;
	rdata_foreach_name(RR_SOA, a, (size_t)na, count_name, seen);
	CHECK(seen[0] == 2 && seen[1] == 1);
	na = parse_type("SRV", "1 2 3 t", a, sizeof(a));
	seen[0] = seen[1] = 0;
	rdata_foreach_name(RR_SRV, a, (size_t)na, count_name, seen);
	CHECK(seen[0] == 1 && seen[1] == 3);
	na = parse_type("A6", "64 ::1 a6", a, sizeof(a));
	seen[0] = seen[1] = 0;
	rdata_foreach_name(RR_A6, a, (size_t)na, count_name, seen);
	CHECK(seen[0] == 1);
	nb = parse_type("A6", "64 ::1 A6", b, sizeof(b));
	CHECK(rdata_compare(RR_A6, a, (size_t)na, b, (size_t)nb) == 0);
	na = parse_type("A6", "0 ::1", a, sizeof(a));
	seen[0] = seen[1] = 0;
	rdata_foreach_name(RR_A6, a, (size_t)na, count_name, seen);
	CHECK(seen[0] == 0);
	na = parse_type("TXT", "a b", a, sizeof(a));
	seen[0] = seen[1] = 0;
	rdata_foreach_name(RR_TXT, a, (size_t)na, count_name, seen);
	CHECK(seen[0] == 0);

	/* Names lowercased for NS and RRSIG, not for NSEC (RFC 6840). */
	na = parse_type("NS", "Foo.EXAMPLE.", a, sizeof(a));
	nb = parse_type("NS", "foo.example.", b, sizeof(b));
	CHECK(rdata_compare(RR_NS, a, (size_t)na, b, (size_t)nb) == 0);
	na = parse_type("NSEC", "Foo.EXAMPLE. A", a, sizeof(a));
	nb = parse_type("NSEC", "foo.example. A", b, sizeof(b));
	CHECK(rdata_compare(RR_NSEC, a, (size_t)na, b, (size_t)nb) < 0);
	na = parse_type("RRSIG", "A 8 2 3600 1 2 1 EXAMPLE. AQID", a, sizeof(a));
	nb = parse_type("RRSIG", "A 8 2 3600 1 2 1 example. AQID", b, sizeof(b));
	CHECK(rdata_compare(RR_RRSIG, a, (size_t)na, b, (size_t)nb) == 0);
	na = parse_type("TXT", "A", a, sizeof(a));
	nb = parse_type("TXT", "a", b, sizeof(b));
	CHECK(rdata_compare(RR_TXT, a, (size_t)na, b, (size_t)nb) < 0);
	na = parse_type("MX", "10 z", a, sizeof(a));
	nb = parse_type("MX", "20 a", b, sizeof(b));
	CHECK(rdata_compare(RR_MX, a, (size_t)na, b, (size_t)nb) < 0);
	CHECK(rdata_compare(RR_MX, b, (size_t)nb, a, (size_t)na) > 0);
	na = parse_type("A", "1.2.3.4", a, sizeof(a));
	CHECK(rdata_compare(RR_A, a, 3, a, 4) < 0);
}

static void test_rrtype(void)
{
	uint16_t c = 0;
	char buf[16];

	CHECK(rrtype_from_text("a", 1, &c) == 0 && c == RR_A);
	CHECK(rrtype_from_text("nsap-ptr", 8, &c) == 0 && c == RR_NSAP_PTR);
	CHECK(rrtype_from_text("TYPE1", 5, &c) == 0 && c == RR_A);
	CHECK(rrtype_from_text("type65535", 9, &c) == 0 && c == 65535);
	CHECK(rrtype_from_text("TYPE65536", 9, &c) == BN_EUNKNOWN);
	CHECK(rrtype_from_text("TYPE", 4, &c) == BN_EUNKNOWN);
	CHECK(rrtype_from_text("AAAAX", 5, &c) == BN_EUNKNOWN);
	CHECK(rrtype_from_text("AAAA", 3, &c) == BN_EUNKNOWN);
	CHECK(rrtype_from_text("dlv", 3, &c) == 0 && c == RR_DLV);
	CHECK(rrtype_from_text("ANY", 3, &c) == 0 && c == RR_ANY);
	CHECK(!strcmp(rrtype_to_text(RR_TA, buf), "TA"));
	CHECK(!strcmp(rrtype_to_text(65280, buf), "TYPE65280"));
	CHECK(!strcmp(rrtype_to_text(RR_TSIG, buf), "TSIG"));
	CHECK(rrtype_by_code(RR_MX)->fields[1] == RDF_NAME_C);
	CHECK(rrtype_by_code(RR_SRV)->fields[3] == RDF_NAME_D);
	CHECK(rrtype_by_code(RR_RRSIG)->fields[7] == RDF_NAME);
	CHECK(rrtype_by_code(65280) == NULL);
	CHECK(rrtype_by_code(RR_MD)->obsolete);
	CHECK(rrclass_from_text("in", 2, &c) == 0 && c == CLASS_IN);
	CHECK(rrclass_from_text("CHAOS", 5, &c) == 0 && c == CLASS_CH);
	CHECK(rrclass_from_text("CLASS7", 6, &c) == 0 && c == 7);
	CHECK(rrclass_from_text("CLASS", 5, &c) == BN_EUNKNOWN);
	CHECK(!strcmp(rrclass_to_text(CLASS_CH, buf), "CH"));
	CHECK(!strcmp(rrclass_to_text(1000, buf), "CLASS1000"));
}

static void test_text(void)
{
	uint32_t v = 0;
	uint8_t b[16];
	char s[64];

	CHECK(text_ttl("1W2d3H4m5S", 10, &v) == 0 && v == 788645);
	CHECK(text_ttl("86400", 5, &v) == 0 && v == 86400);
	CHECK(text_ttl("1h30", 4, &v) == BN_ESYNTAX);
	CHECK(text_ttl("h", 1, &v) == BN_ESYNTAX);
	CHECK(text_ttl("", 0, &v) == BN_ESYNTAX);
	CHECK(text_ttl("1x", 2, &v) == BN_ESYNTAX);
	CHECK(text_ttl("4294967295", 10, &v) == 0 && v == 4294967295u);
	CHECK(text_ttl("4294967296", 10, &v) == BN_ERANGE);
	CHECK(text_ttl("7102w", 5, &v) == BN_ERANGE);
	CHECK(text_u32("256", 3, 255, &v) == BN_ERANGE);
	CHECK(text_u32("99999999999999", 14, 0xffffffffu, &v) == BN_ERANGE);
	CHECK(text_u32("+1", 2, 255, &v) == BN_ESYNTAX);
	CHECK(text_unescape("a\\\\\\\"\\065", 9, b, sizeof(b)) == 4 &&
	      !memcmp(b, "a\\\"A", 4));
	CHECK(text_unescape("abc", 3, b, 2) == BN_ENOSPC);
	CHECK(text_quote(s, sizeof(s), (const uint8_t *)"a\"\\\x07\xff", 5) ==
	      15 && !strcmp(s, "\"a\\\"\\\\\\007\\255\""));
	CHECK(text_quote(s, 4, (const uint8_t *)"abc", 3) == BN_ENOSPC);
}

static void test_encode(void)
{
	uint8_t b[32];
	char s[64];

	CHECK(base64_decode("aGVsbG8=", 8, b, sizeof(b)) == 5 &&
	      !memcmp(b, "hello", 5));
	CHECK(base64_decode("aGVsbG8", 7, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(base64_decode("aG=sbG8=", 8, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(base64_decode("aGVsbG8=", 8, b, 4) == BN_ENOSPC);
	CHECK(base64_encode((const uint8_t *)"hello", 5, s, sizeof(s)) == 8 &&
	      !strcmp(s, "aGVsbG8="));
	CHECK(base64_encode((const uint8_t *)"hello", 5, s, 8) == BN_ENOSPC);
	CHECK(base32hex_encode((const uint8_t *)"hell", 4, s, sizeof(s)) == 7 &&
	      !strcmp(s, "D1IMOR0"));
	CHECK(base32hex_decode("d1imor0", 7, b, sizeof(b)) == 4 &&
	      !memcmp(b, "hell", 4));
	CHECK(base32hex_decode("D1IMOR1", 7, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(base32hex_decode("D1I", 3, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(base32hex_decode("W0", 2, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(hex_decode("0aFf", 4, b, sizeof(b)) == 2 && b[0] == 10 &&
	      b[1] == 255);
	CHECK(hex_decode("0aF", 3, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(hex_decode("0g", 2, b, sizeof(b)) == BN_ESYNTAX);
	CHECK(hex_encode(b, 2, s, sizeof(s)) == 4 && !strcmp(s, "0AFF"));
}

/* Every byte decodes as its place in the alphabet or not at all (the
 * decoders look characters up in tables). */
static void test_decode_tables(void)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	static const char b32[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";

	for (int c = 1; c < 256; c++) {
		char q[9] = "AAAx", h[9] = "0000000x";
		const char *p64 = strchr(b64, c), *p32 = strchr(b32, toupper(c));
		uint8_t b[8];
		int n;

		q[3] = (char)c;
		n = base64_decode(q, 4, b, sizeof(b));
		if (c == '=')
			CHECK(n == 2 && b[0] == 0 && b[1] == 0);
		else if (p64)
			CHECKF(n == 3 && b[2] == p64 - b64, "base64 %d", c);
		else
			CHECKF(n == BN_ESYNTAX, "base64 %d", c);
		h[7] = (char)c;
		n = base32hex_decode(h, 8, b, sizeof(b));
		if (p32 && c < 128)
			CHECKF(n == 5 && b[4] == p32 - b32, "base32hex %d", c);
		else
			CHECKF(n == BN_ESYNTAX, "base32hex %d", c);
	}
}

/* Base64 split anywhere across tokens gives the same RDATA as one token
 * (whole quanta of a token are decoded at once, the rest carried). */
static void test_b64_tokens(void)
{
	static const char *const same[] = {
		"256 3 8 AQIDBAUGBw==", "256 3 8 AQ IDBAUGBw==",
		"256 3 8 AQIDBA UGBw==", "256 3 8 A QIDBAUG Bw ==",
		"256 3 8 AQIDBAUGBw= =", "256 3 8 AQIDB AUGBw==",
	};
	uint8_t want[32], got[32];
	int n = parse_type("DNSKEY", same[0], want, sizeof(want));

	CHECK(n == 11 && want[4] == 1 && want[10] == 7);
	for (size_t i = 1; i < sizeof(same) / sizeof(same[0]); i++)
		CHECKF(parse_type("DNSKEY", same[i], got, sizeof(got)) == n &&
		       !memcmp(got, want, (size_t)n), "'%s'", same[i]);
}

/* RRSIG times: 14-digit dates, or plain numbers of up to 10 digits. */
/* Bitmap windows and lengths (RFC 4034 section 4.1.2). */
static void test_bitmap(void)
{
	uint8_t a[128];
	int n = parse_type("NSEC", "a. TYPE1 TYPE263 TYPE32770 TYPE65535", a,
			   sizeof(a));

	CHECK(n == 3 + 3 + 3 + 3 + 34);
	CHECK(a[3] == 0 && a[4] == 1 && a[5] == 0x40);
	CHECK(a[6] == 1 && a[7] == 1 && a[8] == 0x01);
	CHECK(a[9] == 128 && a[10] == 1 && a[11] == 0x20);
	CHECK(a[12] == 255 && a[13] == 32 && a[45] == 0x01);
}

static void test_times(void)
{
	uint8_t a[64];
	char s[256];
	int n;

	n = parse_type("RRSIG", "A 8 2 3600 1 4294967295 1 a. AQID", a,
		       sizeof(a));
	CHECK(n > 0 && wire_get_u32(a + 8) == 1 &&
	      wire_get_u32(a + 12) == 4294967295u);
	CHECK(parse_type("RRSIG", "A 8 2 3600 4294967296 1 1 a. AQID", a,
			 sizeof(a)) < 0);
	n = parse_type("RRSIG", "A 8 2 3600 20380119031408 19700101000000 1 a. AQID",
		       a, sizeof(a));
	CHECK(n > 0 && wire_get_u32(a + 8) == 0x80000000u &&
	      wire_get_u32(a + 12) == 0);
	n = parse_type("RRSIG", "A 8 2 3600 20000229235960 1 1 a. AQID", a,
		       sizeof(a));
	CHECK(n > 0 && wire_get_u32(a + 8) == 951868800u);
	n = parse_type("RRSIG", "A 8 2 3600 19691231235959 1 1 a. AQID", a,
		       sizeof(a));
	CHECK(n > 0 && wire_get_u32(a + 8) == 0xffffffffu);
	n = parse_type("RRSIG", "A 8 2 3600 00000101000000 1 1 a. AQID", a,
		       sizeof(a));
	CHECK(n > 0 && wire_get_u32(a + 8) == (uint32_t)-62167219200LL);
	CHECK(parse_type("RRSIG", "A 8 2 3600 20000229235961 1 1 a. AQID", a,
			 sizeof(a)) < 0);
	CHECK(parse_type("RRSIG", "A 8 2 3600 20000229240000 1 1 a. AQID", a,
			 sizeof(a)) < 0);
	n = parse_type("RRSIG", "A 8 2 3600 1 2 1 a. AQID", a, sizeof(a));
	CHECK(rdata_to_text(RR_RRSIG, a, (size_t)n, s, sizeof(s)) > 0);
	CHECKF(!strcmp(s, "A 8 2 3600 19700101000001 19700101000002 1 a. AQID"),
	       "%s", s);
}

/* Inputs BIND takes although they look odd; we take them the same way. */
static void test_bind_quirks(void)
{
	static const char *const ok[][3] = {
		{ "EUI48", "1-2-3-4-5-6junk", "01-02-03-04-05-06" },
		{ "EUI48", "00-00-00-00-00-00-00", "00-00-00-00-00-00" },
		{ "SSHFP", "1 3", "1 3" },
		{ "SSHFP", "1 0 01", "1 0 01" },
		{ "KEY", "49408 3 8", "49408 3 8" },
		{ "URI", "1 1 \"\"", "1 1 \"\"" },
		{ "CSYNC", "1 2", "1 2" },
		{ "NSEC3", "1 1 12 - 2vptu5timamqttgl4luu9kg21e0aor3s",
		  "1 1 12 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S" },
		{ "NAPTR", "1 1 \"\" \"\" \"!(a)!\\\\1!\" .",
		  "1 1 \"\" \"\" \"!(a)!\\\\1!\" ." },
		{ "DS", "1 8 99 0102", "1 8 99 0102" },
		{ "DNSKEY", "zone|ksk 3 8 AQID", "257 3 8 AQID" },
		{ "DNSKEY", "ZONE|ZONE| 3 8 AQID", "256 3 8 AQID" },
		{ "DNSKEY", "ZONE|SIG1 DNSSEC 8 AQID", "257 3 8 AQID" },
		{ "DNSKEY", "0400 3 8 AQID", "400 3 8 AQID" },
		{ "KEY", "0xfFfF 3 8", "65535 3 8" },
		{ "KEY", "NOAUTH|ZONE 3 8 AQID", "33024 3 8 AQID" },
		{ "KEY", "USER|EXTEND ALL 8 AQID", "4096 255 8 AQID" },
		{ "RKEY", "0 dnssec RSASHA1 AQID", "0 3 5 AQID" },
		{ "ATMA", "39246f00e7c9e60000000000000000000000000000",
		  "39246f00e7c9e60000000000000000000000000000" },
		{ "ATMA", "\\# 2 02ab", "\\# 2 02AB" },
		{ "A6", "0 2001:db8::1", "0 2001:db8::1" },
		{ "A6", "128 prefix.example.", "128  prefix.example." },
		{ "A6", "1 ffff::1 a", "1 7fff::1 a.example." },
		{ "A6", "120 ::1:2 a", "120 ::2 a.example." },
		{ "NXT", "a.", "a." },
		{ "NXT", "\\# 5 0161000040", "a. MR" },
		{ "SINK", "1 0 0", "1 0 0" },
		{ "DOA", "0 1 2 \"\" aHR0cHM6Ly93d3cuaXNjLm9yZy8=",
		  "0 1 2 \"\" aHR0cHM6Ly93d3cuaXNjLm9yZy8=" },
		{ "RRSIG", "A 0 0 0 0 0 0 . AA ==",
		  "A 0 0 0 19700101000000 19700101000000 0 . AA==" },
		{ "TYPE65534", "\\# 0", "\\# 0" },
		{ "NSEC", "a. TYPE65535 TYPE0 TYPE1 TYPE30 TYPE41 TYPE99 TYPE100 "
		  "TYPE249 TYPE255 TYPE256 TYPE262 TYPE263 TYPE32768 TYPE32769 "
		  "TYPE32770 TYPE1",
		  "a. TYPE0 A NXT OPT SPF UINFO TKEY ANY URI WALLET TYPE263 TA "
		  "DLV TYPE32770 TYPE65535" },
		{ "NULL", "\\# 0", "\\# 0" },
	};
	uint8_t wire[512];
	char text[1024];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint16_t code = 0;
		int n = parse_type(ok[i][0], ok[i][1], wire, sizeof(wire));

		rrtype_from_text(ok[i][0], strlen(ok[i][0]), &code);
		CHECKF(n >= 0, "%s %s refused", ok[i][0], ok[i][1]);
		if (n < 0)
			continue;
		CHECK(rdata_to_text(code, wire, (size_t)n, text, sizeof(text)) >= 0);
		CHECKF(!strcmp(text, ok[i][2]), "%s printed %s", ok[i][0], text);
	}
}

int main(void)
{
	name_from_text(origin, "example.", 8, NULL);
	test_table_coverage();
	for (size_t i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++)
		test_vector(&vecs[i]);
	test_errors();
	test_nospace();
	test_unpack();
	test_pack();
	test_names_and_order();
	test_rrtype();
	test_text();
	test_encode();
	test_decode_tables();
	test_b64_tokens();
	test_times();
	test_bitmap();
	test_bind_quirks();
	return check_done();
}
