/* Reply building (reply.h). Options in a fixed order, the relay agent's
 * option (82) echoed last as RFC 3046 asks, the client identifier echoed
 * (RFC 6842), the boot file to network boot clients (boot.h). Offers
 * and ACKs without an address for the client to answer from go to the
 * link's broadcast address whatever the client's broadcast flag: RFC
 * 2131 4.1 allows it, and it needs no raw socket. */
#include <stddef.h>
#include <string.h>

#include "base/error.h"
#include "dhcp/boot.h"
#include "dhcp/reply.h"
#include "wire/buf.h"

/* The client asked for the option, or sent no list at all. */
static bool wants(const struct dhcp_msg *req, uint8_t code)
{
	const uint8_t *v;
	size_t len, i;

	if (!dhcp_get(req, DO_PARAM_LIST, &v, &len))
		return true;
	for (i = 0; i < len; i++)
		if (v[i] == code)
			return true;
	return false;
}

/* The largest reply the client takes (option 57 counts the IP and UDP
 * headers). */
static size_t max_len(const struct dhcp_msg *req)
{
	const uint8_t *v;
	size_t len, n = DHCP_DEF_MAX;

	if (dhcp_get(req, DO_MAX_SIZE, &v, &len) && len == 2 &&
	    wire_get_u16(v) > DHCP_DEF_MAX + 28)
		n = wire_get_u16(v) - 28u;
	return n < DHCP_REPLY_MAX - 28 ? n : DHCP_REPLY_MAX - 28;
}

static int lease_opts(struct dhcp_opts *o, const struct dhcp_conf *k)
{
	return dhcp_opts_u32(o, DO_LEASE_TIME, k->lease_time) |
	       dhcp_opts_u32(o, DO_T1, k->lease_time / 2) |
	       dhcp_opts_u32(o, DO_T2, (uint32_t)(k->lease_time * 7ull / 8));
}

static int net_opts(struct dhcp_opts *o, const struct dhcp_conf *k,
		    const struct dhcp_msg *req, const struct dhcp_lease *e)
{
	int r = dhcp_opts_u32(o, DO_MASK, k->mask) |
		dhcp_opts_u32(o, DO_BROADCAST, k->net | ~k->mask) |
		dhcp_opts_addrs(o, DO_ROUTER, k->routers, k->nrouters) |
		dhcp_opts_addrs(o, DO_DNS, k->dns, k->ndns);

	if (k->domain[0])
		r |= dhcp_opts_add(o, DO_DOMAIN, k->domain, strlen(k->domain));
	if (e && e->is_static && e->host[0])
		r |= dhcp_opts_add(o, DO_HOSTNAME, e->host, strlen(e->host));
	if (wants(req, DO_NTP))
		r |= dhcp_opts_addrs(o, DO_NTP, k->ntp, k->nntp);
	if (k->mtu && wants(req, DO_MTU))
		r |= dhcp_opts_u16(o, DO_MTU, k->mtu);
	if (k->search_len && wants(req, DO_SEARCH))
		r |= dhcp_opts_add(o, DO_SEARCH, k->search, k->search_len);
	if (k->routes_len && wants(req, DO_ROUTES))
		r |= dhcp_opts_add(o, DO_ROUTES, k->routes, k->routes_len);
	return r;
}

/* 81, 61 and 82 as the client (and its relay) sent them. */
static int echo_opts(struct dhcp_opts *o, const struct dhcp_msg *req,
		     int type, bool ddns)
{
	uint8_t fq[256];
	const uint8_t *v;
	size_t len;
	int r = 0, n;

	if (type != DHCPNAK && dhcp_get(req, DO_FQDN, &v, &len)) {
		n = dhcp_fqdn_reply(fq, sizeof(fq), v, len, ddns);
		if (n > 0)
			r |= dhcp_opts_add(o, DO_FQDN, fq, (size_t)n);
	}
	if (dhcp_get(req, DO_CLIENT_ID, &v, &len))
		r |= dhcp_opts_add(o, DO_CLIENT_ID, v, len);
	if (dhcp_get(req, DO_RELAY, &v, &len))
		r |= dhcp_opts_add(o, DO_RELAY, v, len);
	return r;
}

static void header(struct dhcp_msg *h, const struct dhcp_msg *req,
		   const struct dhcp_lease *e, int type)
{
	memset(h, 0, offsetof(struct dhcp_msg, overload));
	h->op = BOOTREPLY;
	h->htype = req->htype;
	h->hlen = req->hlen;
	h->xid = req->xid;
	h->flags = req->flags;
	h->giaddr = req->giaddr;
	memcpy(h->chaddr, req->chaddr, sizeof(h->chaddr));
	if (type == DHCPACK)
		h->ciaddr = req->ciaddr;
	if (e && type != DHCPNAK)
		h->yiaddr = e->addr;
	if (type == DHCPNAK && req->giaddr)
		h->flags |= DHCP_FLAG_BROADCAST;
}

/* RFC 2131 4.1: to the relay; a NAK broadcast; else to the client's
 * address when it has one; else broadcast. */
static void destination(struct dhcp_out *out, const struct dhcp_msg *req,
			int type)
{
	if (req->giaddr) {
		out->dest = DEST_RELAY;
		out->to = req->giaddr;
	} else if (type != DHCPNAK && req->ciaddr) {
		out->dest = DEST_CLIENT;
		out->to = req->ciaddr;
	} else {
		out->dest = DEST_BROADCAST;
		out->to = 0xffffffff;
	}
}

int dhcp_reply(const struct dhcp_conf *k, const struct dhcp_msg *req,
	       const struct dhcp_lease *lease, int type,
	       struct dhcp_out *out)
{
	struct dhcp_msg h;
	struct dhcp_opts o;
	int r, len;

	header(&h, req, lease, type);
	dhcp_opts_init(&o);
	r = dhcp_opts_u8(&o, DO_MSG_TYPE, (uint8_t)type) |
	    dhcp_opts_u32(&o, DO_SERVER_ID, k->server_id);
	if (type == DHCPNAK) {
		r |= dhcp_opts_add(&o, DO_MESSAGE, out->note,
				   strlen(out->note));
	} else {
		if (lease)
			r |= lease_opts(&o, k);
		r |= net_opts(&o, k, req, lease);
		r |= dhcp_boot_reply(k, req, &h, &o);
	}
	r |= echo_opts(&o, req, type, k->ddns);
	len = r ? BN_ENOSPC : dhcp_build(&h, &o, max_len(req), out->pkt,
					 sizeof(out->pkt));
	if (len < 0)
		return len;
	out->len = (size_t)len;
	out->type = type;
	if (lease && type != DHCPNAK)
		out->addr = lease->addr;
	destination(out, req, type);
	return 0;
}
