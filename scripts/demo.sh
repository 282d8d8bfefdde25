#!/usr/bin/env bash
# The main job on a fresh machine: set up (dependencies and build), then print new tunes.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh"
build=${BUILD_DIR:-$here/build}
"$build/abcrnn" --version
