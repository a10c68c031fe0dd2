// Loading modules (built-in by name, or a user's .js/.ts file by path) and
// parsing --mount specifications.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MountRequest, VuModule } from '../module_api.js';
import { ROOT } from '../paths.js';

/** The modules that ship with vu: name → compiled file. */
export const BUILTIN_MODULES: Readonly<Record<string, string>> = {
  umdevnull: 'umdev_modules/umdevnull.js',
  umdevramdisk: 'umdev_modules/umdevramdisk.js',
  umdevpartx: 'umdev_modules/umdevpartx.js',
  vunetreal: 'vunet_modules/vunetreal.js',
  vunetvdestack: 'vunet_modules/vunetvdestack.js',
  vunetlwipv6: 'vunet_modules/vunetlwipv6.js',
};

export class ModuleError extends Error {}

function validate(m: unknown, where: string): VuModule {
  const t = m as Partial<VuModule> | undefined;
  if (!t || typeof t !== 'object') throw new ModuleError(`${where}: no operations table (export default one)`);
  if (t.kind !== 'umdev' && t.kind !== 'vunet') throw new ModuleError(`${where}: unknown module kind ${JSON.stringify(t.kind)} (expected "umdev" or "vunet")`);
  if (typeof t.name !== 'string' || !t.name) throw new ModuleError(`${where}: the table has no name`);
  if (typeof t.init !== 'function') throw new ModuleError(`${where}: the table has no init()`);
  return t as VuModule;
}

/** Loads a module by built-in name or by path (.js, .mjs or .ts). */
export async function loadModule(nameOrPath: string): Promise<VuModule> {
  const builtin = BUILTIN_MODULES[nameOrPath];
  let file: string;
  if (builtin) file = path.join(ROOT, 'dist', builtin);
  else if (nameOrPath.includes('/') || /\.([mc]?js|[mc]?ts)$/.test(nameOrPath)) file = path.resolve(nameOrPath);
  else throw new ModuleError(`unknown module "${nameOrPath}" (built-in: ${Object.keys(BUILTIN_MODULES).join(', ')}; or give a path to a .js/.ts file)`);
  if (!fs.existsSync(file)) throw new ModuleError(`module file not found: ${file}`);
  let ns: { default?: unknown };
  try {
    if (/\.[mc]?ts$/.test(file)) {
      const { tsImport } = await import('tsx/esm/api');
      ns = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
    } else {
      ns = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
  } catch (e) {
    throw new ModuleError(`cannot load module ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  // A .ts file outside an ESM package loads as CommonJS: its table is one level deeper.
  let table = ns.default as { kind?: unknown; default?: unknown } | undefined;
  if (table && table.kind === undefined && table.default !== undefined) table = table.default as typeof table;
  return validate(table, file);
}

/** Parses "type=T,source=S,target=P,key=value…". */
export function parseMountSpec(spec: string): MountRequest {
  const kv: Record<string, string> = {};
  for (const part of spec.split(',')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ModuleError(`--mount ${spec}: "${part}" is not key=value`);
    const k = part.slice(0, eq);
    if (k in kv) throw new ModuleError(`--mount ${spec}: ${k} given twice`);
    kv[k] = part.slice(eq + 1);
  }
  const { type, source = '', target, ...options } = kv;
  if (!type) throw new ModuleError(`--mount ${spec}: type= is missing`);
  if (!target) throw new ModuleError(`--mount ${spec}: target= is missing`);
  if (!target.startsWith('/')) throw new ModuleError(`--mount ${spec}: target must be an absolute path`);
  return { type, source, target: path.posix.normalize(target).replace(/\/$/, '') || '/', options };
}
