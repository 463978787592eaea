#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing (DuckDB's npm package for the benchmark
# peers' test too), builds, runs every test with ctest, then
# builds the fuzz targets and runs each for 20 s (scripts/fuzz.sh; two at a time, about two
# minutes once built) so that a parser that regresses on hostile input fails the suite.
# The real data is read from ../shared/data (or $OPENUPR_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
# DuckDB, the side-by-side runner's strongest peer (npm @duckdb/node-api ships its engine), so
# that tests/bench_backends_test.cpp checks its SQL against naive loops here too.
(cd bench/duckdb && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
(cd build && ctest --output-on-failure -j "$(nproc)")
scripts/fuzz.sh 20
