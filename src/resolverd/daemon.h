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

/* The cache across restarts (cache_keep.c, --cache-file): read back
 * before serving; written at stop. Each logs what it did. */
void rcache_keep_load(struct rdaemon *x);
void rcache_keep_save(struct rdaemon *x);

#endif
