// Modules loaded by path (the counter example, as .ts and compiled .js, and
// a faulty test module), and bad --mount input that must stop vu before
// the guest runs.
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { err, mounts, out, tmpDir, vu, vuBash } from './helpers/umdev.js';

const COUNTER = 'type=counter,target=/dev/counter,lines=5';

for (const file of ['examples/counter_device.ts', 'dist/examples/counter_device.js']) {
  test(`counter module loaded from ${file}: cat prints 1..5`, async (t) => {
    const r = await vu(t, ['--insmod', file, ...mounts(COUNTER)], ['cat', '/dev/counter']);
    t.is(r.status, 0, err(r));
    t.is(out(r), '1\n2\n3\n4\n5\n');
    t.is(err(r), '');
  });

  test(`counter module loaded from ${file}: dd bs=3 reads all 10 bytes`, async (t) => {
    const r = await vuBash(t, ['--insmod', file, ...mounts(COUNTER)], 'dd if=/dev/counter bs=3 status=none | wc -c; dd if=/dev/counter bs=3 status=none | od -An -c');
    t.is(r.status, 0, err(r));
    t.is(out(r), '10\n   1  \\n   2  \\n   3  \\n   4  \\n   5  \\n\n');
  });
}

test('counter module: each open starts again, and writes get EPERM', async (t) => {
  const r = await vuBash(t, ['--insmod', 'examples/counter_device.ts', ...mounts('type=counter,target=/dev/counter,lines=2')],
    'cat /dev/counter /dev/counter; echo x > /dev/counter; echo "status=$?"');
  t.is(out(r), '1\n2\n1\n2\nstatus=1\n');
  t.regex(err(r), /write error: Operation not permitted/);
  t.is(r.status, 0);
});

test('a module method that throws: that call fails with EIO, vu logs it and goes on', async (t) => {
  const r = await vuBash(t, ['--insmod', 'test/fixtures/faulty_device.ts', ...mounts('type=faulty,target=/dev/faulty')],
    'cat /dev/faulty; echo "cat=$?"; echo ok > /dev/faulty; echo "write=$?"; echo after');
  t.is(r.status, 0, err(r));
  t.is(out(r), 'cat=1\nwrite=0\nafter\n');
  const e = err(r);
  t.regex(e, /^cat: \/dev\/faulty: Input\/output error$/m);
  t.regex(e, /^vu: .*boom/m);
});

interface Bad { name: string; args: (dir: string) => string[]; mentions: RegExp }

const BAD: Bad[] = [
  { name: 'an unknown module type', args: () => mounts('type=nosuchmodule,target=/dev/x'), mentions: /nosuchmodule/ },
  { name: 'umdevpartx with a missing image file', args: (d) => mounts(`type=umdevpartx,source=${d}/missing.img,target=/dev/hda`), mentions: /missing\.img/ },
  { name: 'umdevpartx without source=', args: () => mounts('type=umdevpartx,target=/dev/hda'), mentions: /source/ },
  { name: 'umdevramdisk with size=12Q', args: () => mounts('type=umdevramdisk,target=/dev/ram0,size=12Q'), mentions: /size.*12Q|12Q.*size/ },
  { name: 'umdevramdisk without size=', args: () => mounts('type=umdevramdisk,target=/dev/ram0'), mentions: /size/ },
  { name: 'the same target mounted twice', args: () => mounts('type=umdevnull,target=/dev/vnull', 'type=umdevramdisk,target=/dev/vnull,size=1M'), mentions: /\/dev\/vnull.*already mounted/ },
  { name: '--mount without target=', args: () => mounts('type=umdevnull'), mentions: /target/ },
  { name: 'a module file that does not exist', args: (d) => ['--insmod', `${d}/nosuch_module.ts`], mentions: /nosuch_module\.ts/ },
];

for (const b of BAD) {
  test(`bad input: ${b.name} stops vu at once with a one-line message`, async (t) => {
    const dir = tmpDir(t);
    const marker = path.join(dir, 'marker');
    const r = await vu(t, b.args(dir), ['touch', marker], { timeout: 20_000 });
    t.is(r.status, 2);
    t.is(out(r), '');
    const e = err(r);
    t.regex(e, /^vu: [^\n]+\n$/, `not one line: ${JSON.stringify(e)}`);
    t.regex(e, b.mentions);
    t.false(fs.existsSync(marker), 'the guest command ran');
  });
}
