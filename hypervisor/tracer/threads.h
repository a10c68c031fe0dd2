/* The helper's table of traced threads, keyed by tid (open addressing). */
#ifndef VU_THREADS_H
#define VU_THREADS_H
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>
#include "fdset.h"

struct thread {
	pid_t tid;        /* 0: free slot */
	pid_t tgid;
	int nr;           /* the call in progress (for the exit report) */
	int waiting;      /* VU_PHASE_* while the core has not replied */
	int pending_sig;  /* a signal that arrived before the thread was announced */
	unsigned stopped : 1;    /* in a ptrace stop we have not resumed */
	unsigned announced : 1;  /* the core knows this thread (fork event seen) */
	unsigned hidden : 1;     /* the helper's child before its execve */
	unsigned want_exit : 1;  /* resume with PTRACE_SYSCALL to see the exit */
	unsigned entry_sent : 1; /* the core saw the entry of the call in progress */
	unsigned installing : 1; /* the call was rewritten to make a vpoll fd */
	uint64_t install;        /* VU_INSTALL value while installing */
	struct fdset *fds;       /* which fds may be virtual (shared, see fdset.h) */
	struct fdset *filtered;  /* fds a per-fd seccomp filter of this thread group covers */
	unsigned dead : 1;       /* died during an injection; reported later */
	unsigned netns_socket : 1; /* socket() to be made in netns_path at the exit stop */
	char *netns_path;
	uint64_t socket_args[3];
	unsigned polling : 2;    /* VU_WAIT: in the ppoll that replaced its call (2: with a timeout) */
	struct user_regs_struct wait_regs; /* the call to re-issue */
	int dead_status;
};

struct thread *thread_find(pid_t tid);
struct thread *thread_add(pid_t tid, pid_t tgid);
void thread_remove(struct thread *t);

#endif
