/* The sweep's zone transfer (sweep.h): a blocking AXFR client on one
 * TCP connection (RFC 5936, framing of RFC 1035 4.2.2), each message
 * checked (ID, rcode, question) and, with a key, TSIG-verified (RFC
 * 8945 5.3.1: the first and last messages signed, at most 99 unsigned
 * between). Only run at start, bounded by SWEEP_TOTAL_MS. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "dhcpd/sweep.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

#define RR_MAX 8192             /* records a message may hold */

struct axfr {
	const struct ddns *d;
	int fd;
	int64_t end;                    /* monotonic ms */
	uint16_t id;
	uint8_t *buf;                   /* 2 + MSG_MAXLEN: one frame */
	struct msg_rr *rr;
	struct tsig_verifier tv;
	size_t nmsg, nrr;
	unsigned nsoa;                  /* the second SOA ends it */
	char *why;
	size_t cap;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int why(struct axfr *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int why(struct axfr *x, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->why, x->cap, fmt, ap);
	va_end(ap);
	return -1;
}

/* 1 when fd is ready for ev, 0 when the time is up, < 0 on error. */
static int wait_fd(const struct axfr *x, short ev)
{
	struct pollfd p = { .fd = x->fd, .events = ev };
	int64_t left;
	int ret;

	do {
		left = x->end - mono_ms();
		if (left <= 0)
			return 0;
		ret = poll(&p, 1, (int)left);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

static int tcp_open(struct axfr *x)
{
	const struct sockaddr *sa = (const struct sockaddr *)&x->d->to;
	int err = 0;
	socklen_t el = sizeof(err);

	x->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC |
		       SOCK_NONBLOCK, 0);
	if (x->fd < 0)
		return why(x, "socket: %s", strerror(errno));
	if (connect(x->fd, sa, x->d->tolen) < 0 && errno != EINPROGRESS)
		err = errno;
	else if (wait_fd(x, POLLOUT) <= 0)
		err = ETIMEDOUT;
	else if (getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
		err = errno;
	return err ? why(x, "TCP connect: %s", strerror(err)) : 0;
}

static int send_all(struct axfr *x, const uint8_t *b, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = send(x->fd, b + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN && wait_fd(x, POLLOUT) > 0)
			continue;
		if (n <= 0)
			return why(x, "send: %s", strerror(errno));
		off += (size_t)n;
	}
	return 0;
}

/* The AXFR query, signed when there is a key (the verifier then holds
 * its MAC), sent framed. */
static int query(struct axfr *x)
{
	struct msg_hdr h = { 0 };
	struct msg_writer mw;
	struct tsig_signer sg;
	const uint8_t *mac;
	size_t maclen;
	int len;

	if (getrandom(&x->id, sizeof(x->id), 0) != sizeof(x->id))
		x->id = (uint16_t)mono_ms();
	h.id = x->id;
	if (msg_writer_init(&mw, x->buf + 2, 512, &h, true) < 0 ||
	    msg_writer_question(&mw, x->d->conf->fzone, RR_AXFR,
				CLASS_IN) < 0 ||
	    (len = msg_writer_finish(&mw)) < 0)
		return why(x, "cannot build the query");
	if (x->d->conf->has_key) {
		tsig_signer_init(&sg, &x->d->key, NULL, 0);
		len = tsig_sign(&sg, x->buf + 2, (size_t)len, 1024,
				(uint64_t)time(NULL));
		mac = tsig_signer_mac(&sg, &maclen);
		tsig_verifier_init(&x->tv, &x->d->key, mac, maclen);
		tsig_signer_clear(&sg);
		if (len < 0)
			return why(x, "cannot sign the query");
	}
	x->buf[0] = (uint8_t)(len >> 8);
	x->buf[1] = (uint8_t)len;
	return send_all(x, x->buf, 2 + (size_t)len);
}

/* One framed message into x->buf + 2: its length, or -1. */
static int read_msg(struct axfr *x)
{
	size_t want = 2, got = 0;
	ssize_t n;
	int w;

	while (got < want) {
		w = wait_fd(x, POLLIN);
		if (w <= 0)
			return why(x, "%s", w ? strerror(errno) :
				   "timed out");
		n = recv(x->fd, x->buf + got, want - got, 0);
		if (n <= 0)
			return why(x, "the server closed the connection "
				   "before the transfer ended");
		got += (size_t)n;
		if (got == 2 && want == 2) {
			want = 2 + ((size_t)x->buf[0] << 8 | x->buf[1]);
			if (want < 2 + MSG_HDRLEN)
				return why(x, "a message of %zu octets",
					   want - 2);
		}
	}
	return (int)(want - 2);
}

/* The header and question of message m of the answer. */
static int check(struct axfr *x, const struct msg *m)
{
	uint8_t qn[NAME_MAXLEN];
	int rc = msg_hdr_rcode(&m->hdr);

	if (m->hdr.id != x->id || !msg_hdr_qr(&m->hdr))
		return why(x, "an answer of another ID");
	if (rc != RCODE_NOERROR)
		return why(x, "the server answered %s", rcode_name(
			   (uint16_t)rc));
	if (x->nmsg > 1 && !msg_section_count(m, MSG_QUESTION))
		return 0;
	if (msg_section_count(m, MSG_QUESTION) != 1 ||
	    msg_rr_owner(m, &m->rr[0], qn) < 0 ||
	    !name_equal(qn, x->d->conf->fzone) || m->rr[0].type != RR_AXFR)
		return why(x, "an answer to another question");
	return 0;
}

/* The answer section's records to fn: 1 after the closing SOA, 0 when
 * more are to come, -1 on an error. */
static int records(struct axfr *x, const struct msg *m, sweep_rr_fn *fn,
		   void *arg)
{
	uint8_t owner[NAME_MAXLEN];
	const struct msg_rr *r;
	uint16_t i;

	for (i = 0; i < msg_section_count(m, MSG_ANSWER); i++) {
		r = msg_section_rr(m, MSG_ANSWER, i);
		if (msg_rr_owner(m, r, owner) < 0)
			return why(x, "a malformed owner name");
		if (x->nsoa == 0 && r->type != RR_SOA)
			return why(x, "the answer does not start with a SOA");
		if (r->type == RR_SOA && ++x->nsoa == 2)
			return 1;
		x->nrr++;
		if (r->rclass == CLASS_IN)
			fn(arg, owner, r->type, m->pkt + r->rdata_off,
			   r->rdlen);
	}
	return 0;
}

/* Messages until the closing SOA. */
static int receive(struct axfr *x, sweep_rr_fn *fn, void *arg)
{
	enum tsig_status st;
	struct msg m;
	int len, ret = 0;

	while (ret == 0) {
		len = read_msg(x);
		if (len < 0)
			return -1;
		x->nmsg++;
		if (msg_parse(&m, x->buf + 2, (size_t)len, x->rr, RR_MAX) < 0)
			return why(x, "message %zu malformed", x->nmsg);
		if (check(x, &m) < 0)
			return -1;
		if (x->d->conf->has_key) {
			st = tsig_verify_msg(&x->tv, x->buf + 2, (size_t)len,
					     (uint64_t)time(NULL));
			if (st != TSIG_OK && st != TSIG_UNSIGNED)
				return why(x, "TSIG: %s",
					   tsig_status_text(st));
		}
		ret = records(x, &m, fn, arg);
	}
	if (ret > 0 && x->d->conf->has_key &&
	    tsig_verify_end(&x->tv) != TSIG_OK)
		return why(x, "TSIG: the last message is not signed");
	return ret < 0 ? -1 : 0;
}

int sweep_axfr(const struct ddns *d, sweep_rr_fn *fn, void *arg, char *w,
	       size_t cap)
{
	struct axfr x = { .d = d, .fd = -1, .why = w, .cap = cap };
	int ret = -1;

	x.end = mono_ms() + SWEEP_TOTAL_MS;
	x.buf = malloc(2 + MSG_MAXLEN);
	x.rr = calloc(RR_MAX, sizeof(*x.rr));
	if (!x.buf || !x.rr)
		why(&x, "out of memory");
	else if (tcp_open(&x) == 0 && query(&x) == 0)
		ret = receive(&x, fn, arg);
	if (ret == 0)
		log_debug("dns: sweep: the transfer from %s: %zu records in "
			  "%zu messages", d->server, x.nrr, x.nmsg);
	if (d->conf->has_key)
		tsig_verifier_clear(&x.tv);
	if (x.fd >= 0)
		close(x.fd);
	free(x.buf);
	free(x.rr);
	return ret;
}
