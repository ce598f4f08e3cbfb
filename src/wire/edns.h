/* EDNS(0) (RFC 6891): the OPT pseudo-RR decoded into struct edns, options
 * kept as opaque TLVs inside the packet and walked by a bounds-checked
 * iterator, and composing an OPT record. No allocation. */
#ifndef BANCHI_WIRE_EDNS_H
#define BANCHI_WIRE_EDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/buf.h"

#define EDNS_MIN_PAYLOAD 512
#define EDNS_FLAG_DO 0x8000     /* in struct edns.flags (OPT TTL low 16 bits) */
#define EDNS_OPT_HDR 4          /* OPTION-CODE + OPTION-LENGTH */
/* Fixed part of an OPT RR: root owner, TYPE, CLASS, TTL, RDLENGTH. */
#define EDNS_RR_FIXED 11

enum {
	EDNS_OPT_NSID = 3, EDNS_OPT_DAU = 5, EDNS_OPT_DHU = 6,
	EDNS_OPT_N3U = 7, EDNS_OPT_ECS = 8, EDNS_OPT_EXPIRE = 9,
	EDNS_OPT_COOKIE = 10, EDNS_OPT_KEEPALIVE = 11,
	EDNS_OPT_PADDING = 12, EDNS_OPT_CHAIN = 13, EDNS_OPT_KEYTAG = 14,
	EDNS_OPT_EDE = 15,
};

/* Extended DNS Error INFO-CODEs (RFC 8914 4): the EDNS_OPT_EDE option
 * is a 2-octet code and optional UTF-8 EXTRA-TEXT. */
enum {
	EDNS_EDE_OTHER = 0, EDNS_EDE_DNSKEY_ALG = 1, EDNS_EDE_DS_DIGEST = 2,
	EDNS_EDE_STALE_ANSWER = 3, EDNS_EDE_FORGED = 4,
	EDNS_EDE_INDETERMINATE = 5, EDNS_EDE_BOGUS = 6,
	EDNS_EDE_SIG_EXPIRED = 7, EDNS_EDE_SIG_NOT_YET = 8,
	EDNS_EDE_DNSKEY_MISSING = 9, EDNS_EDE_RRSIGS_MISSING = 10,
	EDNS_EDE_NO_ZONE_KEY = 11, EDNS_EDE_NSEC_MISSING = 12,
	EDNS_EDE_CACHED_ERROR = 13, EDNS_EDE_NOT_READY = 14,
	EDNS_EDE_BLOCKED = 15, EDNS_EDE_CENSORED = 16, EDNS_EDE_FILTERED = 17,
	EDNS_EDE_PROHIBITED = 18, EDNS_EDE_STALE_NXDOMAIN = 19,
	EDNS_EDE_NOT_AUTHORITATIVE = 20, EDNS_EDE_NOT_SUPPORTED = 21,
	EDNS_EDE_NO_REACHABLE_AUTHORITY = 22, EDNS_EDE_NETWORK_ERROR = 23,
	EDNS_EDE_INVALID_DATA = 24,
};

/* Decoded OPT record. opts points into the packet (parse) or into caller
 * memory (compose); it is not owned. */
struct edns {
	uint16_t payload;       /* CLASS as sent (use edns_payload()) */
	uint8_t ext_rcode;      /* upper 8 bits of the 12-bit RCODE */
	uint8_t version;
	uint16_t flags;         /* DO and the Z bits */
	uint16_t opts_len;
	const uint8_t *opts;    /* RDATA: the option TLVs */
};

/* Decodes OPT fields (CLASS, TTL, RDATA) and checks that the options
 * tile the RDATA exactly. Returns 0 or BN_EOPT. The owner name and the
 * record's place in the message are checked by msg_parse. */
int edns_parse(struct edns *e, uint16_t rclass, uint32_t ttl,
	       const uint8_t *rdata, uint16_t rdlen);

/* Defaults for a reply: given payload, version 0, no flags, no options. */
void edns_init(struct edns *e, uint16_t payload);

/* Advertised UDP payload size; values below 512 count as 512. */
static inline uint16_t edns_payload(const struct edns *e)
{
	return e->payload < EDNS_MIN_PAYLOAD ? EDNS_MIN_PAYLOAD : e->payload;
}

static inline bool edns_do(const struct edns *e)
{
	return e->flags & EDNS_FLAG_DO;
}

/* Full 12-bit RCODE from the header's 4 bits and the OPT's upper 8. */
static inline uint16_t edns_rcode(const struct edns *e, uint8_t hdr_rcode)
{
	return (uint16_t)(e->ext_rcode << 4 | (hdr_rcode & 0x0f));
}

/* Splits a 12-bit RCODE: the upper 8 bits go to the OPT, the lower 4
 * are returned for the header. */
static inline uint8_t edns_set_rcode(struct edns *e, uint16_t rcode)
{
	e->ext_rcode = (uint8_t)(rcode >> 4);
	return (uint8_t)(rcode & 0x0f);
}

/* Iterator over option TLVs. */
struct edns_opt_iter {
	const uint8_t *p;
	size_t len;
	size_t pos;
};

void edns_opt_iter_init(struct edns_opt_iter *it, const struct edns *e);

/* Next option: 1 with code/data/len set, 0 at the end, BN_EOPT when an
 * option header or length runs past the RDATA. */
int edns_opt_next(struct edns_opt_iter *it, uint16_t *code,
		  const uint8_t **data, uint16_t *len);

/* First option with this code: 1 found, 0 not, BN_EOPT malformed. */
int edns_opt_find(const struct edns *e, uint16_t code,
		  const uint8_t **data, uint16_t *len);

/* Appends one option TLV to w (to build edns.opts). 0 or BN_ENOSPC. */
int edns_opt_put(struct wbuf *w, uint16_t code, const void *data,
		 uint16_t len);

/* Octets the OPT RR for e takes on the wire. */
static inline size_t edns_wire_size(const struct edns *e)
{
	return EDNS_RR_FIXED + e->opts_len;
}

/* Writes the whole OPT RR (root owner ... options). 0 or BN_ENOSPC with
 * w unchanged. */
int edns_write(struct wbuf *w, const struct edns *e);

#endif
