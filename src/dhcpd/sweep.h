/* The sweep at banchi-dhcp's start: the forward zone transferred (AXFR,
 * signed with the --key) from the --ddns server, and the names in it
 * that carry a DHCID but that no lease of ours holds, whose addresses
 * lie in our ranges and are leased to nobody, removed by the DNS
 * updater (RFC 4703 5.5: each A only while that DHCID is there, the
 * DHCID with the last address, the PTR naming them). Names made by
 * hand (no DHCID), names of our leases, and addresses outside our
 * ranges or in use are left alone. */
#ifndef BANCHI_DHCPD_SWEEP_H
#define BANCHI_DHCPD_SWEEP_H

#include <stddef.h>
#include <stdint.h>

#include "dhcpd/ddns.h"

#define SWEEP_TOTAL_MS 5000     /* connect and transfer, at most */

/* One record of the transfer: owner (wire), type, RDATA. */
typedef void sweep_rr_fn(void *arg, const uint8_t *owner, uint16_t type,
			 const uint8_t *rd, uint16_t rdlen);

/* The forward zone of d by AXFR over TCP from d's server, each record
 * of the answer (the SOA twice) handed to fn; signed and verified with
 * d's key when there is one. 0, or -1 with why (cap octets): no
 * connection, the transfer refused (rcode), a TSIG error, a malformed
 * message, or SWEEP_TOTAL_MS passed. Blocking (at start only). */
int sweep_axfr(const struct ddns *d, sweep_rr_fn *fn, void *arg, char *why,
	       size_t cap);

/* The sweep, when d->conf->sweep: the zone transferred, compared with
 * the leases of d->pools (the orphans' too: names being removed
 * already), the work put in d->sweep for ddns_run. A transfer that
 * fails is logged once and the sweep skipped. 0, or -1 out of memory
 * (logged). */
int sweep_run(struct ddns *d);
void sweep_clear(struct ddns *d);

#endif
