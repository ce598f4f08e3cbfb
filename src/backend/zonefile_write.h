/* A served zone written back as master-file text (RFC 1035 5, one
 * record a line, absolute names, as named-compilezone writes): the
 * secondary's copy of a transferred zone, read again at start by
 * zonefile_load. */
#ifndef BANCHI_BACKEND_ZONEFILE_WRITE_H
#define BANCHI_BACKEND_ZONEFILE_WRITE_H

#include <stdio.h>

#include "zone/zonedb.h"

/* Every record of z to f, the SOA first, then in canonical order.
 * 0, BN_EIO (a write failed: errno kept), BN_ERDATA (a record that has
 * no text form), BN_ENOMEM. */
int zonefile_write(FILE *f, const struct zdb_zone *z);

/* z to path whole or not at all: written to path.tmp, fsynced, renamed
 * over path, the folder synced. 0, or as zonefile_write (the temporary
 * file removed). */
int zonefile_save(const char *path, const struct zdb_zone *z);
/* The same with head (lines of comments, ending in a newline) first. */
int zonefile_save_head(const char *path, const struct zdb_zone *z,
		       const char *head);

/* A copy of the file from at to, whole or not at all (to.tmp, fsync,
 * rename, the folder synced). 0 or BN_EIO (errno kept). */
int zonefile_copy(const char *from, const char *to);

#endif
