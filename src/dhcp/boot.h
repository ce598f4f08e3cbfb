/* Network boot (PXE, UEFI PXE and UEFI HTTP boot): which boot file a
 * client gets, chosen by its processor architecture (option 93, RFC
 * 4578; IANA's processor architecture types), and the reply fields that
 * carry it (siaddr, file, options 66 and 67, option 60 "HTTPClient"). */
#ifndef BANCHI_DHCP_BOOT_H
#define BANCHI_DHCP_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "dhcp/msg.h"
#include "dhcp/pool.h"

#define DHCP_ARCH_ANY (-1)      /* a rule for any other architecture */
#define DHCP_BOOT_FILE_MAX 255  /* a boot file or URL, octets */

/* One --boot rule: clients of arch get file; an ipxe rule is for
 * clients already running iPXE (option 77 "iPXE"), which would
 * otherwise load iPXE again for ever. */
struct dhcp_boot {
	int32_t arch;                   /* 0..65535, or DHCP_ARCH_ANY */
	char file[DHCP_BOOT_FILE_MAX + 1];
	bool ipxe;
};

/* An architecture's name (bios, efi-ia32, efi-bc, efi-x64, efi-arm32,
 * efi-arm64, efi-x64-http, efi-arm64-http) or number (0..65535) to its
 * type; -1 when it is neither. */
int dhcp_arch_parse(const char *text);
/* The name of a type, or NULL for one without a name. */
const char *dhcp_arch_name(int arch);

/* What a request says of network boot. kind: not a boot client, a PXE
 * client (option 60 "PXEClient..."), an HTTP boot client (option 60
 * "HTTPClient..."), or another client asking for option 67. arch: the
 * first of option 93's types, else the one in option 60's
 * ":Arch:NNNNN", else -1. ipxe: the user class (77) says "iPXE". */
enum dhcp_boot_kind { BOOT_NONE, BOOT_PXE, BOOT_HTTP, BOOT_ASKED };
struct dhcp_boot_client {
	enum dhcp_boot_kind kind;
	int32_t arch;
	bool ipxe;
};
void dhcp_boot_client_of(struct dhcp_boot_client *bc,
			 const struct dhcp_msg *req);

/* The rule for that client: the one of its architecture, else the one
 * for any other; an HTTP boot client only gets a URL (http:// or
 * https://), since its firmware cannot use anything else. An iPXE
 * client chooses among the ipxe rules when there are any, others never
 * do. NULL: no boot file for it. */
const struct dhcp_boot *dhcp_boot_choose(const struct dhcp_conf *k,
					 const struct dhcp_boot_client *bc);

/* Adds what a boot client gets to a reply being built: siaddr (the
 * boot server, default the server identifier), the file in the BOOTP
 * file field when it fits (127 octets), option 67 when the client asks
 * for it or the file field is too small, option 66 when configured and
 * asked for, option 60 "HTTPClient" to an HTTP boot client (the UEFI
 * specification wants it in the offer). Nothing for other clients.
 * 0, or BN_ENOSPC. */
int dhcp_boot_reply(const struct dhcp_conf *k, const struct dhcp_msg *req,
		    struct dhcp_msg *h, struct dhcp_opts *o);

#endif
