/* The control socket's file (ctl_sock.h): a stale one is told from a
 * live one by connecting to it; the mode is set by the umask at bind
 * (no moment where others could connect) and again by chmod. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "ctl/ctl_sock.h"
#include "daemon/log.h"

static int fill(struct sockaddr_un *sa, const char *path)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa->sun_path, path);
	return 0;
}

/* The folder of path, made when missing (one level: /run/banchi). */
static int make_dir(const char *path, char *err, size_t cap)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) == 0 || errno == EEXIST)
		return 0;
	snprintf(err, cap, "cannot make its folder %s: %s", dir,
		 strerror(errno));
	return -1;
}

/* Whatever is at path out of the way: 0 when nothing is (any more). */
static int clear_old(const char *path, const struct sockaddr_un *sa,
		     char *err, size_t cap)
{
	struct stat st;
	int fd, ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : (snprintf(err, cap, "%s",
						       strerror(errno)), -1);
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, cap, "exists and is not a socket (not removed)");
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return snprintf(err, cap, "%s", strerror(errno)), -1;
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (ret == 0) {
		snprintf(err, cap, "in use: another daemon answers on it");
		return -1;
	}
	if (errno != ECONNREFUSED) {
		snprintf(err, cap, "cannot tell whether it is in use: %s",
			 strerror(errno));
		return -1;
	}
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(err, cap, "cannot remove the stale socket: %s",
			 strerror(errno));
		return -1;
	}
	log_info("control: stale socket %s replaced", path);
	return 0;
}

/* Group banchi when it exists; not being root, quietly not. */
static void set_group(const char *path)
{
	struct group *gr = getgrnam(CTL_GROUP);

	if (gr && chown(path, (uid_t)-1, gr->gr_gid) < 0)
		log_debug("control: %s: cannot give it to group %s: %s", path,
			  CTL_GROUP, strerror(errno));
}

int ctl_sock_listen(const char *path, ino_t *ino, dev_t *dev, char *err,
		    size_t cap)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd, ret;

	if (fill(&sa, path) < 0) {
		snprintf(err, cap, "path longer than %zu octets",
			 sizeof(sa.sun_path) - 1);
		return -1;
	}
	if (make_dir(path, err, cap) < 0 || clear_old(path, &sa, err, cap) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, cap, "socket: %s", strerror(errno));
		return -1;
	}
	old = umask(0117);
	ret = bind(fd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0 || chmod(path, 0660) < 0 || listen(fd, 16) < 0 ||
	    stat(path, &st) < 0) {
		snprintf(err, cap, "%s", strerror(errno));
		if (ret == 0)
			unlink(path);
		close(fd);
		return -1;
	}
	set_group(path);
	*ino = st.st_ino;
	*dev = st.st_dev;
	return fd;
}

void ctl_sock_unlink(const char *path, ino_t ino, dev_t dev)
{
	struct stat st;

	if (lstat(path, &st) == 0 && st.st_ino == ino && st.st_dev == dev &&
	    unlink(path) < 0)
		log_debug("control: cannot remove %s: %s", path,
			  strerror(errno));
}

int ctl_sock_connect(const char *path, int timeout_ms)
{
	struct timeval tv = { timeout_ms / 1000, timeout_ms % 1000 * 1000 };
	struct sockaddr_un sa;
	int fd, e;

	if (fill(&sa, path) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	/* a full backlog makes connect wait, as long as SO_SNDTIMEO */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) < 0) {
		e = errno == EAGAIN || errno == EINPROGRESS ? ETIMEDOUT :
		    errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}
