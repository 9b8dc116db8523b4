#!/bin/sh
# fuzz.sh SECONDS - builds each tests/fuzz/fuzz_*.c with clang's libFuzzer
# (plus ASan/UBSan) and runs it for SECONDS on its corpus
# (tests/fuzz/corpus/<target>/, seeded from the samples). A crash leaves its
# input in build/fuzz/ and fails; turn it into a test case.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out="$ROOT/build/fuzz"
mkdir -p "$out"
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$ROOT/generator $(pkg-config --cflags lua5.4 sqlite3)"
libs="$(pkg-config --libs lua5.4 sqlite3) -lhpdf -lcsv -lunibreak -lm"
srcs=""
for f in "$ROOT"/generator/*.c; do
	[ "$(basename "$f")" = main.c ] || srcs="$srcs $f"
done
status=0
for t in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	clang $cflags -o "$out/$name" "$t" $srcs $libs
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	[ -d "$ROOT/tests/fuzz/corpus/$name" ] && cp "$ROOT"/tests/fuzz/corpus/"$name"/* "$corpus/" 2>/dev/null || true
	case $name in
	fuzz_csv) for f in "$ROOT"/samples/county/*.csv "$ROOT"/tests/cases/ingest/*/input/*.csv; do head -c 4096 "$f" >"$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"; done ;;
	esac
	echo "fuzz: $name for ${secs}s"
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1); then
		echo "fuzz: $name found a crash:" >&2
		tail -30 "$out/$name.log" >&2
		status=1
	fi
done
exit $status
