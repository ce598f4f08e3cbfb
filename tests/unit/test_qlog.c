/* Unit tests for the query logs (src/qlog): the dnstap protobuf read
 * back by a small decoder here (field numbers, wire types, values of
 * dnstap.proto), the rings (records whole across the wrap, a full ring
 * drops and counts, nothing lost otherwise), the text line, the options'
 * checks, the 1-in-N sample, a file output through libfstrm read
 * back frame by frame, and the options in banchi-auth's YAML and flags. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "authd/cmdline.h"
#include "authd/config.h"
#include "check.h"
#include "qlog/qlog_int.h"

/* A DNS response: www.example. A, id 0x1234, QR AA RD, NXDOMAIN, 1
 * answer counted (the header is all the text line reads besides the
 * question). */
static const uint8_t resp[] = {
	0x12, 0x34, 0x85, 0x03, 0, 1, 0, 1, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1,
};
static const uint8_t query[] = {
	0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 1, 0, 1,
};

struct field {
	unsigned num, wt;
	uint64_t v;                     /* varint, fixed32 */
	const uint8_t *p;               /* length-delimited */
	size_t len;
};

static size_t varint(const uint8_t *p, size_t n, uint64_t *v)
{
	size_t i = 0;
	unsigned shift = 0;

	*v = 0;
	while (i < n && shift < 64) {
		*v |= (uint64_t)(p[i] & 0x7f) << shift;
		shift += 7;
		if (!(p[i++] & 0x80))
			return i;
	}
	return 0;
}

/* The fields of a message, in order; their count, or -1 when bad. */
static int decode(const uint8_t *p, size_t n, struct field *f, int max)
{
	size_t pos = 0, k;
	uint64_t key;
	int i = 0;

	while (pos < n && i < max) {
		if (!(k = varint(p + pos, n - pos, &key)))
			return -1;
		pos += k;
		f[i] = (struct field){ (unsigned)(key >> 3), key & 7, 0, 0, 0 };
		if (f[i].wt == 0) {
			if (!(k = varint(p + pos, n - pos, &f[i].v)))
				return -1;
			pos += k;
		} else if (f[i].wt == 5 && n - pos >= 4) {
			f[i].v = p[pos] | p[pos + 1] << 8 | p[pos + 2] << 16 |
				 (uint64_t)p[pos + 3] << 24;
			pos += 4;
		} else if (f[i].wt == 2) {
			if (!(k = varint(p + pos, n - pos, &f[i].v)) ||
			    f[i].v > n - pos - k)
				return -1;
			f[i].p = p + pos + k;
			f[i].len = (size_t)f[i].v;
			pos += k + f[i].len;
		} else {
			return -1;
		}
		i++;
	}
	return pos == n ? i : -1;
}

static const struct field *get(const struct field *f, int n, unsigned num)
{
	for (int i = 0; i < n; i++)
		if (f[i].num == num)
			return &f[i];
	return NULL;
}

static void put_auth(struct qlog_ring *r, const uint8_t *q, size_t qlen,
		     const uint8_t *a, size_t alen)
{
	struct sockaddr_in peer = { .sin_family = AF_INET,
				    .sin_port = htons(40000) };
	struct sockaddr_in us = { .sin_family = AF_INET,
				  .sin_port = htons(53) };
	struct qlog_event e = {
		.kind = QLOG_K_AUTH, .tcp = true,
		.peer = (struct sockaddr *)&peer,
		.local = (struct sockaddr *)&us,
		.qtime = 1700000000123456789ull,
		.rtime = 1700000000123499789ull,
		.q = q, .qlen = qlen, .r = a, .rlen = alen,
	};

	inet_pton(AF_INET, "192.0.2.7", &peer.sin_addr);
	inet_pton(AF_INET, "127.0.0.53", &us.sin_addr);
	qlog_put(r, &e);
}

static void test_protobuf(void)
{
	struct qlog q = { 0 };
	struct qlog_ring r;
	const struct qlog_rec *rec;
	struct field top[8], m[20];
	uint8_t out[512];
	int nt, nm;
	size_t n;

	CHECK(qlog_ring_init(&r, &q) == 0);
	put_auth(&r, query, sizeof(query), resp, sizeof(resp));
	rec = qlog_ring_peek(&r);
	CHECK(rec && rec->kind == QLOG_K_AUTH);
	if (!rec)
		return;
	n = qlog_pb_dnstap(out, sizeof(out), rec, QLOG_AUTH_RESPONSE, "id1",
			   "banchi-auth 0.1");
	nt = decode(out, n, top, 8);
	CHECK(n > 0 && nt == 4);
	CHECK(get(top, nt, 1) && get(top, nt, 1)->len == 3 &&
	      !memcmp(get(top, nt, 1)->p, "id1", 3));
	CHECK(get(top, nt, 2) && get(top, nt, 2)->len == 15);
	CHECK(get(top, nt, 15) && get(top, nt, 15)->v == 1);  /* MESSAGE */
	CHECK(get(top, nt, 14) && get(top, nt, 14)->wt == 2);
	if (!get(top, nt, 14))
		return;
	nm = decode(get(top, nt, 14)->p, get(top, nt, 14)->len, m, 20);
	CHECK(nm > 0);
	CHECK(get(m, nm, 1) && get(m, nm, 1)->v == QLOG_AUTH_RESPONSE);
	CHECK(get(m, nm, 2) && get(m, nm, 2)->v == 1);         /* INET */
	CHECK(get(m, nm, 3) && get(m, nm, 3)->v == 2);         /* TCP */
	CHECK(get(m, nm, 4) && get(m, nm, 4)->len == 4 &&
	      !memcmp(get(m, nm, 4)->p, "\xc0\x00\x02\x07", 4));
	CHECK(get(m, nm, 5) && !memcmp(get(m, nm, 5)->p, "\x7f\0\0\x35", 4));
	CHECK(get(m, nm, 6) && get(m, nm, 6)->v == 40000);
	CHECK(get(m, nm, 7) && get(m, nm, 7)->v == 53);
	CHECK(get(m, nm, 8) && get(m, nm, 8)->v == 1700000000u);
	CHECK(get(m, nm, 9) && get(m, nm, 9)->wt == 5 &&
	      get(m, nm, 9)->v == 123456789u);
	CHECK(get(m, nm, 13) && get(m, nm, 13)->v == 123499789u);
	CHECK(get(m, nm, 14) && get(m, nm, 14)->len == sizeof(resp) &&
	      !memcmp(get(m, nm, 14)->p, resp, sizeof(resp)));
	CHECK(!get(m, nm, 10));         /* no query in a response */
	/* the query message: the query, no response fields */
	n = qlog_pb_dnstap(out, sizeof(out), rec, QLOG_AUTH_QUERY, NULL, NULL);
	nt = decode(out, n, top, 8);
	CHECK(nt == 2 && !get(top, nt, 1) && get(top, nt, 14));
	if (nt == 2) {
		nm = decode(get(top, nt, 14)->p, get(top, nt, 14)->len, m, 20);
		CHECK(get(m, nm, 10) && get(m, nm, 10)->len == sizeof(query));
		CHECK(!get(m, nm, 12) && !get(m, nm, 14));
	}
	/* too small a buffer: 0, not a cut message */
	CHECK(qlog_pb_dnstap(out, 40, rec, QLOG_AUTH_RESPONSE, NULL,
			     NULL) == 0);
	qlog_ring_clear(&r);
}

/* The Message's length prefix of each size (1, 2 and 3 octets): the
 * message lands right after it whatever its size. */
static void test_protobuf_sizes(void)
{
	static const size_t sizes[] = { 20, 300, 17000 };
	static uint8_t big[17000], out[18000];
	struct qlog q = { 0 };
	struct qlog_ring r;
	struct field top[8], m[20];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 7);
	for (size_t k = 0; k < 3; k++) {
		const struct qlog_rec *rec;
		size_t n;
		int nt, nm;
		CHECK(qlog_ring_init(&r, &q) == 0);
		put_auth(&r, query, sizeof(query), big, sizes[k]);
		rec = qlog_ring_peek(&r);
		n = rec ? qlog_pb_dnstap(out, sizeof(out), rec,
					 QLOG_AUTH_RESPONSE, "x", NULL) : 0;
		nt = decode(out, n, top, 8);
		CHECKF(n > sizes[k] && nt == 3 && get(top, nt, 14),
		       "size %zu", sizes[k]);
		if (nt == 3 && get(top, nt, 14)) {
			nm = decode(get(top, nt, 14)->p,
				    get(top, nt, 14)->len, m, 20);
			CHECKF(get(m, nm, 14) && get(m, nm, 14)->len ==
			       sizes[k] && !memcmp(get(m, nm, 14)->p, big,
						   sizes[k]), "size %zu",
			       sizes[k]);
		}
		qlog_ring_clear(&r);
	}
}

static void test_ring(void)
{
	struct qlog q = { 0 };
	struct qlog_ring r;
	const struct qlog_rec *rec;
	static uint8_t big[4000];
	unsigned put = 0, got = 0, bad = 0;

	CHECK(qlog_ring_init(&r, &q) == 0);
	/* filled without a reader: some fit, the rest are counted */
	for (unsigned i = 0; i < 500; i++) {
		memset(big, (int)i, sizeof(big));
		put_auth(&r, big, 1000 + i * 5, NULL, 0);
	}
	CHECK(atomic_load(&r.dropped) > 0);
	put = 500 - (unsigned)atomic_load(&r.dropped);
	while ((rec = qlog_ring_peek(&r))) {
		bad += qlog_rec_q(rec)[0] != (uint8_t)got ||
		       rec->qlen != 1000 + got * 5;
		qlog_ring_pop(&r, rec);
		got++;
	}
	CHECK(got == put && bad == 0);
	/* many laps with a reader keeping up: nothing dropped, every
	 * record whole across the wrap */
	atomic_store(&r.dropped, 0);
	got = bad = 0;
	for (unsigned i = 0; i < 20000; i++) {
		memset(big, (int)(i & 0xff), 3000);
		put_auth(&r, big, 100 + i % 2900, resp, sizeof(resp));
		if (i % 3)
			continue;
		while ((rec = qlog_ring_peek(&r))) {
			bad += qlog_rec_q(rec)[rec->qlen - 1] !=
			       (uint8_t)(got & 0xff) ||
			       rec->qlen != 100 + got % 2900 ||
			       memcmp(qlog_rec_r(rec), resp, sizeof(resp));
			qlog_ring_pop(&r, rec);
			got++;
		}
	}
	while ((rec = qlog_ring_peek(&r))) {
		qlog_ring_pop(&r, rec);
		got++;
	}
	CHECK(got == 20000 && bad == 0 && atomic_load(&r.dropped) == 0);
	qlog_ring_clear(&r);
}

static void test_text(void)
{
	struct qlog q = { 0 };
	struct qlog_ring r;
	const struct qlog_rec *rec;
	struct qlog_tcache tc = { 0 };
	char line[1400];
	size_t n;

	CHECK(qlog_ring_init(&r, &q) == 0);
	put_auth(&r, query, sizeof(query), resp, sizeof(resp));
	rec = qlog_ring_peek(&r);
	n = rec ? qlog_text_line(line, sizeof(line), rec, &tc) : 0;
	CHECKF(n && !strcmp(line, "2023-11-14T22:13:20.123456Z 192.0.2.7#40000"
			    " tcp www.example. IN A aa,rd NXDOMAIN 1 29 43\n"),
	       "%s", line);
	CHECK(qlog_text_line(line, 20, rec, &tc) == 0); /* no cut lines */
	qlog_ring_clear(&r);
}

static void test_conf(void)
{
	struct qlog_conf c = { 0 };
	unsigned auth = QLOG_MSG_BIT(QLOG_AUTH_QUERY) |
			QLOG_MSG_BIT(QLOG_AUTH_RESPONSE);
	char err[CONFIG_ERR_MAX];

	CHECK(!qlog_conf_on(&c) && qlog_conf_check(&c, auth, err) == 0);
	c.dnstap = "tcp:1.2.3.4";
	CHECK(qlog_conf_check(&c, auth, err) < 0 && strstr(err, "unix:PATH"));
	c.dnstap = "unix:";
	CHECK(qlog_conf_check(&c, auth, err) < 0);
	c.dnstap = "unix:/run/tap.sock";
	c.dnstap_messages = "auth-response,, auth-query";
	CHECK(qlog_conf_check(&c, auth, err) == 0 &&
	      qlog_conf_messages(&c, 0) == auth);
	c.dnstap_messages = "auth-response,auth-qery";
	CHECK(qlog_conf_check(&c, auth, err) < 0 && strstr(err, "auth-qery"));
	c.dnstap_messages = "client-query";
	CHECK(qlog_conf_check(&c, auth, err) < 0);
	c.dnstap_messages = NULL;
	CHECK(qlog_conf_messages(&c, auth) == auth && qlog_conf_on(&c));
}

static void test_sample(void)
{
	struct qlog q = { .sample = 4 };
	struct qlog_ring r = { .q = &q };
	unsigned yes = 0, first = 0;

	for (unsigned i = 0; i < 100; i++)
		if (qlog_want(&r)) {
			yes++;
			first += i % 4 == 0;
		}
	CHECK(yes == 25 && first == 25);
	CHECK(atomic_load(&q.sampled_out) == 75);
	q.sample = 1;
	q.rate = 10;
	yes = 0;
	for (unsigned i = 0; i < 50; i++)
		yes += qlog_want(&r);
	CHECK(yes >= 10 && yes <= 20);  /* one second, or two */
}

/* The file output read back: fstrm's header (escape, control frame
 * with the content type), then data frames, then the STOP frame. */
static void test_file(void)
{
	char path[] = "/tmp/test_qlog_XXXXXX";
	struct qlog_conf c = { .sample = 1 };
	struct qlog *q;
	uint8_t buf[8192];
	size_t n, pos, frames = 0;
	uint32_t len;
	int fd = mkstemp(path), err;
	char spec[64];

	CHECK(fd >= 0);
	close(fd);
	snprintf(spec, sizeof(spec), "file:%s", path);
	c.dnstap = spec;
	q = qlog_open(&c, 2, QLOG_MSG_BIT(QLOG_AUTH_QUERY) |
		      QLOG_MSG_BIT(QLOG_AUTH_RESPONSE), "test", &err);
	CHECK(q && err == 0 && qlog_start(q) == 0);
	if (!q)
		return;
	for (int i = 0; i < 10; i++)
		put_auth(qlog_ring(q, (size_t)i % 2), query, sizeof(query),
			 resp, sizeof(resp));
	qlog_free(q);           /* drains the rings, writes STOP */
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? (size_t)read(fd, buf, sizeof(buf)) : 0;
	CHECK(n > 8 && !memcmp(buf, "\0\0\0\0", 4));
	CHECK(memmem(buf, 64, "protobuf:dnstap.Dnstap", 22) != NULL);
	memcpy(&len, buf + 4, 4);
	pos = 8 + ntohl(len);
	while (pos + 4 <= n) {
		memcpy(&len, buf + pos, 4);
		len = ntohl(len);
		if (!len)
			break;          /* a control frame: the STOP */
		frames++;
		pos += 4 + len;
	}
	CHECK(frames == 20);
	if (fd >= 0)
		close(fd);
	unlink(path);
}

static void test_auth_config(void)
{
	static const char yaml[] =
		"server:\n  listen: 127.0.0.1:5300\n"
		"log:\n  dnstap: unix:/run/tap.sock\n"
		"  dnstap-messages: [auth-response]\n"
		"  query-log: stderr\n  query-log-sample: 10\n"
		"  query-log-rate: 500\n";
	char *ok[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
		       "--dnstap", "file:/tmp/x.tap", "--query-log-rate", "7" };
	char *bad[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			"--dnstap", "unix:/x", "--dnstap-messages",
			"client-query" };
	char *range[] = { "banchi-auth", "--listen", "127.0.0.1:5300",
			  "--query-log-sample", "0" };
	char err[CONFIG_ERR_MAX] = "";
	struct config c;

	config_init(&c);
	CHECK(!qlog_conf_on(&c.qlog) && c.qlog.sample == 1 &&
	      c.qlog.rate == 0);
	CHECKF(config_load_text(&c, yaml, sizeof(yaml) - 1, "t.yaml",
				err) == 0 && config_validate(&c, err) == 0,
	       "%s", err);
	CHECK(c.qlog.dnstap && !strcmp(c.qlog.dnstap, "unix:/run/tap.sock"));
	CHECK(qlog_conf_messages(&c.qlog, 0) ==
	      QLOG_MSG_BIT(QLOG_AUTH_RESPONSE));
	CHECK(c.qlog.query_log && !strcmp(c.qlog.query_log, "stderr"));
	CHECK(c.qlog.sample == 10 && c.qlog.rate == 500);
	config_clear(&c);
	CHECKF(cmdline_config(&c, 7, ok, NULL, err) == 0 &&
	       !strcmp(c.qlog.dnstap, "file:/tmp/x.tap") && c.qlog.rate == 7,
	       "%s", err);
	config_clear(&c);
	CHECK(cmdline_config(&c, 7, bad, NULL, err) < 0 &&
	      strstr(err, "dnstap-messages"));
	config_clear(&c);
	CHECK(cmdline_config(&c, 5, range, NULL, err) < 0);
	config_clear(&c);
}

int main(void)
{
	test_protobuf();
	test_protobuf_sizes();
	test_ring();
	test_text();
	test_conf();
	test_sample();
	test_file();
	test_auth_config();
	return check_done();
}
