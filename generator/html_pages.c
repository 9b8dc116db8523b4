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

/* The unit's key figures as the model words them (the report cards show the
 * same): value, previous year and 同比; rates with their "%". */
static struct tv *unit_facts(struct html_site *w, const struct model_unit *u)
{
	static const char *const LABEL[MODEL_UNIT_KPIS] = {
		"网格事件（件）",    "办结率", "按时办结率", "小事不出网格", "群众满意度（5 分制）",
		"敲门行动入户覆盖率"};
	struct model_kpi k[MODEL_UNIT_KPIS];
	struct tv *l = tv_list(w->pp);
	char a[32], b[32], ch[64];
	int i, dir;

	snprintf(a, sizeof a, "%ld", u->households);
	fact(w, l, "户数", u->households ? a : "—", "", "");
	model_unit_kpis(w->m, u, k);
	for (i = 0; i < MODEL_UNIT_KPIS; i++) {
		if (k[i].kind == MODEL_RATE) {
			model_fmt_pct(k[i].cur, a, sizeof a);
			model_fmt_pct(k[i].prev, b, sizeof b);
		} else {
			model_fmt_value(&k[i], k[i].cur, a, sizeof a);
			model_fmt_value(&k[i], k[i].prev, b, sizeof b);
		}
		model_fmt_change(&k[i], ch, sizeof ch, &dir);
		fact(w, l, LABEL[i], a, b, ch);
	}
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
