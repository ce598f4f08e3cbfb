/* Landlock for sandbox_fs.h, through the raw system calls (glibc has no
 * wrappers; the rights are the kernel's, <linux/landlock.h>). The ABI
 * the kernel offers decides the rights handled: what an older kernel
 * does not know stays unrestricted, never an error. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/sandbox_fs.h"

/* Rights newer than Debian 12's header (ABI 3, 5; the scope of 6). */
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#define SCOPE_SIGNAL (1ULL << 1)

/* The ruleset's attributes as of ABI 6 (the size says which fields). */
struct ruleset_attr {
	uint64_t fs, net, scoped;
};

#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		 LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_WRITE (FS_READ | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		  LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_MAKE_REG | \
		  LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_DIR | \
		  LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REFER)
#define FS_SOCK (LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_REMOVE_FILE)

/* AddressSanitizer's reports start llvm-symbolizer: exec stays free. */
#ifdef __SANITIZE_ADDRESS__
#define NOT_HANDLED LANDLOCK_ACCESS_FS_EXECUTE
#else
#define NOT_HANDLED 0ULL
#endif

static bool active;

int sandbox_fs_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0,
			 LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? 0 : (int)v;
}

bool sandbox_fs_active(void)
{
	return active;
}

void sandbox_fs_init(struct sandbox_fs *f, const char *strip)
{
	memset(f, 0, sizeof(*f));
	if (strip && strip[0] == '/' && strcmp(strip, "/"))
		f->strip = strip;
}

void sandbox_fs_clear(struct sandbox_fs *f)
{
	for (size_t i = 0; i < f->n; i++)
		free(f->r[i].path);
	free(f->r);
	memset(f, 0, sizeof(*f));
}

/* The path as the daemon opens it: inside the chroot, its prefix cut
 * (the chroot itself is "/"). */
static const char *seen(const struct sandbox_fs *f, const char *path)
{
	size_t n = f->strip ? strlen(f->strip) : 0;

	if (n && strncmp(path, f->strip, n) == 0)
		return path[n] == '/' ? path + n : path[n] ? path : "/";
	return path;
}

void sandbox_fs_add(struct sandbox_fs *f, const char *path, unsigned how)
{
	struct sandbox_fs_rule *r;

	if (!path || !*path)
		return;
	path = seen(f, path);
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->r[i].path, path) == 0) {
			f->r[i].how |= how;
			return;
		}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;

		r = realloc(f->r, cap * sizeof(*r));
		if (!r) {
			f->nomem = true;
			return;
		}
		f->r = r;
		f->cap = cap;
	}
	f->r[f->n].path = strdup(path);
	if (!f->r[f->n].path) {
		f->nomem = true;
		return;
	}
	f->r[f->n++].how = how;
}

/* The folder of file as written, and of what it links to: a reload
 * re-reads the file by either. */
void sandbox_fs_add_dir_of(struct sandbox_fs *f, const char *file,
			   unsigned how)
{
	char buf[PATH_MAX], real[PATH_MAX];

	if (!file || !*file)
		return;
	file = seen(f, file);
	if (strlen(file) >= sizeof(buf))
		return;
	strcpy(buf, file);
	sandbox_fs_add(f, dirname(buf), how);
	if (realpath(file, real) && strcmp(real, file))
		sandbox_fs_add(f, dirname(real), how);
}

void sandbox_fs_add_logs(struct sandbox_fs *f, const char *dnstap,
			 const char *query_log)
{
	if (dnstap && !strncmp(dnstap, "file:", 5))
		sandbox_fs_add_dir_of(f, dnstap + 5, SANDBOX_FS_WRITE);
	if (query_log && strcmp(query_log, "stderr"))
		sandbox_fs_add_dir_of(f, query_log, SANDBOX_FS_WRITE);
}

static uint64_t rights(unsigned how, bool dir, uint64_t handled)
{
	uint64_t a = 0;

	if (how & SANDBOX_FS_READ)
		a |= FS_READ;
	if (how & SANDBOX_FS_WRITE)
		a |= FS_WRITE;
	if (how & SANDBOX_FS_SOCK)
		a |= FS_SOCK;
	return a & handled & (dir ? ~0ULL : FS_FILE);
}

/* One rule; a path that is not there is skipped: nothing there can be
 * opened, nor made (its parent is not writable). */
static int add_rule(int rs, const char *path, unsigned how,
		    uint64_t handled)
{
	struct landlock_path_beneath_attr pb = { 0 };
	struct stat st;
	int ret = 0;

	pb.parent_fd = open(path, O_PATH | O_CLOEXEC);
	if (pb.parent_fd < 0 || fstat(pb.parent_fd, &st) < 0) {
		log_debug("landlock: %s: %s: no rule for it", path,
			  strerror(errno));
		if (pb.parent_fd >= 0)
			close(pb.parent_fd);
		return 0;
	}
	pb.allowed_access = rights(how, S_ISDIR(st.st_mode), handled);
	if (pb.allowed_access &&
	    syscall(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH, &pb,
		    0) < 0) {
		ret = -errno;
		log_err("landlock: %s: %s", path, strerror(errno));
	}
	close(pb.parent_fd);
	if (ret == 0)
		log_debug("landlock: %s%s%s%s", path,
			  how & SANDBOX_FS_READ ? " read" : "",
			  how & SANDBOX_FS_WRITE ? " write" : "",
			  how & SANDBOX_FS_SOCK ? " socket" : "");
	return ret;
}

/* What every daemon reads while serving: its /proc folder (status,
 * maps), the CPU list (sysconf), the time zone (log time stamps). */
static const char *const common[] = {
	"/proc/self", "/sys/devices/system/cpu", "/etc/localtime",
	"/usr/share/zoneinfo",
};

static int make_ruleset(int abi, uint64_t *handled)
{
	struct ruleset_attr a = { 0 };
	size_t size = sizeof(a.fs);

	*handled = ((LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1) & ~NOT_HANDLED;
	if (abi >= 2)
		*handled |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		*handled |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		*handled |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	a.fs = *handled;
	/* signals only to the process's own threads */
	if (abi >= 6) {
		a.scoped = SCOPE_SIGNAL;
		size = sizeof(a);
	}
	return (int)syscall(SYS_landlock_create_ruleset, &a, size, 0);
}

static int restrict_self(struct sandbox_fs *f, int abi)
{
	uint64_t handled;
	int rs = make_ruleset(abi, &handled), ret = 0;

	if (rs < 0)
		return log_err("landlock: ruleset: %s", strerror(errno)), -1;
	for (size_t i = 0; i < sizeof(common) / sizeof(*common); i++)
		add_rule(rs, common[i], SANDBOX_FS_READ, handled);
	for (size_t i = 0; i < f->n && ret == 0; i++)
		ret = add_rule(rs, f->r[i].path, f->r[i].how, handled);
	if (ret == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		ret = -errno;
	if (ret == 0 && syscall(SYS_landlock_restrict_self, rs, 0) < 0) {
		ret = -errno;
		log_err("landlock: restrict_self: %s", strerror(errno));
	}
	close(rs);
	return ret < 0 ? -1 : 0;
}

int sandbox_fs_enter(struct sandbox_fs *f, const char *daemon, bool off)
{
	int abi;

	if (off) {
		log_info("%s: no landlock (landlock: off)", daemon);
		return 1;
	}
	abi = sandbox_fs_abi();
	if (abi <= 0) {
		log_info("%s: landlock not available (%s): files not "
			 "restricted", daemon, strerror(errno));
		return 1;
	}
	if (f->nomem || restrict_self(f, abi) < 0) {
		log_err("%s: landlock failed: running without it", daemon);
		return -1;
	}
	active = true;
	log_info("%s: landlock on (ABI %d): files only in %zu paths of the "
		 "config", daemon, abi, f->n);
	return 0;
}
