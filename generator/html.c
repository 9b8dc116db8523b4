/* html.c - the static site from the report model and templates/. Each page is
 * a value tree (struct tv, in a pool reset per page) rendered with a template
 * compiled once. Everything shown comes from the model: texts were masked
 * there (the templates escape them), numbers are formatted with model_fmt.
 * The per-entity pages are in html_pages.c.
 * Template variables are listed at the top of each template. */
#include "html.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"
#include "model.h"
#include "parse.h"
#include "html_int.h"
#include "template.h"

static const char *const LEVEL_LABEL[] = {"区县", "街道", "社区", "网格"};

/* ---- names ------------------------------------------------------------------ */

void html_safe_name(const char *code, char *out, size_t cap)
{
	uint64_t h = 0xcbf29ce484222325ull;
	size_t n = code ? strlen(code) : 0, i, k = 0;
	int changed = 0;
	char masked[80];

	if (cap == 0)
		return;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)code[i]) * 0x100000001b3ull;
	if (n == 0 || n > 64 || code[0] == '-') {
		snprintf(out, cap, "x-%016llx", (unsigned long long)h);
		return;
	}
	parse_mask_personal(code, n, masked, sizeof masked);
	if (strcmp(masked, code) != 0) { /* a phone or ID number: never in a URL */
		snprintf(out, cap, "x-%016llx", (unsigned long long)h);
		return;
	}
	for (i = 0; i < n && k + 1 < cap; i++) {
		char c = code[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '_' || c == '-') {
			out[k++] = c;
		} else {
			out[k++] = '_';
			changed = 1;
			/* a multi-byte character becomes one '_' */
			while (i + 1 < n && ((unsigned char)code[i + 1] & 0xC0) == 0x80)
				i++;
		}
	}
	out[k] = '\0';
	if (changed)
		snprintf(out + k, cap - k, "-%08llx", (unsigned long long)(h & 0xffffffffull));
}

/* ---- value helpers ------------------------------------------------------------ */

/* A text of the model as a string value (NULL gives null). Texts from the
 * data were masked by the model: never here. */
struct tv *html_ms(struct html_site *w, const char *s)
{
	return s ? tv_str(w->pp, s) : tv_null(w->pp);
}

void html_setm(struct tv *map, struct html_site *w, const char *key, const char *s)
{
	tv_set(map, key, html_ms(w, s));
}

/* key = "96.7%" and key_v = "96.7000" (sort value; "" when unknown). */
void html_set_pct(struct tv *map, const char *key, double v)
{
	char k2[64];

	snprintf(k2, sizeof k2, "%s_v", key);
	if (isnan(v)) {
		tv_set_str(map, key, "—");
		tv_set_str(map, k2, "");
	} else {
		tv_set_fmt(map, key, "%.1f%%", v);
		tv_set_fmt(map, k2, "%.4f", v);
	}
}

void html_set_num(struct tv *map, const char *key, double v, enum model_measure k)
{
	char k2[64], t[64];

	snprintf(k2, sizeof k2, "%s_v", key);
	if (isnan(v)) {
		tv_set_str(map, key, "—");
		tv_set_str(map, k2, "");
	} else {
		model_fmt(k, v, t, sizeof t);
		tv_set_str(map, key, t);
		tv_set_fmt(map, k2, "%.4f", v);
	}
}

void html_set_signed(struct tv *map, const char *key, double v, enum model_measure k)
{
	int dec = model_decimals(k);

	if (isnan(v))
		tv_set_str(map, key, "—");
	else if (v > 0)
		tv_set_fmt(map, key, "+%.*f", dec, v);
	else
		tv_set_fmt(map, key, "%.*f", dec, v == 0 ? 0.0 : v);
}

static void set_stars(struct tv *map, int n)
{
	char s[64];
	size_t k = 0;
	int i;

	for (i = 0; i < 5; i++) {
		const char *g = i < n ? "\xe2\x98\x85" : "\xe2\x98\x86"; /* ★ ☆ */
		memcpy(s + k, g, 3);
		k += 3;
	}
	s[k] = '\0';
	tv_set_str(map, "stars", s);
	tv_set_int(map, "stars_n", n);
}

/* The rank change: the model's mark, a class and a sort value. */
static void set_change(struct tv *map, const struct model_unit *u)
{
	tv_set_str(map, "change", u->change_mark);
	tv_set_str(map, "change_class",
		   !u->has_change	? "flat"
		   : u->rank_change > 0 ? "up"
		   : u->rank_change < 0 ? "down"
					: "flat");
	if (u->has_change)
		tv_set_int(map, "change_v", u->rank_change);
	else
		tv_set_str(map, "change_v", "");
}

static int tier_index(const struct model *m, const char *tier)
{
	int i;

	for (i = 0; tier && i < m->ntiers; i++)
		if (strcmp(m->tiers[i].name, tier) == 0)
			return i;
	return -1;
}

static const char *list_class(const char *list)
{
	if (!list)
		return "none";
	if (strcmp(list, "红榜") == 0)
		return "red";
	if (strcmp(list, "黑榜") == 0)
		return "black";
	if (strcmp(list, "约谈") == 0)
		return "warn";
	return "none";
}

/* ---- files --------------------------------------------------------------------- */

static int mkdir_one(const char *p, struct diag *d)
{
	if (mkdir(p, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", p, strerror(errno));
	return 0;
}

static int write_bytes(const char *path, const char *data, size_t n, struct diag *d)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f)
		return diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	bad = n && fwrite(data, 1, n, f) != n;
	bad |= ferror(f);
	bad |= fclose(f) != 0;
	if (bad)
		return diag_set(d, "写入“%s”出错：%s", path, strerror(errno));
	return 0;
}

/* Removes the *.html that an earlier run left in dir (only ours: regular files). */
static void clear_pages(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[4096 + 300];

	if (!dp)
		return;
	while ((e = readdir(dp)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".html") == 0) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	}
	closedir(dp);
}

/* Renders template tname with data to outdir/rel. */
int html_page(struct html_site *w, const char *tname, const struct tv *data, const char *rel)
{
	const struct template *t;
	char path[4096 + 200];

	if (tv_pool_failed(w->pp) || tv_pool_failed(w->gp))
		return diag_set(w->d, "内存不足");
	if (template_get(w->ts, tname, &t, w->d) < 0)
		return -1;
	buf_reset(&w->page);
	if (template_render(t, data, &w->page, w->d) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s", w->out, rel);
	if (write_bytes(path, w->page.data ? w->page.data : "", w->page.len, w->d) < 0)
		return -1;
	w->done++;
	if (w->progress)
		w->progress("网页", w->done, w->total, w->arg);
	return 0;
}

static int copy_asset(struct html_site *w, const char *name)
{
	char *text = NULL, path[4096 + 100];
	size_t n;
	int rc;

	if (template_read_file(w->ts, name, &text, &n, w->d) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/assets/%s", w->out, name);
	rc = write_bytes(path, text, n, w->d);
	free(text);
	return rc;
}

/* ---- common page data ------------------------------------------------------------ */

static const struct {
	const char *key, *href, *label;
} NAV[] = {
	{"index", "index.html", "总览"},
	{"streets", "streets.html", "街道"},
	{"communities", "communities.html", "社区"},
	{"grids", "grids.html", "网格"},
	{"redblack", "redblack.html", "红黑榜"},
	{"points", "points.html", "积分榜"},
	{"quality", "quality.html", "数据质量"},
};

struct tv *html_page_data(struct html_site *w, const char *title, const char *nav, int depth)
{
	struct tv *p, *list;
	size_t i;

	tv_pool_reset(w->pp);
	p = tv_map(w->pp);
	tv_set(p, "site", w->site);
	tv_set_str(p, "title", title);
	tv_set_str(p, "root", depth ? "../" : "");
	list = tv_set(p, "nav", tv_list(w->pp));
	for (i = 0; i < sizeof NAV / sizeof NAV[0]; i++) {
		struct tv *x = tv_push(list, tv_map(w->pp));
		tv_set_str(x, "href", NAV[i].href);
		tv_set_str(x, "label", NAV[i].label);
		tv_set_bool(x, "current", nav && strcmp(nav, NAV[i].key) == 0);
	}
	return p;
}

/* site.version ("公示稿", "终稿" or null), site.final, and for the 终稿
 * site.review: received, adjusted, kept, open (appeals by decision) and
 * changes (text: one sentence per 调整, model_appeal_change). */
static void site_version(struct html_site *w, struct tv *s)
{
	const struct model *m = w->m;
	struct tv *rv, *ch;
	long k, adj = 0, keep = 0;
	char t[1024];

	tv_set(s, "version", tv_str(w->gp, m->version));
	tv_set_bool(s, "final", m->final);
	if (!m->final)
		return;
	rv = tv_set(s, "review", tv_map(w->gp));
	ch = tv_set(rv, "changes", tv_list(w->gp));
	for (k = 0; k < m->nappeals; k++) {
		const struct model_appeal *a = &m->appeals[k];
		if (strcmp(a->decision, "调整") == 0) {
			adj++;
			model_appeal_change(m, a, t, sizeof t);
			tv_set_str(tv_push(ch, tv_map(w->gp)), "text", t);
		} else if (strcmp(a->decision, "维持") == 0) {
			keep++;
		}
	}
	tv_set_int(rv, "received", m->nappeals);
	tv_set_int(rv, "adjusted", adj);
	tv_set_int(rv, "kept", keep);
	tv_set_int(rv, "open", m->nappeals - adj - keep);
}

static void build_site(struct html_site *w)
{
	const struct model *m = w->m;
	struct tv *s = tv_map(w->gp);
	char t[512];

	w->site = s;
	tv_set_str(s, "place", m->place);
	tv_set_int(s, "year", m->year);
	tv_set_int(s, "prev_year", m->prev_year);
	/* The period in words (2025年度, 2025年第三季度, 2025年7月) and those of 同比 and 环比;
	 * ring: a quarter or a month, whose figures also have 环比. */
	tv_set_str(s, "period", m->period_words);
	tv_set_str(s, "period_last_year", m->last_year_words);
	tv_set_str(s, "period_prev", m->prev_words);
	tv_set_bool(s, "ring", m->ring);
	if (m->year)
		snprintf(t, sizeof t, "%s%d年度基层治理考评", m->place, m->year);
	else
		snprintf(t, sizeof t, "%s基层治理考评", m->place);
	tv_set_str(s, "name", t);
	tv_set(s, "data_from", tv_str(w->gp, m->data_from));
	tv_set(s, "data_to", tv_str(w->gp, m->data_to));
	tv_set_bool(s, "has_results", m->has_results);
	tv_set_int(s, "grids", m->ngrids);
	tv_set_int(s, "communities", m->ncommunities);
	tv_set_int(s, "streets", m->nstreets);
	tv_set_int(s, "companies", m->ncompanies);
	site_version(w, s);
}

/* A unit reference: name, code, href, level. */
struct tv *html_unit_ref(struct html_site *w, long k)
{
	struct tv *x;
	char href[NAME_CAP + 8];

	if (k < 0)
		return tv_null(w->pp);
	x = tv_map(w->pp);
	html_setm(x, w, "name", w->m->units[k].name);
	html_setm(x, w, "code", w->m->units[k].shown_code);
	tv_set_str(x, "level", LEVEL_LABEL[w->m->units[k].level]);
	if (w->m->units[k].level == MODEL_COUNTY)
		snprintf(href, sizeof href, "index.html");
	else
		snprintf(href, sizeof href, "u/%s.html", w->ufile[k]);
	tv_set_str(x, "href", href);
	return x;
}

struct tv *html_company_ref(struct html_site *w, long k)
{
	struct tv *x = tv_map(w->pp);
	char href[NAME_CAP + 8];

	html_setm(x, w, "name", w->m->companies[k].name);
	html_setm(x, w, "code", w->m->companies[k].shown_code);
	snprintf(href, sizeof href, "c/%s.html", w->cfile[k]);
	tv_set_str(x, "href", href);
	return x;
}

/* Event and result columns shared by the ranking tables and unit pages. */
void html_unit_row(struct html_site *w, struct tv *x, long k)
{
	const struct model *m = w->m;
	const struct model_unit *u = &m->units[k];
	int ti;

	tv_set(x, "unit", html_unit_ref(w, k));
	tv_set(x, "street", html_unit_ref(w, u->level > MODEL_STREET ? u->street : -1));
	tv_set(x, "community", html_unit_ref(w, u->level > MODEL_COMMUNITY ? u->community : -1));
	tv_set_int(x, "households", u->households);
	tv_set_int(x, "grids", u->grids);
	tv_set_int(x, "communities", u->communities);
	tv_set_int(x, "events", u->ev[0].events);
	tv_set_int(x, "events_prev", u->ev[1].events);
	tv_set_int(x, "closed", u->ev[0].closed);
	html_set_pct(x, "closure", model_closure(&u->ev[0]));
	html_set_pct(x, "closure_prev", model_closure(&u->ev[1]));
	html_set_pct(x, "ontime", model_ontime(&u->ev[0]));
	html_set_pct(x, "in_grid", model_in_grid(&u->ev[0]));
	html_set_num(x, "satisfaction", model_satisfaction(&u->ev[0]), MODEL_M_RATING5);
	html_set_pct(x, "visits", u->visit_coverage);
	tv_set_bool(x, "has_result", u->has_result);
	html_set_num(x, "score", u->has_result ? u->score : NAN, MODEL_M_SCORE);
	tv_set(x, "rank", u->rank > 0 ? tv_int(w->pp, u->rank) : tv_str(w->pp, "—"));
	tv_set(x, "rank_v", u->rank > 0 ? tv_int(w->pp, u->rank) : tv_str(w->pp, ""));
	/* grid */
	tv_set(x, "tier", html_ms(w, u->tier));
	ti = tier_index(m, u->tier);
	tv_set_int(x, "tier_n", ti + 1);
	tv_set_int(x, "funding", u->funding);
	/* community */
	set_stars(x, u->stars);
	set_change(x, u);
	tv_set(x, "award", html_ms(w, u->award));
	tv_set_bool(x, "vetoed", u->vetoed);
	tv_set(x, "veto_reason", html_ms(w, u->veto_reason));
	tv_set(x, "star_names", html_ms(w, u->star_names));
	/* street */
	tv_set_int(x, "veto_excluded", u->veto_excluded);
	tv_set_int(x, "five_stars", u->stars_hist[5]);
	tv_set_int(x, "four_stars", u->stars_hist[4]);
	{
		struct tv *tc = tv_set(x, "tier_counts", tv_list(w->pp));
		int i;
		for (i = 0; i < m->ntiers; i++) {
			struct tv *y = tv_push(tc, tv_map(w->pp));
			tv_set(y, "name", html_ms(w, m->tiers[i].name));
			tv_set_int(y, "count", u->tier_count[i]);
			tv_set_int(y, "n", i + 1);
		}
	}
}

struct tv *html_tier_heads(struct html_site *w)
{
	struct tv *l = tv_list(w->pp);
	int i;

	for (i = 0; i < w->m->ntiers; i++) {
		struct tv *y = tv_push(l, tv_map(w->pp));
		tv_set(y, "name", html_ms(w, w->m->tiers[i].name));
		tv_set_int(y, "n", i + 1);
	}
	return l;
}

/* ---- index ------------------------------------------------------------------------- */

static struct tv *kpi_list(struct html_site *w)
{
	const struct model *m = w->m;
	struct tv *l = tv_list(w->pp);
	int i;

	for (i = 0; i < MODEL_KPI_N; i++) {
		const struct model_kpi *k = &m->kpi[i];
		struct tv *x;
		char v[64], p[64], ch[96];
		int dir;
		if (isnan(k->cur))
			continue;
		x = tv_push(l, tv_map(w->pp));
		model_fmt_value(k, k->cur, v, sizeof v);
		model_fmt_value(k, k->prev, p, sizeof p);
		model_fmt_change(k, ch, sizeof ch, &dir);
		tv_set_str(x, "key", k->key);
		tv_set_str(x, "label", k->label);
		tv_set_str(x, "value", v);
		tv_set_str(x, "unit", k->unit);
		tv_set_bool(x, "has_prev", !isnan(k->prev));
		tv_set_str(x, "prev", p);
		tv_set_str(x, "change", ch);
		tv_set_str(x, "arrow", dir > 0 ? "↑" : dir < 0 ? "↓" : "");
		tv_set_str(x, "trend",
			   dir * k->better > 0	 ? "good"
			   : dir * k->better < 0 ? "bad"
						 : "flat");
		/* 环比 for a quarter or a month (a year's would repeat 同比) */
		tv_set_str(x, "prev_label", m->ring ? "上年同期" : "上年");
		tv_set_bool(x, "has_ring", m->ring && !isnan(k->prev2));
		if (m->ring && !isnan(k->prev2)) {
			model_fmt_value(k, k->prev2, p, sizeof p);
			model_fmt_ring(k, ch, sizeof ch, &dir);
			tv_set_str(x, "ring_prev", p);
			tv_set_str(x, "ring_change", ch);
		}
	}
	return l;
}

static struct tv *chart_item(struct html_site *w, int i)
{
	const struct model_chart *c = &w->m->charts[i];
	struct tv *x = tv_map(w->pp);

	tv_set_str(x, "id", c->id);
	tv_set_str(x, "title", c->title);
	tv_set(x, "svg", tv_str(w->pp, c->svg));
	tv_set_str(x, "alt", c->alt);
	tv_set_str(x, "note", c->note ? c->note : ""); /* "" : no note */
	tv_set_int(x, "width", 800);
	tv_set_int(x, "height", (long long)(800 * c->aspect + 0.5));
	return x;
}

static struct tv *chart_list(struct html_site *w)
{
	struct tv *l = tv_list(w->pp);
	int i;

	for (i = 0; i < MODEL_CHART_N; i++)
		tv_push(l, chart_item(w, i));
	return l;
}

static int page_index(struct html_site *w)
{
	const struct model *m = w->m;
	struct tv *p = html_page_data(w, "总览", "index", 0), *l, *x;
	long k, n;
	int i;

	tv_set(p, "kpis", kpi_list(w));
	l = tv_set(p, "charts", chart_list(w));
	/* also by id (street-closure -> chart.street_closure), to place one chart alone */
	x = tv_set(p, "chart", tv_map(w->pp));
	{
		for (i = 0; i < MODEL_CHART_N; i++) {
			char key[64];
			size_t j;
			snprintf(key, sizeof key, "%s", m->charts[i].id);
			for (j = 0; key[j]; j++)
				if (key[j] == '-')
					key[j] = '_';
			tv_set(x, key, chart_item(w, i));
		}
	}
	l = tv_set(p, "tiers", tv_list(w->pp));
	for (i = 0; i < m->ntiers; i++) {
		const struct model_tier *t = &m->tiers[i];
		x = tv_push(l, tv_map(w->pp));
		tv_set(x, "name", html_ms(w, t->name));
		tv_set_int(x, "n", i + 1);
		html_set_num(x, "min", t->min, MODEL_M_SCORE);
		html_set_num(x, "max", t->max, MODEL_M_SCORE);
		tv_set_int(x, "count", t->count);
		tv_set_int(x, "funding", t->funding);
		tv_set_int(x, "funding_total", t->funding_total);
		html_set_pct(x, "share", model_pct(t->count, m->ngrids));
	}
	/* top and bottom communities */
	l = tv_set(p, "top_communities", tv_list(w->pp));
	n = m->ncommunities < 10 ? m->ncommunities : 10;
	for (k = 0; k < n; k++) {
		if (!m->units[m->communities[k]].has_result)
			break;
		html_unit_row(w, tv_push(l, tv_map(w->pp)), m->communities[k]);
	}
	l = tv_set(p, "bottom_communities", tv_list(w->pp));
	{
		long ranked = 0;
		for (k = 0; k < m->ncommunities; k++)
			ranked += m->units[m->communities[k]].has_result;
		for (k = ranked - 5 > n ? ranked - 5 : n; k < ranked; k++)
			html_unit_row(w, tv_push(l, tv_map(w->pp)), m->communities[k]);
	}
	l = tv_set(p, "vetoed", tv_list(w->pp));
	for (k = 0; k < m->ncommunities; k++)
		if (m->units[m->communities[k]].vetoed)
			html_unit_row(w, tv_push(l, tv_map(w->pp)), m->communities[k]);
	/* red and black list names */
	{
		struct tv *red = tv_set(p, "red", tv_list(w->pp));
		struct tv *black = tv_set(p, "black", tv_list(w->pp));
		for (k = 0; k < m->nranked; k++) {
			const struct model_company *c = &m->companies[m->company_rank[k]];
			if (c->list && strcmp(c->list, "红榜") == 0)
				tv_push(red, html_company_ref(w, m->company_rank[k]));
			if (c->list && strcmp(c->list, "黑榜") == 0)
				tv_push(black, html_company_ref(w, m->company_rank[k]));
		}
	}
	x = tv_set(p, "quality", tv_map(w->pp));
	tv_set_int(x, "files", m->nfiles);
	tv_set_int(x, "read", m->rows_read);
	tv_set_int(x, "loaded", m->rows_loaded);
	tv_set_int(x, "rejected", m->rows_rejected);
	return html_page(w, "index.html", p, "index.html");
}

/* ---- rankings ---------------------------------------------------------------------- */

static int page_list(struct html_site *w, const char *tname, const char *title, const long *idx,
		     long n)
{
	struct tv *p = html_page_data(w, title, tname, 0), *rows;
	char t[64];
	long k, excluded = 0;

	tv_set(p, "tier_heads", html_tier_heads(w));
	rows = tv_set(p, "rows", tv_list(w->pp));
	for (k = 0; k < n; k++) {
		html_unit_row(w, tv_push(rows, tv_map(w->pp)), idx[k]);
		excluded += w->m->units[idx[k]].veto_excluded;
	}
	tv_set_int(p, "count", n);
	tv_set_bool(p, "any_veto_excluded", excluded > 0);
	snprintf(t, sizeof t, "%s.html", tname);
	return html_page(w, t, p, t);
}

struct tv *html_company_row(struct html_site *w, long k)
{
	const struct model_company *c = &w->m->companies[k];
	struct tv *x = tv_map(w->pp);

	tv_set(x, "company", html_company_ref(w, k));
	tv_set_bool(x, "has_result", c->has_result);
	html_set_num(x, "score", c->score, MODEL_M_SCORE);
	html_set_num(x, "complaint_rate", c->complaint_rate, MODEL_M_COMPLAINT_RATE);
	html_set_num(x, "satisfaction", c->satisfaction, MODEL_M_OWNER_SATISFACTION);
	tv_set(x, "list", html_ms(w, c->list));
	tv_set_str(x, "list_class", list_class(c->list));
	tv_set(x, "reason", html_ms(w, c->reason));
	tv_set(x, "listed_on", html_ms(w, c->listed_on));
	tv_set(x, "valid_until", html_ms(w, c->valid_until));
	tv_set_int(x, "projects", c->projects);
	tv_set_int(x, "households", c->households);
	tv_set_int(x, "complaints", c->complaints);
	tv_set_int(x, "communities", c->communities);
	return x;
}

static int page_redblack(struct html_site *w)
{
	const struct model *m = w->m;
	struct tv *p = html_page_data(w, "物业企业红黑榜", "redblack", 0), *lists, *all;
	long k;
	int i, j;

	lists = tv_set(p, "lists", tv_list(w->pp));
	for (j = 0; j < m->nlists; j++) {
		struct tv *x, *rows;
		/* publication order: 红榜, 黑榜, then 约谈 and any other list; not 一般 */
		i = j == 1 && m->nlists > 2 ? 2 : j == 2 ? 1 : j;
		if (strcmp(m->lists[i].list, "一般") == 0)
			continue;
		x = tv_push(lists, tv_map(w->pp));
		tv_set(x, "name", html_ms(w, m->lists[i].list));
		tv_set_str(x, "list_class", list_class(m->lists[i].list));
		tv_set_int(x, "count", m->lists[i].count);
		rows = tv_set(x, "rows", tv_list(w->pp));
		for (k = 0; k < m->nranked; k++) {
			const struct model_company *c = &m->companies[m->company_rank[k]];
			if (c->list && strcmp(c->list, m->lists[i].list) == 0) {
				struct tv *r =
					tv_push(rows, html_company_row(w, m->company_rank[k]));
				tv_set_int(r, "rank", k + 1);
			}
		}
	}
	all = tv_set(p, "rows", tv_list(w->pp));
	for (k = 0; k < m->nranked; k++) {
		struct tv *r = tv_push(all, html_company_row(w, m->company_rank[k]));
		tv_set_int(r, "rank", k + 1);
	}
	tv_set_int(p, "count", m->nranked);
	return html_page(w, "redblack.html", p, "redblack.html");
}

/* Leaders per role on the public 积分榜 (with points > 0), besides 最美 candidates. */
#define HTML_POINTS_LEADERS 20

static int page_points(struct html_site *w)
{
	const struct model *m = w->m;
	struct tv *p = html_page_data(w, "积分榜", "points", 0), *roles;
	long r, k;

	roles = tv_set(p, "roles", tv_list(w->pp));
	for (r = 0; r < m->nroles; r++) {
		const struct model_role *x = &m->roles[r];
		struct tv *y = tv_push(roles, tv_map(w->pp)), *rows;
		tv_set(y, "role", html_ms(w, x->role));
		tv_set_int(y, "count", x->count);
		tv_set_int(y, "candidates", x->candidates);
		tv_set_int(y, "n", r + 1);
		tv_set_int(y, "leaders", HTML_POINTS_LEADERS);
		rows = tv_set(y, "rows", tv_list(w->pp));
		for (k = 0; k < x->ntop; k++) {
			const struct model_person *pp = &x->top[k];
			struct tv *z;
			long u;
			/* a public page: the leaders who earned points and the 最美
			 * candidates, never a roll of people with no points */
			if (!pp->candidate && !(k < HTML_POINTS_LEADERS && pp->points > 0))
				continue;
			z = tv_push(rows, tv_map(w->pp));
			u = model_find_unit(m, pp->unit_code);
			tv_set(z, "rank",
			       pp->rank > 0 ? tv_int(w->pp, pp->rank) : tv_str(w->pp, "—"));
			html_setm(z, w, "name", pp->name);
			tv_set(z, "unit", u >= 0 ? html_unit_ref(w, u) : tv_null(w->pp));
			html_setm(z, w, "unit_name", pp->unit_name);
			html_set_num(z, "points", pp->points, MODEL_M_PERSON_POINTS);
			tv_set_bool(z, "candidate", pp->candidate);
		}
		tv_set_int(y, "shown", (long)tv_len(rows));
	}
	return html_page(w, "points.html", p, "points.html");
}

/* ---- entry -------------------------------------------------------------------------- */

int html_render(const struct model *m, const char *templates_dir, const char *outdir,
		void (*progress)(const char *what, long done, long total, void *arg), void *arg,
		struct diag *d)
{
	struct html_site w;
	char dir[4096 + 16];
	long k;
	int rc = -1;

	memset(&w, 0, sizeof w);
	w.m = m;
	w.out = outdir;
	w.d = d;
	w.progress = progress;
	w.arg = arg;
	buf_init(&w.page, (size_t)64 << 20); /* a page over 64 MiB is a runaway template */
	buf_init(&w.scratch, 0);
	w.gp = tv_pool_new();
	w.pp = tv_pool_new();
	w.ufile = calloc((size_t)m->nunits + 1, sizeof *w.ufile);
	w.cfile = calloc((size_t)m->ncompanies + 1, sizeof *w.cfile);
	if (!w.gp || !w.pp || !w.ufile || !w.cfile) {
		diag_set(d, "内存不足");
		goto done;
	}
	if (template_set_open(&w.ts, templates_dir, d) < 0)
		goto done;
	for (k = 0; k < m->nunits; k++)
		html_safe_name(m->units[k].code, w.ufile[k], NAME_CAP);
	for (k = 0; k < m->ncompanies; k++)
		html_safe_name(m->companies[k].code, w.cfile[k], NAME_CAP);
	w.total = 7 + m->nunits - (m->county >= 0) + m->ncompanies;
	/* Compile every page template first: a broken one stops us before any writing. */
	{
		static const char *const ALL[] = {
			"index.html",	"streets.html",	 "communities.html",
			"grids.html",	"redblack.html", "points.html",
			"quality.html", "unit.html",	 "company.html"};
		const struct template *t;
		size_t i;
		for (i = 0; i < sizeof ALL / sizeof ALL[0]; i++)
			if (template_get(w.ts, ALL[i], &t, d) < 0)
				goto done;
	}
	if (fs_mkdir_p(outdir, d) < 0)
		goto done;
	snprintf(dir, sizeof dir, "%s/u", outdir);
	if (mkdir_one(dir, d) < 0)
		goto done;
	clear_pages(dir);
	snprintf(dir, sizeof dir, "%s/c", outdir);
	if (mkdir_one(dir, d) < 0)
		goto done;
	clear_pages(dir);
	snprintf(dir, sizeof dir, "%s/assets", outdir);
	if (mkdir_one(dir, d) < 0 || copy_asset(&w, "style.css") < 0 ||
	    copy_asset(&w, "sort.js") < 0)
		goto done;
	build_site(&w);
	if (page_index(&w) < 0 ||
	    page_list(&w, "streets", "街道排名", m->streets, m->nstreets) < 0 ||
	    page_list(&w, "communities", "社区考评排名", m->communities, m->ncommunities) < 0 ||
	    page_list(&w, "grids", "网格考核等次", m->grids, m->ngrids) < 0 ||
	    page_redblack(&w) < 0 || page_points(&w) < 0 || html_page_quality(&w) < 0 ||
	    html_unit_pages(&w) < 0 || html_company_pages(&w) < 0)
		goto done;
	rc = 0;
done:
	template_set_close(w.ts);
	tv_pool_free(w.gp);
	tv_pool_free(w.pp);
	free(w.ufile);
	free(w.cfile);
	buf_release(&w.page);
	buf_release(&w.scratch);
	return rc;
}
