#!/usr/bin/env bash
# Makes every figure of models/README.md (the model card) from the shipped model:
#  - bits per character of the LSTM and of the n-gram baseline on the trainer's validation tunes;
#  - 1,000 tunes from each, judged by `abcrnn eval` against the held-out real tunes (style, form,
#    the classifier test) and the training tunes (novelty); the real held-out tunes judged the
#    same way as a yardstick;
#  - with a model trained with controls: for reel, jig and hornpipe, 300 tunes of `--rhythm TYPE`
#    against the held-out real tunes of that type, with drawn forms kept (the default) and free
#    (--free-form); `--parts 2 --bars 8` tunes counted by form; the keys of the default tunes
#    against the training tunes' keys (total variation distance);
#  - how many raw (--no-strict) LSTM tunes pass `abcrnn check`, and strict mode's masked mass.
# Usage: scripts/model_card.sh [OUT_DIR]   (default build/model-card; needs ../shared/data)
#   TEMPERATURE=0.8 samples the tunes at another temperature (default: the model's own, from its
#   checkpoint's "generation" record, else 0.9).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
data=${DATA:-$here/../shared/data}
out=${1:-$build/model-card}
model=${MODEL:-$here/models/default.ckpt}
abcrnn="$build/abcrnn"
sampling=()
[ -n "${TEMPERATURE:-}" ] && sampling=(--temperature "$TEMPERATURE")
# The model is compared on the text it was trained on: the same cleaning (tonic, controls) and
# the same split, read from its metadata.
meta() { grep -a -o "\"$1\": *[^,}]*" "$model" | head -1 | sed 's/^[^:]*: *//; s/"//g' || true; }
tonic=$(meta transpose_to)
controls=$(meta controls | head -c 4)
form_repeats=$(meta form_repeats | head -c 4)
final_degree=$(meta final_degree | head -c 4)
beat=$(meta beat | head -c 4)
line_end_bars=$(meta line_end_bars | head -c 4)
collapse_empty_bars=$(meta collapse_empty_bars | head -c 4)
per_type=$(meta valid_per_type)
split_args=()
[ -n "$tonic" ] && split_args+=(--transpose-to "$tonic")
[ "$controls" = "true" ] && split_args+=(--controls)
[ "$form_repeats" = "true" ] && split_args+=(--form-repeats)
[ "$final_degree" = "true" ] && split_args+=(--final)
[ "$beat" = "true" ] && split_args+=(--beat)
[ "$line_end_bars" = "true" ] && split_args+=(--line-end-bars)
[ "$collapse_empty_bars" = "true" ] && split_args+=(--collapse-empty-bars)
[ -n "$per_type" ] && [ "$per_type" != 0 ] && split_args+=(--valid-per-type "$per_type")
mkdir -p "$out"
set -x
"$abcrnn" baseline "$data" --order 10 --sample 1000 --seed 1 -o "$out/ngram.abc" "${split_args[@]}" \
  --split-out "$out/split" > "$out/baseline.txt" 2>&1
"$abcrnn" score --model "$model" "$out/split-valid.abc" > "$out/lstm-score.txt"
# Exit code 1 when some strict tune found no valid ending (they are still written, and counted).
"$abcrnn" generate --model "$model" --num 1000 --seed 1 "${sampling[@]}" --stats --out "$out/lstm.abc" 2> "$out/lstm-strict.txt" || [ $? -eq 1 ]
"$abcrnn" generate --model "$model" --num 1000 --seed 1 "${sampling[@]}" --no-strict --out "$out/lstm-raw.abc"
"$abcrnn" check "$out/lstm-raw.abc" 2>&1 | grep -A100 '^tunes read' > "$out/lstm-raw-check.txt" || true
sets=(lstm ngram split-valid)
if [ "$controls" = "true" ]; then
  "$abcrnn" generate --model "$model" --num 1000 --seed 1 "${sampling[@]}" --keep-form \
    --out "$out/lstm-kept.abc" 2>/dev/null || [ $? -eq 1 ]
  sets+=(lstm-kept)
fi
for set in "${sets[@]}"; do
  "$abcrnn" eval "$out/$set.abc" --reference "$out/split-valid.abc" --train "$out/split-train.abc" \
    --train-cache "$out/train-bars.idx" > "$out/eval-$set.txt" || [ $? -eq 1 ]
done
[ "$controls" = "true" ] || exit 0

# The held-out tunes of the training mix: --valid-per-type holds out more dance tunes than the
# mix has, so the plain hash split (every tune at --valid-fraction; a subset of the held-out
# tunes, never trained on) is the real set the default tunes are compared with.
mix_args=("${split_args[@]}")
for i in "${!mix_args[@]}"; do [ "${mix_args[$i]}" = "$per_type" ] && [ "${mix_args[$((i-1))]}" = --valid-per-type ] && mix_args[$i]=0; done
"$abcrnn" baseline "$data" --order 2 "${mix_args[@]}" --split-out "$out/mix" > /dev/null 2>&1
for set in lstm lstm-kept; do
  "$abcrnn" eval "$out/$set.abc" --reference "$out/mix-valid.abc" > "$out/eval-$set-mix.txt" || [ $? -eq 1 ]
done

# Per type: the held-out real tunes of the type, and 300 tunes asked for by --rhythm.
for type in reel jig hornpipe; do
  awk -v t="R:$type" 'BEGIN { RS = ""; ORS = "\n\n" } index($0, "\n" t "\n") { print }' \
    "$out/split-valid.abc" > "$out/valid-$type.abc"
  for form in kept free; do
    flag=(); [ $form = free ] && flag=(--free-form)
    "$abcrnn" generate --model "$model" --num 300 --seed 2 "${sampling[@]}" --rhythm "$type" \
      "${flag[@]}" --out "$out/$type-$form.abc" 2>/dev/null || [ $? -eq 1 ]
    "$abcrnn" eval "$out/$type-$form.abc" --reference "$out/valid-$type.abc" --train "$out/split-train.abc" \
      --train-cache "$out/train-bars.idx" > "$out/eval-$type-$form.txt" || [ $? -eq 1 ]
  done
  "$abcrnn" eval "$out/valid-$type.abc" --reference "$out/valid-$type.abc" > "$out/eval-valid-$type.txt" || [ $? -eq 1 ]
done

# --parts 2 --bars 8: the form each tune has, as the cleaner counts it.
"$abcrnn" generate --model "$model" --num 300 --seed 3 --parts 2 --bars 8 --out "$out/form-2x8.abc" 2>/dev/null
"$abcrnn" check "$out/form-2x8.abc" > "$out/form-2x8-check.txt" 2>&1 || true
"$abcrnn" clean --controls --keep-duplicates "$out/form-2x8.abc" 2>/dev/null | grep '^N:form' | sort | uniq -c \
  > "$out/form-2x8-forms.txt"

# Keys: the default tunes' keys (as printed) against the training tunes' (the model's table).
"$abcrnn" generate --model "$model" --list-controls | sed -n 's/^key (--key): //p' | tr ',' '\n' |
  sed 's/^ *//; s/ (\([0-9]*\))$/ \1/; /^\.\.\./d' > "$out/keys-train.txt"
grep '^K:' "$out/lstm.abc" | sed 's/^K://' | sort | uniq -c | awk '{ print $2, $1 }' > "$out/keys-generated.txt"
awk 'FNR == 1 { f++ } f == 1 { t[$1] = $2; nt += $2 } f == 2 { g[$1] = $2; ng += $2 }
     END { for (k in t) all[k] = 1; for (k in g) all[k] = 1
           for (k in all) d += (t[k] / nt - g[k] / ng) > 0 ? t[k] / nt - g[k] / ng : g[k] / ng - t[k] / nt
           printf "keys: total variation distance %.3f (%d generated tunes, %d training tunes)\n", d / 2, ng, nt }' \
  "$out/keys-train.txt" "$out/keys-generated.txt" > "$out/keys-tv.txt"
cat "$out/keys-tv.txt"
