/* banchi-auth: wiring only. The command line becomes a config; the
 * signals the daemon waits for are blocked before any thread starts;
 * src/daemon does the rest. */
#include <signal.h>
#include <stdio.h>

#include "authd/cmdline.h"
#include "authd/daemon.h"
#include "ctl/ctl.h"

int main(int argc, char **argv)
{
	char err[CONFIG_ERR_MAX];
	struct daemon d = { .argc = argc, .argv = argv };
	sigset_t set;
	int ret;

	ret = cmdline_config(&d.cfg, argc, argv, NULL, err);
	if (ret == CMDLINE_HELP_CONFIG) {
		cfg_print_doc(&config_cfg, stdout, "banchi-auth",
			      "/etc/banchi/banchi-auth.yaml", "    Zones are a top-level list, zones:, each a mapping (name,\n"
			      "    file, and the per-zone keys of banchi-auth(8)); keys:\n"
			      "    lists TSIG keys.");
		config_clear(&d.cfg);
		return 0;
	}
	if (ret == CMDLINE_HELP || ret == CMDLINE_VERSION) {
		fputs(ret == CMDLINE_HELP ? cmdline_usage :
		      "banchi-auth " BANCHI_VERSION "\n", stdout);
		config_clear(&d.cfg);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "banchi-auth: %s\n", err);
		config_clear(&d.cfg);
		return 2;
	}
	d.srv.stop_fd = -1;
	pthread_mutex_init(&d.publish, NULL);
	daemon_apply_log(&d.cfg);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, ctl_signal());  /* banchi-ctl's commands */
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = daemon_run(&d, &set);
	daemon_clear(&d);
	return ret;
}
