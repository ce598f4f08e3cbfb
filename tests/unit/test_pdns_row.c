/* Unit tests for src/backend/pdns_row.c and zparse_rd: PowerDNS records
 * rows read as PowerDNS reads them (MX/SRV priority from the prio
 * column, absolute names without the final dot, NULL ttl, disabled and
 * empty-type rows), and each kind of bad row refused with its reason;
 * content that tries to smuggle a second record in stays one record's
 * (refused). Each record is checked by its text form. */
#include <stdio.h>
#include <string.h>

#include "backend/pdns_row.h"
#include "check.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

static const uint8_t origin[] = "\7example\4test";
static struct pdns_conv cv;

#define T(s) ((struct sql_text){ (s), (s) ? strlen(s) : 0 })

struct res {
	int ret;
	char owner[NAME_TEXT_MAX];
	char type[16];
	unsigned ttl;
	char rdata[512];
	const char *why;
};

static struct res row(const char *name, const char *type, const char *content,
		      const char *ttl, const char *prio, const char *disabled)
{
	struct pdns_row r = { T("7"), T(name), T(type), T(content), T(ttl),
			      T(prio), T(disabled) };
	struct res out = { 0 };
	struct zrr rr;

	out.ret = pdns_row_rr(&cv, &r, &rr, &out.why);
	if (out.ret != 1)
		return out;
	name_to_text(out.owner, sizeof(out.owner), rr.owner);
	char tb[16];

	snprintf(out.type, sizeof(out.type), "%s",
		 rrtype_to_text(rr.type, tb));
	out.ttl = rr.ttl;
	if (rdata_to_text(rr.type, rr.rdata, rr.rdlen, out.rdata,
			  sizeof(out.rdata)) < 0)
		strcpy(out.rdata, "?");
	CHECK(rr.line == 7 && rr.rclass == CLASS_IN &&
	      strcmp(rr.file, "records") == 0);
	return out;
}

#define OK(res, o, t, l, rd)                                             \
	CHECKF((res).ret == 1 && !strcmp((res).owner, o) &&              \
	       !strcmp((res).type, t) && (res).ttl == (l) &&             \
	       !strcmp((res).rdata, rd), "%d %s %s %u '%s' (%s)",        \
	       (res).ret, (res).owner, (res).type, (res).ttl,            \
	       (res).rdata, (res).why ? (res).why : "")

#define BAD(res, word)                                                   \
	CHECKF((res).ret < 0 && (res).why && strstr((res).why, word),     \
	       "%d '%s'", (res).ret, (res).why ? (res).why : "")

static void test_good(void)
{
	struct res r;

	r = row("www.example.test", "A", "192.0.2.1", "300", "0", "0");
	OK(r, "www.example.test.", "A", 300, "192.0.2.1");
	/* what pdnsutil load-zone writes: the priority in prio */
	r = row("example.test", "MX", "mail.example.test", "3600", "10", "0");
	OK(r, "example.test.", "MX", 3600, "10 mail.example.test.");
	/* older rows: the priority in the content, prio NULL */
	r = row("example.test", "MX", "20 mx2.example.test", "60", NULL, "0");
	OK(r, "example.test.", "MX", 60, "20 mx2.example.test.");
	r = row("example.test", "MX", ".", "60", "0", "0");
	OK(r, "example.test.", "MX", 60, "0 .");
	r = row("_sip._tcp.example.test", "SRV", "10 5060 sip.example.test",
		"60", "5", "0");
	OK(r, "_sip._tcp.example.test.", "SRV", 60,
	   "5 10 5060 sip.example.test.");
	r = row("t.example.test", "TXT", "\"a b\" \"c\\\"d\" \"e;f\"", "60",
		"0", "0");
	OK(r, "t.example.test.", "TXT", 60, "\"a b\" \"c\\\"d\" \"e;f\"");
	/* names absolute with or without the dot, as PowerDNS reads them */
	r = row("c.example.test", "CNAME", "www.example.test.", "60", "0",
		"0");
	OK(r, "c.example.test.", "CNAME", 60, "www.example.test.");
	r = row("c.example.test", "CNAME", "other", "60", "0", "0");
	OK(r, "c.example.test.", "CNAME", 60, "other.");
	r = row("example.test", "SOA", "ns1.example.test host.example.test 5 "
		"7200 3600 1209600 300", NULL, "0", "0");
	OK(r, "example.test.", "SOA", 3600,
	   "ns1.example.test. host.example.test. 5 7200 3600 1209600 300");
	r = row("*.example.test", "CAA", "0 issue \"ca.test\"", "60", NULL, "f");
	OK(r, "*.example.test.", "CAA", 60, "0 issue \"ca.test\"");
	r = row("x.example.test", "TYPE65280", "\\# 2 abcd", "60", "0", "0");
	OK(r, "x.example.test.", "TYPE65280", 60, "\\# 2 ABCD");
	/* a type PowerDNS has no mnemonic for, banchi has: as written */
	r = row("x.example.test", "TYPE1", "\\# 4 c0000201", "60", "0", "0");
	OK(r, "x.example.test.", "A", 60, "192.0.2.1");
	/* IPSECKEY without a gateway: PowerDNS's form, and RFC 4025's */
	r = row("i.example.test", "IPSECKEY", "10 0 2 AQID", "60", "0", "0");
	OK(r, "i.example.test.", "IPSECKEY", 60, "10 0 2 . AQID");
	r = row("i.example.test", "IPSECKEY", "10 0 2 . AQID", "60", "0", "0");
	OK(r, "i.example.test.", "IPSECKEY", 60, "10 0 2 . AQID");
	r = row("i.example.test", "IPSECKEY", "10 1 2 192.0.2.1 AQID", "60",
		"0", "0");
	OK(r, "i.example.test.", "IPSECKEY", 60, "10 1 2 192.0.2.1 AQID");
}

static void test_not_records(void)
{
	struct res r;

	/* an empty non-terminal as pdnsutil rectify-zone writes it */
	r = row("b.example.test", NULL, NULL, NULL, NULL, "0");
	CHECK(r.ret == 0);
	r = row("b.example.test", "", NULL, NULL, NULL, "0");
	CHECK(r.ret == 0);
	r = row("www.example.test", "A", "192.0.2.1", "300", "0", "1");
	CHECK(r.ret == 0);
	/* PowerDNS asks disabled=0: NULL is not 0 */
	r = row("www.example.test", "A", "192.0.2.1", "300", "0", NULL);
	CHECK(r.ret == 0);
}

static void test_bad(void)
{
	struct res r;

	r = row(NULL, "A", "192.0.2.1", "300", "0", "0");
	BAD(r, "name is NULL");
	r = row("www.example.test.", "A", "192.0.2.1", "300", "0", "0");
	BAD(r, "ends with a dot");
	r = row("WWW.example.test", "A", "192.0.2.1", "300", "0", "0");
	BAD(r, "capital");
	r = row("www.other.test", "A", "192.0.2.1", "300", "0", "0");
	BAD(r, "outside the zone");
	r = row("a..example.test", "A", "192.0.2.1", "300", "0", "0");
	BAD(r, "not a domain name");
	r = row("www.example.test", "FOO", "1", "300", "0", "0");
	BAD(r, "unknown type");
	r = row("www.example.test", "mx", "10 a", "300", "0", "0");
	BAD(r, "spelled");
	r = row("www.example.test", "TYPE015", "10 a", "300", "0", "0");
	BAD(r, "spelled");
	r = row("www.example.test", "ALIAS", "a.test", "300", "0", "0");
	BAD(r, "PowerDNS's own");
	r = row("www.example.test", "LUA", "A \"x\"", "300", "0", "0");
	BAD(r, "PowerDNS's own");
	r = row("www.example.test", "ANY", "", "300", "0", "0");
	BAD(r, "cannot be in a zone");
	r = row("www.example.test", "A", NULL, "300", "0", "0");
	BAD(r, "content is NULL");
	r = row("www.example.test", "A", "192.0.2.300", "300", "0", "0");
	BAD(r, "content '192.0.2.300'");
	r = row("www.example.test", "A", "192.0.2.1", "-1", "0", "0");
	BAD(r, "out of range");
	r = row("www.example.test", "A", "192.0.2.1", "2147483648", "0", "0");
	BAD(r, "out of range");
	r = row("www.example.test", "A", "192.0.2.1", "1h", "0", "0");
	BAD(r, "not a number");
	/* a priority in both places reads "0 10 mail": no MX */
	r = row("example.test", "MX", "10 mail.example.test", "60", "0", "0");
	BAD(r, "content");
	/* one row is one record: a second one in the content is refused */
	r = row("www.example.test", "A", "192.0.2.1\nevil A 192.0.2.2", "60",
		"0", "0");
	BAD(r, "content");
	r = row("www.example.test", "TXT", "\"a\nb\"", "60", "0", "0");
	BAD(r, "content");
	r = row("www.example.test", "TXT", "\"open", "60", "0", "0");
	BAD(r, "quotes");
	r = row("www.example.test", "SOA", "a b 1 2 3 4 5", "60", "0", "0");
	BAD(r, "apex");
}

static void test_soa_once(void)
{
	const char *soa = "ns.example.test h.example.test 1 2 3 4 5";
	struct res r;

	pdns_conv_restart(&cv);
	r = row("example.test", "SOA", soa, "60", "0", "0");
	CHECK(r.ret == 1);
	r = row("example.test", "SOA", soa, "60", "0", "0");
	BAD(r, "second SOA");
	pdns_conv_restart(&cv);
	r = row("example.test", "SOA", soa, "60", "0", "0");
	CHECK(r.ret == 1);
}

static void test_change_names(void)
{
	struct sql_text t = T("a.b.example.test");
	uint8_t w[NAME_MAXLEN];
	const char *why;

	CHECK(pdns_row_name(&cv, &t, w, &why) == 0 && w[0] == 1 &&
	      w[2] == 1 && name_labels(w) == 4);
	t = T("b.EXAMPLE.test");
	CHECK(pdns_row_name(&cv, &t, w, &why) < 0);
	t = T("example.org");
	CHECK(pdns_row_name(&cv, &t, w, &why) < 0);
}

int main(void)
{
	if (pdns_conv_init(&cv, origin) < 0)
		return 1;
	test_good();
	test_not_records();
	test_bad();
	test_soa_once();
	test_change_names();
	pdns_conv_clear(&cv);
	return check_done();
}
