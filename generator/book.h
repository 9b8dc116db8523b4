/* book.h - result tables for people and for other systems, from one
 * description per table: an Excel workbook (libxlsxwriter: Chinese headers,
 * codes as text, numbers with their format, frozen header row, autofilter, a
 * summary sheet 汇总 first) and CSV (UTF-8 with a BOM, the English column keys
 * of SPEC §4). Knows nothing of the store or the model: the caller describes
 * the columns and hands over the cells as the CSV has them.
 *
 * Formula neutralising (OWASP "CSV injection"): a text cell whose text starts
 * with = + - @, tab or CR and is not a plain number (-3.5) is written with a
 * leading ' in both outputs. The workbook never holds formulas anyway (text is
 * written as text), but the ' is part of the cell's text, so a user who saves
 * the sheet again as CSV still gets an inert cell, and both outputs hold the
 * same text. Personal data is not masked here: the caller passes masked text.
 *
 * Use: describe each table once (struct book_table: columns, cells or a row
 * callback), then book_write(dir/kaoping.xlsx, tables, n, &opts, d) and
 * book_csv_dir(dir/csv, tables, n, d) write both from the same cells. */
#ifndef KP_BOOK_H
#define KP_BOOK_H

#include <time.h>

#include "diag.h"

enum book_type {
	BOOK_TEXT, /* text as given */
	BOOK_CODE, /* text that looks like a number (unit codes, 统一社会信用代码): stored
		      and formatted as text ('@') so Excel never shows 3.71321E+11 */
	BOOK_INT,  /* whole number, format "0" */
	BOOK_NUM   /* number, format "0.00" for decimals 2 */
};

struct book_col {
	const char *key;   /* English CSV column name (SPEC §4), e.g. "score" */
	const char *title; /* Chinese header in the workbook, e.g. "得分" */
	enum book_type type;
	int decimals; /* BOOK_NUM: digits after the point, 0..6 */
};

/* Fills out[0..ncols-1] with the cells of row i (UTF-8 text as the CSV has
 * it, e.g. "91.50"; NULL or "" for an empty cell). The pointers are borrowed
 * until the next call. Rows are asked for in order 0..nrows-1; the workbook
 * asks twice (column widths, then cells). Returns 0, or -1 with d set. */
typedef int (*book_row_fn)(void *arg, long i, const char **out, struct diag *d);

/* One result table: a sheet of the workbook, or one CSV file. Everything is
 * borrowed for the length of the call. Cells come from cells or, when that
 * is NULL, from row. A cell of a BOOK_INT or BOOK_NUM column must be empty or
 * a decimal number. */
struct book_table {
	const char *sheet; /* sheet name: at most 31 characters, none of []:*?/\ */
	const char *file;  /* CSV file name for book_csv_dir, e.g. "grid_tiers.csv"; or NULL
			      for a table that has no CSV */
	const char *desc;  /* what the sheet holds, one line for 汇总, or NULL */
	const struct book_col *cols;
	int ncols;
	long nrows;		  /* data rows, header not counted; at most 1,048,575 */
	const char *const *cells; /* nrows * ncols, row by row; or NULL */
	book_row_fn row;	  /* used when cells is NULL */
	void *arg;
	int internal; /* 1: must not leave the department (退回记录): red tab, marked in 汇总 */
};

struct book_opts {
	const char *title; /* 汇总 heading and document title, or NULL ("考评结果") */
	const char *period; /* 考评期间 shown in 汇总, e.g. "2025年1月1日至12月31日", or NULL */
	const char *version; /* 结果版本 shown in 汇总 (公示稿, 终稿), or NULL */
	const char *author;  /* document author (the issuing organ), or NULL */
	/* Creation time written into the file. Fixed so that the same input gives
	 * the same bytes; 0 means 2000-01-01 00:00:00 UTC. */
	time_t created;
	const char *tmpdir; /* folder for libxlsxwriter's temporary files, or NULL */
};

/* Writes the workbook at path: the sheet 汇总 (title, period, one line per
 * table: its sheet, what it holds, its rows), then one sheet per table in the
 * order given. Rows are streamed (constant memory). o may be NULL. Fails with
 * a message naming the sheet (and cell) or the file. */
int book_write(const char *path, const struct book_table *t, int n, const struct book_opts *o,
	       struct diag *d);

/* Writes one table as CSV at path: UTF-8 BOM, the column keys as header,
 * fields quoted as RFC 4180 says (when they hold , " CR or LF), records
 * ended by LF, formula-like text neutralised as above. Checks every write
 * and the close. */
int book_csv(const char *path, const struct book_table *t, struct diag *d);

/* book_csv for every table that names a file: dir/file. Stops at the first
 * failure. */
int book_csv_dir(const char *dir, const struct book_table *t, int n, struct diag *d);

#endif
