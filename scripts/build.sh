#!/usr/bin/env bash
# Configures (once) and builds OpenUPR in build/ (Release). Usage: scripts/build.sh [targets...]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f build/build.ninja ]; then
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build -- "$@"
