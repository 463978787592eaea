#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds, imports the real UPR data
# (../shared/data/upr-info, or $OPENUPR_DATA_DIR/upr-info) into the default database, then prints
# a summary and an example search. Re-running it is safe: an already imported file is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA_DIR="${OPENUPR_DATA_DIR:-$(cd .. && pwd)/shared/data}"
scripts/install-deps.sh
scripts/build.sh openupr
BIN=build/src/cli/openupr
echo "== Importing the UPR Info export from $DATA_DIR/upr-info"
"$BIN" import "$DATA_DIR"/upr-info/sessions-*.csv "$DATA_DIR"/upr-info/voluntary-pledges.csv
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
echo "More: $BIN --help  (database: ${OPENUPR_DB:-default location, see docs/cli.md})"
