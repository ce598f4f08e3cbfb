/* Name compression against the previous owner only (name_pack_last):
 * the cost of a name is its labels, not the size of a table of earlier
 * names, which is what zone transfers need (millions of names). */
#include <string.h>

#include "base/error.h"
#include "wire/name.h"

#define PTR_LIMIT 0x4000        /* a pointer holds 14 bits */

static int label_offsets(const uint8_t *name, uint8_t *off, size_t *len)
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

/* Labels are a few octets: plain loops beat memcmp/memcpy calls (and
 * the rep movs gcc inlines for the copy), which dominated the profile. */
static bool same_label(const uint8_t *a, const uint8_t *b)
{
	for (uint8_t k = 0; k <= *a; k++)
		if (a[k] != b[k])
			return false;
	return true;
}

static void copy(uint8_t *dst, const uint8_t *src, size_t n)
{
	for (size_t k = 0; k < n; k++)
		dst[k] = src[k];
}

/* First label of name (nl labels at off) from which the rest equals
 * prev's last labels octet for octet. */
static int shared_from(const uint8_t *name, const uint8_t *off, int nl,
		       const struct compr_last *prev)
{
	int i = nl - 1, j = prev->nlabels - 1;

	if (!prev->name)
		return nl;
	for (; i >= 0 && j >= 0; i--, j--) {
		if (!same_label(name + off[i], prev->name + prev->loff[j]))
			break;
	}
	return i + 1;
}

int name_pack_last(struct wbuf *w, const uint8_t *name,
		   const struct compr_last *prev, struct compr_last *next)
{
	uint8_t off[NAME_MAXLABELS];
	size_t len, need, base = w->len;
	int nl = label_offsets(name, off, &len), keep, shift;
	uint16_t ptr = 0;

	keep = shared_from(name, off, nl, prev);
	shift = prev->nlabels - nl;
	/* the longest shared suffix a pointer can reach */
	while (keep < nl && prev->at[keep + shift] >= PTR_LIMIT)
		keep++;
	if (keep < nl)
		ptr = prev->at[keep + shift];
	need = keep < nl ? (size_t)off[keep] + 2 : len;
	if (w->cap - w->len < need)
		return BN_ENOSPC;
	copy(w->data + w->len, name, keep < nl ? off[keep] : len);
	w->len += keep < nl ? off[keep] : len;
	if (keep < nl) {
		w->data[w->len++] = (uint8_t)(0xc0 | ptr >> 8);
		w->data[w->len++] = (uint8_t)ptr;
	}
	if (!next)
		return 0;
	next->name = name;
	next->nlabels = (uint8_t)nl;
	memcpy(next->loff, off, (size_t)nl);
	for (int i = 0; i < nl; i++)
		next->at[i] = i < keep ? (uint16_t)(base + off[i]) :
			      prev->at[i + shift];
	return 0;
}
