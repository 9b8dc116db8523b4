/* model_appeals.c - the run's version and, in the 终稿, the appeals as the
 * review decided them, with each object's figures before the review. */
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
