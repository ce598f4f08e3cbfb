/* Inside the journal: the open journal's state, the record index, and the
 * format's encode/check/decode (journal_format.c, no I/O). */
#ifndef BANCHI_JOURNAL_JOURNAL_INT_H
#define BANCHI_JOURNAL_JOURNAL_INT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "journal/journal.h"
#include "wire/name.h"

#define JHDR_FIXED 12                   /* magic, version, length, crc */
#define JHDR_MAX (JHDR_FIXED + NAME_MAXLEN)
#define JHDR_VERSION 1
#define JREC_HEAD 24                    /* length .. nadd */
#define JRR_FIXED 8                     /* type, ttl, rdlen */

struct jentry {
	uint64_t off;
	uint32_t len;
	uint32_t from, to;
};

/* lock guards fd for writing, size and the index; swap is held shared by
 * reads and syncs (they use fd without lock) and exclusively by trim and
 * reset, which replace the file under them. */
struct journal {
	pthread_mutex_t lock;
	pthread_rwlock_t swap;
	int fd;
	char *path;
	uint8_t origin[NAME_MAXLEN];
	size_t hdr_len;
	uint64_t size;
	struct jentry *ent;
	size_t n, cap;
	int sync_errno;         /* a sync failed: refuse until reopened */
	journal_diag_fn *diag;
	void *diag_ctx;
};

/* What a record's head says. */
struct jrec_info {
	uint32_t len, crc;
	uint32_t from, to;
	uint32_t ndel, nadd;
};

/* crc 0 to start; chain calls by passing the last result. */
uint32_t crc32c(uint32_t crc, const void *data, size_t len);

/* The header for origin into buf (JHDR_MAX octets); returns its length. */
size_t jhdr_encode(uint8_t *buf, const uint8_t *origin);
/* The header length when buf starts with a valid header for origin;
 * BN_ETRUNC when len is too short to tell, BN_EINVAL with a reason in why
 * (naming the other zone when it is another's). */
int jhdr_check(const uint8_t *buf, size_t len, const uint8_t *origin,
	       char *why, size_t cap);

/* The record's head (JREC_HEAD octets at rec). */
void jrec_head(const uint8_t *rec, struct jrec_info *info);
/* The CRC a record of len octets should carry. */
uint32_t jrec_crc(const uint8_t *rec, size_t len);
/* NULL when the record (CRC aside) is valid for origin, else why not. */
const char *jrec_check(const uint8_t *rec, size_t len, const uint8_t *origin);
/* A new malloc'd record for c: 0, BN_EINVAL (no SOAs, a count or an
 * RDATA too large), BN_ENOSPC (over JOURNAL_RECORD_MAX), BN_ENOMEM. */
int jrec_encode(const struct zchange *c, uint8_t **out, size_t *len);
/* A checked record into c (initialised by the caller). 0, BN_ENOMEM. */
int jrec_decode(const uint8_t *rec, size_t len, struct zchange *c);

/* Whole-buffer pread/pwrite: 0, BN_ETRUNC (pread met the end of the
 * file), BN_EIO (errno kept). */
int jpread(int fd, void *buf, size_t len, uint64_t off);
int jpwrite(int fd, const void *buf, size_t len, uint64_t off);
/* fsync of the directory holding path (a rename or a creation in it). */
int jdir_sync(const char *path);
/* Adds a record to the index (lock held or not yet shared). 0, BN_ENOMEM. */
int jindex_push(struct journal *j, uint64_t off, uint32_t len, uint32_t from,
		uint32_t to);
/* Reads and checks the records after the header up to end (the file's
 * size), filling the index; cuts off a bad tail. 0, BN_EIO, BN_ENOMEM. */
int jscan(struct journal *j, uint64_t end);

/* A sentence for the journal's diagnostic callback, prefixed with the
 * file's name; errno is kept. */
void jdiag(struct journal *j, bool fatal, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
