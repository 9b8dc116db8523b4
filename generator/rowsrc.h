/* rowsrc.h - one front for every kind of export: .csv (and .csv.gz) through
 * csvread, .xlsx through xlsx, .xls through xls. The kind is decided by the
 * file's first bytes (zip, OLE2 compound file, else text), so a workbook
 * saved with a wrong extension is still read. A CSV file is one sheet
 * without a name. Records are struct csv_record in every case. */
#ifndef KP_ROWSRC_H
#define KP_ROWSRC_H

#include <stddef.h>

#include "csvread.h"
#include "diag.h"

enum rowsrc_kind { ROWSRC_CSV, ROWSRC_XLSX, ROWSRC_XLS };

struct rowsrc;

/* Opens path and selects its first sheet. *out is owned by the caller. */
int rowsrc_open(struct rowsrc **out, const char *path, struct diag *d);
void rowsrc_close(struct rowsrc *s);
enum rowsrc_kind rowsrc_kind(const struct rowsrc *s);
/* Sheets: 1 for a CSV file; 0 for a workbook without worksheets. */
size_t rowsrc_sheet_count(const struct rowsrc *s);
/* The sheet's name, or NULL for a CSV file. */
const char *rowsrc_sheet_name(const struct rowsrc *s, size_t i);
/* Selects sheet i and starts it from its first row (also to read a sheet
 * again after looking at its first rows). */
int rowsrc_select(struct rowsrc *s, size_t i, struct diag *d);
/* The selected sheet's next record: 1, 0 at its end, -1 on error. For a
 * sheet, line is the row number and field i is column i (A = 0). */
int rowsrc_next(struct rowsrc *s, struct csv_record *rec, struct diag *d);
/* Rows of a sheet with fewer than n fields are padded with empty fields
 * (a spreadsheet leaves trailing blank cells out, a CSV file writes them):
 * call it with the header's field count once the header is found. No effect
 * on a CSV file, whose short rows stay short (and are rejected). */
void rowsrc_pad(struct rowsrc *s, size_t n);
/* The CSV reader underneath (for what only csvread knows: delimiter,
 * converted lines), or NULL for a workbook. */
struct csvread *rowsrc_csv(struct rowsrc *s);
/* For ingest_report's encoding column: csvread's encoding, "xlsx" or "xls". */
const char *rowsrc_encoding(const struct rowsrc *s);
/* Bytes consumed so far (progress; for a workbook, inflated XML of the sheet). */
unsigned long long rowsrc_offset(const struct rowsrc *s);
/* What rowsrc_offset runs up to for the selected sheet, or 0 when that is
 * the file's size (CSV, .xls). */
unsigned long long rowsrc_size(const struct rowsrc *s);
/* Where field `field` of the record at `line` is, for messages and
 * rejects.csv: "Sheet1!C12" in a workbook, "" for a CSV file (whose place is
 * file:line:col). Returns the length written. */
size_t rowsrc_where(const struct rowsrc *s, long line, size_t field, char *out, size_t cap);

#endif
