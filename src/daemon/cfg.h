/* The config engine both daemons share: a schema table of options (YAML
 * key, flag, type, field, range, default) drives the defaults, the YAML
 * loader (cfg_yaml.c) and the command line (cfg_flags.c). Each daemon
 * gives its table, its struct (as a base pointer) and hooks. */
#ifndef BANCHI_DAEMON_CFG_H
#define BANCHI_DAEMON_CFG_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>
#include <sys/socket.h>

/* A numeric macro as the string of an option default. */
#define CFG_STR_(x) #x
#define CFG_STR(x) CFG_STR_(x)

#define CONFIG_ERR_MAX 512

enum { CMDLINE_OK = 0, CMDLINE_HELP = 1, CMDLINE_VERSION = 2,
       CMDLINE_HELP_CONFIG = 3 };

struct cfg_listen {
	struct sockaddr_storage sa;
	socklen_t salen;
	char text[64];                  /* as written */
};

/* CFG_SIZE takes K/M/G suffixes; CFG_PATH is taken under the config
 * file's directory when relative; CFG_LISTEN appends a struct cfg_listen
 * to an array (count at n_offset); CFG_TARGET is "stderr" (false) or
 * "syslog" (true); CFG_HOOK calls the option's set function;
 * CFG_SOCKET is a CFG_PATH that a UNIX socket address can hold, or
 * "none" (kept as it is). */
enum cfg_type { CFG_INT, CFG_SIZE, CFG_BOOL, CFG_STR, CFG_PATH, CFG_LISTEN,
		CFG_LEVEL, CFG_TARGET, CFG_HOOK, CFG_SOCKET };

/* Option flags: in YAML, a sequence sets each item (CFG_F_LIST) or is
 * joined with spaces into one value (CFG_F_JOIN). */
enum { CFG_F_LIST = 1, CFG_F_JOIN = 2 };

struct cfg_opt;
/* Sets o in the daemon's struct at base from text: 0, or -1 with a
 * message (without position) in err (CONFIG_ERR_MAX octets). */
typedef int cfg_set_fn(void *base, const struct cfg_opt *o,
		       const char *text, char *err);

/* One option. key is "section.name", a top-level name (handled by the
 * schema's top hook) or NULL (a flag only); flag is without "--". */
struct cfg_opt {
	const char *key;
	const char *flag;
	enum cfg_type type;
	size_t offset;
	long min, max;
	const char *def;                /* NULL: none (or computed) */
	const char *doc;
	unsigned flags;                 /* CFG_F_* */
	size_t n_offset;                /* CFG_LISTEN: its size_t count */
	cfg_set_fn *set;                /* CFG_HOOK */
};

/* The process options both daemons have alike, as rows of a schema
 * table over struct T (its fields threads, user, group, chroot,
 * allow_root, sandbox, landlock). The thread default is computed
 * (cfg_cores). */
#define CFG_OPTS_PROCESS(T) \
	{ .key = "server.threads", .flag = "threads", .type = CFG_INT, \
	  .offset = offsetof(T, threads), .min = 1, .max = 256, \
	  .doc = "worker threads (default: number of cores)" }, \
	{ .key = "server.user", .flag = "user", .type = CFG_STR, \
	  .offset = offsetof(T, user), \
	  .doc = "user to run as (default banchi, else nobody)" }, \
	{ .key = "server.group", .flag = "group", .type = CFG_STR, \
	  .offset = offsetof(T, group), \
	  .doc = "group to run as (default: the user's group)" }, \
	{ .key = "server.chroot", .flag = "chroot", .type = CFG_STR, \
	  .offset = offsetof(T, chroot), \
	  .doc = "directory to chroot into after binding" }, \
	{ .key = "server.allow-root", .flag = "allow-root", \
	  .type = CFG_BOOL, .offset = offsetof(T, allow_root), .max = 1, \
	  .def = "false", .doc = "keep running as root" }, \
	{ .key = "server.sandbox", .flag = "sandbox", .type = CFG_BOOL, \
	  .offset = offsetof(T, sandbox), .max = 1, .def = "true", \
	  .doc = "the seccomp filter once serving (doc/sandbox.md)" }, \
	{ .key = "server.landlock", .flag = "landlock", .type = CFG_BOOL, \
	  .offset = offsetof(T, landlock), .max = 1, .def = "true", \
	  .doc = "files opened only where the config points (doc/sandbox.md)" }

/* The fields of CFG_OPTS_PROCESS plus the listen list, seen alike in
 * either daemon's struct: what a reload cannot change. */
struct cfg_process {
	const struct cfg_listen *listen;
	size_t nlisten;
	long threads;
	const char *user, *group, *chroot;
	bool allow_root, sandbox, landlock;
};

#define CFG_PROCESS_OF(c) ((struct cfg_process){ (c)->listen, \
	(c)->nlisten, (c)->threads, (c)->user, (c)->group, (c)->chroot, \
	(c)->allow_root, (c)->sandbox, (c)->landlock })

/* True when a and b agree (listen addresses compared as written). */
bool cfg_process_same(const struct cfg_process *a,
		      const struct cfg_process *b);

/* Schema-wide rules, kept apart because the daemons' messages differ:
 * CFG_S_STRICT_EMPTY: an empty value is "KEY: empty value" for every
 *   non-boolean option; empty sections and empty list values are
 *   ignored in YAML; numbers over max read "is not a number in range".
 * CFG_S_NO_FLAGS: a boolean's "--no-FLAG" sets it false. */
enum { CFG_S_STRICT_EMPTY = 1, CFG_S_NO_FLAGS = 2 };

struct cfg_yaml;
struct yaml_node_s;

struct cfg_schema {
	const struct cfg_opt *opt;
	size_t nopt;
	const char *const *sections;    /* YAML sections; NULL-terminated */
	const char *root_expect;        /* when the root is no mapping */
	const char *listen_bad;         /* "bad address" */
	const char *listen_forms;       /* "(ADDR[:PORT] or [IPV6]:PORT)" */
	size_t path_off, basedir_off;   /* char *: config file, its dir */
	unsigned flags;                 /* CFG_S_* */
	/* A top-level YAML key other than a section (auth's zones, the
	 * resolver's forward and stub): 1 when not its key, else 0, or -1
	 * with the message set by cfg_yaml_fail. */
	int (*top)(struct cfg_yaml *y, const char *key,
		   struct yaml_node_s *v);
	/* Called before a flag sets o (NULL: none). */
	void (*before_flag)(void *base, const struct cfg_opt *o);
};

/* Zeroes the struct at base (size octets) and applies the defaults. */
void cfg_init(const struct cfg_schema *s, void *base, size_t size);
/* Online cores, 1-256: the default thread count. */
long cfg_cores(void);

const struct cfg_opt *cfg_opt_by_key(const struct cfg_schema *s,
				     const char *key);
const struct cfg_opt *cfg_opt_by_flag(const struct cfg_schema *s,
				      const char *flag);

/* Sets o from its text; 0, or -1 with a message in err. */
int cfg_set(const struct cfg_schema *s, void *base, const struct cfg_opt *o,
	    const char *text, char *err);

/* Parses "addr:port", "[v6]:port", "addr" (port 53) into l. */
int config_parse_listen(struct cfg_listen *l, const char *text);

/* The metrics endpoint's row of a schema table over struct T (its fields
 * metrics, has_metrics). */
#define CFG_OPT_METRICS(T) \
	{ .key = "server.metrics", .flag = "metrics", .type = CFG_HOOK, \
	  .offset = offsetof(T, metrics), \
	  .n_offset = offsetof(T, has_metrics), .set = cfg_set_metrics, \
	  .doc = "ADDR:PORT (or a PORT on 127.0.0.1): serve Prometheus " \
		 "metrics at http://ADDR:PORT/metrics; off by default" }

/* The identity's rows (RFC 4892's CHAOS TXT answers) of a schema table
 * over struct T (its char * fields identity and version_text); the
 * answers themselves: cfg_chaos_ident. */
#define CFG_OPTS_IDENTITY(T) \
	{ .key = "server.identity", .flag = "identity", .type = CFG_STR, \
	  .offset = offsetof(T, identity), \
	  .doc = "TEXT answered to CHAOS TXT id.server and hostname.bind " \
		 "(default: the host name; none: REFUSED)" }, \
	{ .key = "server.version", .flag = "version-text", .type = CFG_STR, \
	  .offset = offsetof(T, version_text), \
	  .doc = "TEXT answered to CHAOS TXT version.bind and " \
		 "version.server (default: banchi and its version; none: " \
		 "REFUSED)" }

/* The answers those two settings give (NULL: the default, the host name
 * and "banchi VERSION"; "none": not answered); the identity's text alone
 * (the host name written into host, of cap octets), NULL for none. */
struct chaos_ident;
void cfg_chaos_ident(struct chaos_ident *ci, const char *identity,
		     const char *version_text);
const char *cfg_identity(const char *identity, char *host, size_t cap);

/* A CFG_HOOK for the metrics endpoint's address: ADDR:PORT,
 * [IPV6]:PORT, a PORT alone (127.0.0.1), or "none"; the struct
 * cfg_listen at o->offset, a bool (on) at o->n_offset. */
int cfg_set_metrics(void *base, const struct cfg_opt *o, const char *text,
		    char *err);

/* Reads YAML into base (which holds defaults). 0, or -1 with
 * "FILE:LINE: message" in err; name is used in messages. The file form
 * also records the path and its directory (path_off, basedir_off). */
int cfg_load_text(const struct cfg_schema *s, void *base, const char *text,
		  size_t len, const char *name, char *err);
int cfg_load_file(const struct cfg_schema *s, void *base, const char *path,
		  char *err);

/* The config file's man page text from the schema (cfg_doc.c): NAME
 * (PROGRAM.yaml), SYNOPSIS (path), DESCRIPTION (with extra, a
 * paragraph, or NULL), KEYS (each key, what it does, its type, default
 * and flag), SEE ALSO. --help-config prints it. */
void cfg_print_doc(const struct cfg_schema *s, FILE *out,
		   const char *program, const char *path, const char *extra);

/* The command line over defaults already in base: -h/--help,
 * --help-config and --version first, then the config file (-c FILE, --config=FILE; its
 * path loses the strip prefix when it has it), then the flags, which
 * override it ("--flag VALUE", "--flag=VALUE", a boolean alone). Paths
 * given as flags are relative to the working directory. CMDLINE_* or
 * -1 with err. */
int cfg_cmdline(const struct cfg_schema *s, void *base, int argc,
		char **argv, const char *strip, char *err);

#endif
