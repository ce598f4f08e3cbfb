/* The configuration schema: every option once, with its flag, type,
 * range, default and doc. The shared engine (cfg.h) reads this for the
 * defaults, the YAML loader and the flag parser. */
#include <stddef.h>

#include "authd/config.h"
#include "authd/identity.h"
#include "net/udp_wait.h"

#define OPT(k, f, t, field, lo, hi, d, dc) \
	{ .key = k, .flag = f, .type = t, \
	  .offset = offsetof(struct config, field), .min = lo, .max = hi, \
	  .def = d, .doc = dc }

static const struct cfg_opt schema[] = {
	{ .key = "server.listen", .flag = "listen", .type = CFG_LISTEN,
	  .offset = offsetof(struct config, listen),
	  .n_offset = offsetof(struct config, nlisten), .flags = CFG_F_LIST,
	  .doc = "address to serve on (ADDR:PORT, [V6]:PORT), repeatable" },
	CFG_OPTS_PROCESS(struct config),
	OPT("server.udp-payload", "udp-payload", CFG_INT, udp_payload,
	    512, 4096, "1232", "EDNS UDP payload size of the server"),
	OPT("server.minimal-responses", "minimal-responses", CFG_BOOL,
	    minimal, 0, 1, "true", "no apex NS in the authority section "
	    "of positive answers"),
	OPT("server.tcp-idle-timeout", "tcp-idle-timeout", CFG_INT, tcp_idle,
	    1, 3600, "10", "seconds before an idle TCP connection closes"),
	OPT("server.tcp-max-connections", "tcp-max-connections", CFG_INT,
	    tcp_max, 1, 65536, "512", "TCP connections in total"),
	OPT("server.tcp-max-per-client", "tcp-max-per-client", CFG_INT,
	    tcp_per_client, 1, 65536, "16", "TCP connections per client"),
	OPT("server.udp-coalesce-usec", "udp-coalesce-usec", CFG_INT,
	    udp_coalesce, 0, 1000, CFG_STR(UDP_COALESCE_US), "microseconds a UDP worker waits "
	    "after a partial batch of 2 or more queries, to read the next "
	    "ones in one batch (0: never wait)"),
	OPT("server.zone-dir", "zone-dir", CFG_PATH, zone_dir, 0, 0,
	    "/var/lib/banchi", "folder of the zones' journals and the "
	    "secondary zones' copies, made and given to the server's user "
	    "at start"),
	{ .key = "server.zone-db", .flag = "zone-db", .type = CFG_HOOK,
	  .set = config_zonedb_flag,
	  .doc = "sqlite:PATH: serve every zone of this PowerDNS database "
		 "(NATIVE and MASTER zones of its domains table), following "
		 "its changes" },
	OPT("server.zone-db-cache", "zone-db-cache", CFG_BOOL, zone_db_cache,
	    0, 1, "true", "keep each database zone as a zone file in the "
	    "zone dir (NAME.dbcache), loaded at start instead of its rows "
	    "while the database has not changed"),
	OPT("server.catalog-produce", "catalog-produce", CFG_STR, catalog, 0,
	    0, NULL, "NAME: serve a catalog zone NAME (RFC 9432) listing "
	    "every zone served, for secondaries that consume catalogs"),
	OPT("server.journal-max-size", "journal-max-size", CFG_SIZE,
	    journal_max, 4096, 1L << 40, "100M", "size a zone's journal is "
	    "kept under, K/M/G (the oldest changes dropped)"),
	OPT("server.notify-lag-warn", "notify-lag-warn", CFG_INT, notify_lag,
	    1, 86400, "60", "seconds after a NOTIFY when a secondary that "
	    "has not transferred the new serial is logged"),
	CFG_OPT_METRICS(struct config),
	CFG_OPTS_IDENTITY(struct config),
	{ .key = "server.nsid", .flag = "nsid", .type = CFG_HOOK,
	  .set = config_nsid_flag,
	  .doc = "the NSID (RFC 5001) sent to queries that ask: TEXT, "
		 "0xHEX, identity (the identity's text), or none (the "
		 "default)" },
	OPT("server.control", "control", CFG_SOCKET, control, 0, 0, NULL,
	    "PATH of the control socket (banchi-ctl; default "
	    "/run/banchi/auth.ctl), or none"),
	OPT("log.level", "log-level", CFG_LEVEL, log_level, 0, 0, "info",
	    "error, warning, info or debug"),
	OPT("log.target", NULL, CFG_TARGET, log_syslog, 0, 0, "stderr",
	    "stderr or syslog"),
	CFG_OPTS_QLOG(struct config, qlog),
	/* Flags only: the zones are a YAML list of their own. */
	OPT(NULL, "syslog", CFG_BOOL, log_syslog, 0, 1, NULL,
	    "log to syslog instead of standard error"),
	{ .flag = "zone", .type = CFG_HOOK, .set = config_zone_flag,
	  .doc = "NAME=FILE: serve zone NAME from FILE, repeatable" },
	{ .flag = "allow-transfer", .type = CFG_HOOK,
	  .set = config_xfr_flag,
	  .doc = "ZONE=ACL: who may transfer ZONE (AXFR, IXFR): "
		 "comma-separated ADDR[/BITS] and key:NAME, repeatable" },
	{ .flag = "allow-update", .type = CFG_HOOK,
	  .set = config_update_flag,
	  .doc = "ZONE=ACL: who may update ZONE (RFC 2136): the same forms; "
		 "changes go to a journal in the zone dir, repeatable" },
	{ .flag = "secondary", .type = CFG_HOOK,
	  .set = config_secondary_flag,
	  .doc = "ZONE=ADDR[:PORT][,...][@KEY]: serve ZONE as a secondary "
		 "of these primaries (transfers signed with KEY), kept in "
		 "the zone dir, repeatable" },
	{ .flag = "catalog-consume", .type = CFG_HOOK,
	  .set = config_catalog_flag,
	  .doc = "CATALOG=ADDR[:PORT][,...][@KEY]: a secondary catalog zone "
		 "(RFC 9432) whose member zones are served as secondaries "
		 "of the same primaries, followed as the catalog changes, "
		 "repeatable" },
	{ .flag = "notify", .type = CFG_HOOK, .set = config_notify_flag,
	  .doc = "ZONE=ADDR[:PORT][@KEY],...: send NOTIFY for ZONE there "
		 "after each change (TSIG-signed with KEY), repeatable" },
	{ .flag = "notify-ns", .type = CFG_HOOK,
	  .set = config_notify_ns_flag,
	  .doc = "ZONE[@KEY]: send NOTIFY for ZONE also to the addresses of "
		 "its NS names (found in the zones served, never resolved), "
		 "but the SOA MNAME's and our own, repeatable" },
	{ .flag = "key", .type = CFG_HOOK, .set = config_key_flag,
	  .doc = "[ALG:]NAME:SECRET: a TSIG key, repeatable" },
	{ .flag = "key-file", .type = CFG_HOOK, .set = config_keyfile_flag,
	  .doc = "FILE: TSIG keys from FILE (tsig-keygen, keymgr -t), "
		 "repeatable" },
};

static const char *const sections[] = { "server", "log", NULL };

const struct cfg_schema config_cfg = {
	.opt = schema,
	.nopt = sizeof(schema) / sizeof(schema[0]),
	.sections = sections,
	.root_expect = "expected a mapping of sections (server, log, zones, "
		       "keys)",
	.listen_bad = "bad listen address",
	.listen_forms = "(ADDR:PORT or [IPV6]:PORT)",
	.path_off = offsetof(struct config, path),
	.basedir_off = offsetof(struct config, basedir),
	.top = config_yaml_top,
};
