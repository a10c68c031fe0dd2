// The binary protocol between the tracer helper and the core; a mirror of
// hypervisor/tracer/protocol.h (offsets are the C structs' on x86_64).

export const MSG = {
  CONFIG: 1,
  REPLY: 2,
  SIGNAL: 3,
  FDBITS: 4,
  MOUNTS: 5,
  VPOLL: 6,
  STARTED: 101,
  SYSCALL: 102,
  FORK: 103,
  EXEC: 104,
  EXIT: 105,
  END: 106,
  VPOLL_FDS: 107,
} as const;

export const CFG_TRACE_ALL = 1;
export const CFG_NO_FILTER = 2;
export const CFG_MOUNTS = 4;
export const CFG_SOCKETS = 8;
export const CFG_VPOLL_FDS = 16;

export const PHASE_ENTRY = 1;
export const PHASE_EXIT = 2;

export const ACTION = { RESUME: 1, RESUME_EXIT: 2, SKIP: 3, INSTALL: 4, SOCKET_NETNS: 5, WAIT: 6 } as const;
export type Action = (typeof ACTION)[keyof typeof ACTION];

export const FORK_KIND = { 1: 'fork', 2: 'vfork', 3: 'clone' } as const;

/** A call stopped at entry or exit, waiting for a reply. */
export interface SyscallEvent {
  type: typeof MSG.SYSCALL;
  tid: number;
  tgid: number;
  nr: number;
  phase: number;
  cls: number;
  args: bigint[];
  ret: bigint;
  arch: number;
}
export interface StartedEvent { type: typeof MSG.STARTED; pid: number }
export interface ForkEvent {
  type: typeof MSG.FORK;
  parent: number;
  child: number;
  childTgid: number;
  kind: 'fork' | 'vfork' | 'clone';
  flags: bigint;
}
export interface ExecEvent { type: typeof MSG.EXEC; tid: number; oldTid: number }
export interface ExitEvent { type: typeof MSG.EXIT; tid: number; status: number }
export interface EndEvent { type: typeof MSG.END; status: number }
/** A new vpoll object's ends: fd numbers in the helper, and the mask they show. */
export interface VpollFdsEvent { type: typeof MSG.VPOLL_FDS; id: number; mask: number; local: number; guest: number }
export type HelperEvent = SyscallEvent | StartedEvent | ForkEvent | ExecEvent | ExitEvent | EndEvent | VpollFdsEvent;

/** Decode one complete frame (header included). Unknown types give undefined. */
export function decodeFrame(b: Buffer): HelperEvent | undefined {
  const type = b.readUInt32LE(4);
  switch (type) {
    case MSG.SYSCALL: {
      const args: bigint[] = [];
      for (let i = 0; i < 6; i++) args.push(b.readBigUInt64LE(24 + 8 * i));
      return {
        type, tid: b.readInt32LE(8), tgid: b.readInt32LE(12), nr: b.readInt32LE(16),
        phase: b.readUInt16LE(20), cls: b.readUInt16LE(22), args,
        ret: b.readBigInt64LE(72), arch: b.readUInt32LE(80),
      };
    }
    case MSG.STARTED: return { type, pid: b.readInt32LE(8) };
    case MSG.FORK: {
      const k = b.readInt32LE(20) as 1 | 2 | 3;
      return {
        type, parent: b.readInt32LE(8), child: b.readInt32LE(12), childTgid: b.readInt32LE(16),
        kind: FORK_KIND[k] ?? 'clone', flags: b.readBigUInt64LE(24),
      };
    }
    case MSG.EXEC: return { type, tid: b.readInt32LE(8), oldTid: b.readInt32LE(12) };
    case MSG.EXIT: return { type, tid: b.readInt32LE(8), status: b.readInt32LE(12) };
    case MSG.END: return { type, status: b.readInt32LE(8) };
    case MSG.VPOLL_FDS: return { type, id: b.readUInt32LE(8), mask: b.readUInt32LE(12), local: b.readInt32LE(16), guest: b.readInt32LE(20) };
    default: return undefined;
  }
}

/** flags, the seccomp filter, the per-fd filter template (may be empty), and the fast path's table (4 bytes per nr). */
export function encodeConfig(flags: number, filter: Buffer, fdFilter: Buffer, systab: Buffer): Buffer {
  const b = Buffer.alloc(24 + filter.length + fdFilter.length + systab.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt32LE(MSG.CONFIG, 4);
  b.writeUInt32LE(flags, 8);
  b.writeUInt32LE(filter.length / 8, 12);
  b.writeUInt32LE(systab.length / 4, 16);
  b.writeUInt32LE(fdFilter.length / 8, 20);
  filter.copy(b, 24);
  fdFilter.copy(b, 24 + filter.length);
  systab.copy(b, 24 + filter.length + fdFilter.length);
  return b;
}

export function encodeFdBits(tid: number, fd: number, on: boolean): Buffer {
  const b = Buffer.alloc(24);
  b.writeUInt32LE(24, 0);
  b.writeUInt32LE(MSG.FDBITS, 4);
  b.writeInt32LE(tid, 8);
  b.writeInt32LE(fd, 12);
  b.writeInt32LE(on ? 1 : 0, 16);
  return b;
}

/** Mount names for the fast path: [prefix flag byte, name, NUL]… */
export function encodeMounts(names: { name: string; prefix: boolean }[]): Buffer {
  const body = Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([n.prefix ? 1 : 0]), Buffer.from(n.name), Buffer.from([0])])));
  const b = Buffer.alloc(8 + body.length);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt32LE(MSG.MOUNTS, 4);
  body.copy(b, 8);
  return b;
}

export const VPOLL_CLOSE = 0xffffffff;
/** Answers to VPOLL_FDS: the core holds its own copies (the helper drops its), or it could not take them (the helper keeps applying). */
export const VPOLL_TAKEN = 0xfffffffe;
export const VPOLL_KEEP = 0xfffffffd;
export function encodeVpoll(id: number, mask: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(16, 0);
  b.writeUInt32LE(MSG.VPOLL, 4);
  b.writeUInt32LE(id, 8);
  b.writeUInt32LE(mask >>> 0, 12);
  return b;
}

/** id and mask of a VPOLL frame; undefined for any other frame. */
export function decodeVpoll(b: Buffer): { id: number; mask: number } | undefined {
  if (b.length < 16 || b.readUInt32LE(4) !== MSG.VPOLL) return undefined;
  return { id: b.readUInt32LE(8), mask: b.readUInt32LE(12) };
}

/** VU_INSTALL's value: vpoll id, initial mask, O_CLOEXEC. */
export function installValue(id: number, mask: number, cloexec: boolean): bigint {
  return BigInt(id) | (BigInt(mask & 0x7fffffff) << 32n) | (cloexec ? 1n << 63n : 0n);
}

export function encodeReply(tid: number, action: Action, value: bigint = 0n): Buffer {
  const b = Buffer.alloc(24);
  // value is signed on the C side; INSTALL uses all 64 bits
  value = BigInt.asIntN(64, value);
  b.writeUInt32LE(24, 0);
  b.writeUInt32LE(MSG.REPLY, 4);
  b.writeInt32LE(tid, 8);
  b.writeUInt32LE(action, 12);
  b.writeBigInt64LE(value, 16);
  return b;
}

/** VU_SOCKET_NETNS: the reply, then the namespace's path and a NUL. */
export function encodeNetnsReply(tid: number, nsPath: string): Buffer {
  const p = Buffer.from(nsPath + '\0');
  const len = (24 + p.length + 7) & ~7;
  const b = Buffer.alloc(len);
  b.writeUInt32LE(len, 0);
  b.writeUInt32LE(MSG.REPLY, 4);
  b.writeInt32LE(tid, 8);
  b.writeUInt32LE(ACTION.SOCKET_NETNS, 12);
  p.copy(b, 24);
  return b;
}

export function encodeSignal(sig: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32LE(16, 0);
  b.writeUInt32LE(MSG.SIGNAL, 4);
  b.writeInt32LE(sig, 8);
  return b;
}

/** Splits a byte stream into frames. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    while (this.buf.length - off >= 8) {
      const len = this.buf.readUInt32LE(off);
      if (len < 8) throw new Error(`bad frame length ${len} from the tracer helper`);
      if (this.buf.length - off < len) break;
      onFrame(this.buf.subarray(off, off + len));
      off += len;
    }
    this.buf = off === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(off);
  }
}
