/* Line-oriented local data files: /etc/hosts format (addresses, names,
 * the derived PTRs) and block lists (plain domains or hosts-style
 * "0.0.0.0 domain" lines). Text in memory; errors name the line. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "resolve/local_int.h"
#include "base/error.h"
#include "wire/rrtype.h"

#define MAX_TOKEN 1024

/* Cursor over the lines of a text and the tokens of the current line. */
struct lines {
	const char *text;
	size_t len, pos;
	const char *line;       /* current line, comment cut off */
	size_t line_len, tok_pos;
	unsigned lineno;
};

static bool next_line(struct lines *l)
{
	const char *nl, *hash;

	if (l->pos >= l->len)
		return false;
	l->line = l->text + l->pos;
	nl = memchr(l->line, '\n', l->len - l->pos);
	l->line_len = nl ? (size_t)(nl - l->line) : l->len - l->pos;
	l->pos += l->line_len + 1;
	hash = memchr(l->line, '#', l->line_len);
	if (hash)
		l->line_len = (size_t)(hash - l->line);
	l->tok_pos = 0;
	l->lineno++;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* The next whitespace-separated token of the line; false at its end. */
static bool next_token(struct lines *l, const char **tok, size_t *len)
{
	size_t i = l->tok_pos;

	while (i < l->line_len && is_space(l->line[i]))
		i++;
	if (i == l->line_len)
		return false;
	*tok = l->line + i;
	while (i < l->line_len && !is_space(l->line[i]))
		i++;
	*len = (size_t)(l->line + i - *tok);
	l->tok_pos = i;
	return true;
}

/* An IPv4 or IPv6 address (an IPv6 "%zone" suffix is ignored); the
 * octet count (4 or 16), 0 when the token is not an address. */
static size_t parse_addr(const char *tok, size_t len, uint8_t *addr)
{
	char buf[64];
	const char *pct = memchr(tok, '%', len);

	if (pct)
		len = (size_t)(pct - tok);
	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return 16;
	return 0;
}

static int fail(char *err, const char *file, const struct lines *l,
		const char *what, const char *tok, size_t len)
{
	snprintf(err, LOCAL_ERR_MAX, "%s:%u: %s '%.*s'", file, l->lineno,
		 what, (int)(len > 64 ? 64 : len), tok);
	return -1;
}

static bool has_ptr(const struct local_data *ld, const uint8_t *rev)
{
	const struct local_node *n = local_find(ld, rev);

	for (uint16_t i = 0; n && i < n->nsets; i++) {
		if (n->sets[i].type == RR_PTR)
			return true;
	}
	return false;
}

/* One name of a hosts line: its address record, and for the first name
 * the address's PTR unless it has one (earlier lines win, like glibc)
 * or the address is unspecified (0.0.0.0 and :: are block entries). */
static int add_host(struct local_data *ld, const uint8_t *name,
		    const uint8_t *addr, size_t alen, bool first)
{
	static const uint8_t zero[16];
	uint8_t rev[NAME_MAXLEN];
	int ret;

	ret = local_add_rr(ld, name, alen == 4 ? RR_A : RR_AAAA, LOCAL_TTL,
			   addr, (uint16_t)alen, false);
	if (ret < 0 || !first || memcmp(addr, zero, alen) == 0)
		return ret;
	local_reverse_name(rev, addr, alen);
	if (has_ptr(ld, rev))
		return 0;
	return local_add_rr(ld, rev, RR_PTR, LOCAL_TTL, name,
			    (uint16_t)name_length(name), false);
}

/* The names after a hosts line's address. How many, or -1 (err set). */
static int hosts_names(struct local_data *ld, struct lines *l,
		       const char *file, const uint8_t *addr, size_t alen,
		       char *err)
{
	uint8_t owner[NAME_MAXLEN];
	const char *tok;
	size_t tlen;
	int n = 0, ret;

	while (next_token(l, &tok, &tlen)) {
		if (name_from_text(owner, tok, tlen, (const uint8_t *)"") < 0)
			return fail(err, file, l, "bad name", tok, tlen);
		ret = add_host(ld, owner, addr, alen, n == 0);
		if (ret < 0)
			return fail(err, file, l, bn_strerror(ret), tok, tlen);
		n++;
	}
	return n;
}

int local_load_hosts(struct local_data *ld, const char *text, size_t len,
		     const char *name, char *err)
{
	struct lines l = { .text = text, .len = len };
	uint8_t addr[16];
	const char *tok;
	size_t tlen, alen;
	int count = 0, ret;

	while (next_line(&l)) {
		if (!next_token(&l, &tok, &tlen))
			continue;
		alen = parse_addr(tok, tlen, addr);
		if (!alen)
			return fail(err, name, &l, "bad address", tok, tlen);
		ret = hosts_names(ld, &l, name, addr, alen, err);
		if (ret < 0)
			return ret;
		if (ret == 0)
			return fail(err, name, &l, "no name after address",
				    tok, tlen);
		count++;
	}
	return count;
}

/* Names hosts-style block lists carry for the machine itself, not as
 * something to block (Pi-hole skips the same). */
static bool is_host_entry(const char *tok, size_t len)
{
	static const char *const skip[] = {
		"localhost", "localhost.localdomain", "local",
		"broadcasthost", "ip6-localhost", "ip6-loopback",
		"ip6-localnet", "ip6-mcastprefix", "ip6-allnodes",
		"ip6-allrouters", "ip6-allhosts", "0.0.0.0",
	};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		if (strlen(skip[i]) == len && strncasecmp(skip[i], tok, len) == 0)
			return true;
	}
	return false;
}

/* One domain of a block list ("*." in front is the same domain). */
static int block_domain(struct local_data *ld, const struct local_block *b,
			const char *tok, size_t len)
{
	uint8_t zone[NAME_MAXLEN];

	if (len > 2 && tok[0] == '*' && tok[1] == '.') {
		tok += 2;
		len -= 2;
	}
	if (name_from_text(zone, tok, len, (const uint8_t *)"") < 0)
		return BN_ESYNTAX;
	if (zone[0] == 0)
		return BN_ESYNTAX;      /* blocking the root blocks everything */
	return local_set_zone(ld, zone, LZ_BLOCK, b);
}

/* The domains of one block list line; how many, or -1 (err set). */
static int block_line(struct local_data *ld, const struct local_block *b,
		      struct lines *l, const char *file, char *err)
{
	const char *tok, *first;
	size_t tlen, flen;
	uint8_t addr[16];
	int n = 0, ret;

	if (!next_token(l, &first, &flen))
		return 0;
	if (!next_token(l, &tok, &tlen)) {
		tok = first;            /* a plain domain */
		tlen = flen;
	} else if (!parse_addr(first, flen, addr)) {
		return fail(err, file, l, "not an address", first, flen);
	}
	do {
		if (is_host_entry(tok, tlen))
			continue;
		ret = block_domain(ld, b, tok, tlen);
		if (ret < 0)
			return fail(err, file, l, ret == BN_ESYNTAX ?
				    "bad domain" : bn_strerror(ret), tok, tlen);
		n++;
	} while (next_token(l, &tok, &tlen));
	return n;
}

int local_load_blocklist(struct local_data *ld, const char *text,
			 size_t len, const char *name, const uint8_t *addr4,
			 const uint8_t *addr6, char *err)
{
	struct lines l = { .text = text, .len = len };
	struct local_block *b = local_block_new(ld);
	int count = 0, ret;

	if (!b) {
		snprintf(err, LOCAL_ERR_MAX, "%s: out of memory", name);
		return -1;
	}
	if (addr4) {
		b->has4 = true;
		memcpy(b->a4, addr4, 4);
	}
	if (addr6) {
		b->has6 = true;
		memcpy(b->a6, addr6, 16);
	}
	while (next_line(&l)) {
		ret = block_line(ld, b, &l, name, err);
		if (ret < 0)
			return ret;
		count += ret;
	}
	return count;
}
