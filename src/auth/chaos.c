/* Identity (RFC 4892): CHAOS-class TXT queries for id.server and
 * hostname.bind get the server's identity, version.bind and
 * version.server its version, with TTL 0 and without AA, as NSD and
 * Knot answer them; each can be switched off (then REFUSED, as every
 * other CHAOS query, and these names asked with another type: as NSD
 * and Knot). RFC 5001's NSID is the same identity in EDNS: the
 * option is made here once, sent by answer.c's reply_edns. */
#include <string.h>

#include "auth/auth_int.h"
#include "wire/rrtype.h"

#define CLASS_CH 3

static const uint8_t id_server[] = "\2id\6server";
static const uint8_t hostname_bind[] = "\10hostname\4bind";
static const uint8_t version_bind[] = "\7version\4bind";
static const uint8_t version_server[] = "\7version\6server";

/* The TXT RDATA for qname, or NULL. */
static const uint8_t *chaos_txt(const struct auth_conf *c,
				const uint8_t *qname, uint16_t *len)
{
	if (name_equal(qname, id_server) || name_equal(qname, hostname_bind)) {
		*len = c->chaos_id_len;
		return c->chaos_id_len ? c->chaos_id : NULL;
	}
	if (name_equal(qname, version_bind) ||
	    name_equal(qname, version_server)) {
		*len = c->chaos_version_len;
		return c->chaos_version_len ? c->chaos_version : NULL;
	}
	return NULL;
}

int auth_chaos(const struct auth_query *a)
{
	uint16_t len;

	if (a->q->qtype != RR_TXT)
		return -1;
	return chaos_txt(a->conf, a->q->qname, &len) ? 0 : -1;
}

void auth_chaos_put(struct auth_query *a)
{
	uint16_t len;
	const uint8_t *rd = chaos_txt(a->conf, a->q->qname, &len);

	if (!rd)
		return;
	if (msg_writer_rr(&a->mw, MSG_ANSWER, a->q->qname, RR_TXT, CLASS_CH,
			  0, rd, len) < 0)
		a->tc = true;
}

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

void auth_conf_identity(struct auth_conf *c, const char *id,
			const char *version, const uint8_t *nsid,
			size_t nsid_len)
{
	c->chaos_id_len = txt_rdata(c->chaos_id, id);
	c->chaos_version_len = txt_rdata(c->chaos_version, version);
	c->nsid_opt_len = 0;
	if (!nsid_len || nsid_len > AUTH_NSID_MAX)
		return;
	c->nsid_opt[0] = EDNS_OPT_NSID >> 8;
	c->nsid_opt[1] = EDNS_OPT_NSID & 0xff;
	c->nsid_opt[2] = (uint8_t)(nsid_len >> 8);
	c->nsid_opt[3] = (uint8_t)(nsid_len & 0xff);
	memcpy(c->nsid_opt + EDNS_OPT_HDR, nsid, nsid_len);
	c->nsid_opt_len = (uint16_t)(EDNS_OPT_HDR + nsid_len);
}
