/* The control channel every daemon has (doc/control.md): a UNIX socket
 * that takes one JSON object a line and answers one a line. One thread
 * of its own polls the socket and the connections (at most
 * CTL_CONN_MAX, each request at most CTL_REQUEST_MAX octets, each read
 * and write done within CTL_IO_TIMEOUT_MS), so a slow or silent client
 * holds nothing but its own slot. A command runs in that thread, or,
 * marked main, in the daemon's main thread (which loads zones and
 * config), woken by ctl_signal(); the control thread goes on serving
 * others meanwhile. Commands are a table: data, not code paths. */
#ifndef BANCHI_CTL_CTL_H
#define BANCHI_CTL_CTL_H

#include <stdbool.h>
#include <stddef.h>

#include "ctl/ctl_json.h"
#include "ctl/ctl_metrics.h"
#include "ctl/ctl_reply.h"
#include "daemon/cfg.h"

/* Where each daemon's socket is unless configured (server.control). */
#define CTL_AUTH_PATH "/run/banchi/auth.ctl"
#define CTL_RESOLVER_PATH "/run/banchi/resolver.ctl"
#define CTL_DHCP_PATH "/run/banchi/dhcp.ctl"

#define CTL_CONN_MAX 16
#define CTL_IO_TIMEOUT_MS 10000

/* value: the argument's text (NULL when not given). */
typedef void ctl_cmd_fn(void *arg, const char *value, struct ctl_reply *r);

enum ctl_need { CTL_NO_ARG, CTL_ARG_OPTIONAL, CTL_ARG_REQUIRED };

struct ctl_cmd {
	const char *name;
	const char *arg;                /* its argument's member: "zone" */
	enum ctl_need need;
	bool main;                      /* runs in the main thread */
	bool logged;                    /* changes something: logged with
					 * who asked */
	ctl_cmd_fn *fn;
};

/* log-level LEVEL, the same in every daemon: the log's level until the
 * next reload applies the config's again. */
void ctl_cmd_log_level(void *arg, const char *value, struct ctl_reply *r);

struct ctl_conf {
	const char *daemon;             /* "banchi-auth" */
	const char *path;               /* as configured: NULL for def,
					 * "none" for no channel */
	const char *def;                /* the default path */
	const struct ctl_cmd *cmds;
	size_t ncmds;
	void *arg;                      /* handed to every command */
	/* The metrics endpoint (ctl_http.c): its TCP address, or NULL
	 * for none; what writes the metrics (in the control thread). */
	const struct cfg_listen *metrics;
	ctl_metrics_fn *metrics_fn;
};

struct ctl_server;

/* Makes the socket, and the metrics listener when configured (before
 * the privilege drop). 0 with *out; *out is NULL when both are off:
 * "none", or the default path could not be made (logged as a warning).
 * -1 (logged) when a configured path or metrics address cannot be
 * made: the daemon should not start. c is copied, but its strings and
 * table must outlive the server (c->metrics is copied). */
int ctl_open(struct ctl_server **out, const struct ctl_conf *c);
/* Starts the thread (the RCU-registered control thread); the caller's
 * thread becomes the main one that ctl_signal() wakes. 0 or -1
 * (logged). NULL s: nothing to do. */
int ctl_start(struct ctl_server *s);
/* Stops the thread (requests waiting for the main thread are dropped
 * with their connections), removes the socket while it is still ours,
 * frees s. NULL: nothing. Main thread. */
void ctl_stop(struct ctl_server *s);

/* The signal that wakes the main thread (SIGRTMIN): blocked like the
 * others before any thread starts, and waited for with them. */
int ctl_signal(void);
/* Main thread, on ctl_signal(): runs the main commands waiting. */
void ctl_run_main(struct ctl_server *s);

/* Seconds since ctl_open; its path. */
double ctl_uptime(const struct ctl_server *s);
const char *ctl_path(const struct ctl_server *s);

/* A request line checked against the table: 0 with *cmd and *value
 * (NULL, or a pointer into rq), or -1 with r failed saying why. id gets
 * the request's "id" in JSON form ("" when none: cap octets). */
int ctl_request_check(const struct ctl_conf *c, struct ctl_request *rq,
		      const char *line, size_t len,
		      const struct ctl_cmd **cmd, const char **value,
		      char *id, size_t cap, struct ctl_reply *r);

#endif
