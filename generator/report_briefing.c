/* report_briefing.c - briefing.pdf, the leadership briefing (领导简报): key
 * figures, rankings, tiers, the red/black list and what needs attention; its
 * value tree (vars_briefing) also fills the red/black list notice. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"
#include "model.h"
#include "parse.h"
#include "pdf.h"
#include "report_int.h"
#include "template.h"

static const struct model *sort_m; /* qsort context (single-threaded) */

/* Biggest drop first (rank_change most negative), then code. */
static int by_drop(const void *a, const void *b)
{
	const struct model_unit *x = &sort_m->units[*(const long *)a];
	const struct model_unit *y = &sort_m->units[*(const long *)b];

	if (x->rank_change != y->rank_change)
		return x->rank_change < y->rank_change ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Communities that dropped in rank (not vetoed), biggest drop first. */
static long drops(const struct model *m, long *out, long max)
{
	long k, n = 0;

	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (u->has_result && u->has_change && u->rank_change < 0 && !u->vetoed)
			out[n++] = m->communities[k];
	}
	sort_m = m;
	qsort(out, (size_t)n, sizeof *out, by_drop);
	return n < max ? n : max;
}

/* The briefing's value tree: the common one plus sections. */
struct tv *report_vars_briefing(struct report_ctx *r)
{
	const struct model *m = r->m;
	struct tv *v = report_vars_common(r), *list, *x;
	char b[512];
	long k, n, *idx = NULL;
	int i;
	long cnt = 0;

	/* grids and tiers */
	cnt = m->grids_scored;
	report_set_num_or_null(r, v, "grid_mean", m->grid_mean, 2);
	tv_set_int(v, "grids_scored", cnt);
	list = tv_set(v, "tiers", tv_list(r->pool));
	{
		size_t o = 0;
		long funding = 0;
		b[0] = '\0';
		for (i = 0; i < m->ntiers; i++) {
			const struct model_tier *t = &m->tiers[i];
			char share[32];
			int w;
			x = tv_push(list, tv_map(r->pool));
			tv_set_str(x, "name", t->name);
			tv_set_int(x, "count", t->count);
			model_fmt(MODEL_M_PCT, cnt ? 100.0 * (double)t->count / (double)cnt : NAN,
				  share, sizeof share);
			tv_set_str(x, "share", share);
			tv_set_num(x, "min", t->min, 2);
			tv_set_num(x, "max", t->max, 2);
			tv_set_int(x, "funding", t->funding);
			tv_set_num(x, "funding_wan", (double)t->funding_total / 10000.0, 1);
			tv_set_bool(x, "last", i == m->ntiers - 1);
			funding += t->funding_total;
			w = snprintf(b + o, sizeof b - o, "%s%s%ld个（占%s%%）", i ? "、" : "",
				     t->name, t->count, share);
			if (w > 0 && (size_t)w < sizeof b - o)
				o += (size_t)w;
		}
		tv_set_str(v, "tiers_text", b);
		tv_set_num(v, "funding_wan", (double)funding / 10000.0, 1);
		tv_set_int(v, "ntiers", m->ntiers);
		if (m->ntiers >= 2) {
			tv_set_str(v, "low_tier", m->tiers[m->ntiers - 1].name);
			tv_set_int(v, "low_tier_count", m->tiers[m->ntiers - 1].count);
		} else {
			tv_set(v, "low_tier", tv_null(r->pool));
			tv_set_int(v, "low_tier_count", 0);
		}
	}

	/* communities */
	cnt = m->communities_scored;
	report_set_num_or_null(r, v, "community_mean", m->community_mean, 2);
	tv_set_int(v, "communities_scored", cnt);
	tv_set_int(v, "five_star", m->community_stars[5]);
	tv_set_int(v, "four_star", m->community_stars[4]);
	tv_set_int(v, "three_star", m->community_stars[3]);
	tv_set_int(v, "below_three_star",
		   m->community_stars[0] + m->community_stars[1] + m->community_stars[2]);
	tv_set_int(v, "awards", m->awards);
	/* the first and the lowest-ranked community that is not vetoed */
	tv_set(v, "top", tv_null(r->pool));
	tv_set(v, "lowest", tv_null(r->pool));
	if (cnt > 0)
		report_vars_unit(r, tv_set(v, "top", tv_map(r->pool)),
				 &m->units[m->communities[0]]);
	for (k = cnt - 1; k >= 0; k--)
		if (!m->units[m->communities[k]].vetoed) {
			report_vars_unit(r, tv_set(v, "lowest", tv_map(r->pool)),
					 &m->units[m->communities[k]]);
			break;
		}
	n = report_count_vetoed(m);
	tv_set_int(v, "vetoed_count", n);
	list = tv_set(v, "vetoed", tv_list(r->pool));
	/* room for the vetoed communities, the drops and the streets */
	idx = calloc((size_t)(m->ncommunities > m->nstreets ? m->ncommunities : m->nstreets) + 1,
		     sizeof *idx);
	if (!idx) {
		report_oom(r);
		return v;
	}
	for (k = 0, n = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (u->vetoed) {
			report_vars_unit(r, tv_push(list, tv_map(r->pool)), u);
			idx[n++] = m->communities[k];
		}
	}
	report_join_units(r, idx, n, 10, b, sizeof b);
	tv_set_str(v, "vetoed_names", b);
	tv_set_bool(v, "vetoed_more", n > 10);
	n = drops(m, idx, ATTENTION_DROPS);
	list = tv_set(v, "drops", tv_list(r->pool));
	for (k = 0; k < n; k++)
		report_vars_unit(r, tv_push(list, tv_map(r->pool)), &m->units[idx[k]]);
	tv_set_int(v, "drops_count", n);
	report_join_units(r, idx, n, ATTENTION_DROPS, b, sizeof b);
	tv_set_str(v, "drops_names", b);

	/* streets: best and worst by mean community score */
	n = 0;
	for (k = 0; k < m->nstreets; k++)
		if (!isnan(m->units[m->streets[k]].score))
			idx[n++] = m->streets[k];
	if (n > 0) {
		x = tv_set(v, "best_street", tv_map(r->pool));
		report_vars_unit(r, x, &m->units[idx[0]]);
		x = tv_set(v, "worst_street", tv_map(r->pool));
		report_vars_unit(r, x, &m->units[idx[n - 1]]);
	} else {
		tv_set(v, "best_street", tv_null(r->pool));
		tv_set(v, "worst_street", tv_null(r->pool));
	}

	/* property companies */
	{
		static const char *const L[] = {"红榜", "黑榜", "约谈", "一般"};
		static const char *const K[] = {"red", "black", "talk", "normal"};
		long nl;
		for (i = 0; i < 4; i++) {
			size_t o = 0;
			char key[32];
			nl = 0;
			b[0] = '\0';
			list = tv_list(r->pool);
			for (k = 0; k < m->nranked; k++) {
				const struct model_company *c = &m->companies[m->company_rank[k]];
				int w;
				if (!c->list || strcmp(c->list, L[i]) != 0)
					continue;
				x = tv_push(list, tv_map(r->pool));
				tv_set_str(x, "name", c->name);
				tv_set_num(x, "score", c->score, 2);
				nl++;
				if (nl <= 10) {
					w = snprintf(b + o, sizeof b - o, "%s%s",
						     nl > 1 ? "、" : "", c->name);
					if (w > 0 && (size_t)w < sizeof b - o)
						o += (size_t)w;
				}
			}
			snprintf(key, sizeof key, "%s_more", K[i]);
			tv_set_bool(v, key, nl > 10);
			snprintf(key, sizeof key, "%s_list", K[i]);
			tv_set(v, key, list);
			snprintf(key, sizeof key, "%s_count", K[i]);
			tv_set_int(v, key, nl);
			snprintf(key, sizeof key, "%s_names", K[i]);
			tv_set_str(v, key, b);
		}
		tv_set_int(v, "companies_scored", m->companies_scored);
		report_set_num_or_null(r, v, "company_mean", m->company_mean, 2);
	}
	tv_set_str(v, "listed_on", r->notice_cn);

	/* points (积分制): candidates per role */
	list = tv_set(v, "roles", tv_list(r->pool));
	{
		long cand = 0, people = 0;
		for (k = 0; k < m->nroles; k++) {
			x = tv_push(list, tv_map(r->pool));
			tv_set_str(x, "role", m->roles[k].role);
			tv_set_int(x, "count", m->roles[k].count);
			tv_set_int(x, "candidates", m->roles[k].candidates);
			tv_set_bool(x, "last", k == m->nroles - 1);
			cand += m->roles[k].candidates;
			people += m->roles[k].count;
		}
		tv_set_int(v, "points_people", people);
		tv_set_int(v, "candidates", cand);
	}
	/* ingest totals */
	tv_set_int(v, "rows_read", m->rows_read);
	tv_set_int(v, "rows_loaded", m->rows_loaded);
	tv_set_int(v, "rows_rejected", m->rows_rejected);
	free(idx);
	return v;
}

/* ---- briefing.pdf ---------------------------------------------------------------- */

static void kpi_table(struct report_ctx *r, struct doc *d)
{
	static const int SHOW[] = {
		MODEL_KPI_EVENTS,    MODEL_KPI_CLOSED,	 MODEL_KPI_CLOSURE,
		MODEL_KPI_ONTIME,    MODEL_KPI_IN_GRID,	 MODEL_KPI_SATISFACTION,
		MODEL_KPI_VISITS,    MODEL_KPI_WISHES,	 MODEL_KPI_WISHES_DONE,
		MODEL_KPI_WISH_RATE, MODEL_KPI_SERVICES, MODEL_KPI_SERVICE_HOURS};
	/* A quarter or a month also has 环比 (against the period before); for a
	 * year 环比 would repeat 同比, so a year shows 同比 only. */
	int ring = r->m->ring;
	char y0[40], y1[40], y2[40], c2[64], c3[64];
	struct colspec cols[7] = {{"指标", 3, DOC_LEFT}, {"单位", 1.2, DOC_CENTER},
				  {y0, 1.8, DOC_RIGHT},	 {y1, 1.8, DOC_RIGHT},
				  {"同比", 3, DOC_LEFT}, {y2, 1.8, DOC_RIGHT},
				  {"环比", 3, DOC_LEFT}};
	struct doc_block *t;
	size_t i;
	int dir;

	if (ring) {
		snprintf(y0, sizeof y0, "%s", r->m->period_words);
		snprintf(y1, sizeof y1, "%s", r->m->last_year_words);
		snprintf(y2, sizeof y2, "%s", r->m->prev_words);
	} else {
		snprintf(y0, sizeof y0, "%d年", r->m->year);
		snprintf(y1, sizeof y1, "%d年", r->m->prev_year);
	}
	t = report_table(r, d, ring ? "主要指标及同比、环比" : "主要指标及同比", cols,
			 ring ? 7 : 5);
	for (i = 0; i < sizeof SHOW / sizeof SHOW[0]; i++) {
		const struct model_kpi *k = &r->m->kpi[SHOW[i]];
		const char *cells[7];
		if (isnan(k->cur) && isnan(k->prev) && (!ring || isnan(k->prev2)))
			continue;
		model_fmt_value(k, k->cur, r->cell[0], sizeof r->cell[0]);
		model_fmt_value(k, k->prev, r->cell[1], sizeof r->cell[1]);
		model_fmt_change(k, r->cell[2], sizeof r->cell[2], &dir);
		if (!r->cell[2][0])
			snprintf(r->cell[2], sizeof r->cell[2], "—");
		cells[0] = k->label;
		cells[1] = k->unit;
		cells[2] = r->cell[0];
		cells[3] = r->cell[1];
		cells[4] = r->cell[2];
		if (ring) {
			model_fmt_value(k, k->prev2, c2, sizeof c2);
			model_fmt_ring(k, c3, sizeof c3, &dir);
			if (!c3[0])
				snprintf(c3, sizeof c3, "—");
			cells[5] = c2;
			cells[6] = c3;
		}
		report_row(r, t, cells);
	}
}

static const struct colspec RANK_COLS[] = {
	{"排名", 1, DOC_CENTER},    {"社区", 2.6, DOC_LEFT},   {"街道", 2.2, DOC_LEFT},
	{"得分", 1.3, DOC_RIGHT},   {"星级", 1.9, DOC_CENTER}, {"名次变化", 1.5, DOC_CENTER},
	{"奖励/否决", 3, DOC_LEFT},
};

/* One row of the community ranking. */
static void rank_row(struct report_ctx *r, struct doc_block *t, const struct model_unit *u)
{
	const char *cells[7];

	snprintf(r->cell[0], sizeof r->cell[0], "%ld", u->rank);
	model_fmt(MODEL_M_SCORE, u->score, r->cell[1], sizeof r->cell[1]);
	report_stars_text(u->stars, r->cell[2], sizeof r->cell[2]);
	snprintf(r->cell[3], sizeof r->cell[3], "%s", u->change_mark);
	if (u->vetoed)
		snprintf(r->cell[4], sizeof r->cell[4], "一票否决");
	else
		report_short_reason(u->award, r->cell[4], sizeof r->cell[4]);
	cells[0] = u->rank > 0 ? r->cell[0] : "—";
	cells[1] = u->name;
	cells[2] = report_uname(r, u->street);
	cells[3] = r->cell[1];
	cells[4] = r->cell[2];
	cells[5] = r->cell[3];
	cells[6] = r->cell[4];
	report_row(r, t, cells);
}

struct doc_block *report_rank_table(struct report_ctx *r, struct doc *d, const char *caption,
				    long from, long to)
{
	struct doc_block *t = report_table(r, d, caption, RANK_COLS, 7);
	long k;

	for (k = from; k < to && k < r->m->ncommunities; k++) {
		const struct model_unit *u = &r->m->units[r->m->communities[k]];
		if (u->has_result)
			rank_row(r, t, u);
	}
	return t;
}

/* Street summary: mean community score, rank, stars, vetoes, closure. */
void report_street_table(struct report_ctx *r, struct doc *d, const char *caption, long ends)
{
	static const struct colspec cols[] = {
		{"名次", 1, DOC_CENTER},    {"街道", 2.6, DOC_LEFT},
		{"社区数", 1.3, DOC_RIGHT}, {"平均得分", 1.6, DOC_RIGHT},
		{"五星", 1, DOC_RIGHT},	    {"四星", 1, DOC_RIGHT},
		{"否决", 1, DOC_RIGHT},	    {"办结率（%）", 1.8, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t = report_table(r, d, caption, cols, 8);
	long k, excluded = 0, *veto = calloc((size_t)m->nunits + 1, sizeof *veto);

	if (!veto) {
		report_oom(r);
		return;
	}
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (u->vetoed && u->street >= 0)
			veto[u->street]++;
	}
	for (k = 0; k < m->nstreets; k++) {
		const struct model_unit *u = &m->units[m->streets[k]];
		const char *cells[8];
		if (ends > 0 && m->nstreets > 2 * ends && k >= ends && k < m->nstreets - ends)
			continue;
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", u->rank);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", u->communities);
		model_fmt(MODEL_M_SCORE, u->score, r->cell[2], sizeof r->cell[2]);
		if (u->veto_excluded > 0) { /* the street rule: see the note below */
			size_t n = strlen(r->cell[2]);
			snprintf(r->cell[2] + n, sizeof r->cell[2] - n, "*");
			excluded++;
		}
		snprintf(r->cell[3], sizeof r->cell[3], "%ld", u->stars_hist[5]);
		snprintf(r->cell[4], sizeof r->cell[4], "%ld", u->stars_hist[4]);
		snprintf(r->cell[5], sizeof r->cell[5], "%ld", veto[m->streets[k]]);
		model_fmt(MODEL_M_PCT, model_closure(&u->ev[0]), r->cell[6], sizeof r->cell[6]);
		cells[0] = u->rank > 0 ? r->cell[0] : "—";
		cells[1] = u->name;
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		cells[5] = r->cell[4];
		cells[6] = r->cell[5];
		cells[7] = r->cell[6];
		report_row(r, t, cells);
	}
	free(veto);
	if (excluded > 0)
		report_note(r, d, "注：带*的平均得分不含被一票否决的社区。");
}

static void tier_table(struct report_ctx *r, struct doc *d)
{
	static const struct colspec cols[] = {
		{"等次", 1.2, DOC_CENTER},	    {"得分区间", 2.4, DOC_CENTER},
		{"网格数", 1.3, DOC_RIGHT},	    {"占比（%）", 1.5, DOC_RIGHT},
		{"每格经费（元）", 2.2, DOC_RIGHT}, {"经费合计（万元）", 2.4, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t = report_table(r, d, "网格考核等次分布", cols, 6);
	long total = 0;
	int i;

	for (i = 0; i < m->ntiers; i++)
		total += m->tiers[i].count;
	for (i = 0; i < m->ntiers; i++) {
		const struct model_tier *x = &m->tiers[i];
		const char *cells[6];
		char lo[32], hi[32];
		model_fmt(MODEL_M_SCORE, x->min, lo, sizeof lo);
		model_fmt(MODEL_M_SCORE, x->max, hi, sizeof hi);
		snprintf(r->cell[0], sizeof r->cell[0], "%s–%s", lo, hi);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", x->count);
		model_fmt(MODEL_M_PCT, total ? 100.0 * (double)x->count / (double)total : NAN,
			  r->cell[2], sizeof r->cell[2]);
		snprintf(r->cell[3], sizeof r->cell[3], "%ld", x->funding);
		snprintf(r->cell[4], sizeof r->cell[4], "%.1f", (double)x->funding_total / 10000.0);
		cells[0] = x->name;
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		cells[5] = r->cell[4];
		report_row(r, t, cells);
	}
}

/* Companies of one list (红榜, 黑榜, 约谈), best score first, each with its
 * reason without the trailing facts (they are in the other columns). public:
 * the notice's table, with the credit code; else the briefing's, whose 红榜
 * has no reason column (it is the same for all). Returns the number of rows. */
long report_company_table(struct report_ctx *r, struct doc *d, const char *caption,
			  const char *list, int public)
{
	int with_reason = strcmp(list, "红榜") != 0;
	static const struct colspec pub[] = {
		{"序号", 1.1, DOC_CENTER},	     {"企业名称", 3.0, DOC_LEFT},
		{"统一社会信用代码", 3.9, DOC_LEFT}, {"考评得分", 1.3, DOC_RIGHT},
		{"投诉率（‰）", 1.45, DOC_RIGHT},    {"业主满意度", 1.45, DOC_RIGHT},
		{"列入原因", 4.4, DOC_LEFT},
	};
	static const struct colspec brief[] = {
		{"企业名称", 4.6, DOC_LEFT},	 {"考评得分", 1.4, DOC_RIGHT},
		{"投诉率（‰）", 1.6, DOC_RIGHT}, {"业主满意度", 1.6, DOC_RIGHT},
		{"主要原因", 4.6, DOC_LEFT},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	long k, n = 0;
	char *reason = NULL;

	for (k = 0; k < m->nranked; k++) {
		const struct model_company *c = &m->companies[m->company_rank[k]];
		const char *cells[7];
		size_t rl;
		if (!c->list || strcmp(c->list, list) != 0)
			continue;
		if (!t)
			t = public ? report_table(r, d, caption, pub, 7)
				   : report_table(r, d, caption, brief, with_reason ? 5 : 4);
		n++;
		/* room for its ISO dates written out (report_cn_dates) */
		rl = 2 * strlen(report_nz(c->reason)) + 16;
		free(reason);
		reason = malloc(rl);
		if (!reason) {
			report_oom(r);
			return n;
		}
		report_short_reason(c->reason, reason, rl);
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", n);
		model_fmt(MODEL_M_SCORE, c->score, r->cell[1], sizeof r->cell[1]);
		model_fmt(MODEL_M_COMPLAINT_RATE, c->complaint_rate, r->cell[2], sizeof r->cell[2]);
		model_fmt(MODEL_M_OWNER_SATISFACTION, c->satisfaction, r->cell[3],
			  sizeof r->cell[3]);
		if (public) {
			cells[0] = r->cell[0];
			cells[1] = c->name;
			cells[2] = c->code;
			cells[3] = r->cell[1];
			cells[4] = r->cell[2];
			cells[5] = r->cell[3];
			cells[6] = reason;
		} else {
			cells[0] = c->name;
			cells[1] = r->cell[1];
			cells[2] = r->cell[2];
			cells[3] = r->cell[3];
			cells[4] = reason;
		}
		report_row(r, t, cells);
	}
	free(reason);
	return n;
}

/* Grids of the lowest tier, lowest score first (at most max). */
static void low_tier_table(struct report_ctx *r, struct doc *d, long max)
{
	static const struct colspec cols[] = {
		{"网格", 3, DOC_LEFT},	      {"社区", 2.4, DOC_LEFT},
		{"街道", 2.2, DOC_LEFT},      {"得分", 1.3, DOC_RIGHT},
		{"全县名次", 1.5, DOC_RIGHT}, {"办结率（%）", 1.8, DOC_RIGHT},
	};
	const struct model *m = r->m;
	const char *low;
	struct doc_block *t = NULL;
	char cap[256];
	long k, n = 0;

	if (m->ntiers < 2)
		return;
	low = m->tiers[m->ntiers - 1].name;
	if (m->tiers[m->ntiers - 1].count > max)
		snprintf(cap, sizeof cap, "%s网格（共%ld个，列出得分最低的%ld个）", low,
			 m->tiers[m->ntiers - 1].count, max);
	else
		snprintf(cap, sizeof cap, "%s网格", low);
	for (k = m->ngrids - 1; k >= 0 && n < max; k--) {
		const struct model_unit *u = &m->units[m->grids[k]];
		const char *cells[6];
		if (!u->has_result || !u->tier || strcmp(u->tier, low) != 0)
			continue;
		if (!t)
			t = report_table(r, d, cap, cols, 6);
		n++;
		model_fmt(MODEL_M_SCORE, u->score, r->cell[0], sizeof r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", u->rank);
		model_fmt(MODEL_M_PCT, model_closure(&u->ev[0]), r->cell[2], sizeof r->cell[2]);
		cells[0] = u->name;
		cells[1] = report_uname(r, u->community);
		cells[2] = report_uname(r, u->street);
		cells[3] = r->cell[0];
		cells[4] = r->cell[1];
		cells[5] = r->cell[2];
		report_row(r, t, cells);
	}
}

/* Vetoed communities and the biggest rank drops. */
static void attention_tables(struct report_ctx *r, struct doc *d)
{
	static const struct colspec vcols[] = {
		{"社区", 2.4, DOC_LEFT},
		{"街道", 2.2, DOC_LEFT},
		{"得分", 1.3, DOC_RIGHT},
		{"否决事由", 7, DOC_LEFT},
	};
	static const struct colspec dcols[] = {
		{"社区", 2.4, DOC_LEFT},      {"街道", 2.2, DOC_LEFT},
		{"得分", 1.3, DOC_RIGHT},     {"本年名次", 1.5, DOC_RIGHT},
		{"上年名次", 1.5, DOC_RIGHT}, {"名次变化", 1.5, DOC_CENTER},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	long k, n, *idx;

	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		const char *cells[4];
		if (!u->vetoed)
			continue;
		if (!t)
			t = report_table(r, d, "一票否决的社区", vcols, 4);
		model_fmt(MODEL_M_SCORE, u->score, r->cell[0], sizeof r->cell[0]);
		cells[0] = u->name;
		cells[1] = report_uname(r, u->street);
		cells[2] = r->cell[0];
		cells[3] = report_nz(u->veto_reason);
		report_row(r, t, cells);
	}
	idx = calloc((size_t)m->ncommunities + 1, sizeof *idx);
	if (!idx) {
		report_oom(r);
		return;
	}
	n = drops(m, idx, ATTENTION_DROPS);
	t = NULL;
	for (k = 0; k < n; k++) {
		const struct model_unit *u = &m->units[idx[k]];
		const char *cells[6];
		if (!t)
			t = report_table(r, d, "名次下降最多的社区", dcols, 6);
		model_fmt(MODEL_M_SCORE, u->score, r->cell[0], sizeof r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", u->rank);
		snprintf(r->cell[2], sizeof r->cell[2], "%ld", u->prev_rank);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", u->change_mark);
		cells[0] = u->name;
		cells[1] = report_uname(r, u->street);
		cells[2] = r->cell[0];
		cells[3] = r->cell[1];
		cells[4] = r->cell[2];
		cells[5] = r->cell[3];
		report_row(r, t, cells);
	}
	free(idx);
}

int report_briefing(struct report_ctx *r, const char *path)
{
	const struct model *m = r->m;
	struct doc *d = NULL;
	struct tv *v;
	char title[512];
	int rc = -1;
	long nc = m->ncommunities;

	tv_pool_reset(r->pool);
	v = report_vars_briefing(r);
	if (r->oom) {
		diag_set(r->d, "内存不足（领导简报）");
		goto done;
	}
	snprintf(title, sizeof title, "%s%s党建引领基层治理考评简报", r->place, r->period);
	d = report_new_doc(r, title, r->org, r->date_cn, WATERMARK);
	if (d) {
		char wm[4096];
		struct stat sb;
		snprintf(wm, sizeof wm, "%s/%s.png", r->png_dir ? r->png_dir : ".",
			 MODEL_WATERMARK_ID);
		if (r->png_dir && stat(wm, &sb) == 0)
			doc_set(&d->watermark_png, wm);
	}
	if (!d)
		goto done;
	report_genre(r, d, DOC_GENRE_BRIEFING, 0);
	if (report_narrative(r, d, "briefing_intro.txt", v) < 0)
		goto done;
	report_version_para(r, d, "本简报所列考评结果");

	report_heading(r, d, 1, "一、总体情况");
	if (report_narrative(r, d, "briefing_overall.txt", v) < 0 ||
	    report_narrative(r, d, "briefing_events.txt", v) < 0)
		goto done;
	kpi_table(r, d);
	report_figure(r, d, MODEL_CHART_MONTHLY);
	report_figure(r, d, MODEL_CHART_STREET_CLOSURE);

	report_heading(r, d, 1, "二、网格考核情况");
	if (report_narrative(r, d, "briefing_grids.txt", v) < 0)
		goto done;
	if (m->ntiers > 0) {
		tier_table(r, d);
		report_figure(r, d, MODEL_CHART_GRID_SCORES);
	}

	report_heading(r, d, 1, "三、社区考评情况");
	if (report_narrative(r, d, "briefing_communities.txt", v) < 0)
		goto done;
	if (m->has_results && nc > 0) {
		report_figure(r, d, MODEL_CHART_STREET_STARS);
		if (nc <= 2 * TOP_N) {
			report_rank_table(r, d, "社区考评排名", 0, nc);
		} else {
			char cap[128];
			snprintf(cap, sizeof cap, "社区考评前%d名", TOP_N);
			report_rank_table(r, d, cap, 0, TOP_N);
			snprintf(cap, sizeof cap, "社区考评后%d名", TOP_N);
			report_rank_table(r, d, cap, nc - TOP_N, nc);
		}
		report_street_table(r, d,
				    m->nstreets > BRIEF_STREETS
					    ? "各街道社区考评情况（前后各10个街道）"
					    : "各街道社区考评情况",
				    m->nstreets > BRIEF_STREETS ? 10 : 0);
	}

	report_heading(r, d, 1, "四、物业企业红黑榜");
	if (report_narrative(r, d, "briefing_property.txt", v) < 0)
		goto done;
	report_company_table(r, d, "物业企业红榜", "红榜", 0);
	report_company_table(r, d, "物业企业黑榜", "黑榜", 0);
	report_company_table(r, d, "约谈物业企业", "约谈", 0);

	report_heading(r, d, 1, "五、积分制管理情况");
	report_points_section(r, d);

	report_heading(r, d, 1, "六、需要关注的单位");
	if (report_narrative(r, d, "briefing_attention.txt", v) < 0)
		goto done;
	attention_tables(r, d);
	low_tier_table(r, d, ATTENTION_GRIDS);

	report_heading(r, d, 1, "七、下一步工作建议");
	if (report_narrative(r, d, "briefing_closing.txt", v) < 0)
		goto done;
	rc = report_finish(r, d, path, "领导简报");
done:
	doc_free(d);
	return rc;
}
