/* model_chart.c - the standard charts of the report model: specs built from
 * the figures, drawn once with gnuplot by model_charts. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "model_int.h"
#include "parse.h"

#define CHART_MAX_CATS 30 /* more streets than this: the top and bottom 15 */

/* One meaning per colour on the site, in its charts and in the documents
 * (README "颜色"): this year blue, last year grey (bars light, rates dark);
 * red is honour (红榜, 一档, 五星), as in Chinese official practice; black is
 * 黑榜; orange needs attention (约谈). */
#define C_THIS_BAR  "#7fa7d4"
#define C_PREV_BAR  "#c8ccd0"
#define C_THIS_LINE "#1f4e79"
#define C_PREV_LINE "#6b7580"
#define C_RED	    "#b03a2e"
#define C_BLACK	    "#222222"
#define C_ORANGE    "#d35400"
#define C_GREY	    "#7f8c8d"

/* The first month (0-based) of `year` whose closure rate is not yet final:
 * an event reported on the month's last day may be closed up to the longest
 * time limit later, and that runs past `end` (days since 1970: the day after
 * the data ends, at most the next 1 January, since only closures within the
 * year count). -1: every one of the nm months is final. The period year ends
 * the day after data_to; the previous year at its own year end. */
static int first_open_month(const struct model *m, int year, int nm, long end)
{
	long last;
	int i;

	if (m->max_limit_hours <= 0)
		return -1;
	for (i = 0; i < nm && i < 12; i++) {
		/* the day after month i */
		last = i == 11 ? parse_days_from_civil(year + 1, 1, 1)
			       : parse_days_from_civil(year, (unsigned)i + 2, 1);
		if ((double)last + m->max_limit_hours / 24.0 > (double)end)
			return i;
	}
	return -1;
}

/* "12月" or "11—12月": months from..to (0-based) */
static void month_span(char *out, size_t cap, int from, int to)
{
	if (from >= to)
		snprintf(out, cap, "%d月", from + 1);
	else
		snprintf(out, cap, "%d—%d月", from + 1, to + 1);
}

/* ---- charts ------------------------------------------------------------------- */

static void fmt_num(char *out, size_t cap, double v)
{
	if (v == floor(v) && fabs(v) < 1e9)
		snprintf(out, cap, "%.0f", v);
	else
		snprintf(out, cap, "%.1f", v);
}

/* Picks which streets a street chart shows: all, or the top and bottom 15. */
static long pick_streets(const struct model *m, const long *order, long n, long *out)
{
	long k, j = 0;

	if (n <= CHART_MAX_CATS) {
		memcpy(out, order, (size_t)n * sizeof *out);
		return n;
	}
	for (k = 0; k < CHART_MAX_CATS / 2; k++)
		out[j++] = order[k];
	for (k = n - CHART_MAX_CATS / 2; k < n; k++)
		out[j++] = order[k];
	(void)m;
	return j;
}

static const struct model *closure_m;

static int by_closure(const void *a, const void *b)
{
	const struct model_unit *x = &closure_m->units[*(const long *)a];
	const struct model_unit *y = &closure_m->units[*(const long *)b];
	double rx = model_closure(&x->ev[0]), ry = model_closure(&y->ev[0]);
	int nx = isnan(rx), ny = isnan(ry);

	if (nx != ny)
		return nx - ny;
	if (!nx && rx != ry)
		return rx > ry ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* The bottom of a rate axis: a little below the lowest rate, in steps of 2. */
static double rate_floor(double minrate)
{
	double lo = floor((minrate - 2) / 2) * 2;

	return minrate >= 100 ? 90 : lo < 0 ? 0 : lo;
}

int model_build_charts(struct model_ctx *c)
{
	struct model *m = c->m;
	struct chart_set *s = chart_set_new();
	struct chart *ch;
	const char *cats[MODEL_HIST_MAX > 40 ? MODEL_HIST_MAX : 40];
	char labels[40][64], t0[16], t1[16];
	double a[40], b[40], r0[40], r1[40];
	long order[CHART_MAX_CATS], *all = NULL, n, k;
	int i, nm;
	double minrate = 100;

	if (!s)
		return diag_set(c->d, "内存不足");
	m->chartset = s;
	snprintf(t0, sizeof t0, "%d年", m->year);
	snprintf(t1, sizeof t1, "%d年", m->prev_year);

	/* 1. months */
	nm = m->months_with_data[0] > m->months_with_data[1] ? m->months_with_data[0]
							     : m->months_with_data[1];
	if (nm == 0)
		nm = 12;
	for (i = 0; i < nm; i++) {
		const struct model_month *x = &m->month[i];
		snprintf(labels[i], sizeof labels[i], "%d月", i + 1);
		cats[i] = labels[i];
		a[i] = i < m->months_with_data[0] ? (double)x->events[0] : NAN;
		b[i] = i < m->months_with_data[1] ? (double)x->events[1] : NAN;
		r0[i] = i < m->months_with_data[0] ? model_pct(x->closed[0], x->events[0]) : NAN;
		r1[i] = i < m->months_with_data[1] ? model_pct(x->closed[1], x->events[1]) : NAN;
		if (!isnan(r0[i]) && r0[i] < minrate)
			minrate = r0[i];
		if (!isnan(r1[i]) && r1[i] < minrate)
			minrate = r1[i];
	}
	ch = chart_add(s, "monthly", "各月网格事件数与办结率（与上年同期对比）");
	chart_axes(ch, NULL, "事件数（件）", "办结率（%）");
	chart_categories(ch, cats, (size_t)nm);
	{
		char n0[64], n1[64], n2[64], n3[64];
		snprintf(n0, sizeof n0, "%s事件", t0);
		snprintf(n1, sizeof n1, "%s事件", t1);
		snprintf(n2, sizeof n2, "%s办结率", t0);
		snprintf(n3, sizeof n3, "%s办结率", t1);
		int n0m = nm < m->months_with_data[0] ? nm : m->months_with_data[0];
		int n1m = nm < m->months_with_data[1] ? nm : m->months_with_data[1];
		long end0 = -1;
		int open0 = -1, open1;
		char note[512], mon0[32], mon1[32];
		if (m->data_to && parse_iso(m->data_to, NULL, &end0) == 0)
			open0 = first_open_month(m, m->year, n0m, end0 + 1);
		open1 = first_open_month(m, m->prev_year, n1m,
					 parse_days_from_civil(m->prev_year + 1, 1, 1));
		chart_series(ch, n0, "件", CHART_BAR, 0, a, C_THIS_BAR, 0);
		if (m->months_with_data[1])
			chart_series(ch, n1, "件", CHART_BAR, 0, b, C_PREV_BAR, 0);
		chart_series(ch, n2, "%", CHART_LINE, 1, r0, C_THIS_LINE, 1);
		if (open0 >= 0)
			chart_provisional(ch, (size_t)open0, "办理时限未满");
		if (m->months_with_data[1]) {
			chart_series(ch, n3, "%", CHART_LINE, 1, r1, C_PREV_LINE, 1);
			if (open1 >= 0)
				chart_provisional(ch, (size_t)open1, "办理时限未满");
		}
		if (open0 >= 0)
			month_span(mon0, sizeof mon0, open0, n0m - 1);
		if (open1 >= 0 && m->months_with_data[1])
			month_span(mon1, sizeof mon1, open1, n1m - 1);
		else
			open1 = -1;
		/* the note says which months and why, in the words of the closure rule */
		note[0] = '\0';
		if (open0 >= 0 && open1 >= 0 && strcmp(mon0, mon1) == 0 &&
		    end0 + 1 == parse_days_from_civil(m->year + 1, 1, 1))
			snprintf(note, sizeof note,
				 "注：%s受理的事件截至年底尚有部分在办理时限内（虚线、空心点），"
				 "办结率不是最终结果，偏低不代表工作滞后。",
				 mon0);
		else if (open0 >= 0 && open1 >= 0)
			snprintf(note, sizeof note,
				 "注：%d年%s（截至%s）和%d年%s受理的事件尚有部分在办理时限内"
				 "（虚线、空心点），办结率不是最终结果。",
				 m->year, mon0, m->data_to, m->prev_year, mon1);
		else if (open0 >= 0)
			snprintf(note, sizeof note,
				 "注：%s受理的事件截至%s尚有部分在办理时限内（虚线、空心点），"
				 "办结率不是最终结果，偏低不代表工作滞后。",
				 mon0, m->data_to);
		else if (open1 >= 0)
			snprintf(
				note, sizeof note,
				"注：%d年%s受理的事件截至年底尚有部分在办理时限内（虚线、空心点），"
				"办结率不是最终结果。",
				m->prev_year, mon1);
		if (note[0])
			chart_note(ch, note);
	}
	chart_range(ch, 2, rate_floor(minrate), 100);

	/* 2. closure by street (sorted by this year's rate) */
	all = model_calloc(c, (size_t)m->nstreets, sizeof *all);
	if (!all)
		return diag_set(c->d, "内存不足");
	memcpy(all, m->streets, (size_t)m->nstreets * sizeof *all);
	closure_m = m;
	qsort(all, (size_t)m->nstreets, sizeof *all, by_closure);
	n = pick_streets(m, all, m->nstreets, order);
	for (k = 0; k < n; k++) {
		const struct model_unit *u = &m->units[order[k]];
		cats[k] = u->name;
		a[k] = model_closure(&u->ev[0]);
		b[k] = model_closure(&u->ev[1]);
	}
	ch = chart_add(s, "street-closure",
		       n < m->nstreets ? "各街道事件办结率（最高与最低各 15 个街道）"
				       : "各街道事件办结率");
	chart_axes(ch, NULL, "办结率（%）", NULL);
	chart_categories(ch, cats, (size_t)n);
	chart_series(ch, t0, "%", CHART_BAR, 0, a, C_THIS_BAR, 1);
	if (m->months_with_data[1])
		chart_series(ch, t1, "%", CHART_BAR, 0, b, C_PREV_BAR, 1);
	/* bars from 0: a bar's length is its value (94.6 is not half of 96.8) */
	chart_range(ch, 1, 0, 100);
	chart_value_labels(ch, n <= 8);

	/* 3. grid scores with tier bands */
	for (i = 0; i < m->nbins; i++) {
		char x0[24], x1[24];
		fmt_num(x0, sizeof x0, m->hist_lo + i * m->hist_width);
		fmt_num(x1, sizeof x1, m->hist_lo + (i + 1) * m->hist_width);
		snprintf(labels[i], sizeof labels[i], "%s–%s", x0, x1);
		cats[i] = labels[i];
		a[i] = (double)m->hist[i];
	}
	ch = chart_add(s, "grid-scores", "网格考核得分分布与等次分数段");
	chart_axes(ch, "得分", "网格数（个）", NULL);
	chart_categories(ch, cats, (size_t)m->nbins);
	chart_series(ch, "网格数", "个", CHART_BAR, 0, a, C_THIS_LINE, 0);
	chart_value_labels(ch, 1);
	if (m->nbins > 0) {
		/* the site's tier badges: 一档 red, 二档 blue, 三档 orange, 四档 grey */
		static const char *const TC[] = {C_RED,	    "#1f6fb2", "#c0650f", "#5b6470",
						 "#8e44ad", "#16a085", C_GREY,	  "#f1c40f"};
		double top = m->hist_lo + m->nbins * m->hist_width;
		/* bands at the rule's lines (85/70/0), not the lowest scores */
#define TIER_LO(t) (isnan((t).line) ? (t).min : (t).line)
		for (i = 0; i < m->ntiers; i++) {
			double lo = TIER_LO(m->tiers[i]),
			       hi = i == 0 ? top : TIER_LO(m->tiers[i - 1]);
			double x0 = (lo - m->hist_lo) / m->hist_width - 0.5;
			double x1 = (hi - m->hist_lo) / m->hist_width - 0.5;
			char lab[128];
			char mn[24];
			if (lo < m->hist_lo)
				lo = m->hist_lo;
			x0 = (lo - m->hist_lo) / m->hist_width - 0.5;
			fmt_num(mn, sizeof mn, TIER_LO(m->tiers[i]));
			snprintf(lab, sizeof lab, "%s（≥%s）", m->tiers[i].name, mn);
			chart_band(ch, x0, x1, lab, TC[i % 8]);
		}
#undef TIER_LO
	}

	/* 4. stars per street (street order: by mean community score) */
	n = pick_streets(m, m->streets, m->nstreets, order);
	{
		double s5[40], s4[40], s3[40], s2[40];
		for (k = 0; k < n; k++) {
			const struct model_unit *u = &m->units[order[k]];
			cats[k] = u->name;
			s5[k] = (double)u->stars_hist[5];
			s4[k] = (double)u->stars_hist[4];
			s3[k] = (double)u->stars_hist[3];
			s2[k] = (double)(u->stars_hist[0] + u->stars_hist[1] + u->stars_hist[2]);
		}
		ch = chart_add(s, "street-stars",
			       n < m->nstreets
				       ? "各街道社区星级（五星支部，最高与最低各 15 个街道）"
				       : "各街道社区星级（五星支部）");
		chart_axes(ch, NULL, "社区数（个）", NULL);
		chart_categories(ch, cats, (size_t)n);
		chart_stacked(ch, 1);
		chart_series(ch, "五星", "个", CHART_BAR, 0, s5, C_RED, 0);
		chart_series(ch, "四星", "个", CHART_BAR, 0, s4, "#e67e22", 0);
		chart_series(ch, "三星", "个", CHART_BAR, 0, s3, "#f4d03f", 0);
		chart_series(ch, "二星及以下", "个", CHART_BAR, 0, s2, "#b3b6b7", 0);
		chart_value_labels(ch, n <= 12);
	}

	/* 5. red/black counts */
	for (i = 0; i < m->nlists; i++) {
		cats[i] = m->lists[i].list;
		a[i] = (double)m->lists[i].count;
	}
	ch = chart_add(s, "redblack", "物业企业红黑榜");
	chart_axes(ch, NULL, "企业数（家）", NULL);
	chart_categories(ch, cats, (size_t)(m->has_results ? m->nlists : 0));
	chart_series(ch, "企业数", "家", CHART_BAR, 0, a, "#c0392b", 0);
	chart_value_labels(ch, 1);
	{
		const char *colors[8];
		for (i = 0; i < m->nlists; i++)
			colors[i] = strcmp(m->lists[i].list, "红榜") == 0   ? C_RED
				    : strcmp(m->lists[i].list, "黑榜") == 0 ? C_BLACK
				    : strcmp(m->lists[i].list, "约谈") == 0 ? C_ORANGE
									    : C_GREY;
		chart_category_colors(ch, colors);
	}
	free(all);

	for (i = 0; i < MODEL_CHART_N; i++) {
		static const char *const IDS[] = {"monthly", "street-closure", "grid-scores",
						  "street-stars", "redblack"};
		struct model_chart *x = &m->charts[i];
		x->id = IDS[i];
		x->aspect = (double)CHART_SVG_H / CHART_SVG_W;
	}
	return 0;
}

/* Captions and text alternatives, once the chart set exists. */
int model_chart_texts(struct model_ctx *c)
{
	struct model *m = c->m;
	int i;

	for (i = 0; i < MODEL_CHART_N; i++) {
		struct chart *ch = chart_find(m->chartset, m->charts[i].id);
		if (!ch)
			return diag_set(c->d, "内存不足");
		m->charts[i].title = model_dupc(c, chart_title(ch));
		m->charts[i].alt = model_dupc(c, chart_alt(ch));
		m->charts[i].note = model_dupc(c, chart_note_text(ch));
	}
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

int model_charts(struct model *m, const char *svg_dir, const char *png_dir, struct diag *d)
{
	int i;
	char path[4200];

	if (chart_watermark(m->chartset, MODEL_WATERMARK_ID, MODEL_WATERMARK) < 0)
		return diag_set(d, "内存不足");
	if (chart_render(m->chartset, svg_dir, png_dir, d) < 0)
		return -1;
	for (i = 0; i < MODEL_CHART_N; i++) {
		struct model_chart *x = &m->charts[i];
		free(x->svg);
		free(x->png);
		x->svg = x->png = NULL;
		if (svg_dir) {
			snprintf(path, sizeof path, "charts/%s.svg", x->id);
			x->svg = strdup(path);
		}
		if (png_dir) {
			snprintf(path, sizeof path, "%s/%s.png", png_dir, x->id);
			x->png = strdup(path);
		}
		if ((svg_dir && !x->svg) || (png_dir && !x->png))
			return diag_set(d, "内存不足");
	}
	return 0;
}