/* DNS messages: a strict parser that indexes a packet in place (no copy,
 * no allocation: the RR index lives in a caller array), a fast query-only
 * parser for servers, and a writer with name compression over a caller
 * buffer. Thread-safe as long as each call has its own structs. */
#ifndef BANCHI_WIRE_MSG_H
#define BANCHI_WIRE_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/buf.h"
#include "wire/edns.h"
#include "wire/name.h"

#define MSG_HDRLEN 12
#define MSG_MAXLEN 65535

/* Header flag bits (second 16-bit word). */
#define MSG_FLAG_QR 0x8000
#define MSG_FLAG_AA 0x0400
#define MSG_FLAG_TC 0x0200
#define MSG_FLAG_RD 0x0100
#define MSG_FLAG_RA 0x0080
#define MSG_FLAG_AD 0x0020
#define MSG_FLAG_CD 0x0010

enum {
	OPCODE_QUERY = 0, OPCODE_IQUERY = 1, OPCODE_STATUS = 2,
	OPCODE_NOTIFY = 4, OPCODE_UPDATE = 5,
};

enum {
	RCODE_NOERROR = 0, RCODE_FORMERR = 1, RCODE_SERVFAIL = 2,
	RCODE_NXDOMAIN = 3, RCODE_NOTIMP = 4, RCODE_REFUSED = 5,
	RCODE_YXDOMAIN = 6, RCODE_YXRRSET = 7, RCODE_NXRRSET = 8,
	RCODE_NOTAUTH = 9, RCODE_NOTZONE = 10, RCODE_BADVERS = 16,
	RCODE_BADSIG = 16, RCODE_BADKEY = 17, RCODE_BADTIME = 18,
	RCODE_BADCOOKIE = 23,
};

enum msg_section {
	MSG_QUESTION = 0, MSG_ANSWER, MSG_AUTHORITY, MSG_ADDITIONAL,
	MSG_SECTIONS
};

struct msg_hdr {
	uint16_t id;
	uint16_t flags;                 /* QR, opcode, AA..CD, rcode */
	uint16_t count[MSG_SECTIONS];   /* QD, AN, NS, AR */
};

static inline bool msg_hdr_qr(const struct msg_hdr *h) { return h->flags & MSG_FLAG_QR; }
static inline bool msg_hdr_aa(const struct msg_hdr *h) { return h->flags & MSG_FLAG_AA; }
static inline bool msg_hdr_tc(const struct msg_hdr *h) { return h->flags & MSG_FLAG_TC; }
static inline bool msg_hdr_rd(const struct msg_hdr *h) { return h->flags & MSG_FLAG_RD; }
static inline bool msg_hdr_ra(const struct msg_hdr *h) { return h->flags & MSG_FLAG_RA; }
static inline bool msg_hdr_ad(const struct msg_hdr *h) { return h->flags & MSG_FLAG_AD; }
static inline bool msg_hdr_cd(const struct msg_hdr *h) { return h->flags & MSG_FLAG_CD; }

static inline uint8_t msg_hdr_opcode(const struct msg_hdr *h)
{
	return (uint8_t)(h->flags >> 11 & 0x0f);
}

/* The header's 4 RCODE bits (see edns_rcode() for the full value). */
static inline uint8_t msg_hdr_rcode(const struct msg_hdr *h)
{
	return (uint8_t)(h->flags & 0x0f);
}

static inline void msg_hdr_set_flag(struct msg_hdr *h, uint16_t flag, bool on)
{
	h->flags = on ? (uint16_t)(h->flags | flag) : (uint16_t)(h->flags & ~flag);
}

static inline void msg_hdr_set_opcode(struct msg_hdr *h, uint8_t op)
{
	h->flags = (uint16_t)((h->flags & ~0x7800) | (op & 0x0f) << 11);
}

static inline void msg_hdr_set_rcode(struct msg_hdr *h, uint8_t rcode)
{
	h->flags = (uint16_t)((h->flags & ~0x000f) | (rcode & 0x0f));
}

/* Reads the 12-octet header. 0 or BN_ESHORT. */
int msg_hdr_parse(struct msg_hdr *h, const uint8_t *pkt, size_t len);
void msg_hdr_write(uint8_t *dst, const struct msg_hdr *h);

/* One record of a parsed message; offsets are into the packet. For a
 * question ttl, rdata_off and rdlen are 0. owner_off points at the name
 * as it sits in the packet (maybe compressed: use msg_rr_owner()). */
struct msg_rr {
	uint16_t owner_off;
	uint16_t type, rclass;
	uint32_t ttl;
	uint16_t rdata_off, rdlen;
};

/* A parsed message: a view of pkt, which must outlive it. rr[] holds the
 * questions, then answer, authority and additional records, in packet
 * order (the OPT included); section s is rr[sec[s]] .. rr[sec[s + 1] - 1]. */
struct msg {
	const uint8_t *pkt;
	uint16_t len;
	struct msg_hdr hdr;
	struct msg_rr *rr;
	uint16_t rr_count;
	uint16_t sec[MSG_SECTIONS + 1];
	bool has_opt;
	uint16_t opt_index;             /* into rr[], valid when has_opt */
	struct edns edns;               /* decoded OPT, valid when has_opt */
	bool has_tsig;                  /* last additional record is TSIG */
};

/* Parses and checks a whole message: every name (pointers backwards only,
 * no loops, limits), every fixed part and RDLENGTH, that the counts match
 * the packet exactly (no trailing octets), at most one OPT, in the
 * additional section with the root owner and well-formed options; a
 * TSIG only as the last record. RDATA contents are not checked here
 * (rdata_unpack() does that on use). rr is a caller array of cap entries.
 * Errors: BN_ESHORT (under 12 octets), BN_EINVAL (over 65535), names'
 * errors, BN_ETRUNC (a record cut short), BN_ERDLEN, BN_ECOUNT (fewer
 * records than counted), BN_ETRAILING, BN_EOPT, BN_ERDATA (misplaced
 * TSIG), BN_ENOSPC (more records than cap). */
int msg_parse(struct msg *m, const uint8_t *pkt, size_t len,
	      struct msg_rr *rr, size_t cap);

static inline uint16_t msg_section_count(const struct msg *m,
					 enum msg_section s)
{
	return (uint16_t)(m->sec[s + 1] - m->sec[s]);
}

static inline const struct msg_rr *msg_section_rr(const struct msg *m,
						  enum msg_section s,
						  uint16_t i)
{
	return &m->rr[m->sec[s] + i];
}

/* Decompresses rr's owner into dst (NAME_MAXLEN). Length or error. */
int msg_rr_owner(const struct msg *m, const struct msg_rr *rr, uint8_t *dst);

/* rr's RDATA in stored (uncompressed) form via rdata_unpack(). Stored
 * length or an error (BN_ERDATA for RDATA not matching its type). */
int msg_rr_rdata(const struct msg *m, const struct msg_rr *rr, uint8_t *dst,
		 size_t cap);

/* What a server needs from a query, parsed without an RR index: the
 * header, the question (qdcount 0 or 1) and the OPT. The other records
 * are skipped but checked as strictly as by msg_parse. */
struct msg_query {
	struct msg_hdr hdr;
	bool has_question;
	uint8_t qname[NAME_MAXLEN];     /* as received, case preserved */
	uint16_t qname_len;
	uint16_t qtype, qclass;
	uint16_t question_end;          /* packet offset after the question */
	bool has_opt;
	struct edns edns;               /* options point into the packet */
	uint16_t tsig_off;              /* TSIG owner offset, 0 when none */
};

/* As msg_parse, plus BN_ECOUNT when qdcount > 1. On an error, q->hdr
 * is valid when len >= MSG_HDRLEN, and has_question says whether the
 * question was read whole (qname, qtype, qclass then valid: a server
 * may echo it in its FORMERR); has_opt and tsig_off are clear. */
int msg_parse_query(struct msg_query *q, const uint8_t *pkt, size_t len);

/* Writer over a caller buffer. Sections must be written in order; a
 * record that does not fit is rolled back completely (BN_ENOSPC), so a
 * server can set TC and send what fits. Set hdr fields any time before
 * msg_writer_finish(). */
struct msg_writer {
	struct wbuf w;
	struct compr c;
	struct msg_hdr hdr;
	size_t reserved;                /* kept free for a later OPT/TSIG */
	uint8_t section;                /* last section written to */
	bool compress;
	bool follow;                    /* msg_writer_follow() */
	uint8_t cur;                    /* last[cur]: the owner written last */
	struct compr_last last[2];
};

/* Starts a message in buf (at least MSG_HDRLEN octets, else BN_ENOSPC)
 * with hdr's id and flags; counts start at 0. compress false writes every
 * name uncompressed (e.g. to size replies or for tests). */
int msg_writer_init(struct msg_writer *mw, uint8_t *buf, size_t cap,
		    const struct msg_hdr *hdr, bool compress);

/* Keeps n octets free at the end (say edns_wire_size()) for records
 * added after msg_writer_release(). 0 or BN_ENOSPC. */
int msg_writer_reserve(struct msg_writer *mw, size_t n);

/* Switches a compressing writer, before its first name, to compress
 * each name against the owner written last only (name_pack_last): the
 * question name, then each owner and the names in its RDATA. For long
 * runs of records in canonical order (zone transfers); the names given
 * must stay valid until msg_writer_finish(). */
void msg_writer_follow(struct msg_writer *mw);
void msg_writer_release(struct msg_writer *mw);

int msg_writer_question(struct msg_writer *mw, const uint8_t *qname,
			uint16_t qtype, uint16_t qclass);

/* Adds a record with stored RDATA (written through rdata_pack()). 0,
 * BN_ENOSPC (nothing written), BN_EINVAL (section out of order). */
int msg_writer_rr(struct msg_writer *mw, enum msg_section s,
		  const uint8_t *owner, uint16_t type, uint16_t rclass,
		  uint32_t ttl, const uint8_t *rdata, uint16_t rdlen);

/* Adds the OPT record to the additional section. */
int msg_writer_opt(struct msg_writer *mw, const struct edns *e);

/* Writes the header with the final counts; returns the message length. */
int msg_writer_finish(struct msg_writer *mw);

#endif
