// The vpoll backends vu knows, in order of preference, and the choice for
// this host. A backend is used only when the host has it and vu has it.

export type VpollBackendName = 'efd_vpoll' | 'dev_vpoll' | 'fuse' | 'socketpair';

export interface VpollBackendInfo {
  name: VpollBackendName;
  title: string;
  /** Events a guest's poll/select/epoll can see through this backend. */
  events: string;
  /** The host supports it (from the probe). */
  host: boolean;
  hostDetail: string;
  /** vu has an implementation of it. */
  implemented: boolean;
}

export interface HostProbe { [feature: string]: { ok: boolean; detail: string } }

export function vpollBackends(probe: HostProbe): VpollBackendInfo[] {
  const p = (k: string) => probe[k] ?? { ok: false, detail: '(not probed)' };
  return [
    { name: 'efd_vpoll', title: 'kernel eventfd(EFD_VPOLL)', events: 'all', host: p('efd_vpoll').ok, hostDetail: p('efd_vpoll').detail, implemented: false },
    { name: 'dev_vpoll', title: '/dev/vpoll', events: 'all', host: p('dev_vpoll').ok, hostDetail: p('dev_vpoll').detail, implemented: false },
    { name: 'fuse', title: 'FUSE vpoll file', events: 'all (IN, OUT, PRI, ERR, HUP, RDHUP)', host: p('dev_fuse').ok, hostDetail: p('dev_fuse').detail, implemented: false },
    { name: 'socketpair', title: 'socketpair emulation', events: 'EPOLLIN, EPOLLOUT, EPOLLHUP/EPOLLRDHUP (no PRI, no ERR)', host: true, hostDetail: 'always available', implemented: true },
  ];
}

export function chooseVpollBackend(probe: HostProbe): VpollBackendInfo {
  const all = vpollBackends(probe);
  return all.find((b) => b.host && b.implemented) ?? all[all.length - 1];
}
