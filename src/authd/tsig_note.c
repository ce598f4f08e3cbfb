/* The TSIG outcomes in the log: "TSIG from ADDR: <what the check
 * found>", one line per source and reason per 5 s and at most 20 a
 * second in all. Thread-local pointers say where the packets being
 * answered come from; nothing here costs an unsigned query anything. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "authd/tsig_note.h"
#include "daemon/log.h"
#include "daemon/loglimit.h"

#define PERIOD 5
#define BURST 20

static struct loglimit limit = { .period = PERIOD, .burst = BURST };
static _Thread_local const struct udp_batch *from_udp;
static _Thread_local int from_tcp = -1;

uint64_t tsig_note_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec;
}

void tsig_note_from_udp(const struct udp_batch *b)
{
	from_udp = b;
}

void tsig_note_from_tcp(int fd)
{
	from_tcp = fd;
}

bool tsig_note_peer(const uint8_t *q, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);
	const struct udp_batch *b = from_udp;

	if (b && q >= b->q[0] && q < b->q[0] + sizeof(b->q)) {
		size_t i = (size_t)(q - b->q[0]) / UDP_BUF;

		memcpy(ss, &b->peer[i], sizeof(*ss));
		return true;
	}
	return from_tcp >= 0 &&
	       getpeername(from_tcp, (struct sockaddr *)ss, &len) == 0;
}

void tsig_note_addr(const struct sockaddr_storage *ss, char *buf,
		    size_t cap, uint64_t *hash)
{
	const void *a = &((const struct sockaddr_in *)ss)->sin_addr;
	size_t n = 4;

	if (ss->ss_family == AF_INET6) {
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		n = 16;
	}
	if (!inet_ntop(ss->ss_family, a, buf, (socklen_t)cap))
		snprintf(buf, cap, "?");
	*hash = 1469598103934665603ULL;         /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		*hash = (*hash ^ ((const uint8_t *)a)[i]) * 1099511628211ULL;
}

void tsig_note_outcome(void *arg, const uint8_t *q, size_t qlen,
		       const struct tsig_check *c)
{
	struct sockaddr_storage ss = { .ss_family = AF_UNSPEC };
	char addr[INET6_ADDRSTRLEN] = "?", what[1200], more[64] = "";
	uint64_t hash = 0, held = 0;

	(void)arg;
	(void)qlen;
	if (c->status == TSIG_OK && !log_enabled(LOG_LVL_DEBUG))
		return;
	if (tsig_note_peer(q, &ss))
		tsig_note_addr(&ss, addr, sizeof(addr), &hash);
	if (c->status == TSIG_OK) {
		log_debug("TSIG from %s: %s", addr,
			  tsig_check_text(c, what, sizeof(what)));
		return;
	}
	if (!loglimit_allow(&limit, hash * 31 + (uint64_t)c->status,
			    c->now, &held))
		return;
	if (held)
		snprintf(more, sizeof(more), " (%llu lines held back before)",
			 (unsigned long long)held);
	log_info("TSIG from %s: %s%s", addr,
		 tsig_check_text(c, what, sizeof(what)), more);
}
