/* Answers the resolver gives without going upstream (dnsmasq's job and
 * RFC 6761): configured records (local-data), /etc/hosts-format files
 * (A/AAAA plus the derived PTRs), block lists (the name and everything
 * under it: NXDOMAIN, or a fixed address), and the special-use zones
 * (localhost, invalid, test, onion, local, home.arpa, the private and
 * loopback reverse zones). Built once, then read-only (shared by all
 * threads without locks; replaced whole on reload).
 *
 * Lookup order for a name: local records for that exact name (types
 * present are answered, other types get NODATA: Unbound's
 * "transparent"), then the deepest matching block or special zone,
 * where an "allow" entry (allow-special, or a forward/stub zone) at or
 * below a special zone lets the name go upstream.
 *
 * Details as built: a CNAME in local data is followed while its target
 * has local records (else the answer is the chain so far); the apex of
 * a special zone answers SOA ("localhost. nobody.invalid. 1 3600 1200
 * 604800 10800", Unbound's) and NS (localhost.), other types NODATA;
 * negative answers carry that SOA with TTL LOCAL_TTL, owned by the
 * zone; an allow entry also hides the special PTRs of 127.0.0.1 and ::1
 * under it, but not configured records. A loader that fails leaves the
 * lines before the error in ld: drop ld. */
#ifndef BANCHI_RESOLVE_LOCAL_H
#define BANCHI_RESOLVE_LOCAL_H

#include <stddef.h>
#include <stdint.h>

#include "resolve/answer.h"

#define LOCAL_ERR_MAX 256
#define LOCAL_TTL 3600          /* TTL of hosts-file and block answers */

struct local_data;

struct local_data *local_new(void);
void local_free(struct local_data *ld);

/* One record in master-file form, "owner [TTL] [IN] TYPE RDATA" with an
 * absolute owner (e.g. "nas.lan. 300 IN A 192.0.2.7"); types A, AAAA,
 * PTR, TXT, CNAME, MX, SRV (any type the rdata library reads is fine).
 * 0, or -1 with the problem in err. */
int local_add_text(struct local_data *ld, const char *line, char *err);

/* An /etc/hosts-format text: "ADDR NAME [ALIAS...]" lines, '#' comments.
 * Each name gets A or AAAA, each address one PTR (to the first name).
 * Unqualified names are made absolute. Returns the number of entries,
 * or -1 with "NAME:LINE: problem" in err (name is used for messages). */
int local_load_hosts(struct local_data *ld, const char *text, size_t len,
		     const char *name, char *err);

/* Block list text: one domain per line ('#' comments), or hosts-style
 * "0.0.0.0 domain" lines. Each domain and its subdomains are blocked:
 * NXDOMAIN when addr4 and addr6 are NULL, else A queries get addr4 (4
 * octets) and AAAA queries addr6 (16), other types NODATA. Returns the
 * number of domains, or -1 with "NAME:LINE: problem" in err. */
int local_load_blocklist(struct local_data *ld, const char *text,
			 size_t len, const char *name, const uint8_t *addr4,
			 const uint8_t *addr6, char *err);

/* The RFC 6761/6762/7686/8375 special-use zones, answered locally
 * (localhost: A 127.0.0.1 and AAAA ::1; reverse of loopback: PTR
 * localhost.; the rest NXDOMAIN with a local SOA). 0 or BN_ENOMEM. */
int local_add_special(struct local_data *ld);
/* Lets zone (lowercase wire) and its subdomains be resolved normally
 * even under a special zone (allow-special, forward and stub zones). */
int local_allow(struct local_data *ld, const uint8_t *zone);

/* 1 when the name is answered locally (a filled, rcode set, aa true),
 * 0 when it goes to the cache and upstream. qname lowercase. */
int local_answer(const struct local_data *ld, const uint8_t *qname,
		 uint16_t qtype, uint16_t qclass, struct answer *a);

#endif
