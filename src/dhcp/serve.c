/* DHCPv4 message handling (serve.h): DISCOVER, REQUEST in its four
 * states (RFC 2131 4.3.2), DECLINE, RELEASE and INFORM. The server is
 * authoritative for its subnet: a REQUEST for an address it may give is
 * ACKed even without a record of the client (its store is durable, so
 * no record means no lease), and one it may not give is NAKed. */
#include <stddef.h>
#include <string.h>

#include "base/error.h"
#include "dhcp/limit.h"
#include "dhcp/reply.h"
#include "dhcp/serve.h"

int dhcp_client_of(struct dhcp_client *c, const struct dhcp_msg *m)
{
	const uint8_t *v;
	size_t len;

	memset(c, 0, sizeof(*c));
	if (m->hlen > sizeof(c->hw))
		return BN_EINVAL;
	memcpy(c->hw, m->chaddr, m->hlen);
	c->hwlen = m->hlen;
	c->has_mac = m->htype == 1 && m->hlen == 6;
	if (dhcp_get(m, DO_CLIENT_ID, &v, &len)) {
		if (len < 2 || len > DHCP_CID_MAX)
			return BN_EINVAL;
		memcpy(c->cid, v, len);
		c->cidlen = (uint8_t)len;
		c->cid_opt = true;
		return 0;
	}
	if (m->hlen == 0 || m->hlen + 1u > DHCP_CID_MAX)
		return BN_EINVAL;
	c->cid[0] = m->htype;
	memcpy(c->cid + 1, m->chaddr, m->hlen);
	c->cidlen = (uint8_t)(m->hlen + 1);
	return 0;
}

static uint32_t requested(const struct dhcp_msg *req)
{
	uint32_t a = 0;

	dhcp_get_u32(req, DO_REQ_ADDR, &a);
	return a;
}

/* The host name the client gave (option 81 before 12), cleaned. */
static void client_host(struct dhcp_lease *e, const struct dhcp_msg *req)
{
	const uint8_t *v;
	size_t len;
	char h[DHCP_HOST_MAX] = "";

	if (e->is_static && e->host[0])
		return;
	if (dhcp_get(req, DO_FQDN, &v, &len))
		dhcp_fqdn_host(h, sizeof(h), v, len);
	if (!h[0] && dhcp_get(req, DO_HOSTNAME, &v, &len))
		dhcp_host_clean(h, sizeof(h), v, len);
	if (h[0])
		memcpy(e->host, h, sizeof(h));
}

struct used_arg {
	struct dhcp_pool *p;
	int64_t now;
};

static size_t used_now(void *arg)
{
	const struct used_arg *u = arg;

	return dhcp_pool_used(u->p, u->now);
}

/* Whether e would be a new address for c (not its static lease, nor
 * held by it or offered to it): what the starvation cap counts. */
static bool is_new(const struct dhcp_lease *e, const struct dhcp_client *c,
		   int64_t now)
{
	if (!dhcp_lease_is(e, c))
		return true;
	return !e->is_static && !((e->state == DL_BOUND ||
				   e->state == DL_OFFERED) && e->expires > now);
}

/* The cap on new addresses once the pool is nearly used up: DHCP_NEW_OK
 * or _HIGH, or BN_ELIMIT (out->note says why). */
static int cap_new(struct dhcp_pool *p, const struct dhcp_lease *e,
		   const struct dhcp_client *c, int64_t now,
		   struct dhcp_out *out)
{
	struct used_arg u = { p, now };
	int r;

	if (!p->limit || !is_new(e, c, now))
		return DHCP_NEW_OK;
	r = dhcp_limit_new(p->limit, p->nrange, now, used_now, &u);
	if (r != DHCP_NEW_NO)
		return r;
	out->note = "rate limited: new addresses while the pool is nearly "
		    "used up";
	return BN_ELIMIT;
}

/* At or above the high mark a new offer holds nothing: a flood of
 * DISCOVERs that never REQUEST cannot take the last addresses, and of
 * two real clients offered one address the second to REQUEST it gets a
 * NAK and starts again. */
static int discover(struct dhcp_pool *p, const struct dhcp_msg *req,
		    const struct dhcp_client *c, int64_t now,
		    struct dhcp_out *out)
{
	struct dhcp_lease *e = dhcp_pool_choose(p, c, requested(req), now);
	int cap;

	if (!e) {
		out->note = "no free address";
		return 0;
	}
	cap = cap_new(p, e, c, now, out);
	if (cap < 0)
		return BN_ELIMIT;
	if (cap == DHCP_NEW_OK && !(e->state == DL_BOUND && e->expires > now &&
				    dhcp_lease_is(e, c)))
		dhcp_pool_assign(p, e, c, DL_OFFERED,
				 now + p->conf->offer_hold);
	out->note = cap == DHCP_NEW_OK ? "offered" :
		    "offered (not held: the pool is nearly used up)";
	return dhcp_reply(p->conf, req, e, DHCPOFFER, out);
}

/* Another server was chosen: our offer goes back. */
static void drop_offer(struct dhcp_pool *p, const struct dhcp_client *c,
		       int64_t now)
{
	struct dhcp_lease *e = dhcp_pool_of_client(p, c);
	int64_t due;

	if (e && e->state == DL_OFFERED) {
		e->expires = now;
		dhcp_pool_expire(p, now, &due);
	}
}

/* Why c may not have addr, or NULL when it may. */
static const char *refusal(struct dhcp_pool *p, const struct dhcp_client *c,
			   uint32_t addr, int64_t now, struct dhcp_lease **ep)
{
	const struct dhcp_conf *k = p->conf;
	struct dhcp_lease *mine = dhcp_pool_of_client(p, c);

	*ep = NULL;
	if ((addr & k->mask) != k->net)
		return "address not on this network";
	if (mine && mine->is_static && mine->addr != addr)
		return "client has a static lease on another address";
	*ep = dhcp_pool_find(p, addr);
	if (!*ep)
		return "address outside the range";
	if (!dhcp_pool_can_take(*ep, c, now))
		return "address held by another client";
	return NULL;
}

static int request(struct dhcp_pool *p, const struct dhcp_msg *req,
		   const struct dhcp_client *c, int64_t now,
		   struct dhcp_out *out)
{
	struct dhcp_lease *e, *old = dhcp_pool_of_client(p, c);
	uint32_t sid, addr = req->ciaddr;
	bool has_sid = dhcp_get_u32(req, DO_SERVER_ID, &sid);

	if (has_sid && sid != p->conf->server_id) {
		drop_offer(p, c, now);
		out->note = "client chose another server";
		return 0;
	}
	if (has_sid || !addr)
		addr = requested(req);
	if (!addr) {
		out->note = "REQUEST without an address";
		return 0;
	}
	out->addr = addr;
	out->note = refusal(p, c, addr, now, &e);
	if (out->note)
		return dhcp_reply(p->conf, req, NULL, DHCPNAK, out);
	if (cap_new(p, e, c, now, out) < 0)
		return BN_ELIMIT;
	if (old && old != e && !old->is_static) {
		old->state = DL_FREE;   /* one lease per client */
		old->cidlen = 0;
		dhcp_pool_mark(p, old);
	}
	dhcp_pool_assign(p, e, c, DL_BOUND, now + p->conf->lease_time);
	client_host(e, req);
	out->note = "leased";
	return dhcp_reply(p->conf, req, e, DHCPACK, out);
}

static int decline(struct dhcp_pool *p, const struct dhcp_msg *req,
		   const struct dhcp_client *c, int64_t now,
		   struct dhcp_out *out)
{
	uint32_t sid, addr = requested(req);
	struct dhcp_lease *e = dhcp_pool_find(p, addr);

	out->addr = addr;
	if (dhcp_get_u32(req, DO_SERVER_ID, &sid) &&
	    sid != p->conf->server_id) {
		out->note = "DECLINE for another server";
		return 0;
	}
	if (!e || !dhcp_lease_is(e, c) || e->is_static) {
		out->note = "DECLINE of an address not the client's";
		return 0;
	}
	/* the client's identity stays with the entry (no lookup finds a
	 * declined one): its names leave DNS by its DHCID, as for a
	 * release, since the address is not in use by that client */
	e->state = DL_DECLINED;
	e->expires = now + p->conf->decline_time;
	dhcp_pool_mark(p, e);
	out->note = "declined: address unused until the decline time ends";
	return 0;
}

static int release(struct dhcp_pool *p, const struct dhcp_msg *req,
		   const struct dhcp_client *c, int64_t now,
		   struct dhcp_out *out)
{
	struct dhcp_lease *e = dhcp_pool_find(p, req->ciaddr);

	out->addr = req->ciaddr;
	if (!e || !dhcp_lease_is(e, c) || e->state != DL_BOUND) {
		out->note = "RELEASE of an address not leased to the client";
		return 0;
	}
	e->state = DL_RELEASED;
	e->expires = now;
	dhcp_pool_mark(p, e);
	out->note = "released";
	return 0;
}

/* Keyed by the hardware address: a client that changes its option 61
 * each time is still one client here (one that changes its MAC is the
 * new-address cap's). */
static bool limit_client(struct dhcp_limit *l, const struct dhcp_client *c,
			 int64_t now)
{
	if (c->hwlen)
		return dhcp_limit_client(l, c->hw, c->hwlen, now);
	return dhcp_limit_client(l, c->cid, c->cidlen, now);
}

int dhcp_serve(struct dhcp_pool *p, const struct dhcp_msg *req, int64_t now,
	       struct dhcp_out *out)
{
	struct dhcp_client c;
	int type = dhcp_msg_type(req);

	memset(out, 0, offsetof(struct dhcp_out, pkt));
	out->note = "not a BOOTREQUEST with a message type";
	if (req->op != BOOTREQUEST || !type)
		return BN_EINVAL;
	out->note = "bad client identifier or hardware address";
	if (dhcp_client_of(&c, req) < 0)
		return BN_EINVAL;
	out->note = "relay address outside the subnet";
	if (req->giaddr && (req->giaddr & p->conf->mask) != p->conf->net)
		return 0;
	if (p->limit && !limit_client(p->limit, &c, now)) {
		out->note = "rate limited: the client asks too often";
		return BN_ELIMIT;
	}
	switch (type) {
	case DHCPDISCOVER:
		return discover(p, req, &c, now, out);
	case DHCPREQUEST:
		return request(p, req, &c, now, out);
	case DHCPDECLINE:
		return decline(p, req, &c, now, out);
	case DHCPRELEASE:
		return release(p, req, &c, now, out);
	case DHCPINFORM:
		out->note = "informed";
		return dhcp_reply(p->conf, req, NULL, DHCPACK, out);
	}
	out->note = "server message from a client";
	return BN_EINVAL;
}
