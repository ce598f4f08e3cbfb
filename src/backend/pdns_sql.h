/* PowerDNS's schema read through a SQL driver: the zones of the domains
 * table, and the records rows of a zone (all, or those of some names)
 * turned into records of a zone builder (pdns_row.h), bad rows reported
 * with the table, the row id and the reason and left out. The caller
 * holds a transaction around reads that must agree with each other. */
#ifndef BANCHI_BACKEND_PDNS_SQL_H
#define BANCHI_BACKEND_PDNS_SQL_H

#include <stddef.h>
#include <stdint.h>

#include "backend/pdns_row.h"
#include "backend/sql.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

/* domains.type as PowerDNS reads it (case-insensitively). */
enum pdns_kind {
	PDNS_NATIVE, PDNS_MASTER, PDNS_SLAVE, PDNS_PRODUCER, PDNS_CONSUMER,
	PDNS_OTHER,
};

struct pdns_domain {
	int64_t id;
	uint8_t origin[NAME_MAXLEN];    /* lowercase */
	char name[NAME_TEXT_MAX];       /* with the final dot, for logs */
	enum pdns_kind kind;
	char type[16];                  /* domains.type as written */
};

/* A bad row: table ("records", "domains"), its id as text, why; or
 * (table NULL) why the rows make no valid zone, with the id of a row
 * concerned (NULL when none). */
typedef void (*pdns_diag_fn)(void *ctx, const char *table, const char *id,
			     const char *why);

/* Every row of domains, in *out (malloc'd, *n of them); rows whose name
 * is no domain name are reported and left out. 0 or an error. */
int pdns_domains(struct sql_conn *c, struct pdns_domain **out, size_t *n,
		 pdns_diag_fn diag, void *ctx);

/* The domains row of the zone origin (pdns_domains, bad rows to diag):
 * 0 with *out, BN_ENOTFOUND, or a database error. */
int pdns_find_domain(struct sql_conn *c, const uint8_t *origin,
		     struct pdns_domain *out, pdns_diag_fn diag, void *ctx);

/* The records rows of domain_id (names NULL: all; else those whose name
 * is one of names[0 .. nnames), as the change table lists them) into z
 * through cv. The number of records added, or a database error. */
int pdns_rows(struct sql_conn *c, int64_t domain_id,
	      const struct sql_text *names, size_t nnames,
	      struct pdns_conv *cv, struct zone *z, pdns_diag_fn diag,
	      void *ctx);

/* A whole zone read and made ready to serve (zonefile_finish): 0 with
 * *out (one reference), > 0 when the rows make no valid zone (no SOA,
 * CNAME beside other data...: reported), or a database error. */
int pdns_load_zone(struct sql_conn *c, const struct pdns_domain *d,
		   struct zdb_zone **out, pdns_diag_fn diag, void *ctx);

#endif
