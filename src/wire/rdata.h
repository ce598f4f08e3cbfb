/* RDATA conversions: presentation text <-> wire, message wire <-> stored
 * wire. Stored RDATA is uncompressed wire form, names case-preserved. */
#ifndef BANCHI_WIRE_RDATA_H
#define BANCHI_WIRE_RDATA_H

#include <stddef.h>
#include <stdint.h>

#include "wire/buf.h"
#include "wire/name.h"

#define RDATA_MAXLEN 65535

/* One token of master-file text, as the zone parser cut it: quotes
 * removed (quoted set), escapes NOT yet processed (\X, \DDD kept). */
struct ztoken {
	const char *s;
	uint32_t len;
	uint8_t quoted;
};

/* Tokens after the type to uncompressed wire RDATA in out (cap octets).
 * Handles RFC 3597 "\# len hex" for every type. Relative names get
 * origin appended. On error returns <0 and sets *errmsg to a static
 * message (e.g. "bad IPv4 address") and *errtok to the index of the
 * offending token (ntok when tokens are missing). */
int rdata_from_text(uint16_t type, const struct ztoken *tok, size_t ntok,
		    const uint8_t *origin, uint8_t *out, size_t cap,
		    const char **errmsg, size_t *errtok);

/* Wire RDATA to presentation form in the style of BIND's
 * named-compilezone output (absolute names, one line). Types without a
 * descriptor print as "\# len hex". Returns text length or BN_ENOSPC /
 * BN_ERDATA (malformed RDATA). */
int rdata_to_text(uint16_t type, const uint8_t *rd, size_t rdlen,
		  char *out, size_t cap);

/* Same, but always in RFC 3597 generic form "\# len hex". */
int rdata_to_generic_text(const uint8_t *rd, size_t rdlen, char *out,
			  size_t cap);

/* RDATA of rdlen octets at msg[pos] to stored form in out: names that
 * the type allows to be compressed are decompressed, the layout is
 * checked. Returns the stored length or an error (BN_ERDATA, names'
 * errors, BN_ENOSPC). */
int rdata_unpack(uint16_t type, const uint8_t *msg, size_t msglen,
		 size_t pos, size_t rdlen, uint8_t *out, size_t cap);

/* Writes stored RDATA (without the RDLENGTH field) to w, compressing the
 * RDF_NAME_C names when c is non-NULL. Returns 0 or BN_ENOSPC. */
int rdata_pack(uint16_t type, const uint8_t *rd, size_t rdlen,
	       struct wbuf *w, struct compr *c);

/* Checks stored RDATA against the type's layout. 0 or BN_ERDATA. */
int rdata_check(uint16_t type, const uint8_t *rd, size_t rdlen);

/* Canonical RDATA order (RFC 4034 section 6.3) after the canonical form
 * of section 6.2 (names in the listed types lowercased). <0, 0, >0. */
int rdata_compare(uint16_t type, const uint8_t *a, size_t alen,
		  const uint8_t *b, size_t blen);

/* The canonical form of RFC 4034 section 6.2 (amended by RFC 6840 5.1:
 * NSEC's next name keeps its case), in place: the names in the RDATA of
 * the listed types lowercased. RDATA that does not match its type's
 * layout is left as it is (it cannot verify anyway). */
void rdata_canonicalize(uint16_t type, uint8_t *rd, size_t rdlen);

/* Calls fn for each name field in stored RDATA (for checks: MX, NS, SRV
 * targets and the like), with its field index. */
typedef void (*rdata_name_fn)(void *ctx, int field, const uint8_t *name);
void rdata_foreach_name(uint16_t type, const uint8_t *rd, size_t rdlen,
			rdata_name_fn fn, void *ctx);

#endif
