/* Privilege drop: after the sockets are bound and the zones read, a
 * daemon started as root chroots (optional) and becomes its own
 * unprivileged user. */
#ifndef BANCHI_DAEMON_PRIVS_H
#define BANCHI_DAEMON_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

/* 0, or -1 after logging why (the daemon must then exit). As root: chroot
 * to chroot_dir when not NULL; then, without allow_root, switches to user
 * (NULL: "banchi" when it exists, else "nobody") and group (NULL: the
 * user's group), refusing uid 0, and checks that root cannot be
 * regained. Not as root: warns that the settings are ignored. */
int privs_drop(const char *user, const char *group, const char *chroot_dir,
	       bool allow_root);

/* The user and group privs_drop switches to (same defaults and
 * refusals). 0, or -1 after logging why. */
int privs_lookup(const char *user, const char *group, uid_t *uid,
		 gid_t *gid, const char **uname);

/* Makes dir (and its parents) when missing; as root and without
 * allow_root, gives it and its files to the user privs_drop switches
 * to. 0, or -1 after logging why. */
int privs_own_dir(const char *dir, const char *user, const char *group,
		  bool allow_root);

#endif
