// Reads the partition table of a disk: MBR (with logical partitions in an
// extended one) or GPT behind a protective MBR. Not a module itself.

export interface Partition {
  /** Partition number as Linux names it: hda1 … (logical from 5). */
  number: number;
  start: bigint; // bytes
  size: bigint;  // bytes
}

const SECTOR = 512n;

export function readPartitions(read: (offset: bigint, length: number) => Buffer, diskSize: bigint): Partition[] {
  const mbr = read(0n, 512);
  if (mbr.length < 512 || mbr.readUInt16LE(510) !== 0xaa55) return [];
  const entries = [0, 1, 2, 3].map((i) => {
    const e = mbr.subarray(446 + 16 * i, 446 + 16 * (i + 1));
    return { type: e[4], start: BigInt(e.readUInt32LE(8)), sectors: BigInt(e.readUInt32LE(12)) };
  });
  if (entries.some((e) => e.type === 0xee)) {
    const gpt = readGpt(read, diskSize);
    if (gpt) return gpt;
  }
  const out: Partition[] = [];
  entries.forEach((e, i) => {
    if (e.type === 0 || e.sectors === 0n) return;
    const isExtended = e.type === 0x05 || e.type === 0x0f || e.type === 0x85;
    // Linux shows an extended partition as a 1 KiB device (its first EBR).
    out.push({ number: i + 1, start: e.start * SECTOR, size: isExtended ? 1024n : e.sectors * SECTOR });
    if (isExtended) out.push(...readLogical(read, e.start));
  });
  return out.filter((p) => p.start + p.size <= diskSize || p.start < diskSize).map((p) => ({
    ...p, size: p.start + p.size > diskSize ? diskSize - p.start : p.size,
  }));
}

function readLogical(read: (offset: bigint, length: number) => Buffer, extStart: bigint): Partition[] {
  const out: Partition[] = [];
  let ebr = extStart;
  for (let n = 5; n < 64; n++) {
    const b = read(ebr * SECTOR, 512);
    if (b.length < 512 || b.readUInt16LE(510) !== 0xaa55) break;
    const first = { type: b[446 + 4], start: BigInt(b.readUInt32LE(446 + 8)), sectors: BigInt(b.readUInt32LE(446 + 12)) };
    const next = { type: b[462 + 4], start: BigInt(b.readUInt32LE(462 + 8)) };
    if (first.type !== 0 && first.sectors) out.push({ number: n, start: (ebr + first.start) * SECTOR, size: first.sectors * SECTOR });
    if (next.type === 0 || next.start === 0n) break;
    ebr = extStart + next.start;
  }
  return out;
}

function readGpt(read: (offset: bigint, length: number) => Buffer, diskSize: bigint): Partition[] | undefined {
  const h = read(SECTOR, 512);
  if (h.length < 92 || h.toString('latin1', 0, 8) !== 'EFI PART') return undefined;
  const entriesLba = h.readBigUInt64LE(72);
  const count = Math.min(h.readUInt32LE(80), 256);
  const size = h.readUInt32LE(84);
  if (size < 128 || size > 4096) return undefined;
  const table = read(entriesLba * SECTOR, count * size);
  const out: Partition[] = [];
  for (let i = 0; i < count && (i + 1) * size <= table.length; i++) {
    const e = table.subarray(i * size, (i + 1) * size);
    if (e.subarray(0, 16).every((x) => x === 0)) continue;
    const first = e.readBigUInt64LE(32);
    const last = e.readBigUInt64LE(40);
    if (last < first || first * SECTOR >= diskSize) continue;
    out.push({ number: i + 1, start: first * SECTOR, size: (last - first + 1n) * SECTOR });
  }
  return out;
}
