#!/bin/sh
# public_folder.sh - output/public/ holds what may be published and nothing
# else: one run of samples/county ($KAOPING_FAST), then
#   1. the documents are where README.md says (public ones in public/, the
#      briefing, database, csv/, internal/ outside it);
#   2. public/ has no database, no rejects, no briefing, no internal workbook;
#   3. every href and src of the site resolves to a file inside public/
#      (#anchors and data: URIs aside; no http: links to anything);
#   4. no unmasked mobile phone or 18-digit ID number in the text of any file
#      under public/ (HTML, SVG, PDF text, .docx and .xlsx XML: tests/lib/texts.sh).
# Exit 0 pass, anything else fail.
set -u
ROOT="${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}"
KAOPING_FAST="${KAOPING_FAST:-$ROOT/build/kaoping}"
TMP="${TMP:-$(mktemp -d)}"
OUT="$TMP/out"
PUB="$OUT/public"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

[ -x "$KAOPING_FAST" ] || { bad "no executable $KAOPING_FAST"; exit 1; }
"$KAOPING_FAST" run --quiet --input "$ROOT/samples/county" --output "$OUT" >"$TMP/run.log" 2>&1 ||
	{ cat "$TMP/run.log"; bad "run failed"; exit 1; }
# PUBLIC_FOLDER_PLANT=FILE copies FILE (relative to the output) into public/:
# how to see this test fail (the database: checks 2 and 4 fire)
[ -n "${PUBLIC_FOLDER_PLANT:-}" ] && cp "$OUT/$PUBLIC_FOLDER_PLANT" "$PUB/"

# 1. where each output lies
for f in html/index.html community-ranking.pdf community-ranking.docx redblack.pdf redblack.docx \
	report-cards.pdf report-cards.docx kaoping.xlsx 说明.txt; do
	[ -s "$PUB/$f" ] || bad "public/$f missing"
done
n=$(find "$PUB/streets" -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n" -eq 6 ] || bad "public/streets holds $n street folders, expected 6"
for f in kaoping.db briefing.pdf briefing.docx csv/rejects.csv internal/kaoping-内部.xlsx; do
	[ -s "$OUT/$f" ] || bad "$f missing at the top of the output"
done

# 2. nothing internal inside public/
find "$PUB" \( -name '*.db' -o -name '*.db-*' -o -name '*.sqlite*' -o -name 'rejects*' \
	-o -name 'briefing*' -o -name '*内部*' -o -name 'csv' -o -name 'internal' \
	-o -name '整改通知书' \) >"$TMP/internal"
[ -s "$TMP/internal" ] && { bad "internal files in public/:"; cat "$TMP/internal"; }
grep -rlaF 'SQLite format 3' "$PUB" >"$TMP/sqlite"
[ -s "$TMP/sqlite" ] && { bad "SQLite databases in public/:"; cat "$TMP/sqlite"; }

# 3. every link of the site stays inside public/: one awk resolves each link
# against the page's folder and looks it up in the list of public/'s files
(cd "$PUB" && find . -type f | sed 's|^\./||') >"$TMP/files"
(cd "$PUB" && grep -roE '(href|src)="[^"]*"|url\([^)]*\)' html --include='*.html' --include='*.svg' --include='*.css') |
	awk -v files="$TMP/files" '
	BEGIN { while ((getline f < files) > 0) have[f] = 1 }
	{
		i = index($0, ":"); page = substr($0, 1, i - 1); u = substr($0, i + 1)
		sub(/^(href|src)="/, "", u); sub(/"$/, "", u); sub(/^url\(["\047]?/, "", u); sub(/["\047]?\)$/, "", u)
		if (u == "" || u ~ /^#/ || u ~ /^data:/) next
		if (u ~ /^[A-Za-z][A-Za-z0-9+.-]*:/ || u ~ /^\/\//) { print page ": link out of the site: " u; next }
		p = u; sub(/#.*/, "", p); sub(/\?.*/, "", p)
		if (p ~ /^\//) { print page ": absolute path: " u; next }
		n = split(page, a, "/"); m = n - 1     # the page folder
		k = split(p, b, "/")
		for (j = 1; j <= k; j++) {
			if (b[j] == "." || b[j] == "") continue
			if (b[j] == "..") { if (m == 0) { print page ": " u " leaves public/"; next } m--; continue }
			a[++m] = b[j]
		}
		t = a[1]; for (j = 2; j <= m; j++) t = t "/" a[j]
		if (!(t in have)) print page ": " u " does not exist (" t ")"
	}' >"$TMP/links"
[ -s "$TMP/links" ] && { bad "links of the site:"; head -20 "$TMP/links"; }
nlinks=$(cat "$PUB"/html/*.html | grep -oE '(href|src)="[^"#][^"]*"' | wc -l)
[ "$nlinks" -gt 100 ] || bad "only $nlinks links found on the top pages: the link check saw nothing"

# 4. no personal number in the text of anything published
sh "$ROOT/tests/lib/texts.sh" "$PUB" "$TMP/text" || bad "tests/lib/texts.sh failed"
# a mobile (11 digits, 1[3-9]) or an ID number (17 digits and a check
# character), alone or written with spaces or hyphens, not part of a longer run
grep -raoE '(^|[^0-9])(1[3-9][0-9]([ -]?[0-9]{4}){2}|[1-9][0-9]{5}(19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx])([^0-9]|$)' \
	"$TMP/text" >"$TMP/personal"
[ -s "$TMP/personal" ] && { bad "unmasked personal numbers under public/:"; head -10 "$TMP/personal"; }
# the search saw text from each kind of file
for f in html/index.html community-ranking.pdf.txt community-ranking.docx.txt kaoping.xlsx.txt; do
	[ -s "$TMP/text/$f" ] || bad "no text extracted from public/$f"
done

[ $fail -eq 0 ] && echo "public/ holds $(find "$PUB" -type f | wc -l) files, $nlinks links on the top pages checked"
exit $fail
