/* Semantic checks of a finished zone: what named-checkzone -i local -k fail
 * and kzonecheck report, at the level the stricter of the two gives it.
 * ZONE_REFUSE marks what named-compilezone -k ignore refuses to load. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone_check_int.h"

void zck_report(struct zck *c, const struct zone_rr *rr,
		enum zone_level level, const char *msg, const uint8_t *name,
		const uint8_t *target, uint16_t type)
{
	char own[NAME_TEXT_MAX], tgt[NAME_TEXT_MAX], tb[16];

	/* a large zone may hold many warnings nobody reads; errors are
	 * counted whether reported or not */
	if (level == ZONE_WARN && !zone_reports(c->z, level))
		return;
	name_to_text(own, sizeof(own), name);
	if (target)
		name_to_text(tgt, sizeof(tgt), target);
	if (level != ZONE_WARN)
		c->errors++;
	if (level == ZONE_REFUSE)
		c->refuse = true;
	zone_report(c->z, rr, level, "%s%s/%s: %s%s%s%s",
		    level == ZONE_WARN ? "warning: " : "", own,
		    rrtype_to_text(type, tb), target ? "'" : "",
		    target ? tgt : "", target ? "' " : "", msg);
}

void zck_report_num(struct zck *c, const struct zone_rr *rr,
		    enum zone_level level, const char *what, int num)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s %d", what, num);
	zck_report(c, rr, level, msg, rr->owner, NULL, rr->type);
}

/* Octets of a host name label: 2 anywhere (letters, digits), 1 only
 * inside (the hyphen). A table, as every owner goes through it. */
static const uint8_t host_octet[256] = {
	['-'] = 1,
	['0' ... '9'] = 2, ['a' ... 'z'] = 2, ['A' ... 'Z'] = 2,
};

/* BIND's dns_name_ishostname() on the labels that start before end:
 * letters, digits, inner hyphens; a leading "*" label passes for owners
 * (wildcard). */
static bool host_labels(const uint8_t *name, size_t end, bool wildcard)
{
	size_t pos = 0;

	if (wildcard && name[0] == 1 && name[1] == '*')
		pos = 2;
	while (pos < end && name[pos]) {
		const uint8_t *l = name + pos + 1;
		uint8_t n = name[pos], ok = 1;

		/* the hyphen passes inside, not at either end */
		for (uint8_t i = 0; i < n; i++)
			ok &= host_octet[l[i]] != 0;
		if (!ok || host_octet[l[0]] != 2 || host_octet[l[n - 1]] != 2)
			return false;
		pos += (size_t)n + 1;
	}
	return true;
}

static bool is_hostname(const uint8_t *name, bool wildcard)
{
	return host_labels(name, SIZE_MAX, wildcard);
}

/* is_hostname(owner, true) for an owner inside the zone: its origin
 * part is spelt as the origin (but for case), whose answer is known. */
static bool owner_is_hostname(const struct zck *c, const uint8_t *owner)
{
	size_t len = name_length(owner);

	if (len <= c->z->origin_len)
		return is_hostname(owner, true);
	size_t below = len - c->z->origin_len;
	return c->origin_host && host_labels(owner, below, true);
}

/* dns_name_ismailbox(): any printable first label, then a hostname. */
static bool is_mailbox(const uint8_t *name)
{
	if (!name[0])
		return true;
	for (uint8_t i = 1; i <= name[0]; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return false;
	return is_hostname(name + name[0] + 1, false);
}

static bool is_reverse(const uint8_t *owner)
{
	static const uint8_t v4[] = "\7in-addr\4arpa";
	static const uint8_t v6[] = "\3ip6\4arpa";
	static const uint8_t v6i[] = "\3ip6\3int";

	return name_is_subdomain(owner, v4) || name_is_subdomain(owner, v6) ||
	       name_is_subdomain(owner, v6i);
}

/* BIND's NSEC3 owner rule: the first label is base32hex without padding
 * (whole octets, unused low bits zero). */
static bool is_nsec3_hash(const uint8_t *name)
{
	/* Bits left over in the last character, -1 for impossible lengths. */
	static const int8_t spare[8] = { 0, -1, 2, -1, 4, 1, -1, 3 };
	uint8_t n = name[0], v = 0;

	if (spare[n % 8] < 0)
		return false;
	for (uint8_t i = 1; i <= n; i++) {
		uint8_t ch = name[i] | 0x20;
		if (ch >= '0' && ch <= '9')
			v = (uint8_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'v')
			v = (uint8_t)(ch - 'a' + 10);
		else
			return false;
	}
	return (v & ((1u << spare[n % 8]) - 1)) == 0;
}

/* Owner names that check-names holds to host name rules. */
static bool owner_is_host(uint16_t type)
{
	return type == RR_A || type == RR_AAAA || type == RR_A6 ||
	       type == RR_WKS || type == RR_MX;
}

struct names_ctx {
	struct zck *c;
	const struct zone_rr *rr;
	int nth;
};

/* Which RDATA names check-names tests, and against which rule: 1 host,
 * 2 mailbox, 0 none. nth counts the names in RDATA order. */
static int target_rule(uint16_t type, int nth, const uint8_t *owner)
{
	switch (type) {
	case RR_NS: case RR_MX: case RR_SRV: case RR_AFSDB: case RR_RT:
		return nth == 0;
	case RR_SOA:
		return nth == 0 ? 1 : 2;
	case RR_RP:
		return nth == 0 ? 2 : 0;
	case RR_MINFO:
		return 2;
	case RR_PTR:
		return nth == 0 && is_reverse(owner);
	default:
		return 0;
	}
}

static void check_target_name(void *vctx, int field, const uint8_t *name)
{
	struct names_ctx *n = vctx;
	int rule = target_rule(n->rr->type, n->nth++, n->rr->owner);
	bool ok = rule == 1 ? is_hostname(name, false) :
		  rule == 2 ? is_mailbox(name) : true;

	(void)field;
	if (!ok)
		zck_report(n->c, n->rr, ZONE_ERR, "bad name (check-names)",
		       n->rr->owner, name, n->rr->type);
}

static bool nonterminal_wildcard(const uint8_t *name)
{
	size_t pos = name[0] ? name[0] + 1u : 0;

	for (; name[pos]; pos += name[pos] + 1u)
		if (name[pos] == 1 && name[pos + 1] == '*')
			return true;
	return false;
}

/* Whether target_rule() holds some name of type to a rule: the others
 * need no walk of their RDATA. A type with a rule has one for its first
 * name. */
static bool has_name_rule(uint16_t type, const uint8_t *owner)
{
	return target_rule(type, 0, owner) != 0;
}

/* The name in NS and MX RDATA, found as rdata_foreach_name() finds it
 * (valid RDATA only) without its walk of the type's fields: most of
 * the names a zone's checks look at. NULL when the RDATA is not valid. */
static const uint8_t *ns_mx_name(const struct zone_rr *rr)
{
	size_t off = rr->type == RR_MX ? 2 : 0;

	if (rr->rdlen <= off ||
	    name_check(rr->rdata + off, rr->rdlen - off) !=
	    (int)(rr->rdlen - off))
		return NULL;
	return rr->rdata + off;
}

/* Calls fn for each name in rr's RDATA. */
static void each_name(const struct zone_rr *rr, rdata_name_fn fn, void *ctx)
{
	if (rr->type == RR_NS || rr->type == RR_MX) {
		const uint8_t *name = ns_mx_name(rr);
		if (name)
			fn(ctx, rr->type == RR_MX, name);
		return;
	}
	rdata_foreach_name(rr->type, rr->rdata, rr->rdlen, fn, ctx);
}

static void check_names(struct zck *c, const struct zone_rr *rr)
{
	struct names_ctx n = { c, rr, 0 };

	each_name(rr, check_target_name, &n);
}

static bool has_addr(const struct zone *z, const struct zone_node *n)
{
	return zone_node_rrset(z, n, RR_A) || zone_node_rrset(z, n, RR_AAAA);
}

struct target_ctx {
	struct zck *c;
	const struct zone_rr *rr;
	enum zone_level level;
	const uint8_t *cut;             /* delegation point, for glue */
	int nth;
};

/* Owner of a DNAME strictly above name inside the zone, or NULL. */
static const uint8_t *dname_above(const struct zone *z, const uint8_t *name)
{
	const uint8_t *anc = name;

	while (anc[0] && !name_equal(anc, z->origin)) {
		anc += anc[0] + 1;
		const struct zone_node *n = zone_find(z, anc);
		if (zone_node_rrset(z, n, RR_DNAME))
			return n->owner;
	}
	return NULL;
}

/* NS, MX and SRV targets inside the zone need addresses and must not
 * be aliases (RFC 2181 10.3). */
static void check_target(void *vctx, int field, const uint8_t *name)
{
	struct target_ctx *t = vctx;
	const struct zone *z = t->c->z;

	(void)field;
	/* "." means no service for MX and SRV; as an NS target (in the
	 * root zone) it needs an address like any other. */
	if (t->nth++ || (!name[0] && t->rr->type != RR_NS) ||
	    !name_is_subdomain(name, z->origin))
		return;
	bool glue = t->cut && name_is_subdomain(name, t->cut), wild;
	const struct zone_node *n = zone_lookup(z, name, &wild);
	const char *none = glue ?
		"has no REQUIRED GLUE address records (A or AAAA)" :
		"has no address records (A or AAAA)";

	const uint8_t *dname = t->c->has_dname ? dname_above(z, name) : NULL;
	if (dname) {
		char text[NAME_TEXT_MAX], msg[NAME_TEXT_MAX + 40];
		name_to_text(text, sizeof(text), dname);
		snprintf(msg, sizeof(msg), "is below a DNAME '%s' (illegal)",
			 text);
		zck_report(t->c, t->rr, t->level, msg, t->rr->owner, name,
		       t->rr->type);
		return;
	}
	/* A wildcard answers queries (Knot is content) but is no glue. */
	if (glue && wild && has_addr(z, n))
		zck_report(t->c, t->rr, ZONE_WARN, none, t->rr->owner, name,
		       t->rr->type);
	else if (zone_node_rrset(z, n, RR_CNAME))
		zck_report(t->c, t->rr, t->level, "is a CNAME (illegal)",
		       t->rr->owner, name, t->rr->type);
	else if (!has_addr(z, n))
		zck_report(t->c, t->rr, t->level, none, t->rr->owner, name,
		       t->rr->type);
}

static void check_targets(struct zck *c, const struct zone_rrset *s,
			  bool apex)
{
	struct target_ctx t = { c, NULL, ZONE_WARN, NULL, 0 };

	if (s->type == RR_NS) {
		t.level = apex && !c->z->apex_glue_err ? ZONE_REFUSE :
			  ZONE_ERR;
		t.cut = apex ? NULL : s->owner;
	} else if (s->type != RR_MX && s->type != RR_SRV) {
		return;
	}
	for (uint32_t i = 0; i < s->count; i++) {
		t.rr = zck_set_rr(c->z, s, i);
		t.nth = 0;
		each_name(t.rr, check_target, &t);
	}
}

/* BIND lets DNSSEC types sit beside a CNAME; Knot only RRSIG and NSEC. */
static enum zone_level beside_cname(uint16_t type)
{
	switch (type) {
	case RR_CNAME: case RR_RRSIG: case RR_NSEC:
		return ZONE_WARN;
	case RR_KEY: case RR_SIG: case RR_NXT:
		return ZONE_ERR;
	default:
		return ZONE_REFUSE;
	}
}

/* The RR of s written first in the file, or (second) the one after it:
 * BIND reports a conflict where the second record comes in. */
static const struct zone_rr *by_seq(const struct zone *z,
				    const struct zone_rrset *s, bool second)
{
	const struct zone_rr *best = NULL, *first = zck_set_rr(z, s, 0);

	for (uint32_t i = 1; i < s->count; i++)
		if (zck_set_rr(z, s, i)->seq < first->seq)
			first = zck_set_rr(z, s, i);
	if (!second)
		return first;
	for (uint32_t i = 0; i < s->count; i++) {
		const struct zone_rr *r = zck_set_rr(z, s, i);
		if (r != first && (!best || r->seq < best->seq))
			best = r;
	}
	return best ? best : first;
}

/* The sets of a node that checks of its other sets look at, found in
 * one pass over its sets (each the first of its type, as
 * zone_node_rrset() finds it). */
struct node_sets {
	const struct zone_rrset *ns, *cname, *dname, *spf, *txt;
};

static void find_sets(const struct zone *z, const struct zone_node *n,
		      struct node_sets *f)
{
	memset(f, 0, sizeof(*f));
	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		const struct zone_rrset **slot =
			s->type == RR_NS ? &f->ns :
			s->type == RR_CNAME ? &f->cname :
			s->type == RR_DNAME ? &f->dname :
			s->type == RR_SPF ? &f->spf :
			s->type == RR_TXT ? &f->txt : NULL;
		if (slot && !*slot)
			*slot = s;
	}
}

static void check_singletons(struct zck *c, const struct zone_node *n,
			     const struct node_sets *f)
{
	const struct zone *z = c->z;

	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		bool single = s->type == RR_CNAME || s->type == RR_DNAME;
		if (single && s->count > 1)
			zck_report(c, by_seq(z, s, true), ZONE_REFUSE,
				   "multiple RRs of singleton type", s->owner,
				   NULL, s->type);
	}
	const struct zone_rrset *ns = f->ns;
	if (ns && f->dname && !name_equal(n->owner, z->origin))
		zck_report(c, zck_set_rr(z, ns, 0), ZONE_ERR,
			   "NS record exists beside DNAME", n->owner, NULL,
			   RR_NS);
	const struct zone_rrset *cname = f->cname;
	if (!cname)
		return;
	const struct zone_rr *crr = by_seq(z, cname, false);
	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		enum zone_level l = beside_cname(s->type);
		const struct zone_rr *rr = by_seq(z, s, false);
		if (l != ZONE_WARN)
			zck_report(c, rr->seq > crr->seq ? rr : crr, l,
				   "CNAME and other data", s->owner, NULL,
				   s->type);
	}
}

/* Knot refuses names below a DNAME (RFC 6672 section 2.3 forbids them). */
static size_t check_dname(struct zck *c, size_t idx)
{
	const struct zone *z = c->z;
	const struct zone_node *d = &z->nodes[idx];
	size_t j = idx + 1;

	for (; j < z->nnodes && name_is_subdomain(z->nodes[j].owner, d->owner);
	     j++) {
		const struct zone_rrset *s = &z->sets[z->nodes[j].first];
		char text[NAME_TEXT_MAX], msg[NAME_TEXT_MAX + 40];
		name_to_text(text, sizeof(text), d->owner);
		snprintf(msg, sizeof(msg), "child record exists under DNAME "
			 "'%s'", text);
		zck_report(c, zck_set_rr(z, s, 0), ZONE_ERR, msg, s->owner,
			   NULL, s->type);
	}
	return j;
}

static bool txt_is_spf(const struct zone_rr *rr)
{
	return rr->rdlen >= 7 && rr->rdata[0] >= 6 &&
	       memcmp(rr->rdata + 1, "v=spf1", 6) == 0 &&
	       (rr->rdata[0] == 6 || rr->rdlen == 7 || rr->rdata[7] == ' ');
}

/* BIND asks for a TXT version of an SPF record. */
static void check_spf(struct zck *c, const struct node_sets *f)
{
	const struct zone *z = c->z;
	const struct zone_rrset *spf = f->spf;
	const struct zone_rrset *txt = f->txt;

	if (!spf)
		return;
	for (uint32_t i = 0; txt && i < txt->count; i++)
		if (txt_is_spf(zck_set_rr(z, txt, i)))
			return;
	zck_report(c, zck_set_rr(z, spf, 0), ZONE_WARN, "found type SPF "
	       "record but no SPF TXT record found", spf->owner, NULL,
	       RR_SPF);
}

static void check_apex(struct zck *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_rrset *soa = zone_node_rrset(z, apex, RR_SOA);
	const struct zone_rrset *ns = zone_node_rrset(z, apex, RR_NS);
	const struct zone_rr *any = z->nrr ? z->rrs[0] : NULL;

	if (!soa)
		zck_report(c, any, ZONE_REFUSE, "has 0 SOA records", z->origin,
		       NULL, RR_SOA);
	else if (soa->count > 1)
		zck_report(c, by_seq(z, soa, true), ZONE_REFUSE,
		       "multiple RRs of singleton type", z->origin, NULL,
		       RR_SOA);
	if (!ns)
		zck_report(c, soa ? zck_set_rr(z, soa, 0) : any, ZONE_REFUSE,
		       "has no NS records", z->origin, NULL, RR_NS);
	zck_dnssec_apex(c, apex);
}

/* check-names on owners, tested once per node: one name for all sets. */
static void check_owner(struct zck *c, const struct zone_node *n,
			const struct zone_rrset *s, int *host_owner)
{
	bool bad = false;

	if (owner_is_host(s->type)) {
		if (!*host_owner)
			*host_owner = !owner_is_hostname(c, n->owner) ? 2 : 1;
		bad = *host_owner == 2;
	} else if (s->type == RR_NSEC3) {
		bad = !is_nsec3_hash(n->owner);
	}
	/* BIND names every record, not just the set. */
	for (uint32_t i = 0; bad && i < s->count; i++)
		zck_report(c, zck_set_rr(c->z, s, i), ZONE_ERR,
			   "bad owner name (check-names)", s->owner, NULL,
			   s->type);
}

static void check_node(struct zck *c, const struct zone_node *n, bool apex)
{
	const struct zone *z = c->z;
	int host_owner = 0;             /* 0 untested, 1 fine, 2 bad */
	struct node_sets f;

	find_sets(z, n, &f);
	bool cut = !apex && f.ns;

	check_singletons(c, n, &f);
	check_spf(c, &f);
	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		zck_dnssec_set(c, s, apex, cut);
		if (s->type == RR_NS && n->owner[0] == 1 &&
		    n->owner[1] == '*')
			zck_report(c, zck_set_rr(z, s, 0), ZONE_REFUSE,
			       "invalid NS owner name (wildcard)", s->owner,
			       NULL, s->type);
		if (s->type == RR_SOA && !apex)
			zck_report(c, zck_set_rr(z, s, 0), ZONE_REFUSE,
			       "SOA record not at top of zone", s->owner,
			       NULL, s->type);
		check_targets(c, s, apex);
		check_owner(c, n, s, &host_owner);
		if (!has_name_rule(s->type, n->owner))
			continue;
		for (uint32_t k = 0; k < s->count; k++)
			check_names(c, zck_set_rr(z, s, k));
	}
	if (nonterminal_wildcard(n->owner))
		zck_report(c, z->rrs[z->sets[n->first].first], ZONE_WARN,
		       "owner name contains a non-terminal wildcard", n->owner,
		       NULL, z->sets[n->first].type);
}

int zone_check(const struct zone *z, bool *refuse)
{
	struct zck c = { z, (int)z->refused, z->refused > 0, false, false };
	const struct zone_node *apex = zone_find(z, z->origin);

	/* Without a DNAME no target can sit below one: spares a lookup of
	 * each ancestor of each target. */
	for (size_t i = 0; i < z->nsets && !c.has_dname; i++)
		c.has_dname = z->sets[i].type == RR_DNAME;
	c.origin_host = is_hostname(z->origin, false);
	check_apex(&c, apex);
	for (size_t i = 0; i < z->nnodes; i++) {
		zone_prefetch_node(z, i + ZONE_PREFETCH_AHEAD);
		check_node(&c, &z->nodes[i], &z->nodes[i] == apex);
	}
	for (size_t i = 0; c.has_dname && i < z->nnodes;) {
		if (zone_node_rrset(z, &z->nodes[i], RR_DNAME))
			i = check_dname(&c, i);
		else
			i++;
	}
	zck_nsec_chain(&c, apex);
	zck_signatures(&c, apex);
	if (refuse)
		*refuse = c.refuse;
	return c.errors;
}

int zone_check_nodes(const struct zone *z, bool *refuse)
{
	struct zck c = { z, (int)z->refused, z->refused > 0, false, false };

	const struct zone_node *apex = zone_find(z, z->origin);

	for (size_t i = 0; i < z->nsets && !c.has_dname; i++)
		c.has_dname = z->sets[i].type == RR_DNAME;
	c.origin_host = is_hostname(z->origin, false);
	if (apex)
		check_apex(&c, apex);
	for (size_t i = 0; i < z->nnodes; i++)
		check_node(&c, &z->nodes[i], name_equal(z->nodes[i].owner,
							z->origin));
	if (refuse)
		*refuse = c.refuse;
	return c.errors;
}
