/* The writer thread: drains the rings in turn, makes the dnstap frames
 * and text lines of each record into its own buffers, and writes them a
 * batch at a time. It sleeps a little when every ring is empty (the
 * serving threads never wake it: no system call on their side), and
 * reconnects a dnstap socket once a second while it is gone. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "qlog/qlog_int.h"
#include "wire/buf.h"

#define PB_BUF (1u << 20)
#define PB_ROOM (2 * 65536 + 1024)      /* the largest frame */
#define TEXT_BUF (1u << 16)
#define TEXT_LINE 1400
#define MAX_FRAMES 1024                 /* per write */
#define IDLE_NS 2000000                 /* 2 ms */

struct obuf {
	uint8_t *pb;                    /* data frames, length-prefixed */
	size_t npb;
	int nframes;
	char *text;
	size_t ntext;
	struct qlog_tcache tc;
};

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void flush_dnstap(struct qlog *q, struct obuf *b)
{
	if (!b->nframes)
		return;
	if (qlog_fs_write(q->fs, b->pb, b->npb) == 0)
		atomic_fetch_add(&q->frames, (uint64_t)b->nframes);
	else
		atomic_fetch_add(&q->fs_lost, (uint64_t)b->nframes);
	b->nframes = 0;
	b->npb = 0;
}

static void flush_text(struct qlog *q, struct obuf *b)
{
	size_t off = 0;
	ssize_t n;

	while (off < b->ntext) {
		n = write(q->text_fd, b->text + off, b->ntext - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			atomic_fetch_add(&q->text_lost, 1);
			break;
		}
		off += (size_t)n;
	}
	b->ntext = 0;
}

static void add_frames(struct qlog *q, struct obuf *b,
		       const struct qlog_rec *rec)
{
	unsigned want = qlog_kind_messages(rec->kind) & q->messages;
	struct wbuf len;
	size_t n;

	if (!want)
		return;
	if (!qlog_fs_ready(q->fs)) {
		atomic_fetch_add(&q->fs_lost, 1);
		return;
	}
	for (unsigned t = 1; t <= QLOG_CLIENT_RESPONSE; t++) {
		if (!(want & QLOG_MSG_BIT(t)))
			continue;
		if (b->nframes == MAX_FRAMES || PB_BUF - b->npb < PB_ROOM)
			flush_dnstap(q, b);
		n = qlog_pb_dnstap(b->pb + b->npb + 4, PB_BUF - b->npb - 4,
				   rec, (enum qlog_msg)t, q->identity,
				   q->version);
		if (!n)
			continue;
		wbuf_init(&len, b->pb + b->npb, 4);     /* the frame's length */
		wbuf_u32(&len, (uint32_t)n);
		b->npb += 4 + n;
		b->nframes++;
	}
}

static void add_line(struct qlog *q, struct obuf *b,
		     const struct qlog_rec *rec)
{
	size_t n;

	if (TEXT_BUF - b->ntext < TEXT_LINE)
		flush_text(q, b);
	n = qlog_text_line(b->text + b->ntext, TEXT_LINE, rec, &b->tc);
	if (n) {
		b->ntext += n;
		atomic_fetch_add_explicit(&q->lines, 1, memory_order_relaxed);
	}
}

/* One pass over the rings (each drained up to what it held); the
 * records read. */
static size_t drain(struct qlog *q, struct obuf *b)
{
	const struct qlog_rec *rec;
	size_t n = 0;

	for (size_t i = 0; i < q->nring; i++) {
		for (int k = 0; k < 4096 && (rec = qlog_ring_peek(
					&q->rings[i])); k++, n++) {
			if (q->fs)
				add_frames(q, b, rec);
			if (q->text_fd >= 0)
				add_line(q, b, rec);
			qlog_ring_pop(&q->rings[i], rec);
		}
	}
	if (q->fs)
		flush_dnstap(q, b);
	if (q->text_fd >= 0)
		flush_text(q, b);
	return n;
}

static void reconnect(struct qlog *q)
{
	uint64_t now;

	if (!q->fs || qlog_fs_ready(q->fs) || !qlog_fs_socket(q->fs))
		return;
	now = mono_ms();
	if (now < q->next_open)
		return;
	q->next_open = now + 1000;
	qlog_fs_open(q->fs);
}

void *qlog_writer_main(void *arg)
{
	struct qlog *q = arg;
	struct timespec idle = { 0, IDLE_NS };
	struct obuf b = { 0 };

	b.pb = malloc(PB_BUF);
	b.text = malloc(TEXT_BUF);
	if (!b.pb || !b.text) {
		log_err("query logs: out of memory: writing nothing");
		free(b.pb);
		free(b.text);
		return NULL;
	}
	pthread_setname_np(pthread_self(), "banchi-qlog");  /* top -H */
	q->next_open = mono_ms() + 1000;
	while (!atomic_load_explicit(&q->stop, memory_order_relaxed)) {
		reconnect(q);
		if (!drain(q, &b))
			nanosleep(&idle, NULL);
	}
	/* what the rings still hold (the serving threads have stopped) */
	for (int i = 0; i < 64 && drain(q, &b); i++)
		;
	free(b.pb);
	free(b.text);
	return NULL;
}
