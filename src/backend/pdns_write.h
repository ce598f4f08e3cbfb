/* A zone written into a PowerDNS database as `pdnsutil load-zone` and
 * `pdnsutil rectify-zone` (4.x) leave it for a zone without DNSSEC keys:
 * a domains row of type NATIVE, one records row per record (pdns_out.h;
 * disabled 0, auth 1, ordername NULL) and one row without a type per
 * empty non-terminal; all in one transaction, through prepared
 * statements only. */
#ifndef BANCHI_BACKEND_PDNS_WRITE_H
#define BANCHI_BACKEND_PDNS_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/sql.h"
#include "zone/zonedb.h"

struct pdns_write_stats {
	int64_t domain_id;
	size_t records;                 /* rows of records written */
	size_t ents;                    /* empty non-terminal rows */
	size_t removed;                 /* rows replaced (replace) */
	bool replaced;                  /* the domain was there */
};

/* Writes z as the zone of its origin. A zone already in domains is
 * refused (BN_EINVAL, nothing written) unless replace: then its records
 * rows are replaced and its domains row (kind, metadata, keys) kept, as
 * pdnsutil load-zone does. 0, BN_EINVAL, BN_ERDATA (a record without a
 * text form), BN_ENOMEM, or a database error (rolled back). */
int pdns_write_zone(struct sql_conn *c, const struct zdb_zone *z,
		    bool replace, struct pdns_write_stats *st);

#endif
