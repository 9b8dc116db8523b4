/* report_int.h - private to the PDF documents (report*.c): the rendering
 * context, the document-building helpers and the narratives' value trees, shared
 * by the one file per document. Not for other stages. */
#ifndef KP_REPORT_INT_H
#define KP_REPORT_INT_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "report.h"
#include "template.h"

struct model;
struct model_unit;
struct pdf_opts;
struct settings;

#define WATERMARK	MODEL_WATERMARK
#define TOP_N		10 /* top and bottom communities in the briefing */
#define ATTENTION_GRIDS 10 /* lowest-tier grids listed in the briefing */
#define ATTENTION_DROPS 5  /* biggest rank drops listed in the briefing */
#define BRIEF_STREETS	20 /* more streets than this: the briefing lists the ends */
#define NCELL		12

enum { ONLY_BRIEFING = 1, ONLY_RANKING = 2, ONLY_REDBLACK = 4, ONLY_CARDS = 8 };

struct report_ctx {
	const struct model *m;
	const struct settings *st; /* the department's settings (never NULL) */
	struct diag *d;
	struct template_set *ts;
	struct tv_pool *pool;
	struct buf out; /* template output */
	const char *png_dir;
	int oom;
	int tables, figures; /* running numbers of 表 and 图 in the current document */
	char place[256];     /* x县 */
	char scope[16];	     /* 全县 / 全市 / 全区 */
	char org[320];	     /* 中共x县委组织部 */
	char period[64];     /* 2025年度 or 2025年1—9月 */
	char span[32];	     /* 全年 or 1—9月 */
	char listed_on[16]; /* YYYY-MM-DD: first day of the 公示 (the 公示稿's 成文日期) */
	char notice_cn[64]; /* listed_on as 2026年1月1日 */
	char issued_on[16]; /* YYYY-MM-DD: 成文日期 of the documents (report_final_date) */
	char date_cn[64];   /* issued_on as 2026年1月1日 */
	char cell[NCELL][160];
};

struct colspec {
	const char *title;
	double width;
	enum doc_align align;
};

int report_oom(struct report_ctx *r);
const char *report_nz(const char *s);
long report_iso_days(const char *s);
void report_cn_date(const char *iso, char *out, size_t cap);
void report_cn_date_days(long z, char *out, size_t cap);
void report_stars_text(int n, char *out, size_t cap);
void report_short_reason(const char *s, char *out, size_t cap);
void report_cn_dates(char *s, size_t cap);
const struct model_unit *report_U(const struct report_ctx *r, long k);
const char *report_uname(const struct report_ctx *r, long k);
struct doc *report_new_doc(struct report_ctx *r, const char *title, const char *subtitle,
			   const char *date, const char *watermark);
void report_heading(struct report_ctx *r, struct doc *d, int level, const char *text);
void report_para(struct report_ctx *r, struct doc *d, const char *text);
void report_note(struct report_ctx *r, struct doc *d, const char *text);
struct doc_block *report_table(struct report_ctx *r, struct doc *d, const char *caption,
			       const struct colspec *cols, size_t n);
void report_row(struct report_ctx *r, struct doc_block *t, const char *const *cells);
void report_figure(struct report_ctx *r, struct doc *d, int id);
int report_narrative(struct report_ctx *r, struct doc *d, const char *file, const struct tv *data);
struct tv *report_set_num_or_null(struct report_ctx *r, struct tv *map, const char *key, double v,
				  int decimals);
long report_count_vetoed(const struct model *m);
void report_vars_kpi(struct report_ctx *r, struct tv *v);
void report_vars_unit(struct report_ctx *r, struct tv *map, const struct model_unit *u);
void report_join_units(struct report_ctx *r, const long *idx, long n, long max, char *out,
		       size_t cap);
struct tv *report_vars_common(struct report_ctx *r);
void report_pdf_opts(const struct report_ctx *r, struct pdf_opts *o);
int report_docx_path(const char *path, char *out, size_t cap);
void report_genre(struct report_ctx *r, struct doc *d, enum doc_genre g, int nth);
int report_finish(struct report_ctx *r, const struct doc *d, const char *path, const char *what);
void report_civil_from_days(long z, long *y, unsigned *m, unsigned *d);
struct tv *report_vars_briefing(struct report_ctx *r);
long report_company_table(struct report_ctx *r, struct doc *d, const char *caption,
			  const char *list, int public);
struct doc_block *report_rank_table(struct report_ctx *r, struct doc *d, const char *caption,
				    long from, long to);
int report_briefing(struct report_ctx *r, const char *path);
int report_ranking(struct report_ctx *r, const char *path);
int report_redblack(struct report_ctx *r, const char *path);
void report_street_table(struct report_ctx *r, struct doc *d, const char *caption, long ends);
int report_cards(struct report_ctx *r, const char *path, report_progress_fn progress, void *arg);
/* Per street OUTDIR/streets/<name>/通报 and 整改清单 (.pdf, .docx). */
int report_streets(struct report_ctx *r, const char *outdir);
/* report_street.c: the 整改期限 text; a doc as STEM.pdf and STEM.docx in dir. */
void report_rectify_deadline(const struct report_ctx *r, char *out, size_t cap);
int report_render_both(struct report_ctx *r, struct doc *d, const char *dir, const char *stem);
/* The 落款 and 成文日期 at the end of a street's or a company's document, to
 * the 主送 (NULL for none), without a 发文机关标志 or 文号 of its own. */
void report_sign_plain(struct report_ctx *r, struct doc *d, const char *to);
/* report_rectify.c: a 整改通知书 per 约谈 or 黑榜 company in OUTDIR/整改通知书/. */
int report_rectify_notices(struct report_ctx *r, const char *outdir);
/* report_version.c: the version of the results in every document. The mark
 * "（公示稿）"/"（终稿）" under d's title (report_new_doc and report_genre set
 * it); the sentence saying which version WHAT (本通报, 本报告卡…) is: the
 * 公示稿's 公示期 and how to appeal, the 终稿's end of the 公示期 ("" for a
 * database without a version); the 终稿's 复核情况 section under heading, on
 * the appeals against companies (companies 1) or grids and communities. */
void report_mark_version(struct report_ctx *r, struct doc *d);
/* Sets issued_on and date_cn: listed_on, or for a 终稿 the day after the
 * 公示期 or the last 复核日期 (whichever is later) when the settings' 成文日期
 * comes before them: a 终稿 is not dated inside its own 公示期. */
void report_final_date(struct report_ctx *r);
void report_version_text(struct report_ctx *r, const char *what, char *out, size_t cap);
void report_version_para(struct report_ctx *r, struct doc *d, const char *what);
void report_version_brief(struct report_ctx *r, struct doc *d, const char *what);
void report_review_section(struct report_ctx *r, struct doc *d, const char *heading, int companies);
/* The briefing's 积分制 section (report_points.c). */
void report_points_section(struct report_ctx *r, struct doc *d);

#endif
