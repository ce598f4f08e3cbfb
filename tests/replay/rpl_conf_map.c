/* The options of a runnable scenario as banchi's settings: stub-zone
 * and forward-zone clauses as struct res_fwd (the built-in root hints
 * when no zone covers "."), server options as res_conf / cache_conf
 * fields, local-zone / local-data as local data (with the special-use
 * zones, as the daemon builds it), access-control as the client ACL. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "rpl_conf.h"
#include "wire/rrtype.h"

#define STALE_FOREVER (86400u * 3650)  /* serve-expired-ttl 0: no limit */

static int bad(struct rpl_setup *su, const struct rpl_opt *o, const char *why)
{
	snprintf(su->group, sizeof(su->group), "option %.40s: %.30s '%.40s'", o->key,
		 why, o->val);
	return -1;
}

static bool yes(const char *v)
{
	return strcasecmp(v, "yes") == 0;
}

static uint32_t num(const char *v)
{
	return (uint32_t)strtoul(v, NULL, 10);
}

static int add_addr(struct rpl_setup *su, struct res_fwd *f,
		    const struct rpl_opt *o)
{
	struct res_addr *n = realloc(f->addrs, (f->naddrs + 1) * sizeof(*n));

	if (!n)
		return bad(su, o, "out of memory");
	f->addrs = n;
	if (rpl_addr_parse(&f->addrs[f->naddrs], o->val) < 0)
		return bad(su, o, "cannot read address");
	f->naddrs++;
	return 0;
}

/* The stub-zone or forward-zone clause (clause, block) as fwd entry f. */
static int zone_clause(struct rpl_setup *su, const struct rpl_scen *s,
		       const struct rpl_opt *start, struct res_fwd *f)
{
	f->stub = strcmp(start->clause, "stub-zone") == 0;
	for (size_t i = 0; i < s->nopts; i++) {
		const struct rpl_opt *o = &s->opts[i];

		if (strcmp(o->clause, start->clause) || o->block != start->block)
			continue;
		if (strcmp(o->key, "name") == 0) {
			if (name_from_text(f->zone, o->val, strlen(o->val),
					   (const uint8_t *)"") < 0)
				return bad(su, o, "bad name");
			name_to_lower(f->zone);
		} else if ((strcmp(o->key, "stub-addr") == 0 ||
			    strcmp(o->key, "forward-addr") == 0) &&
			   add_addr(su, f, o) < 0) {
			return -1;
		}
	}
	return 0;
}

/* A stub zone for "." is how the scenarios give their root servers:
 * it becomes banchi's root hints (primed, then the cache's deeper cuts
 * are used, as Unbound does below a stub), not a stub zone (which banchi
 * always starts from). */
static int stub_root_to_hints(struct res_conf *rc)
{
	static const char hint_name[] = "\004hint\004stub\000";
	struct res_fwd *f = NULL;
	size_t i;

	for (i = 0; i < rc->nfwd && !f; i++)
		if (rc->fwd[i].stub && rc->fwd[i].zone[0] == 0)
			f = &rc->fwd[i];
	if (!f)
		return 0;
	rc->hints = calloc(f->naddrs ? f->naddrs : 1, sizeof(*rc->hints));
	if (!rc->hints)
		return -1;
	for (i = 0; i < f->naddrs; i++) {
		memcpy(rc->hints[i].name, hint_name, sizeof(hint_name));
		rc->hints[i].addr = f->addrs[i];
	}
	rc->nhints = f->naddrs;
	free(f->addrs);
	*f = rc->fwd[--rc->nfwd];
	return 0;
}

static int zones(struct rpl_setup *su, const struct rpl_scen *s)
{
	struct res_conf *rc = &su->rc;
	struct res_fwd *nf;

	for (size_t i = 0; i < s->nopts; i++) {
		const struct rpl_opt *o = &s->opts[i];

		if (strcmp(o->key, "name") ||
		    (strcmp(o->clause, "stub-zone") &&
		     strcmp(o->clause, "forward-zone")))
			continue;
		nf = realloc(rc->fwd, (rc->nfwd + 1) * sizeof(*nf));
		if (!nf)
			return bad(su, o, "out of memory");
		rc->fwd = nf;
		memset(&rc->fwd[rc->nfwd], 0, sizeof(*nf));
		rc->nfwd++;
		if (zone_clause(su, s, o, &rc->fwd[rc->nfwd - 1]) < 0)
			return -1;
	}
	if (stub_root_to_hints(rc) < 0 ||
	    (!rc->nhints && !res_conf_forward(rc, (const uint8_t *)"") &&
	     res_conf_builtin_hints(rc) < 0)) {
		snprintf(su->group, sizeof(su->group), "out of memory");
		return -1;
	}
	return 0;
}

static void server_opt(struct rpl_setup *su, const struct rpl_opt *o)
{
	const char *k = o->key, *v = o->val;

	if (strcmp(k, "qname-minimisation") == 0)
		su->rc.qname_min = yes(v);
	else if (strcmp(k, "use-caps-for-id") == 0)
		su->rc.use_0x20 = yes(v);
	else if (strcmp(k, "do-not-query-localhost") == 0)
		su->rc.query_loopback = !yes(v);
	else if (strcmp(k, "max-query-restarts") == 0)
		su->rc.max_cname = num(v);
	else if (strcmp(k, "cache-max-ttl") == 0)
		su->cc.max_ttl = num(v);
	else if (strcmp(k, "cache-min-ttl") == 0)
		su->cc.min_ttl = num(v);
	else if (strcmp(k, "cache-max-negative-ttl") == 0)
		su->cc.neg_max_ttl = num(v);
	else if (strcmp(k, "serve-expired-reply-ttl") == 0)
		su->cc.stale_answer_ttl = num(v);
	else if (strcmp(k, "num-queries-per-thread") == 0)
		su->max_pending = num(v);
	else if (strcmp(k, "prefetch") == 0)
		su->cc.prefetch_pct = yes(v) ? 10 : 0;
}

/* identity and version, each off when its hide- option says yes
 * (Unbound's default texts, the host name and its version, are never
 * what a scenario expects: none here). */
static void chaos(struct rpl_setup *su, const struct rpl_scen *s)
{
	const char *id = NULL, *version = NULL;
	bool hide_id = false, hide_version = false;

	for (size_t i = 0; i < s->nopts; i++) {
		const char *k = s->opts[i].key, *v = s->opts[i].val;

		if (strcmp(k, "identity") == 0)
			id = v;
		else if (strcmp(k, "version") == 0)
			version = v;
		else if (strcmp(k, "hide-identity") == 0)
			hide_id = yes(v);
		else if (strcmp(k, "hide-version") == 0)
			hide_version = yes(v);
	}
	chaos_ident_set(&su->chaos, hide_id ? NULL : id,
			hide_version ? NULL : version);
}

/* serve-expired and its TTL together (Unbound: 0 is "no limit"). */
static void stale(struct rpl_setup *su, const struct rpl_scen *s)
{
	bool on = false;
	uint32_t ttl = 0;

	for (size_t i = 0; i < s->nopts; i++) {
		if (strcmp(s->opts[i].key, "serve-expired") == 0)
			on = yes(s->opts[i].val);
		if (strcmp(s->opts[i].key, "serve-expired-ttl") == 0)
			ttl = num(s->opts[i].val);
	}
	su->cc.stale_ttl = on ? (ttl ? ttl : STALE_FOREVER) : 0;
}

static bool any_loopback(const struct res_conf *rc)
{
	for (size_t i = 0; i < rc->nfwd; i++)
		for (size_t j = 0; j < rc->fwd[i].naddrs; j++)
			if (res_addr_is_loopback((const struct sockaddr *)
						 &rc->fwd[i].addrs[j].sa))
				return true;
	return false;
}

/* "name type": the types banchi's local data can express. */
static int local_zone(struct rpl_setup *su, const struct rpl_opt *o)
{
	char name[256], type[64];
	uint8_t wire[NAME_MAXLEN];
	char err[LOCAL_ERR_MAX];

	if (sscanf(o->val, "%255s %63s", name, type) != 2 ||
	    name_from_text(wire, name, strlen(name), (const uint8_t *)"") < 0)
		return bad(su, o, "cannot read");
	name_to_lower(wire);
	if (strcmp(type, "transparent") == 0)
		return 0;       /* banchi's local data is transparent */
	if (strcmp(type, "nodefault") == 0)
		return local_allow(su->local, wire) < 0 ?
		       bad(su, o, "out of memory") : 0;
	if (strcmp(type, "static") == 0 || strcmp(type, "always_nxdomain") == 0)
		return local_load_blocklist(su->local, name, strlen(name),
					    "local-zone", NULL, NULL, err) < 0 ?
		       bad(su, o, err) : 0;
	snprintf(su->group, sizeof(su->group),
		 "local-zone type %s: not supported", type);
	return 1;
}

static int local(struct rpl_setup *su, const struct rpl_scen *s)
{
	char err[LOCAL_ERR_MAX];
	int r;

	su->local = local_new();
	if (!su->local || local_add_special(su->local) < 0)
		return -1;
	for (size_t i = 0; i < su->rc.nfwd; i++)
		if (local_allow(su->local, su->rc.fwd[i].zone) < 0)
			return -1;
	for (size_t i = 0; i < s->nopts; i++) {
		const struct rpl_opt *o = &s->opts[i];

		if (strcmp(o->key, "local-zone") == 0 &&
		    (r = local_zone(su, o)) != 0)
			return r;
	}
	for (size_t i = 0; i < s->nopts; i++) {
		const struct rpl_opt *o = &s->opts[i];

		if (strcmp(o->key, "local-data") == 0 &&
		    local_add_text(su->local, o->val, err) < 0)
			return bad(su, o, err);
	}
	return 0;
}

static bool net_in(const struct acl *a, const char *prefix)
{
	char ip[64];
	struct res_addr ad;

	snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(prefix, "/"), prefix);
	return rpl_addr_parse(&ad, ip) == 0 &&
	       acl_match(a, (const struct sockaddr *)&ad.sa);
}

/* Unbound's access-control as banchi's allow list: "allow*" actions are
 * allowed ("allow_snoop" also on the snoop list: RD=0 reads the cache),
 * "refuse" is what banchi does outside the list (so a refuse rule inside
 * an allowed range cannot be expressed), "deny" drops. The default is
 * loopback, as in both, without snooping. */
static int access(struct rpl_setup *su, const struct rpl_scen *s,
		  struct acl *refuse)
{
	char pfx[64], act[32];

	for (size_t i = 0; i < s->nopts; i++) {
		const struct rpl_opt *o = &s->opts[i];

		if (strcmp(o->key, "access-control"))
			continue;
		if (sscanf(o->val, "%63s %31s", pfx, act) != 2)
			return bad(su, o, "cannot read");
		if (strncmp(act, "allow", 5) == 0 && acl_add(su->acl, pfx) < 0)
			return bad(su, o, "bad prefix");
		if (strcmp(act, "allow_snoop") == 0 &&
		    acl_add(su->snoop, pfx) < 0)
			return bad(su, o, "bad prefix");
		if (strcmp(act, "refuse") == 0 && acl_add(refuse, pfx) < 0)
			return bad(su, o, "bad prefix");
		if (strncmp(act, "allow", 5) && strcmp(act, "refuse")) {
			snprintf(su->group, sizeof(su->group),
				 "access-control %s: not supported", act);
			return 1;
		}
		if (strcmp(act, "refuse") == 0 && net_in(su->acl, pfx)) {
			snprintf(su->group, sizeof(su->group),
				 "access-control: refuse inside allow not supported");
			return 1;
		}
	}
	if (!net_in(refuse, "127.0.0.1") && acl_add_loopback(su->acl) < 0)
		return -1;
	return 0;
}

static int acl(struct rpl_setup *su, const struct rpl_scen *s)
{
	struct acl *refuse = acl_new();
	int r;

	su->acl = acl_new();
	su->snoop = acl_new();
	if (!refuse || !su->acl || !su->snoop) {
		if (refuse)
			acl_free(refuse);
		snprintf(su->group, sizeof(su->group), "out of memory");
		return -1;
	}
	r = access(su, s, refuse);
	acl_free(refuse);
	return r;
}

/* "YYYYMMDDHHMMSS" (UTC) as seconds since 1970, or 0. */
static uint32_t date_of(const char *v)
{
	struct tm tm = { 0 };

	if (strlen(v) != 14 ||
	    sscanf(v, "%4d%2d%2d%2d%2d%2d", &tm.tm_year, &tm.tm_mon,
		   &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (uint32_t)timegm(&tm);
}

/* A DNSSEC scenario that is run: its trust anchors, its date, and
 * aggressive-nsec (Unbound's default: yes). */
static int dnssec(struct rpl_setup *su, const struct rpl_scen *s)
{
	char err[256];

	if (!rpl_dnssec_runs(s->base))
		return 0;
	su->rc.dnssec = true;
	su->rc.aggressive_nsec = true;
	for (size_t i = 0; i < s->nopts; i++) {
		const char *k = s->opts[i].key, *v = s->opts[i].val;

		if (strcmp(k, "trust-anchor") == 0 &&
		    dnssec_anchors_add_text(&su->rc.anchors, v, strlen(v),
					    "trust-anchor", err) < 0)
			return bad(su, &s->opts[i], err);
		if (strcmp(k, "val-override-date") == 0)
			su->wall = date_of(v);
		if (strcmp(k, "aggressive-nsec") == 0)
			su->rc.aggressive_nsec = yes(v);
	}
	if (!su->wall)
		return bad(su, &s->opts[0], "no val-override-date");
	return 0;
}

int rpl_conf_map(struct rpl_setup *su, const struct rpl_scen *s)
{
	int r;

	if (zones(su, s) < 0)
		return -1;
	for (size_t i = 0; i < s->nopts; i++)
		if (strcmp(s->opts[i].clause, "server") == 0)
			server_opt(su, &s->opts[i]);
	stale(su, s);
	chaos(su, s);
	if (dnssec(su, s) < 0)
		return -1;
	if (any_loopback(&su->rc))
		su->rc.query_loopback = true;
	r = local(su, s);
	if (r < 0 && !su->group[0])
		snprintf(su->group, sizeof(su->group), "out of memory");
	if (r)
		return r;
	return acl(su, s);
}
