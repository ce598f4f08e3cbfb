/* Answering a client from the cache alone (the hit path): the RRset, or
 * a CNAME chain ending in the RRset or in a negative entry. Each link is
 * copied from the cache into a stack buffer and then into the answer;
 * nothing is allocated. A chain that loops, runs past ANSWER_MAX_CNAME
 * links or misses a link is no answer: the name is then resolved. A
 * CNAME synthesised from a DNAME brings its DNAME along. */
#include <string.h>

#include "base/error.h"
#include "resolve/answer.h"
#include "wire/buf.h"
#include "wire/name.h"
#include "wire/rrtype.h"

/* A set bigger than the answer's data could not be added anyway. */
#define HIT_BUF (ANSWER_DATA + 2 * NAME_MAXLEN)

bool answer_has_cname(const struct answer *a, const uint8_t *name)
{
	for (unsigned i = 0; i < a->nsets; i++)
		if (a->sets[i].set.type == RR_CNAME &&
		    name_equal(a->sets[i].set.owner, name))
			return true;
	return false;
}

/* The lowercased target of a CNAME set into dst; BN_ERDATA if bad. */
static int cname_target(const struct rrset *s, uint8_t *dst)
{
	struct rbuf r;
	uint16_t len;
	int n;

	rbuf_init(&r, s->rdata, s->rdata_len);
	if (s->count != 1 || rbuf_u16(&r, &len) < 0 || len > rbuf_left(&r))
		return BN_ERDATA;
	n = name_check(s->rdata + r.pos, len);
	if (n < 0 || (size_t)n != len)
		return BN_ERDATA;
	memcpy(dst, s->rdata + r.pos, len);
	name_to_lower(dst);
	return 0;
}

/* With CACHE_VALIDATED: whether the hit may answer. Data not yet
 * validated, positive or negative, may not (the validation phase takes
 * it). Bogus data answers as SERVFAIL. */
static bool checked(struct answer *a, const struct cache_hit *h,
		    unsigned flags)
{
	if (!(flags & CACHE_VALIDATED))
		return true;
	if (h->set.sec == SEC_BOGUS && a->ede.code == ANSWER_EDE_NONE)
		answer_set_bogus(a, h->set.owner, h->set.type, h->set.why);
	return h->set.sec != SEC_UNCHECKED;
}

static void note(struct answer *a, const struct cache_hit *h, bool *prefetch)
{
	if (h->stale)
		a->stale = true;
	if (h->prefetch)
		*prefetch = true;
}

/* A CNAME synthesised from a DNAME goes out after its DNAME (RFC 6672
 * 3.4), which must still be in the cache: 0, or -1 when it is not. */
static int add_dname(struct answer *a, struct cache *c, const uint8_t *owner,
		     uint16_t qclass, uint64_t now_ms, unsigned flags,
		     bool *prefetch)
{
	uint8_t buf[HIT_BUF];
	struct cache_hit h;

	if (cache_get(c, owner, RR_DNAME, qclass, now_ms, flags,
		      RANK_ANSWER_NONAUTH, &h, buf, sizeof(buf)) != 1 ||
	    h.set.kind != RRSET_POSITIVE || !checked(a, &h, flags))
		return -1;
	note(a, &h, prefetch);
	return answer_add(a, MSG_ANSWER, &h.set) < 0 ? -1 : 0;
}

/* The end of the chain: the wanted RRset or a negative answer. */
static int finish(struct answer *a, const struct rrset *s)
{
	if (s->kind == RRSET_POSITIVE)
		return answer_add(a, MSG_ANSWER, s) < 0 ? 0 : 1;
	if (s->kind == RRSET_NXDOMAIN)
		a->rcode = RCODE_NXDOMAIN;
	return answer_add(a, MSG_AUTHORITY, s) < 0 ? 0 : 1;
}

int answer_from_cache(struct answer *a, struct cache *c,
		      const uint8_t *qname, uint16_t qtype, uint16_t qclass,
		      uint64_t now_ms, unsigned flags, bool *prefetch)
{
	uint8_t buf[HIT_BUF], name[NAME_MAXLEN];
	struct cache_hit h;
	int r;

	*prefetch = false;
	answer_init(a, RCODE_NOERROR);
	memcpy(name, qname, name_length(qname));
	for (unsigned links = 0; links <= ANSWER_MAX_CNAME; links++) {
		r = cache_get(c, name, qtype, qclass, now_ms, flags,
			      RANK_ANSWER_NONAUTH, &h, buf, sizeof(buf));
		if (r < 0)
			return 0;
		if (r == 1 && !checked(a, &h, flags))
			return 0;
		if (r == 1) {
			note(a, &h, prefetch);
			return finish(a, &h.set);
		}
		if (qtype == RR_CNAME || links == ANSWER_MAX_CNAME)
			return 0;
		r = cache_get(c, name, RR_CNAME, qclass, now_ms, flags,
			      RANK_ANSWER_NONAUTH, &h, buf, sizeof(buf));
		if (r != 1 || h.set.kind != RRSET_POSITIVE ||
		    !checked(a, &h, flags))
			return 0;
		if (h.set.dname_owner &&
		    add_dname(a, c, h.set.dname_owner, qclass, now_ms, flags,
			      prefetch) < 0)
			return 0;
		note(a, &h, prefetch);
		if (answer_add(a, MSG_ANSWER, &h.set) < 0 ||
		    cname_target(&h.set, name) < 0 || answer_has_cname(a, name))
			return 0;
	}
	return 0;
}
