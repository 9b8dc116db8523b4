# measure.sh - sourced by the bench scripts; needs W (a work folder).
# measure NAME CMD...: runs CMD, sets T_NAME (seconds) and R_NAME (peak RSS,
# KiB, from GNU time) and prints them. ratio A B: A / B with 3 decimals.
measure() {
	name=$1
	shift
	/usr/bin/time -f '%e %M' -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err" || {
		echo "bench: $name failed:" >&2
		tail -5 "$W/$name.err" >&2
		exit 1
	}
	read -r secs rss <"$W/$name.time"
	eval "T_$name=$secs; R_$name=$rss"
	printf '%-28s %8.2f s  %8.1f MiB peak RSS\n' "$name" "$secs" "$(awk "BEGIN{print $rss/1024}")"
}
ratio() { awk "BEGIN{printf \"%.3f\", $1 / $2}"; }
