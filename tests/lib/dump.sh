#!/bin/sh
# dump.sh DB [TABLE...] - prints what ingest did (files, rejects) and the given
# tables, sorted, for case tests to diff.
db=$1
shift
sqlite3 -separator '|' "$db" "SELECT 'file', file, status, encoding, rows_read, rows_loaded, rows_rejected, coalesce(unknown_columns,'') FROM ingest_files WHERE status <> 'absent' ORDER BY seq;"
sqlite3 -separator '|' "$db" "SELECT 'reject', r.file, r.line, coalesce(r.col,''), r.reason FROM rejects r JOIN ingest_files f USING(file) ORDER BY f.seq, r.line;"
for t in "$@"; do
	sqlite3 -separator '|' "$db" "SELECT '$t', * FROM $t ORDER BY 2;"
done
