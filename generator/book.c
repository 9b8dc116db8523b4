/* book.c - result tables as an Excel workbook through libxlsxwriter and as
 * CSV, from one struct book_table each (see book.h). The workbook is written
 * in libxlsxwriter's constant-memory mode (rows go to a temporary file as they
 * are written), with a fixed creation time so that the same tables give the
 * same bytes. Only this file includes <xlsxwriter.h>. */
#include "book.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xlsxwriter.h>

#include "buf.h"

#define BOOK_SUMMARY	  "汇总"
#define BOOK_MAX_DECIMALS 6
#define BOOK_WIDTH_MIN	  6
#define BOOK_WIDTH_MAX	  60
/* Excel keeps at most 32,767 UTF-16 units in a cell; longer text is cut. */
#define BOOK_CELL_UNITS 32767
#define BOOK_CUT	"…（已截断）"
/* 2000-01-01 00:00:00 UTC: the creation time when the caller gives none. */
#define BOOK_EPOCH ((time_t)946684800)

struct book {
	lxw_workbook *wb;
	lxw_format *header, *code, *intf, *num[BOOK_MAX_DECIMALS + 1];
	lxw_format *title, *bold, *link, *wrap;
	const char **row; /* scratch: the cells of one row */
	struct buf text;  /* scratch: a cell's text with its ' or cut */
};

/* Display width of UTF-8 text in Excel column units: a CJK character (three
 * or four bytes) is two, any other character one; of several lines the
 * longest counts. */
static int text_width(const char *s)
{
	int w = 0, line = 0;
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n') {
			line = 0;
			continue;
		}
		if (*p < 0x80 || (*p >= 0xC0 && *p < 0xE0))
			line++;
		else if (*p >= 0xE0)
			line += 2;
		if (line > w)
			w = line;
	}
	return w;
}

/* A decimal number as the CSV writes one: sign, digits, point, exponent;
 * no hex, inf or nan (which strtod would take). */
static int parse_number(const char *s, double *v)
{
	const char *p = s;
	char *end;
	int digits = 0;

	if (*p == '+' || *p == '-')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	if (*end || errno == ERANGE || !isfinite(*v))
		return -1;
	return 0;
}

/* Removes what a failed write left at path, but only a regular file: the
 * path may name a device (/dev/full) or something that is not ours. */
static void drop(const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		remove(path);
}

static int is_number_col(const struct book_col *c)
{
	return c->type == BOOK_INT || c->type == BOOK_NUM;
}

/* The cells of row i into out (empty cells as NULL or ""). */
static int get_row(const struct book_table *t, long i, const char **out, struct diag *d)
{
	int c;

	if (t->cells) {
		for (c = 0; c < t->ncols; c++)
			out[c] = t->cells[(size_t)i * (size_t)t->ncols + (size_t)c];
		return 0;
	}
	for (c = 0; c < t->ncols; c++)
		out[c] = NULL;
	if (t->row(t->arg, i, out, d) < 0) {
		if (!d->msg[0])
			diag_set(d, "生成表“%s”第 %ld 行失败", t->sheet, i + 1);
		return -1;
	}
	return 0;
}

/* Checks what the caller describes before anything is written. */
static int check_table(const struct book_table *t, struct diag *d)
{
	int c;

	if (!t->sheet || !t->cols || t->ncols < 1 || t->ncols > LXW_COL_MAX || t->nrows < 0 ||
	    (!t->cells && !t->row))
		return diag_set(d, "表“%s”的描述不完整", t->sheet ? t->sheet : "");
	if (t->nrows > LXW_ROW_MAX - 1)
		return diag_set(d, "表“%s”有 %ld 行，超过 Excel 每个工作表 %d 行数据的上限",
				t->sheet, t->nrows, LXW_ROW_MAX - 1);
	for (c = 0; c < t->ncols; c++) {
		const struct book_col *col = &t->cols[c];
		if (!col->key || !col->title || col->decimals < 0 ||
		    col->decimals > BOOK_MAX_DECIMALS)
			return diag_set(d, "表“%s”第 %d 列的描述不完整", t->sheet, c + 1);
	}
	return 0;
}

static int number_error(struct diag *d, const char *sheet, long row, int col, const char *s)
{
	char ref[LXW_MAX_CELL_NAME_LENGTH];

	lxw_rowcol_to_cell(ref, (lxw_row_t)row, (lxw_col_t)col);
	return diag_set(d, "工作表“%s”单元格 %s：“%s”不是数值", sheet, ref, s);
}

/* ---- workbook ---- */

static int lxw_fail(struct diag *d, lxw_error e, const char *sheet, long row, int col)
{
	char ref[LXW_MAX_CELL_NAME_LENGTH];

	lxw_rowcol_to_cell(ref, (lxw_row_t)row, (lxw_col_t)col);
	return diag_set(d, "工作表“%s”单元格 %s 写入失败：%s", sheet, ref, lxw_strerror(e));
}

/* The text a cell holds: a formula-like text gets its ', a text longer
 * than a cell allows is cut. Points into b->text or at s. */
static const char *cell_text(struct book *b, const char *s)
{
	size_t units = 0, i, cut = 0, n = strlen(s);
	int formula = buf_csv_formula(s, n);

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch & 0xC0) != 0x80) {
			units += ch >= 0xF0 ? 2 : 1;
			if (!cut && units + (size_t)formula > BOOK_CELL_UNITS - 16)
				cut = i;
		}
	}
	if (!formula && units <= BOOK_CELL_UNITS)
		return s;
	buf_reset(&b->text);
	if (formula)
		buf_putc(&b->text, '\'');
	if (units + (size_t)formula > BOOK_CELL_UNITS) {
		buf_append(&b->text, s, cut);
		buf_puts(&b->text, BOOK_CUT);
	} else {
		buf_append(&b->text, s, n);
	}
	return b->text.failed ? NULL : b->text.data;
}

static int make_formats(struct book *b)
{
	int i;
	char fmt[16];

	b->header = workbook_add_format(b->wb);
	b->code = workbook_add_format(b->wb);
	b->intf = workbook_add_format(b->wb);
	b->title = workbook_add_format(b->wb);
	b->bold = workbook_add_format(b->wb);
	b->link = workbook_add_format(b->wb);
	b->wrap = workbook_add_format(b->wb);
	if (!b->header || !b->code || !b->intf || !b->title || !b->bold || !b->link || !b->wrap)
		return -1;
	format_set_bold(b->header);
	format_set_bg_color(b->header, 0xD9D9D9);
	format_set_bottom(b->header, LXW_BORDER_THIN);
	format_set_align(b->header, LXW_ALIGN_VERTICAL_CENTER);
	format_set_num_format(b->code, "@");
	format_set_num_format(b->intf, "0");
	format_set_bold(b->title);
	format_set_font_size(b->title, 14);
	format_set_bold(b->bold);
	format_set_underline(b->link, LXW_UNDERLINE_SINGLE);
	format_set_font_color(b->link, LXW_COLOR_BLUE);
	format_set_text_wrap(b->wrap);
	format_set_align(b->wrap, LXW_ALIGN_VERTICAL_TOP);
	for (i = 0; i <= BOOK_MAX_DECIMALS; i++) {
		b->num[i] = workbook_add_format(b->wb);
		if (!b->num[i])
			return -1;
		snprintf(fmt, sizeof fmt, "0%s%.*s", i ? "." : "", i, "000000");
		format_set_num_format(b->num[i], fmt);
	}
	return 0;
}

static lxw_format *col_format(struct book *b, const struct book_col *c)
{
	switch (c->type) {
	case BOOK_CODE: return b->code;
	case BOOK_INT: return b->intf;
	case BOOK_NUM: return b->num[c->decimals];
	case BOOK_TEXT: break;
	}
	return NULL;
}

static int sheet_name_error(struct diag *d, const char *name, lxw_error e)
{
	const char *why;

	switch (e) {
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED: why = "超过 31 个字符"; break;
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER: why = "含有不允许的字符 [ ] : * ? / \\"; break;
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE: why = "以单引号开头或结尾"; break;
	case LXW_ERROR_SHEETNAME_ALREADY_USED: why = "与其他工作表重名"; break;
	default: why = lxw_strerror(e); break;
	}
	return diag_set(d, "工作表名称“%s”无效：%s", name, why);
}

/* One table as a sheet: header row, frozen and filtered; widths from the
 * longest text of each column (a first pass over the rows). */
static int write_sheet(struct book *b, lxw_worksheet *ws, const struct book_table *t,
		       struct diag *d)
{
	int c, *width = NULL, rc = -1;
	long i;
	lxw_error e;
	double v;

	width = calloc((size_t)t->ncols, sizeof *width);
	if (!width)
		return diag_set(d, "内存不足");
	for (c = 0; c < t->ncols; c++)
		width[c] = text_width(t->cols[c].title) + 3; /* room for the filter button */
	for (i = 0; i < t->nrows; i++) {
		if (get_row(t, i, b->row, d) < 0)
			goto done;
		for (c = 0; c < t->ncols; c++) {
			int w = b->row[c] ? text_width(b->row[c]) : 0;
			if (b->row[c] && buf_csv_formula(b->row[c], strlen(b->row[c])))
				w++;
			if (w > width[c])
				width[c] = w;
		}
	}
	for (c = 0; c < t->ncols; c++) {
		int w = width[c] + 1;
		w = w < BOOK_WIDTH_MIN ? BOOK_WIDTH_MIN : w > BOOK_WIDTH_MAX ? BOOK_WIDTH_MAX : w;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, col_format(b, &t->cols[c]));
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)t->nrows, (lxw_col_t)(t->ncols - 1));
	worksheet_repeat_rows(ws, 0, 0);
	worksheet_set_paper(ws, 9); /* A4 */
	worksheet_set_landscape(ws);
	if (t->internal)
		worksheet_set_tab_color(ws, LXW_COLOR_RED);

	for (c = 0; c < t->ncols; c++) {
		e = worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].title, b->header);
		if (e != LXW_NO_ERROR) {
			lxw_fail(d, e, t->sheet, 0, c);
			goto done;
		}
	}
	for (i = 0; i < t->nrows; i++) {
		lxw_row_t r = (lxw_row_t)(i + 1);
		if (get_row(t, i, b->row, d) < 0)
			goto done;
		for (c = 0; c < t->ncols; c++) {
			const struct book_col *col = &t->cols[c];
			const char *s = b->row[c];
			if (!s || !*s)
				continue;
			if (is_number_col(col)) {
				if (parse_number(s, &v) < 0) {
					number_error(d, t->sheet, (long)r, c, s);
					goto done;
				}
				e = worksheet_write_number(ws, r, (lxw_col_t)c, v,
							   col_format(b, col));
			} else {
				s = cell_text(b, s);
				if (!s) {
					diag_set(d, "内存不足");
					goto done;
				}
				/* Text, never a formula: worksheet_write_string does not
				 * interpret its argument. */
				e = worksheet_write_string(ws, r, (lxw_col_t)c, s,
							   col->type == BOOK_TEXT && strchr(s, '\n')
								   ? b->wrap
								   : col_format(b, col));
			}
			if (e != LXW_NO_ERROR) {
				lxw_fail(d, e, t->sheet, (long)r, c);
				goto done;
			}
		}
	}
	rc = 0;
done:
	free(width);
	return rc;
}

/* 汇总: title, period, then one line per table linking to its sheet, then
 * how to read codes and cells that start with '. */
static int write_summary(struct book *b, lxw_worksheet *ws, const struct book_table *t, int n,
			 const struct book_opts *o, struct diag *d)
{
	static const char *const notes[] = {
		"说明：",
		"1. 单位代码、统一社会信用代码等编码按文本存放，请勿改为数值格式，"
		"以免显示为科学计数法或丢失数字。",
		"2. 以单引号（'）开头的单元格，原文以 =、+、-、@ 等字符开头，"
		"已加单引号，防止被当作公式执行。",
		"3. 各表首行已冻结并设置筛选，可按列排序、筛选。",
	};
	int i, wa = text_width("工作表") + 2, wb = text_width("内容") + 2;
	lxw_row_t r = 0;
	lxw_error e = LXW_NO_ERROR;
	struct buf url, desc;
	size_t k;
	int rc = -1;

	buf_init(&url, 0);
	buf_init(&desc, 0);
	e = worksheet_write_string(ws, r++, 0, cell_text(b, o->title ? o->title : "考评结果"),
				   b->title);
	if (e == LXW_NO_ERROR && o->period) {
		e = worksheet_write_string(ws, r, 0, "考评期间", b->bold);
		if (e == LXW_NO_ERROR)
			e = worksheet_write_string(ws, r, 1, cell_text(b, o->period), NULL);
		r++;
	}
	if (e == LXW_NO_ERROR && o->version) {
		e = worksheet_write_string(ws, r, 0, "结果版本", b->bold);
		if (e == LXW_NO_ERROR)
			e = worksheet_write_string(ws, r, 1, cell_text(b, o->version), NULL);
		r++;
	}
	r++;
	if (e == LXW_NO_ERROR)
		e = worksheet_write_string(ws, r, 0, "工作表", b->header);
	if (e == LXW_NO_ERROR)
		e = worksheet_write_string(ws, r, 1, "内容", b->header);
	if (e == LXW_NO_ERROR)
		e = worksheet_write_string(ws, r, 2, "行数", b->header);
	r++;
	for (i = 0; i < n && e == LXW_NO_ERROR; i++, r++) {
		const char *p;
		buf_reset(&url);
		buf_puts(&url, "internal:'");
		for (p = t[i].sheet; *p; p++) { /* a ' in a sheet name is doubled in a reference */
			buf_putc(&url, *p);
			if (*p == '\'')
				buf_putc(&url, '\'');
		}
		buf_puts(&url, "'!A1");
		buf_reset(&desc);
		buf_puts(&desc, t[i].desc ? t[i].desc : "");
		if (t[i].internal)
			buf_puts(&desc, "（内部资料，不得对外提供）");
		if (url.failed || desc.failed) {
			diag_set(d, "内存不足");
			goto done;
		}
		e = worksheet_write_url_opt(ws, r, 0, url.data, b->link, cell_text(b, t[i].sheet),
					    NULL);
		if (e == LXW_NO_ERROR && desc.len)
			e = worksheet_write_string(ws, r, 1, cell_text(b, desc.data), NULL);
		if (e == LXW_NO_ERROR)
			e = worksheet_write_number(ws, r, 2, (double)t[i].nrows, b->intf);
		if (text_width(t[i].sheet) + 2 > wa)
			wa = text_width(t[i].sheet) + 2;
		if (text_width(desc.data) + 2 > wb)
			wb = text_width(desc.data) + 2;
	}
	r++;
	for (k = 0; k < sizeof notes / sizeof notes[0] && e == LXW_NO_ERROR; k++)
		e = worksheet_write_string(ws, r++, 0, notes[k], NULL);
	if (e != LXW_NO_ERROR) {
		lxw_fail(d, e, BOOK_SUMMARY, (long)r, 0);
		goto done;
	}
	worksheet_set_column(ws, 0, 0, wa > BOOK_WIDTH_MAX ? BOOK_WIDTH_MAX : wa, NULL);
	worksheet_set_column(ws, 1, 1, wb > BOOK_WIDTH_MAX ? BOOK_WIDTH_MAX : wb, NULL);
	worksheet_set_column(ws, 2, 2, 10, NULL);
	worksheet_set_paper(ws, 9);
	rc = 0;
done:
	buf_release(&url);
	buf_release(&desc);
	return rc;
}

int book_write(const char *path, const struct book_table *t, int n, const struct book_opts *o,
	       struct diag *d)
{
	static const struct book_opts none;
	lxw_workbook_options wo = {.constant_memory = LXW_TRUE};
	lxw_doc_properties props;
	lxw_worksheet **ws = NULL, *sum;
	FILE *probe;
	struct book b;
	lxw_error e;
	int i, maxcols = 1, rc = -1;

	memset(&b, 0, sizeof b);
	buf_init(&b.text, 0);
	if (!o)
		o = &none;
	for (i = 0; i < n; i++) {
		if (check_table(&t[i], d) < 0)
			return -1;
		if (t[i].ncols > maxcols)
			maxcols = t[i].ncols;
	}
	/* Opened once here so that a path that cannot be written fails before
	 * the work, with our message rather than libxlsxwriter's on stderr. */
	probe = fopen(path, "wb");
	if (!probe || fclose(probe) != 0)
		return diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	wo.tmpdir = (char *)o->tmpdir;
	b.row = calloc((size_t)maxcols, sizeof *b.row);
	ws = calloc((size_t)n + 1, sizeof *ws);
	if (!b.row || !ws) {
		diag_set(d, "内存不足");
		goto done;
	}
	b.wb = workbook_new_opt(path, &wo);
	if (!b.wb) {
		diag_set(d, "无法创建工作簿“%s”", path);
		goto done;
	}
	memset(&props, 0, sizeof props);
	props.title = (char *)(o->title ? o->title : "考评结果");
	props.author = (char *)o->author;
	props.company = (char *)o->author;
	props.created = o->created ? o->created : BOOK_EPOCH;
	if (workbook_set_properties(b.wb, &props) != LXW_NO_ERROR || make_formats(&b) < 0) {
		diag_set(d, "内存不足");
		goto done;
	}
	sum = workbook_add_worksheet(b.wb, BOOK_SUMMARY);
	for (i = 0; sum && i < n; i++) {
		e = workbook_validate_sheet_name(b.wb, t[i].sheet);
		if (e != LXW_NO_ERROR) {
			sheet_name_error(d, t[i].sheet, e);
			goto done;
		}
		ws[i] = workbook_add_worksheet(b.wb, t[i].sheet);
		if (!ws[i])
			break;
	}
	if (!sum || i < n) {
		diag_set(d, "无法创建工作簿“%s”：内存不足", path);
		goto done;
	}
	if (write_summary(&b, sum, t, n, o, d) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (write_sheet(&b, ws[i], &t[i], d) < 0)
			goto done;
	e = workbook_close(b.wb);
	b.wb = NULL;
	if (e != LXW_NO_ERROR) {
		if (e == LXW_ERROR_CREATING_XLSX_FILE)
			diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
		else if (e == LXW_ERROR_CREATING_TMPFILE)
			diag_set(d, "无法创建临时文件（目录“%s”）", o->tmpdir ? o->tmpdir : "/tmp");
		else
			diag_set(d, "写入“%s”失败：%s", path, lxw_strerror(e));
		goto done;
	}
	rc = 0;
done:
	if (b.wb)
		lxw_workbook_free(b.wb); /* not closed: nothing was written */
	if (rc < 0)
		drop(path);
	free(ws);
	free(b.row);
	buf_release(&b.text);
	return rc;
}

/* ---- CSV ---- */

int book_csv(const char *path, const struct book_table *t, struct diag *d)
{
	static const char bom[] = "\xEF\xBB\xBF";
	const char **row = NULL;
	struct buf b;
	FILE *f = NULL;
	long i;
	int c, rc = -1;
	double v;

	buf_init(&b, 0);
	if (check_table(t, d) < 0)
		return -1;
	row = calloc((size_t)t->ncols, sizeof *row);
	if (!row) {
		diag_set(d, "内存不足");
		goto done;
	}
	f = fopen(path, "wb");
	if (!f) {
		diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
		goto done;
	}
	buf_puts(&b, bom);
	for (c = 0; c < t->ncols; c++) {
		if (c)
			buf_putc(&b, ',');
		buf_csv_field(&b, t->cols[c].key, strlen(t->cols[c].key));
	}
	buf_putc(&b, '\n');
	for (i = 0; i < t->nrows; i++) {
		if (get_row(t, i, row, d) < 0)
			goto done;
		for (c = 0; c < t->ncols; c++) {
			const char *s = row[c] ? row[c] : "";
			if (c)
				buf_putc(&b, ',');
			if (*s && is_number_col(&t->cols[c]) && parse_number(s, &v) < 0) {
				diag_set(d, "“%s”第 %ld 行 %s 列：“%s”不是数值", path, i + 2,
					 t->cols[c].key, s);
				goto done;
			}
			buf_csv_field(&b, s, strlen(s));
		}
		buf_putc(&b, '\n');
		if (b.len >= 1 << 16 && !b.failed) {
			if (fwrite(b.data, 1, b.len, f) != b.len)
				break;
			buf_reset(&b);
		}
	}
	if (b.failed) {
		diag_set(d, "写入“%s”失败：内存不足", path);
		goto done;
	}
	if (i < t->nrows || fwrite(b.data ? b.data : "", 1, b.len, f) != b.len || ferror(f)) {
		diag_set(d, "写入“%s”失败：%s", path, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (f && fclose(f) != 0 && rc == 0)
		rc = diag_set(d, "写入“%s”失败：%s", path, strerror(errno));
	if (f && rc < 0)
		drop(path);
	free(row);
	buf_release(&b);
	return rc;
}

int book_csv_dir(const char *dir, const struct book_table *t, int n, struct diag *d)
{
	char path[4096];
	int i, k;

	for (i = 0; i < n; i++) {
		if (!t[i].file)
			continue;
		if (strchr(t[i].file, '/'))
			return diag_set(d, "表“%s”的文件名“%s”含有“/”",
					t[i].sheet ? t[i].sheet : "", t[i].file);
		k = snprintf(path, sizeof path, "%s/%s", dir, t[i].file);
		if (k < 0 || (size_t)k >= sizeof path)
			return diag_set(d, "路径过长：“%s”", dir);
		if (book_csv(path, &t[i], d) < 0)
			return -1;
	}
	return 0;
}
