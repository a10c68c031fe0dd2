// `vu demo` (the README's first command): real programs inside vu, each
// shown with the command that runs it.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './paths.js';

const VU = path.join(ROOT, 'bin', 'vu.js');

function step(title: string, args: string[]): number {
  process.stdout.write(`\n── ${title}\n$ vu ${quote(args)}\n`);
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
  process.stdout.write('First with nothing virtual (each runs as natively; --trace and --summary show the calls vu sees),\n');
  process.stdout.write('then with a virtual disk that the real disk tools partition and format,\n');
  process.stdout.write('and last the main job: a virtual disk and a user-level network stack in one VM.\n');

  failures += step('host support', ['info']) === 0 ? 0 : 1;
  failures += step('a shell pipeline, exit status kept', ['run', '--', 'bash', '-c', 'ls / | sort | head -3; seq 1 100000 | wc -l; exit 3']) === 3 ? 0 : 1;
  failures += step('python3 with threads', ['run', '--', 'python3', '-c',
    'import threading; r=[]; ts=[threading.Thread(target=lambda i=i: r.append(sum(range(i*1000)))) for i in range(8)]; [t.start() for t in ts]; [t.join() for t in ts]; print("8 threads, total", sum(r))']) === 0 ? 0 : 1;
  failures += step('every call of a small pipeline, counted', ['run', '--summary', '--', 'bash', '-c', 'cat /etc/os-release | grep -c =']) === 0 ? 0 : 1;
  failures += step('the trace of cat, to a file', ['run', `--trace=${traceFile}`, '--', 'cat', '/etc/hostname']) === 0 ? 0 : 1;
  const lines = fs.readFileSync(traceFile, 'utf8').split('\n').filter((l) => /hostname|write\(1|exit/.test(l));
  process.stdout.write(`$ grep -E 'hostname|write\\(1|exit' ${traceFile}\n${lines.join('\n')}\n`);

  // A virtual disk: a sparse image file served by umdevpartx at /dev/hda.
  const img = path.join(tmp, 'disk.img');
  fs.writeFileSync(path.join(tmp, 'hello.txt'), 'hello from a virtual disk\n');
  fs.closeSync(fs.openSync(img, 'w'));
  fs.truncateSync(img, 256 * 1024 * 1024);
  process.stdout.write(`\n(a sparse 256 MiB image file: ${img})\n`);
  const script = [
    'printf "label: dos\\n,100M,L\\n,,L\\n" | sfdisk -q /dev/hda',
    'ls -l /dev/hda /dev/hda1 /dev/hda2',
    'blockdev --getsize64 /dev/hda1 /dev/hda2',
    'mkfs.ext4 -q -F /dev/hda1',
    'e2fsck -fn /dev/hda1 2>&1 | tail -1',
    `debugfs -w -R "write ${path.join(tmp, 'hello.txt')} hello.txt" /dev/hda1 2>/dev/null`,
    'debugfs -R "cat /hello.txt" /dev/hda1 2>/dev/null',
  ].join(' && ');
  failures += step('partition and format a virtual disk with sfdisk, mkfs.ext4, e2fsck, debugfs',
    ['run', '--mount', `type=umdevpartx,source=${img},target=/dev/hda`, '--', 'bash', '-c', script]) === 0 ? 0 : 1;
  process.stdout.write('$ sfdisk -d disk.img   # natively, after the VM ended: the image holds the table\n');
  const dump = spawnSync('sfdisk', ['-d', img], { encoding: 'utf8' });
  process.stdout.write(dump.stdout.split('\n').filter((l) => /start=/.test(l)).join('\n') + '\n');
  if (dump.status !== 0 || !/size=\s*204800/.test(dump.stdout)) failures++;

  failures += step('a 64 MiB ramdisk: mkfs.ext4, e2fsck, then dd', ['run', '--mount', 'type=umdevramdisk,target=/dev/ram0,size=64M', '--', 'bash', '-c',
    'mkfs.ext4 -q /dev/ram0 && e2fsck -fn /dev/ram0 2>&1 | tail -1 && dd if=/dev/zero of=/dev/ram0 bs=1M count=64 2>&1 | tail -1']) === 0 ? 0 : 1;

  failures += await networkStep(tmp);

  fs.rmSync(tmp, { recursive: true, force: true });
  process.stdout.write(failures ? `\nvu demo: ${failures} step(s) did not behave as expected\n` : '\nvu demo: done\n');
  return failures ? 1 : 0;
}

const quote = (args: string[]) => args.map((a) => (/[\s'"$|;&()*]/.test(a) ? `'${a}'` : a)).join(' ');

/** Runs vu asynchronously (the host's web server lives in this process's children meanwhile). */
function stepAsync(title: string, args: string[]): Promise<number> {
  process.stdout.write(`\n── ${title}\n$ vu ${quote(args)}\n`);
  return new Promise<number>((resolve) => {
    const p = spawn(process.execPath, [VU, ...args], { stdio: 'inherit' });
    p.on('exit', (c) => {
      process.stdout.write(`(exit status ${c ?? 1})\n`);
      resolve(c ?? 1);
    });
  });
}

/**
 * The main job: one VM with a virtual disk and a user-level network stack
 * (lwIPv6 on slirp): mkfs on the disk, then a page fetched by the real curl
 * from a server on the host. Then the same page through a network namespace
 * used as a library (vunetvdestack), where /dev/net/tun allows it.
 */
async function networkStep(tmp: string): Promise<number> {
  // A small web server on the host's loopback, in a child process.
  const server = spawn(process.execPath, ['-e', `
    const http = require('http');
    const s = http.createServer((q, r) => r.end('<h1>hello from the host, fetched through ' + q.url.slice(1) + '</h1>\\n'));
    s.listen(0, '127.0.0.1', () => console.log(s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => server.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
  let failures = 0;
  try {
    const img = path.join(tmp, 'net-disk.img');
    fs.closeSync(fs.openSync(img, 'w'));
    fs.truncateSync(img, 64 * 1024 * 1024);
    process.stdout.write(`\n(a web server on the host at 127.0.0.1:${port}; inside a slirp network the host is 10.0.2.2)\n`);
    const script = [
      'echo "disk: $(blockdev --getsize64 /dev/hda) bytes"',
      'mkfs.ext4 -q -F /dev/hda && e2fsck -fn /dev/hda 2>&1 | tail -1',
      `curl -sS http://10.0.2.2:${port}/lwIPv6`,
    ].join(' && ');
    failures += await stepAsync('the main job: one VM, a virtual disk and a user-level TCP/IP stack (lwIPv6 on slirp)', ['run',
      '--mount', `type=umdevpartx,source=${img},target=/dev/hda`,
      '--mount', 'type=vunetlwipv6,source=slirp://,target=/dev/net/lw', '--stack', '/dev/net/lw', '--',
      'bash', '-c', script]) === 0 ? 0 : 1;
    try {
      fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      process.stdout.write('\n(the vunetvdestack step is skipped: /dev/net/tun is not accessible here)\n');
      return failures;
    }
    failures += await stepAsync('the same through a Linux network namespace used as a library (vunetvdestack): ip sees its own interface',
      ['run', '--mount', 'type=vunetvdestack,source=slirp://,target=/dev/net/vde', '--stack', '/dev/net/vde', '--',
        'bash', '-c', `ip -4 -o addr show vde0 | awk '{print $2, $4}' && curl -sS http://10.0.2.2:${port}/vdestack`]) === 0 ? 0 : 1;
    return failures;
  } finally {
    server.kill();
  }
}
