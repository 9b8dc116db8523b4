/* xlsx_row.c - cell references (column names, sheet!A1) and the assembly of
 * a sheet row's cells into a CSV record. */
#include "xlsx_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void xlsx_col_name(size_t i, char out[4])
{
	char tmp[4];
	size_t n = 0, k;

	if (i >= XLSX_MAX_COLS)
		i = XLSX_MAX_COLS - 1;
	i++;
	while (i > 0 && n < 3) {
		tmp[n++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	for (k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
}

size_t xlsx_cell_ref(const char *sheet, long row, size_t field, char *out, size_t cap)
{
	char col[4];
	int quote = 0, n;
	const char *p;

	if (!cap)
		return 0;
	xlsx_col_name(field, col);
	for (p = sheet; p && *p && !quote; p++)
		quote = !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || (unsigned char)*p >= 0x80);
	if (!sheet)
		n = snprintf(out, cap, "%s%ld", col, row);
	else if (quote)
		n = snprintf(out, cap, "'%s'!%s%ld", sheet, col, row);
	else
		n = snprintf(out, cap, "%s!%s%ld", sheet, col, row);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- row assembly ----------------------------------------------------- */

void xlsx_row_init(struct xlsx_row *r, size_t limit)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->data, limit);
	buf_init(&r->raw, limit ? limit * 2 + 16 : 0);
}

void xlsx_row_release(struct xlsx_row *r)
{
	buf_release(&r->data);
	buf_release(&r->raw);
	free(r->off);
	free(r->len);
	free(r->ptrs);
	memset(r, 0, sizeof *r);
}

void xlsx_row_reset(struct xlsx_row *r)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		r->off[i] = (size_t)-1;
	r->ncols = 0;
	buf_reset(&r->data);
	r->data.failed = 0;
}

/* Makes room for columns [0, need). */
static int row_grow(struct xlsx_row *r, size_t need)
{
	size_t cap = r->cap ? r->cap : 32, i;
	size_t *o, *l;
	const char **p;

	if (need <= r->cap)
		return 0;
	if (need > XLSX_MAX_COLS)
		return -1;
	while (cap < need)
		cap *= 2;
	if (cap > XLSX_MAX_COLS)
		cap = XLSX_MAX_COLS;
	o = realloc(r->off, cap * sizeof *o);
	if (!o)
		return -1;
	r->off = o;
	l = realloc(r->len, cap * sizeof *l);
	if (!l)
		return -1;
	r->len = l;
	p = realloc(r->ptrs, cap * sizeof *p);
	if (!p)
		return -1;
	r->ptrs = p;
	for (i = r->cap; i < cap; i++)
		r->off[i] = (size_t)-1;
	r->cap = cap;
	return 0;
}

int xlsx_row_set(struct xlsx_row *r, size_t col, const char *s, size_t n)
{
	if (col >= XLSX_MAX_COLS || row_grow(r, col + 1) < 0)
		return -1;
	r->off[col] = r->data.len;
	r->len[col] = n;
	if (buf_append(&r->data, s, n) < 0 || buf_putc(&r->data, '\0') < 0)
		return -1;
	if (col >= r->ncols)
		r->ncols = col + 1;
	return 0;
}

static int needs_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

int xlsx_row_emit(struct xlsx_row *r, long line, struct csv_record *rec)
{
	size_t i, n = 0;

	/* Trailing empty cells (styled but blank, or "") are not fields. */
	for (i = r->ncols; i > 0; i--)
		if (r->off[i - 1] != (size_t)-1 && r->len[i - 1] > 0) {
			n = i;
			break;
		}
	if (n == 0)
		return 0;
	/* A sheet leaves trailing blank cells out: pad to the header's width. */
	if (n < r->pad) {
		if (row_grow(r, r->pad) < 0)
			return -1;
		n = r->pad;
	}
	buf_reset(&r->raw);
	for (i = 0; i < n; i++) {
		const char *s = r->off[i] == (size_t)-1 ? "" : r->data.data + r->off[i];
		size_t len = r->off[i] == (size_t)-1 ? 0 : r->len[i];
		r->ptrs[i] = s;
		if (r->off[i] == (size_t)-1)
			r->len[i] = 0;
		if (i)
			buf_putc(&r->raw, ',');
		if (needs_quotes(s, len)) {
			size_t k;
			buf_putc(&r->raw, '"');
			for (k = 0; k < len; k++) {
				if (s[k] == '"')
					buf_putc(&r->raw, '"');
				buf_putc(&r->raw, s[k]);
			}
			buf_putc(&r->raw, '"');
		} else {
			buf_append(&r->raw, s, len);
		}
	}
	if (r->raw.failed)
		return -1;
	rec->fields = r->ptrs;
	rec->lens = r->len;
	rec->nfields = n;
	rec->line = line;
	rec->lines = 1;
	rec->raw = r->raw.data ? r->raw.data : "";
	rec->rawlen = r->raw.len;
	rec->bad_encoding = 0;
	rec->unterminated = 0;
	return 1;
}
