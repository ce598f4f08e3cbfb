/* The RFC 5011 probe (daemon.h: rtrust_tick): the trust point's DNSKEY
 * set asked of this resolver (RD, CD, DO: as received, with RRSIGs; the
 * cache answers within its TTL, as for any client), validated with the
 * keys trusted now, each revoked key checked for its own signature,
 * the states moved; a change is logged key by key, written to the state
 * file and published as the new anchors. Main thread: a probe waits at
 * most PROBE_WAIT_MS. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "daemon/log.h"
#include "resolverd/autotrust_int.h"
#include "wire/edns.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

#define SET_MAX (TA_KEYS_MAX * 4 * (TA_KEY_MAX + 2))

struct got {
	uint8_t keys[SET_MAX], sigs[SET_MAX];
	struct dnssec_rrset k, s;
	size_t klen, slen;
	uint32_t ttl;
};

static int query(const struct rtrust *t, uint8_t *pkt, size_t cap,
		 uint16_t id)
{
	struct msg_hdr h = { .id = id,
			     .flags = MSG_FLAG_RD | MSG_FLAG_CD };
	struct msg_writer mw;
	struct edns e;
	int ret = msg_writer_init(&mw, pkt, cap, &h, false);

	if (ret == 0)
		ret = msg_writer_question(&mw, t->p.zone, RR_DNSKEY, 1);
	edns_init(&e, 4096);
	e.flags = EDNS_FLAG_DO;
	if (ret == 0)
		ret = msg_writer_opt(&mw, &e);
	return ret == 0 ? msg_writer_finish(&mw) : ret;
}

/* The reply to id, or -1 (errno, or ETIMEDOUT). */
static ssize_t ask(const struct rtrust *t, uint8_t *buf, size_t cap,
		   uint16_t id)
{
	int fd = socket(t->self.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	int len = query(t, buf, cap, id);
	ssize_t n = -1;

	if (fd < 0 || len < 0 ||
	    connect(fd, (const struct sockaddr *)&t->self, t->selflen) < 0 ||
	    send(fd, buf, (size_t)len, 0) != len) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (int tries = 0; n < 0 && tries < 4; tries++) {
		if (poll(&pf, 1, PROBE_WAIT_MS) <= 0) {
			errno = ETIMEDOUT;
			break;
		}
		n = recv(fd, buf, cap, 0);
		if (n >= 2 && (buf[0] << 8 | buf[1]) != id)
			n = -1;         /* not ours: wait on */
	}
	close(fd);
	return n;
}

static void add(uint8_t *buf, size_t *used, struct dnssec_rrset *set,
		const uint8_t *rd, int len)
{
	if (len < 0 || *used + 2 + (size_t)len > SET_MAX)
		return;
	buf[*used] = (uint8_t)(len >> 8);
	buf[*used + 1] = (uint8_t)len;
	memcpy(buf + *used + 2, rd, (size_t)len);
	*used += 2 + (size_t)len;
	set->count++;
	set->rdata_len = *used;
}

/* The answer's DNSKEY set of the zone and its RRSIGs. */
static int collect(const struct rtrust *t, const uint8_t *pkt, size_t len,
		   struct got *g)
{
	struct msg_rr rr[256];
	uint8_t owner[NAME_MAXLEN], rd[TA_KEY_MAX * 2];
	struct msg m;

	if (msg_parse(&m, pkt, len, rr, 256) < 0 || !msg_hdr_qr(&m.hdr) ||
	    msg_hdr_rcode(&m.hdr) != 0 || msg_hdr_tc(&m.hdr))
		return -1;
	g->k = (struct dnssec_rrset){ .owner = t->p.zone, .type = RR_DNSKEY,
				      .rclass = 1, .rdata = g->keys };
	g->s = g->k;
	g->s.type = RR_RRSIG;
	g->s.rdata = g->sigs;
	g->ttl = UINT32_MAX;
	for (uint16_t i = 0; i < msg_section_count(&m, MSG_ANSWER); i++) {
		const struct msg_rr *r = msg_section_rr(&m, MSG_ANSWER, i);
		if (msg_rr_owner(&m, r, owner) < 0 ||
		    !name_equal(owner, t->p.zone))
			continue;
		if (r->type == RR_DNSKEY) {
			add(g->keys, &g->klen, &g->k, rd,
			    msg_rr_rdata(&m, r, rd, sizeof(rd)));
			g->ttl = r->ttl < g->ttl ? r->ttl : g->ttl;
		} else if (r->type == RR_RRSIG) {
			add(g->sigs, &g->slen, &g->s, rd,
			    msg_rr_rdata(&m, r, rd, sizeof(rd)));
		}
	}
	return g->k.count ? 0 : -1;
}

static void log_events(const struct rtrust *t, const struct ta_event *ev,
		       size_t n, int64_t now)
{
	char zone[NAME_TEXT_MAX], when[32];
	time_t until = (time_t)(now + t->pp.add_holddown);
	struct tm tm;

	name_to_text(zone, sizeof(zone), t->p.zone);
	gmtime_r(&until, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	for (size_t i = 0; i < n; i++) {
		const struct ta_event *e = &ev[i];
		if (e->gone)
			log_info("trust anchor %s: key %u (%s) forgotten", zone,
				 e->tag, ta_state_name(e->from));
		else if (e->to == TA_ADDPEND)
			log_info("trust anchor %s: new key %u, trusted from %s "
				 "if still published (RFC 5011 hold-down)",
				 zone, e->tag, when);
		else
			log_msg(e->to == TA_REVOKED || e->to == TA_MISSING ?
				LOG_LVL_WARN : LOG_LVL_INFO,
				"trust anchor %s: key %u %s%s", zone, e->tag,
				e->to == TA_VALID ? "trusted" : e->to ==
				TA_MISSING ? "missing from the DNSKEY set (still "
				"trusted)" : "revoked (no longer trusted)",
				e->from == 0xff ? " (named by the DS)" : "");
	}
}

/* The states moved by a validated set; on a change the file and the
 * anchors follow. */
static void apply(struct rdaemon *x, struct rtrust *t, struct got *g,
		  int64_t now, struct dnssec_budget *b)
{
	bool revoked[TA_KEYS_MAX * 4] = { false };
	struct ta_event ev[16];
	const uint8_t *rd;
	uint16_t len;
	size_t n;

	for (unsigned i = 0; i < g->k.count && i < TA_KEYS_MAX * 4; i++)
		if (dnssec_rrset_item(&g->k, i, &rd, &len) == 0 && len >= 4 &&
		    (rd[1] & DNSKEY_FLAG_REVOKE))
			revoked[i] = dnssec_verify_revoked(&g->k, &g->s, rd,
							   len, (uint32_t)now,
							   b) == DNSSEC_SECURE;
	n = ta_update(&t->p, &g->k, revoked, g->ttl, now, &t->pp, ev, 16);
	if (!n)
		return;
	log_events(t, ev, n < 16 ? n : 16, now);
	rtrust_save(x, t);
	if (rtrust_text(x, t) < 0) {
		log_err("trust anchor %s: every key revoked: the old anchors "
			"stay until a restart", t->path);
		return;
	}
	rtrust_publish(x);
}

/* The next probe: half the TTL (RFC 5011 2.3), between the minimum and
 * 15 days, sooner when a pending key's hold-down ends; a failed one
 * again after a tenth of the TTL (at most a day). */
static void schedule(struct rtrust *t, bool ok, int64_t now)
{
	int64_t d = ok ? t->p.ttl / 2 : t->p.ttl / 10;
	int64_t change = ta_next_change(&t->p, &t->pp);

	if (d > (ok ? PROBE_MAX : RETRY_MAX))
		d = ok ? PROBE_MAX : RETRY_MAX;
	if (change != INT64_MAX && change - now < d)
		d = change - now;
	if (d < t->probe_min)
		d = t->probe_min;
	t->next = now + d;
}

void rtrust_tick(struct rdaemon *x)
{
	struct rtrust *t = x->ta;
	static struct got g;
	uint8_t buf[65535];
	struct dnssec_budget b;
	int64_t now = rtrust_now();
	ssize_t n;
	int ret;

	if (!t || now < t->next)
		return;
	memset(&g, 0, sizeof(g));
	n = ask(t, buf, sizeof(buf), (uint16_t)arc4random());
	dnssec_budget_init(&b);
	b.verify_left = b.rrsigs_max = TA_KEYS_MAX * 2;
	ret = n < 0 || collect(t, buf, (size_t)n, &g) < 0 ? -1 :
	      ta_verify(&t->p, &g.k, &g.s, (uint32_t)now, &b);
	if (ret != t->last)
		log_msg(ret == DNSSEC_SECURE ? LOG_LVL_INFO : LOG_LVL_WARN,
			"trust anchor %s: DNSKEY set %s", t->path,
			ret == DNSSEC_SECURE ? "validated by the trusted keys" :
			ret < 0 ? "not received from the resolver itself" :
			dnssec_result_str(ret));
	t->last = ret;
	if (ret == DNSSEC_SECURE)
		apply(x, t, &g, now, &b);
	schedule(t, ret == DNSSEC_SECURE, now);
}
