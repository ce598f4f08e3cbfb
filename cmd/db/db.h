/* banchi-db's commands (main.c: init, list; zone.c: import, export). */
#ifndef BANCHI_CMD_DB_H
#define BANCHI_CMD_DB_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/sql.h"

/* Exit statuses. */
enum { DB_OK = 0, DB_FAIL = 1, DB_USAGE = 2 };

/* Connects to uri (flags of sql.h), or says why on standard error:
 * 0 or an error. */
int db_connect(struct sql_conn *c, const char *uri, unsigned flags);
/* The origin's wire form from text, or says why: 0 or an error. */
int db_origin(const char *text, uint8_t *origin);

int db_import(const char *uri, const char *origin, const char *file,
	      bool replace);
int db_export(const char *uri, const char *origin, const char *out);

#endif
