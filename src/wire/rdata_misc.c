/* RDATA of the smaller special types, read and printed like BIND 9.18:
 * WKS (11), NSAP (22), IPSECKEY (45), HIP (55), CAA (257), AMTRELAY
 * (260). WKS names come from a built-in table (the IANA names of
 * /etc/services below 1024) so results do not depend on the host. */
#include <arpa/inet.h>
#include <strings.h>
#include <string.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rdata_special_int.h"
#include "wire/rrtype.h"
#include "wire/text.h"

enum { WKS_TCP = 1, WKS_UDP = 2 };

struct wks_name {
	const char *name;
	uint16_t number;
	uint8_t protos;                 /* WKS_TCP / WKS_UDP, services only */
};

static const struct wks_name wks_protocols[] = {
	{ "ip", 0, 0 },      { "icmp", 1, 0 },     { "igmp", 2, 0 },
	{ "ggp", 3, 0 },     { "ipencap", 4, 0 },  { "st", 5, 0 },
	{ "tcp", 6, 0 },     { "egp", 8, 0 },      { "igp", 9, 0 },
	{ "pup", 12, 0 },    { "udp", 17, 0 },     { "hmp", 20, 0 },
	{ "xns-idp", 22, 0 }, { "rdp", 27, 0 },    { "iso-tp4", 29, 0 },
	{ "dccp", 33, 0 },   { "xtp", 36, 0 },     { "ddp", 37, 0 },
	{ "idpr-cmtp", 38, 0 }, { "ipv6", 41, 0 }, { "ipv6-route", 43, 0 },
	{ "ipv6-frag", 44, 0 }, { "idrp", 45, 0 }, { "rsvp", 46, 0 },
	{ "gre", 47, 0 },    { "esp", 50, 0 },     { "ah", 51, 0 },
	{ "skip", 57, 0 },   { "ipv6-icmp", 58, 0 }, { "ipv6-nonxt", 59, 0 },
	{ "ipv6-opts", 60, 0 }, { "rspf", 73, 0 }, { "vmtp", 81, 0 },
	{ "eigrp", 88, 0 },  { "ospf", 89, 0 },    { "ax.25", 93, 0 },
	{ "ipip", 94, 0 },   { "etherip", 97, 0 }, { "encap", 98, 0 },
	{ "pim", 103, 0 },   { "ipcomp", 108, 0 }, { "vrrp", 112, 0 },
	{ "l2tp", 115, 0 },  { "isis", 124, 0 },   { "sctp", 132, 0 },
	{ "fc", 133, 0 },    { "udplite", 136, 0 }, { "mpls-in-ip", 137, 0 },
	{ "hip", 139, 0 },   { "shim6", 140, 0 },  { "wesp", 141, 0 },
	{ "rohc", 142, 0 },  { "ethernet", 143, 0 },
};

static const struct wks_name wks_services[] = {
	{ "tcpmux", 1, WKS_TCP },
	{ "echo", 7, WKS_TCP | WKS_UDP },
	{ "discard", 9, WKS_TCP | WKS_UDP },
	{ "null", 9, WKS_TCP | WKS_UDP },
	{ "sink", 9, WKS_TCP | WKS_UDP },
	{ "systat", 11, WKS_TCP },
	{ "users", 11, WKS_TCP },
	{ "daytime", 13, WKS_TCP | WKS_UDP },
	{ "netstat", 15, WKS_TCP },
	{ "qotd", 17, WKS_TCP },
	{ "quote", 17, WKS_TCP },
	{ "chargen", 19, WKS_TCP | WKS_UDP },
	{ "source", 19, WKS_TCP | WKS_UDP },
	{ "ttytst", 19, WKS_TCP | WKS_UDP },
	{ "ftp-data", 20, WKS_TCP },
	{ "fsp", 21, WKS_UDP },
	{ "fspd", 21, WKS_UDP },
	{ "ftp", 21, WKS_TCP },
	{ "ssh", 22, WKS_TCP },
	{ "telnet", 23, WKS_TCP },
	{ "mail", 25, WKS_TCP },
	{ "smtp", 25, WKS_TCP },
	{ "time", 37, WKS_TCP | WKS_UDP },
	{ "timserver", 37, WKS_TCP | WKS_UDP },
	{ "nicname", 43, WKS_TCP },
	{ "whois", 43, WKS_TCP },
	{ "tacacs", 49, WKS_TCP | WKS_UDP },
	{ "domain", 53, WKS_TCP | WKS_UDP },
	{ "bootps", 67, WKS_UDP },
	{ "bootpc", 68, WKS_UDP },
	{ "tftp", 69, WKS_UDP },
	{ "gopher", 70, WKS_TCP },
	{ "finger", 79, WKS_TCP },
	{ "http", 80, WKS_TCP },
	{ "www", 80, WKS_TCP },
	{ "kerberos", 88, WKS_TCP | WKS_UDP },
	{ "kerberos-sec", 88, WKS_TCP | WKS_UDP },
	{ "kerberos5", 88, WKS_TCP | WKS_UDP },
	{ "krb5", 88, WKS_TCP | WKS_UDP },
	{ "iso-tsap", 102, WKS_TCP },
	{ "tsap", 102, WKS_TCP },
	{ "acr-nema", 104, WKS_TCP },
	{ "dicom", 104, WKS_TCP },
	{ "poppassd", 106, WKS_TCP },
	{ "pop-3", 110, WKS_TCP },
	{ "pop3", 110, WKS_TCP },
	{ "portmapper", 111, WKS_TCP | WKS_UDP },
	{ "sunrpc", 111, WKS_TCP | WKS_UDP },
	{ "auth", 113, WKS_TCP },
	{ "authentication", 113, WKS_TCP },
	{ "ident", 113, WKS_TCP },
	{ "tap", 113, WKS_TCP },
	{ "nntp", 119, WKS_TCP },
	{ "readnews", 119, WKS_TCP },
	{ "untp", 119, WKS_TCP },
	{ "ntp", 123, WKS_UDP },
	{ "epmap", 135, WKS_TCP },
	{ "loc-srv", 135, WKS_TCP },
	{ "netbios-ns", 137, WKS_UDP },
	{ "netbios-dgm", 138, WKS_UDP },
	{ "netbios-ssn", 139, WKS_TCP },
	{ "imap", 143, WKS_TCP },
	{ "imap2", 143, WKS_TCP },
	{ "snmp", 161, WKS_TCP | WKS_UDP },
	{ "snmp-trap", 162, WKS_TCP | WKS_UDP },
	{ "snmptrap", 162, WKS_TCP | WKS_UDP },
	{ "cmip-man", 163, WKS_TCP | WKS_UDP },
	{ "cmip-agent", 164, WKS_TCP | WKS_UDP },
	{ "mailq", 174, WKS_TCP },
	{ "xdmcp", 177, WKS_UDP },
	{ "bgp", 179, WKS_TCP },
	{ "smux", 199, WKS_TCP },
	{ "qmtp", 209, WKS_TCP },
	{ "wais", 210, WKS_TCP },
	{ "z3950", 210, WKS_TCP },
	{ "ipx", 213, WKS_UDP },
	{ "ptp-event", 319, WKS_UDP },
	{ "ptp-general", 320, WKS_UDP },
	{ "pawserv", 345, WKS_TCP },
	{ "zserv", 346, WKS_TCP },
	{ "rpc2portmap", 369, WKS_TCP | WKS_UDP },
	{ "codaauth2", 370, WKS_TCP | WKS_UDP },
	{ "clearcase", 371, WKS_UDP },
	{ "ldap", 389, WKS_TCP | WKS_UDP },
	{ "svrloc", 427, WKS_TCP | WKS_UDP },
	{ "https", 443, WKS_TCP | WKS_UDP },
	{ "snpp", 444, WKS_TCP },
	{ "microsoft-ds", 445, WKS_TCP },
	{ "kpasswd", 464, WKS_TCP | WKS_UDP },
	{ "smtps", 465, WKS_TCP },
	{ "ssmtp", 465, WKS_TCP },
	{ "submissions", 465, WKS_TCP },
	{ "urd", 465, WKS_TCP },
	{ "saft", 487, WKS_TCP },
	{ "isakmp", 500, WKS_UDP },
	{ "biff", 512, WKS_UDP },
	{ "comsat", 512, WKS_UDP },
	{ "exec", 512, WKS_TCP },
	{ "login", 513, WKS_TCP },
	{ "who", 513, WKS_UDP },
	{ "whod", 513, WKS_UDP },
	{ "cmd", 514, WKS_TCP },
	{ "shell", 514, WKS_TCP },
	{ "syslog", 514, WKS_TCP | WKS_UDP },
	{ "printer", 515, WKS_TCP },
	{ "spooler", 515, WKS_TCP },
	{ "talk", 517, WKS_UDP },
	{ "ntalk", 518, WKS_UDP },
	{ "route", 520, WKS_UDP },
	{ "routed", 520, WKS_UDP },
	{ "router", 520, WKS_UDP },
	{ "gdomap", 538, WKS_TCP | WKS_UDP },
	{ "uucp", 540, WKS_TCP },
	{ "uucpd", 540, WKS_TCP },
	{ "klogin", 543, WKS_TCP },
	{ "krcmd", 544, WKS_TCP },
	{ "kshell", 544, WKS_TCP },
	{ "dhcpv6-client", 546, WKS_UDP },
	{ "dhcpv6-server", 547, WKS_UDP },
	{ "afpovertcp", 548, WKS_TCP },
	{ "rtsp", 554, WKS_TCP | WKS_UDP },
	{ "nntps", 563, WKS_TCP },
	{ "snntp", 563, WKS_TCP },
	{ "submission", 587, WKS_TCP },
	{ "nqs", 607, WKS_TCP },
	{ "asf-rmcp", 623, WKS_UDP },
	{ "qmqp", 628, WKS_TCP },
	{ "ipp", 631, WKS_TCP },
	{ "ldaps", 636, WKS_TCP | WKS_UDP },
	{ "ldp", 646, WKS_TCP | WKS_UDP },
	{ "tinc", 655, WKS_TCP | WKS_UDP },
	{ "silc", 706, WKS_TCP },
	{ "kerberos-adm", 749, WKS_TCP },
	{ "kdc", 750, WKS_TCP | WKS_UDP },
	{ "kerberos-iv", 750, WKS_TCP | WKS_UDP },
	{ "kerberos4", 750, WKS_TCP | WKS_UDP },
	{ "kerberos-master", 751, WKS_TCP | WKS_UDP },
	{ "kerberos_master", 751, WKS_UDP },
	{ "passwd-server", 752, WKS_UDP },
	{ "passwd_server", 752, WKS_UDP },
	{ "hprop", 754, WKS_TCP },
	{ "krb-prop", 754, WKS_TCP },
	{ "krb5_prop", 754, WKS_TCP },
	{ "krb_prop", 754, WKS_TCP },
	{ "moira-db", 775, WKS_TCP },
	{ "moira_db", 775, WKS_TCP },
	{ "moira-update", 777, WKS_TCP },
	{ "moira_update", 777, WKS_TCP },
	{ "moira-ureg", 779, WKS_UDP },
	{ "moira_ureg", 779, WKS_UDP },
	{ "spamd", 783, WKS_TCP },
	{ "domain-s", 853, WKS_TCP | WKS_UDP },
	{ "supfilesrv", 871, WKS_TCP },
	{ "rsync", 873, WKS_TCP },
	{ "ftps-data", 989, WKS_TCP },
	{ "ftps", 990, WKS_TCP },
	{ "telnets", 992, WKS_TCP },
	{ "imaps", 993, WKS_TCP },
	{ "pop3s", 995, WKS_TCP },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define WKS_BITMAP_MAX 8192             /* ports 0..65535 */

/* Number (<= max) or a name from the table (case-insensitive), the
 * latter only for services of the protocols the table knows. */
static int wks_lookup(const struct ztoken *t, const struct wks_name *tab,
		      size_t n, uint8_t proto_mask, uint32_t max,
		      uint32_t *v)
{
	int ret = text_u32(t->s, t->len, max, v);

	if (ret != BN_ESYNTAX)
		return ret;
	for (size_t i = 0; i < n; i++) {
		if (strlen(tab[i].name) != t->len ||
		    strncasecmp(tab[i].name, t->s, t->len) != 0)
			continue;
		if (tab == wks_protocols || (tab[i].protos & proto_mask)) {
			*v = tab[i].number;
			return 0;
		}
	}
	return BN_EUNKNOWN;
}

static int wks_from_text(const struct ztoken *tok, size_t ntok,
			 const uint8_t *origin, struct wbuf *out,
			 const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	const struct ztoken *t = sp_next(&in);
	uint8_t addr[4], bitmap[WKS_BITMAP_MAX] = { 0 }, mask;
	size_t used = 0;
	uint32_t proto, port;
	char buf[32];
	int ret;

	if (!t)
		return BN_ESYNTAX;
	if (sp_cstr(t->s, t->len, buf, sizeof(buf)) < 0 ||
	    inet_pton(AF_INET, buf, addr) != 1)
		return sp_fail(&in, 0, BN_ESYNTAX, "bad IPv4 address");
	t = sp_next(&in);
	if (!t)
		return BN_ESYNTAX;
	ret = wks_lookup(t, wks_protocols, NELEM(wks_protocols), 0, 255,
			 &proto);
	if (ret < 0)
		return sp_fail(&in, 1, ret, ret == BN_ERANGE ? "out of range" :
			       "unknown protocol");
	/* Other protocols look the name up for any protocol, as BIND. */
	mask = proto == 6 ? WKS_TCP : proto == 17 ? WKS_UDP : WKS_TCP | WKS_UDP;
	while (in.i < in.ntok) {
		t = sp_next(&in);
		if (!t)
			return BN_ESYNTAX;
		ret = wks_lookup(t, wks_services, NELEM(wks_services), mask,
				 65535, &port);
		if (ret < 0)
			return sp_fail(&in, in.i - 1, ret, ret == BN_ERANGE ?
				       "out of range" : "unknown service");
		bitmap[port / 8] |= (uint8_t)(0x80 >> (port % 8));
		if (port / 8 + 1 > used)
			used = port / 8 + 1;
	}
	if (wbuf_bytes(out, addr, 4) < 0 || wbuf_u8(out, (uint8_t)proto) < 0 ||
	    wbuf_bytes(out, bitmap, used) < 0)
		return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
	return 0;
}

static int wks_check(const uint8_t *rd, size_t rdlen)
{
	if (rdlen < 5 || rdlen > 5 + WKS_BITMAP_MAX ||
	    (rdlen > 5 && rd[rdlen - 1] == 0))
		return BN_ERDATA;
	return 0;
}

static int wks_to_text(const uint8_t *rd, size_t rdlen, char *out,
		       size_t cap)
{
	struct sp_out o;

	if (wks_check(rd, rdlen) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	sp_addr_out(&o, AF_INET, rd);
	sp_printf(&o, " %u", rd[4]);
	for (size_t i = 5; i < rdlen; i++)
		for (unsigned b = 0; b < 8; b++)
			if (rd[i] & (0x80 >> b))
				sp_printf(&o, " %zu", (i - 5) * 8 + b);
	return sp_out_done(&o);
}

const struct rdata_special rdata_wks_special = {
	.type = RR_WKS,
	.from_text = wks_from_text,
	.to_text = wks_to_text,
	.check = wks_check,
};

/* NSAP: "0x" then hex digits, dots allowed anywhere between them. */
static int nsap_from_text(const struct ztoken *tok, size_t ntok,
			  const uint8_t *origin, struct wbuf *out,
			  const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	const struct ztoken *t = sp_next(&in);
	char pair[2];
	size_t n = 0, octets = 0;
	uint8_t b;

	if (!t)
		return BN_ESYNTAX;
	if (t->len < 2 || t->s[0] != '0' || (t->s[1] | 0x20) != 'x')
		return sp_fail(&in, 0, BN_ESYNTAX, "syntax error");
	for (size_t i = 2; i < t->len; i++) {
		if (t->s[i] == '.')
			continue;
		pair[n++] = t->s[i];
		if (n < 2)
			continue;
		n = 0;
		if (hex_decode(pair, 2, &b, 1) != 1)
			return sp_fail(&in, 0, BN_ESYNTAX, "bad hex encoding");
		if (wbuf_u8(out, b) < 0)
			return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
		octets++;
	}
	if (n || octets == 0)
		return sp_fail(&in, 0, BN_ESYNTAX, "unexpected end of input");
	return sp_end(&in);
}

static int nsap_check(const uint8_t *rd, size_t rdlen)
{
	(void)rd;
	return rdlen ? 0 : BN_ERDATA;
}

static int nsap_to_text(const uint8_t *rd, size_t rdlen, char *out,
			size_t cap)
{
	struct sp_out o;

	if (nsap_check(rd, rdlen) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	sp_puts(&o, "0x");
	for (size_t i = 0; i < rdlen; i++)
		sp_printf(&o, "%02x", rd[i]);
	return sp_out_done(&o);
}

const struct rdata_special rdata_nsap_special = {
	.type = RR_NSAP,
	.from_text = nsap_from_text,
	.to_text = nsap_to_text,
	.check = nsap_check,
};

/* Gateway/relay of IPSECKEY and AMTRELAY by type: 0 none ("."), 1 IPv4,
 * 2 IPv6, 3 domain name (never compressed). */
static int gateway_from_text(struct sp_in *in, uint8_t type,
			     struct wbuf *out)
{
	const struct ztoken *t;
	uint8_t addr[16];
	char buf[64];
	int af = type == 1 ? AF_INET : AF_INET6;

	if (type == 3)
		return sp_name(in, out, false);
	t = sp_next(in);
	if (!t)
		return BN_ESYNTAX;
	if (type == 0) {
		if (t->len != 1 || t->s[0] != '.')
			return sp_fail(in, in->i - 1, BN_ESYNTAX, "syntax error");
		return 0;
	}
	if (sp_cstr(t->s, t->len, buf, sizeof(buf)) < 0 ||
	    inet_pton(af, buf, addr) != 1)
		return sp_fail(in, in->i - 1, BN_ESYNTAX, type == 1 ?
			       "bad IPv4 address" : "bad IPv6 address");
	if (wbuf_bytes(out, addr, type == 1 ? 4 : 16) < 0)
		return sp_fail(in, in->i - 1, BN_ENOSPC, "RDATA too long");
	return 0;
}

/* Length of a type 0..3 gateway at p, or BN_ERDATA. */
static int gateway_len(uint8_t type, const uint8_t *p, size_t len)
{
	static const uint8_t fixed[3] = { 0, 4, 16 };
	int n;

	if (type < 3)
		return len >= fixed[type] ? fixed[type] : BN_ERDATA;
	n = name_check(p, len);
	return n < 0 ? BN_ERDATA : n;
}

static void gateway_out(struct sp_out *o, uint8_t type, const uint8_t *p)
{
	if (type == 0)
		sp_putc(o, '.');
	else if (type == 3)
		sp_name_out(o, p);
	else
		sp_addr_out(o, type == 1 ? AF_INET : AF_INET6, p);
}

/* Reads "a b c" numbers, each <= its max[]. */
static int nums(struct sp_in *in, const uint32_t *max, uint32_t *v, int n)
{
	for (int k = 0; k < n; k++) {
		int ret = sp_num(in, max[k], &v[k]);

		if (ret < 0)
			return ret;
	}
	return 0;
}

static int ipseckey_from_text(const struct ztoken *tok, size_t ntok,
			      const uint8_t *origin, struct wbuf *out,
			      const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	static const uint32_t max[3] = { 255, 3, 255 };
	uint32_t v[3];
	int ret = nums(&in, max, v, 3);

	if (ret < 0)
		return ret;
	for (int k = 0; k < 3; k++)
		if (wbuf_u8(out, (uint8_t)v[k]) < 0)
			return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
	ret = gateway_from_text(&in, (uint8_t)v[1], out);
	if (ret < 0)
		return ret;
	return sp_b64_rest(&in, out);
}

/* Offset of the public key, or BN_ERDATA. */
static int ipseckey_key_at(const uint8_t *rd, size_t rdlen)
{
	int n;

	if (rdlen < 3 || rd[1] > 3)
		return BN_ERDATA;
	n = gateway_len(rd[1], rd + 3, rdlen - 3);
	if (n < 0 || (size_t)n + 3 >= rdlen)
		return BN_ERDATA;
	return n + 3;
}

static int ipseckey_check(const uint8_t *rd, size_t rdlen)
{
	int at = ipseckey_key_at(rd, rdlen);

	return at < 0 ? at : 0;
}

static int ipseckey_to_text(const uint8_t *rd, size_t rdlen, char *out,
			    size_t cap)
{
	struct sp_out o;
	int at = ipseckey_key_at(rd, rdlen);

	if (at < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	sp_printf(&o, "%u %u %u ", rd[0], rd[1], rd[2]);
	gateway_out(&o, rd[1], rd + 3);
	sp_putc(&o, ' ');
	sp_b64_out(&o, rd + at, rdlen - (size_t)at);
	return sp_out_done(&o);
}

const struct rdata_special rdata_ipseckey_special = {
	.type = RR_IPSECKEY,
	.from_text = ipseckey_from_text,
	.to_text = ipseckey_to_text,
	.check = ipseckey_check,
};

/* AMTRELAY (RFC 8777): precedence, D bit, type, relay; BIND reads types
 * 0..3 only but keeps other types from the wire (printed as RFC 3597). */
static int amtrelay_from_text(const struct ztoken *tok, size_t ntok,
			      const uint8_t *origin, struct wbuf *out,
			      const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	static const uint32_t max[3] = { 255, 1, 127 };
	uint32_t v[3];
	int ret = nums(&in, max, v, 3);

	if (ret < 0)
		return ret;
	if (v[2] > 3)
		return sp_fail(&in, 2, BN_ESYNTAX, "unsupported relay type");
	if (wbuf_u8(out, (uint8_t)v[0]) < 0 ||
	    wbuf_u8(out, (uint8_t)(v[1] << 7 | v[2])) < 0)
		return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
	ret = gateway_from_text(&in, (uint8_t)v[2], out);
	if (ret < 0)
		return ret;
	return sp_end(&in);
}

static int amtrelay_check(const uint8_t *rd, size_t rdlen)
{
	uint8_t type;
	int n;

	if (rdlen < 2)
		return BN_ERDATA;
	type = rd[1] & 0x7f;
	if (type > 3)
		return 0;
	n = gateway_len(type, rd + 2, rdlen - 2);
	if (n < 0 || (size_t)n + 2 != rdlen)
		return BN_ERDATA;
	return 0;
}

static int amtrelay_to_text(const uint8_t *rd, size_t rdlen, char *out,
			    size_t cap)
{
	struct sp_out o;

	if (amtrelay_check(rd, rdlen) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	if ((rd[1] & 0x7f) > 3) {
		sp_generic_out(&o, rd, rdlen);
		return sp_out_done(&o);
	}
	sp_printf(&o, "%u %u %u ", rd[0], rd[1] >> 7, rd[1] & 0x7f);
	gateway_out(&o, rd[1] & 0x7f, rd + 2);
	return sp_out_done(&o);
}

const struct rdata_special rdata_amtrelay_special = {
	.type = RR_AMTRELAY,
	.from_text = amtrelay_from_text,
	.to_text = amtrelay_to_text,
	.check = amtrelay_check,
};

/* HIP (RFC 8005): text "alg HIT-hex PK-base64 [rvs...]", wire HIT
 * length, alg, PK length, HIT, PK, rendezvous names. */
static int hip_blob(struct sp_in *in, bool hex, uint8_t *dst, size_t cap)
{
	const struct ztoken *t = sp_next(in);
	int n;

	if (!t)
		return BN_ESYNTAX;
	n = hex ? hex_decode(t->s, t->len, dst, cap) :
		  base64_decode(t->s, t->len, dst, cap);
	if (n == BN_ENOSPC)
		return sp_fail(in, in->i - 1, BN_ERANGE, "out of range");
	if (n <= 0)
		return sp_fail(in, in->i - 1, BN_ESYNTAX, hex ?
			       "bad hex encoding" : "bad base64 encoding");
	return n;
}

static int hip_from_text(const struct ztoken *tok, size_t ntok,
			 const uint8_t *origin, struct wbuf *out,
			 const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	size_t start = out->len;
	uint32_t alg;
	int hit, pk;

	if (sp_num(&in, 255, &alg) < 0)
		return BN_ESYNTAX;
	if (wbuf_u32(out, 0) < 0)
		return sp_fail(&in, 0, BN_ENOSPC, "RDATA too long");
	hit = hip_blob(&in, true, out->data + out->len,
		       out->cap - out->len < 255 ? out->cap - out->len : 255);
	if (hit < 0)
		return hit;
	out->len += (size_t)hit;
	pk = hip_blob(&in, false, out->data + out->len, out->cap - out->len);
	if (pk < 0)
		return pk;
	out->len += (size_t)pk;
	if (pk > 65535)
		return sp_fail(&in, 2, BN_ERANGE, "out of range");
	out->data[start] = (uint8_t)hit;
	out->data[start + 1] = (uint8_t)alg;
	wbuf_put_u16_at(out, start + 2, (uint16_t)pk);
	while (in.i < in.ntok) {
		int ret = sp_name(&in, out, false);

		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Offset of the first rendezvous name, or BN_ERDATA. */
static int hip_names_at(const uint8_t *rd, size_t rdlen)
{
	size_t at;

	if (rdlen < 4 || rd[0] == 0 || wire_get_u16(rd + 2) == 0)
		return BN_ERDATA;
	at = 4 + (size_t)rd[0] + wire_get_u16(rd + 2);
	if (at > rdlen)
		return BN_ERDATA;
	for (size_t i = at; i < rdlen;) {
		int n = name_check(rd + i, rdlen - i);

		if (n < 0)
			return BN_ERDATA;
		i += (size_t)n;
	}
	return (int)at;
}

static int hip_check(const uint8_t *rd, size_t rdlen)
{
	int at = hip_names_at(rd, rdlen);

	return at < 0 ? at : 0;
}

static int hip_to_text(const uint8_t *rd, size_t rdlen, char *out,
		       size_t cap)
{
	struct sp_out o;
	int at = hip_names_at(rd, rdlen);

	if (at < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	sp_printf(&o, "%u ", rd[1]);
	sp_hex_out(&o, rd + 4, rd[0]);
	sp_putc(&o, ' ');
	sp_b64_out(&o, rd + 4 + rd[0], wire_get_u16(rd + 2));
	for (size_t i = (size_t)at; i < rdlen; i += name_length(rd + i)) {
		sp_putc(&o, ' ');
		sp_name_out(&o, rd + i);
	}
	return sp_out_done(&o);
}

const struct rdata_special rdata_hip_special = {
	.type = RR_HIP,
	.from_text = hip_from_text,
	.to_text = hip_to_text,
	.check = hip_check,
};

/* CAA (RFC 8659): flags, tag (letters and digits, printed bare), value
 * (one string, any length, printed quoted). */
static bool caa_tag_ok(const uint8_t *p, size_t len)
{
	if (len == 0 || len > 255)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') &&
		    !(p[i] >= '0' && p[i] <= '9'))
			return false;
	return true;
}

static int caa_from_text(const struct ztoken *tok, size_t ntok,
			 const uint8_t *origin, struct wbuf *out,
			 const char **errmsg, size_t *errtok)
{
	struct sp_in in = { tok, ntok, 0, origin, errmsg, errtok };
	const struct ztoken *t;
	uint32_t flags;
	int n;

	if (sp_num(&in, 255, &flags) < 0)
		return BN_ESYNTAX;
	t = sp_next_q(&in);
	if (!t)
		return BN_ESYNTAX;
	if (t->quoted || !caa_tag_ok((const uint8_t *)t->s, t->len))
		return sp_fail(&in, 1, BN_ESYNTAX, "bad CAA tag");
	if (wbuf_u8(out, (uint8_t)flags) < 0 ||
	    wbuf_u8(out, (uint8_t)t->len) < 0 ||
	    wbuf_bytes(out, t->s, t->len) < 0)
		return sp_fail(&in, 1, BN_ENOSPC, "RDATA too long");
	t = sp_next_q(&in);
	if (!t)
		return BN_ESYNTAX;
	n = text_unescape(t->s, t->len, out->data + out->len,
			  out->cap - out->len);
	if (n < 0)
		return sp_fail(&in, 2, n, n == BN_ENOSPC ? "RDATA too long" :
			       "bad escape");
	out->len += (size_t)n;
	return sp_end(&in);
}

static int caa_check(const uint8_t *rd, size_t rdlen)
{
	if (rdlen < 2 || rd[1] > rdlen - 2 || !caa_tag_ok(rd + 2, rd[1]))
		return BN_ERDATA;
	return 0;
}

static int caa_to_text(const uint8_t *rd, size_t rdlen, char *out,
		       size_t cap)
{
	struct sp_out o;

	if (caa_check(rd, rdlen) < 0)
		return BN_ERDATA;
	sp_out_init(&o, out, cap);
	sp_printf(&o, "%u %.*s ", rd[0], (int)rd[1], (const char *)rd + 2);
	sp_quote_out(&o, rd + 2 + rd[1], rdlen - 2 - rd[1]);
	return sp_out_done(&o);
}

const struct rdata_special rdata_caa_special = {
	.type = RR_CAA,
	.from_text = caa_from_text,
	.to_text = caa_to_text,
	.check = caa_check,
};
