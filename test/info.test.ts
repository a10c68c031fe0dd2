// `vu info`: what the host supports.
import test from 'ava';
import { runVu } from './helpers/run.js';

test('vu info exits 0 and names the vpoll backend', async (t) => {
  const r = await runVu(['info'], { timeout: 30_000 });
  t.is(r.status, 0, r.stderr.toString());
  const out = r.stdout.toString();
  const line = out.split('\n').find((l) => l.startsWith('vpoll backend'));
  t.truthy(line, `no "vpoll backend" line in:\n${out}`);
  t.regex(line!, /^vpoll backend\s+(efd_vpoll|dev_vpoll|fuse|socketpair)\b/);
});
