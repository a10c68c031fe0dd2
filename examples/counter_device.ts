// A custom umdev module: a character device that counts. Each open starts
// again; reading gives the lines "1" … "N" (N = the mount option lines=,
// default 10) and then end of file. Try it:
//   npx vu run --insmod examples/counter_device.ts \
//     --mount type=counter,target=/dev/counter,lines=3 -- cat /dev/counter
import { ERRNO, defineUmdev } from '../hypervisor/module_api.js';

interface Reader { text: Buffer; pos: number }

export default defineUmdev({
  kind: 'umdev',
  name: 'counter',
  description: 'reads give the lines 1..N, then EOF',
  init(req) {
    const lines = Number(req.options.lines ?? 10);
    if (!Number.isInteger(lines) || lines < 0) throw new Error(`bad lines=${req.options.lines}`);
    const text = Buffer.from(Array.from({ length: lines }, (_, i) => `${i + 1}\n`).join(''));
    return {
      type: 'char' as const,
      major: 250,
      minor: 0,
      open: (): Reader => ({ text, pos: 0 }),
      read: (r: Reader, length: number) => {
        const out = r.text.subarray(r.pos, r.pos + length);
        r.pos += out.length;
        return out;
      },
      pread: (r: Reader, length: number, offset: bigint) => r.text.subarray(Number(offset), Number(offset) + length),
      pwrite: () => -ERRNO.EPERM,
    };
  },
});
