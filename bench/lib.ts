// What the benchmark scripts (foundation.ts, umdev.ts) share: the options
// every one of them takes, finding programs, statistics over wall times and
// the parts of the machine description that read the same.
//
// `tool` is the script's name: it prefixes every message to stderr.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../hypervisor/paths.js';

/** vu's command line entry point. */
export const VU = path.join(ROOT, 'bin', 'vu.js');

// ---------------------------------------------------------------- options

/** The options every benchmark takes. */
export interface CommonOptions {
  runs: number;
  quiet: boolean;
  /** CPUs to pin every timed command to (taskset -c), or none. */
  cpus?: string;
  timeoutMs: number;
}

export function usageError(tool: string, usage: string, msg: string): never {
  process.stderr.write(`${tool}: ${msg}\n${usage}`);
  process.exit(2);
}

/**
 * Parses argv into `o` (which holds the defaults). `own` sees every argument
 * first and returns true when it took it (its script's own options); then come
 * --quiet, --runs N, --taskset CPUS, --timeout S and -h/--help. `value()`
 * reads an option's value from `--opt=value` or the next argument.
 */
export function parseOptions<O extends CommonOptions>(
  argv: string[],
  o: O,
  tool: string,
  usage: string,
  own: (a: string, value: () => string) => boolean,
): O {
  const fail = (msg: string): never => usageError(tool, usage, msg);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const eq = a.indexOf('=');
      if (eq >= 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) return fail(`${a} needs a value`);
      return v;
    };
    if (own(a, value)) continue;
    if (a === '--quiet') o.quiet = true;
    else if (a === '--runs' || a.startsWith('--runs=')) {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) fail('--runs takes a positive integer');
      o.runs = n;
    } else if (a === '--taskset' || a.startsWith('--taskset=')) {
      const v = value();
      if (!/^[0-9][0-9,-]*$/.test(v)) fail('--taskset takes a CPU list such as 0 or 0,1');
      o.cpus = v;
    } else if (a === '--timeout' || a.startsWith('--timeout=')) {
      const n = Number(value());
      if (!(n > 0)) fail('--timeout takes a positive number of seconds');
      o.timeoutMs = n * 1000;
    } else if (a === '-h' || a === '--help') { process.stdout.write(usage); process.exit(0); }
    else fail(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------- programs

export function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of an executable found in PATH, or undefined. */
export function which(name: string): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir || '.', name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** `which(name)`, or exit 1 saying that it is not installed. */
export function need(tool: string, name: string): string {
  const p = which(name);
  if (p) return p;
  process.stderr.write(`${tool}: '${name}' is not installed (run: npm run setup)\n`);
  process.exit(1);
}

/**
 * The Python interpreter itself. A version manager's shim (pyenv puts a bash
 * script first in PATH) would start a shell and a few helpers before Python,
 * and the runners would be measured on those: take the system interpreter
 * when there is one.
 */
export function pythonPath(tool: string): string {
  const found = which('python3');
  if (found && !/\/(shims|\.pyenv|\.asdf)\//.test(found)) return fs.realpathSync(found);
  if (isExecutable('/usr/bin/python3')) return fs.realpathSync('/usr/bin/python3');
  return need(tool, 'python3');
}

// ---------------------------------------------------------------- statistics

/** One timed run of a command. */
export interface Sample {
  ms: number;
  code: number | null;
  /** The signal that ended it, or 'timeout' when the benchmark killed it. */
  signal: NodeJS.Signals | 'timeout' | null;
}

export interface Stats { median: number; min: number; max: number; n: number; failures: string[] }

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Median, min and max of xs; failures = the samples that did not exit 0. */
export function summarize(xs: number[], samples: Sample[] = []): Stats {
  const failures = samples.filter((s) => s.code !== 0).map((s) => s.signal ?? `exit ${s.code}`);
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length, failures };
}

/** The statistics of the wall times of samples. */
export function timeStats(samples: Sample[]): Stats { return summarize(samples.map((s) => s.ms), samples); }

// ---------------------------------------------------------------- machine

/** The first non-empty line a command prints (stdout, then stderr), or '?'. */
export function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '?';
}

/** The report's date line: now, UTC, to the second. */
export function dateLine(): string {
  return `- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`;
}

export function cpuModel(): string {
  return os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
}

export function ramGiB(): string {
  return `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`;
}

/** vu's commit (short hash), or '(no git)'. */
export function vuCommit(): string {
  const r = spawnSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '(no git)';
}

/** The report's line about pinning, if every command runs under `pin`. */
export function pinLines(pin: string[]): string[] {
  return pin.length ? [`- every command pinned: \`${pin.join(' ')}\``] : [];
}
