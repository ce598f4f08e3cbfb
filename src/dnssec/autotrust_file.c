/* A trust point as text (autotrust.h): the zone's records in zone-file
 * form, one per line, each key's state after ";;" (a line without is a
 * record given by hand: a DNSKEY trusted at once, a DS to start from).
 *   . 172800 IN DNSKEY 257 3 8 AwEAA... ;;state=VALID since=1765000000
 * Unbound's auto-trust-anchor-file is alike; its files are not read. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "dnssec/anchor.h"
#include "dnssec/autotrust.h"
#include "wire/rdata.h"
#include "wire/rrtype.h"

#define ERR(...) (snprintf(err, 200, __VA_ARGS__), BN_ESYNTAX)

static int put(char *out, size_t cap, size_t *n, const char *fmt,
	       const char *a, const char *b, const char *c)
{
	int k = snprintf(out + *n, *n < cap ? cap - *n : 0, fmt, a, b, c);

	if (k < 0 || *n + (size_t)k >= cap)
		return BN_ENOSPC;
	*n += (size_t)k;
	return 0;
}

static int line(const struct ta_point *p, uint16_t type, const uint8_t *rd,
		size_t len, const char *state, char *out, size_t cap,
		size_t *n)
{
	char zone[NAME_TEXT_MAX], text[TA_KEY_MAX * 2], head[64];

	name_to_text(zone, sizeof(zone), p->zone);
	if (rdata_to_text(type, rd, len, text, sizeof(text)) < 0)
		return BN_ERDATA;
	snprintf(head, sizeof(head), " %" PRIu32 " IN %s ", p->ttl,
		 type == RR_DS ? "DS" : "DNSKEY");
	return put(out, cap, n, "%s%s%s", zone, head, text) ||
	       put(out, cap, n, "%s%s\n%s", state ? " ;;" : "",
		   state ? state : "", "") ? BN_ENOSPC : 0;
}

int ta_trusted_text(const struct ta_point *p, char *out, size_t cap)
{
	size_t n = 0;
	int ret = 0;
	bool keys = false;

	for (size_t i = 0; ret == 0 && i < p->n; i++)
		if (p->k[i].state == TA_VALID || p->k[i].state == TA_MISSING) {
			keys = true;
			ret = line(p, RR_DNSKEY, p->k[i].rd, p->k[i].len, NULL,
				   out, cap, &n);
		}
	for (size_t i = 0; ret == 0 && !keys && i < p->nds; i++)
		ret = line(p, RR_DS, p->ds[i], p->dslen[i], NULL, out, cap,
			   &n);
	if (ret == 0 && n < cap)
		out[n] = '\0';
	return ret < 0 ? ret : (int)n;
}

int ta_file_write(const struct ta_point *p, int64_t now, char *out,
		  size_t cap)
{
	char zone[NAME_TEXT_MAX], when[32], state[64];
	time_t t = (time_t)now;
	struct tm tm;
	size_t n = 0;
	int ret;

	name_to_text(zone, sizeof(zone), p->zone);
	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ret = put(out, cap, &n, "; RFC 5011 trust point of %s, kept by "
		  "banchi-resolver (written %s).\n; The keys' states follow "
		  ";;. Edit only while it is stopped.\n%s", zone, when, "");
	for (size_t i = 0; ret == 0 && i < p->nds; i++)
		ret = line(p, RR_DS, p->ds[i], p->dslen[i], "state=START",
			   out, cap, &n);
	for (size_t i = 0; ret == 0 && i < p->n; i++) {
		snprintf(state, sizeof(state), "state=%s since=%" PRId64,
			 ta_state_name(p->k[i].state), p->k[i].since);
		ret = line(p, RR_DNSKEY, p->k[i].rd, p->k[i].len, state, out,
			   cap, &n);
	}
	return ret < 0 ? ret : (int)n;
}

/* ";;state=NAME since=N" (or nothing: given by hand). */
static int state_of(const char *s, size_t len, int *state, int64_t *since)
{
	const char *st = memmem(s, len, "state=", 6), *si, *end = s + len;
	size_t n = 0;

	*state = -2;                    /* by hand */
	if (!st)
		return 0;
	st += 6;
	while (st + n < end && st[n] >= 'A' && st[n] <= 'Z')
		n++;
	if (n == 5 && !memcmp(st, "START", 5))
		return 0;
	*state = ta_state_parse(st, n);
	si = memmem(s, len, "since=", 6);
	if (*state < 0 || !si)
		return -1;
	*since = strtoll(si + 6, NULL, 10);
	return 0;
}

/* One record line into p. */
static int take(struct ta_point *p, const char *rec, size_t reclen,
		const char *st, size_t stlen, int64_t now, char *err)
{
	struct dnssec_anchors as = { 0 };
	const struct dnssec_rrset *set;
	const uint8_t *rd;
	uint16_t len;
	int64_t since = now;
	int state, ret = dnssec_anchors_add_text(&as, rec, reclen, "", err);

	if (ret == BN_ESYNTAX && err[0] == ':' && strstr(err, ": "))
		memmove(err, strstr(err, ": ") + 2, strlen(strstr(err, ": ")));
	if (ret < 0)
		return ret == BN_ENOTFOUND ? ERR("not a DS or DNSKEY record") :
		       ret;
	set = as.a[0].dnskey.count ? &as.a[0].dnskey : &as.a[0].ds;
	if (state_of(st, stlen, &state, &since) < 0)
		ret = ERR("bad state (;;state=VALID since=SECONDS)");
	else if (p->zone[0] != 0xff && !name_equal(p->zone, as.a[0].zone))
		ret = ERR("another zone than the first line's");
	else if (dnssec_rrset_item(set, 0, &rd, &len) < 0 ||
		 (set->type == RR_DS ? p->nds == TA_DS_MAX || len > TA_DS_LEN :
		  p->n == TA_KEYS_MAX || len > TA_KEY_MAX))
		ret = ERR("too many records, or one too long");
	if (ret == 0) {
		memcpy(p->zone, as.a[0].zone, NAME_MAXLEN);
		p->ttl = 172800;
		if (set->type == RR_DS) {
			memcpy(p->ds[p->nds], rd, len);
			p->dslen[p->nds++] = len;
		} else {
			memcpy(p->k[p->n].rd, rd, len);
			p->k[p->n].len = len;
			p->k[p->n].state = (uint8_t)(state < 0 ? TA_VALID :
						     state);
			p->k[p->n++].since = since;
		}
	}
	dnssec_anchors_clear(&as);
	return ret;
}

int ta_file_read(struct ta_point *p, const char *text, size_t len,
		 int64_t now, char *err)
{
	const char *s = text, *end = text + len;

	memset(p, 0, sizeof(*p));
	p->zone[0] = 0xff;              /* none yet */
	for (unsigned no = 1; s < end; no++) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end, *c = s;
		const char *st;
		char why[256];
		while (c < e && (*c == ' ' || *c == '\t'))
			c++;
		if (c < e && *c != ';' && *c != '\r') {
			st = memmem(c, (size_t)(e - c), ";;", 2);
			if (take(p, c, (size_t)((st ? st : e) - c), st ? st : e,
				 st ? (size_t)(e - st) : 0, now, why) < 0)
				return snprintf(err, 256, "line %u: %.200s",
						no, why), BN_ESYNTAX;
		}
		s = e + (nl != NULL);
	}
	if (p->zone[0] == 0xff)
		return snprintf(err, 256, "no DS or DNSKEY record"),
		       BN_ENOTFOUND;
	return 0;
}
