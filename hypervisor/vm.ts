// A partial virtual machine: one tracer helper, one guest process tree, and
// the core that follows it (process table, guest memory, trace).
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import type { Socket } from 'node:net';
import { buildFilter, buildSysargs, type FilterMode } from './core/filter.js';
import { GuestMemory } from './core/memory.js';
import { ProcessTable } from './core/processes.js';
import {
  ACTION, CFG_TRACE_ALL, FrameReader, MSG, PHASE_ENTRY, decodeFrame, encodeConfig, encodeReply,
  encodeSignal, type HelperEvent, type SyscallEvent,
} from './core/protocol.js';
import { SYSCALL_BY_NR } from './core/syscalls_x86_64.js';
import { TraceFormatter, signalName } from './core/trace_format.js';
import { TraceLog } from './core/trace_log.js';
import { TRACER } from './paths.js';

export interface RunOptions {
  command: string[];
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
  private log?: TraceLog;
  private fmt: TraceFormatter;
  private entries = new Map<number, { text: string; nr: number; args: bigint[] }>();
  private stats = new Map<string, CallStats>();
  private endStatus?: number;
  mainPid?: number;

  constructor(private opts: RunOptions) {
    this.fmt = new TraceFormatter(this.memory);
  }

  private get traceAll(): boolean { return !!this.opts.trace || !!this.opts.summary; }

  /** Runs the guest to the end; resolves to vu's exit code. */
  run(): Promise<number> {
    if (this.opts.trace) this.log = new TraceLog(typeof this.opts.trace === 'string' ? this.opts.trace : undefined);
    const helper = spawn(TRACER, ['--', ...this.opts.command], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'] });
    this.helper = helper;
    const control = helper.stdio[3] as Socket;
    this.control = control;
    const flags = this.traceAll ? CFG_TRACE_ALL : 0;
    control.write(encodeConfig(flags, buildFilter(this.opts.filter ?? 'idle'), buildSysargs()));

    const onSignal = (sig: NodeJS.Signals) => control.write(encodeSignal(osSignal(sig)));
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
        this.processes.addFirst(ev.pid);
        break;
      case MSG.FORK:
        this.processes.onClone(ev.parent, ev.child, ev.flags);
        break;
      case MSG.EXEC: {
        this.memory.forget(ev.tid);
        const e = this.entries.get(ev.oldTid);
        if (e && ev.oldTid !== ev.tid) { this.entries.delete(ev.oldTid); this.entries.set(ev.tid, e); }
        this.processes.onExec(ev.tid, ev.oldTid);
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
      case MSG.SYSCALL:
        this.onSyscall(ev);
        break;
    }
  }

  private onSyscall(ev: SyscallEvent): void {
    const info = SYSCALL_BY_NR[ev.nr];
    if (ev.phase === PHASE_ENTRY) {
      if (this.traceAll) {
        const text = this.log ? this.fmt.call(info, ev.nr, ev.tgid, ev.args, undefined) : '';
        this.entries.set(ev.tid, { text, nr: ev.nr, args: ev.args });
        // Calls that never return print at once.
        if (info && (info.name === 'exit' || info.name === 'exit_group')) {
          this.count(info.name, false);
          this.log?.line(`${ev.tid} ${text} = ?`);
          this.entries.delete(ev.tid);
          this.reply(ev.tid, ACTION.RESUME);
          return;
        }
        this.reply(ev.tid, ACTION.RESUME_EXIT);
      } else {
        // Management calls: no module can answer yet, so they run in the
        // kernel (mount/umount2 as they are, vu's own call gets ENOSYS).
        this.reply(ev.tid, ACTION.RESUME);
      }
      return;
    }
    const entry = this.entries.get(ev.tid);
    this.entries.delete(ev.tid);
    const name = info?.name ?? `syscall_${ev.nr}`;
    const isError = ev.ret < 0n && ev.ret >= -4095n;
    this.count(name, isError);
    if (this.log) {
      // Calls with output buffers are decoded again to show what the kernel
      // wrote; the others keep their entry text (execve's memory is gone).
      const args = !entry ? `${name}(...)`
        : info?.args.includes('buf_out') ? this.fmt.call(info, ev.nr, ev.tgid, entry.args, ev.ret) : entry.text;
      this.log.line(`${ev.tid} ${args} = ${this.fmt.result(info, ev.ret)} real`);
    }
    this.reply(ev.tid, ACTION.RESUME);
  }

  private count(name: string, error: boolean): void {
    let s = this.stats.get(name);
    if (!s) this.stats.set(name, (s = { calls: 0, errors: 0, module: 'real' }));
    s.calls++;
    if (error) s.errors++;
  }

  private printSummary(): void {
    const rows = [...this.stats.entries()].sort((a, b) => b[1].calls - a[1].calls);
    const total = rows.reduce((n, [, s]) => n + s.calls, 0);
    const errors = rows.reduce((n, [, s]) => n + s.errors, 0);
    const lines = ['', '   calls  errors  syscall              served by', '-------- ------- -------------------- ---------'];
    for (const [name, s] of rows) lines.push(`${String(s.calls).padStart(8)} ${String(s.errors || '').padStart(7)}  ${name.padEnd(20)} ${s.module}`);
    lines.push('-------- ------- -------------------- ---------');
    lines.push(`${String(total).padStart(8)} ${String(errors).padStart(7)}  total`);
    process.stderr.write(lines.join('\n') + '\n');
  }
}

function osSignal(sig: NodeJS.Signals): number {
  return (osConstants.signals as Record<string, number>)[sig] ?? osConstants.signals.SIGTERM;
}
