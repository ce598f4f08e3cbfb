/* The network boot choice (boot.h). A client is a boot client by its
 * vendor class (PXE and UEFI firmware send "PXEClient:Arch:..." or
 * "HTTPClient:Arch:...") or by asking for the boot file option; its
 * architecture decides the file, as each firmware can run only its
 * own kind of loader. */
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "dhcp/boot.h"
#include "wire/buf.h"

static const struct {
	const char *name;
	int arch;
} arch_names[] = {
	{ "bios", 0 },          { "efi-ia32", 6 },
	{ "efi-bc", 7 },        { "efi-x64", 9 },
	{ "efi-arm32", 10 },    { "efi-arm64", 11 },
	{ "efi-x64-http", 16 }, { "efi-arm64-http", 19 },
};

#define N_ARCH (sizeof(arch_names) / sizeof(arch_names[0]))

int dhcp_arch_parse(const char *text)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < N_ARCH; i++)
		if (!strcmp(text, arch_names[i].name))
			return arch_names[i].arch;
	if (text[0] < '0' || text[0] > '9')
		return -1;
	v = strtol(text, &end, 10);
	return *end || v < 0 || v > 65535 ? -1 : (int)v;
}

const char *dhcp_arch_name(int arch)
{
	size_t i;

	for (i = 0; i < N_ARCH; i++)
		if (arch_names[i].arch == arch)
			return arch_names[i].name;
	return NULL;
}

static bool starts(const uint8_t *v, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(v, prefix, n);
}

/* "...:Arch:NNNNN..." in a vendor class: the five digits, or -1. */
static int32_t class_arch(const uint8_t *v, size_t len)
{
	static const char tag[] = ":Arch:";
	int32_t a = 0;
	size_t i, k;

	for (i = 0; i + sizeof(tag) - 1 + 5 <= len; i++) {
		if (memcmp(v + i, tag, sizeof(tag) - 1))
			continue;
		for (k = i + sizeof(tag) - 1; k < i + sizeof(tag) - 1 + 5; k++) {
			if (v[k] < '0' || v[k] > '9')
				return -1;
			a = a * 10 + (v[k] - '0');
		}
		return a <= 65535 ? a : -1;
	}
	return -1;
}

/* The client put code in its parameter request list (55). */
static bool asks(const struct dhcp_msg *req, uint8_t code)
{
	const uint8_t *v;
	size_t len;

	return dhcp_get(req, DO_PARAM_LIST, &v, &len) &&
	       memchr(v, code, len) != NULL;
}

void dhcp_boot_client_of(struct dhcp_boot_client *bc,
			 const struct dhcp_msg *req)
{
	const uint8_t *v = NULL;
	size_t len = 0;
	bool has_class = dhcp_get(req, DO_VENDOR_CLASS, &v, &len);

	bc->kind = BOOT_NONE;
	bc->arch = -1;
	if (has_class && starts(v, len, "PXEClient"))
		bc->kind = BOOT_PXE;
	else if (has_class && starts(v, len, "HTTPClient"))
		bc->kind = BOOT_HTTP;
	else if (asks(req, DO_BOOTFILE))
		bc->kind = BOOT_ASKED;
	if (has_class)
		bc->arch = class_arch(v, len);
	if (dhcp_get(req, DO_CLIENT_ARCH, &v, &len) && len >= 2)
		bc->arch = wire_get_u16(v);
	/* iPXE sends "iPXE" bare, RFC 3004 would put a length first */
	bc->ipxe = dhcp_get(req, DO_USER_CLASS, &v, &len) &&
		   memmem(v, len, "iPXE", 4) != NULL;
}

static bool is_url(const char *file)
{
	return !strncmp(file, "http://", 7) || !strncmp(file, "https://", 8);
}

static bool has_ipxe_rules(const struct dhcp_conf *k)
{
	size_t i;

	for (i = 0; i < k->nboot; i++)
		if (k->boot[i].ipxe)
			return true;
	return false;
}

const struct dhcp_boot *dhcp_boot_choose(const struct dhcp_conf *k,
					 const struct dhcp_boot_client *bc)
{
	const struct dhcp_boot *any = NULL, *b;
	bool ipxe = bc->ipxe && has_ipxe_rules(k);
	size_t i;

	if (bc->kind == BOOT_NONE)
		return NULL;
	for (i = 0; i < k->nboot; i++) {
		b = &k->boot[i];
		if (b->ipxe != ipxe ||
		    (bc->kind == BOOT_HTTP && !is_url(b->file)))
			continue;
		if (bc->arch >= 0 && b->arch == bc->arch)
			return b;
		if (b->arch == DHCP_ARCH_ANY && !any)
			any = b;
	}
	return any;
}

int dhcp_boot_reply(const struct dhcp_conf *k, const struct dhcp_msg *req,
		    struct dhcp_msg *h, struct dhcp_opts *o)
{
	struct dhcp_boot_client bc;
	const struct dhcp_boot *b;
	size_t flen;
	int r = 0;

	dhcp_boot_client_of(&bc, req);
	b = dhcp_boot_choose(k, &bc);
	if (!b)
		return 0;
	flen = strlen(b->file);
	h->siaddr = k->boot_server ? k->boot_server : k->server_id;
	/* the file field is NUL-terminated: 127 octets at most */
	if (flen < sizeof(h->file))
		memcpy(h->file, b->file, flen);
	if (flen >= sizeof(h->file) || asks(req, DO_BOOTFILE))
		r |= dhcp_opts_add(o, DO_BOOTFILE, b->file, flen);
	if (k->boot_server_name[0] && asks(req, DO_TFTP_SERVER))
		r |= dhcp_opts_add(o, DO_TFTP_SERVER, k->boot_server_name,
				   strlen(k->boot_server_name));
	if (bc.kind == BOOT_HTTP)
		r |= dhcp_opts_add(o, DO_VENDOR_CLASS, "HTTPClient", 10);
	return r ? BN_ENOSPC : 0;
}
