/* The journal's on-disk format (described in journal.h): the header, and
 * one record encoded from, checked and decoded into a struct zchange.
 * Pure functions over memory; the file is journal.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "journal/journal_int.h"
#include "wire/buf.h"
#include "wire/rrtype.h"

static const uint8_t magic[4] = { 'B', 'N', 'J', '1' };

static void put_u32_at(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

size_t jhdr_encode(uint8_t *buf, const uint8_t *origin)
{
	size_t olen = name_length(origin);
	struct wbuf w;

	wbuf_init(&w, buf, JHDR_MAX);
	wbuf_bytes(&w, magic, sizeof(magic));
	wbuf_u16(&w, JHDR_VERSION);
	wbuf_u16(&w, (uint16_t)olen);
	wbuf_bytes(&w, origin, olen);
	wbuf_u32(&w, crc32c(0, buf, w.len));
	return w.len;
}

int jhdr_check(const uint8_t *buf, size_t len, const uint8_t *origin,
	       char *why, size_t cap)
{
	char other[NAME_TEXT_MAX];
	size_t olen, total;

	if (len < 8)
		return BN_ETRUNC;
	if (memcmp(buf, magic, sizeof(magic)) != 0) {
		snprintf(why, cap, "not a banchi journal (no BNJ1 magic)");
		return BN_EINVAL;
	}
	if (wire_get_u16(buf + 4) != JHDR_VERSION) {
		snprintf(why, cap, "journal format version %u, this banchi "
			 "reads version %u", (unsigned)wire_get_u16(buf + 4),
			 (unsigned)JHDR_VERSION);
		return BN_EINVAL;
	}
	olen = wire_get_u16(buf + 6);
	total = JHDR_FIXED + olen;
	if (olen == 0 || olen > NAME_MAXLEN) {
		snprintf(why, cap, "header gives a zone name of %zu octets",
			 olen);
		return BN_EINVAL;
	}
	if (len < total)
		return BN_ETRUNC;
	if (crc32c(0, buf, total - 4) != wire_get_u32(buf + total - 4) ||
	    name_check(buf + 8, olen) != (int)olen) {
		snprintf(why, cap, "header checksum or zone name is corrupt");
		return BN_EINVAL;
	}
	if (!name_equal(buf + 8, origin)) {
		if (name_to_text(other, sizeof(other), buf + 8) < 0)
			snprintf(other, sizeof(other), "?");
		snprintf(why, cap, "journal of zone %s, not of this zone",
			 other);
		return BN_EINVAL;
	}
	return (int)total;
}

void jrec_head(const uint8_t *rec, struct jrec_info *info)
{
	info->len = wire_get_u32(rec);
	info->crc = wire_get_u32(rec + 4);
	info->from = wire_get_u32(rec + 8);
	info->to = wire_get_u32(rec + 12);
	info->ndel = wire_get_u32(rec + 16);
	info->nadd = wire_get_u32(rec + 20);
}

uint32_t jrec_crc(const uint8_t *rec, size_t len)
{
	return crc32c(crc32c(0, rec, 4), rec + 8, len - 8);
}

/* Skips one RR; fills *rr with pointers into the record. */
static int take_rr(struct rbuf *r, struct zchange_rr *rr)
{
	int olen = name_check(r->base + r->pos, rbuf_left(r));

	if (olen < 0)
		return olen;
	rr->owner = r->base + r->pos;
	r->pos += (size_t)olen;
	if (rbuf_u16(r, &rr->type) || rbuf_u32(r, &rr->ttl) ||
	    rbuf_u16(r, &rr->rdlen))
		return BN_ETRUNC;
	rr->rdata = r->base + r->pos;
	return rbuf_skip(r, rr->rdlen);
}

/* An SOA for the origin whose RDATA is exactly two names and 20 octets
 * and carries serial. */
static const char *check_soa(const struct zchange_rr *rr,
			     const uint8_t *origin, uint32_t serial)
{
	size_t p = 0;
	int n;

	if (rr->type != RR_SOA)
		return "an SOA record is expected where another type is";
	if (!name_equal(rr->owner, origin))
		return "an SOA record is not owned by the zone's origin";
	for (int i = 0; i < 2; i++) {
		n = name_check(rr->rdata + p, rr->rdlen - p);
		if (n < 0)
			return "an SOA record's RDATA has a bad name";
		p += (size_t)n;
	}
	if (rr->rdlen != p + 20)
		return "an SOA record's RDATA has the wrong length";
	if (wire_get_u32(rr->rdata + p) != serial)
		return "an SOA serial differs from the record's head";
	return NULL;
}

/* Walks count RRs; NULL or why not. */
static const char *check_rrs(struct rbuf *r, uint32_t count)
{
	struct zchange_rr rr;

	for (uint32_t i = 0; i < count; i++)
		if (take_rr(r, &rr) < 0)
			return "a resource record runs past the record's end";
	return NULL;
}

const char *jrec_check(const uint8_t *rec, size_t len, const uint8_t *origin)
{
	struct jrec_info h;
	struct zchange_rr soa;
	struct rbuf r;
	const char *why;

	if (len < JREC_HEAD)
		return "the record is shorter than its head";
	jrec_head(rec, &h);
	if (h.len != len)
		return "the length field disagrees with the record";
	if (!serial_after(h.to, h.from))
		return "the serial it goes to is not after the one it leaves";
	rbuf_init(&r, rec, len);
	r.pos = JREC_HEAD;
	if (take_rr(&r, &soa) < 0)
		return "the first SOA record runs past the record's end";
	if ((why = check_soa(&soa, origin, h.from)) ||
	    (why = check_rrs(&r, h.ndel)))
		return why;
	if (take_rr(&r, &soa) < 0)
		return "the second SOA record runs past the record's end";
	if ((why = check_soa(&soa, origin, h.to)) ||
	    (why = check_rrs(&r, h.nadd)))
		return why;
	if (rbuf_left(&r))
		return "octets follow the last resource record";
	return NULL;
}

static void put_rr(struct wbuf *w, const struct zchange_rr *rr)
{
	wbuf_bytes(w, rr->owner, name_length(rr->owner));
	wbuf_u16(w, rr->type);
	wbuf_u32(w, rr->ttl);
	wbuf_u16(w, rr->rdlen);
	wbuf_bytes(w, rr->rdata, rr->rdlen);
}

static size_t rr_size(const struct zchange_rr *rr)
{
	return name_length(rr->owner) + JRR_FIXED + rr->rdlen;
}

/* Octets the record for c takes (both SOAs present). */
static size_t rec_size(const struct zchange *c)
{
	size_t n = JREC_HEAD + rr_size(&c->soa_from) + rr_size(&c->soa_to);

	for (size_t i = 0; i < c->ndel; i++)
		n += rr_size(&c->del[i]);
	for (size_t i = 0; i < c->nadd; i++)
		n += rr_size(&c->add[i]);
	return n;
}

int jrec_encode(const struct zchange *c, uint8_t **out, size_t *len)
{
	size_t size;
	struct wbuf w;

	if (!c->soa_from.owner || !c->soa_to.owner ||
	    c->ndel > UINT32_MAX || c->nadd > UINT32_MAX)
		return BN_EINVAL;
	size = rec_size(c);
	if (size > JOURNAL_RECORD_MAX)
		return BN_ENOSPC;
	*out = malloc(size);
	if (!*out)
		return BN_ENOMEM;
	wbuf_init(&w, *out, size);
	wbuf_u32(&w, (uint32_t)size);
	wbuf_u32(&w, 0);
	wbuf_u32(&w, zchange_from(c));
	wbuf_u32(&w, zchange_to(c));
	wbuf_u32(&w, (uint32_t)c->ndel);
	wbuf_u32(&w, (uint32_t)c->nadd);
	put_rr(&w, &c->soa_from);
	for (size_t i = 0; i < c->ndel; i++)
		put_rr(&w, &c->del[i]);
	put_rr(&w, &c->soa_to);
	for (size_t i = 0; i < c->nadd; i++)
		put_rr(&w, &c->add[i]);
	put_u32_at(*out + 4, jrec_crc(*out, size));
	*len = size;
	return 0;
}

/* count RRs from r into c's removed or added list. */
static int decode_rrs(struct rbuf *r, struct zchange *c, bool add,
		      uint32_t count)
{
	struct zchange_rr rr;
	int ret = 0;

	/* jrec_check read the record already: a short one stops here too */
	for (uint32_t i = 0; i < count && !ret; i++) {
		ret = take_rr(r, &rr) < 0 ? BN_EINVAL :
		      add ? zchange_add(c, rr.owner, rr.type, rr.ttl, rr.rdata,
					rr.rdlen) :
			    zchange_del(c, rr.owner, rr.type, rr.ttl, rr.rdata,
					rr.rdlen);
	}
	return ret;
}

int jrec_decode(const uint8_t *rec, size_t len, struct zchange *c)
{
	struct jrec_info h;
	struct zchange_rr soa;
	struct rbuf r;
	int ret;

	jrec_head(rec, &h);
	rbuf_init(&r, rec, len);
	r.pos = JREC_HEAD;
	ret = take_rr(&r, &soa) < 0 ? BN_EINVAL :
	      zchange_set_soa(c, false, soa.owner, soa.ttl, soa.rdata,
			      soa.rdlen);
	if (!ret)
		ret = decode_rrs(&r, c, false, h.ndel);
	if (!ret)
		ret = take_rr(&r, &soa) < 0 ? BN_EINVAL :
		      zchange_set_soa(c, true, soa.owner, soa.ttl, soa.rdata,
				      soa.rdlen);
	if (!ret)
		ret = decode_rrs(&r, c, true, h.nadd);
	return ret;
}
