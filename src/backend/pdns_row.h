/* One row of PowerDNS's records table (4.x schema: name, type, content,
 * ttl, prio, disabled) as a record, read the way PowerDNS reads it:
 * names stored lowercase without the final dot, content in presentation
 * form with absolute names without the final dot, MX and SRV priority in
 * the prio column put in front of the content (gsql's extractRecord),
 * a NULL ttl the default TTL (3600), disabled rows not served, rows
 * without a type (the empty non-terminals pdnsutil rectify-zone writes)
 * not records. Anything PowerDNS would not serve as a record of this zone
 * is a bad row, with the reason. No I/O: the SQL layer feeds it. */
#ifndef BANCHI_BACKEND_PDNS_ROW_H
#define BANCHI_BACKEND_PDNS_ROW_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/sql.h"
#include "wire/name.h"
#include "zparse/zparse.h"

#define PDNS_DEFAULT_TTL 3600   /* PowerDNS's default-ttl */

/* Columns as the loader selects them. */
struct pdns_row {
	struct sql_text id, name, type, content, ttl, prio, disabled;
};

/* The conversion state of one zone (buffers, the SOA seen). */
struct pdns_conv {
	uint8_t origin[NAME_MAXLEN];
	struct zparse_rd *rd;
	bool soa_seen;
	uint8_t owner[NAME_MAXLEN];
	struct pdns_type_seen {         /* type texts taken lately: */
		char text[15];
		uint8_t len;            /* (0: none) */
		uint16_t code;
	} seen[8];
	unsigned seen_next;             /* the slot to reuse next */
	char *text;                     /* prio + content */
	size_t cap;
	char why[400];
};

/* origin: the zone's name (wire). 0 or BN_ENOMEM. */
int pdns_conv_init(struct pdns_conv *cv, const uint8_t *origin);
void pdns_conv_clear(struct pdns_conv *cv);
/* Before another pass over the zone's rows (no SOA seen yet). */
void pdns_conv_restart(struct pdns_conv *cv);

/* Returns 1 with *rr filled (owner, type, TTL, RDATA; class IN; valid
 * until the next call), 0 for a row that is no record to serve
 * (disabled, an empty non-terminal), or a negative value for a bad row
 * with *why saying why (valid until the next call). */
int pdns_row_rr(struct pdns_conv *cv, const struct pdns_row *r,
		struct zrr *rr, const char **why);

/* The wire name of a name column value (as PowerDNS stores names), or
 * <0 with *why. Used for the names the change table lists. */
int pdns_row_name(struct pdns_conv *cv, const struct sql_text *name,
		  uint8_t *out, const char **why);

#endif
