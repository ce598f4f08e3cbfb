/* Internal to the RDATA text code (rdata_print.c and the RDF_SPECIAL
 * implementations rdata_svcb.c, rdata_loc.c, rdata_apl.c, rdata_misc.c):
 * descriptors and the small token and output helpers they share,
 * implemented in rdata_special.c. */
#ifndef BANCHI_WIRE_RDATA_SPECIAL_INT_H
#define BANCHI_WIRE_RDATA_SPECIAL_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/rdata_special.h"

extern const struct rdata_special rdata_svcb_special;
extern const struct rdata_special rdata_https_special;
extern const struct rdata_special rdata_loc_special;
extern const struct rdata_special rdata_apl_special;
extern const struct rdata_special rdata_wks_special;
extern const struct rdata_special rdata_ipseckey_special;
extern const struct rdata_special rdata_amtrelay_special;
extern const struct rdata_special rdata_hip_special;
extern const struct rdata_special rdata_caa_special;
extern const struct rdata_special rdata_nsap_special;

/* Parser state: the tokens, the next one, where errors are reported. */
struct sp_in {
	const struct ztoken *tok;
	size_t ntok;
	size_t i;
	const uint8_t *origin;
	const char **errmsg;
	size_t *errtok;
};

/* Records msg against token index at (ntok for "missing"), returns err. */
int sp_fail(struct sp_in *in, size_t at, int err, const char *msg);

/* Next token or NULL (then the "unexpected end of input" error is set).
 * sp_next() also refuses a quoted token, as BIND does where it expects a
 * plain word; sp_next_q() takes either. */
const struct ztoken *sp_next(struct sp_in *in);
const struct ztoken *sp_next_q(struct sp_in *in);

/* Fails with "extra input text" if tokens are left. */
int sp_end(struct sp_in *in);

/* Next token as a decimal number <= max (escapes not allowed). */
int sp_num(struct sp_in *in, uint32_t max, uint32_t *v);

/* Next token as a domain name, appended uncompressed to out; quoted
 * says whether a quoted token is accepted. */
int sp_name(struct sp_in *in, struct wbuf *out, bool quoted);

/* Token copied to a NUL-terminated buffer (for inet_pton); BN_ESYNTAX if
 * it does not fit. */
int sp_cstr(const char *s, size_t len, char *buf, size_t cap);

/* Base64 decoding as strict as BIND's: whole quanta, nothing after the
 * padding, unused bits zero. Feed text in pieces, then call end. */
struct sp_b64 {
	char q[4];
	uint8_t nq;
	bool done;
};

void sp_b64_init(struct sp_b64 *st);
/* 0, BN_ESYNTAX or BN_ENOSPC. */
int sp_b64_feed(struct sp_b64 *st, const char *s, size_t len,
		struct wbuf *out);
int sp_b64_end(const struct sp_b64 *st);

/* Base64 over all remaining tokens (at least one), appended to out. */
int sp_b64_rest(struct sp_in *in, struct wbuf *out);

/* Output cursor for the printers: appends stop at the first error. */
struct sp_out {
	char *p;
	size_t cap;
	size_t len;
	int err;
};

void sp_out_init(struct sp_out *o, char *p, size_t cap);
void sp_printf(struct sp_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sp_putc(struct sp_out *o, char c);
void sp_puts(struct sp_out *o, const char *s);
/* Name at rd (already checked), absolute. */
void sp_name_out(struct sp_out *o, const uint8_t *name);
void sp_b64_out(struct sp_out *o, const uint8_t *p, size_t len);
/* Upper-case hex, no separators. */
void sp_hex_out(struct sp_out *o, const uint8_t *p, size_t len);
/* Quoted character-string in BIND style (via text_quote). */
void sp_quote_out(struct sp_out *o, const uint8_t *p, size_t len);
void sp_addr_out(struct sp_out *o, int af, const uint8_t *addr);
/* RFC 3597 "\# len hex", for layouts BIND only prints generically. */
void sp_generic_out(struct sp_out *o, const uint8_t *rd, size_t rdlen);
/* Text length, or the first error. */
int sp_out_done(struct sp_out *o);

#endif
