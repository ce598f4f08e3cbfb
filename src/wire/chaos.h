/* Server identity (RFC 4892): the CHAOS-class TXT names id.server and
 * hostname.bind, which give the server's identity, and version.bind and
 * version.server, which give its version. Both daemons answer them
 * from a struct chaos_ident made once from their config. */
#ifndef BANCHI_WIRE_CHAOS_H
#define BANCHI_WIRE_CHAOS_H

#include <stdint.h>

struct chaos_ident {
	/* TXT RDATA (one string); length 0: not answered */
	uint8_t id[256], version[256];
	uint16_t id_len, version_len;
};

/* Sets both answers (NULL or "": none); texts are cut at 255 octets. */
void chaos_ident_set(struct chaos_ident *ci, const char *id,
		     const char *version);

/* The TXT RDATA for qname (a wire name, any case) and its length, or
 * NULL when qname is none of the four names or its answer is off. */
const uint8_t *chaos_ident_txt(const struct chaos_ident *ci,
			       const uint8_t *qname, uint16_t *len);

#endif
