/* Startup sequence, signal loop and reload of banchi-auth. The main
 * thread is the loader: reloads never run in a worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authd/cmdline.h"
#include "authd/daemon.h"
#include "daemon/log.h"
#include "daemon/privs.h"

void daemon_apply_log(const struct config *c)
{
	log_set_level((enum log_level)c->log_level);
	log_set_syslog(c->log_syslog);
}

static void log_loaded(const char *what, const struct load_stats *st)
{
	log_info("%s: %zu zones served (%zu failed, %zu unchanged), %zu "
		 "records, %.3f s", what, st->zones, st->failed, st->reused,
		 st->records, st->seconds);
}

/* Sockets, threads and identity are fixed once privileges are gone. */
static void warn_restart(const struct config *o, const struct config *n)
{
	struct cfg_process po = CFG_PROCESS_OF(o), pn = CFG_PROCESS_OF(n);

	if (!cfg_process_same(&po, &pn))
		log_warn("reload: listen addresses, threads, user, group, "
			 "chroot and allow-root need a restart; kept as they "
			 "were");
}

static void reload(struct daemon *x)
{
	char err[CONFIG_ERR_MAX];
	struct load_stats st;
	struct served *s;
	struct config n;

	log_info("reload: SIGHUP received");
	if (cmdline_config(&n, x->argc, x->argv, x->ld.strip, err) < 0) {
		log_err("reload: %s; old config and zones kept", err);
		config_clear(&n);
		return;
	}
	warn_restart(&x->cfg, &n);
	daemon_apply_log(&n);
	if (loader_run(&x->ld, &n, &s, &st) < 0) {
		log_err("reload: out of memory; old zones kept");
		config_clear(&n);
		return;
	}
	served_publish(&x->srv.cur, s);
	config_clear(&x->cfg);
	x->cfg = n;
	log_loaded("reload", &st);
}

static int serve(struct daemon *x, const sigset_t *set)
{
	uint64_t udp, tcp;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(x);
		} else if (sig == SIGUSR1) {
			server_counts(&x->srv, &udp, &tcp);
			log_info("stats: %llu UDP queries, %llu TCP queries, "
				 "%zu zones", (unsigned long long)udp,
				 (unsigned long long)tcp, x->ld.n);
		} else {
			log_info("exiting on signal %d", sig);
			return 0;
		}
	}
}

int daemon_run(struct daemon *x, const sigset_t *set)
{
	struct load_stats st;
	struct served *s;

	if (loader_run(&x->ld, &x->cfg, &s, &st) < 0) {
		log_err("out of memory loading zones");
		return 1;
	}
	log_loaded("startup", &st);
	if (x->cfg.nzones && st.zones == 0) {
		log_err("no zone could be loaded");
		served_free(s);
		return 1;
	}
	if (server_open(&x->srv, &x->cfg) < 0 ||
	    privs_drop(x->cfg.user, x->cfg.group, x->cfg.chroot,
		       x->cfg.allow_root) < 0 ||
	    server_start(&x->srv, s) < 0) {
		if (!x->srv.cur)
			served_free(s);
		return 1;
	}
	if (x->cfg.chroot && x->cfg.chroot[0] == '/' &&
	    strcmp(x->cfg.chroot, "/")) {
		x->chroot_dir = strdup(x->cfg.chroot);
		x->ld.strip = x->chroot_dir;
	}
	return serve(x, set);
}

void daemon_clear(struct daemon *x)
{
	server_stop(&x->srv);
	loader_clear(&x->ld);
	config_clear(&x->cfg);
	free(x->chroot_dir);
	x->chroot_dir = NULL;
}
