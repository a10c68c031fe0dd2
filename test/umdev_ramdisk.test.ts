// umdevramdisk at /dev/ram0: a filesystem on it, bulk data through it,
// block ioctls, and open file descriptions shared as the kernel shares
// them (inherited fds, dup2, O_CLOEXEC, poll/select/epoll).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { err, mounts, out, tmpDir, vuBash, vuPython } from './helpers/umdev.js';

const RAM = mounts('type=umdevramdisk,target=/dev/ram0,size=64M');
const MiB = 1024 * 1024;

test('mkfs.ext4 on /dev/ram0, then e2fsck -fn finds it clean', async (t) => {
  const r = await vuBash(t, RAM, 'mkfs.ext4 -q /dev/ram0 2>&1; echo "mkfs=$?"; e2fsck -fn /dev/ram0 2>&1; echo "fsck=$?"', [], { timeout: 60_000 });
  t.is(r.status, 0, err(r));
  const o = out(r);
  t.regex(o, /^mkfs=0$/m);
  t.regex(o, /^\/dev\/ram0: 11\/\d+ files \(0\.0% non-contiguous\), \d+\/65536 blocks$/m);
  t.regex(o, /^fsck=0\n$/m);
  t.true(o.endsWith('fsck=0\n'), o);
});

test('64 MiB of random data written with dd read back with the same sha256', async (t) => {
  const dir = tmpDir(t);
  const data = crypto.randomBytes(64 * MiB);
  const file = path.join(dir, 'random.bin');
  fs.writeFileSync(file, data);
  const sha = crypto.createHash('sha256').update(data).digest('hex');
  const r = await vuBash(t, RAM, 'dd if="$1" of=/dev/ram0 bs=1M 2>&1 | head -2; dd if=/dev/ram0 bs=1M status=none | sha256sum', [file], { timeout: 60_000 });
  t.is(r.status, 0, err(r));
  t.is(out(r), `64+0 records in\n64+0 records out\n${sha}  -\n`);
});

test('blockdev: --getsize64 is 67108864, --getss is 512, BLKGETSIZE64 from python too', async (t) => {
  const r = await vuBash(t, RAM, 'blockdev --getsize64 /dev/ram0; blockdev --getss /dev/ram0; blockdev --getsz /dev/ram0; stat -c "%F %t %T" /dev/ram0');
  t.is(r.status, 0, err(r));
  t.is(out(r), '67108864\n512\n131072\nblock special file f1 0\n');
});

test('reads stop at the end of the ramdisk and writes there get ENOSPC', async (t) => {
  const r = await vuBash(t, RAM,
    'dd if=/dev/ram0 bs=1M skip=63 status=none | wc -c; dd if=/dev/zero of=/dev/ram0 bs=1M seek=64 count=1 2>&1 | sed -n 1,2p; echo "status=${PIPESTATUS[0]}"');
  t.is(r.status, 0, err(r));
  t.is(out(r), "1048576\ndd: error writing '/dev/ram0': No space left on device\n1+0 records in\nstatus=1\n");
});

test('offsets: a subshell\'s two writes through one redirection follow each other', async (t) => {
  const r = await vuBash(t, RAM, '(echo a; echo b) > /dev/ram0; head -c 4 /dev/ram0');
  t.is(r.status, 0, err(r));
  t.is(out(r), 'a\nb\n');
});

test('offsets: a forked child writes through the inherited fd at the parent\'s offset', async (t) => {
  const code = [
    'import os',
    "fd = os.open('/dev/ram0', os.O_RDWR)",
    "os.write(fd, b'x')",
    'pid = os.fork()',
    'if pid == 0:',
    "    os.write(fd, b'y')",
    '    os._exit(0)',
    '_, st = os.waitpid(pid, 0)',
    "os.write(fd, b'z')",
    'print(st, os.pread(fd, 3, 0), os.lseek(fd, 0, os.SEEK_CUR))',
  ].join('\n');
  const r = await vuPython(t, RAM, code);
  t.is(r.status, 0, err(r));
  t.is(out(r), "0 b'xyz' 3\n");
});

test('offsets: stdout dup2\'ed onto /dev/ram0 writes there, at one shared offset', async (t) => {
  const r = await vuBash(t, RAM, 'exec 4>&1; exec 1>/dev/ram0; echo hello; echo world; exec 1>&4; head -c 12 /dev/ram0');
  t.is(r.status, 0, err(r));
  t.is(out(r), 'hello\nworld\n');
});

test('O_CLOEXEC: a virtual fd opened with it is gone after exec, one without it stays', async (t) => {
  const code = [
    'import os',
    "w = os.open('/dev/ram0', os.O_WRONLY)",
    "os.write(w, b'hello')",
    'os.close(w)',
    "keep = os.open('/dev/ram0', os.O_RDONLY)",
    'os.set_inheritable(keep, True)',
    "gone = os.open('/dev/ram0', os.O_RDONLY | os.O_CLOEXEC)",
    'print(keep, gone, os.get_inheritable(gone), flush=True)',
    "os.execv('/bin/ls', ['ls', '-l', '/proc/self/fd/%d' % gone, '/proc/self/fd/%d' % keep])",
  ].join('\n');
  const r = await vuPython(t, RAM, code, [], { env: { ...process.env, LC_ALL: 'C' } });
  t.is(r.status, 2, out(r) + err(r));
  const [first, listed, ...rest] = out(r).split('\n');
  t.is(first, '3 4 False');
  t.regex(listed, /^l\S+ 1 \S+ \S+ \d+ .* \/proc\/self\/fd\/3 -> /);
  t.deepEqual(rest, ['']);
  t.is(err(r), "ls: cannot access '/proc/self/fd/4': No such file or directory\n");

  // Through bash: an fd without close-on-exec works in an exec'ed program.
  const b = await vuBash(t, RAM, 'echo hello world > /dev/ram0; exec 3</dev/ram0; head -c 6 <&3; echo; head -c 6 <&3');
  t.is(b.status, 0, err(b));
  // The second head goes on where the first stopped: one open file description.
  t.is(out(b), 'hello \nworld\n');
});

test('poll, select and epoll report a /dev/ram0 fd readable and writable', async (t) => {
  const code = [
    'import os, select',
    "fd = os.open('/dev/ram0', os.O_RDWR)",
    'r, w, x = select.select([fd], [fd], [fd], 5)',
    "print('select', r == [fd], w == [fd], x)",
    'p = select.poll()',
    'p.register(fd, select.POLLIN | select.POLLOUT)',
    "print('poll', [(f == fd, ev) for f, ev in p.poll(5000)])",
    'ep = select.epoll()',
    'ep.register(fd, select.EPOLLIN | select.EPOLLOUT)',
    "print('epoll', [(f == fd, ev) for f, ev in ep.poll(5)])",
    'ep.modify(fd, select.EPOLLOUT)',
    "print('epoll out', [(f == fd, ev) for f, ev in ep.poll(5)])",
  ].join('\n');
  const r = await vuPython(t, RAM, code);
  t.is(r.status, 0, err(r));
  t.is(out(r), 'select True True []\npoll [(True, 5)]\nepoll [(True, 5)]\nepoll out [(True, 4)]\n');
});

test('an unknown ioctl on /dev/ram0 gives ENOTTY, a known one works', async (t) => {
  const code = [
    'import os, fcntl, errno, struct',
    "fd = os.open('/dev/ram0', os.O_RDWR)",
    'try:',
    '    fcntl.ioctl(fd, 0x1234)',
    "    print('no error')",
    'except OSError as e:',
    '    print(errno.errorcode[e.errno])',
    "print(struct.unpack('Q', fcntl.ioctl(fd, 0x80081272, bytes(8)))[0])",
  ].join('\n');
  const r = await vuPython(t, RAM, code);
  t.is(r.status, 0, err(r));
  t.is(out(r), 'ENOTTY\n67108864\n');
});
