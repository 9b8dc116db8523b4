/* xlsx_test.c - the spreadsheet readers. Workbooks are made here: small
 * hand-written OOXML parts zipped with libzip (for what a writer library
 * would never produce: cells out of order, no dimension, a bad shared-string
 * index, broken XML, bombs) and a realistic one written by libxlsxwriter.
 * The .xls fixture is tests/fixtures/xls/two_sheets.xls (see its README).
 * Every expected value is written out by hand. */
#include <stdlib.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "rowsrc.h"
#include "test.h"
#include "xlsx.h"

#define NS	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define RNS	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELTYPE "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char *PKG_RELS =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" RELTYPE "officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";

static const char *WB_ONE =
	"<workbook " NS " " RNS "><sheets>"
	"<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char *WB_ONE_RELS =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"" RELTYPE "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" RELTYPE "sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"</Relationships>";

struct member {
	const char *name;
	const char *data;
	size_t len; /* 0: strlen */
};

static int mkzip(const char *path, const struct member *m, size_t n)
{
	int err = 0;
	size_t i;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);

	if (!za)
		return -1;
	for (i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(za, m[i].data,
						    m[i].len ? m[i].len : strlen(m[i].data), 0);
		if (!s || zip_file_add(za, m[i].name, s, ZIP_FL_OVERWRITE) < 0) {
			zip_source_free(s);
			zip_discard(za);
			return -1;
		}
	}
	return zip_close(za);
}

/* A one-sheet workbook with shared strings sst (may be NULL) and sheet XML. */
static int mkbook(const char *path, const char *sst, const char *sheet)
{
	struct member m[5] = {{"_rels/.rels", PKG_RELS, 0},
			      {"xl/workbook.xml", WB_ONE, 0},
			      {"xl/_rels/workbook.xml.rels", WB_ONE_RELS, 0},
			      {"xl/worksheets/sheet1.xml", sheet, 0},
			      {"xl/sharedStrings.xml", sst, 0}};
	return mkzip(path, m, sst ? 5 : 4);
}

/* Every record of sheet i as "line:raw\n"; returns the last next() result. */
static int dump(struct xlsx *x, size_t i, struct buf *out, struct diag *d)
{
	struct csv_record rec;
	int got;

	buf_reset(out);
	if (xlsx_select(x, i, d) < 0)
		return -1;
	while ((got = xlsx_next(x, &rec, d)) == 1) {
		buf_printf(out, "%ld:", rec.line);
		buf_append(out, rec.raw, rec.rawlen);
		buf_putc(out, '\n');
	}
	return got;
}

static int dump_src(struct rowsrc *s, size_t i, struct buf *out, struct diag *d)
{
	struct csv_record rec;
	int got;

	buf_reset(out);
	if (rowsrc_select(s, i, d) < 0)
		return -1;
	while ((got = rowsrc_next(s, &rec, d)) == 1) {
		buf_printf(out, "%ld:", rec.line);
		buf_append(out, rec.raw, rec.rawlen);
		buf_putc(out, '\n');
	}
	return got;
}

static const char *STYLES =
	"<styleSheet " NS "><numFmts count=\"4\">"
	"<numFmt numFmtId=\"164\" formatCode=\"yyyy/mm/dd\\ hh:mm\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"0.00&quot;元&quot;\"/>"
	"<numFmt numFmtId=\"166\" "
	"formatCode=\"[$-804]yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"167\" formatCode=\"#,##0_);[Red]\\(#,##0\\)\"/>"
	"<numFmt numFmtId=\"168\" formatCode=\"General\"/><numFmt numFmtId=\"169\" "
	"formatCode=\"0.00E+00\"/>"
	"<numFmt numFmtId=\"170\" formatCode=\"h:mm AM/PM\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"8\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"<xf numFmtId=\"165\"/><xf numFmtId=\"166\"/><xf numFmtId=\"31\"/><xf numFmtId=\"20\"/>"
	"<xf numFmtId=\"167\"/><xf numFmtId=\"168\"/><xf numFmtId=\"169\"/><xf numFmtId=\"170\"/>"
	"</cellXfs></styleSheet>";

/* Shared and inline strings, rich text, numbers, booleans, errors, dates by
 * their format, a merged title, a skipped row, cells out of order, cells
 * without references, no dimension. */
static void test_values(void)
{
	static const char *sst =
		"<sst " NS " count=\"4\" uniqueCount=\"4\"><si><t>2025年网格事件导出</t></si>"
		"<si><r><rPr><b/></rPr><t>网格</t></r><r><t xml:space=\"preserve\">事件</t></r>"
		"<rPh sb=\"0\" eb=\"2\"><t>ワンゲ</t></rPh></si>"
		"<si><t>第一行_x000D_第二行</t></si><si><t>案件编号</t></si></sst>";
	static const char *sheet =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
		"<worksheet " NS "><sheetData>\n"
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"0\"/><c r=\"C1\" "
		"s=\"0\"/></row>\n"
		"<row r=\"3\"><c r=\"C3\" t=\"str\"><f>\"金\"&amp;\"额\"</f><v>金额</v></c>"
		"<c r=\"A3\" t=\"s\"><v>3</v></c>"
		"<c r=\"B3\" t=\"inlineStr\"><is><t>上报</t><r><t>时间</t></r></is></c>"
		"<c r=\"D3\" t=\"s\"><v>1</v></c></row>\n"
		"<row r=\"4\"><c r=\"A4\"><v>12</v></c><c r=\"B4\"><v>12.0</v></c>"
		"<c r=\"C4\"><v>123456789012</v></c><c r=\"D4\"><v>1.23456789012E+11</v></c>"
		"<c r=\"E4\"><v>0.30000000000000004</v></c><c r=\"F4\" t=\"b\"><v>1</v></c>"
		"<c r=\"G4\" t=\"e\"><v>#N/A</v></c><c r=\"H4\" s=\"1\"><v>45658</v></c>"
		"<c r=\"I4\" s=\"2\"><v>45658.5</v></c><c r=\"J4\" s=\"3\"><v>3.5</v></c>"
		"<c r=\"K4\" s=\"4\"><v>45658</v></c><c r=\"L4\" s=\"5\"><v>45658</v></c>"
		"<c r=\"M4\" s=\"1\"><v>60</v></c><c r=\"N4\" s=\"1\"><v>59</v></c>"
		"<c r=\"O4\" s=\"1\"><v>61</v></c><c r=\"P4\" s=\"6\"><v>0.75</v></c>"
		"<c r=\"Q4\" s=\"7\"><v>-1234</v></c><c r=\"R4\" t=\"b\"><v>0</v></c>"
		"<c r=\"S4\"><f>1+1</f><v>2</v></c><c r=\"T4\" s=\"8\"><v>45658</v></c>"
		"<c r=\"U4\" s=\"9\"><v>45658</v></c><c r=\"V4\" s=\"10\"><v>0.5</v></c></row>\n"
		"<row><c><v>1</v></c><c><v>2</v></c><c r=\"E5\" t=\"s\"><v>2</v></c></row>\n"
		"<row r=\"7\" spans=\"1:3\"><c r=\"A7\" s=\"1\"/><c r=\"B7\" "
		"t=\"s\"><v>3</v></c></row>\n"
		"<row r=\"8\"><c r=\"A8\" s=\"1\"/></row>\n"
		"</sheetData><mergeCells count=\"1\"><mergeCell "
		"ref=\"A1:D1\"/></mergeCells></worksheet>";
	struct member m[6] = {
		{"_rels/.rels", PKG_RELS, 0},
		{"xl/workbook.xml",
		 "<workbook " NS " " RNS
		 "><sheets><sheet name=\"数据\" sheetId=\"1\" r:id=\"rId1\"/>"
		 "</sheets></workbook>",
		 0},
		{"xl/_rels/workbook.xml.rels",
		 "<Relationships "
		 "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rId3\" Type=\"" RELTYPE "styles\" Target=\"styles.xml\"/>"
		 "<Relationship Id=\"rId1\" Type=\"" RELTYPE
		 "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		 "<Relationship Id=\"rId2\" Type=\"" RELTYPE
		 "sharedStrings\" Target=\"sharedStrings.xml\"/>"
		 "</Relationships>",
		 0},
		{"xl/worksheets/sheet1.xml", sheet, 0},
		{"xl/sharedStrings.xml", sst, 0},
		{"xl/styles.xml", STYLES, 0}};
	struct xlsx *x = NULL;
	struct diag d;
	struct buf out;
	struct csv_record rec;

	diag_init(&d);
	buf_init(&out, 0);
	CHECK(mkzip("values.xlsx", m, 6) == 0);
	CHECK(xlsx_open(&x, "values.xlsx", NULL, &d) == 0);
	if (!x) {
		printf("not ok - open: %s\n", d.msg);
		return;
	}
	CHECK(xlsx_sheet_count(x) == 1);
	CHECK_STR(xlsx_sheet_name(x, 0), "数据");
	CHECK(xlsx_date1904(x) == 0);
	CHECK(dump(x, 0, &out, &d) == 0);
	CHECK_STR(out.data,
		  "1:2025年网格事件导出\n"
		  "3:案件编号,上报时间,金额,网格事件\n"
		  "4:12,12,123456789012,123456789012,0.3,TRUE,#N/A,2025-01-01,2025-01-01 12:00,"
		  "3.5,2025-01-01,2025-01-01,1900-02-29,1900-02-28,1900-03-01,18:00,-1234,FALSE,2,"
		  "45658,45658,12:00\n"
		  "5:1,2,,,\"第一行\r第二行\"\n"
		  "7:,案件编号\n");
	/* Fields: gaps are empty strings, trailing blanks are not fields. */
	CHECK(xlsx_select(x, 0, &d) == 0);
	CHECK(xlsx_next(x, &rec, &d) == 1);
	CHECK(rec.nfields == 1 && rec.lines == 1 && !rec.bad_encoding);
	CHECK(xlsx_next(x, &rec, &d) == 1 && xlsx_next(x, &rec, &d) == 1);
	CHECK(rec.line == 4 && rec.nfields == 22);
	CHECK_STR(rec.fields[7], "2025-01-01");
	CHECK(rec.lens[7] == 10 && rec.fields[18][rec.lens[18]] == '\0');
	CHECK(xlsx_next(x, &rec, &d) == 1);
	CHECK(rec.line == 5 && rec.nfields == 5 && rec.lens[2] == 0);
	CHECK_STR(rec.fields[2], "");
	CHECK_STR(rec.fields[4], "第一行\r第二行");
	/* Padded to the header's width from here on; longer rows stay as they are. */
	xlsx_pad(x, 6);
	CHECK(xlsx_next(x, &rec, &d) == 1);
	CHECK(rec.line == 7 && rec.nfields == 6 && rec.lens[5] == 0);
	CHECK_STR(rec.fields[5], "");
	CHECK(rec.rawlen == strlen(",案件编号,,,,") &&
	      memcmp(rec.raw, ",案件编号,,,,", rec.rawlen) == 0);
	CHECK(xlsx_next(x, &rec, &d) == 0);
	CHECK(dump(x, 0, &out, &d) == 0); /* select forgets the width */
	CHECK(strstr(out.data, "7:,案件编号\n") != NULL);
	xlsx_close(x);
	buf_release(&out);
}

/* The 1904 date system, sheets in workbook order (not file order), an
 * absolute relationship target, a chart sheet left out, a wrong dimension,
 * no shared strings, namespace prefixes. */
static void test_1904_sheets(void)
{
	struct member m[6] = {
		{"_rels/.rels", PKG_RELS, 0},
		{"xl/workbook.xml",
		 "<workbook " NS " " RNS "><workbookPr date1904=\"1\"/><sheets>"
		 "<sheet name=\"B 表\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"A\" "
		 "sheetId=\"1\" r:id=\"rId1\"/>"
		 "<sheet name=\"图表\" sheetId=\"3\" r:id=\"rId3\"/></sheets></workbook>",
		 0},
		{"xl/_rels/workbook.xml.rels",
		 "<Relationships "
		 "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		 "<Relationship Id=\"rId1\" Type=\"" RELTYPE
		 "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		 "<Relationship Id=\"rId2\" Type=\"" RELTYPE
		 "worksheet\" Target=\"/xl/worksheets/sheet2.xml\"/>"
		 "<Relationship Id=\"rId3\" Type=\"" RELTYPE
		 "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		 "<Relationship Id=\"rId4\" Type=\"" RELTYPE "styles\" Target=\"styles.xml\"/>"
		 "</Relationships>",
		 0},
		{"xl/worksheets/sheet1.xml",
		 "<x:worksheet "
		 "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		 "<x:sheetData><x:row r=\"1\"><x:c "
		 "r=\"A1\"><x:v>1</x:v></x:c></x:row></x:sheetData>"
		 "</x:worksheet>",
		 0},
		{"xl/worksheets/sheet2.xml",
		 "<worksheet " NS "><dimension ref=\"A1:B2\"/><sheetData>"
		 "<row r=\"10\"><c r=\"D10\" s=\"1\"><v>44196</v></c><c r=\"A10\" "
		 "t=\"inlineStr\"><is><t>x</t></is></c>"
		 "<c r=\"B10\" s=\"1\"><v>0</v></c></row><row><c r=\"B12\"><v>3</v></c></row>"
		 "<row><c><v>4</v></c></row></sheetData></worksheet>",
		 0},
		{"xl/styles.xml",
		 "<styleSheet " NS
		 "><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
		 "</styleSheet>",
		 0}};
	struct xlsx *x = NULL;
	struct diag d;
	struct buf out;
	char ref[64];

	diag_init(&d);
	buf_init(&out, 0);
	CHECK(mkzip("y1904.xlsx", m, 6) == 0);
	CHECK(xlsx_open(&x, "y1904.xlsx", NULL, &d) == 0);
	if (!x) {
		printf("not ok - open: %s\n", d.msg);
		return;
	}
	CHECK(xlsx_date1904(x) == 1);
	CHECK(xlsx_sheet_count(x) == 2);
	CHECK_STR(xlsx_sheet_name(x, 0), "B 表");
	CHECK_STR(xlsx_sheet_name(x, 1), "A");
	CHECK(xlsx_sheet_name(x, 2) == NULL);
	CHECK(dump(x, 0, &out, &d) == 0);
	/* 44196 in 1904 is 45658 in 1900: 2025-01-01; serial 0 is 1904-01-01. */
	CHECK_STR(out.data, "10:x,1904-01-01,,2025-01-01\n12:,3\n13:4\n");
	CHECK(dump(x, 1, &out, &d) == 0);
	CHECK_STR(out.data, "1:1\n");
	CHECK(dump(x, 0, &out, &d) == 0); /* again, from the start */
	CHECK_STR(out.data, "10:x,1904-01-01,,2025-01-01\n12:,3\n13:4\n");
	xlsx_cell_ref(xlsx_sheet_name(x, 0), 10, 3, ref, sizeof ref);
	CHECK_STR(ref, "'B 表'!D10");
	xlsx_close(x);
	buf_release(&out);
}

static void test_refs(void)
{
	char c[4], ref[32];

	xlsx_col_name(0, c);
	CHECK_STR(c, "A");
	xlsx_col_name(25, c);
	CHECK_STR(c, "Z");
	xlsx_col_name(26, c);
	CHECK_STR(c, "AA");
	xlsx_col_name(701, c);
	CHECK_STR(c, "ZZ");
	xlsx_col_name(702, c);
	CHECK_STR(c, "AAA");
	xlsx_col_name(16383, c);
	CHECK_STR(c, "XFD");
	xlsx_cell_ref("Sheet1", 12, 2, ref, sizeof ref);
	CHECK_STR(ref, "Sheet1!C12");
	xlsx_cell_ref("网格事件", 3, 0, ref, sizeof ref);
	CHECK_STR(ref, "网格事件!A3");
	xlsx_cell_ref(NULL, 7, 27, ref, sizeof ref);
	CHECK_STR(ref, "AB7");
	CHECK(xlsx_cell_ref("Sheet1", 12, 2, ref, 4) == 3);
	CHECK_STR(ref, "She");
}

/* A row whose cells are all empty strings is no record: the reader goes on
 * to the next row (it once reported a record it had not filled, so a caller
 * saw the previous row again; found by fuzz_xlsx). */
static void test_blank_row(void)
{
	static const char *sheet =
		"<worksheet " NS "><sheetData>\n"
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>编号</t></is></c></row>\n"
		"<row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t></t></is></c>"
		"<c r=\"B2\" t=\"str\"><v></v></c></row>\n"
		"<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>E1</t></is></c></row>\n"
		"<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><t></t></is></c></row>\n"
		"</sheetData></worksheet>";
	struct xlsx *x = NULL;
	struct buf out;
	struct diag d;

	diag_init(&d);
	buf_init(&out, 1 << 20);
	CHECK(mkbook("blank.xlsx", NULL, sheet) == 0);
	CHECK(xlsx_open(&x, "blank.xlsx", NULL, &d) == 0);
	if (x) {
		CHECK(dump(x, 0, &out, &d) == 0);
		CHECK_STR(out.data ? out.data : "", "1:编号\n3:E1\n");
		xlsx_close(x);
	}
	buf_release(&out);
}

static void test_numbers(void)
{
	struct buf b;

	buf_init(&b, 0);
	xlsx_put_number(&b, 12.0);
	buf_putc(&b, '|');
	xlsx_put_number(&b, 110101199001011234.0); /* past 15 digits: Excel keeps 15 */
	buf_putc(&b, '|');
	xlsx_put_number(&b, -0.0);
	buf_putc(&b, '|');
	xlsx_put_number(&b, 1.0 / 3);
	buf_putc(&b, '|');
	xlsx_put_number(&b, 99.95);
	buf_putc(&b, '|');
	xlsx_put_number(&b, -1.5e20);
	buf_putc(&b, '|');
	xlsx_put_number(&b, 1e21);
	CHECK_STR(b.data,
		  "12|110101199001011000|0|0.333333333333333|99.95|-150000000000000000000|1e+21");
	buf_release(&b);
}

/* Rewrites the uncompressed size that the zip headers declare for member
 * name (local header and central directory), as a zip bomb would lie. */
static void lie_size(char *z, size_t n, const char *name, unsigned size)
{
	size_t i, nl = strlen(name);

	for (i = 0; i + 46 + nl <= n; i++) {
		size_t at = 0;
		if (memcmp(z + i, "PK\1\2", 4) == 0 && memcmp(z + i + 46, name, nl) == 0)
			at = i + 24;
		else if (memcmp(z + i, "PK\3\4", 4) == 0 && memcmp(z + i + 30, name, nl) == 0)
			at = i + 22;
		if (at) {
			z[at] = (char)(size & 0xff);
			z[at + 1] = (char)((size >> 8) & 0xff);
			z[at + 2] = (char)((size >> 16) & 0xff);
			z[at + 3] = (char)(size >> 24);
		}
	}
}

static void expect_error(const char *name, const char *sst, const char *sheet, int at_select,
			 const char *msg)
{
	struct xlsx *x = NULL;
	struct diag d;
	struct buf out;

	diag_init(&d);
	buf_init(&out, 0);
	CHECK(mkbook(name, sst, sheet) == 0);
	CHECK(xlsx_open(&x, name, NULL, &d) == 0);
	if (!x) {
		printf("not ok - open %s: %s\n", name, d.msg);
		return;
	}
	if (at_select) {
		CHECK(xlsx_select(x, 0, &d) < 0);
	} else {
		CHECK(dump(x, 0, &out, &d) < 0);
	}
	CHECK_STR(d.file, name);
	CHECK_STR(d.msg, msg);
	xlsx_close(x);
	buf_release(&out);
}

static void test_errors(void)
{
	static const char *sst1 = "<sst " NS "><si><t>a</t></si></sst>";
	struct buf big;
	struct xlsx *x = NULL;
	struct diag d;
	struct xlsx_limits lim = {0};
	struct csv_record rec;
	size_t i;
	FILE *f;

	diag_init(&d);
	/* Column XFD is the last one; XFE is refused, as is a 16,385th cell. */
	{
		struct buf out;
		buf_init(&out, 0);
		CHECK(mkbook("cols.xlsx", NULL,
			     "<worksheet " NS
			     "><sheetData><row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>"
			     "<row r=\"2\"><c "
			     "r=\"XFE2\"><v>1</v></c></row></sheetData></worksheet>") == 0);
		CHECK(xlsx_open(&x, "cols.xlsx", NULL, &d) == 0);
		CHECK(x && xlsx_select(x, 0, &d) == 0);
		CHECK(x && xlsx_next(x, &rec, &d) == 1);
		CHECK(x && rec.nfields == 16384 && rec.line == 1);
		CHECK(x && xlsx_next(x, &rec, &d) == -1);
		CHECK_STR(d.msg, "工作表“Sheet1”单元格 XFE2 超出 16384 列（XFD）的上限");
		CHECK(x && xlsx_next(x, &rec, &d) == 0); /* stays stopped */
		xlsx_close(x);
		x = NULL;
		buf_release(&out);
	}
	buf_init(&big, 0);
	buf_puts(&big, "<worksheet " NS "><sheetData><row r=\"3\">");
	for (i = 0; i < 16385; i++)
		buf_puts(&big, "<c><v>1</v></c>");
	buf_puts(&big, "</row></sheetData></worksheet>");
	expect_error("wide.xlsx", NULL, big.data, 0,
		     "工作表“Sheet1”第 3 行超出 16384 列（XFD）的上限");
	expect_error("sst.xlsx", sst1,
		     "<worksheet " NS "><sheetData><row r=\"2\"><c r=\"A2\" t=\"s\"><v>0</v></c>"
		     "<c r=\"C2\" t=\"s\"><v>1</v></c></row></sheetData></worksheet>",
		     0,
		     "工作表“Sheet1”单元格 C2 引用的共享字符串“1”不存在（共享字符串表共 1 "
		     "项），文件可能已损坏");
	expect_error("nosst.xlsx", NULL,
		     "<worksheet " NS
		     "><sheetData><row r=\"1\"><c r=\"B1\" t=\"s\"><v>0</v></c></row>"
		     "</sheetData></worksheet>",
		     0,
		     "工作表“Sheet1”单元格 B1 引用的共享字符串“0”不存在（共享字符串表共 0 "
		     "项），文件可能已损坏");
	expect_error("xml.xlsx", NULL,
		     "<worksheet " NS "><sheetData>\n<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>\n"
		     "<row r=\"2\"><c r=\"A2\"><v>1</v></row>\n</sheetData></worksheet>",
		     0,
		     "工作表“Sheet1”（xl/worksheets/sheet1.xml）XML 格式错误，在第 3 行第 32 "
		     "列：mismatched tag");
	expect_error("rownum.xlsx", NULL,
		     "<worksheet " NS
		     "><sheetData><row r=\"0\"><c><v>1</v></c></row></sheetData></worksheet>",
		     0, "工作表“Sheet1”中的行号“0”无效（应为 1 至 1048576）");
	expect_error("cellref.xlsx", NULL,
		     "<worksheet " NS
		     "><sheetData><row r=\"1\"><c r=\"1A\"><v>1</v></c></row></sheetData>"
		     "</worksheet>",
		     0, "工作表“Sheet1”中的单元格引用“1A”无效");

	/* A sheet that inflates past the cap is not read. */
	buf_reset(&big);
	buf_puts(&big, "<worksheet " NS "><sheetData>");
	for (i = 0; i < (2u << 20) / 16; i++)
		buf_puts(&big, "                ");
	buf_puts(&big, "</sheetData></worksheet>");
	CHECK(mkbook("bomb.xlsx", NULL, big.data) == 0);
	lim.member_max = 1u << 20;
	CHECK(xlsx_open(&x, "bomb.xlsx", &lim, &d) == 0);
	CHECK(x && xlsx_select(x, 0, &d) < 0);
	{
		char want[300];
		snprintf(want, sizeof want,
			 "工作簿成员 xl/worksheets/sheet1.xml 解压后有 %zu 字节，超过 1 MiB "
			 "的上限，已停止读取（文件可能已损坏或被恶意构造）",
			 big.len);
		CHECK_STR(d.msg, want);
	}
	xlsx_close(x);
	x = NULL;
	/* A bomb declares a small size: reading stops at the cap all the same. */
	{
		FILE *z = fopen("bomb.xlsx", "rb");
		static char zb[64 << 10];
		size_t zn = z ? fread(zb, 1, sizeof zb, z) : 0;
		struct csv_record r;
		if (z)
			fclose(z);
		CHECK(zn > 0 && zn < sizeof zb);
		lie_size(zb, zn, "xl/worksheets/sheet1.xml", 100);
		CHECK(xlsx_open_buffer(&x, zb, zn, "bomb2.xlsx", &lim, &d) == 0);
		CHECK(x && xlsx_select(x, 0, &d) == 0);
		CHECK(x && xlsx_next(x, &r, &d) == -1);
		CHECK_STR(d.msg, "工作簿成员 xl/worksheets/sheet1.xml 解压后超过 1 MiB "
				 "的上限，已停止读取（文件可能已损坏或被恶意构造）");
		xlsx_close(x);
		x = NULL;
	}
	/* So do shared strings past the cap for the workbook's other parts. */
	CHECK(mkbook("sstbomb.xlsx", big.data, "<worksheet " NS "/>") == 0);
	lim.member_max = 0;
	lim.meta_max = 1u << 20;
	CHECK(xlsx_open(&x, "sstbomb.xlsx", &lim, &d) < 0 && x == NULL);
	CHECK(strstr(d.msg, "工作簿成员 xl/sharedStrings.xml 解压后有 ") != NULL);
	buf_release(&big);

	/* Not a workbook at all, or a zip without one. */
	f = fopen("text.xlsx", "wb");
	CHECK(f && fputs("案件编号,网格\n", f) >= 0);
	if (f)
		fclose(f);
	CHECK(xlsx_open(&x, "text.xlsx", NULL, &d) < 0);
	CHECK_STR(d.msg, "不是有效的 Excel 工作簿（xlsx 文件应为 zip 格式）：Not a zip archive");
	{
		struct member m[1] = {{"readme.txt", "hello", 0}};
		CHECK(mkzip("plain.zip", m, 1) == 0);
	}
	CHECK(xlsx_open(&x, "plain.zip", NULL, &d) < 0);
	CHECK_STR(d.msg, "不是有效的 Excel 工作簿：缺少工作簿成员 xl/workbook.xml");
	CHECK(xlsx_open(&x, "missing.xlsx", NULL, &d) < 0);
	CHECK_STR(d.msg, "无法打开文件：No such file or directory");
	{
		struct member m[3] = {{"_rels/.rels", PKG_RELS, 0},
				      {"xl/workbook.xml", WB_ONE, 0},
				      {"xl/_rels/workbook.xml.rels", WB_ONE_RELS, 0}};
		CHECK(mkzip("nosheet.xlsx", m, 3) == 0);
	}
	CHECK(xlsx_open(&x, "nosheet.xlsx", NULL, &d) == 0);
	CHECK(x && xlsx_select(x, 0, &d) < 0);
	CHECK_STR(d.msg,
		  "工作表“Sheet1”的数据（xl/worksheets/sheet1.xml）不在文件中，工作簿不完整");
	xlsx_close(x);
}

/* A workbook as a writer library makes it, read through rowsrc. */
static void test_xlsxwriter(void)
{
	lxw_workbook *wb = workbook_new("writer.xlsx");
	lxw_worksheet *ev = workbook_add_worksheet(wb, "事件");
	lxw_worksheet *un = workbook_add_worksheet(wb, "单位");
	lxw_format *title = workbook_add_format(wb);
	lxw_format *dt = workbook_add_format(wb);
	lxw_format *day = workbook_add_format(wb);
	lxw_datetime t1 = {2025, 3, 1, 14, 30, 0}, t2 = {2025, 1, 1, 0, 0, 0};
	struct rowsrc *s = NULL;
	struct diag d;
	struct buf out;
	char ref[64];

	diag_init(&d);
	buf_init(&out, 0);
	format_set_bold(title);
	format_set_num_format(dt, "yyyy-mm-dd hh:mm");
	format_set_num_format(day, "yyyy\"年\"m\"月\"d\"日\"");
	worksheet_merge_range(ev, 0, 0, 0, 3, "2025年网格事件导出", title);
	worksheet_write_string(ev, 2, 0, "案件编号", NULL);
	worksheet_write_string(ev, 2, 1, "上报时间", NULL);
	worksheet_write_string(ev, 2, 2, "数量", NULL);
	worksheet_write_string(ev, 2, 3, "办结", NULL);
	worksheet_write_string(ev, 3, 0, "A001", NULL);
	worksheet_write_datetime(ev, 3, 1, &t1, dt);
	worksheet_write_number(ev, 3, 2, 123456789012.0, NULL);
	worksheet_write_boolean(ev, 3, 3, 1, NULL);
	worksheet_write_string(ev, 4, 0, "A002", NULL);
	worksheet_write_datetime(ev, 4, 1, &t2, day);
	worksheet_write_number(ev, 4, 2, 12.0, NULL);
	worksheet_write_formula_num(ev, 4, 3, "=1=0", NULL, 0);
	worksheet_write_string(un, 0, 0, "单位名称", NULL);
	worksheet_write_string(un, 1, 0, "东华门街道", NULL);
	CHECK(workbook_close(wb) == LXW_NO_ERROR);

	CHECK(rowsrc_open(&s, "writer.xlsx", &d) == 0);
	if (!s) {
		printf("not ok - rowsrc_open: %s\n", d.msg);
		return;
	}
	CHECK(rowsrc_kind(s) == ROWSRC_XLSX);
	CHECK_STR(rowsrc_encoding(s), "xlsx");
	CHECK(rowsrc_sheet_count(s) == 2);
	CHECK_STR(rowsrc_sheet_name(s, 0), "事件");
	CHECK_STR(rowsrc_sheet_name(s, 1), "单位");
	CHECK(dump_src(s, 0, &out, &d) == 0);
	CHECK_STR(out.data, "1:2025年网格事件导出\n"
			    "3:案件编号,上报时间,数量,办结\n"
			    "4:A001,2025-03-01 14:30,123456789012,TRUE\n"
			    "5:A002,2025-01-01,12,0\n");
	rowsrc_where(s, 4, 1, ref, sizeof ref);
	CHECK_STR(ref, "事件!B4");
	CHECK(rowsrc_offset(s) > 0 && rowsrc_offset(s) == rowsrc_size(s));
	CHECK(dump_src(s, 1, &out, &d) == 0);
	CHECK_STR(out.data, "1:单位名称\n2:东华门街道\n");
	{
		struct csv_record r;
		CHECK(rowsrc_select(s, 1, &d) == 0 && rowsrc_next(s, &r, &d) == 1);
		rowsrc_pad(s, 3);
		CHECK(rowsrc_next(s, &r, &d) == 1 && r.line == 2 && r.nfields == 3);
		CHECK(r.rawlen == strlen("东华门街道,,") &&
		      memcmp(r.raw, "东华门街道,,", r.rawlen) == 0);
	}
	rowsrc_close(s);
	buf_release(&out);
}

static void test_xls(void)
{
	const char *root = getenv("ROOT");
	char path[1024];
	struct rowsrc *s = NULL;
	struct diag d;
	struct buf out;
	char ref[64];
	FILE *f;

	diag_init(&d);
	buf_init(&out, 0);
	snprintf(path, sizeof path, "%s/tests/fixtures/xls/two_sheets.xls",
		 root ? root : "../../..");
	CHECK(rowsrc_open(&s, path, &d) == 0);
	if (!s) {
		printf("not ok - rowsrc_open %s: %s\n", path, d.msg);
		return;
	}
	CHECK(rowsrc_kind(s) == ROWSRC_XLS);
	CHECK(rowsrc_csv(s) == NULL);
	CHECK_STR(rowsrc_encoding(s), "xls");
	CHECK(rowsrc_sheet_count(s) == 2);
	CHECK_STR(rowsrc_sheet_name(s, 0), "事件");
	CHECK_STR(rowsrc_sheet_name(s, 1), "单位");
	CHECK(dump_src(s, 0, &out, &d) == 0);
	CHECK_STR(out.data, "1:2025年网格事件导出\n"
			    "3:案件编号,上报时间,数量,金额\n"
			    "4:A001,2025-01-01,12,3.5\n"
			    "5:A002,2025-03-01 14:30:00,123456789012,\"含,逗号\"\n");
	rowsrc_where(s, 5, 3, ref, sizeof ref);
	CHECK_STR(ref, "事件!D5");
	CHECK(dump_src(s, 1, &out, &d) == 0);
	CHECK_STR(out.data, "1:单位名称\n2:东华门街道\n");
	{
		struct csv_record r;
		CHECK(rowsrc_select(s, 0, &d) == 0);
		rowsrc_pad(s, 5);
		CHECK(rowsrc_next(s, &r, &d) == 1 && r.line == 1 && r.nfields == 5);
	}
	rowsrc_close(s);
	s = NULL;
	/* An OLE2 header that is no workbook. */
	f = fopen("broken.xls", "wb");
	CHECK(f && fwrite("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1garbage", 1, 15, f) == 15);
	if (f)
		fclose(f);
	CHECK(rowsrc_open(&s, "broken.xls", &d) < 0 && s == NULL);
	CHECK(strncmp(d.msg, "无法读取 Excel 97-2003 工作簿（.xls）：",
		      strlen("无法读取 Excel 97-2003 工作簿（.xls）：")) == 0);
	buf_release(&out);
}

/* A CSV file through rowsrc: one sheet without a name, read again on select. */
static void test_csv(void)
{
	struct rowsrc *s = NULL;
	struct diag d;
	struct buf out;
	char ref[8] = "x";
	struct csv_record rec;
	FILE *f = fopen("a.csv", "wb");

	diag_init(&d);
	buf_init(&out, 0);
	CHECK(f && fputs("案件编号,网格\nA1,\"G,1\"\n", f) >= 0);
	if (f)
		fclose(f);
	CHECK(rowsrc_open(&s, "a.csv", &d) == 0);
	if (!s)
		return;
	CHECK(rowsrc_kind(s) == ROWSRC_CSV);
	CHECK(rowsrc_csv(s) != NULL && csvread_delimiter(rowsrc_csv(s)) == ',');
	CHECK_STR(rowsrc_encoding(s), "UTF-8");
	CHECK(rowsrc_sheet_count(s) == 1 && rowsrc_sheet_name(s, 0) == NULL);
	CHECK(rowsrc_next(s, &rec, &d) == 1 && rec.line == 1);
	CHECK(dump_src(s, 0, &out, &d) == 0);
	CHECK_STR(out.data, "1:案件编号,网格\n2:A1,\"G,1\"\n");
	CHECK(rowsrc_where(s, 2, 1, ref, sizeof ref) == 0 && ref[0] == '\0');
	CHECK(rowsrc_select(s, 0, &d) == 0);
	rowsrc_pad(s, 5);
	CHECK(rowsrc_next(s, &rec, &d) == 1 && rec.nfields == 2);
	CHECK(rowsrc_select(s, 1, &d) < 0);
	rowsrc_close(s);
	buf_release(&out);
}

int main(void)
{
	test_refs();
	test_blank_row();
	test_numbers();
	test_values();
	test_1904_sheets();
	test_errors();
	test_xlsxwriter();
	test_xls();
	test_csv();
	return test_done();
}
