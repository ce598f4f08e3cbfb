/* The cache across a restart (--cache-file, resolve/cache_file.h): read
 * at start before serving, written at stop into PATH.tmp, synced, then
 * renamed over PATH, so that a crash while writing leaves the old file.
 * A file that does not read is logged and left; what it held before
 * the bad record is kept. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "daemon/log.h"
#include "resolve/cache_file.h"
#include "resolverd/daemon.h"
#include "resolverd/server_int.h"

#define KEEP_MAX ((size_t)1 << 32)  /* a file larger is no cache */

void rcache_keep_load(struct rdaemon *x)
{
	struct cache_load_stats st;
	char err[CONFIG_ERR_MAX], *buf;
	size_t len;
	int ret;

	if (!x->cfg.cache_file)
		return;
	ret = rconfig_slurp(x->cfg.cache_file, KEEP_MAX, &buf, &len, err);
	if (ret < 0) {
		if (ret != BN_ENOTFOUND)
			log_warn("cache file %s: starting empty", err);
		return;
	}
	ret = cache_load(x->srv.cache, (const uint8_t *)buf, len, rnow_ms(),
			 (uint64_t)time(NULL), &st);
	free(buf);
	if (ret < 0)
		log_warn("cache file %s: not a banchi cache file, or damaged "
			 "after %zu entries: the rest is left out",
			 x->cfg.cache_file, st.loaded);
	log_info("cache file %s: %zu entries read back (%zu expired since, "
		 "%zu not taken)", x->cfg.cache_file, st.loaded, st.expired,
		 st.refused);
}

static int write_all(void *ctx, const uint8_t *p, size_t n)
{
	int fd = *(int *)ctx;

	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void rcache_keep_save(struct rdaemon *x)
{
	char tmp[4096];
	const char *path;
	bool ok;
	long n;
	int fd;

	if (!x->cfg.cache_file)
		return;
	path = rconfig_open_path(&x->cfg, x->cfg.cache_file);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("cache file %s: cannot write %s (%s): the cache is "
			 "not kept", x->cfg.cache_file, tmp, strerror(errno));
		return;
	}
	n = cache_save(x->srv.cache, rnow_ms(), (uint64_t)time(NULL),
		       write_all, &fd);
	ok = n >= 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		log_warn("cache file %s: writing failed (%s): the cache is "
			 "not kept", x->cfg.cache_file, strerror(errno));
		unlink(tmp);
		return;
	}
	log_info("cache file %s: %ld entries written", x->cfg.cache_file, n);
}
