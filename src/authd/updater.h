/* The writer of banchi-auth: one thread that applies dynamic UPDATEs
 * (RFC 2136). Workers hand it each UPDATE; it takes every request
 * waiting, applies them in order to its head version of each zone,
 * appends each change to the zone's journal, makes the journals durable
 * once (group commit), publishes the new versions once, and only then
 * answers. See doc/design/zone-changes.md. */
#ifndef BANCHI_AUTHD_UPDATER_H
#define BANCHI_AUTHD_UPDATER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "authd/reload.h"
#include "journal/journal.h"

struct server;
struct notifier;

/* A zone that takes updates, with its journal. On a zone where making
 * a version is slow (a large zone: the node array is copied), changes
 * journaled and answered wait a little in pend, merged, for one version
 * to carry many (updater_pend.c). */
struct upd_zone {
	uint8_t origin[NAME_MAXLEN];
	char name[NAME_TEXT_MAX];
	struct journal *j;
	struct zchange pend;            /* over the version being served */
	size_t npend;                   /* changes in it (0: none) */
	uint32_t tip;                   /* serial of the last one */
	uint64_t *names;                /* hashes of the names they touch */
	size_t nnames, capnames;
	double patch_ms;                /* what the last version cost */
	double since;                   /* when the first one came (s) */
	bool touched;                   /* changed in the batch running */
	bool sync_failed;
	bool db;                        /* from the database: its changes
					 * come whole (updater_change) or,
					 * an UPDATE's, are written to it
					 * first (db_write); the journal
					 * serves IXFR only */
	_Atomic bool gone;              /* removed from the database: not
					 * served, kept until updater_clear
					 * (other threads may hold it) */
};

struct upd_req;

struct updater {
	struct served **cur;            /* the server's snapshot slot */
	double due;                     /* when pending changes must be
					 * published (monotonic s), or 0 */
	double trim_at;                 /* when, idle, the replaced
					 * versions' spines go, or 0 */
	pthread_mutex_t *publish;       /* held by whoever publishes */
	struct loader *ld;              /* its zones follow the head */
	char *dir;                      /* the zone dir (a copy: the config
					 * goes on reload) */
	/* The zones, read by other threads without a lock (updater_has,
	 * updater_zone): a zone never moves, and is added by storing its
	 * slot, then the count; an array outgrown is kept (retired) until
	 * updater_clear, as a reader may still be in it. */
	struct upd_zone **_Atomic zones;
	_Atomic size_t nzones;
	size_t capzones;
	void **retired;
	size_t nretired;
	struct notifier *notify;        /* told of each zone published */
	/* An UPDATE's change to a database zone (upd_zone.db), written
	 * into the database before it is journaled and answered: 0, or an
	 * error with why (the UPDATE then gets SERVFAIL). */
	int (*db_write)(void *arg, const uint8_t *origin,
			const struct zchange *c, char *why, size_t cap);
	void *db_arg;
	size_t journal_max;             /* bytes a journal may grow to */
	pthread_t th;
	bool running;
	pthread_mutex_t mu;             /* the queue */
	pthread_cond_t cv;
	struct upd_req *head, **tail;
	size_t queued;
	bool stop;
	void *scratch;                  /* the batch step's */
	void *flush_scratch;            /* updater_flush_all's: a reload
					 * runs it while the writer may still
					 * finish a batch with its own */
};

/* Opens (creating) the journal of each zone in dir and applies its
 * changes to the zone being served from *cur (before the workers start).
 * A journal that does not follow the zone file is set aside, logged.
 * Zones with db[i] true (db may be NULL) come from the database: what
 * is served is what was read from it, the journal only keeps the
 * changes for IXFR (emptied when it does not end at the served serial;
 * a serial behind the journal's is raised past it). 0, or -1 (logged). */
int updater_open(struct updater *u, struct served **cur,
		 pthread_mutex_t *publish, struct loader *ld,
		 const char *dir, const uint8_t (*origins)[NAME_MAXLEN],
		 const bool *db, size_t n);
int updater_start(struct updater *u);
/* Stops the thread after the requests queued are answered. */
void updater_stop(struct updater *u);
void updater_clear(struct updater *u);

/* Publishes every pending change now, with the publish lock held (a
 * reload, before it reads the zones): the snapshot it replaced, to free
 * after synchronize_rcu(), or NULL. */
struct served *updater_flush_all(struct updater *u);

/* True if origin takes updates here (the workers' quick test). */
bool updater_has(const struct updater *u, const uint8_t *origin);

/* UDP: the request is queued and answered later from fd to the sender
 * of in (its source address kept). false: the queue is full (the caller
 * answers SERVFAIL). */
bool updater_submit_udp(struct updater *u, const uint8_t *q, size_t len,
			int fd, const struct msghdr *in);
/* TCP: waits for the answer and writes it to out; its length, 0 for
 * none. May be called inside an RCU read section: the writer answers
 * before it waits for readers of the version it replaced. */
size_t updater_submit_tcp(struct updater *u, const uint8_t *q, size_t len,
			  const struct sockaddr_storage *peer, uint8_t *out,
			  size_t cap);

/* A change made outside (rows changed in the database), handed to the
 * writer whole: applied to the zone's head, journaled, made durable,
 * published and notified as an UPDATE's change, in the writer's order;
 * the caller waits until it is served. c must start at the serial
 * served. 0, BN_EINVAL (c does not start at the served serial, or no
 * such zone), BN_ENOTFOUND (c removes a record the zone does not hold),
 * BN_EIO (the journal could not be written), BN_ENOMEM. */
int updater_change(struct updater *u, const uint8_t *origin,
		   struct zchange *c);
/* A whole new version of a zone from the database (one not served
 * yet, say): its journal emptied (IXFR from before it: the whole
 * zone), published and notified; the caller waits. A zone the writer
 * does not know yet (added to the database at run time) is taken on,
 * its journal made, unless the config serves that name otherwise
 * (BN_EINVAL). 0 or an error. */
int updater_replace(struct updater *u, struct zdb_zone *v);
/* A zone removed from the database: served no more, its journal
 * emptied; the caller waits. 0, or BN_ENOTFOUND (no such zone). */
int updater_remove(struct updater *u, const uint8_t *origin);

/* A changed zone file of a zone that takes updates (the loader's
 * merge hook, arg: the updater): the difference from the file as last
 * loaded (its copy at was_path) to now (as it is) applied over head and
 * journaled; the new version (a reference), or NULL when it could not
 * be (logged). */
struct zdb_zone *updater_merge(void *arg, const char *was_path,
			       const struct zdb_zone *now,
			       struct zdb_zone *head);

/* The zone file as loaded now copied to ZONE-DIR/NAME.base (what a
 * later edit is merged by the difference from). */
void updater_keep_file(struct updater *u, const struct upd_zone *uz);

/* IXFR's changes of a zone that takes updates (arg: the updater): its
 * journal's, copied, from serial from up to z's (journal_ixfr.h);
 * BN_ENOTFOUND for a zone that takes no updates. */
struct auth_xfr_changes;
int updater_ixfr_changes(void *arg, const struct zdb_zone *z, uint32_t from,
			 struct auth_xfr_changes *out);

#endif
