# The PDF documents of a run on the county sample: briefing.pdf,
# community-ranking.pdf, redblack.pdf and report-cards.pdf. Each passes
# `qpdf --check`, embeds every font, and its text (pdftotext, whitespace
# removed) holds figures computed here independently with sqlite3 from the
# run's database. No unmasked phone or ID number of people.csv appears. An
# edited narrative template (--templates) shows up in the briefing; a broken or
# missing one is an error that names the file (and the line).
# The 公文 elements from the settings' defaults (文号, 主送, 落款, 报头,
# 报送), pdftotext without warnings, and a .docx beside each PDF with its title.
# Needs qpdf, pdffonts, pdftotext, pdfinfo, sqlite3, unzip (else skipped: 77). A
# missing binary or document fails.
set -eu
[ -x "$KAOPING_FAST" ] || { echo "FAIL: no executable $KAOPING_FAST"; exit 1; }
for t in qpdf pdffonts pdftotext pdfinfo sqlite3 unzip; do
	command -v "$t" >/dev/null 2>&1 || { echo "$t not installed"; exit 77; }
done
out="$TMP/out"
pub="$out/public" # what may be published; the briefing (内部资料) stays in $out
# at NAME: the folder holding document NAME (briefing outside public/)
at() { if [ "$1" = briefing ]; then echo "$out"; else echo "$pub"; fi; }
"$KAOPING_FAST" run --quiet --input samples/county --output "$out" 2>"$TMP/run.err" || {
	cat "$TMP/run.err"
	exit 1
}
if [ ! -f "$out/briefing.pdf" ]; then
	echo "FAIL: kaoping run wrote no briefing.pdf"
	exit 1
fi
db="$out/kaoping.db"
q() { sqlite3 -batch -noheader "$db" "$1"; }
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
# Text is compared without whitespace. The briefing's watermark (内部资料
# 注意保存) is a picture, so it must not be in the text at all.
norm() { tr -d ' \t\r\n\f'; }
# (A text watermark comes out as lines of single characters: 保, 存, ...)
if pdftotext -q "$out/briefing.pdf" - | grep -qxE '内部资料注意保存|(内|部|资|料|注|意|保|存)'; then
	fail "briefing: the watermark's characters are in the extracted text"
fi
text() { # text FILE.pdf [PAGE] [-layout]
	if [ $# -gt 1 ]; then
		pdftotext -q ${3:-} -f "$2" -l "$2" "$1" - | norm
	else
		# -raw: drawing order, one table row after another (content-sized
		# columns far apart would be read column by column otherwise)
		pdftotext -q -raw "$1" - | norm
	fi
}
has() { # has FILE.txt STRING WHAT
	n=$(printf '%s' "$2" | norm)
	grep -qF -- "$n" "$1" || fail "$3: \"$2\" not in $(basename "$1" .txt).pdf"
}

for f in briefing community-ranking redblack report-cards; do
	pdf="$(at "$f")/$f.pdf"
	[ -s "$pdf" ] || { fail "$f.pdf missing"; continue; }
	qpdf --check "$pdf" >"$TMP/$f.qpdf" 2>&1 || { fail "qpdf --check $f.pdf"; cat "$TMP/$f.qpdf"; }
	# pdffonts: name type encoding emb sub uni object ID; emb is the 5th field from the end
	pdffonts "$pdf" 2>/dev/null >"$TMP/$f.fonts"
	n=$(awk 'NR > 2' "$TMP/$f.fonts" | wc -l)
	[ "$n" -gt 0 ] || fail "$f.pdf: pdffonts lists no font"
	awk 'NR > 2 && $(NF-4) != "yes" { print; bad = 1 } END { exit bad }' "$TMP/$f.fonts" ||
		fail "$f.pdf: a font is not embedded"
	text "$pdf" >"$TMP/$f.txt"
done

year=$(q "SELECT value FROM run WHERE key = 'year'")
prev=$(q "SELECT value FROM run WHERE key = 'prev_year'")
from="$year-01-01"
to="$((year + 1))-01-01"

# briefing: title, key figures of the year and the year before, top community
events=$(q "SELECT count(*) FROM events WHERE reported_at >= '$from' AND reported_at < '$to'")
# closed: before the end of the year reported in
closed=$(q "SELECT count(*) FROM events WHERE reported_at >= '$from' AND reported_at < '$to' AND closed_at < '$to'")
pevents=$(q "SELECT count(*) FROM events WHERE reported_at >= '$prev-01-01' AND reported_at < '$year-01-01'")
county=$(q "SELECT name FROM units WHERE level = 'county' ORDER BY code LIMIT 1")
B="$TMP/briefing.txt"
has "$B" "$county${year}年度党建引领基层治理考评简报" "briefing title"
has "$B" "中共${county}委组织部" "issuing body"
has "$B" "网格事件件$events$pevents" "events this year and last year (table row)"
has "$B" "已办结件$closed" "closed events (table row)"
rate=$(q "SELECT printf('%.1f', 100.0 * $closed / $events)")
has "$B" "办结率%$rate" "closure rate (table row)"
top=$(q "SELECT name || street || printf('%.2f', score) FROM community_ranking ORDER BY rank, code LIMIT 1")
has "$B" "$top" "first community (name, street, score)"
q "SELECT name FROM redblack WHERE list IN ('红榜', '黑榜') ORDER BY code" >"$TMP/names"
while read -r name; do has "$B" "$name" "red/black company in the briefing"; done <"$TMP/names"
if [ "$(q "SELECT count(*) FROM community_ranking WHERE vetoed = 1")" -gt 0 ]; then
	has "$B" "一票否决的社区" "vetoed communities table"
fi
listed=$(q "SELECT listed_on FROM redblack WHERE listed_on IS NOT NULL ORDER BY listed_on LIMIT 1")
if [ -n "$listed" ]; then
	cn=$(echo "$listed" | awk -F- '{ printf "%d年%d月%d日", $1, $2, $3 }')
	has "$B" "$cn" "成文日期 from the listing date"
fi

# community-ranking: every community's row, header on every page
R="$TMP/community-ranking.txt"
q "SELECT rank || name || street || printf('%.2f', score) FROM community_ranking ORDER BY rank, code" >"$TMP/rows"
while read -r r; do has "$R" "$r" "ranking row"; done <"$TMP/rows"
pages=$(pdfinfo "$pub/community-ranking.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
[ "${pages:-0}" -gt 1 ] || fail "community-ranking.pdf has ${pages:-0} page(s), expected more than 1"
last=$(q "SELECT name FROM community_ranking ORDER BY rank DESC, code DESC LIMIT 1" | norm)
# the full ranking is the attachment: it starts on the page after the 附件说明
# ("附件：全县社区考评排名" above the 落款)
p=1
while [ "$p" -le "${pages:-0}" ]; do
	pdftotext -q -f "$p" -l "$p" "$pub/community-ranking.pdf" - | norm | grep -qF "附件：全县社区考评排名" && break
	p=$((p + 1))
done
[ "$p" -lt "${pages:-0}" ] || fail "community-ranking.pdf: no 附件说明 before the last page"
p=$((p + 1))
while [ "$p" -le "${pages:-0}" ]; do
	# the ranking table runs from the attachment's first page to the page of the last community
	pdftotext -q -layout -f "$p" -l "$p" "$pub/community-ranking.pdf" - | tr -d ' ' >"$TMP/page"
	grep -qF "排名社区街道得分星级名次变化" "$TMP/page" || fail "community-ranking.pdf page $p: no table header"
	[ "$(norm <"$TMP/page" | grep -cF "$last")" = 0 ] || break
	p=$((p + 1))
done
[ "$p" -le "${pages:-0}" ] || fail "community-ranking.pdf: the last community \"$last\" not found"

# 公文 elements (settings defaults, samples/settings.ini; the sample's
# 成文日期 is the day after its year 2025): the 通报's 文号, 主送 flush left
# ending in "：", 落款 date in Arabic numerals on a line of its own; the 公示
# the next 文号; the 简报's 报头 and 报送
pdftotext -q -layout "$pub/community-ranking.pdf" - >"$TMP/cr-layout.txt"
grep -qxE ' *x县组通〔2026〕1号' "$TMP/cr-layout.txt" || fail "community-ranking.pdf: no 文号 x县组通〔2026〕1号 line"
grep -qx '各街道党工委，各社区党组织：' "$TMP/cr-layout.txt" ||
	fail "community-ranking.pdf: no 主送 line \"各街道党工委，各社区党组织：\""
grep -qxE ' *2026年1月1日' "$TMP/cr-layout.txt" || fail "community-ranking.pdf: no 落款 date line 2026年1月1日"
grep -qxE ' *中共x县委组织部' "$TMP/cr-layout.txt" || fail "community-ranking.pdf: no 落款 中共x县委组织部"
pdftotext -q -layout "$pub/redblack.pdf" - >"$TMP/rb-layout.txt"
grep -qxE ' *x县组通〔2026〕2号' "$TMP/rb-layout.txt" || fail "redblack.pdf: no 文号 x县组通〔2026〕2号 line"
grep -qxE ' *2026年1月1日' "$TMP/rb-layout.txt" || fail "redblack.pdf: no 落款 date line 2026年1月1日"
has "$TMP/redblack.txt" "自2026年1月1日起公示，公示期7日" "公示 start and length"
has "$TMP/redblack.txt" "公示期为7日（2026年1月1日至2026年1月7日）" "公示 period in the appeal paragraph"
if grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$TMP/redblack.txt"; then
	fail "redblack.pdf: an ISO date in the text: $(grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$TMP/redblack.txt" | head -1)"
fi
has "$TMP/briefing.txt" "基层治理考评简报第1期中共x县委组织部2026年1月1日" "简报 报头 (name, 期号, 编发单位, date)"
has "$TMP/briefing.txt" "报送：x县委、x县政府领导同志。" "简报 报送"
# no date under the titles any more: the title is followed by the version
# mark (a plain run is the 公示稿) and the 主送 / the text
has "$TMP/community-ranking.txt" "关于2025年度社区考评结果的通报（公示稿）各街道党工委" "通报: version mark and 主送 right under the title"

# pdftotext reads every PDF without a warning (ToUnicode CMap, fonts)
for f in briefing community-ranking redblack report-cards; do
	pdftotext "$(at "$f")/$f.pdf" /dev/null 2>"$TMP/$f.pdferr" || fail "pdftotext $f.pdf failed"
	[ ! -s "$TMP/$f.pdferr" ] || fail "pdftotext $f.pdf warns: $(head -2 "$TMP/$f.pdferr")"
done

# the 公示 from a settings file: start date, the period's end 6 days later,
# the appeal contact; the 落款 date follows the start date
printf '[公示]\n公示开始日期 = 2026-01-05\n申诉联系人 = 张科长\n申诉电话 = 0000-1234567\n申诉地址 = x县人民路1号\n' >"$TMP/s.ini"
if KAOPING_ONLY=redblack "$KAOPING_FAST" render --quiet --db "$db" --output "$TMP/out5" \
	--settings "$TMP/s.ini" 2>"$TMP/run5.err"; then
	text "$TMP/out5/public/redblack.pdf" >"$TMP/rb5.txt"
	has "$TMP/rb5.txt" "自2026年1月5日起公示，公示期7日" "公示 start from the settings"
	has "$TMP/rb5.txt" "公示期为7日（2026年1月5日至2026年1月11日）" "公示 period from the settings"
	has "$TMP/rb5.txt" "联系人：张科长，联系电话：0000-1234567，地址：x县人民路1号。" "appeal contact"
	pdftotext -q -layout "$TMP/out5/public/redblack.pdf" - | grep -qxE ' *2026年1月5日' ||
		fail "redblack.pdf with settings: no 落款 date line 2026年1月5日"
else
	fail "render with --settings failed: $(cat "$TMP/run5.err")"
fi

# an editable .docx beside each PDF, holding the same title
card1=$(q "SELECT name FROM units WHERE level = 'community' ORDER BY code LIMIT 1")
for ft in "briefing|x县2025年度党建引领基层治理考评简报" "community-ranking|关于2025年度社区考评结果的通报" \
	"redblack|x县2025年度物业服务企业红黑榜公示" "report-cards|${card1}考评报告卡"; do
	f=${ft%%|*}
	title=${ft#*|}
	[ -s "$(at "$f")/$f.docx" ] || { fail "$f.docx missing"; continue; }
	unzip -p "$(at "$f")/$f.docx" word/document.xml | sed 's/<[^>]*>//g' | norm >"$TMP/$f.docx.txt"
	grep -qF "$title" "$TMP/$f.docx.txt" || fail "$f.docx: title \"$title\" not in word/document.xml"
done

# redblack: every 红榜 and 黑榜 company with its code, the listing and validity dates
RB="$TMP/redblack.txt"
# names wrap inside their cell: the name alone, then code and score side by side
pdftotext -q -layout "$pub/redblack.pdf" - | norm >"$TMP/redblack-layout.txt"
q "SELECT name, code || printf('%.2f', score) FROM redblack WHERE list IN ('红榜', '黑榜', '约谈')
	ORDER BY code" >"$TMP/rb"
while IFS='|' read -r name cs; do
	has "$RB" "$name" "red/black/约谈 company"
	has "$TMP/redblack-layout.txt" "$cs" "red/black/约谈 company (code and score)"
done <"$TMP/rb"
valid=$(q "SELECT valid_until FROM redblack WHERE valid_until IS NOT NULL ORDER BY valid_until LIMIT 1")
if [ -n "$valid" ]; then
	cn=$(echo "$valid" | awk -F- '{ printf "%d年%d月%d日", $1, $2, $3 }')
	has "$RB" "有效期至$cn" "validity period"
fi
has "$RB" "申诉" "how to object"

# report-cards: a card per community, the score items of one card summing to its score
C="$TMP/report-cards.txt"
q "SELECT name FROM units WHERE level = 'community' ORDER BY code" >"$TMP/names"
while read -r name; do has "$C" "${name}考评报告卡" "report card"; done <"$TMP/names"
ncom=$(q "SELECT count(*) FROM units WHERE level = 'community'")
cpages=$(pdfinfo "$pub/report-cards.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
[ "${cpages:-0}" -ge "$ncom" ] || fail "report-cards.pdf: $cpages pages for $ncom communities"
code=$(q "SELECT c.code FROM community_ranking c WHERE EXISTS (SELECT 1 FROM score_items i
	JOIN scores s ON s.assessment = i.assessment AND s.entity = i.entity
	WHERE s.kind = '社区' AND i.entity = c.code) ORDER BY c.rank, c.code LIMIT 1")
if [ -n "$code" ]; then
	sum=$(q "SELECT printf('%.2f', sum(points)) FROM score_items i JOIN scores s
		ON s.assessment = i.assessment AND s.entity = i.entity WHERE s.kind = '社区' AND i.entity = '$code'")
	score=$(q "SELECT printf('%.2f', score) FROM community_ranking WHERE code = '$code'")
	[ "$sum" = "$score" ] || fail "score items of $code sum to $sum, score $score"
	has "$C" "合计$sum" "score items total of $code"
	item=$(q "SELECT item || coalesce(inputs, '') || printf('%.2f', points) FROM score_items i JOIN scores s
		ON s.assessment = i.assessment AND s.entity = i.entity WHERE s.kind = '社区'
		AND i.entity = '$code' ORDER BY i.seq LIMIT 1")
	has "$C" "$item" "first score item of $code"
else
	fail "no community has score items"
fi

# personal data: no phone or ID number of people.csv, unmasked, in any PDF
q "SELECT phone FROM people WHERE length(phone) >= 7 UNION SELECT id_card FROM people
	WHERE length(id_card) >= 15" >"$TMP/personal"
if [ -s "$TMP/personal" ]; then
	for f in briefing community-ranking redblack report-cards; do
		if grep -qF -f "$TMP/personal" "$TMP/$f.txt"; then
			fail "$f.pdf shows an unmasked phone or ID number"
		fi
	done
fi

# Layout (issue 12). Column titles wrap only between words: the titles are
# read from the .docx beside each PDF (its repeating header rows), and every
# block of pdftotext -bbox-layout whose lines together make a title must
# break it where words part: before "（", after "/" or "、", or between two
# pieces of at least four characters (统一社会/信用代码); never "考评得/分",
# "业主满意/度", "排/名", "经费合计（万/元）".
# No heading (一、 （一） 表N) is the last line of a page, and a short table
# (表4, the last ten communities) is on one page.
hdr_docs="$out/briefing $pub/community-ranking $pub/redblack $pub/report-cards"
for d in "$pub"/streets/*/*.pdf "$out"/整改通知书/*.pdf; do
	hdr_docs="$hdr_docs ${d%.pdf}"
done
nwrapped=0
for d in $hdr_docs; do
	[ -s "$d.pdf" ] && [ -s "$d.docx" ] || { fail "$d.pdf or .docx missing"; continue; }
	unzip -p "$d.docx" word/document.xml | sed 's/<w:tr[ >]/\n&/g' | grep '<w:tblHeader/>' |
		sed 's/<\/w:tc>/\n/g' | sed 's/<[^>]*>//g; s/&amp;/\&/g' | grep -v '^$' | sort -u >"$TMP/titles"
	[ -s "$TMP/titles" ] || { fail "$(basename "$d").docx: no table header row"; continue; }
	pdftotext -q -bbox-layout "$d.pdf" - | sed 's/&amp;/\&/g' | awk -v tf="$TMP/titles" '
		function chars(s) { return gsub(/[^\200-\277]/, "&", s) }
		BEGIN { while ((getline t < tf) > 0) title[t] = 1 }
		/<block/ { nl = 0; txt = "" }
		/<line/ { nl++; p[nl] = "" }
		/<word/ { w = $0; sub(/.*">/, "", w); sub(/<\/word>.*/, "", w); p[nl] = p[nl] w }
		/<\/block>/ {
			if (nl < 2) next
			j = ""; for (k = 1; k <= nl; k++) j = j p[k]
			if (!(j in title)) next
			n++
			for (k = 1; k < nl; k++) {
				a = p[k]; b = p[k + 1]
				if (substr(b, 1, 3) == "（" || substr(b, 1, 1) == "(") continue
				if (a ~ /\/$/ || a ~ /、$/) continue
				if (chars(a) >= 4 && chars(b) >= 4) continue
				bad = 1; printf "%s/%s in \"%s\"\n", a, b, j
			}
		}
		END { print n + 0 > "/dev/stderr"; exit bad }' >"$TMP/hbreak" 2>"$TMP/hcount" ||
		fail "$(basename "$d").pdf: a column title breaks inside a word: $(head -3 "$TMP/hbreak" | tr '\n' ' ')"
	nwrapped=$((nwrapped + $(cat "$TMP/hcount")))
	# the last line of each page above its page number
	pdftotext -q -layout "$d.pdf" - | awk '
		function flush() { if (last ~ /^ *([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|表[0-9]+ )/ &&
				       length(last) < 120) { printf "page %d ends with \"%s\"\n", pg, last; bad = 1 } }
		BEGIN { pg = 1 }
		{ n = split($0, part, "\f")
		  for (k = 1; k <= n; k++) {
			if (k > 1) { flush(); pg++; last = "" }
			if (part[k] !~ /^ *$/ && part[k] !~ /^ *— [0-9]+ — *$/) last = part[k]
		  } }
		END { exit bad }' >"$TMP/hlast" || fail "$(basename "$d").pdf: a heading is the last line of a page: $(head -2 "$TMP/hlast" | tr '\n' ' ')"
done
# some titles wrap in the sample (经费合计/（万元）, 投诉率/（‰）): the check saw them
[ "$nwrapped" -gt 0 ] || fail "no wrapped column title found: the header check checked nothing"
lastc=$(q "SELECT name FROM community_ranking ORDER BY rank DESC, code DESC LIMIT 1")
pg=1
np=$(pdfinfo "$out/briefing.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
while [ "$pg" -le "${np:-0}" ]; do
	pdftotext -q -f "$pg" -l "$pg" "$out/briefing.pdf" - | norm >"$TMP/page"
	if grep -qF "社区考评后10名" "$TMP/page"; then
		grep -qF "$lastc" "$TMP/page" || fail "briefing.pdf: 表4 (后10名) is split over pages"
		break
	fi
	pg=$((pg + 1))
done
# 同比 of a score says its unit (提高0.06分, not 提高0.06)
grep -E '群众满意度分[0-9.]+[0-9.]+(提高|降低)[0-9.]+([^0-9.分]|$)' "$B" >/dev/null &&
	fail "briefing.pdf: the 同比 of 群众满意度 has no unit"

# the site of the same run: no rule file and line, no path of this machine
if grep -rlE 'rules/|\.lua|/work/|/tmp/' "$pub/html" >"$TMP/traces"; then
	fail "developer traces (rules/, .lua, /work/, /tmp/) on the site: $(head -3 "$TMP/traces" | tr '\n' ' ')"
fi

# narrative templates: an edited sentence appears; a broken one names file and line
cp -R templates "$TMP/tpl"
old="现将有关情况简报如下。"
new="本段由测试改写，用于检验模板修改即时生效。"
sed "s/$old/$new/" templates/narrative/briefing_intro.txt >"$TMP/tpl/narrative/briefing_intro.txt"
grep -qF "$new" "$TMP/tpl/narrative/briefing_intro.txt" || fail "could not edit the template"
if "$KAOPING_FAST" run --quiet --input samples/county --output "$TMP/out2" --templates "$TMP/tpl" \
	2>"$TMP/run2.err"; then
	text "$TMP/out2/briefing.pdf" >"$TMP/edited.txt"
	has "$TMP/edited.txt" "$new" "edited template sentence"
	grep -qF "$old" "$TMP/edited.txt" && fail "the old sentence is still in the briefing"
else
	fail "run with edited templates failed: $(cat "$TMP/run2.err")"
fi
printf '第一行\n{{no_such_figure}}\n' >"$TMP/tpl/narrative/briefing_events.txt"
if "$KAOPING_FAST" run --quiet --input samples/county --output "$TMP/out3" --templates "$TMP/tpl" \
	2>"$TMP/run3.err"; then
	fail "a template with an unknown name did not fail the run"
else
	grep -qF "briefing_events.txt:2" "$TMP/run3.err" ||
		fail "the template error does not name briefing_events.txt:2: $(cat "$TMP/run3.err")"
fi
cp templates/narrative/briefing_events.txt "$TMP/tpl/narrative/"
rm "$TMP/tpl/narrative/ranking_intro.txt"
if "$KAOPING_FAST" run --quiet --input samples/county --output "$TMP/out4" --templates "$TMP/tpl" \
	2>"$TMP/run4.err"; then
	fail "a missing template did not fail the run"
else
	grep -qF "ranking_intro.txt" "$TMP/run4.err" ||
		fail "the missing template is not named: $(cat "$TMP/run4.err")"
fi

[ "$fails" = 0 ] || exit 1
echo "4 PDFs checked ($pages ranking pages, $cpages report-card pages)"
