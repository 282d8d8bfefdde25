#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine for abcrnn and builds it: installs the dependencies from
# Debian's packages (scripts/setup-deps.sh) and the web page's npm packages, configures and builds
# into build/.
#   scripts/setup.sh            # deps + Release build with LibTorch
#   BUILD_DIR=b scripts/setup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
if [ "$(id -u)" -eq 0 ]; then bash "$here/scripts/setup-deps.sh"; else sudo bash "$here/scripts/setup-deps.sh"; fi
# The page's abcjs and the browser test's playwright-core, as package-lock.json pins them, into
# node_modules/ of the source tree (`abcrnn serve` serves abcjs from there).
if command -v npm >/dev/null; then (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null); fi
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$here" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release ${CMAKE_ARGS:-} >/dev/null
cmake --build "$build" -j "$(nproc)"
