/* Unit tests for src/resolve/local*.c: local-data lines, hosts files
 * (PTRs, aliases, errors with line numbers), block lists (NXDOMAIN or
 * fixed addresses, hosts style, errors), the special-use zones, allow
 * holes, and precedence (local records over zones, deepest zone wins). */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "base/error.h"
#include "resolve/local.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

static struct answer ans;
static char err[LOCAL_ERR_MAX];

static const uint8_t *wn(const char *text)
{
	static uint8_t buf[4][NAME_MAXLEN];
	static int next;
	uint8_t *n = buf[next++ % 4];

	if (name_from_text(n, text, strlen(text), NULL) < 0)
		n[0] = 0;
	name_to_lower(n);
	return n;
}

/* Runs local_answer; -1 when not answered locally. */
static int ask(const struct local_data *ld, const char *qname,
	       uint16_t qtype)
{
	if (!local_answer(ld, wn(qname), qtype, CLASS_IN, &ans))
		return -1;
	return ans.rcode;
}

/* The answer's set i is (section, type, owner) with count items. */
static bool set_is(int i, int sec, uint16_t type, const char *owner,
		   uint16_t count)
{
	const struct answer_set *s = &ans.sets[i];

	return i < ans.nsets && s->section == sec && s->set.type == type &&
	       name_equal(s->set.owner, wn(owner)) && s->set.count == count;
}

/* The first RDATA item of set i equals rd. */
static bool rdata_is(int i, const void *rd, size_t len)
{
	const uint8_t *p = ans.sets[i].set.rdata;

	return i < ans.nsets && p[0] == len >> 8 && p[1] == (len & 0xff) &&
	       memcmp(p + 2, rd, len) == 0;
}

static bool name_rdata_is(int i, const char *name)
{
	const uint8_t *n = wn(name);

	return rdata_is(i, n, name_length(n));
}

static bool nxdomain_soa(const char *zone)
{
	return ans.rcode == RCODE_NXDOMAIN && ans.nsets == 1 &&
	       set_is(0, MSG_AUTHORITY, RR_SOA, zone, 1) && ans.aa;
}

static bool nodata_soa(const char *zone)
{
	return ans.rcode == RCODE_NOERROR && ans.nsets == 1 &&
	       set_is(0, MSG_AUTHORITY, RR_SOA, zone, 1) && ans.aa;
}

static void test_text(void)
{
	struct local_data *ld = local_new();
	static const uint8_t a7[4] = { 192, 0, 2, 7 };

	CHECK(ld != NULL);
	if (!ld)
		return;
	CHECK(local_add_text(ld, "nas.lan. 300 IN A 192.0.2.7", err) == 0);
	CHECK(local_add_text(ld, "NAS.lan. A 192.0.2.7", err) == 0); /* dup */
	CHECK(local_add_text(ld, "nas.lan. AAAA 2001:db8::7", err) == 0);
	CHECK(local_add_text(ld, "nas.lan. TXT \"hello world\" two", err) == 0);
	CHECK(local_add_text(ld, "www.lan. CNAME nas.lan.", err) == 0);
	CHECK(local_add_text(ld, "ext.lan. CNAME www.example.", err) == 0);
	CHECK(local_add_text(ld, "_x._tcp.lan. SRV 0 0 80 nas.lan.", err) == 0);
	CHECK(local_add_text(ld, "loop1.lan. CNAME loop2.lan.", err) == 0);
	CHECK(local_add_text(ld, "loop2.lan. CNAME loop1.lan.", err) == 0);

	CHECKF(local_add_text(ld, "x.lan. A 300.1.1.1", err) == -1, "%s", err);
	CHECK(err[0] != '\0');
	CHECK(local_add_text(ld, "x.lan. BOGUS 1", err) == -1);
	CHECK(local_add_text(ld, "x.lan. MX mail.lan.", err) == -1);
	CHECK(local_add_text(ld, "x.lan. CH TXT \"a\"", err) == -1);
	CHECK(local_add_text(ld, "", err) == -1);
	CHECK(ask(ld, "x.lan.", RR_A) == -1);   /* nothing half-added */

	CHECK(ask(ld, "nas.lan.", RR_A) == RCODE_NOERROR);
	CHECK(ans.aa && ans.nsets == 1);
	CHECK(set_is(0, MSG_ANSWER, RR_A, "nas.lan.", 1));
	CHECK(ans.sets[0].set.ttl == 300);
	CHECK(rdata_is(0, a7, 4));
	/* a type not there: NODATA, no zone so no SOA (Unbound transparent) */
	CHECK(ask(ld, "NAS.LAN.", RR_MX) == RCODE_NOERROR);
	CHECK(ans.nsets == 0);
	CHECK(ask(ld, "nas.lan.", RR_TXT) == RCODE_NOERROR);
	CHECK(ans.sets[0].set.ttl == LOCAL_TTL);
	CHECK(ask(ld, "nas.lan.", RR_ANY) == RCODE_NOERROR && ans.nsets == 3);
	/* CNAME followed inside the local data */
	CHECK(ask(ld, "www.lan.", RR_A) == RCODE_NOERROR);
	CHECK(ans.nsets == 2);
	CHECK(set_is(0, MSG_ANSWER, RR_CNAME, "www.lan.", 1));
	CHECK(set_is(1, MSG_ANSWER, RR_A, "nas.lan.", 1));
	CHECK(ask(ld, "www.lan.", RR_CNAME) == RCODE_NOERROR && ans.nsets == 1);
	/* leaving the local data: the chain so far */
	CHECK(ask(ld, "ext.lan.", RR_A) == RCODE_NOERROR && ans.nsets == 1);
	CHECK(name_rdata_is(0, "www.example."));
	/* a loop stops at the bound */
	CHECK(ask(ld, "loop1.lan.", RR_A) == RCODE_NOERROR);
	CHECK(ans.nsets == ANSWER_MAX_CNAME + 1);
	CHECK(ask(ld, "_x._tcp.lan.", RR_SRV) == RCODE_NOERROR && ans.nsets == 1);
	/* names around the data go upstream: parent (empty) and children */
	CHECK(ask(ld, "lan.", RR_A) == -1);
	CHECK(ask(ld, "sub.nas.lan.", RR_A) == -1);
	CHECK(ask(ld, "example.", RR_A) == -1);
	/* other classes are never local */
	CHECK(!local_answer(ld, wn("nas.lan."), RR_A, CLASS_CH, &ans));
	local_free(ld);
	local_free(NULL);
}

static void test_hosts(void)
{
	static const char hosts[] =
		"# /etc/hosts\n"
		"127.0.0.1\tlocalhost\n"
		"\n"
		"192.0.2.10  router gw.lan. # trailing comment\n"
		"   \t  \r\n"
		"192.0.2.11 printer.lan\r\n"
		"2001:db8::11 printer.lan\n"
		"192.0.2.10 other\n"            /* second name for .10: no PTR */
		"fe80::1%lo0 linklocal\n"
		"0.0.0.0 blocked.example\n";
	struct local_data *ld = local_new();
	static const uint8_t a10[4] = { 192, 0, 2, 10 };
	static const uint8_t zero[4];

	CHECKF(local_load_hosts(ld, hosts, strlen(hosts), "hosts", err) == 7,
	       "%s", err);
	CHECK(ask(ld, "router.", RR_A) == 0 && rdata_is(0, a10, 4));
	CHECK(ask(ld, "gw.lan.", RR_A) == 0 && rdata_is(0, a10, 4));
	CHECK(ask(ld, "other.", RR_A) == 0 && rdata_is(0, a10, 4));
	CHECK(ask(ld, "printer.lan.", RR_A) == 0 && ans.nsets == 1);
	CHECK(ask(ld, "printer.lan.", RR_AAAA) == 0 && ans.nsets == 1);
	CHECK(ans.sets[0].set.ttl == LOCAL_TTL);
	CHECK(ask(ld, "linklocal.", RR_AAAA) == 0 && ans.nsets == 1);
	CHECK(ask(ld, "blocked.example.", RR_A) == 0 && rdata_is(0, zero, 4));
	/* PTR to the first name of the first line with the address */
	CHECK(ask(ld, "10.2.0.192.in-addr.arpa.", RR_PTR) == 0);
	CHECK(ans.nsets == 1 && ans.sets[0].set.count == 1);
	CHECK(name_rdata_is(0, "router."));
	CHECK(ask(ld, "11.2.0.192.in-addr.arpa.", RR_PTR) == 0);
	CHECK(name_rdata_is(0, "printer.lan."));
	CHECK(ask(ld, "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		      ".8.b.d.0.1.0.0.2.ip6.arpa.", RR_PTR) == 0);
	CHECK(name_rdata_is(0, "printer.lan."));
	CHECK(ask(ld, "1.0.0.127.in-addr.arpa.", RR_PTR) == 0);
	CHECK(name_rdata_is(0, "localhost."));
	CHECK(ask(ld, "0.0.0.0.in-addr.arpa.", RR_PTR) == -1);
	local_free(ld);

	/* errors name the file and line */
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "192.0.2.1 a\n\n192.0.2.300 b\n", "h:3: bad address '192.0.2.300'" },
		{ "# c\n192.0.2.1\n", "h:2: no name after address '192.0.2.1'" },
		{ "host 192.0.2.1\n", "h:1: bad address 'host'" },
		{ "192.0.2.1 a..b\n", "h:1: bad name 'a..b'" },
		{ "1.2.3.4 ok\n::1 "
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		  "h:2: bad name 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ld = local_new();
		CHECK(local_load_hosts(ld, bad[i].text, strlen(bad[i].text),
				       "h", err) == -1);
		CHECKF(strcmp(err, bad[i].msg) == 0, "got '%s'", err);
		local_free(ld);
	}
	/* an empty file and only comments: 0 entries */
	ld = local_new();
	CHECK(local_load_hosts(ld, "", 0, "h", err) == 0);
	CHECK(local_load_hosts(ld, "#x\n  # y", 8, "h", err) == 0);
	/* text without a final newline, length not at a NUL */
	CHECK(local_load_hosts(ld, "192.0.2.5 last.lanXXX", 18, "h", err) == 1);
	CHECK(ask(ld, "last.lan.", RR_A) == 0);
	local_free(ld);
}

static void test_blocklist(void)
{
	static const char list[] =
		"# ads\n"
		"ads.example\n"
		"0.0.0.0 tracker.example.net # hosts style\n"
		"127.0.0.1 localhost\n"         /* skipped, not blocked */
		"0.0.0.0 a.example b.example\n"
		"*.wild.example\n";
	static const uint8_t sink4[4] = { 0, 0, 0, 0 };
	static const uint8_t sink6[16];
	struct local_data *ld = local_new();

	CHECKF(local_load_blocklist(ld, list, strlen(list), "bl", NULL, NULL,
				    err) == 5, "%s", err);
	CHECK(ask(ld, "ads.example.", RR_A) == RCODE_NXDOMAIN);
	CHECK(nxdomain_soa("ads.example."));
	CHECK(ask(ld, "deep.sub.ads.example.", RR_TXT) == RCODE_NXDOMAIN);
	CHECK(nxdomain_soa("ads.example."));
	CHECK(ask(ld, "tracker.example.net.", RR_AAAA) == RCODE_NXDOMAIN);
	CHECK(ask(ld, "b.example.", RR_A) == RCODE_NXDOMAIN);
	CHECK(ask(ld, "x.wild.example.", RR_A) == RCODE_NXDOMAIN);
	CHECK(ask(ld, "localhost.", RR_A) == -1);
	CHECK(ask(ld, "example.", RR_A) == -1);
	CHECK(ask(ld, "xads.example.", RR_A) == -1);
	/* local records win over a block */
	CHECK(local_add_text(ld, "ok.ads.example. A 192.0.2.1", err) == 0);
	CHECK(ask(ld, "ok.ads.example.", RR_A) == 0 && ans.nsets == 1);
	CHECK(ask(ld, "no.ads.example.", RR_A) == RCODE_NXDOMAIN);
	/* an allow hole below a block */
	CHECK(local_allow(ld, wn("cdn.ads.example.")) == 0);
	CHECK(ask(ld, "img.cdn.ads.example.", RR_A) == -1);
	local_free(ld);

	/* fixed addresses: A and AAAA get them, other types NODATA */
	ld = local_new();
	CHECK(local_load_blocklist(ld, "ads.example\n", 12, "bl", sink4,
				   sink6, err) == 1);
	CHECK(ask(ld, "x.ads.example.", RR_A) == 0);
	CHECK(set_is(0, MSG_ANSWER, RR_A, "x.ads.example.", 1));
	CHECK(rdata_is(0, sink4, 4) && ans.aa);
	CHECK(ask(ld, "ads.example.", RR_AAAA) == 0 && rdata_is(0, sink6, 16));
	CHECK(ask(ld, "ads.example.", RR_MX) == 0 && nodata_soa("ads.example."));
	local_free(ld);
	/* only an IPv4 sink: AAAA is NODATA */
	ld = local_new();
	CHECK(local_load_blocklist(ld, "ads.example", 11, "bl", sink4, NULL,
				   err) == 1);
	CHECK(ask(ld, "ads.example.", RR_AAAA) == 0 && nodata_soa("ads.example."));
	local_free(ld);

	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "ok.example\nbad..example\n", "bl:2: bad domain 'bad..example'" },
		{ "a\nb\nads.example tracker.example\n",
		  "bl:3: not an address 'ads.example'" },
		{ "0.0.0.0 ok.example bad..x\n", "bl:1: bad domain 'bad..x'" },
		{ ".\n", "bl:1: bad domain '.'" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ld = local_new();
		CHECK(local_load_blocklist(ld, bad[i].text, strlen(bad[i].text),
					   "bl", NULL, NULL, err) == -1);
		CHECKF(strcmp(err, bad[i].msg) == 0, "got '%s'", err);
		local_free(ld);
	}
}

/* Many domains: the table grows and every one is still found. */
static void test_many(void)
{
	static char list[20000 * 24];
	struct local_data *ld = local_new();
	char name[40];
	size_t len = 0;
	bool ok = true;

	for (int i = 0; i < 20000; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len,
					"d%d.example%d.com\n", i, i % 7);
	CHECK(local_load_blocklist(ld, list, len, "many", NULL, NULL, err) ==
	      20000);
	for (int i = 0; i < 20000 && ok; i++) {
		snprintf(name, sizeof(name), "w.d%d.example%d.com.", i, i % 7);
		ok = ask(ld, name, RR_A) == RCODE_NXDOMAIN &&
		     nxdomain_soa(name + 2);
		snprintf(name, sizeof(name), "d%d.example%d.com.", i, i % 7 + 1);
		ok = ok && ask(ld, name, RR_A) == -1;
	}
	CHECK(ok);
	CHECK(ask(ld, "example0.com.", RR_A) == -1);
	CHECK(ask(ld, "com.", RR_A) == -1);
	local_free(ld);
}

static void test_special(void)
{
	static const uint8_t lo4[4] = { 127, 0, 0, 1 };
	static const uint8_t lo6[16] = { [15] = 1 };
	struct local_data *ld = local_new();

	CHECK(local_add_special(ld) == 0);
	/* localhost and everything under it: loopback (RFC 6761 6.3) */
	CHECK(ask(ld, "localhost.", RR_A) == 0 && rdata_is(0, lo4, 4));
	CHECK(set_is(0, MSG_ANSWER, RR_A, "localhost.", 1) && ans.aa);
	CHECK(ask(ld, "LocalHost.", RR_AAAA) == 0 && rdata_is(0, lo6, 16));
	CHECK(ask(ld, "a.b.localhost.", RR_A) == 0);
	CHECK(set_is(0, MSG_ANSWER, RR_A, "a.b.localhost.", 1));
	CHECK(ask(ld, "localhost.", RR_MX) == 0 && nodata_soa("localhost."));
	CHECK(ask(ld, "localhost.", RR_SOA) == 0);
	CHECK(set_is(0, MSG_ANSWER, RR_SOA, "localhost.", 1) && ans.nsets == 1);
	CHECK(ask(ld, "localhost.", RR_NS) == 0 && name_rdata_is(0, "localhost."));
	CHECK(ask(ld, "x.localhost.", RR_NS) == 0 && nodata_soa("localhost."));
	CHECK(ask(ld, "localhost.", RR_ANY) == 0 && ans.nsets == 4);

	/* static zones: NXDOMAIN below the apex, SOA/NS at it */
	static const char *const nx[] = {
		"foo.invalid.", "invalid.test.", "x.onion.", "printer.local.",
		"nas.home.arpa.", "1.0.0.10.in-addr.arpa.",
		"1.0.16.172.in-addr.arpa.", "9.9.31.172.in-addr.arpa.",
		"4.3.168.192.in-addr.arpa.", "1.1.254.169.in-addr.arpa.",
		"2.0.0.127.in-addr.arpa.", "0.0.0.0.in-addr.arpa.",
		"1.d.f.ip6.arpa.", "0.8.e.f.ip6.arpa.", "1.b.e.f.ip6.arpa.",
		"1.8.b.d.0.1.0.0.2.ip6.arpa.",
	};
	for (size_t i = 0; i < sizeof(nx) / sizeof(nx[0]); i++) {
		CHECKF(ask(ld, nx[i], RR_PTR) == RCODE_NXDOMAIN, "%s", nx[i]);
		CHECKF(ans.nsets == 1 && ans.sets[0].section == MSG_AUTHORITY &&
		       ans.sets[0].set.type == RR_SOA &&
		       name_is_subdomain(wn(nx[i]), ans.sets[0].set.owner),
		       "%s", nx[i]);
	}
	CHECK(ask(ld, "foo.invalid.", RR_A) == RCODE_NXDOMAIN);
	CHECK(nxdomain_soa("invalid."));
	/* the SOA is Unbound's local one */
	static const uint8_t soa[] = "\x09localhost\0\x06nobody\x07invalid\0"
				     "\0\0\0\x01\0\0\x0e\x10\0\0\x04\xb0"
				     "\0\x09\x3a\x80\0\0\x2a\x30";
	CHECK(ans.sets[0].set.rdata_len == 2 + sizeof(soa) - 1);
	CHECK(rdata_is(0, soa, sizeof(soa) - 1));
	CHECK(ask(ld, "invalid.", RR_A) == 0 && nodata_soa("invalid."));
	CHECK(ask(ld, "10.in-addr.arpa.", RR_SOA) == 0);
	CHECK(set_is(0, MSG_ANSWER, RR_SOA, "10.in-addr.arpa.", 1));
	/* a zone's DS is its parent's: not answered here (as Unbound) */
	CHECK(!local_answer(ld, wn("10.in-addr.arpa."), RR_DS, CLASS_IN, &ans));
	CHECK(ask(ld, "1.10.in-addr.arpa.", RR_DS) == 3);
	CHECK(ask(ld, "20.172.in-addr.arpa.", RR_NS) == 0);
	CHECK(set_is(0, MSG_ANSWER, RR_NS, "20.172.in-addr.arpa.", 1));
	/* loopback reverse: PTR localhost., its empty non-terminals NODATA */
	CHECK(ask(ld, "1.0.0.127.in-addr.arpa.", RR_PTR) == 0);
	CHECK(set_is(0, MSG_ANSWER, RR_PTR, "1.0.0.127.in-addr.arpa.", 1));
	CHECK(name_rdata_is(0, "localhost."));
	CHECK(ask(ld, "1.0.0.127.in-addr.arpa.", RR_A) == 0);
	CHECK(nodata_soa("127.in-addr.arpa."));
	CHECK(ask(ld, "0.0.127.in-addr.arpa.", RR_PTR) == 0);
	CHECK(nodata_soa("127.in-addr.arpa."));
	static const char ip6_one[] = "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
				      ".0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.";
	CHECK(ask(ld, ip6_one, RR_PTR) == 0 && name_rdata_is(0, "localhost."));
	CHECK(ask(ld, ip6_one + 2, RR_PTR) == -1);      /* above ::1's zone */
	CHECK(ask(ld, "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
		      ".0.0.0.0.0.ip6.arpa.", RR_PTR) == 0);
	CHECK(nodata_soa("0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"
			 ".0.0.0.0.0.ip6.arpa."));
	/* outside: upstream */
	static const char *const out[] = {
		"example.com.", "15.172.in-addr.arpa.", "1.32.172.in-addr.arpa.",
		"1.2.0.192.in-addr.arpa.", "arpa.", "in-addr.arpa.",
		"home.", "c.e.f.ip6.arpa.", "8.f.ip6.arpa.", ".",
		"localhost.example.", "onion.example.",
	};
	for (size_t i = 0; i < sizeof(out) / sizeof(out[0]); i++)
		CHECKF(ask(ld, out[i], RR_A) == -1, "%s", out[i]);
	local_free(ld);
}

static void test_allow(void)
{
	struct local_data *ld = local_new();

	CHECK(local_add_special(ld) == 0);
	CHECK(local_allow(ld, wn("1.168.192.in-addr.arpa.")) == 0);
	CHECK(local_allow(ld, wn("127.in-addr.arpa.")) == 0);
	CHECK(local_allow(ld, wn("localhost.")) == 0);
	CHECK(local_allow(ld, wn("corp.home.arpa.")) == 0);
	CHECK(ask(ld, "5.1.168.192.in-addr.arpa.", RR_PTR) == -1);
	CHECK(ask(ld, "1.168.192.in-addr.arpa.", RR_SOA) == -1);
	CHECK(ask(ld, "5.2.168.192.in-addr.arpa.", RR_PTR) == RCODE_NXDOMAIN);
	CHECK(nxdomain_soa("168.192.in-addr.arpa."));
	/* the special PTR of 127.0.0.1 is hidden with its zone */
	CHECK(ask(ld, "1.0.0.127.in-addr.arpa.", RR_PTR) == -1);
	CHECK(ask(ld, "localhost.", RR_A) == -1);
	CHECK(ask(ld, "x.localhost.", RR_A) == -1);
	CHECK(ask(ld, "a.corp.home.arpa.", RR_A) == -1);
	CHECK(ask(ld, "a.lan.home.arpa.", RR_A) == RCODE_NXDOMAIN);
	/* configured records stay, even under an allow */
	CHECK(local_add_text(ld, "gw.corp.home.arpa. A 192.0.2.1", err) == 0);
	CHECK(ask(ld, "gw.corp.home.arpa.", RR_A) == 0 && ans.nsets == 1);
	CHECK(ask(ld, "gw.corp.home.arpa.", RR_MX) == 0 && ans.nsets == 0);
	/* data added inside a zone makes its parents empty non-terminals */
	CHECK(local_add_text(ld, "x.y.lan.home.arpa. TXT \"t\"", err) == 0);
	CHECK(ask(ld, "y.lan.home.arpa.", RR_A) == 0);
	CHECK(nodata_soa("home.arpa."));
	CHECK(ask(ld, "z.lan.home.arpa.", RR_A) == RCODE_NXDOMAIN);
	/* a special zone below an allow still answers (deepest wins) */
	CHECK(local_allow(ld, wn("ip6.arpa.")) == 0);
	CHECK(ask(ld, "1.d.f.ip6.arpa.", RR_PTR) == RCODE_NXDOMAIN);
	local_free(ld);
}

/* A local answer through answer_write, as the server sends it. */
static void test_wire(void)
{
	static struct msg_rr rr[16];
	uint8_t pkt[512], out[512];
	struct msg_hdr h = { .id = 7, .flags = MSG_FLAG_RD };
	struct local_data *ld = local_new();
	struct msg_writer mw;
	struct msg_query q;
	struct msg m;
	size_t len;

	CHECK(local_add_special(ld) == 0);
	CHECK(msg_writer_init(&mw, pkt, sizeof(pkt), &h, true) == 0);
	CHECK(msg_writer_question(&mw, wn("Foo.Invalid."), RR_A, CLASS_IN) == 0);
	len = (size_t)msg_writer_finish(&mw);
	CHECK(msg_parse_query(&q, pkt, len) == 0);
	CHECK(local_answer(ld, wn("foo.invalid."), RR_A, CLASS_IN, &ans) == 1);
	len = answer_write(&ans, &q, 1232, out, sizeof(out));
	CHECK(msg_parse(&m, out, len, rr, 16) == 0);
	CHECK(msg_hdr_rcode(&m.hdr) == RCODE_NXDOMAIN);
	CHECK(msg_hdr_aa(&m.hdr) && msg_hdr_ra(&m.hdr) && msg_hdr_rd(&m.hdr));
	CHECK(msg_section_count(&m, MSG_ANSWER) == 0);
	CHECK(msg_section_count(&m, MSG_AUTHORITY) == 1);
	CHECK(msg_section_rr(&m, MSG_AUTHORITY, 0)->type == RR_SOA);
	CHECK(msg_section_rr(&m, MSG_AUTHORITY, 0)->ttl == LOCAL_TTL);
	local_free(ld);
}

int main(void)
{
	test_text();
	test_hosts();
	test_blocklist();
	test_many();
	test_special();
	test_allow();
	test_wire();
	return check_done();
}
