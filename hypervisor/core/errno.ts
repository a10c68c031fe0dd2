// errno numbers by name, from Node's table of this platform's values.
import { constants } from 'node:os';

export const ERR = constants.errno;
export type ErrnoName = keyof typeof constants.errno;

/** A call's result for the guest: -errno as the kernel returns it. */
export function errno(name: ErrnoName): bigint {
  return BigInt(-ERR[name]);
}
