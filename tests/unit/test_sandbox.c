/* Unit tests for the daemons' seccomp filter (src/daemon/sandbox.c), in
 * child processes: what a serving daemon does still works (files,
 * sockets on loopback, threads, time); a call outside the list fails
 * with EPERM (and is said on stderr); an attacker's call (exec, fork,
 * ptrace) kills the process with SIGSYS. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "daemon/sandbox.h"

static void *thread_main(void *arg)
{
	return arg;
}

/* 0 when everything a daemon does works under the filter. */
static int normal_work(void)
{
	char tmpl[] = "/tmp/banchi-sandbox-XXXXXX", buf[8];
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	pthread_t th;
	void *ret;
	int fd = mkstemp(tmpl), s;

	if (fd < 0 || write(fd, "abc", 3) != 3 || fsync(fd) < 0 ||
	    pread(fd, buf, 3, 0) != 3 || close(fd) < 0 || unlink(tmpl) < 0)
		return 1;
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &alen) < 0 ||
	    sendto(s, "x", 1, 0, (struct sockaddr *)&a, alen) != 1 ||
	    recv(s, buf, 1, 0) != 1 || close(s) < 0)
		return 2;
	if (pthread_create(&th, NULL, thread_main, buf) != 0 ||
	    pthread_join(th, &ret) != 0 || ret != buf)
		return 3;
	return sandbox_active() ? 0 : 4;
}

enum what { NORMAL, REFUSED, EXEC, FORK, PTRACE };

static void child(enum what w)
{
	int r = 0;

	if (sandbox_enter("test", false) < 0)
		_exit(90);
	if (!sandbox_active())
		_exit(77);      /* off in this build (AddressSanitizer) */
	switch (w) {
	case NORMAL:
		r = normal_work();
		break;
	case REFUSED:
		/* not in the list: EPERM (ENOENT without the filter) */
		errno = 0;
		r = syscall(SYS_mknodat, AT_FDCWD, "/nonexistent/x", 0, 0) ==
		    -1 && errno == EPERM ? 0 : 5;
		break;
	case EXEC:
		execl("/bin/true", "true", (char *)NULL);
		r = 6;
		break;
	case FORK:
		r = fork() < 0 ? 7 : 8;
		break;
	case PTRACE:
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		r = 9;
		break;
	}
	_exit(r);               /* no atexit handlers: none could run here */
}

static int run(enum what w)
{
	int st = 0;
	pid_t p = fork();

	if (p == 0)
		child(w);
	if (p < 0 || waitpid(p, &st, 0) != p)
		return -1;
	return st;
}

int main(void)
{
	int st;

	if (sandbox_active()) {
		printf("already under a filter: skipped\n");
		return 0;
	}
	st = run(NORMAL);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		printf("no filter in this build: skipped\n");
		return 0;
	}
	CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "normal work: %#x", st);
	st = run(REFUSED);
	CHECKF(WIFEXITED(st) && WEXITSTATUS(st) == 0, "refused: %#x", st);
	for (enum what w = EXEC; w <= PTRACE; w++) {
		st = run(w);
		CHECKF(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		       "call %d: status %#x, not killed by SIGSYS", w, st);
	}
	return check_done();
}
