#!/usr/bin/env node
// Entry point of the `vu` command: the compiled command line (npm run build).
import '../dist/hypervisor/cli.js';
