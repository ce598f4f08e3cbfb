/* Encoders and sanitizers of the structured DHCP options (opt.h). The
 * search list reuses DNS name compression with the option's value as
 * the message the pointers count from (RFC 3397 section 2). */
#include <string.h>

#include "dhcp/opt.h"
#include "wire/name.h"

int dhcp_search_encode(uint8_t *out, size_t cap, const char *const *names,
		       size_t n)
{
	uint8_t name[NAME_MAXLEN];
	struct compr c;
	struct wbuf w;
	size_t i;
	int ret;

	wbuf_init(&w, out, cap);
	compr_init(&c, out);
	for (i = 0; i < n; i++) {
		ret = name_from_text(name, names[i], strlen(names[i]),
				     (const uint8_t *)"");
		if (ret < 0)
			return ret;
		ret = name_pack(&w, name, &c);
		if (ret < 0)
			return ret;
	}
	return (int)w.len;
}

int dhcp_routes_encode(uint8_t *out, size_t cap,
		       const struct dhcp_route *r, size_t n)
{
	struct wbuf w;
	size_t i;
	int k, sig;

	wbuf_init(&w, out, cap);
	for (i = 0; i < n; i++) {
		if (r[i].width > 32)
			return BN_EINVAL;
		sig = (r[i].width + 7) / 8;
		if (wbuf_u8(&w, r[i].width) < 0)
			return BN_ENOSPC;
		for (k = 0; k < sig; k++)
			if (wbuf_u8(&w, (uint8_t)(r[i].prefix >>
						 (24 - 8 * k))) < 0)
				return BN_ENOSPC;
		if (wbuf_u32(&w, r[i].router) < 0)
			return BN_ENOSPC;
	}
	return (int)w.len;
}

static int host_char(uint8_t ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A' + 'a';
	if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')
		return ch;
	return -1;
}

size_t dhcp_host_clean(char *dst, size_t cap, const uint8_t *v, size_t len)
{
	size_t i, n = 0;
	int ch;

	if (cap == 0)
		return 0;
	for (i = 0; i < len && v[i] != '.' && v[i] != 0; i++) {
		ch = host_char(v[i]);
		if (ch < 0 || (ch == '-' && n == 0))
			continue;
		if (n + 1 >= cap || n >= 63)
			break;
		dst[n++] = (char)ch;
	}
	while (n && dst[n - 1] == '-')
		n--;
	dst[n] = 0;
	return n;
}

size_t dhcp_fqdn_host(char *dst, size_t cap, const uint8_t *v, size_t len)
{
	if (cap)
		dst[0] = 0;
	if (len < 3)
		return 0;
	if (!(v[0] & FQDN_E))
		return dhcp_host_clean(dst, cap, v + 3, len - 3);
	/* wire form: the first label only */
	if (len < 4 || v[3] == 0 || v[3] > 63 || (size_t)v[3] > len - 4)
		return 0;
	return dhcp_host_clean(dst, cap, v + 4, v[3]);
}

int dhcp_fqdn_reply(uint8_t *out, size_t cap, const uint8_t *v,
		    size_t len, bool server_updates)
{
	uint8_t flags;

	if (len < 3)
		return BN_EINVAL;
	if (cap < len)
		return BN_ENOSPC;
	if (server_updates)
		flags = FQDN_S | (v[0] & FQDN_E) | (v[0] & FQDN_S ? 0 : FQDN_O);
	else
		flags = FQDN_N | (v[0] & FQDN_E) |
			(v[0] & FQDN_S ? FQDN_O : 0);
	out[0] = flags;
	out[1] = 255;                   /* RFC 4702 2.2: deprecated rcodes */
	out[2] = 255;
	memcpy(out + 3, v + 3, len - 3);
	return (int)len;
}
