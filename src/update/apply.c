/* RFC 2136 3.4.2: each update record applied in order to the working
 * copy, with BIND 9.18's refinements: adding an RR whose TTL differs
 * gives the whole RRset that TTL; CNAME, DNAME, SOA (and WKS, RRSIG,
 * NSEC3PARAM by their key fields) replace what they match; records that
 * conflict (CNAME and other data, a second SOA, DS at the apex...) are
 * ignored, not refused; the apex keeps its SOA and at least one NS, and
 * deletions of a whole RRset or name leave what a signer owns.
 *
 * Where Knot 3.2 differs (both run on loopback with the same updates),
 * BIND is followed: Knot ignores an add whose only difference is the
 * TTL, keeps KEY out of CNAME nodes, compares a second SOA with the
 * zone's serial rather than the first SOA's, deletes RRSIGs with their
 * name, accepts NSEC, NSEC3 and RRSIG updates, DS at the apex, NS at a
 * wildcard and MD, class ANY deletes with a TTL and class NONE ones
 * without RDATA, wraps the serial to 0, and has no apex NS address
 * check. Where BIND is not followed: prerequisites come before the
 * update section's prescan (RFC 2136 3.2 then 3.4.1, and Knot; BIND
 * prescans first), and a value-dependent prerequisite is a set,
 * duplicates counting once (the RFC, Knot; BIND counts them). */
#include <stdio.h>
#include <string.h>

#include "update/update_int.h"
#include "wire/rrtype.h"

/* Types that may sit beside a CNAME (BIND 9.18's ATCNAME list). */
static bool at_cname(uint16_t type)
{
	return type == RR_RRSIG || type == RR_NSEC || type == RR_KEY;
}

static bool has_live(const struct wnode *n, uint16_t type)
{
	for (uint16_t i = 0; i < n->nsets; i++)
		if (n->sets[i].type == type && work_live(&n->sets[i]))
			return true;
	return false;
}

static bool has_other(const struct wnode *n, uint16_t type)
{
	for (uint16_t i = 0; i < n->nsets; i++)
		if (n->sets[i].type != type && !at_cname(n->sets[i].type) &&
		    work_live(&n->sets[i]))
			return true;
	return false;
}

static uint32_t soa_serial(const struct wnode *n)
{
	for (uint16_t i = 0; i < n->nsets; i++) {
		const struct wset *s = &n->sets[i];

		for (uint32_t j = 0; s->type == RR_SOA && j < s->n; j++)
			if (s->rr[j].live)
				return zchange_soa_serial(s->rr[j].rd,
							  s->rr[j].len);
	}
	return 0;
}

/* Why an add is ignored, or NULL (RFC 2136 3.4.2.2 and BIND). */
static const char *add_refusal(struct upd *u, const struct wnode *n,
			       uint16_t type, const uint8_t *rd, uint16_t len)
{
	if (type == RR_MD || type == RR_MF)
		return "obsolete type";
	if ((type == RR_NS || type == RR_DNAME) && n->owner[0] == 1 &&
	    n->owner[1] == '*')
		return "wildcard owner";
	if (type == RR_CNAME && has_other(n, RR_CNAME))
		return "CNAME beside other data";
	if (type != RR_CNAME && !at_cname(type) && has_live(n, RR_CNAME))
		return "data beside a CNAME";
	if (type == RR_SOA && !has_live(n, RR_SOA))
		return "SOA outside the apex";
	if (type == RR_SOA && !serial_after(zchange_soa_serial(rd, len),
					    soa_serial(n)))
		return "SOA serial not later than the zone's";
	if (type == RR_DS && n->apex)
		return "DS at the apex";
	if (type == RR_NSEC3PARAM && len >= 2 && (rd[1] & 0xfe))
		return "NSEC3PARAM flags other than opt-out";
	(void)u;
	return NULL;
}

/* An RR the new one replaces: singletons, and by key fields. */
static bool replaces(uint16_t type, const uint8_t *old, uint16_t olen,
		     const uint8_t *rd, uint16_t len)
{
	switch (type) {
	case RR_CNAME:
	case RR_DNAME:
	case RR_SOA:
	case RR_NSEC:
		return true;
	case RR_RRSIG:          /* same covered (the set), algorithm, key tag */
		return olen >= 18 && len >= 18 && old[2] == rd[2] &&
		       old[16] == rd[16] && old[17] == rd[17];
	case RR_WKS:            /* same address and protocol */
		return olen >= 5 && len >= 5 && !memcmp(old, rd, 5);
	case RR_NSEC3PARAM:     /* differing only in flags */
		return olen == len && len >= 2 && old[0] == rd[0] &&
		       !memcmp(old + 2, rd + 2, len - 2u);
	default:
		return false;
	}
}

static void ignored(struct upd *u, unsigned idx, const struct wnode *n,
		    uint16_t type, const char *why, const char *what)
{
	if (!u->info->ignored++)
		upd_note(u, UPDATE_SEC_UPDATE, idx, n->owner, type,
			 "%s ignored: %s", what, why);
}

static uint16_t add_rr(struct upd *u, unsigned idx, struct wnode *n,
		       const struct msg_rr *r)
{
	int len = msg_rr_rdata(u->m, r, u->rd, sizeof(u->rd));
	const char *why;
	struct wset *s;
	long at;

	if (len < 0)
		return RCODE_FORMERR;
	why = add_refusal(u, n, r->type, u->rd, (uint16_t)len);
	if (why) {
		ignored(u, idx, n, r->type, why, "add");
		return RCODE_NOERROR;
	}
	s = work_set(u, n, r->type, work_covered(u->rd, (uint16_t)len), true);
	if (!s)
		return RCODE_SERVFAIL;
	at = work_find(s, u->rd, (uint16_t)len);
	if (at >= 0 && s->rr[at].live && s->ttl == r->ttl)
		return RCODE_NOERROR;   /* a duplicate: nothing to do */
	for (uint32_t i = 0; i < s->n; i++)
		if (s->rr[i].live && (long)i != at &&
		    replaces(r->type, s->rr[i].rd, s->rr[i].len, u->rd,
			     (uint16_t)len))
			s->rr[i].live = false;
	if (r->type == RR_SOA)
		u->soa_set = true;
	s->ttl = r->ttl;
	return work_put(u, s, u->rd, (uint16_t)len) ? RCODE_SERVFAIL :
						      RCODE_NOERROR;
}

/* What a whole-RRset or whole-name delete leaves: at the apex the SOA,
 * the NS and what a signer owns; elsewhere what a signer owns. */
static bool kept(const struct wnode *n, uint16_t type)
{
	if (type == RR_RRSIG || type == RR_NSEC)
		return true;
	return n->apex && (type == RR_SOA || type == RR_NS ||
			   type == RR_NSEC3PARAM);
}

static void kill_set(struct wset *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		s->rr[i].live = false;
}

static uint16_t del_rrsets(struct upd *u, unsigned idx, struct wnode *n,
			   uint16_t type)
{
	if (type != RR_ANY && n->apex && kept(n, type) && has_live(n, type))
		ignored(u, idx, n, type, "the apex keeps it", "delete RRset");
	for (uint16_t i = 0; i < n->nsets; i++) {
		struct wset *s = &n->sets[i];

		if (type == RR_ANY ? !kept(n, s->type) :
				     s->type == type && !(n->apex &&
							  kept(n, type)))
			kill_set(s);
	}
	return RCODE_NOERROR;
}

static uint16_t del_rr(struct upd *u, unsigned idx, struct wnode *n,
		       const struct msg_rr *r)
{
	int len = msg_rr_rdata(u->m, r, u->rd, sizeof(u->rd));
	struct wset *s;
	long at;

	if (len < 0)
		return RCODE_FORMERR;
	s = work_set(u, n, r->type, work_covered(u->rd, (uint16_t)len), false);
	at = s ? work_find(s, u->rd, (uint16_t)len) : -1;
	if (at < 0 || !s->rr[at].live)
		return RCODE_NOERROR;
	if (n->apex && r->type == RR_SOA) {
		ignored(u, idx, n, r->type, "the zone keeps its SOA", "delete");
		return RCODE_NOERROR;
	}
	if (n->apex && r->type == RR_NS && work_live(s) == 1) {
		ignored(u, idx, n, r->type, "the last apex NS", "delete");
		return RCODE_NOERROR;
	}
	s->rr[at].live = false;
	return RCODE_NOERROR;
}

uint16_t apply_updates(struct upd *u)
{
	uint16_t n = msg_section_count(u->m, MSG_AUTHORITY), rc;

	for (uint16_t i = 0; i < n; i++) {
		const struct msg_rr *r = msg_section_rr(u->m, MSG_AUTHORITY, i);
		struct wnode *w;

		if (msg_rr_owner(u->m, r, u->owner) < 0)
			return RCODE_FORMERR;
		w = work_node(u, u->owner);
		if (!w)
			return RCODE_SERVFAIL;
		if (r->rclass == CLASS_IN)
			rc = add_rr(u, i + 1u, w, r);
		else if (r->rclass == CLASS_ANY)
			rc = del_rrsets(u, i + 1u, w, r->type);
		else
			rc = del_rr(u, i + 1u, w, r);
		if (rc != RCODE_NOERROR)
			return rc;
	}
	return RCODE_NOERROR;
}

/* A live A or AAAA at name, in the working copy or else in the zone. */
static bool has_address(struct upd *u, const uint8_t *name)
{
	const struct wnode *w = work_peek(u, name);
	const struct zdb_node *n;

	if (w)
		return has_live(w, RR_A) || has_live(w, RR_AAAA);
	n = zdb_zone_find(u->z, name);
	return n && (zdb_node_rrset(n, RR_A) || zdb_node_rrset(n, RR_AAAA));
}

/* An NS target that needs no address here: outside the zone, or at or
 * below a delegation (as the zone was: cuts the update makes or removes
 * are not seen, a simplification of BIND's lookup). */
static bool ns_elsewhere(struct upd *u, const uint8_t *target)
{
	struct zdb_lookup l;

	if (!name_is_subdomain(target, zdb_zone_origin(u->z)))
		return true;
	zdb_zone_lookup(u->z, target, &l);
	return l.cut && l.cut != zdb_zone_apex(u->z);
}

static uint16_t check_target(struct upd *u, const uint8_t *rd, uint16_t len)
{
	char name[NAME_TEXT_MAX];

	if (name_check(rd, len) < 0 || ns_elsewhere(u, rd) ||
	    has_address(u, rd))
		return RCODE_NOERROR;
	if (name_to_text(name, sizeof(name), rd) < 0)
		strcpy(name, "?");
	snprintf(u->info->text, sizeof(u->info->text),
		 "update refused after the fact: apex NS %.200s has no address "
		 "records (REFUSED)", name);
	u->info->section = UPDATE_SEC_UPDATE;
	u->info->index = 0;
	return RCODE_REFUSED;
}

uint16_t apply_nscheck(struct upd *u)
{
	const uint8_t *origin = zdb_zone_origin(u->z);
	struct wnode *w = work_peek(u, origin);
	const struct wset *s = w ? work_set(u, w, RR_NS, 0, false) : NULL;
	const struct zdb_rrset *zs;
	uint16_t rc = RCODE_NOERROR;

	if (w) {
		for (uint32_t i = 0; s && i < s->n && !rc; i++)
			if (s->rr[i].live)
				rc = check_target(u, s->rr[i].rd, s->rr[i].len);
		return rc;
	}
	zs = zdb_node_rrset(zdb_zone_apex(u->z), RR_NS);
	for (uint16_t i = 0; zs && i < zs->count && !rc; i++)
		rc = check_target(u, zs->rr[i].data, zs->rr[i].len);
	return rc;
}
