/* NOTIFY in (RFC 1996): a worker answers at once and wakes the
 * refresher. As BIND does, a NOTIFY for a secondary zone from an
 * address that is not one of its primaries is REFUSED; for a keyed
 * zone the NOTIFY must also be signed with the zone's key. An UPDATE of
 * a secondary zone is REFUSED (no forwarding, as BIND by default). A
 * zone that is not a secondary here is left to the engine (NOTAUTH). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <urcu.h>

#include "authd/secondary_int.h"
#include "authd/tsig_note.h"
#include "daemon/log.h"
#include "daemon/loglimit.h"
#include "net/sock.h"
#include "wire/msg.h"
#include "wire/rrtype.h"

static struct sec_zone *zone_of(const struct secondary *s,
				const uint8_t *origin)
{
	const struct sec_list *l = rcu_dereference(s->list);

	for (size_t i = 0; i < l->n; i++)
		if (name_equal(l->z[i]->origin, origin))
			return l->z[i];
	return NULL;
}

/* Whether the NOTIFY comes from a primary, with the key when keyed. */
static uint16_t allowed(const struct sec_zone *z, const struct msg_query *mq,
			const uint8_t *q, size_t len,
			const struct sockaddr_storage *peer,
			const struct tsig_keyring *keys, char *why,
			size_t cap)
{
	struct tsig_check c;
	size_t i;

	for (i = 0; i < z->nprimary; i++)
		if (net_same_ip(&z->primary[i].sa, peer))
			break;
	if (i == z->nprimary) {
		snprintf(why, cap, "not from a primary");
		return RCODE_REFUSED;
	}
	if (mq->tsig_off) {
		tsig_verify_request(&c, keys, q, len, mq->tsig_off,
				    tsig_note_clock());
		if (c.status != TSIG_OK) {
			tsig_check_text(&c, why, cap);
			return RCODE_NOTAUTH;   /* auth_reply adds the error */
		}
		if (z->keyed && !name_equal(c.key->name, z->key)) {
			snprintf(why, cap, "signed with another key");
			return RCODE_REFUSED;
		}
	} else if (z->keyed) {
		snprintf(why, cap, "not signed with the zone's key");
		return RCODE_REFUSED;
	}
	return RCODE_NOERROR;
}

uint16_t sec_notify_check(const struct secondary *s, const uint8_t *q,
			  size_t len, const struct sockaddr_storage *peer,
			  const struct tsig_keyring *keys,
			  struct sec_zone **zp, char *why, size_t cap)
{
	struct msg_query mq;

	*zp = NULL;
	if (msg_parse_query(&mq, q, len) < 0 || !mq.has_question ||
	    mq.qclass != CLASS_IN)
		return 0;
	*zp = zone_of(s, mq.qname);
	if (!*zp)
		return 0;
	if (msg_hdr_opcode(&mq.hdr) == OPCODE_UPDATE) {
		snprintf(why, cap, "UPDATE of a secondary zone: send it to "
			 "the primary");
		return RCODE_REFUSED;
	}
	return allowed(*zp, &mq, q, len, peer, keys, why, cap);
}

size_t secondary_notify(struct secondary *s, const struct served *cur,
			const uint8_t *q, size_t len,
			const struct sockaddr_storage *peer,
			enum auth_transport t, uint8_t *out, size_t cap)
{
	char why[300] = "", addr[INET6_ADDRSTRLEN + 8];
	struct sec_zone *z;
	uint64_t hash, held;
	uint16_t rc = sec_notify_check(s, q, len, peer, &cur->keys, &z, why,
				       sizeof(why));

	if (!z)
		return 0;
	tsig_note_addr(peer, addr, sizeof(addr), &hash);
	if (rc == RCODE_NOERROR) {
		log_info("zone %s: NOTIFY from %s: refresh now", z->name,
			 addr);
		pthread_mutex_lock(&s->mu);
		atomic_store(&z->notified, true);
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
	} else if (loglimit_allow(&s->notify_log, hash ^ rc ^ (uint64_t)q[2] << 8 ^
				  (uint64_t)why[4] << 16,
				  tsig_note_clock(), &held)) {
		log_warn("zone %s: %s from %s %s: %s (%llu such lines "
			 "held back)", z->name, (q[2] >> 3 & 0xf) ==
			 OPCODE_UPDATE ? "UPDATE" : "NOTIFY", addr,
			 rcode_name(rc), why,
			 (unsigned long long)held);
	}
	return auth_reply_aa(&cur->conf, q, len, t, rc, true, out, cap);
}
