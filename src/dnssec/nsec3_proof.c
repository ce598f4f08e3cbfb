/* NSEC3 proofs (RFC 5155 8): names are matched and covered by their
 * hashes; the closest encloser proof (8.3) finds, from qname up, the
 * first suffix whose hash an NSEC3 owns, and needs the next closer name
 * (one label longer) covered. Each hash is counted against the budget
 * (CVE-2023-50868) and made once per call. */
#include <string.h>

#include "dnssec/denial_int.h"
#include "wire/rrtype.h"

/* The hash of name, counted: 0 or DNSSEC_BUDGET. */
static int hash(struct denial *w, const uint8_t *name,
		uint8_t out[NSEC3_HASH_LEN])
{
	if (!w->b->hash_left) {
		w->b->stopped++;
		return DNSSEC_BUDGET;
	}
	w->b->hash_left--;
	w->b->hashed++;
	/* only SHA-1 records were kept: this cannot fail */
	return nsec3_hash(out, &w->p, name) < 0 ? DNSSEC_NO_PROOF : 0;
}

/* The hash of qname's suffix of k labels, made at most once. */
static int qhash(struct denial *w, int k, const uint8_t **h)
{
	int ret = 0;

	if (!w->have[k])
		ret = hash(w, denial_suffix(w->d->qname, k), w->qhash[k]);
	w->have[k] = !ret;
	*h = w->qhash[k];
	return ret;
}

static const struct denial_rec *matching(const struct denial *w,
					 const uint8_t *h)
{
	for (unsigned i = 0; i < w->n; i++)
		if (!memcmp(w->rec[i].hash, h, NSEC3_HASH_LEN))
			return &w->rec[i];
	return NULL;
}

/* An NSEC3 whose span holds h: owner < h < next, or past the last. */
static const struct denial_rec *covering(const struct denial *w,
					 const uint8_t *h)
{
	for (unsigned i = 0; i < w->n; i++) {
		const struct denial_rec *r = &w->rec[i];
		int lo = memcmp(r->hash, h, NSEC3_HASH_LEN);
		int hi = memcmp(h, r->next_hash, NSEC3_HASH_LEN);

		if (memcmp(r->hash, r->next_hash, NSEC3_HASH_LEN) < 0 ?
			    lo < 0 && hi < 0 : lo < 0 || hi < 0)
			return r;
	}
	return NULL;
}

/* A closest encloser proof (8.3): the encloser's labels, its record,
 * the record covering the next closer name (NULL when the encloser is
 * qname itself). */
struct encloser {
	int ce;
	const struct denial_rec *match, *nc;
};

/* The proof for qname, or DNSSEC_UNSIGNED_CUT or DNSSEC_NO_PROOF when
 * the encloser is a delegation or a DNAME (the answer would have been
 * a referral or the DNAME), DNSSEC_NO_PROOF without one. */
static int closest(struct denial *w, struct encloser *e)
{
	const uint8_t *h;
	int k, ret;

	e->match = e->nc = NULL;
	for (k = w->qlabels; k >= w->zlabels && !e->match; k--) {
		ret = qhash(w, k, &h);
		if (ret)
			return ret;
		e->match = matching(w, h);
	}
	e->ce = k + 1;
	if (!e->match)
		return DNSSEC_NO_PROOF;
	if (e->ce == w->qlabels)
		return DNSSEC_SECURE;
	ret = denial_cut(e->match);
	if (ret)
		return ret;
	ret = qhash(w, e->ce + 1, &h);
	if (ret)
		return ret;
	e->nc = covering(w, h);
	return e->nc ? DNSSEC_SECURE : DNSSEC_NO_PROOF;
}

static bool opt_out(const struct denial_rec *nc)
{
	return nc->flags & NSEC3_FLAG_OPTOUT;
}

/* The wildcard at the encloser: the record matching (want_match) or
 * covering its hash in *r, NULL for none; *none when no such wildcard
 * can exist (the name would be too long). 0 or DNSSEC_BUDGET. */
static int wildcard(struct denial *w, int ce, bool want_match,
		    const struct denial_rec **r, bool *none)
{
	uint8_t wc[NAME_MAXLEN], h[NSEC3_HASH_LEN];
	int ret;

	*r = NULL;
	*none = !denial_wildcard(wc, denial_suffix(w->d->qname, ce));
	if (*none)
		return 0;
	ret = hash(w, wc, h);
	if (ret)
		return ret;
	*r = want_match ? matching(w, h) : covering(w, h);
	return 0;
}

int nsec3_nxdomain(struct denial *w)
{
	const struct denial_rec *wr;
	struct encloser e;
	bool none;
	int ret = closest(w, &e);

	if (ret)
		return ret;
	if (!e.nc)
		return DNSSEC_NO_PROOF;         /* qname exists */
	ret = wildcard(w, e.ce, false, &wr, &none);
	if (ret)
		return ret;
	if (!wr && !none)
		return DNSSEC_NO_PROOF;
	return opt_out(e.nc) ? DNSSEC_OPT_OUT : DNSSEC_SECURE;
}

int nsec3_nodata(struct denial *w, uint16_t qtype)
{
	const struct denial_rec *wr;
	struct encloser e;
	bool none;
	int ret = closest(w, &e);

	if (ret)
		return ret;
	if (!e.nc)
		return denial_types(e.match, qtype);
	/* wildcard NODATA (8.7) */
	ret = wildcard(w, e.ce, true, &wr, &none);
	if (ret)
		return ret;
	if (wr) {
		ret = denial_types(wr, qtype);
		if (ret != DNSSEC_SECURE && ret != DNSSEC_NO_CUT)
			return ret;
		return opt_out(e.nc) ? DNSSEC_OPT_OUT : ret;
	}
	/* no record of qname, in an opt-out span: an unsigned delegation
	 * may be there (8.6; 9.2: insecure) */
	return opt_out(e.nc) ? DNSSEC_OPT_OUT : DNSSEC_NO_PROOF;
}

int nsec3_wildcard(struct denial *w, int labels)
{
	const struct denial_rec *nc;
	const uint8_t *h;
	int ret = qhash(w, labels + 1, &h);

	if (ret)
		return ret;
	/* the next closer name below the wildcard's parent is absent */
	nc = covering(w, h);
	if (!nc)
		return DNSSEC_NO_PROOF;
	return opt_out(nc) ? DNSSEC_OPT_OUT : DNSSEC_SECURE;
}
