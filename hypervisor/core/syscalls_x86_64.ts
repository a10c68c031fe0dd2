// The x86_64 Linux system call table, as data.
//
// One entry per system call number of the native x86_64 ABI. vu reads it to
//   - build the seccomp filter: only calls of class 'never' are ALLOWed
//     outright, every other call stops in the tracer (or the C fast path);
//   - tell the C fast path which argument decides whether a call is virtual
//     (the fd in `fdArg`, the path in `pathArg`, or both for *at calls);
//   - decode arguments and results for --trace.
//
// Numbers and names follow <asm/unistd_64.h>; argument lists follow the
// kernel's entry points (which sometimes differ from the libc wrappers: e.g.
// fchmodat and faccessat take no flags in the kernel, preadv/pwritev take the
// offset split in two words of which the high one is always 0 on x86_64).
// Entries 451 and above are newer than some installed headers; they are kept
// so that a guest on a newer kernel cannot reach a path or fd call the table
// does not know about.
//
// Notes on classes that are not obvious:
//   - poll/select/epoll_wait families are 'never': they only wait on real
//     kernel fds, so they need no interception and run natively.
//   - Calls whose first argument is an fd are 'fd' for uniformity even when
//     that fd is always a real kernel object (timerfd, pidfd, mq, io_uring...).
//   - io_submit and io_uring_enter submit requests whose fds are inside guest
//     memory, not in an argument: those fds are not checked here.
//   - unshare is 'process': CLONE_FILES / CLONE_FS change which fd table and
//     cwd a task shares, which the tracer has to follow.
//   - getcwd is 'cwd': it must report the virtual cwd when there is one.
//   - dup2/dup3 have fd2Arg = newfd: a virtual fd there is implicitly closed.

import type { SyscallInfo } from './syscall_types.js';

/** The high bit that marks an x32 ABI call in the syscall number. */
export const X32_SYSCALL_BIT = 0x40000000;
/** seccomp_data.arch of a native x86_64 call. */
export const AUDIT_ARCH_X86_64 = 0xc000003e;
/** seccomp_data.arch of an i386 (int 0x80 / compat) call. */
export const AUDIT_ARCH_I386 = 0x40000003;

/** All x86_64 system calls, sorted by number. */
export const SYSCALLS_X86_64: readonly SyscallInfo[] = [
  { nr: 0, name: 'read', args: ['fd', 'buf_out', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 1, name: 'write', args: ['fd', 'buf_in', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 2, name: 'open', args: ['path', 'open_flags', 'mode'], ret: 'fd', cls: 'path', pathArg: 0 },
  { nr: 3, name: 'close', args: ['fd'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 4, name: 'stat', args: ['path', 'ptr'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 5, name: 'fstat', args: ['fd', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 6, name: 'lstat', args: ['path', 'ptr'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 7, name: 'poll', args: ['ptr', 'uint', 'int'], ret: 'int', cls: 'never' }, // fd set: waits natively
  { nr: 8, name: 'lseek', args: ['fd', 'int', 'whence'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 9, name: 'mmap', args: ['ptr', 'uint', 'hex', 'hex', 'fd', 'uint'], ret: 'hex', cls: 'fd', fdArg: 4 },
  { nr: 10, name: 'mprotect', args: ['ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 11, name: 'munmap', args: ['ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 12, name: 'brk', args: ['ptr'], ret: 'hex', cls: 'never' },
  { nr: 13, name: 'rt_sigaction', args: ['signal', 'ptr', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 14, name: 'rt_sigprocmask', args: ['int', 'ptr', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 15, name: 'rt_sigreturn', args: [], ret: 'none', cls: 'never' },
  { nr: 16, name: 'ioctl', args: ['fd', 'hex', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 17, name: 'pread64', args: ['fd', 'buf_out', 'uint', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 18, name: 'pwrite64', args: ['fd', 'buf_in', 'uint', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 19, name: 'readv', args: ['fd', 'ptr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 20, name: 'writev', args: ['fd', 'ptr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 21, name: 'access', args: ['path', 'hex'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 22, name: 'pipe', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 23, name: 'select', args: ['int', 'ptr', 'ptr', 'ptr', 'ptr'], ret: 'int', cls: 'never' }, // fd set: waits natively
  { nr: 24, name: 'sched_yield', args: [], ret: 'int', cls: 'never' },
  { nr: 25, name: 'mremap', args: ['ptr', 'uint', 'uint', 'hex', 'ptr'], ret: 'hex', cls: 'never' },
  { nr: 26, name: 'msync', args: ['ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 27, name: 'mincore', args: ['ptr', 'uint', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 28, name: 'madvise', args: ['ptr', 'uint', 'int'], ret: 'int', cls: 'never' },
  { nr: 29, name: 'shmget', args: ['int', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 30, name: 'shmat', args: ['int', 'ptr', 'hex'], ret: 'hex', cls: 'never' },
  { nr: 31, name: 'shmctl', args: ['int', 'int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 32, name: 'dup', args: ['fd'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 33, name: 'dup2', args: ['fd', 'fd'], ret: 'fd', cls: 'fd', fdArg: 0, fd2Arg: 1 },
  { nr: 34, name: 'pause', args: [], ret: 'int', cls: 'never' },
  { nr: 35, name: 'nanosleep', args: ['ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 36, name: 'getitimer', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 37, name: 'alarm', args: ['uint'], ret: 'int', cls: 'never' },
  { nr: 38, name: 'setitimer', args: ['int', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 39, name: 'getpid', args: [], ret: 'int', cls: 'never' },
  { nr: 40, name: 'sendfile', args: ['fd', 'fd', 'ptr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0, fd2Arg: 1 },
  { nr: 41, name: 'socket', args: ['int', 'hex', 'int'], ret: 'fd', cls: 'socket' },
  { nr: 42, name: 'connect', args: ['fd', 'sockaddr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 43, name: 'accept', args: ['fd', 'ptr', 'ptr'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 44, name: 'sendto', args: ['fd', 'buf_in', 'uint', 'hex', 'sockaddr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 45, name: 'recvfrom', args: ['fd', 'buf_out', 'uint', 'hex', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 46, name: 'sendmsg', args: ['fd', 'ptr', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 47, name: 'recvmsg', args: ['fd', 'ptr', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 48, name: 'shutdown', args: ['fd', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 49, name: 'bind', args: ['fd', 'sockaddr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 50, name: 'listen', args: ['fd', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 51, name: 'getsockname', args: ['fd', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 52, name: 'getpeername', args: ['fd', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 53, name: 'socketpair', args: ['int', 'hex', 'int', 'ptr'], ret: 'int', cls: 'socket' },
  { nr: 54, name: 'setsockopt', args: ['fd', 'int', 'int', 'buf_in', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 55, name: 'getsockopt', args: ['fd', 'int', 'int', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 56, name: 'clone', args: ['clone_flags', 'ptr', 'ptr', 'ptr', 'uint'], ret: 'int', cls: 'process' }, // flags, newsp, parent_tid, child_tid, tls
  { nr: 57, name: 'fork', args: [], ret: 'int', cls: 'process' },
  { nr: 58, name: 'vfork', args: [], ret: 'int', cls: 'process' },
  { nr: 59, name: 'execve', args: ['path', 'argv', 'envp'], ret: 'int', cls: 'process', pathArg: 0 },
  { nr: 60, name: 'exit', args: ['int'], ret: 'none', cls: 'never' },
  { nr: 61, name: 'wait4', args: ['int', 'ptr', 'hex', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 62, name: 'kill', args: ['int', 'signal'], ret: 'int', cls: 'never' },
  { nr: 63, name: 'uname', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 64, name: 'semget', args: ['int', 'int', 'hex'], ret: 'int', cls: 'never' },
  { nr: 65, name: 'semop', args: ['int', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 66, name: 'semctl', args: ['int', 'int', 'int', 'hex'], ret: 'int', cls: 'never' },
  { nr: 67, name: 'shmdt', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 68, name: 'msgget', args: ['int', 'hex'], ret: 'int', cls: 'never' },
  { nr: 69, name: 'msgsnd', args: ['int', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 70, name: 'msgrcv', args: ['int', 'ptr', 'uint', 'int', 'hex'], ret: 'int', cls: 'never' },
  { nr: 71, name: 'msgctl', args: ['int', 'int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 72, name: 'fcntl', args: ['fd', 'int', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 73, name: 'flock', args: ['fd', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 74, name: 'fsync', args: ['fd'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 75, name: 'fdatasync', args: ['fd'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 76, name: 'truncate', args: ['path', 'int'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 77, name: 'ftruncate', args: ['fd', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 78, name: 'getdents', args: ['fd', 'buf_out', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 79, name: 'getcwd', args: ['buf_out', 'uint'], ret: 'int', cls: 'cwd' }, // reports the (possibly virtual) cwd
  { nr: 80, name: 'chdir', args: ['path'], ret: 'int', cls: 'cwd', pathArg: 0 },
  { nr: 81, name: 'fchdir', args: ['fd'], ret: 'int', cls: 'cwd', fdArg: 0 },
  { nr: 82, name: 'rename', args: ['path', 'path'], ret: 'int', cls: 'path', pathArg: 0, path2Arg: 1 },
  { nr: 83, name: 'mkdir', args: ['path', 'mode'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 84, name: 'rmdir', args: ['path'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 85, name: 'creat', args: ['path', 'mode'], ret: 'fd', cls: 'path', pathArg: 0 },
  { nr: 86, name: 'link', args: ['path', 'path'], ret: 'int', cls: 'path', pathArg: 0, path2Arg: 1 },
  { nr: 87, name: 'unlink', args: ['path'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 88, name: 'symlink', args: ['path', 'path'], ret: 'int', cls: 'path', pathArg: 1, path2Arg: 0 }, // path2Arg is the target text, not resolved
  { nr: 89, name: 'readlink', args: ['path', 'buf_out', 'uint'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 90, name: 'chmod', args: ['path', 'mode'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 91, name: 'fchmod', args: ['fd', 'mode'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 92, name: 'chown', args: ['path', 'int', 'int'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 93, name: 'fchown', args: ['fd', 'int', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 94, name: 'lchown', args: ['path', 'int', 'int'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 95, name: 'umask', args: ['mode'], ret: 'int', cls: 'never' },
  { nr: 96, name: 'gettimeofday', args: ['ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 97, name: 'getrlimit', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 98, name: 'getrusage', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 99, name: 'sysinfo', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 100, name: 'times', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 101, name: 'ptrace', args: ['int', 'int', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 102, name: 'getuid', args: [], ret: 'int', cls: 'never' },
  { nr: 103, name: 'syslog', args: ['int', 'buf_out', 'int'], ret: 'int', cls: 'never' },
  { nr: 104, name: 'getgid', args: [], ret: 'int', cls: 'never' },
  { nr: 105, name: 'setuid', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 106, name: 'setgid', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 107, name: 'geteuid', args: [], ret: 'int', cls: 'never' },
  { nr: 108, name: 'getegid', args: [], ret: 'int', cls: 'never' },
  { nr: 109, name: 'setpgid', args: ['int', 'int'], ret: 'int', cls: 'never' },
  { nr: 110, name: 'getppid', args: [], ret: 'int', cls: 'never' },
  { nr: 111, name: 'getpgrp', args: [], ret: 'int', cls: 'never' },
  { nr: 112, name: 'setsid', args: [], ret: 'int', cls: 'never' },
  { nr: 113, name: 'setreuid', args: ['int', 'int'], ret: 'int', cls: 'never' },
  { nr: 114, name: 'setregid', args: ['int', 'int'], ret: 'int', cls: 'never' },
  { nr: 115, name: 'getgroups', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 116, name: 'setgroups', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 117, name: 'setresuid', args: ['int', 'int', 'int'], ret: 'int', cls: 'never' },
  { nr: 118, name: 'getresuid', args: ['ptr', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 119, name: 'setresgid', args: ['int', 'int', 'int'], ret: 'int', cls: 'never' },
  { nr: 120, name: 'getresgid', args: ['ptr', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 121, name: 'getpgid', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 122, name: 'setfsuid', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 123, name: 'setfsgid', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 124, name: 'getsid', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 125, name: 'capget', args: ['ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 126, name: 'capset', args: ['ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 127, name: 'rt_sigpending', args: ['ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 128, name: 'rt_sigtimedwait', args: ['ptr', 'ptr', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 129, name: 'rt_sigqueueinfo', args: ['int', 'signal', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 130, name: 'rt_sigsuspend', args: ['ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 131, name: 'sigaltstack', args: ['ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 132, name: 'utime', args: ['path', 'ptr'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 133, name: 'mknod', args: ['path', 'mode', 'hex'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 134, name: 'uselib', args: ['path'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 135, name: 'personality', args: ['hex'], ret: 'int', cls: 'never' },
  { nr: 136, name: 'ustat', args: ['hex', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 137, name: 'statfs', args: ['path', 'ptr'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 138, name: 'fstatfs', args: ['fd', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 139, name: 'sysfs', args: ['int', 'hex', 'hex'], ret: 'int', cls: 'never' },
  { nr: 140, name: 'getpriority', args: ['int', 'int'], ret: 'int', cls: 'never' },
  { nr: 141, name: 'setpriority', args: ['int', 'int', 'int'], ret: 'int', cls: 'never' },
  { nr: 142, name: 'sched_setparam', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 143, name: 'sched_getparam', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 144, name: 'sched_setscheduler', args: ['int', 'int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 145, name: 'sched_getscheduler', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 146, name: 'sched_get_priority_max', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 147, name: 'sched_get_priority_min', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 148, name: 'sched_rr_get_interval', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 149, name: 'mlock', args: ['ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 150, name: 'munlock', args: ['ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 151, name: 'mlockall', args: ['hex'], ret: 'int', cls: 'never' },
  { nr: 152, name: 'munlockall', args: [], ret: 'int', cls: 'never' },
  { nr: 153, name: 'vhangup', args: [], ret: 'int', cls: 'never' },
  { nr: 154, name: 'modify_ldt', args: ['int', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 155, name: 'pivot_root', args: ['path', 'path'], ret: 'int', cls: 'path', pathArg: 0, path2Arg: 1 },
  { nr: 156, name: '_sysctl', args: ['ptr'], ret: 'int', cls: 'never' }, // removed from the kernel: ENOSYS
  { nr: 157, name: 'prctl', args: ['int', 'hex', 'hex', 'hex', 'hex'], ret: 'int', cls: 'never' },
  { nr: 158, name: 'arch_prctl', args: ['int', 'hex'], ret: 'int', cls: 'never' },
  { nr: 159, name: 'adjtimex', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 160, name: 'setrlimit', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 161, name: 'chroot', args: ['path'], ret: 'int', cls: 'cwd', pathArg: 0 },
  { nr: 162, name: 'sync', args: [], ret: 'int', cls: 'never' },
  { nr: 163, name: 'acct', args: ['path'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 164, name: 'settimeofday', args: ['ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 165, name: 'mount', args: ['path', 'path', 'str', 'hex', 'ptr'], ret: 'int', cls: 'mgmt', pathArg: 1, path2Arg: 0 },
  { nr: 166, name: 'umount2', args: ['path', 'hex'], ret: 'int', cls: 'mgmt', pathArg: 0 },
  { nr: 167, name: 'swapon', args: ['path', 'hex'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 168, name: 'swapoff', args: ['path'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 169, name: 'reboot', args: ['hex', 'hex', 'hex', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 170, name: 'sethostname', args: ['buf_in', 'uint'], ret: 'int', cls: 'never' },
  { nr: 171, name: 'setdomainname', args: ['buf_in', 'uint'], ret: 'int', cls: 'never' },
  { nr: 172, name: 'iopl', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 173, name: 'ioperm', args: ['uint', 'uint', 'int'], ret: 'int', cls: 'never' },
  { nr: 174, name: 'create_module', args: ['str', 'uint'], ret: 'int', cls: 'never' }, // removed: ENOSYS
  { nr: 175, name: 'init_module', args: ['buf_in', 'uint', 'str'], ret: 'int', cls: 'never' },
  { nr: 176, name: 'delete_module', args: ['str', 'hex'], ret: 'int', cls: 'never' },
  { nr: 177, name: 'get_kernel_syms', args: ['ptr'], ret: 'int', cls: 'never' }, // removed: ENOSYS
  { nr: 178, name: 'query_module', args: ['str', 'int', 'ptr', 'uint', 'ptr'], ret: 'int', cls: 'never' }, // removed: ENOSYS
  { nr: 179, name: 'quotactl', args: ['hex', 'path', 'int', 'ptr'], ret: 'int', cls: 'path', pathArg: 1 }, // path of the block device
  { nr: 180, name: 'nfsservctl', args: ['int', 'ptr', 'ptr'], ret: 'int', cls: 'never' }, // removed: ENOSYS
  { nr: 181, name: 'getpmsg', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 182, name: 'putpmsg', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 183, name: 'afs_syscall', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 184, name: 'tuxcall', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 185, name: 'security', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 186, name: 'gettid', args: [], ret: 'int', cls: 'never' },
  { nr: 187, name: 'readahead', args: ['fd', 'int', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 188, name: 'setxattr', args: ['path', 'str', 'buf_in', 'uint', 'hex'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 189, name: 'lsetxattr', args: ['path', 'str', 'buf_in', 'uint', 'hex'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 190, name: 'fsetxattr', args: ['fd', 'str', 'buf_in', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 191, name: 'getxattr', args: ['path', 'str', 'buf_out', 'uint'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 192, name: 'lgetxattr', args: ['path', 'str', 'buf_out', 'uint'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 193, name: 'fgetxattr', args: ['fd', 'str', 'buf_out', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 194, name: 'listxattr', args: ['path', 'buf_out', 'uint'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 195, name: 'llistxattr', args: ['path', 'buf_out', 'uint'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 196, name: 'flistxattr', args: ['fd', 'buf_out', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 197, name: 'removexattr', args: ['path', 'str'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 198, name: 'lremovexattr', args: ['path', 'str'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 199, name: 'fremovexattr', args: ['fd', 'str'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 200, name: 'tkill', args: ['int', 'signal'], ret: 'int', cls: 'never' },
  { nr: 201, name: 'time', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 202, name: 'futex', args: ['ptr', 'hex', 'int', 'ptr', 'ptr', 'int'], ret: 'int', cls: 'never' },
  { nr: 203, name: 'sched_setaffinity', args: ['int', 'uint', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 204, name: 'sched_getaffinity', args: ['int', 'uint', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 205, name: 'set_thread_area', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 206, name: 'io_setup', args: ['uint', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 207, name: 'io_destroy', args: ['hex'], ret: 'int', cls: 'never' },
  { nr: 208, name: 'io_getevents', args: ['hex', 'int', 'int', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 209, name: 'io_submit', args: ['hex', 'int', 'ptr'], ret: 'int', cls: 'never' }, // fds are inside the iocbs: not checked
  { nr: 210, name: 'io_cancel', args: ['hex', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 211, name: 'get_thread_area', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 212, name: 'lookup_dcookie', args: ['hex', 'buf_out', 'uint'], ret: 'int', cls: 'never' }, // removed: ENOSYS
  { nr: 213, name: 'epoll_create', args: ['int'], ret: 'fd', cls: 'never' },
  { nr: 214, name: 'epoll_ctl_old', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 215, name: 'epoll_wait_old', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 216, name: 'remap_file_pages', args: ['ptr', 'uint', 'hex', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 217, name: 'getdents64', args: ['fd', 'buf_out', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 218, name: 'set_tid_address', args: ['ptr'], ret: 'int', cls: 'never' },
  { nr: 219, name: 'restart_syscall', args: [], ret: 'int', cls: 'never' },
  { nr: 220, name: 'semtimedop', args: ['int', 'ptr', 'uint', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 221, name: 'fadvise64', args: ['fd', 'int', 'uint', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 222, name: 'timer_create', args: ['int', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 223, name: 'timer_settime', args: ['int', 'hex', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 224, name: 'timer_gettime', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 225, name: 'timer_getoverrun', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 226, name: 'timer_delete', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 227, name: 'clock_settime', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 228, name: 'clock_gettime', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 229, name: 'clock_getres', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 230, name: 'clock_nanosleep', args: ['int', 'hex', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 231, name: 'exit_group', args: ['int'], ret: 'none', cls: 'never' },
  { nr: 232, name: 'epoll_wait', args: ['fd', 'ptr', 'int', 'int'], ret: 'int', cls: 'never' }, // real epfd: waits natively
  { nr: 233, name: 'epoll_ctl', args: ['fd', 'int', 'fd', 'ptr'], ret: 'int', cls: 'fd', fdArg: 2 }, // decided by the target fd
  { nr: 234, name: 'tgkill', args: ['int', 'int', 'signal'], ret: 'int', cls: 'never' },
  { nr: 235, name: 'utimes', args: ['path', 'ptr'], ret: 'int', cls: 'path', pathArg: 0 },
  { nr: 236, name: 'vserver', args: [], ret: 'int', cls: 'never' }, // not implemented: ENOSYS
  { nr: 237, name: 'mbind', args: ['ptr', 'uint', 'int', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 238, name: 'set_mempolicy', args: ['int', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 239, name: 'get_mempolicy', args: ['ptr', 'ptr', 'uint', 'ptr', 'hex'], ret: 'int', cls: 'never' },
  { nr: 240, name: 'mq_open', args: ['str', 'open_flags', 'mode', 'ptr'], ret: 'fd', cls: 'never' }, // name is in the mqueue namespace, not a path
  { nr: 241, name: 'mq_unlink', args: ['str'], ret: 'int', cls: 'never' },
  { nr: 242, name: 'mq_timedsend', args: ['fd', 'buf_in', 'uint', 'uint', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 243, name: 'mq_timedreceive', args: ['fd', 'buf_out', 'uint', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 244, name: 'mq_notify', args: ['fd', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 245, name: 'mq_getsetattr', args: ['fd', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 246, name: 'kexec_load', args: ['hex', 'uint', 'ptr', 'hex'], ret: 'int', cls: 'never' },
  { nr: 247, name: 'waitid', args: ['int', 'int', 'ptr', 'hex', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 248, name: 'add_key', args: ['str', 'str', 'buf_in', 'uint', 'int'], ret: 'int', cls: 'never' },
  { nr: 249, name: 'request_key', args: ['str', 'str', 'str', 'int'], ret: 'int', cls: 'never' },
  { nr: 250, name: 'keyctl', args: ['int', 'hex', 'hex', 'hex', 'hex'], ret: 'int', cls: 'never' },
  { nr: 251, name: 'ioprio_set', args: ['int', 'int', 'int'], ret: 'int', cls: 'never' },
  { nr: 252, name: 'ioprio_get', args: ['int', 'int'], ret: 'int', cls: 'never' },
  { nr: 253, name: 'inotify_init', args: [], ret: 'fd', cls: 'never' },
  { nr: 254, name: 'inotify_add_watch', args: ['fd', 'path', 'hex'], ret: 'int', cls: 'path', pathArg: 1 },
  { nr: 255, name: 'inotify_rm_watch', args: ['fd', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 256, name: 'migrate_pages', args: ['int', 'uint', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 257, name: 'openat', args: ['dirfd', 'path', 'open_flags', 'mode'], ret: 'fd', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 258, name: 'mkdirat', args: ['dirfd', 'path', 'mode'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 259, name: 'mknodat', args: ['dirfd', 'path', 'mode', 'hex'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 260, name: 'fchownat', args: ['dirfd', 'path', 'int', 'int', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 261, name: 'futimesat', args: ['dirfd', 'path', 'ptr'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 262, name: 'newfstatat', args: ['dirfd', 'path', 'ptr', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 263, name: 'unlinkat', args: ['dirfd', 'path', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 264, name: 'renameat', args: ['dirfd', 'path', 'dirfd', 'path'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1, fd2Arg: 2, path2Arg: 3 },
  { nr: 265, name: 'linkat', args: ['dirfd', 'path', 'dirfd', 'path', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1, fd2Arg: 2, path2Arg: 3 },
  { nr: 266, name: 'symlinkat', args: ['path', 'dirfd', 'path'], ret: 'int', cls: 'at', fdArg: 1, pathArg: 2, path2Arg: 0 }, // path2Arg is the target text, not resolved
  { nr: 267, name: 'readlinkat', args: ['dirfd', 'path', 'buf_out', 'uint'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 268, name: 'fchmodat', args: ['dirfd', 'path', 'mode'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 269, name: 'faccessat', args: ['dirfd', 'path', 'hex'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 270, name: 'pselect6', args: ['int', 'ptr', 'ptr', 'ptr', 'ptr', 'ptr'], ret: 'int', cls: 'never' }, // fd set: waits natively
  { nr: 271, name: 'ppoll', args: ['ptr', 'uint', 'ptr', 'ptr', 'uint'], ret: 'int', cls: 'never' }, // fd set: waits natively
  { nr: 272, name: 'unshare', args: ['clone_flags'], ret: 'int', cls: 'process' }, // may unshare the fd table / cwd
  { nr: 273, name: 'set_robust_list', args: ['ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 274, name: 'get_robust_list', args: ['int', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 275, name: 'splice', args: ['fd', 'ptr', 'fd', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0, fd2Arg: 2 },
  { nr: 276, name: 'tee', args: ['fd', 'fd', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0, fd2Arg: 1 },
  { nr: 277, name: 'sync_file_range', args: ['fd', 'int', 'int', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 278, name: 'vmsplice', args: ['fd', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 279, name: 'move_pages', args: ['int', 'uint', 'ptr', 'ptr', 'ptr', 'hex'], ret: 'int', cls: 'never' },
  { nr: 280, name: 'utimensat', args: ['dirfd', 'path', 'ptr', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 }, // path NULL = the dirfd itself
  { nr: 281, name: 'epoll_pwait', args: ['fd', 'ptr', 'int', 'int', 'ptr', 'uint'], ret: 'int', cls: 'never' }, // real epfd: waits natively
  { nr: 282, name: 'signalfd', args: ['fd', 'ptr', 'uint'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 283, name: 'timerfd_create', args: ['int', 'hex'], ret: 'fd', cls: 'never' },
  { nr: 284, name: 'eventfd', args: ['uint'], ret: 'fd', cls: 'never' },
  { nr: 285, name: 'fallocate', args: ['fd', 'hex', 'int', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 286, name: 'timerfd_settime', args: ['fd', 'hex', 'ptr', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 287, name: 'timerfd_gettime', args: ['fd', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 288, name: 'accept4', args: ['fd', 'ptr', 'ptr', 'hex'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 289, name: 'signalfd4', args: ['fd', 'ptr', 'uint', 'hex'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 290, name: 'eventfd2', args: ['uint', 'hex'], ret: 'fd', cls: 'never' },
  { nr: 291, name: 'epoll_create1', args: ['hex'], ret: 'fd', cls: 'never' },
  { nr: 292, name: 'dup3', args: ['fd', 'fd', 'open_flags'], ret: 'fd', cls: 'fd', fdArg: 0, fd2Arg: 1 },
  { nr: 293, name: 'pipe2', args: ['ptr', 'open_flags'], ret: 'int', cls: 'never' },
  { nr: 294, name: 'inotify_init1', args: ['hex'], ret: 'fd', cls: 'never' },
  { nr: 295, name: 'preadv', args: ['fd', 'ptr', 'uint', 'int', 'int'], ret: 'int', cls: 'fd', fdArg: 0 }, // pos_l, pos_h (0)
  { nr: 296, name: 'pwritev', args: ['fd', 'ptr', 'uint', 'int', 'int'], ret: 'int', cls: 'fd', fdArg: 0 }, // pos_l, pos_h (0)
  { nr: 297, name: 'rt_tgsigqueueinfo', args: ['int', 'int', 'signal', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 298, name: 'perf_event_open', args: ['ptr', 'int', 'int', 'fd', 'hex'], ret: 'fd', cls: 'never' },
  { nr: 299, name: 'recvmmsg', args: ['fd', 'ptr', 'uint', 'hex', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 300, name: 'fanotify_init', args: ['hex', 'open_flags'], ret: 'fd', cls: 'never' },
  { nr: 301, name: 'fanotify_mark', args: ['fd', 'hex', 'hex', 'dirfd', 'path'], ret: 'int', cls: 'at', fdArg: 3, pathArg: 4 },
  { nr: 302, name: 'prlimit64', args: ['int', 'int', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 303, name: 'name_to_handle_at', args: ['dirfd', 'path', 'ptr', 'ptr', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 304, name: 'open_by_handle_at', args: ['fd', 'ptr', 'open_flags'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 305, name: 'clock_adjtime', args: ['int', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 306, name: 'syncfs', args: ['fd'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 307, name: 'sendmmsg', args: ['fd', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 308, name: 'setns', args: ['fd', 'clone_flags'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 309, name: 'getcpu', args: ['ptr', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 310, name: 'process_vm_readv', args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 311, name: 'process_vm_writev', args: ['int', 'ptr', 'uint', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 312, name: 'kcmp', args: ['int', 'int', 'int', 'uint', 'uint'], ret: 'int', cls: 'never' },
  { nr: 313, name: 'finit_module', args: ['fd', 'str', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 314, name: 'sched_setattr', args: ['int', 'ptr', 'hex'], ret: 'int', cls: 'never' },
  { nr: 315, name: 'sched_getattr', args: ['int', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 316, name: 'renameat2', args: ['dirfd', 'path', 'dirfd', 'path', 'hex'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1, fd2Arg: 2, path2Arg: 3 },
  { nr: 317, name: 'seccomp', args: ['int', 'hex', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 318, name: 'getrandom', args: ['buf_out', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 319, name: 'memfd_create', args: ['str', 'hex'], ret: 'fd', cls: 'never' },
  { nr: 320, name: 'kexec_file_load', args: ['fd', 'fd', 'uint', 'str', 'hex'], ret: 'int', cls: 'fd', fdArg: 0, fd2Arg: 1 },
  { nr: 321, name: 'bpf', args: ['int', 'ptr', 'uint'], ret: 'int', cls: 'never' },
  { nr: 322, name: 'execveat', args: ['dirfd', 'path', 'argv', 'envp', 'at_flags'], ret: 'int', cls: 'process', fdArg: 0, pathArg: 1 },
  { nr: 323, name: 'userfaultfd', args: ['hex'], ret: 'fd', cls: 'never' },
  { nr: 324, name: 'membarrier', args: ['int', 'hex', 'int'], ret: 'int', cls: 'never' },
  { nr: 325, name: 'mlock2', args: ['ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 326, name: 'copy_file_range', args: ['fd', 'ptr', 'fd', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0, fd2Arg: 2 },
  { nr: 327, name: 'preadv2', args: ['fd', 'ptr', 'uint', 'int', 'int', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 }, // pos_l, pos_h (0), flags
  { nr: 328, name: 'pwritev2', args: ['fd', 'ptr', 'uint', 'int', 'int', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 }, // pos_l, pos_h (0), flags
  { nr: 329, name: 'pkey_mprotect', args: ['ptr', 'uint', 'hex', 'int'], ret: 'int', cls: 'never' },
  { nr: 330, name: 'pkey_alloc', args: ['hex', 'hex'], ret: 'int', cls: 'never' },
  { nr: 331, name: 'pkey_free', args: ['int'], ret: 'int', cls: 'never' },
  { nr: 332, name: 'statx', args: ['dirfd', 'path', 'at_flags', 'hex', 'ptr'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 333, name: 'io_pgetevents', args: ['hex', 'int', 'int', 'ptr', 'ptr', 'ptr'], ret: 'int', cls: 'never' },
  { nr: 334, name: 'rseq', args: ['ptr', 'uint', 'hex', 'hex'], ret: 'int', cls: 'never' },
  // 335..423 are unused on x86_64 (they are the 32-bit time64 calls elsewhere).
  { nr: 424, name: 'pidfd_send_signal', args: ['fd', 'signal', 'ptr', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 425, name: 'io_uring_setup', args: ['uint', 'ptr'], ret: 'fd', cls: 'never' }, // the ring's requests name fds in memory: not checked
  { nr: 426, name: 'io_uring_enter', args: ['fd', 'uint', 'uint', 'hex', 'ptr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 427, name: 'io_uring_register', args: ['fd', 'uint', 'ptr', 'uint'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 428, name: 'open_tree', args: ['dirfd', 'path', 'hex'], ret: 'fd', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 429, name: 'move_mount', args: ['dirfd', 'path', 'dirfd', 'path', 'hex'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1, fd2Arg: 2, path2Arg: 3 },
  { nr: 430, name: 'fsopen', args: ['str', 'hex'], ret: 'fd', cls: 'never' }, // a filesystem type name, not a path
  { nr: 431, name: 'fsconfig', args: ['fd', 'int', 'str', 'ptr', 'int'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 432, name: 'fsmount', args: ['fd', 'hex', 'hex'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 433, name: 'fspick', args: ['dirfd', 'path', 'hex'], ret: 'fd', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 434, name: 'pidfd_open', args: ['int', 'hex'], ret: 'fd', cls: 'never' },
  { nr: 435, name: 'clone3', args: ['ptr', 'uint'], ret: 'int', cls: 'process' },
  { nr: 436, name: 'close_range', args: ['fd', 'uint', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 437, name: 'openat2', args: ['dirfd', 'path', 'ptr', 'uint'], ret: 'fd', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 438, name: 'pidfd_getfd', args: ['fd', 'int', 'hex'], ret: 'fd', cls: 'fd', fdArg: 0 },
  { nr: 439, name: 'faccessat2', args: ['dirfd', 'path', 'hex', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 440, name: 'process_madvise', args: ['fd', 'ptr', 'uint', 'int', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 441, name: 'epoll_pwait2', args: ['fd', 'ptr', 'int', 'ptr', 'ptr', 'uint'], ret: 'int', cls: 'never' }, // real epfd: waits natively
  { nr: 442, name: 'mount_setattr', args: ['dirfd', 'path', 'at_flags', 'ptr', 'uint'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 443, name: 'quotactl_fd', args: ['fd', 'hex', 'int', 'ptr'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 444, name: 'landlock_create_ruleset', args: ['ptr', 'uint', 'hex'], ret: 'fd', cls: 'never' },
  { nr: 445, name: 'landlock_add_rule', args: ['fd', 'int', 'ptr', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 446, name: 'landlock_restrict_self', args: ['fd', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 447, name: 'memfd_secret', args: ['hex'], ret: 'fd', cls: 'never' },
  { nr: 448, name: 'process_mrelease', args: ['fd', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 449, name: 'futex_waitv', args: ['ptr', 'uint', 'hex', 'ptr', 'int'], ret: 'int', cls: 'never' },
  { nr: 450, name: 'set_mempolicy_home_node', args: ['ptr', 'uint', 'int', 'hex'], ret: 'int', cls: 'never' },
  // Newer kernels (6.5 and later).
  { nr: 451, name: 'cachestat', args: ['fd', 'ptr', 'ptr', 'hex'], ret: 'int', cls: 'fd', fdArg: 0 },
  { nr: 452, name: 'fchmodat2', args: ['dirfd', 'path', 'mode', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 453, name: 'map_shadow_stack', args: ['ptr', 'uint', 'hex'], ret: 'hex', cls: 'never' },
  { nr: 454, name: 'futex_wake', args: ['ptr', 'hex', 'int', 'hex'], ret: 'int', cls: 'never' },
  { nr: 455, name: 'futex_wait', args: ['ptr', 'uint', 'hex', 'hex', 'ptr', 'int'], ret: 'int', cls: 'never' },
  { nr: 456, name: 'futex_requeue', args: ['ptr', 'hex', 'int', 'int'], ret: 'int', cls: 'never' },
  { nr: 457, name: 'statmount', args: ['ptr', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 458, name: 'listmount', args: ['ptr', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 459, name: 'lsm_get_self_attr', args: ['uint', 'ptr', 'ptr', 'hex'], ret: 'int', cls: 'never' },
  { nr: 460, name: 'lsm_set_self_attr', args: ['uint', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 461, name: 'lsm_list_modules', args: ['ptr', 'ptr', 'hex'], ret: 'int', cls: 'never' },
  { nr: 462, name: 'mseal', args: ['ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
  { nr: 463, name: 'setxattrat', args: ['dirfd', 'path', 'at_flags', 'str', 'ptr', 'uint'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 464, name: 'getxattrat', args: ['dirfd', 'path', 'at_flags', 'str', 'ptr', 'uint'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 465, name: 'listxattrat', args: ['dirfd', 'path', 'at_flags', 'buf_out', 'uint'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 466, name: 'removexattrat', args: ['dirfd', 'path', 'at_flags', 'str'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 467, name: 'open_tree_attr', args: ['dirfd', 'path', 'hex', 'ptr', 'uint'], ret: 'fd', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 468, name: 'file_getattr', args: ['dirfd', 'path', 'ptr', 'uint', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 469, name: 'file_setattr', args: ['dirfd', 'path', 'ptr', 'uint', 'at_flags'], ret: 'int', cls: 'at', fdArg: 0, pathArg: 1 },
  { nr: 470, name: 'listns', args: ['ptr', 'ptr', 'uint', 'hex'], ret: 'int', cls: 'never' },
];

/** The table keyed by name. */
export const SYSCALL_BY_NAME: ReadonlyMap<string, SyscallInfo> = new Map(
  SYSCALLS_X86_64.map((s): [string, SyscallInfo] => [s.name, s]),
);

/** The table indexed by number; holes are undefined. */
export const SYSCALL_BY_NR: ReadonlyArray<SyscallInfo | undefined> = (() => {
  const last = SYSCALLS_X86_64[SYSCALLS_X86_64.length - 1];
  const byNr: (SyscallInfo | undefined)[] = new Array(last ? last.nr + 1 : 0).fill(undefined);
  for (const s of SYSCALLS_X86_64) byNr[s.nr] = s;
  return byNr;
})();

/** The name of system call `nr`, or `syscall_<nr>` when it is not in the table. */
export function syscallName(nr: number): string {
  return SYSCALL_BY_NR[nr]?.name ?? `syscall_${nr}`;
}
