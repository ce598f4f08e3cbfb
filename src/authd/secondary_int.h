/* Internals of the secondary zones (secondary*.c): one zone's state as
 * the refresher keeps it, and the transfer client it calls. */
#ifndef BANCHI_AUTHD_SECONDARY_INT_H
#define BANCHI_AUTHD_SECONDARY_INT_H

#include <stdatomic.h>
#include <time.h>

#include "authd/secondary.h"
#include "journal/journal.h"
#include "wire/tsig.h"
#include "zone/change.h"

#define SEC_PATH_MAX 4200

struct sec_zone {
	uint8_t origin[NAME_MAXLEN];
	char name[NAME_TEXT_MAX];
	struct cfg_listen primary[CFG_PRIMARIES_MAX];
	size_t nprimary;
	bool keyed;
	uint8_t key[NAME_MAXLEN];
	char path[SEC_PATH_MAX];        /* the stored copy, and its journal */
	char jpath[SEC_PATH_MAX];
	struct journal *j;
	bool catalog;                   /* consumed: members follow it */
	bool member;                    /* of the catalog member_of */
	uint8_t member_of[NAME_MAXLEN];
	char member_of_name[NAME_TEXT_MAX];
	bool cat_changed;               /* a new catalog version: sync */
	struct zdb_zone *v;             /* the refresher's version (one
					 * reference), NULL before the first
					 * transfer */
	atomic_bool dead;               /* not served: SERVFAIL */
	atomic_bool notified;           /* a NOTIFY came: refresh now */
	time_t next;                    /* monotonic: next refresh */
	time_t expire_at;               /* monotonic; 0: no data */
	time_t trim_at;                 /* monotonic: spare spines go */
	/* for the stats line (under secondary.mu) */
	time_t last_ok;                 /* wall clock; 0: never */
	time_t next_wall;
	uint32_t serial;
	unsigned fails;
	char last_err[256];
};

/* The zones the refresher keeps: replaced whole (RCU) when a member
 * comes or goes; the zones are allocated one by one, so a pointer stays
 * valid while the zone is in a list a reader holds. */
struct sec_list {
	size_t n;
	struct sec_zone *z[];
};

/* One primary as a transfer sees it. */
struct sec_peer {
	const struct sockaddr *sa;
	socklen_t len;
	const char *text;               /* ADDR:PORT as configured */
	const struct tsig_key *key;     /* sign and verify, or NULL */
};

/* What one transfer brought: a whole zone (AXFR, or IXFR answered in
 * AXFR form), checked and built; or changes (incremental IXFR), oldest
 * first; or nothing new (IXFR answered with our own SOA). */
struct sec_result {
	struct zdb_zone *zone;          /* one reference, or NULL */
	struct zchange *chg;
	size_t nchg;
	bool uptodate;
	uint32_t serial;                /* the primary's */
	size_t nmsg, nrr, bytes;
};

/* The primary's SOA serial (UDP, signed when p->key). 0, or < 0 with
 * why (cap octets) saying what went wrong. */
int sec_soa_query(const struct sec_zone *z, const struct sec_peer *p,
		  uint32_t *serial, char *why, size_t cap);
/* IXFR from cur (cur's SOA in the authority section), or AXFR when cur
 * is NULL, over TCP; every message parsed, checked and, when keyed,
 * verified. 0 with *r filled, or < 0 with why. */
int sec_transfer(const struct sec_zone *z, const struct sec_peer *p,
		 const struct zdb_zone *cur, struct sec_result *r, char *why,
		 size_t cap);
void sec_result_clear(struct sec_result *r);
/* The same for an answer given in memory: msg[0 .. n) (len[i] octets
 * each, no TCP framing) as if they answered a query of ID id (IXFR from
 * cur, or AXFR when cur is NULL), unsigned. For the fuzzer. */
int sec_transfer_mem(const struct sec_zone *z, const struct zdb_zone *cur,
		     uint16_t id, const uint8_t *const *msg,
		     const size_t *len, size_t n, struct sec_result *r,
		     char *why, size_t cap);

/* Answers a NOTIFY (secondary_notify's work). */
uint16_t sec_notify_check(const struct secondary *s, const uint8_t *q,
			  size_t len, const struct sockaddr_storage *peer,
			  const struct tsig_keyring *keys,
			  struct sec_zone **zp, char *why, size_t cap);

/* The zone's paths under dir, its journal opened, its stored version
 * (file and journal) loaded into z->v when there is one. 0 or -1. */
int sec_store_open(struct sec_zone *z, const char *dir);
/* Seconds since the stored copy was last written (0: unknown). */
long sec_store_age(const struct sec_zone *z, time_t now);
/* Stores version v, which r brought: the changes appended to the
 * journal (synced); after an AXFR, or when the journal cannot take the
 * changes, the file written whole and the journal emptied; when the
 * journal passes half of journal_max, the file written whole and the
 * journal cut to a quarter (its newest changes kept for IXFR out).
 * Failures are logged: the version is served anyway. */
void sec_store_save(struct sec_zone *z, const struct zdb_zone *v,
		    const struct sec_result *r, size_t journal_max);

/* v (NULL: the zone taken out; gone: a member removed for good) in
 * the snapshot and the loader (secondary.c). */
void sec_publish(struct secondary *s, struct sec_zone *z,
		 struct zdb_zone *v, bool gone);
/* A zone's stored copy opened and, when fresh enough, served. */
int sec_zone_open(struct secondary *s, struct sec_zone *z, const char *dir);
/* A secondary of the config: allocated, its stored copy opened and
 * served (sec_zone_open); NULL when it cannot be (logged). */
struct sec_zone *sec_zone_new(struct secondary *s,
			      const struct cfg_secondary *c);
/* A reload's config applied (secondary_reload.c; refresher thread);
 * w is freed. */
void sec_reload_apply(struct secondary *s, struct sec_want *w);
void sec_want_free(struct sec_want *w);
/* The members of catalog z's version reconciled with the list: new
 * ones added (their stored copies served), gone ones removed (no
 * longer served, their stored copies deleted). Refresher thread, or
 * before it starts. */
void sec_catalog_sync(struct secondary *s, struct sec_zone *z);
/* The member names of catalog version v (RFC 9432 version 2), in
 * *out (malloc'd, deduplicated, without the catalog itself): their
 * number, or < 0 when v is not a version 2 catalog. */
int sec_catalog_members(const struct zdb_zone *v,
			uint8_t (**out)[NAME_MAXLEN]);

/* The SOA timer of z's version: index 1 refresh, 2 retry, 3 expire
 * (RFC 1035 3.3.13), seconds. */
uint32_t sec_soa_timer(const struct zdb_zone *v, int which);

#endif
