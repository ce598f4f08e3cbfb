/* libFuzzer target for the resolver's upstream-reply path (resolve/iter):
 * an input is up to ROUNDS replies, split at SEP, fed to an iterator that
 * resolves two questions picked by the input's first two octets, the
 * second on the cache the first left. Each reply gets the pending query's
 * ID, QR and question patched in, so that most inputs pass the acceptance
 * checks and reach classification, bailiwick scrubbing and caching.
 * Checks: queries parse, work stays bounded, answers are sane and write.
 * Each reply as it came also goes through the DNSSEC verifier
 * (reply_dnssec.c: results in range, budget respected). */
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>
#include <urcu.h>

#include "base/error.h"
#include "reply_dnssec.h"
#include "resolve/cache.h"
#include "resolve/infra.h"
#include "resolve/iter.h"
#include "wire/msg.h"
#include "wire/name.h"
#include "wire/rrtype.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

#define ROUNDS 12       /* replies taken from one input */
/* iter_step() calls per input; the iterator must be done long before
 * (max_upstream queries, then SERVFAIL), or its work is not bounded. */
#define STEPS 512
/* qname minimisation on/off x 0x20 off/on x defaults, tight limits,
 * a forward zone, a stub zone */
#define NENV 16
#define T0 1000000000ull /* the fake clock's start, ms */

static const uint8_t SEP[4] = { '\n', '-', '-', '\n' };

static const char *const qnames[8] = {
	"www.example.test.", "example.test.", "a.b.c.example.test.",
	"test.", ".", "mail.other.test.", "x.sub.example.test.",
	"ns1.example.test.",
};
static const uint16_t qtypes[16] = {
	1, 28, 2, 15, 5, 16, 6, 43, 255, 12, 33, 39, 65, 64, 48, 0,
};

struct fuzz_state {
	struct cache *cache, *tiny;
	struct infra *infra;
	struct res_conf conf[NENV];
	struct res_env env[NENV];
	struct iter *it[NENV];
	struct res_hint hint;
	struct res_fwd fwd[2];          /* example.test.: forward, stub */
	struct res_addr fwd_addr;
};

static struct fuzz_state *st;
#define MAXRR 8192      /* records of a 64 KiB message, and more */
static struct msg_rr rrs[MAXRR];
static uint64_t rnd_counter;

/* Deterministic "randomness" (splitmix64 over a counter reset per input)
 * so that a crash replays from its input alone. */
static void fake_random(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		uint64_t z = (rnd_counter += 0x9e3779b97f4a7c15ull);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
		z ^= z >> 31;
		size_t n = len < sizeof(z) ? len : sizeof(z);
		memcpy(p, &z, n);
		p += n;
		len -= n;
	}
}

static void set_addr(struct res_addr *a, uint32_t ip4)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->sa;

	sin->sin_family = AF_INET;
	sin->sin_port = htons(53);
	sin->sin_addr.s_addr = htonl(ip4);
	a->len = sizeof(*sin);
}

/* Env i: bit 0 minimisation off, bit 1 0x20 on; bits 2-3: 0 defaults,
 * 1 tight limits and a tiny cache, 2 example.test. forwarded, 3
 * example.test. a stub. */
static void conf_for(struct res_conf *rc, int i)
{
	res_conf_init(rc);
	rc->hints = &st->hint;
	rc->nhints = 1;
	rc->query_loopback = true;
	rc->qname_min = !(i & 1);
	rc->use_0x20 = i & 2;
	switch (i >> 2) {
	case 1:         /* the limits themselves get hit */
		rc->max_upstream = 6;
		rc->max_depth = 1;
		rc->max_cname = 2;
		rc->max_time_ms = 3000;
		rc->max_ns_names = 2;
		break;
	case 2:
	case 3:
		rc->fwd = &st->fwd[(i >> 2) - 2];
		rc->nfwd = 1;
		break;
	}
}

static void setup(void)
{
	struct cache_conf cc;

	rcu_register_thread();
	st = calloc(1, sizeof(*st));
	ASSERT(st);
	cache_conf_init(&cc);
	cc.max_bytes = 1 << 20;
	st->cache = cache_new(&cc);
	cc.max_bytes = 8192;    /* the tight envs': evicts during a resolution */
	st->tiny = cache_new(&cc);
	st->infra = infra_new(256);
	ASSERT(st->cache && st->tiny && st->infra);
	ASSERT(name_from_text(st->hint.name, "a.root.test.", 12, NULL) > 0);
	set_addr(&st->hint.addr, INADDR_LOOPBACK);
	set_addr(&st->fwd_addr, INADDR_LOOPBACK + 9);
	for (int i = 0; i < 2; i++) {
		ASSERT(name_from_text(st->fwd[i].zone, "example.test.", 13,
				      NULL) > 0);
		st->fwd[i].stub = i == 1;
		st->fwd[i].addrs = &st->fwd_addr;
		st->fwd[i].naddrs = 1;
	}
	for (int i = 0; i < NENV; i++) {
		conf_for(&st->conf[i], i);
		st->env[i] = (struct res_env){
			i >> 2 == 1 ? st->tiny : st->cache, st->infra,
			&st->conf[i], fake_random, NULL };
		st->it[i] = iter_new(&st->env[i]);
		ASSERT(st->it[i]);
	}
}

/* End of the first question of r (an uncompressed name), or 0. */
static size_t question_end(const uint8_t *r, size_t len)
{
	int n;

	if (len < MSG_HDRLEN || wire_get_u16(r + 4) == 0)
		return 0;
	n = name_check(r + MSG_HDRLEN, len - MSG_HDRLEN);
	if (n < 0 || len - MSG_HDRLEN - (size_t)n < 4)
		return 0;
	return MSG_HDRLEN + (size_t)n + 4;
}

/* Copies reply r into out with q's ID and question (in place of r's own
 * first question, when it has one) and, unless raw, QR set. Compression
 * pointers to the question name (offset 12) stay right; others past the
 * question may move, which is fine for a fuzzer. Returns the length. */
static size_t patch(uint8_t *out, const uint8_t *r, size_t len,
		    const struct iter_query *q, bool raw)
{
	size_t qend = question_end(q->pkt, q->len), rend;
	struct msg_hdr h, qh;

	memcpy(out, r, len);
	if (len < MSG_HDRLEN) {
		if (len >= 2)
			memcpy(out, q->pkt, 2);
		return len;
	}
	ASSERT(msg_hdr_parse(&h, out, len) == 0);
	ASSERT(msg_hdr_parse(&qh, q->pkt, q->len) == 0);
	h.id = qh.id;
	if (!raw)
		h.flags |= MSG_FLAG_QR;
	msg_hdr_write(out, &h);
	rend = question_end(r, len);
	if (rend == 0 || qend == 0)
		return len;
	memcpy(out + MSG_HDRLEN, q->pkt + MSG_HDRLEN, qend - MSG_HDRLEN);
	memcpy(out + qend, r + rend, len - rend);
	return qend + (len - rend);
}

/* The query the iterator wants sent must be a well-formed query. */
static void check_query(const struct iter_query *q, const struct res_conf *rc)
{
	struct msg_query mq;

	ASSERT(q->len >= MSG_HDRLEN && q->len <= ITER_QUERY_MAX);
	ASSERT(msg_parse_query(&mq, q->pkt, q->len) == 0);
	ASSERT(!msg_hdr_qr(&mq.hdr) && mq.has_question);
	ASSERT(msg_hdr_opcode(&mq.hdr) == OPCODE_QUERY);
	ASSERT(q->timeout_ms > 0);
	ASSERT(q->timeout_ms <= INFRA_RTO_MAX ||
	       q->timeout_ms <= rc->max_time_ms);
	ASSERT(q->to.sa.ss_family == AF_INET || q->to.sa.ss_family == AF_INET6);
	ASSERT(q->to.len > 0 && q->to.len <= sizeof(q->to.sa));
}

/* An answer's sets lie inside its data and their RDATA items tile
 * rdata_len exactly. */
static void check_set(const struct answer *a, const struct answer_set *as)
{
	const struct rrset *s = &as->set;
	const uint8_t *lo = a->data, *hi = a->data + a->used;
	struct rbuf r;
	uint16_t n;

	ASSERT(as->section >= MSG_ANSWER && as->section <= MSG_ADDITIONAL);
	ASSERT(s->owner >= lo && s->owner < hi);
	ASSERT(name_check(s->owner, (size_t)(hi - s->owner)) > 0);
	ASSERT(s->kind <= RRSET_NODATA && s->rank <= RANK_LOCAL);
	if (s->rdata_len > 0)
		ASSERT(s->rdata >= lo && s->rdata + s->rdata_len <= hi);
	rbuf_init(&r, s->rdata, s->rdata_len);
	for (uint16_t i = 0; i < s->count; i++) {
		ASSERT(rbuf_u16(&r, &n) == 0);
		ASSERT(rbuf_skip(&r, n) == 0);
	}
	ASSERT(rbuf_left(&r) == 0);
}

/* The answer written for a client asking (qname, qtype, IN), with
 * or without EDNS: parses, fits the client's size, carries the rcode. */
static void check_write(const struct answer *a, const uint8_t *qname,
			uint16_t qtype, bool edns)
{
	static uint8_t qbuf[512], out[MSG_MAXLEN];
	struct msg_hdr h = { .id = 0x4b1d, .flags = MSG_FLAG_RD };
	struct msg_writer mw;
	struct msg_query cq;
	struct msg m;
	struct edns e;
	size_t n;
	int len;

	ASSERT(msg_writer_init(&mw, qbuf, sizeof(qbuf), &h, true) == 0);
	ASSERT(msg_writer_question(&mw, qname, qtype, CLASS_IN) == 0);
	edns_init(&e, 4096);
	if (edns)
		ASSERT(msg_writer_opt(&mw, &e) == 0);
	len = msg_writer_finish(&mw);
	ASSERT(msg_parse_query(&cq, qbuf, (size_t)len) == 0);
	n = answer_write(a, &cq, 1232, out, sizeof(out));
	ASSERT(n >= MSG_HDRLEN && n <= (edns ? 1232u : 512u));
	ASSERT(msg_parse(&m, out, n, rrs, MAXRR) == 0);
	ASSERT(m.hdr.id == 0x4b1d && msg_hdr_qr(&m.hdr) && msg_hdr_rd(&m.hdr));
	ASSERT(m.has_opt == edns);
	ASSERT((m.has_opt ? edns_rcode(&m.edns, msg_hdr_rcode(&m.hdr)) :
		msg_hdr_rcode(&m.hdr)) == a->rcode);
	ASSERT(msg_section_count(&m, MSG_QUESTION) == 1);
	ASSERT(m.rr[0].type == qtype && m.rr[0].rclass == CLASS_IN);
}

static void check_answer(const struct answer *a, const uint8_t *qname,
			 uint16_t qtype)
{
	ASSERT(a && a->rcode < 16);
	ASSERT(a->nsets <= ANSWER_SETS && a->used <= ANSWER_DATA);
	for (uint16_t i = 0; i < a->nsets; i++)
		check_set(a, &a->sets[i]);
	check_write(a, qname, qtype, false);
	check_write(a, qname, qtype, true);
}

/* After the resolution: bounded work, a sane answer (also a stale one
 * in place of SERVFAIL), and what the cache now answers on its own. */
static void check_result(struct iter *it, const struct res_env *env,
			 const uint8_t *qname, uint16_t qtype, uint64_t now)
{
	static struct answer cached;
	const struct iter_stats *s = iter_get_stats(it);
	uint8_t lower[NAME_MAXLEN];
	bool prefetch;

	ASSERT(s->upstream <= env->conf->max_upstream);
	ASSERT(s->tcp <= s->upstream && s->timeouts <= s->upstream);
	check_answer(iter_result(it), qname, qtype);
	if (iter_result(it)->rcode == RCODE_SERVFAIL &&
	    iter_try_stale(it, now))
		check_answer(iter_result(it), qname, qtype);
	memcpy(lower, qname, name_length(qname));
	name_to_lower(lower);
	if (answer_from_cache(&cached, env->cache, lower, qtype, CLASS_IN,
			      now, CACHE_STALE, &prefetch) == 1)
		check_answer(&cached, qname, qtype);
}

/* The replies of one input, taken in order across its resolutions. */
struct feed {
	const uint8_t *data;
	size_t size, off;       /* off > size: used up */
	int rounds;
	bool raw;               /* header flags as given (QR not forced) */
	bool x20;               /* the iterator randomises the qname case */
	uint64_t now;           /* the fake clock, ms */
};

/* Variants of a reply that a spoofer could send must be ignored, and
 * must not end the wait: another ID; under 0x20, the question in
 * another case. buf is left as it came. */
static void spoofs(const struct feed *fd, struct iter *it, uint8_t *buf,
		   size_t len, const struct iter_query *q)
{
	size_t qend = question_end(q->pkt, q->len);
	uint8_t lower[NAME_MAXLEN];
	struct msg_hdr h;
	struct msg m;
	size_t nlen;

	if (len < MSG_HDRLEN)
		return;
	ASSERT(msg_hdr_parse(&h, buf, len) == 0);
	h.id ^= 0x8000;
	msg_hdr_write(buf, &h);
	ASSERT(iter_consume(it, buf, len, fd->now) == ITER_IGNORED);
	h.id ^= 0x8000;
	msg_hdr_write(buf, &h);
	/* A reply that does not parse is taken (as a failure of the server
	 * asked) on its ID alone: only whole messages have a question. */
	if (!fd->x20 || qend == 0 || len < qend ||
	    memcmp(buf + MSG_HDRLEN, q->pkt + MSG_HDRLEN, qend - MSG_HDRLEN) ||
	    msg_parse(&m, buf, len, rrs, MAXRR) < 0)
		return;         /* not the query's question: nothing to vary */
	nlen = name_length(q->pkt + MSG_HDRLEN);
	memcpy(lower, q->pkt + MSG_HDRLEN, nlen);
	name_to_lower(lower);
	if (memcmp(lower, q->pkt + MSG_HDRLEN, nlen) == 0)
		return;         /* no letter came out upper case */
	memcpy(buf + MSG_HDRLEN, lower, nlen);
	ASSERT(iter_consume(it, buf, len, fd->now) == ITER_IGNORED);
	memcpy(buf + MSG_HDRLEN, q->pkt + MSG_HDRLEN, nlen);
}

/* Hands the next reply to the iterator; false when none is left. */
static bool feed_one(struct feed *fd, struct iter *it,
		     const struct iter_query *q, int *ret)
{
	static uint8_t buf[MSG_MAXLEN + ITER_QUERY_MAX];
	const uint8_t *r = fd->data + fd->off, *end;
	size_t len;

	if (fd->rounds == ROUNDS || fd->off > fd->size)
		return false;
	end = memmem(r, fd->size - fd->off, SEP, sizeof(SEP));
	len = end ? (size_t)(end - r) : fd->size - fd->off;
	fd->off += len + (end ? sizeof(SEP) : 1);
	fd->rounds++;
	reply_dnssec(r, len);
	len = patch(buf, r, len, q, fd->raw);
	spoofs(fd, it, buf, len, q);
	*ret = iter_consume(it, buf, len, fd->now);
	ASSERT(*ret == 0 || *ret == ITER_IGNORED);
	return true;
}

/* Once done, replies and timeouts change nothing. */
static void done_stays_done(struct iter *it, uint64_t now)
{
	static const uint8_t reply[MSG_HDRLEN] = { 0, 0, 0x80 };
	uint8_t rcode = iter_result(it)->rcode;
	uint16_t nsets = iter_result(it)->nsets;

	ASSERT(iter_consume(it, reply, sizeof(reply), now) == ITER_IGNORED);
	iter_timeout(it, now);
	ASSERT(iter_result(it)->rcode == rcode);
	ASSERT(iter_result(it)->nsets == nsets);
}

/* One resolution driven by the input's replies; timeouts once they run
 * out. Returns when the iterator is done. */
static void drive(struct iter *it, const struct res_conf *rc,
		  struct feed *fd)
{
	struct iter_query q;
	int ret;

	for (int steps = 0; steps < STEPS; steps++) {
		if (iter_step(it, fd->now, &q) == ITER_DONE) {
			done_stays_done(it, fd->now);
			return;
		}
		check_query(&q, rc);
		fd->now += 1;
		do {
			if (!feed_one(fd, it, &q, &ret)) {
				fd->now += q.timeout_ms;
				iter_timeout(it, fd->now);
				break;
			}
		} while (ret == ITER_IGNORED);
	}
	abort();        /* the iterator did not stop: unbounded work */
}

static void name_of(uint8_t *qname, unsigned i)
{
	const char *text = qnames[i & 7];

	ASSERT(name_from_text(qname, text, strlen(text), NULL) > 0);
}

/* data[0]: bits 0-2 the first question's name, bits 3-4 the limits or
 * forwarding (conf_for), bits 5-6 the second question's name, bit 7 a
 * day passes in between (all expired: serve-stale). data[1]: bits 0-3
 * the type, bits 4-5 minimisation off / 0x20 on, bit 6 ITER_PREFETCH,
 * bit 7 header flags as given. Both octets are then overwritten by the
 * query ID. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t qname[NAME_MAXLEN];
	struct feed fd = { data, size, 0, 0, false, false, T0 };
	const struct res_conf *rc;
	uint16_t qtype;
	struct iter *it;
	unsigned e;

	if (!st)
		setup();
	if (size < 2)
		return 0;
	/* Every input starts from the same state, so that it replays alone. */
	rnd_counter = 0;
	cache_flush(st->cache);
	cache_flush(st->tiny);
	infra_flush(st->infra);
	qtype = qtypes[data[1] & 15];
	e = ((data[1] >> 4) & 3) | (data[0] & 0x18) >> 1;
	it = st->it[e];
	rc = &st->conf[e];
	fd.raw = data[1] & 0x80;
	fd.x20 = rc->use_0x20;
	name_of(qname, data[0]);
	if (iter_begin(it, qname, qtype, CLASS_IN,
		       data[1] & 0x40 ? ITER_PREFETCH : 0, fd.now) < 0)
		return 0;
	drive(it, rc, &fd);
	check_result(it, &st->env[e], qname, qtype, fd.now);
	/* A second question on what the first left in the cache. */
	if (data[0] & 0x80)
		fd.now += 86400000;
	name_of(qname, (data[0] >> 5) & 3);
	ASSERT(iter_begin(it, qname, qtype, CLASS_IN, 0, fd.now) == 0);
	drive(it, rc, &fd);
	check_result(it, &st->env[e], qname, qtype, fd.now);
	return 0;
}
