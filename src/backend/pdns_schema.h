/* PowerDNS's 4.x database schema (its gsqlite3 and gpgsql backends'):
 * the tables domains, records, supermasters, comments, domainmetadata,
 * cryptokeys and tsigkeys with the columns and indexes PowerDNS and its
 * tools use, made in an empty database so that a user without PowerDNS
 * can start one that PowerDNS, pdnsutil and banchi-auth all read. */
#ifndef BANCHI_BACKEND_PDNS_SCHEMA_H
#define BANCHI_BACKEND_PDNS_SCHEMA_H

#include "backend/sql.h"

/* Creates the schema in one transaction. 0; BN_EINVAL when the
 * database holds a domains or records table already (nothing done);
 * or a database error. */
int pdns_schema_create(struct sql_conn *c);

#endif
