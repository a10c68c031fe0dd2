// umdevnull: a character device like /dev/null. Reads give end of file,
// writes are swallowed whole.
import { defineUmdev, type UmdevDevice } from '../hypervisor/module_api.js';

export default defineUmdev({
  kind: 'umdev',
  name: 'umdevnull',
  description: 'a null character device: read gives EOF, write swallows',
  init(): UmdevDevice {
    return {
      type: 'char',
      major: 240,
      minor: 0,
      open: () => ({}),
      pread: () => Buffer.alloc(0),
      pwrite: (_h, data) => data.length,
    };
  },
});
