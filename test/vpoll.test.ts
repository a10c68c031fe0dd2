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

// The core sets readiness on its own copies of the vpoll sockets (taken
// from the helper after each open): each mask must look to the guest as
// it did when the helper set it, also for objects made and dropped in a
// row (the helper's fd numbers are reused).
const EVENTS = ['run', '--insmod', path.join(ROOT, 'test', 'fixtures', 'events_device.ts'), '--mount', 'type=events,target=/dev/events'];
const EVENTS_SCRIPT = [
  'import os, select',
  'def ev(fd):',
  '    p = select.poll(); p.register(fd, select.POLLIN | select.POLLOUT | select.POLLRDHUP)',
  '    r = p.poll(0); return r[0][1] if r else 0',
  'fd = os.open("/dev/events", os.O_RDWR)',
  'out = [ev(fd)]',
  'for m in [1, 4, 5, 0, 4, 1, 0x2000, 0, 0x10, 0]:',
  '    os.write(fd, str(m).encode()); out.append(ev(fd))',
  'print(" ".join(hex(x) for x in out))',
  'bad = 0',
  'for i in range(100):',
  '    a = os.open("/dev/events", os.O_RDWR); b = os.open("/dev/events", os.O_RDWR)',
  '    os.write(a, b"1"); os.write(b, b"4")',
  '    if (ev(a), ev(b)) != (1, 4): bad += 1',
  '    os.close(a) if i % 2 else os.close(b)',
  '    os.close(b) if i % 2 else os.close(a)',
  'print("bad", bad)',
].join('\n');

for (const mode of [[], ['--trace=/dev/null']]) {
  test(`each mask shows as the same poll events, across many opens${mode.length ? ' (--trace)' : ''}`, async (t) => {
    const r = await runVu([EVENTS[0], ...mode, ...EVENTS.slice(1), '--', 'python3', '-c', EVENTS_SCRIPT], { timeout: 60_000 });
    t.is(r.stdout.toString(), '0x0 0x1 0x4 0x5 0x0 0x4 0x1 0x2001 0x2001 0x2011 0x2011\nbad 0\n', r.stderr.toString());
    t.is(r.stderr.toString(), '');
    t.is(r.status, 0);
  });
}
