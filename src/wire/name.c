/* Domain names: presentation <-> wire, comparison, canonical order,
 * compression on write and decompression on read. Names in memory are
 * uncompressed wire form; nothing here allocates. */
#include <string.h>

#include "base/error.h"
#include "wire/name.h"

/* ASCII-only folding: locale-independent and branch-free on the hot path. */
static const uint8_t lower[256] = {
#define R(x) x, x + 1, x + 2, x + 3, x + 4, x + 5, x + 6, x + 7
#define R8(x) R(x), R(x + 8), R(x + 16), R(x + 24), R(x + 32), R(x + 40), \
	R(x + 48), R(x + 56)
	R8(0),
	64, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm',
	'n', 'o', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z',
	91, 92, 93, 94, 95,
	R(96), R(104), R(112), R(120),
	R8(128), R8(192)
#undef R8
#undef R
};

static int dec_val(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' : -1;
}

/* One escape after the backslash at text[*i]: \DDD or \X. */
static int text_escape(const char *text, size_t len, size_t *i, uint8_t *out)
{
	size_t k = *i + 1;

	if (k >= len)
		return BN_ESYNTAX;
	if (dec_val(text[k]) < 0) {
		*out = (uint8_t)text[k];
		*i = k + 1;
		return 0;
	}
	if (k + 3 > len || dec_val(text[k + 1]) < 0 ||
	    dec_val(text[k + 2]) < 0)
		return BN_ESYNTAX;
	int v = dec_val(text[k]) * 100 + dec_val(text[k + 1]) * 10 +
		dec_val(text[k + 2]);
	if (v > 255)
		return BN_ESYNTAX;
	*out = (uint8_t)v;
	*i = k + 3;
	return 0;
}

/* Appends origin after the relative labels already in dst[0, n). */
static int append_origin(uint8_t *dst, size_t n, const uint8_t *origin)
{
	size_t olen;

	if (!origin)
		return BN_ESYNTAX;
	olen = name_length(origin);
	if (n + olen > NAME_MAXLEN)
		return BN_ENAMELEN;
	memcpy(dst + n, origin, olen);
	return (int)(n + olen);
}

int name_from_text(uint8_t *dst, const char *text, size_t len,
		   const uint8_t *origin)
{
	size_t i = 0, n = 0, lab = 0;   /* lab: offset of current length octet */
	int ret;

	if (len == 0)
		return BN_ESYNTAX;
	if (len == 1 && text[0] == '@')
		return append_origin(dst, 0, origin);
	if (len == 1 && text[0] == '.') {
		dst[0] = 0;
		return 1;
	}
	dst[0] = 0;
	n = 1;
	while (i < len) {
		uint8_t ch = (uint8_t)text[i];

		if (ch == '.') {
			if (n == lab + 1)
				return BN_ESYNTAX;      /* empty label */
			dst[lab] = (uint8_t)(n - lab - 1);
			lab = n;
			if (++i == len)
				break;
			if (n >= NAME_MAXLEN)
				return BN_ENAMELEN;
			dst[n++] = 0;
			continue;
		}
		if (ch == '\\') {
			ret = text_escape(text, len, &i, &ch);
			if (ret < 0)
				return ret;
		} else {
			i++;
		}
		if (n - lab - 1 >= LABEL_MAXLEN)
			return BN_ELABEL;
		if (n >= NAME_MAXLEN - 1)
			return BN_ENAMELEN;
		dst[n++] = ch;
	}
	if (lab == n) {                 /* absolute: final dot seen */
		if (n >= NAME_MAXLEN)
			return BN_ENAMELEN;
		dst[n++] = 0;
		return (int)n;
	}
	dst[lab] = (uint8_t)(n - lab - 1);
	return append_origin(dst, n, origin);
}

static bool needs_backslash(uint8_t ch)
{
	switch (ch) {
	case '.': case '\\': case '"': case '(': case ')': case ';':
	case '@': case '$':
		return true;
	}
	return false;
}

int name_to_text(char *dst, size_t cap, const uint8_t *name)
{
	size_t n = 0;
	const uint8_t *p = name;

	if (*p == 0) {
		if (cap < 2)
			return BN_ENOSPC;
		dst[0] = '.';
		dst[1] = 0;
		return 1;
	}
	while (*p) {
		uint8_t l = *p++;

		for (uint8_t k = 0; k < l; k++, p++) {
			uint8_t ch = *p;
			bool plain = ch > 0x20 && ch < 0x7f;
			size_t need = plain ? 1 + needs_backslash(ch) : 4;

			if (cap - n < need + 2)         /* room for dot and NUL */
				return BN_ENOSPC;
			if (plain) {
				if (needs_backslash(ch))
					dst[n++] = '\\';
				dst[n++] = (char)ch;
			} else {
				dst[n++] = '\\';
				dst[n++] = (char)('0' + ch / 100);
				dst[n++] = (char)('0' + ch / 10 % 10);
				dst[n++] = (char)('0' + ch % 10);
			}
		}
		if (cap - n < 2)
			return BN_ENOSPC;
		dst[n++] = '.';
	}
	dst[n] = 0;
	return (int)n;
}

size_t name_length(const uint8_t *name)
{
	const uint8_t *p = name;

	while (*p)
		p += *p + 1;
	return (size_t)(p - name) + 1;
}

int name_check(const uint8_t *p, size_t len)
{
	size_t i = 0;

	for (;;) {
		if (i >= len)
			return BN_ETRUNC;
		uint8_t l = p[i];

		if ((l & 0xc0) == 0xc0)
			return BN_EPTRNAME;
		if (l & 0xc0)
			return BN_ELABELTYPE;
		if (i + 1 + l > NAME_MAXLEN)
			return BN_ENAMELEN;
		if (l == 0)
			return (int)i + 1;
		i += (size_t)l + 1;
	}
}

int name_labels(const uint8_t *name)
{
	int n = 0;

	for (; *name; name += *name + 1)
		n++;
	return n;
}

bool name_equal(const uint8_t *a, const uint8_t *b)
{
	/* Length octets are <= 63, below 'A', so folding them is harmless
	 * and one byte loop covers labels and lengths alike. */
	for (;;) {
		uint8_t l = *a;

		if (l != *b)
			return false;
		if (l == 0)
			return true;
		a++;
		b++;
		for (uint8_t k = 0; k < l; k++)
			if (lower[a[k]] != lower[b[k]])
				return false;
		a += l;
		b += l;
	}
}

/* Offsets of each label's length octet, root excluded; returns count. */
static int label_offsets(const uint8_t *name, uint8_t *off)
{
	int n = 0;
	size_t i = 0;

	while (name[i]) {
		off[n++] = (uint8_t)i;
		i += (size_t)name[i] + 1;
	}
	return n;
}

static int label_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t la = a[0], lb = b[0];
	uint8_t m = la < lb ? la : lb;

	for (uint8_t k = 1; k <= m; k++) {
		int d = (int)lower[a[k]] - (int)lower[b[k]];

		if (d)
			return d;
	}
	return (int)la - (int)lb;
}

int name_compare(const uint8_t *a, const uint8_t *b)
{
	uint8_t oa[NAME_MAXLABELS], ob[NAME_MAXLABELS];
	int na = label_offsets(a, oa), nb = label_offsets(b, ob);

	while (na > 0 && nb > 0) {
		int d = label_compare(a + oa[--na], b + ob[--nb]);

		if (d)
			return d;
	}
	return na - nb;
}

bool name_is_subdomain(const uint8_t *name, const uint8_t *parent)
{
	int n = name_labels(name), p = name_labels(parent);

	if (n < p)
		return false;
	for (; n > p; n--)
		name += *name + 1;
	return name_equal(name, parent);
}

void name_to_lower(uint8_t *name)
{
	while (*name) {
		uint8_t l = *name++;

		for (uint8_t k = 0; k < l; k++, name++)
			*name = lower[*name];
	}
}

/* Classifies a pointer found at ptr_pos while reading a label run that
 * started at run_start. Targets must lie before the run, which makes each
 * jump go strictly backwards and so bounds the walk. */
static int check_pointer(size_t target, size_t ptr_pos, size_t run_start,
			 size_t msglen)
{
	if (target >= msglen)
		return BN_EPTRRANGE;
	if (target == ptr_pos)
		return BN_EPTRLOOP;
	if (target > ptr_pos)
		return BN_EPTRFWD;
	if (target >= run_start)
		return BN_EPTRLOOP;
	return 0;
}

/* The labels of a run (from its start to i) are copied at once when the
 * run ends, at a pointer or at the root: one copy for a whole name
 * without pointers, as a query name is. */
int name_unpack(const uint8_t *msg, size_t msglen, size_t *pos, uint8_t *dst)
{
	size_t i = *pos, end = 0, n = 0;
	size_t run = i;
	int ret;

	for (;;) {
		if (i >= msglen)
			return BN_ETRUNC;
		uint8_t l = msg[i];

		if ((l & 0xc0) == 0xc0) {
			if (i + 2 > msglen)
				return BN_ETRUNC;
			size_t t = (size_t)(l & 0x3f) << 8 | msg[i + 1];

			ret = check_pointer(t, i, run, msglen);
			if (ret < 0)
				return ret;
			if (dst)
				memcpy(dst + n - (i - run), msg + run, i - run);
			if (!end)
				end = i + 2;
			i = run = t;
			continue;
		}
		if (l & 0xc0)
			return BN_ELABELTYPE;
		if (i + 1 + l > msglen)
			return BN_ETRUNC;
		if (n + 1 + l > NAME_MAXLEN)
			return BN_ENAMELEN;
		n += (size_t)l + 1;
		i += (size_t)l + 1;
		if (l == 0)
			break;
	}
	if (dst)
		memcpy(dst + n - (i - run), msg + run, i - run);
	*pos = end ? end : i;
	return (int)n;
}

void compr_init(struct compr *c, const uint8_t *msg)
{
	c->msg = msg;
	c->count = 0;
}

/* Does the (trusted, already written) name at msg offset o equal the
 * uncompressed suffix s? Pointers in written data always go backwards. */
static bool compr_match(const uint8_t *msg, size_t o, const uint8_t *s)
{
	for (;;) {
		uint8_t l = msg[o];

		if ((l & 0xc0) == 0xc0) {
			o = (size_t)(l & 0x3f) << 8 | msg[o + 1];
			continue;
		}
		if (l != *s)
			return false;
		if (l == 0)
			return true;
		for (uint8_t k = 1; k <= l; k++)
			if (lower[msg[o + k]] != lower[s[k]])
				return false;
		o += (size_t)l + 1;
		s += l + 1;
	}
}

/* n octets at a and b equal but for ASCII case, a word at a time (the
 * last word overlapping the one before); see name_fold8 for why whole
 * wire names may be folded. */
static bool fold_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	uint64_t x, y;
	size_t i;

	if (n < 8) {
		for (i = 0; i < n; i++)
			if (lower[a[i]] != lower[b[i]])
				return false;
		return true;
	}
	for (i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (name_fold8(x) != name_fold8(y))
			return false;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return name_fold8(x) == name_fold8(y);
}

/* Is entry j the suffix s (slen octets)? Usually the entry was written
 * out in full (a pointer octet never equals a label length, so a
 * compressed one fails the first test): the usual case, an owner equal
 * to the question name in any case. */
static bool compr_same(const struct compr *c, uint16_t j, const uint8_t *s,
		       size_t slen, size_t end)
{
	size_t o = c->off[j];

	return (o + slen <= end && fold_equal(c->msg + o, s, slen)) ||
	       compr_match(c->msg, o, s);
}

/* Index of the longest suffix of name (len octets) already in the
 * message (its offset in *ptr), or the label count when none is. Only
 * entries whose remembered suffix has the same length and first octet
 * get compared: most are ruled out by one test. */
static int compr_find(const struct compr *c, const uint8_t *name, size_t len,
		      const uint8_t *off, int nlabels, size_t end,
		      uint16_t *ptr)
{
	for (int i = 0; i < nlabels; i++) {
		const uint8_t *s = name + off[i];
		uint8_t slen = (uint8_t)(len - off[i]);

		for (uint16_t j = 0; j < c->count; j++) {
			/* recorded offsets are label starts, never pointers */
			if (c->slen[j] != slen || c->msg[c->off[j]] != *s)
				continue;
			if (compr_same(c, j, s, slen, end)) {
				*ptr = c->off[j];
				return i;
			}
		}
	}
	return nlabels;
}

/* Label offsets and length of name in one pass. */
static int label_offsets_len(const uint8_t *name, uint8_t *off, size_t *len)
{
	int n = 0;
	size_t i = 0;

	while (name[i]) {
		off[n++] = (uint8_t)i;
		i += (size_t)name[i] + 1;
	}
	*len = i + 1;
	return n;
}

int name_pack(struct wbuf *w, const uint8_t *name, struct compr *c)
{
	uint8_t off[NAME_MAXLABELS];
	int nl, keep;
	uint16_t ptr = 0;
	size_t len, base, need;

	if (!c)
		return wbuf_bytes(w, name, name_length(name));
	nl = label_offsets_len(name, off, &len);
	base = (size_t)(w->data + w->len - c->msg);
	/* the question has nothing to point to yet */
	keep = c->count ? compr_find(c, name, len, off, nl, base, &ptr) : nl;
	need = keep < nl ? (size_t)off[keep] + 2 : len;
	if (w->cap - w->len < need)
		return BN_ENOSPC;
	for (int i = 0; i < keep; i++) {
		size_t o = base + off[i];

		if (o < 0x4000 && c->count < COMPR_MAX) {
			c->slen[c->count] = (uint8_t)(len - off[i]);
			c->off[c->count++] = (uint16_t)o;
		}
	}
	if (keep < nl) {
		memcpy(w->data + w->len, name, off[keep]);
		w->len += off[keep];
		w->data[w->len++] = (uint8_t)(0xc0 | ptr >> 8);
		w->data[w->len++] = (uint8_t)ptr;
	} else {
		memcpy(w->data + w->len, name, len);
		w->len += len;
	}
	return 0;
}

uint64_t name_hash_lc(const uint8_t *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t n = name_length(name);

	for (size_t i = 0; i < n; i++) {
		uint8_t c = name[i];
		h ^= (uint8_t)((unsigned)(c - 'A') < 26u ? c + 32 : c);
		h *= 0x100000001b3ULL;
	}
	return h;
}
