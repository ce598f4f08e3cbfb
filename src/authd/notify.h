/* NOTIFY out (RFC 1996): after a zone changes (an UPDATE published, a
 * reload that changed its serial, startup), its secondaries are told by
 * a NOTIFY over UDP, from a socket of the notifier's own, signed when
 * the target names a key. One thread sends and retries (1, 2, 4, 8 s,
 * then 16 s for the last reply) until a matching NOERROR comes; a newer
 * change replaces what is pending for the same target. The writer and
 * the loader only queue the zone's name: they never wait on the net.
 * notify-lag-warn seconds after a NOTIFY, a secondary that has not
 * transferred the serial (xfr_health) is logged. */
#ifndef BANCHI_AUTHD_NOTIFY_H
#define BANCHI_AUTHD_NOTIFY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "authd/config.h"
#include "authd/reload.h"

struct xfr_health;

/* One target: ADDR[:PORT][@KEYNAME] (IPv6 as [::1]:53; port 53). */
struct notify_target {
	struct sockaddr_storage sa;
	socklen_t salen;
	uint8_t key[NAME_MAXLEN];       /* key name, or key[0] == 0: none */
	char text[128];                 /* as written, for the log */
};

/* Parses "T1, T2, ..." into *out (malloc'd, *n entries). 0, or -1 with
 * a message in err (CONFIG_ERR_MAX octets). */
int notify_targets_parse(const char *text, struct notify_target **out,
			 size_t *n, char *err);

struct notify_zone {
	uint8_t origin[NAME_MAXLEN];
	struct notify_target *t;        /* --notify targets */
	size_t n;
	bool ns;                        /* and the NS names' (notify_ns.c) */
	bool ns_keyed;
	uint8_t ns_key[NAME_MAXLEN];
};

/* The addresses this server listens on at port 53 (a wildcard listener:
 * every local address), where a NOTIFY to an NS name would come back. */
struct notify_self {
	struct sockaddr_storage *addr;
	size_t n, cap;
	bool lo4;                       /* 0.0.0.0:53: 127/8 is ours too */
};

struct notify_job;
struct notify_item;

struct notifier {
	struct served **cur;            /* the server's snapshot slot */
	struct xfr_health *health;
	long lag_warn;                  /* seconds; under mu */
	pthread_mutex_t mu;             /* zones and the queue */
	struct notify_zone *zones;
	size_t nzones;
	struct notify_self self;
	struct notify_item *queue;      /* zones changed, not yet taken */
	size_t nq, capq;
	bool stop;
	int efd;                        /* eventfd: wakes the thread */
	pthread_t th;
	bool running, inited;
	/* the thread's own */
	struct notify_job *jobs;
	size_t njobs, capjobs;
	int fd4, fd6;
};

/* Before anything else; 0 or -1 (logged). */
int notify_init(struct notifier *n, struct xfr_health *h);
/* The targets of c (startup and reload): 0, or -1 (old ones kept). */
int notify_configure(struct notifier *n, const struct config *c);
/* Starts the thread reading zones from *cur. */
int notify_start(struct notifier *n, struct served **cur);
void notify_stop(struct notifier *n);
void notify_clear(struct notifier *n);

/* Queues a NOTIFY of origin to its targets (any thread; a short lock,
 * no I/O). Nothing when the zone has none or n is NULL. */
void notify_zone(struct notifier *n, const uint8_t *origin);
/* Queues every zone with targets whose serial differs between old and
 * now (old NULL: every one). Both snapshots held by the caller. */
void notify_changed(struct notifier *n, const struct served *old,
		    const struct served *now);

#endif
