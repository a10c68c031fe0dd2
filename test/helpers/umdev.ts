// Helpers for the umdev tests: run real programs under `vu run` with
// device mounts, with a timeout, and check that vu itself ended normally.
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { mkTmp, rmTmp, ROOT, runNative, runVu, type RunOptions, type RunResult } from './run.js';

export { ROOT, runNative, runVu, type RunResult };

/** A real python3 binary (not a pyenv shim script, which is slow to start). */
export const PYTHON = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** ['--mount', a, '--mount', b …] */
export const mounts = (...specs: string[]): string[] => specs.flatMap((s) => ['--mount', s]);

/** Output as text. */
export const out = (r: RunResult): string => r.stdout.toString('utf8');
export const err = (r: RunResult): string => r.stderr.toString('utf8');

const DEFAULT_TIMEOUT = 30_000;

/**
 * Runs `vu run VUARGS -- CMD…` and asserts that it neither timed out nor was
 * killed by a signal (the guest's own status is left to the test).
 */
export async function vu(t: ExecutionContext, vuArgs: readonly string[], cmd: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await runVu(['run', ...vuArgs, '--', ...cmd], { timeout: DEFAULT_TIMEOUT, ...opts });
  t.false(r.timedOut, `vu run ${[...vuArgs, '--', ...cmd].join(' ')} timed out; stderr: ${err(r)}`);
  t.is(r.signal, null, `vu was killed by ${r.signal}`);
  return r;
}

/** Runs `bash -c SCRIPT bash ARGS…` under vu. */
export function vuBash(t: ExecutionContext, vuArgs: readonly string[], script: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return vu(t, vuArgs, ['bash', '-c', script, 'bash', ...args], opts);
}

/** Runs `python3 -c CODE ARGS…` under vu. */
export function vuPython(t: ExecutionContext, vuArgs: readonly string[], code: string, args: readonly string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return vu(t, vuArgs, [PYTHON, '-c', code, ...args], opts);
}

/** Runs a program natively (with a timeout) and asserts that it did not time out. */
export async function native(t: ExecutionContext, cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await runNative(cmd, args, { timeout: DEFAULT_TIMEOUT, ...opts });
  t.false(r.timedOut, `native ${cmd} ${args.join(' ')} timed out`);
  return r;
}

/** A temp dir removed when the test ends. */
export function tmpDir(t: ExecutionContext, prefix = 'vu-umdev-'): string {
  const dir = mkTmp(prefix);
  t.teardown(() => rmTmp(dir));
  return dir;
}

/** A sparse file of `size` bytes (like truncate -s) in dir. */
export function sparseFile(dir: string, name: string, size: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  try { fs.ftruncateSync(fd, size); } finally { fs.closeSync(fd); }
  return file;
}

export interface SfdiskPart { device: string; start: number; size: number; type: string }

/** Parses the partition lines of `sfdisk -d`. */
export function parseSfdiskDump(dump: string): SfdiskPart[] {
  const parts: SfdiskPart[] = [];
  for (const line of dump.split('\n')) {
    const m = /^(\S+)\s*:\s*start=\s*(\d+),\s*size=\s*(\d+),\s*type=([0-9A-Fa-f-]+)/.exec(line);
    if (m) parts.push({ device: m[1], start: Number(m[2]), size: Number(m[3]), type: m[4] });
  }
  return parts;
}

/** Native `sfdisk -d FILE`, parsed. */
export async function nativePartitions(t: ExecutionContext, image: string): Promise<{ dump: string; parts: SfdiskPart[] }> {
  const r = await native(t, 'sfdisk', ['-d', image]);
  t.is(r.status, 0, `native sfdisk -d failed: ${err(r)}`);
  return { dump: out(r), parts: parseSfdiskDump(out(r)) };
}

/** Reads `length` bytes of a file at `offset`. */
export function readAt(file: string, offset: number, length: number): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(length);
    const n = fs.readSync(fd, b, 0, length, offset);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}
