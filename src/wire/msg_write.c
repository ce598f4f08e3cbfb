/* Message composition over a caller buffer with name compression. Each
 * record is written whole or not at all: on BN_ENOSPC both the buffer
 * length and the compression table go back to where they were. */
#include "base/error.h"
#include "wire/msg.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

void msg_hdr_write(uint8_t *dst, const struct msg_hdr *h)
{
	dst[0] = (uint8_t)(h->id >> 8);
	dst[1] = (uint8_t)h->id;
	dst[2] = (uint8_t)(h->flags >> 8);
	dst[3] = (uint8_t)h->flags;
	for (int s = 0; s < MSG_SECTIONS; s++) {
		dst[4 + 2 * s] = (uint8_t)(h->count[s] >> 8);
		dst[5 + 2 * s] = (uint8_t)h->count[s];
	}
}

int msg_writer_init(struct msg_writer *mw, uint8_t *buf, size_t cap,
		    const struct msg_hdr *hdr, bool compress)
{
	if (cap < MSG_HDRLEN)
		return BN_ENOSPC;
	if (cap > MSG_MAXLEN)
		cap = MSG_MAXLEN;
	wbuf_init(&mw->w, buf, cap);
	compr_init(&mw->c, buf);
	mw->hdr.id = hdr->id;
	mw->hdr.flags = hdr->flags;
	for (int s = 0; s < MSG_SECTIONS; s++)
		mw->hdr.count[s] = 0;
	msg_hdr_write(buf, &mw->hdr);
	mw->w.len = MSG_HDRLEN;
	mw->reserved = 0;
	mw->section = MSG_QUESTION;
	mw->compress = compress;
	return 0;
}

int msg_writer_reserve(struct msg_writer *mw, size_t n)
{
	msg_writer_release(mw);
	if (mw->w.cap - mw->w.len < n)
		return BN_ENOSPC;
	mw->w.cap -= n;
	mw->reserved = n;
	return 0;
}

void msg_writer_release(struct msg_writer *mw)
{
	mw->w.cap += mw->reserved;
	mw->reserved = 0;
}

static int enter_section(struct msg_writer *mw, enum msg_section s)
{
	if ((unsigned)s >= MSG_SECTIONS || s < mw->section)
		return BN_EINVAL;
	if (mw->hdr.count[s] == UINT16_MAX)
		return BN_ENOSPC;
	mw->section = (uint8_t)s;
	return 0;
}

static void rollback(struct msg_writer *mw, size_t len, uint16_t ccount)
{
	mw->w.len = len;
	mw->c.count = ccount;
}

static struct compr *compr_of(struct msg_writer *mw)
{
	return mw->compress ? &mw->c : NULL;
}

int msg_writer_question(struct msg_writer *mw, const uint8_t *qname,
			uint16_t qtype, uint16_t qclass)
{
	size_t len = mw->w.len;
	uint16_t cc = mw->c.count;
	int ret;

	ret = enter_section(mw, MSG_QUESTION);
	if (ret < 0)
		return ret;
	ret = name_pack(&mw->w, qname, compr_of(mw));
	if (ret == 0)
		ret = wbuf_u16(&mw->w, qtype);
	if (ret == 0)
		ret = wbuf_u16(&mw->w, qclass);
	if (ret < 0) {
		rollback(mw, len, cc);
		return ret;
	}
	mw->hdr.count[MSG_QUESTION]++;
	return 0;
}

/* True when type's RDATA may hold a name to compress; for the others
 * the stored form is the wire form and a copy is all rdata_pack() would
 * do, so the common A and AAAA answers skip its field walk. */
static bool rdata_has_cname(uint16_t type)
{
	const struct rrtype_desc *d;

	if (type == RR_A || type == RR_AAAA)
		return false;
	d = rrtype_by_code(type);
	if (!d)
		return false;
	for (int f = 0; f < RDF_MAX && d->fields[f] != RDF_END; f++)
		if (d->fields[f] == RDF_NAME_C)
			return true;
	return false;
}

static int put_rdata(struct msg_writer *mw, uint16_t type,
		     const uint8_t *rdata, uint16_t rdlen)
{
	if (!mw->compress || !rdata_has_cname(type))
		return wbuf_bytes(&mw->w, rdata, rdlen);
	return rdata_pack(type, rdata, rdlen, &mw->w, &mw->c);
}

int msg_writer_rr(struct msg_writer *mw, enum msg_section s,
		  const uint8_t *owner, uint16_t type, uint16_t rclass,
		  uint32_t ttl, const uint8_t *rdata, uint16_t rdlen)
{
	size_t len = mw->w.len, rdlen_off = 0;
	uint16_t cc = mw->c.count;
	int ret;

	if (s == MSG_QUESTION)
		return BN_EINVAL;
	ret = enter_section(mw, s);
	if (ret < 0)
		return ret;
	ret = name_pack(&mw->w, owner, compr_of(mw));
	if (ret == 0 && mw->w.cap - mw->w.len < 10)
		ret = BN_ENOSPC;
	if (ret == 0) {
		wbuf_u16(&mw->w, type);
		wbuf_u16(&mw->w, rclass);
		wbuf_u32(&mw->w, ttl);
		rdlen_off = mw->w.len;
		wbuf_u16(&mw->w, 0);
		ret = put_rdata(mw, type, rdata, rdlen);
	}
	if (ret == 0 && mw->w.len - rdlen_off - 2 > UINT16_MAX)
		ret = BN_ERDATA;
	if (ret < 0) {
		rollback(mw, len, cc);
		return ret;
	}
	wbuf_put_u16_at(&mw->w, rdlen_off,
			(uint16_t)(mw->w.len - rdlen_off - 2));
	mw->hdr.count[s]++;
	return 0;
}

int msg_writer_opt(struct msg_writer *mw, const struct edns *e)
{
	int ret = enter_section(mw, MSG_ADDITIONAL);

	if (ret < 0)
		return ret;
	ret = edns_write(&mw->w, e);
	if (ret < 0)
		return ret;
	mw->hdr.count[MSG_ADDITIONAL]++;
	return 0;
}

int msg_writer_finish(struct msg_writer *mw)
{
	msg_hdr_write(mw->w.data, &mw->hdr);
	return (int)mw->w.len;
}
