/* banchi-db: zones between master files and a PowerDNS database (its
 * 4.x schema, SQLite or PostgreSQL): init makes the schema, import and
 * export move one zone each way, list shows the zones. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend/pdns_schema.h"
#include "base/error.h"
#include "db.h"
#include "wire/name.h"

static const char usage[] =
"NAME\n"
"    banchi-db - zones between master files and a PowerDNS database\n"
"\n"
"SYNOPSIS\n"
"    banchi-db init DB\n"
"    banchi-db import DB ORIGIN FILE [--replace]\n"
"    banchi-db export DB ORIGIN [-o FILE]\n"
"    banchi-db list DB\n"
"    banchi-db --help\n"
"\n"
"DESCRIPTION\n"
"    DB is sqlite:PATH or postgresql://... (a libpq URI), as for\n"
"    banchi-auth --zone-db. The database holds PowerDNS's 4.x schema\n"
"    (gsqlite3, gpgsql): PowerDNS, pdnsutil and banchi-auth read what\n"
"    banchi-db writes.\n"
"\n"
"    init DB\n"
"        Creates PowerDNS's tables (domains, records, supermasters,\n"
"        comments, domainmetadata, cryptokeys, tsigkeys) and indexes in\n"
"        an empty database; sqlite:PATH makes the file when it is\n"
"        missing. A database that has them already is left alone\n"
"        (exit status 1).\n"
"\n"
"    import DB ORIGIN FILE\n"
"        Reads FILE as banchi-auth reads a zone file ($ORIGIN, $TTL,\n"
"        $INCLUDE, $GENERATE; the same checks) and writes the zone in\n"
"        one transaction as pdnsutil load-zone and rectify-zone do: a\n"
"        domains row of type NATIVE, one records row per record (name\n"
"        lowercase without the final dot, MX and SRV priority in prio,\n"
"        disabled 0, auth 1, ordername NULL) and a row without a type\n"
"        per empty non-terminal. Duplicate records are written once,\n"
"        each RRset with its one TTL. Mistakes in FILE are reported as\n"
"        FILE:LINE: message and nothing is written. A zone already in\n"
"        the database is refused unless --replace: then its records are\n"
"        replaced, its domains row (kind, metadata, keys) kept.\n"
"\n"
"    export DB ORIGIN\n"
"        Writes the zone's rows as a master file, read as banchi-auth\n"
"        reads them (--zone-db): one record a line, absolute names, the\n"
"        SOA first, then canonical order. A bad row (unparsable content,\n"
"        unknown type, a name outside the zone...) is reported as\n"
"        DB: records row ID: reason and left out (exit status 1).\n"
"        Disabled rows are not records: left out, each one listed\n"
"        (DB: records row ID: disabled, not written: ...).\n"
"\n"
"    list DB\n"
"        Each zone of the domains table: name, kind (NATIVE, MASTER,\n"
"        SLAVE...) and its number of records (empty non-terminal rows\n"
"        not counted).\n"
"\n"
"OPTIONS\n"
"    --replace  With import, replace the records of a zone already in\n"
"               the database.\n"
"    -o FILE    With export, write FILE (whole or not at all: a\n"
"               temporary file renamed) instead of standard output.\n"
"    -h, --help This text.\n"
"\n"
"EXIT STATUS\n"
"    0 done, 1 refused or failed (reasons on standard error), 2 usage.\n";

static const char short_usage[] =
	"usage: banchi-db init DB\n"
	"       banchi-db import DB ORIGIN FILE [--replace]\n"
	"       banchi-db export DB ORIGIN [-o FILE]\n"
	"       banchi-db list DB\n"
	"       banchi-db --help\n";

int db_connect(struct sql_conn *c, const char *uri, unsigned flags)
{
	char err[512];
	int ret = sql_connect(c, uri, flags, 10000, err, sizeof(err));

	if (ret < 0)
		fprintf(stderr, "banchi-db: %s\n", err);
	return ret;
}

int db_origin(const char *text, uint8_t *origin)
{
	static const uint8_t root[1] = { 0 };
	int n = name_from_text(origin, text, strlen(text), root);

	if (n < 0)
		fprintf(stderr, "banchi-db: bad origin '%s': %s\n", text,
			bn_strerror(n));
	return n;
}

/* sqlite:PATH: SQLite makes a database of an empty file. */
static int make_file(const char *uri)
{
	const char *path;
	const struct sql_driver *d = sql_driver_for(uri, &path);
	int fd;

	if (!d || strcmp(d->scheme, "sqlite") != 0)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
	else if (errno != EEXIST)
		fprintf(stderr, "banchi-db: %s: %s\n", path, strerror(errno));
	return fd >= 0 || errno == EEXIST ? 0 : -1;
}

static int init_cmd(const char *uri)
{
	struct sql_conn c;
	int ret;

	if (make_file(uri) < 0 || db_connect(&c, uri, 0) < 0)
		return DB_FAIL;
	ret = pdns_schema_create(&c);
	if (ret == BN_EINVAL)
		fprintf(stderr, "banchi-db: %s: has PowerDNS's tables "
			"already: left alone\n", uri);
	else if (ret < 0)
		fprintf(stderr, "banchi-db: %s: %s: %s\n", uri,
			sql_strerror(ret), sql_errmsg(&c));
	else
		printf("%s: PowerDNS 4.x schema made\n", uri);
	sql_disconnect(&c);
	return ret < 0 ? DB_FAIL : DB_OK;
}

static const char sql_list[] =
	"SELECT d.name, d.type, count(r.id) FROM domains d"
	" LEFT JOIN records r ON r.domain_id = d.id AND r.type IS NOT NULL"
	" AND r.type <> '' GROUP BY d.id, d.name, d.type ORDER BY d.name";

static int list_row(void *ctx, const struct sql_text *col, size_t n)
{
	(void)ctx;
	if (n != 3)
		return SQL_EBROKEN;
	printf("%.*s\t%.*s\t%.*s\n", (int)col[0].len,
	       col[0].s ? col[0].s : "", (int)col[1].len,
	       col[1].s ? col[1].s : "", (int)col[2].len,
	       col[2].s ? col[2].s : "0");
	return 0;
}

static int list_cmd(const char *uri)
{
	struct sql_conn c;
	int ret;

	if (db_connect(&c, uri, SQL_OPEN_READONLY) < 0)
		return DB_FAIL;
	ret = sql_query(&c, sql_list, NULL, 0, list_row, NULL);
	if (ret < 0)
		fprintf(stderr, "banchi-db: %s: %s: %s\n", uri,
			sql_strerror(ret), sql_errmsg(&c));
	sql_disconnect(&c);
	return ret < 0 ? DB_FAIL : DB_OK;
}

/* The zone commands: positional arguments and their options. */
static int zone_cmds(int argc, char **argv)
{
	const char *pos[3] = { 0 }, *out = NULL;
	bool replace = false, import = !strcmp(argv[1], "import");
	int npos = 0;

	for (int i = 2; i < argc; i++) {
		if (import && !strcmp(argv[i], "--replace"))
			replace = true;
		else if (!import && !strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (argv[i][0] == '-' && argv[i][1])
			return -1;
		else if (npos < 3)
			pos[npos++] = argv[i];
		else
			return -1;
	}
	if (npos != (import ? 3 : 2))
		return -1;
	return import ? db_import(pos[0], pos[1], pos[2], replace)
		      : db_export(pos[0], pos[1], out);
}

int main(int argc, char **argv)
{
	int ret = -1;

	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return DB_OK;
	}
	if (argc == 3 && !strcmp(argv[1], "init"))
		ret = init_cmd(argv[2]);
	else if (argc == 3 && !strcmp(argv[1], "list"))
		ret = list_cmd(argv[2]);
	else if (argc >= 2 && (!strcmp(argv[1], "import") ||
			       !strcmp(argv[1], "export")))
		ret = zone_cmds(argc, argv);
	if (ret < 0) {
		fputs(short_usage, stderr);
		return DB_USAGE;
	}
	return ret;
}
