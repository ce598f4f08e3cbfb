/* TSIG data: the algorithm table, keys as configured (text forms) and as
 * used (keyed HMAC contexts), key rings, reading the TSIG record, and
 * the outcomes of a check in an operator's words. The MACs themselves
 * are in tsig_mac.c. Secrets never reach an error message. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/encode.h"
#include "base/error.h"
#include "wire/buf.h"
#include "wire/rrtype.h"
#include "wire/tsig.h"

#define CLASS_ANY 255
#define ERR(...) (snprintf(err, cap, __VA_ARGS__), -1)

static const struct {
	const char *text;
	const uint8_t *wire;
	uint16_t mac_len;
} algs[TSIG_ALG_COUNT] = {
	[TSIG_ALG_MD5] = { "hmac-md5", (const uint8_t *)
			   "\x08hmac-md5\x07sig-alg\x03reg\x03int", 16 },
	[TSIG_ALG_SHA1] = { "hmac-sha1", (const uint8_t *)"\x09hmac-sha1", 20 },
	[TSIG_ALG_SHA224] = { "hmac-sha224", (const uint8_t *)
			      "\x0bhmac-sha224", 28 },
	[TSIG_ALG_SHA256] = { "hmac-sha256", (const uint8_t *)
			      "\x0bhmac-sha256", 32 },
	[TSIG_ALG_SHA384] = { "hmac-sha384", (const uint8_t *)
			      "\x0bhmac-sha384", 48 },
	[TSIG_ALG_SHA512] = { "hmac-sha512", (const uint8_t *)
			      "\x0bhmac-sha512", 64 },
};

static bool alg_ok(enum tsig_alg a)
{
	return a >= 0 && a < TSIG_ALG_COUNT;
}

const char *tsig_alg_text(enum tsig_alg a)
{
	return alg_ok(a) ? algs[a].text : "unknown";
}

const uint8_t *tsig_alg_wire(enum tsig_alg a)
{
	return alg_ok(a) ? algs[a].wire : NULL;
}

size_t tsig_alg_mac_len(enum tsig_alg a)
{
	return alg_ok(a) ? algs[a].mac_len : 0;
}

/* RFC 8945 5.2.2.1: a MAC shorter than this is a format error. */
static size_t mac_min(enum tsig_alg a)
{
	size_t half = tsig_alg_mac_len(a) / 2;

	return half > 10 ? half : 10;
}

static bool text_is(const char *s, size_t len, const char *want)
{
	return strlen(want) == len && strncasecmp(s, want, len) == 0;
}

/* "-BITS" after an algorithm name: BIND's way to accept truncation. */
static bool parse_bits(const char *s, size_t len, enum tsig_alg a,
		       unsigned *bits)
{
	unsigned v = 0;

	if (len < 2 || s[0] != '-' || len > 5)
		return false;
	for (size_t i = 1; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v % 8 || v / 8 < mac_min(a) || v / 8 > tsig_alg_mac_len(a))
		return false;
	*bits = v;
	return true;
}

enum tsig_alg tsig_alg_from_text(const char *s, size_t len, unsigned *bits)
{
	*bits = 0;
	if (len && s[len - 1] == '.')
		len--;
	if (text_is(s, len, "hmac-md5.sig-alg.reg.int"))
		return TSIG_ALG_MD5;
	for (int a = 0; a < TSIG_ALG_COUNT; a++) {
		size_t n = strlen(algs[a].text);

		if (len < n || strncasecmp(s, algs[a].text, n) != 0)
			continue;
		if (len == n)
			return a;
		if (parse_bits(s + n, len - n, a, bits))
			return a;
	}
	return TSIG_ALG_NONE;
}

enum tsig_alg tsig_alg_from_wire(const uint8_t *name)
{
	for (int a = 0; a < TSIG_ALG_COUNT; a++)
		if (name_equal(name, algs[a].wire))
			return a;
	return TSIG_ALG_NONE;
}

/* base64 with the spaces and line breaks BIND allows inside secrets. */
/* A name as written in messages: only when it looks like one, since a
 * mistyped flag may put the secret where the name goes. */
static const char *shown(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 100)
		return "?";
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("-_.", name[i]))
			return "?";
	return name;
}

static int secret_decode(const char *text, uint8_t *out, size_t cap)
{
	size_t n = strlen(text), k = 0;
	char *buf = malloc(n + 1);
	int ret;

	if (!buf)
		return BN_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)text[i]))
			buf[k++] = text[i];
	ret = k ? base64_decode(buf, k, out, cap) : BN_ESYNTAX;
	OPENSSL_cleanse(buf, n + 1);
	free(buf);
	return ret;
}

int tsig_spec_set(struct tsig_key_spec *s, const char *name,
		  const char *alg, const char *secret64, char *err,
		  size_t cap)
{
	unsigned bits;
	int n;

	memset(s, 0, sizeof(*s));
	if (!*name || name_from_text(s->name, name, strlen(name),
				     (const uint8_t *)"") < 0)
		return ERR("key '%s': not a valid domain name", shown(name));
	name_to_lower(s->name);
	s->alg = TSIG_ALG_SHA256;
	if (alg && *alg) {
		s->alg = tsig_alg_from_text(alg, strlen(alg), &bits);
		if (s->alg == TSIG_ALG_NONE)
			return ERR("key '%s': unknown algorithm '%s' (hmac-md5, "
				   "hmac-sha1, hmac-sha224, hmac-sha256, "
				   "hmac-sha384, hmac-sha512)", shown(name),
				   shown(alg));
		s->mac_bits = (uint16_t)bits;
	}
	n = secret_decode(secret64, s->secret, sizeof(s->secret));
	if (n == BN_ENOSPC)
		return ERR("key '%s': secret longer than %d octets",
			   shown(name), TSIG_SECRET_MAX);
	if (n <= 0) {
		tsig_spec_wipe(s);
		return ERR("key '%s': %s", shown(name), n == 0 || !*secret64 ?
			   "empty secret" : "secret is not valid base64");
	}
	s->secret_len = (uint16_t)n;
	return 0;
}

int tsig_spec_parse(struct tsig_key_spec *s, const char *text, char *err,
		    size_t cap)
{
	const char *c1 = strchr(text, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char alg[64] = "", name[NAME_TEXT_MAX];
	const char *nm = text, *secret;
	size_t nlen;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!c1 || (c2 && strchr(c2 + 1, ':')))
		return ERR("%s", "a key is [ALG:]NAME:SECRET");
	if (c2) {
		if ((size_t)(c1 - text) >= sizeof(alg))
			return ERR("%s", "key: algorithm name too long");
		memcpy(alg, text, c1 - text);
		alg[c1 - text] = 0;
		nm = c1 + 1;
		c1 = c2;
	}
	secret = c1 + 1;
	nlen = (size_t)(c1 - nm);
	if (nlen >= sizeof(name))
		return ERR("%s", "key: name too long");
	memcpy(name, nm, nlen);
	name[nlen] = 0;
	if (!*name)
		return ERR("%s", "key: empty name (a key is "
			   "[ALG:]NAME:SECRET)");
	ret = tsig_spec_set(s, name, alg, secret, err, cap);
	return ret;
}

bool tsig_spec_same(const struct tsig_key_spec *a,
		    const struct tsig_key_spec *b)
{
	return name_equal(a->name, b->name) && a->alg == b->alg &&
	       a->mac_bits == b->mac_bits &&
	       a->secret_len == b->secret_len &&
	       CRYPTO_memcmp(a->secret, b->secret, a->secret_len) == 0;
}

void tsig_spec_wipe(struct tsig_key_spec *s)
{
	OPENSSL_cleanse(s->secret, sizeof(s->secret));
	s->secret_len = 0;
}

static int find_index(const struct tsig_keyring *kr, const uint8_t *name,
		      size_t *at)
{
	size_t lo = 0, hi = kr->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_compare(kr->key[mid].name, name);

		if (c == 0) {
			*at = mid;
			return 1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*at = lo;
	return 0;
}

int tsig_keyring_add(struct tsig_keyring *kr, const struct tsig_key_spec *s)
{
	struct tsig_key k, *v;
	size_t at;
	int ret;

	if (find_index(kr, s->name, &at))
		return BN_EINVAL;
	ret = tsig_key_init(&k, s);
	if (ret < 0)
		return ret;
	v = realloc(kr->key, (kr->n + 1) * sizeof(*v));
	if (!v) {
		tsig_key_clear(&k);
		return BN_ENOMEM;
	}
	memmove(v + at + 1, v + at, (kr->n - at) * sizeof(*v));
	v[at] = k;
	kr->key = v;
	kr->n++;
	return 0;
}

const struct tsig_key *tsig_keyring_find(const struct tsig_keyring *kr,
					 const uint8_t *name)
{
	uint8_t low[NAME_MAXLEN];
	size_t at;

	if (!kr || !kr->n)
		return NULL;
	memcpy(low, name, name_length(name));
	name_to_lower(low);
	return find_index(kr, low, &at) ? &kr->key[at] : NULL;
}

void tsig_keyring_clear(struct tsig_keyring *kr)
{
	for (size_t i = 0; i < kr->n; i++)
		tsig_key_clear(&kr->key[i]);
	free(kr->key);
	kr->key = NULL;
	kr->n = 0;
}

/* The fixed part after the algorithm name, then MAC and Other Data. */
static int rdata_parse(struct tsig_rr *t, const uint8_t *rd, size_t rdlen)
{
	struct rbuf r;
	uint16_t hi;
	uint32_t lo;
	int alen = name_check(rd, rdlen);

	if (alen < 0)
		return alen;
	memcpy(t->alg_name, rd, (size_t)alen);
	t->alg = tsig_alg_from_wire(t->alg_name);
	rbuf_init(&r, rd, rdlen);
	if (rbuf_skip(&r, (size_t)alen) < 0 || rbuf_u16(&r, &hi) < 0 ||
	    rbuf_u32(&r, &lo) < 0 || rbuf_u16(&r, &t->fudge) < 0 ||
	    rbuf_u16(&r, &t->mac_len) < 0)
		return BN_ETRUNC;
	t->time = (uint64_t)hi << 32 | lo;
	t->mac = rd + r.pos;
	if (rbuf_skip(&r, t->mac_len) < 0 || rbuf_u16(&r, &t->orig_id) < 0 ||
	    rbuf_u16(&r, &t->error) < 0 || rbuf_u16(&r, &t->other_len) < 0)
		return BN_ETRUNC;
	t->other = rd + r.pos;
	if (rbuf_skip(&r, t->other_len) < 0)
		return BN_ETRUNC;
	return rbuf_left(&r) ? BN_ERDATA : 0;
}

int tsig_rr_parse(struct tsig_rr *t, const uint8_t *pkt, size_t len,
		  size_t off)
{
	size_t pos = off;
	uint16_t rdlen;
	int ret;

	memset(t, 0, sizeof(*t));
	t->off = off;
	t->alg = TSIG_ALG_NONE;
	ret = name_unpack(pkt, len, &pos, t->owner);
	if (ret < 0)
		return ret;
	if (len - pos < 10)
		return BN_ETRUNC;
	if (wire_get_u16(pkt + pos) != RR_TSIG ||
	    wire_get_u16(pkt + pos + 2) != CLASS_ANY ||
	    wire_get_u32(pkt + pos + 4) != 0)
		return BN_ERDATA;
	rdlen = wire_get_u16(pkt + pos + 8);
	pos += 10;
	if (len - pos != rdlen)
		return BN_ERDATA;       /* not the last record */
	return rdata_parse(t, pkt + pos, rdlen);
}

uint16_t tsig_status_error(enum tsig_status s)
{
	switch (s) {
	case TSIG_UNKNOWN_KEY: case TSIG_WRONG_ALG:
		return TSIG_ERR_BADKEY;
	case TSIG_BAD_MAC: case TSIG_NO_MAC: case TSIG_MAC_SIZE:
		return TSIG_ERR_BADSIG;
	case TSIG_BAD_TIME:
		return TSIG_ERR_BADTIME;
	case TSIG_BAD_TRUNC:
		return TSIG_ERR_BADTRUNC;
	default:
		return TSIG_ERR_NONE;
	}
}

uint16_t tsig_status_rcode(enum tsig_status s)
{
	if (s == TSIG_OK)
		return 0;
	if (s == TSIG_MALFORMED || s == TSIG_MAC_SIZE)
		return 1;       /* FORMERR */
	if (s == TSIG_INTERNAL)
		return 2;       /* SERVFAIL */
	return 9;               /* NOTAUTH */
}

bool tsig_status_signed(enum tsig_status s)
{
	return s == TSIG_OK || s == TSIG_BAD_TIME || s == TSIG_BAD_TRUNC;
}

const char *tsig_status_text(enum tsig_status s)
{
	static const char *const text[] = {
		[TSIG_OK] = "verified",
		[TSIG_UNKNOWN_KEY] = "unknown key name",
		[TSIG_WRONG_ALG] = "algorithm differs",
		[TSIG_BAD_MAC] = "MAC wrong (the secret differs?)",
		[TSIG_NO_MAC] = "no MAC (MAC size 0)",
		[TSIG_BAD_TIME] = "clock off by more than the fudge",
		[TSIG_BAD_TRUNC] = "MAC truncated more than the key allows",
		[TSIG_MALFORMED] = "TSIG record malformed",
		[TSIG_MAC_SIZE] = "MAC size out of range",
		[TSIG_INTERNAL] = "HMAC failed (libcrypto)",
		[TSIG_UNSIGNED] = "message unsigned",
		[TSIG_MISSING] = "TSIG missing",
		[TSIG_OTHER_KEY] = "signed with another key or algorithm",
		[TSIG_ERROR_SET] = "the peer reports a TSIG error",
	};

	if ((unsigned)s >= sizeof(text) / sizeof(text[0]) || !text[s])
		return "?";
	return text[s];
}

static const char *alg_of(const struct tsig_rr *rr, char *buf, size_t cap)
{
	if (rr->alg != TSIG_ALG_NONE)
		return tsig_alg_text(rr->alg);
	if (name_to_text(buf, cap, rr->alg_name) < 0)
		return "?";
	return buf;
}

/* The part after "key 'NAME': " for a status that has a key. */
static void detail(const struct tsig_check *c, char *buf, size_t cap)
{
	char an[NAME_TEXT_MAX];
	int64_t off = c->skew < 0 ? -c->skew : c->skew;

	switch (c->status) {
	case TSIG_WRONG_ALG:
		snprintf(buf, cap, "algorithm differs (client %s, key %s)",
			 alg_of(&c->rr, an, sizeof(an)),
			 tsig_alg_text(c->key->alg));
		break;
	case TSIG_MAC_SIZE:
		snprintf(buf, cap, "MAC size %u out of range for %s (%zu to "
			 "%u octets)", c->rr.mac_len,
			 tsig_alg_text(c->key->alg), mac_min(c->key->alg),
			 c->key->mac_len);
		break;
	case TSIG_BAD_TIME:
		snprintf(buf, cap, "clock off by %lld s (fudge %u, client %s)",
			 (long long)off, c->rr.fudge,
			 c->skew > 0 ? "behind" : "ahead");
		break;
	case TSIG_BAD_TRUNC:
		snprintf(buf, cap, "MAC truncated to %u octets, the key wants "
			 "%u", c->rr.mac_len, c->key->min_mac);
		break;
	default:
		snprintf(buf, cap, "%s", tsig_status_text(c->status));
	}
}

const char *tsig_check_text(const struct tsig_check *c, char *buf,
			    size_t cap)
{
	char kn[NAME_TEXT_MAX], d[NAME_TEXT_MAX + 128];

	if (name_to_text(kn, sizeof(kn), c->rr.owner) < 0)
		snprintf(kn, sizeof(kn), "?");
	if (c->status == TSIG_MALFORMED)
		snprintf(buf, cap, "%s", tsig_status_text(c->status));
	else if (c->status == TSIG_UNKNOWN_KEY)
		snprintf(buf, cap, "unknown key name '%s'", kn);
	else if (!c->key)
		snprintf(buf, cap, "key '%s': %s", kn,
			 tsig_status_text(c->status));
	else {
		detail(c, d, sizeof(d));
		snprintf(buf, cap, "key '%s': %s", kn, d);
	}
	return buf;
}
