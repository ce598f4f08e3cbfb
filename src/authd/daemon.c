/* Startup sequence, signal loop and reload of banchi-auth. The main
 * thread is the loader: reloads never run in a worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "authd/cmdline.h"
#include "authd/control.h"
#include "authd/daemon.h"
#include "ctl/ctl.h"
#include "daemon/log.h"
#include "daemon/privs.h"
#include "daemon/sandbox.h"
#include "daemon/sandbox_fs.h"
#include "daemon/sdnotify.h"
#include "qlog/qlog.h"

void daemon_apply_log(const struct config *c)
{
	log_set_level((enum log_level)c->log_level);
	log_set_syslog(c->log_syslog);
}

static void log_loaded(const char *what, const struct load_stats *st)
{
	log_info("%s: %zu zones served (%zu failed, %zu unchanged), %zu "
		 "records, %.3f s", what, st->zones, st->failed, st->reused,
		 st->records, st->seconds);
}

/* Sockets, threads and identity are fixed once privileges are gone. */
static void warn_restart(const struct config *o, const struct config *n)
{
	struct cfg_process po = CFG_PROCESS_OF(o), pn = CFG_PROCESS_OF(n);

	bool same_ctl = o->control == n->control ||
			(o->control && n->control &&
			 !strcmp(o->control, n->control));

	if (!cfg_process_same(&po, &pn) || !same_ctl)
		log_warn("reload: listen addresses, threads, user, group, "
			 "chroot, allow-root and control need a restart; "
			 "kept as they were");
	if (!qlog_conf_same(&o->qlog, &n->qlog))
		log_warn("reload: dnstap and query-log options need a "
			 "restart; kept as they were");
}

/* The database is fixed at start (its zones follow it): a reload keeps
 * it, and refuses a config that would serve one of them from a file
 * too. */
static int keep_zone_db(struct daemon *x, struct config *n)
{
	const char *was = x->cfg.zone_db;

	if (sqlzones_clash(&x->sqlz, n)) {
		log_err("reload: a zone of the config is also in the database "
			"%s; old config and zones kept", x->sqlz.uri);
		return -1;
	}
	if ((was || n->zone_db) &&
	    (!was || !n->zone_db || strcmp(was, n->zone_db)))
		log_warn("reload: zone-db changed: needs a restart; kept as it "
			 "was");
	free(n->zone_db);
	n->zone_db = was ? strdup(was) : NULL;
	return 0;
}

static void free_after_readers(struct served *s)
{
	if (!s)
		return;
	synchronize_rcu();
	served_free(s);
}

static int reload(struct daemon *x, const uint8_t *only,
		  struct load_stats *st, char *err)
{
	const struct config *c = &x->cfg;
	struct served *s, *flushed;
	struct config n;
	int ret;

	if (!only) {
		if (cmdline_config(&n, x->argc, x->argv, x->ld.strip,
				   err) < 0) {
			log_err("reload: %s; old config and zones kept", err);
			config_clear(&n);
			return -1;
		}
		if (keep_zone_db(x, &n) < 0) {
			snprintf(err, CONFIG_ERR_MAX, "a zone of the config is "
				 "also in the database %s", x->sqlz.uri);
			config_clear(&n);
			return -1;
		}
		warn_restart(&x->cfg, &n);
		daemon_apply_log(&n);
		notify_configure(&x->notify, &n);
		c = &n;
	}
	/* the writer publishes too: the loader's zones and the snapshot
	 * change under the lock, the wait for readers happens outside */
	pthread_mutex_lock(&x->publish);
	/* changes still pending are made a version first: the loader
	 * reads the zones as served */
	flushed = updater_flush_all(&x->upd);
	x->ld.only = only;
	ret = loader_run(&x->ld, c, &s, st);
	x->ld.only = NULL;
	if (ret < 0) {
		pthread_mutex_unlock(&x->publish);
		snprintf(err, CONFIG_ERR_MAX, "out of memory; old zones kept");
		log_err("reload: %s", err);
		if (!only)
			config_clear(&n);
		free_after_readers(flushed);
		return -1;
	}
	s = rcu_xchg_pointer(&x->srv.cur, s);
	notify_changed(&x->notify, s, x->srv.cur);      /* serials changed */
	pthread_mutex_unlock(&x->publish);
	free_after_readers(flushed);
	free_after_readers(s);
	if (!only) {
		/* after the loader: it knows the new secondaries when the
		 * refresher publishes them, and no longer the ones removed */
		secondary_reconfigure(&x->sec, &n);
		config_clear(&x->cfg);
		x->cfg = n;
	}
	log_loaded(only ? "reload of one zone" : "reload", st);
	return 0;
}

/* Ready for systemd, with what systemctl status shows. */
static void ready(struct daemon *x, const char *failed)
{
	char status[CONFIG_ERR_MAX + 64];
	uint64_t records;
	size_t zones;

	control_served_counts(x, &zones, &records);
	snprintf(status, sizeof(status), "%s%s%sserving %zu zones, %llu "
		 "records", failed ? "reload failed (" : "",
		 failed ? failed : "", failed ? "); " : "", zones,
		 (unsigned long long)records);
	sdn_ready(status);
}

int daemon_reload(struct daemon *x, const uint8_t *only,
		  struct load_stats *st, char *err)
{
	int ret;

	sdn_reloading();
	ret = reload(x, only, st, err);
	ready(x, ret < 0 ? err : NULL);
	return ret;
}

static int serve(struct daemon *x, const sigset_t *set)
{
	char err[CONFIG_ERR_MAX];
	struct load_stats st;
	uint64_t udp, tcp;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			log_info("reload: SIGHUP received");
			daemon_reload(x, NULL, &st, err);
		} else if (sig == ctl_signal()) {
			ctl_run_main(x->ctl);
		} else if (sig == SIGUSR1) {
			server_counts(&x->srv, &udp, &tcp);
			log_info("stats: %llu UDP queries, %llu TCP queries, "
				 "%zu zones", (unsigned long long)udp,
				 (unsigned long long)tcp, x->ld.n);
			secondary_log_stats(&x->sec);
			pthread_mutex_lock(&x->publish);
			xfr_health_report(&x->health, x->srv.cur, &x->upd);
			pthread_mutex_unlock(&x->publish);
		} else {
			log_info("exiting on signal %d", sig);
			sdn_stopping();
			return 0;
		}
	}
}

/* IXFR's changes (auth_conf.xfr_changes): from the writer's journal for
 * a zone that takes updates, else from the refresher's for a secondary
 * zone; other zones have none (the AXFR form). A worker, lock-free. */
static int xfr_changes(void *arg, const struct zdb_zone *z, uint32_t from,
		       struct auth_xfr_changes *out)
{
	struct daemon *x = arg;

	if (updater_has(&x->upd, zdb_zone_origin(z)))
		return updater_ixfr_changes(&x->upd, z, from, out);
	return secondary_ixfr_changes(&x->sec, z, from, out);
}

static bool in_config(const struct config *c, const uint8_t *origin)
{
	for (size_t i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, origin))
			return true;
	return false;
}

/* The zones the writer keeps a journal of: those that take updates,
 * then those from the database (db[i] true). */
static size_t writer_zones(struct daemon *x,
			   uint8_t (**origins)[NAME_MAXLEN], bool **db)
{
	const struct config *c = &x->cfg;
	size_t n = 0;

	*origins = calloc(c->nupdates + x->sqlz.n + 1, sizeof(**origins));
	*db = calloc(c->nupdates + x->sqlz.n + 1, sizeof(**db));
	if (!*origins || !*db)
		return (size_t)-1;
	/* a database zone with allow-update is the database's, and so is
	 * one in neither yet (the database may gain it) */
	for (size_t i = 0; i < c->nupdates; i++)
		if (!sqlzones_has(&x->sqlz, c->updates[i].origin) &&
		    (!c->zone_db || in_config(c, c->updates[i].origin)))
			memcpy((*origins)[n++], c->updates[i].origin,
			       NAME_MAXLEN);
	for (size_t i = 0; i < x->sqlz.n; i++) {
		memcpy((*origins)[n], x->sqlz.origins[i], NAME_MAXLEN);
		(*db)[n++] = true;
	}
	return n;
}

/* The zones that take updates get their journals (changes since the
 * zone file applied) before anything is served, and so do the zones
 * from the database (their journals serve IXFR); the zone folder is
 * made and given to the server's user (again after the journals are
 * made, so that they are its too). */
static int open_updates(struct daemon *x, struct served **s)
{
	const struct config *c = &x->cfg;
	uint8_t (*origins)[NAME_MAXLEN];
	bool *db;
	size_t n;
	int ret;

	(*s)->conf.xfr_changes = x->ld.changes = xfr_changes;
	(*s)->conf.xfr_changes_arg = x->ld.changes_arg = x;
	if (c->nsecondaries &&
	    privs_own_dir(c->zone_dir, c->user, c->group, c->allow_root) < 0)
		return -1;
	/* a config file may list secondaries on SIGHUP, after the
	 * privileges are gone: their folder is made now */
	if (!c->nsecondaries && !c->nupdates && c->path &&
	    privs_own_dir(c->zone_dir, c->user, c->group, c->allow_root) < 0)
		log_warn("secondary zones added by a reload cannot be stored "
			 "in %s", c->zone_dir);
	/* a database without zones may gain some: journals then */
	if (!c->nupdates && !c->zone_db)
		return updater_open(&x->upd, s, &x->publish, &x->ld, NULL,
				    NULL, NULL, 0);
	if (privs_own_dir(c->zone_dir, c->user, c->group, c->allow_root) < 0)
		return -1;
	n = writer_zones(x, &origins, &db);
	x->ld.merge = updater_merge;
	x->ld.merge_arg = &x->upd;
	ret = n == (size_t)-1 ? -1 :
	      updater_open(&x->upd, s, &x->publish, &x->ld, c->zone_dir,
			   (const uint8_t (*)[NAME_MAXLEN])origins, db, n);
	free(origins);
	free(db);
	x->upd.journal_max = (size_t)c->journal_max;
	if (ret == 0)
		ret = privs_own_dir(c->zone_dir, c->user, c->group,
				    c->allow_root);
	return ret;
}

/* dnstap's socket or file and the text log, opened while privileged. */
static int open_qlog(struct daemon *x)
{
	int err;

	x->ql = qlog_open(&x->cfg.qlog, SERVER_QLOG_RINGS(&x->cfg),
			  QLOG_MSG_BIT(QLOG_AUTH_QUERY) |
			  QLOG_MSG_BIT(QLOG_AUTH_RESPONSE), "banchi-auth",
			  &err);
	x->srv.ql = x->ql;
	return err;
}

/* Before any thread starts: Landlock binds the threads made after. */
static void enter_landlock(struct daemon *x)
{
	struct sandbox_fs f;

	sandbox_fs_init(&f, x->cfg.chroot);
	config_fs_rules(&x->cfg, ctl_path(x->ctl), &f);
	sandbox_fs_enter(&f, "banchi-auth", !x->cfg.landlock);
	sandbox_fs_clear(&f);
}

/* Journals, sockets, privilege drop, Landlock, workers, writer, in that
 * order: the writer publishes into the slot the workers read. */
static int start_all(struct daemon *x, struct served **s)
{
	if (open_updates(x, s) < 0 ||
	    secondary_open(&x->sec, &x->cfg, s, &x->publish, &x->ld) < 0 ||
	    (x->cfg.nsecondaries &&
	     privs_own_dir(x->cfg.zone_dir, x->cfg.user, x->cfg.group,
			   x->cfg.allow_root) < 0) ||
	    server_open(&x->srv, &x->cfg) < 0 ||
	    open_qlog(x) < 0 ||
	    control_open(x) < 0 ||
	    privs_drop(x->cfg.user, x->cfg.group, x->cfg.chroot,
		       x->cfg.allow_root) < 0)
		return -1;
	enter_landlock(x);
	x->srv.upd = &x->upd;
	x->srv.sec = &x->sec;
	x->srv.health = &x->health;
	if (server_start(&x->srv, *s) < 0 || qlog_start(x->ql) < 0)
		return -1;
	x->upd.cur = &x->srv.cur;
	x->sec.cur = &x->srv.cur;
	/* always: a reload may add targets */
	if (notify_start(&x->notify, &x->srv.cur) < 0)
		return -1;
	notify_changed(&x->notify, NULL, x->srv.cur);   /* startup */
	x->upd.notify = &x->notify;
	x->upd.db_write = sqlzones_write;       /* UPDATEs of database zones */
	x->upd.db_arg = &x->sqlz;
	x->sec.notify = &x->notify;
	if (updater_start(&x->upd) < 0 ||
	    sqlzones_start(&x->sqlz, &x->upd, &x->srv.cur) < 0 ||
	    secondary_start(&x->sec) < 0)
		return -1;
	return ctl_start(x->ctl);
}

int daemon_run(struct daemon *x, const sigset_t *set)
{
	struct load_stats st;
	struct served *s;

	sdn_open();
	xfr_health_init(&x->health);
	if (notify_init(&x->notify, &x->health) < 0 ||
	    notify_configure(&x->notify, &x->cfg) < 0)
		return 1;
	if (sqlzones_open(&x->sqlz, &x->cfg) < 0)
		return 1;
	x->ld.db_origin = x->sqlz.origins;
	x->ld.db_first = x->sqlz.first;
	x->ld.ndb = x->sqlz.n;
	if (loader_run(&x->ld, &x->cfg, &s, &st) < 0) {
		log_err("out of memory loading zones");
		return 1;
	}
	log_loaded("startup", &st);
	if (x->cfg.nzones && st.zones == 0) {
		log_err("no zone could be loaded");
		served_free(s);
		return 1;
	}
	if (start_all(x, &s) < 0) {
		if (!x->srv.cur)
			served_free(s);
		return 1;
	}
	if (x->cfg.chroot && x->cfg.chroot[0] == '/' &&
	    strcmp(x->cfg.chroot, "/")) {
		x->chroot_dir = strdup(x->cfg.chroot);
		x->ld.strip = x->chroot_dir;
	}
	sandbox_enter("banchi-auth", !x->cfg.sandbox);
	ready(x, NULL);
	return serve(x, set);
}

void daemon_clear(struct daemon *x)
{
	ctl_stop(x->ctl);               /* it reads what follows */
	x->ctl = NULL;
	secondary_stop(&x->sec);
	sqlzones_stop(&x->sqlz);        /* it waits on the writer */
	updater_stop(&x->upd);
	notify_stop(&x->notify);
	server_stop(&x->srv);
	qlog_free(x->ql);               /* after its producers stopped */
	x->ql = NULL;
	notify_clear(&x->notify);
	xfr_health_clear(&x->health);
	updater_clear(&x->upd);
	secondary_clear(&x->sec);
	loader_clear(&x->ld);
	sqlzones_clear(&x->sqlz);
	config_clear(&x->cfg);
	free(x->chroot_dir);
	x->chroot_dir = NULL;
}
