/* A record as a row of PowerDNS's records table, written the way
 * `pdnsutil load-zone` (4.x) writes it: the owner lowercase without the
 * final dot, the type as PowerDNS spells it (its mnemonic, else
 * TYPEnnn), the MX and SRV priority in the prio column, names in NS,
 * CNAME, DNAME, PTR, MX, SRV, RP, AFSDB and SOA content absolute without
 * the final dot. The reverse of pdns_row.h; no I/O. */
#ifndef BANCHI_BACKEND_PDNS_OUT_H
#define BANCHI_BACKEND_PDNS_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "wire/name.h"

/* Content text of the largest RDATA (generic hex), with slack. */
#define PDNS_CONTENT_MAX (4 * 65536 + 64)

/* The type column: PowerDNS's mnemonic, or TYPEnnn in buf for a type
 * PowerDNS has none for (it looks rows up by that text). */
const char *pdns_type_text(uint16_t type, char buf[16]);

/* The name column of an owner: lowercase, no final dot ("" never: the
 * root is "."), escapes as PowerDNS writes them (\. \\ and \DDD for
 * octets outside 0x21-0x7e). Its length, or BN_ENOSPC. */
int pdns_name_text(const uint8_t *name, char *out, size_t cap);

/* The content column (and the prio column's value in *prio: the MX and
 * SRV priority, else 0) of one record. RDATA of a type PowerDNS cannot
 * read in presentation form goes in RFC 3597 form (\# len hex). Its
 * length, or BN_ENOSPC / BN_ERDATA. */
int pdns_content(uint16_t type, const uint8_t *rd, size_t rdlen, char *out,
		 size_t cap, unsigned *prio);

#endif
