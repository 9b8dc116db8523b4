# valgrind on a full run of the bundled sample (the optimised build, since the
# sanitizer build cannot run under valgrind): no memory errors, no definite leaks.
command -v valgrind >/dev/null || { echo "valgrind not installed"; exit 77; }
valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite "$KAOPING_FAST" run --quiet --input samples/county \
	--output "$TMP/out" 2>"$TMP/vg.err"
code=$?
grep -v '^警告' "$TMP/vg.err" | head -40
[ "$code" = 0 ] || { echo "valgrind exit $code"; exit 1; }
[ -f "$TMP/out/briefing.pdf" ] || { echo "no output"; exit 1; }
echo "valgrind clean"
