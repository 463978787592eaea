#!/usr/bin/env bash
# "Ready to answer" side by side (issue 17, docs/benchmarks.md): the wall time from starting
# `openupr serve` on a database to its first 200 answer of a text search
# (/api/v1/recommendations?q=torture), and the server's peak RSS, with the engine's snapshot file
# (DB.engine) and without it (--no-snapshot: the index built from the database), and DuckDB
# (bench/duckdb/ready.mjs) loading the same rows from CSV and answering a first text query.
#
# Usage: scripts/bench-ready.sh --db DB [--runs 3] [--port 18500] [--bin build/src/cli/openupr]
#                               [--no-duckdb]
# A 1M database: build/bench/openupr-scale --from real.db --out 1m.db --records 1000000 --seed 42
# Needs curl; DuckDB needs node and `npm ci --prefix bench/duckdb` (skipped otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."

db= runs=3 port=18500 bin=build/src/cli/openupr duckdb=1
while [ $# -gt 0 ]; do
  case $1 in
    --db) db=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --no-duckdb) duckdb=0; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-ready: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$db" ] && [ -f "$db" ] || { echo "bench-ready: --db FILE: an OpenUPR database" >&2; exit 2; }
work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }

# One start of serve: prints "seconds peak_rss_kb cpu_seconds" (CPU: user + system time of the
# server until then, which a loaded machine does not inflate as it does the wall time).
ready_once() {
  local start end rss
  start=$(now)
  "$bin" --db "$db" serve --port "$port" --access-log none "$@" >"$work/out" 2>"$work/err" &
  server=$!
  until [ "$(curl -s -o /dev/null -w '%{http_code}' \
      "http://127.0.0.1:$port/api/v1/recommendations?q=torture" 2>/dev/null)" = 200 ]; do
    kill -0 "$server" 2>/dev/null || { cat "$work/err" >&2; exit 1; }
    sleep 0.01
  done
  end=$(now)
  rss=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$server/stat")
  kill "$server"
  wait "$server" 2>/dev/null || true  # waits for the snapshot writer, if one runs
  server=
  echo "$(echo "$end - $start" | bc) $rss $cpu"
}

# Median of the runs of one configuration (by wall time): "seconds peak_rss_kb cpu_seconds".
median() {
  sort -n | awk '{t[NR]=$1; r[NR]=$2; c[NR]=$3} END {m=int((NR+1)/2); print t[m], r[m], c[m]}'
}

echo "database: $db ($(du -h "$db" | cut -f1)); $runs runs each, median; $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
snapshot="$db.engine"
rm -f "$snapshot"
read -r build_s build_rss build_cpu < <(for _ in $(seq "$runs"); do ready_once --no-snapshot; done | median)
ready_once >/dev/null  # builds and writes the snapshot (the server waits for the writer)
[ -f "$snapshot" ] || { echo "bench-ready: no snapshot written" >&2; cat "$work/err" >&2; exit 1; }
read -r snap_s snap_rss snap_cpu < <(for _ in $(seq "$runs"); do ready_once; done | median)
grep -q "from $snapshot" "$work/err" || { echo "bench-ready: snapshot not used" >&2; exit 1; }

duck_s= duck_rss= duck_cpu=
if [ "$duckdb" = 1 ] && command -v node >/dev/null && [ -d bench/duckdb/node_modules ]; then
  # The rows the engine loads, exported once (not timed).
  sqlite3 -csv -header "$db" "SELECT id, uid, sur, session, cycle, response, action, sur_orgs,
    from_orgs, text FROM recommendation ORDER BY id" >"$work/recommendation.csv"
  sqlite3 -csv -header "$db" "SELECT recommendation_id, position, state, raw_name
    FROM recommending_state" >"$work/recommending_state.csv"
  sqlite3 -csv -header "$db" "SELECT recommendation_id, name AS theme FROM recommendation_theme
    JOIN theme ON theme.id = theme_id" >"$work/recommendation_theme.csv"
  read -r duck_s duck_rss duck_cpu < <(for _ in $(seq "$runs"); do
    start=$(now)
    /usr/bin/time -f "%U %S" -o "$work/time" node bench/duckdb/ready.mjs "$work" >"$work/duck"
    end=$(now)
    echo "$(echo "$end - $start" | bc)" \
      "$(sed 's/.*"max_rss_kb":\([0-9]*\).*/\1/' "$work/duck")" \
      "$(awk '{print $1 + $2}' "$work/time")"
  done | median)
fi

printf '\n| start | ready to answer (s) | CPU (s) | peak RSS (MB) | time / with snapshot |\n'
printf '|---|---:|---:|---:|---:|\n'
row() { printf '| %s | %.2f | %.2f | %.0f | %.1fx |\n' "$1" "$2" "$4" "$(echo "$3 / 1024" | bc -l)" \
  "$(echo "$2 / $snap_s" | bc -l)"; }
row "openupr serve, snapshot (DB.engine)" "$snap_s" "$snap_rss" "$snap_cpu"
row "openupr serve --no-snapshot (index built)" "$build_s" "$build_rss" "$build_cpu"
[ -n "$duck_s" ] && row "DuckDB: node + CSV load + first query" "$duck_s" "$duck_rss" "$duck_cpu"
echo
echo "snapshot file: $(du -h "$snapshot" | cut -f1)"
