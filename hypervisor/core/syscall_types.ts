// Types of the x86_64 system call table (the data is in syscalls_x86_64.ts).
// The table drives three things: the seccomp filter (which calls may ever
// touch something virtual), the C fast path (which argument decides), and
// the --trace decoder (how each argument is printed).

/** How one argument is decoded for --trace and for dispatch. */
export type ArgKind =
  | 'int'        // signed integer, printed in decimal
  | 'uint'       // unsigned integer / size, decimal
  | 'hex'        // flags or masks without a known decoder, printed 0x…
  | 'ptr'        // an opaque guest pointer, printed 0x… (NULL for 0)
  | 'fd'         // a file descriptor
  | 'dirfd'      // a directory fd of an *at call (AT_FDCWD printed by name)
  | 'path'       // NUL-terminated path string in guest memory
  | 'str'        // other NUL-terminated string (e.g. xattr name)
  | 'buf_in'     // bytes the guest passes in; their length is the next argument
  | 'buf_out'    // bytes the kernel fills; their length is the call's result
  | 'open_flags' // O_* flags
  | 'mode'       // permission bits, printed in octal
  | 'at_flags'   // AT_* flags
  | 'signal'     // a signal number
  | 'sockaddr'   // struct sockaddr *, its length is the next argument
  | 'argv'       // char *const argv[]
  | 'envp'       // char *const envp[] (printed as a count, like strace)
  | 'clone_flags'
  | 'whence';    // SEEK_*

/** What may make a call virtual: the C fast path and the filter use this. */
export type SyscallClass =
  | 'never'   // never touches a virtual resource: seccomp ALLOWs it
  | 'fd'      // decided by the fd in argument `fdArg`
  | 'path'    // decided by the path in argument `pathArg` (relative to cwd)
  | 'at'      // decided by dirfd `fdArg` + path `pathArg`
  | 'socket'  // socket()/socketpair(): decided by the process's stack
  | 'process' // fork/clone/exec/exit: followed through ptrace events
  | 'cwd'     // changes the cwd or root (chdir, fchdir, chroot)
  | 'mgmt';   // mount/umount2 and vu's own management call

export interface SyscallInfo {
  nr: number;
  name: string;
  args: ArgKind[];
  /** How the result is printed: 'int' (errno on negative), 'fd', 'hex' (addresses), 'none'. */
  ret: 'int' | 'fd' | 'hex' | 'none';
  cls: SyscallClass;
  /** Index of the fd or dirfd argument that decides (classes fd, at). */
  fdArg?: number;
  /** Index of the path argument that decides (classes path, at). */
  pathArg?: number;
  /** A second path (rename, link, symlink target …), also checked. */
  path2Arg?: number;
  /** The dirfd of the second path (renameat, linkat). */
  fd2Arg?: number;
}
