// The x86_64 layouts of struct stat (stat/fstat/newfstatat) and struct
// statx, filled for a virtual node.

export interface StatInfo {
  dev: bigint;      // st_dev of the directory the node is in
  ino: bigint;
  mode: number;     // S_IF* | permission bits
  nlink: number;
  uid: number;
  gid: number;
  rdev: { major: number; minor: number };
  size: bigint;
  blksize: number;
  blocks: bigint;
  time: Date;
}

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

/** glibc's makedev encoding of a 64-bit dev_t. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major >>> 0);
  const mi = BigInt(minor >>> 0);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

function devMajor(dev: bigint): number { return Number(((dev >> 32n) & 0xfffff000n) | ((dev >> 8n) & 0xfffn)); }
function devMinor(dev: bigint): number { return Number(((dev >> 12n) & 0xffffff00n) | (dev & 0xffn)); }

export function encodeStat(s: StatInfo): Buffer {
  const b = Buffer.alloc(144);
  const sec = BigInt(Math.floor(s.time.getTime() / 1000));
  const nsec = BigInt((s.time.getTime() % 1000) * 1_000_000);
  b.writeBigUInt64LE(s.dev, 0);
  b.writeBigUInt64LE(s.ino, 8);
  b.writeBigUInt64LE(BigInt(s.nlink), 16);
  b.writeUInt32LE(s.mode, 24);
  b.writeUInt32LE(s.uid, 28);
  b.writeUInt32LE(s.gid, 32);
  b.writeBigUInt64LE(makedev(s.rdev.major, s.rdev.minor), 40);
  b.writeBigInt64LE(s.size, 48);
  b.writeBigInt64LE(BigInt(s.blksize), 56);
  b.writeBigInt64LE(s.blocks, 64);
  for (const off of [72, 88, 104]) {
    b.writeBigInt64LE(sec, off);
    b.writeBigInt64LE(nsec, off + 8);
  }
  return b;
}

const STATX_BASIC_STATS = 0x7ff;

export function encodeStatx(s: StatInfo): Buffer {
  const b = Buffer.alloc(256);
  const sec = BigInt(Math.floor(s.time.getTime() / 1000));
  const nsec = (s.time.getTime() % 1000) * 1_000_000;
  b.writeUInt32LE(STATX_BASIC_STATS, 0); // stx_mask
  b.writeUInt32LE(s.blksize, 4);
  b.writeBigUInt64LE(0n, 8); // attributes
  b.writeUInt32LE(s.nlink, 16);
  b.writeUInt32LE(s.uid, 20);
  b.writeUInt32LE(s.gid, 24);
  b.writeUInt16LE(s.mode, 28);
  b.writeBigUInt64LE(s.ino, 32);
  b.writeBigUInt64LE(s.size, 40);
  b.writeBigUInt64LE(s.blocks, 48);
  b.writeBigUInt64LE(0n, 56); // attributes_mask
  for (const off of [64, 96, 112]) { // atime, ctime, mtime (btime not reported)
    b.writeBigInt64LE(sec, off);
    b.writeUInt32LE(nsec, off + 8);
  }
  b.writeUInt32LE(s.rdev.major, 128);
  b.writeUInt32LE(s.rdev.minor, 132);
  b.writeUInt32LE(devMajor(s.dev), 136);
  b.writeUInt32LE(devMinor(s.dev), 140);
  return b;
}
