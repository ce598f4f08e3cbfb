/* The iterator's state machine: one function per frame state, the goal
 * stack (side goals for name server addresses and root priming) and the
 * limits that bound the work of one client query. What a reply means is
 * decided in iter_reply.c; where to send in iter_select.c. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/edns.h"
#include "wire/rrtype.h"

struct iter *iter_new(const struct res_env *env)
{
	struct iter *it = calloc(1, sizeof(*it));

	if (!it)
		return NULL;
	it->env = env;
	it->setcap = ITER_SETBUF_MIN;
	it->setbuf = malloc(it->setcap);
	if (!it->setbuf) {
		free(it);
		return NULL;
	}
	return it;
}

void iter_free(struct iter *it)
{
	if (!it)
		return;
	free(it->setbuf);
	iter_val_free(it);
	free(it);
}

static void frame_init(struct iter *it, struct iter_frame *f,
		       const uint8_t *name, uint16_t qtype, int parent_ns)
{
	memcpy(f->qname, name, name_length(name));
	name_to_lower(f->qname);
	f->qtype = qtype;
	f->state = FS_FIND_CUT;
	f->kind = CUT_ITER;
	f->minimise = it->env->conf->qname_min;
	f->min_labels = 1;
	f->tried_aaaa = f->pside = false;
	f->cached = f->refetched = false;
	f->skip_labels = UINT8_MAX;
	f->parent_ns = parent_ns;
	f->nns = 0;
	f->nsrv = 0;
	f->cur = -1;
	f->empty_seen = false;
}

/* it->ahead_ms of a prefetch: the TTL left of the answer it refreshes
 * (its shortest set) and a minute. */
static uint64_t prefetch_ahead(struct iter *it, uint64_t now_ms)
{
	uint32_t left = UINT32_MAX;
	bool prefetch = false;

	if (answer_from_cache(&it->scratch, it->env->cache, it->qname,
			      it->qtype, it->qclass, now_ms, 0,
			      &prefetch) != 1)
		return 0;
	for (uint16_t i = 0; i < it->scratch.nsets; i++)
		if (it->scratch.sets[i].set.ttl < left)
			left = it->scratch.sets[i].set.ttl;
	return left == UINT32_MAX ? 0 : ((uint64_t)left + 60) * 1000;
}

/* Validation for this resolution: on with the conf (and a clock), one
 * budget for the client query (KeyTrap). */
static void val_init(struct iter *it)
{
	struct iter_val *v = &it->val;

	v->on = it->env->conf->dnssec && it->env->wall;
	v->next = 0;
	v->now = v->on ? it->env->wall() : 0;
	dnssec_budget_init(&v->budget);
	v->nasked = 0;
	for (unsigned i = 0; i < ANSWER_SETS; i++)
		v->cut[i][0] = 0;
	if (v->proof_next || v->proofs[0].len)
		iter_val_drop_proofs(it);
	v->failed = false;
	v->plen = 0;
	v->neg = false;
}

/* Validating, a cached answer with an unchecked set that has no RRSIG
 * is resolved again: it was cached without DO (before validation was
 * turned on), or its validation did not end; an unsigned set from an
 * insecure zone is INSECURE once checked. So is an unchecked negative
 * answer: its proof is checked from the reply. */
static bool sigs_missing(const struct iter *it, const struct answer *a)
{
	for (uint16_t i = 0; it->val.on && i < a->nsets; i++) {
		const struct answer_set *as = &a->sets[i];

		if (as->set.sec != SEC_UNCHECKED)
			continue;
		if ((as->section == MSG_ANSWER && !as->set.nsigs) ||
		    as->role == ANSWER_ROLE_NEG)
			return true;
	}
	return false;
}

void iter_answered(struct iter *it)
{
	it->depth = 0;
	if (it->frames[0].state != FS_VALIDATE && iter_validate_begin(it)) {
		it->frames[0].state = FS_VALIDATE;
		return;
	}
	it->done = true;
}

int iter_begin(struct iter *it, const uint8_t *qname, uint16_t qtype,
	       uint16_t qclass, unsigned flags, uint64_t now_ms)
{
	bool prefetch = false;

	if (!qname || name_check(qname, NAME_MAXLEN) <= 0)
		return BN_EINVAL;
	memcpy(it->qname, qname, name_length(qname));
	name_to_lower(it->qname);
	it->qtype = qtype;
	it->qclass = qclass;
	it->flags = flags;
	it->start_ms = now_ms;
	it->done = false;
	it->primed = false;
	it->want_tcp = false;
	it->ncname = 0;
	it->targets = it->target_nx = 0;
	it->depth = 0;
	memset(&it->stats, 0, sizeof(it->stats));
	frame_init(it, &it->frames[0], it->qname, qtype, -1);
	val_init(it);
	it->ahead_ms = flags & ITER_PREFETCH ? prefetch_ahead(it, now_ms) : 0;
	if (!(flags & ITER_PREFETCH) &&
	    answer_from_cache(&it->ans, it->env->cache, it->qname, qtype,
			      qclass, now_ms, 0, &prefetch) == 1 &&
	    !sigs_missing(it, &it->ans)) {
		iter_answered(it);      /* unchecked data: validated now */
		return 0;
	}
	answer_init(&it->ans, RCODE_NOERROR);
	return 0;
}

void iter_fail(struct iter *it)
{
	answer_init(&it->ans, RCODE_SERVFAIL);
	it->done = true;
	it->depth = 0;
}

static void cut_take_hints(struct iter_frame *p, const struct iter_frame *f);

/* The side goal on top ended with ok (its addresses, if any, are in the
 * parent already): the parent chooses again. Priming (parent_ns -1)
 * sends the parent back to its cut search, which now finds the root. */
static void frame_pop(struct iter *it, bool ok)
{
	struct iter_frame *f = iter_top(it);
	struct iter_frame *p = &it->frames[it->depth - 1];

	if (f->parent_ns >= 0) {
		p->ns[f->parent_ns].state = ok ? NS_HAVE : NS_FAILED;
		p->state = FS_SELECT;
	} else if (f->parent_ns == ITER_VAL_GOAL) {
		p->state = FS_VALIDATE; /* it reads what came from the cache */
	} else if (ok) {
		p->state = FS_FIND_CUT;
	} else {
		cut_take_hints(p, f);
	}
	it->depth--;
}

/* Priming failed: the goal starts from the hints, keeping what priming
 * learnt of them (which ones timed out or were broken), so that dead
 * hints are not waited for twice. */
static void cut_take_hints(struct iter_frame *p, const struct iter_frame *f)
{
	memcpy(p->zone, f->zone, sizeof(p->zone));
	memcpy(p->bail, f->bail, sizeof(p->bail));
	p->kind = f->kind;
	p->nns = f->nns;
	memcpy(p->ns, f->ns, sizeof(p->ns));
	p->nsrv = f->nsrv;
	memcpy(p->srv, f->srv, sizeof(p->srv));
	p->min_labels = 1;
	p->cur = -1;
	p->state = FS_SELECT;
}

void iter_frame_done(struct iter *it)
{
	if (it->depth == 0)
		iter_answered(it);
	else
		frame_pop(it, true);
}

/* The client's goal failed: when no server of its cut answered and
 * some were silent (timed out, or known dead and skipped), the SERVFAIL
 * says so (RFC 8914 EDE 22, No Reachable Authority). */
void iter_frame_failed(struct iter *it)
{
	const struct iter_frame *f = iter_top(it);
	bool silent = f->replies == 0 && f->silent > 0;

	if (it->depth > 0) {
		frame_pop(it, false);
		return;
	}
	iter_fail(it);
	if (silent)
		answer_set_ede(&it->ans, EDNS_EDE_NO_REACHABLE_AUTHORITY, NULL);
}

static bool goal_on_stack(const struct iter *it, const uint8_t *name)
{
	for (unsigned i = 0; i <= it->depth; i++)
		if (name_equal(it->frames[i].qname, name))
			return true;
	return false;
}

int iter_push(struct iter *it, const uint8_t *name, uint16_t qtype,
	      int parent_ns)
{
	unsigned max = it->env->conf->max_depth;

	if (max > ITER_MAX_FRAMES - 1)
		max = ITER_MAX_FRAMES - 1;
	if (it->depth + 1 > max)
		return BN_ENOSPC;
	it->depth++;
	frame_init(it, iter_top(it), name, qtype, parent_ns);
	return 0;
}

/* A CNAME/DNAME target the server asked cannot answer for: resolve it
 * from the start (the links so far stay in the answer). */
void iter_restart_at(struct iter *it, const uint8_t *target, uint64_t now)
{
	struct iter_frame *f = iter_top(it);
	bool prefetch = false;
	int parent_ns = f->parent_ns;
	uint16_t qtype = f->qtype;
	bool tried_aaaa = f->tried_aaaa;

	if (it->depth == 0 &&
	    answer_from_cache(&it->scratch, it->env->cache, target, it->qtype,
			      it->qclass, now, 0, &prefetch) == 1 &&
	    !sigs_missing(it, &it->scratch)) {
		for (uint16_t i = 0; i < it->scratch.nsets; i++) {
			const struct answer_set *s = &it->scratch.sets[i];
			uint16_t n = it->ans.nsets;

			if (answer_add(&it->ans, s->section, &s->set) < 0) {
				iter_fail(it);
				return;
			}
			/* a negative answer's SOA and proof sets stay what
			 * they are (the proof goes to DO clients only) */
			if (it->ans.nsets > n)
				it->ans.sets[n].role = s->role;
		}
		it->ans.rcode = it->scratch.rcode;
		iter_answered(it);
		return;
	}
	frame_init(it, f, target, qtype, parent_ns);
	f->tried_aaaa = tried_aaaa;
}

/* The cut's NS names may be looked up on the side while the client
 * query's budget for such lookups lasts (Unbound's bounds, against
 * NXNS-style delegations to many names that do not exist). */
static bool may_look_up(const struct iter *it)
{
	return it->targets < ITER_MAX_TARGETS &&
	       it->target_nx < ITER_MAX_TARGET_NX;
}

/* Pushes the lookup of one of the cut's NS names without an address;
 * false when there is none to look up. */
static bool look_up_ns(struct iter *it, struct iter_frame *f)
{
	for (uint16_t n = 0; n < f->nns && may_look_up(it); n++) {
		struct iter_ns *ns = &f->ns[n];

		if (ns->state != NS_NEED)
			continue;
		if (goal_on_stack(it, ns->name)) {
			ns->state = NS_FAILED;
			continue;
		}
		ns->state = NS_RESOLVING;
		if (iter_push(it, ns->name, RR_A, n) == 0) {
			it->targets++;
			return true;
		}
		ns->state = NS_FAILED;
	}
	return false;
}

/* Last of all, each name server whose cached addresses came from its
 * own zone is looked up once more, from above that zone (Unbound's
 * parent-side target queries): the parent's glue for it, which may
 * differ, comes to this cut on the way (glue_to_parent). */
static bool look_up_pside(struct iter *it, struct iter_frame *f)
{
	for (uint16_t n = 0; n < f->nns && may_look_up(it); n++) {
		struct iter_ns *ns = &f->ns[n];

		if (!ns->child || ns->pside_asked ||
		    goal_on_stack(it, ns->name))
			continue;
		ns->pside_asked = true;
		if (iter_push(it, ns->name, RR_A, n) == 0) {
			iter_top(it)->pside = true;
			it->targets++;
			return true;
		}
	}
	return false;
}

/* The zone's servers; when they are spent, its NS names without
 * addresses; then the servers asked only as a last resort (srv_tier);
 * then the parent zone again (cut_refetch); then the parent side of
 * its name servers (look_up_pside); else this goal fails. */
static void st_select(struct iter *it, struct iter_frame *f, uint64_t now)
{
	int i = srv_pick(it, f, now, TIER_AVOID);

	if (i < 0 && look_up_ns(it, f))
		return;
	if (i < 0)
		i = srv_pick(it, f, now, TIER_RECURSIVE);
	if (i >= 0) {
		f->cur = i;
		f->state = FS_SEND;
		return;
	}
	if (!cut_refetch(f) && !look_up_pside(it, f))
		iter_frame_failed(it);
}

static int st_send(struct iter *it, struct iter_frame *f, uint64_t now,
		   struct iter_query *q)
{
	bool tcp = it->want_tcp;

	if (it->stats.upstream >= it->env->conf->max_upstream) {
		iter_fail(it);
		return 0;
	}
	it->want_tcp = false;
	if (query_build(it, f, now, q, tcp) < 0) {
		f->srv[f->cur].tries = ITER_MAX_TRIES;
		f->state = FS_SELECT;
		return 0;
	}
	it->stats.upstream++;
	if (tcp)
		it->stats.tcp++;
	it->last = *q;
	f->state = FS_WAIT;
	return ITER_SEND;
}

static bool out_of_time(const struct iter *it, uint64_t now)
{
	return now - it->start_ms >= it->env->conf->max_time_ms;
}

int iter_step(struct iter *it, uint64_t now_ms, struct iter_query *q)
{
	for (unsigned steps = 0; steps < ITER_MAX_STEPS; steps++) {
		struct iter_frame *f = iter_top(it);

		if (it->done)
			return ITER_DONE;
		if (out_of_time(it, now_ms)) {
			iter_fail(it);
			continue;
		}
		switch (f->state) {
		case FS_FIND_CUT:
			cut_find(it, f, now_ms);
			break;
		case FS_SELECT:
			st_select(it, f, now_ms);
			break;
		case FS_SEND:
			if (st_send(it, f, now_ms, q) == ITER_SEND)
				return ITER_SEND;
			break;
		case FS_VALIDATE:
			iter_validate(it, now_ms);
			break;
		default:        /* FS_WAIT: asked again, the same query */
			*q = it->last;
			return ITER_SEND;
		}
	}
	iter_fail(it);
	return ITER_DONE;
}

int iter_consume(struct iter *it, const uint8_t *pkt, size_t len,
		 uint64_t now_ms)
{
	struct iter_frame *f = iter_top(it);
	struct msg m;
	int ret;

	if (it->done || f->state != FS_WAIT)
		return ITER_IGNORED;
	ret = reply_accept(it, pkt, len, &m);
	if (ret == ITER_CASE_LOST)      /* maybe a spoof: wait on (iter_timeout) */
		it->sent.case_lost = true;
	if (ret == ITER_IGNORED || ret == ITER_CASE_LOST)
		return ITER_IGNORED;
	f->replies++;
	infra_rtt(it->env->infra, (const struct sockaddr *)&f->srv[it->sent.srv].addr.sa,
		  (unsigned)(now_ms - it->sent.at_ms), now_ms);
	if (ret < 0) {          /* malformed, from the server asked */
		struct msg_hdr h;

		/* some servers cut a truncated reply mid-record: TC still
		 * means "ask again over TCP" */
		if (msg_hdr_parse(&h, pkt, len) == 0 && msg_hdr_tc(&h) &&
		    !it->sent.tcp) {
			it->want_tcp = true;
			f->state = FS_SEND;
			return 0;
		}
		f->srv[it->sent.srv].tries = ITER_MAX_TRIES;
		f->state = FS_SELECT;
		return 0;
	}
	reply_process(it, &m, now_ms);
	return 0;
}

void iter_timeout(struct iter *it, uint64_t now_ms)
{
	struct iter_frame *f = iter_top(it);
	struct iter_srv *s;

	if (it->done || f->state != FS_WAIT)
		return;
	s = &f->srv[it->sent.srv];
	if (it->sent.case_lost) {
		/* it answered, without our case, and nothing with our case
		 * came (a spoofer's copy would lose the race to it): the
		 * server drops the case; ask it again in lowercase */
		s->no_0x20 = true;
		f->state = FS_SEND;
		return;
	}
	if (!it->sent.clipped)
		infra_timeout(it->env->infra,
			      (const struct sockaddr *)&s->addr.sa,
			      it->sent.qtype, it->sent.rto_ms, now_ms);
	it->stats.timeouts++;
	f->silent++;
	if (s->tries < ITER_MAX_TRIES)
		s->tries++;
	f->state = FS_SELECT;
}

void iter_unsent(struct iter *it)
{
	struct iter_frame *f = iter_top(it);

	if (it->done || f->state != FS_WAIT)
		return;
	f->srv[it->sent.srv].tries = ITER_MAX_TRIES;
	f->state = FS_SELECT;
}

void iter_abort(struct iter *it)
{
	iter_fail(it);
}

bool iter_try_stale(struct iter *it, uint64_t now_ms)
{
	struct answer_ede why = it->ans.ede;
	bool prefetch = false;

	if (answer_from_cache(&it->ans, it->env->cache, it->qname, it->qtype,
			      it->qclass, now_ms, CACHE_STALE | CACHE_STALE_FAILED,
			      &prefetch) == 1) {
		it->done = true;
		return true;
	}
	answer_init(&it->ans, RCODE_SERVFAIL);
	it->ans.ede = why;      /* the SERVFAIL still says why */
	return false;
}

const struct answer *iter_result(const struct iter *it)
{
	return &it->ans;
}

const struct iter_stats *iter_get_stats(const struct iter *it)
{
	return &it->stats;
}
