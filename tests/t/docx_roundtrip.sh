# The .docx round trip (issue 11): one run on the county sample; for every
# .docx it writes (briefing, community-ranking, redblack, report-cards, each
# street's 通报 and 整改清单, each 整改通知书) word/document.xml is read with a
# real zip and XML parser (python3's zipfile and xml.etree) and its text must
# equal `pdftotext -raw` of the PDF beside it, whitespace removed, page numbers
# "— N —" dropped and a table's header row dropped where the PDF repeats it at
# the top of a page (the watermark is a picture in the PDF and a header in the
# .docx, so neither text has it). Also checked in each .docx: every table's
# first row repeats (w:tblHeader); every section is A4 (w:pgSz 11906 x 16838)
# with GB/T 9704 margins (top 37 mm, left 28 mm, a 156 x 225 mm text block,
# each within 1 mm); footers "— PAGE —", odd pages right and even pages left,
# one 四号 character (280 twips) in; the styles name the fonts of the
# settings' four roles as Word and WPS know them (body 仿宋_GB2312, title
# 方正小标宋简体, 一、 黑体, （一） 楷体_GB2312), 16 pt body and 22 pt title.
# The checker first runs on a copy of a .docx spoiled on purpose (a character
# changed, a header row and a margin altered) and must report all three: a
# checker that passes everything fails this test.
# Then tests/gbt9704.sh measures the PDFs of the same run (pdftotext -bbox).
# Needs python3, pdftotext (poppler-utils; tools/deps.sh TEST): else fails.
set -eu
# Where the run writes; the documents are found by name anywhere under it,
# so that moving some into public/ needs no change here.
OUT="$TMP/out"
PY=/usr/bin/python3
[ -x "$KAOPING_FAST" ] || { echo "FAIL: no executable $KAOPING_FAST"; exit 1; }
for t in "$PY" pdftotext; do
	command -v "$t" >/dev/null 2>&1 || { echo "FAIL: $t not installed (tools/deps.sh test)"; exit 1; }
done
"$KAOPING_FAST" run --quiet --input samples/county --output "$OUT" 2>"$TMP/run.err" || {
	cat "$TMP/run.err"
	exit 1
}
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
find "$OUT" -name '*.docx' | LC_ALL=C sort >"$TMP/docx.list"
# the documents issue 11 names, each found once
for want in /briefing.docx /community-ranking.docx /redblack.docx /report-cards.docx; do
	n=$(grep -c "$want\$" "$TMP/docx.list" || true)
	[ "$n" = 1 ] || fail "expected one $want under the output, found $n"
done
# the sample has 6 streets; a 整改通知书 goes to each 约谈 or 黑榜 company,
# counted from the run's own redblack.csv
n=$(grep -c '/通报\.docx$' "$TMP/docx.list" || true)
[ "$n" = 6 ] || fail "expected 6 streets' 通报.docx, found $n"
n=$(grep -c '/整改清单\.docx$' "$TMP/docx.list" || true)
[ "$n" = 6 ] || fail "expected 6 streets' 整改清单.docx, found $n"
n=$(grep -c '/整改通知书/[^/]*\.docx$' "$TMP/docx.list" || true)
want=$(grep -cE ',(约谈|黑榜),' "$OUT/csv/redblack.csv" || true)
[ "$want" -gt 0 ] && [ "$n" = "$want" ] || fail "expected $want 整改通知书 .docx (约谈 and 黑榜 in redblack.csv), found $n"

cat >"$TMP/check.py" <<'EOF'
import re, subprocess, sys, zipfile
import xml.etree.ElementTree as ET

W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
R = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}'
MM = 1440 / 25.4  # twips per millimetre
errs = []


def err(f, msg):
    errs.append('%s: %s' % (f, msg))


def norm(s):
    return re.sub(r'\s+', '', s)


def a(el, name):
    return None if el is None else el.get(W + name)


def docx_text(root):
    """All w:t text in document order, and each table's header-row text."""
    text = ''.join(t.text or '' for t in root.iter(W + 't'))
    heads = []
    for tbl in root.iter(W + 'tbl'):
        rows = tbl.findall(W + 'tr')
        if rows:
            heads.append(norm(''.join(t.text or '' for t in rows[0].iter(W + 't'))))
    return norm(text), heads


def pdf_pages(pdf):
    p = subprocess.run(['pdftotext', '-raw', pdf, '-'], capture_output=True, text=True)
    if p.returncode != 0 or p.stderr:
        return None, p.stderr.strip()[:200]
    pages = []
    for page in p.stdout.split('\f'):
        lines = [l for l in page.split('\n') if not re.fullmatch(r'\s*—\s*\d+\s*—\s*', l)]
        pages.append(norm(''.join(lines)))
    return pages, None


def compare_text(f, d, heads, pages):
    """Walks the PDF's pages along the .docx text; a page may start with a
    repeated table header that the .docx has once."""
    pos = 0
    for i, p in enumerate(pages):
        while not d.startswith(p, pos):
            h = next((h for h in heads if h and p.startswith(h) and not d.startswith(h, pos)), None)
            if h is None:
                k = 0
                while k < len(p) and pos + k < len(d) and p[k] == d[pos + k]:
                    k += 1
                err(f, 'text differs on PDF page %d after "%s": PDF "%s", .docx "%s"'
                    % (i + 1, d[max(0, pos + k - 16):pos + k], p[k:k + 24], d[pos + k:pos + k + 24]))
                return
            p = p[len(h):]
        pos += len(p)
    if pos != len(d):
        err(f, 'the .docx has text the PDF has not: "%s"' % d[pos:pos + 40])


def near(v, mm):
    return v is not None and abs(int(v) - mm * MM) <= MM  # within 1 mm


def check_sections(f, root, rels):
    sects = list(root.iter(W + 'sectPr'))
    if not sects:
        err(f, 'no w:sectPr')
    for s in sects:
        sz, mar = s.find(W + 'pgSz'), s.find(W + 'pgMar')
        if (a(sz, 'w'), a(sz, 'h')) != ('11906', '16838'):
            err(f, 'page size %s x %s, not A4 11906 x 16838' % (a(sz, 'w'), a(sz, 'h')))
            continue
        if mar is None:
            err(f, 'no w:pgMar')
            continue
        top, left = int(a(mar, 'top')), int(a(mar, 'left'))
        tw = 11906 - left - int(a(mar, 'right'))
        th = 16838 - top - int(a(mar, 'bottom'))
        for name, v, mm in (('top margin', top, 37), ('left margin', left, 28),
                            ('text block width', tw, 156), ('text block height', th, 225)):
            if not near(v, mm):
                err(f, '%s %s twips (%.1f mm), not %d mm' % (name, v, v / MM, mm))
        refs = {r.get(W + 'type'): rels.get(r.get(R + 'id')) for r in s.findall(W + 'footerReference')}
        if set(refs) != {'default', 'even'} or None in refs.values():
            err(f, 'footers %s: want a default (odd) and an even footer' % sorted(refs))
        else:
            check_footer(f, refs['default'], 'right')
            check_footer(f, refs['even'], 'left')


def check_footer(f, xml, side):
    root = ET.fromstring(xml)
    seq = []
    for el in root.iter():
        if el.tag == W + 't':
            seq.append(('t', el.text or ''))
        elif el.tag == W + 'fldChar':
            seq.append((el.get(W + 'fldCharType'), ''))
        elif el.tag == W + 'instrText':
            seq.append(('instr', (el.text or '').strip()))
    kinds = [k for k, _ in seq]
    ok = (kinds == ['t', 'begin', 'instr', 'separate', 't', 'end', 't']
          and seq[0][1].strip() == '—' and seq[2][1] == 'PAGE' and seq[6][1].strip() == '—')
    if not ok:
        err(f, '%s footer is not "— PAGE —": %s' % (side, seq))
    p = root.find('.//' + W + 'pPr')
    jc, ind = a(p.find(W + 'jc'), 'val'), p.find(W + 'ind')
    if jc != side or a(ind, side) != '280':
        err(f, '%s-page footer: jc %s, indent %s (want %s, 280)' % (side, jc, a(ind, side), side))


def check_tables(f, root):
    for i, tbl in enumerate(root.iter(W + 'tbl')):
        rows = tbl.findall(W + 'tr')
        if not rows or rows[0].find(W + 'trPr/' + W + 'tblHeader') is None:
            err(f, 'table %d: its first row is not a repeating header (w:tblHeader)' % (i + 1))
    return len(list(root.iter(W + 'tbl')))


# the fonts of the settings' roles (settings.h SET_FONT_*), as Word and WPS
# name them, and the altName that Windows has when the _GB2312 face is missing
ROLES = {'Normal': ('仿宋_GB2312', '32'), 'Title': ('方正小标宋简体', '44'),
         'Heading1': ('黑体', None), 'Heading2': ('楷体_GB2312', None)}
ALT = {'仿宋_GB2312': '仿宋', '方正小标宋简体': '宋体', '黑体': 'SimHei', '楷体_GB2312': '楷体'}


def check_styles(f, styles, fonts):
    st = ET.fromstring(styles)
    dflt = st.find(W + 'docDefaults/' + W + 'rPrDefault/' + W + 'rPr')
    by_id = {s.get(W + 'styleId'): s for s in st.findall(W + 'style')}

    def prop(sid, tag):  # follows basedOn to the defaults
        seen = 0
        while sid in by_id and seen < 20:
            el = by_id[sid].find(W + 'rPr/' + W + tag)
            if el is not None:
                return el
            b = by_id[sid].find(W + 'basedOn')
            sid = a(b, 'val')
            seen += 1
        return dflt.find(W + tag) if dflt is not None else None

    for sid, (font, size) in ROLES.items():
        if sid not in by_id:
            err(f, 'no style %s' % sid)
            continue
        ea = a(prop(sid, 'rFonts'), 'eastAsia')
        if ea != font:
            err(f, 'style %s: East Asian font %s, not %s' % (sid, ea, font))
        if size and a(prop(sid, 'sz'), 'val') != size:
            err(f, 'style %s: size %s half-points, not %s' % (sid, a(prop(sid, 'sz'), 'val'), size))
    ft = {x.get(W + 'name'): a(x.find(W + 'altName'), 'val') for x in ET.fromstring(fonts).findall(W + 'font')}
    for name, alt in ALT.items():
        if ft.get(name, '') != alt:
            err(f, 'fontTable: %s has altName %s, not %s' % (name, ft.get(name, '(missing)'), alt))


def check(f):
    z = zipfile.ZipFile(f)
    root = ET.fromstring(z.read('word/document.xml'))
    rels = {}
    for r in ET.fromstring(z.read('word/_rels/document.xml.rels')):
        t = 'word/' + r.get('Target')
        rels[r.get('Id')] = z.read(t) if t in z.namelist() else None
    s = ET.fromstring(z.read('word/settings.xml'))
    if s.find(W + 'evenAndOddHeaders') is None:
        err(f, 'settings.xml: no w:evenAndOddHeaders (even pages would use the odd footer)')
    d, heads = docx_text(root)
    pages, e = pdf_pages(f[:-5] + '.pdf')
    if pages is None:
        err(f, 'pdftotext of the PDF beside it: %s' % (e or 'failed'))
    elif not d:
        err(f, 'no text in word/document.xml')
    else:
        compare_text(f, d, heads, pages)
    check_sections(f, root, rels)
    check_styles(f, z.read('word/styles.xml'), z.read('word/fontTable.xml'))
    return check_tables(f, root), len(d)


def spoil(src, dst):
    """A copy with one character changed, the first table's header mark
    removed and the left margin 1.5 mm too wide."""
    zi, zo = zipfile.ZipFile(src), zipfile.ZipFile(dst, 'w')
    for n in zi.namelist():
        b = zi.read(n)
        if n == 'word/document.xml':
            t = b.decode()
            t = re.sub('(<w:t[^>]*>[^<]*?)社区', r'\1杜区', t, count=1)
            t = t.replace('<w:tblHeader/>', '', 1)
            t = re.sub(r'w:left="(\d+)"', lambda m: 'w:left="%d"' % (int(m.group(1)) + 85), t)
            b = t.encode()
        zo.writestr(n, b)
    zo.close()


if sys.argv[1] == '--spoiled':
    src, dst = sys.argv[2], sys.argv[3]
    spoil(src, dst)
    check(dst)
    want = ['text differs', 'not a repeating header', 'left margin']
    missing = [w for w in want if not any(w in e for e in errs)]
    print('\n'.join(errs))
    sys.exit(1 if missing else 0)
files = open(sys.argv[2], encoding='utf-8').read().split('\n')
files = [f for f in files if f]
ntab = nchar = 0
for f in files:
    t, c = check(f)
    ntab, nchar = ntab + t, nchar + c
print('%d .docx files, %d tables, %d characters compared' % (len(files), ntab, nchar))
if ntab == 0 or nchar < 10000:
    err('all', 'too few tables or characters compared: the test would assert nothing')
if errs:
    print("\n".join(errs))
sys.exit(1 if errs else 0)
EOF

# the checker must catch a spoiled copy (the spoiled PDF is the original's)
cr=$(grep '/community-ranking\.docx$' "$TMP/docx.list" | head -n 1)
mkdir -p "$TMP/spoiled"
cp "${cr%.docx}.pdf" "$TMP/spoiled/community-ranking.pdf"
if ! "$PY" "$TMP/check.py" --spoiled "$cr" "$TMP/spoiled/community-ranking.docx" >"$TMP/spoiled.out"; then
	cat "$TMP/spoiled.out"
	fail "the checker did not report all three faults of a spoiled .docx"
fi
"$PY" "$TMP/check.py" --list "$TMP/docx.list" || fails=$((fails + 1))

# GB/T 9704 measured on the PDFs of the same run
sh tests/gbt9704.sh "$OUT" || fails=$((fails + 1))
[ "$fails" = 0 ] || exit 1
echo "ok: the .docx text equals the PDF text; tables, page, footers and fonts as GB/T 9704"
