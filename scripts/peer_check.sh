#!/usr/bin/env bash
# The "valid means every tool accepts it" measurement of doc/abc-dialect.md: N tunes (default
# 1,000) from each of six option sets of `abcrnn generate` over a fixed seed, read by abc2midi and
# abcm2ps; prints, per set, the tunes written and the error lines each tool printed (with the
# first few). The suite runs the same sets with fewer tunes (tests/generate_peer_test.cc).
# Usage: scripts/peer_check.sh [OUT_DIR]   N=1000 SEED=11 MODEL=models/default.ckpt
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
out=${1:-$build/peer-check}
n=${N:-1000}
seed=${SEED:-11}
model=${MODEL:-$here/models/default.ckpt}
mkdir -p "$out"
sets=(
  "default|"
  "rhythm|--rhythm hornpipe"
  "meter|--meter 3/4"
  "key|--key F#m"
  "temperature|--temperature 1.3"
  "prime|--prime |:"
)
status=0
printf '%-12s %6s %9s %9s\n' set tunes abc2midi abcm2ps
for entry in "${sets[@]}"; do
  name=${entry%%|*}
  read -r -a options <<< "${entry#*|}"
  abc="$out/$name.abc"
  "$build/abcrnn" generate --model "$model" --seed "$seed" --num "$n" "${options[@]}" -o "$abc" 2> "$out/$name.log" \
    || { echo "$name: generate failed (exit $?; $out/$name.log)"; status=1; continue; }
  tunes=$(grep -c '^X:' "$abc")
  (cd "$out" && rm -f ./*.mid && abc2midi "$abc" -quiet > "$name.abc2midi" 2>&1; rm -f ./*.mid) || true
  abcm2ps "$abc" -O /dev/null > "$out/$name.abcm2ps" 2>&1 || true
  midi=$(grep -c -E 'Error|error:' "$out/$name.abc2midi" || true)
  sheet=$(grep -c -E 'Error|error:' "$out/$name.abcm2ps" || true)
  printf '%-12s %6d %9d %9d\n' "$name" "$tunes" "$midi" "$sheet"
  grep -E 'Error|error:' "$out/$name.abc2midi" "$out/$name.abcm2ps" | head -n 3 | sed 's/^/    /' || true
  [ "$tunes" -eq "$n" ] && [ "$midi" -eq 0 ] && [ "$sheet" -eq 0 ] || status=1
done
exit $status
