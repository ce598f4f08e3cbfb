/* banchi-auth's per-zone access lists in its config: --allow-transfer
 * ZONE=ACL and --allow-update ZONE=ACL (repeatable), and the keys of the
 * same names on a zone in YAML (a string, or a list of entries). Each
 * list is parsed once here so that a mistake is reported where it was
 * written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"
#include "authd/xfr_acl.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

static char *join(const char *a, const char *b)
{
	char *s = malloc(strlen(a) + strlen(b) + 2);

	if (s)
		sprintf(s, "%s,%s", a, b);
	return s;
}

static int append(struct cfg_xfr **list, size_t *n, const struct cfg_xfr *x,
		  char *err)
{
	struct cfg_xfr *l = realloc(*list, (*n + 1) * sizeof(*l));

	if (!l)
		return ERR("out of memory");
	*list = l;
	l[*n] = *x;
	l[*n].zone = strdup(x->zone);
	l[*n].acl = strdup(x->acl);
	if (!l[*n].zone || !l[*n].acl) {
		free(l[*n].zone);
		free(l[*n].acl);
		return ERR("out of memory");
	}
	(*n)++;
	return 0;
}

static int add_acl(struct cfg_xfr **list, size_t *n, const char *what,
		   const char *zone, const char *acl, char *err)
{
	struct cfg_xfr x = { .zone = (char *)zone, .acl = (char *)acl };
	struct xfr_acl check = { 0 };
	char msg[CONFIG_ERR_MAX - 32];
	char *both;

	if (!*zone || name_from_text(x.origin, zone, strlen(zone),
				     (const uint8_t *)"") < 0)
		return ERR("%s: zone '%.300s': not a valid domain name", what,
			   zone);
	if (xfr_acl_parse(&check, acl, msg) < 0)
		return ERR("%s: %s", what, msg);
	xfr_acl_clear(&check);
	for (size_t i = 0; i < *n; i++) {
		if (!name_equal((*list)[i].origin, x.origin))
			continue;
		both = join((*list)[i].acl, acl);
		if (!both)
			return ERR("out of memory");
		free((*list)[i].acl);
		(*list)[i].acl = both;
		return 0;
	}
	return append(list, n, &x, err);
}

int config_add_xfr(struct config *c, const char *zone, const char *acl,
		   char *err)
{
	return add_acl(&c->xfrs, &c->nxfrs, "allow-transfer", zone, acl, err);
}

int config_add_update(struct config *c, const char *zone, const char *acl,
		      char *err)
{
	return add_acl(&c->updates, &c->nupdates, "allow-update", zone, acl,
		       err);
}

/* ZONE=ACL, for the flag named what. */
static int acl_flag(void *base, const char *what, const char *text,
		    char *err)
{
	const char *eq = strchr(text, '=');
	char zone[NAME_TEXT_MAX];

	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(zone))
		return ERR("--%s: expected ZONE=ACL, got '%.300s'", what, text);
	memcpy(zone, text, (size_t)(eq - text));
	zone[eq - text] = '\0';
	return what[6] == 't' ? config_add_xfr(base, zone, eq + 1, err)
			      : config_add_update(base, zone, eq + 1, err);
}

int config_xfr_flag(void *base, const struct cfg_opt *o, const char *text,
		    char *err)
{
	(void)o;
	return acl_flag(base, "allow-transfer", text, err);
}

int config_update_flag(void *base, const struct cfg_opt *o, const char *text,
		       char *err)
{
	(void)o;
	return acl_flag(base, "allow-update", text, err);
}

static void clear_list(struct cfg_xfr **list, size_t *n)
{
	for (size_t i = 0; i < *n; i++) {
		free((*list)[i].zone);
		free((*list)[i].acl);
	}
	free(*list);
	*list = NULL;
	*n = 0;
}

void config_clear_xfrs(struct config *c)
{
	clear_list(&c->xfrs, &c->nxfrs);
	clear_list(&c->updates, &c->nupdates);
}

static int validate(const struct config *c, const struct cfg_xfr *l,
		    size_t n, const char *what, char *err)
{
	for (size_t i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < c->nzones; j++)
			if (name_equal(c->zones[j].origin, l[i].origin))
				break;
		if (j == c->nzones && c->catalog &&
		    name_equal(c->catalog_origin, l[i].origin))
			continue;       /* the catalog produced */
		/* a zone of the database (known once it is read) may be
		 * transferred and updated (written through) */
		if (j == c->nzones && c->zone_db &&
		    !config_secondary(c, l[i].origin))
			continue;
		if (j == c->nzones && !config_secondary(c, l[i].origin))
			return ERR("%s for zone '%.300s', which is not served",
				   what, l[i].zone);
	}
	return 0;
}

int config_validate_xfrs(const struct config *c, char *err)
{
	if (validate(c, c->xfrs, c->nxfrs, "allow-transfer", err) < 0)
		return -1;
	return validate(c, c->updates, c->nupdates, "allow-update", err);
}
