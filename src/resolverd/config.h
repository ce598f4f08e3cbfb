/* banchi-resolver configuration: one schema table (config_schema.c)
 * drives the YAML keys and the command-line flags. A struct rconfig is
 * built whole, then read-only; rsnap_build turns it into the snapshot
 * the serving threads use. A reload builds a new one. */
#ifndef BANCHI_RESOLVERD_CONFIG_H
#define BANCHI_RESOLVERD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "daemon/cfg.h"
#include "qlog/qlog.h"
#include "resolve/cache.h"
#include "wire/name.h"

/* A forward or stub zone: "to" addresses (port 53 unless given). */
struct rcfg_fwd {
	char *zone;                     /* as written */
	uint8_t name[NAME_MAXLEN];      /* lowercase wire form */
	bool stub;
	struct cfg_listen *to;
	size_t nto;
};

/* A list of strings (allow, allow-snoop, allow-special, local data). */
struct rcfg_list {
	char **v;
	size_t n;
};

/* A negative trust anchor (RFC 7646) added by banchi-ctl: the zone's
 * data is not validated until the wall clock reaches until. */
struct rnta {
	uint8_t zone[NAME_MAXLEN];
	time_t until;
};

struct rconfig {
	/* server */
	struct cfg_listen *listen;      /* empty: 127.0.0.1:53, [::1]:53 */
	size_t nlisten;
	long threads;
	char *user, *group, *chroot;
	bool allow_root;
	bool sandbox;                   /* seccomp once serving */
	bool landlock;                  /* Landlock once serving */
	long udp_payload;
	long tcp_idle, tcp_max, tcp_per_client;
	long udp_coalesce;              /* microseconds */
	long max_pending;
	char *identity, *version_text;  /* CHAOS TXT answers (RFC 4892):
					 * NULL: the defaults, "none": off */
	/* resolver */
	char *root_hints;               /* NULL: built-in IANA hints */
	bool qname_min, use_0x20;
	long edns_payload, max_upstream, max_depth, max_cname, max_time;
	/* dnssec */
	bool dnssec_validate;
	bool aggressive_nsec;           /* RFC 8198, with dnssec_validate */
	char *trust_anchor;             /* NULL: the built-in root anchors */
	char *auto_trust_anchor;        /* RFC 5011 state file, or NULL */
	long add_holddown, del_holddown, keep_missing;  /* seconds */
	bool small_holddown;            /* probes as often as each second */
	/* the trusted records of the RFC 5011 point (autotrust.c; the
	 * daemon's, not the config's: never freed with it) */
	const char *auto_ta;
	/* access */
	struct rcfg_list allow;
	bool allow_exact;               /* --allow given: no implicit loopback */
	bool open_resolver;
	struct rcfg_list allow_snoop;   /* RD=0 answered from the cache */
	bool snoop_exact;               /* --allow-snoop given */
	/* cache */
	long cache_size;                /* octets */
	long min_ttl, max_ttl, neg_max_ttl, serve_stale;
	bool prefetch;
	char *cache_file;               /* NULL: not kept across restarts */
	/* forward and stub */
	struct rcfg_fwd *fwd;
	size_t nfwd;
	/* local */
	char *hosts, *blocklist;
	struct rcfg_list local_data;
	bool block_has4, block_has6;    /* block-answer: neither = NXDOMAIN */
	uint8_t block4[4], block6[16];
	struct rcfg_list allow_special;
	struct rcfg_list domain_insecure;       /* dnssec.domain-insecure */
	/* negative trust anchors added at run time (nta.c; the daemon's,
	 * not the config's: never freed with it) */
	const struct rnta *nta;
	size_t nnta;
	char *control;                  /* control socket: NULL for the
					 * default, "none" for none */
	struct cfg_listen metrics;      /* the metrics endpoint, when */
	bool has_metrics;               /* on (off by default) */
	/* log */
	long log_level;                 /* enum log_level */
	bool log_syslog;
	struct qlog_conf qlog;          /* dnstap, the query log */
	char *path;                     /* the config file, or NULL */
	char *basedir;                  /* its directory: relative paths */
	/* Set by the daemon after chroot: this prefix is cut from absolute
	 * file paths before opening them (not owned). */
	const char *strip;
};

/* The Landlock rules of what the daemon opens once serving
 * (config_fs.c); ctl: the control socket's path or NULL. */
struct sandbox_fs;
void rconfig_fs_rules(const struct rconfig *c, const char *ctl,
		      struct sandbox_fs *f);

/* The files the settings name (config_file.c). The path as opened:
 * the chroot prefix (c->strip) cut. A whole file read into *text
 * (malloc, NUL-terminated, *len octets; over max octets is an error):
 * 0, BN_ENOTFOUND when it does not exist, or BN_EIO; each with
 * "PATH: ..." in err (CONFIG_ERR_MAX octets). */
const char *rconfig_open_path(const struct rconfig *c, const char *path);
int rconfig_slurp(const char *path, size_t max, char **text, size_t *len,
		  char *err);

/* The schema (config_schema.c) and its hooks: the list options that
 * check their items as they are read (so that errors carry the file's
 * line), the forward/stub lists in YAML (config_yaml.c) and the first
 * --allow (--allow-snoop) replacing the file's list (config_flags.c). */
extern const struct cfg_schema rconfig_cfg;
cfg_set_fn rconfig_set_allow, rconfig_set_fwd, rconfig_set_block,
	   rconfig_set_rr, rconfig_set_zone;
int rconfig_yaml_fwd(struct cfg_yaml *y, const char *key,
		     struct yaml_node_s *v);
void rconfig_before_flag(void *base, const struct cfg_opt *o);

/* Defaults in place; threads is the number of online cores. */
void rconfig_init(struct rconfig *c);
void rconfig_clear(struct rconfig *c);

/* Adds a forward (stub false) or stub zone; addrs are "ADDR[:PORT]" or
 * "[V6]:PORT". 0, or -1 with a message in err. */
int rconfig_add_fwd(struct rconfig *c, const char *zone, bool stub,
		    const char *const *addrs, size_t naddrs, char *err);
/* The flag form "ZONE=ADDR[:PORT][,ADDR...]". */
int rconfig_parse_fwd(struct rconfig *c, const char *text, bool stub,
		      char *err);

/* Reads a YAML file into c (which holds defaults). 0, or -1 with
 * "FILE:LINE: message" in err. */
int rconfig_load_file(struct rconfig *c, const char *path, char *err);
int rconfig_load_text(struct rconfig *c, const char *text, size_t len,
		      const char *name, char *err);

/* After loading: default listen addresses when none was given, and the
 * checks options cannot make one by one. 0 or -1 with err. */
int rconfig_finish(struct rconfig *c, char *err);

/* Defaults, the config file (-c FILE; its path loses the strip prefix
 * when it has it), then the flags, which override it (--allow replaces
 * the file's allow list and drops the implicit loopback, --allow-snoop
 * replaces the file's allow-snoop list; the other list flags add).
 * CMDLINE_OK/HELP/VERSION (cmdline.h) or -1 with err. */
int rconfig_cmdline(struct rconfig *c, int argc, char **argv,
		    const char *strip, char *err);
extern const char rconfig_usage[];

/* The cache settings of c. */
void rconfig_cache_conf(const struct rconfig *c, struct cache_conf *cc);

/* True when some listen address is outside loopback. */
bool rconfig_listens_public(const struct rconfig *c);

struct rsnap;
/* Builds the snapshot the serving threads use (refs 1): res_conf (hints
 * file or built-in, forward and stub zones, query_loopback when a hint
 * or forwarder is loopback), local data (special-use zones, allowed
 * zones, hosts, records, block list), ACL, limits. 0, or -1 with
 * "FILE:LINE: problem" (or a message) in err (CONFIG_ERR_MAX). */
int rsnap_build(const struct rconfig *c, struct rsnap **out, char *err);

#endif
