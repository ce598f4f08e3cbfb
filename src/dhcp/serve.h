/* The DHCPv4 server's decisions (RFC 2131 4.3): one request and the
 * pool in, the reply (or none), where it goes and the lease entries to
 * make durable out. One function per message type; no I/O. */
#ifndef BANCHI_DHCP_SERVE_H
#define BANCHI_DHCP_SERVE_H

#include "dhcp/msg.h"
#include "dhcp/pool.h"

/* Where a reply goes: the broadcast address on the link (port 68), a
 * client's own address (port 68), or the relay agent (port 67). */
enum dhcp_dest { DEST_NONE, DEST_BROADCAST, DEST_CLIENT, DEST_RELAY };

struct dhcp_out {
	int type;                       /* DHCPOFFER, ACK, NAK; 0: none */
	enum dhcp_dest dest;
	uint32_t to;                    /* DEST_CLIENT, DEST_RELAY */
	uint32_t addr;                  /* the address concerned, or 0 */
	const char *note;               /* why, for the log */
	size_t len;
	uint8_t pkt[DHCP_REPLY_MAX];
};

/* The client of a request: option 61 when present, else the hardware
 * type and address. BN_EINVAL when the identifier or hardware address
 * is too long or empty. */
int dhcp_client_of(struct dhcp_client *c, const struct dhcp_msg *m);

/* Handles one parsed request at time now. 0 with out filled (type 0:
 * nothing to send, out->note says why), or BN_EINVAL for a request to
 * drop as malformed (not BOOTREQUEST, no or bad message type, bad
 * client identifier; out->note says which), or BN_ELIMIT for one
 * dropped by the pool's rate limits (limit.h). Entries changed are on the
 * pool's dirty list: they must be stored before the reply is sent. */
int dhcp_serve(struct dhcp_pool *p, const struct dhcp_msg *req, int64_t now,
	       struct dhcp_out *out);

#endif
