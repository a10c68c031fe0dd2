// umdevpartx: a partitioned disk backed by an image file (source=). The
// target (/dev/hda) is the whole disk; /dev/hda1, /dev/hda2 … are its
// partitions, read from the MBR or GPT at mount time and again when the
// table is re-read (BLKRRPART). Each partition is bounded to its extent.
import fs from 'node:fs';
import { ERRNO, defineUmdev, type UmdevDevice } from '../hypervisor/module_api.js';
import { BLK, blockIoctl } from './blockdev.js';
import { readPartitions, type Partition } from './partition_table.js';

let instances = 0;

export default defineUmdev({
  kind: 'umdev',
  name: 'umdevpartx',
  description: 'a partitioned disk image: target is the disk, target1… its partitions',
  init(req, ctx): UmdevDevice {
    if (!req.source) throw new Error('source= is missing (the disk image file)');
    const readOnly = req.options.ro !== undefined || req.options.readonly !== undefined;
    let fd: number;
    try {
      fd = fs.openSync(req.source, readOnly ? 'r' : 'r+');
    } catch (e) {
      throw new Error(`cannot open the image ${req.source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const st = fs.fstatSync(fd);
    if (!st.isFile() && !st.isBlockDevice()) throw new Error(`${req.source} is not a regular file`);
    const diskSize = BigInt(st.size) - (BigInt(st.size) % 512n);
    if (diskSize === 0n) throw new Error(`${req.source} is empty`);

    const readRaw = (offset: bigint, length: number): Buffer => {
      const b = Buffer.alloc(length);
      const n = fs.readSync(fd, b, 0, length, Number(offset));
      return b.subarray(0, n);
    };
    let parts = new Map<number, Partition>();
    const reread = () => {
      parts = new Map(readPartitions(readRaw, diskSize).map((p) => [p.number, p]));
    };
    reread();
    const extent = (sub: number): { start: bigint; size: bigint } | undefined =>
      sub === 0 ? { start: 0n, size: diskSize } : parts.get(sub);
    const minor = 16 * instances++;

    return {
      type: 'block',
      major: 242,
      minor,
      confirm_subdev: (suffix) => {
        if (!/^[1-9]\d*$/.test(suffix)) return undefined;
        return parts.has(Number(suffix)) ? Number(suffix) : undefined;
      },
      size: (sub) => extent(sub)?.size ?? 0n,
      open: (sub, flags) => {
        if (!extent(sub)) return -ERRNO.ENXIO; // the partition went away with a new table
        if (readOnly && (flags & 3) !== 0) return -ERRNO.EROFS;
        return { sub };
      },
      pread: (h, length, offset) => {
        const e = extent((h as { sub: number }).sub);
        if (!e) return -ERRNO.ENXIO;
        return readRaw(e.start + offset, length);
      },
      pwrite: (h, data, offset) => {
        const e = extent((h as { sub: number }).sub);
        if (!e) return -ERRNO.ENXIO;
        return fs.writeSync(fd, data, 0, data.length, Number(e.start + offset));
      },
      fsync: () => { fs.fsyncSync(fd); return 0; },
      ioctl: (h, request, arg) => {
        const sub = (h as { sub: number }).sub;
        if (request === BLK.BLKRRPART) {
          if (sub !== 0) return -ERRNO.EINVAL;
          reread();
          ctx.log(`partition table re-read: ${[...parts.keys()].map((n) => `${req.target}${n}`).join(' ') || 'no partitions'}`);
          return 0;
        }
        const e = extent(sub);
        if (!e) return -ERRNO.ENXIO;
        return blockIoctl(request, arg, { size: e.size, start: e.start, readOnly }) ?? -ERRNO.ENOTTY;
      },
      fini: () => {
        try { fs.fsyncSync(fd); } catch { /* read-only */ }
        fs.closeSync(fd);
      },
    };
  },
});
