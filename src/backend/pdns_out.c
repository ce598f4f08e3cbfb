/* Records to PowerDNS rows (pdns_out.h). PowerDNS reads content with
 * its own parsers: the types it knows get banchi's presentation form
 * (which those parsers read: checked against pdns_server in
 * test_dbtool.py), the others the generic form every parser takes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/pdns_out.h"
#include "base/encode.h"
#include "base/error.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

enum {
	KNOWN = 1,      /* PowerDNS has a mnemonic (QType::names, 4.x) */
	TEXT = 2,       /* and reads banchi's presentation form */
};

struct pdns_type {
	uint16_t code;
	uint8_t flags;
};

static const struct pdns_type pdns_types[] = {
	{ RR_A, KNOWN | TEXT }, { RR_NS, KNOWN | TEXT },
	{ RR_CNAME, KNOWN | TEXT }, { RR_SOA, KNOWN | TEXT },
	{ RR_MB, KNOWN | TEXT }, { RR_MG, KNOWN | TEXT },
	{ RR_MR, KNOWN | TEXT }, { RR_PTR, KNOWN | TEXT },
	{ RR_HINFO, KNOWN | TEXT }, { RR_MINFO, KNOWN | TEXT },
	{ RR_MX, KNOWN | TEXT }, { RR_TXT, KNOWN | TEXT },
	{ RR_RP, KNOWN | TEXT }, { RR_AFSDB, KNOWN | TEXT },
	{ RR_SIG, KNOWN }, { RR_KEY, KNOWN | TEXT },
	{ RR_AAAA, KNOWN | TEXT }, { RR_LOC, KNOWN | TEXT },
	{ RR_SRV, KNOWN | TEXT }, { RR_NAPTR, KNOWN | TEXT },
	{ RR_KX, KNOWN | TEXT }, { RR_CERT, KNOWN | TEXT },
	{ RR_A6, KNOWN }, { RR_DNAME, KNOWN | TEXT },
	{ RR_APL, KNOWN | TEXT }, { RR_DS, KNOWN | TEXT },
	{ RR_SSHFP, KNOWN | TEXT }, { RR_IPSECKEY, KNOWN | TEXT },
	{ RR_RRSIG, KNOWN | TEXT }, { RR_NSEC, KNOWN | TEXT },
	{ RR_DNSKEY, KNOWN | TEXT }, { RR_DHCID, KNOWN | TEXT },
	{ RR_NSEC3, KNOWN | TEXT }, { RR_NSEC3PARAM, KNOWN | TEXT },
	{ RR_TLSA, KNOWN | TEXT }, { RR_SMIMEA, KNOWN | TEXT },
	{ RR_RKEY, KNOWN | TEXT }, { RR_CDS, KNOWN | TEXT },
	{ RR_CDNSKEY, KNOWN | TEXT }, { RR_OPENPGPKEY, KNOWN | TEXT },
	{ RR_CSYNC, KNOWN | TEXT }, { RR_ZONEMD, KNOWN | TEXT },
	{ RR_SVCB, KNOWN | TEXT }, { RR_HTTPS, KNOWN | TEXT },
	{ RR_SPF, KNOWN | TEXT }, { RR_NID, KNOWN | TEXT },
	{ RR_L32, KNOWN | TEXT }, { RR_L64, KNOWN | TEXT },
	{ RR_LP, KNOWN | TEXT }, { RR_EUI48, KNOWN | TEXT },
	{ RR_EUI64, KNOWN | TEXT }, { RR_TKEY, KNOWN },
	{ RR_TSIG, KNOWN }, { RR_URI, KNOWN | TEXT },
	{ RR_CAA, KNOWN | TEXT }, { RR_DLV, KNOWN | TEXT },
};

static unsigned type_flags(uint16_t type)
{
	for (size_t i = 0; i < sizeof(pdns_types) / sizeof(pdns_types[0]); i++)
		if (pdns_types[i].code == type)
			return pdns_types[i].flags;
	return 0;
}

const char *pdns_type_text(uint16_t type, char buf[16])
{
	if (type_flags(type) & KNOWN)
		return rrtype_to_text(type, buf);
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}

int pdns_name_text(const uint8_t *name, char *out, size_t cap)
{
	size_t n = 0;

	if (!*name) {
		if (cap < 2)
			return BN_ENOSPC;
		memcpy(out, ".", 2);
		return 1;
	}
	for (const uint8_t *p = name; *p; p += 1 + *p) {
		if (p != name && n + 1 < cap)
			out[n++] = '.';
		for (unsigned i = 1; i <= *p; i++) {
			unsigned c = p[i];
			if (c >= 'A' && c <= 'Z')
				c += 'a' - 'A';
			if (n + 5 >= cap)
				return BN_ENOSPC;
			if (c == '.' || c == '\\')
				n += (size_t)sprintf(out + n, "\\%c", c);
			else if (c > 0x20 && c < 0x7f)
				out[n++] = (char)c;
			else
				n += (size_t)sprintf(out + n, "\\%03u", c);
		}
	}
	out[n] = '\0';
	return (int)n;
}

/* Which of the space-separated fields of the presentation form are
 * names, written absolute without their final dot as PowerDNS writes
 * content (a bit each; LAST_FIELD: the last one, after strings that
 * may hold spaces). */
#define LAST_FIELD (1u << 31)

static unsigned dotless_fields(uint16_t type)
{
	switch (type) {
	case RR_NS: case RR_CNAME: case RR_DNAME: case RR_PTR: case RR_MB:
	case RR_MG: case RR_MR:
		return 1u << 0;
	case RR_MX: case RR_AFSDB: case RR_KX: case RR_LP: case RR_SVCB:
	case RR_HTTPS:
		return 1u << 1;
	case RR_SRV: case RR_IPSECKEY:
		return 1u << 3;
	case RR_RP: case RR_SOA: case RR_MINFO:
		return 1u << 0 | 1u << 1;
	case RR_RRSIG:
		return 1u << 7;
	case RR_NAPTR:
		return LAST_FIELD;
	default:
		return 0;
	}
}

/* Drops the final dot of the chosen fields in place (a name's text from
 * name_to_text always ends in its own dot; the root stays "."). */
static size_t drop_dots(char *s, size_t len, unsigned fields)
{
	size_t r = 0, w = 0;

	if (fields == LAST_FIELD) {
		char *sp = memrchr(s, ' ', len);
		size_t start = sp ? (size_t)(sp - s) + 1 : 0;
		return len - start > 1 && s[len - 1] == '.' ? len - 1 : len;
	}
	for (unsigned f = 0; r < len; f++) {
		size_t start = r;
		while (r < len && s[r] != ' ')
			r++;
		size_t flen = r - start;
		if (f < 31 && (fields & (1u << f)) && flen > 1 &&
		    s[r - 1] == '.')
			flen--;
		memmove(s + w, s + start, flen);
		w += flen;
		if (r < len)
			s[w++] = s[r++];
	}
	return w;
}

/* How many fields come before a key, digest or signature that BIND
 * cuts in chunks with spaces: pdnsutil and PowerDNS's API write it in
 * one piece (-1: no such field). */
static int blob_after(uint16_t type)
{
	switch (type) {
	case RR_DHCID: case RR_OPENPGPKEY:
		return 0;
	case RR_SSHFP:
		return 2;
	case RR_DS: case RR_CDS: case RR_DLV: case RR_TLSA: case RR_SMIMEA:
	case RR_DNSKEY: case RR_CDNSKEY: case RR_KEY: case RR_RKEY:
	case RR_CERT: case RR_ZONEMD:
		return 3;
	case RR_IPSECKEY:
		return 4;
	case RR_RRSIG:
		return 8;
	default:
		return -1;
	}
}

/* The spaces after field k dropped. */
static size_t join_blob(char *s, size_t len, int k)
{
	size_t w = 0;
	int f = 0;

	for (size_t r = 0; r < len; r++) {
		if (s[r] == ' ' && f++ >= k)
			continue;
		s[w++] = s[r];
	}
	return w;
}

/* CERT's type and algorithm as numbers (PowerDNS reads no mnemonic). */
static int cert_text(const uint8_t *rd, size_t rdlen, char *out, size_t cap)
{
	int n, b;

	if (rdlen < 5)
		return BN_ERDATA;
	n = snprintf(out, cap, "%u %u %u ", (unsigned)(rd[0] << 8 | rd[1]),
		     (unsigned)(rd[2] << 8 | rd[3]), rd[4]);
	if (n < 0 || (size_t)n >= cap)
		return BN_ENOSPC;
	b = base64_encode(rd + 5, rdlen - 5, out + n, cap - (size_t)n);
	return b < 0 ? b : n + b;
}

/* The field where a type bitmap starts (-1: none). */
static int bitmap_at(uint16_t type)
{
	return type == RR_NSEC ? 1 : type == RR_NSEC3 ? 5 :
	       type == RR_CSYNC ? 2 : -1;
}

/* The bitmap's type names as PowerDNS spells them (TYPEnnn where it has
 * no mnemonic: MD, WKS...), rewritten in place; the new length, or
 * BN_ENOSPC. */
static int bitmap_types(char *s, size_t len, size_t cap, int k)
{
	char *tmp = malloc(len + 1), tb[16];
	size_t r = 0, w = 0;
	int f = 0;

	if (!tmp)
		return BN_ENOMEM;
	memcpy(tmp, s, len);
	while (r < len) {
		size_t start = r;
		uint16_t code;
		while (r < len && tmp[r] != ' ')
			r++;
		const char *t = tmp + start;
		size_t tl = r - start;
		if (f++ >= k && rrtype_from_text(t, tl, &code) == 0) {
			t = pdns_type_text(code, tb);
			tl = strlen(t);
		}
		if (w + tl + 1 >= cap) {
			free(tmp);
			return BN_ENOSPC;
		}
		memcpy(s + w, t, tl);
		w += tl;
		if (r < len)
			s[w++] = tmp[r++];
	}
	free(tmp);
	return (int)w;
}

/* IPSECKEY without a gateway: PowerDNS's parser refuses RFC 4025's
 * "." (its own form is "10 0 2 KEY", which pdns_row reads too). */
static size_t ipseckey_nogw(const uint8_t *rd, size_t rdlen, char *s,
			    size_t len)
{
	char *dot = rdlen >= 2 && rd[1] == 0 ? strstr(s, " . ") : NULL;

	if (!dot)
		return len;
	memmove(dot, dot + 2, len - (size_t)(dot + 2 - s));
	return len - 2;
}

/* "10 rest" of MX and SRV: the number to *prio, the rest moved up. */
static size_t take_prio(char *s, size_t len, unsigned *prio)
{
	char *sp = memchr(s, ' ', len);
	size_t skip;

	if (!sp)
		return len;
	*prio = (unsigned)strtoul(s, NULL, 10);
	skip = (size_t)(sp - s) + 1;
	memmove(s, s + skip, len - skip);
	return len - skip;
}

int pdns_content(uint16_t type, const uint8_t *rd, size_t rdlen, char *out,
		 size_t cap, unsigned *prio)
{
	int n;
	size_t len;

	*prio = 0;
	if (type == RR_CERT)
		n = cert_text(rd, rdlen, out, cap);
	else if (!(type_flags(type) & TEXT))
		n = -1;
	else
		n = rdata_to_text(type, rd, rdlen, out, cap);
	if (n < 0)
		n = rdata_to_generic_text(rd, rdlen, out, cap);
	if (n < 0)
		return n;
	if (n > 1 && out[0] == '\\' && out[1] == '#') {
		/* PowerDNS takes "\\# len hex", the hex in one piece */
		len = join_blob(out, (size_t)n, 2);
		out[len] = '\0';
		return (int)len;
	}
	len = drop_dots(out, (size_t)n, dotless_fields(type));
	if (blob_after(type) >= 0)
		len = join_blob(out, len, blob_after(type));
	if (type == RR_MX || type == RR_SRV)
		len = take_prio(out, len, prio);
	if (type == RR_IPSECKEY)
		len = ipseckey_nogw(rd, rdlen, out, len);
	if (bitmap_at(type) >= 0) {
		n = bitmap_types(out, len, cap, bitmap_at(type));
		if (n < 0)
			return n;
		len = (size_t)n;
	}
	out[len] = '\0';
	return (int)len;
}
