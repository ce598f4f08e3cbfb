/* libFuzzer target for the row-to-record path of the SQL backend
 * (backend/pdns_row.c, zparse_rd): the input is one records row of zone
 * "fuzz.", its columns name, type, content, ttl, prio, disabled cut at
 * 0xff octets (a column starting with 0xfe is SQL NULL; missing ones are
 * NULL). A record that comes out must be of the zone, of a type a zone
 * may hold, with RDATA that matches its type's layout, and read back to
 * the same RDATA from its own text form (the form a dump would write)
 * and from the row banchi-db would write of it (backend/pdns_out.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/pdns_out.h"
#include "backend/pdns_row.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ASSERT(c)                                                        \
	do {                                                             \
		if (!(c)) {                                              \
			fprintf(stderr, "fuzz_pdns_row.c:%d: %s\n",      \
				__LINE__, #c);                           \
			abort();                                         \
		}                                                        \
	} while (0)

static const uint8_t origin[] = { 4, 'f', 'u', 'z', 'z', 0 };
static const uint8_t root[] = { 0 };
static struct pdns_conv cv, cv2;
static char content[PDNS_CONTENT_MAX];
static struct zparse_rd *again;
static char text[8 * RDATA_MAXLEN];

static void cut(const uint8_t *data, size_t size, struct sql_text *col,
		size_t ncol)
{
	size_t i = 0, start = 0;

	for (size_t k = 0; k < ncol; k++)
		col[k] = (struct sql_text){ NULL, 0 };
	for (size_t p = 0; p <= size && i < ncol; p++) {
		if (p < size && data[p] != 0xff)
			continue;
		if (!(p > start && data[start] == 0xfe))
			col[i] = (struct sql_text){ (const char *)data + start,
						    p - start };
		i++;
		start = p + 1;
	}
}

static void check(const struct zrr *rr)
{
	const uint8_t *rd2;
	const char *msg;
	int len, n;

	ASSERT(name_is_subdomain(rr->owner, origin));
	ASSERT(rr->type != 0 && rr->type != RR_OPT &&
	       (rr->type < 128 || rr->type > 255));
	ASSERT(rr->ttl <= 0x7fffffff);
	ASSERT(rdata_check(rr->type, rr->rdata, rr->rdlen) == 0);
	len = rdata_to_text(rr->type, rr->rdata, rr->rdlen, text,
			    sizeof(text));
	ASSERT(len >= 0);
	n = zparse_rd(again, rr->type, text, (size_t)len, root, &rd2, &msg);
	if (n != rr->rdlen || memcmp(rd2, rr->rdata, rr->rdlen) != 0) {
		fprintf(stderr, "text '%s' reads back as %d octets: %s\n", text,
			n, n < 0 ? msg : "");
		abort();
	}
}

/* The record as banchi-db writes it, read back as banchi-auth reads it. */
static void check_row(const struct zrr *rr)
{
	char owner[NAME_TEXT_MAX], tb[16], prio[12];
	const char *why = NULL;
	unsigned p;
	struct zrr back;
	int n = pdns_content(rr->type, rr->rdata, rr->rdlen, content,
			     sizeof(content), &p);

	ASSERT(n >= 0 && pdns_name_text(rr->owner, owner, sizeof(owner)) > 0);
	snprintf(prio, sizeof(prio), "%u", p);
	struct pdns_row r = { sql_str("2"), sql_str(owner),
			      sql_str(pdns_type_text(rr->type, tb)),
			      { content, (size_t)n }, sql_str("60"),
			      sql_str(prio), sql_str("0") };
	pdns_conv_restart(&cv2);
	if (pdns_row_rr(&cv2, &r, &back, &why) != 1 ||
	    back.type != rr->type || back.rdlen != rr->rdlen ||
	    memcmp(back.rdata, rr->rdata, rr->rdlen) != 0) {
		fprintf(stderr, "row '%s' '%s' prio %s: %s\n", owner, content,
			prio, why ? why : "other RDATA");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sql_text col[6];
	struct pdns_row r;
	struct zrr rr;
	const char *why;

	if (!again) {
		if (pdns_conv_init(&cv, origin) < 0 ||
		    pdns_conv_init(&cv2, origin) < 0 ||
		    !(again = zparse_rd_new()))
			abort();
	}
	cut(data, size, col, 6);
	r = (struct pdns_row){ { "1", 1 }, col[0], col[1], col[2], col[3],
			       col[4], col[5] };
	pdns_conv_restart(&cv);
	int ret = pdns_row_rr(&cv, &r, &rr, &why);
	if (ret == 1) {
		check(&rr);
		check_row(&rr);
	}
	else if (ret < 0)
		ASSERT(why && strlen(why) < sizeof(cv.why));
	return 0;
}
