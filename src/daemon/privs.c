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

static int lookup(const struct config *c, uid_t *uid, gid_t *gid,
		  const char **uname)
{
	struct passwd *pw;
	struct group *gr;

	*uname = c->user;
	if (!*uname)
		*uname = getpwnam("banchi") ? "banchi" : "nobody";
	pw = getpwnam(*uname);
	if (!pw) {
		log_err("no such user '%s'", *uname);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (c->group) {
		gr = getgrnam(c->group);
		if (!gr) {
			log_err("no such group '%s'", c->group);
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

static void not_root(const struct config *c)
{
	if (c->user || c->group)
		log_warn("not started as root: user/group settings ignored, "
			 "running as uid %u", (unsigned)geteuid());
	if (c->chroot)
		log_warn("not started as root: chroot %s ignored", c->chroot);
}

int privs_drop(const struct config *c)
{
	const char *uname;
	uid_t uid;
	gid_t gid;

	if (geteuid() != 0) {
		not_root(c);
		return 0;
	}
	if (c->allow_root) {
		if (do_chroot(c->chroot) < 0)
			return -1;
		log_warn("running as root (allow-root)");
		return 0;
	}
	if (lookup(c, &uid, &gid, &uname) < 0 || do_chroot(c->chroot) < 0 ||
	    switch_ids(uid, gid) < 0)
		return -1;
	log_info("dropped privileges to user %s (uid %u, gid %u)", uname,
		 (unsigned)uid, (unsigned)gid);
	return 0;
}
