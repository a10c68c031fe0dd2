// vunetvdestack: a Linux network namespace used as a library (libvdestack,
// through koffi), connected to a VDE network (source=, default slirp://).
// The guest's sockets are made by the kernel inside that namespace: real
// kernel sockets the guest holds directly, at native speed. Netlink works
// there too, so the guest's own `ip addr/link/route` see and configure the
// stack's interface, not the host's.
//
// Options: ifname= (vde0), addr=A.B.C.D/N, gw=A.B.C.D; with a slirp://
// source and no addr=, slirp's defaults (10.0.2.15/24 via 10.0.2.2).
import fs from 'node:fs';
import koffi from 'koffi';
import { AF, defineVunet } from '../hypervisor/module_api.js';

const FAMILIES: ReadonlySet<number> = new Set([AF.INET, AF.INET6, AF.NETLINK, AF.PACKET]);
const SIOCGSKNS = 0x894c; // the network namespace of a socket, as an fd
const IP = fs.existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : '/sbin/ip';

interface VdeStackLib {
  addstack(url: string, ifname: string): unknown;
  delstack(stack: unknown): void;
  stackcmd(stack: unknown, cmd: string): number;
  msocket(stack: unknown, domain: number, type: number, protocol: number): number;
  ioctl(fd: number, req: number, arg: number): number;
  close(fd: number): number;
}

let lib: VdeStackLib | undefined;
function load(): VdeStackLib {
  if (lib) return lib;
  const vde = koffi.load('libvdestack.so.0');
  const libc = koffi.load('libc.so.6');
  lib = {
    addstack: vde.func('void *vde_addstack(const char *vdenet, const char *ifname)'),
    delstack: vde.func('void vde_delstack(void *stack)'),
    stackcmd: vde.func('int vde_stackcmd(void *stack, const char *stackcmd)'),
    msocket: vde.func('int vde_msocket(void *stack, int domain, int type, int protocol)'),
    ioctl: libc.func('int ioctl(int fd, unsigned long req, int arg)'),
    close: libc.func('int close(int fd)'),
  };
  return lib;
}

const IPV4_CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

export default defineVunet({
  kind: 'vunet',
  name: 'vunetvdestack',
  description: 'a Linux network namespace as a library (libvdestack) on a VDE network (slirp:// by default)',
  init(req, ctx) {
    const url = req.source || 'slirp://';
    const ifname = req.options.ifname ?? 'vde0';
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(ifname)) throw new Error(`bad ifname=${ifname}`);
    const slirp = url.startsWith('slirp');
    const addr = req.options.addr ?? (slirp ? '10.0.2.15/24' : undefined);
    const gw = req.options.gw ?? (slirp && !req.options.addr ? '10.0.2.2' : undefined);
    if (addr !== undefined && !IPV4_CIDR.test(addr)) throw new Error(`bad addr=${addr} (A.B.C.D/N)`);
    if (gw !== undefined && !IPV4.test(gw)) throw new Error(`bad gw=${gw} (A.B.C.D)`);
    // Without tun access vde_addstack succeeds and the next command hangs.
    try {
      fs.accessSync('/dev/net/tun', fs.constants.R_OK | fs.constants.W_OK);
    } catch {
      throw new Error('/dev/net/tun is not accessible to this user: libvdestack needs it');
    }
    const l = load();
    const stack = l.addstack(url, ifname);
    if (!stack) throw new Error(`vde_addstack(${url}) failed`);
    const cmds = [`${IP} link set lo up`, `${IP} link set ${ifname} up`];
    if (addr) cmds.push(`${IP} addr add ${addr} dev ${ifname}`);
    if (gw) cmds.push(`${IP} route add default via ${gw}`);
    if (l.stackcmd(stack, cmds.join('; ')) !== 0) {
      l.delstack(stack);
      throw new Error(`configuring ${ifname} failed (${cmds.join('; ')})`);
    }
    // An fd of the namespace, for the guest to enter when it makes a socket.
    const probe = l.msocket(stack, AF.INET, 2 /* SOCK_DGRAM */, 0);
    const nsfd = probe >= 0 ? l.ioctl(probe, SIOCGSKNS, 0) : -1;
    if (probe >= 0) l.close(probe);
    if (nsfd < 0) {
      l.delstack(stack);
      throw new Error('cannot get the network namespace of the stack');
    }
    const nsPath = `/proc/${process.pid}/fd/${nsfd}`;
    ctx.log(`${ifname} ${addr ?? 'unconfigured'}${gw ? ` via ${gw}` : ''} on ${url}`);
    return {
      supported_domain: (domain) => FAMILIES.has(domain),
      socket: () => ({ kind: 'netns', path: nsPath }),
      fini: () => {
        l.close(nsfd);
        l.delstack(stack);
      },
    };
  },
});
