/* Upstream sockets. Each UDP query gets its own socket: connect() makes
 * the kernel drop datagrams from any other address or port, and the
 * random source port adds 16 bits a spoofer must guess besides the ID.
 * TCP framing reads one message at a time so that a reply that is not
 * the one awaited can be skipped without losing the next. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/client.h"
#include "wire/buf.h"

uint16_t client_port(uint32_t rnd)
{
	return (uint16_t)(CLIENT_PORT_MIN + rnd % (65536 - CLIENT_PORT_MIN));
}

/* Binds fd to the unspecified address of family at port. */
static int bind_port(int fd, int family, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = { .sin_family = AF_INET };

	if (family == AF_INET6) {
		a6.sin6_port = htons(port);
		a6.sin6_addr = in6addr_any;
		return bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	}
	a4.sin_port = htons(port);
	a4.sin_addr.s_addr = htonl(INADDR_ANY);
	return bind(fd, (struct sockaddr *)&a4, sizeof(a4));
}

static int new_socket(const struct sockaddr *to, int type)
{
	int fd;

	if (to->sa_family != AF_INET && to->sa_family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = socket(to->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	return fd < 0 ? -errno : fd;
}

int client_udp_open(const struct sockaddr *to, socklen_t len, uint32_t rnd)
{
	int fd, err = EADDRINUSE, i;

	fd = new_socket(to, SOCK_DGRAM);
	if (fd < 0)
		return fd;
	for (i = 0; i < CLIENT_PORT_TRIES && err == EADDRINUSE; i++) {
		/* the first port is the caller's, the retries our own */
		uint32_t r = i == 0 ? rnd : arc4random();

		err = bind_port(fd, to->sa_family, client_port(r)) < 0 ?
		      errno : 0;
	}
	if (err == 0 && connect(fd, to, len) < 0)
		err = errno;
	if (err) {
		close(fd);
		return -err;
	}
	return fd;
}

int client_tcp_open(const struct sockaddr *to, socklen_t len)
{
	int fd, err;

	fd = new_socket(to, SOCK_STREAM);
	if (fd < 0)
		return fd;
	if (connect(fd, to, len) == 0 || errno == EINPROGRESS)
		return fd;
	err = errno;
	close(fd);
	return -err;
}

int client_frame_init(struct client_frame *f, const uint8_t *msg, size_t len)
{
	struct wbuf w;

	if (len > sizeof(f->out) - 2)
		return -EMSGSIZE;
	wbuf_init(&w, f->out, sizeof(f->out));
	wbuf_u16(&w, (uint16_t)len);
	wbuf_bytes(&w, msg, len);
	f->olen = len + 2;
	f->ooff = 0;
	f->ilen = 0;
	return 0;
}

int client_tcp_send(int fd, struct client_frame *f)
{
	ssize_t k;

	while (f->ooff < f->olen) {
		k = send(fd, f->out + f->ooff, f->olen - f->ooff,
			 MSG_NOSIGNAL);
		if (k < 0 && errno == EINTR)
			continue;
		/* still connecting: wait for EPOLLOUT */
		if (k < 0 && (errno == EAGAIN || errno == ENOTCONN))
			return 0;
		if (k < 0)
			return -errno;
		f->ooff += (size_t)k;
	}
	return 1;
}

size_t client_frame_len(const struct client_frame *f)
{
	return f->ilen >= 2 ? wire_get_u16(f->in) : 0;
}

/* Octets still missing from the frame at the front of f->in. */
static size_t frame_missing(const struct client_frame *f)
{
	size_t want = f->ilen >= 2 ? 2 + client_frame_len(f) : 2;

	return want - f->ilen;
}

int client_tcp_recv(int fd, struct client_frame *f)
{
	ssize_t k;

	while (frame_missing(f) > 0) {
		k = recv(fd, f->in + f->ilen, frame_missing(f), 0);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (k == 0)
			return -EPIPE;
		f->ilen += (size_t)k;
	}
	return 1;
}

void client_frame_next(struct client_frame *f)
{
	f->ilen = 0;
}
