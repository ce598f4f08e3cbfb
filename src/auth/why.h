/* "Why this answer?" (banchi-ctl why): the engine answers a question
 * as it would any client's, noting each decision it takes on the way
 * (the zone chosen, the node, wildcard, CNAME/DNAME step, delegation,
 * glue and additional rule, and why the rcode is what it is), and
 * auth_why() tells them as sentences. Queries from clients never note
 * anything (a NULL pointer: one untaken branch per decision). */
#ifndef BANCHI_AUTH_WHY_H
#define BANCHI_AUTH_WHY_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/answer.h"
#include "wire/name.h"

enum auth_why_kind {
	WHY_NO_ZONE,            /* no zone served holds the name */
	WHY_ZONE_DEAD,          /* ... but a configured one cannot serve */
	WHY_ZONE,               /* the deepest zone holding the name */
	WHY_ZONE_DS,            /* DS: the zone above the name */
	WHY_REFERRAL,           /* a cut at node: NS in authority, no AA */
	WHY_DNAME,              /* a DNAME at node: CNAME synthesised */
	WHY_YXDOMAIN,           /* the substitution is too long */
	WHY_EXACT,              /* the name is a node of the zone */
	WHY_WILDCARD,           /* the name is covered by wildcard node */
	WHY_NXDOMAIN,           /* no such name; node: closest encloser */
	WHY_ENT,                /* an empty non-terminal: NODATA */
	WHY_NODATA,             /* the node has no set of the type */
	WHY_ANSWER,             /* the set answers (type, count, TTL) */
	WHY_ANY,                /* ANY: one set chosen (RFC 8482) */
	WHY_CNAME,              /* a CNAME at node; name is the target */
	WHY_CHAIN_LIMIT,        /* AUTH_MAX_CHAIN reached */
	WHY_LOOP,               /* the target was answered already */
	WHY_LEAVES_ZONE,        /* the target is outside the zone */
	WHY_APEX_NS,            /* the zone's NS in authority */
	WHY_ADDITIONAL,         /* addresses of a target (name) at node */
	WHY_GLUE,               /* ... below the referral's cut: glue */
	WHY_TC,                 /* a set did not fit: TC */
};

struct auth_why_step {
	enum auth_why_kind kind;
	uint8_t zone[NAME_MAXLEN];      /* the zone's origin (or empty) */
	uint8_t node[NAME_MAXLEN];      /* the node's owner (or empty) */
	uint8_t name[NAME_MAXLEN];      /* the name at this step */
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	uint32_t serial;                /* the zone's, when there is one */
};

#define AUTH_WHY_MAX 48

struct auth_why {
	struct auth_why_step step[AUTH_WHY_MAX];
	unsigned n;
	bool full;                      /* steps were left out */
};

/* Answers the query in q (qlen octets, as a client sent it over t) into
 * out with every decision noted in w. As auth_answer. */
size_t auth_answer_why(const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen, enum auth_transport t,
		       uint8_t *out, size_t cap, struct auth_why *w);

/* Tells qname/qtype's answer (DO when dnssec) as sentences, each handed
 * to line(ctx, text): the question, each decision, the records of each
 * section and where they come from, the rcode and flags and why. 0, or
 * a negative error (out of memory). */
typedef void auth_why_line_fn(void *ctx, const char *text);
int auth_why(const struct zonedb *db, const struct auth_conf *conf,
	     const uint8_t *qname, uint16_t qtype, bool dnssec,
	     auth_why_line_fn *line, void *ctx);

#endif
