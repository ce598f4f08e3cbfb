/* Unit tests for src/net on loopback: the UDP batch loop, TCP framing
 * (pipelining, a query split over reads, replies in order, EOF), the
 * connection caps, the address probe, the receive moderation wait, and
 * replies above the interface MTU (in a network namespace of its own).
 * The answer function echoes. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "net/sock.h"
#include "net/tcp.h"
#include "net/udp.h"
#include "net/udp_wait.h"

static int calls;

/* Echoes the query with its first octet flipped; "drop" gets nothing. */
static size_t echo(void *ctx, const uint8_t *q, size_t qlen, uint8_t *out,
		   size_t cap)
{
	(void)ctx;
	calls++;
	if (qlen == 4 && memcmp(q, "drop", 4) == 0)
		return 0;
	if (qlen > cap || qlen == 0)
		return 0;
	memcpy(out, q, qlen);
	out[0] ^= 0xff;
	return qlen;
}

/* A client socket whose reads give up after 2 s: a failing test must
 * not hang. */
static int client(int type)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_INET, type, 0);

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static struct sockaddr_in loopback(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	return a;
}

static int bound_port(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	getsockname(fd, (struct sockaddr *)&a, &l);
	return ntohs(a.sin_port);
}

static void test_udp(void)
{
	struct sockaddr_in a = loopback(0);
	struct udp_batch *b = malloc(sizeof(*b));
	int fd = udp_open((struct sockaddr *)&a, sizeof(a));
	int c = client(SOCK_DGRAM);
	uint8_t buf[64];
	ssize_t n;

	CHECK(fd >= 0 && b);
	if (fd < 0 || !b)
		return;
	a = loopback(bound_port(fd));
	CHECK(udp_serve(fd, b, echo, NULL) == 0);       /* nothing yet */
	sendto(c, "abc", 3, 0, (struct sockaddr *)&a, sizeof(a));
	sendto(c, "drop", 4, 0, (struct sockaddr *)&a, sizeof(a));
	sendto(c, "xyz1", 4, 0, (struct sockaddr *)&a, sizeof(a));
	usleep(20000);
	CHECK(udp_serve(fd, b, echo, NULL) == 3);
	n = recv(c, buf, sizeof(buf), MSG_DONTWAIT);
	CHECK(n == 3 && buf[0] == ('a' ^ 0xff) && buf[1] == 'b');
	n = recv(c, buf, sizeof(buf), MSG_DONTWAIT);
	CHECK(n == 4 && buf[1] == 'y');
	n = recv(c, buf, sizeof(buf), MSG_DONTWAIT);
	CHECK(n < 0);                   /* "drop" got no reply */
	CHECK(net_probe((struct sockaddr *)&a, sizeof(a), SOCK_DGRAM) ==
	      -EADDRINUSE);
	close(c);
	close(fd);
	free(b);
}

/* Replies 2,000 octets long. */
static size_t big(void *ctx, const uint8_t *q, size_t qlen, uint8_t *out,
		  size_t cap)
{
	(void)ctx;
	(void)q;
	(void)qlen;
	if (cap < 2000)
		return 0;
	memset(out, 'b', 2000);
	return 2000;
}

/* lo up with MTU 1280, in the namespace of this process. */
static int small_lo(void)
{
	struct ifreq r = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	strcpy(r.ifr_name, "lo");
	r.ifr_mtu = 1280;
	if (s >= 0 && ioctl(s, SIOCSIFMTU, &r) == 0 &&
	    ioctl(s, SIOCGIFFLAGS, &r) == 0) {
		r.ifr_flags |= IFF_UP;
		ret = ioctl(s, SIOCSIFFLAGS, &r);
	}
	if (s >= 0)
		close(s);
	return ret;
}

/* Exit code of the child: 0, or the step that failed. */
static int mtu_child(void)
{
	struct sockaddr_in a = loopback(0);
	static struct udp_batch b[1];   /* a child's only, freed at exit */
	int fd, c, v = 0;
	socklen_t vl = sizeof(v);
	uint8_t buf[2100];

	if (unshare(CLONE_NEWNET) < 0 || small_lo() < 0)
		return 10;              /* no namespace here: skipped */
	fd = udp_open((struct sockaddr *)&a, sizeof(a));
	c = client(SOCK_DGRAM);
	if (fd < 0 || c < 0)
		return 1;
	if (getsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v, &vl) < 0 ||
	    v != IP_PMTUDISC_PROBE)
		return 2;
	a = loopback(bound_port(fd));
	sendto(c, "q", 1, 0, (struct sockaddr *)&a, sizeof(a));
	usleep(20000);
	if (udp_serve(fd, b, big, NULL) != 1)
		return 3;
	usleep(20000);
	if (recv(c, buf, sizeof(buf), MSG_DONTWAIT) != 2000)
		return 4;               /* lost instead of fragmented */
	return 0;
}

/* DF on replies (IP_PMTUDISC_PROBE), and a reply above the interface
 * MTU still arrives, fragmented, instead of failing with EMSGSIZE. */
static void test_mtu(void)
{
	int st = -1;
	pid_t p = fork();

	if (p == 0)
		_exit(mtu_child());
	CHECK(p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st));
	if (WEXITSTATUS(st) == 10) {
		printf("test_mtu: skipped, no network namespace\n");
		return;
	}
	CHECKF(WEXITSTATUS(st) == 0, "step %d", WEXITSTATUS(st));
}

static int tcp_pair(int *lfd, int *cfd, struct tcp_limits *lim,
		    struct tcp_conn **conn, long per_client)
{
	struct sockaddr_in a = loopback(0);

	*lfd = tcp_listen_open((struct sockaddr *)&a, sizeof(a));
	if (*lfd < 0)
		return -1;
	a = loopback(bound_port(*lfd));
	*cfd = client(SOCK_STREAM);
	if (connect(*cfd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	usleep(10000);
	*conn = tcp_accept(*lfd, lim, 10, per_client, 0);
	return *conn ? 0 : -1;
}

static void test_tcp(void)
{
	static struct tcp_limits lim;
	static const uint8_t two[] = { 0, 3, 'a', 'b', 'c', 0, 2, 'd', 'e',
				       0, 4, 'x' };
	uint8_t *out = malloc(TCP_OUT_SIZE), buf[64];
	struct tcp_conn *c;
	int lfd, cfd;
	ssize_t n;

	CHECK(out && tcp_pair(&lfd, &cfd, &lim, &c, 4) == 0);
	if (!out || !c)
		return;
	CHECK(atomic_load(&lim.total) == 1);
	calls = 0;
	CHECK(send(cfd, two, sizeof(two), 0) == sizeof(two));
	usleep(10000);
	CHECK(tcp_conn_io(c, echo, NULL, out, 1) == 0);
	CHECK(calls == 2 && c->rlen == 3);      /* third query incomplete */
	n = recv(cfd, buf, sizeof(buf), 0);
	CHECK(n == 9 && buf[1] == 3 && buf[2] == ('a' ^ 0xff) &&
	      buf[6] == 2 && buf[8] == 'e');
	CHECK(send(cfd, "yzw", 3, 0) == 3);
	shutdown(cfd, SHUT_WR);
	usleep(10000);
	/* the rest arrives, is answered, then EOF closes */
	CHECK(tcp_conn_io(c, echo, NULL, out, 2) < 0);
	CHECK(calls == 3);
	n = recv(cfd, buf, sizeof(buf), 0);
	CHECK(n == 6 && buf[1] == 4 && buf[3] == 'y');
	tcp_conn_close(c, &lim);
	CHECK(atomic_load(&lim.total) == 0);
	close(cfd);
	close(lfd);
	free(out);
}

static long per_sum(struct tcp_limits *lim)
{
	long sum = 0;
	int i;

	for (i = 0; i < TCP_BUCKETS; i++)
		sum += atomic_load(&lim->per[i]);
	return sum;
}

static void test_caps(void)
{
	static struct tcp_limits lim;
	struct sockaddr_in a;
	struct tcp_conn *c, *c2;
	int lfd, cfd, cfd2;
	char x;

	CHECK(tcp_pair(&lfd, &cfd, &lim, &c, 1) == 0);
	if (!c)
		return;
	a = loopback(bound_port(lfd));
	cfd2 = client(SOCK_STREAM);
	CHECK(connect(cfd2, (struct sockaddr *)&a, sizeof(a)) == 0);
	usleep(10000);
	c2 = tcp_accept(lfd, &lim, 10, 1, 0);
	CHECK(c2 == NULL);              /* over the per-client cap */
	CHECK(recv(cfd2, &x, 1, 0) <= 0);       /* closed at once */
	CHECK(atomic_load(&lim.total) == 1);
	tcp_conn_close(c, &lim);
	CHECK(atomic_load(&lim.total) == 0 && per_sum(&lim) == 0);
	close(cfd);
	close(cfd2);
	close(lfd);
}

static double waited(int got, int batch, long usec)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	udp_coalesce_wait(got, batch, usec);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a.tv_sec) +
	       (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* Only a dense, partial batch waits; lone datagrams, full batches and a
 * setting of 0 never do. The no-wait cases are checked against a wait of
 * a whole second, so a slow machine cannot make them fail. */
static void test_coalesce(void)
{
	CHECK(waited(2, 64, 20000) >= 0.020);
	CHECK(waited(63, 64, 20000) >= 0.020);
	CHECK(waited(1, 64, 1000000) < 0.5);
	CHECK(waited(0, 64, 1000000) < 0.5);
	CHECK(waited(64, 64, 1000000) < 0.5);
	CHECK(waited(10, 64, 0) < 0.5);
}

int main(void)
{
	test_coalesce();
	test_udp();
	test_mtu();
	test_tcp();
	test_caps();
	return check_done();
}
