// umdevramdisk: a block device of size= bytes (K/M/G suffixes) held in
// memory, allocated in 64 KiB chunks on first write (reads of untouched
// chunks give zeros), so a large, mostly empty disk costs little.
import { ERRNO, defineUmdev, parseSize, type UmdevDevice } from '../hypervisor/module_api.js';
import { blockIoctl } from './blockdev.js';

const CHUNK = 64 * 1024;

export default defineUmdev({
  kind: 'umdev',
  name: 'umdevramdisk',
  description: 'a block device held in memory (size=64M)',
  init(req): UmdevDevice {
    const sizeText = req.options.size;
    if (!sizeText) throw new Error('size= is missing (for example size=64M)');
    const size = parseSize(sizeText);
    if (size === undefined || size <= 0n || size % 512n !== 0n) throw new Error(`bad size "${sizeText}" (a positive multiple of 512 bytes, K/M/G suffixes allowed)`);
    if (size > 1n << 40n) throw new Error(`size ${sizeText} is too large for memory`);
    const chunks = new Map<number, Buffer>();

    const readAt = (length: number, offset: bigint): Buffer => {
      const out = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const pos = offset + BigInt(done);
        const idx = Number(pos / BigInt(CHUNK));
        const within = Number(pos % BigInt(CHUNK));
        const n = Math.min(CHUNK - within, length - done);
        chunks.get(idx)?.copy(out, done, within, within + n);
        done += n;
      }
      return out;
    };
    const writeAt = (data: Buffer, offset: bigint): number => {
      let done = 0;
      while (done < data.length) {
        const pos = offset + BigInt(done);
        const idx = Number(pos / BigInt(CHUNK));
        const within = Number(pos % BigInt(CHUNK));
        const n = Math.min(CHUNK - within, data.length - done);
        let c = chunks.get(idx);
        if (!c) chunks.set(idx, (c = Buffer.alloc(CHUNK)));
        data.copy(c, within, done, done + n);
        done += n;
      }
      return data.length;
    };
    const zero = (start: bigint, len: bigint) => {
      for (let p = start; p < start + len;) {
        const n = Math.min(Number(start + len - p), CHUNK - Number(p % BigInt(CHUNK)));
        if (n === CHUNK) chunks.delete(Number(p / BigInt(CHUNK)));
        else writeAt(Buffer.alloc(n), p);
        p += BigInt(n);
      }
    };

    return {
      type: 'block',
      major: 241,
      minor: 0,
      size: () => size,
      open: () => ({}),
      pread: (_h, length, offset) => readAt(length, offset),
      pwrite: (_h, data, offset) => writeAt(data, offset),
      ioctl: (_h, req, arg) => blockIoctl(req, arg, { size }, zero) ?? -ERRNO.ENOTTY,
    };
  },
});
