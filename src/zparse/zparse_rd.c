/* RDATA from presentation text that comes without a master file around
 * it (a database row's content): the lexer's tokens and the parser's
 * conversion, so that a record reads the same from a file and from a
 * row. One parse context is kept for every call: nothing is allocated
 * per record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "zparse/zparse_int.h"

struct zparse_rd {
	struct zparse_opts o;
	struct zctx *c;
	char msg[256];
};

static int no_rr(void *ctx, const struct zrr *rr)
{
	(void)ctx;
	(void)rr;
	return 0;
}

/* The lexer's complaint, kept for the caller. */
static void keep_msg(void *ctx, const char *file, unsigned line,
		     bool warning, const char *msg)
{
	struct zparse_rd *p = ctx;

	(void)file;
	(void)line;
	if (!warning)
		snprintf(p->msg, sizeof(p->msg), "%s", msg);
}

struct zparse_rd *zparse_rd_new(void)
{
	static const uint8_t root[1] = { 0 };
	struct zparse_rd *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->o.origin = root;
	p->o.on_rr = no_rr;
	p->o.on_msg = keep_msg;
	p->o.ctx = p;
	p->c = zp_ctx_new(&p->o);
	if (!p->c) {
		free(p);
		return NULL;
	}
	return p;
}

void zparse_rd_free(struct zparse_rd *p)
{
	if (!p)
		return;
	zp_ctx_finish(p->c);
	free(p);
}

static int fail(struct zparse_rd *p, const char **msg, const char *what,
		const struct ztoken *t)
{
	if (t)
		snprintf(p->msg, sizeof(p->msg), "%s '%.*s'", what,
			 (int)(t->len > 80 ? 80 : t->len), t->s);
	else
		snprintf(p->msg, sizeof(p->msg), "%s", what);
	*msg = p->msg;
	return BN_ESYNTAX;
}

int zparse_rd(struct zparse_rd *p, uint16_t type, const char *text,
	      size_t len, const uint8_t *origin, const uint8_t **rdata,
	      const char **msg)
{
	struct zctx *c = p->c;
	int olen = name_check(origin, NAME_MAXLEN);
	const char *why;
	size_t bad;
	int n, ret;

	if (olen < 0)
		return fail(p, msg, "bad origin", NULL);
	memcpy(c->origin, origin, (size_t)olen);
	c->errors = 0;          /* each call stands alone */
	c->stop = 0;
	p->msg[0] = '\0';
	n = zp_lex_text(c, text, len, 0, "content", 0);
	if (n < 0) {
		/* the lexer's message is in p->msg already */
		if (!p->msg[0])
			snprintf(p->msg, sizeof(p->msg), "bad text");
		*msg = p->msg;
		return BN_ESYNTAX;
	}
	ret = zp_rdata(c, type, 0, (size_t)n, &why, &bad);
	if (ret < 0)
		return fail(p, msg, why, bad < (size_t)n ? &c->tok[bad] : NULL);
	*rdata = c->rdata;
	return ret;
}
