/* CHECK_ANSWER: the client's reply against the expected entry, by its
 * MATCH keywords. What "all" compares, and what it relaxes (see the
 * README): the header flags and rcode, the question and the answer
 * section exactly (records in any order; TTLs with "ttl"); the authority
 * and additional sections only as "nothing banchi sends there is absent
 * from the expected section" plus "a negative answer carries the
 * expected SOA" (banchi gives minimal responses); EDNS as OPT presence
 * and the DO bit (not the payload size, not the options: no NSID, EDE
 * or cookies in banchi). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rpl_run.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define DIFF_LINES 8            /* records listed per section and side */

struct diff {
	char *p;
	size_t cap, n;
};

static void put(struct diff *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct diff *d, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (d->n + 1 >= d->cap)
		return;
	va_start(ap, fmt);
	k = vsnprintf(d->p + d->n, d->cap - d->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		d->n = d->n + (size_t)k < d->cap ? d->n + (size_t)k : d->cap - 1;
}

static bool rr_equal(const struct rpl_rr *a, const struct rpl_rr *b, bool ttl)
{
	return a->type == b->type && a->rclass == b->rclass &&
	       (!ttl || a->ttl == b->ttl) && name_equal(a->owner, b->owner) &&
	       rdata_compare(a->type, a->rdata, a->rdlen, b->rdata,
			     b->rdlen) == 0;
}

/* Is r in section sec of m (not counting the records used[] marks)? */
static int find_rr(const struct rpl_msg *m, uint8_t sec,
		   const struct rpl_rr *r, bool ttl, const bool *used)
{
	for (size_t i = 0; i < m->nrr; i++)
		if (m->rr[i].section == sec && !(used && used[i]) &&
		    rr_equal(&m->rr[i], r, ttl))
			return (int)i;
	return -1;
}

static const char *const sec_name[] = { "question", "answer", "authority",
					"additional" };

static void list_absent(struct diff *d, const struct rpl_msg *a,
			const struct rpl_msg *b, uint8_t sec, bool ttl,
			const char *what)
{
	char t[1200];
	unsigned n = 0;

	for (size_t i = 0; i < a->nrr; i++) {
		if (a->rr[i].section != sec || find_rr(b, sec, &a->rr[i], ttl,
						       NULL) >= 0)
			continue;
		if (n++ < DIFF_LINES) {
			rpl_rr_text(&a->rr[i], ttl, t, sizeof(t));
			put(d, "    %s %s: %s\n", sec_name[sec], what, t);
		}
	}
}

static unsigned count(const struct rpl_msg *m, uint8_t sec)
{
	unsigned n = 0;

	for (size_t i = 0; i < m->nrr; i++)
		n += m->rr[i].section == sec;
	return n;
}

/* Section sec of got holds exactly the records of want (any order). */
static bool same_section(struct diff *d, const struct rpl_msg *want,
			 const struct rpl_msg *got, uint8_t sec, bool ttl)
{
	static bool used[256];
	bool ok = count(want, sec) == count(got, sec);
	int k;

	memset(used, 0, sizeof(used));
	for (size_t i = 0; i < want->nrr && ok; i++) {
		if (want->rr[i].section != sec)
			continue;
		k = find_rr(got, sec, &want->rr[i], ttl, used);
		if (k < 0)
			ok = false;
		else
			used[k] = true;
	}
	if (!ok) {
		list_absent(d, want, got, sec, ttl, "missing");
		list_absent(d, got, want, sec, ttl, "unexpected");
		if (count(want, sec) != count(got, sec))
			put(d, "    %s: %u records expected, %u given\n",
			    sec_name[sec], count(want, sec), count(got, sec));
	}
	return ok;
}

/* Relaxed: what got has in sec is also in want's sec. */
static bool subset(struct diff *d, const struct rpl_msg *want,
		   const struct rpl_msg *got, uint8_t sec, bool ttl)
{
	for (size_t i = 0; i < got->nrr; i++)
		if (got->rr[i].section == sec &&
		    find_rr(want, sec, &got->rr[i], ttl, NULL) < 0) {
			list_absent(d, got, want, sec, ttl, "unexpected");
			return false;
		}
	return true;
}

/* A negative answer (empty answer section) keeps its SOA. */
static bool neg_soa(struct diff *d, const struct rpl_msg *want,
		    const struct rpl_msg *got, bool ttl)
{
	char t[1200];

	if (count(want, MSG_ANSWER) != 0)
		return true;
	for (size_t i = 0; i < want->nrr; i++)
		if (want->rr[i].section == MSG_AUTHORITY &&
		    want->rr[i].type == RR_SOA &&
		    find_rr(got, MSG_AUTHORITY, &want->rr[i], ttl, NULL) < 0) {
			rpl_rr_text(&want->rr[i], ttl, t, sizeof(t));
			put(d, "    authority missing: %s\n", t);
			return false;
		}
	return true;
}

static const struct {
	uint16_t bit;
	const char *name;
} flag_bits[] = {
	{ MSG_FLAG_QR, "QR" }, { MSG_FLAG_AA, "AA" }, { MSG_FLAG_TC, "TC" },
	/* not RA: banchi sets it on every reply, also the REFUSED and
	 * FORMERR ones that Unbound sends without it */
	{ MSG_FLAG_RD, "RD" }, { MSG_FLAG_AD, "AD" },
	{ MSG_FLAG_CD, "CD" },
};

static bool header(struct diff *d, const struct msg_hdr *w,
		   const struct msg_hdr *g, uint32_t match)
{
	bool all = match & (RM_ALL | RM_ALL_NOEDNS), ok = true;

	if ((all || (match & RM_OPCODE)) &&
	    msg_hdr_opcode(w) != msg_hdr_opcode(g)) {
		put(d, "    opcode: want %u, got %u\n", msg_hdr_opcode(w),
		    msg_hdr_opcode(g));
		ok = false;
	}
	if ((all || (match & RM_RCODE)) && msg_hdr_rcode(w) != msg_hdr_rcode(g)) {
		put(d, "    rcode: want %s, got %s\n",
		    rcode_name(msg_hdr_rcode(w)), rcode_name(msg_hdr_rcode(g)));
		ok = false;
	}
	for (size_t i = 0; all && i < sizeof(flag_bits) / sizeof(flag_bits[0]);
	     i++)
		if ((w->flags ^ g->flags) & flag_bits[i].bit) {
			put(d, "    flag %s: want %s\n", flag_bits[i].name,
			    w->flags & flag_bits[i].bit ? "set" : "clear");
			ok = false;
		}
	return ok;
}

static bool question(struct diff *d, const struct rpl_msg *w,
		     const struct rpl_msg *g, uint32_t match)
{
	char a[NAME_TEXT_MAX], b[NAME_TEXT_MAX], ta[16], tb[16];
	bool all = match & (RM_ALL | RM_ALL_NOEDNS | RM_QUESTION), ok = true;

	if (!(match & (RM_QNAME | RM_QTYPE | RM_SUBDOMAIN)) && !all)
		return true;
	if (w->has_q != g->has_q)
		ok = false;
	else if (w->has_q && (all || (match & RM_QNAME)) &&
		 !name_equal(w->qname, g->qname))
		ok = false;
	else if (w->has_q && (match & RM_SUBDOMAIN) &&
		 !name_is_subdomain(g->qname, w->qname))
		ok = false;
	else if (w->has_q && (all || (match & RM_QTYPE)) &&
		 (w->qtype != g->qtype || (all && w->qclass != g->qclass)))
		ok = false;
	if (!ok) {
		if (w->has_q)
			name_to_text(a, sizeof(a), w->qname);
		if (g->has_q)
			name_to_text(b, sizeof(b), g->qname);
		put(d, "    question: want %s %s, got %s %s\n",
		    w->has_q ? a : "(none)", rrtype_to_text(w->qtype, ta),
		    g->has_q ? b : "(none)", rrtype_to_text(g->qtype, tb));
	}
	return ok;
}

static bool edns(struct diff *d, const struct rpl_msg *w,
		 const struct rpl_msg *g, uint32_t match)
{
	bool ok = true;

	if ((match & RM_ALL) && w->has_opt != g->has_opt) {
		put(d, "    EDNS: want %s\n", w->has_opt ? "an OPT" : "none");
		ok = false;
	} else if ((match & RM_ALL) && w->do_bit != g->do_bit) {
		put(d, "    DO bit: want %s\n", w->do_bit ? "set" : "clear");
		ok = false;
	}
	if ((match & RM_DO) && !g->do_bit) {
		put(d, "    DO bit: want set\n");
		ok = false;
	}
	if ((match & RM_NOEDNS) && g->has_opt) {
		put(d, "    EDNS: want none\n");
		ok = false;
	}
	return ok;
}

bool rpl_check(const struct rpl_entry *e, const uint8_t *pkt, size_t len,
	       char *out, size_t cap)
{
	static struct rpl_msg want, got;
	static uint8_t wp[65535];
	struct diff d = { .p = out, .cap = cap };
	uint32_t m = e->match;
	bool all = m & (RM_ALL | RM_ALL_NOEDNS), ttl = m & RM_TTL, ok;
	size_t wlen = rpl_entry_packet(e, NULL, 0, wp, sizeof(wp));

	out[0] = 0;
	if (!wlen || rpl_msg_parse(&want, wp, wlen) < 0) {
		put(&d, "    runner: the expected entry does not form a packet\n");
		return false;
	}
	if (rpl_msg_parse(&got, pkt, len) < 0) {
		put(&d, "    the answer does not parse\n");
		return false;
	}
	ok = header(&d, &want.hdr, &got.hdr, m);
	ok &= question(&d, &want, &got, m);
	ok &= edns(&d, &want, &got, m);
	if (all || (m & RM_ANSWER))
		ok &= same_section(&d, &want, &got, MSG_ANSWER, ttl);
	if (all) {
		ok &= subset(&d, &want, &got, MSG_AUTHORITY, ttl);
		ok &= subset(&d, &want, &got, MSG_ADDITIONAL, ttl);
		ok &= neg_soa(&d, &want, &got, ttl);
	}
	return ok;
}
