/* DHCID, names and UPDATE messages of a lease's DNS records (ddns.h).
 * Records are written as RFC 2136 2.4 and 2.5 say: prerequisites in the
 * answer section, updates in the authority section; class NONE / ANY
 * with TTL 0 for the conditions and deletions. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "dhcp/ddns.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

int ddns_dhcid(uint8_t out[DDNS_DHCID_LEN], bool cid_opt,
	       const uint8_t *cid, size_t cidlen, const uint8_t *fqdn)
{
	uint8_t lc[NAME_MAXLEN];
	unsigned int mdlen = 0;
	size_t n = name_length(fqdn);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok;

	memcpy(lc, fqdn, n);
	name_to_lower(lc);
	out[0] = 0;
	out[1] = cid_opt ? 1 : 0;       /* identifier type */
	out[2] = 1;                     /* digest type: SHA-256 */
	ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
	     EVP_DigestUpdate(ctx, cid, cidlen) &&
	     EVP_DigestUpdate(ctx, lc, n) &&
	     EVP_DigestFinal_ex(ctx, out + 3, &mdlen) && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : BN_EINVAL;
}

int ddns_fqdn(uint8_t out[NAME_MAXLEN], const char *host,
	      const uint8_t *zone)
{
	size_t hl = strlen(host), zl = name_length(zone);

	if (hl == 0 || hl > LABEL_MAXLEN)
		return BN_ELABEL;
	if (1 + hl + zl > NAME_MAXLEN)
		return BN_ENAMELEN;
	out[0] = (uint8_t)hl;
	memcpy(out + 1, host, hl);
	memcpy(out + 1 + hl, zone, zl);
	return (int)(1 + hl + zl);
}

int ddns_reverse(uint8_t out[NAME_MAXLEN], uint32_t addr)
{
	char text[64];

	snprintf(text, sizeof(text), "%u.%u.%u.%u.in-addr.arpa.", addr & 255,
		 addr >> 8 & 255, addr >> 16 & 255, addr >> 24);
	return name_from_text(out, text, strlen(text), NULL);
}

struct upd {
	struct wbuf w;
	struct compr c;
	int err;
};

static void rr(struct upd *u, const uint8_t *owner, uint16_t type,
	       uint16_t class, uint32_t ttl, const void *rd, size_t rdlen)
{
	u->err |= name_pack(&u->w, owner, &u->c) |
		  wbuf_u16(&u->w, type) | wbuf_u16(&u->w, class) |
		  wbuf_u32(&u->w, ttl) | wbuf_u16(&u->w, (uint16_t)rdlen) |
		  wbuf_bytes(&u->w, rd, rdlen);
}

/* The PTR's RDATA: the FQDN, uncompressed (the length must be known). */
static void rr_ptr(struct upd *u, const uint8_t *owner, uint16_t class,
		   uint32_t ttl, const uint8_t *target)
{
	rr(u, owner, RR_PTR, class, ttl, target, name_length(target));
}

static void header(struct upd *u, const struct ddns_req *r, uint16_t pr,
		   uint16_t up)
{
	u->err |= wbuf_u16(&u->w, r->id) |
		  wbuf_u16(&u->w, (uint16_t)(OPCODE_UPDATE << 11)) |
		  wbuf_u16(&u->w, 1) | wbuf_u16(&u->w, pr) |
		  wbuf_u16(&u->w, up) | wbuf_u16(&u->w, 0);
	u->err |= name_pack(&u->w, r->zone, &u->c) |
		  wbuf_u16(&u->w, RR_SOA) | wbuf_u16(&u->w, CLASS_IN);
}

int ddns_build(uint8_t *buf, size_t cap, enum ddns_step step,
	       const struct ddns_req *r)
{
	static const uint16_t npr[] = { 1, 1, 1, 2, 0, 0 };
	static const uint16_t nup[] = { 2, 2, 1, 1, 2, 1 };
	struct upd u = { .err = 0 };
	uint8_t a[4];
	struct wbuf aw;

	if (step > DDNS_PTR_DEL)
		return BN_EINVAL;
	wbuf_init(&aw, a, 4);
	wbuf_u32(&aw, r->addr);
	wbuf_init(&u.w, buf, cap);
	compr_init(&u.c, buf);
	header(&u, r, npr[step], nup[step]);
	switch (step) {
	case DDNS_A_NEW:
		rr(&u, r->fqdn, RR_ANY, CLASS_NONE, 0, NULL, 0);
		rr(&u, r->fqdn, RR_A, CLASS_IN, r->ttl, a, 4);
		rr(&u, r->fqdn, RR_DHCID, CLASS_IN, r->ttl, r->dhcid,
		   DDNS_DHCID_LEN);
		break;
	case DDNS_A_OURS:
		rr(&u, r->fqdn, RR_DHCID, CLASS_IN, 0, r->dhcid,
		   DDNS_DHCID_LEN);
		rr(&u, r->fqdn, RR_A, CLASS_ANY, 0, NULL, 0);
		rr(&u, r->fqdn, RR_A, CLASS_IN, r->ttl, a, 4);
		break;
	case DDNS_A_DEL:
		rr(&u, r->fqdn, RR_DHCID, CLASS_IN, 0, r->dhcid,
		   DDNS_DHCID_LEN);
		rr(&u, r->fqdn, RR_A, CLASS_NONE, 0, a, 4);
		break;
	case DDNS_DHCID_DEL:    /* the last address gone: the mark too */
		rr(&u, r->fqdn, RR_A, CLASS_NONE, 0, NULL, 0);
		rr(&u, r->fqdn, RR_AAAA, CLASS_NONE, 0, NULL, 0);
		rr(&u, r->fqdn, RR_DHCID, CLASS_ANY, 0, NULL, 0);
		break;
	case DDNS_PTR_SET:
		rr(&u, r->rev, RR_PTR, CLASS_ANY, 0, NULL, 0);
		rr_ptr(&u, r->rev, CLASS_IN, r->ttl, r->fqdn);
		break;
	default:
		rr_ptr(&u, r->rev, CLASS_NONE, 0, r->fqdn);
		break;
	}
	return u.err ? BN_ENOSPC : (int)u.w.len;
}

int ddns_next(enum ddns_step step, int rcode)
{
	if (step == DDNS_A_NEW && rcode == RCODE_YXDOMAIN)
		return DDNS_A_OURS;
	if (step == DDNS_A_OURS && rcode == RCODE_NXRRSET)
		return DDNS_CONFLICT;
	/* not ours to delete: leave the name, still clean the PTR */
	if (step == DDNS_A_DEL && rcode == RCODE_NXRRSET)
		return DDNS_PTR_DEL;
	/* another address of the host still named: its DHCID stays */
	if (step == DDNS_DHCID_DEL && rcode == RCODE_YXRRSET)
		return DDNS_PTR_DEL;
	if (rcode != RCODE_NOERROR)
		return -1;
	switch (step) {
	case DDNS_A_NEW:
	case DDNS_A_OURS:
		return DDNS_PTR_SET;
	case DDNS_A_DEL:
		return DDNS_DHCID_DEL;
	case DDNS_DHCID_DEL:
		return DDNS_PTR_DEL;
	default:
		return DDNS_DONE;
	}
}

const char *ddns_step_name(int step)
{
	static const char *const names[] = { "add A (new name)",
		"replace A (our name)", "delete A", "delete DHCID", "set PTR",
		"delete PTR", "done", "conflict" };

	return step >= 0 && step <= DDNS_CONFLICT ? names[step] : "?";
}
