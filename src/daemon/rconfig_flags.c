/* banchi-resolver's command line: every schema option with a flag is
 * "--flag VALUE" or "--flag=VALUE"; a boolean takes no value, "=BOOL",
 * or the "--no-flag" form. The config file is read first so that flags
 * override it whatever their order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmdline.h"
#include "daemon/rconfig.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

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
"    unless --allow or access.allow says otherwise. Flags override the\n"
"    config file; --listen, --forward, --stub, --allow-special and\n"
"    --local-data add to its lists; --allow replaces its list. SIGHUP\n"
"    re-reads the config and local files (the cache is kept), SIGUSR1\n"
"    logs counters, SIGUSR2 flushes the cache, SIGTERM/SIGINT exit.\n"
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
"    --no-qname-minimisation full names in every upstream query\n"
"    --case-randomisation    0x20: random letter case upstream\n"
"    --edns-payload N        EDNS payload advertised upstream (1232)\n"
"    --max-upstream N, --max-depth N, --max-cname N, --max-time MS\n"
"                            work limits per client query (64, 5, 12,\n"
"                            10000)\n"
"    --udp-payload N         EDNS payload towards clients (1232)\n"
"    --tcp-idle-timeout SEC, --tcp-max-connections N,\n"
"    --tcp-max-per-client N  client TCP limits (10, 1000, 20)\n"
"    --max-pending N         queries being resolved per thread (1024)\n"
"    --user USER             user after binding (default banchi if it\n"
"                            exists, else nobody)\n"
"    --group GROUP           group after binding (default: the user's)\n"
"    --chroot DIR            chroot after binding\n"
"    --allow-root            keep running as root\n"
"    --log-level LEVEL       error, warning, info, debug (info)\n"
"    --syslog                log to syslog instead of standard error\n"
"    -h, --help              this text\n"
"    --version               the version\n"
"\n"
"EXIT STATUS\n"
"    0 clean exit on SIGTERM/SIGINT, 1 startup failure (bind, local\n"
"    files, privileges), 2 usage or config error.\n";

static bool is_config_flag(const char *a)
{
	return strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0;
}

/* Splits "--flag=value": the flag name (in buf) and *val. */
static const char *split(const char *arg, char *buf, size_t cap,
			 const char **val)
{
	const char *eq = strchr(arg, '=');

	*val = NULL;
	if (!eq)
		return arg + 2;
	if ((size_t)(eq - arg - 2) >= cap)
		return "";
	memcpy(buf, arg + 2, eq - arg - 2);
	buf[eq - arg - 2] = 0;
	*val = eq + 1;
	return buf;
}

/* One flag at argv[*i]; advances *i past its value. */
static int one_flag(struct rconfig *c, int argc, char **argv, int *i,
		    char *err)
{
	char buf[64];
	const char *val, *name = split(argv[*i], buf, sizeof(buf), &val);
	const struct rcfg_opt *o = rconfig_opt_by_flag(name);

	if (!o && strncmp(name, "no-", 3) == 0 && !val) {
		o = rconfig_opt_by_flag(name + 3);
		if (o && o->type == RCFG_BOOL)
			return rconfig_set(c, o, "false", err);
		o = NULL;
	}
	if (!o)
		return ERR("unknown option '%s' (see --help)", argv[*i]);
	if (!val && o->type != RCFG_BOOL) {
		if (*i + 1 >= argc)
			return ERR("option '--%s' needs a value", name);
		val = argv[++*i];
	}
	if (o->type == RCFG_ALLOW && !c->allow_exact) {
		/* The first --allow replaces the file's list: with it,
		 * exactly the listed clients are served. */
		c->allow_exact = true;
		while (c->allow.n)
			free(c->allow.v[--c->allow.n]);
	}
	return rconfig_set(c, o, val ? val : "true", err);
}

static int load_file(struct rconfig *c, int argc, char **argv,
		     const char *strip, char *err)
{
	const char *path = NULL;
	size_t n = strip ? strlen(strip) : 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (is_config_flag(argv[i])) {
			if (i + 1 >= argc)
				return ERR("%s needs a file", argv[i]);
			path = argv[++i];
		} else if (strncmp(argv[i], "--config=", 9) == 0) {
			path = argv[i] + 9;
		}
	}
	if (!path)
		return 0;
	if (n && strncmp(path, strip, n) == 0 && path[n] == '/')
		path += n;
	return rconfig_load_file(c, path, err);
}

static int flags(struct rconfig *c, int argc, char **argv, char *err)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (is_config_flag(argv[i])) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--config=", 9) == 0)
			continue;
		if (strncmp(argv[i], "--", 2) != 0)
			return ERR("unexpected argument '%s' (see --help)",
				   argv[i]);
		if (one_flag(c, argc, argv, &i, err) < 0)
			return -1;
	}
	return 0;
}

int rconfig_cmdline(struct rconfig *c, int argc, char **argv,
		    const char *strip, char *err)
{
	char *basedir;
	int i, ret;

	rconfig_init(c);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return CMDLINE_HELP;
		if (!strcmp(argv[i], "--version"))
			return CMDLINE_VERSION;
	}
	if (load_file(c, argc, argv, strip, err) < 0)
		return -1;
	/* Paths given as flags are relative to the working directory,
	 * not to the config file's. */
	basedir = c->basedir;
	c->basedir = NULL;
	ret = flags(c, argc, argv, err);
	c->basedir = basedir;
	if (ret < 0)
		return -1;
	return rconfig_finish(c, err);
}
