/* The DNS side of a lease, without I/O: the DHCID that marks a name as
 * one lease's (RFC 4701), the names, and the RFC 2136 UPDATE messages of
 * RFC 4703's conflict resolution. A name is claimed only when unused
 * (no record at all) or already marked with our DHCID, so records made
 * by hand or another client's are never overwritten. */
#ifndef BANCHI_DHCP_DDNS_H
#define BANCHI_DHCP_DDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wire/name.h"

#define DDNS_DHCID_LEN 35       /* type, digest type, SHA-256 */

/* RFC 4701 DHCID RDATA over the client's identity and the FQDN (wire
 * form, lowercased first): identifier type 1 over option 61's value
 * when cid_opt, else type 0 over htype and chaddr (which is how the
 * pool keys such clients). 0 or BN_EINVAL (libcrypto failed). */
int ddns_dhcid(uint8_t out[DDNS_DHCID_LEN], bool cid_opt,
	       const uint8_t *cid, size_t cidlen, const uint8_t *fqdn);

/* "host" under zone (wire), the reverse name "d.c.b.a.in-addr.arpa.".
 * The wire length or a name error. */
int ddns_fqdn(uint8_t out[NAME_MAXLEN], const char *host,
	      const uint8_t *zone);
int ddns_reverse(uint8_t out[NAME_MAXLEN], uint32_t addr);

/* The steps (RFC 4703 5.3-5.5): A_NEW adds A and DHCID if the name is
 * unused; A_OURS replaces the A if the DHCID is ours; A_DEL deletes the
 * A of the lease's address (that one only: the same host's other
 * address, or its AAAA, stays) if the DHCID is ours; DHCID_DEL deletes
 * the DHCID if no A or AAAA is left; PTR_SET replaces the PTR records of
 * the reverse name; PTR_DEL deletes the PTR record naming us. */
enum ddns_step { DDNS_A_NEW, DDNS_A_OURS, DDNS_A_DEL, DDNS_DHCID_DEL,
		 DDNS_PTR_SET, DDNS_PTR_DEL, DDNS_DONE, DDNS_CONFLICT };

struct ddns_req {
	const uint8_t *zone;            /* forward or reverse, by step */
	const uint8_t *fqdn;
	const uint8_t *rev;
	uint32_t addr, ttl;
	const uint8_t *dhcid;           /* DDNS_DHCID_LEN octets */
	uint16_t id;
};

/* The UPDATE for step, unsigned. The length, or BN_ENOSPC. */
int ddns_build(uint8_t *buf, size_t cap, enum ddns_step step,
	       const struct ddns_req *r);

/* The step after step was answered with rcode (adding: A_NEW, then
 * A_OURS when the name is in use, then PTR_SET; removing: A_DEL, then
 * DHCID_DEL unless the name was not ours, then PTR_DEL),
 * DDNS_CONFLICT when the name is someone else's, or step
 * again (-1 returned) when the answer says to retry later (SERVFAIL,
 * REFUSED, NOTAUTH, ...). */
int ddns_next(enum ddns_step step, int rcode);

const char *ddns_step_name(int step);

#endif
