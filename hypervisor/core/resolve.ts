// Path resolution as the kernel does it (cwd, dirfd, "..", symlinks,
// AT_SYMLINK_NOFOLLOW), against the real filesystem and the mount table.
// Real paths are then left to the kernel; only the verdict matters here.
import fs from 'node:fs';
import type { MountTable, VirtualNode } from './mounts.js';

export const AT_FDCWD = -100;
const MAX_SYMLINKS = 40;

export type Resolution =
  | { kind: 'real'; path: string }
  | { kind: 'virtual'; node: VirtualNode }
  | { kind: 'error'; errno: string };

export interface ResolveContext {
  mounts: MountTable;
  /** The absolute path the dirfd (or AT_FDCWD: the cwd) of tid names. */
  dirPath(tid: number, dirfd: number): string | undefined;
  /** The virtual node behind fd of process pid, if that fd is virtual. */
  virtualFd(pid: number, fd: number): VirtualNode | undefined;
  /** The thread group of a guest thread. */
  tgidOf(tid: number): number;
}

export function resolvePath(ctx: ResolveContext, tid: number, dirfd: number, p: string, followLast: boolean): Resolution {
  if (p === '') return { kind: 'error', errno: 'ENOENT' };
  let base: string[] = [];
  if (!p.startsWith('/')) {
    const dir = ctx.dirPath(tid, dirfd);
    if (dir === undefined) return { kind: 'real', path: p }; // let the kernel report EBADF/ENOTDIR
    base = dir.split('/').filter(Boolean);
  }
  let todo = p.split('/');
  const trailingSlash = p.endsWith('/');
  let links = 0;
  const done = base;
  while (todo.length) {
    const c = todo.shift()!;
    if (c === '' || c === '.') continue;
    if (c === '..') { done.pop(); continue; }
    // The core is another process: /proc/self must name the guest.
    if (done.length === 1 && done[0] === 'proc' && (c === 'self' || c === 'thread-self')) {
      done.push(...(c === 'self' ? [String(ctx.tgidOf(tid))] : [String(ctx.tgidOf(tid)), 'task', String(tid)]));
      continue;
    }
    const abs = '/' + [...done, c].join('/');
    const last = todo.every((x) => x === '' || x === '.');
    // /proc/PID/fd/N (and /dev/fd/N, /dev/stdin … through it) of a virtual fd
    if ((followLast || !last) && done.length >= 3 && done[0] === 'proc' && done[done.length - 1] === 'fd' && /^\d+$/.test(c)) {
      const pid = Number(done[done.length === 3 ? 1 : 3]);
      const vnode = ctx.virtualFd(pid, Number(c));
      if (vnode) {
        if (!last) return { kind: 'error', errno: 'ENOTDIR' };
        return { kind: 'virtual', node: vnode };
      }
    }
    const node = ctx.mounts.lookup(abs);
    if (node) {
      // A device is not a directory: nothing can be below it.
      if (!last || trailingSlash) return { kind: 'error', errno: 'ENOTDIR' };
      return { kind: 'virtual', node };
    }
    if (!last || followLast || trailingSlash) {
      let st: fs.Stats | undefined;
      try { st = fs.lstatSync(abs); } catch { st = undefined; }
      // A missing or non-directory component: the kernel will say so.
      if (!last && (!st || (!st.isDirectory() && !st.isSymbolicLink()))) return { kind: 'real', path: p };
      if (st?.isSymbolicLink()) {
        const target = fs.readlinkSync(abs);
        if (++links > MAX_SYMLINKS) return { kind: 'error', errno: 'ELOOP' };
        if (target.startsWith('/')) done.length = 0;
        todo = [...target.split('/'), ...todo];
        continue;
      }
    }
    done.push(c);
  }
  return { kind: 'real', path: '/' + done.join('/') };
}
