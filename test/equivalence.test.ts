// Real programs under vu behave exactly as they do natively: same stdout
// bytes, same stderr bytes, same exit status, in the default filter mode,
// with `--filter full` (every fd/path call stops in the C fast path) and,
// for the cheap ones, with `--trace=FILE`.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import test from 'ava';
import { compareWithNative } from './helpers/equiv.js';
import { bytes, mkTmp, rmTmp, runNative, runVu, modeArgs, type Mode } from './helpers/run.js';

const ALL: Mode[] = ['default', 'full', 'trace'];
const NO_TRACE: Mode[] = ['default', 'full'];

// ---------- shell pipelines ----------

for (const mode of ALL) {
  test.serial(`bash -c 'ls / | sort | head' is identical to native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, 'bash', ['-c', 'ls / | sort | head']);
    t.is(vu.status, 0);
    t.true(vu.stdout.toString().split('\n').filter(Boolean).length > 0, 'ls / printed nothing');
  });

  test.serial(`bash -c 'seq 1 100000 | wc -l' is identical to native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, 'bash', ['-c', 'seq 1 100000 | wc -l']);
    t.is(vu.stdout.toString().trim(), '100000');
    t.is(vu.status, 0);
  });
}

for (const mode of NO_TRACE) {
  test.serial(`bash -c "find /usr/share -name '*.txt' | wc -l" is identical to native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, 'bash', ['-c', "find /usr/share -name '*.txt' | wc -l"], { timeout: 90_000 });
    t.regex(vu.stdout.toString(), /^\d+\n$/);
    t.is(vu.status, 0);
  });
}

// ---------- threads ----------

// 8 threads, each in its own temp dir (under BASE = argv[1]) writes files,
// reads them back, checks and deletes them; the summary is deterministic.
const PY_THREADS = String.raw`
import hashlib, os, sys, tempfile, threading
base = sys.argv[1]
results = {}
def work(i):
    d = tempfile.mkdtemp(prefix='t%d-' % i, dir=base)
    h = hashlib.sha256()
    for j in range(40):
        p = os.path.join(d, 'f%d' % j)
        data = ('thread %d file %d\n' % (i, j)).encode() * (j * 7 + 1)
        with open(p, 'wb') as f:
            f.write(data)
        with open(p, 'rb') as f:
            back = f.read()
        if back != data:
            results[i] = 'MISMATCH'
            return
        h.update(back)
        os.unlink(p)
    os.rmdir(d)
    results[i] = h.hexdigest()[:16]
threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
for th in threads: th.start()
for th in threads: th.join()
for i in sorted(results):
    print(i, results[i])
print('threads:', len(results), 'left:', len(os.listdir(base)))
`;

for (const mode of NO_TRACE) {
  test.serial(`python3 with 8 threads doing file I/O is identical to native [${mode}]`, async (t) => {
    const base = mkTmp('vu-py-');
    try {
      const { vu } = await compareWithNative(t, mode, 'python3', ['-c', PY_THREADS, base]);
      const lines = vu.stdout.toString().trim().split('\n');
      t.is(lines.length, 9);
      t.is(lines[8], 'threads: 8 left: 0');
      for (let i = 0; i < 8; i++) t.regex(lines[i], new RegExp(`^${i} [0-9a-f]{16}$`));
      t.is(vu.status, 0);
    } finally {
      rmTmp(base);
    }
  });
}

const NODE_WORKER = `
const { Worker } = require('node:worker_threads');
const w = new Worker(\`
  const { parentPort } = require('node:worker_threads');
  let s = 0n;
  for (let i = 1n; i <= 20000n; i++) s += i * i;
  parentPort.postMessage(s.toString());
\`, { eval: true });
w.on('message', (m) => console.log('worker says', m));
w.on('exit', (code) => console.log('worker exit', code));
`;

for (const mode of NO_TRACE) {
  test.serial(`node -e with a worker thread is identical to native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, 'node', ['-e', NODE_WORKER]);
    // sum of i^2 for i = 1..n is n(n+1)(2n+1)/6
    const n = 20000n;
    t.is(vu.stdout.toString(), `worker says ${(n * (n + 1n) * (2n * n + 1n)) / 6n}\nworker exit 0\n`);
  });
}

// ---------- a compiler ----------

const C_PROGRAM = `#include <stdio.h>
int main(int argc, char **argv)
{
    long s = 0;
    for (int i = 1; i <= 1000; i++) s += (long)i * i;
    printf("sum=%ld args=%d\\n", s, argc);
    fprintf(stderr, "to stderr\\n");
    return 5;
}
`;

for (const mode of NO_TRACE) {
  test.serial(`gcc compiles a program that runs like the native build [${mode}]`, async (t) => {
    const dir = mkTmp('vu-gcc-');
    try {
      const src = path.join(dir, 'prog.c');
      fs.writeFileSync(src, C_PROGRAM);
      const opts = { timeout: 90_000, cwd: dir };
      const nGcc = await runNative('gcc', ['-O2', '-o', 'native', 'prog.c'], opts);
      const vGcc = await runVu(['run', ...modeArgs(mode), '--', 'gcc', '-O2', '-o', 'vu', 'prog.c'], opts);
      t.is(nGcc.status, 0, `native gcc failed: ${nGcc.stderr}`);
      t.is(bytes(vGcc.stdout), bytes(nGcc.stdout));
      t.is(bytes(vGcc.stderr), bytes(nGcc.stderr));
      t.is(vGcc.status, nGcc.status);
      t.true(fs.existsSync(path.join(dir, 'vu')), 'gcc under vu wrote no binary');
      // The program vu's gcc built, run under vu, against the native build run natively.
      const nRun = await runNative(path.join(dir, 'native'), ['a', 'b'], opts);
      const vRun = await runVu(['run', ...modeArgs(mode), '--', path.join(dir, 'vu'), 'a', 'b'], opts);
      t.is(nRun.stdout.toString(), 'sum=333833500 args=3\n');
      t.is(bytes(vRun.stdout), bytes(nRun.stdout));
      t.is(bytes(vRun.stderr), bytes(nRun.stderr));
      t.is(nRun.status, 5);
      t.is(vRun.status, 5);
    } finally {
      rmTmp(dir);
    }
  });
}

// ---------- tar round trip ----------

/** path -> kind, mode and content hash (or link target) of every entry under dir. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const r = path.join(rel, name);
      const p = path.join(dir, r);
      const st = fs.lstatSync(p);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) out[r] = `link ${fs.readlinkSync(p)}`;
      else if (st.isDirectory()) { out[r] = `dir ${mode}`; walk(r); }
      else out[r] = `file ${mode} ${crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
    }
  };
  walk('');
  return out;
}

function makeTree(src: string): void {
  fs.mkdirSync(path.join(src, 'a', 'b', 'c'), { recursive: true });
  for (let i = 0; i < 40; i++) {
    const data = crypto.createHash('sha512').update(String(i)).digest();
    fs.writeFileSync(path.join(src, 'a', `f${i}.bin`), Buffer.concat(Array.from({ length: i * 50 + 1 }, () => data)));
  }
  fs.writeFileSync(path.join(src, 'a', 'b', 'c', 'deep.txt'), 'deep\n');
  fs.writeFileSync(path.join(src, 'empty'), '');
  fs.writeFileSync(path.join(src, 'script.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.symlinkSync('../f1.bin', path.join(src, 'a', 'b', 'link'));
}

for (const mode of NO_TRACE) {
  test.serial(`tar c | tar x round trip is identical to native [${mode}]`, async (t) => {
    const dir = mkTmp('vu-tar-');
    try {
      const src = path.join(dir, 'src');
      const dstNative = path.join(dir, 'dst-native');
      const dstVu = path.join(dir, 'dst-vu');
      fs.mkdirSync(src);
      fs.mkdirSync(dstNative);
      fs.mkdirSync(dstVu);
      makeTree(src);
      const script = (dst: string) => `tar cf - -C '${src}' . | tar xf - -C '${dst}'`;
      const native = await runNative('bash', ['-c', script(dstNative)]);
      const vu = await runVu(['run', ...modeArgs(mode), '--', 'bash', '-c', script(dstVu)]);
      t.is(native.status, 0, native.stderr.toString());
      t.is(bytes(vu.stdout), bytes(native.stdout));
      t.is(bytes(vu.stderr), bytes(native.stderr));
      t.is(vu.status, native.status);
      // Both copies are equal to the source.
      const want = snapshot(src);
      t.true(Object.keys(want).length >= 45);
      t.deepEqual(snapshot(dstNative), want);
      t.deepEqual(snapshot(dstVu), want);
      const diff = await runNative('diff', ['-r', '--no-dereference', src, dstVu]);
      t.is(diff.stdout.toString(), '');
      t.is(diff.status, 0);
    } finally {
      rmTmp(dir);
    }
  });
}

// ---------- exit statuses ----------

for (const mode of ALL) {
  test.serial(`sh -c 'exit 7' exits with 7 like native [${mode}]`, async (t) => {
    const { native, vu } = await compareWithNative(t, mode, 'sh', ['-c', 'exit 7']);
    t.is(native.status, 7);
    t.is(vu.status, 7);
  });

  test.serial(`sh -c 'kill -TERM $$' ends like native: SIGTERM, 143 under vu [${mode}]`, async (t) => {
    const { native, vu } = await compareWithNative(t, mode, 'sh', ['-c', 'kill -TERM $$']);
    t.is(native.signal, 'SIGTERM');
    t.is(vu.status, 143);
  });
}
