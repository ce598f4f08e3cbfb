/* banchi-dhcp's network boot options (--boot, --boot-server,
 * --boot-server-name) into the core's boot rules (dhcp/boot.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/boot.h"
#include "dhcpd/config.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

/* "[ipxe:][ARCH=]FILE" or "ipxe=FILE": text before the first '=' is an
 * architecture unless it has a '/', '.' or ':' (then it is part of a
 * file name or URL). */
static int one_boot(const char *text, struct dhcp_boot *b, char *err)
{
	const char *eq;
	char arch[32];
	size_t n;

	b->arch = DHCP_ARCH_ANY;
	b->ipxe = !strncmp(text, "ipxe:", 5) || !strncmp(text, "ipxe=", 5);
	if (b->ipxe)
		text += 5;
	eq = strchr(text, '=');
	n = eq ? (size_t)(eq - text) : 0;
	if (eq && strcspn(text, "/.:") > n) {
		if (n >= sizeof(arch))
			return ERR("--boot: '%.*s' is not an architecture",
				   (int)n, text);
		memcpy(arch, text, n);
		arch[n] = 0;
		b->arch = dhcp_arch_parse(arch);
		if (b->arch < 0)
			return ERR("--boot: '%s' is not an architecture (bios, "
				   "efi-ia32, efi-bc, efi-x64, efi-arm32, "
				   "efi-arm64, efi-x64-http, efi-arm64-http "
				   "or 0-65535)", arch);
		text = eq + 1;
	}
	if (!text[0] || strlen(text) > DHCP_BOOT_FILE_MAX)
		return ERR("--boot: the file must be 1 to %d characters",
			   DHCP_BOOT_FILE_MAX);
	strcpy(b->file, text);
	return 0;
}

static int boot_rules(struct dconfig *c, char *err)
{
	size_t i, j;

	c->boot_rules = calloc(c->boot.n + 1, sizeof(*c->boot_rules));
	if (!c->boot_rules)
		return ERR("out of memory");
	for (i = 0; i < c->boot.n; i++) {
		if (one_boot(c->boot.v[i], &c->boot_rules[i], err) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (c->boot_rules[j].arch == c->boot_rules[i].arch &&
			    c->boot_rules[j].ipxe == c->boot_rules[i].ipxe)
				return ERR("--boot: '%s' and '%s' are for the "
					   "same architecture", c->boot.v[j],
					   c->boot.v[i]);
	}
	c->dc.boot = c->boot_rules;
	c->dc.nboot = c->boot.n;
	return 0;
}

int dconfig_boot(struct dconfig *c, char *err)
{
	struct dhcp_conf *k = &c->dc;
	struct in_addr in;

	if (boot_rules(c, err) < 0)
		return -1;
	if (c->boot_server) {
		if (inet_pton(AF_INET, c->boot_server, &in) != 1)
			return ERR("--boot-server: '%s' is not an IPv4 address",
				   c->boot_server);
		k->boot_server = ntohl(in.s_addr);
	}
	if (c->boot_server_name) {
		if (strlen(c->boot_server_name) >= sizeof(k->boot_server_name))
			return ERR("--boot-server-name: too long");
		strcpy(k->boot_server_name, c->boot_server_name);
	}
	if (!c->boot.n && (c->boot_server || c->boot_server_name))
		return ERR("--boot-server and --boot-server-name need --boot");
	return 0;
}
