/* Zones from a SQL database in PowerDNS's schema (--zone-db): every
 * NATIVE and MASTER zone of its domains table is read at start into the
 * same in-memory store as file zones; then one watcher thread follows
 * the database (banchi_changes rows, or PRAGMA data_version when the
 * database is read-only), takes on zones added and drops zones removed
 * (sqlzones_domains.c), reads again the names that changed (or the
 * whole zone), and hands the difference to the writer as a change
 * (journal, publication, NOTIFY, IXFR), raising the SOA serial when the
 * rows changed and it did not. A dynamic update of such a zone is
 * written into the database before it is answered (sqlzones_write).
 * Queries never touch the database: while
 * it is locked, gone or broken the last data read is served, the state
 * logged once, and the watcher retries with a growing delay. */
#ifndef BANCHI_AUTHD_SQLZONES_H
#define BANCHI_AUTHD_SQLZONES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "authd/config.h"
#include "authd/reload.h"
#include "backend/pdns_sql.h"
#include "backend/sql.h"

struct updater;
struct sqlz_job;

#define SQLZ_KEY_MAX 160        /* a start cache's key, as text */

struct sqlz_zone {
	struct pdns_domain d;
	uint32_t db_serial;             /* the database SOA's, last read */
	_Atomic uint64_t digest;        /* of the records served (no SOA);
					 * the writer adds its changes */
	bool served;                    /* has a version */
	bool refused;                   /* its rows make no valid zone
					 * (logged once until they do) */
	size_t bad_rows;                /* in the read going on */
	bool save;                      /* banchi_serial to write: */
	uint32_t save_serial;           /* the serial served */
	bool fresh;                     /* added in this read: read whole */
	bool clash;                     /* its name served otherwise (said) */
	/* the start cache (sqlzones_cache.c): the key of the file written
	 * (or loaded), when, and whether the zone was read since */
	char cache_key[SQLZ_KEY_MAX];
	double cache_at;
	double changed_at;              /* when it was last read */
	bool cache_dirty;
};

enum sqlz_state { SQLZ_OK, SQLZ_BUSY, SQLZ_GONE, SQLZ_BROKEN };

struct sqlzones {
	char *uri;
	struct sql_conn c;              /* the watcher's (the start's too) */
	struct sql_conn wc;             /* the writer's (sqlzones_write) */
	bool tracked;                   /* banchi_changes and triggers */
	bool track_known;               /* tracked was found out once */
	bool writable;                  /* banchi_serial may be written */
	int64_t cursor;                 /* last change id read */
	double pruned_at;               /* when old changes last went */
	double saved_at;                /* when serials were last written */
	/* the zones served from the database: the watcher's, which adds
	 * and removes them (sqlzones_domains.c) holding zmu; other threads
	 * read them holding zmu */
	struct sqlz_zone *z;
	size_t n, cap;
	pthread_mutex_t zmu;
	/* for the loader: each zone's origin, its first version (the
	 * nstart zones of the start) */
	uint8_t (*origins)[NAME_MAXLEN];
	struct zdb_zone **first;
	size_t nstart;
	struct updater *upd;
	struct served **cur;
	enum sqlz_state state;
	double retry_at, backoff;       /* seconds (monotonic) */
	bool dirty;                     /* a change seen, not yet read */
	bool resync;                    /* read every zone whole next */
	char err[512];                  /* the last failure's text */
	pthread_t th;
	bool running, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	/* the start caches: in cache_dir (NULL: none kept); trusted when
	 * the change tracking was there before this start; the files to
	 * write, by a thread of their own */
	char *cache_dir;
	bool cache_trusted;
	struct sqlz_job *jobs;
	pthread_t cache_th;
	bool cache_running, cache_stop;
	pthread_mutex_t cache_mu;
	pthread_cond_t cache_cv;
};

/* Connects to c->zone_db (nothing to do without it: 0), installs the
 * change tracking when the database is writable, and reads every zone
 * (s->origins, s->first for the loader). A zone also served from a
 * file or as a secondary, or given allow-update, refuses the start
 * (-1, logged), as does a database that cannot be read. */
int sqlzones_open(struct sqlzones *s, const struct config *c);
/* Whether c serves a zone of the database otherwise (a reload's new
 * config: refused then). */
bool sqlzones_clash(struct sqlzones *s, const struct config *c);
/* Whether the zone of that origin comes from the database. */
bool sqlzones_has(struct sqlzones *s, const uint8_t *origin);
/* The watcher, handing changes to u, reading the zones from *cur. */
int sqlzones_start(struct sqlzones *s, struct updater *u,
		   struct served **cur);
void sqlzones_stop(struct sqlzones *s);
void sqlzones_clear(struct sqlzones *s);

/* An UPDATE's change to a zone of the database (arg: the sqlzones),
 * written into it in one transaction; called by the writer thread only,
 * before it journals the change and answers. 0, or an error with why. */
int sqlzones_write(void *arg, const uint8_t *origin, const struct zchange *c,
		   char *why, size_t cap);

/* Internals shared by sqlzones*.c. */
double sqlz_now(void);
/* The version of z served now (a reference), or NULL. */
struct zdb_zone *sqlz_served(struct sqlzones *s, const struct sqlz_zone *z);
/* The diagnostics of a zone's rows (ctx: the struct sqlz_zone), to the
 * log; sqlz_rows_done after each read says how many were not listed. */
void sqlz_row_diag(void *ctx, const char *table, const char *id,
		   const char *why);
void sqlz_rows_done(struct sqlz_zone *z);
/* Installs the change tracking on the connection (when it can write)
 * and sets tracked; 0, or a database error to try again later. */
int sqlz_track(struct sqlzones *s);
/* s->cursor: the last change id now. */
int sqlz_last_change(struct sqlzones *s);
/* Reads the zone whole and makes the served version follow it. 0 (done,
 * or the rows refused: the old version kept, logged) or a database
 * error. */
int sqlz_whole(struct sqlzones *s, struct sqlz_zone *z);
/* A change made against the served version (its soa_to the database's
 * SOA, or the served one) given to the writer with the serial to serve,
 * unless it holds nothing to serve; db: the database's serial now. 0 or
 * the writer's error. */
int sqlz_hand_over(struct sqlzones *s, struct sqlz_zone *z,
		   struct zchange *d, uint32_t db);
/* The same for the rows of some names (the change table's texts):
 * falls back to sqlz_whole where a change of these names needs the
 * whole zone checked. */
int sqlz_names(struct sqlzones *s, struct sqlz_zone *z,
	       const struct sql_text *names, size_t n);
/* Change-table rows after s->cursor read and applied. */
int sqlz_read_changes(struct sqlzones *s);
/* The domains table listed again: zones it gained read whole and
 * served, zones it lost (deleted, renamed, made a kind not served) no
 * longer served. 0 or a database error. */
int sqlz_domains(struct sqlzones *s);
/* The zone of that origin (the watcher's, or under zmu), or NULL. */
struct sqlz_zone *sqlz_find(struct sqlzones *s, const uint8_t *origin);

/* Serials (sqlzones_serial.c). */
uint64_t sqlz_digest(const struct zdb_zone *v);
uint64_t sqlz_digest_change(uint64_t d, const struct zchange *c);
/* The serial to serve after a change: the database's when it is after
 * the one served, else one more than the served one. */
uint32_t sqlz_next_serial(uint32_t db, uint32_t served);
/* At start: the serial to serve v (read with the database's serial and
 * this digest) under, from banchi_serial; the row written when it must
 * be. */
uint32_t sqlz_start_serial(struct sqlzones *s, struct sqlz_zone *z,
			   uint32_t db, uint64_t digest);
/* After a change served: banchi_serial's row of z (outside the read
 * transaction: a write). 0 or an error (then tried again later). */
int sqlz_save_serial(struct sqlzones *s, const struct sqlz_zone *z,
		     uint32_t served);
/* Writes the rows marked z->save, and prunes old changes; now: without
 * waiting for the next turn. */
void sqlz_save_all(struct sqlzones *s, bool now);
/* v with its SOA serial set (a new version, or v referenced again when
 * it already has it); NULL when out of memory. */
struct zdb_zone *sqlz_with_serial(struct zdb_zone *v, uint32_t serial);

/* Start caches (sqlzones_cache.c, sqlzones_cache_write.c). The key of
 * z's rows now, in the read transaction going on (*last: the last
 * change id, -1 when none); 0 or a database error. */
int sqlz_cache_key(struct sqlzones *s, const struct sqlz_zone *z,
		   char *key, size_t cap, int64_t *last);
/* z loaded from its cache when that holds key: 0 with *out (one
 * reference) and its *digest; 1 when not used (why logged). */
int sqlz_cache_load(struct sqlzones *s, struct sqlz_zone *z,
		    const char *key, struct zdb_zone **out, uint64_t *digest);
/* The first lines of a cache file of v under key. */
void sqlz_cache_head(char *buf, size_t cap, const char *key,
		     const struct zdb_zone *v, uint64_t digest,
		     const char *name);
uint64_t sqlz_soa_hash(const struct zdb_zone *v);
uint64_t sqlz_fnv(uint64_t h, const void *p, size_t n);
/* The zone was read again: its start cache is checked again, once it
 * has been quiet for a while (sqlzones_cache_write.c). */
void sqlz_cache_stale(struct sqlz_zone *z);
/* v (its reference taken over: served, or the database's version) to
 * be written as z's cache under key, with z's database serial. */
void sqlz_cache_queue(struct sqlzones *s, struct sqlz_zone *z,
		      struct zdb_zone *v, const char *key);
/* The watcher's turn: the caches of zones changed written when due (now:
 * whatever changed, at stop). */
void sqlz_cache_tick(struct sqlzones *s, bool now);
/* z's cache file removed (the zone left the database). */
void sqlz_cache_drop(struct sqlzones *s, const struct sqlz_zone *z);
int sqlz_cache_start(struct sqlzones *s);
void sqlz_cache_stop(struct sqlzones *s);

#endif
