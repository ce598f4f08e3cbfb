/* banchi's own tables in a PowerDNS database, beside PowerDNS's (which
 * it never alters): banchi_changes, filled by triggers on records and
 * domains with the domain and the name each change touched (any client:
 * PowerDNS, pdnsutil, SQL), and banchi_serial, the serial banchi serves
 * for each zone when it had to raise the database's own (rows changed
 * but the SOA serial did not), so that a restart never goes backwards.
 * The DDL is each driver's; the statements here are plain SQL both
 * databases take ("?" placeholders). */
#ifndef BANCHI_BACKEND_SQL_TRACK_H
#define BANCHI_BACKEND_SQL_TRACK_H

/* The tables and triggers, made when missing (one transaction). */
extern const char sql_track_sqlite[];
/* PostgreSQL's: one trigger function (SECURITY DEFINER: whoever writes
 * records needs no right on banchi's tables) that also notifies
 * SQL_PG_CHANNEL; and the query saying whether all of it is there
 * already (one row, one boolean column: a user who may not create it
 * uses what an administrator made). */
extern const char sql_track_pg[];
extern const char sql_track_pg_present[];
#define SQL_PG_CHANNEL "banchi_changes"
/* SQLite's: whether the tables and the six triggers are there (one row,
 * 1 or 0). */
extern const char sql_track_sqlite_present[];
/* PostgreSQL: the database's OID (a database made again gets another). */
extern const char sql_track_pg_identity[];

/* Per domain, the changes after an id: domain_id, rows, rows with a
 * name, distinct names, last id. Parameter: the id. */
extern const char sql_changes_summary[];
/* The names a domain's changes touched in (after, upto]. Parameters:
 * after, upto, domain_id. */
extern const char sql_changes_names[];
/* The last change id (NULL when none yet). */
extern const char sql_changes_last[];
/* Old changes dropped: parameters the last id read and a time (seconds
 * since 1970) before which they may go. */
extern const char sql_changes_prune[];

/* banchi_serial: db_serial, served_serial, digest of a domain_id; and
 * its upsert (domain_id, db_serial, served_serial, digest). */
extern const char sql_serial_get[];
extern const char sql_serial_put[];

/* A start cache's key (sqlzones_cache.c): count(*) and max(id) of a
 * domain_id's records; its SOA rows (id, content, ttl, disabled) by
 * domain_id and the apex's name (the index PowerDNS reads them by). */
extern const char sql_cache_records[];
extern const char sql_cache_soa[];

#endif
