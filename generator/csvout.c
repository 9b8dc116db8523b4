/* csvout.c - the result tables of the report model for people and for other
 * systems: CSV (through book_csv_dir: UTF-8 with a BOM, the English keys of
 * SPEC §4) and the workbooks (book_write: Chinese headers, codes as text).
 * One description per table serves both, so a sheet's rows are the CSV's. */
#include "csvout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "book.h"
#include "model.h"

/* Column metadata by CSV key: the Chinese header and the cell type. A key not
 * listed is plain text under its own name. Decimals come from the model's
 * measure so the workbook shows what the CSV holds. */
struct colinfo {
	const char *key, *title;
	enum book_type type;
	int measure; /* enum model_measure for BOOK_NUM, else -1 */
};

static const struct colinfo COLINFO[] = {
	{"code", "编码", BOOK_CODE, -1},
	{"name", "名称", BOOK_TEXT, -1},
	{"score", "得分", BOOK_NUM, MODEL_M_SCORE},
	{"tier", "档次", BOOK_TEXT, -1},
	{"funding", "奖补资金（元）", BOOK_INT, -1},
	{"rank", "排名", BOOK_INT, -1},
	{"community", "所属社区", BOOK_TEXT, -1},
	{"street", "所属街道", BOOK_TEXT, -1},
	{"rank_change", "名次变化", BOOK_INT, -1},
	{"stars", "星级", BOOK_INT, -1},
	{"vetoed", "一票否决", BOOK_INT, -1},
	{"star_names", "所获星", BOOK_TEXT, -1},
	{"award", "荣誉", BOOK_TEXT, -1},
	{"veto_reason", "否决原因", BOOK_TEXT, -1},
	{"complaint_rate", "投诉率（件/千户）", BOOK_NUM, MODEL_M_COMPLAINT_RATE},
	{"list", "榜单", BOOK_TEXT, -1},
	{"reason", "理由", BOOK_TEXT, -1},
	{"listed_on", "列入日期", BOOK_TEXT, -1},
	{"valid_until", "有效期至", BOOK_TEXT, -1},
	{"satisfaction", "业主满意度", BOOK_NUM, MODEL_M_OWNER_SATISFACTION},
	{"employer", "报到单位", BOOK_TEXT, -1},
	{"projects", "项目数", BOOK_INT, -1},
	{"completed", "已完成", BOOK_INT, -1},
	{"rating", "评价", BOOK_NUM, MODEL_M_SCORE},
	{"level", "等次", BOOK_TEXT, -1},
	{"id", "人员编号", BOOK_CODE, -1},
	{"role", "角色", BOOK_TEXT, -1},
	{"unit", "所属单元编码", BOOK_CODE, -1},
	{"points", "积分", BOOK_NUM, MODEL_M_PERSON_POINTS},
	{"rank_in_role", "角色内排名", BOOK_INT, -1},
	{"candidate", "最美候选", BOOK_INT, -1},
	{"unit_name", "所属单元", BOOK_TEXT, -1},
	{"file", "文件", BOOK_TEXT, -1},
	{"rows_read", "读取行数", BOOK_INT, -1},
	{"rows_loaded", "载入行数", BOOK_INT, -1},
	{"rows_rejected", "退回行数", BOOK_INT, -1},
	{"status", "状态", BOOK_TEXT, -1},
	{"encoding", "文字编码", BOOK_TEXT, -1},
	{"unknown_columns", "未识别的列", BOOK_TEXT, -1},
	{"rows_void", "作废行数", BOOK_INT, -1},
	{"line", "行号", BOOK_INT, -1},
	{"column", "列", BOOK_TEXT, -1},
	{"raw", "原始内容", BOOK_TEXT, -1},
};

#define MAXCOLS 16

enum src_kind { SRC_FILES, SRC_REJECTS, SRC_POINTS, SRC_TABLE };

/* The cells of one table, produced row by row from the model. rows (or NULL
 * for all) selects the rows of a street's part. */
struct src {
	const struct model *m;
	enum src_kind kind;
	const struct model_table *x;
	int extra_satisfaction; /* redblack: the company's 业主满意度 appended */
	const long *rows;
	long nrows;
	struct book_col cols[MAXCOLS];
	char num[MAXCOLS][64];
};

static void set_col(struct book_col *c, const char *key)
{
	size_t i;

	c->key = key;
	c->title = key;
	c->type = BOOK_TEXT;
	c->decimals = 0;
	for (i = 0; i < sizeof COLINFO / sizeof COLINFO[0]; i++)
		if (strcmp(COLINFO[i].key, key) == 0) {
			c->title = COLINFO[i].title;
			c->type = COLINFO[i].type;
			if (COLINFO[i].measure >= 0)
				c->decimals =
					model_decimals((enum model_measure)COLINFO[i].measure);
			return;
		}
}

static const char *fmt_long(struct src *s, int i, long v)
{
	snprintf(s->num[i], sizeof s->num[i], "%ld", v);
	return s->num[i];
}

static int row_cb(void *arg, long i, const char **out, struct diag *d)
{
	struct src *s = arg;
	const struct model *m = s->m;
	long r = s->rows ? s->rows[i] : i;
	int c;

	(void)d;
	switch (s->kind) {
	case SRC_FILES: {
		const struct model_file *f = &m->files[r];
		out[0] = f->file;
		out[1] = fmt_long(s, 1, f->read);
		out[2] = fmt_long(s, 2, f->loaded);
		out[3] = fmt_long(s, 3, f->rejected);
		out[4] = f->status;
		out[5] = f->encoding;
		out[6] = f->unknown_columns;
		out[7] = fmt_long(s, 7, f->voided);
		break;
	}
	case SRC_REJECTS: {
		const struct model_reject *x = &m->rejects[r];
		out[0] = x->file;
		out[1] = fmt_long(s, 1, x->line);
		if (x->file[0] == '[' && x->column) /* a sheet's: "C（上报时间）" */
			out[2] = x->column;
		else
			out[2] = x->col > 0 ? fmt_long(s, 2, x->col) : NULL;
		out[3] = x->reason;
		out[4] = x->raw;
		break;
	}
	case SRC_POINTS: {
		const struct model_person *p = &m->people[r];
		out[0] = p->id;
		out[1] = p->name;
		out[2] = p->role;
		out[3] = p->unit_code;
		snprintf(s->num[4], sizeof s->num[4], "%.*f", model_decimals(MODEL_M_PERSON_POINTS),
			 p->points);
		out[4] = s->num[4];
		out[5] = p->rank > 0 ? fmt_long(s, 5, p->rank) : NULL;
		out[6] = fmt_long(s, 6, p->candidate);
		out[7] = p->unit_name;
		break;
	}
	case SRC_TABLE:
		for (c = 0; c < s->x->ncols; c++)
			out[c] = s->x->cells[r * s->x->ncols + c];
		if (s->extra_satisfaction) {
			long k = out[0] ? model_find_company(m, out[0]) : -1;
			out[c] = NULL;
			if (k >= 0 &&
			    m->companies[k].satisfaction == m->companies[k].satisfaction) {
				model_fmt(MODEL_M_OWNER_SATISFACTION, m->companies[k].satisfaction,
					  s->num[c], sizeof s->num[c]);
				out[c] = s->num[c];
			}
		}
		break;
	}
	return 0;
}

static void src_keys(struct src *s, const char *const *keys, int n)
{
	int i;

	for (i = 0; i < n; i++)
		set_col(&s->cols[i], keys[i]);
}

/* Sheet names of the model's result tables, by CSV file. */
static const char *sheet_of(const char *file, const char **desc)
{
	static const struct {
		const char *file, *sheet, *desc;
	} S[] = {
		{"grid_tiers.csv", "网格考评", "网格得分、档次、奖补资金和全县排名"},
		{"community_ranking.csv", "社区排名", "社区得分、全县排名、名次变化和星级"},
		{"redblack.csv", "物业红黑榜", "物业服务企业得分、投诉率、榜单和业主满意度"},
		{"report_units.csv", "报到单位", "在职党员报到单位的项目和评价等次"},
	};
	size_t i;

	for (i = 0; i < sizeof S / sizeof S[0]; i++)
		if (strcmp(S[i].file, file) == 0) {
			*desc = S[i].desc;
			return S[i].sheet;
		}
	*desc = NULL;
	return file;
}

/* Describes every table of m: [0] files, [1] rejects (internal), [2] points,
 * then the result tables. srcs must hold 3 + m->ntables. Returns the count. */
static int describe(const struct model *m, struct src *srcs, struct book_table *t)
{
	static const char *const FILES[] = {
		"file",	  "rows_read", "rows_loaded",	  "rows_rejected",
		"status", "encoding",  "unknown_columns", "rows_void"};
	static const char *const REJECTS[] = {"file", "line", "column", "reason", "raw"};
	static const char *const POINTS[] = {"id",     "name",	       "role",	    "unit",
					     "points", "rank_in_role", "candidate", "unit_name"};
	int n = 0, k;

	memset(srcs, 0, (size_t)(3 + m->ntables) * sizeof *srcs);
	memset(t, 0, (size_t)(3 + m->ntables) * sizeof *t);
	srcs[n].kind = SRC_FILES;
	srcs[n].nrows = m->nfiles;
	src_keys(&srcs[n], FILES, 8);
	t[n] = (struct book_table){"载入情况",
				   "ingest_report.csv",
				   "各输入文件读取、载入和退回的行数",
				   srcs[n].cols,
				   8,
				   m->nfiles,
				   NULL,
				   row_cb,
				   NULL,
				   0};
	n++;
	srcs[n].kind = SRC_REJECTS;
	srcs[n].nrows = m->nrejects;
	src_keys(&srcs[n], REJECTS, 5);
	t[n] = (struct book_table){"退回记录",
				   "rejects.csv",
				   "未能载入的行及原因（已脱敏，仅供内部核对）",
				   srcs[n].cols,
				   5,
				   m->nrejects,
				   NULL,
				   row_cb,
				   NULL,
				   1};
	n++;
	srcs[n].kind = SRC_POINTS;
	srcs[n].nrows = m->npeople;
	src_keys(&srcs[n], POINTS, 8);
	t[n] = (struct book_table){"积分",
				   "points.csv",
				   "人员积分、角色内排名和最美候选",
				   srcs[n].cols,
				   8,
				   m->npeople,
				   NULL,
				   row_cb,
				   NULL,
				   0};
	n++;
	for (k = 0; k < m->ntables; k++, n++) {
		const struct model_table *x = &m->tables[k];
		const char *desc;
		int nc = x->ncols;
		srcs[n].kind = SRC_TABLE;
		srcs[n].x = x;
		srcs[n].nrows = x->nrows;
		src_keys(&srcs[n], x->cols, x->ncols);
		if (strcmp(x->file, "redblack.csv") == 0 && nc < MAXCOLS) {
			srcs[n].extra_satisfaction = 1;
			set_col(&srcs[n].cols[nc++], "satisfaction");
		}
		t[n] = (struct book_table){sheet_of(x->file, &desc),
					   x->file,
					   NULL,
					   srcs[n].cols,
					   nc,
					   x->nrows,
					   NULL,
					   row_cb,
					   NULL,
					   0};
		t[n].desc = desc;
	}
	for (k = 0; k < n; k++) {
		srcs[k].m = m;
		t[k].arg = &srcs[k];
	}
	return n;
}

int csvout_write(const struct model *m, const char *dir, struct diag *d)
{
	struct src srcs[3 + 4];
	struct book_table t[3 + 4];
	int n;

	if (m->ntables > 4)
		return diag_set(d, "内部错误：结果表过多");
	n = describe(m, srcs, t);
	return book_csv_dir(dir, t, n, d);
}

static void book_opts_of(const struct model *m, struct book_opts *o, char *period, size_t cap)
{
	memset(o, 0, sizeof *o);
	snprintf(period, cap, "%d年度", m->year);
	o->title = "考评结果";
	o->period = period;
	o->version = m->version; /* 公示稿 or 终稿 (run.version) */
}

int csvout_workbooks(const struct model *m, const char *public_path, const char *internal_path,
		     struct diag *d)
{
	struct src srcs[3 + 4];
	struct book_table t[3 + 4], pub[3 + 4];
	struct book_opts o;
	char period[64];
	int n, k, np = 0;

	if (m->ntables > 4)
		return diag_set(d, "内部错误：结果表过多");
	n = describe(m, srcs, t);
	for (k = 0; k < n; k++)
		if (!t[k].internal)
			pub[np++] = t[k];
	book_opts_of(m, &o, period, sizeof period);
	if (book_write(public_path, pub, np, &o, d) < 0)
		return -1;
	o.title = "考评结果（内部）";
	return internal_path ? book_write(internal_path, t, n, &o, d) : 0;
}

/* Rows of table x whose column col names the street (by name). */
static long *street_rows(const struct model_table *x, const char *col, const char *street, long *n)
{
	long *rows = malloc((size_t)(x->nrows ? x->nrows : 1) * sizeof *rows), k;
	int c;

	*n = 0;
	if (!rows)
		return NULL;
	for (c = 0; c < x->ncols; c++)
		if (strcmp(x->cols[c], col) == 0)
			break;
	if (c == x->ncols)
		return rows;
	for (k = 0; k < x->nrows; k++) {
		const char *v = x->cells[k * x->ncols + c];
		if (v && strcmp(v, street) == 0)
			rows[(*n)++] = k;
	}
	return rows;
}

int csvout_street_workbook(const struct model *m, long street, const long *companies,
			   long ncompanies, const char *path, struct diag *d)
{
	struct src srcs[3 + 4];
	struct book_table t[3 + 4], part[3 + 4];
	struct book_opts o;
	char period[64], title[256];
	long *sel[3 + 4] = {NULL};
	int n, k, np = 0, rc = -1;
	const char *name = m->units[street].name;

	if (m->ntables > 4)
		return diag_set(d, "内部错误：结果表过多");
	n = describe(m, srcs, t);
	for (k = 3; k < n; k++) {
		const struct model_table *x = srcs[k].x;
		long j, i, nr = 0;
		if (strcmp(x->file, "grid_tiers.csv") == 0 ||
		    strcmp(x->file, "community_ranking.csv") == 0)
			sel[k] = street_rows(x, "street", name, &nr);
		else if (strcmp(x->file, "redblack.csv") == 0) {
			sel[k] = malloc((size_t)(x->nrows ? x->nrows : 1) * sizeof *sel[k]);
			for (j = 0; sel[k] && j < x->nrows; j++)
				for (i = 0; i < ncompanies; i++)
					if (x->cells[j * x->ncols] &&
					    strcmp(x->cells[j * x->ncols],
						   m->companies[companies[i]].code) == 0) {
						sel[k][nr++] = j;
						break;
					}
		} else
			continue;
		if (!sel[k]) {
			diag_set(d, "内存不足");
			goto done;
		}
		srcs[k].rows = sel[k];
		srcs[k].nrows = nr;
		t[k].nrows = nr;
		part[np++] = t[k];
	}
	book_opts_of(m, &o, period, sizeof period);
	snprintf(title, sizeof title, "%s考评结果", name);
	o.title = title;
	rc = book_write(path, part, np, &o, d);
done:
	for (k = 0; k < n; k++)
		free(sel[k]);
	return rc;
}
