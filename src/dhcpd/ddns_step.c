/* One lease's DNS work (ddns.h): its steps (core ddns_next) go out one
 * UPDATE each, the answer deciding the next; the lease's dns state
 * changes only when its work is done, and only if the lease did not
 * change meanwhile. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "daemon/log.h"
#include "dhcpd/ddns.h"
#include "dhcpd/store.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

#define BACKOFF_MAX 60

uint32_t ddns_random(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)time(NULL) ^ (uint32_t)clock();
	return r;
}

static void name_text(char *buf, size_t cap, const uint8_t *name)
{
	if (name_to_text(buf, cap, name) < 0)
		snprintf(buf, cap, "?");
}

/* An id no other transaction waits for: answers are matched by it. */
static uint16_t fresh_id(const struct ddns *d)
{
	uint16_t id;
	size_t i;

again:
	id = (uint16_t)ddns_random();
	for (i = 0; i < DDNS_INFLIGHT; i++)
		if (d->tx[i].e && d->tx[i].id == id)
			goto again;
	return id;
}

int ddns_txn_send(struct ddns *d, struct ddns_txn *t, int64_t now_ms)
{
	struct ddns_req r = { t->step >= DDNS_PTR_SET ? t->rz :
			      d->conf->fzone, t->fqdn, t->rev, t->e->addr,
			      d->conf->ttl, t->dhcid, 0 };
	struct tsig_signer sg;
	uint8_t msg[1024];
	const uint8_t *mac;
	int len;

	t->id = 0;              /* not its old id while a new one is drawn */
	t->id = fresh_id(d);
	r.id = t->id;
	len = ddns_build(msg, sizeof(msg), (enum ddns_step)t->step, &r);
	if (len > 0 && d->conf->has_key) {
		tsig_signer_init(&sg, &d->key, NULL, 0);
		len = tsig_sign(&sg, msg, (size_t)len, sizeof(msg),
				(uint64_t)time(NULL));
		mac = tsig_signer_mac(&sg, &t->maclen);
		memcpy(t->mac, mac, t->maclen);
		tsig_signer_clear(&sg);
	}
	t->sent_ms = now_ms;
	ctl_count(&d->st.sent, 1);
	if (len < 0 || send(d->fd, msg, (size_t)len, 0) < 0)
		return -1;
	return 0;
}

static void txn_free(struct ddns *d, struct ddns_txn *t)
{
	t->e = NULL;
	d->busy--;
}

/* Whether the lease still wants the work being done (it did not change
 * meanwhile: released, renewed, given to another client). */
static bool same_work(const struct ddns_txn *t)
{
	return t->e->dns == (t->removing ? DNS_DEL : DNS_ADD);
}

/* The outcome of the work, kept with the lease for 'why'. */
static void record(const struct ddns_txn *t, uint8_t res, int rcode,
		   unsigned retry)
{
	struct dhcp_lease *e = t->e;

	e->last.at = (int64_t)time(NULL);
	e->last.rcode = (int16_t)rcode;
	e->last.res = res;
	e->last.step = (uint8_t)t->step;
	e->last.retry = (uint16_t)retry;
}

/* The lease's work is over: its new dns state and the outcome (written
 * in the commit of that state: no commit of its own), unless it changed
 * (then it is queued again for its new work). */
static void finish(struct ddns *d, struct ddns_txn *t, uint8_t dns)
{
	struct dhcp_lease *e = t->e;
	struct dhcp_pool *p = t->pool;
	bool same = same_work(t);

	if (same)
		record(t, t->res, t->rcode, 0);
	txn_free(d, t);
	d->backoff = 0;
	if (!same) {
		if (e->dns == DNS_ADD || e->dns == DNS_DEL)
			ddns_want(d, p, e);
		return;
	}
	e->dns = dns;
	dhcp_pool_mark(p, e);
}

int ddns_errno_rcode(int err)
{
	return err == ECONNREFUSED ? DNSR_UNREACH : DNSR_NOSEND;
}

/* A failed try: retried after the backoff. Its outcome is marked to be
 * written (why shows the failure while it lasts): one commit per
 * failed try, and tries are as far apart as the backoff (1 s doubling
 * to 60 s: 7 commits in an outage's first 2 minutes, then one a
 * minute); answers that end a lease's work cost none (finish). */
void ddns_txn_fail(struct ddns *d, struct ddns_txn *t, int64_t now_ms,
		   const char *why, int rcode)
{
	char n[NAME_TEXT_MAX];
	struct dhcp_pool *p = t->pool;
	struct dhcp_lease *e = t->e;

	if (d->retry_ms <= now_ms) {    /* one doubling per outage */
		d->backoff = d->backoff ? d->backoff * 2 : 1;
		if (d->backoff > BACKOFF_MAX)
			d->backoff = BACKOFF_MAX;
		d->retry_ms = now_ms + d->backoff * 1000;
	}
	ctl_count(&d->st.failures, 1);
	name_text(n, sizeof(n), t->fqdn);
	log_warn("dns update of %s (%s): %s; retried in %us", n,
		 ddns_step_name(t->step), why, d->backoff);
	if (same_work(t)) {
		record(t, DNSR_FAILED, rcode, d->backoff);
		dhcp_pool_mark(p, e);
	}
	txn_free(d, t);
	ddns_want(d, p, e);
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
static int dhcid(const struct ddns *d, struct ddns_txn *t)
{
	if (d->sweep && t->pool == d->sweep) {
		memcpy(t->dhcid, d->sweep_dhcid[t->e - d->sweep->l],
		       DDNS_DHCID_LEN);
		return 0;
	}
	return ddns_lease_dhcid(t->dhcid, t->e, t->fqdn);
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

int ddns_txn_start(struct ddns *d, struct ddns_txn *t, struct dhcp_pool *p,
		   struct dhcp_lease *e, int64_t now_ms)
{
	t->e = e;
	t->pool = p;
	d->busy++;
	t->removing = e->dns == DNS_DEL;
	t->step = t->removing ? DDNS_A_DEL : DDNS_A_NEW;
	t->res = t->removing ? DNSR_REMOVED : DNSR_ADDED;
	t->rcode = RCODE_NOERROR;
	t->tries = 0;
	if (ddns_fqdn(t->fqdn, e->host, d->conf->fzone) < 0 ||
	    ddns_reverse(t->rev, e->addr) < 0 || dhcid(d, t) < 0)
		return -1;
	t->rz = reverse_zone(d->conf, t->rev);
	return ddns_txn_send(d, t, now_ms);
}

static void log_done(const struct ddns_txn *t, const char *what)
{
	char n[NAME_TEXT_MAX], r[NAME_TEXT_MAX];

	name_text(n, sizeof(n), t->fqdn);
	name_text(r, sizeof(r), t->rev);
	log_info("dns: %s %s%s%s", what, n, t->rz ? " and " : "",
		 t->rz ? r : "");
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

/* Who in p holds the name of e (who[0] 0: nobody there). */
static void holder(const struct dhcp_lease *e, const struct dhcp_pool *p,
		   char *who, size_t cap)
{
	const struct dhcp_lease *o;
	size_t i;

	for (i = 0; i < p->n; i++) {
		o = &p->l[i];
		if (o == e || o->dns != DNS_OK || strcmp(o->host, e->host))
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
static void refused(const struct ddns *d, const struct ddns_txn *t)
{
	char n[NAME_TEXT_MAX], who[256] = "";
	const struct dhcp_lease *e = t->e;
	size_t k;

	for (k = 0; k < d->npools && !who[0]; k++)
		holder(e, d->pools[k], who, sizeof(who));
	name_text(n, sizeof(n), t->fqdn);
	log_warn("dns: %s not registered for %u.%u.%u.%u: the name is held "
		 "by %s (no DHCID of this lease)", n, e->addr >> 24,
		 e->addr >> 16 & 255, e->addr >> 8 & 255, e->addr & 255,
		 who[0] ? who : "another client or was made by hand");
}

/* What an answer that is no error says of the outcome: the name was
 * not ours to remove, another address keeps its DHCID, or it is
 * someone else's. */
static void note(struct ddns_txn *t, int rcode)
{
	if (t->step == DDNS_A_DEL && rcode == RCODE_NXRRSET)
		t->res = DNSR_LEFT;
	else if (t->step == DDNS_DHCID_DEL && rcode == RCODE_YXRRSET)
		t->res = DNSR_KEPT;
	else if (t->step == DDNS_A_OURS && rcode == RCODE_NXRRSET)
		t->res = DNSR_REFUSED;
	else
		return;
	t->rcode = (int16_t)rcode;
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
			ddns_want(d, d->pools[k], e);
		}
}

void ddns_txn_answer(struct ddns *d, struct ddns_txn *t, int rcode,
		     int64_t now_ms)
{
	char n[NAME_TEXT_MAX];
	int step = ddns_next((enum ddns_step)t->step, rcode);

	if (step < 0) {
		snprintf(n, sizeof(n), "the server answered %s",
			 rcode_name((uint16_t)rcode));
		ddns_txn_fail(d, t, now_ms, n, rcode);
		return;
	}
	note(t, rcode);
	if (step == DDNS_CONFLICT) {
		refused(d, t);
		ctl_count(&d->st.refused, 1);
		finish(d, t, DNS_REFUSED);
		return;
	}
	if (step == DDNS_DONE || (step >= DDNS_PTR_SET && !t->rz)) {
		log_done(t, t->removing ? "removed" : "registered");
		ctl_count(t->removing ? &d->st.removed : &d->st.added, 1);
		if (d->sweep && t->pool == d->sweep && t->res == DNSR_REMOVED)
			free_name(d, t->e->host);
		finish(d, t, t->removing ? DNS_NONE : DNS_OK);
		return;
	}
	t->step = step;
	t->tries = 0;
	if (ddns_txn_send(d, t, now_ms) < 0)
		ddns_txn_fail(d, t, now_ms, strerror(errno),
			      ddns_errno_rcode(errno));
}
