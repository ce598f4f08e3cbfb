/* Privilege drop: after the sockets are bound and the zones read, a
 * daemon started as root chroots (optional) and becomes its own
 * unprivileged user. */
#ifndef BANCHI_DAEMON_PRIVS_H
#define BANCHI_DAEMON_PRIVS_H

#include "daemon/config.h"

/* 0, or -1 after logging why (the daemon must then exit). As root
 * without allow_root: switches to c->user (default "banchi" when it
 * exists, else "nobody") and c->group (default: the user's group),
 * refusing uid 0, and checks that root cannot be regained. */
int privs_drop(const struct config *c);

#endif
