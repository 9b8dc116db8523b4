#!/bin/sh
# run.sh - runs every test and ends with one line "N passed, N failed[, N skipped]".
#   unit tests:  build/san/tests/*_test (from tests/unit/*_test.c), given a temp dir
#   case tests:  tests/cases/<area>/<name>/cmd, run in its folder with KAOPING (the
#                sanitizer build), ROOT, TMP (a fresh temp dir) and KPGEN set; stdout is
#                diffed with expected_stdout, stderr with expected_stderr (if present),
#                the exit code with expected_exit (default 0).
#   scripts:     tests/t/*.sh: exit 0 passes, 77 skips, anything else fails.
# A check that a unit test or script could not make (a tool missing) is not
# passed silently: the test prints a line "skip: what and why", and each such
# line counts as one skip in the summary, beside the test's own result.
# T=pattern runs only tests whose name contains pattern; UPDATE=1 rewrites the
# expected_* files of case tests for review with git diff.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export ROOT
export KAOPING="${KAOPING:-$ROOT/build/san/kaoping}"
export KAOPING_FAST="${KAOPING_FAST:-$ROOT/build/kaoping}"
export KPGEN="$ROOT/build/kpgen"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LC_ALL=C.UTF-8
pass=0
fail=0
skip=0
failed=""
base=$(mktemp -d "${TMPDIR:-/tmp}/kaoping-test.XXXXXX")
trap 'rm -rf "$base"' EXIT

want() { [ -z "${T:-}" ] || case "$1" in *"$T"*) return 0 ;; *) return 1 ;; esac; }
ok() { pass=$((pass + 1)); echo "ok - $1"; }
# skipped NAME OUTPUT: counts and shows the "skip: " lines of a test's output.
skipped() {
	n=$(grep -c '^skip: ' "$2")
	[ "$n" -gt 0 ] || return 0
	skip=$((skip + n))
	grep '^skip: ' "$2" | sed "s|^|#   $1 |"
}
notok() { fail=$((fail + 1)); failed="$failed $1"; echo "not ok - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' "$2" | head -40; }

for bin in "$ROOT"/build/san/tests/*_test; do
	[ -x "$bin" ] || continue
	name="unit/$(basename "$bin")"
	want "$name" || continue
	t="$base/$(basename "$bin")"
	mkdir -p "$t"
	if (cd "$t" && "$bin" "$t") >"$t.out" 2>&1; then ok "$name"; else notok "$name" "$t.out"; fi
	skipped "$name" "$t.out"
done

for cmd in "$ROOT"/tests/cases/*/*/cmd; do
	[ -f "$cmd" ] || continue
	dir=$(dirname "$cmd")
	name="${dir#"$ROOT"/tests/cases/}"
	want "$name" || continue
	t="$base/case-$(echo "$name" | tr / -)"
	mkdir -p "$t/tmp"
	(cd "$dir" && TMP="$t/tmp" sh ./cmd) >"$t/stdout" 2>"$t/stderr" </dev/null
	code=$?
	exp=0
	[ -f "$dir/expected_exit" ] && exp=$(cat "$dir/expected_exit")
	if [ -n "${UPDATE:-}" ]; then
		cp "$t/stdout" "$dir/expected_stdout"
		[ -f "$dir/expected_stderr" ] && cp "$t/stderr" "$dir/expected_stderr"
		if [ "$code" != 0 ]; then echo "$code" >"$dir/expected_exit"; else rm -f "$dir/expected_exit"; fi
		ok "$name (updated)"
		continue
	fi
	: >"$t/why"
	[ "$code" = "$exp" ] || { echo "exit $code, expected $exp" >>"$t/why"; cat "$t/stderr" >>"$t/why"; }
	if [ -f "$dir/expected_stdout" ]; then
		diff -u "$dir/expected_stdout" "$t/stdout" >>"$t/why" 2>&1 || echo "stdout differs" >>"$t/why"
	fi
	if [ -f "$dir/expected_stderr" ]; then
		diff -u "$dir/expected_stderr" "$t/stderr" >>"$t/why" 2>&1 || echo "stderr differs" >>"$t/why"
	fi
	if [ -s "$t/why" ]; then notok "$name" "$t/why"; else ok "$name"; fi
done

for sh in "$ROOT"/tests/t/*.sh; do
	[ -f "$sh" ] || continue
	name="t/$(basename "$sh" .sh)"
	want "$name" || continue
	t="$base/t-$(basename "$sh" .sh)"
	mkdir -p "$t"
	(cd "$ROOT" && TMP="$t" sh "$sh") >"$t.out" 2>&1
	code=$?
	if [ "$code" = 0 ]; then ok "$name"; skipped "$name" "$t.out"
	elif [ "$code" = 77 ]; then skip=$((skip + 1)); echo "ok - $name # skip $(tail -n 1 "$t.out")"
	else notok "$name" "$t.out"; skipped "$name" "$t.out"; fi
done

[ -n "$failed" ] && echo "failed:$failed"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
