// Builds the guest's seccomp-bpf filter from the syscall table.
// ALLOW: calls that can never touch a virtual resource; TRACE (with the
// call's class in SECCOMP_RET_DATA) for the rest, which the C fast path
// resumes at once unless something virtual may be involved.
import type { SyscallClass, SyscallInfo } from './syscall_types.js';
import { AUDIT_ARCH_X86_64, SYSCALLS_X86_64, X32_SYSCALL_BIT } from './syscalls_x86_64.js';

/** Same numbers as the CLS_* enum of hypervisor/tracer/vu-tracer.c. */
export const CLASS_NUMBER: Record<SyscallClass | 'other', number> = {
  never: 0, fd: 1, path: 2, at: 3, socket: 4, process: 5, cwd: 6, mgmt: 7, other: 8,
};

/** vu's reserved management call: unused by Linux, so ENOSYS outside a VM. */
export const VU_MGMT_NR = 0x7675;

const SECCOMP_RET_ALLOW = 0x7fff0000;
const SECCOMP_RET_TRACE = 0x7ff00000;
const BPF_LD_W_ABS = 0x20;
const BPF_JEQ_K = 0x15;
const BPF_JGE_K = 0x35;
const BPF_JA = 0x05;
const BPF_RET_K = 0x06;
const OFF_NR = 0;
const OFF_ARCH = 4;

interface Insn { code: number; jt: number; jf: number; k: number }
interface Range { from: number; to: number; action: number } // [from, to)

/**
 * Which calls stop:
 * - 'full': every call that may touch something virtual (used when modules
 *   are mounted, and to exercise the fast path);
 * - 'idle': only management calls (nothing virtual exists, so nothing else
 *   needs to stop: the guest runs at native speed).
 */
export type FilterMode = 'full' | 'idle' | 'mounts';

/** Calls decided by an fd alone: under 'mounts' they stop only through per-fd filters. */
export function isFdDecided(s: SyscallInfo): boolean {
  return (s.cls === 'fd' && s.name !== 'close_range') || (s.cls === 'cwd' && s.fdArg !== undefined) || (s.cls === 'cwd' && s.pathArg === undefined && s.fdArg === undefined);
}

function actionFor(s: SyscallInfo, mode: FilterMode): number {
  if (s.cls === 'never') return SECCOMP_RET_ALLOW;
  if (mode === 'idle' && s.cls !== 'mgmt') return SECCOMP_RET_ALLOW;
  if (mode === 'mounts' && isFdDecided(s)) return SECCOMP_RET_ALLOW;
  return SECCOMP_RET_TRACE | CLASS_NUMBER[s.cls];
}

function ranges(mode: FilterMode, table: readonly SyscallInfo[]): Range[] {
  const actions = new Map<number, number>();
  for (const s of table) actions.set(s.nr, actionFor(s, mode));
  actions.set(VU_MGMT_NR, SECCOMP_RET_TRACE | CLASS_NUMBER.mgmt);
  const nrs = [...actions.keys()].sort((a, b) => a - b);
  const out: Range[] = [];
  let cur: Range = { from: 0, to: 0, action: SECCOMP_RET_ALLOW };
  const push = (r: Range) => {
    const last = out[out.length - 1];
    if (last && last.action === r.action && last.to === r.from) last.to = r.to;
    else if (r.to > r.from) out.push({ ...r });
  };
  for (const nr of nrs) {
    if (nr > cur.to) push({ from: cur.to, to: nr, action: SECCOMP_RET_ALLOW }); // numbers Linux lacks: ENOSYS anyway
    cur = { from: nr, to: nr + 1, action: actions.get(nr)! };
    push(cur);
  }
  push({ from: cur.to, to: X32_SYSCALL_BIT, action: SECCOMP_RET_ALLOW });
  return out;
}

/** A binary search over the ranges; leaves return. Long jumps use BPF_JA. */
function tree(rs: Range[]): Insn[] {
  if (rs.length === 1) return [{ code: BPF_RET_K, jt: 0, jf: 0, k: rs[0].action }];
  const mid = rs.length >> 1;
  const left = tree(rs.slice(0, mid));
  const right = tree(rs.slice(mid));
  // nr >= rs[mid].from ? right : left
  if (left.length <= 255) {
    return [{ code: BPF_JGE_K, jt: left.length, jf: 0, k: rs[mid].from }, ...left, ...right];
  }
  return [
    { code: BPF_JGE_K, jt: 0, jf: 1, k: rs[mid].from },
    { code: BPF_JA, jt: 0, jf: 0, k: left.length },
    ...left, ...right,
  ];
}

export function buildFilter(mode: FilterMode, table: readonly SyscallInfo[] = SYSCALLS_X86_64): Buffer {
  const traceOther = SECCOMP_RET_TRACE | CLASS_NUMBER.other;
  const prog: Insn[] = [
    { code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_ARCH },
    // Another ABI (i386 int 0x80 has other numbers): let the tracer see it.
    { code: BPF_JEQ_K, jt: 1, jf: 0, k: AUDIT_ARCH_X86_64 },
    { code: BPF_RET_K, jt: 0, jf: 0, k: mode === 'idle' ? SECCOMP_RET_ALLOW : traceOther },
    { code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_NR },
    // x32 calls carry X32_SYSCALL_BIT: same treatment as a foreign ABI.
    { code: BPF_JGE_K, jt: 0, jf: 1, k: X32_SYSCALL_BIT },
    { code: BPF_RET_K, jt: 0, jf: 0, k: mode === 'idle' ? SECCOMP_RET_ALLOW : traceOther },
    ...tree(ranges(mode, table)),
  ];
  return encode(prog);
}

/** The fd placeholder of the per-fd template (the helper patches it). */
export const FD_PLACEHOLDER = 0xfffffff0;

/**
 * The per-fd filter the helper adds to a process once fd N is virtual in
 * it (mode 'mounts'): TRACE the calls whose fd arguments may be N, ALLOW
 * everything else. Filters stack and the kernel caps their total size, so
 * this one is small (about 30 instructions): any call whose first argument
 * is N stops (the fast path resumes the few that are not fd calls); for fds
 * in other positions (dup2's newfd, epoll_ctl's target, mmap's fd …) the
 * argument is compared first and the call number only when it matches.
 * Compares use the low 32 bits (the kernel reads an int).
 */
export function buildFdFilterTemplate(table: readonly SyscallInfo[] = SYSCALLS_X86_64): Buffer {
  const trace = SECCOMP_RET_TRACE | CLASS_NUMBER.fd;
  const byPosition = new Map<number, number[]>();
  let closeRange: number | undefined;
  for (const sc of table) {
    if (sc.name === 'close_range') { closeRange = sc.nr; continue; }
    if (!isFdDecided(sc)) continue;
    for (const pos of [sc.fdArg, sc.fd2Arg]) {
      if (pos === undefined || pos === 0) continue;
      if (!byPosition.has(pos)) byPosition.set(pos, []);
      byPosition.get(pos)!.push(sc.nr);
    }
  }
  // Built backwards so that every jump knows how far the end (ALLOW/TRACE) is.
  const tail: Insn[] = [
    { code: BPF_RET_K, jt: 0, jf: 0, k: SECCOMP_RET_ALLOW },
    { code: BPF_RET_K, jt: 0, jf: 0, k: trace },
  ];
  // Each group: ld arg; jeq N ? check numbers : skip group.
  const groups: Insn[][] = [];
  for (const [pos, nrs] of [...byPosition.entries()].sort((a, b) => a[0] - b[0])) {
    const g: Insn[] = [{ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: 16 + 8 * pos }];
    g.push({ code: BPF_JEQ_K, jt: 0, jf: nrs.length + 1, k: FD_PLACEHOLDER });
    g.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_NR });
    nrs.forEach((nr) => g.push({ code: BPF_JEQ_K, jt: 0xff /* patched: to TRACE */, jf: 0, k: nr }));
    groups.push(g);
  }
  const head: Insn[] = [
    { code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_ARCH },
    { code: BPF_JEQ_K, jt: 0, jf: 0xfe /* patched: to ALLOW */, k: AUDIT_ARCH_X86_64 },
    { code: BPF_LD_W_ABS, jt: 0, jf: 0, k: 16 },
    { code: BPF_JEQ_K, jt: 0xff, jf: 0, k: FD_PLACEHOLDER },
  ];
  if (closeRange !== undefined) {
    head.push({ code: BPF_LD_W_ABS, jt: 0, jf: 0, k: OFF_NR });
    head.push({ code: BPF_JEQ_K, jt: 0xff, jf: 0, k: closeRange });
  }
  const body: Insn[] = [...head, ...groups.flat()];
  const allowAt = body.length;
  const traceAt = body.length + 1;
  body.forEach((insn, i) => {
    if (insn.code === BPF_JEQ_K && insn.jt === 0xff) insn.jt = traceAt - i - 1;
    if (insn.code === BPF_JEQ_K && insn.jf === 0xfe) insn.jf = allowAt - i - 1;
  });
  const prog = [...body, ...tail];
  if (prog.some((p) => p.jt > 255 || p.jf > 255)) throw new Error('per-fd filter: a jump is too long');
  return encode(prog);
}

function encode(prog: Insn[]): Buffer {
  const b = Buffer.alloc(prog.length * 8);
  prog.forEach((p, i) => {
    b.writeUInt16LE(p.code, i * 8);
    b.writeUInt8(p.jt, i * 8 + 2);
    b.writeUInt8(p.jf, i * 8 + 3);
    b.writeUInt32LE(p.k >>> 0, i * 8 + 4);
  });
  return b;
}

/** Evaluates a filter for (arch, nr, args) like the kernel would: for tests. */
export function runFilter(filter: Buffer, arch: number, nr: number, args: number[] = []): number {
  let acc = 0;
  for (let pc = 0; pc < filter.length / 8;) {
    const code = filter.readUInt16LE(pc * 8);
    const jt = filter.readUInt8(pc * 8 + 2);
    const jf = filter.readUInt8(pc * 8 + 3);
    const k = filter.readUInt32LE(pc * 8 + 4);
    switch (code) {
      case BPF_LD_W_ABS:
        acc = k === OFF_ARCH ? arch : k === OFF_NR ? nr >>> 0 : k >= 16 && (k - 16) % 8 === 0 ? (args[(k - 16) / 8] ?? 0) >>> 0 : 0;
        pc++;
        break;
      case BPF_JEQ_K: pc += 1 + (acc === k ? jt : jf); break;
      case BPF_JGE_K: pc += 1 + (acc >= k ? jt : jf); break;
      case BPF_JA: pc += 1 + k; break;
      case BPF_RET_K: return k;
      default: throw new Error(`unknown BPF code ${code}`);
    }
  }
  throw new Error('filter fell off its end');
}

/** The fast path's table: for each nr, the fd, fd2, path, path2 argument indexes (0xff: none). */
export function buildSysargs(table: readonly SyscallInfo[] = SYSCALLS_X86_64): Buffer {
  const max = table.reduce((m, s) => Math.max(m, s.nr), 0);
  const b = Buffer.alloc((max + 1) * 4, 0xff);
  for (const s of table) {
    b[s.nr * 4] = s.fdArg ?? 0xff;
    b[s.nr * 4 + 1] = s.fd2Arg ?? 0xff;
    b[s.nr * 4 + 2] = s.pathArg ?? 0xff;
    b[s.nr * 4 + 3] = s.path2Arg ?? 0xff;
  }
  return b;
}
