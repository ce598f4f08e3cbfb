/* Appends per second to a zone journal in a directory (default: the
 * current one; give one on the disk the daemon would use): a 1-RR change
 * with a fdatasync each, then 16 appends per fdatasync (group commit).
 * Usage: banchi-journal-bench [dir] [seconds per row] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "journal/journal.h"
#include "wire/rrtype.h"

static const uint8_t origin[] = "\7example\0";

static void make_change(struct zchange *c, uint32_t from)
{
	static const uint8_t names[] = "\3ns1\7example\0\1h\7example\0";
	uint8_t rd[44] = { 0 }, a[4] = { 192, 0, 2, (uint8_t)from };

	memcpy(rd, names, 24);
	zchange_init(c);
	for (int to = 0; to < 2; to++) {
		uint32_t s = from + (uint32_t)to;

		for (int i = 0; i < 4; i++)
			rd[24 + i] = (uint8_t)(s >> (24 - 8 * i));
		zchange_set_soa(c, to, origin, 3600, rd, sizeof(rd));
	}
	zchange_add(c, (const uint8_t *)"\3www\7example\0", RR_A, 300, a, 4);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends for `seconds`, syncing every `group`; returns appends/s. */
static double run(struct journal *j, uint32_t *serial, int group,
		  double seconds)
{
	struct zchange c;
	double start = now(), t = start;
	long n = 0;

	while (t - start < seconds && n < 10000000) {
		for (int i = 0; i < group; i++, n++) {
			make_change(&c, (*serial)++);
			if (journal_append(j, &c) != 0)
				exit(1);
			zchange_clear(&c);
		}
		if (journal_sync(j) != 0)
			exit(1);
		t = now();
	}
	return (double)n / (t - start);
}

int main(int argc, char **argv)
{
	char path[4096];
	double secs = argc > 2 ? atof(argv[2]) : 3;
	struct journal *j;
	uint32_t serial = 1;

	snprintf(path, sizeof(path), "%s/bench-%d.jnl",
		 argc > 1 ? argv[1] : ".", (int)getpid());
	if (journal_open(path, origin, NULL, NULL, &j) != 0) {
		perror(path);
		return 1;
	}
	printf("1 append per fdatasync:   %.0f appends/s\n",
	       run(j, &serial, 1, secs));
	printf("16 appends per fdatasync: %.0f appends/s\n",
	       run(j, &serial, 16, secs));
	printf("%zu records, %llu octets\n", journal_count(j),
	       (unsigned long long)journal_bytes(j));
	journal_close(j);
	unlink(path);
	return 0;
}
