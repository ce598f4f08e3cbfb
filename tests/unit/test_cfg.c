/* Unit tests for the shared config engine (cfg.h) on a small schema of
 * its own: defaults, setters and their messages under both rule sets,
 * YAML lists, joined values, the top-level hook, FILE:LINE errors, the
 * flag walk (--no-flag, before_flag, paths from the file vs flags). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "daemon/cfg.h"
#include "daemon/cfg_yaml.h"

struct t {
	struct cfg_listen *listen;
	size_t nlisten;
	long n, size, level;
	bool b, syslog;
	char *s, *file;
	char joined[64];
	int tops, befores;
	char *path, *basedir;
};

static int set_joined(void *base, const struct cfg_opt *o, const char *text,
		      char *err)
{
	struct t *t = base;

	(void)o;
	(void)err;
	snprintf(t->joined, sizeof(t->joined), "%s", text);
	return 0;
}

/* "extra: anything" is taken by the hook; other keys are not its. */
static int top(struct cfg_yaml *y, const char *key, yaml_node_t *v)
{
	struct t *t = cfg_yaml_base(y);

	if (strcmp(key, "extra") != 0)
		return 1;
	if (!cfg_yaml_scalar(v))
		return cfg_yaml_fail(y, v, "extra: expected a string");
	t->tops++;
	return 0;
}

static void before(void *base, const struct cfg_opt *o)
{
	struct t *t = base;

	if (o->type == CFG_LISTEN)
		t->befores++;
}

#define T(k, f, ty, field, lo, hi, d) \
	{ .key = k, .flag = f, .type = ty, \
	  .offset = offsetof(struct t, field), .min = lo, .max = hi, .def = d }

static const struct cfg_opt opts[] = {
	{ .key = "a.listen", .flag = "listen", .type = CFG_LISTEN,
	  .offset = offsetof(struct t, listen), .flags = CFG_F_LIST,
	  .n_offset = offsetof(struct t, nlisten) },
	T("a.n", "n", CFG_INT, n, 1, 10, "5"),
	T("a.size", "size", CFG_SIZE, size, 1024, 1L << 30, "64K"),
	T("a.b", "b", CFG_BOOL, b, 0, 1, "true"),
	T("a.s", "s", CFG_STR, s, 0, 0, NULL),
	T("a.file", "file", CFG_PATH, file, 0, 0, NULL),
	T("log.level", "log-level", CFG_LEVEL, level, 0, 0, "info"),
	T("log.target", NULL, CFG_TARGET, syslog, 0, 0, "stderr"),
	{ .key = "a.joined", .flag = "joined", .type = CFG_HOOK,
	  .set = set_joined, .flags = CFG_F_JOIN },
};

static const char *const sections[] = { "a", "log", NULL };

#define SCHEMA(fl) { .opt = opts, \
	.nopt = sizeof(opts) / sizeof(opts[0]), .sections = sections, .root_expect = "expected sections", \
	.listen_bad = "bad address", .listen_forms = "(FORMS)", \
	.path_off = offsetof(struct t, path), \
	.basedir_off = offsetof(struct t, basedir), .flags = fl, \
	.top = top, .before_flag = before }

static const struct cfg_schema loose = SCHEMA(0);
static const struct cfg_schema strict =
	SCHEMA(CFG_S_STRICT_EMPTY | CFG_S_NO_FLAGS);

static void clear(struct t *t)
{
	free(t->listen);
	free(t->s);
	free(t->file);
	free(t->path);
	free(t->basedir);
}

static int set(const struct cfg_schema *s, struct t *t, const char *key,
	       const char *text, char *err)
{
	err[0] = 0;
	return cfg_set(s, t, cfg_opt_by_key(s, key), text, err);
}

static void test_setters(void)
{
	char err[CONFIG_ERR_MAX];
	struct t t;

	cfg_init(&loose, &t, sizeof(t));
	CHECK(t.n == 5 && t.size == 65536 && t.b && t.level == 2 &&
	      !t.syslog && !t.s && t.nlisten == 0);
	CHECK(cfg_opt_by_flag(&loose, "target") == NULL);
	CHECK(set(&loose, &t, "a.n", "99", err) < 0 &&
	      !strcmp(err, "a.n: 99 out of range 1-10"));
	CHECK(set(&strict, &t, "a.n", "99", err) < 0 &&
	      !strcmp(err, "a.n: '99' is not a number in range"));
	CHECK(set(&loose, &t, "a.n", "", err) < 0 &&
	      !strcmp(err, "a.n: '' is not a number"));
	CHECK(set(&strict, &t, "a.n", "", err) < 0 &&
	      !strcmp(err, "a.n: empty value"));
	CHECK(set(&loose, &t, "a.s", "", err) < 0 &&
	      !strcmp(err, "a.s: empty value"));
	CHECK(set(&loose, &t, "a.size", "2M", err) == 0 &&
	      t.size == 2 << 20);
	CHECK(set(&strict, &t, "a.size", "2T", err) < 0 &&
	      !strcmp(err, "a.size: '2T' is not a number (K, M, G "
		      "suffixes) in range"));
	CHECK(set(&loose, &t, "a.b", "off", err) == 0 && !t.b);
	CHECK(set(&loose, &t, "log.target", "syslog", err) == 0 && t.syslog);
	CHECK(set(&loose, &t, "log.target", "file", err) < 0 &&
	      !strcmp(err, "log.target: 'file' is not stderr or syslog"));
	CHECK(set(&loose, &t, "a.listen", "[::1]:5300", err) == 0 &&
	      t.nlisten == 1 && !strcmp(t.listen[0].text, "[::1]:5300"));
	CHECK(set(&loose, &t, "a.listen", "nowhere", err) < 0 &&
	      !strcmp(err, "bad address 'nowhere' (FORMS)") &&
	      t.nlisten == 1);
	clear(&t);
}

static int load(const struct cfg_schema *s, struct t *t, const char *text,
		char *err)
{
	cfg_init(s, t, sizeof(*t));
	err[0] = 0;
	return cfg_load_text(s, t, text, strlen(text), "t.yaml", err);
}

static void test_yaml(void)
{
	char err[CONFIG_ERR_MAX];
	struct t t;

	CHECKF(load(&loose, &t, "a:\n  listen: [127.0.0.1:1, '[::1]:2']\n"
		    "  joined: [x, y]\n  n: 7\nextra: z\n", err) == 0,
	       "%s", err);
	CHECK(t.nlisten == 2 && t.n == 7 && !strcmp(t.joined, " x y") &&
	      t.tops == 1);
	clear(&t);
	CHECK(load(&loose, &t, "a:\n  n: 1\n  bogus: 2\n", err) < 0 &&
	      !strcmp(err, "t.yaml:3: unknown key 'a.bogus'"));
	clear(&t);
	CHECK(load(&loose, &t, "a: {}\nnope: 1\n", err) < 0 &&
	      !strcmp(err, "t.yaml:2: unknown section 'nope'"));
	clear(&t);
	CHECK(load(&loose, &t, "extra: [1]\n", err) < 0 &&
	      !strcmp(err, "t.yaml:1: extra: expected a string"));
	clear(&t);
	CHECK(load(&loose, &t, "a:\n  listen: [x]\n", err) < 0 &&
	      !strcmp(err, "t.yaml:2: bad address 'x' (FORMS)"));
	clear(&t);
	CHECK(load(&loose, &t, "a:\n  n: [1]\n", err) < 0 &&
	      !strcmp(err, "t.yaml:2: a.n: expected a single value"));
	clear(&t);
	/* Empty sections and empty list values: errors unless strict. */
	CHECK(load(&loose, &t, "a:\n", err) < 0 &&
	      !strcmp(err, "t.yaml:1: a: expected a mapping"));
	clear(&t);
	CHECK(load(&strict, &t, "a:\nlog:\n  level: debug\n", err) == 0 &&
	      t.level == 3);
	clear(&t);
	CHECK(load(&strict, &t, "a:\n  listen: ''\n", err) == 0 &&
	      t.nlisten == 0);
	clear(&t);
	CHECK(load(&loose, &t, "[1, 2]\n", err) < 0 &&
	      !strcmp(err, "t.yaml:1: expected sections"));
	clear(&t);
}

static int run(const struct cfg_schema *s, struct t *t, char **argv,
	       char *err)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	cfg_init(s, t, sizeof(*t));
	err[0] = 0;
	return cfg_cmdline(s, t, argc, argv, NULL, err);
}

static void test_flags(void)
{
	char dir[] = "/tmp/test_cfg.XXXXXX", file[64], err[CONFIG_ERR_MAX];
	char *a1[] = { "x", "--n=3", "--no-b", "--listen", "127.0.0.1:5",
		       "--listen=[::1]", NULL };
	char *a2[] = { "x", "--no-b", NULL };
	char *a3[] = { "x", "--s", "v", "--help", NULL };
	char *a4[] = { "x", "-c", file, "--n", "2", NULL };
	char *a5[] = { "x", "--file", "rel", "--config", file, NULL };
	char *a6[] = { "x", "--n", NULL };
	struct t t;
	FILE *f;

	CHECKF(run(&strict, &t, a1, err) == CMDLINE_OK, "%s", err);
	CHECK(t.n == 3 && !t.b && t.nlisten == 2 && t.befores == 2);
	clear(&t);
	CHECK(run(&loose, &t, a2, err) < 0 &&
	      !strcmp(err, "unknown option '--no-b' (see --help)"));
	clear(&t);
	CHECK(run(&loose, &t, a3, err) == CMDLINE_HELP);
	clear(&t);
	CHECK(run(&loose, &t, a6, err) < 0 &&
	      !strcmp(err, "option '--n' needs a value"));
	clear(&t);
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(file, sizeof(file), "%s/c.yaml", dir);
	f = fopen(file, "w");
	if (f) {
		fputs("a:\n  n: 9\n  file: data\n", f);
		fclose(f);
	}
	/* Flags override the file whatever their order. */
	CHECKF(run(&loose, &t, a4, err) == CMDLINE_OK, "%s", err);
	CHECK(t.n == 2 && t.path && !strcmp(t.path, file) &&
	      t.basedir && !strcmp(t.basedir, dir));
	CHECK(t.file && !strncmp(t.file, dir, strlen(dir)) &&
	      !strcmp(t.file + strlen(dir), "/data"));
	clear(&t);
	/* A path given as a flag stays relative to the working dir. */
	CHECKF(run(&loose, &t, a5, err) == CMDLINE_OK, "%s", err);
	CHECK(t.file && !strcmp(t.file, "rel") && t.n == 9);
	clear(&t);
	unlink(file);
	rmdir(dir);
}

int main(void)
{
	test_setters();
	test_yaml();
	test_flags();
	return check_done();
}
