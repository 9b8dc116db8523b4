/* model_results.c - the rule results of units in the report model: grid
 * tiers, community ranking and stars, and the rankings derived from them
 * (streets, the county). */
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
int model_load_grid_results(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step, t;
	long k;

	if (model_prep(c,
		       "SELECT tier, min(score), max(score), count(*), sum(funding) FROM grid_tiers"
		       " GROUP BY tier ORDER BY min(score) DESC, tier",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		struct model_tier *x;
		if (m->ntiers == MODEL_TIERS_MAX)
			continue; /* more tiers than anyone uses: the rest are not tabulated */
		x = &m->tiers[m->ntiers++];
		x->name = model_dupm(c, store_col_text(st, 0), "");
		x->min = store_col_double(st, 1);
		x->max = store_col_double(st, 2);
		x->count = (long)store_col_int(st, 3);
		x->funding_total = (long)store_col_int(st, 4);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (model_prep(c,
		       "SELECT tier, funding FROM grid_tiers GROUP BY tier, funding"
		       " ORDER BY tier, count(*) DESC, funding DESC",
		       &st) < 0)
		return -1;
	{
		char prevt[256] = "\x01";
		while ((step = store_step(st, c->d)) == STORE_ROW) {
			const char *tn = store_col_text(st, 0);
			char masked[256];
			if (!tn || strcmp(tn, prevt) == 0)
				continue;
			snprintf(prevt, sizeof prevt, "%s", tn);
			parse_mask_personal(tn, strlen(tn), masked, sizeof masked);
			for (t = 0; t < m->ntiers; t++)
				if (strcmp(m->tiers[t].name, masked) == 0)
					m->tiers[t].funding = (long)store_col_int(st, 1);
		}
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	/* the rule's own lines (settings 'tier_min.<tier>'), for chart bands */
	for (t = 0; t < m->ntiers; t++)
		m->tiers[t].line = NAN;
	if (model_table_exists(c->s, "settings")) {
		if (model_prep(c,
			       "SELECT substr(key, 10), value FROM settings WHERE key LIKE "
			       "'tier_min.%'",
			       &st) < 0)
			return -1;
		while ((step = store_step(st, c->d)) == STORE_ROW) {
			const char *tn = store_col_text(st, 0);
			char *end;
			const char *v = store_col_text(st, 1);
			double x = v ? strtod(v, &end) : NAN;
			if (!tn || !v || end == v || *end != '\0')
				continue;
			for (t = 0; t < m->ntiers; t++)
				if (strcmp(m->tiers[t].name, tn) == 0)
					m->tiers[t].line = x;
		}
		store_finalize(st);
		if (step == STORE_ERROR)
			return -1;
	}
	if (model_prep(c, "SELECT code, score, rank, tier, funding FROM grid_tiers ORDER BY code",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *code = store_col_text(st, 0);
		k = model_hash_find(c, code, code ? strlen(code) : 0);
		if (k < 0)
			continue;
		m->units[k].has_result = 1;
		m->units[k].score = store_col_double(st, 1);
		m->units[k].rank = (long)store_col_int(st, 2);
		m->units[k].tier = model_dupm(c, store_col_text(st, 3), "");
		m->units[k].funding = (long)store_col_int(st, 4);
		for (t = 0; t < m->ntiers; t++)
			if (strcmp(m->tiers[t].name, m->units[k].tier) == 0)
				m->units[k].tier_count[t] = 1;
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

int model_load_community_results(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step;
	long k, n;

	if (model_prep(c,
		       "SELECT code, score, rank, prev_rank, rank_change, stars, star_names, award,"
		       " vetoed, veto_reason FROM community_ranking ORDER BY code",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *code = store_col_text(st, 0);
		struct model_unit *u;
		k = model_hash_find(c, code, code ? strlen(code) : 0);
		if (k < 0)
			continue;
		u = &m->units[k];
		u->has_result = 1;
		u->score = store_col_double(st, 1);
		u->rank = (long)store_col_int(st, 2);
		u->prev_rank = (long)store_col_int(st, 3);
		if (store_col_type(st, 4) != STORE_NULL) {
			u->has_change = 1;
			u->rank_change = (long)store_col_int(st, 4);
		} else if (store_col_type(st, 3) != STORE_NULL) {
			u->has_change = 1;
			u->rank_change = u->prev_rank - u->rank;
		}
		u->stars = (int)store_col_int(st, 5);
		if (u->stars < 0)
			u->stars = 0;
		if (u->stars > 5)
			u->stars = 5;
		u->star_names = model_dupm(c, store_col_text(st, 6), NULL);
		u->award = model_dupm(c, store_col_text(st, 7), NULL);
		u->vetoed = store_col_int(st, 8) != 0;
		u->veto_reason = model_dupm(c, store_col_text(st, 9), NULL);
		u->stars_hist[u->stars] = 1;
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	n = store_scalar_int(c->s, "SELECT count(*) FROM community_stars", 0);
	m->stars = model_calloc(c, (size_t)n, sizeof *m->stars);
	if (!m->stars)
		return diag_set(c->d, "内存不足");
	if (model_prep(c,
		       "SELECT code, star, earned, reason FROM community_stars ORDER BY code,"
		       " CASE star WHEN '支部过硬' THEN 1 WHEN '共建共享' THEN 2 WHEN '平安法治' "
		       "THEN 3"
		       " WHEN '幸福和谐' THEN 4 WHEN '宜业兴业' THEN 5 ELSE 6 END, star",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nstars < n) {
		const char *code = store_col_text(st, 0);
		struct model_star *x;
		k = model_hash_find(c, code, code ? strlen(code) : 0);
		if (k < 0)
			continue;
		x = &m->stars[m->nstars];
		if (m->units[k].nstar == 0)
			m->units[k].star_first = m->nstars;
		m->units[k].nstar++;
		m->nstars++;
		x->star = model_dupm(c, store_col_text(st, 1), "");
		x->earned = store_col_int(st, 2) != 0;
		x->reason = model_dupm(c, store_col_text(st, 3), NULL);
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

static void model_add_results(struct model_unit *to, const struct model_unit *from)
{
	int t;

	for (t = 0; t < MODEL_TIERS_MAX; t++)
		to->tier_count[t] += from->tier_count[t];
}

/* Sorting helpers: qsort with a file-level model pointer (single-threaded). */
static const struct model *sort_m;

static int by_rank(const void *a, const void *b)
{
	const struct model_unit *x = &sort_m->units[*(const long *)a],
				*y = &sort_m->units[*(const long *)b];
	long rx = x->rank > 0 ? x->rank : LONG_MAX, ry = y->rank > 0 ? y->rank : LONG_MAX;

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->code, y->code);
}

static int by_street_score(const void *a, const void *b)
{
	const struct model_unit *x = &sort_m->units[*(const long *)a],
				*y = &sort_m->units[*(const long *)b];
	int nx = isnan(x->score), ny = isnan(y->score);

	if (nx != ny)
		return nx - ny;
	if (!nx && x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* The street part of the community rule's parameters: how a vetoed
 * community counts in its street's mean. Without the setting (older rules)
 * it is left out, the rule README's default. */
static void load_street_rule(struct model_ctx *c)
{
	char *v;

	c->m->street_vetoed = MODEL_VETO_EXCLUDE;
	if (!c->m->has_results || !model_table_exists(c->s, "settings"))
		return;
	v = store_scalar_text(c->s, "SELECT value FROM settings WHERE key = 'street.vetoed'");
	if (!v)
		return;
	if (strcmp(v, "zero") == 0)
		c->m->street_vetoed = MODEL_VETO_ZERO;
	else if (strcmp(v, "keep") == 0)
		c->m->street_vetoed = MODEL_VETO_KEEP;
	free(v);
}

/* Street and county figures from their communities; the ranking lists. */
int model_derive(struct model_ctx *c)
{
	struct model *m = c->m;
	long k, p, ns = 0, nc = 0, ng = 0;
	double *sum = NULL;
	long *cnt = NULL;
	int steps, i;

	load_street_rule(c);
	model_roll_up(m, model_add_results);
	model_roll_up(m, model_add_grids);
	sum = model_calloc(c, (size_t)m->nunits, sizeof *sum);
	cnt = model_calloc(c, (size_t)m->nunits, sizeof *cnt);
	if (!sum || !cnt)
		goto oom;
	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		if (u->level != MODEL_COMMUNITY)
			continue;
		for (steps = 0, p = u->parent; p >= 0 && steps < 8;
		     steps++, p = m->units[p].parent) {
			m->units[p].communities++;
			if (!u->has_result)
				continue;
			/* the street rule applies to streets; the county mean is
			 * over every community, as the rankings show them */
			if (u->vetoed && m->units[p].level == MODEL_STREET &&
			    m->street_vetoed != MODEL_VETO_KEEP) {
				if (m->street_vetoed == MODEL_VETO_EXCLUDE) {
					m->units[p].veto_excluded++;
				} else {
					cnt[p]++;
				}
			} else {
				sum[p] += u->score;
				cnt[p]++;
			}
			for (i = 0; i < 6; i++)
				m->units[p].stars_hist[i] += u->stars_hist[i];
		}
	}
	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		if (u->level == MODEL_STREET || u->level == MODEL_COUNTY) {
			if (cnt[k] > 0) {
				u->score = sum[k] / (double)cnt[k];
				u->has_result = 1;
			}
		}
		ns += u->level == MODEL_STREET;
		nc += u->level == MODEL_COMMUNITY;
		ng += u->level == MODEL_GRID;
	}
	m->streets = model_calloc(c, (size_t)ns, sizeof *m->streets);
	m->communities = model_calloc(c, (size_t)nc, sizeof *m->communities);
	m->grids = model_calloc(c, (size_t)ng, sizeof *m->grids);
	if (c->oom)
		goto oom;
	for (k = 0; k < m->nunits; k++) {
		switch (m->units[k].level) {
		case MODEL_STREET: m->streets[m->nstreets++] = k; break;
		case MODEL_COMMUNITY: m->communities[m->ncommunities++] = k; break;
		case MODEL_GRID: m->grids[m->ngrids++] = k; break;
		default: break;
		}
	}
	sort_m = m;
	qsort(m->streets, (size_t)m->nstreets, sizeof *m->streets, by_street_score);
	for (k = 0; k < m->nstreets; k++)
		if (!isnan(m->units[m->streets[k]].score))
			m->units[m->streets[k]].rank = k + 1;
	qsort(m->communities, (size_t)m->ncommunities, sizeof *m->communities, by_rank);
	qsort(m->grids, (size_t)m->ngrids, sizeof *m->grids, by_rank);
	free(sum);
	free(cnt);
	return 0;
oom:
	free(sum);
	free(cnt);
	return diag_set(c->d, "内存不足");
}
