/* banchi-check's commands. */
#ifndef BANCHI_CMD_CHECK_H
#define BANCHI_CMD_CHECK_H

#include <stdint.h>

#include "backend/pdns_sql.h"
#include "zone/zone.h"

/* Exit status: 0 good, 1 mistakes (on standard error). */
int conf_cmd(const char *file);

/* The zone origin of the PowerDNS database at uri into z (zone_add),
 * bad rows to diag: 0, or 2 when the database cannot be read (said on
 * standard error). */
int check_db_load(struct zone *z, const char *uri, const uint8_t *origin,
		  pdns_diag_fn diag, void *ctx);

#endif
