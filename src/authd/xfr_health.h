/* Transfer health: per zone and secondary (its address, port left out)
 * the serial it has as far as we know (the one its IXFR request named,
 * then the one a complete transfer gave it), when, and how. Workers
 * update it when a transfer starts and ends (a short lock: transfers
 * are rare), each end logged in one line; the notifier reads it to log
 * secondaries that lag after a NOTIFY; SIGUSR1 logs one line per zone
 * and secondary. */
#ifndef BANCHI_AUTHD_XFR_HEALTH_H
#define BANCHI_AUTHD_XFR_HEALTH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "auth/xfr.h"
#include "authd/reload.h"

struct updater;

struct xfr_peer {
	uint8_t origin[NAME_MAXLEN];
	struct sockaddr_storage addr;   /* port 0 */
	uint32_t serial;                /* what it has */
	uint64_t when;                  /* CLOCK_MONOTONIC ms of the last */
	char how[8];                    /* "IXFR", "AXFR", "current" */
	unsigned nxfr;                  /* transfers completed */
};

struct xfr_health {
	pthread_mutex_t mu;
	struct xfr_peer *p;
	size_t n, cap;
};

void xfr_health_init(struct xfr_health *h);
void xfr_health_clear(struct xfr_health *h);

/* What a secondary at sa has of origin: true and *serial, *when (ms,
 * CLOCK_MONOTONIC) when it transferred since start. */
bool xfr_health_get(struct xfr_health *h, const uint8_t *origin,
		    const struct sockaddr *sa, uint32_t *serial,
		    uint64_t *when);

/* One line per zone and secondary: its serial, ours, how far behind (in
 * changes when the journal has them, else serials), its last transfer.
 * s and u (may be NULL) held still by the caller. */
void xfr_health_report(struct xfr_health *h, const struct served *s,
		       struct updater *u);

/* Changes in the journal of a zone that takes updates from serial from
 * to its end; -1 when it does not say (no journal, from not in it, more
 * than 1000). */
long xfr_health_changes_since(struct updater *u, const uint8_t *origin,
			      uint32_t from);

/* A worker's transfer state with what the log line and the table want;
 * x first: the server handles it as a struct auth_xfr. */
struct xfr_run {
	struct auth_xfr x;
	struct xfr_health *h;
	struct sockaddr_storage peer;
	uint64_t t0;                    /* ms */
	uint32_t from;                  /* IXFR: the client's serial */
	bool has_from;
};

/* Zeroed storage for a transfer (free() frees it), or NULL. */
struct auth_xfr *xfr_run_new(void);
/* The transfer in x (made by xfr_run_new) starts on connection fd. */
void xfr_run_begin(struct auth_xfr *x, struct xfr_health *h, int fd,
		   const uint8_t *q, size_t qlen);
/* It ended: logged, noted, cleared and freed. */
void xfr_run_end(struct auth_xfr *x);

/* ms on CLOCK_MONOTONIC. */
uint64_t xfr_health_now(void);

#endif
