/* Transfer ACLs: parsing "ADDR[/BITS], key:NAME, ..." lists, matching a
 * request against them, and the hook that tells the engine, logging why
 * a transfer was refused (one line per client and reason per 5 s, at
 * most 20 a second: anyone can ask for a transfer). */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/tsig_note.h"
#include "authd/xfr_acl.h"
#include "daemon/cfg.h"
#include "daemon/log.h"
#include "daemon/loglimit.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)
#define ENTRY_MAX 300

static struct loglimit limit = { .period = 5, .burst = 20 };

static int add_key(struct xfr_acl *a, const char *name, char *err)
{
	uint8_t wire[NAME_MAXLEN];
	uint8_t (*n)[NAME_MAXLEN];

	if (!*name || name_from_text(wire, name, strlen(name),
				     (const uint8_t *)"") < 0)
		return ERR("'key:%.300s': not a key name",
			   name);
	name_to_lower(wire);
	n = realloc(a->keys, (a->nkeys + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	a->keys = n;
	memcpy(a->keys[a->nkeys++], wire, NAME_MAXLEN);
	return 0;
}

/* One entry, spaces trimmed. */
static int add_entry(struct xfr_acl *a, const char *s, size_t len, char *err)
{
	char e[ENTRY_MAX];

	while (len && (*s == ' ' || *s == '\t'))
		s++, len--;
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!len || len >= sizeof(e))
		return ERR("%s entry", len ? "overlong" :
			   "empty");
	memcpy(e, s, len);
	e[len] = '\0';
	if (strncmp(e, "key:", 4) == 0)
		return add_key(a, e + 4, err);
	if (acl_add(a->addr, e) < 0)
		return ERR("'%s': not an address, prefix "
			   "(ADDR/BITS) or key:NAME", e);
	return 0;
}

int xfr_acl_parse(struct xfr_acl *a, const char *text, char *err)
{
	const char *p = text, *comma;

	a->addr = acl_new();
	if (!a->addr)
		return ERR("out of memory");
	do {
		comma = strchr(p, ',');
		if (add_entry(a, p, comma ? (size_t)(comma - p) : strlen(p),
			      err) < 0) {
			xfr_acl_clear(a);
			return -1;
		}
		p = comma + 1;
	} while (comma);
	return 0;
}

void xfr_acl_clear(struct xfr_acl *a)
{
	acl_free(a->addr);
	free(a->keys);
	a->addr = NULL;
	a->keys = NULL;
	a->nkeys = 0;
}

bool xfr_acl_allows(const struct xfr_acl *a, const struct sockaddr *sa,
		    const struct tsig_key *key)
{
	if (sa && a->addr && acl_match(a->addr, sa))
		return true;
	for (size_t i = 0; key && i < a->nkeys; i++)
		if (name_equal(a->keys[i], key->name))
			return true;
	return false;
}

void xfr_rules_clear(struct xfr_rules *r)
{
	for (size_t i = 0; i < r->n; i++)
		xfr_acl_clear(&r->acl[i]);
	free(r->acl);
	r->acl = NULL;
	r->n = 0;
}

const struct xfr_acl *xfr_rules_find(const struct xfr_rules *r,
				     const uint8_t *origin)
{
	for (size_t i = 0; i < r->n; i++)
		if (name_equal(r->acl[i].origin, origin))
			return &r->acl[i];
	return NULL;
}

static void refused(const uint8_t *origin, const char *addr, uint64_t hash,
		    const char *why, const struct tsig_key *key)
{
	char zone[NAME_TEXT_MAX], kn[NAME_TEXT_MAX] = "", more[64] = "";
	uint64_t held = 0;

	if (!loglimit_allow(&limit, hash * 31 + (uint64_t)(uintptr_t)why,
			    tsig_note_clock(), &held))
		return;
	name_to_text(zone, sizeof(zone), origin);
	if (key)
		name_to_text(kn, sizeof(kn), key->name);
	if (held)
		snprintf(more, sizeof(more), " (%llu lines held back before)",
			 (unsigned long long)held);
	log_info("transfer of %s to %s refused: %s%s%s%s", zone, addr, why,
		 key ? " " : "", kn, more);
}

bool xfr_rules_allow(void *arg, const uint8_t *q, size_t qlen,
		     const struct zdb_zone *z, const struct tsig_key *key)
{
	const struct xfr_rules *r = arg;
	const uint8_t *origin = zdb_zone_origin(z);
	const struct xfr_acl *a = xfr_rules_find(r, origin);
	const uint8_t *up = !a && r->parent ? r->parent(r->parent_arg,
							 origin) : NULL;
	struct sockaddr_storage ss;
	char addr[INET6_ADDRSTRLEN + 8] = "?";
	uint64_t hash = 0;
	bool known = tsig_note_peer(q, &ss);

	(void)qlen;
	if (up)
		a = xfr_rules_find(r, up);
	if (known)
		tsig_note_addr(&ss, addr, sizeof(addr), &hash);
	if (a && xfr_acl_allows(a, known ? (struct sockaddr *)&ss : NULL,
				key))
		return true;
	refused(origin, addr, hash, !a ? "no allow-transfer for the zone" :
		key ? "neither the address nor the key is allowed, key" :
		"address not allowed (and the request not signed by an "
		"allowed key)", key);
	return false;
}
