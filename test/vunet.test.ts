// vunet: the guest's sockets on a network stack chosen with --stack.
//   vunetvdestack (slirp): a Linux network namespace, 10.0.2.15/24 via
//     10.0.2.2, where 10.0.2.2 reaches the host's 127.0.0.1;
//   vunetlwipv6 (slirp): a user-level TCP/IP stack, same addresses, its
//     sockets served through vpoll fds;
//   vunetreal: the host's network through the kernel.
// All traffic stays on this machine: 127.0.0.1 on the host, 10.0.2.x in slirp.
// The slirp tests are skipped when /dev/net/tun is not accessible.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ROOT, startVu, waitFor } from './helpers/run.js';
import { mounts, native, PYTHON, tmpDir, vu, vuBash, vuPython } from './helpers/umdev.js';
import {
  compileFixture, err, fileServer, fixture, freePort, linkNames, LW, LW_BANNER, LW_TARGET, out, REAL, sha256, tcpListener, TUN_OK, VDE,
  VDE_BANNER, VDE_MOUNTED,
} from './helpers/vunet.js';

const NODE = process.execPath;
const MB20 = 20 * 1024 * 1024;

/** Slirp tests: skipped (decided at load) when libvdestack cannot get /dev/net/tun. */
const vde = TUN_OK ? test : test.skip;
if (!TUN_OK) console.log('vunet.test: /dev/net/tun is not accessible: the vunetvdestack tests are skipped');

/** The two slirp stacks: the same guest programs must behave the same on both. */
const SLIRP = [
  { name: 'vunetvdestack', args: VDE, banner: VDE_BANNER, label: 'vunetvdestack /dev/net/vde', test: vde },
  { name: 'vunetlwipv6', args: LW, banner: LW_BANNER, label: 'vunetlwipv6 /dev/net/lw', test },
] as const;

// ------------------------------------------------------------ 20 MB over HTTP

const download20M = (stackName: string, stackArgs: string[], host: string) => async (t: ExecutionContext) => {
  const data = crypto.randomBytes(MB20);
  const srv = await fileServer(t, { '/file': data });
  const expected = sha256(data);
  const nat = await native(t, 'bash', ['-c', 'set -o pipefail; curl -sS --max-time 30 "$1" | sha256sum', 'bash', `http://127.0.0.1:${srv.port}/file`]);
  t.is(out(nat), `${expected}  -\n`, 'native curl');
  const r = await vuBash(t, stackArgs, 'set -o pipefail; curl -sS --max-time 30 "$1" | sha256sum; echo "status $?"',
    [`http://${host}:${srv.port}/file`], { timeout: 45_000 });
  t.is(r.status, 0, err(r));
  t.is(out(r), `${expected}  -\nstatus 0\n`, `${stackName}: the 20 MB file arrived changed or incomplete`);
  t.deepEqual(srv.requests, ['GET /file', 'GET /file'], 'one native and one guest request');
  return r;
};

for (const st of SLIRP) {
  st.test(`${st.name}: curl of a 20 MB file from a host server through slirp (10.0.2.2) has the native sha256`, async (t) => {
    const r = await download20M(st.name, [...st.args], '10.0.2.2')(t);
    t.is(err(r), st.banner);
  });
}

test('vunetreal: curl of a 20 MB file from 127.0.0.1 has the native sha256', async (t) => {
  const r = await download20M('vunetreal', REAL, '127.0.0.1')(t);
  t.is(err(r), '');
});

// ------------------------------------------------------------ a server inside the VM

const IN_VM_SERVER = String.raw`
dir=$1 port=$2
cd "$dir/www" || exit 9
timeout 40 "$3" -m http.server "$port" --bind 0.0.0.0 >"$dir/server.log" 2>&1 &
srv=$!
for i in $(seq 150); do curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/" && break; sleep 0.1; done
echo "127.0.0.1: $(curl -sS --max-time 5 "http://127.0.0.1:$port/hello.txt")"
echo "10.0.2.15: $(curl -sS --max-time 5 "http://10.0.2.15:$port/hello.txt")"
: > "$dir/ready"
for i in $(seq 250); do [ -e "$dir/checked" ] && break; sleep 0.1; done
[ -e "$dir/checked" ] && echo "host checked" || echo "host did not check in time"
echo "still serving: $(curl -sS --max-time 5 "http://127.0.0.1:$port/hello.txt")"
kill $srv
wait $srv
echo "server ended by SIGTERM: $([ $? = 143 ] && echo yes || echo no)"
`;

for (const st of SLIRP) {
  st.test(`${st.name}: python3 http.server in the VM is reached from the VM (127.0.0.1, 10.0.2.15) but not from the host`, async (t) => {
    const dir = tmpDir(t, 'vu-vunet-');
    fs.mkdirSync(path.join(dir, 'www'));
    fs.writeFileSync(path.join(dir, 'www', 'hello.txt'), 'served from inside the VM');
    const port = await freePort(); // free on the host: a native refusal is then the stack's isolation
    const running = startVu(['run', ...st.args, '--', 'bash', '-c', IN_VM_SERVER, 'bash', dir, String(port), PYTHON], { timeout: 60_000 });
    t.teardown(() => { if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL'); });

    const ready = await waitFor(() => (fs.existsSync(path.join(dir, 'ready')) ? true : undefined), 30_000);
    t.true(ready, `the VM server never got ready; stdout: ${running.stdoutSoFar()} stderr: ${running.stderrSoFar()}`);
    // While the VM's server listens on 0.0.0.0:port in the stack, the host's 127.0.0.1:port is closed.
    const host = await native(t, 'curl', ['-sS', '--max-time', '5', `http://127.0.0.1:${port}/hello.txt`]);
    fs.writeFileSync(path.join(dir, 'checked'), '');
    t.is(host.status, 7, `native curl should be refused; stdout: ${out(host)} stderr: ${err(host)}`);
    t.regex(err(host), /Failed to connect to 127\.0\.0\.1 port \d+/);
    t.is(out(host), '');

    const r = await running.done;
    t.false(r.timedOut, 'vu timed out');
    t.is(r.status, 0, err(r));
    t.is(out(r), [
      '127.0.0.1: served from inside the VM',
      '10.0.2.15: served from inside the VM',
      'host checked',
      'still serving: served from inside the VM',
      'server ended by SIGTERM: yes',
      '',
    ].join('\n'));
    t.is(err(r), st.banner);
    // The server saw the guest's requests, from the stack's own addresses.
    const log = fs.readFileSync(path.join(dir, 'server.log'), 'utf8');
    t.regex(log, /^127\.0\.0\.1 - - \[.*\] "GET \/hello\.txt HTTP\/1\.1" 200 -$/m);
    t.regex(log, /^10\.0\.2\.15 - - \[.*\] "GET \/hello\.txt HTTP\/1\.1" 200 -$/m);
  });
}

// ------------------------------------------------------------ epoll server, select client

const EPOLL_SERVER = String.raw`
const http = require('http');
const [host, port] = process.argv.slice(1);
const server = http.createServer((req, res) => {
  res.end('pong from the epoll server: ' + req.method + ' ' + req.url + '\n');
  server.close();
});
server.listen(Number(port), host);
`;

for (const [st, traced] of SLIRP.flatMap((x) => [[x, false], [x, true]] as const)) {
  st.test(`${st.name}: an epoll (node) server and a select (python3) client in the same VM talk over 10.0.2.15${traced ? ' [--trace]' : ''}`, async (t) => {
    const dir = tmpDir(t, 'vu-vunet-');
    const trace = path.join(dir, 'trace.txt');
    const port = await freePort();
    const script = 'timeout 20 "$1" -e "$2" 10.0.2.15 "$4" & srv=$!; timeout 20 "$3" "$5" 10.0.2.15 "$4" /ping; echo "client $?"; wait $srv; echo "server $?"';
    const r = await vuBash(t, [...(traced ? [`--trace=${trace}`] : []), ...st.args], script,
      [NODE, EPOLL_SERVER, PYTHON, String(port), fixture('vunet_select_client.py')], { timeout: 40_000 });
    t.is(r.status, 0, err(r));
    // 10.0.2.15 exists only in the stack: both sockets were made there.
    t.is(out(r), 'HTTP/1.1 200 OK\npong from the epoll server: GET /ping\nclient 0\nserver 0\n');
    t.is(err(r), st.banner);
    if (!traced) return;
    const lines = fs.readFileSync(trace, 'utf8').split('\n');
    const pidOf = (exe: string) => lines.find((l) => l.includes(` execve("${exe}", `) && l.endsWith(' = 0 real'))?.split(' ')[0];
    const nodePid = pidOf(NODE);
    const pyPid = pidOf(PYTHON);
    t.truthy(nodePid, 'no execve of node in the trace');
    t.truthy(pyPid, 'no execve of python3 in the trace');
    const of = (pid: string | undefined, re: RegExp) => lines.filter((l) => l.split(' ')[0] === pid && re.test(l));
    const madeByStack = new RegExp(`^\\d+ socket\\(2, 0x[0-9a-f]+, 0\\) = \\d+ ${st.label}$`);
    t.true(of(nodePid, madeByStack).length >= 1, 'node\'s socket() was not the stack\'s');
    t.true(of(pyPid, madeByStack).length >= 1, 'python\'s socket() was not the stack\'s');
    t.true(of(nodePid, /^\d+ epoll_(p?wait2?)\(/).length >= 1, 'node did not wait in epoll');
    t.true(of(pyPid, /^\d+ (p?select6?)\(/).length >= 2, 'python did not wait in select');
  });
}

// ------------------------------------------------------------ netcat, TCP and UDP

// No ss: it asks the kernel (sock_diag), which knows nothing of lwIPv6's
// sockets. TCP clients retry while refused; the UDP server gets a second.
// The TCP client closes after 1 s of quiet (-w1) rather than half-closing
// (-N): lwIPv6 sends no FIN on shutdown(SHUT_WR), so a server waiting for
// the client's EOF would wait forever.
const NC_SCRIPT = String.raw`
cd "$1" || exit 9
port=$2
for addr in 127.0.0.1 10.0.2.15; do
  echo "reply-tcp-$addr" | timeout 10 nc -l "$addr" "$port" > "tcp-$addr.srv" &
  rc=1; for i in $(seq 100); do echo "hello-tcp-$addr" | timeout 10 nc -w1 "$addr" "$port" > "tcp-$addr.cli" 2>/dev/null && { rc=0; break; }; sleep 0.05; done
  echo "tcp $addr client $rc"
  wait $!; echo "tcp $addr server $?"
done
echo reply-udp | timeout 10 nc -u -l -q1 127.0.0.1 "$port" > udp.srv &
srv=$!
sleep 1
(echo hello-udp; sleep 0.5) | timeout 10 nc -u -q1 -w2 127.0.0.1 "$port" > udp.cli; echo "udp client $?"
wait $srv; echo "udp server $?"
for f in tcp-127.0.0.1.srv tcp-127.0.0.1.cli tcp-10.0.2.15.srv tcp-10.0.2.15.cli udp.srv udp.cli; do echo "$f: $(cat "$f")"; done
`;

for (const st of SLIRP) {
  st.test(`${st.name}: nc (openbsd) TCP and UDP round trips inside the VM`, async (t) => {
    const dir = tmpDir(t, 'vu-vunet-');
    const port = await freePort();
    const r = await vuBash(t, [...st.args], NC_SCRIPT, [dir, String(port)], { timeout: 40_000 });
    t.is(r.status, 0, err(r));
    t.is(out(r), [
      'tcp 127.0.0.1 client 0',
      'tcp 127.0.0.1 server 0',
      'tcp 10.0.2.15 client 0',
      'tcp 10.0.2.15 server 0',
      'udp client 0',
      'udp server 0',
      'tcp-127.0.0.1.srv: hello-tcp-127.0.0.1',
      'tcp-127.0.0.1.cli: reply-tcp-127.0.0.1',
      'tcp-10.0.2.15.srv: hello-tcp-10.0.2.15',
      'tcp-10.0.2.15.cli: reply-tcp-10.0.2.15',
      'udp.srv: hello-udp',
      'udp.cli: reply-udp',
      '',
    ].join('\n'));
    t.is(err(r), st.banner);
  });
}

// ------------------------------------------------------------ SIGALRM and a blocked recv

const SIGRECV_EXPECTED = {
  norestart: 'connected\nrecv = -1 errno=EINTR\nhandler calls: 1\nreturned after the alarm (0.8-2.0 s)\nserver exit: 0\n',
  restart: 'connected\nrecv = 1 data=x\nhandler calls: 1\nreturned after the server\'s byte (>= 2.0 s)\nserver exit: 0\n',
};

for (const st of SLIRP) {
  st.test(`${st.name}: SIGALRM interrupts a blocked recv (EINTR) without SA_RESTART and not with it, as natively`, async (t) => {
    const bin = await compileFixture(t, 'vunet_sigrecv');
    const dir = tmpDir(t, 'vu-vunet-');
    // In the VM: the four runs in parallel, on the stack's loopback and on 10.0.2.15 (absent on the host).
    const script = 'for m in norestart restart; do for a in 127.0.0.1 10.0.2.15; do timeout 20 "$1" $m $a > "$2/$m-$a" 2>&1 & done; done; wait; '
      + 'for m in norestart restart; do for a in 127.0.0.1 10.0.2.15; do echo "== $m $a"; cat "$2/$m-$a"; done; done';
    const [vm, nn, nr] = await Promise.all([
      vuBash(t, [...st.args], script, [bin, dir], { timeout: 40_000 }),
      native(t, bin, ['norestart']),
      native(t, bin, ['restart']),
    ]);
    t.is(out(nn), SIGRECV_EXPECTED.norestart, 'native norestart');
    t.is(out(nr), SIGRECV_EXPECTED.restart, 'native restart');
    t.is(vm.status, 0, err(vm));
    t.is(out(vm), [
      `== norestart 127.0.0.1\n${out(nn)}`,
      `== norestart 10.0.2.15\n${out(nn)}`,
      `== restart 127.0.0.1\n${out(nr)}`,
      `== restart 10.0.2.15\n${out(nr)}`,
    ].join(''));
    t.is(err(vm), st.banner);
  });
}

// ------------------------------------------------------------ many connections

const MANY_PY = String.raw`
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
for i in range(300):  # the server may take a while to start
    try:
        socket.create_connection(('127.0.0.1', port), timeout=0.2).close()
        break
    except OSError:
        time.sleep(0.05)
ok = 0
for i in range(n):
    s = socket.create_connection(('127.0.0.1', port), timeout=10)
    s.sendall(b'GET /%d HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' % i)
    data = b''
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
    s.close()
    ok += data.endswith(b'\r\n\r\nreply %d\n' % i)
print(ok, 'of', n, 'answered')
`;

for (const st of SLIRP) {
  st.test(`${st.name}: 200 sequential connections from python3 to a node server in the same VM are each answered`, async (t) => {
    const port = await freePort();
    const server = "require('http').createServer((q, s) => s.end('reply ' + q.url.slice(1) + '\\n')).listen(+process.argv[1], '0.0.0.0')";
    const r = await vuBash(t, [...st.args], 'timeout 60 "$1" -e "$2" "$3" & srv=$!; timeout 60 "$4" -c "$5" "$3" 200; kill $srv',
      [NODE, server, String(port), PYTHON, MANY_PY], { timeout: 90_000 });
    t.is(r.status, 0, err(r));
    t.is(out(r), '200 of 200 answered\n');
    t.is(err(r), st.banner);
  });
}

// ------------------------------------------------------------ two stacks in one VM (vustack)

const TWO_STACKS = String.raw`
cd "$1/www" || exit 9
port=$2
vustack /dev/net/lw "$3" -m http.server "$port" --bind 0.0.0.0 >/dev/null 2>&1 &
for i in $(seq 100); do vustack /dev/net/lw curl -s -o /dev/null --max-time 1 "http://10.0.2.15:$port/" && break; sleep 0.1; done
echo "lwIPv6 client: $(vustack /dev/net/lw curl -sS --max-time 5 "http://10.0.2.15:$port/hello.txt")"
vustack /dev/net/vde curl -s --max-time 5 "http://10.0.2.15:$port/hello.txt"; echo "vdestack client: curl status $?"
echo "vdestack's interfaces: $(vustack /dev/net/vde ip -o -4 addr | awk '{print $2}' | tr '\n' ' ')"
vustack /dev/net/none true; echo "no stack there: status $?"
kill %1
`;

vde('two stacks in one VM: vustack puts a server on lwIPv6 and clients on either stack; each stack is its own network', async (t) => {
  const dir = tmpDir(t, 'vu-vunet-');
  fs.mkdirSync(path.join(dir, 'www'));
  fs.writeFileSync(path.join(dir, 'www', 'hello.txt'), 'served on lwIPv6');
  const port = await freePort();
  const r = await vuBash(t, [...mounts(`type=vunetlwipv6,target=${LW_TARGET}`), ...VDE_MOUNTED], TWO_STACKS, [dir, String(port), PYTHON], { timeout: 40_000 });
  t.is(out(r), [
    'lwIPv6 client: served on lwIPv6',
    'vdestack client: curl status 7', // the same address in the other stack: nobody listens there
    'vdestack\'s interfaces: lo vde0 ',
    'no stack there: status 1',
    '',
  ].join('\n'));
  t.is(err(r), `vu: vunetlwipv6 ${LW_TARGET}: 10.0.2.15/24 via 10.0.2.2 on slirp://\n${VDE_BANNER}vustack: no network stack is mounted at /dev/net/none\n`);
});

test('vustack outside vu says so and fails', async (t) => {
  const r = await native(t, path.join(ROOT, 'hypervisor', 'tools', 'bin', 'vustack'), ['/dev/net/lw', 'true']);
  t.is(r.status, 1);
  t.is(err(r), 'vustack: not running inside vu\n');
});

// ------------------------------------------------------------ connects that never end

const CLOSE_CONNECTING_PY = String.raw`
import socket, time
t = time.monotonic()
for i in range(10):
    s = socket.socket()
    s.setblocking(False)
    try:
        s.connect(('10.0.2.99', 80))  # nobody answers there
    except BlockingIOError:
        pass
    s.close()
print('closed 10 connecting sockets in', 'under 5 s' if time.monotonic() - t < 5 else 'more than 5 s')
`;

test('vunetlwipv6: sockets closed while connecting to an unreachable host: the guest and vu end at once', async (t) => {
  const start = Date.now();
  const r = await vuBash(t, LW, '"$1" -c "$2"; exit 3', [PYTHON, CLOSE_CONNECTING_PY], { timeout: 30_000 });
  t.is(r.status, 3, err(r));
  t.is(out(r), 'closed 10 connecting sockets in under 5 s\n');
  t.true(Date.now() - start < 10_000, `vu took ${Date.now() - start} ms`);
});

// ------------------------------------------------------------ careless programs

for (const st of SLIRP) {
  st.test(`${st.name}: bad addresses, accept/listen on the wrong socket, listen without bind, dup2, sendto on TCP: as natively`, async (t) => {
    const nat = await native(t, PYTHON, [fixture('vunet_misuse.py'), '127.0.0.1']);
    t.is(nat.status, 0, err(nat));
    t.regex(out(nat), /^connect\(NULL, 0\): EINVAL\n/);
    const r = await vuBash(t, [...st.args], '"$1" "$2" 127.0.0.1 && "$1" "$2" 10.0.2.15', [PYTHON, fixture('vunet_misuse.py')], { timeout: 40_000 });
    t.is(r.status, 0, err(r));
    t.is(out(r), out(nat) + out(nat));
    t.is(err(r), st.banner);
  });
}

// ------------------------------------------------------------ O_NONBLOCK, MSG_DONTWAIT, SO_RCVTIMEO

for (const st of SLIRP) {
  st.test(`${st.name}: non-blocking connect (EINPROGRESS), EAGAIN, MSG_DONTWAIT, SO_RCVTIMEO and ECONNREFUSED as natively`, async (t) => {
    const nat = await native(t, PYTHON, [fixture('vunet_nonblock.py'), '127.0.0.1']);
    t.is(nat.status, 0, err(nat));
    t.regex(out(nat), /^non-blocking connect: EINPROGRESS\n.*timed recv: EAGAIN after the timeout\n/s);
    const r = await vuBash(t, [...st.args], 'for a in 127.0.0.1 10.0.2.15; do "$1" "$2" $a || echo "status $?"; done',
      [PYTHON, fixture('vunet_nonblock.py')], { timeout: 40_000 });
    t.is(r.status, 0, err(r));
    t.is(out(r), out(nat) + out(nat));
    t.is(err(r), st.banner);
  });
}

// ------------------------------------------------------------ ip sees the stack's interfaces only

vde('vunetvdestack: ip addr/link/route show lo and vde0 (10.0.2.15/24, default via 10.0.2.2), none of the host\'s interfaces', async (t) => {
  const host = await native(t, 'ip', ['-o', 'link']);
  t.is(host.status, 0, err(host));
  const hostNames = linkNames(out(host));
  t.true(hostNames.includes('lo'));
  const r = await vuBash(t, VDE, 'ip -o link; echo ==; ip addr; echo ==; ip -o -4 addr; echo ==; ip route');
  t.is(r.status, 0, err(r));
  t.is(err(r), VDE_BANNER);
  const [link, addr, addr4, route] = out(r).split('==\n');
  t.deepEqual(linkNames(link), ['lo', 'vde0']);
  const addrNames = [...addr.matchAll(/^\d+: ([^:@\s]+)[@:]/gm)].map((m) => m[1]);
  t.deepEqual(addrNames, ['lo', 'vde0']);
  t.regex(addr, /^\s+inet 10\.0\.2\.15\/24 (brd 10\.0\.2\.255 )?scope global vde0$/m);
  for (const name of hostNames.filter((n) => n !== 'lo')) {
    t.false(new RegExp(`\\b${name}\\b`).test(link + addr), `the host's interface ${name} is visible in the VM`);
  }
  t.deepEqual(addr4.split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(1, 4).join(' ')), [
    'lo inet 127.0.0.1/8',
    'vde0 inet 10.0.2.15/24',
  ]);
  t.deepEqual(route.split('\n').filter(Boolean).map((l) => l.trim()), [
    'default via 10.0.2.2 dev vde0',
    '10.0.2.0/24 dev vde0 proto kernel scope link src 10.0.2.15',
  ]);
});

// ------------------------------------------------------------ families: refused ones, AF_UNIX stays real

const FAMILIES_PY = String.raw`
import errno, os, socket, sys
def fam(name, f, t):
    try:
        s = socket.socket(f, t, 0)
        print(name + ': ok'); s.close()
    except OSError as e:
        print(name + ': ' + errno.errorcode.get(e.errno, str(e.errno)))
fam('AF_BLUETOOTH', 31, socket.SOCK_STREAM)
fam('AF_VSOCK', 40, socket.SOCK_STREAM)
fam('AF_INET', socket.AF_INET, socket.SOCK_STREAM)
a, b = socket.socketpair()
a.sendall(b'over a socketpair'); print('socketpair: ' + b.recv(100).decode())
`;

const UNIX_SERVER_PY = String.raw`
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[1] + '.ready', 'w').close()
c, _ = s.accept(); c.sendall(b'server got: ' + c.recv(100))
`;

const UNIX_CLIENT_PY = String.raw`
import socket, sys
c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); c.connect(sys.argv[1]); c.sendall(b'hello unix')
print(c.recv(100).decode())
`;

vde('vunetvdestack: an unserved family (AF_BLUETOOTH, AF_VSOCK) gets EAFNOSUPPORT from the stack; AF_UNIX stays real', async (t) => {
  const dir = tmpDir(t, 'vu-vunet-');
  const trace = path.join(dir, 'trace.txt');
  const nat = await native(t, PYTHON, ['-c', FAMILIES_PY]);
  t.is(nat.status, 0, err(nat));
  t.log(`native: ${out(nat).split('\n').slice(0, 2).join(', ')}`);
  const script = '"$1" -c "$2"; sock=$5/s.sock; timeout 20 "$1" -c "$3" $sock & '
    + 'for i in $(seq 200); do [ -e $sock.ready ] && break; sleep 0.05; done; timeout 20 "$1" -c "$4" $sock; wait $!; echo "server $?"';
  const r = await vuBash(t, [`--trace=${trace}`, ...VDE], script, [PYTHON, FAMILIES_PY, UNIX_SERVER_PY, UNIX_CLIENT_PY, dir], { timeout: 40_000 });
  t.is(r.status, 0, err(r));
  t.is(out(r), [
    'AF_BLUETOOTH: EAFNOSUPPORT',
    'AF_VSOCK: EAFNOSUPPORT', // natively this may well be 'ok': the stack refuses it
    'AF_INET: ok',
    'socketpair: over a socketpair',
    'server got: hello unix',
    'server 0',
    '',
  ].join('\n'));
  t.is(err(r), VDE_BANNER);
  // Who answered: the stack refused 31 and 40, served 2; the kernel made the AF_UNIX ones.
  const calls = fs.readFileSync(trace, 'utf8').split('\n').filter((l) => / socket(pair)?\(/.test(l)).map((l) => l.replace(/^\d+ /, ''));
  t.deepEqual(calls.filter((l) => /^socket\((31|40),/.test(l)).map((l) => l.replace(/, 0x[0-9a-f]+, /, ', T, ')), [
    'socket(31, T, 0) = -1 EAFNOSUPPORT vunetvdestack /dev/net/vde',
    'socket(40, T, 0) = -1 EAFNOSUPPORT vunetvdestack /dev/net/vde',
  ]);
  t.true(calls.some((l) => /^socket\(2, 0x[0-9a-f]+, 0\) = \d+ vunetvdestack \/dev\/net\/vde$/.test(l)), calls.join('\n'));
  // Every AF_UNIX socket is the kernel's. Besides the script's socketpair and
  // its server's and client's sockets (SOCK_STREAM|SOCK_CLOEXEC), libc may
  // make its own (nscd and userdb lookups use SOCK_NONBLOCK ones) on some hosts.
  const unix = calls.filter((l) => /^socket(pair)?\(1,/.test(l));
  for (const l of unix) t.regex(l, / = \d+ real$/);
  t.is(unix.filter((l) => l.startsWith('socketpair(1, 0x80001,')).length, 1, unix.join('\n'));
  t.is(unix.filter((l) => l.startsWith('socket(1, 0x80001, 0)')).length, 2, unix.join('\n'));
});

// ------------------------------------------------------------ mounted but not used

vde('vunetvdestack mounted without --stack: the guest uses the host\'s network (127.0.0.1 server reachable); with --stack it is not', async (t) => {
  const srv = await fileServer(t, { '/small': 'small file on the host\n' });
  const url = `http://127.0.0.1:${srv.port}/small`;
  const script = 'curl -sS --max-time 10 "$1"; echo "curl $?"; ip -o link';
  const [host, without, withStack] = await Promise.all([
    native(t, 'ip', ['-o', 'link']),
    vuBash(t, VDE_MOUNTED, script, [url]),
    vuBash(t, VDE, 'curl -sS --max-time 10 "$1"; echo "curl $?"', [url]),
  ]);
  t.is(without.status, 0, err(without));
  t.is(err(without), VDE_BANNER);
  const [body, status, ...links] = out(without).split('\n');
  t.is(`${body}\n${status}\n`, 'small file on the host\ncurl 0\n');
  t.deepEqual(linkNames(links.join('\n')), linkNames(out(host)), 'without --stack, ip sees the host\'s interfaces');
  // With --stack, 127.0.0.1 is the stack's own loopback, where nothing listens.
  t.is(withStack.status, 0, err(withStack));
  t.is(out(withStack), 'curl 7\n');
  t.regex(err(withStack), /^vu: vunetvdestack .*\ncurl: \(7\) Failed to connect to 127\.0\.0\.1 port \d+/);
  t.deepEqual(srv.requests, ['GET /small']);
});

// ------------------------------------------------------------ bad input

test('--stack /dev/net/nothing with nothing mounted there fails at once with a one-line message', async (t) => {
  const dir = tmpDir(t, 'vu-vunet-');
  const cases: [string, string[]][] = [
    ['nothing mounted', []],
    ['a stack mounted elsewhere', REAL.slice(0, 2)],
    ['a device mounted there', ['--mount', 'type=umdevnull,target=/dev/net/nothing']],
  ];
  // Had vu run the command, it would leave a marker and take 25 s.
  const results = await Promise.all(cases.map(([, extra], i) =>
    vu(t, [...extra, '--stack', '/dev/net/nothing'], ['bash', '-c', 'touch "$1"; sleep 25', 'bash', path.join(dir, `ran${i}`)], { timeout: 40_000 })));
  cases.forEach(([name], i) => {
    const r = results[i];
    t.is(r.status, 2, name);
    t.true(r.ms < 15_000, `${name}: took ${r.ms} ms`);
    t.is(out(r), '', name);
    t.is(err(r), 'vu: --stack /dev/net/nothing: no network stack is mounted there (mount one with --mount type=vunet…,target=/dev/net/nothing)\n', name);
    t.false(fs.existsSync(path.join(dir, `ran${i}`)), `${name}: the command ran`);
  });
});

// ------------------------------------------------------------ known bugs

const FDLIMIT_PY = String.raw`
import os, resource, socket
free = os.open('/dev/null', os.O_RDONLY); os.close(free)   # the lowest free fd
hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
for room in (64, 1):
    resource.setrlimit(resource.RLIMIT_NOFILE, (free + room, hard))
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        print(f'RLIMIT_NOFILE = lowest free fd + {room}: socket() = lowest free fd + {s.fileno() - free}'); s.close()
    except OSError as e:
        print(f'RLIMIT_NOFILE = lowest free fd + {room}: socket() failed: {os.strerror(e.errno)}')
`;
const FDLIMIT_EXPECTED = 'RLIMIT_NOFILE = lowest free fd + 64: socket() = lowest free fd + 0\n'
  + 'RLIMIT_NOFILE = lowest free fd + 1: socket() = lowest free fd + 0\n';

test('vunetreal: with a low RLIMIT_NOFILE socket() gets the lowest free fd, as natively', async (t) => {
  const nat = await native(t, PYTHON, ['-c', FDLIMIT_PY]);
  t.is(out(nat), FDLIMIT_EXPECTED);
  const r = await vuPython(t, REAL, FDLIMIT_PY);
  t.is(r.status, 0, err(r));
  t.is(out(r), FDLIMIT_EXPECTED);
});

// The tracer holds no extra fd in the guest while socket() runs in the
// stack's namespace, so even with a low RLIMIT_NOFILE the socket gets the
// lowest free fd, as natively.
vde('vunetvdestack: with a low RLIMIT_NOFILE socket() gets the lowest free fd, as natively', async (t) => {
  const r = await vuPython(t, VDE, FDLIMIT_PY);
  t.is(r.status, 0, err(r));
  t.is(out(r), FDLIMIT_EXPECTED);
});

// A 64-bit guest making socket() through the i386 ABI (int $0x80) must not
// get a host socket around --stack: vu refuses foreign-ABI calls (ENOSYS)
// while anything is mounted.
vde('vunetvdestack: a socket made through the i386 ABI (int $0x80) is the stack\'s too, not the host\'s', async (t) => {
  const bin = await compileFixture(t, 'vunet_int80');
  const lst = await tcpListener(t);
  const nat = await native(t, bin, [String(lst.port)]);
  t.is(out(nat), 'x86_64: connected\ni386: connected\n', 'native');
  // the listener may count the native run's second connection a little later
  for (let i = 0; i < 40 && lst.accepted() < 2; i++) await new Promise((r) => setTimeout(r, 50));
  const before = lst.accepted();
  const r = await vu(t, VDE, [bin, String(lst.port)]);
  t.is(r.status, 0, err(r));
  const [x64, i386] = out(r).split('\n');
  t.is(x64, 'x86_64: connect ECONNREFUSED', 'the x86_64 socket is the stack\'s');
  t.is(lst.accepted(), before, 'a guest socket reached the host\'s 127.0.0.1');
  t.regex(i386, /^i386: (connect ECONNREFUSED|socket E[A-Z]+)$/, 'the i386 socket is the host\'s');
});
