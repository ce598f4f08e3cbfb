/* In-memory zone built from the parser's records: records are copied into
 * an arena, then zone_finish() sorts them into canonical order, drops
 * duplicates and groups them into RRsets and nodes the way BIND loads a
 * master file. The later server-side store grows from this. */
#ifndef BANCHI_ZONE_ZONE_H
#define BANCHI_ZONE_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "wire/name.h"
#include "zparse/zparse.h"

/* Longest sort key: every owner octet escaped to two, one end mark a label. */
#define ZONE_KEY_MAX (2 * NAME_MAXLEN + NAME_MAXLABELS)

/* BIND refuses a zone with an RRset whose RDATA plus 2 octets each
 * exceeds DNS_RDATA_MAXLENGTH: it would not fit in a message. */
#define ZONE_RRSET_MAX 65512

/* Diagnostic levels: a warning, an error (exit 1 of banchi-check zone),
 * an error that also makes the server refuse the zone. */
enum zone_level {
	ZONE_WARN = 0,
	ZONE_ERR = 1,
	ZONE_REFUSE = 2,
};

typedef void (*zone_diag_fn)(void *ctx, const char *file, unsigned line,
			     enum zone_level level, const char *msg);

struct zone_rr {
	const uint8_t *owner;           /* wire name, case as written */
	const uint8_t *key;             /* sort key of owner, origin part cut */
	uint64_t prefix;                /* first 8 key octets, big-endian */
	const uint8_t *rdata;           /* stored (uncompressed) RDATA */
	uint32_t ttl;                   /* after the per-run rule */
	uint32_t line;
	uint32_t seq;                   /* file order */
	uint16_t keylen;
	uint16_t type;
	uint16_t rclass;
	uint16_t rdlen;
	uint16_t file;                  /* index into zone.files */
};

/* RRs of one owner, type and class; rrs[first .. first+count). As in
 * BIND, RRSIG and SIG make one set per type covered. */
struct zone_rrset {
	const uint8_t *owner;           /* owner as its first RR wrote it */
	uint32_t ttl;                   /* as BIND sets it, see zone_finish */
	uint32_t first, count;
	uint16_t type;
	uint16_t rclass;
};

/* RRsets of one owner name; sets[first .. first+count), sorted by type. */
struct zone_node {
	const uint8_t *owner;
	const uint8_t *key;             /* as in zone_rr */
	uint16_t keylen;
	uint32_t first, count;
};

struct zone {
	struct arena arena;
	uint8_t origin[NAME_MAXLEN];
	uint16_t rclass;
	uint16_t origin_klen;           /* key octets every owner shares */
	uint8_t origin_labels;
	uint16_t origin_len;
	struct zone_rr **rrs;           /* after zone_finish: sorted, unique */
	size_t nrr, rrcap;
	struct zone_rrset *sets;
	size_t nsets;
	struct zone_node *nodes;        /* canonical order */
	size_t nnodes;
	const char **files;             /* file names, in order first seen */
	size_t nfiles;
	size_t dropped;                 /* duplicates and out-of-zone RRs */
	uint32_t now;                   /* seconds since 1970 for signature
					 * expiry warnings, 0 = no such check */
	zone_diag_fn diag;              /* may be NULL */
	void *diag_ctx;
	bool no_warnings;               /* diag drops ZONE_WARN: the checks
					 * spare formatting them */
	bool apex_glue_err;             /* an in-zone apex NS target without
					 * an address is an error, not a
					 * refusal (PowerDNS serves it) */
	size_t refused;                 /* RRs the server would not load */
	bool old_dnssec;                /* SIG or NXT seen (warned once) */
	const uint8_t *last_owner;      /* for sharing owner copies */
	uint16_t last_ownerlen;
	const uint8_t *last_key;
	uint16_t last_keylen;
	uint64_t last_prefix;
	/* BIND loads a run of lines with one owner (same spelling, same
	 * file) as one batch: inside it the first TTL of each type wins;
	 * when batches merge, the later batch's TTL wins. */
	uint16_t run_n;
	struct { uint16_t type, rclass, covers; uint32_t ttl; } run[32];
};

/* origin is copied; rclass 0 means IN. */
void zone_init(struct zone *z, const uint8_t *origin, uint16_t rclass);
void zone_clear(struct zone *z);

/* Copies one parsed record. Out-of-zone records are dropped with a
 * warning, as BIND does. Returns 0 or BN_ENOMEM. Usable directly as the
 * body of a zparse_rr_fn. */
int zone_add(struct zone *z, const struct zrr *rr);

/* Sorts, drops duplicate RRs (the last copy's RDATA stays, as in BIND),
 * builds RRsets and nodes. TTLs as BIND sets them: inside a run of lines
 * with one owner spelling in one file the first TTL of a type wins (with
 * a warning), an RRset spread over several runs gets the last run's.
 * Returns 0 or BN_ENOMEM. After it the zone is read-only. */
int zone_finish(struct zone *z);

/* Canonical sort key of a wire name: labels from the root, lowercased,
 * each ended by 0x00 with 0x00/0x01 inside labels escaped, so that
 * memcmp order is RFC 4034 name order. key holds ZONE_KEY_MAX octets. */
size_t zone_name_key(uint8_t *key, const uint8_t *name);

/* Node for name or NULL (after zone_finish). */
const struct zone_node *zone_find(const struct zone *z, const uint8_t *name);

/* Node for name, or the wildcard node that answers for it (RFC 4592:
 * "*." + closest encloser, only when name does not exist); *wildcard
 * says which. NULL when neither exists. */
const struct zone_node *zone_lookup(const struct zone *z, const uint8_t *name,
				    bool *wildcard);

/* Node i's owner and records, fetched ahead of a pass over the nodes in
 * canonical order (they sit in file order, so such a pass reads them at
 * random); i past the end is ignored. ZONE_PREFETCH_AHEAD is how far. */
#define ZONE_PREFETCH_AHEAD 8
void zone_prefetch_node(const struct zone *z, size_t i);

/* RRset of node with type (class ignored), or NULL. */
const struct zone_rrset *zone_node_rrset(const struct zone *z,
					 const struct zone_node *n,
					 uint16_t type);

/* File name of rr. */
const char *zone_rr_file(const struct zone *z, const struct zone_rr *rr);

/* Whether zone_report() passes a diagnostic of level on (a diag is set,
 * and warnings are wanted): callers skip formatting one it drops. */
static inline bool zone_reports(const struct zone *z, enum zone_level level)
{
	return z->diag && (level != ZONE_WARN || !z->no_warnings);
}

/* Reports a diagnostic through z->diag; msg is printf-style. Dropped
 * when !zone_reports(). */
void zone_report(const struct zone *z, const struct zone_rr *rr,
		 enum zone_level level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Semantic checks of a finished zone (zone_check.c), in the manner of
 * named-checkzone -i local -k fail and kzonecheck together. Reports
 * through z->diag; returns the number of ZONE_ERR/ZONE_REFUSE
 * diagnostics, and sets *refuse when the server must not load it. */
int zone_check(const struct zone *z, bool *refuse);

/* The checks of each node on its own (zone_check without those across
 * names: what a change of some names can break; the apex's own when the
 * apex is among them), on a zone holding only some names of a larger
 * one. Returns and reports as zone_check. */
int zone_check_nodes(const struct zone *z, bool *refuse);

#endif
