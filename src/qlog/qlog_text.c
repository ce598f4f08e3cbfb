/* The text query log's line, made by the writer thread from a ring
 * record: fixed columns separated by one space (doc/query-log.md):
 * TIME CLIENT#PORT TRANSPORT QNAME QCLASS QTYPE FLAGS RCODE ANCOUNT SIZE
 * USEC. The question and header are read from the response (the query
 * when none was sent). */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "qlog/qlog_int.h"
#include "wire/buf.h"
#include "wire/msg.h"
#include "wire/name.h"
#include "wire/rrtype.h"

struct question {
	char name[NAME_MAXLEN * 4 + 2]; /* \DDD escapes at most */
	uint16_t type, cls;
};

static bool question(const uint8_t *m, size_t len, struct question *q)
{
	uint8_t name[NAME_MAXLEN];
	size_t pos = MSG_HDRLEN;
	struct rbuf rb;

	if (len < MSG_HDRLEN || name_unpack(m, len, &pos, name) < 0 ||
	    name_to_text(q->name, sizeof(q->name), name) < 0)
		return false;
	rbuf_init(&rb, m, len);
	rb.pos = pos;
	return rbuf_u16(&rb, &q->type) == 0 && rbuf_u16(&rb, &q->cls) == 0;
}

/* The line is made by appending (printf's parsing was most of the
 * writer's time at 300,000 lines a second). */
struct line {
	char *p;
	size_t n, cap;
	bool full;
};

static void add(struct line *l, const char *s, size_t n)
{
	if (l->full || l->cap - l->n <= n) {
		l->full = true;
		return;
	}
	memcpy(l->p + l->n, s, n);
	l->n += n;
}

static void add_str(struct line *l, const char *s)
{
	add(l, s, strlen(s));
}

static void add_u64(struct line *l, uint64_t v, int width)
{
	char d[24];
	int i = sizeof(d);

	do {
		d[--i] = (char)('0' + v % 10);
		v /= 10;
	} while ((v || (int)sizeof(d) - i < width) && i > 0);
	add(l, d + i, sizeof(d) - (size_t)i);
}

static void add_flags(struct line *l, uint16_t f)
{
	static const struct { uint16_t bit; const char *name; } fl[] = {
		{ MSG_FLAG_AA, "aa" }, { MSG_FLAG_TC, "tc" },
		{ MSG_FLAG_RD, "rd" }, { MSG_FLAG_RA, "ra" },
		{ MSG_FLAG_AD, "ad" }, { MSG_FLAG_CD, "cd" },
	};
	bool any = false;

	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if (f & fl[i].bit) {
			if (any)
				add(l, ",", 1);
			add(l, fl[i].name, 2);
			any = true;
		}
	if (!any)
		add(l, "-", 1);
}

static void add_client(struct line *l, const struct qlog_rec *rec)
{
	char a[INET6_ADDRSTRLEN];

	if (rec->family == AF_INET) {
		for (int i = 0; i < 4; i++) {
			if (i)
				add(l, ".", 1);
			add_u64(l, rec->paddr[i], 1);
		}
	} else if (rec->family &&
		   inet_ntop(rec->family, rec->paddr, a, sizeof(a))) {
		add_str(l, a);
	} else {
		add(l, "-", 1);
	}
	add(l, "#", 1);
	add_u64(l, rec->pport, 1);
}

/* The writer makes lines in time order, a second's many at a time:
 * the date part is made once per second. */
static void add_time(struct line *l, uint64_t ns, struct qlog_tcache *tc)
{
	time_t s = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (!tc->valid || s != tc->sec) {
		gmtime_r(&s, &tm);
		snprintf(tc->date, sizeof(tc->date),
			 "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		tc->sec = s;
		tc->valid = true;
	}
	add_str(l, tc->date);
	add_u64(l, ns % 1000000000u / 1000, 6);
	add(l, "Z", 1);
}

/* FLAGS RCODE ANCOUNT of the response, or "- - -". */
static void add_header(struct line *l, const struct qlog_rec *rec)
{
	struct msg_hdr h;

	if (!rec->rlen || msg_hdr_parse(&h, qlog_rec_r(rec), rec->rlen) < 0) {
		add_str(l, "- - -");
		return;
	}
	add_flags(l, h.flags);
	add(l, " ", 1);
	add_str(l, rcode_name(msg_hdr_rcode(&h)));
	add(l, " ", 1);
	add_u64(l, h.count[MSG_ANSWER], 1);
}

size_t qlog_text_line(char *out, size_t cap, const struct qlog_rec *rec,
		      struct qlog_tcache *tc)
{
	const uint8_t *m = rec->rlen ? qlog_rec_r(rec) : qlog_rec_q(rec);
	size_t len = rec->rlen ? rec->rlen : rec->qlen;
	struct line l = { out, 0, cap, false };
	struct question q = { "-", 0, 0 };
	char tb[16], cb[16];

	if (rec->kind != QLOG_K_AUTH && rec->kind != QLOG_K_CLIENT_RESPONSE)
		return 0;
	if (!question(m, len, &q) && rec->rlen)
		question(qlog_rec_q(rec), rec->qlen, &q);
	add_time(&l, rec->qtime, tc);
	add(&l, " ", 1);
	add_client(&l, rec);
	add_str(&l, rec->tcp ? " tcp " : " udp ");
	add_str(&l, q.name);
	add(&l, " ", 1);
	add_str(&l, q.type ? rrclass_to_text(q.cls, cb) : "-");
	add(&l, " ", 1);
	add_str(&l, q.type ? rrtype_to_text(q.type, tb) : "-");
	add(&l, " ", 1);
	add_header(&l, rec);
	add(&l, " ", 1);
	add_u64(&l, rec->rlen, 1);
	add(&l, " ", 1);
	add_u64(&l, rec->rtime > rec->qtime ?
		(rec->rtime - rec->qtime) / 1000 : 0, 1);
	add(&l, "\n", 1);
	if (l.full)
		return 0;
	l.p[l.n] = 0;
	return l.n;
}
