/* Values of the DHCP options that are more than addresses and numbers:
 * the domain search list (119, RFC 3397: DNS names compressed within
 * the option), classless static routes (121, RFC 3442), the client FQDN
 * (81, RFC 4702) and host names (12) made safe to store and register. */
#ifndef BANCHI_DHCP_OPT_H
#define BANCHI_DHCP_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A classless route: prefix/width via router (host order). */
struct dhcp_route {
	uint32_t prefix, router;
	uint8_t width;
};

/* Option 119's value for the n names given as text ("lan", "example.
 * com."; always absolute). Returns the length or BN_ENOSPC and the
 * name errors of name_from_text. */
int dhcp_search_encode(uint8_t *out, size_t cap, const char *const *names,
		       size_t n);

/* Option 121's value. Returns the length or BN_ENOSPC / BN_EINVAL (a
 * width over 32). */
int dhcp_routes_encode(uint8_t *out, size_t cap,
		       const struct dhcp_route *r, size_t n);

/* A host name from option 12's text or option 81's name: the first
 * label, lowercased, keeping letters, digits and inner hyphens (other
 * octets dropped), at most 63 characters. Returns its length (0: no
 * usable name), dst NUL-terminated (cap >= 64). */
size_t dhcp_host_clean(char *dst, size_t cap, const uint8_t *v, size_t len);

/* The name in an option 81 value (flags, two rcodes, then a name: DNS
 * wire form when the E flag is set, else ASCII) as dhcp_host_clean
 * makes it. 0 when the option is malformed or without a name. */
size_t dhcp_fqdn_host(char *dst, size_t cap, const uint8_t *v, size_t len);

enum { FQDN_S = 1, FQDN_O = 2, FQDN_E = 4, FQDN_N = 8 };

/* Our option 81 for a client's (RFC 4702 3.2), the client's encoding
 * and name echoed. With server_updates the server registers the A
 * record (S set, O set when the client wanted to do it itself); else
 * no update is done (N set, O set when the client asked for one).
 * Returns the length or BN_ENOSPC / BN_EINVAL. */
int dhcp_fqdn_reply(uint8_t *out, size_t cap, const uint8_t *v,
		    size_t len, bool server_updates);

#endif
