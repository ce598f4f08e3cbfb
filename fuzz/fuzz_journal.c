/* libFuzzer target for the zone journal: the input is written as a
 * journal file of zone example. and opened. A header that is not one is
 * refused with a message; otherwise open succeeds, keeps a prefix of the
 * input (whole records), and every record it kept reads back, chained,
 * and re-encodes to the same octets (appended to a second journal). The
 * cut must be clean: the file reopens without a word, unchanged. Files
 * go to a directory under /dev/shm when there is one (fsync is free).
 * Each input runs twice: as it is, and with its checksums made right. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "journal/journal.h"
#include "journal/journal_int.h"

/* The line said: a crash report's frame may name any of the aborts. */
#define ASSERT(c)                                                        \
	do {                                                             \
		if (!(c)) {                                              \
			fprintf(stderr, "fuzz_journal.c:%d: %s\n",       \
				__LINE__, #c);                           \
			abort();                                         \
		}                                                        \
	} while (0)
#define MAXFILE (1 << 20)

static const uint8_t origin[] = "\7example\0";
static char dir[64], path[128], copy_path[128];
static uint8_t file[MAXFILE], copy[MAXFILE];

struct diags {
	int n, fatal;
	char last[300];                 /* said on a failed check */
};

static void on_diag(void *ctx, bool fatal, const char *msg)
{
	struct diags *d = ctx;

	d->n++;
	d->fatal += fatal;
	snprintf(d->last, sizeof(d->last), "%s", msg);
}

static void cleanup(void)
{
	unlink(path);
	unlink(copy_path);
	rmdir(dir);
}

static void setup(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(dir, sizeof(dir), "%s/fuzz_journal.XXXXXX", base);
	ASSERT(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/example.jnl", dir);
	snprintf(copy_path, sizeof(copy_path), "%s/copy.jnl", dir);
	atexit(cleanup);
}

static size_t slurp(const char *p, uint8_t *buf)
{
	int fd = open(p, O_RDONLY);
	ssize_t n;

	ASSERT(fd >= 0);
	n = read(fd, buf, MAXFILE);
	close(fd);
	ASSERT(n >= 0);
	return (size_t)n;
}

struct walk {
	struct journal *copy;
	uint32_t next;
	size_t seen;
};

static int on_change(void *ctx, const struct zchange *c)
{
	struct walk *w = ctx;

	ASSERT(zchange_from(c) == w->next);
	w->next = zchange_to(c);
	w->seen++;
	ASSERT(journal_append(w->copy, c) == 0);
	return 0;
}

/* Every kept record reads back and re-encodes to the same octets. The
 * walk from the first serial starts at the newest record leaving it, so
 * it covers a tail of the file when the serials wrapped around in it. */
static void read_all(struct journal *j, uint64_t bytes)
{
	struct walk w = { NULL, journal_first(j), 0 };
	size_t n = journal_count(j), flen, clen, hdr;

	unlink(copy_path);
	ASSERT(journal_open(copy_path, origin, NULL, NULL, &w.copy) == 0);
	hdr = journal_bytes(w.copy);
	if (n) {
		ASSERT(journal_read(j, w.next, on_change, &w) == 0);
		ASSERT(w.seen >= 1 && w.seen <= n &&
		       w.next == journal_last(j));
	}
	journal_close(w.copy);
	flen = slurp(path, file);
	clen = slurp(copy_path, copy);
	ASSERT(flen == bytes && clen >= hdr && flen >= clen);
	ASSERT(w.seen < n || flen == clen);
	ASSERT(memcmp(file + flen - (clen - hdr), copy + hdr, clen - hdr) == 0);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (24 - 8 * i));
}

/* The input with every checksum made right (header, then each record
 * its length fields reach), so that mutations get past the CRC to the
 * checks of a record's content and chain. */
static void fix_crcs(uint8_t *p, size_t size)
{
	size_t off = 12 + (size >= 8 ? (size_t)(p[6] << 8 | p[7]) : 0);
	uint32_t len;

	if (off > size)
		return;
	put32(p + off - 4, crc32c(0, p, off - 4));
	while (size - off >= 8) {
		len = get32(p + off);
		if (len < 8 || len > size - off)
			break;
		put32(p + off + 4,
		      crc32c(crc32c(0, p + off, 4), p + off + 8, len - 8));
		off += len;
	}
}

static void check_file(const uint8_t *data, size_t size)
{
	struct diags d = { 0 };
	struct journal *j = NULL;
	uint64_t bytes;
	size_t n;
	int fd, ret;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT(fd >= 0 && write(fd, data, size) == (ssize_t)size);
	close(fd);
	ret = journal_open(path, origin, on_diag, &d, &j);
	if (ret == BN_EINVAL) {
		ASSERT(!j && d.fatal == 1 && d.n == 1);
		return;
	}
	ASSERT(ret == 0 && d.fatal == 0 && d.n <= 1);
	bytes = journal_bytes(j);
	n = journal_count(j);
	/* a prefix of the input, unless the header was written anew */
	if (bytes <= size)
		ASSERT(slurp(path, file) == bytes &&
		       memcmp(file, data, bytes) == 0);
	read_all(j, bytes);
	journal_close(j);
	d = (struct diags){ 0 };
	ret = journal_open(path, origin, on_diag, &d, &j);
	if (ret != 0)           /* seen once in CI, not reproduced: say why */
		fprintf(stderr, "reopen: %d (errno %d), %d diags, last: %s\n",
			ret, errno, d.n, d.last);
	ASSERT(ret == 0);
	ASSERT(d.n == 0 && journal_count(j) == n && journal_bytes(j) == bytes);
	journal_close(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[MAXFILE];

	if (!dir[0])
		setup();
	if (size > MAXFILE)
		return 0;
	check_file(data, size);
	memcpy(fixed, data, size);
	fix_crcs(fixed, size);
	if (memcmp(fixed, data, size) != 0)
		check_file(fixed, size);
	return 0;
}
