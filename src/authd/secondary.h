/* Secondary zones of banchi-auth (RFC 1034 4.3.5, 1995, 1996): one
 * refresher thread keeps each zone in step with its primaries (SOA
 * timers, NOTIFY, IXFR with AXFR fallback, TSIG), stores each version
 * in the zone dir (a zone file and a journal of the changes since) so
 * that a restart serves at once, publishes it as the writer does, and
 * takes an expired zone out of service (SERVFAIL). A secondary may be
 * a catalog (RFC 9432) whose members become secondaries of the same
 * primaries at run time (secondary_catalog.c). */
#ifndef BANCHI_AUTHD_SECONDARY_H
#define BANCHI_AUTHD_SECONDARY_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "auth/answer.h"
#include "authd/config.h"
#include "authd/reload.h"
#include "daemon/loglimit.h"

struct sec_zone;
struct sec_list;
struct sec_want;
struct notifier;

struct secondary {
	struct sec_list *list;          /* RCU: the workers read it; the
					 * refresher replaces it (under mu)
					 * when a catalog adds or removes a
					 * member */
	atomic_bool any;                /* secondaries at all (once true,
					 * stays: a reload may add them) */
	uint8_t (*conf)[NAME_MAXLEN];   /* zones of the config: a catalog
					 * member of these is ignored */
	size_t nconf;
	char *dir;                      /* the zone dir */
	struct served **cur;            /* the server's snapshot slot */
	pthread_mutex_t *publish;       /* held by whoever publishes */
	struct loader *ld;
	struct notifier *notify;        /* told of each new version */
	size_t journal_max;
	pthread_t th;
	bool running;
	pthread_mutex_t mu;             /* wake-ups and the stats fields */
	pthread_cond_t cv;
	bool stop;
	struct sec_want *want;          /* a reload's config, under mu,
					 * until the refresher takes it */
	struct loglimit notify_log;     /* refused NOTIFYs */
};

/* The secondaries of c, each served at once from its stored copy in
 * c->zone_dir when there is one (file, then journal); before the
 * workers start (*cur replaced in place). Sets ld's dead-zone hook.
 * 0, or -1 (logged). */
int secondary_open(struct secondary *s, const struct config *c,
		   struct served **cur, pthread_mutex_t *publish,
		   struct loader *ld);
int secondary_start(struct secondary *s);
/* A reload (main thread, after the loader took c): c's secondaries are
 * handed to the refresher, which applies them between refreshes: a
 * zone newly listed becomes a secondary (its stored copy served, a
 * transfer at once), a zone no longer listed is no longer served (its
 * files stay), a zone with other primaries or another key uses them
 * (an SOA check at once), the others are untouched. Starts the thread
 * when the first secondaries come. 0, or -1 (logged). */
int secondary_reconfigure(struct secondary *s, const struct config *c);
void secondary_stop(struct secondary *s);
void secondary_clear(struct secondary *s);

/* auth_conf.zone_dead: qname is under a secondary that is not served
 * (expired, or never transferred). Lock-free. */
bool secondary_dead(void *arg, const uint8_t *qname);

/* IXFR out of a secondary zone (auth_conf.xfr_changes's work for it):
 * the changes its journal holds from serial from up to v's, copied
 * (journal_ixfr.h); BN_ENOTFOUND when v is not a secondary here or the
 * journal does not cover that (the AXFR form then). Lock-free, inside
 * the worker's RCU read section: a zone's journal is closed only after
 * the zone left the list and the readers of that list are done. */
int secondary_ixfr_changes(void *arg, const struct zdb_zone *v,
			   uint32_t from, struct auth_xfr_changes *out);

/* xfr_rules.parent: the catalog of a member zone (whose allow-transfer
 * it takes), or NULL. Lock-free, inside the RCU read section. */
const uint8_t *secondary_catalog_of(void *arg, const uint8_t *origin);

/* A NOTIFY (q, len: not a response) for a secondary zone: answered into
 * out (NOERROR when from a primary with the zone's key, which starts a
 * refresh; REFUSED otherwise), its length returned; an UPDATE of one:
 * REFUSED. 0 when the zone is
 * not a secondary here: the engine answers (NOTAUTH). Called by the
 * workers, inside their RCU read section on cur. */
size_t secondary_notify(struct secondary *s, const struct served *cur,
			const uint8_t *q, size_t len,
			const struct sockaddr_storage *peer,
			enum auth_transport t, uint8_t *out, size_t cap);

/* One log line per zone: serial, last success, next try, state. */
void secondary_log_stats(struct secondary *s);

#endif
