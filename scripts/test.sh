#!/usr/bin/env bash
# Runs the whole test suite: a 20-second libFuzzer smoke run of the ABC parser under
# AddressSanitizer and UBSan (when clang is installed; fuzz/README.md), then every unit, corpus,
# peer and program test with CTest on the build in build/ (scripts/setup.sh makes it). Corpus
# tests skip, saying so, when ../shared/data is absent. Extra arguments go to ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
[ -f "$build/CMakeCache.txt" ] || "$here/scripts/setup.sh"
cmake --build "$build" -j "$(nproc)"
if command -v clang++ >/dev/null && [ "${ABCRNN_SKIP_FUZZ:-0}" != 1 ]; then
  fuzz_build="$build-fuzz"
  CC=clang CXX=clang++ cmake -S "$here" -B "$fuzz_build" -DABCRNN_FUZZ=ON -DABCRNN_WITH_TORCH=OFF \
    -DABCRNN_BUILD_TESTS=OFF -DABCRNN_BUILD_BENCH=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$fuzz_build" -j "$(nproc)" --target parser_fuzz >/dev/null
  echo "fuzz smoke: parser_fuzz for 20 s on fuzz/seeds (ASan + UBSan)"
  scratch=$(mktemp -d)  # new inputs go here, not into the committed seeds
  if ! "$fuzz_build/fuzz/parser_fuzz" -max_total_time=20 -max_len=4096 "$scratch" "$here/fuzz/seeds" \
      > "$scratch.log" 2>&1; then
    tail -n 40 "$scratch.log"
    echo "fuzz smoke: FAILED (crash input above)"
    exit 1
  fi
  grep -E '^Done|^#[0-9]+ *DONE' "$scratch.log" | tail -n 1
  rm -rf "$scratch" "$scratch.log"
fi
cd "$build"
ctest --output-on-failure -j "$(nproc)" "$@"
