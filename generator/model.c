/* model.c - the report model filled from the store: one pass per table. Event
 * figures come from the facts ingest summed up (event_facts, month_facts; one
 * scan of events for a database without them), aggregated per grid in C and
 * rolled up the unit tree; rule results are merged by code through a hash of
 * the units; the chart specs are built from the figures. Every text that came
 * from the data is masked (parse_mask_personal) before it enters the model. */
#include "model.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "parse.h"
#include "schema.h"
#include "store.h"

#define CHART_MAX_CATS 30 /* more streets than this: the top and bottom 15 */

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

struct ctx {
	struct store *s;
	struct model *m;
	struct diag *d;
	int oom;
	long *hash; /* unit code -> index, open addressing, -1 empty */
	size_t hcap;
};

/* A masked copy of s (NULL stays NULL unless dflt is given). */
static char *dupm(struct ctx *c, const char *s, const char *dflt)
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
static char *dupc(struct ctx *c, const char *s)
{
	char *p;

	if (!s)
		s = "";
	p = strdup(s);
	if (!p)
		c->oom = 1;
	return p;
}

static void *xcalloc(struct ctx *c, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);

	if (!p)
		c->oom = 1;
	return p;
}

static double col_num(struct store_stmt *st, int i)
{
	return store_col_type(st, i) == STORE_NULL ? NAN : store_col_double(st, i);
}

static int prep(struct ctx *c, const char *sql, struct store_stmt **st)
{
	return store_prepare(c->s, sql, st, c->d);
}

static int table_exists(struct store *s, const char *name)
{
	char sql[160];

	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '%s'", name);
	return store_scalar_int(s, sql, 0) > 0;
}

static uint64_t fnv(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	return h;
}

static int hash_build(struct ctx *c)
{
	size_t cap = 16, i;
	long k;

	while (cap < (size_t)c->m->nunits * 2 + 2)
		cap *= 2;
	c->hash = malloc(cap * sizeof *c->hash);
	if (!c->hash)
		return -1;
	c->hcap = cap;
	for (i = 0; i < cap; i++)
		c->hash[i] = -1;
	for (k = 0; k < c->m->nunits; k++) {
		const char *code = c->m->units[k].code;
		i = fnv(code, strlen(code)) & (cap - 1);
		while (c->hash[i] >= 0)
			i = (i + 1) & (cap - 1);
		c->hash[i] = k;
	}
	return 0;
}

static long hash_find(const struct ctx *c, const char *s, size_t n)
{
	size_t i;

	if (!c->hash || !s)
		return -1;
	i = fnv(s, n) & (c->hcap - 1);
	while (c->hash[i] >= 0) {
		const char *code = c->m->units[c->hash[i]].code;
		if (strncmp(code, s, n) == 0 && code[n] == '\0')
			return c->hash[i];
		i = (i + 1) & (c->hcap - 1);
	}
	return -1;
}

long model_find_unit(const struct model *m, const char *code)
{
	long lo = 0, hi = m->nunits - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int r = strcmp(m->units[mid].code, code);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

long model_find_company(const struct model *m, const char *code)
{
	long lo = 0, hi = m->ncompanies - 1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		int r = strcmp(m->companies[mid].code, code);
		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
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
	[MODEL_KPI_VISITS] = {"visits", "敲门走访覆盖率", "%", MODEL_RATE, 1, 1, NAN, NAN},
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

void model_fmt_value(const struct model_kpi *k, double v, char *out, size_t cap)
{
	if (isnan(v))
		snprintf(out, cap, "—");
	else
		snprintf(out, cap, "%.*f", k->decimals, v == 0 ? 0.0 : v);
}

void model_fmt_pct(double v, char *out, size_t cap)
{
	if (isnan(v))
		snprintf(out, cap, "—");
	else
		snprintf(out, cap, "%.1f%%", v);
}

void model_fmt_change(const struct model_kpi *k, char *out, size_t cap, int *dir)
{
	double diff, scale = pow(10, k->decimals);

	*dir = 0;
	out[0] = '\0';
	if (isnan(k->cur) || isnan(k->prev))
		return;
	diff = k->cur - k->prev;
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
		snprintf(out, cap, "%s%.*f", diff > 0 ? "提高" : "降低", k->decimals, fabs(diff));
}

/* ---- dates ---------------------------------------------------------------------- */


static int dig(const char *s, int n, long *out)
{
	long v = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Seconds since 1970 of "YYYY-MM-DD[ HH:MM[:SS]]"; -1 if not that form. */
static long long iso_seconds(const char *s)
{
	long y, mo, d, h = 0, mi = 0, se = 0;
	size_t n = s ? strlen(s) : 0;

	if (n < 10 || dig(s, 4, &y) || s[4] != '-' || dig(s + 5, 2, &mo) || s[7] != '-' ||
	    dig(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1;
	if (n >= 16 && (dig(s + 11, 2, &h) || dig(s + 14, 2, &mi)))
		return -1;
	if (n >= 19 && dig(s + 17, 2, &se))
		return -1;
	return (long long)parse_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
	       mi * 60 + se;
}

/* ---- passes ---------------------------------------------------------------------- */

static int load_year(struct ctx *c, int year)
{
	struct model *m = c->m;
	char *v;

	if (year == 0 && m->has_results) {
		v = store_scalar_text(c->s, "SELECT value FROM run WHERE key = 'year'");
		if (v) {
			year = (int)strtol(v, NULL, 10);
			free(v);
		}
	}
	if (year == 0)
		year = (int)store_scalar_int(
			c->s, "SELECT max(substr(reported_at, 1, 4)) FROM events", 0);
	if (year < 1900 || year > 2199) {
		/* No events: fall back to the latest of any dated table, or leave 0. */
		year = (int)store_scalar_int(c->s, "SELECT max(substr(date, 1, 4)) FROM services",
					     0);
	}
	m->year = year;
	m->prev_year = year ? year - 1 : 0;
	if (m->has_results) {
		v = store_scalar_text(c->s, "SELECT value FROM run WHERE key = 'prev_year'");
		if (v) {
			long p = strtol(v, NULL, 10);
			if (p > 1900 && p < year)
				m->prev_year = (int)p;
			free(v);
		}
	}
	return 0;
}

static int load_units(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long n, k, cap = 0, *last = NULL;
	int rc = -1, step;

	n = store_scalar_int(c->s, "SELECT count(*) FROM units", 0);
	m->units = xcalloc(c, (size_t)n, sizeof *m->units);
	if (!m->units)
		goto done;
	cap = n;
	if (prep(c,
		 "SELECT code, name, level, parent, households, population FROM units ORDER BY "
		 "code",
		 &st) < 0)
		goto done;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nunits < cap) {
		struct model_unit *u = &m->units[m->nunits++];
		const char *lv = store_col_text(st, 2);
		u->code = dupc(c, store_col_text(st, 0));
		u->name = dupm(c, store_col_text(st, 1), "");
		u->level = !lv				  ? MODEL_GRID
			   : strcmp(lv, "county") == 0	  ? MODEL_COUNTY
			   : strcmp(lv, "street") == 0	  ? MODEL_STREET
			   : strcmp(lv, "community") == 0 ? MODEL_COMMUNITY
							  : MODEL_GRID;
		u->households = store_col_int(st, 4);
		u->population = store_col_int(st, 5);
		u->parent = -1;
		u->street = u->community = -1;
		u->first_child = u->next_sibling = -1;
		u->visit_coverage = NAN;
		u->score = NAN;
		/* parent code kept for linking below, in the tier field's place */
		u->tier = dupc(c, store_col_text(st, 3));
		if (c->oom)
			goto done;
	}
	if (step == STORE_ERROR)
		goto done;
	if (hash_build(c) < 0) {
		c->oom = 1;
		goto done;
	}
	last = xcalloc(c, (size_t)m->nunits, sizeof *last);
	if (!last)
		goto done;
	m->county = -1;
	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		long p = u->tier[0] ? hash_find(c, u->tier, strlen(u->tier)) : -1;
		free(u->tier);
		u->tier = NULL;
		if (p == k)
			p = -1;
		u->parent = p;
		if (p >= 0) {
			if (m->units[p].first_child < 0)
				m->units[p].first_child = k;
			else
				m->units[last[p]].next_sibling = k;
			last[p] = k;
			m->units[p].nchildren++;
		}
		if (u->level == MODEL_COUNTY && m->county < 0)
			m->county = k;
	}
	/* street / community of each unit, walking up (bounded: no cycles). */
	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		long p = k;
		int steps;
		for (steps = 0; p >= 0 && steps < 8; steps++, p = m->units[p].parent) {
			if (m->units[p].level == MODEL_STREET && u->street < 0)
				u->street = p;
			if (m->units[p].level == MODEL_COMMUNITY && u->community < 0)
				u->community = p;
		}
		if (u->level == MODEL_GRID)
			u->grids = 1;
		if (u->level == MODEL_COMMUNITY)
			u->communities = 1;
	}
	rc = 0;
done:
	free(last);
	store_finalize(st);
	if (c->oom)
		return diag_set(c->d, "内存不足");
	return rc;
}

/* Adds a grid's numbers to each of its ancestors (bounded walk). */
static void roll_up(struct model *m,
		    void (*add)(struct model_unit *to, const struct model_unit *from))
{
	long k, p;
	int steps;

	for (k = 0; k < m->nunits; k++) {
		if (m->units[k].level != MODEL_GRID)
			continue;
		for (steps = 0, p = m->units[k].parent; p >= 0 && steps < 8;
		     steps++, p = m->units[p].parent)
			add(&m->units[p], &m->units[k]);
	}
}

static void add_ev(struct model_unit *to, const struct model_unit *from)
{
	int y;

	for (y = 0; y < 2; y++) {
		to->ev[y].events += from->ev[y].events;
		to->ev[y].closed += from->ev[y].closed;
		to->ev[y].ontime += from->ev[y].ontime;
		to->ev[y].in_grid += from->ev[y].in_grid;
		to->ev[y].rated += from->ev[y].rated;
		to->ev[y].rating_sum += from->ev[y].rating_sum;
	}
}

static void add_grids(struct model_unit *to, const struct model_unit *from)
{
	to->grids += from->grids;
}

#define LEVELS schema_levels
/* The time limits that event_facts counts (hN columns). */
#define FACT_HOURS schema_hours

/* Time limits in hours by settlement level (LEVELS order, then "other"): the
 * shipped rules' values, or settings rows 'deadline_hours.<level>' if the rules
 * give them. Only the limits event_facts counts are accepted. */
static int load_deadlines(struct ctx *c, int hours[6])
{
	static const int dflt[6] = {72, 120, 168, 240, 360, 168};
	struct store_stmt *st = NULL;
	int i, j, step;

	memcpy(hours, dflt, sizeof dflt);
	if (!c->m->has_results)
		return 0;
	if (prep(c, "SELECT key, value FROM settings WHERE key LIKE 'deadline_hours.%' ORDER BY key",
		 &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *k = store_col_text(st, 0) + strlen("deadline_hours.");
		int h = (int)store_col_int(st, 1);
		for (j = 0; j < 8 && FACT_HOURS[j] != h; j++)
			;
		if (j == 8)
			continue;
		for (i = 0; i < 5; i++)
			if (strcmp(k, LEVELS[i]) == 0)
				hours[i] = h;
		if (strcmp(k, "其他") == 0)
			hours[5] = h;
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

static int level_index(const char *lv)
{
	int i;

	for (i = 0; lv && i < 5; i++)
		if (strcmp(lv, LEVELS[i]) == 0)
			return i;
	return 5;
}

/* Adds one fact row's numbers: n, closed, on time, rated, rating sum. */
static void add_fact(struct model_ev *e, int li, long n, long closed, long ontime, long rated,
		     long rsum)
{
	e->events += n;
	e->closed += closed;
	e->ontime += ontime;
	if (li == 0)
		e->in_grid += closed;
	e->rated += rated;
	e->rating_sum += rsum;
}

static int year_slot(const struct model *m, long yr)
{
	return yr == m->year ? 0 : yr == m->prev_year ? 1 : -1;
}

/* From the facts that ingest summed up (event_facts, month_facts): no scan of
 * the events. Closed means closed before the end of the reported year. */
static int load_event_facts(struct ctx *c, const int hours[6])
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step, y, col[6], i, j;

	for (i = 0; i < 6; i++) {
		for (j = 0; j < 8 && FACT_HOURS[j] != hours[i]; j++)
			;
		col[i] = 5 + (j < 8 ? j : 4);
	}
	if (prep(c,
		 "SELECT grid, year, level, n, closed, h24, h48, h72, h120, h168, h240, h360, h720,"
		 " s1, s2, s3, s4, s5 FROM event_facts WHERE year = ?1 OR year = ?2",
		 &st) < 0)
		return -1;
	store_bind_int(st, 1, m->year);
	store_bind_int(st, 2, m->prev_year);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *g = store_col_text(st, 0);
		long idx = hash_find(c, g, g ? (size_t)store_col_bytes(st, 0) : 0);
		int li = level_index(store_col_text(st, 2));
		long rated = 0, rsum = 0;
		y = year_slot(m, (long)store_col_int(st, 1));
		if (idx < 0 || y < 0)
			continue;
		for (i = 0; i < 5; i++) {
			long k = (long)store_col_int(st, 13 + i);
			rated += k;
			rsum += k * (i + 1);
		}
		add_fact(&m->units[idx].ev[y], li, (long)store_col_int(st, 3),
			 (long)store_col_int(st, 4), (long)store_col_int(st, col[li]), rated, rsum);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (prep(c,
		 "SELECT year, month, sum(n), sum(closed) FROM month_facts"
		 " WHERE year = ?1 OR year = ?2 GROUP BY year, month ORDER BY year, month",
		 &st) < 0)
		return -1;
	store_bind_int(st, 1, m->year);
	store_bind_int(st, 2, m->prev_year);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		long mo = (long)store_col_int(st, 1), n = (long)store_col_int(st, 2);
		y = year_slot(m, (long)store_col_int(st, 0));
		if (y < 0 || mo < 1 || mo > 12)
			continue;
		m->month[mo - 1].events[y] += n;
		m->month[mo - 1].closed[y] += (long)store_col_int(st, 3);
		if (n > 0 && mo > m->months_with_data[y])
			m->months_with_data[y] = (int)mo;
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

/* Without facts (a database not made by ingest): one scan over the events,
 * with the same definitions as the facts. */
static int scan_events(struct ctx *c, const int hours[6])
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char from[24], to[24];
	char cache_code[128] = "";
	long cache_idx = -1;
	int step, y;

	snprintf(from, sizeof from, "%04d-01-01", m->prev_year);
	snprintf(to, sizeof to, "%04d-01-01", m->year + 1);
	if (prep(c,
		 "SELECT grid, reported_at, closed_at, level, satisfaction FROM events"
		 " WHERE reported_at >= ?1 AND reported_at < ?2",
		 &st) < 0)
		return -1;
	store_bind_text(st, 1, from, -1);
	store_bind_text(st, 2, to, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *g = store_col_text(st, 0), *rep = store_col_text(st, 1);
		const char *clo = store_col_text(st, 2);
		size_t gl = (size_t)store_col_bytes(st, 0);
		long idx, yr, mo, closed = 0, ontime = 0, r = 0;
		int li;
		if (!g || !rep || dig(rep, 4, &yr) < 0 || dig(rep + 5, 2, &mo) < 0 || mo < 1 ||
		    mo > 12)
			continue;
		y = year_slot(m, yr);
		if (y < 0)
			continue;
		if (gl < sizeof cache_code && strcmp(g, cache_code) == 0) {
			idx = cache_idx;
		} else {
			idx = hash_find(c, g, gl);
			if (gl < sizeof cache_code) {
				memcpy(cache_code, g, gl + 1);
				cache_idx = idx;
			}
		}
		li = level_index(store_col_text(st, 3));
		if (clo) {
			long cy;
			long long a = iso_seconds(rep), b = iso_seconds(clo);
			closed = dig(clo, 4, &cy) == 0 && cy <= yr;
			ontime = closed && a >= 0 && b >= a && b - a <= (long long)hours[li] * 3600;
		}
		if (store_col_type(st, 4) != STORE_NULL)
			r = (long)store_col_int(st, 4);
		m->month[mo - 1].events[y]++;
		m->month[mo - 1].closed[y] += closed;
		if (mo > m->months_with_data[y])
			m->months_with_data[y] = (int)mo;
		if (idx >= 0)
			add_fact(&m->units[idx].ev[y], li, 1, closed, ontime, r >= 1 && r <= 5,
				 r >= 1 && r <= 5 ? r : 0);
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

static int load_events(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char from[24], to[24];
	int hours[6], step, facts;

	if (!m->year)
		return 0;
	if (load_deadlines(c, hours) < 0)
		return -1;
	facts = table_exists(c->s, "event_facts") && table_exists(c->s, "month_facts") &&
		(store_scalar_int(c->s, "SELECT EXISTS(SELECT 1 FROM event_facts)", 0) ||
		 !store_scalar_int(c->s, "SELECT EXISTS(SELECT 1 FROM events)", 0));
	if ((facts ? load_event_facts(c, hours) : scan_events(c, hours)) < 0)
		return -1;
	/* the period's first and last event dates */
	snprintf(from, sizeof from, "%04d-01-01", m->year);
	snprintf(to, sizeof to, "%04d-01-01", m->year + 1);
	if (prep(c, facts ? "SELECT substr(min(first_at), 1, 10), substr(max(last_at), 1, 10)"
			    " FROM month_facts WHERE year = CAST(substr(?1, 1, 4) AS INTEGER) AND ?2 <> ''"
			  : "SELECT substr(min(reported_at), 1, 10), substr(max(reported_at), 1, 10)"
			    " FROM events WHERE reported_at >= ?1 AND reported_at < ?2",
		 &st) < 0)
		return -1;
	store_bind_text(st, 1, from, -1);
	store_bind_text(st, 2, to, -1);
	if ((step = store_step(st, c->d)) == STORE_ROW && store_col_text(st, 0)) {
		m->data_from = dupc(c, store_col_text(st, 0));
		m->data_to = dupc(c, store_col_text(st, 1));
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	roll_up(m, add_ev);
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

/* Door-knock coverage: households visited per round, averaged over rounds. */
static int load_visits(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char from[24], to[24];
	double *visited = NULL, tv = 0, th = 0;
	long rounds, k, p;
	int step, steps;

	if (!m->year)
		return 0;
	snprintf(from, sizeof from, "%04d-01-01", m->year);
	snprintf(to, sizeof to, "%04d-01-01", m->year + 1);
	visited = xcalloc(c, (size_t)m->nunits, sizeof *visited);
	if (!visited)
		return diag_set(c->d, "内存不足");
	if (prep(c,
		 "SELECT grid, round, count(DISTINCT household) FROM visits"
		 " WHERE date >= ?1 AND date < ?2 GROUP BY grid, round",
		 &st) < 0) {
		free(visited);
		return -1;
	}
	store_bind_text(st, 1, from, -1);
	store_bind_text(st, 2, to, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *g = store_col_text(st, 0);
		long idx = hash_find(c, g, g ? strlen(g) : 0);
		if (idx >= 0)
			visited[idx] += (double)store_col_int(st, 2);
	}
	store_finalize(st);
	if (step == STORE_ERROR) {
		free(visited);
		return -1;
	}
	snprintf(from, sizeof from, "%04d", m->year);
	rounds = store_scalar_int(c->s, "SELECT count(DISTINCT round) FROM visits", 0);
	if (rounds > 0) {
		/* per grid, then sums up the tree: visited / (households x rounds) */
		double *hh = xcalloc(c, (size_t)m->nunits, sizeof *hh);
		if (!hh) {
			free(visited);
			return diag_set(c->d, "内存不足");
		}
		for (k = 0; k < m->nunits; k++) {
			struct model_unit *u = &m->units[k];
			if (u->level != MODEL_GRID || u->households <= 0)
				continue;
			hh[k] = (double)u->households * (double)rounds;
			for (steps = 0, p = u->parent; p >= 0 && steps < 8;
			     steps++, p = m->units[p].parent) {
				visited[p] += visited[k];
				hh[p] += hh[k];
			}
			tv += visited[k];
			th += hh[k];
		}
		for (k = 0; k < m->nunits; k++)
			if (hh[k] > 0) {
				double v = 100.0 * visited[k] / hh[k];
				m->units[k].visit_coverage = v > 100 ? 100 : v;
			}
		if (th > 0 && tv > 0)
			m->kpi[MODEL_KPI_VISITS].cur = tv / th * 100 > 100 ? 100 : tv / th * 100;
		free(hh);
	}
	free(visited);
	return 0;
}

/* Wishes, services: counts per year (period and previous). */
static int load_activity(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char from[24], to[24], y0[16];
	int step;

	if (!m->year)
		return 0;
	snprintf(from, sizeof from, "%04d-01-01", m->prev_year);
	snprintf(to, sizeof to, "%04d-01-01", m->year + 1);
	snprintf(y0, sizeof y0, "%04d", m->year);
	if (prep(c,
		 "SELECT substr(published_at, 1, 4) AS y, count(*), count(completed_at) FROM wishes"
		 " WHERE published_at >= ?1 AND published_at < ?2 GROUP BY y ORDER BY y",
		 &st) < 0)
		return -1;
	store_bind_text(st, 1, from, -1);
	store_bind_text(st, 2, to, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *yy = store_col_text(st, 0);
		int cur = yy && strcmp(yy, y0) == 0;
		long n = (long)store_col_int(st, 1), done = (long)store_col_int(st, 2);
		double *w = cur ? &m->kpi[MODEL_KPI_WISHES].cur : &m->kpi[MODEL_KPI_WISHES].prev;
		double *wd = cur ? &m->kpi[MODEL_KPI_WISHES_DONE].cur
				 : &m->kpi[MODEL_KPI_WISHES_DONE].prev;
		double *wr =
			cur ? &m->kpi[MODEL_KPI_WISH_RATE].cur : &m->kpi[MODEL_KPI_WISH_RATE].prev;
		*w = (double)n;
		*wd = (double)done;
		*wr = model_pct(done, n);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (prep(c,
		 "SELECT substr(date, 1, 4) AS y, count(*), total(hours) FROM services"
		 " WHERE date >= ?1 AND date < ?2 GROUP BY y ORDER BY y",
		 &st) < 0)
		return -1;
	store_bind_text(st, 1, from, -1);
	store_bind_text(st, 2, to, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *yy = store_col_text(st, 0);
		int cur = yy && strcmp(yy, y0) == 0;
		if (cur) {
			m->kpi[MODEL_KPI_SERVICES].cur = (double)store_col_int(st, 1);
			m->kpi[MODEL_KPI_SERVICE_HOURS].cur = store_col_double(st, 2);
		} else {
			m->kpi[MODEL_KPI_SERVICES].prev = (double)store_col_int(st, 1);
			m->kpi[MODEL_KPI_SERVICE_HOURS].prev = store_col_double(st, 2);
		}
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

/* grid_tiers: scores, ranks and tiers of grids; the tier table. */
static int load_grid_results(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step, t;
	long k;

	if (prep(c,
		 "SELECT tier, min(score), max(score), count(*), sum(funding) FROM grid_tiers"
		 " GROUP BY tier ORDER BY min(score) DESC, tier",
		 &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		struct model_tier *x;
		if (m->ntiers == MODEL_TIERS_MAX)
			continue; /* more tiers than anyone uses: the rest are not tabulated */
		x = &m->tiers[m->ntiers++];
		x->name = dupm(c, store_col_text(st, 0), "");
		x->min = store_col_double(st, 1);
		x->max = store_col_double(st, 2);
		x->count = (long)store_col_int(st, 3);
		x->funding_total = (long)store_col_int(st, 4);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (prep(c,
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
	if (prep(c, "SELECT code, score, rank, tier, funding FROM grid_tiers ORDER BY code", &st) <
	    0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *code = store_col_text(st, 0);
		k = hash_find(c, code, code ? strlen(code) : 0);
		if (k < 0)
			continue;
		m->units[k].has_result = 1;
		m->units[k].score = store_col_double(st, 1);
		m->units[k].rank = (long)store_col_int(st, 2);
		m->units[k].tier = dupm(c, store_col_text(st, 3), "");
		m->units[k].funding = (long)store_col_int(st, 4);
		for (t = 0; t < m->ntiers; t++)
			if (strcmp(m->tiers[t].name, m->units[k].tier) == 0)
				m->units[k].tier_count[t] = 1;
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

static int load_community_results(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step;
	long k, n;

	if (prep(c,
		 "SELECT code, score, rank, prev_rank, rank_change, stars, star_names, award,"
		 " vetoed, veto_reason FROM community_ranking ORDER BY code",
		 &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *code = store_col_text(st, 0);
		struct model_unit *u;
		k = hash_find(c, code, code ? strlen(code) : 0);
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
		u->star_names = dupm(c, store_col_text(st, 6), NULL);
		u->award = dupm(c, store_col_text(st, 7), NULL);
		u->vetoed = store_col_int(st, 8) != 0;
		u->veto_reason = dupm(c, store_col_text(st, 9), NULL);
		u->stars_hist[u->stars] = 1;
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	n = store_scalar_int(c->s, "SELECT count(*) FROM community_stars", 0);
	m->stars = xcalloc(c, (size_t)n, sizeof *m->stars);
	if (!m->stars)
		return diag_set(c->d, "内存不足");
	if (prep(c,
		 "SELECT code, star, earned, reason FROM community_stars ORDER BY code,"
		 " CASE star WHEN '支部过硬' THEN 1 WHEN '共建共享' THEN 2 WHEN '平安法治' THEN 3"
		 " WHEN '幸福和谐' THEN 4 WHEN '宜业兴业' THEN 5 ELSE 6 END, star",
		 &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nstars < n) {
		const char *code = store_col_text(st, 0);
		struct model_star *x;
		k = hash_find(c, code, code ? strlen(code) : 0);
		if (k < 0)
			continue;
		x = &m->stars[m->nstars];
		if (m->units[k].nstar == 0)
			m->units[k].star_first = m->nstars;
		m->units[k].nstar++;
		m->nstars++;
		x->star = dupm(c, store_col_text(st, 1), "");
		x->earned = store_col_int(st, 2) != 0;
		x->reason = dupm(c, store_col_text(st, 3), NULL);
	}
	store_finalize(st);
	return step == STORE_ERROR ? -1 : 0;
}

static void add_results(struct model_unit *to, const struct model_unit *from)
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

/* Street and county figures from their communities; the ranking lists. */
static int derive(struct ctx *c)
{
	struct model *m = c->m;
	long k, p, ns = 0, nc = 0, ng = 0;
	double *sum = NULL;
	long *cnt = NULL;
	int steps, i;

	roll_up(m, add_results);
	roll_up(m, add_grids);
	sum = xcalloc(c, (size_t)m->nunits, sizeof *sum);
	cnt = xcalloc(c, (size_t)m->nunits, sizeof *cnt);
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
			sum[p] += u->score;
			cnt[p]++;
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
	m->streets = xcalloc(c, (size_t)ns, sizeof *m->streets);
	m->communities = xcalloc(c, (size_t)nc, sizeof *m->communities);
	m->grids = xcalloc(c, (size_t)ng, sizeof *m->grids);
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

static int load_companies(struct ctx *c)
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
	m->companies = xcalloc(c, (size_t)n, sizeof *m->companies);
	if (!m->companies)
		return diag_set(c->d, "内存不足");
	if (prep(c, m->has_results ? sql_res : sql_plain, &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->ncompanies < n) {
		struct model_company *x = &m->companies[m->ncompanies++];
		x->code = dupc(c, store_col_text(st, 0));
		x->name = dupm(c, store_col_text(st, 1), "");
		x->projects = (long)store_col_int(st, 2);
		x->households = (long)store_col_int(st, 3);
		x->has_result = store_col_int(st, 4) != 0;
		x->score = col_num(st, 5);
		x->complaint_rate = col_num(st, 6);
		x->satisfaction = col_num(st, 7);
		x->list = dupm(c, store_col_text(st, 8), NULL);
		x->reason = dupm(c, store_col_text(st, 9), NULL);
		x->listed_on = dupm(c, store_col_text(st, 10), NULL);
		x->valid_until = dupm(c, store_col_text(st, 11), NULL);
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
		if (prep(c,
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
		if (prep(c,
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
	m->company_rank = xcalloc(c, (size_t)m->ncompanies, sizeof *m->company_rank);
	if (!m->company_rank)
		return diag_set(c->d, "内存不足");
	for (k = 0; k < m->ncompanies; k++)
		if (m->companies[k].has_result && !isnan(m->companies[k].score))
			m->company_rank[m->nranked++] = k;
	sort_m = m;
	qsort(m->company_rank, (size_t)m->nranked, sizeof *m->company_rank, by_company_score);
	for (i = 0; i < 4; i++) {
		m->lists[m->nlists].list = dupc(c, ORDER[i]);
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
			m->lists[m->nlists].list = dupc(c, l);
			m->lists[m->nlists++].count = 0;
		}
		m->lists[i].count++;
	}
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

static int load_points(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL, *top = NULL;
	int step, rc = -1;
	long n, r;

	n = store_scalar_int(c->s, "SELECT count(DISTINCT role) FROM points", 0);
	m->roles = xcalloc(c, (size_t)n, sizeof *m->roles);
	if (!m->roles)
		return diag_set(c->d, "内存不足");
	if (prep(c,
		 "SELECT role, count(*), sum(candidate) FROM points WHERE role IS NOT NULL"
		 " GROUP BY role ORDER BY role",
		 &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nroles < n) {
		struct model_role *x = &m->roles[m->nroles++];
		x->role = dupc(c, store_col_text(st, 0));
		x->count = (long)store_col_int(st, 1);
		x->candidates = (long)store_col_int(st, 2);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (prep(c,
		 "SELECT p.id, p.name, p.unit, u.name, p.points, p.rank_in_role, p.candidate"
		 " FROM points p LEFT JOIN units u ON u.code = p.unit WHERE p.role = ?1"
		 " ORDER BY p.rank_in_role IS NULL, p.rank_in_role, p.points DESC, p.id LIMIT ?2",
		 &top) < 0)
		return -1;
	for (r = 0; r < m->nroles; r++) {
		struct model_role *x = &m->roles[r];
		x->top = xcalloc(c, MODEL_TOP_PERSONS, sizeof *x->top);
		if (!x->top)
			goto done;
		store_reset(top);
		store_bind_text(top, 1, x->role, -1);
		store_bind_int(top, 2, MODEL_TOP_PERSONS);
		while ((step = store_step(top, c->d)) == STORE_ROW && x->ntop < MODEL_TOP_PERSONS) {
			struct model_person *p = &x->top[x->ntop++];
			p->id = dupc(c, store_col_text(top, 0));
			p->name = dupm(c, store_col_text(top, 1), "");
			p->unit_code = dupc(c, store_col_text(top, 2));
			p->unit_name = dupm(c, store_col_text(top, 3), "");
			p->points = store_col_double(top, 4);
			p->rank = (long)store_col_int(top, 5);
			p->candidate = store_col_int(top, 6) != 0;
		}
		if (step == STORE_ERROR)
			goto done;
		/* the role name itself is data: mask it after its use as a key */
		{
			char *masked = dupm(c, x->role, "");
			free(x->role);
			x->role = masked;
		}
	}
	rc = c->oom ? diag_set(c->d, "内存不足") : 0;
done:
	store_finalize(top);
	return rc;
}

static int load_quality(struct ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step;
	long n;

	n = store_scalar_int(c->s, "SELECT count(*) FROM ingest_files", 0);
	m->files = xcalloc(c, (size_t)n, sizeof *m->files);
	if (!m->files)
		return diag_set(c->d, "内存不足");
	if (prep(c,
		 "SELECT file, status, encoding, rows_read, rows_loaded, rows_rejected,"
		 " unknown_columns, message FROM ingest_files ORDER BY seq, file",
		 &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nfiles < n) {
		struct model_file *f = &m->files[m->nfiles++];
		f->file = dupm(c, store_col_text(st, 0), "");
		f->status = dupm(c, store_col_text(st, 1), NULL);
		f->encoding = dupm(c, store_col_text(st, 2), NULL);
		f->read = (long)store_col_int(st, 3);
		f->loaded = (long)store_col_int(st, 4);
		f->rejected = (long)store_col_int(st, 5);
		f->unknown_columns = dupm(c, store_col_text(st, 6), NULL);
		f->message = dupm(c, store_col_text(st, 7), NULL);
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
	m->reasons = xcalloc(c, (size_t)n, sizeof *m->reasons);
	if (!m->reasons)
		return diag_set(c->d, "内存不足");
	if (prep(c,
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
		x->file = dupm(c, store_col_text(st, 0), "");
		x->column = dupm(c, store_col_text(st, 1), "");
		x->count = (long)store_col_int(st, 2);
		x->example = dupm(c, store_col_text(st, 3), "");
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

static void key_figures(struct model *m, struct store *s)
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

static void histogram(struct model *m)
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

static int build_charts(struct ctx *c)
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
		chart_series(ch, n0, "件", CHART_BAR, 0, a, "#c0392b", 0);
		if (m->months_with_data[1])
			chart_series(ch, n1, "件", CHART_BAR, 0, b, "#b3b6b7", 0);
		chart_series(ch, n2, "%", CHART_LINE, 1, r0, "#1f618d", 1);
		if (m->months_with_data[1])
			chart_series(ch, n3, "%", CHART_LINE, 1, r1, "#e67e22", 1);
	}
	chart_range(ch, 2, rate_floor(minrate), 100);

	/* 2. closure by street (sorted by this year's rate) */
	all = xcalloc(c, (size_t)m->nstreets, sizeof *all);
	if (!all)
		return diag_set(c->d, "内存不足");
	memcpy(all, m->streets, (size_t)m->nstreets * sizeof *all);
	closure_m = m;
	qsort(all, (size_t)m->nstreets, sizeof *all, by_closure);
	n = pick_streets(m, all, m->nstreets, order);
	minrate = 100;
	for (k = 0; k < n; k++) {
		const struct model_unit *u = &m->units[order[k]];
		cats[k] = u->name;
		a[k] = model_closure(&u->ev[0]);
		b[k] = model_closure(&u->ev[1]);
		if (!isnan(a[k]) && a[k] < minrate)
			minrate = a[k];
		if (!isnan(b[k]) && b[k] < minrate)
			minrate = b[k];
	}
	ch = chart_add(s, "street-closure",
		       n < m->nstreets ? "各街道事件办结率（最高与最低各 15 个街道）"
				       : "各街道事件办结率");
	chart_axes(ch, NULL, "办结率（%）", NULL);
	chart_categories(ch, cats, (size_t)n);
	chart_series(ch, t0, "%", CHART_BAR, 0, a, "#c0392b", 1);
	if (m->months_with_data[1])
		chart_series(ch, t1, "%", CHART_BAR, 0, b, "#b3b6b7", 1);
	chart_range(ch, 1, rate_floor(minrate), 100);
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
	chart_series(ch, "网格数", "个", CHART_BAR, 0, a, "#2e86c1", 0);
	chart_value_labels(ch, 1);
	if (m->nbins > 0) {
		static const char *const TC[] = {"#27ae60", "#2e86c1", "#e67e22", "#c0392b",
						 "#8e44ad", "#16a085", "#7f8c8d", "#f1c40f"};
		double top = m->hist_lo + m->nbins * m->hist_width;
		for (i = 0; i < m->ntiers; i++) {
			double lo = m->tiers[i].min, hi = i == 0 ? top : m->tiers[i - 1].min;
			double x0 = (lo - m->hist_lo) / m->hist_width - 0.5;
			double x1 = (hi - m->hist_lo) / m->hist_width - 0.5;
			char lab[128];
			char mn[24];
			fmt_num(mn, sizeof mn, m->tiers[i].min);
			snprintf(lab, sizeof lab, "%s（≥%s）", m->tiers[i].name, mn);
			chart_band(ch, x0, x1, lab, TC[i % 8]);
		}
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
		chart_series(ch, "五星", "个", CHART_BAR, 0, s5, "#c0392b", 0);
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
			colors[i] = strcmp(m->lists[i].list, "红榜") == 0   ? "#c0392b"
				    : strcmp(m->lists[i].list, "黑榜") == 0 ? "#222222"
				    : strcmp(m->lists[i].list, "约谈") == 0 ? "#e67e22"
									    : "#7f8c8d";
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
static int chart_texts(struct ctx *c)
{
	struct model *m = c->m;
	int i;

	for (i = 0; i < MODEL_CHART_N; i++) {
		struct chart *ch = chart_find(m->chartset, m->charts[i].id);
		if (!ch)
			return diag_set(c->d, "内存不足");
		m->charts[i].title = dupc(c, chart_title(ch));
		m->charts[i].alt = dupc(c, chart_alt(ch));
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

/* ---- build / free ------------------------------------------------------------ */

int model_build(struct store *s, int year, struct model **out, struct diag *d)
{
	struct ctx c;
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
		m->kpi[i] = KPI_DEF[i];
	m->county = -1;
	m->has_results = table_exists(s, "run") && table_exists(s, "grid_tiers");
	if (load_year(&c, year) < 0 || load_units(&c) < 0)
		goto done;
	m->place = dupm(&c, m->county >= 0 ? m->units[m->county].name : "本地区", "");
	if (load_events(&c) < 0 || load_visits(&c) < 0 || load_activity(&c) < 0)
		goto done;
	if (m->has_results && (load_grid_results(&c) < 0 || load_community_results(&c) < 0))
		goto done;
	if (derive(&c) < 0 || load_companies(&c) < 0)
		goto done;
	if (m->has_results && load_points(&c) < 0)
		goto done;
	if (load_quality(&c) < 0)
		goto done;
	key_figures(m, s);
	histogram(m);
	if (build_charts(&c) < 0 || chart_texts(&c) < 0)
		goto done;
	if (c.oom) {
		diag_set(d, "内存不足");
		goto done;
	}
	rc = 0;
done:
	free(c.hash);
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
	for (i = 0; i < MODEL_CHART_N; i++) {
		free(m->charts[i].title);
		free(m->charts[i].alt);
		free(m->charts[i].svg);
		free(m->charts[i].png);
	}
	chart_set_free(m->chartset);
	free(m);
}
