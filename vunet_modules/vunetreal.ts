// vunetreal: a gateway to the host's real network. The guest's sockets are
// the kernel's own, made as the guest asked, so they run at native speed.
import { AF, defineVunet } from '../hypervisor/module_api.js';

const FAMILIES: ReadonlySet<number> = new Set([AF.INET, AF.INET6, AF.NETLINK, AF.PACKET]);

export default defineVunet({
  kind: 'vunet',
  name: 'vunetreal',
  description: "the host's network, through the kernel",
  init() {
    return {
      supported_domain: (domain) => FAMILIES.has(domain),
      socket: () => ({ kind: 'kernel' }),
    };
  },
});
