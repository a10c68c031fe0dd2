// An open socket of a user-level stack: the open file description behind
// the guest's vpoll fd. Shared by dup'ed and inherited fds like any open
// file. vu keeps here what the kernel would keep in the file and the
// socket's generic part (O_NONBLOCK, timeouts, a blocking connect under
// way); the stack keeps the rest.
import type { VunetSocket } from '../module_api.js';
import type { VirtualFile } from './fd_table.js';
import type { Vpoll } from '../vpoll/vpoll.js';

export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
export const SOCK_TYPE_MASK = 0xf;

export class SocketFile implements VirtualFile {
  refs = 0;
  /** O_NONBLOCK and the other F_SETFL flags. */
  flags: number;
  /** SO_RCVTIMEO / SO_SNDTIMEO in ms (0: none). */
  rcvTimeoutMs = 0;
  sndTimeoutMs = 0;
  /** A blocking connect() is waiting for the stack: its re-issue reports the outcome. */
  connectWaiting = false;

  constructor(
    readonly module: string,
    readonly socket: VunetSocket,
    readonly domain: number,
    /** SOCK_STREAM, SOCK_DGRAM … without the flag bits. */
    readonly type: number,
    readonly protocol: number,
    readonly events: Vpoll,
    nonblocking: boolean,
    private onRelease: (f: SocketFile) => void,
  ) {
    this.flags = 2 /* O_RDWR */ | (nonblocking ? SOCK_NONBLOCK : 0);
  }

  get vpollId(): number { return this.events.id; }
  get nonblocking(): boolean { return !!(this.flags & SOCK_NONBLOCK); }

  release(): void { this.onRelease(this); }
}
