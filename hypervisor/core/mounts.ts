// The mount table: module instances by target path. A umdev instance is a
// device file at its target, plus optional subdevices next to it (hda1,
// hda2 … for a target hda) that its confirm_subdev accepts.
import path from 'node:path';
import type { UmdevDevice, UmdevModule, VunetModule, VunetStack } from '../module_api.js';

export interface DeviceMount {
  kind: 'umdev';
  module: UmdevModule;
  device: UmdevDevice;
  target: string;
  /** "umdevpartx /dev/hda" style label for traces and logs. */
  label: string;
  /** Made at mount time: times reported by stat. */
  mountedAt: Date;
}
export interface StackMount {
  kind: 'vunet';
  module: VunetModule;
  stack: VunetStack;
  target: string;
  label: string;
  mountedAt: Date;
}
export type Mount = DeviceMount | StackMount;

export interface VirtualNode {
  mount: DeviceMount;
  /** 0 for the target itself, n for subdevice n. */
  sub: number;
  path: string;
}

export class MountTable {
  private byTarget = new Map<string, Mount>();

  get size(): number { return this.byTarget.size; }
  all(): Mount[] { return [...this.byTarget.values()]; }
  get(target: string): Mount | undefined { return this.byTarget.get(target); }

  add(m: Mount): void {
    if (this.byTarget.has(m.target)) throw new Error(`${m.target} is already mounted (${this.byTarget.get(m.target)!.label})`);
    this.byTarget.set(m.target, m);
  }

  remove(target: string): Mount | undefined {
    const m = this.byTarget.get(target);
    this.byTarget.delete(target);
    return m;
  }

  devices(): DeviceMount[] { return this.all().filter((m): m is DeviceMount => m.kind === 'umdev'); }
  stacks(): StackMount[] { return this.all().filter((m): m is StackMount => m.kind === 'vunet'); }

  /** The virtual device node at an absolute, normalized path, if any. */
  lookup(abs: string): VirtualNode | undefined {
    const m = this.byTarget.get(abs);
    if (m && m.kind === 'umdev') return { mount: m, sub: 0, path: abs };
    const dir = path.posix.dirname(abs);
    const base = path.posix.basename(abs);
    for (const mount of this.devices()) {
      const tbase = path.posix.basename(mount.target);
      if (path.posix.dirname(mount.target) !== dir || !base.startsWith(tbase) || base === tbase) continue;
      const sub = mount.device.confirm_subdev?.(base.slice(tbase.length));
      if (sub !== undefined && sub > 0) return { mount, sub, path: abs };
    }
    return undefined;
  }

  /** What the C fast path checks path components against. */
  fastPathNames(): { name: string; prefix: boolean }[] {
    return this.devices().map((m) => ({ name: path.posix.basename(m.target), prefix: !!m.device.confirm_subdev }));
  }
}
