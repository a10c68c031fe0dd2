/* vu-tracer: the ptrace/seccomp helper of vu.
 *
 * Started by the TypeScript core with a control socket on fd 3. It reads a
 * VU_CONFIG frame (flags + the seccomp filter the core generated), forks the
 * guest, attaches with PTRACE_SEIZE, and then runs one event loop:
 *   - ptrace stops of every guest thread (waitpid on SIGCHLD via signalfd),
 *   - frames from the core (replies, signals to forward).
 * Calls that cannot touch anything virtual are resumed here (fast path);
 * the others are sent to the core, and the thread stays stopped until the
 * core replies, while every other thread keeps running.
 *
 * ptrace is thread-affine: this process is single-threaded on purpose. */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "fastpath.h"
#include "fdset.h"
#include "inject.h"
#include "probe.h"
#include "vpoll.h"
#include "protocol.h"
#include "threads.h"
#include "wire.h"

#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
#define SYSCALL_INFO_ENTRY 1
#define SYSCALL_INFO_EXIT 2
#define SYSCALL_INFO_SECCOMP 3

/* The kernel's struct ptrace_syscall_info (linux/ptrace.h clashes with
 * sys/ptrace.h, so the ABI layout is spelled out here). */
struct syscall_info {
	uint8_t op;
	uint8_t pad[3];
	uint32_t arch;
	uint64_t ip;
	uint64_t sp;
	union {
		struct { uint64_t nr; uint64_t args[6]; } entry;
		struct { int64_t rval; uint8_t is_error; } exit;
		struct { uint64_t nr; uint64_t args[6]; uint32_t ret_data; } seccomp;
	};
};


static uint32_t cfg_flags;
static struct sock_filter *filter;
static uint32_t filter_len;
static pid_t main_pid;
static int main_status = -1;
static int tty_fd = -1;         /* the terminal the guest got as foreground, or -1 */
static pid_t saved_fg_pgrp = -1;

static void die(const char *what)
{
	fprintf(stderr, "vu-tracer: %s: %s\n", what, strerror(errno));
	exit(125);
}

/* ---------- starting the guest ---------- */

/* Resolve CMD like execvp would, before forking, so that a missing program
 * is reported the way a shell reports it and the trace starts at execve. */
static char *resolve_command(const char *cmd, int *status)
{
	static char buf[PATH_MAX];
	*status = 0;
	if (strchr(cmd, '/')) {
		if (access(cmd, F_OK) != 0) {
			fprintf(stderr, "vu: %s: %s\n", cmd, strerror(errno));
			*status = 127;
			return NULL;
		}
		return (char *)cmd;
	}
	const char *path = getenv("PATH");
	if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
	int found_noexec = 0;
	while (*path) {
		const char *end = strchrnul(path, ':');
		size_t n = (size_t)(end - path);
		if (n == 0) snprintf(buf, sizeof buf, "%s", cmd);
		else snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, cmd);
		struct stat st;
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(buf, X_OK) == 0) return buf;
			found_noexec = 1;
		}
		path = *end ? end + 1 : end;
	}
	if (found_noexec) {
		fprintf(stderr, "vu: %s: Permission denied\n", cmd);
		*status = 126;
	} else {
		fprintf(stderr, "vu: %s: command not found\n", cmd);
		*status = 127;
	}
	return NULL;
}

/* The signals the helper ignores (the core forwards them to the guest);
 * the guest gets back the dispositions the helper inherited. */
static const int shielded[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE };
static struct sigaction saved_actions[sizeof shielded / sizeof shielded[0]];
static sigset_t saved_mask;

static void guest_child(const char *file, char **argv)
{
	/* Back to the signal state the helper inherited. */
	for (size_t i = 0; i < sizeof shielded / sizeof shielded[0]; i++)
		sigaction(shielded[i], &saved_actions[i], NULL);
	setpgid(0, 0);
	if (tty_fd >= 0) {
		signal(SIGTTOU, SIG_IGN);
		tcsetpgrp(tty_fd, getpid());
		sigaction(SIGTTOU, &saved_actions[6], NULL);
	}
	close(VU_CONTROL_FD);
	/* Wait here until the helper has seized us: a TRACE filter without a
	 * tracer would fail every traced call with ENOSYS. */
	raise(SIGSTOP);
	if (!(cfg_flags & VU_CFG_NO_FILTER)) {
		struct sock_fprog prog = { .len = (unsigned short)filter_len, .filter = filter };
		/* Without CAP_SYS_ADMIN the kernel requires no_new_privs. */
		if (geteuid() != 0) prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) {
			fprintf(stderr, "vu: cannot install the seccomp filter: %s\n", strerror(errno));
			_exit(125);
		}
	}
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	execv(file, argv);
	int e = errno;
	fprintf(stderr, "vu: %s: %s\n", argv[0], strerror(e));
	_exit(e == ENOENT ? 127 : 126);
}

static pid_t start_guest(const char *file, char **argv)
{
	if (isatty(0) && tcgetpgrp(0) == getpgrp()) {
		tty_fd = 0;
		saved_fg_pgrp = getpgrp();
	}
	pid_t pid = fork();
	if (pid < 0) die("fork");
	if (pid == 0) guest_child(file, argv);
	setpgid(pid, pid);
	int st;
	if (waitpid(pid, &st, WUNTRACED) != pid) die("waitpid");
	if (!WIFSTOPPED(st)) {
		fprintf(stderr, "vu-tracer: the guest ended before it was traced\n");
		exit(125);
	}
	long opts = PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
		    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACESECCOMP;
	if (ptrace(PTRACE_SEIZE, pid, 0, opts) != 0) die("PTRACE_SEIZE");
	struct thread *t = thread_add(pid, pid);
	t->fds = fdset_new();
	t->filtered = fdset_new();
	t->announced = 1;
	t->hidden = 1; /* the helper's own set-up calls are not the guest's */
	kill(pid, SIGCONT);
	return pid;
}

/* ---------- resuming ---------- */

/* Threads stopped until the core replies: while there are none, the
 * loop can sleep in waitpid alone (the cheapest wait for the fast path). */
static int waiting_threads;

static void set_waiting(struct thread *t, int phase)
{
	waiting_threads += (phase != 0) - (t->waiting != 0);
	t->waiting = phase;
}

static void resume(struct thread *t, int sig)
{
	if (!sig && t->pending_sig) sig = t->pending_sig;
	t->pending_sig = 0;
	int req = ((cfg_flags & VU_CFG_TRACE_ALL) || t->want_exit) ? PTRACE_SYSCALL : PTRACE_CONT;
	if (ptrace(req, t->tid, 0, (long)sig) != 0 && errno != ESRCH)
		fprintf(stderr, "vu-tracer: resume %d: %s\n", t->tid, strerror(errno));
	t->stopped = 0;
}

/* ---------- syscall stops ---------- */

static void send_syscall(struct thread *t, const struct syscall_info *si, int phase, unsigned cls)
{
	struct vu_syscall m;
	memset(&m, 0, sizeof m);
	m.h.len = sizeof m;
	m.h.type = VU_SYSCALL;
	m.tid = t->tid;
	m.tgid = t->tgid;
	m.phase = (uint16_t)phase;
	m.cls = (uint16_t)cls;
	m.arch = si->arch;
	if (phase == VU_PHASE_ENTRY) {
		m.nr = (int32_t)si->entry.nr;
		memcpy(m.args, si->entry.args, sizeof m.args);
		t->nr = m.nr;
	} else {
		m.nr = t->nr;
		m.ret = si->exit.rval;
	}
	wire_send(&m, sizeof m);
	set_waiting(t, phase);
}

static void finish_install(struct thread *t, const struct syscall_info *si);
static void finish_netns_socket(struct thread *t, const struct syscall_info *si);
static void finish_wait(struct thread *t, const struct syscall_info *si);
static void on_gone(pid_t tid, int status);
static void suspend_with_guest(void);

static void on_syscall_stop(struct thread *t, int seccomp)
{
	struct syscall_info si;
	memset(&si, 0, sizeof si);
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof si, &si) <= 0) {
		if (errno != ESRCH) fprintf(stderr, "vu-tracer: syscall info %d: %s\n", t->tid, strerror(errno));
		return;
	}
	if (si.op == SYSCALL_INFO_EXIT) {
		t->want_exit = 0;
		if (t->installing) { finish_install(t, &si); return; }
		if (t->netns_socket) { finish_netns_socket(t, &si); return; }
		if (t->polling) { finish_wait(t, &si); return; }
		if (t->hidden || !t->entry_sent) { resume(t, 0); return; }
		t->entry_sent = 0;
		send_syscall(t, &si, VU_PHASE_EXIT, 0);
		return;
	}
	if (si.op != SYSCALL_INFO_ENTRY && si.op != SYSCALL_INFO_SECCOMP) { resume(t, 0); return; }
	unsigned cls = seccomp ? (si.seccomp.ret_data & 0xffff) : CLS_OTHER;
	if (t->hidden) {
		/* The helper child's own calls before execve are not reported. */
		if (si.entry.nr == SYS_execve) t->hidden = 0;
		else { resume(t, 0); return; }
	}
	if (!(cfg_flags & VU_CFG_TRACE_ALL) && !fastpath_needs_core(t, (long)si.entry.nr, si.entry.args, cls)) {
		resume(t, 0);
		return;
	}
	t->entry_sent = 1;
	send_syscall(t, &si, VU_PHASE_ENTRY, cls);
}

/* VU_INSTALL, first half: the call becomes socket(AF_UNIX, SOCK_STREAM),
 * so the kernel gives the guest the fd number it would have given. */
static void start_install(struct thread *t, uint64_t value)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) != 0) return;
	regs.orig_rax = SYS_socket;
	regs.rdi = AF_UNIX;
	regs.rsi = SOCK_STREAM | ((value >> 63) ? SOCK_CLOEXEC : 0);
	regs.rdx = 0;
	ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	t->installing = 1;
	t->install = value;
	t->want_exit = 1;
	resume(t, 0);
}

/* The core applies masks itself when it holds copies of the ends: one
 * wake-up (core -> guest) per event instead of two (core -> helper ->
 * guest). Sent before the exit report, so the core has the ends before it
 * re-sends the mask there. */
static void offer_vpoll(uint32_t id)
{
	struct vu_vpoll_fds m = { { sizeof m, VU_VPOLL_FDS }, id, 0, -1, -1 };
	if (vpoll_offer(id, &m.local, &m.guest, &m.mask) == 0) wire_send(&m, sizeof m);
}

/* Second half, at the exit stop: adopt the new fd as a vpoll object and
 * tell the core its number (or the error the guest gets). */
static void finish_install(struct thread *t, const struct syscall_info *si)
{
	t->installing = 0;
	int64_t ret = si->exit.rval;
	if (ret >= 0) {
		uint32_t id = (uint32_t)t->install;
		uint32_t mask = (uint32_t)(t->install >> 32) & 0x7fffffffu;
		int e = vpoll_adopt(t->tgid, (int)ret, id, mask);
		if (e == 0 && inject_has_fd_template()) {
			/* Calls on this fd must stop from now on; if they cannot be
			 * made to, the open fails rather than leave a blind fd. */
			e = inject_fd_filter(t, (int)ret);
			if (e != 0) {
				vpoll_close(id);
				if (!t->dead) inject_syscall(t, SYS_close, ret, 0, 0);
			}
		}
		if (t->dead) { on_gone(t->tid, t->dead_status); return; }
		if (e == 0) {
			fdset_set(t->fds, (int)ret, 1);
			if (cfg_flags & VU_CFG_VPOLL_FDS) offer_vpoll(id);
		} else {
			/* Undo: the guest must not keep a half-made fd. */
			struct user_regs_struct regs;
			if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) == 0) {
				regs.rax = (unsigned long long)(long long)e;
				ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
			}
			fprintf(stderr, "vu-tracer: vpoll for fd %d of %d: %s\n", (int)ret, t->tid, strerror(-e));
			ret = e;
			/* the guest's socket stays open at that number: close it by
			 * leaving it to the core, which sees the error and the fd */
		}
	}
	struct syscall_info x = *si;
	x.exit.rval = ret;
	send_syscall(t, &x, VU_PHASE_EXIT, 0);
}

/* VU_SOCKET_NETNS, first half: the entry becomes a harmless getpid; the
 * work happens at its exit stop, where calls can be injected. */
static void start_netns_socket(struct thread *t, const char *path)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) != 0) return;
	t->socket_args[0] = regs.rdi;
	t->socket_args[1] = regs.rsi;
	t->socket_args[2] = regs.rdx;
	regs.orig_rax = SYS_getpid;
	ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	free(t->netns_path);
	t->netns_path = strdup(path);
	t->netns_socket = 1;
	t->want_exit = 1;
	resume(t, 0);
}

/* Second half: enter the namespace, make the socket there, come back:
 *   b = open(target), setns(b), close(b), socket(), a = open(own), setns(a), close(a)
 * The way back is the thread's own namespace, which the helper holds open
 * meanwhile, so no extra fd is in the guest while socket() runs and the
 * socket gets the number the guest's own call would have had. */
static long netns_socket(struct thread *t)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) != 0) return -ESRCH;
	char own_ns[64], back[64];
	snprintf(own_ns, sizeof own_ns, "/proc/%d/ns/net", t->tid);
	int keep = open(own_ns, O_RDONLY | O_CLOEXEC);
	if (keep < 0) return -errno;
	snprintf(back, sizeof back, "/proc/%d/fd/%d", getpid(), keep);
	size_t blen = strlen(back) + 1, plen = strlen(t->netns_path) + 1;
	uint64_t back_at = (regs.rsp - 128 - blen - plen - 64) & ~15ull;
	uint64_t path_at = back_at + blen;
	struct iovec local[2] = { { back, blen }, { t->netns_path, plen } };
	struct iovec remote[2] = { { (void *)back_at, blen }, { (void *)path_at, plen } };
	long s;
	if (process_vm_writev(t->tid, local, 2, remote, 2, 0) != (ssize_t)(blen + plen)) { close(keep); return -EFAULT; }
	long b = inject_syscall(t, SYS_open, (long)path_at, O_RDONLY | O_CLOEXEC, 0);
	if (b < 0) { close(keep); return b; }
	long r = inject_syscall(t, SYS_setns, b, CLONE_NEWNET, 0);
	inject_syscall(t, SYS_close, b, 0, 0);
	if (r < 0) { close(keep); return r; }
	s = inject_syscall(t, SYS_socket, (long)t->socket_args[0], (long)t->socket_args[1], (long)t->socket_args[2]);
	long a = inject_syscall(t, SYS_open, (long)back_at, O_RDONLY | O_CLOEXEC, 0);
	if (a == -EMFILE && s >= 0) {
		/* The socket took the guest's last fd: lend it one more for the
		 * way back, then restore its limit. */
		struct rlimit lim, more;
		if (prlimit(t->tgid, RLIMIT_NOFILE, NULL, &lim) == 0) {
			more = lim;
			more.rlim_cur = lim.rlim_cur + 1;
			if (more.rlim_max < more.rlim_cur) more.rlim_max = more.rlim_cur;
			if (prlimit(t->tgid, RLIMIT_NOFILE, &more, NULL) == 0) {
				a = inject_syscall(t, SYS_open, (long)back_at, O_RDONLY | O_CLOEXEC, 0);
				if (a >= 0) {
					inject_syscall(t, SYS_setns, a, CLONE_NEWNET, 0);
					inject_syscall(t, SYS_close, a, 0, 0);
					a = -1; /* done */
				}
				prlimit(t->tgid, RLIMIT_NOFILE, &lim, NULL);
				if (a == -1) { close(keep); return s; }
			}
		}
	}
	if (a < 0 && s >= 0) {
		/* No way back with the socket open: give it up, go back, and
		 * report the error. */
		inject_syscall(t, SYS_close, s, 0, 0);
		s = a;
		a = inject_syscall(t, SYS_open, (long)back_at, O_RDONLY | O_CLOEXEC, 0);
	}
	if (a >= 0) {
		inject_syscall(t, SYS_setns, a, CLONE_NEWNET, 0);
		inject_syscall(t, SYS_close, a, 0, 0);
	} else {
		fprintf(stderr, "vu-tracer: thread %d could not leave the stack's network namespace: %s\n", t->tid, strerror((int)-a));
	}
	close(keep);
	return s;
}

static void finish_netns_socket(struct thread *t, const struct syscall_info *si)
{
	t->netns_socket = 0;
	long s = netns_socket(t);
	if (t->dead) { on_gone(t->tid, t->dead_status); return; }
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) == 0) {
		regs.rax = (unsigned long long)s;
		ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	}
	struct syscall_info x = *si;
	x.exit.rval = s;
	send_syscall(t, &x, VU_PHASE_EXIT, 0);
}

/* VU_WAIT: the blocked call becomes ppoll(&{fd, events}, 1, timeout, NULL);
 * value = fd | events << 32 | timeout << 48, the timeout (0: none) in ms,
 * or in seconds when bit 63 is set (SO_RCVTIMEO / SO_SNDTIMEO). */
static void start_wait(struct thread *t, uint64_t value)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) != 0) return;
	t->wait_regs = regs;
	struct {
		struct { int32_t fd; int16_t events, revents; } pfd;
		struct { int64_t sec, nsec; } ts;
	} w = { { (int32_t)(value & 0xffffffff), (int16_t)((value >> 32) & 0xffff), 0 }, { 0, 0 } };
	uint64_t timeout = (value >> 48) & 0x7fff;
	if (value >> 63) w.ts.sec = (int64_t)timeout;
	else w.ts.sec = (int64_t)(timeout / 1000), w.ts.nsec = (int64_t)(timeout % 1000) * 1000000;
	uint64_t at = (regs.rsp - 128 - sizeof w) & ~15ull;
	struct iovec l = { &w, sizeof w }, r = { (void *)at, sizeof w };
	if (process_vm_writev(t->tid, &l, 1, &r, 1, 0) != sizeof w) { resume(t, 0); return; }
	regs.orig_rax = SYS_ppoll;
	regs.rdi = at;
	regs.rsi = 1;
	regs.rdx = timeout ? at + offsetof(__typeof__(w), ts) : 0;
	regs.r10 = 0;
	regs.r8 = 8;
	ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	t->polling = timeout ? 2 : 1;
	t->want_exit = 1;
	resume(t, 0);
}

#define ERESTARTSYS 512
#define ERESTARTNOHAND 514

/* At the ppoll's exit: ready → re-issue the call; a signal → leave the
 * original call with -ERESTARTSYS, which the kernel's signal delivery
 * turns into EINTR or a restart (SA_RESTART) exactly as for a real call. */
static void finish_wait(struct thread *t, const struct syscall_info *si)
{
	int timed = t->polling == 2;
	t->polling = 0;
	int64_t ret = si->exit.rval;
	struct user_regs_struct regs = t->wait_regs;
	if (ret == 0 && timed) {
		regs.rax = (unsigned long long)-EAGAIN; /* the socket timeout passed */
	} else if (ret >= 0) {
		regs.rip -= 2;
		regs.rax = regs.orig_rax;
	} else if (ret == -ERESTARTNOHAND || ret == -ERESTARTSYS || ret == -EINTR) {
		/* With a socket timeout the kernel never restarts: EINTR. */
		regs.rax = (unsigned long long)(timed ? -EINTR : -ERESTARTSYS);
	} else {
		regs.rax = (unsigned long long)ret;
	}
	ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
	t->entry_sent = 0;
	resume(t, 0);
}

static void apply_reply(const struct vu_reply *r)
{
	struct thread *t = thread_find(r->tid);
	if (!t || !t->waiting) return; /* it died while the core was answering */
	int phase = t->waiting;
	set_waiting(t, 0);
	switch (r->action) {
	case VU_RESUME:
		resume(t, 0);
		break;
	case VU_RESUME_EXIT:
		t->want_exit = 1;
		resume(t, 0);
		break;
	case VU_INSTALL:
		if (phase == VU_PHASE_ENTRY) start_install(t, (uint64_t)r->value);
		else resume(t, 0);
		break;
	case VU_WAIT:
		if (phase == VU_PHASE_ENTRY) start_wait(t, (uint64_t)r->value);
		else resume(t, 0);
		break;
	case VU_SOCKET_NETNS:
		if (phase == VU_PHASE_ENTRY && r->h.len > sizeof *r) {
			const char *path = (const char *)(r + 1);
			if (memchr(path, 0, r->h.len - sizeof *r)) { start_netns_socket(t, path); break; }
		}
		resume(t, 0);
		break;
	case VU_SKIP: {
		struct user_regs_struct regs;
		if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) != 0) break;
		if (phase == VU_PHASE_ENTRY) regs.orig_rax = (unsigned long long)-1;
		regs.rax = (unsigned long long)r->value;
		ptrace(PTRACE_SETREGS, t->tid, 0, &regs);
		t->entry_sent = 0;
		resume(t, 0);
		break;
	}
	default:
		fprintf(stderr, "vu-tracer: unknown reply action %u\n", r->action);
		resume(t, 0);
	}
}

/* ---------- process events ---------- */

static void on_fork_event(struct thread *t, int event)
{
	unsigned long msg = 0;
	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
	pid_t child = (pid_t)msg;
	struct user_regs_struct regs;
	uint64_t flags = SIGCHLD;
	int kind = event == PTRACE_EVENT_FORK ? VU_FORK_FORK : event == PTRACE_EVENT_VFORK ? VU_FORK_VFORK : VU_FORK_CLONE;
	if (ptrace(PTRACE_GETREGS, t->tid, 0, &regs) == 0) {
		if (regs.orig_rax == SYS_clone) flags = regs.rdi;
		else if (regs.orig_rax == SYS_clone3) {
			/* struct clone_args starts with the 64-bit flags */
			struct iovec local = { &flags, sizeof flags }, remote = { (void *)regs.rdi, sizeof flags };
			if (process_vm_readv(t->tid, &local, 1, &remote, 1, 0) != sizeof flags) flags = 0;
		} else if (regs.orig_rax == SYS_vfork) flags = CLONE_VM | CLONE_VFORK | SIGCHLD;
	}
	pid_t tgid = (flags & CLONE_THREAD) ? t->tgid : child;
	struct thread *c = thread_find(child);
	if (!c) c = thread_add(child, tgid);
	else c->tgid = tgid;
	fdset_unref(c->fds);
	c->fds = (flags & CLONE_FILES) ? fdset_ref(t->fds) : fdset_copy(t->fds);
	/* seccomp filters: inherited by children, the same for all threads (TSYNC) */
	fdset_unref(c->filtered);
	c->filtered = (flags & CLONE_THREAD) ? fdset_ref(t->filtered) : fdset_copy(t->filtered);
	c->hidden = 0;
	struct vu_fork m = { { sizeof m, VU_FORK }, t->tid, child, tgid, kind, flags };
	wire_send(&m, sizeof m);
	c->announced = 1;
	if (c->stopped) resume(c, c->pending_sig);
	resume(t, 0);
}

static void on_exec_event(struct thread *t)
{
	unsigned long old = 0;
	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &old);
	if ((pid_t)old != t->tid) {
		/* execve from a non-main thread: the caller now has the leader's
		 * tid; its old entry is gone without an exit report. */
		struct thread *o = thread_find((pid_t)old);
		if (o) {
			set_waiting(o, 0);
			t->entry_sent = o->entry_sent;
			t->nr = o->nr;
			thread_remove(o);
		}
	}
	set_waiting(t, 0);
	t->hidden = 0;
	/* execve unshares a CLONE_FILES table; the core tells which
	 * O_CLOEXEC fds went away. */
	struct fdset *own = fdset_copy(t->fds);
	fdset_unref(t->fds);
	t->fds = own;
	struct vu_exec m = { { sizeof m, VU_EXEC }, t->tid, (int32_t)old };
	wire_send(&m, sizeof m);
	resume(t, 0);
}

static void on_gone(pid_t tid, int status)
{
	struct thread *t = thread_find(tid);
	if (t) { set_waiting(t, 0); thread_remove(t); }
	if (tid == main_pid) main_status = status;
	struct vu_exit m = { { sizeof m, VU_EXIT }, tid, status };
	wire_send(&m, sizeof m);
}

static void on_wait_status(pid_t tid, int st)
{
	if (WIFEXITED(st) || WIFSIGNALED(st)) { on_gone(tid, st); return; }
	if (!WIFSTOPPED(st)) return;
	struct thread *t = thread_find(tid);
	if (!t) {
		/* A new child can report before its parent's fork event:
		 * it waits, stopped, until the core has heard of it. */
		t = thread_add(tid, tid);
	}
	t->stopped = 1;
	int sig = WSTOPSIG(st);
	int event = (unsigned)st >> 16;
	if (sig == (SIGTRAP | 0x80)) { on_syscall_stop(t, 0); return; }
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		/* With every call traced, entries come as syscall-entry stops. */
		if (cfg_flags & VU_CFG_TRACE_ALL) resume(t, 0);
		else on_syscall_stop(t, 1);
		return;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE: on_fork_event(t, event); return;
	case PTRACE_EVENT_EXEC: on_exec_event(t); return;
	case PTRACE_EVENT_STOP:
		if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
			/* group-stop: stay stopped, as without a tracer, but let
			 * SIGCONT and the real parent's wait see it */
			ptrace(PTRACE_LISTEN, tid, 0, 0);
			t->stopped = 0;
			if (tid == main_pid && sig != SIGSTOP) suspend_with_guest();
			return;
		}
		if (t->announced) resume(t, 0);
		return;
	case 0:
		/* signal-delivery stop: the signal is the guest's, deliver it */
		if (!t->announced) { t->pending_sig = sig; return; }
		resume(t, sig);
		return;
	default:
		resume(t, 0);
	}
}

/* ---------- frames from the core ---------- */

static void on_frame(const struct vu_hdr *h)
{
	switch (h->type) {
	case VU_REPLY:
		if (h->len >= sizeof(struct vu_reply)) apply_reply((const struct vu_reply *)h);
		break;
	case VU_SIGNAL:
		if (h->len >= sizeof(struct vu_signal)) kill(main_pid, ((const struct vu_signal *)h)->sig);
		break;
	case VU_FDBITS:
		if (h->len >= sizeof(struct vu_fdbits)) {
			const struct vu_fdbits *f = (const struct vu_fdbits *)h;
			struct thread *t = thread_find(f->tid);
			if (t && t->fds) fdset_set(t->fds, f->fd, f->on);
			/* A new virtual fd (dup …) while the caller waits at its exit. */
			if (t && f->on && t->waiting == VU_PHASE_EXIT && inject_has_fd_template()) {
				int e = inject_fd_filter(t, f->fd);
				if (e != 0 && !t->dead)
					fprintf(stderr, "vu-tracer: cannot filter fd %d of %d: %s\n", f->fd, t->tid, strerror(-e));
				if (t->dead) { pid_t tid = t->tid; int st = t->dead_status; on_gone(tid, st); }
			}
		}
		break;
	case VU_MOUNTS:
		fastpath_set_mounts((const char *)(h + 1), h->len - (uint32_t)sizeof *h);
		break;
	case VU_VPOLL:
		if (h->len >= sizeof(struct vu_vpoll)) {
			const struct vu_vpoll *v = (const struct vu_vpoll *)h;
			/* TAKEN: the core has its own copies; the helper's go. */
			if (v->mask == VU_VPOLL_CLOSE || v->mask == VU_VPOLL_TAKEN) vpoll_close(v->id);
			else if (v->mask == VU_VPOLL_KEEP) vpoll_keep(v->id);
			else vpoll_set(v->id, v->mask);
		}
		break;
	default:
		fprintf(stderr, "vu-tracer: unknown frame type %u\n", h->type);
	}
}

static void read_config(void)
{
	struct vu_config c;
	if (wire_read_exact(&c, sizeof c) != 0 || c.h.type != VU_CONFIG) {
		fprintf(stderr, "vu-tracer: no configuration from the core\n");
		exit(125);
	}
	cfg_flags = c.flags;
	filter_len = c.filter_len;
	if (filter_len > BPF_MAXINSNS) { fprintf(stderr, "vu-tracer: filter too long\n"); exit(125); }
	filter = calloc(filter_len ? filter_len : 1, sizeof *filter);
	if (filter_len && wire_read_exact(filter, filter_len * sizeof *filter) != 0) {
		fprintf(stderr, "vu-tracer: short filter\n");
		exit(125);
	}
	if (filter_len == 0) cfg_flags |= VU_CFG_NO_FILTER;
	fastpath_set_sockets((cfg_flags & VU_CFG_SOCKETS) != 0);
	if (c.fdfilter_len) {
		struct sock_filter *tmpl = calloc(c.fdfilter_len, sizeof *tmpl);
		if (!tmpl || c.fdfilter_len > BPF_MAXINSNS || wire_read_exact(tmpl, c.fdfilter_len * sizeof *tmpl) != 0) {
			fprintf(stderr, "vu-tracer: short fd filter\n");
			exit(125);
		}
		inject_set_fd_template(tmpl, c.fdfilter_len);
		free(tmpl);
	}
	if (c.systab_len) {
		struct vu_sysargs *tab = calloc(c.systab_len, sizeof *tab);
		if (!tab || wire_read_exact(tab, c.systab_len * sizeof *tab) != 0) {
			fprintf(stderr, "vu-tracer: short syscall table\n");
			exit(125);
		}
		fastpath_set_systab(tab, c.systab_len);
		free(tab);
	}
	if (cfg_flags & VU_CFG_MOUNTS) {
		struct vu_hdr h;
		char *body = NULL;
		if (wire_read_exact(&h, sizeof h) != 0 || h.type != VU_MOUNTS || h.len < sizeof h || h.len > (1u << 16) ||
		    !(body = malloc(h.len)) || wire_read_exact(body, h.len - sizeof h) != 0) {
			fprintf(stderr, "vu-tracer: no mount table after the config\n");
			exit(125);
		}
		fastpath_set_mounts(body, h.len - (uint32_t)sizeof h);
		free(body);
	}
}

/* Ctrl-Z stopped the guest on its terminal: stop vu too, as a shell's
 * job, and when the shell continues vu, give the guest its terminal back
 * and continue it. */
static void suspend_with_guest(void)
{
	if (tty_fd < 0) return;
	signal(SIGTTOU, SIG_IGN);
	tcsetpgrp(tty_fd, saved_fg_pgrp);
	signal(SIGTSTP, SIG_DFL);
	kill(0, SIGTSTP); /* vu's process group: the core and this helper */
	signal(SIGTSTP, SIG_IGN);
	/* continued by the shell's fg (or bg) */
	if (tcgetpgrp(tty_fd) == getpgrp()) tcsetpgrp(tty_fd, main_pid);
	kill(-main_pid, SIGCONT);
}

static void restore_terminal(void)
{
	if (tty_fd < 0) return;
	signal(SIGTTOU, SIG_IGN);
	tcsetpgrp(tty_fd, saved_fg_pgrp);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--probe") == 0) return probe_main();
	int first = 1;
	if (argc > 1 && strcmp(argv[1], "--") == 0) first = 2;
	if (first >= argc) {
		fprintf(stderr, "usage: vu-tracer -- CMD [ARGS...]  (started by vu, control socket on fd 3)\n");
		return 125;
	}
	/* Die with the core: PTRACE_O_EXITKILL then kills every guest. */
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) return 125;

	for (size_t i = 0; i < sizeof shielded / sizeof shielded[0]; i++) {
		struct sigaction ign = { .sa_handler = SIG_IGN };
		sigaction(shielded[i], &ign, &saved_actions[i]);
	}
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &saved_mask);
	int sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
	if (sfd < 0) die("signalfd");

	wire_init(VU_CONTROL_FD);
	read_config();
	int ve = vpoll_init();
	if (ve < 0) { errno = -ve; die("vpoll listener"); }
	int status;
	char *file = resolve_command(argv[first], &status);
	if (!file) {
		struct vu_end e = { { sizeof e, VU_END }, status << 8, 0 };
		wire_send(&e, sizeof e);
		wire_flush();
		return status;
	}
	main_pid = start_guest(file, argv + first);
	struct vu_started s = { { sizeof s, VU_STARTED }, main_pid, 0 };
	wire_send(&s, sizeof s);

	for (;;) {
		{
			pid_t dtid;
			int dst;
			while (inject_take_deferred(&dtid, &dst)) on_wait_status(dtid, dst);
		}
		if (waiting_threads == 0 && vpoll_count() == 0 && !(cfg_flags & VU_CFG_TRACE_ALL)) {
			/* Nobody waits for the core and the helper holds no vpoll
			 * object (whose events the core may change any time; those
			 * the core took are its own): sleep in waitpid alone. vu
			 * forwards signals to the guest itself. */
			wire_flush();
			int st;
			pid_t tid = waitpid(-1, &st, __WALL);
			if (tid > 0) { on_wait_status(tid, st); continue; }
			if (errno == ECHILD) break;
			if (errno != EINTR) die("waitpid");
			continue;
		}
		struct signalfd_siginfo ssi;
		while (read(sfd, &ssi, sizeof ssi) > 0) {}
		int st;
		pid_t tid;
		while ((tid = waitpid(-1, &st, __WALL | WNOHANG)) > 0) on_wait_status(tid, st);
		if (tid < 0 && errno == ECHILD) break;
		/* An injection made while handling those (a per-fd filter at an
		 * install's exit) may have set other threads' stops aside: their
		 * SIGCHLD is spent, so poll would never wake for them. */
		if (inject_has_deferred()) continue;
		wire_flush();
		struct pollfd pfd[2] = { { VU_CONTROL_FD, POLLIN, 0 }, { sfd, POLLIN, 0 } };
		if (wire_pending()) pfd[0].events |= POLLOUT;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR) continue;
			die("poll");
		}
		if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			if (wire_receive(on_frame) != 0) {
				/* The core is gone: end the guests with us. */
				exit(125);
			}
		}
	}
	restore_terminal();
	struct vu_end e = { { sizeof e, VU_END }, main_status, 0 };
	wire_send(&e, sizeof e);
	wire_flush();
	if (WIFEXITED(main_status)) return WEXITSTATUS(main_status);
	if (WIFSIGNALED(main_status)) return 128 + WTERMSIG(main_status);
	return 125;
}
