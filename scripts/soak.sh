#!/usr/bin/env bash
# Soak test of `openupr serve` (issue 13): a mixed load for a given time against a synthetic
# database of 1M records on 127.0.0.1, with many idle connections held open, while the server's
# memory is sampled. Installs what is missing (install-deps.sh: the build's packages and wrk),
# builds, writes the database with openupr-scale (cached: reused on the next run), starts
# `openupr serve` on a free port of 127.0.0.1, then:
#   1. baseline: the load alone (wrk, scripts/soak.lua) for --baseline seconds;
#   2. soak: the same load for --duration seconds while scripts/soak-idle.py holds --idle
#      connections open that send nothing (reopened as soon as the server closes them).
# Throughout, a probe times one request on a new connection every second (curl, GET /api/v1,
# the list of endpoints, answered in well under a millisecond: what a new visitor waits for),
# and the server's RSS (/proc/PID/status) is sampled every 10 s.
# Stops the server with SIGTERM and prints the RSS series, the memory verdict, statuses and
# socket errors per kind of request, latency percentiles and requests/s per phase.
#
# Memory: the reference is the first sample at or after --warmup seconds into the soak; growth
# is the last sample against it. Exit status 1 when the memory grew 5% or more, any response was
# a 5xx, any status was not the expected one (2xx for the valid requests, the exact 4xx for the
# malformed ones), wrk had socket errors or timeouts, a probe failed, or the server did not
# stop cleanly.
#
# Usage: scripts/soak.sh [--duration S] [--baseline S] [--warmup S] [--connections C]
#                        [--idle N] [--records N] [--db FILE] [--build-dir DIR] [--no-build]
#                        [--server-threads N] [--keep-logs DIR]
#   --duration S        seconds of the soak, with the idle connections (600)
#   --baseline S        seconds of the load without idle connections, before the soak (60; 0: none)
#   --warmup S          seconds at the start of the soak left out of the memory verdict (60)
#   --connections C     wrk's connections, one per wrk thread (16)
#   --idle N            idle connections held open during the soak (300; 0: none)
#   --records N         recommendations in the synthetic database (1000000)
#   --db FILE           the database to serve, written with openupr-scale when missing
#                       (default: BUILD_DIR/soak-N.db, kept for the next run)
#   --build-dir DIR     the build folder ($OPENUPR_BUILD_DIR, else build/ via scripts/build.sh)
#   --no-build          use the binaries of the build folder as they are
#   --server-threads N  `openupr serve --threads` (its default, 64, when not given)
#   --keep-logs DIR     copy the logs (wrk, access log, samples, probes) to DIR at the end
# The real data (for openupr-scale to resample) is read from ../shared/data ($OPENUPR_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="${OPENUPR_DATA_DIR:-$(cd .. && pwd)/shared/data}"

DURATION=600 BASELINE=60 WARMUP=60 CONNECTIONS=16 IDLE=300 RECORDS=1000000 DB=""
BUILD_DIR="${OPENUPR_BUILD_DIR:-build}" BUILD=1 SERVER_THREADS="" KEEP_LOGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --baseline) BASELINE="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --idle) IDLE="$2"; shift 2 ;;
    --records) RECORDS="$2"; shift 2 ;;
    --db) DB="$2"; shift 2 ;;
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --server-threads) SERVER_THREADS="$2"; shift 2 ;;
    --keep-logs) KEEP_LOGS="$2"; shift 2 ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) echo "soak: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
BUILD_DIR="${BUILD_DIR%/}"
DB="${DB:-$BUILD_DIR/soak-$RECORDS.db}"

# --- Packages and build -------------------------------------------------------------------------
scripts/install-deps.sh
if [ "$BUILD" = 1 ]; then
  if [ "$BUILD_DIR" = build ]; then
    scripts/build.sh -j2 openupr openupr-scale >/dev/null
  else
    cmake --build "$BUILD_DIR" -j 2 --target openupr openupr-scale >/dev/null
  fi
fi
BIN="$BUILD_DIR/src/cli/openupr"
SCALE="$BUILD_DIR/bench/openupr-scale"
[ -x "$BIN" ] || { echo "soak: $BIN not found (build it or give --build-dir)" >&2; exit 1; }

# --- Work folder and background processes, cleaned up whatever happens -------------------------
WORK=$(mktemp -d /tmp/openupr-soak.XXXXXX)
SERVER_PID="" SAMPLER_PID="" IDLE_PID="" PROBE_PID=""
cleanup() {
  for pid in "$IDLE_PID" "$PROBE_PID" "$SAMPLER_PID"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ -n "$KEEP_LOGS" ]; then mkdir -p "$KEEP_LOGS" && cp "$WORK"/*.* "$KEEP_LOGS"/ 2>/dev/null; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- The database: N synthetic records resampled from the real ones, made once ---------------
if [ ! -f "$DB" ]; then
  [ -x "$SCALE" ] || { echo "soak: $SCALE not found (build openupr-scale)" >&2; exit 1; }
  echo "== Writing $DB: $RECORDS synthetic records (openupr-scale, seed 42; once, then reused)" >&2
  "$BIN" --db "$WORK/real.db" import "$DATA_DIR"/upr-info/sessions-*.csv >/dev/null
  mkdir -p "$(dirname "$DB")"
  "$SCALE" --from "$WORK/real.db" --out "$DB.partial" --records "$RECORDS" --seed 42 --force \
    2>&1 | grep -v '^writing' >&2
  mv "$DB.partial" "$DB"
fi

# --- The server ---------------------------------------------------------------------------------
SERVE_ARGS=(--db "$DB" serve --host 127.0.0.1 --port 0 --access-log "$WORK/access.log")
[ -n "$SERVER_THREADS" ] && SERVE_ARGS+=(--threads "$SERVER_THREADS")
START=$(date +%s)
"$BIN" "${SERVE_ARGS[@]}" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 3000); do  # up to 5 min for the engine to index 1M texts
  PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/serve.out" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "soak: the server did not start" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
echo "== openupr serve on $BASE: $DB, started in $(( $(date +%s) - START )) s," \
  "threads ${SERVER_THREADS:-64 (default)}" >&2

# RSS every 10 s for as long as the server runs: "epoch phase rss_kB threads".
echo starting >"$WORK/phase"
(
  while kill -0 "$SERVER_PID" 2>/dev/null; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null) || break
    nthreads=$(awk '/^Threads:/ {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null) || break
    echo "$(date +%s) $(cat "$WORK/phase") $rss $nthreads" >>"$WORK/rss.txt"
    sleep 10
  done
) &
SAMPLER_PID=$!

# One request on a new connection every second until the given epoch: "epoch status seconds".
probe() {
  local until=$1 out=$2
  while [ "$(date +%s)" -lt "$until" ]; do
    curl -s -o /dev/null --max-time 60 -w "$(date +%s) %{http_code} %{time_total}\n" \
      "$BASE/api/v1" >>"$out" || true
    sleep 1
  done
}

# wrk with the mixed load for $1 seconds, report in wrk-$2.out.
load() {
  local seconds=$1 phase=$2
  echo "$phase" >"$WORK/phase"
  probe $(( $(date +%s) + seconds )) "$WORK/probe-$phase.txt" &
  PROBE_PID=$!
  echo "== $phase: wrk -t$CONNECTIONS -c$CONNECTIONS -d${seconds}s --timeout 60s" \
    "-s scripts/soak.lua $BASE -- $RECORDS" >&2
  wrk -t"$CONNECTIONS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 60s -s scripts/soak.lua \
    "$BASE" -- "$RECORDS" >"$WORK/wrk-$phase.out" 2>&1 || true
  wait "$PROBE_PID" || true
  PROBE_PID=""
}

PHASES=()
if [ "$BASELINE" -gt 0 ]; then
  load "$BASELINE" baseline
  PHASES+=(baseline)
fi
SOAK_START=$(date +%s)
if [ "$IDLE" -gt 0 ]; then
  echo "== soak: $IDLE idle connections held open (scripts/soak-idle.py)" >&2
  python3 scripts/soak-idle.py --port "$PORT" --connections "$IDLE" \
    --duration $(( DURATION + 5 )) >"$WORK/idle.out" &
  IDLE_PID=$!
fi
load "$DURATION" soak
PHASES+=(soak)
if [ -n "$IDLE_PID" ]; then
  kill -TERM "$IDLE_PID" 2>/dev/null || true
  wait "$IDLE_PID" || true
  IDLE_PID=""
fi
echo stopping >"$WORK/phase"

# --- Stop the server gracefully ------------------------------------------------------------------
FAILED=0
HWM=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
kill -TERM "$SERVER_PID"
if ! wait "$SERVER_PID"; then
  echo "soak: the server exited with status $? on SIGTERM" >&2
  FAILED=1
fi
SERVER_PID=""
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

# --- Report ----------------------------------------------------------------------------------------
# Percentiles of column $2 of file $1 (values in seconds), printed in ms: "p50 p90 p99 max n".
percentiles() {
  sort -g -k"$2,$2" "$1" | awk -v c="$2" '
    { v[NR] = $c }
    END {
      if (NR == 0) { print "- - - - 0"; exit }
      n = NR
      printf "%.1f %.1f %.1f %.1f %d\n", v[int(n*0.50 + 0.999)] * 1000, v[int(n*0.90 + 0.999)] * 1000,
        v[int(n*0.99 + 0.999)] * 1000, v[n] * 1000, n
    }'
}

echo
echo "Soak of openupr serve: $DB ($RECORDS records), wrk -c$CONNECTIONS (one per thread)," \
  "baseline ${BASELINE} s, soak ${DURATION} s with $IDLE idle connections," \
  "server threads ${SERVER_THREADS:-64}, $(nproc) cores"

echo
echo "Server RSS every 10 s (MiB; t = seconds from the start of the soak):"
awk -v s="$SOAK_START" '$2 != "starting" && $2 != "stopping" {
  printf "  t=%5d  %-8s %8.1f MiB  %d threads\n", $1 - s, $2, $3 / 1024, $4 }' "$WORK/rss.txt"
read -r REF_T REF LAST_T LAST PEAK < <(awk -v s="$SOAK_START" -v w="$WARMUP" '
  $2 == "soak" && $1 - s >= w { if (ref == "") { ref = $3; rt = $1 - s } last = $3; lt = $1 - s
                                if ($3 > peak) peak = $3 }
  END { print (rt == "" ? -1 : rt), (ref == "" ? 0 : ref), (lt == "" ? -1 : lt), (last == "" ? 0 : last), peak + 0 }' \
  "$WORK/rss.txt")
if [ "$REF" -gt 0 ]; then
  GROWTH=$(awk -v a="$REF" -v b="$LAST" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
  PEAK_GROWTH=$(awk -v a="$REF" -v b="$PEAK" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
  if awk -v g="$GROWTH" 'BEGIN { exit !(g < 5) }'; then VERDICT="flat"; else VERDICT="GREW"; FAILED=1; fi
  echo "Memory: $VERDICT: $(( REF / 1024 )) MiB at t=$REF_T s (after the ${WARMUP} s warm-up)," \
    "$(( LAST / 1024 )) MiB at t=$LAST_T s: ${GROWTH}% (limit 5%); peak after warm-up" \
    "$(( PEAK / 1024 )) MiB (${PEAK_GROWTH}%); high-water mark $(( ${HWM:-0} / 1024 )) MiB"
else
  echo "Memory: no sample after the warm-up (soak shorter than --warmup?)"
  FAILED=1
fi
[ -f "$WORK/idle.out" ] && echo "Idle connections: $(sed 's/^idle: //' "$WORK/idle.out")"

for phase in "${PHASES[@]}"; do
  out="$WORK/wrk-$phase.out"
  echo
  echo "== $phase"
  if ! grep -q '^soak: total' "$out"; then
    echo "wrk failed:"; cat "$out"; FAILED=1; continue
  fi
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$out")
  read -r p50 p90 p99 pmax < <(sed -n 's/^soak: latency_ms n=[0-9]* p50=\([0-9.]*\) p90=\([0-9.]*\) p99=\([0-9.]*\) max=\([0-9.]*\)$/\1 \2 \3 \4/p' "$out")
  total=$(sed -n 's/^soak: total requests=\([0-9]*\).*/\1/p' "$out")
  # Percentiles from soak.lua's own clock (buckets 5% wide: each figure is within 5% above).
  echo "requests $total, $rps req/s; latency p50 $p50 ms, p90 $p90 ms, p99 $p99 ms, max $pmax ms"
  # "in flight": sent, but the run ended before the answer came; "slow": answered in 1 s or more.
  printf '%-13s %9s %9s %5s %7s %5s %10s %9s %7s %9s\n' kind requests 2xx 3xx 4xx 5xx \
    unexpected 'in flight' slow 'max ms'
  bad=0
  while read -r kind sent s2 s3 s4 s5 unexpected slow max_ms; do
    printf '%-13s %9s %9s %5s %7s %5s %10s %9s %7s %9s\n' "$kind" "$sent" "$s2" "$s3" "$s4" \
      "$s5" "$unexpected" $(( sent - s2 - s3 - s4 - s5 )) "$slow" "$max_ms"
    bad=$(( bad + s5 + unexpected ))
  done < <(sed -n 's/^soak: \([a-z-]*\)\(\( [0-9]*\)\{8\}\)$/\1\2/p' "$out")
  [ "$bad" -gt 0 ] && { echo "5xx or unexpected statuses: $bad"; FAILED=1; }
  sed -n 's/^soak: example /  unexpected: /p' "$out"
  sock=$(sed -n 's/^soak: socket //p' "$out")
  echo "socket errors: $sock"
  echo "$sock" | grep -q '=[1-9]' && FAILED=1
  if [ -s "$WORK/probe-$phase.txt" ]; then
    read -r q50 q90 q99 qmax qn < <(percentiles "$WORK/probe-$phase.txt" 3)
    qbad=$(awk '$2 != 200' "$WORK/probe-$phase.txt" | wc -l)
    echo "probe (GET /api/v1 on a new connection, every second): $qn requests, $qbad failed;" \
      "p50 $q50 ms, p90 $q90 ms, p99 $q99 ms, max $qmax ms"
    [ "$qbad" -gt 0 ] && FAILED=1
  fi
done

# Server-side time per endpoint, from the access log (2xx and 4xx together).
echo
echo "Server time per endpoint (access log; all phases):"
python3 - "$WORK/access.log" <<'EOF'
import re, sys
from collections import defaultdict
times = defaultdict(list)
line_re = re.compile(r'"(\S+) (\S+)[^"]*" (\d+) \d+ (\d+)us')
for line in open(sys.argv[1], errors="replace"):
    m = line_re.search(line)
    if not m:
        continue
    path = m.group(2).split("?")[0]
    path = re.sub(r"^/api/v1/recommendations/.*", "/api/v1/recommendations/{id}", path)
    path = re.sub(r"^/api/v1/states/.+", "/api/v1/states/{iso3}", path)
    if not path.startswith("/api/v1/") or path.count("/") > 4:
        path = "(other)"
    times[(path, m.group(3)[0] + "xx")].append(int(m.group(4)))
print(f"  {'endpoint':32} {'status':>6} {'count':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
for (path, status), t in sorted(times.items()):
    t.sort()
    q = lambda p: t[min(len(t) - 1, int(len(t) * p))] / 1000
    print(f"  {path:32} {status:>6} {len(t):9} {q(.5):8.2f} {q(.99):8.2f} {t[-1] / 1000:8.2f}")
EOF

echo
if [ "$FAILED" = 0 ]; then echo "soak: passed"; else echo "soak: FAILED (see above)"; fi
exit "$FAILED"
