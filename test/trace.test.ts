// `vu run --trace=FILE` and `--summary`.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { mkTmp, rmTmp, runNative, runVu, startVu } from './helpers/run.js';

/**
 * How the trace shows bytes: C escapes, octal for the unprintable. The octal
 * escape takes three digits when an octal digit follows, as strace prints it,
 * so that the text reads back as the same bytes ("\0012" is 0x01 then "2").
 */
function quote(b: Buffer, n = b.length): string {
  let s = '';
  b.subarray(0, n).forEach((c, i) => {
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x09) s += '\\t';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else {
      const next = b[i + 1];
      const digitFollows = next !== undefined && next >= 0x30 && next <= 0x37;
      s += '\\' + (digitFollows ? c.toString(8).padStart(3, '0') : c.toString(8));
    }
  });
  return s;
}

async function traced(args: string[]): Promise<{ status: number | null; stdout: Buffer; stderr: Buffer; lines: string[]; vuPid: number }> {
  const dir = mkTmp('vu-trace-');
  try {
    const file = path.join(dir, 'trace.txt');
    const run = startVu(['run', `--trace=${file}`, '--', ...args], { timeout: 30_000 });
    const r = await run.done;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, lines, vuPid: run.child.pid! };
  } finally {
    rmTmp(dir);
  }
}

test('--trace=FILE: cat /etc/hostname shows pid, openat, read, write, each result line ending in real', async (t) => {
  const content = fs.readFileSync('/etc/hostname');
  const { status, stdout, stderr, lines, vuPid } = await traced(['cat', '/etc/hostname']);
  t.is(status, 0);
  t.is(stdout.toString('latin1'), content.toString('latin1'), 'the guest output is the file');
  t.is(stderr.length, 0, 'the trace went to the file, not to stderr');
  t.true(lines.length > 5, `too short a trace:\n${lines.join('\n')}`);

  // Every line starts with the guest's pid (one process here; not vu's own).
  const pid = /^(\d+) /.exec(lines[0])?.[1];
  t.truthy(pid, `no pid at the start of: ${lines[0]}`);
  t.not(Number(pid), vuPid);
  for (const l of lines) t.true(l.startsWith(`${pid} `), `line without the guest pid ${pid}: ${l}`);

  // Each call that has a result ends with " real" (served by the kernel); the
  // only other lines are calls that never return and the exit report.
  for (const l of lines) {
    const ok = / = .* real$/.test(l) || /^\d+ exit(_group)?\(\d+\) = \?$/.test(l) || /^\d+ \+\+\+ exited with 0 \+\+\+$/.test(l);
    t.true(ok, `unexpected trace line: ${l}`);
  }
  t.true(lines.filter((l) => l.endsWith(' real')).length >= lines.length - 2);

  const open = lines.findIndex((l) => l.includes('openat(AT_FDCWD, "/etc/hostname", O_RDONLY'));
  t.true(open >= 0, 'no openat of /etc/hostname');
  t.regex(lines[open], /\) = 3 real$/);
  const first = quote(content, Math.min(content.length, 16));
  const read = lines.findIndex((l, i) => i > open && l.includes(`read(3, "${first}`));
  t.true(read > open, `no read(3, "${first}...") after the openat:\n${lines.slice(open).join('\n')}`);
  t.regex(lines[read], new RegExp(`= ${content.length > 0 ? Math.min(content.length, 131072) : 0} real$`));
  t.true(lines.some((l, i) => i > read && l.includes(`write(1, "${first}`)), 'no write(1, ...) of the file bytes');
});

test('--trace=FILE: a failing call shows the errno name (cat /nonexistent → ENOENT)', async (t) => {
  const native = await runNative('cat', ['/nonexistent'], { timeout: 20_000 });
  const { status, stderr, lines } = await traced(['cat', '/nonexistent']);
  t.is(status, native.status);
  t.is(status, 1);
  t.is(stderr.toString(), native.stderr.toString());
  const line = lines.find((l) => / openat\(.*"\/nonexistent"/.test(l));
  t.truthy(line, 'no openat of /nonexistent in the trace');
  t.regex(line!, /^\d+ openat\(AT_FDCWD, "\/nonexistent", O_RDONLY\) = -1 ENOENT real$/);
});

test('--summary prints a table with the execve count and a total', async (t) => {
  const r = await runVu(['run', '--summary', '--', 'bash', '-c', '/bin/true; /bin/true; echo done'], { timeout: 30_000 });
  t.is(r.status, 0);
  t.is(r.stdout.toString(), 'done\n');
  const rows = new Map<string, number>();
  let total: number | undefined;
  for (const l of r.stderr.toString().split('\n')) {
    const tm = /^\s*(\d+)\s+(\d+)\s+total$/.exec(l);
    if (tm) { total = Number(tm[1]); continue; }
    // calls, errors (blank when none), name, served by
    const m = /^\s*(\d+) +(\d*) +([a-z_][a-z0-9_]*) +(\S+)$/.exec(l);
    if (m) rows.set(m[3], Number(m[1]));
  }
  // bash, then /bin/true twice.
  t.is(rows.get('execve'), 3, r.stderr.toString());
  t.truthy(total, 'no total line');
  t.is(total, [...rows.values()].reduce((a, b) => a + b, 0), 'the total is not the sum of the rows');
});
