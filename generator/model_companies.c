/* model_companies.c - property companies in the report model: their
 * scores, red/black lists and ranking. */
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

static const struct model *sort_m; /* qsort context (single-threaded) */

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
