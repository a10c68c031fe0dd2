// Per-process table of the guest's virtual fds. Real fds are the kernel's
// business and are not listed; an entry exists only while an fd number is
// served by a module. Shared between processes cloned with CLONE_FILES.

export interface VirtualFile {
  /** Name of the module instance that serves the file (for --trace). */
  readonly module: string;
  /** Called when the last fd referring to the open file is closed. */
  release?(): void;
  /** Open-file-description references (dup, fork): released at zero. */
  refs: number;
}

export interface FdEntry {
  file: VirtualFile;
  cloexec: boolean;
}

export class FdTable {
  private entries = new Map<number, FdEntry>();
  /** Processes using this table (CLONE_FILES shares it). */
  users = 1;

  get(fd: number): FdEntry | undefined { return this.entries.get(fd); }
  get size(): number { return this.entries.size; }
  fds(): number[] { return [...this.entries.keys()].sort((a, b) => a - b); }

  set(fd: number, file: VirtualFile, cloexec: boolean): void {
    this.close(fd);
    file.refs++;
    this.entries.set(fd, { file, cloexec });
  }

  close(fd: number): boolean {
    const e = this.entries.get(fd);
    if (!e) return false;
    this.entries.delete(fd);
    if (--e.file.refs === 0) e.file.release?.();
    return true;
  }

  /** fork without CLONE_FILES: a copy sharing the open files. */
  clone(): FdTable {
    const t = new FdTable();
    for (const [fd, e] of this.entries) {
      e.file.refs++;
      t.entries.set(fd, { ...e });
    }
    return t;
  }

  /** execve: O_CLOEXEC fds go away; returns their numbers. */
  closeOnExec(): number[] {
    const closed: number[] = [];
    for (const [fd, e] of [...this.entries]) if (e.cloexec) { this.close(fd); closed.push(fd); }
    return closed;
  }

  closeAll(): void {
    for (const fd of [...this.entries.keys()]) this.close(fd);
  }

  /** A process stops using the table (exit or execve's unshare). */
  leave(): void {
    if (--this.users === 0) this.closeAll();
  }
}
