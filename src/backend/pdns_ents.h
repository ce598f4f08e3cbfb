/* Empty non-terminal rows kept right after a change written into
 * PowerDNS's records table (pdns_ents.c), as pdnsutil rectify-zone
 * leaves them: a row of type NULL at each name with records below it
 * and none of its own, and none elsewhere. */
#ifndef BANCHI_BACKEND_PDNS_ENTS_H
#define BANCHI_BACKEND_PDNS_ENTS_H

#include "backend/sql.h"
#include "zone/change.h"

/* For the owners of chg's records and their ancestors below origin,
 * inside the caller's transaction. 0 or an error. */
int pdns_fix_ents(struct sql_conn *c, const char *domain_id,
		  const uint8_t *origin, const struct zchange *chg);

#endif
