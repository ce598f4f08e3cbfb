/* The text query log's line, made by the writer thread from a ring
 * record: fixed columns separated by one space (doc/query-log.md):
 * TIME CLIENT#PORT TRANSPORT QNAME QCLASS QTYPE FLAGS RCODE ANCOUNT SIZE
 * USEC. The question and header are read from the response (the query
 * when none was sent). */
#include <arpa/inet.h>
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

static void flags(char *out, size_t cap, uint16_t f)
{
	static const struct { uint16_t bit; const char *name; } fl[] = {
		{ MSG_FLAG_AA, "aa" }, { MSG_FLAG_TC, "tc" },
		{ MSG_FLAG_RD, "rd" }, { MSG_FLAG_RA, "ra" },
		{ MSG_FLAG_AD, "ad" }, { MSG_FLAG_CD, "cd" },
	};
	size_t n = 0;

	out[0] = 0;
	for (size_t i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
		if ((f & fl[i].bit) && n + 4 < cap)
			n += (size_t)snprintf(out + n, cap - n, "%s%s",
					      n ? "," : "", fl[i].name);
	if (!n)
		snprintf(out, cap, "-");
}

static void client(char *out, size_t cap, const struct qlog_rec *rec)
{
	char a[INET6_ADDRSTRLEN] = "-";

	if (rec->family)
		inet_ntop(rec->family, rec->paddr, a, sizeof(a));
	snprintf(out, cap, "%s#%u", a, rec->pport);
}

/* The writer makes lines in time order, a second's many at a time:
 * the date part is made once per second. */
static void timestamp(char *out, size_t cap, uint64_t ns,
		      struct qlog_tcache *tc)
{
	time_t s = (time_t)(ns / 1000000000u);
	struct tm tm;

	if (!tc->valid || s != tc->sec) {
		gmtime_r(&s, &tm);
		snprintf(tc->date, sizeof(tc->date),
			 "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			 tm.tm_sec);
		tc->sec = s;
		tc->valid = true;
	}
	snprintf(out, cap, "%s.%06uZ", tc->date,
		 (unsigned)(ns % 1000000000u / 1000));
}

size_t qlog_text_line(char *out, size_t cap, const struct qlog_rec *rec,
		      struct qlog_tcache *tc)
{
	const uint8_t *m = rec->rlen ? qlog_rec_r(rec) : qlog_rec_q(rec);
	size_t len = rec->rlen ? rec->rlen : rec->qlen;
	char ts[80], who[64], fl[24], tb[16], cb[16], rc[16] = "-", an[8] = "-";
	struct question q = { "-", 0, 0 };
	struct msg_hdr h;
	uint64_t us;
	int n;

	if (rec->kind != QLOG_K_AUTH && rec->kind != QLOG_K_CLIENT_RESPONSE)
		return 0;
	if (!question(m, len, &q) && rec->rlen)
		question(qlog_rec_q(rec), rec->qlen, &q);
	timestamp(ts, sizeof(ts), rec->qtime, tc);
	client(who, sizeof(who), rec);
	snprintf(fl, sizeof(fl), "-");
	if (rec->rlen && msg_hdr_parse(&h, qlog_rec_r(rec), rec->rlen) == 0) {
		flags(fl, sizeof(fl), h.flags);
		snprintf(rc, sizeof(rc), "%s", rcode_name(msg_hdr_rcode(&h)));
		snprintf(an, sizeof(an), "%u", h.count[MSG_ANSWER]);
	}
	us = rec->rtime > rec->qtime ? (rec->rtime - rec->qtime) / 1000 : 0;
	n = snprintf(out, cap, "%s %s %s %s %s %s %s %s %s %u %llu\n", ts,
		     who, rec->tcp ? "tcp" : "udp", q.name,
		     q.type ? rrclass_to_text(q.cls, cb) : "-",
		     q.type ? rrtype_to_text(q.type, tb) : "-", fl, rc, an,
		     rec->rlen, (unsigned long long)us);
	return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}
