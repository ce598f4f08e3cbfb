/* Wire-side RDATA operations driven by the type table: layout checks,
 * decompression from messages, compression on write, canonical order
 * and name iteration. Stored RDATA is always uncompressed. */
#include <stdbool.h>

#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rdata_special.h"
#include "wire/rrtype.h"

static bool is_name(uint8_t kind)
{
	return kind == RDF_NAME_C || kind == RDF_NAME_D || kind == RDF_NAME;
}

/* RFC 4034 section 4.1.2 bitmap: ascending windows of 1..32 octets,
 * the last octet of each non-zero. */
static int bitmap_check(const uint8_t *p, size_t len)
{
	int last = -1;

	for (size_t i = 0; i < len;) {
		uint8_t win, wl;

		if (len - i < 2)
			return BN_ERDATA;
		win = p[i];
		wl = p[i + 1];
		if ((int)win <= last || wl < 1 || wl > 32 || len - i - 2 < wl ||
		    p[i + 1 + wl] == 0)
			return BN_ERDATA;
		last = win;
		i += 2u + wl;
	}
	return 0;
}

/* RFC 2535 NXT bitmap: types 1-127, no type 0, no trailing zero octet. */
static int nxt_bitmap_check(const uint8_t *p, size_t len)
{
	if (len && ((p[0] & 0x80) || len > 16 || p[len - 1] == 0))
		return BN_ERDATA;
	return 0;
}

/* ATM address: format 0 (AESA, any octets) or 1 (E.164 digits). */
static int atma_size(const uint8_t *p, size_t len)
{
	if (len < 2)
		return BN_ERDATA;
	for (size_t i = 1; p[0] == 1 && i < len; i++)
		if (p[i] < '0' || p[i] > '9')
			return BN_ERDATA;
	return (int)len;
}

/* A6 (RFC 2874): prefix length, the suffix octets, a name if the prefix
 * length is not zero. */
static int a6_size(const uint8_t *p, size_t len)
{
	size_t n;
	int k;

	if (len < 1 || p[0] > 128)
		return BN_ERDATA;
	n = 1 + (128u - p[0] + 7) / 8;
	if (len < n)
		return BN_ERDATA;
	/* Prefix bits in the first suffix octet must be zero, as in BIND. */
	if (p[0] % 8 && n > 1 && (p[1] & ~(0xff >> (p[0] % 8))))
		return BN_ERDATA;
	if (p[0] == 0)
		return (int)n;
	k = name_check(p + n, len - n);
	return k < 0 ? BN_ERDATA : (int)n + k;
}

/* Size of the field of this kind at p (left octets remain), or an error. */
static int field_size(uint8_t kind, const uint8_t *p, size_t left)
{
	int n = rdf_fixed_size(kind);
	size_t k;

	if (n >= 0)
		return (size_t)n <= left ? n : BN_ERDATA;
	switch (kind) {
	case RDF_NAME_C: case RDF_NAME_D: case RDF_NAME:
		return name_check(p, left);
	case RDF_STR: case RDF_HEXLEN: case RDF_B32LEN:
		if (left < 1 || left - 1 < p[0] ||
		    (kind == RDF_B32LEN && p[0] == 0))
			return BN_ERDATA;
		return 1 + p[0];
	case RDF_STR_OPT:
		return left ? field_size(RDF_STR, p, left) : 0;
	case RDF_STRS:
		if (!left)
			return BN_ERDATA;
		for (k = 0; k < left; k += 1u + p[k])
			if (left - k - 1 < p[k])
				return BN_ERDATA;
		return (int)left;
	case RDF_BITMAP:
		return bitmap_check(p, left) < 0 ? BN_ERDATA : (int)left;
	case RDF_NXTBITMAP:
		return nxt_bitmap_check(p, left) < 0 ? BN_ERDATA : (int)left;
	case RDF_ATMA:
		return atma_size(p, left);
	case RDF_A6:
		return a6_size(p, left);
	case RDF_B64: case RDF_HEX: case RDF_STR_REST: case RDF_B64DASH:
		return (int)left;
	}
	return BN_ERDATA;
}

/* The NAPTR regexp field the way BIND checks it: empty, or
 * delim ere delim replacement delim flags, flags only "i", back
 * references no higher than the groups of the ere. */
static int naptr_regexp_check(const uint8_t *p, size_t len)
{
	unsigned groups = 0, part = 0;
	uint8_t delim;

	if (len == 0)
		return 0;
	delim = p[0];
	if ((delim >= '0' && delim <= '9') || delim == '\\' || delim == '\n')
		return BN_ERDATA;
	for (size_t i = 1; i < len; i++) {
		uint8_t c = p[i];

		if (c == 0 || (part == 2 && c != 'i' && c != delim))
			return BN_ERDATA;
		if (c == delim) {
			if (++part > 2)
				return BN_ERDATA;
			continue;
		}
		if (part == 0 && c == '(')
			groups++;
		if (c != '\\')
			continue;
		if (++i >= len)
			return BN_ERDATA;
		if (part == 1 && p[i] >= '0' && p[i] <= '9' &&
		    (p[i] == '0' || (unsigned)(p[i] - '0') > groups))
			return BN_ERDATA;
	}
	return part == 2 ? 0 : BN_ERDATA;
}

static int naptr_rules(const uint8_t *rd, size_t rdlen)
{
	size_t pos = 4 + 1 + rd[4];

	pos += 1u + rd[pos];
	if (pos >= rdlen)
		return BN_ERDATA;
	return naptr_regexp_check(rd + pos + 1, rd[pos]);
}

/* Lengths BIND enforces (DS family by digest type, ZONEMD, NSEC3 with
 * SHA-1 hashes) and the NAPTR regexp. */
static int type_rules(uint16_t type, const uint8_t *rd, size_t rdlen)
{
	static const uint8_t ds_len[] = { 0, 20, 32, 32, 48 };

	switch (type) {
	case RR_NSEC3:
		return rd[0] != 1 || rd[5 + rd[4]] == 20 ? 0 : BN_ERDATA;
	case RR_NAPTR:
		return naptr_rules(rd, rdlen);
	case RR_RKEY:
		/* No flags are defined for RKEY; BIND refuses any. */
		return rd[0] || rd[1] ? BN_ERDATA : 0;
	case RR_X25:
		/* A PSDN address: at least four digits (RFC 1183 3.1). */
		if (rd[0] < 4)
			return BN_ERDATA;
		for (size_t i = 1; i < rdlen; i++)
			if (rd[i] < '0' || rd[i] > '9')
				return BN_ERDATA;
		return 0;
	case RR_DS: case RR_CDS: case RR_TA: case RR_DLV:
		if (rd[3] >= 1 && rd[3] <= 4 && rdlen - 4 != ds_len[rd[3]])
			return BN_ERDATA;
		return rdlen > 4 ? 0 : BN_ERDATA;
	case RR_ZONEMD:
		if (rdlen < 6 + 12 || (rd[5] == 1 && rdlen != 6 + 48) ||
		    (rd[5] == 2 && rdlen != 6 + 64))
			return BN_ERDATA;
		return 0;
	case RR_NSEC:
		return name_length(rd) < rdlen ? 0 : BN_ERDATA;
	case RR_SSHFP:
		/* Fingerprint lengths of SHA-1 and SHA-256. */
		return (rd[1] != 1 || rdlen == 22) &&
		       (rd[1] != 2 || rdlen == 34) ? 0 : BN_ERDATA;
	}
	return 0;
}

/* BIND wants key, signature and digest fields non-empty, except a KEY
 * with the NOKEY flags, an SSHFP fingerprint and SINK data. */
static int tail_rule(uint16_t type, uint8_t kind, const uint8_t *rd,
		     size_t taillen)
{
	if (taillen || (kind != RDF_B64 && kind != RDF_HEX))
		return 0;
	if (type == RR_SSHFP || type == RR_SINK ||
	    (type == RR_KEY && (rd[0] & 0xc0) == 0xc0))
		return 0;
	return BN_ERDATA;
}

int rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen)
{
	const struct rrtype_desc *d = rrtype_by_code(type);
	size_t pos = 0;

	if (!d || d->fields[0] == RDF_END)
		return rdlen <= RDATA_MAXLEN ? 0 : BN_ERDATA;
	if (d->fields[0] == RDF_SPECIAL) {
		const struct rdata_special *sp = rdata_special_find(type);

		return sp ? sp->check(rd, rdlen) : 0;
	}
	for (int f = 0; f < RDF_MAX && d->fields[f] != RDF_END; f++) {
		int n = field_size(d->fields[f], rd + pos, rdlen - pos);

		if (n < 0 || tail_rule(type, d->fields[f], rd, (size_t)n) < 0)
			return BN_ERDATA;
		pos += (size_t)n;
	}
	if (pos != rdlen)
		return BN_ERDATA;
	return type_rules(type, rd, rdlen);
}

/* Copies one name from the message: decompressing where the type allows
 * it, refusing pointers where it does not. */
static int unpack_name(uint8_t kind, const uint8_t *msg, size_t *pos,
		       size_t end, struct wbuf *w)
{
	uint8_t name[NAME_MAXLEN];
	int n;

	if (kind == RDF_NAME) {
		n = name_check(msg + *pos, end - *pos);
		if (n < 0)
			return n;
		*pos += (size_t)n;
		return wbuf_bytes(w, msg + *pos - n, (size_t)n);
	}
	/* Ending the message at the RDATA's end keeps the name inside it;
	 * pointers only go backwards, so earlier names stay reachable. */
	n = name_unpack(msg, end, pos, name);
	if (n < 0)
		return n;
	return wbuf_bytes(w, name, (size_t)n);
}

int rdata_unpack(uint16_t type, const uint8_t *msg, size_t msglen,
		 size_t pos, size_t rdlen, uint8_t *out, size_t cap)
{
	const struct rrtype_desc *d = rrtype_by_code(type);
	size_t end = pos + rdlen;
	struct wbuf w;
	int ret;

	if (pos > msglen || rdlen > msglen - pos)
		return BN_ERDLEN;
	wbuf_init(&w, out, cap);
	if (!d || d->fields[0] == RDF_END || d->fields[0] == RDF_SPECIAL) {
		ret = wbuf_bytes(&w, msg + pos, rdlen);
		goto check;
	}
	for (int f = 0; f < RDF_MAX && d->fields[f] != RDF_END; f++) {
		uint8_t kind = d->fields[f];
		int n;

		if (is_name(kind)) {
			ret = unpack_name(kind, msg, &pos, end, &w);
			if (ret < 0)
				return ret;
			continue;
		}
		n = field_size(kind, msg + pos, end - pos);
		if (n < 0)
			return BN_ERDATA;
		ret = wbuf_bytes(&w, msg + pos, (size_t)n);
		if (ret < 0)
			return ret;
		pos += (size_t)n;
	}
	ret = pos == end ? 0 : BN_ERDATA;
check:
	if (ret < 0)
		return ret;
	if (w.len > RDATA_MAXLEN || rdata_check(type, out, w.len) < 0)
		return BN_ERDATA;
	return (int)w.len;
}

/* Walks the fields of checked stored RDATA, calling fn for each field
 * with its offset and size. Returns false for layouts without fields. */
typedef void (*field_fn)(void *ctx, int field, uint8_t kind, size_t off,
			 size_t len);

static bool walk(uint16_t type, const uint8_t *rd, size_t rdlen,
		 field_fn fn, void *ctx)
{
	const struct rrtype_desc *d = rrtype_by_code(type);
	size_t pos = 0;

	if (!d || d->fields[0] == RDF_END || d->fields[0] == RDF_SPECIAL)
		return false;
	if (rdata_check(type, rd, rdlen) < 0)
		return false;
	for (int f = 0; f < RDF_MAX && d->fields[f] != RDF_END; f++) {
		int n = field_size(d->fields[f], rd + pos, rdlen - pos);

		fn(ctx, f, d->fields[f], pos, (size_t)n);
		pos += (size_t)n;
	}
	return true;
}

struct pack_ctx {
	const uint8_t *rd;
	struct wbuf *w;
	struct compr *c;
	int ret;
};

static void pack_field(void *ctx, int field, uint8_t kind, size_t off,
		       size_t len)
{
	struct pack_ctx *p = ctx;

	(void)field;
	if (p->ret < 0)
		return;
	if (is_name(kind))
		p->ret = name_pack(p->w, p->rd + off,
				   kind == RDF_NAME_C ? p->c : NULL);
	else
		p->ret = wbuf_bytes(p->w, p->rd + off, len);
}

int rdata_pack(uint16_t type, const uint8_t *rd, size_t rdlen,
	       struct wbuf *w, struct compr *c)
{
	struct pack_ctx p = { .rd = rd, .w = w, .c = c, .ret = 0 };
	size_t len0 = w->len;
	uint16_t count0 = c ? c->count : 0;

	if (!walk(type, rd, rdlen, pack_field, &p))
		return wbuf_bytes(w, rd, rdlen);
	if (p.ret < 0) {
		/* Forget names remembered past the rolled-back end. */
		w->len = len0;
		if (c)
			c->count = count0;
		return BN_ENOSPC;
	}
	return 0;
}

struct names_ctx {
	const uint8_t *rd;
	rdata_name_fn fn;
	void *ctx;
	size_t off[RDF_MAX], len[RDF_MAX];
	int n;
};

static void name_field(void *ctx, int field, uint8_t kind, size_t off,
		       size_t len)
{
	struct names_ctx *nc = ctx;

	/* The A6 prefix name follows the prefix length and suffix. */
	if (kind == RDF_A6 && nc->rd[off] > 0) {
		size_t skip = 1 + (128u - nc->rd[off] + 7) / 8;

		off += skip;
		len -= skip;
	} else if (!is_name(kind)) {
		return;
	}
	if (nc->fn)
		nc->fn(nc->ctx, field, nc->rd + off);
	nc->off[nc->n] = off;
	nc->len[nc->n++] = len;
}

void rdata_foreach_name(uint16_t type, const uint8_t *rd, size_t rdlen,
			rdata_name_fn fn, void *ctx)
{
	struct names_ctx nc = { .rd = rd, .fn = fn, .ctx = ctx };

	walk(type, rd, rdlen, name_field, &nc);
}

/* RFC 4034 section 6.2 as amended by RFC 6840 section 5.1 (NSEC out). */
static bool lowercased(uint16_t type)
{
	switch (type) {
	case RR_NS: case RR_MD: case RR_MF: case RR_CNAME: case RR_SOA:
	case RR_MB: case RR_MG: case RR_MR: case RR_PTR: case RR_MINFO:
	case RR_MX: case RR_RP: case RR_AFSDB: case RR_RT: case RR_SIG:
	case RR_PX: case RR_NXT: case RR_NAPTR: case RR_KX: case RR_SRV:
	case RR_DNAME: case RR_A6: case RR_RRSIG:
		return true;
	}
	return false;
}

static bool in_names(const struct names_ctx *nc, size_t i)
{
	for (int k = 0; k < nc->n; k++)
		if (i >= nc->off[k] && i < nc->off[k] + nc->len[k])
			return true;
	return false;
}

static uint8_t lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

/* Length octets are < 64, so lowercasing a whole name region only ever
 * touches label text. */
void rdata_canonicalize(uint16_t type, uint8_t *rd, size_t rdlen)
{
	struct names_ctx nc = { .rd = rd };

	if (!lowercased(type) || !walk(type, rd, rdlen, name_field, &nc))
		return;
	for (int k = 0; k < nc.n; k++)
		for (size_t i = nc.off[k]; i < nc.off[k] + nc.len[k]; i++)
			rd[i] = lower(rd[i]);
}

int rdata_compare(uint16_t type, const uint8_t *a, size_t alen,
		  const uint8_t *b, size_t blen)
{
	struct names_ctx na = { .rd = a }, nb = { .rd = b };
	size_t n = alen < blen ? alen : blen;

	if (lowercased(type)) {
		walk(type, a, alen, name_field, &na);
		walk(type, b, blen, name_field, &nb);
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t ca = in_names(&na, i) ? lower(a[i]) : a[i];
		uint8_t cb = in_names(&nb, i) ? lower(b[i]) : b[i];

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}
