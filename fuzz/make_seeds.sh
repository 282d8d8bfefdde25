#!/bin/sh
# Splits the shared corpus into one file per tune under DIR (default /tmp/abcrnn-fuzz-seeds) to
# seed the fuzzer. The seeds are never committed (the corpus is not the project's text).
set -eu
corpus="${1:-$(dirname "$0")/../../shared/data}"
out="${2:-/tmp/abcrnn-fuzz-seeds}"
mkdir -p "$out"
for f in "$corpus"/*/*.abc; do
  base=$(basename "$(dirname "$f")")_$(basename "$f" .abc)
  awk -v out="$out" -v base="$base" '
    /^X:/ { n++; file = sprintf("%s/%s_%04d.abc", out, base, n) }
    n > 0 { print > file }
    /^[ \t\r]*$/ && n > 0 { close(file) }' "$f"
done
echo "$(ls "$out" | wc -l) seed files in $out"
