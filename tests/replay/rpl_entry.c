/* One ENTRY_BEGIN .. ENTRY_END block of a scenario: MATCH, REPLY and
 * ADJUST keywords, SECTION lines with records in master-file text (read
 * by banchi's zparse, one line at a time, with the file's $ORIGIN and
 * $TTL), and the HEX_ANSWER / HEX_EDNSDATA blocks. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rpl.h"
#include "wire/rrtype.h"
#include "zparse/zparse.h"

char *rpl_line(struct rpl_pstate *ps)
{
	char *p;
	size_t n;

	while (fgets(ps->buf, sizeof(ps->buf), ps->f)) {
		ps->line++;
		p = ps->buf;
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == ';')
			continue;
		n = strlen(p);
		while (n && isspace((unsigned char)p[n - 1]))
			p[--n] = 0;
		return p;
	}
	return NULL;
}

bool rpl_kw(char **p, const char *kw)
{
	size_t n = strlen(kw);
	char c;

	if (strncmp(*p, kw, n) != 0)
		return false;
	c = (*p)[n];
	if (c && !isspace((unsigned char)c) && kw[n - 1] != '=')
		return false;
	*p += n;
	while (isspace((unsigned char)**p))
		(*p)++;
	return true;
}

int rpl_directive(struct rpl_pstate *ps, char *p)
{
	if (rpl_kw(&p, "$ORIGIN")) {
		char *e = p;

		while (*e && !isspace((unsigned char)*e))
			e++;
		if (name_from_text(ps->origin, p, (size_t)(e - p),
				   (const uint8_t *)"") < 0)
			return -1;
		return 1;
	}
	if (rpl_kw(&p, "$TTL")) {
		ps->ttl = (uint32_t)strtoul(p, NULL, 10);
		return 1;
	}
	return 0;
}

static int error(struct rpl_pstate *ps, const char *what, const char *p)
{
	snprintf(ps->err, sizeof(ps->err), "%s '%.120s'", what, p);
	return -1;
}

static const struct {
	const char *kw;
	uint32_t bit;
} match_kws[] = {
	{ "opcode", RM_OPCODE }, { "qtype", RM_QTYPE }, { "qname", RM_QNAME },
	{ "subdomain", RM_SUBDOMAIN }, { "rcode", RM_RCODE },
	{ "question", RM_QUESTION }, { "answer", RM_ANSWER },
	{ "all_noedns", RM_ALL_NOEDNS }, { "all", RM_ALL }, { "ttl", RM_TTL },
	{ "DO", RM_DO }, { "CO", RM_CO }, { "noedns", RM_NOEDNS },
	{ "ednsdata", RM_EDNSDATA }, { "UDP", RM_UDP }, { "TCP", RM_TCP },
	{ "ede=", RM_EDE }, { "client_cookie", RM_COOKIE },
	{ "server_cookie", RM_COOKIE }, { "serial=", RM_SERIAL },
};

static const struct {
	const char *kw;
	uint16_t set, mask;
} reply_kws[] = {
	{ "QUERY", OPCODE_QUERY << 11, 0x7800 },
	{ "IQUERY", OPCODE_IQUERY << 11, 0x7800 },
	{ "STATUS", OPCODE_STATUS << 11, 0x7800 },
	{ "NOTIFY", OPCODE_NOTIFY << 11, 0x7800 },
	{ "UPDATE", OPCODE_UPDATE << 11, 0x7800 },
	{ "NOERROR", RCODE_NOERROR, 0xf }, { "FORMERR", RCODE_FORMERR, 0xf },
	{ "SERVFAIL", RCODE_SERVFAIL, 0xf }, { "NXDOMAIN", RCODE_NXDOMAIN, 0xf },
	{ "NOTIMPL", RCODE_NOTIMP, 0xf }, { "REFUSED", RCODE_REFUSED, 0xf },
	{ "YXDOMAIN", RCODE_YXDOMAIN, 0xf }, { "YXRRSET", RCODE_YXRRSET, 0xf },
	{ "NXRRSET", RCODE_NXRRSET, 0xf }, { "NOTAUTH", RCODE_NOTAUTH, 0xf },
	{ "NOTZONE", RCODE_NOTZONE, 0xf },
	{ "QR", MSG_FLAG_QR, 0 }, { "AA", MSG_FLAG_AA, 0 },
	{ "TC", MSG_FLAG_TC, 0 }, { "RD", MSG_FLAG_RD, 0 },
	{ "CD", MSG_FLAG_CD, 0 }, { "RA", MSG_FLAG_RA, 0 },
	{ "AD", MSG_FLAG_AD, 0 },
};

#define NKW(t) (sizeof(t) / sizeof((t)[0]))

static int match_line(struct rpl_pstate *ps, struct rpl_entry *e, char *p)
{
	size_t i;

	while (*p && *p != ';') {
		for (i = 0; i < NKW(match_kws); i++)
			if (rpl_kw(&p, match_kws[i].kw))
				break;
		if (i == NKW(match_kws))
			return error(ps, "unknown MATCH", p);
		e->match |= match_kws[i].bit;
		if (match_kws[i].kw[strlen(match_kws[i].kw) - 1] == '=') {
			while (*p && !isspace((unsigned char)*p))
				p++;
			while (isspace((unsigned char)*p))
				p++;
		}
	}
	return 0;
}

static int reply_line(struct rpl_pstate *ps, struct rpl_entry *e, char *p)
{
	size_t i;

	while (*p && *p != ';') {
		if (rpl_kw(&p, "DO")) {
			e->do_bit = true;
			continue;
		}
		if (rpl_kw(&p, "CO"))
			continue;
		for (i = 0; i < NKW(reply_kws); i++)
			if (rpl_kw(&p, reply_kws[i].kw))
				break;
		if (i == NKW(reply_kws))
			return error(ps, "unknown REPLY", p);
		if (reply_kws[i].mask)
			e->flags &= (uint16_t)~reply_kws[i].mask;
		e->flags |= reply_kws[i].set;
	}
	return 0;
}

static int adjust_line(struct rpl_pstate *ps, struct rpl_entry *e, char *p)
{
	while (*p && *p != ';') {
		if (rpl_kw(&p, "copy_id")) {
			e->adjust |= RA_COPY_ID;
		} else if (rpl_kw(&p, "copy_query")) {
			e->adjust |= RA_COPY_QUERY;
		} else if (rpl_kw(&p, "copy_ednsdata_assume_clientsubnet") ||
			   rpl_kw(&p, "increment_ecs_scope")) {
			e->adjust |= RA_ECS;
		} else if (rpl_kw(&p, "sleep=") ||
			   rpl_kw(&p, "packet_sleep=")) {
			e->adjust |= RA_SLEEP;
			while (*p && !isspace((unsigned char)*p))
				p++;
			while (isspace((unsigned char)*p))
				p++;
		} else {
			return error(ps, "unknown ADJUST", p);
		}
	}
	return 0;
}

/* Query-only types the RR table may not read. */
static bool meta_type(const char *t, uint16_t *v)
{
	static const struct {
		const char *name;
		uint16_t code;
	} meta[] = { { "ANY", RR_ANY }, { "AXFR", RR_AXFR },
		     { "IXFR", RR_IXFR }, { "MAILA", RR_MAILA },
		     { "MAILB", RR_MAILB } };

	for (size_t i = 0; i < NKW(meta); i++)
		if (strcasecmp(t, meta[i].name) == 0) {
			*v = meta[i].code;
			return true;
		}
	return false;
}

/* "name [ttl] [class] type": the type is the last word (ANY is also
 * a class mnemonic). */
static int question_line(struct rpl_pstate *ps, struct rpl_entry *e, char *p)
{
	char *tok[4];
	int n = 0;
	uint16_t v;

	for (char *s = strtok(p, " \t"); s && n < 4 && *s != ';';
	     s = strtok(NULL, " \t"))
		tok[n++] = s;
	if (n < 2 || name_from_text(e->qname, tok[0], strlen(tok[0]),
				    ps->origin) < 0)
		return error(ps, "bad question", tok[0]);
	e->qclass = CLASS_IN;
	for (int i = 1; i < n - 1; i++)
		if (rrclass_from_text(tok[i], strlen(tok[i]), &v) == 0)
			e->qclass = v;
	if (!meta_type(tok[n - 1], &v) &&
	    rrtype_from_text(tok[n - 1], strlen(tok[n - 1]), &v) < 0)
		return error(ps, "bad question type", tok[n - 1]);
	e->qtype = v;
	e->has_question = true;
	return 0;
}

struct rr_ctx {
	struct rpl_entry *e;
	uint8_t section;
	char msg[160];
};

/* Hex digits of one line (';' starts a comment) appended to *buf. */
static int hex_line(struct rpl_pstate *ps, uint8_t **buf, size_t *len,
		    const char *p)
{
	uint8_t *nb;
	int hi = -1;

	for (; *p && *p != ';'; p++) {
		int v;

		if (isspace((unsigned char)*p))
			continue;
		if (!isxdigit((unsigned char)*p))
			return error(ps, "bad hex", p);
		v = isdigit((unsigned char)*p) ? *p - '0' :
		    tolower((unsigned char)*p) - 'a' + 10;
		if (hi < 0) {
			hi = v;
			continue;
		}
		nb = realloc(*buf, *len + 1);
		if (!nb)
			return error(ps, "out of memory", p);
		*buf = nb;
		(*buf)[(*len)++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	return 0;
}

static int add_rr(struct rpl_entry *e, uint8_t sec, const struct zrr *zr)
{
	struct rpl_rr *r;

	if (e->nrr == e->caprr) {
		size_t cap = e->caprr ? 2 * e->caprr : 8;

		r = realloc(e->rrs, cap * sizeof(*r));
		if (!r)
			return -1;
		e->rrs = r;
		e->caprr = cap;
	}
	r = &e->rrs[e->nrr];
	memset(r, 0, sizeof(*r));
	r->rdata = malloc(zr->rdlen ? zr->rdlen : 1);
	if (!r->rdata)
		return -1;
	e->nrr++;
	memcpy(r->owner, zr->owner, name_length(zr->owner));
	memcpy(r->rdata, zr->rdata, zr->rdlen);
	r->section = sec;
	r->type = zr->type;
	r->rclass = zr->rclass;
	r->ttl = zr->ttl;
	r->rdlen = zr->rdlen;
	return 0;
}

static int on_rr(void *ctx, const struct zrr *zr)
{
	struct rr_ctx *c = ctx;

	return add_rr(c->e, c->section, zr);
}

static void on_msg(void *ctx, const char *file, unsigned line, bool warning,
		   const char *msg)
{
	struct rr_ctx *c = ctx;

	(void)file;
	(void)line;
	if (!warning && !c->msg[0])
		snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

/* The class written on a record line (zparse takes one class per
 * text), IN when none is. */
static uint16_t line_class(const char *p)
{
	char tok[32];
	uint16_t v;
	int n, off = 0;

	for (int i = 0; i < 4; i++) {
		if (sscanf(p + off, "%31s%n", tok, &n) != 1)
			break;
		off += n;
		if (i > 0 && rrclass_from_text(tok, strlen(tok), &v) == 0)
			return v;
	}
	return CLASS_IN;
}

/* "owner [ttl] [class] type \\# len hex..." taken as written, also
 * when the RDATA does not fit its type (the malformed records some
 * scenarios send on purpose), which zparse refuses. */
static int generic_rr(struct rpl_pstate *ps, struct rpl_entry *e,
		      uint8_t sec, char *p)
{
	uint8_t owner[NAME_MAXLEN], *rd = NULL;
	struct zrr zr = { .owner = owner, .rclass = CLASS_IN, .ttl = ps->ttl };
	char *t = strtok(p, " \t");
	size_t n = 0;
	int ret;

	if (!t || name_from_text(owner, t, strlen(t), ps->origin) < 0)
		return -1;
	while ((t = strtok(NULL, " \t")) && strcmp(t, "\\#") != 0) {
		if (isdigit((unsigned char)t[0]))
			zr.ttl = (uint32_t)strtoul(t, NULL, 10);
		else if (rrclass_from_text(t, strlen(t), &zr.rclass) < 0 &&
			 rrtype_from_text(t, strlen(t), &zr.type) < 0)
			return -1;
	}
	if (!t || !(t = strtok(NULL, " \t")))
		return -1;
	while ((t = strtok(NULL, " \t")) && *t != ';')
		if (hex_line(ps, &rd, &n, t) < 0) {
			free(rd);
			return -1;
		}
	zr.rdata = rd;
	zr.rdlen = (uint16_t)n;
	ret = zr.type ? add_rr(e, sec, &zr) : -1;
	free(rd);
	return ret;
}

static int rr_line(struct rpl_pstate *ps, struct rpl_entry *e, uint8_t sec,
		   char *p)
{
	struct rr_ctx c = { .e = e, .section = sec };
	struct zparse_opts o = {
		.origin = ps->origin, .default_ttl = ps->ttl,
		.rclass = line_class(p),
		.has_default_ttl = true, .no_include = true,
		.on_rr = on_rr, .on_msg = on_msg, .ctx = &c,
	};
	size_t before = e->nrr;
	char copy[1024];

	if (zparse_text(p, strlen(p), "rpl", &o) == 0 && e->nrr == before + 1)
		return 0;
	snprintf(copy, sizeof(copy), "%s", p);
	if (e->nrr == before && strstr(p, "\\#") &&
	    generic_rr(ps, e, sec, copy) == 0)
		return 0;
	snprintf(ps->err, sizeof(ps->err), "record '%.80s': %.120s", p,
		 c.msg[0] ? c.msg : "not one record");
	return -1;
}

/* A HEX_*_BEGIN block up to its end keyword. */
static int hex_block(struct rpl_pstate *ps, const char *end, uint8_t **buf,
		     size_t *len)
{
	char *p;

	if (!*buf) {
		*buf = malloc(1);
		if (!*buf)
			return error(ps, "out of memory", end);
	}
	while ((p = rpl_line(ps))) {
		if (rpl_kw(&p, end))
			return 0;
		if (hex_line(ps, buf, len, p) < 0)
			return -1;
	}
	return error(ps, "no", end);
}

/* Only the first packet's hex is kept (later ones: transfers). */
static int hex_answer(struct rpl_pstate *ps, struct rpl_entry *e)
{
	uint8_t *scratch = NULL;
	size_t n = 0;
	int r;

	if (!e->extra)
		return hex_block(ps, "HEX_ANSWER_END", &e->hex, &e->hexlen);
	r = hex_block(ps, "HEX_ANSWER_END", &scratch, &n);
	free(scratch);
	return r;
}

static int section_kw(char *p)
{
	static const char *const names[] = { "QUESTION", "ANSWER", "AUTHORITY",
					     "ADDITIONAL" };

	for (int i = 0; i < 4; i++)
		if (rpl_kw(&p, names[i]))
			return i;
	return -1;
}

/* One line inside the entry: 1 at ENTRY_END, 0 to go on, -1. */
static int entry_line(struct rpl_pstate *ps, struct rpl_entry *e, char *p,
		      int *sec)
{
	int d;

	if (rpl_kw(&p, "ENTRY_END"))
		return 1;
	if ((d = rpl_directive(ps, p)) != 0)
		return d < 0 ? error(ps, "bad directive", p) : 0;
	if (rpl_kw(&p, "EXTRA_PACKET")) {
		e->extra++;
		return 0;
	}
	if (rpl_kw(&p, "HEX_ANSWER_BEGIN"))
		return hex_answer(ps, e);
	if (rpl_kw(&p, "HEX_EDNSDATA_BEGIN"))
		return hex_block(ps, "HEX_EDNSDATA_END", &e->ednsdata,
				 &e->ednslen);
	if (rpl_kw(&p, "MATCH"))
		return match_line(ps, e, p);
	if (e->extra)
		return 0;       /* the later packets of a transfer */
	if (rpl_kw(&p, "REPLY"))
		return reply_line(ps, e, p);
	if (rpl_kw(&p, "ADJUST"))
		return adjust_line(ps, e, p);
	if (rpl_kw(&p, "SECTION")) {
		*sec = section_kw(p);
		return *sec < 0 ? error(ps, "bad SECTION", p) : 0;
	}
	if (*sec == MSG_QUESTION)
		return question_line(ps, e, p);
	return rr_line(ps, e, (uint8_t)*sec, p);
}

struct rpl_entry *rpl_entry_read(struct rpl_pstate *ps)
{
	struct rpl_entry *e = calloc(1, sizeof(*e));
	int sec = MSG_QUESTION, r;
	char *p;

	if (!e) {
		error(ps, "out of memory", "");
		return NULL;
	}
	e->line = ps->line;
	while ((p = rpl_line(ps))) {
		r = entry_line(ps, e, p, &sec);
		if (r == 1)
			return e;
		if (r < 0)
			break;
	}
	if (!p)
		error(ps, "no ENTRY_END for entry at line", "");
	rpl_entry_free(e);
	return NULL;
}

void rpl_entry_free(struct rpl_entry *e)
{
	struct rpl_entry *n;

	for (; e; e = n) {
		n = e->next;
		for (size_t i = 0; i < e->nrr; i++)
			free(e->rrs[i].rdata);
		free(e->rrs);
		free(e->hex);
		free(e->ednsdata);
		free(e);
	}
}
