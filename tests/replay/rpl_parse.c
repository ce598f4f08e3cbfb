/* Reads a testbound scenario file: the config section (as "clause / key
 * / value" options, several per line allowed as in unbound.conf), then
 * the RANGE blocks and STEPs. Entries are read by rpl_entry.c. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rpl.h"

static int fail(struct rpl_scen *s, const struct rpl_pstate *ps,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(s->err, sizeof(s->err), "line %u: ", ps->line);
	va_start(ap, fmt);
	vsnprintf(s->err + n, sizeof(s->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

int rpl_addr_parse(struct res_addr *a, const char *text)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->sa;
	char ip[64];
	const char *at = strchr(text, '@');
	size_t n = at ? (size_t)(at - text) : strlen(text);
	unsigned port = at ? (unsigned)atoi(at + 1) : 53;

	while (n && isspace((unsigned char)text[n - 1]))
		n--;
	if (n == 0 || n >= sizeof(ip) || port == 0 || port > 65535)
		return -1;
	memcpy(ip, text, n);
	ip[n] = 0;
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		a->len = sizeof(*s4);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*s6);
		return 0;
	}
	return -1;
}

/* ---- config section ---- */

static bool is_clause(const char *k)
{
	static const char *const clauses[] = {
		"server", "stub-zone", "forward-zone", "auth-zone", "view",
		"rpz", "remote-control", "python", "dynlib", "dnstap",
		"cachedb", "dnscrypt", "ipset", NULL,
	};

	for (int i = 0; clauses[i]; i++)
		if (strcmp(k, clauses[i]) == 0)
			return true;
	return false;
}

/* The next config token (a quoted string or a word) into tok; its
 * length, -1 at the end of the line. *quoted says which. */
static int conf_token(char **p, char *tok, size_t cap, bool *quoted)
{
	char *s = *p, end;
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '#')
		return -1;
	*quoted = *s == '"' || *s == '\'';
	end = *quoted ? *s++ : 0;
	while (*s && (end ? *s != end : !isspace((unsigned char)*s))) {
		if (n + 1 < cap)
			tok[n++] = *s;
		s++;
	}
	if (end && *s)
		s++;
	tok[n] = 0;
	*p = s;
	return (int)n;
}

static struct rpl_opt *opt_new(struct rpl_scen *s)
{
	struct rpl_opt *o;

	if (s->nopts == s->capopts) {
		size_t cap = s->capopts ? 2 * s->capopts : 32;

		o = realloc(s->opts, cap * sizeof(*o));
		if (!o)
			return NULL;
		s->opts = o;
		s->capopts = cap;
	}
	o = &s->opts[s->nopts++];
	memset(o, 0, sizeof(*o));
	return o;
}

struct conf_state {
	char clause[32];
	unsigned block;
	struct rpl_opt *cur;            /* the key whose value is being read */
};

static unsigned clause_count(const struct rpl_scen *s, const char *c)
{
	unsigned n = 0;

	for (size_t i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].clause, c) == 0 && s->opts[i].block > n)
			n = s->opts[i].block;
	return n;
}

static int conf_line(struct rpl_scen *s, struct conf_state *cs, char *p,
		     unsigned line)
{
	char tok[512];
	bool quoted;
	int n;

	while ((n = conf_token(&p, tok, sizeof(tok), &quoted)) >= 0) {
		if (!quoted && n > 1 && tok[n - 1] == ':') {
			tok[n - 1] = 0;
			if (is_clause(tok)) {
				snprintf(cs->clause, sizeof(cs->clause), "%.31s",
					 tok);
				cs->block = clause_count(s, tok) + 1;
				cs->cur = NULL;
				continue;
			}
			cs->cur = opt_new(s);
			if (!cs->cur)
				return -1;
			snprintf(cs->cur->clause, sizeof(cs->cur->clause),
				 "%s", cs->clause);
			cs->cur->block = cs->block;
			snprintf(cs->cur->key, sizeof(cs->cur->key), "%.47s",
				 tok);
			cs->cur->line = line;
			continue;
		}
		if (!cs->cur)
			continue;
		size_t l = strlen(cs->cur->val);

		snprintf(cs->cur->val + l, sizeof(cs->cur->val) - l, "%s%s",
			 l ? " " : "", tok);
	}
	return 0;
}

/* Skips the lines up to one starting with end. */
static int skip_block(struct rpl_pstate *ps, const char *end)
{
	char *p;

	while ((p = rpl_line(ps)))
		if (rpl_kw(&p, end))
			return 0;
	return -1;
}

static int read_config(struct rpl_scen *s, struct rpl_pstate *ps)
{
	struct conf_state cs = { .clause = "server", .block = 1 };
	char *p;

	while ((p = rpl_line(ps))) {
		if (rpl_kw(&p, "CONFIG_END"))
			return 0;
		if (rpl_kw(&p, "COMMANDLINE")) {
			s->cmdline = true;
		} else if (rpl_kw(&p, "AUTOTRUST_FILE")) {
			s->autotrust = true;
			if (skip_block(ps, "AUTOTRUST_END") < 0)
				return fail(s, ps, "no AUTOTRUST_END");
		} else if (rpl_kw(&p, "TEMPFILE_CONTENTS")) {
			s->tempfile = true;
			if (skip_block(ps, "TEMPFILE_END") < 0)
				return fail(s, ps, "no TEMPFILE_END");
		} else if (rpl_kw(&p, "TEMPFILE_NAME")) {
			s->tempfile = true;
			if (cs.cur)
				snprintf(cs.cur->val, sizeof(cs.cur->val),
					 "TEMPFILE:%s", p);
		} else if (conf_line(s, &cs, p, ps->line) < 0) {
			return fail(s, ps, "out of memory");
		}
	}
	return fail(s, ps, "no CONFIG_END");
}

/* ---- scenario section ---- */

/* The entry after a STEP or inside a RANGE: ENTRY_BEGIN is next. */
static struct rpl_entry *next_entry(struct rpl_scen *s, struct rpl_pstate *ps)
{
	struct rpl_entry *e;
	char *p;
	int d;

	while ((p = rpl_line(ps))) {
		d = rpl_directive(ps, p);
		if (d < 0)
			break;
		if (d)
			continue;
		if (!rpl_kw(&p, "ENTRY_BEGIN"))
			break;
		e = rpl_entry_read(ps);
		if (!e)
			fail(s, ps, "%s", ps->err);
		return e;
	}
	fail(s, ps, "ENTRY_BEGIN expected");
	return NULL;
}

static int read_range(struct rpl_scen *s, struct rpl_pstate *ps, char *p)
{
	struct rpl_range *r = calloc(1, sizeof(*r)), **rp;
	struct rpl_entry **tail;
	int d;

	if (!r)
		return fail(s, ps, "out of memory");
	for (rp = &s->ranges; *rp; rp = &(*rp)->next)
		;
	*rp = r;
	tail = &r->entries;
	if (sscanf(p, "%d %d", &r->start, &r->end) != 2)
		return fail(s, ps, "bad RANGE_BEGIN");
	while ((p = rpl_line(ps))) {
		if (rpl_kw(&p, "RANGE_END"))
			return 0;
		if (rpl_kw(&p, "ADDRESS")) {
			if (rpl_addr_parse(&r->addr.a, p) < 0)
				return fail(s, ps, "bad ADDRESS %s", p);
			r->addr.set = true;
			continue;
		}
		d = rpl_directive(ps, p);
		if (d < 0)
			return fail(s, ps, "bad $ORIGIN");
		if (d)
			continue;
		if (!rpl_kw(&p, "ENTRY_BEGIN"))
			return fail(s, ps, "unexpected '%s' in RANGE", p);
		*tail = rpl_entry_read(ps);
		if (!*tail)
			return fail(s, ps, "%s", ps->err);
		tail = &(*tail)->next;
	}
	return fail(s, ps, "no RANGE_END");
}

static struct rpl_step *step_new(struct rpl_scen *s)
{
	struct rpl_step *st;

	if (s->nsteps == s->capsteps) {
		size_t cap = s->capsteps ? 2 * s->capsteps : 32;

		st = realloc(s->steps, cap * sizeof(*st));
		if (!st)
			return NULL;
		s->steps = st;
		s->capsteps = cap;
	}
	st = &s->steps[s->nsteps++];
	memset(st, 0, sizeof(*st));
	return st;
}

static const struct {
	const char *kw;
	enum rpl_kind kind;
	bool entry;
} step_kinds[] = {
	{ "NOTHING", ST_NOTHING, false },
	{ "QUERY", ST_QUERY, true },
	{ "CHECK_ANSWER", ST_CHECK_ANSWER, true },
	{ "CHECK_OUT_QUERY", ST_CHECK_OUT, true },
	{ "REPLY", ST_REPLY, true },
	{ "TIMEOUT", ST_TIMEOUT, false },
	{ "TIME_PASSES", ST_TIME_PASSES, false },
	{ "TRAFFIC", ST_TRAFFIC, false },
	{ "ERROR", ST_ERROR, false },
	{ "INFRA_RTT", ST_INFRA_RTT, false },
	{ "FLUSH_MESSAGE", ST_FLUSH, false },
	{ "EXPIRE_MESSAGE", ST_EXPIRE, false },
	{ "ASSIGN", ST_ASSIGN, false },
	{ "CHECK_AUTOTRUST", ST_CHECK_AUTOTRUST, false },
	{ "CHECK_TEMPFILE", ST_CHECK_TEMPFILE, false },
};

/* The arguments after the step kind: ADDRESS, ELAPSE/EVAL, the rest. */
static int step_args(struct rpl_scen *s, struct rpl_pstate *ps,
		     struct rpl_step *st, char *p)
{
	if (st->kind == ST_TIME_PASSES) {
		if (rpl_kw(&p, "ELAPSE"))
			st->elapse = strtod(p, NULL);
		else if (rpl_kw(&p, "EVAL"))
			st->eval = s->macros = true;
		else
			return fail(s, ps, "bad TIME_PASSES");
		return 0;
	}
	if (st->kind == ST_ASSIGN)
		s->macros = true;
	if (rpl_kw(&p, "ADDRESS")) {
		if (rpl_addr_parse(&st->addr.a, p) < 0)
			return fail(s, ps, "bad ADDRESS %s", p);
		st->addr.set = true;
		return 0;
	}
	snprintf(st->arg, sizeof(st->arg), "%s", p);
	return 0;
}

static int read_step(struct rpl_scen *s, struct rpl_pstate *ps, char *p)
{
	struct rpl_step *st = step_new(s);
	size_t i;

	if (!st)
		return fail(s, ps, "out of memory");
	st->line = ps->line;
	st->num = (int)strtol(p, &p, 10);
	while (isspace((unsigned char)*p))
		p++;
	for (i = 0; i < sizeof(step_kinds) / sizeof(step_kinds[0]); i++)
		if (rpl_kw(&p, step_kinds[i].kw))
			break;
	if (i == sizeof(step_kinds) / sizeof(step_kinds[0]))
		return fail(s, ps, "unknown step '%s'", p);
	st->kind = step_kinds[i].kind;
	if (step_args(s, ps, st, p) < 0)
		return -1;
	if (st->kind == ST_CHECK_AUTOTRUST || st->kind == ST_CHECK_TEMPFILE)
		return skip_block(ps, "FILE_END") < 0 ?
		       fail(s, ps, "no FILE_END") : 0;
	if (!step_kinds[i].entry)
		return 0;
	st->entry = next_entry(s, ps);
	return st->entry ? 0 : -1;
}

static int read_scenario(struct rpl_scen *s, struct rpl_pstate *ps)
{
	char *p;
	int d;

	while ((p = rpl_line(ps))) {
		if (rpl_kw(&p, "SCENARIO_BEGIN")) {
			snprintf(s->title, sizeof(s->title), "%s", p);
			break;
		}
	}
	if (!p)
		return fail(s, ps, "no SCENARIO_BEGIN");
	while ((p = rpl_line(ps))) {
		if (strstr(p, "${"))
			s->macros = true;
		if (rpl_kw(&p, "SCENARIO_END"))
			return 0;
		if (rpl_kw(&p, "RANGE_BEGIN")) {
			if (read_range(s, ps, p) < 0)
				return -1;
		} else if (rpl_kw(&p, "STEP")) {
			if (read_step(s, ps, p) < 0)
				return -1;
		} else if (rpl_kw(&p, "RANGE_END")) {
			continue;       /* a stray one (iter_failreply.rpl) */
		} else if ((d = rpl_directive(ps, p)) <= 0) {
			return fail(s, ps, "unexpected '%s'", p);
		}
	}
	return fail(s, ps, "no SCENARIO_END");
}

int rpl_read(struct rpl_scen *s, const char *path)
{
	struct rpl_pstate *ps = calloc(1, sizeof(*ps));
	const char *slash = strrchr(path, '/');
	int ret;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->base = s->path + (slash ? slash - path + 1 : 0);
	if (!ps) {
		snprintf(s->err, sizeof(s->err), "out of memory");
		return -1;
	}
	ps->f = fopen(path, "r");
	ps->ttl = 3600;
	ps->origin[0] = 0;
	if (!ps->f) {
		snprintf(s->err, sizeof(s->err), "cannot open %s", path);
		free(ps);
		return -1;
	}
	ret = read_config(s, ps);
	if (ret == 0)
		ret = read_scenario(s, ps);
	fclose(ps->f);
	free(ps);
	return ret;
}

void rpl_free(struct rpl_scen *s)
{
	struct rpl_range *r, *rn;

	for (r = s->ranges; r; r = rn) {
		rn = r->next;
		rpl_entry_free(r->entries);
		free(r);
	}
	for (size_t i = 0; i < s->nsteps; i++)
		rpl_entry_free(s->steps[i].entry);
	free(s->steps);
	free(s->opts);
	memset(s, 0, sizeof(*s));
}
