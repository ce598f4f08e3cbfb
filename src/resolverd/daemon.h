/* banchi-resolver's life after the command line: build the first
 * snapshot, the cache and infra, bind, drop privileges, start the
 * workers, then wait for signals in the calling thread (SIGHUP reloads
 * the config and local files keeping the cache, SIGUSR1 logs counters,
 * SIGUSR2 flushes the cache, SIGTERM and SIGINT end it). */
#ifndef BANCHI_RESOLVERD_DAEMON_H
#define BANCHI_RESOLVERD_DAEMON_H

#include <signal.h>

#include "resolverd/config.h"
#include "resolverd/server.h"

struct ctl_server;

/* argc/argv are kept to re-read the config on reload; srv.stop_fd must
 * be -1 before rdaemon_run. */
struct rdaemon {
	int argc;
	char **argv;
	struct rconfig cfg;
	struct rserver srv;
	char *chroot_dir;               /* fixed at start, for reload paths */
	struct ctl_server *ctl;         /* banchi-ctl's socket, or NULL */
	struct qlog *ql;                /* dnstap, query log, or NULL */
	struct rnta *nta;               /* negative trust anchors (nta.c) */
	size_t nnta;
	struct rtrust *ta;              /* the RFC 5011 point, or NULL */
};

/* Log level and target from c. */
void rdaemon_apply_log(const struct rconfig *c);

/* Runs until SIGTERM/SIGINT (set: the blocked signals to wait for).
 * Returns the exit status: 0, or 1 when startup failed. The caller then
 * calls rdaemon_clear(). */
int rdaemon_run(struct rdaemon *d, const sigset_t *set);

/* Stops the workers and frees what d holds (argv stays the caller's). */
void rdaemon_clear(struct rdaemon *d);

/* A reload (main thread): the config and local files read again, the
 * cache kept. 0, or -1 with err (CONFIG_ERR_MAX octets): the old
 * settings are kept. */
int rdaemon_reload(struct rdaemon *d, char *err);

/* Negative trust anchors past their time dropped (nta.c); main
 * thread. */
void rnta_expire(struct rdaemon *x);

/* The RFC 5011 trust point of dnssec.auto-trust-anchor (autotrust.c;
 * main thread). rtrust_open: its state file read (made from the
 * built-in root anchors when missing), x->cfg.auto_ta set; 0 (nothing
 * to do without the option) or -1 logged, with FILE: line N: why.
 * rtrust_wait: seconds until the next probe, or -1 (none). rtrust_tick:
 * the DNSKEY set asked of the resolver itself (DO, CD) when due,
 * validated with the keys trusted now, the states moved, the file
 * rewritten and the anchors published when they changed. */
int rtrust_open(struct rdaemon *x);
long rtrust_wait(const struct rdaemon *x);
void rtrust_tick(struct rdaemon *x);
void rtrust_close(struct rdaemon *x);

/* The cache across restarts (cache_keep.c, --cache-file): read back
 * before serving; written at stop. Each logs what it did. */
void rcache_keep_load(struct rdaemon *x);
void rcache_keep_save(struct rdaemon *x);

#endif
