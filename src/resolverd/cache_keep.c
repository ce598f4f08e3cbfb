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

#include "daemon/log.h"
#include "resolve/cache_file.h"
#include "resolverd/daemon.h"
#include "resolverd/server_int.h"

#define KEEP_MAX (1L << 32)     /* a file larger than this is no cache */

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size < KEEP_MAX &&
	    (buf = malloc((size_t)st.st_size)) &&
	    read(fd, buf, (size_t)st.st_size) != st.st_size) {
		free(buf);
		buf = NULL;
	}
	*len = buf ? (size_t)st.st_size : 0;
	close(fd);
	return buf;
}

void rcache_keep_load(struct rdaemon *x)
{
	struct cache_load_stats st;
	size_t len;
	uint8_t *buf;
	int ret;

	if (!x->cfg.cache_file)
		return;
	buf = slurp(x->cfg.cache_file, &len);
	if (!buf) {
		if (errno != ENOENT)
			log_warn("cache file %s: cannot read it (%s): starting "
				 "empty", x->cfg.cache_file, strerror(errno));
		return;
	}
	ret = cache_load(x->srv.cache, buf, len, rnow_ms(),
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
