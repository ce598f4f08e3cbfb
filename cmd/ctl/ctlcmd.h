/* banchi-ctl's parts: the reply reader (reply.c). */
#ifndef BANCHI_CMD_CTLCMD_H
#define BANCHI_CMD_CTLCMD_H

#include <stddef.h>
#include <stdio.h>

/* Prints the members of reply line[0 .. len) but ok, id and error to
 * out as indented "key: value" lines (out NULL: only read). 1 when ok
 * is true, 0 when false (err, cap octets, gets the error's sentence),
 * -1 when the line is not a reply. */
int reply_print(const char *line, size_t len, FILE *out, char *err,
		size_t cap);

#endif
