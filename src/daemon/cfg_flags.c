/* The shared command-line walk: every schema option with a flag is
 * "--flag VALUE" or "--flag=VALUE" (a boolean takes no value, "=BOOL",
 * and "--no-flag" where the schema allows). The config file is read
 * first so that flags override it whatever their order. */
#include <stdio.h>
#include <string.h>

#include "daemon/cfg.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

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
static int one_flag(const struct cfg_schema *s, void *base, int argc,
		    char **argv, int *i, char *err)
{
	char buf[64];
	const char *val, *name = split(argv[*i], buf, sizeof(buf), &val);
	const struct cfg_opt *o = cfg_opt_by_flag(s, name);

	if (!o && (s->flags & CFG_S_NO_FLAGS) &&
	    strncmp(name, "no-", 3) == 0 && !val) {
		o = cfg_opt_by_flag(s, name + 3);
		if (o && o->type == CFG_BOOL)
			return cfg_set(s, base, o, "false", err);
		o = NULL;
	}
	/* the flag alone: a mistyped --key=... must not show its secret */
	if (!o)
		return ERR("unknown option '--%s' (see --help)", name);
	if (!val && o->type != CFG_BOOL) {
		if (*i + 1 >= argc)
			return ERR("option '--%s' needs a value", name);
		val = argv[++*i];
	}
	if (s->before_flag)
		s->before_flag(base, o);
	return cfg_set(s, base, o, val ? val : "true", err);
}

static int load_file(const struct cfg_schema *s, void *base, int argc,
		     char **argv, const char *strip, char *err)
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
	return cfg_load_file(s, base, path, err);
}

static int flags(const struct cfg_schema *s, void *base, int argc,
		 char **argv, char *err)
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
		if (one_flag(s, base, argc, argv, &i, err) < 0)
			return -1;
	}
	return 0;
}

int cfg_cmdline(const struct cfg_schema *s, void *base, int argc,
		char **argv, const char *strip, char *err)
{
	char **dir = (void *)((char *)base + s->basedir_off);
	char *basedir;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return CMDLINE_HELP;
		if (!strcmp(argv[i], "--version"))
			return CMDLINE_VERSION;
		if (!strcmp(argv[i], "--help-config"))
			return CMDLINE_HELP_CONFIG;
	}
	if (load_file(s, base, argc, argv, strip, err) < 0)
		return -1;
	/* Paths given as flags are relative to the working directory,
	 * not to the config file's. */
	basedir = *dir;
	*dir = NULL;
	ret = flags(s, base, argc, argv, err);
	*dir = basedir;
	return ret < 0 ? -1 : CMDLINE_OK;
}
