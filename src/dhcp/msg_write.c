/* DHCPv4 message building: the fixed header through the wire cursor, the
 * options in the order added. An option over 255 octets goes out as
 * several instances (RFC 3396); when the options field is full the file
 * and sname fields carry the rest (option 52), each field ending in an
 * end option. */
#include <string.h>

#include "dhcp/msg.h"
#include "wire/buf.h"

static const uint8_t magic[4] = { 99, 130, 83, 99 };

void dhcp_opts_init(struct dhcp_opts *o)
{
	o->used = 0;
	o->n = 0;
}

int dhcp_opts_add(struct dhcp_opts *o, uint8_t code, const void *v,
		  size_t len)
{
	if (code == DO_PAD || code == DO_OVERLOAD || code == DO_END)
		return BN_EINVAL;
	if (o->n >= DHCP_OPTS_N || DHCP_OPTS_DATA - o->used < len)
		return BN_ENOSPC;
	if (len)
		memcpy(o->data + o->used, v, len);
	o->o[o->n].code = code;
	o->o[o->n].off = (uint16_t)o->used;
	o->o[o->n].len = (uint16_t)len;
	o->n++;
	o->used += len;
	return 0;
}

int dhcp_opts_u8(struct dhcp_opts *o, uint8_t code, uint8_t v)
{
	return dhcp_opts_add(o, code, &v, 1);
}

int dhcp_opts_u16(struct dhcp_opts *o, uint8_t code, uint16_t v)
{
	uint8_t b[2];
	struct wbuf w;

	wbuf_init(&w, b, sizeof(b));
	wbuf_u16(&w, v);
	return dhcp_opts_add(o, code, b, 2);
}

int dhcp_opts_u32(struct dhcp_opts *o, uint8_t code, uint32_t v)
{
	return dhcp_opts_addrs(o, code, &v, 1);
}

int dhcp_opts_addrs(struct dhcp_opts *o, uint8_t code, const uint32_t *a,
		    size_t n)
{
	uint8_t b[4 * 63];
	struct wbuf w;
	size_t i;

	if (n == 0)
		return 0;
	if (n > 63)
		return BN_ENOSPC;
	wbuf_init(&w, b, sizeof(b));
	for (i = 0; i < n; i++)
		wbuf_u32(&w, a[i]);
	return dhcp_opts_add(o, code, b, w.len);
}

/* The fields options may go in, in order: options (from 240 to the
 * size limit), file, sname. Each keeps one octet for its end option. */
struct area {
	uint8_t *out;
	size_t start, pos, end;         /* in out; end excludes the END */
	uint8_t bit;                    /* option 52's bit for the field */
};

struct layout {
	struct area f[3];
	int cur, nf;
};

/* Whether the instance should wait for the next field: it does not fit
 * here but would fit there whole (an option is split across fields
 * only when no field holds it: few clients join such pieces). */
static bool next_fits(const struct layout *l, size_t want)
{
	const struct area *n;

	if (l->cur + 1 >= l->nf)
		return false;
	n = &l->f[l->cur + 1];
	return n->end - n->start >= want;
}

static int put_instance(struct layout *l, uint8_t code, const uint8_t *v,
			size_t *left)
{
	size_t want = 2 + (*left < 255 ? *left : 255);
	struct area *a;
	size_t room, chunk;

	for (;;) {
		if (l->cur >= l->nf)
			return BN_ENOSPC;
		a = &l->f[l->cur];
		room = a->end - a->pos;
		if (room >= want)
			break;
		if (room >= 3 && *left && !next_fits(l, want))
			break;
		l->cur++;
	}
	chunk = want - 2 < room - 2 ? want - 2 : room - 2;
	a->out[a->pos++] = code;
	a->out[a->pos++] = (uint8_t)chunk;
	memcpy(a->out + a->pos, v, chunk);
	a->pos += chunk;
	*left -= chunk;
	return 0;
}

static int lay_out(struct layout *l, const struct dhcp_opts *o)
{
	size_t i, left;
	int ret;

	for (i = 0; i < o->n; i++) {
		const uint8_t *v = o->data + o->o[i].off;

		left = o->o[i].len;
		do {
			ret = put_instance(l, o->o[i].code,
					   v + (o->o[i].len - left), &left);
			if (ret < 0)
				return ret;
		} while (left);
	}
	return 0;
}

static void write_header(const struct dhcp_msg *h, uint8_t *out)
{
	struct wbuf w;

	wbuf_init(&w, out, DHCP_HDR_LEN);
	wbuf_u8(&w, h->op);
	wbuf_u8(&w, h->htype);
	wbuf_u8(&w, h->hlen);
	wbuf_u8(&w, h->hops);
	wbuf_u32(&w, h->xid);
	wbuf_u16(&w, h->secs);
	wbuf_u16(&w, h->flags);
	wbuf_u32(&w, h->ciaddr);
	wbuf_u32(&w, h->yiaddr);
	wbuf_u32(&w, h->siaddr);
	wbuf_u32(&w, h->giaddr);
	wbuf_bytes(&w, h->chaddr, sizeof(h->chaddr));
	wbuf_bytes(&w, h->sname, sizeof(h->sname));
	wbuf_bytes(&w, h->file, sizeof(h->file));
	wbuf_bytes(&w, magic, 4);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The overloaded layout: 52 first in the options field, then the rest
 * through file and sname when they are free. */
static int build_overloaded(const struct dhcp_msg *h,
			    const struct dhcp_opts *o, size_t maxlen,
			    uint8_t *out)
{
	struct layout l = { .nf = 1 };
	uint8_t ov = 0;
	int i, ret;

	l.f[0] = (struct area){ out, DHCP_HDR_LEN + 3, DHCP_HDR_LEN + 3,
				maxlen - 1, 0 };
	if (all_zero(h->file, sizeof(h->file)))
		l.f[l.nf++] = (struct area){ out, 108, 108, 108 + 127, 1 };
	if (all_zero(h->sname, sizeof(h->sname)))
		l.f[l.nf++] = (struct area){ out, 44, 44, 44 + 63, 2 };
	ret = lay_out(&l, o);
	if (ret < 0)
		return ret;
	for (i = 1; i < l.nf; i++) {
		if (l.f[i].pos == l.f[i].start)
			continue;
		ov |= l.f[i].bit;
		out[l.f[i].pos] = DO_END;
	}
	out[DHCP_HDR_LEN] = DO_OVERLOAD;
	out[DHCP_HDR_LEN + 1] = 1;
	out[DHCP_HDR_LEN + 2] = ov;
	out[l.f[0].pos] = DO_END;
	return (int)l.f[0].pos + 1;
}

int dhcp_build(const struct dhcp_msg *h, const struct dhcp_opts *o,
	       size_t maxlen, uint8_t *out, size_t cap)
{
	struct layout l = { .nf = 1 };
	size_t len;
	int ret;

	if (maxlen > cap)
		maxlen = cap;
	if (maxlen < DHCP_MIN_LEN)
		return BN_EINVAL;
	memset(out, 0, maxlen);
	write_header(h, out);
	l.f[0] = (struct area){ out, DHCP_HDR_LEN, DHCP_HDR_LEN, maxlen - 1,
				0 };
	ret = lay_out(&l, o);
	if (ret == 0) {
		out[l.f[0].pos] = DO_END;
		len = l.f[0].pos + 1;
	} else {
		write_header(h, out);
		memset(out + DHCP_HDR_LEN, 0, maxlen - DHCP_HDR_LEN);
		ret = build_overloaded(h, o, maxlen, out);
		if (ret < 0)
			return ret;
		len = (size_t)ret;
	}
	return (int)(len < DHCP_MIN_LEN ? DHCP_MIN_LEN : len);
}
