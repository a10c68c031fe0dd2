// Where the project's files are, from the compiled module's location
// (dist/hypervisor/paths.js) or the source one (hypervisor/paths.ts).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('vu: cannot find the project root (package.json)');
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const TRACER = path.join(ROOT, 'hypervisor', 'tracer', 'vu-tracer');
/** The commands a guest uses to talk to vu (vustack …): on its PATH while something is mounted. */
export const TOOLS_BIN = path.join(ROOT, 'hypervisor', 'tools', 'bin');
