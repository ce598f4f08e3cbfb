/* TSIG in the engine (RFC 8945 5.2, 5.3): a signed query is checked
 * against the configured keys before anything else; a good one gets a
 * signed reply, BADTIME and BADTRUNC a signed error, BADKEY and BADSIG
 * an unsigned one, a forbidden MAC size FORMERR with BADSIG, an
 * unreadable TSIG FORMERR alone: as BIND 9.18 answers. The clock and the report
 * of each outcome come from the caller (struct auth_conf): the engine
 * stays without I/O. */
#include "auth/auth_int.h"
#include "base/error.h"

/* No TSIG in the answer: there is no record to echo, or no way to
 * sign. */
static bool no_tsig(enum tsig_status st)
{
	return st == TSIG_MALFORMED || st == TSIG_INTERNAL;
}

enum tsig_status auth_tsig_check(struct auth_query *a, struct auth_tsig *t)
{
	const struct auth_conf *c = a->conf;
	enum tsig_status st;

	t->now = c->now ? c->now() : 0;
	st = tsig_verify_request(&t->check, c->keys, a->pkt, a->pktlen,
				 a->q->tsig_off, t->now);
	if (c->tsig_note)
		c->tsig_note(c->tsig_arg, a->pkt, a->pktlen, &t->check);
	t->signing = tsig_status_signed(st);
	a->tsig = no_tsig(st) ? NULL : t;
	if (t->signing) {
		tsig_signer_init(&t->signer, t->check.key, t->check.rr.mac,
				 t->check.rr.mac_len);
		tsig_signer_set_error(&t->signer, tsig_status_error(st),
				      t->now);
		/* BADTIME: the client's fudge back (RFC 8945 5.2.3) */
		if (st == TSIG_BAD_TIME)
			t->signer.fudge = t->check.rr.fudge;
	}
	return st;
}

size_t auth_tsig_room(const struct auth_query *a)
{
	const struct tsig_rr *rr = &a->tsig->check.rr;

	if (a->tsig->signing)
		return tsig_signer_room(&a->tsig->signer);
	/* owner, type to RDLENGTH, algorithm, the fixed fields, no MAC */
	return name_length(rr->owner) + 10 + name_length(rr->alg_name) + 16;
}

size_t auth_tsig_finish(struct auth_query *a, size_t len)
{
	struct auth_tsig *t = a->tsig;
	enum tsig_status st = t->check.status;
	int n;

	if (t->signing)
		/* BADTIME keeps the client's time (RFC 8945 5.2.3) */
		n = tsig_sign(&t->signer, a->mw.w.data, len, a->mw.w.cap,
			      st == TSIG_BAD_TIME ? t->check.rr.time :
			      t->now);
	else
		n = tsig_append_unsigned(a->mw.w.data, len, a->mw.w.cap,
					 &t->check.rr, tsig_status_error(st),
					 t->now);
	/* never an unsigned answer to a good signed query */
	return n < 0 ? 0 : (size_t)n;
}

void auth_tsig_clear(struct auth_tsig *t)
{
	if (t->signing)
		tsig_signer_clear(&t->signer);
}
