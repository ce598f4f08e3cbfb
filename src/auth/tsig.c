/* TSIG without keys (RFC 8945 5.2): a signed query gets NOTAUTH with an
 * unsigned TSIG record carrying error BADKEY, its key name, algorithm,
 * time and fudge copied from the query, as NSD, Knot and BIND send it.
 * No clock here: the engine stays pure, so Time Signed is the query's. */
#include <string.h>

#include "auth/auth_int.h"
#include "base/error.h"
#include "wire/rrtype.h"

#define TSIG_BADKEY 17
#define CLASS_ANY 255

/* Stored RDATA of the reply's TSIG from the query's; length or error. */
static int badkey_rdata(const uint8_t *rd, size_t rdlen, uint16_t id,
			uint8_t *out, size_t cap)
{
	struct rbuf r;
	struct wbuf w;
	int alen = name_check(rd, rdlen);

	if (alen <= 0)
		return BN_ERDATA;
	rbuf_init(&r, rd, rdlen);
	wbuf_init(&w, out, cap);
	/* algorithm name, then Time Signed (48 bits) and Fudge */
	if (rbuf_skip(&r, (size_t)alen + 8) < 0 ||
	    wbuf_bytes(&w, rd, (size_t)alen + 8) < 0 ||
	    wbuf_u16(&w, 0) < 0 ||              /* MAC Size */
	    wbuf_u16(&w, id) < 0 ||             /* Original ID */
	    wbuf_u16(&w, TSIG_BADKEY) < 0 ||
	    wbuf_u16(&w, 0) < 0)                /* Other Len */
		return BN_ERDATA;
	return (int)w.len;
}

int auth_tsig_badkey(struct auth_query *a, const uint8_t *pkt, size_t len)
{
	uint8_t key[NAME_MAXLEN], rd[NAME_MAXLEN + 16];
	size_t pos = a->q->tsig_off;
	uint16_t rdlen;
	bool compress = a->mw.compress;
	int ret, n;

	if (name_unpack(pkt, len, &pos, key) < 0 || len - pos < 10)
		return BN_ERDATA;
	rdlen = wire_get_u16(pkt + pos + 8);
	pos += 10;
	if (len - pos < rdlen)
		return BN_ERDATA;
	n = badkey_rdata(pkt + pos, rdlen, a->q->hdr.id, rd, sizeof(rd));
	if (n < 0)
		return n;
	/* the key name goes out as the client wrote it, uncompressed */
	a->mw.compress = false;
	ret = msg_writer_rr(&a->mw, MSG_ADDITIONAL, key, RR_TSIG, CLASS_ANY,
			    0, rd, (uint16_t)n);
	a->mw.compress = compress;
	return ret;
}
