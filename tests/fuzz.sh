#!/bin/sh
# fuzz.sh SECONDS - builds each tests/fuzz/fuzz_*.c with clang's libFuzzer
# (plus ASan/UBSan) and runs it for SECONDS on its corpus: the committed seeds
# in tests/fuzz/corpus/<target>/ (for fuzz_xlsx: small workbooks and XML parts)
# plus, for the CSV reader, the heads of the
# sample and test files. A crash leaves its input in build/fuzz/ and fails;
# turn it into a test case. Each target's executions (libFuzzer's final
# stat::number_of_executed_units) are printed, and all of them at the end.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out="$ROOT/build/fuzz"
mkdir -p "$out/obj"
cflags="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$ROOT/generator $(pkg-config --cflags lua5.4 sqlite3 libzip expat freexl)"
libs="$(pkg-config --libs lua5.4 sqlite3 libzip expat freexl) -lhpdf -lcsv -lunibreak -lxlsxwriter -lz -lm -pthread"
objs=""
for f in "$ROOT"/generator/*.c; do
	n=$(basename "$f" .c)
	[ "$n" = main ] && continue
	o="$out/obj/$n.o"
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$ROOT/generator/$n.h" -nt "$o" ]; then
		clang $cflags -c -o "$o" "$f"
	fi
	objs="$objs $o"
done
status=0
summary=""
for t in "$ROOT"/tests/fuzz/fuzz_*.c; do
	name=$(basename "$t" .c)
	clang $cflags -fsanitize=fuzzer -D_GNU_SOURCE -o "$out/$name" "$t" $objs $libs
	corpus="$out/corpus-$name"
	mkdir -p "$corpus"
	if [ -d "$ROOT/tests/fuzz/corpus/$name" ]; then cp "$ROOT"/tests/fuzz/corpus/"$name"/* "$corpus/" 2>/dev/null || true; fi
	case $name in
	fuzz_csv) for f in "$ROOT"/samples/county/*.csv "$ROOT"/tests/cases/ingest/*/input/*.csv; do
		head -c 4096 "$f" >"$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"; done ;;
	fuzz_template) for f in "$ROOT"/templates/*.html; do head -c 8192 "$f" >"$corpus/$(basename "$f")"; done ;;
	esac
	echo "fuzz: $name for ${secs}s"
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1); then
		echo "fuzz: $name found a crash:" >&2
		tail -30 "$out/$name.log" >&2
		status=1
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log" | tail -1)
	[ -n "$execs" ] || execs="?"
	echo "fuzz: $name: $execs executions in ${secs}s"
	summary="$summary
  $name: $execs executions in ${secs}s"
	[ "$execs" != "?" ] && [ "$execs" -gt 0 ] || { echo "fuzz: $name reported no executions" >&2; status=1; }
done
echo "fuzz summary:$summary"
exit $status
