/* report_cards.c - report-cards.pdf, one report card per community (社区考评
 * 报告卡): score items, stars, grids and key figures. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "model.h"
#include "parse.h"
#include "docx.h"
#include "pdf.h"
#include "report_int.h"
#include "template.h"

/* ---- report-cards.pdf ------------------------------------------------------------- */

/* 一、得分明细: the items of the community's assessments, which sum to its score. */
static int card_items(struct report_ctx *r, struct doc *d, const struct model_unit *u)
{
	static const struct colspec cols[] = {
		{"序号", 0.9, DOC_CENTER}, {"考评项目", 2.4, DOC_LEFT}, {"数据", 4.2, DOC_LEFT},
		{"得分", 1.2, DOC_RIGHT},  {"计分依据", 4.2, DOC_LEFT},
	};
	struct doc_block *t = NULL;
	long long total = 0;
	long n = 0, a, i;

	for (a = u->assess_first; a < u->assess_first + u->nassess; a++) {
		const struct model_assessment *x = &r->m->assessments[a];
		if (!x->kind || strcmp(x->kind, "社区") != 0)
			continue;
		for (i = x->item_first; i < x->item_first + x->nitems; i++) {
			const struct model_item *it = &r->m->items[i];
			const char *cells[5];
			double pts = it->points;
			if (!t)
				t = report_table(r, d, NULL, cols, 5);
			n++;
			total += llround(pts * 100.0);
			snprintf(r->cell[0], sizeof r->cell[0], "%ld", n);
			model_fmt(MODEL_M_ITEM_POINTS, pts, r->cell[1], sizeof r->cell[1]);
			cells[0] = r->cell[0];
			cells[1] = it->item;
			cells[2] = report_nz(it->inputs);
			cells[3] = r->cell[1];
			cells[4] = it->reason;
			report_row(r, t, cells);
		}
	}
	if (!t) {
		report_note(r, d, "注：没有该社区的计分明细（规则未记录计分项目）。");
		return 0;
	}
	{
		const char *cells[5] = {"", "合计", "", r->cell[1], ""};
		snprintf(r->cell[1], sizeof r->cell[1], "%.2f", (double)total / 100.0);
		report_row(r, t, cells);
	}
	if (!isnan(u->score) && llround(u->score * 100.0) != total) {
		char msg[256];
		snprintf(msg, sizeof msg,
			 "注：计分明细合计 %.2f 分，与考评得分 %.2f 分不一致，请核对考评规则。",
			 (double)total / 100.0, u->score);
		report_note(r, d, msg);
	}
	return 0;
}

/* Position of a star in the order of the 五星 (others after, by name). */
static int star_order(const char *star)
{
	static const char *const ORDER[] = {"支部过硬", "共建共享", "平安法治", "幸福和谐",
					    "宜业兴业"};
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(star, ORDER[i]) == 0)
			return i;
	return 5;
}

static void card_stars(struct report_ctx *r, struct doc *d, const struct model_unit *u)
{
	static const struct colspec cols[] = {
		{"星", 1.8, DOC_LEFT}, {"结果", 1.3, DOC_CENTER}, {"评定依据", 9.8, DOC_LEFT}};
	struct doc_block *t;
	long k, end = u->star_first + u->nstar;
	int pass;

	if (u->nstar == 0) {
		report_note(r, d, "注：没有该社区的星级评定记录。");
		return;
	}
	if (end > r->m->nstars)
		end = r->m->nstars;
	t = report_table(r, d, NULL, cols, 3);
	/* the five stars in their usual order, then any other the rules name */
	for (pass = 0; pass <= 5; pass++)
		for (k = u->star_first; k < end; k++) {
			const struct model_star *s = &r->m->stars[k];
			const char *cells[3];
			if (star_order(s->star) != pass)
				continue;
			snprintf(r->cell[0], sizeof r->cell[0], "%s星", s->star);
			cells[0] = r->cell[0];
			cells[1] = u->vetoed ? "否决" : s->earned ? "★ 得星" : "☆ 未得";
			cells[2] = report_nz(s->reason);
			report_row(r, t, cells);
		}
}

static void card_grids(struct report_ctx *r, struct doc *d, const struct model_unit *u)
{
	static const struct colspec cols[] = {
		{"网格", 3, DOC_LEFT},	   {"户数", 1.1, DOC_RIGHT},
		{"事件", 1.1, DOC_RIGHT},  {"办结率（%）", 1.6, DOC_RIGHT},
		{"得分", 1.2, DOC_RIGHT},  {"全县名次", 1.4, DOC_RIGHT},
		{"等次", 1.1, DOC_CENTER}, {"经费（元）", 1.6, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	long k;

	for (k = u->first_child; k >= 0; k = m->units[k].next_sibling) {
		const struct model_unit *g = &m->units[k];
		const char *cells[8];
		if (g->level != MODEL_GRID)
			continue;
		if (!t)
			t = report_table(r, d, NULL, cols, 8);
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", g->households);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", g->ev[0].events);
		model_fmt(MODEL_M_PCT, model_closure(&g->ev[0]), r->cell[2], sizeof r->cell[2]);
		model_fmt(MODEL_M_SCORE, g->has_result ? g->score : NAN, r->cell[3],
			  sizeof r->cell[3]);
		snprintf(r->cell[4], sizeof r->cell[4], "%ld", g->rank);
		snprintf(r->cell[5], sizeof r->cell[5], "%ld", g->funding);
		cells[0] = g->name;
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		cells[5] = g->rank > 0 ? r->cell[4] : "—";
		cells[6] = g->tier ? g->tier : "—";
		cells[7] = g->has_result ? r->cell[5] : "—";
		report_row(r, t, cells);
	}
	if (!t)
		report_note(r, d, "注：该社区没有网格。");
}

/* 四、主要指标: this year and last year from the unit's event figures. */
static void card_figures(struct report_ctx *r, struct doc *d, const struct model_unit *u)
{
	char y0[32], y1[32];
	struct colspec cols[4] = {{"指标", 3, DOC_LEFT},
				  {y0, 2, DOC_RIGHT},
				  {y1, 2, DOC_RIGHT},
				  {"同比", 3.5, DOC_LEFT}};
	struct model_kpi k[MODEL_UNIT_KPIS];
	struct doc_block *t;
	int i, dir;

	snprintf(y0, sizeof y0, "%d年", r->m->year);
	snprintf(y1, sizeof y1, "%d年", r->m->prev_year);
	model_unit_kpis(r->m, u, k);
	t = report_table(r, d, NULL, cols, 4);
	for (i = 0; i < MODEL_UNIT_KPIS; i++) {
		const char *cells[4];
		model_fmt_value(&k[i], k[i].cur, r->cell[0], sizeof r->cell[0]);
		model_fmt_value(&k[i], k[i].prev, r->cell[1], sizeof r->cell[1]);
		model_fmt_change(&k[i], r->cell[2], sizeof r->cell[2], &dir);
		snprintf(r->cell[3], sizeof r->cell[3], "%s（%s）", k[i].label, k[i].unit);
		cells[0] = r->cell[3];
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2][0] ? r->cell[2] : "—";
		report_row(r, t, cells);
	}
}

static struct doc *card(struct report_ctx *r, struct tv *common, const struct model_unit *u)
{
	struct doc *d;
	struct tv *v;
	char title[512], sub[512];

	snprintf(title, sizeof title, "%s考评报告卡", u->name);
	snprintf(sub, sizeof sub, "%s　%s　%s", r->place, report_uname(r, u->street), r->period);
	d = report_new_doc(r, title, sub, NULL, NULL);
	if (!d)
		return NULL;
	v = tv_map(r->pool);
	tv_set(v, "all", common);
	report_vars_unit(r, v, u);
	tv_set_str(v, "place", r->place);
	tv_set_str(v, "scope", r->scope);
	tv_set_str(v, "period", r->period);
	tv_set_int(v, "year", r->m->year);
	tv_set_int(v, "total", r->m->ncommunities);
	tv_set_bool(v, "has_result", u->has_result);
	if (report_narrative(r, d, "card_summary.txt", v) < 0)
		goto fail;
	report_heading(r, d, 1, "一、得分明细");
	if (card_items(r, d, u) < 0)
		goto fail;
	report_heading(r, d, 1, "二、五星评定");
	card_stars(r, d, u);
	report_heading(r, d, 1, "三、所辖网格");
	card_grids(r, d, u);
	report_heading(r, d, 1, "四、主要指标");
	card_figures(r, d, u);
	report_version_brief(r, d, "本报告卡");
	return d;
fail:
	doc_free(d);
	return NULL;
}

int report_cards(struct report_ctx *r, const char *path, report_progress_fn progress, void *arg)
{
	const struct model *m = r->m;
	struct doc **docs = NULL;
	struct tv *common;
	struct diag pd;
	struct pdf_opts po;
	char title[512], dx[4200];
	long k, n = 0, total = 0;
	int rc = -1;

	for (k = 0; k < m->nunits; k++)
		total += m->units[k].level == MODEL_COMMUNITY;
	docs = calloc((size_t)total + 1, sizeof *docs);
	if (!docs) {
		diag_set(r->d, "内存不足");
		goto done;
	}
	tv_pool_reset(r->pool);
	common = report_vars_common(r);
	/* units[] is in code order: streets, then their communities, together */
	for (k = 0; k < m->nunits; k++) {
		const struct model_unit *u = &m->units[k];
		if (u->level != MODEL_COMMUNITY)
			continue;
		docs[n] = card(r, common, u);
		if (!docs[n]) {
			if (r->oom)
				diag_set(r->d, "内存不足（社区报告卡）");
			goto done;
		}
		n++;
		if (progress && (n % 50 == 0 || n == total))
			progress("社区报告卡", n, total, arg);
	}
	if (tv_pool_failed(r->pool) || r->oom) {
		diag_set(r->d, "内存不足（社区报告卡）");
		goto done;
	}
	if (n == 0) {
		struct doc *d = report_new_doc(r, "社区考评报告卡", r->place, NULL, NULL);
		if (!d)
			goto done;
		docs[n++] = d;
		report_note(r, d, "注：没有社区。");
	}
	snprintf(title, sizeof title, "%s%s社区考评报告卡", r->place, r->period);
	diag_init(&pd);
	report_pdf_opts(r, &po);
	if (pdf_render_many((const struct doc *const *)docs, (size_t)n, title, path, &po, &pd) <
	    0) {
		diag_set(r->d, "生成“%s”失败：%s", path, pd.msg);
		goto done;
	}
	/* the editable copy beside it: one section per community */
	if (report_docx_path(path, dx, sizeof dx) < 0) {
		diag_set(r->d, "路径过长：“%s”", path);
		goto done;
	}
	if (docx_render_many((const struct doc *const *)docs, (size_t)n, title, dx, NULL, &pd) <
	    0) {
		diag_set(r->d, "生成“%s”失败：%s", dx, pd.msg);
		goto done;
	}
	rc = 0;
done:
	for (k = 0; k < n; k++)
		doc_free(docs[k]);
	free(docs);
	return rc;
}
