/* update_apply: RFC 2136 3.1 (zone section), 3.2 (prerequisites, in
 * prereq.c), 3.4.1 (prescan), then the end: the net change and the new
 * SOA serial. The update records themselves are applied in apply.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "update/update_int.h"
#include "wire/rrtype.h"

bool upd_type_meta(uint16_t type)
{
	return type == RR_OPT || (type >= 128 && type <= 255);
}

void upd_note(struct upd *u, enum update_section s, unsigned idx,
	      const uint8_t *owner, uint16_t type, const char *fmt, ...)
{
	static const char *const what[] = { "", "zone", "prerequisite",
					    "update" };
	struct update_info *in = u->info;
	char name[NAME_TEXT_MAX], tbuf[16];
	va_list ap;
	int n;

	if (!owner || name_to_text(name, sizeof(name), owner) < 0)
		strcpy(name, "?");
	n = snprintf(in->text, sizeof(in->text), "%s %u: %s%s%s ", what[s],
		     idx, name, type ? " " : "",
		     type ? rrtype_to_text(type, tbuf) : "");
	if (n > 0 && (size_t)n < sizeof(in->text)) {
		va_start(ap, fmt);
		vsnprintf(in->text + n, sizeof(in->text) - (size_t)n, fmt, ap);
		va_end(ap);
	}
	in->section = s;
	in->index = idx;
}

/* 3.1.1: one zone record, type SOA, naming the zone, class IN. */
static uint16_t zone_section(struct upd *u)
{
	const struct msg_rr *r;

	if (msg_section_count(u->m, MSG_QUESTION) != 1) {
		snprintf(u->info->text, sizeof(u->info->text),
			 "zone section holds %u records, not 1 (FORMERR)",
			 (unsigned)msg_section_count(u->m, MSG_QUESTION));
		u->info->section = UPDATE_SEC_ZONE;
		return RCODE_FORMERR;
	}
	r = msg_section_rr(u->m, MSG_QUESTION, 0);
	if (msg_rr_owner(u->m, r, u->owner) < 0)
		return RCODE_FORMERR;
	if (r->type != RR_SOA) {
		upd_note(u, UPDATE_SEC_ZONE, 1, u->owner, r->type,
			 "is not of type SOA (FORMERR)");
		return RCODE_FORMERR;
	}
	/* RFC 2136 says NOTAUTH; BIND 9.18 and Knot 3.2 say NOTIMP */
	if (r->rclass != CLASS_IN) {
		upd_note(u, UPDATE_SEC_ZONE, 1, u->owner, r->type,
			 "class %u is not IN (NOTIMP)", (unsigned)r->rclass);
		return RCODE_NOTIMP;
	}
	if (!name_equal(u->owner, zdb_zone_origin(u->z))) {
		upd_note(u, UPDATE_SEC_ZONE, 1, u->owner, r->type,
			 "is not the zone's name (NOTAUTH)");
		return RCODE_NOTAUTH;
	}
	return RCODE_NOERROR;
}

static uint16_t prescan_class(struct upd *u, const struct msg_rr *r,
			      unsigned idx)
{
	const char *bad = NULL;

	if (r->rclass == CLASS_IN) {
		if (upd_type_meta(r->type))
			bad = "meta type added (FORMERR)";
		else if (msg_rr_rdata(u->m, r, u->rd, sizeof(u->rd)) < 0)
			bad = "RDATA is malformed (FORMERR)";
	} else if (r->rclass == CLASS_ANY) {
		if (r->ttl || r->rdlen)
			bad = "class ANY with a TTL or RDATA (FORMERR)";
		else if (upd_type_meta(r->type) && r->type != RR_ANY)
			bad = "meta type deleted (FORMERR)";
	} else if (r->rclass == CLASS_NONE) {
		if (r->ttl)
			bad = "class NONE with a TTL (FORMERR)";
		else if (upd_type_meta(r->type))
			bad = "meta type deleted (FORMERR)";
		else if (msg_rr_rdata(u->m, r, u->rd, sizeof(u->rd)) < 0)
			bad = "RDATA is malformed (FORMERR)";
	} else {
		bad = "class is not IN, ANY or NONE (FORMERR)";
	}
	if (!bad)
		return RCODE_NOERROR;
	upd_note(u, UPDATE_SEC_UPDATE, idx, u->owner, r->type, "%s", bad);
	return RCODE_FORMERR;
}

/* 3.4.1, and BIND's refusal of the records a signer owns: NSEC and
 * NSEC3 anywhere, RRSIG but at the apex. */
static uint16_t prescan(struct upd *u)
{
	const uint8_t *origin = zdb_zone_origin(u->z);
	uint16_t n = msg_section_count(u->m, MSG_AUTHORITY), rc;

	for (uint16_t i = 0; i < n; i++) {
		const struct msg_rr *r = msg_section_rr(u->m, MSG_AUTHORITY, i);

		if (msg_rr_owner(u->m, r, u->owner) < 0)
			return RCODE_FORMERR;
		if (!name_is_subdomain(u->owner, origin)) {
			upd_note(u, UPDATE_SEC_UPDATE, i + 1u, u->owner,
				 r->type, "name is outside the zone (NOTZONE)");
			return RCODE_NOTZONE;
		}
		rc = prescan_class(u, r, i + 1u);
		if (rc != RCODE_NOERROR)
			return rc;
		if (r->type == RR_NSEC || r->type == RR_NSEC3 ||
		    (r->type == RR_RRSIG && !name_equal(u->owner, origin))) {
			upd_note(u, UPDATE_SEC_UPDATE, i + 1u, u->owner,
				 r->type, "DNSSEC records are the signer's "
				 "(REFUSED)");
			return RCODE_REFUSED;
		}
	}
	return RCODE_NOERROR;
}

/* Offset of the serial in SOA RDATA, or -1. */
static int soa_serial_off(const uint8_t *rd, uint16_t len)
{
	int a = name_check(rd, len), b;

	if (a < 0)
		return -1;
	b = name_check(rd + a, (size_t)(len - a));
	if (b < 0 || a + b + 20 > len)
		return -1;
	return a + b;
}

/* The apex SOA as the message leaves it, or the zone's. */
static const struct wrr *final_soa(struct upd *u, uint32_t *ttl)
{
	struct wnode *apex = work_node(u, zdb_zone_origin(u->z));
	struct wset *s = apex ? work_set(u, apex, RR_SOA, 0, false) : NULL;

	for (uint32_t i = 0; s && i < s->n; i++)
		if (s->rr[i].live) {
			*ttl = s->ttl;
			return &s->rr[i];
		}
	return NULL;
}

/* The SOA the change ends at: as the message set it, or the old one
 * with the serial one later (RFC 1982, 0 skipped as BIND does). */
static uint16_t finish(struct upd *u, struct zchange *out)
{
	const uint8_t *origin = zdb_zone_origin(u->z);
	const struct zchange_rr *from = &out->soa_from;
	uint32_t ttl = 0, serial;
	const struct wrr *soa = final_soa(u, &ttl);
	int off;

	if (!soa || work_diff(u, out))
		return RCODE_SERVFAIL;
	if (!out->ndel && !out->nadd && ttl == from->ttl &&
	    soa->len == from->rdlen && !memcmp(soa->rd, from->rdata, soa->len))
		return RCODE_NOERROR;
	if (apply_nscheck(u) != RCODE_NOERROR)
		return RCODE_REFUSED;
	memcpy(u->rd, soa->rd, soa->len);
	off = soa_serial_off(u->rd, soa->len);
	if (off < 0)
		return RCODE_SERVFAIL;
	if (!u->soa_set) {
		serial = zchange_from(out) + 1;
		serial += !serial;
		u->rd[off] = (uint8_t)(serial >> 24);
		u->rd[off + 1] = (uint8_t)(serial >> 16);
		u->rd[off + 2] = (uint8_t)(serial >> 8);
		u->rd[off + 3] = (uint8_t)serial;
	}
	if (zchange_set_soa(out, true, origin, ttl, u->rd, soa->len))
		return RCODE_SERVFAIL;
	return RCODE_NOERROR;
}

static uint16_t start(struct upd *u, struct zchange *out)
{
	const struct zdb_node *apex = zdb_zone_apex(u->z);
	const struct zdb_rrset *soa = apex ? zdb_node_rrset(apex, RR_SOA) : 0;
	size_t want = 2u * (u->m->rr_count + 2u) + 16u, nslot = 64;

	if (!soa || !soa->count)
		return RCODE_SERVFAIL;
	if (zchange_set_soa(out, false, zdb_zone_origin(u->z), soa->ttl,
			    soa->rr[0].data, soa->rr[0].len))
		return RCODE_SERVFAIL;
	while (nslot < want)
		nslot *= 2;
	u->slot = arena_alloc(&u->arena, nslot * sizeof(*u->slot));
	if (!u->slot)
		return RCODE_SERVFAIL;
	memset(u->slot, 0, nslot * sizeof(*u->slot));
	u->nslot = nslot;
	return RCODE_NOERROR;
}

static uint16_t run(struct upd *u, struct zchange *out)
{
	uint16_t rc = zone_section(u);

	if (rc == RCODE_NOERROR)
		rc = start(u, out);
	if (rc == RCODE_NOERROR)
		rc = prereq_check(u);
	if (rc == RCODE_NOERROR)
		rc = prescan(u);
	if (rc == RCODE_NOERROR)
		rc = apply_updates(u);
	if (rc == RCODE_NOERROR)
		rc = finish(u, out);
	return rc;
}

uint16_t update_apply(const struct zdb_zone *z, const struct msg *m,
		      struct zchange *out, struct update_info *info)
{
	struct upd *u = malloc(sizeof(*u));
	uint16_t rc;

	memset(info, 0, sizeof(*info));
	if (!u) {
		strcpy(info->text, "out of memory (SERVFAIL)");
		return RCODE_SERVFAIL;
	}
	memset(u, 0, offsetof(struct upd, owner));
	u->z = z;
	u->m = m;
	u->info = info;
	arena_init(&u->arena, 65536);
	rc = run(u, out);
	if (rc == RCODE_SERVFAIL && !info->text[0])
		strcpy(info->text, "out of memory or a damaged zone (SERVFAIL)");
	arena_clear(&u->arena);
	free(u);
	return rc;
}
