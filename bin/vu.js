#!/usr/bin/env node
// Entry point of the `vu` command: the compiled command line (npm run build).
// Network modules run blocking library calls (lwIPv6's connect) on libuv's
// worker pool: a few connects to unreachable hosts must not hold them all.
// The pool is sized at its first use, so before anything is loaded.
process.env.UV_THREADPOOL_SIZE ??= '64';
await import('../dist/hypervisor/cli.js');
