/* local_answer(): the exact name's records first (CNAMEs followed inside
 * the local data), then the deepest zone cut above the name decides:
 * allow (upstream), block, static (NXDOMAIN) or localhost; the DS of a
 * local zone's apex is left to the parent zone. Read-only on the table,
 * so any number of threads may call it at once. */
#include <string.h>

#include "resolve/local_int.h"
#include "base/error.h"
#include "wire/rrtype.h"

static const uint8_t loop4[4] = { 127, 0, 0, 1 };
static const uint8_t loop6[16] = { 0, 0, 0, 0, 0, 0, 0, 0,
				   0, 0, 0, 0, 0, 0, 0, 1 };

/* Adds count items of sequence-form RDATA as one positive set. */
static int add_set(struct answer *a, const uint8_t *owner, uint16_t type,
		   uint32_t ttl, const uint8_t *seq, size_t len,
		   uint16_t count)
{
	struct rrset r = {
		.owner = owner, .type = type, .rclass = CLASS_IN, .ttl = ttl,
		.kind = RRSET_POSITIVE, .rank = RANK_LOCAL, .count = count,
		.rdata = seq, .rdata_len = len,
	};

	return answer_add(a, MSG_ANSWER, &r);
}

/* One A or AAAA record for a synthesized answer. */
static int add_addr(struct answer *a, const uint8_t *owner, uint16_t type,
		    const uint8_t *addr)
{
	uint8_t seq[18];
	size_t n = type == RR_A ? 4 : 16;
	struct wbuf w;

	wbuf_init(&w, seq, sizeof(seq));
	wbuf_u16(&w, (uint16_t)n);
	wbuf_bytes(&w, addr, n);
	return add_set(a, owner, type, LOCAL_TTL, seq, w.len, 1);
}

/* NXDOMAIN or NODATA: the rcode and the zone's SOA in authority (no
 * SOA when no local zone covers the name: plain local data). */
static int add_negative(const struct local_data *ld, struct answer *a,
			const uint8_t *owner, const struct local_node *zone,
			enum rrset_kind kind)
{
	size_t len;
	struct rrset r = {
		.owner = owner, .rclass = CLASS_IN, .ttl = LOCAL_TTL,
		.kind = kind, .rank = RANK_LOCAL, .count = 1,
	};

	a->rcode = kind == RRSET_NXDOMAIN ? RCODE_NXDOMAIN : RCODE_NOERROR;
	if (!zone || zone->zone == LZ_ALLOW)
		return 0;
	r.rdata = local_soa_rd(ld, &len);
	r.rdata_len = len;
	r.soa_owner = zone->name;
	return answer_add(a, MSG_AUTHORITY, &r);
}

static bool visible(const struct local_set *s, const struct local_node *zone)
{
	return !s->special || !zone || zone->zone != LZ_ALLOW;
}

static bool has_visible(const struct local_node *n,
			const struct local_node *zone)
{
	for (uint16_t i = 0; i < n->nsets; i++) {
		if (visible(&n->sets[i], zone))
			return true;
	}
	return false;
}

/* The sets of n answering qtype (ANY: all); the CNAME set in *cname
 * when none does. Returns how many were added, or an error. */
static int add_matching(struct answer *a, const struct local_node *n,
			const struct local_node *zone, uint16_t qtype,
			const struct local_set **cname)
{
	int added = 0, ret;

	*cname = NULL;
	for (uint16_t i = 0; i < n->nsets; i++) {
		const struct local_set *s = &n->sets[i];

		if (!visible(s, zone))
			continue;
		if (qtype == RR_ANY || s->type == qtype) {
			ret = add_set(a, n->name, s->type, s->ttl, s->rd,
				      s->len, s->count);
			if (ret < 0)
				return ret;
			added++;
		} else if (s->type == RR_CNAME) {
			*cname = s;
		}
	}
	return added;
}

/* A name with local records. A CNAME is followed while its target has
 * local records too; where it leaves them, the answer is the chain so
 * far (the client's stub or the resolver's client goes on from it). */
static int answer_records(const struct local_data *ld,
			  const struct local_node *n,
			  const struct local_node *zone, uint16_t qtype,
			  struct answer *a)
{
	const struct local_set *cname;
	uint8_t target[NAME_MAXLEN];
	int ret;

	for (int link = 0;; link++) {
		ret = add_matching(a, n, zone, qtype, &cname);
		if (ret != 0)
			return ret < 0 ? ret : 0;
		if (!cname)
			return add_negative(ld, a, n->name, zone, RRSET_NODATA);
		ret = add_set(a, n->name, RR_CNAME, cname->ttl, cname->rd,
			      cname->len, cname->count);
		if (ret < 0 || link == ANSWER_MAX_CNAME)
			return ret;
		/* stored RDATA: a 2-octet length, then the target name */
		memcpy(target, cname->rd + 2, name_length(cname->rd + 2));
		name_to_lower(target);
		n = local_walk(ld, target, &zone);
		if (!n || !has_visible(n, zone))
			return 0;
	}
}

/* SOA and NS of a local zone's apex; how many were added. */
static int add_apex(const struct local_data *ld, struct answer *a,
		    const struct local_node *zone, uint16_t qtype)
{
	const uint8_t *rd;
	size_t len;
	int added = 0, ret;

	if (qtype == RR_SOA || qtype == RR_ANY) {
		rd = local_soa_rd(ld, &len);
		ret = add_set(a, zone->name, RR_SOA, LOCAL_TTL, rd, len, 1);
		if (ret < 0)
			return ret;
		added++;
	}
	if (qtype == RR_NS || qtype == RR_ANY) {
		rd = local_ns_rd(ld, &len);
		ret = add_set(a, zone->name, RR_NS, LOCAL_TTL, rd, len, 1);
		if (ret < 0)
			return ret;
		added++;
	}
	return added;
}

/* Fixed addresses (block lists with an address, localhost); ANY gets
 * both. How many were added. */
static int add_fixed(struct answer *a, const uint8_t *qname, uint16_t qtype,
		     const uint8_t *a4, const uint8_t *a6)
{
	int added = 0, ret = 0;

	if (a4 && (qtype == RR_A || qtype == RR_ANY)) {
		ret = add_addr(a, qname, RR_A, a4);
		added++;
	}
	if (ret == 0 && a6 && (qtype == RR_AAAA || qtype == RR_ANY)) {
		ret = add_addr(a, qname, RR_AAAA, a6);
		added++;
	}
	return ret < 0 ? ret : added;
}

/* No records at qname; zone is the static, block or localhost cut. */
static int answer_zone(const struct local_data *ld,
		       const struct local_node *zone,
		       const struct local_node *n, const uint8_t *qname,
		       uint16_t qtype, struct answer *a)
{
	const struct local_block *b = zone->block;
	bool apex = name_equal(qname, zone->name);
	int ret = 0;

	if (zone->zone == LZ_BLOCK) {
		if (!b || (!b->has4 && !b->has6))
			return add_negative(ld, a, qname, zone, RRSET_NXDOMAIN);
		ret = add_fixed(a, qname, qtype, b->has4 ? b->a4 : NULL,
				b->has6 ? b->a6 : NULL);
	} else {
		if (apex)
			ret = add_apex(ld, a, zone, qtype);
		if (ret >= 0 && zone->zone == LZ_LOCALHOST) {
			int more = add_fixed(a, qname, qtype, loop4, loop6);

			ret = more < 0 ? more : ret + more;
		} else if (ret == 0 && !apex && !(n && n->ent)) {
			return add_negative(ld, a, qname, zone,
					    RRSET_NXDOMAIN);
		}
	}
	if (ret != 0)
		return ret < 0 ? ret : 0;
	return add_negative(ld, a, qname, zone, RRSET_NODATA);
}

int local_answer(const struct local_data *ld, const uint8_t *qname,
		 uint16_t qtype, uint16_t qclass, struct answer *a)
{
	const struct local_node *n, *zone;
	int ret;

	if (qclass != CLASS_IN)
		return 0;
	n = local_walk(ld, qname, &zone);
	answer_init(a, RCODE_NOERROR);
	if (n && has_visible(n, zone))
		ret = answer_records(ld, n, zone, qtype, a);
	else if (qtype == RR_DS && zone && name_equal(qname, zone->name))
		return 0;       /* a zone's DS is its parent's, as Unbound */
	else if (zone && zone->zone != LZ_ALLOW)
		ret = answer_zone(ld, zone, n, qname, qtype, a);
	else
		return 0;
	if (ret < 0)
		answer_init(a, RCODE_SERVFAIL); /* a set over ANSWER_DATA */
	a->aa = true;
	return 1;
}
