/* fuzz_reply's DNSSEC check (reply_dnssec.c). */
#ifndef BANCHI_FUZZ_REPLY_DNSSEC_H
#define BANCHI_FUZZ_REPLY_DNSSEC_H

#include <stddef.h>
#include <stdint.h>

/* Verifies what a reply (pkt, len octets, as received) signs, aborting
 * on a broken invariant; a reply that does not parse is skipped. */
void reply_dnssec(const uint8_t *pkt, size_t len);

#endif
