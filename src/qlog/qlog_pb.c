/* dnstap's protobuf (the Dnstap and Message types of dnstap.proto, by
 * their field numbers) written by hand: varints, fixed32 and
 * length-delimited fields are all it takes. The Message is written
 * first at a fixed room for its length prefix, then moved into place. */
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "qlog/qlog_int.h"

/* Wire types of the protobuf encoding. */
enum { PB_VARINT = 0, PB_LEN = 2, PB_FIXED32 = 5 };

/* Dnstap fields; Message fields. */
enum { DT_IDENTITY = 1, DT_VERSION = 2, DT_MESSAGE = 14, DT_TYPE = 15 };
enum {
	M_TYPE = 1, M_FAMILY = 2, M_PROTOCOL = 3, M_QADDR = 4, M_RADDR = 5,
	M_QPORT = 6, M_RPORT = 7, M_QSEC = 8, M_QNSEC = 9, M_QMSG = 10,
	M_QZONE = 11, M_RSEC = 12, M_RNSEC = 13, M_RMSG = 14,
};
enum { DT_MESSAGE_TYPE = 1, FAM_INET = 1, FAM_INET6 = 2, PROTO_UDP = 1,
       PROTO_TCP = 2 };

struct pb {
	uint8_t *p;
	size_t n, cap;
	bool full;
};

static void pb_byte(struct pb *b, uint8_t v)
{
	if (b->n < b->cap)
		b->p[b->n++] = v;
	else
		b->full = true;
}

static inline void pb_varint(struct pb *b, uint64_t v)
{
	if (b->cap - b->n >= 10) {      /* room for any: no check per octet */
		while (v >= 0x80) {
			b->p[b->n++] = (uint8_t)(v | 0x80);
			v >>= 7;
		}
		b->p[b->n++] = (uint8_t)v;
		return;
	}
	while (v >= 0x80) {
		pb_byte(b, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	pb_byte(b, (uint8_t)v);
}

/* Every field number here is under 16: a key is one octet. */
static void pb_key(struct pb *b, unsigned field, unsigned wt)
{
	pb_byte(b, (uint8_t)(field << 3 | wt));
}

static void pb_uint(struct pb *b, unsigned field, uint64_t v)
{
	pb_key(b, field, PB_VARINT);
	pb_varint(b, v);
}

static void pb_fixed32(struct pb *b, unsigned field, uint32_t v)
{
	pb_key(b, field, PB_FIXED32);
	if (b->cap - b->n < 4) {
		b->full = true;
		return;
	}
	for (int i = 0; i < 4; i++)     /* little-endian */
		b->p[b->n++] = (uint8_t)(v >> (8 * i));
}

static void pb_bytes(struct pb *b, unsigned field, const void *v, size_t len)
{
	pb_key(b, field, PB_LEN);
	pb_varint(b, len);
	if (b->cap - b->n < len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->n, v, len);
	b->n += len;
}

static void pb_time(struct pb *b, unsigned fsec, uint64_t ns)
{
	pb_uint(b, fsec, ns / 1000000000u);
	pb_fixed32(b, fsec + 1, (uint32_t)(ns % 1000000000u));
}

unsigned qlog_kind_messages(enum qlog_kind k)
{
	switch (k) {
	case QLOG_K_AUTH:
		return QLOG_MSG_BIT(QLOG_AUTH_QUERY) |
		       QLOG_MSG_BIT(QLOG_AUTH_RESPONSE);
	case QLOG_K_CLIENT_QUERY:
		return QLOG_MSG_BIT(QLOG_CLIENT_QUERY);
	case QLOG_K_CLIENT_RESPONSE:
		return QLOG_MSG_BIT(QLOG_CLIENT_RESPONSE);
	case QLOG_K_RESOLVER_QUERY:
		return QLOG_MSG_BIT(QLOG_RESOLVER_QUERY);
	case QLOG_K_RESOLVER_RESPONSE:
		return QLOG_MSG_BIT(QLOG_RESOLVER_RESPONSE);
	}
	return 0;
}

/* The addresses: the initiator's (query_address) is the client's, but
 * ours when we asked an upstream server (RESOLVER_*). */
static void addresses(struct pb *b, const struct qlog_rec *rec, bool ours)
{
	size_t alen = rec->family == AF_INET ? 4 : 16;
	const uint8_t *qa = ours ? rec->laddr : rec->paddr;
	const uint8_t *ra = ours ? rec->paddr : rec->laddr;
	bool has_q = ours ? rec->has_local : true;
	bool has_r = ours ? true : rec->has_local;
	uint16_t qp = ours ? rec->lport : rec->pport;
	uint16_t rp = ours ? rec->pport : rec->lport;

	if (!rec->family)
		return;
	pb_uint(b, M_FAMILY, rec->family == AF_INET ? FAM_INET : FAM_INET6);
	pb_uint(b, M_PROTOCOL, rec->tcp ? PROTO_TCP : PROTO_UDP);
	if (has_q)
		pb_bytes(b, M_QADDR, qa, alen);
	if (has_r)
		pb_bytes(b, M_RADDR, ra, alen);
	if (has_q)
		pb_uint(b, M_QPORT, qp);
	if (has_r)
		pb_uint(b, M_RPORT, rp);
}

static void message(struct pb *b, const struct qlog_rec *rec,
		    enum qlog_msg t)
{
	bool resp = t == QLOG_AUTH_RESPONSE || t == QLOG_CLIENT_RESPONSE ||
		    t == QLOG_RESOLVER_RESPONSE;
	bool up = t == QLOG_RESOLVER_QUERY || t == QLOG_RESOLVER_RESPONSE;

	pb_uint(b, M_TYPE, (uint64_t)t);
	addresses(b, rec, up);
	if (rec->qtime)
		pb_time(b, M_QSEC, rec->qtime);
	if (!resp && rec->qlen)
		pb_bytes(b, M_QMSG, qlog_rec_q(rec), rec->qlen);
	if (up && rec->zlen)
		pb_bytes(b, M_QZONE, qlog_rec_zone(rec), rec->zlen);
	if (resp && rec->rtime)
		pb_time(b, M_RSEC, rec->rtime);
	if (resp && rec->rlen)
		pb_bytes(b, M_RMSG, qlog_rec_r(rec), rec->rlen);
}

/* The Message's length prefix takes 3 octets at most (< 2 MiB), and 2
 * for most (128 to 16383 octets: a query and its answer): the Message
 * is written after a room of 2, moved only when its prefix is not. */
#define MSG_ROOM 3
#define MSG_GUESS 2

size_t qlog_pb_dnstap(uint8_t *out, size_t cap, const struct qlog_rec *rec,
		      enum qlog_msg t, const char *identity,
		      const char *version)
{
	struct pb b = { out, 0, cap, false }, m;
	struct pb len;
	uint8_t pre[MSG_ROOM];

	if (identity)
		pb_bytes(&b, DT_IDENTITY, identity, strlen(identity));
	if (version)
		pb_bytes(&b, DT_VERSION, version, strlen(version));
	pb_key(&b, DT_MESSAGE, PB_LEN);
	if (b.full || b.cap - b.n < MSG_ROOM)
		return 0;
	m = (struct pb){ out + b.n + MSG_GUESS, 0,
			 b.cap - b.n - MSG_ROOM, false };
	message(&m, rec, t);
	if (m.full || m.n >= (1u << 21))
		return 0;
	len = (struct pb){ pre, 0, sizeof(pre), false };
	pb_varint(&len, m.n);
	if (len.n != MSG_GUESS)
		memmove(out + b.n + len.n, m.p, m.n);
	memcpy(out + b.n, pre, len.n);
	b.n += len.n + m.n;
	pb_uint(&b, DT_TYPE, DT_MESSAGE_TYPE);
	return b.full ? 0 : b.n;
}
