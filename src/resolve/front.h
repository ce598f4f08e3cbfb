/* What becomes of one client query before any upstream work, in
 * Unbound's order: REFUSED outside the access list; FORMERR (with the
 * question when it parsed), BADVERS, NOTIMP, zone transfers and non-IN
 * classes refused; then local data, then the cache; a miss is to be
 * resolved. Without RD: local data, the cache for allow-snoop clients
 * only (Unbound's allow_snoop), never recursion. No I/O and no
 * allocation: the daemon (src/resolverd/server_query.c) and the replay
 * runner (tests/replay) share it. */
#ifndef BANCHI_RESOLVE_FRONT_H
#define BANCHI_RESOLVE_FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/acl.h"
#include "resolve/answer.h"
#include "resolve/local.h"
#include "wire/chaos.h"
#include "wire/msg.h"

/* What the settings and shared state say; read-only here. */
struct front {
	const struct acl *acl;          /* clients given recursion */
	const struct acl *snoop;        /* their RD=0 queries read the cache */
	const struct local_data *local;
	struct cache *cache;
	uint16_t max_payload;           /* EDNS payload towards clients */
	/* DNSSEC validation on: the cache answers with validated data only
	 * (CACHE_VALIDATED), data not yet validated is a miss */
	bool validate;
	/* with validate: a miss may be answered from cached secure NSEC
	 * ranges (RFC 8198, answer_from_nsec), except for CD queries */
	bool aggressive;
	/* CHAOS TXT id.server, hostname.bind, version.bind, version.server
	 * (RFC 4892) answered from this, for served clients; NULL: none */
	const struct chaos_ident *chaos;
};

enum front_kind {
	FRONT_NONE = 0,         /* no reply: a response, or garbage */
	FRONT_REFUSED,          /* reply written: REFUSED */
	FRONT_ERROR,            /* reply written: FORMERR, NOTIMP, BADVERS */
	FRONT_LOCAL,            /* reply written from local data */
	FRONT_HIT,              /* reply written from the cache */
	FRONT_NSEC,             /* reply written from cached NSEC (RFC 8198) */
	FRONT_MISS,             /* to be resolved: q and lname filled */
};

/* Where one query's reply goes and what it left for the caller. */
struct front_query {
	struct msg_query q;             /* the parsed query */
	uint8_t lname[NAME_MAXLEN];     /* its name, lowercase */
	bool prefetch;                  /* FRONT_HIT: refresh the entry */
	size_t len;                     /* octets of the reply in out */
};

/* Handles the query pkt (len octets, over TCP when tcp) from peer at
 * now_ms: writes the reply into out (cap octets; for TCP without the
 * length prefix) unless the result is FRONT_NONE or FRONT_MISS. a is
 * scratch for the answer. */
enum front_kind front_handle(const struct front *fe, const struct sockaddr *peer,
			     const uint8_t *pkt, size_t len, bool tcp,
			     uint64_t now_ms, struct answer *a,
			     struct front_query *fq, uint8_t *out, size_t cap);

#endif
