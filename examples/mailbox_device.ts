// A device whose reads block: a mailbox shared by every process that opens
// it. Writes add bytes (up to capacity=, default 64K), reads take them;
// a read of an empty mailbox waits until someone writes, natively in the
// kernel, like a pipe. poll/select/epoll on it see IN when it holds bytes
// and OUT when it has room. Try it:
//   npx vu run --insmod examples/mailbox_device.ts --mount type=mailbox,target=/dev/mbox -- \
//     bash -c 'cat /dev/mbox & sleep 1; echo hello > /dev/mbox; sleep 1; kill $!'
import { EPOLL, ERRNO, defineUmdev, type VpollEvents } from '../hypervisor/module_api.js';

export default defineUmdev({
  kind: 'umdev',
  name: 'mailbox',
  description: 'a shared byte queue whose reads block while it is empty',
  init(req) {
    const capacity = Number(req.options.capacity ?? 65536);
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`bad capacity=${req.options.capacity}`);
    let queue = Buffer.alloc(0);
    const watchers = new Set<VpollEvents>();
    // Every open file shows the mailbox's state.
    const update = () => {
      const mask = (queue.length ? EPOLL.IN : 0) | (queue.length < capacity ? EPOLL.OUT : 0);
      for (const w of watchers) w.set(mask);
    };
    return {
      type: 'char' as const,
      major: 251,
      minor: 0,
      open: (_sub: number, _flags: number, _caller: unknown, events: VpollEvents) => {
        watchers.add(events);
        update();
        return { events };
      },
      close: (h: { events: VpollEvents }) => { watchers.delete(h.events); },
      read: (_h: object, length: number) => {
        if (!queue.length) return -ERRNO.EAGAIN;
        const out = Buffer.from(queue.subarray(0, length));
        queue = queue.subarray(out.length);
        update();
        return out;
      },
      write: (_h: object, data: Buffer) => {
        const room = capacity - queue.length;
        if (room <= 0) return -ERRNO.EAGAIN;
        queue = Buffer.concat([queue, data.subarray(0, room)]);
        update();
        return Math.min(room, data.length);
      },
      pread: () => -ERRNO.ESPIPE,
      pwrite: () => -ERRNO.ESPIPE,
    };
  },
});
