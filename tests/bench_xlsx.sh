#!/bin/sh
# bench_xlsx.sh - workbooks: kaoping ingest of 1,000,000 city events written
# as one .xlsx sheet (libxlsxwriter, constant-memory mode, as kpbook --big)
# against the same rows as CSV, and against Debian's xlsx2csv merely
# converting that workbook (target: kaoping reads it, fully checked, at
# least 5x faster than xlsx2csv converts it). Then the workbooks kaoping
# writes from the city results (every table: kaoping.xlsx, the internal copy,
# each street's part) timed by build/kpbookbench apart from the model, as a
# ratio to the ingest of all city files (target <= 1.0), with peak RSS. Peak
# RSS from GNU time. Run by tests/bench.sh, or alone: sh tests/bench_xlsx.sh
# (needs build/city, build/kpbook, build/kpbookbench).
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

# BENCH_XLSX_ROWS=0 leaves this part out (the workbooks written only).
if [ "$N" -gt 0 ]; then
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
fi

# ---- the workbooks kaoping writes ------------------------------------------------
echo
echo "workbooks written: the city results, every table"
if [ -z "${T_kaoping_ingest_all:-}" ]; then # alone: bench.sh has done these
	measure kaoping_ingest_all "$KP" ingest --input "$CITY" --db "$W/city.db"
	measure kaoping_score "$KP" score --db "$W/city.db"
fi
mkdir -p "$W/books"
measure kpbookbench "$ROOT/build/kpbookbench" "$W/city.db" "$W/books"
echo "  $(cat "$W/kpbookbench.out")"
# "model S s, workbooks S s, street parts S s, peak RSS after model K KiB, after workbooks K KiB, rows R"
set -- $(tr -d ',' <"$W/kpbookbench.out")
T_books=$(awk "BEGIN{print $5 + $9}")
echo "  kaoping.xlsx $(du -k "$W/books/kaoping.xlsx" | cut -f1) KiB, internal copy $(du -k "$W/books/kaoping-internal.xlsx" | cut -f1) KiB, $(ls "$W"/books/street-*.xlsx | wc -l) street parts"
echo "  workbooks (all, street parts too) / ingest (all files) = $(ratio "$T_books" "$T_kaoping_ingest_all")  (target <= 1.0; $T_books s vs $T_kaoping_ingest_all s; peak RSS $((${15} / 1024)) MiB after the model, $((${19} / 1024)) MiB after the workbooks)"
# The rows read back against the CSV files kpbookbench wrote (a check, not a figure).
python3 "$ROOT/tests/lib/xlsx_check.py" "$W/books/kaoping-internal.xlsx" "$W/books/csv" >"$W/books.check" ||
	{ echo "bench: the city workbook differs from its CSV:" >&2; grep '^  ' "$W/books.check" | head >&2; exit 1; }
echo "  read back: $(grep -c ' rows equal' "$W/books.check") sheets equal to their CSV"
