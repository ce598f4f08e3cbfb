/* banchi-dhcp: wiring only. 'leases' lists the lease database, 'why'
 * explains a host's lease and name from it; else the command line
 * becomes a config, the signals the server waits for are blocked, and
 * src/dhcpd does the rest. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ctl/ctl.h"
#include "daemon/log.h"
#include "dhcpd/config.h"
#include "dhcpd/daemon.h"

int main(int argc, char **argv)
{
	char err[CONFIG_ERR_MAX];
	struct dconfig c;
	sigset_t set;
	int ret;

	if (argc > 1 &&
	    (!strcmp(argv[1], "leases") || !strcmp(argv[1], "why")))
		return dhcpd_leases(argc - 1, argv + 1);
	ret = dconfig_cmdline(&c, argc, argv, err);
	if (ret == CMDLINE_HELP_CONFIG) {
		cfg_print_doc(&dconfig_cfg, stdout, "banchi-dhcp",
			      "/etc/banchi/banchi-dhcp.yaml", NULL);
		dconfig_clear(&c);
		return 0;
	}
	if (ret == CMDLINE_HELP || ret == CMDLINE_VERSION) {
		fputs(ret == CMDLINE_HELP ? dconfig_usage :
		      "banchi-dhcp " BANCHI_VERSION "\n", stdout);
		dconfig_clear(&c);
		return 0;
	}
	if (ret < 0) {
		fprintf(stderr, "banchi-dhcp: %s\n", err);
		dconfig_clear(&c);
		return 2;
	}
	log_set_level((enum log_level)c.log_level);
	log_set_syslog(c.log_syslog);
	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, ctl_signal());  /* banchi-ctl's commands */
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = dhcpd_run(&c, argc, argv, &set);
	dconfig_clear(&c);
	return ret;
}
