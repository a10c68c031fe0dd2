// The core's table of guest processes and threads. It follows the helper's
// fork/clone/exec/exit events so that modules see the kernel's structure:
// threads share their process's fd table; CLONE_FILES shares it between
// processes; fork copies it; execve drops O_CLOEXEC entries (and unshares).
import fs from 'node:fs';
import { FdTable } from './fd_table.js';
import type { StackMount } from './mounts.js';

const CLONE_FILES = 0x400n;
const CLONE_THREAD = 0x10000n;

export interface GuestProcess {
  tgid: number;
  threads: Set<number>;
  fds: FdTable;
  /** Program path after the last execve (from /proc, for display). */
  exe?: string;
  /** The network stack its socket() calls go to (inherited; none: the host's). */
  stack?: StackMount;
}

export class ProcessTable {
  private byTid = new Map<number, GuestProcess>();
  private byTgid = new Map<number, GuestProcess>();

  get processCount(): number { return this.byTgid.size; }
  get threadCount(): number { return this.byTid.size; }

  process(tid: number): GuestProcess | undefined { return this.byTid.get(tid); }
  byPid(tgid: number): GuestProcess | undefined { return this.byTgid.get(tgid); }

  /** The guest's first process. */
  addFirst(pid: number): GuestProcess {
    const p: GuestProcess = { tgid: pid, threads: new Set([pid]), fds: new FdTable() };
    this.byTid.set(pid, p);
    this.byTgid.set(pid, p);
    return p;
  }

  onClone(parentTid: number, child: number, flags: bigint): GuestProcess {
    const parent = this.byTid.get(parentTid);
    if (flags & CLONE_THREAD && parent) {
      parent.threads.add(child);
      this.byTid.set(child, parent);
      return parent;
    }
    let fds: FdTable;
    if (!parent) fds = new FdTable();
    else if (flags & CLONE_FILES) { fds = parent.fds; fds.users++; }
    else fds = parent.fds.clone();
    const p: GuestProcess = { tgid: child, threads: new Set([child]), fds, exe: parent?.exe, stack: parent?.stack };
    this.byTid.set(child, p);
    this.byTgid.set(child, p);
    return p;
  }

  /** execve succeeded in tgid; oldTid is the thread that called it. Returns the fds O_CLOEXEC closed. */
  onExec(tgid: number, oldTid: number): { process: GuestProcess; closed: number[] } {
    let p = this.byTgid.get(tgid) ?? this.byTid.get(oldTid);
    if (!p) p = this.addFirst(tgid);
    // Every other thread is gone; the caller now has the leader's tid.
    for (const t of p.threads) if (t !== tgid) this.byTid.delete(t);
    p.threads = new Set([tgid]);
    this.byTid.set(tgid, p);
    // A table shared with CLONE_FILES is unshared by execve.
    if (p.fds.users > 1) {
      const own = p.fds.clone();
      p.fds.leave();
      p.fds = own;
    }
    const closed = p.fds.closeOnExec();
    try { p.exe = fs.readlinkSync(`/proc/${tgid}/exe`); } catch { /* gone already */ }
    return { process: p, closed };
  }

  /** A thread ended; returns the process if it was its last thread. */
  onExit(tid: number): GuestProcess | undefined {
    const p = this.byTid.get(tid);
    if (!p) return undefined;
    this.byTid.delete(tid);
    p.threads.delete(tid);
    if (p.threads.size > 0) return undefined;
    this.byTgid.delete(p.tgid);
    p.fds.leave();
    return p;
  }

  /** The thread's working directory, asked of the kernel (threads may not share it). */
  cwd(tid: number): string | undefined {
    try { return fs.readlinkSync(`/proc/${tid}/cwd`); } catch { return undefined; }
  }
}
