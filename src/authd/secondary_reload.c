/* A reload's secondaries: the main thread hands the new config's list
 * to the refresher, which applies it between refreshes (it owns the
 * zones): a zone newly listed is opened (its stored copy served) and
 * transferred at once; a zone no longer listed leaves the list and is
 * no longer served (its files stay); a zone whose primaries or key
 * changed is replaced by a copy with the new ones (the workers may be
 * reading the old one) and refreshed at once; the others are left as
 * they are. Catalog members follow their catalog, and are checked again
 * against the config's zones (a zone of the config wins). */
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "authd/secondary_int.h"
#include "daemon/log.h"

/* What the refresher needs of a config: copied, the config goes. */
struct sec_want {
	struct cfg_secondary *v;        /* name: NULL (not copied) */
	size_t n;
	uint8_t (*conf)[NAME_MAXLEN];
	size_t nconf;
	size_t journal_max;
};

void sec_want_free(struct sec_want *w)
{
	if (!w)
		return;
	free(w->v);
	free(w->conf);
	free(w);
}

static struct sec_want *want_of(const struct config *c)
{
	struct sec_want *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->v = calloc(c->nsecondaries + 1, sizeof(*w->v));
	w->conf = calloc(c->nzones + c->nsecondaries + 1, sizeof(*w->conf));
	if (!w->v || !w->conf) {
		sec_want_free(w);
		return NULL;
	}
	for (size_t i = 0; i < c->nsecondaries; i++) {
		w->v[w->n] = c->secondaries[i];
		w->v[w->n++].name = NULL;
	}
	for (size_t i = 0; i < c->nzones; i++)
		memcpy(w->conf[w->nconf++], c->zones[i].origin, NAME_MAXLEN);
	for (size_t i = 0; i < c->nsecondaries; i++)
		memcpy(w->conf[w->nconf++], c->secondaries[i].origin,
		       NAME_MAXLEN);
	w->journal_max = (size_t)c->journal_max;
	return w;
}

int secondary_reconfigure(struct secondary *s, const struct config *c)
{
	struct sec_want *w = want_of(c), *old;

	if (!w) {
		log_err("reload: out of memory: secondary zones kept as they "
			"were");
		return -1;
	}
	pthread_mutex_lock(&s->mu);
	old = s->want;
	s->want = w;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	sec_want_free(old);     /* not taken yet: replaced */
	if (c->nsecondaries)
		atomic_store(&s->any, true);
	return s->running || !c->nsecondaries ? 0 : secondary_start(s);
}

static const struct cfg_secondary *wanted(const struct sec_want *w,
					  const uint8_t *origin)
{
	for (size_t i = 0; i < w->n; i++)
		if (name_equal(w->v[i].origin, origin))
			return &w->v[i];
	return NULL;
}

static bool in_conf(const struct sec_want *w, const uint8_t *origin)
{
	for (size_t i = 0; i < w->nconf; i++)
		if (name_equal(w->conf[i], origin))
			return true;
	return false;
}

static bool same_peers(const struct sec_zone *z, const struct cfg_secondary *c)
{
	if (z->nprimary != c->nprimary || z->keyed != c->keyed ||
	    (z->keyed && !name_equal(z->key, c->key)))
		return false;
	for (size_t i = 0; i < c->nprimary; i++)
		if (z->primary[i].salen != c->primary[i].salen ||
		    memcmp(&z->primary[i].sa, &c->primary[i].sa,
			   c->primary[i].salen) ||
		    strcmp(z->primary[i].text, c->primary[i].text))
			return false;
	return true;
}

/* z with c's primaries and key, its state moved (journal, version,
 * timers), refreshed at once; NULL when out of memory. */
static struct sec_zone *with_peers(const struct sec_zone *z,
				   const struct cfg_secondary *c)
{
	struct sec_zone *n = malloc(sizeof(*n));

	if (!n)
		return NULL;
	memcpy(n, z, sizeof(*n));
	memcpy(n->primary, c->primary, sizeof(n->primary));
	n->nprimary = c->nprimary;
	n->keyed = c->keyed;
	memcpy(n->key, c->key, NAME_MAXLEN);
	atomic_init(&n->dead, atomic_load(&z->dead));
	atomic_init(&n->notified, true);        /* an SOA check now */
	return n;
}

enum fate { KEEP, DROP, NEWPEERS };

/* What becomes of z under w; *c: the config entry it follows (its own,
 * or its catalog's for a member). */
static enum fate fate_of(const struct sec_want *w, const struct sec_zone *z,
			 const struct cfg_secondary **c)
{
	if (z->member) {
		*c = wanted(w, z->member_of);
		if (!*c || !(*c)->catalog || in_conf(w, z->origin))
			return DROP;    /* the catalog gone, or config wins */
	} else {
		*c = wanted(w, z->origin);
		if (!*c || (*c)->catalog != z->catalog)
			return DROP;    /* a catalog flag flipped: opened anew */
	}
	return same_peers(z, *c) ? KEEP : NEWPEERS;
}

/* The new list in place; the old one's readers done. */
static void swap_list(struct secondary *s, struct sec_list *nl)
{
	struct sec_list *old;

	pthread_mutex_lock(&s->mu);
	old = s->list;
	rcu_assign_pointer(s->list, nl);
	pthread_mutex_unlock(&s->mu);
	synchronize_rcu();
	free(old);
}

/* A zone out of the list (no reader holds it): no longer served, its
 * stored copy left on disk for a later config. */
static void drop_zone(struct secondary *s, struct sec_zone *z)
{
	if (z->member)
		sec_publish(s, z, NULL, true);
	log_info("zone %s: %s: no longer served (its files stay in the "
		 "zone dir)", z->name, z->member ? "its catalog is no longer "
		 "consumed, or the config serves it" :
		 "no longer a secondary in the config");
	journal_close(z->j);
	zdb_zone_unref(z->v);
	free(z);
}

/* Pass one: the zones kept (some with new peers) in nl, the dropped
 * ones in gone, the replaced ones in old; their number. */
static size_t sort_zones(struct secondary *s, const struct sec_want *w,
			 struct sec_list *nl, struct sec_zone **gone,
			 struct sec_zone **old)
{
	const struct sec_list *l = s->list;
	size_t ng = 0, no = 0;

	for (size_t i = 0; i < l->n; i++) {
		struct sec_zone *z = l->z[i], *n;
		const struct cfg_secondary *c = NULL;
		enum fate f = fate_of(w, z, &c);

		if (f == DROP) {
			gone[ng++] = z;
			continue;
		}
		n = f == NEWPEERS ? with_peers(z, c) : z;
		if (!n) {
			log_err("zone %s: out of memory: its old primaries "
				"kept", z->name);
			n = z;
		}
		if (n != z) {
			old[no++] = z;
			log_info("zone %s: primaries or key changed by the "
				 "reload: refreshing from the new ones",
				 z->name);
		}
		nl->z[nl->n++] = n;
	}
	old[no] = NULL;
	return ng;
}

static bool kept(const struct sec_list *l, const uint8_t *origin)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->z[i]->member && name_equal(l->z[i]->origin, origin))
			return true;
	return false;
}

/* Pass two: the zones of w not in the list opened (their stored copies
 * served, a transfer due at once) and added. */
static void add_zones(struct secondary *s, const struct sec_want *w)
{
	const struct sec_list *l = s->list;
	struct sec_list *nl = malloc(sizeof(*nl) + (l->n + w->n) *
				     sizeof(nl->z[0]));
	size_t first;

	if (!nl) {
		log_err("reload: out of memory: new secondary zones not added");
		return;
	}
	memcpy(nl, l, sizeof(*nl) + l->n * sizeof(nl->z[0]));
	first = nl->n;
	for (size_t i = 0; i < w->n; i++) {
		struct sec_zone *z;
		char name[NAME_TEXT_MAX];
		if (kept(nl, w->v[i].origin))
			continue;
		z = sec_zone_new(s, &w->v[i]);
		if (z) {
			nl->z[nl->n++] = z;
			log_info("zone %s: a new secondary (reload)%s",
				 z->name, z->v ? ": its stored copy served" :
				 "");
			continue;
		}
		name_to_text(name, sizeof(name), w->v[i].origin);
		log_err("zone %s: cannot be made a secondary (its journal, "
			"or out of memory): not served", name);
	}
	if (nl->n == first) {
		free(nl);
		return;
	}
	swap_list(s, nl);
}

void sec_reload_apply(struct secondary *s, struct sec_want *w)
{
	size_t n = s->list->n, ng;
	struct sec_list *nl = malloc(sizeof(*nl) + (n + 1) *
				     sizeof(nl->z[0]));
	struct sec_zone **gone = calloc(n + 1, sizeof(*gone));
	struct sec_zone **old = calloc(n + 1, sizeof(*old));

	if (!nl || !gone || !old) {
		log_err("reload: out of memory: secondary zones kept as they "
			"were");
		free(nl);
		free(gone);
		free(old);
		sec_want_free(w);
		return;
	}
	nl->n = 0;
	ng = sort_zones(s, w, nl, gone, old);
	/* the config's zones, which catalog members never take */
	free(s->conf);
	s->conf = w->conf;
	s->nconf = w->nconf;
	w->conf = NULL;
	s->journal_max = w->journal_max;
	swap_list(s, nl);
	for (size_t i = 0; old[i]; i++)
		free(old[i]);   /* moved: only the struct goes */
	for (size_t i = 0; i < ng; i++)
		drop_zone(s, gone[i]);
	add_zones(s, w);
	/* members again against the config's zones (run_due syncs) */
	for (size_t i = 0; i < s->list->n; i++)
		s->list->z[i]->cat_changed = s->list->z[i]->catalog &&
					     s->list->z[i]->v;
	log_info("reload: %zu secondary zones here (%zu dropped)",
		 s->list->n, ng);
	free(gone);
	free(old);
	sec_want_free(w);
}
