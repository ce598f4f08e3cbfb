/* banchi-auth config values: defaults (from the schema, through the
 * shared engine cfg.h), zones, the checks made once everything is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

void config_init(struct config *c)
{
	cfg_init(&config_cfg, c, sizeof(*c));
	c->threads = cfg_cores();
}

void config_clear(struct config *c)
{
	size_t i;

	for (i = 0; i < c->nzones; i++) {
		free(c->zones[i].name);
		free(c->zones[i].file);
	}
	free(c->zones);
	config_clear_xfrs(c);
	config_clear_secondaries(c);
	config_clear_notify(c);
	config_clear_notify_ns(c);
	for (i = 0; i < c->nkeys; i++)
		tsig_spec_wipe(&c->keys[i]);
	free(c->keys);
	for (i = 0; i < c->nkeyfiles; i++)
		free(c->keyfiles[i]);
	free(c->keyfiles);
	free(c->listen);
	free(c->user);
	free(c->group);
	free(c->chroot);
	free(c->zone_dir);
	free(c->zone_db);
	free(c->catalog);
	free(c->control);
	free(c->identity);
	free(c->version_text);
	free(c->nsid);
	free(c->path);
	free(c->basedir);
	qlog_conf_clear(&c->qlog);
	memset(c, 0, sizeof(*c));
}

int config_load_text(struct config *c, const char *text, size_t len,
		     const char *name, char *err)
{
	return cfg_load_text(&config_cfg, c, text, len, name, err);
}

int config_load_file(struct config *c, const char *path, char *err)
{
	return cfg_load_file(&config_cfg, c, path, err);
}

int config_add_zone(struct config *c, const char *name, const char *file,
		    char *err)
{
	struct cfg_zone z = { 0 }, *n;
	size_t i;
	int len;

	len = name_from_text(z.origin, name, strlen(name), (const uint8_t *)"");
	if (len < 0 || !*name)
		return ERR("zone '%s': not a valid domain name", name);
	if (!*file)
		return ERR("zone '%s': empty file name", name);
	for (i = 0; i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, z.origin))
			return ERR("zone '%s' given twice", name);
	n = realloc(c->zones, (c->nzones + 1) * sizeof(*n));
	if (!n)
		return ERR("out of memory");
	c->zones = n;
	z.name = strdup(name);
	z.file = strdup(file);
	if (!z.name || !z.file) {
		free(z.name);
		free(z.file);
		return ERR("out of memory");
	}
	c->zones[c->nzones++] = z;
	return 0;
}

const char *config_zone_path(const struct config *c,
			     const struct cfg_zone *z, char *buf, size_t cap)
{
	if (z->file[0] == '/' || !c->basedir)
		return z->file;
	snprintf(buf, cap, "%s/%s", c->basedir, z->file);
	return buf;
}

int config_validate(struct config *c, char *err)
{
	if (c->nlisten == 0)
		return ERR("no listen address (--listen ADDR:PORT or "
			   "server.listen)");
	if (c->catalog && (!*c->catalog ||
			   name_from_text(c->catalog_origin,
					  c->catalog, strlen(c->catalog),
					  (const uint8_t *)"") < 0))
		return ERR("catalog-produce: '%.300s' is not a domain name",
			   c->catalog);
	for (size_t i = 0; c->catalog && i < c->nzones; i++)
		if (name_equal(c->zones[i].origin, c->catalog_origin))
			return ERR("catalog-produce: '%.300s' is also a zone "
				   "from a file", c->catalog);
	if (config_validate_secondaries(c, err) < 0)
		return -1;
	if (config_validate_xfrs(c, err) < 0)
		return -1;
	if (config_validate_notify(c, err) < 0)
		return -1;
	if (qlog_conf_check(&c->qlog, QLOG_MSG_BIT(QLOG_AUTH_QUERY) |
			    QLOG_MSG_BIT(QLOG_AUTH_RESPONSE), err) < 0)
		return -1;
	return config_validate_notify_ns(c, err);
}
