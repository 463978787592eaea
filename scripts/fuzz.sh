#!/usr/bin/env bash
# Builds the fuzz targets (fuzz/, clang with libFuzzer, AddressSanitizer and UBSan, in build-fuzz/)
# and runs each for a while from its seed corpus, two at a time (docs/reliability.md).
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]
#   SECONDS   how long each target runs (default 60; the test suite runs 20)
#   TARGET    the targets to run (default: all of them), e.g. query api
# Environment: FUZZ_JOBS (targets run at once, default: the number of cores).
#
# Each target grows a working corpus in build-fuzz/corpus/TARGET (kept between runs, seeded from
# the committed fuzz/corpus/TARGET) and uses fuzz/dict/TARGET.dict when there is one. A crash,
# leak, undefined behaviour or failed check leaves its input in build-fuzz/artifacts/ and makes
# the script fail; rerun that input with  build-fuzz/fuzz/fuzz_TARGET FILE . At the end a table
# gives each target's executions.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
if [ $# -gt 0 ] && [[ "$1" == -h || "$1" == --help ]]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi

scripts/install-deps.sh
if [ ! -f build-fuzz/build.ninja ]; then
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOPENUPR_FUZZ=ON -DOPENUPR_BUILD_TESTS=OFF \
    -DOPENUPR_BUILD_BENCH=OFF -DOPENUPR_BUILD_WEB=OFF >/dev/null
fi
targets=("$@")
if [ ${#targets[@]} -gt 0 ]; then
  cmake --build build-fuzz --target "${targets[@]/#/fuzz_}"
else
  cmake --build build-fuzz --target openupr_fuzzers
  for f in build-fuzz/fuzz/fuzz_*; do
    [ -x "$f" ] && targets+=("${f##*/fuzz_}")
  done
fi
jobs=${FUZZ_JOBS:-$(nproc)}
# The writers target writes a workbook per execution through temporary files: in memory when
# the machine has /dev/shm (three times as fast as /tmp).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
mkdir -p build-fuzz/artifacts build-fuzz/logs

run_one() {
  local t=$1
  local work=build-fuzz/corpus/$t
  mkdir -p "$work"
  local args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="build-fuzz/artifacts/$t-")
  [ -f "fuzz/dict/$t.dict" ] && args+=(-dict="fuzz/dict/$t.dict")
  local seeds=()
  [ -d "fuzz/corpus/$t" ] && seeds+=("fuzz/corpus/$t")
  if "build-fuzz/fuzz/fuzz_$t" "${args[@]}" "$work" "${seeds[@]}" \
      >"build-fuzz/logs/$t.log" 2>&1; then
    echo ok >"build-fuzz/logs/$t.result"
  else
    echo FAILED >"build-fuzz/logs/$t.result"
  fi
}

echo "Fuzzing ${targets[*]}: ${seconds} s each, $jobs at a time" >&2
running=0
for t in "${targets[@]}"; do
  if [ ! -x "build-fuzz/fuzz/fuzz_$t" ]; then
    echo "no fuzz target '$t' (built: $(cd build-fuzz/fuzz && ls fuzz_* | sed 's/fuzz_//' | tr '\n' ' '))" >&2
    exit 2
  fi
  rm -f "build-fuzz/logs/$t.result"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
total=0
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s corpus result
for t in "${targets[@]}"; do
  log=build-fuzz/logs/$t.log
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  corpus=$(find "build-fuzz/corpus/$t" -type f | wc -l)
  result=$(cat "build-fuzz/logs/$t.result" 2>/dev/null || echo FAILED)
  printf '%-14s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "$corpus" "$result"
  total=$((total + ${execs:-0}))
  if [ "$result" != ok ]; then
    failed=1
    echo "--- $t: the end of $log" >&2
    tail -40 "$log" >&2
  fi
done
echo "total executions: $total" >&2
if [ "$failed" -ne 0 ]; then
  echo "fuzzing found a problem: the input is in build-fuzz/artifacts/; rerun it with" \
       "build-fuzz/fuzz/fuzz_TARGET FILE, then make it a regression test in tests/" >&2
  exit 1
fi
