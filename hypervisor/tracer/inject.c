#define _GNU_SOURCE
#include "inject.h"
#include <errno.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>

static struct sock_filter *tmpl;
static uint32_t tmpl_len;

void inject_set_fd_template(const struct sock_filter *f, uint32_t n)
{
	free(tmpl);
	tmpl = malloc((n ? n : 1) * sizeof *tmpl);
	memcpy(tmpl, f, n * sizeof *tmpl);
	tmpl_len = n;
}

int inject_has_fd_template(void) { return tmpl_len > 0; }

/* Wait statuses of other threads that arrived during an injection: the
 * main loop handles them next. (Waiting for t's tid alone could wait for
 * ever: a killed thread-group leader is reported only after the tracer
 * has reaped its other threads.) */
#define DEFERRED_MAX 4096
static struct { pid_t tid; int status; } deferred[DEFERRED_MAX];
static int ndeferred, deferred_head;

int inject_has_deferred(void)
{
	return deferred_head < ndeferred;
}

int inject_take_deferred(pid_t *tid, int *status)
{
	if (deferred_head == ndeferred) { deferred_head = ndeferred = 0; return 0; }
	*tid = deferred[deferred_head].tid;
	*status = deferred[deferred_head].status;
	deferred_head++;
	return 1;
}

/* Waits for t's next stop; signal-delivery stops are kept for later. */
static int wait_syscall_stop(struct thread *t)
{
	for (;;) {
		int st;
		pid_t got = waitpid(ndeferred < DEFERRED_MAX ? -1 : t->tid, &st, __WALL);
		if (got < 0) return -ESRCH;
		if (got != t->tid) {
			deferred[ndeferred].tid = got;
			deferred[ndeferred].status = st;
			ndeferred++;
			continue;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			/* Report the death through the normal path later. */
			t->dead_status = st;
			t->dead = 1;
			return -ESRCH;
		}
		if (WSTOPSIG(st) == (SIGTRAP | 0x80)) return 0;
		int sig = WSTOPSIG(st);
		if ((st >> 16) == 0 && sig != SIGTRAP) t->pending_sig = sig;
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) != 0) return -ESRCH;
	}
}

long inject_syscall(struct thread *t, long nr, long a0, long a1, long a2)
{
	struct user_regs_struct saved, r;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &saved) != 0) return -ESRCH;
	r = saved;
	r.rip = saved.rip - 2; /* back onto the syscall instruction */
	r.rax = (unsigned long long)nr;
	r.orig_rax = (unsigned long long)nr;
	r.rdi = (unsigned long long)a0;
	r.rsi = (unsigned long long)a1;
	r.rdx = (unsigned long long)a2;
	if (ptrace(PTRACE_SETREGS, t->tid, 0, &r) != 0) return -ESRCH;
	long ret = -ESRCH;
	if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) == 0 && wait_syscall_stop(t) == 0 && /* entry */
	    ptrace(PTRACE_SYSCALL, t->tid, 0, 0) == 0 && wait_syscall_stop(t) == 0) { /* exit */
		struct user_regs_struct after;
		if (ptrace(PTRACE_GETREGS, t->tid, 0, &after) == 0) ret = (long)after.rax;
	}
	if (!t->dead) ptrace(PTRACE_SETREGS, t->tid, 0, &saved);
	return ret;
}

int inject_fd_filter(struct thread *t, int fd)
{
	if (!tmpl_len) return -ENOSYS;
	if (fdset_has(t->filtered, fd)) return 0;
	/* The program goes on the guest's stack, below the red zone. */
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) != 0) return -ESRCH;
	size_t bytes = tmpl_len * sizeof *tmpl;
	uint64_t prog_at = (regs.rsp - 128 - bytes - 64) & ~15ull;
	uint64_t fprog_at = prog_at - 16;
	struct sock_filter *f = malloc(bytes);
	memcpy(f, tmpl, bytes);
	for (uint32_t i = 0; i < tmpl_len; i++)
		if (f[i].k == VU_FD_PLACEHOLDER) f[i].k = (uint32_t)fd;
	struct { uint16_t len; uint16_t pad[3]; uint64_t filter; } fprog = { (uint16_t)tmpl_len, { 0, 0, 0 }, prog_at };
	struct iovec local[2] = { { &fprog, sizeof fprog }, { f, bytes } };
	struct iovec remote[2] = { { (void *)fprog_at, sizeof fprog }, { (void *)prog_at, bytes } };
	ssize_t n = process_vm_writev(t->tid, local, 2, remote, 2, 0);
	free(f);
	if (n != (ssize_t)(sizeof fprog + bytes)) return -EFAULT;
	long r = inject_syscall(t, SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, (long)fprog_at);
	if (r > 0) return -EBUSY; /* TSYNC: another thread has a filter of its own */
	if (r < 0) return (int)r;
	fdset_set(t->filtered, fd, 1);
	return 0;
}
