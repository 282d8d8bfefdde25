#!/usr/bin/env bash
# Two models side by side on the model card's eval lines, over several seeds, so a difference can
# be told from the spread one model shows across seeds: for reel, jig and hornpipe, 300 tunes of
# `--rhythm TYPE` (forms kept, the default) against the held-out real tunes of the type; and 1,000
# default tunes against the held-out tunes of the training mix. Each model is judged against the
# held-out tunes of its own split, taken from a card folder that scripts/model_card.sh made for it
# (valid-TYPE.abc, mix-valid.abc).
# Usage: scripts/compare_models.sh OUT MODEL_A CARD_A MODEL_B CARD_B
#   SEEDS="2 3 4 5 6" (default), TYPES="reel jig hornpipe mix" (default), NUM=300, MIX_NUM=1000;
#   REUSE=1 keeps the sets already in OUT (copy A's there to judge another B against it);
#   GENERATE_A, GENERATE_B: more options for that model's `abcrnn generate` (e.g. "--temperature 0.95");
#   JOBS=2 sets made at a time (one thread each).
# Prints one row per line of the card (scripts/compare_lines.py): each model's mean and standard
# deviation over the seeds, B - A, and two verdicts: per line, "better" or "worse" where B differs
# from A by more than twice the standard error of the difference (sd over seeds, n - 1, of each
# model), else "same"; and family-wise, "better*" or "worse*" where Welch's test survives Holm's
# correction over all the lines (alpha 0.05). Better is: closer to the real tunes for the form
# rows (end on the tonic, repeats, equal parts, bars, pitch range), higher for the style overlaps
# and validity, closer to 0.5 for the classifier's accuracy.
set -euo pipefail
[ $# -eq 5 ] || { echo "usage: $0 OUT MODEL_A CARD_A MODEL_B CARD_B" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
abcrnn=${BUILD_DIR:-$here/build}/abcrnn
out=$1
models=("$2" "$4")
cards=("$3" "$5")
seeds=${SEEDS:-2 3 4 5 6}
types=${TYPES:-reel jig hornpipe mix}
for card in "${cards[@]}"; do
  for type in $types; do
    ref=$card/valid-$type.abc; [ "$type" = mix ] && ref=$card/mix-valid.abc
    [ -s "$ref" ] || { echo "$0: expected $ref (made by scripts/model_card.sh)" >&2; exit 2; }
  done
done
mkdir -p "$out"
# One set: generate it and judge it against its model's held-out tunes. Written under a temporary
# name and moved into place, so a set that is there is whole (REUSE may trust it).
one_set() {  # A|B MODEL CARD TYPE SEED
  local name=$1 model=$2 card=$3 type=$4 seed=$5 ref args extra
  if [ "$type" = mix ]; then
    ref=$card/mix-valid.abc
    args=(--num "${MIX_NUM:-1000}" --keep-form)
  else
    ref=$card/valid-$type.abc
    args=(--num "${NUM:-300}" --rhythm "$type")
  fi
  # A set made before in OUT is kept (REUSE=1: the same model in the same place, e.g. model A
  # against a second B).
  [ -n "${REUSE:-}" ] && [ -s "$out/$name-$type-$seed.json" ] && return 0
  extra=${GENERATE_A:-}; [ "$name" = B ] && extra=${GENERATE_B:-}
  # Exit code 1 when a strict tune found no valid ending (it is still written, and counted).
  # shellcheck disable=SC2086  # the extra options split into words
  "$abcrnn" generate --model "$model" --seed "$seed" "${args[@]}" $extra --out "$out/$name-$type-$seed.abc" \
    2>/dev/null || [ $? -eq 1 ] || return 1
  "$abcrnn" eval "$out/$name-$type-$seed.abc" --reference "$ref" --json > "$out/$name-$type-$seed.json.part" \
    2>/dev/null || [ $? -eq 1 ] || return 1
  mv "$out/$name-$type-$seed.json.part" "$out/$name-$type-$seed.json"
}
export -f one_set
export abcrnn out REUSE GENERATE_A GENERATE_B NUM MIX_NUM
# JOBS sets at a time (default 2, this machine's cores): generation is one thread per set.
for seed in $seeds; do
  for type in $types; do
    # Quoted for xargs, which splits on blanks: paths with spaces stay whole.
    printf '%q %q %q %q %q\n' A "${models[0]}" "${cards[0]}" "$type" "$seed" B "${models[1]}" "${cards[1]}" "$type" "$seed"
  done
done | xargs -P "${JOBS:-2}" -L 1 bash -c 'one_set "$@"' one_set || { echo "$0: a set failed" >&2; exit 1; }

python3 "$here/scripts/compare_lines.py" "$out" "$types" "$seeds"
