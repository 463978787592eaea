#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, runs every test with ctest.
# The real data is read from ../shared/data (or $OPENUPR_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)"
