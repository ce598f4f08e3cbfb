/* Types whose RDATA cannot be described by a list of fields (RDF_SPECIAL
 * in the type table): each provides its own text parser, printer and
 * wire check. Their names are never compressed. */
#ifndef BANCHI_WIRE_RDATA_SPECIAL_H
#define BANCHI_WIRE_RDATA_SPECIAL_H

#include <stddef.h>
#include <stdint.h>

#include "wire/buf.h"
#include "wire/rdata.h"

struct rdata_special {
	uint16_t type;
	/* Tokens to wire, appended to out. Errors as rdata_from_text(). */
	int (*from_text)(const struct ztoken *tok, size_t ntok,
			 const uint8_t *origin, struct wbuf *out,
			 const char **errmsg, size_t *errtok);
	/* Wire to text; returns text length (NUL written) or an error. */
	int (*to_text)(const uint8_t *rd, size_t rdlen, char *out, size_t cap);
	/* 0 if rd is well-formed, else BN_ERDATA. */
	int (*check)(const uint8_t *rd, size_t rdlen);
};

/* NULL if type is not special. */
const struct rdata_special *rdata_special_find(uint16_t type);

#endif
