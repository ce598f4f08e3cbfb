/* Unit tests for src/journal: round trip and reopen, a file cut at every
 * length and a bit flipped at every offset (the good records before the
 * damage kept, nothing else), headers of another zone or not a journal,
 * chain breaks, reads from a serial, trim, reset, and a read running
 * while another thread appends. */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "check.h"
#include "journal/journal.h"
#include "journal/journal_int.h"
#include "wire/rrtype.h"

static const uint8_t origin[] = "\7example\0";
static const uint8_t other[] = "\5other\0";
static char dir[64], path[128];

struct diags {
	int n, fatal;
	char last[1024];
};

static void on_diag(void *ctx, bool fatal, const char *msg)
{
	struct diags *d = ctx;

	d->n++;
	d->fatal += fatal;
	snprintf(d->last, sizeof(d->last), "%s", msg);
}

static void soa_rdata(uint8_t *rd, uint32_t serial)
{
	static const uint8_t names[] = "\3ns1\7example\0\1h\7example\0";

	memcpy(rd, names, sizeof(names) - 1);
	rd += sizeof(names) - 1;
	for (int i = 0; i < 20; i++)
		rd[i] = (uint8_t)(i < 4 ? serial >> (24 - 8 * i) : (uint32_t)i);
}
#define SOA_RDLEN (13 + 11 + 20)

/* The change from serial `from` to from+1: nrr removed and nrr added A
 * records whose names and addresses depend on from. */
static void make_change(struct zchange *c, uint32_t from, unsigned nrr)
{
	uint8_t rd[SOA_RDLEN], owner[] = "\4w000\7example\0", a[4];

	zchange_init(c);
	soa_rdata(rd, from);
	zchange_set_soa(c, false, origin, 3600, rd, SOA_RDLEN);
	soa_rdata(rd, from + 1);
	zchange_set_soa(c, true, origin, 3600, rd, SOA_RDLEN);
	for (unsigned i = 0; i < nrr; i++) {
		owner[2] = (uint8_t)('0' + i % 10);
		owner[3] = (uint8_t)('a' + from % 26);
		memcpy(a, (uint8_t[]){ 192, 0, (uint8_t)from, (uint8_t)i }, 4);
		zchange_del(c, owner, RR_A, 300 + i, a, 4);
		a[0] = 198;
		zchange_add(c, owner, RR_A, 600 + i, a, 4);
	}
}

static bool rr_same(const struct zchange_rr *a, const struct zchange_rr *b)
{
	return a->type == b->type && a->ttl == b->ttl &&
	       a->rdlen == b->rdlen && name_equal(a->owner, b->owner) &&
	       name_length(a->owner) == name_length(b->owner) &&
	       memcmp(a->rdata, b->rdata, a->rdlen) == 0;
}

static bool change_same(const struct zchange *a, const struct zchange *b)
{
	if (a->ndel != b->ndel || a->nadd != b->nadd ||
	    !rr_same(&a->soa_from, &b->soa_from) ||
	    !rr_same(&a->soa_to, &b->soa_to))
		return false;
	for (size_t i = 0; i < a->ndel; i++)
		if (!rr_same(&a->del[i], &b->del[i]))
			return false;
	for (size_t i = 0; i < a->nadd; i++)
		if (!rr_same(&a->add[i], &b->add[i]))
			return false;
	return true;
}

/* Appends the changes first .. first+n-1 (nrr of them each: i % 5). */
static int append_n(struct journal *j, uint32_t first, unsigned n)
{
	struct zchange c;
	int ret = 0;

	for (unsigned i = 0; i < n && !ret; i++) {
		make_change(&c, first + i, (first + i) % 5);
		ret = journal_append(j, &c);
		zchange_clear(&c);
	}
	return ret ? ret : journal_sync(j);
}

/* Checks each change read against the one make_change gives. */
struct walk {
	uint32_t next;
	unsigned seen, stop_after;
	bool bad;
};

static int on_change(void *ctx, const struct zchange *c)
{
	struct walk *w = ctx;
	struct zchange want;

	make_change(&want, w->next, w->next % 5);
	if (!change_same(c, &want) || zchange_from(c) != w->next)
		w->bad = true;
	zchange_clear(&want);
	w->next = zchange_to(c);
	w->seen++;
	return w->stop_after && w->seen == w->stop_after ? 7 : 0;
}

static int read_from(struct journal *j, uint32_t from, struct walk *w)
{
	*w = (struct walk){ .next = from };
	return journal_read(j, from, on_change, w);
}

static struct journal *open_ok(const char *p, struct diags *d)
{
	struct journal *j = NULL;

	*d = (struct diags){ 0 };
	CHECK(journal_open(p, origin, on_diag, d, &j) == 0);
	return j;
}

static void write_file(const char *p, const uint8_t *data, size_t len)
{
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	CHECK(fd >= 0 && write(fd, data, len) == (ssize_t)len);
	close(fd);
}

static size_t read_file(const char *p, uint8_t *buf, size_t cap)
{
	int fd = open(p, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, cap) : -1;

	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static uint64_t file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (uint64_t)st.st_size : (uint64_t)-1;
}

static void test_crc(void)
{
	CHECK(crc32c(0, "123456789", 9) == 0xe3069283);
	CHECK(crc32c(crc32c(0, "1234", 4), "56789", 5) == 0xe3069283);
	CHECK(crc32c(0, "", 0) == 0);
}

static void test_round_trip(void)
{
	struct diags d;
	struct walk w;
	struct journal *j = open_ok(path, &d);
	uint64_t bytes;
	uint8_t head[4];

	CHECK(d.n == 0 && journal_count(j) == 0);
	CHECK(append_n(j, 1, 300) == 0);
	CHECK(journal_count(j) == 300 && journal_first(j) == 1 &&
	      journal_last(j) == 301);
	bytes = journal_bytes(j);
	CHECK(bytes == file_size(path));
	CHECK(read_from(j, 1, &w) == 0 && w.seen == 300 && !w.bad &&
	      w.next == 301);
	journal_close(j);
	CHECK(read_file(path, head, 4) == 4 && memcmp(head, "BNJ1", 4) == 0);

	j = open_ok(path, &d);
	CHECK(d.n == 0 && journal_count(j) == 300);
	CHECK(journal_bytes(j) == bytes && journal_last(j) == 301);
	CHECK(read_from(j, 1, &w) == 0 && w.seen == 300 && !w.bad);
	/* from a middle serial, from the end, from nowhere, stopped */
	CHECK(read_from(j, 120, &w) == 0 && w.seen == 181 && !w.bad);
	CHECK(read_from(j, 301, &w) == 0 && w.seen == 0);
	CHECK(read_from(j, 0, &w) == BN_ENOTFOUND && w.seen == 0);
	CHECK(read_from(j, 302, &w) == BN_ENOTFOUND);
	w = (struct walk){ .next = 10, .stop_after = 3 };
	CHECK(journal_read(j, 10, on_change, &w) == 7 && w.seen == 3);
	/* a second opener (another process, as flock sees it) is refused */
	struct journal *j2 = NULL;
	CHECK(journal_open(path, origin, NULL, NULL, &j2) == BN_EIO &&
	      !j2);
	journal_close(j);
	unlink(path);
}

static void test_append_refused(void)
{
	struct diags d;
	struct journal *j = open_ok(path, &d);
	struct zchange c;
	uint8_t rd[SOA_RDLEN];

	/* an empty journal takes any start */
	CHECK(append_n(j, 1000, 2) == 0 && journal_last(j) == 1002);
	make_change(&c, 5, 1);
	CHECK(journal_append(j, &c) == BN_EINVAL);
	zchange_clear(&c);
	/* the serial must move forward */
	make_change(&c, 1002, 1);
	soa_rdata(rd, 1002);
	zchange_set_soa(&c, true, origin, 3600, rd, SOA_RDLEN);
	CHECK(journal_append(j, &c) == BN_EINVAL);
	zchange_clear(&c);
	/* the SOAs must be the zone's */
	make_change(&c, 1002, 1);
	soa_rdata(rd, 1003);
	zchange_set_soa(&c, true, other, 3600, rd, SOA_RDLEN);
	CHECK(journal_append(j, &c) == BN_EINVAL);
	zchange_clear(&c);
	zchange_init(&c);
	CHECK(journal_append(j, &c) == BN_EINVAL);
	zchange_clear(&c);
	CHECK(journal_count(j) == 2 && journal_bytes(j) == file_size(path));
	make_change(&c, 1002, 3);
	CHECK(journal_append_sync(j, &c) == 0 && journal_last(j) == 1003);
	zchange_clear(&c);
	journal_close(j);
	unlink(path);
}

/* A fresh file of three records; its bytes and the records' ends. */
static size_t three_records(uint8_t *buf, size_t cap, size_t *hdr,
			    size_t ends[3])
{
	struct diags d;
	struct journal *j = open_ok(path, &d);

	*hdr = journal_bytes(j);
	for (int i = 0; i < 3; i++) {
		append_n(j, 10 + (uint32_t)i, 1);
		ends[i] = journal_bytes(j);
	}
	journal_close(j);
	return read_file(path, buf, cap);
}

/* Whole records in the first len octets. */
static size_t whole(size_t len, const size_t ends[3])
{
	size_t n = 0;

	while (n < 3 && ends[n] <= len)
		n++;
	return n;
}

static void test_cut_everywhere(void)
{
	uint8_t buf[4096];
	size_t hdr, ends[3], size = three_records(buf, sizeof(buf), &hdr, ends);
	int bad = 0;

	CHECK(size == ends[2] && size > 100);
	for (size_t len = 0; len <= size; len++) {
		struct diags d;
		struct walk w;
		struct journal *j;
		size_t n = whole(len, ends), keep = n ? ends[n - 1] : hdr;
		bool boundary = len == 0 || len == hdr || len == keep;

		write_file(path, buf, len);
		j = open_ok(path, &d);
		if (!j)
			continue;
		bad += journal_count(j) != n || journal_bytes(j) != keep ||
		       file_size(path) != keep || d.fatal ||
		       d.n != (boundary ? 0 : 1);
		if (n)
			bad += read_from(j, 10, &w) != 0 || w.seen != n ||
			       w.bad;
		journal_close(j);
		j = open_ok(path, &d);
		bad += d.n != 0 || journal_count(j) != n;
		journal_close(j);
		CHECKF(bad == 0, "cut at %zu of %zu: %s", len, size, d.last);
		if (bad)
			break;
	}
	unlink(path);
}

static void test_flip_everywhere(void)
{
	uint8_t buf[4096];
	size_t hdr, ends[3], size = three_records(buf, sizeof(buf), &hdr, ends);
	int bad = 0;

	for (size_t off = 0; off < size; off++) {
		struct diags d = { 0 };
		struct journal *j = NULL;
		size_t n = whole(off, ends);
		int ret;

		buf[off] ^= (uint8_t)(1u << (off % 8));
		write_file(path, buf, size);
		buf[off] ^= (uint8_t)(1u << (off % 8));
		ret = journal_open(path, origin, on_diag, &d, &j);
		if (off < hdr)  /* a damaged header is not a journal */
			bad += ret != BN_EINVAL || d.fatal != 1 || j;
		else
			bad += ret != 0 || journal_count(j) != n ||
			       journal_bytes(j) != (n ? ends[n - 1] : hdr) ||
			       d.n != 1 || d.fatal;
		journal_close(j);
		CHECKF(bad == 0, "bit flipped at %zu: %d %s", off, ret, d.last);
		if (bad)
			break;
	}
	unlink(path);
}

static void test_headers(void)
{
	struct diags d = { 0 };
	struct journal *j = NULL;
	char aside[256];
	static const uint8_t junk[] = "this is not a journal at all, no";
	uint8_t hdr[JHDR_MAX];
	size_t hlen = jhdr_encode(hdr, origin);

	j = open_ok(path, &d);
	journal_close(j);
	CHECK(journal_open(path, other, on_diag, &d, &j) == BN_EINVAL && !j);
	CHECK(d.fatal == 1 && strstr(d.last, "journal of zone example.") &&
	      strstr(d.last, path));
	CHECK(journal_set_aside(path, aside, sizeof(aside)) == 0);
	CHECK(strncmp(aside, path, strlen(path)) == 0 &&
	      strncmp(aside + strlen(path), ".bad-", 5) == 0);
	CHECK(access(path, F_OK) != 0 && access(aside, F_OK) == 0);
	CHECK(journal_open(path, other, NULL, NULL, &j) == 0);
	journal_close(j);
	/* a second one set aside (in the same second: ".1") keeps both */
	char aside2[256];
	CHECK(journal_set_aside(path, aside2, sizeof(aside2)) == 0);
	CHECK(strcmp(aside, aside2) != 0 && access(aside, F_OK) == 0 &&
	      access(aside2, F_OK) == 0 && access(path, F_OK) != 0);
	CHECK(journal_set_aside(path, NULL, 0) == BN_EIO);
	unlink(aside);
	unlink(aside2);

	write_file(path, junk, sizeof(junk));
	d = (struct diags){ 0 };
	CHECK(journal_open(path, origin, on_diag, &d, &j) == BN_EINVAL);
	CHECK(d.fatal == 1 && strstr(d.last, "not a banchi journal"));
	/* a header cut short (creation interrupted) is written anew */
	write_file(path, hdr, 5);
	j = open_ok(path, &d);
	CHECK(d.n == 1 && !d.fatal && journal_bytes(j) == hlen);
	journal_close(j);
	/* the same zone in other case is the same zone */
	CHECK(journal_open(path, (const uint8_t *)"\7EXAMPLE\0", NULL, NULL,
			   &j) == 0);
	journal_close(j);
	unlink(path);
}

/* Three records whose third does not start where the second ends. */
static void test_chain_break(void)
{
	uint8_t a[4096], b[4096];
	char path2[160];
	struct diags d;
	struct journal *j = open_ok(path, &d);
	size_t alen, blen, hdr = journal_bytes(j), keep;

	append_n(j, 1, 2);
	keep = journal_bytes(j);
	journal_close(j);
	snprintf(path2, sizeof(path2), "%s2", path);
	j = open_ok(path2, &d);
	append_n(j, 5, 1);
	journal_close(j);
	alen = read_file(path, a, sizeof(a));
	blen = read_file(path2, b, sizeof(b));
	memcpy(a + alen, b + hdr, blen - hdr);
	write_file(path, a, alen + blen - hdr);
	j = open_ok(path, &d);
	CHECK(journal_count(j) == 2 && journal_last(j) == 3);
	CHECK(d.n == 1 && strstr(d.last, "chain") &&
	      file_size(path) == keep);
	journal_close(j);
	unlink(path);
	unlink(path2);
}

static void test_trim_reset(void)
{
	struct diags d;
	struct walk w;
	struct journal *j = open_ok(path, &d);
	size_t dropped = 99, hdr = journal_bytes(j);
	uint64_t at40, max;

	append_n(j, 1, 40);
	at40 = journal_bytes(j);
	append_n(j, 41, 10);
	max = hdr + journal_bytes(j) - at40;
	CHECK(journal_trim(j, journal_bytes(j), &dropped) == 0 &&
	      dropped == 0 && journal_count(j) == 50);
	CHECK(journal_trim(j, max + 3, &dropped) == 0 && dropped == 40);
	CHECK(journal_count(j) == 10 && journal_first(j) == 41 &&
	      journal_bytes(j) == max && file_size(path) == max);
	CHECK(read_from(j, 41, &w) == 0 && w.seen == 10 && !w.bad);
	CHECK(read_from(j, 1, &w) == BN_ENOTFOUND);
	CHECK(append_n(j, 51, 1) == 0 && journal_last(j) == 52);
	journal_close(j);
	CHECK(access(path, F_OK) == 0);
	j = open_ok(path, &d);
	CHECK(d.n == 0 && journal_count(j) == 11 && journal_first(j) == 41);
	CHECK(journal_trim(j, 10, &dropped) == 0 && dropped == 11 &&
	      journal_count(j) == 0 && journal_bytes(j) == hdr);
	append_n(j, 7, 3);
	CHECK(journal_reset(j) == 0 && journal_count(j) == 0 &&
	      file_size(path) == hdr);
	CHECK(append_n(j, 900, 1) == 0 && journal_first(j) == 900);
	journal_close(j);
	j = open_ok(path, &d);
	CHECK(d.n == 0 && journal_count(j) == 1);
	journal_close(j);
	unlink(path);
}

/* Reads while another thread appends: each read sees a whole chain. */
static void *appender(void *arg)
{
	append_n(arg, 2, 400);
	return NULL;
}

static void test_concurrent(void)
{
	struct diags d;
	struct walk w;
	struct journal *j = open_ok(path, &d);
	pthread_t t;
	int bad = 0, reads = 0;

	append_n(j, 1, 1);
	CHECK(pthread_create(&t, NULL, appender, j) == 0);
	/* at least one read even when the appender is done first */
	do {
		bad += read_from(j, 1, &w) != 0 || w.bad || w.seen == 0;
		reads++;
	} while (journal_count(j) < 401 && reads < 100000);
	pthread_join(t, NULL);
	CHECK(bad == 0 && reads > 0 && journal_count(j) == 401);
	CHECK(read_from(j, 1, &w) == 0 && w.seen == 401 && !w.bad);
	journal_close(j);
	unlink(path);
}

/* Appends with a trim every 25 records while reads run. */
static void *append_trim(void *arg)
{
	struct journal *j = arg;

	for (uint32_t s = 2; s < 302; s += 25) {
		append_n(j, s, 25);
		journal_trim(j, 4000, NULL);
	}
	return NULL;
}

static void test_concurrent_trim(void)
{
	struct diags d;
	struct walk w;
	struct journal *j = open_ok(path, &d);
	pthread_t t;
	int bad = 0, reads = 0, ret;

	append_n(j, 1, 1);
	CHECK(pthread_create(&t, NULL, append_trim, j) == 0);
	do {
		/* the oldest record may be trimmed away before the read */
		ret = read_from(j, journal_first(j), &w);
		bad += (ret != 0 && ret != BN_ENOTFOUND) || w.bad;
		reads++;
	} while (journal_last(j) < 302 && reads < 100000);
	pthread_join(t, NULL);
	CHECK(bad == 0 && reads > 0 && journal_last(j) == 302);
	CHECK(journal_bytes(j) <= 4000 && journal_count(j) > 0);
	journal_close(j);
	j = open_ok(path, &d);
	CHECK(d.n == 0 && journal_last(j) == 302);
	journal_close(j);
	unlink(path);
}

/* Removes what a failed test may have left in the directory. */
static void clean_dir(void)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[512];

	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (dp)
		closedir(dp);
	rmdir(dir);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/test_journal.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/example.jnl", dir);
	test_crc();
	test_round_trip();
	test_append_refused();
	test_cut_everywhere();
	test_flip_everywhere();
	test_headers();
	test_chain_break();
	test_trim_reset();
	test_concurrent();
	test_concurrent_trim();
	clean_dir();
	CHECK(access(dir, F_OK) != 0);
	return check_done();
}
