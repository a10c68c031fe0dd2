// umdevpartx: a partitioned disk backed by a sparse image file. Real disk
// tools (sfdisk, blockdev, mkfs.ext4, e2fsck, debugfs, dd, python) run
// inside vu on /dev/hda and its partitions; the image is then checked
// natively.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { err, mounts, native, nativePartitions, out, PYTHON, readAt, sparseFile, tmpDir, vuBash } from './helpers/umdev.js';

const MiB = 1024 * 1024;
const DISK = 256 * MiB;
const SECTORS = DISK / 512;

/** Splits the output of a script that prints "@@ NAME" before each step into NAME → text. */
function sections(text: string): Map<string, string> {
  const m = new Map<string, string>();
  let cur = '';
  for (const line of text.replace(/\n$/, '').split('\n')) {
    const h = /^@@ (\S+)$/.exec(line);
    if (h) { cur = h[1]; m.set(cur, ''); continue; }
    m.set(cur, (m.get(cur) ?? '') + line + '\n');
  }
  return m;
}

test('MBR: sfdisk, mkfs.ext4, e2fsck, debugfs on /dev/hda1 inside vu; the image checks out natively', async (t) => {
  const dir = tmpDir(t);
  const img = sparseFile(dir, 'disk.img', DISK);
  const hostFile = path.join(dir, 'host.txt');
  const content = `written from the host ${process.pid} ${Date.now()}\n`;
  fs.writeFileSync(hostFile, content);

  const script = [
    'exec 2>&1',
    "echo '@@ sfdisk'; printf 'label: dos\\n,100M,L\\n,,L\\n' | sfdisk /dev/hda; echo \"status=$?\"",
    "echo '@@ ls'; ls -l /dev/hda1 /dev/hda2; echo \"status=$?\"",
    "echo '@@ getsize'; blockdev --getsize64 /dev/hda1 /dev/hda2; echo \"status=$?\"",
    "echo '@@ mkfs'; mkfs.ext4 -F /dev/hda1 >/dev/null 2>&1; echo \"status=$?\"",
    "echo '@@ fsck'; e2fsck -fn /dev/hda1; echo \"status=$?\"",
    "echo '@@ write'; debugfs -w -R \"write $1 name.txt\" /dev/hda1; echo \"status=$?\"",
    "echo '@@ cat'; debugfs -R 'cat /name.txt' /dev/hda1 2>/dev/null; echo \"status=$?\"",
  ].join('\n');
  const r = await vuBash(t, mounts(`type=umdevpartx,source=${img},target=/dev/hda`), script, [hostFile], { timeout: 60_000 });
  t.is(r.status, 0, out(r) + err(r));
  const s = sections(out(r));

  t.regex(s.get('sfdisk') ?? '', /Disk \/dev\/hda: 256 MiB, 268435456 bytes, 524288 sectors/);
  t.regex(s.get('sfdisk') ?? '', /The partition table has been altered\./);
  t.regex(s.get('sfdisk') ?? '', /status=0\n$/);

  // The table sfdisk wrote, as the host sees it after the VM ended.
  const { dump, parts } = await nativePartitions(t, img);
  t.regex(dump, /^label: dos$/m);
  t.is(parts.length, 2, dump);
  t.like(parts[0], { start: 2048, size: 204800, type: '83' });
  // The second partition: right after the first, to the end of the disk.
  t.like(parts[1], { start: 2048 + 204800, size: SECTORS - (2048 + 204800), type: '83' });
  const size2 = parts[1].size * 512;

  const ls = (s.get('ls') ?? '').split('\n');
  t.regex(ls[0], /^brw-rw---- 1 \S+ \S+ 242, +1 .* \/dev\/hda1$/);
  t.regex(ls[1], /^brw-rw---- 1 \S+ \S+ 242, +2 .* \/dev\/hda2$/);
  t.is(ls[2], 'status=0');

  t.is(s.get('getsize'), `104857600\n${size2}\nstatus=0\n`);
  t.is(s.get('mkfs'), 'status=0\n');
  const fsck = s.get('fsck') ?? '';
  t.regex(fsck, /^Pass 5: Checking group summary information$/m);
  t.regex(fsck, /^\/dev\/hda1: 11\/\d+ files \(0\.0% non-contiguous\), \d+\/102400 blocks$/m);
  t.regex(fsck, /status=0\n$/);
  t.regex(s.get('write') ?? '', /status=0\n$/);
  t.is(s.get('cat'), `${content}status=0\n`);

  // Partition 1's extent, cut out natively, is a clean ext4 holding the file.
  const p1 = path.join(dir, 'p1.img');
  const dd = await native(t, 'dd', [`if=${img}`, `of=${p1}`, 'bs=512', 'skip=2048', 'count=204800', 'status=none']);
  t.is(dd.status, 0, err(dd));
  t.is(fs.statSync(p1).size, 204800 * 512);
  const fsckN = await native(t, 'e2fsck', ['-fn', p1]);
  t.is(fsckN.status, 0, out(fsckN) + err(fsckN));
  t.regex(out(fsckN), /: 12\/\d+ files \(0\.0% non-contiguous\), \d+\/102400 blocks$/m);
  const catN = await native(t, 'debugfs', ['-R', 'cat /name.txt', p1]);
  t.is(catN.status, 0);
  t.is(out(catN), content);
});

test('GPT: partitions appear with their sizes; writes stop at a partition\'s end', async (t) => {
  const dir = tmpDir(t);
  const img = sparseFile(dir, 'disk.img', DISK);
  const py = [
    'import os, errno, sys',
    "fd = os.open('/dev/hda1', os.O_RDWR)",
    'size = os.lseek(fd, 0, os.SEEK_END)',
    "print('size', size)",
    "print('pread at end', os.pread(fd, 10, size))",
    "print('pread across end', len(os.pread(fd, 10, size - 3)))",
    'os.lseek(fd, size - 2, os.SEEK_SET)',
    "print('write across end', os.write(fd, b'abcd'))",
    "print('offset', os.lseek(fd, 0, os.SEEK_CUR) == size)",
    'try:',
    "    print('write at end', os.write(fd, b'cd'))",
    'except OSError as e:',
    "    print('write at end', errno.errorcode[e.errno])",
    "print('last bytes', os.pread(fd, 2, size - 2))",
  ].join('\n');
  const script = [
    "echo '@@ sfdisk'; printf 'label: gpt\\n,100M,L\\n,,L\\n' | sfdisk -q /dev/hda 2>&1; echo \"status=$?\"",
    "echo '@@ ls'; ls -l /dev/hda1 /dev/hda2 2>&1; echo \"status=$?\"",
    "echo '@@ getsize'; blockdev --getsize64 /dev/hda1 /dev/hda2 2>&1; echo \"status=$?\"",
    "echo '@@ dd'; dd if=/dev/zero of=/dev/hda1 bs=512 seek=$(( $(blockdev --getsize64 /dev/hda1) / 512 )) count=1 2>&1; echo \"status=$?\"",
    "echo '@@ python'; \"$1\" -c \"$2\" 2>&1; echo \"status=$?\"",
  ].join('\n');
  const r = await vuBash(t, mounts(`type=umdevpartx,source=${img},target=/dev/hda`), script, [PYTHON, py], { timeout: 60_000 });
  t.is(r.status, 0, out(r) + err(r));
  const s = sections(out(r));
  t.is(s.get('sfdisk'), 'status=0\n');

  const { dump, parts } = await nativePartitions(t, img);
  t.regex(dump, /^label: gpt$/m);
  t.is(parts.length, 2, dump);
  t.like(parts[0], { start: 2048, size: 204800 });
  t.is(parts[1].start, 2048 + 204800);
  // sfdisk leaves room for the backup GPT (33 sectors) and aligns the end.
  t.true(parts[1].size > 150 * 2048 && parts[1].start + parts[1].size <= SECTORS - 33, dump);
  const size2 = parts[1].size * 512;

  const ls = (s.get('ls') ?? '').split('\n');
  t.regex(ls[0], /^brw-rw---- 1 \S+ \S+ 242, +\d+ .* \/dev\/hda1$/);
  t.regex(ls[1], /^brw-rw---- 1 \S+ \S+ 242, +\d+ .* \/dev\/hda2$/);
  t.is(s.get('getsize'), `104857600\n${size2}\nstatus=0\n`);

  const dd = s.get('dd') ?? '';
  t.regex(dd, /^dd: error writing '\/dev\/hda1': No space left on device$/m);
  t.regex(dd, /^0\+0 records out$/m);
  t.regex(dd, /status=1\n$/);

  t.is(s.get('python'), [
    'size 104857600',
    "pread at end b''",
    'pread across end 3',
    'write across end 2',
    'offset True',
    'write at end ENOSPC',
    "last bytes b'ab'",
    'status=0',
    '',
  ].join('\n'));

  // Natively: the bytes cut off at partition 1's end did not spill into partition 2.
  const p1End = (2048 + 204800) * 512;
  t.is(readAt(img, p1End - 2, 2).toString('latin1'), 'ab');
  t.deepEqual([...readAt(img, p1End, 4)], [0, 0, 0, 0]);
});
