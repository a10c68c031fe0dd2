// Bad input: missing programs, no command, bad pointers, and vu itself
// being killed.
import test from 'ava';
import { compareWithNative } from './helpers/equiv.js';
import { pgrep, prog, runNative, runVu, sleep, startVu, waitFor, type Mode } from './helpers/run.js';

const MISSING = 'vu-test-no-such-command-4711';

test('a missing program: status 127 and "command not found", as bash says natively', async (t) => {
  const native = await runNative('bash', ['-c', MISSING], { timeout: 20_000 });
  t.is(native.status, 127);
  t.regex(native.stderr.toString(), /command not found/);

  const vu = await runVu(['run', '--', MISSING], { timeout: 20_000 });
  t.is(vu.status, 127);
  t.is(vu.stdout.length, 0);
  const line = vu.stderr.toString().split('\n').find((l) => l.includes('command not found'));
  t.truthy(line, `no "command not found" line in: ${vu.stderr}`);
  t.true(line!.includes(MISSING), 'the message does not name the program');
});

test('vu run with no command: non-zero status and a usage message', async (t) => {
  const vu = await runVu(['run'], { timeout: 20_000 });
  t.not(vu.status, 0);
  t.not(vu.status, null);
  t.regex(vu.stderr.toString(), /Usage:/);
});

const MODES: Mode[] = ['default', 'full', 'trace'];
for (const mode of MODES) {
  test.serial(`efault: bad pointers get EFAULT like native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, prog('efault'), [], { timeout: 30_000 });
    const out = vu.stdout.toString();
    t.true(out.startsWith('efault: start\n'));
    t.regex(out, /^read \[low\]: ret=-1 errno=EFAULT$/m);
    t.regex(out, /^openat \[unmapped\]: ret=-1 errno=EFAULT$/m);
    t.regex(out, /^pipe still holds 20 bytes$/m);
    t.regex(out, /^fd leak: none$/m);
    t.is(vu.status, 0);
  });
}

test.serial('SIGKILL of vu leaves no guest process behind', async (t) => {
  const pattern = 'sleep 30[01]\\.4242';
  t.deepEqual(await pgrep(pattern), [], 'leftovers of an earlier run');
  const vu = startVu(['run', '--', 'bash', '-c', 'sleep 300.4242 & sleep 301.4242 & wait'], { timeout: 60_000 });
  // Both guest sleeps run.
  const both = await waitFor(async () => {
    const pids = await pgrep('^sleep 30[01]\\.4242$');
    return pids.length === 2 ? pids : undefined;
  }, 10_000);
  t.truthy(both, 'the guest sleeps never started');
  vu.child.kill('SIGKILL');
  const r = await vu.done;
  t.is(r.signal, 'SIGKILL');
  // Nothing that matches (vu, its helper, bash, the sleeps) survives for long.
  let left: number[] = [];
  const end = Date.now() + 5000;
  for (;;) {
    left = await pgrep(pattern);
    if (left.length === 0 || Date.now() >= end) break;
    await sleep(100);
  }
  if (left.length) {
    const ps = await runNative('ps', ['-o', 'pid,ppid,stat,args', '-p', left.join(',')]);
    for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    t.fail(`guest processes left behind after SIGKILL of vu:\n${ps.stdout}`);
    return;
  }
  t.deepEqual(left, []);
});
