/* A client's answer being assembled: the rcode and up to ANSWER_SETS
 * RRsets by section, with their data copied into the struct (no
 * allocation). Filled from the cache (hit path), by the iterator or by
 * local data; answer_write() turns it into the reply for one client. */
#ifndef BANCHI_RESOLVE_ANSWER_H
#define BANCHI_RESOLVE_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve/cache.h"
#include "resolve/rrset.h"
#include "wire/msg.h"

#define ANSWER_SETS 32
#define ANSWER_DATA 16384
#define ANSWER_MAX_CNAME 12     /* links followed from the cache */

/* What a set is in the answer: data, the SOA of a negative answer, or
 * a set of its proof of denial (NSEC/NSEC3: written to DO clients only). */
enum answer_role { ANSWER_ROLE_DATA = 0, ANSWER_ROLE_NEG, ANSWER_ROLE_PROOF };

struct answer_set {
	uint8_t section;        /* enum msg_section: MSG_ANSWER, MSG_AUTHORITY */
	uint8_t role;           /* enum answer_role */
	struct rrset set;       /* pointers into answer.data */
};

#define ANSWER_EDE_NONE (-1)
#define ANSWER_EDE_TEXT 64      /* EXTRA-TEXT octets kept */

/* An Extended DNS Error (RFC 8914) for the reply, sent only to clients
 * whose query had an OPT. */
struct answer_ede {
	int32_t code;           /* EDNS_EDE_* (wire/edns.h), or _NONE */
	uint8_t text_len;
	char text[ANSWER_EDE_TEXT];     /* UTF-8, no terminating NUL */
};

struct answer {
	uint8_t rcode;          /* RCODE_NOERROR, RCODE_NXDOMAIN, ... */
	bool aa;                /* authoritative local data (local zones) */
	bool stale;             /* some data was served stale */
	/* Some set is SEC_BOGUS: clients without CD get SERVFAIL with ede
	 * (its EDE); CD clients the data as it is, without ede. */
	bool bogus;
	/* Some set has RRSIGs or a status: the reply's DNSSEC work (AD,
	 * RRSIGs, bogus) is done only then (the hit path without
	 * validation pays one test). */
	bool dnssec;
	struct answer_ede ede;  /* none after answer_init */
	uint16_t nsets;
	struct answer_set sets[ANSWER_SETS];
	size_t used;
	uint8_t data[ANSWER_DATA];
};

void answer_init(struct answer *a, uint8_t rcode);

/* Sets e to code (0-65535) with text (NULL or "": none), cut at
 * ANSWER_EDE_TEXT octets on a UTF-8 character boundary. */
void answer_ede_set(struct answer_ede *e, uint16_t code, const char *text);
void answer_ede_clear(struct answer_ede *e);

/* The iterator's (or anyone's) way to explain an error to the client:
 * sets a->ede. Call it after answer_init (which clears it); answer_add
 * keeps it. */
static inline void answer_set_ede(struct answer *a, uint16_t code,
				  const char *text)
{
	answer_ede_set(&a->ede, code, text);
}
/* A bogus answer's EDE (RFC 8914): the code of the DNSSEC_ result and
 * "NAME TYPE: what failed" as its EXTRA-TEXT; a->bogus set. */
void answer_set_bogus(struct answer *a, const uint8_t *name, uint16_t type,
		      int result);

/* Copies s into a. 0 or BN_ENOSPC (a unchanged). A negative set
 * (NXDOMAIN/NODATA) adds its SOA, if it has one, to the authority
 * section whatever sec says (owner soa_owner, TTL s->ttl, its RRSIGs),
 * and the sets of its proof (proofset.h) after it, for DO clients only,
 * with its status and TTL; a->rcode is the caller's to set. */
int answer_add(struct answer *a, enum msg_section sec, const struct rrset *s);

/* Whether name owns one of a's CNAMEs: a chain reaching it again loops. */
bool answer_has_cname(const struct answer *a, const uint8_t *name);

/* Tries to answer (qname, qtype, qclass) from the cache alone: the
 * RRset, or a CNAME chain (up to ANSWER_MAX_CNAME links) ending in the
 * RRset or a negative entry, using ranks >= RANK_ANSWER_NONAUTH only.
 * qname lowercase. Returns 1 when a is a complete answer, 0 when the
 * name must be resolved (a then holds nothing useful). *prefetch is set
 * when an entry asked the caller to refresh it. flags: CACHE_STALE. */
int answer_from_cache(struct answer *a, struct cache *c,
		      const uint8_t *qname, uint16_t qtype, uint16_t qclass,
		      uint64_t now_ms, unsigned flags, bool *prefetch);

/* What an aggressive answer was made from (banchi-ctl why): the zone,
 * the NSEC sets (owner and next name, 1 or 2 of them), NXDOMAIN or
 * NODATA, or the wildcard expanded (wild[0] != 0: its name), the TTL
 * given. */
struct answer_nsec_why {
	uint8_t wild[NAME_MAXLEN];
	bool nx;
	uint32_t ttl;
	unsigned n;
	uint8_t zone[NAME_MAXLEN];
	uint8_t owner[2][NAME_MAXLEN], next[2][NAME_MAXLEN];
};

/* RFC 8198 aggressive use of the cache: answers (qname, qtype, qclass)
 * NXDOMAIN or NODATA (secure: AD for the clients that ask, the SOA and
 * the NSEC sets for DO clients) when live secure NSEC sets cached with
 * cache_insert_nsec prove it with the zone's live secure SOA, without
 * going upstream; or an answer expanded from the zone's cached secure
 * wildcard (cached by the validation of an expansion) when an NSEC
 * proves no closer name exists (RFC 8198 5.3; the NSEC as its proof).
 * qname lowercase; IN only, never ANY or RRSIG; a DS is judged by its
 * parent zone (never from a wildcard). 1 when a is the answer (why
 * filled unless NULL), 0 otherwise. NSEC3 zones are not synthesised. */
int answer_from_nsec(struct answer *a, struct cache *c, const uint8_t *qname,
		     uint16_t qtype, uint16_t qclass, uint64_t now_ms,
		     struct answer_nsec_why *why);

/* Whether a's EDE is to go to a client whose query had CD. */
bool answer_ede_for(const struct answer *a, bool cd);

/* Writes the reply to q into out (cap octets): q's ID, opcode, RD and
 * CD; QR and RA set; AA when a->aa; AD when every set is SEC_SECURE
 * and q had DO or AD, not CD (RFC 4035 3.2.3, RFC 6840 5.8); the sets'
 * RRSIGs when q had DO; SERVFAIL (with a->ede) instead when a->bogus
 * and q had no CD; the question as the client sent it (case kept);
 * the sets with compression; an OPT (our payload min(max_payload,
 * client's), DO copied per RFC 3225, a->ede as an EDE option when set,
 * but not a bogus answer's to a CD client) when q had one; never an
 * EDE without.
 * When the records do not fit the client's size (512 without EDNS;
 * never more than max_payload) the reply is cut to the header,
 * question and OPT with TC set. An rcode over 15 without an OPT in the
 * query is sent as SERVFAIL. Returns the length, or 0 when nothing
 * can be written. */
size_t answer_write(const struct answer *a, const struct msg_query *q,
		    uint16_t max_payload, uint8_t *out, size_t cap);

/* The same for TCP (and other streams): the size limit is cap (at most
 * 65535) instead of the client's UDP payload; the OPT is as above. */
size_t answer_write_stream(const struct answer *a, const struct msg_query *q,
			   uint16_t max_payload, uint8_t *out, size_t cap);

/* An rcode-only reply (SERVFAIL, REFUSED, FORMERR, NOTIMP) to q: the
 * question when q has one, the OPT (with ede, NULL: none) when q had
 * one. */
size_t answer_write_rcode(const struct msg_query *q, uint8_t rcode,
			  const struct answer_ede *ede, uint16_t max_payload,
			  uint8_t *out, size_t cap);

#endif
