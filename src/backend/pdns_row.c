/* A records row to a record, as PowerDNS reads it (pdns_row.h). PowerDNS
 * finds rows by the exact text of the lowercase name and of its type
 * mnemonic; a row spelled otherwise is never found by its queries, so
 * it is refused here too (and the change table's names then match the
 * rows they stand for exactly). Content goes through the master-file
 * parser's RDATA code with the root as origin: names are absolute with
 * or without the final dot, as in PowerDNS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/pdns_row.h"
#include "base/error.h"
#include "wire/rrtype.h"

static const uint8_t root[1] = { 0 };

int pdns_conv_init(struct pdns_conv *cv, const uint8_t *origin)
{
	memset(cv, 0, sizeof(*cv));
	memcpy(cv->origin, origin, name_length(origin));
	cv->rd = zparse_rd_new();
	return cv->rd ? 0 : BN_ENOMEM;
}

void pdns_conv_clear(struct pdns_conv *cv)
{
	zparse_rd_free(cv->rd);
	free(cv->text);
	memset(cv, 0, sizeof(*cv));
}

void pdns_conv_restart(struct pdns_conv *cv)
{
	cv->soa_seen = false;
}

/* Row text goes into log lines: control octets become '?'. */
static const char *printable(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return s;
}

static int bad(struct pdns_conv *cv, const char **why, const char *fmt,
	       const struct sql_text *t)
{
	if (t && t->s)
		snprintf(cv->why, sizeof(cv->why), fmt,
			 (int)(t->len > 80 ? 80 : t->len), t->s);
	else
		snprintf(cv->why, sizeof(cv->why), "%s", fmt);
	*why = printable(cv->why);
	return BN_EINVAL;
}

static bool has_upper(const struct sql_text *t)
{
	for (size_t i = 0; i < t->len; i++)
		if (t->s[i] >= 'A' && t->s[i] <= 'Z')
			return true;
	return false;
}

int pdns_row_name(struct pdns_conv *cv, const struct sql_text *name,
		  uint8_t *out, const char **why)
{
	if (!name->s)
		return bad(cv, why, "name is NULL", NULL);
	if (name->len == 0)
		return bad(cv, why, "name is empty", NULL);
	if (name->s[name->len - 1] == '.')
		return bad(cv, why, "name '%.*s' ends with a dot (PowerDNS "
			   "stores names without it and does not find it)",
			   name);
	if (has_upper(name))
		return bad(cv, why, "name '%.*s' has capital letters "
			   "(PowerDNS looks names up in lowercase and does "
			   "not find it)", name);
	if (name_from_text(out, name->s, name->len, root) < 0)
		return bad(cv, why, "name '%.*s' is not a domain name", name);
	if (!name_is_subdomain(out, cv->origin))
		return bad(cv, why, "name '%.*s' is outside the zone", name);
	return 0;
}

/* The PowerDNS types that are no DNS records of their own: PowerDNS
 * makes answers from them at query time. */
static bool pdns_only(const struct sql_text *t)
{
	static const char *const names[] = { "ALIAS", "LUA" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t->len == strlen(names[i]) &&
		    memcmp(t->s, names[i], t->len) == 0)
			return true;
	return false;
}

static int row_type(struct pdns_conv *cv, const struct sql_text *t,
		    uint16_t *type, const char **why)
{
	char buf[16];
	const char *canon;
	struct pdns_type_seen *e;

	/* a zone has a handful of types: most rows find theirs here */
	for (size_t i = 0; i < sizeof(cv->seen) / sizeof(cv->seen[0]); i++) {
		e = &cv->seen[i];
		if (e->len && t->len == e->len &&
		    memcmp(t->s, e->text, t->len) == 0) {
			*type = e->code;
			return 0;
		}
	}
	if (pdns_only(t))
		return bad(cv, why, "type '%.*s' is PowerDNS's own (made at "
			   "query time): not served", t);
	if (rrtype_from_text(t->s, t->len, type) < 0)
		return bad(cv, why, "unknown type '%.*s'", t);
	if (*type == 0 || *type == RR_OPT || (*type >= 128 && *type <= 255))
		return bad(cv, why, "type '%.*s' cannot be in a zone", t);
	/* TYPEnnn is how PowerDNS writes a type it has no mnemonic for,
	 * whether banchi has one or not */
	snprintf(buf, sizeof(buf), "TYPE%u", *type);
	canon = strlen(buf) == t->len && memcmp(buf, t->s, t->len) == 0 ?
		buf : rrtype_to_text(*type, buf);
	if (strlen(canon) != t->len || memcmp(canon, t->s, t->len) != 0)
		return bad(cv, why, "type '%.*s' is not spelled as PowerDNS "
			   "looks it up (in capitals, its mnemonic)", t);
	e = &cv->seen[cv->seen_next++ % (sizeof(cv->seen) / sizeof(*e))];
	if (t->len <= sizeof(e->text)) {
		memcpy(e->text, t->s, t->len);
		e->len = (uint8_t)t->len;
		e->code = *type;
	}
	return 0;
}

static int row_ttl(struct pdns_conv *cv, const struct sql_text *t,
		   uint32_t *ttl, const char **why)
{
	int64_t v;

	if (!t->s) {
		*ttl = PDNS_DEFAULT_TTL;
		return 0;
	}
	if (!sql_int(t, &v))
		return bad(cv, why, "ttl '%.*s' is not a number", t);
	if (v < 0 || v > 0x7fffffff)
		return bad(cv, why, "ttl '%.*s' is out of range", t);
	*ttl = (uint32_t)v;
	return 0;
}

/* disabled=0 is what PowerDNS's queries ask (false in PostgreSQL);
 * NULL is not 0. */
static bool enabled(const struct sql_text *t)
{
	static const char *const no[] = { "0", "f", "false" };

	for (size_t i = 0; t->s && i < sizeof(no) / sizeof(no[0]); i++)
		if (t->len == strlen(no[i]) && memcmp(t->s, no[i], t->len) == 0)
			return true;
	return false;
}

static int text_room(struct pdns_conv *cv, size_t need)
{
	if (need > cv->cap) {
		char *n = realloc(cv->text, need);
		if (!n)
			return BN_ENOMEM;
		cv->text = n;
		cv->cap = need;
	}
	return 0;
}

/* An IPSECKEY without a gateway as PowerDNS writes it, "10 0 2 KEY"
 * (its parser refuses RFC 4025's "10 0 2 . KEY"): the "." put back.
 * False when the content is not of that form. */
static bool ipseckey_nogw(struct pdns_conv *cv, const struct sql_text *c,
			  const char **text, size_t *len)
{
	size_t sp[3], n = 0, i;

	for (i = 0; i < c->len && n < 3; i++)
		if (c->s[i] == ' ' && (i == 0 || c->s[i - 1] != ' '))
			sp[n++] = i;
	if (n < 3 || sp[1] - sp[0] != 2 || c->s[sp[0] + 1] != '0' ||
	    memchr(c->s + sp[2] + 1, ' ', c->len - sp[2] - 1) ||
	    (c->len - sp[2] == 2 && c->s[sp[2] + 1] == '.') ||
	    text_room(cv, c->len + 3) < 0)
		return false;
	memcpy(cv->text, c->s, sp[2]);
	memcpy(cv->text + sp[2], " .", 2);
	memcpy(cv->text + sp[2] + 2, c->s + sp[2], c->len - sp[2]);
	*text = cv->text;
	*len = c->len + 2;
	return true;
}

/* MX and SRV: PowerDNS reads prio + " " + content, whatever they hold
 * (an empty prio leaves content with its own priority in front). */
static int content_text(struct pdns_conv *cv, const struct pdns_row *r,
			uint16_t type, const char **text, size_t *len)
{
	size_t plen = r->prio.s ? r->prio.len : 0;
	size_t need = plen + 1 + r->content.len + 1;

	if (type == RR_IPSECKEY && ipseckey_nogw(cv, &r->content, text, len))
		return 0;
	if (type != RR_MX && type != RR_SRV) {
		*text = r->content.s;
		*len = r->content.len;
		return 0;
	}
	if (text_room(cv, need) < 0)
		return BN_ENOMEM;
	if (plen)
		memcpy(cv->text, r->prio.s, plen);
	cv->text[plen] = ' ';
	memcpy(cv->text + plen + 1, r->content.s, r->content.len);
	*text = cv->text;
	*len = plen + 1 + r->content.len;
	return 0;
}

static int soa_place(struct pdns_conv *cv, const char **why)
{
	if (!name_equal(cv->owner, cv->origin))
		return bad(cv, why, "SOA not at the zone's apex", NULL);
	if (cv->soa_seen)
		return bad(cv, why, "a second SOA (the first one read is "
			   "served)", NULL);
	cv->soa_seen = true;
	return 0;
}

static uint32_t row_line(const struct sql_text *id)
{
	int64_t v;

	if (!sql_int(id, &v) || v < 0)
		return 0;
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* A record's own trouble (TTL, content, SOA place), said with the name
 * and type it has: cv->why gets them in front. */
static int about(struct pdns_conv *cv, const char **why, uint16_t type)
{
	char name[NAME_TEXT_MAX], tb[16], msg[sizeof(cv->why)];

	snprintf(msg, sizeof(msg), "%s", *why);
	name_to_text(name, sizeof(name), cv->owner);
	snprintf(cv->why, sizeof(cv->why), "%.100s %s: %.250s", name,
		 rrtype_to_text(type, tb), msg);
	*why = printable(cv->why);
	return BN_EINVAL;
}

static int row_rdata(struct pdns_conv *cv, const struct pdns_row *r,
		     uint16_t type, const uint8_t **rdata, const char **why)
{
	const char *text, *msg;
	size_t len;
	int ret;

	if (!r->content.s)
		return bad(cv, why, "content is NULL", NULL);
	if (content_text(cv, r, type, &text, &len) < 0)
		return bad(cv, why, "out of memory", NULL);
	ret = zparse_rd(cv->rd, type, text, len, root, rdata, &msg);
	if (ret < 0) {
		snprintf(cv->why, sizeof(cv->why), "content '%.*s': %s",
			 (int)(len > 80 ? 80 : len), text, msg);
		*why = cv->why;
	}
	return ret;
}

int pdns_row_rr(struct pdns_conv *cv, const struct pdns_row *r,
		struct zrr *rr, const char **why)
{
	const uint8_t *rdata;
	uint16_t type = 0;
	uint32_t ttl = 0;
	int ret;

	if (!enabled(&r->disabled) || !r->type.s || r->type.len == 0)
		return 0;
	if ((ret = pdns_row_name(cv, &r->name, cv->owner, why)) < 0 ||
	    (ret = row_type(cv, &r->type, &type, why)) < 0)
		return ret;
	if (row_ttl(cv, &r->ttl, &ttl, why) < 0)
		return about(cv, why, type);
	ret = row_rdata(cv, r, type, &rdata, why);
	if (ret < 0 || (type == RR_SOA && soa_place(cv, why) < 0))
		return about(cv, why, type);
	*rr = (struct zrr){ .owner = cv->owner, .type = type,
			    .rclass = CLASS_IN, .ttl = ttl,
			    .ttl_explicit = true, .rdata = rdata,
			    .rdlen = (uint16_t)ret, .file = "records",
			    .line = row_line(&r->id) };
	return 1;
}
