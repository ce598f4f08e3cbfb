/* A change to a zone (the records an UPDATE removed and added, its two
 * SOAs) written into PowerDNS's records table in one transaction, the
 * way PowerDNS's own RFC 2136 code leaves rows: a removed record's row
 * is found by its data (whatever form its content text was written in)
 * and deleted; an added record gets a row as pdnsutil writes one
 * (pdns_out.h; disabled 0, auth 1). Prepared statements only. */
#ifndef BANCHI_BACKEND_PDNS_CHANGE_H
#define BANCHI_BACKEND_PDNS_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include "backend/sql.h"
#include "zone/change.h"

/* c applied to the rows of domain_id (the zone origin). 0, or an error
 * with why (cap octets) saying what, the transaction rolled back:
 * BN_ENOTFOUND when a removed record has no row (the rows changed since
 * they were read), a database error, BN_ERDATA, BN_ENOMEM. */
int pdns_write_change(struct sql_conn *conn, int64_t domain_id,
		      const uint8_t *origin, const struct zchange *c,
		      char *why, size_t cap);

#endif
