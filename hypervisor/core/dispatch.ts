// The dispatcher: for a call the helper stopped, decide whether it is real
// (the kernel runs it) or virtual (a module serves it), by fd and by path,
// and serve the virtual ones. Every virtual fd the guest holds is a real
// kernel fd (a vpoll socket) at the number the kernel gave it, so the
// kernel keeps fd numbering, fork inheritance and O_CLOEXEC for us; the
// core follows along in its fd tables.
import type { IoctlArg } from '../module_api.js';
import { DeviceFile, O_CLOEXEC, O_NONBLOCK, SETFL_MASK, O_LARGEFILE } from './device_file.js';
import { ERR, errno } from './errno.js';
import type { GuestMemory } from './memory.js';
import type { DeviceMount, MountTable, VirtualNode } from './mounts.js';
import type { GuestProcess, ProcessTable } from './processes.js';
import { encodeFdBits, encodeVpoll, VPOLL_CLOSE } from './protocol.js';
import { AT_FDCWD, resolvePath } from './resolve.js';
import { encodeStat, encodeStatx, S_IFBLK, S_IFCHR, type StatInfo } from './stat_struct.js';
import type { SyscallEvent } from './protocol.js';
import { gather, readIovecs, scatter, type Iovec } from './iovec.js';
import { SocketCalls } from './socket_calls.js';
import { SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_TYPE_MASK, SocketFile } from './socket_file.js';
import type { VirtualFile } from './fd_table.js';
import type { SyscallInfo } from './syscall_types.js';
import { AUDIT_ARCH_X86_64, SYSCALL_BY_NR, X32_SYSCALL_BIT } from './syscalls_x86_64.js';
import { VU_MGMT_NR } from './filter.js';
import { EPOLLIN, EPOLLOUT, Vpoll } from '../vpoll/vpoll.js';
import fs from 'node:fs';
import path from 'node:path';

export type Decision =
  | { kind: 'real'; exit?: (ret: bigint) => bigint | undefined }
  | { kind: 'netns'; path: string; by: string }
  /** The thread waits natively on its fd for events (at most timeoutMs, then EAGAIN), then calls again. */
  | { kind: 'wait'; fd: number; events: number; by: string; timeoutMs?: number }
  | { kind: 'skip'; value: bigint; by: string }
  | { kind: 'install'; file: VirtualFile & { vpollId: number }; cloexec: boolean; mask: number; by: string; exit: (ret: bigint) => void };

export interface DispatchHost {
  processes: ProcessTable;
  memory: GuestMemory;
  mounts: MountTable;
  /** Sends a frame to the tracer helper (ordered before the call's reply). */
  send(frame: Buffer): void;
  log(message: string): void;
}

const REAL: Decision = { kind: 'real' };

const O_CREAT = 0o100;
const O_EXCL = 0o200;
const O_DIRECTORY = 0o200000;
const O_NOFOLLOW = 0o400000;
const AT_SYMLINK_NOFOLLOW = 0x100;
const AT_EMPTY_PATH = 0x1000;
const CLOSE_RANGE_UNSHARE = 2;
const CLOSE_RANGE_CLOEXEC = 4;
const FIONCLEX = 0x5450;
const FIOCLEX = 0x5451;
const FIONBIO = 0x5421;
const FIOASYNC = 0x5452;

/** The most one read or write on a device moves (the kernel caps at ~2 GiB; a short count is allowed). */
const MAX_TRANSFER = 1 << 26;

const fdArg = (args: bigint[], i: number) => Number(BigInt.asIntN(32, args[i]));
const i64 = (v: bigint) => BigInt.asIntN(64, v);

/** The socket calls: on a device fd the kernel says ENOTSOCK. */
const SOCKET_CALLS = new Set(['bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername', 'sendto',
  'recvfrom', 'sendmsg', 'recvmsg', 'sendmmsg', 'recvmmsg', 'shutdown', 'setsockopt', 'getsockopt']);

/** Where each *at / path call keeps its flags, and whether it follows a final symlink. */
function followsLast(name: string, args: bigint[]): boolean {
  switch (name) {
    case 'lstat': case 'lchown': case 'lgetxattr': case 'lsetxattr': case 'llistxattr': case 'lremovexattr':
    case 'readlink': case 'readlinkat': case 'unlink': case 'unlinkat': case 'rmdir': case 'rename': case 'renameat':
    case 'renameat2': case 'mkdir': case 'mkdirat': case 'mknod': case 'mknodat': case 'symlink': case 'symlinkat':
    case 'link':
      return false;
    case 'newfstatat': return !(Number(args[3]) & AT_SYMLINK_NOFOLLOW);
    case 'statx': return !(Number(args[2]) & AT_SYMLINK_NOFOLLOW);
    case 'fchownat': return !(Number(args[4]) & AT_SYMLINK_NOFOLLOW);
    case 'utimensat': return !(Number(args[3]) & AT_SYMLINK_NOFOLLOW);
    case 'faccessat2': return !(Number(args[3]) & AT_SYMLINK_NOFOLLOW);
    case 'open': return !(Number(args[1]) & O_NOFOLLOW);
    case 'openat': return !(Number(args[2]) & O_NOFOLLOW);
    default: return true;
  }
}

function emptyPathFlag(name: string, args: bigint[]): boolean {
  switch (name) {
    case 'newfstatat': return !!(Number(args[3]) & AT_EMPTY_PATH);
    case 'statx': return !!(Number(args[2]) & AT_EMPTY_PATH);
    case 'fchownat': return !!(Number(args[4]) & AT_EMPTY_PATH);
    case 'faccessat2': return !!(Number(args[3]) & AT_EMPTY_PATH);
    default: return false;
  }
}

export class Dispatcher {
  private nextVpoll = 1;
  private sockets: SocketCalls;

  constructor(private host: DispatchHost) {
    this.sockets = new SocketCalls({
      memory: host.memory,
      newEvents: (initial) => this.newEvents(initial),
      release: (f) => this.releaseSocket(f),
      setVirtual: (proc, fd, f, cloexec) => proc.fds.set(fd, f, cloexec), // the helper set its own bit at install
      resend: (f) => this.host.send(encodeVpoll(f.vpollId, f.events.mask)),
    });
  }

  private newEvents(initial: number): Vpoll {
    return new Vpoll(this.nextVpoll++, initial, (frame) => this.host.send(frame));
  }

  entry(ev: SyscallEvent): Decision | Promise<Decision> {
    if (ev.nr === VU_MGMT_NR && ev.arch === AUDIT_ARCH_X86_64) return this.management(ev);
    const info = SYSCALL_BY_NR[ev.nr];
    if (ev.arch !== AUDIT_ARCH_X86_64 || (ev.nr & X32_SYSCALL_BIT)) {
      // vu serves the x86_64 ABI only: while anything is mounted, calls of
      // another ABI (i386 int 0x80, x32) would go around the modules.
      return this.host.mounts.size ? { kind: 'skip', value: errno('ENOSYS'), by: 'vu (foreign ABI)' } : REAL;
    }
    if (!info || info.cls === 'never') return REAL;
    const proc = this.host.processes.process(ev.tid);
    if (!proc) return REAL;
    switch (info.cls) {
      case 'fd': return this.fdCall(info, ev, proc);
      case 'path': case 'at': case 'process': return this.pathCall(info, ev, proc);
      case 'cwd':
        if (info.name === 'fchdir') return proc.fds.get(fdArg(ev.args, 0)) ? this.skip(errno('ENOTDIR'), proc, fdArg(ev.args, 0)) : REAL;
        return info.pathArg !== undefined ? this.pathCall(info, ev, proc) : REAL;
      case 'socket': return info.name === 'socket' ? this.socket(ev, proc) : REAL;
      default: return REAL;
    }
  }

  /**
   * vu's management call (hypervisor/tools/): VU_MGMT_STACK (1) with a path
   * chooses the network stack of the calling process and its future
   * children ("" = the host's network). Other operations get ENOSYS, as
   * outside vu.
   */
  private management(ev: SyscallEvent): Decision {
    const proc = this.host.processes.process(ev.tid);
    const by = 'vu (management)';
    if (!proc || ev.args[0] !== 1n) return { kind: 'skip', value: errno('ENOSYS'), by };
    const target = this.host.memory.readString(proc.tgid, ev.args[1]);
    if (target === undefined) return { kind: 'skip', value: errno('EFAULT'), by };
    if (target === '') {
      proc.stack = undefined;
      return { kind: 'skip', value: 0n, by };
    }
    const m = this.host.mounts.get(path.posix.normalize(target));
    if (!m || m.kind !== 'vunet') return { kind: 'skip', value: errno('ENOENT'), by };
    proc.stack = m;
    return { kind: 'skip', value: 0n, by };
  }

  /** socket(): the process's stack makes it, for the families it serves. */
  private async socket(ev: SyscallEvent, proc: GuestProcess): Promise<Decision> {
    const stack = proc.stack;
    const domain = Number(ev.args[0] & 0xffffffffn);
    if (!stack || domain === 1 /* AF_UNIX stays real */) return REAL;
    if (!stack.stack.supported_domain(domain)) return { kind: 'skip', value: errno('EAFNOSUPPORT'), by: stack.label };
    const type = Number(ev.args[1] & 0xffffffffn);
    const protocol = Number(ev.args[2] & 0xffffffffn);
    if (type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC)) return { kind: 'skip', value: errno('EINVAL'), by: stack.label };
    const events = this.newEvents(0);
    const r = await stack.stack.socket(domain, type, protocol, { pid: proc.tgid, tid: ev.tid }, events);
    if (typeof r === 'number') return { kind: 'skip', value: BigInt(r < 0 ? r : -ERR.EIO), by: stack.label };
    if (r.kind === 'kernel') return REAL;
    if (r.kind === 'netns') return { kind: 'netns', path: r.path, by: stack.label };
    const file = new SocketFile(stack.label, r.socket, domain, type & SOCK_TYPE_MASK, protocol, events, !!(type & SOCK_NONBLOCK), (f) => this.releaseSocket(f));
    const cloexec = !!(type & SOCK_CLOEXEC);
    return {
      kind: 'install', file, cloexec, mask: events.mask, by: stack.label,
      exit: (ret) => {
        if (ret < 0n) { this.releaseSocket(file); return; }
        proc.fds.set(Number(ret), file, cloexec);
        this.host.send(encodeVpoll(file.vpollId, file.events.mask));
      },
    };
  }

  private releaseSocket(f: SocketFile): void {
    this.host.send(encodeVpoll(f.vpollId, VPOLL_CLOSE));
    Promise.resolve()
      .then(() => f.socket.close())
      .catch((e: unknown) => this.host.log(`${f.module}: close failed: ${(e as Error).message}`));
  }

  private skip(value: bigint, proc: GuestProcess, fd?: number, node?: VirtualNode): Decision {
    const by = node?.mount.label ?? (fd !== undefined ? proc.fds.get(fd)?.file.module : undefined) ?? 'vu';
    return { kind: 'skip', value, by };
  }

  // ------------------------------------------------------------ fd table

  private setVirtual(proc: GuestProcess, tid: number, fd: number, file: VirtualFile, cloexec: boolean): void {
    proc.fds.set(fd, file, cloexec);
    this.host.send(encodeFdBits(tid, fd, true));
  }

  private dropFd(proc: GuestProcess, tid: number, fd: number): void {
    if (proc.fds.close(fd)) this.host.send(encodeFdBits(tid, fd, false));
  }

  /** After execve: the kernel closed the O_CLOEXEC fds; forget them too. */
  afterExec(proc: GuestProcess, closed: number[]): void {
    for (const fd of closed) this.host.send(encodeFdBits(proc.tgid, fd, false));
  }

  private releaseFile(f: DeviceFile): void {
    this.host.send(encodeVpoll(f.vpollId, VPOLL_CLOSE));
    const close = f.device.close;
    if (!close) return;
    Promise.resolve()
      .then(() => close.call(f.device, f.handle))
      .catch((e: unknown) => this.host.log(`${f.module}: close failed: ${(e as Error).message}`));
  }

  // ------------------------------------------------------------ fd calls

  private fdCall(info: SyscallInfo, ev: SyscallEvent, proc: GuestProcess): Decision | Promise<Decision> {
    const name = info.name;
    const args = ev.args;
    if (name === 'close_range') return this.closeRange(ev, proc);
    const fd = fdArg(args, info.fdArg ?? 0);
    const entry = proc.fds.get(fd);
    if (name === 'dup2' || name === 'dup3') {
      const f = entry?.file;
      const newfd = fdArg(args, 1);
      const cloexec = name === 'dup3' && !!(Number(args[2]) & O_CLOEXEC);
      if (!f && !proc.fds.get(newfd)) return REAL;
      return {
        kind: 'real',
        exit: (ret) => {
          if (ret < 0n || fd === newfd) return undefined;
          this.dropFd(proc, ev.tid, newfd);
          if (f) this.setVirtual(proc, ev.tid, newfd, f, cloexec);
          return undefined;
        },
      };
    }
    if (entry?.file instanceof SocketFile) return this.socketFdCall(name, entry.file, fd, proc, ev);
    const f = entry?.file as DeviceFile | undefined;
    if (info.fd2Arg !== undefined && proc.fds.get(fdArg(args, info.fd2Arg)) && !f) {
      // sendfile/splice/copy_file_range with a virtual source: tools fall back to read/write.
      return this.skip(errno('EINVAL'), proc, fdArg(args, info.fd2Arg));
    }
    if (!f) return REAL;
    const skip = (v: bigint) => this.skip(v, proc, fd);
    const mem = this.host.memory;
    const tgid = proc.tgid;

    if (SOCKET_CALLS.has(name)) return skip(errno('ENOTSOCK'));
    switch (name) {
      case 'read': case 'pread64': {
        const at = name === 'pread64' ? i64(args[3]) : undefined;
        if (at !== undefined && at < 0n) return skip(errno('EINVAL'));
        return this.readInto(f, fd, proc, [{ base: args[1], len: Number(args[2]) }], at);
      }
      case 'readv': case 'preadv': case 'preadv2': {
        const iov = readIovecs(this.host.memory, tgid, args[1], Number(args[2]));
        if (typeof iov === 'bigint') return skip(iov);
        let at = name === 'readv' ? undefined : i64(args[3]);
        if (name === 'preadv2' && at === -1n) at = undefined;
        return this.readInto(f, fd, proc, iov, at);
      }
      case 'write': case 'pwrite64': {
        const at = name === 'pwrite64' ? i64(args[3]) : undefined;
        if (at !== undefined && at < 0n) return skip(errno('EINVAL'));
        return this.writeFrom(f, fd, proc, [{ base: args[1], len: Number(args[2]) }], at);
      }
      case 'writev': case 'pwritev': case 'pwritev2': {
        const iov = readIovecs(this.host.memory, tgid, args[1], Number(args[2]));
        if (typeof iov === 'bigint') return skip(iov);
        let at = name === 'writev' ? undefined : i64(args[3]);
        if (name === 'pwritev2' && at === -1n) at = undefined;
        return this.writeFrom(f, fd, proc, iov, at);
      }
      case 'lseek': {
        const r = f.lseek(i64(args[1]), Number(args[2]));
        return skip(typeof r === 'number' ? BigInt(r) : r);
      }
      case 'ioctl': return this.ioctl(f, fd, proc, ev);
      case 'fcntl': return this.fcntl(f, fd, proc, ev);
      case 'close':
        this.dropFd(proc, ev.tid, fd);
        return REAL; // the kernel closes the guest's vpoll socket
      case 'dup':
        return { kind: 'real', exit: (ret) => { if (ret >= 0n) this.setVirtual(proc, ev.tid, Number(ret), f, false); return undefined; } };
      case 'fstat': {
        const ok = mem.write(tgid, args[1], encodeStat(this.statOf(f.mount, f.sub)));
        return skip(ok ? 0n : errno('EFAULT'));
      }
      case 'fsync': case 'fdatasync': case 'syncfs':
        return f.fsync().then((r) => skip(BigInt(r)));
      case 'ftruncate': return skip(errno('EINVAL'));
      case 'fadvise64': case 'flock': case 'fchmod': case 'fchown': case 'sync_file_range': return skip(0n);
      case 'fallocate': return skip(errno('EOPNOTSUPP'));
      case 'mmap': return skip(errno('ENODEV'));
      case 'getdents': case 'getdents64': return skip(errno('ENOTDIR'));
      case 'fgetxattr': return skip(errno('ENODATA'));
      case 'flistxattr': return skip(0n);
      case 'fsetxattr': case 'fremovexattr': return skip(errno('EOPNOTSUPP'));
      case 'epoll_ctl': case 'fstatfs': return REAL; // the vpoll socket answers natively
      default: return skip(errno('EINVAL'));
    }
  }

  /** A call on a user-level stack's socket: the fd-level ones here, the socket ones in SocketCalls. */
  private socketFdCall(name: string, f: SocketFile, fd: number, proc: GuestProcess, ev: SyscallEvent): Decision | Promise<Decision> {
    switch (name) {
      case 'close':
        this.dropFd(proc, ev.tid, fd);
        return REAL;
      case 'dup':
        return { kind: 'real', exit: (ret) => { if (ret >= 0n) this.setVirtual(proc, ev.tid, Number(ret), f, false); return undefined; } };
      case 'ioctl': return this.ioctl(f, fd, proc, ev);
      case 'fcntl': return this.fcntl(f, fd, proc, ev);
      case 'fstat': case 'epoll_ctl': case 'fstatfs': case 'fchmod': case 'fchown': case 'flock': case 'fadvise64':
        return REAL; // the vpoll socket answers as a socket would
      default: return this.sockets.call(name, f, fd, proc, ev);
    }
  }

  private async readInto(f: DeviceFile, fd: number, proc: GuestProcess, iov: Iovec[], at?: bigint): Promise<Decision> {
    const total = iov.reduce((n, v) => n + v.len, 0);
    const r = await f.read(Math.min(total, MAX_TRANSFER), at);
    if (r === -ERR.EAGAIN && !(f.flags & O_NONBLOCK)) return { kind: 'wait', fd, events: EPOLLIN, by: f.module };
    if (typeof r === 'number') return this.skip(BigInt(r), proc, fd);
    return this.skip(scatter(this.host.memory, proc.tgid, iov, r), proc, fd);
  }

  private async writeFrom(f: DeviceFile, fd: number, proc: GuestProcess, iov: Iovec[], at?: bigint): Promise<Decision> {
    const data = gather(this.host.memory, proc.tgid, iov, MAX_TRANSFER);
    if (typeof data === 'bigint') return this.skip(data, proc, fd);
    const r = await f.write(data, at);
    if (r === -ERR.EAGAIN && !(f.flags & O_NONBLOCK)) return { kind: 'wait', fd, events: EPOLLOUT, by: f.module };
    return this.skip(BigInt(r), proc, fd);
  }

  private ioctlArg(tgid: number, value: bigint): IoctlArg {
    const mem = this.host.memory;
    return {
      value,
      read: (len) => { const b = mem.read(tgid, value, len); return b && b.length === len ? b : undefined; },
      write: (data) => mem.write(tgid, value, data),
    };
  }

  private async ioctl(f: DeviceFile | SocketFile, fd: number, proc: GuestProcess, ev: SyscallEvent): Promise<Decision> {
    const req = Number(ev.args[1] & 0xffffffffn);
    switch (req) {
      case FIOCLEX: case FIONCLEX: {
        const e = proc.fds.get(fd);
        if (e) e.cloexec = req === FIOCLEX;
        return REAL; // the kernel sets the guest fd's own flag
      }
      case FIONBIO: {
        const v = this.host.memory.read(proc.tgid, ev.args[2], 4);
        if (!v) return this.skip(errno('EFAULT'), proc, fd);
        f.flags = v.readInt32LE(0) ? f.flags | O_NONBLOCK : f.flags & ~O_NONBLOCK;
        return this.skip(0n, proc, fd);
      }
      case FIOASYNC: return this.skip(0n, proc, fd);
    }
    const arg = this.ioctlArg(proc.tgid, ev.args[2]);
    const r = f instanceof SocketFile ? await (f.socket.ioctl?.(req, arg) ?? -ERR.ENOTTY) : await f.ioctl(req, arg);
    return this.skip(BigInt(r), proc, fd);
  }

  private fcntl(f: DeviceFile | SocketFile, fd: number, proc: GuestProcess, ev: SyscallEvent): Decision {
    const cmd = Number(ev.args[1]);
    const arg = ev.args[2];
    switch (cmd) {
      case 0: case 1030: // F_DUPFD, F_DUPFD_CLOEXEC
        return { kind: 'real', exit: (ret) => { if (ret >= 0n) this.setVirtual(proc, ev.tid, Number(ret), f, cmd === 1030); return undefined; } };
      case 1: return REAL; // F_GETFD: the kernel's flag is the truth
      case 2: { // F_SETFD
        const e = proc.fds.get(fd);
        if (e) e.cloexec = !!(Number(arg) & 1);
        return REAL;
      }
      case 3: return this.skip(BigInt(f instanceof SocketFile ? f.flags : f.flags | O_LARGEFILE), proc, fd); // F_GETFL
      case 4: // F_SETFL
        f.flags = (f.flags & ~SETFL_MASK) | (Number(arg) & SETFL_MASK);
        return this.skip(0n, proc, fd);
      case 5: { // F_GETLK: nothing else holds a lock
        const lk = this.host.memory.read(proc.tgid, arg, 2);
        if (!lk) return this.skip(errno('EFAULT'), proc, fd);
        const unlck = Buffer.alloc(2);
        unlck.writeInt16LE(2, 0); // F_UNLCK
        return this.skip(this.host.memory.write(proc.tgid, arg, unlck) ? 0n : errno('EFAULT'), proc, fd);
      }
      case 6: case 7: case 37: case 38: return this.skip(0n, proc, fd); // F_SETLK(W), F_OFD_SETLK(W)
      case 36: return this.skip(0n, proc, fd); // F_OFD_GETLK
      default: return this.skip(errno('EINVAL'), proc, fd);
    }
  }

  private closeRange(ev: SyscallEvent, proc: GuestProcess): Decision {
    const first = Number(ev.args[0] & 0xffffffffn);
    const last = Number(ev.args[1] & 0xffffffffn);
    const flags = Number(ev.args[2]);
    const inRange = proc.fds.fds().filter((fd) => fd >= first && fd <= last);
    if (!inRange.length || flags & CLOSE_RANGE_UNSHARE) return REAL;
    return {
      kind: 'real',
      exit: (ret) => {
        if (ret < 0n) return undefined;
        for (const fd of inRange) {
          if (flags & CLOSE_RANGE_CLOEXEC) { const e = proc.fds.get(fd); if (e) e.cloexec = true; }
          else this.dropFd(proc, ev.tid, fd);
        }
        return undefined;
      },
    };
  }

  // ------------------------------------------------------------ path calls

  private dirPath = (tid: number, dirfd: number): string | undefined => {
    if (dirfd === AT_FDCWD) return this.host.processes.cwd(tid);
    const p = this.host.processes.process(tid);
    if (p?.fds.get(dirfd)) return undefined; // a device is no directory: the caller reports ENOTDIR
    try { return fs.readlinkSync(`/proc/${tid}/fd/${dirfd}`); } catch { return undefined; }
  };

  private get resolveCtx() {
    return {
      mounts: this.host.mounts,
      dirPath: this.dirPath,
      tgidOf: (tid: number) => this.host.processes.process(tid)?.tgid ?? tid,
      virtualFd: (pid: number, fd: number): VirtualNode | undefined => {
        const f = this.host.processes.process(pid)?.fds.get(fd)?.file;
        return f instanceof DeviceFile ? { mount: f.mount, sub: f.sub, path: `/proc/${pid}/fd/${fd}` } : undefined;
      },
    };
  }

  private pathCall(info: SyscallInfo, ev: SyscallEvent, proc: GuestProcess): Decision | Promise<Decision> {
    const name = info.name;
    const args = ev.args;
    const check = (dirfd: number, pathIdx: number | undefined): Decision | VirtualNode | undefined => {
      if (pathIdx === undefined) return undefined;
      const p = this.host.memory.readString(proc.tgid, args[pathIdx]);
      if (p === undefined) return undefined; // the kernel reports EFAULT
      if (p === '' && emptyPathFlag(name, args)) {
        const f = proc.fds.get(dirfd)?.file;
        return f instanceof DeviceFile ? { mount: f.mount, sub: f.sub, path: '' } : undefined;
      }
      if (!p.startsWith('/') && dirfd !== AT_FDCWD && proc.fds.get(dirfd)) return this.skip(errno('ENOTDIR'), proc, dirfd);
      const r = resolvePath(this.resolveCtx, ev.tid, dirfd, p, followsLast(name, args));
      if (r.kind === 'virtual') return r.node;
      if (r.kind === 'error') return this.skip(errno(r.errno as 'ENOTDIR'), proc);
      return undefined;
    };
    const dirfd = info.cls === 'at' || name === 'execveat' ? fdArg(args, info.fdArg ?? 0) : AT_FDCWD;
    const first = check(dirfd, info.pathArg);
    if (first && 'kind' in first) return first;
    // symlink's target (path2 of symlink/symlinkat) is only a string.
    const second = name === 'symlink' || name === 'symlinkat' ? undefined
      : check(info.fd2Arg !== undefined && info.cls === 'at' ? fdArg(args, info.fd2Arg) : AT_FDCWD, info.path2Arg);
    if (second && 'kind' in second) return second;
    const node = first ?? second;
    if (!node) return REAL;
    return this.onNode(name, node, first === undefined, ev, proc);
  }

  /** A path call that lands on a device (isSecond: via its second path). */
  private onNode(name: string, node: VirtualNode, isSecond: boolean, ev: SyscallEvent, proc: GuestProcess): Decision | Promise<Decision> {
    const args = ev.args;
    const skip = (v: bigint) => this.skip(v, proc, undefined, node);
    const mem = this.host.memory;
    if (isSecond) {
      // rename/link/symlink onto a device path
      return skip(name.startsWith('rename') ? errno('EBUSY') : errno('EEXIST'));
    }
    switch (name) {
      case 'open': return this.open(node, Number(args[1]), ev, proc);
      case 'openat': return this.open(node, Number(args[2]), ev, proc);
      case 'creat': return this.open(node, O_CREAT | 1 | 0o1000, ev, proc);
      case 'openat2': {
        const how = mem.read(proc.tgid, args[2], 8);
        if (!how) return skip(errno('EFAULT'));
        return this.open(node, Number(how.readBigUInt64LE(0) & 0xffffffffn), ev, proc);
      }
      case 'stat': case 'lstat': case 'newfstatat': {
        const buf = name === 'newfstatat' ? args[2] : args[1];
        return skip(mem.write(proc.tgid, buf, encodeStat(this.statOf(node.mount, node.sub))) ? 0n : errno('EFAULT'));
      }
      case 'statx':
        return skip(mem.write(proc.tgid, args[4], encodeStatx(this.statOf(node.mount, node.sub))) ? 0n : errno('EFAULT'));
      case 'access': return skip(this.access(node, Number(args[1]), ev.tid));
      case 'faccessat': case 'faccessat2': return skip(this.access(node, Number(args[2]), ev.tid));
      case 'readlink': case 'readlinkat': return skip(errno('EINVAL'));
      case 'chdir': case 'chroot': return skip(errno('ENOTDIR'));
      case 'execve': case 'execveat': return skip(errno('EACCES'));
      case 'truncate': return skip(errno('EINVAL'));
      case 'chmod': case 'fchmodat': case 'fchmodat2': case 'chown': case 'lchown': case 'fchownat':
      case 'utime': case 'utimes': case 'utimensat': case 'futimesat':
        return skip(0n);
      case 'unlink': case 'unlinkat': case 'rmdir': case 'rename': case 'renameat': case 'renameat2':
      case 'link': case 'linkat': case 'umount2': case 'mount':
        return skip(errno('EBUSY'));
      case 'mkdir': case 'mkdirat': case 'mknod': case 'mknodat': case 'symlink': case 'symlinkat':
        return skip(errno('EEXIST'));
      case 'getxattr': case 'lgetxattr': return skip(errno('ENODATA'));
      case 'listxattr': case 'llistxattr': return skip(0n);
      case 'setxattr': case 'lsetxattr': case 'removexattr': case 'lremovexattr': return skip(errno('EOPNOTSUPP'));
      default: return skip(errno('EPERM'));
    }
  }

  private async open(node: VirtualNode, flags: number, ev: SyscallEvent, proc: GuestProcess): Promise<Decision> {
    const skip = (v: bigint) => this.skip(v, proc, undefined, node);
    if ((flags & (O_CREAT | O_EXCL)) === (O_CREAT | O_EXCL)) return skip(errno('EEXIST'));
    if (flags & O_DIRECTORY) return skip(errno('ENOTDIR'));
    const device = node.mount.device;
    const events = this.newEvents(EPOLLIN | EPOLLOUT);
    const h = await device.open(node.sub, flags, { pid: proc.tgid, tid: ev.tid }, events);
    if (typeof h === 'number') return skip(BigInt(h < 0 ? h : -ERR.EIO));
    const file = new DeviceFile(node.mount, node.sub, h, flags & ~O_CLOEXEC & ~O_CREAT & ~O_EXCL & ~0o1000, events, (f) => this.releaseFile(f));
    const cloexec = !!(flags & O_CLOEXEC);
    return {
      kind: 'install', file, cloexec, mask: events.mask, by: node.mount.label,
      exit: (ret) => {
        if (ret >= 0n) {
          proc.fds.set(Number(ret), file, cloexec); // the helper set its own bit
          // The module may have changed the events while the helper was
          // making the fd: the helper knows the object only from now on.
          this.host.send(encodeVpoll(file.vpollId, file.events.mask));
        } else {
          this.releaseFile(file);
        }
      },
    };
  }

  private access(node: VirtualNode, mode: number, tid: number): bigint {
    if (mode === 0) return 0n;
    if (mode & 1) return errno('EACCES'); // a device is not executable
    const uid = realUid(tid);
    if (uid === 0) return 0n;
    const st = this.statOf(node.mount, node.sub);
    const bits = uid === st.uid ? (st.mode >> 6) & 7 : (st.mode & 7);
    return (mode & bits) === mode ? 0n : errno('EACCES');
  }

  /** st_dev of the directory a device is in: asked of the kernel once per mount, not per stat. */
  private dirDevs = new Map<DeviceMount, bigint>();
  private dirDev(m: DeviceMount): bigint {
    let dev = this.dirDevs.get(m);
    if (dev === undefined) {
      try { dev = fs.statSync(path.posix.dirname(m.target), { bigint: true }).dev; } catch { dev = 0n; /* no such directory */ }
      this.dirDevs.set(m, dev);
    }
    return dev;
  }

  private statOf(m: DeviceMount, sub: number): StatInfo {
    const d = m.device;
    const block = d.type === 'block';
    const perm = d.mode ?? (block ? 0o660 : 0o666);
    return {
      dev: this.dirDev(m),
      ino: 0x7675000000n + BigInt(d.major) * 4096n + BigInt(d.minor + sub),
      mode: (block ? S_IFBLK : S_IFCHR) | perm,
      nlink: 1,
      uid: process.getuid?.() ?? 0,
      gid: process.getgid?.() ?? 0,
      rdev: { major: d.major, minor: d.minor + sub },
      size: 0n, // as the kernel reports for device nodes
      blksize: 4096,
      blocks: 0n,
      time: m.mountedAt,
    };
  }
}

function realUid(tid: number): number {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${tid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

