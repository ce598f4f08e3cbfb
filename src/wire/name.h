/* Domain names. In memory a name is its uncompressed wire form (length
 * octets and labels, ending in the root label), case preserved as given.
 * Comparisons ignore ASCII case (RFC 4343). */
#ifndef BANCHI_WIRE_NAME_H
#define BANCHI_WIRE_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/buf.h"

#define NAME_MAXLEN 255         /* wire octets, root label included */
#define LABEL_MAXLEN 63
#define NAME_MAXLABELS 128
#define NAME_TEXT_MAX 1024      /* presentation form, every octet as \DDD, plus NUL */

/* Presentation text (len octets, not NUL-terminated) to wire form in dst
 * (NAME_MAXLEN octets). Escapes \X and \DDD; "@" is the origin; a name
 * without a final dot is relative and gets origin appended (origin NULL:
 * relative names are an error, BN_ESYNTAX). Returns the wire length or
 * BN_ELABEL, BN_ENAMELEN, BN_ESYNTAX (empty label, bad escape). */
int name_from_text(uint8_t *dst, const char *text, size_t len,
		   const uint8_t *origin);

/* Wire name to presentation form, absolute (trailing dot; the root is
 * "."), escaping '.', '\\', '"', '(', ')', ';', '@', '$' and non-printable
 * octets as \DDD, like BIND. Returns the text length (NUL written) or
 * BN_ENOSPC. */
int name_to_text(char *dst, size_t cap, const uint8_t *name);

/* Length of a valid uncompressed wire name (root label included). */
size_t name_length(const uint8_t *name);

/* Checks that [p, p+len) starts with a valid uncompressed name; returns
 * its length or an error (BN_ETRUNC, BN_ELABEL, BN_ENAMELEN,
 * BN_ELABELTYPE, BN_EPTRNAME for a compression pointer). */
int name_check(const uint8_t *p, size_t len);

/* Number of labels, the root not counted ("." is 0, "a.b." is 2). */
int name_labels(const uint8_t *name);

/* Case-insensitive equality. */
bool name_equal(const uint8_t *a, const uint8_t *b);

/* Canonical DNS name order (RFC 4034 section 6.1): <0, 0, >0. */
int name_compare(const uint8_t *a, const uint8_t *b);

/* True if name is parent or below it. */
bool name_is_subdomain(const uint8_t *name, const uint8_t *parent);

/* FNV-1a of the name's octets, ASCII lowercased: the same for any case,
 * stable across runs (catalog member labels are made from it). */
uint64_t name_hash_lc(const uint8_t *name);

/* ASCII lowercase in place. */
void name_to_lower(uint8_t *name);

/* Reads a possibly compressed name from a message at *pos, writes the
 * uncompressed form to dst (NAME_MAXLEN octets) and advances *pos past
 * the name as it sits in the message. Pointers must point backwards
 * (strictly before the current name's start), loops and over-long names
 * are rejected. Returns the uncompressed length or an error. dst may be
 * NULL to only validate and skip the name. */
int name_unpack(const uint8_t *msg, size_t msglen, size_t *pos, uint8_t *dst);

/* ASCII A-Z to a-z in each octet of a word (the others unchanged): a
 * whole wire name may be folded so, since no label length octet (< 64)
 * is a letter. */
static inline uint64_t name_fold8(uint64_t x)
{
	const uint64_t hi = 0x8080808080808080ULL;
	uint64_t b = x & ~hi;
	uint64_t ge_a = b + 0x3f3f3f3f3f3f3f3fULL;     /* 0x80 from 'A' */
	uint64_t gt_z = b + 0x2525252525252525ULL;     /* 0x80 past 'Z' */

	return x | ((ge_a & ~gt_z & ~x & hi) >> 2);
}

/* Name compression state for one message being written. Remembers where
 * names were written so later names can point to their suffixes. */
#define COMPR_MAX 128
struct compr {
	const uint8_t *msg;             /* start of the message */
	uint16_t off[COMPR_MAX];        /* offsets of written names */
	uint8_t slen[COMPR_MAX];        /* uncompressed length from off[i] */
	uint16_t count;
};

void compr_init(struct compr *c, const uint8_t *msg);

/* Appends name to w; with c non-NULL the longest known suffix is replaced
 * by a pointer and the new labels are remembered. With c NULL it writes
 * the name uncompressed. Returns 0 or BN_ENOSPC (w unchanged then). */
int name_pack(struct wbuf *w, const uint8_t *name, struct compr *c);

/* Compression against one name only, the owner written last: for long
 * runs of records in canonical order (zone transfers), where the owner
 * before shares the longest suffix any earlier name could (the order
 * is the tree's: the one before is the parent or under a sibling), so
 * nothing is searched. A struct describes one written name: where each
 * of its suffixes sits in the message. Suffixes match octet for octet,
 * so the case written is the case stored. */
struct compr_last {
	const uint8_t *name;            /* uncompressed; NULL: none yet */
	uint8_t nlabels;
	uint8_t loff[NAME_MAXLABELS];   /* label i at name + loff[i] */
	uint16_t at[NAME_MAXLABELS];    /* message offset of the suffix
					 * from label i (pointable below
					 * 0x4000) */
};

/* Appends name to w, whose data is the message start, its longest suffix
 * shared with prev->name (written before in this message) as a pointer.
 * With next non-NULL, next describes name as written (it must stay valid
 * while next is used; next != prev). Returns 0 or BN_ENOSPC (w and next
 * unchanged then). */
int name_pack_last(struct wbuf *w, const uint8_t *name,
		   const struct compr_last *prev, struct compr_last *next);

#endif
