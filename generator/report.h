/* report.h - the PDF documents: the leadership briefing (领导简报), the
 * community ranking notice (社区考评通报), the property red/black list notice
 * (物业企业红黑榜公示) and the community report cards, built as struct doc
 * from the report model and rendered with pdf_render / pdf_render_many.
 * Narrative sentences come from editable templates (templates/narrative/NAME.txt).
 * Dates come from the data period, never from the clock: the same database
 * gives the same bytes. */
#ifndef KP_REPORT_H
#define KP_REPORT_H

#include "diag.h"

struct model;
struct settings;

/* Progress of a long stage: what (e.g. "社区报告卡"), done of total. */
typedef void (*report_progress_fn)(const char *what, long done, long total, void *arg);

/* Writes the briefing (内部资料) and the companies' 整改通知书/ into outdir,
 * and what may be published (community-ranking, redblack, report-cards, each
 * .pdf and .docx, and streets/) into pubdir; both must exist and may be the
 * same folder. png_dir holds the chart
 * PNGs made by model_charts (charts not drawn are shown as their numbers).
 * templates_dir holds narrative/NAME.txt. m and st (the department's
 * settings, settings.h: 公文 elements, 公示期, fonts; NULL: the defaults) are
 * borrowed. progress may be NULL.
 * The environment variable KAOPING_ONLY (a comma-separated list of briefing,
 * ranking, redblack, cards; "none" for no PDF) limits the documents written,
 * for benchmarks (tests/bench_pdf.sh); unset or empty: all four.
 * Returns 0, or -1 with d filled (a template error names its file and line). */
int report_write(const struct model *m, const struct settings *st, const char *templates_dir,
		 const char *png_dir, const char *outdir, const char *pubdir,
		 report_progress_fn progress, void *arg, struct diag *d);

#endif
