/* Unit tests for banchi-resolver's serving threads on loopback: a worker
 * forwarding to a fake upstream thread (which answers after a delay, so
 * that identical questions in flight can be seen to share one upstream
 * query), local data, cache hits, the ACL, RD=0 and allow-snoop,
 * malformed queries (FORMERR with the question) and other opcodes, TCP
 * with pipelined and out-of-order answers, a silent upstream
 * (SERVFAIL), a reload, and the stats. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "resolverd/server.h"
#include "resolverd/server_int.h"
#include "net/client.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "wire/rrtype.h"

#define FAKE_DELAY_MS 150

/* ---- the fake upstream: answers A queries under example. ---- */

struct fake {
	int fd, lfd;                    /* UDP, and TCP on the same port */
	uint16_t port;
	atomic_int queries, tcp_queries;
	atomic_bool stop;
	pthread_t th;
};

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* The first label, in any case (the resolver randomises it: 0x20). */
static bool is_name(const struct msg_query *q, const char *label)
{
	size_t n = strlen(label);

	return q->qname[0] == n &&
	       strncasecmp((const char *)q->qname + 1, label, n) == 0;
}

/* "slow." names get no answer; "tc." names a truncated reply over UDP;
 * others an A record 192.0.2.1 (TTL 300; 10 for "pf." names). */
static size_t fake_reply(const uint8_t *pkt, size_t len, bool tcp,
			 uint8_t *out, size_t cap)
{
	static const uint8_t addr[4] = { 192, 0, 2, 1 };
	struct msg_writer mw;
	struct msg_query q;
	struct msg_hdr h;
	bool tc;

	if (msg_parse_query(&q, pkt, len) < 0 || !q.has_question ||
	    is_name(&q, "slow"))
		return 0;
	tc = !tcp && is_name(&q, "tc");
	h.id = q.hdr.id;
	h.flags = MSG_FLAG_QR | MSG_FLAG_RA | (q.hdr.flags & MSG_FLAG_RD);
	if (tc)
		h.flags |= MSG_FLAG_TC;
	if (msg_writer_init(&mw, out, cap, &h, true) < 0 ||
	    msg_writer_question(&mw, q.qname, q.qtype, q.qclass) < 0)
		return 0;
	if (!tc && q.qtype == RR_A &&
	    msg_writer_rr(&mw, MSG_ANSWER, q.qname, RR_A, CLASS_IN,
			  is_name(&q, "pf") ? 10 : 300, addr, 4) < 0)
		return 0;
	return (size_t)msg_writer_finish(&mw);
}

/* "co." names are answered after FAKE_DELAY_MS (the coalescing test
 * runs first: the resolver's timeout for a new server, 376 ms, is
 * longer); "spoof." names first get a reply with the wrong ID, which
 * must not end the resolver's wait. */
static void fake_udp(struct fake *f)
{
	struct sockaddr_storage from;
	uint8_t in[1500], out[1500];
	socklen_t fl = sizeof(from);
	struct msg_query q;
	ssize_t n;
	size_t len;

	n = recvfrom(f->fd, in, sizeof(in), MSG_DONTWAIT,
		     (struct sockaddr *)&from, &fl);
	if (n <= 0)
		return;
	atomic_fetch_add(&f->queries, 1);
	len = fake_reply(in, (size_t)n, false, out, sizeof(out));
	if (!len || msg_parse_query(&q, in, (size_t)n) < 0)
		return;
	if (is_name(&q, "co"))
		sleep_ms(FAKE_DELAY_MS);
	if (is_name(&q, "spoof")) {
		out[0] ^= 0x55;
		sendto(f->fd, out, len, 0, (struct sockaddr *)&from, fl);
		out[0] ^= 0x55;
		sleep_ms(20);
	}
	sendto(f->fd, out, len, 0, (struct sockaddr *)&from, fl);
}

/* One framed query per connection, answered in full. */
static void fake_tcp(struct fake *f)
{
	struct timeval tv = { .tv_sec = 2 };
	uint8_t in[1500], out[1502];
	int c = accept(f->lfd, NULL, NULL);
	size_t len;

	if (c < 0)
		return;
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (recv(c, in, 2, MSG_WAITALL) == 2) {
		len = (size_t)in[0] << 8 | in[1];
		if (len <= sizeof(in) &&
		    recv(c, in, len, MSG_WAITALL) == (ssize_t)len) {
			atomic_fetch_add(&f->tcp_queries, 1);
			len = fake_reply(in, len, true, out + 2, 1500);
			out[0] = (uint8_t)(len >> 8);
			out[1] = (uint8_t)len;
			if (len)
				send(c, out, len + 2, MSG_NOSIGNAL);
		}
	}
	close(c);
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	struct pollfd p[2] = { { .fd = f->fd, .events = POLLIN },
			       { .fd = f->lfd, .events = POLLIN } };

	while (!atomic_load(&f->stop)) {
		if (poll(p, 2, 50) <= 0)
			continue;
		if (p[0].revents)
			fake_udp(f);
		if (p[1].revents)
			fake_tcp(f);
	}
	return NULL;
}

static struct sockaddr_in loopback(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	inet_pton(AF_INET, ip, &a.sin_addr);
	a.sin_port = htons(port);
	return a;
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);

	getsockname(fd, (struct sockaddr *)&a, &l);
	return ntohs(a.sin_port);
}

/* UDP and TCP on one port: the port the kernel gives the UDP socket may
 * be taken for TCP by another test running at the same time, so a few
 * ports are tried. */
static int fake_bind(struct fake *f)
{
	struct sockaddr_in a = loopback("127.0.0.1", 0);

	for (int k = 0; k < 20; k++) {
		f->fd = socket(AF_INET, SOCK_DGRAM, 0);
		f->lfd = socket(AF_INET, SOCK_STREAM, 0);
		a.sin_port = 0;
		if (f->fd < 0 || f->lfd < 0 ||
		    bind(f->fd, (struct sockaddr *)&a, sizeof(a)) < 0)
			return -1;
		f->port = bound_port(f->fd);
		a.sin_port = htons(f->port);
		if (bind(f->lfd, (struct sockaddr *)&a, sizeof(a)) == 0)
			return listen(f->lfd, 8);
		close(f->fd);
		close(f->lfd);
	}
	return -1;
}

static int fake_start(struct fake *f)
{
	memset(f, 0, sizeof(*f));
	if (fake_bind(f) < 0)
		return -1;
	return pthread_create(&f->th, NULL, fake_main, f) == 0 ? 0 : -1;
}

static void fake_stop(struct fake *f)
{
	atomic_store(&f->stop, true);
	pthread_join(f->th, NULL);
	close(f->fd);
	close(f->lfd);
}

/* ---- the snapshot: forward everything to the fake, ACL 127.0.0.2 and
 * 127.0.0.4, which may also read the cache with RD=0 (allow-snoop) ---- */

static struct rsnap *snap_new(uint16_t fake_port, const char *local_rr)
{
	struct rsnap *s = calloc(1, sizeof(*s));
	struct sockaddr_in a = loopback("127.0.0.1", fake_port);
	char err[LOCAL_ERR_MAX];

	if (!s)
		return NULL;
	res_conf_init(&s->conf);
	s->conf.fwd = calloc(1, sizeof(*s->conf.fwd));
	s->conf.fwd->addrs = calloc(1, sizeof(*s->conf.fwd->addrs));
	s->conf.nfwd = 1;
	s->conf.fwd->naddrs = 1;
	s->conf.fwd->zone[0] = 0;               /* the root: everything */
	memcpy(&s->conf.fwd->addrs[0].sa, &a, sizeof(a));
	s->conf.fwd->addrs[0].len = sizeof(a);
	s->conf.query_loopback = true;
	s->conf.max_time_ms = 1500;
	s->local = local_new();
	s->acl = acl_new();
	s->snoop = acl_new();
	s->max_payload = 1232;
	s->tcp_idle = 10;
	s->tcp_max = 100;
	s->tcp_per_client = 10;
	s->max_pending = 64;
	atomic_init(&s->refs, 1);
	if (!s->local || !s->acl || !s->snoop ||
	    acl_add(s->acl, "127.0.0.2") < 0 ||
	    acl_add(s->acl, "127.0.0.4") < 0 ||
	    acl_add(s->snoop, "127.0.0.4") < 0 ||
	    local_add_text(s->local, local_rr, err) < 0) {
		rsnap_free(s);
		return NULL;
	}
	return s;
}

/* ---- the client side ---- */

static size_t make_query(uint8_t *buf, size_t cap, uint16_t id,
			 const char *name, uint16_t qtype, uint16_t qclass,
			 uint16_t flags)
{
	uint8_t wire[NAME_MAXLEN];
	struct msg_writer mw;
	struct msg_hdr h = { .id = id, .flags = flags };

	if (name_from_text(wire, name, strlen(name), NULL) < 0 ||
	    msg_writer_init(&mw, buf, cap, &h, true) < 0 ||
	    msg_writer_question(&mw, wire, qtype, qclass) < 0)
		return 0;
	return (size_t)msg_writer_finish(&mw);
}

static int client(const char *src, int type)
{
	struct timeval tv = { .tv_sec = 4 };
	struct sockaddr_in a = loopback(src, 0);
	int fd = socket(AF_INET, type, 0);

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

struct reply {
	int len;
	uint16_t id;
	uint8_t rcode, ext_rcode;
	bool aa, tc, has_opt, has_ede;
	uint16_t qdcount, qtype, ancount;
	uint8_t addr[4];                /* first A record's address */
};

static void read_reply(struct reply *r, const uint8_t *buf, int len)
{
	struct msg_rr rr[32];
	const struct msg_rr *a;
	const uint8_t *d;
	uint16_t dlen;
	struct msg m;

	memset(r, 0, sizeof(*r));
	r->len = len;
	if (len <= 0 || msg_parse(&m, buf, (size_t)len, rr, 32) < 0) {
		r->len = -1;
		return;
	}
	r->id = m.hdr.id;
	r->rcode = msg_hdr_rcode(&m.hdr);
	r->aa = msg_hdr_aa(&m.hdr);
	r->tc = msg_hdr_tc(&m.hdr);
	r->has_opt = m.has_opt;
	r->has_ede = m.has_opt &&
		     edns_opt_find(&m.edns, EDNS_OPT_EDE, &d, &dlen) == 1;
	r->ext_rcode = m.has_opt ? m.edns.ext_rcode : 0;
	r->qdcount = msg_section_count(&m, MSG_QUESTION);
	r->qtype = r->qdcount ? m.rr[0].type : 0;
	r->ancount = msg_section_count(&m, MSG_ANSWER);
	if (r->ancount) {
		a = msg_section_rr(&m, MSG_ANSWER, r->ancount - 1);
		if (a->type == RR_A && a->rdlen == 4)
			memcpy(r->addr, buf + a->rdata_off, 4);
	}
}

static uint16_t srv_port;

static void udp_send(int fd, const uint8_t *q, size_t len)
{
	struct sockaddr_in to = loopback("127.0.0.1", srv_port);

	sendto(fd, q, len, 0, (struct sockaddr *)&to, sizeof(to));
}

static void udp_recv(int fd, struct reply *r)
{
	uint8_t buf[4096];

	read_reply(r, buf, (int)recv(fd, buf, sizeof(buf), 0));
}

/* One UDP query from src; the reply in r (len -1 when none came). */
static void ask(const char *src, const char *name, uint16_t qtype,
		uint16_t qclass, uint16_t flags, struct reply *r)
{
	uint8_t q[512];
	size_t len = make_query(q, sizeof(q), 0x4242, name, qtype, qclass,
				flags);
	int fd = client(src, SOCK_DGRAM);

	memset(r, 0, sizeof(*r));
	r->len = -1;
	if (fd < 0)
		return;
	udp_send(fd, q, len);
	udp_recv(fd, r);
	close(fd);
}

static bool is_addr(const struct reply *r, uint8_t a, uint8_t b, uint8_t c,
		    uint8_t d)
{
	return r->addr[0] == a && r->addr[1] == b && r->addr[2] == c &&
	       r->addr[3] == d;
}

/* ---- the tests ---- */

static void test_local_and_forward(struct fake *f)
{
	struct reply r;
	int before;

	ask("127.0.0.2", "nas.lan.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_NOERROR && r.aa &&
	       r.ancount == 1 && is_addr(&r, 192, 0, 2, 7),
	       "len %d rcode %u", r.len, r.rcode);
	CHECK(r.id == 0x4242);

	before = atomic_load(&f->queries);
	ask("127.0.0.2", "www.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1 &&
	       is_addr(&r, 192, 0, 2, 1), "len %d rcode %u an %u", r.len,
	       r.rcode, r.ancount);
	CHECK(atomic_load(&f->queries) == before + 1);

	/* again: from the cache, the upstream not asked */
	ask("127.0.0.2", "WWW.Example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1 &&
	      is_addr(&r, 192, 0, 2, 1));
	CHECK(atomic_load(&f->queries) == before + 1);
}

/* RD=0 (Unbound's allow / allow_snoop): local data for every served
 * client, the cache for allow-snoop ones only, recursion for none. */
static void test_rd_clear(struct fake *f)
{
	int before = atomic_load(&f->queries);
	struct reply r;

	ask("127.0.0.2", "snoop.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1);
	CHECK(atomic_load(&f->queries) == before + 1);
	/* cached, but 127.0.0.2 may not snoop */
	ask("127.0.0.2", "snoop.example.", RR_A, CLASS_IN, 0, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_REFUSED && r.ancount == 0 &&
	       r.qdcount == 1 && !r.has_ede, "rcode %u", r.rcode);
	ask("127.0.0.2", "nas.lan.", RR_A, CLASS_IN, 0, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.aa &&
	      is_addr(&r, 192, 0, 2, 7));
	/* 127.0.0.4 may: the cached answer, local data */
	ask("127.0.0.4", "SNOOP.example.", RR_A, CLASS_IN, 0, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1 &&
	       is_addr(&r, 192, 0, 2, 1), "rcode %u", r.rcode);
	ask("127.0.0.4", "nas.lan.", RR_A, CLASS_IN, 0, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.aa);
	/* ... and with RD, recursion */
	ask("127.0.0.4", "rd4.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1);
	/* a snooper's miss: REFUSED, nothing upstream */
	ask("127.0.0.4", "nocache4.example.", RR_A, CLASS_IN, 0, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_REFUSED && r.ancount == 0);
	sleep_ms(50);
	CHECK(atomic_load(&f->queries) == before + 2);
}

static void test_refusals(void)
{
	uint8_t q[512];
	struct reply r;
	int fd;

	/* outside the ACL */
	ask("127.0.0.1", "www.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_REFUSED, "rcode %u", r.rcode);
	/* RD=0 and not cached: no recursion */
	ask("127.0.0.2", "nocache.example.", RR_A, CLASS_IN, 0, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_REFUSED, "rcode %u", r.rcode);
	ask("127.0.0.2", "version.bind.", RR_TXT, CLASS_CH, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_REFUSED);
	ask("127.0.0.2", "www.example.", RR_AXFR, CLASS_IN, 0, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_REFUSED);
	/* opcode STATUS */
	ask("127.0.0.2", "www.example.", RR_A, CLASS_IN, 2 << 11, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOTIMP);

	/* a header announcing a question that is not there: FORMERR, or
	 * REFUSED outside the ACL */
	memset(q, 0, 12);
	q[1] = 7;               /* id 7 */
	q[5] = 1;               /* qdcount 1 */
	fd = client("127.0.0.1", SOCK_DGRAM);
	udp_send(fd, q, 12);
	udp_recv(fd, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_REFUSED && r.id == 7);
	close(fd);
	fd = client("127.0.0.2", SOCK_DGRAM);
	udp_send(fd, q, 12);
	udp_recv(fd, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_FORMERR && r.id == 7);
	/* a response or a runt gets nothing; the next query still works */
	q[2] = 0x80;
	udp_send(fd, q, 12);
	udp_send(fd, q, 5);
	udp_send(fd, q, make_query(q, sizeof(q), 9, "nas.lan.", RR_A,
				   CLASS_IN, MSG_FLAG_RD));
	udp_recv(fd, &r);
	CHECK(r.len > 0 && r.id == 9 && r.rcode == RCODE_NOERROR);
	close(fd);
}

/* One UDP datagram from src as it is; the reply in r. */
static void ask_raw(const char *src, const uint8_t *q, size_t len,
		    struct reply *r)
{
	int fd = client(src, SOCK_DGRAM);

	memset(r, 0, sizeof(*r));
	r->len = -1;
	if (fd < 0)
		return;
	udp_send(fd, q, len);
	udp_recv(fd, r);
	close(fd);
}

/* Appends a record with the root owner: an OPT (type 41, payload 1232)
 * or an A record; bumps the count of section s. */
static size_t add_rr(uint8_t *q, size_t len, enum msg_section s,
		     uint16_t type)
{
	static const uint8_t opt[] = { 0, 0, 41, 4, 0xd0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t a[] = { 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4,
				     192, 0, 2, 9 };

	q[5 + 2 * s]++;
	if (type == RR_OPT) {
		memcpy(q + len, opt, sizeof(opt));
		return len + sizeof(opt);
	}
	memcpy(q + len, a, sizeof(a));
	return len + sizeof(a);
}

/* FORMERR as Unbound gives it, the question echoed when it parsed:
 * TC set, a meta-type asked, records besides the question and an OPT,
 * trailing octets (Unbound answers those); no EDE. */
static void test_formerr(void)
{
	static const uint16_t meta[] = { RR_OPT, 128, 248, RR_TKEY, RR_TSIG,
					 RR_MAILB, RR_MAILA };
	uint8_t q[600];
	struct reply r;
	size_t len;

	len = make_query(q, sizeof(q), 11, "www.example.", RR_A, CLASS_IN,
			 MSG_FLAG_RD | MSG_FLAG_TC);
	ask_raw("127.0.0.2", q, len, &r);
	CHECKF(r.len > 0 && r.id == 11 && r.rcode == RCODE_FORMERR &&
	       r.qdcount == 1 && r.qtype == RR_A && !r.tc && !r.has_opt,
	       "len %d rcode %u qd %u", r.len, r.rcode, r.qdcount);
	ask_raw("127.0.0.2", q, add_rr(q, len, MSG_ADDITIONAL, RR_OPT), &r);
	CHECK(r.len > 0 && r.rcode == RCODE_FORMERR && r.qdcount == 1 &&
	      r.has_opt && !r.has_ede);
	/* meta-types; type 127 is data (the fake answers it) */
	for (size_t i = 0; i < sizeof(meta) / sizeof(meta[0]); i++) {
		len = make_query(q, sizeof(q), 12, "www.example.", meta[i],
				 CLASS_IN, MSG_FLAG_RD);
		ask_raw("127.0.0.2", q, len, &r);
		CHECKF(r.len > 0 && r.rcode == RCODE_FORMERR &&
		       r.qdcount == 1 && r.qtype == meta[i], "type %u rcode %u",
		       meta[i], r.rcode);
	}
	len = make_query(q, sizeof(q), 12, "www.example.", 127, CLASS_IN,
			 MSG_FLAG_RD);
	ask_raw("127.0.0.2", q, len, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR);
	/* an answer, an authority or a non-OPT additional record */
	for (int s = MSG_ANSWER; s < MSG_SECTIONS; s++) {
		len = make_query(q, sizeof(q), 13, "www.example.", RR_A,
				 CLASS_IN, MSG_FLAG_RD);
		ask_raw("127.0.0.2", q, add_rr(q, len, s, RR_A), &r);
		CHECKF(r.len > 0 && r.rcode == RCODE_FORMERR &&
		       r.qdcount == 1, "section %d rcode %u", s, r.rcode);
	}
	/* trailing octets: the question parsed, so it is echoed; outside
	 * the ACL REFUSED, with it too */
	len = make_query(q, sizeof(q), 14, "www.example.", RR_A, CLASS_IN,
			 MSG_FLAG_RD);
	memcpy(q + len, "xyz", 3);
	ask_raw("127.0.0.2", q, len + 3, &r);
	CHECKF(r.len > 0 && r.id == 14 && r.rcode == RCODE_FORMERR &&
	       r.qdcount == 1 && r.qtype == RR_A, "rcode %u qd %u", r.rcode,
	       r.qdcount);
	ask_raw("127.0.0.1", q, len + 3, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_REFUSED && r.qdcount == 1);
	/* a question cut short: FORMERR without one */
	ask_raw("127.0.0.2", q, len - 2, &r);
	CHECK(r.len > 0 && r.id == 14 && r.rcode == RCODE_FORMERR &&
	      r.qdcount == 0);
}

/* EDNS version 1: BADVERS (16: extended rcode 1, header rcode 0). */
static void test_badvers(void)
{
	struct msg_hdr h = { .id = 5, .flags = MSG_FLAG_RD };
	int fd = client("127.0.0.2", SOCK_DGRAM);
	struct msg_writer mw;
	struct reply r;
	uint8_t q[512];
	struct edns e;

	edns_init(&e, 1232);
	e.version = 1;
	msg_writer_init(&mw, q, sizeof(q), &h, true);
	msg_writer_question(&mw, (const uint8_t *)"\3www\7example", RR_A,
			    CLASS_IN);
	msg_writer_opt(&mw, &e);
	udp_send(fd, q, (size_t)msg_writer_finish(&mw));
	udp_recv(fd, &r);
	CHECKF(r.len > 0 && r.id == 5 && r.rcode == 0 && r.ext_rcode == 1,
	       "len %d rcode %u ext %u", r.len, r.rcode, r.ext_rcode);
	close(fd);
}

/* Three clients ask the same question at once: one upstream query. */
static void test_coalescing(struct fake *f)
{
	int fd[3], i, before = atomic_load(&f->queries);
	uint8_t q[512];
	struct reply r;
	size_t len;

	for (i = 0; i < 3; i++) {
		fd[i] = client("127.0.0.2", SOCK_DGRAM);
		len = make_query(q, sizeof(q), (uint16_t)(100 + i),
				 i == 1 ? "CO.example." : "co.example.",
				 RR_A, CLASS_IN, MSG_FLAG_RD);
		udp_send(fd[i], q, len);
		if (i == 0)     /* a retransmission: still one answer */
			udp_send(fd[i], q, len);
	}
	for (i = 0; i < 3; i++) {
		udp_recv(fd[i], &r);
		CHECKF(r.len > 0 && r.id == 100 + i &&
		       r.rcode == RCODE_NOERROR && r.ancount == 1,
		       "client %d: len %d id %u", i, r.len, r.id);
	}
	sleep_ms(100);
	for (i = 0; i < 3; i++) {
		CHECK(recv(fd[i], q, sizeof(q), MSG_DONTWAIT) < 0);
		close(fd[i]);
	}
	CHECKF(atomic_load(&f->queries) == before + 1, "%d upstream",
	       atomic_load(&f->queries) - before);
}

static int tcp_read_msg(int fd, uint8_t *buf, size_t cap)
{
	uint8_t hdr[2];
	size_t len, got = 0;
	ssize_t k;

	if (recv(fd, hdr, 2, MSG_WAITALL) != 2)
		return -1;
	len = (size_t)hdr[0] << 8 | hdr[1];
	if (len > cap)
		return -1;
	while (got < len) {
		k = recv(fd, buf + got, len - got, 0);
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	return (int)len;
}

/* A miss and a local name pipelined: the local answer comes first. */
static void test_tcp(void)
{
	struct sockaddr_in to = loopback("127.0.0.1", 0);
	uint8_t q[1024], buf[4096];
	size_t l1, l2;
	struct reply r;
	int fd;

	to.sin_port = htons(srv_port);
	fd = client("127.0.0.2", SOCK_STREAM);
	CHECK(fd >= 0 &&
	      connect(fd, (struct sockaddr *)&to, sizeof(to)) == 0);
	l1 = make_query(q + 2, 500, 1, "tcp.example.", RR_A, CLASS_IN,
			MSG_FLAG_RD);
	q[0] = 0;
	q[1] = (uint8_t)l1;
	l2 = make_query(q + 4 + l1, 500, 2, "nas.lan.", RR_A, CLASS_IN,
			MSG_FLAG_RD);
	q[2 + l1] = 0;
	q[3 + l1] = (uint8_t)l2;
	CHECK(send(fd, q, 4 + l1 + l2, 0) == (ssize_t)(4 + l1 + l2));
	read_reply(&r, buf, tcp_read_msg(fd, buf, sizeof(buf)));
	CHECKF(r.len > 0 && r.id == 2 && is_addr(&r, 192, 0, 2, 7),
	       "len %d id %u", r.len, r.id);
	read_reply(&r, buf, tcp_read_msg(fd, buf, sizeof(buf)));
	CHECKF(r.len > 0 && r.id == 1 && r.rcode == RCODE_NOERROR &&
	       is_addr(&r, 192, 0, 2, 1), "len %d id %u", r.len, r.id);
	/* the client's half-close ends the connection */
	shutdown(fd, SHUT_WR);
	CHECK(recv(fd, buf, sizeof(buf), 0) == 0);
	close(fd);
}

static void test_servfail(void)
{
	struct reply r;

	ask("127.0.0.2", "slow.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_SERVFAIL, "len %d rcode %u",
	       r.len, r.rcode);
}

/* A wrong-ID reply is ignored; the right one still ends the wait. */
static void test_spoof(void)
{
	struct reply r;

	ask("127.0.0.2", "spoof.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1 &&
	       is_addr(&r, 192, 0, 2, 1), "len %d rcode %u", r.len, r.rcode);
}

/* A truncated UDP reply: the same query goes again over TCP. */
static void test_upstream_tcp(struct fake *f)
{
	int before = atomic_load(&f->tcp_queries);
	struct reply r;

	ask("127.0.0.2", "tc.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECKF(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1 &&
	       is_addr(&r, 192, 0, 2, 1), "len %d rcode %u an %u", r.len,
	       r.rcode, r.ancount);
	CHECK(atomic_load(&f->tcp_queries) == before + 1);
}

/* With room for one request (taken by a name the upstream never
 * answers), a second different miss is dropped: no reply. */
static void test_pool_full(struct rserver *s, uint16_t fake_port)
{
	struct rsnap *n = snap_new(fake_port, "nas.lan. 300 IN A 192.0.2.7");
	struct timeval tv = { .tv_sec = 1 };
	struct rserver_stats st0, st1;
	uint8_t q[512];
	struct reply r;
	int a, b;

	CHECK(n != NULL);
	if (!n)
		return;
	n->max_pending = 1;
	rserver_publish(s, n);
	rserver_get_stats(s, &st0);
	a = client("127.0.0.2", SOCK_DGRAM);
	b = client("127.0.0.2", SOCK_DGRAM);
	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	udp_send(a, q, make_query(q, sizeof(q), 1, "slow.example.", RR_A,
				  CLASS_IN, MSG_FLAG_RD));
	udp_send(b, q, make_query(q, sizeof(q), 2, "p2.example.", RR_A,
				  CLASS_IN, MSG_FLAG_RD));
	udp_recv(b, &r);
	CHECK(r.len < 0);
	udp_recv(a, &r);
	CHECK(r.len > 0 && r.id == 1 && r.rcode == RCODE_SERVFAIL);
	rserver_get_stats(s, &st1);
	CHECK(st1.dropped == st0.dropped + 1);
	close(a);
	close(b);
}

/* The cache prefetches under 95% of the TTL left here: a hit on a name
 * with TTL 10 asked again after a second is answered from the cache and
 * refreshed in the background. */
static void test_prefetch(const struct rserver *s, struct fake *f)
{
	struct rserver_stats st;
	struct reply r;
	int before;

	ask("127.0.0.2", "pf.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1);
	sleep_ms(1100);
	before = atomic_load(&f->queries);
	ask("127.0.0.2", "pf.example.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.rcode == RCODE_NOERROR && r.ancount == 1);
	sleep_ms(300);
	CHECKF(atomic_load(&f->queries) == before + 1, "%d upstream",
	       atomic_load(&f->queries) - before);
	rserver_get_stats(s, &st);
	CHECK(st.prefetch == 1);
}

static void test_reload(struct rserver *s, uint16_t fake_port)
{
	struct rsnap *n = snap_new(fake_port, "new.lan. 60 IN A 198.51.100.9");
	struct reply r;

	CHECK(n != NULL);
	if (!n)
		return;
	rserver_publish(s, n);
	ask("127.0.0.2", "new.lan.", RR_A, CLASS_IN, MSG_FLAG_RD, &r);
	CHECK(r.len > 0 && r.aa && is_addr(&r, 198, 51, 100, 9));
}

static void test_stats(const struct rserver *s)
{
	struct rserver_stats st;

	rserver_get_stats(s, &st);
	CHECKF(st.queries >= 15, "queries %lu", (unsigned long)st.queries);
	CHECK(st.tcp_queries == 2);
	CHECK(st.local_answers >= 3);
	CHECK(st.cache_hits >= 2);
	CHECK(st.refused >= 5);
	CHECK(st.upstream >= 4);
	CHECK(st.servfail >= 1);
	CHECK(st.timeouts >= 1);
	CHECK(st.dropped == 1);
	CHECK(st.upstream_tcp >= 1);
}

/* The timer heap: deadlines come out in order, cancelled ones never. */
static void test_timers(void)
{
	struct rworker *w = calloc(1, sizeof(*w));
	struct rreq *r = calloc(300, sizeof(*r));
	uint64_t last = 0;
	struct rreq *p;
	int i, n = 0, bad = 0;

	CHECK(w && r);
	if (!w || !r)
		goto out;
	srand(7);
	for (i = 0; i < 300; i++) {
		r[i].heap_idx = -1;
		rtimer_set(w, &r[i], 1000 + (uint64_t)(rand() % 500));
	}
	for (i = 0; i < 300; i += 3)
		rtimer_cancel(w, &r[i]);
	rtimer_set(w, &r[1], 10);      /* moved earlier */
	CHECK(rtimer_wait(w, 0) == 10);
	CHECK(rtimer_pop(w, 9) == NULL);
	while ((p = rtimer_pop(w, 2000))) {
		bad += p->deadline < last || (p - r) % 3 == 0;
		last = p->deadline;
		n++;
	}
	CHECK(n == 200 && bad == 0);
	CHECK(rtimer_wait(w, 0) == -1);
	free(w->heap);
out:
	free(w);
	free(r);
}

/* net/client: the port comes from rnd, the socket hears only the
 * address it is connected to; TCP framing round trip via the fake. */
static void test_client(struct fake *f)
{
	struct sockaddr_in to = loopback("127.0.0.1", 0), me;
	socklen_t ml = sizeof(me);
	int srv = socket(AF_INET, SOCK_DGRAM, 0), other, fd, k = 0;
	struct client_frame *fr = malloc(sizeof(*fr) + CLIENT_FRAME_MAX + 2);
	uint8_t q[512], buf[64];
	struct reply r;

	bind(srv, (struct sockaddr *)&to, sizeof(to));
	to.sin_port = htons(bound_port(srv));
	fd = client_udp_open((struct sockaddr *)&to, sizeof(to), 4242);
	CHECK(fd >= 0);
	getsockname(fd, (struct sockaddr *)&me, &ml);
	/* 4242 maps to port 5266 (free on a test machine) */
	CHECK(client_port(4242) == 5266);
	CHECK(ntohs(me.sin_port) == 5266);
	CHECK(client_port(0) == 1024 && client_port(64511) == 65535 &&
	      client_port(64512) == 1024);
	other = socket(AF_INET, SOCK_DGRAM, 0);
	sendto(other, "spoof", 5, 0, (struct sockaddr *)&me, sizeof(me));
	sendto(srv, "real", 4, 0, (struct sockaddr *)&me, sizeof(me));
	sleep_ms(50);
	CHECK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) == 4 &&
	      memcmp(buf, "real", 4) == 0);
	CHECK(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
	      errno == EAGAIN);
	close(fd);
	close(other);
	close(srv);

	to.sin_port = htons(f->port);
	fd = client_tcp_open((struct sockaddr *)&to, sizeof(to));
	CHECK(fd >= 0 && fr);
	if (fd < 0 || !fr)
		goto out;
	fr->in = (uint8_t *)(fr + 1);
	CHECK(client_frame_init(fr, q, 600) == -EMSGSIZE);
	CHECK(client_frame_init(fr, q, make_query(q, sizeof(q), 77,
			"t.example.", RR_A, CLASS_IN, MSG_FLAG_RD)) == 0);
	/* bounded: the fake answers within its delay */
	for (k = 0; k < 200; k++) {
		if (fr->ooff < fr->olen && client_tcp_send(fd, fr) < 0)
			break;
		if (fr->ooff == fr->olen && client_tcp_recv(fd, fr) != 0)
			break;
		sleep_ms(10);
	}
	CHECK(k < 200 && client_frame_len(fr) > 12);
	read_reply(&r, fr->in + 2, (int)client_frame_len(fr));
	CHECK(r.id == 77 && is_addr(&r, 192, 0, 2, 1));
	/* the fake closes after one answer: EOF before the next frame */
	client_frame_next(fr);
	sleep_ms(50);
	CHECK(client_tcp_recv(fd, fr) == -EPIPE);
	close(fd);
out:
	free(fr);
}

/* Leaves a UDP and a TCP client waiting for an unanswered name, so that
 * rserver_stop meets requests in flight (the sanitizer run checks that
 * nothing leaks). Returns the TCP socket to close after the stop. */
static int leave_in_flight(void)
{
	struct sockaddr_in to = loopback("127.0.0.1", srv_port);
	int u = client("127.0.0.2", SOCK_DGRAM);
	int t = client("127.0.0.2", SOCK_STREAM);
	uint8_t q[514];
	size_t len;

	len = make_query(q + 2, 512, 3, "slow.example.", RR_TXT, CLASS_IN,
			 MSG_FLAG_RD);
	udp_send(u, q + 2, len);
	q[0] = 0;
	q[1] = (uint8_t)len;
	if (connect(t, (struct sockaddr *)&to, sizeof(to)) == 0)
		send(t, q, len + 2, 0);
	sleep_ms(100);
	close(u);
	return t;
}

static uint16_t free_port(void)
{
	struct sockaddr_in a = loopback("127.0.0.1", 0);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint16_t p = 0;

	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		p = bound_port(fd);
	close(fd);
	return p;
}

int main(void)
{
	struct cfg_listen l = { .salen = sizeof(struct sockaddr_in) };
	struct cache_conf cc;
	struct rserver s = { 0 };
	struct sockaddr_in a;
	struct rsnap *snap;
	struct rserver_stats st0, st1;
	struct fake f;
	int fd;

	if (fake_start(&f) < 0) {
		CHECK(!"fake upstream");
		return check_done();
	}
	srv_port = free_port();
	a = loopback("127.0.0.1", srv_port);
	memcpy(&l.sa, &a, sizeof(a));
	strcpy(l.text, "127.0.0.1");
	snap = snap_new(f.port, "nas.lan. 300 IN A 192.0.2.7");
	cache_conf_init(&cc);
	cc.max_bytes = 1 << 20;
	cc.prefetch_pct = 95;
	CHECK(snap != NULL);
	CHECK(rserver_open(&s, &l, 1, 1) == 0);
	s.cache = cache_new(&cc);
	s.infra = infra_new(1000);
	CHECK(s.cache && s.infra);
	if (!snap || !s.cache || !s.infra || rserver_start(&s, snap) < 0)
		return check_done();

	test_timers();
	test_client(&f);
	test_coalescing(&f);
	test_local_and_forward(&f);
	test_rd_clear(&f);
	test_refusals();
	test_formerr();
	test_badvers();
	test_tcp();
	test_servfail();
	test_spoof();
	test_upstream_tcp(&f);
	test_prefetch(&s, &f);
	test_pool_full(&s, f.port);
	test_reload(&s, f.port);
	test_stats(&s);

	rserver_get_stats(&s, &st0);
	fd = leave_in_flight();
	rserver_get_stats(&s, &st1);
	/* both asked, neither answered yet */
	CHECK(st1.queries == st0.queries + 2 &&
	      st1.servfail == st0.servfail);
	rserver_stop(&s);
	close(fd);
	cache_free(s.cache);
	infra_free(s.infra);
	fake_stop(&f);
	return check_done();
}
