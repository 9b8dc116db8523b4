/* model_rows.c - the rows a renderer lists one by one: every person with
 * points, every assessment with its score items, the property criteria of each
 * company, every rejected input row, the result tables of the CSV export and
 * the run settings the documents quote. Loaded once from the store; texts are
 * masked here (model_dupm) and numbers formatted here, so the renderers (site,
 * PDF documents, CSV) show the same thing and never touch the store. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model_int.h"
#include "store.h"

/* Grows *arr (of *cap elements of size sz) to hold n + 1; 0 or -1. */
static int grow(struct model_ctx *c, void **arr, long *cap, long n, size_t sz)
{
	void *p;
	long nc;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 64;
	p = realloc(*arr, (size_t)nc * sz);
	if (!p) {
		c->oom = 1;
		return -1;
	}
	*arr = p;
	*cap = nc;
	return 0;
}

static long find_unit(const struct model_ctx *c, const char *code)
{
	return code ? model_hash_find(c, code, strlen(code)) : -1;
}

/* ---- people --------------------------------------------------------------------- */

static const struct model *sort_m; /* qsort context (single-threaded) */

static int null_cmp(const char *a, const char *b)
{
	if (!a || !b)
		return !a ? (b ? -1 : 0) : 1;
	return strcmp(a, b);
}

/* A unit's people: role, rank (none last), points desc, id. */
static int by_unit_role_rank(const void *pa, const void *pb)
{
	const struct model_person *a = &sort_m->people[*(const long *)pa];
	const struct model_person *b = &sort_m->people[*(const long *)pb];
	int r = strcmp(a->unit_code, b->unit_code);

	if (r == 0)
		r = null_cmp(a->role, b->role);
	if (r == 0 && (a->rank == 0) != (b->rank == 0))
		r = a->rank == 0 ? 1 : -1;
	if (r == 0 && a->rank != b->rank)
		r = a->rank < b->rank ? -1 : 1;
	if (r == 0 && a->points != b->points)
		r = a->points > b->points ? -1 : 1;
	return r ? r : strcmp(a->id, b->id);
}

static int load_people(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long cap = 0, k, j;
	int step;

	if (model_prep(c,
		       "SELECT p.id, p.name, p.role, p.unit, u.name, p.points, p.rank_in_role,"
		       " p.candidate FROM points p LEFT JOIN units u ON u.code = p.unit"
		       " ORDER BY p.role, p.rank_in_role, p.id",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		struct model_person *p;
		if (grow(c, (void **)&m->people, &cap, m->npeople, sizeof *m->people) < 0)
			break;
		p = &m->people[m->npeople++];
		memset(p, 0, sizeof *p);
		p->id = model_dupc(c, store_col_text(st, 0));
		p->name = model_dupm(c, store_col_text(st, 1), "");
		p->role = model_dupm(c, store_col_text(st, 2), NULL);
		p->unit_code = store_col_text(st, 3) ? model_dupc(c, store_col_text(st, 3)) : NULL;
		p->unit_name = model_dupm(c, store_col_text(st, 4), "");
		p->points = store_col_double(st, 5);
		p->rank = (long)store_col_int(st, 6);
		p->candidate = (int)store_col_int(st, 7);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (c->oom)
		return diag_set(c->d, "内存不足");
	m->unit_people = model_calloc(c, (size_t)m->npeople, sizeof *m->unit_people);
	if (!m->unit_people)
		return diag_set(c->d, "内存不足");
	for (k = 0; k < m->npeople; k++)
		if (m->people[k].unit_code && find_unit(c, m->people[k].unit_code) >= 0)
			m->unit_people[m->nunit_people++] = k;
	sort_m = m;
	qsort(m->unit_people, (size_t)m->nunit_people, sizeof *m->unit_people, by_unit_role_rank);
	for (j = 0; j < m->nunit_people; j++) {
		struct model_unit *u =
			&m->units[find_unit(c, m->people[m->unit_people[j]].unit_code)];
		if (u->npeople == 0)
			u->people_first = j;
		u->npeople++;
	}
	return 0;
}

/* ---- assessments and score items -------------------------------------------------- */

static int load_assessments(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long acap = 0, icap = 0, uk = -1, ck = -1;
	char *entity = NULL, *assessment = NULL;
	int step;

	if (model_prep(c,
		       "SELECT s.entity, s.assessment, s.kind, s.score, s.result, i.seq, i.item,"
		       " i.inputs, i.points, i.reason, i.rule"
		       " FROM scores s LEFT JOIN score_items i ON i.assessment = s.assessment"
		       " AND i.entity = s.entity ORDER BY s.entity, s.assessment, i.seq",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *e = store_col_text(st, 0), *a = store_col_text(st, 1);
		if (!e)
			e = "";
		if (!a)
			a = "";
		if (!entity || strcmp(e, entity) != 0) {
			free(entity);
			free(assessment);
			assessment = NULL;
			entity = model_dupc(c, e);
			uk = find_unit(c, e);
			ck = model_find_company(m, e);
			if (!entity)
				break;
		}
		if (uk < 0 && ck < 0) /* a person's points: shown in points, not here */
			continue;
		if (!assessment || strcmp(a, assessment) != 0) {
			struct model_assessment *x;
			free(assessment);
			assessment = model_dupc(c, a);
			if (!assessment || grow(c, (void **)&m->assessments, &acap, m->nassessments,
						sizeof *m->assessments) < 0)
				break;
			if (uk >= 0 && m->units[uk].nassess == 0)
				m->units[uk].assess_first = m->nassessments;
			if (ck >= 0 && m->companies[ck].nassess == 0)
				m->companies[ck].assess_first = m->nassessments;
			if (uk >= 0)
				m->units[uk].nassess++;
			if (ck >= 0)
				m->companies[ck].nassess++;
			x = &m->assessments[m->nassessments++];
			memset(x, 0, sizeof *x);
			x->name = model_dupm(c, a, "");
			x->kind = model_dupm(c, store_col_text(st, 2), NULL);
			x->score = store_col_double(st, 3);
			x->result = model_dupm(c, store_col_text(st, 4), NULL);
			x->item_first = m->nitems;
		}
		if (store_col_type(st, 5) != STORE_NULL) {
			struct model_item *it;
			if (grow(c, (void **)&m->items, &icap, m->nitems, sizeof *m->items) < 0)
				break;
			it = &m->items[m->nitems++];
			it->seq = (long)store_col_int(st, 5);
			it->item = model_dupm(c, store_col_text(st, 6), "");
			it->inputs = model_dupm(c, store_col_text(st, 7), NULL);
			it->points = store_col_double(st, 8);
			it->reason = model_dupm(c, store_col_text(st, 9), "");
			it->rule = model_dupm(c, store_col_text(st, 10), NULL);
			m->assessments[m->nassessments - 1].nitems++;
		}
	}
	free(entity);
	free(assessment);
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

/* ---- property criteria ----------------------------------------------------------- */

/* Each company's mean per criterion in the period year. The order is the one
 * the rules declared, as they recorded it: the seq of the companies' score item
 * of that name; criteria without a score item follow by name. */
static int load_criteria(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long cap = 0, k;
	int step;
	char q[16];
	const char *order =
		model_table_exists(c->s, "score_items")
			? " LEFT JOIN (SELECT item, min(seq) AS o FROM score_items WHERE entity IN"
			  " (SELECT code FROM companies) GROUP BY item) k ON k.item = p.criterion"
			: " LEFT JOIN (SELECT NULL AS item, NULL AS o) k ON 0";
	char sql[1024];

	if (!m->year)
		return 0;
	snprintf(sql, sizeof sql,
		 "SELECT p.company, p.criterion, avg(p.score * 100.0 / p.max), count(*),"
		 " count(DISTINCT p.community) FROM property_checks p%s"
		 " WHERE substr(p.quarter, 1, 4) = ?1 AND p.max > 0"
		 " GROUP BY p.company, p.criterion"
		 " ORDER BY p.company, min(k.o) IS NULL, min(k.o), p.criterion",
		 order);
	snprintf(q, sizeof q, "%04d", m->year);
	if (model_prep(c, sql, &st) < 0)
		return -1;
	store_bind_text(st, 1, q, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		struct model_criterion *x;
		k = model_find_company(m, store_col_text(st, 0));
		if (k < 0)
			continue;
		if (grow(c, (void **)&m->criteria, &cap, m->ncriteria, sizeof *m->criteria) < 0)
			break;
		if (m->companies[k].ncrit == 0)
			m->companies[k].crit_first = m->ncriteria;
		m->companies[k].ncrit++;
		x = &m->criteria[m->ncriteria++];
		x->name = model_dupm(c, store_col_text(st, 1), "");
		x->score = store_col_double(st, 2);
		x->checks = (long)store_col_int(st, 3);
		x->communities = (long)store_col_int(st, 4);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

/* ---- rejects -------------------------------------------------------------------- */

static int load_rejects(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long cap = 0;
	int step;

	if (model_prep(c,
		       "SELECT r.file, r.line, r.col, r.column_name, r.reason, r.raw"
		       " FROM rejects r LEFT JOIN ingest_files f ON f.file = r.file"
		       " ORDER BY f.seq, r.file, r.line, r.col",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		struct model_reject *x;
		if (grow(c, (void **)&m->rejects, &cap, m->nrejects, sizeof *m->rejects) < 0)
			break;
		x = &m->rejects[m->nrejects++];
		memset(x, 0, sizeof *x);
		x->file = model_dupm(c, store_col_text(st, 0), "");
		x->line = (long)store_col_int(st, 1);
		x->col = store_col_type(st, 2) == STORE_NULL ? 0 : (long)store_col_int(st, 2);
		x->column = model_dupm(c, store_col_text(st, 3), NULL);
		x->reason = model_dupm(c, store_col_text(st, 4), "");
		x->raw = model_dupm(c, store_col_text(st, 5), NULL);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

/* ---- result tables for the CSV export ---------------------------------------------- */

/* Column kinds: 'c' a code or id (kept: masking it would break joins),
 * 't' a text from the data (masked), 'n' a number with two decimals,
 * 'i' an integer. */
struct table_spec {
	const char *file, *sql, *kinds;
	const char *const *cols;
};

static const char *const GRID_COLS[] = {"code",	   "name", "score",	"tier",
					"funding", "rank", "community", "street"};
static const char *const COMMUNITY_COLS[] = {"code",	   "name",	  "street",	"score",
					     "rank",	   "rank_change", "stars",	"vetoed",
					     "star_names", "award",	  "veto_reason"};
static const char *const REDBLACK_COLS[] = {"code", "name",   "score",	   "complaint_rate",
					    "list", "reason", "listed_on", "valid_until"};
static const char *const UNITS_COLS[] = {"employer", "projects", "completed", "rating", "level"};

static const struct table_spec TABLES[] = {
	{"grid_tiers.csv",
	 "SELECT code, name, score, tier, funding, rank, community, street FROM grid_tiers"
	 " ORDER BY rank, code",
	 "ctntiitt", GRID_COLS},
	{"community_ranking.csv",
	 "SELECT code, name, street, score, rank, rank_change, stars, vetoed, star_names, award,"
	 " veto_reason FROM community_ranking ORDER BY rank, code",
	 "cttniiiittt", COMMUNITY_COLS},
	{"redblack.csv",
	 "SELECT code, name, score, complaint_rate, list, reason, listed_on, valid_until"
	 " FROM redblack ORDER BY score DESC, code",
	 "ctnntttt", REDBLACK_COLS},
	{"report_units.csv",
	 "SELECT employer, projects, completed, rating, level FROM report_units ORDER BY employer",
	 "tiint", UNITS_COLS},
};

static char *cell(struct model_ctx *c, struct store_stmt *st, int i, char kind)
{
	char num[64];

	if (store_col_type(st, i) == STORE_NULL)
		return NULL;
	switch (kind) {
	case 't': return model_dupm(c, store_col_text(st, i), "");
	case 'n':
		snprintf(num, sizeof num, "%.2f", store_col_double(st, i));
		return model_dupc(c, num);
	default: return model_dupc(c, store_col_text(st, i));
	}
}

/* with_rows 0: the headers only (a database the rules have not scored). */
static int load_tables(struct model_ctx *c, int with_rows)
{
	struct model *m = c->m;
	size_t t;

	for (t = 0; t < sizeof TABLES / sizeof TABLES[0]; t++) {
		struct model_table *x = &m->tables[m->ntables++];
		struct store_stmt *st = NULL;
		long cap = 0;
		int step, i;
		x->file = TABLES[t].file;
		x->cols = TABLES[t].cols;
		x->ncols = (int)strlen(TABLES[t].kinds);
		if (!with_rows)
			continue;
		if (model_prep(c, TABLES[t].sql, &st) < 0)
			return -1;
		while ((step = store_step(st, c->d)) == STORE_ROW) {
			if (grow(c, (void **)&x->cells, &cap, (x->nrows + 1) * x->ncols - 1,
				 sizeof *x->cells) < 0)
				break;
			for (i = 0; i < x->ncols; i++)
				x->cells[x->nrows * x->ncols + i] =
					cell(c, st, i, TABLES[t].kinds[i]);
			x->nrows++;
		}
		store_finalize(st);
		if (step == STORE_ERROR)
			return -1;
		if (c->oom)
			return diag_set(c->d, "内存不足");
	}
	return 0;
}

/* ---- settings ------------------------------------------------------------------- */

static void load_settings(struct model_ctx *c)
{
	char *v, *end;
	long x;

	c->m->appeal_days = MODEL_APPEAL_DAYS;
	v = store_scalar_text(c->s, "SELECT value FROM run WHERE key = 'appeal_days'");
	if (!v)
		return;
	x = strtol(v, &end, 10);
	if (end != v && *end == '\0' && x > 0 && x < 366)
		c->m->appeal_days = x;
	free(v);
}

int model_load_rows(struct model_ctx *c)
{
	c->m->appeal_days = MODEL_APPEAL_DAYS;
	if (load_rejects(c) < 0)
		return -1;
	if (!c->m->has_results)
		return load_criteria(c) < 0 || load_tables(c, 0) < 0 ? -1 : 0;
	load_settings(c);
	if (load_people(c) < 0 || load_assessments(c) < 0 || load_criteria(c) < 0 ||
	    load_tables(c, 1) < 0 || model_load_serves(c) < 0)
		return -1;
	return 0;
}

void model_free_rows(struct model *m)
{
	long k;
	int t;

	for (k = 0; k < m->npeople; k++) {
		struct model_person *p = &m->people[k];
		free(p->id);
		free(p->name);
		free(p->role);
		free(p->unit_code);
		free(p->unit_name);
	}
	free(m->people);
	free(m->unit_people);
	free(m->serves);
	for (k = 0; k < m->nassessments; k++) {
		free(m->assessments[k].name);
		free(m->assessments[k].kind);
		free(m->assessments[k].result);
	}
	free(m->assessments);
	for (k = 0; k < m->nitems; k++) {
		free(m->items[k].item);
		free(m->items[k].inputs);
		free(m->items[k].reason);
		free(m->items[k].rule);
	}
	free(m->items);
	for (k = 0; k < m->ncriteria; k++)
		free(m->criteria[k].name);
	free(m->criteria);
	for (k = 0; k < m->nrejects; k++) {
		free(m->rejects[k].file);
		free(m->rejects[k].column);
		free(m->rejects[k].reason);
		free(m->rejects[k].raw);
		free(m->rejects[k].value);
		free(m->rejects[k].problem);
		free(m->rejects[k].subject);
		free(m->rejects[k].effect);
	}
	free(m->rejects);
	for (k = 0; k < m->nleftout; k++) {
		free(m->leftout[k].name);
		free(m->leftout[k].why);
	}
	free(m->leftout);
	for (t = 0; t < m->ntables; t++) {
		struct model_table *x = &m->tables[t];
		for (k = 0; k < x->nrows * x->ncols; k++)
			free(x->cells[k]);
		free(x->cells);
	}
}
