# Same input, byte-identical outputs: two runs of the whole pipeline on the
# county sample into different folders give the same CSV, HTML, SVG, PNG and
# PDF bytes (the SQLite database itself is not an output and is left out).
set -eu
"$KAOPING_FAST" run --quiet --input samples/county --output "$TMP/a" 2>"$TMP/a.err"
"$KAOPING_FAST" run --quiet --input samples/county --output "$TMP/b" 2>"$TMP/b.err"
n=$(cd "$TMP/a" && find . -type f ! -name kaoping.db | wc -l)
[ "$n" -gt 20 ] || { echo "only $n output files"; exit 1; }
diff -r -x kaoping.db "$TMP/a" "$TMP/b"
echo "$n files identical"
