// Shared helpers for the vu tests: run a program natively or under
// `node bin/vu.js`, with a timeout, collecting its output as bytes.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this module's location (dist/test/helpers or test/helpers). */
export const ROOT: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (package.json)');
    dir = up;
  }
  return dir;
})();

export const VU = path.join(ROOT, 'bin', 'vu.js');
export const PROGS = path.join(ROOT, 'test', 'progs', 'bin');
/** Path of a compiled test program (test/progs/bin/NAME). */
export const prog = (name: string): string => path.join(PROGS, name);

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  /** Exit status, or null when killed by a signal. */
  status: number | null;
  /** The signal that ended the process, or null. */
  signal: NodeJS.Signals | null;
  /** Wall-clock run time in milliseconds. */
  ms: number;
  /** True when the helper had to kill the process because of the timeout. */
  timedOut: boolean;
}

export interface RunOptions {
  /** Bytes written to stdin (then closed); without it stdin is /dev/null. */
  input?: string | Buffer;
  /** Kill the process (SIGKILL) after this many ms. Default 60 s. */
  timeout?: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Running {
  child: ChildProcess;
  /** Resolves when the process has ended and its output is complete. */
  done: Promise<RunResult>;
  /** Output received so far. */
  stdoutSoFar(): Buffer;
  stderrSoFar(): Buffer;
}

/** Starts a process; the caller may signal it while it runs. */
export function start(cmd: string, args: readonly string[], opts: RunOptions = {}): Running {
  const spawnOpts: SpawnOptions = {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  };
  const t0 = Date.now();
  const child = spawn(cmd, [...args], spawnOpts);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (b: Buffer) => out.push(b));
  child.stderr!.on('data', (b: Buffer) => err.push(b));
  if (opts.input !== undefined) {
    child.stdin!.on('error', () => { /* the program may not read everything */ });
    child.stdin!.end(opts.input);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, opts.timeout ?? 60_000);
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    // 'close': the process ended and its stdio streams are drained.
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), status, signal, ms: Date.now() - t0, timedOut });
    });
  });
  return { child, done, stdoutSoFar: () => Buffer.concat(out), stderrSoFar: () => Buffer.concat(err) };
}

/** Runs CMD ARGS natively. */
export function runNative(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return start(cmd, args, opts).done;
}

/** Starts `node bin/vu.js ARGS` (e.g. ['run', '--', 'true']). */
export function startVu(args: readonly string[], opts: RunOptions = {}): Running {
  return start(process.execPath, [VU, ...args], opts);
}

/** Runs `node bin/vu.js ARGS`. */
export function runVu(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return startVu(args, opts).done;
}

/** The shell's view of how a process ended: the status, or 128 + signal. */
export function shellStatus(r: RunResult): number {
  if (r.status !== null) return r.status;
  if (r.signal !== null) return 128 + os.constants.signals[r.signal];
  return -1;
}

/** A temp dir under os.tmpdir(); remove it with rmTmp. */
export function mkTmp(prefix = 'vu-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTmp(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Pids of processes whose full command line matches the regex (pgrep -f). */
export async function pgrep(pattern: string, extra: readonly string[] = []): Promise<number[]> {
  const r = await runNative('pgrep', [...extra, '-f', pattern], { timeout: 10_000 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`pgrep failed: ${r.stderr.toString()}`);
  return r.stdout.toString().split('\n').filter(Boolean).map(Number);
}

/** Polls `check` every `interval` ms until it returns a value that is not undefined, or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, interval = 50): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() >= end) return undefined;
    await sleep(interval);
  }
}

/** Bytes as text, one char per byte: t.is on these compares bytes exactly and shows readable diffs. */
export const bytes = (b: Buffer): string => b.toString('latin1');

/** The `vu run` options of each mode the transparency tests use. */
export type Mode = 'default' | 'full' | 'trace';
export function modeArgs(mode: Mode, traceFile?: string): string[] {
  switch (mode) {
    case 'default': return [];
    case 'full': return ['--filter', 'full'];
    case 'trace': {
      if (!traceFile) throw new Error('trace mode needs a file');
      return [`--trace=${traceFile}`];
    }
  }
}
