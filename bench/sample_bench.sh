#!/usr/bin/env bash
# Sampling speed of abcrnn (bench/sample_bench.cc, the fast engine) beside PyTorch
# (../shared/bench/torch_reference.py sample), in one run, same shapes and batch; then
# abcrnn-sample's time to the first tune (hyperfine) and peak memory (/usr/bin/time -v).
# Each figure is the best of REPS runs (default 3), the runs of both programs interleaved, so that
# other work on a shared machine disturbs both alike and the best run approaches the quiet speed.
# Usage: bench/sample_bench.sh [BUILD_DIR]   (prints a Markdown table; copy it to bench/README.md)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
REF=${ABCRNN_SHARED_DIR:-../shared}/bench/torch_reference.py
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
REPS=${REPS:-3}
field() { sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p"; }
max() { echo "$1 $2" | awk '{print ($1 > $2) ? $1 : $2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
ceiling=$("$BUILD"/bench/sample_bench --ceiling 1 | field gflops)
echo "| shape | batch | chars | reference best (chars/s) | abcrnn 1 thread | abcrnn 2 threads | ratio (best/best) | abcrnn GFLOP/s (share of the $ceiling GFLOP/s sgemm ceiling) |"
echo "|---|---|---|---|---|---|---|---|"
for cfg in "2 256 1 2000" "3 512 1 300" "2 256 64 200" "3 512 64 40"; do
  set -- $cfg
  L=$1 H=$2 B=$3 N=$4
  best_ref=0 ours1=0 ours2=0 gf=0
  for rep in $(seq "$REPS"); do
    for t in 1 2; do
      r=$($PY "$REF" sample --layers "$L" --hidden "$H" --batch "$B" --chars "$N" --threads "$t" | field chars_per_s)
      best_ref=$(max "$r" "$best_ref")
    done
    for t in 1 2; do
      line=$("$BUILD"/bench/sample_bench --layers "$L" --hidden "$H" --batch "$B" --chars "$N" --threads "$t")
      r=$(echo "$line" | field chars_per_s)
      gf=$(max "$(echo "$line" | field gflops)" "$gf")
      if [ "$t" = 1 ]; then ours1=$(max "$r" "$ours1"); else ours2=$(max "$r" "$ours2"); fi
    done
  done
  best_ours=$(max "$ours1" "$ours2")
  ratio=$(echo "$best_ours $best_ref" | awk '{printf "%.1fx", $1 / $2}')
  share=$(echo "$gf $ceiling" | awk '{printf "%.0f%%", 100 * $1 / $2}')
  echo "| ${L} x ${H} | $B | $N | $best_ref | $ours1 | $ours2 | $ratio | $gf ($share) |"
done

echo
"$BUILD"/bench/sample_bench --layers 2 --hidden 256 --write-model "$tmp/small.ckpt"
"$BUILD"/bench/sample_bench --layers 3 --hidden 512 --write-model "$tmp/large.ckpt"
if command -v hyperfine >/dev/null; then
  for mode in "--no-strict" "--strict --rhythm jig --key D"; do
    hyperfine -N --warmup 3 --runs 20 --export-json "$tmp/h.json" \
      "$BUILD/abcrnn-sample generate --model $tmp/small.ckpt --num 1 --length 300 $mode" >/dev/null 2>&1
    echo "time to the first tune (2 x 256 random weights, up to 300 characters, $mode; process start to exit): $($PY -c "import json;r=json.load(open('$tmp/h.json'))['results'][0];print('mean %.1f ms +- %.1f, min %.1f ms' % (r['mean']*1e3, r['stddev']*1e3, r['min']*1e3))")"
  done
fi
for m in small large; do
  /usr/bin/time -v "$BUILD"/abcrnn-sample generate --model "$tmp/$m.ckpt" --num 64 --length 300 --no-strict >/dev/null 2>"$tmp/time.txt"
  echo "peak memory, $m model ($(stat -c %s "$tmp/$m.ckpt") bytes), --num 64: $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt") kB"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
