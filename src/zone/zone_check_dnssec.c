/* DNSSEC-related zone checks: DS digests and algorithms, deprecated key
 * algorithms, expired signatures, CDS/CDNSKEY and NSEC3PARAM at the apex
 * (BIND), and the NSEC chain of signed zones (Knot). No signature is
 * verified here. */
#include <stdio.h>
#include <string.h>

#include "wire/buf.h"
#include "wire/rrtype.h"
#include "zone/zone_check_int.h"

/* Knot: digest types it knows and their lengths; BIND warns on SHA-1
 * and SHA-1 based algorithms at delegations. */
static void check_ds(struct zck *c, const struct zone_rr *rr, bool cut)
{
	static const int len[5] = { 0, 20, 32, 0, 48 };
	int alg = zck_rd_u8(rr, 2), dt = zck_rd_u8(rr, 3);

	if (dt < 0)
		return;
	if (dt > 4 || !len[dt])
		zck_report_num(c, rr, ZONE_ERR, "invalid algorithm in DS: "
			   "digest type", dt);
	else if (rr->rdlen - 4 != len[dt])
		zck_report_num(c, rr, ZONE_ERR, "invalid digest length in DS: "
			   "digest type", dt);
	if (cut && (alg == 5 || alg == 7))
		zck_report_num(c, rr, ZONE_WARN, "deprecated algorithm",
			   alg);
	if (cut && dt == 1)
		zck_report_num(c, rr, ZONE_WARN, "deprecated digest type",
			   dt);
}

static bool dnskey_alg_deprecated(int alg)
{
	return alg == 1 || alg == 3 || alg == 5 || alg == 6 || alg == 7 ||
	       alg == 12;
}

/* RFC 4034 serial arithmetic on the 32-bit expiration time. */
static void check_rrsig(struct zck *c, const struct zone_rr *rr)
{
	if (!c->z->now || rr->rdlen < 12)
		return;
	uint32_t expire = wire_get_u32(rr->rdata + 8);
	if ((int32_t)(expire - c->z->now) < 0)
		zck_report(c, rr, ZONE_WARN, "signature has expired",
		       rr->owner, NULL, rr->type);
}

void zck_dnssec_set(struct zck *c, const struct zone_rrset *s,
			 bool apex, bool cut)
{
	/* Most sets are none of these: do not touch their records. */
	if (s->type != RR_DS && s->type != RR_KEY && s->type != RR_DNSKEY &&
	    s->type != RR_RRSIG)
		return;
	for (uint32_t i = 0; i < s->count; i++) {
		const struct zone_rr *rr = zck_set_rr(c->z, s, i);
		int alg = zck_rd_u8(rr, 3);
		if (s->type == RR_DS && apex && i == 0)
			zck_report(c, rr, ZONE_REFUSE,
				   "DS record at top of zone", rr->owner,
				   NULL, rr->type);
		else if (s->type == RR_DS)
			check_ds(c, rr, cut);
		else if (s->type == RR_KEY && (alg == 5 || alg == 7))
			zck_report_num(c, rr, ZONE_WARN,
				   "deprecated algorithm", alg);
		else if (s->type == RR_DNSKEY && apex &&
			 dnskey_alg_deprecated(alg))
			zck_report_num(c, rr, ZONE_WARN,
				   "deprecated DNSKEY algorithm", alg);
		else if (s->type == RR_RRSIG)
			check_rrsig(c, rr);
	}
}

static bool dnskey_has_alg(const struct zone *z, const struct zone_rrset *k,
			   int alg)
{
	for (uint32_t i = 0; k && i < k->count; i++)
		if (zck_rd_u8(zck_set_rr(z, k, i), 3) == alg)
			return true;
	return false;
}

/* BIND refuses CDS/CDNSKEY (other than the delete form, algorithm 0)
 * whose algorithm no apex DNSKEY has. */
static void check_cds(struct zck *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_rrset *key = zone_node_rrset(z, apex, RR_DNSKEY);
	static const uint16_t types[2] = { RR_CDS, RR_CDNSKEY };

	for (int t = 0; t < 2; t++) {
		const struct zone_rrset *s = zone_node_rrset(z, apex, types[t]);
		for (uint32_t i = 0; s && i < s->count; i++) {
			const struct zone_rr *rr = zck_set_rr(z, s, i);
			int alg = zck_rd_u8(rr, types[t] == RR_CDS ? 2 : 3);
			if (alg > 0 && !dnskey_has_alg(z, key, alg))
				zck_report_num(c, rr, ZONE_REFUSE,
					       "CDS/CDNSKEY consistency checks "
					       "failed: no DNSKEY of algorithm",
					       alg);
		}
	}
}

/* BIND hashes with SHA-1 (algorithm 1) only, and warns over 150
 * iterations (RFC 9276 asks for 0); Knot fails to load an unknown
 * algorithm or more than one NSEC3PARAM. */
static void check_nsec3param(struct zck *c, const struct zone_node *apex)
{
	const struct zone *z = c->z;
	const struct zone_rrset *s = zone_node_rrset(z, apex, RR_NSEC3PARAM);
	bool usable = false;

	for (uint32_t i = 0; s && i < s->count; i++) {
		const struct zone_rr *rr = zck_set_rr(z, s, i);
		int alg = zck_rd_u8(rr, 0);
		if (alg == 1)
			usable = true;
		else
			zck_report_num(c, rr, ZONE_ERR,
				   "unsupported nsec3 hash algorithm", alg);
		if (rr->rdlen >= 4 && wire_get_u16(rr->rdata + 2) > 150)
			zck_report_num(c, rr, ZONE_WARN,
				   "excessive NSEC3PARAM iterations",
				   wire_get_u16(rr->rdata + 2));
	}
	if (s && s->count > 1)
		zck_report(c, zck_set_rr(z, s, 1), ZONE_ERR,
			   "more than one NSEC3PARAM", apex->owner, NULL,
			   RR_NSEC3PARAM);
	if (s && !usable)
		zck_report(c, zck_set_rr(z, s, 0), ZONE_REFUSE,
		       "no supported nsec3 hash algorithm", apex->owner, NULL,
		       RR_NSEC3PARAM);
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
	return zck_soa_signed(z, apex);
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

static void check_nsec_node(struct zck *c, const struct zone_node *n,
			    const struct zone_node *next)
{
	const struct zone *z = c->z;
	const struct zone_rrset *s = zone_node_rrset(z, n, RR_NSEC);
	const struct zone_rr *any = z->rrs[z->sets[n->first].first];
	struct rbuf r;

	if (!s) {
		zck_report(c, any, ZONE_ERR, "missing NSEC record", n->owner,
			   NULL, any->type);
		return;
	}
	const struct zone_rr *rr = zck_set_rr(z, s, 0);
	int nlen = name_check(rr->rdata, rr->rdlen);
	if (nlen < 0)
		return;
	if (!name_equal(rr->rdata, next->owner))
		zck_report(c, rr, ZONE_ERR, "inconsistent NSEC chain", n->owner,
		       rr->rdata, RR_NSEC);
	rbuf_init(&r, rr->rdata, rr->rdlen);
	r.pos = (size_t)nlen;
	if (!bitmap_matches(z, n, &r))
		zck_report(c, rr, ZONE_ERR, "wrong NSEC bitmap", n->owner, NULL,
		       RR_NSEC);
}

/* Authoritative nodes: not below a zone cut (the cut itself counts). */
void zck_nsec_chain(struct zck *c, const struct zone_node *apex)
{
	if (!apex || !is_signed(c->z, apex))
		return;
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

void zck_dnssec_apex(struct zck *c, const struct zone_node *apex)
{
	check_cds(c, apex);
	check_nsec3param(c, apex);
}

bool zck_soa_signed(const struct zone *z, const struct zone_node *apex)
{
	for (uint32_t i = 0; i < apex->count; i++) {
		const struct zone_rrset *s = &z->sets[apex->first + i];
		const struct zone_rr *rr = zck_set_rr(z, s, 0);
		if (s->type == RR_RRSIG && rr->rdlen >= 2 &&
		    wire_get_u16(rr->rdata) == RR_SOA)
			return true;
	}
	return false;
}
