/* banchi-check conf FILE: banchi-auth's config file read as the server
 * reads it at start (schema, zones, access lists, keys and key files),
 * without binding or loading anything: mistakes as FILE:LINE: message. */
#include <stdio.h>

#include "authd/cmdline.h"
#include "check.h"

int conf_cmd(const char *file)
{
	char *argv[] = { "banchi-auth", "-c", (char *)file, NULL };
	char err[CONFIG_ERR_MAX];
	struct config c;
	int ret = cmdline_config(&c, 3, argv, NULL, err);

	if (ret < 0) {
		fprintf(stderr, "%s\n", err);
		config_clear(&c);
		return 1;
	}
	printf("%s: ok: %zu zones, %zu keys, %zu allow-transfer, %zu "
	       "allow-update%s%s\n", file, c.nzones, c.nkeys, c.nxfrs,
	       c.nupdates, c.zone_db ? ", zones of " : "",
	       c.zone_db ? c.zone_db : "");
	config_clear(&c);
	return 0;
}
