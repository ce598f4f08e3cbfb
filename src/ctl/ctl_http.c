/* The metrics endpoint: plain HTTP/1.0 on the control thread's own TCP
 * listener (ctl_open with conf.metrics). GET or HEAD of /metrics gets
 * the daemon's metrics in the Prometheus text format; anything else a
 * short error. One request per connection, closed after the reply, so
 * a scraper holds a slot for the time of one scrape at most. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/ctl_int.h"
#include "ctl/ctl_metrics.h"

static void respond(struct ctl_conn *c, const char *status,
		    const char *body, size_t blen, bool head)
{
	static const char fmt[] =
		"HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4; "
		"charset=utf-8\r\nContent-Length: %zu\r\nConnection: close"
		"\r\n\r\n";
	size_t cap = sizeof(fmt) + strlen(status) + 24 + blen;
	char *out = malloc(cap);
	int n;

	c->closing = true;
	if (!out) {
		ctl_conn_reply(c, NULL, 0);
		return;
	}
	n = snprintf(out, cap, fmt, status, blen);
	if (!head)
		memcpy(out + n, body, blen);
	ctl_conn_reply(c, out, (size_t)n + (head ? 0 : blen));
	c->closing = true;
}

static void error(struct ctl_conn *c, const char *status, const char *why)
{
	respond(c, status, why, strlen(why), false);
}

/* The request line's method and path (NUL-terminated in place), or
 * false. */
static bool request_line(char *in, char **method, char **path)
{
	char *sp = strchr(in, ' '), *end;

	if (!sp)
		return false;
	*sp = '\0';
	*method = in;
	*path = sp + 1;
	end = strpbrk(*path, " \r\n");
	if (end)
		*end = '\0';
	return **path == '/';
}

enum ctl_http ctl_http_parse(char *in, size_t n, size_t cap, bool eof)
{
	char *method, *path, *q;

	if (!memmem(in, n, "\r\n\r\n", 4) && !memmem(in, n, "\n\n", 2)) {
		if (n >= cap)
			return CTL_HTTP_TOO_LARGE;
		return eof ? CTL_HTTP_GONE : CTL_HTTP_MORE;
	}
	in[n < cap ? n : cap - 1] = '\0';
	if (!request_line(in, &method, &path))
		return CTL_HTTP_BAD;
	q = strchr(path, '?');
	if (q)
		*q = '\0';
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return CTL_HTTP_METHOD;
	if (strcmp(path, "/metrics"))
		return CTL_HTTP_NOT_FOUND;
	return strcmp(method, "HEAD") ? CTL_HTTP_GET : CTL_HTTP_HEAD;
}

static void serve(struct ctl_conn *c, bool head)
{
	struct ctl_mtext m = { 0 };

	c->s->conf.metrics_fn(c->s->conf.arg, &m);
	if (m.oom)
		error(c, "500 Internal Server Error", "out of memory\n");
	else
		respond(c, "200 OK", m.p ? m.p : "", m.n, head);
	free(m.p);
}

void ctl_http_input(struct ctl_conn *c)
{
	enum ctl_http w;

	if (c->fd < 0 || c->state != CTL_C_READ)
		return;
	w = ctl_http_parse(c->in, c->nin, sizeof(c->in), c->eof);
	switch (w) {
	case CTL_HTTP_MORE:
		return;
	case CTL_HTTP_GONE:
		ctl_conn_reply(c, NULL, 0);
		return;
	case CTL_HTTP_TOO_LARGE:
		error(c, "431 Request Header Fields Too Large", "request head "
		      "over " CTL_REQUEST_MAX_TEXT " octets\n");
		return;
	case CTL_HTTP_BAD:
		error(c, "400 Bad Request", "not an HTTP request\n");
		return;
	case CTL_HTTP_METHOD:
		error(c, "405 Method Not Allowed", "GET /metrics\n");
		return;
	case CTL_HTTP_NOT_FOUND:
		error(c, "404 Not Found", "the metrics are at /metrics\n");
		return;
	case CTL_HTTP_GET:
	case CTL_HTTP_HEAD:
		serve(c, w == CTL_HTTP_HEAD);
		return;
	}
}

int ctl_http_listen(const struct cfg_listen *a, char *err, size_t cap)
{
	int one = 1;
	int fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0);

	if (fd < 0) {
		snprintf(err, cap, "socket: %s", strerror(errno));
		return -1;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (const struct sockaddr *)&a->sa, a->salen) < 0 ||
	    listen(fd, 16) < 0) {
		snprintf(err, cap, "%s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
