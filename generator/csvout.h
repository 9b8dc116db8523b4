/* csvout.h - the CSV export: the result tables of the report model as
 * out/csv/NAME.csv (UTF-8 with a BOM, a header row, formulas neutralised) and the
 * workbooks (kaoping.xlsx). A renderer of the
 * model only: texts are masked and numbers formatted there. */
#ifndef KP_CSVOUT_H
#define KP_CSVOUT_H

#include "diag.h"

struct model;

/* Writes ingest_report.csv, rejects.csv, points.csv and the result tables into
 * dir (which must exist). Returns 0, or -1 with d filled (a write error names
 * the file). */
int csvout_write(const struct model *m, const char *dir, struct diag *d);

/* The same tables as workbooks: public_path without the rejects (汇总, 载入情况,
 * 积分 and the result tables), internal_path (or NULL) with the sheet 退回记录
 * as well. The internal copy must be written outside the public folder. */
int csvout_workbooks(const struct model *m, const char *public_path, const char *internal_path,
		     struct diag *d);

/* A street's part of the workbook: its grids, its communities and the
 * companies given (indices into m->companies: those serving its communities). */
int csvout_street_workbook(const struct model *m, long street, const long *companies,
			   long ncompanies, const char *path, struct diag *d);

#endif
