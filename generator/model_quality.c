/* model_quality.c - the data-quality page's account, for the person who
 * keeps an export rather than for a programmer: what each export holds, for
 * each rejected row what it was about and what leaving it out changes in the
 * results, and which units, companies and people the assessment left out and
 * why. Everything from the database here; the renderers read only this. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "model_int.h"
#include "schema.h"
#include "store.h"

/* The schema table an export was read as: its name before the first dot
 * ("visits.csv.gz"), else the "作为 x.csv（…）读取" of its message. */
static const struct schema_table *file_table(const struct model_file *f)
{
	char name[64];
	const char *dot = strchr(f->file, '.'), *p;
	size_t n = dot ? (size_t)(dot - f->file) : strlen(f->file);
	const struct schema_table *t = NULL;

	if (n < sizeof name) {
		memcpy(name, f->file, n);
		name[n] = '\0';
		t = schema_find(name);
	}
	if (!t && f->message && (p = strstr(f->message, "作为 ")) != NULL) {
		p += strlen("作为 ");
		dot = strchr(p, '.');
		n = dot ? (size_t)(dot - p) : 0;
		if (n > 0 && n < sizeof name) {
			memcpy(name, p, n);
			name[n] = '\0';
			t = schema_find(name);
		}
	}
	return t;
}

/* The column as the export names it: "C（上报时间）" of a workbook is
 * "C 列“上报时间”", "date（走访日期）" is "“date”列（即走访日期）". */
void model_column_words(const struct model_reject *x, char *out, size_t cap)
{
	const char *c = x->column, *open;
	size_t n;

	if (!c || !*c) {
		snprintf(out, cap, "整行");
		return;
	}
	open = strstr(c, "（");
	n = strlen(c);
	if (open && n >= 3 && strcmp(c + n - 3, "）") == 0) {
		size_t a = (size_t)(open - c), k;
		int letters = a > 0 && a <= 3;
		const char *in = open + 3;
		int inlen = (int)(c + n - 3 - in);
		for (k = 0; k < a; k++)
			if (c[k] < 'A' || c[k] > 'Z')
				letters = 0;
		if (letters)
			snprintf(out, cap, "%.*s 列“%.*s”", (int)a, c, inlen, in);
		else
			snprintf(out, cap, "“%.*s”列（即%.*s）", (int)a, c, inlen, in);
		return;
	}
	if (x->col > 0)
		snprintf(out, cap, "第 %ld 列“%s”", x->col, c);
	else
		snprintf(out, cap, "“%s”列", c);
}

/* One field of a rejected row (reject_fields), or NULL. */
struct rfield {
	char field[16];
	char *value;
};
struct rfields {
	struct rfield f[12];
	int n;
};

static const char *rf_get(const struct rfields *r, const char *field)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->f[i].field, field) == 0)
			return r->f[i].value;
	return NULL;
}

static void rf_clear(struct rfields *r)
{
	int i;

	for (i = 0; i < r->n; i++)
		free(r->f[i].value);
	r->n = 0;
}

static int rf_load(struct model_ctx *c, struct store_stmt *st, const struct model_reject *x,
		   struct rfields *r)
{
	int step;

	rf_clear(r);
	if (!st)
		return 0;
	store_reset(st);
	store_bind_text(st, 1, x->file, -1);
	store_bind_int(st, 2, x->line);
	while ((step = store_step(st, c->d)) == STORE_ROW && r->n < 12) {
		const char *f = store_col_text(st, 0), *v = store_col_text(st, 1);
		if (!f || !v || strlen(f) >= sizeof r->f[0].field)
			continue;
		snprintf(r->f[r->n].field, sizeof r->f[0].field, "%s", f);
		r->f[r->n].value = model_dupm(c, v, "");
		r->n++;
	}
	return step == STORE_ERROR ? -1 : 0;
}

/* A unit's name by code, else the code itself; NULL for NULL. */
static const char *unit_name(struct model_ctx *c, const char *code)
{
	long k;

	if (!code)
		return NULL;
	k = model_hash_find(c, code, strlen(code));
	return k >= 0 ? c->m->units[k].name : code;
}

static const char *company_name(struct model_ctx *c, const char *code)
{
	long k;

	if (!code)
		return NULL;
	for (k = 0; k < c->m->ncompanies; k++)
		if (strcmp(c->m->companies[k].code, code) == 0)
			return c->m->companies[k].name;
	return code;
}

/* Whether a unit or company code names a known one. */
static int known(struct model_ctx *c, const char *code, int company)
{
	return code && strcmp(company ? company_name(c, code) : unit_name(c, code), code) != 0;
}

/* value and problem split off "列名 "值" 问题". */
static void split_reason(struct model_ctx *c, struct model_reject *x)
{
	const char *r = x->reason, *q, *e;
	size_t cn = x->column ? strlen(x->column) : 0;

	if (cn && strncmp(r, x->column, cn) == 0 && strncmp(r + cn, " \"", 2) == 0 &&
	    (e = strstr(r + cn + 2, "\" ")) != NULL) {
		struct buf b;
		q = r + cn + 2;
		buf_init(&b, 0);
		buf_printf(&b, "%.*s", (int)(e - q), q);
		x->value = model_dupm(c, b.data ? b.data : "", "");
		buf_release(&b);
		x->problem = model_dupm(c, e + 2, "");
	} else {
		x->problem = model_dupm(c, r, "");
	}
}

/* What the row was about and what leaving it out changes. */
static void describe(struct model_ctx *c, struct model_reject *x, const char *table,
		     const struct rfields *r, struct buf *subj, struct buf *eff)
{
	const char *name = rf_get(r, "name"), *code = rf_get(r, "code"), *id = rf_get(r, "id");
	const char *grid = rf_get(r, "grid"), *unit = rf_get(r, "unit");
	const char *company = rf_get(r, "company"), *target = rf_get(r, "target");
	const char *kind = rf_get(r, "target_kind");

	/* a duplicate is rejected by the database, without its fields: its id
	 * is the value the reason quotes */
	if (!id && r->n == 0 && x->value)
		id = x->value;
	buf_reset(subj);
	buf_reset(eff);
	if (x->problem && strncmp(x->problem, "编号重复", strlen("编号重复")) == 0) {
		buf_printf(subj, "%s", id ? id : "");
		buf_puts(eff, "与已计入的记录编号相同，未重复计入；如确为两条不同记录，"
			      "请更正编号后重新导出");
		return;
	}
	if (strcmp(table, "units") == 0) {
		buf_printf(subj, "%s%s%s", name ? name : "", name && code ? " " : "",
			   code ? code : "");
		buf_puts(eff, "该单元未载入，不参加本期考评；其下级单元和所属记录无法归属");
	} else if (strcmp(table, "companies") == 0) {
		buf_printf(subj, "%s", name ? name : code ? code : "");
		buf_puts(eff, "该企业未载入，不参加本期物业企业考评，不列入红黑榜；"
			      "其物业考评、投诉记录无法归属");
	} else if (strcmp(table, "people") == 0) {
		buf_printf(subj, "%s%s%s", name ? name : "", name && id ? " " : "", id ? id : "");
		buf_puts(
			eff,
			"该人员未载入，不参加本期积分制考评；其上报事件、走访等记录不计入个人积分");
	} else if (strcmp(table, "branches") == 0) {
		buf_printf(subj, "%s", name ? name : code ? code : "");
		buf_printf(eff, "%s的党组织覆盖未计入该党组织",
			   known(c, unit, 0) ? unit_name(c, unit) : "所属单元");
	} else if (strcmp(table, "events") == 0) {
		buf_printf(subj, "事件 %s", id ? id : "");
		if (known(c, grid, 0))
			buf_printf(eff, "%s的事件数、办结率、按时办结率和满意度均未计入该事件",
				   unit_name(c, grid));
		else
			buf_puts(eff, "该事件未计入任何网格的事件数、办结率和满意度");
	} else if (strcmp(table, "visits") == 0) {
		buf_printf(subj, "走访记录 %s", id ? id : "");
		if (known(c, grid, 0))
			buf_printf(eff, "%s的敲门走访覆盖率和走访人员积分未计入该户次",
				   unit_name(c, grid));
		else
			buf_puts(eff, "该户次未计入任何网格的敲门走访覆盖率");
	} else if (strcmp(table, "services") == 0) {
		buf_printf(subj, "服务记录 %s", id ? id : "");
		buf_printf(eff, "%s的志愿服务次数、时长和服务人员积分未计入该记录",
			   known(c, unit, 0) ? unit_name(c, unit) : "所属社区");
	} else if (strcmp(table, "wishes") == 0) {
		buf_printf(subj, "微心愿 %s", id ? id : "");
		buf_printf(eff, "%s的微心愿发布数、完成数和完成率未计入该心愿",
			   known(c, unit, 0) ? unit_name(c, unit) : "所属社区");
	} else if (strcmp(table, "evaluations") == 0 || strcmp(table, "incidents") == 0) {
		const char *who =
			target ? (kind && strcmp(kind, "物业企业") == 0 ? company_name(c, target)
									: unit_name(c, target))
			       : "评价对象";
		int inc = table[0] == 'i';
		buf_printf(subj, "%s %s", inc ? "重大事项" : "评价", id ? id : "");
		if (inc)
			buf_printf(eff,
				   "%s的该事项未予认定：如事项属实，一票否决等结果未随之调整，"
				   "请核实后更正重报",
				   who);
		else
			buf_printf(eff, "%s的满意度测评未计入该评价", who);
	} else if (strcmp(table, "property_checks") == 0) {
		const char *q = rf_get(r, "quarter"), *cm = rf_get(r, "community");
		buf_printf(subj, "%s %s %s", company ? company_name(c, company) : "",
			   cm ? unit_name(c, cm) : "", q ? q : "");
		buf_printf(eff, "%s的物业考评得分未计入该项",
			   company ? company_name(c, company) : "该企业");
	} else if (strcmp(table, "complaints") == 0) {
		buf_printf(subj, "投诉 %s", id ? id : "");
		buf_printf(eff, "%s的投诉率和投诉解决率未计入该投诉",
			   company ? company_name(c, company) : "所涉企业");
	} else if (strcmp(table, "projects") == 0) {
		buf_printf(subj, "共建项目 %s", id ? id : "");
		buf_printf(eff, "%s的共建项目完成数未计入该项目",
			   rf_get(r, "employer") ? rf_get(r, "employer") : "报到单位");
	} else if (strcmp(table, "adjustments") == 0) {
		buf_printf(subj, "%s", target ? target : "");
		buf_puts(eff, "该项加减分未计入");
	} else if (strcmp(table, "appeals") == 0) {
		buf_printf(subj, "申诉 %s", id ? id : "");
		buf_puts(eff, "该申诉未纳入复核，终稿不据此调整");
	} else {
		buf_puts(eff, "该行未计入任何指标");
	}
}

static int add_leftout(struct model_ctx *c, long *cap, const char *kind, const char *name,
		       const char *why)
{
	struct model *m = c->m;

	if (m->nleftout == *cap) {
		long nc = *cap ? *cap * 2 : 16;
		struct model_leftout *p = realloc(m->leftout, (size_t)nc * sizeof *p);
		if (!p) {
			c->oom = 1;
			return -1;
		}
		m->leftout = p;
		*cap = nc;
	}
	m->leftout[m->nleftout].kind = kind;
	m->leftout[m->nleftout].name = model_dupm(c, name, "");
	m->leftout[m->nleftout].why = model_dupm(c, why, "");
	m->nleftout++;
	return 0;
}

int model_explain_quality(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	struct rfields rf;
	struct buf subj, eff, why;
	struct model_coverage *cv;
	long k, cap = 0, rej_units[2] = {0, 0}, rej_companies = 0, rej_people = 0;
	long ngrid = 0, ncomm = 0;
	int rc = -1;

	memset(&rf, 0, sizeof rf);
	buf_init(&subj, 0);
	buf_init(&eff, 0);
	buf_init(&why, 0);
	for (k = 0; k < m->nfiles; k++) {
		struct model_file *f = &m->files[k];
		const struct schema_table *t = file_table(f);
		f->what = t ? t->label : NULL;
		f->counted = f->loaded - f->voided;
	}
	if (model_table_exists(c->s, "reject_fields") &&
	    model_prep(c, "SELECT field, value FROM reject_fields WHERE file = ?1 AND line = ?2",
		       &st) < 0)
		goto done;
	for (k = 0; k < m->nrejects; k++) {
		struct model_reject *x = &m->rejects[k];
		const struct schema_table *t = NULL;
		const char *table;
		long j;
		for (j = 0; j < m->nfiles; j++)
			if (strcmp(m->files[j].file, x->file) == 0)
				t = file_table(&m->files[j]);
		table = t ? t->name : "";
		if (rf_load(c, st, x, &rf) < 0)
			goto done;
		split_reason(c, x);
		describe(c, x, table, &rf, &subj, &eff);
		x->subject = model_dupm(c, subj.data ? subj.data : "", "");
		x->effect = model_dupm(c, eff.data ? eff.data : "", "");
		/* a rejected unit, company or person is left out of the assessment */
		if (strcmp(table, "units") == 0 || strcmp(table, "companies") == 0 ||
		    strcmp(table, "people") == 0) {
			const char *lv = rf_get(&rf, "level");
			const char *kind = table[0] == 'c'			? "物业企业"
					   : table[0] == 'p'			? "人员"
					   : lv && strcmp(lv, "grid") == 0	? "网格"
					   : lv && strcmp(lv, "community") == 0 ? "社区"
										: "单元";
			buf_reset(&why);
			buf_printf(&why, "%s第 %ld 行", t->label, x->line);
			if (x->column) {
				char col[256];
				model_column_words(x, col, sizeof col);
				buf_printf(&why, "%s", col);
			}
			if (x->value)
				buf_printf(&why, "填写为“%s”，", x->value);
			buf_printf(&why, "%s，整行未载入", x->problem ? x->problem : "");
			if (add_leftout(c, &cap, kind, subj.data ? subj.data : "", why.data) < 0)
				goto done;
			if (table[0] == 'c')
				rej_companies++;
			else if (table[0] == 'p')
				rej_people++;
			else if (lv && strcmp(lv, "grid") == 0)
				rej_units[0]++;
			else if (lv && strcmp(lv, "community") == 0)
				rej_units[1]++;
		}
	}
	/* loaded, but without a result: nothing in the period to score */
	for (k = 0; k < m->nunits; k++) {
		const struct model_unit *u = &m->units[k];
		if (u->level == MODEL_GRID)
			ngrid++;
		if (u->level == MODEL_COMMUNITY)
			ncomm++;
		if (!m->has_results || u->has_result ||
		    (u->level != MODEL_GRID && u->level != MODEL_COMMUNITY))
			continue;
		if (add_leftout(c, &cap, u->level == MODEL_GRID ? "网格" : "社区", u->name,
				"已载入，但考评结果中没有该单元：考评期间内没有可计分的记录") < 0)
			goto done;
	}
	for (k = 0; m->has_results && k < m->ncompanies; k++) {
		const struct model_company *co = &m->companies[k];
		if (co->has_result)
			continue;
		if (add_leftout(c, &cap, "物业企业", co->name,
				"已载入，但考评期间内没有该企业的物业考评记录，未予评分") < 0)
			goto done;
	}
	m->ncoverage = 0;
	cv = &m->coverage[m->ncoverage++];
	*cv = (struct model_coverage){"网格", "个", ngrid + rej_units[0], ngrid, m->grids_scored};
	cv = &m->coverage[m->ncoverage++];
	*cv = (struct model_coverage){"社区", "个", ncomm + rej_units[1], ncomm,
				      m->communities_scored};
	cv = &m->coverage[m->ncoverage++];
	*cv = (struct model_coverage){"物业企业", "家", m->ncompanies + rej_companies,
				      m->ncompanies, m->companies_scored};
	cv = &m->coverage[m->ncoverage++];
	*cv = (struct model_coverage){
		"人员", "人", store_scalar_int(c->s, "SELECT count(*) FROM people", 0) + rej_people,
		store_scalar_int(c->s, "SELECT count(*) FROM people", 0), m->npeople};
	rc = 0;
done:
	rf_clear(&rf);
	store_finalize(st);
	buf_release(&subj);
	buf_release(&eff);
	buf_release(&why);
	if (c->oom)
		return diag_set(c->d, "内存不足");
	return rc;
}

int model_load_quality(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step;
	long n;

	n = store_scalar_int(c->s, "SELECT count(*) FROM ingest_files", 0);
	m->files = model_calloc(c, (size_t)n, sizeof *m->files);
	if (!m->files)
		return diag_set(c->d, "内存不足");
	if (model_prep(c,
		       "SELECT file, status, encoding, rows_read, rows_loaded, rows_rejected,"
		       " unknown_columns, message, rows_void FROM ingest_files ORDER BY seq, file",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nfiles < n) {
		struct model_file *f = &m->files[m->nfiles++];
		f->file = model_dupm(c, store_col_text(st, 0), "");
		f->status = model_dupm(c, store_col_text(st, 1), NULL);
		f->encoding = model_dupm(c, store_col_text(st, 2), NULL);
		f->read = (long)store_col_int(st, 3);
		f->loaded = (long)store_col_int(st, 4);
		f->rejected = (long)store_col_int(st, 5);
		f->unknown_columns = model_dupm(c, store_col_text(st, 6), NULL);
		f->message = model_dupm(c, store_col_text(st, 7), NULL);
		f->voided = (long)store_col_int(st, 8);
		m->rows_read += f->read;
		m->rows_loaded += f->loaded;
		m->rows_rejected += f->rejected;
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	n = store_scalar_int(c->s,
			     "SELECT count(*) FROM (SELECT 1 FROM rejects"
			     " GROUP BY file, coalesce(column_name, ''))",
			     0);
	m->reasons = model_calloc(c, (size_t)n, sizeof *m->reasons);
	if (!m->reasons)
		return diag_set(c->d, "内存不足");
	if (model_prep(c,
		       "SELECT r.file, coalesce(r.column_name, '') AS col, count(*),"
		       " (SELECT x.reason FROM rejects x WHERE x.file = r.file"
		       "  AND coalesce(x.column_name, '') = coalesce(r.column_name, '')"
		       "  ORDER BY x.line LIMIT 1)"
		       " FROM rejects r LEFT JOIN ingest_files f ON f.file = r.file"
		       " GROUP BY r.file, col ORDER BY min(f.seq), r.file, col",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nreasons < n) {
		struct model_reason *x = &m->reasons[m->nreasons++];
		x->file = model_dupm(c, store_col_text(st, 0), "");
		x->column = model_dupm(c, store_col_text(st, 1), "");
		x->count = (long)store_col_int(st, 2);
		x->example = model_dupm(c, store_col_text(st, 3), "");
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}
