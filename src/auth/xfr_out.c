/* The records of an outgoing transfer, in order, read straight from the
 * zone snapshot (or the changes) by a cursor: a message takes as many
 * as fit, one record at a time (RFC 5936 2.2 lets an RRset span
 * messages), and the next message goes on where it stopped. */
#include "auth/xfr.h"
#include "base/error.h"
#include "wire/rrtype.h"

#define CLASS_IN 1

enum { ST_FIRST, ST_BODY, ST_LAST, ST_DONE };
enum { PART_FROM, PART_DEL, PART_TO, PART_ADD, PART_COUNT };

/* One record as the message writer takes it. */
struct rec {
	const uint8_t *owner;
	const uint8_t *rdata;
	uint32_t ttl;
	uint16_t type, rdlen;
};

void xfr_cursor_init(struct xfr_cursor *c, const struct zdb_zone *z,
		     enum xfr_form form, const struct zchange *const *chg,
		     size_t nchg)
{
	*c = (struct xfr_cursor){ .z = z, .form = form };
	if (form == XFR_IXFR) {
		c->chg = chg;
		c->nchg = nchg;
	}
}

bool xfr_cursor_done(const struct xfr_cursor *c)
{
	return c->state == ST_DONE;
}

bool xfr_chain_ok(const struct zchange *const *chg, size_t n, uint32_t from,
		  uint32_t to)
{
	for (size_t i = 0; i < n; i++) {
		if (zchange_from(chg[i]) != from)
			return false;
		from = zchange_to(chg[i]);
	}
	return n > 0 && from == to;
}

static void soa_rec(const struct zdb_zone *z, struct rec *r)
{
	const struct zdb_node *apex = zdb_zone_apex(z);
	const struct zdb_rrset *soa = zdb_node_rrset(apex, RR_SOA);

	*r = (struct rec){ apex->owner, soa->rr[0].data, soa->ttl, RR_SOA,
			   soa->rr[0].len };
}

/* AXFR body: the record at the cursor, skipping finished sets and
 * nodes and the apex SOA; false at the end of the zone. */
static bool axfr_rec(struct xfr_cursor *c, struct rec *r)
{
	size_t count = zdb_zone_node_count(c->z);

	for (; c->node < count; c->node++, c->set = 0, c->rr = 0) {
		const struct zdb_node *n = zdb_zone_node(c->z, c->node);

		for (; c->set < n->nsets; c->set++, c->rr = 0) {
			const struct zdb_rrset *s = &n->sets[c->set];

			if (c->node == 0 && s->type == RR_SOA)
				continue;
			if (c->rr >= s->count)
				continue;
			*r = (struct rec){ n->owner, s->rr[c->rr].data, s->ttl,
					   s->type, s->rr[c->rr].len };
			return true;
		}
	}
	return false;
}

static void change_rec(const struct zchange_rr *z, struct rec *r)
{
	*r = (struct rec){ z->owner, z->rdata, z->ttl, z->type, z->rdlen };
}

/* IXFR body: per change SOA(from), removed, SOA(to), added. */
static bool ixfr_rec(struct xfr_cursor *c, struct rec *r)
{
	for (; c->ci < c->nchg; c->ci++, c->part = 0, c->ri = 0) {
		const struct zchange *ch = c->chg[c->ci];

		for (; c->part < PART_COUNT; c->part++, c->ri = 0) {
			const struct zchange_rr *v = c->part == PART_DEL ?
						     ch->del : ch->add;
			size_t n = c->part == PART_DEL ? ch->ndel : ch->nadd;

			if (c->part == PART_FROM || c->part == PART_TO) {
				if (c->ri)
					continue;
				change_rec(c->part == PART_FROM ?
					   &ch->soa_from : &ch->soa_to, r);
				return true;
			}
			if (c->ri < n) {
				change_rec(&v[c->ri], r);
				return true;
			}
		}
	}
	return false;
}

/* The record at the cursor, moving past what is exhausted; false when
 * the transfer is complete. */
static bool current(struct xfr_cursor *c, struct rec *r)
{
	for (;;) {
		switch (c->state) {
		case ST_FIRST:
		case ST_LAST:
			soa_rec(c->z, r);
			return true;
		case ST_BODY:
			if (c->form == XFR_AXFR ? axfr_rec(c, r) :
			    c->form == XFR_IXFR ? ixfr_rec(c, r) : false)
				return true;
			c->state = ST_LAST;
			break;
		default:
			return false;
		}
	}
}

static void advance(struct xfr_cursor *c)
{
	if (c->state == ST_FIRST)
		c->state = c->form == XFR_SOA ? ST_DONE : ST_BODY;
	else if (c->state == ST_LAST)
		c->state = ST_DONE;
	else if (c->form == XFR_AXFR)
		c->rr++;
	else
		c->ri++;
}

int xfr_cursor_fill(struct xfr_cursor *c, struct msg_writer *mw)
{
	struct rec r;
	int n = 0;

	while (current(c, &r)) {
		if (msg_writer_rr(mw, MSG_ANSWER, r.owner, r.type, CLASS_IN,
				  r.ttl, r.rdata, r.rdlen) < 0)
			return n ? n : BN_ENOSPC;
		advance(c);
		n++;
	}
	return n;
}
