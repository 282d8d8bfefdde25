#!/usr/bin/env bash
# Installs every build and test dependency of abcrnn from Debian's packages (chromium, node and npm
# for the web page's browser test, iproute2 for the two-namespace training test).
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config
      libtorch-dev libgloo-dev libopenblas0-pthread libopenblas-dev
      libcli11-dev libspdlog-dev nlohmann-json3-dev libgtest-dev googletest libbenchmark-dev
      abcmidi abcm2ps fluidsynth libfluidsynth-dev fluid-soundfont-gm
      python3-torch python3-numpy clang libclang-rt-14-dev hyperfine
      libcpp-httplib-dev libsqlite3-dev chromium
      librsvg2-bin  # rsvg-convert: look at `abcrnn render` sheet music as PNG
      iproute2)  # ip: the distributed test joins two network namespaces
# node and npm for the page's abcjs and its browser test: Debian's, unless a node is installed.
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
