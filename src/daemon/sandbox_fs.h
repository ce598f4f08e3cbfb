/* The file half of the daemons' sandbox (sandbox_fs.c): with Landlock
 * (Linux >= 5.13), once a daemon has opened what it opens at start-up,
 * the files and folders it may still open are only the ones its config
 * names (zones, journals, leases, cache file, logs, control socket).
 * Anything else fails with EACCES. Applied before any thread starts
 * (Landlock binds the calling thread and the threads it makes), and
 * before the seccomp filter, which then needs no Landlock calls. */
#ifndef BANCHI_DAEMON_SANDBOX_FS_H
#define BANCHI_DAEMON_SANDBOX_FS_H

#include <stdbool.h>
#include <stddef.h>

/* What a rule allows beneath a path (a folder: all it holds, now and
 * later; a file: that file). */
enum {
	SANDBOX_FS_READ = 1,    /* read files, list folders */
	SANDBOX_FS_WRITE = 2,   /* also write, make, rename, remove files */
	SANDBOX_FS_SOCK = 4,    /* make and remove a UNIX socket there */
};

struct sandbox_fs_rule {
	char *path;
	unsigned how;
};

struct sandbox_fs {
	struct sandbox_fs_rule *r;
	size_t n, cap;
	const char *strip;      /* the chroot: cut from absolute paths */
	bool nomem;
};

/* strip: the chroot folder or NULL. */
void sandbox_fs_init(struct sandbox_fs *f, const char *strip);
void sandbox_fs_clear(struct sandbox_fs *f);

/* A rule for path (NULL: none), merged with one for the same path. */
void sandbox_fs_add(struct sandbox_fs *f, const char *path, unsigned how);
/* A rule for the folder that holds file (NULL: none). */
void sandbox_fs_add_dir_of(struct sandbox_fs *f, const char *file,
			   unsigned how);
/* The folders of dnstap's "file:PATH" and of the query log's PATH
 * (written; not "unix:..." nor "stderr"), either NULL. */
void sandbox_fs_add_logs(struct sandbox_fs *f, const char *dnstap,
			 const char *query_log);

/* Restricts the process (this thread and those it starts) to the rules
 * plus what any daemon reads (its /proc folder, the CPU list, the time
 * zone). 0: restricted; 1: not (off, or no Landlock in the kernel: said
 * once in the log); -1: failed (logged; the daemon goes on without). */
int sandbox_fs_enter(struct sandbox_fs *f, const char *daemon, bool off);

/* The Landlock ABI version the kernel offers (0: none). */
int sandbox_fs_abi(void);

/* Whether sandbox_fs_enter restricted this process. */
bool sandbox_fs_active(void);

#endif
