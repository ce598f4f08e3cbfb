/* The DNS updater (ddns.h). One lease at a time: its steps (core
 * ddns_next) go out one UPDATE each, the answer deciding the next; the
 * lease's dns state changes only when its work is done, and only if the
 * lease did not change meanwhile. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon/cfg.h"
#include "daemon/log.h"
#include "dhcpd/ddns.h"
#include "dhcpd/store.h"
#include "net/client.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

#define TIMEOUT_MS 1000
#define TRIES 3
#define BACKOFF_MAX 60

static uint32_t rnd32(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)time(NULL) ^ (uint32_t)clock();
	return r;
}

static void listen_text(char *buf, size_t cap, const struct cfg_listen *l)
{
	const struct sockaddr_in *v4 = (const struct sockaddr_in *)&l->sa;
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&l->sa;
	char a[INET6_ADDRSTRLEN] = "?";

	if (l->sa.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &v6->sin6_addr, a, sizeof(a));
		snprintf(buf, cap, "[%s]:%u", a, ntohs(v6->sin6_port));
		return;
	}
	inet_ntop(AF_INET, &v4->sin_addr, a, sizeof(a));
	snprintf(buf, cap, "%s:%u", a, ntohs(v4->sin_port));
}

int ddns_server_text(char *buf, size_t cap, const char *server)
{
	struct cfg_listen to;

	if (config_parse_listen(&to, server) < 0)
		return -1;
	listen_text(buf, cap, &to);
	return 0;
}

int ddns_open(struct ddns *d, const struct ddns_conf *c)
{
	struct cfg_listen to;

	memset(d, 0, sizeof(*d));
	d->conf = c;
	d->fd = -1;
	if (config_parse_listen(&to, c->server) < 0) {
		log_err("--ddns: '%s' is not ADDR[:PORT]", c->server);
		return -1;
	}
	listen_text(d->server, sizeof(d->server), &to);
	memcpy(&d->to, &to.sa, to.salen);
	d->tolen = to.salen;
	if (c->has_key && tsig_key_init(&d->key, &c->key) < 0) {
		log_err("--key: the algorithm is not in this libcrypto");
		return -1;
	}
	d->fd = client_udp_open((struct sockaddr *)&to.sa, to.salen, rnd32());
	if (d->fd < 0) {
		log_err("--ddns %s: %s", c->server, strerror(-d->fd));
		return -1;
	}
	return 0;
}

void ddns_close(struct ddns *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->conf && d->conf->has_key)
		tsig_key_clear(&d->key);
}

static void name_text(char *buf, size_t cap, const uint8_t *name)
{
	if (name_to_text(buf, cap, name) < 0)
		snprintf(buf, cap, "?");
}

static int send_step(struct ddns *d, int64_t now_ms)
{
	struct ddns_req r = { d->step >= DDNS_PTR_SET ? d->rz :
			      d->conf->fzone, d->fqdn, d->rev, d->cur->addr,
			      d->conf->ttl, d->dhcid, 0 };
	struct tsig_signer sg;
	uint8_t msg[1024];
	const uint8_t *mac;
	int len;

	d->id = (uint16_t)rnd32();
	r.id = d->id;
	len = ddns_build(msg, sizeof(msg), (enum ddns_step)d->step, &r);
	if (len > 0 && d->conf->has_key) {
		tsig_signer_init(&sg, &d->key, NULL, 0);
		len = tsig_sign(&sg, msg, (size_t)len, sizeof(msg),
				(uint64_t)time(NULL));
		mac = tsig_signer_mac(&sg, &d->maclen);
		memcpy(d->mac, mac, d->maclen);
		tsig_signer_clear(&sg);
	}
	d->sent_ms = now_ms;
	ctl_count(&d->st.sent, 1);
	if (len < 0 || send(d->fd, msg, (size_t)len, 0) < 0)
		return -1;
	return 0;
}

/* Whether e still wants the work being done (it did not change
 * meanwhile: released, renewed, given to another client). */
static bool same_work(const struct ddns *d, const struct dhcp_lease *e)
{
	return e->dns == (d->removing ? DNS_DEL : DNS_ADD);
}

/* The outcome of the work, kept with the lease for 'why'. */
static void record(const struct ddns *d, struct dhcp_lease *e, uint8_t res,
		   int rcode, unsigned retry)
{
	e->last.at = (int64_t)time(NULL);
	e->last.rcode = (int16_t)rcode;
	e->last.res = res;
	e->last.step = (uint8_t)d->step;
	e->last.retry = (uint16_t)retry;
}

/* The lease's work is over: its new dns state and the outcome, unless
 * it changed (written in the commit of that state: no commit of its
 * own). */
static void finish(struct ddns *d, uint8_t dns)
{
	struct dhcp_lease *e = d->cur;

	d->cur = NULL;
	d->backoff = 0;
	if (!same_work(d, e))
		return;         /* changed meanwhile: the next run sees it */
	record(d, e, d->res, d->rcode, 0);
	e->dns = dns;
	dhcp_pool_mark(d->cur_pool, e);
}

/* A failed try: retried after the backoff. Its outcome is marked to be
 * written (why shows the failure while it lasts): one commit per failed
 * try, and tries are as far apart as the backoff (1 s doubling to 60
 * s: 7 commits in an outage's first 2 minutes, then one a minute);
 * answers that end a lease's work cost none (finish). */
static void fail(struct ddns *d, int64_t now_ms, const char *why, int rcode)
{
	char n[NAME_TEXT_MAX];

	d->backoff = d->backoff ? d->backoff * 2 : 1;
	if (d->backoff > BACKOFF_MAX)
		d->backoff = BACKOFF_MAX;
	d->retry_ms = now_ms + d->backoff * 1000;
	ctl_count(&d->st.failures, 1);
	name_text(n, sizeof(n), d->fqdn);
	log_warn("dns update of %s (%s): %s; retried in %us", n,
		 ddns_step_name(d->step), why, d->backoff);
	if (same_work(d, d->cur)) {
		record(d, d->cur, DNSR_FAILED, rcode, d->backoff);
		dhcp_pool_mark(d->cur_pool, d->cur);
	}
	d->cur = NULL;
}

/* An error of send or recv: the server's port unreachable, or not. */
static int errno_rcode(int err)
{
	return err == ECONNREFUSED ? DNSR_UNREACH : DNSR_NOSEND;
}

/* The next lease of p with names to add or remove, or NULL. Leases
 * whose names cannot be made are set back to no work (the sweep's
 * have their DHCID given). */
static struct dhcp_lease *pick_in(struct dhcp_pool *p, bool given)
{
	struct dhcp_lease *e;
	size_t i;

	for (i = 0; i < p->n; i++) {
		e = &p->l[i];
		if (e->dns != DNS_ADD && e->dns != DNS_DEL)
			continue;
		if (e->host[0] && (e->cidlen || e->is_static || given))
			return e;
		e->dns = DNS_NONE;
		dhcp_pool_mark(p, e);
	}
	return NULL;
}

/* The next lease of any interface's pool, then of the sweep;
 * d->cur_pool set to its. */
static struct dhcp_lease *pick(struct ddns *d)
{
	struct dhcp_lease *e;
	size_t k;

	for (k = 0; k < d->npools; k++) {
		e = pick_in(d->pools[k], false);
		if (e) {
			d->cur_pool = d->pools[k];
			return e;
		}
	}
	e = d->sweep ? pick_in(d->sweep, true) : NULL;
	if (e)
		d->cur_pool = d->sweep;
	return e;
}

int ddns_lease_dhcid(uint8_t out[DDNS_DHCID_LEN], const struct dhcp_lease *e,
		     const uint8_t *fqdn)
{
	uint8_t id[7] = { 1 };

	if (!e->is_static || e->static_cid)
		return ddns_dhcid(out, e->cid_opt, e->cid, e->cidlen, fqdn);
	memcpy(id + 1, e->hw, 6);
	return ddns_dhcid(out, false, id, sizeof(id), fqdn);
}

/* The DHCID of the lease's name; a sweep entry's is the zone's. */
static int dhcid(struct ddns *d, const struct dhcp_lease *e)
{
	if (d->sweep && d->cur_pool == d->sweep) {
		memcpy(d->dhcid, d->sweep_dhcid[e - d->sweep->l],
		       DDNS_DHCID_LEN);
		return 0;
	}
	return ddns_lease_dhcid(d->dhcid, e, d->fqdn);
}

/* The reverse zone holding rev (the longest), or NULL: an address of
 * no reverse zone has no PTR rather than an UPDATE refused for ever
 * (NOTZONE). */
static const uint8_t *reverse_zone(const struct ddns_conf *c,
				   const uint8_t *rev)
{
	const uint8_t *best = NULL;

	for (size_t i = 0; i < c->nrzone; i++)
		if (name_is_subdomain(rev, c->rzone[i]) &&
		    (!best || name_length(c->rzone[i]) > name_length(best)))
			best = c->rzone[i];
	return best;
}

static int start(struct ddns *d, struct dhcp_lease *e, int64_t now_ms)
{
	d->cur = e;
	d->removing = e->dns == DNS_DEL;
	d->step = d->removing ? DDNS_A_DEL : DDNS_A_NEW;
	d->res = d->removing ? DNSR_REMOVED : DNSR_ADDED;
	d->rcode = RCODE_NOERROR;
	d->tries = 0;
	if (ddns_fqdn(d->fqdn, e->host, d->conf->fzone) < 0 ||
	    ddns_reverse(d->rev, e->addr) < 0 ||
	    dhcid(d, e) < 0)
		return -1;
	d->rz = reverse_zone(d->conf, d->rev);
	return send_step(d, now_ms);
}

int ddns_run(struct ddns *d, int64_t now_ms)
{
	struct dhcp_lease *e;

	if (d->cur && now_ms - d->sent_ms >= TIMEOUT_MS) {
		if (++d->tries >= TRIES)
			fail(d, now_ms, "no answer", DNSR_TIMEOUT);
		else if (send_step(d, now_ms) < 0)
			fail(d, now_ms, strerror(errno), errno_rcode(errno));
	}
	if (d->cur)
		return (int)(d->sent_ms + TIMEOUT_MS - now_ms);
	if (now_ms < d->retry_ms)
		return (int)(d->retry_ms - now_ms);
	e = pick(d);
	if (!e)
		return -1;
	if (start(d, e, now_ms) < 0)
		fail(d, now_ms, "cannot send", errno_rcode(errno));
	return TIMEOUT_MS;
}

static void log_done(struct ddns *d, const char *what)
{
	char n[NAME_TEXT_MAX], r[NAME_TEXT_MAX];

	name_text(n, sizeof(n), d->fqdn);
	name_text(r, sizeof(r), d->rev);
	log_info("dns: %s %s%s%s", what, n, d->rz ? " and " : "",
		 d->rz ? r : "");
}

/* "static lease ADDR of id:01:02:...", for a static lease by client
 * identifier. */
static void holder_id(char *who, size_t cap, const struct dhcp_lease *o)
{
	char id[DHCP_CID_MAX * 3 + 1];

	store_hw_text(id, o->cid, o->cidlen);
	snprintf(who, cap, "static lease %u.%u.%u.%u of id:%s", o->addr >> 24,
		 o->addr >> 16 & 255, o->addr >> 8 & 255, o->addr & 255, id);
}

/* Who in p holds the name of d->cur (who[0] 0: nobody there). */
static void holder(const struct ddns *d, const struct dhcp_pool *p,
		   char *who, size_t cap)
{
	const struct dhcp_lease *o;
	size_t i;

	for (i = 0; i < p->n; i++) {
		o = &p->l[i];
		if (o == d->cur || o->dns != DNS_OK ||
		    strcmp(o->host, d->cur->host))
			continue;
		if (o->static_cid) {
			holder_id(who, cap, o);
			return;
		}
		if (o->hwlen >= 6) {
			snprintf(who, cap, "%s lease %u.%u.%u.%u of "
				 "%02x:%02x:%02x:%02x:%02x:%02x",
				 o->is_static ? "static" : "the",
				 o->addr >> 24, o->addr >> 16 & 255,
				 o->addr >> 8 & 255, o->addr & 255, o->hw[0],
				 o->hw[1], o->hw[2], o->hw[3], o->hw[4],
				 o->hw[5]);
			return;
		}
	}
}

/* Says who holds the name when it is one of our leases. */
static void refused(struct ddns *d)
{
	char n[NAME_TEXT_MAX], who[256] = "";
	size_t k;

	for (k = 0; k < d->npools && !who[0]; k++)
		holder(d, d->pools[k], who, sizeof(who));
	name_text(n, sizeof(n), d->fqdn);
	log_warn("dns: %s not registered for %u.%u.%u.%u: the name is held "
		 "by %s (no DHCID of this lease)", n, d->cur->addr >> 24,
		 d->cur->addr >> 16 & 255, d->cur->addr >> 8 & 255,
		 d->cur->addr & 255, who[0] ? who :
		 "another client or was made by hand");
}

/* What an answer that is no error says of the outcome: the name was
 * not ours to remove, another address keeps its DHCID, or it is
 * someone else's. */
static void note(struct ddns *d, int rcode)
{
	if (d->step == DDNS_A_DEL && rcode == RCODE_NXRRSET)
		d->res = DNSR_LEFT;
	else if (d->step == DDNS_DHCID_DEL && rcode == RCODE_YXRRSET)
		d->res = DNSR_KEPT;
	else if (d->step == DDNS_A_OURS && rcode == RCODE_NXRRSET)
		d->res = DNSR_REFUSED;
	else
		return;
	d->rcode = (int16_t)rcode;
}

/* The sweep removed the stale name host: a lease refused it (held by
 * that name's DHCID) may have it now. */
static void free_name(struct ddns *d, const char *host)
{
	struct dhcp_lease *e;
	size_t k, i;

	for (k = 0; k < d->npools; k++)
		for (i = 0; i < d->pools[k]->n; i++) {
			e = &d->pools[k]->l[i];
			if (e->dns != DNS_REFUSED || strcmp(e->host, host))
				continue;
			e->dns = DNS_ADD;
			dhcp_pool_mark(d->pools[k], e);
		}
}

/* Handles the answer to our step: the next step, or the end. */
static void next(struct ddns *d, int rcode, int64_t now_ms)
{
	char n[NAME_TEXT_MAX];
	int step = ddns_next((enum ddns_step)d->step, rcode);

	if (step < 0) {
		snprintf(n, sizeof(n), "the server answered %s",
			 rcode_name((uint16_t)rcode));
		fail(d, now_ms, n, rcode);
		return;
	}
	note(d, rcode);
	if (step == DDNS_CONFLICT) {
		refused(d);
		ctl_count(&d->st.refused, 1);
		finish(d, DNS_REFUSED);
		return;
	}
	if (step == DDNS_DONE ||
	    (step >= DDNS_PTR_SET && !d->rz)) {
		log_done(d, d->removing ? "removed" : "registered");
		if (d->removing)
			ctl_count(&d->st.removed, 1);
		else
			ctl_count(&d->st.added, 1);
		if (d->cur_pool == d->sweep && d->res == DNSR_REMOVED)
			free_name(d, d->cur->host);
		finish(d, d->removing ? DNS_NONE : DNS_OK);
		return;
	}
	d->step = step;
	d->tries = 0;
	if (send_step(d, now_ms) < 0)
		fail(d, now_ms, strerror(errno), errno_rcode(errno));
}

/* The answer's TSIG checked with our key: true when it verified, else
 * the try failed. A server refusing our key (BADKEY, BADSIG, BADTIME)
 * cannot sign its answer: its TSIG error says why. */
static bool signed_ok(struct ddns *d, const uint8_t *pkt, size_t n,
		      int64_t now_ms)
{
	struct tsig_verifier v;
	enum tsig_status st;
	uint16_t terr;
	char why[64];

	tsig_verifier_init(&v, &d->key, d->mac, d->maclen);
	st = tsig_verify_msg(&v, pkt, n, (uint64_t)time(NULL));
	terr = st == TSIG_ERROR_SET ? v.rr.error : 0;
	tsig_verifier_clear(&v);
	if (st == TSIG_OK)
		return true;
	snprintf(why, sizeof(why), "the server answered %s",
		 store_rcode_text(terr));
	fail(d, now_ms, terr ? why : tsig_status_text(st),
	     terr ? terr : DNSR_BADANSWER);
	return false;
}

void ddns_read(struct ddns *d, int64_t now_ms)
{
	uint8_t pkt[4096];
	struct rbuf r;
	uint16_t id, flags;
	ssize_t n = recv(d->fd, pkt, sizeof(pkt), MSG_DONTWAIT);

	if (n < 0 && errno == ECONNREFUSED && d->cur) {
		/* ICMP port unreachable: no need to wait for the tries */
		fail(d, now_ms, "port unreachable (no DNS server there)",
		     DNSR_UNREACH);
		return;
	}
	rbuf_init(&r, pkt, n > 0 ? (size_t)n : 0);
	if (!d->cur || rbuf_u16(&r, &id) < 0 || rbuf_u16(&r, &flags) < 0 ||
	    id != d->id || !(flags & MSG_FLAG_QR))
		return;         /* late, stray or forged: the timer goes on */
	if (d->conf->has_key && !signed_ok(d, pkt, (size_t)n, now_ms))
		return;
	next(d, flags & 0x0f, now_ms);
}
