/* Master-file lexer: cuts a record into tokens that point into the input
 * (quotes stripped, escapes left raw for the RDATA code), follows
 * parentheses across lines, drops comments and counts lines. */
#include "zparse/zparse_int.h"

#include <string.h>

#include "base/error.h"

enum { C_WORD = 0, C_SPACE, C_NL, C_SEMI, C_LPAR, C_RPAR, C_QUOTE, C_BSL,
       C_NUL };

static const uint8_t cls[256] = {
	[0] = C_NUL, [' '] = C_SPACE, ['\t'] = C_SPACE, ['\r'] = C_SPACE,
	['\n'] = C_NL, [';'] = C_SEMI, ['('] = C_LPAR, [')'] = C_RPAR,
	['"'] = C_QUOTE, ['\\'] = C_BSL,
};

/* Held back until the record is complete: a record cut by the end of
 * the read buffer is lexed again after the refill. */
static void lex_error(struct zctx *c, struct zinput *in, const char *msg)
{
	if (!c->bad) {
		c->bad_msg = msg;
		c->bad_line = in->line;
	}
	c->bad = true;
}

static void add_token(struct zctx *c, struct zinput *in, const char *s,
		      size_t len, bool quoted, unsigned line)
{
	if (c->ntok >= ZP_MAXTOK) {
		lex_error(c, in, "too many tokens in one record");
		return;
	}
	if (len > RDATA_MAXLEN * 4u) {
		/* far beyond any RDATA; also keeps len within uint32_t */
		lex_error(c, in, "token too long");
		return;
	}
	if (c->ntok == 0) {
		c->rec_line = line;
		/* a line that starts with a blank inherits the owner
		 * (RFC 1035); "(" in column 0 does not, as in BIND */
		c->ws_start = in->line_begin < in->end &&
			      cls[(uint8_t)*in->line_begin] == C_SPACE;
	}
	c->tok[c->ntok].s = s;
	c->tok[c->ntok].len = (uint32_t)len;
	c->tok[c->ntok].quoted = quoted;
	c->tokline[c->ntok] = line;
	c->ntok++;
}

/* \X takes the next octet whatever it is, a newline included. */
static void skip_escape(struct zinput *in)
{
	in->p++;
	if (in->p < in->end) {
		if (*in->p == '\n') {
			in->line++;
			in->line_begin = in->p + 1;
		}
		in->p++;
	}
}

static void lex_word(struct zctx *c, struct zinput *in)
{
	const char *s = in->p;
	unsigned line = in->line;

	for (;;) {
		/* a local cursor: stores through in would stay in the loop */
		const char *p = in->p, *end = in->end;

		while (p < end && cls[(uint8_t)*p] == C_WORD)
			p++;
		in->p = p;
		if (in->p < in->end && *in->p == '\\') {
			/* BIND refuses an escaped newline outside quotes */
			if (in->p + 1 < in->end && in->p[1] == '\n') {
				lex_error(c, in, "escaped newline outside quotes");
				in->p++;
				break;
			}
			skip_escape(in);
			continue;
		}
		break;
	}
	add_token(c, in, s, (size_t)(in->p - s), false, line);
}

static void lex_quoted(struct zctx *c, struct zinput *in)
{
	const char *s = ++in->p;
	unsigned line = in->line;

	while (in->p < in->end) {
		char ch = *in->p;

		if (ch == '"') {
			add_token(c, in, s, (size_t)(in->p - s), true, line);
			in->p++;
			return;
		}
		if (ch == '\\') {
			skip_escape(in);
		} else if (ch == '\n' || ch == '\0') {
			/* leave the newline: it ends the record */
			lex_error(c, in, ch ? "unbalanced quotes"
					    : "NUL octet in input");
			return;
		} else {
			in->p++;
		}
	}
	lex_error(c, in, "unbalanced quotes");
}

static void skip_comment(struct zinput *in)
{
	const char *nl = memchr(in->p, '\n', (size_t)(in->end - in->p));

	in->p = nl ? nl : in->end;
}

/* One step of the record loop for a character that is not a newline. */
static void lex_char(struct zctx *c, struct zinput *in, int *depth)
{
	switch (cls[(uint8_t)*in->p]) {
	case C_SPACE:
		do
			in->p++;
		while (in->p < in->end && cls[(uint8_t)*in->p] == C_SPACE);
		break;
	case C_SEMI:
		skip_comment(in);
		break;
	case C_LPAR:
		(*depth)++;
		in->p++;
		break;
	case C_RPAR:
		if (*depth == 0)
			lex_error(c, in, "unbalanced parentheses");
		else
			(*depth)--;
		in->p++;
		break;
	case C_QUOTE:
		lex_quoted(c, in);
		break;
	case C_NUL:
		lex_error(c, in, "NUL octet in input");
		in->p++;
		break;
	default:
		lex_word(c, in);
		break;
	}
}

/* One pass over the buffered text: 1 for a record, 0 at the end of
 * input, 2 when the buffer ends inside the record. */
static int lex_once(struct zctx *c, struct zinput *in)
{
	int depth = 0;

	c->ntok = 0;
	c->bad = false;
	c->ws_start = false;
	while (in->p < in->end) {
		if (*in->p != '\n') {
			lex_char(c, in, &depth);
			continue;
		}
		in->p++;
		in->line++;
		in->line_begin = in->p;
		if (depth == 0 && (c->ntok || c->bad))
			return 1;
	}
	if (!in->eof)
		return 2;
	if (depth > 0)
		lex_error(c, in, "unbalanced parentheses at end of file");
	return c->ntok || c->bad;
}

int zp_lex_record(struct zctx *c, struct zinput *in)
{
	for (;;) {
		const char *p = in->p, *lb = in->line_begin;
		unsigned line = in->line;
		int ret = lex_once(c, in);

		if (ret != 2) {
			if (c->bad)
				zp_error(c, in->name, c->bad_line, "%s",
					 c->bad_msg);
			return ret;
		}
		in->p = p;
		in->line = line;
		in->line_begin = lb;
		ret = zp_refill(in);
		if (ret < 0) {
			zp_error(c, in->name, line, "cannot read: %s",
				 ret == BN_ENOSPC ? "record too long"
						  : bn_strerror(ret));
			in->eof = true;
			in->p = in->end;
		}
	}
}

int zp_lex_text(struct zctx *c, const char *s, size_t len, size_t first,
		const char *file, unsigned line)
{
	struct zinput in = {
		.p = s, .end = s + len, .line_begin = s, .base = s,
		.name = file, .line = line, .eof = true, .fd = -1,
	};
	size_t saved = c->ntok;
	int depth = 0;

	c->ntok = first;
	c->bad = false;
	while (in.p < in.end && !c->bad) {
		if (*in.p == '\n') {
			in.p++;
			continue;
		}
		lex_char(c, &in, &depth);
	}
	if (depth > 0 && !c->bad)
		lex_error(c, &in, "unbalanced parentheses");
	if (c->bad)
		zp_error(c, file, line, "%s", c->bad_msg);
	for (size_t i = first; i < c->ntok; i++)
		c->tokline[i] = line;
	len = c->ntok - first;
	c->ntok = saved;
	return c->bad ? -1 : (int)len;
}
