/* banchi-resolver's command line: its --help text and the first --allow
 * (--allow-snoop) replacing the file's list; the walk over the flags (a boolean also as
 * "--no-flag") is the shared engine's (cfg_flags.c). */
#include <stddef.h>
#include <stdlib.h>

#include "authd/cmdline.h"
#include "resolverd/config.h"

const char rconfig_usage[] =
"NAME\n"
"    banchi-resolver - caching recursive DNS resolver\n"
"\n"
"SYNOPSIS\n"
"    banchi-resolver [-c FILE] [OPTIONS]\n"
"\n"
"DESCRIPTION\n"
"    Answers recursive queries over UDP and TCP from its cache, local\n"
"    data, forwarders, or by iterating from the root, in the foreground,\n"
"    logging to standard error. Only loopback clients get recursion\n"
"    unless --allow or access.allow says otherwise; non-recursive (RD=0)\n"
"    queries get local data only, unless --allow-snoop. Flags override\n"
"    the config file; --listen, --forward, --stub, --allow-special and\n"
"    --local-data add to its lists; --allow and --allow-snoop replace\n"
"    theirs. SIGHUP re-reads the config and local files (the cache is\n"
"    kept), SIGUSR1 logs counters, SIGUSR2 flushes the cache,\n"
"    SIGTERM/SIGINT exit. banchi-ctl does the same and more over the\n"
"    control socket (--control, see doc/control.md).\n"
"    See doc/banchi-resolver.md.\n"
"\n"
"OPTIONS\n"
"    -c, --config FILE       YAML config file\n"
"    --listen ADDR[:PORT]    serve on this address (repeatable; IPv6 as\n"
"                            [::1]:5301; default 127.0.0.1:53, [::1]:53)\n"
"    --root-hints FILE       root hints (default: built-in IANA hints)\n"
"    --forward ZONE=ADDR[:PORT][,ADDR...]\n"
"                            send queries under ZONE to these resolvers\n"
"                            (repeatable; ZONE . forwards everything)\n"
"    --stub ZONE=ADDR[:PORT][,ADDR...]\n"
"                            iterate ZONE from these authoritative\n"
"                            servers (repeatable)\n"
"    --allow CIDR            exactly these clients get recursion\n"
"                            (repeatable; loopback only when listed)\n"
"    --open-resolver         every client gets recursion (dangerous)\n"
"    --allow-snoop CIDR      these clients (served ones) get answers from\n"
"                            the cache to non-recursive (RD=0) queries;\n"
"                            others get REFUSED unless the name is local\n"
"                            data (repeatable; replaces the file's list)\n"
"    --allow-special ZONE    resolve this special-use zone (test, local,\n"
"                            home.arpa, ...) normally (repeatable)\n"
"    --hosts FILE            /etc/hosts-format file answered locally\n"
"    --blocklist FILE        blocked domains, one a line\n"
"    --block-answer ANSWER   nxdomain (default), or addresses such as\n"
"                            \"0.0.0.0 ::\" given for blocked names\n"
"    --local-data RR         local record, \"nas.lan. 300 A 192.0.2.7\"\n"
"                            (repeatable)\n"
"    --threads N             worker threads (default: number of cores)\n"
"    --cache-size SIZE       cache bound, K/M/G suffixes (64M)\n"
"    --min-ttl, --max-ttl, --negative-max-ttl SEC\n"
"                            TTL caps (0, 86400, 3600)\n"
"    --serve-stale SEC       serve expired data this long when upstream\n"
"                            fails (86400; 0 off)\n"
"    --no-prefetch           no refresh of popular entries near expiry\n"
"    --cache-file PATH       keep the cache across restarts: written\n"
"                            there at stop, read back at start with\n"
"                            TTLs aged (its folder writable by --user)\n"
"    --no-dnssec             no DNSSEC validation (on by default:\n"
"                            secure answers get AD, bogus ones SERVFAIL)\n"
"    --no-aggressive-nsec    no NXDOMAIN/NODATA from cached NSEC ranges\n"
"                            (RFC 8198; on by default with validation)\n"
"    --trust-anchor FILE     DS/DNSKEY records (zone-file form) to\n"
"                            validate from (default: built-in IANA root)\n"
"    --auto-trust-anchor FILE  the same kept up to date by RFC 5011\n"
"                            rollover: the resolver rewrites FILE (its\n"
"                            folder writable by --user); made from the\n"
"                            built-in root DS when missing\n"
"    --add-holddown SEC, --del-holddown SEC, --keep-missing SEC\n"
"                            RFC 5011 times (2592000, 2592000, 31622400)\n"
"    --permit-small-holddown probe the DNSKEY set each second (tests)\n"
"    --domain-insecure ZONE  not validated, e.g. a private forward or\n"
"                            stub zone (repeatable)\n"
"    --no-qname-minimisation full names in every upstream query\n"
"    --no-case-randomisation no 0x20 (random letter case upstream,\n"
"                            on by default)\n"
"    --edns-payload N        EDNS payload advertised upstream (1232)\n"
"    --max-upstream N, --max-depth N, --max-cname N, --max-time MS\n"
"                            work limits per client query (64, 5, 12,\n"
"                            10000)\n"
"    --udp-payload N         EDNS payload towards clients (1232)\n"
"    --tcp-idle-timeout SEC, --tcp-max-connections N,\n"
"    --tcp-max-per-client N  client TCP limits (10, 1000, 20)\n"
"    --max-pending N         queries being resolved per thread (1024)\n"
"    --identity TEXT         answer to CHAOS TXT id.server, hostname.bind\n"
"                            (the host name; none: REFUSED)\n"
"    --version-text TEXT     answer to CHAOS TXT version.bind, version.server\n"
"                            (banchi VERSION; none: REFUSED)\n"
"    --udp-coalesce-usec US  after a partial batch of 2 or more client\n"
"                            UDP queries, wait US microseconds so that\n"
"                            the next read takes a fuller batch (20)\n"
"    --user USER             user after binding (default banchi if it\n"
"                            exists, else nobody)\n"
"    --group GROUP           group after binding (default: the user's)\n"
"    --chroot DIR            chroot after binding\n"
"    --allow-root            keep running as root\n"
"    --sandbox=BOOL          seccomp filter once serving (default true)\n"
"    --landlock=BOOL         Landlock: open files only where the config\n"
"                            points, once serving (default true)\n"
"    --control PATH          control socket for banchi-ctl\n"
"                            (/run/banchi/resolver.ctl; none: no socket)\n"
"    --metrics ADDR:PORT     Prometheus metrics at http://ADDR:PORT/metrics\n"
"                            (a PORT alone: 127.0.0.1; off by default)\n"
"    --log-level LEVEL       error, warning, info, debug (info)\n"
"    --syslog                log to syslog instead of standard error\n"
"    --dnstap unix:PATH|file:PATH  dnstap of each client query and\n"
"                            response (CLIENT_QUERY, CLIENT_RESPONSE) to\n"
"                            a Frame Streams socket or file; never slows\n"
"                            the answers: what the reader cannot take is\n"
"                            dropped and counted (doc/query-log.md; off\n"
"                            by default)\n"
"    --dnstap-messages LIST  client-query,client-response (both by\n"
"                            default), resolver-query,resolver-response\n"
"                            (the queries to authoritative servers)\n"
"    --dnstap-identity TEXT  dnstap's identity field (the host name;\n"
"                            none: left out)\n"
"    --query-log PATH|stderr a text line per answer: time, client#port,\n"
"                            transport, name, class, type, flags, rcode,\n"
"                            answers, size, microseconds (off by default)\n"
"    --query-log-sample N    log 1 query in N, both logs (1)\n"
"    --query-log-rate N      log at most N queries a second, both logs\n"
"                            (0: no limit)\n"
"    -h, --help              this text\n"
"    --help-config           the config file's keys (its man page, section 5)\n"
"    --version               the version\n"
"\n"
"EXIT STATUS\n"
"    0 clean exit on SIGTERM/SIGINT, 1 startup failure (bind, local\n"
"    files, privileges), 2 usage or config error.\n";

void rconfig_before_flag(void *base, const struct cfg_opt *o)
{
	struct rconfig *c = base;
	bool snoop = o->offset == offsetof(struct rconfig, allow_snoop);
	bool *exact = snoop ? &c->snoop_exact : &c->allow_exact;
	struct rcfg_list *l = snoop ? &c->allow_snoop : &c->allow;

	if (o->set != rconfig_set_allow || *exact)
		return;
	/* The first --allow (--allow-snoop) replaces the file's list: with
	 * it, exactly the listed clients are served (may snoop). */
	*exact = true;
	while (l->n)
		free(l->v[--l->n]);
}

int rconfig_cmdline(struct rconfig *c, int argc, char **argv,
		    const char *strip, char *err)
{
	int ret;

	rconfig_init(c);
	ret = cfg_cmdline(&rconfig_cfg, c, argc, argv, strip, err);
	if (ret != CMDLINE_OK)
		return ret;
	return rconfig_finish(c, err);
}
