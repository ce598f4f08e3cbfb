/* Outgoing zone transfers: AXFR (RFC 5936) and IXFR (RFC 1995) as a
 * sequence of messages made one at a time from a referenced zone
 * snapshot, never a copy of it. Pure: no I/O, no locks; the caller
 * sends each message and asks for the next when the socket takes it. */
#ifndef BANCHI_AUTH_XFR_H
#define BANCHI_AUTH_XFR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/answer.h"
#include "wire/edns.h"
#include "wire/msg.h"
#include "wire/tsig.h"
#include "zone/change.h"
#include "zone/zonedb.h"

/* Octets a message is filled to, as Knot and NSD: names are compressed
 * against the owner before, and a pointer reaches only the first 16 KiB,
 * so larger messages came out 9% larger (1M-record zone) for no less
 * CPU. A record larger than this goes alone in a message of up to 64 KiB
 * (as much as the caller's buffer takes). */
#define AUTH_XFR_MSG 16384

/* The records of a transfer in order, as a cursor:
 * AXFR form: SOA, every RRset of every node in canonical order (RRSIGs
 *   and glue included, the SOA not repeated), SOA (RFC 5936 2.2);
 * IXFR form: SOA(new), per change SOA(from), removed, SOA(to), added,
 *   then SOA(new) (RFC 1995 4);
 * SOA alone: the client is current (RFC 1995 2), or over UDP. */
enum xfr_form { XFR_AXFR, XFR_IXFR, XFR_SOA };

struct xfr_cursor {
	const struct zdb_zone *z;
	const struct zchange *const *chg;
	size_t nchg;
	enum xfr_form form;
	uint8_t state;                  /* first SOA, body, last SOA, done */
	uint8_t part;                   /* IXFR: from, removed, to, added */
	uint16_t set, rr;               /* AXFR: position in the node */
	size_t node;                    /* AXFR: canonical index */
	size_t ci, ri;                  /* IXFR: change, record in part */
};

/* chg/nchg only for XFR_IXFR: oldest first, each one's SOA(to) the
 * next one's SOA(from), the last ending at z's serial (xfr_chain_ok). */
void xfr_cursor_init(struct xfr_cursor *c, const struct zdb_zone *z,
		     enum xfr_form form, const struct zchange *const *chg,
		     size_t nchg);
/* Writes the next records into mw's answer section until one does not
 * fit or none is left. Returns the number written (0: none left), or
 * BN_ENOSPC when the next one fits nowhere (mw empty of records). */
int xfr_cursor_fill(struct xfr_cursor *c, struct msg_writer *mw);
bool xfr_cursor_done(const struct xfr_cursor *c);

/* Whether chg[0 .. n) leads from serial from to serial to, each change
 * starting where the one before ended. */
/* The serial of the SOA in an IXFR query's authority section (RFC 1995
 * 3); false when there is none or the packet does not parse. */
bool auth_ixfr_serial(const uint8_t *pkt, size_t len, uint32_t *serial);

bool xfr_chain_ok(const struct zchange *const *chg, size_t n, uint32_t from,
		  uint32_t to);

/* One outgoing transfer: the zone held (one reference), the cursor, what
 * every message repeats, and its own copy of the TSIG key (a reload may
 * free the key ring while the transfer runs). Caller storage; zeroed
 * storage is an idle transfer. */
struct auth_xfr {
	struct zdb_zone *zone;          /* NULL: idle */
	struct xfr_cursor cur;
	struct auth_xfr_changes chg;    /* IXFR: released at the end */
	uint8_t qname[NAME_MAXLEN];
	uint16_t qtype, qclass;
	uint16_t id, flags;             /* of the reply header */
	bool with_opt;
	struct edns edns;
	bool signing;
	struct tsig_key key;
	struct tsig_signer signer;
	uint64_t (*now)(void);
	unsigned nmsg;                  /* messages made so far */
	unsigned nrr;                   /* records in them */
};

/* auth_answer for a TCP connection that can stream: an allowed AXFR or
 * IXFR sets up x (idle before) and returns its first message; the
 * caller then sends auth_xfr_next's messages while auth_xfr_active(x).
 * Anything else is answered as by auth_answer, x left idle. */
size_t auth_answer_xfr(const struct zonedb *db, const struct auth_conf *conf,
		       const uint8_t *q, size_t qlen, enum auth_transport t,
		       uint8_t *out, size_t cap, struct auth_xfr *x);

static inline bool auth_xfr_active(const struct auth_xfr *x)
{
	return x->zone != NULL;
}

/* The next message into out (cap octets; AUTH_XFR_MSG used at most
 * unless the next record alone needs more):
 * its length; 0 when the transfer is complete; BN_ENOSPC or BN_EINVAL
 * (a record too large, signing failed: end the connection). */
int auth_xfr_next(struct auth_xfr *x, uint8_t *out, size_t cap);

/* Drops the zone, the changes and the key; x is idle again. Safe on an
 * idle x and from any thread. */
void auth_xfr_clear(struct auth_xfr *x);

#endif
