/* leases and lease-release (banchi-ctl, control.h). Serving thread:
 * the leases are read from the lease store, which holds every change
 * once a round is over, so the rows are those 'banchi-dhcp leases'
 * prints; a release changes the pool, then is committed before the
 * reply says it is done. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "daemon/log.h"
#include "dhcpd/control.h"

/* The last UPDATE's answer: a sentence (as 'why' says it), its time,
 * what it came to; null when there was none. */
static void put_last(struct ctl_reply *r, const struct dhcp_lease *e,
		     const char *server)
{
	char text[512];

	store_last_text(text, sizeof(text), e, server, (int64_t)time(NULL));
	if (!text[0]) {
		ctl_put_null(r, "dns_last");
		return;
	}
	ctl_put_str(r, "dns_last", text);
	ctl_put_time(r, "dns_last_at", (time_t)e->last.at);
	ctl_put_str(r, "dns_last_result", store_res_names[e->last.res]);
}

static void put_lease(void *arg, const struct dhcp_lease *e,
		      const char *server)
{
	struct ctl_reply *r = arg;
	char a[INET_ADDRSTRLEN], hw[16 * 3 + 1], cid[DHCP_CID_MAX * 2 + 1];
	struct in_addr in = { htonl(e->addr) };

	inet_ntop(AF_INET, &in, a, sizeof(a));
	store_hw_text(hw, e->hw, e->hwlen);
	for (size_t i = 0; i < e->cidlen; i++)
		snprintf(cid + 2 * i, 3, "%02x", e->cid[i]);
	cid[2 * e->cidlen] = '\0';
	ctl_open_obj(r, NULL);
	ctl_put_str(r, "address", a);
	ctl_put_str(r, "state", dhcp_lstate_name(e->state));
	ctl_put_time(r, "expires", (time_t)e->expires);
	ctl_put_str(r, "hwaddr", hw);
	ctl_put_str(r, "hostname", e->host);
	ctl_put_str(r, "client_id", cid);
	ctl_put_bool(r, "static", e->is_static);
	ctl_put_str(r, "dns", store_dns_names[e->dns]);
	put_last(r, e, server);
	ctl_close(r);
}

void control_leases(void *arg, const char *value, struct ctl_reply *r)
{
	struct dserver *s = arg;
	bool all = value && (!strcmp(value, "all") || !strcmp(value, "--all"));

	if (value && !all) {
		ctl_fail(r, "leases takes nothing or --all, not '%.100s'",
			 value);
		return;
	}
	if (dserver_sync(s) < 0) {
		ctl_fail(r, "the lease database cannot be written: see the "
			 "log");
		return;
	}
	ctl_put_bool(r, "all", all);
	ctl_open_arr(r, "leases");
	if (store_each(s->store, all, put_lease, r) < 0)
		ctl_fail(r, "the lease database cannot be read: see the log");
	ctl_close(r);
}

static int parse_mac(const char *text, uint8_t mac[6])
{
	unsigned b[6];
	int used = 0;

	if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
		   &b[3], &b[4], &b[5], &used) != 6 || text[used])
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

/* Whether e is a lease in effect that the argument names. */
static bool named(const struct dhcp_lease *e, bool by_mac, uint32_t addr,
		  const uint8_t *mac, int64_t now)
{
	if (e->state != DL_BOUND || e->expires <= now)
		return false;
	if (!by_mac)
		return e->addr == addr;
	return e->hwlen == 6 && !memcmp(e->hw, mac, 6);
}

/* As the client's RELEASE does (dhcp/serve.c): remembered for it, its
 * names to be removed (a static lease's stay: they always resolve). */
static void release(struct dserver *s, struct dhcp_pool *p,
		    struct dhcp_lease *e, int64_t now, struct ctl_reply *r)
{
	char a[INET_ADDRSTRLEN], hw[16 * 3 + 1];
	struct in_addr in = { htonl(e->addr) };

	e->state = DL_RELEASED;
	e->expires = now;
	dhcp_pool_mark(p, e);
	ctl_count(&s->st.released_ctl, 1);
	inet_ntop(AF_INET, &in, a, sizeof(a));
	store_hw_text(hw, e->hw, e->hwlen);
	log_info("control: released %s of %s%s%s", a, hw[0] ? hw : "-",
		 e->host[0] ? " " : "", e->host);
	ctl_open_obj(r, NULL);
	ctl_put_str(r, "address", a);
	ctl_put_str(r, "hwaddr", hw);
	ctl_put_str(r, "hostname", e->host);
	ctl_close(r);
}

void control_release(void *arg, const char *value, struct ctl_reply *r)
{
	struct dserver *s = arg;
	int64_t now = (int64_t)time(NULL);
	struct in_addr in = { 0 };
	uint8_t mac[6];
	bool by_mac = parse_mac(value, mac) == 0;
	size_t k, i, n = 0;

	if (!by_mac && inet_pton(AF_INET, value, &in) != 1) {
		ctl_fail(r, "'%.100s' is neither an IPv4 address nor a MAC "
			 "address", value);
		return;
	}
	ctl_open_arr(r, "released");
	for (k = 0; k < s->nlinks; k++) {
		struct dhcp_pool *p = s->pools[k];

		for (i = 0; i < p->n; i++)
			if (named(&p->l[i], by_mac, ntohl(in.s_addr), mac,
				  now)) {
				release(s, p, &p->l[i], now, r);
				n++;
			}
	}
	ctl_close(r);
	if (!n) {
		ctl_fail(r, "no lease in effect for %.100s", value);
		return;
	}
	if (dserver_sync(s) < 0) {
		ctl_fail(r, "released in memory, but the lease database "
			 "cannot be written (retried with the next change): "
			 "see the log");
		return;
	}
	ctl_put_str(r, "dns", s->dd ? "names queued for removal (static "
		    "leases' names stay)" : "no DNS updates configured");
}
