/* Plays a scenario's steps in order on a fake clock. Before and after
 * each step the fake upstream answers what it can (ranges valid at the
 * step to come, as testbound does). QUERY goes through rpl_front.c;
 * REPLY (and CHECK_OUT_QUERY with copy_id) puts its entry in the pool of
 * answers; TIMEOUT/ERROR times out the oldest query out; TIME_PASSES
 * moves the clock;
 * CHECK_ANSWER takes the first waiting client answer that matches, and
 * when none does yet, times out the queries of that question one by one
 * (an upstream that never answers) until one does or nothing is left. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "resolve/cache.h"
#include "resolve/infra.h"
#include "rpl_run.h"
#include "wire/rrtype.h"

#define START_MS 1000000000ull  /* the fake clock's origin */
#define SETTLE_MAX 512          /* forced timeouts for one CHECK_ANSWER */

static uint64_t rnd_state;

/* Replayable "randomness" (xorshift), restarted for each scenario. */
static void rpl_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		rnd_state ^= rnd_state << 13;
		rnd_state ^= rnd_state >> 7;
		rnd_state ^= rnd_state << 17;
		p[i] = (uint8_t)rnd_state;
	}
}

void rpl_failf(struct rpl_run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(r->fail, sizeof(r->fail), fmt, ap);
	va_end(ap);
}

static void pool_add(struct rpl_run *r, const struct rpl_step *st)
{
	if (r->npool == RPL_POOL_MAX) {
		rpl_failf(r, "runner: more than %d REPLY steps", RPL_POOL_MAX);
		return;
	}
	r->pool[r->npool].e = st->entry;
	r->pool[r->npool].step = st->num;
	r->pool[r->npool].used = false;
	r->npool++;
}

/* Does the answer carry the question the entry expects? */
static bool same_question(const struct rpl_entry *e, const uint8_t *pkt,
			  size_t len)
{
	struct msg_query q;

	if (!e->has_question)
		return true;
	return msg_parse_query(&q, pkt, len) == 0 && q.has_question &&
	       q.qtype == e->qtype && name_equal(q.qname, e->qname);
}

/* The oldest query out for a client asking what e expects. */
static struct rpl_req *pending_for(struct rpl_run *r,
				   const struct rpl_entry *e)
{
	struct rpl_req *q, *best = NULL;

	for (q = r->reqs; q; q = q->next)
		if (q->waiting && q->clients &&
		    (!e->has_question ||
		     (q->qtype == e->qtype && name_equal(q->qname, e->qname))) &&
		    (!best || q->seq < best->seq))
			best = q;
	return best;
}

static struct rpl_answer *take_match(struct rpl_run *r,
				     const struct rpl_entry *e)
{
	struct rpl_answer **p, *a;
	char diff[8];

	for (p = &r->answers; (a = *p); p = &a->next)
		if (rpl_check(e, a->pkt, a->len, diff, sizeof(diff))) {
			*p = a->next;
			return a;
		}
	return NULL;
}

static void check_failed(struct rpl_run *r, const struct rpl_step *st)
{
	struct rpl_answer *a, *best = NULL;
	char diff[1600];

	if (r->failed)
		return;
	r->fail_step = st->num;
	for (a = r->answers; a && !best; a = a->next)
		if (same_question(st->entry, a->pkt, a->len))
			best = a;
	if (!best) {
		rpl_failf(r, "step %d (line %u) CHECK_ANSWER: no answer%s",
			  st->num, st->line,
			  r->answers ? " with that question" : " given");
		return;
	}
	rpl_check(st->entry, best->pkt, best->len, diff, sizeof(diff));
	rpl_failf(r, "step %d (line %u) CHECK_ANSWER (query of step %d):\n%s",
		  st->num, st->line, best->step, diff);
}

static void check_answer(struct rpl_run *r, const struct rpl_step *st)
{
	struct rpl_answer *a;
	struct rpl_req *q;

	for (int i = 0; i < SETTLE_MAX && !r->failed; i++) {
		a = take_match(r, st->entry);
		if (a) {
			if (r->verbose)
				fprintf(r->log, "    matched the answer to "
					"the query of step %d\n", a->step);
			free(a);
			return;
		}
		for (a = r->answers; a; a = a->next)
			if (same_question(st->entry, a->pkt, a->len))
				break;
		q = a ? NULL : pending_for(r, st->entry);
		if (!q)
			break;
		rpl_req_timeout(r, q);  /* nothing will answer it in time */
		rpl_net_run(r);
	}
	check_failed(r, st);
}

/* Only the clock: as in testbound, a query out stays out (a later
 * REPLY may answer it); CHECK_ANSWER and TIMEOUT end the wait. */
static void time_passes(struct rpl_run *r, const struct rpl_step *st)
{
	r->now_ms += (uint64_t)(st->elapse * 1000.0 + 0.5);
}

static void infra_step(struct rpl_run *r, const struct rpl_step *st)
{
	char ip[64], zone[256];
	unsigned rtt;
	struct res_addr a;

	if (sscanf(st->arg, "%63s %255s %u", ip, zone, &rtt) != 3 ||
	    rpl_addr_parse(&a, ip) < 0) {
		rpl_failf(r, "runner: step %d: bad INFRA_RTT", st->num);
		return;
	}
	infra_rtt(r->infra, (const struct sockaddr *)&a.sa, rtt, r->now_ms);
}

static void do_step(struct rpl_run *r, const struct rpl_step *st)
{
	struct rpl_req *q;

	switch (st->kind) {
	case ST_QUERY:
		rpl_front_query(r, st);
		break;
	case ST_CHECK_ANSWER:
		check_answer(r, st);
		break;
	case ST_CHECK_OUT:
		if (st->entry->adjust & RA_COPY_ID)
			pool_add(r, st);
		break;
	case ST_REPLY:
		pool_add(r, st);
		break;
	case ST_TIMEOUT:
	case ST_ERROR:
		q = rpl_req_oldest(r, false);
		if (q)
			rpl_req_timeout(r, q);
		break;
	case ST_TIME_PASSES:
		time_passes(r, st);
		break;
	case ST_INFRA_RTT:
		infra_step(r, st);
		break;
	case ST_NOTHING:
	case ST_TRAFFIC:
		break;
	default:
		rpl_failf(r, "runner: step %d: kind not supported", st->num);
	}
}

static const char *const kind_name[] = {
	[ST_NOTHING] = "NOTHING", [ST_QUERY] = "QUERY",
	[ST_CHECK_ANSWER] = "CHECK_ANSWER", [ST_CHECK_OUT] = "CHECK_OUT_QUERY",
	[ST_REPLY] = "REPLY", [ST_TIMEOUT] = "TIMEOUT",
	[ST_TIME_PASSES] = "TIME_PASSES", [ST_TRAFFIC] = "TRAFFIC",
	[ST_ERROR] = "ERROR", [ST_INFRA_RTT] = "INFRA_RTT",
	[ST_FLUSH] = "FLUSH_MESSAGE", [ST_EXPIRE] = "EXPIRE_MESSAGE",
	[ST_ASSIGN] = "ASSIGN", [ST_CHECK_AUTOTRUST] = "CHECK_AUTOTRUST",
	[ST_CHECK_TEMPFILE] = "CHECK_TEMPFILE",
};

static void show_step(struct rpl_run *r, const struct rpl_step *st)
{
	char d[400];
	uint8_t pkt[4096];
	size_t len;

	fprintf(r->log, "STEP %d %s (line %u)", st->num, kind_name[st->kind],
		st->line);
	if (st->kind == ST_TIME_PASSES)
		fprintf(r->log, " %g s", st->elapse);
	if (st->entry) {
		len = rpl_entry_packet(st->entry, NULL, 0, pkt, sizeof(pkt));
		rpl_describe(pkt, len, d, sizeof(d));
		fprintf(r->log, ": %s", d);
	}
	fputc('\n', r->log);
}

/* What testbound checks at the end, as far as it is about answers:
 * every answer was checked. CHECK_OUT_QUERY steps never matched by a
 * query banchi sent are counted (and shown with -v), not failed. */
static void end_checks(struct rpl_run *r)
{
	const struct rpl_scen *s = r->s;

	for (size_t i = 0; i < s->nsteps; i++) {
		const struct rpl_step *st = &s->steps[i];

		if (st->kind != ST_CHECK_OUT ||
		    rpl_net_seen(r, st->entry, &st->addr))
			continue;
		r->out_unmet++;
		if (r->verbose)
			fprintf(r->log, "note: no query matched CHECK_OUT_QUERY "
				"of step %d (line %u)\n", st->num, st->line);
	}
	if (r->answers)
		rpl_failf(r, "end: the answer to the query of step %d was "
			  "never checked", r->answers->step);
}

/* The wall clock of a DNSSEC scenario (val-override-date), moving with
 * the fake clock; the runner plays one scenario at a time. */
static const struct rpl_run *wall_of;

static uint32_t rpl_wall(void)
{
	return wall_of->su->wall +
	       (uint32_t)((wall_of->now_ms - START_MS) / 1000);
}

static int init(struct rpl_run *r, const struct rpl_scen *s,
		struct rpl_setup *su, bool verbose)
{
	memset(r, 0, sizeof(*r));
	r->s = s;
	r->su = su;
	r->verbose = verbose;
	r->log = stdout;
	r->now_ms = START_MS;
	r->fail_step = -1;
	r->cache = cache_new(&su->cc);
	r->infra = infra_new(1000);
	r->ans = malloc(sizeof(*r->ans));
	r->sent = calloc(RPL_LOG_MAX, sizeof(*r->sent));
	if (!r->cache || !r->infra || !r->ans || !r->sent)
		return -1;
	r->env.cache = r->cache;
	r->env.infra = r->infra;
	r->env.conf = &su->rc;
	r->env.random = rpl_random;
	if (su->rc.dnssec) {
		wall_of = r;
		r->env.wall = rpl_wall;
	}
	rnd_state = 88172645463325252ull;
	return 0;
}

int rpl_run(struct rpl_run *r, const struct rpl_scen *s,
	    struct rpl_setup *su, bool verbose)
{
	if (init(r, s, su, verbose) < 0) {
		rpl_failf(r, "runner: out of memory");
		return 1;
	}
	for (size_t i = 0; i < s->nsteps && !r->failed; i++) {
		const struct rpl_step *st = &s->steps[i];

		r->stepnum = st->num;
		rpl_net_run(r);
		if (verbose)
			show_step(r, st);
		do_step(r, st);
		r->stepnum = i + 1 < s->nsteps ? s->steps[i + 1].num : st->num;
		rpl_net_run(r);
	}
	if (!r->failed)
		end_checks(r);
	return r->failed ? 1 : 0;
}

void rpl_run_free(struct rpl_run *r)
{
	struct rpl_req *q, *qn;
	struct rpl_answer *a, *an;
	struct rpl_client *c, *cn;

	for (q = r->reqs; q; q = qn) {
		qn = q->next;
		for (c = q->clients; c; c = cn) {
			cn = c->next;
			free(c);
		}
		iter_free(q->it);
		free(q);
	}
	for (a = r->answers; a; a = an) {
		an = a->next;
		free(a);
	}
	if (r->cache)
		cache_free(r->cache);
	if (r->infra)
		infra_free(r->infra);
	free(r->ans);
	free(r->sent);
	r->reqs = NULL;
	r->answers = NULL;
	r->cache = NULL;
	r->infra = NULL;
}
