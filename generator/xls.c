/* xls.c - .xls through libfreexl. freexl decodes BIFF (SST strings, RK
 * numbers, the 1904 date mode, date formats); this file walks the cells of
 * the selected sheet row by row and renders them as the .xlsx reader does. */
#include "xls.h"

#include <errno.h>
#include <freexl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx.h"

struct xls {
	const void *h;
	char path[512];
	char **names;
	size_t nsheets;
	int selected;
	size_t cur;
	unsigned rows; /* rows of the selected sheet (freexl's count) */
	unsigned short cols;
	unsigned next_row;
	struct xlsx_row row;
	struct buf val;
};

static const char *why(int rc)
{
	switch (rc) {
	case FREEXL_INSUFFICIENT_MEMORY: return "内存不足";
	case FREEXL_INVALID_CFBF_HEADER:
	case FREEXL_CFBF_INVALID_SIGNATURE: return "不是 Excel 97-2003（.xls）格式";
	case FREEXL_BIFF_WORKBOOK_NOT_FOUND: return "文件中没有工作簿数据";
	case FREEXL_CRAFTED_FILE: return "文件结构严重损坏或被恶意构造";
	case FREEXL_UNSUPPORTED_CHARSET:
	case FREEXL_INVALID_CHARACTER: return "文字编码无法转换";
	default: return "文件已损坏或不完整";
	}
}

int xls_open(struct xls **out, const char *path, struct diag *d)
{
	struct xls *x;
	FILE *f;
	unsigned info = 0;
	int rc;
	size_t i;

	*out = NULL;
	/* fopen first: freexl says only "not found" for every open failure. */
	f = fopen(path, "rb");
	if (!f)
		return diag_at(d, path, 0, 0, "无法打开文件：%s", strerror(errno));
	fclose(f);
	x = calloc(1, sizeof *x);
	if (!x)
		return diag_set(d, "内存不足");
	snprintf(x->path, sizeof x->path, "%s", path);
	xlsx_row_init(&x->row, 0);
	buf_init(&x->val, 0);
	rc = freexl_open(path, &x->h);
	if (rc != FREEXL_OK) {
		diag_at(d, path, 0, 0, "无法读取 Excel 97-2003 工作簿（.xls）：%s", why(rc));
		goto fail;
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
	    info == FREEXL_BIFF_OBFUSCATED) {
		diag_at(d, path, 0, 0,
			"工作簿设有密码（已加密），无法读取：请在 Excel 或 WPS 中取消密码后另存");
		goto fail;
	}
	if (freexl_get_info(x->h, FREEXL_BIFF_SHEET_COUNT, &info) != FREEXL_OK)
		info = 0;
	x->names = calloc(info ? info : 1, sizeof *x->names);
	if (!x->names) {
		diag_set(d, "内存不足");
		goto fail;
	}
	for (i = 0; i < info; i++) {
		const char *nm = NULL;
		char fallback[32];
		if (freexl_get_worksheet_name(x->h, (unsigned short)i, &nm) != FREEXL_OK || !nm) {
			snprintf(fallback, sizeof fallback, "Sheet%zu", i + 1);
			nm = fallback;
		}
		x->names[i] = malloc(strlen(nm) + 1);
		if (!x->names[i]) {
			diag_set(d, "内存不足");
			goto fail;
		}
		memcpy(x->names[i], nm, strlen(nm) + 1);
		x->nsheets = i + 1;
	}
	*out = x;
	return 0;
fail:
	xls_close(x);
	return -1;
}

void xls_close(struct xls *x)
{
	size_t i;

	if (!x)
		return;
	if (x->h)
		freexl_close(x->h);
	for (i = 0; i < x->nsheets; i++)
		free(x->names[i]);
	free(x->names);
	xlsx_row_release(&x->row);
	buf_release(&x->val);
	free(x);
}

size_t xls_sheet_count(const struct xls *x)
{
	return x->nsheets;
}

const char *xls_sheet_name(const struct xls *x, size_t i)
{
	return i < x->nsheets ? x->names[i] : NULL;
}

int xls_select(struct xls *x, size_t i, struct diag *d)
{
	int rc;

	x->selected = 0;
	if (i >= x->nsheets)
		return diag_at(d, x->path, 0, 0, "工作簿中没有第 %zu 个工作表", i + 1);
	rc = freexl_select_active_worksheet(x->h, (unsigned short)i);
	if (rc == FREEXL_OK)
		rc = freexl_worksheet_dimensions(x->h, &x->rows, &x->cols);
	if (rc != FREEXL_OK)
		return diag_at(d, x->path, 0, 0, "无法读取工作表“%s”：%s", x->names[i], why(rc));
	x->next_row = 0;
	x->row.pad = 0;
	x->cur = i;
	x->selected = 1;
	return 0;
}

int xls_next(struct xls *x, struct csv_record *rec, struct diag *d)
{
	if (!x->selected)
		return 0;
	/* freexl counts rows and columns from the DIMENSION record: look one
	 * past it, since writers differ on whether it is inclusive. */
	while (x->next_row <= x->rows) {
		unsigned r = x->next_row++;
		unsigned c;
		int got;
		xlsx_row_reset(&x->row);
		for (c = 0; c <= x->cols && c < XLSX_MAX_COLS; c++) {
			FreeXL_CellValue v;
			int rc = freexl_get_cell_value(x->h, r, (unsigned short)c, &v);
			if (rc == FREEXL_ILLEGAL_CELL_ROW_COL)
				break;
			if (rc != FREEXL_OK) {
				char ref[600];
				xlsx_cell_ref(x->names[x->cur], (long)r + 1, c, ref, sizeof ref);
				return diag_at(d, x->path, 0, 0, "单元格 %s 无法读取：%s", ref,
					       why(rc));
			}
			buf_reset(&x->val);
			switch (v.type) {
			case FREEXL_CELL_INT: buf_printf(&x->val, "%d", v.value.int_value); break;
			case FREEXL_CELL_DOUBLE:
				xlsx_put_number(&x->val, v.value.double_value);
				break;
			case FREEXL_CELL_TEXT:
			case FREEXL_CELL_SST_TEXT:
			case FREEXL_CELL_DATE:
			case FREEXL_CELL_DATETIME:
			case FREEXL_CELL_TIME:
				if (v.value.text_value)
					buf_puts(&x->val, v.value.text_value);
				break;
			default: continue;
			}
			if (x->val.failed ||
			    xlsx_row_set(&x->row, c, x->val.data ? x->val.data : "", x->val.len) <
				    0)
				return diag_set(d, "内存不足");
		}
		got = xlsx_row_emit(&x->row, (long)r + 1, rec);
		if (got < 0)
			return diag_set(d, "内存不足");
		if (got)
			return 1;
	}
	return 0;
}

void xls_pad(struct xls *x, size_t n)
{
	x->row.pad = n < XLSX_MAX_COLS ? n : XLSX_MAX_COLS;
}
