#!/usr/bin/env bash
# Sampler speed of an ensemble checkpoint (abcrnn export --ensemble-with) beside one network:
# tunes per second of `abcrnn generate` (strict mode, the defaults of each checkpoint), --threads 1
# and 2, each the best of REPS runs, the models' runs interleaved so that other work on a shared
# machine disturbs both alike; with the CPU and the sgemm ceiling measured in the same run, and
# each model's score of the same held-out tunes.
# Usage: bench/ensemble_bench.sh BUILD_DIR ONE.ckpt ENSEMBLE.ckpt HELD_OUT.abc   (prints a Markdown table)
#   REPS=3 NUM=200
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=$1 ONE=$2 ENSEMBLE=$3 HELD_OUT=$4
NUM=${NUM:-200}
REPS=${REPS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }

echo "CPU: $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sgemm ceiling (OpenBLAS, 2048^3, both cores): $("$BUILD"/bench/sample_bench --ceiling 1 | field gflops) GFLOP/s"
declare -A best
for rep in $(seq "$REPS"); do
  for threads in 1 2; do
    for model in one ensemble; do
      path=$ONE; [ $model = ensemble ] && path=$ENSEMBLE
      start=$(date +%s.%N)
      "$BUILD"/abcrnn generate --model "$path" --num "$NUM" --seed 1 --threads $threads -o "$tmp/$model.abc" 2>/dev/null
      end=$(date +%s.%N)
      tps=$(echo "$NUM $start $end" | awk '{printf "%.1f", $1 / ($3 - $2)}')
      best[$model$threads]=$(echo "${best[$model$threads]:-0} $tps" | awk '{print ($1 > $2) ? $1 : $2}')
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| model | networks | held-out bits/char (network alone) | tunes/s, --threads 1 (best of $REPS, $NUM tunes) | --threads 2 | passing abcrnn check |"
echo "|---|---|---|---|---|---|"
for model in one ensemble; do
  path=$ONE; [ $model = ensemble ] && path=$ENSEMBLE
  networks=$(python3 -c "
import json, struct
b = open('$path', 'rb').read()
n = struct.unpack('<Q', b[16:24])[0]
print(json.loads(b[24:24 + n])['model'].get('members', 1))")
  bits=$("$BUILD"/abcrnn score --no-match-model --threads 2 --model "$path" "$HELD_OUT" | sed -n 's/.* \([0-9.]*\) bits\/char.*/\1/p' | tail -1)
  tunes=$(grep -c '^X:' "$tmp/$model.abc")
  pass=$("$BUILD"/abcrnn check "$tmp/$model.abc" >/dev/null 2>&1 && echo "all $tunes" || echo "not all")
  echo "| $(basename "$path") | $networks | $bits | ${best[${model}1]} | ${best[${model}2]} | $pass |"
done
