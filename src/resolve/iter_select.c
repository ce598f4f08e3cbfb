/* Where to ask: the zone cut a goal starts from (a forwarder or stub
 * zone, the deepest cached NS set with addresses, or the root hints
 * after priming), the addresses of the cut's name servers, and the
 * choice of one of them by smoothed RTT with some exploration. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "resolve/infra.h"
#include "resolve/iter_int.h"
#include "wire/rrtype.h"

static const uint8_t root_name[1] = { 0 };

bool cut_has_ns(const struct iter_frame *f, const uint8_t *name)
{
	for (uint16_t i = 0; i < f->nns; i++)
		if (name_equal(f->ns[i].name, name))
			return true;
	return false;
}

bool cut_add_ns(struct iter_frame *f, const struct res_conf *rc,
		const uint8_t *name)
{
	unsigned max = rc->max_ns_names < ITER_MAX_NS ? rc->max_ns_names
						      : ITER_MAX_NS;

	if (cut_has_ns(f, name))
		return true;
	if (f->nns >= max)
		return false;
	memcpy(f->ns[f->nns].name, name, name_length(name));
	name_to_lower(f->ns[f->nns].name);
	f->ns[f->nns].state = NS_NEED;
	f->ns[f->nns].child = f->ns[f->nns].pside_asked = false;
	f->nns++;
	return true;
}

static void addr_from_rdata(struct res_addr *a, uint16_t type,
			    const uint8_t *rd)
{
	memset(a, 0, sizeof(*a));
	if (type == RR_A) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(53);
		memcpy(&sin->sin_addr, rd, 4);
		a->len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&a->sa;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(53);
		memcpy(&sin6->sin6_addr, rd, 16);
		a->len = sizeof(*sin6);
	}
}

/* pside: a, only as the parent's glue for a name; the same address
 * known otherwise too is a server like the others. */
static bool srv_add(struct iter_frame *f, const struct res_addr *a, bool pside)
{
	for (uint16_t i = 0; i < f->nsrv; i++)
		if (f->srv[i].addr.len == a->len &&
		    memcmp(&f->srv[i].addr.sa, &a->sa, a->len) == 0) {
			f->srv[i].pside = f->srv[i].pside && pside;
			return true;
		}
	if (f->nsrv >= ITER_MAX_SRV)
		return false;
	memset(&f->srv[f->nsrv], 0, sizeof(f->srv[f->nsrv]));
	f->srv[f->nsrv].addr = *a;
	f->srv[f->nsrv].pside = pside;
	f->nsrv++;
	return true;
}

static bool addr_take(struct iter *it, struct iter_frame *f, uint16_t type,
		      const uint8_t *rd, bool configured, bool pside)
{
	struct res_addr a;

	addr_from_rdata(&a, type, rd);
	if (!configured && !it->env->conf->query_loopback &&
	    res_addr_is_loopback((const struct sockaddr *)&a.sa))
		return false;
	return srv_add(f, &a, pside);
}

/* rd: 4 (A) or 16 (AAAA) octets. Delegations may not point at this
 * machine unless the operator built a loopback lab (query_loopback);
 * configured addresses (hints, forwarders) are always taken. */
bool cut_add_addr(struct iter *it, struct iter_frame *f, uint16_t type,
		  const uint8_t *rd, bool configured)
{
	return addr_take(it, f, type, rd, configured, false);
}

/* The parent zone's glue for an NS name of f's cut, which the name's
 * own zone may contradict: asked only when the other servers are
 * spent (Unbound's parent-side fallback: a child with a wrong address
 * for its server still works through the parent's). */
bool cut_add_pside(struct iter *it, struct iter_frame *f, uint16_t type,
		   const uint8_t *rd)
{
	return addr_take(it, f, type, rd, false, true);
}

/* Adds the cached addresses of one name; 1 some taken, 0 none, -1 the
 * name does not exist. *child: some came from the name's own zone (an
 * answer, not the parent's glue). */
static int cached_addrs_of(struct iter *it, struct iter_frame *f,
			   const uint8_t *name, uint64_t now, bool *child)
{
	static const uint16_t types[2] = { RR_A, RR_AAAA };
	struct cache_hit hit;
	int got = 0;

	for (int t = 0; t < 2; t++) {
		struct rbuf r;
		uint16_t len;

		if (cache_get(it->env->cache, name, types[t], CLASS_IN, now, 0,
			      RANK_ADDITIONAL, &hit, it->cbuf,
			      sizeof(it->cbuf)) != 1)
			continue;
		if (hit.set.kind == RRSET_NXDOMAIN)
			return got ? 1 : -1;
		if (hit.set.kind != RRSET_POSITIVE)
			continue;
		rbuf_init(&r, hit.set.rdata, hit.set.rdata_len);
		for (uint16_t i = 0; i < hit.set.count; i++) {
			if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
				break;
			if (len == (types[t] == RR_A ? 4 : 16) &&
			    cut_add_addr(it, f, types[t], r.base + r.pos, false)) {
				got = 1;
				*child = *child || hit.set.rank > RANK_GLUE;
			}
			r.pos += len;
		}
	}
	return got;
}

void cut_cached_addrs(struct iter *it, struct iter_frame *f, uint64_t now)
{
	for (uint16_t i = 0; i < f->nns; i++) {
		int r;

		if (f->ns[i].state != NS_NEED)
			continue;
		r = cached_addrs_of(it, f, f->ns[i].name, now,
				    &f->ns[i].child);
		if (r > 0) {
			f->ns[i].state = NS_HAVE;
		} else if (r < 0) {
			f->ns[i].state = NS_FAILED;
			it->target_nx++;        /* counts as a lookup's NXDOMAIN */
		}
	}
}

static void cut_reset(struct iter_frame *f, const uint8_t *zone,
		      const uint8_t *bail, uint8_t kind)
{
	memmove(f->zone, zone, name_length(zone));
	name_to_lower(f->zone);
	memmove(f->bail, bail, name_length(bail));
	name_to_lower(f->bail);
	f->kind = kind;
	f->cached = f->from_cache = false;
	f->nns = 0;
	f->nsrv = 0;
	f->min_labels = 1;
	f->cur = -1;
	f->replies = f->silent = 0;
	f->empty_seen = false;
}

/* A new cut: minimisation starts again from it, even if the previous
 * zone's servers made us give it up there. */
void cut_set_referral(struct iter *it, struct iter_frame *f,
		      const uint8_t *zone)
{
	cut_reset(f, zone, zone, CUT_ITER);
	f->minimise = it->env->conf->qname_min;
}

/* Loads the NS names of a cached NS set for zone into f. */
static bool cut_load_ns(struct iter *it, struct iter_frame *f,
			const uint8_t *zone, uint64_t now)
{
	struct cache_hit hit;
	struct rbuf r;
	uint16_t len;

	if (cache_get(it->env->cache, zone, RR_NS, CLASS_IN, now, 0,
		      RANK_GLUE, &hit, it->cbuf, sizeof(it->cbuf)) != 1 ||
	    hit.set.kind != RRSET_POSITIVE)
		return false;
	cut_reset(f, zone, zone, CUT_ITER);
	f->cached = hit.set.rank > RANK_GLUE;   /* the child's NS set */
	f->from_cache = true;
	rbuf_init(&r, hit.set.rdata, hit.set.rdata_len);
	for (uint16_t i = 0; i < hit.set.count; i++) {
		if (rbuf_u16(&r, &len) < 0 || rbuf_left(&r) < len)
			break;
		if (name_check(r.base + r.pos, len) == (int)len)
			cut_add_ns(f, it->env->conf, r.base + r.pos);
		r.pos += len;
	}
	return f->nns > 0;
}

/* The closest zone above z whose NS set the cache holds expired, or
 * NULL. A cut under it is not to be trusted: the parent may have
 * dropped or moved the delegation since (a ghost domain kept alive by
 * the child's long TTLs below it); the search goes on from there, so
 * that the delegation is fetched again (Unbound's rule since 2022). */
static const uint8_t *expired_above(struct iter *it, const uint8_t *z,
				    uint64_t at)
{
	while (z[0] != 0) {
		z += z[0] + 1;
		if (cache_expired(it->env->cache, z, RR_NS, CLASS_IN, at))
			return z;
	}
	return NULL;
}

/* The deepest cached zone cut at or above the goal with an address,
 * live at now (a prefetch: at now + ahead_ms) with no expired NS set
 * above it. DS lives in the parent zone: its search starts one label up. */
static bool cut_from_cache(struct iter *it, struct iter_frame *f,
			   uint64_t now)
{
	uint8_t zone[NAME_MAXLEN];
	const uint8_t *z = zone, *up;
	uint64_t at = now + it->ahead_ms;

	memcpy(zone, f->qname, name_length(f->qname));
	if (f->qtype == RR_DS && z[0])
		z += z[0] + 1;
	for (;;) {
		if (name_labels(z) < f->skip_labels &&
		    cut_load_ns(it, f, z, at)) {
			up = expired_above(it, z, at);
			if (up) {
				z = up;
				continue;
			}
			cut_cached_addrs(it, f, at);
			if (f->nsrv > 0)
				return true;
		}
		if (z[0] == 0)
			return false;
		z += z[0] + 1;
	}
}

/* A name server of the cut inside its own zone was left without an
 * address: its cached glue expired before the NS set (iter_ns_badip),
 * and only the parent can give it again. */
static bool glue_lost(const struct iter_frame *f)
{
	for (uint16_t i = 0; i < f->nns; i++)
		if (f->ns[i].state == NS_FAILED &&
		    name_is_subdomain(f->ns[i].name, f->zone))
			return true;
	return false;
}

/* Last resort, once per goal, when every server of a cut from the
 * cache failed and either the cut is the child's NS set (from its
 * answers: the parent may delegate to other servers) or it lost the
 * glue of a name server of its own: the parent is asked again and its
 * delegation used (Unbound's parent-side fallback). A cut just taken
 * from the parent's referral is not asked again, nor one whose servers
 * all have addresses from the parent (a dead zone costs nothing). */
bool cut_refetch(struct iter_frame *f)
{
	if (!(f->cached || (f->from_cache && glue_lost(f))) ||
	    f->refetched || f->kind != CUT_ITER || f->zone[0] == 0)
		return false;
	f->refetched = true;
	f->skip_labels = (uint8_t)name_labels(f->zone);
	f->state = FS_FIND_CUT;
	return true;
}

static void cut_from_hints(struct iter *it, struct iter_frame *f)
{
	const struct res_conf *rc = it->env->conf;

	cut_reset(f, root_name, root_name, CUT_HINTS);
	for (size_t i = 0; i < rc->nhints; i++)
		if (srv_add(f, &rc->hints[i].addr, false))
			cut_add_ns(f, rc, rc->hints[i].name);
	for (uint16_t i = 0; i < f->nns; i++)
		f->ns[i].state = NS_HAVE;
}

static void cut_from_fwd(struct iter_frame *f,
			 const struct res_fwd *fw)
{
	cut_reset(f, fw->zone, fw->stub ? fw->zone : root_name,
		  fw->stub ? CUT_STUB : CUT_FWD);
	for (size_t i = 0; i < fw->naddrs; i++)
		srv_add(f, &fw->addrs[i], false);
	if (!fw->stub)
		f->minimise = false;    /* the forwarder recurses: full name */
}

/* The cached alias target of name into t (lowercase); false if none. */
static bool cached_alias(struct iter *it, const uint8_t *name, uint64_t now,
			 uint8_t *t)
{
	struct cache_hit hit;
	uint16_t len;

	if (cache_get(it->env->cache, name, RR_CNAME, CLASS_IN, now, 0,
		      RANK_ANSWER_NONAUTH, &hit, it->cbuf, sizeof(it->cbuf)) != 1 ||
	    hit.set.kind != RRSET_POSITIVE || hit.set.count != 1)
		return false;
	len = wire_get_u16(hit.set.rdata);
	if (len > NAME_MAXLEN || hit.set.rdata_len < 2u + len ||
	    name_check(hit.set.rdata + 2, len) != len)
		return false;
	memcpy(t, hit.set.rdata + 2, len);
	name_to_lower(t);
	return !name_equal(t, name);
}

/* An NS name that the cache knows as an alias (it should not be one,
 * but some are): the side goal moves to the alias's target, each link
 * counted against max_cname, and is met at once when the target's
 * addresses are cached (Unbound's target lookups do the same). */
static bool side_goal_alias(struct iter *it, struct iter_frame *f,
			    uint64_t now)
{
	uint8_t t[NAME_MAXLEN];
	bool moved = false, child = false;

	while (it->ncname < it->env->conf->max_cname &&
	       cached_alias(it, f->qname, now, t)) {
		memcpy(f->qname, t, name_length(t));
		it->ncname++;
		moved = true;
	}
	return moved &&
	       cached_addrs_of(it, &it->frames[it->depth - 1], f->qname, now,
			       &child) > 0;
}

void cut_find(struct iter *it, struct iter_frame *f, uint64_t now)
{
	const struct res_fwd *fw;

	f->state = FS_SELECT;
	if (it->depth > 0 && f->parent_ns >= 0 &&
	    side_goal_alias(it, f, now)) {
		iter_frame_done(it);
		return;
	}
	fw = res_conf_forward(it->env->conf, f->qname);
	if (fw) {
		cut_from_fwd(f, fw);
		return;
	}
	if (cut_from_cache(it, f, now)) {
		if (f->pside && f->zone[0] && f->skip_labels == UINT8_MAX) {
			/* look_up_pside: the search goes on above */
			f->skip_labels = (uint8_t)name_labels(f->zone);
			f->state = FS_FIND_CUT;
		}
		return;
	}
	if (!it->primed) {
		it->primed = true;
		if (iter_push(it, root_name, RR_NS, -1) == 0) {
			f->state = FS_FIND_CUT;     /* again, after priming */
			return;
		}
	}
	cut_from_hints(it, f);
}

/* The tier of srv s (enum srv_tier) given its standing for the zone. */
static unsigned srv_tier(enum infra_lame lame, struct iter_srv *s)
{
	if (lame == INFRA_RECLAME)
		s->recursive = true;
	if (s->recursive)
		return TIER_RECURSIVE;
	if (s->empty || s->pside)
		return TIER_LATER;
	return lame == INFRA_AVOID ? TIER_AVOID : TIER_GOOD;
}

/* The candidate key of srv i: its tier, then how often it was tried for
 * this cut; ~0u when it is not to be asked: tried out, lame for the
 * zone, or known dead (infra lets one query through now and then as a
 * probe; until then the cut goes without it). */
static unsigned srv_candidate(struct iter *it, struct iter_frame *f,
			      uint16_t i, uint16_t qtype, uint64_t now,
			      struct infra_info *info)
{
	const struct sockaddr *sa = (const struct sockaddr *)&f->srv[i].addr.sa;
	enum infra_lame lame = INFRA_OK;

	if (f->srv[i].tries >= ITER_MAX_TRIES)
		return ~0u;
	if (f->kind != CUT_FWD)
		lame = infra_lame(it->env->infra, sa, f->zone, qtype, now);
	if (lame == INFRA_LAME)
		return ~0u;
	infra_get(it->env->infra, sa, qtype, now, info);
	if (info->down) {
		f->silent++;
		return ~0u;
	}
	return srv_tier(lame, &f->srv[i]) * ITER_MAX_TRIES + f->srv[i].tries;
}

/* Index of the server to ask next, of a tier up to max, or -1. Among
 * the best-keyed candidates, one with a smoothed RTT within
 * ITER_BAND_MS of the fastest is picked at random, so that slower
 * servers are measured now and then (Unbound's band). */
int srv_pick(struct iter *it, struct iter_frame *f, uint64_t now,
	     enum srv_tier max)
{
	struct infra_info info[ITER_MAX_SRV];
	unsigned key[ITER_MAX_SRV], best_key = ~0u, best_rtt = ~0u, n = 0;
	uint16_t qtype = query_qtype(f);
	uint32_t r = 0;

	for (uint16_t i = 0; i < f->nsrv; i++) {
		key[i] = srv_candidate(it, f, i, qtype, now, &info[i]);
		if (key[i] < best_key)
			best_key = key[i];
	}
	if (best_key == ~0u || best_key / ITER_MAX_TRIES > (unsigned)max)
		return -1;
	for (uint16_t i = 0; i < f->nsrv; i++)
		if (key[i] == best_key && info[i].srtt_ms < best_rtt)
			best_rtt = info[i].srtt_ms;
	for (uint16_t i = 0; i < f->nsrv; i++)
		if (key[i] == best_key &&
		    info[i].srtt_ms <= best_rtt + ITER_BAND_MS)
			n++;
	it->env->random(&r, sizeof(r));
	r %= n;
	for (uint16_t i = 0; i < f->nsrv; i++)
		if (key[i] == best_key &&
		    info[i].srtt_ms <= best_rtt + ITER_BAND_MS && r-- == 0)
			return i;
	return -1;
}
