/* model_figures.c - the key figures with their 同比 and 环比, the score
 * histogram and the aggregates of the report model. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "model_int.h"
#include "parse.h"
#include "store.h"

void model_key_figures(struct model *m, struct store *s)
{
	const struct model_ev *e0 = NULL, *e1 = NULL;
	struct model_ev sum[2];
	long k;
	int i;

	memset(sum, 0, sizeof sum);
	if (m->county >= 0) {
		e0 = &m->units[m->county].ev[0];
		e1 = &m->units[m->county].ev[1];
	} else {
		/* no county row: add up the top-level units */
		for (k = 0; k < m->nunits; k++) {
			if (m->units[k].parent >= 0)
				continue;
			for (i = 0; i < 2; i++) {
				sum[i].events += m->units[k].ev[i].events;
				sum[i].closed += m->units[k].ev[i].closed;
				sum[i].ontime += m->units[k].ev[i].ontime;
				sum[i].in_grid += m->units[k].ev[i].in_grid;
				sum[i].rated += m->units[k].ev[i].rated;
				sum[i].rating_sum += m->units[k].ev[i].rating_sum;
			}
		}
		e0 = &sum[0];
		e1 = &sum[1];
	}
	if (m->year && m->ring) {
		/* 环比: the county's (or top units') figures of the period before */
		struct model_ev e2;
		memset(&e2, 0, sizeof e2);
		for (k = 0; k < m->nunits; k++) {
			const struct model_ev *x = &m->units[k].ev[2];
			if (m->county >= 0 ? k != m->county : m->units[k].parent >= 0)
				continue;
			e2.events += x->events, e2.closed += x->closed, e2.ontime += x->ontime;
			e2.in_grid += x->in_grid, e2.rated += x->rated;
			e2.rating_sum += x->rating_sum;
		}
		if (e2.events > 0) {
			m->kpi[MODEL_KPI_EVENTS].prev2 = (double)e2.events;
			m->kpi[MODEL_KPI_CLOSED].prev2 = (double)e2.closed;
			m->kpi[MODEL_KPI_CLOSURE].prev2 = model_closure(&e2);
			m->kpi[MODEL_KPI_ONTIME].prev2 = model_ontime(&e2);
			m->kpi[MODEL_KPI_IN_GRID].prev2 = model_in_grid(&e2);
			m->kpi[MODEL_KPI_SATISFACTION].prev2 = model_satisfaction(&e2);
		}
	}
	if (m->year) {
		m->kpi[MODEL_KPI_EVENTS].cur = (double)e0->events;
		m->kpi[MODEL_KPI_CLOSED].cur = (double)e0->closed;
		m->kpi[MODEL_KPI_CLOSURE].cur = model_closure(e0);
		m->kpi[MODEL_KPI_ONTIME].cur = model_ontime(e0);
		m->kpi[MODEL_KPI_IN_GRID].cur = model_in_grid(e0);
		m->kpi[MODEL_KPI_SATISFACTION].cur = model_satisfaction(e0);
		if (e1->events > 0) {
			m->kpi[MODEL_KPI_EVENTS].prev = (double)e1->events;
			m->kpi[MODEL_KPI_CLOSED].prev = (double)e1->closed;
			m->kpi[MODEL_KPI_CLOSURE].prev = model_closure(e1);
			m->kpi[MODEL_KPI_ONTIME].prev = model_ontime(e1);
			m->kpi[MODEL_KPI_IN_GRID].prev = model_in_grid(e1);
			m->kpi[MODEL_KPI_SATISFACTION].prev = model_satisfaction(e1);
		}
	}
	m->kpi[MODEL_KPI_GRIDS].cur = (double)m->ngrids;
	m->kpi[MODEL_KPI_COMMUNITIES].cur = (double)m->ncommunities;
	m->kpi[MODEL_KPI_COMPANIES].cur =
		(double)store_scalar_int(s, "SELECT count(*) FROM companies", 0);
	if (m->has_results) {
		for (i = 0; i < m->nlists; i++) {
			if (strcmp(m->lists[i].list, "红榜") == 0)
				m->kpi[MODEL_KPI_RED].cur = (double)m->lists[i].count;
			if (strcmp(m->lists[i].list, "黑榜") == 0)
				m->kpi[MODEL_KPI_BLACK].cur = (double)m->lists[i].count;
			if (strcmp(m->lists[i].list, "约谈") == 0)
				m->kpi[MODEL_KPI_TALK].cur = (double)m->lists[i].count;
		}
	}
}

void model_histogram(struct model *m)
{
	double lo = INFINITY, hi = -INFINITY, w = 5;
	long k;

	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *u = &m->units[m->grids[k]];
		if (!u->has_result || isnan(u->score))
			continue;
		if (u->score < lo)
			lo = u->score;
		if (u->score > hi)
			hi = u->score;
	}
	if (lo > hi)
		return;
	if (hi - lo > 5 * MODEL_HIST_MAX - 5)
		w = ceil((hi - lo) / (MODEL_HIST_MAX - 1) / 5) * 5;
	else if (hi - lo < 15)
		w = hi - lo < 6 ? 1 : 2;
	lo = floor(lo / w) * w;
	m->hist_lo = lo;
	m->hist_width = w;
	m->nbins = (int)floor((hi - lo) / w) + 1;
	if (m->nbins > MODEL_HIST_MAX)
		m->nbins = MODEL_HIST_MAX;
	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *u = &m->units[m->grids[k]];
		int b;
		if (!u->has_result || isnan(u->score))
			continue;
		b = (int)floor((u->score - lo) / w);
		if (b >= m->nbins)
			b = m->nbins - 1;
		if (b < 0)
			b = 0;
		m->hist[b]++;
	}
}
/* The means, counts and star histogram the documents quote, summed in ranking
 * order (the order fixes the rounding of the sums). */
void model_aggregates(struct model *m)
{
	double sum = 0;
	long k, cnt = 0;

	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *u = &m->units[m->grids[k]];
		if (u->has_result && !isnan(u->score)) {
			sum += u->score;
			cnt++;
		}
	}
	m->grid_mean = cnt ? sum / (double)cnt : NAN;
	m->grids_scored = cnt;
	sum = 0;
	cnt = 0;
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (!u->has_result)
			continue;
		sum += u->score;
		cnt++;
		m->community_stars[u->stars]++;
		m->awards += u->award != NULL && *u->award;
	}
	m->community_mean = cnt ? sum / (double)cnt : NAN;
	m->communities_scored = cnt;
	sum = 0;
	for (k = 0; k < m->nranked; k++)
		sum += m->companies[m->company_rank[k]].score;
	m->company_mean = m->nranked ? sum / (double)m->nranked : NAN;
	m->companies_scored = m->nranked;
}
