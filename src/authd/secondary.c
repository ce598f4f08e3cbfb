/* The refresher of the secondary zones: one thread, one timer per zone
 * from its SOA (refresh after a success, retry after a failure, expire
 * when no refresh succeeded for that long: RFC 1034 4.3.5), woken early
 * by a NOTIFY (RFC 1996). A refresh asks each primary in turn for its
 * SOA; a later serial (RFC 1982) brings an IXFR, or an AXFR when the
 * IXFR does not apply; the new version is stored, then published under
 * the publish lock as the writer does. The old one serves until then. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "authd/journal_ixfr.h"
#include "authd/notify.h"
#include "authd/secondary_int.h"
#include "base/error.h"
#include "daemon/log.h"

#define NODATA_RETRY_MAX 300    /* seconds between tries before any data */

/* How long the spines of a replaced version are kept for the next IXFR
 * (zdb_spare.c): one zone's worth of memory for that long. */
#define SEC_SPARE_SECONDS 10

static time_t mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* Whether the loader still holds z as the refresher knows it: a reload
 * (its loader run before the refresher takes the new config) may have
 * dropped it or given its name to a zone file. Under the publish lock. */
static bool still_ours(const struct secondary *s, const struct sec_zone *z)
{
	enum loader_kind k = loader_kind_of(s->ld, z->origin);

	return z->member ? k == LOADER_MEMBER || k == LOADER_NONE :
	       k == LOADER_SECONDARY;
}

void sec_publish(struct secondary *s, struct sec_zone *z,
		 struct zdb_zone *v, bool gone)
{
	struct served *ns, *old = NULL;

	pthread_mutex_lock(s->publish);
	if (!still_ours(s, z)) {
		pthread_mutex_unlock(s->publish);
		log_info("zone %s: no longer this secondary in the config: "
			 "not %s", z->name, v ? "published" : "dropped");
		return;
	}
	if (v && z->member && loader_add_member(s->ld, z->origin) < 0)
		log_err("zone %s: out of memory: a reload will not keep it",
			z->name);
	ns = v ? served_replace(*s->cur, &v, 1) : served_drop(*s->cur,
							       z->origin);
	if (ns) {
		if (v)
			loader_set_zone(s->ld, v);
		else if (gone)
			loader_remove_member(s->ld, z->origin);
		else
			loader_drop_zone(s->ld, z->origin);
		old = s->running ? rcu_xchg_pointer(s->cur, ns) : *s->cur;
		if (!s->running)
			*s->cur = ns;
	} else {
		log_err("zone %s: out of memory publishing", z->name);
	}
	pthread_mutex_unlock(s->publish);
	if (old && s->running)
		synchronize_rcu();
	served_free(old);
}

static void set_timers(struct secondary *s, struct sec_zone *z, bool ok,
		       const char *err)
{
	time_t now = mono();
	uint32_t wait;

	if (!z->v)
		wait = z->fails < 6 ? 5u << z->fails : NODATA_RETRY_MAX;
	else
		wait = sec_soa_timer(z->v, ok ? 1 : 2);
	if (wait < 1)
		wait = 1;
	pthread_mutex_lock(&s->mu);
	z->next = now + wait;
	z->next_wall = time(NULL) + wait;
	if (ok) {
		z->expire_at = now + sec_soa_timer(z->v, 3);
		z->last_ok = time(NULL);
		z->fails = 0;
		z->last_err[0] = '\0';
		z->serial = zdb_zone_serial(z->v);
	} else {
		z->fails++;
		snprintf(z->last_err, sizeof(z->last_err), "%s", err);
	}
	pthread_mutex_unlock(&s->mu);
}

/* The changes merged and applied to z->v in one version: 0 with *out,
 * or the error (the IXFR does not apply: AXFR instead). */
static int apply(struct sec_zone *z, const struct sec_result *r,
		 struct zdb_zone **out)
{
	struct zmerge m;
	struct zchange c;
	int ret = 0;

	*out = NULL;
	if (!r->nchg) {
		zdb_zone_ref(z->v);
		*out = z->v;
		return 0;
	}
	zmerge_init(&m);
	zchange_init(&c);
	for (size_t i = 0; ret == 0 && i < r->nchg; i++)
		ret = zmerge_add(&m, &r->chg[i]);
	if (ret == 0)
		ret = zmerge_finish(&m, &c);
	/* IXFRs often come in runs: the next version reuses this one's
	 * spine if it comes soon (SEC_SPARE_SECONDS) */
	zdb_zone_keep_spares(z->v, true);
	if (ret == 0)
		ret = zdb_zone_patch(out, z->v, &c);
	zchange_clear(&c);
	zmerge_clear(&m);
	return ret;
}

/* A transfer from p, applied; the new version in *out (NULL: nothing
 * new). 0, or -1 with why. */
static int fetch(struct sec_zone *z, const struct sec_peer *p,
		 struct sec_result *r, struct zdb_zone **out, char *why,
		 size_t cap)
{
	int ret = sec_transfer(z, p, z->v, r, why, cap);

	*out = NULL;
	if (ret < 0 || r->uptodate)
		return ret;
	if (r->zone) {
		zdb_zone_ref(r->zone);
		*out = r->zone;
	} else if ((ret = apply(z, r, out)) < 0) {
		log_info("zone %s: IXFR from %s does not apply (%s): AXFR "
			 "instead", z->name, p->text, bn_strerror(ret));
		sec_result_clear(r);
		ret = sec_transfer(z, p, NULL, r, why, cap);
		if (ret < 0)
			return ret;
		zdb_zone_ref(r->zone);
		*out = r->zone;
	}
	if (z->v && !serial_after(zdb_zone_serial(*out), z->serial)) {
		snprintf(why, cap, "transferred serial %u is not after ours "
			 "%u: dropped", zdb_zone_serial(*out), z->serial);
		zdb_zone_unref(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The records IXFRs replaced, kept alive by the versions' chain (see
 * doc/design/zone-changes.md), dropped by building the zone whole
 * again once they pass a quarter of it: the same records, served. */
static void compact(struct secondary *s, struct sec_zone *z)
{
	struct zdb_zone *c;
	size_t dead = zdb_zone_dead(z->v);

	if (!zdb_zone_compact_due(z->v) || zdb_zone_compact(&c, z->v) < 0)
		return;
	zdb_zone_unref(z->v);
	z->v = c;
	sec_publish(s, z, c, false);
	log_info("zone %s: compacted (%zu bytes of old records freed)",
		 z->name, dead);
}

/* One primary: 0 when the zone is now current with it. */
static int try_primary(struct secondary *s, struct sec_zone *z,
		       const struct sec_peer *p, char *why, size_t cap)
{
	struct sec_result r;
	struct zdb_zone *v;
	uint32_t serial;

	if (z->v) {
		if (sec_soa_query(z, p, &serial, why, cap) < 0)
			return -1;
		if (!serial_after(serial, z->serial)) {
			if (serial != z->serial)
				log_warn("zone %s: primary %s serves serial "
					 "%u, not after ours %u: ignored",
					 z->name, p->text, serial, z->serial);
			return 0;
		}
	}
	if (fetch(z, p, &r, &v, why, cap) < 0) {
		sec_result_clear(&r);
		return -1;
	}
	if (v) {
		/* served first, stored after: no client waits on the disk
		 * (a crash in between costs a transfer at the restart);
		 * NOTIFY last, so that the journal can answer the IXFR */
		zdb_zone_unref(z->v);
		z->v = v;
		z->serial = zdb_zone_serial(v);
		sec_publish(s, z, v, false);
		atomic_store(&z->dead, false);
		sec_store_save(z, v, &r, s->journal_max);
		log_info("zone %s: %s from %s%s: serial %u, %zu messages, "
			 "%zu records", z->name, r.zone ? "AXFR" : "IXFR",
			 p->text, p->key ? " (TSIG)" : "", zdb_zone_serial(v),
			 r.nmsg, r.nrr);
		z->trim_at = r.zone ? 0 : mono() + SEC_SPARE_SECONDS;
		z->cat_changed = z->catalog;
		notify_zone(s->notify, z->origin);      /* downstream */
		compact(s, z);
	}
	sec_result_clear(&r);
	return 0;
}

/* The zone's key, copied (the ring may change under a reload). */
static int take_key(struct secondary *s, struct sec_zone *z,
		    struct tsig_key *k)
{
	const struct tsig_key *rk;
	int ret = -1;

	pthread_mutex_lock(s->publish);
	rk = tsig_keyring_find(&(*s->cur)->keys, z->key);
	if (rk)
		ret = tsig_key_copy(k, rk);
	pthread_mutex_unlock(s->publish);
	return ret;
}

static void refresh(struct secondary *s, struct sec_zone *z)
{
	struct tsig_key key = { 0 };
	char why[400] = "no primary", all[256] = "";
	bool ok = false;

	if (z->keyed && take_key(s, z, &key) < 0) {
		snprintf(all, sizeof(all), "its key is not in the key ring");
		log_err("zone %s: refresh: %s", z->name, all);
		set_timers(s, z, false, all);
		return;
	}
	for (size_t i = 0; i < z->nprimary && !ok; i++) {
		struct sec_peer p = {
			(const struct sockaddr *)&z->primary[i].sa,
			z->primary[i].salen, z->primary[i].text,
			z->keyed ? &key : NULL };
		ok = try_primary(s, z, &p, why, sizeof(why)) == 0;
		if (!ok) {
			log_warn("zone %s: refresh from %s failed: %s",
				 z->name, p.text, why);
			snprintf(all, sizeof(all), "%s: %.200s", p.text, why);
		}
	}
	if (z->keyed)
		tsig_key_clear(&key);
	if (ok && atomic_load(&z->dead) && z->v) {
		sec_publish(s, z, z->v, false);
		atomic_store(&z->dead, false);
		log_info("zone %s: served again, serial %u", z->name,
			 z->serial);
	}
	set_timers(s, z, ok && z->v, all);
	log_msg(ok ? LOG_LVL_INFO : LOG_LVL_WARN, "zone %s: refresh %s, "
		"serial %u, next refresh in %ld s", z->name, ok ? "done" :
		"failed", z->serial, (long)(z->next - mono()));
}

static void expire(struct secondary *s, struct sec_zone *z)
{
	log_err("zone %s: expired: no successful refresh for %u s (SOA "
		"expire); answering SERVFAIL until a transfer succeeds",
		z->name, sec_soa_timer(z->v, 3));
	atomic_store(&z->dead, true);
	sec_publish(s, z, NULL, false);
}

/* The catalogs that got a new version: their members followed. true
 * when one did (the list changed: new members are due at once). */
static bool sync_catalogs(struct secondary *s)
{
	bool any = false;

	for (size_t i = 0; i < s->list->n; i++) {
		struct sec_zone *z = s->list->z[i];
		if (!z->catalog || !z->cat_changed)
			continue;
		z->cat_changed = false;
		sec_catalog_sync(s, z);
		any = true;
		i = (size_t)-1;         /* the list was replaced: again */
	}
	return any;
}

/* What is due now; the next moment something is. */
static time_t run_due(struct secondary *s)
{
	const struct sec_list *l = s->list;
	time_t now = mono(), wake = now + 3600;

	for (size_t i = 0; i < l->n; i++) {
		struct sec_zone *z = l->z[i];
		if (atomic_exchange(&z->notified, false) || now >= z->next) {
			refresh(s, z);
			now = mono();
		}
		if (z->v && !atomic_load(&z->dead) && now >= z->expire_at)
			expire(s, z);
		if (z->trim_at && now >= z->trim_at) {
			zdb_zone_keep_spares(z->v, false);
			z->trim_at = 0;
		}
		if (z->trim_at && z->trim_at < wake)
			wake = z->trim_at;
		if (z->next < wake)
			wake = z->next;
		if (z->v && !atomic_load(&z->dead) && z->expire_at < wake)
			wake = z->expire_at;
	}
	return sync_catalogs(s) ? mono() : wake;
}

static bool any_notified(const struct secondary *s)
{
	for (size_t i = 0; i < s->list->n; i++)
		if (atomic_load(&s->list->z[i]->notified))
			return true;
	return false;
}

static void *loop(void *arg)
{
	struct secondary *s = arg;

	for (;;) {
		struct sec_want *w;
		time_t wake;
		struct timespec ts;

		pthread_mutex_lock(&s->mu);
		w = s->want;
		s->want = NULL;
		pthread_mutex_unlock(&s->mu);
		if (w)
			sec_reload_apply(s, w);
		wake = run_due(s);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += wake > mono() ? wake - mono() : 0;
		pthread_mutex_lock(&s->mu);
		while (!s->stop && !s->want && !any_notified(s) &&
		       mono() < wake &&
		       pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0)
			;
		if (s->stop) {
			pthread_mutex_unlock(&s->mu);
			return NULL;
		}
		pthread_mutex_unlock(&s->mu);
	}
}

int sec_zone_open(struct secondary *s, struct sec_zone *z, const char *dir)
{
	name_to_text(z->name, sizeof(z->name), z->origin);
	atomic_init(&z->dead, true);
	atomic_init(&z->notified, false);
	if (sec_store_open(z, dir) < 0)
		return -1;
	z->next = mono();
	if (!z->v)
		return 0;
	long age = sec_store_age(z, time(NULL));
	z->serial = zdb_zone_serial(z->v);
	z->expire_at = mono() + (long)sec_soa_timer(z->v, 3) - age;
	if (age >= (long)sec_soa_timer(z->v, 3)) {
		log_err("zone %s: stored copy is %ld s old, past its SOA "
			"expire: not served until a transfer succeeds",
			z->name, age);
		return 0;
	}
	atomic_store(&z->dead, false);
	sec_publish(s, z, z->v, false);
	return 0;
}

struct sec_zone *sec_zone_new(struct secondary *s,
			      const struct cfg_secondary *c)
{
	struct sec_zone *z = calloc(1, sizeof(*z));

	if (!z)
		return NULL;
	memcpy(z->origin, c->origin, NAME_MAXLEN);
	memcpy(z->primary, c->primary, sizeof(z->primary));
	z->nprimary = c->nprimary;
	z->keyed = c->keyed;
	memcpy(z->key, c->key, NAME_MAXLEN);
	z->catalog = c->catalog;
	if (sec_zone_open(s, z, s->dir) < 0) {
		free(z);
		return NULL;
	}
	return z;
}

/* The zones of the config, which catalog members never replace. */
static int keep_conf(struct secondary *s, const struct config *c)
{
	s->conf = calloc(c->nzones + c->nsecondaries + 1, sizeof(*s->conf));
	s->dir = strdup(c->zone_dir ? c->zone_dir : ".");
	if (!s->conf || !s->dir)
		return -1;
	for (size_t i = 0; i < c->nzones; i++)
		memcpy(s->conf[s->nconf++], c->zones[i].origin, NAME_MAXLEN);
	for (size_t i = 0; i < c->nsecondaries; i++)
		memcpy(s->conf[s->nconf++], c->secondaries[i].origin,
		       NAME_MAXLEN);
	return 0;
}

int secondary_open(struct secondary *s, const struct config *c,
		   struct served **cur, pthread_mutex_t *publish,
		   struct loader *ld)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	s->cur = cur;
	s->publish = publish;
	s->ld = ld;
	s->journal_max = (size_t)c->journal_max;
	loglimit_init(&s->notify_log, 60, 10);
	s->list = calloc(1, sizeof(*s->list) +
			 c->nsecondaries * sizeof(s->list->z[0]));
	if (!s->list || keep_conf(s, c) < 0)
		return -1;
	/* set without secondaries too: a reload may add some */
	ld->dead = (*cur)->conf.zone_dead = secondary_dead;
	ld->dead_arg = (*cur)->conf.zone_dead_arg = s;
	ld->xfr_parent = (*cur)->xfr.parent = secondary_catalog_of;
	ld->xfr_parent_arg = (*cur)->xfr.parent_arg = s;
	if (!c->nsecondaries)
		return 0;
	atomic_store(&s->any, true);
	for (size_t i = 0; i < c->nsecondaries; i++) {
		struct sec_zone *z = sec_zone_new(s, &c->secondaries[i]);
		if (!z)
			return -1;
		s->list->z[s->list->n++] = z;
	}
	/* the members of the stored catalogs are served at once too */
	for (size_t i = 0; i < c->nsecondaries; i++)
		if (s->list->z[i]->catalog && s->list->z[i]->v)
			sec_catalog_sync(s, s->list->z[i]);
	return 0;
}

int secondary_start(struct secondary *s)
{
	if (!atomic_load(&s->any))
		return 0;
	s->running = true;      /* publish() swaps with RCU from now */
	if (pthread_create(&s->th, NULL, loop, s) != 0) {
		s->running = false;
		log_err("cannot start the secondary refresher thread");
		return -1;
	}
	return 0;
}

void secondary_stop(struct secondary *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->th, NULL);
	s->running = false;
}

void secondary_clear(struct secondary *s)
{
	secondary_stop(s);
	for (size_t i = 0; s->list && i < s->list->n; i++) {
		journal_close(s->list->z[i]->j);
		zdb_zone_unref(s->list->z[i]->v);
		free(s->list->z[i]);
	}
	free(s->list);
	free(s->conf);
	free(s->dir);
	sec_want_free(s->want);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	memset(s, 0, sizeof(*s));
}

bool secondary_dead(void *arg, const uint8_t *qname)
{
	const struct secondary *s = arg;
	const struct sec_list *l = rcu_dereference(s->list);

	for (size_t i = 0; i < l->n; i++)
		if (atomic_load_explicit(&l->z[i]->dead, memory_order_relaxed) &&
		    name_is_subdomain(qname, l->z[i]->origin))
			return true;
	return false;
}

int secondary_ixfr_changes(void *arg, const struct zdb_zone *v,
			   uint32_t from, struct auth_xfr_changes *out)
{
	const struct secondary *s = arg;
	const struct sec_list *l = rcu_dereference(s->list);
	const uint8_t *origin = zdb_zone_origin(v);

	for (size_t i = 0; l && i < l->n; i++)
		if (name_equal(l->z[i]->origin, origin))
			return journal_ixfr_changes(l->z[i]->j, v, from, out);
	return BN_ENOTFOUND;
}

const uint8_t *secondary_catalog_of(void *arg, const uint8_t *origin)
{
	const struct secondary *s = arg;
	const struct sec_list *l = rcu_dereference(s->list);

	for (size_t i = 0; i < l->n; i++)
		if (l->z[i]->member && name_equal(l->z[i]->origin, origin))
			return l->z[i]->member_of;
	return NULL;
}

void secondary_log_stats(struct secondary *s)
{
	char last[32], next[32];

	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->list->n; i++) {
		struct sec_zone *z = s->list->z[i];
		char of[NAME_TEXT_MAX + 16] = "";
		struct tm tm;
		if (z->member)
			snprintf(of, sizeof(of), " (member of %s)",
				 z->member_of_name);
		strcpy(last, "never");
		if (z->last_ok && gmtime_r(&z->last_ok, &tm))
			strftime(last, sizeof(last), "%Y-%m-%dT%H:%M:%SZ", &tm);
		next[0] = '\0';
		if (gmtime_r(&z->next_wall, &tm))
			strftime(next, sizeof(next), "%Y-%m-%dT%H:%M:%SZ", &tm);
		log_info("stats: secondary %s%s%s: %s, serial %u, last refresh "
			 "%s, next try %s, %u failures in a row%s%s", z->name,
			 z->catalog ? " (catalog)" : "", of, atomic_load(&z->dead) ? "NOT SERVED" : "served",
			 z->serial, last, next, z->fails,
			 z->last_err[0] ? "; last error: " : "", z->last_err);
	}
	pthread_mutex_unlock(&s->mu);
}
