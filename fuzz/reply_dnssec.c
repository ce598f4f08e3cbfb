/* fuzz_reply's second check: each reply of the input, as it came, goes
 * through the DNSSEC verifier (src/dnssec) the way a validator will
 * use it: every RRset with the RRSIGs covering it against the DNSKEY set
 * of their signer in the same reply, every DNSKEY set against a DS set
 * of its owner, on one budget per reply. Checks: results in range, the
 * budget's counts add up and its limits hold, signed data never longer
 * than its bound. Then its NSEC and NSEC3 sets go through the four
 * denial proofs (denial.h) for the question's name and type, as if
 * verified: results in range, hashes within the budget and bounded by
 * the name's labels, no name both absent and present. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "dnssec/denial.h"
#include "dnssec/dnssec.h"
#include "reply_dnssec.h"
#include "wire/buf.h"
#include "wire/msg.h"
#include "wire/name.h"
#include "wire/rrtype.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

#define MAXREC 256      /* records looked at per reply: grouping is n^2 */
#define NOW 1800000000u /* 2027-01-15, inside the seeds' RRSIG dates */

struct rec {
	uint8_t owner[NAME_MAXLEN];
	uint16_t type, rclass, cover;   /* cover: an RRSIG's type covered */
	uint16_t len;
	const uint8_t *rd;
};

#define MAXDENY 32      /* NSEC/NSEC3 sets handed to the proofs */

static struct msg_rr rrs[4096];
static struct dnssec_rrset deny[MAXDENY];
static uint8_t denybufs[MAXDENY][8192];
static struct rec recs[MAXREC];
static uint8_t arena[65536];            /* the records' stored RDATA */
static uint8_t setbufs[3][65536 + 2 * MAXREC];
static uint8_t signed_buf[1 << 20];

static int nrec;

static void take(const struct msg *m)
{
	size_t used = 0;

	nrec = 0;
	for (uint16_t i = m->sec[MSG_ANSWER]; i < m->rr_count; i++) {
		const struct msg_rr *r = &m->rr[i];
		struct rec *c = &recs[nrec];
		int n;

		if (nrec == MAXREC)
			return;
		if (r->type == RR_OPT || r->type == RR_TSIG ||
		    msg_rr_owner(m, r, c->owner) < 0)
			continue;
		n = msg_rr_rdata(m, r, arena + used, sizeof(arena) - used);
		if (n < 0)
			continue;
		c->type = r->type;
		c->rclass = r->rclass;
		c->rd = arena + used;
		c->len = (uint16_t)n;
		c->cover = r->type == RR_RRSIG && n >= 2 ?
				   wire_get_u16(c->rd) : 0;
		used += (size_t)n;
		nrec++;
	}
}

/* The records (owner, type[, cover]) of the reply as a set in buf. */
static void gather_in(struct dnssec_rrset *s, uint8_t *buf, size_t cap,
		      const uint8_t *owner, uint16_t type, uint16_t cover)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	*s = (struct dnssec_rrset){ .owner = owner, .type = type,
				    .rclass = CLASS_IN, .rdata = buf };
	for (int i = 0; i < nrec; i++) {
		if (recs[i].type != type || recs[i].cover != cover ||
		    !name_equal(recs[i].owner, owner))
			continue;
		if (w.len + 2u + recs[i].len > cap) {
			/* only the small buffers of the proofs fill up */
			ASSERT(cap < sizeof(setbufs[0]));
			break;
		}
		ASSERT(wbuf_u16(&w, recs[i].len) == 0);
		ASSERT(wbuf_bytes(&w, recs[i].rd, recs[i].len) == 0);
		s->count++;
	}
	s->rdata_len = w.len;
}

static void gather(struct dnssec_rrset *s, uint8_t *buf,
		   const uint8_t *owner, uint16_t type, uint16_t cover)
{
	gather_in(s, buf, sizeof(setbufs[0]), owner, type, cover);
}

static bool first_of_set(int i)
{
	for (int k = 0; k < i; k++)
		if (recs[k].type == recs[i].type &&
		    recs[k].cover == recs[i].cover &&
		    name_equal(recs[k].owner, recs[i].owner))
			return false;
	return true;
}

/* A result in range, the budget's counts adding up, at most max
 * verifications done by the call. */
static void check_result(int ret, const struct dnssec_budget *b,
			 unsigned before, unsigned max)
{
	ASSERT(ret == BN_ENOMEM || (ret >= 0 && ret <= DNSSEC_BUDGET));
	ASSERT(b->verified + b->verify_left == DNSSEC_VERIFY_MAX);
	ASSERT(b->verified - before <= max);
	if (ret >= 0 && ret != DNSSEC_SECURE)
		ASSERT(dnssec_result_ede(ret) > 0);
}

/* The signed data of the set's first RRSIG: within its bound. */
static void check_signed(const struct dnssec_rrset *set,
			 const struct dnssec_rrset *sigs)
{
	struct dnssec_rrsig s;
	const uint8_t *rd;
	uint16_t len;
	int n;

	if (!sigs->count || dnssec_rrset_item(sigs, 0, &rd, &len) < 0 ||
	    dnssec_rrsig_parse(&s, rd, len) < 0 ||
	    dnssec_signed_size(&s, set) > sizeof(signed_buf))
		return;
	n = dnssec_signed_data(signed_buf, dnssec_signed_size(&s, set), &s,
			       set);
	ASSERT(n == BN_EINVAL || n == BN_ERDATA || n == BN_ENOMEM ||
	       (n > 0 && (size_t)n <= dnssec_signed_size(&s, set)));
	(void)dnssec_check_time(&s, NOW);
}

/* One set against its RRSIGs and the DNSKEYs of their signer. */
static void one_set(int i, struct dnssec_budget *b)
{
	struct dnssec_rrset set, sigs, keys;
	struct dnssec_verdict v;
	struct dnssec_rrsig s;
	const uint8_t *rd;
	uint16_t len;
	unsigned before = b->verified;
	int ret;

	gather(&set, setbufs[0], recs[i].owner, recs[i].type, 0);
	gather(&sigs, setbufs[1], recs[i].owner, RR_RRSIG, recs[i].type);
	check_signed(&set, &sigs);
	if (sigs.count && dnssec_rrset_item(&sigs, 0, &rd, &len) == 0 &&
	    dnssec_rrsig_parse(&s, rd, len) == 0) {
		gather(&keys, setbufs[2], s.signer, RR_DNSKEY, 0);
		ret = dnssec_verify_rrset(&set, &sigs, &keys, NOW, b, &v);
		check_result(ret, b, before, b->rrsigs_max * b->tag_keys_max);
		ASSERT(v.result == ret);
	}
	if (recs[i].type != RR_DS)
		return;
	/* A DS set: the DNSKEY set of its owner, if the reply has one; per
	 * DS at most tag_keys_max keys, each a DNSKEY set verification. */
	gather(&keys, setbufs[0], recs[i].owner, RR_DNSKEY, 0);
	gather(&sigs, setbufs[1], recs[i].owner, RR_RRSIG, RR_DNSKEY);
	gather(&set, setbufs[2], recs[i].owner, RR_DS, 0);
	before = b->verified;
	ret = dnssec_verify_dnskeys(&keys, &sigs, &set, NOW, b, &v);
	check_result(ret, b, before,
		     set.count * b->tag_keys_max * b->rrsigs_max *
			     b->tag_keys_max);
	ASSERT(v.result == ret);
}

/* A denial result: one of the proofs' results, and the hashes one call
 * made no more than the labels from the zone to the name allow (the
 * closest encloser search, the wildcard). */
static void check_denial(int ret, const struct dnssec_budget *b,
			 unsigned before, const uint8_t *qname,
			 const uint8_t *zone)
{
	unsigned most = (unsigned)(name_labels(qname) - name_labels(zone)) + 2;

	ASSERT(ret == DNSSEC_SECURE || ret == DNSSEC_BUDGET ||
	       (ret >= DNSSEC_NO_PROOF && ret <= DNSSEC_NO_CUT));
	ASSERT(b->hashed + b->hash_left == DNSSEC_HASH_MAX);
	ASSERT(b->hashed - before <= most);
	ASSERT(dnssec_result_insecure(ret) ==
	       (ret >= DNSSEC_OPT_OUT && ret <= DNSSEC_NSEC3_UNSUPPORTED));
}

/* The zone the proofs are of: the signer of the first RRSIG over an
 * NSEC or NSEC3, or the parent of the first one's owner. */
static const uint8_t *denial_zone(int nsets)
{
	struct dnssec_rrsig s;

	for (int i = 0; i < nrec; i++)
		if ((recs[i].cover == RR_NSEC || recs[i].cover == RR_NSEC3) &&
		    dnssec_rrsig_parse(&s, recs[i].rd, recs[i].len) == 0)
			return s.signer;
	if (!nsets || !deny[0].owner[0])
		return NULL;
	return deny[0].owner + 1 + deny[0].owner[0];
}

/* The reply's NSEC and NSEC3 sets through the four proofs. */
static void denials(const struct msg *m, struct dnssec_budget *b)
{
	uint8_t qname[NAME_MAXLEN];
	struct dnssec_denial d = { .qname = qname, .sets = deny };
	size_t pos = MSG_HDRLEN;
	unsigned before, labels;
	bool nsec3 = false;
	int nx, nd;

	if (m->hdr.count[0] != 1 ||
	    name_unpack(m->pkt, m->len, &pos, qname) < 0 || pos + 4 > m->len)
		return;
	d.qtype = wire_get_u16(m->pkt + pos);
	for (int i = 0; i < nrec && d.nsets < MAXDENY; i++) {
		if ((recs[i].type != RR_NSEC && recs[i].type != RR_NSEC3) ||
		    !first_of_set(i))
			continue;
		nsec3 |= recs[i].type == RR_NSEC3;
		gather_in(&deny[d.nsets], denybufs[d.nsets],
			  sizeof(denybufs[0]), recs[i].owner, recs[i].type, 0);
		d.nsets++;
	}
	d.zone = denial_zone((int)d.nsets);
	if (!d.zone)
		return;
	labels = (unsigned)name_labels(qname);
	before = b->hashed;
	nx = dnssec_prove_nxdomain(&d, b);
	check_denial(nx, b, before, qname, d.zone);
	ASSERT(nx != DNSSEC_NO_CUT);
	before = b->hashed;
	nd = dnssec_prove_nodata(&d, b);
	check_denial(nd, b, before, qname, d.zone);
	ASSERT(nd != DNSSEC_NO_CUT);
	/* with NSEC, a name is never proven both absent and present */
	ASSERT(nsec3 || nx != DNSSEC_SECURE || nd != DNSSEC_SECURE);
	before = b->hashed;
	check_denial(dnssec_prove_no_ds(&d, b), b, before, qname, d.zone);
	for (unsigned l = labels > 3 ? labels - 3 : 0; l <= labels; l++) {
		before = b->hashed;
		nx = dnssec_prove_wildcard(&d, l, b);
		check_denial(nx, b, before, qname, d.zone);
		ASSERT(nx != DNSSEC_NO_CUT);
	}
}

void reply_dnssec(const uint8_t *pkt, size_t len)
{
	struct dnssec_budget b;
	struct msg m;

	if (msg_parse(&m, pkt, len, rrs, sizeof(rrs) / sizeof(rrs[0])) < 0)
		return;
	take(&m);
	dnssec_budget_init(&b);
	for (int i = 0; i < nrec; i++)
		if (recs[i].type != RR_RRSIG && first_of_set(i))
			one_set(i, &b);
	ASSERT(b.verified <= DNSSEC_VERIFY_MAX);
	denials(&m, &b);
	ASSERT(b.hashed <= DNSSEC_HASH_MAX);
}
