/* html_pages.c - the per-entity pages of the site: u/CODE.html per street,
 * community and grid (figures with 同比, stars, children, score items,
 * people) and c/CODE.html per company (criteria and score items). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "html_int.h"
#include "model.h"
#include "template.h"

/* ---- per-entity pages ------------------------------------------------------------- */

/* The assessments of one entity, item by item. */
struct tv *html_items_of(struct html_site *w, long first, long n)
{
	const struct model *m = w->m;
	struct tv *l = tv_list(w->pp);
	long a, i;

	for (a = first; a < first + n; a++) {
		const struct model_assessment *x = &m->assessments[a];
		struct tv *y = tv_push(l, tv_map(w->pp)), *items;
		html_setm(y, w, "name", x->name);
		html_set_num(y, "score", x->score, MODEL_M_SCORE);
		tv_set(y, "result", html_ms(w, x->result));
		items = tv_set(y, "items", tv_list(w->pp));
		for (i = x->item_first; i < x->item_first + x->nitems; i++) {
			const struct model_item *it = &m->items[i];
			struct tv *z = tv_push(items, tv_map(w->pp));
			tv_set_int(z, "seq", it->seq);
			html_setm(z, w, "item", it->item);
			tv_set(z, "inputs", html_ms(w, it->inputs));
			html_set_signed(z, "points", it->points, MODEL_M_ITEM_POINTS);
			tv_set_str(z, "points_class", it->points < 0 ? "neg" : "pos");
			html_setm(z, w, "reason", it->reason);
			tv_set(z, "rule", html_ms(w, it->rule));
		}
	}
	return l;
}

static void fact(struct html_site *w, struct tv *l, const char *label, const char *cur,
		 const char *prev, const char *change)
{
	struct tv *x = tv_push(l, tv_map(w->pp));

	tv_set_str(x, "label", label);
	tv_set_str(x, "value", cur);
	tv_set_str(x, "prev", prev);
	tv_set_str(x, "change", change);
}

static void rate_fact(struct html_site *w, struct tv *l, const char *label, double a, double b)
{
	char x[32], y[32], ch[64];

	model_fmt_pct(a, x, sizeof x);
	model_fmt_pct(b, y, sizeof y);
	if (isnan(a) || isnan(b))
		ch[0] = '\0';
	else if (fabs(a - b) < 0.05)
		snprintf(ch, sizeof ch, "持平");
	else
		snprintf(ch, sizeof ch, "%s%.1f个百分点", a > b ? "提高" : "降低", fabs(a - b));
	fact(w, l, label, x, y, ch);
}

static struct tv *unit_facts(struct html_site *w, const struct model_unit *u)
{
	struct tv *l = tv_list(w->pp);
	char a[32], b[32], ch[64];

	snprintf(a, sizeof a, "%ld", u->households);
	fact(w, l, "户数", u->households ? a : "—", "", "");
	snprintf(a, sizeof a, "%ld", u->ev[0].events);
	snprintf(b, sizeof b, "%ld", u->ev[1].events);
	ch[0] = '\0';
	if (u->ev[1].events > 0) {
		double pct = 100.0 * (double)(u->ev[0].events - u->ev[1].events) /
			     (double)u->ev[1].events;
		if (fabs(pct) < 0.05)
			snprintf(ch, sizeof ch, "持平");
		else
			snprintf(ch, sizeof ch, "%s %.1f%%", pct > 0 ? "增长" : "下降", fabs(pct));
	}
	fact(w, l, "网格事件（件）", a, u->ev[1].events ? b : "—", ch);
	rate_fact(w, l, "办结率", model_closure(&u->ev[0]), model_closure(&u->ev[1]));
	rate_fact(w, l, "按时办结率", model_ontime(&u->ev[0]), model_ontime(&u->ev[1]));
	rate_fact(w, l, "小事不出网格", model_in_grid(&u->ev[0]), model_in_grid(&u->ev[1]));
	{
		double s0 = model_satisfaction(&u->ev[0]), s1 = model_satisfaction(&u->ev[1]);
		snprintf(a, sizeof a, isnan(s0) ? "—" : "%.2f", s0);
		snprintf(b, sizeof b, isnan(s1) ? "—" : "%.2f", s1);
		ch[0] = '\0';
		if (!isnan(s0) && !isnan(s1))
			snprintf(ch, sizeof ch, fabs(s0 - s1) < 0.005 ? "持平" : "%s %.2f",
				 s0 > s1 ? "提高" : "降低", fabs(s0 - s1));
		fact(w, l, "群众满意度（5 分制）", a, b, ch);
	}
	model_fmt_pct(u->visit_coverage, a, sizeof a);
	fact(w, l, "敲门走访覆盖率", a, "—", "");
	return l;
}

int html_unit_pages(struct html_site *w)
{
	const struct model *m = w->m;
	long k;
	for (k = 0; k < m->nunits; k++) {
		const struct model_unit *u = &m->units[k];
		struct tv *p, *x, *l, *crumbs;
		char title[600], rel[NAME_CAP + 16];
		long c, a;
		if (u->level == MODEL_COUNTY)
			continue;
		snprintf(title, sizeof title, "%s", u->name);
		p = html_page_data(w, "", NULL, 1);
		x = tv_set(p, "u", tv_map(w->pp));
		html_unit_row(w, x, k);
		tv_set(p, "title", html_ms(w, title));
		tv_set_bool(x, "is_street", u->level == MODEL_STREET);
		tv_set_bool(x, "is_community", u->level == MODEL_COMMUNITY);
		tv_set_bool(x, "is_grid", u->level == MODEL_GRID);
		tv_set_int(x, "rank_of",
			   u->level == MODEL_GRID	 ? m->ngrids
			   : u->level == MODEL_COMMUNITY ? m->ncommunities
							 : m->nstreets);
		tv_set(x, "parent", html_unit_ref(w, u->parent));
		crumbs = tv_set(p, "crumbs", tv_list(w->pp));
		{
			long chain[8];
			int n = 0;
			for (a = u->parent; a >= 0 && n < 8; a = m->units[a].parent)
				chain[n++] = a;
			while (n-- > 0)
				tv_push(crumbs, html_unit_ref(w, chain[n]));
		}
		tv_set(p, "facts", unit_facts(w, u));
		l = tv_set(p, "stars", tv_list(w->pp));
		for (c = 0; c < u->nstar; c++) {
			const struct model_star *s = &m->stars[u->star_first + c];
			struct tv *y = tv_push(l, tv_map(w->pp));
			html_setm(y, w, "star", s->star);
			tv_set_bool(y, "earned", s->earned);
			tv_set(y, "reason", html_ms(w, s->reason));
		}
		tv_set(p, "tier_heads", html_tier_heads(w));
		l = tv_set(p, "children", tv_list(w->pp));
		for (c = u->first_child; c >= 0; c = m->units[c].next_sibling)
			html_unit_row(w, tv_push(l, tv_map(w->pp)), c);
		tv_set_bool(p, "has_children", tv_len(l) > 0);
		tv_set(p, "assessments", html_items_of(w, u->assess_first, u->nassess));
		l = tv_set(p, "people", tv_list(w->pp));
		for (c = u->people_first; c < u->people_first + u->npeople; c++) {
			const struct model_person *pp = &m->people[m->unit_people[c]];
			struct tv *y = tv_push(l, tv_map(w->pp));
			html_setm(y, w, "name", pp->name);
			tv_set(y, "role", html_ms(w, pp->role));
			html_set_num(y, "points", pp->points, MODEL_M_PERSON_POINTS);
			tv_set(y, "rank",
			       pp->rank > 0 ? tv_int(w->pp, pp->rank) : tv_str(w->pp, "—"));
			tv_set_bool(y, "candidate", pp->candidate != 0);
		}
		tv_set_bool(p, "has_people", tv_len(l) > 0);
		snprintf(rel, sizeof rel, "u/%s.html", w->ufile[k]);
		if (html_page(w, "unit.html", p, rel) < 0)
			return -1;
	}
	return 0;
}

int html_company_pages(struct html_site *w)
{
	const struct model *m = w->m;
	long k;

	for (k = 0; k < m->ncompanies; k++) {
		const struct model_company *c = &m->companies[k];
		struct tv *p, *x, *l;
		char rel[NAME_CAP + 16];
		long r;
		p = html_page_data(w, "", NULL, 1);
		tv_set(p, "title", html_ms(w, c->name));
		x = tv_set(p, "c", html_company_row(w, k));
		tv_set(x, "rank", tv_str(w->pp, "—"));
		for (r = 0; r < m->nranked; r++)
			if (m->company_rank[r] == k)
				tv_set_int(x, "rank", r + 1);
		tv_set_int(x, "rank_of", m->nranked);
		l = tv_set(p, "criteria", tv_list(w->pp));
		for (r = c->crit_first; r < c->crit_first + c->ncrit; r++) {
			const struct model_criterion *cr = &m->criteria[r];
			struct tv *y = tv_push(l, tv_map(w->pp));
			html_setm(y, w, "criterion", cr->name);
			html_set_num(y, "score", cr->score, MODEL_M_CRITERION);
			tv_set_int(y, "checks", cr->checks);
			tv_set_int(y, "communities", cr->communities);
		}
		tv_set(p, "assessments", html_items_of(w, c->assess_first, c->nassess));
		snprintf(rel, sizeof rel, "c/%s.html", w->cfile[k]);
		if (html_page(w, "company.html", p, rel) < 0)
			return -1;
	}
	return 0;
}
