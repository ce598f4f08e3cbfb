/* Upstream sockets of the resolver: a fresh connected UDP socket from a
 * random source port per query (so that only the server asked can
 * reach it, and the port is one more thing a spoofer must guess), or a
 * non-blocking TCP connection with RFC 1035 2-octet framing. Errors are
 * -errno. */
#ifndef BANCHI_NET_CLIENT_H
#define BANCHI_NET_CLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define CLIENT_PORT_MIN 1024
#define CLIENT_PORT_TRIES 8     /* binds tried before giving up (EADDRINUSE) */
#define CLIENT_FRAME_MAX 65535

/* A non-blocking UDP socket bound to the unspecified address of to's
 * family at a port derived from rnd (1024-65535; on EADDRINUSE other
 * random ports are tried), connected to to. fd or -errno. */
int client_udp_open(const struct sockaddr *to, socklen_t len, uint32_t rnd);

/* The source port client_udp_open() tries first for rnd. */
uint16_t client_port(uint32_t rnd);

/* A non-blocking TCP socket with its connect to `to` started (it
 * completes when the socket turns writable). fd or -errno. */
int client_tcp_open(const struct sockaddr *to, socklen_t len);

/* One framed exchange's buffers: the query with its length prefix going
 * out, the reply's frame coming in (buf holds CLIENT_FRAME_MAX + 2). */
struct client_frame {
	uint8_t out[2 + 512];
	size_t olen, ooff;
	uint8_t *in;
	size_t ilen;
};

/* Prepares f to send msg (at most 512 octets): 0 or -EMSGSIZE. in is
 * left alone (the caller allocates it). */
int client_frame_init(struct client_frame *f, const uint8_t *msg, size_t len);

/* Writes what is left of the query: 1 when all is out, 0 when the
 * socket is full (wait for EPOLLOUT), or -errno (the connect failed). */
int client_tcp_send(int fd, struct client_frame *f);

/* Reads into f->in: 1 when a whole message is there (at f->in + 2, its
 * length client_frame_len()), 0 when more is to come, -EPIPE on EOF
 * before that, or -errno. Reads nothing past the first message. */
int client_tcp_recv(int fd, struct client_frame *f);

size_t client_frame_len(const struct client_frame *f);

/* Drops the message at the front of f->in (one that was not the reply
 * waited for) so that the next can be read. */
void client_frame_next(struct client_frame *f);

#endif
