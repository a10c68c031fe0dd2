// The network configurations the network benchmarks compare: how a command
// is run on each one, at which address it reaches a server on the host, and
// whether the configuration can run here at all (a module that has not
// landed yet, no /dev/net/tun, no nsenter …).
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../hypervisor/paths.js';
import { capture } from './capture.js';
import { VU, which } from './lib.js';

export interface NetConfig {
  id: string;
  title: string;
  /** The full command that runs cmd on this configuration. */
  wrap(cmd: string[]): string[];
  /** How the host's 127.0.0.1 is reached from inside. */
  hostAddr: string;
  /** The addresses of the configuration's own stack, to try in order. */
  ownAddrs: string[];
  /** What the report shows as the way it is run. */
  shown: string;
}

const NODE = process.execPath;
const HAS_TUN = (() => {
  try {
    fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
})();

function vuStack(id: string, title: string, mount: string, target: string, hostAddr: string, ownAddrs: string[]): NetConfig {
  const args = ['run', '--mount', mount, '--stack', target, '--'];
  return { id, title, wrap: (cmd) => [NODE, VU, ...args, ...cmd], hostAddr, ownAddrs, shown: `node bin/vu.js ${args.join(' ')} CMD` };
}

const SLIRP_OWN = ['127.0.0.1', '10.0.2.15'];

export const NATIVE: NetConfig = {
  id: 'native', title: 'native', wrap: (cmd) => cmd, hostAddr: '127.0.0.1', ownAddrs: ['127.0.0.1'], shown: 'CMD',
};

export const VUNETREAL = vuStack('vunetreal', 'vu + vunetreal',
  'type=vunetreal,target=/dev/net/real', '/dev/net/real', '127.0.0.1', ['127.0.0.1']);

export const VUNETVDESTACK = vuStack('vunetvdestack', 'vu + vunetvdestack slirp://',
  'type=vunetvdestack,source=slirp://,target=/dev/net/vde', '/dev/net/vde', '10.0.2.2', SLIRP_OWN);

export const VUNETLWIPV6 = vuStack('vunetlwipv6', 'vu + vunetlwipv6 slirp://',
  'type=vunetlwipv6,source=slirp://,target=/dev/net/lw', '/dev/net/lw', '10.0.2.2', SLIRP_OWN);

const NETNS_SCRIPT = path.join(ROOT, 'dist', 'bench', 'fixtures', 'vdestack_netns.js');

/** libvdestack's namespace on slirp, the client entered into it with nsenter: no hypervisor. */
export const VDESTACK_NETNS: NetConfig = {
  id: 'vdestack', title: 'vdestack without vu (nsenter)',
  wrap: (cmd) => [NODE, NETNS_SCRIPT, 'slirp://', '--', ...cmd],
  hostAddr: '10.0.2.2', ownAddrs: SLIRP_OWN,
  shown: 'node dist/bench/fixtures/vdestack_netns.js slirp:// -- CMD',
};

/**
 * Why `c` cannot run here, or undefined when it can: one `true` run on it
 * (for a vu stack that loads and mounts the module: a module that has not
 * landed fails here and its rows are skipped, not failed).
 */
export async function unavailable(c: NetConfig, tool: string): Promise<string | undefined> {
  if (c.id === 'native' || c.id === 'vunetreal') return undefined;
  if (!HAS_TUN) return '/dev/net/tun is not accessible';
  if (c.id === 'vdestack') {
    if (process.getuid?.() !== 0) return 'needs root (nsenter into a namespace another process made)';
    if (!which('nsenter')) return 'nsenter is not installed';
  }
  const r = await capture(c.wrap(['true']), { tool, timeoutMs: 60_000 });
  if (r.code === 0) return undefined;
  const why = r.stderr.trim().split('\n').find((l) => l.trim()) ?? `exit ${r.code ?? r.signal}`;
  if (c.id === 'vunetlwipv6' && /unknown (type|module)|cannot load module|not found/.test(why)) {
    const short = /unknown type "[^"]+"|cannot load module [^:]+|module file not found: \S+/.exec(why)?.[0] ?? why.slice(0, 160);
    return `module not available: ${short}`;
  }
  return why.slice(0, 200);
}
