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
	uint8_t reply[MSG_MAXLEN];
	size_t rlen;
	size_t len;
	uint8_t pkt[];
};

/* Applies, journals, publishes and answers a batch (the list from
 * batch on); every request is finished (upd_req_finish) on return. */
void update_batch(struct updater *u, struct upd_req *batch);
/* The writer's scratch (message parse space, heads), made once. */
void *update_batch_new(size_t nzones);
void update_batch_free(void *scratch);
void upd_req_finish(struct upd_req *r);

/* The zone that takes updates with this origin, or NULL. */
struct upd_zone *updater_zone(struct updater *u, const uint8_t *origin);

#endif
