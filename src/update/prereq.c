/* RFC 2136 3.2: the prerequisite section, checked against the zone as it
 * is before the update. Value-independent ones are checked in order;
 * "RRset exists (value dependent)" ones are gathered, and each RRset
 * they spell is compared as a set with the zone's at the end (as the
 * RFC's pseudocode and BIND do: an earlier failure of another kind wins). */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "update/update_int.h"
#include "wire/rrtype.h"

struct vdep {
	const uint8_t *owner;
	const uint8_t *rd;
	uint16_t len, type, covered;
	unsigned idx;
};

struct vlist {
	struct vdep *v;
	size_t n;
};

static const struct zdb_rrset *zone_set(const struct zdb_node *n,
					uint16_t type, uint16_t covered)
{
	if (!n)
		return NULL;
	if (type == RR_RRSIG && covered)
		return zdb_node_rrsig(n, covered);
	return zdb_node_rrset(n, type);
}

/* Class ANY or NONE: name in use, RRset exists, and their negations. */
static uint16_t check_exists(struct upd *u, const struct msg_rr *r,
			     unsigned idx)
{
	const struct zdb_node *n = zdb_zone_find(u->z, u->owner);
	bool yes = r->type == RR_ANY ? n && n->nsets :
				       zone_set(n, r->type, 0) != NULL;
	bool want = r->rclass == CLASS_ANY;

	if (yes == want)
		return RCODE_NOERROR;
	if (r->type == RR_ANY) {
		upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, 0,
			 want ? "name is in use (NXDOMAIN) failed: no such name" :
				"name is not in use (YXDOMAIN) failed: the name exists");
		return want ? RCODE_NXDOMAIN : RCODE_YXDOMAIN;
	}
	upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, r->type,
		 want ? "RRset exists (NXRRSET) failed: no such RRset" :
			"RRset does not exist (YXRRSET) failed: the RRset exists");
	return want ? RCODE_NXRRSET : RCODE_YXRRSET;
}

static uint16_t gather(struct upd *u, const struct msg_rr *r, unsigned idx,
		       struct vlist *vl)
{
	int len = msg_rr_rdata(u->m, r, u->rd, sizeof(u->rd));
	struct vdep *v = &vl->v[vl->n];

	if (len < 0) {
		upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, r->type,
			 "RDATA is malformed (FORMERR)");
		return RCODE_FORMERR;
	}
	v->owner = arena_memdup(&u->arena, u->owner, name_length(u->owner));
	v->rd = len ? arena_memdup(&u->arena, u->rd, (size_t)len) :
		      (const uint8_t *)"";
	if (!v->owner || !v->rd)
		return RCODE_SERVFAIL;
	v->len = (uint16_t)len;
	v->type = r->type;
	v->covered = r->type == RR_RRSIG ? work_covered(v->rd, v->len) : 0;
	v->idx = idx;
	vl->n++;
	return RCODE_NOERROR;
}

static uint16_t one_prereq(struct upd *u, const struct msg_rr *r,
			   unsigned idx, struct vlist *vl)
{
	if (msg_rr_owner(u->m, r, u->owner) < 0)
		return RCODE_FORMERR;
	if (r->ttl != 0) {
		upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, r->type,
			 "TTL %u is not 0 (FORMERR)", (unsigned)r->ttl);
		return RCODE_FORMERR;
	}
	if (!name_is_subdomain(u->owner, zdb_zone_origin(u->z))) {
		upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, r->type,
			 "name is outside the zone (NOTZONE)");
		return RCODE_NOTZONE;
	}
	if (r->rclass == CLASS_ANY || r->rclass == CLASS_NONE) {
		if (r->rdlen) {
			upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, r->type,
				 "class %s with RDATA (FORMERR)",
				 r->rclass == CLASS_ANY ? "ANY" : "NONE");
			return RCODE_FORMERR;
		}
		return check_exists(u, r, idx);
	}
	if (r->rclass == CLASS_IN)
		return gather(u, r, idx, vl);
	upd_note(u, UPDATE_SEC_PREREQ, idx, u->owner, r->type,
		 "class %u is not IN, ANY or NONE (FORMERR)",
		 (unsigned)r->rclass);
	return RCODE_FORMERR;
}

static int vdep_cmp(const void *pa, const void *pb)
{
	const struct vdep *a = pa, *b = pb;
	int c = name_compare(a->owner, b->owner);

	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	if (a->covered != b->covered)
		return a->covered < b->covered ? -1 : 1;
	c = rdata_compare(a->type, a->rd, a->len, b->rd, b->len);
	if (c)
		return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool same_set(const struct vdep *a, const struct vdep *b)
{
	return a->type == b->type && a->covered == b->covered &&
	       name_equal(a->owner, b->owner);
}

/* v[0 .. n) is one RRset of the prerequisites, sorted, duplicates
 * included (a set: they count once); the zone's set is in the same
 * canonical order, so one walk compares them. */
static uint16_t check_value(struct upd *u, const struct vdep *v, size_t n)
{
	const struct zdb_rrset *s =
		zone_set(zdb_zone_find(u->z, v->owner), v->type, v->covered);
	unsigned first = v->idx;
	bool ok = s != NULL;
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		first = v[i].idx < first ? v[i].idx : first;
	for (size_t i = 0; ok && i < n; i++) {
		if (i && !rdata_compare(v->type, v[i].rd, v[i].len,
					v[i - 1].rd, v[i - 1].len))
			continue;
		ok = k < s->count &&
		     !rdata_compare(v->type, v[i].rd, v[i].len, s->rr[k].data,
				    s->rr[k].len);
		k++;
	}
	if (ok && k == s->count)
		return RCODE_NOERROR;
	upd_note(u, UPDATE_SEC_PREREQ, first, v->owner, v->type,
		 "RRset exists (value dependent, NXRRSET) failed: %s",
		 s ? "the RRset differs" : "no such RRset");
	return RCODE_NXRRSET;
}

static uint16_t check_values(struct upd *u, struct vlist *vl)
{
	size_t i = 0;

	qsort(vl->v, vl->n, sizeof(*vl->v), vdep_cmp);
	while (i < vl->n) {
		size_t j = i + 1;
		uint16_t rc;

		while (j < vl->n && same_set(&vl->v[i], &vl->v[j]))
			j++;
		rc = check_value(u, &vl->v[i], j - i);
		if (rc != RCODE_NOERROR)
			return rc;
		i = j;
	}
	return RCODE_NOERROR;
}

uint16_t prereq_check(struct upd *u)
{
	uint16_t n = msg_section_count(u->m, MSG_ANSWER), rc;
	struct vlist vl = { .n = 0 };

	if (!n)
		return RCODE_NOERROR;
	vl.v = arena_alloc(&u->arena, n * sizeof(*vl.v));
	if (!vl.v)
		return RCODE_SERVFAIL;
	for (uint16_t i = 0; i < n; i++) {
		rc = one_prereq(u, msg_section_rr(u->m, MSG_ANSWER, i),
				i + 1u, &vl);
		if (rc != RCODE_NOERROR)
			return rc;
	}
	return check_values(u, &vl);
}
