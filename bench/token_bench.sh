#!/usr/bin/env bash
# Sampler speed of a token model beside a character model of the same size (2 x 256, embedding
# 64), trained alike on the same tunes: tunes per second of `abcrnn generate` (strict mode, the
# default; --threads 1), each the best of REPS runs, the two models' runs interleaved so that other
# work on a shared machine disturbs both alike. Also each model's validation bits per character
# (per token beside it) and whether every generated tune passes `abcrnn check`.
# Usage: bench/token_bench.sh [BUILD_DIR] [RUN_DIR]   (trains RUN_DIR/char and RUN_DIR/token when
# absent: STEPS steps each on ../shared/data/nottingham; prints a Markdown table)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-runs/token-bench}
DATA=${ABCRNN_SHARED_DIR:-../shared}/data/nottingham
STEPS=${STEPS:-400}
NUM=${NUM:-200}
REPS=${REPS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for vocab in char token; do
  if [ ! -f "$RUNS/$vocab/best.ckpt" ]; then
    "$BUILD"/abcrnn train --data "$DATA" --vocab "$vocab" --layers 2 --hidden 256 --embed 64 --batch 32 --seq 64 \
      --steps "$STEPS" --eval-every 100 --threads 2 --seed 1 --out "$RUNS/$vocab" -q
  fi
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
declare -A best
for rep in $(seq "$REPS"); do
  for vocab in char token; do
    start=$(date +%s.%N)
    "$BUILD"/abcrnn generate --model "$RUNS/$vocab/best.ckpt" --num "$NUM" --seed 1 --threads 1 -o "$tmp/$vocab.abc"
    end=$(date +%s.%N)
    tps=$(echo "$NUM $start $end" | awk '{printf "%.1f", $1 / ($3 - $2)}')
    best[$vocab]=$(echo "${best[$vocab]:-0} $tps" | awk '{print ($1 > $2) ? $1 : $2}')
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| vocabulary | symbols | valid bits/char | valid bits/token | tunes/s (best of $REPS, $NUM tunes) | characters/s | mean characters per tune | passing abcrnn check |"
echo "|---|---|---|---|---|---|---|---|"
for vocab in char token; do
  meta=$(python3 -c "
import json, struct, sys
b = open('$RUNS/$vocab/best.ckpt', 'rb').read()
n = struct.unpack('<Q', b[16:24])[0]
h = json.loads(b[24:24 + n])
m = h['metadata']
last = [e for e in m['history'] if e['best']][-1]
print(len(h['vocab']), '%.3f' % m['best_valid_bits'], '%.3f' % last.get('valid_bits_per_token', m['best_valid_bits']))")
  set -- $meta
  # Characters of the tunes in training form: each tune's lines after its K: line and header, as
  # generated (X:, T: and the % line that abcrnn adds are left out).
  chars=$(awk '/^X:/{body=1; next} /^T:|^%/{next} NF{n += length($0) + 1} END{print n}' "$tmp/$vocab.abc")
  tunes=$(grep -c '^X:' "$tmp/$vocab.abc")
  pass=$("$BUILD"/abcrnn check "$tmp/$vocab.abc" >/dev/null 2>&1 && echo "all $tunes" || echo "not all")
  echo "| $vocab | $1 | $2 | $3 | ${best[$vocab]} | $(echo "${best[$vocab]} $chars $tunes" | awk '{printf "%d", $1 * $2 / $3}') | $((chars / tunes)) | $pass |"
done
