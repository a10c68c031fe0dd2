// Event latency: a module raises EPOLLIN on a virtual fd; how long until
// the guest blocked in epoll_wait on it returns? (bench/fixtures/ticker_device.ts
// raises the event and records when; bench/fixtures/epoll_latency.c waits.)
// Prints median and p99 in µs for the vpoll backend in use.
//   node dist/bench/vpoll_latency.js [--samples N]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../hypervisor/paths.js';

const samples = Number(process.argv[process.argv.indexOf('--samples') + 1] || 0) || 2000;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vu-latency-'));
const guest = path.join(tmp, 'epoll_latency');
execFileSync('gcc', ['-O2', '-o', guest, path.join(ROOT, 'bench', 'fixtures', 'epoll_latency.c')]);
const backend = /vpoll backend\s+(\S+)/.exec(execFileSync(process.execPath, [path.join(ROOT, 'bin', 'vu.js'), 'info'], { encoding: 'utf8' }))?.[1] ?? '?';
const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'vu.js'), 'run',
  '--insmod', path.join(ROOT, 'dist', 'bench', 'fixtures', 'ticker_device.js'),
  '--mount', 'type=ticker,target=/dev/ticker,period=2', '--', guest, String(samples)], { encoding: 'utf8', timeout: 600_000 });
fs.rmSync(tmp, { recursive: true, force: true });
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(1);
}
const us = r.stdout.trim().split('\n').map(Number).sort((a, b) => a - b);
const q = (p: number) => us[Math.min(us.length - 1, Math.floor(p * us.length))];
process.stdout.write(`# vpoll event latency (${os.cpus().length} cores, ${os.release()}, ${new Date().toISOString().slice(0, 10)})\n\n`);
process.stdout.write('| backend | samples | median µs | p90 µs | p99 µs | goal |\n|---|---|---|---|---|---|\n');
process.stdout.write(`| ${backend} | ${us.length} | ${q(0.5).toFixed(1)} | ${q(0.9).toFixed(1)} | ${q(0.99).toFixed(1)} | median < 30 |\n`);
