/* What banchi-auth gives the engine for signed queries (struct
 * auth_conf): the wall clock, and the log of each TSIG outcome with the
 * client's address. Refusals are logged at info, rate-limited (anyone
 * can send a badly signed query); verified queries at debug. The
 * address is found from the packet: each serving thread says where its
 * packets come from (a UDP batch, a TCP connection) before answering. */
#ifndef BANCHI_AUTHD_TSIG_NOTE_H
#define BANCHI_AUTHD_TSIG_NOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>
#include <stdint.h>

#include "net/udp.h"
#include "wire/tsig.h"

/* Seconds since 1970 (auth_conf.now). */
uint64_t tsig_note_clock(void);

/* auth_conf.tsig_note; arg unused. */
void tsig_note_outcome(void *arg, const uint8_t *q, size_t qlen,
		       const struct tsig_check *c);

/* The calling thread answers packets of batch b (UDP) or of the TCP
 * connection fd next; NULL / -1 when neither. */
void tsig_note_from_udp(const struct udp_batch *b);
void tsig_note_from_tcp(int fd);

/* The sender of q (a packet being answered by this thread), from the
 * batch it sits in or the connection; false when unknown. */
bool tsig_note_peer(const uint8_t *q, struct sockaddr_storage *ss);
/* The address as text, and a hash of it (for loglimit keys). */
void tsig_note_addr(const struct sockaddr_storage *ss, char *buf,
		    size_t cap, uint64_t *hash);

#endif
