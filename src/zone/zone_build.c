/* Zone builder: copies parsed records into an arena (no malloc per
 * record), then sorts an array of pointers by a precomputed memcmp-able
 * owner key so a million records sort in a fraction of a second. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zone/zone.h"

void zone_init(struct zone *z, const uint8_t *origin, uint16_t rclass)
{
	memset(z, 0, sizeof(*z));
	arena_init(&z->arena, 0);
	memcpy(z->origin, origin, name_length(origin));
	z->rclass = rclass ? rclass : 1;
	uint8_t key[ZONE_KEY_MAX];
	z->origin_klen = (uint16_t)zone_name_key(key, z->origin);
	z->origin_labels = (uint8_t)name_labels(z->origin);
	z->origin_len = (uint16_t)name_length(z->origin);
}

void zone_clear(struct zone *z)
{
	arena_clear(&z->arena);
	free(z->rrs);
	free(z->sets);
	free(z->nodes);
	free(z->files);
	memset(z, 0, sizeof(*z));
}

/* One label's part of a sort key; returns the octets written. */
static size_t key_label(uint8_t *key, const uint8_t *l)
{
	size_t k = 0;

	for (size_t i = 1; i <= l[0]; i++) {
		uint8_t c = l[i];
		c = (uint8_t)(c + (((unsigned)(c - 'A') < 26u) << 5));
		/* 0x00 ends a label: octets 0, 1 become 1,1 and 1,2 */
		if (__builtin_expect(c <= 1, 0)) {
			key[k++] = 1;
			key[k++] = (uint8_t)(c + 1);
		} else {
			key[k++] = c;
		}
	}
	key[k++] = 0;
	return k;
}

/* Offsets of the labels of name, left to right; returns their number
 * and sets *end to the offset of the root label. */
static size_t label_offsets(const uint8_t *name, size_t *off, size_t *end)
{
	size_t n = 0, pos = 0;

	while (name[pos] && n < NAME_MAXLABELS) {
		off[n++] = pos;
		pos += (size_t)name[pos] + 1;
	}
	*end = pos;
	return n;
}

size_t zone_name_key(uint8_t *key, const uint8_t *name)
{
	size_t off[NAME_MAXLABELS + 1], end;
	size_t n = label_offsets(name, off, &end), k = 0;

	while (n--)
		k += key_label(key + k, name + off[n]);
	return k;
}

/* The key of owner with the origin's part cut off, in one pass that
 * also tells whether owner is inside the origin: its length, or -1. */
static int owner_key(const struct zone *z, const uint8_t *owner, uint8_t *key)
{
	size_t off[NAME_MAXLABELS + 1], end;
	size_t n = label_offsets(owner, off, &end), k = 0;

	if (n < z->origin_labels)
		return -1;
	size_t below = n - z->origin_labels;
	const uint8_t *suffix = below < n ? owner + off[below] : owner + end;
	/* the parser appends the origin as given: mostly the same octets */
	if (end + 1 - (size_t)(suffix - owner) != z->origin_len ||
	    (memcmp(suffix, z->origin, z->origin_len) != 0 &&
	     !name_equal(suffix, z->origin)))
		return -1;
	while (below--)
		k += key_label(key + k, owner + off[below]);
	return (int)k;
}

void zone_report(const struct zone *z, const struct zone_rr *rr,
		 enum zone_level level, const char *fmt, ...)
{
	char msg[1024 + 3 * NAME_TEXT_MAX];
	va_list ap;

	if (!zone_reports(z, level))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	z->diag(z->diag_ctx, rr ? zone_rr_file(z, rr) : NULL,
		rr ? rr->line : 0, level, msg);
}

/* "[warning: ]owner/TYPE: msg" for one RR, like the checks' messages. */
static void rr_report(const struct zone *z, const struct zone_rr *rr,
		      const uint8_t *owner, uint16_t type,
		      enum zone_level level, const char *msg)
{
	char text[NAME_TEXT_MAX], tb[16];

	if (!zone_reports(z, level))
		return;
	name_to_text(text, sizeof(text), owner);
	zone_report(z, rr, level, "%s%s/%s: %s",
		    level == ZONE_WARN ? "warning: " : "", text,
		    rrtype_to_text(type, tb), msg);
}

const char *zone_rr_file(const struct zone *z, const struct zone_rr *rr)
{
	return rr->file < z->nfiles ? z->files[rr->file] : "";
}

/* Files are few; the parser hands the same pointer for one file, so a
 * pointer compare on the last one found is the common case. */
static int file_index(struct zone *z, const char *file)
{
	const char *name = file ? file : "";
	size_t i;

	if (z->nfiles && z->files[z->nfiles - 1] == name)
		return (int)(z->nfiles - 1);
	for (i = 0; i < z->nfiles; i++)
		if (z->files[i] == name || strcmp(z->files[i], name) == 0)
			return (int)i;
	if (z->nfiles >= UINT16_MAX)
		return 0;
	const char **nf = realloc(z->files, (z->nfiles + 1) * sizeof(*nf));
	char *copy = arena_memdup(&z->arena, name, strlen(name) + 1);
	if (!nf || !copy) {
		if (nf)
			z->files = nf;
		return BN_ENOMEM;
	}
	z->files = nf;
	z->files[z->nfiles] = copy;
	return (int)z->nfiles++;
}

/* Signatures are kept and timed per type covered, as BIND does. */
static uint16_t covers(const struct zone_rr *r)
{
	if ((r->type == RR_RRSIG || r->type == RR_SIG) && r->rdlen >= 2)
		return wire_get_u16(r->rdata);
	return 0;
}

/* The first TTL of a type in the current owner run, recorded on first
 * sight; later ones are brought in line with a warning as BIND does. */
static void run_ttl(struct zone *z, struct zone_rr *r)
{
	for (uint16_t i = 0; i < z->run_n; i++) {
		if (z->run[i].type != r->type || z->run[i].rclass != r->rclass
		    || z->run[i].covers != covers(r))
			continue;
		if (z->run[i].ttl != r->ttl) {
			char msg[64];
			snprintf(msg, sizeof(msg), "TTL set to prior TTL (%u)",
				 z->run[i].ttl);
			rr_report(z, r, r->owner, r->type, ZONE_WARN, msg);
			r->ttl = z->run[i].ttl;
		}
		return;
	}
	if (z->run_n < sizeof(z->run) / sizeof(z->run[0])) {
		z->run[z->run_n].type = r->type;
		z->run[z->run_n].rclass = r->rclass;
		z->run[z->run_n].covers = covers(r);
		z->run[z->run_n++].ttl = r->ttl;
	}
}

/* Zero padding may tie with real zero octets; the full compare decides. */
static uint64_t key_prefix(const uint8_t *k, size_t len)
{
	uint64_t p = 0;

	for (size_t i = 0; i < 8; i++)
		p = p << 8 | (i < len ? k[i] : 0);
	return p;
}

/* A new owner spelling: copied with its key to dst; the records that
 * follow with the same spelling share both. Only in-zone owners come
 * here. Returns the end of the copy. */
static uint8_t *new_owner(struct zone *z, uint8_t *dst, const uint8_t *owner,
			  size_t len, const uint8_t *key, size_t klen)
{
	uint8_t *o = dst, *k = dst + len;

	memcpy(o, owner, len);
	memcpy(k, key, klen);
	z->run_n = 0;   /* BIND starts a batch whenever the spelling changes */
	z->last_owner = o;
	z->last_ownerlen = (uint16_t)len;
	z->last_key = k;
	z->last_keylen = (uint16_t)klen;
	z->last_prefix = key_prefix(k, klen);
	return k + klen;
}

/* BIND's loader refuses obsolete types the parser lets through, and
 * notes SIG/NXT (RFC 2535 DNSSEC) once. */
static void check_rr(struct zone *z, const struct zone_rr *r)
{
	if ((r->type == RR_SIG || r->type == RR_NXT) && !z->old_dnssec) {
		rr_report(z, r, r->owner, r->type, ZONE_WARN,
			  "old style DNSSEC zone detected");
		z->old_dnssec = true;
	}
	if (r->type == RR_MD || r->type == RR_MF) {
		rr_report(z, r, r->owner, r->type, ZONE_REFUSE,
			  "type is obsolete");
		z->refused++;
	}
}

int zone_add(struct zone *z, const struct zrr *rr)
{
	struct zone_rr tmp = { .line = rr->line, .seq = (uint32_t)z->nrr };
	int fi = file_index(z, rr->file);

	if (fi < 0)
		return fi;
	tmp.file = (uint16_t)fi;
	/* Entering or leaving an $INCLUDE ends BIND's batch too. */
	if (z->nrr && z->rrs[z->nrr - 1]->file != tmp.file)
		z->run_n = 0;
	/* Most records repeat the owner before them: that one is known to
	 * be inside the zone and has its key. */
	size_t len = name_length(rr->owner);
	uint8_t key[ZONE_KEY_MAX];
	int klen = -1;
	if (!z->last_owner || z->last_ownerlen != len ||
	    memcmp(z->last_owner, rr->owner, len) != 0) {
		klen = owner_key(z, rr->owner, key);
		if (klen < 0) {
			rr_report(z, &tmp, rr->owner, rr->type, ZONE_WARN,
				  "ignoring out-of-zone data");
			z->dropped++;
			return 0;
		}
	}
	if (z->nrr == z->rrcap) {
		size_t cap = z->rrcap ? z->rrcap * 2 : 4096;
		struct zone_rr **n = realloc(z->rrs, cap * sizeof(*n));
		if (!n)
			return BN_ENOMEM;
		z->rrs = n;
		z->rrcap = cap;
	}
	/* One allocation: the record, a new owner and its key, the RDATA
	 * (its octets need no alignment). */
	size_t own = klen >= 0 ? len + (size_t)klen : 0;
	struct zone_rr *r = arena_alloc(&z->arena, sizeof(*r) + own +
					rr->rdlen);
	if (!r)
		return BN_ENOMEM;
	uint8_t *p = (uint8_t *)(r + 1);
	if (klen >= 0)
		p = new_owner(z, p, rr->owner, len, key, (size_t)klen);
	*r = tmp;
	r->owner = z->last_owner;
	r->key = z->last_key;
	r->keylen = z->last_keylen;
	r->prefix = z->last_prefix;
	/* Empty RDATA may come with a NULL pointer. */
	if (rr->rdlen)
		memcpy(p, rr->rdata, rr->rdlen);
	r->rdata = rr->rdlen ? p : (const uint8_t *)"";
	r->rdlen = rr->rdlen;
	r->type = rr->type;
	r->rclass = rr->rclass;
	r->ttl = rr->ttl;
	run_ttl(z, r);
	check_rr(z, r);
	z->rrs[z->nrr++] = r;
	return 0;
}

static int key_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		   size_t blen)
{
	if (a == b && alen == blen)
		return 0;
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/* rdata_compare() walks the type's fields to lowercase the names in
 * RDATA. Octets before the first difference compare equal either way,
 * and the difference itself only needs that walk when a letter that
 * folds is involved: the common case is settled here. */
static int rd_cmp(const struct zone_rr *a, const struct zone_rr *b)
{
	size_t n = a->rdlen < b->rdlen ? a->rdlen : b->rdlen, i = 0;

	while (i < n && a->rdata[i] == b->rdata[i])
		i++;
	if (i == n)
		return a->rdlen < b->rdlen ? -1 : a->rdlen > b->rdlen;
	if ((unsigned)(a->rdata[i] - 'A') >= 26u &&
	    (unsigned)(b->rdata[i] - 'A') >= 26u)
		return a->rdata[i] < b->rdata[i] ? -1 : 1;
	return rdata_compare(a->type, a->rdata, a->rdlen, b->rdata, b->rdlen);
}

static int owner_cmp(const struct zone_rr *a, const struct zone_rr *b)
{
	if (a->key == b->key)
		return 0;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return key_cmp(a->key, a->keylen, b->key, b->keylen);
}

/* Owner, type, class, canonical RDATA, then file order so that within
 * duplicates and RRsets the first written comes first. */
static int rr_cmp(const void *pa, const void *pb)
{
	const struct zone_rr *a = *(struct zone_rr *const *)pa;
	const struct zone_rr *b = *(struct zone_rr *const *)pb;
	int c = owner_cmp(a, b);

	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->rclass != b->rclass)
		return a->rclass < b->rclass ? -1 : 1;
	c = rd_cmp(a, b);
	if (c)
		return c;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool same_set(const struct zone_rr *a, const struct zone_rr *b)
{
	return a->type == b->type && a->rclass == b->rclass &&
	       covers(a) == covers(b) && owner_cmp(a, b) == 0;
}

/* Folds a sorted run of one RRset: duplicates go (BIND keeps the later
 * copy's RDATA, which matters for case in names), the last batch's TTL
 * wins, the owner is spelt as the first RR wrote it. Returns RRs kept. */
static size_t fold_set(struct zone *z, struct zone_rr **rr, size_t n,
		       struct zone_rrset *set)
{
	const struct zone_rr *first = rr[0], *last = rr[0];
	size_t i, out = 0;

	for (i = 0; i < n; i++) {
		if (rr[i]->seq < first->seq)
			first = rr[i];
		if (rr[i]->seq > last->seq)
			last = rr[i];
		if (out && rd_cmp(rr[out - 1], rr[i]) == 0) {
			rr[out - 1]->rdata = rr[i]->rdata;
			z->dropped++;
			continue;
		}
		rr[out++] = rr[i];
	}
	size_t size = 0;
	bool mismatch = false;
	for (i = 0; i < out; i++) {
		size += rr[i]->rdlen + 2u;
		mismatch |= rr[i]->ttl != last->ttl;
	}
	/* Knot notes what BIND does silently when batches merge. */
	char msg[64];
	if (mismatch) {
		snprintf(msg, sizeof(msg), "TTL mismatch inside the RRset, "
			 "TTL set to %u", last->ttl);
		rr_report(z, last, last->owner, last->type, ZONE_WARN, msg);
	}
	if (size > ZONE_RRSET_MAX) {
		rr_report(z, first, first->owner, first->type, ZONE_REFUSE,
			  "RRset too large (ran out of space)");
		z->refused++;
	}
	set->owner = first->owner;
	set->ttl = last->ttl;
	set->type = first->type;
	set->rclass = first->rclass;
	set->count = (uint32_t)out;
	return out;
}

static void add_to_node(struct zone *z, const struct zone_rrset *s)
{
	const struct zone_rr *r = z->rrs[s->first];
	struct zone_node *nd = z->nnodes ? &z->nodes[z->nnodes - 1] : NULL;

	if (nd && key_cmp(nd->key, nd->keylen, r->key, r->keylen) == 0) {
		nd->count++;
		return;
	}
	nd = &z->nodes[z->nnodes++];
	nd->owner = s->owner;
	nd->key = r->key;
	nd->keylen = r->keylen;
	nd->first = (uint32_t)z->nsets;
	nd->count = 1;
}

/* Sets and nodes were sized for one per RR; give the rest back. */
static void shrink(void **array, size_t n, size_t size)
{
	void *p = realloc(*array, (n ? n : 1) * size);

	if (p)
		*array = p;
}

/* How many records ahead a pass in canonical order fetches: enough to
 * cover a memory access, not so many that they are evicted again. */
#define PREFETCH_AHEAD 12

/* spare: memory of at least nrr sets that the sort is done with, or
 * NULL; it becomes z->sets. */
static int group(struct zone *z, void *spare)
{
	size_t i = 0, out = 0, pf = 0;

	z->sets = spare ? spare
			: malloc((z->nrr ? z->nrr : 1) * sizeof(*z->sets));
	z->nodes = malloc((z->nrr ? z->nrr : 1) * sizeof(*z->nodes));
	if (!z->sets || !z->nodes)
		return BN_ENOMEM;
	while (i < z->nrr) {
		size_t j = i + 1;
		while (j < z->nrr && same_set(z->rrs[i], z->rrs[j]))
			j++;
		/* Sorted order visits the records at random: fetch ahead. */
		for (; pf < j + PREFETCH_AHEAD && pf < z->nrr; pf++)
			__builtin_prefetch(z->rrs[pf]);
		struct zone_rrset *s = &z->sets[z->nsets];
		/* Move the run down first; fold_set works in place. */
		memmove(&z->rrs[out], &z->rrs[i], (j - i) * sizeof(*z->rrs));
		s->first = (uint32_t)out;
		out += fold_set(z, &z->rrs[out], j - i, s);
		add_to_node(z, s);
		z->nsets++;
		i = j;
	}
	z->nrr = out;
	shrink((void **)&z->sets, z->nsets, sizeof(*z->sets));
	shrink((void **)&z->nodes, z->nnodes, sizeof(*z->nodes));
	return 0;
}

/* Sort entries carry the key prefix so most compares touch no record:
 * a cache miss per compare would dominate a million-record sort. */
struct sort_ent {
	uint64_t prefix;
	struct zone_rr *rr;
};

static int ent_cmp(const void *pa, const void *pb)
{
	const struct sort_ent *a = pa, *b = pb;

	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return rr_cmp(&a->rr, &b->rr);
}

/* LSD radix sort on the prefix, one 8-bit digit a pass; passes where
 * every entry has the same digit are skipped. Stable, so equal prefixes
 * keep file order until their runs are sorted in full. */
static struct sort_ent *radix_prefix(struct sort_ent *e, struct sort_ent *tmp,
				     size_t n)
{
	static const size_t digits = sizeof(uint64_t);
	size_t (*cnt)[256] = calloc(digits, sizeof(*cnt));
	size_t i;

	if (!cnt)
		return NULL;
	for (i = 0; i < n; i++)
		for (size_t d = 0; d < digits; d++)
			cnt[d][(e[i].prefix >> (8 * d)) & 0xff]++;
	for (size_t d = 0; d < digits; d++) {
		size_t sum = 0, c;
		if (cnt[d][(e[0].prefix >> (8 * d)) & 0xff] == n)
			continue;
		for (unsigned v = 0; v < 256; v++) {
			c = cnt[d][v];
			cnt[d][v] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			tmp[cnt[d][(e[i].prefix >> (8 * d)) & 0xff]++] = e[i];
		struct sort_ent *t = e;
		e = tmp;
		tmp = t;
	}
	free(cnt);
	return e;
}

/* Most runs are one owner's two or three records: qsort's setup would
 * cost more than the compares. */
static void insertion_sort(struct sort_ent *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct sort_ent t = e[i];
		size_t j = i;

		for (; j > 0 && ent_cmp(&e[j - 1], &t) > 0; j--)
			e[j] = e[j - 1];
		e[j] = t;
	}
}

/* Radix on the prefix orders most records; runs sharing a prefix (one
 * owner's records, or long owners) get the full comparison. The sort's
 * buffer, 2 * nrr entries, is handed back in *spare: its pages are in
 * already, fresh ones would cost a fault each. */
static int sort_rrs(struct zone *z, void **spare)
{
	struct sort_ent *buf = malloc(2 * z->nrr * sizeof(*buf)), *e;
	size_t i, j;

	if (!buf)
		return BN_ENOMEM;
	for (i = 0; i < z->nrr; i++) {
		buf[i].prefix = z->rrs[i]->prefix;
		buf[i].rr = z->rrs[i];
	}
	e = radix_prefix(buf, buf + z->nrr, z->nrr);
	if (!e) {
		free(buf);
		return BN_ENOMEM;
	}
	for (i = 0; i < z->nrr; i = j) {
		for (j = i + 1; j < z->nrr && e[j].prefix == e[i].prefix; j++)
			;
		if (j - i > 8)
			qsort(e + i, j - i, sizeof(*e), ent_cmp);
		else if (j - i > 1)
			insertion_sort(e + i, j - i);
	}
	for (i = 0; i < z->nrr; i++)
		z->rrs[i] = e[i].rr;
	*spare = buf;
	return 0;
}

int zone_finish(struct zone *z)
{
	void *spare = NULL;

	_Static_assert(sizeof(struct zone_rrset) <= 2 * sizeof(struct sort_ent),
		       "the sort buffer holds the sets");
	if (z->nrr && sort_rrs(z, &spare) < 0)
		return BN_ENOMEM;
	return group(z, spare);
}

/* Index of the first node not before the owner key (nnodes if none);
 * *found says whether it is that node. */
static size_t node_pos(const struct zone *z, const uint8_t *key, size_t klen,
		       bool *found)
{
	size_t lo = 0, hi = z->nnodes;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct zone_node *n = &z->nodes[mid];
		int c = key_cmp(n->key, n->keylen, key, klen);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct zone_node *zone_find(const struct zone *z, const uint8_t *name)
{
	uint8_t key[ZONE_KEY_MAX];
	int klen = owner_key(z, name, key);
	bool found;
	size_t pos;

	if (klen < 0)
		return NULL;
	pos = node_pos(z, key, (size_t)klen, &found);
	return found ? &z->nodes[pos] : NULL;
}

/* The node with owner key key[0..klen) at *node (NULL if none); returns
 * whether that name exists: it owns data or has descendants (empty
 * non-terminal), which canonical order puts right after it, their keys
 * starting with its key. */
static bool key_exists(const struct zone *z, const uint8_t *key, size_t klen,
		       const struct zone_node **node)
{
	bool found;
	size_t pos = node_pos(z, key, klen, &found);

	*node = found ? &z->nodes[pos] : NULL;
	return found || (pos < z->nnodes && z->nodes[pos].keylen >= klen &&
			 memcmp(z->nodes[pos].key, key, klen) == 0);
}

/* The keys of name's ancestors down to the origin are prefixes of its
 * key, each ending where a label does: one key serves the whole walk. */
const struct zone_node *zone_lookup(const struct zone *z, const uint8_t *name,
				    bool *wildcard)
{
	uint8_t key[ZONE_KEY_MAX + 2];
	int klen = owner_key(z, name, key);
	const uint8_t *anc = name;
	const struct zone_node *n;
	bool found;

	*wildcard = false;
	if (klen < 0)
		return NULL;
	size_t at = (size_t)klen;
	if (key_exists(z, key, at, &n))
		return n;
	/* Closest encloser: the longest ancestor that exists. */
	while (at > 0) {
		at--;           /* the 0 that ends the last label */
		while (at > 0 && key[at - 1] != 0)
			at--;
		anc += anc[0] + 1;
		if (key_exists(z, key, at, &n))
			break;
	}
	if (name_length(anc) + 2 > NAME_MAXLEN)
		return NULL;
	key[at] = '*';
	key[at + 1] = 0;
	size_t pos = node_pos(z, key, at + 2, &found);
	*wildcard = found;
	return found ? &z->nodes[pos] : NULL;
}

void zone_prefetch_node(const struct zone *z, size_t i)
{
	if (i >= z->nnodes)
		return;
	const struct zone_node *n = &z->nodes[i];

	__builtin_prefetch(n->owner);
	for (uint32_t k = 0; k < n->count; k++) {
		const struct zone_rrset *s = &z->sets[n->first + k];
		for (uint32_t j = 0; j < s->count; j++)
			__builtin_prefetch(z->rrs[s->first + j]);
	}
}

const struct zone_rrset *zone_node_rrset(const struct zone *z,
					 const struct zone_node *n,
					 uint16_t type)
{
	if (!n)
		return NULL;
	for (uint32_t i = 0; i < n->count; i++)
		if (z->sets[n->first + i].type == type)
			return &z->sets[n->first + i];
	return NULL;
}
