/* model_events.c - the report model's units and event figures: the period
 * year, the unit tree, event facts (or one scan of events) rolled up the tree,
 * door-knock coverage and activity counts. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "model_int.h"
#include "parse.h"
#include "period.h"
#include "schema.h"
#include "store.h"
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
	int64_t t;

	return parse_iso(s, &t, NULL) == 0 ? (long long)t : -1;
}

/* ---- passes ---------------------------------------------------------------------- */

int model_load_year(struct model_ctx *c, int year)
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
	/* The rules' period (a year when there is none, or an old database). */
	v = m->has_results
		    ? store_scalar_text(c->s, "SELECT value FROM run WHERE key = 'period_label'")
		    : NULL;
	if (!v || parse_period(v, strlen(v), &m->period) < 0 || m->period.year != year) {
		char y[8];
		snprintf(y, sizeof y, "%d", (year > 0 ? year : 1970) % 10000);
		if (parse_period(y, strlen(y), &m->period) < 0)
			memset(&m->period, 0, sizeof m->period);
	}
	free(v);
	m->ring = m->period.kind != PERIOD_YEAR;
	{
		struct parse_period p;
		parse_period_words(&m->period, m->period_words, sizeof m->period_words);
		parse_period_back(&m->period,
				  m->ring ? (m->period.kind == PERIOD_QUARTER ? 4 : 12) : 1, &p);
		parse_period_words(&p, m->last_year_words, sizeof m->last_year_words);
		parse_period_back(&m->period, 1, &p);
		parse_period_words(&p, m->prev_words, sizeof m->prev_words);
	}
	if (m->has_results) {
		v = store_scalar_text(c->s, "SELECT value FROM run WHERE key = 'prev_year'");
		if (v) {
			long p = strtol(v, NULL, 10);
			if (p > 1900 && p < year)
				m->prev_year = (int)p;
			free(v);
		}
	}
	/* The windows every dated figure is placed by (period.c): the period and
	 * the same period a year before (同比). */
	memset(&m->win, 0, sizeof m->win);
	memset(&m->win_prev, 0, sizeof m->win_prev);
	if (year) {
		struct parse_period ly;
		parse_period_back(&m->period,
				  m->ring ? (m->period.kind == PERIOD_QUARTER ? 4 : 12) : 1, &ly);
		if (m->ring || m->prev_year == year - 1) {
			if (period_of_dates(m->period.start, m->period.end, &m->win) < 0 ||
			    period_of_dates(ly.start, ly.end, &m->win_prev) < 0)
				return diag_set(c->d, "考评期间 %s 无效", m->period_words);
		} else if (period_of_year(m->year, &m->win) < 0 ||
			   period_of_year(m->prev_year, &m->win_prev) < 0) {
			return diag_set(c->d, "考评年度 %d 无效", year);
		}
	}
	return 0;
}

int model_load_units(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	long n, k, cap = 0, *last = NULL;
	int rc = -1, step;

	n = store_scalar_int(c->s, "SELECT count(*) FROM units", 0);
	m->units = model_calloc(c, (size_t)n, sizeof *m->units);
	if (!m->units)
		goto done;
	cap = n;
	if (model_prep(
		    c,
		    "SELECT code, name, level, parent, households, population FROM units ORDER BY "
		    "code",
		    &st) < 0)
		goto done;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nunits < cap) {
		struct model_unit *u = &m->units[m->nunits++];
		const char *lv = store_col_text(st, 2);
		u->code = model_dupc(c, store_col_text(st, 0));
		u->shown_code = model_dupm(c, store_col_text(st, 0), "");
		u->name = model_dupm(c, store_col_text(st, 1), "");
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
		u->tier = model_dupc(c, store_col_text(st, 3));
		if (c->oom)
			goto done;
	}
	if (step == STORE_ERROR)
		goto done;
	if (model_hash_build(c) < 0) {
		c->oom = 1;
		goto done;
	}
	last = model_calloc(c, (size_t)m->nunits, sizeof *last);
	if (!last)
		goto done;
	m->county = -1;
	for (k = 0; k < m->nunits; k++) {
		struct model_unit *u = &m->units[k];
		long p = u->tier[0] ? model_hash_find(c, u->tier, strlen(u->tier)) : -1;
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
void model_roll_up(struct model *m,
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

void model_add_ev(struct model_unit *to, const struct model_unit *from)
{
	int y;

	for (y = 0; y < 3; y++) {
		to->ev[y].events += from->ev[y].events;
		to->ev[y].closed += from->ev[y].closed;
		to->ev[y].ontime += from->ev[y].ontime;
		to->ev[y].in_grid += from->ev[y].in_grid;
		to->ev[y].rated += from->ev[y].rated;
		to->ev[y].rating_sum += from->ev[y].rating_sum;
	}
}

void model_add_grids(struct model_unit *to, const struct model_unit *from)
{
	to->grids += from->grids;
}

#define LEVELS schema_levels
/* The time limits that event_facts counts (hN columns). */
#define FACT_HOURS schema_hours

/* Time limits in hours by settlement level (LEVELS order, then "other"): the
 * shipped rules' values, or settings rows 'deadline_hours.<level>' if the rules
 * give them. Only the limits event_facts counts are accepted. */
static int load_deadlines(struct model_ctx *c, int hours[6])
{
	static const int dflt[6] = {72, 120, 168, 240, 360, 168};
	struct store_stmt *st = NULL;
	int i, j, step;

	memcpy(hours, dflt, sizeof dflt);
	if (!c->m->has_results)
		return 0;
	if (model_prep(c,
		       "SELECT key, value FROM settings WHERE key LIKE 'deadline_hours.%' ORDER BY "
		       "key",
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
static int load_event_facts(struct model_ctx *c, const int hours[6])
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	int step, y, col[6], i, j;

	for (i = 0; i < 6; i++) {
		for (j = 0; j < 8 && FACT_HOURS[j] != hours[i]; j++)
			;
		col[i] = 5 + (j < 8 ? j : 4);
	}
	/* What the rules counted for the period (period_facts: the period, a year
	 * before, the one before), else the years of event_facts. */
	int period = model_table_exists(c->s, "period_facts") &&
		     store_scalar_int(c->s, "SELECT EXISTS(SELECT 1 FROM period_facts)", 0);

	if (model_prep(c,
		       period ? "SELECT grid, CASE p WHEN 'cur' THEN 0 WHEN 'last_year' THEN 1"
				" ELSE 2 END, level, n, closed, h24, h48, h72, h120, h168, h240,"
				" h360, h720, s1, s2, s3, s4, s5 FROM period_facts"
				" WHERE p <> 'prev' OR ?1 <> ?2"
			      : "SELECT grid, year, level, n, closed, h24, h48, h72, h120, h168, "
				"h240, h360, h720,"
				" s1, s2, s3, s4, s5 FROM event_facts WHERE year = ?1 OR year = ?2",
		       &st) < 0)
		return -1;
	store_bind_int(st, 1, m->year);
	store_bind_int(st, 2, period && !m->ring ? m->year : m->prev_year);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *g = store_col_text(st, 0);
		long idx = model_hash_find(c, g, g ? (size_t)store_col_bytes(st, 0) : 0);
		int li = level_index(store_col_text(st, 2));
		long rated = 0, rsum = 0;
		y = period ? (int)store_col_int(st, 1) : year_slot(m, (long)store_col_int(st, 1));
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
	if (model_prep(c,
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
 * with the same definitions as the facts: received in the period, closed
 * if closed by its end, void cases (作废…) out of every figure. */
static int scan_events(struct model_ctx *c, const int hours[6])
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char cache_code[128] = "";
	long cache_idx = -1;
	int step, y;

	if (model_prep(
		    c,
		    "SELECT grid, reported_at, closed_at, level, satisfaction, status FROM events"
		    " WHERE reported_at >= ?1 AND reported_at < ?2",
		    &st) < 0)
		return -1;
	store_bind_text(st, 1, m->win_prev.from, -1);
	store_bind_text(st, 2, m->win.until, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *g = store_col_text(st, 0), *rep = store_col_text(st, 1);
		const char *clo = store_col_text(st, 2), *stat = store_col_text(st, 5);
		size_t gl = (size_t)store_col_bytes(st, 0);
		long idx, yr, mo, closed = 0, ontime = 0, r = 0;
		const struct period *pp;
		int li;
		if (!g || !rep || dig(rep, 4, &yr) < 0 || dig(rep + 5, 2, &mo) < 0 || mo < 1 ||
		    mo > 12)
			continue;
		if (stat && schema_void_status(stat, (size_t)store_col_bytes(st, 5)))
			continue;
		y = strcmp(rep, m->win.from) >= 0 ? 0 : 1;
		pp = y == 0 ? &m->win : &m->win_prev;
		if (strcmp(rep, pp->from) < 0 || strcmp(rep, pp->until) >= 0)
			continue;
		if (gl < sizeof cache_code && strcmp(g, cache_code) == 0) {
			idx = cache_idx;
		} else {
			idx = model_hash_find(c, g, gl);
			if (gl < sizeof cache_code) {
				memcpy(cache_code, g, gl + 1);
				cache_idx = idx;
			}
		}
		li = level_index(store_col_text(st, 3));
		if (clo) {
			long long a = iso_seconds(rep), b = iso_seconds(clo);
			closed = strcmp(clo, pp->until) < 0;
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

int model_load_events(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char from[24], to[24];
	int hours[6], step, facts;

	if (!m->year)
		return 0;
	if (load_deadlines(c, hours) < 0)
		return -1;
	for (step = 0; step < 6; step++)
		if (hours[step] > m->max_limit_hours)
			m->max_limit_hours = hours[step];
	facts = model_table_exists(c->s, "event_facts") &&
		model_table_exists(c->s, "month_facts") &&
		(store_scalar_int(c->s, "SELECT EXISTS(SELECT 1 FROM event_facts)", 0) ||
		 !store_scalar_int(c->s, "SELECT EXISTS(SELECT 1 FROM events)", 0));
	if ((facts ? load_event_facts(c, hours) : scan_events(c, hours)) < 0)
		return -1;
	/* the period's first and last event dates */
	snprintf(from, sizeof from, "%s", m->win.from);
	snprintf(to, sizeof to, "%s", m->win.until);
	if (model_prep(c,
		       facts ? "SELECT substr(min(first_at), 1, 10), substr(max(last_at), 1, 10)"
			       " FROM month_facts WHERE printf('%04d-%02d-01', year, month) >= ?1"
			       " AND printf('%04d-%02d-01', year, month) < ?2"
			     : "SELECT substr(min(reported_at), 1, 10), substr(max(reported_at), "
			       "1, 10)"
			       " FROM events WHERE reported_at >= ?1 AND reported_at < ?2",
		       &st) < 0)
		return -1;
	store_bind_text(st, 1, from, -1);
	store_bind_text(st, 2, to, -1);
	if ((step = store_step(st, c->d)) == STORE_ROW && store_col_text(st, 0)) {
		m->data_from = model_dupc(c, store_col_text(st, 0));
		m->data_to = model_dupc(c, store_col_text(st, 1));
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	model_roll_up(m, model_add_ev);
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

/* Door-knock coverage: households visited per round, averaged over rounds. */
int model_load_visits(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	double *visited = NULL, tv = 0, th = 0;
	long rounds, k, p;
	int step, steps;

	if (!m->year)
		return 0;
	visited = model_calloc(c, (size_t)m->nunits, sizeof *visited);
	if (!visited)
		return diag_set(c->d, "内存不足");
	if (model_prep(c,
		       "SELECT grid, round, count(DISTINCT household) FROM visits"
		       " WHERE date >= ?1 AND date < ?2 GROUP BY grid, round",
		       &st) < 0) {
		free(visited);
		return -1;
	}
	store_bind_text(st, 1, m->win.from, -1);
	store_bind_text(st, 2, m->win.until, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		const char *g = store_col_text(st, 0);
		long idx = model_hash_find(c, g, g ? strlen(g) : 0);
		if (idx >= 0)
			visited[idx] += (double)store_col_int(st, 2);
	}
	store_finalize(st);
	if (step == STORE_ERROR) {
		free(visited);
		return -1;
	}
	/* the rounds of the period only: a round of another year has no visits
	 * counted here and would lower every coverage */
	if (model_prep(c, "SELECT count(DISTINCT round) FROM visits WHERE date >= ?1 AND date < ?2",
		       &st) < 0) {
		free(visited);
		return -1;
	}
	store_bind_text(st, 1, m->win.from, -1);
	store_bind_text(st, 2, m->win.until, -1);
	rounds = store_step(st, c->d) == STORE_ROW ? (long)store_col_int(st, 0) : 0;
	store_finalize(st);
	if (rounds > 0) {
		/* per grid, then sums up the tree: visited / (households x rounds) */
		double *hh = model_calloc(c, (size_t)m->nunits, sizeof *hh);
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

/* Wishes, services: counts of the period, the same period a year before
 * (同比) and, for a quarter or a month, the period before (环比). A wish
 * counts in the period it was published, as done only if completed by the
 * period's end (period.c); a service in the period of its date. A count of
 * 0 leaves the figure unknown (no data for that period). */
int model_load_activity(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	struct parse_period ps[3], next;
	int step = STORE_DONE, i;

	if (!m->year)
		return 0;
	ps[0] = m->period;
	parse_period_back(&m->period, m->ring ? (m->period.kind == PERIOD_QUARTER ? 4 : 12) : 1,
			  &ps[1]);
	parse_period_back(&m->period, 1, &ps[2]);
	for (i = 0; i < (m->ring ? 3 : 2); i++) {
		parse_period_back(&ps[i], -1, &next);
		if (model_prep(c,
			       "SELECT count(*), coalesce(sum(completed_at < ?2), 0) FROM wishes"
			       " WHERE published_at >= ?1 AND published_at < ?2",
			       &st) < 0)
			return -1;
		store_bind_text(st, 1, ps[i].start, -1);
		store_bind_text(st, 2, next.start, -1);
		if ((step = store_step(st, c->d)) == STORE_ROW && store_col_int(st, 0) > 0) {
			long n = (long)store_col_int(st, 0), done = (long)store_col_int(st, 1);
			struct model_kpi *w = &m->kpi[MODEL_KPI_WISHES];
			struct model_kpi *wd = &m->kpi[MODEL_KPI_WISHES_DONE];
			struct model_kpi *wr = &m->kpi[MODEL_KPI_WISH_RATE];
			*(i == 0 ? &w->cur : i == 1 ? &w->prev : &w->prev2) = (double)n;
			*(i == 0 ? &wd->cur : i == 1 ? &wd->prev : &wd->prev2) = (double)done;
			*(i == 0 ? &wr->cur : i == 1 ? &wr->prev : &wr->prev2) = model_pct(done, n);
		}
		store_finalize(st);
		if (step == STORE_ERROR)
			return -1;
		if (model_prep(c,
			       "SELECT count(*), total(hours) FROM services"
			       " WHERE date >= ?1 AND date < ?2",
			       &st) < 0)
			return -1;
		store_bind_text(st, 1, ps[i].start, -1);
		store_bind_text(st, 2, next.start, -1);
		if ((step = store_step(st, c->d)) == STORE_ROW && store_col_int(st, 0) > 0) {
			struct model_kpi *sv = &m->kpi[MODEL_KPI_SERVICES];
			struct model_kpi *sh = &m->kpi[MODEL_KPI_SERVICE_HOURS];
			*(i == 0   ? &sv->cur
			  : i == 1 ? &sv->prev
				   : &sv->prev2) = (double)store_col_int(st, 0);
			*(i == 0   ? &sh->cur
			  : i == 1 ? &sh->prev
				   : &sh->prev2) = store_col_double(st, 1);
		}
		store_finalize(st);
		if (step == STORE_ERROR)
			return -1;
	}
	return 0;
}
