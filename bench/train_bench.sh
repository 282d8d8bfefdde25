#!/usr/bin/env bash
# Training speed, side by side in one run: abcrnn-train against ../shared/bench/torch_reference.py
# (PyTorch in Python on the same LibTorch), same data, batch 64 x 128, for 2 x 256 and 3 x 512
# (embedding = hidden, as the reference). The reference times STEPS steps after 2 untimed warm-up
# steps (its random windows make every step alike); abcrnn-train runs two epochs and is timed over
# the second, whole (its steps differ in size with the tunes a group holds, so a few steps say
# little: on nottingham at 64 x 128 its first group is its longest tunes).
# The reference is quoted at its best of --threads 1 and 2; abcrnn with --threads 1 and 2 (its
# OpenMP wait policy is PASSIVE unless OMP_WAIT_POLICY is set; ACTIVE shows the spinning), with its
# fused LSTM (the default) and, at --threads 1, with torch::nn::LSTM (--reference-lstm) and with
# glibc's default malloc settings (ABCRNN_KEEP_MALLOC=1).
#   bench/train_bench.sh [STEPS]    (BUILD_DIR, SHARED_DIR override the paths; SLOW=1 adds the
#                                    spinning --threads 2 runs, minutes each on a busy machine)
# chars/s counts the characters a step scores. abcrnn's default batching (bucket) pads tunes of
# similar length side by side and ends a window with its group's longest tune; the reference
# (random windows of the concatenated text) scores every cell.
# BATCHING=pack runs abcrnn with tunes end to end (99% of cells scored): the reference's work.
# VARIANTS="fused" leaves out the --reference-lstm and glibc-malloc runs.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
shared=${SHARED_DIR:-$here/../shared}
steps=${1:-6}
IFS=, read -r -a SHAPES <<< "${SHAPES:-2 256,3 512}"  # e.g. SHAPES="2 256" for one shape
data=$shared/data/nottingham
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# abcrnn-train: two epochs, no validation set, one metrics.jsonl line per epoch; chars/s of the
# second epoch (the first holds start-up and warm-up).
# LSTM=reference (in the environment of the call) runs torch::nn::LSTM instead of the fused layers.
ours() {  # layers hidden threads [env...]
  local l=$1 h=$2 t=$3 lstm=${LSTM:-fused}; shift 3
  local flag=(); [ "$lstm" = reference ] && flag=(--reference-lstm)
  local batching=(); [ -n "${BATCHING:-}" ] && batching=(--batching "$BATCHING")
  env "$@" "$build/abcrnn-train" --data "$data" --out "$out/run" --layers "$l" --hidden "$h" --embed "$h" "${batching[@]}" \
    --batch 64 --seq 128 --epochs 2 --valid-fraction 0 --sample-chars 0 \
    --dropout 0 --threads "$t" "${flag[@]}" --force --quiet 2>/dev/null
  python3 - "$out/run/metrics.jsonl" "$l" "$h" "$t" "$*" "$lstm" "${BATCHING:-default}" <<'PY'
import json, sys
m = [json.loads(x) for x in open(sys.argv[1])]
a, b = m[0], m[-1]
cps = (b["train_chars"] - a["train_chars"]) / (b["train_seconds"] - a["train_seconds"])
print(json.dumps({"impl": "abcrnn", "lstm": sys.argv[6], "batching": sys.argv[7], "layers": int(sys.argv[2]), "hidden": int(sys.argv[3]),
                  "threads": int(sys.argv[4]), "env": sys.argv[5], "steps_timed": b["step"] - a["step"],
                  "chars_per_step": round((b["train_chars"] - a["train_chars"]) / (b["step"] - a["step"])),
                  "chars_per_s": round(cps, 1)}))
PY
  rm -rf "$out/run"
}

ref() {  # layers hidden threads
  timeout 240 /usr/bin/python3 "$shared/bench/torch_reference.py" train --data "$data" --layers "$1" --hidden "$2" \
    --batch 64 --seq 128 --steps "$steps" --threads "$3" || echo "{\"impl\": \"pytorch-python\", \"threads\": $3, \"error\": \"timed out or failed\"}"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); steps $steps"
for shape in "${SHAPES[@]}"; do
  set -- $shape
  for rep in 1 2; do
    ref "$1" "$2" 1
    ours "$1" "$2" 1
    if [ "${VARIANTS:-all}" = all ]; then
      LSTM=reference ours "$1" "$2" 1
      ours "$1" "$2" 1 ABCRNN_KEEP_MALLOC=1
    fi
    ours "$1" "$2" 2
  done
  [ -n "${SLOW:-}" ] && { ref "$1" "$2" 2; ours "$1" "$2" 2 OMP_WAIT_POLICY=ACTIVE; }
done
