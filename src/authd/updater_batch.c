/* One batch of the writer: each UPDATE checked (zone, TSIG, access
 * list), applied to the zone's head version and appended to its journal;
 * then the journals synced once, the heads published once, and only
 * then the answers sent. A change that could not be made durable is
 * answered SERVFAIL and never published. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/answer.h"
#include "authd/notify.h"
#include "authd/tsig_note.h"
#include "authd/updater_int.h"
#include "authd/zone_dir.h"
#include "backend/zonefile_write.h"
#include "base/error.h"
#include "daemon/log.h"
#include "update/update.h"
#include "wire/rrtype.h"

/* The head of each zone changed in this batch. */
struct head {
	struct upd_zone *uz;
	struct zdb_zone *v;             /* one reference */
	bool synced_ok;
};

struct batch {
	struct updater *u;
	const struct served *cur;
	struct head *h;
	size_t nh;
	struct upd_zone **touched;      /* changed in this batch */
	size_t ntouched;
	size_t cap;                     /* of h and touched: the zones */
	uint8_t (*drops)[NAME_MAXLEN];  /* zones removed in this batch */
	size_t ndrops, capdrops;
	struct msg_rr rr[MSG_MAXLEN / 11];
};

struct why {
	char zone[NAME_TEXT_MAX];
	char peer[INET6_ADDRSTRLEN + 8];
	char key[NAME_TEXT_MAX];
	char text[400];
};

static struct head *head_of(struct batch *b, struct upd_zone *uz)
{
	for (size_t i = 0; i < b->nh; i++)
		if (b->h[i].uz == uz)
			return &b->h[i];
	return NULL;
}

/* The version the next change applies to: this batch's head, or the
 * one being served. */
static const struct zdb_zone *version(struct batch *b, struct upd_zone *uz,
				      const struct zdb_zone *served)
{
	struct head *h = head_of(b, uz);

	return h ? h->v : served;
}

static int set_head(struct batch *b, struct upd_zone *uz,
		    struct zdb_zone *v)
{
	struct head *h = head_of(b, uz);

	if (!h) {
		h = &b->h[b->nh++];
		h->uz = uz;
		h->v = NULL;
	}
	zdb_zone_unref(h->v);
	h->v = v;
	return 0;
}

/* TSIG and the zone's access list. false: refused (why->text says). */
static bool allowed(struct batch *b, struct upd_req *r, const struct msg *m,
		    const uint8_t *origin, struct why *w)
{
	const struct xfr_acl *a = xfr_rules_find(&b->cur->upd, origin);
	const struct tsig_key *key = NULL;
	struct tsig_check c;

	if (m->has_tsig) {
		size_t off = m->rr[m->rr_count - 1].owner_off;
		tsig_verify_request(&c, b->cur->conf.keys, r->pkt, r->len, off,
				    tsig_note_clock());
		if (c.status != TSIG_OK) {
			tsig_check_text(&c, w->text, sizeof(w->text));
			return false;
		}
		key = c.key;
		name_to_text(w->key, sizeof(w->key), key->name);
	}
	if (a && xfr_acl_allows(a, (const struct sockaddr *)&r->peer, key))
		return true;
	snprintf(w->text, sizeof(w->text), "%s", !a ?
		 "no allow-update for the zone" : key ?
		 "neither the address nor the key is allowed" :
		 "address not allowed (and the request not signed by an "
		 "allowed key)");
	return false;
}

/* The zone's pending changes made a version of this batch. */
static void make_version(struct batch *b, struct upd_zone *uz,
			 const struct zdb_zone *base)
{
	struct zdb_zone *v = upd_pend_make(uz, base);

	if (v)
		set_head(b, uz, v);
}

/* The journal ends where the zone is (its tip): after a reload took a
 * changed zone file over the updates, it starts again. */
static void journal_follows(struct upd_zone *uz, uint32_t at)
{
	if (!journal_count(uz->j) || journal_last(uz->j) == at)
		return;
	log_warn("update %s: journal ends at serial %u, the zone is at %u "
		 "(zone file reloaded): journal emptied", uz->name,
		 journal_last(uz->j), at);
	journal_reset(uz->j);
}

static void mark_touched(struct batch *b, struct upd_zone *uz)
{
	if (!uz->touched) {
		uz->touched = true;
		b->touched[b->ntouched++] = uz;
	}
}

/* A database zone's change: written into the database (durable there:
 * the journal serves IXFR only), then journaled and made a version at
 * once, so that the watcher, which sees the rows change, finds it served.
 */
static uint16_t commit_db(struct batch *b, struct upd_req *r,
			  const struct zdb_zone *base, struct zchange *c,
			  struct why *w)
{
	struct upd_zone *uz = r->uz;
	struct updater *u = b->u;
	char why[300];
	int ret = u->db_write ? u->db_write(u->db_arg, uz->origin, c, why,
					    sizeof(why)) : BN_EINVAL;

	if (ret < 0) {
		snprintf(w->text, sizeof(w->text), "not written to the "
			 "database: %s", u->db_write ? why : "no database");
		return RCODE_SERVFAIL;
	}
	ret = journal_append(uz->j, c);
	if (ret == 0)
		ret = upd_pend_add(uz, c);
	if (ret < 0)
		log_warn("update %s: in the database, not in its journal (%s): "
			 "served when the watcher reads it", uz->name,
			 bn_strerror(ret));
	r->changed = ret == 0;
	mark_touched(b, uz);
	if (ret == 0)
		make_version(b, uz, base);
	snprintf(w->text, sizeof(w->text), "%zu removed, %zu added, serial "
		 "%u, in the database", c->ndel, c->nadd, zchange_to(c));
	return RCODE_NOERROR;
}

/* The change journaled (made durable with the batch) and pending; a
 * change at the apex is made a version at once. */
static uint16_t commit(struct batch *b, struct upd_req *r,
		       const struct zdb_zone *base, struct zchange *c,
		       struct why *w)
{
	struct upd_zone *uz = r->uz;
	int ret;

	journal_follows(uz, uz->npend ? uz->tip : zdb_zone_serial(base));
	ret = upd_pend_restamp(uz, c);
	if (ret == 0 && uz->db)
		return commit_db(b, r, base, c, w);
	if (ret == 0)
		ret = journal_append(uz->j, c);
	if (ret == 0)
		ret = upd_pend_add(uz, c);
	if (ret < 0) {
		snprintf(w->text, sizeof(w->text), "change not made: %s",
			 bn_strerror(ret));
		return RCODE_SERVFAIL;
	}
	r->changed = true;
	mark_touched(b, uz);
	if (upd_pend_touches_apex(uz, c))
		make_version(b, uz, base);
	snprintf(w->text, sizeof(w->text), "%zu removed, %zu added, serial "
		 "%u", c->ndel, c->nadd, zchange_to(c));
	return RCODE_NOERROR;
}

/* One request's rcode; w says why, for the log. */
static uint16_t one(struct batch *b, struct upd_req *r, struct why *w)
{
	struct upd_zone **uzp = &r->uz;
	struct msg m;
	uint8_t origin[NAME_MAXLEN];
	const struct zdb_zone *z, *served;
	struct update_info info;
	struct zchange c;
	uint16_t rc;

	if (msg_parse(&m, r->pkt, r->len, b->rr, sizeof(b->rr) /
		      sizeof(b->rr[0])) < 0 || m.hdr.count[MSG_QUESTION] != 1 ||
	    msg_rr_owner(&m, &m.rr[0], origin) < 0) {
		snprintf(w->text, sizeof(w->text), "malformed message");
		return RCODE_FORMERR;
	}
	name_to_text(w->zone, sizeof(w->zone), origin);
	served = zonedb_get(b->cur->db, origin);
	if (!served) {
		snprintf(w->text, sizeof(w->text), "zone not served here");
		return RCODE_NOTAUTH;
	}
	*uzp = updater_zone(b->u, origin);
	if (!*uzp || !allowed(b, r, &m, origin, w)) {
		if (!*uzp)
			snprintf(w->text, sizeof(w->text), "%s",
				 "no allow-update for the zone");
		return RCODE_REFUSED;
	}
	z = version(b, *uzp, served);
	/* it must see the pending changes it reads */
	if (upd_pend_conflicts(*uzp, &m)) {
		make_version(b, *uzp, z);
		z = version(b, *uzp, served);
	}
	zchange_init(&c);
	rc = update_apply(z, &m, &c, &info);
	snprintf(w->text, sizeof(w->text), "%s", info.text[0] ? info.text :
		 "no change");
	if (rc == RCODE_NOERROR && update_changed(&c))
		rc = commit(b, r, z, &c, w);
	zchange_clear(&c);
	return rc;
}

/* A ready-made change (updater_change): tried on the head first, so
 * that the journal never holds a change that does not apply, then
 * journaled, and its version made at once. */
static uint16_t one_change(struct batch *b, struct upd_req *r)
{
	const struct zdb_zone *served = zonedb_get(b->cur->db, r->origin);
	struct upd_zone *uz = updater_zone(b->u, r->origin);
	const struct zdb_zone *z;
	struct zdb_zone *next = NULL;

	if (!uz || !served || !uz->j) {
		r->err = BN_EINVAL;
		return RCODE_SERVFAIL;
	}
	r->uz = uz;
	z = version(b, uz, served);
	if (uz->npend) {
		make_version(b, uz, z);
		z = version(b, uz, served);
	}
	r->err = zchange_from(r->chg) == zdb_zone_serial(z) ?
		 zdb_zone_patch(&next, z, r->chg) : BN_EINVAL;
	if (r->err == 0) {
		journal_follows(uz, zdb_zone_serial(z));
		r->err = journal_append(uz->j, r->chg);
	}
	if (r->err < 0) {
		zdb_zone_unref(next);
		return RCODE_SERVFAIL;
	}
	r->changed = true;
	mark_touched(b, uz);
	set_head(b, uz, next);
	return RCODE_NOERROR;
}

/* A whole version from the database: the journal starts again. A zone
 * the database gained is taken on first. */
static uint16_t one_whole(struct batch *b, struct upd_req *r)
{
	struct upd_zone *uz = updater_zone(b->u, r->origin);

	r->err = BN_EINVAL;
	if (!uz)
		uz = upd_take_db_zone(b->u, r->origin, &r->err);
	if (!uz || !uz->j)
		return RCODE_SERVFAIL;
	r->uz = uz;
	upd_pend_drop(uz);
	r->err = journal_reset(uz->j);
	if (r->err < 0)
		return RCODE_SERVFAIL;
	zdb_zone_ref(r->whole);
	set_head(b, uz, r->whole);
	return RCODE_NOERROR;
}

/* A zone removed from the database: its changes and journal emptied,
 * marked gone (other threads may still hold it), dropped from the
 * snapshot and the loader when the batch publishes. */
static uint16_t one_drop(struct batch *b, struct upd_req *r)
{
	struct upd_zone *uz = updater_zone(b->u, r->origin);
	struct head *h;

	r->err = BN_ENOTFOUND;
	if (!uz || !uz->db)
		return RCODE_SERVFAIL;
	if (b->ndrops == b->capdrops) {
		size_t cap = b->capdrops ? 2 * b->capdrops : 4;
		void *d = realloc(b->drops, cap * sizeof(*b->drops));
		r->err = BN_ENOMEM;
		if (!d)
			return RCODE_SERVFAIL;
		b->drops = d;
		b->capdrops = cap;
	}
	memcpy(b->drops[b->ndrops++], uz->origin, NAME_MAXLEN);
	upd_pend_drop(uz);
	h = head_of(b, uz);
	if (h) {
		zdb_zone_unref(h->v);
		h->v = NULL;
	}
	journal_reset(uz->j);
	uz->gone = true;
	r->err = 0;
	return RCODE_NOERROR;
}

static void log_one(const struct upd_req *r, uint16_t rc, struct why *w)
{
	uint64_t hash;

	tsig_note_addr(&r->peer, w->peer, sizeof(w->peer), &hash);
	log_msg(rc == RCODE_NOERROR ? LOG_LVL_INFO : LOG_LVL_WARN,
		"update %s from %s%s%s: %s: %s", w->zone[0] ? w->zone : "?",
		w->peer, w->key[0] ? " key " : "", w->key, rcode_name(rc),
		w->text);
}

/* Makes each changed zone's journal durable; a zone whose sync failed
 * serves none of its pending changes (they may not be on disk), and the
 * requests that changed it get SERVFAIL. */
static void sync_zones(struct batch *b, struct upd_req *list)
{
	for (size_t i = 0; i < b->ntouched; i++) {
		struct upd_zone *uz = b->touched[i];
		struct head *h = head_of(b, uz);
		uz->touched = false;
		uz->sync_failed = journal_sync(uz->j) < 0;
		if (!uz->sync_failed)
			continue;
		log_err("update %s: journal not written to disk (%s); its "
			"changes not served, updates refused until a restart",
			uz->name, strerror(errno));
		upd_pend_drop(uz);
		if (h) {
			zdb_zone_unref(h->v);
			h->v = NULL;
		}
	}
	for (struct upd_req *r = list; r; r = r->next)
		if (r->changed && r->uz->sync_failed)
			r->rc = RCODE_SERVFAIL;
}

/* The zones whose pending changes are due become versions; when the
 * rest are. */
static void make_due(struct batch *b)
{
	struct updater *u = b->u;
	double now = upd_now();

	u->due = 0;
	for (size_t i = 0; i < u->nzones; i++) {
		struct upd_zone *uz = u->zones[i];
		const struct zdb_zone *z;
		if (!uz->npend)
			continue;
		if (!upd_pend_due(uz, now)) {
			double d = upd_pend_deadline(uz);
			if (!u->due || d < u->due)
				u->due = d;
			continue;
		}
		z = zonedb_get(b->cur->db, uz->origin);
		if (z)
			make_version(b, uz, version(b, uz, z));
	}
}

/* Rebuilt whole when the records no version uses pass a quarter. */
static void compact(struct head *h)
{
	struct zdb_zone *c;
	size_t dead = zdb_zone_dead(h->v);

	if (!zdb_zone_compact_due(h->v))
		return;
	if (zdb_zone_compact(&c, h->v) == 0) {
		log_info("update %s: compacted (%zu bytes of old records "
			 "freed)", h->uz->name, dead);
		zdb_zone_unref(h->v);
		h->v = c;
	}
}

/* s without the zones removed in this batch (an s not published yet
 * freed when replaced: its keys and rules moved on); out of memory, the
 * ones left are served until a restart. */
static struct served *without_drops(struct batch *b, struct served *s)
{
	for (size_t i = 0; i < b->ndrops; i++) {
		struct served *t = served_drop(s, b->drops[i]);
		if (!t) {
			log_err("update: out of memory removing zones; served "
				"until a restart");
			b->ndrops = i;  /* the loader keeps the rest too */
			break;
		}
		if (s != *b->u->cur)
			served_free(s);
		s = t;
	}
	return s;
}

/* The new snapshot with the heads in; the old one, to free after the
 * readers are gone, or NULL. */
static struct served *publish(struct batch *b)
{
	struct zdb_zone *v[b->nh ? b->nh : 1];
	struct served *ns;
	size_t n = 0;

	for (size_t i = 0; i < b->nh; i++)
		if (b->h[i].v) {
			compact(&b->h[i]);
			v[n++] = b->h[i].v;
		}
	if (!n && !b->ndrops)
		return NULL;
	ns = n ? served_replace(*b->u->cur, v, n) : *b->u->cur;
	if (!ns)
		log_err("update: out of memory publishing; changes are in "
			"the journals and served after a restart");
	ns = ns ? without_drops(b, ns) : NULL;
	if (!ns || ns == *b->u->cur)
		return NULL;
	for (size_t i = 0; i < n; i++)
		loader_set_zone(b->u->ld, v[i]);
	for (size_t i = 0; i < b->ndrops; i++)
		loader_remove_db(b->u->ld, b->drops[i]);
	b->ndrops = 0;
	return rcu_xchg_pointer(b->u->cur, ns);
}

/* A journal over its bound is compacted into the zone's base: the
 * served version written whole to NAME.jbase (what a restart starts
 * from), the journal emptied (IXFR from before it: the AXFR form).
 * Done between batches, when nothing of the zone waits. */
static void compact_journals(struct batch *b)
{
	struct updater *u = b->u;
	char jbase[4200];

	for (size_t i = 0; i < u->nzones; i++) {
		struct upd_zone *uz = u->zones[i];
		const struct zdb_zone *z;
		if (!u->journal_max || uz->npend || uz->gone ||
		    journal_bytes(uz->j) <= u->journal_max)
			continue;
		pthread_mutex_lock(u->publish);
		z = zonedb_get((*u->cur)->db, uz->origin);
		zone_dir_path(jbase, sizeof(jbase), u->dir, uz->origin, "jbase");
		if (z && zonefile_save(jbase, z) == 0 &&
		    journal_reset(uz->j) == 0)
			log_info("update %s: journal over %zu bytes: compacted "
				 "into %s (serial %u)", uz->name,
				 u->journal_max, jbase, zdb_zone_serial(z));
		else
			log_err("update %s: journal over %zu bytes, cannot "
				"compact it into %s: %s", uz->name,
				u->journal_max, jbase, strerror(errno));
		pthread_mutex_unlock(u->publish);
	}
}

void *update_batch_new(size_t n)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b && update_batch_reserve(b, n) < 0) {
		update_batch_free(b);
		return NULL;
	}
	return b;
}

/* Grown in place: the writer may take on a zone in the middle of a
 * batch (its heads so far kept). */
int update_batch_reserve(void *scratch, size_t n)
{
	struct batch *b = scratch;
	struct head *h;
	struct upd_zone **t;

	if (n <= b->cap && b->h)
		return 0;
	n = n > 2 * b->cap ? n : 2 * b->cap;
	h = realloc(b->h, (n ? n : 1) * sizeof(*h));
	if (h)
		b->h = h;
	t = h ? realloc(b->touched, (n ? n : 1) * sizeof(*t)) : NULL;
	if (!t)
		return BN_ENOMEM;
	b->touched = t;
	b->cap = n;
	return 0;
}

void update_batch_free(void *scratch)
{
	struct batch *b = scratch;

	if (b) {
		free(b->h);
		free(b->touched);
		free(b->drops);
	}
	free(b);
}

void update_batch(struct updater *u, struct upd_req *list)
{
	struct batch *b = u->scratch;
	struct served *old;
	struct upd_req *r, *next;

	pthread_mutex_lock(u->publish);
	b->u = u;
	b->cur = *u->cur;
	b->nh = 0;
	b->ntouched = 0;
	b->ndrops = 0;
	for (r = list; r; r = r->next) {
		struct why w = { 0 };
		r->uz = NULL;
		r->changed = false;
		if (r->chg || r->whole || r->drop) {
			r->rc = r->chg ? one_change(b, r) : r->whole ?
				one_whole(b, r) : one_drop(b, r);
			continue;
		}
		r->rc = one(b, r, &w);
		log_one(r, r->rc, &w);
	}
	sync_zones(b, list);
	make_due(b);
	for (r = list; r; r = r->next) {
		if (r->chg || r->whole || r->drop) {
			if (r->rc != RCODE_NOERROR && r->err == 0)
				r->err = BN_EIO;        /* not made durable */
			continue;
		}
		r->rlen = auth_reply(&b->cur->conf, r->pkt, r->len,
				     r->udp ? AUTH_UDP : AUTH_TCP, r->rc,
				     r->reply, sizeof(r->reply));
	}
	old = publish(b);
	pthread_mutex_unlock(u->publish);
	for (size_t i = 0; old && i < b->nh; i++)
		if (b->h[i].v)
			notify_zone(u->notify, b->h[i].uz->origin);
	for (r = list; r; r = next) {
		next = r->next;
		upd_req_finish(r);
	}
	compact_journals(b);
	for (size_t i = 0; i < b->nh; i++)
		zdb_zone_unref(b->h[i].v);
	if (old) {
		synchronize_rcu();
		served_free(old);
	}
}

struct served *updater_flush_all(struct updater *u)
{
	struct batch *b = u->flush_scratch;
	struct served *old;

	b->u = u;
	b->cur = *u->cur;
	b->nh = 0;
	b->ntouched = 0;
	for (size_t i = 0; i < u->nzones; i++) {
		struct upd_zone *uz = u->zones[i];
		const struct zdb_zone *z = zonedb_get(b->cur->db, uz->origin);
		if (uz->npend && z)
			make_version(b, uz, z);
	}
	old = publish(b);
	for (size_t i = 0; i < b->nh; i++) {
		if (old && b->h[i].v)
			notify_zone(u->notify, b->h[i].uz->origin);
		zdb_zone_unref(b->h[i].v);
	}
	b->nh = 0;
	return old;
}
