/* Binary protocol between the tracer helper (C) and the hypervisor core
 * (TypeScript, hypervisor/core/protocol.ts mirrors this file).
 *
 * The helper's fd 3 is a stream socket to the core. Every message is a
 * little-endian frame that starts with a 32-bit total length (header
 * included) and a 32-bit type. Field offsets are fixed; both sides are
 * x86_64, so the C structs below are the wire format. */
#ifndef VU_PROTOCOL_H
#define VU_PROTOCOL_H
#include <stdint.h>

#define VU_CONTROL_FD 3

/* core -> helper */
enum {
	VU_CONFIG = 1, /* vu_config + filter instructions; sent once, first */
	VU_REPLY = 2,  /* answer to a VU_SYSCALL that waits for one */
	VU_SIGNAL = 3, /* deliver a signal to the guest (forwarded from vu) */
	VU_FDBITS = 4, /* mark an fd of a thread's fd table virtual or not */
	VU_MOUNTS = 5, /* the names the fast path checks path components against */
	VU_VPOLL = 6,  /* set the event mask of a vpoll object, or close it */
};

/* helper -> core */
enum {
	VU_STARTED = 101, /* the guest's first process exists (pid) */
	VU_SYSCALL = 102, /* a call stopped at entry or exit, waits for VU_REPLY */
	VU_FORK = 103,    /* a new process or thread (async) */
	VU_EXEC = 104,    /* a process called execve successfully (async) */
	VU_EXIT = 105,    /* a thread or process is gone (async) */
	VU_END = 106,     /* every guest is gone; the helper exits after this */
	VU_VPOLL_FDS = 107, /* a new vpoll object's two ends, offered to the core */
};

/* VU_CONFIG flags */
#define VU_CFG_TRACE_ALL 1u /* every call stops at entry and exit (--trace) */
#define VU_CFG_NO_FILTER 2u /* install no seccomp filter */
#define VU_CFG_MOUNTS 4u    /* a VU_MOUNTS frame follows the config, before the guest starts */
#define VU_CFG_SOCKETS 8u   /* a network stack is mounted: socket() calls go to the core */
#define VU_CFG_VPOLL_FDS 16u /* the core can take vpoll ends itself (VU_VPOLL_FDS) */

struct vu_hdr {
	uint32_t len;
	uint32_t type;
};

struct vu_config {
	struct vu_hdr h;
	uint32_t flags;
	uint32_t filter_len; /* number of struct sock_filter that follow */
	uint32_t systab_len; /* then this many struct vu_sysargs, indexed by nr */
	uint32_t fdfilter_len; /* then the per-fd filter template (see inject.h) */
};

/* Which arguments decide whether a call may be virtual (0xff: none). */
struct vu_sysargs {
	uint8_t fd, fd2, path, path2;
};

/* Phases of VU_SYSCALL */
#define VU_PHASE_ENTRY 1
#define VU_PHASE_EXIT 2

struct vu_syscall {
	struct vu_hdr h;
	int32_t tid;
	int32_t tgid;
	int32_t nr;
	uint16_t phase;
	uint16_t cls; /* seccomp RET_DATA: the call's class, 0 when traced without filter */
	uint64_t args[6];
	int64_t ret; /* exit phase: the result (negative errno on error) */
	uint32_t arch;
	uint32_t pad;
};

/* Actions of VU_REPLY */
enum {
	VU_RESUME = 1,        /* run the call in the kernel as it is */
	VU_RESUME_EXIT = 2,   /* as VU_RESUME, and report the exit too */
	VU_SKIP = 3,          /* do not run the call; its result is `value` */
	VU_INSTALL = 4,       /* make a vpoll fd in the guest instead of the call:
			       * value = vpoll id | mask << 32 | cloexec << 63;
			       * the exit is reported with the new fd number */
	VU_WAIT = 6,          /* the call would block: the thread waits natively
			       * in ppoll on its fd (value = fd | events << 32 |
			       * timeout << 48, see start_wait), then re-issues
			       * the call; a signal meanwhile ends the call as the
			       * kernel would (EINTR, or a restart with SA_RESTART);
			       * a timeout gives EAGAIN */
	VU_SOCKET_NETNS = 5,  /* run the guest's socket() in the network namespace
			       * whose path follows the reply (NUL-terminated);
			       * the exit is reported with the new fd number */
};

struct vu_reply {
	struct vu_hdr h;
	int32_t tid;
	uint32_t action;
	int64_t value;
};

struct vu_fdbits {
	struct vu_hdr h;
	int32_t tid;  /* any thread of the process whose table changes */
	int32_t fd;
	int32_t on;   /* 1: virtual, 0: real */
	int32_t pad;
};

/* VU_MOUNTS: a list of NUL-terminated names after the header, each
 * preceded by one byte: 1 if names that start with it (subdevices such
 * as hda1 for hda) may also be virtual. */

struct vu_vpoll {
	struct vu_hdr h;
	uint32_t id;
	uint32_t mask; /* EPOLLIN/OUT/HUP...; VU_VPOLL_CLOSE closes the object */
};
#define VU_VPOLL_CLOSE 0xffffffffu
/* Answers to VU_VPOLL_FDS: the core holds its own copies now (the helper
 * drops the object), or it could not take them (the helper keeps it). */
#define VU_VPOLL_TAKEN 0xfffffffeu
#define VU_VPOLL_KEEP 0xfffffffdu

/* VU_VPOLL_FDS, sent (with VU_CFG_VPOLL_FDS) after an install succeeded and
 * before its exit is reported: the helper's fd numbers of the object's two
 * ends, for the core to copy with pidfd_getfd, and the mask they show. The
 * helper ignores masks for the object until the core answers TAKEN or KEEP,
 * so the mask here stays what the kernel shows until then. */
struct vu_vpoll_fds {
	struct vu_hdr h;
	uint32_t id;
	uint32_t mask;
	int32_t local; /* the helper's end */
	int32_t guest; /* the helper's duplicate of the guest's end */
};

struct vu_signal {
	struct vu_hdr h;
	int32_t sig;
	int32_t pad;
};

struct vu_started {
	struct vu_hdr h;
	int32_t pid;
	int32_t pad;
};

/* kinds of VU_FORK */
#define VU_FORK_FORK 1
#define VU_FORK_VFORK 2
#define VU_FORK_CLONE 3

struct vu_fork {
	struct vu_hdr h;
	int32_t parent; /* tid of the caller */
	int32_t child;  /* tid of the new thread or process */
	int32_t child_tgid;
	int32_t kind;
	uint64_t flags; /* clone flags (SIGCHLD for fork) */
};

struct vu_exec {
	struct vu_hdr h;
	int32_t tid;     /* the thread-group id that now runs the new image */
	int32_t old_tid; /* the thread that called execve (differs from tid when not the leader) */
};

struct vu_exit {
	struct vu_hdr h;
	int32_t tid;
	int32_t status; /* wait status as waitpid reports it */
};

struct vu_end {
	struct vu_hdr h;
	int32_t status; /* wait status of the guest's first process */
	int32_t pad;
};

#endif
