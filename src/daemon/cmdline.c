/* Flags: every schema option with a flag is "--flag VALUE" or
 * "--flag=VALUE" (a boolean takes no value). The config file is read
 * first so that flags override it whatever their order. */
#include <stdio.h>
#include <string.h>

#include "daemon/cmdline.h"

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
"    Serves the zones read from master files over UDP and TCP, in the\n"
"    foreground, logging to standard error. Flags override the config\n"
"    file; --listen and --zone add to its lists. SIGHUP re-reads the\n"
"    config and the changed zone files, SIGTERM/SIGINT exit, SIGUSR1\n"
"    logs counters. See doc/banchi-auth.md.\n"
"\n"
"OPTIONS\n"
"    -c, --config FILE       YAML config file\n"
"    --listen ADDR:PORT      serve on this address (repeatable; IPv6 as\n"
"                            [::1]:5300; port 53 when left out)\n"
"    --zone NAME=FILE        serve zone NAME from FILE (repeatable)\n"
"    --threads N             worker threads (default: number of cores)\n"
"    --user USER             user after binding (default banchi if it\n"
"                            exists, else nobody)\n"
"    --group GROUP           group after binding (default: the user's)\n"
"    --chroot DIR            chroot after binding\n"
"    --allow-root            keep running as root\n"
"    --udp-payload N         EDNS UDP payload size, 512-4096 (1232)\n"
"    --minimal-responses=BOOL  false: apex NS in the authority of\n"
"                            positive answers too (default true)\n"
"    --tcp-idle-timeout SEC  idle TCP connections close after SEC (10)\n"
"    --tcp-max-connections N TCP connections in total (512)\n"
"    --tcp-max-per-client N  TCP connections per client address (16)\n"
"    --log-level LEVEL       error, warning, info, debug (info)\n"
"    --syslog                log to syslog instead of standard error\n"
"    -h, --help              this text\n"
"    --version               the version\n"
"\n"
"EXIT STATUS\n"
"    0 clean exit on SIGTERM/SIGINT, 1 startup failure (bind, no zone\n"
"    loaded, privileges), 2 usage or config error.\n";

static bool is_config_flag(const char *a)
{
	return strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0;
}

/* Splits "--flag=value"; returns the flag name (in buf) and *val. */
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

static int zone_flag(struct config *c, const char *v, char *err)
{
	char name[1024];
	const char *eq = strchr(v, '=');

	if (!eq || eq == v || (size_t)(eq - v) >= sizeof(name))
		return ERR("--zone wants NAME=FILE, not '%s'", v);
	memcpy(name, v, eq - v);
	name[eq - v] = 0;
	return config_add_zone(c, name, eq + 1, err);
}

/* One flag at argv[*i]; advances *i past its value. */
static int one_flag(struct config *c, int argc, char **argv, int *i,
		    char *err)
{
	char buf[64];
	const char *val, *name = split(argv[*i], buf, sizeof(buf), &val);
	const struct cfg_opt *o = config_opt_by_flag(name);
	bool nullary = strcmp(name, "syslog") == 0 ||
		       (o && o->type == CFG_BOOL);

	if (!o && strcmp(name, "zone") && strcmp(name, "syslog"))
		return ERR("unknown option '%s' (see --help)", argv[*i]);
	if (!val && !nullary) {
		if (*i + 1 >= argc)
			return ERR("option '--%s' needs a value", name);
		val = argv[++*i];
	}
	if (strcmp(name, "syslog") == 0) {
		c->log_syslog = true;
		return 0;
	}
	if (strcmp(name, "zone") == 0)
		return zone_flag(c, val, err);
	return config_set(c, o, val ? val : "true", err);
}

static int load_file(struct config *c, int argc, char **argv,
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
	return config_load_file(c, path, err);
}

int cmdline_config(struct config *c, int argc, char **argv,
		   const char *strip, char *err)
{
	int i;

	config_init(c);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return CMDLINE_HELP;
		if (!strcmp(argv[i], "--version"))
			return CMDLINE_VERSION;
	}
	if (load_file(c, argc, argv, strip, err) < 0)
		return -1;
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
	return config_validate(c, err);
}
