/* DNSSEC in answers to clients that set DO (RFC 4035 3.1, RFC 5155 7.2):
 * the RRSIGs of every RRset placed, DS or the proof that there is none
 * at a referral, and the NSEC or NSEC3 records that prove a name or a
 * type missing, or a wildcard's use. Only reached when DO is set: the
 * other answers pay one flag test. Pre-signed zones only: nothing here
 * signs, hashes beyond what a proof needs, or checks signatures. */
#include <string.h>

#include "auth/auth_int.h"
#include "base/error.h"
#include "dnssec/nsec3.h"
#include "wire/rrtype.h"

/* NSEC records a walk back may pass (glue under a cut, empty
 * non-terminals) before it gives up on a proof. */
#define PREV_STEPS 4096

/* The RRSIGs covering type at n, under owner, their TTL no longer than
 * ttl (0: as stored): a negative answer's SOA is cut to the zone's
 * minimum, its signatures with it. */
static int put_rrsig(struct auth_query *a, enum msg_section s,
		     const uint8_t *owner, const struct zdb_node *n,
		     uint16_t type, uint32_t ttl)
{
	const struct zdb_rrset *sig = zdb_node_rrsig(n, type);
	struct zdb_rrset cut;

	if (!sig)
		return 0;
	if (ttl && ttl < sig->ttl) {
		cut = *sig;
		cut.ttl = ttl;
		sig = &cut;
	}
	return auth_put_rrset(a, s, owner, sig);
}

int auth_put_signed(struct auth_query *a, enum msg_section s,
		    const uint8_t *owner, const struct zdb_node *n,
		    const struct zdb_rrset *set)
{
	struct auth_mark m;

	auth_mark(a, &m);
	if (auth_put_rrset(a, s, owner, set) < 0)
		return BN_ENOSPC;
	if (!a->dnssec || set->type == RR_RRSIG)
		return 0;
	if (put_rrsig(a, s, owner, n, set->type, set->ttl) < 0) {
		auth_rollback(a, &m);
		return BN_ENOSPC;
	}
	return 0;
}

int auth_put_rrsig(struct auth_query *a, enum msg_section s,
		   const uint8_t *owner, const struct zdb_node *n,
		   uint16_t type, uint32_t ttl)
{
	return put_rrsig(a, s, owner, n, type, ttl);
}

/* One proof record (NSEC or NSEC3 of node n), noted once per answer:
 * written by auth_dnssec_flush() when the answer section is done (a
 * wildcard's proof comes before the rest of its chain). */
static void put_proof(struct auth_query *a, const struct zdb_node *n,
		      uint16_t type)
{
	if (!n || !zdb_node_rrset(n, type) || a->nproofs >= AUTH_MAX_PROOFS)
		return;
	for (uint8_t i = 0; i < a->nproofs; i++)
		if (a->proofs[i] == n)
			return;
	a->ptypes[a->nproofs] = type;
	a->proofs[a->nproofs++] = n;
}

void auth_dnssec_flush(struct auth_query *a)
{
	for (uint8_t i = 0; i < a->nproofs && !a->tc; i++) {
		const struct zdb_node *n = a->proofs[i];
		if (auth_put_signed(a, MSG_AUTHORITY, n->owner, n,
				    zdb_node_rrset(n, a->ptypes[i])) < 0)
			a->tc = true;
	}
}

/* --- NSEC (RFC 4035 3.1.3) ------------------------------------------ */

static bool nsec_zone(const struct zdb_zone *z)
{
	return zdb_node_rrset(zdb_zone_apex(z), RR_NSEC) != NULL;
}

/* The NSEC that matches name (when it exists and has one) or covers it:
 * the last authoritative node with an NSEC at or before it in canonical
 * order. Glue and occluded names are skipped through their cut (or
 * DNAME), empty non-terminals one by one. */
static const struct zdb_node *nsec_for(const struct zdb_zone *z,
				       const uint8_t *name)
{
	const struct zdb_node *n;
	bool found;
	size_t i = zdb_zone_search(z, name, &found);

	for (int step = 0; step < PREV_STEPS; step++) {
		n = zdb_zone_node(z, i);
		while (n->up != ZDB_TOP &&
		       (n->flags & (ZDB_NONAUTH | ZDB_OCCLUDED)))
			n = zdb_node_parent(z, n);
		if (zdb_node_rrset(n, RR_NSEC))
			return n;
		i = n->ix;
		if (i == 0)
			return NULL;
		i--;
	}
	return NULL;
}

/* "*." + name into out; false when too long. */
static bool star(uint8_t *out, const uint8_t *name)
{
	size_t len = name_length(name);

	if (len + 2 > NAME_MAXLEN)
		return false;
	out[0] = 1;
	out[1] = '*';
	memcpy(out + 2, name, len);
	return true;
}

/* --- NSEC3 (RFC 5155 7.2) ------------------------------------------- */

/* The first k labels' suffix of name: the ancestor with k labels. */
static const uint8_t *suffix(const uint8_t *name, int k)
{
	int n = name_labels(name);

	while (n-- > k)
		name += name[0] + 1;
	return name;
}

static void n3_match(struct auth_query *a, const struct zdb_zone *z,
		     const struct zdb_node *n)
{
	bool exact;
	const struct zdb_node *m = zdb_nsec3_node(z, n, &exact);

	if (m && exact)
		put_proof(a, m, RR_NSEC3);
}

/* The NSEC3 covering name (a name that does not exist). */
static void n3_cover(struct auth_query *a, const struct zdb_zone *z,
		     const uint8_t *name)
{
	bool exact;

	put_proof(a, zdb_nsec3_name(z, name, &exact), RR_NSEC3);
}

/* RFC 5155 7.2.1: ce matched, the next closer name (one label more of
 * name than ce has) covered. */
static void n3_closest(struct auth_query *a, const struct zdb_zone *z,
		       const struct zdb_node *ce, const uint8_t *name)
{
	n3_match(a, z, ce);
	if (name_labels(name) > ce->labels)
		n3_cover(a, z, suffix(name, ce->labels + 1));
}

/* Opt-out (RFC 5155 7.2.4, 7.2.7): the closest provable encloser of n
 * (an existing node with no NSEC3 of its own), and the next closer
 * name below it, an existing node too, covered. */
static void n3_provable(struct auth_query *a, const struct zdb_zone *z,
			const struct zdb_node *n)
{
	const struct zdb_node *next = n, *up;
	bool exact;

	for (up = zdb_node_parent(z, n); up;
	     next = up, up = zdb_node_parent(z, up)) {
		const struct zdb_node *m = zdb_nsec3_node(z, up, &exact);
		if (m && exact) {
			put_proof(a, m, RR_NSEC3);
			put_proof(a, zdb_nsec3_node(z, next, &exact),
				  RR_NSEC3);
			return;
		}
	}
}

/* The NSEC3 of an existing node n, else the opt-out proof. */
static void n3_node(struct auth_query *a, const struct zdb_zone *z,
		    const struct zdb_node *n)
{
	bool exact;
	const struct zdb_node *m = zdb_nsec3_node(z, n, &exact);

	if (m && exact)
		put_proof(a, m, RR_NSEC3);
	else
		n3_provable(a, z, n);
}

/* --- the answers ----------------------------------------------------- */

void auth_dnssec_nodata(struct auth_query *a, const struct zdb_zone *z,
			const struct zdb_node *n, const uint8_t *qname)
{
	if (zdb_zone_nsec3(z))
		n3_node(a, z, n);
	else if (nsec_zone(z))
		put_proof(a, nsec_for(z, qname), RR_NSEC);
}

void auth_dnssec_nxdomain(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_node *ce, const uint8_t *qname)
{
	uint8_t wild[NAME_MAXLEN];

	if (!star(wild, ce->owner))
		return;
	if (zdb_zone_nsec3(z)) {
		n3_closest(a, z, ce, qname);
		n3_cover(a, z, wild);
	} else if (nsec_zone(z)) {
		put_proof(a, nsec_for(z, qname), RR_NSEC);
		put_proof(a, nsec_for(z, wild), RR_NSEC);
	}
}

void auth_dnssec_wildcard(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_node *ce, const uint8_t *qname)
{
	if (zdb_zone_nsec3(z)) {
		if (name_labels(qname) > ce->labels)
			n3_cover(a, z, suffix(qname, ce->labels + 1));
	} else if (nsec_zone(z)) {
		put_proof(a, nsec_for(z, qname), RR_NSEC);
	}
}

void auth_dnssec_wild_nodata(struct auth_query *a, const struct zdb_zone *z,
			     const struct zdb_node *ce,
			     const struct zdb_node *w, const uint8_t *qname)
{
	if (zdb_zone_nsec3(z)) {
		n3_closest(a, z, ce, qname);
		n3_match(a, z, w);
	} else if (nsec_zone(z)) {
		put_proof(a, nsec_for(z, qname), RR_NSEC);
		put_proof(a, w, RR_NSEC);
	}
}

/* RFC 4035 3.1.4: the DS set and its RRSIGs, or the proof that the cut
 * has no DS (its NSEC, its NSEC3, or opt-out's). */
void auth_dnssec_referral(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_node *cut)
{
	const struct zdb_rrset *ds = zdb_node_rrset(cut, RR_DS);

	if (ds) {
		if (auth_put_signed(a, MSG_AUTHORITY, cut->owner, cut, ds) < 0)
			a->tc = true;
	} else if (zdb_zone_nsec3(z)) {
		n3_node(a, z, cut);
	} else if (nsec_zone(z)) {
		put_proof(a, cut, RR_NSEC);
	}
}
