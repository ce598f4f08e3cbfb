/* Internals of banchi-resolver's RFC 5011 point (autotrust*.c). */
#ifndef BANCHI_RESOLVERD_AUTOTRUST_INT_H
#define BANCHI_RESOLVERD_AUTOTRUST_INT_H

#include <sys/socket.h>
#include <time.h>

#include "dnssec/autotrust.h"
#include "resolverd/daemon.h"

#define PROBE_WAIT_MS 3000
#define PROBE_MAX (15 * 86400L)         /* RFC 5011 2.3 */
#define RETRY_MAX 86400L
#define TEXT_MAX (TA_KEYS_MAX * 2400 + 4096)

struct rtrust {
	char *path;
	struct ta_point p;
	struct ta_params pp;
	long probe_min;
	int64_t next;                   /* unix seconds */
	char text[TEXT_MAX];            /* the trusted records */
	struct sockaddr_storage self;
	socklen_t selflen;
	int last;                       /* the last probe's result, logged
					 * once per change */
};

static inline int64_t rtrust_now(void)
{
	return (int64_t)time(NULL);
}

/* The file rewritten from t->p: 0, or -1 logged (kept in memory). */
int rtrust_save(const struct rdaemon *x, struct rtrust *t);
/* t->text and x->cfg.auto_ta from the keys trusted now: 0, or -1 when
 * none is (the old anchors then stay). */
int rtrust_text(struct rdaemon *x, struct rtrust *t);

/* The settings snapshot built again with x->cfg (its new anchors) and
 * published; logged when it cannot be. */
void rtrust_publish(struct rdaemon *x);

#endif
