/* Internals of the writer (updater*.c): one request as it waits in the
 * queue, and the batch step. */
#ifndef BANCHI_AUTHD_UPDATER_INT_H
#define BANCHI_AUTHD_UPDATER_INT_H

#include <urcu.h>

#include "authd/updater.h"
#include "net/udp.h"
#include "wire/msg.h"

struct upd_req {
	struct upd_req *next;
	bool udp;
	int fd;                         /* UDP: the socket to answer from */
	struct sockaddr_storage peer;
	socklen_t peerlen;
	uint8_t ctl[64];                /* UDP: the reply's source address */
	size_t ctllen;
	/* TCP: the worker waits for done */
	bool waiter, done;
	pthread_mutex_t done_mu;
	pthread_cond_t done_cv;
	struct upd_zone *uz;            /* the zone it updates, or NULL */
	uint16_t rc;
	bool changed;                   /* made a change in this batch */
	struct zchange *chg;            /* a ready-made change (no pkt) */
	struct zdb_zone *whole;         /* or a whole version (no pkt) */
	bool drop;                      /* or the zone removed (no pkt) */
	uint8_t origin[NAME_MAXLEN];    /* of chg's zone */
	int err;                        /* chg's outcome */
	uint8_t reply[MSG_MAXLEN];
	size_t rlen;
	size_t len;
	uint8_t pkt[];
};

/* Applies, journals, publishes and answers a batch (the list from
 * batch on); every request is finished (upd_req_finish) on return. */
void update_batch(struct updater *u, struct upd_req *batch);
/* The writer's scratch (message parse space, heads), made once, with
 * room for the heads of n zones (update_batch_reserve: more). */
void *update_batch_new(size_t n);
int update_batch_reserve(void *scratch, size_t n);
void update_batch_free(void *scratch);
void upd_req_finish(struct upd_req *r);

/* Pending changes (updater_pend.c). */
double upd_now(void);
/* Whether m reads a name the pending changes touch (or the apex). */
bool upd_pend_conflicts(const struct upd_zone *uz, const struct msg *m);
/* c, made against the served version, moved to follow the pending ones
 * (its serials from the tip on). */
int upd_pend_restamp(const struct upd_zone *uz, struct zchange *c);
/* c merged into the pending change. */
int upd_pend_add(struct upd_zone *uz, const struct zchange *c);
bool upd_pend_touches_apex(const struct upd_zone *uz,
			   const struct zchange *c);
/* Whether the pending changes must go into a version now; when. */
bool upd_pend_due(const struct upd_zone *uz, double now);
double upd_pend_deadline(const struct upd_zone *uz);
/* The version with the pending changes over base (a reference), or NULL
 * (logged); the pending changes are gone either way. */
struct zdb_zone *upd_pend_make(struct upd_zone *uz,
			       const struct zdb_zone *base);
void upd_pend_drop(struct upd_zone *uz);

/* The zone table (updater_zones.c). */
struct upd_zone *upd_zone_new(const uint8_t *origin, bool db);
/* uz in the table (the writer's, or updater_open's); 0 or BN_ENOMEM. */
int upd_zones_append(struct updater *u, struct upd_zone *uz);
/* The zone that takes updates with this origin, or NULL. */
struct upd_zone *updater_zone(struct updater *u, const uint8_t *origin);
/* The same, gone ones included. */
struct upd_zone *upd_zone_any(struct updater *u, const uint8_t *origin);
void upd_zones_free(struct updater *u);
/* A zone the database gained, taken on by the writer (under the
 * publish lock): its journal opened empty, known to the loader; NULL
 * with *err when the config serves that name otherwise (BN_EINVAL) or
 * it cannot be (updater_open.c). */
struct upd_zone *upd_take_db_zone(struct updater *u, const uint8_t *origin,
				  int *err);

#endif
