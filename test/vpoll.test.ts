// Virtual fds whose calls block: the guest waits natively on its vpoll fd
// and the kernel's EINTR / SA_RESTART / O_NONBLOCK rules hold. Uses the
// example mailbox module (examples/mailbox_device.ts).
import test from 'ava';
import path from 'node:path';
import { ROOT, prog, runVu } from './helpers/run.js';

const MBOX = ['run', '--insmod', path.join(ROOT, 'examples', 'mailbox_device.ts'), '--mount', 'type=mailbox,target=/dev/mbox'];
const PROG = prog('mailbox_wait');

for (const mode of [[], ['--trace=/dev/null']]) {
  const label = mode.length ? ' (--trace)' : '';
  test(`a read interrupted by a handler without SA_RESTART fails with EINTR${label}`, async (t) => {
    const r = await runVu([MBOX[0], ...mode, ...MBOX.slice(1), '--', PROG], { timeout: 30_000 });
    t.is(r.status, 0, r.stderr.toString());
    t.is(r.stdout.toString(), 'norestart: read=-1 errno=EINTR handler=1\nbyte=Z\npoll empty=0\nnonblocking read=-1 errno=EAGAIN\n');
  });

  test(`a read interrupted by a handler with SA_RESTART resumes and gets the byte${label}`, async (t) => {
    const r = await runVu([MBOX[0], ...mode, ...MBOX.slice(1), '--', PROG, 'restart'], { timeout: 30_000 });
    t.is(r.status, 0, r.stderr.toString());
    t.is(r.stdout.toString(), 'restart: read=1 errno=- handler=1\nbyte=Z\npoll empty=0\nnonblocking read=-1 errno=EAGAIN\n');
  });
}

test('a blocked cat is woken by writes from other processes', async (t) => {
  const r = await runVu([...MBOX, '--', 'bash', '-c',
    'cat /dev/mbox & sleep 0.3; echo hello > /dev/mbox; sleep 0.3; echo world > /dev/mbox; sleep 0.3; kill $!; wait; echo done'], { timeout: 30_000 });
  t.is(r.stdout.toString(), 'hello\nworld\ndone\n');
  t.is(r.status, 0);
});

test('epoll and select wake natively when the module raises EPOLLIN', async (t) => {
  const script = [
    'import os, select, time',
    "fd = os.open('/dev/mbox', os.O_RDWR)",
    'ep = select.epoll(); ep.register(fd, select.EPOLLIN)',
    'print("before", ep.poll(0), select.select([fd], [], [], 0)[0])',
    'if os.fork() == 0:',
    '    time.sleep(0.3); w = os.open("/dev/mbox", os.O_WRONLY); os.write(w, b"x"); os._exit(0)',
    't0 = time.time(); ev = ep.poll(10)',
    'print("epoll", ev == [(fd, select.EPOLLIN)], time.time() - t0 < 5)',
    'print("select", select.select([fd], [], [], 10)[0] == [fd])',
    'print("read", os.read(fd, 10))',
    'os.wait()',
  ].join('\n');
  const r = await runVu([...MBOX, '--', 'python3', '-c', script], { timeout: 30_000 });
  t.is(r.stdout.toString(), 'before [] []\nepoll True True\nselect True\nread b\'x\'\n', r.stderr.toString());
  t.is(r.status, 0);
});
