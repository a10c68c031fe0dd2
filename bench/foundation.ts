// Benchmark of the foundation: what it costs to run real programs under vu
// (default 'idle' filter and '--filter full'), next to the same programs run
// natively, under `strace -f` and under `proot`.
//
//   node dist/bench/foundation.js [--runs N] [--quick] [--only a,b,...] [--quiet]
//
// Every workload runs N rounds; inside a round the runners take turns in a
// fixed order (native, vu, vu --filter full, strace -f, proot), so that slow
// drifts of the machine fall on all of them alike. Each cell is the median of
// the N wall times with their min–max and the ratio to the native median of
// the same invocation. The report (Markdown) goes to stdout, progress to
// stderr.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../hypervisor/paths.js';
import {
  type CommonOptions, type Sample, type Stats, VU, cpuModel, dateLine, firstLine, need as needIn, parseOptions as parseCommon,
  pinLines, pythonPath as pythonPathIn, ramGiB, timeStats as stats, usageError as usageErrorIn, vuCommit, which,
} from './lib.js';

// ---------------------------------------------------------------- options

interface Options extends CommonOptions {
  startupRuns: number;
  only?: Set<string>;
}

const USAGE = `usage: node dist/bench/foundation.js [options]
  --runs N       rounds per workload (default 5)
  --quick        smoke test: 2 rounds per workload, 5 start-up rounds
  --only LIST    comma-separated subset of: a,b,c,d,startup
                 (a python stat loop, b find, c tar|wc, d make -j2)
  --taskset CPUS pin every timed command, native included, to these CPUs
                 (taskset -c CPUS): ptrace costs depend on where the tracer
                 and the tracee run, see bench/README.md
  --timeout S    give up on a run after S seconds (default 600)
  --quiet        no progress lines on stderr
`;

function parseOptions(argv: string[]): Options {
  const o: Options = { runs: 5, startupRuns: 20, quiet: false, timeoutMs: 600_000 };
  return parseCommon(argv, o, 'foundation', USAGE, (a, value) => {
    if (a === '--quick') { o.runs = 2; o.startupRuns = 5; }
    else if (a === '--only' || a.startsWith('--only=')) {
      const ids = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
      for (const id of ids) if (!KNOWN_IDS.includes(id)) usageError(`--only: unknown workload '${id}'`);
      o.only = new Set(ids.map((id) => (id === 's' ? 'startup' : id)));
    } else return false;
    return true;
  });
}

const KNOWN_IDS = ['a', 'b', 'c', 'd', 'startup', 's'];

function usageError(msg: string): never {
  return usageErrorIn('foundation', USAGE, msg);
}

// ---------------------------------------------------------------- programs

const need = (name: string): string => needIn('foundation', name);
const pythonPath = (): string => pythonPathIn('foundation');

// ---------------------------------------------------------------- runners

interface Runner {
  id: string;
  title: string;
  /** The full command that runs `cmd` under this runner, or why it cannot. */
  wrap: ((cmd: string[]) => string[]) | string;
}

function runners(): Runner[] {
  const node = process.execPath;
  const strace = which('strace');
  const proot = which('proot');
  return [
    { id: 'native', title: 'native', wrap: (cmd) => cmd },
    { id: 'vu', title: 'vu', wrap: (cmd) => [node, VU, 'run', '--', ...cmd] },
    { id: 'vu-full', title: 'vu --filter full', wrap: (cmd) => [node, VU, 'run', '--filter', 'full', '--', ...cmd] },
    { id: 'strace', title: 'strace -f', wrap: strace ? (cmd) => [strace, '-f', '-o', '/dev/null', ...cmd] : 'strace not installed' },
    { id: 'proot', title: 'proot', wrap: proot ? (cmd) => [proot, ...cmd] : 'proot not installed' },
  ];
}

// ---------------------------------------------------------------- workloads

interface Workload {
  id: string;
  title: string;
  cmd: string[];
  /** Untimed, before every timed run (natively). */
  before?: () => void;
}

const PY_LOOP = "import os; [os.stat('/') for _ in range(300000)]";

function workloads(makeDir: () => string): Workload[] {
  const python = pythonPath();
  const bash = need('bash');
  const find = need('find');
  const make = need('make');
  need('gcc');
  need('tar');
  need('wc');
  return [
    { id: 'a', title: '(a) python3 300k × os.stat', cmd: [python, '-c', PY_LOOP] },
    { id: 'b', title: '(b) find /usr -xdev', cmd: [find, '/usr', '-xdev'] },
    { id: 'c', title: '(c) tar cf - /usr/share/doc \\| wc -c', cmd: [bash, '-c', 'tar cf - /usr/share/doc 2>/dev/null | wc -c'] },
    {
      id: 'd',
      title: '(d) make -j2, 24 C files, gcc -O1',
      get cmd() { return [make, '-C', makeDir(), '-j2']; },
      before: () => {
        const r = spawnSync(make, ['-C', makeDir(), 'clean'], { stdio: 'ignore' });
        if (r.status !== 0) throw new Error(`make clean failed in ${makeDir()}`);
      },
    },
  ];
}

/** A small C project: 24 modules, a header, a main and a Makefile. */
function generateProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vu-bench-make-'));
  const N = 24;
  const header = ['#ifndef BENCH_H', '#define BENCH_H', '#include <stddef.h>', '#include <stdint.h>'];
  for (let i = 0; i < N; i++) header.push(`uint64_t mod${i}_run(uint64_t seed);`);
  header.push('#endif', '');
  fs.writeFileSync(path.join(dir, 'bench.h'), header.join('\n'));

  for (let i = 0; i < N; i++) {
    // A few functions with loops, a table and a switch: enough for -O1 to
    // have some work, small enough that a file compiles in tens of ms.
    const src = `#include <string.h>
#include "bench.h"

struct acc${i} { uint64_t sum; uint32_t table[64]; char name[32]; };

static const uint32_t primes${i}[] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, ${i + 41} };

static uint64_t mix${i}(uint64_t x) {
  x ^= x >> 33; x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

static void fill${i}(struct acc${i} *a, uint64_t seed) {
  for (size_t k = 0; k < sizeof a->table / sizeof a->table[0]; k++)
    a->table[k] = (uint32_t)mix${i}(seed + k) % primes${i}[k % (sizeof primes${i} / sizeof primes${i}[0])];
  memset(a->name, 0, sizeof a->name);
  memcpy(a->name, "module-${i}", sizeof "module-${i}" - 1);
}

static uint64_t step${i}(struct acc${i} *a, unsigned op, uint64_t v) {
  switch (op & 7) {
  case 0: return a->sum += v;
  case 1: return a->sum ^= v << 3;
  case 2: return a->sum -= v >> 1;
  case 3: return a->sum = mix${i}(a->sum + v);
  case 4: return a->sum += a->table[v & 63];
  case 5: return a->sum *= (v | 1);
  case 6: return a->sum += (uint64_t)strlen(a->name);
  default: return a->sum = (a->sum << 7) | (a->sum >> 57);
  }
}

uint64_t mod${i}_run(uint64_t seed) {
  struct acc${i} a = { 0 };
  fill${i}(&a, seed);
  for (unsigned r = 0; r < 1000; r++)
    step${i}(&a, r * ${2 * i + 1}u, a.table[r & 63] + r);
  return a.sum;
}
`;
    fs.writeFileSync(path.join(dir, `mod${i}.c`), src);
  }

  const calls = Array.from({ length: N }, (_, i) => `  h = h * 31 + mod${i}_run(h + ${i});`).join('\n');
  fs.writeFileSync(path.join(dir, 'main.c'), `#include <stdio.h>
#include "bench.h"

int main(void) {
  uint64_t h = 1;
${calls}
  printf("%llu\\n", (unsigned long long)h);
  return 0;
}
`);

  const objs = ['main.o', ...Array.from({ length: N }, (_, i) => `mod${i}.o`)].join(' ');
  fs.writeFileSync(path.join(dir, 'Makefile'), `CC = gcc
CFLAGS = -O1 -Wall
OBJS = ${objs}

bench: $(OBJS)
\t$(CC) $(CFLAGS) -o $@ $(OBJS)

%.o: %.c bench.h
\t$(CC) $(CFLAGS) -c -o $@ $<

clean:
\trm -f bench $(OBJS)

.PHONY: clean
`);
  return dir;
}

// ---------------------------------------------------------------- timing

let runTimeoutMs = 600_000;
let pinPrefix: string[] = [];
/** The process group of the run in progress: killed if the benchmark is. */
let currentGroup: number | undefined;

/**
 * Wall time of spawning the full command and waiting for it to end. A run
 * that outlives the timeout is killed (its whole process group) and counts
 * as a failure named 'timeout'.
 */
function timeRun(command: string[]): Promise<Sample> {
  const argv = [...pinPrefix, ...command];
  return new Promise((resolve, reject) => {
    let timedOut = false;
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    currentGroup = child.pid;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { child.kill('SIGKILL'); }
    }, runTimeoutMs);
    child.once('error', (e) => { clearTimeout(timer); reject(e); });
    child.once('exit', (code, signal) => {
      const t1 = process.hrtime.bigint();
      clearTimeout(timer);
      currentGroup = undefined;
      resolve({ ms: Number(t1 - t0) / 1e6, code, signal: timedOut ? 'timeout' : signal });
    });
  });
}

/**
 * What vu runs: the helper binary and the compiled core. When one of them
 * changes during the benchmark (a rebuild in the same tree by someone else),
 * the numbers mix two builds and the report says so.
 */
function buildStamp(): string {
  const files = [path.join(ROOT, 'hypervisor', 'tracer', 'vu-tracer')];
  const walk = (dir: string) => {
    let entries: fs.Dirent[] = [];
    try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.js')) files.push(p);
    }
  };
  walk(path.join(ROOT, 'dist', 'hypervisor'));
  // Contents, not times: every tsc run rewrites dist/ with the same bytes.
  const hash = createHash('sha256');
  for (const f of files.sort()) {
    hash.update(f);
    try { hash.update(fs.readFileSync(f)); } catch { hash.update('-'); }
  }
  return hash.digest('hex');
}

// ---------------------------------------------------------------- report

function seconds(ms: number): string { return (ms / 1000).toFixed(2); }

function cell(s: Stats | string | undefined, native?: Stats): string {
  if (s === undefined) return '–';
  if (typeof s === 'string') return `n/a (${s})`;
  let text = `${seconds(s.median)} s (${seconds(s.min)}–${seconds(s.max)})`;
  if (native) text += ` ${(s.median / native.median).toFixed(2)}×`;
  if (s.failures.length) text += ` ⚠ ${s.failures.length}/${s.n} failed (${[...new Set(s.failures)].join(', ')})`;
  return text;
}

function msCell(s: Stats): string {
  const f = (x: number) => x.toFixed(1);
  let text = `${f(s.median)} ms (${f(s.min)}–${f(s.max)})`;
  if (s.failures.length) text += ` ⚠ ${s.failures.length}/${s.n} failed`;
  return text;
}

function machine(stamp: string): string[] {
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'hypervisor'], { encoding: 'utf8' });
  const changes = dirty.status === 0 && dirty.stdout.trim() ? ' with uncommitted changes in hypervisor/' : '';
  const lines = [
    dateLine(),
    `- machine: ${os.availableParallelism()} CPUs (nproc), ${cpuModel()}, ${ramGiB()}`,
    `- kernel: ${os.type()} ${os.release()} ${os.machine()}`,
    `- node ${process.version}; vu ${vuCommit()}${changes} (build ${stamp.slice(0, 12)}: tracer helper + dist/hypervisor)`,
  ];
  const peers: string[] = [];
  if (which('strace')) peers.push(firstLine('strace', ['-V']));
  if (which('proot')) {
    // proot prints a banner; its version ends the last line of the logo.
    const r = spawnSync('proot', ['--version'], { encoding: 'utf8' });
    const v = /(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`);
    peers.push(`proot ${v ? v[1] : '?'}`);
  }
  if (peers.length) lines.push(`- peers: ${peers.join('; ')}`);
  lines.push(...pinLines(pinPrefix));
  return lines;
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const progress = (msg: string) => { if (!opts.quiet) process.stderr.write(`foundation: ${msg}\n`); };
  const selected = (id: string) => !opts.only || opts.only.has(id);
  runTimeoutMs = opts.timeoutMs;
  if (opts.cpus) pinPrefix = [need('taskset'), '-c', opts.cpus];

  if (!fs.existsSync(path.join(ROOT, 'hypervisor', 'tracer', 'vu-tracer'))) {
    process.stderr.write('foundation: the tracer helper is not built (run: npm run setup)\n');
    process.exit(1);
  }

  let projectDir: string | undefined;
  const makeDir = () => (projectDir ??= generateProject());
  const removeProject = () => { if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true }); };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      if (currentGroup !== undefined) try { process.kill(-currentGroup, 'SIGKILL'); } catch { /* gone */ }
      removeProject();
      process.stderr.write(`foundation: interrupted (${sig})\n`);
      process.exit(128 + os.constants.signals[sig]);
    });
  }
  const stampAtStart = buildStamp();
  let rebuiltDuring = false;
  const rs = runners();
  const ws = workloads(makeDir).filter((w) => selected(w.id));
  const results = new Map<string, Map<string, Stats | string>>();

  try {
    for (const w of ws) {
      const cmd = w.cmd;
      progress(`${w.title}: ${cmd.join(' ')}`);
      // One untimed native run first: page cache, dentries, gcc's files.
      w.before?.();
      await timeRun(cmd);
      const samples = new Map<string, Sample[]>(rs.map((r) => [r.id, []]));
      for (let round = 1; round <= opts.runs; round++) {
        const line: string[] = [];
        for (const r of rs) {
          if (typeof r.wrap === 'string') continue;
          w.before?.();
          const s = await timeRun(r.wrap(cmd));
          samples.get(r.id)!.push(s);
          line.push(`${r.id} ${seconds(s.ms)}s${s.code === 0 ? '' : `!${s.signal ?? s.code}`}`);
        }
        progress(`  ${w.id} round ${round}/${opts.runs}: ${line.join('  ')}`);
        if (!rebuiltDuring && buildStamp() !== stampAtStart) {
          rebuiltDuring = true;
          progress('  warning: vu was rebuilt during the benchmark (tracer helper or dist/hypervisor changed)');
        }
      }
      const row = new Map<string, Stats | string>();
      for (const r of rs) row.set(r.id, typeof r.wrap === 'string' ? r.wrap : stats(samples.get(r.id)!));
      results.set(w.id, row);
    }

    let startup: { native: Stats; vu: Stats; node: Stats } | undefined;
    if (selected('startup')) {
      const t = need('true');
      const cmds = {
        native: [t],
        vu: [process.execPath, VU, 'run', '--', t],
        node: [process.execPath, '-e', '0'],
      };
      progress(`start-up: ${opts.startupRuns} rounds of true, vu run -- true, node -e 0`);
      await timeRun(cmds.vu); // untimed: loads vu's files into the page cache
      const samples: Record<keyof typeof cmds, Sample[]> = { native: [], vu: [], node: [] };
      for (let round = 0; round < opts.startupRuns; round++) {
        for (const k of ['native', 'vu', 'node'] as const) samples[k].push(await timeRun(cmds[k]));
      }
      startup = { native: stats(samples.native), vu: stats(samples.vu), node: stats(samples.node) };
    }

    // The report.
    const out: string[] = [];
    out.push(`### vu foundation benchmark`, '');
    out.push(...machine(stampAtStart));
    if (rebuiltDuring || buildStamp() !== stampAtStart) {
      out.push('- ⚠ vu was rebuilt while this ran (tracer helper or dist/hypervisor changed): the vu columns mix two builds');
    }
    out.push('');
    if (ws.length) {
      out.push(`Wall time, median of ${opts.runs} runs (min–max), × = median / native median.`, '');
      out.push(`| workload | ${rs.map((r) => r.title).join(' | ')} |`);
      out.push(`|${' --- |'.repeat(rs.length + 1)}`);
      for (const w of ws) {
        const row = results.get(w.id)!;
        const native = row.get('native') as Stats;
        out.push(`| ${w.title} | ${rs.map((r) => cell(row.get(r.id), r.id === 'native' ? undefined : native)).join(' | ')} |`);
      }
      out.push('');
      out.push('Commands (each runner prefixes its own: `node bin/vu.js run [--filter full] --`, `strace -f -o /dev/null`, `proot`):', '');
      for (const w of ws) {
        const shown = w.id === 'd' ? `make -C <generated project> -j2  (after an untimed make clean)` : w.cmd.map(shellQuote).join(' ');
        out.push(`- ${w.id}: \`${shown}\``);
      }
      out.push('');
    }
    if (startup) {
      const over = startup.vu.median - startup.native.median;
      out.push(`Start-up, median of ${opts.startupRuns} runs (min–max):`, '');
      out.push('| command | wall time |', '| --- | --- |');
      out.push(`| \`true\` (native) | ${msCell(startup.native)} |`);
      out.push(`| \`vu run -- true\` | ${msCell(startup.vu)} |`);
      out.push(`| \`node -e 0\` | ${msCell(startup.node)} |`);
      out.push('');
      out.push(`\`vu run -- true\`: ${startup.vu.median.toFixed(1)} ms (goal: under 150 ms: ${startup.vu.median < 150 ? 'met' : 'NOT met'}), ` +
        `${over.toFixed(1)} ms more than native \`true\`; node's own start-up is ${startup.node.median.toFixed(1)} ms of it.`);
      out.push('');
    }
    process.stdout.write(out.join('\n'));
  } finally {
    removeProject();
  }
}

function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  if (s.includes("'") && !/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

main().catch((e: unknown) => {
  process.stderr.write(`foundation: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
