// Interactivity: stdin reaches the guest, and an interactive shell under vu
// is usable in a pseudo-terminal (Ctrl-C goes to the guest, not to vu).
import test from 'ava';
import { ROOT, VU, bytes, runNative, runVu } from './helpers/run.js';

test('stdin reaches the guest: echo hi | vu run -- cat', async (t) => {
  const native = await runNative('cat', [], { input: 'hi\n', timeout: 20_000 });
  const vu = await runVu(['run', '--', 'cat'], { input: 'hi\n', timeout: 20_000 });
  t.is(vu.stdout.toString(), 'hi\n');
  t.is(bytes(vu.stdout), bytes(native.stdout));
  t.is(bytes(vu.stderr), bytes(native.stderr));
  t.is(vu.status, 0);
});

// What both pty drivers below need: fail with the last output, read until a pattern.
const PTY_HELPERS = String.raw`
buf = b''
def fail(msg):
    try: os.kill(pid, 9)
    except OSError: pass
    sys.stderr.write(msg + '\nlast output: %r\n' % buf[-400:])
    sys.exit(1)
def read_until(pat, timeout):
    global buf
    end = time.time() + timeout
    while pat not in buf:
        left = end - time.time()
        if left <= 0: fail('timeout waiting for %r' % pat)
        r, _, _ = select.select([fd], [], [], left)
        if not r: continue
        try: d = os.read(fd, 4096)
        except OSError: d = b''
        if not d: fail('EOF (the shell ended) waiting for %r' % pat)
        buf += d
    buf = buf[buf.index(pat) + len(pat):]
`;

// Drives `node bin/vu.js run -- bash --norc -i` in a pty (python3's pty
// module) and prints one line per step reached; fails with a message on
// stderr at the first step that does not happen in time.
const PTY_DRIVER = String.raw`
import os, pty, select, subprocess, sys, time
node, vu = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(node, [node, vu, 'run', '--', 'bash', '--norc', '-i'])
${PTY_HELPERS}
def sleeping():
    return subprocess.run(['pgrep', '-f', '^sleep 30[.]7531$'], stdout=subprocess.PIPE).stdout.split()

os.write(fd, b'echo $((6*7))\n')
read_until(b'42', 20)
print('answer 42', flush=True)

os.write(fd, b'sleep 30.7531\n')
end = time.time() + 10
while not sleeping():
    if time.time() > end: fail('sleep 30.7531 did not start')
    time.sleep(0.05)
print('sleep running', flush=True)
t0 = time.time()
os.write(fd, b'\x03')
# The quotes keep the echoed command line from containing the answer.
os.write(fd, b'echo al""ive\n')
read_until(b'alive', 10)
print('alive after ctrl-c (%s)' % ('fast' if time.time() - t0 < 8 else 'slow'), flush=True)
if sleeping(): fail('sleep still runs after ctrl-c')
print('sleep gone', flush=True)

os.write(fd, b'exit 3\n')
end = time.time() + 10
while True:
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try: os.read(fd, 4096)
        except OSError: pass
    p, st = os.waitpid(pid, os.WNOHANG)
    if p: break
    if time.time() > end: fail('the shell did not end after exit 3')
print('status', os.waitstatus_to_exitcode(st), flush=True)
`;

test.serial('an interactive bash under vu works in a pty; Ctrl-C reaches the guest; exit 3 gives status 3', async (t) => {
  const env = { ...process.env, TERM: 'dumb', HISTFILE: '', PS1: '$ ' };
  const r = await runNative('python3', ['-c', PTY_DRIVER, process.execPath, VU], { cwd: ROOT, env, timeout: 60_000 });
  t.false(r.timedOut, 'the pty session timed out');
  t.is(r.stderr.toString(), '', 'the pty driver reported a failure');
  t.is(r.stdout.toString(), 'answer 42\nsleep running\nalive after ctrl-c (fast)\nsleep gone\nstatus 3\n');
  t.is(r.status, 0);
});

// Ctrl-Z in an outer interactive shell: the guest stops, vu stops as that
// shell's job, and fg continues both to the guest's normal end.
const CTRL_Z_DRIVER = String.raw`
import os, pty, select, sys, time
node, vu = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.execvp('bash', ['bash', '--norc', '-i'])
${PTY_HELPERS}
os.write(fd, ('%s %s run -- bash -c "sleep 2; echo guest-""done"\n' % (node, vu)).encode())
time.sleep(1.0)
os.write(fd, b'\x1a')
read_until(b'Stopped', 10)
print('stopped', flush=True)
time.sleep(2.5)
if b'guest-done' in buf: fail('the guest ran on while stopped')
os.write(fd, b'fg\n')
read_until(b'guest-done', 15)
print('continued', flush=True)
os.write(fd, b'echo st=$?""x\n')
read_until(b'st=0x', 10)
print('status 0', flush=True)
os.write(fd, b'exit\n')
os.waitpid(pid, 0)
`;

test.serial('Ctrl-Z stops the guest and vu as a shell job; fg continues both', async (t) => {
  const env = { ...process.env, TERM: 'dumb', HISTFILE: '', PS1: '$ ' };
  const r = await runNative('python3', ['-c', CTRL_Z_DRIVER, process.execPath, VU], { cwd: ROOT, env, timeout: 60_000 });
  t.false(r.timedOut, 'the pty session timed out');
  t.is(r.stderr.toString(), '', 'the pty driver reported a failure');
  t.is(r.stdout.toString(), 'stopped\ncontinued\nstatus 0\n');
});
