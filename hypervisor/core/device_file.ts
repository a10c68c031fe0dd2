// An open virtual device: the open file description of a umdev file.
// Shared by dup'ed and inherited fds, so the offset is shared as the
// kernel shares it. The core enforces block-device bounds (reads stop at
// the end, writes at the end get ENOSPC, a write across it is short) so
// that every module gets them right.
import type { DeviceHandle, IoctlArg } from '../module_api.js';
import type { VirtualFile } from './fd_table.js';
import type { DeviceMount } from './mounts.js';
import { ERR } from './errno.js';
import type { Vpoll } from '../vpoll/vpoll.js';

export const O_ACCMODE = 3;
export const O_WRONLY = 1;
export const O_RDONLY = 0;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_LARGEFILE = 0o100000;
export const O_CLOEXEC = 0o2000000;
/** Flags F_SETFL may change. */
export const SETFL_MASK = O_APPEND | O_NONBLOCK | 0o20000 /* O_ASYNC */ | 0o40000 /* O_DIRECT */ | 0o1000000 /* O_NOATIME */;

export class DeviceFile implements VirtualFile {
  refs = 0;
  offset = 0n;
  readonly module: string;

  constructor(
    readonly mount: DeviceMount,
    readonly sub: number,
    readonly handle: DeviceHandle,
    public flags: number,
    readonly events: Vpoll,
    private onRelease: (f: DeviceFile) => void,
  ) {
    this.module = mount.label;
  }

  get device() { return this.mount.device; }
  get vpollId(): number { return this.events.id; }
  get isBlock(): boolean { return this.device.type === 'block'; }
  size(): bigint | undefined { return this.device.size?.(this.sub); }

  release(): void { this.onRelease(this); }

  canRead(): boolean { return (this.flags & O_ACCMODE) !== O_WRONLY; }
  canWrite(): boolean { return (this.flags & O_ACCMODE) !== O_RDONLY; }

  /** Read at an offset (undefined: the file's own, advanced). */
  async read(length: number, at?: bigint): Promise<Buffer | number> {
    if (!this.canRead()) return -ERR.EBADF;
    const d = this.device;
    if (at === undefined && d.read) return d.read(this.handle, length);
    const pos = at ?? this.offset;
    const size = this.size();
    if (size !== undefined) {
      if (pos >= size) return Buffer.alloc(0);
      if (pos + BigInt(length) > size) length = Number(size - pos);
    }
    const r = await d.pread(this.handle, length, pos);
    if (typeof r === 'number') return r;
    const data = r.length > length ? r.subarray(0, length) : r;
    if (at === undefined) this.offset += BigInt(data.length);
    return data;
  }

  async write(data: Buffer, at?: bigint): Promise<number> {
    if (!this.canWrite()) return -ERR.EBADF;
    const d = this.device;
    if (at === undefined && d.write) return d.write(this.handle, data);
    const pos = at ?? this.offset;
    const size = this.size();
    if (size !== undefined && this.isBlock) {
      if (data.length === 0) return 0;
      if (pos >= size) return -ERR.ENOSPC;
      if (pos + BigInt(data.length) > size) data = data.subarray(0, Number(size - pos));
    }
    const n = await d.pwrite(this.handle, data, pos);
    if (n > 0 && at === undefined) this.offset += BigInt(n);
    return n;
  }

  lseek(off: bigint, whence: number): bigint | number {
    const size = this.size();
    // Devices without a size behave like /dev/null: every seek gives 0.
    if (size === undefined) return 0n;
    let pos: bigint;
    switch (whence) {
      case 0: pos = off; break;
      case 1: pos = this.offset + off; break;
      case 2: pos = size + off; break;
      default: return -ERR.EINVAL;
    }
    if (pos < 0n || (this.isBlock && pos > size)) return -ERR.EINVAL;
    this.offset = pos;
    return pos;
  }

  async ioctl(request: number, arg: IoctlArg): Promise<number> {
    if (!this.device.ioctl) return -ERR.ENOTTY;
    return this.device.ioctl(this.handle, request, arg);
  }

  async fsync(): Promise<number> {
    return this.device.fsync ? this.device.fsync(this.handle) : 0;
  }
}

