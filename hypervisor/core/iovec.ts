// Guest buffers described by iovecs (readv/writev, msghdr): reading the
// array, gathering the bytes a write sends, scattering the bytes a read got.
import { errno } from './errno.js';
import type { GuestMemory } from './memory.js';

export interface Iovec { base: bigint; len: number }

/** The guest's iovec array (at most 1024 entries, UIO_MAXIOV), or -errno. */
export function readIovecs(mem: GuestMemory, tgid: number, addr: bigint, count: number): Iovec[] | bigint {
  if (count < 0 || count > 1024) return errno('EINVAL');
  if (count === 0) return [];
  const raw = mem.read(tgid, addr, count * 16);
  if (!raw || raw.length < count * 16) return errno('EFAULT');
  const out: Iovec[] = [];
  for (let i = 0; i < count; i++) out.push({ base: raw.readBigUInt64LE(i * 16), len: Number(raw.readBigUInt64LE(i * 16 + 8)) });
  return out;
}

/**
 * The bytes the iovecs hold, at most `max` (a short write, which callers
 * loop on, so a huge buffer is never copied whole); -EFAULT if none can be read.
 */
export function gather(mem: GuestMemory, tgid: number, iov: Iovec[], max: number): Buffer | bigint {
  const parts: Buffer[] = [];
  let budget = max;
  for (const v of iov) {
    if (v.len === 0) continue;
    if (budget === 0) break;
    const len = Math.min(v.len, budget);
    budget -= len;
    const b = mem.read(tgid, v.base, len);
    if (!b || b.length < len) {
      if (!parts.length) return errno('EFAULT');
      if (b) parts.push(b);
      break;
    }
    parts.push(b);
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** Spreads data over the iovecs; the count written, or -EFAULT if nothing could be. */
export function scatter(mem: GuestMemory, tgid: number, iov: Iovec[], data: Buffer): bigint {
  let off = 0;
  for (const v of iov) {
    if (off >= data.length) break;
    const part = data.subarray(off, off + v.len);
    if (!mem.write(tgid, v.base, part)) return off ? BigInt(off) : errno('EFAULT');
    off += part.length;
  }
  return BigInt(off);
}
