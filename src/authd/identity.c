/* The identity banchi-auth gives out (src/auth/chaos.c): what CHAOS
 * id.server / hostname.bind and version.bind / version.server answer,
 * and the NSID, from the config: the host name and "banchi VERSION"
 * unless configured, "none" for nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/config.h"
#include "authd/identity.h"

#define ERR(...) (snprintf(err, CONFIG_ERR_MAX, __VA_ARGS__), -1)

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The NSID's octets: 0xHEX, or the text as it is. -1 if malformed. */
static int nsid_octets(const char *v, uint8_t *out, size_t *n)
{
	size_t len = strlen(v);

	if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
		if ((len - 2) % 2 || (len - 2) / 2 > AUTH_NSID_MAX)
			return -1;
		for (size_t i = 2; i < len; i += 2) {
			int hi = hexval(v[i]), lo = hexval(v[i + 1]);
			if (hi < 0 || lo < 0)
				return -1;
			out[(i - 2) / 2] = (uint8_t)(hi << 4 | lo);
		}
		*n = (len - 2) / 2;
		return 0;
	}
	if (len > AUTH_NSID_MAX)
		return -1;
	memcpy(out, v, len);
	*n = len;
	return 0;
}

int config_nsid_flag(void *base, const struct cfg_opt *o, const char *v,
		     char *err)
{
	struct config *c = base;
	uint8_t tmp[AUTH_NSID_MAX];
	size_t n;

	(void)o;
	if (strcmp(v, "none") && strcmp(v, "identity") &&
	    nsid_octets(v, tmp, &n) < 0)
		return ERR("nsid '%.100s': TEXT or 0xHEX of at most %d octets, "
			   "identity, or none", v, AUTH_NSID_MAX);
	free(c->nsid);
	c->nsid = strdup(v);
	return c->nsid ? 0 : ERR("out of memory");
}

void identity_apply(struct auth_conf *ac, const struct config *c)
{
	char host[256];
	const char *nsid = c->nsid;
	uint8_t octets[AUTH_NSID_MAX];
	size_t n = 0;

	cfg_chaos_ident(&ac->chaos, c->identity, c->version_text);
	if (nsid && !strcmp(nsid, "identity"))
		nsid = cfg_identity(c->identity, host, sizeof(host));
	if (nsid && strcmp(nsid, "none") && nsid_octets(nsid, octets, &n) < 0)
		n = 0;
	auth_conf_nsid(ac, octets, n);
}
