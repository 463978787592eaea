#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, runs every test with ctest, then
# builds the fuzz targets and runs each for 20 s (scripts/fuzz.sh; two at a time, about two
# minutes once built) so that a parser that regresses on hostile input fails the suite.
# The real data is read from ../shared/data (or $OPENUPR_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)")
scripts/fuzz.sh 20
