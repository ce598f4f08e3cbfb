/* Internals of the local data shared by local.c (the name table and the
 * lookup), local_hosts.c (hosts and block list files) and
 * local_special.c (the RFC 6761 zones). Not a public contract. */
#ifndef BANCHI_RESOLVE_LOCAL_INT_H
#define BANCHI_RESOLVE_LOCAL_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "resolve/local.h"

/* What a zone cut in the local data does with the names under it. */
enum local_zone {
	LZ_NONE = 0,
	LZ_ALLOW,       /* resolved normally (hole in a special zone) */
	LZ_BLOCK,       /* NXDOMAIN, or the block list's fixed address */
	LZ_STATIC,      /* NXDOMAIN; apex SOA and NS (Unbound "static") */
	LZ_LOCALHOST,   /* every name: A 127.0.0.1, AAAA ::1 (RFC 6761 6.3) */
};

/* One RRset of local data: RDATA in the rrset.h sequence form. */
struct local_set {
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	bool special;           /* from local_add_special(): allow hides it */
	uint8_t *rd;
	size_t len, cap;
};

/* A name in the table: its records, the zone cut there if any, and
 * whether names below it have records (an empty non-terminal). */
struct local_node {
	const uint8_t *name;    /* lowercase wire, in the arena */
	uint32_t hash;
	uint8_t zone;           /* enum local_zone */
	bool ent;
	uint16_t nsets;
	struct local_set *sets;
	const struct local_block *block;        /* LZ_BLOCK */
};

/* A block list's answer: fixed addresses, or NXDOMAIN when none. */
struct local_block {
	bool has4, has6;
	uint8_t a4[4], a6[16];
};

/* The node of name (lowercase), NULL when absent. */
const struct local_node *local_find(const struct local_data *ld,
				    const uint8_t *name);

/* The node of name (lowercase) or NULL, and in *zone the deepest zone
 * cut at or above name (NULL when none). */
const struct local_node *local_walk(const struct local_data *ld,
				    const uint8_t *name,
				    const struct local_node **zone);

/* The SOA and NS RDATA (sequence form, one item) of the local zones:
 * "localhost. nobody.invalid. 1 3600 1200 604800 10800" and "localhost.". */
const uint8_t *local_soa_rd(const struct local_data *ld, size_t *len);
const uint8_t *local_ns_rd(const struct local_data *ld, size_t *len);

/* Adds one record (owner any case, stored RDATA) to the local data.
 * special marks data of the special-use zones, which an allow entry
 * hides. Duplicates are dropped. 0, BN_ENOMEM or BN_EINVAL. */
int local_add_rr(struct local_data *ld, const uint8_t *owner,
		 uint16_t type, uint32_t ttl, const uint8_t *rd,
		 uint16_t rdlen, bool special);

/* Makes name (any case) a zone cut of this kind; a later call for the
 * same name replaces the kind. block is kept by pointer (LZ_BLOCK). */
int local_set_zone(struct local_data *ld, const uint8_t *name,
		   enum local_zone kind, const struct local_block *block);

/* A block style owned by ld (freed with it); NULL when out of memory. */
struct local_block *local_block_new(struct local_data *ld);

/* The reverse-lookup name of an address: 4 octets (in-addr.arpa) or 16
 * (ip6.arpa nibbles). Writes the wire name to dst (NAME_MAXLEN). */
void local_reverse_name(uint8_t *dst, const uint8_t *addr, size_t len);

#endif
