// `vu demo` (the README's first command after setup) runs every step as it says.
import test from 'ava';
import { runVu } from './helpers/run.js';

test('vu demo: every step behaves; the main job formats a virtual disk and fetches a page through lwIPv6', async (t) => {
  const r = await runVu(['demo'], { timeout: 120_000 });
  const out = r.stdout.toString();
  t.false(r.timedOut, 'the demo timed out');
  t.is(r.status, 0, `${out}\n${r.stderr.toString()}`);
  t.true(out.trimEnd().endsWith('vu demo: done'), out);
  // The main job's step: disk size, a clean new filesystem, the host's page through lwIPv6.
  const main = out.slice(out.indexOf('── the main job'));
  t.regex(main, /--mount type=umdevpartx,source=\S+,target=\/dev\/hda --mount type=vunetlwipv6,source=slirp:\/\/,target=\/dev\/net\/lw --stack \/dev\/net\/lw/);
  t.regex(main, /^disk: 67108864 bytes$/m);
  t.regex(main, /^\/dev\/hda: 11\/16384 files \(0\.0% non-contiguous\), \d+\/65536 blocks$/m);
  t.regex(main, /^<h1>hello from the host, fetched through lwIPv6<\/h1>$/m);
});
