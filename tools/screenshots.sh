#!/bin/sh
# screenshots.sh [OUTPUT] - the README's pictures from a finished run: the
# site's overview in headless Chromium and the briefing's first page with
# pdftoppm, into docs/images/.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$(cd "${1:-$ROOT/output}" && pwd)
mkdir -p "$ROOT/docs/images"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,1500 \
	--screenshot="$ROOT/docs/images/index.png" "file://$OUT/public/html/index.html" 2>/dev/null
pdftoppm -r 60 -png -f 1 -l 1 -singlefile "$OUT/briefing.pdf" "$ROOT/docs/images/briefing" 2>/dev/null
ls -la "$ROOT/docs/images"
