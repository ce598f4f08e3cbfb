/* What an RRSIG signs (RFC 4034 3.1.8.1): its own fields, then the RRset
 * in canonical form and order (6.2, 6.3). The RDATA items are copied,
 * canonicalised in place and sorted through an array of pointers; one
 * allocation for both, freed before return. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "dnssec/dnssec.h"
#include "wire/buf.h"
#include "wire/name.h"
#include "wire/rdata.h"

#define RRSIG_FIXED 18  /* type covered .. key tag */

int dnssec_rrset_item(const struct dnssec_rrset *s, unsigned i,
		      const uint8_t **rd, uint16_t *len)
{
	struct rbuf r;
	uint16_t n = 0;

	rbuf_init(&r, s->rdata, s->rdata_len);
	for (unsigned k = 0; k <= i; k++) {
		if (k && rbuf_skip(&r, n) < 0)
			return BN_ERDATA;
		if (rbuf_u16(&r, &n) < 0 || rbuf_left(&r) < n)
			return BN_ERDATA;
	}
	*rd = r.base + r.pos;
	*len = n;
	return 0;
}

int dnssec_rrsig_parse(struct dnssec_rrsig *s, const uint8_t *rd,
		       size_t len)
{
	struct rbuf r;
	int n;

	rbuf_init(&r, rd, len);
	if (rbuf_u16(&r, &s->covered) < 0 || rbuf_u8(&r, &s->alg) < 0 ||
	    rbuf_u8(&r, &s->labels) < 0 || rbuf_u32(&r, &s->orig_ttl) < 0 ||
	    rbuf_u32(&r, &s->expiration) < 0 ||
	    rbuf_u32(&r, &s->inception) < 0 || rbuf_u16(&r, &s->key_tag) < 0)
		return BN_ERDATA;
	n = name_check(rd + r.pos, rbuf_left(&r));
	if (n < 0 || (size_t)n >= rbuf_left(&r))
		return BN_ERDATA;
	s->signer = rd + r.pos;
	s->rdata = rd;
	s->head_len = r.pos + (size_t)n;
	s->sig = rd + s->head_len;
	s->siglen = len - s->head_len;
	return 0;
}

size_t dnssec_signed_size(const struct dnssec_rrsig *s,
			  const struct dnssec_rrset *set)
{
	/* Each RR: owner, type, class, TTL, RDLENGTH, RDATA; the RDATA
	 * lengths are in rdata_len already (its 2-octet prefixes). */
	return s->head_len + set->count * (name_length(set->owner) + 8u) +
	       set->rdata_len;
}

/* The owner as signed: lowercase, "*." + the rightmost labels when the
 * RRSIG counts fewer (a wildcard expansion). Its length, or BN_EINVAL. */
static int signed_owner(uint8_t out[NAME_MAXLEN], const uint8_t *owner,
			uint8_t labels)
{
	int have = name_labels(owner);
	const uint8_t *p = owner;
	size_t len;

	if (labels > have)
		return BN_EINVAL;
	if (labels == have) {
		len = name_length(owner);
		memcpy(out, owner, len);
		name_to_lower(out);
		return (int)len;
	}
	for (int k = 0; k < have - labels; k++)
		p += 1u + *p;
	out[0] = 1;
	out[1] = '*';
	len = name_length(p);
	memcpy(out + 2, p, len);
	name_to_lower(out);
	return (int)len + 2;
}

/* Canonical RDATA order: octet by octet, a shorter prefix first. Items
 * are (u16 length, octets). */
static int item_cmp(const void *a, const void *b)
{
	const uint8_t *x = *(const uint8_t *const *)a;
	const uint8_t *y = *(const uint8_t *const *)b;
	uint16_t lx = wire_get_u16(x), ly = wire_get_u16(y);
	int c = memcmp(x + 2, y + 2, lx < ly ? lx : ly);

	if (c)
		return c;
	return lx < ly ? -1 : lx > ly;
}

static bool item_equal(const uint8_t *x, const uint8_t *y)
{
	return !item_cmp(&x, &y);
}

/* A copy of set's items in work (rdata_len octets), canonical, with
 * pointers to them in order. 0 or BN_ERDATA. */
static int sort_items(const struct dnssec_rrset *set, uint8_t *work,
		      uint8_t **item)
{
	struct rbuf r;
	uint16_t n;

	memcpy(work, set->rdata, set->rdata_len);
	rbuf_init(&r, work, set->rdata_len);
	for (unsigned i = 0; i < set->count; i++) {
		item[i] = work + r.pos;
		if (rbuf_u16(&r, &n) < 0 || rbuf_left(&r) < n)
			return BN_ERDATA;
		rdata_canonicalize(set->type, work + r.pos, n);
		r.pos += n;
	}
	if (rbuf_left(&r))
		return BN_ERDATA;
	qsort(item, set->count, sizeof(*item), item_cmp);
	return 0;
}

static int write_rrs(struct wbuf *w, const struct dnssec_rrsig *s,
		     const struct dnssec_rrset *set, uint8_t **item)
{
	uint8_t owner[NAME_MAXLEN];
	int olen = signed_owner(owner, set->owner, s->labels);
	int ret = 0;

	if (olen < 0)
		return olen;
	for (unsigned i = 0; i < set->count && !ret; i++) {
		if (i && item_equal(item[i - 1], item[i]))
			continue;
		if (wbuf_bytes(w, owner, (size_t)olen) < 0 ||
		    wbuf_u16(w, set->type) < 0 ||
		    wbuf_u16(w, set->rclass) < 0 ||
		    wbuf_u32(w, s->orig_ttl) < 0 ||
		    wbuf_bytes(w, item[i], 2u + wire_get_u16(item[i])) < 0)
			ret = BN_ENOSPC;
	}
	return ret;
}

int dnssec_signed_data(uint8_t *out, size_t cap,
		       const struct dnssec_rrsig *s,
		       const struct dnssec_rrset *set)
{
	struct wbuf w;
	uint8_t **item;
	uint8_t *work;
	int ret;

	wbuf_init(&w, out, cap);
	if (wbuf_bytes(&w, s->rdata, s->head_len) < 0)
		return BN_ENOSPC;
	name_to_lower(out + RRSIG_FIXED);
	item = malloc(set->count * sizeof(*item) + set->rdata_len + 1);
	if (!item)
		return BN_ENOMEM;
	work = (uint8_t *)(item + set->count);
	ret = sort_items(set, work, item);
	if (!ret)
		ret = write_rrs(&w, s, set, item);
	free(item);
	return ret < 0 ? ret : (int)w.len;
}
