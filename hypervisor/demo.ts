// `vu demo` (the README's first command): real programs inside vu, each
// shown with the command that runs it.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';

const VU = path.join(ROOT, 'bin', 'vu.js');

function step(title: string, args: string[]): number {
  process.stdout.write(`\n── ${title}\n$ vu ${args.map((a) => (/[\s'"$|;&()*]/.test(a) ? `'${a}'` : a)).join(' ')}\n`);
  const r = spawnSync(process.execPath, [VU, ...args], { stdio: 'inherit' });
  const code = r.status ?? 128 + (os.constants.signals[r.signal as NodeJS.Signals] ?? 0);
  process.stdout.write(`(exit status ${code})\n`);
  return code;
}

export async function runDemo(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vu-demo-'));
  const traceFile = path.join(tmp, 'trace.txt');
  let failures = 0;
  process.stdout.write('vu demo: unmodified programs run inside a partial virtual machine.\n');
  process.stdout.write('Nothing is virtual yet, so each runs as it would natively; --trace and --summary show the calls vu sees.\n');

  failures += step('host support', ['info']) === 0 ? 0 : 1;
  failures += step('a shell pipeline, exit status kept', ['run', '--', 'bash', '-c', 'ls / | sort | head -3; seq 1 100000 | wc -l; exit 3']) === 3 ? 0 : 1;
  failures += step('python3 with threads', ['run', '--', 'python3', '-c',
    'import threading; r=[]; ts=[threading.Thread(target=lambda i=i: r.append(sum(range(i*1000)))) for i in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]; print("8 threads, total", sum(r))']) === 0 ? 0 : 1;
  failures += step('every call of a small pipeline, counted', ['run', '--summary', '--', 'bash', '-c', 'cat /etc/os-release | grep -c =']) === 0 ? 0 : 1;
  failures += step('the trace of cat, to a file', ['run', `--trace=${traceFile}`, '--', 'cat', '/etc/hostname']) === 0 ? 0 : 1;
  const lines = fs.readFileSync(traceFile, 'utf8').split('\n').filter((l) => /hostname|write\(1|exit/.test(l));
  process.stdout.write(`$ grep -E 'hostname|write\\(1|exit' ${traceFile}\n${lines.join('\n')}\n`);
  fs.rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(failures ? `\nvu demo: ${failures} step(s) did not behave as expected\n` : '\nvu demo: done\n');
  return failures ? 1 : 0;
}
