#!/usr/bin/env bash
# The side-by-side query benchmark, end to end: installs what is missing (the build's packages,
# postgresql-15, libpq-dev, DuckDB's npm package in bench/duckdb with `npm ci`), builds, imports
# the real data (the UPR record and the Council's resolutions and votes) into a temporary OpenUPR
# database, optionally writes a synthetic one of N records (openupr-scale, the roll calls
# multiplied by --vote-copies), starts a throwaway PostgreSQL 15 cluster on 127.0.0.1 (a free
# port, trust authentication, removed afterwards), and runs openupr_side_by_side on each database.
# Stops the server and deletes everything it made on exit, also on failure or Ctrl-C.
#
# Usage: scripts/bench-side-by-side.sh [--scale N] [--vote-copies K] [--seed S] [--reps R]
#                                      [--budget SECONDS] [--only TEXT] [--markdown]
#                                      [--no-postgres] [--no-duckdb] [--out FILE]
#   --scale N        also benchmark a synthetic database of N recommendations (e.g. 1000000)
#   --vote-copies K  the synthetic database's roll calls: each K times, perturbed (default 10)
#   --out FILE       also append the result tables to FILE
# The real data is read from ../shared/data (or $OPENUPR_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DATA_DIR="${OPENUPR_DATA_DIR:-$(cd .. && pwd)/shared/data}"

SCALE=0 VOTE_COPIES=10 SEED=42 REPS=20 BUDGET=15 ONLY="" MARKDOWN="" POSTGRES=1 DUCKDB=1 OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) SCALE="$2"; shift 2 ;;
    --vote-copies) VOTE_COPIES="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --reps) REPS="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --markdown) MARKDOWN="--markdown"; shift ;;
    --no-postgres) POSTGRES=0; shift ;;
    --no-duckdb) DUCKDB=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-side-by-side: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

# --- Packages ---------------------------------------------------------------------------------
scripts/install-deps.sh
if [ "$POSTGRES" = 1 ]; then
  missing=()
  for p in postgresql-15 libpq-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}" >&2
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # The package's own cluster (port 5432) is not used: the runs get a throwaway one below.
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# DuckDB: its Node package (which ships the engine) as the lock file pins it.
BACKENDS="engine,sqlite,postgresql"
if [ "$DUCKDB" = 1 ]; then
  if command -v npm >/dev/null; then
    (cd bench/duckdb && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    BACKENDS="$BACKENDS,duckdb"
  else
    echo "npm is not installed: running without DuckDB" >&2
  fi
fi

# --- Build (reconfigured so that a newly installed libpq is found) -----------------------------
scripts/build.sh -j2 openupr >/dev/null
cmake -S . -B build >/dev/null
cmake --build build -j 2 --target openupr openupr-scale openupr_side_by_side >/dev/null

# --- Work folder, cleaned up whatever happens ---------------------------------------------------
WORK=$(mktemp -d /tmp/openupr-side-by-side.XXXXXX)
PGBIN=/usr/lib/postgresql/15/bin
PGDATA="$WORK/pg"
AS_PG=()  # how to run the server's commands: as root, through the unprivileged postgres user
PG_STARTED=0
cleanup() {
  if [ "$PG_STARTED" = 1 ]; then
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

BIN=build/src/cli/openupr
echo "== Importing the real UPR data and the Council's votes into $WORK/real.db" >&2
"$BIN" --db "$WORK/real.db" import "$DATA_DIR"/upr-info/sessions-*.csv \
  "$DATA_DIR"/hrc-votes/resolutions.csv "$DATA_DIR"/hrc-votes/votes_long.csv >/dev/null 2>&1
DBS=("$WORK/real.db")
if [ "$SCALE" -gt 0 ]; then
  echo "== Writing a synthetic database of $SCALE recommendations, roll calls x$VOTE_COPIES (seed $SEED)" >&2
  build/bench/openupr-scale --from "$WORK/real.db" --out "$WORK/scaled.db" --records "$SCALE" \
    --vote-copies "$VOTE_COPIES" --seed "$SEED" 2>&1 | grep -v '^writing' >&2
  DBS+=("$WORK/scaled.db")
fi

# --- A throwaway PostgreSQL cluster on 127.0.0.1 ------------------------------------------------
PG_CONN=""
if [ "$POSTGRES" = 1 ]; then
  if [ ! -x "$PGBIN/initdb" ]; then
    echo "PostgreSQL 15 is not installed ($PGBIN/initdb missing): running without it" >&2
  else
    if [ "$(id -u)" -eq 0 ]; then
      # The server refuses to run as root: the postgres user from the Debian package runs it.
      id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
      AS_PG=(runuser -u postgres --)
      chmod 711 "$WORK"
      mkdir -p "$PGDATA" && chown postgres "$PGDATA"
    fi
    PORT=""
    for p in $(seq 54329 54429); do
      if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
    done
    [ -n "$PORT" ] || { echo "no free port in 54329-54429" >&2; exit 1; }
    "${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDATA" -U openupr --auth=trust -E UTF8 \
      --locale=C.UTF-8 --no-sync >/dev/null
    # TCP on 127.0.0.1 only, no Unix socket; memory for a 24 GiB machine (see docs/benchmarks.md).
    cat >> "$PGDATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = ''
shared_buffers = 2GB
effective_cache_size = 8GB
work_mem = 64MB
maintenance_work_mem = 1GB
max_wal_size = 4GB
fsync = off
full_page_writes = off
EOF
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start >/dev/null
    PG_STARTED=1
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U openupr openupr
    PG_CONN="host=127.0.0.1 port=$PORT dbname=openupr user=openupr"
    echo "== PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT" >&2
  fi
fi

# --- The runs -----------------------------------------------------------------------------------
ARGS=(--reps "$REPS" --budget "$BUDGET" --backends "$BACKENDS" --duckdb "$ROOT/bench/duckdb")
[ -n "$ONLY" ] && ARGS+=(--only "$ONLY")
[ -n "$MARKDOWN" ] && ARGS+=("$MARKDOWN")
for db in "${DBS[@]}"; do
  echo >&2
  echo "== $(basename "$db")" >&2
  if [ -n "$OUT" ]; then
    OPENUPR_PG="$PG_CONN" build/bench/openupr_side_by_side --db "$db" "${ARGS[@]}" | tee -a "$OUT"
    echo >> "$OUT"
  else
    OPENUPR_PG="$PG_CONN" build/bench/openupr_side_by_side --db "$db" "${ARGS[@]}"
  fi
done
