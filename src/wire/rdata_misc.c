/* RDATA of the smaller special types, read and printed like BIND 9.18:
 * WKS (11), NSAP (22), IPSECKEY (45), HIP (55), CAA (257), AMTRELAY
 * (260). WKS names come from built-in tables (the names of Debian's
 * /etc/protocols and /etc/services, which BIND 9.18 consults there) so
 * results do not depend on the host. */
#include <arpa/inet.h>
#include <strings.h>
#include <string.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/name.h"
#include "wire/rdata_special_int.h"
#include "wire/rrtype.h"
#include "wire/text.h"

enum { WKS_TCP = 1, WKS_UDP = 2, WKS_OTHER = 4 };

struct wks_name {
	const char *name;
	uint16_t number;
	uint8_t protos;                 /* WKS_TCP/UDP/OTHER, services only */
};

static const struct wks_name wks_protocols[] = {
	{ "ip", 0, 0 }, { "hopopt", 0, 0 }, { "icmp", 1, 0 }, { "igmp", 2, 0 },
	{ "ggp", 3, 0 }, { "ipencap", 4, 0 }, { "ip-encap", 4, 0 }, { "st", 5, 0 },
	{ "tcp", 6, 0 }, { "egp", 8, 0 }, { "igp", 9, 0 }, { "pup", 12, 0 },
	{ "udp", 17, 0 }, { "hmp", 20, 0 }, { "xns-idp", 22, 0 }, { "rdp", 27, 0 },
	{ "iso-tp4", 29, 0 }, { "dccp", 33, 0 }, { "xtp", 36, 0 }, { "ddp", 37, 0 },
	{ "idpr-cmtp", 38, 0 }, { "ipv6", 41, 0 }, { "ipv6-route", 43, 0 },
	{ "ipv6-frag", 44, 0 }, { "idrp", 45, 0 }, { "rsvp", 46, 0 },
	{ "gre", 47, 0 }, { "esp", 50, 0 }, { "ipsec-esp", 50, 0 }, { "ah", 51, 0 },
	{ "ipsec-ah", 51, 0 }, { "skip", 57, 0 }, { "ipv6-icmp", 58, 0 },
	{ "ipv6-nonxt", 59, 0 }, { "ipv6-opts", 60, 0 }, { "rspf", 73, 0 },
	{ "cphb", 73, 0 }, { "vmtp", 81, 0 }, { "eigrp", 88, 0 }, { "ospf", 89, 0 },
	{ "ospfigp", 89, 0 }, { "ax.25", 93, 0 }, { "ipip", 94, 0 },
	{ "etherip", 97, 0 }, { "encap", 98, 0 }, { "pim", 103, 0 },
	{ "ipcomp", 108, 0 }, { "vrrp", 112, 0 }, { "l2tp", 115, 0 },
	{ "isis", 124, 0 }, { "sctp", 132, 0 }, { "fc", 133, 0 },
	{ "mobility-header", 135, 0 }, { "udplite", 136, 0 },
	{ "mpls-in-ip", 137, 0 }, { "manet", 138, 0 }, { "hip", 139, 0 },
	{ "shim6", 140, 0 }, { "wesp", 141, 0 }, { "rohc", 142, 0 },
	{ "ethernet", 143, 0 }, { "mptcp", 262, 0 },
};

/* In /etc/services order: a name takes its first entry for the protocol,
 * as getservbyname() does. */
static const struct wks_name wks_services[] = {
#define T WKS_TCP
#define U WKS_UDP
#define TU (WKS_TCP | WKS_UDP)
#define O WKS_OTHER
	{ "tcpmux", 1, T }, { "echo", 7, TU }, { "discard", 9, TU },
	{ "sink", 9, TU }, { "null", 9, TU }, { "systat", 11, T },
	{ "users", 11, T }, { "daytime", 13, TU }, { "netstat", 15, T },
	{ "qotd", 17, T }, { "quote", 17, T }, { "chargen", 19, TU },
	{ "ttytst", 19, TU }, { "source", 19, TU }, { "ftp-data", 20, T },
	{ "ftp", 21, T }, { "fsp", 21, U }, { "fspd", 21, U }, { "ssh", 22, T },
	{ "telnet", 23, T }, { "smtp", 25, T }, { "mail", 25, T },
	{ "time", 37, TU }, { "timserver", 37, TU }, { "whois", 43, T },
	{ "nicname", 43, T }, { "tacacs", 49, TU }, { "domain", 53, TU },
	{ "bootps", 67, U }, { "bootpc", 68, U }, { "tftp", 69, U },
	{ "gopher", 70, T }, { "finger", 79, T }, { "http", 80, T },
	{ "www", 80, T }, { "kerberos", 88, TU }, { "kerberos5", 88, TU },
	{ "krb5", 88, TU }, { "kerberos-sec", 88, TU }, { "iso-tsap", 102, T },
	{ "tsap", 102, T }, { "acr-nema", 104, T }, { "dicom", 104, T },
	{ "pop3", 110, T }, { "pop-3", 110, T }, { "sunrpc", 111, TU },
	{ "portmapper", 111, TU }, { "auth", 113, T }, { "authentication", 113, T },
	{ "tap", 113, T }, { "ident", 113, T }, { "nntp", 119, T },
	{ "readnews", 119, T }, { "untp", 119, T }, { "ntp", 123, U },
	{ "epmap", 135, T }, { "loc-srv", 135, T }, { "netbios-ns", 137, U },
	{ "netbios-dgm", 138, U }, { "netbios-ssn", 139, T }, { "imap2", 143, T },
	{ "imap", 143, T }, { "snmp", 161, TU }, { "snmp-trap", 162, TU },
	{ "snmptrap", 162, TU }, { "cmip-man", 163, TU }, { "cmip-agent", 164, TU },
	{ "mailq", 174, T }, { "xdmcp", 177, U }, { "bgp", 179, T },
	{ "smux", 199, T }, { "qmtp", 209, T }, { "z3950", 210, T },
	{ "wais", 210, T }, { "ipx", 213, U }, { "ptp-event", 319, U },
	{ "ptp-general", 320, U }, { "pawserv", 345, T }, { "zserv", 346, T },
	{ "rpc2portmap", 369, TU }, { "codaauth2", 370, TU },
	{ "clearcase", 371, U }, { "ldap", 389, TU }, { "svrloc", 427, TU },
	{ "https", 443, TU }, { "snpp", 444, T }, { "microsoft-ds", 445, T },
	{ "kpasswd", 464, TU }, { "submissions", 465, T }, { "ssmtp", 465, T },
	{ "smtps", 465, T }, { "urd", 465, T }, { "saft", 487, T },
	{ "isakmp", 500, U }, { "rtsp", 554, TU }, { "nqs", 607, T },
	{ "asf-rmcp", 623, U }, { "qmqp", 628, T }, { "ipp", 631, T },
	{ "ldp", 646, TU }, { "exec", 512, T }, { "biff", 512, U },
	{ "comsat", 512, U }, { "login", 513, T }, { "who", 513, U },
	{ "whod", 513, U }, { "shell", 514, T }, { "cmd", 514, T },
	{ "syslog", 514, TU }, { "printer", 515, T }, { "spooler", 515, T },
	{ "talk", 517, U }, { "ntalk", 518, U }, { "route", 520, U },
	{ "router", 520, U }, { "routed", 520, U }, { "gdomap", 538, TU },
	{ "uucp", 540, T }, { "uucpd", 540, T }, { "klogin", 543, T },
	{ "kshell", 544, T }, { "krcmd", 544, T }, { "dhcpv6-client", 546, U },
	{ "dhcpv6-server", 547, U }, { "afpovertcp", 548, T }, { "nntps", 563, T },
	{ "snntp", 563, T }, { "submission", 587, T }, { "ldaps", 636, TU },
	{ "tinc", 655, TU }, { "silc", 706, T }, { "kerberos-adm", 749, T },
	{ "domain-s", 853, TU }, { "rsync", 873, T }, { "ftps-data", 989, T },
	{ "ftps", 990, T }, { "telnets", 992, T }, { "imaps", 993, T },
	{ "pop3s", 995, T }, { "socks", 1080, T }, { "proofd", 1093, T },
	{ "rootd", 1094, T }, { "openvpn", 1194, TU }, { "rmiregistry", 1099, T },
	{ "lotusnote", 1352, T }, { "lotusnotes", 1352, T },
	{ "ms-sql-s", 1433, T }, { "ms-sql-m", 1434, U }, { "ingreslock", 1524, T },
	{ "datametrics", 1645, TU }, { "old-radius", 1645, TU },
	{ "sa-msg-port", 1646, TU }, { "old-radacct", 1646, TU },
	{ "kermit", 1649, T }, { "groupwise", 1677, T }, { "l2f", 1701, U },
	{ "l2tp", 1701, U }, { "radius", 1812, TU }, { "radius-acct", 1813, TU },
	{ "radacct", 1813, TU }, { "cisco-sccp", 2000, T }, { "nfs", 2049, TU },
	{ "gnunet", 2086, TU }, { "rtcm-sc104", 2101, TU },
	{ "gsigatekeeper", 2119, T }, { "gris", 2135, T },
	{ "cvspserver", 2401, T }, { "venus", 2430, TU }, { "venus-se", 2431, TU },
	{ "codasrv", 2432, TU }, { "codasrv-se", 2433, TU }, { "mon", 2583, TU },
	{ "dict", 2628, T }, { "f5-globalsite", 2792, T }, { "gsiftp", 2811, T },
	{ "gpsd", 2947, T }, { "gds-db", 3050, T }, { "gds_db", 3050, T },
	{ "icpv2", 3130, U }, { "icp", 3130, U }, { "isns", 3205, TU },
	{ "iscsi-target", 3260, T }, { "mysql", 3306, T },
	{ "ms-wbt-server", 3389, T }, { "nut", 3493, TU }, { "distcc", 3632, T },
	{ "daap", 3689, T }, { "svn", 3690, T }, { "subversion", 3690, T },
	{ "suucp", 4031, T }, { "sysrqd", 4094, T }, { "sieve", 4190, T },
	{ "epmd", 4369, T }, { "remctl", 4373, T }, { "f5-iquery", 4353, T },
	{ "ntske", 4460, T }, { "ipsec-nat-t", 4500, U }, { "iax", 4569, U },
	{ "mtn", 4691, T }, { "radmin-port", 4899, T }, { "sip", 5060, TU },
	{ "sip-tls", 5061, TU }, { "xmpp-client", 5222, T },
	{ "jabber-client", 5222, T }, { "xmpp-server", 5269, T },
	{ "jabber-server", 5269, T }, { "cfengine", 5308, T }, { "mdns", 5353, U },
	{ "postgresql", 5432, T }, { "postgres", 5432, T }, { "freeciv", 5556, T },
	{ "rptp", 5556, T }, { "amqps", 5671, T }, { "amqp", 5672, T | O },
	{ "x11", 6000, T }, { "x11-0", 6000, T }, { "x11-1", 6001, T },
	{ "x11-2", 6002, T }, { "x11-3", 6003, T }, { "x11-4", 6004, T },
	{ "x11-5", 6005, T }, { "x11-6", 6006, T }, { "x11-7", 6007, T },
	{ "gnutella-svc", 6346, TU }, { "gnutella-rtr", 6347, TU },
	{ "redis", 6379, T }, { "sge-qmaster", 6444, T },
	{ "sge_qmaster", 6444, T }, { "sge-execd", 6445, T },
	{ "sge_execd", 6445, T }, { "mysql-proxy", 6446, T }, { "babel", 6696, U },
	{ "ircs-u", 6697, T }, { "bbs", 7000, T }, { "afs3-fileserver", 7000, U },
	{ "afs3-callback", 7001, U }, { "afs3-prserver", 7002, U },
	{ "afs3-vlserver", 7003, U }, { "afs3-kaserver", 7004, U },
	{ "afs3-volser", 7005, U }, { "afs3-bos", 7007, U },
	{ "afs3-update", 7008, U }, { "afs3-rmtsys", 7009, U },
	{ "font-service", 7100, T }, { "xfs", 7100, T }, { "http-alt", 8080, T },
	{ "webcache", 8080, T }, { "puppet", 8140, T }, { "bacula-dir", 9101, T },
	{ "bacula-fd", 9102, T }, { "bacula-sd", 9103, T }, { "xmms2", 9667, T },
	{ "nbd", 10809, T }, { "zabbix-agent", 10050, T },
	{ "zabbix-trapper", 10051, T }, { "amanda", 10080, T },
	{ "dicom", 11112, T }, { "hkp", 11371, T }, { "db-lsp", 17500, T },
	{ "dcap", 22125, T }, { "gsidcap", 22128, T }, { "wnn6", 22273, T },
	{ "rtmp", 1, O }, { "nbp", 2, O }, { "echo", 4, O }, { "zip", 6, O },
	{ "kerberos4", 750, TU }, { "kerberos-iv", 750, TU }, { "kdc", 750, TU },
	{ "kerberos-master", 751, TU }, { "kerberos_master", 751, U },
	{ "passwd-server", 752, U }, { "passwd_server", 752, U },
	{ "krb-prop", 754, T }, { "krb_prop", 754, T }, { "krb5_prop", 754, T },
	{ "hprop", 754, T }, { "zephyr-srv", 2102, U }, { "zephyr-clt", 2103, U },
	{ "zephyr-hm", 2104, U }, { "iprop", 2121, T }, { "supfilesrv", 871, T },
	{ "supfiledbg", 1127, T }, { "poppassd", 106, T }, { "moira-db", 775, T },
	{ "moira_db", 775, T }, { "moira-update", 777, T },
	{ "moira_update", 777, T }, { "moira-ureg", 779, U },
	{ "moira_ureg", 779, U }, { "spamd", 783, T }, { "skkserv", 1178, T },
	{ "predict", 1210, U }, { "rmtcfg", 1236, T }, { "xtel", 1313, T },
	{ "xtelw", 1314, T }, { "zebrasrv", 2600, T }, { "zebra", 2601, T },
	{ "ripd", 2602, T }, { "ripngd", 2603, T }, { "ospfd", 2604, T },
	{ "bgpd", 2605, T }, { "ospf6d", 2606, T }, { "ospfapi", 2607, T },
	{ "isisd", 2608, T }, { "fax", 4557, T }, { "hylafax", 4559, T },
	{ "munin", 4949, T }, { "lrrd", 4949, T }, { "rplay", 5555, U },
	{ "nrpe", 5666, T }, { "nsca", 5667, T }, { "canna", 5680, T },
	{ "syslog-tls", 6514, T }, { "sane-port", 6566, T }, { "sane", 6566, T },
	{ "saned", 6566, T }, { "ircd", 6667, T }, { "zope-ftp", 8021, T },
	{ "tproxy", 8081, T }, { "omniorb", 8088, T },
	{ "clc-build-daemon", 8990, T }, { "xinetd", 9098, T }, { "git", 9418, T },
	{ "zope", 9673, T }, { "webmin", 10000, T }, { "kamanda", 10081, T },
	{ "amandaidx", 10082, T }, { "amidxtape", 10083, T },
	{ "sgi-cmsd", 17001, U }, { "sgi-crsd", 17002, U }, { "sgi-gcd", 17003, U },
	{ "sgi-cad", 17004, T }, { "binkp", 24554, T }, { "asp", 27374, TU },
	{ "csync2", 30865, T }, { "dircproxy", 57000, T }, { "tfido", 60177, T },
	{ "fido", 60179, T },
#undef T
#undef U
#undef TU
#undef O
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define WKS_BITMAP_MAX 8192             /* ports 0..65535 */

/* Number (<= max) or a name from the table, case-insensitive; a service
 * name counts only if listed for one of the protocols in proto_mask. */
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
			return *v <= max ? 0 : BN_ERANGE;
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
	mask = proto == 6 ? WKS_TCP : proto == 17 ? WKS_UDP : 0xff;
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
static int hip_blob(struct sp_in *in, bool hex, struct wbuf *out,
		    size_t max)
{
	const struct ztoken *t = sp_next(in);
	size_t start = out->len;
	struct sp_b64 st;
	int n;

	if (!t)
		return BN_ESYNTAX;
	if (hex) {
		n = hex_decode(t->s, t->len, out->data + out->len,
			       out->cap - out->len < max ? out->cap - out->len :
							   max);
		if (n > 0)
			out->len += (size_t)n;
	} else {
		sp_b64_init(&st);
		n = sp_b64_feed(&st, t->s, t->len, out);
		if (n == 0)
			n = sp_b64_end(&st);
	}
	if (n == BN_ENOSPC || out->len - start > max)
		return sp_fail(in, in->i - 1, BN_ERANGE, "out of range");
	if (n < 0 || out->len == start)
		return sp_fail(in, in->i - 1, BN_ESYNTAX, hex ?
			       "bad hex encoding" : "bad base64 encoding");
	return (int)(out->len - start);
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
	hit = hip_blob(&in, true, out, 255);
	if (hit < 0)
		return hit;
	pk = hip_blob(&in, false, out, 65535);
	if (pk < 0)
		return pk;
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
