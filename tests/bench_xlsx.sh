#!/bin/sh
# bench_xlsx.sh - workbooks: kaoping ingest of 1,000,000 city events written
# as one .xlsx sheet (libxlsxwriter, constant-memory mode, as kpbook --big)
# against the same rows as CSV, and against Debian's xlsx2csv merely
# converting that workbook (target: kaoping reads it, fully checked, at
# least 5x faster than xlsx2csv converts it). Peak RSS from GNU time. Run by
# tests/bench.sh, or alone: sh tests/bench_xlsx.sh (needs build/city).
set -eu
if [ -z "${BENCH_SOURCED:-}" ]; then
	ROOT=$(cd "$(dirname "$0")/.." && pwd)
	KP="$ROOT/build/kaoping"
	CITY="$ROOT/build/city"
	W=$(mktemp -d "${TMPDIR:-/tmp}/kaoping-bench.XXXXXX")
	trap 'rm -rf "$W"' EXIT
	. "$ROOT/tests/lib/measure.sh"
fi
N=${BENCH_XLSX_ROWS:-1000000}

echo
echo "workbooks: $N events as .xlsx"
mkdir -p "$W/xc" "$W/xx"
head -n $((N + 1)) "$CITY/events.csv" >"$W/xc/events.csv"
# Copies: ingest refuses a symbolic link out of its input folder.
for f in units.csv people.csv; do
	cp "$CITY/$f" "$W/xc/$f"
	cp "$CITY/$f" "$W/xx/$f"
done
measure kpbook_write "$ROOT/build/kpbook" --big "$W/xx/events.xlsx" "events=$W/xc/events.csv"
echo "  events.xlsx $(du -m "$W/xx/events.xlsx" | cut -f1) MiB, events.csv $(du -m "$W/xc/events.csv" | cut -f1) MiB"
measure kaoping_ingest_csv "$KP" ingest --input "$W/xc" --db "$W/xc.db"
measure kaoping_ingest_xlsx "$KP" ingest --input "$W/xx" --db "$W/xx.db"
measure xlsx2csv_convert xlsx2csv "$W/xx/events.xlsx" "$W/x2c.csv"
# The same rows loaded either way (a check, not a figure).
a=$(sqlite3 "$W/xc.db" "SELECT count(*) FROM events")
b=$(sqlite3 "$W/xx.db" "SELECT count(*) FROM events")
[ "$a" = "$b" ] || { echo "bench: $a events from CSV, $b from the workbook" >&2; exit 1; }
echo "  ingest .xlsx / same rows as CSV      = $(ratio "$T_kaoping_ingest_xlsx" "$T_kaoping_ingest_csv")  (peak RSS $((R_kaoping_ingest_xlsx / 1024)) MiB vs $((R_kaoping_ingest_csv / 1024)) MiB)"
echo "  ingest .xlsx / xlsx2csv converting   = $(ratio "$T_kaoping_ingest_xlsx" "$T_xlsx2csv_convert")  (target <= 0.2; xlsx2csv peak RSS $((R_xlsx2csv_convert / 1024)) MiB)"
