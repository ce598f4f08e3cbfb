/* The checker's DNSSEC rows that kzonecheck has for signed zones (a
 * DNSKEY and an SOA signature at the apex): every authoritative RRset
 * has an RRSIG valid now, and with an NSEC3PARAM every authoritative
 * name (empty non-terminals too) has an NSEC3 of its parameters, unless
 * opt-out covers it, in one coherent chain. Run by banchi-check only
 * (z->now set): a server's load does not pay for the hashes. Signatures
 * are not verified: their crypto is the validator's. */
#include <stdlib.h>
#include <string.h>

#include "base/encode.h"
#include "dnssec/nsec3.h"
#include "wire/buf.h"
#include "wire/rrtype.h"
#include "zone/zone_check_int.h"

static bool zone_signed(const struct zone *z, const struct zone_node *apex)
{
	return apex && zone_node_rrset(z, apex, RR_DNSKEY) &&
	       zck_soa_signed(z, apex);
}

/* RFC 4034 3.1.5: serial arithmetic on the 32-bit times. */
static bool valid_now(const struct zone_rr *rr, uint32_t now)
{
	if (rr->rdlen < 16)
		return false;
	uint32_t expire = wire_get_u32(rr->rdata + 8);
	uint32_t incept = wire_get_u32(rr->rdata + 12);
	return (int32_t)(now - incept) >= 0 && (int32_t)(expire - now) >= 0;
}

/* Whether node n holds an RRSIG of type valid now; *any: one at all. */
static bool signed_now(const struct zone *z, const struct zone_node *n,
		       uint16_t type, bool *any)
{
	*any = false;
	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		const struct zone_rr *rr = zck_set_rr(z, s, 0);
		if (s->type != RR_RRSIG || rr->rdlen < 2 ||
		    wire_get_u16(rr->rdata) != type)
			continue;
		*any = true;
		for (uint32_t j = 0; j < s->count; j++)
			if (valid_now(zck_set_rr(z, s, j), z->now))
				return true;
	}
	return false;
}

/* At a cut only DS and the denial records are the parent's to sign. */
static void check_node_sigs(struct zck *c, const struct zone_node *n,
			    bool cut)
{
	const struct zone *z = c->z;
	bool any;

	for (uint32_t i = 0; i < n->count; i++) {
		const struct zone_rrset *s = &z->sets[n->first + i];
		if (s->type == RR_RRSIG ||
		    (cut && s->type != RR_DS && s->type != RR_NSEC))
			continue;
		if (signed_now(z, n, s->type, &any))
			continue;
		zck_report(c, zck_set_rr(z, s, 0), ZONE_ERR,
			   any ? "no valid signature for a record (every "
				 "RRSIG expired or not yet valid)"
			       : "no valid signature for a record (no RRSIG)",
			   s->owner, NULL, s->type);
	}
}

/* --- NSEC3 --------------------------------------------------------- */

struct n3e {
	uint8_t hash[NSEC3_HASH_LEN];
	uint8_t next[NSEC3_HASH_LEN];
	bool optout;
	const struct zone_rr *rr;
};

static int n3e_cmp(const void *a, const void *b)
{
	return memcmp(((const struct n3e *)a)->hash,
		      ((const struct n3e *)b)->hash, NSEC3_HASH_LEN);
}

/* The NSEC3 records of the parameters p, sorted by hash; NULL when
 * none or out of memory (*n 0). */
static struct n3e *collect(const struct zone *z, const struct nsec3_param *p,
			   size_t *n)
{
	struct n3e *v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; i < z->nsets; i++) {
		const struct zone_rrset *s = &z->sets[i];
		for (uint32_t j = 0; s->type == RR_NSEC3 && j < s->count; j++) {
			const struct zone_rr *rr = zck_set_rr(z, s, j);
			size_t off = 5u + p->saltlen;
			if (!nsec3_param_match(p, rr->rdata, rr->rdlen) ||
			    rr->rdlen < off + 1 + NSEC3_HASH_LEN ||
			    rr->rdata[off] != NSEC3_HASH_LEN)
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				struct n3e *nv = realloc(v, cap * sizeof(*v));
				if (!nv) {
					free(v);
					*n = 0;
					return NULL;
				}
				v = nv;
			}
			if (nsec3_owner_hash(v[*n].hash, rr->owner) < 0)
				continue;
			memcpy(v[*n].next, rr->rdata + off + 1, NSEC3_HASH_LEN);
			v[*n].optout = rr->rdata[1] & NSEC3_FLAG_OPTOUT;
			v[(*n)++].rr = rr;
		}
	}
	if (*n)
		qsort(v, *n, sizeof(*v), n3e_cmp);
	return v;
}

/* The entry matching h (*exact) or covering it. */
static const struct n3e *find(const struct n3e *v, size_t n,
			      const uint8_t *h, bool *exact)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (memcmp(v[mid].hash, h, NSEC3_HASH_LEN) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct n3e *e = &v[lo ? lo - 1 : n - 1];
	*exact = !memcmp(e->hash, h, NSEC3_HASH_LEN);
	return e;
}

struct n3check {
	struct zck *c;
	const struct nsec3_param *p;
	const struct n3e *v;
	size_t n;
};

/* One name (rr: where to report it): its NSEC3, or opt-out's cover
 * for an insecure delegation or an empty non-terminal. */
static void check_name(struct n3check *k, const uint8_t *name,
		       const struct zone_rr *rr, bool may_opt_out)
{
	uint8_t h[NSEC3_HASH_LEN], label[NAME_MAXLEN + 40];
	char b32[40];
	bool exact;

	if (nsec3_hash(h, k->p, name) < 0)
		return;
	const struct n3e *e = find(k->v, k->n, h, &exact);
	if (exact || (may_opt_out && e->optout))
		return;
	if (base32hex_encode(h, sizeof(h), b32, sizeof(b32)) != 32)
		return;
	label[0] = 32;
	memcpy(label + 1, b32, 32);
	memcpy(label + 33, k->c->z->origin, name_length(k->c->z->origin));
	zck_report(k->c, rr, ZONE_ERR, "missing NSEC3 record", name, label,
		   rr->type);
}

/* The empty non-terminals above node i that node i - 1 does not share:
 * ancestors of i's owner below the deepest one both names have. */
static void check_ents(struct n3check *k, const struct zone_node *prev,
		       const struct zone_node *n, const struct zone_rr *rr)
{
	const uint8_t *up = n->owner + n->owner[0] + 1;
	int olab = name_labels(k->c->z->origin);

	while (name_labels(up) > olab &&
	       !(prev && name_is_subdomain(prev->owner, up))) {
		if (!zone_find(k->c->z, up))
			check_name(k, up, rr, true);
		up += up[0] + 1;
	}
}

/* Each NSEC3's next hashed owner is the next hash of the chain. */
static void check_links(struct zck *c, const struct n3e *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (memcmp(v[i].next, v[(i + 1) % n].hash, NSEC3_HASH_LEN))
			zck_report(c, v[i].rr, ZONE_ERR,
				   "inconsistent NSEC3 chain", v[i].rr->owner,
				   NULL, RR_NSEC3);
}

static bool usable_param(const struct zone *z, const struct zone_node *apex,
			 struct nsec3_param *p)
{
	const struct zone_rrset *s = zone_node_rrset(z, apex, RR_NSEC3PARAM);

	for (uint32_t i = 0; s && i < s->count; i++) {
		const struct zone_rr *rr = zck_set_rr(z, s, i);
		if (nsec3_param_read(p, rr->rdata, rr->rdlen) == 0 &&
		    p->alg == NSEC3_SHA1 && p->flags == 0)
			return true;
	}
	return false;
}

/* A hashed owner: NSEC3 and RRSIGs only (an RRSIG left alone when its
 * NSEC3 went missing counts too). */
static bool hashed_owner(const struct zone *z, const struct zone_node *n)
{
	for (uint32_t i = 0; i < n->count; i++) {
		uint16_t t = z->sets[n->first + i].type;
		if (t != RR_NSEC3 && t != RR_RRSIG)
			return false;
	}
	return n->owner[0] == 32;
}

/* Authoritative nodes: not below a cut (the cut itself counts), not
 * hashed owners. */
static void check_nsec3(struct zck *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	struct nsec3_param p;
	struct n3check k = { .c = c, .p = &p };
	const struct zone_node *prev = NULL;
	const uint8_t *cut = NULL;
	struct n3e *v;

	if (!usable_param(z, apex, &p))
		return;
	v = collect(z, &p, &k.n);
	k.v = v;
	for (size_t i = 0; i < z->nnodes; i++) {
		const struct zone_node *n = &z->nodes[i];
		const struct zone_rr *rr = z->rrs[z->sets[n->first].first];
		bool deleg = n != apex && zone_node_rrset(z, n, RR_NS);
		if (cut && name_is_subdomain(n->owner, cut))
			continue;
		if (hashed_owner(z, n))
			continue;
		cut = deleg ? n->owner : NULL;
		if (!v) {
			zck_report(c, rr, ZONE_ERR, "missing NSEC3 record "
				   "(none of the NSEC3PARAM's parameters)",
				   n->owner, NULL, rr->type);
			break;
		}
		if (n != apex)
			check_ents(&k, prev, n, rr);
		check_name(&k, n->owner, rr,
			   deleg && !zone_node_rrset(z, n, RR_DS));
		prev = n;
	}
	if (v)
		check_links(c, v, k.n);
	free(v);
}

void zck_signatures(struct zck *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const uint8_t *cut = NULL;

	if (!z->now || !zone_signed(z, apex))
		return;
	for (size_t i = 0; i < z->nnodes; i++) {
		const struct zone_node *n = &z->nodes[i];
		if (cut && name_is_subdomain(n->owner, cut))
			continue;
		cut = n != apex && zone_node_rrset(z, n, RR_NS) ? n->owner
								: NULL;
		check_node_sigs(c, n, cut != NULL);
	}
	check_nsec3(c, apex);
}
