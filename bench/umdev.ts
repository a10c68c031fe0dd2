// Benchmark of the umdev modules: what a call served by a TypeScript module
// costs, what a mount costs the programs that never touch it, and how fast a
// block device in memory takes a stream of writes.
//
//   node dist/bench/umdev.js [--runs N] [--quick] [--only calls,mounts,block] [--quiet]
//
// Three sections, each printed as a Markdown table:
//   1. calls:  dd with bs=1 on umdevnull (/dev/vnull under vu) beside the same
//              dd on the real /dev/null, natively and under `strace -f`;
//   2. mounts: real workloads natively, under `vu run` with nothing mounted
//              and under `vu run` with a 64M umdevramdisk mounted;
//   3. block:  dd bs=1M count=64 into /dev/ram0 under vu beside the same dd
//              into a tmpfs file natively.
// Every workload runs N rounds; inside a round the runners take turns in a
// fixed order, so that slow drifts of the machine fall on all of them. Each
// cell is the median of the N wall times with their min–max; ratios are taken
// between medians of the same invocation, and each ratio also shows the range
// of the per-round ratios. The report (Markdown) goes to stdout, progress to
// stderr.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../hypervisor/paths.js';
import { capture } from './capture.js';
import {
  type CommonOptions, type Sample as BaseSample, type Stats, VU, cpuModel, dateLine, firstLine, median, need,
  parseOptions as parseCommon, pinLines, pythonPath, ramGiB, summarize, timeStats, usageError as usageErrorIn, vuCommit, which,
} from './lib.js';

// ---------------------------------------------------------------- options

const SECTIONS = ['calls', 'mounts', 'block'] as const;
type Section = (typeof SECTIONS)[number];

interface Options extends CommonOptions {
  only: Set<Section>;
}

const USAGE = `usage: node dist/bench/umdev.js [options]
  --runs N       rounds per workload (default 5)
  --quick        smoke test: 2 rounds per workload
  --only LIST    comma-separated subset of: calls,mounts,block (or 1,2,3)
                 calls:  dd bs=1 on umdevnull vs /dev/null natively and under strace -f
                 mounts: python stat loop, find, tar|wc natively / vu / vu + ramdisk
                 block:  dd bs=1M count=64 into umdevramdisk vs a tmpfs file
  --taskset CPUS pin every timed command, native included (taskset -c CPUS)
  --timeout S    give up on a run after S seconds (default 600)
  --quiet        no progress lines on stderr
`;

function usageError(msg: string): never {
  return usageErrorIn('umdev', USAGE, msg);
}

function parseOptions(argv: string[]): Options {
  const o: Options = { runs: 5, only: new Set(SECTIONS), quiet: false, timeoutMs: 600_000 };
  return parseCommon(argv, o, 'umdev', USAGE, (a, value) => {
    if (a === '--quick') o.runs = 2;
    else if (a === '--only' || a.startsWith('--only=')) {
      const names = value().split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
      o.only = new Set();
      for (const n of names) {
        const byNumber = /^[123]$/.test(n) ? SECTIONS[Number(n) - 1] : undefined;
        const s = byNumber ?? SECTIONS.find((x) => x === n);
        if (!s) usageError(`--only: unknown section '${n}'`);
        o.only.add(s);
      }
    } else return false;
    return true;
  });
}

// ---------------------------------------------------------------- programs

const required = (name: string): string => need('umdev', name);
const python3 = (): string => pythonPath('umdev');

// ---------------------------------------------------------------- running

interface Sample extends BaseSample {
  /** The last few KiB of its stderr. */
  stderr: string;
}

let timeoutMs = 600_000;
let pin: string[] = [];

/**
 * Wall time from spawning the full command to its exit, in a process group
 * of its own killed whole on timeout (the run then counts as failed,
 * 'timeout') or when the benchmark is interrupted: bench/capture.ts.
 */
async function timeRun(command: string[], env?: NodeJS.ProcessEnv): Promise<Sample> {
  const c = await capture([...pin, ...command], { tool: 'umdev', timeoutMs, env, ignoreStdout: true });
  return { ms: c.ms, code: c.code, signal: c.signal, stderr: c.stderr };
}

/** The per-round ratios a[i] / b[i], and the ratio of the medians. */
function ratio(a: Sample[], b: Sample[]): { ofMedians: number; rounds: Stats } {
  const per = a.map((s, i) => s.ms / b[i].ms);
  return { ofMedians: timeStats(a).median / timeStats(b).median, rounds: summarize(per) };
}

interface Runner { id: string; title: string; cmd: string[]; env?: NodeJS.ProcessEnv; before?: () => void }

/**
 * N rounds over the runners, in order inside each round. One untimed run of
 * the first runner (native) warms the page cache first.
 */
async function rounds(label: string, rs: Runner[], runs: number, progress: (m: string) => void): Promise<Map<string, Sample[]>> {
  const out = new Map<string, Sample[]>(rs.map((r) => [r.id, []]));
  rs[0].before?.();
  await timeRun(rs[0].cmd, rs[0].env);
  for (let round = 1; round <= runs; round++) {
    const line: string[] = [];
    for (const r of rs) {
      r.before?.();
      const s = await timeRun(r.cmd, r.env);
      out.get(r.id)!.push(s);
      let mark = '';
      if (s.code !== 0) {
        mark = `!${s.signal ?? s.code}`;
        const last = s.stderr.trim().split('\n').slice(-2).join(' / ');
        if (last) progress(`    ${r.id} failed: ${last}`);
      }
      line.push(`${r.id} ${(s.ms / 1000).toFixed(2)}s${mark}`);
    }
    progress(`  ${label} round ${round}/${runs}: ${line.join('  ')}`);
  }
  return out;
}

// ---------------------------------------------------------------- formatting

const secs = (ms: number) => (ms / 1000).toFixed(ms < 1000 ? 3 : 2);

function timeCell(s: Stats): string {
  let t = `${secs(s.median)} s (${secs(s.min)}–${secs(s.max)})`;
  if (s.failures.length) t += ` ⚠ ${s.failures.length}/${s.n} failed (${[...new Set(s.failures)].join(', ')})`;
  return t;
}

function ratioCell(r: { ofMedians: number; rounds: Stats }): string {
  return `${r.ofMedians.toFixed(2)}× (rounds ${r.rounds.min.toFixed(2)}–${r.rounds.max.toFixed(2)})`;
}

function rate(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const shown = (cmd: string[]) => cmd.map(shellQuote).join(' ');

// ---------------------------------------------------------------- machine

const TRACER_BIN = path.join(ROOT, 'hypervisor', 'tracer', 'vu-tracer');

/** A short hash of the tracer helper binary: a rebuild during a run shows. */
function tracerId(): string {
  try {
    return createHash('sha256').update(fs.readFileSync(TRACER_BIN)).digest('hex').slice(0, 12);
  } catch {
    return '(missing)';
  }
}

function machine(python: string, tracerAtStart: string): string[] {
  const nproc = spawnSync('nproc', [], { encoding: 'utf8' });
  const uname = spawnSync('uname', ['-srm'], { encoding: 'utf8' });
  const lines = [
    dateLine(),
    `- machine: ${nproc.status === 0 ? nproc.stdout.trim() : os.availableParallelism()} CPUs (nproc), ${cpuModel()}, ${ramGiB()}`,
    `- kernel: ${uname.status === 0 ? uname.stdout.trim() : `${os.type()} ${os.release()} ${os.machine()}`}`,
    `- node ${process.version}; vu ${vuCommit()}; ${firstLine('strace', ['-V'])}; ${firstLine(python, ['--version'])} (${python})`,
  ];
  const dirty = spawnSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'hypervisor', 'umdev_modules'], { encoding: 'utf8' });
  const changed = dirty.status === 0 ? dirty.stdout.split('\n').filter(Boolean).length : 0;
  lines.push(`- tracer helper: sha256 ${tracerAtStart} (at the start)${changed ? `; ${changed} uncommitted change(s) under hypervisor/ and umdev_modules/` : ''}`);
  lines.push(...pinLines(pin));
  return lines;
}

// ---------------------------------------------------------------- sections

const NODE = process.execPath;
const NULL_MOUNT = 'type=umdevnull,target=/dev/vnull';
const RAM_MOUNT = 'type=umdevramdisk,target=/dev/ram0,size=64M';
const vu = (mounts: string[], cmd: string[]) => [NODE, VU, 'run', ...mounts.flatMap((m) => ['--mount', m]), '--', ...cmd];
/** dd's messages in the C locale: '.' decimals, English units. */
const C_ENV: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C' };

type Ctx = { runs: number; progress: (m: string) => void };

// 1. Virtual call rate ---------------------------------------------------

const BLOCKS = 200_000;

async function sectionCalls(ctx: Ctx): Promise<string[]> {
  const dd = required('dd');
  const strace = which('strace');
  const count = [`bs=1`, `count=${BLOCKS}`, 'status=none'];
  const cases = [
    {
      id: 'write', title: 'write 1-byte blocks',
      real: [dd, 'if=/dev/zero', 'of=/dev/null', ...count],
      virt: [dd, 'if=/dev/zero', 'of=/dev/vnull', ...count],
      note: '',
    },
    {
      id: 'read', title: 'read 1-byte blocks',
      real: [dd, 'if=/dev/null', 'of=/dev/null', ...count],
      virt: [dd, 'if=/dev/vnull', 'of=/dev/null', ...count],
      note: ' †',
    },
  ];
  const out: string[] = [];
  out.push(`#### 1. Virtual call rate: \`dd bs=1 count=${BLOCKS}\``, '');
  out.push(`Wall time of the whole command, median of ${ctx.runs} runs (min–max); blocks/s = ${BLOCKS.toLocaleString('en-US')} / median wall time; ` +
    'vu / strace -f = ratio of the medians, and the range of the per-round ratios (goal ≤ 1.00).', '');
  out.push('| workload | runner | wall time | blocks/s | × native | vu / strace -f |');
  out.push('| --- | --- | --- | --- | --- | --- |');
  const commands: string[] = [];
  for (const c of cases) {
    const rs: Runner[] = [{ id: 'native', title: 'native', cmd: c.real, env: C_ENV }];
    if (strace) rs.push({ id: 'strace', title: 'strace -f', cmd: [strace, '-f', '-o', '/dev/null', ...c.real], env: C_ENV });
    rs.push({ id: 'vu', title: 'vu + umdevnull', cmd: vu([NULL_MOUNT], c.virt), env: C_ENV });
    ctx.progress(`calls/${c.id}: ${shown(c.virt)}`);
    const res = await rounds(`calls/${c.id}`, rs, ctx.runs, ctx.progress);
    const native = res.get('native')!;
    for (const r of rs) {
      const st = timeStats(res.get(r.id)!);
      const vsNative = r.id === 'native' ? '–' : ratioCell(ratio(res.get(r.id)!, native));
      let vsStrace = '–';
      if (r.id === 'vu') {
        if (strace) {
          const q = ratio(res.get('vu')!, res.get('strace')!);
          vsStrace = `**${ratioCell(q)}** ${q.ofMedians <= 1 ? 'goal met' : 'goal NOT met'}`;
        } else vsStrace = 'n/a (strace not installed)';
      }
      out.push(`| ${c.title}${c.note} | ${r.title} | ${timeCell(st)} | ${rate(BLOCKS / (st.median / 1000))}${c.note} | ${vsNative} | ${vsStrace} |`);
    }
    commands.push(`- ${c.id}: \`${shown(c.real)}\` (native, \`strace -f -o /dev/null\`); vu: \`vu run --mount ${NULL_MOUNT} -- ${shown(c.virt)}\``);
  }
  out.push('');
  out.push('† Reading gives end of file at once (`/dev/null` natively, umdevnull under vu): dd makes one read and copies ' +
    'no block, so this row is one open/read/close plus start-up, and its blocks/s is nominal.', '');
  out.push(...commands, '');
  return out;
}

// 2. What a mount costs real work -------------------------------------------

async function sectionMounts(ctx: Ctx, python: string): Promise<string[]> {
  const bash = required('bash');
  const find = required('find');
  required('tar');
  required('wc');
  const ws = [
    { id: 'a', title: '(a) python3 300k × os.stat', cmd: [python, '-c', "import os; [os.stat('/') for _ in range(300000)]"], umvu: 7.7 },
    { id: 'b', title: '(b) find /usr -xdev', cmd: [find, '/usr', '-xdev'], umvu: 20 },
    { id: 'c', title: '(c) tar cf - /usr/share/doc \\| wc -c', cmd: [bash, '-c', 'tar cf - /usr/share/doc 2>/dev/null | wc -c'], umvu: 11 },
  ];
  const out: string[] = [];
  out.push('#### 2. What mounts cost real work', '');
  out.push(`Wall time, median of ${ctx.runs} runs (min–max); × = median / native median (range of the per-round ratios). ` +
    'Goal: at most half of what umvu (C) costs on this machine, under a mount.', '');
  out.push('| workload | native | vu, nothing mounted | × native | vu + umdevramdisk 64M | × native | goal | umvu (C) | goal met |');
  out.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const w of ws) {
    const rs: Runner[] = [
      { id: 'native', title: 'native', cmd: w.cmd },
      { id: 'vu', title: 'vu', cmd: vu([], w.cmd) },
      { id: 'vu-ram', title: 'vu + ramdisk', cmd: vu([RAM_MOUNT], w.cmd) },
    ];
    ctx.progress(`mounts/${w.id}: ${shown(w.cmd)}`);
    const res = await rounds(`mounts/${w.id}`, rs, ctx.runs, ctx.progress);
    const native = res.get('native')!;
    const plain = ratio(res.get('vu')!, native);
    const ram = ratio(res.get('vu-ram')!, native);
    const goal = w.umvu / 2;
    out.push(`| ${w.title} | ${timeCell(timeStats(native))} | ${timeCell(timeStats(res.get('vu')!))} | ${ratioCell(plain)} | ` +
      `${timeCell(timeStats(res.get('vu-ram')!))} | **${ratioCell(ram)}** | ≤ ${goal.toFixed(2)}× | ${w.umvu}× | ` +
      `${ram.ofMedians <= goal ? 'yes' : 'NO'} |`);
  }
  out.push('');
  out.push('Commands (output to /dev/null; vu runs them as `node bin/vu.js run [--mount ' + RAM_MOUNT + '] -- CMD`):', '');
  for (const w of ws) out.push(`- ${w.id}: \`${shown(w.cmd)}\``);
  out.push('');
  return out;
}

// 3. Block throughput ------------------------------------------------------

const BLOCK_BYTES = 64 * 2 ** 20;

/** dd's last line: "67108864 bytes (67 MB, 64 MiB) copied, 0.0737 s, 910 MB/s". */
function parseDd(stderr: string): { bytes: number; s: number; mbps: number; text: string } | undefined {
  const m = /(\d+) bytes\b.*copied, ([\d.]+(?:e[-+]?\d+)?) s, ([\d.]+(?:e[-+]?\d+)?) ([kMGTP]?)B\/s/.exec(stderr);
  if (!m) return undefined;
  const scale: Record<string, number> = { '': 1e-6, k: 1e-3, M: 1, G: 1e3, T: 1e6, P: 1e9 };
  return { bytes: Number(m[1]), s: Number(m[2]), mbps: Number(m[3]) * scale[m[4]], text: `${m[3]} ${m[4]}B/s` };
}

async function sectionBlock(ctx: Ctx): Promise<string[]> {
  const dd = required('dd');
  const shm = fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
  const dir = fs.mkdtempSync(path.join(shm, 'vu-bench-umdev-'));
  const file = path.join(dir, 'file');
  try {
    const args = ['if=/dev/zero', 'bs=1M', 'count=64'];
    const rs: Runner[] = [
      // A fresh file each time, as the ramdisk is fresh in each vu run.
      { id: 'native', title: `native, tmpfs file (${shm})`, cmd: [dd, ...args.slice(0, 1), `of=${file}`, ...args.slice(1)], env: C_ENV,
        before: () => fs.rmSync(file, { force: true }) },
      { id: 'vu', title: 'vu + umdevramdisk, /dev/ram0', cmd: vu([RAM_MOUNT], [dd, ...args.slice(0, 1), 'of=/dev/ram0', ...args.slice(1)]), env: C_ENV },
    ];
    ctx.progress(`block: ${shown(rs[1].cmd.slice(rs[1].cmd.indexOf('--') + 1))}`);
    const res = await rounds('block', rs, ctx.runs, ctx.progress);
    const out: string[] = [];
    out.push('#### 3. Block throughput: `dd if=/dev/zero bs=1M count=64`', '');
    out.push(`Median of ${ctx.runs} runs (min–max). MB/s = 10⁶ bytes/s. "whole command" = 64 MiB / wall time of the whole command ` +
      '(for vu: `vu run` start-up, mount and exit included); "dd\'s own" = the time and rate dd reports on stderr (the copy loop only).', '');
    out.push('| runner | whole command: wall time | whole command: MB/s | dd\'s own time | dd\'s own rate, MB/s (as printed) | dd\'s rate × native |');
    out.push('| --- | --- | --- | --- | --- | --- |');
    const ddRates = new Map<string, number[]>();
    for (const r of rs) {
      const samples = res.get(r.id)!;
      const st = timeStats(samples);
      const parsed = samples.map((s) => parseDd(s.stderr));
      const ok = parsed.filter((p): p is NonNullable<typeof p> => p !== undefined && p.bytes === BLOCK_BYTES);
      const wallRate = (ms: number) => BLOCK_BYTES / 1e6 / (ms / 1000);
      const wall = `${rate(wallRate(st.median))} (${rate(wallRate(st.max))}–${rate(wallRate(st.min))})`;
      let own = 'n/a (no dd summary)';
      let ownRate = own;
      if (ok.length) {
        const t = summarize(ok.map((p) => p.s * 1000));
        const q = summarize(ok.map((p) => p.mbps));
        ddRates.set(r.id, ok.map((p) => p.mbps));
        own = `${t.median.toFixed(1)} ms (${t.min.toFixed(1)}–${t.max.toFixed(1)})`;
        // dd prints two or three significant digits ("3.1 GB/s"): the median
        // of what it printed, and what it printed in the median-time run.
        const mid = ok.find((p) => p.s * 1000 === t.median) ?? ok[0];
        ownRate = `${rate(q.median)} (${rate(q.min)}–${rate(q.max)}); e.g. "${mid.text}"`;
        if (ok.length < samples.length) ownRate += ` ⚠ ${samples.length - ok.length}/${samples.length} without a full copy`;
      }
      let vsNative = '–';
      const nat = ddRates.get('native');
      const mine = ddRates.get(r.id);
      if (r.id !== 'native' && nat && mine && nat.length === mine.length) {
        const q = summarize(mine.map((x, i) => x / nat[i]));
        vsNative = `${(median(mine) / median(nat)).toFixed(2)}× (rounds ${q.min.toFixed(2)}–${q.max.toFixed(2)})`;
      }
      out.push(`| ${r.title} | ${timeCell(st)} | ${wall} | ${own} | ${ownRate} | ${vsNative} |`);
    }
    out.push('');
    out.push(`- native: \`${shown(rs[0].cmd).replace(file, '$TMPFS/file')}\` (the file removed, untimed, before each run)`);
    out.push(`- vu: \`vu run --mount ${RAM_MOUNT} -- dd if=/dev/zero of=/dev/ram0 bs=1M count=64\``, '');
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  timeoutMs = opts.timeoutMs;
  if (opts.cpus) pin = [required('taskset'), '-c', opts.cpus];
  const progress = (m: string) => { if (!opts.quiet) process.stderr.write(`umdev: ${m}\n`); };
  if (!fs.existsSync(TRACER_BIN) || !fs.existsSync(path.join(ROOT, 'dist', 'hypervisor', 'cli.js'))) {
    process.stderr.write('umdev: vu is not built (run: npm run setup)\n');
    process.exit(1);
  }
  const python = python3();
  const tracerAtStart = tracerId();
  const loadAtStart = os.loadavg();
  const ctx: Ctx = { runs: opts.runs, progress };
  const body: string[] = [];
  if (opts.only.has('calls')) body.push(...(await sectionCalls(ctx)));
  if (opts.only.has('mounts')) body.push(...(await sectionMounts(ctx, python)));
  if (opts.only.has('block')) body.push(...(await sectionBlock(ctx)));
  const out = ['### vu umdev benchmark', '', ...machine(python, tracerAtStart)];
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  out.push(`- load average (1, 5, 15 min): ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end ` +
    '(other work on the machine during the run shows here and in the min–max)');
  if (tracerId() !== tracerAtStart) {
    out.push(`- ⚠ the tracer helper was rebuilt during the run (sha256 ${tracerId()} at the end): the rounds may mix builds`);
  }
  out.push('', ...body);
  process.stdout.write(out.join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`umdev: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
