/* model.c - the report model filled from the store, one pass per table:
 * model_build runs the passes of model_events.c (units, events rolled up the
 * unit tree), model_results.c (rule results merged by code through a hash of
 * the units), model_rows.c (the rows renderers list) and model_chart.c (chart
 * specs). Here: the shared helpers, the key figures' definitions, the one
 * formatting of numbers and changes, build and free. Every text that came from
 * the data is masked (model_dupm) before it enters the model. */
#include "model.h"

#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "parse.h"
#include "model_int.h"
#include "store.h"

/* ---- small helpers ------------------------------------------------------------ */

double model_pct(long num, long den)
{
	return den > 0 ? 100.0 * (double)num / (double)den : NAN;
}

double model_closure(const struct model_ev *e)
{
	return model_pct(e->closed, e->events);
}

double model_ontime(const struct model_ev *e)
{
	return model_pct(e->ontime, e->closed);
}

double model_in_grid(const struct model_ev *e)
{
	return model_pct(e->in_grid, e->closed);
}

double model_satisfaction(const struct model_ev *e)
{
	return e->rated > 0 ? (double)e->rating_sum / (double)e->rated : NAN;
}

/* A masked copy of s (NULL stays NULL unless dflt is given). */
char *model_dupm(struct model_ctx *c, const char *s, const char *dflt)
{
	size_t n;
	char *out;

	if (!s)
		s = dflt;
	if (!s)
		return NULL;
	n = strlen(s);
	out = malloc(n + 1);
	if (!out) {
		c->oom = 1;
		return NULL;
	}
	parse_mask_personal(s, n, out, n + 1);
	return out;
}

/* A plain copy (codes: masking them would break links). */
char *model_dupc(struct model_ctx *c, const char *s)
{
	char *p;

	if (!s)
		s = "";
	p = strdup(s);
	if (!p)
		c->oom = 1;
	return p;
}

void *model_calloc(struct model_ctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		c->oom = 1;
	return p;
}

double model_col_num(struct store_stmt *st, int i)
{
	return store_col_type(st, i) == STORE_NULL ? NAN : store_col_double(st, i);
}

int model_prep(struct model_ctx *c, const char *sql, struct store_stmt **st)
{
	return store_prepare(c->s, sql, st, c->d);
}

int model_table_exists(struct store *s, const char *name)
{
	char sql[160];

	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", name);
	return store_scalar_int(s, sql, 0) > 0;
}

int model_hash_build(struct model_ctx *c)
{
	long k;

	if (strmap_reserve(&c->units, (size_t)c->m->nunits) < 0)
		return -1;
	for (k = 0; k < c->m->nunits; k++) {
		const char *code = c->m->units[k].code;
		if (strmap_put(&c->units, code, strlen(code), k) < 0)
			return -1;
	}
	return 0;
}

long model_hash_find(const struct model_ctx *c, const char *s, size_t n)
{
	return s ? strmap_get(&c->units, s, n) : -1;
}

/* Index of the element whose code (a char * at offset off of each element of
 * size bytes) equals code in arr[0..n), sorted by code; -1 if none. */
static long find_code(const void *arr, long n, size_t size, size_t off, const char *code)
{
	long lo = 0, hi = n - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		const char *c;
		memcpy(&c, (const char *)arr + (size_t)mid * size + off, sizeof c);
		int r = strcmp(c, code);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

long model_find_unit(const struct model *m, const char *code)
{
	return find_code(m->units, m->nunits, sizeof *m->units, offsetof(struct model_unit, code),
			 code);
}

long model_find_company(const struct model *m, const char *code)
{
	return find_code(m->companies, m->ncompanies, sizeof *m->companies,
			 offsetof(struct model_company, code), code);
}

/* ---- key figures: fixed definitions ------------------------------------------- */

static const struct model_kpi KPI_DEF[MODEL_KPI_N] = {
	[MODEL_KPI_EVENTS] = {"events", "网格事件", "件", MODEL_COUNT, 0, 0, NAN, NAN},
	[MODEL_KPI_CLOSED] = {"closed", "已办结", "件", MODEL_COUNT, 0, 0, NAN, NAN},
	[MODEL_KPI_CLOSURE] = {"closure", "办结率", "%", MODEL_RATE, 1, 1, NAN, NAN},
	[MODEL_KPI_ONTIME] = {"ontime", "按时办结率", "%", MODEL_RATE, 1, 1, NAN, NAN},
	[MODEL_KPI_IN_GRID] = {"in_grid", "小事不出网格", "%", MODEL_RATE, 1, 1, NAN, NAN},
	[MODEL_KPI_SATISFACTION] = {"satisfaction", "群众满意度", "分", MODEL_SCORE, 2, 1, NAN,
				    NAN},
	[MODEL_KPI_VISITS] = {"visits", "敲门行动入户覆盖率", "%", MODEL_RATE, 1, 1, NAN, NAN},
	[MODEL_KPI_WISHES] = {"wishes", "微心愿发布", "个", MODEL_COUNT, 0, 0, NAN, NAN},
	[MODEL_KPI_WISHES_DONE] = {"wishes_done", "微心愿完成", "个", MODEL_COUNT, 0, 1, NAN, NAN},
	[MODEL_KPI_WISH_RATE] = {"wish_rate", "微心愿完成率", "%", MODEL_RATE, 1, 1, NAN, NAN},
	[MODEL_KPI_SERVICES] = {"services", "志愿服务", "次", MODEL_COUNT, 0, 1, NAN, NAN},
	[MODEL_KPI_SERVICE_HOURS] = {"service_hours", "服务时长", "小时", MODEL_COUNT, 1, 1, NAN,
				     NAN},
	[MODEL_KPI_GRIDS] = {"grids", "网格", "个", MODEL_COUNT, 0, 0, NAN, NAN},
	[MODEL_KPI_COMMUNITIES] = {"communities", "社区", "个", MODEL_COUNT, 0, 0, NAN, NAN},
	[MODEL_KPI_COMPANIES] = {"companies", "物业企业", "家", MODEL_COUNT, 0, 0, NAN, NAN},
	[MODEL_KPI_RED] = {"red", "红榜企业", "家", MODEL_COUNT, 0, 1, NAN, NAN},
	[MODEL_KPI_BLACK] = {"black", "黑榜企业", "家", MODEL_COUNT, 0, -1, NAN, NAN},
	[MODEL_KPI_TALK] = {"talk", "约谈企业", "家", MODEL_COUNT, 0, -1, NAN, NAN},
};

/* GB/T 8170-2008 rounding of v to dec decimals, done once on the decimal
 * digits of v (15 significant digits, which is what the data said: 0.35 is
 * "0.35", not the binary 0.34999...): a dropped part above half rounds up, a
 * dropped part of exactly 5 rounds to the even neighbour, the absolute value
 * of a negative number is rounded. printf rounds the binary value instead. */
void model_round(double v, int dec, char *out, size_t cap)
{
	char b[64], dig[64];
	int neg = v < 0, n, point, i, nd, keep, up = 0, rest = 0;
	char *e;
	long ex;

	if (dec < 0)
		dec = 0;
	if (dec > 15)
		dec = 15;
	if (isnan(v) || isinf(v) || cap == 0) {
		snprintf(out, cap, "—");
		return;
	}
	/* digits and decimal exponent: d.ddddddddddddddde±x */
	n = snprintf(b, sizeof b, "%.14e", fabs(v));
	if (n <= 0 || n >= (int)sizeof b) {
		snprintf(out, cap, "%.*f", dec, v);
		return;
	}
	nd = 0;
	for (i = 0; b[i] && b[i] != 'e'; i++)
		if (b[i] >= '0' && b[i] <= '9')
			dig[nd++] = b[i];
	ex = strtol(b + i + 1, &e, 10);
	point = (int)ex + 1; /* digits before the decimal point */
	keep = point + dec;  /* digits kept */
	if (keep < 0) {
		snprintf(out, cap, "%.*f", dec, 0.0);
		return;
	}
	if (keep < nd) {
		int first = dig[keep] - '0';
		for (i = keep + 1; i < nd; i++)
			rest |= dig[i] != '0';
		if (first > 5 || (first == 5 && rest))
			up = 1;
		else if (first == 5)
			up = keep > 0 && (dig[keep - 1] - '0') % 2 == 1;
		nd = keep;
	}
	while (nd < keep && nd < (int)sizeof dig - 1)
		dig[nd++] = '0';
	if (up) {
		for (i = nd - 1; i >= 0 && dig[i] == '9'; i--)
			dig[i] = '0';
		if (i >= 0) {
			dig[i]++;
		} else { /* 9.99 -> 10.0: one more digit in front */
			memmove(dig + 1, dig, (size_t)nd);
			dig[0] = '1';
			nd++;
			point++;
		}
	}
	/* write sign, integer part, point, decimals */
	{
		char r[96];
		size_t o = 0;
		int nonzero = 0;
		for (i = 0; i < nd; i++)
			nonzero |= dig[i] != '0';
		if (neg && nonzero)
			r[o++] = '-';
		if (point <= 0)
			r[o++] = '0';
		for (i = 0; i < point && o < sizeof r - 2; i++)
			r[o++] = i < nd ? dig[i] : '0';
		if (dec > 0) {
			r[o++] = '.';
			for (i = point; i < point + dec && o < sizeof r - 1; i++)
				r[o++] = i >= 0 && i < nd ? dig[i] : '0';
		}
		r[o] = '\0';
		snprintf(out, cap, "%s", r);
	}
}

void model_fmt_value(const struct model_kpi *k, double v, char *out, size_t cap)
{
	if (isnan(v))
		snprintf(out, cap, "—");
	else
		model_round(v, k->decimals, out, cap);
}

int model_decimals(enum model_measure k)
{
	static const int DEC[MODEL_M_N] = {2, 2, 2, 2, 2, 1, 2, 1};

	return k >= 0 && k < MODEL_M_N ? DEC[k] : 2;
}

void model_fmt(enum model_measure k, double v, char *out, size_t cap)
{
	if (isnan(v))
		snprintf(out, cap, "—");
	else
		model_round(v, model_decimals(k), out, cap);
}

void model_unit_kpis(const struct model *m, const struct model_unit *u,
		     struct model_kpi k[MODEL_UNIT_KPIS])
{
	k[0] = m->kpi[MODEL_KPI_EVENTS];
	k[0].cur = (double)u->ev[0].events;
	k[0].prev = u->ev[1].events ? (double)u->ev[1].events : NAN;
	k[1] = m->kpi[MODEL_KPI_CLOSURE];
	k[1].cur = model_closure(&u->ev[0]);
	k[1].prev = model_closure(&u->ev[1]);
	k[2] = m->kpi[MODEL_KPI_ONTIME];
	k[2].cur = model_ontime(&u->ev[0]);
	k[2].prev = model_ontime(&u->ev[1]);
	k[3] = m->kpi[MODEL_KPI_IN_GRID];
	k[3].cur = model_in_grid(&u->ev[0]);
	k[3].prev = model_in_grid(&u->ev[1]);
	k[4] = m->kpi[MODEL_KPI_SATISFACTION];
	k[4].cur = model_satisfaction(&u->ev[0]);
	k[4].prev = model_satisfaction(&u->ev[1]);
	k[5] = m->kpi[MODEL_KPI_VISITS];
	k[5].cur = u->visit_coverage;
	k[5].prev = NAN;
}

void model_fmt_pct(double v, char *out, size_t cap)
{
	if (isnan(v))
		snprintf(out, cap, "—");
	else {
		char b[64];
		model_round(v, 1, b, sizeof b);
		snprintf(out, cap, "%s%%", b);
	}
}

void model_fmt_ring(const struct model_kpi *k, char *out, size_t cap, int *dir)
{
	struct model_kpi r = *k;

	r.prev = k->prev2;
	model_fmt_change(&r, out, cap, dir);
	if (strcmp(out, "上年为 0") == 0)
		snprintf(out, cap, "上期为 0");
}

void model_fmt_change(const struct model_kpi *k, char *out, size_t cap, int *dir)
{
	double diff, scale = pow(10, k->decimals);

	*dir = 0;
	out[0] = '\0';
	if (isnan(k->cur) || isnan(k->prev))
		return;
	if (k->kind != MODEL_COUNT) {
		/* from the figures shown, so that a reader's own subtraction agrees:
		 * 63.3 and 61.9 shown make 提高1.4个百分点, whatever the digits behind */
		char a[64], b[64];
		model_round(k->cur, k->decimals, a, sizeof a);
		model_round(k->prev, k->decimals, b, sizeof b);
		diff = (strtod(a, NULL) - strtod(b, NULL));
		diff = round(diff * scale) / scale;
	} else {
		diff = k->cur - k->prev;
	}
	if (k->kind == MODEL_COUNT) {
		double pct;
		if (k->prev == 0) {
			if (k->cur == 0)
				snprintf(out, cap, "持平");
			else
				*dir = 1, snprintf(out, cap, "上年为 0");
			return;
		}
		pct = 100.0 * diff / k->prev;
		if (fabs(pct) < 0.05) {
			snprintf(out, cap, "持平");
			return;
		}
		*dir = pct > 0 ? 1 : -1;
		snprintf(out, cap, "%s%.1f%%", pct > 0 ? "增长" : "下降", fabs(pct));
		return;
	}
	if (fabs(diff) * scale < 0.5) {
		snprintf(out, cap, "持平");
		return;
	}
	*dir = diff > 0 ? 1 : -1;
	if (k->kind == MODEL_RATE)
		snprintf(out, cap, "%s%.*f个百分点", diff > 0 ? "提高" : "降低", k->decimals,
			 fabs(diff));
	else
		/* with its unit: "提高0.06" alone does not say 0.06 of what */
		snprintf(out, cap, "%s%.*f%s", diff > 0 ? "提高" : "降低", k->decimals, fabs(diff),
			 k->unit ? k->unit : "");
}

/* The rank change as text, once for the site, the PDF documents and the
 * narratives. An unchanged rank is "持平" rather than "—": "—" is the mark of a
 * missing value in every table here, and no previous rank is such a case. */
static void change_marks(struct model *m)
{
	long k;

	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		if (!u->has_change) {
			snprintf(u->change_mark, sizeof u->change_mark, "—");
			u->change_words[0] = '\0';
		} else if (u->rank_change > 0) {
			snprintf(u->change_mark, sizeof u->change_mark, "↑%ld", u->rank_change);
			snprintf(u->change_words, sizeof u->change_words, "上升%ld位",
				 u->rank_change);
		} else if (u->rank_change < 0) {
			snprintf(u->change_mark, sizeof u->change_mark, "↓%ld", -u->rank_change);
			snprintf(u->change_words, sizeof u->change_words, "下降%ld位",
				 -u->rank_change);
		} else {
			snprintf(u->change_mark, sizeof u->change_mark, "持平");
			snprintf(u->change_words, sizeof u->change_words, "名次不变");
		}
	}
}

void model_count_results(struct store *s, struct model_counts *out)
{
	char *year = store_scalar_text(s, "SELECT value FROM run WHERE key = 'year'");

	snprintf(out->year, sizeof out->year, "%s", year ? year : "?");
	free(year);
	out->grids = (long)store_scalar_int(s, "SELECT count(*) FROM grid_tiers", 0);
	out->communities = (long)store_scalar_int(s, "SELECT count(*) FROM community_ranking", 0);
	out->companies = (long)store_scalar_int(s, "SELECT count(*) FROM redblack", 0);
	out->people = (long)store_scalar_int(s, "SELECT count(*) FROM points", 0);
	out->report_units = (long)store_scalar_int(s, "SELECT count(*) FROM report_units", 0);
}

/* ---- build / free ------------------------------------------------------------ */

int model_build(struct store *s, int year, struct model **out, struct diag *d)
{
	struct model_ctx c;
	struct model *m;
	int i, rc = -1;

	*out = NULL;
	memset(&c, 0, sizeof c);
	m = calloc(1, sizeof *m);
	if (!m)
		return diag_set(d, "内存不足");
	c.s = s;
	c.m = m;
	c.d = d;
	for (i = 0; i < MODEL_KPI_N; i++)
		m->kpi[i] = KPI_DEF[i], m->kpi[i].prev2 = NAN;
	m->county = -1;
	m->has_results = model_table_exists(s, "run") && model_table_exists(s, "grid_tiers");
	if (model_load_year(&c, year) < 0 || model_load_units(&c) < 0)
		goto done;
	m->place = model_dupm(&c, m->county >= 0 ? m->units[m->county].name : "本地区", "");
	if (model_load_events(&c) < 0 || model_load_visits(&c) < 0 || model_load_activity(&c) < 0)
		goto done;
	if (m->has_results &&
	    (model_load_grid_results(&c) < 0 || model_load_community_results(&c) < 0))
		goto done;
	if (model_derive(&c) < 0 || model_load_companies(&c) < 0)
		goto done;
	if (m->has_results && model_load_points(&c) < 0)
		goto done;
	if (model_load_quality(&c) < 0 || model_load_rows(&c) < 0 || model_load_appeals(&c) < 0)
		goto done;
	model_key_figures(m, s);
	model_histogram(m);
	model_aggregates(m);
	change_marks(m);
	if (model_explain_quality(&c) < 0)
		goto done;
	if (model_build_charts(&c) < 0 || model_chart_texts(&c) < 0)
		goto done;
	if (c.oom) {
		diag_set(d, "内存不足");
		goto done;
	}
	rc = 0;
done:
	strmap_release(&c.units);
	if (rc < 0) {
		model_free(m);
		return -1;
	}
	*out = m;
	return 0;
}

void model_free(struct model *m)
{
	long k, j;
	int i;

	if (!m)
		return;
	free(m->place);
	free(m->data_from);
	free(m->data_to);
	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		free(u->code);
		free(u->shown_code);
		free(u->name);
		free(u->tier);
		free(u->star_names);
		free(u->award);
		free(u->veto_reason);
	}
	free(m->units);
	free(m->streets);
	free(m->communities);
	free(m->grids);
	for (k = 0; k < m->nstars; k++) {
		free(m->stars[k].star);
		free(m->stars[k].reason);
	}
	free(m->stars);
	for (i = 0; i < m->ntiers; i++)
		free(m->tiers[i].name);
	for (k = 0; k < m->ncompanies; k++) {
		struct model_company *x = &m->companies[k];
		free(x->code);
		free(x->shown_code);
		free(x->name);
		free(x->list);
		free(x->reason);
		free(x->listed_on);
		free(x->valid_until);
	}
	free(m->companies);
	free(m->company_rank);
	for (i = 0; i < m->nlists; i++)
		free(m->lists[i].list);
	for (k = 0; k < m->nroles; k++) {
		struct model_role *x = &m->roles[k];
		for (j = 0; j < x->ntop; j++) {
			free(x->top[j].id);
			free(x->top[j].name);
			free(x->top[j].unit_code);
			free(x->top[j].unit_name);
		}
		free(x->top);
		free(x->role);
	}
	free(m->roles);
	for (k = 0; k < m->nfiles; k++) {
		struct model_file *f = &m->files[k];
		free(f->file);
		free(f->status);
		free(f->encoding);
		free(f->unknown_columns);
		free(f->message);
	}
	free(m->files);
	for (k = 0; k < m->nreasons; k++) {
		free(m->reasons[k].file);
		free(m->reasons[k].column);
		free(m->reasons[k].example);
	}
	free(m->reasons);
	model_free_rows(m);
	for (k = 0; k < m->nappeals; k++) {
		struct model_appeal *a = &m->appeals[k];
		free(a->id);
		free(a->kind);
		free(a->entity);
		free(a->name);
		free(a->item);
		free(a->decision);
		free(a->decided_by);
		free(a->decided_at);
	}
	free(m->appeals);
	free(m->version);
	for (i = 0; i < MODEL_CHART_N; i++) {
		free(m->charts[i].title);
		free(m->charts[i].alt);
		free(m->charts[i].note);
		free(m->charts[i].svg);
		free(m->charts[i].png);
	}
	chart_set_free(m->chartset);
	free(m);
}

/* A street's name as a folder name: characters that Windows or a shell would
 * take for something else (/ \\ : * ? " < > | and controls) become "_", and a
 * leading dot or an empty name gets the street's code instead. */
void model_folder_name(const struct model_unit *u, char *out, size_t cap)
{
	size_t i, n = 0;
	const char *s = u->name;

	for (i = 0; s[i] && n + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];
		out[n++] = (c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", c)) ? '_' : (char)c;
	}
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		snprintf(out, cap, "%s", u->code);
}
