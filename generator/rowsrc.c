/* rowsrc.c - dispatch to csvread, xlsx or xls by the file's magic bytes. */
#include "rowsrc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xls.h"
#include "xlsx.h"

struct rowsrc {
	enum rowsrc_kind kind;
	char *path;
	struct csvread *csv;
	int csv_fresh; /* the CSV reader has not been read from yet */
	struct xlsx *xlsx;
	struct xls *xls;
	size_t cur;
};

/* The kind from the first bytes: "PK\3\4" is a zip (xlsx), D0 CF 11 E0 an
 * OLE2 compound file (xls). Anything else, gzip included, goes to csvread,
 * which knows .csv.gz by its name. */
static int sniff(const char *path, enum rowsrc_kind *kind, struct diag *d)
{
	unsigned char m[8] = {0};
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f)
		return diag_at(d, path, 0, 0, "无法打开文件：%s", strerror(errno));
	n = fread(m, 1, sizeof m, f);
	fclose(f);
	*kind = ROWSRC_CSV;
	if (n >= 4 && memcmp(m, "PK\3\4", 4) == 0)
		*kind = ROWSRC_XLSX;
	else if (n == 8 && memcmp(m, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		*kind = ROWSRC_XLS;
	return 0;
}

int rowsrc_open(struct rowsrc **out, const char *path, struct diag *d)
{
	struct rowsrc *s;
	size_t n = strlen(path) + 1;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s || !(s->path = malloc(n))) {
		free(s);
		return diag_set(d, "内存不足");
	}
	memcpy(s->path, path, n);
	if (sniff(path, &s->kind, d) < 0)
		goto fail;
	switch (s->kind) {
	case ROWSRC_XLSX:
		rc = xlsx_open(&s->xlsx, path, NULL, d);
		if (rc == 0 && xlsx_sheet_count(s->xlsx) > 0)
			rc = xlsx_select(s->xlsx, 0, d);
		break;
	case ROWSRC_XLS:
		rc = xls_open(&s->xls, path, d);
		if (rc == 0 && xls_sheet_count(s->xls) > 0)
			rc = xls_select(s->xls, 0, d);
		break;
	default:
		rc = csvread_open(&s->csv, path, d);
		s->csv_fresh = 1;
		break;
	}
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	rowsrc_close(s);
	return -1;
}

void rowsrc_close(struct rowsrc *s)
{
	if (!s)
		return;
	csvread_close(s->csv);
	xlsx_close(s->xlsx);
	xls_close(s->xls);
	free(s->path);
	free(s);
}

enum rowsrc_kind rowsrc_kind(const struct rowsrc *s)
{
	return s->kind;
}

size_t rowsrc_sheet_count(const struct rowsrc *s)
{
	switch (s->kind) {
	case ROWSRC_XLSX: return xlsx_sheet_count(s->xlsx);
	case ROWSRC_XLS: return xls_sheet_count(s->xls);
	default: return 1;
	}
}

const char *rowsrc_sheet_name(const struct rowsrc *s, size_t i)
{
	switch (s->kind) {
	case ROWSRC_XLSX: return xlsx_sheet_name(s->xlsx, i);
	case ROWSRC_XLS: return xls_sheet_name(s->xls, i);
	default: return NULL;
	}
}

int rowsrc_select(struct rowsrc *s, size_t i, struct diag *d)
{
	s->cur = i;
	switch (s->kind) {
	case ROWSRC_XLSX: return xlsx_select(s->xlsx, i, d);
	case ROWSRC_XLS: return xls_select(s->xls, i, d);
	default: break;
	}
	if (i != 0)
		return diag_at(d, s->path, 0, 0, "CSV 文件只有一个表");
	if (s->csv_fresh)
		return 0;
	/* Read again from the start: reopen (the stream may be gzip). */
	csvread_close(s->csv);
	s->csv = NULL;
	if (csvread_open(&s->csv, s->path, d) < 0)
		return -1;
	s->csv_fresh = 1;
	return 0;
}

int rowsrc_next(struct rowsrc *s, struct csv_record *rec, struct diag *d)
{
	switch (s->kind) {
	case ROWSRC_XLSX: return xlsx_next(s->xlsx, rec, d);
	case ROWSRC_XLS: return xls_next(s->xls, rec, d);
	default: break;
	}
	s->csv_fresh = 0;
	return csvread_next(s->csv, rec, d);
}

void rowsrc_pad(struct rowsrc *s, size_t n)
{
	if (s->kind == ROWSRC_XLSX)
		xlsx_pad(s->xlsx, n);
	else if (s->kind == ROWSRC_XLS)
		xls_pad(s->xls, n);
}

struct csvread *rowsrc_csv(struct rowsrc *s)
{
	return s->kind == ROWSRC_CSV ? s->csv : NULL;
}

const char *rowsrc_encoding(const struct rowsrc *s)
{
	switch (s->kind) {
	case ROWSRC_XLSX: return "xlsx";
	case ROWSRC_XLS: return "xls";
	default: return csvread_encoding(s->csv);
	}
}

unsigned long long rowsrc_offset(const struct rowsrc *s)
{
	switch (s->kind) {
	case ROWSRC_XLSX: return xlsx_offset(s->xlsx);
	case ROWSRC_XLS: return 0;
	default: return csvread_offset(s->csv);
	}
}

unsigned long long rowsrc_size(const struct rowsrc *s)
{
	return s->kind == ROWSRC_XLSX ? xlsx_size(s->xlsx) : 0;
}

size_t rowsrc_where(const struct rowsrc *s, long line, size_t field, char *out, size_t cap)
{
	if (s->kind == ROWSRC_CSV) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	return xlsx_cell_ref(rowsrc_sheet_name(s, s->cur), line, field, out, cap);
}
