#!/usr/bin/env bash
# Makes every figure of models/README.md (the model card) from the shipped model:
#  - bits per character of the LSTM and of the n-gram baseline on the trainer's validation tunes;
#  - 1,000 tunes from each, judged by `abcrnn eval` against the held-out real tunes (style, form)
#    and the training tunes (novelty); the real held-out tunes judged the same way as a yardstick;
#  - how many raw (--no-strict) LSTM tunes pass `abcrnn check`, and strict mode's masked mass.
# Usage: scripts/model_card.sh [OUT_DIR]   (default build/model-card; needs ../shared/data)
#   TEMPERATURE=0.9 samples the LSTM's tunes at another temperature (default: generate's own, 0.8).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
data=${DATA:-$here/../shared/data}
out=${1:-$build/model-card}
model=${MODEL:-$here/models/default.ckpt}
abcrnn="$build/abcrnn"
temperature=${TEMPERATURE:-0.8}
# A key-normalised model (trained with --transpose-to) is compared on the tunes moved as it saw
# them: the same split, the n-gram on the same text. The tonic is read from the model's metadata.
tonic=$(grep -a -o '"transpose_to": *"[A-G][#b]\{0,1\}"' "$model" | head -1 | sed 's/.*"\([^"]*\)"$/\1/' || true)
mkdir -p "$out"
set -x
"$abcrnn" baseline "$data" --order 10 --sample 1000 --seed 1 -o "$out/ngram.abc" ${tonic:+--transpose-to "$tonic"} \
  --split-out "$out/split" > "$out/baseline.txt" 2>&1
"$abcrnn" score --model "$model" "$out/split-valid.abc" > "$out/lstm-score.txt"
# Exit code 1 when some strict tune found no valid ending (they are still written, and counted).
"$abcrnn" generate --model "$model" --num 1000 --seed 1 --temperature "$temperature" --stats --out "$out/lstm.abc" 2> "$out/lstm-strict.txt" || [ $? -eq 1 ]
"$abcrnn" generate --model "$model" --num 1000 --seed 1 --temperature "$temperature" --no-strict --out "$out/lstm-raw.abc"
"$abcrnn" check "$out/lstm-raw.abc" 2>&1 | grep -A100 '^tunes read' > "$out/lstm-raw-check.txt" || true
for set in lstm ngram split-valid; do
  "$abcrnn" eval "$out/$set.abc" --reference "$out/split-valid.abc" --train "$out/split-train.abc" \
    --train-cache "$out/train-bars.idx" > "$out/eval-$set.txt" || [ $? -eq 1 ]
done
