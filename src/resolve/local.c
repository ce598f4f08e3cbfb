/* The local data's name table: an open-addressing hash of lowercase
 * names to nodes (records, zone cut, empty non-terminal flag), names in
 * an arena. Built by one thread, then only read (local_lookup.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolve/local_int.h"
#include "base/arena.h"
#include "base/error.h"
#include "wire/buf.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

#define NO_NODE UINT32_MAX

struct block_list {
	struct block_list *next;
	struct local_block b;
};

struct local_data {
	struct local_node *nodes;
	uint32_t n, cap;
	uint32_t *index;        /* node numbers, NO_NODE when free */
	uint32_t mask;          /* index size - 1 (a power of two) */
	struct arena names;
	struct block_list *blocks;
	uint8_t soa[64], ns[16];
	size_t soa_len, ns_len;
};

/* FNV-1a; names are lowercase already. */
static uint32_t hash_name(const uint8_t *name, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ name[i]) * 16777619u;
	return h;
}

/* The index slot holding name, or the free slot where it would go. */
static uint32_t *slot_of(const struct local_data *ld, const uint8_t *name,
			 size_t len, uint32_t h)
{
	uint32_t i = h & ld->mask;

	for (;;) {
		uint32_t k = ld->index[i];

		if (k == NO_NODE)
			return &ld->index[i];
		if (ld->nodes[k].hash == h &&
		    memcmp(ld->nodes[k].name, name, len) == 0)
			return &ld->index[i];
		i = (i + 1) & ld->mask;
	}
}

const struct local_node *local_find(const struct local_data *ld,
				    const uint8_t *name)
{
	size_t len = name_length(name);
	uint32_t k = *slot_of(ld, name, len, hash_name(name, len));

	return k == NO_NODE ? NULL : &ld->nodes[k];
}

/* Top-down: every node's ancestors are nodes too, so the first suffix
 * missing from the table ends the walk (one lookup for most names). */
const struct local_node *local_walk(const struct local_data *ld,
				    const uint8_t *name,
				    const struct local_node **zone)
{
	const uint8_t *label[NAME_MAXLABELS + 1];
	const struct local_node *n = NULL;
	int count = 0;

	for (const uint8_t *p = name; count <= NAME_MAXLABELS; p += p[0] + 1) {
		label[count++] = p;
		if (p[0] == 0)
			break;
	}
	*zone = NULL;
	while (count-- > 0) {
		n = local_find(ld, label[count]);
		if (!n)
			return NULL;
		if (n->zone != LZ_NONE)
			*zone = n;
	}
	return n;
}

/* Doubles the index (kept at most half full) and rehashes. */
static int grow_index(struct local_data *ld)
{
	uint32_t size = (ld->mask + 1) * 2;
	uint32_t *old = ld->index, *idx = malloc(size * sizeof(*idx));

	if (!idx)
		return BN_ENOMEM;
	memset(idx, 0xff, size * sizeof(*idx));
	ld->index = idx;
	ld->mask = size - 1;
	for (uint32_t k = 0; k < ld->n; k++) {
		const struct local_node *n = &ld->nodes[k];

		*slot_of(ld, n->name, name_length(n->name), n->hash) = k;
	}
	free(old);
	return 0;
}

/* The node of name (any case), created when absent (*created set);
 * NULL on ENOMEM. */
static struct local_node *node_get(struct local_data *ld,
				   const uint8_t *name, bool *created)
{
	uint8_t low[NAME_MAXLEN];
	size_t len = name_length(name);
	uint32_t h, *slot;
	struct local_node *n;

	memcpy(low, name, len);
	name_to_lower(low);
	h = hash_name(low, len);
	slot = slot_of(ld, low, len, h);
	*created = *slot == NO_NODE;
	if (!*created)
		return &ld->nodes[*slot];
	if (ld->n == ld->cap) {
		uint32_t cap = ld->cap * 2;
		struct local_node *nodes = realloc(ld->nodes,
						   cap * sizeof(*nodes));

		if (!nodes)
			return NULL;
		ld->nodes = nodes;
		ld->cap = cap;
	}
	n = &ld->nodes[ld->n];
	memset(n, 0, sizeof(*n));
	n->name = arena_memdup(&ld->names, low, len);
	if (!n->name)
		return NULL;
	n->hash = h;
	*slot = ld->n++;
	if (ld->n * 2 > ld->mask + 1 && grow_index(ld) < 0)
		return NULL;
	return &ld->nodes[ld->n - 1];
}

/* Stored wire of a few fixed names, then a sequence item of it. */
static size_t put_item(uint8_t *dst, const uint8_t *rd, size_t len)
{
	struct wbuf w;

	wbuf_init(&w, dst, len + 2);
	wbuf_u16(&w, (uint16_t)len);
	wbuf_bytes(&w, rd, len);
	return w.len;
}

static void fixed_rdata(struct local_data *ld)
{
	static const uint8_t localhost[] = "\x09localhost";
	static const uint8_t nobody[] = "\x06nobody\x07invalid";
	static const uint32_t timers[5] = { 1, 3600, 1200, 604800, 10800 };
	uint8_t rd[64];
	struct wbuf w;

	wbuf_init(&w, rd, sizeof(rd));
	wbuf_bytes(&w, localhost, sizeof(localhost));   /* with the root */
	wbuf_bytes(&w, nobody, sizeof(nobody));
	for (int i = 0; i < 5; i++)
		wbuf_u32(&w, timers[i]);
	ld->soa_len = put_item(ld->soa, rd, w.len);
	ld->ns_len = put_item(ld->ns, localhost, sizeof(localhost));
}

const uint8_t *local_soa_rd(const struct local_data *ld, size_t *len)
{
	*len = ld->soa_len;
	return ld->soa;
}

const uint8_t *local_ns_rd(const struct local_data *ld, size_t *len)
{
	*len = ld->ns_len;
	return ld->ns;
}

struct local_data *local_new(void)
{
	struct local_data *ld = calloc(1, sizeof(*ld));

	if (!ld)
		return NULL;
	ld->cap = 64;
	ld->nodes = malloc(ld->cap * sizeof(*ld->nodes));
	ld->index = malloc(128 * sizeof(*ld->index));
	if (!ld->nodes || !ld->index) {
		local_free(ld);
		return NULL;
	}
	memset(ld->index, 0xff, 128 * sizeof(*ld->index));
	ld->mask = 127;
	arena_init(&ld->names, 65536);
	fixed_rdata(ld);
	return ld;
}

void local_free(struct local_data *ld)
{
	if (!ld)
		return;
	for (uint32_t k = 0; k < ld->n; k++) {
		for (uint16_t i = 0; i < ld->nodes[k].nsets; i++)
			free(ld->nodes[k].sets[i].rd);
		free(ld->nodes[k].sets);
	}
	while (ld->blocks) {
		struct block_list *b = ld->blocks;

		ld->blocks = b->next;
		free(b);
	}
	arena_clear(&ld->names);
	free(ld->nodes);
	free(ld->index);
	free(ld);
}

struct local_block *local_block_new(struct local_data *ld)
{
	struct block_list *b = calloc(1, sizeof(*b));

	if (!b)
		return NULL;
	b->next = ld->blocks;
	ld->blocks = b;
	return &b->b;
}

/* The set of this type at n, created when absent. */
static struct local_set *set_get(struct local_node *n, uint16_t type,
				 uint32_t ttl, bool special)
{
	struct local_set *sets;

	for (uint16_t i = 0; i < n->nsets; i++) {
		if (n->sets[i].type != type)
			continue;
		/* configured data joining a special set keeps it visible */
		n->sets[i].special = n->sets[i].special && special;
		return &n->sets[i];
	}
	sets = realloc(n->sets, (n->nsets + 1u) * sizeof(*sets));
	if (!sets)
		return NULL;
	n->sets = sets;
	memset(&sets[n->nsets], 0, sizeof(*sets));
	sets[n->nsets].type = type;
	sets[n->nsets].ttl = ttl;
	sets[n->nsets].special = special;
	return &sets[n->nsets++];
}

static bool set_has(const struct local_set *s, const uint8_t *rd,
		    uint16_t rdlen)
{
	struct rbuf r;
	uint16_t len;

	rbuf_init(&r, s->rd, s->len);
	while (rbuf_u16(&r, &len) == 0 && rbuf_left(&r) >= len) {
		if (len == rdlen && memcmp(r.base + r.pos, rd, len) == 0)
			return true;
		r.pos += len;
	}
	return false;
}

static int set_append(struct local_set *s, const uint8_t *rd,
		      uint16_t rdlen)
{
	struct wbuf w;

	if (set_has(s, rd, rdlen))
		return 0;
	if (s->count == UINT16_MAX || s->len + 2 + rdlen > RDATA_MAXLEN)
		return BN_EINVAL;
	if (s->len + 2 + rdlen > s->cap) {
		size_t cap = (s->len + 2 + rdlen) * 2;
		uint8_t *rdn = realloc(s->rd, cap);

		if (!rdn)
			return BN_ENOMEM;
		s->rd = rdn;
		s->cap = cap;
	}
	wbuf_init(&w, s->rd + s->len, s->cap - s->len);
	wbuf_u16(&w, rdlen);
	wbuf_bytes(&w, rd, rdlen);
	s->len += w.len;
	s->count++;
	return 0;
}

/* The node of name with all its ancestors (the lookup's walk relies
 * on them); with ent, the ancestors are marked as having records below.
 * An ancestor already there (and marked) has its own ancestors done. */
static struct local_node *node_path(struct local_data *ld,
				    const uint8_t *name, bool ent)
{
	const uint8_t *p = name;
	struct local_node *n;
	bool created;

	while (p[0] != 0) {
		p += p[0] + 1;
		n = node_get(ld, p, &created);
		if (!n)
			return NULL;
		if (!created && (!ent || n->ent))
			break;
		n->ent = n->ent || ent;
	}
	return node_get(ld, name, &created);
}

int local_add_rr(struct local_data *ld, const uint8_t *owner,
		 uint16_t type, uint32_t ttl, const uint8_t *rd,
		 uint16_t rdlen, bool special)
{
	struct local_node *n;
	struct local_set *s;

	if (type == RR_OPT || type == RR_ANY || type == 0)
		return BN_EINVAL;
	n = node_path(ld, owner, true);
	s = n ? set_get(n, type, ttl, special) : NULL;
	if (!s)
		return BN_ENOMEM;
	return set_append(s, rd, rdlen);
}

int local_set_zone(struct local_data *ld, const uint8_t *name,
		   enum local_zone kind, const struct local_block *block)
{
	struct local_node *n = node_path(ld, name, false);

	if (!n)
		return BN_ENOMEM;
	n->zone = (uint8_t)kind;
	n->block = block;
	return 0;
}

int local_allow(struct local_data *ld, const uint8_t *zone)
{
	return local_set_zone(ld, zone, LZ_ALLOW, NULL);
}

struct text_ctx {
	struct local_data *ld;
	char *err;
	int ret;
	unsigned added;
};

static int text_rr(void *ctx, const struct zrr *rr)
{
	struct text_ctx *t = ctx;

	if (rr->rclass != CLASS_IN) {
		snprintf(t->err, LOCAL_ERR_MAX, "only class IN is served");
		return t->ret = BN_EINVAL;
	}
	t->ret = local_add_rr(t->ld, rr->owner, rr->type, rr->ttl,
			      rr->rdata, rr->rdlen, false);
	t->added++;
	if (t->ret < 0)
		snprintf(t->err, LOCAL_ERR_MAX, "cannot add record: %s",
			 bn_strerror(t->ret));
	return t->ret;
}

/* Keeps the first diagnostic only: later ones follow from it. */
static void text_msg(void *ctx, const char *file, unsigned line,
		     bool warning, const char *msg)
{
	struct text_ctx *t = ctx;

	(void)file;
	(void)line;
	if (!warning && t->ret == 0) {
		snprintf(t->err, LOCAL_ERR_MAX, "%s", msg);
		t->ret = BN_ESYNTAX;
	}
}

int local_add_text(struct local_data *ld, const char *line, char *err)
{
	struct text_ctx t = { .ld = ld, .err = err, .ret = 0 };
	struct zparse_opts o;
	int ret;

	memset(&o, 0, sizeof(o));
	o.origin = (const uint8_t *)"";
	o.default_ttl = LOCAL_TTL;
	o.has_default_ttl = true;
	o.max_errors = 1;
	o.no_include = true;
	o.on_rr = text_rr;
	o.on_msg = text_msg;
	o.ctx = &t;
	err[0] = '\0';
	ret = zparse_text(line, strlen(line), "local-data", &o);
	if (ret != 0 || t.ret < 0 || t.added == 0) {
		if (!err[0])
			snprintf(err, LOCAL_ERR_MAX, "not a record");
		return -1;
	}
	return 0;
}
