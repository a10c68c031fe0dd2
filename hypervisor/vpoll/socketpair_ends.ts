// The core's own copies of the two socketpair ends of each vpoll object,
// on which it sets the guest's readiness itself: an event is one wake-up
// (core -> guest) instead of two (core -> helper -> guest).
//
// After an install the helper offers the ends (VPOLL_FDS, before the exit
// report) with the mask they show, and ignores masks for that object until
// the core answers. The core copies them with pidfd_getfd and answers
// TAKEN (the helper drops its object) or, if it could not, KEEP (the
// helper goes on serving it). Masks the core sent before it held the ends
// went to the helper, which ignored them or did not know the object yet:
// the install's exit re-sends the mask (dispatch.ts), after the offer.
import { decodeVpoll, encodeVpoll, VPOLL_CLOSE, VPOLL_KEEP, VPOLL_TAKEN } from '../core/protocol.js';
import { lastErrno, MSG_DONTWAIT, MSG_NOSIGNAL, SHUT_RDWR, SHUT_WR, type VpollLibc } from './libc.js';
import { EPOLLHUP, EPOLLIN, EPOLLOUT, EPOLLRDHUP } from './vpoll.js';

interface Ends {
  /** The helper's end: a byte written here is EPOLLIN on the guest's. */
  local: number;
  /** The guest's end (same open file as the guest's fd). */
  guest: number;
  /** What the kernel shows the guest now. */
  mask: number;
}

const NB = MSG_DONTWAIT | MSG_NOSIGNAL;

export class SocketpairEnds {
  private held = new Map<number, Ends>();
  private pidfd = -1;
  private warned = false;
  private buf = Buffer.alloc(4096);

  constructor(
    private libc: VpollLibc,
    private helperPid: number,
    private toHelper: (frame: Buffer) => void,
    private warn: (message: string) => void,
  ) {}

  /** A frame for the helper: masks of objects held here are applied here instead. */
  send(frame: Buffer): void {
    const v = decodeVpoll(frame);
    const e = v && this.held.get(v.id);
    if (!v || !e) { this.toHelper(frame); return; }
    if (v.mask === VPOLL_CLOSE) {
      // The helper dropped its copies when it heard TAKEN.
      this.held.delete(v.id);
      this.libc.close(e.local);
      this.libc.close(e.guest);
      return;
    }
    this.apply(e, v.mask);
  }

  /** The helper offers an object's ends (its fd numbers) showing mask. */
  offered(id: number, local: number, guest: number, mask: number): void {
    const l = this.copy(local);
    const g = l >= 0 ? this.copy(guest) : -1;
    if (g < 0) {
      if (l >= 0) this.libc.close(l);
      if (!this.warned) this.warn(`vpoll: cannot copy the helper's fds (errno ${lastErrno()}): events go through the helper`);
      this.warned = true;
      this.toHelper(encodeVpoll(id, VPOLL_KEEP));
      return;
    }
    this.held.set(id, { local: l, guest: g, mask });
    this.toHelper(encodeVpoll(id, VPOLL_TAKEN));
  }

  /** The VM is over: the guests are gone. */
  closeAll(): void {
    for (const e of this.held.values()) { this.libc.close(e.local); this.libc.close(e.guest); }
    this.held.clear();
    if (this.pidfd >= 0) this.libc.close(this.pidfd);
    this.pidfd = -1;
  }

  private copy(fd: number): number {
    if (this.pidfd < 0) this.pidfd = this.libc.pidfdOpen(this.helperPid, 0);
    return this.pidfd < 0 ? -1 : this.libc.pidfdGetfd(this.pidfd, fd, 0);
  }

  /** The same steps as the helper's apply() in hypervisor/tracer/vpoll.c. */
  private apply(e: Ends, mask: number): void {
    const { libc, buf } = this;
    if ((mask & EPOLLIN) && !(e.mask & EPOLLIN)) {
      libc.send(e.local, buf, 1, NB);
    } else if (!(mask & EPOLLIN) && (e.mask & EPOLLIN)) {
      while (libc.recv(e.guest, buf, buf.length, MSG_DONTWAIT) > 0) { /* drain */ }
    }
    if (!(mask & EPOLLOUT) && (e.mask & EPOLLOUT)) {
      // Fill the guest end's send path: big pieces, then single bytes.
      while (libc.send(e.guest, buf, buf.length, NB) > 0) { /* fill */ }
      while (libc.send(e.guest, buf, 1, NB) > 0) { /* fill */ }
    } else if ((mask & EPOLLOUT) && !(e.mask & EPOLLOUT)) {
      while (libc.recv(e.local, buf, buf.length, MSG_DONTWAIT) > 0) { /* drain */ }
    }
    if (mask & (EPOLLHUP | EPOLLRDHUP)) libc.shutdown(e.local, mask & EPOLLHUP ? SHUT_RDWR : SHUT_WR);
    e.mask = mask;
  }
}
