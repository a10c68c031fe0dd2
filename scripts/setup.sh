#!/bin/bash
# Sets up everything vu needs on a Debian 12 machine with Node 20, then
# builds: Debian packages (as root, only those missing), npm packages, the
# C tracer helper, the C test programs and the TypeScript.
set -euo pipefail
cd "$(dirname "$0")/.."

# gcc/make build the helper and test programs; strace/proot are benchmark
# peers; the rest are the real programs the tests and the demo run, and the
# libraries the network modules load (lwIPv6 with its headers: vunetlwipv6
# links a small bridge against it).
PACKAGES="gcc make libc6-dev python3 procps strace proot netcat-openbsd fdisk e2fsprogs iproute2 curl
  liblwipv6-2 liblwipv6-dev libvdestack0 libvdeplug2 libvdeplug-dev libvdeplug-slirp"
missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing Debian packages:$missing"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# npm packages: only when the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

make -s -C hypervisor/tracer
make -s -C vunet_modules/native
make -s -C hypervisor/tools
make -s -C test/progs
npx tsc -p .
