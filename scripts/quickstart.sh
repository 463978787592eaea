#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds (with the web app), imports the
# real UPR data (../shared/data/upr-info, or $OPENUPR_DATA_DIR/upr-info) and the Council's votes
# (hrc-votes) into the default database,
# prints a summary and an example search, then serves the web app and the HTTP API on it at
# http://127.0.0.1:8080/ ($OPENUPR_PORT) until Ctrl-C; --no-serve stops after the search.
# Re-running it is safe: an already imported file is a no-op.
set -euo pipefail
SERVE=1
for arg in "$@"; do
  case "$arg" in
    --no-serve) SERVE=0 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "quickstart.sh: unknown option '$arg' (expected --no-serve)" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
DATA_DIR="${OPENUPR_DATA_DIR:-$(cd .. && pwd)/shared/data}"
scripts/install-deps.sh
scripts/build.sh openupr
BIN=build/src/cli/openupr
echo "== Importing the UPR Info export from $DATA_DIR/upr-info"
"$BIN" import "$DATA_DIR"/upr-info/sessions-*.csv "$DATA_DIR"/upr-info/voluntary-pledges.csv
if [ -f "$DATA_DIR/hrc-votes/resolutions.csv" ]; then
  echo
  echo "== Importing the Council's resolutions and roll-call votes from $DATA_DIR/hrc-votes"
  "$BIN" import "$DATA_DIR"/hrc-votes/resolutions.csv "$DATA_DIR"/hrc-votes/votes_long.csv
fi
echo
echo "== The database"
"$BIN" info
echo
echo "== Recommendations and supported share by cycle and regional group of the state under review"
"$BIN" stats --by cycle,region --sort key
echo
echo "== Example search: openupr search '\"death penalty\" abolish*' --from-region weog --limit 3"
"$BIN" search '"death penalty" abolish*' --from-region weog --limit 3
echo
if [ -f "$DATA_DIR/hrc-votes/resolutions.csv" ]; then
  echo
  echo "== Is the review softer on friends? openupr politicization leniency"
  "$BIN" politicization leniency
fi
echo
echo "== Training the classifier (themes, action category, SDG goals; docs/classify.md): openupr classify train"
SDG_TARGETS=()
[ -f "$DATA_DIR/sdg/en/global_targets.yml" ] && SDG_TARGETS=(--sdg-targets "$DATA_DIR/sdg/en/global_targets.yml")
"$BIN" classify train "${SDG_TARGETS[@]}"
echo
echo "More: $BIN --help  (database: ${OPENUPR_DB:-default location, see docs/cli.md})"
if [ "$SERVE" = 1 ]; then
  PORT="${OPENUPR_PORT:-8080}"
  echo
  echo "== Starting the web app and the HTTP API"
  echo "Open http://127.0.0.1:$PORT/"
  echo "   (the web app: search, map, state profiles, explore, compare; docs/web.md)"
  echo "   API: curl 'http://127.0.0.1:$PORT/api/v1/recommendations?q=torture&sur=CHN&facets=response,theme&per_page=3'"
  echo "   (Ctrl-C stops it; docs/api.md lists every endpoint)"
  exec "$BIN" serve --port "$PORT"
fi
