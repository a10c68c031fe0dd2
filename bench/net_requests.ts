// Benchmark of the network stacks with small requests: a server and its
// client both inside one VM on one stack, so that every connection's set-up
// and tear-down (socket, connect, accept, close on both sides) goes through
// that stack, beside the same pair run natively.
//
//   node dist/bench/net_requests.js [--runs 3] [--requests 2000] [--quiet]
//
// One `vu run … -- bash -c SCRIPT` per run: the script starts a `node -e`
// HTTP server on 0.0.0.0:PORT in the background, then
// bench/fixtures/http_requests.py makes the requests one after the other,
// a new connection each, to the stack's own address (127.0.0.1, or the
// stack's interface address where its loopback does not answer), and times
// them itself (vu's start-up and the server's are not in the rate). The
// report (Markdown) goes to stdout, progress to stderr.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../hypervisor/paths.js';
import { capture, stderrTail } from './capture.js';
import {
  type CommonOptions, cpuModel, dateLine, firstLine, median, need, parseOptions as parseCommon, pinLines, pythonPath, ramGiB,
  summarize, usageError, vuCommit,
} from './lib.js';
import { NATIVE, type NetConfig, VUNETLWIPV6, VUNETREAL, VUNETVDESTACK, unavailable } from './net_stacks.js';

const TOOL = 'net_requests';

// ---------------------------------------------------------------- options

interface Options extends CommonOptions {
  requests: number;
}

const USAGE = `usage: node dist/bench/net_requests.js [options]
  --runs N       runs per stack (default 3)
  --requests N   requests per run (default 2000)
  --taskset CPUS pin every run (server and client) with taskset -c CPUS
  --timeout S    give up on a run after S seconds (default 300)
  --quiet        no progress lines on stderr
`;

function parseOptions(argv: string[]): Options {
  const o: Options = { runs: 3, requests: 2000, quiet: false, timeoutMs: 300_000 };
  return parseCommon(argv, o, TOOL, USAGE, (a, value) => {
    if (a !== '--requests' && !a.startsWith('--requests=')) return false;
    const n = Number(value());
    if (!Number.isInteger(n) || n < 1) usageError(TOOL, USAGE, '--requests takes a positive integer');
    o.requests = n;
    return true;
  });
}

// ---------------------------------------------------------------- one run

/** The server: answers every request with a 3-byte body; writes its ready file once it listens. */
const SERVER_JS = "require('http').createServer((q, s) => s.end('ok\\n'))" +
  ".listen(+process.argv[1], '0.0.0.0', () => process.stdout.write('ready\\n'))";

// $1 node, $2 python3, $3 client script, $4 ready file, $5 port, $6 count, $7… addresses.
const SCRIPT = [
  'node=$1 python=$2 client=$3 ready=$4 port=$5 count=$6; shift 6',
  `"$node" -e "${SERVER_JS.replace(/"/g, '\\"')}" "$port" > "$ready" &`,
  'srv=$!',
  '"$python" "$client" "$ready" "$port" "$count" "$@"',
  'st=$?',
  'kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null',
  'exit $st',
].join('\n');

/** A TCP port free on the host right now (the server binds 0.0.0.0 natively and on vunetreal). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '0.0.0.0', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

interface Sample { rps?: number; addr?: string; why?: string }

interface Ctx { tmp: string; python: string; bash: string; count: number; timeoutMs: number; pin: string[]; seq: number }

async function runOnce(c: NetConfig, ctx: Ctx): Promise<Sample> {
  const ready = path.join(ctx.tmp, `ready-${ctx.seq++}`);
  const port = await freePort();
  const client = path.join(ROOT, 'bench', 'fixtures', 'http_requests.py');
  const cmd = [ctx.bash, '-c', SCRIPT, 'net_requests', process.execPath, ctx.python, client, ready, String(port), String(ctx.count), ...c.ownAddrs];
  try {
    const r = await capture([...ctx.pin, ...c.wrap(cmd)], { tool: TOOL, timeoutMs: ctx.timeoutMs });
    if (r.code !== 0) return { why: `${r.signal ?? `exit ${r.code}`}${stderrTail(r) ? `: ${stderrTail(r)}` : ''}` };
    const m = /(\S+) (\d+) ([\d.]+)\s*$/.exec(r.stdout);
    if (!m || Number(m[2]) !== ctx.count || !(Number(m[3]) > 0)) return { why: `unexpected output ${JSON.stringify(r.stdout.slice(-80))}` };
    return { rps: ctx.count / Number(m[3]), addr: m[1] };
  } catch (e) {
    return { why: (e as Error).message };
  } finally {
    fs.rmSync(ready, { force: true });
  }
}

// ---------------------------------------------------------------- formatting

function rate(x: number): string {
  if (x >= 100) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const okRates = (xs: Sample[]): number[] => xs.flatMap((s) => (s.rps === undefined ? [] : [s.rps]));

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const progress = (m: string) => { if (!opts.quiet) process.stderr.write(`${TOOL}: ${m}\n`); };
  if (!fs.existsSync(path.join(ROOT, 'hypervisor', 'tracer', 'vu-tracer'))) {
    process.stderr.write(`${TOOL}: vu is not built (run: npm run setup)\n`);
    process.exit(1);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vu-bench-req-'));
  process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
  const loadAtStart = os.loadavg();
  const ctx: Ctx = {
    tmp, python: pythonPath(TOOL), bash: need(TOOL, 'bash'), count: opts.requests, timeoutMs: opts.timeoutMs,
    pin: opts.cpus ? [need(TOOL, 'taskset'), '-c', opts.cpus] : [], seq: 0,
  };

  const configs = [NATIVE, VUNETREAL, VUNETVDESTACK, VUNETLWIPV6];
  const skips = new Map<string, string | undefined>();
  for (const c of configs) {
    const why = await unavailable(c, TOOL);
    skips.set(c.id, why);
    if (why) progress(`${c.title}: skipped (${why})`);
  }
  const results = new Map<string, Sample[]>(configs.map((c) => [c.id, []]));
  await runOnce(NATIVE, ctx); // untimed: the page cache for node and python
  for (let round = 1; round <= opts.runs; round++) {
    const line: string[] = [];
    for (const c of configs) {
      if (skips.get(c.id)) continue;
      const s = await runOnce(c, ctx);
      results.get(c.id)!.push(s);
      line.push(`${c.id} ${s.rps !== undefined ? `${rate(s.rps)}/s @${s.addr}` : 'FAILED'}`);
      if (s.why) progress(`    ${c.id} failed: ${s.why}`);
    }
    progress(`  round ${round}/${opts.runs}: ${line.join('  ')}`);
  }

  // ---- the report
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  const out: string[] = ['### vu network requests benchmark', ''];
  out.push(dateLine());
  out.push(`- machine: ${os.availableParallelism()} cores (nproc), ${cpuModel()}, ${ramGiB()}; kernel ${os.release()}`);
  out.push(`- node ${process.version}; vu ${vuCommit()}; ${firstLine(ctx.python, ['--version'])}`);
  out.push(`- command: \`node dist/bench/net_requests.js${process.argv.slice(2).map((a) => ` ${shellQuote(a)}`).join('')}\``);
  out.push(`- load average (1, 5, 15 min): ${load(loadAtStart)} at the start, ${load(os.loadavg())} at the end`);
  out.push(...pinLines(ctx.pin));
  out.push('');
  out.push(`${opts.requests.toLocaleString('en-US')} sequential HTTP requests, a new connection each, from a python3 client (http.client) ` +
    'to a `node -e` http server, both in the same VM on the same stack; requests/s = count / the client\'s own time ' +
    `(the server's and vu's start-up are not in it); median of ${opts.runs} runs (min–max). ` +
    '× native = ratio of the medians (range of the per-round ratios).', '');
  out.push('| stack | client → server at | requests/s | × native |');
  out.push('| --- | --- | --- | --- |');
  const native = results.get('native')!;
  for (const c of configs) {
    const skip = skips.get(c.id);
    if (skip) {
      out.push(`| ${c.title} | ${c.ownAddrs.join(' or ')} | skipped (${skip}) | – |`);
      continue;
    }
    const samples = results.get(c.id)!;
    const xs = okRates(samples);
    const failed = samples.length - xs.length;
    const why = [...new Set(samples.flatMap((s) => (s.why ? [s.why] : [])))].join('; ').slice(0, 200);
    const addrs = [...new Set(samples.flatMap((s) => (s.addr ? [s.addr] : [])))].join(', ') || c.ownAddrs.join(' or ');
    let cell = 'failed';
    let vs = '–';
    if (xs.length) {
      const st = summarize(xs);
      cell = `${rate(st.median)} (${rate(st.min)}–${rate(st.max)})`;
      const nat = okRates(native);
      if (c.id !== 'native' && nat.length) {
        const per = samples.flatMap((s, i) => (s.rps !== undefined && native[i]?.rps !== undefined ? [s.rps / native[i].rps!] : []));
        const q = median(xs) / median(nat);
        vs = `${q.toFixed(2)}×` + (per.length ? ` (${Math.min(...per).toFixed(2)}–${Math.max(...per).toFixed(2)})` : '');
      }
    }
    if (failed) cell += ` ⚠ ${failed}/${samples.length} failed (${why})`;
    out.push(`| ${c.title} | ${addrs} | ${cell} | ${vs} |`);
  }
  out.push('');
  out.push('Commands:', '');
  out.push('- in every run: `bash -c \'node -e "SERVER" PORT > READY & python3 bench/fixtures/http_requests.py READY PORT ' +
    `${opts.requests} ADDR…; kill %1'\` where SERVER is \`${SERVER_JS}\``);
  for (const c of configs) out.push(`- ${c.title}: \`${c.shown}\`, ADDR… = ${c.ownAddrs.join(' ')} (the first that answers)`);
  out.push('');
  process.stdout.write(out.join('\n'));
}

main().catch((e: unknown) => {
  process.stderr.write(`${TOOL}: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
