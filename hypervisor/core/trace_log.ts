// The --trace output: one line per call, written synchronously so that
// lines interleave with the guest's own output in order.
import fs from 'node:fs';

export class TraceLog {
  private fd: number;
  private own: boolean;
  private pending: string[] = [];

  /** target: a file path, or undefined for stderr. */
  constructor(target?: string) {
    this.own = target !== undefined;
    this.fd = target === undefined ? 2 : fs.openSync(target, 'w');
  }

  line(s: string): void {
    this.pending.push(s + '\n');
    if (this.pending.length >= 64) this.flush();
  }

  flush(): void {
    if (!this.pending.length) return;
    let data = Buffer.from(this.pending.join(''));
    this.pending = [];
    while (data.length) {
      try {
        const n = fs.writeSync(this.fd, data);
        data = data.subarray(n);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  }

  close(): void {
    this.flush();
    if (this.own) fs.closeSync(this.fd);
  }
}
