#!/usr/bin/env bash
# Side-by-side import timing of two openupr binaries, e.g. main and a branch, or this build and the
# build of an older commit. On a shared machine the same binary's timings move by a third within
# minutes, so the two are run in turn (A B, B A, A B, ...), each a fresh `openupr -q import` of the
# four real session files into a new database file, and compared on min, median and max of the
# wall time, and on the median of the pairs' differences. Deletes its temporary folder on exit.
#
# Usage: scripts/bench-import-ab.sh BINARY_A BINARY_B [RUNS]
#   RUNS   imports per binary (11)
# The real data is read from ../shared/data (or $OPENUPR_DATA_DIR).
# To build an older commit beside this one:
#   git worktree add /tmp/old <commit> && cmake -S /tmp/old -B /tmp/old/build -G Ninja \
#     -DCMAKE_BUILD_TYPE=Release -DOPENUPR_BUILD_WEB=OFF -DOPENUPR_BUILD_TESTS=OFF \
#     && cmake --build /tmp/old/build --target openupr
set -euo pipefail
if [ $# -lt 2 ] || [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
  sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 2 ] && [ "${1:-}" != "--help" ] && [ "${1:-}" != "-h" ] && exit 2
  exit 0
fi
cd "$(dirname "$0")/.."
a=$(realpath "$1")
b=$(realpath "$2")
runs=${3:-11}
data=${OPENUPR_DATA_DIR:-../shared/data}
for bin in "$a" "$b"; do
  [ -x "$bin" ] || { echo "error: $bin is not an executable" >&2; exit 2; }
done
files=("$data"/upr-info/sessions-*.csv)
[ -f "${files[0]}" ] || { echo "error: no session files in $data/upr-info" >&2; exit 2; }
bytes=$(cat "${files[@]}" | wc -c)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

times_a=()
times_b=()
for ((i = 1; i <= runs; i++)); do
  order="a b"
  ((i % 2 == 0)) && order="b a"  # each goes first half of the time
  for which in $order; do
    bin=$a
    [ "$which" = b ] && bin=$b
    rm -f "$tmp"/db*
    start=${EPOCHREALTIME/[.,]/}  # microseconds, from bash itself (no process to read a clock)
    "$bin" -q --db "$tmp/db" import "${files[@]}" >/dev/null
    end=${EPOCHREALTIME/[.,]/}
    us=$((10#$end - 10#$start))
    if [ "$which" = a ]; then times_a+=("$us"); else times_b+=("$us"); fi
  done
  printf '\r%d/%d' "$i" "$runs" >&2
done
printf '\r' >&2

summary() {
  printf '%s\n' "$@" | sort -n | awk -v bytes="$bytes" '
    { t[NR] = $1 }
    END {
      med = t[int((NR + 1) / 2)]
      printf "min %6.1f ms  median %6.1f ms  max %6.1f ms  (median %.1f MB/s)",
             t[1] / 1000, med / 1000, t[NR] / 1000, bytes / med
    }'
}
echo "A $(summary "${times_a[@]}")  $a"
echo "B $(summary "${times_b[@]}")  $b"
# The runs paired by round (each pair ran within a second): B - A, less exposed to the drift.
for ((i = 0; i < runs; i++)); do echo $((times_b[i] - times_a[i])); done | sort -n | awk '
  { d[NR] = $1; if ($1 < 0) faster++ }
  END { printf "B - A paired: median %+.1f ms, B faster in %d of %d pairs\n",
               d[int((NR + 1) / 2)] / 1000, faster, NR }'

