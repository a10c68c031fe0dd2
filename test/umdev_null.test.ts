// umdevnull: a null character device at /dev/vnull, alone and next to a
// second instance of the same module; and how --trace names the module.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { err, mounts, out, tmpDir, vu, vuBash, vuPython } from './helpers/umdev.js';

const VNULL = 'type=umdevnull,target=/dev/vnull';
const VNULL2 = 'type=umdevnull,target=/dev/vnull2';

const SETUPS: { name: string; args: string[]; targets: string[] }[] = [
  { name: 'one instance', args: mounts(VNULL), targets: ['/dev/vnull'] },
  { name: 'two instances', args: mounts(VNULL, VNULL2), targets: ['/dev/vnull', '/dev/vnull2'] },
];

for (const s of SETUPS) {
  for (const dev of s.targets) {
    test(`umdevnull [${s.name}]: cat ${dev} ends at once with no output, status 0`, async (t) => {
      const r = await vu(t, s.args, ['cat', dev], { timeout: 15_000 });
      t.is(r.status, 0, err(r));
      t.is(out(r), '');
      t.is(err(r), '');
    });

    test(`umdevnull [${s.name}]: dd 1000 x 4k into ${dev} reports 4096000 bytes`, async (t) => {
      const r = await vu(t, s.args, ['dd', 'if=/dev/zero', `of=${dev}`, 'bs=4k', 'count=1000']);
      t.is(r.status, 0, err(r));
      t.is(out(r), '');
      const lines = err(r).split('\n');
      t.is(lines[0], '1000+0 records in');
      t.is(lines[1], '1000+0 records out');
      t.regex(lines[2] ?? '', /^4096000 bytes \(4\.1 MB, 3\.9 MiB\) copied, /);
    });

    test(`umdevnull [${s.name}]: ls -l and stat show ${dev} as character device 240, 0`, async (t) => {
      const r = await vuBash(t, s.args, 'ls -l "$1"; stat -c "%F %t %T" "$1"', [dev]);
      t.is(r.status, 0, err(r));
      const lines = out(r).split('\n');
      t.is(lines.length, 3);
      t.regex(lines[0], new RegExp(`^crw-rw-rw- 1 \\S+ \\S+ 240, 0 .* ${dev}$`));
      t.is(lines[1], 'character special file f0 0');
      t.is(lines[2], '');
    });
  }
}

test('umdevnull [two instances]: only the mounted targets exist; each swallows its writes', async (t) => {
  const r = await vuBash(t, mounts(VNULL, VNULL2),
    'echo hi > /dev/vnull; echo a=$?; echo hi > /dev/vnull2; echo b=$?; head -c 10 /dev/vnull2 | wc -c; ls /dev/vnull3 2>&1; echo c=$?');
  t.is(out(r), "a=0\nb=0\n0\nls: cannot access '/dev/vnull3': No such file or directory\nc=2\n");
  t.is(r.status, 0);
});

test('umdevnull: an unsupported ioctl gives ENOTTY', async (t) => {
  const code = [
    'import os, fcntl, errno',
    "fd = os.open('/dev/vnull', os.O_RDWR)",
    'try:',
    '    fcntl.ioctl(fd, 0x1234)',
    "    print('no error')",
    'except OSError as e:',
    '    print(errno.errorcode[e.errno])',
  ].join('\n');
  const r = await vuPython(t, mounts(VNULL), code);
  t.is(out(r), 'ENOTTY\n', err(r));
  t.is(r.status, 0);
});

test('--trace names the module on a path call (stat of /dev/vnull)', async (t) => {
  const dir = tmpDir(t);
  const trace = path.join(dir, 'trace.txt');
  const r = await vu(t, [`--trace=${trace}`, ...mounts(VNULL)], ['stat', '-c', '%t', '/dev/vnull']);
  t.is(r.status, 0, err(r));
  t.is(out(r), 'f0\n');
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  const hit = lines.find((l) => /^\d+ (statx|newfstatat|lstat|stat)\(.*"\/dev\/vnull".* = 0 umdevnull \/dev\/vnull$/.test(l));
  t.truthy(hit, `no stat line served by "umdevnull /dev/vnull" in:\n${lines.filter((l) => l.includes('vnull')).join('\n')}`);
});

// --trace names the module for the open and the write of a device (the
// socket() the helper makes in place of the openat must not show, nor
// replace the openat's result).
test('--trace shows openat and write of /dev/vnull served by "umdevnull /dev/vnull"', async (t) => {
  const dir = tmpDir(t);
  const trace = path.join(dir, 'trace.txt');
  const r = await vu(t, [`--trace=${trace}`, ...mounts(VNULL)], ['sh', '-c', 'echo x > /dev/vnull'], { timeout: 15_000 });
  t.is(r.status, 0, err(r));
  const lines = fs.readFileSync(trace, 'utf8').split('\n');
  const open = lines.find((l) => /^\d+ openat\(.*"\/dev\/vnull".*\) = \d+ umdevnull \/dev\/vnull$/.test(l));
  t.truthy(open, 'no "openat(… "/dev/vnull" …) = FD umdevnull /dev/vnull" line');
  const write = lines.find((l) => /^\d+ write\(\d+, "x\\n", 2\) = 2 umdevnull \/dev\/vnull$/.test(l));
  t.truthy(write, 'no "write(FD, "x\\n", 2) = 2 umdevnull /dev/vnull" line');
});

// Under --trace a read of a device fd must be served by the module, not by
// the kernel's vpoll socket, where it would block (the guest's own
// `timeout 3` ends such a hang with status 124).
test('--trace: head reads /dev/ram0 through the module', async (t) => {
  const dir = tmpDir(t);
  const trace = path.join(dir, 'trace.txt');
  const r = await vu(t, [`--trace=${trace}`, ...mounts('type=umdevramdisk,target=/dev/ram0,size=1M')],
    ['sh', '-c', 'echo hi > /dev/ram0; timeout 3 head -c 3 /dev/ram0'], { timeout: 20_000 });
  t.is(out(r), 'hi\n');
  t.is(r.status, 0);
});
