/* banchi-auth configuration: one schema table (config_schema.c) drives
 * both the YAML loader and the command-line flags. A struct config is
 * built whole, then used read-only; reload builds a new one. */
#ifndef BANCHI_AUTHD_CONFIG_H
#define BANCHI_AUTHD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/cfg.h"
#include "qlog/qlog.h"
#include "wire/name.h"
#include "wire/tsig.h"

struct cfg_zone {
	char *name;                     /* as written */
	char *file;                     /* relative to the config file's dir */
	uint8_t origin[NAME_MAXLEN];
};

/* allow-transfer or allow-update for one zone: the ACL text as given
 * (entries of several flags joined with commas), checked when read. */
struct cfg_xfr {
	uint8_t origin[NAME_MAXLEN];
	char *zone;                     /* as written */
	char *acl;
};

/* --notify-ns ZONE[@KEY], zones.notify-ns: NOTIFYs of the zone go to
 * the addresses of its NS names too (notify_ns.c). */
struct cfg_notify_ns {
	uint8_t origin[NAME_MAXLEN];
	char *zone;                     /* as written */
	bool keyed;                     /* signed with key */
	uint8_t key[NAME_MAXLEN];
	unsigned long line;             /* in the config file; 0: a flag */
};

/* A secondary zone: transferred from its primaries, kept in zone_dir. */
#define CFG_PRIMARIES_MAX 8
struct cfg_secondary {
	char *name;                     /* as written */
	uint8_t origin[NAME_MAXLEN];
	struct cfg_listen primary[CFG_PRIMARIES_MAX];
	size_t nprimary;
	bool keyed;                     /* transfers and NOTIFYs signed */
	uint8_t key[NAME_MAXLEN];       /* with this key of the ring */
	bool catalog;                   /* a catalog consumed (RFC 9432):
					 * its members are secondaries too */
};

struct config {
	struct cfg_listen *listen;
	size_t nlisten;
	struct cfg_zone *zones;
	size_t nzones;
	struct cfg_xfr *xfrs;           /* allow-transfer, one per zone */
	size_t nxfrs;
	struct cfg_xfr *updates;        /* allow-update, one per zone */
	size_t nupdates;
	struct cfg_secondary *secondaries;
	size_t nsecondaries;
	struct cfg_xfr *notifies;       /* notify: acl holds the targets */
	size_t nnotifies;
	struct cfg_notify_ns *notify_ns;/* one per zone */
	size_t nnotify_ns;
	long notify_lag;                /* seconds (notify.h) */
	char *zone_dir;                 /* journals (and secondary zones) */
	char *zone_db;                  /* "sqlite:PATH": zones from it */
	bool zone_db_cache;             /* its zones' start cache in zone_dir */
	char *catalog;                  /* --catalog-produce NAME, or NULL */
	uint8_t catalog_origin[NAME_MAXLEN];
	long journal_max;               /* bytes per journal */
	struct tsig_key_spec *keys;     /* TSIG keys, secrets included */
	size_t nkeys;
	char **keyfiles;                /* read by config_load_keyfiles */
	size_t nkeyfiles;
	long threads;
	char *user;
	char *group;
	char *chroot;
	bool allow_root;
	bool sandbox;                   /* seccomp once serving */
	bool landlock;                  /* Landlock once serving */
	long udp_payload;
	bool minimal;                   /* minimal responses */
	long tcp_idle;
	long tcp_max;
	long tcp_per_client;
	long udp_coalesce;              /* microseconds */
	char *control;                  /* control socket: NULL for the
					 * default, "none" for none */
	char *identity;                 /* id.server, NSID: NULL for the
					 * host name, "none" for none */
	char *version_text;             /* version.bind: NULL for ours */
	char *nsid;                     /* NULL or "none": no NSID */
	struct cfg_listen metrics;      /* the metrics endpoint, when */
	bool has_metrics;               /* on (off by default) */
	long log_level;                 /* enum log_level */
	bool log_syslog;
	struct qlog_conf qlog;          /* dnstap, the query log */
	char *path;                     /* the config file, or NULL */
	char *basedir;                  /* its directory, for relative paths */
};

/* The schema (config_schema.c): options, sections, the zones hook. */
extern const struct cfg_schema config_cfg;
/* Its hooks: the zones and keys lists in YAML (config_yaml.c,
 * config_keys.c), --zone NAME=FILE (cmdline.c), --key [ALG:]NAME:SECRET
 * and --key-file FILE (config_keys.c). */
int config_yaml_top(struct cfg_yaml *y, const char *key,
		    struct yaml_node_s *v);
int config_yaml_keys(struct cfg_yaml *y, struct yaml_node_s *v);
int config_zone_flag(void *base, const struct cfg_opt *o, const char *text,
		     char *err);
int config_key_flag(void *base, const struct cfg_opt *o, const char *text,
		    char *err);
int config_keyfile_flag(void *base, const struct cfg_opt *o,
			const char *text, char *err);
int config_xfr_flag(void *base, const struct cfg_opt *o, const char *text,
		    char *err);
int config_update_flag(void *base, const struct cfg_opt *o, const char *text,
		       char *err);
int config_secondary_flag(void *base, const struct cfg_opt *o,
			  const char *text, char *err);
int config_catalog_flag(void *base, const struct cfg_opt *o,
			const char *text, char *err);
int config_notify_flag(void *base, const struct cfg_opt *o, const char *text,
		       char *err);
int config_zonedb_flag(void *base, const struct cfg_opt *o, const char *text,
		       char *err);
int config_notify_ns_flag(void *base, const struct cfg_opt *o,
			  const char *text, char *err);

/* The Landlock rules of what the daemon opens once serving (config_fs.c);
 * ctl: the control socket's path or NULL. */
struct sandbox_fs;
void config_fs_rules(const struct config *c, const char *ctl,
		     struct sandbox_fs *f);

/* Defaults in place; threads is the number of online cores. */
void config_init(struct config *c);
void config_clear(struct config *c);

/* Adds a zone ("name", "file"); 0 or -1 with a message in err. */
int config_add_zone(struct config *c, const char *name, const char *file,
		    char *err);
/* Allows transfers of zone by acl ("ADDR[/BITS], key:NAME, ..."); a
 * zone given twice gets both lists. 0 or -1 with a message in err. */
int config_add_xfr(struct config *c, const char *zone, const char *acl,
		   char *err);
/* Allows dynamic updates of zone by acl (the same forms). */
int config_add_update(struct config *c, const char *zone, const char *acl,
		      char *err);
/* A secondary zone: primaries "ADDR[:PORT],..." (port 53 when left
 * out), key a key name or NULL. 0 or -1 with a message in err. */
int config_add_secondary(struct config *c, const char *zone,
			 const char *primaries, const char *key, char *err);
void config_clear_secondaries(struct config *c);
/* The secondary of that origin, or NULL. */
const struct cfg_secondary *config_secondary(const struct config *c,
					     const uint8_t *origin);
/* Secondaries: not also served from a file, no allow-update, their key
 * in the ring. 0 or -1 with a message in err. */
int config_validate_secondaries(const struct config *c, char *err);
/* NOTIFYs of zone go to list ("ADDR[:PORT][@KEY], ..."); a zone given
 * twice gets both lists (config_notify.c). 0 or -1 with err. */
int config_add_notify(struct config *c, const char *zone, const char *list,
		      char *err);
void config_clear_notify(struct config *c);
int config_validate_notify(const struct config *c, char *err);
/* NOTIFYs of zone go to its NS names' addresses too, signed with key
 * (a key name, or NULL); line: where the config file says so (0 for a
 * flag), for the messages of config_validate_notify_ns. The same zone
 * again replaces the key (config_notify_ns.c). 0 or -1 with err. */
int config_add_notify_ns(struct config *c, const char *zone, const char *key,
			 unsigned long line, char *err);
/* The entry of that origin, or NULL. */
const struct cfg_notify_ns *config_notify_ns(const struct config *c,
					     const uint8_t *origin);
void config_clear_notify_ns(struct config *c);
/* Each names a zone served from a file, and a key of the ring. */
int config_validate_notify_ns(const struct config *c, char *err);
/* Frees both lists. */
void config_clear_xfrs(struct config *c);
/* Every allow-transfer and allow-update names a zone served. */
int config_validate_xfrs(const struct config *c, char *err);
/* Adds a TSIG key; the same key twice is one, two different keys of
 * one name an error. 0 or -1 with a message in err. */
int config_add_key(struct config *c, const struct tsig_key_spec *s,
		   char *err);
/* Adds a key file to read (relative paths under basedir when set). */
int config_add_keyfile(struct config *c, const char *path, char *err);
/* Reads the key files (each path losing the prefix strip, a chroot, when
 * it has it). 0 or -1 with "FILE:LINE: message" in err. */
int config_load_keyfiles(struct config *c, const char *strip, char *err);

/* Reads a YAML file into c (which holds defaults). 0, or -1 with
 * "FILE:LINE: message" in err (CONFIG_ERR_MAX octets). */
int config_load_file(struct config *c, const char *path, char *err);
/* The same from text in memory; name is used in messages. */
int config_load_text(struct config *c, const char *text, size_t len,
		     const char *name, char *err);

/* A zone file's path as opened: relative paths under basedir. The
 * result is written to buf (cap octets). */
const char *config_zone_path(const struct config *c,
			     const struct cfg_zone *z, char *buf, size_t cap);

/* Checks what the options cannot check one by one (at least one listen
 * address). 0 or -1 with a message in err. */
int config_validate(struct config *c, char *err);

#endif
