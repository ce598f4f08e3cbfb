/* The lease store: one SQLite file (WAL, synchronous=FULL), one row per
 * address that is leased or remembered. A save writes every dirty
 * entry of the pool in one transaction: the requests of one receive
 * round cost one fsync (group commit). Schema version in user_version,
 * so that later columns can be added (2: a lease's DNS name state, 3:
 * its last UPDATE's outcome). */
#ifndef BANCHI_DHCPD_STORE_H
#define BANCHI_DHCPD_STORE_H

#include <stdbool.h>
#include <stdio.h>

#include "dhcp/pool.h"

struct store;

/* Opens (makes) the database. NULL after logging why. */
struct store *store_open(const char *path);
void store_close(struct store *s);

/* Loads every row into the pool; rows the pool has no entry for are
 * counted in *skipped. 0, or -1 after logging. */
int store_load(struct store *s, struct dhcp_pool *p, size_t *loaded,
	       size_t *skipped);

/* Writes the n rows in order (FREE ones deleted) in one commit,
 * durable when it returns 0; -1 after logging (nothing written). Any
 * thread: the store's calls are serialised by a lock. */
int store_put_rows(struct store *s, const struct dhcp_lease *e, size_t n);

/* e's row deleted, if it is still e's (the same static flag and host
 * name: another lease may have written that address since). Best
 * effort, logged. */
void store_drop_row(struct store *s, const struct dhcp_lease *e);

/* The DNS server ("ADDR:PORT") written with the rows' last UPDATE
 * outcome; a stored outcome of another server is not loaded. Before
 * store_load. */
#define STORE_SERVER_MAX 64
void store_set_server(struct store *s, const char *server);

/* Commits made. */
unsigned long store_commits(const struct store *s);

/* The rows of the open database that store_list prints (bound only
 * unless all), by address, each handed to fn. 0, or -1 after logging.
 * For the control channel's leases: the same rows as the listing. */
typedef void store_row_fn(void *arg, const struct dhcp_lease *e,
			  const char *server);
int store_each(struct store *s, bool all, store_row_fn *fn, void *arg);

/* Prints the rows (bound only unless all) to out, opening path read
 * only. 0, or -1 with a message on stderr. */
int store_list(const char *path, bool all, FILE *out);

/* For the readers of the file (why.c): a row of "SELECT * FROM lease"
 * into e, and the server of its last UPDATE ("" if none); a hardware
 * address as "aa:bb:..." (3 * len + 1 octets); the dns column's words
 * by enum dhcp_dns, the last_result column's by enum dhcp_dns_res. */
struct sqlite3_stmt;
void store_read_row(struct sqlite3_stmt *st, struct dhcp_lease *e);
const char *store_row_server(struct sqlite3_stmt *st);
void store_hw_text(char *dst, const uint8_t *hw, size_t len);
extern const char *const store_dns_names[];
extern const char *const store_res_names[];

/* The last UPDATE of e as a sentence ("NOERROR from 127.0.0.1:53 at
 * 2026-12-07T05:01:02Z (registered A, DHCID, PTR)", "no answer from
 * ... retrying in 8 s") into buf (empty when there was none), at now.
 * why.c. */
void store_last_text(char *buf, size_t cap, const struct dhcp_lease *e,
		     const char *server, int64_t now);
/* An answer's rcode as why names it (struct dhcp_dns_last). */
const char *store_rcode_text(int rcode);

/* 'banchi-dhcp why HOST-OR-MAC': the leases of that host name or MAC
 * address, their state, their names' state and, for a refused name,
 * which lease holds it. 0, 1 (nothing found or file unreadable). */
int store_why(const char *path, const char *who, FILE *out);

#endif
