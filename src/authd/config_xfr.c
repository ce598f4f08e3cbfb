/* banchi-auth's allow-transfer in its config: --allow-transfer
 * ZONE=ACL (repeatable) and the allow-transfer key of a zone in YAML (a
 * string, or a list of entries). Each list is parsed once here so that
 * a mistake is reported where it was written. */
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

static int append(struct config *c, const struct cfg_xfr *x, char *err)
{
	struct cfg_xfr *n = realloc(c->xfrs, (c->nxfrs + 1) * sizeof(*n));

	if (!n)
		return ERR("out of memory");
	c->xfrs = n;
	n[c->nxfrs] = *x;
	n[c->nxfrs].zone = strdup(x->zone);
	n[c->nxfrs].acl = strdup(x->acl);
	if (!n[c->nxfrs].zone || !n[c->nxfrs].acl) {
		free(n[c->nxfrs].zone);
		free(n[c->nxfrs].acl);
		return ERR("out of memory");
	}
	c->nxfrs++;
	return 0;
}

int config_add_xfr(struct config *c, const char *zone, const char *acl,
		   char *err)
{
	struct cfg_xfr x = { .zone = (char *)zone, .acl = (char *)acl };
	struct xfr_acl check = { 0 };
	char *both;

	if (!*zone || name_from_text(x.origin, zone, strlen(zone),
				     (const uint8_t *)"") < 0)
		return ERR("allow-transfer: zone '%.300s': not a valid "
			   "domain name", zone);
	if (xfr_acl_parse(&check, acl, err) < 0)
		return -1;
	xfr_acl_clear(&check);
	for (size_t i = 0; i < c->nxfrs; i++) {
		if (!name_equal(c->xfrs[i].origin, x.origin))
			continue;
		both = join(c->xfrs[i].acl, acl);
		if (!both)
			return ERR("out of memory");
		free(c->xfrs[i].acl);
		c->xfrs[i].acl = both;
		return 0;
	}
	return append(c, &x, err);
}

int config_xfr_flag(void *base, const struct cfg_opt *o, const char *text,
		    char *err)
{
	const char *eq = strchr(text, '=');
	char zone[NAME_TEXT_MAX];

	(void)o;
	if (!eq || eq == text || (size_t)(eq - text) >= sizeof(zone))
		return ERR("--allow-transfer: expected ZONE=ACL, got '%.300s'",
			   text);
	memcpy(zone, text, (size_t)(eq - text));
	zone[eq - text] = '\0';
	return config_add_xfr(base, zone, eq + 1, err);
}

void config_clear_xfrs(struct config *c)
{
	for (size_t i = 0; i < c->nxfrs; i++) {
		free(c->xfrs[i].zone);
		free(c->xfrs[i].acl);
	}
	free(c->xfrs);
	c->xfrs = NULL;
	c->nxfrs = 0;
}

int config_validate_xfrs(const struct config *c, char *err)
{
	for (size_t i = 0; i < c->nxfrs; i++) {
		size_t j;

		for (j = 0; j < c->nzones; j++)
			if (name_equal(c->zones[j].origin, c->xfrs[i].origin))
				break;
		if (j == c->nzones)
			return ERR("allow-transfer for zone '%.300s', which "
				   "is not served", c->xfrs[i].zone);
	}
	return 0;
}
