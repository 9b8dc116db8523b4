#!/bin/sh
# run_one.sh "KIND PATH" - runs one test for run.sh (which may run several at once)
# and leaves its verdict in $RESULTS/<key>: a first line "pass", "fail" or
# "skip" (a whole script skipped: exit 77), a second line with the number of
# "skip: " lines the test printed (kept in $RESULTS/<key>.skips), the test's
# name, then what a failure shows.
#   KIND unit: PATH is build/san/tests/NAME_test, run in a temp dir it is given;
#   KIND case: PATH is tests/cases/AREA/NAME (see run.sh for its files);
#   KIND t:    PATH is tests/t/NAME.sh, run from the root with TMP set.
kind=${1%% *}
path=${1#* }
case $kind in
unit) name="unit/$(basename "$path")" ;;
case) name="${path#"$ROOT"/tests/cases/}" ;;
t) name="t/$(basename "$path" .sh)" ;;
esac
key=$(echo "$name" | tr '/' '-')
t="$BASE/$key"
res="$RESULTS/$key"
mkdir -p "$t/tmp"
status=pass
out="$t.log" # beside the test's folder, which the test owns
case $kind in
unit)
	(cd "$t" && "$path" "$t") >"$out" 2>&1 || status=fail
	;;
case)
	(cd "$path" && TMP="$t/tmp" sh ./cmd) >"$t/stdout" 2>"$t/stderr" </dev/null
	code=$?
	exp=0
	[ -f "$path/expected_exit" ] && exp=$(cat "$path/expected_exit")
	if [ -n "${UPDATE:-}" ]; then
		cp "$t/stdout" "$path/expected_stdout"
		[ -f "$path/expected_stderr" ] && cp "$t/stderr" "$path/expected_stderr"
		if [ "$code" != 0 ]; then echo "$code" >"$path/expected_exit"; else rm -f "$path/expected_exit"; fi
		name="$name (updated)"
	else
		: >"$out"
		[ "$code" = "$exp" ] || { echo "exit $code, expected $exp" >>"$out"; cat "$t/stderr" >>"$out"; }
		if [ -f "$path/expected_stdout" ]; then
			diff -u "$path/expected_stdout" "$t/stdout" >>"$out" 2>&1 || echo "stdout differs" >>"$out"
		fi
		if [ -f "$path/expected_stderr" ]; then
			diff -u "$path/expected_stderr" "$t/stderr" >>"$out" 2>&1 || echo "stderr differs" >>"$out"
		fi
		[ -s "$out" ] && status=fail
	fi
	;;
t)
	(cd "$ROOT" && TMP="$t/tmp" sh "$path") >"$out" 2>&1 </dev/null
	code=$?
	if [ "$code" = 77 ]; then status=skip; elif [ "$code" != 0 ]; then status=fail; fi
	;;
esac
[ -f "$out" ] || : >"$out"
n=$(grep -c '^skip: ' "$out")
{
	echo "$status"
	echo "$n"
	echo "$name"
	if [ "$status" = fail ]; then head -40 "$out"; fi
} >"$res.tmp"
grep '^skip: ' "$out" >"$res.skips"
mv "$res.tmp" "$res"
case $status in
pass) echo "ok - $name" ;;
skip) echo "ok - $name # skip $(tail -n 1 "$out")" ;;
fail) echo "not ok - $name" ;;
esac
