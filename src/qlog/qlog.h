/* Query and response logs (doc/query-log.md): dnstap over Frame Streams
 * (a UNIX socket or a file) and a text log of one line per query. The
 * serving threads copy each event into a ring of their own (no lock, no
 * allocation, no system call); one writer thread drains the rings and
 * does all encoding and I/O. A full ring drops the event and counts it:
 * a slow reader never slows the answers. */
#ifndef BANCHI_QLOG_QLOG_H
#define BANCHI_QLOG_QLOG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "daemon/cfg.h"

/* dnstap's Message.Type values that banchi writes (their numbers are
 * dnstap's); QLOG_MSG_BIT(t) is t's bit in a message mask. */
enum qlog_msg {
	QLOG_AUTH_QUERY = 1, QLOG_AUTH_RESPONSE = 2,
	QLOG_RESOLVER_QUERY = 3, QLOG_RESOLVER_RESPONSE = 4,
	QLOG_CLIENT_QUERY = 5, QLOG_CLIENT_RESPONSE = 6,
};
#define QLOG_MSG_BIT(t) (1u << (t))

/* What one ring record holds: the query and its response together
 * (banchi-auth answers at once), or one of them (the resolver's client
 * queries are answered later, its upstream exchanges likewise). */
enum qlog_kind {
	QLOG_K_AUTH = 1,                /* AUTH_QUERY + AUTH_RESPONSE */
	QLOG_K_CLIENT_QUERY,
	QLOG_K_CLIENT_RESPONSE,
	QLOG_K_RESOLVER_QUERY,
	QLOG_K_RESOLVER_RESPONSE,
};

/* The options (the log: section of either daemon's config), as read. */
struct qlog_conf {
	char *dnstap;                   /* unix:PATH, file:PATH or NULL */
	char *dnstap_messages;          /* comma list, NULL: the default */
	char *dnstap_identity;          /* NULL: host name; "none": none */
	char *query_log;                /* PATH, "stderr" or NULL */
	long sample;                    /* 1 in N queries logged */
	long rate;                      /* queries logged per second, 0 all */
};

/* The rows of a schema table over struct T whose field f is a struct
 * qlog_conf. */
#define CFG_OPTS_QLOG(T, f) \
	{ .key = "log.dnstap", .flag = "dnstap", .type = CFG_STR, \
	  .offset = offsetof(T, f.dnstap), \
	  .doc = "unix:PATH or file:PATH: dnstap of the queries and " \
		 "responses to a Frame Streams socket or file; off by " \
		 "default" }, \
	{ .key = "log.dnstap-messages", .flag = "dnstap-messages", \
	  .type = CFG_STR, .offset = offsetof(T, f.dnstap_messages), \
	  .flags = CFG_F_JOIN, \
	  .doc = "the dnstap messages written, a comma list of " \
		 "auth-query, auth-response, client-query, " \
		 "client-response, resolver-query, resolver-response " \
		 "(default: the daemon's query and response to clients)" }, \
	{ .key = "log.dnstap-identity", .flag = "dnstap-identity", \
	  .type = CFG_STR, .offset = offsetof(T, f.dnstap_identity), \
	  .doc = "TEXT of dnstap's identity field (default: the host " \
		 "name; none: left out)" }, \
	{ .key = "log.query-log", .flag = "query-log", .type = CFG_STR, \
	  .offset = offsetof(T, f.query_log), \
	  .doc = "PATH or stderr: a text line per query (time, client, " \
		 "transport, name, class, type, flags, rcode, answers, " \
		 "size, microseconds); off by default" }, \
	{ .key = "log.query-log-sample", .flag = "query-log-sample", \
	  .type = CFG_INT, .offset = offsetof(T, f.sample), .min = 1, \
	  .max = 1000000, .def = "1", \
	  .doc = "log 1 query in N (dnstap and text log alike)" }, \
	{ .key = "log.query-log-rate", .flag = "query-log-rate", \
	  .type = CFG_INT, .offset = offsetof(T, f.rate), .min = 0, \
	  .max = 10000000, .def = "0", \
	  .doc = "log at most N queries a second (dnstap and text log " \
		 "alike; 0: no limit)" }

/* Checks the forms (dnstap's prefix, the message names, against the
 * messages this daemon makes: allowed, a mask). 0, or -1 with err. */
int qlog_conf_check(const struct qlog_conf *c, unsigned allowed, char *err);
/* The message mask of c (def when c names none); 0 on a bad list. */
unsigned qlog_conf_messages(const struct qlog_conf *c, unsigned def);
/* True when c turns any log on. */
bool qlog_conf_on(const struct qlog_conf *c);
void qlog_conf_clear(struct qlog_conf *c);
/* The same options (a reload cannot change them: sockets and files
 * are opened before the privileges go). */
bool qlog_conf_same(const struct qlog_conf *a, const struct qlog_conf *b);

/* A producer's ring: written by one serving thread only. */
struct qlog_ring {
	uint8_t *buf;
	size_t mask;                    /* size - 1 (a power of 2) */
	struct qlog *q;
	long skip;                      /* sampling: queries until the next */
	/* the producer's line */
	_Alignas(64) _Atomic uint64_t head;
	_Atomic uint64_t dropped;       /* records that found it full */
	/* the writer's line */
	_Alignas(64) _Atomic uint64_t tail;
};

/* One event, as a serving thread sees it. Addresses are the client's
 * (peer) and ours (local, may be NULL); times are CLOCK_REALTIME ns. */
struct qlog_event {
	enum qlog_kind kind;
	bool tcp;
	const struct sockaddr *peer;
	const struct sockaddr *local;
	uint64_t qtime, rtime;
	const uint8_t *q;               /* the query, or NULL */
	size_t qlen;
	const uint8_t *r;               /* the response, or NULL */
	size_t rlen;
	const uint8_t *zone;            /* resolver: the bailiwick, or NULL */
};

struct qlog;

/* Opens the outputs of c (before the privileges go: a file is created,
 * the socket is tried once) and makes nring rings. def_messages: the
 * daemon's default dnstap messages. NULL when c turns nothing on, or on
 * an error (logged; *err set to -1). */
struct qlog *qlog_open(const struct qlog_conf *c, size_t nring,
		       unsigned def_messages, const char *daemon, int *err);
/* The dnstap messages q writes (a mask; 0 for NULL or no dnstap). */
unsigned qlog_messages(const struct qlog *q);
/* Ring i (0 <= i < nring), for one serving thread. */
struct qlog_ring *qlog_ring(struct qlog *q, size_t i);
/* Starts the writer thread. 0 or -1 (logged). */
int qlog_start(struct qlog *q);
/* Stops the writer (what the rings hold is written first, a second at
 * most), closes the outputs and frees q. NULL is fine. */
void qlog_free(struct qlog *q);

/* Counters, for the metrics (any thread). */
struct qlog_counts {
	uint64_t dnstap_frames;         /* written */
	uint64_t dnstap_dropped;        /* events lost: ring full, no reader */
	uint64_t text_lines;
	uint64_t text_dropped;
	uint64_t sampled_out;           /* left out by sample or rate */
	bool dnstap, text;              /* which are on */
};
void qlog_counts(const struct qlog *q, struct qlog_counts *out);
/* Their families in a metrics text, named prefix + "dnstap_frames_total"
 * and so on (qlog_metrics.c); q may be NULL (nothing written). */
struct ctl_mtext;
void qlog_metrics(struct ctl_mtext *m, const char *prefix,
		  const struct qlog *q);

/* Whether to log this query (the sample and rate decision); the
 * producer's thread. */
bool qlog_want(struct qlog_ring *r);
/* Copies e into r, or counts it dropped when r is full. */
void qlog_put(struct qlog_ring *r, const struct qlog_event *e);

/* CLOCK_REALTIME in ns, for qlog_event's times. */
uint64_t qlog_now(void);

#endif
