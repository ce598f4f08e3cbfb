/* Bounds-checked reading and writing of wire bytes. Every access to raw
 * DNS octets outside src/wire goes through these (no p[0] << 8 | p[1]). */
#ifndef BANCHI_WIRE_BUF_H
#define BANCHI_WIRE_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"

/* Read cursor over [base, base+len); pos is the next octet to read. */
struct rbuf {
	const uint8_t *base;
	size_t len;
	size_t pos;
};

static inline void rbuf_init(struct rbuf *r, const uint8_t *base, size_t len)
{
	r->base = base;
	r->len = len;
	r->pos = 0;
}

static inline size_t rbuf_left(const struct rbuf *r)
{
	return r->len - r->pos;
}

static inline int rbuf_u8(struct rbuf *r, uint8_t *v)
{
	if (rbuf_left(r) < 1)
		return BN_ETRUNC;
	*v = r->base[r->pos++];
	return 0;
}

static inline int rbuf_u16(struct rbuf *r, uint16_t *v)
{
	if (rbuf_left(r) < 2)
		return BN_ETRUNC;
	*v = (uint16_t)(r->base[r->pos] << 8 | r->base[r->pos + 1]);
	r->pos += 2;
	return 0;
}

static inline int rbuf_u32(struct rbuf *r, uint32_t *v)
{
	if (rbuf_left(r) < 4)
		return BN_ETRUNC;
	const uint8_t *p = r->base + r->pos;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	r->pos += 4;
	return 0;
}

static inline int rbuf_bytes(struct rbuf *r, void *dst, size_t n)
{
	if (rbuf_left(r) < n)
		return BN_ETRUNC;
	memcpy(dst, r->base + r->pos, n);
	r->pos += n;
	return 0;
}

static inline int rbuf_skip(struct rbuf *r, size_t n)
{
	if (rbuf_left(r) < n)
		return BN_ETRUNC;
	r->pos += n;
	return 0;
}

/* Write buffer [data, data+cap); len octets used. */
struct wbuf {
	uint8_t *data;
	size_t cap;
	size_t len;
};

static inline void wbuf_init(struct wbuf *w, uint8_t *data, size_t cap)
{
	w->data = data;
	w->cap = cap;
	w->len = 0;
}

static inline int wbuf_u8(struct wbuf *w, uint8_t v)
{
	if (w->cap - w->len < 1)
		return BN_ENOSPC;
	w->data[w->len++] = v;
	return 0;
}

static inline int wbuf_u16(struct wbuf *w, uint16_t v)
{
	if (w->cap - w->len < 2)
		return BN_ENOSPC;
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

static inline int wbuf_u32(struct wbuf *w, uint32_t v)
{
	if (w->cap - w->len < 4)
		return BN_ENOSPC;
	w->data[w->len++] = (uint8_t)(v >> 24);
	w->data[w->len++] = (uint8_t)(v >> 16);
	w->data[w->len++] = (uint8_t)(v >> 8);
	w->data[w->len++] = (uint8_t)v;
	return 0;
}

static inline int wbuf_bytes(struct wbuf *w, const void *src, size_t n)
{
	if (w->cap - w->len < n)
		return BN_ENOSPC;
	if (n)
		memcpy(w->data + w->len, src, n);
	w->len += n;
	return 0;
}

/* Overwrite a 16-bit value already written at off (length fields). */
static inline void wbuf_put_u16_at(struct wbuf *w, size_t off, uint16_t v)
{
	if (off + 2 <= w->len) {
		w->data[off] = (uint8_t)(v >> 8);
		w->data[off + 1] = (uint8_t)v;
	}
}

/* Big-endian loads from memory the caller has already bounds-checked. */
static inline uint16_t wire_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t wire_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
