/* The control thread (ctl.h): one poll() over the listening socket, an
 * eventfd (stop, or main-thread commands done) and the connections.
 * Each connection reads a line, gets its reply, writes it, then reads
 * the next; its deadline is reset at each of those steps, so a client
 * that stops reading or writing loses its slot after CTL_IO_TIMEOUT_MS.
 * A command for the main thread leaves its connection waiting (not
 * polled) until the main thread hands the reply back. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <urcu.h>

#include "ctl/ctl_int.h"
#include "ctl/ctl_sock.h"
#include "daemon/log.h"

uint64_t ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void conn_close(struct ctl_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	free(c->out);
	free(c->job);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* The reply line goes out from now (what does not fit the socket
 * buffer at once, when poll says). */
void ctl_conn_reply(struct ctl_conn *c, char *line, size_t len)
{
	free(c->out);
	c->out = line;
	c->nout = line ? len : 0;
	c->off = 0;
	c->state = CTL_C_WRITE;
	c->deadline = ctl_now_ms() + CTL_IO_TIMEOUT_MS;
	if (!line)
		c->closing = true;
}

static void conn_write(struct ctl_conn *c)
{
	while (c->off < c->nout) {
		ssize_t n = send(c->fd, c->out + c->off, c->nout - c->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			conn_close(c);
			return;
		}
		c->off += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	if (c->closing || (c->eof && c->nin == 0)) {
		conn_close(c);
		return;
	}
	c->state = CTL_C_READ;
	c->deadline = ctl_now_ms() + CTL_IO_TIMEOUT_MS;
	ctl_conn_input(c);      /* a next request may be there already */
}

static void conn_read(struct ctl_conn *c)
{
	ssize_t n;

	if (c->nin == sizeof(c->in))
		return;
	n = recv(c->fd, c->in + c->nin, sizeof(c->in) - c->nin,
		 MSG_DONTWAIT);
	if (n < 0 && (errno == EINTR || errno == EAGAIN ||
		      errno == EWOULDBLOCK))
		return;
	if (n < 0) {
		conn_close(c);
		return;
	}
	if (n == 0)
		c->eof = true;
	c->nin += (size_t)n;
	ctl_conn_input(c);
}

static void conn_event(struct ctl_conn *c, short ev)
{
	if (c->state == CTL_C_READ && (ev & (POLLIN | POLLHUP | POLLERR)))
		conn_read(c);
	else if (c->state == CTL_C_WRITE && (ev & (POLLOUT | POLLERR)))
		conn_write(c);
	else if (c->state == CTL_C_WRITE && (ev & POLLHUP))
		conn_close(c);
	if (c->fd >= 0 && c->state == CTL_C_WRITE)
		conn_write(c);
}

/* One more connection (of the metrics listener: http); with every slot
 * taken, told so and closed. */
static void take(struct ctl_server *s, int lfd, bool http)
{
	static const char busy[] = "{\"ok\":false,\"error\":\"too many "
				   "control connections; try again\"}\n";
	static const char busy_http[] = "HTTP/1.0 503 Service Unavailable"
					"\r\nConnection: close\r\n\r\n";
	struct ctl_conn *c = NULL;
	socklen_t len = sizeof(struct ucred);
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (size_t i = 0; i < CTL_CONN_MAX && !c; i++)
		if (s->conn[i].fd < 0)
			c = &s->conn[i];
	if (!c) {
		if (send(fd, http ? busy_http : busy,
			 http ? sizeof(busy_http) - 1 : sizeof(busy) - 1,
			 MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
			log_debug("control: busy reply not sent");
		close(fd);
		return;
	}
	c->fd = fd;
	c->s = s;
	c->http = http;
	c->state = CTL_C_READ;
	c->deadline = ctl_now_ms() + CTL_IO_TIMEOUT_MS;
	if (http)
		c->cred.pid = 0, c->cred.uid = (uid_t)-1;
	else if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &c->cred, &len) < 0)
		c->cred.pid = 0, c->cred.uid = (uid_t)-1;
}

/* The main thread's finished commands back to their connections. */
static bool take_done(struct ctl_server *s)
{
	struct ctl_job *done, *next;
	uint64_t v;
	bool stop;

	if (read(s->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		log_debug("control: eventfd: %s", strerror(errno));
	pthread_mutex_lock(&s->mu);
	done = s->done;
	s->done = NULL;
	stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	for (; done; done = next) {
		next = done->next;
		ctl_job_finish(done);
	}
	return stop;
}

#define FIRST 3                 /* listener, eventfd, metrics, then the
				 * connections */

/* The poll set: the listeners, the eventfd, each connection as its
 * state wants; the wait until the first deadline. */
static int poll_set(struct ctl_server *s, struct pollfd *p, uint64_t now)
{
	int wait = -1;

	p[0] = (struct pollfd){ s->lfd, POLLIN, 0 };
	p[1] = (struct pollfd){ s->efd, POLLIN, 0 };
	p[2] = (struct pollfd){ s->mfd, POLLIN, 0 };
	for (size_t i = 0; i < CTL_CONN_MAX; i++) {
		struct ctl_conn *c = &s->conn[i];
		bool on = c->fd >= 0 && c->state != CTL_C_WAIT;
		p[FIRST + i] = (struct pollfd){ on ? c->fd : -1,
			c->state == CTL_C_WRITE ? POLLOUT : POLLIN, 0 };
		if (!on)
			continue;
		if (c->deadline <= now)
			return 0;
		if (wait < 0 || c->deadline - now < (uint64_t)wait)
			wait = (int)(c->deadline - now);
	}
	return wait;
}

static void expire(struct ctl_server *s, uint64_t now)
{
	for (size_t i = 0; i < CTL_CONN_MAX; i++) {
		struct ctl_conn *c = &s->conn[i];
		if (c->fd < 0 || c->state == CTL_C_WAIT || c->deadline > now)
			continue;
		log_debug("control: connection of pid %ld closed: nothing "
			  "for %d ms", (long)c->cred.pid, CTL_IO_TIMEOUT_MS);
		conn_close(c);
	}
}

static void *loop(void *arg)
{
	struct ctl_server *s = arg;
	struct pollfd p[FIRST + CTL_CONN_MAX];

	rcu_register_thread();
	for (;;) {
		int wait = poll_set(s, p, ctl_now_ms());
		int n = poll(p, FIRST + CTL_CONN_MAX, wait);

		if (n < 0 && errno != EINTR)
			log_err("control: poll: %s", strerror(errno));
		if ((p[1].revents & POLLIN) && take_done(s))
			break;
		if (p[0].revents & POLLIN)
			take(s, s->lfd, false);
		if (p[2].revents & POLLIN)
			take(s, s->mfd, true);
		for (size_t i = 0; i < CTL_CONN_MAX; i++)
			if (p[FIRST + i].fd >= 0 && p[FIRST + i].revents &&
			    s->conn[i].fd == p[FIRST + i].fd)
				conn_event(&s->conn[i],
					   p[FIRST + i].revents);
		expire(s, ctl_now_ms());
	}
	rcu_unregister_thread();
	return NULL;
}

int ctl_start(struct ctl_server *s)
{
	if (!s)
		return 0;
	s->main = pthread_self();
	if (pthread_create(&s->th, NULL, loop, s) != 0) {
		log_err("control: cannot start its thread");
		return -1;
	}
	s->running = true;
	if (s->lfd >= 0)
		log_info("control: listening on %s", s->path);
	if (s->mfd >= 0)
		log_info("metrics: http://%s/metrics", s->maddr.text);
	return 0;
}

void ctl_stop(struct ctl_server *s)
{
	uint64_t one = 1;

	if (!s)
		return;
	if (s->running) {
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_mutex_unlock(&s->mu);
		if (write(s->efd, &one, sizeof(one)) < 0)
			log_debug("control: eventfd: %s", strerror(errno));
		pthread_join(s->th, NULL);
	}
	/* the jobs in the lists belong to waiting connections */
	for (size_t i = 0; i < CTL_CONN_MAX; i++)
		conn_close(&s->conn[i]);
	if (s->lfd >= 0) {
		close(s->lfd);
		ctl_sock_unlink(s->path, s->ino, s->dev);
	}
	if (s->mfd >= 0)
		close(s->mfd);
	close(s->efd);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

int ctl_signal(void)
{
	return SIGRTMIN;
}

double ctl_uptime(const struct ctl_server *s)
{
	return s ? (double)(ctl_now_ms() - s->t0) / 1000.0 : 0.0;
}

const char *ctl_path(const struct ctl_server *s)
{
	return s ? s->path : NULL;
}
