/* The query logs' life: outputs opened while still privileged, one ring
 * per serving thread, the writer thread started and stopped; the sample
 * and rate decision of each query; the counters for the metrics. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/log.h"
#include "qlog/qlog_int.h"

uint64_t qlog_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool qlog_want(struct qlog_ring *r)
{
	struct qlog *q = r->q;
	uint64_t sec, n;

	if (q->sample > 1 && --r->skip > 0)
		goto out;
	r->skip = q->sample;
	if (!q->rate)
		return true;
	sec = qlog_now() / 1000000000u;
	if (atomic_load_explicit(&q->rate_sec, memory_order_relaxed) != sec) {
		/* the first thread into a new second starts its count; a
		 * few queries of the old one may land in it */
		atomic_store_explicit(&q->rate_sec, sec, memory_order_relaxed);
		atomic_store_explicit(&q->rate_n, 0, memory_order_relaxed);
	}
	n = atomic_fetch_add_explicit(&q->rate_n, 1, memory_order_relaxed);
	if (n < (uint64_t)q->rate)
		return true;
out:
	atomic_fetch_add_explicit(&q->sampled_out, 1, memory_order_relaxed);
	return false;
}

static char *identity(const struct qlog_conf *c)
{
	char host[256];

	if (c->dnstap_identity)
		return strcmp(c->dnstap_identity, "none") ?
		       strdup(c->dnstap_identity) : NULL;
	if (gethostname(host, sizeof(host)) < 0)
		return NULL;
	host[sizeof(host) - 1] = 0;
	return strdup(host);
}

static int open_text(struct qlog *q, const char *path)
{
	if (!strcmp(path, "stderr")) {
		q->text_fd = 2;
		return 0;
	}
	q->text_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
			  0640);
	if (q->text_fd < 0) {
		log_err("query-log: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	q->text_close = true;
	return 0;
}

static int open_outputs(struct qlog *q, const struct qlog_conf *c)
{
	if (c->query_log && open_text(q, c->query_log) < 0)
		return -1;
	if (!c->dnstap)
		return 0;
	q->fs = qlog_fs_new(c->dnstap, &q->stop);
	if (!q->fs)
		return -1;
	/* now, while privileged; a socket without its reader yet is
	 * tried again by the writer, but a file must open */
	if (qlog_fs_open(q->fs) < 0 && !strncmp(c->dnstap, "file:", 5))
		return -1;
	return 0;
}

struct qlog *qlog_open(const struct qlog_conf *c, size_t nring,
		       unsigned def_messages, const char *daemon, int *err)
{
	struct qlog *q;

	*err = 0;
	if (!qlog_conf_on(c))
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q || !(q->rings = calloc(nring, sizeof(*q->rings))))
		goto fail;
	q->text_fd = -1;
	q->nring = nring;
	for (size_t i = 0; i < nring; i++)
		if (qlog_ring_init(&q->rings[i], q) < 0)
			goto fail;
	q->messages = qlog_conf_messages(c, def_messages);
	q->sample = c->sample > 0 ? c->sample : 1;
	q->rate = c->rate;
	q->identity = identity(c);
	if (asprintf(&q->version, "%s %s", daemon, BANCHI_VERSION) < 0)
		q->version = NULL;
	if (open_outputs(q, c) < 0)
		goto fail;
	return q;
fail:
	if (!q)
		log_err("query logs: out of memory");
	qlog_free(q);
	*err = -1;
	return NULL;
}

unsigned qlog_messages(const struct qlog *q)
{
	return q && q->fs ? q->messages : 0;
}

struct qlog_ring *qlog_ring(struct qlog *q, size_t i)
{
	return q && i < q->nring ? &q->rings[i] : NULL;
}

int qlog_start(struct qlog *q)
{
	if (!q)
		return 0;
	if (pthread_create(&q->th, NULL, qlog_writer_main, q) != 0) {
		log_err("query logs: cannot start the writer thread");
		return -1;
	}
	q->started = true;
	return 0;
}

void qlog_free(struct qlog *q)
{
	if (!q)
		return;
	atomic_store(&q->stop, true);
	if (q->started)
		pthread_join(q->th, NULL);
	qlog_fs_free(q->fs);
	if (q->text_close)
		close(q->text_fd);
	for (size_t i = 0; q->rings && i < q->nring; i++)
		qlog_ring_clear(&q->rings[i]);
	free(q->rings);
	free(q->identity);
	free(q->version);
	free(q);
}

void qlog_counts(const struct qlog *q, struct qlog_counts *out)
{
	uint64_t full = 0;

	memset(out, 0, sizeof(*out));
	if (!q)
		return;
	for (size_t i = 0; i < q->nring; i++)
		full += atomic_load_explicit(&q->rings[i].dropped,
					     memory_order_relaxed);
	out->dnstap = q->fs != NULL;
	out->text = q->text_fd >= 0;
	out->dnstap_frames = atomic_load(&q->frames);
	out->dnstap_dropped = out->dnstap ? full + atomic_load(&q->fs_lost) : 0;
	out->text_lines = atomic_load(&q->lines);
	out->text_dropped = out->text ? full + atomic_load(&q->text_lost) : 0;
	out->sampled_out = atomic_load(&q->sampled_out);
}
