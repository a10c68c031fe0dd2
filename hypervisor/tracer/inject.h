/* Makes a stopped guest thread run a system call of the helper's choosing
 * (syscall injection), and with it add per-fd seccomp filters: once fd N
 * is virtual in a process, calls on N stop, while calls on its real fds
 * never leave the kernel. */
#ifndef VU_INJECT_H
#define VU_INJECT_H
#include <linux/filter.h>
#include <stdint.h>
#include "threads.h"

/* The per-fd filter template from the core; k == VU_FD_PLACEHOLDER is the fd. */
#define VU_FD_PLACEHOLDER 0xfffffff0u
void inject_set_fd_template(const struct sock_filter *f, uint32_t n);
int inject_has_fd_template(void);

/* Runs nr(a0, a1, a2) in t, which must be at a syscall-exit stop; the
 * thread's registers are restored afterwards. Returns the call's result
 * (-errno on failure), or -ESRCH if the thread died meanwhile. A signal
 * that arrives meanwhile is kept in t->pending_sig. */
long inject_syscall(struct thread *t, long nr, long a0, long a1, long a2);

/* Wait statuses of other threads collected during injections, oldest
 * first; 0 when there are none left. */
int inject_take_deferred(pid_t *tid, int *status);
/* 1 if statuses were set aside and not taken yet. */
int inject_has_deferred(void);

/* Adds the per-fd filter for fd to t's process (all its threads), unless
 * it has it already. 0 on success, -errno. */
int inject_fd_filter(struct thread *t, int fd);

#endif
