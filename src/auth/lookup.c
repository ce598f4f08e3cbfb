/* RFC 1034 4.3.2 over the serving store: exact matches, referrals at
 * zone cuts, CNAME chains (inside the zone; as in Knot, five CNAMEs at
 * most and none to a name already answered), DNAME synthesis (RFC
 * 6672), wildcards (RFC 4592) and negative answers (RFC 2308). */
#include <string.h>

#include "auth/auth_int.h"
#include "base/error.h"
#include "wire/rrtype.h"

enum step { STEP_DONE, STEP_FOLLOW };

/* The name being answered, case as received (or as in the CNAME/DNAME
 * target), prepared once for the zone choice, the lookup and the
 * in-zone test of a chain; the store and the comparisons ignore case. */
struct cur {
	uint8_t name[NAME_MAXLEN];
	size_t len;
	const struct zdb_qname *q;      /* &own, or the batch's for qname */
	struct zdb_qname own;
};

static void cur_set(struct cur *c, const uint8_t *name, size_t len)
{
	memcpy(c->name, name, len);
	c->len = len;
	zdb_qname_prep(&c->own, c->name);
	c->q = &c->own;
}

/* The question, prepared by the batch when there was one. */
static void cur_start(struct cur *c, const struct auth_query *a)
{
	if (!a->pre) {
		cur_set(c, a->q->qname, a->q->qname_len);
		return;
	}
	memcpy(c->name, a->q->qname, a->q->qname_len);
	c->len = a->q->qname_len;
	c->q = a->pre;
}

/* DS belongs to the parent side of a cut: ask the zone above qname
 * first (Knot and BIND do), else the zone of qname itself. */
static const struct zdb_zone *pick_zone(const struct auth_query *a,
					const struct cur *c)
{
	const struct zonedb *db = a->db;
	uint16_t qtype = a->q->qtype;
	const uint8_t *qname = c->name;
	const struct zdb_zone *z;

	if (!db)
		return NULL;
	/* a batch picked the deepest zone already (not the DS choice) */
	if (c->q == a->pre && (qtype != RR_DS || zonedb_count(db) == 1))
		return a->pre_zone;
	/* One zone served (the common case): it answers exactly the names
	 * at or below its origin, DS included (no parent zone to prefer),
	 * and a suffix test is far cheaper than the zone set's lookup. */
	if (zonedb_count(db) == 1) {
		z = zonedb_at(db, 0);
		return zdb_zone_has(z, c->q) ? z : NULL;
	}
	if (qtype == RR_DS && qname[0]) {
		z = zonedb_find(db, qname + 1 + qname[0]);
		if (z)
			return z;
	}
	return zonedb_find_q(db, c->q);
}

static bool put(struct auth_query *a, enum msg_section s,
		const uint8_t *owner, const struct zdb_rrset *set)
{
	if (auth_put_rrset(a, s, owner, set) == 0)
		return true;
	a->tc = true;
	auth_note(a, WHY_TC, NULL, NULL, owner, set->type, set);
	return false;
}

/* set under owner, with its RRSIGs (node n's) when DO asks for them:
 * both or neither, TC then (RFC 4035 3.1.1). */
static bool put_set(struct auth_query *a, enum msg_section s,
		    const uint8_t *owner, const struct zdb_node *n,
		    const struct zdb_rrset *set)
{
	if (!a->dnssec)
		return put(a, s, owner, set);
	if (auth_put_signed(a, s, owner, n, set) == 0)
		return true;
	a->tc = true;
	auth_note(a, WHY_TC, NULL, NULL, owner, set->type, set);
	return false;
}

/* NXDOMAIN or NODATA: the SOA in authority, TTL = min(TTL, MINIMUM);
 * with DO its RRSIGs too, cut to the same TTL. */
static void negative(struct auth_query *a, const struct zdb_zone *z,
		     uint16_t rcode)
{
	const struct zdb_node *apex = zdb_zone_apex(z);
	const struct zdb_rrset *soa = zdb_node_rrset(apex, RR_SOA);
	struct zdb_rrset neg;
	uint32_t min;

	a->rcode = rcode;
	if (!soa || !soa->count || soa->rr[0].len < 20)
		return;
	neg = *soa;
	neg.count = 1;
	min = wire_get_u32(soa->rr[0].data + soa->rr[0].len - 4);
	if (min < neg.ttl)
		neg.ttl = min;
	put_set(a, MSG_AUTHORITY, apex->owner, apex, &neg);
}

static void referral(struct auth_query *a, const struct zdb_zone *z,
		     const struct zdb_node *cut)
{
	const struct zdb_rrset *ns = zdb_node_rrset(cut, RR_NS);

	if (a->nchain == 0)
		a->aa = false;
	auth_note(a, WHY_REFERRAL, z, cut->owner, NULL, RR_NS, ns);
	if (!ns || !put(a, MSG_AUTHORITY, cut->owner, ns))
		return;
	if (a->dnssec)
		auth_dnssec_referral(a, z, cut);
	auth_want_additional(a, z, ns, cut->owner);
}

/* Next name from a CNAME's RDATA. */
static enum step follow_cname(struct cur *c, const struct zdb_rrset *set)
{
	int len;

	if (!set->count)
		return STEP_DONE;
	len = name_check(set->rr[0].data, set->rr[0].len);
	if (len <= 0)
		return STEP_DONE;
	cur_set(c, set->rr[0].data, (size_t)len);
	return STEP_FOLLOW;
}

/* Octets of the first n labels of name. */
static size_t prefix_len(const uint8_t *name, int n)
{
	size_t off = 0;

	while (n-- > 0)
		off += (size_t)name[off] + 1;
	return off;
}

/* The DNAME set, unless an earlier link of the chain put it there. */
static bool put_dname(struct auth_query *a, const struct zdb_node *dn,
		      const struct zdb_rrset *set)
{
	for (uint8_t i = 0; i < a->ndnames; i++)
		if (a->dnames[i] == set)
			return true;
	if (!put_set(a, MSG_ANSWER, dn->owner, dn, set))
		return false;
	if (a->ndnames <= AUTH_MAX_CHAIN)
		a->dnames[a->ndnames++] = set;
	return true;
}

/* RFC 6672 2.2: the DNAME, then a CNAME from qname to the substituted
 * name (TTL of the DNAME); YXDOMAIN when that would be too long. */
static enum step dname(struct auth_query *a, const struct zdb_node *dn,
		       struct cur *c)
{
	const struct zdb_rrset *set = zdb_node_rrset(dn, RR_DNAME);
	uint8_t next[NAME_MAXLEN];
	struct auth_mark m;
	size_t pre;
	int tlen;

	if (a->nchain >= AUTH_MAX_CHAIN || !set || !set->count ||
	    !put_dname(a, dn, set))
		return STEP_DONE;
	tlen = name_check(set->rr[0].data, set->rr[0].len);
	if (tlen <= 0)
		return STEP_DONE;
	pre = prefix_len(c->name, name_labels(c->name) - dn->labels);
	if (pre + (size_t)tlen > NAME_MAXLEN) {
		a->rcode = RCODE_YXDOMAIN;
		auth_note(a, WHY_YXDOMAIN, NULL, dn->owner, c->name, RR_DNAME,
			  set);
		return STEP_DONE;
	}
	memcpy(next, c->name, pre);
	memcpy(next + pre, set->rr[0].data, (size_t)tlen);
	auth_note(a, WHY_DNAME, NULL, dn->owner, next, RR_DNAME, set);
	auth_mark(a, &m);
	if (msg_writer_rr(&a->mw, MSG_ANSWER, c->name, RR_CNAME, 1, set->ttl,
			  next, (uint16_t)(pre + (size_t)tlen)) < 0) {
		auth_rollback(a, &m);
		a->tc = true;
		return STEP_DONE;
	}
	if (a->q->qtype == RR_CNAME)
		return STEP_DONE;       /* the synthesised CNAME answers it */
	cur_set(c, next, pre + (size_t)tlen);
	return STEP_FOLLOW;
}

static bool wants_additional(uint16_t type)
{
	return type == RR_NS || type == RR_MX || type == RR_SRV ||
	       type == RR_SVCB || type == RR_HTTPS;
}

/* RRSIG and NSEC live beside a CNAME (RFC 4035 2.5): asked for, they
 * are answered from the node itself, as Knot and BIND do. */
static bool follows_cname(uint16_t qtype)
{
	return qtype != RR_CNAME && qtype != RR_RRSIG && qtype != RR_NSEC;
}

/* RFC 8482 4.1: one RRset; signatures are not one to pick. */
static const struct zdb_rrset *any_set(const struct zdb_node *n)
{
	for (uint16_t i = 0; i < n->nsets; i++)
		if (n->sets[i].type != RR_RRSIG)
			return &n->sets[i];
	return &n->sets[0];
}

/* With DO, the proof that a name has no RRset of the type asked: at a
 * wildcard (w, with closest encloser ce) or at the name itself. */
static void deny_nodata(struct auth_query *a, const struct zdb_zone *z,
			const struct zdb_lookup *r, const struct zdb_node *n,
			const struct cur *c)
{
	if (n == r->wildcard)
		auth_dnssec_wild_nodata(a, z, r->encloser, n, c->name);
	else
		auth_dnssec_nodata(a, z, n, c->name);
}

/* The node (exact, or r's wildcard) that answers for c. RFC 8482: ANY
 * gets one RRset, the first by type as Knot picks it. With DO, a
 * wildcard's use comes with the proof that c's name does not exist
 * (RFC 4035 3.1.3.1). */
static enum step answer_node(struct auth_query *a, const struct zdb_zone *z,
			     const struct zdb_lookup *r,
			     const struct zdb_node *n, struct cur *c)
{
	uint16_t qtype = a->q->qtype;
	const struct zdb_rrset *set;

	if ((n->flags & ZDB_ENT) || !n->nsets) {
		auth_note(a, WHY_ENT, z, n->owner, c->name, qtype, NULL);
		negative(a, z, RCODE_NOERROR);
		if (a->dnssec)
			deny_nodata(a, z, r, n, c);
		return STEP_DONE;
	}
	if (qtype == RR_ANY) {
		set = any_set(n);
		auth_note(a, WHY_ANY, z, n->owner, c->name, set->type, set);
	} else if ((n->flags & ZDB_CNAME) && follows_cname(qtype)) {
		if (a->nchain >= AUTH_MAX_CHAIN) {
			auth_note(a, WHY_CHAIN_LIMIT, z, n->owner, c->name,
				  qtype, NULL);
			return STEP_DONE;
		}
		set = zdb_node_rrset(n, RR_CNAME);
		if (!set || !put_set(a, MSG_ANSWER, c->name, n, set))
			return STEP_DONE;
		if (a->dnssec && n == r->wildcard)
			auth_dnssec_wildcard(a, z, r->encloser, c->name);
		auth_note(a, WHY_CNAME, z, n->owner, set->count ?
			  set->rr[0].data : NULL, RR_CNAME, set);
		return follow_cname(c, set);
	} else {
		set = zdb_node_rrset(n, qtype);
	}
	if (!set) {
		auth_note(a, WHY_NODATA, z, n->owner, c->name, qtype, NULL);
		negative(a, z, RCODE_NOERROR);
		if (a->dnssec)
			deny_nodata(a, z, r, n, c);
		return STEP_DONE;
	}
	auth_note(a, WHY_ANSWER, z, n->owner, c->name, set->type, set);
	if (!put_set(a, MSG_ANSWER, c->name, n, set))
		return STEP_DONE;
	if (a->dnssec && n == r->wildcard)
		auth_dnssec_wildcard(a, z, r->encloser, c->name);
	if (wants_additional(set->type))
		auth_want_additional(a, z, set, NULL);
	if (qtype != RR_ANY) {
		a->answer_zone = z;
		a->answer_set = set;
	}
	return STEP_DONE;
}

static enum step answer_name(struct auth_query *a, const struct zdb_zone *z,
			     struct cur *c)
{
	struct zdb_lookup r;

	memset(&r, 0, sizeof(r));
	zdb_zone_lookup_q(z, c->q, &r);
	if (r.cut && !(r.cut == r.node && a->q->qtype == RR_DS)) {
		referral(a, z, r.cut);
		return STEP_DONE;
	}
	if (r.dname)
		return dname(a, r.dname, c);
	if (r.node) {
		auth_note(a, WHY_EXACT, z, r.node->owner, c->name, 0, NULL);
		return answer_node(a, z, &r, r.node, c);
	}
	if (r.wildcard) {
		auth_note(a, WHY_WILDCARD, z, r.wildcard->owner, c->name, 0,
			  NULL);
		return answer_node(a, z, &r, r.wildcard, c);
	}
	auth_note(a, WHY_NXDOMAIN, z, r.encloser ? r.encloser->owner : NULL,
		  c->name, 0, NULL);
	negative(a, z, RCODE_NXDOMAIN);
	if (a->dnssec)
		auth_dnssec_nxdomain(a, z, r.encloser, c->name);
	return STEP_DONE;
}

static bool seen(struct auth_query *a, const uint8_t *name)
{
	for (uint8_t i = 0; i <= a->nchain; i++)
		if (name_equal(a->seen[i], name))
			return true;
	return false;
}

/* Without minimal responses, positive answers carry the zone's NS set
 * in authority (and its addresses), as NSD and BIND send them. */
static void apex_ns(struct auth_query *a)
{
	const struct zdb_node *apex;
	const struct zdb_rrset *ns;

	if (a->conf->minimal || !a->answer_zone || a->tc ||
	    a->rcode != RCODE_NOERROR)
		return;
	apex = zdb_zone_apex(a->answer_zone);
	ns = zdb_node_rrset(apex, RR_NS);
	if (!ns || ns == a->answer_set)
		return;
	if (auth_put_signed(a, MSG_AUTHORITY, apex->owner, apex, ns) == 0) {
		auth_note(a, WHY_APEX_NS, a->answer_zone, apex->owner, NULL,
			  RR_NS, ns);
		auth_want_additional(a, a->answer_zone, ns, NULL);
	}
}

/* Which zone answers, for banchi-ctl why (the DS case: the parent's
 * when the child zone is served here too). */
static void note_zone(const struct auth_query *a, const struct zdb_zone *z,
		      const struct cur *c)
{
	const struct zdb_zone *child;

	if (!z) {
		auth_note(a, a->rcode == RCODE_SERVFAIL ? WHY_ZONE_DEAD :
			  WHY_NO_ZONE, NULL, NULL, c->name, 0, NULL);
		return;
	}
	child = a->q->qtype == RR_DS ? zonedb_find(a->db, c->name) : NULL;
	auth_note(a, child && child != z &&
		  name_equal(zdb_zone_origin(child), c->name) ? WHY_ZONE_DS :
		  WHY_ZONE, z, NULL, c->name, 0, NULL);
}

/* Why a chain stopped where it did (banchi-ctl why). */
static void note_stop(const struct auth_query *a, const struct cur *c,
		      enum auth_why_kind k)
{
	auth_note(a, k, NULL, NULL, c->name, 0, NULL);
}

/* Like Knot and BIND, a chain is only followed inside the zone; what
 * lies in another zone is the resolver's to ask for. */
void auth_lookup(struct auth_query *a)
{
	const struct zdb_zone *z;
	struct cur c;

	cur_start(&c, a);
	z = pick_zone(a, &c);
	if (!z) {
		a->rcode = a->conf->zone_dead &&
			   a->conf->zone_dead(a->conf->zone_dead_arg, c.name) ?
			   RCODE_SERVFAIL : RCODE_REFUSED;
		note_zone(a, NULL, &c);
		return;
	}
	note_zone(a, z, &c);
	a->aa = true;
	memcpy(a->seen[0], c.name, c.len);
	while (answer_name(a, z, &c) == STEP_FOLLOW) {
		if (a->nchain >= AUTH_MAX_CHAIN) {
			note_stop(a, &c, WHY_CHAIN_LIMIT);
			break;
		}
		if (seen(a, c.name)) {
			note_stop(a, &c, WHY_LOOP);
			break;
		}
		if (!zdb_zone_has(z, c.q)) {
			note_stop(a, &c, WHY_LEAVES_ZONE);
			break;
		}
		memcpy(a->seen[++a->nchain], c.name, c.len);
	}
	if (a->nproofs)
		auth_dnssec_flush(a);
	apex_ns(a);
}
