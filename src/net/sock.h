/* Socket helpers shared by UDP and TCP serving. */
#ifndef BANCHI_NET_SOCK_H
#define BANCHI_NET_SOCK_H

#include <stdbool.h>
#include <sys/socket.h>

/* Checks that nobody serves on sa already: SO_REUSEPORT sockets of one
 * user would otherwise share the port silently with another process.
 * type is SOCK_DGRAM or SOCK_STREAM. 0 or -errno (-EADDRINUSE). */
int net_probe(const struct sockaddr *sa, socklen_t len, int type);

/* A non-blocking, close-on-exec socket of type (SOCK_DGRAM or
 * SOCK_STREAM) for sa's family with SO_REUSEPORT (one socket per worker)
 * and, for IPv6, IPV6_V6ONLY. Returns the fd or -errno. */
int net_socket(const struct sockaddr *sa, int type);

/* The same IPv4 or IPv6 address (ports aside); other families: false. */
bool net_same_ip(const struct sockaddr_storage *a,
		 const struct sockaddr_storage *b);
/* The same address and port. */
bool net_same_endpoint(const struct sockaddr_storage *a,
		       const struct sockaddr_storage *b);

#endif
