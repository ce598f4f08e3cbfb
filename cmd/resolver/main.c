/* banchi-resolver: wiring only. The command line becomes a config; the
 * signals the daemon waits for are blocked before any thread starts;
 * src/resolverd/daemon.c does the rest. */
#include <signal.h>
#include <stdio.h>

#include "authd/cmdline.h"
#include "resolverd/daemon.h"
#include "ctl/ctl.h"

int main(int argc, char **argv)
{
	char err[CONFIG_ERR_MAX];
	struct rdaemon d = { .argc = argc, .argv = argv };
	sigset_t set;
	int ret;

	ret = rconfig_cmdline(&d.cfg, argc, argv, NULL, err);
	if (ret == CMDLINE_HELP_CONFIG) {
		cfg_print_doc(&rconfig_cfg, stdout, "banchi-resolver",
			      "/etc/banchi/banchi-resolver.yaml", "    forward: and stub: are top-level lists of zone: and to:\n"
			      "    (addresses) mappings.");
		rconfig_clear(&d.cfg);
		return 0;
	}
	if (ret == CMDLINE_HELP || ret == CMDLINE_VERSION) {
		fputs(ret == CMDLINE_HELP ? rconfig_usage :
		      "banchi-resolver " BANCHI_VERSION "\n", stdout);
		rconfig_clear(&d.cfg);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "banchi-resolver: %s\n", err);
		rconfig_clear(&d.cfg);
		return 2;
	}
	d.srv.stop_fd = -1;
	rdaemon_apply_log(&d.cfg);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, ctl_signal());  /* banchi-ctl's commands */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = rdaemon_run(&d, &set);
	rdaemon_clear(&d);
	return ret;
}
