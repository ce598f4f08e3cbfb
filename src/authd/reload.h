/* What the workers read: one immutable snapshot (zones and the answer
 * settings), published by one RCU pointer swap. The loader remembers
 * which file each zone came from, so that a reload re-reads only the
 * files that changed and keeps old data for zones that fail. Loader
 * functions run in one thread (the main thread), never in workers. */
#ifndef BANCHI_AUTHD_RELOAD_H
#define BANCHI_AUTHD_RELOAD_H

#include <stddef.h>
#include <sys/stat.h>

#include "auth/answer.h"
#include "authd/config.h"
#include "authd/xfr_acl.h"
#include "zone/zonedb.h"

struct served {
	struct zonedb *db;
	struct auth_conf conf;          /* conf.keys points at keys */
	struct tsig_keyring keys;
	struct xfr_rules xfr;           /* conf.xfr_arg points at it */
	struct xfr_rules upd;           /* allow-update */
	bool moved;                     /* keys and rules moved to the next
					 * snapshot (served_replace) */
	long tcp_idle;
	long tcp_max;
	long tcp_per_client;
	long udp_coalesce;               /* microseconds, udp_wait.h */
};

struct zsrc {
	uint8_t origin[NAME_MAXLEN];
	char *path;
	struct stat st;                 /* of the file when it was loaded */
	struct zdb_zone *zone;          /* one reference */
	bool dynamic;                   /* takes updates (loader_set_zone) */
	bool secondary;                 /* no file: transferred (its data
					 * only from loader_set_zone) */
	bool member;                    /* of a consumed catalog: not in
					 * the config, kept across reloads
					 * until loader_remove_member */
	bool db;                        /* from the database (sqlzones.h):
					 * its data only from there */
};

struct loader {
	struct zsrc *src;
	size_t n;
	const char *strip;              /* chroot prefix to cut from paths */
	const uint8_t *only;            /* a reload of this zone alone: the
					 * others kept as they are */
	auth_xfr_changes_fn *changes;   /* IXFR's source, for each snapshot */
	void *changes_arg;
	struct zdb_zone *catalog;       /* produced (catalog.h), or NULL */
	/* merges a changed file into a zone that takes updates, given the
	 * copy of the file as last loaded, ZONE-DIR/NAME.base (NULL: the
	 * file with the later serial wins whole) */
	struct zdb_zone *(*merge)(void *arg, const char *was_path,
				  const struct zdb_zone *now,
				  struct zdb_zone *head);
	void *merge_arg;
	bool (*dead)(void *arg, const uint8_t *qname);  /* auth_conf's */
	void *dead_arg;
	/* zones from the database (sqlzones.h) at start: their origins,
	 * and their first versions (references the first run takes; NULL
	 * for one that did not load); later runs carry over the database
	 * zones of the run before (loader_add_db, loader_remove_db) */
	uint8_t (*db_origin)[NAME_MAXLEN];
	struct zdb_zone **db_first;
	size_t ndb;
	bool ran;                       /* loader_run done once */
	/* xfr_rules.parent (catalog members take their catalog's list) */
	const uint8_t *(*xfr_parent)(void *arg, const uint8_t *origin);
	void *xfr_parent_arg;
};

struct load_stats {
	size_t zones, failed, reused, records;
	double seconds;
};

/* Loads (or reuses) every zone of c and makes the new snapshot in *out.
 * Zones that fail are logged with FILE:LINE and keep their old data when
 * they had any. Returns 0, or BN_ENOMEM (nothing changed). */
int loader_run(struct loader *ld, const struct config *c,
	       struct served **out, struct load_stats *st);
void loader_clear(struct loader *ld);

void served_free(struct served *s);

/* A snapshot like cur with zones v[0 .. n) in place of those of the same
 * origin (added when cur has none); cur's keys and rules move to it (cur
 * must then only be read until freed). NULL when out of memory (cur
 * unchanged). */
struct served *served_replace(struct served *cur, struct zdb_zone *const *v,
			      size_t n);

/* The loader's zone of that origin becomes v (a new version made by an
 * update): a reload whose file did not change keeps serving it. */
void loader_set_zone(struct loader *ld, struct zdb_zone *v);

/* A snapshot like cur without the zone of that origin (a secondary
 * expired); cur's keys and rules move to it. NULL when out of memory. */
struct served *served_drop(struct served *cur, const uint8_t *origin);
/* The loader's secondary zone of that origin is served no more. */
void loader_drop_zone(struct loader *ld, const uint8_t *origin);

/* What the loader's zone of that origin is (a reload may have made a
 * secondary a file zone, a catalog member a secondary of the config,
 * or dropped it). */
enum loader_kind { LOADER_NONE, LOADER_FILE, LOADER_SECONDARY,
		   LOADER_MEMBER, LOADER_DB };
enum loader_kind loader_kind_of(const struct loader *ld,
				const uint8_t *origin);

/* A catalog member (secondary, not in the config) is known to the
 * loader from now on (before loader_set_zone gives its data); removed:
 * forgotten. Under the publish lock. */
int loader_add_member(struct loader *ld, const uint8_t *origin);
void loader_remove_member(struct loader *ld, const uint8_t *origin);
/* The same for a zone the database gained or lost at run time (the
 * writer's, under the publish lock). */
int loader_add_db(struct loader *ld, const uint8_t *origin);
void loader_remove_db(struct loader *ld, const uint8_t *origin);

/* Swaps *slot to s, waits for readers of the old one, frees it. */
void served_publish(struct served **slot, struct served *s);

#endif
