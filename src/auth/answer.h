/* The authoritative engine: one query in, one reply out. Pure: no I/O,
 * no allocation, no locks; the caller holds the zonedb steady (RCU read
 * section). Thread-safe. */
#ifndef BANCHI_AUTH_ANSWER_H
#define BANCHI_AUTH_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/chaos.h"
#include "wire/edns.h"
#include "wire/tsig.h"
#include "zone/zonedb.h"

#define AUTH_NSID_MAX 128               /* octets of an NSID we send */

/* tsig_note: told the outcome of every signed query (q, qlen: the
 * packet), in the thread answering it, before the answer is written. */
typedef void auth_tsig_note_fn(void *arg, const uint8_t *q, size_t qlen,
			       const struct tsig_check *c);

struct zchange;

/* Outgoing transfers: whether the sender of q (qlen octets: the packet,
 * as for tsig_note) may transfer zone z; key is the key that signed q
 * when its TSIG verified, else NULL. */
typedef bool auth_xfr_allow_fn(void *arg, const uint8_t *q, size_t qlen,
			       const struct zdb_zone *z,
			       const struct tsig_key *key);

/* IXFR's source of changes (a journal): chg[0 .. n) oldest first. They
 * stay valid until release(ctx) is called (release NULL: as long as
 * the zone). */
struct auth_xfr_changes {
	const struct zchange *const *chg;
	size_t n;
	void (*release)(void *ctx);
	void *ctx;
};

/* The changes that lead from serial from to z's serial: 0 with *out
 * filled, or < 0 when they are not known (the client gets the AXFR
 * form, RFC 1995 4). Called in the thread answering, in its RCU read
 * section. */
typedef int auth_xfr_changes_fn(void *arg, const struct zdb_zone *z,
				uint32_t from, struct auth_xfr_changes *out);

struct auth_conf {
	uint16_t udp_payload;   /* the server's EDNS payload size (1232) */
	bool minimal;           /* minimal responses (true): no apex NS in
				 * the authority section of answers */
	/* TSIG: the keys (NULL: none, every signed query gets BADKEY);
	 * the wall clock in seconds since 1970 (NULL: 0, so that no
	 * signed query passes the time check); who hears the outcomes
	 * (NULL: nobody). Unsigned queries use none of them. */
	const struct tsig_keyring *keys;
	uint64_t (*now)(void);
	auth_tsig_note_fn *tsig_note;
	void *tsig_arg;
	/* Transfers (AXFR, IXFR): who may (NULL: nobody, REFUSED), and
	 * IXFR's changes (NULL: none known). */
	auth_xfr_allow_fn *xfr_allow;
	void *xfr_arg;
	auth_xfr_changes_fn *xfr_changes;
	void *xfr_changes_arg;
	/* A name under no served zone: true when it is under a zone that
	 * is configured but cannot be served now (a secondary expired, or
	 * never transferred): SERVFAIL instead of REFUSED (RFC 1034 4.3.5).
	 * NULL: none. Asked only on that path: served names pay nothing. */
	bool (*zone_dead)(void *arg, const uint8_t *qname);
	void *zone_dead_arg;
	/* Identity (chaos.c, RFC 4892, RFC 5001): the TXT RDATA answered
	 * to CHAOS id.server and hostname.bind, and to version.bind and
	 * version.server (length 0: REFUSED, as any other CHAOS query);
	 * the NSID option given to clients that ask (length 0: none). */
	struct chaos_ident chaos;
	uint8_t nsid_opt[EDNS_OPT_HDR + AUTH_NSID_MAX];
	uint16_t nsid_opt_len;
};

/* Sets the NSID (len 0: none; at most AUTH_NSID_MAX octets); the
 * identity answers are c->chaos (wire/chaos.h). */
void auth_conf_nsid(struct auth_conf *c, const uint8_t *nsid,
		    size_t nsid_len);

void auth_conf_init(struct auth_conf *c);

enum auth_transport { AUTH_UDP, AUTH_TCP };

/* Answers the query in q (qlen octets) into out (cap octets; give 65535
 * for TCP, and for UDP at least the largest payload allowed). db may be
 * NULL (nothing served: REFUSED). Returns the reply length, or 0 when
 * nothing must be sent (the packet is a response, or too short to carry
 * an ID). */
size_t auth_answer(const struct zonedb *db, const struct auth_conf *conf,
		   const uint8_t *q, size_t qlen, enum auth_transport t,
		   uint8_t *out, size_t cap);

/* A reply that only says rcode (UPDATE's answers, RFC 2136 3.8): the
 * header and zone section echoed, OPT when the request had one, signed
 * as any answer when the request was (its TSIG checked again: a bad one
 * gets its TSIG error instead). 0: send nothing. */
size_t auth_reply(const struct auth_conf *conf, const uint8_t *q, size_t qlen,
		  enum auth_transport t, uint16_t rcode, uint8_t *out,
		  size_t cap);

/* The same with AA set when rcode is NOERROR (the answer to a NOTIFY,
 * RFC 1996 4.7). */
size_t auth_reply_aa(const struct auth_conf *conf, const uint8_t *q,
		     size_t qlen, enum auth_transport t, uint16_t rcode,
		     bool aa, uint8_t *out, size_t cap);

/* Batches (UDP reads up to 64 queries at once): the names of all the
 * queries are prepared and their lookups started together, then each
 * query is answered as by auth_answer, reusing its prepared name. On a
 * zone too large for the caches the misses of the batch overlap instead
 * of following each other (zdb_prefetch). Caller storage, one per
 * thread; the zonedb must stay the same from prepare to the answers. */
#define AUTH_BATCH 64

struct auth_prep {
	const uint8_t *q;               /* the query it was made from */
	uint16_t qtype;                 /* as far as read, else 0 */
	struct zdb_prefetch pf;
	struct zdb_qname name;
};

struct auth_batch {
	size_t min_bytes;               /* one zone served smaller than this
					 * (fits in the caches): not staged */
	int n, next;
	struct auth_prep p[AUTH_BATCH];
	/* what the answers look up next: CNAME and additional targets,
	 * the parent of a missing name (xfrom: its query, else -1) */
	int nx;
	struct zdb_prefetch x[AUTH_BATCH];
	int8_t xfrom[AUTH_BATCH];
	/* and after a missing name's parent: its wildcard or its glue */
	int ny;
	struct zdb_prefetch y[AUTH_BATCH];
};

void auth_batch_init(struct auth_batch *b);

/* Whether staging pays on db (a served zone too large for the caches);
 * else auth_answer serves best. */
bool auth_batch_wanted(const struct auth_batch *b, const struct zonedb *db);

/* Prepares queries q[0 .. n) (lengths qlen; a length 0 is skipped);
 * beyond AUTH_BATCH the rest are answered unprepared. Returns the number
 * prepared (0: auth_answer serves them all as well). */
int auth_batch_prepare(struct auth_batch *b, const struct zonedb *db,
		       const uint8_t *const *q, const size_t *qlen, int n);

/* auth_answer, with the name prepared for q by the last
 * auth_batch_prepare when there is one. */
size_t auth_answer_batch(struct auth_batch *b, const struct zonedb *db,
			 const struct auth_conf *conf, const uint8_t *q,
			 size_t qlen, enum auth_transport t, uint8_t *out,
			 size_t cap);

#endif
