#!/bin/sh
# site_overflow.sh - no page of the site is wider than the screen: at 390 px (a
# phone) and at 1280 px (a desktop) the overview, every ranking page, a unit
# page, a company page and the data-quality page have
# document.documentElement.scrollWidth <= the viewport width (a wide table
# scrolls inside its own box, a chart shrinks to the width). At 1280 px the
# street ranking and the red/black list also show every column without
# scrolling their boxes.
#
# How: the site is rendered from tests/fixtures/hostile (long markup-like
# names); each page is copied with a small script appended that posts its
# widths to the parent frame; one harness page holds every page twice, in
# iframes 390 and 1280 px wide (an iframe is the page's viewport: media queries
# and innerWidth follow it), gathers the posted widths into <pre id=kp-probe>,
# and ONE headless Chromium run dumps the DOM (one run per page and width takes
# minutes on a loaded machine). Run from the repo root with KAOPING and TMP set.
# Exit 0 pass, 77 skip (no chromium), anything else fail.
set -u
KAOPING="${KAOPING_FAST:-${KAOPING:-build/san/kaoping}}"
TMP="${TMP:-$(mktemp -d)}"
FIX=tests/fixtures/hostile
TEMPLATES="${KP_TEMPLATES:-templates}" # KP_TEMPLATES: to show the test failing on older templates
out="$TMP/out"
SITE="$out/public/html" # where render writes the site (in the publishable folder)
W="$TMP/probe"
fail=0

bad() { echo "FAIL: $*"; fail=1; }
[ -x "$KAOPING" ] || { bad "no executable $KAOPING"; exit 1; }
command -v chromium >/dev/null 2>&1 || { echo "skip: chromium missing"; exit 77; }
mkdir -p "$W"
db="$TMP/hostile.db"
"$KAOPING" ingest --input "$FIX" --db "$db" >"$W/ingest.out" 2>&1 || { cat "$W/ingest.out"; bad "ingest failed"; exit 1; }
"$KAOPING" score --db "$db" --rules rules >"$W/score.out" 2>&1 || { cat "$W/score.out"; bad "score failed"; exit 1; }
"$KAOPING" render --db "$db" --output "$out" --templates "$TEMPLATES" >"$W/render.out" 2>&1 || { cat "$W/render.out"; bad "render failed"; exit 1; }

unit=$(cd "$SITE" && ls u/*.html 2>/dev/null | sed -n 2p)    # a street's page: its tables of communities
company=$(cd "$SITE" && ls c/*.html 2>/dev/null | sed -n 1p)
[ -n "$unit" ] && [ -n "$company" ] || { bad "no unit or company page in $SITE"; exit 1; }
pages="index.html streets.html communities.html grids.html redblack.html points.html quality.html $unit $company"

# the probe: after load (and sort.js), the page posts its path, its viewport
# and document widths, how many tables overflow their box and how many charts
# are wider than their figure (cut, or scrolling inside it)
probe='<script>addEventListener("load",function(){setTimeout(function(){var d=document.documentElement,t=0,g=0;document.querySelectorAll(".table-wrap").forEach(function(b){if(b.scrollWidth>b.clientWidth+1)t++;});document.querySelectorAll("figure.chart").forEach(function(f){var i=f.querySelector("img"),b=i&&i.parentNode;if(f.scrollWidth>f.clientWidth+1||(b&&b.scrollWidth>b.clientWidth+1)||(i&&i.getBoundingClientRect().right>f.getBoundingClientRect().right+1))g++;});parent.postMessage(location.pathname.split("/html/").pop()+" "+innerWidth+" "+d.scrollWidth+" "+t+" "+g,"*");},50);});</script>'
n=0
frames=""
for p in $pages; do
	[ -f "$SITE/$p" ] || { bad "missing page $p"; continue; }
	printf '%s\n' "$probe" >>"$SITE/$p"
	for w in 390 1280; do
		frames="$frames<iframe src=\"$p\" width=\"$w\" height=\"700\"></iframe>"
		n=$((n + 1))
	done
done
cat >"$SITE/kp-harness.html" <<EOF
<!DOCTYPE html><html><head><meta charset="utf-8"><style>iframe{border:0;display:block}</style></head><body>
<pre id="kp-probe"></pre>
<script>var got=[];addEventListener("message",function(e){got.push(e.data);document.getElementById("kp-probe").textContent="\n"+got.join("\n")+"\n";});</script>
$frames
</body></html>
EOF
abs=$(cd "$SITE" && pwd)
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,900 \
	--virtual-time-budget=8000 --dump-dom "file://$abs/kp-harness.html" >"$W/dom" 2>"$W/chromium.err"
grep -E '^[A-Za-z0-9_./-]+\.html [0-9]+ [0-9]+ [0-9]+ [0-9]+$' "$W/dom" | sort >"$W/widths"
got=$(wc -l <"$W/widths")
[ "$got" -eq "$n" ] || { bad "chromium reported $got of $n page widths"; tail -3 "$W/chromium.err"; }
while read -r page vw sw boxes charts; do
	[ "$sw" -le "$vw" ] || bad "$page at $vw px: the page is $sw px wide (scrolls sideways)"
	[ "$charts" -eq 0 ] || bad "$page at $vw px: $charts chart(s) wider than their box (cut)"
	case "$vw $page" in
	"1280 streets.html" | "1280 redblack.html")
		[ "$boxes" -eq 0 ] || bad "$page at 1280 px: $boxes table(s) wider than their box (columns cut)" ;;
	esac
done <"$W/widths"
[ "$fail" = 0 ] || { cat "$W/widths"; exit 1; }
echo "ok: $got page widths within the screen"
