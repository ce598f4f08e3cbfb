/* banchi-resolver's control table and commands (control.h). The
 * control thread is an RCU reader like the workers, so it may flush
 * the cache while they serve: a flush takes one shard lock at a time,
 * as an insert does, and readers never wait. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <urcu.h>

#include "ctl/ctl.h"
#include "daemon/log.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "resolverd/control.h"
#include "resolverd/daemon.h"
#include "wire/name.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

static void cmd_status(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	struct cache_stats cs;

	(void)value;
	cache_get_stats(x->srv.cache, &cs);
	ctl_put_str(r, "daemon", "banchi-resolver");
	ctl_put_str(r, "version", BANCHI_VERSION);
	ctl_put_i64(r, "pid", (int64_t)getpid());
	ctl_put_secs(r, "uptime", ctl_uptime(x->ctl));
	ctl_put_u64(r, "workers", x->srv.nw);
	ctl_put_u64(r, "cache_entries", cs.entries);
	ctl_put_u64(r, "cache_bytes", cs.bytes);
	ctl_put_str(r, "log_level", log_level_name(log_get_level()));
}

static void cmd_stats(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	struct rserver_stats st;
	struct cache_stats cs;

	(void)value;
	rserver_get_stats(&x->srv, &st);
	cache_get_stats(x->srv.cache, &cs);
	ctl_put_u64(r, "queries", st.queries);
	ctl_put_u64(r, "queries_tcp", st.tcp_queries);
	ctl_put_u64(r, "cache_hits", st.cache_hits);
	ctl_put_u64(r, "local_answers", st.local_answers);
	ctl_put_u64(r, "refused", st.refused);
	ctl_put_u64(r, "upstream_queries", st.upstream);
	ctl_put_u64(r, "upstream_tcp", st.upstream_tcp);
	ctl_put_u64(r, "upstream_timeouts", st.timeouts);
	ctl_put_u64(r, "servfail", st.servfail);
	ctl_put_u64(r, "stale_answers", st.stale);
	ctl_put_u64(r, "aggressive_nsec_answers", st.aggressive_nsec);
	ctl_put_u64(r, "prefetches", st.prefetch);
	ctl_put_u64(r, "dropped", st.dropped);
	ctl_put_u64(r, "dnssec_verifications", st.dnssec_verified);
	ctl_put_u64(r, "dnssec_limit_hits", st.dnssec_stopped);
	ctl_put_u64(r, "cache_lookups_hit", cs.hits);
	ctl_put_u64(r, "cache_lookups_miss", cs.misses);
	ctl_put_u64(r, "cache_inserts", cs.inserts);
	ctl_put_u64(r, "cache_evictions", cs.evictions);
	ctl_put_u64(r, "cache_entries", cs.entries);
	ctl_put_u64(r, "cache_bytes", cs.bytes);
}

/* flush NAME: its entries and those under it; flush: all, and what is
 * known of the upstream servers too (as SIGUSR2). */
static void cmd_flush(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	uint8_t name[NAME_MAXLEN];
	char text[NAME_TEXT_MAX];
	struct cache_stats before, after;

	if (value && (!*value || name_from_text(name, value, strlen(value),
						(const uint8_t *)"") < 0)) {
		ctl_fail(r, "'%.300s' is not a domain name", value);
		return;
	}
	cache_get_stats(x->srv.cache, &before);
	if (value) {
		name_to_lower(name);
		cache_flush_name(x->srv.cache, name);
		name_to_text(text, sizeof(text), name);
		log_info("control: cache flushed at and under %s", text);
		ctl_put_str(r, "flushed", text);
	} else {
		cache_flush(x->srv.cache);
		infra_flush(x->srv.infra);
		log_info("control: cache flushed");
		ctl_put_str(r, "flushed", "all");
	}
	cache_get_stats(x->srv.cache, &after);
	ctl_put_u64(r, "entries_before", before.entries);
	ctl_put_u64(r, "entries_after", after.entries);
}

static void cmd_reload(void *arg, const char *value, struct ctl_reply *r)
{
	char err[CONFIG_ERR_MAX];
	struct cache_stats cs;
	struct rdaemon *x = arg;

	(void)value;
	log_info("reload: asked on the control socket");
	if (rdaemon_reload(x, err) < 0) {
		ctl_fail(r, "reload failed: %s; the old settings are kept",
			 err);
		return;
	}
	cache_get_stats(x->srv.cache, &cs);
	ctl_put_u64(r, "cache_entries", cs.entries);
}

/* One anchor's records, as a zone file writes them. */
static void put_set(struct ctl_reply *r, const uint8_t *zone,
		    const struct dnssec_rrset *set, uint16_t type)
{
	char owner[NAME_TEXT_MAX], rd[2048], line[NAME_TEXT_MAX + 2100];
	const uint8_t *p;
	uint16_t len;
	char tb[16];

	name_to_text(owner, sizeof(owner), zone);
	for (uint16_t i = 0; i < set->count; i++) {
		if (dnssec_rrset_item(set, i, &p, &len) < 0 ||
		    rdata_to_text(type, p, len, rd, sizeof(rd)) < 0)
			snprintf(rd, sizeof(rd), "(unreadable)");
		snprintf(line, sizeof(line), "%s IN %s %s", owner,
			 rrtype_to_text(type, tb), rd);
		ctl_put_str(r, NULL, line);
	}
}

/* trust-anchors: whether validation is on, and the anchors it starts
 * from (the built-in root's, those of --trust-anchor, or the keys the
 * RFC 5011 point of --auto-trust-anchor trusts now). */
static void cmd_anchors(void *arg, const char *value, struct ctl_reply *r)
{
	struct rdaemon *x = arg;
	const struct rsnap *snap;

	(void)value;
	rcu_read_lock();
	snap = rcu_dereference(x->srv.cur);
	ctl_put_bool(r, "validation", snap && snap->conf.dnssec);
	ctl_put_str(r, "source", x->cfg.trust_anchor ? x->cfg.trust_anchor :
		    x->cfg.auto_trust_anchor ? x->cfg.auto_trust_anchor :
		    "built in (IANA root KSK-2017 and KSK-2024)");
	ctl_put_bool(r, "rfc5011", x->cfg.auto_trust_anchor != NULL);
	ctl_open_arr(r, "anchors");
	for (size_t i = 0; snap && i < snap->conf.anchors.n; i++) {
		const struct dnssec_anchor *a = &snap->conf.anchors.a[i];
		put_set(r, a->zone, &a->ds, RR_DS);
		put_set(r, a->zone, &a->dnskey, RR_DNSKEY);
	}
	ctl_close(r);
	rcu_read_unlock();
}

static const struct ctl_cmd commands[] = {
	{ "status", NULL, CTL_NO_ARG, false, false, cmd_status },
	{ "stats", NULL, CTL_NO_ARG, false, false, cmd_stats },
	{ "reload", NULL, CTL_NO_ARG, true, true, cmd_reload },
	{ "flush", "name", CTL_ARG_OPTIONAL, false, true, cmd_flush },
	{ "log-level", "level", CTL_ARG_REQUIRED, false, true,
	  ctl_cmd_log_level },
	{ "trust-anchors", NULL, CTL_NO_ARG, false, false, cmd_anchors },
	{ "dump-cache", "name", CTL_ARG_OPTIONAL, false, false,
	  rcontrol_dump_cache },
	{ "why", "query", CTL_ARG_REQUIRED, false, false, rcontrol_why },
	{ "nta-add", "zone", CTL_ARG_REQUIRED, true, true, rcontrol_nta_add },
	{ "nta-remove", "zone", CTL_ARG_REQUIRED, true, true,
	  rcontrol_nta_remove },
	{ "nta-list", NULL, CTL_NO_ARG, true, false, rcontrol_nta_list },
};

int rcontrol_open(struct rdaemon *x)
{
	struct ctl_conf c = {
		.daemon = "banchi-resolver",
		.path = x->cfg.control,
		.def = CTL_RESOLVER_PATH,
		.cmds = commands,
		.ncmds = sizeof(commands) / sizeof(commands[0]),
		.arg = x,
		.metrics = x->cfg.has_metrics ? &x->cfg.metrics : NULL,
		.metrics_fn = rcontrol_metrics,
	};

	return ctl_open(&x->ctl, &c);
}
