/* The iterator's private state, shared by iter.c (the state machine),
 * iter_select.c (zone cuts and server choice), iter_query.c (the
 * upstream query and the reply's acceptance checks), iter_reply.c (what
 * a reply is: retry, lame, referral with its glue, or an answer),
 * iter_chain.c (following an answer's chain, negative answers) and
 * iter_sets.c (RRsets out of a reply, cached). A resolution is a small
 * stack of goals: frame 0 is the client's question, the frames above it
 * resolve name server addresses (or prime the root) on the side. */
#ifndef BANCHI_RESOLVE_ITER_INT_H
#define BANCHI_RESOLVE_ITER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "resolve/answer.h"
#include "resolve/cache.h"
#include "resolve/conf.h"
#include "resolve/infra.h"
#include "resolve/iter.h"
#include "dnssec/dnssec.h"
#include "wire/msg.h"
#include "wire/rdata.h"

#define ITER_MAX_FRAMES 6       /* side goals nested: conf->max_depth capped */
#define ITER_MAX_NS 16          /* NS names kept per cut (max_ns_names capped) */
#define ITER_MAX_SRV 32         /* addresses kept per cut */
#define ITER_MAX_TRIES 2        /* sends to one address for one cut */
#define ITER_MAX_RR 1024        /* records indexed in one reply */
#define ITER_BAND_MS 400        /* srtt band explored around the best */
#define ITER_MAX_STEPS 4096     /* state transitions per iter_step call */
#define ITER_MIN_LABELS 10      /* QNAME minimisation steps at most */
#define ITER_SETBUF_MIN 4096    /* RRset assembly space, grown on demand ... */
#define ITER_SETBUF_MAX (1u << 20) /* ... up to this */
#define ITER_CBUF 16384         /* cache copies of NS and address sets */
#define ITER_MAX_TARGETS 32     /* NS-name lookups per client query (Unbound: 64) */
#define ITER_MAX_TARGET_NX 5    /* NXDOMAIN replies to them (Unbound's number) */
#define ITER_CASE_LOST 2        /* reply_accept: ours, but our 0x20 case lost */

/* How the current cut's servers are to be asked. */
enum cut_kind { CUT_ITER = 0, CUT_HINTS, CUT_STUB, CUT_FWD };

/* What a frame does next (one function per state in iter.c). */
enum frame_state {
	FS_FIND_CUT = 0,        /* where to start: forwarder, cache, hints */
	FS_SELECT,              /* choose a server (or resolve an NS name) */
	FS_SEND,                /* build the query for the chosen server */
	FS_WAIT,                /* query out: iter_consume or iter_timeout */
	FS_VALIDATE,            /* frame 0 answered: DNSSEC (iter_validate.c) */
};

#define ITER_VAL_GOAL (-2)      /* parent_ns of a validation side goal */
#define VAL_MAX_ASKED 24        /* DS/DNSKEY side goals per client query */
#define VAL_BUF (65536 + 2 * NAME_MAXLEN)
#define VAL_PROOFS 4
#define VAL_PBUF 32768          /* frame 0's authority sets, packed */

/* The validation phase of one resolution (iter_validate.c). */
struct iter_val {
	bool on;                        /* this resolution validates */
	uint16_t next;                  /* answer set to validate next */
	uint32_t now;                   /* wall clock, seconds */
	uint64_t now_ms;                /* the caller's clock, this turn */
	struct dnssec_budget budget;
	uint16_t nasked;                /* side goals asked (never twice) */
	struct {
		uint8_t name[NAME_MAXLEN];
		uint16_t type;
	} asked[VAL_MAX_ASKED];
	uint8_t *kbuf, *sbuf;           /* cache copies: keys, the set checked */
	/* the negative replies of the last VAL_PROOFS DS side goals (a
	 * walk may need a parent's before it can check a child's) */
	struct {
		uint8_t name[NAME_MAXLEN];
		uint8_t *pkt;           /* malloc'd, len octets (0: none) */
		uint16_t len;
	} proofs[VAL_PROOFS];
	unsigned proof_next;
	/* frame 0's replies: their authority sets (SOA, NSEC, NSEC3 with
	 * RRSIGs) packed (proofset.h), for the proofs of a negative or
	 * wildcard answer; dbuf: a DS proof's, nbuf: a negative entry
	 * being made (malloc'd, VAL_PBUF octets) */
	uint8_t *pbuf, *dbuf, *nbuf;
	size_t plen;
	/* frame 0's negative answer: what it denies */
	bool neg;
	bool neg_nx;                    /* NXDOMAIN, else NODATA */
	uint8_t neg_why;                /* a secure NODATA for DS: its why */
	uint8_t neg_rank;
	uint16_t neg_type;
	uint8_t neg_name[NAME_MAXLEN];
	/* the set being checked was expanded from a wildcard of this zone:
	 * its proof goes with it (val_wild_attach) */
	bool wild;
	uint8_t wild_zone[NAME_MAXLEN];
	/* the zone cut each answer set came from (root: not known), for
	 * sets without RRSIGs: which zone's keys say whether they may be */
	uint8_t cut[ANSWER_SETS][NAME_MAXLEN];
	/* the first failure met, for the EDE's text */
	bool failed;
	int fail_res;
	uint16_t fail_type;
	uint8_t fail_name[NAME_MAXLEN];
};

enum ns_state { NS_NEED = 0, NS_HAVE, NS_RESOLVING, NS_FAILED };

struct iter_ns {
	uint8_t name[NAME_MAXLEN];      /* lowercase */
	uint8_t state;                  /* enum ns_state */
	bool child;                     /* addresses from its own zone, cached */
	bool pside_asked;               /* looked up from above that zone */
};

/* Server tiers (srv_pick): the zone's own servers, then those that
 * failed a recent query (INFRA_AVOID); when they are spent, the NS
 * names without addresses are looked up; then servers that gave an
 * empty reply or are only the parent's glue for a name; last, recursive
 * servers that answer without authority, asked with RD (Unbound's
 * order). */
enum srv_tier { TIER_GOOD = 0, TIER_AVOID, TIER_LATER, TIER_RECURSIVE };

struct iter_srv {
	struct res_addr addr;
	uint8_t tries;                  /* failures here (ITER_MAX_TRIES: done) */
	/* Fallbacks for this client query only; infra learns them when
	 * the fallback gets a real answer. */
	bool no_edns;                   /* FORMERR/NOTIMP to EDNS: ask without */
	bool no_0x20;                   /* lost our case: ask in lowercase */
	bool empty;                     /* gave an empty reply: TIER_LATER */
	bool pside;                     /* only the parent's glue: TIER_LATER */
	bool recursive;                 /* RA without AA: TIER_RECURSIVE, RD */
};

struct iter_frame {
	uint8_t qname[NAME_MAXLEN];     /* the goal, lowercase */
	uint16_t qtype;
	uint8_t state;                  /* enum frame_state */
	uint8_t kind;                   /* enum cut_kind */
	uint8_t zone[NAME_MAXLEN];      /* the cut: servers are authoritative here */
	uint8_t bail[NAME_MAXLEN];      /* records accepted at or under this */
	bool minimise;                  /* QNAME minimisation still on */
	uint8_t min_labels;             /* labels asked beyond the cut */
	bool tried_aaaa;                /* side goal: AAAA asked after A */
	bool pside;                     /* side goal: from above the name's zone */
	bool cached;                    /* the cut is the child's NS set, cached */
	bool from_cache;                /* the cut came from the cache */
	bool refetched;                 /* ... and was asked of the parent again */
	uint8_t skip_labels;            /* cached cuts this deep are passed by */
	int parent_ns;                  /* side goal: index in the parent's ns[] */
	uint16_t nns, nsrv;
	struct iter_ns ns[ITER_MAX_NS];
	struct iter_srv srv[ITER_MAX_SRV];
	int cur;                        /* srv chosen for FS_SEND */
	/* Since the cut was set: replies taken, and servers found silent
	 * (timed out, or known dead and skipped): all silent is EDE 22. */
	uint16_t replies, silent;
	bool empty_seen;                /* an empty reply was set aside */
};

/* The one query outstanding. */
struct iter_sent {
	uint16_t id;
	uint8_t qname[NAME_MAXLEN];     /* as sent (0x20 case) */
	uint16_t qtype;
	bool minimised;                 /* qname/qtype are a minimisation step */
	bool edns, tcp, rd;
	bool use_0x20;                  /* qname case randomised */
	bool case_lost;                 /* a reply came with our case lost */
	bool clipped;                   /* wait cut short by max_time_ms */
	uint64_t at_ms;
	unsigned rto_ms;                /* the server's RTO when sent */
	int srv;                        /* index in the top frame's srv[] */
};

struct iter {
	const struct res_env *env;
	uint8_t qname[NAME_MAXLEN];     /* the client's question, lowercase */
	uint16_t qtype, qclass;
	unsigned flags;
	uint64_t start_ms;
	/* A prefetch looks this far ahead (the entry's TTL left and a
	 * minute): it resolves as a query at the entry's expiry would,
	 * so delegations gone by then are fetched again from the parent
	 * and what expires by then is replaced (Unbound's leeway). */
	uint64_t ahead_ms;
	bool done;
	bool primed;                    /* priming tried in this resolution */
	unsigned ncname;                /* CNAME/DNAME links followed */
	unsigned targets, target_nx;    /* NS-name lookups, NXDOMAINs they met */
	unsigned depth;                 /* frames in use - 1 */
	struct iter_stats stats;
	struct iter_sent sent;
	bool want_tcp;                  /* next send of the top frame over TCP */
	struct iter_query last;         /* the query out, for a repeated step */
	struct iter_frame frames[ITER_MAX_FRAMES];
	struct iter_val val;
	struct answer ans;              /* the client's answer */
	struct answer scratch;          /* cache lookups for CNAME targets */
	struct msg_rr rr[ITER_MAX_RR];
	uint8_t *setbuf;                /* one RRset being built */
	size_t setcap;
	uint8_t cbuf[ITER_CBUF];        /* cache_get copies (bigger: a miss) */
};

static inline struct iter_frame *iter_top(struct iter *it)
{
	return &it->frames[it->depth];
}

/* iter.c */
void iter_fail(struct iter *it);
void iter_frame_done(struct iter *it);
void iter_frame_failed(struct iter *it);
int iter_push(struct iter *it, const uint8_t *name, uint16_t qtype,
	      int parent_ns);
void iter_restart_at(struct iter *it, const uint8_t *target, uint64_t now);

/* iter_select.c */
void cut_find(struct iter *it, struct iter_frame *f, uint64_t now);
void cut_set_referral(struct iter *it, struct iter_frame *f,
		      const uint8_t *zone);
bool cut_add_ns(struct iter_frame *f, const struct res_conf *rc,
		const uint8_t *name);
bool cut_add_addr(struct iter *it, struct iter_frame *f, uint16_t type,
		  const uint8_t *rd, bool configured);
bool cut_add_pside(struct iter *it, struct iter_frame *f, uint16_t type,
		   const uint8_t *rd);
bool cut_has_ns(const struct iter_frame *f, const uint8_t *name);
bool cut_refetch(struct iter_frame *f);
void cut_cached_addrs(struct iter *it, struct iter_frame *f, uint64_t now);
int srv_pick(struct iter *it, struct iter_frame *f, uint64_t now,
	     enum srv_tier max);

/* iter_query.c */
uint16_t query_qtype(const struct iter_frame *f);
int query_build(struct iter *it, struct iter_frame *f, uint64_t now,
		struct iter_query *q, bool tcp);
int reply_accept(struct iter *it, const uint8_t *pkt, size_t len,
		 struct msg *m);

/* iter_reply.c */
void reply_process(struct iter *it, const struct msg *m, uint64_t now);
/* The server asked is done for this goal; how: what infra keeps of it
 * for the zone (INFRA_OK: nothing, the failure was this query's). */
void iter_server_bad(struct iter *it, struct iter_frame *f,
		     enum infra_lame how, uint64_t now);
/* A side goal's addresses (set s) into its parent's cut; false when
 * none could be added. */
bool iter_addrs_to_parent(struct iter *it, const struct rrset *s);
/* The additional-section addresses of the servers of NS answer s. */
void iter_answer_glue(struct iter *it, const struct iter_frame *f,
		      const struct msg *m, const struct rrset *s, uint64_t now);

/* iter_chain.c */
/* Follows the chain from f's goal through the answer section of m:
 * the data, a negative answer, or a restart at a target elsewhere. */
void iter_take_answer(struct iter *it, struct iter_frame *f,
		      const struct msg *m, uint8_t rank, uint16_t rcode,
		      uint64_t now);
/* The zone's own NS set from the authority section of an AA answer. */
void iter_take_zone_ns(struct iter *it, const struct iter_frame *f,
		       const struct msg *m, uint64_t now);

/* iter.c: frame 0 has its answer: validated first when validation is
 * on, else done. */
void iter_answered(struct iter *it);

/* iter_validate.c */
/* Starts the phase for it->ans (validation on); false when there is
 * nothing to validate. */
bool iter_validate_begin(struct iter *it);
/* One turn of the phase: a side goal pushed, or it->done. */
void iter_validate(struct iter *it, uint64_t now);
/* A validation side goal got a negative answer to its DS query: kept
 * as the proof that the DS does not exist. */
void iter_val_keep_proof(struct iter *it, const struct iter_frame *f,
			 const struct msg *m);
void iter_val_free(struct iter *it);
void iter_val_drop_proofs(struct iter *it);

/* The key walk's shared parts (iter_validate.c, iter_proof.c). */
/* The walk's own outcomes, apart from every SEC_ status and DNSSEC_
 * result they travel with (VAL_PENDING was DNSSEC_UNSIGNED_CUT's value:
 * an insecure negative answer read as "keys being fetched"). */
enum { VAL_UNKNOWN = 100, VAL_AGAIN, VAL_PENDING, VAL_PARENT };
_Static_assert((int)VAL_UNKNOWN > (int)DNSSEC_NO_CUT &&
	       (int)VAL_UNKNOWN > (int)SEC_BOGUS,
	       "VAL_ outcomes overlap DNSSEC_ results");
struct dnssec_anchor;
/* zone's DNSKEY set from the closest anchor into keys: DNSSEC_SECURE,
 * VAL_PENDING (being fetched), or the DNSSEC_ result of a chain that is
 * not secure (DNSSEC_UNSUPPORTED: no anchor above, or insecure). */
int val_zone_keys(struct iter *it, const uint8_t *zone, struct rrset *keys);
/* A set, and its RRSIGs, as the verifier takes them. */
struct dnssec_rrset val_view(const struct rrset *s);
struct dnssec_rrset val_sigs_view(const struct rrset *s);
/* The cached (name, type), any status, into buf (VAL_BUF octets). */
bool val_get(struct iter *it, const uint8_t *name, uint16_t type,
	     uint8_t *buf, struct rrset *out);
/* What is known of z's keys: SEC_SECURE (keys filled, in val.kbuf),
 * SEC_INSECURE, SEC_BOGUS, or VAL_UNKNOWN. */
int val_key_final(struct iter *it, const uint8_t *z, struct rrset *keys);
/* p may vouch for z's DS: strictly above z, at or under the anchor. */
bool val_parent_ok(const struct dnssec_anchor *a, const uint8_t *z,
		   const uint8_t *p);
/* The first failure of the client query, for its EDE. */
void val_note_failure(struct iter *it, const uint8_t *name, uint16_t type,
		      int result);
/* z's keys, from the anchor a down: a final status (SEC_SECURE: keys
 * filled) or VAL_PENDING. */
int val_ensure(struct iter *it, const struct dnssec_anchor *a,
	       const uint8_t *z, struct rrset *keys);
/* The DNSSEC_ result of a chain that is not secure (r: SEC_INSECURE,
 * SEC_BOGUS): DNSSEC_UNSUPPORTED for insecure, else the failure met. */
int val_chain_result(const struct iter *it, int r);
/* The signer of the first RRSIG over s, at or above its owner. */
bool val_signer_of(const struct rrset *s, uint8_t *out);

/* iter_proof.c */
/* The kept negative reply to "z DS": its index in val.proofs, or -1. */
int val_proof_of(const struct iter *it, const uint8_t *z);
/* A step of the walk on it (VAL_AGAIN: z's DS status cached;
 * VAL_PARENT: next's keys first). */
int val_step_proof(struct iter *it, const struct dnssec_anchor *a,
		   const uint8_t *z, int pi, uint8_t *next);
/* The NSEC/NSEC3 (and SOA) sets of the authority section of m with
 * their RRSIGs appended to the pack buf (*len octets used, cap). */
void val_pack_auth(struct iter *it, const struct msg *m, uint8_t *buf,
		   size_t cap, size_t *len);
/* The NSEC/NSEC3 sets of a pack at or under zone verified with keys,
 * their views into sets (PROOFSET_MAX): DNSSEC_SECURE (*n of them, maybe
 * none), or the first failure; *ttl lowered to their smallest TTL. */
int val_proof_sets(struct iter *it, const uint8_t *pack, size_t len,
		   const uint8_t *zone, const struct rrset *keys,
		   struct dnssec_rrset *sets, unsigned *n, uint32_t *ttl);

/* iter_denial.c */
/* Frame 0's reply m: its authority sets kept for the proofs. */
void val_keep_auth(struct iter *it, const struct msg *m);
/* Frame 0's answer is negative: what it denies, for the phase. */
void val_note_negative(struct iter *it, const uint8_t *name, uint16_t qtype,
		       bool nx, uint8_t rank);
/* The negative answer of frame 0 checked (its SOA, its NSEC/NSEC3 and
 * the proof), cached with its status and proof and put back in the
 * answer: its status, or VAL_PENDING. */
int val_negative(struct iter *it);
/* The SOA set of zone in the pack (the last one there), with RRSIGs. */
bool val_pack_soa(const uint8_t *pack, size_t plen, const uint8_t *zone,
		  struct rrset *out);
/* A negative entry (owner, type, kind and rank the caller's) made into
 * val.nbuf: soa's RDATA (its owner the zone), the RRSIGs of the zone's
 * SOA in the pack, then the pack's NSEC/NSEC3 sets of the zone. */
bool val_neg_build(struct iter *it, const struct rrset *soa,
		   const uint8_t *pack, size_t plen, struct rrset *neg);
/* The NSEC/NSEC3 sets of zone in frame 0's pack appended to the answer
 * set as (after its RRSIGs, proofset.h), so that the cache keeps them
 * and DO clients get them in the authority section (a wildcard answer's
 * proof, RFC 4035 3.1.3.3). */
void val_wild_attach(struct iter *it, struct answer_set *as,
		     const uint8_t *zone);
/* The answer set s of zone (keys secure), verified with an RRSIG of
 * labels labels (a wildcard expansion): DNSSEC_SECURE when frame 0's
 * authority sets prove that no closer name exists (RFC 4035 5.3.4, RFC
 * 5155 8.8), an insecure result (opt-out), or the failure (bogus). */
int val_wildcard(struct iter *it, const uint8_t *zone,
		 const struct rrset *keys, const struct rrset *s,
		 uint8_t labels);

/* iter_sets.c */
/* The RRset (owner, type) of section sec of m built into it->setbuf
 * (grown as needed; repeats and bad RDATA left out), its owner,
 * lowercase, into own: the number of records (0: none or too big). */
int iter_set_collect(struct iter *it, const struct msg *m,
		     enum msg_section sec, const uint8_t *owner,
		     uint16_t type, struct rrset *out, uint8_t *own);
/* The first RDATA item of a set built by iter_set_collect. */
const uint8_t *iter_set_first(const struct rrset *s, uint16_t *len);
/* Caches s as data of this resolution; 1: a live entry of a higher
 * rank was kept. */
int iter_cache_put(struct iter *it, const struct rrset *s, uint64_t now);
/* The TTL of the live entry the cache kept instead of s, into s. */
void iter_ttl_as_cached(struct iter *it, struct rrset *s, uint16_t qtype,
			uint64_t now);
/* Caches s at rank and, for the client's goal, adds it to the answer:
 * 0, or <0 when the answer is full. */
int iter_deliver(struct iter *it, struct rrset *s, uint8_t rank,
		 uint64_t now);
bool iter_has_rr(const struct msg *m, enum msg_section sec, uint16_t type);

#endif
