/* DHCPv4 messages (RFC 2131) and their options (RFC 2132): parse a
 * datagram into a struct with every option's value joined across its
 * instances (RFC 3396) and the overloaded sname/file fields (option 52);
 * build a reply from a header and an option list, overloading when the
 * options field is full. No I/O; addresses are host-order uint32_t. */
#ifndef BANCHI_DHCP_MSG_H
#define BANCHI_DHCP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_HDR_LEN 240        /* fixed fields and the magic cookie */
#define DHCP_PKT_MAX 4096       /* longest datagram parsed */
#define DHCP_MIN_LEN 300        /* BOOTP minimum: replies are padded */
#define DHCP_DEF_MAX 548        /* reply size without option 57: 576
                                 * less the IP and UDP headers */
#define DHCP_REPLY_MAX 1500     /* reply size with option 57 capped */

enum { BOOTREQUEST = 1, BOOTREPLY = 2 };
enum { DHCP_FLAG_BROADCAST = 0x8000 };

enum dhcp_type {
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK,
	DHCPNAK, DHCPRELEASE, DHCPINFORM
};

enum dhcp_opt {
	DO_PAD = 0, DO_MASK = 1, DO_ROUTER = 3, DO_DNS = 6, DO_HOSTNAME = 12,
	DO_DOMAIN = 15, DO_MTU = 26, DO_BROADCAST = 28, DO_NTP = 42,
	DO_REQ_ADDR = 50, DO_LEASE_TIME = 51, DO_OVERLOAD = 52,
	DO_MSG_TYPE = 53, DO_SERVER_ID = 54, DO_PARAM_LIST = 55,
	DO_MESSAGE = 56, DO_MAX_SIZE = 57, DO_T1 = 58, DO_T2 = 59,
	DO_VENDOR_CLASS = 60, DO_CLIENT_ID = 61, DO_TFTP_SERVER = 66,
	DO_BOOTFILE = 67, DO_USER_CLASS = 77, DO_FQDN = 81, DO_RELAY = 82, DO_CLIENT_ARCH = 93,
	DO_SEARCH = 119,
	DO_ROUTES = 121, DO_END = 255
};

/* A parsed message. The header fields as sent; sname and file raw (they
 * hold options when overloaded). opt_len[c] is option c's joined
 * length at optdata + opt_off[c], opt_has marks the options present
 * (a zero-length option is present). */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	uint8_t sname[64];
	uint8_t file[128];
	uint8_t overload;               /* option 52 as read: 0-3 */
	uint8_t opt_has[32];
	uint16_t opt_off[256], opt_len[256];
	uint8_t optdata[DHCP_PKT_MAX];
};

/* 0, or BN_ESHORT (shorter than the fixed part), BN_EINVAL (no magic
 * cookie, longer than DHCP_PKT_MAX), BN_ETRUNC (an option runs past its
 * field). A message without an end option is taken as it is. */
int dhcp_parse(struct dhcp_msg *m, const uint8_t *pkt, size_t len);

bool dhcp_has(const struct dhcp_msg *m, uint8_t code);
/* Option code's value: true with *v and *len when present. */
bool dhcp_get(const struct dhcp_msg *m, uint8_t code, const uint8_t **v,
	      size_t *len);
/* An option of exactly 1 or 4 octets (an address: host order): true
 * when present with that length. */
bool dhcp_get_u8(const struct dhcp_msg *m, uint8_t code, uint8_t *v);
bool dhcp_get_u32(const struct dhcp_msg *m, uint8_t code, uint32_t *v);
/* Option 53, or 0 when missing or malformed. */
int dhcp_msg_type(const struct dhcp_msg *m);
const char *dhcp_type_name(int type);

/* Options of a message being built, in the order added; values of any
 * length (over 255 octets they go out as several instances). */
#define DHCP_OPTS_DATA 2048
#define DHCP_OPTS_N 64
struct dhcp_opts {
	uint8_t data[DHCP_OPTS_DATA];
	size_t used, n;
	struct {
		uint8_t code;
		uint16_t off, len;
	} o[DHCP_OPTS_N];
};

void dhcp_opts_init(struct dhcp_opts *o);
/* 0 or BN_ENOSPC (o unchanged). Codes 0, 52 and 255 are BN_EINVAL. */
int dhcp_opts_add(struct dhcp_opts *o, uint8_t code, const void *v,
		  size_t len);
int dhcp_opts_u8(struct dhcp_opts *o, uint8_t code, uint8_t v);
int dhcp_opts_u16(struct dhcp_opts *o, uint8_t code, uint16_t v);
int dhcp_opts_u32(struct dhcp_opts *o, uint8_t code, uint32_t v);
/* n addresses (host order) as one option; n 0 adds nothing. */
int dhcp_opts_addrs(struct dhcp_opts *o, uint8_t code, const uint32_t *a,
		    size_t n);

/* Writes h's fixed fields (options in h ignored) and the options into
 * out, at most maxlen octets (DHCP_MIN_LEN..cap), padded to
 * DHCP_MIN_LEN. When the options field cannot hold them, the file and
 * then sname fields are used (option 52), if h leaves them empty.
 * Returns the length, or BN_ENOSPC / BN_EINVAL. */
int dhcp_build(const struct dhcp_msg *h, const struct dhcp_opts *o,
	       size_t maxlen, uint8_t *out, size_t cap);

#endif
