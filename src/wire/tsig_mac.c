/* TSIG MACs (RFC 8945 4.3, 5.2, 5.3.1): what goes into each HMAC, a
 * server's check of a request, the signer of one message or a stream of
 * them, and a client's check of the answers. Each key holds an HMAC
 * context keyed once; every message works on a copy of it, so keys are
 * shared read-only between threads. */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/error.h"
#include "wire/buf.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "wire/tsig.h"

#define CLASS_ANY 255

static const char *const digest[TSIG_ALG_COUNT] = {
	[TSIG_ALG_MD5] = "MD5", [TSIG_ALG_SHA1] = "SHA1",
	[TSIG_ALG_SHA224] = "SHA224", [TSIG_ALG_SHA256] = "SHA256",
	[TSIG_ALG_SHA384] = "SHA384", [TSIG_ALG_SHA512] = "SHA512",
};

int tsig_key_init(struct tsig_key *k, const struct tsig_key_spec *s)
{
	OSSL_PARAM p[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;

	memset(k, 0, sizeof(*k));
	if (s->alg < 0 || s->alg >= TSIG_ALG_COUNT || !s->secret_len)
		return BN_EINVAL;
	mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	EVP_MAC_free(mac);              /* the context holds its own ref */
	if (!ctx)
		return BN_ENOMEM;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						(char *)digest[s->alg], 0);
	p[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, s->secret, s->secret_len, p)) {
		EVP_MAC_CTX_free(ctx);
		return BN_EINVAL;
	}
	memcpy(k->name, s->name, name_length(s->name));
	name_to_lower(k->name);
	k->alg = s->alg;
	k->mac_len = (uint16_t)tsig_alg_mac_len(s->alg);
	k->min_mac = s->mac_bits ? (uint16_t)(s->mac_bits / 8) : k->mac_len;
	k->ctx = ctx;
	return 0;
}

int tsig_key_copy(struct tsig_key *dst, const struct tsig_key *src)
{
	*dst = *src;
	dst->ctx = EVP_MAC_CTX_dup(src->ctx);
	if (!dst->ctx) {
		memset(dst, 0, sizeof(*dst));
		return BN_ENOMEM;
	}
	return 0;
}

void tsig_key_clear(struct tsig_key *k)
{
	EVP_MAC_CTX_free(k->ctx);
	memset(k, 0, sizeof(*k));
}

/* A fresh HMAC for one message (or one group of a stream), with the
 * prior MAC first when there is one (RFC 8945 4.3.1, 5.3.1). */
static EVP_MAC_CTX *mac_begin(const struct tsig_key *k, const uint8_t *prior,
			      uint16_t prior_len, bool has_prior)
{
	EVP_MAC_CTX *ctx = EVP_MAC_CTX_dup(k->ctx);
	uint8_t l[2] = { (uint8_t)(prior_len >> 8), (uint8_t)prior_len };

	if (ctx && has_prior &&
	    (!EVP_MAC_update(ctx, l, 2) ||
	     !EVP_MAC_update(ctx, prior, prior_len))) {
		EVP_MAC_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/* The message as it was before its TSIG: the Original ID in the header,
 * ARCOUNT without the TSIG, the octets up to the TSIG record. */
static bool mac_message(EVP_MAC_CTX *ctx, const uint8_t *pkt, size_t end,
			uint16_t orig_id, bool had_tsig)
{
	uint8_t h[MSG_HDRLEN];

	memcpy(h, pkt, MSG_HDRLEN);
	if (had_tsig) {
		uint16_t ar = wire_get_u16(h + 10);

		h[0] = (uint8_t)(orig_id >> 8);
		h[1] = (uint8_t)orig_id;
		h[10] = (uint8_t)((ar - 1) >> 8);
		h[11] = (uint8_t)(ar - 1);
	}
	return EVP_MAC_update(ctx, h, MSG_HDRLEN) &&
	       EVP_MAC_update(ctx, pkt + MSG_HDRLEN, end - MSG_HDRLEN);
}

/* The TSIG variables (4.3.3), or the timers alone for the later
 * messages of a stream (5.3.1). Names in canonical form: the key's and
 * the algorithm table's, both lowercase. */
struct vars {
	const struct tsig_key *key;
	uint64_t time;
	uint16_t fudge, error, other_len;
	const uint8_t *other;
};

static bool mac_vars(EVP_MAC_CTX *ctx, const struct vars *v, bool timers)
{
	uint8_t b[16];
	const uint8_t *alg = tsig_alg_wire(v->key->alg);
	struct wbuf w;

	if (!timers) {
		wbuf_init(&w, b, sizeof(b));
		wbuf_u16(&w, CLASS_ANY);
		wbuf_u32(&w, 0);
		if (!EVP_MAC_update(ctx, v->key->name,
				    name_length(v->key->name)) ||
		    !EVP_MAC_update(ctx, b, w.len) ||
		    !EVP_MAC_update(ctx, alg, name_length(alg)))
			return false;
	}
	wbuf_init(&w, b, sizeof(b));
	wbuf_u16(&w, (uint16_t)(v->time >> 32));
	wbuf_u32(&w, (uint32_t)v->time);
	wbuf_u16(&w, v->fudge);
	if (!timers) {
		wbuf_u16(&w, v->error);
		wbuf_u16(&w, v->other_len);
	}
	return EVP_MAC_update(ctx, b, w.len) &&
	       (timers || !v->other_len ||
		EVP_MAC_update(ctx, v->other, v->other_len));
}

static bool mac_end(EVP_MAC_CTX *ctx, uint8_t *out, size_t *len)
{
	bool ok = EVP_MAC_final(ctx, out, len, TSIG_MAC_MAX);

	EVP_MAC_CTX_free(ctx);
	return ok;
}

static void vars_of(struct vars *v, const struct tsig_key *k,
		    const struct tsig_rr *rr)
{
	v->key = k;
	v->time = rr->time;
	v->fudge = rr->fudge;
	v->error = rr->error;
	v->other_len = rr->other_len;
	v->other = rr->other;
}

/* 5.2.2.1: larger than the hash, or shorter than max(10, half of it),
 * is a format error; 0 is left to the caller (an error answer). */
static bool mac_size_ok(const struct tsig_key *k, uint16_t n)
{
	size_t half = k->mac_len / 2, min = half > 10 ? half : 10;

	return n <= k->mac_len && n >= min;
}

static int64_t skew_of(uint64_t now, uint64_t signed_at)
{
	return (int64_t)now - (int64_t)signed_at;
}

static enum tsig_status done(struct tsig_check *c, enum tsig_status s)
{
	c->status = s;
	return s;
}

enum tsig_status tsig_verify_request(struct tsig_check *c,
				     const struct tsig_keyring *kr,
				     const uint8_t *pkt, size_t len,
				     size_t tsig_off, uint64_t now)
{
	uint8_t mac[TSIG_MAC_MAX];
	size_t mlen;
	struct vars v;
	EVP_MAC_CTX *ctx;

	c->key = NULL;
	c->now = now;
	c->skew = 0;
	if (tsig_off < MSG_HDRLEN || tsig_rr_parse(&c->rr, pkt, len,
						   tsig_off) < 0)
		return done(c, TSIG_MALFORMED);
	c->key = tsig_keyring_find(kr, c->rr.owner);
	if (!c->key)
		return done(c, TSIG_UNKNOWN_KEY);
	if (c->rr.alg != c->key->alg)
		return done(c, TSIG_WRONG_ALG);
	if (c->rr.mac_len == 0)
		return done(c, TSIG_NO_MAC);
	if (!mac_size_ok(c->key, c->rr.mac_len))
		return done(c, TSIG_MAC_SIZE);
	ctx = mac_begin(c->key, NULL, 0, false);
	vars_of(&v, c->key, &c->rr);
	if (!ctx || !mac_message(ctx, pkt, tsig_off, c->rr.orig_id, true) ||
	    !mac_vars(ctx, &v, false)) {
		EVP_MAC_CTX_free(ctx);
		return done(c, TSIG_INTERNAL);
	}
	if (!mac_end(ctx, mac, &mlen))
		return done(c, TSIG_INTERNAL);
	if (CRYPTO_memcmp(mac, c->rr.mac, c->rr.mac_len) != 0)
		return done(c, TSIG_BAD_MAC);
	c->skew = skew_of(now, c->rr.time);
	if (c->skew > c->rr.fudge || -c->skew > c->rr.fudge)
		return done(c, TSIG_BAD_TIME);
	if (c->rr.mac_len < c->key->min_mac)
		return done(c, TSIG_BAD_TRUNC);
	return done(c, TSIG_OK);
}

/* Writes the TSIG record (owner, alg: wire names) at the end of msg and
 * counts it in ARCOUNT. New length or BN_ENOSPC (msg unchanged). */
static int put_record(uint8_t *msg, size_t len, size_t cap,
		      const uint8_t *owner, const uint8_t *alg,
		      const struct vars *v, const uint8_t *mac,
		      uint16_t mac_len)
{
	struct wbuf w;
	size_t rdstart;
	uint16_t ar = wire_get_u16(msg + 10);
	int ret = 0;

	if (ar == UINT16_MAX)
		return BN_ENOSPC;
	wbuf_init(&w, msg, cap);
	w.len = len;
	ret |= wbuf_bytes(&w, owner, name_length(owner));
	ret |= wbuf_u16(&w, RR_TSIG);
	ret |= wbuf_u16(&w, CLASS_ANY);
	ret |= wbuf_u32(&w, 0);
	ret |= wbuf_u16(&w, 0);                 /* RDLENGTH, below */
	rdstart = w.len;
	ret |= wbuf_bytes(&w, alg, name_length(alg));
	ret |= wbuf_u16(&w, (uint16_t)(v->time >> 32));
	ret |= wbuf_u32(&w, (uint32_t)v->time);
	ret |= wbuf_u16(&w, v->fudge);
	ret |= wbuf_u16(&w, mac_len);
	ret |= wbuf_bytes(&w, mac, mac_len);
	ret |= wbuf_u16(&w, wire_get_u16(msg));  /* Original ID */
	ret |= wbuf_u16(&w, v->error);
	ret |= wbuf_u16(&w, v->other_len);
	ret |= wbuf_bytes(&w, v->other, v->other_len);
	if (ret)
		return BN_ENOSPC;
	wbuf_put_u16_at(&w, rdstart - 2, (uint16_t)(w.len - rdstart));
	msg[10] = (uint8_t)((ar + 1) >> 8);
	msg[11] = (uint8_t)(ar + 1);
	return (int)w.len;
}

int tsig_append_unsigned(uint8_t *msg, size_t len, size_t cap,
			 const struct tsig_rr *req, uint16_t error,
			 uint64_t time)
{
	struct vars v = { .time = time, .fudge = TSIG_FUDGE, .error = error };

	if (len < MSG_HDRLEN)
		return BN_EINVAL;
	return put_record(msg, len, cap, req->owner, req->alg_name, &v, NULL,
			  0);
}

void tsig_signer_init(struct tsig_signer *s, const struct tsig_key *k,
		      const uint8_t *req_mac, size_t req_mac_len)
{
	memset(s, 0, sizeof(*s));
	s->key = k;
	s->fudge = TSIG_FUDGE;
	if (req_mac) {
		if (req_mac_len > TSIG_MAC_MAX)
			req_mac_len = TSIG_MAC_MAX;
		memcpy(s->prior, req_mac, req_mac_len);
		s->prior_len = (uint16_t)req_mac_len;
		s->has_prior = true;
	}
}

void tsig_signer_set_error(struct tsig_signer *s, uint16_t error,
			   uint64_t server_time)
{
	s->error = error;
	s->other_len = 0;
	if (error == TSIG_ERR_BADTIME) {
		struct wbuf w;

		wbuf_init(&w, s->other, sizeof(s->other));
		wbuf_u16(&w, (uint16_t)(server_time >> 32));
		wbuf_u32(&w, (uint32_t)server_time);
		s->other_len = TSIG_OTHER_TIME;
	}
}

size_t tsig_signer_room(const struct tsig_signer *s)
{
	return name_length(s->key->name) + 10 +
	       name_length(tsig_alg_wire(s->key->alg)) + 16 +
	       s->key->mac_len + s->other_len;
}

int tsig_sign(struct tsig_signer *s, uint8_t *msg, size_t len, size_t cap,
	      uint64_t time)
{
	struct vars v = { .key = s->key, .time = time, .fudge = s->fudge,
			  .error = s->error, .other_len = s->other_len,
			  .other = s->other };
	EVP_MAC_CTX *ctx = s->run;
	uint8_t mac[TSIG_MAC_MAX];
	size_t mlen;
	int ret;

	if (len < MSG_HDRLEN)
		return BN_EINVAL;
	if (cap - len < tsig_signer_room(s))
		return BN_ENOSPC;
	s->run = NULL;
	if (!ctx)
		ctx = mac_begin(s->key, s->prior, s->prior_len, s->has_prior);
	if (!ctx || !mac_message(ctx, msg, len, 0, false) ||
	    !mac_vars(ctx, &v, s->nsigned > 0)) {
		EVP_MAC_CTX_free(ctx);
		return BN_EINVAL;
	}
	if (!mac_end(ctx, mac, &mlen))
		return BN_EINVAL;
	ret = put_record(msg, len, cap, s->key->name,
			 tsig_alg_wire(s->key->alg), &v, mac, (uint16_t)mlen);
	if (ret < 0)
		return ret;
	memcpy(s->prior, mac, mlen);
	s->prior_len = (uint16_t)mlen;
	s->has_prior = true;
	s->nsigned++;
	s->nskipped = 0;
	return ret;
}

int tsig_sign_skip(struct tsig_signer *s, const uint8_t *msg, size_t len)
{
	if (!s->nsigned || len < MSG_HDRLEN)
		return BN_EINVAL;
	if (s->nskipped >= TSIG_UNSIGNED_MAX)
		return BN_ERANGE;
	if (!s->run)
		s->run = mac_begin(s->key, s->prior, s->prior_len, true);
	if (!s->run || !mac_message(s->run, msg, len, 0, false))
		return BN_EINVAL;
	s->nskipped++;
	return 0;
}

const uint8_t *tsig_signer_mac(const struct tsig_signer *s, size_t *len)
{
	*len = s->prior_len;
	return s->prior;
}

void tsig_signer_clear(struct tsig_signer *s)
{
	EVP_MAC_CTX_free(s->run);
	OPENSSL_cleanse(s, sizeof(*s));
}

void tsig_verifier_init(struct tsig_verifier *v, const struct tsig_key *k,
			const uint8_t *req_mac, size_t req_mac_len)
{
	memset(v, 0, sizeof(*v));
	v->key = k;
	if (req_mac_len > TSIG_MAC_MAX)
		req_mac_len = TSIG_MAC_MAX;
	if (req_mac_len)
		memcpy(v->prior, req_mac, req_mac_len);
	v->prior_len = (uint16_t)req_mac_len;
}

/* An unsigned message of the stream goes into the next MAC. */
static enum tsig_status take_unsigned(struct tsig_verifier *v,
				      const uint8_t *pkt, size_t len)
{
	if (!v->nverified || v->nskipped >= TSIG_UNSIGNED_MAX)
		return TSIG_MISSING;
	if (!v->run)
		v->run = mac_begin(v->key, v->prior, v->prior_len, true);
	if (!v->run || !mac_message(v->run, pkt, len, 0, false))
		return TSIG_INTERNAL;
	v->nskipped++;
	return TSIG_UNSIGNED;
}

/* The checks before the MAC: ours, the same algorithm, a sane size. */
static enum tsig_status precheck(struct tsig_verifier *v)
{
	if (!name_equal(v->rr.owner, v->key->name) ||
	    v->rr.alg != v->key->alg)
		return TSIG_OTHER_KEY;
	if (v->rr.mac_len == 0)
		return v->rr.error ? TSIG_ERROR_SET : TSIG_NO_MAC;
	return mac_size_ok(v->key, v->rr.mac_len) ? TSIG_OK : TSIG_MAC_SIZE;
}

enum tsig_status tsig_verify_msg(struct tsig_verifier *v,
				 const uint8_t *pkt, size_t len,
				 uint64_t now)
{
	struct msg_query q;
	uint8_t mac[TSIG_MAC_MAX];
	size_t mlen;
	struct vars vv;
	EVP_MAC_CTX *ctx;
	enum tsig_status st;

	if (msg_parse_query(&q, pkt, len) < 0)
		return TSIG_MALFORMED;
	if (!q.tsig_off)
		return take_unsigned(v, pkt, len);
	if (tsig_rr_parse(&v->rr, pkt, len, q.tsig_off) < 0)
		return TSIG_MALFORMED;
	st = precheck(v);
	if (st != TSIG_OK)
		return st;
	ctx = v->run ? v->run : mac_begin(v->key, v->prior, v->prior_len,
					  true);
	v->run = NULL;
	vars_of(&vv, v->key, &v->rr);
	if (!ctx || !mac_message(ctx, pkt, q.tsig_off, v->rr.orig_id, true) ||
	    !mac_vars(ctx, &vv, v->nverified > 0)) {
		EVP_MAC_CTX_free(ctx);
		return TSIG_INTERNAL;
	}
	if (!mac_end(ctx, mac, &mlen))
		return TSIG_INTERNAL;
	if (CRYPTO_memcmp(mac, v->rr.mac, v->rr.mac_len) != 0)
		return TSIG_BAD_MAC;
	v->skew = skew_of(now, v->rr.time);
	if (v->skew > v->rr.fudge || -v->skew > v->rr.fudge)
		return TSIG_BAD_TIME;
	memcpy(v->prior, v->rr.mac, v->rr.mac_len);
	v->prior_len = v->rr.mac_len;
	v->nverified++;
	v->nskipped = 0;
	return v->rr.error ? TSIG_ERROR_SET : TSIG_OK;
}

enum tsig_status tsig_verify_end(const struct tsig_verifier *v)
{
	return v->nverified && !v->nskipped ? TSIG_OK : TSIG_MISSING;
}

void tsig_verifier_clear(struct tsig_verifier *v)
{
	EVP_MAC_CTX_free(v->run);
	memset(v, 0, sizeof(*v));
}
