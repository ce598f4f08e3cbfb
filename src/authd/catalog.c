/* The catalog zone banchi-auth produces (RFC 9432, version 2): one PTR
 * per zone served, at a label made from a hash of the member's name (so
 * that it stays the same across restarts and reloads), under zones.CAT;
 * SOA and NS "invalid." as the RFC's examples. Made again on reload
 * when the set of zones changed, with a serial that goes up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "authd/catalog.h"
#include "base/error.h"
#include "wire/rrtype.h"
#include "zone/change.h"
#include "zone/zone.h"
#include "zparse/zparse.h"

static int on_rr(void *ctx, const struct zrr *rr)
{
	return zone_add(ctx, rr);
}

/* The zone's text: small, one line per member. */
static char *catalog_text(const uint8_t *const *members, size_t n,
			  uint32_t serial, size_t *len)
{
	size_t cap = 256 + n * (NAME_TEXT_MAX + 64), at;
	char *t = malloc(cap), name[NAME_TEXT_MAX];

	if (!t)
		return NULL;
	at = (size_t)snprintf(t, cap, "$TTL 0\n@ SOA invalid. invalid. %u "
			      "3600 600 2147483646 0\n@ NS invalid.\n"
			      "version TXT \"2\"\n", serial);
	for (size_t i = 0; i < n && at < cap; i++) {
		name_to_text(name, sizeof(name), members[i]);
		at += (size_t)snprintf(t + at, cap - at, "%016llx.zones PTR "
				       "%s\n", (unsigned long long)
				       name_hash_lc(members[i]), name);
	}
	*len = at;
	return t;
}

int catalog_build(struct zdb_zone **out, const uint8_t *origin,
		  const uint8_t *const *members, size_t n, uint32_t serial)
{
	struct zparse_opts o = { .origin = origin, .on_rr = on_rr,
				 .no_include = true };
	size_t len;
	char *text = catalog_text(members, n, serial, &len);
	struct zone z;
	int ret;

	*out = NULL;
	if (!text)
		return BN_ENOMEM;
	zone_init(&z, origin, 1);
	o.ctx = &z;
	ret = zparse_text(text, len, "(catalog)", &o);
	if (ret == 0)
		ret = zone_finish(&z);
	if (ret == 0)
		ret = zdb_zone_build(out, &z);
	zone_clear(&z);
	free(text);
	return ret;
}

/* Whether old lists exactly the members (order aside). */
static bool same_members(const struct zdb_zone *old,
			 const uint8_t *const *members, size_t n)
{
	size_t ptrs = 0;

	for (size_t i = 0; i < zdb_zone_node_count(old); i++)
		if (zdb_node_rrset(zdb_zone_node(old, i), RR_PTR))
			ptrs++;
	if (ptrs != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t w[NAME_MAXLEN + 32];
		char label[24];
		size_t ol = name_length(zdb_zone_origin(old));
		snprintf(label, sizeof(label), "%016llx",
			 (unsigned long long)name_hash_lc(members[i]));
		w[0] = 16;
		memcpy(w + 1, label, 16);
		memcpy(w + 17, "\5zones", 6);
		memcpy(w + 23, zdb_zone_origin(old), ol);
		if (!zdb_node_rrset(zdb_zone_find(old, w), RR_PTR))
			return false;
	}
	return true;
}

int catalog_update(struct zdb_zone **cat, const uint8_t *origin,
		   const uint8_t *const *members, size_t n)
{
	uint32_t serial = (uint32_t)time(NULL);
	struct zdb_zone *z;
	int ret;

	if (*cat && same_members(*cat, members, n))
		return 0;
	if (*cat && !serial_after(serial, zdb_zone_serial(*cat)))
		serial = zdb_zone_serial(*cat) + 1;
	ret = catalog_build(&z, origin, members, n, serial);
	if (ret < 0)
		return ret;
	zdb_zone_unref(*cat);
	*cat = z;
	return 1;
}
