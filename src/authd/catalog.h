/* The catalog zone banchi-auth produces (--catalog-produce NAME, RFC
 * 9432): every zone served, listed for secondaries that consume
 * catalogs (Knot, BIND, PowerDNS, banchi) to provision themselves. */
#ifndef BANCHI_AUTHD_CATALOG_H
#define BANCHI_AUTHD_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include "zone/zonedb.h"

/* The catalog named origin listing members[0 .. n) at serial. */
int catalog_build(struct zdb_zone **out, const uint8_t *origin,
		  const uint8_t *const *members, size_t n, uint32_t serial);

/* *cat made again when the members changed (its serial the time, or
 * one more than before): 1 when it was, 0 when unchanged, < 0 error. */
int catalog_update(struct zdb_zone **cat, const uint8_t *origin,
		   const uint8_t *const *members, size_t n);

#endif
