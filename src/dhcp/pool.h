/* The leases of one subnet in memory: one entry per address of the
 * range, then one per static lease. Who holds what, address choice and
 * expiry are pure functions of the table and the time given; entries
 * changed since the last save are marked dirty for the lease store.
 * Not thread-safe: one thread owns a pool. */
#ifndef BANCHI_DHCP_POOL_H
#define BANCHI_DHCP_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/opt.h"

#define DHCP_CID_MAX 64         /* client identifiers kept, octets */
#define DHCP_HOST_MAX 64        /* host names, NUL included */
#define DHCP_RANGE_MAX 262144   /* addresses in a range (a /14) */

/* FREE: never given or given back for good (no row in the store).
 * OFFERED: held for a client between OFFER and REQUEST (memory only).
 * BOUND: leased until expires. RELEASED, EXPIRED: no longer leased but
 * remembered, so that the client gets it again. DECLINED: in use by
 * someone unknown (DHCPDECLINE) until expires, and after while the
 * declining client's names are still to leave DNS (its identity stays
 * for that; no lookup by client finds the entry). RESERVED: a range
 * address that is some static lease's. */
enum dhcp_lstate { DL_FREE, DL_OFFERED, DL_BOUND, DL_RELEASED, DL_EXPIRED,
		   DL_DECLINED, DL_RESERVED };

/* The outcome of the last DNS UPDATE work on a lease's names (the
 * daemon's DNS updater records it, the store keeps it for 'why'): added
 * (A, DHCID and, when step is DDNS_PTR_SET, the PTR), removed, removed
 * but the DHCID kept (the name has another address), left alone (not
 * ours), refused (someone else's name), or failed (retried). */
enum dhcp_dns_res { DNSR_NONE, DNSR_ADDED, DNSR_REMOVED, DNSR_KEPT,
		    DNSR_LEFT, DNSR_REFUSED, DNSR_FAILED };
/* rcode values for a failure without an answer's rcode */
enum { DNSR_TIMEOUT = -1,       /* no answer after the tries */
       DNSR_BADANSWER = -2,     /* the answer failed our TSIG check */
       DNSR_UNREACH = -3,       /* ICMP port unreachable: no server */
       DNSR_NOSEND = -4 };      /* the UPDATE could not be sent */

struct dhcp_dns_last {
	int64_t at;                     /* unix time; 0: no UPDATE yet */
	int16_t rcode;                  /* the deciding answer's rcode (a
					 * TSIG error: 16 and up), or
					 * DNSR_TIMEOUT... */
	uint8_t res;                    /* enum dhcp_dns_res */
	uint8_t step;                   /* the step answered last */
	uint16_t retry;                 /* failed: seconds to the retry */
};

struct dhcp_lease {
	uint32_t addr;
	uint8_t state, prev;            /* prev: state before an offer */
	uint8_t cidlen, hwlen;
	bool dirty, is_static;
	bool cid_opt;                   /* cid is option 61's value */
	bool static_cid;                /* a static lease by client id: cid
					 * is its key, hw the last seen */
	uint8_t dns;                    /* enum dhcp_dns */
	uint8_t cid[DHCP_CID_MAX];
	uint8_t hw[16];
	char host[DHCP_HOST_MAX];
	int64_t expires;                /* unix time */
	uint32_t seq;                   /* the daemon's: the commit that
					 * holds this state (commit.h) */
	struct dhcp_dns_last last;      /* of its names' last UPDATE */
};

/* A lease's names in DNS (the daemon's DNS updater moves them): none
 * wanted; to add (or re-add); registered; refused (the name is someone
 * else's); to remove. Stored with the lease: the queue of updates is
 * durable. */
enum dhcp_dns { DNS_NONE, DNS_ADD, DNS_OK, DNS_REFUSED, DNS_DEL };

/* A static lease: by MAC address, or (cidlen > 0) by client
 * identifier, option 61's value (then mac is unused). */
struct dhcp_static {
	uint8_t mac[6];
	uint32_t addr;
	char name[DHCP_HOST_MAX];
	uint8_t cid[DHCP_CID_MAX];
	uint8_t cidlen;
};

struct dhcp_boot;

/* What the server hands out. Lists are host-order addresses. */
#define DHCP_LIST_MAX 8
struct dhcp_conf {
	uint32_t server_id;             /* our address on the link */
	uint32_t net, mask;
	uint32_t first, last;           /* the dynamic range */
	uint32_t lease_time, offer_hold, decline_time;  /* seconds */
	uint32_t routers[DHCP_LIST_MAX], dns[DHCP_LIST_MAX],
		 ntp[DHCP_LIST_MAX];
	size_t nrouters, ndns, nntp;
	uint16_t mtu;                   /* 0: not sent */
	char domain[256];               /* "": not sent */
	uint8_t search[512], routes[512];       /* encoded 119, 121 */
	size_t search_len, routes_len;
	const struct dhcp_static *statics;
	size_t nstatic;
	bool ddns;                      /* names registered (option 81) */
	uint32_t ddns_grace;            /* seconds an expired lease's names
					 * stay in DNS */
	const struct dhcp_boot *boot;   /* network boot rules (boot.h) */
	size_t nboot;
	uint32_t boot_server;           /* siaddr; 0: server_id */
	char boot_server_name[256];     /* option 66; "": not sent */
};

/* A client as the pool knows it: its identifier (option 61, or the
 * hardware type and address) and hardware address. */
struct dhcp_client {
	uint8_t cid[DHCP_CID_MAX];
	uint8_t cidlen;
	uint8_t hw[16];
	uint8_t hwlen;
	bool has_mac;                   /* Ethernet: hw is a MAC */
	bool cid_opt;                   /* cid is option 61's value */
};

struct dhcp_limit;

/* The range entries by client identifier: a chained hash whose links
 * are entry numbers + 1 (0 ends a chain). An entry is put in the chain
 * of the identifier it is given (dhcp_pool_assign, dhcp_pool_load) and
 * stays there until it is given another; one whose identifier was
 * cleared since is skipped when looked up. So a request finds its
 * client's entries without a scan of the range. */
struct dhcp_index {
	uint32_t *head;                 /* nbucket chains */
	uint32_t *next;                 /* per range entry */
	uint32_t *in;                   /* per range entry: its bucket + 1 */
	uint32_t mask;                  /* nbucket - 1 */
};

struct dhcp_pool {
	const struct dhcp_conf *conf;
	struct dhcp_limit *limit;       /* rate limits (limit.h); NULL: none */
	struct dhcp_lease *l;
	size_t nrange, n;               /* range entries, all entries */
	struct dhcp_lease **dirty;      /* changed since dhcp_pool_saved */
	size_t ndirty;
	struct dhcp_index ix;
	size_t cursor;                  /* where the search for a free
					 * address starts (after the last
					 * one found) */
};

/* 0, or BN_ENOMEM / BN_EINVAL (range empty, too large or outside the
 * subnet). conf must outlive the pool. */
int dhcp_pool_init(struct dhcp_pool *p, const struct dhcp_conf *conf);
void dhcp_pool_clear(struct dhcp_pool *p);

/* The entry of an address (range or static), or NULL. */
struct dhcp_lease *dhcp_pool_find(struct dhcp_pool *p, uint32_t addr);
/* The client's entry: its static lease (one by client identifier
 * before one by MAC), else the range entry it holds or held (any state
 * but FREE and DECLINED), or NULL. */
struct dhcp_lease *dhcp_pool_of_client(struct dhcp_pool *p,
				       const struct dhcp_client *c);
bool dhcp_lease_is(const struct dhcp_lease *e, const struct dhcp_client *c);

/* The address for a DISCOVER (RFC 2131 4.3.1): the client's static
 * lease, its current or previous one, the requested address (0: none)
 * when nobody holds it, a free address, then the one given up longest
 * ago. NULL when the pool is exhausted. */
struct dhcp_lease *dhcp_pool_choose(struct dhcp_pool *p,
				    const struct dhcp_client *c,
				    uint32_t requested, int64_t now);

/* Whether the client may have this entry now (it is free, or its own,
 * or given up by another), i.e. a REQUEST for it is ACKed. */
bool dhcp_pool_can_take(const struct dhcp_lease *e,
			const struct dhcp_client *c, int64_t now);

/* Range entries in use at now (leased, offered, declined or a static
 * lease's): a scan of the range. */
size_t dhcp_pool_used(struct dhcp_pool *p, int64_t now);

/* Gives e to c in state (DL_OFFERED or DL_BOUND) until expires, marking
 * it dirty when bound. */
void dhcp_pool_assign(struct dhcp_pool *p, struct dhcp_lease *e,
		      const struct dhcp_client *c, enum dhcp_lstate state,
		      int64_t expires);
/* Puts e on the dirty list (once): the store writes it. */
void dhcp_pool_mark(struct dhcp_pool *p, struct dhcp_lease *e);
/* The store has written every dirty entry: the list is emptied. */
void dhcp_pool_saved(struct dhcp_pool *p);

/* Ends what time has ended: bound leases become EXPIRED, declines and
 * offers run out. Returns the number of entries changed. Due is set
 * to the next time anything ends (INT64_MAX: nothing pending). */
size_t dhcp_pool_expire(struct dhcp_pool *p, int64_t now, int64_t *due);

/* Loads one stored lease (the store's rows at start): ignored (false)
 * when the address is neither in the range nor a static lease's. */
bool dhcp_pool_load(struct dhcp_pool *p, const struct dhcp_lease *row);

/* After a change of e, what its names in DNS need (e->dns): a bound
 * lease with a host name wants them, an expired one for grace seconds
 * after its end (at now), and a static lease with one always; anything
 * else not. */
void dhcp_lease_dns(struct dhcp_lease *e, int64_t now, uint32_t grace);
/* At start: the static leases' names wanted, bound or not. */
void dhcp_pool_want_statics(struct dhcp_pool *p);
/* At start: the names registered before sent again (a DNS server that
 * lost them, restored from a backup, gets them back; one taken by
 * someone else meanwhile is refused as any). The number queued. */
size_t dhcp_pool_reassert(struct dhcp_pool *p);

const char *dhcp_lstate_name(int state);
/* The name's state back from dhcp_lstate_name; -1 if unknown. */
int dhcp_lstate_parse(const char *name);

#endif
