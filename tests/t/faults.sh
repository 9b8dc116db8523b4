# Faults on assessment day: a run that is killed (SIGKILL, SIGINT), finds its
# output folder read-only, has no gnuplot, or fills the disk leaves the
# previous output complete and untouched, and says what failed.
set -u
fail() { echo "FAIL: $*"; exit 1; }
snapshot() { (cd "$1" && find . -type f -exec md5sum {} + | sort -k2); }
KP="$KAOPING_FAST"
OUT="$TMP/out"

"$KP" run --quiet --input samples/county --output "$OUT" 2>"$TMP/first.err" || fail "first run: $(cat "$TMP/first.err")"
snapshot "$OUT" >"$TMP/before"
[ -s "$TMP/before" ] || fail "first run wrote nothing"
unchanged() { snapshot "$OUT" >"$TMP/after"; cmp -s "$TMP/before" "$TMP/after" || fail "$1: output changed"; }

# Killed mid-run: SIGKILL, then SIGINT (Ctrl-C), at several moments.
for sig in KILL INT; do
	for delay in 0.3 1.5; do
		"$KP" run --input samples/county --output "$OUT" 2>"$TMP/sig.err" &
		pid=$!
		sleep "$delay"
		kill -s "$sig" "$pid" 2>/dev/null
		wait "$pid"
		code=$?
		[ "$code" != 0 ] || { echo "skip: SIG$sig at ${delay}s: the run finished first"; continue; }
		unchanged "SIG$sig after ${delay}s"
		if [ "$sig" = INT ]; then
			[ "$code" = 130 ] || fail "SIGINT exit code $code"
			grep -q 已中断 "$TMP/sig.err" || fail "SIGINT without a message"
		fi
	done
done
echo "killed runs: output intact"

# gnuplot missing: PATH without it.
mkdir -p "$TMP/bin"
PATH="$TMP/bin" "$KP" run --input samples/county --output "$OUT" 2>"$TMP/gp.err"
code=$?
[ "$code" = 1 ] || fail "missing gnuplot: exit $code"
grep -q gnuplot "$TMP/gp.err" || fail "missing gnuplot: message does not name it: $(cat "$TMP/gp.err")"
unchanged "missing gnuplot"
echo "missing gnuplot: $(grep 错误 "$TMP/gp.err")"

# The next good run cleans up what the failed ones left.
"$KP" run --quiet --input samples/county --output "$OUT" 2>/dev/null || fail "run after faults"
[ ! -e "$OUT.kaoping-new" ] || fail "stale staging folder left"
snapshot "$OUT" >"$TMP/after"
cmp -s "$TMP/before" "$TMP/after" || fail "a good run after faults differs from the first"

# Read-only output folder and a full disk need mounts (root in a sandbox that allows them).
mkdir -p "$TMP/ro" "$TMP/full"
if mount -t tmpfs -o size=64m tmpfs "$TMP/ro" 2>/dev/null; then
	cp -a "$OUT" "$TMP/ro/out"
	snapshot "$TMP/ro/out" >"$TMP/ro.before"
	mount -o remount,ro "$TMP/ro"
	"$KP" run --input samples/county --output "$TMP/ro/out" 2>"$TMP/ro.err"
	code=$?
	snapshot "$TMP/ro/out" >"$TMP/ro.after"
	umount "$TMP/ro"
	[ "$code" = 1 ] || fail "read-only: exit $code"
	cmp -s "$TMP/ro.before" "$TMP/ro.after" || fail "read-only: output changed"
	echo "read-only folder: $(grep 错误 "$TMP/ro.err")"
	# Full disk: room for the old output and little else.
	size=$(du -sk "$OUT" | cut -f1)
	mount -t tmpfs -o size=$((size + 2048))k tmpfs "$TMP/full" || fail "tmpfs"
	cp -a "$OUT" "$TMP/full/out"
	snapshot "$TMP/full/out" >"$TMP/full.before"
	"$KP" run --input samples/county --output "$TMP/full/out" 2>"$TMP/full.err"
	code=$?
	snapshot "$TMP/full/out" >"$TMP/full.after"
	left=$(ls "$TMP/full")
	umount "$TMP/full"
	[ "$code" = 1 ] || fail "full disk: exit $code"
	cmp -s "$TMP/full.before" "$TMP/full.after" || fail "full disk: output changed"
	[ "$left" = out ] || fail "full disk: left behind: $left"
	echo "full disk: $(grep 错误 "$TMP/full.err")"
else
	echo "skip: read-only folder: cannot mount tmpfs here"
	echo "skip: full disk: cannot mount tmpfs here"
fi
echo "all faults leave the previous output intact"
