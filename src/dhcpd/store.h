/* The lease store: one SQLite file (WAL, synchronous=FULL), one row per
 * address that is leased or remembered. A save writes every dirty
 * entry of the pool in one transaction: the requests of one receive
 * round cost one fsync (group commit). Schema version in user_version,
 * so that later columns (a lease's DNS name state) can be added. */
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

/* Commits made. */
unsigned long store_commits(const struct store *s);

/* The rows of the open database that store_list prints (bound only
 * unless all), by address, each handed to fn. 0, or -1 after logging.
 * For the control channel's leases: the same rows as the listing. */
typedef void store_row_fn(void *arg, const struct dhcp_lease *e);
int store_each(struct store *s, bool all, store_row_fn *fn, void *arg);

/* Prints the rows (bound only unless all) to out, opening path read
 * only. 0, or -1 with a message on stderr. */
int store_list(const char *path, bool all, FILE *out);

/* For the readers of the file (why.c): a row of "SELECT * FROM lease"
 * into e; a hardware address as "aa:bb:..." (3 * len + 1 octets); the
 * dns column's words by enum dhcp_dns. */
struct sqlite3_stmt;
void store_read_row(struct sqlite3_stmt *st, struct dhcp_lease *e);
void store_hw_text(char *dst, const uint8_t *hw, size_t len);
extern const char *const store_dns_names[];

/* 'banchi-dhcp why HOST-OR-MAC': the leases of that host name or MAC
 * address, their state, their names' state and, for a refused name,
 * which lease holds it. 0, 1 (nothing found or file unreadable). */
int store_why(const char *path, const char *who, FILE *out);

#endif
