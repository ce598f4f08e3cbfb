/* Binary-to-text encodings used by DNS presentation formats: base64
 * (RFC 4648 section 4), base32hex without padding (NSEC3), hex. Decoders
 * take (pointer, length) and skip nothing: callers join tokens first or
 * call per token with a running state where the format allows spaces. */
#ifndef BANCHI_BASE_ENCODE_H
#define BANCHI_BASE_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Return the decoded length, or BN_ESYNTAX / BN_ENOSPC. base64 requires
 * complete quanta with '=' padding as BIND does. */
int base64_decode(const char *s, size_t len, uint8_t *out, size_t cap);
int base32hex_decode(const char *s, size_t len, uint8_t *out, size_t cap);
int hex_decode(const char *s, size_t len, uint8_t *out, size_t cap);

/* Return the text length (NUL written), or BN_ENOSPC. Hex is uppercase
 * like BIND's output; base32hex is uppercase without padding. */
int base64_encode(const uint8_t *in, size_t len, char *out, size_t cap);
int base32hex_encode(const uint8_t *in, size_t len, char *out, size_t cap);
int hex_encode(const uint8_t *in, size_t len, char *out, size_t cap);

#endif
