/* Internals of the control channel (ctl_*.c): the server, its
 * connections, and a command handed to the main thread. */
#ifndef BANCHI_CTL_CTL_INT_H
#define BANCHI_CTL_CTL_INT_H

#include <pthread.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "ctl/ctl.h"

enum ctl_state { CTL_C_READ, CTL_C_WAIT, CTL_C_WRITE };

struct ctl_server;

/* A command for the main thread, with what its reply needs. */
struct ctl_job {
	struct ctl_job *next;
	struct ctl_conn *c;
	const struct ctl_cmd *cmd;
	char value[CTL_REQUEST_MAX];
	bool has_value;
	char id[6 * 256 + 8];
	struct ctl_reply r;
};

struct ctl_conn {
	int fd;                         /* -1: a free slot */
	struct ctl_server *s;
	enum ctl_state state;
	uint64_t deadline;              /* ms, CLOCK_MONOTONIC */
	struct ucred cred;              /* who is asking */
	bool http;                      /* a metrics scrape (ctl_http.c) */
	char in[CTL_REQUEST_MAX];       /* the request being read */
	size_t nin;
	bool eof;                       /* the client sends no more */
	bool closing;                   /* close once the reply is out */
	char *out;                      /* the reply being written */
	size_t nout, off;
	struct ctl_job *job;            /* CTL_C_WAIT: in the main thread */
};

struct ctl_server {
	struct ctl_conf conf;
	char path[128];
	int lfd, efd;
	int mfd;                        /* metrics listener, or -1 */
	struct cfg_listen maddr;
	ino_t ino;
	dev_t dev;
	uint64_t t0;
	pthread_t th, main;
	bool running;
	pthread_mutex_t mu;             /* todo, done, stop */
	struct ctl_job *todo, **todo_tail, *done;
	bool stop;
	struct ctl_conn conn[CTL_CONN_MAX];
};

uint64_t ctl_now_ms(void);
/* The requests complete in c's input, each dispatched in turn (one
 * at a time: the next waits for the reply to be written). */
void ctl_conn_input(struct ctl_conn *c);
/* line (malloc'd, NULL: out of memory, then closed) is c's reply. */
void ctl_conn_reply(struct ctl_conn *c, char *line, size_t len);
/* What n octets of a request head (in, cap octets of room; eof: no
 * more will come) ask: more to read, the connection to close, an error
 * to answer, or the metrics. Writes NULs into in. */
enum ctl_http { CTL_HTTP_MORE, CTL_HTTP_GONE, CTL_HTTP_TOO_LARGE,
		CTL_HTTP_BAD, CTL_HTTP_METHOD, CTL_HTTP_NOT_FOUND, CTL_HTTP_GET,
		CTL_HTTP_HEAD };
enum ctl_http ctl_http_parse(char *in, size_t n, size_t cap, bool eof);
/* An HTTP request in c's input answered (ctl_http.c). */
void ctl_http_input(struct ctl_conn *c);
/* The metrics listener on a (non-blocking): the fd, or -1 with a
 * sentence in err. */
int ctl_http_listen(const struct cfg_listen *a, char *err, size_t cap);
/* A job the main thread ran: its reply to its connection, freed. */
void ctl_job_finish(struct ctl_job *j);

#endif
