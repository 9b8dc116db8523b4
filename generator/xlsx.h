/* xlsx.h - streaming reader for Office Open XML workbooks (.xlsx, Excel and
 * WPS) over libzip and expat. A sheet is read row by row into the same
 * struct csv_record that csvread gives, so ingest reads a sheet as it reads
 * a CSV file. Memory is bounded by the shared-string table, not the rows.
 * Also the row assembly and value formatting that the .xls reader shares. */
#ifndef KP_XLSX_H
#define KP_XLSX_H

#include <stddef.h>

#include "buf.h"
#include "csvread.h"
#include "diag.h"

#define XLSX_MAX_COLS 16384 /* Excel's limit: column XFD */

/* Caps against damaged or hostile workbooks; 0 in a field means its default. */
struct xlsx_limits {
	unsigned long long member_max; /* a worksheet member, inflated (4 GiB) */
	unsigned long long meta_max;   /* workbook, relationships, styles, shared
					* strings, inflated (1 GiB) */
	size_t row_max;		       /* bytes of one row's values (64 MiB) */
};

struct xlsx;

/* Opens a workbook: reads its sheet list, styles and shared strings.
 * lim may be NULL (defaults). *out is owned by the caller (xlsx_close). */
int xlsx_open(struct xlsx **out, const char *path, const struct xlsx_limits *lim, struct diag *d);
/* The same over bytes in memory (tests, fuzzing); name is used in messages.
 * data must stay valid until xlsx_close. */
int xlsx_open_buffer(struct xlsx **out, const void *data, size_t size, const char *name,
		     const struct xlsx_limits *lim, struct diag *d);
void xlsx_close(struct xlsx *x);

/* Worksheets in workbook order (chart sheets are left out). */
size_t xlsx_sheet_count(const struct xlsx *x);
const char *xlsx_sheet_name(const struct xlsx *x, size_t i);
/* Whether the workbook counts dates from 1904 (workbookPr date1904). */
int xlsx_date1904(const struct xlsx *x);

/* Starts (or restarts) reading sheet i. */
int xlsx_select(struct xlsx *x, size_t i, struct diag *d);
/* Returns 1 with the next non-empty row of the selected sheet, 0 at its end,
 * -1 on an error (d names file, sheet and place). rec->line is the sheet's
 * row number; field i is column i (A = 0), gaps are ""; trailing empty cells
 * are left out; raw is the fields joined by commas, CSV-quoted. Everything
 * is borrowed until the next call. */
int xlsx_next(struct xlsx *x, struct csv_record *rec, struct diag *d);
/* From now on, a row with fewer fields (a sheet leaves trailing blank cells
 * out) is padded with empty fields to n: call it with the header's width.
 * Blank rows stay left out. */
void xlsx_pad(struct xlsx *x, size_t n);
/* Inflated bytes of the selected sheet consumed so far (for progress). */
unsigned long long xlsx_offset(const struct xlsx *x);
/* The selected sheet's XML size as the zip declares it (what xlsx_offset
 * runs up to), 0 if unknown. */
unsigned long long xlsx_size(const struct xlsx *x);

/* Column letters of 0-based column i ("A", "Z", "AA", ..., "XFD"); out needs 4 bytes. */
void xlsx_col_name(size_t i, char out[4]);
/* "Sheet1!C12": sheet name, column letters of field i, row. Returns the
 * length written (truncated to cap-1). Names with spaces or punctuation are
 * quoted as Excel does ('My sheet'!C12). */
size_t xlsx_cell_ref(const char *sheet, long row, size_t field, char *out, size_t cap);

/* Appends a number as Excel shows it in the General format: integers in
 * digits ("12", "123456789012", never "12.0" or "1.23457E+11"), others with
 * at most 15 significant digits. */
int xlsx_put_number(struct buf *b, double v);

/* One row under assembly (shared by the .xlsx and .xls readers): cells set
 * by column in any order, then turned into a csv_record. */
struct xlsx_row {
	struct buf data; /* cell values, NUL-terminated */
	size_t *off;	 /* per column: offset in data, or (size_t)-1 if unset */
	size_t *len;
	const char **ptrs;
	size_t cap;   /* columns allocated */
	size_t ncols; /* 1 + highest column set */
	size_t pad;   /* rows with cells are given at least this many fields */
	struct buf raw;
};
void xlsx_row_init(struct xlsx_row *r, size_t limit);
void xlsx_row_release(struct xlsx_row *r);
void xlsx_row_reset(struct xlsx_row *r);
/* Sets column col (0-based, < XLSX_MAX_COLS) to s[0..n); a later set of the
 * same column wins. Returns 0, or -1 (row too large or out of memory). */
int xlsx_row_set(struct xlsx_row *r, size_t col, const char *s, size_t n);
/* Fills rec for row number line. Returns 1, 0 if every cell is empty (a
 * blank row, not given), -1 out of memory. */
int xlsx_row_emit(struct xlsx_row *r, long line, struct csv_record *rec);

#endif
