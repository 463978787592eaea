#!/usr/bin/env bash
# HTTP throughput of `openupr serve` under wrk, end to end: installs what is missing (the build's
# packages and wrk), builds, imports the real UPR data into a temporary database, starts
# `openupr serve` on a free port of 127.0.0.1, runs wrk on a few representative URLs one after
# the other, checks that every response was 2xx and that no socket error occurred, stops the
# server (SIGTERM) and prints one line per URL. Deletes everything it made on exit, also on
# failure or Ctrl-C. Exit status 1 when a URL had errors.
#
# Usage: scripts/bench-http.sh [--duration S] [--connections C] [--wrk-threads T]
#                              [--server-threads N] [--backend engine|sql] [--no-access-log]
#                              [--only NAME] [--markdown] [--out FILE]
#   --duration S        seconds of load per URL (20)
#   --connections C     concurrent keep-alive connections (64)
#   --wrk-threads T     wrk's threads (2)
#   --server-threads N  `openupr serve --threads` (its default when not given)
#   --no-access-log     serve with --access-log none (default: the log goes to a file)
#   --only NAME         run only the URL of that name (search, record, aggregation, profile)
#   --out FILE          also append the result table to FILE
# The real data is read from ../shared/data (or $OPENUPR_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="${OPENUPR_DATA_DIR:-$(cd .. && pwd)/shared/data}"

DURATION=20 CONNECTIONS=64 WRK_THREADS=2 SERVER_THREADS="" BACKEND=engine ACCESS_LOG=1 ONLY=""
MARKDOWN=0 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --wrk-threads) WRK_THREADS="$2"; shift 2 ;;
    --server-threads) SERVER_THREADS="$2"; shift 2 ;;
    --backend) BACKEND="$2"; shift 2 ;;
    --no-access-log) ACCESS_LOG=0; shift ;;
    --only) ONLY="$2"; shift 2 ;;
    --markdown) MARKDOWN=1; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-http: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# --- Packages (wrk is for benchmarks only: not in install-deps.sh) ----------------------------
scripts/install-deps.sh
if ! command -v wrk >/dev/null 2>&1; then
  echo "Installing: wrk" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

# --- Build --------------------------------------------------------------------------------------
scripts/build.sh -j2 openupr >/dev/null
BIN=build/src/cli/openupr

# --- Work folder and server, cleaned up whatever happens ----------------------------------------
WORK=$(mktemp -d /tmp/openupr-bench-http.XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== Importing the real UPR data into $WORK/upr.db" >&2
"$BIN" --db "$WORK/upr.db" import "$DATA_DIR"/upr-info/sessions-*.csv >/dev/null

SERVE_ARGS=(--db "$WORK/upr.db" serve --host 127.0.0.1 --port 0 --backend "$BACKEND")
[ -n "$SERVER_THREADS" ] && SERVE_ARGS+=(--threads "$SERVER_THREADS")
if [ "$ACCESS_LOG" = 1 ]; then
  SERVE_ARGS+=(--access-log "$WORK/access.log")
else
  SERVE_ARGS+=(--access-log none)
fi
"$BIN" "${SERVE_ARGS[@]}" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 600); do  # up to 60 s for the index to build
  PORT=$(sed -n 's|.*http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$WORK/serve.out" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { echo "bench-http: the server did not start" >&2; exit 1; }
BASE="http://127.0.0.1:$PORT"
echo "== $(head -1 "$WORK/serve.err")" >&2
echo "== openupr serve (backend $BACKEND, threads ${SERVER_THREADS:-default}, access log" \
  "$([ "$ACCESS_LOG" = 1 ] && echo "to a file" || echo none)) on $BASE" >&2

# A record id that exists: the first hit of a search.
RECORD=$(curl -sf "$BASE/api/v1/recommendations?per_page=1&q=torture" |
  grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
RECORD=${RECORD:-1}

NAMES=(search record aggregation profile)
URLS=("/api/v1/recommendations?q=torture&facets=response,action,theme,region,cycle"
      "/api/v1/recommendations/$RECORD"
      "/api/v1/aggregations?by=theme,region,cycle"
      "/api/v1/states/CHN")

# --- The runs -----------------------------------------------------------------------------------
ROWS=()
FAILED=0
for i in "${!NAMES[@]}"; do
  name=${NAMES[$i]} url=${URLS[$i]}
  [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && continue
  curl -sf -o /dev/null "$BASE$url" || { echo "bench-http: $url does not answer 200" >&2; exit 1; }
  echo "== wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency $BASE$url" >&2
  wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$BASE$url" >"$WORK/wrk.out"
  cat "$WORK/wrk.out" >&2
  rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/wrk.out")
  total=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$WORK/wrk.out")
  non2xx=$(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$WORK/wrk.out")
  sockerr=$(sed -n 's/^ *Socket errors: *\(.*\)/\1/p' "$WORK/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")
  errors="none"
  if [ -n "$non2xx" ] || [ -n "$sockerr" ]; then
    errors="non-2xx ${non2xx:-0}; socket ${sockerr:-0}"
    FAILED=1
  fi
  ROWS+=("$name|$url|$total|$rps|$p50|$p99|$errors")
done

# --- Stop the server gracefully and report ------------------------------------------------------
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || { echo "bench-http: the server exited with status $?" >&2; FAILED=1; }
SERVER_PID=""

{
  echo
  echo "wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s; openupr serve --backend $BACKEND" \
    "--threads ${SERVER_THREADS:-default}, access log" \
    "$([ "$ACCESS_LOG" = 1 ] && echo "to a file" || echo none); $(nproc) cores"
  if [ "$MARKDOWN" = 1 ]; then
    echo
    echo "| URL | requests | req/s | p50 | p99 | errors |"
    echo "|---|---:|---:|---:|---:|---|"
    for row in "${ROWS[@]}"; do
      IFS='|' read -r name url total rps p50 p99 errors <<<"$row"
      echo "| \`$url\` | $total | $rps | $p50 | $p99 | $errors |"
    done
  else
    printf '%-12s %10s %10s %9s %9s  %s\n' name requests req/s p50 p99 errors
    for row in "${ROWS[@]}"; do
      IFS='|' read -r name url total rps p50 p99 errors <<<"$row"
      printf '%-12s %10s %10s %9s %9s  %s\n' "$name" "$total" "$rps" "$p50" "$p99" "$errors"
    done
  fi
} | if [ -n "$OUT" ]; then tee -a "$OUT"; else cat; fi
exit "$FAILED"
