# The two versions of a document differ only where the review changed
# something. The county sample (with samples/cycle/adjustments.csv) is run as
# the 公示稿 and, with samples/cycle/appeals.csv, as the 终稿; kaoping diff
# names the objects the review changed (diff.csv, not a list written here).
# For community-ranking and redblack, every line of pdftotext -layout that
# differs between the two versions must be
#   - a version line: the mark （公示稿）/（终稿） under the title, the 成文日期
#     under the 落款 (a 终稿 is dated after its 公示期), or a line of the version section
#     (四、公示及申诉 / 异议申诉 in the 公示稿, 四、复核情况 in the 终稿, up to
#     the 落款 or the 附件说明), or
#   - a line naming an object whose score, rank, tier or list changed.
# The draft's section must state the 公示期 and the appeal, the final's the
# end of the 公示期 and the 调整 with its old and new figures. The check is
# shown to fail on a copy of the 终稿 text with one figure changed in a line
# that names no changed object. The .docx, kaoping.xlsx's 汇总 and the site
# (overview, page footers) state the version as well. Needs pdftotext,
# sqlite3, unzip (else skipped: 77).
set -eu
[ -x "$KAOPING_FAST" ] || { echo "FAIL: no executable $KAOPING_FAST"; exit 1; }
for t in pdftotext sqlite3 unzip; do
	command -v "$t" >/dev/null 2>&1 || { echo "skip: $t not installed"; exit 77; }
done
# where a run puts the published documents (relative to --output)
PUB=public
DOCS="community-ranking redblack"
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

in="$TMP/in"
mkdir -p "$in"
cp samples/county/* samples/cycle/adjustments.csv "$in/"
# only the two documents compared: the run stays fast
export KAOPING_ONLY=ranking,redblack
"$KAOPING_FAST" run --quiet --input "$in" --output "$TMP/draft" 2>"$TMP/run.err" || {
	cat "$TMP/run.err"
	exit 1
}
cp samples/cycle/appeals.csv "$in/"
"$KAOPING_FAST" run --quiet --final --input "$in" --output "$TMP/final" 2>"$TMP/run.err" || {
	cat "$TMP/run.err"
	exit 1
}
(cd "$TMP" && "$KAOPING" diff draft/kaoping.db final/kaoping.db --output "$TMP") >"$TMP/diff.txt" 2>&1 || {
	cat "$TMP/diff.txt"
	exit 1
}
# the changed objects' names (column name of diff.csv), one a line
sqlite3 -batch :memory: ".import --csv $TMP/diff.csv d" "SELECT DISTINCT name FROM d" >"$TMP/names"
[ -s "$TMP/names" ] || fail "kaoping diff names no changed object (the sample's 调整 changes grids)"
grep -qx '红旗社区第2网格' "$TMP/names" || fail "diff.csv does not name the adjusted grid 红旗社区第2网格"

# norm PDF OUT: pdftotext -layout, page numbers and blank lines dropped, spaces
# squeezed (content-sized columns may move); version lines become "@v" lines
# (kept aside in OUT.v), so that only the rest is compared.
norm() {
	pdftotext -q -layout "$1" - | awk -v vout="$2.v" '
		{ sub(/^[ \t\f]+/, ""); sub(/[ \t]+$/, ""); gsub(/[ \t]+/, " ") }
		$0 == "" || /^— [0-9]+ —$/ { next }
		NR == 1 || organ == "" { if (organ == "") organ = $0 }
		/^[一二三四五六七八九十]+、(公示及申诉|异议申诉|复核情况)$/ { zone = 1 }
		zone && ($0 == organ || /^附件：/) { zone = 0 }
		zone || /^（(公示稿|终稿)）$/ || (prev == organ && /^[0-9]+年[0-9]+月[0-9]+日$/) {
			print > vout
			prev = $0
			next
		}
		{ print; prev = $0 }
	' >"$2"
}
# bad OLD NEW: the differing lines of OLD and NEW that name no changed object
bad() {
	diff "$1" "$2" | grep '^[<>]' | while IFS= read -r line; do
		named=0
		while IFS= read -r n; do
			case "$line" in *"$n"*) named=1 ;; esac
		done <"$TMP/names"
		[ $named = 1 ] || printf '%s\n' "$line"
	done
}

for f in $DOCS; do
	for v in draft final; do
		pdf="$TMP/$v/$PUB/$f.pdf"
		[ -s "$pdf" ] || { fail "$v/$f.pdf missing"; continue 2; }
		norm "$pdf" "$TMP/$f.$v.txt"
		touch "$TMP/$f.$v.txt.v"
	done
	dv="$TMP/$f.draft.txt.v"
	fv="$TMP/$f.final.txt.v"
	grep -qx '（公示稿）' "$dv" || fail "$f: the 公示稿 has no version mark （公示稿）"
	grep -qx '（终稿）' "$fv" || fail "$f: the 终稿 has no version mark （终稿）"
	tr -d '\n' <"$dv" >"$dv.flat"
	tr -d '\n' <"$fv" >"$fv.flat"
	grep -q '公示期为7日（2026年1月1日至2026年1月7日）' "$dv.flat" ||
		fail "$f: the 公示稿 does not state its 公示期"
	grep -q '申诉' "$dv.flat" || fail "$f: the 公示稿 does not say how to appeal"
	grep -q '公示期（2026年1月1日至2026年1月7日）已届满' "$fv.flat" ||
		fail "$f: the 终稿 does not say when the 公示期 ended"
	grep -qx '四、复核情况' "$fv" || fail "$f: the 终稿 has no 复核情况 section"
	# the 终稿 is dated after its 公示期 and the last 复核日期 (2026-01-20)
	grep -qx '2026年1月20日' "$fv" || fail "$f: the 终稿's 成文日期 is not 2026年1月20日"
	bad "$TMP/$f.draft.txt" "$TMP/$f.final.txt" >"$TMP/$f.bad"
	if [ -s "$TMP/$f.bad" ]; then
		fail "$f: lines differ between the versions without a changed object:"
		sed 's/^/    /' "$TMP/$f.bad" | head -20
	fi
	# the check can fail: one digit changed in the first line of the 终稿
	# text that holds a digit and names no changed object
	awk -v names="$TMP/names" '
		BEGIN { while ((getline n < names) > 0) nm[n] = 1 }
		!done && /[0-9]/ {
			hit = 0
			for (n in nm) if (index($0, n)) hit = 1
			if (!hit) {
				i = match($0, /[0-9]/)
				d = substr($0, i, 1)
				$0 = substr($0, 1, i - 1) (d == "9" ? "8" : d + 1) substr($0, i + 1)
				done = 1
			}
		}
		{ print }
	' "$TMP/$f.final.txt" >"$TMP/$f.doctored.txt"
	cmp -s "$TMP/$f.final.txt" "$TMP/$f.doctored.txt" && fail "$f: no line to doctor"
	bad "$TMP/$f.draft.txt" "$TMP/$f.doctored.txt" >"$TMP/$f.bad2"
	[ -s "$TMP/$f.bad2" ] || fail "$f: the check passes a 终稿 with a changed figure"
done
# the 调整 in the ranking notice's 复核情况: the grid, its old and new figures
tr -d '\n' <"$TMP/community-ranking.final.txt.v" >"$TMP/rk.flat"
for s in '共收到对网格、社区考评结果的申诉2件' '调整1件，维持1件' \
	'红旗社区第2网格（网格，申诉SS-2026-01，按时办结率）：复核调整加1.00分，得分由69.85分调整为70.85分，排名由第244名调整为第241名，档次由三档调整为二档。'; do
	grep -qF "$s" "$TMP/rk.flat" || fail "community-ranking 终稿: \"$s\" not in its 复核情况"
done
# the other outputs of the model state the version too: the .docx beside
# each PDF, the workbook's 汇总, the site's overview and every page's footer
for v in draft:公示稿 final:终稿; do
	dir="$TMP/${v%%:*}/$PUB"
	w="${v#*:}"
	for f in $DOCS; do
		unzip -p "$dir/$f.docx" word/document.xml 2>/dev/null | grep -qF "（$w）" ||
			fail "${v%%:*}/$f.docx does not say （$w）"
	done
	unzip -p "$dir/kaoping.xlsx" xl/worksheets/sheet1.xml 2>/dev/null | tr -d '\n' |
		grep -qE "结果版本</t>.*<t[^>]*>$w</t>" || fail "${v%%:*}/kaoping.xlsx: 汇总 has no 结果版本 $w"
	grep -qF "本站所列考评结果为$w" "$dir/html/index.html" ||
		fail "${v%%:*}: the site's overview does not state the version $w"
	grep -qF "考评（$w） · 考评年度" "$dir/html/communities.html" ||
		fail "${v%%:*}: the site's page footer does not state the version $w"
done
grep -qF '<h2 id="h-review">复核情况</h2>' "$TMP/final/$PUB/html/index.html" ||
	fail "the 终稿 site's overview has no 复核情况"
grep -qF '<h2 id="h-review">' "$TMP/draft/$PUB/html/index.html" &&
	fail "the 公示稿 site's overview has a 复核情况"
grep -qF '红旗社区第2网格（网格，申诉SS-2026-01，按时办结率）：复核调整加1.00分，得分由69.85分调整为70.85分' \
	"$TMP/final/$PUB/html/index.html" || fail "the site's 复核情况 does not state the 调整"
[ $fails = 0 ] || exit 1
echo "ok: $DOCS differ between 公示稿 and 终稿 only in version lines and changed objects"
