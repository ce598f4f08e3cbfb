/* The RR type table: one descriptor per known type, saying how its RDATA
 * is laid out (which fields, which names compress). Wire parsing, wire
 * writing, text parsing and printing are all driven by it. Types outside
 * the table use RFC 3597 (TYPEnnn, \# len hex). */
#ifndef BANCHI_WIRE_RRTYPE_H
#define BANCHI_WIRE_RRTYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	RR_A = 1, RR_NS = 2, RR_MD = 3, RR_MF = 4, RR_CNAME = 5, RR_SOA = 6,
	RR_MB = 7, RR_MG = 8, RR_MR = 9, RR_NULL = 10, RR_WKS = 11,
	RR_PTR = 12, RR_HINFO = 13, RR_MINFO = 14, RR_MX = 15, RR_TXT = 16,
	RR_RP = 17, RR_AFSDB = 18, RR_X25 = 19, RR_ISDN = 20, RR_RT = 21,
	RR_NSAP = 22, RR_NSAP_PTR = 23, RR_SIG = 24, RR_KEY = 25, RR_PX = 26,
	RR_GPOS = 27, RR_AAAA = 28, RR_LOC = 29, RR_NXT = 30, RR_EID = 31,
	RR_NIMLOC = 32, RR_SRV = 33, RR_ATMA = 34, RR_NAPTR = 35, RR_KX = 36,
	RR_CERT = 37, RR_A6 = 38, RR_DNAME = 39, RR_SINK = 40, RR_OPT = 41,
	RR_APL = 42, RR_DS = 43, RR_SSHFP = 44, RR_IPSECKEY = 45,
	RR_RRSIG = 46, RR_NSEC = 47, RR_DNSKEY = 48, RR_DHCID = 49,
	RR_NSEC3 = 50, RR_NSEC3PARAM = 51, RR_TLSA = 52, RR_SMIMEA = 53,
	RR_HIP = 55, RR_NINFO = 56, RR_RKEY = 57, RR_TALINK = 58, RR_CDS = 59,
	RR_CDNSKEY = 60, RR_OPENPGPKEY = 61, RR_CSYNC = 62, RR_ZONEMD = 63,
	RR_SVCB = 64, RR_HTTPS = 65, RR_SPF = 99, RR_UINFO = 100,
	RR_UID = 101, RR_GID = 102, RR_UNSPEC = 103, RR_NID = 104,
	RR_L32 = 105, RR_L64 = 106, RR_LP = 107, RR_EUI48 = 108,
	RR_EUI64 = 109, RR_TKEY = 249, RR_TSIG = 250, RR_IXFR = 251,
	RR_AXFR = 252, RR_MAILB = 253, RR_MAILA = 254, RR_ANY = 255,
	RR_URI = 256, RR_CAA = 257, RR_AVC = 258, RR_DOA = 259,
	RR_AMTRELAY = 260, RR_RESINFO = 261, RR_TA = 32768, RR_DLV = 32769,
	RR_DSYNC = 66, RR_HHIT = 67, RR_BRID = 68, RR_WALLET = 262,
};

enum {
	CLASS_IN = 1, CLASS_CH = 3, CLASS_HS = 4, CLASS_NONE = 254,
	CLASS_ANY = 255,
};

/* RDATA field kinds. Names: RDF_NAME_C may be compressed on write and is
 * decompressed on read (RFC 1035 types); RDF_NAME_D is decompressed on
 * read but never compressed on write (RFC 3597 section 4 list); RDF_NAME
 * is never compressed either way. */
enum rdf_kind {
	RDF_END = 0,
	RDF_NAME_C,
	RDF_NAME_D,
	RDF_NAME,
	RDF_U8,
	RDF_U16,
	RDF_U32,
	RDF_TTL,        /* u32, text may use units (1h30m) - SOA timers */
	RDF_TIME,       /* u32, text YYYYMMDDHHmmSS or number (RRSIG/SIG) */
	RDF_A,          /* 4 octets, dotted quad */
	RDF_AAAA,       /* 16 octets */
	RDF_STR,        /* one <character-string> */
	RDF_STRS,       /* one or more character-strings to the end (TXT) */
	RDF_B64,        /* base64 to the end, may span tokens */
	RDF_HEX,        /* hex to the end, may span tokens */
	RDF_HEXLEN,     /* u8 length + octets; text hex or "-" for empty */
	RDF_B32LEN,     /* u8 length + octets; text base32hex (NSEC3) */
	RDF_BITMAP,     /* NSEC type bitmap to the end */
	RDF_EUI48,
	RDF_EUI64,
	RDF_ILNP64,     /* 8 octets as xxxx:xxxx:xxxx:xxxx (NID, L64) */
	RDF_ALG,        /* u8 DNSSEC algorithm, mnemonic allowed in text */
	RDF_CERTTYPE,   /* u16 CERT type, mnemonic allowed in text */
	RDF_TYPE,       /* u16 RR type (RRSIG type covered) */
	RDF_STR_REST,   /* octets to the end, text is one string (CAA value, URI target) */
	RDF_SPECIAL,    /* the whole RDATA is handled by the type's own functions */
	/* Appended later; values above stay stable. */
	RDF_DIGEST,     /* u8 DS digest type, mnemonic allowed in text */
	RDF_STR_OPT,    /* optional last character-string (ISDN subaddress) */
	RDF_SCHEME,     /* u8 DSYNC scheme, mnemonic (NOTIFY) in text */
	RDF_NXTBITMAP,  /* NXT type bitmap (RFC 2535), types 1-127 */
	RDF_ATMA,       /* u8 format + ATM address (AESA hex or +E.164) */
	RDF_A6,         /* prefix length, address suffix, prefix name */
	RDF_B64DASH,    /* base64 to the end, "-" when empty (DOA) */
	RDF_KEYFLAGS,   /* u16 KEY/DNSKEY flags, BIND's flag names in text */
	RDF_KEYPROTO,   /* u8 KEY protocol, mnemonic (DNSSEC) in text */
};

#define RDF_MAX 10

struct rrtype_desc {
	uint16_t code;
	const char *name;
	uint8_t fields[RDF_MAX];        /* enum rdf_kind, RDF_END terminated */
	bool obsolete;                  /* BIND refuses it in zones (MD, MF) */
};

/* Wire size of a fixed-size field kind (RDF_U8 .. RDF_ILNP64), -1 for
 * kinds of variable size. */
int rdf_fixed_size(uint8_t kind);

/* NULL for types without a descriptor (handled as RFC 3597 unknown). */
const struct rrtype_desc *rrtype_by_code(uint16_t code);

/* Type mnemonic or TYPEnnn (case-insensitive) to its code; BN_EUNKNOWN
 * otherwise. len octets of text, no NUL needed. */
int rrtype_from_text(const char *text, size_t len, uint16_t *code);

/* Mnemonic, or TYPEnnn in buf for types without one. Returns text. */
const char *rrtype_to_text(uint16_t code, char buf[16]);

/* IN, CH, HS, NONE, ANY or CLASSnnn. */
int rrclass_from_text(const char *text, size_t len, uint16_t *code);
const char *rrclass_to_text(uint16_t code, char buf[16]);

/* An RCODE's mnemonic (RFC 1035, 2136, 6891): "NXRRSET"; "RCODE?" for
 * one without a name here. */
const char *rcode_name(uint16_t rcode);

#endif
