/* The authoritative engine: one query in, one reply out. Pure: no I/O,
 * no allocation, no locks; the caller holds the zonedb steady (RCU read
 * section). Thread-safe. */
#ifndef BANCHI_AUTH_ANSWER_H
#define BANCHI_AUTH_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zone/zonedb.h"

struct auth_conf {
	uint16_t udp_payload;   /* the server's EDNS payload size (1232) */
	bool minimal;           /* minimal responses (true): no apex NS in
				 * the authority section of answers */
};

void auth_conf_init(struct auth_conf *c);

enum auth_transport { AUTH_UDP, AUTH_TCP };

/* Answers the query in q (qlen octets) into out (cap octets; give 65535
 * for TCP, and for UDP at least the largest payload allowed). db may be
 * NULL (nothing served: REFUSED). Returns the reply length, or 0 when
 * nothing must be sent (the packet is a response, or too short to carry
 * an ID). */
size_t auth_answer(const struct zonedb *db, const struct auth_conf *conf,
		   const uint8_t *q, size_t qlen, enum auth_transport t,
		   uint8_t *out, size_t cap);

#endif
