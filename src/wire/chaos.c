/* The identity names of RFC 4892 (chaos.h). */
#include <string.h>

#include "wire/chaos.h"
#include "wire/name.h"

static const uint8_t id_server[] = "\2id\6server";
static const uint8_t hostname_bind[] = "\10hostname\4bind";
static const uint8_t version_bind[] = "\7version\4bind";
static const uint8_t version_server[] = "\7version\6server";

/* One TXT string of text (cut at 255 octets): its RDATA length. */
static uint16_t txt_rdata(uint8_t *rd, const char *text)
{
	size_t n = text ? strlen(text) : 0;

	if (n > 255)
		n = 255;
	if (!n)
		return 0;
	rd[0] = (uint8_t)n;
	memcpy(rd + 1, text, n);
	return (uint16_t)(n + 1);
}

void chaos_ident_set(struct chaos_ident *ci, const char *id,
		     const char *version)
{
	ci->id_len = txt_rdata(ci->id, id);
	ci->version_len = txt_rdata(ci->version, version);
}

const uint8_t *chaos_ident_txt(const struct chaos_ident *ci,
			       const uint8_t *qname, uint16_t *len)
{
	if (name_equal(qname, id_server) || name_equal(qname, hostname_bind)) {
		*len = ci->id_len;
		return ci->id_len ? ci->id : NULL;
	}
	if (name_equal(qname, version_bind) ||
	    name_equal(qname, version_server)) {
		*len = ci->version_len;
		return ci->version_len ? ci->version : NULL;
	}
	return NULL;
}
