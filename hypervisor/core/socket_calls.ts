// The calls on a socket of a user-level stack (a SocketFile): the guest's
// arguments are read from its memory, the stack's socket serves the call,
// and the results are written back as the kernel would write them. read/
// write/readv/writev/send*/recv* all become the socket's recvmsg/sendmsg.
// A call the stack cannot do yet (-EAGAIN) makes a blocking guest wait
// natively on its own fd; a non-blocking one (O_NONBLOCK, MSG_DONTWAIT)
// gets EAGAIN.
import type { Decision } from './dispatch.js';
import { ERR, errno } from './errno.js';
import { gather, readIovecs, scatter, type Iovec } from './iovec.js';
import type { GuestMemory } from './memory.js';
import type { GuestProcess } from './processes.js';
import type { SyscallEvent } from './protocol.js';
import { SOCK_CLOEXEC, SOCK_NONBLOCK, SocketFile } from './socket_file.js';
import { EPOLLIN, EPOLLOUT, type Vpoll } from '../vpoll/vpoll.js';

const MSG_DONTWAIT = 0x40;
const MSG_WAITFORONE = 0x10000;
const MSG_NOSIGNAL = 0x4000;
const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SO_PROTOCOL = 38;
const SO_DOMAIN = 39;
const SO_RCVTIMEO = [20, 66]; // _OLD and _NEW: the same struct timeval on x86_64
const SO_SNDTIMEO = [21, 67];
const SOCKADDR_MAX = 128; // sizeof(struct sockaddr_storage)
const MSGHDR = 56;
const MMSGHDR = 64;
/** The most one send or receive moves; a short count is allowed. */
const MAX_TRANSFER = 1 << 22;

export interface SocketHost {
  memory: GuestMemory;
  newEvents(initial: number): Vpoll;
  release(f: SocketFile): void;
  setVirtual(proc: GuestProcess, fd: number, f: SocketFile, cloexec: boolean): void;
  /** Sends the file's current mask to the helper (after an install). */
  resend(f: SocketFile): void;
}

type Msg = { name: bigint; namelen: number; iov: Iovec[]; control: bigint; controllen: bigint };

const i32 = (v: bigint) => Number(BigInt.asIntN(32, v));
const MSG_TRUNC = 0x20;

/** With MSG_TRUNC a datagram's whole length is the result, even past the buffer (the stack gave all of it). */
const truncated = (n: bigint, data: Buffer, flags: number): bigint => ((flags & MSG_TRUNC) && BigInt(data.length) > n ? BigInt(data.length) : n);

export class SocketCalls {
  constructor(private host: SocketHost) {}

  private skip(f: SocketFile, value: bigint | number): Decision {
    return { kind: 'skip', value: BigInt(value), by: f.module };
  }

  /** A result from the stack: -EAGAIN on a blocking socket waits for `events`. */
  private blockOr(f: SocketFile, fd: number, r: number, events: number, nonblocking: boolean): Decision | undefined {
    if (r !== -ERR.EAGAIN || nonblocking) return undefined;
    const timeoutMs = events === EPOLLIN ? f.rcvTimeoutMs : f.sndTimeoutMs;
    return { kind: 'wait', fd, events, by: f.module, timeoutMs };
  }

  call(name: string, f: SocketFile, fd: number, proc: GuestProcess, ev: SyscallEvent): Decision | Promise<Decision> {
    const a = ev.args;
    const tgid = proc.tgid;
    switch (name) {
      case 'bind': case 'connect': {
        const addr = this.readSockaddr(tgid, a[1], i32(a[2]));
        if (typeof addr === 'bigint') return this.skip(f, addr);
        return name === 'bind' ? Promise.resolve(f.socket.bind(addr)).then((r) => this.skip(f, r)) : this.connect(f, fd, addr);
      }
      case 'listen': return Promise.resolve(f.socket.listen(i32(a[1]))).then((r) => this.skip(f, r));
      case 'accept': case 'accept4': return this.accept(f, fd, proc, a[1], a[2], name === 'accept4' ? i32(a[3]) : 0);
      case 'getsockname': case 'getpeername':
        return Promise.resolve(name === 'getsockname' ? f.socket.getsockname() : f.socket.getpeername()).then((r) => {
          if (typeof r === 'number') return this.skip(f, r);
          return this.skip(f, this.writeSockaddr(tgid, a[1], a[2], r));
        });
      case 'shutdown': return Promise.resolve(f.socket.shutdown(i32(a[1]))).then((r) => this.skip(f, r));
      case 'setsockopt': return this.setsockopt(f, tgid, i32(a[1]), i32(a[2]), a[3], i32(a[4]));
      case 'getsockopt': return this.getsockopt(f, tgid, i32(a[1]), i32(a[2]), a[3], a[4]);
      case 'read': return this.recv(f, fd, proc, [{ base: a[1], len: Number(a[2]) }], 0);
      case 'recvfrom': return this.recv(f, fd, proc, [{ base: a[1], len: Number(a[2]) }], i32(a[3]), { name: a[4], lenPtr: a[5] });
      case 'readv': {
        const iov = readIovecs(this.host.memory, tgid, a[1], i32(a[2]));
        return typeof iov === 'bigint' ? this.skip(f, iov) : this.recv(f, fd, proc, iov, 0);
      }
      case 'recvmsg': return this.recvmsg(f, fd, proc, a[1], i32(a[2]));
      case 'recvmmsg': return this.recvmmsg(f, fd, proc, a[1], i32(a[2]), i32(a[3]));
      case 'write': return this.send(f, fd, proc, [{ base: a[1], len: Number(a[2]) }], 0);
      case 'sendto': {
        let to: Buffer | undefined;
        if (a[4] !== 0n) {
          const r = this.readSockaddr(tgid, a[4], i32(a[5]));
          if (typeof r === 'bigint') return this.skip(f, r);
          to = r;
        }
        return this.send(f, fd, proc, [{ base: a[1], len: Number(a[2]) }], i32(a[3]), to);
      }
      case 'writev': {
        const iov = readIovecs(this.host.memory, tgid, a[1], i32(a[2]));
        return typeof iov === 'bigint' ? this.skip(f, iov) : this.send(f, fd, proc, iov, 0);
      }
      case 'sendmsg': return this.sendmsg(f, fd, proc, a[1], i32(a[2]));
      case 'sendmmsg': return this.sendmmsg(f, fd, proc, a[1], i32(a[2]), i32(a[3]));
      case 'lseek': case 'pread64': case 'pwrite64': case 'preadv': case 'pwritev': case 'preadv2': case 'pwritev2':
        return this.skip(f, errno('ESPIPE'));
      case 'fsync': case 'fdatasync': case 'ftruncate': case 'fallocate': return this.skip(f, errno('EINVAL'));
      case 'mmap': return this.skip(f, errno('ENODEV'));
      case 'getdents': case 'getdents64': return this.skip(f, errno('ENOTDIR'));
      default: return this.skip(f, errno('EINVAL'));
    }
  }

  // ------------------------------------------------------------ connections

  private async connect(f: SocketFile, fd: number, addr: Buffer): Promise<Decision> {
    const r = await f.socket.connect(addr);
    if (f.connectWaiting) {
      // The re-issue after the wait: the outcome of the connection. (A wait
      // cut by a signal leaves the flag; if the fd became non-blocking
      // meanwhile, a pending connect is EALREADY, as the kernel says.)
      if (r === -ERR.EALREADY || r === -ERR.EINPROGRESS) {
        if (f.nonblocking) return this.skip(f, errno('EALREADY'));
        return { kind: 'wait', fd, events: EPOLLOUT, by: f.module, timeoutMs: f.sndTimeoutMs };
      }
      f.connectWaiting = false;
      return this.skip(f, r === -ERR.EISCONN ? 0 : r);
    }
    if (r === -ERR.EINPROGRESS && !f.nonblocking) {
      f.connectWaiting = true;
      return { kind: 'wait', fd, events: EPOLLOUT, by: f.module, timeoutMs: f.sndTimeoutMs };
    }
    return this.skip(f, r);
  }

  private async accept(f: SocketFile, fd: number, proc: GuestProcess, addrPtr: bigint, lenPtr: bigint, flags: number): Promise<Decision> {
    if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return this.skip(f, errno('EINVAL'));
    const events = this.host.newEvents(0);
    const r = await f.socket.accept(events);
    if (typeof r === 'number') return this.blockOr(f, fd, r, EPOLLIN, f.nonblocking) ?? this.skip(f, r);
    const file = new SocketFile(f.module, r.socket, f.domain, f.type, f.protocol, events, !!(flags & SOCK_NONBLOCK), (x) => this.host.release(x));
    const cloexec = !!(flags & SOCK_CLOEXEC);
    return {
      kind: 'install', file, cloexec, mask: events.mask, by: f.module,
      exit: (ret) => {
        if (ret < 0n) { this.host.release(file); return; }
        this.host.setVirtual(proc, Number(ret), file, cloexec);
        // Events the stack raised while the fd was being made: the helper knows the object only now.
        this.host.resend(file);
        // An address the guest cannot take is lost, as with the kernel's EFAULT after the accept.
        if (addrPtr !== 0n) this.writeSockaddr(proc.tgid, addrPtr, lenPtr, r.addr);
      },
    };
  }

  // ------------------------------------------------------------ data

  private async recv(f: SocketFile, fd: number, proc: GuestProcess, iov: Iovec[], flags: number,
    from?: { name: bigint; lenPtr: bigint }): Promise<Decision> {
    const total = Math.min(iov.reduce((n, v) => n + v.len, 0), MAX_TRANSFER);
    const r = await f.socket.recvmsg(total, flags & ~MSG_DONTWAIT);
    if (typeof r === 'number') return this.blockOr(f, fd, r, EPOLLIN, f.nonblocking || !!(flags & MSG_DONTWAIT)) ?? this.skip(f, r);
    const n = scatter(this.host.memory, proc.tgid, iov, r.data);
    if (n < 0n) return this.skip(f, n);
    if (from && from.name !== 0n) {
      // No sender (a stream socket): the kernel reports an address length of 0.
      const w = this.writeSockaddr(proc.tgid, from.name, from.lenPtr, r.addr ?? Buffer.alloc(0));
      if (w < 0n) return this.skip(f, w);
    }
    return this.skip(f, truncated(n, r.data, flags));
  }

  private async recvmsg(f: SocketFile, fd: number, proc: GuestProcess, msgPtr: bigint, flags: number): Promise<Decision> {
    const m = this.readMsghdr(proc.tgid, msgPtr);
    if (typeof m === 'bigint') return this.skip(f, m);
    const r = await this.recvInto(f, proc.tgid, m, flags, msgPtr);
    if (r === -BigInt(ERR.EAGAIN)) return this.blockOr(f, fd, -ERR.EAGAIN, EPOLLIN, f.nonblocking || !!(flags & MSG_DONTWAIT)) ?? this.skip(f, r);
    return this.skip(f, r);
  }

  /** One message into a msghdr: data, sender (msg_namelen), no control data, msg_flags. */
  private async recvInto(f: SocketFile, tgid: number, m: Msg, flags: number, msgPtr: bigint): Promise<bigint> {
    const total = Math.min(m.iov.reduce((n, v) => n + v.len, 0), MAX_TRANSFER);
    const r = await f.socket.recvmsg(total, flags & ~(MSG_DONTWAIT | MSG_WAITFORONE));
    if (typeof r === 'number') return BigInt(r);
    const n = scatter(this.host.memory, tgid, m.iov, r.data);
    if (n < 0n) return n;
    const hdr = Buffer.alloc(MSGHDR);
    // msg_namelen (+8), msg_controllen (+40), msg_flags (+48)
    let namelen = 0;
    if (m.name !== 0n && r.addr) {
      const len = Math.min(m.namelen, r.addr.length);
      if (len > 0 && !this.host.memory.write(tgid, m.name, r.addr.subarray(0, len))) return errno('EFAULT');
      namelen = r.addr.length;
    }
    hdr.writeUInt32LE(namelen, 8);
    if (!this.host.memory.write(tgid, msgPtr + 8n, hdr.subarray(8, 12))) return errno('EFAULT');
    if (!this.host.memory.write(tgid, msgPtr + 40n, Buffer.alloc(8))) return errno('EFAULT');
    const fl = Buffer.alloc(4);
    fl.writeInt32LE(r.flags ?? 0);
    if (!this.host.memory.write(tgid, msgPtr + 48n, fl)) return errno('EFAULT');
    return truncated(n, r.data, flags);
  }

  private async recvmmsg(f: SocketFile, fd: number, proc: GuestProcess, vec: bigint, vlen: number, flags: number): Promise<Decision> {
    if (vlen <= 0) return this.skip(f, 0);
    let done = 0;
    for (let i = 0; i < Math.min(vlen, 1024); i++) {
      const at = vec + BigInt(i * MMSGHDR);
      const m = this.readMsghdr(proc.tgid, at);
      if (typeof m === 'bigint') return this.skip(f, done || m);
      // After the first message, take only what is already there.
      const fl = done ? flags | MSG_DONTWAIT : flags;
      const r = await this.recvInto(f, proc.tgid, m, fl, at);
      if (r < 0n) {
        if (done) break;
        if (r === -BigInt(ERR.EAGAIN)) return this.blockOr(f, fd, -ERR.EAGAIN, EPOLLIN, f.nonblocking || !!(flags & MSG_DONTWAIT)) ?? this.skip(f, r);
        return this.skip(f, r);
      }
      const len = Buffer.alloc(4);
      len.writeUInt32LE(Number(r));
      if (!this.host.memory.write(proc.tgid, at + 56n, len)) return this.skip(f, done || errno('EFAULT'));
      done++;
      if (flags & MSG_WAITFORONE) flags |= MSG_DONTWAIT;
    }
    return this.skip(f, done);
  }

  private async send(f: SocketFile, fd: number, proc: GuestProcess, iov: Iovec[], flags: number, to?: Buffer): Promise<Decision> {
    const data = gather(this.host.memory, proc.tgid, iov, MAX_TRANSFER);
    if (typeof data === 'bigint') return this.skip(f, data);
    const r = await f.socket.sendmsg(data, to, flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL));
    return this.blockOr(f, fd, r, EPOLLOUT, f.nonblocking || !!(flags & MSG_DONTWAIT)) ?? this.sent(f, proc, r, flags);
  }

  /** EPIPE raises SIGPIPE as the kernel does, unless MSG_NOSIGNAL. */
  private sent(f: SocketFile, proc: GuestProcess, r: number, flags: number): Decision {
    if (r === -ERR.EPIPE && !(flags & MSG_NOSIGNAL)) {
      try { process.kill(proc.tgid, 'SIGPIPE'); } catch { /* gone */ }
    }
    return this.skip(f, r);
  }

  private async sendmsg(f: SocketFile, fd: number, proc: GuestProcess, msgPtr: bigint, flags: number): Promise<Decision> {
    const m = this.readMsghdr(proc.tgid, msgPtr);
    if (typeof m === 'bigint') return this.skip(f, m);
    let to: Buffer | undefined;
    if (m.name !== 0n && m.namelen > 0) {
      const r = this.readSockaddr(proc.tgid, m.name, m.namelen);
      if (typeof r === 'bigint') return this.skip(f, r);
      to = r;
    }
    return this.send(f, fd, proc, m.iov, flags, to);
  }

  private async sendmmsg(f: SocketFile, fd: number, proc: GuestProcess, vec: bigint, vlen: number, flags: number): Promise<Decision> {
    let done = 0;
    for (let i = 0; i < Math.min(vlen, 1024); i++) {
      const at = vec + BigInt(i * MMSGHDR);
      const m = this.readMsghdr(proc.tgid, at);
      if (typeof m === 'bigint') return this.skip(f, done || m);
      let to: Buffer | undefined;
      if (m.name !== 0n && m.namelen > 0) {
        const t = this.readSockaddr(proc.tgid, m.name, m.namelen);
        if (typeof t === 'bigint') return this.skip(f, done || t);
        to = t;
      }
      const data = gather(this.host.memory, proc.tgid, m.iov, MAX_TRANSFER);
      if (typeof data === 'bigint') return this.skip(f, done || data);
      const r = await f.socket.sendmsg(data, to, flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL));
      if (r < 0) {
        if (done) break;
        return this.blockOr(f, fd, r, EPOLLOUT, f.nonblocking || !!(flags & MSG_DONTWAIT)) ?? this.sent(f, proc, r, flags);
      }
      const len = Buffer.alloc(4);
      len.writeUInt32LE(r);
      if (!this.host.memory.write(proc.tgid, at + 56n, len)) return this.skip(f, done || errno('EFAULT'));
      done++;
    }
    return this.skip(f, done);
  }

  // ------------------------------------------------------------ options

  private async setsockopt(f: SocketFile, tgid: number, level: number, name: number, ptr: bigint, len: number): Promise<Decision> {
    if (len < 0) return this.skip(f, errno('EINVAL'));
    // No option needs more than a few bytes; a huge optlen must not make vu copy gigabytes.
    const want = Math.min(len, 4096);
    const value = want ? this.host.memory.read(tgid, ptr, want) : Buffer.alloc(0);
    if (!value || value.length < want) return this.skip(f, errno('EFAULT'));
    if (level === SOL_SOCKET && (SO_RCVTIMEO.includes(name) || SO_SNDTIMEO.includes(name))) {
      if (len < 16) return this.skip(f, errno('EINVAL'));
      const sec = value.readBigInt64LE(0);
      const usec = value.readBigInt64LE(8);
      if (usec < 0n || usec >= 1_000_000n) return this.skip(f, errno('EDOM'));
      // Negative means "no timeout", as the kernel reads it.
      const ms = sec < 0n ? 0 : Math.min(Number(sec) * 1000 + Math.ceil(Number(usec) / 1000), 0x7fff * 1000);
      if (SO_RCVTIMEO.includes(name)) f.rcvTimeoutMs = ms; else f.sndTimeoutMs = ms;
      return this.skip(f, 0);
    }
    return this.skip(f, await f.socket.setsockopt(level, name, value));
  }

  private async getsockopt(f: SocketFile, tgid: number, level: number, name: number, ptr: bigint, lenPtr: bigint): Promise<Decision> {
    const lb = this.host.memory.read(tgid, lenPtr, 4);
    if (!lb || lb.length < 4) return this.skip(f, errno('EFAULT'));
    const len = Math.min(lb.readInt32LE(0), 4096);
    if (len < 0) return this.skip(f, errno('EINVAL'));
    let value: Buffer | number;
    const int = (v: number) => { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; };
    if (level === SOL_SOCKET && name === SO_TYPE) value = int(f.type);
    else if (level === SOL_SOCKET && name === SO_DOMAIN) value = int(f.domain);
    else if (level === SOL_SOCKET && name === SO_PROTOCOL) value = int(f.protocol || (f.type === 1 ? 6 : f.type === 2 ? 17 : 0));
    else if (level === SOL_SOCKET && (SO_RCVTIMEO.includes(name) || SO_SNDTIMEO.includes(name))) {
      const ms = SO_RCVTIMEO.includes(name) ? f.rcvTimeoutMs : f.sndTimeoutMs;
      value = Buffer.alloc(16);
      value.writeBigInt64LE(BigInt(Math.floor(ms / 1000)), 0);
      value.writeBigInt64LE(BigInt((ms % 1000) * 1000), 8);
    } else value = await f.socket.getsockopt(level, name, len);
    if (typeof value === 'number') return this.skip(f, value);
    const out = value.subarray(0, len);
    if (out.length && !this.host.memory.write(tgid, ptr, out)) return this.skip(f, errno('EFAULT'));
    if (!this.host.memory.write(tgid, lenPtr, int(out.length))) return this.skip(f, errno('EFAULT'));
    return this.skip(f, 0);
  }

  // ------------------------------------------------------------ guest memory

  private readSockaddr(tgid: number, ptr: bigint, len: number): Buffer | bigint {
    if (len < 0 || len > SOCKADDR_MAX) return errno('EINVAL');
    if (len === 0) return Buffer.alloc(0);
    const b = this.host.memory.read(tgid, ptr, len);
    return b && b.length === len ? b : errno('EFAULT');
  }

  /** Writes an address as accept/getsockname/recvfrom do: truncated to *lenPtr, the full length back in *lenPtr. */
  private writeSockaddr(tgid: number, ptr: bigint, lenPtr: bigint, addr: Buffer): bigint {
    const lb = this.host.memory.read(tgid, lenPtr, 4);
    if (!lb || lb.length < 4) return errno('EFAULT');
    const len = lb.readInt32LE(0);
    if (len < 0) return errno('EINVAL');
    const part = addr.subarray(0, Math.min(len, addr.length));
    if (part.length && !this.host.memory.write(tgid, ptr, part)) return errno('EFAULT');
    const out = Buffer.alloc(4);
    out.writeInt32LE(addr.length);
    return this.host.memory.write(tgid, lenPtr, out) ? 0n : errno('EFAULT');
  }

  private readMsghdr(tgid: number, ptr: bigint): Msg | bigint {
    const b = this.host.memory.read(tgid, ptr, MSGHDR);
    if (!b || b.length < MSGHDR) return errno('EFAULT');
    const iov = readIovecs(this.host.memory, tgid, b.readBigUInt64LE(16), Number(b.readBigUInt64LE(24)));
    if (typeof iov === 'bigint') return iov;
    return { name: b.readBigUInt64LE(0), namelen: b.readInt32LE(8), iov, control: b.readBigUInt64LE(32), controllen: b.readBigUInt64LE(40) };
  }
}
