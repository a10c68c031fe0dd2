// A vpoll object: the readiness of one virtual open file, as the guest's
// poll/select/epoll see it on its fd. The core keeps the mask; the tracer
// helper holds the kernel objects (socketpair backend) and applies it.
import { encodeVpoll } from '../core/protocol.js';
import type { VpollEvents } from '../module_api.js';

export const EPOLLIN = 0x001;
export const EPOLLPRI = 0x002;
export const EPOLLOUT = 0x004;
export const EPOLLERR = 0x008;
export const EPOLLHUP = 0x010;
export const EPOLLRDHUP = 0x2000;

/** What the socketpair backend can show; PRI and ERR are not delivered (see vu info). */
export const SOCKETPAIR_EVENTS = EPOLLIN | EPOLLOUT | EPOLLHUP | EPOLLRDHUP;

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
