/* The SQL of banchi's own tables (sql_track.h). Changes are recorded
 * only for the columns that make a record (not ordername or auth, which
 * pdnsutil rectify-zone rewrites, nor domains' notified_serial and
 * last_check, which PowerDNS updates as it runs). AUTOINCREMENT: ids
 * are never reused after old rows are pruned, so a reader's position
 * stays right. */
#include "backend/sql_track.h"

#define CHANGE(d, n) \
	"INSERT INTO banchi_changes (domain_id, name) VALUES (" d ", " n ");"

const char sql_track_sqlite[] =
	"BEGIN IMMEDIATE;"
	"CREATE TABLE IF NOT EXISTS banchi_changes ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" domain_id INTEGER,"
	" name VARCHAR(255),"
	" at INTEGER NOT NULL DEFAULT (strftime('%s', 'now')));"
	"CREATE TABLE IF NOT EXISTS banchi_serial ("
	" domain_id INTEGER PRIMARY KEY,"
	" db_serial INTEGER NOT NULL,"
	" served_serial INTEGER NOT NULL,"
	" digest VARCHAR(32) NOT NULL);"
	"CREATE TRIGGER IF NOT EXISTS banchi_records_insert"
	" AFTER INSERT ON records BEGIN "
	CHANGE("NEW.domain_id", "NEW.name") " END;"
	"CREATE TRIGGER IF NOT EXISTS banchi_records_update"
	" AFTER UPDATE OF domain_id, name, type, content, ttl, prio, disabled"
	" ON records BEGIN "
	CHANGE("OLD.domain_id", "OLD.name")
	" INSERT INTO banchi_changes (domain_id, name)"
	" SELECT NEW.domain_id, NEW.name WHERE NEW.domain_id IS NOT"
	" OLD.domain_id OR NEW.name IS NOT OLD.name; END;"
	"CREATE TRIGGER IF NOT EXISTS banchi_records_delete"
	" AFTER DELETE ON records BEGIN "
	CHANGE("OLD.domain_id", "OLD.name") " END;"
	"CREATE TRIGGER IF NOT EXISTS banchi_domains_insert"
	" AFTER INSERT ON domains BEGIN " CHANGE("NEW.id", "NULL") " END;"
	"CREATE TRIGGER IF NOT EXISTS banchi_domains_update"
	" AFTER UPDATE OF id, name, type ON domains BEGIN "
	CHANGE("OLD.id", "NULL") " END;"
	"CREATE TRIGGER IF NOT EXISTS banchi_domains_delete"
	" AFTER DELETE ON domains BEGIN " CHANGE("OLD.id", "NULL") " END;"
	"COMMIT;";

/* PostgreSQL: changes of concurrent writers must get their ids in the
 * order they commit (a reader that saw id 10 must never later find a 9
 * committed behind its position): the trigger takes a transaction-long
 * advisory lock before its id, so writers of records serialize. */
#define PG_LOCK "PERFORM pg_advisory_xact_lock(7089074061666101);"
#define PG_CHANGE(d, n) \
	"INSERT INTO banchi_changes (domain_id, name) VALUES (" d ", " n ");"

const char sql_track_pg[] =
	"BEGIN;"
	"SELECT pg_advisory_xact_lock(7089074061666102);"
	"CREATE TABLE IF NOT EXISTS banchi_changes ("
	" id BIGSERIAL PRIMARY KEY,"
	" domain_id INTEGER,"
	" name VARCHAR(255),"
	" at BIGINT NOT NULL DEFAULT extract(epoch FROM now())::bigint);"
	"CREATE TABLE IF NOT EXISTS banchi_serial ("
	" domain_id INTEGER PRIMARY KEY,"
	" db_serial BIGINT NOT NULL,"
	" served_serial BIGINT NOT NULL,"
	" digest VARCHAR(32) NOT NULL);"
	"CREATE OR REPLACE FUNCTION banchi_change() RETURNS trigger"
	" LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT"
	" AS $banchi$ BEGIN " PG_LOCK
	" IF TG_TABLE_NAME = 'domains' THEN"
	"  IF TG_OP = 'INSERT' THEN " PG_CHANGE("NEW.id", "NULL")
	"  ELSE " PG_CHANGE("OLD.id", "NULL") " END IF;"
	" ELSE"
	"  IF TG_OP <> 'INSERT' THEN " PG_CHANGE("OLD.domain_id", "OLD.name")
	"  END IF;"
	"  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND"
	"   (NEW.domain_id IS DISTINCT FROM OLD.domain_id OR"
	"    NEW.name IS DISTINCT FROM OLD.name)) THEN "
	PG_CHANGE("NEW.domain_id", "NEW.name") "  END IF;"
	" END IF;"
	" PERFORM pg_notify('" SQL_PG_CHANNEL "', '');"
	" RETURN NULL; END $banchi$;"
	"CREATE OR REPLACE TRIGGER banchi_records_change"
	" AFTER INSERT OR DELETE OR UPDATE OF domain_id, name, type, content,"
	" ttl, prio, disabled ON records"
	" FOR EACH ROW EXECUTE FUNCTION banchi_change();"
	"CREATE OR REPLACE TRIGGER banchi_domains_change"
	" AFTER INSERT OR DELETE OR UPDATE OF id, name, type ON domains"
	" FOR EACH ROW EXECUTE FUNCTION banchi_change();"
	"COMMIT;";

const char sql_track_pg_present[] =
	"SELECT CASE WHEN to_regclass('banchi_changes') IS NULL"
	" OR to_regclass('banchi_serial') IS NULL THEN false ELSE"
	" (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"
	"  AND tgenabled <> 'D' AND tgname IN ('banchi_records_change',"
	"  'banchi_domains_change')) = 2"
	" AND has_table_privilege('banchi_changes', 'SELECT')"
	" AND has_table_privilege('banchi_changes', 'DELETE')"
	" AND has_table_privilege('banchi_serial', 'SELECT')"
	" AND has_table_privilege('banchi_serial', 'INSERT')"
	" AND has_table_privilege('banchi_serial', 'UPDATE') END";

const char sql_track_sqlite_present[] =
	"SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	" AND name IN ('banchi_changes', 'banchi_serial')) = 2"
	" AND (SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
	" AND name IN ('banchi_records_insert', 'banchi_records_update',"
	" 'banchi_records_delete', 'banchi_domains_insert',"
	" 'banchi_domains_update', 'banchi_domains_delete')) = 6";

const char sql_track_pg_identity[] =
	"SELECT oid FROM pg_database WHERE datname = current_database()";

const char sql_changes_summary[] =
	"SELECT domain_id, count(*), count(name), count(DISTINCT name),"
	" max(id) FROM banchi_changes WHERE id > ? GROUP BY domain_id";

const char sql_changes_names[] =
	"SELECT DISTINCT name FROM banchi_changes WHERE id > ? AND id <= ?"
	" AND domain_id = ? AND name IS NOT NULL";

const char sql_changes_last[] = "SELECT max(id) FROM banchi_changes";

/* The last row stays: max(id) then never goes back, and a start cache
 * (sqlzones_cache.c) keyed by it stays usable after a quiet minute. */
const char sql_changes_prune[] =
	"DELETE FROM banchi_changes WHERE id <= ? AND at < ?"
	" AND id < (SELECT max(id) FROM banchi_changes)";

const char sql_serial_get[] =
	"SELECT db_serial, served_serial, digest FROM banchi_serial"
	" WHERE domain_id = ?";

const char sql_serial_put[] =
	"INSERT INTO banchi_serial (domain_id, db_serial, served_serial,"
	" digest) VALUES (?, ?, ?, ?) ON CONFLICT (domain_id) DO UPDATE SET"
	" db_serial = excluded.db_serial,"
	" served_serial = excluded.served_serial, digest = excluded.digest";

const char sql_cache_records[] =
	"SELECT count(*), max(id) FROM records WHERE domain_id = ?";

const char sql_cache_soa[] =
	"SELECT id, content, ttl, disabled FROM records"
	" WHERE domain_id = ? AND name = ? AND type = 'SOA' ORDER BY id";
