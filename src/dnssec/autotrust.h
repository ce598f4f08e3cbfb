/* Automated updates of a trust anchor (RFC 5011): the state of each key
 * of one zone's trust point, moved by each DNSKEY set the point's
 * trusted keys validate. A key seen newly waits an add hold-down
 * (ADDPEND) before it is trusted (VALID); a trusted key that goes is
 * MISSING (still trusted, for a while); a key revoked (REVOKE bit, signed
 * by itself) is no longer trusted at once and forgotten after a remove
 * hold-down. A point read from DS records (a new state file: the IANA
 * root DS) trusts at once the keys those DS name. Pure: no I/O, time is
 * an argument; the daemon probes, reads and writes the state file
 * (resolverd/autotrust.c). */
#ifndef BANCHI_DNSSEC_AUTOTRUST_H
#define BANCHI_DNSSEC_AUTOTRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dnssec/dnssec.h"
#include "wire/name.h"

enum ta_state { TA_ADDPEND, TA_VALID, TA_MISSING, TA_REVOKED };

#define TA_KEYS_MAX 16
#define TA_KEY_MAX 1100         /* DNSKEY RDATA: RSA 8192 fits */
#define TA_DS_MAX 8
#define TA_DS_LEN 72            /* tag, alg, type, SHA-384 */

struct ta_key {
	uint8_t rd[TA_KEY_MAX];         /* as last seen (REVOKE bit kept) */
	uint16_t len;
	uint8_t state;                  /* enum ta_state */
	int64_t since;                  /* when it entered it (unix s) */
};

struct ta_point {
	uint8_t zone[NAME_MAXLEN];      /* lowercase */
	struct ta_key k[TA_KEYS_MAX];
	size_t n;
	uint8_t ds[TA_DS_MAX][TA_DS_LEN];       /* the start's DS records,
						 * until a DNSKEY set matches */
	uint16_t dslen[TA_DS_MAX];
	size_t nds;
	uint32_t ttl;                   /* of the DNSKEY set last seen */
};

/* The hold-downs (seconds): RFC 5011's 30 days, and how long a missing
 * key stays trusted (Unbound's keep-missing, a year). */
struct ta_params {
	int64_t add_holddown, del_holddown, keep_missing;
};

/* What one update did to a key, for the log. */
struct ta_event {
	uint16_t tag;                   /* without the REVOKE bit */
	uint8_t from, to;               /* enum ta_state; from 0xff: new */
	bool gone;                      /* forgotten */
};

const char *ta_state_name(uint8_t state);
/* enum ta_state of a name ("VALID"...), or -1. */
int ta_state_parse(const char *name, size_t len);

/* The keys p trusts (VALID and MISSING), as an RRset in out (cap
 * octets: 2-octet lengths and RDATA); count 0 when p has none yet (its
 * DS then: ta_trusted_ds). */
void ta_trusted_keys(const struct ta_point *p, uint8_t *out, size_t cap,
		     struct dnssec_rrset *set);
void ta_trusted_ds(const struct ta_point *p, uint8_t *out, size_t cap,
		   struct dnssec_rrset *set);

/* The zone's DNSKEY set keys (RRSIGs sigs) validated by p's trusted
 * keys, or by its DS when it has none: a DNSSEC_ result. */
int ta_verify(const struct ta_point *p, const struct dnssec_rrset *keys,
	      const struct dnssec_rrset *sigs, uint32_t now,
	      struct dnssec_budget *b);

/* The states moved by keys, a set ta_verify found secure (ttl: its
 * TTL); revoked[i]: item i of keys is revoked and signs the set itself
 * (dnssec_verify_revoked). Up to ncap events in ev; the number of
 * changes (some may not fit ev). */
size_t ta_update(struct ta_point *p, const struct dnssec_rrset *keys,
		 const bool *revoked, uint32_t ttl, int64_t now,
		 const struct ta_params *pp, struct ta_event *ev, size_t ncap);

/* When an ADDPEND key becomes VALID at the latest (the next probe must
 * come by then), or INT64_MAX. */
int64_t ta_next_change(const struct ta_point *p, const struct ta_params *pp);

/* The point as text (autotrust_file.c): the length written, or
 * BN_ENOSPC. ta_file_read: p from text (records given by hand count:
 * a DNSKEY trusted, a DS to start from); 0, or BN_ESYNTAX /
 * BN_ENOTFOUND with "line N: problem" in err (256 octets). */
int ta_file_write(const struct ta_point *p, int64_t now, char *out,
		  size_t cap);
int ta_file_read(struct ta_point *p, const char *text, size_t len,
		 int64_t now, char *err);
/* The records p trusts now, as zone-file text for the anchors
 * (dnssec_anchors_add_text): its VALID and MISSING keys, else its DS.
 * The length (NUL written after), or BN_ENOSPC; "" when it trusts
 * nothing (every key revoked). */
int ta_trusted_text(const struct ta_point *p, char *out, size_t cap);

#endif
