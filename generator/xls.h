/* xls.h - reader for Excel 97-2003 workbooks (.xls, BIFF8) through
 * libfreexl: sheets in order, rows as the struct csv_record that csvread
 * gives (line = the sheet's row number, field i = column i, dates as
 * YYYY-MM-DD or YYYY-MM-DD HH:MM:SS). freexl reads the whole file at open;
 * an .xls sheet has at most 65,536 rows. */
#ifndef KP_XLS_H
#define KP_XLS_H

#include <stddef.h>

#include "csvread.h"
#include "diag.h"

struct xls;

int xls_open(struct xls **out, const char *path, struct diag *d);
void xls_close(struct xls *x);
size_t xls_sheet_count(const struct xls *x);
const char *xls_sheet_name(const struct xls *x, size_t i);
/* Starts (or restarts) reading sheet i. */
int xls_select(struct xls *x, size_t i, struct diag *d);
/* 1 with the next non-empty row, 0 at the end of the sheet, -1 on error.
 * Borrowed until the next call. */
int xls_next(struct xls *x, struct csv_record *rec, struct diag *d);

/* As xlsx_pad: rows shorter than n fields are padded with empty ones. */
void xls_pad(struct xls *x, size_t n);

#endif
