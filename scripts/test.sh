#!/usr/bin/env bash
# Runs the whole test suite (unit, corpus, peer and fuzz-smoke tests) with CTest on the build in
# build/ (scripts/setup.sh makes it). Corpus tests skip, saying so, when ../shared/data is absent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
[ -f "$build/CMakeCache.txt" ] || "$here/scripts/setup.sh"
cmake --build "$build" -j "$(nproc)"
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
