/* The RR type table (RDATA layout per type) and the type and class
 * mnemonics. The table is indexed by code so lookups are O(1); names in
 * RDATA are RDF_NAME_C for RFC 1035 types, RDF_NAME_D for the other types
 * RFC 3597 section 4 lists, RDF_NAME for everything newer. "obsolete"
 * marks the types BIND refuses to load from zone files (MD, MF). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/error.h"
#include "wire/rrtype.h"
#include "wire/text.h"

#define T(c, n, ...) [c] = { .code = (c), .name = (n), .fields = { __VA_ARGS__ } }
#define OBS(c, n, ...) [c] = { .code = (c), .name = (n), .obsolete = true, \
			       .fields = { __VA_ARGS__ } }

#define LOW_MAX 263

static const struct rrtype_desc low[LOW_MAX] = {
	T(RR_A, "A", RDF_A),
	T(RR_NS, "NS", RDF_NAME_C),
	OBS(RR_MD, "MD", RDF_NAME_C),
	OBS(RR_MF, "MF", RDF_NAME_C),
	T(RR_CNAME, "CNAME", RDF_NAME_C),
	T(RR_SOA, "SOA", RDF_NAME_C, RDF_NAME_C, RDF_U32, RDF_TTL, RDF_TTL,
	  RDF_TTL, RDF_TTL),
	T(RR_MB, "MB", RDF_NAME_C),
	T(RR_MG, "MG", RDF_NAME_C),
	T(RR_MR, "MR", RDF_NAME_C),
	/* NULL: any octets, written and printed only in generic form. */
	T(RR_NULL, "NULL", RDF_END),
	T(RR_WKS, "WKS", RDF_SPECIAL),
	T(RR_PTR, "PTR", RDF_NAME_C),
	T(RR_HINFO, "HINFO", RDF_STR, RDF_STR),
	T(RR_MINFO, "MINFO", RDF_NAME_C, RDF_NAME_C),
	T(RR_MX, "MX", RDF_U16, RDF_NAME_C),
	T(RR_TXT, "TXT", RDF_STRS),
	T(RR_RP, "RP", RDF_NAME_D, RDF_NAME_D),
	T(RR_AFSDB, "AFSDB", RDF_U16, RDF_NAME_D),
	T(RR_X25, "X25", RDF_STR),
	T(RR_ISDN, "ISDN", RDF_STR, RDF_STR_OPT),
	T(RR_RT, "RT", RDF_U16, RDF_NAME_D),
	T(RR_NSAP, "NSAP", RDF_SPECIAL),
	T(RR_NSAP_PTR, "NSAP-PTR", RDF_NAME),
	T(RR_SIG, "SIG", RDF_TYPE, RDF_ALG, RDF_U8, RDF_U32, RDF_TIME,
	  RDF_TIME, RDF_U16, RDF_NAME_D, RDF_B64),
	T(RR_KEY, "KEY", RDF_KEYFLAGS, RDF_KEYPROTO, RDF_ALG, RDF_B64),
	T(RR_PX, "PX", RDF_U16, RDF_NAME_D, RDF_NAME_D),
	T(RR_GPOS, "GPOS", RDF_STR, RDF_STR, RDF_STR),
	T(RR_AAAA, "AAAA", RDF_AAAA),
	T(RR_LOC, "LOC", RDF_SPECIAL),
	T(RR_NXT, "NXT", RDF_NAME_D, RDF_NXTBITMAP),
	T(RR_EID, "EID", RDF_HEX),
	T(RR_NIMLOC, "NIMLOC", RDF_HEX),
	T(RR_SRV, "SRV", RDF_U16, RDF_U16, RDF_U16, RDF_NAME_D),
	T(RR_ATMA, "ATMA", RDF_ATMA),
	T(RR_NAPTR, "NAPTR", RDF_U16, RDF_U16, RDF_STR, RDF_STR, RDF_STR,
	  RDF_NAME_D),
	T(RR_KX, "KX", RDF_U16, RDF_NAME),
	T(RR_CERT, "CERT", RDF_CERTTYPE, RDF_U16, RDF_ALG, RDF_B64),
	T(RR_A6, "A6", RDF_A6),
	T(RR_DNAME, "DNAME", RDF_NAME_D),
	T(RR_SINK, "SINK", RDF_U8, RDF_U8, RDF_U8, RDF_B64),
	T(RR_APL, "APL", RDF_SPECIAL),
	T(RR_DS, "DS", RDF_U16, RDF_ALG, RDF_DIGEST, RDF_HEX),
	T(RR_SSHFP, "SSHFP", RDF_U8, RDF_U8, RDF_HEX),
	T(RR_IPSECKEY, "IPSECKEY", RDF_SPECIAL),
	T(RR_RRSIG, "RRSIG", RDF_TYPE, RDF_ALG, RDF_U8, RDF_U32, RDF_TIME,
	  RDF_TIME, RDF_U16, RDF_NAME, RDF_B64),
	T(RR_NSEC, "NSEC", RDF_NAME, RDF_BITMAP),
	T(RR_DNSKEY, "DNSKEY", RDF_KEYFLAGS, RDF_KEYPROTO, RDF_ALG, RDF_B64),
	T(RR_DHCID, "DHCID", RDF_B64),
	T(RR_NSEC3, "NSEC3", RDF_U8, RDF_U8, RDF_U16, RDF_HEXLEN, RDF_B32LEN,
	  RDF_BITMAP),
	T(RR_NSEC3PARAM, "NSEC3PARAM", RDF_U8, RDF_U8, RDF_U16, RDF_HEXLEN),
	T(RR_TLSA, "TLSA", RDF_U8, RDF_U8, RDF_U8, RDF_HEX),
	T(RR_SMIMEA, "SMIMEA", RDF_U8, RDF_U8, RDF_U8, RDF_HEX),
	T(RR_HIP, "HIP", RDF_SPECIAL),
	T(RR_NINFO, "NINFO", RDF_STRS),
	T(RR_RKEY, "RKEY", RDF_KEYFLAGS, RDF_KEYPROTO, RDF_ALG, RDF_B64),
	T(RR_TALINK, "TALINK", RDF_NAME, RDF_NAME),
	T(RR_CDS, "CDS", RDF_U16, RDF_ALG, RDF_DIGEST, RDF_HEX),
	T(RR_CDNSKEY, "CDNSKEY", RDF_KEYFLAGS, RDF_KEYPROTO, RDF_ALG, RDF_B64),
	T(RR_OPENPGPKEY, "OPENPGPKEY", RDF_B64),
	T(RR_CSYNC, "CSYNC", RDF_U32, RDF_U16, RDF_BITMAP),
	T(RR_ZONEMD, "ZONEMD", RDF_U32, RDF_U8, RDF_U8, RDF_HEX),
	T(RR_SVCB, "SVCB", RDF_SPECIAL),
	T(RR_HTTPS, "HTTPS", RDF_SPECIAL),
	T(RR_DSYNC, "DSYNC", RDF_TYPE, RDF_SCHEME, RDF_U16, RDF_NAME),
	T(RR_HHIT, "HHIT", RDF_B64),
	T(RR_BRID, "BRID", RDF_B64),
	T(RR_SPF, "SPF", RDF_STRS),
	T(RR_NID, "NID", RDF_U16, RDF_ILNP64),
	T(RR_L32, "L32", RDF_U16, RDF_A),
	T(RR_L64, "L64", RDF_U16, RDF_ILNP64),
	T(RR_LP, "LP", RDF_U16, RDF_NAME),
	T(RR_EUI48, "EUI48", RDF_EUI48),
	T(RR_EUI64, "EUI64", RDF_EUI64),
	T(RR_URI, "URI", RDF_U16, RDF_U16, RDF_STR_REST),
	T(RR_CAA, "CAA", RDF_SPECIAL),
	T(RR_AVC, "AVC", RDF_STRS),
	T(RR_DOA, "DOA", RDF_U32, RDF_U32, RDF_U8, RDF_STR, RDF_B64DASH),
	T(RR_AMTRELAY, "AMTRELAY", RDF_SPECIAL),
	T(RR_RESINFO, "RESINFO", RDF_STRS),
	T(RR_WALLET, "WALLET", RDF_STRS),
};

static const struct rrtype_desc high[] = {
	{ .code = RR_TA, .name = "TA",
	  .fields = { RDF_U16, RDF_ALG, RDF_DIGEST, RDF_HEX } },
	{ .code = RR_DLV, .name = "DLV",
	  .fields = { RDF_U16, RDF_ALG, RDF_DIGEST, RDF_HEX } },
};

/* Mnemonics of types that have no RDATA layout here (meta types and
 * types BIND knows but we only take in generic form). */
static const struct {
	uint16_t code;
	const char *name;
} extra_names[] = {
	{ RR_OPT, "OPT" },
	{ RR_UINFO, "UINFO" }, { RR_UID, "UID" }, { RR_GID, "GID" },
	{ RR_UNSPEC, "UNSPEC" }, { RR_TKEY, "TKEY" }, { RR_TSIG, "TSIG" },
	{ RR_IXFR, "IXFR" }, { RR_AXFR, "AXFR" }, { RR_MAILB, "MAILB" },
	{ RR_MAILA, "MAILA" }, { RR_ANY, "ANY" },
};

const struct rrtype_desc *rrtype_by_code(uint16_t code)
{
	if (code < LOW_MAX)
		return low[code].name ? &low[code] : NULL;
	if (code == RR_TA || code == RR_DLV)
		return &high[code - RR_TA];
	return NULL;
}

static bool word_eq(const char *text, size_t len, const char *name)
{
	/* The first-letter test keeps the per-record type lookup cheap. */
	if (len == 0 || (text[0] | 0x20) != (name[0] | 0x20))
		return false;
	return strlen(name) == len && strncasecmp(text, name, len) == 0;
}

/* "TYPE123" / "CLASS1": prefix then a decimal number <= 65535. */
static int prefixed_number(const char *text, size_t len, const char *prefix,
			   uint16_t *code)
{
	size_t pl = strlen(prefix);
	uint32_t v;

	if (len <= pl || strncasecmp(text, prefix, pl) != 0)
		return BN_EUNKNOWN;
	if (text_u32(text + pl, len - pl, 65535, &v) < 0)
		return BN_EUNKNOWN;
	*code = (uint16_t)v;
	return 0;
}

int rrtype_from_text(const char *text, size_t len, uint16_t *code)
{
	for (size_t i = 0; i < LOW_MAX; i++) {
		if (low[i].name && word_eq(text, len, low[i].name)) {
			*code = (uint16_t)i;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++) {
		if (word_eq(text, len, high[i].name)) {
			*code = (uint16_t)(RR_TA + i);
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(extra_names) / sizeof(extra_names[0]); i++) {
		if (word_eq(text, len, extra_names[i].name)) {
			*code = extra_names[i].code;
			return 0;
		}
	}
	return prefixed_number(text, len, "TYPE", code);
}

const char *rrtype_to_text(uint16_t code, char buf[16])
{
	const struct rrtype_desc *d = rrtype_by_code(code);

	if (d)
		return d->name;
	for (size_t i = 0; i < sizeof(extra_names) / sizeof(extra_names[0]); i++)
		if (extra_names[i].code == code)
			return extra_names[i].name;
	snprintf(buf, 16, "TYPE%u", code);
	return buf;
}

static const struct {
	uint16_t code;
	const char *name;
} classes[] = {
	{ CLASS_IN, "IN" }, { CLASS_CH, "CH" }, { CLASS_HS, "HS" },
	{ CLASS_NONE, "NONE" }, { CLASS_ANY, "ANY" },
	{ CLASS_CH, "CHAOS" }, { CLASS_HS, "HESIOD" },
};

int rrclass_from_text(const char *text, size_t len, uint16_t *code)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (word_eq(text, len, classes[i].name)) {
			*code = classes[i].code;
			return 0;
		}
	}
	return prefixed_number(text, len, "CLASS", code);
}

const char *rrclass_to_text(uint16_t code, char buf[16])
{
	/* The first five entries hold the preferred spelling. */
	for (size_t i = 0; i < 5; i++)
		if (classes[i].code == code)
			return classes[i].name;
	snprintf(buf, 16, "CLASS%u", code);
	return buf;
}

int rdf_fixed_size(uint8_t kind)
{
	switch (kind) {
	case RDF_U8: case RDF_ALG: case RDF_DIGEST: case RDF_SCHEME:
	case RDF_KEYPROTO:
		return 1;
	case RDF_U16: case RDF_CERTTYPE: case RDF_TYPE: case RDF_KEYFLAGS:
		return 2;
	case RDF_U32: case RDF_TTL: case RDF_TIME: case RDF_A:
		return 4;
	case RDF_AAAA:
		return 16;
	case RDF_EUI48:
		return 6;
	case RDF_EUI64: case RDF_ILNP64:
		return 8;
	}
	return -1;
}

const char *rcode_name(uint16_t rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE",
	};

	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return rcode == 16 ? "BADVERS" : "RCODE?";
}
