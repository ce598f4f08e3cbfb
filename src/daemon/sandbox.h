/* The daemons' own sandbox (sandbox.c): once a daemon serves (sockets
 * bound, files open, privileges dropped, threads started), a seccomp
 * filter allows only the system calls such a daemon makes. Calls that
 * only an attacker would make (exec, ptrace, mounts, modules, keyrings,
 * BPF, new namespaces...) kill the process; any other call outside the
 * list fails with EPERM and is logged once per call number, so that a
 * path the list forgot shows up in the log instead of a crash. */
#ifndef BANCHI_DAEMON_SANDBOX_H
#define BANCHI_DAEMON_SANDBOX_H

#include <stdbool.h>

/* Installs the filter on every thread of the process. 0, or -1 (logged:
 * the daemon goes on without it, as when off is true: not asked). */
int sandbox_enter(const char *daemon, bool off);

/* Whether the process runs under a filter (its /proc status says). */
bool sandbox_active(void);

#endif
