#!/usr/bin/env bash
# Two models side by side on the model card's eval lines, over several seeds, so a difference can
# be told from the spread one model shows across seeds: for reel, jig and hornpipe, 300 tunes of
# `--rhythm TYPE` (forms kept, the default) against the held-out real tunes of the type; and 1,000
# default tunes against the held-out tunes of the training mix. Each model is judged against the
# held-out tunes of its own split, taken from a card folder that scripts/model_card.sh made for it
# (valid-TYPE.abc, mix-valid.abc).
# Usage: scripts/compare_models.sh OUT MODEL_A CARD_A MODEL_B CARD_B
#   SEEDS="2 3 4 5 6" (default), TYPES="reel jig hornpipe mix" (default), NUM=300, MIX_NUM=1000;
#   REUSE=1 keeps the sets already in OUT (copy A's there to judge another B against it).
# Prints one row per line of the card: each model's mean and standard deviation over the seeds,
# B - A, and a verdict: "better" or "worse" where B differs from A by more than twice the standard
# error of the difference (sd over seeds, n - 1, of each model), else "same". Better is: closer to
# the real tunes for the form rows (end on the tonic, repeats, equal parts, bars, pitch range),
# higher for the style overlaps and validity, closer to 0.5 for the classifier's accuracy.
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
for m in 0 1; do
  name=$([ $m = 0 ] && echo A || echo B)
  for type in $types; do
    for seed in $seeds; do
      if [ "$type" = mix ]; then
        ref=${cards[$m]}/mix-valid.abc
        args=(--num "${MIX_NUM:-1000}" --keep-form)
      else
        ref=${cards[$m]}/valid-$type.abc
        args=(--num "${NUM:-300}" --rhythm "$type")
      fi
      tunes=$out/$name-$type-$seed.abc
      # A set made before in OUT is kept (REUSE=1: the same model in the same place, e.g. model A
      # against a second B).
      [ -n "${REUSE:-}" ] && [ -s "$out/$name-$type-$seed.json" ] && continue
      # Exit code 1 when a strict tune found no valid ending (it is still written, and counted).
      "$abcrnn" generate --model "${models[$m]}" --seed "$seed" "${args[@]}" --out "$tunes" 2>/dev/null || [ $? -eq 1 ]
      "$abcrnn" eval "$tunes" --reference "$ref" --json > "$out/$name-$type-$seed.json" 2>/dev/null || [ $? -eq 1 ]
    done
  done
done

python3 - "$out" "$types" "$seeds" <<'PY'
import json, math, statistics, sys
out, types, seeds = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()

def lines(j):
    g, r = j["generated"]["form"], j["reference"]["form"]
    row = {"valid": (g["valid"], "higher")}
    for key, label in [("ends_on_tonic", "end on the tonic"), ("repeats", "repeats"),
                       ("equal_parts", "parts of equal length"), ("mean_bars", "bars (mean)"),
                       ("mean_pitch_range", "pitch range (mean)")]:
        row[label] = (g[key], ("closer", r[key]))
    for s in j["style"]:
        row["overlap " + s["feature"]] = (s["overlap"], "higher")
    if "accuracy" in j.get("classifier", {}):
        row["classifier accuracy"] = (j["classifier"]["accuracy"], ("closer", 0.5))
    return row

def goodness(value, how):  # larger is better
    if how == "higher":
        return value
    return -abs(value - how[1])

print(f"{'type':9s} {'line':24s} {'A mean':>8s} {'sd':>6s} {'B mean':>8s} {'sd':>6s} {'B-A':>8s} {'2 se':>6s}  verdict")
counts = {"better": 0, "same": 0, "worse": 0}
for t in types:
    runs = {m: [lines(json.load(open(f"{out}/{m}-{t}-{s}.json"))) for s in seeds] for m in "AB"}
    for label in runs["A"][0]:
        if not all(label in r for m in "AB" for r in runs[m]):
            continue
        val = {m: [r[label][0] for r in runs[m]] for m in "AB"}
        good = {m: [goodness(*r[label]) for r in runs[m]] for m in "AB"}
        sd = {m: statistics.stdev(val[m]) if len(val[m]) > 1 else 0.0 for m in "AB"}
        gsd = {m: statistics.stdev(good[m]) if len(good[m]) > 1 else 0.0 for m in "AB"}
        diff = statistics.mean(good["B"]) - statistics.mean(good["A"])
        se2 = 2 * math.sqrt(gsd["A"] ** 2 / len(good["A"]) + gsd["B"] ** 2 / len(good["B"]))
        verdict = "better" if diff > se2 else "worse" if diff < -se2 else "same"
        counts[verdict] += 1
        ma, mb = statistics.mean(val["A"]), statistics.mean(val["B"])
        how = {m: runs[m][0][label][1] for m in "AB"}
        real = f"  (real: {how['A'][1]:.3f}, {how['B'][1]:.3f})" if how["A"] != "higher" and label != "classifier accuracy" else ""
        print(f"{t:9s} {label:24s} {ma:8.3f} {sd['A']:6.3f} {mb:8.3f} {sd['B']:6.3f} {mb - ma:+8.3f} {se2:6.3f}  {verdict}{real}")
print(f"B against A over seeds {' '.join(seeds)}: {counts['better']} better, {counts['same']} same, "
      f"{counts['worse']} worse")
PY
