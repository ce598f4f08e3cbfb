/* The transfer client of the secondaries: the SOA query over UDP and
 * IXFR/AXFR over TCP (RFC 1995, 5936), every message parsed strictly
 * (msg_parse), its records read one by one into a zone (AXFR form) or
 * into changes (IXFR form), and, for a keyed zone, every message's TSIG
 * verified (RFC 8945 5.3.1). Blocking sockets with a deadline: it runs
 * in the refresher thread only. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "authd/secondary_int.h"
#include "authd/tsig_note.h"
#include "base/error.h"
#include "daemon/log.h"
#include "wire/msg.h"
#include "wire/rrtype.h"
#include "zone/zone.h"
#include "zone/zonedb.h"

#define SOA_WAIT_MS 2000        /* per UDP try */
#define SOA_TRIES 2
#define XFR_IDLE_MS 10000       /* a transfer that stalls this long */
#define XFR_TOTAL_MS 600000     /* a whole transfer */
#define RDATA_MAX 65535

static int why_fmt(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_fmt(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, cap, fmt, ap);
	va_end(ap);
	return -1;
}

#define WHY(...) why_fmt(why, cap, __VA_ARGS__)

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 ready, 0 timed out, < 0 error. */
static int wait_fd(int fd, short ev, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	int64_t left;
	int ret;

	do {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		ret = poll(&p, 1, (int)left);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

/* The request: question, IXFR's SOA in authority, TSIG. Length or < 0. */
static int make_query(const struct sec_zone *z, uint16_t qtype,
		      const struct zdb_zone *cur, struct tsig_signer *sg,
		      const struct tsig_key *key, uint8_t *buf, size_t cap)
{
	struct msg_hdr h = { .id = (uint16_t)arc4random() };
	struct msg_writer mw;
	int len;

	if (msg_writer_init(&mw, buf, cap, &h, true) < 0 ||
	    msg_writer_question(&mw, z->origin, qtype, CLASS_IN) < 0)
		return BN_ENOSPC;
	if (cur) {
		const struct zdb_rrset *soa =
			zdb_node_rrset(zdb_zone_apex(cur), RR_SOA);
		if (msg_writer_rr(&mw, MSG_AUTHORITY, z->origin, RR_SOA,
				  CLASS_IN, soa->ttl, soa->rr[0].data,
				  soa->rr[0].len) < 0)
			return BN_ENOSPC;
	}
	len = msg_writer_finish(&mw);
	if (len < 0 || !key)
		return len;
	tsig_signer_init(sg, key, NULL, 0);
	return tsig_sign(sg, buf, (size_t)len, cap, tsig_note_clock());
}

/* Header and question of an answer to our query id; the rcode. */
static int check_reply(const struct sec_zone *z, const struct msg *m,
		       uint16_t id, uint16_t qtype, bool first, char *why,
		       size_t cap)
{
	uint8_t qn[NAME_MAXLEN];
	char rc[16];

	if (m->hdr.id != id || !msg_hdr_qr(&m->hdr))
		return WHY("reply with another ID or not a response");
	if (msg_hdr_rcode(&m->hdr) != RCODE_NOERROR) {
		snprintf(rc, sizeof(rc), "%s",
			 rcode_name(msg_hdr_rcode(&m->hdr)));
		return WHY("primary answered %s", rc);
	}
	if (msg_hdr_tc(&m->hdr))
		return WHY("reply truncated (TC)");
	if (!first && !msg_section_count(m, MSG_QUESTION))
		return 0;
	if (msg_section_count(m, MSG_QUESTION) != 1 ||
	    msg_rr_owner(m, &m->rr[0], qn) < 0 || !name_equal(qn, z->origin) ||
	    m->rr[0].type != qtype || m->rr[0].rclass != CLASS_IN)
		return WHY("reply to another question");
	return 0;
}

static int verify(struct tsig_verifier *tv, const struct sec_peer *p,
		  const uint8_t *pkt, size_t len, char *why, size_t cap)
{
	enum tsig_status st;

	if (!p->key)
		return 0;
	st = tsig_verify_msg(tv, pkt, len, tsig_note_clock());
	if (st == TSIG_OK || st == TSIG_UNSIGNED)
		return 0;
	return WHY("TSIG of the reply: %s", tsig_status_text(st));
}

static uint32_t soa_serial(const uint8_t *rd, int len)
{
	return len > 0 ? zchange_soa_serial(rd, (uint16_t)len) : 0;
}

static int read_msg(int fd, uint8_t *buf, int64_t end, char *why, size_t cap);
static int tcp_connect(const struct sec_peer *p, char *why, size_t cap);
static int send_all(int fd, const uint8_t *b, size_t len, char *why,
		    size_t cap);

/* The query q (framed, q + 2 the message) sent, the reply read into r
 * (framed over TCP, r + 2 then). The reply's length, or < 0 with why. */
static ssize_t soa_exchange(int fd, bool tcp, uint8_t *q, int qlen,
			    uint8_t *r, size_t rcap, char *why, size_t cap)
{
	ssize_t n;

	if (tcp) {
		q[0] = (uint8_t)(qlen >> 8);
		q[1] = (uint8_t)qlen;
		if (send_all(fd, q, (size_t)qlen + 2, why, cap) < 0)
			return -1;
		return read_msg(fd, r, now_ms() + SOA_WAIT_MS, why, cap);
	}
	if (send(fd, q + 2, (size_t)qlen, 0) != qlen)
		return WHY("send: %s", strerror(errno));
	if (wait_fd(fd, POLLIN, now_ms() + SOA_WAIT_MS) <= 0)
		return WHY("no answer to the SOA query") - 1;   /* -2 */
	n = recv(fd, r + 2, rcap - 2, 0);
	if (n < 0)
		return WHY("recv: %s", strerror(errno));
	return n;
}

static int soa_answer(const struct sec_zone *z, const struct msg *m,
		      uint32_t *serial)
{
	uint8_t own[NAME_MAXLEN], rd[512];

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		const struct msg_rr *a = msg_section_rr(m, MSG_ANSWER, i);
		if (a->type != RR_SOA || msg_rr_owner(m, a, own) < 0 ||
		    !name_equal(own, z->origin))
			continue;
		*serial = soa_serial(rd, msg_rr_rdata(m, a, rd, sizeof(rd)));
		return 0;
	}
	return -1;
}

static int soa_once(int fd, bool tcp, const struct sec_zone *z,
		    const struct sec_peer *p, uint32_t *serial, char *why,
		    size_t cap)
{
	uint8_t q[1024], r[2 + MSG_MAXLEN];
	struct msg_rr rr[64];
	struct tsig_signer sg;
	struct tsig_verifier tv;
	struct msg m;
	size_t maclen = 0;
	const uint8_t *mac;
	int qlen = make_query(z, RR_SOA, NULL, &sg, p->key, q + 2,
			      sizeof(q) - 2);
	ssize_t n;
	int ret = -1;

	if (qlen < 0)
		return WHY("cannot make the query");
	if (p->key) {
		mac = tsig_signer_mac(&sg, &maclen);
		tsig_verifier_init(&tv, p->key, mac, maclen);
	}
	n = soa_exchange(fd, tcp, q, qlen, r, sizeof(r), why, cap);
	if (n < 0) {
		ret = (int)n;
		goto out;
	}
	if (msg_parse(&m, r + 2, (size_t)n, rr, 64) < 0) {
		WHY("malformed reply to the SOA query");
		goto out;
	}
	if (check_reply(z, &m, (uint16_t)(q[2] << 8 | q[3]), RR_SOA, true,
			why, cap) < 0 ||
	    verify(&tv, p, r + 2, (size_t)n, why, cap) < 0)
		goto out;
	if (p->key && tsig_verify_end(&tv) != TSIG_OK) {
		WHY("reply to the SOA query not signed");
		goto out;
	}
	ret = soa_answer(z, &m, serial);
	if (ret < 0)
		WHY("no SOA in the answer (the primary does not serve the "
		    "zone?)");
out:
	if (p->key) {
		tsig_signer_clear(&sg);
		tsig_verifier_clear(&tv);
	}
	return ret;
}

/* Over UDP, then, when the primary answered but not with its SOA, over
 * TCP (Knot answers the SOA of a catalog zone over TCP only; REFUSED
 * over UDP). A primary that does not answer at all is not tried over
 * TCP: that would only add a connect timeout to each refresh. */
int sec_soa_query(const struct sec_zone *z, const struct sec_peer *p,
		  uint32_t *serial, char *why, size_t cap)
{
	int fd = socket(p->sa->sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (fd < 0)
		return WHY("socket: %s", strerror(errno));
	if (connect(fd, p->sa, p->len) < 0) {
		WHY("connect: %s", strerror(errno));
	} else {
		for (int i = 0; i < SOA_TRIES && ret < 0; i++)
			ret = soa_once(fd, false, z, p, serial, why, cap);
	}
	close(fd);
	if (ret == 0 || ret == -2)
		return ret < 0 ? -1 : 0;
	fd = tcp_connect(p, why, cap);
	if (fd < 0)
		return -1;
	ret = soa_once(fd, true, z, p, serial, why, cap);
	close(fd);
	return ret;
}

/* The records of a transfer, read in order (RFC 1995 4, RFC 5936 2.2). */
enum rx_state { RX_FIRST, RX_SECOND, RX_AXFR, RX_DEL, RX_ADD, RX_DONE };

struct rx {
	const struct sec_zone *z;
	uint32_t ours;                  /* IXFR: our serial */
	bool ixfr;
	enum rx_state st;
	uint32_t serial;                /* the first SOA's */
	uint32_t soa_ttl;
	uint8_t soa[512];
	uint16_t soa_len;
	struct zone zone;
	bool zone_on;
	struct zchange *chg;
	size_t nchg, capchg;
	size_t nrr;
};

static int zone_put(struct rx *x, const uint8_t *owner, uint16_t type,
		    uint32_t ttl, const uint8_t *rd, uint16_t rdlen)
{
	struct zrr r = { .owner = owner, .type = type, .rclass = CLASS_IN,
			 .ttl = ttl, .ttl_explicit = true, .rdata = rd,
			 .rdlen = rdlen, .file = "transfer" };

	return zone_add(&x->zone, &r);
}

static int start_axfr(struct rx *x)
{
	zone_init(&x->zone, x->z->origin, CLASS_IN);
	x->zone_on = true;
	x->st = RX_AXFR;
	return zone_put(x, x->z->origin, RR_SOA, x->soa_ttl, x->soa,
			x->soa_len);
}

static int new_change(struct rx *x, uint32_t ttl, const uint8_t *rd,
		      uint16_t rdlen)
{
	if (x->nchg == x->capchg) {
		size_t nc = x->capchg ? 2 * x->capchg : 4;
		struct zchange *c = realloc(x->chg, nc * sizeof(*c));
		if (!c)
			return BN_ENOMEM;
		x->chg = c;
		x->capchg = nc;
	}
	zchange_init(&x->chg[x->nchg]);
	x->nchg++;
	x->st = RX_DEL;
	return zchange_set_soa(&x->chg[x->nchg - 1], false, x->z->origin, ttl,
			       rd, rdlen);
}

/* One record; < 0 with why. */
static int rx_rr(struct rx *x, const uint8_t *own, uint16_t type,
		 uint32_t ttl, const uint8_t *rd, uint16_t rdlen, char *why,
		 size_t cap)
{
	bool soa = type == RR_SOA && name_equal(own, x->z->origin);
	uint32_t ser = soa ? zchange_soa_serial(rd, rdlen) : 0;
	struct zchange *c = x->nchg ? &x->chg[x->nchg - 1] : NULL;

	if (!name_is_subdomain(own, x->z->origin))
		return WHY("record %zu is outside the zone", x->nrr);
	if (type == RR_SOA && !soa)
		return WHY("record %zu: an SOA below the apex", x->nrr);
	switch (x->st) {
	case RX_FIRST:
		if (!soa || rdlen > sizeof(x->soa))
			return WHY("the transfer does not start with the "
				   "zone's SOA");
		x->serial = ser;
		x->soa_ttl = ttl;
		memcpy(x->soa, rd, rdlen);
		x->soa_len = rdlen;
		x->st = RX_SECOND;
		return 0;
	case RX_SECOND:
		if (x->ixfr && soa && ser == x->ours && ser != x->serial)
			return new_change(x, ttl, rd, rdlen);
		if (start_axfr(x) < 0)
			return WHY("out of memory");
		return rx_rr(x, own, type, ttl, rd, rdlen, why, cap);
	case RX_AXFR:
		if (soa) {
			if (ser != x->serial)
				return WHY("record %zu: SOA serial %u inside "
					   "an AXFR of serial %u", x->nrr, ser,
					   x->serial);
			x->st = RX_DONE;
			return 0;
		}
		return zone_put(x, own, type, ttl, rd, rdlen) < 0 ?
		       WHY("out of memory") : 0;
	case RX_DEL:
		if (soa) {
			x->st = RX_ADD;
			return zchange_set_soa(c, true, own, ttl, rd, rdlen);
		}
		return zchange_del(c, own, type, ttl, rd, rdlen) < 0 ?
		       WHY("record %zu: cannot be kept", x->nrr) : 0;
	case RX_ADD:
		if (soa && ser == x->serial && zchange_to(c) == x->serial) {
			x->st = RX_DONE;
			return 0;
		}
		if (soa) {
			if (ser != zchange_to(c))
				return WHY("record %zu: change from serial %u "
					   "after one to %u", x->nrr, ser,
					   zchange_to(c));
			return new_change(x, ttl, rd, rdlen);
		}
		return zchange_add(c, own, type, ttl, rd, rdlen) < 0 ?
		       WHY("record %zu: cannot be kept", x->nrr) : 0;
	case RX_DONE:
		break;
	}
	return WHY("records after the closing SOA");
}

/* The answer records of one message. */
static int rx_msg(struct rx *x, const struct msg *m, uint8_t *rd, char *why,
		  size_t cap)
{
	uint8_t own[NAME_MAXLEN];

	for (uint16_t i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		const struct msg_rr *r = msg_section_rr(m, MSG_ANSWER, i);
		int len;

		x->nrr++;
		if (r->rclass != CLASS_IN)
			return WHY("record %zu: class %u, not IN", x->nrr,
				   r->rclass);
		len = msg_rr_rdata(m, r, rd, RDATA_MAX);
		if (msg_rr_owner(m, r, own) < 0 || len < 0)
			return WHY("record %zu: malformed (%s)", x->nrr,
				   bn_strerror(len < 0 ? len : BN_ERDATA));
		if (rx_rr(x, own, r->type, r->ttl, rd, (uint16_t)len, why,
			  cap) < 0)
			return -1;
	}
	return 0;
}

static void rx_clear(struct rx *x)
{
	if (x->zone_on)
		zone_clear(&x->zone);
	for (size_t i = 0; i < x->nchg; i++)
		zchange_clear(&x->chg[i]);
	free(x->chg);
}

/* Reads one framed message into buf; its length, or < 0 with why. */
static int read_msg(int fd, uint8_t *buf, int64_t end, char *why, size_t cap)
{
	size_t want = 2, got = 0, len = 0;

	while (got < want) {
		int64_t idle = now_ms() + XFR_IDLE_MS;
		int w = wait_fd(fd, POLLIN, idle < end ? idle : end);
		ssize_t n;

		if (w <= 0)
			return WHY("%s", w == 0 ? "the transfer stalled (timed "
				   "out)" : strerror(errno));
		n = read(fd, buf + got, want - got);
		if (n <= 0)
			return WHY("the primary closed the connection %s",
				   got || want > 2 ? "inside a message" :
				   "before the transfer ended");
		got += (size_t)n;
		if (want == 2 && got == 2) {
			len = (size_t)buf[0] << 8 | buf[1];
			if (len < MSG_HDRLEN)
				return WHY("message of %zu octets", len);
			want = 2 + len;
		}
	}
	return (int)len;
}

static int tcp_connect(const struct sec_peer *p, char *why, size_t cap)
{
	int fd = socket(p->sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC |
			SOCK_NONBLOCK, 0);
	int err = 0;
	socklen_t el = sizeof(err);

	if (fd < 0)
		return WHY("socket: %s", strerror(errno));
	if (connect(fd, p->sa, p->len) < 0 && errno != EINPROGRESS)
		err = errno;
	else if (wait_fd(fd, POLLOUT, now_ms() + XFR_IDLE_MS) <= 0)
		err = ETIMEDOUT;
	else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	if (err) {
		close(fd);
		return WHY("TCP connect: %s", strerror(err));
	}
	return fd;
}

static int send_all(int fd, const uint8_t *b, size_t len, char *why,
		    size_t cap)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = write(fd, b + off, len - off);
		if (n < 0 && errno == EAGAIN &&
		    wait_fd(fd, POLLOUT, now_ms() + XFR_IDLE_MS) > 0)
			continue;
		if (n <= 0)
			return WHY("send: %s", strerror(errno));
		off += (size_t)n;
	}
	return 0;
}

struct xfr_io {
	int fd;
	uint8_t *buf;                   /* 2 + MSG_MAXLEN: frame */
	uint8_t *rd;                    /* RDATA_MAX */
	struct msg_rr *rr;
	size_t nrr;
	uint16_t id, qtype;
	struct tsig_verifier tv;
};

/* One message of the answer: parsed, checked (ID, rcode, question),
 * verified, its records read. 1 when the transfer is complete (or, for
 * IXFR, answered with our own SOA alone: up to date), 0 when more is
 * to come, < 0 with why. */
static int rx_one(struct xfr_io *io, const struct sec_peer *p, struct rx *x,
		  struct sec_result *r, const uint8_t *pkt, size_t len,
		  char *why, size_t cap)
{
	struct msg m;

	r->nmsg++;
	r->bytes += len;
	if (msg_parse(&m, pkt, len, io->rr, io->nrr) < 0)
		return WHY("message %zu malformed", r->nmsg);
	if (check_reply(x->z, &m, io->id, io->qtype, r->nmsg == 1, why,
			cap) < 0 ||
	    verify(&io->tv, p, pkt, len, why, cap) < 0 ||
	    rx_msg(x, &m, io->rd, why, cap) < 0)
		return -1;
	if (x->ixfr && x->st == RX_SECOND && x->nrr == 1 &&
	    !serial_after(x->serial, x->ours)) {
		r->uptodate = true;
		return 1;
	}
	return x->st == RX_DONE;
}

/* Messages until the transfer is complete. */
static int receive(struct xfr_io *io, const struct sec_peer *p,
		   struct rx *x, struct sec_result *r, char *why, size_t cap)
{
	int64_t end = now_ms() + XFR_TOTAL_MS;
	int ret = 0;

	while (ret == 0) {
		int len = read_msg(io->fd, io->buf, end, why, cap);
		if (len < 0)
			return -1;
		ret = rx_one(io, p, x, r, io->buf + 2, (size_t)len, why, cap);
	}
	if (ret < 0)
		return -1;
	if (p->key && tsig_verify_end(&io->tv) != TSIG_OK)
		return WHY("the last message is not signed");
	return 0;
}

static void check_diag(void *ctx, const char *file, unsigned line,
		       enum zone_level level, const char *msg)
{
	(void)file;
	(void)line;
	if (level != ZONE_WARN)
		log_err("zone %s: transferred zone: %s", (const char *)ctx,
			msg);
}

/* The AXFR form's zone, finished, checked as a zone file is, built. */
static int build(struct rx *x, struct sec_result *r, char *why, size_t cap)
{
	bool refuse = false;

	if (zone_finish(&x->zone) < 0)
		return WHY("out of memory");
	x->zone.diag = check_diag;
	x->zone.diag_ctx = (void *)x->z->name;
	x->zone.no_warnings = true;
	zone_check(&x->zone, &refuse);
	if (refuse || x->zone.refused)
		return WHY("the transferred zone fails the checks (logged)");
	if (zdb_zone_build(&r->zone, &x->zone) < 0)
		return WHY("the transferred zone cannot be built (no SOA?)");
	return 0;
}

/* The transfer's result: the zone built, or the changes handed over. */
static int rx_finish(struct rx *x, struct sec_result *r, char *why,
		     size_t cap)
{
	r->serial = x->serial;
	if (x->ixfr && !serial_after(x->serial, x->ours))
		return WHY("transferred serial %u is not after ours %u",
			   x->serial, x->ours);
	if (x->zone_on)
		return build(x, r, why, cap);
	r->chg = x->chg;
	r->nchg = x->nchg;
	x->chg = NULL;
	x->nchg = 0;
	return 0;
}

static int run(struct xfr_io *io, const struct sec_zone *z,
	       const struct sec_peer *p, const struct zdb_zone *cur,
	       struct rx *x, struct sec_result *r, char *why, size_t cap)
{
	struct tsig_signer sg;
	int qlen = make_query(z, io->qtype, cur, &sg, p->key, io->buf + 2,
			      MSG_MAXLEN);
	int ret;

	if (qlen < 0)
		return WHY("cannot make the query");
	io->buf[0] = (uint8_t)(qlen >> 8);
	io->buf[1] = (uint8_t)qlen;
	io->id = (uint16_t)(io->buf[2] << 8 | io->buf[3]);
	if (p->key) {
		size_t maclen;
		const uint8_t *mac = tsig_signer_mac(&sg, &maclen);
		tsig_verifier_init(&io->tv, p->key, mac, maclen);
		tsig_signer_clear(&sg);
	}
	ret = send_all(io->fd, io->buf, (size_t)qlen + 2, why, cap);
	if (ret == 0)
		ret = receive(io, p, x, r, why, cap);
	if (p->key)
		tsig_verifier_clear(&io->tv);
	if (ret < 0 || r->uptodate)
		return ret;
	return rx_finish(x, r, why, cap);
}

static int io_alloc(struct xfr_io *io, char *why, size_t cap)
{
	io->nrr = MSG_MAXLEN / 11;
	io->buf = malloc(2 + MSG_MAXLEN);
	io->rd = malloc(RDATA_MAX);
	io->rr = malloc(io->nrr * sizeof(*io->rr));
	if (!io->buf || !io->rd || !io->rr)
		return WHY("out of memory");
	return 0;
}

static void io_free(struct xfr_io *io)
{
	free(io->buf);
	free(io->rd);
	free(io->rr);
}

int sec_transfer(const struct sec_zone *z, const struct sec_peer *p,
		 const struct zdb_zone *cur, struct sec_result *r, char *why,
		 size_t cap)
{
	struct xfr_io io = { .qtype = cur ? RR_IXFR : RR_AXFR };
	struct rx x = { .z = z, .ixfr = cur != NULL };
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (cur)
		x.ours = zdb_zone_serial(cur);
	if (io_alloc(&io, why, cap) == 0) {
		io.fd = tcp_connect(p, why, cap);
		if (io.fd >= 0) {
			ret = run(&io, z, p, cur, &x, r, why, cap);
			close(io.fd);
		}
	}
	r->nrr = x.nrr;
	rx_clear(&x);
	io_free(&io);
	return ret;
}

int sec_transfer_mem(const struct sec_zone *z, const struct zdb_zone *cur,
		     uint16_t id, const uint8_t *const *msg,
		     const size_t *len, size_t n, struct sec_result *r,
		     char *why, size_t cap)
{
	struct xfr_io io = { .fd = -1, .id = id,
			     .qtype = cur ? RR_IXFR : RR_AXFR };
	struct sec_peer p = { .text = "memory" };
	struct rx x = { .z = z, .ixfr = cur != NULL };
	int ret = io_alloc(&io, why, cap);

	memset(r, 0, sizeof(*r));
	if (cur)
		x.ours = zdb_zone_serial(cur);
	for (size_t i = 0; ret == 0; i++) {
		if (i == n) {
			ret = WHY("the answer ended before the transfer did");
			break;
		}
		ret = rx_one(&io, &p, &x, r, msg[i], len[i], why, cap);
	}
	if (ret > 0)
		ret = r->uptodate ? 0 : rx_finish(&x, r, why, cap);
	r->nrr = x.nrr;
	rx_clear(&x);
	io_free(&io);
	return ret;
}

void sec_result_clear(struct sec_result *r)
{
	if (r->zone)
		zdb_zone_unref(r->zone);
	for (size_t i = 0; i < r->nchg; i++)
		zchange_clear(&r->chg[i]);
	free(r->chg);
	memset(r, 0, sizeof(*r));
}

uint32_t sec_soa_timer(const struct zdb_zone *v, int which)
{
	const struct zdb_rrset *s = zdb_node_rrset(zdb_zone_apex(v), RR_SOA);
	const uint8_t *rd = s->rr[0].data;
	size_t off = name_length(rd);

	off += name_length(rd + off) + 4 * (size_t)which;
	if (off + 4 > s->rr[0].len)
		return 0;
	return (uint32_t)rd[off] << 24 | (uint32_t)rd[off + 1] << 16 |
	       (uint32_t)rd[off + 2] << 8 | rd[off + 3];
}
