/* Which scenarios can be run (skip groups) and the mapping of their
 * unbound.conf options to banchi's resolver settings. An option is
 * either mapped, ignored because it only tunes Unbound's work and does
 * not change the answers a client gets (the README lists them), or a
 * reason to skip the scenario. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rpl_conf.h"
#include "wire/rrtype.h"

#define G_DNSSEC "val_*, autotrust, trust anchors: not among the DNSSEC scenarios run"
#define G_AUTH "auth-zone/zonemd/xfr: authoritative zones in the resolver not supported"
#define G_RPZ "rpz/respip/views/tags: not supported"
#define G_DNS64 "dns64/nat64: not supported"
#define G_EDNS "nsid/cookies/keepalive/edns-client-string: EDNS options not supported"
#define G_DNSSEC_DO "RRSIGs expected without a trust anchor: not among the DNSSEC scenarios run"
#define G_CHAOS "hide-trustanchor: no trustanchor.unbound CHAOS answer"

enum { K_MAP, K_TUNE, K_SKIP };

static const struct {
	const char *key;
	int kind;
	const char *group;              /* K_SKIP: NULL means "option KEY" */
} keys[] = {
	/* mapped (values checked in check_value) */
	{ "name", K_MAP, NULL }, { "stub-addr", K_MAP, NULL },
	{ "forward-addr", K_MAP, NULL }, { "stub-prime", K_MAP, NULL },
	{ "stub-first", K_MAP, NULL }, { "forward-first", K_MAP, NULL },
	{ "forward-no-cache", K_MAP, NULL }, { "stub-no-cache", K_MAP, NULL },
	{ "forward-tcp-upstream", K_MAP, NULL },
	{ "qname-minimisation", K_MAP, NULL },
	{ "qname-minimisation-strict", K_MAP, NULL },
	{ "use-caps-for-id", K_MAP, NULL }, { "cache-max-ttl", K_MAP, NULL },
	{ "cache-min-ttl", K_MAP, NULL },
	{ "cache-max-negative-ttl", K_MAP, NULL },
	{ "serve-expired", K_MAP, NULL }, { "serve-expired-ttl", K_MAP, NULL },
	{ "serve-expired-reply-ttl", K_MAP, NULL },
	{ "serve-expired-client-timeout", K_MAP, NULL },
	{ "prefetch", K_MAP, NULL }, { "do-not-query-localhost", K_MAP, NULL },
	{ "access-control", K_MAP, NULL }, { "local-zone", K_MAP, NULL },
	{ "local-data", K_MAP, NULL }, { "module-config", K_MAP, NULL },
	{ "max-query-restarts", K_MAP, NULL },
	/* tuning: Unbound's own work, not the client's answer */
	{ "target-fetch-policy", K_TUNE, NULL },
	{ "minimal-responses", K_TUNE, NULL },
	{ "iter-scrub-promiscuous", K_TUNE, NULL },
	{ "rrset-roundrobin", K_TUNE, NULL },
	{ "msg-cache-size", K_TUNE, NULL }, { "msg-cache-slabs", K_TUNE, NULL },
	{ "rrset-cache-size", K_TUNE, NULL },
	{ "outbound-msg-retry", K_TUNE, NULL },
	{ "discard-timeout", K_TUNE, NULL }, { "do-ip6", K_MAP, NULL },
	{ "do-ip4", K_MAP, NULL }, { "harden-glue", K_MAP, NULL },
	{ "num-queries-per-thread", K_MAP, NULL },
	{ "harden-referral-path", K_TUNE, NULL },
	{ "harden-unverified-glue", K_TUNE, NULL },
	{ "harden-unknown-additional", K_TUNE, NULL },
	{ "harden-dnssec-stripped", K_TUNE, NULL },
	{ "harden-algo-downgrade", K_TUNE, NULL },
	{ "aggressive-nsec", K_TUNE, NULL }, { "prefetch-key", K_TUNE, NULL },
	{ "fake-sha1", K_TUNE, NULL }, { "val-override-date", K_TUNE, NULL },
	{ "val-log-level", K_TUNE, NULL }, { "val-max-restart", K_TUNE, NULL },
	{ "val-nsec3-keysize-iterations", K_TUNE, NULL },
	{ "trust-anchor-signaling", K_TUNE, NULL },
	{ "log-time-ascii", K_TUNE, NULL }, { "log-servfail", K_TUNE, NULL },
	{ "verbosity", K_TUNE, NULL }, { "directory", K_TUNE, NULL },
	{ "ede", K_TUNE, NULL }, { "ede-serve-expired", K_TUNE, NULL },
	{ "control-enable", K_TUNE, NULL }, { "use-syslog", K_TUNE, NULL },
	/* skip groups */
	{ "trust-anchor", K_SKIP, G_DNSSEC },
	{ "trust-anchor-file", K_SKIP, G_DNSSEC },
	{ "auto-trust-anchor-file", K_SKIP, G_DNSSEC },
	{ "trusted-keys-file", K_SKIP, G_DNSSEC },
	{ "domain-insecure", K_SKIP, G_DNSSEC },
	{ "zonefile", K_SKIP, G_AUTH }, { "master", K_SKIP, G_AUTH },
	{ "primary", K_SKIP, G_AUTH }, { "zonemd-check", K_SKIP, G_AUTH },
	{ "zonemd-permissive-mode", K_SKIP, G_AUTH },
	{ "zonemd-reject-absence", K_SKIP, G_AUTH },
	{ "allow-notify", K_SKIP, G_AUTH }, { "for-upstream", K_SKIP, G_AUTH },
	{ "for-downstream", K_SKIP, G_AUTH },
	{ "rpz-log", K_SKIP, G_RPZ }, { "rpz-log-name", K_SKIP, G_RPZ },
	{ "rpz-action-override", K_SKIP, G_RPZ },
	{ "rpz-cname-override", K_SKIP, G_RPZ },
	{ "rpz-signal-nxdomain-ra", K_SKIP, G_RPZ },
	{ "response-ip", K_SKIP, G_RPZ }, { "response-ip-data", K_SKIP, G_RPZ },
	{ "access-control-tag", K_SKIP, G_RPZ },
	{ "access-control-tag-action", K_SKIP, G_RPZ },
	{ "access-control-tag-data", K_SKIP, G_RPZ },
	{ "access-control-view", K_SKIP, G_RPZ }, { "define-tag", K_SKIP, G_RPZ },
	{ "local-zone-tag", K_SKIP, G_RPZ }, { "tags", K_SKIP, G_RPZ },
	{ "view-first", K_SKIP, G_RPZ },
	{ "dns64-prefix", K_SKIP, G_DNS64 }, { "dns64-ignore-aaaa", K_SKIP, G_DNS64 },
	{ "do-nat64", K_SKIP, G_DNS64 }, { "nat64-prefix", K_SKIP, G_DNS64 },
	{ "nsid", K_SKIP, G_EDNS }, { "edns-client-string", K_SKIP, G_EDNS },
	{ "edns-client-string-opcode", K_SKIP, G_EDNS },
	{ "answer-cookie", K_SKIP, G_EDNS }, { "cookie-secret", K_SKIP, G_EDNS },
	{ "edns-tcp-keepalive", K_SKIP, G_EDNS },
	{ "edns-tcp-keepalive-timeout", K_SKIP, G_EDNS },
	{ "version", K_MAP, NULL }, { "identity", K_MAP, NULL },
	{ "hide-version", K_MAP, NULL }, { "hide-identity", K_MAP, NULL },
	{ "hide-trustanchor", K_SKIP, G_CHAOS },
};

static bool yes(const char *v)
{
	return strcasecmp(v, "yes") == 0;
}

static bool listed(const char *list, const char *word)
{
	const char *p = strstr(list, word);

	return p != NULL;
}

static const char *clause_group(const struct rpl_opt *o)
{
	if (strcmp(o->clause, "auth-zone") == 0)
		return G_AUTH;
	if (strcmp(o->clause, "rpz") == 0 || strcmp(o->clause, "view") == 0)
		return G_RPZ;
	return NULL;
}

/* The skip group an option's value asks for, or NULL. */
static const char *check_value(const struct rpl_opt *o, char *buf, size_t cap)
{
	const char *k = o->key, *v = o->val;

	if (strcmp(k, "module-config") == 0) {
		if (listed(v, "dns64"))
			return G_DNS64;
		if (listed(v, "respip"))
			return G_RPZ;
		if (strcmp(v, "iterator") && strcmp(v, "validator iterator"))
			goto unsupported;
		return NULL;
	}
	if ((strcmp(k, "stub-first") == 0 || strcmp(k, "forward-first") == 0 ||
	     strcmp(k, "forward-no-cache") == 0 ||
	     strcmp(k, "stub-no-cache") == 0 ||
	     strcmp(k, "forward-tcp-upstream") == 0 ||
	     strcmp(k, "qname-minimisation-strict") == 0 ||
	     strcmp(k, "stub-prime") == 0) && yes(v))
		goto unsupported;
	/* banchi always hardens glue and uses both address families */
	if ((strcmp(k, "harden-glue") == 0 || strcmp(k, "do-ip6") == 0 ||
	     strcmp(k, "do-ip4") == 0) && !yes(v))
		goto unsupported;
	return NULL;
unsupported:
	snprintf(buf, cap, "option %.40s: %.40s not supported", k, v);
	return buf;
}

static const char *opt_group(const struct rpl_opt *o, char *buf, size_t cap)
{
	const char *g = clause_group(o);
	size_t i;

	if (g)
		return g;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].key, o->key) == 0)
			break;
	if (i < sizeof(keys) / sizeof(keys[0])) {
		if (keys[i].kind == K_MAP)
			return check_value(o, buf, cap);
		if (keys[i].kind == K_TUNE)
			return NULL;
		if (keys[i].group)
			return keys[i].group;
	}
	snprintf(buf, cap, "option %s not supported", o->key);
	return buf;
}

/* The DNSSEC scenarios run: those whose answers banchi's validation
 * gives as Unbound's, among them RFC 8198 aggressive NSEC
 * (val_negcache_nxdomain, val_negcache_nodata: a cached range answers
 * the next name without an upstream query). The others fail on known
 * differences: the TTL of the NSEC records in a negative answer (the
 * entry's, not their own: val_negcache_ttl), no scrubbing of NSEC
 * records that reach outside their zone (nsec_cross_zone), RSASHA1,
 * unknown algorithms in the runner's record parser, and more. */
bool rpl_dnssec_runs(const char *base)
{
	static const char *const run[] = {
		"dname_unsigned_cname.rpl",
		"val_adcopy.rpl",
		"val_anchor_nx_nosig.rpl",
		"val_cname_loop1.rpl",
		"val_cname_loop2.rpl",
		"val_cname_loop3.rpl",
		"val_cnametoinsecure.rpl",
		"val_dnametoolong.rpl",
		"val_faildnskey.rpl",
		"val_failure_dnskey.rpl",
		"val_negcache_nodata.rpl",
		"val_negcache_nxdomain.rpl",
		"val_noadwhennodo.rpl",
		"val_nodata_failwc.rpl",
		"val_nokeyprime.rpl",
		"val_nsec3_b1_nameerror.rpl",
		"val_nsec3_b3_optout.rpl",
		"val_nsec3_b4_wild.rpl",
		"val_nsec3_b5_wcnodata.rpl",
		"val_nsec3_b5_wcnodata_nowc.rpl",
		"val_nsec3_entnodata_optout.rpl",
		"val_nsec3_iter_high.rpl",
		"val_nsec3_nods.rpl",
		"val_nsec3_optout_ad.rpl",
		"val_nsec3_wcany.rpl",
		"val_nx_uns_resp.rpl",
		"val_qds_badanc.rpl",
		"val_rrsig.rpl",
		"val_scrub_rr_length.rpl",
		"val_secds_nosig.rpl",
		"val_twocname.rpl",
		"val_unsecds.rpl",
		"val_wcnsec_nods.rpl",
		NULL
	};

	for (const char *const *r = run; *r; r++)
		if (strcmp(base, *r) == 0)
			return true;
	return false;
}

static bool prefixed(const char *base, const char *const *pre)
{
	for (; *pre; pre++)
		if (strncmp(base, *pre, strlen(*pre)) == 0)
			return true;
	return false;
}

/* Does a CHECK_ANSWER expect signatures in its answer section? */
static bool wants_rrsig(const struct rpl_scen *s)
{
	for (size_t i = 0; i < s->nsteps; i++) {
		const struct rpl_entry *e = s->steps[i].entry;

		if (s->steps[i].kind != ST_CHECK_ANSWER || e->qtype == RR_RRSIG)
			continue;
		for (size_t j = 0; j < e->nrr; j++)
			if (e->rrs[j].section == MSG_ANSWER &&
			    e->rrs[j].type == RR_RRSIG)
				return true;
	}
	return false;
}

static const char *opt_value(const struct rpl_scen *s, const char *key)
{
	for (size_t i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].key, key) == 0)
			return s->opts[i].val;
	return NULL;
}

/* serve-expired-client-timeout 0: Unbound answers expired data first
 * and refreshes after; banchi serves stale data only when the refresh
 * fails (a timeout > 0 is what the runner's timeouts play). */
static bool stale_first(const struct rpl_scen *s)
{
	const char *on = opt_value(s, "serve-expired");
	const char *ct = opt_value(s, "serve-expired-client-timeout");

	return on && yes(on) && ct && strcmp(ct, "0") == 0;
}

/* REPLY steps without MATCH answer whatever Unbound happens to ask
 * next: they script Unbound's query order, which banchi need not share. */
static bool blind_reply(const struct rpl_scen *s)
{
	for (size_t i = 0; i < s->nsteps; i++)
		if (s->steps[i].kind == ST_REPLY && s->steps[i].entry->match == 0)
			return true;
	return false;
}

/* A trust-anchor line of a DNSSEC scenario that is run: mapped. */
static bool anchor_ok(bool val, const struct rpl_opt *o)
{
	return val && strcmp(o->key, "trust-anchor") == 0;
}

/* The skip group of the scenario, or NULL when it can be run. The
 * feature groups come first, so that a val_* scenario counts there and
 * not under one of its options. */
static const char *skip_group(const struct rpl_scen *s, char *buf, size_t cap)
{
	static const char *const dnssec[] = { "val_", "autotrust_", "trust_",
					      NULL };
	static const char *const auth[] = { "auth_", NULL };
	static const char *const rpz[] = { "rpz_", "respip_", "views", NULL };
	static const char *const dns64[] = { "dns64_", NULL };
	static const char *const order[] = { G_DNSSEC, G_AUTH, G_RPZ, G_DNS64,
					     NULL };
	const char *found = NULL, *g;
	bool val = rpl_dnssec_runs(s->base) && !s->autotrust;

	if ((prefixed(s->base, dnssec) && !val) || s->autotrust)
		return G_DNSSEC;
	if (prefixed(s->base, auth))
		return G_AUTH;
	if (prefixed(s->base, rpz))
		return G_RPZ;
	if (prefixed(s->base, dns64))
		return G_DNS64;
	for (const char *const *o = order; *o; o++)
		for (size_t i = 0; i < s->nopts; i++)
			if ((g = opt_group(&s->opts[i], buf, cap)) &&
			    strcmp(g, *o) == 0 && !anchor_ok(val, &s->opts[i]))
				return *o;
	for (size_t i = 0; i < s->nopts && !found; i++)
		if ((g = opt_group(&s->opts[i], buf, cap)) &&
		    !anchor_ok(val, &s->opts[i]))
			found = g;
	if (found)
		return found;
	if (wants_rrsig(s) && !val)
		return G_DNSSEC_DO;
	if (stale_first(s))
		return "serve-expired-client-timeout 0 (expired data first, "
		       "refresh after): not supported";
	if (blind_reply(s))
		return "REPLY steps without MATCH: bound to Unbound's query order";
	if (s->macros)
		return "testbound macros (ASSIGN, EVAL, ${...}): not supported";
	if (s->tempfile)
		return "temp files (TEMPFILE_*): not supported";
	return NULL;
}

int rpl_setup(struct rpl_setup *su, const struct rpl_scen *s)
{
	char buf[sizeof(su->group)];
	const char *g;

	memset(su, 0, sizeof(*su));
	res_conf_init(&su->rc);
	/* Unbound's use-caps-for-id is off unless the scenario sets it:
	 * its scripted replies repeat the question in lowercase */
	su->rc.use_0x20 = false;
	cache_conf_init(&su->cc);
	su->max_payload = 1232;
	su->max_pending = 1024;
	g = skip_group(s, buf, sizeof(buf));
	if (g) {
		snprintf(su->group, sizeof(su->group), "%s", g);
		return 1;
	}
	return rpl_conf_map(su, s);
}

void rpl_setup_clear(struct rpl_setup *su)
{
	res_conf_clear(&su->rc);
	if (su->local)
		local_free(su->local);
	if (su->acl)
		acl_free(su->acl);
	if (su->snoop)
		acl_free(su->snoop);
	su->snoop = NULL;
	su->local = NULL;
	su->acl = NULL;
}
