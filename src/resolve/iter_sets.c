/* RRsets out of an accepted reply (the records of one owner and type,
 * repeats and bad RDATA left out) and what becomes of them: cached at
 * their rank as data of this resolution, and for the client's goal
 * added to its answer with the TTL the cache gives. */
#include <stdlib.h>
#include <string.h>

#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

/* Whether the RDATA item just written at w->data + at (n octets) is
 * already in the set before it. */
static bool item_seen(const struct wbuf *w, size_t at, int n)
{
	size_t pos = 0;

	while (pos < at) {
		uint16_t len = wire_get_u16(w->data + pos);

		if (len == (uint16_t)n &&
		    memcmp(w->data + pos + 2, w->data + at + 2, len) == 0)
			return true;
		pos += 2u + len;
	}
	return false;
}

/* The RRSIGs over (owner, type) in section sec, appended to w as the
 * set's RDATA is: their number, or BN_ENOSPC. Kept only when validating
 * (the DNSSEC status is decided by iter_validate.c). */
static int sigs_fill(struct iter *it, const struct msg *m,
		     enum msg_section sec, const uint8_t *owner,
		     uint16_t type, struct wbuf *w)
{
	uint8_t on[NAME_MAXLEN];
	int nsigs = 0;

	for (uint16_t i = 0; i < msg_section_count(m, sec); i++) {
		const struct msg_rr *rr = msg_section_rr(m, sec, i);
		size_t lenpos = w->len;
		int n;

		if (rr->type != RR_RRSIG || rr->rclass != it->qclass ||
		    msg_rr_owner(m, rr, on) < 0 || !name_equal(on, owner))
			continue;
		if (nsigs == UINT16_MAX || wbuf_u16(w, 0) < 0)
			return BN_ENOSPC;
		n = msg_rr_rdata(m, rr, w->data + w->len, w->cap - w->len);
		if (n == BN_ENOSPC)
			return BN_ENOSPC;
		if (n < 2 || wire_get_u16(w->data + w->len) != type) {
			w->len = lenpos;
			continue;
		}
		wbuf_put_u16_at(w, lenpos, (uint16_t)n);
		w->len += (size_t)n;
		nsigs++;
	}
	return nsigs;
}

/* Builds the RRset (owner, type) of section sec into it->setbuf (its
 * owner, lowercase, into own). Records with bad RDATA are left out, and
 * so are repeats of one record (RFC 2181 5). Returns the number of
 * records, or BN_ENOSPC when setbuf is short. */
static int set_fill(struct iter *it, const struct msg *m,
		    enum msg_section sec, const uint8_t *owner,
		    uint16_t type, struct rrset *out, uint8_t *own)
{
	uint8_t on[NAME_MAXLEN];
	struct wbuf w;
	uint32_t ttl = UINT32_MAX;
	uint16_t count = 0;
	size_t rdata_end;
	int nsigs = 0;

	wbuf_init(&w, it->setbuf, it->setcap);
	for (uint16_t i = 0; i < msg_section_count(m, sec); i++) {
		const struct msg_rr *rr = msg_section_rr(m, sec, i);
		size_t lenpos = w.len;
		int n;

		if (rr->type != type || rr->rclass != it->qclass ||
		    msg_rr_owner(m, rr, on) < 0 || !name_equal(on, owner))
			continue;
		if (wbuf_u16(&w, 0) < 0)
			return BN_ENOSPC;
		n = msg_rr_rdata(m, rr, w.data + w.len, w.cap - w.len);
		if (n == BN_ENOSPC)
			return BN_ENOSPC;
		if (n < 0 || item_seen(&w, lenpos, n)) {
			w.len = lenpos;
			continue;
		}
		wbuf_put_u16_at(&w, lenpos, (uint16_t)n);
		w.len += (size_t)n;
		count++;
		if (rr->ttl < ttl)
			ttl = rr->ttl;
	}
	rdata_end = w.len;
	if (it->env->conf->dnssec && count &&
	    (nsigs = sigs_fill(it, m, sec, owner, type, &w)) < 0)
		return BN_ENOSPC;
	memmove(own, owner, name_length(owner));
	name_to_lower(own);
	memset(out, 0, sizeof(*out));
	out->owner = own;
	out->type = type;
	out->rclass = it->qclass;
	out->ttl = count ? ttl : 0;
	out->kind = RRSET_POSITIVE;
	out->count = count;
	out->rdata = it->setbuf;
	out->rdata_len = (uint32_t)rdata_end;
	out->nsigs = (uint16_t)nsigs;   /* they follow the RDATA */
	out->sigs_len = (uint32_t)(w.len - rdata_end);
	return count;
}

/* set_fill with setbuf grown as needed (allocation is fine on the
 * upstream path); a set too big for ITER_SETBUF_MAX counts as absent. */
int iter_set_collect(struct iter *it, const struct msg *m,
		     enum msg_section sec, const uint8_t *owner,
		     uint16_t type, struct rrset *out, uint8_t *own)
{
	int n;

	while ((n = set_fill(it, m, sec, owner, type, out, own)) == BN_ENOSPC) {
		uint8_t *p;

		if (it->setcap >= ITER_SETBUF_MAX)
			break;
		p = realloc(it->setbuf, it->setcap * 2);
		if (!p)
			break;
		it->setbuf = p;
		it->setcap *= 2;
	}
	if (n < 0) {
		memset(out, 0, sizeof(*out));
		out->owner = owner;
		out->rdata = it->setbuf;
		return 0;
	}
	return n;
}

/* The first RDATA item of a set built by set_collect. */
const uint8_t *iter_set_first(const struct rrset *s, uint16_t *len)
{
	if (!s->count) {
		*len = 0;
		return s->rdata;
	}
	*len = wire_get_u16(s->rdata);
	return s->rdata + 2;
}

/* Caches s as data of this resolution (cache_insert_from). 1: a live
 * entry of a higher rank was kept. */
int iter_cache_put(struct iter *it, const struct rrset *s, uint64_t now)
{
	return cache_insert_from(it->env->cache, s, now, it->start_ms,
				 it->ahead_ms);
}

/* The TTL of the live entry the cache kept instead of s, so that a
 * fresh answer and the cached one agree. */
void iter_ttl_as_cached(struct iter *it, struct rrset *s, uint16_t qtype,
			uint64_t now)
{
	struct cache_hit hit;

	if (cache_get(it->env->cache, s->owner, qtype, s->rclass, now, 0,
		      RANK_NONE, &hit, it->cbuf, sizeof(it->cbuf)) == 1 &&
	    hit.set.kind == s->kind && !hit.stale)
		s->ttl = hit.set.ttl;
}

/* Caches s and, for the client's goal, adds it to the answer. The
 * client gets the TTL as received under the cache's min/max caps (none
 * stored: as received), or the kept entry's; a ghost-domain bound on
 * the cached copy (cache_insert) is the cache's own, as in Unbound. */
int iter_deliver(struct iter *it, struct rrset *s, uint8_t rank,
		 uint64_t now)
{
	const uint8_t *cut = it->frames[0].zone;
	uint32_t ttl;
	bool kept;
	int ret;

	s->rank = rank;
	kept = iter_cache_put(it, s, now) == 1;
	if (it->depth > 0)
		return 0;
	if (kept)
		iter_ttl_as_cached(it, s, s->type, now);
	else if ((ttl = cache_ttl(it->env->cache, s)) != 0)
		s->ttl = ttl;
	ret = answer_add(&it->ans, MSG_ANSWER, s);
	if (ret == 0 && it->val.on && name_is_subdomain(s->owner, cut))
		memcpy(it->val.cut[it->ans.nsets - 1], cut, name_length(cut));
	return ret;
}

bool iter_has_rr(const struct msg *m, enum msg_section sec, uint16_t type)
{
	for (uint16_t i = 0; i < msg_section_count(m, sec); i++)
		if (msg_section_rr(m, sec, i)->type == type)
			return true;
	return false;
}
