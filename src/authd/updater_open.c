/* The writer's start: the zone folder made and given to the server's
 * user, each updatable zone's journal opened and its changes applied
 * over the zone file's data, so that a restart serves every change
 * acknowledged before it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "authd/journal_replay.h"
#include "authd/updater_int.h"
#include "authd/zone_dir.h"
#include "backend/zonefile.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/rrtype.h"
#include "zone/zdb_int.h"

struct replay {
	struct zdb_zone *v;             /* one reference */
	const char *zone;
	size_t n;
	int err;
};

static void diag(void *ctx, bool fatal, const char *msg)
{
	log_msg(fatal ? LOG_LVL_ERR : LOG_LVL_WARN, "zone %s: journal: %s",
		(const char *)ctx, msg);
}

/* The journal's changes after the zone file's serial, applied to *v.
 * A journal that does not start at or before the file (the file was
 * edited with a later serial, or the journal is another story) is
 * emptied or set aside: the file wins, loudly. */
static int replay(struct upd_zone *uz, const char *path, struct zdb_zone **v)
{
	uint32_t serial = zdb_zone_serial(*v);
	size_t n;
	int ret;

	if (!journal_count(uz->j) || journal_last(uz->j) == serial)
		return 0;
	ret = journal_replay(uz->j, v, &n);
	if (ret == 0) {
		log_info("zone %s: %zu changes from the journal applied, "
			 "serial %u", uz->name, n, zdb_zone_serial(*v));
		return 0;
	}
	if (ret == BN_ENOTFOUND && serial_after(serial, journal_last(uz->j))) {
		log_warn("zone %s: the zone file's serial %u is after the "
			 "journal's last %u: the file wins, journal emptied",
			 uz->name, serial, journal_last(uz->j));
		return journal_reset(uz->j);
	}
	log_err("zone %s: journal %s does not apply to the zone file "
		"(serial %u; journal %u..%u: %s); set aside, the file served",
		uz->name, path, serial, journal_first(uz->j),
		journal_last(uz->j), bn_strerror(ret));
	return BN_EINVAL;
}

static int open_journal(struct upd_zone *uz, const char *path)
{
	int ret = journal_open(path, uz->origin, diag, uz->name, &uz->j);

	if (ret == BN_EINVAL) {
		char moved[4200];
		if (journal_set_aside(path, moved, sizeof(moved)) < 0)
			return BN_EIO;
		log_err("zone %s: %s is not this zone's journal: moved to %s",
			uz->name, path, moved);
		ret = journal_open(path, uz->origin, diag, uz->name, &uz->j);
	}
	if (ret < 0)
		log_err("zone %s: journal %s: cannot open: %s", uz->name, path,
			ret == BN_EIO ? strerror(errno) : bn_strerror(ret));
	return ret;
}

/* What the journal starts from: NAME.jbase, else the zone file as last
 * loaded (NAME.base), else the zone file as loaded now (file). */
static struct zdb_zone *journal_base(struct upd_zone *uz, const char *dir,
				     struct zdb_zone *file)
{
	static const char *const ext[] = { "jbase", "base" };
	struct zdb_zone *b = NULL;
	char p[4200];

	for (size_t i = 0; i < 2; i++) {
		zone_dir_path(p, sizeof(p), dir, uz->origin, ext[i]);
		if (access(p, F_OK) == 0 &&
		    zonefile_load(&b, uz->origin, p, NULL, NULL, false) == 0)
			return b;
	}
	zdb_zone_ref(file);
	return file;
}

/* The journal's changes over its base; a journal that does not apply
 * is set aside (the base served). */
static int served_version(struct upd_zone *uz, const char *dir,
			  struct zdb_zone *file, struct zdb_zone **v)
{
	char path[4200];

	zone_dir_path(path, sizeof(path), dir, uz->origin, "jnl");
	if (open_journal(uz, path) < 0)
		return -1;
	*v = journal_base(uz, dir, file);
	if (replay(uz, path, v) != BN_EINVAL)
		return 0;
	journal_close(uz->j);
	uz->j = NULL;
	if (journal_set_aside(path, NULL, 0) < 0 || open_journal(uz, path) < 0)
		return -1;
	return 0;
}

/* The zone file edited while the server was down: its difference from
 * NAME.base merged as a reload merges it; NAME.base then becomes it. */
static struct zdb_zone *merge_edit(struct updater *u, struct upd_zone *uz,
				   const char *dir, struct zdb_zone *file,
				   struct zdb_zone *v)
{
	char base[4200];
	struct zdb_zone *m = NULL;

	zone_dir_path(base, sizeof(base), dir, uz->origin, "base");
	if (v != file && access(base, F_OK) == 0)
		m = updater_merge(u, base, file, v);
	if (m) {
		zdb_zone_unref(v);
		v = m;
	}
	updater_keep_file(u, uz);
	return v;
}

/* The zone's journal, its changes applied over its base (the workers
 * are not started: the served version replaced in place). */
static int open_zone(struct updater *u, struct upd_zone *uz, const char *dir)
{
	struct zdb_zone *file = zonedb_get((*u->cur)->db, uz->origin), *v;
	int ret = 0;

	if (served_version(uz, dir, file, &v) < 0)
		return -1;
	v = merge_edit(u, uz, dir, file, v);
	if (v != file) {
		struct served *ns = served_replace(*u->cur, &v, 1);
		if (ns) {
			served_free(*u->cur);
			*u->cur = ns;
			loader_set_zone(u->ld, v);
		} else {
			ret = -1;
		}
	}
	zdb_zone_unref(v);
	return ret;
}

/* The served version with its serial raised to serial (the SOA alone
 * changed), in place of the one served. */
static int raise_serial(struct updater *u, struct zdb_zone *v,
			uint32_t serial)
{
	struct zdb_zone *next = NULL;
	struct served *ns = NULL;
	int ret = zdb_zone_with_serial(&next, v, serial);

	if (ret == 0 && !(ns = served_replace(*u->cur, &next, 1)))
		ret = BN_ENOMEM;
	if (ret == 0) {
		served_free(*u->cur);
		*u->cur = ns;
		loader_set_zone(u->ld, next);
	}
	zdb_zone_unref(next);
	return ret;
}

/* A zone from the database: served as read; its journal goes on only
 * when it ends at the serial served (a restart with nothing changed);
 * a serial behind it (banchi had raised the database's, the state that
 * says so lost) is raised past it, so that secondaries see a change. */
static int open_db_zone(struct updater *u, struct upd_zone *uz,
			const char *dir)
{
	struct zdb_zone *v = zonedb_get((*u->cur)->db, uz->origin);
	uint32_t serial, last;
	char path[4200];

	zone_dir_path(path, sizeof(path), dir, uz->origin, "jnl");
	if (open_journal(uz, path) < 0)
		return -1;
	if (!v)         /* not served yet: its first version starts it */
		return journal_reset(uz->j) < 0 ? -1 : 0;
	serial = zdb_zone_serial(v);
	last = journal_last(uz->j);
	if (!journal_count(uz->j) || last == serial)
		return 0;
	if (serial_after(last, serial)) {
		serial = last + 1 ? last + 1 : 1;
		if (raise_serial(u, v, serial) < 0)
			return -1;
		log_warn("zone %s: the database's serial is behind the "
			 "journal's %u: served as %u", uz->name, last, serial);
	}
	log_info("zone %s: journal ends at serial %u, the zone is at %u: "
		 "journal emptied (IXFR from before: the whole zone)",
		 uz->name, last, serial);
	return journal_reset(uz->j) < 0 ? -1 : 0;
}

int updater_open(struct updater *u, struct served **cur,
		 pthread_mutex_t *publish, struct loader *ld,
		 const char *dir, const uint8_t (*origins)[NAME_MAXLEN],
		 const bool *db, size_t n)
{
	memset(u, 0, sizeof(*u));
	u->cur = cur;
	u->publish = publish;
	u->ld = ld;
	u->tail = &u->head;
	pthread_condattr_t ca;

	pthread_mutex_init(&u->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&u->cv, &ca);
	pthread_condattr_destroy(&ca);
	u->dir = dir ? strdup(dir) : NULL;
	u->scratch = update_batch_new(n);
	u->flush_scratch = update_batch_new(n);
	if (!u->scratch || !u->flush_scratch || (dir && !u->dir))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct upd_zone *uz;
		if (!(db && db[i]) && !zonedb_get((*cur)->db, origins[i])) {
			char name[NAME_TEXT_MAX];
			name_to_text(name, sizeof(name), origins[i]);
			log_err("zone %s: not loaded: takes no updates", name);
			continue;
		}
		uz = upd_zone_new(origins[i], db && db[i]);
		if (!uz || upd_zones_append(u, uz) < 0) {
			free(uz);
			return -1;
		}
		if ((uz->db ? open_db_zone(u, uz, dir) :
		     open_zone(u, uz, dir)) < 0)
			return -1;
	}
	return 0;
}

struct upd_zone *upd_take_db_zone(struct updater *u, const uint8_t *origin,
				  int *err)
{
	enum loader_kind k = loader_kind_of(u->ld, origin);
	struct upd_zone *uz = upd_zone_any(u, origin);
	char path[4200];

	*err = BN_EINVAL;
	if ((k != LOADER_NONE && k != LOADER_DB) || !u->dir ||
	    (uz && !uz->db))
		return NULL;
	*err = BN_ENOMEM;
	if (loader_add_db(u->ld, origin) < 0)
		return NULL;
	if (!uz) {
		uz = upd_zone_new(origin, true);
		if (!uz || upd_zones_append(u, uz) < 0) {
			free(uz);
			loader_remove_db(u->ld, origin);
			return NULL;
		}
		uz->gone = true;        /* until its journal is open */
	}
	zone_dir_path(path, sizeof(path), u->dir, origin, "jnl");
	*err = uz->j ? 0 : open_journal(uz, path);
	if (*err < 0) {
		loader_remove_db(u->ld, origin);
		return NULL;
	}
	uz->gone = false;       /* one removed before: its journal empty */
	return uz;
}

void updater_clear(struct updater *u)
{
	updater_stop(u);
	upd_zones_free(u);
	update_batch_free(u->scratch);
	update_batch_free(u->flush_scratch);
	free(u->dir);
	pthread_mutex_destroy(&u->mu);
	pthread_cond_destroy(&u->cv);
	memset(u, 0, sizeof(*u));
}
