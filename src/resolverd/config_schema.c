/* banchi-resolver's configuration schema: every option once, with its
 * YAML key, flag, type, range, default and doc. The shared engine
 * (cfg.h) reads this table for the defaults, the YAML loader and the
 * flag parser. */
#include <limits.h>
#include <stddef.h>

#include "resolverd/config.h"
#include "net/udp_wait.h"

#define OPT(k, f, t, field, lo, hi, d, dc) \
	{ .key = k, .flag = f, .type = t, \
	  .offset = offsetof(struct rconfig, field), .min = lo, .max = hi, \
	  .def = d, .doc = dc }
/* An option of the resolver's own: its setter, and CFG_F_* flags. */
#define HOOK(k, f, fn, fl, field, lo, d, dc) \
	{ .key = k, .flag = f, .type = CFG_HOOK, .set = rconfig_set_##fn, \
	  .flags = fl, .offset = offsetof(struct rconfig, field), \
	  .min = lo, .max = lo, .def = d, .doc = dc }
#define DAY 86400L

static const struct cfg_opt schema[] = {
	{ .key = "server.listen", .flag = "listen", .type = CFG_LISTEN,
	  .offset = offsetof(struct rconfig, listen),
	  .n_offset = offsetof(struct rconfig, nlisten), .flags = CFG_F_LIST,
	  .doc = "address to serve on (ADDR[:PORT], [V6]:PORT), repeatable; "
		 "default 127.0.0.1:53 and [::1]:53" },
	CFG_OPTS_PROCESS(struct rconfig),
	OPT("server.udp-payload", "udp-payload", CFG_INT, udp_payload,
	    512, 4096, "1232", "EDNS UDP payload size towards clients"),
	OPT("server.tcp-idle-timeout", "tcp-idle-timeout", CFG_INT,
	    tcp_idle, 1, 3600, "10",
	    "seconds before an idle client TCP connection closes"),
	OPT("server.tcp-max-connections", "tcp-max-connections", CFG_INT,
	    tcp_max, 1, 65536, "1000", "client TCP connections in total"),
	OPT("server.tcp-max-per-client", "tcp-max-per-client", CFG_INT,
	    tcp_per_client, 1, 65536, "20", "TCP connections per client"),
	OPT("server.udp-coalesce-usec", "udp-coalesce-usec", CFG_INT,
	    udp_coalesce, 0, 1000, CFG_STR(UDP_COALESCE_US), "microseconds a "
	    "worker waits after a partial batch of 2 or more client UDP "
	    "queries, to read the next ones in one batch (0: never wait)"),
	OPT("server.max-pending", "max-pending", CFG_INT, max_pending, 1,
	    1000000, "1024", "client queries being resolved, per thread"),
	CFG_OPTS_IDENTITY(struct rconfig),
	OPT("resolver.root-hints", "root-hints", CFG_PATH, root_hints, 0, 0,
	    NULL, "root hints file (default: built-in IANA hints)"),
	OPT("resolver.qname-minimisation", "qname-minimisation", CFG_BOOL,
	    qname_min, 0, 1, "true", "RFC 9156 QNAME minimisation (relaxed)"),
	OPT("resolver.case-randomisation", "case-randomisation", CFG_BOOL,
	    use_0x20, 0, 1, "true", "random letter case in upstream "
	    "questions (0x20), checked in replies; servers that lose it are "
	    "asked in lowercase"),
	OPT("resolver.edns-payload", "edns-payload", CFG_INT, edns_payload,
	    512, 4096, "1232", "EDNS UDP payload size advertised upstream"),
	OPT("resolver.max-upstream", "max-upstream", CFG_INT, max_upstream,
	    1, 1000, "64", "upstream queries per client query"),
	OPT("resolver.max-depth", "max-depth", CFG_INT, max_depth, 1, 32,
	    "5", "nested lookups (glueless name servers)"),
	OPT("resolver.max-cname", "max-cname", CFG_INT, max_cname, 0, 64,
	    "12", "CNAME and DNAME links followed"),
	OPT("resolver.max-time", "max-time", CFG_INT, max_time, 100, 120000,
	    "10000", "milliseconds spent on one client query"),
	OPT("dnssec.validate", "dnssec", CFG_BOOL, dnssec_validate, 0, 1,
	    "true", "validate answers (DNSSEC: AD for secure data, SERVFAIL "
	    "with an EDE for bogus data; --no-dnssec: off)"),
	OPT("dnssec.aggressive-nsec", "aggressive-nsec", CFG_BOOL,
	    aggressive_nsec, 0, 1, "true", "answer NXDOMAIN and NODATA from "
	    "cached secure NSEC records that prove them, without asking "
	    "upstream (RFC 8198; with validation; Unbound's aggressive-nsec)"),
	OPT("dnssec.trust-anchor", "trust-anchor", CFG_PATH, trust_anchor,
	    0, 0, NULL, "file of DS and/or DNSKEY records (zone-file form) "
	    "to validate from (default: the built-in IANA root anchors)"),
	OPT("dnssec.auto-trust-anchor", "auto-trust-anchor", CFG_PATH,
	    auto_trust_anchor, 0, 0, NULL, "state file of the trust anchor "
	    "kept up to date by RFC 5011 rollover (the resolver rewrites it: "
	    "its folder must be writable by the user it runs as; made from "
	    "the built-in IANA root anchors when missing); instead of "
	    "trust-anchor (Unbound's auto-trust-anchor-file)"),
	OPT("dnssec.add-holddown", "add-holddown", CFG_INT, add_holddown, 1,
	    LONG_MAX, "2592000", "seconds a new key is seen before it is "
	    "trusted (RFC 5011: 30 days)"),
	OPT("dnssec.del-holddown", "del-holddown", CFG_INT, del_holddown, 1,
	    LONG_MAX, "2592000", "seconds a revoked key is kept in the state "
	    "file (RFC 5011: 30 days)"),
	OPT("dnssec.keep-missing", "keep-missing", CFG_INT, keep_missing, 1,
	    LONG_MAX, "31622400", "seconds a trusted key gone from the DNSKEY "
	    "set stays trusted (366 days, as Unbound)"),
	OPT("dnssec.permit-small-holddown", "permit-small-holddown", CFG_BOOL,
	    small_holddown, 0, 1, "false", "probe the DNSKEY set as often as "
	    "each second, not at least an hour apart (tests; Unbound's "
	    "permit-small-holddown)"),
	HOOK("dnssec.domain-insecure", "domain-insecure", zone, CFG_F_LIST,
	     domain_insecure, 0, NULL, "zone whose data is not validated "
	     "(insecure), e.g. a private zone forwarded or stubbed under the "
	     "signed root (repeatable; Unbound's domain-insecure)"),
	HOOK("access.allow", "allow", allow, CFG_F_LIST, allow, 0, NULL,
	     "CIDR given recursion (repeatable)"),
	OPT("access.open-resolver", "open-resolver", CFG_BOOL, open_resolver,
	    0, 1, "false", "serve every client (logged as a warning)"),
	HOOK("access.allow-snoop", "allow-snoop", allow, CFG_F_LIST,
	     allow_snoop, 0, NULL, "CIDR whose non-recursive (RD=0) queries "
	     "are answered from the cache; it must be served too (repeatable)"),
	OPT("cache.size", "cache-size", CFG_SIZE, cache_size, 65536,
	    1L << 40, "64M", "cache memory bound (K, M, G suffixes)"),
	OPT("cache.min-ttl", "min-ttl", CFG_INT, min_ttl, 0, DAY, "0",
	    "positive TTLs raised to at least this"),
	OPT("cache.max-ttl", "max-ttl", CFG_INT, max_ttl, 1, 7 * DAY,
	    "86400", "TTLs capped at this"),
	OPT("cache.negative-max-ttl", "negative-max-ttl", CFG_INT,
	    neg_max_ttl, 1, 7 * DAY, "3600", "NXDOMAIN/NODATA TTLs capped "
	    "at this"),
	OPT("cache.serve-stale", "serve-stale", CFG_INT, serve_stale, 0,
	    7 * DAY, "86400", "seconds past expiry an entry may be served "
	    "when upstream fails (0: off)"),
	OPT("cache.prefetch", "prefetch", CFG_BOOL, prefetch, 0, 1, "true",
	    "refresh popular entries shortly before expiry"),
	OPT("cache.file", "cache-file", CFG_PATH, cache_file, 0, 0, NULL,
	    "the cache written here at stop and read back at start, TTLs "
	    "aged (the folder writable by the daemon's user)"),
	/* Top-level lists in YAML; min 1 marks the stub list. */
	HOOK("forward", "forward", fwd, 0, fwd, 0, NULL,
	     "ZONE=ADDR[:PORT][,ADDR...]: forward queries under ZONE"),
	HOOK("stub", "stub", fwd, 0, fwd, 1, NULL,
	     "ZONE=ADDR[:PORT][,ADDR...]: iterate ZONE from these servers"),
	OPT("local.hosts", "hosts", CFG_PATH, hosts, 0, 0, NULL,
	    "/etc/hosts-format file answered locally"),
	HOOK("local.data", "local-data", rr, CFG_F_LIST, local_data, 0, NULL,
	     "a record answered locally, \"OWNER [TTL] [IN] TYPE RDATA\""),
	OPT("local.blocklist", "blocklist", CFG_PATH, blocklist, 0, 0, NULL,
	    "file of blocked domains (and their subdomains)"),
	HOOK("local.block-answer", "block-answer", block, CFG_F_JOIN,
	     block_has4, 0, "nxdomain",
	     "nxdomain, or an IPv4 and/or IPv6 address"),
	HOOK("local.allow-special", "allow-special", zone, CFG_F_LIST,
	     allow_special, 0, NULL,
	     "special-use zone resolved normally (repeatable)"),
	CFG_OPT_METRICS(struct rconfig),
	OPT("server.control", "control", CFG_SOCKET, control, 0, 0, NULL,
	    "PATH of the control socket (banchi-ctl; default "
	    "/run/banchi/resolver.ctl), or none"),
	OPT("log.level", "log-level", CFG_LEVEL, log_level, 0, 0, "info",
	    "error, warning, info or debug"),
	OPT("log.syslog", "syslog", CFG_BOOL, log_syslog, 0, 1, "false",
	    "log to syslog instead of standard error"),
	CFG_OPTS_QLOG(struct rconfig, qlog),
};

static const char *const sections[] = { "server", "resolver", "dnssec",
					"access", "cache", "local", "log",
					NULL };

const struct cfg_schema rconfig_cfg = {
	.opt = schema,
	.nopt = sizeof(schema) / sizeof(schema[0]),
	.sections = sections,
	.root_expect = "expected a mapping of sections (server, resolver, "
		       "dnssec, access, cache, forward, stub, local, log)",
	.listen_bad = "bad address",
	.listen_forms = "(ADDR[:PORT] or [IPV6]:PORT)",
	.path_off = offsetof(struct rconfig, path),
	.basedir_off = offsetof(struct rconfig, basedir),
	.flags = CFG_S_STRICT_EMPTY | CFG_S_NO_FLAGS,
	.top = rconfig_yaml_fwd,
	.before_flag = rconfig_before_flag,
};
