/* banchi-auth's control commands that run in the main thread, the one
 * that loads zones (control.h): reload (all, or one zone's file),
 * zone-status and zone-flush. They read the loader under the publish
 * lock (the writer and the refresher change it under that lock too) and
 * hold it only to read or to note; files are written outside it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <urcu.h>

#include "authd/control.h"
#include "authd/control_int.h"
#include "authd/daemon.h"
#include "authd/updater_int.h"
#include "authd/zone_dir.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "daemon/log.h"

void control_what(struct daemon *x, const uint8_t *origin,
		  struct control_what *w)
{
	struct zdb_zone *z;

	memset(w, 0, sizeof(*w));
	memcpy(w->origin, origin, NAME_MAXLEN);
	pthread_mutex_lock(&x->publish);
	z = zonedb_get(x->srv.cur->db, origin);
	if (z) {
		w->served = true;
		w->serial = zdb_zone_serial(z);
		w->records = zdb_zone_rr_count(z);
		w->zone = z;
		zdb_zone_ref(z);
	}
	w->kind = loader_kind_of(&x->ld, origin);
	w->catalog = x->ld.catalog &&
		     name_equal(zdb_zone_origin(x->ld.catalog), origin);
	for (size_t i = 0; i < x->ld.n; i++) {
		const struct zsrc *d = &x->ld.src[i];
		if (!name_equal(d->origin, origin) || !d->path)
			continue;
		snprintf(w->path, sizeof(w->path), "%s", d->path);
		w->file_time = d->st.st_mtim.tv_sec;
	}
	w->dynamic = updater_has(&x->upd, origin);
	w->db = sqlzones_has(&x->sqlz, origin);
	pthread_mutex_unlock(&x->publish);
}

void control_what_clear(struct control_what *w)
{
	zdb_zone_unref(w->zone);
	w->zone = NULL;
}

int control_not_file(const struct control_what *w, const char *name,
		     const char *verb, struct ctl_reply *r)
{
	if (w->catalog)
		ctl_fail(r, "zone %s is the catalog this server makes: it has "
			 "no file to %s", name, verb);
	else if (w->db)
		ctl_fail(r, "zone %s is served from the database: its rows are "
			 "followed as they change; no file to %s", name, verb);
	else if (w->kind == LOADER_SECONDARY || w->kind == LOADER_MEMBER)
		ctl_fail(r, "zone %s is a secondary: zone-refresh transfers "
			 "it, its copy is kept in the zone dir; nothing to %s",
			 name, verb);
	else if (w->kind == LOADER_NONE)
		ctl_fail(r, "zone %s is not served here%s", name,
			 strcmp(verb, "reload") ? "" : " (a reload without a "
			 "zone reads the config again)");
	else
		return 0;
	return -1;
}

static void put_load(struct ctl_reply *r, const struct load_stats *st)
{
	ctl_put_u64(r, "zones", st->zones);
	ctl_put_u64(r, "failed", st->failed);
	ctl_put_u64(r, "unchanged", st->reused);
	ctl_put_u64(r, "records", st->records);
	ctl_put_secs(r, "seconds", st->seconds);
}

/* reload ZONE: that zone's file read again when it changed. */
static void reload_one(struct daemon *x, const char *value,
		       struct ctl_reply *r)
{
	uint8_t origin[NAME_MAXLEN];
	char name[NAME_TEXT_MAX], err[CONFIG_ERR_MAX];
	struct control_what was, now;
	struct load_stats st;

	if (control_zone_arg(value, origin, name, r) < 0)
		return;
	ctl_put_str(r, "zone", name);
	control_what(x, origin, &was);
	if (control_not_file(&was, name, "reload", r) < 0) {
		control_what_clear(&was);
		return;
	}
	if (daemon_reload(x, origin, &st, err) < 0) {
		ctl_fail(r, "reload of %s failed: %s", name, err);
		control_what_clear(&was);
		return;
	}
	control_what(x, origin, &now);
	ctl_put_str(r, "file", now.path);
	ctl_put_bool(r, "loaded", now.zone != was.zone);
	ctl_put_u64(r, "serial", now.serial);
	ctl_put_u64(r, "was", was.serial);
	ctl_put_secs(r, "seconds", st.seconds);
	if (st.failed)
		ctl_fail(r, "zone %s: its file %s does not load: old data "
			 "kept (the log says why, FILE:LINE)", name, now.path);
	control_what_clear(&was);
	control_what_clear(&now);
}

void control_reload(void *arg, const char *value, struct ctl_reply *r)
{
	struct daemon *x = arg;
	char err[CONFIG_ERR_MAX];
	struct load_stats st;

	if (value) {
		reload_one(x, value, r);
		return;
	}
	log_info("reload: asked on the control socket");
	if (daemon_reload(x, NULL, &st, err) < 0) {
		ctl_fail(r, "reload failed: %s; the old config and zones are "
			 "kept", err);
		return;
	}
	put_load(r, &st);
	if (st.failed)
		ctl_fail(r, "%zu zone%s did not load (old data kept where "
			 "there was some; the log says why, FILE:LINE)",
			 st.failed, st.failed == 1 ? "" : "s");
}

/* The loader takes the file as it is now as loaded: a reload then
 * does not see it as changed. */
static void note_file(struct daemon *x, const uint8_t *origin,
		      const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return;
	pthread_mutex_lock(&x->publish);
	for (size_t i = 0; i < x->ld.n; i++) {
		struct zsrc *d = &x->ld.src[i];
		if (name_equal(d->origin, origin) && d->path &&
		    !strcmp(d->path, path))
			d->st = st;
	}
	pthread_mutex_unlock(&x->publish);
}

/* The served version of a zone that takes updates written over its
 * zone file, and as NAME.base (what a later hand edit is merged by the
 * difference from), then noted as loaded: neither a reload nor a
 * restart takes it for an edit. The journal stays (IXFR from older
 * serials; a restart replays only what follows the file). */
static int flush(struct daemon *x, const struct control_what *w,
		 const char *name, struct ctl_reply *r)
{
	char base[4200];
	int ret;

	ret = zonefile_save(w->path, w->zone);
	if (ret < 0) {
		bool perm = ret == BN_EIO && errno == EACCES;
		ctl_fail(r, "zone %s: cannot write %s: %s%s", name, w->path,
			 ret == BN_EIO ? strerror(errno) : bn_strerror(ret),
			 perm ? " (its folder must be writable by the "
			 "server's user: the file is replaced by a rename)" :
			 "");
		return -1;
	}
	zone_dir_path(base, sizeof(base), x->upd.dir, w->origin, "base");
	ret = zonefile_save(base, w->zone);
	note_file(x, w->origin, w->path);
	if (ret < 0)
		log_warn("zone %s: flushed to %s, but its copy %s not made: "
			 "%s: the next reload merges the file as an edit",
			 name, w->path, base, strerror(errno));
	log_info("zone %s: serial %u written to %s (zone-flush)", name,
		 zdb_zone_serial(w->zone), w->path);
	return 0;
}

void control_zone_flush(void *arg, const char *value, struct ctl_reply *r)
{
	struct daemon *x = arg;
	uint8_t origin[NAME_MAXLEN];
	char name[NAME_TEXT_MAX];
	struct control_what w;

	if (control_zone_arg(value, origin, name, r) < 0)
		return;
	ctl_put_str(r, "zone", name);
	control_what(x, origin, &w);
	if (control_not_file(&w, name, "write", r) < 0) {
		control_what_clear(&w);
		return;
	}
	ctl_put_str(r, "file", w.path);
	if (!w.dynamic || !w.zone) {
		ctl_put_bool(r, "written", false);
		ctl_put_str(r, "why", w.zone ? "the zone takes no updates: "
			    "what is served is its file" : "not served (its "
			    "file did not load)");
	} else if (flush(x, &w, name, r) == 0) {
		ctl_put_bool(r, "written", true);
		ctl_put_u64(r, "serial", w.serial);
		ctl_put_u64(r, "records", w.records);
	}
	control_what_clear(&w);
}
