// The block-device ioctls real disk tools use (blockdev, sfdisk, mkfs,
// e2fsck), shared by the block modules. Not a module itself.
import { ERRNO, type IoctlArg } from '../hypervisor/module_api.js';

export const BLK = {
  BLKROSET: 0x125d, BLKROGET: 0x125e, BLKRRPART: 0x125f, BLKGETSIZE: 0x1260, BLKFLSBUF: 0x1261,
  BLKRASET: 0x1262, BLKRAGET: 0x1263, BLKSSZGET: 0x1268, BLKDISCARD: 0x1277, BLKIOMIN: 0x1278,
  BLKIOOPT: 0x1279, BLKALIGNOFF: 0x127a, BLKPBSZGET: 0x127b, BLKDISCARDZEROES: 0x127c,
  BLKZEROOUT: 0x127f, BLKBSZGET: 0x80081270, BLKBSZSET: 0x40081271, BLKGETSIZE64: 0x80081272,
  BLKGETDISKSEQ: 0x80081280, HDIO_GETGEO: 0x0301,
} as const;

export const SECTOR = 512;

export interface BlockGeometry {
  size: bigint;
  /** Where this (sub)device starts on its disk, in bytes (0 for a whole disk). */
  start?: bigint;
  readOnly?: boolean;
}

function u64(v: bigint): Buffer { const b = Buffer.alloc(8); b.writeBigUInt64LE(v); return b; }
function i32(v: number): Buffer { const b = Buffer.alloc(4); b.writeInt32LE(v); return b; }

/**
 * Answers the generic block ioctls; returns undefined for requests it does
 * not know (the module decides: its own, or -ENOTTY). zero(start, len)
 * serves BLKDISCARD/BLKZEROOUT.
 */
export function blockIoctl(
  req: number, arg: IoctlArg, g: BlockGeometry, zero?: (start: bigint, len: bigint) => void,
): number | undefined {
  const put = (b: Buffer) => (arg.write(b) ? 0 : -ERRNO.EFAULT);
  switch (req) {
    case BLK.BLKGETSIZE64: return put(u64(g.size));
    case BLK.BLKGETSIZE: return put(u64(g.size / BigInt(SECTOR)));
    case BLK.BLKSSZGET: case BLK.BLKPBSZGET: case BLK.BLKIOMIN: return put(i32(SECTOR));
    case BLK.BLKBSZGET: return put(i32(4096));
    case BLK.BLKBSZSET: return 0;
    case BLK.BLKIOOPT: case BLK.BLKALIGNOFF: case BLK.BLKDISCARDZEROES: return put(i32(0));
    case BLK.BLKROGET: return put(i32(g.readOnly ? 1 : 0));
    case BLK.BLKROSET: return 0;
    case BLK.BLKRAGET: return put(u64(256n));
    case BLK.BLKRASET: return 0;
    case BLK.BLKFLSBUF: return 0;
    case BLK.BLKGETDISKSEQ: return put(u64(1n));
    case BLK.HDIO_GETGEO: {
      // struct hd_geometry { u8 heads; u8 sectors; u16 cylinders; unsigned long start; }
      const b = Buffer.alloc(16);
      const sectors = g.size / BigInt(SECTOR);
      b.writeUInt8(255, 0);
      b.writeUInt8(63, 1);
      b.writeUInt16LE(Number((sectors / (255n * 63n)) & 0xffffn), 2);
      b.writeBigUInt64LE((g.start ?? 0n) / BigInt(SECTOR), 8);
      return put(b);
    }
    case BLK.BLKDISCARD: case BLK.BLKZEROOUT: {
      const r = arg.read(16);
      if (!r) return -ERRNO.EFAULT;
      const start = r.readBigUInt64LE(0);
      const len = r.readBigUInt64LE(8);
      if (start % BigInt(SECTOR) || len % BigInt(SECTOR) || start + len > g.size) return -ERRNO.EINVAL;
      zero?.(start, len);
      return 0;
    }
    default: return undefined;
  }
}
