/* banchi-resolver's startup sequence and signal loop. The main thread
 * builds every snapshot (start and reload); the workers only read the
 * published one. The cache and infra live as long as the process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <urcu.h>

#include "authd/cmdline.h"
#include "daemon/log.h"
#include "daemon/privs.h"
#include "daemon/sandbox.h"
#include "daemon/sandbox_fs.h"
#include "daemon/sdnotify.h"
#include "ctl/ctl.h"
#include "resolverd/control.h"
#include "resolverd/daemon.h"
#include "resolve/cache.h"
#include "resolve/infra.h"

#define INFRA_ENTRIES 100000    /* upstream servers remembered */

void rdaemon_apply_log(const struct rconfig *c)
{
	log_set_level((enum log_level)c->log_level);
	log_set_syslog(c->log_syslog);
}

/* Said at every start and reload: who is served. */
static void log_access(const struct rconfig *c)
{
	if (c->open_resolver)
		log_warn("OPEN RESOLVER: every client gets recursion "
			 "(access.open-resolver); this server can be used "
			 "for amplification attacks");
	else if (rconfig_listens_public(c) && c->allow.n == 0)
		log_warn("listening beyond loopback without an allow list: "
			 "only loopback clients will be served (others get "
			 "REFUSED; see access.allow / --allow)");
	else if (c->allow_exact)
		log_info("recursion for the --allow list only (%zu prefixes)",
			 c->allow.n);
	if (c->allow_snoop.n)
		log_info("non-recursive queries answered from the cache for "
			 "%zu prefixes (access.allow-snoop)", c->allow_snoop.n);
}

/* "listening on A, B; iterating from 13 root hints, 1 stub zone". */
static void log_mode(const struct rconfig *c, const struct rsnap *s)
{
	char buf[1024] = "";
	size_t i, nstub = 0, len = 0;
	bool fwd_all = false;

	for (i = 0; i < c->nlisten && len < sizeof(buf); i++)
		len += snprintf(buf + len, sizeof(buf) - len, "%s%s",
				i ? ", " : "", c->listen[i].text);
	for (i = 0; i < c->nfwd; i++) {
		nstub += c->fwd[i].stub;
		fwd_all |= !c->fwd[i].stub && c->fwd[i].name[0] == 0;
	}
	if (fwd_all)
		log_info("listening on %s; forwarding (%zu forward, %zu stub "
			 "zones)", buf, c->nfwd - nstub, nstub);
	else
		log_info("listening on %s; iterating from %zu root hints%s "
			 "(%zu forward, %zu stub zones)", buf, s->conf.nhints,
			 c->root_hints ? " (file)" : "", c->nfwd - nstub,
			 nstub);
}

/* Sockets, threads, identity and the cache are fixed at start. */
static void warn_restart(const struct rconfig *o, const struct rconfig *n)
{
	struct cache_conf a, b;
	struct cfg_process po = CFG_PROCESS_OF(o), pn = CFG_PROCESS_OF(n);
	bool same = cfg_process_same(&po, &pn) &&
		    (o->control == n->control || (o->control && n->control &&
		     !strcmp(o->control, n->control)));

	rconfig_cache_conf(o, &a);
	rconfig_cache_conf(n, &b);
	if (!same || memcmp(&a, &b, sizeof(a)))
		log_warn("reload: listen addresses, threads, user, group, "
			 "chroot, allow-root, control and the cache settings "
			 "need a restart; kept as they were");
	if (!qlog_conf_same(&o->qlog, &n->qlog))
		log_warn("reload: dnstap and query-log options need a "
			 "restart; kept as they were");
	if (!o->auto_trust_anchor != !n->auto_trust_anchor ||
	    (o->auto_trust_anchor &&
	     strcmp(o->auto_trust_anchor, n->auto_trust_anchor)))
		log_warn("reload: auto-trust-anchor needs a restart; its "
			 "anchors kept as they were");
}

/* Ready for systemd, with what systemctl status shows. */
static void ready(const struct rdaemon *x, const char *failed)
{
	char status[CONFIG_ERR_MAX + 64];

	snprintf(status, sizeof(status), "%s%s%sresolving on %zu addresses",
		 failed ? "reload failed (" : "", failed ? failed : "",
		 failed ? "); " : "", x->cfg.nlisten);
	sdn_ready(status);
}

static int reload(struct rdaemon *x, char *err)
{
	struct rsnap *s;
	struct rconfig n;

	if (rconfig_cmdline(&n, x->argc, x->argv, x->chroot_dir, err) < 0) {
		log_err("reload: %s; old settings kept", err);
		rconfig_clear(&n);
		return -1;
	}
	n.strip = x->chroot_dir;
	n.nta = x->nta;                 /* run-time anchors stay */
	n.nnta = x->nnta;
	n.auto_ta = x->cfg.auto_ta;     /* and the RFC 5011 point's keys */
	if (rsnap_build(&n, &s, err) < 0) {
		log_err("reload: %s; old settings kept", err);
		rconfig_clear(&n);
		return -1;
	}
	warn_restart(&x->cfg, &n);
	rdaemon_apply_log(&n);
	rserver_publish(&x->srv, s);
	log_access(&n);
	log_mode(&n, s);
	rconfig_clear(&x->cfg);
	x->cfg = n;
	log_info("reload: done (cache kept)");
	return 0;
}

int rdaemon_reload(struct rdaemon *x, char *err)
{
	int ret;

	sdn_reloading();
	ret = reload(x, err);
	ready(x, ret < 0 ? err : NULL);
	return ret;
}

static void log_stats(struct rdaemon *x)
{
	struct rserver_stats st;
	struct cache_stats cs;

	rserver_get_stats(&x->srv, &st);
	cache_get_stats(x->srv.cache, &cs);
	log_info("stats: queries=%llu tcp=%llu cache_hits=%llu local=%llu "
		 "refused=%llu upstream=%llu upstream_tcp=%llu timeouts=%llu "
		 "servfail=%llu stale=%llu prefetch=%llu dropped=%llu "
		 "cache_entries=%zu cache_bytes=%zu",
		 (unsigned long long)st.queries,
		 (unsigned long long)st.tcp_queries,
		 (unsigned long long)st.cache_hits,
		 (unsigned long long)st.local_answers,
		 (unsigned long long)st.refused,
		 (unsigned long long)st.upstream,
		 (unsigned long long)st.upstream_tcp,
		 (unsigned long long)st.timeouts,
		 (unsigned long long)st.servfail,
		 (unsigned long long)st.stale,
		 (unsigned long long)st.prefetch,
		 (unsigned long long)st.dropped, cs.entries, cs.bytes);
}

/* The next signal; while negative trust anchors are held, woken every
 * NTA_CHECK_S to let the expired ones go, and when the RFC 5011 probe
 * is due (-1 then). */
#define NTA_CHECK_S 5

static int next_signal(struct rdaemon *x, const sigset_t *set)
{
	long wait = x->nnta ? NTA_CHECK_S : -1, ta = rtrust_wait(x);
	struct timespec ts;
	int sig;

	if (ta >= 0 && (wait < 0 || ta < wait))
		wait = ta;
	ts = (struct timespec){ wait, 0 };
	sig = wait < 0 ? sigwaitinfo(set, NULL) : wait == 0 ? -1 :
	      sigtimedwait(set, NULL, &ts);
	if (x->nnta)
		rnta_expire(x);
	rtrust_tick(x);
	return sig;
}

static int serve(struct rdaemon *x, const sigset_t *set)
{
	char err[CONFIG_ERR_MAX];
	int sig;

	for (;;) {
		sig = next_signal(x, set);
		if (sig < 0)
			continue;
		if (sig == SIGHUP) {
			log_info("reload: SIGHUP received");
			rdaemon_reload(x, err);
		} else if (sig == ctl_signal()) {
			ctl_run_main(x->ctl);
		} else if (sig == SIGUSR1) {
			log_stats(x);
		} else if (sig == SIGUSR2) {
			cache_flush(x->srv.cache);
			infra_flush(x->srv.infra);
			log_info("cache flushed");
		} else {
			log_info("exiting on signal %d", sig);
			sdn_stopping();
			rcache_keep_save(x);
			return 0;
		}
	}
}

/* The cache and infra, sized from the config. */
static int make_shared(struct rdaemon *x)
{
	struct cache_conf cc;

	rconfig_cache_conf(&x->cfg, &cc);
	x->srv.cache = cache_new(&cc);
	x->srv.infra = infra_new(INFRA_ENTRIES);
	if (!x->srv.cache || !x->srv.infra) {
		log_err("out of memory for the cache");
		return -1;
	}
	return 0;
}

/* dnstap's socket or file and the text log, opened while privileged:
 * one ring per worker (each serves UDP and TCP). */
static int open_qlog(struct rdaemon *x)
{
	int err;

	x->ql = qlog_open(&x->cfg.qlog, x->srv.nw,
			  QLOG_MSG_BIT(QLOG_CLIENT_QUERY) |
			  QLOG_MSG_BIT(QLOG_CLIENT_RESPONSE), "banchi-resolver",
			  &err);
	x->srv.ql = x->ql;
	return err;
}

/* Before any thread starts: Landlock binds the threads made after.
 * Always 0: without it the daemon goes on (logged). */
static int enter_landlock(struct rdaemon *x)
{
	struct sandbox_fs f;

	sandbox_fs_init(&f, x->cfg.chroot);
	rconfig_fs_rules(&x->cfg, ctl_path(x->ctl), &f);
	sandbox_fs_enter(&f, "banchi-resolver", !x->cfg.landlock);
	sandbox_fs_clear(&f);
	return 0;
}

int rdaemon_run(struct rdaemon *x, const sigset_t *set)
{
	const struct rconfig *c = &x->cfg;
	char err[CONFIG_ERR_MAX];
	struct rsnap *s;

	rcu_register_thread();
	sdn_open();
	if (rtrust_open(x) < 0)
		return 1;
	if (rsnap_build(c, &s, err) < 0) {
		log_err("%s", err);
		return 1;
	}
	log_access(c);
	if (make_shared(x) < 0) {
		rsnap_free(s);
		return 1;
	}
	rcache_keep_load(x);
	if (rserver_open(&x->srv, c->listen, c->nlisten, c->threads) < 0 ||
	    open_qlog(x) < 0 || rcontrol_open(x) < 0 ||
	    privs_drop(c->user, c->group, c->chroot, c->allow_root) < 0 ||
	    enter_landlock(x) < 0 || rserver_start(&x->srv, s) < 0 || qlog_start(x->ql) < 0 ||
	    ctl_start(x->ctl) < 0) {
		if (!x->srv.cur)
			rsnap_free(s);
		return 1;
	}
	log_mode(c, s);
	if (c->chroot && c->chroot[0] == '/' && strcmp(c->chroot, "/")) {
		x->chroot_dir = strdup(c->chroot);
		x->cfg.strip = x->chroot_dir;
	}
	sandbox_enter("banchi-resolver", !x->cfg.sandbox);
	ready(x, NULL);
	return serve(x, set);
}

void rdaemon_clear(struct rdaemon *x)
{
	ctl_stop(x->ctl);               /* it reads what follows */
	x->ctl = NULL;
	rserver_stop(&x->srv);
	qlog_free(x->ql);               /* after its producers stopped */
	x->ql = NULL;
	if (x->srv.cache)
		cache_free(x->srv.cache);
	if (x->srv.infra)
		infra_free(x->srv.infra);
	x->srv.cache = NULL;
	x->srv.infra = NULL;
	rconfig_clear(&x->cfg);
	free(x->chroot_dir);
	x->chroot_dir = NULL;
	free(x->nta);
	x->nta = NULL;
	x->nnta = 0;
	rtrust_close(x);
	rcu_unregister_thread();
}
