/* Additional section: A and AAAA of the targets of NS, MX, SRV, SVCB and
 * HTTPS records in the answer or authority, from the same zone, with
 * wildcards and glue (Knot's choice; other zones are left out). Glue
 * below a referral's cut that does not fit sets TC (RFC 9471); other
 * addresses are a courtesy, dropped silently when they do not fit. */
#include <string.h>

#include "auth/auth_int.h"
#include "wire/rrtype.h"

void auth_want_additional(struct auth_query *a, const struct zdb_zone *z,
			  const struct zdb_rrset *set, const uint8_t *cut)
{
	if (a->naddl >= AUTH_MAX_ADDL)
		return;
	a->addl[a->naddl].zone = z;
	a->addl[a->naddl].set = set;
	a->addl[a->naddl].cut = cut;
	a->naddl++;
}

int auth_target_offset(uint16_t type)
{
	switch (type) {
	case RR_NS:
		return 0;
	case RR_MX:
	case RR_SVCB:
	case RR_HTTPS:
		return 2;
	case RR_SRV:
		return 6;
	default:
		return -1;
	}
}

static bool already_added(struct auth_query *a, const struct zdb_node *n)
{
	for (uint8_t i = 0; i < a->nadded; i++)
		if (a->added[i] == n)
			return true;
	if (a->nadded < AUTH_MAX_ADDED)
		a->added[a->nadded++] = n;
	return false;
}

/* The node holding target's addresses: exact (glue below a cut too, as
 * Knot adds it for MX and SRV as well), else a wildcard that covers it;
 * *owner is what to write as the records' owner. */
static const struct zdb_node *target_node(const struct zdb_zone *z,
					  const uint8_t *target,
					  const uint8_t **owner)
{
	const struct zdb_node *n = zdb_zone_find(z, target);
	struct zdb_lookup r;

	if (n) {
		*owner = n->owner;
		return n;
	}
	memset(&r, 0, sizeof(r));
	zdb_zone_lookup(z, target, &r);
	if (r.node || r.cut || r.dname || !r.wildcard)
		return NULL;
	*owner = target;
	return r.wildcard;
}

/* Addresses of one target. */
static void add_target(struct auth_query *a, const struct auth_addl *ad,
		       const uint8_t *target)
{
	static const uint16_t types[] = { RR_A, RR_AAAA };
	const struct zdb_node *n;
	const struct zdb_rrset *set;
	const uint8_t *owner;

	if (!name_is_subdomain(target, zdb_zone_origin(ad->zone)))
		return;
	n = target_node(ad->zone, target, &owner);
	if (!n || (owner == n->owner && already_added(a, n)))
		return;
	/* a set that does not fit is skipped and smaller ones still tried,
	 * as Knot does */
	for (int i = 0; i < 2; i++) {
		set = zdb_node_rrset(n, types[i]);
		if (!set)
			continue;
		if (auth_put_rrset(a, MSG_ADDITIONAL, owner, set) == 0) {
			auth_note(a, ad->cut && name_is_subdomain(target,
								   ad->cut) ?
				  WHY_GLUE : WHY_ADDITIONAL, ad->zone,
				  n->owner, owner, types[i], set);
			/* RFC 4035 3.1.1: signatures that do not fit here
			 * are left out, without TC */
			if (a->dnssec)
				auth_put_rrsig(a, MSG_ADDITIONAL, owner, n,
					       types[i], 0);
			continue;
		}
		if (ad->cut && name_is_subdomain(target, ad->cut))
			a->glue_tc = true;
	}
}

void auth_additional(struct auth_query *a)
{
	for (uint8_t i = 0; i < a->naddl; i++) {
		const struct auth_addl *ad = &a->addl[i];
		int off = auth_target_offset(ad->set->type);

		for (uint16_t j = 0; off >= 0 && j < ad->set->count; j++) {
			const struct zdb_rdata *rd = &ad->set->rr[j];

			if (rd->len <= off ||
			    name_check(rd->data + off, rd->len - (size_t)off) <= 0)
				continue;
			add_target(a, ad, rd->data + off);
		}
	}
}
