/* A folder the daemon writes in after dropping privileges (journals,
 * secondary zones): made when missing and, as root, given with its files
 * to the user the daemon becomes, so that it can go on writing there. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/privs.h"

static int make_dirs(const char *dir)
{
	char p[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(p))
		return -1;
	memcpy(p, dir, n + 1);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0750) < 0 && errno != EEXIST ? -1 : 0;
}

/* The folder and its regular files (not following links). */
static void give(const char *dir, uid_t uid, gid_t gid)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fchown(fd, uid, gid) < 0)
		log_warn("%s: cannot give it to uid %u: %s", dir,
			 (unsigned)uid, strerror(errno));
	while ((e = readdir(d)))
		if (e->d_type == DT_REG &&
		    fchownat(fd, e->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
			log_warn("%s/%s: cannot give it to uid %u: %s", dir,
				 e->d_name, (unsigned)uid, strerror(errno));
	closedir(d);
}

int privs_own_dir(const char *dir, const char *user, const char *group,
		  bool allow_root)
{
	const char *uname;
	uid_t uid;
	gid_t gid;

	if (make_dirs(dir) < 0) {
		log_err("%s: cannot make the folder: %s", dir, strerror(errno));
		return -1;
	}
	if (geteuid() != 0 || allow_root)
		return 0;
	if (privs_lookup(user, group, &uid, &gid, &uname) < 0)
		return -1;
	give(dir, uid, gid);
	return 0;
}
