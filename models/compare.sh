#!/usr/bin/env bash
# The architecture comparison of models/README.md (issue 11): each configuration trained on the
# same data for the same wall-clock budget of training on this machine, then judged the same way.
#   1. a short calibration run measures the configuration's training speed (characters a second);
#   2. the run gets the steps that fill BUDGET_MIN minutes at that speed, so its learning-rate
#      schedule ends with the budget;
#   3. validation bits per character (the trainer's, on the same held-out tunes for every run:
#      the split depends on the data and cleaning only) and `abcrnn score` of the held-out tunes;
#   4. with EVAL=1, the model card's figures (scripts/model_card.sh) for each run.
# A summary table (TSV) goes to OUT/summary.tsv. Nothing else may run on the machine meanwhile:
# the budget is wall-clock time.
# Usage: models/compare.sh OUT_DIR            (needs ../shared/data)
#   BUDGET_MIN=20  CONFIGS="name=train args;name=train args"  CLEAN="extra cleaning args"  EVAL=1
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
data=${DATA:-$here/../shared/data}
out=${1:?usage: models/compare.sh OUT_DIR}
budget_min=${BUDGET_MIN:-20}
abcrnn="$build/abcrnn"
# The shipped model's data and training settings (models/README.md); each configuration adds its own.
read -r -a common <<< "--data $data --controls --form-repeats --transpose-to C --form-clock --valid-per-type 140 \
  --embed 64 --dropout 0.25 --batch 64 --seq 64 --patience 0 --seed 1 ${CLEAN:-}"
configs=${CONFIGS:-"lstm-2x384=--cell lstm --layers 2 --hidden 384;gru-2x384=--cell gru --layers 2 --hidden 384;lstm-3x512=--cell lstm --layers 3 --hidden 512;gru-3x512=--cell gru --layers 3 --hidden 512"}
mkdir -p "$out"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
printf 'config\tsteps\ttrain_minutes\tchars_per_s\tbest_valid_bits\tbest_step\tscore_bits\tcpu\n' > "$out/summary.tsv"
# The last metrics line's field `name`.
last_field() { tail -n 1 "$1" | grep -o "\"$2\":[^,}]*" | cut -d: -f2; }
IFS=';' read -r -a entries <<< "$configs"
for entry in "${entries[@]}"; do
  name=${entry%%=*}
  read -r -a args <<< "${entry#*=}"
  run="$out/$name"
  rm -rf "$run" "$run-calibrate"
  "$abcrnn" train "${common[@]}" "${args[@]}" --steps 60 --eval-every 1000 --sample-chars 0 -q \
    --out "$run-calibrate" > /dev/null
  speed=$(last_field "$run-calibrate/metrics.jsonl" chars_per_s)
  steps=$(awk -v s="$speed" -v m="$budget_min" 'BEGIN { printf "%d", s * m * 60 / (64 * 64) }')
  echo "$name: $speed characters a second: $steps steps in $budget_min minutes"
  "$abcrnn" train "${common[@]}" "${args[@]}" --steps "$steps" --eval-every $(( steps / 8 > 0 ? steps / 8 : 1 )) \
    -q --out "$run" > "$run.out" 2>&1
  best=$(grep '"best":true' "$run/metrics.jsonl" | tail -n 1)
  best_bits=$(echo "$best" | grep -o '"valid_bits":[^,}]*' | cut -d: -f2)
  best_step=$(echo "$best" | grep -o '"step":[^,}]*' | cut -d: -f2)
  minutes=$(awk -v s="$(last_field "$run/metrics.jsonl" train_seconds)" 'BEGIN { printf "%.1f", s / 60 }')
  # The held-out tunes of this split, written once (the same for every configuration).
  if [ ! -f "$out/split-valid.abc" ]; then
    "$abcrnn" baseline "$data" --order 2 --controls --form-repeats --transpose-to C --valid-per-type 140 \
      ${CLEAN:-} --split-out "$out/split" > /dev/null 2>&1
  fi
  score=$("$abcrnn" score --no-match-model --model "$run/best.ckpt" "$out/split-valid.abc" | tail -n 1 |
    grep -o '[0-9.]* bits/char' | cut -d' ' -f1)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$steps" "$minutes" "$(last_field "$run/metrics.jsonl" chars_per_s)" \
    "$best_bits" "$best_step" "$score" "$cpu" >> "$out/summary.tsv"
  if [ "${EVAL:-0}" = 1 ]; then
    MODEL="$run/best.ckpt" "$here/scripts/model_card.sh" "$out/$name-card" > "$out/$name-card.log" 2>&1 || true
  fi
done
column -t -s $'\t' "$out/summary.tsv"
