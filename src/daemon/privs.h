/* Privilege drop: after the sockets are bound and the zones read, a
 * daemon started as root chroots (optional) and becomes its own
 * unprivileged user. */
#ifndef BANCHI_DAEMON_PRIVS_H
#define BANCHI_DAEMON_PRIVS_H

#include <stdbool.h>

/* 0, or -1 after logging why (the daemon must then exit). As root: chroot
 * to chroot_dir when not NULL; then, without allow_root, switches to user
 * (NULL: "banchi" when it exists, else "nobody") and group (NULL: the
 * user's group), refusing uid 0, and checks that root cannot be
 * regained. Not as root: warns that the settings are ignored. */
int privs_drop(const char *user, const char *group, const char *chroot_dir,
	       bool allow_root);

#endif
