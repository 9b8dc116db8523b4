#!/bin/sh
# bench_pdf.sh - speed of the PDF documents (report.c over pdf.c):
#   (a) briefing : kaoping render of the briefing alone on the county sample
#   (b) cards    : kaoping render of all community report cards of the city
#                  data, against the city ingest (kaoping ingest, all files)
#   (c) chromium : headless Chromium printing the same cards from one HTML page
#                  (built here from the database with sqlite3) against (b)
#                  (target: ours at least 10x faster)
# KAOPING_ONLY=briefing|cards limits the PDFs that render writes; =none writes
# none, which times the rest of render (model, charts, CSV, HTML) as a
# baseline: "PDF only" figures are the difference (each side the best of 3
# runs).
# Sourced by tests/bench.sh after its city runs (it uses measure, ratio, KP,
# W and $W/city.db, T_kaoping_ingest_all), or run alone: sh tests/bench_pdf.sh.
set -eu
if [ -z "${BENCH_SOURCED:-}" ]; then
	ROOT=$(cd "$(dirname "$0")/.." && pwd)
	KP="${KP:-$ROOT/build/kaoping}"
	CITY="$ROOT/build/city"
	W=$(mktemp -d "${TMPDIR:-/tmp}/kaoping-bench-pdf.XXXXXX")
	trap 'rm -rf "$W"' EXIT
	. "$ROOT/tests/lib/measure.sh"
	measure kaoping_ingest_all "$KP" ingest --input "$CITY" --db "$W/city.db"
	"$KP" score --db "$W/city.db" >/dev/null 2>&1
fi
# best NAME CMD...: like measure, but the fastest of 3 runs (the PDF-only
# figures are differences of short runs: noise would swamp them).
best() {
	name=$1
	shift
	b=
	for k in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$W/$name.time" "$@" >"$W/$name.out" 2>"$W/$name.err" || {
			echo "bench: $name failed:" >&2
			tail -5 "$W/$name.err" >&2
			exit 1
		}
		read -r secs rss <"$W/$name.time"
		b=$(awk "BEGIN{b = \"$b\"; s = $secs; if (b == \"\" || s < b + 0) print s; else print b}")
	done
	eval "T_$name=$b; R_$name=$rss"
	printf '%-28s %8.2f s  %8.1f MiB peak RSS  (best of 3)\n' "$name" "$b" "$(awk "BEGIN{print $rss/1024}")"
}
# diff_s A B: A - B seconds (at least 0.01, so that it can divide)
diff_s() { awk "BEGIN{d = $1 - $2; if (d < 0.01) d = 0.01; printf \"%.2f\", d}"; }

echo
echo "PDF documents:"
# (a) the briefing alone, county sample
"$KP" run --quiet --input "$ROOT/samples/county" --output "$W/county" >/dev/null 2>&1
best pdf_county_none env KAOPING_ONLY=none "$KP" render --db "$W/county/kaoping.db" --output "$W/c0"
best pdf_briefing env KAOPING_ONLY=briefing "$KP" render --db "$W/county/kaoping.db" --output "$W/c1"
[ -s "$W/c1/briefing.pdf" ] || { echo "bench: render wrote no briefing.pdf (report_write not called?)" >&2; exit 1; }

# (b) all community report cards, city data
best pdf_city_none env KAOPING_ONLY=none "$KP" render --db "$W/city.db" --output "$W/p0"
best pdf_cards env KAOPING_ONLY=cards "$KP" render --db "$W/city.db" --output "$W/p1"
cards_pdf="$W/p1/public/report-cards.pdf" # output/public/: what may be published
pages=$(pdfinfo "$cards_pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')

# (c) the same cards as one HTML page, printed by headless Chromium
sqlite3 -batch -noheader "$W/city.db" >"$W/cards.html" <<'SQL'
SELECT '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>社区考评报告卡</title><style>
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "AR PL SungtiL GB", "AR PL UMing CN", serif; font-size: 15.8pt; line-height: 29pt; }
h1 { font-size: 22pt; text-align: center; margin: 0 0 8pt; } .sub { text-align: center; }
h2 { font-size: 15.8pt; margin: 12pt 0 4pt; } p { text-indent: 2em; margin: 0; text-align: justify; }
table { width: 100%; border-collapse: collapse; font-size: 10.5pt; line-height: 14pt; }
th, td { border: 0.5pt solid #000; padding: 3pt; } thead { display: table-header-group; }
td.n { text-align: right; } section { break-after: page; }
</style><body>';
WITH esc(code, name, street, score, rank, prev_rank, stars, star_names, award, vetoed) AS (
  SELECT code, replace(replace(name, '&', '&amp;'), '<', '&lt;'), street, score, rank, prev_rank,
         stars, star_names, award, vetoed FROM community_ranking)
SELECT '<section><h1>' || e.name || '考评报告卡</h1><p class="sub">' || coalesce(e.street, '') ||
  '</p><p>' || e.name || '考评得分' || printf('%.2f', e.score) || '分，排第' || e.rank || '名' ||
  coalesce('（上年第' || e.prev_rank || '名）', '') || '。' ||
  CASE WHEN e.vetoed THEN '一票否决。' ELSE '获评' || e.stars || '星' ||
    coalesce('（' || e.star_names || '）', '') || coalesce('，' || e.award, '') || '。' END ||
  '</p><h2>一、得分明细</h2><table><thead><tr><th>序号</th><th>考评项目</th><th>数据</th><th>得分</th><th>计分依据</th></tr></thead><tbody>' ||
  coalesce((SELECT group_concat(r, '') FROM (SELECT '<tr><td>' || i.seq || '</td><td>' || i.item ||
    '</td><td>' || coalesce(i.inputs, '') || '</td><td class="n">' || printf('%.2f', i.points) ||
    '</td><td>' || i.reason || '</td></tr>' AS r FROM score_items i JOIN scores s
    ON s.assessment = i.assessment AND s.entity = i.entity
    WHERE s.kind = '社区' AND i.entity = e.code ORDER BY i.seq)), '') ||
  '<tr><td></td><td>合计</td><td></td><td class="n">' || printf('%.2f', e.score) || '</td><td></td></tr></tbody></table>' ||
  '<h2>二、五星评定</h2><table><thead><tr><th>星</th><th>结果</th><th>评定依据</th></tr></thead><tbody>' ||
  coalesce((SELECT group_concat(r, '') FROM (SELECT '<tr><td>' || st.star || '星</td><td>' ||
    CASE WHEN st.earned THEN '★ 得星' ELSE '☆ 未得' END || '</td><td>' || coalesce(st.reason, '') ||
    '</td></tr>' AS r FROM community_stars st WHERE st.code = e.code ORDER BY st.star)), '') ||
  '</tbody></table><h2>三、所辖网格</h2><table><thead><tr><th>网格</th><th>户数</th><th>得分</th><th>全县名次</th><th>等次</th><th>经费（元）</th></tr></thead><tbody>' ||
  coalesce((SELECT group_concat(r, '') FROM (SELECT '<tr><td>' || u.name || '</td><td class="n">' ||
    coalesce(u.households, '') || '</td><td class="n">' || printf('%.2f', g.score) ||
    '</td><td class="n">' || g.rank || '</td><td>' || g.tier || '</td><td class="n">' || g.funding ||
    '</td></tr>' AS r FROM units u JOIN grid_tiers g ON g.code = u.code
    WHERE u.parent = e.code ORDER BY u.code)), '') ||
  '</tbody></table></section>'
FROM esc e ORDER BY e.code;
SELECT '</body></html>';
SQL
if command -v chromium >/dev/null 2>&1; then
	measure chromium_cards chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
		--print-to-pdf="$W/cards-chromium.pdf" "file://$W/cards.html"
	cpages=$(pdfinfo "$W/cards-chromium.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
else
	echo "chromium not installed: (c) skipped"
fi

bo=$(diff_s "$T_pdf_briefing" "$T_pdf_county_none")
co=$(diff_s "$T_pdf_cards" "$T_pdf_city_none")
echo
echo "PDF ratios:"
echo "  (a) briefing, county sample          = ${T_pdf_briefing} s render, ${bo} s PDF only"
echo "  (b) city cards ($pages pages) / ingest   = $(ratio "$T_pdf_cards" "$T_kaoping_ingest_all") render, $(ratio "$co" "$T_kaoping_ingest_all") PDF only"
if [ -n "${T_chromium_cards:-}" ]; then
	echo "  (c) Chromium print ($cpages pages) / ours = $(ratio "$T_chromium_cards" "$T_pdf_cards") whole render, $(ratio "$T_chromium_cards" "$co") PDF only  (target >= 10)"
fi
