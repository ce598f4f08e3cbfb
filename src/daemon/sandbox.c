/* The seccomp filter of sandbox.h, made with libseccomp. Three lists:
 * the calls a serving daemon makes (allowed), the calls that have no
 * business in a DNS or DHCP daemon (the process is killed), and the
 * rest (trapped: EPERM, logged once per number by the SIGSYS handler).
 * Threads are made with clone() and CLONE_THREAD only; clone3 answers
 * ENOSYS, so that glibc falls back to clone, whose flags can be read. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <seccomp.h>
#include <sys/socket.h>
#include <ucontext.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/sandbox.h"

static const int allowed[] = {
	/* I/O on descriptors, sockets, polling */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(pread64), SCMP_SYS(pwrite64), SCMP_SYS(lseek),
	SCMP_SYS(close), SCMP_SYS(dup), SCMP_SYS(dup3), SCMP_SYS(fcntl),
	SCMP_SYS(ioctl), SCMP_SYS(socket), SCMP_SYS(connect),
	SCMP_SYS(bind), SCMP_SYS(listen), SCMP_SYS(accept4),
	SCMP_SYS(accept), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt), SCMP_SYS(shutdown),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
	SCMP_SYS(socketpair), SCMP_SYS(pipe2), SCMP_SYS(poll),
	SCMP_SYS(ppoll), SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(eventfd2), SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	SCMP_SYS(signalfd), SCMP_SYS(signalfd4),
	/* files: zones, journals, the zone dir, databases, logs */
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(statx), SCMP_SYS(statfs), SCMP_SYS(fstatfs),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getdents64),
	SCMP_SYS(fsync), SCMP_SYS(fdatasync), SCMP_SYS(sync_file_range),
	SCMP_SYS(ftruncate), SCMP_SYS(fallocate), SCMP_SYS(rename),
	SCMP_SYS(renameat), SCMP_SYS(renameat2), SCMP_SYS(unlink),
	SCMP_SYS(unlinkat), SCMP_SYS(mkdir), SCMP_SYS(mkdirat),
	SCMP_SYS(fchmod), SCMP_SYS(fchown), SCMP_SYS(flock),
	SCMP_SYS(getcwd), SCMP_SYS(umask), SCMP_SYS(link),
	SCMP_SYS(linkat), SCMP_SYS(utimensat),
	/* memory */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise), SCMP_SYS(mlock),
	SCMP_SYS(munlock), SCMP_SYS(membarrier), SCMP_SYS(mincore),
	/* threads, time, signals, identity */
	SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(get_robust_list),
	SCMP_SYS(rseq), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(sched_setaffinity), SCMP_SYS(sched_getparam),
	SCMP_SYS(sched_getscheduler), SCMP_SYS(set_tid_address),
	SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(gettid),
	SCMP_SYS(getpid), SCMP_SYS(getppid), SCMP_SYS(tgkill),
	SCMP_SYS(tkill), SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigtimedwait),
	SCMP_SYS(rt_sigsuspend), SCMP_SYS(sigaltstack),
	SCMP_SYS(restart_syscall), SCMP_SYS(clock_gettime),
	SCMP_SYS(clock_getres), SCMP_SYS(clock_nanosleep),
	SCMP_SYS(nanosleep), SCMP_SYS(gettimeofday), SCMP_SYS(time),
	SCMP_SYS(getrandom), SCMP_SYS(uname), SCMP_SYS(getuid),
	SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(getresuid), SCMP_SYS(getresgid), SCMP_SYS(getgroups),
	SCMP_SYS(getrusage), SCMP_SYS(sysinfo), SCMP_SYS(getrlimit),
	SCMP_SYS(prlimit64), SCMP_SYS(prctl), SCMP_SYS(getpriority),
	SCMP_SYS(capget), SCMP_SYS(alarm), SCMP_SYS(setpriority),
};

/* An attacker's calls: the process dies. */
static const int fatal[] = {
	SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(ptrace),
	SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root),
	SCMP_SYS(chroot), SCMP_SYS(unshare), SCMP_SYS(setns),
	SCMP_SYS(init_module), SCMP_SYS(finit_module),
	SCMP_SYS(delete_module), SCMP_SYS(kexec_load),
	SCMP_SYS(kexec_file_load), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
	SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(keyctl),
	SCMP_SYS(setuid), SCMP_SYS(setgid), SCMP_SYS(setreuid),
	SCMP_SYS(setregid), SCMP_SYS(setresuid), SCMP_SYS(setresgid),
	SCMP_SYS(setgroups), SCMP_SYS(capset), SCMP_SYS(reboot),
	SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(fork),
	SCMP_SYS(vfork), SCMP_SYS(userfaultfd), SCMP_SYS(open_by_handle_at),
	SCMP_SYS(name_to_handle_at), SCMP_SYS(iopl), SCMP_SYS(ioperm),
	SCMP_SYS(settimeofday), SCMP_SYS(clock_settime), SCMP_SYS(adjtimex),
	SCMP_SYS(acct), SCMP_SYS(quotactl), SCMP_SYS(syslog),
	SCMP_SYS(fanotify_init), SCMP_SYS(lookup_dcookie),
	SCMP_SYS(move_pages), SCMP_SYS(migrate_pages),
	SCMP_SYS(personality),
};

/* The trap's handler sets the call's result in x86-64's register;
 * elsewhere the calls outside the list fail with EPERM, unlogged. */
#ifdef __x86_64__
#define TRAP_OR_EPERM SCMP_ACT_TRAP
#define SET_RESULT(uc, v) ((uc)->uc_mcontext.gregs[REG_RAX] = (v))
#else
#define TRAP_OR_EPERM SCMP_ACT_ERRNO(EPERM)
#define SET_RESULT(uc, v) ((void)(uc), (void)(v))
#endif

/* AddressSanitizer's leak check at exit stops the threads with ptrace
 * from a process clone: under it (the test builds) the filter is off. */
#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN true
#else
#define UNDER_ASAN false
#endif

static _Atomic unsigned char said[512];

/* SIGSYS: a call outside the list. Returns EPERM to the caller and says
 * which call, once per number (async-signal-safe: write only). */
static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	ucontext_t *ctx = uc;
	int nr = si->si_syscall;
	char msg[96];
	int n;

	(void)sig;
	SET_RESULT(ctx, -EPERM);
	if (nr >= 0 && nr < 512 && atomic_exchange(&said[nr], 1))
		return;
	n = snprintf(msg, sizeof(msg), "sandbox: system call %d refused "
		     "(EPERM): report it, it is missing from the list\n", nr);
	if (n > 0 && write(2, msg, (size_t)n) < 0)
		return;
}

/* The rules; *n: the calls allowed. */
static int add_rules(scmp_filter_ctx ctx, size_t *n)
{
	int ret = 0;

	*n = 1;                 /* clone, for threads */
	for (size_t i = 0; i < sizeof(allowed) / sizeof(*allowed); i++)
		if (allowed[i] >= 0 && ret == 0) {
			ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
			(*n)++;
		}
	for (size_t i = 0; i < sizeof(fatal) / sizeof(*fatal); i++)
		if (fatal[i] >= 0 && ret == 0)
			ret = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
					       fatal[i], 0);
	/* threads only: a clone that makes a process dies */
	if (ret == 0)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					       CLONE_THREAD));
	if (ret == 0)
		ret = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS,
				       SCMP_SYS(clone), 1,
				       SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					       0));
	if (ret == 0)
		ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				       SCMP_SYS(clone3), 0);
	return ret;
}

int sandbox_enter(const char *daemon, bool off)
{
	struct sigaction sa = { .sa_sigaction = on_sigsys,
				.sa_flags = SA_SIGINFO };
	scmp_filter_ctx ctx;
	size_t n = 0;
	int ret;

	if (off || UNDER_ASAN) {
		log_info("%s: no sandbox (%s)", daemon, off ? "sandbox: off" :
			 "an AddressSanitizer build");
		return 0;
	}
	ctx = seccomp_init(TRAP_OR_EPERM);
	if (!ctx)
		return log_err("sandbox: seccomp_init failed: running without "
			       "it"), -1;
	sigemptyset(&sa.sa_mask);
	ret = sigaction(SIGSYS, &sa, NULL) < 0 ? -errno : 0;
	if (ret == 0)
		ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (ret == 0)
		ret = add_rules(ctx, &n);
	if (ret == 0)
		ret = seccomp_load(ctx);
	seccomp_release(ctx);
	if (ret < 0)
		return log_err("sandbox: %s: running without it",
			       strerror(-ret)), -1;
	log_info("%s: sandbox on (seccomp: %zu system calls allowed)", daemon,
		 n);
	return 0;
}

bool sandbox_active(void)
{
	char line[128];
	bool on = false;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			on = strtol(line + 8, NULL, 10) == 2;
	if (f)
		fclose(f);
	return on;
}
