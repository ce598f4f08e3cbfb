/* cache_file.h: the cache written out and read back. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "resolve/cache_file.h"
#include "wire/buf.h"
#include "wire/name.h"

#define CHUNK 65536
#define MAGIC_LEN (sizeof(CACHE_FILE_MAGIC) - 1)

struct saver {
	cache_out_fn *out;
	void *ctx;
	uint8_t buf[CHUNK + 2 * NAME_MAXLEN + 65536 + 32];
	size_t used;
	long n;
	int err;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static void put_name(struct saver *s, const uint8_t *name)
{
	int len = name ? name_length(name) : 0;

	s->buf[s->used++] = (uint8_t)len;
	if (len > 0)
		memcpy(s->buf + s->used, name, (size_t)len);
	s->used += (size_t)(len > 0 ? len : 0);
}

static int flush(struct saver *s)
{
	if (s->used && !s->err && s->out(s->ctx, s->buf, s->used))
		s->err = BN_EIO;
	s->used = 0;
	return s->err;
}

static int save_one(void *ctx, const struct cache_item *it)
{
	struct saver *s = ctx;
	uint8_t *p;

	if (it->stale || it->rank == RANK_LOCAL || !it->ttl_left ||
	    it->rdata_len > 65536)
		return 0;
	p = s->buf + s->used;
	p[0] = it->kind;
	p[1] = it->rank;
	put16(p + 2, it->type);
	put16(p + 4, it->rclass);
	put32(p + 6, it->ttl_left);
	put16(p + 10, it->count);
	s->used += 12;
	put_name(s, it->owner);
	put_name(s, it->soa_owner);
	put32(s->buf + s->used, it->rdata_len);
	memcpy(s->buf + s->used + 4, it->rdata, it->rdata_len);
	s->used += 4 + it->rdata_len;
	s->n++;
	return s->used >= CHUNK ? flush(s) : 0;
}

long cache_save(struct cache *c, uint64_t now_ms, uint64_t wall_s,
		cache_out_fn *out, void *ctx)
{
	struct saver *s = malloc(sizeof(*s));
	long n;

	if (!s)
		return BN_ENOMEM;
	s->out = out;
	s->ctx = ctx;
	s->n = 0;
	s->err = 0;
	memcpy(s->buf, CACHE_FILE_MAGIC, MAGIC_LEN);
	put32(s->buf + MAGIC_LEN, (uint32_t)(wall_s >> 32));
	put32(s->buf + MAGIC_LEN + 4, (uint32_t)wall_s);
	s->used = MAGIC_LEN + 8;
	cache_walk(c, NULL, now_ms, save_one, s);
	flush(s);
	n = s->err ? s->err : s->n;
	free(s);
	return n;
}

/* The reader: a cursor over the file's bytes. */
struct cur {
	const uint8_t *p, *end;
};

static bool take(struct cur *c, size_t n, const uint8_t **out)
{
	if ((size_t)(c->end - c->p) < n)
		return false;
	*out = c->p;
	c->p += n;
	return true;
}

/* A name of the record: its length octet, then exactly that name. */
static bool take_name(struct cur *c, const uint8_t **name, bool needed)
{
	const uint8_t *l, *n;

	if (!take(c, 1, &l))
		return false;
	*name = NULL;
	if (!l[0])
		return !needed;
	return take(c, l[0], &n) && name_check(n, l[0]) == l[0] &&
	       (*name = n) != NULL;
}

/* The RDATA items tile the length given, count of them. */
static bool items_ok(const uint8_t *rd, uint32_t len, uint16_t count)
{
	uint32_t off = 0;

	for (uint16_t i = 0; i < count; i++) {
		if (len - off < 2)
			return false;
		off += 2u + (uint32_t)(rd[off] << 8 | rd[off + 1]);
		if (off > len)
			return false;
	}
	return off == len;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* One record into s (pointers into the file); false when malformed. */
static bool take_record(struct cur *c, struct rrset *s)
{
	const uint8_t *h, *owner, *second, *l, *rd;

	if (!take(c, 12, &h) || h[0] > RRSET_NODATA || !h[1] ||
	    h[1] >= RANK_LOCAL || !take_name(c, &owner, true) ||
	    !take_name(c, &second, h[0] != RRSET_POSITIVE) ||
	    !take(c, 4, &l) || get32(l) > 65536 ||
	    !take(c, get32(l), &rd))
		return false;
	memset(s, 0, sizeof(*s));
	s->kind = h[0];
	s->rank = h[1];
	s->type = (uint16_t)(h[2] << 8 | h[3]);
	s->rclass = (uint16_t)(h[4] << 8 | h[5]);
	s->ttl = get32(h + 6);
	s->count = (uint16_t)(h[10] << 8 | h[11]);
	s->owner = owner;
	s->rdata = rd;
	s->rdata_len = get32(l);
	if (s->kind == RRSET_POSITIVE)
		s->dname_owner = second;
	else
		s->soa_owner = second;
	return items_ok(rd, s->rdata_len, s->count);
}

int cache_load(struct cache *c, const uint8_t *data, size_t len,
	       uint64_t now_ms, uint64_t wall_s, struct cache_load_stats *st)
{
	struct cur cu = { data, data + len };
	const uint8_t *m;
	uint64_t saved, aged;
	struct rrset s;

	memset(st, 0, sizeof(*st));
	if (!take(&cu, MAGIC_LEN + 8, &m) ||
	    memcmp(m, CACHE_FILE_MAGIC, MAGIC_LEN) != 0)
		return BN_EINVAL;
	saved = (uint64_t)get32(m + MAGIC_LEN) << 32 | get32(m + MAGIC_LEN + 4);
	aged = wall_s > saved ? wall_s - saved : 0;
	while (cu.p < cu.end) {
		if (!take_record(&cu, &s))
			return BN_EINVAL;
		if (s.ttl <= aged) {
			st->expired++;
			continue;
		}
		s.ttl -= (uint32_t)aged;
		if (cache_insert(c, &s, now_ms) < 0)
			st->refused++;
		else
			st->loaded++;
	}
	return 0;
}
