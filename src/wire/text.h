/* Presentation-format primitives shared by the RDATA text code and the
 * zone parser: numbers, TTLs with units, character-strings with escapes,
 * and BIND-style escaping on output. Inputs are (pointer, length), never
 * NUL-terminated. */
#ifndef BANCHI_WIRE_TEXT_H
#define BANCHI_WIRE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decimal number <= max. BN_ESYNTAX / BN_ERANGE. */
int text_u32(const char *s, size_t len, uint32_t max, uint32_t *v);

/* TTL: plain seconds or BIND units (1w2d3h4m5s, case-insensitive, a
 * number without unit after units is an error like BIND). Max 2^31-1
 * is NOT enforced here (callers clamp/warn as BIND does). */
int text_ttl(const char *s, size_t len, uint32_t *v);

/* Processes escapes (\X and \DDD) of one token into out; returns the
 * octet count, BN_ESYNTAX for a bad escape, BN_ENOSPC past cap. */
int text_unescape(const char *s, size_t len, uint8_t *out, size_t cap);

/* Prints octets as a quoted character-string the way BIND does ("..."
 * with \" and \\ escaped, non-printables as \DDD). Returns text length
 * (NUL written) or BN_ENOSPC. */
int text_quote(char *out, size_t cap, const uint8_t *s, size_t len);

#endif
