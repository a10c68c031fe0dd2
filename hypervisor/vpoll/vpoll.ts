// A vpoll object: the readiness of one virtual open file, as the guest's
// poll/select/epoll see it on its fd. The core keeps the mask and sends
// every change as a VPOLL frame; whoever holds the kernel objects
// (socketpair backend) applies it: the core itself once it has copies of
// them (socketpair_ends.ts, before send() returns), else the tracer helper.
import { encodeVpoll } from '../core/protocol.js';
import { EPOLL, type VpollEvents } from '../module_api.js';

export const { IN: EPOLLIN, OUT: EPOLLOUT, HUP: EPOLLHUP, RDHUP: EPOLLRDHUP } = EPOLL;

export class Vpoll implements VpollEvents {
  private current: number;

  constructor(readonly id: number, initial: number, private send: (frame: Buffer) => void) {
    this.current = initial;
  }

  get mask(): number { return this.current; }

  set(mask: number): void {
    if (mask === this.current) return;
    // HUP and RDHUP are final on this backend: once raised they stay.
    this.current = mask | (this.current & (EPOLLHUP | EPOLLRDHUP));
    this.send(encodeVpoll(this.id, this.current));
  }

  add(bits: number): void { this.set(this.current | bits); }
  del(bits: number): void { this.set(this.current & ~bits); }
}
