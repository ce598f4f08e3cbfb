/* TSIG key files in the forms the usual tools write: BIND's key
 * statements (tsig-keygen, rndc-confgen), Knot's YAML key list (keymgr
 * -t, a knot.conf), and lines of [ALG:]NAME:SECRET (kdig -k). Mistakes
 * are reported as FILE:LINE: message; a secret is never quoted. */
#ifndef BANCHI_DAEMON_KEYFILE_H
#define BANCHI_DAEMON_KEYFILE_H

#include <stddef.h>

#include "daemon/cfg.h"
#include "wire/tsig.h"

/* Called for each key read: 0, or -1 with a message (no position) in
 * err (CONFIG_ERR_MAX octets), which stops the reading. */
typedef int keyfile_fn(void *ctx, const struct tsig_key_spec *s, char *err);

/* Reads the keys in text (len octets); name is the file's in messages.
 * The form is told by the first word: "key" and a name (BIND), "key:"
 * (Knot), else one key a line. 0, or -1 with "NAME:LINE: message" in
 * err. A file without keys is an error. */
int keyfile_parse(const char *text, size_t len, const char *name,
		  keyfile_fn *fn, void *ctx, char *err);

/* The same from a file (at most 1 MiB); the text is wiped after. */
int keyfile_load(const char *path, keyfile_fn *fn, void *ctx, char *err);

#endif
