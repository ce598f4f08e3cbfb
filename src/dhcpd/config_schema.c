/* banchi-dhcp's configuration schema: every option once, with its YAML
 * key, flag, type, range, default and doc (cfg.h). */
#include <stddef.h>

#include "dhcpd/config.h"

#define OPT(k, f, t, field, lo, hi, d, dc) \
	{ .key = k, .flag = f, .type = t, \
	  .offset = offsetof(struct dconfig, field), .min = lo, .max = hi, \
	  .def = d, .doc = dc }
#define LIST(k, f, field, dc) \
	{ .key = k, .flag = f, .type = CFG_HOOK, .set = dconfig_set_list, \
	  .flags = CFG_F_LIST, .offset = offsetof(struct dconfig, field), \
	  .doc = dc }
#define DAY 86400L

static const struct cfg_opt schema[] = {
	LIST("dhcp.interface", "interface", interfaces,
	     "an interface served: IF (with --subnet, --range), or "
	     "IF=CIDR,FIRST-LAST[,ROUTER]"),
	OPT("dhcp.subnet", "subnet", CFG_STR, subnet, 0, 0, NULL,
	    "the clients' subnet, ADDR/BITS"),
	OPT("dhcp.range", "range", CFG_STR, range, 0, 0, NULL,
	    "addresses given, FIRST-LAST"),
	OPT("dhcp.server-id", "server-id", CFG_STR, server_id, 0, 0, NULL,
	    "server identifier (default: the interface's address)"),
	LIST("dhcp.router", "router", routers, "router (option 3)"),
	LIST("dhcp.dns", "dns", dns, "DNS server (option 6)"),
	LIST("dhcp.ntp", "ntp", ntp, "NTP server (option 42)"),
	OPT("dhcp.domain", "domain", CFG_STR, domain, 0, 0, NULL,
	    "domain name (option 15)"),
	LIST("dhcp.search", "search", search, "search domain (option 119)"),
	LIST("dhcp.route", "route", routes,
	     "classless route CIDR=ROUTER (option 121)"),
	OPT("dhcp.mtu", "mtu", CFG_INT, mtu, 0, 65535, "0",
	    "interface MTU (option 26; 0: not sent)"),
	OPT("dhcp.lease-time", "lease-time", CFG_INT, lease_time, 10,
	    365 * DAY, "3600", "lease time, seconds"),
	OPT("dhcp.decline-time", "decline-time", CFG_INT, decline_time, 1,
	    DAY, "600", "seconds a declined address stays unused"),
	OPT("dhcp.offer-hold", "offer-hold", CFG_INT, offer_hold, 1, 3600,
	    "60", "seconds an offered address waits for the REQUEST"),
	OPT("dhcp.client-rate", "client-rate", CFG_INT, client_rate, 0,
	    100000, "2", "requests a second per client (0: no limit)"),
	OPT("dhcp.client-burst", "client-burst", CFG_INT, client_burst, 1,
	    100000, "10", "requests at once per client"),
	OPT("dhcp.new-rate", "new-rate", CFG_INT, new_rate, 0, 100000, "5",
	    "new addresses a second once 90% of the range is in use "
	    "(0: no cap)"),
	LIST("dhcp.static", "static", statics,
	     "static lease MAC=ADDR[,NAME] or id:HEX=ADDR[,NAME]"),
	LIST("dhcp.boot", "boot", boot,
	     "network boot file [ipxe:][ARCH=]FILE (PXE, UEFI, HTTP boot "
	     "URL; ipxe: for iPXE clients)"),
	OPT("dhcp.boot-server", "boot-server", CFG_STR, boot_server, 0, 0,
	    NULL, "boot server, siaddr (default: the server identifier)"),
	OPT("dhcp.boot-server-name", "boot-server-name", CFG_STR,
	    boot_server_name, 0, 0, NULL, "boot server name (option 66)"),
	OPT("dhcp.lease-db", "lease-db", CFG_PATH, lease_db, 0, 0, NULL,
	    "SQLite file of the leases"),
	OPT("ddns.server", "ddns", CFG_STR, ddns, 0, 0, NULL,
	    "DNS server taking the updates, ADDR[:PORT]"),
	OPT("ddns.key", "key", CFG_STR, key, 0, 0, NULL,
	    "TSIG key of the updates, [ALG:]NAME:SECRET"),
	OPT("ddns.forward-zone", "forward-zone", CFG_STR, fzone, 0, 0, NULL,
	    "zone of the leases' names (A, DHCID)"),
	LIST("ddns.reverse-zone", "reverse-zone", rzones,
	     "zone of the leases' PTR records (repeatable: one per subnet; "
	     "the PTR goes to the one that holds it)"),
	OPT("ddns.ttl", "ddns-ttl", CFG_INT, ddns_ttl, 0, 86400, "300",
	    "TTL of the records registered"),
	OPT("ddns.grace", "ddns-grace", CFG_INT, ddns_grace, 0, 604800, "300",
	    "seconds the names of an expired lease stay in DNS (a late "
	    "renewal keeps them; 0: removed at expiry)"),
	OPT("ddns.sweep", "ddns-sweep", CFG_BOOL, ddns_sweep, 0, 1, "true",
	    "at start, remove the names marked by a DHCID that no lease "
	    "holds, at addresses of ours no lease holds (a zone transfer)"),
	OPT("server.user", "user", CFG_STR, user, 0, 0, NULL,
	    "user to run as (default banchi, else nobody)"),
	OPT("server.group", "group", CFG_STR, group, 0, 0, NULL,
	    "group to run as (default: the user's group)"),
	OPT("server.chroot", "chroot", CFG_STR, chroot, 0, 0, NULL,
	    "directory to chroot into after binding"),
	OPT("server.allow-root", "allow-root", CFG_BOOL, allow_root, 0, 1,
	    "false", "keep running as root"),
	OPT("server.sandbox", "sandbox", CFG_BOOL, sandbox, 0, 1, "true",
	    "the seccomp filter once serving (doc/sandbox.md)"),
	OPT("server.landlock", "landlock", CFG_BOOL, landlock, 0, 1, "true",
	    "files opened only where the config points (doc/sandbox.md)"),
	OPT("server.control", "control", CFG_SOCKET, control, 0, 0, NULL,
	    "PATH of the control socket (banchi-ctl; default "
	    "/run/banchi/dhcp.ctl), or none"),
	CFG_OPT_METRICS(struct dconfig),
	OPT("log.level", "log-level", CFG_LEVEL, log_level, 0, 0, "info",
	    "error, warning, info or debug"),
	OPT("log.syslog", "syslog", CFG_BOOL, log_syslog, 0, 1, "false",
	    "log to syslog instead of standard error"),
};

static const char *const sections[] = { "dhcp", "ddns", "server", "log",
					NULL };

const struct cfg_schema dconfig_cfg = {
	.opt = schema,
	.nopt = sizeof(schema) / sizeof(schema[0]),
	.sections = sections,
	.root_expect = "expected a mapping of sections (dhcp, ddns, server, "
		       "log)",
	.listen_bad = "bad address",
	.listen_forms = "(ADDR)",
	.path_off = offsetof(struct dconfig, path),
	.basedir_off = offsetof(struct dconfig, basedir),
	.flags = CFG_S_STRICT_EMPTY | CFG_S_NO_FLAGS,
};
