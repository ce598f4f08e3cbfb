/* The daemon's life after the command line: load the zones, bind,
 * drop privileges, start the workers, then wait for signals in the
 * calling thread (SIGHUP reloads, SIGUSR1 logs counters, SIGTERM and
 * SIGINT end it). */
#ifndef BANCHI_AUTHD_DAEMON_H
#define BANCHI_AUTHD_DAEMON_H

#include <signal.h>

#include "authd/config.h"
#include "authd/notify.h"
#include "authd/reload.h"
#include "authd/server.h"
#include "authd/sqlzones.h"
#include "authd/xfr_health.h"

struct ctl_server;

/* argc/argv are kept to re-read the config on reload; srv.stop_fd must
 * be -1 and publish initialised before daemon_run. */
struct daemon {
	int argc;
	char **argv;
	struct config cfg;
	struct loader ld;
	struct server srv;
	struct updater upd;             /* the writer (dynamic updates) */
	struct secondary sec;           /* the secondary zones' refresher */
	struct sqlzones sqlz;           /* zones from the database */
	struct notifier notify;         /* NOTIFY out */
	struct xfr_health health;       /* what each secondary has */
	pthread_mutex_t publish;        /* one publisher at a time: reload
					 * or the writer */
	char *chroot_dir;               /* fixed at start, for reload paths */
	struct ctl_server *ctl;         /* banchi-ctl's socket, or NULL */
	struct qlog *ql;                /* dnstap, query log, or NULL */
};

/* Log level and target from c. */
void daemon_apply_log(const struct config *c);

/* Runs until SIGTERM/SIGINT (set: the blocked signals to wait for).
 * Returns the exit status: 0, or 1 when startup failed. The caller then
 * calls daemon_clear(). */
int daemon_run(struct daemon *d, const sigset_t *set);

/* Stops the workers and frees what d holds (argv stays the caller's). */
void daemon_clear(struct daemon *d);

/* A reload (main thread): the config read again and the zones whose
 * files changed loaded; or, only set, that zone's file alone, the
 * config as it is. 0 with *st, or -1 with err (CONFIG_ERR_MAX octets):
 * the config could not be read, or memory ran out; nothing changed. */
int daemon_reload(struct daemon *d, const uint8_t *only,
		  struct load_stats *st, char *err);

#endif
