/* Who may transfer a zone out: per zone a list of address prefixes and
 * TSIG key names ("192.0.2.0/24, ::1, key:xfr-key"); any entry that
 * matches allows (an address in a prefix, or a request whose TSIG
 * verified with that key). A member of a consumed catalog has the
 * catalog's list. No list: nobody. Built with the snapshot,
 * read-only after. The engine's hook logs each refusal, rate-limited. */
#ifndef BANCHI_AUTHD_XFR_ACL_H
#define BANCHI_AUTHD_XFR_ACL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "base/acl.h"
#include "wire/name.h"
#include "wire/tsig.h"
#include "zone/zonedb.h"

struct xfr_acl {
	uint8_t origin[NAME_MAXLEN];
	struct acl *addr;
	uint8_t (*keys)[NAME_MAXLEN];   /* lowercase wire names */
	size_t nkeys;
};

/* Parses text (comma-separated entries) into a (origin set by the
 * caller). 0, or -1 with a message in err (CONFIG_ERR_MAX octets). */
int xfr_acl_parse(struct xfr_acl *a, const char *text, char *err);
void xfr_acl_clear(struct xfr_acl *a);

/* Whether sa (NULL: unknown) or key (NULL: unsigned) is allowed. */
bool xfr_acl_allows(const struct xfr_acl *a, const struct sockaddr *sa,
		    const struct tsig_key *key);

/* The rules of a snapshot, and the engine's hook (auth_conf.xfr_allow,
 * arg: the struct xfr_rules). */
struct xfr_rules {
	struct xfr_acl *acl;
	size_t n;
	/* the zone whose list a zone without one takes (a catalog
	 * member: its catalog's), or NULL; reader-safe */
	const uint8_t *(*parent)(void *arg, const uint8_t *origin);
	void *parent_arg;
};

bool xfr_rules_allow(void *arg, const uint8_t *q, size_t qlen,
		     const struct zdb_zone *z, const struct tsig_key *key);
void xfr_rules_clear(struct xfr_rules *r);
/* The list of a zone, or NULL. */
const struct xfr_acl *xfr_rules_find(const struct xfr_rules *r,
				     const uint8_t *origin);

#endif
