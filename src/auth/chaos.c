/* Identity (RFC 4892, wire/chaos.h): CHAOS-class TXT queries for
 * id.server and hostname.bind get the server's identity, version.bind
 * and version.server its version, with TTL 0 and without AA, as NSD and
 * Knot answer them; each can be switched off (then REFUSED, as every
 * other CHAOS query, and these names asked with another type: as NSD
 * and Knot). RFC 5001's NSID is the same identity in EDNS: the
 * option is made here once, sent by answer.c's reply_edns. */
#include <string.h>

#include "auth/auth_int.h"
#include "wire/rrtype.h"

int auth_chaos(const struct auth_query *a)
{
	uint16_t len;

	if (a->q->qtype != RR_TXT)
		return -1;
	return chaos_ident_txt(&a->conf->chaos, a->q->qname, &len) ? 0 : -1;
}

void auth_chaos_put(struct auth_query *a)
{
	uint16_t len;
	const uint8_t *rd = chaos_ident_txt(&a->conf->chaos, a->q->qname,
					     &len);

	if (!rd)
		return;
	if (msg_writer_rr(&a->mw, MSG_ANSWER, a->q->qname, RR_TXT, CLASS_CH,
			  0, rd, len) < 0)
		a->tc = true;
}

void auth_conf_nsid(struct auth_conf *c, const uint8_t *nsid,
		    size_t nsid_len)
{
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
