/* Upstream server knowledge by address (infra.h): a hash per shard with
 * its own mutex and its own age list (most recently updated first), so
 * the oldest entry of a full shard is the one dropped. An entry not
 * updated for INFRA_HOLD_MS is forgotten as a whole; each lame zone
 * carries its own expiry. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>

#include "resolve/infra.h"
#include "wire/name.h"
#include "wire/rrtype.h"

#define INFRA_SHARDS 16
#define INFRA_RTO_MIN 50
#define INFRA_DOWN_AFTER 3      /* timeouts in a row that mark a server down */
#define INFRA_PROBE_MS 30000    /* a down server gets one query this often */
#define INFRA_LAME_MAX 8        /* lame zones remembered per address */

struct ikey {
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t addr[16];
	uint16_t port;
};

/* Lameness is kept apart for A and for other queries (Unbound's
 * split): a server broken for AAAA alone still serves A. */
enum { LAME_A, LAME_OTHER, LAME_KINDS };

struct lame {
	struct lame *next;
	uint64_t until_ms[LAME_KINDS];
	uint8_t how[LAME_KINDS];        /* enum infra_lame */
	uint8_t zone[];
};

/* Timeouts are counted apart for A, AAAA and other queries (Unbound's
 * split): a server that drops one kind is not dead for the others. */
enum { TO_A, TO_AAAA, TO_OTHER, TO_KINDS };

struct down {
	unsigned timeouts;              /* in a row, no reply of any kind since */
	uint64_t until, probe_ms;
};

struct ientry {
	struct ientry *hnext;           /* hash chain */
	struct ientry *prev, *next;     /* age list */
	struct ikey key;
	uint64_t touched_ms;            /* last update */
	unsigned srtt8, rttvar8;         /* in 1/8 ms */
	unsigned rto;
	bool known;
	uint64_t no_edns_until, edns_ok_until, no_0x20_until;
	struct down down[TO_KINDS];
	struct lame *lame;
	unsigned nlame;
};

struct ishard {
	pthread_mutex_t lock;
	struct ientry **tab;
	size_t mask, n, max;
	struct ientry *head, *tail;
};

struct infra {
	struct ishard shard[INFRA_SHARDS];
};

struct infra *infra_new(size_t max_entries)
{
	struct infra *in = calloc(1, sizeof(*in));
	size_t per = (max_entries + INFRA_SHARDS - 1) / INFRA_SHARDS, nb = 16;

	if (!in)
		return NULL;
	if (per == 0)
		per = 1;
	while (nb < per)
		nb <<= 1;
	for (size_t i = 0; i < INFRA_SHARDS; i++) {
		struct ishard *s = &in->shard[i];

		pthread_mutex_init(&s->lock, NULL);
		s->max = per;
		s->mask = nb - 1;
		s->tab = calloc(nb, sizeof(*s->tab));
		if (!s->tab) {
			infra_free(in);
			return NULL;
		}
	}
	return in;
}

static void entry_free(struct ientry *e)
{
	struct lame *l, *next;

	for (l = e->lame; l; l = next) {
		next = l->next;
		free(l);
	}
	free(e);
}

static void shard_clear(struct ishard *s)
{
	struct ientry *e, *next;

	for (e = s->head; e; e = next) {
		next = e->next;
		entry_free(e);
	}
	if (s->tab)
		memset(s->tab, 0, (s->mask + 1) * sizeof(*s->tab));
	s->head = s->tail = NULL;
	s->n = 0;
}

void infra_free(struct infra *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < INFRA_SHARDS; i++) {
		shard_clear(&in->shard[i]);
		pthread_mutex_destroy(&in->shard[i].lock);
		free(in->shard[i].tab);
	}
	free(in);
}

void infra_flush(struct infra *in)
{
	for (size_t i = 0; i < INFRA_SHARDS; i++) {
		pthread_mutex_lock(&in->shard[i].lock);
		shard_clear(&in->shard[i]);
		pthread_mutex_unlock(&in->shard[i].lock);
	}
}

/* The key of sa (zeroed padding, so keys compare with memcmp). */
static bool key_of(const struct sockaddr *sa, struct ikey *k)
{
	memset(k, 0, sizeof(*k));
	k->family = (uint8_t)sa->sa_family;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		memcpy(k->addr, &s4->sin_addr, 4);
		k->port = s4->sin_port;
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		memcpy(k->addr, &s6->sin6_addr, 16);
		k->port = s6->sin6_port;
		return true;
	}
	return false;
}

static uint64_t key_hash(const struct ikey *k)
{
	const uint8_t *p = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < sizeof(*k); i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h ^ (h >> 29);
}

static void age_unlink(struct ishard *s, struct ientry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		s->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		s->tail = e->prev;
}

static void age_push(struct ishard *s, struct ientry *e)
{
	e->prev = NULL;
	e->next = s->head;
	if (s->head)
		s->head->prev = e;
	else
		s->tail = e;
	s->head = e;
}

static void entry_drop(struct ishard *s, struct ientry *e)
{
	struct ientry **pe = &s->tab[key_hash(&e->key) & s->mask];

	while (*pe != e)
		pe = &(*pe)->hnext;
	*pe = e->hnext;
	age_unlink(s, e);
	s->n--;
	entry_free(e);
}

/* The live entry for k (one gone stale is dropped), or NULL. */
static struct ientry *lookup(struct ishard *s, const struct ikey *k,
			     uint64_t h, uint64_t now_ms)
{
	struct ientry *e = s->tab[h & s->mask];

	while (e && memcmp(&e->key, k, sizeof(*k)) != 0)
		e = e->hnext;
	if (e && now_ms > e->touched_ms + INFRA_HOLD_MS) {
		entry_drop(s, e);
		return NULL;
	}
	return e;
}

/* The entry for sa, made when new and moved to the front of the age
 * list: the caller is about to update it. NULL: shard unlocked as well
 * (no memory or an unknown family). */
static struct ientry *update(struct infra *in, const struct sockaddr *sa,
			     uint64_t now_ms, struct ishard **sp)
{
	struct ikey k;
	struct ientry *e;
	struct ishard *s;
	uint64_t h;

	if (!key_of(sa, &k))
		return NULL;
	h = key_hash(&k);
	s = *sp = &in->shard[(h >> 32) % INFRA_SHARDS];
	pthread_mutex_lock(&s->lock);
	e = lookup(s, &k, h, now_ms);
	if (e) {
		age_unlink(s, e);
	} else {
		if (s->n >= s->max)
			entry_drop(s, s->tail);
		e = calloc(1, sizeof(*e));
		if (!e) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		e->key = k;
		e->srtt8 = INFRA_RTO_UNKNOWN * 8;
		e->rto = INFRA_RTO_UNKNOWN;
		e->hnext = s->tab[h & s->mask];
		s->tab[h & s->mask] = e;
		s->n++;
	}
	age_push(s, e);
	e->touched_ms = now_ms;
	return e;
}

/* The entry for sa under its shard's lock (held on return, also when
 * NULL is returned for an address not known), or NULL and no lock for
 * an unknown family. */
static struct ientry *find(struct infra *in, const struct sockaddr *sa,
			   uint64_t now_ms, struct ishard **sp)
{
	struct ikey k;
	uint64_t h;

	*sp = NULL;
	if (!key_of(sa, &k))
		return NULL;
	h = key_hash(&k);
	*sp = &in->shard[(h >> 32) % INFRA_SHARDS];
	pthread_mutex_lock(&(*sp)->lock);
	return lookup(*sp, &k, h, now_ms);
}

static unsigned to_kind(uint16_t qtype)
{
	if (qtype == RR_A)
		return TO_A;
	return qtype == RR_AAAA ? TO_AAAA : TO_OTHER;
}

/* A down server answers "down" except once every INFRA_PROBE_MS. */
static bool is_down(struct down *d, uint64_t now_ms)
{
	if (now_ms >= d->until)
		return false;
	if (now_ms < d->probe_ms)
		return true;
	d->probe_ms = now_ms + INFRA_PROBE_MS;
	return false;
}

void infra_get(struct infra *in, const struct sockaddr *sa, uint16_t qtype,
	       uint64_t now_ms, struct infra_info *out)
{
	struct ishard *s;
	struct ientry *e = find(in, sa, now_ms, &s);

	memset(out, 0, sizeof(*out));
	out->srtt_ms = out->rto_ms = INFRA_RTO_UNKNOWN;
	if (e) {
		struct down *d = &e->down[to_kind(qtype)];

		out->srtt_ms = (e->srtt8 + 4) / 8;
		out->rto_ms = e->rto;
		out->timeouts = d->timeouts;
		out->known = e->known;
		out->no_edns = now_ms < e->no_edns_until;
		out->no_0x20 = now_ms < e->no_0x20_until;
		out->down = is_down(d, now_ms);
	}
	if (s)
		pthread_mutex_unlock(&s->lock);
}

static unsigned clamp_rto(unsigned long v)
{
	if (v < INFRA_RTO_MIN)
		return INFRA_RTO_MIN;
	return v > INFRA_RTO_MAX ? INFRA_RTO_MAX : (unsigned)v;
}

/* RFC 6298 2.2 and 2.3 (alpha 1/8, beta 1/4, K 4), kept in 1/8 ms so
 * that rounding does not pile up. */
void infra_rtt(struct infra *in, const struct sockaddr *sa, unsigned rtt_ms,
	       uint64_t now_ms)
{
	struct ishard *s;
	struct ientry *e = update(in, sa, now_ms, &s);
	unsigned r8, diff8;

	if (!e)
		return;
	r8 = (rtt_ms > INFRA_RTO_MAX ? INFRA_RTO_MAX : rtt_ms) * 8;
	if (!e->known) {
		e->srtt8 = r8;
		e->rttvar8 = r8 / 2;
		e->known = true;
	} else {
		diff8 = e->srtt8 > r8 ? e->srtt8 - r8 : r8 - e->srtt8;
		e->rttvar8 = (3 * e->rttvar8 + diff8 + 2) / 4;
		e->srtt8 = (7 * e->srtt8 + r8 + 4) / 8;
	}
	e->rto = clamp_rto((e->srtt8 + 4ul * e->rttvar8 + 4) / 8);
	memset(e->down, 0, sizeof(e->down));
	pthread_mutex_unlock(&s->lock);
}

void infra_timeout(struct infra *in, const struct sockaddr *sa,
		   uint16_t qtype, unsigned sent_rto, uint64_t now_ms)
{
	struct ishard *s;
	struct ientry *e = update(in, sa, now_ms, &s);
	struct down *d;

	if (!e)
		return;
	if (sent_rto < e->rto) {
		pthread_mutex_unlock(&s->lock);
		return;
	}
	d = &e->down[to_kind(qtype)];
	d->timeouts++;
	e->rto = clamp_rto(2ul * e->rto);
	if (d->timeouts >= INFRA_DOWN_AFTER) {
		/* The next probe is a while after this failure. */
		d->until = now_ms + INFRA_HOLD_MS;
		d->probe_ms = now_ms + INFRA_PROBE_MS;
	}
	pthread_mutex_unlock(&s->lock);
}

void infra_edns_ok(struct infra *in, const struct sockaddr *sa,
		   uint64_t now_ms)
{
	struct ishard *s;
	struct ientry *e = update(in, sa, now_ms, &s);

	if (!e)
		return;
	e->edns_ok_until = now_ms + INFRA_HOLD_MS;
	e->no_edns_until = 0;
	pthread_mutex_unlock(&s->lock);
}

void infra_set_no_edns(struct infra *in, const struct sockaddr *sa,
		       uint64_t now_ms)
{
	struct ishard *s;
	struct ientry *e = update(in, sa, now_ms, &s);

	if (!e)
		return;
	if (now_ms >= e->edns_ok_until)
		e->no_edns_until = now_ms + INFRA_HOLD_MS;
	pthread_mutex_unlock(&s->lock);
}

void infra_set_no_0x20(struct infra *in, const struct sockaddr *sa,
		       uint64_t now_ms)
{
	struct ishard *s;
	struct ientry *e = update(in, sa, now_ms, &s);

	if (!e)
		return;
	e->no_0x20_until = now_ms + INFRA_HOLD_MS;
	pthread_mutex_unlock(&s->lock);
}

static struct lame *lame_find(struct ientry *e, const uint8_t *zone)
{
	struct lame *l;

	for (l = e->lame; l; l = l->next)
		if (name_equal(l->zone, zone))
			return l;
	return NULL;
}

static uint64_t lame_until(const struct lame *l)
{
	return l->until_ms[LAME_A] > l->until_ms[LAME_OTHER] ?
	       l->until_ms[LAME_A] : l->until_ms[LAME_OTHER];
}

/* A new lame record, or the one expiring first when INFRA_LAME_MAX are
 * kept already. */
static struct lame *lame_slot(struct ientry *e, const uint8_t *zone)
{
	struct lame *l, *old = NULL, **pl;
	size_t len = name_length(zone);

	if (e->nlame >= INFRA_LAME_MAX) {
		for (l = e->lame; l; l = l->next)
			if (!old || lame_until(l) < lame_until(old))
				old = l;
		for (pl = &e->lame; *pl != old; pl = &(*pl)->next)
			;
		*pl = old->next;
		free(old);
		e->nlame--;
	}
	l = calloc(1, sizeof(*l) + len);
	if (!l)
		return NULL;
	memcpy(l->zone, zone, len);
	l->next = e->lame;
	e->lame = l;
	e->nlame++;
	return l;
}

void infra_set_lame(struct infra *in, const struct sockaddr *sa,
		    const uint8_t *zone, uint16_t qtype, enum infra_lame how,
		    uint64_t now_ms)
{
	unsigned k = qtype == RR_A ? LAME_A : LAME_OTHER;
	struct ishard *s;
	struct ientry *e = update(in, sa, now_ms, &s);
	struct lame *l;

	if (!e)
		return;
	l = lame_find(e, zone);
	if (l && now_ms < l->until_ms[k] && how < l->how[k])
		goto out;       /* a failed query does not shorten lameness */
	if (!l)
		l = lame_slot(e, zone);
	if (l) {
		l->how[k] = (uint8_t)how;
		l->until_ms[k] = now_ms + (how == INFRA_AVOID ? INFRA_AVOID_MS
							      : INFRA_HOLD_MS);
	}
out:
	pthread_mutex_unlock(&s->lock);
}

enum infra_lame infra_lame(struct infra *in, const struct sockaddr *sa,
			   const uint8_t *zone, uint16_t qtype,
			   uint64_t now_ms)
{
	unsigned k = qtype == RR_A ? LAME_A : LAME_OTHER;
	struct ishard *s;
	struct ientry *e = find(in, sa, now_ms, &s);
	struct lame *l = e ? lame_find(e, zone) : NULL;
	enum infra_lame how = l && now_ms < l->until_ms[k] ? l->how[k]
							  : INFRA_OK;

	if (s)
		pthread_mutex_unlock(&s->lock);
	return how;
}
