// The API a module author writes against. A module is a file whose default
// export is an operations table (UmdevModule or, later, VunetModule).
//
// Conventions, as in the kernel: a method returns a value or a negative
// errno (use the ERRNO constants), never throws for a guest's error. A
// method may be synchronous or return a Promise. A thrown exception is a
// module bug: that one call fails with EIO and vu logs it.
import { constants } from 'node:os';

/** errno numbers by name (ERRNO.ENOENT …); return them negated. */
export const ERRNO = constants.errno;

/** A result: a value, or a negative errno. */
export type Result<T> = T | number;
export type MaybePromise<T> = T | Promise<T>;

/** What `--mount type=T,source=S,target=P,k=v…` asked for. */
export interface MountRequest {
  /** The module's name (type=). */
  type: string;
  /** source= (an image file, a VDE url …), '' when absent. */
  source: string;
  /** target= : the absolute path where the instance appears. */
  target: string;
  /** Every other key=value of the mount option, as given. */
  options: Readonly<Record<string, string>>;
}

/** What vu gives a module instance. */
export interface ModuleContext {
  /** Logs a line to vu's stderr, prefixed with the instance's name. */
  log(message: string): void;
}

/** A guest pointer argument of an ioctl: read and write guest memory. */
export interface IoctlArg {
  /** The raw argument (a pointer or an integer, depending on the request). */
  readonly value: bigint;
  /** Reads len bytes at the pointer; undefined if the guest's pointer is bad. */
  read(len: number): Buffer | undefined;
  /** Writes bytes at the pointer; false if the guest's pointer is bad (return -EFAULT). */
  write(data: Buffer): boolean;
}

/** Which guest made a call. */
export interface Caller {
  pid: number;
  tid: number;
}

/** Poll events a module raises on a guest's fd (the EPOLL* values). */
export const EPOLL = { IN: 0x001, PRI: 0x002, OUT: 0x004, ERR: 0x008, HUP: 0x010, RDHUP: 0x2000 } as const;

/**
 * The readiness of one open file as the guest's poll/select/epoll see it.
 * A method that returns -EAGAIN for a blocking guest makes the guest wait,
 * natively, until the module raises the matching event (IN for reads, OUT
 * for writes); then the call is made again. With the socketpair backend,
 * HUP and RDHUP are final, and PRI and ERR do not reach the guest.
 */
export interface VpollEvents {
  readonly mask: number;
  set(mask: number): void;
  add(bits: number): void;
  del(bits: number): void;
}

// ---------------------------------------------------------------- umdev

/** One open file of a device: what open() returned, passed back to every call. */
export type DeviceHandle = object;

/**
 * A mounted device instance: `target` is the device itself; `subdevices`
 * (e.g. partitions: target hda, subdevices hda1, hda2 …) are optional.
 */
export interface UmdevDevice<H extends DeviceHandle = DeviceHandle> {
  /** 'char' or 'block': what stat reports (S_IFCHR / S_IFBLK). */
  readonly type: 'char' | 'block';
  /** Major number, and the minor number of the device itself; subdevice n has minor + n. */
  readonly major: number;
  readonly minor: number;
  /** Permission bits (default 0o660 for block, 0o666 for char). */
  readonly mode?: number;

  /**
   * A name next to the target that starts with the target's name (hda1 for
   * hda): return its subdevice number (≥ 1) if it exists, else undefined.
   */
  confirm_subdev?(suffix: string): number | undefined;

  /** Size in bytes of the device (sub 0) or a subdevice: lseek SEEK_END, BLKGETSIZE64. */
  size?(sub: number): bigint;

  /**
   * open(2); flags are the guest's O_* flags. events starts as IN|OUT
   * (always ready, like a disk); a device whose calls may block keeps it up
   * to date and returns -EAGAIN when not ready.
   */
  open(sub: number, flags: number, caller: Caller, events: VpollEvents): MaybePromise<Result<H>>;
  close?(h: H): MaybePromise<void>;

  /** Reads up to `length` bytes at `offset`. Returns the bytes (short at the end) or -errno. */
  pread(h: H, length: number, offset: bigint): MaybePromise<Result<Buffer>>;
  /** Writes `data` at `offset`. Returns the count written or -errno. */
  pwrite(h: H, data: Buffer, offset: bigint): MaybePromise<Result<number>>;

  /**
   * Stream devices (no offsets, like a tty or /dev/null) may implement
   * read/write instead; when present they are used for read(2)/write(2).
   */
  read?(h: H, length: number): MaybePromise<Result<Buffer>>;
  write?(h: H, data: Buffer): MaybePromise<Result<number>>;

  /** ioctl(2): the result, or -ENOTTY for a request the device does not know. */
  ioctl?(h: H, request: number, arg: IoctlArg): MaybePromise<Result<number>>;
  fsync?(h: H): MaybePromise<Result<number>>;

  /** Unmount: release everything (flush an image file …). */
  fini?(): MaybePromise<void>;
}

/** The operations table a umdev module file exports (as its default export). */
export interface UmdevModule {
  readonly kind: 'umdev';
  readonly name: string;
  readonly description: string;
  /** Creates the instance mounted at request.target; -errno or throw an Error with a one-line reason on bad options. */
  init(request: MountRequest, ctx: ModuleContext): MaybePromise<UmdevDevice>;
}

// ---------------------------------------------------------------- vunet

/** Address families by name, for supported_domain. */
export const AF = { UNIX: 1, INET: 2, INET6: 10, NETLINK: 16, PACKET: 17 } as const;

/**
 * A socket of a user-level stack (its packets are not the kernel's): the
 * guest holds a vpoll fd, and every call on it comes here. Addresses are
 * raw `struct sockaddr` bytes as the guest wrote them / wants them.
 *
 * Methods never block: when a call cannot proceed they return -EAGAIN, and
 * vu makes a blocking guest wait natively on its fd until the socket raises
 * the matching event (IN for recv/accept, OUT for send/connect), then calls
 * again; a non-blocking guest gets the EAGAIN. So the socket must keep its
 * VpollEvents true to its state: IN when data, a connection or EOF is
 * waiting, OUT when a send would proceed, HUP/RDHUP when the peer is gone.
 */
export interface VunetSocket {
  bind(addr: Buffer): MaybePromise<number>;
  /**
   * Starts a connection: 0 when connected at once, -EINPROGRESS while it
   * goes on (raise OUT when it ends), then on later calls -EALREADY while
   * pending, its error once if it failed, -EISCONN when connected.
   */
  connect(addr: Buffer): MaybePromise<number>;
  listen(backlog: number): MaybePromise<number>;
  /** A waiting connection: its socket (whose readiness is `events`) and the peer's address. */
  accept(events: VpollEvents): MaybePromise<Result<{ socket: VunetSocket; addr: Buffer }>>;
  getsockname(): MaybePromise<Result<Buffer>>;
  getpeername(): MaybePromise<Result<Buffer>>;
  /**
   * Up to `length` bytes (MSG_PEEK, MSG_TRUNC … in flags); 0 bytes is EOF.
   * addr: the sender, for datagrams; flags: msg_flags (MSG_TRUNC …). With
   * MSG_TRUNC a datagram socket may return the whole datagram: vu copies
   * what fits and returns its full length, as the kernel does.
   */
  recvmsg(length: number, flags: number): MaybePromise<Result<{ data: Buffer; addr?: Buffer; flags?: number }>>;
  /** Sends data (to addr for datagrams); returns the count sent. */
  sendmsg(data: Buffer, addr: Buffer | undefined, flags: number): MaybePromise<Result<number>>;
  setsockopt(level: number, name: number, value: Buffer): MaybePromise<number>;
  /** The option's value (at most `length` bytes), or -errno (-ENOPROTOOPT for one it does not know). */
  getsockopt(level: number, name: number, length: number): MaybePromise<Result<Buffer>>;
  shutdown(how: number): MaybePromise<number>;
  /** ioctl(2) other than the fd-flag ones vu answers itself (FIONBIO, FIOCLEX …); -ENOTTY when unknown. */
  ioctl?(request: number, arg: IoctlArg): MaybePromise<Result<number>>;
  /** The last fd referring to the socket was closed. */
  close(): MaybePromise<void>;
}

/**
 * Where a guest's socket() is made:
 * - { kind: 'kernel' }: by the kernel, as the guest asked (the host's network);
 * - { kind: 'netns', path }: by the kernel inside the network namespace at
 *   path (a file the guest can open: /proc/PID/ns/net, /proc/PID/fd/N …).
 *   The guest then holds a real kernel socket: every later call on it runs
 *   natively, at full speed;
 * - { kind: 'virtual', socket }: by the module (a user-level TCP/IP stack):
 *   the guest holds a vpoll fd and its calls reach `socket`. vu keeps the
 *   fd's O_NONBLOCK, O_CLOEXEC, SO_RCVTIMEO and SO_SNDTIMEO itself.
 */
export type SocketPlacement = { kind: 'kernel' } | { kind: 'netns'; path: string } | { kind: 'virtual'; socket: VunetSocket };

/** A mounted network stack. */
export interface VunetStack {
  /** The families this stack serves; others stay the kernel's (AF_UNIX always does). */
  supported_domain(domain: number): boolean;
  /**
   * A socket for the guest, or -errno. type includes SOCK_NONBLOCK/SOCK_CLOEXEC
   * (vu handles both). `events` is the readiness of the guest's fd, used
   * only when the socket is 'virtual'; it starts as 0.
   */
  socket(domain: number, type: number, protocol: number, caller: Caller, events: VpollEvents): MaybePromise<Result<SocketPlacement>>;
  /** Unmount: release the stack. */
  fini?(): MaybePromise<void>;
}

/** The operations table a vunet module file exports (as its default export). */
export interface VunetModule {
  readonly kind: 'vunet';
  readonly name: string;
  readonly description: string;
  init(request: MountRequest, ctx: ModuleContext): MaybePromise<VunetStack>;
}

/** Helps module files type their table: `export default defineVunet({ … })`. */
export function defineVunet<M extends VunetModule>(m: M): M {
  return m;
}

export type VuModule = UmdevModule | VunetModule;

/** Helps module files type their table: `export default defineUmdev({ … })`. */
export function defineUmdev<M extends UmdevModule>(m: M): M {
  return m;
}

/** Parses sizes such as 512, 64K, 64M, 1G (powers of 1024). undefined if malformed. */
export function parseSize(text: string): bigint | undefined {
  const m = /^(\d+)([KMGT]?)i?B?$/i.exec(text.trim());
  if (!m) return undefined;
  const mult = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return BigInt(m[1]) * mult;
}
