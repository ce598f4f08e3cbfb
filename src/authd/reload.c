/* Zone loading and snapshot publication. A zone file is re-parsed only
 * when its inode, size or mtime changed; a failing zone keeps its old
 * data. The new snapshot is swapped in with rcu_xchg_pointer and the old
 * one freed after synchronize_rcu(), so readers never wait. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <urcu.h>

#include "backend/zonefile.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "daemon/log.h"
#include "daemon/sandbox_fs.h"
#include "authd/catalog.h"
#include "authd/identity.h"
#include "authd/reload.h"
#include "authd/tsig_note.h"
#include "authd/zone_dir.h"
#include "zone/change.h"

static void zone_diag(void *ctx, const char *file, unsigned line, bool error,
		      const char *msg)
{
	const char *zone = ctx;

	if (!file)
		log_msg(error ? LOG_LVL_ERR : LOG_LVL_DEBUG, "zone %s: %s",
			zone, msg);
	else if (line == 0)
		log_msg(error ? LOG_LVL_ERR : LOG_LVL_DEBUG, "zone %s: %s: %s",
			zone, file, msg);
	else
		log_msg(error ? LOG_LVL_ERR : LOG_LVL_DEBUG,
			"zone %s: %s:%u: %s", zone, file, line, msg);
}

static const struct zsrc *find_old(const struct loader *ld,
				   const uint8_t *origin)
{
	size_t i;

	for (i = 0; i < ld->n; i++)
		if (ld->src[i].zone && name_equal(ld->src[i].origin, origin))
			return &ld->src[i];
	return NULL;
}

/* By identity, not path: after a chroot the path of one file changes. */
static bool same_file(const struct zsrc *o, const struct stat *st)
{
	return o->st.st_ino == st->st_ino &&
	       o->st.st_dev == st->st_dev && o->st.st_size == st->st_size &&
	       o->st.st_mtim.tv_sec == st->st_mtim.tv_sec &&
	       o->st.st_mtim.tv_nsec == st->st_mtim.tv_nsec;
}

static const char *open_path(const struct loader *ld, const char *path)
{
	size_t n = ld->strip ? strlen(ld->strip) : 0;

	if (n && strncmp(path, ld->strip, n) == 0 && path[n] == '/')
		return path + n;
	return path;
}

/* ZONE-DIR/NAME.ext for a zone that takes updates, else NULL. */
static const char *stored_path(const struct config *c,
			       const uint8_t *origin, char *buf, size_t cap,
			       const char *ext)
{
	size_t i;

	for (i = 0; i < c->nupdates; i++)
		if (name_equal(c->updates[i].origin, origin))
			break;
	if (i == c->nupdates || !c->zone_dir)
		return NULL;
	zone_dir_path(buf, cap, c->zone_dir, origin, ext);
	return buf;
}

/* ZONE-DIR/NAME.base for a zone that takes updates, else NULL. */
static const char *base_path(const struct config *c, const uint8_t *origin,
			     char *buf, size_t cap)
{
	return stored_path(c, origin, buf, cap, "base");
}

/* The journal no longer starts from the stored version: from the file. */
static void drop_jbase(const struct config *c, const uint8_t *origin)
{
	char p[4200];

	if (stored_path(c, origin, p, sizeof(p), "jbase"))
		unlink(p);
}

/* A zone that takes updates, whose file changed: the file's difference
 * merged over the updates (updater_merge); when that cannot be, the
 * file wins when its serial is after the served one (the writer then
 * starts the journal again), else the served data stays. */
static int keep_updates(const struct loader *ld, const struct config *c,
			struct zsrc *d, const struct zsrc *old,
			const char *name)
{
	uint32_t was = zdb_zone_serial(old->zone);
	uint32_t now = zdb_zone_serial(d->zone);
	char base[4200];
	struct zdb_zone *m = ld->merge && base_path(c, d->origin, base,
						    sizeof(base)) ?
		ld->merge(ld->merge_arg, base, d->zone, old->zone) : NULL;

	d->dynamic = true;
	if (m) {
		zdb_zone_unref(d->zone);
		d->zone = m;
		return 0;
	}
	if (serial_after(now, was)) {
		log_warn("zone %s: zone file changed with serial %u after the "
			 "served %u: the file replaces the zone, updates not "
			 "in it are gone, the journal is emptied", name, now,
			 was);
		drop_jbase(c, d->origin);
		return 0;
	}
	d->st.st_ino = 0;       /* not taken: looked at again next reload */
	log_err("zone %s: zone file changed but its serial %u is not after "
		"the served %u (updates applied): file ignored; raise the "
		"serial to take it", name, now, was);
	zdb_zone_unref(d->zone);
	zdb_zone_ref(old->zone);
	d->zone = old->zone;
	return 1;
}

/* A zone that takes updates keeps a copy of its file as last loaded
 * in the zone dir: the next changed file is merged by its difference
 * from that copy (on disk, not a second version of the zone in memory).
 * Best effort: without it a changed file is taken whole or not. */
static void keep_base(const struct config *c, const uint8_t *origin,
		      const char *path, const char *name)
{
	char base[4200];
	int ret;

	if (!base_path(c, origin, base, sizeof(base)))
		return;
	ret = zonefile_copy(path, base);
	if (ret < 0)
		log_warn("zone %s: cannot keep a copy of %s as %s (%s): a "
			 "later edit of the file cannot be merged with the "
			 "updates", name, path, base, strerror(errno));
}

/* A file that Landlock keeps from the server: a zone file a reload
 * found outside the folders allowed at start. */
static void landlock_hint(const char *zone, const char *path)
{
	int fd;

	if (!sandbox_fs_active())
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		close(fd);
	else if (errno == EACCES)
		log_err("zone %s: %s is outside the folders the server may "
			"read since it started (Landlock): a restart takes it "
			"in (doc/sandbox.md)", zone, path);
}

/* Fills d for zone z: reused, freshly loaded, or the old data kept. */
static int load_one(struct loader *ld, const struct config *c,
		    const struct cfg_zone *z, struct zsrc *d,
		    struct load_stats *st)
{
	const struct zsrc *old = find_old(ld, z->origin);
	char buf[4096];
	const char *path = open_path(ld, config_zone_path(c, z, buf,
							  sizeof(buf)));
	int ret;

	memcpy(d->origin, z->origin, NAME_MAXLEN);
	d->path = strdup(path);
	if (!d->path)
		return BN_ENOMEM;
	if (ld->only && !name_equal(ld->only, z->origin)) {
		char *p = d->path;
		if (old) {      /* its file's state too: looked at next time */
			*d = *old;
			d->path = p;
			zdb_zone_ref(d->zone);
			st->reused++;
		}
		return 0;
	}
	if (stat(path, &d->st) == 0 && old && same_file(old, &d->st)) {
		zdb_zone_ref(old->zone);
		d->zone = old->zone;
		d->dynamic = old->dynamic;
		st->reused++;
		return 0;
	}
	ret = zonefile_load(&d->zone, z->origin, path, zone_diag, z->name,
			    false);
	if (ret == BN_ENOMEM)
		return ret;
	if (ret == 0 && old && old->dynamic)
		return keep_updates(ld, c, d, old, z->name) ? 0 :
		       (keep_base(c, d->origin, path, z->name), 0);
	if (ret == 0 && old)    /* at start: the writer, after its merge */
		keep_base(c, d->origin, path, z->name);
	if (ret == 0) {
		log_info("zone %s: loaded %zu records, serial %u", z->name,
			 zdb_zone_rr_count(d->zone),
			 zdb_zone_serial(d->zone));
		return 0;
	}
	st->failed++;
	landlock_hint(z->name, path);
	if (old) {
		log_err("zone %s: not loaded, old data kept", z->name);
		zdb_zone_ref(old->zone);
		d->zone = old->zone;
		d->dynamic = old->dynamic;
		d->st = old->st;
		d->st.st_ino = 0;       /* try again next reload */
	} else {
		log_err("zone %s: not loaded, not served", z->name);
	}
	return 0;
}

static void src_free(struct zsrc *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].zone)
			zdb_zone_unref(v[i].zone);
		free(v[i].path);
	}
	free(v);
}

/* The key ring of the snapshot. A key libcrypto cannot use (hmac-md5
 * where MD5 is disabled) is left out, loudly: its queries get BADKEY. */
static int make_keys(struct served *s, const struct config *c)
{
	char name[NAME_TEXT_MAX];
	int ret;

	for (size_t i = 0; i < c->nkeys; i++) {
		ret = tsig_keyring_add(&s->keys, &c->keys[i]);
		if (ret == BN_ENOMEM)
			return ret;
		if (ret < 0) {
			name_to_text(name, sizeof(name), c->keys[i].name);
			log_err("key '%s': %s not available in libcrypto; "
				"key not used", name,
				tsig_alg_text(c->keys[i].alg));
		}
	}
	if (s->keys.n)
		log_info("TSIG keys: %zu", s->keys.n);
	s->conf.keys = &s->keys;
	s->conf.now = tsig_note_clock;
	s->conf.tsig_note = tsig_note_outcome;
	return 0;
}

static int make_rules(struct xfr_rules *r, const struct cfg_xfr *l,
		      size_t n)
{
	char err[CONFIG_ERR_MAX];

	r->acl = calloc(n + 1, sizeof(*r->acl));
	if (!r->acl)
		return BN_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct xfr_acl *a = &r->acl[r->n];

		memcpy(a->origin, l[i].origin, NAME_MAXLEN);
		if (xfr_acl_parse(a, l[i].acl, err) < 0)
			return BN_ENOMEM;
		r->n++;
	}
	return 0;
}

/* Who may transfer and update what (the lists were checked when read). */
static int make_xfr(struct served *s, const struct config *c)
{
	if (make_rules(&s->xfr, c->xfrs, c->nxfrs) < 0 ||
	    make_rules(&s->upd, c->updates, c->nupdates) < 0)
		return BN_ENOMEM;
	s->conf.xfr_allow = xfr_rules_allow;
	s->conf.xfr_arg = &s->xfr;
	return 0;
}

static struct served *make_served(const struct loader *ld,
				  const struct config *c, struct zsrc *v,
				  size_t n, struct load_stats *st)
{
	struct served *s = calloc(1, sizeof(*s));
	size_t i;

	if (!s || !(s->db = zonedb_new())) {
		free(s);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!v[i].zone)
			continue;
		if (zonedb_add(s->db, v[i].zone) < 0) {
			served_free(s);
			return NULL;
		}
		st->zones++;
		st->records += zdb_zone_rr_count(v[i].zone);
	}
	if (ld->catalog && zonedb_add(s->db, ld->catalog) < 0) {
		served_free(s);
		return NULL;
	}
	auth_conf_init(&s->conf);
	s->conf.udp_payload = (uint16_t)c->udp_payload;
	s->conf.minimal = c->minimal;
	identity_apply(&s->conf, c);
	s->conf.xfr_changes = ld->changes;
	s->conf.xfr_changes_arg = ld->changes_arg;
	s->conf.zone_dead = ld->dead;
	s->conf.zone_dead_arg = ld->dead_arg;
	if (make_keys(s, c) < 0 || make_xfr(s, c) < 0) {
		served_free(s);
		return NULL;
	}
	s->xfr.parent = ld->xfr_parent;
	s->xfr.parent_arg = ld->xfr_parent_arg;
	s->tcp_idle = c->tcp_idle;
	s->tcp_max = c->tcp_max;
	s->tcp_per_client = c->tcp_per_client;
	s->udp_coalesce = c->udp_coalesce;
	return s;
}

/* The catalog of the zones this load serves, made again when the set
 * changed. */
static int make_catalog(struct loader *ld, const struct config *c,
			const struct zsrc *v, size_t nv)
{
	const uint8_t **m;
	size_t n = 0;
	int ret;

	if (!c->catalog) {
		zdb_zone_unref(ld->catalog);
		ld->catalog = NULL;
		return 0;
	}
	m = calloc(nv + 1, sizeof(*m));
	if (!m)
		return BN_ENOMEM;
	for (size_t i = 0; i < nv; i++)
		if (v[i].zone)
			m[n++] = v[i].origin;
	if (ld->catalog && !name_equal(zdb_zone_origin(ld->catalog),
				       c->catalog_origin)) {
		zdb_zone_unref(ld->catalog);
		ld->catalog = NULL;
	}
	ret = catalog_update(&ld->catalog, c->catalog_origin, m, n);
	if (ret > 0)
		log_info("catalog %s: %zu zones, serial %u", c->catalog, n,
			 zdb_zone_serial(ld->catalog));
	free(m);
	return ret < 0 ? ret : 0;
}

/* A secondary zone has no file: the version the refresher last
 * published carries over (none yet: not served). */
static void keep_secondary(const struct loader *ld,
			   const struct cfg_secondary *z, struct zsrc *d,
			   struct load_stats *st)
{
	const struct zsrc *old = find_old(ld, z->origin);

	memcpy(d->origin, z->origin, NAME_MAXLEN);
	d->secondary = true;
	if (old && old->secondary) {
		zdb_zone_ref(old->zone);
		d->zone = old->zone;
		st->reused++;
	}
}

/* A zone from the database: the version the writer last published,
 * else (the first run) the one loaded at start. */
static void keep_db(struct loader *ld, size_t i, struct zsrc *d,
		    struct load_stats *st)
{
	const struct zsrc *old = find_old(ld, ld->db_origin[i]);

	memcpy(d->origin, ld->db_origin[i], NAME_MAXLEN);
	d->db = true;
	if (old && old->db) {
		zdb_zone_ref(old->zone);
		d->zone = old->zone;
		st->reused++;
	} else if (ld->db_first && ld->db_first[i]) {
		d->zone = ld->db_first[i];
		ld->db_first[i] = NULL;
	}
}

static bool in_config(const struct config *c, const uint8_t *origin)
{
	for (size_t i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, origin))
			return true;
	return config_secondary(c, origin) != NULL;
}

/* The catalog members carry over as they are (the refresher's), and
 * after the first run the database's zones (the watcher's: some added
 * or removed since the start). */
static size_t keep_members(const struct loader *ld, const struct config *c,
			   struct zsrc *v, struct load_stats *st)
{
	size_t n = 0;

	for (size_t i = 0; v && i < ld->n; i++) {
		const struct zsrc *o = &ld->src[i];
		if (!(o->member && !in_config(c, o->origin)) &&
		    !(o->db && ld->ran))
			continue;
		memcpy(v[n].origin, o->origin, NAME_MAXLEN);
		v[n].secondary = v[n].member = o->member;
		v[n].db = o->db;
		if (o->zone) {
			zdb_zone_ref(o->zone);
			v[n].zone = o->zone;
			st->reused++;
		}
		n++;
	}
	return n;
}

int loader_run(struct loader *ld, const struct config *c,
	       struct served **out, struct load_stats *st)
{
	size_t ndb = ld->ran ? 0 : ld->ndb;
	size_t n = c->nzones + c->nsecondaries + ndb;
	struct zsrc *v = calloc(n + ld->n + 1, sizeof(*v));
	struct timespec t0, t1;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!v)
		return BN_ENOMEM;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < c->nzones; i++) {
		if (load_one(ld, c, &c->zones[i], &v[i], st) < 0) {
			src_free(v, i + 1);
			return BN_ENOMEM;
		}
	}
	for (i = 0; i < c->nsecondaries; i++)
		keep_secondary(ld, &c->secondaries[i], &v[c->nzones + i], st);
	for (i = 0; i < ndb; i++)
		keep_db(ld, i, &v[c->nzones + c->nsecondaries + i], st);
	n += keep_members(ld, c, v + n, st);
	if (make_catalog(ld, c, v, n) < 0) {
		src_free(v, n);
		return BN_ENOMEM;
	}
	*out = make_served(ld, c, v, n, st);
	if (!*out) {
		src_free(v, n);
		return BN_ENOMEM;
	}
	src_free(ld->src, ld->n);
	ld->src = v;
	ld->n = n;
	ld->ran = true;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	st->seconds = (t1.tv_sec - t0.tv_sec) +
		      (t1.tv_nsec - t0.tv_nsec) / 1e9;
	return 0;
}

void loader_clear(struct loader *ld)
{
	zdb_zone_unref(ld->catalog);
	ld->catalog = NULL;
	src_free(ld->src, ld->n);
	ld->src = NULL;
	ld->n = 0;
}

void served_free(struct served *s)
{
	if (!s)
		return;
	zonedb_free(s->db);
	if (!s->moved) {
		tsig_keyring_clear(&s->keys);
		xfr_rules_clear(&s->xfr);
		xfr_rules_clear(&s->upd);
	}
	free(s);
}

void served_publish(struct served **slot, struct served *s)
{
	struct served *old = rcu_xchg_pointer(slot, s);

	synchronize_rcu();
	served_free(old);
}

/* cur's zones but the one of origin drop (NULL: none), then v's in
 * place of (or next to) them. */
static struct served *remade(struct served *cur, struct zdb_zone *const *v,
			     size_t n, const uint8_t *drop)
{
	struct served *s = malloc(sizeof(*s));
	int ret = 0;

	if (!s)
		return NULL;
	*s = *cur;
	s->db = zonedb_new();
	for (size_t i = 0; s->db && ret == 0 && i < zonedb_count(cur->db);
	     i++) {
		struct zdb_zone *z = zonedb_at(cur->db, i);
		if (!drop || !name_equal(zdb_zone_origin(z), drop))
			ret = zonedb_add(s->db, z);
	}
	for (size_t i = 0; s->db && ret == 0 && i < n; i++)
		ret = zonedb_add(s->db, v[i]);
	if (ret < 0) {
		zonedb_free(s->db);
		s->db = NULL;
	}
	if (!s->db) {
		free(s);
		return NULL;
	}
	s->moved = false;
	s->conf.keys = &s->keys;
	s->conf.xfr_arg = &s->xfr;
	cur->moved = true;
	return s;
}

struct served *served_replace(struct served *cur, struct zdb_zone *const *v,
			      size_t n)
{
	return remade(cur, v, n, NULL);
}

struct served *served_drop(struct served *cur, const uint8_t *origin)
{
	return remade(cur, NULL, 0, origin);
}

void loader_drop_zone(struct loader *ld, const uint8_t *origin)
{
	for (size_t i = 0; i < ld->n; i++) {
		struct zsrc *d = &ld->src[i];
		if (d->secondary && d->zone && name_equal(d->origin, origin)) {
			zdb_zone_unref(d->zone);
			d->zone = NULL;
		}
	}
}

void loader_set_zone(struct loader *ld, struct zdb_zone *v)
{
	for (size_t i = 0; i < ld->n; i++) {
		struct zsrc *d = &ld->src[i];
		if ((!d->zone && !d->secondary && !d->db) ||
		    !name_equal(d->origin, zdb_zone_origin(v)))
			continue;
		zdb_zone_ref(v);
		zdb_zone_unref(d->zone);
		d->zone = v;
		d->dynamic = true;
	}
}

enum loader_kind loader_kind_of(const struct loader *ld,
				const uint8_t *origin)
{
	for (size_t i = 0; i < ld->n; i++) {
		const struct zsrc *d = &ld->src[i];
		if (name_equal(d->origin, origin))
			return d->member ? LOADER_MEMBER : d->secondary ?
			       LOADER_SECONDARY : d->db ? LOADER_DB :
			       LOADER_FILE;
	}
	return LOADER_NONE;
}

/* A zone known from now on, not from the config: a catalog member
 * (secondary) or a zone of the database. */
static int add_src(struct loader *ld, const uint8_t *origin, bool member)
{
	struct zsrc *v;

	for (size_t i = 0; i < ld->n; i++)
		if (name_equal(ld->src[i].origin, origin))
			return 0;
	v = realloc(ld->src, (ld->n + 1) * sizeof(*v));
	if (!v)
		return BN_ENOMEM;
	ld->src = v;
	memset(&v[ld->n], 0, sizeof(*v));
	memcpy(v[ld->n].origin, origin, NAME_MAXLEN);
	v[ld->n].secondary = v[ld->n].member = member;
	v[ld->n].db = !member;
	ld->n++;
	return 0;
}

int loader_add_member(struct loader *ld, const uint8_t *origin)
{
	return add_src(ld, origin, true);
}

int loader_add_db(struct loader *ld, const uint8_t *origin)
{
	return add_src(ld, origin, false);
}

static void remove_src(struct loader *ld, const uint8_t *origin, bool member)
{
	for (size_t i = 0; i < ld->n; i++) {
		struct zsrc *d = &ld->src[i];
		if (!(member ? d->member : d->db) ||
		    !name_equal(d->origin, origin))
			continue;
		if (d->zone)
			zdb_zone_unref(d->zone);
		free(d->path);
		memmove(d, d + 1, (ld->n - i - 1) * sizeof(*d));
		ld->n--;
		return;
	}
}

void loader_remove_member(struct loader *ld, const uint8_t *origin)
{
	remove_src(ld, origin, true);
}

void loader_remove_db(struct loader *ld, const uint8_t *origin)
{
	remove_src(ld, origin, false);
}
