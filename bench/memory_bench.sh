#!/usr/bin/env bash
# Peak memory (maximum resident set, /usr/bin/time) of each command on a large file: the corpus
# in ../shared/data written COPIES times into one file (12 copies: 52 MB, 155,064 tunes). The
# table in bench/README.md ("Memory: one tune at a time") comes from this script.
# Usage: bench/memory_bench.sh [COPIES]   (needs ../shared/data and /usr/bin/time)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
data=${DATA:-$here/../shared/data}
copies=${1:-12}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$data" -name '*.abc' | sort > "$work/list"
for _ in $(seq 1 "$copies"); do xargs cat < "$work/list"; done > "$work/big.abc"
echo "input: $(du -h "$work/big.abc" | cut -f1), $(grep -c '^X:' "$work/big.abc") tunes; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run() {
  local name=$1; shift
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" > /dev/null 2> "$work/err" || true
  read -r kb s < "$work/time"
  printf '%-28s %8d KB %8.1f s\n' "$name" "$kb" "$s"
}
cd "$work"
run check "$build/abcrnn" check big.abc
run clean "$build/abcrnn" clean big.abc -o clean.abc
run "clean --keep-duplicates" "$build/abcrnn" clean big.abc --keep-duplicates -o clean2.abc
run "transpose --semitones 2" "$build/abcrnn" transpose big.abc --semitones 2 -o up.abc
run "eval (big against big)" "$build/abcrnn" eval big.abc --reference big.abc
run "midi" "$build/abcrnn" midi big.abc -o mid
run "render --tune 1800" "$build/abcrnn" render big.abc --tune 1800 -o one.svg
# score runs the model over every character (about 60 tunes a second): one copy of the corpus
# shows whether memory grows with the input, as the 155,000 tunes would in 45 minutes.
find "$data" -name '*.abc' | sort | xargs cat > one.abc
run "score (one copy, 12,922 tunes)" "$build/abcrnn" score one.abc
run "score (jigs.abc, 340 tunes)" "$build/abcrnn" score "$data/nottingham/jigs.abc"
run "train --steps 2" "$build/abcrnn" train --data big.abc --out run --steps 2
run "train --steps 2 (jigs.abc only)" "$build/abcrnn" train --data "$data/nottingham/jigs.abc" --out run2 --steps 2
