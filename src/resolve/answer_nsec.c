/* Aggressive use of the DNSSEC-validated cache (RFC 8198, NSEC only):
 * a question the cache has no entry for is answered NXDOMAIN or NODATA
 * when cached secure NSEC sets of its zone prove it, judged by the same
 * proofs as a reply's (denial.h), with the zone's cached secure SOA; or
 * expanded from the zone's cached secure wildcard when an NSEC proves
 * that no closer name exists (RFC 8198 5.3).
 * Nothing is allocated: the sets are copied into stack buffers. */
#include <string.h>

#include "dnssec/denial.h"
#include "resolve/answer.h"
#include "resolve/proofset.h"
#include "wire/buf.h"
#include "wire/name.h"
#include "wire/rrtype.h"

#define NSEC_BUF 4096           /* an NSEC set and its RRSIGs */
#define SOA_BUF (3 * NSEC_BUF)  /* the SOA, then the proof packed */
#define SIG_FIXED 18            /* RRSIG RDATA before the signer */

struct found {
	struct cache_hit h;
	uint8_t buf[NSEC_BUF];
};

/* The signer of s's first RRSIG, or NULL. */
static const uint8_t *signer(const struct rrset *s)
{
	const uint8_t *p = rrset_sigs(s);
	uint16_t len;

	if (!s->nsigs || s->sigs_len < 2)
		return NULL;
	len = wire_get_u16(p);
	if (len > s->sigs_len - 2 || len <= SIG_FIXED ||
	    name_check(p + 2 + SIG_FIXED, len - SIG_FIXED) <= 0)
		return NULL;
	return p + 2 + SIG_FIXED;
}

/* A live secure set of (owner, type) signed by zone, into h and buf. */
static bool get_secure(struct cache *c, const uint8_t *zone,
		       const uint8_t *owner, uint16_t type, uint64_t now_ms,
		       struct cache_hit *h, uint8_t *buf, size_t cap)
{
	const uint8_t *sg;

	if (cache_get(c, owner, type, CLASS_IN, now_ms, CACHE_QUIET,
		      RANK_AUTHORITY, h, buf, cap) != 1)
		return false;
	sg = signer(&h->set);
	return h->set.kind == RRSET_POSITIVE && h->set.sec == SEC_SECURE &&
	       !h->stale && sg && name_equal(sg, zone);
}

/* The same for an NSEC set: one record (its next name is read). */
static bool get_nsec(struct cache *c, const uint8_t *zone,
		     const uint8_t *owner, uint64_t now_ms, struct found *f)
{
	return get_secure(c, zone, owner, RR_NSEC, now_ms, &f->h, f->buf,
			  sizeof(f->buf)) &&
	       f->h.set.count == 1;
}

/* The NSEC's next name (wire form, as signed), or NULL. */
static const uint8_t *next_of(const struct rrset *s)
{
	uint16_t len = wire_get_u16(s->rdata);

	if (s->rdata_len < 3 || len > s->rdata_len - 2 ||
	    name_check(s->rdata + 2, len) <= 0)
		return NULL;
	return s->rdata + 2;
}

static const uint8_t *skip(const uint8_t *name, int labels)
{
	for (; labels > 0 && *name; labels--)
		name += 1 + *name;
	return name;
}

/* The labels a and b share, from the root. */
static int shared(const uint8_t *a, const uint8_t *b)
{
	int la = name_labels(a), lb = name_labels(b);
	int k = la < lb ? la : lb;

	a = skip(a, la - k);
	b = skip(b, lb - k);
	for (; k > 0 && !name_equal(a, b); k--) {
		a = skip(a, 1);
		b = skip(b, 1);
	}
	return k;
}

/* The wildcard at qname's closest encloser as the NSEC covering qname
 * shows it (the longer of the names it shares with owner and next). */
static bool wildcard_of(const uint8_t *qname, const struct rrset *nsec,
			uint8_t *wild)
{
	const uint8_t *next = next_of(nsec), *ce;
	int a, b;

	if (!next)
		return false;
	a = shared(qname, nsec->owner);
	b = shared(qname, next);
	ce = skip(qname, name_labels(qname) - (a > b ? a : b));
	if (name_length(ce) + 2 > NAME_MAXLEN)
		return false;
	wild[0] = 1;
	wild[1] = '*';
	memcpy(wild + 2, ce, name_length(ce));
	return true;
}

static struct dnssec_rrset view(const struct rrset *s)
{
	struct dnssec_rrset d = { s->owner, s->type, s->rclass, s->count,
				  s->rdata, s->rdata_len };
	return d;
}

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The negative answer: the zone's SOA with its RRSIGs, the NSEC sets
 * packed after them (proofset.h), TTL the least of the NSEC TTLs left,
 * the SOA's and its MINIMUM (RFC 8198 5.4, RFC 9077 4). */
static bool synthesise(struct answer *a, struct cache *c,
		       const uint8_t *zone, const uint8_t *qname,
		       uint16_t qtype, bool nx, const struct found *f,
		       unsigned n, uint64_t now_ms, uint32_t *ttl_out)
{
	uint8_t buf[SOA_BUF];
	struct cache_hit sh;
	struct rrset neg, ns;
	uint8_t *base;
	size_t len, rl;
	uint32_t ttl;

	if (!get_secure(c, zone, zone, RR_SOA, now_ms, &sh, buf, sizeof(buf)))
		return false;
	neg = sh.set;
	rl = wire_get_u16(neg.rdata);
	if (rl < 22 || rl + 2 != neg.rdata_len)
		return false;
	ttl = min32(neg.ttl, wire_get_u32(neg.rdata + 2 + rl - 4));
	for (unsigned i = 0; i < n; i++)
		ttl = min32(ttl, f[i].h.set.ttl);
	base = (uint8_t *)neg.rdata;    /* inside buf: the pack goes after */
	len = neg.rdata_len + proofset_sigs_own(&neg);
	for (unsigned i = 0; i < n; i++) {
		ns = f[i].h.set;
		ns.sigs_len = proofset_sigs_own(&ns);
		ns.ttl = ttl;
		if (proofset_put(base, (size_t)(buf + sizeof(buf) - base), &len,
				 &ns) < 0)
			return false;
	}
	neg.owner = qname;
	neg.soa_owner = sh.set.owner;
	neg.dname_owner = NULL;
	neg.type = nx ? 0 : qtype;
	neg.kind = nx ? RRSET_NXDOMAIN : RRSET_NODATA;
	neg.rank = RANK_ANSWER;
	neg.ttl = ttl;
	neg.sigs_len = (uint32_t)(len - neg.rdata_len);
	answer_init(a, nx ? RCODE_NXDOMAIN : RCODE_NOERROR);
	*ttl_out = ttl;
	return answer_add(a, MSG_AUTHORITY, &neg) == 0;
}

static void tell(struct answer_nsec_why *why, const uint8_t *zone,
		 const struct found *f, unsigned n, bool nx, uint32_t ttl)
{
	if (!why)
		return;
	why->wild[0] = 0;
	why->nx = nx;
	why->ttl = ttl;
	why->n = n;
	memcpy(why->zone, zone, name_length(zone));
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *next = next_of(&f[i].h.set);

		memcpy(why->owner[i], f[i].h.set.owner,
		       name_length(f[i].h.set.owner));
		memcpy(why->next[i], next, name_length(next));
	}
}

/* The NSEC sets that may prove qname absent: the one at or before it
 * and, unless it is qname's own, the one at or before the wildcard of
 * its closest encloser. Returns how many (0: none usable). */
static unsigned gather(struct cache *c, const uint8_t *qname, uint16_t qtype,
		       uint64_t now_ms, uint8_t *zone, struct found *f)
{
	uint8_t owner[NAME_MAXLEN], wild[NAME_MAXLEN];

	/* a DS is the parent's: its zone is above qname */
	if (!cache_nsec_find(c, qname, qtype == RR_DS, zone, owner) ||
	    !get_nsec(c, zone, owner, now_ms, &f[0]))
		return 0;
	if (name_equal(owner, qname) ||
	    !wildcard_of(qname, &f[0].h.set, wild) ||
	    !cache_nsec_pred(c, zone, wild, owner) ||
	    name_equal(owner, f[0].h.set.owner) ||
	    !get_nsec(c, zone, owner, now_ms, &f[1]))
		return 1;
	return 2;
}

/* The labels of s's first RRSIG, or -1. */
static int sig_labels(const struct rrset *s)
{
	const uint8_t *p = rrset_sigs(s);

	if (!s->nsigs || s->sigs_len < 2 + SIG_FIXED)
		return -1;
	return p[2 + 3];
}

/* RFC 8198 5.3: the cached secure wildcard of qname's closest encloser
 * (as the NSEC covering qname shows it) expanded to qname, when that
 * NSEC proves no closer name exists; the NSEC goes with it as its proof
 * (answer_add: to DO clients). TTL the least of the two. */
static bool expand(struct answer *a, struct cache *c, const uint8_t *zone,
		   const uint8_t *qname, uint16_t qtype, const struct found *f,
		   uint64_t now_ms, struct answer_nsec_why *why)
{
	uint8_t wild[NAME_MAXLEN], buf[SOA_BUF];
	struct dnssec_rrset set = view(&f->h.set);
	struct dnssec_denial d = { qname, qtype, zone, &set, 1 };
	struct dnssec_budget b;
	struct cache_hit h;
	struct rrset s, ns;
	size_t len;
	int labels;

	if (qtype == RR_DS || !wildcard_of(qname, &f->h.set, wild) ||
	    !get_secure(c, zone, wild, qtype, now_ms, &h, buf, sizeof(buf)))
		return false;
	s = h.set;
	labels = sig_labels(&s);
	dnssec_budget_init(&b);
	if (labels != name_labels(wild) - 1 || s.count == 0 ||
	    dnssec_prove_wildcard(&d, (unsigned)labels, &b) != DNSSEC_SECURE)
		return false;
	s.ttl = min32(s.ttl, f->h.set.ttl);
	len = s.rdata_len + proofset_sigs_own(&s);
	ns = f->h.set;
	ns.sigs_len = proofset_sigs_own(&ns);
	ns.ttl = s.ttl;
	if (proofset_put((uint8_t *)s.rdata,
			 (size_t)(buf + sizeof(buf) - s.rdata), &len, &ns) < 0)
		return false;
	s.sigs_len = (uint32_t)(len - s.rdata_len);
	s.owner = qname;
	s.dname_owner = NULL;
	s.rank = RANK_ANSWER;
	answer_init(a, RCODE_NOERROR);
	if (answer_add(a, MSG_ANSWER, &s) < 0)
		return false;
	tell(why, zone, f, 1, false, s.ttl);
	if (why)
		memcpy(why->wild, wild, name_length(wild));
	return true;
}

/* NODATA with the fewest sets, as a server gives it: the one at or
 * before qname alone (qname's own, an empty non-terminal), else with
 * the wildcard's (wildcard NODATA). */
static bool nodata(struct dnssec_denial *d, struct dnssec_budget *b)
{
	unsigned n = d->nsets;

	d->nsets = 1;
	if (dnssec_prove_nodata(d, b) == DNSSEC_SECURE)
		return true;
	d->nsets = n;
	return n > 1 && dnssec_prove_nodata(d, b) == DNSSEC_SECURE;
}

int answer_from_nsec(struct answer *a, struct cache *c, const uint8_t *qname,
		     uint16_t qtype, uint16_t qclass, uint64_t now_ms,
		     struct answer_nsec_why *why)
{
	uint8_t zone[NAME_MAXLEN];
	struct dnssec_rrset sets[2];
	struct dnssec_budget b;
	struct found f[2];
	struct dnssec_denial d = { qname, qtype, zone, sets, 0 };
	uint32_t ttl;
	bool nx;

	/* no type bitmap tells of ANY or RRSIG */
	if (qclass != CLASS_IN || qtype == RR_ANY || qtype == RR_RRSIG)
		return 0;
	d.nsets = gather(c, qname, qtype, now_ms, zone, f);
	for (unsigned i = 0; i < d.nsets; i++)
		sets[i] = view(&f[i].h.set);
	if (!d.nsets)
		return 0;
	dnssec_budget_init(&b);
	nx = !name_equal(f[0].h.set.owner, qname) &&
	     dnssec_prove_nxdomain(&d, &b) == DNSSEC_SECURE;
	if (!nx && !nodata(&d, &b))
		return !name_equal(f[0].h.set.owner, qname) &&
		       expand(a, c, zone, qname, qtype, &f[0], now_ms, why);
	if (!synthesise(a, c, zone, qname, qtype, nx, f, d.nsets, now_ms,
			&ttl))
		return 0;
	tell(why, zone, f, d.nsets, nx, ttl);
	return 1;
}
