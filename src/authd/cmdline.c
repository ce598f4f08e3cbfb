/* banchi-auth's command line: its --help text and --zone; the walk over
 * the flags is the shared engine's (cfg_flags.c), on config_schema.c. */
#include <stdio.h>
#include <string.h>

#include "authd/cmdline.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

const char cmdline_usage[] =
"NAME\n"
"    banchi-auth - authoritative DNS server\n"
"\n"
"SYNOPSIS\n"
"    banchi-auth -c FILE [OPTIONS]\n"
"    banchi-auth --listen ADDR:PORT --zone NAME=FILE [OPTIONS]\n"
"\n"
"DESCRIPTION\n"
"    Serves the zones read from master files (and a PowerDNS database)\n"
"    over UDP and TCP, in the foreground, logging to standard error.\n"
"    Flags override the config file; --listen and --zone add to its\n"
"    lists. SIGHUP re-reads the\n"
"    config and the changed zone files, SIGTERM/SIGINT exit, SIGUSR1\n"
"    logs counters and each zone's transfer health. A query signed\n"
"    with TSIG is checked against the keys and its answer signed; why\n"
"    a signed query was refused is logged. Zones may be transferred\n"
"    (AXFR, IXFR), updated (RFC 2136), notified to secondaries, and\n"
"    served as secondaries. banchi-ctl reloads, reports on and flushes\n"
"    zones over the control socket (--control, doc/control.md). See\n"
"    doc/banchi-auth.md.\n"
"\n"
"OPTIONS\n"
"    -c, --config FILE       YAML config file\n"
"    --listen ADDR:PORT      serve on this address (repeatable; IPv6 as\n"
"                            [::1]:5300; port 53 when left out)\n"
"    --zone NAME=FILE        serve zone NAME from FILE (repeatable)\n"
"    --allow-transfer ZONE=ACL  who may transfer ZONE (AXFR/IXFR over\n"
"                            TCP): comma-separated ADDR[/BITS] and\n"
"                            key:NAME; any entry matching allows\n"
"                            (repeatable; default: nobody)\n"
"    --secondary ZONE=ADDR[:PORT][,ADDR[:PORT]...][@KEY]\n"
"                            serve ZONE as a secondary of these primaries\n"
"                            (SOA refresh, NOTIFY, IXFR/AXFR in, signed\n"
"                            with KEY); kept in the zone dir (repeatable)\n"
"    --catalog-consume CATALOG=ADDR[:PORT][,...][@KEY]\n"
"                            CATALOG (RFC 9432, version 2) as a secondary\n"
"                            of these primaries, and each of its member\n"
"                            zones too, added and removed as the catalog\n"
"                            changes (repeatable)\n"
"    --catalog-produce NAME  serve a catalog zone NAME listing every\n"
"                            zone served (RFC 9432)\n"
"    --allow-update ZONE=ACL  who may update ZONE (RFC 2136), the same\n"
"                            forms (repeatable; default: nobody); each\n"
"                            change is in the zone's journal, on disk,\n"
"                            before the client is answered\n"
"    --zone-db sqlite:PATH   serve every NATIVE and MASTER zone of this\n"
"                            PowerDNS database from memory, following its\n"
"                            changes within a second (one database)\n"
"    --zone-db-cache=BOOL    keep each database zone in --zone-dir as\n"
"                            NAME.dbcache, loaded at start instead of\n"
"                            its rows when the database is unchanged\n"
"                            (true)\n"
"    --zone-dir DIR          folder of the journals and the secondary\n"
"                            copies (/var/lib/banchi), made at start\n"
"                            and given to --user\n"
"    --journal-max-size SIZE  keep each journal under SIZE, K/M/G\n"
"                            (100M); the oldest changes are dropped\n"
"    --notify ZONE=ADDR[:PORT][@KEY],...  send NOTIFY for ZONE to\n"
"                            these secondaries after each change (signed\n"
"                            with KEY when given; port 53; repeatable)\n"
"    --notify-ns ZONE[@KEY]  send NOTIFY for ZONE also to the addresses\n"
"                            of its NS names at port 53 (found in the\n"
"                            zones served, never resolved; not the SOA\n"
"                            MNAME's nor ours), as of each new version\n"
"                            (signed with KEY when given; repeatable)\n"
"    --notify-lag-warn SEC   log a notified secondary that has not\n"
"                            transferred the new serial SEC s later (60)\n"
"    --key [ALG:]NAME:SECRET a TSIG key (repeatable; ALG hmac-sha256 when\n"
"                            left out, or hmac-sha1, -sha224, -sha384,\n"
"                            -sha512, -md5; SECRET in base64). Shown by\n"
"                            ps: prefer --key-file\n"
"    --key-file FILE         TSIG keys from FILE, as tsig-keygen or\n"
"                            keymgr -t write them (repeatable)\n"
"    --threads N             worker threads (default: number of cores)\n"
"    --user USER             user after binding (default banchi if it\n"
"                            exists, else nobody)\n"
"    --group GROUP           group after binding (default: the user's)\n"
"    --chroot DIR            chroot after binding\n"
"    --allow-root            keep running as root\n"
"    --sandbox=BOOL          seccomp filter once serving (default true)\n"
"    --landlock=BOOL         Landlock: open files only where the config\n"
"                            points, once serving (default true)\n"
"    --udp-payload N         EDNS UDP payload size, 512-4096 (1232)\n"
"    --minimal-responses=BOOL  false: apex NS in the authority of\n"
"                            positive answers too (default true)\n"
"    --tcp-idle-timeout SEC  idle TCP connections close after SEC (10)\n"
"    --tcp-max-connections N TCP connections in total (512)\n"
"    --tcp-max-per-client N  TCP connections per client address (16)\n"
"    --udp-coalesce-usec US  after a partial batch of 2 or more UDP\n"
"                            queries, wait US microseconds so that the\n"
"                            next read takes a fuller batch (20; 0: off)\n"
"    --control PATH          control socket for banchi-ctl\n"
"                            (/run/banchi/auth.ctl; none: no socket)\n"
"    --identity TEXT         answer to CHAOS TXT id.server, hostname.bind\n"
"                            (the host name; none: REFUSED)\n"
"    --version-text TEXT     answer to CHAOS TXT version.bind, version.server\n"
"                            (banchi VERSION; none: REFUSED)\n"
"    --nsid TEXT|0xHEX       NSID (RFC 5001) for queries that ask; identity:\n"
"                            the identity's text (default: none)\n"
"    --metrics ADDR:PORT     Prometheus metrics at http://ADDR:PORT/metrics\n"
"                            (a PORT alone: 127.0.0.1; off by default)\n"
"    --log-level LEVEL       error, warning, info, debug (info)\n"
"    --syslog                log to syslog instead of standard error\n"
"    --dnstap unix:PATH|file:PATH  dnstap of each query and response\n"
"                            (AUTH_QUERY, AUTH_RESPONSE) to a Frame\n"
"                            Streams socket (fstrm_capture, a collector)\n"
"                            or file; never slows the answers: what the\n"
"                            reader cannot take is dropped and counted\n"
"                            (doc/query-log.md; off by default)\n"
"    --dnstap-messages LIST  auth-query,auth-response (both by default)\n"
"    --dnstap-identity TEXT  dnstap's identity field (the host name;\n"
"                            none: left out)\n"
"    --query-log PATH|stderr a text line per query: time, client#port,\n"
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
"    0 clean exit on SIGTERM/SIGINT, 1 startup failure (bind, no zone\n"
"    loaded, privileges), 2 usage or config error.\n";

int config_zone_flag(void *base, const struct cfg_opt *o, const char *v,
		     char *err)
{
	char name[1024];
	const char *eq = strchr(v, '=');

	if (!eq || eq == v || (size_t)(eq - v) >= sizeof(name))
		return ERR("--zone wants NAME=FILE, not '%s'", v);
	memcpy(name, v, eq - v);
	name[eq - v] = 0;
	(void)o;
	return config_add_zone(base, name, eq + 1, err);
}

int cmdline_config(struct config *c, int argc, char **argv,
		   const char *strip, char *err)
{
	int ret;

	config_init(c);
	ret = cfg_cmdline(&config_cfg, c, argc, argv, strip, err);
	if (ret != CMDLINE_OK)
		return ret;
	if (config_load_keyfiles(c, strip, err) < 0)
		return -1;
	return config_validate(c, err);
}
