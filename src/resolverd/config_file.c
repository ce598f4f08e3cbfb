/* The files banchi-resolver's settings name (root hints, trust anchors,
 * hosts and block lists, the RFC 5011 state file): their paths as
 * opened after a chroot, and their text read whole, with the Landlock
 * hint when the sandbox is what refused it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "daemon/sandbox_fs.h"
#include "resolverd/config.h"

#define ERR(ret, ...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), ret)

const char *rconfig_open_path(const struct rconfig *c, const char *path)
{
	size_t n = c->strip ? strlen(c->strip) : 0;

	if (n && strncmp(path, c->strip, n) == 0 && path[n] == '/')
		return path + n;
	return path;
}

static int slurp_fail(const char *path, int errnum, char *err)
{
	return ERR(errnum == ENOENT ? BN_ENOTFOUND : BN_EIO,
		   "%s: cannot open: %s%s", path, strerror(errnum),
		   errnum == EACCES && sandbox_fs_active() ?
		   " (outside the folders the server may read since "
		   "it started, Landlock: a restart takes it in)" : "");
}

int rconfig_slurp(const char *path, size_t max, char **text, size_t *len,
		  char *err)
{
	FILE *f = fopen(path, "r");
	size_t cap = 0, n = 0, want;
	char *buf = NULL, *nb;

	if (!f)
		return slurp_fail(path, errno, err);
	for (;;) {
		if (n + 1 >= cap) {
			want = cap ? cap * 2 : 1 << 17;
			want = want < max ? want : max;
			nb = want > cap ? realloc(buf, want) : NULL;
			if (!nb)
				break;
			buf = nb;
			cap = want;
		}
		n += fread(buf + n, 1, cap - n - 1, f);
		if (feof(f) || ferror(f))
			break;
	}
	if (!buf || !feof(f) || ferror(f)) {
		fclose(f);
		free(buf);
		return ERR(BN_EIO, "%s: cannot read (or over %zu %ciB)", path,
			   max >> 20 ? max >> 20 : max >> 10,
			   max >> 20 ? 'M' : 'K');
	}
	fclose(f);
	buf[n] = 0;
	*text = buf;
	*len = n;
	return 0;
}
