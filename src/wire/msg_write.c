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
	mw->follow = false;
	return 0;
}

void msg_writer_follow(struct msg_writer *mw)
{
	mw->follow = mw->compress;
	mw->cur = 0;
	mw->last[0].name = NULL;
	mw->last[0].nlabels = 0;
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

/* An owner (or the question name): in follow mode described in the
 * spare last[], which becomes the current one once the record is whole. */
static int put_owner(struct msg_writer *mw, const uint8_t *name)
{
	if (mw->follow)
		return name_pack_last(&mw->w, name, &mw->last[mw->cur],
				      &mw->last[mw->cur ^ 1]);
	return name_pack(&mw->w, name, compr_of(mw));
}

/* A name in RDATA, after put_owner(): follow mode points into that
 * owner. */
static int put_rdata_name(struct msg_writer *mw, const uint8_t *name)
{
	if (mw->follow)
		return name_pack_last(&mw->w, name, &mw->last[mw->cur ^ 1],
				      NULL);
	return name_pack(&mw->w, name, &mw->c);
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
	ret = put_owner(mw, qname);
	if (ret == 0)
		ret = wbuf_u16(&mw->w, qtype);
	if (ret == 0)
		ret = wbuf_u16(&mw->w, qclass);
	if (ret < 0) {
		rollback(mw, len, cc);
		return ret;
	}
	mw->cur ^= mw->follow;
	mw->hdr.count[MSG_QUESTION]++;
	return 0;
}

/* The types whose RDATA names are compressed (RFC 1035 ones, RFC 3597
 * 4, as in the rrtype table): octets before the first name, number of
 * names (back to back) and octets after them. 0 names: copy as is. */
static int rdata_names(uint16_t type, size_t *lead, size_t *tail)
{
	*lead = *tail = 0;
	switch (type) {
	case RR_NS: case RR_MD: case RR_MF: case RR_CNAME: case RR_MB:
	case RR_MG: case RR_MR: case RR_PTR:
		return 1;
	case RR_MX:
		*lead = 2;
		return 1;
	case RR_MINFO:
		return 2;
	case RR_SOA:
		*tail = 20;
		return 2;
	default:
		return 0;
	}
}

/* Stored RDATA is the wire form but for compression, so this writes
 * what rdata_pack() would without its generic field walk; RDATA not of
 * the expected shape goes to rdata_pack() as before. */
static int put_rdata(struct msg_writer *mw, uint16_t type,
		     const uint8_t *rdata, uint16_t rdlen)
{
	size_t lead, tail, pos, end[2];
	int n = mw->compress ? rdata_names(type, &lead, &tail) : 0, k, len;

	if (n == 0)
		return wbuf_bytes(&mw->w, rdata, rdlen);
	for (k = 0, pos = lead; k < n && pos <= rdlen; k++) {
		len = name_check(rdata + pos, rdlen - pos);
		if (len <= 0)
			break;
		pos += (size_t)len;
		end[k] = pos;
	}
	if (k < n || pos + tail != rdlen)
		return rdata_pack(type, rdata, rdlen, &mw->w, &mw->c);
	if (wbuf_bytes(&mw->w, rdata, lead) < 0)
		return BN_ENOSPC;
	for (k = 0, pos = lead; k < n; pos = end[k++])
		if (put_rdata_name(mw, rdata + pos) < 0)
			return BN_ENOSPC;
	return wbuf_bytes(&mw->w, rdata + pos, tail);
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
	ret = put_owner(mw, owner);
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
	mw->cur ^= mw->follow;
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
