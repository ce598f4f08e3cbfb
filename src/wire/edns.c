/* EDNS(0) OPT record decode/encode and the option iterator. Options stay
 * in the packet; every option header and length is bounds-checked. */
#include "base/error.h"
#include "wire/edns.h"
#include "wire/rrtype.h"

void edns_opt_iter_init(struct edns_opt_iter *it, const struct edns *e)
{
	it->p = e->opts;
	it->len = e->opts ? e->opts_len : 0;
	it->pos = 0;
}

int edns_opt_next(struct edns_opt_iter *it, uint16_t *code,
		  const uint8_t **data, uint16_t *len)
{
	size_t left = it->len - it->pos;
	uint16_t l;

	if (left == 0)
		return 0;
	if (left < EDNS_OPT_HDR)
		return BN_EOPT;
	l = wire_get_u16(it->p + it->pos + 2);
	if (left - EDNS_OPT_HDR < l)
		return BN_EOPT;
	*code = wire_get_u16(it->p + it->pos);
	*len = l;
	*data = it->p + it->pos + EDNS_OPT_HDR;
	it->pos += EDNS_OPT_HDR + (size_t)l;
	return 1;
}

int edns_parse(struct edns *e, uint16_t rclass, uint32_t ttl,
	       const uint8_t *rdata, uint16_t rdlen)
{
	struct edns_opt_iter it;
	uint16_t code, len;
	const uint8_t *data;
	int ret;

	e->payload = rclass;
	e->ext_rcode = (uint8_t)(ttl >> 24);
	e->version = (uint8_t)(ttl >> 16);
	e->flags = (uint16_t)ttl;
	e->opts = rdata;
	e->opts_len = rdlen;
	edns_opt_iter_init(&it, e);
	while ((ret = edns_opt_next(&it, &code, &data, &len)) > 0)
		;
	return ret;
}

void edns_init(struct edns *e, uint16_t payload)
{
	e->payload = payload;
	e->ext_rcode = 0;
	e->version = 0;
	e->flags = 0;
	e->opts_len = 0;
	e->opts = NULL;
}

int edns_opt_find(const struct edns *e, uint16_t code,
		  const uint8_t **data, uint16_t *len)
{
	struct edns_opt_iter it;
	uint16_t c;
	int ret;

	edns_opt_iter_init(&it, e);
	while ((ret = edns_opt_next(&it, &c, data, len)) > 0)
		if (c == code)
			return 1;
	return ret;
}

int edns_opt_put(struct wbuf *w, uint16_t code, const void *data,
		 uint16_t len)
{
	if (w->cap - w->len < EDNS_OPT_HDR + (size_t)len)
		return BN_ENOSPC;
	wbuf_u16(w, code);
	wbuf_u16(w, len);
	return wbuf_bytes(w, data, len);
}

int edns_write(struct wbuf *w, const struct edns *e)
{
	uint32_t ttl = (uint32_t)e->ext_rcode << 24 |
		       (uint32_t)e->version << 16 | e->flags;

	if (w->cap - w->len < edns_wire_size(e))
		return BN_ENOSPC;
	wbuf_u8(w, 0);
	wbuf_u16(w, RR_OPT);
	wbuf_u16(w, e->payload);
	wbuf_u32(w, ttl);
	wbuf_u16(w, e->opts_len);
	return wbuf_bytes(w, e->opts, e->opts_len);
}
