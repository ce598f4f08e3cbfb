/* Where a control command runs: a request line checked, then run in the
 * control thread, or queued for the main thread (woken by ctl_signal)
 * which hands the reply back through the eventfd. Also the socket's
 * making at start. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ctl/ctl_int.h"
#include "ctl/ctl_sock.h"
#include "daemon/log.h"

/* Who asked for a change: in the log. */
static void log_call(const struct ctl_conn *c, const struct ctl_cmd *k,
		     const char *value)
{
	if (!k->logged)
		return;
	log_info("control: %s%s%.300s from uid %ld pid %ld", k->name,
		 value ? " " : "", value ? value : "", (long)c->cred.uid,
		 (long)c->cred.pid);
}

static void reply_now(struct ctl_conn *c, struct ctl_reply *r,
		      const char *id)
{
	size_t len = 0;
	char *line = ctl_reply_line(r, id[0] ? id : NULL, &len);

	ctl_conn_reply(c, line, len);
}

/* To the main thread: the connection waits (not polled) till then. */
static void queue(struct ctl_conn *c, const struct ctl_cmd *k,
		  const char *value, const char *id)
{
	struct ctl_server *s = c->s;
	struct ctl_job *j = calloc(1, sizeof(*j));

	if (!j) {
		ctl_conn_reply(c, NULL, 0);
		return;
	}
	j->c = c;
	j->cmd = k;
	j->has_value = value != NULL;
	snprintf(j->value, sizeof(j->value), "%s", value ? value : "");
	snprintf(j->id, sizeof(j->id), "%s", id);
	ctl_reply_init(&j->r);
	c->job = j;
	c->state = CTL_C_WAIT;
	pthread_mutex_lock(&s->mu);
	*s->todo_tail = j;
	s->todo_tail = &j->next;
	pthread_mutex_unlock(&s->mu);
	pthread_kill(s->main, ctl_signal());
}

static void dispatch(struct ctl_conn *c, const char *line, size_t len)
{
	struct ctl_request rq;
	struct ctl_reply r;
	const struct ctl_cmd *k;
	const char *value;
	char id[sizeof(((struct ctl_job *)0)->id)];

	ctl_reply_init(&r);
	if (ctl_request_check(&c->s->conf, &rq, line, len, &k, &value, id,
			      sizeof(id), &r) == 0) {
		log_call(c, k, value);
		if (k->main) {
			queue(c, k, value, id);
			ctl_reply_clear(&r);
			return;
		}
		k->fn(c->s->conf.arg, value, &r);
	}
	reply_now(c, &r, id);
	ctl_reply_clear(&r);
}

static void refuse(struct ctl_conn *c, const char *why)
{
	struct ctl_reply r;

	ctl_reply_init(&r);
	ctl_fail(&r, "%s", why);
	reply_now(c, &r, "");
	ctl_reply_clear(&r);
	c->closing = true;
}

void ctl_conn_input(struct ctl_conn *c)
{
	char *nl;
	size_t len;

	if (c->http) {
		ctl_http_input(c);
		return;
	}
	if (c->fd < 0 || c->state != CTL_C_READ)
		return;
	nl = memchr(c->in, '\n', c->nin);
	if (!nl && c->nin == sizeof(c->in)) {
		refuse(c, "request over " CTL_REQUEST_MAX_TEXT " octets "
		       "(newline included); connection closed");
		return;
	}
	if (!nl && !c->eof)
		return;                 /* more to come */
	if (!nl && c->nin == 0) {
		ctl_conn_reply(c, NULL, 0);     /* done: closed */
		return;
	}
	len = nl ? (size_t)(nl - c->in) : c->nin;
	dispatch(c, c->in, len);
	/* the line is consumed; the rest waits for the reply to go out */
	len += nl ? 1 : 0;
	memmove(c->in, c->in + len, c->nin - len);
	c->nin -= len;
}

void ctl_run_main(struct ctl_server *s)
{
	struct ctl_job *todo, *next;
	uint64_t one = 1;

	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	todo = s->todo;
	s->todo = NULL;
	s->todo_tail = &s->todo;
	pthread_mutex_unlock(&s->mu);
	for (; todo; todo = next) {
		next = todo->next;
		todo->cmd->fn(s->conf.arg, todo->has_value ? todo->value :
			      NULL, &todo->r);
		pthread_mutex_lock(&s->mu);
		todo->next = s->done;
		s->done = todo;
		pthread_mutex_unlock(&s->mu);
		if (write(s->efd, &one, sizeof(one)) < 0)
			log_debug("control: eventfd: %s", strerror(errno));
	}
}

void ctl_job_finish(struct ctl_job *j)
{
	struct ctl_conn *c = j->c;

	c->job = NULL;
	c->state = CTL_C_READ;          /* reply_now sets it writing */
	reply_now(c, &j->r, j->id);
	ctl_reply_clear(&j->r);
	free(j);
}

/* The path to use: NULL for none. */
static const char *path_of(const struct ctl_conf *c)
{
	if (c->path && !strcmp(c->path, "none"))
		return NULL;
	return c->path ? c->path : c->def;
}

static struct ctl_server *server_new(const struct ctl_conf *c,
				     const char *path)
{
	struct ctl_server *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->conf = *c;
	s->conf.path = NULL;    /* the config's: gone after a reload */
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->lfd = s->efd = s->mfd = -1;
	s->todo_tail = &s->todo;
	s->t0 = ctl_now_ms();
	for (size_t i = 0; i < CTL_CONN_MAX; i++)
		s->conn[i].fd = -1;
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

static void server_drop(struct ctl_server *s)
{
	if (s->lfd >= 0) {
		close(s->lfd);
		ctl_sock_unlink(s->path, s->ino, s->dev);
	}
	if (s->mfd >= 0)
		close(s->mfd);
	if (s->efd >= 0)
		close(s->efd);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* The control socket: 0 (made, or left out with a warning when the
 * default path cannot be made), -1 (logged) when a configured one
 * cannot. */
static int open_socket(struct ctl_server *s, const struct ctl_conf *c,
		       const char *path)
{
	char err[256];

	if (!path) {
		log_info("control: no control socket (control: none)");
		return 0;
	}
	s->lfd = ctl_sock_listen(path, &s->ino, &s->dev, err, sizeof(err));
	if (s->lfd >= 0)
		return 0;
	log_msg(c->path ? LOG_LVL_ERR : LOG_LVL_WARN, "control socket %s: %s%s",
		path, err, c->path ? "" : "; no control channel (set "
		"server.control or --control)");
	return c->path ? -1 : 0;
}

static int open_metrics(struct ctl_server *s, const struct ctl_conf *c)
{
	char err[256];

	if (!c->metrics)
		return 0;
	s->maddr = *c->metrics;
	s->mfd = ctl_http_listen(&s->maddr, err, sizeof(err));
	if (s->mfd >= 0)
		return 0;
	log_err("metrics %s: %s", s->maddr.text, err);
	return -1;
}

int ctl_open(struct ctl_server **out, const struct ctl_conf *c)
{
	const char *path = path_of(c);
	struct ctl_server *s;

	*out = NULL;
	if (!path && !c->metrics) {
		log_info("control: no control socket (control: none)");
		return 0;
	}
	s = server_new(c, path ? path : "");
	if (!s)
		return log_err("control: out of memory"), -1;
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->efd < 0) {
		log_err("control: eventfd: %s", strerror(errno));
		server_drop(s);
		return -1;
	}
	if (open_socket(s, c, path) < 0 || open_metrics(s, c) < 0) {
		server_drop(s);
		return -1;
	}
	if (s->lfd < 0 && s->mfd < 0) {
		server_drop(s);
		return 0;
	}
	*out = s;
	return 0;
}

void ctl_cmd_log_level(void *arg, const char *value, struct ctl_reply *r)
{
	const char *was = log_level_name(log_get_level());
	int l = log_level_parse(value);

	(void)arg;
	if (l < 0) {
		ctl_fail(r, "'%.100s' is not a log level (error, warning, "
			 "info, debug)", value);
		return;
	}
	log_set_level((enum log_level)l);
	log_info("control: log level %s (was %s) until the next reload",
		 log_level_name((enum log_level)l), was);
	ctl_put_str(r, "level", log_level_name((enum log_level)l));
	ctl_put_str(r, "was", was);
}
