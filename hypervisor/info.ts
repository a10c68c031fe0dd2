// `vu info`: what this host supports for vu, tried for real by the helper.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { TRACER } from './paths.js';
import { chooseVpollBackend, vpollBackends, type HostProbe } from './vpoll/backends.js';

export interface HostInfo {
  kernel: string;
  probe: HostProbe;
  seccompFiltersInKernel: boolean;
}

export function parseProbe(text: string): HostProbe {
  const out: HostProbe = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+)=(yes|no) ?(.*)$/.exec(line);
    if (m) out[m[1]] = { ok: m[2] === 'yes', detail: m[3] };
  }
  return out;
}

export function hostInfo(): HostInfo {
  let text = '';
  try {
    text = execFileSync(TRACER, ['--probe'], { encoding: 'utf8', timeout: 10_000 });
  } catch (e) {
    text = (e as { stdout?: string }).stdout ?? '';
    if (!text) throw new Error(`cannot run the tracer helper's probe (${TRACER}); run: npm run setup`);
  }
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return { kernel: `${os.type()} ${os.release()} ${os.machine()}`, probe: parseProbe(text), seccompFiltersInKernel: /Seccomp_filters:/.test(status) };
}

export function formatInfo(info: HostInfo): string {
  const yn = (k: string) => {
    const f = info.probe[k];
    return f ? `${f.ok ? 'yes' : 'no '}  ${f.detail}` : 'not probed';
  };
  const chosen = chooseVpollBackend(info.probe);
  const lines = [
    `kernel            ${info.kernel}`,
    `ptrace            ${yn('ptrace')}`,
    `seccomp filter    ${yn('seccomp')}`,
    `seccomp → ptrace  ${yn('seccomp_trace_stop')}`,
    `pidfd_getfd       ${yn('pidfd_getfd')}`,
    `user namespaces   ${yn('user_namespaces')}`,
    `/dev/fuse         ${yn('dev_fuse')}`,
    `/dev/net/tun      ${yn('dev_net_tun')}`,
    '',
    `vpoll backend     ${chosen.name} (${chosen.title}: ${chosen.events})`,
  ];
  for (const b of vpollBackends(info.probe)) {
    const state = b.host ? (b.implemented ? 'usable' : 'host has it; not in vu yet') : 'not on this host';
    lines.push(`  ${b.title.padEnd(26)} ${state.padEnd(28)} ${b.host ? '' : b.hostDetail}`.trimEnd());
  }
  return lines.join('\n') + '\n';
}
