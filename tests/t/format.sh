# The C sources are formatted as the repository's .clang-format says
# (`make format` applies it): clang-format --dry-run -Werror over
# generator/*.[ch], tests/unit/*.c and samples/*.c; the files that differ are
# listed with the first lines of each difference.
set -u
command -v clang-format >/dev/null 2>&1 || { echo "clang-format not installed"; exit 77; }
bad=0
for f in generator/*.[ch] tests/unit/*.c samples/*.c; do
	if ! clang-format --dry-run -Werror "$f" >"$TMP/fmt.out" 2>&1; then
		echo "not formatted: $f"
		grep -m 3 -A 2 'error:' "$TMP/fmt.out" | sed 's/^/    /'
		bad=1
	fi
done
[ "$bad" = 0 ] || { echo "run: make format"; exit 1; }
echo "all sources formatted"
