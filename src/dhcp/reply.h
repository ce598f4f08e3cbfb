/* A server reply (OFFER, ACK, NAK) to one request: its header, options
 * and destination (RFC 2131 4.1 and 4.3). Used by serve.c. */
#ifndef BANCHI_DHCP_REPLY_H
#define BANCHI_DHCP_REPLY_H

#include "dhcp/serve.h"

/* Fills out's packet and destination. lease NULL: no address given (a
 * NAK, or the ACK to an INFORM). 0, or BN_ENOSPC when the options do
 * not fit (out->type stays 0 then). */
int dhcp_reply(const struct dhcp_conf *k, const struct dhcp_msg *req,
	       const struct dhcp_lease *lease, int type,
	       struct dhcp_out *out);

#endif
