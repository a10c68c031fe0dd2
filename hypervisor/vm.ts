// A partial virtual machine: one tracer helper, one guest process tree, and
// the core that follows it (process table, guest memory, trace).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Socket } from 'node:net';
import { buildFdFilterTemplate, buildFilter, buildSysargs, type FilterMode } from './core/filter.js';
import { GuestMemory } from './core/memory.js';
import { ProcessTable } from './core/processes.js';
import {
  ACTION, CFG_MOUNTS, CFG_SOCKETS, CFG_TRACE_ALL, encodeNetnsReply, FrameReader, encodeMounts, installValue, MSG, PHASE_ENTRY, decodeFrame, encodeConfig, encodeReply,
  encodeSignal, type HelperEvent, type SyscallEvent, CFG_VPOLL_FDS, encodeVpoll, VPOLL_KEEP,
} from './core/protocol.js';
import { SYSCALL_BY_NR } from './core/syscalls_x86_64.js';
import { TraceFormatter, signalName } from './core/trace_format.js';
import { TraceLog } from './core/trace_log.js';
import { TOOLS_BIN, TRACER } from './paths.js';
import { Dispatcher, type Decision } from './core/dispatch.js';
import { ModuleError, loadModule, parseMountSpec } from './core/modules.js';
import { MountTable, type StackMount } from './core/mounts.js';
import type { VuModule } from './module_api.js';
import { vpollLibc } from './vpoll/libc.js';
import { SocketpairEnds } from './vpoll/socketpair_ends.js';

export interface RunOptions {
  command: string[];
  /** --mount specifications (type=…,source=…,target=…,opts). */
  mounts?: string[];
  /** --insmod: modules to load (by name or path) before mounting. */
  insmod?: string[];
  /** --stack: the target of a mounted network stack the guest's socket() calls use. */
  stack?: string;
  /** Print every call: true for stderr, a string for a file. */
  trace?: boolean | string;
  /** Count calls per name and print a table when the guest ends. */
  summary?: boolean;
  /** Which calls stop when not tracing (default: 'idle' while nothing is virtual). */
  filter?: FilterMode;
}

interface CallStats { calls: number; errors: number; module: string }

/** Signals sent to vu itself that go to the guest instead. */
const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

export function exitCodeOf(waitStatus: number): number {
  const sig = waitStatus & 0x7f;
  if (sig === 0) return (waitStatus >> 8) & 0xff; // exited
  if (sig !== 0x7f) return 128 + sig; // killed by a signal, as a shell reports it
  return 125;
}

export class VirtualMachine {
  readonly processes = new ProcessTable();
  readonly memory = new GuestMemory();
  private helper?: ChildProcess;
  private control?: Socket;
  /** The core's copies of vpoll sockets; without them events go through the helper. */
  private ends?: SocketpairEnds;
  private log?: TraceLog;
  private fmt: TraceFormatter;
  readonly mounts = new MountTable();
  private defaultStack?: StackMount;
  private modules = new Map<string, VuModule>();
  private dispatcher: Dispatcher;
  private entries = new Map<number, { text: string; nr: number; args: bigint[]; by: string; exit?: (ret: bigint) => bigint | undefined | void }>();
  private stats = new Map<string, CallStats>();
  private endStatus?: number;
  mainPid?: number;

  constructor(private opts: RunOptions) {
    this.fmt = new TraceFormatter(this.memory);
    this.dispatcher = new Dispatcher({
      processes: this.processes,
      memory: this.memory,
      mounts: this.mounts,
      send: (frame) => (this.ends ? this.ends.send(frame) : this.control?.write(frame)),
      log: (m) => this.warn(m),
    });
  }

  private warn(message: string): void {
    this.log?.flush();
    process.stderr.write(`vu: ${message}\n`);
  }

  /** Loads --insmod modules and mounts --mount instances; a bad one throws a one-line ModuleError. */
  async prepare(): Promise<void> {
    for (const m of this.opts.insmod ?? []) {
      const mod = await loadModule(m);
      this.modules.set(mod.name, mod);
    }
    for (const spec of this.opts.mounts ?? []) {
      const req = parseMountSpec(spec);
      let mod = this.modules.get(req.type);
      if (!mod) {
        try { mod = await loadModule(req.type); } catch (e) {
          throw new ModuleError(`--mount ${spec}: unknown type "${req.type}" (${(e as Error).message})`);
        }
        this.modules.set(mod.name, mod);
      }
      if (this.mounts.get(req.target)) throw new ModuleError(`--mount ${spec}: ${req.target} is already mounted`);
      const label = `${mod.name} ${req.target}`;
      const ctx = { log: (msg: string) => this.warn(`${label}: ${msg}`) };
      try {
        if (mod.kind === 'umdev') {
          const device = await mod.init(req, ctx);
          this.mounts.add({ kind: 'umdev', module: mod, device, target: req.target, label, mountedAt: new Date() });
        } else {
          const stack = await mod.init(req, ctx);
          this.mounts.add({ kind: 'vunet', module: mod, stack, target: req.target, label, mountedAt: new Date() });
        }
      } catch (e) {
        throw new ModuleError(`--mount ${spec}: ${(e as Error).message}`);
      }
    }
    if (this.opts.stack !== undefined) {
      const m = this.mounts.get(this.opts.stack);
      if (!m || m.kind !== 'vunet') {
        throw new ModuleError(`--stack ${this.opts.stack}: no network stack is mounted there (mount one with --mount type=vunet…,target=${this.opts.stack})`);
      }
      this.defaultStack = m;
    }
  }

  /** Unmounts everything (modules flush their state). */
  private async teardown(): Promise<void> {
    for (const m of this.mounts.all()) {
      try { await (m.kind === 'umdev' ? m.device.fini?.() : m.stack.fini?.()); } catch (e) { this.warn(`${m.label}: fini failed: ${(e as Error).message}`); }
      this.mounts.remove(m.target);
    }
  }

  private get traceAll(): boolean { return !!this.opts.trace || !!this.opts.summary; }

  /** Runs the guest to the end; resolves to vu's exit code. */
  async run(): Promise<number> {
    try {
      await this.prepare();
    } catch (e) {
      if (!(e instanceof ModuleError)) throw e;
      process.stderr.write(`vu: ${e.message}\n`);
      await this.teardown();
      return 2;
    }
    const code = await this.runGuest();
    await this.teardown();
    return code;
  }

  private runGuest(): Promise<number> {
    if (this.opts.trace) this.log = new TraceLog(typeof this.opts.trace === 'string' ? this.opts.trace : undefined);
    // With something mounted, vu's own commands (vustack) are on the guest's
    // PATH, last so they never hide the guest's own programs.
    const env = this.mounts.size ? { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:${TOOLS_BIN}` } : process.env;
    const helper = spawn(TRACER, ['--', ...this.opts.command], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], env });
    this.helper = helper;
    const control = helper.stdio[3] as Socket;
    this.control = control;
    // With devices mounted the core sets their fds' readiness itself when
    // it can take copies of the helper's sockets: one wake-up per event
    // (core -> guest) instead of two (core -> helper -> guest).
    const libc = this.mounts.devices().length ? vpollLibc() : undefined;
    if (libc && helper.pid !== undefined) this.ends = new SocketpairEnds(libc, helper.pid, (f) => control.write(f), (m) => this.warn(m));
    const flags = (this.traceAll ? CFG_TRACE_ALL : 0) | CFG_MOUNTS | (this.mounts.stacks().length ? CFG_SOCKETS : 0) |
      (this.ends ? CFG_VPOLL_FDS : 0);
    // With something mounted, every call that may reach it must stop: path
    // calls through the base filter, fd calls through per-fd filters the
    // helper adds when an fd becomes virtual (so real fds never stop).
    const mode: FilterMode = this.mounts.size ? (this.opts.filter === 'full' ? 'full' : 'mounts') : this.opts.filter ?? 'idle';
    const fdFilter = mode === 'mounts' && !this.traceAll ? buildFdFilterTemplate() : Buffer.alloc(0);
    // --trace stops every call at entry and exit already: no filter, whose
    // seccomp stops would come on top of the syscall-entry stops.
    const filter = this.traceAll ? Buffer.alloc(0) : buildFilter(mode);
    control.write(encodeConfig(flags, filter, fdFilter, buildSysargs()));
    control.write(encodeMounts(this.mounts.fastPathNames()));

    // The guest's first process gets the signal; before it exists, the
    // helper delivers it once it does.
    const onSignal = (sig: NodeJS.Signals) => {
      if (this.mainPid === undefined) { control.write(encodeSignal(osSignal(sig))); return; }
      try { process.kill(this.mainPid, sig); } catch { /* already gone */ }
    };
    for (const s of FORWARDED) process.on(s, onSignal);

    const reader = new FrameReader();
    control.on('data', (chunk: Buffer) => reader.push(chunk, (f) => this.onFrame(f)));
    control.on('error', () => { /* the helper's exit says what happened */ });

    return new Promise((resolve) => {
      helper.on('error', (e) => {
        process.stderr.write(`vu: cannot start the tracer helper ${TRACER}: ${e.message} (run: npm run setup)\n`);
        resolve(125);
      });
      helper.on('exit', (code, signal) => {
        for (const s of FORWARDED) process.off(s, onSignal);
        this.finish();
        if (this.endStatus !== undefined) resolve(exitCodeOf(this.endStatus));
        else {
          process.stderr.write(`vu: the tracer helper ended unexpectedly (${signal ?? code})\n`);
          resolve(125);
        }
      });
    });
  }

  private finish(): void {
    if (this.opts.summary) this.printSummary();
    this.log?.close();
    this.memory.closeAll();
    this.ends?.closeAll();
  }

  private onFrame(frame: Buffer): void {
    const ev = decodeFrame(frame);
    if (!ev) return;
    try {
      this.onEvent(ev);
    } catch (e) {
      process.stderr.write(`vu: internal error on ${JSON.stringify(ev, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}: ${(e as Error).stack}\n`);
      if (ev.type === MSG.SYSCALL) this.reply(ev.tid, ACTION.RESUME);
    }
  }

  private reply(tid: number, action: (typeof ACTION)[keyof typeof ACTION], value = 0n): void {
    this.control?.write(encodeReply(tid, action, value));
  }

  private onEvent(ev: HelperEvent): void {
    switch (ev.type) {
      case MSG.STARTED:
        this.mainPid = ev.pid;
        this.processes.addFirst(ev.pid).stack = this.defaultStack;
        break;
      case MSG.FORK:
        this.processes.onClone(ev.parent, ev.child, ev.flags);
        break;
      case MSG.EXEC: {
        this.memory.forget(ev.tid);
        const e = this.entries.get(ev.oldTid);
        if (e && ev.oldTid !== ev.tid) { this.entries.delete(ev.oldTid); this.entries.set(ev.tid, e); }
        const { process: p, closed } = this.processes.onExec(ev.tid, ev.oldTid);
        this.dispatcher.afterExec(p, closed);
        break;
      }
      case MSG.EXIT: {
        const pending = this.entries.get(ev.tid);
        if (pending && this.log) this.log.line(`${ev.tid} ${pending.text} = ?`);
        this.entries.delete(ev.tid);
        const p = this.processes.onExit(ev.tid);
        if (p) this.memory.forget(p.tgid);
        if (this.log) {
          const st = ev.status;
          const how = (st & 0x7f) === 0 ? `exited with ${(st >> 8) & 0xff}` : `killed by ${signalName(st & 0x7f)}`;
          this.log.line(`${ev.tid} +++ ${how} +++`);
        }
        break;
      }
      case MSG.END:
        this.endStatus = ev.status;
        break;
      case MSG.VPOLL_FDS:
        if (this.ends) this.ends.offered(ev.id, ev.local, ev.guest, ev.mask);
        else this.control?.write(encodeVpoll(ev.id, VPOLL_KEEP));
        break;
      case MSG.SYSCALL:
        this.onSyscall(ev);
        break;
    }
  }

  private onSyscall(ev: SyscallEvent): void {
    if (ev.phase === PHASE_ENTRY) {
      let d: Decision | Promise<Decision>;
      try {
        d = this.dispatcher.entry(ev);
      } catch (e) {
        d = this.moduleFailure(ev, e);
      }
      if (d instanceof Promise) d.catch((e: unknown) => this.moduleFailure(ev, e)).then((x) => this.decide(ev, x));
      else this.decide(ev, d);
      return;
    }
    this.onExitPhase(ev);
  }

  /** A module threw: that call fails with EIO, the VM goes on. */
  private moduleFailure(ev: SyscallEvent, e: unknown): Decision {
    const name = SYSCALL_BY_NR[ev.nr]?.name ?? `syscall_${ev.nr}`;
    this.warn(`${name} by pid ${ev.tid} failed in a module: ${(e as Error)?.stack ?? String(e)}`);
    return { kind: 'skip', value: -5n, by: 'module error' };
  }

  private decide(ev: SyscallEvent, d: Decision): void {
    const info = SYSCALL_BY_NR[ev.nr];
    const name = info?.name ?? `syscall_${ev.nr}`;
    const text = () => (this.log ? this.fmt.call(info, ev.nr, ev.tgid, ev.args, undefined) : '');
    switch (d.kind) {
      case 'skip': {
        this.count(name, d.value < 0n && d.value >= -4095n, d.by);
        if (this.log) this.log.line(`${ev.tid} ${this.fmt.call(info, ev.nr, ev.tgid, ev.args, d.value)} = ${this.fmt.result(info, d.value)} ${d.by}`);
        this.reply(ev.tid, ACTION.SKIP, d.value);
        return;
      }
      case 'install':
        this.entries.set(ev.tid, { text: text(), nr: ev.nr, args: ev.args, by: d.by, exit: d.exit });
        this.reply(ev.tid, ACTION.INSTALL, installValue(d.file.vpollId, d.mask, d.cloexec));
        return;
      case 'wait':
        // The thread waits natively for the module's event, then calls again.
        this.reply(ev.tid, ACTION.WAIT, waitValue(d.fd, d.events, d.timeoutMs ?? 0));
        return;
      case 'netns':
        this.entries.set(ev.tid, { text: text(), nr: ev.nr, args: ev.args, by: d.by });
        this.control?.write(encodeNetnsReply(ev.tid, d.path));
        return;
      case 'real':
        if (!this.traceAll && !d.exit) { this.reply(ev.tid, ACTION.RESUME); return; }
        if (this.traceAll && info && (info.name === 'exit' || info.name === 'exit_group')) {
          this.count(info.name, false, 'real');
          this.log?.line(`${ev.tid} ${text()} = ?`);
          this.reply(ev.tid, ACTION.RESUME);
          return;
        }
        this.entries.set(ev.tid, { text: this.traceAll ? text() : '', nr: ev.nr, args: ev.args, by: 'real', exit: d.exit });
        this.reply(ev.tid, ACTION.RESUME_EXIT);
        return;
    }
  }

  private onExitPhase(ev: SyscallEvent): void {
    const info = SYSCALL_BY_NR[ev.nr];
    const entry = this.entries.get(ev.tid);
    this.entries.delete(ev.tid);
    const name = info?.name ?? `syscall_${ev.nr}`;
    let ret = ev.ret;
    let changed = false;
    if (entry?.exit) {
      try {
        const r = entry.exit(ret);
        if (typeof r === 'bigint') { ret = r; changed = true; }
      } catch (e) {
        this.warn(`${name}: internal error at exit: ${(e as Error).stack}`);
      }
    }
    const isError = ret < 0n && ret >= -4095n;
    if (this.traceAll) {
      this.count(name, isError, entry?.by ?? 'real');
      if (this.log) {
        // Calls with output buffers are decoded again to show what the kernel
        // wrote; the others keep their entry text (execve's memory is gone).
        const args = !entry ? `${name}(...)`
          : info?.args.includes('buf_out') ? this.fmt.call(info, ev.nr, ev.tgid, entry.args, ret) : entry.text;
        this.log.line(`${ev.tid} ${args} = ${this.fmt.result(info, ret)} ${entry?.by ?? 'real'}`);
      }
    }
    if (changed) this.reply(ev.tid, ACTION.SKIP, ret);
    else this.reply(ev.tid, ACTION.RESUME);
  }

  private count(name: string, error: boolean, by = 'real'): void {
    const key = by === 'real' ? name : `${name}\0${by}`;
    let s = this.stats.get(key);
    if (!s) this.stats.set(key, (s = { calls: 0, errors: 0, module: by }));
    s.calls++;
    if (error) s.errors++;
  }

  private printSummary(): void {
    const rows = [...this.stats.entries()].sort((a, b) => b[1].calls - a[1].calls);
    const total = rows.reduce((n, [, s]) => n + s.calls, 0);
    const errors = rows.reduce((n, [, s]) => n + s.errors, 0);
    const lines = ['', '   calls  errors  syscall              served by', '-------- ------- -------------------- ---------'];
    for (const [key, s] of rows) {
      const name = key.split('\0')[0];
      lines.push(`${String(s.calls).padStart(8)} ${String(s.errors || '').padStart(7)}  ${name.padEnd(20)} ${s.module}`);
    }
    lines.push('-------- ------- -------------------- ---------');
    lines.push(`${String(total).padStart(8)} ${String(errors).padStart(7)}  total`);
    process.stderr.write(lines.join('\n') + '\n');
  }
}

/** VU_WAIT's value: fd | events << 32 | timeout << 48 (ms up to 32767, else seconds with bit 63). */
export function waitValue(fd: number, events: number, timeoutMs: number): bigint {
  let t = 0n;
  if (timeoutMs > 0) t = timeoutMs <= 0x7fff ? BigInt(timeoutMs) : (BigInt(Math.min(Math.ceil(timeoutMs / 1000), 0x7fff)) | 0x8000n);
  return BigInt(fd >>> 0) | (BigInt(events & 0xffff) << 32n) | (t << 48n);
}

function osSignal(sig: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[sig] ?? osConstants.signals.SIGTERM;
}
