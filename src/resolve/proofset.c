/* Packing the sets of a proof of denial: one RDATA-layout item per set
 * (proofset.h). Pure: the cache, the answer and the validation phase
 * share the format. */
#include <string.h>

#include "base/error.h"
#include "resolve/proofset.h"
#include "wire/buf.h"
#include "wire/name.h"

#define HDR 14  /* type, class, TTL, count, nsigs, RDATA octets */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

int proofset_put(uint8_t *buf, size_t cap, size_t *len,
		 const struct rrset *s)
{
	size_t olen = name_length(s->owner);
	size_t n = olen + HDR + s->rdata_len + s->sigs_len;
	uint8_t *p = buf + *len;

	if (n > UINT16_MAX || s->rdata_len > UINT16_MAX ||
	    *len + 2 + n > cap)
		return BN_ENOSPC;
	put16(p, (uint16_t)n);
	memcpy(p + 2, s->owner, olen);
	p += 2 + olen;
	put16(p, s->type);
	put16(p + 2, s->rclass);
	put32(p + 4, s->ttl);
	put16(p + 8, s->count);
	put16(p + 10, s->nsigs);
	put16(p + 12, (uint16_t)s->rdata_len);
	memcpy(p + HDR, s->rdata, s->rdata_len + s->sigs_len);
	*len += 2 + n;
	return 0;
}

/* Whether count items fill exactly n octets at p. */
static bool items_fit(const uint8_t *p, size_t n, unsigned count)
{
	size_t pos = 0;

	for (unsigned i = 0; i < count; i++) {
		if (n - pos < 2 || n - pos - 2 < wire_get_u16(p + pos))
			return false;
		pos += 2u + wire_get_u16(p + pos);
	}
	return pos == n;
}

int proofset_next(const uint8_t *buf, size_t len, size_t *pos,
		  struct rrset *out)
{
	const uint8_t *p = buf + *pos;
	size_t n, olen, rlen;
	int on;

	if (*pos >= len)
		return 0;
	if (len - *pos < 2 || (n = wire_get_u16(p)) > len - *pos - 2)
		return BN_ERDATA;
	p += 2;
	on = name_check(p, n);
	if (on < 0 || (olen = (size_t)on) + HDR > n)
		return BN_ERDATA;
	memset(out, 0, sizeof(*out));
	out->owner = p;
	p += olen;
	out->type = wire_get_u16(p);
	out->rclass = wire_get_u16(p + 2);
	out->ttl = wire_get_u32(p + 4);
	out->count = wire_get_u16(p + 8);
	out->nsigs = wire_get_u16(p + 10);
	rlen = wire_get_u16(p + 12);
	if (olen + HDR + rlen > n)
		return BN_ERDATA;
	out->rdata = p + HDR;
	out->rdata_len = (uint32_t)rlen;
	out->sigs_len = (uint32_t)(n - olen - HDR - rlen);
	if (!items_fit(out->rdata, rlen, out->count) ||
	    !items_fit(rrset_sigs(out), out->sigs_len, out->nsigs))
		return BN_ERDATA;
	*pos += 2 + n;
	return 1;
}

uint32_t proofset_sigs_own(const struct rrset *s)
{
	const uint8_t *p = rrset_sigs(s);
	uint32_t pos = 0;

	for (unsigned i = 0; i < s->nsigs && s->sigs_len - pos >= 2; i++)
		pos += 2u + wire_get_u16(p + pos);
	return pos > s->sigs_len ? s->sigs_len : pos;
}
