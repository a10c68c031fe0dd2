// vunetlwipv6: a user-level TCP/IP stack (lwIPv6, through koffi) on a VDE
// network (source=, default slirp://). Its sockets are not kernel objects:
// the guest holds vpoll fds, every call on them comes here, and every
// readiness change lwIPv6 reports is raised on the guest's fd.
//
// Options: addr=A.B.C.D/N, gw=A.B.C.D, addr6=X::Y/N, gw6=X::Y; with a
// slirp:// source and no addr=, slirp's defaults (10.0.2.15/24 via
// 10.0.2.2). IPv6 addresses also come from router advertisements.
//
// lwIPv6 facts this relies on (measured): its connect() blocks even on a
// non-blocking socket (so it runs on a worker thread of libuv's pool, which
// bin/vu.js enlarges, and a socket closed meanwhile is closed after it); recv/accept honour
// O_NONBLOCK; readiness comes from lwip_event_subscribe, whose callback
// runs on lwIPv6's thread (native/lwipv6_events.c carries it to a pipe);
// after EOF its POLLIN drops to 0, so EOF is remembered here; its
// getsockname gives the local address with the *remote* port, and its
// getpeername and accept's address are garbage, so ports and peers are
// kept here (an unbound socket is bound to a port chosen here first).
import net from 'node:net';
import path from 'node:path';
import koffi, { type KoffiFunc, type LibraryHandle } from 'koffi';
import { AF, EPOLL, ERRNO, defineVunet, type IoctlArg, type VpollEvents, type VunetSocket } from '../hypervisor/module_api.js';
import { ROOT } from '../hypervisor/paths.js';

const POLLIN = 1;
const POLLOUT = 4;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOL_SOCKET = 1;
const SO_ERROR = 4;
const FIONREAD = 0x541b;
const MSG_PEEK = 2;
const MSG_TRUNC = 0x20;
const RECV_CHUNK = 1 << 16;
/** How much a stream socket takes from lwIPv6 ahead of the guest. */
const INBOX_CAP = 1 << 21;
// Not AF_NETLINK: lwIPv6 has one, but its replies are of an older format
// than Debian 12's iproute2 reads ("DONE truncated", and worse): `ip` gets
// EAFNOSUPPORT, a clear answer; the interface is set by mount options.
const FAMILIES: ReadonlySet<number> = new Set([AF.INET, AF.INET6]);

interface LwipLib {
  addStack(flags: number): unknown;
  delStack(stack: unknown): void;
  addVdeif(stack: unknown, url: string, flags: number): unknown;
  addAddr(netif: unknown, ip: Buffer, mask: Buffer): number;
  addRoute(stack: unknown, addr: Buffer, mask: Buffer, nexthop: Buffer, netif: unknown, flags: number): number;
  ifup(netif: unknown, flags: number): number;
  close: KoffiFunc<(fd: number) => number>;
  socket(stack: unknown, domain: number, type: number, protocol: number): number;
  connect: KoffiFunc<(fd: number, addr: Buffer, len: number) => number>;
  bind(fd: number, addr: Buffer, len: number): number;
  listen(fd: number, backlog: number): number;
  accept(fd: number, addr: Buffer, len: number[]): number;
  getsockname(fd: number, addr: Buffer, len: number[]): number;
  getpeername(fd: number, addr: Buffer, len: number[]): number;
  recvfrom(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer | null, alen: number[] | null): number;
  sendto(fd: number, buf: Buffer, len: number, flags: number, addr: Buffer | null, alen: number): number;
  setsockopt(fd: number, level: number, name: number, val: Buffer, len: number): number;
  getsockopt(fd: number, level: number, name: number, val: Buffer, len: number[]): number;
  ioctl(fd: number, req: number, arg: Buffer): number;
  eventsOpen(): number;
  subscribe(fd: number, how: number, key: bigint): number;
  unsubscribe(fd: number, key: bigint): void;
  overflowed(): number;
}

let lib: LwipLib | undefined;
function load(): LwipLib {
  if (lib) return lib;
  const lw = koffi.load('liblwipv6.so.2');
  let br: LibraryHandle;
  try {
    br = koffi.load(path.join(ROOT, 'vunet_modules', 'native', 'libvu_lwipv6_events.so'));
  } catch (e) {
    throw new Error(`the lwIPv6 bridge is not built (run: npm run setup): ${(e as Error).message}`);
  }
  lib = {
    addStack: lw.func('void *lwip_add_stack(unsigned long flags)'),
    delStack: lw.func('void lwip_del_stack(void *stack)'),
    addVdeif: lw.func('void *lwip_add_vdeif(void *stack, const char *arg, int flags)'),
    addAddr: lw.func('int lwip_add_addr(void *netif, void *ip, void *mask)'),
    addRoute: lw.func('int lwip_add_route(void *stack, void *addr, void *mask, void *nexthop, void *netif, int flags)'),
    ifup: lw.func('int lwip_ifup_flags(void *netif, int flags)'),
    close: lw.func('int lwip_close(int fd)'),
    socket: br.func('long vu_lwip_socket(void *stack, int domain, int type, int protocol)'),
    connect: br.func('long vu_lwip_connect(int fd, void *addr, uint32_t len)'),
    bind: br.func('long vu_lwip_bind(int fd, void *addr, uint32_t len)'),
    listen: br.func('long vu_lwip_listen(int fd, int backlog)'),
    accept: br.func('long vu_lwip_accept(int fd, void *addr, _Inout_ uint32_t *len)'),
    getsockname: br.func('long vu_lwip_getsockname(int fd, void *addr, _Inout_ uint32_t *len)'),
    getpeername: br.func('long vu_lwip_getpeername(int fd, void *addr, _Inout_ uint32_t *len)'),
    recvfrom: br.func('long vu_lwip_recvfrom(int fd, void *buf, int len, uint32_t flags, void *addr, _Inout_ uint32_t *alen)'),
    sendto: br.func('long vu_lwip_sendto(int fd, void *buf, int len, uint32_t flags, void *addr, uint32_t alen)'),
    setsockopt: br.func('long vu_lwip_setsockopt(int fd, int level, int name, void *val, uint32_t len)'),
    getsockopt: br.func('long vu_lwip_getsockopt(int fd, int level, int name, void *val, _Inout_ uint32_t *len)'),
    ioctl: br.func('long vu_lwip_ioctl(int fd, long req, void *arg)'),
    eventsOpen: br.func('int vu_lwip_events_open()'),
    subscribe: br.func('int vu_lwip_subscribe(int fd, int how, uint64_t key)'),
    unsubscribe: br.func('void vu_lwip_unsubscribe(int fd, uint64_t key)'),
    overflowed: br.func('int vu_lwip_overflowed()'),
  };
  return lib;
}

// ------------------------------------------------------------ events

/** Routes lwIPv6's readiness callbacks (keys on a pipe) to the sockets that armed them. */
class EventBridge {
  private waiting = new Map<bigint, () => void>();
  private all = new Set<LwipSocket>();
  private pipe: net.Socket;
  private nextKey = 2n;
  private pending = Buffer.alloc(0);

  constructor(private l: LwipLib) {
    const fd = l.eventsOpen();
    if (fd < 0) throw new Error('cannot make the lwIPv6 event pipe');
    this.pipe = new net.Socket({ fd, readable: true, writable: false });
    this.pipe.unref(); // the guest, not the pipe, keeps vu running
    this.pipe.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Two keys per socket: one for POLLIN, one for POLLOUT. */
  keys(): bigint {
    const k = this.nextKey;
    this.nextKey += 2n;
    return k;
  }

  arm(key: bigint, fire: () => void): void { this.waiting.set(key, fire); }
  disarm(key: bigint): void { this.waiting.delete(key); }
  track(s: LwipSocket): void { this.all.add(s); }
  untrack(s: LwipSocket): void { this.all.delete(s); }

  private onData(chunk: Buffer): void {
    const data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const whole = data.length - (data.length % 8);
    for (let i = 0; i < whole; i += 8) {
      const key = data.readBigUInt64LE(i);
      const fire = this.waiting.get(key);
      this.waiting.delete(key);
      fire?.();
    }
    this.pending = Buffer.from(data.subarray(whole));
    // Keys lost to a full pipe: ask every socket again.
    if (this.l.overflowed()) {
      this.waiting.clear();
      for (const s of this.all) s.rearm();
    }
  }
}

let bridge: EventBridge | undefined;

// ------------------------------------------------------------ sockets

type ConnectState = 'idle' | 'pending' | 'connected' | 'failed';

/** What one mounted stack shares between its sockets. */
interface StackState {
  sockets: Set<LwipSocket>;
  /** The next ephemeral port to try. */
  nextPort: number;
  /** Connects and closes running on worker threads. */
  pendingCalls: number;
  /** Where connections from outside the stack come from, when lwIPv6 cannot say (slirp: its gateway). */
  outsidePeer?: Buffer;
}

const EPHEMERAL_FIRST = 40000;
const EPHEMERAL_LAST = 60999;

class LwipSocket implements VunetSocket {
  private key: bigint;
  /** The local port (lwIPv6 cannot report it), once bound; and the address bound to. */
  localPort?: number;
  private bound?: Buffer;
  /** The peer's address, once connected. */
  private peer?: Buffer;
  /** Which of POLLIN/POLLOUT has a callback armed (so is known not ready). */
  private armed = 0;
  private eof = false;
  /**
   * Stream data taken from lwIPv6 ahead of the guest (see pull). Draining
   * at once, not when the guest asks, frees lwIPv6's small receive window
   * while the guest is still waking up: the sender never waits for vu.
   */
  private inbox: Buffer[] = [];
  private inboxBytes = 0;
  /** An error lwIPv6 gave a read (a reset), for the guest once the inbox is empty. */
  private rxError = 0;
  private listening = false;
  /** A datagram received but kept (MSG_PEEK). */
  private datagram?: { data: Buffer; addr?: Buffer };
  private writeShut = false;
  private retry?: NodeJS.Timeout;
  private closed = false;
  private state: ConnectState;
  private error = 0;
  private buf = Buffer.alloc(0);

  constructor(private l: LwipLib, private b: EventBridge, readonly fd: number, readonly domain: number, readonly type: number,
    private events: VpollEvents, connected: boolean, private stack: StackState) {
    this.key = b.keys();
    this.state = connected ? 'connected' : 'idle';
    b.track(this);
    stack.sockets.add(this);
    this.refresh();
  }

  private get stream(): boolean { return this.type === SOCK_STREAM; }

  /** Asks lwIPv6 whether `bit` is ready; when not, arms its callback. */
  private ready(bit: number): boolean {
    if (this.closed) return false;
    if (bit === POLLIN && this.eof) return true;
    if (this.armed & bit) return false;
    const key = bit === POLLIN ? this.key : this.key + 1n;
    const r = this.l.subscribe(this.fd, bit, key);
    if (r & bit) return true;
    this.armed |= bit;
    this.b.arm(key, () => {
      this.armed &= ~bit;
      this.check(bit);
    });
    return false;
  }

  private check(bit: number): void {
    const ev = bit === POLLIN ? EPOLL.IN : EPOLL.OUT;
    let on: boolean;
    if (bit === POLLIN) {
      if (this.stream && !this.listening && this.state === 'connected') {
        this.pull();
        on = this.inboxBytes > 0 || this.eof || this.rxError !== 0;
      } else {
        on = !!this.datagram || this.ready(POLLIN);
      }
    } else {
      // An unconnected stream socket is not writable for the guest yet.
      on = this.ready(POLLOUT) && !(this.stream && this.state !== 'connected');
    }
    if (on) this.events.add(ev); else this.events.del(ev);
  }

  /**
   * Takes what lwIPv6 has for a connected stream socket into the inbox (up
   * to INBOX_CAP), then arms the callback for more. Reading, not asking,
   * also catches a FIN lwIPv6 does not count as readable (one that came
   * with the data, or before accept).
   */
  private pull(): void {
    if (this.closed) return;
    // Bounded: lwIPv6's "ready" and its reads could disagree; then the callback decides.
    for (let round = 0; round < 4; round++) {
      while (!this.eof && !this.rxError && this.inboxBytes < INBOX_CAP) {
        if (this.buf.length < RECV_CHUNK) this.buf = Buffer.alloc(RECV_CHUNK);
        const n = this.l.recvfrom(this.fd, this.buf, RECV_CHUNK, 0, null, null);
        if (n > 0) {
          this.inbox.push(Buffer.from(this.buf.subarray(0, n)));
          this.inboxBytes += n;
        } else if (n === 0) {
          this.eof = true;
          this.events.add(EPOLL.RDHUP);
        } else {
          if (n !== -ERRNO.EAGAIN) this.rxError = n;
          break;
        }
      }
      if (this.eof || this.rxError || this.inboxBytes >= INBOX_CAP || this.armed & POLLIN) return;
      // Nothing more now: arm the callback, unless data came meanwhile.
      if (!this.ready(POLLIN)) return;
    }
    // lwIPv6 says readable (data on its way to the socket) but its read says
    // EAGAIN, and it arms no callback while it says readable: ask again
    // shortly, or the socket would wait forever (seen: a download stalled).
    this.retry ??= setTimeout(() => {
      this.retry = undefined;
      this.check(POLLIN);
    }, 1);
  }

  /** Up to length bytes from the inbox (kept with MSG_PEEK). */
  private takeInbox(length: number, peek: boolean): Buffer {
    const parts: Buffer[] = [];
    let got = 0;
    let i = 0;
    for (; i < this.inbox.length && got < length; i++) {
      const b = this.inbox[i];
      const part = b.length <= length - got ? b : b.subarray(0, length - got);
      parts.push(part);
      got += part.length;
    }
    if (!peek) {
      const last = this.inbox[i - 1];
      const lastPart = parts[parts.length - 1];
      this.inbox.splice(0, i);
      if (last && lastPart && lastPart.length < last.length) this.inbox.unshift(last.subarray(lastPart.length));
      this.inboxBytes -= got;
    }
    return parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts);
  }

  refresh(): void {
    this.check(POLLIN);
    this.check(POLLOUT);
  }

  /** Callbacks were lost: forget what was armed and ask lwIPv6 again. */
  rearm(): void {
    this.armed = 0;
    this.refresh();
  }

  bind(addr: Buffer): number {
    const bad = this.badAddr(addr);
    if (bad) return bad;
    if (this.localPort !== undefined) return -ERRNO.EINVAL;
    const port = addr.readUInt16BE(2);
    if (port !== 0) {
      const r = this.l.bind(this.fd, addr, addr.length);
      if (r === 0) { this.localPort = port; this.bound = Buffer.from(addr); }
      return r;
    }
    return this.bindEphemeral(addr);
  }

  /** Binds to a port chosen here (so that getsockname can tell it). */
  private bindEphemeral(addr: Buffer): number {
    const a = Buffer.from(addr);
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let i = 0; i < 64; i++) {
      const port = this.stack.nextPort;
      this.stack.nextPort = EPHEMERAL_FIRST + ((port - EPHEMERAL_FIRST + 1) % span);
      a.writeUInt16BE(port, 2);
      const r = this.l.bind(this.fd, a, a.length);
      if (r === 0) { this.localPort = port; this.bound = a; return 0; }
      if (r !== -ERRNO.EADDRINUSE) return r;
    }
    return -ERRNO.EADDRINUSE;
  }

  /** An unbound socket gets an ephemeral port on the any-address before it connects or sends. */
  private autobind(): number {
    if (this.localPort !== undefined) return 0;
    const any = Buffer.alloc(this.domain === AF.INET6 ? 28 : 16);
    any.writeUInt16LE(this.domain, 0);
    return this.bindEphemeral(any);
  }

  /** An address the guest gave, checked as the kernel does before lwIPv6 reads it. */
  private badAddr(addr: Buffer): number {
    if (addr.length < 2) return -ERRNO.EINVAL;
    if (addr.readUInt16LE(0) !== this.domain) return -ERRNO.EAFNOSUPPORT;
    return addr.length < (this.domain === AF.INET6 ? 24 : 16) ? -ERRNO.EINVAL : 0;
  }

  connect(addr: Buffer): number | Promise<number> {
    const bad = this.badAddr(addr);
    if (bad) return bad;
    if (this.listening) return -ERRNO.EISCONN;
    switch (this.state) {
      case 'pending': return -ERRNO.EALREADY;
      case 'connected': return this.stream ? -ERRNO.EISCONN : this.l.connect(this.fd, addr, addr.length);
      case 'failed': this.state = 'idle'; return -this.error;
    }
    const b = this.autobind();
    if (b < 0) return b;
    if (!this.stream) {
      const r = this.l.connect(this.fd, addr, addr.length);
      if (r === 0) this.peer = Buffer.from(addr);
      this.refresh();
      return r;
    }
    this.peer = Buffer.from(addr);
    // lwIPv6 blocks in connect: a worker thread waits, the guest sees EINPROGRESS.
    this.state = 'pending';
    const copy = Buffer.from(addr);
    this.stack.pendingCalls++;
    this.l.connect.async(this.fd, copy, copy.length, (err: unknown, r: number) => {
      this.stack.pendingCalls--;
      // Closed meanwhile: lwip_close waits for (or crashes under) a connect in flight, so it comes now.
      if (this.closed) { this.closeLater(); return; }
      if (err || r < 0) {
        this.state = 'failed';
        // lwIPv6 reports a refused connection (RST to the SYN) as a reset.
        this.error = r === -ERRNO.ECONNRESET ? ERRNO.ECONNREFUSED : (err ? ERRNO.EIO : -r);
        this.events.set(EPOLL.OUT | EPOLL.IN | EPOLL.ERR | EPOLL.HUP);
        return;
      }
      this.state = 'connected';
      this.refresh();
    });
    return -ERRNO.EINPROGRESS;
  }

  listen(backlog: number): number {
    if (!this.stream) return -ERRNO.EOPNOTSUPP;
    if (this.state !== 'idle') return -ERRNO.EINVAL;
    const b = this.autobind(); // listen() without bind() gets a port, as with the kernel
    if (b < 0) return b;
    const r = this.l.listen(this.fd, backlog);
    if (r === 0) this.listening = true;
    this.refresh();
    return r;
  }

  accept(events: VpollEvents) {
    // lwIPv6 dereferences state a non-listening socket lacks: the kernel's answers first.
    if (!this.stream) return -ERRNO.EOPNOTSUPP;
    if (!this.listening) return -ERRNO.EINVAL;
    if (!this.ready(POLLIN)) { this.events.del(EPOLL.IN); return -ERRNO.EAGAIN; }
    const addr = Buffer.alloc(128);
    const len = [addr.length];
    const fd = this.l.accept(this.fd, addr, len);
    this.check(POLLIN);
    if (fd < 0) return fd;
    const s = new LwipSocket(this.l, this.b, fd, this.domain, this.type, events, true, this.stack);
    s.localPort = this.localPort;
    s.peer = s.acceptedPeer();
    return { socket: s, addr: Buffer.from(s.peer) };
  }

  /** lwIPv6's own answer: the local address, with the remote port in it. */
  private lwipName(): Buffer | number {
    const addr = Buffer.alloc(this.domain === AF.INET6 ? 28 : 16);
    const len = [addr.length];
    const r = this.l.getsockname(this.fd, addr, len);
    return r < 0 ? r : addr;
  }

  /**
   * The peer of an accepted connection: its port is the one lwIPv6 puts in
   * getsockname; its address is the local one of the connecting socket when
   * that is in this stack too, else where outside traffic comes from.
   */
  private acceptedPeer(): Buffer {
    const own = this.lwipName();
    const peer = typeof own === 'number' ? Buffer.alloc(this.domain === AF.INET6 ? 28 : 16) : Buffer.from(own);
    peer.writeUInt16LE(this.domain, 0);
    const port = peer.readUInt16BE(2);
    const client = [...this.stack.sockets].find((x) => x !== this && x.localPort === port && x.peer?.readUInt16BE(2) === this.localPort);
    if (!client && this.stack.outsidePeer && this.domain === AF.INET) this.stack.outsidePeer.copy(peer, 4);
    return peer;
  }

  getsockname(): Buffer | number {
    // Bound to a given address: that one (lwIPv6 says the any-address for a listener).
    if (this.bound && this.bound.subarray(4, this.domain === AF.INET6 ? 24 : 8).some((x) => x !== 0)) return Buffer.from(this.bound);
    let r = this.lwipName();
    if (typeof r === 'number') {
      // lwIPv6 has no name for datagram sockets: the bound address, or the any-address.
      r = this.bound ? Buffer.from(this.bound) : Buffer.alloc(this.domain === AF.INET6 ? 28 : 16);
    }
    r.writeUInt16LE(this.domain, 0);
    r.writeUInt16BE(this.localPort ?? 0, 2);
    return r;
  }

  getpeername(): Buffer | number {
    if (!this.peer || (this.stream && this.state !== 'connected')) return -ERRNO.ENOTCONN;
    return Buffer.from(this.peer);
  }

  recvmsg(length: number, flags: number) {
    if (!this.stream) return this.recvDatagram(length, flags);
    if (this.state === 'pending') return -ERRNO.EAGAIN; // IN comes once connected
    if (this.state !== 'connected') return this.eof ? { data: Buffer.alloc(0) } : -ERRNO.ENOTCONN;
    if (!this.inboxBytes) this.pull();
    if (this.inboxBytes) {
      const data = this.takeInbox(length, !!(flags & MSG_PEEK));
      this.check(POLLIN); // refill, and IN as it now is
      return { data };
    }
    if (this.eof) return { data: Buffer.alloc(0) };
    if (this.rxError) {
      const e = this.rxError;
      // lwIPv6 tells a reset as an error once: after it, EOF.
      this.rxError = 0;
      this.eof = true;
      this.events.add(EPOLL.IN | EPOLL.RDHUP);
      return e;
    }
    this.events.del(EPOLL.IN);
    return -ERRNO.EAGAIN;
  }

  /**
   * One datagram, kept here for MSG_PEEK; with MSG_TRUNC the whole of it,
   * so vu can report its length.
   */
  private recvDatagram(length: number, flags: number) {
    let d = this.datagram;
    if (!d) {
      if (this.buf.length < RECV_CHUNK) this.buf = Buffer.alloc(RECV_CHUNK);
      const addr = Buffer.alloc(128);
      const alen = [addr.length];
      const n = this.l.recvfrom(this.fd, this.buf, RECV_CHUNK, 0, addr, alen);
      if (n < 0) { this.check(POLLIN); return n; }
      const alength = Math.min(alen[0], addr.length);
      d = { data: Buffer.from(this.buf.subarray(0, n)), addr: alength ? Buffer.from(addr.subarray(0, alength)) : undefined };
    }
    this.datagram = flags & MSG_PEEK ? d : undefined;
    if (!this.datagram) this.check(POLLIN);
    return {
      data: flags & MSG_TRUNC ? d.data : d.data.subarray(0, length),
      addr: d.addr,
      flags: d.data.length > length ? MSG_TRUNC : 0,
    };
  }

  sendmsg(data: Buffer, addr: Buffer | undefined, flags: number): number {
    if (this.stream && this.state === 'pending') return -ERRNO.EAGAIN; // OUT comes with the connection
    if (this.stream && this.state !== 'connected') return -ERRNO.ENOTCONN;
    // A stream socket ignores the address, as the kernel does (lwIPv6 would reconnect with it).
    if (this.stream) addr = undefined;
    else if (addr) {
      const bad = this.badAddr(addr);
      if (bad) return bad;
    }
    if (this.writeShut) return -ERRNO.EPIPE;
    if (!this.stream) {
      const b = this.autobind();
      if (b < 0) return b;
    }
    if (!this.ready(POLLOUT)) { this.events.del(EPOLL.OUT); return -ERRNO.EAGAIN; }
    const n = this.l.sendto(this.fd, data, data.length, flags, addr ?? null, addr?.length ?? 0);
    this.check(POLLOUT);
    return n;
  }

  setsockopt(level: number, name: number, value: Buffer): number {
    return this.l.setsockopt(this.fd, level, name, value, value.length);
  }

  getsockopt(level: number, name: number, length: number) {
    if (level === SOL_SOCKET && name === SO_ERROR) {
      // The outcome of a connect made on the worker thread, reported once.
      const v = Buffer.alloc(4);
      if (this.state === 'failed') { v.writeInt32LE(this.error); this.state = 'idle'; }
      return v;
    }
    const v = Buffer.alloc(Math.max(length, 4));
    const len = [v.length];
    const r = this.l.getsockopt(this.fd, level, name, v, len);
    return r < 0 ? r : v.subarray(0, Math.min(len[0], v.length));
  }

  /**
   * lwIPv6 1.5a's shutdown does nothing (no FIN is sent: a half-close never
   * reaches the peer, which sees EOF only at close). The local half is kept
   * here: reads after SHUT_RD give EOF, sends after SHUT_WR give EPIPE.
   */
  shutdown(how: number): number {
    if (how < 0 || how > 2) return -ERRNO.EINVAL;
    if (this.stream && this.state !== 'connected') return -ERRNO.ENOTCONN;
    if (how !== 1) { this.eof = true; this.inbox = []; this.inboxBytes = 0; this.events.add(EPOLL.IN | EPOLL.RDHUP); }
    if (how !== 0) this.writeShut = true;
    return 0;
  }

  ioctl(request: number, arg: IoctlArg): number {
    if (request !== FIONREAD) return -ERRNO.ENOTTY;
    const v = Buffer.alloc(4);
    const r = this.eof ? 0 : this.l.ioctl(this.fd, request, v);
    if (r < 0) return r;
    v.writeInt32LE(v.readInt32LE(0) + this.inboxBytes);
    return arg.write(v) ? 0 : -ERRNO.EFAULT;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.b.disarm(this.key);
    this.b.disarm(this.key + 1n);
    this.l.unsubscribe(this.fd, this.key);
    this.l.unsubscribe(this.fd, this.key + 1n);
    this.b.untrack(this);
    this.stack.sockets.delete(this);
    if (this.state !== 'pending') this.closeLater();
  }

  /**
   * lwip_close waits for lwIPv6's thread, and now and then (about once in
   * several thousand closes under load) that wait never ends: on Node's
   * main thread it froze the whole VM. It runs on a worker thread instead.
   */
  private closeLater(): void {
    this.stack.pendingCalls++;
    this.l.close.async(this.fd, () => { this.stack.pendingCalls--; });
  }
}

// ------------------------------------------------------------ addresses

/** lwIPv6 keeps every address as 16 bytes; IPv4 ones as ::ffff:a.b.c.d. */
function ip4(text: string): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(0xffff, 8);
  text.split('.').forEach((x, i) => { b[12 + i] = Number(x); });
  return b;
}

function mask4(bits: number): Buffer {
  const b = Buffer.alloc(16, 0xff);
  b.writeUInt32BE(bits ? (0xffffffff << (32 - bits)) >>> 0 : 0, 12);
  return b;
}

function ip6(text: string): Buffer | undefined {
  const sides = text.split('::');
  if (sides.length > 2) return undefined;
  const groups = (s: string) => (s ? s.split(':') : []);
  const head = groups(sides[0]);
  const tail = sides.length === 2 ? groups(sides[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (sides.length === 1 && fill !== 0)) return undefined;
  const all = [...head, ...Array<string>(fill).fill('0'), ...tail];
  if (all.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  const b = Buffer.alloc(16);
  all.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

function mask6(bits: number): Buffer {
  const b = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) b[i] = bits >= (i + 1) * 8 ? 0xff : bits > i * 8 ? (0xff << (8 - (bits - i * 8))) & 0xff : 0;
  return b;
}

const IPV4_CIDR = /^((\d{1,3}\.){3}\d{1,3})\/(\d{1,2})$/;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

export default defineVunet({
  kind: 'vunet',
  name: 'vunetlwipv6',
  description: 'a user-level TCP/IP stack (lwIPv6) on a VDE network (slirp:// by default), served through vpoll fds',
  init(req, ctx) {
    const url = req.source || 'slirp://';
    const slirp = url.startsWith('slirp');
    const addr = req.options.addr ?? (slirp ? '10.0.2.15/24' : undefined);
    const gw = req.options.gw ?? (slirp && !req.options.addr ? '10.0.2.2' : undefined);
    const m4 = addr !== undefined ? IPV4_CIDR.exec(addr) : null;
    if (addr !== undefined && (!m4 || Number(m4[3]) > 32)) throw new Error(`bad addr=${addr} (A.B.C.D/N)`);
    if (gw !== undefined && !IPV4.test(gw)) throw new Error(`bad gw=${gw} (A.B.C.D)`);
    const a6 = req.options.addr6?.split('/');
    const addr6 = a6 ? ip6(a6[0]) : undefined;
    if (a6 && (!addr6 || a6.length !== 2 || !(Number(a6[1]) <= 128))) throw new Error(`bad addr6=${req.options.addr6} (X::Y/N)`);
    const gw6 = req.options.gw6 !== undefined ? ip6(req.options.gw6) : undefined;
    if (req.options.gw6 !== undefined && !gw6) throw new Error(`bad gw6=${req.options.gw6}`);

    const l = load();
    bridge ??= new EventBridge(l);
    const b = bridge;
    const stack = l.addStack(0);
    if (!stack) throw new Error('lwip_add_stack failed');
    const netif = l.addVdeif(stack, url, 0x800 /* NETIF_FLAG_AUTOCONF: IPv6 addresses from router advertisements */);
    if (!netif) { l.delStack(stack); throw new Error(`cannot connect lwIPv6 to ${url}`); }
    // lwIPv6 may keep pointers to the address structs: they live as long as the stack.
    const keep: Buffer[] = [];
    const k = (b: Buffer) => { keep.push(b); return b; };
    if (m4) l.addAddr(netif, k(ip4(m4[1])), k(mask4(Number(m4[3]))));
    if (gw) l.addRoute(stack, k(ip4('0.0.0.0')), k(mask4(0)), k(ip4(gw)), netif, 0);
    if (addr6 && a6) l.addAddr(netif, k(addr6), k(mask6(Number(a6[1]))));
    if (gw6) l.addRoute(stack, k(Buffer.alloc(16)), k(Buffer.alloc(16)), k(gw6), netif, 0);
    if (l.ifup(netif, 0) < 0) { l.delStack(stack); throw new Error('cannot bring the interface up'); }
    ctx.log(`${addr ?? 'no IPv4 address'}${gw ? ` via ${gw}` : ''}${req.options.addr6 ? `, ${req.options.addr6}` : ''} on ${url}`);

    const state: StackState = {
      sockets: new Set(),
      nextPort: EPHEMERAL_FIRST + Math.floor(Math.random() * 1000),
      pendingCalls: 0,
      outsidePeer: slirp && gw ? Buffer.from(gw.split('.').map(Number)) : undefined,
    };
    const sockets = state.sockets;
    return {
      supported_domain: (domain) => FAMILIES.has(domain),
      socket(domain, type, protocol, _caller, events) {
        const kind = type & 0xf;
        if (kind !== SOCK_STREAM && kind !== SOCK_DGRAM) return -94; // ESOCKTNOSUPPORT, which Node does not name
        if (protocol !== 0 && protocol !== (kind === SOCK_STREAM ? 6 : 17)) return -ERRNO.EPROTONOSUPPORT;
        const fd = l.socket(stack, domain, kind, protocol);
        if (fd < 0) return fd;
        return { kind: 'virtual', socket: new LwipSocket(l, b, fd, domain, type & 0xf, events, false, state) };
      },
      fini() {
        for (const s of [...sockets]) s.close();
        // lwip_del_stack, and lwIPv6's destructor at exit(), wait for
        // connects or closes still in flight (a connect to an unreachable
        // host: a minute or more): then the stack is left as it is and vu
        // ends with _exit.
        if (state.pendingCalls > 0) {
          const exitNow = koffi.load('libc.so.6').func('void _exit(int status)');
          process.once('exit', (code) => exitNow(code));
          return;
        }
        l.delStack(stack);
        keep.length = 0;
      },
    };
  },
});
