/* Appending a change: encoded and checked outside the lock, written at
 * the file's end in one call under it. Durability is a separate sync so
 * that callers can group several appends under one fdatasync. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "journal/journal_int.h"

/* Under j->lock: the record goes at the end, or the file is cut back so
 * that a partial write leaves nothing behind for the next scan. */
static int append_locked(struct journal *j, const uint8_t *rec, size_t len,
			 uint32_t from, uint32_t to)
{
	int ret, e;

	if (j->sync_errno)
		return errno = j->sync_errno, BN_EIO;
	if (j->n && from != j->ent[j->n - 1].to)
		return BN_EINVAL;
	/* room in the index first: a write that succeeded is indexed */
	ret = jindex_push(j, 0, 0, 0, 0);
	if (ret)
		return ret;
	j->n--;
	if (jpwrite(j->fd, rec, len, j->size) < 0) {
		e = errno;
		if (ftruncate(j->fd, (off_t)j->size) < 0)
			jdiag(j, true, "cannot cut back a failed append at "
			      "byte %llu", (unsigned long long)j->size);
		errno = e;
		return BN_EIO;
	}
	jindex_push(j, j->size, (uint32_t)len, from, to);
	j->size += len;
	return 0;
}

int journal_append(struct journal *j, const struct zchange *c)
{
	struct jrec_info h;
	uint8_t *rec;
	size_t len;
	int ret = jrec_encode(c, &rec, &len);

	if (ret)
		return ret;
	/* what is written must read back: the scan's rules, here */
	if (jrec_check(rec, len, j->origin)) {
		free(rec);
		return BN_EINVAL;
	}
	jrec_head(rec, &h);
	pthread_mutex_lock(&j->lock);
	ret = append_locked(j, rec, len, h.from, h.to);
	pthread_mutex_unlock(&j->lock);
	free(rec);
	return ret;
}

/* After a failed fdatasync the kernel may have dropped the dirty pages
 * and a retry would succeed without writing them: the journal is no
 * longer trusted until it is reopened (and rescanned from the disk). */
int journal_sync(struct journal *j)
{
	int ret = 0, e;

	pthread_rwlock_rdlock(&j->swap);
	pthread_mutex_lock(&j->lock);
	e = j->sync_errno;
	pthread_mutex_unlock(&j->lock);
	if (!e && fdatasync(j->fd) < 0) {
		e = errno;
		pthread_mutex_lock(&j->lock);
		j->sync_errno = e;
		pthread_mutex_unlock(&j->lock);
		jdiag(j, true, "fdatasync failed (%s): appends are refused "
		      "until the journal is reopened", strerror(e));
	}
	pthread_rwlock_unlock(&j->swap);
	if (e)
		ret = (errno = e, BN_EIO);
	return ret;
}

int journal_append_sync(struct journal *j, const struct zchange *c)
{
	int ret = journal_append(j, c);

	return ret ? ret : journal_sync(j);
}
