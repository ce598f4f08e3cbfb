/* banchi-dhcp's DNS updater: sends the RFC 2136 UPDATEs of the leases
 * whose names need adding or removing (their dns state, stored with the
 * lease, is the durable queue), up to DDNS_INFLIGHT leases at a time
 * (each its steps in order, one UPDATE out), signed with TSIG
 * when a key is given, from the serving thread's poll loop. A server
 * that does not answer, or answers with an error, is retried with a
 * backoff (1 s doubling to 60 s); a name held by someone else is
 * refused and logged. Each lease keeps the outcome of its last UPDATE
 * (lease.last), stored with it for 'banchi-dhcp why'. */
#ifndef BANCHI_DHCPD_DDNS_H
#define BANCHI_DHCPD_DDNS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "ctl/ctl_stats.h"
#include "dhcp/ddns.h"
#include "dhcp/pool.h"
#include "wire/tsig.h"

#define DDNS_RZONES_MAX 16

struct ddns_conf {
	char *server;                   /* ADDR[:PORT]; NULL: off */
	uint8_t fzone[NAME_MAXLEN];
	uint8_t rzone[DDNS_RZONES_MAX][NAME_MAXLEN];
	size_t nrzone;
	bool has_key;
	struct tsig_key_spec key;
	uint32_t ttl;
	bool sweep;                     /* the sweep at start (sweep.h) */
};

/* Written by the serving thread, read by the control thread. */
struct ddns_stats {
	ctl_counter sent, added, removed, refused, failures;
};

struct commit;

#define DDNS_INFLIGHT 32        /* leases whose UPDATEs are out at once */
#define DDNS_QUEUE 8192         /* leases waiting; more: a scan finds them */

/* One lease's work: its steps, one UPDATE out at a time. */
struct ddns_txn {
	struct dhcp_lease *e;           /* NULL: a free slot */
	struct dhcp_pool *pool;
	const uint8_t *rz;              /* the reverse zone of its address,
					 * or NULL (no PTR) */
	int step, tries;
	bool removing;
	uint8_t res;                    /* its outcome so far (dhcp_dns_res) */
	int16_t rcode;                  /* and the answer that decided it */
	uint16_t id;
	int64_t sent_ms;
	uint8_t fqdn[NAME_MAXLEN], rev[NAME_MAXLEN];
	uint8_t dhcid[DDNS_DHCID_LEN];
	uint8_t mac[TSIG_MAC_MAX];
	size_t maclen;
};

struct ddns_work {
	struct dhcp_pool *pool;
	struct dhcp_lease *e;
};

struct ddns {
	const struct ddns_conf *conf;
	struct tsig_key key;
	int fd;
	struct dhcp_pool *const *pools; /* every interface's, set by the
					 * caller after ddns_open */
	size_t npools;
	/* a lease's names change only once its state is durable (else a
	 * crash could leave names of a lease no row knows); set by the
	 * caller, NULL: every state is */
	const struct commit *cm;
	struct ddns_txn tx[DDNS_INFLIGHT];
	size_t busy;                    /* slots of tx in use */
	/* leases whose state changed to "add" or "remove", in the order
	 * they were handed to the commit thread; scan: the queue may miss
	 * some (at start, after a reload or an overflow) */
	struct ddns_work q[DDNS_QUEUE];
	size_t qhead, qlen;
	bool scan;
	int64_t retry_ms;               /* a failure: nothing new until then */
	unsigned backoff;               /* seconds, after a failure */
	struct ddns_stats st;
	char server[64];                /* "ADDR:PORT" */
	struct sockaddr_storage to;     /* the server */
	socklen_t tolen;
	/* the sweep's work (sweep.h), after the leases': names no lease
	 * knows, removed by the DHCID the zone showed (sweep_dhcid[i] for
	 * sweep->l[i]); NULL: none */
	struct dhcp_pool *sweep;
	uint8_t (*sweep_dhcid)[DDNS_DHCID_LEN];
};

/* The DHCID of e's name fqdn: a static lease's by MAC from its MAC
 * alone (identifier type 0), so that it holds whatever the client sends
 * and before it is seen; any other from its identifier. 0 or < 0. */
int ddns_lease_dhcid(uint8_t out[DDNS_DHCID_LEN], const struct dhcp_lease *e,
		     const uint8_t *fqdn);

/* The server of --ddns as "ADDR:PORT" ("[ADDR]:PORT" for IPv6), the
 * port always written. 0, or -1 (not ADDR[:PORT]). */
int ddns_server_text(char *buf, size_t cap, const char *server);

/* Opens the socket (connected to the server). 0, or -1 after logging. */
int ddns_open(struct ddns *d, const struct ddns_conf *c);
void ddns_close(struct ddns *d);

/* e of p has names to add or remove: queued (its work starts once its
 * state is durable). */
void ddns_want(struct ddns *d, struct dhcp_pool *p, struct dhcp_lease *e);

/* The pools were replaced (a reload): the work in flight and queued is
 * forgotten (its state is kept in the leases), and found again by a
 * scan. */
void ddns_reset(struct ddns *d);

/* Starts queued leases' work while slots are free, resends on timeout.
 * Call after each round, on each wake-up. Returns the milliseconds
 * until it wants to be called again (-1: nothing pending). Entries
 * whose state changes are marked dirty in their pool (the caller saves
 * them). */
int ddns_run(struct ddns *d, int64_t now_ms);

/* The socket is readable: reads and handles the answers. */
void ddns_read(struct ddns *d, int64_t now_ms);

/* A random number (getrandom), for ids and the source port. */
uint32_t ddns_random(void);

/* ddns_step.c: a transaction's first UPDATE; the server's answer to its
 * step (the next step, or its end); the end of its tries. */
int ddns_txn_start(struct ddns *d, struct ddns_txn *t, struct dhcp_pool *p,
		   struct dhcp_lease *e, int64_t now_ms);
void ddns_txn_answer(struct ddns *d, struct ddns_txn *t, int rcode,
		     int64_t now_ms);
int ddns_txn_send(struct ddns *d, struct ddns_txn *t, int64_t now_ms);
void ddns_txn_fail(struct ddns *d, struct ddns_txn *t, int64_t now_ms,
		   const char *why, int rcode);
/* An error of send or recv as the rcode kept: the server's port
 * unreachable, or not. */
int ddns_errno_rcode(int err);

#endif
