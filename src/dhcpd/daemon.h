/* banchi-dhcp's startup: lease store, pool, socket, privilege drop, then
 * the serving loop; and the 'leases' command. */
#ifndef BANCHI_DHCPD_DAEMON_H
#define BANCHI_DHCPD_DAEMON_H

#include <signal.h>

#include "dhcpd/config.h"

/* Runs the server on c (c->dc gets the server id; a reload replaces
 * *c, read again from argc, argv). Exit status: 0 clean exit, 1
 * startup failure. set: the signals blocked for it (ctl_signal()
 * among them: the control channel's commands). */
int dhcpd_run(struct dconfig *c, int argc, char **argv, const sigset_t *set);

/* 'banchi-dhcp leases --lease-db PATH [--all]' and 'banchi-dhcp why
 * HOST-OR-MAC --lease-db PATH' (argv from the command word). Exit
 * status: 0, 1 (database unreadable; why: nothing found), 2 (usage). */
int dhcpd_leases(int argc, char **argv);

#endif
