/* What the resolver core is given: immutable settings (struct res_conf,
 * built by the daemon from its config, replaced whole on reload) and the
 * shared state (struct res_env). The core has no globals: randomness
 * comes from env->random so that tests can replay. */
#ifndef BANCHI_RESOLVE_CONF_H
#define BANCHI_RESOLVE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dnssec/anchor.h"
#include "wire/name.h"

struct cache;
struct infra;

struct res_addr {
	struct sockaddr_storage sa;     /* port set (53 unless configured) */
	socklen_t len;
};

/* One root hint: a root server's name and one of its addresses. */
struct res_hint {
	uint8_t name[NAME_MAXLEN];
	struct res_addr addr;
};

/* Queries at or under zone go to these servers: forwarders (RD set,
 * their answers taken as they come, recursion is theirs) or, for a stub
 * zone, authoritative servers (RD clear, iterated from there). The
 * longest matching zone wins. */
struct res_fwd {
	uint8_t zone[NAME_MAXLEN];      /* lowercase */
	bool stub;
	struct res_addr *addrs;
	size_t naddrs;
};

struct res_conf {
	struct res_hint *hints;         /* built-in IANA hints or a file */
	size_t nhints;
	struct res_fwd *fwd;
	size_t nfwd;
	bool qname_min;                 /* RFC 9156, relaxed (default on) */
	bool use_0x20;                  /* random qname case (default on) */
	/* Delegations may point at 127/8, ::1, 0.0.0.0, ::: only when the
	 * hints or forwarders are themselves loopback (a lab). */
	bool query_loopback;
	uint16_t edns_payload;          /* advertised upstream (1232) */
	unsigned max_upstream;          /* upstream queries per client query (64) */
	unsigned max_depth;             /* nested lookups: glueless NS (5) */
	unsigned max_cname;             /* CNAME/DNAME links (12) */
	unsigned max_time_ms;           /* per client query (10000) */
	unsigned max_ns_names;          /* NS names tried per zone cut (16) */
	/* DNSSEC validation (off): DO upstream (and CD to forwarders),
	 * answers validated from the closest of anchors (res_conf_clear
	 * frees them; res_conf_root_anchor adds IANA's root DS). */
	bool dnssec;
	/* with dnssec: RFC 8198 answers from cached secure NSEC ranges
	 * (off here, on in the daemon's config) */
	bool aggressive_nsec;
	struct dnssec_anchors anchors;
};

/* The defaults in parentheses above; no hints, no forwarders. */
void res_conf_init(struct res_conf *rc);

/* The built-in root hints (IANA root.hints, 13 names, IPv4 and IPv6),
 * allocated into rc (free with res_conf_clear). 0 or BN_ENOMEM. */
int res_conf_builtin_hints(struct res_conf *rc);
/* Replaces rc's hints with those of a root hints file (master-file
 * format: the NS records of "." and the A/AAAA records of their names;
 * other records are ignored). On error rc is unchanged and err (256
 * octets) says "FILE:LINE: problem". 0, BN_ENOMEM, BN_ENOTFOUND (no root
 * NS with an address), BN_ESYNTAX or BN_EINVAL (unreadable). */
int res_conf_load_hints(struct res_conf *rc, const char *path, char *err);

/* Adds the built-in IANA root anchors (dnssec_root_anchors) to
 * rc->anchors. 0, or a dnssec_anchors_add_text error. */
int res_conf_root_anchor(struct res_conf *rc);

/* Frees hints and fwd (and each fwd's addrs), and the anchors. */
void res_conf_clear(struct res_conf *rc);

/* The forward/stub entry covering name (lowercase), or NULL. */
const struct res_fwd *res_conf_forward(const struct res_conf *rc,
				       const uint8_t *name);

/* True for 127.0.0.0/8, ::1, 0.0.0.0, ::, and v4-mapped forms. */
bool res_addr_is_loopback(const struct sockaddr *sa);

struct res_env {
	struct cache *cache;
	struct infra *infra;
	const struct res_conf *conf;
	/* Fills buf with unpredictable octets (arc4random_buf in the daemon). */
	void (*random)(void *buf, size_t len);
	/* Seconds since the epoch, for signature dates (time(NULL) in the
	 * daemon); needed only with conf->dnssec. */
	uint32_t (*wall)(void);
};

#endif
