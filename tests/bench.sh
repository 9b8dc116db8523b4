#!/bin/sh
# bench.sh - speed as ratios against baselines run in the same command, on the
# city data (Kaifeng's volume: 3,858 grids, ~4.64 million events a year).
#   ingest   : kaoping ingest (units, people, events) vs sqlite3 .import of
#              events.csv into a table with the same primary key
#   score    : kaoping score vs that ingest (target <= 0.5)
#   render   : kaoping render vs that ingest (target <= 1.0)
#   run      : the whole pipeline on all city files vs the .import (target <= 2.0)
#   xlsx     : 1,000,000 events as .xlsx vs the same as CSV, and vs xlsx2csv
#              converting the workbook; the workbooks of the city results
#              (every table, street parts) vs that ingest (target <= 1.0)
#              (tests/bench_xlsx.sh)
# Peak RSS comes from GNU time. Everything runs on the optimised build.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KP="$ROOT/build/kaoping"
CITY="$ROOT/build/city"
W=$(mktemp -d "${TMPDIR:-/tmp}/kaoping-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

. "$ROOT/tests/lib/measure.sh"

rows=$(($(wc -l <"$CITY/events.csv") - 1))
size=$(du -m "$CITY/events.csv" | cut -f1)
echo "city data: events.csv $rows rows, $size MiB"

# Baseline: the sqlite3 shell importing the same file, same primary key.
cat >"$W/import.sql" <<SQL
CREATE TABLE events(id TEXT PRIMARY KEY, grid TEXT, category TEXT, source TEXT,
  reported_at TEXT, closed_at TEXT, level TEXT, reporter TEXT, satisfaction INTEGER);
.import --csv --skip 1 $CITY/events.csv events
SQL
measure sqlite3_import sqlite3 "$W/import.db" ".read $W/import.sql"

mkdir -p "$W/ev"
# Hard links or copies: ingest refuses a symbolic link out of its folder.
for f in units.csv people.csv events.csv; do ln "$CITY/$f" "$W/ev/$f" 2>/dev/null || cp "$CITY/$f" "$W/ev/$f"; done
measure kaoping_ingest_events "$KP" ingest --input "$W/ev" --db "$W/ev.db"
measure kaoping_ingest_all "$KP" ingest --input "$CITY" --db "$W/city.db"
measure kaoping_score "$KP" score --db "$W/city.db"
measure kaoping_render "$KP" render --db "$W/city.db" --output "$W/out"
measure kaoping_run "$KP" run --input "$CITY" --output "$W/run"

echo
echo "ratios (lower is faster):"
echo "  ingest events / sqlite3 .import      = $(ratio "$T_kaoping_ingest_events" "$T_sqlite3_import")  (target <= 1.0; peak RSS $((R_kaoping_ingest_events / 1024)) MiB, target <= 128)"
echo "  score / ingest (all files)           = $(ratio "$T_kaoping_score" "$T_kaoping_ingest_all")  (target <= 0.5)"
echo "  render / ingest (all files)          = $(ratio "$T_kaoping_render" "$T_kaoping_ingest_all")  (target <= 1.0)"
echo "  whole run / sqlite3 .import (events) = $(ratio "$T_kaoping_run" "$T_sqlite3_import")  (target <= 2.0; peak RSS $((R_kaoping_run / 1024)) MiB)"

# ---- workbooks (.xlsx) ---------------------------------------------------------
BENCH_SOURCED=1
. "$ROOT/tests/bench_xlsx.sh"

# ---- PDF documents (report.c) ------------------------------------------------
# The briefing alone (county), all community report cards (city) against the
# ingest, and headless Chromium printing the same cards: tests/bench_pdf.sh.
BENCH_SOURCED=1
. "$ROOT/tests/bench_pdf.sh"
