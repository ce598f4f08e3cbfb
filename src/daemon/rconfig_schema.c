/* banchi-resolver's configuration schema: every option once, with its
 * YAML key, flag, type, range, default and doc. The YAML loader, the
 * flag parser and the defaults all read this table. */
#include <stddef.h>

#include "daemon/rconfig.h"

#define OPT(k, f, t, field, lo, hi, d, doc) \
	{ k, f, t, offsetof(struct rconfig, field), lo, hi, d, doc }
#define DAY 86400L

const struct rcfg_opt rconfig_schema[] = {
	OPT("server.listen", "listen", RCFG_LISTEN, listen, 0, 0, NULL,
	    "address to serve on (ADDR[:PORT], [V6]:PORT), repeatable; "
	    "default 127.0.0.1:53 and [::1]:53"),
	OPT("server.threads", "threads", RCFG_INT, threads, 1, 256, NULL,
	    "worker threads (default: number of cores)"),
	OPT("server.user", "user", RCFG_STR, user, 0, 0, NULL,
	    "user to run as (default banchi, else nobody)"),
	OPT("server.group", "group", RCFG_STR, group, 0, 0, NULL,
	    "group to run as (default: the user's group)"),
	OPT("server.chroot", "chroot", RCFG_STR, chroot, 0, 0, NULL,
	    "directory to chroot into after binding"),
	OPT("server.allow-root", "allow-root", RCFG_BOOL, allow_root, 0, 1,
	    "false", "keep running as root"),
	OPT("server.udp-payload", "udp-payload", RCFG_INT, udp_payload,
	    512, 4096, "1232", "EDNS UDP payload size towards clients"),
	OPT("server.tcp-idle-timeout", "tcp-idle-timeout", RCFG_INT,
	    tcp_idle, 1, 3600, "10",
	    "seconds before an idle client TCP connection closes"),
	OPT("server.tcp-max-connections", "tcp-max-connections", RCFG_INT,
	    tcp_max, 1, 65536, "1000", "client TCP connections in total"),
	OPT("server.tcp-max-per-client", "tcp-max-per-client", RCFG_INT,
	    tcp_per_client, 1, 65536, "20", "TCP connections per client"),
	OPT("server.max-pending", "max-pending", RCFG_INT, max_pending, 1,
	    1000000, "1024", "client queries being resolved, per thread"),
	OPT("resolver.root-hints", "root-hints", RCFG_PATH, root_hints, 0, 0,
	    NULL, "root hints file (default: built-in IANA hints)"),
	OPT("resolver.qname-minimisation", "qname-minimisation", RCFG_BOOL,
	    qname_min, 0, 1, "true", "RFC 9156 QNAME minimisation (relaxed)"),
	OPT("resolver.case-randomisation", "case-randomisation", RCFG_BOOL,
	    use_0x20, 0, 1, "false", "random letter case in upstream "
	    "questions (0x20)"),
	OPT("resolver.edns-payload", "edns-payload", RCFG_INT, edns_payload,
	    512, 4096, "1232", "EDNS UDP payload size advertised upstream"),
	OPT("resolver.max-upstream", "max-upstream", RCFG_INT, max_upstream,
	    1, 1000, "64", "upstream queries per client query"),
	OPT("resolver.max-depth", "max-depth", RCFG_INT, max_depth, 1, 32,
	    "5", "nested lookups (glueless name servers)"),
	OPT("resolver.max-cname", "max-cname", RCFG_INT, max_cname, 0, 64,
	    "12", "CNAME and DNAME links followed"),
	OPT("resolver.max-time", "max-time", RCFG_INT, max_time, 100, 120000,
	    "10000", "milliseconds spent on one client query"),
	OPT("access.allow", "allow", RCFG_ALLOW, allow, 0, 0, NULL,
	    "CIDR given recursion (repeatable)"),
	OPT("access.open-resolver", "open-resolver", RCFG_BOOL, open_resolver,
	    0, 1, "false", "serve every client (logged as a warning)"),
	OPT("cache.size", "cache-size", RCFG_SIZE, cache_size, 65536,
	    1L << 40, "64M", "cache memory bound (K, M, G suffixes)"),
	OPT("cache.min-ttl", "min-ttl", RCFG_INT, min_ttl, 0, DAY, "0",
	    "positive TTLs raised to at least this"),
	OPT("cache.max-ttl", "max-ttl", RCFG_INT, max_ttl, 1, 7 * DAY,
	    "86400", "TTLs capped at this"),
	OPT("cache.negative-max-ttl", "negative-max-ttl", RCFG_INT,
	    neg_max_ttl, 1, 7 * DAY, "3600", "NXDOMAIN/NODATA TTLs capped "
	    "at this"),
	OPT("cache.serve-stale", "serve-stale", RCFG_INT, serve_stale, 0,
	    7 * DAY, "86400", "seconds past expiry an entry may be served "
	    "when upstream fails (0: off)"),
	OPT("cache.prefetch", "prefetch", RCFG_BOOL, prefetch, 0, 1, "true",
	    "refresh popular entries shortly before expiry"),
	OPT("forward", "forward", RCFG_FWD, fwd, 0, 0, NULL,
	    "ZONE=ADDR[:PORT][,ADDR...]: forward queries under ZONE"),
	OPT("stub", "stub", RCFG_FWD, fwd, 1, 1, NULL,
	    "ZONE=ADDR[:PORT][,ADDR...]: iterate ZONE from these servers"),
	OPT("local.hosts", "hosts", RCFG_PATH, hosts, 0, 0, NULL,
	    "/etc/hosts-format file answered locally"),
	OPT("local.data", "local-data", RCFG_RR, local_data, 0, 0, NULL,
	    "a record answered locally, \"OWNER [TTL] [IN] TYPE RDATA\""),
	OPT("local.blocklist", "blocklist", RCFG_PATH, blocklist, 0, 0, NULL,
	    "file of blocked domains (and their subdomains)"),
	OPT("local.block-answer", "block-answer", RCFG_BLOCK, block_has4, 0,
	    0, "nxdomain", "nxdomain, or an IPv4 and/or IPv6 address"),
	OPT("local.allow-special", "allow-special", RCFG_ZONE, allow_special,
	    0, 0, NULL, "special-use zone resolved normally (repeatable)"),
	OPT("log.level", "log-level", RCFG_LEVEL, log_level, 0, 0, "info",
	    "error, warning, info or debug"),
	OPT("log.syslog", "syslog", RCFG_BOOL, log_syslog, 0, 1, "false",
	    "log to syslog instead of standard error"),
};

const size_t rconfig_schema_len =
	sizeof(rconfig_schema) / sizeof(rconfig_schema[0]);
