/* Bounding a journal: the oldest records dropped by copying the kept ones
 * to a new file that replaces the old by rename (a crash leaves one or
 * the other, both whole), or every record dropped at once. Both wait for
 * running reads (the swap lock) and block appends meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "base/error.h"
#include "journal/journal_int.h"

#define COPY_CHUNK (1u << 16)

static int copy_range(int from, int to, uint64_t src, uint64_t dst,
		      uint64_t len)
{
	uint8_t *buf = malloc(COPY_CHUNK);
	size_t n;
	int ret = 0;

	if (!buf)
		return BN_ENOMEM;
	for (uint64_t done = 0; done < len && !ret; done += n) {
		n = len - done < COPY_CHUNK ? (size_t)(len - done) : COPY_CHUNK;
		ret = jpread(from, buf, n, src + done);
		if (ret == BN_ETRUNC)
			ret = (errno = EBADMSG, BN_EIO);
		if (!ret)
			ret = jpwrite(to, buf, n, dst + done);
	}
	free(buf);
	return ret;
}

/* path.tmp with the header and the records from index k on, synced and
 * locked; its descriptor, or an error (nothing left behind). */
static int write_kept(struct journal *j, size_t k, const char *tmp)
{
	uint8_t hdr[JHDR_MAX];
	size_t hlen = jhdr_encode(hdr, j->origin);
	uint64_t start = k < j->n ? j->ent[k].off : j->size;
	int fd, ret, e;

	fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (fd < 0)
		return BN_EIO;
	ret = flock(fd, LOCK_EX | LOCK_NB) < 0 ? BN_EIO : 0;
	if (!ret)
		ret = jpwrite(fd, hdr, hlen, 0);
	if (!ret)
		ret = copy_range(j->fd, fd, start, hlen, j->size - start);
	if (!ret && fsync(fd) < 0)
		ret = BN_EIO;
	if (!ret)
		return fd;
	e = errno;
	close(fd);
	unlink(tmp);
	errno = e;
	return ret;
}

/* The file now holds the records from index k on, after the header. */
static void drop_index(struct journal *j, size_t k)
{
	uint64_t delta = (k < j->n ? j->ent[k].off : j->size) - j->hdr_len;

	memmove(j->ent, j->ent + k, (j->n - k) * sizeof(*j->ent));
	j->n -= k;
	for (size_t i = 0; i < j->n; i++)
		j->ent[i].off -= delta;
	j->size -= delta;
}

static int rewrite(struct journal *j, size_t k)
{
	char tmp[4096];
	int fd, e;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", j->path) >=
	    sizeof(tmp))
		return errno = ENAMETOOLONG, BN_EIO;
	fd = write_kept(j, k, tmp);
	if (fd < 0)
		return fd;
	if (rename(tmp, j->path) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return BN_EIO;
	}
	close(j->fd);
	j->fd = fd;
	drop_index(j, k);
	/* renamed already: a failure here only risks the old file back */
	return jdir_sync(j->path);
}

int journal_trim(struct journal *j, uint64_t max_bytes, size_t *dropped)
{
	size_t k = 0;
	int ret = 0;

	pthread_rwlock_wrlock(&j->swap);
	pthread_mutex_lock(&j->lock);
	while (k < j->n && j->hdr_len + (j->size - j->ent[k].off) > max_bytes)
		k++;    /* k == n: not even the newest fits, keep none */
	if (k)
		ret = rewrite(j, k);
	if (ret)
		jdiag(j, true, "cannot trim: %s", strerror(errno));
	if (dropped)
		*dropped = ret ? 0 : k;
	pthread_mutex_unlock(&j->lock);
	pthread_rwlock_unlock(&j->swap);
	return ret;
}

int journal_reset(struct journal *j)
{
	int ret = 0;

	pthread_rwlock_wrlock(&j->swap);
	pthread_mutex_lock(&j->lock);
	if (ftruncate(j->fd, (off_t)j->hdr_len) < 0 || fsync(j->fd) < 0) {
		ret = BN_EIO;
		jdiag(j, true, "cannot empty: %s", strerror(errno));
	} else {
		j->n = 0;
		j->size = j->hdr_len;
	}
	pthread_mutex_unlock(&j->lock);
	pthread_rwlock_unlock(&j->swap);
	return ret;
}
