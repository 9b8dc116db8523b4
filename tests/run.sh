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
# JOBS=N runs N tests at once (default: the number of cores).
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
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
base=$(mktemp -d "${TMPDIR:-/tmp}/kaoping-test.XXXXXX")
trap 'rm -rf "$base"' EXIT
export BASE="$base/t" RESULTS="$base/results"
mkdir -p "$BASE" "$RESULTS"

want() { [ -z "${T:-}" ] || case "$1" in *"$T"*) return 0 ;; *) return 1 ;; esac; }

# The list of tests, the slowest first so that they overlap with the rest
# when JOBS tests run at once (2 on a 2-core machine).
list="$base/list"
: >"$list"
for sh in "$ROOT"/tests/t/valgrind.sh "$ROOT"/tests/t/fuzz_smoke.sh; do
	want "t/$(basename "$sh" .sh)" && [ -f "$sh" ] && echo "t $sh" >>"$list"
done
for bin in "$ROOT"/build/san/tests/*_test; do
	[ -x "$bin" ] && want "unit/$(basename "$bin")" && echo "unit $bin" >>"$list"
done
for cmd in "$ROOT"/tests/cases/*/*/cmd; do
	[ -f "$cmd" ] || continue
	dir=$(dirname "$cmd")
	want "${dir#"$ROOT"/tests/cases/}" && echo "case $dir" >>"$list"
done
for sh in "$ROOT"/tests/t/*.sh; do
	case $sh in */valgrind.sh | */fuzz_smoke.sh) continue ;; esac
	want "t/$(basename "$sh" .sh)" && echo "t $sh" >>"$list"
done

# UPDATE=1 rewrites files in the source tree: one test at a time.
[ -n "${UPDATE:-}" ] && JOBS=1
tr '\n' '\0' <"$list" | xargs -0 -P "$JOBS" -n 1 sh "$ROOT/tests/run_one.sh"

# The verdicts, in the order of the list.
pass=0
fail=0
skip=0
failed=""
while read -r kind path; do
	# (read puts the rest of the line, spaces included, into path)
	case $kind in
	unit) key="unit-$(basename "$path")" ;;
	case) key=$(echo "${path#"$ROOT"/tests/cases/}" | tr '/' '-') ;;
	t) key="t-$(basename "$path" .sh)" ;;
	esac
	r="$RESULTS/$key"
	if [ ! -f "$r" ]; then
		fail=$((fail + 1)); failed="$failed $key"; echo "not ok - $key: no verdict"; continue
	fi
	status=$(sed -n 1p "$r")
	n=$(sed -n 2p "$r")
	name=$(sed -n 3p "$r")
	case $status in
	pass) pass=$((pass + 1)) ;;
	skip) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed="$failed $name"; echo "# $name:"; sed -n '4,$p' "$r" | sed 's/^/#   /' ;;
	esac
	if [ "$n" -gt 0 ]; then
		skip=$((skip + n))
		sed "s|^|#   $name |" "$r.skips"
	fi
done <"$list"

[ -n "$failed" ] && echo "failed:$failed"
if [ "$skip" -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
