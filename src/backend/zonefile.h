/* Zone file backend: one master file through zparse, the zone builder
 * and its checks, into the serving form (zdb_zone). Diagnostics go to a
 * callback as FILE:LINE: message. */
#ifndef BANCHI_BACKEND_ZONEFILE_H
#define BANCHI_BACKEND_ZONEFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "zone/zonedb.h"

/* msg has no position; file may be NULL (then line is 0). error is
 * false for warnings. */
typedef void (*zonefile_diag_fn)(void *ctx, const char *file, unsigned line,
				 bool error, const char *msg);

/* Loads path as the zone origin (class IN). On success *out holds a new
 * zone with one reference and 0 is returned; otherwise the number of
 * errors (> 0) or a negative code (BN_EIO: unreadable, BN_ENOMEM), and
 * *out is NULL. Warnings are reported only when warnings is true. */
int zonefile_load(struct zdb_zone **out, const uint8_t *origin,
		  const char *path, zonefile_diag_fn diag, void *ctx,
		  bool warnings);

/* A zone the caller filled (zone_init, zone_add: from a database, say)
 * made ready to serve as a zone file is: finished, checked, built;
 * z is cleared. Returns as zonefile_load. */
int zonefile_finish(struct zone *z, struct zdb_zone **out,
		    zonefile_diag_fn diag, void *ctx, bool warnings);

#endif
