/* Unit tests for the daemons' Landlock rules (src/daemon/sandbox_fs.c),
 * in child processes: a folder allowed for writing takes new, renamed
 * and removed files; one allowed for reading is read (files added to it
 * later too) but not written; anything else is refused with EACCES,
 * also in a thread started later; the daemon's own /proc is read; in a
 * chroot, the paths are taken as seen inside it. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "daemon/sandbox_fs.h"

static char top[] = "/tmp/banchi-landlock-XXXXXX";

static void path(char *buf, size_t cap, const char *rel)
{
	snprintf(buf, cap, "%s/%s", top, rel);
}

/* -errno of opening rel (0: opened). */
static int try_open(const char *rel, int flags)
{
	char p[256];
	int fd;

	path(p, sizeof(p), rel);
	fd = open(p, flags | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

static void *thread_main(void *arg)
{
	*(int *)arg = try_open("no/b", O_RDONLY);
	return NULL;
}

/* The writable folder: new file, rename, removal. */
static int writes(void)
{
	char a[256], b[256];

	path(a, sizeof(a), "rw/x.tmp");
	path(b, sizeof(b), "rw/x");
	if (try_open("rw/x.tmp", O_WRONLY | O_CREAT | O_TRUNC) < 0 ||
	    rename(a, b) < 0 || truncate(b, 0) < 0 || unlink(b) < 0)
		return 1;
	if (mkdir((path(a, sizeof(a), "rw/d"), a), 0700) < 0 || rmdir(a) < 0)
		return 2;
	/* out of it: not into the read-only one */
	path(a, sizeof(a), "rw/y");
	path(b, sizeof(b), "ro/y");
	if (try_open("rw/y", O_WRONLY | O_CREAT) < 0 || rename(a, b) == 0)
		return 3;
	return 0;
}

static int refusals(void)
{
	pthread_t th;
	int in_thread = 0, fd;

	if (try_open("ro/a", O_RDONLY) != 0)
		return 10;
	if (try_open("ro/a", O_WRONLY) != -EACCES ||
	    try_open("ro/c", O_WRONLY | O_CREAT) != -EACCES)
		return 11;
	if (try_open("no/b", O_RDONLY) != -EACCES ||
	    try_open("no", O_RDONLY | O_DIRECTORY) != -EACCES)
		return 12;
	if (pthread_create(&th, NULL, thread_main, &in_thread) != 0 ||
	    pthread_join(th, NULL) != 0 || in_thread != -EACCES)
		return 13;
	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 14;
	close(fd);
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (fd >= 0 || errno != EACCES)
		return 15;
	return 0;
}

/* Under the rules; go: the parent's word that it made ro/late. */
static void child(int go, int said)
{
	struct sandbox_fs f;
	char p[256], c;
	int r, ret;

	sandbox_fs_init(&f, NULL);
	sandbox_fs_add(&f, (path(p, sizeof(p), "rw"), p), SANDBOX_FS_WRITE);
	sandbox_fs_add(&f, (path(p, sizeof(p), "ro"), p), SANDBOX_FS_READ);
	sandbox_fs_add(&f, p, SANDBOX_FS_READ);         /* merged */
	ret = sandbox_fs_enter(&f, "test", false);
	r = f.n == 2 ? 0 : 20;
	sandbox_fs_clear(&f);
	if (ret == 1)
		_exit(77);      /* no Landlock in this kernel */
	if (ret < 0 || !sandbox_fs_active())
		_exit(21);
	if (write(said, "x", 1) != 1 || read(go, &c, 1) != 1)
		_exit(22);
	if (!r && try_open("ro/late", O_RDONLY) != 0)
		r = 23;         /* a file made after the rules */
	if (!r)
		r = writes();
	if (!r)
		r = refusals();
	_exit(r);
}

static void make(const char *rel, bool dir)
{
	char p[256];
	int fd;

	path(p, sizeof(p), rel);
	if (dir) {
		CHECK(mkdir(p, 0700) == 0);
		return;
	}
	fd = open(p, O_WRONLY | O_CREAT, 0600);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

static int run(void)
{
	int go[2], said[2], st = 0;
	char c;
	pid_t p;

	if (pipe(go) < 0 || pipe(said) < 0)
		return -1;
	p = fork();
	if (p == 0)
		child(go[0], said[1]);
	close(said[1]);
	if (p > 0 && read(said[0], &c, 1) == 1)
		make("ro/late", false);
	if (write(go[1], "x", 1) != 1)
		st = -1;
	if (p < 0 || waitpid(p, &st, 0) != p)
		return -1;
	close(go[0]);
	close(go[1]);
	close(said[0]);
	return st;
}

static void cleanup(void)
{
	const char *const rel[] = { "ro/a", "ro/late", "no/b", "rw/y",
				    "ro/y", "rw", "ro", "no", "" };
	char p[256];

	for (size_t i = 0; i < sizeof(rel) / sizeof(*rel); i++) {
		path(p, sizeof(p), rel[i]);
		if (remove(p) < 0 && errno != ENOENT)
			printf("%s: %s\n", p, strerror(errno));
	}
}

/* In a chroot, paths as the daemon opens them: the prefix cut. */
static void test_chroot_paths(void)
{
	struct sandbox_fs f;

	sandbox_fs_init(&f, "/srv/dns");
	sandbox_fs_add(&f, "/srv/dns", SANDBOX_FS_READ);
	sandbox_fs_add(&f, "/srv/dns/zd", SANDBOX_FS_WRITE);
	sandbox_fs_add(&f, "/srv/dnsx", SANDBOX_FS_READ);
	sandbox_fs_add_dir_of(&f, "/srv/dns/zones/a.zone", SANDBOX_FS_READ);
	sandbox_fs_add_dir_of(&f, "/srv/dns/b.zone", SANDBOX_FS_WRITE);
	CHECK(f.n == 4);
	CHECK(f.n == 4 && !strcmp(f.r[0].path, "/") &&
	      f.r[0].how == (SANDBOX_FS_READ | SANDBOX_FS_WRITE));
	CHECK(f.n == 4 && !strcmp(f.r[1].path, "/zd"));
	CHECK(f.n == 4 && !strcmp(f.r[2].path, "/srv/dnsx"));
	CHECK(f.n == 4 && !strcmp(f.r[3].path, "/zones"));
	sandbox_fs_clear(&f);
}

int main(void)
{
	struct sandbox_fs f;
	int st;

	test_chroot_paths();

	sandbox_fs_init(&f, NULL);
	CHECK(sandbox_fs_enter(&f, "test", true) == 1);
	CHECK(!sandbox_fs_active());
	if (!mkdtemp(top))
		return 1;
	make("rw", true);
	make("ro", true);
	make("no", true);
	make("ro/a", false);
	make("no/b", false);
	st = run();
	cleanup();
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		printf("no Landlock in this kernel: skipped\n");
		return check_done();
	}
	CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %#x",
	       st);
	return check_done();
}
