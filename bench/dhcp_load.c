/* DHCPv4 load for bench/dhcp.py: four-way exchanges (DISCOVER, OFFER,
 * REQUEST, ACK) as a relay agent (giaddr), a window of exchanges in
 * flight, batched syscalls. perfdhcp spends a whole core at about 17,000
 * exchanges/s on this machine, less than the servers can take; this
 * client costs a fraction of that, so the server is the limit. With
 * --names each client sends a host name of its own (option 12), so that
 * servers registering names in DNS get one per lease.
 *
 * banchi-dhcp-load SERVER RELAY CLIENTS SECONDS [WINDOW] [NAME-PREFIX]
 * prints: exchanges N in T s: R/s; naks N; lost N (no answer within
 * 2 s); sent N (datagrams); clients N (distinct clients acknowledged) */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64
#define WMAX 4096
#define PKT 600
#define TIMEOUT_NS 2000000000LL

struct slot {
	uint32_t mac;           /* client index; UINT32_MAX: free */
	uint32_t xid;
	int64_t start;
};

static struct {
	struct sockaddr_in srv;
	uint32_t relay, clients;
	const char *prefix;
	uint8_t *busy;          /* per client: an exchange in flight */
	uint8_t *acked;         /* per client: an ACK seen */
	struct slot w[WMAX];
	unsigned window;
	unsigned long done, naks, lost, sent, clients_acked;
	uint64_t rnd;
} g;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static uint32_t rnd(void)
{
	g.rnd ^= g.rnd << 13;
	g.rnd ^= g.rnd >> 7;
	g.rnd ^= g.rnd << 17;
	return (uint32_t)g.rnd;
}

static size_t opt(uint8_t *p, uint8_t code, const void *v, size_t len)
{
	p[0] = code;
	p[1] = (uint8_t)len;
	memcpy(p + 2, v, len);
	return len + 2;
}

/* A DISCOVER (yiaddr 0) or a REQUEST for addr from server sid. */
static size_t build(uint8_t *p, const struct slot *s, int type,
		    uint32_t addr, uint32_t sid)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 51 };
	uint8_t mac[6] = { 0x02, 0xbb, 0, (uint8_t)(s->mac >> 16),
			   (uint8_t)(s->mac >> 8), (uint8_t)s->mac };
	uint8_t t = (uint8_t)type;
	char name[64];
	size_t n = 240;

	memset(p, 0, PKT);
	p[0] = 1;
	p[1] = 1;
	p[2] = 6;
	p[3] = 1;               /* hops: relayed */
	memcpy(p + 4, &s->xid, 4);
	memcpy(p + 24, &g.relay, 4);
	memcpy(p + 28, mac, 6);
	memcpy(p + 236, "\x63\x82\x53\x63", 4);
	n += opt(p + n, 53, &t, 1);
	if (type == 3) {
		n += opt(p + n, 50, &addr, 4);
		n += opt(p + n, 54, &sid, 4);
	}
	if (g.prefix) {
		snprintf(name, sizeof(name), "%s%u", g.prefix, s->mac);
		n += opt(p + n, 12, name, strlen(name));
	}
	n += opt(p + n, 55, prl, sizeof(prl));
	p[n++] = 255;
	return n < 300 ? 300 : n;
}

/* The value of option code in a reply of len octets, or NULL. */
static const uint8_t *find(const uint8_t *p, size_t len, uint8_t code)
{
	size_t i = 240;

	while (i + 1 < len && p[i] != 255) {
		if (p[i] == 0) {
			i++;
			continue;
		}
		if (i + 2 + p[i + 1] > len)
			return NULL;
		if (p[i] == code)
			return p + i + 2;
		i += 2 + p[i + 1];
	}
	return NULL;
}

struct out {
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	uint8_t pkt[BATCH][PKT];
	unsigned n;
};

static void flush(int fd, struct out *o)
{
	unsigned i, sent = 0;
	int r;

	for (i = 0; i < o->n; i++) {
		o->iov[i].iov_base = o->pkt[i];
		o->mm[i].msg_hdr = (struct msghdr){ .msg_name = &g.srv,
			.msg_namelen = sizeof(g.srv), .msg_iov = &o->iov[i],
			.msg_iovlen = 1 };
	}
	while (sent < o->n) {
		r = sendmmsg(fd, o->mm + sent, o->n - sent, 0);
		if (r <= 0)
			break;
		sent += (unsigned)r;
	}
	g.sent += sent;
	o->n = 0;
}

static void queue(int fd, struct out *o, const struct slot *s, int type,
		  uint32_t addr, uint32_t sid)
{
	o->iov[o->n].iov_len = build(o->pkt[o->n], s, type, addr, sid);
	if (++o->n == BATCH)
		flush(fd, o);
}

static void release_slot(struct slot *s)
{
	g.busy[s->mac] = 0;
	s->mac = UINT32_MAX;
}

/* Free slots get a new client (one not in flight) and its DISCOVER;
 * exchanges older than the timeout are counted lost. */
static void fill(int fd, struct out *o, int64_t now)
{
	unsigned i, tries;

	for (i = 0; i < g.window; i++) {
		struct slot *s = &g.w[i];

		if (s->mac != UINT32_MAX && now - s->start > TIMEOUT_NS) {
			g.lost++;
			release_slot(s);
		}
		if (s->mac != UINT32_MAX)
			continue;
		for (tries = 0; tries < 8; tries++) {
			s->mac = rnd() % g.clients;
			if (!g.busy[s->mac])
				break;
		}
		if (g.busy[s->mac]) {
			s->mac = UINT32_MAX;
			continue;
		}
		g.busy[s->mac] = 1;
		s->xid = (rnd() & ~(uint32_t)(WMAX - 1)) | i;
		s->start = now;
		queue(fd, o, s, 1, 0, 0);
	}
}

static void reply(int fd, struct out *o, const uint8_t *p, size_t len)
{
	const uint8_t *t, *sid;
	uint32_t xid, addr, id;
	struct slot *s;

	if (len < 244 || p[0] != 2)
		return;
	memcpy(&xid, p + 4, 4);
	s = &g.w[xid & (WMAX - 1)];
	t = find(p, len, 53);
	if (s->mac == UINT32_MAX || s->xid != xid || !t)
		return;
	if (*t == 2 && (sid = find(p, len, 54))) {
		memcpy(&addr, p + 16, 4);
		memcpy(&id, sid, 4);
		queue(fd, o, s, 3, addr, id);
		return;
	}
	if (*t == 5) {
		g.done++;
		g.clients_acked += !g.acked[s->mac];
		g.acked[s->mac] = 1;
	}
	else if (*t == 6)
		g.naks++;
	else
		return;
	release_slot(s);
}

static void receive(int fd, struct out *o)
{
	static uint8_t buf[BATCH][1500];
	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	int i, n;

	for (i = 0; i < BATCH; i++) {
		iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		mm[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i],
						 .msg_iovlen = 1 };
	}
	n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL);
	for (i = 0; i < n; i++)
		reply(fd, o, buf[i], mm[i].msg_len);
}

static int open_sock(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(67),
				 .sin_addr.s_addr = g.relay };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, big = 8 << 20;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
				 sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	return fd;
}

int main(int argc, char **argv)
{
	static struct out o;
	struct pollfd pf;
	int64_t t0, end, now;
	int fd;

	if (argc < 5 || inet_pton(AF_INET, argv[1], &g.srv.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &g.relay) != 1) {
		fputs("usage: banchi-dhcp-load SERVER RELAY CLIENTS SECONDS "
		      "[WINDOW] [NAME-PREFIX]\n", stderr);
		return 2;
	}
	g.srv.sin_family = AF_INET;
	g.srv.sin_port = htons(67);
	g.clients = (uint32_t)strtoul(argv[3], NULL, 10);
	g.window = argc > 5 ? (unsigned)strtoul(argv[5], NULL, 10) : 256;
	g.prefix = argc > 6 ? argv[6] : NULL;
	g.rnd = 0x9e3779b97f4a7c15ULL;
	g.busy = calloc(g.clients ? g.clients : 1, 1);
	g.acked = calloc(g.clients ? g.clients : 1, 1);
	if (!g.clients || !g.busy || !g.acked || g.window < 1 ||
	    g.window > WMAX)
		return 2;
	for (unsigned i = 0; i < WMAX; i++)
		g.w[i].mac = UINT32_MAX;
	fd = open_sock();
	if (fd < 0)
		return 1;
	pf = (struct pollfd){ .fd = fd, .events = POLLIN };
	t0 = now_ns();
	end = t0 + (int64_t)(atof(argv[4]) * 1e9);
	for (now = t0; now < end; now = now_ns()) {
		fill(fd, &o, now);
		flush(fd, &o);
		if (poll(&pf, 1, 10) > 0)
			receive(fd, &o);
		flush(fd, &o);
	}
	printf("exchanges %lu in %.3f s: %.0f/s; naks %lu; lost %lu; "
	       "sent %lu; clients %lu\n", g.done, (now - t0) / 1e9,
	       g.done / ((now - t0) / 1e9), g.naks, g.lost, g.sent,
	       g.clients_acked);
	return 0;
}
