/* Internals of the query logs: the ring record, the writer's state, the
 * encoders (dnstap protobuf, text line) and the Frame Streams output.
 * Everything but the rings' producer side is the writer thread's. */
#ifndef BANCHI_QLOG_QLOG_INT_H
#define BANCHI_QLOG_QLOG_INT_H

#include <pthread.h>
#include <time.h>

#include "qlog/qlog.h"

#define QLOG_RING_SIZE (1u << 20)       /* per producer */
#define QLOG_REC_MAX (QLOG_RING_SIZE / 4)

/* A record in a ring, followed by the query (qlen octets), the
 * response (rlen) and the zone (zlen); len is the whole, 8-aligned.
 * kind 0 pads to the ring's end (the next record starts at 0). */
struct qlog_rec {
	uint32_t len;
	uint8_t kind;                   /* enum qlog_kind, or 0 */
	uint8_t tcp;
	uint8_t family;                 /* AF_INET, AF_INET6, or 0 */
	uint8_t has_local;
	uint16_t pport, lport;          /* the peer's, ours */
	uint16_t zlen;
	uint16_t pad;
	uint8_t paddr[16], laddr[16];
	uint64_t qtime, rtime;
	uint32_t qlen, rlen;
};

static inline const uint8_t *qlog_rec_q(const struct qlog_rec *r)
{
	return (const uint8_t *)(r + 1);
}

static inline const uint8_t *qlog_rec_r(const struct qlog_rec *r)
{
	return qlog_rec_q(r) + r->qlen;
}

static inline const uint8_t *qlog_rec_zone(const struct qlog_rec *r)
{
	return qlog_rec_r(r) + r->rlen;
}

/* qlog_ring.c: the consumer side. The next record of r (padding
 * skipped), or NULL when it is empty; qlog_ring_pop frees it. */
const struct qlog_rec *qlog_ring_peek(struct qlog_ring *r);
void qlog_ring_pop(struct qlog_ring *r, const struct qlog_rec *rec);
int qlog_ring_init(struct qlog_ring *r, struct qlog *q);
void qlog_ring_clear(struct qlog_ring *r);

/* qlog_pb.c: a Dnstap protobuf of message type t from rec into out
 * (cap octets); its length, or 0 when it does not fit. identity and
 * version may be NULL. */
size_t qlog_pb_dnstap(uint8_t *out, size_t cap, const struct qlog_rec *rec,
		      enum qlog_msg t, const char *identity,
		      const char *version);
/* The dnstap messages a record of kind k makes (a mask). */
unsigned qlog_kind_messages(enum qlog_kind k);

/* qlog_text.c: the text line of rec into out (cap octets, newline
 * included); its length, or 0 when rec makes no line (a query whose
 * response is logged on its own). tc: the caller's cache of the date
 * of the last second seen (zeroed at first). */
struct qlog_tcache {
	bool valid;
	time_t sec;
	char date[64];
};
size_t qlog_text_line(char *out, size_t cap, const struct qlog_rec *rec,
		      struct qlog_tcache *tc);

/* qlog_fstrm.c: a Frame Streams writer of "protobuf:dnstap.Dnstap" on
 * a UNIX socket (bidirectional handshake) or a file. */
struct qlog_fs;
/* path is "unix:PATH" or "file:PATH"; stop is looked at while a write
 * waits on a slow reader. NULL on an error (logged). */
struct qlog_fs *qlog_fs_new(const char *path, const _Atomic bool *stop);
/* Connects (the socket) or opens (the file): 0, or -1 (then retried
 * later by the caller). */
int qlog_fs_open(struct qlog_fs *f);
bool qlog_fs_ready(const struct qlog_fs *f);
/* A socket (reconnected when lost), not a file. */
bool qlog_fs_socket(const struct qlog_fs *f);
/* Writes data frames (each a 4-octet big-endian length and its
 * payload, len octets in all); 0, or -1 when the output failed (it is
 * closed: open again later). */
int qlog_fs_write(struct qlog_fs *f, const uint8_t *frames, size_t len);
/* Ends the stream (STOP, and FINISH awaited on the socket) and frees. */
void qlog_fs_free(struct qlog_fs *f);

struct qlog {
	struct qlog_ring *rings;
	size_t nring;
	unsigned messages;              /* dnstap messages written (mask) */
	long sample, rate;
	/* rate: the second being counted, and how many it logged */
	_Atomic uint64_t rate_sec, rate_n;
	_Atomic uint64_t sampled_out;
	char *identity, *version;
	struct qlog_fs *fs;             /* dnstap, or NULL */
	int text_fd;                    /* the text log, or -1 */
	bool text_close;
	pthread_t th;
	bool started;
	_Atomic bool stop;
	/* the writer's counters, read by the metrics */
	_Atomic uint64_t frames, fs_lost, lines, text_lost;
	uint64_t next_open;             /* ms: the next connect attempt */
};

/* qlog_writer.c: the writer thread; it drains the rings once more
 * when told to stop. */
void *qlog_writer_main(void *arg);

#endif
