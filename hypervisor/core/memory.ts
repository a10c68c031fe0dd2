// Guest memory access through /proc/PID/mem: one pread/pwrite per access
// and no FFI in the core. An unmapped address fails with EIO, which callers
// map to the guest's EFAULT. Known difference: /proc/PID/mem also writes
// read-only pages, where the kernel would give the guest EFAULT.
import fs from 'node:fs';

export class GuestMemory {
  private fds = new Map<number, number>();

  private fd(tgid: number): number {
    let fd = this.fds.get(tgid);
    if (fd === undefined) {
      fd = fs.openSync(`/proc/${tgid}/mem`, 'r+');
      this.fds.set(tgid, fd);
    }
    return fd;
  }

  /** After execve or exit the open file refers to a gone address space. */
  forget(tgid: number): void {
    const fd = this.fds.get(tgid);
    if (fd !== undefined) {
      fs.closeSync(fd);
      this.fds.delete(tgid);
    }
  }

  /** Reads up to len bytes at addr; fewer when the range ends in an unmapped page. undefined if none can be read. */
  read(tgid: number, addr: bigint, len: number): Buffer | undefined {
    if (addr === 0n || len <= 0) return undefined;
    const buf = Buffer.alloc(len);
    try {
      const n = fs.readSync(this.fd(tgid), buf, 0, len, Number(addr));
      return buf.subarray(0, n);
    } catch {
      // A read crossing into an unmapped page fails whole: retry up to the page end.
      const pageEnd = Number((addr | 4095n) + 1n - addr);
      if (pageEnd < len) return this.read(tgid, addr, pageEnd);
      return undefined;
    }
  }

  /** Reads a NUL-terminated string of at most max bytes. */
  readString(tgid: number, addr: bigint, max = 4096): string | undefined {
    let out = Buffer.alloc(0);
    let at = addr;
    while (out.length < max) {
      // Stop at page boundaries so a string near an unmapped page still reads.
      const chunk = Math.min(Number(((at | 4095n) + 1n) - at), max - out.length);
      const b = this.read(tgid, at, chunk);
      if (!b || b.length === 0) return out.length ? out.toString('latin1') : undefined;
      const nul = b.indexOf(0);
      if (nul >= 0) return Buffer.concat([out, b.subarray(0, nul)]).toString('latin1');
      out = Buffer.concat([out, b]);
      at += BigInt(b.length);
    }
    return out.toString('latin1');
  }

  readU64(tgid: number, addr: bigint): bigint | undefined {
    const b = this.read(tgid, addr, 8);
    return b && b.length === 8 ? b.readBigUInt64LE(0) : undefined;
  }

  /** Writes data at addr; returns false if any byte could not be written (EFAULT). */
  write(tgid: number, addr: bigint, data: Buffer): boolean {
    try {
      return fs.writeSync(this.fd(tgid), data, 0, data.length, Number(addr)) === data.length;
    } catch {
      return false;
    }
  }

  closeAll(): void {
    for (const tgid of [...this.fds.keys()]) this.forget(tgid);
  }
}
