# gbt9704.sh OUT - measures the GB/T 9704-2012 layout of a run's PDFs with
# `pdftotext -bbox-layout` (and, for colours and the red rule, pixels of a
# pdftoppm crop) and prints one row per element: document, element, what the
# standard asks, what was measured, ok/FAIL. Exits 1 when any element is off
# by more than the tolerance (1 mm for positions). Ends with the fonts the
# PDFs embed (pdffonts). Run by tests/t/docx_roundtrip.sh on its run; by hand:
#   sh tests/gbt9704.sh output
# Needs python3, pdftotext, pdftoppm, pdffonts (poppler-utils).
set -eu
OUT="$1"
# the documents measured, found by name under OUT (some move to OUT/public/)
DOCS="briefing community-ranking redblack"
py=$(mktemp "${TMPDIR:-/tmp}/gbt9704.XXXXXX")
trap 'rm -rf "$py" "$py.d"' EXIT
mkdir -p "$py.d"
args=""
for d in $DOCS; do
	f=$(find "$OUT" -name "$d.pdf" | head -n 1)
	[ -n "$f" ] || { echo "FAIL: no $d.pdf under $OUT"; exit 1; }
	args="$args $f"
done
cat >"$py" <<'EOF'
import re, statistics, subprocess, sys

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM   # 595.28 x 841.89 pt
LEFT, TOP = 28 * MM, 37 * MM           # from the paper's left and top edges
BLOCK_W, BLOCK_H = 156 * MM, 225 * MM
RIGHT, BOTTOM = LEFT + BLOCK_W, TOP + BLOCK_H
PITCH_X = BLOCK_W / 28                 # 15.79 pt a character
PITCH_Y = BLOCK_H / 22                 # 28.99 pt a line
TOL = 1 * MM
tmp = sys.argv[1]
rows, bad = [], 0


def row(doc, elem, want, got, ok):
    global bad
    rows.append((doc, elem, want, got, 'ok' if ok else 'FAIL'))
    bad += not ok


def lines_of(pdf):
    """Pages of lines: (xMin, yMin, xMax, yMax, text), y from the top."""
    x = subprocess.run(['pdftotext', '-bbox-layout', pdf, '-'], capture_output=True,
                       text=True, check=True).stdout
    pages = []
    for part in re.split(r'<page ', x)[1:]:
        w, h = (float(v) for v in re.match(r'width="([\d.]+)" height="([\d.]+)"', part).groups())
        ls = []
        for m in re.finditer(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', part, re.S):
            words = re.findall(r'<word [^>]*>(.*?)</word>', m.group(5))
            t = ''.join(words).replace('&amp;', '&').replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"')
            ls.append(tuple(float(v) for v in m.groups()[:4]) + (t,))
        pages.append((w, h, ls))
    return pages


def red_fraction(pdf, page, box, dpi=144):
    """Share of the inked pixels in box (points) that are red, and the rows
    (y in points) where red runs across at least 90 % of the text block."""
    x0, y0, x1, y1 = box
    s = dpi / 72
    out = '%s/crop' % tmp
    subprocess.run(['pdftoppm', '-f', str(page), '-l', str(page), '-r', str(dpi),
                    '-x', str(int(x0 * s)), '-y', str(int(y0 * s)), '-W', str(int((x1 - x0) * s)),
                    '-H', str(int((y1 - y0) * s)), '-singlefile', pdf, out], check=True)
    data = open(out + '.ppm', 'rb').read()
    m = re.match(rb'P6\s+(\d+)\s+(\d+)\s+255\s', data)
    w, h = int(m.group(1)), int(m.group(2))
    px = data[m.end():]
    ink = red = 0
    redrows = []
    for j in range(h):
        rr = 0
        for i in range(w):
            r, g, b = px[3 * (j * w + i):3 * (j * w + i) + 3]
            if min(r, g, b) < 160:  # inked (edges of anti-aliased glyphs are paler)
                ink += 1
                if r - max(g, b) > 60:
                    red += 1
                    rr += 1
        if rr >= 0.9 * BLOCK_W * s:
            redrows.append(y0 + j / s)
    return (red / ink if ink else 0), redrows


def units(t):
    """Width of t in characters: full-width 1, others 1/2."""
    return sum(1 if ord(c) >= 0x2E80 or 0x2010 <= ord(c) <= 0x2027 else 0.5 for c in t)


def mm(v):
    return '%.1f mm' % (v / MM)


def body(l):  # a 三号 line: pdftotext's box is 0.998 em high for these fonts
    return 15.5 <= l[3] - l[1] <= 16.5


DATE = re.compile(r'^(\d{4})年([1-9]\d?)月([1-9]\d?)日$')

for pdf in sys.argv[2:]:
    doc = re.sub(r'.*/', '', pdf)[:-4]
    pages = lines_of(pdf)
    n = len(pages)
    sizes = {(round(w, 2), round(h, 2)) for w, h, _ in pages}
    row(doc, '纸张 A4', '595.28×841.89 pt', ', '.join('%.2f×%.2f' % s for s in sorted(sizes)),
        all(abs(w - PAGE_W) <= TOL and abs(h - PAGE_H) <= TOL for w, h in sizes))
    bl = [(p, l) for p, (_, _, ls) in enumerate(pages, 1) for l in ls if body(l) and not re.fullmatch(r'—\d+—', l[4])]
    # 天头: the first line of each page after the first, when it is body text
    tops = [ls[0][1] for _, _, ls in pages[1:] if ls and body(ls[0])]
    if tops:
        row(doc, '天头（续页首行字顶）', '37 ±1 mm', '%s – %s (%d pages)' % (mm(min(tops)), mm(max(tops)), len(tops)),
            all(abs(t - TOP) <= TOL for t in tops))
    lefts = [l[0] for _, l in bl]
    row(doc, '订口（正文左缘）', '28 ±1 mm', mm(min(lefts)), abs(min(lefts) - LEFT) <= TOL)
    full = [l for _, l in bl if abs(l[0] - LEFT) <= TOL and abs(l[2] - RIGHT) <= TOL]
    right = max(l[2] for _, l in bl)
    row(doc, '版心宽（满行左缘至右缘）', '156 ±1 mm', mm(right - min(lefts)), abs(right - min(lefts) - BLOCK_W) <= TOL)
    fw = [l for l in full if all(ord(c) >= 0x2E80 or 0xFF00 <= ord(c) for c in l[4])]
    counts = sorted({len(l[4]) for l in fw})
    # 28 a line; 29 only where a line-end punctuation mark was kept on the line
    # by squeezing the line's punctuation (标点挤压, not a line start: 避头)
    squeezed = all(len(l[4]) == 28 or (len(l[4]) == 29 and l[4][-1] in '，。；：、！？）”』」')
                   for l in fw)
    row(doc, '每行字数（全角满行）', '28（行末标点挤进本行时 29）', '%s (%d lines)' % ('/'.join(map(str, counts)), len(fw)),
        bool(fw) and squeezed)
    if fw:
        pitch_x = statistics.median((l[2] - l[0]) / 28 for l in fw)
        row(doc, '字距（满行宽/28）', '15.79 pt', '%.2f pt' % pitch_x, abs(pitch_x - PITCH_X) < 0.05)
    diffs = []
    slots = []
    for p, (_, _, ls) in enumerate(pages, 1):
        b = [l for l in ls if body(l)]
        diffs += [b2[1] - b1[1] for b1, b2 in zip(b, b[1:]) if b2[1] - b1[1] < 1.5 * PITCH_Y]
        if p > 1 and b:
            slots.append(round((b[-1][1] - TOP) / PITCH_Y) + 1)
    pitch = statistics.median(diffs)
    row(doc, '行距（正文相邻行）', '28.99 pt (225 mm/22)', '%.2f pt' % pitch, abs(pitch - PITCH_Y) < 0.05)
    cap = int((BLOCK_H - 16 + 0.5) / pitch) + 1
    row(doc, '每页行数（版心容纳 / 续页最低正文行）', '22', '%d / %d' % (cap, max(slots) if slots else 0),
        cap == 22 and slots and max(slots) <= 22)
    hs = [l[3] - l[1] for _, l in bl]
    row(doc, '正文字号（三号）', '16 pt', '%.2f pt' % (statistics.median(hs) / 0.998), abs(statistics.median(hs) / 0.998 - 16) < 0.1)
    # page numbers: "—", N, "—" in one line
    pn_ok, pn = True, []
    for p, (_, _, ls) in enumerate(pages, 1):
        l = [l for l in ls if re.fullmatch(r'—%d—' % p, l[4])]
        if len(l) != 1:
            pn_ok = False
            pn.append('p%d none' % p)
            continue
        l = l[0]
        edge = RIGHT - 14 - l[2] if p % 2 else l[0] - LEFT - 14
        below = l[1] - BOTTOM
        pn.append('%.1f/%.1f' % (below / MM, edge / MM))
        pn_ok &= abs(below - 7 * MM) <= TOL and abs(edge) <= TOL and abs(l[3] - l[1] - 14) < 0.3
    row(doc, '页码“— N —”（版心下 mm / 距外缘一字 mm，单右双左，四号）', '7 / 0', ' '.join(pn[:4]) + (' …' if n > 4 else ''), pn_ok)
    p1 = pages[0][2]
    # title: the 二号 line(s)
    tl = [l for l in p1 if 21.5 <= l[3] - l[1] <= 22.5]
    row(doc, '标题字号（二号）', '22 pt', '%.2f pt “%s”' % ((tl[0][3] - tl[0][1]) / 0.998, tl[0][4][:14]) if tl else 'none',
        bool(tl) and abs((tl[0][3] - tl[0][1]) / 0.998 - 22) < 0.2)
    if tl:
        c = (tl[0][0] + tl[0][2]) / 2
        row(doc, '标题居中', '0 mm', mm(c - (LEFT + RIGHT) / 2), abs(c - (LEFT + RIGHT) / 2) <= TOL)
    head = p1[0]
    hc = (head[0] + head[2]) / 2
    frac, _ = red_fraction(pdf, 1, (head[0], head[1], head[2], head[3]))
    name = '简报名称' if doc == 'briefing' else '发文机关标志'
    row(doc, name + '（红色、居中）', '红 ≥90 %, 0 mm', '%.0f %% red, %s “%s”' % (100 * frac, mm(hc - (LEFT + RIGHT) / 2), head[4]),
        frac >= 0.9 and abs(hc - (LEFT + RIGHT) / 2) <= TOL)
    if doc == 'briefing':
        issue = p1[1]
        row(doc, '期号（居中）', '0 mm', '%s “%s”' % (mm((issue[0] + issue[2]) / 2 - (LEFT + RIGHT) / 2), issue[4]),
            abs((issue[0] + issue[2]) / 2 - (LEFT + RIGHT) / 2) <= TOL)
        org, dt = [l for l in p1 if body(l)][1:3] if len(p1) > 3 else (None, None)
        row(doc, '编发单位左、日期右（报头）', '28 mm / 版心右缘 0 mm', '%s / %s “%s”' % (mm(org[0]), mm(RIGHT - dt[2]), dt[4]),
            abs(org[0] - LEFT) <= TOL and abs(RIGHT - dt[2]) <= TOL and bool(DATE.match(dt[4])))
        _, rr = red_fraction(pdf, 1, (LEFT - 2, dt[3], RIGHT + 2, dt[3] + 20))
        row(doc, '报头红色分隔线（日期下）', '版心宽', ('%s below the date' % mm(rr[0] - dt[3])) if rr else 'none', bool(rr))
        # 版记 on the last page, its last rule at the text block's foot
        last = pages[-1][2]
        col = [l for l in last if l[4].startswith('报送：') or l[4].endswith('印发')]
        ok = len(col) >= 2 and abs(max(l[3] for l in col) - BOTTOM) <= 12
        row(doc, '版记（末页下部：报送、印发机关和日期）', '版心底 262 mm 以上，贴底',
            ', '.join('%s “%s”' % (mm(l[3]), l[4][:8]) for l in col) or 'none', ok)
    else:
        docno = p1[1]
        c = (docno[0] + docno[2]) / 2
        row(doc, '文号（居中，标志下空二行）', '0 mm; 2 行',
            '%s; %.1f 行 “%s”' % (mm(c - (LEFT + RIGHT) / 2), (docno[1] - head[3]) / PITCH_Y, docno[4]),
            abs(c - (LEFT + RIGHT) / 2) <= TOL and 1.5 <= (docno[1] - head[3]) / PITCH_Y <= 2.9)
        row(doc, '发文机关标志上缘距版心上缘', '35 ±1 mm', mm(head[1] - TOP), abs(head[1] - TOP - 35 * MM) <= TOL)
        _, rr = red_fraction(pdf, 1, (LEFT - 2, docno[3], RIGHT + 2, docno[3] + 30))
        row(doc, '红色分隔线（文号下 4 mm，版心宽）', '4 ±1 mm', mm(rr[0] - docno[3]) if rr else 'none',
            bool(rr) and abs(rr[0] - docno[3] - 4 * MM) <= TOL)
        ti = p1.index(tl[0]) if tl else 1
        after = [l for l in p1[ti + 1:] if not (21.5 <= l[3] - l[1] <= 22.5) and not re.fullmatch(r'（(公示稿|终稿)）', l[4])]
        to = after[0] if after else None
        row(doc, '主送（标题后首行，顶格，全角冒号结尾）', '28 mm, “：”', '%s “%s”' % (mm(to[0]), to[4]) if to else 'none',
            bool(to) and abs(to[0] - LEFT) <= TOL and to[4].endswith('：'))
        # 落款 and 成文日期: the date line with the line above it
        sig = None
        for p, (_, _, ls) in enumerate(pages, 1):
            for i, l in enumerate(ls):
                if DATE.match(l[4]) and i > 0:
                    sig = (p, ls[i - 1], l)
        if sig:
            p, s, d = sig
            dr = RIGHT - d[2]
            sc = (s[0] + s[2]) / 2 - (d[0] + d[2]) / 2
            row(doc, '成文日期（阿拉伯数字，右空四字）', '4 字 = 63.2 pt', '%.1f pt “%s” (p%d)' % (dr, d[4], p),
                abs(dr - 4 * PITCH_X) <= TOL)
            row(doc, '落款（以成文日期居中）', '0 mm', '%s “%s”' % (mm(sc), s[4]),
                abs(sc) <= TOL)
        else:
            row(doc, '成文日期', 'YYYY年M月D日', 'none', False)

w = [max(len(r[i]) for r in rows) for i in range(5)]
for r in rows:
    print(' | '.join(r))
sys.exit(1 if bad else 0)
EOF
# shellcheck disable=SC2086
/usr/bin/python3 "$py" "$py.d" $args || rc=1
echo "fonts (pdffonts, every PDF of the run):"
find "$OUT" -name '*.pdf' -exec pdffonts {} \; | awk 'NR > 2 && $1 != "name" && $1 !~ /^-/ {sub(/^[A-Z]+\+/, "", $1); print "  " $1}' | sort | uniq -c
exit "${rc:-0}"
