/* model_results.c - the rule results in the report model: grid tiers,
 * community ranking and stars, derived rankings, companies and their lists,
 * points leaderboards, ingest quality, key figures and the score histogram. */
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
/* grid_tiers: scores, ranks and tiers of grids; the tier table. */
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

static int by_company_score(const void *a, const void *b)
{
	const struct model_company *x = &sort_m->companies[*(const long *)a];
	const struct model_company *y = &sort_m->companies[*(const long *)b];

	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return strcmp(x->code, y->code);
}

int model_load_companies(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step, i;
	long n, k;
	char from[24], to[24], q[16];
	static const char *const ORDER[] = {"红榜", "约谈", "黑榜", "一般"};
	const char *sql_res =
		"SELECT c.code, c.name, c.projects, c.households, r.code IS NOT NULL, r.score,"
		" r.complaint_rate, r.satisfaction, r.list, r.reason, r.listed_on, r.valid_until"
		" FROM companies c LEFT JOIN redblack r ON r.code = c.code"
		" UNION ALL SELECT r.code, r.name, NULL, NULL, 1, r.score, r.complaint_rate,"
		" r.satisfaction, r.list, r.reason, r.listed_on, r.valid_until FROM redblack r"
		" WHERE r.code NOT IN (SELECT code FROM companies) ORDER BY 1";
	const char *sql_plain =
		"SELECT code, name, projects, households, 0, NULL, NULL, NULL, NULL,"
		" NULL, NULL, NULL FROM companies ORDER BY code";

	n = store_scalar_int(c->s, "SELECT count(*) FROM companies", 0);
	if (m->has_results)
		n += store_scalar_int(c->s, "SELECT count(*) FROM redblack", 0);
	m->companies = model_calloc(c, (size_t)n, sizeof *m->companies);
	if (!m->companies)
		return diag_set(c->d, "内存不足");
	if (model_prep(c, m->has_results ? sql_res : sql_plain, &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->ncompanies < n) {
		struct model_company *x = &m->companies[m->ncompanies++];
		x->code = model_dupc(c, store_col_text(st, 0));
		x->shown_code = model_dupm(c, store_col_text(st, 0), "");
		x->name = model_dupm(c, store_col_text(st, 1), "");
		x->projects = (long)store_col_int(st, 2);
		x->households = (long)store_col_int(st, 3);
		x->has_result = store_col_int(st, 4) != 0;
		x->score = model_col_num(st, 5);
		x->complaint_rate = model_col_num(st, 6);
		x->satisfaction = model_col_num(st, 7);
		x->list = model_dupm(c, store_col_text(st, 8), NULL);
		x->reason = model_dupm(c, store_col_text(st, 9), NULL);
		x->listed_on = model_dupm(c, store_col_text(st, 10), NULL);
		x->valid_until = model_dupm(c, store_col_text(st, 11), NULL);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (c->oom)
		return diag_set(c->d, "内存不足");
	/* complaints in the period year, communities checked */
	if (m->year) {
		snprintf(from, sizeof from, "%04d-01-01", m->year);
		snprintf(to, sizeof to, "%04d-01-01", m->year + 1);
		snprintf(q, sizeof q, "%04d", m->year);
		if (model_prep(c,
			       "SELECT company, count(*) FROM complaints WHERE company IS NOT NULL"
			       " AND date >= ?1 AND date < ?2 GROUP BY company ORDER BY company",
			       &st) < 0)
			return -1;
		store_bind_text(st, 1, from, -1);
		store_bind_text(st, 2, to, -1);
		while ((step = store_step(st, c->d)) == STORE_ROW) {
			k = model_find_company(m, store_col_text(st, 0));
			if (k >= 0)
				m->companies[k].complaints = (long)store_col_int(st, 1);
		}
		store_finalize(st);
		if (step == STORE_ERROR)
			return -1;
		if (model_prep(
			    c,
			    "SELECT company, count(DISTINCT community) FROM property_checks"
			    " WHERE substr(quarter, 1, 4) = ?1 GROUP BY company ORDER BY company",
			    &st) < 0)
			return -1;
		store_bind_text(st, 1, q, -1);
		while ((step = store_step(st, c->d)) == STORE_ROW) {
			k = model_find_company(m, store_col_text(st, 0));
			if (k >= 0)
				m->companies[k].communities = (long)store_col_int(st, 1);
		}
		store_finalize(st);
		if (step == STORE_ERROR)
			return -1;
	}
	/* ranking and list counts */
	m->company_rank = model_calloc(c, (size_t)m->ncompanies, sizeof *m->company_rank);
	if (!m->company_rank)
		return diag_set(c->d, "内存不足");
	for (k = 0; k < m->ncompanies; k++)
		if (m->companies[k].has_result && !isnan(m->companies[k].score))
			m->company_rank[m->nranked++] = k;
	sort_m = m;
	qsort(m->company_rank, (size_t)m->nranked, sizeof *m->company_rank, by_company_score);
	for (i = 0; i < 4; i++) {
		m->lists[m->nlists].list = model_dupc(c, ORDER[i]);
		m->lists[m->nlists++].count = 0;
	}
	for (k = 0; k < m->ncompanies; k++) {
		const char *l = m->companies[k].list;
		if (!m->companies[k].has_result || !l)
			continue;
		for (i = 0; i < m->nlists; i++)
			if (strcmp(m->lists[i].list, l) == 0)
				break;
		if (i == m->nlists) {
			if (m->nlists == 8)
				continue;
			m->lists[m->nlists].list = model_dupc(c, l);
			m->lists[m->nlists++].count = 0;
		}
		m->lists[i].count++;
	}
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

int model_load_points(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL, *top = NULL;
	int step, rc = -1;
	long n, r;

	n = store_scalar_int(c->s, "SELECT count(DISTINCT role) FROM points", 0);
	m->roles = model_calloc(c, (size_t)n, sizeof *m->roles);
	if (!m->roles)
		return diag_set(c->d, "内存不足");
	if (model_prep(c,
		       "SELECT role, count(*), sum(candidate) FROM points WHERE role IS NOT NULL"
		       " GROUP BY role ORDER BY role",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nroles < n) {
		struct model_role *x = &m->roles[m->nroles++];
		x->role = model_dupc(c, store_col_text(st, 0));
		x->count = (long)store_col_int(st, 1);
		x->candidates = (long)store_col_int(st, 2);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (model_prep(c,
		       "SELECT p.id, p.name, p.unit, u.name, p.points, p.rank_in_role, p.candidate"
		       " FROM points p LEFT JOIN units u ON u.code = p.unit WHERE p.role = ?1"
		       " ORDER BY p.rank_in_role IS NULL, p.rank_in_role, p.points DESC, p.id "
		       "LIMIT ?2",
		       &top) < 0)
		return -1;
	for (r = 0; r < m->nroles; r++) {
		struct model_role *x = &m->roles[r];
		x->top = model_calloc(c, MODEL_TOP_PERSONS, sizeof *x->top);
		if (!x->top)
			goto done;
		store_reset(top);
		store_bind_text(top, 1, x->role, -1);
		store_bind_int(top, 2, MODEL_TOP_PERSONS);
		while ((step = store_step(top, c->d)) == STORE_ROW && x->ntop < MODEL_TOP_PERSONS) {
			struct model_person *p = &x->top[x->ntop++];
			p->id = model_dupc(c, store_col_text(top, 0));
			p->name = model_dupm(c, store_col_text(top, 1), "");
			p->unit_code = model_dupc(c, store_col_text(top, 2));
			p->unit_name = model_dupm(c, store_col_text(top, 3), "");
			p->points = store_col_double(top, 4);
			p->rank = (long)store_col_int(top, 5);
			p->candidate = store_col_int(top, 6) != 0;
		}
		if (step == STORE_ERROR)
			goto done;
		/* the role name itself is data: mask it after its use as a key */
		{
			char *masked = model_dupm(c, x->role, "");
			free(x->role);
			x->role = masked;
		}
	}
	rc = c->oom ? diag_set(c->d, "内存不足") : 0;
done:
	store_finalize(top);
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

/* ---- version and appeals ----------------------------------------------------------- */

/* 1 + how many of the n objects at idx score above x before the review
 * (competition ranking, as the rules rank: ties share a rank); old[] holds
 * the scores before the review by index into the same array as score[]. */
static long old_rank_among(const long *idx, long n, const double *old, long self, double x)
{
	long k, above = 0;

	for (k = 0; k < n; k++)
		if (idx[k] != self && !isnan(old[idx[k]]) && old[idx[k]] - x > 1e-9)
			above++;
	return above + 1;
}

/* The grid tier a score falls in by the rules' tier lines (best first), or
 * NULL when a tier has no line (tiers by share: not known from one run). */
static const char *tier_by_line(const struct model *m, double x)
{
	int t;

	for (t = 0; t < m->ntiers; t++)
		if (isnan(m->tiers[t].line))
			return NULL;
	for (t = 0; t < m->ntiers; t++)
		if (x + 1e-9 >= m->tiers[t].line)
			return m->tiers[t].name;
	return NULL;
}

/* The figures before the review of every 调整 object: score minus its 调整
 * points, and its rank among its peers with their own 调整 taken out too. */
static int appeal_olds(struct model_ctx *c)
{
	struct model *m = c->m;
	double *ou = model_calloc(c, (size_t)m->nunits + 1, sizeof *ou);
	double *oc = model_calloc(c, (size_t)m->ncompanies + 1, sizeof *oc);
	long k;
	int rc = -1;

	if (!ou || !oc) {
		diag_set(c->d, "内存不足");
		goto done;
	}
	for (k = 0; k < m->nunits; k++)
		ou[k] = m->units[k].has_result ? m->units[k].score : NAN;
	for (k = 0; k < m->ncompanies; k++)
		oc[k] = m->companies[k].has_result ? m->companies[k].score : NAN;
	for (k = 0; k < m->nappeals; k++) {
		const struct model_appeal *a = &m->appeals[k];
		if (strcmp(a->decision, "调整") != 0)
			continue;
		if (a->unit >= 0)
			ou[a->unit] -= a->points;
		else if (a->company >= 0)
			oc[a->company] -= a->points;
	}
	for (k = 0; k < m->nappeals; k++) {
		struct model_appeal *a = &m->appeals[k];
		const struct model_unit *u = a->unit >= 0 ? &m->units[a->unit] : NULL;
		a->old_score = NAN;
		if (strcmp(a->decision, "调整") != 0)
			continue;
		if (u && u->has_result && !isnan(u->score)) {
			a->old_score = ou[a->unit];
			if (u->level == MODEL_GRID && u->rank > 0) {
				a->old_rank = old_rank_among(m->grids, m->ngrids, ou, a->unit,
							     a->old_score);
				a->old_tier = tier_by_line(m, a->old_score);
			} else if (u->level == MODEL_COMMUNITY && u->rank > 0 && !u->vetoed) {
				/* vetoed communities rank last whatever their score */
				long n = 0, j;
				long *peers =
					model_calloc(c, (size_t)m->ncommunities + 1, sizeof *peers);
				if (!peers) {
					diag_set(c->d, "内存不足");
					goto done;
				}
				for (j = 0; j < m->ncommunities; j++)
					if (!m->units[m->communities[j]].vetoed)
						peers[n++] = m->communities[j];
				a->old_rank = old_rank_among(peers, n, ou, a->unit, a->old_score);
				free(peers);
			}
		} else if (a->company >= 0 && m->companies[a->company].has_result &&
			   !isnan(m->companies[a->company].score)) {
			a->old_score = oc[a->company];
			a->old_rank = old_rank_among(m->company_rank, m->nranked, oc, a->company,
						     a->old_score);
		}
	}
	rc = 0;
done:
	free(ou);
	free(oc);
	return rc;
}

int model_load_appeals(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long n;
	int step;
	/* a database written before the appeals table existed has only the outcomes */
	const char *sql =
		"SELECT o.id, o.kind, o.entity, o.decision, o.points, a.item, a.decided_by,"
		" a.decided_at"
		" FROM appeal_outcomes o LEFT JOIN appeals a ON a.id = o.id ORDER BY o.id";
	const char *sql_bare = "SELECT id, kind, entity, decision, points, NULL, NULL, NULL"
			       " FROM appeal_outcomes ORDER BY id";

	if (!m->has_results || !model_table_exists(c->s, "run"))
		return 0;
	m->version = store_scalar_text(c->s, "SELECT value FROM run WHERE key = 'version'");
	m->final = m->version && strcmp(m->version, "终稿") == 0;
	if (!m->final || !model_table_exists(c->s, "appeal_outcomes"))
		return 0;
	n = store_scalar_int(c->s, "SELECT count(*) FROM appeal_outcomes", 0);
	if (n <= 0)
		return 0;
	m->appeals = model_calloc(c, (size_t)n, sizeof *m->appeals);
	if (!m->appeals)
		return diag_set(c->d, "内存不足");
	if (model_prep(c, model_table_exists(c->s, "appeals") ? sql : sql_bare, &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nappeals < n) {
		struct model_appeal *a = &m->appeals[m->nappeals++];
		const char *kind = store_col_text(st, 1), *code = store_col_text(st, 2);
		a->id = model_dupm(c, store_col_text(st, 0), "");
		a->kind = model_dupm(c, kind, "");
		a->entity = model_dupc(c, code ? code : "");
		a->decision = model_dupm(c, store_col_text(st, 3), "");
		a->points = store_col_double(st, 4);
		a->item = model_dupm(c, store_col_text(st, 5), NULL);
		a->decided_by = model_dupm(c, store_col_text(st, 6), NULL);
		a->decided_at = model_dupc(c, store_col_text(st, 7));
		a->unit = a->company = -1;
		a->old_score = NAN;
		if (code && kind && strcmp(kind, "物业企业") == 0)
			a->company = model_find_company(m, code);
		else if (code)
			a->unit = model_find_unit(m, code);
		a->name = model_dupm(c,
				     a->unit >= 0      ? m->units[a->unit].name
				     : a->company >= 0 ? m->companies[a->company].name
						       : code,
				     "");
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (c->oom)
		return diag_set(c->d, "内存不足");
	return appeal_olds(c);
}

/* Appends printf-style text with two string arguments to out (always terminated). */
static void cat2(char *out, size_t cap, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(out);

	if (n + 1 < cap)
		snprintf(out + n, cap - n, fmt, a ? a : "", b ? b : "");
}

/* The sentence of a 调整 (model.h). */
void model_appeal_change(const struct model *m, const struct model_appeal *a, char *out, size_t cap)
{
	const struct model_unit *u = a->unit >= 0 ? &m->units[a->unit] : NULL;
	const struct model_company *c = a->company >= 0 ? &m->companies[a->company] : NULL;
	char pts[32], o[32], n[32], b[96];
	double score = u ? u->score : c ? c->score : NAN;
	long rank = 0, k;

	model_fmt(MODEL_M_ITEM_POINTS, fabs(a->points), pts, sizeof pts);
	snprintf(out, cap, "%s（%s，申诉%s%s%s）：复核调整%s%s分", a->name, a->kind, a->id,
		 a->item ? "，" : "", a->item ? a->item : "", a->points < 0 ? "减" : "加", pts);
	if (!isnan(a->old_score) && !isnan(score)) {
		model_fmt(MODEL_M_SCORE, a->old_score, o, sizeof o);
		model_fmt(MODEL_M_SCORE, score, n, sizeof n);
		cat2(out, cap, "，得分由%s分调整为%s分", o, n);
	}
	if (u)
		rank = u->rank;
	for (k = 0; c && k < m->nranked; k++)
		if (m->company_rank[k] == a->company)
			rank = k + 1;
	if (a->old_rank > 0 && rank > 0) {
		snprintf(o, sizeof o, "%ld", a->old_rank);
		snprintf(n, sizeof n, "%ld", rank);
		if (a->old_rank == rank)
			cat2(out, cap, "，排名第%s名不变%s", n, NULL);
		else
			cat2(out, cap, "，排名由第%s名调整为第%s名", o, n);
	}
	if (u && u->level == MODEL_GRID && u->tier && a->old_tier) {
		if (strcmp(a->old_tier, u->tier) == 0)
			cat2(out, cap, "，档次%s不变%s", u->tier, NULL);
		else
			cat2(out, cap, "，档次由%s调整为%s", a->old_tier, u->tier);
	}
	if (c && c->list && *c->list) {
		snprintf(b, sizeof b, "，复核后列入%s", c->list);
		cat2(out, cap, "%s%s", b, NULL);
	}
	cat2(out, cap, "%s%s", "。", NULL);
}
