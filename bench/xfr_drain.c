/* banchi-xfr-drain: the AXFR client of the transfer benchmark. Asks for
 * one zone over TCP and reads the messages as fast as they come, looking
 * only at record types (the transfer ends at the second SOA), so that
 * the time measured is the server's, not a client's parsing.
 * Usage: banchi-xfr-drain ADDR PORT ZONE [FILE]; prints "seconds
 * messages records octets", exits 1 on a refusal, a short read or a bad
 * message. FILE: the stream as read (each message after its two-octet
 * length) is also written there, for bench/xfr_replay.py. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SOA 6
#define AXFR 252

/* Offset after the name at o, or n + 1 when it runs past n. */
static size_t skip_name(const uint8_t *m, size_t o, size_t n)
{
	while (o < n) {
		if (m[o] == 0)
			return o + 1;
		if ((m[o] & 0xc0) == 0xc0)
			return o + 2;
		o += (size_t)m[o] + 1;
	}
	return n + 1;
}

static int read_all(int fd, uint8_t *b, size_t n)
{
	for (size_t got = 0; got < n;) {
		ssize_t k = read(fd, b + got, n - got);

		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return 0;
}

static size_t make_query(uint8_t *q, const char *zone)
{
	size_t at = 14, l;

	memset(q, 0, 14);
	q[3] = 0x42;                    /* id */
	q[7] = 1;                       /* qdcount */
	for (const char *s = zone; *s; s += l + (s[l] == '.')) {
		l = strcspn(s, ".");
		if (l == 0 || l > 63 || at + l + 6 > 300)
			return 0;
		q[at++] = (uint8_t)l;
		memcpy(q + at, s, l);
		at += l;
	}
	q[at++] = 0;
	q[at++] = 0;
	q[at++] = AXFR;
	q[at++] = 0;
	q[at++] = 1;
	q[0] = (uint8_t)((at - 2) >> 8);
	q[1] = (uint8_t)(at - 2);
	return at;
}

/* SOAs among one message's answers, or -1 when it is not a good one. */
static int count_soa(const uint8_t *m, size_t n, long *rrs)
{
	size_t o = 12;
	int soa = 0;

	if (n < 12 || (m[3] & 15) != 0)
		return -1;
	for (unsigned i = 0, qd = m[4] << 8 | m[5]; i < qd; i++)
		o = skip_name(m, o, n) + 4;
	for (unsigned i = 0, an = m[6] << 8 | m[7]; i < an; i++) {
		o = skip_name(m, o, n);
		if (o + 10 > n)
			return -1;
		soa += (m[o] << 8 | m[o + 1]) == SOA;
		o += 10 + (size_t)(m[o + 8] << 8 | m[o + 9]);
		(*rrs)++;
	}
	return o <= n ? soa : -1;
}

int main(int argc, char **argv)
{
	static uint8_t m[65536];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct timespec t0, t1;
	long msgs = 0, rrs = 0, octets = 0;
	uint8_t q[300], l[2];
	size_t qlen;
	int fd, soa = 0, k;
	FILE *out = NULL;

	if (argc == 5 && !(out = fopen(argv[4], "wb"))) {
		perror(argv[4]);
		return 1;
	}
	if (argc < 4 || argc > 5 || inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1 ||
	    !(qlen = make_query(q, argv[3]))) {
		fprintf(stderr, "usage: banchi-xfr-drain ADDR PORT ZONE "
			"[FILE]\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    write(fd, q, qlen) != (ssize_t)qlen) {
		perror("banchi-xfr-drain");
		return 1;
	}
	while (soa < 2) {
		size_t n;

		if (read_all(fd, l, 2) < 0 ||
		    read_all(fd, m, n = (size_t)(l[0] << 8 | l[1])) < 0 ||
		    (k = count_soa(m, n, &rrs)) < 0) {
			fprintf(stderr, "banchi-xfr-drain: message %ld: short "
				"read, refusal or bad message\n", msgs + 1);
			return 1;
		}
		if (out && (fwrite(l, 1, 2, out) != 2 ||
			    fwrite(m, 1, n, out) != n)) {
			perror("banchi-xfr-drain: write");
			return 1;
		}
		soa += k;
		msgs++;
		octets += (long)n;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	close(fd);
	if (out && fclose(out) != 0) {
		perror("banchi-xfr-drain: write");
		return 1;
	}
	printf("%.4f %ld %ld %ld\n", (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, msgs, rrs, octets);
	return 0;
}
