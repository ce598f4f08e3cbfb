/* banchi-auth's command line: flags named after the config schema, plus
 * -c FILE, --zone NAME=FILE, --syslog, --help, --version. */
#ifndef BANCHI_AUTHD_CMDLINE_H
#define BANCHI_AUTHD_CMDLINE_H

#include "authd/config.h"

extern const char cmdline_usage[];

/* Builds c from defaults, the config file (-c, opened at strip-less
 * path when strip is given and prefixes it) and the flags, which
 * override the file. CMDLINE_* or -1 with a message in err. */
int cmdline_config(struct config *c, int argc, char **argv,
		   const char *strip, char *err);

#endif
