/* csvout.h - the CSV export: the result tables of the report model as
 * out/csv/NAME.csv (UTF-8, a header row, formulas neutralised). A renderer of the
 * model only: texts are masked and numbers formatted there. */
#ifndef KP_CSVOUT_H
#define KP_CSVOUT_H

#include "diag.h"

struct model;

/* Writes ingest_report.csv, rejects.csv, points.csv and the result tables into
 * dir (which must exist). Returns 0, or -1 with d filled (a write error names
 * the file). */
int csvout_write(const struct model *m, const char *dir, struct diag *d);

#endif
