/* A zone's journal: an append-only file of its changes (struct zchange),
 * each record checksummed, chained by serial. A change is appended and
 * made durable before the UPDATE that made it is answered; IXFR out reads
 * the changes after a client's serial; a crash leaves at worst a torn
 * tail, which opening cuts off.
 *
 * File layout (all integers big-endian):
 *
 *   header   "BNJ1"                      4 octets, magic
 *            version                     u16, 1
 *            origin length               u16, 1..255
 *            origin                      the zone's name, uncompressed wire
 *                                        form, case as given to open
 *            crc                         u32, CRC-32C of the octets above
 *   records, each:
 *            length                      u32, octets of the whole record,
 *                                        this field included
 *            crc                         u32, CRC-32C of the length field
 *                                        followed by every octet after this
 *                                        field to the record's end
 *            serial from, serial to      u32 each, the SOA serials
 *            ndel, nadd                  u32 each, records removed / added
 *            the change's resource records, in this order: the SOA it
 *            starts from, the ndel removed, the SOA it ends at, the nadd
 *            added; each one as
 *                owner                   uncompressed wire name
 *                type                    u16
 *                ttl                     u32
 *                rdlen                   u16
 *                rdata                   rdlen octets, uncompressed
 *
 * A record is valid when its CRC matches, its RRs fill it exactly, both
 * SOAs are SOA records owned by the origin whose serials are the ones in
 * the record's head, and `to` is after `from` (RFC 1982). Records chain:
 * each one's `from` is the previous one's `to`.
 *
 * Threads: append, sync, read and the accessors may run concurrently on
 * one journal (a mutex guards the record index; a read walks the records
 * that existed when it started). journal_trim and journal_reset also take
 * a lock that waits for running reads to finish; a read's callback must
 * therefore not call them on the same journal (it would deadlock). One
 * process per file: opening takes an exclusive flock(). */
#ifndef BANCHI_JOURNAL_JOURNAL_H
#define BANCHI_JOURNAL_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zone/change.h"

#define JOURNAL_RECORD_MAX (256u << 20) /* octets in one record */

struct journal;

/* An operator's sentence about the journal: fatal for a refusal (the
 * call fails), otherwise a repair that was made (a torn tail cut). */
typedef void journal_diag_fn(void *ctx, bool fatal, const char *msg);

/* Opens path (created with a header when missing or empty), scans and
 * checks every record and cuts off a torn or corrupt tail (ftruncate to
 * the last good record, fsync), reporting it through diag (may be NULL).
 * Returns 0, BN_EINVAL when the file is not a journal or is another
 * zone's (diag says which; journal_set_aside then moves it away),
 * BN_EIO (errno kept; EWOULDBLOCK: another process holds it), BN_ENOMEM. */
int journal_open(const char *path, const uint8_t *origin,
		 journal_diag_fn *diag, void *ctx, struct journal **out);
void journal_close(struct journal *j);

/* Renames path to path.bad-<unixtime> (.N appended when taken); the new
 * name goes to newpath when not NULL. 0 or BN_EIO. */
int journal_set_aside(const char *path, char *newpath, size_t cap);

/* Appends one record (one write, not synced). BN_EINVAL when the change
 * is not a valid record (see above) or does not start at journal_last()
 * (an empty journal takes any), BN_ENOSPC when it is larger than
 * JOURNAL_RECORD_MAX, BN_EIO when the write fails (the file is cut back
 * to its previous end). */
int journal_append(struct journal *j, const struct zchange *c);
/* Makes every appended record durable (fdatasync). 0 or BN_EIO. Group
 * commit is the caller's: append several changes, sync once. Once a sync
 * failed, appends and syncs fail (BN_EIO, the first errno) until the
 * journal is closed and opened again: the kernel may have dropped the
 * unwritten pages, so only a rescan knows what the disk holds. */
int journal_sync(struct journal *j);
int journal_append_sync(struct journal *j, const struct zchange *c);

/* The oldest record's `from`, the newest record's `to` (0 when empty:
 * look at journal_count first), the number of records, the file size. */
uint32_t journal_first(struct journal *j);
uint32_t journal_last(struct journal *j);
size_t journal_count(struct journal *j);
uint64_t journal_bytes(struct journal *j);

/* Called per change, oldest first; the change lives until the callback
 * returns. A nonzero return stops the walk and is returned. */
typedef int journal_change_fn(void *ctx, const struct zchange *c);

/* Walks the records from the one starting at serial `from` (the newest
 * such) to the last one present when the call started; 0 without a call
 * when `from` is journal_last() (nothing newer). BN_ENOTFOUND when no
 * record starts at `from` (IXFR falls back to AXFR), BN_EIO when a
 * read fails (errno kept; EBADMSG: the record changed on disk since it
 * was checked), BN_ENOMEM, or the callback's nonzero return. */
int journal_read(struct journal *j, uint32_t from, journal_change_fn *fn,
		 void *ctx);

/* Drops the oldest records until the file is at most max_bytes (all of
 * them when even the newest does not fit): the kept records are copied
 * unchanged to path.tmp, synced, renamed over path, the directory synced.
 * *dropped (may be NULL) gets the number dropped. 0, BN_EIO, BN_ENOMEM. */
int journal_trim(struct journal *j, uint64_t max_bytes, size_t *dropped);
/* Drops every record (after a full reload or an AXFR in). 0 or BN_EIO. */
int journal_reset(struct journal *j);

#endif
