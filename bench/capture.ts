// Running one command for a benchmark: its wall time, and what it printed
// (the network benchmarks take their numbers from the clients, which time
// themselves, so vu's start-up and the stack's set-up stay out of the rate).
//
// Every command leads a process group of its own; a run that outlives its
// timeout is killed with its whole group (vu's helper and guests die with
// it: PR_SET_PDEATHSIG, PTRACE_O_EXITKILL), and so is every command still
// running when the benchmark exits or is interrupted.
import { spawn } from 'node:child_process';
import os from 'node:os';

export interface Captured {
  /** Wall time from spawn to exit, ms. */
  ms: number;
  code: number | null;
  /** The signal that ended it, or 'timeout' when we killed it. */
  signal: NodeJS.Signals | 'timeout' | null;
  stdout: string;
  /** The last few KiB of stderr. */
  stderr: string;
}

const live = new Set<number>();

function killGroup(pid: number): void {
  try { process.kill(-pid, 'SIGKILL'); } catch { /* already gone */ }
}

let hooked = false;
/** Kills what is running when the benchmark ends, however it ends. */
function hookExit(tool: string): void {
  if (hooked) return;
  hooked = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      for (const pid of live) killGroup(pid);
      process.stderr.write(`${tool}: ${sig}: killed ${live.size} running command(s)\n`);
      process.exit(128 + (os.constants.signals[sig] ?? 1));
    });
  }
  process.on('exit', () => { for (const pid of live) killGroup(pid); });
}

export interface CaptureOptions {
  tool: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Discard stdout (a timed command whose output is not the result, e.g. find /usr). */
  ignoreStdout?: boolean;
}

/** Runs argv to its end; stdout whole, stderr's tail. Rejects only if it cannot be spawned. */
export function capture(argv: string[], o: CaptureOptions): Promise<Captured> {
  hookExit(o.tool);
  return new Promise((resolve, reject) => {
    let timedOut = false;
    let stdout = '';
    let stderr = '';
    const t0 = process.hrtime.bigint();
    let t1 = 0n;
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', o.ignoreStdout ? 'ignore' : 'pipe', 'pipe'], detached: true, env: o.env ?? process.env });
    const pid = child.pid;
    if (pid !== undefined) live.add(pid);
    child.stdout?.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => { stdout += d; });
    child.stderr!.on('data', (d: string) => { stderr = (stderr + d).slice(-4096); });
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid); else child.kill('SIGKILL');
    }, o.timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      if (pid !== undefined) live.delete(pid);
      reject(e);
    });
    child.once('exit', () => { t1 = process.hrtime.bigint(); });
    // 'close': the exit and the end of both pipes.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (pid !== undefined) {
        // Whatever it left running in its group (a background server) goes now.
        killGroup(pid);
        live.delete(pid);
      }
      if (t1 === 0n) t1 = process.hrtime.bigint();
      resolve({ ms: Number(t1 - t0) / 1e6, code, signal: timedOut ? 'timeout' : signal, stdout, stderr });
    });
  });
}

/** The last lines of a run's stderr on one line, for a progress message. */
export function stderrTail(c: Captured, lines = 2): string {
  return c.stderr.trim().split('\n').slice(-lines).join(' / ');
}
