/* Semantic checks of a finished zone: what named-checkzone -i local -k fail
 * and kzonecheck report, at the level the stricter of the two gives it.
 * ZONE_REFUSE marks what named-compilezone -k ignore refuses to load. */
#include <stdio.h>
#include <string.h>

#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone.h"

struct ctx {
	const struct zone *z;
	int errors;
	bool refuse;
};

static void report(struct ctx *c, const struct zone_rr *rr,
		   enum zone_level level, const char *msg, const uint8_t *name,
		   const uint8_t *target, uint16_t type)
{
	char own[NAME_TEXT_MAX], tgt[NAME_TEXT_MAX], tb[16];

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

static const struct zone_rr *set_rr(const struct zone *z,
				    const struct zone_rrset *s, uint32_t i)
{
	return z->rrs[s->first + i];
}

static bool alnum(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* BIND's dns_name_ishostname(): letters, digits, inner hyphens; a
 * leading "*" label passes for owners (wildcard). */
static bool is_hostname(const uint8_t *name, bool wildcard)
{
	size_t pos = 0;

	if (wildcard && name[0] == 1 && name[1] == '*')
		pos = 2;
	while (name[pos]) {
		uint8_t n = name[pos++];
		for (uint8_t i = 0; i < n; i++) {
			uint8_t ch = name[pos + i];
			bool border = i == 0 || i == n - 1;
			if (!alnum(ch) && (border || ch != '-'))
				return false;
		}
		pos += n;
	}
	return true;
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
	struct ctx *c;
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
		report(n->c, n->rr, ZONE_ERR, "bad name (check-names)",
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

static void check_names(struct ctx *c, const struct zone_rr *rr)
{
	struct names_ctx n = { c, rr, 0 };

	rdata_foreach_name(rr->type, rr->rdata, rr->rdlen, check_target_name,
			   &n);
}

static bool has_addr(const struct zone *z, const struct zone_node *n)
{
	return zone_node_rrset(z, n, RR_A) || zone_node_rrset(z, n, RR_AAAA);
}

struct target_ctx {
	struct ctx *c;
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

	const uint8_t *dname = dname_above(z, name);
	if (dname) {
		char text[NAME_TEXT_MAX], msg[NAME_TEXT_MAX + 40];
		name_to_text(text, sizeof(text), dname);
		snprintf(msg, sizeof(msg), "is below a DNAME '%s' (illegal)",
			 text);
		report(t->c, t->rr, t->level, msg, t->rr->owner, name,
		       t->rr->type);
		return;
	}
	/* A wildcard answers queries (Knot is content) but is no glue. */
	if (glue && wild && has_addr(z, n))
		report(t->c, t->rr, ZONE_WARN, none, t->rr->owner, name,
		       t->rr->type);
	else if (zone_node_rrset(z, n, RR_CNAME))
		report(t->c, t->rr, t->level, "is a CNAME (illegal)",
		       t->rr->owner, name, t->rr->type);
	else if (!has_addr(z, n))
		report(t->c, t->rr, t->level, none, t->rr->owner, name,
		       t->rr->type);
}

static void check_targets(struct ctx *c, const struct zone_rrset *s,
			  bool apex)
{
	struct target_ctx t = { c, NULL, ZONE_WARN, NULL, 0 };

	if (s->type == RR_NS) {
		t.level = apex ? ZONE_REFUSE : ZONE_ERR;
		t.cut = apex ? NULL : s->owner;
	} else if (s->type != RR_MX && s->type != RR_SRV) {
		return;
	}
	for (uint32_t i = 0; i < s->count; i++) {
		t.rr = set_rr(c->z, s, i);
		t.nth = 0;
		rdata_foreach_name(s->type, t.rr->rdata, t.rr->rdlen,
				   check_target, &t);
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

static void check_singletons(struct ctx *c, const struct zone_node *n)
{
	const struct zone *z = c->z;

	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		bool single = s->type == RR_CNAME || s->type == RR_DNAME;
		if (single && s->count > 1)
			report(c, set_rr(z, s, 1), ZONE_REFUSE,
			       "multiple RRs of singleton type", s->owner,
			       NULL, s->type);
	}
	const struct zone_rrset *ns = zone_node_rrset(z, n, RR_NS);
	if (ns && zone_node_rrset(z, n, RR_DNAME) &&
	    !name_equal(n->owner, z->origin))
		report(c, set_rr(z, ns, 0), ZONE_ERR,
		       "NS record exists beside DNAME", n->owner, NULL, RR_NS);
	if (!zone_node_rrset(z, n, RR_CNAME))
		return;
	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		enum zone_level l = beside_cname(s->type);
		if (l != ZONE_WARN)
			report(c, set_rr(z, s, 0), l, "CNAME and other data",
			       s->owner, NULL, s->type);
	}
}

/* Knot refuses names below a DNAME (RFC 6672 section 2.3 forbids them). */
static size_t check_dname(struct ctx *c, size_t idx)
{
	const struct zone *z = c->z;
	const struct zone_node *d = &z->nodes[idx];
	size_t j = idx + 1;

	for (; j < z->nnodes && name_is_subdomain(z->nodes[j].owner, d->owner);
	     j++) {
		const struct zone_rrset *s = &z->sets[z->nodes[j].first];
		report(c, set_rr(z, s, 0), ZONE_ERR,
		       "child record exists under DNAME", s->owner, NULL,
		       s->type);
	}
	return j;
}

/* Octet at off in rr's RDATA, or -1 when RDATA is shorter. */
static int rd_u8(const struct zone_rr *rr, size_t off)
{
	return off < rr->rdlen ? rr->rdata[off] : -1;
}

static void report_num(struct ctx *c, const struct zone_rr *rr,
		       enum zone_level level, const char *what, int num)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s %d", what, num);
	report(c, rr, level, msg, rr->owner, NULL, rr->type);
}

/* Knot: digest types it knows and their lengths; BIND warns on SHA-1
 * and SHA-1 based algorithms at delegations. */
static void check_ds(struct ctx *c, const struct zone_rr *rr, bool cut)
{
	static const int len[5] = { 0, 20, 32, 0, 48 };
	int alg = rd_u8(rr, 2), dt = rd_u8(rr, 3);

	if (dt < 0)
		return;
	if (dt > 4 || !len[dt])
		report_num(c, rr, ZONE_ERR, "invalid algorithm in DS: "
			   "digest type", dt);
	else if (rr->rdlen - 4 != len[dt])
		report_num(c, rr, ZONE_ERR, "invalid digest length in DS: "
			   "digest type", dt);
	if (cut && (alg == 5 || alg == 7))
		report_num(c, rr, ZONE_WARN, "deprecated algorithm",
			   alg);
	if (cut && dt == 1)
		report_num(c, rr, ZONE_WARN, "deprecated digest type",
			   dt);
}

static bool dnskey_alg_deprecated(int alg)
{
	return alg == 1 || alg == 3 || alg == 5 || alg == 6 || alg == 7 ||
	       alg == 12;
}

/* RFC 4034 serial arithmetic on the 32-bit expiration time. */
static void check_rrsig(struct ctx *c, const struct zone_rr *rr)
{
	if (!c->z->now || rr->rdlen < 12)
		return;
	uint32_t expire = wire_get_u32(rr->rdata + 8);
	if ((int32_t)(expire - c->z->now) < 0)
		report(c, rr, ZONE_WARN, "signature has expired",
		       rr->owner, NULL, rr->type);
}

static bool txt_is_spf(const struct zone_rr *rr)
{
	return rr->rdlen >= 7 && rr->rdata[0] >= 6 &&
	       memcmp(rr->rdata + 1, "v=spf1", 6) == 0 &&
	       (rr->rdata[0] == 6 || rr->rdlen == 7 || rr->rdata[7] == ' ');
}

/* BIND asks for a TXT version of an SPF record. */
static void check_spf(struct ctx *c, const struct zone_node *n)
{
	const struct zone *z = c->z;
	const struct zone_rrset *spf = zone_node_rrset(z, n, RR_SPF);
	const struct zone_rrset *txt = zone_node_rrset(z, n, RR_TXT);

	if (!spf)
		return;
	for (uint32_t i = 0; txt && i < txt->count; i++)
		if (txt_is_spf(set_rr(z, txt, i)))
			return;
	report(c, set_rr(z, spf, 0), ZONE_WARN, "found type SPF "
	       "record but no SPF TXT record found", spf->owner, NULL,
	       RR_SPF);
}

static void check_dnssec(struct ctx *c, const struct zone_rrset *s,
			 bool apex, bool cut)
{
	for (uint32_t i = 0; i < s->count; i++) {
		const struct zone_rr *rr = set_rr(c->z, s, i);
		int alg = rd_u8(rr, 3);
		if (s->type == RR_DS && apex && i == 0)
			report(c, rr, ZONE_REFUSE, "DS record at top of zone",
			       rr->owner, NULL, rr->type);
		else if (s->type == RR_DS)
			check_ds(c, rr, cut);
		else if (s->type == RR_KEY && (alg == 5 || alg == 7))
			report_num(c, rr, ZONE_WARN,
				   "deprecated algorithm", alg);
		else if (s->type == RR_DNSKEY && apex &&
			 dnskey_alg_deprecated(alg))
			report_num(c, rr, ZONE_WARN,
				   "deprecated DNSKEY algorithm", alg);
		else if (s->type == RR_RRSIG)
			check_rrsig(c, rr);
	}
}

static bool dnskey_has_alg(const struct zone *z, const struct zone_rrset *k,
			   int alg)
{
	for (uint32_t i = 0; k && i < k->count; i++)
		if (rd_u8(set_rr(z, k, i), 3) == alg)
			return true;
	return false;
}

/* BIND refuses CDS/CDNSKEY (other than the delete form, algorithm 0)
 * whose algorithm no apex DNSKEY has. */
static void check_cds(struct ctx *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_rrset *key = zone_node_rrset(z, apex, RR_DNSKEY);
	static const uint16_t types[2] = { RR_CDS, RR_CDNSKEY };

	for (int t = 0; t < 2; t++) {
		const struct zone_rrset *s = zone_node_rrset(z, apex, types[t]);
		for (uint32_t i = 0; s && i < s->count; i++) {
			const struct zone_rr *rr = set_rr(z, s, i);
			int alg = rd_u8(rr, types[t] == RR_CDS ? 2 : 3);
			if (alg > 0 && !dnskey_has_alg(z, key, alg))
				report_num(c, rr, ZONE_REFUSE, "CDS/CDNSKEY "
					   "consistency checks failed: no "
					   "DNSKEY of algorithm", alg);
		}
	}
}

/* BIND hashes with SHA-1 (algorithm 1) only, and warns over 150
 * iterations (RFC 9276 asks for 0); Knot fails to load an unknown
 * algorithm or more than one NSEC3PARAM. */
static void check_nsec3param(struct ctx *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_rrset *s = zone_node_rrset(z, apex, RR_NSEC3PARAM);
	bool usable = false;

	for (uint32_t i = 0; s && i < s->count; i++) {
		const struct zone_rr *rr = set_rr(z, s, i);
		int alg = rd_u8(rr, 0);
		if (alg == 1)
			usable = true;
		else
			report_num(c, rr, ZONE_ERR,
				   "unsupported nsec3 hash algorithm", alg);
		if (rr->rdlen >= 4 && wire_get_u16(rr->rdata + 2) > 150)
			report_num(c, rr, ZONE_WARN,
				   "excessive NSEC3PARAM iterations",
				   wire_get_u16(rr->rdata + 2));
	}
	if (s && s->count > 1)
		report(c, set_rr(z, s, 1), ZONE_ERR, "more than one NSEC3PARAM",
		       apex->owner, NULL, RR_NSEC3PARAM);
	if (s && !usable)
		report(c, set_rr(z, s, 0), ZONE_REFUSE,
		       "no supported nsec3 hash algorithm", apex->owner, NULL,
		       RR_NSEC3PARAM);
}

static void check_apex(struct ctx *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_rrset *soa = zone_node_rrset(z, apex, RR_SOA);
	const struct zone_rrset *ns = zone_node_rrset(z, apex, RR_NS);
	const struct zone_rr *any = z->nrr ? z->rrs[0] : NULL;

	if (!soa)
		report(c, any, ZONE_REFUSE, "has 0 SOA records", z->origin,
		       NULL, RR_SOA);
	else if (soa->count > 1)
		report(c, set_rr(z, soa, 1), ZONE_REFUSE,
		       "multiple RRs of singleton type", z->origin, NULL,
		       RR_SOA);
	if (!ns)
		report(c, soa ? set_rr(z, soa, 0) : any, ZONE_REFUSE,
		       "has no NS records", z->origin, NULL, RR_NS);
	check_cds(c, apex);
	check_nsec3param(c, apex);
}

/* check-names on owners, once per set: the name is the same for all. */
static void check_owner(struct ctx *c, const struct zone_node *n,
			const struct zone_rrset *s, int *host_owner)
{
	bool bad = false;

	if (owner_is_host(s->type)) {
		if (!*host_owner)
			*host_owner = !is_hostname(n->owner, true) ? 2 : 1;
		bad = *host_owner == 2;
	} else if (s->type == RR_NSEC3) {
		bad = !is_nsec3_hash(n->owner);
	}
	if (bad)
		report(c, set_rr(c->z, s, 0), ZONE_ERR,
		       "bad owner name (check-names)", s->owner, NULL, s->type);
}

static void check_node(struct ctx *c, const struct zone_node *n, bool apex)
{
	const struct zone *z = c->z;
	int host_owner = 0;             /* 0 untested, 1 fine, 2 bad */

	bool cut = !apex && zone_node_rrset(z, n, RR_NS);

	check_singletons(c, n);
	check_spf(c, n);
	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		check_dnssec(c, s, apex, cut);
		if (s->type == RR_NS && n->owner[0] == 1 &&
		    n->owner[1] == '*')
			report(c, set_rr(z, s, 0), ZONE_REFUSE,
			       "invalid NS owner name (wildcard)", s->owner,
			       NULL, s->type);
		if (s->type == RR_SOA && !apex)
			report(c, set_rr(z, s, 0), ZONE_REFUSE,
			       "SOA record not at top of zone", s->owner,
			       NULL, s->type);
		check_targets(c, s, apex);
		check_owner(c, n, s, &host_owner);
		for (uint32_t k = 0; k < s->count; k++)
			check_names(c, set_rr(z, s, k));
	}
	if (nonterminal_wildcard(n->owner))
		report(c, z->rrs[z->sets[n->first].first], ZONE_WARN,
		       "owner name contains a non-terminal wildcard", n->owner,
		       NULL, z->sets[n->first].type);
}

/* Knot checks NSEC chains of signed zones (an apex SOA signature and
 * a DNSKEY): each authoritative name has an NSEC listing exactly its
 * types and naming the next authoritative name, the last the apex.
 * Signatures themselves are not verified here. */
static bool is_signed(const struct zone *z, const struct zone_node *apex)
{
	const struct zone_rrset *sig = zone_node_rrset(z, apex, RR_RRSIG);

	if (!sig || !zone_node_rrset(z, apex, RR_DNSKEY) ||
	    zone_node_rrset(z, apex, RR_NSEC3PARAM))
		return false;
	for (uint32_t i = 0; i < apex->count; i++) {
		const struct zone_rrset *s = &z->sets[apex->first + i];
		const struct zone_rr *rr = set_rr(z, s, 0);
		if (s->type == RR_RRSIG && rr->rdlen >= 2 &&
		    wire_get_u16(rr->rdata) == RR_SOA)
			return true;
	}
	return false;
}

/* True when the NSEC type bitmap (after the next name) lists exactly
 * the types of node n. */
static bool bitmap_matches(const struct zone *z, const struct zone_node *n,
			   struct rbuf *r)
{
	uint32_t i = 0, last = 0x10000;
	uint8_t win, len, bits[32];

	while (rbuf_left(r)) {
		if (rbuf_u8(r, &win) || rbuf_u8(r, &len) || len > 32 ||
		    rbuf_bytes(r, bits, len))
			return false;
		for (unsigned b = 0; b < len * 8u; b++) {
			if (!(bits[b / 8] & (0x80 >> (b % 8))))
				continue;
			uint16_t type = (uint16_t)(win << 8 | b);
			/* RRSIG: one set per type covered */
			while (i < n->count &&
			       z->sets[n->first + i].type == last)
				i++;
			if (i >= n->count || z->sets[n->first + i].type != type)
				return false;
			last = type;
			i++;
		}
	}
	while (i < n->count && z->sets[n->first + i].type == last)
		i++;
	return i == n->count;
}

static void check_nsec_node(struct ctx *c, const struct zone_node *n,
			    const struct zone_node *next)
{
	const struct zone *z = c->z;
	const struct zone_rrset *s = zone_node_rrset(z, n, RR_NSEC);
	const struct zone_rr *any = z->rrs[z->sets[n->first].first];
	struct rbuf r;

	if (!s) {
		report(c, any, ZONE_ERR, "missing NSEC record", n->owner, NULL,
		       any->type);
		return;
	}
	const struct zone_rr *rr = set_rr(z, s, 0);
	int nlen = name_check(rr->rdata, rr->rdlen);
	if (nlen < 0)
		return;
	if (!name_equal(rr->rdata, next->owner))
		report(c, rr, ZONE_ERR, "inconsistent NSEC chain", n->owner,
		       rr->rdata, RR_NSEC);
	rbuf_init(&r, rr->rdata, rr->rdlen);
	r.pos = (size_t)nlen;
	if (!bitmap_matches(z, n, &r))
		report(c, rr, ZONE_ERR, "wrong NSEC bitmap", n->owner, NULL,
		       RR_NSEC);
}

/* Authoritative nodes: not below a zone cut (the cut itself counts). */
static void check_nsec(struct ctx *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_node *prev = NULL;
	const uint8_t *cut = NULL;

	for (size_t i = 0; i < z->nnodes; i++) {
		const struct zone_node *n = &z->nodes[i];
		if (cut && name_is_subdomain(n->owner, cut))
			continue;
		if (n != apex && zone_node_rrset(z, n, RR_NS))
			cut = n->owner;
		if (prev)
			check_nsec_node(c, prev, n);
		prev = n;
	}
	if (prev)
		check_nsec_node(c, prev, apex);
}

int zone_check(const struct zone *z, bool *refuse)
{
	struct ctx c = { z, (int)z->refused, z->refused > 0 };
	const struct zone_node *apex = zone_find(z, z->origin);

	check_apex(&c, apex);
	for (size_t i = 0; i < z->nnodes; i++)
		check_node(&c, &z->nodes[i], &z->nodes[i] == apex);
	for (size_t i = 0; i < z->nnodes;) {
		if (zone_node_rrset(z, &z->nodes[i], RR_DNAME))
			i = check_dname(&c, i);
		else
			i++;
	}
	if (apex && is_signed(z, apex))
		check_nsec(&c, apex);
	if (refuse)
		*refuse = c.refuse;
	return c.errors;
}
