/* book_test.c - the workbook and the CSV written from one table description,
 * read back: the workbook unzipped with libzip and its XML parsed with expat
 * (Chinese headers, codes as text cells, numbers as numeric cells with their
 * number format, no formula anywhere, formula-like text with its ', frozen
 * header row, autofilter, widths, the summary sheet), byte-identical on a
 * second write; the CSV with its BOM and the same rows as the sheet; the
 * messages for a cell that is not a number and a bad sheet name.
 * Run with a temp dir as argv[1]. */
#include "book.h"

#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "buf.h"
#include "csvread.h"
#include "test.h"

static const struct book_col GRID_COLS[] = {
	{"code", "网格编码", BOOK_CODE, 0}, {"name", "网格名称", BOOK_TEXT, 0},
	{"score", "得分", BOOK_NUM, 2},	    {"funding", "经费（元）", BOOK_INT, 0},
	{"reason", "说明", BOOK_TEXT, 0},
};
#define NC 5
#define NR 5
static const char *const GRID_CELLS[NR * NC] = {
	"371321001001",
	"和平社区第1网格",
	"91.50",
	"30000",
	"=HYPERLINK(\"http://x.invalid\",\"点我\")",
	"000123",
	"前导零网格",
	"-3.25",
	"0",
	"+1",
	"H01002",
	"名称, 含逗号\"引号\"",
	"",
	NULL,
	"-2+3",
	"12345678901234567890",
	"@SUM(A1)",
	"100",
	"-5",
	"\t制表符开头",
	"371321001005",
	"多行\n文本",
	"7.10",
	"12",
	"普通说明",
};
/* What the cells hold once neutralised: the same text in sheet and CSV. */
static const char *const GRID_TEXT[NR * NC] = {
	"371321001001",
	"和平社区第1网格",
	"91.50",
	"30000",
	"'=HYPERLINK(\"http://x.invalid\",\"点我\")",
	"000123",
	"前导零网格",
	"-3.25",
	"0",
	"+1",
	"H01002",
	"名称, 含逗号\"引号\"",
	"",
	"",
	"'-2+3",
	"12345678901234567890",
	"'@SUM(A1)",
	"100",
	"-5",
	"'\t制表符开头",
	"371321001005",
	"多行\n文本",
	"7.10",
	"12",
	"普通说明",
};

static const struct book_col REJECT_COLS[] = {
	{"file", "文件", BOOK_TEXT, 0},
	{"line", "行号", BOOK_INT, 0},
	{"reason", "原因", BOOK_TEXT, 0},
};
#define NREJECTS 2000L

struct rej {
	char line[32], reason[64];
};

static int reject_row(void *arg, long i, const char **out, struct diag *d)
{
	struct rej *r = arg;
	(void)d;
	snprintf(r->line, sizeof r->line, "%ld", i + 2);
	snprintf(r->reason, sizeof r->reason, "第%ld行：角色不在允许的取值中", i + 2);
	out[0] = "people.csv";
	out[1] = r->line;
	out[2] = r->reason;
	return 0;
}

/* ---- reading the workbook back ---- */

struct cell {
	long row;
	int col;
	char t[16]; /* "" (number), "s", "inlineStr", "str" */
	int s;	    /* style index */
	char *v;    /* text or the number as written */
};

struct sheet {
	struct cell *cells;
	long n, cap;
	int formulas; /* <f> elements */
	char pane_state[16], top_left[16], autofilter[32];
	int ysplit;
	double width[8]; /* of columns A.. */
	/* parser state */
	struct cell cur;
	int in_cell, capture;
	struct buf text;
};

static void ref_to_rc(const char *ref, long *row, int *col)
{
	*col = 0;
	while (*ref >= 'A' && *ref <= 'Z')
		*col = *col * 26 + (*ref++ - 'A' + 1);
	(*col)--;
	*row = strtol(ref, NULL, 10) - 1;
}

static const char *attr(const XML_Char **a, const char *name)
{
	for (; a[0]; a += 2)
		if (strcmp(a[0], name) == 0)
			return a[1];
	return NULL;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct sheet *s = ud;
	const char *x;

	if (strcmp(el, "c") == 0) {
		memset(&s->cur, 0, sizeof s->cur);
		ref_to_rc(attr(a, "r"), &s->cur.row, &s->cur.col);
		snprintf(s->cur.t, sizeof s->cur.t, "%s", (x = attr(a, "t")) ? x : "");
		s->cur.s = (x = attr(a, "s")) ? (int)strtol(x, NULL, 10) : 0;
		s->in_cell = 1;
		buf_reset(&s->text);
		buf_puts(&s->text, "");
	} else if (s->in_cell && (strcmp(el, "v") == 0 || strcmp(el, "t") == 0)) {
		s->capture = 1;
	} else if (strcmp(el, "f") == 0) {
		s->formulas++;
	} else if (strcmp(el, "pane") == 0) {
		snprintf(s->pane_state, sizeof s->pane_state, "%s",
			 (x = attr(a, "state")) ? x : "");
		snprintf(s->top_left, sizeof s->top_left, "%s",
			 (x = attr(a, "topLeftCell")) ? x : "");
		s->ysplit = (x = attr(a, "ySplit")) ? (int)strtol(x, NULL, 10) : 0;
	} else if (strcmp(el, "autoFilter") == 0) {
		snprintf(s->autofilter, sizeof s->autofilter, "%s", (x = attr(a, "ref")) ? x : "");
	} else if (strcmp(el, "col") == 0) {
		long min = strtol(attr(a, "min"), NULL, 10);
		if (min >= 1 && min <= 8)
			s->width[min - 1] = strtod(attr(a, "width"), NULL);
	}
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
	struct sheet *s = ud;

	if (strcmp(el, "v") == 0 || strcmp(el, "t") == 0) {
		s->capture = 0;
	} else if (strcmp(el, "c") == 0) {
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 64;
			s->cells = realloc(s->cells, (size_t)s->cap * sizeof *s->cells);
		}
		s->cur.v = buf_steal(&s->text);
		s->cells[s->n++] = s->cur;
		s->in_cell = 0;
	}
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *p, int len)
{
	struct sheet *s = ud;
	if (s->capture)
		buf_append(&s->text, p, (size_t)len);
}

/* The content of one file of the zip, NUL-terminated; NULL if absent. */
static char *zip_read(zip_t *z, const char *name, size_t *len)
{
	zip_stat_t st;
	zip_file_t *f;
	char *p;

	if (zip_stat(z, name, 0, &st) != 0)
		return NULL;
	f = zip_fopen(z, name, 0);
	p = calloc(1, (size_t)st.size + 1);
	if (!f || !p || zip_fread(f, p, st.size) != (zip_int64_t)st.size) {
		free(p);
		p = NULL;
	}
	if (f)
		zip_fclose(f);
	if (len)
		*len = (size_t)st.size;
	return p;
}

static int parse(const char *xml, XML_StartElementHandler start, XML_EndElementHandler end,
		 XML_CharacterDataHandler chars, void *ud)
{
	XML_Parser p = XML_ParserCreate("UTF-8");
	int ok;

	XML_SetUserData(p, ud);
	XML_SetElementHandler(p, start, end);
	XML_SetCharacterDataHandler(p, chars);
	ok = XML_Parse(p, xml, (int)strlen(xml), 1) == XML_STATUS_OK;
	XML_ParserFree(p);
	return ok ? 0 : -1;
}

static int read_sheet(zip_t *z, int n, struct sheet *s)
{
	char name[64], *xml;
	int rc;

	memset(s, 0, sizeof *s);
	buf_init(&s->text, 0);
	snprintf(name, sizeof name, "xl/worksheets/sheet%d.xml", n);
	xml = zip_read(z, name, NULL);
	if (!xml)
		return -1;
	rc = parse(xml, sheet_start, sheet_end, sheet_chars, s);
	free(xml);
	return rc;
}

static void sheet_release(struct sheet *s)
{
	long i;
	for (i = 0; i < s->n; i++)
		free(s->cells[i].v);
	free(s->cells);
	buf_release(&s->text);
}

static const struct cell *cell_at(const struct sheet *s, long row, int col)
{
	long i;
	for (i = 0; i < s->n; i++)
		if (s->cells[i].row == row && s->cells[i].col == col)
			return &s->cells[i];
	return NULL;
}

/* styles.xml: the number format of each cell style (cellXfs). */
struct styles {
	int in_xfs, nxf, xf_fmt[64];
	int nfmt, fmt_id[32];
	char fmt_code[32][32];
};

static void XMLCALL styles_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct styles *st = ud;
	if (strcmp(el, "cellXfs") == 0)
		st->in_xfs = 1;
	else if (st->in_xfs && strcmp(el, "xf") == 0 && st->nxf < 64)
		st->xf_fmt[st->nxf++] = (int)strtol(attr(a, "numFmtId"), NULL, 10);
	else if (strcmp(el, "numFmt") == 0 && st->nfmt < 32) {
		st->fmt_id[st->nfmt] = (int)strtol(attr(a, "numFmtId"), NULL, 10);
		snprintf(st->fmt_code[st->nfmt++], 32, "%s", attr(a, "formatCode"));
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *el)
{
	struct styles *st = ud;
	if (strcmp(el, "cellXfs") == 0)
		st->in_xfs = 0;
}

static void XMLCALL no_chars(void *ud, const XML_Char *p, int len)
{
	(void)ud, (void)p, (void)len;
}

/* The format code of style s: Excel's built-in ids or the file's own. */
static const char *style_format(const struct styles *st, int s)
{
	int id, i;

	if (s < 0 || s >= st->nxf)
		return "?";
	id = st->xf_fmt[s];
	switch (id) {
	case 0: return "General";
	case 1: return "0";
	case 2: return "0.00";
	case 49: return "@";
	}
	for (i = 0; i < st->nfmt; i++)
		if (st->fmt_id[i] == id)
			return st->fmt_code[i];
	return "?";
}

/* workbook.xml: the sheet names in order. */
struct names {
	int n;
	char name[8][64];
};

static void XMLCALL names_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	struct names *nm = ud;
	if (strcmp(el, "sheet") == 0 && nm->n < 8)
		snprintf(nm->name[nm->n++], 64, "%s", attr(a, "name"));
}

static void XMLCALL names_end(void *ud, const XML_Char *el)
{
	(void)ud, (void)el;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char tmp[8192];
	size_t k;

	buf_init(&b, 0);
	if (!f)
		return NULL;
	while ((k = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_append(&b, tmp, k);
	fclose(f);
	*len = b.len;
	return buf_steal(&b);
}

/* The CSV's rows (header first) must be the sheet's: text cells equal, number
 * cells the same value, empty cells absent from the sheet. */
static void check_csv_equals_sheet(const char *csv, const struct sheet *s,
				   const struct book_col *cols, int ncols, long nrows)
{
	struct csvread *r = NULL;
	struct csv_record rec;
	struct diag d;
	long row = 0;
	int c, k;

	diag_init(&d);
	CHECK(csvread_open(&r, csv, &d) == 0);
	if (!r)
		return;
	CHECK_STR(csvread_encoding(r), "UTF-8 BOM");
	while ((k = csvread_next(r, &rec, &d)) == 1) {
		CHECK(rec.nfields == (size_t)ncols);
		for (c = 0; c < ncols && c < (int)rec.nfields; c++) {
			const struct cell *x = cell_at(s, row, c);
			const char *f = rec.fields[c];
			if (row == 0) {
				CHECK_STR(f, cols[c].key);
				CHECK(x && strcmp(x->v, cols[c].title) == 0);
			} else if (!*f) {
				CHECK(x == NULL);
			} else if (cols[c].type == BOOK_INT || cols[c].type == BOOK_NUM) {
				CHECK(x && x->t[0] == '\0' &&
				      strtod(x->v, NULL) == strtod(f, NULL));
			} else {
				CHECK(x &&
				      (strcmp(x->t, "inlineStr") == 0 || strcmp(x->t, "s") == 0));
				if (x && strcmp(x->v, f) != 0)
					printf("# row %ld col %d: sheet \"%s\", csv \"%s\"\n", row,
					       c, x->v, f);
				CHECK(x && strcmp(x->v, f) == 0);
			}
		}
		row++;
	}
	CHECK(k == 0);
	CHECK(row == nrows + 1);
	csvread_close(r);
}

int main(int argc, char **argv)
{
	const char *tmp = argc > 1 ? argv[1] : ".";
	char a[4096], b[4096], csv[4096], rcsv[4096], bad[4096];
	struct rej rj;
	struct book_table t[2] = {
		{.sheet = "网格分档",
		 .file = "grid_tiers.csv",
		 .desc = "各网格的得分、档次和经费",
		 .cols = GRID_COLS,
		 .ncols = NC,
		 .nrows = NR,
		 .cells = GRID_CELLS},
		{.sheet = "退回记录",
		 .file = "rejects.csv",
		 .desc = "未能载入的行及其原因",
		 .cols = REJECT_COLS,
		 .ncols = 3,
		 .nrows = NREJECTS,
		 .row = reject_row,
		 .arg = &rj,
		 .internal = 1},
	};
	struct book_opts o = {.title = "测试县2025年度考评结果",
			      .period = "2025年1月1日至12月31日",
			      .author = "测试县委社会工作部",
			      .created = 1735603200};
	struct diag d;
	struct sheet s1, s2, s3;
	struct styles st;
	struct names nm;
	char *pa, *pb, *core;
	size_t la = 0, lb = 0;
	zip_t *z;
	int err, r, c;
	const struct cell *x;

	snprintf(a, sizeof a, "%s/a.xlsx", tmp);
	snprintf(b, sizeof b, "%s/b.xlsx", tmp);
	snprintf(csv, sizeof csv, "%s/grid_tiers.csv", tmp);
	snprintf(rcsv, sizeof rcsv, "%s/rejects.csv", tmp);
	snprintf(bad, sizeof bad, "%s/bad.xlsx", tmp);

	diag_init(&d);
	CHECK(book_write(a, t, 2, &o, &d) == 0);
	CHECK_STR(d.msg, "");
	/* The second write a while later: nothing in the file may depend on the
	 * clock (zip entries keep time in 2-second steps). */
	sleep(2);
	CHECK(book_write(b, t, 2, &o, &d) == 0);
	pa = slurp(a, &la);
	pb = slurp(b, &lb);
	CHECK(pa && pb && la > 0 && la == lb && memcmp(pa, pb, la) == 0);
	free(pa);
	free(pb);
	CHECK(book_csv_dir(tmp, t, 2, &d) == 0);

	z = zip_open(a, ZIP_RDONLY, &err);
	CHECK(z != NULL);
	if (!z)
		return test_done();

	/* Sheet names: 汇总 first, then the tables in order. */
	memset(&nm, 0, sizeof nm);
	pa = zip_read(z, "xl/workbook.xml", NULL);
	CHECK(pa && parse(pa, names_start, names_end, no_chars, &nm) == 0);
	free(pa);
	CHECK(nm.n == 3);
	CHECK_STR(nm.name[0], "汇总");
	CHECK_STR(nm.name[1], "网格分档");
	CHECK_STR(nm.name[2], "退回记录");

	/* The fixed creation time. */
	core = zip_read(z, "docProps/core.xml", NULL);
	CHECK(core && strstr(core, "2024-12-31T00:00:00Z") != NULL);
	CHECK(core && strstr(core, "测试县2025年度考评结果") != NULL);
	free(core);

	memset(&st, 0, sizeof st);
	pa = zip_read(z, "xl/styles.xml", NULL);
	CHECK(pa && parse(pa, styles_start, styles_end, no_chars, &st) == 0);
	free(pa);

	CHECK(read_sheet(z, 1, &s1) == 0);
	CHECK(read_sheet(z, 2, &s2) == 0);
	CHECK(read_sheet(z, 3, &s3) == 0);
	zip_close(z);

	/* No formula in any sheet. */
	CHECK(s1.formulas == 0 && s2.formulas == 0 && s3.formulas == 0);

	/* Headers in Chinese, as text. */
	for (c = 0; c < NC; c++) {
		x = cell_at(&s2, 0, c);
		CHECK(x && strcmp(x->v, GRID_COLS[c].title) == 0);
		CHECK(x && strcmp(x->t, "inlineStr") == 0);
	}
	/* Codes are text cells with the text format, leading zeros kept. */
	for (r = 0; r < NR; r++) {
		x = cell_at(&s2, r + 1, 0);
		CHECK(x && strcmp(x->t, "inlineStr") == 0);
		CHECK(x && strcmp(x->v, GRID_CELLS[r * NC]) == 0);
		CHECK(x && strcmp(style_format(&st, x->s), "@") == 0);
	}
	/* Numbers are numeric cells with the format of their precision. */
	x = cell_at(&s2, 1, 2);
	CHECK(x && x->t[0] == '\0' && strcmp(x->v, "91.5") == 0);
	CHECK(x && strcmp(style_format(&st, x->s), "0.00") == 0);
	x = cell_at(&s2, 2, 2);
	CHECK(x && x->t[0] == '\0' && strcmp(x->v, "-3.25") == 0);
	x = cell_at(&s2, 1, 3);
	CHECK(x && x->t[0] == '\0' && strcmp(x->v, "30000") == 0);
	CHECK(x && strcmp(style_format(&st, x->s), "0") == 0);
	x = cell_at(&s2, 4, 3);
	CHECK(x && strcmp(x->v, "-5") == 0);
	CHECK(cell_at(&s2, 3, 2) == NULL && cell_at(&s2, 3, 3) == NULL); /* empty cells */
	/* Formula-like text carries its ', other text is unchanged. */
	for (r = 0; r < NR; r++)
		for (c = 0; c < NC; c++) {
			if (GRID_COLS[c].type != BOOK_TEXT)
				continue;
			x = cell_at(&s2, r + 1, c);
			CHECK(x && strcmp(x->v, GRID_TEXT[r * NC + c]) == 0);
		}
	/* Frozen header row, autofilter over header and data. */
	CHECK_STR(s2.pane_state, "frozen");
	CHECK_STR(s2.top_left, "A2");
	CHECK(s2.ysplit == 1);
	CHECK_STR(s2.autofilter, "A1:E6");
	CHECK_STR(s3.pane_state, "frozen");
	CHECK_STR(s3.autofilter, "A1:C2001");
	/* Widths in characters, CJK counting 2, plus 1 (Excel stores a few
	 * hundredths more): a 20-digit code 21; "名称, 含逗号"引号"" with 7 CJK
	 * and 4 ASCII characters 19; "得分" 4 + 3 for the filter button + 1. */
	CHECK(s2.width[0] > 21.0 && s2.width[0] < 22.0);
	CHECK(s2.width[1] > 19.0 && s2.width[1] < 20.0);
	CHECK(s2.width[2] > 8.0 && s2.width[2] < 9.0);

	/* The rejects sheet: every row, from the callback. */
	x = cell_at(&s3, NREJECTS, 2);
	CHECK(x && strcmp(x->v, "第2001行：角色不在允许的取值中") == 0);
	x = cell_at(&s3, NREJECTS, 1);
	CHECK(x && strcmp(x->v, "2001") == 0 && x->t[0] == '\0');

	/* 汇总: title, period, one line per table with its rows. */
	x = cell_at(&s1, 0, 0);
	CHECK(x && strcmp(x->v, "测试县2025年度考评结果") == 0);
	x = cell_at(&s1, 1, 1);
	CHECK(x && strcmp(x->v, "2025年1月1日至12月31日") == 0);
	x = cell_at(&s1, 3, 0);
	CHECK(x && strcmp(x->v, "工作表") == 0);
	x = cell_at(&s1, 4, 0);
	CHECK(x && strcmp(x->v, "网格分档") == 0);
	x = cell_at(&s1, 4, 2);
	CHECK(x && strcmp(x->v, "5") == 0);
	x = cell_at(&s1, 5, 1);
	CHECK(x && strcmp(x->v, "未能载入的行及其原因（内部资料，不得对外提供）") == 0);
	x = cell_at(&s1, 5, 2);
	CHECK(x && strcmp(x->v, "2000") == 0);

	/* The CSV: BOM, English keys, the sheet's rows. */
	pa = slurp(csv, &la);
	CHECK(pa && la > 3 &&
	      memcmp(pa,
		     "\xEF\xBB\xBF"
		     "code,name,score,funding,reason\n",
		     34) == 0);
	CHECK(pa && strstr(pa, "\n12345678901234567890,\"'@SUM(A1)\",100,-5,\"'\t制表符开头\"\n") !=
			    NULL);
	CHECK(pa && strstr(pa, "\nH01002,\"名称, 含逗号\"\"引号\"\"\",,,\"'-2+3\"\n") != NULL);
	free(pa);
	check_csv_equals_sheet(csv, &s2, GRID_COLS, NC, NR);
	check_csv_equals_sheet(rcsv, &s3, REJECT_COLS, 3, NREJECTS);

	sheet_release(&s1);
	sheet_release(&s2);
	sheet_release(&s3);

	/* A cell that is not a number, a bad sheet name: messages, no file. */
	{
		const char *cells[NC] = {"371321001001", "x", "9l.5", "1", ""};
		char path[4200], want[4400];
		struct stat sb;
		struct book_table u = {.sheet = "网格分档",
				       .cols = GRID_COLS,
				       .ncols = NC,
				       .nrows = 1,
				       .cells = cells};
		diag_init(&d);
		CHECK(book_write(bad, &u, 1, NULL, &d) < 0);
		CHECK_STR(d.msg, "工作表“网格分档”单元格 C2：“9l.5”不是数值");
		CHECK(access(bad, F_OK) != 0);
		diag_init(&d);
		CHECK(book_csv(bad, &u, &d) < 0);
		CHECK(strstr(d.msg, "第 2 行 score 列：“9l.5”不是数值") != NULL);
		cells[2] = "inf";
		diag_init(&d);
		CHECK(book_csv(bad, &u, &d) < 0);
		cells[2] = "1e5";
		diag_init(&d);
		CHECK(book_csv(bad, &u, &d) == 0);
		remove(bad);
		/* Paths that cannot be written; a device is never removed. */
		snprintf(path, sizeof path, "%s/no/such.xlsx", tmp);
		cells[2] = "1";
		diag_init(&d);
		CHECK(book_write(path, &u, 1, NULL, &d) < 0);
		snprintf(want, sizeof want, "无法写入“%s”：No such file or directory", path);
		CHECK_STR(d.msg, want);
		if (stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode)) {
			diag_init(&d);
			CHECK(book_csv("/dev/full", &u, &d) < 0);
			CHECK_STR(d.msg, "写入“/dev/full”失败：No space left on device");
			diag_init(&d);
			CHECK(book_write("/dev/full", &u, 1, NULL, &d) < 0);
			CHECK(strncmp(d.msg, "写入“/dev/full”失败", 22) == 0);
			CHECK(stat("/dev/full", &sb) == 0 && S_ISCHR(sb.st_mode));
		}
		u.file = "../x.csv";
		diag_init(&d);
		CHECK(book_csv_dir(tmp, &u, 1, &d) < 0);
		CHECK_STR(d.msg, "表“网格分档”的文件名“../x.csv”含有“/”");
		u.sheet = "网格/社区";
		diag_init(&d);
		CHECK(book_write(bad, &u, 1, NULL, &d) < 0);
		CHECK_STR(d.msg, "工作表名称“网格/社区”无效：含有不允许的字符 [ ] : * ? / \\");
		u.sheet = "汇总";
		diag_init(&d);
		CHECK(book_write(bad, &u, 1, NULL, &d) < 0);
		CHECK_STR(d.msg, "工作表名称“汇总”无效：与其他工作表重名");
		u.sheet = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二";
		diag_init(&d);
		CHECK(book_write(bad, &u, 1, NULL, &d) < 0);
		CHECK(strstr(d.msg, "超过 31 个字符") != NULL);
		CHECK(access(bad, F_OK) != 0);
	}
	/* A text longer than a cell holds is cut, with a mark. */
	{
		static const struct book_col col[] = {{"raw", "原始内容", BOOK_TEXT, 0}};
		struct buf big;
		const char *cells[1];
		struct book_table u = {
			.sheet = "长文本", .cols = col, .ncols = 1, .nrows = 1, .cells = cells};
		size_t units = 0;
		const char *p;
		int i;

		buf_init(&big, 0);
		for (i = 0; i < 20000; i++)
			buf_puts(&big, "长x");
		cells[0] = big.data;
		diag_init(&d);
		CHECK(book_write(bad, &u, 1, NULL, &d) == 0);
		z = zip_open(bad, ZIP_RDONLY, &err);
		CHECK(z && read_sheet(z, 2, &s2) == 0);
		if (z)
			zip_close(z);
		x = cell_at(&s2, 1, 0);
		CHECK(x && strncmp(x->v, "长x长x", 8) == 0);
		for (p = x ? x->v : ""; *p; p++)
			units += ((unsigned char)*p & 0xC0) != 0x80;
		CHECK(units > 32700 && units <= 32767);
		CHECK(x && strlen(x->v) > 18 &&
		      strcmp(x->v + strlen(x->v) - 18, "…（已截断）") == 0);
		sheet_release(&s2);
		buf_release(&big);
		remove(bad);
	}
	return test_done();
}
