/* Private state of the zone parser, shared by the lexer, the record and
 * directive code and $GENERATE. One zctx per parse run, allocated once;
 * nothing is allocated per record. */
#ifndef BANCHI_ZPARSE_ZPARSE_INT_H
#define BANCHI_ZPARSE_ZPARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/name.h"
#include "wire/rdata.h"
#include "zparse/zparse.h"

#define ZP_MAXTOK 32768         /* tokens in one record */
#define ZP_GENBUF 16384         /* one expanded $GENERATE template */
#define ZP_MAXTTL 0x7fffffffu

#ifndef ZP_CHUNK                  /* tests build with tiny chunks */
#define ZP_CHUNK (1u << 20)       /* file read size */
#endif
#define ZP_MAXBUF (64u << 20)     /* longest record we buffer */

/* Text being read: caller memory, or a file read in chunks into buf.
 * A record is always whole in [p, end) when it is parsed: the lexer
 * asks for a refill (zp_refill) when it runs off the end before EOF. */
struct zinput {
	const char *p;
	const char *end;
	const char *line_begin;         /* start of the current line */
	const char *base;               /* start of the text held */
	const char *name;               /* for messages */
	unsigned line;
	bool eof;                       /* nothing more to read */
	int fd;                         /* -1 for memory */
	char *buf;
	size_t cap;
};

/* Moves the unparsed text (from the current line) to the front of buf
 * and reads more; sets eof at the end. 0 or a negative error. */
int zp_refill(struct zinput *in);

struct zctx {
	const struct zparse_opts *o;
	struct ztoken *tok;
	uint32_t *tokline;
	size_t ntok;
	bool ws_start;                  /* record line began with blank */
	bool bad;                       /* lexical error in this record */
	const char *bad_msg;            /* the first one, reported when */
	unsigned bad_line;              /* the record is complete */
	unsigned rec_line;

	uint8_t origin[NAME_MAXLEN];
	uint8_t owner[NAME_MAXLEN];
	uint8_t name_tmp[NAME_MAXLEN];
	bool has_owner;
	bool origin_changed;            /* $ORIGIN since the last record */
	/* owner's text as written, when it made owner under the current
	 * origin: the next record often repeats it. 0 = none */
	uint8_t owner_tlen;
	char owner_text[64];
	uint16_t rclass;

	uint32_t dflt_ttl;              /* $TTL or opts default */
	bool has_dflt_ttl;
	uint32_t last_ttl;              /* RFC 1035: previous record's TTL */
	bool has_last_ttl;
	bool warned_1035;

	unsigned errors;
	unsigned max_errors;
	unsigned depth;
	unsigned max_depth;
	int stop;                       /* <0: a callback asked to stop */

	uint8_t rdata[RDATA_MAXLEN];
	char gen_lhs[ZP_GENBUF];
	char gen_rhs[ZP_GENBUF];
};

/* Cuts the next record (one line, or several inside parentheses) into
 * c->tok. Returns 1 for a record (check c->bad), 0 at end of input. */
int zp_lex_record(struct zctx *c, struct zinput *in);

/* Cuts a whole text (a $GENERATE right-hand side) into tokens from
 * c->tok[first]; returns the token count or <0 after reporting. */
int zp_lex_text(struct zctx *c, const char *s, size_t len, size_t first,
		const char *file, unsigned line);

/* Diagnostics: counted as errors unless warning; the text is formatted. */
void zp_error(struct zctx *c, const char *file, unsigned line,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void zp_warn(struct zctx *c, const char *file, unsigned line,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* BIND reports a bad token at the line where the token before it sits
 * (its lexer has not moved on yet); we do the same so that messages
 * match named-checkzone's. */
static inline unsigned zp_err_line(const struct zctx *c, size_t i)
{
	return i ? c->tokline[i - 1] : c->rec_line;
}

/* Reports quoted text where BIND wants a bare word (tok[i]). */
void zp_quoted_error(struct zctx *c, const char *file, size_t i);

/* True once max_errors is reached or a callback stopped the run. */
static inline bool zp_done(const struct zctx *c)
{
	return c->stop < 0 || c->errors >= c->max_errors;
}

/* Parses "[ttl] [class] type" from tok[*i]; shared by plain records and
 * $GENERATE. Returns 0, or <0 after reporting. */
struct zp_head {
	uint32_t ttl;
	bool has_ttl;
	uint16_t type;
};
int zp_parse_head(struct zctx *c, const char *file, size_t *i,
		  struct zp_head *h);

/* Converts rdata tokens tok[first, first+n) and emits the record with
 * owner c->owner (or name). Returns 0 or <0 after reporting / stop. */
int zp_emit(struct zctx *c, const char *file, unsigned line,
	    const uint8_t *owner, const struct zp_head *h,
	    size_t first, size_t n);

/* RDATA of type from tokens tok[first, first+n) into c->rdata, names
 * relative to c->origin: its length, or <0 with *msg and *bad (the
 * offending token, n when tokens are missing) set; reports nothing. */
int zp_rdata(struct zctx *c, uint16_t type, size_t first, size_t n,
	     const char **msg, size_t *bad);

/* A parse context for o (o must outlive it), or NULL (no on_rr, bad
 * origin, no memory); freed by zp_ctx_finish, which returns the run's
 * result (the error count, or what a callback stopped it with). */
struct zctx *zp_ctx_new(const struct zparse_opts *o);
int zp_ctx_finish(struct zctx *c);

/* $GENERATE range lhs [ttl] [class] type rhs: tokens c->tok[1..]. */
void zp_generate(struct zctx *c, const char *file);

/* Message text for a name_from_text() error. */
const char *zp_name_err(int err);

#endif
