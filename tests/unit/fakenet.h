/* A fake network of authoritative servers for iterator tests: each
 * server is an address, the zones it serves (answered by banchi's own
 * authoritative engine) and misbehaviour flags. No socket is opened;
 * time is a counter the driver advances. */
#ifndef BANCHI_TESTS_FAKENET_H
#define BANCHI_TESTS_FAKENET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolve/iter.h"

#define FAKE_MAX_SERVERS 64
#define FAKE_MAX_LOG 512

enum fake_flags {
	FAKE_TIMEOUT = 1 << 0,          /* never answers */
	FAKE_TC = 1 << 1,               /* UDP replies truncated (TC, no records) */
	FAKE_POISON = 1 << 2,           /* adds out-of-bailiwick records */
	FAKE_SPOOF_FIRST = 1 << 3,      /* a wrong-ID copy before each reply */
	FAKE_NO_EDNS = 1 << 4,          /* FORMERR to queries with an OPT */
	FAKE_LOWER = 1 << 5,            /* lowercases the question (breaks 0x20) */
	FAKE_RECURSIVE = 1 << 6,        /* answers with RA, without AA: a
					 * recursive server (lame) */
	FAKE_LOOP_SERVFAIL = 1 << 7,    /* SERVFAIL with the chain to a CNAME
					 * loop, as BIND 9.18 answers */
	FAKE_REFUSE_ODD = 1 << 8,       /* REFUSED to names whose first label
					 * is "odd" (a policy for one name) */
	FAKE_DROP_AAAA = 1 << 9,        /* never answers AAAA queries */
	FAKE_FORMERR_TXT = 1 << 10,     /* FORMERR to TXT queries with an OPT */
	FAKE_SPOOF_LOWER = 1 << 11,     /* a lowercased copy before each reply
					 * (an off-path spoofer who knows the
					 * port and ID, not the 0x20 case) */
	FAKE_EMPTY = 1 << 12,           /* NOERROR without any record */
	FAKE_NO_DENIAL = 1 << 13,       /* authority without NSEC/NSEC3 and
					 * their RRSIGs (a stripped proof) */
};

struct fake_log {
	int server;                     /* index, -1: unknown address */
	char qname[256];                /* as sent, presentation form */
	uint16_t qtype;
	bool tcp, rd, edns;
	bool dnssec_ok, cd;             /* DO in the OPT, CD in the header */
};

struct fake_server {
	struct res_addr addr;
	struct zonedb *db;
	unsigned flags;
	unsigned queries;
};

struct fakenet {
	struct fake_server srv[FAKE_MAX_SERVERS];
	int nsrv;
	uint64_t now;
	struct fake_log log[FAKE_MAX_LOG];
	unsigned nlog;
};

void fakenet_init(struct fakenet *n);
void fakenet_clear(struct fakenet *n);
/* "192.0.2.1" or "2001:db8::1": the index of the new server. */
int fakenet_server(struct fakenet *n, const char *addr, unsigned flags);
/* Adds a zone (master-file text, origin like "example.") to server i.
 * 0 or -1. */
int fakenet_zone(struct fakenet *n, int i, const char *origin,
		 const char *text);
/* The replies server q->to gives (up to 2, into out[k] of 65535
 * octets); 0 when it stays silent. */
int fakenet_query(struct fakenet *n, const struct iter_query *q,
		  uint8_t out[][65535], size_t *len);

/* Drives it until done: each reply costs 5 ms, a timeout q->timeout_ms.
 * Returns the answer's rcode, or -1 when it did not finish in time. */
int fakenet_resolve(struct fakenet *n, struct iter *it, const char *name,
		    uint16_t qtype);

/* res_addr of a text address, port 53. */
void fakenet_addr(struct res_addr *a, const char *text);

#endif
