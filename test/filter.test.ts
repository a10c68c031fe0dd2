// Unit tests of the core: the seccomp filter generator (evaluated with
// runFilter, like the kernel would), the fd and process tables, exitCodeOf.
import test from 'ava';
import { buildFdFilterTemplate, buildFilter, FD_PLACEHOLDER, runFilter, VU_MGMT_NR } from '../hypervisor/core/filter.js';
import { SYSCALLS_X86_64, SYSCALL_BY_NAME, AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, X32_SYSCALL_BIT } from '../hypervisor/core/syscalls_x86_64.js';
import { FdTable, type VirtualFile } from '../hypervisor/core/fd_table.js';
import { ProcessTable } from '../hypervisor/core/processes.js';
import { exitCodeOf } from '../hypervisor/vm.js';

const ALLOW = 0x7fff0000;
const TRACE = 0x7ff00000;
// The class numbers the C helper expects in SECCOMP_RET_DATA (CLS_* in vu-tracer.c).
const CLASS: Record<string, number> = { never: 0, fd: 1, path: 2, at: 3, socket: 4, process: 5, cwd: 6, mgmt: 7, other: 8 };
const hex = (n: number) => '0x' + (n >>> 0).toString(16);

test('filter, idle mode: everything is allowed except mount, umount2 and the vu management call', (t) => {
  const f = buildFilter('idle');
  t.true(SYSCALLS_X86_64.length > 300);
  const traced: string[] = [];
  for (const s of SYSCALLS_X86_64) {
    const r = runFilter(f, AUDIT_ARCH_X86_64, s.nr);
    if (s.name === 'mount' || s.name === 'umount2') {
      t.is(hex(r), hex(TRACE | CLASS.mgmt), s.name);
      traced.push(s.name);
    } else if (r !== ALLOW) {
      t.fail(`${s.name} (${s.nr}) gives ${hex(r)} in idle mode, not ALLOW`);
    }
  }
  t.deepEqual(traced.sort(), ['mount', 'umount2']);
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, VU_MGMT_NR)), hex(TRACE | CLASS.mgmt));
});

test('filter, full mode: "never" calls are allowed, every other call is traced with its class', (t) => {
  const f = buildFilter('full');
  let tracedCount = 0;
  for (const s of SYSCALLS_X86_64) {
    const r = runFilter(f, AUDIT_ARCH_X86_64, s.nr);
    if (s.cls === 'never') {
      if (r !== ALLOW) t.fail(`${s.name} (${s.nr}) is 'never' but gives ${hex(r)}`);
      continue;
    }
    tracedCount++;
    if ((r & 0xffff0000) >>> 0 !== TRACE || (r & 0xffff) !== CLASS[s.cls]) {
      t.fail(`${s.name} (${s.nr}, ${s.cls}) gives ${hex(r)}, not ${hex(TRACE | CLASS[s.cls])}`);
    }
  }
  t.true(tracedCount > 100);
  // Spot checks of each kind.
  const nr = (name: string) => SYSCALLS_X86_64.find((s) => s.name === name)!.nr;
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('read'))), hex(TRACE | CLASS.fd));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('open'))), hex(TRACE | CLASS.path));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('openat'))), hex(TRACE | CLASS.at));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('socket'))), hex(TRACE | CLASS.socket));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('execve'))), hex(TRACE | CLASS.process));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('chdir'))), hex(TRACE | CLASS.cwd));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('mount'))), hex(TRACE | CLASS.mgmt));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, nr('getpid'))), hex(ALLOW));
  t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, VU_MGMT_NR)), hex(TRACE | CLASS.mgmt));
});

test('filter, full mode: a foreign arch (i386) and x32 numbers are traced', (t) => {
  const f = buildFilter('full');
  for (const nr of [0, 1, 5, 11, 120, 300]) {
    t.is(hex(runFilter(f, AUDIT_ARCH_I386, nr)), hex(TRACE | CLASS.other), `i386 call ${nr}`);
  }
  for (const nr of [0, 1, 2, 59, 257, 512, 520]) {
    t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT | nr)), hex(TRACE | CLASS.other), `x32 call ${nr}`);
  }
});

test('filter: numbers Linux lacks are allowed (the kernel answers ENOSYS)', (t) => {
  const known = new Set(SYSCALLS_X86_64.map((s) => s.nr));
  const last = Math.max(...known);
  const missing = [1000, 4096, last + 1, 0x7674, 0x7676, 0x3fffffff];
  for (let nr = 0; nr < last; nr++) if (!known.has(nr)) missing.push(nr);
  t.true(missing.length > 6);
  for (const mode of ['idle', 'full'] as const) {
    const f = buildFilter(mode);
    for (const nr of missing) {
      if (known.has(nr) || nr === VU_MGMT_NR) continue;
      const r = runFilter(f, AUDIT_ARCH_X86_64, nr);
      if (r !== ALLOW) t.fail(`${mode}: number ${nr} gives ${hex(r)}, not ALLOW`);
    }
    t.is(hex(runFilter(f, AUDIT_ARCH_X86_64, 1000)), hex(ALLOW), mode);
  }
});

// ---------- fd and process tables ----------

function vfile(module = 'test'): VirtualFile & { released: number } {
  const f = { module, refs: 0, released: 0, release() { f.released++; } };
  return f;
}

// Pids above the kernel's pid_max (4194304): /proc has nothing for them.
const P = 5_000_001;
const C = 5_000_002;
const T = 5_000_003;
const CLONE_FILES = 0x400n;
const CLONE_THREAD = 0x10000n;
const THREAD_FLAGS = 0x100n | 0x200n | CLONE_FILES | 0x800n | CLONE_THREAD | 0x40000n | 0x80000n | 0x100000n | 0x200000n;
const SIGCHLD = 17n;

test('fork copies the fd table: same files, independent tables', (t) => {
  const pt = new ProcessTable();
  const parent = pt.addFirst(P);
  const f = vfile();
  parent.fds.set(3, f, false);
  const child = pt.onClone(P, C, SIGCHLD);
  t.is(child.tgid, C);
  t.not(child.fds, parent.fds);
  t.deepEqual(child.fds.fds(), [3]);
  t.is(child.fds.get(3)!.file, f);
  t.is(f.refs, 2);
  t.is(pt.processCount, 2);
  // Closing in the child leaves the parent's fd, and the file, alone.
  t.true(child.fds.close(3));
  t.deepEqual(child.fds.fds(), []);
  t.deepEqual(parent.fds.fds(), [3]);
  t.is(f.released, 0);
  // A new fd in the child is not in the parent.
  child.fds.set(4, vfile(), false);
  t.is(parent.fds.get(4), undefined);
  t.true(parent.fds.close(3));
  t.is(f.released, 1);
});

test('CLONE_FILES shares the fd table', (t) => {
  const pt = new ProcessTable();
  const parent = pt.addFirst(P);
  const child = pt.onClone(P, C, CLONE_FILES | SIGCHLD);
  t.is(child.tgid, C);
  t.not(child, parent);
  t.is(child.fds, parent.fds);
  t.is(parent.fds.users, 2);
  const f = vfile();
  child.fds.set(5, f, false);
  t.is(parent.fds.get(5)?.file, f);
  t.is(f.refs, 1);
  // One of them exits: the table stays for the other.
  pt.onExit(C);
  t.is(parent.fds.users, 1);
  t.is(parent.fds.get(5)?.file, f);
  t.is(f.released, 0);
});

test('execve drops O_CLOEXEC entries and unshares a CLONE_FILES table', (t) => {
  const pt = new ProcessTable();
  const parent = pt.addFirst(P);
  const child = pt.onClone(P, C, CLONE_FILES | SIGCHLD);
  const keep = vfile('keep');
  const cloexec = vfile('cloexec');
  parent.fds.set(3, cloexec, true);
  parent.fds.set(4, keep, false);
  const shared = parent.fds;

  const { process: after, closed } = pt.onExec(C, C);
  t.is(after, child);
  t.deepEqual(closed, [3]);
  t.not(child.fds, shared, 'the table is still shared after execve');
  t.deepEqual(child.fds.fds(), [4], 'the O_CLOEXEC fd survived execve');
  t.is(child.fds.get(4)!.file, keep);
  // The parent's table is untouched and no longer shared.
  t.is(parent.fds, shared);
  t.deepEqual(parent.fds.fds(), [3, 4]);
  t.is(parent.fds.users, 1);
  t.is(cloexec.released, 0, 'a file the parent still has was released');
  t.is(keep.refs, 2);

  // Without sharing: the O_CLOEXEC file goes away and is released.
  const own = vfile('own');
  parent.fds.set(7, own, true);
  t.deepEqual(pt.onExec(P, P).closed, [3, 7]);
  t.deepEqual(parent.fds.fds(), [4]);
  t.is(own.released, 1);
  t.is(cloexec.released, 1);
  t.is(keep.released, 0);
});

test('a thread exit keeps the process', (t) => {
  const pt = new ProcessTable();
  const p = pt.addFirst(P);
  const f = vfile();
  p.fds.set(3, f, false);
  const same = pt.onClone(P, T, THREAD_FLAGS);
  t.is(same, p);
  t.is(pt.process(T), p);
  t.deepEqual([...p.threads].sort(), [P, T]);
  t.is(pt.processCount, 1);
  t.is(pt.threadCount, 2);
  t.is(pt.onExit(T), undefined);
  t.is(pt.byPid(P), p);
  t.is(pt.process(T), undefined);
  t.is(pt.threadCount, 1);
  t.deepEqual(p.fds.fds(), [3]);
  t.is(f.released, 0);
});

test('the last thread exit removes the process and releases its files', (t) => {
  const pt = new ProcessTable();
  const p = pt.addFirst(P);
  const f = vfile();
  p.fds.set(3, f, false);
  pt.onClone(P, T, THREAD_FLAGS);
  // The leader ends first: the process lives on in its other thread.
  t.is(pt.onExit(P), undefined);
  t.is(pt.byPid(P), p);
  t.is(pt.processCount, 1);
  const gone = pt.onExit(T);
  t.is(gone, p);
  t.is(pt.byPid(P), undefined);
  t.is(pt.process(T), undefined);
  t.is(pt.processCount, 0);
  t.is(pt.threadCount, 0);
  t.is(f.released, 1);
  t.is(p.fds.size, 0);
});

test('exitCodeOf: exit codes as they are, signals as 128 + number', (t) => {
  t.is(exitCodeOf(0), 0);
  t.is(exitCodeOf(7 << 8), 7);
  t.is(exitCodeOf(255 << 8), 255);
  t.is(exitCodeOf(2), 130); // SIGINT
  t.is(exitCodeOf(9), 137); // SIGKILL
  t.is(exitCodeOf(15), 143); // SIGTERM
  t.is(exitCodeOf(0x80 | 11), 139); // SIGSEGV with a core dump
});

test('per-fd filter: calls with the virtual fd in an fd position stop, others do not', (t) => {
  const tmpl = Buffer.from(buildFdFilterTemplate());
  t.true(tmpl.length / 8 < 64, 'small, so that many can stack');
  const fd = 5;
  for (let i = 0; i < tmpl.length / 8; i++) if (tmpl.readUInt32LE(i * 8 + 4) === FD_PLACEHOLDER) tmpl.writeUInt32LE(fd, i * 8 + 4);
  const nr = (name: string) => SYSCALL_BY_NAME.get(name)!.nr;
  const run = (name: string, args: number[]) => runFilter(tmpl, AUDIT_ARCH_X86_64, nr(name), args) >>> 0;
  const TRACE_FD = TRACE | 1;
  t.is(run('read', [5, 0, 1]), TRACE_FD);
  t.is(run('read', [3, 0, 5]), ALLOW, 'a count equal to the fd does not stop read');
  t.is(run('dup2', [3, 5]), TRACE_FD, 'dup2 onto the fd');
  t.is(run('epoll_ctl', [7, 1, 5]), TRACE_FD);
  t.is(run('mmap', [0, 4096, 3, 2, 5, 0]), TRACE_FD);
  t.is(run('mmap', [0, 4096, 5, 2, 3, 0]), ALLOW, 'prot equal to the fd does not stop mmap');
  t.is(run('close_range', [3, 100]), TRACE_FD);
  t.is(runFilter(tmpl, AUDIT_ARCH_I386, 3, [5]) >>> 0, ALLOW, 'other ABIs are the base filter\'s business');
});
