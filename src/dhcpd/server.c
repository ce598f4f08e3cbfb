/* banchi-dhcp's serving loop (server.h). Group commit: every lease
 * change of a round goes to the commit thread with the round's replies,
 * which it sends once the changes are durable; rounds that come during
 * an fsync share the next one. */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/error.h"
#include "ctl/ctl.h"
#include "daemon/log.h"
#include "daemon/sdnotify.h"
#include "dhcpd/control.h"
#include "dhcpd/server.h"
#include "dhcpd/sock.h"

static void fmt_addr(char *buf, uint32_t a)
{
	struct in_addr in = { htonl(a) };

	inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

const char *dstat_drop_name(enum dstat_drop d)
{
	static const char *const names[] = { "malformed", "invalid",
					     "no_address", "not_ours" };

	return d < DROP_REASONS ? names[d] : "?";
}

static void count(struct dstats *st, int in, const struct dhcp_out *o)
{
	ctl_count(&st->discovers, in == DHCPDISCOVER);
	ctl_count(&st->requests, in == DHCPREQUEST);
	ctl_count(&st->offers, o->type == DHCPOFFER);
	ctl_count(&st->acks, o->type == DHCPACK && in != DHCPINFORM);
	ctl_count(&st->informs, in == DHCPINFORM);
	ctl_count(&st->naks, o->type == DHCPNAK);
	ctl_count(&st->releases, in == DHCPRELEASE);
	ctl_count(&st->declines, in == DHCPDECLINE);
}

/* A DISCOVER, REQUEST or INFORM left unanswered: no address left, or
 * not ours to answer (another server chosen, another subnet's relay,
 * a REQUEST without an address). RELEASE and DECLINE want no reply. */
static void count_silent(struct dstats *st, int in, const struct dhcp_out *o)
{
	if (o->type || in == DHCPRELEASE || in == DHCPDECLINE)
		return;
	ctl_count(&st->dropped[o->note && !strcmp(o->note, "no free address")
			       ? DROP_NO_ADDRESS : DROP_NOT_OURS], 1);
}

/* One line per request: DISCOVER, OFFER and INFORM at debug level. */
static void log_req(const struct dhcp_msg *m, int in, const struct dhcp_out *o)
{
	char a[INET_ADDRSTRLEN];
	bool busy = in == DHCPDISCOVER || in == DHCPINFORM;
	const uint8_t *h = m->chaddr;

	if (!log_enabled(busy ? LOG_LVL_DEBUG : LOG_LVL_INFO))
		return;
	fmt_addr(a, o->addr);
	log_msg(busy ? LOG_LVL_DEBUG : LOG_LVL_INFO,
		"%s from %02x:%02x:%02x:%02x:%02x:%02x%s: %s%s%s (%s)",
		dhcp_type_name(in), h[0], h[1], h[2], h[3], h[4], h[5],
		m->giaddr ? " (relayed)" : "",
		o->type ? dhcp_type_name(o->type) : "no reply",
		o->addr ? " " : "", o->addr ? a : "",
		o->note);
}

static uint64_t dropped_all(const struct dstats *st)
{
	uint64_t n = 0;

	for (size_t i = 0; i < DROP_REASONS; i++)
		n += ctl_counter_get((ctl_counter *)&st->dropped[i]);
	return n;
}

static void drop(struct dserver *s, enum dstat_drop d, const char *why)
{
	uint64_t held;

	ctl_count(&s->st.dropped[d], 1);
	if (loglimit_allow(&s->ll, (uint64_t)(uintptr_t)why,
			   (uint64_t)time(NULL), &held))
		log_warn("dropped a request: %s (%llu dropped in all; %llu "
			 "lines held back)", why,
			 (unsigned long long)dropped_all(&s->st),
			 (unsigned long long)held);
}

/* A request refused by a rate limit: counted (here, not by the
 * limiters, whose counts a reload starts again), and logged as the
 * drops are (one line per reason per 10 s, 5 a second in all). */
static void limited(struct dserver *s, const char *why)
{
	struct dstats *st = &s->st;
	bool client = strstr(why, "client asks") != NULL;
	uint64_t held;

	ctl_count(&st->limited, 1);
	ctl_count(client ? &st->limited_client : &st->limited_new, 1);
	if (loglimit_allow(&s->ll, (uint64_t)(uintptr_t)why,
			   (uint64_t)time(NULL), &held))
		log_warn("refused a request: %s (%llu refused in all: %llu "
			 "for clients asking too often, %llu new addresses; "
			 "%llu lines held back)", why,
			 (unsigned long long)ctl_counter_get(&st->limited),
			 (unsigned long long)ctl_counter_get(&st->limited_client),
			 (unsigned long long)ctl_counter_get(&st->limited_new),
			 (unsigned long long)held);
}

/* With DNS updates, what the changed leases' names need: stored in
 * the same commit as the leases (the queue is durable), and queued for
 * the updater, which starts on each once it is. */
static void dns_intents(struct dserver *s)
{
	struct dhcp_lease *e;
	struct dhcp_pool *p;
	size_t i, k;

	int64_t now = (int64_t)time(NULL);

	for (k = 0; s->dd && k < s->nlinks; k++)
		for (p = s->pools[k], i = 0; i < p->ndirty; i++) {
			e = p->dirty[i];
			dhcp_lease_dns(e, now, p->conf->ddns_grace);
			if (e->dns == DNS_ADD || e->dns == DNS_DEL)
				ddns_want(s->dd, p, e);
		}
}

/* The dirty leases (and the replies of out) to the commit thread;
 * *seq: the batch that holds them (the last one handed over when there
 * was nothing). 0, or -1 (out of memory: the leases stay dirty). */
static int push(struct dserver *s, const struct dhcp_out *out, size_t nout,
		int fd, uint32_t *seq)
{
	static const uint16_t port[] = { 0, 68, 68, 67 };
	size_t k, n = nout;

	dns_intents(s);
	if (s->orphans.ndirty)
		orphans_done(s);
	for (k = 0; k < s->nlinks; k++)
		n += s->pools[k]->ndirty;
	if (!n) {
		*seq = commit_last(s->cm);
		return 0;
	}
	s->active_stale = true;
	*seq = commit_push(s->cm, s->pools, s->nlinks, out, nout, fd, port);
	return *seq ? 0 : -1;
}

int dserver_save(struct dserver *s)
{
	uint32_t seq;

	return push(s, NULL, 0, -1, &seq);
}

int dserver_sync(struct dserver *s)
{
	uint32_t seq;

	return push(s, NULL, 0, -1, &seq) < 0 ? -1 : commit_wait(s->cm, seq);
}

size_t dserver_count_active(struct dserver *s)
{
	int64_t now = (int64_t)time(NULL);
	const struct dhcp_pool *p;
	size_t k, i, n = 0;

	for (k = 0; k < s->nlinks; k++)
		for (p = s->pools[k], i = 0; i < p->n; i++)
			n += p->l[i].state == DL_BOUND && p->l[i].expires > now;
	atomic_store_explicit(&s->st.active, n, memory_order_relaxed);
	s->active_stale = false;
	s->active_ms = dserver_now_ms();
	return n;
}

/* The pool a request is for: the relay's subnet when relayed (it may
 * come in on any interface), else the interface's. A relay of no
 * subnet served is left to the interface's pool, which drops it. */
static struct dhcp_pool *pool_for(struct dserver *s, struct dlink *link,
				  const struct dhcp_msg *m)
{
	const struct dhcp_conf *k;
	size_t i;

	for (i = 0; m->giaddr && i < s->nlinks; i++) {
		k = s->pools[i]->conf;
		if ((m->giaddr & k->mask) == k->net)
			return s->pools[i];
	}
	return &link->pool;
}

int dserver_round(struct dserver *s, struct dlink *link, const size_t *len,
		  size_t n, int64_t now)
{
	uint32_t seq;
	size_t i;
	int replies = 0, type, ret;

	for (i = 0; i < n; i++) {
		struct dhcp_out *o = &s->out[i];

		o->type = 0;
		ctl_count(&s->st.received, 1);
		if (dhcp_parse(&s->req, s->in[i], len[i]) < 0) {
			drop(s, DROP_MALFORMED, "malformed DHCP message");
			continue;
		}
		type = dhcp_msg_type(&s->req);
		ret = dhcp_serve(pool_for(s, link, &s->req), &s->req, now, o);
		if (ret == BN_ELIMIT) {
			limited(s, o->note);
			continue;
		}
		if (ret < 0) {
			drop(s, DROP_INVALID, o->note);
			continue;
		}
		count(&s->st, type, o);
		count_silent(&s->st, type, o);
		log_req(&s->req, type, o);
		replies += o->type != 0;
	}
	if (push(s, s->out, n, link->fd, &seq) < 0) {
		log_err("out of memory: %d replies not sent", replies);
		return -1;      /* dirty entries stay for the next round */
	}
	return replies;
}

/* Reads what waits (up to a round) and serves it; *due is brought
 * forward to the soonest end the round can have made. */
static void read_round(struct dserver *s, struct dlink *link, int64_t *due)
{
	const struct dhcp_conf *k = link->pool.conf;
	uint32_t soon = k->offer_hold;
	struct mmsghdr mm[DSERVER_ROUND];
	struct iovec iov[DSERVER_ROUND];
	size_t len[DSERVER_ROUND];
	int i, n;

	memset(mm, 0, sizeof(mm));
	for (i = 0; i < DSERVER_ROUND; i++) {
		iov[i].iov_base = s->in[i];
		iov[i].iov_len = DHCP_PKT_MAX;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
	}
	n = recvmmsg(link->fd, mm, DSERVER_ROUND, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	for (i = 0; i < n; i++)
		len[i] = mm[i].msg_hdr.msg_flags & MSG_TRUNC ? 0 : mm[i].msg_len;
	dserver_round(s, link, len, (size_t)n, (int64_t)time(NULL));
	if (k->lease_time < soon)
		soon = k->lease_time;
	if (k->decline_time < soon)
		soon = k->decline_time;
	if ((int64_t)time(NULL) + soon < *due)
		*due = (int64_t)time(NULL) + soon;
}

static void expire(struct dserver *s, int64_t *due)
{
	int64_t d;
	size_t k, n = 0;

	*due = INT64_MAX;
	for (k = 0; k < s->nlinks; k++) {
		n += dhcp_pool_expire(s->pools[k], (int64_t)time(NULL), &d);
		if (d < *due)
			*due = d;
	}
	if (n)
		log_debug("%zu leases, offers or declines ended", n);
	dserver_save(s);
}

int64_t dserver_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The DNS updater's turn: answers, timers, the next lease; what it
 * changed is saved. Returns the milliseconds it may wait (-1: any). */
static int dns_turn(struct dserver *s, bool readable)
{
	int ms;

	if (!s->dd)
		return -1;
	if (readable)
		ddns_read(s->dd, dserver_now_ms());
	ms = ddns_run(s->dd, dserver_now_ms());
	dserver_save(s);
	return ms;
}

void dserver_ready(const struct dserver *s, const char *failed)
{
	char status[CONFIG_ERR_MAX + 64];

	snprintf(status, sizeof(status), "%s%.*s%sserving %zu interfaces",
		 failed ? "reload failed (" : "", CONFIG_ERR_MAX - 1,
		 failed ? failed : "", failed ? "); " : "", s->nlinks);
	sdn_ready(status);
}

/* 1: go on, 0: exit. */
static int on_signal(struct dserver *s, int sfd)
{
	struct signalfd_siginfo si;
	char err[CONFIG_ERR_MAX];

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return 1;
	if ((int)si.ssi_signo == ctl_signal()) {
		ctl_run_main(s->ctl);
		return 1;
	}
	if (si.ssi_signo == SIGUSR1) {
		control_log_stats(s);
		return 1;
	}
	if (si.ssi_signo == SIGHUP) {
		log_info("reload: SIGHUP received");
		sdn_reloading();
		if (dserver_reload(s, err) < 0) {
			log_err("reload: %s; the old settings are kept", err);
			dserver_ready(s, err);
		} else {
			dserver_ready(s, NULL);
		}
		return 1;
	}
	log_info("exiting on signal %u", si.ssi_signo);
	sdn_stopping();
	return 0;
}

/* pf: the signal fd, the DNS updater's, the commit thread's (a batch
 * durable: the updater may go on with its leases), then each link's
 * socket. */
#define PF_LINKS 3

static void poll_set(struct dserver *s, struct pollfd *pf, int sfd)
{
	size_t k;

	pf[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pf[1] = (struct pollfd){ .fd = s->dd ? s->dd->fd : -1,
				 .events = POLLIN };
	pf[2] = (struct pollfd){ .fd = s->dd ? commit_fd(s->cm) : -1,
				 .events = POLLIN };
	for (k = 0; k < s->nlinks; k++)
		pf[PF_LINKS + k] = (struct pollfd){ .fd = s->link[k].fd,
						    .events = POLLIN };
}

static void drain(int fd)
{
	uint64_t n;

	if (read(fd, &n, sizeof(n)) < 0)
		return;         /* EAGAIN: nothing ended */
}

int dserver_run(struct dserver *s, const sigset_t *set)
{
	struct pollfd pf[PF_LINKS + DCONFIG_LINKS];
	int64_t due, now, wait;
	int sfd = signalfd(-1, set, SFD_CLOEXEC), dms, ms;
	size_t k;

	if (sfd < 0) {
		log_err("signalfd: %s", strerror(errno));
		return 1;
	}
	loglimit_init(&s->ll, 10, 5);
	poll_set(s, pf, sfd);
	expire(s, &due);
	dserver_count_active(s);
	dms = dns_turn(s, false);
	for (;;) {
		now = (int64_t)time(NULL);
		wait = due > now + 60 ? 60 : due - now;
		ms = wait > 0 ? (int)wait * 1000 : 0;
		if (dms >= 0 && dms < ms)
			ms = dms;
		if (s->active_stale && ms > DSERVER_ACTIVE_MS)
			ms = DSERVER_ACTIVE_MS;
		if (poll(pf, PF_LINKS + s->nlinks, ms) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN) {
			if (!on_signal(s, sfd))
				break;
			expire(s, &due);        /* a reload, a release */
		}
		if (pf[2].revents & POLLIN)
			drain(pf[2].fd);
		for (k = 0; k < s->nlinks; k++)
			if (pf[PF_LINKS + k].revents & POLLIN)
				read_round(s, &s->link[k], &due);
		if ((int64_t)time(NULL) >= due)
			expire(s, &due);
		dms = dns_turn(s, pf[1].revents & (POLLIN | POLLERR));
		if (s->active_stale &&
		    dserver_now_ms() - s->active_ms >= DSERVER_ACTIVE_MS)
			dserver_count_active(s);
	}
	close(sfd);
	return 0;
}
