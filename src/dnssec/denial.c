/* Denial of existence, the common part: the records of a reply read
 * once (NSEC if the zone has any there, otherwise NSEC3 of one set of
 * parameters), the checks of type bitmaps, and the four proofs, each
 * handed to nsec.c or nsec3_proof.c. */
#include <string.h>

#include "dnssec/dnssec_int.h"
#include "dnssec/denial_int.h"
#include "wire/rrtype.h"

/* RFC 4034 4.1.2: windows in ascending order, each of 1 to 32 octets. */
static bool bitmap_ok(const uint8_t *p, size_t len)
{
	int last = -1;

	while (len) {
		if (len < 2 || p[0] <= last || p[1] < 1 || p[1] > 32 ||
		    len < 2u + p[1])
			return false;
		last = p[0];
		len -= 2u + p[1];
		p += 2u + p[1];
	}
	return true;
}

bool denial_has_type(const struct denial_rec *r, uint16_t type)
{
	const uint8_t *p = r->types;
	size_t len = r->types_len;
	unsigned oct = (type & 0xff) >> 3;

	while (len >= 2 && len >= 2u + p[1]) {
		if (p[0] == type >> 8)
			return oct < p[1] &&
			       (p[2 + oct] & (0x80 >> (type & 7)));
		len -= 2u + p[1];
		p += 2u + p[1];
	}
	return false;
}

int denial_cut(const struct denial_rec *r)
{
	if (denial_has_type(r, RR_DNAME))
		return DNSSEC_NO_PROOF;
	if (!denial_has_type(r, RR_NS) || denial_has_type(r, RR_SOA))
		return 0;
	return denial_has_type(r, RR_DS) ? DNSSEC_NO_PROOF :
					   DNSSEC_UNSIGNED_CUT;
}

int denial_types(const struct denial_rec *r, uint16_t qtype)
{
	int cut;

	if (denial_has_type(r, qtype) || denial_has_type(r, RR_CNAME))
		return DNSSEC_NO_PROOF;
	if (qtype == RR_DS) {
		/* the child's apex: says nothing of the parent's DS */
		if (denial_has_type(r, RR_SOA) && r->owner[0])
			return DNSSEC_NO_PROOF;
		return denial_has_type(r, RR_NS) ? DNSSEC_SECURE :
						   DNSSEC_NO_CUT;
	}
	/* A delegation's NSEC denies nothing of the child's data, and a
	 * DNAME's owner keeps its own types (RFC 6672 2.3). */
	cut = denial_has_type(r, RR_NS) && !denial_has_type(r, RR_SOA) ?
		      denial_cut(r) : 0;
	return cut ? cut : DNSSEC_SECURE;
}

const uint8_t *denial_suffix(const uint8_t *name, int k)
{
	for (int skip = name_labels(name) - k; skip > 0; skip--)
		name += 1 + name[0];
	return name;
}

static int label_offsets(const uint8_t *name, uint8_t *off)
{
	int n = 0;

	for (unsigned i = 0; name[i]; i += 1u + name[i])
		off[n++] = (uint8_t)i;
	return n;
}

static bool label_equal(const uint8_t *a, const uint8_t *b)
{
	if (a[0] != b[0])
		return false;
	for (unsigned i = 1; i <= a[0]; i++) {
		uint8_t x = a[i], y = b[i];

		x += (uint8_t)(x >= 'A' && x <= 'Z') * 32;
		y += (uint8_t)(y >= 'A' && y <= 'Z') * 32;
		if (x != y)
			return false;
	}
	return true;
}

int denial_common(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[NAME_MAXLABELS], ob[NAME_MAXLABELS];
	int na = label_offsets(a, oa), nb = label_offsets(b, ob);
	int k = 0;

	while (k < na && k < nb &&
	       label_equal(a + oa[na - 1 - k], b + ob[nb - 1 - k]))
		k++;
	return k;
}

bool denial_wildcard(uint8_t out[NAME_MAXLEN], const uint8_t *ce)
{
	size_t len = name_length(ce);

	if (len + 2 > NAME_MAXLEN)
		return false;
	out[0] = 1;
	out[1] = '*';
	memcpy(out + 2, ce, len);
	return true;
}

/* NSEC RDATA: the next name, then the bitmap; owner and next in zone,
 * the next name after the owner but in the last record, whose next name
 * is the apex (RFC 4034 4.1.1). */
static bool read_nsec(struct denial_rec *r, const uint8_t *owner,
		      const uint8_t *rd, uint16_t len, const uint8_t *zone)
{
	int n = name_check(rd, len);

	if (n < 0 || !bitmap_ok(rd + n, len - (size_t)n) ||
	    !name_is_subdomain(owner, zone) || !name_is_subdomain(rd, zone) ||
	    (name_compare(owner, rd) >= 0 && !name_equal(rd, zone)))
		return false;
	*r = (struct denial_rec){ .owner = owner, .next = rd,
				  .types = rd + n,
				  .types_len = len - (size_t)n };
	return true;
}

/* NSEC3 RDATA (RFC 5155 3.2) of SHA-1, flags 0 or opt-out (8.2), owned
 * by its hash one label under zone: 1, its parameters in *p. 0 for
 * others; -1 for one of zone but of a hash algorithm not implemented
 * (8.1: ignored; if all are, the proof is insecure). */
static int read_nsec3(struct denial_rec *r, struct nsec3_param *p,
		      const uint8_t *owner, const uint8_t *rd, uint16_t len,
		      const uint8_t *zone)
{
	size_t at;

	if (name_labels(owner) != name_labels(zone) + 1 ||
	    !name_is_subdomain(owner, zone) ||
	    nsec3_param_read(p, rd, len) < 0)
		return 0;
	if (p->alg != NSEC3_SHA1)
		return -1;
	at = 5u + p->saltlen;
	if ((p->flags & ~NSEC3_FLAG_OPTOUT) ||
	    len < at + 1 + NSEC3_HASH_LEN || rd[at] != NSEC3_HASH_LEN ||
	    !bitmap_ok(rd + at + 1 + NSEC3_HASH_LEN,
		       len - at - 1 - NSEC3_HASH_LEN))
		return 0;
	*r = (struct denial_rec){ .owner = owner, .flags = p->flags,
				  .types = rd + at + 1 + NSEC3_HASH_LEN,
				  .types_len = len - at - 1 - NSEC3_HASH_LEN };
	memcpy(r->next_hash, rd + at + 1, NSEC3_HASH_LEN);
	return nsec3_owner_hash(r->hash, owner) == 0;
}

/* One NSEC3 item into w if usable: the first one's parameters are the
 * proof's, records of others are skipped. */
static void add_nsec3(struct denial *w, const uint8_t *owner,
		      const uint8_t *rd, uint16_t len, bool *unknown)
{
	struct nsec3_param p;
	int ret = read_nsec3(&w->rec[w->n], &p, owner, rd, len, w->d->zone);

	if (ret < 0)
		*unknown = true;
	if (ret <= 0 || (w->n && !nsec3_param_match(&w->p, rd, len)))
		return;
	if (!w->n)
		w->p = p;
	w->n++;
}

/* The records of type (NSEC or NSEC3) into w. Whether an NSEC3 of an
 * unknown hash algorithm was there in *unknown. */
static void collect(struct denial *w, uint16_t type, bool *unknown)
{
	const struct dnssec_denial *d = w->d;
	const uint8_t *rd;
	uint16_t len;

	for (unsigned s = 0; s < d->nsets; s++) {
		const struct dnssec_rrset *set = &d->sets[s];
		struct rbuf rb;

		if (set->type != type)
			continue;
		rbuf_init(&rb, set->rdata, set->rdata_len);
		for (unsigned i = 0; i < set->count; i++) {
			if (w->n == DNSSEC_DENIAL_RECORDS_MAX ||
			    dnssec_next_item(&rb, &rd, &len) < 0)
				break;
			if (type == RR_NSEC)
				w->n += read_nsec(&w->rec[w->n], set->owner,
						  rd, len, d->zone);
			else
				add_nsec3(w, set->owner, rd, len, unknown);
		}
	}
}

/* w ready for a proof of d: 0 with NSEC records (w->p.alg 0) or NSEC3
 * ones; otherwise the result already known. */
static int begin(struct denial *w, const struct dnssec_denial *d,
		 struct dnssec_budget *b)
{
	bool unknown = false;

	w->d = d;
	w->b = b;
	w->n = 0;
	w->p.alg = 0;
	memset(w->have, 0, sizeof(w->have));
	if (!name_is_subdomain(d->qname, d->zone))
		return DNSSEC_NO_PROOF;
	w->qlabels = name_labels(d->qname);
	w->zlabels = name_labels(d->zone);
	collect(w, RR_NSEC, &unknown);
	if (w->n)
		return 0;
	collect(w, RR_NSEC3, &unknown);
	if (!w->n)
		return unknown ? DNSSEC_NSEC3_UNSUPPORTED : DNSSEC_NO_PROOF;
	if (w->p.iter > DNSSEC_NSEC3_ITER_MAX)
		return DNSSEC_NSEC3_ITERATIONS;
	return 0;
}

int dnssec_prove_nxdomain(const struct dnssec_denial *d,
			  struct dnssec_budget *b)
{
	struct denial w;
	int ret = begin(&w, d, b);

	if (ret)
		return ret;
	return w.p.alg ? nsec3_nxdomain(&w) : nsec_nxdomain(&w);
}

int dnssec_prove_nodata(const struct dnssec_denial *d,
			struct dnssec_budget *b)
{
	struct denial w;
	int ret = begin(&w, d, b);

	if (!ret)
		ret = w.p.alg ? nsec3_nodata(&w, d->qtype) :
				nsec_nodata(&w, d->qtype);
	return ret == DNSSEC_NO_CUT ? DNSSEC_SECURE : ret;
}

int dnssec_prove_wildcard(const struct dnssec_denial *d, unsigned labels,
			  struct dnssec_budget *b)
{
	struct denial w;
	int ret;

	/* the wildcard's own name asked: no expansion (RFC 4035 5.3.2) */
	if (d->qname[0] == 1 && d->qname[1] == '*' &&
	    labels + 1 == (unsigned)name_labels(d->qname))
		return DNSSEC_SECURE;
	ret = begin(&w, d, b);
	if (ret)
		return ret;
	/* the closest encloser: in the zone, above the name */
	if (labels < (unsigned)w.zlabels || labels >= (unsigned)w.qlabels)
		return DNSSEC_NO_PROOF;
	return w.p.alg ? nsec3_wildcard(&w, (int)labels) :
			 nsec_wildcard(&w, (int)labels);
}

int dnssec_prove_no_ds(const struct dnssec_denial *d,
		       struct dnssec_budget *b)
{
	struct denial w;
	int ret = begin(&w, d, b);

	if (ret)
		return ret;
	/* the DS of a zone's apex is in its parent, never in itself */
	if (w.qlabels == w.zlabels)
		return DNSSEC_NO_PROOF;
	ret = w.p.alg ? nsec3_nodata(&w, RR_DS) : nsec_nodata(&w, RR_DS);
	/* an unsigned delegation above the name proves nothing of its DS */
	return ret == DNSSEC_UNSIGNED_CUT ? DNSSEC_NO_PROOF : ret;
}
