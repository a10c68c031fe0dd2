// Helpers for the vunet tests: the stack mounts, native servers on the
// host's loopback (127.0.0.1 only), free ports, fixtures compiled with gcc.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { ROOT, runNative } from './run.js';
import { err, mounts, out, tmpDir } from './umdev.js';

export const VDE_TARGET = '/dev/net/vde';
export const REAL_TARGET = '/dev/net/real';
/** The slirp stack mounted, but not used for socket(). */
export const VDE_MOUNTED: string[] = mounts(`type=vunetvdestack,target=${VDE_TARGET}`);
/** The slirp stack mounted and used by the guest's socket() calls. */
export const VDE: string[] = [...VDE_MOUNTED, '--stack', VDE_TARGET];
/** The host's network through the kernel, used by socket(). */
export const REAL: string[] = [...mounts(`type=vunetreal,target=${REAL_TARGET}`), '--stack', REAL_TARGET];

/** What vu prints on stderr when it mounts the slirp stack with its defaults. */
export const VDE_BANNER = `vu: vunetvdestack ${VDE_TARGET}: vde0 10.0.2.15/24 via 10.0.2.2 on slirp://\n`;

export const LW_TARGET = '/dev/net/lw';
/** lwIPv6 on slirp, used by socket(). */
export const LW: string[] = [...mounts(`type=vunetlwipv6,target=${LW_TARGET}`), '--stack', LW_TARGET];
export const LW_BANNER = `vu: vunetlwipv6 ${LW_TARGET}: 10.0.2.15/24 via 10.0.2.2 on slirp://\n`;

/** libvdestack needs /dev/net/tun (read and write); without it the slirp tests are skipped. */
export const TUN_OK: boolean = (() => {
  try {
    fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

export const fixture = (name: string): string => path.join(ROOT, 'test', 'fixtures', name);

export const sha256 = (b: Buffer): string => crypto.createHash('sha256').update(b).digest('hex');

/** A TCP port that is free on the host's 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface FileServer {
  port: number;
  /** "METHOD URL" of every request, in order. */
  requests: string[];
}

/** A node http server on 127.0.0.1 (random port) serving `files` (by URL path); closed at teardown. */
export async function fileServer(t: ExecutionContext, files: Record<string, Buffer | string>): Promise<FileServer> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  t.teardown(() => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  return { port: (server.address() as net.AddressInfo).port, requests };
}

export interface TcpListener {
  port: number;
  /** How many connections were accepted. */
  accepted(): number;
}

/** A plain TCP listener on 127.0.0.1 (random port) that accepts and closes; closed at teardown. */
export async function tcpListener(t: ExecutionContext): Promise<TcpListener> {
  let n = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    n++;
    sockets.add(s);
    s.on('error', () => { /* the peer may reset */ });
    s.on('close', () => sockets.delete(s));
    s.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  t.teardown(() => new Promise<void>((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  }));
  return { port: (server.address() as net.AddressInfo).port, accepted: () => n };
}

/** Compiles test/fixtures/NAME.c with gcc into a temp dir removed at teardown; returns the binary. */
export async function compileFixture(t: ExecutionContext, name: string): Promise<string> {
  const dir = tmpDir(t, 'vu-vunet-cc-');
  const bin = path.join(dir, name);
  const r = await runNative('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', bin, fixture(`${name}.c`)], { timeout: 60_000 });
  if (r.status !== 0) throw new Error(`gcc ${name}.c failed (status ${r.status}${r.timedOut ? ', timed out' : ''}): ${err(r)}`);
  return bin;
}

/** The interface names of `ip -o link` output ("1: lo: <…" → "lo"; "5: veth0@if4: …" → "veth0"). */
export function linkNames(ipOLink: string): string[] {
  return ipOLink.split('\n').filter(Boolean).map((l) => {
    const m = /^\d+:\s+([^:@\s]+)[@:]/.exec(l);
    if (!m) throw new Error(`unexpected ip -o link line: ${l}`);
    return m[1];
  });
}

export { err, out };
