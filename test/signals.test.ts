// Signals: sent from outside to vu (forwarded to the guest), job-control
// stops of a guest, and signal handlers interrupting a blocked call.
import fs from 'node:fs';
import test from 'ava';
import { compareWithNative } from './helpers/equiv.js';
import { pgrep, prog, sleep, start, startVu, waitFor } from './helpers/run.js';

/** State letter of /proc/PID/stat (R, S, T, t, Z ...), or undefined if gone. */
function procState(pid: number): string | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

function cmdline(pid: number): string {
  try { return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '); } catch { return ''; }
}

test.serial('SIGINT sent to vu ends a sleep 30 guest like natively (SIGINT natively, status 130 under vu)', async (t) => {
  // Natively: sleep is killed by the signal.
  const native = start('sleep', ['30.1357'], { timeout: 40_000 });
  await new Promise<void>((resolve) => native.child.once('spawn', () => resolve()));
  await waitFor(() => (cmdline(native.child.pid!) === 'sleep 30.1357' ? true : undefined), 5000);
  native.child.kill('SIGINT');
  const n = await native.done;
  t.is(n.signal, 'SIGINT');
  t.is(n.status, null);

  // Under vu: the signal goes to vu, which passes it to the guest.
  const vu = startVu(['run', '--', 'sleep', '30.2468'], { timeout: 40_000 });
  const guest = await waitFor(async () => (await pgrep('^sleep 30\\.2468$'))[0], 10_000);
  t.truthy(guest, 'the guest sleep never started');
  const sent = Date.now();
  vu.child.kill('SIGINT');
  const r = await vu.done;
  const took = Date.now() - sent;
  t.false(r.timedOut, 'vu did not end after SIGINT');
  t.is(r.signal, null);
  t.is(r.status, 130, `stderr: ${r.stderr}`);
  t.true(took < 10_000, `vu took ${took} ms to end after SIGINT`);
  t.deepEqual(await pgrep('^sleep 30\\.2468$'), [], 'the guest sleep is still running');
});

test.serial('SIGSTOP then SIGCONT sent to the guest does not hang the tracer', async (t) => {
  const vu = startVu(['run', '--', 'bash', '-c', 'echo $$; exec sleep 1.0123'], { timeout: 30_000 });
  const pid = await waitFor(() => {
    const m = /^(\d+)\n/.exec(vu.stdoutSoFar().toString());
    return m ? Number(m[1]) : undefined;
  }, 10_000);
  if (pid === undefined) {
    vu.child.kill('SIGKILL');
    t.fail(`the guest did not print its pid; stderr: ${vu.stderrSoFar()}`);
    return;
  }
  // Wait for the exec, so that the process stopped is sleep itself.
  t.truthy(await waitFor(() => (cmdline(pid) === 'sleep 1.0123' ? true : undefined), 5000), 'the guest did not exec sleep');
  process.kill(pid, 'SIGSTOP');
  const state = await waitFor(() => { const s = procState(pid); return s === 'T' || s === 't' ? s : undefined; }, 3000);
  t.truthy(state, `the guest did not stop (state ${procState(pid)})`);
  // Stay stopped past the end of the sleep: nothing may end meanwhile.
  await sleep(2000);
  t.regex(procState(pid) ?? 'gone', /^[Tt]$/, 'the guest did not stay stopped');
  t.is(vu.child.exitCode, null, 'vu ended while its guest was stopped');
  const cont = Date.now();
  process.kill(pid, 'SIGCONT');
  const r = await vu.done;
  t.false(r.timedOut, 'vu hung after SIGCONT');
  t.is(r.status, 0, `stderr: ${r.stderr}`);
  t.is(r.signal, null);
  t.true(Date.now() - cont < 5000, 'the guest took too long to end after SIGCONT');
  t.is(r.stdout.toString(), `${pid}\n`);
});

test.serial('sigrestart: SA_RESTART restarts an interrupted read, without it EINTR, like native', async (t) => {
  const { vu } = await compareWithNative(t, 'default', prog('sigrestart'), [], { timeout: 30_000 });
  t.is(vu.stdout.toString(), 'restart: read returned 1 after handler\nnorestart: read returned -1 errno=EINTR after handler\n');
  t.is(vu.status, 0);
});
