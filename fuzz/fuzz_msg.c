/* libFuzzer target for message parsing: both parsers must agree; an
 * accepted message is re-written record by record (with compression) and
 * must parse again with the same names; names survive a text round trip;
 * the EDNS option iterator covers the OPT RDATA exactly. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "wire/edns.h"
#include "wire/msg.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define MAXRR 16384     /* more than 65535 octets can hold */

static struct msg_rr rrs[MAXRR], rrs2[MAXRR];
static uint8_t out[MSG_MAXLEN], rd[RDATA_MAXLEN];

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static void check_text(const uint8_t *name)
{
	char text[NAME_TEXT_MAX];
	uint8_t back[NAME_MAXLEN];
	int n = name_to_text(text, sizeof(text), name);

	ASSERT(n > 0);
	ASSERT(name_from_text(back, text, (size_t)n, NULL) ==
	       (int)name_length(name));
	ASSERT(name_equal(back, name) && name_compare(back, name) == 0);
}

static void check_edns(const struct edns *e)
{
	struct edns_opt_iter it;
	const uint8_t *data;
	uint16_t code, len;
	size_t total = 0;
	int ret;

	edns_opt_iter_init(&it, e);
	while ((ret = edns_opt_next(&it, &code, &data, &len)) > 0) {
		ASSERT(data >= e->opts && data + len <= e->opts + e->opts_len);
		total += EDNS_OPT_HDR + (size_t)len;
	}
	ASSERT(ret == 0 && total == e->opts_len);
}

/* Writes one record of m; returns its result (BN_ENOSPC stops). */
static int copy_rr(struct msg_writer *mw, const struct msg *m,
		   enum msg_section s, const struct msg_rr *rr)
{
	uint8_t owner[NAME_MAXLEN];
	int len;

	ASSERT(msg_rr_owner(m, rr, owner) > 0);
	check_text(owner);
	if (s == MSG_QUESTION)
		return msg_writer_question(mw, owner, rr->type, rr->rclass);
	len = msg_rr_rdata(m, rr, rd, sizeof(rd));
	if (len < 0)
		return 1;       /* RDATA not valid for its type: skipped */
	return msg_writer_rr(mw, s, owner, rr->type, rr->rclass, rr->ttl, rd,
			     (uint16_t)len);
}

/* Stops at the first record that does not fit; what was written must
 * parse, record for record. */
static void recompose(const struct msg *m)
{
	struct msg_writer mw;
	struct msg m2;
	int ret = 0, len, written = 0;

	ASSERT(msg_writer_init(&mw, out, sizeof(out), &m->hdr, true) == 0);
	for (int s = 0; s < MSG_SECTIONS && ret != BN_ENOSPC; s++) {
		for (uint16_t i = 0; i < msg_section_count(m, s); i++) {
			ret = copy_rr(&mw, m, s, msg_section_rr(m, s, i));
			ASSERT(ret >= 0 || ret == BN_ENOSPC);
			if (ret == BN_ENOSPC)
				break;
			written += ret == 0;
		}
	}
	len = msg_writer_finish(&mw);
	ASSERT(msg_parse(&m2, out, (size_t)len, rrs2, MAXRR) == 0);
	ASSERT(m2.rr_count == written);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg m;
	struct msg_query q;
	int r = msg_parse(&m, data, size, rrs, MAXRR);
	int rq = msg_parse_query(&q, data, size);

	if (size >= MSG_HDRLEN && wire_get_u16(data + 4) > 1 &&
	    size <= MSG_MAXLEN)
		ASSERT(rq == BN_ECOUNT);
	else
		ASSERT(r == rq);
	if (r < 0)
		return 0;
	if (rq == 0 && q.has_question) {
		ASSERT(q.qname_len == name_length(q.qname));
		ASSERT(q.qtype == m.rr[0].type && q.qclass == m.rr[0].rclass);
	}
	if (rq == 0)
		ASSERT(q.has_opt == m.has_opt &&
		       (q.tsig_off != 0) == m.has_tsig);
	if (m.has_opt) {
		ASSERT(m.rr[m.opt_index].type == RR_OPT);
		check_edns(&m.edns);
	}
	recompose(&m);
	return 0;
}
