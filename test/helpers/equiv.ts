// "Identical to native": run a command natively and under vu in one test and
// compare stdout bytes, stderr bytes and how it ended.
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { bytes, mkTmp, modeArgs, rmTmp, runNative, runVu, shellStatus, type Mode, type RunOptions, type RunResult } from './run.js';

export interface Compared {
  native: RunResult;
  vu: RunResult;
  /** The --trace file's text in 'trace' mode. */
  trace?: string;
}

/**
 * Runs CMD ARGS natively, then under `vu run` in `mode`, and asserts that
 * stdout and stderr are byte for byte the same and that vu's exit status is
 * the native one (128 + signal when the native run was killed by a signal).
 */
export async function compareWithNative(
  t: ExecutionContext, mode: Mode, cmd: string, args: readonly string[], opts: RunOptions = {},
): Promise<Compared> {
  const native = await runNative(cmd, args, opts);
  t.false(native.timedOut, 'the native run timed out');
  let traceDir: string | undefined;
  try {
    let traceFile: string | undefined;
    if (mode === 'trace') {
      traceDir = mkTmp('vu-trace-');
      traceFile = path.join(traceDir, 'trace.txt');
    }
    const vu = await runVu(['run', ...modeArgs(mode, traceFile), '--', cmd, ...args], opts);
    t.false(vu.timedOut, 'the run under vu timed out');
    t.is(bytes(vu.stdout), bytes(native.stdout), 'stdout differs from native');
    t.is(bytes(vu.stderr), bytes(native.stderr), 'stderr differs from native');
    t.is(vu.signal, null, 'vu itself was killed by a signal');
    t.is(vu.status, shellStatus(native), `exit status differs from native (native: status ${native.status}, signal ${native.signal})`);
    let trace: string | undefined;
    if (traceFile) {
      trace = fs.readFileSync(traceFile, 'utf8');
      // The trace really followed the guest: it starts with the guest's execve.
      t.regex(trace.split('\n')[0] ?? '', /^\d+ execve\(/, 'the trace file does not start with the guest execve');
    }
    return { native, vu, trace };
  } finally {
    if (traceDir) rmTmp(traceDir);
  }
}
