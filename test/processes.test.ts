// fork/exec stress under vu: each test program runs natively and under vu
// in the same test; stdout, stderr and the exit status must be the same, in
// the default mode, with `--filter full` and with `--trace=FILE`.
import test from 'ava';
import { compareWithNative } from './helpers/equiv.js';
import { prog, type Mode } from './helpers/run.js';

const MODES: Mode[] = ['default', 'full', 'trace'];

for (const mode of MODES) {
  test.serial(`forkexec 300: 300 fork+exec+wait cycles like native [${mode}]`, async (t) => {
    const { vu, trace } = await compareWithNative(t, mode, prog('forkexec'), ['300'], { timeout: 120_000 });
    t.is(vu.stdout.toString(), 'forkexec: 300 ok\n');
    t.is(vu.status, 0);
    if (trace !== undefined) {
      // Every child's execve of /bin/true is in the trace.
      t.is(trace.split('\n').filter((l) => /^\d+ execve\("\/bin\/true"/.test(l)).length, 300);
    }
  });

  test.serial(`spawn: vfork+exec, posix_spawn, vfork+_exit like native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, prog('spawn'), []);
    t.is(vu.stdout.toString(), 'from-vfork\nvfork-exec: exit 0\nposix_spawn: exit 3\nvfork-exit: exit 5\n');
    t.is(vu.status, 0);
  });

  test.serial(`thread_exec: execve from a non-main thread like native [${mode}]`, async (t) => {
    const { vu } = await compareWithNative(t, mode, prog('thread_exec'), []);
    t.is(vu.stdout.toString(), 'exec-from-thread\n');
    t.is(vu.status, 0);
  });

  test.serial(`thread_exit_orders: thread-group exit rules like native [${mode}]`, async (t) => {
    const { native, vu } = await compareWithNative(t, mode, prog('thread_exit_orders'), []);
    const lines = vu.stdout.toString().trim().split('\n');
    t.is(lines.length, 5);
    t.true(lines.every((l) => /: exit \d+$/.test(l)), native.stdout.toString());
    t.is(vu.status, 0);
  });
}
