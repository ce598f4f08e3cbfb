/* banchi-update-load: dynamic UPDATE load for the benchmark. N UDP
 * sockets each keep one UPDATE in flight (adds one new A record,
 * PREFIX<client>-<seq>.ZONE, unsigned), build the next when the answer
 * comes, retransmit after a timeout (counted), and print the rate of
 * NOERROR answers. --rate spreads the sends over time (updates/s over
 * all sockets); --count stops after that many new updates.
 * Usage: banchi-update-load [options] ADDRESS PORT ZONE */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 1024
#define MSG_CAP 512

struct client {
	int fd;
	uint16_t id;
	unsigned long seq;
	bool busy;                      /* an update is in flight */
	double sent_at, first_at;       /* last (re)send, first send */
	size_t len;
	uint8_t msg[MSG_CAP];
};

struct load {
	struct sockaddr_in to;
	uint8_t zone[256];
	size_t zlen;
	const char *prefix;
	int nclients;
	double seconds, rate, timeout;
	unsigned long max_new;          /* 0: no limit */
	unsigned long started, answered, rcodes[16], timeouts, bad;
	double next_at;                 /* rate limit: next send allowed */
	double lat_sum, last_ok;
	struct client *c;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Text name to wire form; its length, or 0 if it is not a name. */
static size_t name_wire(const char *text, uint8_t *out, size_t cap)
{
	size_t at = 0;

	while (*text) {
		const char *dot = strchr(text, '.');
		size_t n = dot ? (size_t)(dot - text) : strlen(text);

		if (n == 0 || n > 63 || at + n + 2 > cap)
			return 0;
		out[at++] = (uint8_t)n;
		memcpy(out + at, text, n);
		at += n;
		text += n + (dot ? 1 : 0);
	}
	out[at++] = 0;
	return at;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The next UPDATE of client i: header, zone section (ZONE SOA IN), one
 * add of PREFIX<i>-<seq> A 10.x.y.z pointing its suffix at the zone. */
static void build(struct load *l, int i)
{
	struct client *c = &l->c[i];
	uint8_t *m = c->msg;
	char label[64];
	int n = snprintf(label, sizeof(label), "%s%d-%lu", l->prefix, i,
			 c->seq);
	size_t at = 12;

	c->id = (uint16_t)(rand() & 0xffff);
	memset(m, 0, 12);
	put16(m, c->id);
	m[2] = 5 << 3;                  /* opcode UPDATE */
	put16(m + 4, 1);                /* ZOCOUNT */
	put16(m + 8, 1);                /* UPCOUNT */
	memcpy(m + at, l->zone, l->zlen);
	at += l->zlen;
	memcpy(m + at, "\x00\x06\x00\x01", 4);
	at += 4;
	m[at++] = (uint8_t)n;
	memcpy(m + at, label, (size_t)n);
	at += (size_t)n;
	memcpy(m + at, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04",
	       12);
	at += 12;
	m[at++] = 10;
	m[at++] = (uint8_t)(c->seq >> 16);
	m[at++] = (uint8_t)(c->seq >> 8);
	m[at++] = (uint8_t)c->seq;
	c->len = at;
}

static void transmit(struct load *l, int i, double t)
{
	struct client *c = &l->c[i];

	if (send(c->fd, c->msg, c->len, 0) < 0 && errno != EAGAIN &&
	    errno != ECONNREFUSED)
		perror("send");
	c->sent_at = t;
}

/* Starts client i's next update if the rate limit and the count allow. */
static void maybe_start(struct load *l, int i, double t)
{
	struct client *c = &l->c[i];

	if (c->busy || (l->max_new && l->started >= l->max_new))
		return;
	if (l->rate > 0) {
		if (t < l->next_at)
			return;
		/* Behind schedule by more than 0.1 s (a stall): forget it
		 * rather than burst to catch up. */
		l->next_at += 1.0 / l->rate;
		if (l->next_at < t - 0.1)
			l->next_at = t - 0.1;
	}
	build(l, i);
	c->busy = true;
	c->first_at = t;
	l->started++;
	transmit(l, i, t);
}

static void on_answer(struct load *l, int i, const uint8_t *a, ssize_t n,
		      double t)
{
	struct client *c = &l->c[i];
	unsigned rcode;

	if (n < 12 || !c->busy || a[0] != (c->id >> 8) ||
	    a[1] != (c->id & 0xff) || !(a[2] & 0x80)) {
		l->bad++;               /* late duplicate or not ours */
		return;
	}
	rcode = a[3] & 0x0f;
	l->rcodes[rcode]++;
	l->answered++;
	l->lat_sum += t - c->first_at;
	if (rcode == 0)
		l->last_ok = t;
	c->busy = false;
	c->seq++;
}

static void read_all(struct load *l, int i, double t)
{
	uint8_t buf[MSG_CAP];
	ssize_t n;
	int guard = 0;

	while (guard++ < 64 &&
	       (n = recv(l->c[i].fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0)
		on_answer(l, i, buf, n, t);
}

/* Poll timeout in ms: until the next retransmit or allowed send. */
static int wait_ms(const struct load *l, double t)
{
	double until = t + 0.05;

	for (int i = 0; i < l->nclients; i++) {
		if (l->c[i].busy && l->c[i].sent_at + l->timeout < until)
			until = l->c[i].sent_at + l->timeout;
		else if (!l->c[i].busy && l->rate > 0 && l->next_at < until)
			until = l->next_at;
	}
	return until <= t ? 0 : (int)((until - t) * 1000) + 1;
}

/* One pass: answers read, timeouts retransmitted, idle clients started
 * (unless draining). */
static void step(struct load *l, struct pollfd *pf, bool draining)
{
	double t;

	poll(pf, (nfds_t)l->nclients, wait_ms(l, now()));
	t = now();
	for (int i = 0; i < l->nclients; i++) {
		struct client *c = &l->c[i];

		if (pf[i].revents & POLLIN)
			read_all(l, i, t);
		if (c->busy && t - c->sent_at >= l->timeout) {
			l->timeouts++;
			transmit(l, i, t);
		}
		if (!draining)
			maybe_start(l, i, t);
	}
}

static int busy_count(const struct load *l)
{
	int n = 0;

	for (int i = 0; i < l->nclients; i++)
		n += l->c[i].busy;
	return n;
}

static int open_clients(struct load *l, struct pollfd *pf)
{
	for (int i = 0; i < l->nclients; i++) {
		int fd = socket(AF_INET, SOCK_DGRAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&l->to,
				      sizeof(l->to)) < 0) {
			perror("socket");
			return -1;
		}
		l->c[i].fd = fd;
		pf[i].fd = fd;
		pf[i].events = POLLIN;
	}
	return 0;
}

static void report(const struct load *l, double start, double end)
{
	unsigned long other = l->answered - l->rcodes[0];
	double span = (l->last_ok > start ? l->last_ok : end) - start;

	printf("clients %d seconds %.3f started %lu answered %lu noerror %lu "
	       "other %lu timeouts %lu unanswered %d rate %.1f avg_ms %.3f\n",
	       l->nclients, span, l->started, l->answered, l->rcodes[0],
	       other, l->timeouts, busy_count(l),
	       span > 0 ? (double)l->rcodes[0] / span : 0.0,
	       l->answered ? 1000 * l->lat_sum / (double)l->answered : 0.0);
	for (int r = 1; r < 16; r++)
		if (l->rcodes[r])
			printf("rcode %d %lu\n", r, l->rcodes[r]);
}

static int run(struct load *l)
{
	static struct pollfd pf[MAX_CLIENTS];
	double start, end;
	long guard = 0;

	if (open_clients(l, pf) < 0)
		return 1;
	start = now();
	l->next_at = start;
	end = start + l->seconds;
	while (now() < end && guard++ < 100000000L &&
	       !(l->max_new && l->started >= l->max_new && !busy_count(l)))
		step(l, pf, false);
	/* Answers to the updates still in flight, within 2 timeouts. */
	end = now() + 2 * l->timeout;
	while (busy_count(l) && now() < end)
		step(l, pf, true);
	report(l, start, now());
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: banchi-update-load [-c CLIENTS] [-t SECONDS] "
		"[-r RATE] [-n COUNT] [-p PREFIX] [-T TIMEOUT] ADDRESS PORT "
		"ZONE\n");
	exit(2);
}

static void parse(struct load *l, int argc, char **argv)
{
	int o;

	l->nclients = 1;
	l->seconds = 5;
	l->timeout = 1;
	l->prefix = "u";
	while ((o = getopt(argc, argv, "c:t:r:n:p:T:")) != -1) {
		switch (o) {
		case 'c': l->nclients = atoi(optarg); break;
		case 't': l->seconds = atof(optarg); break;
		case 'r': l->rate = atof(optarg); break;
		case 'n': l->max_new = strtoul(optarg, NULL, 10); break;
		case 'p': l->prefix = optarg; break;
		case 'T': l->timeout = atof(optarg); break;
		default: usage();
		}
	}
	if (argc - optind != 3 || l->nclients < 1 ||
	    l->nclients > MAX_CLIENTS || l->timeout <= 0 ||
	    strlen(l->prefix) > 30 ||
	    inet_pton(AF_INET, argv[optind], &l->to.sin_addr) != 1)
		usage();
	l->to.sin_family = AF_INET;
	l->to.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	l->zlen = name_wire(argv[optind + 2], l->zone, sizeof(l->zone));
	if (l->zlen == 0)
		usage();
}

int main(int argc, char **argv)
{
	static struct load l;

	parse(&l, argc, argv);
	l.c = calloc((size_t)l.nclients, sizeof(*l.c));
	if (!l.c)
		return 1;
	srand((unsigned)getpid() ^ (unsigned)time(NULL));
	return run(&l);
}
