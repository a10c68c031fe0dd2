// Decodes a stopped call's arguments and result for `vu run --trace`,
// strace-style: name(arg, …) = result.
import os from 'node:os';
import type { ArgKind, SyscallInfo } from './syscall_types.js';
import type { GuestMemory } from './memory.js';

const ERRNO_NAME = new Map<number, string>();
for (const [name, n] of Object.entries(os.constants.errno)) if (!ERRNO_NAME.has(n)) ERRNO_NAME.set(n, name);
// Kernel-internal restart codes a tracer can see at syscall exit.
ERRNO_NAME.set(512, 'ERESTARTSYS');
ERRNO_NAME.set(513, 'ERESTARTNOINTR');
ERRNO_NAME.set(514, 'ERESTARTNOHAND');
ERRNO_NAME.set(516, 'ERESTART_RESTARTBLOCK');

const SIGNAL_NAME = new Map<number, string>();
for (const [name, n] of Object.entries(os.constants.signals)) if (!SIGNAL_NAME.has(n)) SIGNAL_NAME.set(n, name);

export function errnoName(e: number): string { return ERRNO_NAME.get(e) ?? `E${e}`; }
export function signalName(s: number): string { return SIGNAL_NAME.get(s) ?? `SIG${s}`; }

const AT_FDCWD = -100;
const OPEN_FLAGS: [number, string][] = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o10000, 'O_DSYNC'], [0o20000, 'O_ASYNC'], [0o40000, 'O_DIRECT'],
  [0o100000, 'O_LARGEFILE'], [0o200000, 'O_DIRECTORY'], [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'],
  [0o2000000, 'O_CLOEXEC'], [0o4000000, 'O_SYNC'], [0o10000000, 'O_PATH'],
];
const AT_FLAGS: [number, string][] = [
  [0x100, 'AT_SYMLINK_NOFOLLOW'], [0x200, 'AT_REMOVEDIR|AT_EACCESS'], [0x400, 'AT_SYMLINK_FOLLOW'],
  [0x800, 'AT_NO_AUTOMOUNT'], [0x1000, 'AT_EMPTY_PATH'], [0x2000, 'AT_STATX_FORCE_SYNC'], [0x4000, 'AT_STATX_DONT_SYNC'],
  [0x8000, 'AT_RECURSIVE'],
];
const CLONE_FLAGS: [number, string][] = [
  [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'], [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'],
  [0x10000, 'CLONE_THREAD'], [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'],
  [0x100000, 'CLONE_PARENT_SETTID'], [0x200000, 'CLONE_CHILD_CLEARTID'], [0x800000, 'CLONE_UNTRACED'],
  [0x1000000, 'CLONE_CHILD_SETTID'], [0x2000000, 'CLONE_NEWCGROUP'], [0x4000000, 'CLONE_NEWUTS'],
  [0x8000000, 'CLONE_NEWIPC'], [0x10000000, 'CLONE_NEWUSER'], [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'], [0x80000000, 'CLONE_IO'],
];
const WHENCE = ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'];
const AF_NAMES: Record<number, string> = { 0: 'AF_UNSPEC', 1: 'AF_UNIX', 2: 'AF_INET', 10: 'AF_INET6', 16: 'AF_NETLINK', 17: 'AF_PACKET' };

function bits(v: number, table: [number, string][], rest: (r: number) => string): string {
  const parts: string[] = [];
  let left = v >>> 0;
  for (const [bit, name] of table) if (left & bit) { parts.push(name); left &= ~bit >>> 0; }
  if (left || parts.length === 0) parts.push(rest(left));
  return parts.join('|');
}

const MAX_STR = 32;

function quote(b: Buffer, truncated: boolean): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    const nextIsDigit = i + 1 < b.length && b[i + 1] >= 0x30 && b[i + 1] <= 0x37;
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    // a short octal escape would swallow a following digit: pad it then
    else s += '\\' + (nextIsDigit ? c.toString(8).padStart(3, '0') : c.toString(8));
  }
  return s + '"' + (truncated ? '...' : '');
}

const hex = (v: bigint) => (v === 0n ? 'NULL' : '0x' + v.toString(16));
const signed = (v: bigint) => BigInt.asIntN(64, v);

export class TraceFormatter {
  constructor(private mem: GuestMemory) {}

  private str(tgid: number, addr: bigint): string {
    if (addr === 0n) return 'NULL';
    const s = this.mem.readString(tgid, addr, 4096);
    return s === undefined ? hex(addr) : quote(Buffer.from(s, 'latin1'), false);
  }

  private bytes(tgid: number, addr: bigint, len: bigint): string {
    if (addr === 0n) return 'NULL';
    if (len === 0n) return '""';
    const n = Number(len > BigInt(MAX_STR) ? BigInt(MAX_STR) : len < 0n ? 0n : len);
    const b = this.mem.read(tgid, addr, n);
    if (!b) return hex(addr);
    return quote(b, len > BigInt(n));
  }

  private argv(tgid: number, addr: bigint): string {
    if (addr === 0n) return 'NULL';
    const out: string[] = [];
    for (let i = 0; i < 32; i++) {
      const p = this.mem.readU64(tgid, addr + BigInt(8 * i));
      if (p === undefined) return hex(addr);
      if (p === 0n) return `[${out.join(', ')}]`;
      out.push(this.str(tgid, p));
    }
    return `[${out.join(', ')}, ...]`;
  }

  private envCount(tgid: number, addr: bigint): string {
    if (addr === 0n) return 'NULL';
    let n = 0;
    for (; n < 100000; n++) {
      const p = this.mem.readU64(tgid, addr + BigInt(8 * n));
      if (p === undefined) return hex(addr);
      if (p === 0n) break;
    }
    return `${hex(addr)} /* ${n} vars */`;
  }

  private sockaddr(tgid: number, addr: bigint, len: bigint): string {
    if (addr === 0n) return 'NULL';
    const b = this.mem.read(tgid, addr, Math.min(Number(len), 128));
    if (!b || b.length < 2) return hex(addr);
    const family = b.readUInt16LE(0);
    const fam = AF_NAMES[family] ?? String(family);
    if (family === 2 && b.length >= 8) return `{sa_family=${fam}, sin_port=htons(${b.readUInt16BE(2)}), sin_addr=inet_addr("${b[4]}.${b[5]}.${b[6]}.${b[7]}")}`;
    if (family === 1) return `{sa_family=${fam}, sun_path=${quote(b.subarray(2, b.indexOf(0, 2) >= 0 ? b.indexOf(0, 2) : b.length), false)}}`;
    if (family === 10 && b.length >= 24) {
      const a: string[] = [];
      for (let i = 0; i < 8; i++) a.push(b.readUInt16BE(8 + 2 * i).toString(16));
      return `{sa_family=${fam}, sin6_port=htons(${b.readUInt16BE(2)}), sin6_addr="${a.join(':')}"}`;
    }
    return `{sa_family=${fam}, ...}`;
  }

  /** One argument; `atExit` is true when output buffers hold the kernel's data. */
  arg(kind: ArgKind, tgid: number, args: bigint[], i: number, ret: bigint | undefined): string {
    const v = args[i];
    const n32 = Number(BigInt.asIntN(32, v));
    switch (kind) {
      case 'int': return signed(v).toString();
      case 'uint': return v.toString();
      case 'hex': return '0x' + v.toString(16);
      case 'ptr': return hex(v);
      case 'fd': return String(n32);
      case 'dirfd': return n32 === AT_FDCWD ? 'AT_FDCWD' : String(n32);
      case 'path':
      case 'str': return this.str(tgid, v);
      case 'buf_in': return this.bytes(tgid, v, args[i + 1] ?? 0n);
      case 'buf_out': return ret !== undefined && signed(ret) >= 0 ? this.bytes(tgid, v, ret) : hex(v);
      case 'open_flags': {
        const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][n32 & 3];
        const rest = n32 & ~3;
        return rest ? `${acc}|${bits(rest, OPEN_FLAGS, (r) => '0x' + r.toString(16))}` : acc;
      }
      case 'mode': return '0' + (v & 0o7777n).toString(8);
      case 'at_flags': return v === 0n ? '0' : bits(n32, AT_FLAGS, (r) => '0x' + r.toString(16));
      case 'signal': return n32 === 0 ? '0' : signalName(n32);
      case 'sockaddr': return this.sockaddr(tgid, v, args[i + 1] ?? 0n);
      case 'argv': return this.argv(tgid, v);
      case 'envp': return this.envCount(tgid, v);
      case 'clone_flags': {
        const sig = n32 & 0xff;
        const rest = n32 & ~0xff;
        const f = rest ? bits(rest, CLONE_FLAGS, (r) => '0x' + r.toString(16)) : '';
        return [f, sig ? signalName(sig) : ''].filter(Boolean).join('|') || '0';
      }
      case 'whence': return WHENCE[n32] ?? String(n32);
    }
  }

  /** name(args) with entry-time values; output buffers are decoded at exit. */
  call(info: SyscallInfo | undefined, nr: number, tgid: number, args: bigint[], ret: bigint | undefined): string {
    if (!info) return `syscall_${nr}(${args.map(hex).join(', ')})`;
    let kinds = info.args;
    // open/openat take a mode only with O_CREAT or O_TMPFILE.
    const flagsAt = kinds.indexOf('open_flags');
    if (flagsAt >= 0 && kinds[flagsAt + 1] === 'mode' && !(Number(args[flagsAt] & 0xffffffffn) & (0o100 | 0o20000000))) {
      kinds = kinds.slice(0, flagsAt + 1);
    }
    const parts = kinds.map((k, i) => this.arg(k, tgid, args, i, ret));
    return `${info.name}(${parts.join(', ')})`;
  }

  result(info: SyscallInfo | undefined, ret: bigint): string {
    const r = signed(ret);
    if (r < 0n && r >= -4095n) return `-1 ${errnoName(Number(-r))}`;
    if (info?.ret === 'hex') return '0x' + ret.toString(16);
    return r.toString();
  }
}
