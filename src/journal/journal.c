/* Opening and closing a journal file: the lock against a second process,
 * the header (written when the file is new or its creation was cut
 * short), the scan of the records; the accessors; setting a bad file
 * aside. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "journal/journal_int.h"

void jdiag(struct journal *j, bool fatal, const char *fmt, ...)
{
	char msg[1024];
	int n, e = errno;
	va_list ap;

	if (!j->diag)
		return;
	n = snprintf(msg, sizeof(msg), "journal %s: ", j->path);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(msg))
		vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	j->diag(j->diag_ctx, fatal, msg);
	errno = e;
}

int jpread(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pread(fd, (uint8_t *)buf + done, len - done,
			  (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return BN_EIO;
		if (n == 0)
			return BN_ETRUNC;
		done += (size_t)n;
	}
	return 0;
}

int jpwrite(int fd, const void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = pwrite(fd, (const uint8_t *)buf + done, len - done,
			   (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return BN_EIO;
		done += (size_t)n;
	}
	return 0;
}

int jdir_sync(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd, ret = 0;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return errno = ENAMETOOLONG, BN_EIO;
	else
		snprintf(dir, sizeof(dir), "%.*s",
			 slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return BN_EIO;
	if (fsync(fd) < 0)
		ret = BN_EIO;
	close(fd);
	return ret;
}

int jindex_push(struct journal *j, uint64_t off, uint32_t len, uint32_t from,
		uint32_t to)
{
	struct jentry *ne;

	if (j->n == j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 64;

		ne = realloc(j->ent, cap * sizeof(*ne));
		if (!ne)
			return BN_ENOMEM;
		j->ent = ne;
		j->cap = cap;
	}
	j->ent[j->n++] = (struct jentry){ off, len, from, to };
	return 0;
}

/* A new file, or one whose creation stopped inside the header: write
 * the header, make it and the directory entry durable. */
static int write_header(struct journal *j, size_t had)
{
	uint8_t hdr[JHDR_MAX];
	size_t len = jhdr_encode(hdr, j->origin);

	if (jpwrite(j->fd, hdr, len, 0) < 0 || fsync(j->fd) < 0 ||
	    jdir_sync(j->path) < 0) {
		jdiag(j, true, "cannot write its header: %s", strerror(errno));
		return BN_EIO;
	}
	if (had)
		jdiag(j, false, "the header was cut short after %zu octets "
		      "(its creation was interrupted); written anew, the "
		      "journal is empty", had);
	j->hdr_len = len;
	j->size = len;
	return 0;
}

static int read_header(struct journal *j, uint64_t size)
{
	uint8_t buf[JHDR_MAX], want[JHDR_MAX];
	size_t n = size < JHDR_MAX ? (size_t)size : JHDR_MAX;
	size_t wlen = jhdr_encode(want, j->origin);
	char why[512];
	int ret;

	if (jpread(j->fd, buf, n, 0) < 0) {
		jdiag(j, true, "cannot read its header: %s", strerror(errno));
		return BN_EIO;
	}
	ret = jhdr_check(buf, n, j->origin, why, sizeof(why));
	if (ret > 0) {
		j->hdr_len = (size_t)ret;
		return 0;
	}
	if (n < wlen && memcmp(buf, want, n) == 0)
		return write_header(j, n);
	if (ret == BN_ETRUNC)
		snprintf(why, sizeof(why), "%zu octets, too short for a "
			 "journal header", n);
	jdiag(j, true, "%s; it must be moved aside", why);
	return BN_EINVAL;
}

/* The file descriptor, locked, and the header. */
static int open_file(struct journal *j)
{
	struct stat st;

	j->fd = open(j->path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (j->fd < 0) {
		jdiag(j, true, "cannot open: %s", strerror(errno));
		return BN_EIO;
	}
	if (flock(j->fd, LOCK_EX | LOCK_NB) < 0) {
		jdiag(j, true, "cannot lock (%s): is another banchi-auth "
		      "using it?", strerror(errno));
		return BN_EIO;
	}
	if (fstat(j->fd, &st) < 0) {
		jdiag(j, true, "cannot stat: %s", strerror(errno));
		return BN_EIO;
	}
	return read_header(j, (uint64_t)st.st_size);
}

int journal_open(const char *path, const uint8_t *origin,
		 journal_diag_fn *diag, void *ctx, struct journal **out)
{
	struct journal *j;
	struct stat st;
	int olen = name_check(origin, NAME_MAXLEN), ret;

	*out = NULL;
	if (olen < 0)
		return BN_EINVAL;
	j = calloc(1, sizeof(*j));
	if (!j || !(j->path = strdup(path))) {
		free(j);
		return BN_ENOMEM;
	}
	j->fd = -1;
	pthread_mutex_init(&j->lock, NULL);
	pthread_rwlock_init(&j->swap, NULL);
	memcpy(j->origin, origin, (size_t)olen);
	j->diag = diag;
	j->diag_ctx = ctx;
	ret = open_file(j);
	if (!ret && fstat(j->fd, &st) < 0)
		ret = BN_EIO;
	if (!ret)
		ret = jscan(j, (uint64_t)st.st_size);
	if (ret < 0) {
		int e = errno;

		journal_close(j);
		errno = e;
		return ret;
	}
	*out = j;
	return 0;
}

void journal_close(struct journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	pthread_rwlock_destroy(&j->swap);
	pthread_mutex_destroy(&j->lock);
	free(j->ent);
	free(j->path);
	free(j);
}

/* rename() that does not replace an existing file (EEXIST). */
static int rename_new(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* a file system without the flag: check, then rename */
	if (access(to, F_OK) == 0)
		return errno = EEXIST, -1;
	return rename(from, to);
}

int journal_set_aside(const char *path, char *newpath, size_t cap)
{
	char to[4096];
	long long now = (long long)time(NULL);
	int n;

	for (int i = 0; i < 10; i++) {
		if (i)
			n = snprintf(to, sizeof(to), "%s.bad-%lld.%d", path,
				     now, i);
		else
			n = snprintf(to, sizeof(to), "%s.bad-%lld", path, now);
		if (n < 0 || (size_t)n >= sizeof(to))
			return errno = ENAMETOOLONG, BN_EIO;
		if (rename_new(path, to) == 0) {
			if (newpath && cap)
				snprintf(newpath, cap, "%s", to);
			return jdir_sync(path);
		}
		if (errno != EEXIST)
			return BN_EIO;
	}
	return BN_EIO;
}

uint32_t journal_first(struct journal *j)
{
	uint32_t s;

	pthread_mutex_lock(&j->lock);
	s = j->n ? j->ent[0].from : 0;
	pthread_mutex_unlock(&j->lock);
	return s;
}

uint32_t journal_last(struct journal *j)
{
	uint32_t s;

	pthread_mutex_lock(&j->lock);
	s = j->n ? j->ent[j->n - 1].to : 0;
	pthread_mutex_unlock(&j->lock);
	return s;
}

size_t journal_count(struct journal *j)
{
	size_t n;

	pthread_mutex_lock(&j->lock);
	n = j->n;
	pthread_mutex_unlock(&j->lock);
	return n;
}

uint64_t journal_bytes(struct journal *j)
{
	uint64_t n;

	pthread_mutex_lock(&j->lock);
	n = j->size;
	pthread_mutex_unlock(&j->lock);
	return n;
}
