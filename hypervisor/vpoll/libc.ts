// The libc calls the core makes itself on vpoll sockets, through koffi:
// copying the helper's fds (pidfd_open, pidfd_getfd) and setting their
// readiness (send, recv, shutdown). Synchronous on purpose: an event is
// then in the guest's socket before the module's call returns.
import { createRequire } from 'node:module';

export interface VpollLibc {
  pidfdOpen(pid: number, flags: number): number;
  /** The new fd has FD_CLOEXEC set (the kernel does it). */
  pidfdGetfd(pidfd: number, fd: number, flags: number): number;
  send(fd: number, buf: Buffer, len: number, flags: number): number;
  recv(fd: number, buf: Buffer, len: number, flags: number): number;
  shutdown(fd: number, how: number): number;
  close(fd: number): number;
}

export const MSG_DONTWAIT = 0x40;
export const MSG_NOSIGNAL = 0x4000;
export const SHUT_WR = 1;
export const SHUT_RDWR = 2;

let lib: VpollLibc | null | undefined;
let koffi: typeof import('koffi') | undefined;

/** The bindings, or undefined when libc or koffi cannot provide them. */
export function vpollLibc(): VpollLibc | undefined {
  if (lib === undefined) {
    try {
      // Loaded on first use, not at import: koffi takes ~10 ms to load,
      // which a run without devices should not pay.
      koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
      const c = koffi.load('libc.so.6');
      lib = {
        pidfdOpen: c.func('int pidfd_open(int pid, unsigned int flags)'),
        pidfdGetfd: c.func('int pidfd_getfd(int pidfd, int targetfd, unsigned int flags)'),
        send: c.func('long send(int fd, const void *buf, unsigned long len, int flags)'),
        recv: c.func('long recv(int fd, void *buf, unsigned long len, int flags)'),
        shutdown: c.func('int shutdown(int fd, int how)'),
        close: c.func('int close(int fd)'),
      };
    } catch {
      lib = null; // e.g. a libc older than 2.36 has no pidfd_getfd
    }
  }
  return lib ?? undefined;
}

/** errno of the last call through these bindings. */
export function lastErrno(): number { return koffi?.errno() ?? 0; }
