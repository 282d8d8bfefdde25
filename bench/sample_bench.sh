#!/usr/bin/env bash
# Sampling speed of abcrnn (bench/sample_bench.cc, the fast engine) beside PyTorch
# (../shared/bench/torch_reference.py sample), in one run, same shapes and batch; then
# abcrnn-sample's time to the first tune (hyperfine) and peak memory (/usr/bin/time -v).
# Each figure is the best of REPS runs (default 3), the runs of both programs interleaved, so that
# other work on a shared machine disturbs both alike and the best run approaches the quiet speed.
# Usage: bench/sample_bench.sh [BUILD_DIR]   (prints a Markdown table; copy it to bench/README.md)
#   REPS=3  KERNELS="avx512 avx2" (product kernels to time, the first the one the ratio is about)
#   PRECISIONS="float32 int8" (weight precisions to time with each kernel, as generate --precision;
#   default float32; the ratio column is about the first kernel at the first precision, the last
#   column about the fastest variant)
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

echo "CPU: $(sed -n 's/^model name\t*: //p' /proc/cpuinfo | head -1), $(nproc) cores, kernels it runs: $("$BUILD"/bench/sample_bench --layers 1 --hidden 16 --chars 1 --warmup 0 | sed -n 's/.*"kernel": "\([a-z0-9]*\)".*/\1/p') and below"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
ceiling=$("$BUILD"/bench/sample_bench --ceiling 1 | field gflops)
# Where OPENBLAS_CORETYPE is set for this machine (an older OpenBLAS can pick kernels that fail on
# a newer CPU), OpenBLAS's own pick is timed too, in this command alone, for the record.
native=$ceiling
if [ -n "${OPENBLAS_CORETYPE:-}" ]; then
  native=$(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$BUILD"/bench/sample_bench --ceiling 1 | field gflops)
fi
echo "sgemm ceiling (OpenBLAS, 2048^3, both cores): $ceiling GFLOP/s as this machine runs it${OPENBLAS_CORETYPE:+ (OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE)}; $native GFLOP/s with OpenBLAS's own choice of kernels"
echo
# KERNELS="avx512 avx2" times each product kernel (interleaved, same run); the first is the one
# the ratio and GFLOP/s columns are about. Default: the fastest kernel this CPU runs.
read -r -a kernels <<< "${KERNELS:-auto}"
read -r -a precisions <<< "${PRECISIONS:-float32}"
variants=()  # kernel:precision, the first the one the ratio and GFLOP/s columns are about
for k in "${kernels[@]}"; do for p in "${precisions[@]}"; do variants+=("$k:$p"); done; done
head="| shape | batch | chars | reference best (chars/s) |"
rule="|---|---|---|---|"
for v in "${variants[@]}"; do
  name=$("$BUILD"/bench/sample_bench --layers 1 --hidden 16 --chars 1 --warmup 0 --kernel "${v%%:*}" | sed -n 's/.*"kernel": "\([a-z0-9]*\)".*/\1/p')
  label="$name"; [ ${#precisions[@]} -gt 1 ] && label+=" ${v#*:}"
  head+=" abcrnn $label, 1 thread | abcrnn $label, 2 threads |"
  rule+="---|---|"
done
extra=""; [ ${#variants[@]} -gt 1 ] && extra=" ratio, fastest variant |"
echo "$head ratio (best/best) | abcrnn GFLOP/s (share of the $ceiling GFLOP/s sgemm ceiling) | share of $native |$extra"
echo "$rule---|---|---|${extra:+---|}"
# 3 x 512 one tune at a time: 1,000 characters, so that a run is not over before a second thread is
# at work (a run of 300, about 30 ms, measured the start as much as the speed).
for cfg in "2 256 1 2000" "3 512 1 1000" "2 256 64 200" "3 512 64 40"; do
  set -- $cfg
  L=$1 H=$2 B=$3 N=$4
  best_ref=0 gf=0
  declare -A ours=()
  for rep in $(seq "$REPS"); do
    for t in 1 2; do
      r=$($PY "$REF" sample --layers "$L" --hidden "$H" --batch "$B" --chars "$N" --threads "$t" | field chars_per_s)
      best_ref=$(max "$r" "$best_ref")
    done
    for v in "${variants[@]}"; do
      for t in 1 2; do
        # OpenBLAS (linked for the ceiling) would start a thread that spins for some 60 ms beside ours.
        line=$(OPENBLAS_NUM_THREADS=1 "$BUILD"/bench/sample_bench --layers "$L" --hidden "$H" --batch "$B" \
               --chars "$N" --threads "$t" --kernel "${v%%:*}" --precision "${v#*:}")
        r=$(echo "$line" | field chars_per_s)
        [ "$v" = "${variants[0]}" ] && gf=$(max "$(echo "$line" | field gflops)" "$gf")
        ours[$v$t]=$(max "$r" "${ours[$v$t]:-0}")
      done
    done
  done
  row="| ${L} x ${H} | $B | $N | $best_ref |"
  fastest=0
  for v in "${variants[@]}"; do
    row+=" ${ours[${v}1]} | ${ours[${v}2]} |"
    fastest=$(max "$fastest" "$(max "${ours[${v}1]}" "${ours[${v}2]}")")
  done
  best_ours=$(max "${ours[${variants[0]}1]}" "${ours[${variants[0]}2]}")
  ratio=$(echo "$best_ours $best_ref" | awk '{printf "%.1fx", $1 / $2}')
  share=$(echo "$gf $ceiling" | awk '{printf "%.0f%%", 100 * $1 / $2}')
  share_native=$(echo "$gf $native" | awk '{printf "%.0f%%", 100 * $1 / $2}')
  tail=""; [ -n "$extra" ] && tail=" $(echo "$fastest $best_ref" | awk '{printf "%.1fx", $1 / $2}') |"
  echo "$row $ratio | $gf ($share) | $share_native |$tail"
  unset ours
done

echo
"$BUILD"/bench/sample_bench --layers 2 --hidden 256 --write-model "$tmp/small.ckpt"
"$BUILD"/bench/sample_bench --layers 3 --hidden 512 --write-model "$tmp/large.ckpt"
if command -v hyperfine >/dev/null; then
  for mode in "--no-strict" "--strict --rhythm jig --key D"; do
    hyperfine -N --warmup 3 --runs 20 --export-json "$tmp/h.json" \
      "$BUILD/abcrnn-sample generate --model $tmp/small.ckpt --num 1 --length 300 --seed 1 $mode" >/dev/null 2>&1
    echo "time to the first tune (2 x 256 random weights, up to 300 characters, $mode; process start to exit): $($PY -c "import json;r=json.load(open('$tmp/h.json'))['results'][0];print('mean %.1f ms +- %.1f, min %.1f ms' % (r['mean']*1e3, r['stddev']*1e3, r['min']*1e3))")"
  done
fi
for m in small large; do
  /usr/bin/time -v "$BUILD"/abcrnn-sample generate --model "$tmp/$m.ckpt" --num 64 --length 300 --no-strict >/dev/null 2>"$tmp/time.txt"
  echo "peak memory, $m model ($(stat -c %s "$tmp/$m.ckpt") bytes), --num 64: $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt") kB"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
