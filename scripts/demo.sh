#!/usr/bin/env bash
# The main job on a fresh machine: set up (Debian packages and the build), then print new tunes
# from the shipped model (models/default.ckpt). Extra arguments go to `abcrnn generate`.
#   scripts/demo.sh                       # three new tunes
#   scripts/demo.sh --rhythm jig --num 5  # five jigs
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
build=${BUILD_DIR:-$here/build}
if [ $# -eq 0 ]; then set -- --num 3 --seed 2026; fi
"$build/abcrnn" generate --model "$here/models/default.ckpt" "$@"
