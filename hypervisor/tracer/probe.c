/* `vu-tracer --probe`: tries, for real, each kernel feature vu can use and
 * prints one `name=yes|no detail` line per feature (read by `vu info`). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ptrace.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

static void say(const char *name, int ok, const char *detail)
{
	printf("%s=%s%s%s\n", name, ok ? "yes" : "no", detail && *detail ? " " : "", detail ? detail : "");
}

/* A child that installs a TRACE-everything-but-exit filter under a tracer
 * and calls getppid(): yes when the tracer sees the seccomp stop. */
static void probe_ptrace_seccomp(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		raise(SIGSTOP);
		struct sock_filter f[] = {
			BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
			BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
			BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		};
		struct sock_fprog prog = { 4, f };
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) _exit(2);
		syscall(SYS_getppid);
		_exit(0);
	}
	int st;
	waitpid(pid, &st, WUNTRACED);
	int seized = ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) == 0;
	char why[128] = "";
	if (!seized) snprintf(why, sizeof why, "(PTRACE_SEIZE: %s)", strerror(errno));
	kill(pid, SIGCONT);
	int saw_seccomp = 0, filter_failed = 0;
	while (waitpid(pid, &st, __WALL) == pid) {
		if (WIFEXITED(st)) { filter_failed = WEXITSTATUS(st) == 2; break; }
		if (WIFSIGNALED(st)) break;
		if ((st >> 16) == PTRACE_EVENT_SECCOMP) saw_seccomp = 1;
		int sig = WSTOPSIG(st);
		int inject = ((st >> 16) == 0 && sig != SIGTRAP) ? sig : 0;
		if (!seized) break;
		ptrace(PTRACE_CONT, pid, 0, inject);
	}
	if (!seized) { kill(pid, SIGKILL); waitpid(pid, &st, 0); }
	say("ptrace", seized, seized ? "PTRACE_SEIZE, PTRACE_O_EXITKILL" : why);
	say("seccomp", !filter_failed && seized, filter_failed ? "(seccomp filter refused)" : "SECCOMP_RET_TRACE");
	say("seccomp_trace_stop", saw_seccomp, saw_seccomp ? "PTRACE_EVENT_SECCOMP seen" : "");
}

static void probe_pidfd_getfd(void)
{
	int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pidfd < 0) { say("pidfd_getfd", 0, "(pidfd_open failed)"); return; }
	int fd = (int)syscall(SYS_pidfd_getfd, pidfd, 1, 0);
	char why[96] = "";
	if (fd < 0) snprintf(why, sizeof why, "(%s)", strerror(errno));
	say("pidfd_getfd", fd >= 0, why);
	if (fd >= 0) close(fd);
	close(pidfd);
}

static void probe_userns(void)
{
	pid_t pid = fork();
	if (pid == 0) _exit(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0 ? 0 : 1);
	int st;
	waitpid(pid, &st, 0);
	say("user_namespaces", WIFEXITED(st) && WEXITSTATUS(st) == 0, "unshare(CLONE_NEWUSER|CLONE_NEWNET)");
}

static void probe_device(const char *name, const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	char why[160];
	if (fd >= 0) { snprintf(why, sizeof why, "%s opens read-write", path); close(fd); }
	else snprintf(why, sizeof why, "(%s: %s)", path, strerror(errno));
	say(name, fd >= 0, why);
}

static void probe_efd_vpoll(void)
{
	/* EFD_VPOLL (1 << 1) of the never-merged kernel patch. */
	int fd = eventfd(0, 1 << 1);
	say("efd_vpoll", fd >= 0, fd >= 0 ? "eventfd(EFD_VPOLL)" : "(eventfd(EFD_VPOLL) refused)");
	if (fd >= 0) close(fd);
}

int probe_main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	probe_ptrace_seccomp();
	probe_pidfd_getfd();
	probe_userns();
	probe_efd_vpoll();
	probe_device("dev_vpoll", "/dev/vpoll");
	probe_device("dev_fuse", "/dev/fuse");
	probe_device("dev_net_tun", "/dev/net/tun");
	return 0;
}
