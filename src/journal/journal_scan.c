/* The scan at open: every record read and checked (length, CRC, content,
 * chain) and indexed; the first bad one and all after it are cut off,
 * since the changes after a missing one cannot be applied. A crash in
 * the middle of an append leaves exactly such a tail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "journal/journal_int.h"

struct scan {
	uint8_t *buf;
	size_t cap;
	uint32_t bad_len;       /* the bad record's length, when plausible */
	char why[256];
};

static int room(struct scan *s, size_t len)
{
	uint8_t *nb;

	if (len <= s->cap)
		return 0;
	nb = realloc(s->buf, len);
	if (!nb)
		return BN_ENOMEM;
	s->buf = nb;
	s->cap = len;
	return 0;
}

/* The record at off into s->buf, CRC checked. 0, 1 when it is torn or
 * damaged (s->why, s->bad_len), BN_EIO, BN_ENOMEM. */
static int read_rec(struct journal *j, struct scan *s, uint64_t off,
		    uint64_t end, struct jrec_info *h)
{
	uint64_t left = end - off;
	uint32_t crc;
	int ret;

	s->bad_len = 0;
	if (left < JREC_HEAD) {
		snprintf(s->why, sizeof(s->why), "%llu octets, fewer than a "
			 "record's head (a torn write)",
			 (unsigned long long)left);
		return 1;
	}
	if ((ret = room(s, JREC_HEAD)) ||
	    (ret = jpread(j->fd, s->buf, JREC_HEAD, off)))
		return ret == BN_ENOMEM ? ret : BN_EIO;
	jrec_head(s->buf, h);
	if (h->len < JREC_HEAD || h->len > JOURNAL_RECORD_MAX) {
		snprintf(s->why, sizeof(s->why), "impossible record length "
			 "%u", h->len);
		return 1;
	}
	if (h->len > left) {
		snprintf(s->why, sizeof(s->why), "a record of %u octets with "
			 "only %llu left (a torn write)", h->len,
			 (unsigned long long)left);
		return 1;
	}
	s->bad_len = h->len;
	if ((ret = room(s, h->len)) ||
	    (ret = jpread(j->fd, s->buf, h->len, off)))
		return ret == BN_ENOMEM ? ret : BN_EIO;
	crc = jrec_crc(s->buf, h->len);
	if (crc != h->crc) {
		snprintf(s->why, sizeof(s->why), "CRC-32C mismatch (stored "
			 "%08x, computed %08x)", h->crc, crc);
		return 1;
	}
	return 0;
}

/* 0 and indexed, 1 when bad (s->why), or an error. */
static int scan_one(struct journal *j, struct scan *s, uint64_t off,
		    uint64_t end)
{
	struct jrec_info h;
	const char *why;
	int ret = read_rec(j, s, off, end, &h);

	if (ret)
		return ret;
	if ((why = jrec_check(s->buf, h.len, j->origin))) {
		snprintf(s->why, sizeof(s->why), "invalid record: %s", why);
		return 1;
	}
	if (j->n && h.from != j->ent[j->n - 1].to) {
		snprintf(s->why, sizeof(s->why), "the chain breaks: it starts "
			 "at serial %u, the record before ends at %u", h.from,
			 j->ent[j->n - 1].to);
		return 1;
	}
	return jindex_push(j, off, h.len, h.from, h.to);
}

/* Records after the bad one at off whose CRC holds: what the cut loses
 * besides it, for the operator's message. */
static size_t count_intact(struct journal *j, struct scan *s, uint64_t off,
			   uint64_t end)
{
	struct jrec_info h;
	size_t n = 0;

	if (!s->bad_len)
		return 0;
	for (off += s->bad_len; off < end; off += h.len) {
		if (read_rec(j, s, off, end, &h) != 0)
			break;
		n++;
	}
	return n;
}

static int cut(struct journal *j, struct scan *s, uint64_t off, uint64_t end)
{
	char kept[96], after[96] = "", why[sizeof(s->why)];
	size_t lost;

	memcpy(why, s->why, sizeof(why));
	lost = count_intact(j, s, off, end);

	if (ftruncate(j->fd, (off_t)off) < 0 || fsync(j->fd) < 0) {
		jdiag(j, true, "cannot cut its damaged tail at byte %llu: %s",
		      (unsigned long long)off, strerror(errno));
		return BN_EIO;
	}
	if (j->n)
		snprintf(kept, sizeof(kept), "kept %zu records, serials %u to "
			 "%u", j->n, j->ent[0].from, j->ent[j->n - 1].to);
	else
		snprintf(kept, sizeof(kept), "no record kept");
	if (lost)
		snprintf(after, sizeof(after), " and %zu intact record%s after "
			 "it that cannot apply without it", lost,
			 lost == 1 ? "" : "s");
	jdiag(j, false, "byte %llu, record %zu: %s; cut the file to %llu "
	      "octets, dropping %llu octets (that record%s); %s",
	      (unsigned long long)off, j->n + 1, why,
	      (unsigned long long)off, (unsigned long long)(end - off), after,
	      kept);
	return 0;
}

int jscan(struct journal *j, uint64_t end)
{
	struct scan s = { 0 };
	uint64_t off = j->hdr_len;
	int ret = 0;

	while (off < end && !ret) {
		ret = scan_one(j, &s, off, end);
		if (ret == 1) {
			ret = cut(j, &s, off, end);
			break;
		}
		if (ret == BN_EIO)
			jdiag(j, true, "cannot read at byte %llu: %s",
			      (unsigned long long)off, strerror(errno));
		else if (!ret)
			off += j->ent[j->n - 1].len;
	}
	j->size = off;
	free(s.buf);
	return ret;
}
