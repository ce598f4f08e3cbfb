/* Bind, then drop (DESIGN principle 7): setgroups, setgid, setuid in that
 * order (setgid needs root), then a check that setuid(0) fails so that a
 * half-done drop never goes unnoticed. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/privs.h"

int privs_lookup(const char *user, const char *group, uid_t *uid,
		 gid_t *gid, const char **uname)
{
	struct passwd *pw;
	struct group *gr;

	*uname = user;
	if (!*uname)
		*uname = getpwnam("banchi") ? "banchi" : "nobody";
	pw = getpwnam(*uname);
	if (!pw) {
		log_err("no such user '%s'", *uname);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		gr = getgrnam(group);
		if (!gr) {
			log_err("no such group '%s'", group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	if (*uid == 0 || *gid == 0) {
		log_err("refusing to run as root (user '%s'); use "
			"--allow-root to keep root privileges", *uname);
		return -1;
	}
	return 0;
}

static int do_chroot(const char *dir)
{
	if (!dir)
		return 0;
	if (chroot(dir) < 0 || chdir("/") < 0) {
		log_err("chroot %s: %s", dir, strerror(errno));
		return -1;
	}
	log_info("chroot to %s", dir);
	return 0;
}

static int switch_ids(uid_t uid, gid_t gid)
{
	if (setgroups(1, &gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
		log_err("cannot drop privileges: %s", strerror(errno));
		return -1;
	}
	if (setuid(0) == 0 || geteuid() != uid || getegid() != gid) {
		log_err("privileges were not dropped: refusing to go on");
		return -1;
	}
	return 0;
}

static void not_root(const char *user, const char *group,
		     const char *chroot_dir)
{
	if (user || group)
		log_warn("not started as root: user/group settings ignored, "
			 "running as uid %u", (unsigned)geteuid());
	if (chroot_dir)
		log_warn("not started as root: chroot %s ignored", chroot_dir);
}

int privs_drop(const char *user, const char *group, const char *chroot_dir,
	       bool allow_root)
{
	const char *uname;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		not_root(user, group, chroot_dir);
		return 0;
	}
	if (allow_root) {
		if (do_chroot(chroot_dir) < 0)
			return -1;
		log_warn("running as root (allow-root)");
		return 0;
	}
	if (privs_lookup(user, group, &uid, &gid, &uname) < 0 ||
	    do_chroot(chroot_dir) < 0 || switch_ids(uid, gid) < 0)
		return -1;
	log_info("dropped privileges to user %s (uid %u, gid %u)", uname,
		 (unsigned)uid, (unsigned)gid);
	return 0;
}
