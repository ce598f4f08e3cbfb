/* RFC 1035 master-file parser in BIND 9's dialect: $ORIGIN, $TTL,
 * $INCLUDE, $GENERATE, parentheses, comments, quoted strings, TTL units,
 * RFC 3597 generic RDATA. Streams records to a callback; no allocation
 * per record. Errors are reported as file:line and parsing goes on, so
 * one run reports several; the caller must not use the records of a run
 * that reported errors. */
#ifndef BANCHI_ZPARSE_ZPARSE_H
#define BANCHI_ZPARSE_ZPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One parsed record. Pointers are valid only during the callback. */
struct zrr {
	const uint8_t *owner;           /* uncompressed wire name, absolute */
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	bool ttl_explicit;              /* TTL written on the line (not $TTL/previous) */
	const uint8_t *rdata;           /* uncompressed wire RDATA */
	uint16_t rdlen;
	const char *file;               /* file the record came from */
	unsigned line;                  /* line where the record starts */
};

/* Return 0 to go on, <0 to stop parsing (that value is returned). */
typedef int (*zparse_rr_fn)(void *ctx, const struct zrr *rr);

/* One diagnostic; msg has no file/line prefix. */
typedef void (*zparse_msg_fn)(void *ctx, const char *file, unsigned line,
			      bool warning, const char *msg);

struct zparse_opts {
	const uint8_t *origin;          /* initial $ORIGIN, wire form, required */
	uint16_t rclass;                /* zone class, 0 means IN */
	uint32_t default_ttl;           /* used when has_default_ttl */
	bool has_default_ttl;
	unsigned max_errors;            /* stop after this many, 0 = 100 */
	unsigned max_include_depth;     /* 0 = 16 */
	bool no_include;                /* refuse $INCLUDE (untrusted text) */
	zparse_rr_fn on_rr;
	zparse_msg_fn on_msg;           /* may be NULL */
	void *ctx;
};

/* Parses a file, read in big chunks through one buffer (any readable
 * file: regular, pipe). Records and messages from an $INCLUDEd file
 * carry that file's name. BIND 9.18 is the reference: TTL defaults
 * ($TTL, else the previous TTL with a warning, else the SOA MINIMUM for
 * an SOA, which then acts as $TTL), TTLs over 2^31-1 become 0 with a
 * warning, a bad token is reported at the line of the token before it.
 * Returns the number of errors reported (0 = clean), the negative value
 * a callback returned, or BN_EINVAL (no on_rr, invalid origin, no
 * memory). */
int zparse_file(const char *path, const struct zparse_opts *o);

/* Parses text held in memory; name is used in messages. $INCLUDE paths
 * are relative to the working directory. */
int zparse_text(const char *text, size_t len, const char *name,
		const struct zparse_opts *o);

/* RDATA given as presentation text outside a master file (a database
 * row's content): cut into tokens as the RDATA of a master-file record
 * is (quotes, escapes, parentheses, comments), then converted as the
 * parser converts it. A struct zparse_rd holds the buffers for many
 * such calls (one thread at a time). */
struct zparse_rd;

struct zparse_rd *zparse_rd_new(void);
void zparse_rd_free(struct zparse_rd *p);

/* RDATA of type from text (len octets, need not be NUL-terminated),
 * relative names completed with origin (wire form). Returns its
 * length, *rdata pointing into p until the next call; or BN_ESYNTAX
 * with *msg a text saying why (valid until the next call). */
int zparse_rd(struct zparse_rd *p, uint16_t type, const char *text,
	      size_t len, const uint8_t *origin, const uint8_t **rdata,
	      const char **msg);

#endif
