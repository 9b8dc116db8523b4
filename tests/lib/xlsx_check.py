#!/usr/bin/env python3
# xlsx_check.py - reads a kaoping workbook back with Python's own zip and XML
# parsers and compares every sheet with the CSV file it was written from.
#
#   python3 xlsx_check.py BOOK.xlsx CSVDIR [STREET]
#
# Per sheet it prints one line; a difference prints what differs and makes
# the exit status 1. Checked:
#   - the rows equal the CSV's rows: text cells hold the CSV text, number
#     cells shown with their cell format's decimals give the CSV text; with
#     STREET (a street's part) the rows are the CSV rows of that street
#     (sheets with a street column) or a subset in CSV order (others);
#   - code columns (CSV keys code, id, unit) are text cells (s, inlineStr);
#   - headers are Chinese (every header cell holds a CJK character);
#   - the header row is frozen and the autofilter covers header and rows;
#   - no formula cell (<f>) anywhere; no text cell starts with = + - @ tab
#     or CR (unless the text is a plain number), as the writer puts a '
#     before such text;
#   - 汇总 gives each sheet's row count as the CSV has it.
import csv
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# The sheet each CSV file becomes (generator/csvout.c).
SHEET_CSV = {
    "载入情况": "ingest_report.csv",
    "退回记录": "rejects.csv",
    "积分": "points.csv",
    "网格考评": "grid_tiers.csv",
    "社区排名": "community_ranking.csv",
    "物业红黑榜": "redblack.csv",
    "报到单位": "report_units.csv",
}
CODE_KEYS = {"code", "id", "unit"}
BUILTIN_DECIMALS = {1: 0, 2: 2, 3: 0, 4: 2}
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")

problems = 0


def bad(msg):
    global problems
    problems += 1
    print("  " + msg)


def col_index(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def text_of(el):
    # inline or shared string: the <t> of the string or of each rich run
    return "".join(t.text or "" for t in el.iter("{%s}t" % NS["m"]))


def is_formula_like(s):
    return s[:1] in ("=", "+", "-", "@", "\t", "\r") and not PLAIN_NUMBER.match(s)


def styles(z):
    root = ET.fromstring(z.read("xl/styles.xml"))
    fmts = {}
    for f in root.iterfind("m:numFmts/m:numFmt", NS):
        fmts[int(f.get("numFmtId"))] = f.get("formatCode")
    out = []
    for xf in root.iterfind("m:cellXfs/m:xf", NS):
        fid = int(xf.get("numFmtId", "0"))
        if fid in BUILTIN_DECIMALS:
            out.append(BUILTIN_DECIMALS[fid])
        elif fid in fmts and re.fullmatch(r"0(\.0+)?", fmts[fid]):
            code = fmts[fid]
            out.append(len(code) - 2 if "." in code else 0)
        else:
            out.append(None)  # General or not a number format
    return out


def shown(v, decimals):
    x = float(v)
    if decimals is None:
        return "%.15g" % x
    return "%.*f" % (decimals, x)


def read_sheet(z, name, path, shared, decimals):
    """rows as lists of (type, shown text); plus the sheet's XML root."""
    root = ET.fromstring(z.read(path))
    rows = {}
    for row in root.iterfind("m:sheetData/m:row", NS):
        r = int(row.get("r")) - 1
        cells = {}
        for c in row.iterfind("m:c", NS):
            i = col_index(c.get("r"))
            t = c.get("t", "n")
            if c.find("m:f", NS) is not None:
                bad("%s: formula cell %s" % (name, c.get("r")))
            if t == "inlineStr":
                val = text_of(c.find("m:is", NS))
            elif t == "s":
                val = shared[int(c.find("m:v", NS).text)]
            elif t == "n":
                v = c.find("m:v", NS)
                s = c.get("s")
                val = shown(v.text, decimals[int(s)] if s else None) if v is not None else ""
            else:
                val = (c.find("m:v", NS).text or "") if c.find("m:v", NS) is not None else ""
            cells[i] = (t, val, c.get("r"))
        rows[r] = cells
    return rows, root


def check_layout(root, name, width, nrows):
    pane = root.find("m:sheetViews/m:sheetView/m:pane", NS)
    if pane is None or pane.get("state") != "frozen" or pane.get("ySplit") != "1":
        bad("%s: header row not frozen" % name)
    af = root.find("m:autoFilter", NS)
    want = "A1:%s%d" % (col_name(width - 1), nrows + 1)
    if af is None:
        bad("%s: no autofilter" % name)
    elif af.get("ref") != want:
        bad("%s: autofilter %s, want %s" % (name, af.get("ref"), want))


def main():
    book, csvdir = sys.argv[1], sys.argv[2]
    street = sys.argv[3] if len(sys.argv) > 3 else None
    z = zipfile.ZipFile(book)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.iter(PKG_REL)}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
        shared = [text_of(si) for si in sst.iterfind("m:si", NS)]
    decimals = styles(z)
    sheets = []
    for s in wb.iterfind("m:sheets/m:sheet", NS):
        t = target[s.get("{%s}id" % NS["r"])]
        sheets.append((s.get("name"), "xl/" + t.lstrip("/").removeprefix("xl/")))
    print("sheets: " + " ".join(n for n, _ in sheets))
    counts = {}
    summary = None
    for name, path in sheets:
        rows, root = read_sheet(z, name, path, shared, decimals)
        if name == "汇总":
            summary = rows
            continue
        if name not in SHEET_CSV:
            bad("%s: a sheet without a CSV file" % name)
            continue
        fname = SHEET_CSV[name]
        with open("%s/%s" % (csvdir, fname), encoding="utf-8-sig", newline="") as f:
            data = list(csv.reader(f))
        keys, want = data[0], data[1:]
        width = len(keys)
        if street is not None:
            if "street" in keys:
                k = keys.index("street")
                want = [r for r in want if r[k] == street]
        header = rows.get(0, {})
        titles = [header.get(i, ("", ""))[1] for i in range(width)]
        for i, h in enumerate(titles):
            if not re.search(r"[\u4e00-\u9fff]", h):
                bad("%s: header %s “%s” is not Chinese" % (name, col_name(i), h))
        got = []
        for r in range(1, max(rows) + 1 if rows else 1):
            cells = rows.get(r, {})
            if any(i >= width for i in cells):
                bad("%s: row %d has cells beyond the header" % (name, r + 1))
            got.append([cells.get(i, ("", ""))[1] for i in range(width)])
            for i, (t, val, ref) in cells.items():
                if i < width and keys[i] in CODE_KEYS and t not in ("s", "inlineStr"):
                    bad("%s: code cell %s is of type %s" % (name, ref, t))
                if t in ("s", "inlineStr") and is_formula_like(val):
                    bad("%s: text cell %s starts like a formula: %r" % (name, ref, val))
        status = "equal"
        if street is not None and "street" not in keys:
            status = "a subset"
            it = iter(want)
            if not all(any(g == w for w in it) for g in got):
                status = "not a subset"
                bad("%s: rows not a subset of %s in its order" % (name, fname))
        elif got != want:
            status = "differ"
            bad("%s: %d rows, %s has %d" % (name, len(got), fname, len(want)))
            for k, (g, w) in enumerate(zip(got, want)):
                if g != w:
                    bad("%s: first difference at row %d: %s / csv %s" % (name, k + 2, g, w))
                    break
        check_layout(root, name, width, len(got))
        counts[name] = len(got)
        neutral = sum(1 for g in got for v in g if v.startswith("'") and is_formula_like(v[1:]))
        print("%s = %s: %d rows %s, header %s, neutralised %d"
              % (name, fname, len(got), status, ",".join(titles), neutral))
    if summary is None:
        bad("no 汇总 sheet")
    else:
        listed = {}
        for cells in summary.values():
            a, c = cells.get(0), cells.get(2)
            if a and c and c[0] == "n" and a[1] in counts:
                listed[a[1]] = int(float(c[1]))
        if listed != counts:
            bad("汇总 row counts %s, sheets have %s" % (listed, counts))
    for n in z.namelist():
        if n.startswith("xl/worksheets/") and re.search(rb"<f[ >/]", z.read(n)):
            bad("%s: formula" % n)
    print("problems: %d" % problems)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
