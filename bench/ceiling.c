/* banchi-ceiling: the machine's no-work UDP ceiling for the benchmark.
 * Answers every query with one fixed A record through the same
 * recvmmsg/sendmmsg batching as banchi-auth's UDP threads (a blocking
 * udp_read_batch, udp_answer_batch, then the same receive moderation,
 * udp_coalesce_wait, by default as long as banchi-auth's), without any
 * lookup, so the benchmark can show banchi as a fraction of it. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/udp.h"
#include "net/udp_wait.h"

/* Answer RR: pointer to the question name, A IN, TTL 60, 192.0.2.1. */
static const uint8_t fixed_rr[] = {
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
	0x00, 0x04, 192, 0, 2, 1,
};

/* End of the question, or 0 when the query is too short or malformed. */
static size_t question_end(const uint8_t *q, size_t qlen)
{
	size_t at = 12;

	while (at < qlen && q[at] != 0) {
		if (q[at] & 0xc0)
			return 0;
		at += 1 + (size_t)q[at];
	}
	at += 1 + 4;
	return at <= qlen ? at : 0;
}

static size_t answer(void *ctx, const uint8_t *q, size_t qlen,
		     uint8_t *out, size_t cap)
{
	size_t end = question_end(q, qlen);

	(void)ctx;
	if (end == 0 || end + sizeof(fixed_rr) > cap || (q[2] & 0x80))
		return 0;
	memcpy(out, q, end);
	out[2] = (uint8_t)((q[2] & 0x79) | 0x84);       /* QR, AA, keep RD */
	out[3] = 0;
	memcpy(out + 4, "\x00\x01\x00\x01\x00\x00\x00\x00", 8);
	memcpy(out + end, fixed_rr, sizeof(fixed_rr));
	return end + sizeof(fixed_rr);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	static struct udp_batch b;
	long usec = argc == 4 ? atol(argv[3]) : UDP_COALESCE_US;
	int fd, n;

	if (argc < 3 || argc > 4 ||
	    inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1) {
		fprintf(stderr, "usage: banchi-ceiling ADDRESS PORT "
			"[COALESCE-USEC]\n");
		return 2;
	}
	sa.sin_port = htons((uint16_t)atoi(argv[2]));
	fd = udp_open((struct sockaddr *)&sa, sizeof(sa));
	if (fd < 0) {
		fprintf(stderr, "banchi-ceiling: cannot bind: %s\n",
			strerror(-fd));
		return 1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	for (;;) {
		n = udp_read_batch(fd, &b, true);
		if (n > 0)
			udp_answer_batch(fd, &b, n, answer, NULL);
		udp_coalesce_wait(n, UDP_BATCH, usec);
	}
}
