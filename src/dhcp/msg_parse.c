/* DHCPv4 message parsing: the fixed header through the wire cursor, then
 * the options of the options field, and of file and sname when option
 * 52 says so, each option's instances joined in that order (RFC 3396). */
#include <string.h>

#include "dhcp/msg.h"
#include "wire/buf.h"

static const uint8_t magic[4] = { 99, 130, 83, 99 };

/* Where one instance of an option sits in the datagram. */
struct inst {
	uint8_t code;
	uint16_t pos, len;
};

struct walk {
	struct inst *in;
	size_t n, cap;
	uint8_t overload;
};

/* Records each option of [start, start+len) of pkt; 52 only from the
 * options field. */
static int walk_field(struct walk *w, const uint8_t *pkt, size_t start,
		      size_t len, bool main)
{
	struct rbuf r;
	uint8_t code, olen;

	rbuf_init(&r, pkt + start, len);
	while (rbuf_left(&r) > 0) {
		rbuf_u8(&r, &code);
		if (code == DO_PAD)
			continue;
		if (code == DO_END)
			return 0;
		if (rbuf_u8(&r, &olen) < 0 || rbuf_left(&r) < olen)
			return BN_ETRUNC;
		if (code == DO_OVERLOAD) {
			if (main && olen == 1)
				w->overload = r.base[r.pos] & 3;
		} else if (w->n < w->cap) {
			w->in[w->n++] = (struct inst){ code,
				(uint16_t)(start + r.pos), olen };
		}
		rbuf_skip(&r, olen);
	}
	return 0;
}

/* Joins the instances of each code, in the order met. */
static void join(struct dhcp_msg *m, const uint8_t *pkt,
		 const struct walk *w)
{
	uint16_t fill[256];
	size_t i, off = 0;
	unsigned c;

	memset(m->opt_len, 0, sizeof(m->opt_len));
	for (i = 0; i < w->n; i++) {
		m->opt_len[w->in[i].code] += w->in[i].len;
		m->opt_has[w->in[i].code >> 3] |= 1u << (w->in[i].code & 7);
	}
	for (c = 0; c < 256; c++) {
		m->opt_off[c] = (uint16_t)off;
		fill[c] = 0;
		off += m->opt_len[c];
	}
	for (i = 0; i < w->n; i++) {
		const struct inst *t = &w->in[i];

		memcpy(m->optdata + m->opt_off[t->code] + fill[t->code],
		       pkt + t->pos, t->len);
		fill[t->code] += t->len;
	}
}

static void parse_header(struct dhcp_msg *m, struct rbuf *r)
{
	rbuf_u8(r, &m->op);
	rbuf_u8(r, &m->htype);
	rbuf_u8(r, &m->hlen);
	rbuf_u8(r, &m->hops);
	rbuf_u32(r, &m->xid);
	rbuf_u16(r, &m->secs);
	rbuf_u16(r, &m->flags);
	rbuf_u32(r, &m->ciaddr);
	rbuf_u32(r, &m->yiaddr);
	rbuf_u32(r, &m->siaddr);
	rbuf_u32(r, &m->giaddr);
	rbuf_bytes(r, m->chaddr, sizeof(m->chaddr));
	rbuf_bytes(r, m->sname, sizeof(m->sname));
	rbuf_bytes(r, m->file, sizeof(m->file));
}

int dhcp_parse(struct dhcp_msg *m, const uint8_t *pkt, size_t len)
{
	struct inst in[DHCP_PKT_MAX / 2];
	struct walk w = { in, 0, DHCP_PKT_MAX / 2, 0 };
	struct rbuf r;
	uint8_t cookie[4];
	int ret;

	if (len < DHCP_HDR_LEN)
		return BN_ESHORT;
	if (len > DHCP_PKT_MAX)
		return BN_EINVAL;
	memset(m->opt_has, 0, sizeof(m->opt_has));
	rbuf_init(&r, pkt, len);
	parse_header(m, &r);
	rbuf_bytes(&r, cookie, 4);
	if (memcmp(cookie, magic, 4))
		return BN_EINVAL;
	ret = walk_field(&w, pkt, DHCP_HDR_LEN, len - DHCP_HDR_LEN, true);
	/* file (108..235) before sname (44..107): RFC 3396 order */
	if (ret == 0 && (w.overload & 1))
		ret = walk_field(&w, pkt, 108, 128, false);
	if (ret == 0 && (w.overload & 2))
		ret = walk_field(&w, pkt, 44, 64, false);
	if (ret < 0)
		return ret;
	m->overload = w.overload;
	join(m, pkt, &w);
	return 0;
}

bool dhcp_has(const struct dhcp_msg *m, uint8_t code)
{
	return m->opt_has[code >> 3] & (1u << (code & 7));
}

bool dhcp_get(const struct dhcp_msg *m, uint8_t code, const uint8_t **v,
	      size_t *len)
{
	if (!dhcp_has(m, code))
		return false;
	*v = m->optdata + m->opt_off[code];
	*len = m->opt_len[code];
	return true;
}

bool dhcp_get_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v)
{
	const uint8_t *p;
	size_t len;

	if (!dhcp_get(m, code, &p, &len) || len != 1)
		return false;
	*v = p[0];
	return true;
}

bool dhcp_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v)
{
	const uint8_t *p;
	size_t len;

	if (!dhcp_get(m, code, &p, &len) || len != 4)
		return false;
	*v = wire_get_u32(p);
	return true;
}

int dhcp_msg_type(const struct dhcp_msg *m)
{
	uint8_t t;

	if (!dhcp_get_u8(m, DO_MSG_TYPE, &t) || t < DHCPDISCOVER ||
	    t > DHCPINFORM)
		return 0;
	return t;
}

const char *dhcp_type_name(int type)
{
	static const char *const names[] = { "?", "DISCOVER", "OFFER",
		"REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM" };

	return type >= 1 && type <= 8 ? names[type] : names[0];
}
