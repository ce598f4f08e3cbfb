/* banchi-ctl why for banchi-resolver (why.h). Reads local data, the
 * cache and infra as the query path does, and says what it finds. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "resolve/answer.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "resolve/why.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define WHY_BUF (65536 + 2 * NAME_MAXLEN)
#define WHY_CHAIN 12

struct tell {
	const struct res_why_in *in;
	res_why_line_fn *line;
	void *ctx;
	struct cache_hit h;
	uint8_t hbuf[WHY_BUF];
	char rd[4 * 65536], buf[4 * 65536 + 2 * NAME_TEXT_MAX];
	char n1[NAME_TEXT_MAX], n2[NAME_TEXT_MAX];
	struct answer ans;                      /* scratch (RFC 8198) */
	struct answer_nsec_why nw;
};

static void say(struct tell *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(struct tell *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(t->buf, sizeof(t->buf), fmt, ap);
	va_end(ap);
	/* a sentence that ends with a name ends with its dot */
	if (n >= 3 && (size_t)n < sizeof(t->buf) && t->buf[n - 1] == '.' &&
	    t->buf[n - 2] == '.' && t->buf[n - 3] != '\\')
		t->buf[n - 1] = '\0';
	t->line(t->ctx, t->buf);
}

static const char *rank_text(uint8_t rank)
{
	static const char *const r[] = {
		"none", "additional: from the additional section of a reply",
		"glue: a referral's NS set or glue",
		"authority: the authority section of an authoritative reply",
		("answer-nonauth: the answer of a forwarder or of a reply "
		 "without AA"),
		"answer: the answer section of an authoritative reply",
		"local: configured",
	};
	return rank < sizeof(r) / sizeof(r[0]) ? r[rank] : "?";
}

static const char *sec_text(uint8_t sec)
{
	static const char *const s[] = { "not validated", "secure",
					  "insecure", "bogus" };
	return sec < 4 ? s[sec] : "?";
}

/* Each record of a set, as a zone file line. */
static void tell_records(struct tell *t, const struct rrset *s)
{
	const uint8_t *p = s->rdata, *end = s->rdata + s->rdata_len;
	char tb[16];

	name_to_text(t->n1, sizeof(t->n1), s->owner);
	for (uint16_t i = 0; i < s->count && end - p >= 2; i++) {
		uint16_t len = (uint16_t)(p[0] << 8 | p[1]);
		if (len > end - p - 2 ||
		    rdata_to_text(s->type, p + 2, len, t->rd,
				  sizeof(t->rd)) < 0)
			snprintf(t->rd, sizeof(t->rd), "(unreadable)");
		say(t, "  %s %u IN %s %s", t->n1, s->ttl,
		    rrtype_to_text(s->type, tb), t->rd);
		p += 2 + len;
	}
}

/* Local data answers before the cache and upstream. */
static int tell_local(struct tell *t, const uint8_t *name, uint16_t qtype)
{
	struct answer *a = malloc(sizeof(*a));
	int ret;

	if (!a)
		return BN_ENOMEM;
	answer_init(a, RCODE_NOERROR);
	ret = local_answer(t->in->local, name, qtype, CLASS_IN, a);
	if (ret == 1) {
		say(t, "Local data answers it (a local-data line or local "
		    "zone, the hosts file, a block list, or a special-use "
		    "zone such as localhost): %s, nothing is asked upstream "
		    "or cached.", rcode_name(a->rcode));
		for (uint16_t i = 0; i < a->nsets; i++)
			tell_records(t, &a->sets[i].set);
	}
	free(a);
	return ret;
}

static int get(struct tell *t, const uint8_t *name, uint16_t type)
{
	return cache_get(t->in->cache, name, type, CLASS_IN, t->in->now_ms,
			 CACHE_STALE, RANK_ADDITIONAL, &t->h, t->hbuf,
			 sizeof(t->hbuf));
}

/* The entry just found (t->h) told. */
static void tell_entry(struct tell *t)
{
	const struct rrset *s = &t->h.set;
	char tb[16];

	name_to_text(t->n1, sizeof(t->n1), s->owner);
	if (s->soa_owner)
		name_to_text(t->n2, sizeof(t->n2), s->soa_owner);
	if (s->kind == RRSET_NXDOMAIN)
		say(t, "Cached: %s does not exist (NXDOMAIN, for every type), "
		    "as the SOA of %s proved; TTL left %u s; rank %s; "
		    "DNSSEC %s.", t->n1, s->soa_owner ? t->n2 : "?", s->ttl,
		    rank_text(s->rank), sec_text(s->sec));
	else if (s->kind == RRSET_NODATA)
		say(t, "Cached: %s has no %s records (NODATA), as the SOA of "
		    "%s proved; TTL left %u s; rank %s; DNSSEC %s.", t->n1,
		    rrtype_to_text(s->type, tb), s->soa_owner ? t->n2 : "?",
		    s->ttl, rank_text(s->rank), sec_text(s->sec));
	else
		say(t, "Cached: %s %s, %u record%s, TTL left %u s; rank %s; "
		    "DNSSEC %s.", t->n1, rrtype_to_text(s->type, tb),
		    s->count, s->count == 1 ? "" : "s", s->ttl,
		    rank_text(s->rank), sec_text(s->sec));
	if (t->h.stale)
		say(t, "It has expired: it is answered only while a refresh "
		    "fails (serve-stale, RFC 8767).");
	if (s->kind == RRSET_POSITIVE)
		tell_records(t, s);
}

/* A cached CNAME at name: its target into next (lowercase). */
static bool cached_alias(struct tell *t, const uint8_t *name, uint8_t *next)
{
	const struct rrset *s = &t->h.set;
	int len;

	if (get(t, name, RR_CNAME) != 1 || t->h.set.kind != RRSET_POSITIVE ||
	    !s->count || s->rdata_len < 3)
		return false;
	len = name_check(s->rdata + 2, s->rdata_len - 2);
	if (len <= 0)
		return false;
	tell_entry(t);
	memcpy(next, s->rdata + 2, (size_t)len);
	name_to_lower(next);
	return true;
}

/* One address of a server and what infra knows of it. */
static void tell_server(struct tell *t, const char *ns,
			const struct sockaddr *sa, const uint8_t *zone,
			uint16_t qtype)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	struct infra_info f;
	static const char *const lame[] = {
		"", ", avoided for the zone (it failed a query: asked last)",
		", recursive without authority (asked last, with RD)",
		", lame for the zone (not authoritative: not asked)",
	};
	enum infra_lame l;

	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
			  addr, sizeof(addr));
	else
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)sa)->sin6_addr, addr,
			  sizeof(addr));
	infra_get(t->in->infra, sa, qtype, t->in->now_ms, &f);
	l = infra_lame(t->in->infra, sa, zone, qtype, t->in->now_ms);
	if (!f.known && !f.timeouts && l == INFRA_OK)
		say(t, "  %s %s: not asked yet", ns, addr);
	else
		say(t, "  %s %s: %s%u ms smoothed RTT, %u timeout%s in a row%s"
		    "%s%s%s", ns, addr, f.known ? "" : "no reply yet, ",
		    f.srtt_ms, f.timeouts, f.timeouts == 1 ? "" : "s",
		    f.down ? ", down for this kind of query (probed now and "
		    "then)" : "", f.no_edns ? ", asked without EDNS" : "",
		    f.no_0x20 ? ", asked without 0x20" : "",
		    l <= INFRA_LAME ? lame[l] : "");
}

/* The addresses of one NS name, from the cache. */
static void tell_ns(struct tell *t, const uint8_t *ns, const uint8_t *zone,
		    uint16_t qtype)
{
	static const uint16_t types[] = { RR_A, RR_AAAA };
	char nt[NAME_TEXT_MAX];
	struct sockaddr_storage ss;
	bool any = false;

	name_to_text(nt, sizeof(nt), ns);
	for (int k = 0; k < 2; k++) {
		const uint8_t *p, *end;

		if (get(t, ns, types[k]) != 1 || t->h.set.kind)
			continue;
		p = t->h.set.rdata;
		end = p + t->h.set.rdata_len;
		for (uint16_t i = 0; i < t->h.set.count && end - p >= 2; i++) {
			uint16_t len = (uint16_t)(p[0] << 8 | p[1]);
			memset(&ss, 0, sizeof(ss));
			if (k == 0 && len == 4) {
				struct sockaddr_in *s4 = (void *)&ss;
				s4->sin_family = AF_INET;
				s4->sin_port = htons(53);
				memcpy(&s4->sin_addr, p + 2, 4);
			} else if (k == 1 && len == 16) {
				struct sockaddr_in6 *s6 = (void *)&ss;
				s6->sin6_family = AF_INET6;
				s6->sin6_port = htons(53);
				memcpy(&s6->sin6_addr, p + 2, 16);
			}
			if (ss.ss_family) {
				tell_server(t, nt, (struct sockaddr *)&ss,
					    zone, qtype);
				any = true;
			}
			p += 2 + len;
		}
	}
	if (!any)
		say(t, "  %s: no address cached (looked up when needed)", nt);
}

/* A forward or stub zone holding name (the longest), or NULL. */
static const struct res_fwd *fwd_of(const struct res_conf *rc,
				    const uint8_t *name)
{
	const struct res_fwd *best = NULL;

	for (size_t i = 0; i < rc->nfwd; i++)
		if (name_is_subdomain(name, rc->fwd[i].zone) &&
		    (!best || name_labels(rc->fwd[i].zone) >
			      name_labels(best->zone)))
			best = &rc->fwd[i];
	return best;
}

static void tell_fwd(struct tell *t, const struct res_fwd *f, uint16_t qtype)
{
	name_to_text(t->n2, sizeof(t->n2), f->zone);
	if (f->stub)
		say(t, "It is under the stub zone %s: its servers are asked "
		    "without RD and the answer followed from there:", t->n2);
	else
		say(t, "It is under the forward zone %s: its forwarders are "
		    "asked with RD and their answers taken as they come:",
		    t->n2);
	for (size_t i = 0; i < f->naddrs; i++)
		tell_server(t, "server", (const struct sockaddr *)
			    &f->addrs[i].sa, f->zone, qtype);
}

/* The deepest NS set cached at or above name, told with its servers. */
static bool tell_delegation(struct tell *t, const uint8_t *name,
			    uint16_t qtype)
{
	const uint8_t *z = name;
	uint8_t zone[NAME_MAXLEN], *ns;
	uint32_t len;

	while (get(t, z, RR_NS) != 1 || t->h.set.kind != RRSET_POSITIVE) {
		if (!z[0])
			return false;
		z += 1 + z[0];
	}
	memcpy(zone, z, (size_t)name_length(z));
	name_to_text(t->n2, sizeof(t->n2), zone);
	say(t, "A resolution starts at the closest delegation cached, %s: "
	    "NS set of %u name%s, TTL left %u s, rank %s. What is known of "
	    "its servers:", t->n2, t->h.set.count,
	    t->h.set.count == 1 ? "" : "s", t->h.set.ttl,
	    rank_text(t->h.set.rank));
	len = t->h.set.rdata_len;
	ns = malloc(len);
	if (!ns)
		return true;
	memcpy(ns, t->h.set.rdata, len);        /* t->h is reused below */
	for (uint32_t off = 0; off + 2 < len;) {
		uint16_t l = (uint16_t)(ns[off] << 8 | ns[off + 1]);
		if (l > len - off - 2 || name_check(ns + off + 2, l) <= 0)
			break;
		name_to_lower(ns + off + 2);
		tell_ns(t, ns + off + 2, zone, qtype);
		off += 2u + l;
	}
	free(ns);
	return true;
}

/* Where a query for name would go now. */
static void tell_start(struct tell *t, const uint8_t *name, uint16_t qtype)
{
	const struct res_fwd *f = fwd_of(t->in->conf, name);

	if (f) {
		tell_fwd(t, f, qtype);
		return;
	}
	if (!tell_delegation(t, name, qtype))
		say(t, "Nothing is cached above it: a resolution starts from "
		    "the root hints (%zu addresses).", t->in->conf->nhints);
}

/* The cache's answer: the entry of the type, or a CNAME to follow, link
 * by link; 0 when the first name has nothing cached. */
static int tell_cache(struct tell *t, const uint8_t *qname, uint16_t qtype)
{
	uint8_t cur[NAME_MAXLEN], next[NAME_MAXLEN];
	char nt[NAME_TEXT_MAX];

	memcpy(cur, qname, (size_t)name_length(qname));
	for (int link = 0; link <= WHY_CHAIN; link++) {
		if (get(t, cur, qtype) == 1) {
			tell_entry(t);
			return 1;
		}
		if (qtype == RR_CNAME || !cached_alias(t, cur, next)) {
			if (!link)
				return 0;
			name_to_text(nt, sizeof(nt), cur);
			say(t, "%s is not cached: a query resolves it, and the "
			    "answer is the chain so far and what comes.", nt);
			tell_start(t, cur, qtype);
			return 1;
		}
		if (name_equal(next, qname) || name_equal(next, cur)) {
			say(t, "The chain comes back to a name already in it "
			    "(a CNAME loop): SERVFAIL.");
			return 1;
		}
		memcpy(cur, next, (size_t)name_length(next));
	}
	say(t, "The chain is longer than %d links: SERVFAIL.", WHY_CHAIN);
	return 1;
}

/* RFC 8198: whether cached secure NSEC sets answer name (as the query
 * path would, answer_from_nsec), and from which. */
static bool tell_nsec(struct tell *t, const uint8_t *name, uint16_t qtype)
{
	const struct answer_nsec_why *w = &t->nw;
	char zt[NAME_TEXT_MAX], o[NAME_TEXT_MAX], x[NAME_TEXT_MAX];
	char more[2 * NAME_TEXT_MAX + 64] = "";

	if (!t->in->conf->dnssec || !t->in->conf->aggressive_nsec ||
	    answer_from_nsec(&t->ans, t->in->cache, name, qtype, CLASS_IN,
			     t->in->now_ms, &t->nw) != 1)
		return false;
	name_to_text(zt, sizeof(zt), w->zone);
	if (w->n > 1) {
		name_to_text(o, sizeof(o), w->owner[1]);
		name_to_text(x, sizeof(x), w->next[1]);
		snprintf(more, sizeof(more), " and the NSEC %s \u2192 %s (the "
			 "wildcard)", o, x);
	}
	name_to_text(o, sizeof(o), w->owner[0]);
	name_to_text(x, sizeof(x), w->next[0]);
	if (w->wild[0]) {
		name_to_text(more, sizeof(more), w->wild);
		say(t, "Nothing is cached for %s itself: expanded from the "
		    "cached secure wildcard %s, the cached NSEC %s \u2192 %s "
		    "of zone %s proving no closer name (RFC 8198 aggressive "
		    "use), TTL %u, without a query upstream.", t->n1, more, o,
		    x, zt, w->ttl);
		return true;
	}
	say(t, "Nothing is cached for %s itself: %s secure, synthesised from "
	    "the cached NSEC %s \u2192 %s%s of zone %s (RFC 8198 aggressive "
	    "use), TTL %u, without a query upstream.", t->n1,
	    w->nx ? "NXDOMAIN" : "NODATA", o, x, more, zt, w->ttl);
	return true;
}

int res_why(const struct res_why_in *in, const uint8_t *qname,
	    uint16_t qtype, res_why_line_fn *line, void *ctx)
{
	struct tell *t = malloc(sizeof(*t));
	uint8_t name[NAME_MAXLEN];
	char tb[16];
	int ret;

	if (!t)
		return BN_ENOMEM;
	t->in = in;
	t->line = line;
	t->ctx = ctx;
	memcpy(name, qname, (size_t)name_length(qname));
	name_to_lower(name);
	name_to_text(t->n1, sizeof(t->n1), name);
	say(t, "Question: %s %s, with RD, from a client served here.",
	    t->n1, rrtype_to_text(qtype, tb));
	ret = tell_local(t, name, qtype);
	if (ret == 0 && tell_cache(t, name, qtype) == 0 &&
	    !tell_nsec(t, name, qtype)) {
		say(t, "Nothing is cached for %s: the next query for it is "
		    "resolved.", t->n1);
		tell_start(t, name, qtype);
	}
	free(t);
	return ret < 0 ? ret : 0;
}
