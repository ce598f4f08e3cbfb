/* Shared between keyfile.c (the form of a file, Knot's and the line
 * forms) and keyfile_bind.c (BIND's key statements). */
#ifndef BANCHI_DAEMON_KEYFILE_INT_H
#define BANCHI_DAEMON_KEYFILE_INT_H

#include "daemon/keyfile.h"

/* keyfile_parse for text known to be BIND's. */
int keyfile_bind(const char *text, size_t len, const char *name,
		 keyfile_fn *fn, void *ctx, char *err);

#endif
