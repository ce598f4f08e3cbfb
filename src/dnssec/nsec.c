/* NSEC proofs (RFC 4035 3.1.3, 5.4; RFC 7129 3): a name is absent when
 * an NSEC covers it in canonical order (RFC 4034 6.1) and is not an
 * empty non-terminal; its closest encloser is the longest of the names
 * it shares with the NSEC's owner and next name; every name between
 * them is absent too, so a wildcard there is denied the same way. */
#include "dnssec/dnssec_int.h"
#include "dnssec/denial_int.h"
#include "wire/rrtype.h"

/* owner < name < next, or past the last owner of the zone, whose next
 * name is the apex (RFC 4034 4.1.1). */
static bool covers(const struct denial_rec *r, const uint8_t *name)
{
	int lo = name_compare(r->owner, name);
	int hi = name_compare(name, r->next);

	if (name_compare(r->owner, r->next) < 0)
		return lo < 0 && hi < 0;
	return lo < 0 || hi < 0;
}

static const struct denial_rec *at(const struct denial *w,
				   const uint8_t *name)
{
	for (unsigned i = 0; i < w->n; i++)
		if (name_equal(w->rec[i].owner, name))
			return &w->rec[i];
	return NULL;
}

/* A record covering name (NULL: none). */
static const struct denial_rec *covering(const struct denial *w,
					 const uint8_t *name)
{
	for (unsigned i = 0; i < w->n; i++)
		if (covers(&w->rec[i], name))
			return &w->rec[i];
	return NULL;
}

/* Whether r, covering name, stands for its absence: its owner, when an
 * ancestor, is no delegation or DNAME (denial_cut's result in *cut),
 * and its next name is not below name (name would be an empty
 * non-terminal). */
static bool denies(const struct denial_rec *r, const uint8_t *name,
		   int *cut)
{
	*cut = name_is_subdomain(name, r->owner) ? denial_cut(r) : 0;
	return !*cut && !name_is_subdomain(r->next, name);
}

/* name absent: DNSSEC_SECURE and its closest encloser's labels in *ce;
 * DNSSEC_UNSIGNED_CUT; DNSSEC_NO_PROOF. */
static int absent(const struct denial *w, const uint8_t *name, int *ce)
{
	const struct denial_rec *r = covering(w, name);
	int a, b, cut;

	if (!r || at(w, name))
		return DNSSEC_NO_PROOF;
	if (!denies(r, name, &cut))
		return cut ? cut : DNSSEC_NO_PROOF;
	a = denial_common(name, r->owner);
	b = denial_common(name, r->next);
	*ce = a > b ? a : b;
	return DNSSEC_SECURE;
}

int nsec_nxdomain(struct denial *w)
{
	const uint8_t *qname = w->d->qname;
	uint8_t wc[NAME_MAXLEN];
	int ce, ret = absent(w, qname, &ce);

	if (ret)
		return ret;
	/* a wildcard at the closest encloser would have matched */
	if (!denial_wildcard(wc, denial_suffix(qname, ce)))
		return DNSSEC_SECURE;
	return absent(w, wc, &ce);
}

int nsec_nodata(struct denial *w, uint16_t qtype)
{
	const uint8_t *qname = w->d->qname;
	const struct denial_rec *r = at(w, qname);
	uint8_t wc[NAME_MAXLEN];
	int ce, cut, ret;

	if (r)
		return denial_types(r, qtype);
	/* an empty non-terminal: the record before it, whose next name is
	 * below it (RFC 4035 3.1.3.2's note, RFC 7129 3.2) */
	r = covering(w, qname);
	if (!r)
		return DNSSEC_NO_PROOF;
	if (!denies(r, qname, &cut) && !cut)
		return qtype == RR_DS ? DNSSEC_NO_CUT : DNSSEC_SECURE;
	/* wildcard NODATA: qname absent, the wildcard at its closest
	 * encloser without the type (RFC 4035 3.1.3.4) */
	ret = absent(w, qname, &ce);
	if (ret)
		return ret;
	if (!denial_wildcard(wc, denial_suffix(qname, ce)) ||
	    !(r = at(w, wc)))
		return DNSSEC_NO_PROOF;
	return denial_types(r, qtype);
}

int nsec_wildcard(struct denial *w, int labels)
{
	int ce, ret = absent(w, w->d->qname, &ce);

	/* the closest encloser the NSEC shows is the wildcard's parent */
	return ret ? ret : ce == labels ? DNSSEC_SECURE : DNSSEC_NO_PROOF;
}
