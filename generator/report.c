/* report.c - the PDF documents built from the report model (struct model) as
 * struct doc and rendered by pdf.c: the leadership briefing (领导简报), the
 * community ranking notice (社区考评通报), the red/black list notice (物业企业
 * 红黑榜公示) and one report card per community (社区考评报告卡). Narrative
 * sentences are rendered from templates/narrative/NAME.txt with the template
 * engine over a value tree filled here. Every figure and text comes from the
 * model (masked there); nothing is read from the store. No clock: every date
 * shown comes from the data period. */
#include "report.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "doc.h"
#include "model.h"
#include "parse.h"
#include "pdf.h"
#include "template.h"

#define WATERMARK	MODEL_WATERMARK
#define TOP_N		10 /* top and bottom communities in the briefing */
#define ATTENTION_GRIDS 10 /* lowest-tier grids listed in the briefing */
#define ATTENTION_DROPS 5  /* biggest rank drops listed in the briefing */
#define BRIEF_STREETS	20 /* more streets than this: the briefing lists the ends */
#define NCELL		12

enum { ONLY_BRIEFING = 1, ONLY_RANKING = 2, ONLY_REDBLACK = 4, ONLY_CARDS = 8 };

struct rctx {
	const struct model *m;
	struct diag *d;
	struct template_set *ts;
	struct tv_pool *pool;
	struct buf out; /* template output */
	const char *png_dir;
	int oom;
	int tables, figures; /* running numbers of 表 and 图 in the current document */
	char place[256];     /* x县 */
	char scope[16];	     /* 全县 / 全市 / 全区 */
	char org[320];	     /* 中共x县委组织部 */
	char period[64];     /* 2025年度 or 2025年1—9月 */
	char span[32];	     /* 全年 or 1—9月 */
	char listed_on[16];  /* YYYY-MM-DD: 成文日期 of the documents */
	char date_cn[64];    /* 2026年1月1日 */
	char cell[NCELL][160];
};

/* ---- small helpers ------------------------------------------------------------ */

static int oom(struct rctx *r)
{
	r->oom = 1;
	return -1;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (long)yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DD" -> days since 1970, or LONG_MIN-ish sentinel -1e9 if malformed. */
static long iso_days(const char *s)
{
	char *end;
	long y, mo, d;

	if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
		return -1000000000L;
	y = strtol(s, &end, 10);
	if (end != s + 4)
		return -1000000000L;
	mo = strtol(s + 5, &end, 10);
	if (end != s + 7)
		return -1000000000L;
	d = strtol(s + 8, &end, 10);
	if (end != s + 10 || mo < 1 || mo > 12 || d < 1 || d > 31)
		return -1000000000L;
	return parse_days_from_civil(y, (unsigned)mo, (unsigned)d);
}

/* "2026-01-01" -> "2026年1月1日" (a malformed date is copied as it is). */
static void cn_date(const char *iso, char *out, size_t cap)
{
	long z = iso_days(iso), y;
	unsigned m, d;

	if (z == -1000000000L) {
		snprintf(out, cap, "%s", nz(iso));
		return;
	}
	civil_from_days(z, &y, &m, &d);
	snprintf(out, cap, "%ld年%u月%u日", y, m, d);
}

static void cn_date_days(long z, char *out, size_t cap)
{
	long y;
	unsigned m, d;

	civil_from_days(z, &y, &m, &d);
	snprintf(out, cap, "%ld年%u月%u日", y, m, d);
}

/* ★★★☆☆ for n of 5 stars. */
static void stars_text(int n, char *out, size_t cap)
{
	size_t k = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < 5 && k + 4 < cap; i++) {
		memcpy(out + k, i < n ? "★" : "☆", 3);
		k += 3;
	}
	out[k] = '\0';
}

/* The reason of a list result without its trailing facts in brackets
 * ("考评得分低于 75 分（考评得分 65.13 分，…）" -> "考评得分低于 75 分"). */
static void short_reason(const char *s, char *out, size_t cap)
{
	size_t n = s ? strlen(s) : 0, i;
	static const char OPEN[] = "（", CLOSE[] = "）";
	int depth = 0;

	snprintf(out, cap, "%s", nz(s));
	if (n < 6 || strcmp(s + n - 3, CLOSE) != 0)
		return;
	/* walk back to the bracket that opens the last group */
	for (i = n - 3;; i--) {
		if (strncmp(s + i, CLOSE, 3) == 0)
			depth++;
		else if (strncmp(s + i, OPEN, 3) == 0 && --depth == 0)
			break;
		if (i == 0)
			return;
	}
	if (i > 0 && i < cap)
		snprintf(out, cap, "%.*s", (int)i, s);
}

static const struct model_unit *U(const struct rctx *r, long k)
{
	return k >= 0 && k < r->m->nunits ? &r->m->units[k] : NULL;
}

static const char *uname(const struct rctx *r, long k)
{
	const struct model_unit *u = U(r, k);
	return u ? u->name : "";
}

/* ---- document building --------------------------------------------------------- */

struct colspec {
	const char *title;
	double width;
	enum doc_align align;
};

static struct doc *new_doc(struct rctx *r, const char *title, const char *subtitle,
			   const char *date, const char *watermark)
{
	struct doc *d = doc_new(title);

	if (!d) {
		oom(r);
		return NULL;
	}
	doc_set(&d->subtitle, subtitle);
	doc_set(&d->date, date);
	doc_set(&d->watermark, watermark);
	doc_set(&d->author, r->org);
	if ((subtitle && !d->subtitle) || (date && !d->date) || (watermark && !d->watermark) ||
	    !d->author)
		oom(r);
	r->tables = r->figures = 0;
	return d;
}

static void heading(struct rctx *r, struct doc *d, int level, const char *text)
{
	if (!doc_heading(d, level, text, level <= 2))
		oom(r);
}

static void para(struct rctx *r, struct doc *d, const char *text)
{
	if (!doc_para(d, text))
		oom(r);
}

static void note(struct rctx *r, struct doc *d, const char *text)
{
	if (!doc_note(d, text))
		oom(r);
}

/* A numbered table: caption "表N　caption". */
static struct doc_block *table(struct rctx *r, struct doc *d, const char *caption,
			       const struct colspec *cols, size_t n)
{
	char cap[512];
	struct doc_block *t;
	size_t i;

	if (caption && *caption)
		snprintf(cap, sizeof cap, "表%d　%s", ++r->tables, caption);
	else
		cap[0] = '\0';
	t = doc_table(d, cap, n);
	if (!t) {
		oom(r);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (doc_table_col(t, i, cols[i].title, cols[i].width, cols[i].align) < 0)
			oom(r);
	return t;
}

static void row(struct rctx *r, struct doc_block *t, const char *const *cells)
{
	if (t && doc_table_row(t, cells) < 0)
		oom(r);
}

/* A chart of the model as a numbered figure: the PNG model_charts drew, else
 * png_dir/ID.png if it exists, else the chart's numbers as text. */
static void figure(struct rctx *r, struct doc *d, int id)
{
	const struct model_chart *c = &r->m->charts[id];
	const char *png = c->png;
	char cap[512], alt[4096];

	snprintf(cap, sizeof cap, "图%d　%s", ++r->figures, nz(c->title));
	if (!png && r->png_dir && c->id) {
		snprintf(alt, sizeof alt, "%s/%s.png", r->png_dir, c->id);
		if (access(alt, R_OK) == 0)
			png = alt;
	}
	if (!doc_figure(d, cap, png, c->svg, nz(c->alt), c->aspect))
		oom(r);
}

/* ---- narrative templates --------------------------------------------------------- */

/* Undoes the HTML escaping of {{name}}: the text goes to a PDF, not a page. */
static size_t unescape(char *s, size_t n)
{
	static const struct {
		const char *ent;
		char c;
	} E[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	size_t i = 0, o = 0, k;

	while (i < n) {
		if (s[i] == '&') {
			for (k = 0; k < sizeof E / sizeof E[0]; k++) {
				size_t l = strlen(E[k].ent);
				if (i + l <= n && memcmp(s + i, E[k].ent, l) == 0) {
					s[o++] = E[k].c;
					i += l;
					break;
				}
			}
			if (k < sizeof E / sizeof E[0])
				continue;
		}
		s[o++] = s[i++];
	}
	s[o] = '\0';
	return o;
}

/* Renders narrative/file with data and appends each non-empty line of the
 * result as a paragraph (a line starting with 注： as small print). */
static int narrative(struct rctx *r, struct doc *d, const char *file, const struct tv *data)
{
	const struct template *t = NULL;
	char *p, *end, *nl;
	size_t n;

	if (template_get(r->ts, file, &t, r->d) < 0)
		return -1;
	buf_reset(&r->out);
	if (template_render(t, data, &r->out, r->d) < 0)
		return -1;
	if (r->out.failed)
		return oom(r);
	if (!r->out.data)
		return 0;
	n = unescape(r->out.data, r->out.len);
	p = r->out.data;
	end = p + n;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		*nl = '\0';
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		{
			char *e = nl;
			while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
				*--e = '\0';
		}
		if (*p) {
			if (strncmp(p, "注：", strlen("注：")) == 0)
				note(r, d, p);
			else
				para(r, d, p);
		}
		p = nl + 1;
	}
	return 0;
}

/* ---- the value tree of the narratives ------------------------------------------- */

static struct tv *set_num_or_null(struct rctx *r, struct tv *map, const char *key, double v,
				  int decimals)
{
	return tv_set(map, key, isnan(v) ? tv_null(r->pool) : tv_num(r->pool, v, decimals));
}

/* Communities that are vetoed, counted. */
static long count_vetoed(const struct model *m)
{
	long k, n = 0;

	for (k = 0; k < m->ncommunities; k++)
		n += m->units[m->communities[k]].vetoed;
	return n;
}

/* The key figures: KEY (value text), KEY_prev, KEY_change (同比 words, "" none),
 * KEY_up / KEY_down (booleans), and KEY_label. */
static void vars_kpi(struct rctx *r, struct tv *v)
{
	char key[64], val[64], chg[96];
	int i, dir, any_prev = 0;

	for (i = 0; i < MODEL_KPI_N; i++) {
		const struct model_kpi *k = &r->m->kpi[i];
		model_fmt_value(k, k->cur, val, sizeof val);
		tv_set_str(v, k->key, val);
		snprintf(key, sizeof key, "%s_prev", k->key);
		model_fmt_value(k, k->prev, val, sizeof val);
		tv_set_str(v, key, val);
		model_fmt_change(k, chg, sizeof chg, &dir);
		if (chg[0])
			any_prev = 1;
		snprintf(key, sizeof key, "%s_change", k->key);
		tv_set_str(v, key, chg);
		snprintf(key, sizeof key, "%s_up", k->key);
		tv_set_bool(v, key, dir > 0);
		snprintf(key, sizeof key, "%s_down", k->key);
		tv_set_bool(v, key, dir < 0);
		snprintf(key, sizeof key, "%s_label", k->key);
		tv_set_str(v, key, k->label);
	}
	tv_set_bool(v, "has_prev", any_prev);
}

static void vars_unit(struct rctx *r, struct tv *map, const struct model_unit *u)
{
	char b[64];

	tv_set_str(map, "code", u->code);
	tv_set_str(map, "name", u->name);
	tv_set_str(map, "street", uname(r, u->street));
	tv_set_str(map, "community", uname(r, u->community));
	model_fmt(MODEL_M_SCORE, u->score, b, sizeof b);
	tv_set_str(map, "score", b);
	tv_set_int(map, "rank", u->rank);
	tv_set_int(map, "stars", u->stars);
	tv_set_str(map, "star_names", nz(u->star_names));
	tv_set(map, "award", tv_str(r->pool, u->award));
	tv_set_bool(map, "vetoed", u->vetoed);
	tv_set(map, "veto_reason", tv_str(r->pool, u->veto_reason));
	tv_set_bool(map, "has_change", u->has_change);
	tv_set_int(map, "prev_rank", u->prev_rank);
	tv_set_int(map, "rank_change", u->rank_change);
	tv_set_int(map, "rank_drop", u->rank_change < 0 ? -u->rank_change : 0);
	tv_set_str(map, "change_text", u->change_words);
	tv_set(map, "tier", tv_str(r->pool, u->tier));
	tv_set_int(map, "funding", u->funding);
	model_fmt(MODEL_M_PCT, model_closure(&u->ev[0]), b, sizeof b);
	tv_set_str(map, "closure", b);
}

/* Joins the names of units with 、 into out (at most max names). */
static void join_units(struct rctx *r, const long *idx, long n, long max, char *out, size_t cap)
{
	size_t k = 0;
	long i;

	out[0] = '\0';
	for (i = 0; i < n && i < max; i++) {
		int w = snprintf(out + k, cap - k, "%s%s", i ? "、" : "", uname(r, idx[i]));
		if (w < 0 || (size_t)w >= cap - k)
			break;
		k += (size_t)w;
	}
}

/* The value tree shared by the briefing, the notices and the cards. */
static struct tv *vars_common(struct rctx *r)
{
	const struct model *m = r->m;
	struct tv *v = tv_map(r->pool);
	char b[64];

	tv_set_str(v, "place", r->place);
	tv_set_str(v, "scope", r->scope);
	tv_set_str(v, "org", r->org);
	tv_set_int(v, "year", m->year);
	tv_set_int(v, "prev_year", m->prev_year);
	tv_set_str(v, "period", r->period);
	tv_set_str(v, "span", r->span);
	tv_set_str(v, "date", r->date_cn);
	cn_date(m->data_from, b, sizeof b);
	tv_set(v, "data_from", m->data_from ? tv_str(r->pool, b) : tv_null(r->pool));
	cn_date(m->data_to, b, sizeof b);
	tv_set(v, "data_to", m->data_to ? tv_str(r->pool, b) : tv_null(r->pool));
	tv_set_int(v, "streets", m->nstreets);
	tv_set_int(v, "ncommunities", m->ncommunities);
	tv_set_int(v, "ngrids", m->ngrids);
	tv_set_bool(v, "has_results", m->has_results);
	vars_kpi(r, v);
	return v;
}

static const struct model *sort_m; /* qsort context (single-threaded) */

/* Biggest drop first (rank_change most negative), then code. */
static int by_drop(const void *a, const void *b)
{
	const struct model_unit *x = &sort_m->units[*(const long *)a];
	const struct model_unit *y = &sort_m->units[*(const long *)b];

	if (x->rank_change != y->rank_change)
		return x->rank_change < y->rank_change ? -1 : 1;
	return strcmp(x->code, y->code);
}

/* Communities that dropped in rank (not vetoed), biggest drop first. */
static long drops(const struct model *m, long *out, long max)
{
	long k, n = 0;

	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (u->has_result && u->has_change && u->rank_change < 0 && !u->vetoed)
			out[n++] = m->communities[k];
	}
	sort_m = m;
	qsort(out, (size_t)n, sizeof *out, by_drop);
	return n < max ? n : max;
}

/* The briefing's value tree: the common one plus sections. */
static struct tv *vars_briefing(struct rctx *r)
{
	const struct model *m = r->m;
	struct tv *v = vars_common(r), *list, *x;
	char b[512];
	long k, n, *idx = NULL;
	int i;
	double sum = 0;
	long cnt = 0, awards = 0, hist[6] = {0};

	/* grids and tiers */
	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *u = &m->units[m->grids[k]];
		if (u->has_result && !isnan(u->score)) {
			sum += u->score;
			cnt++;
		}
	}
	set_num_or_null(r, v, "grid_mean", cnt ? sum / (double)cnt : NAN, 2);
	tv_set_int(v, "grids_scored", cnt);
	list = tv_set(v, "tiers", tv_list(r->pool));
	{
		size_t o = 0;
		long funding = 0;
		b[0] = '\0';
		for (i = 0; i < m->ntiers; i++) {
			const struct model_tier *t = &m->tiers[i];
			char share[32];
			int w;
			x = tv_push(list, tv_map(r->pool));
			tv_set_str(x, "name", t->name);
			tv_set_int(x, "count", t->count);
			model_fmt(MODEL_M_PCT, cnt ? 100.0 * (double)t->count / (double)cnt : NAN,
				  share, sizeof share);
			tv_set_str(x, "share", share);
			tv_set_num(x, "min", t->min, 2);
			tv_set_num(x, "max", t->max, 2);
			tv_set_int(x, "funding", t->funding);
			tv_set_num(x, "funding_wan", (double)t->funding_total / 10000.0, 1);
			tv_set_bool(x, "last", i == m->ntiers - 1);
			funding += t->funding_total;
			w = snprintf(b + o, sizeof b - o, "%s%s%ld个（占%s%%）", i ? "、" : "",
				     t->name, t->count, share);
			if (w > 0 && (size_t)w < sizeof b - o)
				o += (size_t)w;
		}
		tv_set_str(v, "tiers_text", b);
		tv_set_num(v, "funding_wan", (double)funding / 10000.0, 1);
		tv_set_int(v, "ntiers", m->ntiers);
		if (m->ntiers >= 2) {
			tv_set_str(v, "low_tier", m->tiers[m->ntiers - 1].name);
			tv_set_int(v, "low_tier_count", m->tiers[m->ntiers - 1].count);
		} else {
			tv_set(v, "low_tier", tv_null(r->pool));
			tv_set_int(v, "low_tier_count", 0);
		}
	}

	/* communities */
	sum = 0;
	cnt = 0;
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (!u->has_result)
			continue;
		sum += u->score;
		cnt++;
		hist[u->stars]++;
		awards += u->award != NULL && *u->award;
	}
	set_num_or_null(r, v, "community_mean", cnt ? sum / (double)cnt : NAN, 2);
	tv_set_int(v, "communities_scored", cnt);
	tv_set_int(v, "five_star", hist[5]);
	tv_set_int(v, "four_star", hist[4]);
	tv_set_int(v, "three_star", hist[3]);
	tv_set_int(v, "below_three_star", hist[0] + hist[1] + hist[2]);
	tv_set_int(v, "awards", awards);
	/* the first and the lowest-ranked community that is not vetoed */
	tv_set(v, "top", tv_null(r->pool));
	tv_set(v, "lowest", tv_null(r->pool));
	if (cnt > 0)
		vars_unit(r, tv_set(v, "top", tv_map(r->pool)), &m->units[m->communities[0]]);
	for (k = cnt - 1; k >= 0; k--)
		if (!m->units[m->communities[k]].vetoed) {
			vars_unit(r, tv_set(v, "lowest", tv_map(r->pool)),
				  &m->units[m->communities[k]]);
			break;
		}
	n = count_vetoed(m);
	tv_set_int(v, "vetoed_count", n);
	list = tv_set(v, "vetoed", tv_list(r->pool));
	/* room for the vetoed communities, the drops and the streets */
	idx = calloc((size_t)(m->ncommunities > m->nstreets ? m->ncommunities : m->nstreets) + 1,
		     sizeof *idx);
	if (!idx) {
		oom(r);
		return v;
	}
	for (k = 0, n = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (u->vetoed) {
			vars_unit(r, tv_push(list, tv_map(r->pool)), u);
			idx[n++] = m->communities[k];
		}
	}
	join_units(r, idx, n, 10, b, sizeof b);
	tv_set_str(v, "vetoed_names", b);
	tv_set_bool(v, "vetoed_more", n > 10);
	n = drops(m, idx, ATTENTION_DROPS);
	list = tv_set(v, "drops", tv_list(r->pool));
	for (k = 0; k < n; k++)
		vars_unit(r, tv_push(list, tv_map(r->pool)), &m->units[idx[k]]);
	tv_set_int(v, "drops_count", n);
	join_units(r, idx, n, ATTENTION_DROPS, b, sizeof b);
	tv_set_str(v, "drops_names", b);

	/* streets: best and worst by mean community score */
	n = 0;
	for (k = 0; k < m->nstreets; k++)
		if (!isnan(m->units[m->streets[k]].score))
			idx[n++] = m->streets[k];
	if (n > 0) {
		x = tv_set(v, "best_street", tv_map(r->pool));
		vars_unit(r, x, &m->units[idx[0]]);
		x = tv_set(v, "worst_street", tv_map(r->pool));
		vars_unit(r, x, &m->units[idx[n - 1]]);
	} else {
		tv_set(v, "best_street", tv_null(r->pool));
		tv_set(v, "worst_street", tv_null(r->pool));
	}

	/* property companies */
	{
		static const char *const L[] = {"红榜", "黑榜", "约谈", "一般"};
		static const char *const K[] = {"red", "black", "talk", "normal"};
		long nl;
		double csum = 0;
		long cn = 0;
		for (i = 0; i < 4; i++) {
			size_t o = 0;
			char key[32];
			nl = 0;
			b[0] = '\0';
			list = tv_list(r->pool);
			for (k = 0; k < m->nranked; k++) {
				const struct model_company *c = &m->companies[m->company_rank[k]];
				int w;
				if (!c->list || strcmp(c->list, L[i]) != 0)
					continue;
				x = tv_push(list, tv_map(r->pool));
				tv_set_str(x, "name", c->name);
				tv_set_num(x, "score", c->score, 2);
				nl++;
				if (nl <= 10) {
					w = snprintf(b + o, sizeof b - o, "%s%s",
						     nl > 1 ? "、" : "", c->name);
					if (w > 0 && (size_t)w < sizeof b - o)
						o += (size_t)w;
				}
			}
			snprintf(key, sizeof key, "%s_more", K[i]);
			tv_set_bool(v, key, nl > 10);
			snprintf(key, sizeof key, "%s_list", K[i]);
			tv_set(v, key, list);
			snprintf(key, sizeof key, "%s_count", K[i]);
			tv_set_int(v, key, nl);
			snprintf(key, sizeof key, "%s_names", K[i]);
			tv_set_str(v, key, b);
		}
		for (k = 0; k < m->nranked; k++) {
			csum += m->companies[m->company_rank[k]].score;
			cn++;
		}
		tv_set_int(v, "companies_scored", cn);
		set_num_or_null(r, v, "company_mean", cn ? csum / (double)cn : NAN, 2);
	}
	tv_set_str(v, "listed_on", r->date_cn);

	/* points (积分制): candidates per role */
	list = tv_set(v, "roles", tv_list(r->pool));
	{
		long cand = 0, people = 0;
		for (k = 0; k < m->nroles; k++) {
			x = tv_push(list, tv_map(r->pool));
			tv_set_str(x, "role", m->roles[k].role);
			tv_set_int(x, "count", m->roles[k].count);
			tv_set_int(x, "candidates", m->roles[k].candidates);
			tv_set_bool(x, "last", k == m->nroles - 1);
			cand += m->roles[k].candidates;
			people += m->roles[k].count;
		}
		tv_set_int(v, "points_people", people);
		tv_set_int(v, "candidates", cand);
	}
	/* ingest totals */
	tv_set_int(v, "rows_read", m->rows_read);
	tv_set_int(v, "rows_loaded", m->rows_loaded);
	tv_set_int(v, "rows_rejected", m->rows_rejected);
	free(idx);
	return v;
}

/* ---- briefing.pdf ---------------------------------------------------------------- */

static void kpi_table(struct rctx *r, struct doc *d)
{
	static const int SHOW[] = {
		MODEL_KPI_EVENTS,    MODEL_KPI_CLOSED,	 MODEL_KPI_CLOSURE,
		MODEL_KPI_ONTIME,    MODEL_KPI_IN_GRID,	 MODEL_KPI_SATISFACTION,
		MODEL_KPI_VISITS,    MODEL_KPI_WISHES,	 MODEL_KPI_WISHES_DONE,
		MODEL_KPI_WISH_RATE, MODEL_KPI_SERVICES, MODEL_KPI_SERVICE_HOURS};
	char y0[32], y1[32];
	struct colspec cols[5] = {{"指标", 3, DOC_LEFT},
				  {"单位", 1.2, DOC_CENTER},
				  {y0, 1.8, DOC_RIGHT},
				  {y1, 1.8, DOC_RIGHT},
				  {"同比", 3, DOC_LEFT}};
	struct doc_block *t;
	size_t i;
	int dir;

	snprintf(y0, sizeof y0, "%d年", r->m->year);
	snprintf(y1, sizeof y1, "%d年", r->m->prev_year);
	t = table(r, d, "主要指标及同比", cols, 5);
	for (i = 0; i < sizeof SHOW / sizeof SHOW[0]; i++) {
		const struct model_kpi *k = &r->m->kpi[SHOW[i]];
		const char *cells[5];
		if (isnan(k->cur) && isnan(k->prev))
			continue;
		model_fmt_value(k, k->cur, r->cell[0], sizeof r->cell[0]);
		model_fmt_value(k, k->prev, r->cell[1], sizeof r->cell[1]);
		model_fmt_change(k, r->cell[2], sizeof r->cell[2], &dir);
		if (!r->cell[2][0])
			snprintf(r->cell[2], sizeof r->cell[2], "—");
		cells[0] = k->label;
		cells[1] = k->unit;
		cells[2] = r->cell[0];
		cells[3] = r->cell[1];
		cells[4] = r->cell[2];
		row(r, t, cells);
	}
}

static const struct colspec RANK_COLS[] = {
	{"排名", 1, DOC_CENTER},    {"社区", 2.6, DOC_LEFT},   {"街道", 2.2, DOC_LEFT},
	{"得分", 1.3, DOC_RIGHT},   {"星级", 1.9, DOC_CENTER}, {"名次变化", 1.5, DOC_CENTER},
	{"奖励/否决", 3, DOC_LEFT},
};

/* One row of the community ranking. */
static void rank_row(struct rctx *r, struct doc_block *t, const struct model_unit *u)
{
	const char *cells[7];

	snprintf(r->cell[0], sizeof r->cell[0], "%ld", u->rank);
	model_fmt(MODEL_M_SCORE, u->score, r->cell[1], sizeof r->cell[1]);
	stars_text(u->stars, r->cell[2], sizeof r->cell[2]);
	snprintf(r->cell[3], sizeof r->cell[3], "%s", u->change_mark);
	if (u->vetoed)
		snprintf(r->cell[4], sizeof r->cell[4], "一票否决");
	else
		short_reason(u->award, r->cell[4], sizeof r->cell[4]);
	cells[0] = u->rank > 0 ? r->cell[0] : "—";
	cells[1] = u->name;
	cells[2] = uname(r, u->street);
	cells[3] = r->cell[1];
	cells[4] = r->cell[2];
	cells[5] = r->cell[3];
	cells[6] = r->cell[4];
	row(r, t, cells);
}

static void rank_table(struct rctx *r, struct doc *d, const char *caption, long from, long to)
{
	struct doc_block *t = table(r, d, caption, RANK_COLS, 7);
	long k;

	for (k = from; k < to && k < r->m->ncommunities; k++) {
		const struct model_unit *u = &r->m->units[r->m->communities[k]];
		if (u->has_result)
			rank_row(r, t, u);
	}
}

/* Street summary: mean community score, rank, stars, vetoes, closure. */
static void street_table(struct rctx *r, struct doc *d, const char *caption, long ends)
{
	static const struct colspec cols[] = {
		{"名次", 1, DOC_CENTER},    {"街道", 2.6, DOC_LEFT},
		{"社区数", 1.3, DOC_RIGHT}, {"平均得分", 1.6, DOC_RIGHT},
		{"五星", 1, DOC_RIGHT},	    {"四星", 1, DOC_RIGHT},
		{"否决", 1, DOC_RIGHT},	    {"办结率（%）", 1.8, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t = table(r, d, caption, cols, 8);
	long k, *veto = calloc((size_t)m->nunits + 1, sizeof *veto);

	if (!veto) {
		oom(r);
		return;
	}
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		if (u->vetoed && u->street >= 0)
			veto[u->street]++;
	}
	for (k = 0; k < m->nstreets; k++) {
		const struct model_unit *u = &m->units[m->streets[k]];
		const char *cells[8];
		if (ends > 0 && m->nstreets > 2 * ends && k >= ends && k < m->nstreets - ends)
			continue;
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", u->rank);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", u->communities);
		model_fmt(MODEL_M_SCORE, u->score, r->cell[2], sizeof r->cell[2]);
		snprintf(r->cell[3], sizeof r->cell[3], "%ld", u->stars_hist[5]);
		snprintf(r->cell[4], sizeof r->cell[4], "%ld", u->stars_hist[4]);
		snprintf(r->cell[5], sizeof r->cell[5], "%ld", veto[m->streets[k]]);
		model_fmt(MODEL_M_PCT, model_closure(&u->ev[0]), r->cell[6], sizeof r->cell[6]);
		cells[0] = u->rank > 0 ? r->cell[0] : "—";
		cells[1] = u->name;
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		cells[5] = r->cell[4];
		cells[6] = r->cell[5];
		cells[7] = r->cell[6];
		row(r, t, cells);
	}
	free(veto);
}

static void tier_table(struct rctx *r, struct doc *d)
{
	static const struct colspec cols[] = {
		{"等次", 1.2, DOC_CENTER},	    {"得分区间", 2.4, DOC_CENTER},
		{"网格数", 1.3, DOC_RIGHT},	    {"占比（%）", 1.5, DOC_RIGHT},
		{"每格经费（元）", 2.2, DOC_RIGHT}, {"经费合计（万元）", 2.4, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t = table(r, d, "网格考核等次分布", cols, 6);
	long total = 0;
	int i;

	for (i = 0; i < m->ntiers; i++)
		total += m->tiers[i].count;
	for (i = 0; i < m->ntiers; i++) {
		const struct model_tier *x = &m->tiers[i];
		const char *cells[6];
		char lo[32], hi[32];
		model_fmt(MODEL_M_SCORE, x->min, lo, sizeof lo);
		model_fmt(MODEL_M_SCORE, x->max, hi, sizeof hi);
		snprintf(r->cell[0], sizeof r->cell[0], "%s–%s", lo, hi);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", x->count);
		model_fmt(MODEL_M_PCT, total ? 100.0 * (double)x->count / (double)total : NAN,
			  r->cell[2], sizeof r->cell[2]);
		snprintf(r->cell[3], sizeof r->cell[3], "%ld", x->funding);
		snprintf(r->cell[4], sizeof r->cell[4], "%.1f", (double)x->funding_total / 10000.0);
		cells[0] = x->name;
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		cells[5] = r->cell[4];
		row(r, t, cells);
	}
}

/* Companies of one list (红榜, 黑榜, 约谈), best score first, each with its
 * reason without the trailing facts (they are in the other columns). public:
 * the notice's table, with the credit code; else the briefing's, whose 红榜
 * has no reason column (it is the same for all). Returns the number of rows. */
static long company_table(struct rctx *r, struct doc *d, const char *caption, const char *list,
			  int public)
{
	int with_reason = strcmp(list, "红榜") != 0;
	static const struct colspec pub[] = {
		{"序号", 1.1, DOC_CENTER},	     {"企业名称", 3.0, DOC_LEFT},
		{"统一社会信用代码", 3.9, DOC_LEFT}, {"得分", 1.3, DOC_RIGHT},
		{"投诉率（‰）", 1.45, DOC_RIGHT},    {"满意度", 1.45, DOC_RIGHT},
		{"列入原因", 4.4, DOC_LEFT},
	};
	static const struct colspec brief[] = {
		{"企业名称", 4.6, DOC_LEFT},	 {"考评得分", 1.4, DOC_RIGHT},
		{"投诉率（‰）", 1.6, DOC_RIGHT}, {"业主满意度", 1.6, DOC_RIGHT},
		{"主要原因", 4.6, DOC_LEFT},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	long k, n = 0;
	char *reason = NULL;

	for (k = 0; k < m->nranked; k++) {
		const struct model_company *c = &m->companies[m->company_rank[k]];
		const char *cells[7];
		size_t rl;
		if (!c->list || strcmp(c->list, list) != 0)
			continue;
		if (!t)
			t = public ? table(r, d, caption, pub, 7)
				   : table(r, d, caption, brief, with_reason ? 5 : 4);
		n++;
		rl = strlen(nz(c->reason)) + 1;
		free(reason);
		reason = malloc(rl);
		if (!reason) {
			oom(r);
			return n;
		}
		short_reason(c->reason, reason, rl);
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", n);
		model_fmt(MODEL_M_SCORE, c->score, r->cell[1], sizeof r->cell[1]);
		model_fmt(MODEL_M_COMPLAINT_RATE, c->complaint_rate, r->cell[2], sizeof r->cell[2]);
		model_fmt(MODEL_M_OWNER_SATISFACTION, c->satisfaction, r->cell[3],
			  sizeof r->cell[3]);
		if (public) {
			cells[0] = r->cell[0];
			cells[1] = c->name;
			cells[2] = c->code;
			cells[3] = r->cell[1];
			cells[4] = r->cell[2];
			cells[5] = r->cell[3];
			cells[6] = reason;
		} else {
			cells[0] = c->name;
			cells[1] = r->cell[1];
			cells[2] = r->cell[2];
			cells[3] = r->cell[3];
			cells[4] = reason;
		}
		row(r, t, cells);
	}
	free(reason);
	return n;
}

/* Grids of the lowest tier, lowest score first (at most max). */
static void low_tier_table(struct rctx *r, struct doc *d, long max)
{
	static const struct colspec cols[] = {
		{"网格", 3, DOC_LEFT},	      {"社区", 2.4, DOC_LEFT},
		{"街道", 2.2, DOC_LEFT},      {"得分", 1.3, DOC_RIGHT},
		{"全县名次", 1.5, DOC_RIGHT}, {"办结率（%）", 1.8, DOC_RIGHT},
	};
	const struct model *m = r->m;
	const char *low;
	struct doc_block *t = NULL;
	char cap[256];
	long k, n = 0;

	if (m->ntiers < 2)
		return;
	low = m->tiers[m->ntiers - 1].name;
	if (m->tiers[m->ntiers - 1].count > max)
		snprintf(cap, sizeof cap, "%s网格（共%ld个，列出得分最低的%ld个）", low,
			 m->tiers[m->ntiers - 1].count, max);
	else
		snprintf(cap, sizeof cap, "%s网格", low);
	for (k = m->ngrids - 1; k >= 0 && n < max; k--) {
		const struct model_unit *u = &m->units[m->grids[k]];
		const char *cells[6];
		if (!u->has_result || !u->tier || strcmp(u->tier, low) != 0)
			continue;
		if (!t)
			t = table(r, d, cap, cols, 6);
		n++;
		model_fmt(MODEL_M_SCORE, u->score, r->cell[0], sizeof r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", u->rank);
		model_fmt(MODEL_M_PCT, model_closure(&u->ev[0]), r->cell[2], sizeof r->cell[2]);
		cells[0] = u->name;
		cells[1] = uname(r, u->community);
		cells[2] = uname(r, u->street);
		cells[3] = r->cell[0];
		cells[4] = r->cell[1];
		cells[5] = r->cell[2];
		row(r, t, cells);
	}
}

/* Vetoed communities and the biggest rank drops. */
static void attention_tables(struct rctx *r, struct doc *d)
{
	static const struct colspec vcols[] = {
		{"社区", 2.4, DOC_LEFT},
		{"街道", 2.2, DOC_LEFT},
		{"得分", 1.3, DOC_RIGHT},
		{"否决事由", 7, DOC_LEFT},
	};
	static const struct colspec dcols[] = {
		{"社区", 2.4, DOC_LEFT},      {"街道", 2.2, DOC_LEFT},
		{"得分", 1.3, DOC_RIGHT},     {"本年名次", 1.5, DOC_RIGHT},
		{"上年名次", 1.5, DOC_RIGHT}, {"名次变化", 1.5, DOC_CENTER},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	long k, n, *idx;

	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *u = &m->units[m->communities[k]];
		const char *cells[4];
		if (!u->vetoed)
			continue;
		if (!t)
			t = table(r, d, "一票否决的社区", vcols, 4);
		model_fmt(MODEL_M_SCORE, u->score, r->cell[0], sizeof r->cell[0]);
		cells[0] = u->name;
		cells[1] = uname(r, u->street);
		cells[2] = r->cell[0];
		cells[3] = nz(u->veto_reason);
		row(r, t, cells);
	}
	idx = calloc((size_t)m->ncommunities + 1, sizeof *idx);
	if (!idx) {
		oom(r);
		return;
	}
	n = drops(m, idx, ATTENTION_DROPS);
	t = NULL;
	for (k = 0; k < n; k++) {
		const struct model_unit *u = &m->units[idx[k]];
		const char *cells[6];
		if (!t)
			t = table(r, d, "名次下降最多的社区", dcols, 6);
		model_fmt(MODEL_M_SCORE, u->score, r->cell[0], sizeof r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", u->rank);
		snprintf(r->cell[2], sizeof r->cell[2], "%ld", u->prev_rank);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", u->change_mark);
		cells[0] = u->name;
		cells[1] = uname(r, u->street);
		cells[2] = r->cell[0];
		cells[3] = r->cell[1];
		cells[4] = r->cell[2];
		cells[5] = r->cell[3];
		row(r, t, cells);
	}
	free(idx);
}

/* Renders a finished document to path: 0, or -1 with r->d filled (out of
 * memory while building it, or the PDF could not be written). */
static int finish(struct rctx *r, const struct doc *d, const char *path, const char *what)
{
	struct diag pd;

	if (tv_pool_failed(r->pool) || r->oom)
		return diag_set(r->d, "内存不足（%s）", what);
	diag_init(&pd);
	if (pdf_render(d, path, NULL, &pd) < 0)
		return diag_set(r->d, "生成“%s”失败：%s", path, pd.msg);
	return 0;
}

static int briefing(struct rctx *r, const char *path)
{
	const struct model *m = r->m;
	struct doc *d = NULL;
	struct tv *v;
	char title[512];
	int rc = -1;
	long nc = m->ncommunities;

	tv_pool_reset(r->pool);
	v = vars_briefing(r);
	if (r->oom) {
		diag_set(r->d, "内存不足（领导简报）");
		goto done;
	}
	snprintf(title, sizeof title, "%s%s党建引领基层治理考评简报", r->place, r->period);
	d = new_doc(r, title, r->org, r->date_cn, WATERMARK);
	if (d) {
		char wm[4096];
		struct stat sb;
		snprintf(wm, sizeof wm, "%s/%s.png", r->png_dir ? r->png_dir : ".",
			 MODEL_WATERMARK_ID);
		if (r->png_dir && stat(wm, &sb) == 0)
			doc_set(&d->watermark_png, wm);
	}
	if (!d)
		goto done;
	if (narrative(r, d, "briefing_intro.txt", v) < 0)
		goto done;

	heading(r, d, 1, "一、总体情况");
	if (narrative(r, d, "briefing_overall.txt", v) < 0 ||
	    narrative(r, d, "briefing_events.txt", v) < 0)
		goto done;
	kpi_table(r, d);
	figure(r, d, MODEL_CHART_MONTHLY);
	figure(r, d, MODEL_CHART_STREET_CLOSURE);

	heading(r, d, 1, "二、网格考核情况");
	if (narrative(r, d, "briefing_grids.txt", v) < 0)
		goto done;
	if (m->ntiers > 0) {
		tier_table(r, d);
		figure(r, d, MODEL_CHART_GRID_SCORES);
	}

	heading(r, d, 1, "三、社区考评情况");
	if (narrative(r, d, "briefing_communities.txt", v) < 0)
		goto done;
	if (m->has_results && nc > 0) {
		figure(r, d, MODEL_CHART_STREET_STARS);
		if (nc <= 2 * TOP_N) {
			rank_table(r, d, "社区考评排名", 0, nc);
		} else {
			char cap[128];
			snprintf(cap, sizeof cap, "社区考评前%d名", TOP_N);
			rank_table(r, d, cap, 0, TOP_N);
			snprintf(cap, sizeof cap, "社区考评后%d名", TOP_N);
			rank_table(r, d, cap, nc - TOP_N, nc);
		}
		street_table(r, d,
			     m->nstreets > BRIEF_STREETS ? "各街道社区考评情况（前后各10个街道）"
							 : "各街道社区考评情况",
			     m->nstreets > BRIEF_STREETS ? 10 : 0);
	}

	heading(r, d, 1, "四、物业企业红黑榜");
	if (narrative(r, d, "briefing_property.txt", v) < 0)
		goto done;
	company_table(r, d, "物业企业红榜", "红榜", 0);
	company_table(r, d, "物业企业黑榜", "黑榜", 0);
	company_table(r, d, "约谈物业企业", "约谈", 0);

	heading(r, d, 1, "五、需要关注的单位");
	if (narrative(r, d, "briefing_attention.txt", v) < 0)
		goto done;
	attention_tables(r, d);
	low_tier_table(r, d, ATTENTION_GRIDS);

	heading(r, d, 1, "六、下一步工作建议");
	if (narrative(r, d, "briefing_closing.txt", v) < 0)
		goto done;
	rc = finish(r, d, path, "领导简报");
done:
	doc_free(d);
	return rc;
}

/* ---- community-ranking.pdf ------------------------------------------------------- */

static int ranking(struct rctx *r, const char *path)
{
	const struct model *m = r->m;
	struct doc *d = NULL;
	struct tv *v;
	char title[512];
	int rc = -1;

	tv_pool_reset(r->pool);
	v = vars_briefing(r);
	if (r->oom) {
		diag_set(r->d, "内存不足（社区考评通报）");
		goto done;
	}
	snprintf(title, sizeof title, "关于%s社区考评结果的通报", r->period);
	d = new_doc(r, title, r->org, r->date_cn, NULL);
	if (!d)
		goto done;
	if (narrative(r, d, "ranking_intro.txt", v) < 0)
		goto done;
	heading(r, d, 1, "一、社区考评排名");
	if (m->has_results && m->ncommunities > 0)
		rank_table(r, d, "社区考评排名", 0, m->ncommunities);
	else
		note(r, d, "注：尚无社区考评结果。");
	note(r, d,
	     "注：星级为“五星”支部创建评定结果（★为得星）；名次变化与上年名次比较，"
	     "↑为上升、↓为下降、“新”为上年无名次；一票否决的社区照常计分，不评星、不奖励，排名置后"
	     "。");
	heading(r, d, 1, "二、各街道情况");
	street_table(r, d, "各街道社区考评情况", 0);
	heading(r, d, 1, "三、有关要求");
	if (narrative(r, d, "ranking_closing.txt", v) < 0)
		goto done;
	rc = finish(r, d, path, "社区考评通报");
done:
	doc_free(d);
	return rc;
}

/* ---- redblack.pdf ---------------------------------------------------------------- */

static int redblack(struct rctx *r, const char *path)
{
	const struct model *m = r->m;
	struct doc *d = NULL;
	struct tv *v;
	char title[512], b[64];
	const char *valid = NULL;
	long k, days = m->appeal_days, z;
	int rc = -1;

	tv_pool_reset(r->pool);
	v = vars_briefing(r);
	if (r->oom) {
		diag_set(r->d, "内存不足（红黑榜公示）");
		goto done;
	}
	for (k = 0; k < m->ncompanies && !valid; k++)
		if (m->companies[k].valid_until && *m->companies[k].valid_until)
			valid = m->companies[k].valid_until;
	cn_date(valid, b, sizeof b);
	tv_set(v, "valid_until", valid ? tv_str(r->pool, b) : tv_null(r->pool));
	tv_set_int(v, "appeal_days", days);
	z = iso_days(r->listed_on);
	if (z != -1000000000L) {
		cn_date_days(z + days - 1, b, sizeof b);
		tv_set_str(v, "appeal_until", b);
	} else {
		tv_set(v, "appeal_until", tv_null(r->pool));
	}

	snprintf(title, sizeof title, "%s%s物业服务企业红黑榜公示", r->place, r->period);
	d = new_doc(r, title, r->org, r->date_cn, NULL);
	if (!d)
		goto done;
	if (narrative(r, d, "redblack_intro.txt", v) < 0)
		goto done;
	heading(r, d, 1, "一、红榜");
	if (company_table(r, d, "物业服务企业红榜", "红榜", 1) == 0)
		para(r, d, "本年度无企业列入红榜。");
	heading(r, d, 1, "二、黑榜");
	if (company_table(r, d, "物业服务企业黑榜", "黑榜", 1) == 0)
		para(r, d, "本年度无企业列入黑榜。");
	heading(r, d, 1, "三、约谈企业");
	if (company_table(r, d, "约谈物业服务企业", "约谈", 1) == 0)
		para(r, d, "本年度无约谈企业。");
	note(r, d,
	     "注：考评得分为13项考评标准在各社区、各季度考评的平均得分（百分制）；投诉率为年内"
	     "涉及该企业的投诉件数与服务户数之比（‰）；业主满意度为业主评价的平均分。");
	heading(r, d, 1, "四、异议申诉");
	if (narrative(r, d, "redblack_appeal.txt", v) < 0)
		goto done;
	rc = finish(r, d, path, "红黑榜公示");
done:
	doc_free(d);
	return rc;
}

/* ---- report-cards.pdf ------------------------------------------------------------- */

/* 一、得分明细: the items of the community's assessments, which sum to its score. */
static int card_items(struct rctx *r, struct doc *d, const struct model_unit *u)
{
	static const struct colspec cols[] = {
		{"序号", 0.9, DOC_CENTER}, {"考评项目", 2.4, DOC_LEFT}, {"数据", 4.2, DOC_LEFT},
		{"得分", 1.2, DOC_RIGHT},  {"计分依据", 4.2, DOC_LEFT},
	};
	struct doc_block *t = NULL;
	long long total = 0;
	long n = 0, a, i;

	for (a = u->assess_first; a < u->assess_first + u->nassess; a++) {
		const struct model_assessment *x = &r->m->assessments[a];
		if (!x->kind || strcmp(x->kind, "社区") != 0)
			continue;
		for (i = x->item_first; i < x->item_first + x->nitems; i++) {
			const struct model_item *it = &r->m->items[i];
			const char *cells[5];
			double pts = it->points;
			if (!t)
				t = table(r, d, NULL, cols, 5);
			n++;
			total += llround(pts * 100.0);
			snprintf(r->cell[0], sizeof r->cell[0], "%ld", n);
			model_fmt(MODEL_M_ITEM_POINTS, pts, r->cell[1], sizeof r->cell[1]);
			cells[0] = r->cell[0];
			cells[1] = it->item;
			cells[2] = nz(it->inputs);
			cells[3] = r->cell[1];
			cells[4] = it->reason;
			row(r, t, cells);
		}
	}
	if (!t) {
		note(r, d, "注：没有该社区的计分明细（规则未记录计分项目）。");
		return 0;
	}
	{
		const char *cells[5] = {"", "合计", "", r->cell[1], ""};
		snprintf(r->cell[1], sizeof r->cell[1], "%.2f", (double)total / 100.0);
		row(r, t, cells);
	}
	if (!isnan(u->score) && llround(u->score * 100.0) != total) {
		char msg[256];
		snprintf(msg, sizeof msg,
			 "注：计分明细合计 %.2f 分，与考评得分 %.2f 分不一致，请核对考评规则。",
			 (double)total / 100.0, u->score);
		note(r, d, msg);
	}
	return 0;
}

/* Position of a star in the order of the 五星 (others after, by name). */
static int star_order(const char *star)
{
	static const char *const ORDER[] = {"支部过硬", "共建共享", "平安法治", "幸福和谐",
					    "宜业兴业"};
	int i;

	for (i = 0; i < 5; i++)
		if (strcmp(star, ORDER[i]) == 0)
			return i;
	return 5;
}

static void card_stars(struct rctx *r, struct doc *d, const struct model_unit *u)
{
	static const struct colspec cols[] = {
		{"星", 1.8, DOC_LEFT}, {"结果", 1.3, DOC_CENTER}, {"评定依据", 9.8, DOC_LEFT}};
	struct doc_block *t;
	long k, end = u->star_first + u->nstar;
	int pass;

	if (u->nstar == 0) {
		note(r, d, "注：没有该社区的星级评定记录。");
		return;
	}
	if (end > r->m->nstars)
		end = r->m->nstars;
	t = table(r, d, NULL, cols, 3);
	/* the five stars in their usual order, then any other the rules name */
	for (pass = 0; pass <= 5; pass++)
		for (k = u->star_first; k < end; k++) {
			const struct model_star *s = &r->m->stars[k];
			const char *cells[3];
			if (star_order(s->star) != pass)
				continue;
			snprintf(r->cell[0], sizeof r->cell[0], "%s星", s->star);
			cells[0] = r->cell[0];
			cells[1] = u->vetoed ? "否决" : s->earned ? "★ 得星" : "☆ 未得";
			cells[2] = nz(s->reason);
			row(r, t, cells);
		}
}

static void card_grids(struct rctx *r, struct doc *d, const struct model_unit *u)
{
	static const struct colspec cols[] = {
		{"网格", 3, DOC_LEFT},	   {"户数", 1.1, DOC_RIGHT},
		{"事件", 1.1, DOC_RIGHT},  {"办结率（%）", 1.6, DOC_RIGHT},
		{"得分", 1.2, DOC_RIGHT},  {"全县名次", 1.4, DOC_RIGHT},
		{"等次", 1.1, DOC_CENTER}, {"经费（元）", 1.6, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	long k;

	for (k = u->first_child; k >= 0; k = m->units[k].next_sibling) {
		const struct model_unit *g = &m->units[k];
		const char *cells[8];
		if (g->level != MODEL_GRID)
			continue;
		if (!t)
			t = table(r, d, NULL, cols, 8);
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", g->households);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", g->ev[0].events);
		model_fmt(MODEL_M_PCT, model_closure(&g->ev[0]), r->cell[2], sizeof r->cell[2]);
		model_fmt(MODEL_M_SCORE, g->has_result ? g->score : NAN, r->cell[3],
			  sizeof r->cell[3]);
		snprintf(r->cell[4], sizeof r->cell[4], "%ld", g->rank);
		snprintf(r->cell[5], sizeof r->cell[5], "%ld", g->funding);
		cells[0] = g->name;
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		cells[5] = g->rank > 0 ? r->cell[4] : "—";
		cells[6] = g->tier ? g->tier : "—";
		cells[7] = g->has_result ? r->cell[5] : "—";
		row(r, t, cells);
	}
	if (!t)
		note(r, d, "注：该社区没有网格。");
}

/* 四、主要指标: this year and last year from the unit's event figures. */
static void card_figures(struct rctx *r, struct doc *d, const struct model_unit *u)
{
	char y0[32], y1[32];
	struct colspec cols[4] = {{"指标", 3, DOC_LEFT},
				  {y0, 2, DOC_RIGHT},
				  {y1, 2, DOC_RIGHT},
				  {"同比", 3.5, DOC_LEFT}};
	struct model_kpi k[6];
	struct doc_block *t;
	int i, dir;

	snprintf(y0, sizeof y0, "%d年", r->m->year);
	snprintf(y1, sizeof y1, "%d年", r->m->prev_year);
	k[0] = r->m->kpi[MODEL_KPI_EVENTS];
	k[0].cur = (double)u->ev[0].events;
	k[0].prev = u->ev[1].events ? (double)u->ev[1].events : NAN;
	k[1] = r->m->kpi[MODEL_KPI_CLOSURE];
	k[1].cur = model_closure(&u->ev[0]);
	k[1].prev = model_closure(&u->ev[1]);
	k[2] = r->m->kpi[MODEL_KPI_ONTIME];
	k[2].cur = model_ontime(&u->ev[0]);
	k[2].prev = model_ontime(&u->ev[1]);
	k[3] = r->m->kpi[MODEL_KPI_IN_GRID];
	k[3].cur = model_in_grid(&u->ev[0]);
	k[3].prev = model_in_grid(&u->ev[1]);
	k[4] = r->m->kpi[MODEL_KPI_SATISFACTION];
	k[4].cur = model_satisfaction(&u->ev[0]);
	k[4].prev = model_satisfaction(&u->ev[1]);
	k[5] = r->m->kpi[MODEL_KPI_VISITS];
	k[5].cur = u->visit_coverage;
	k[5].prev = NAN;
	t = table(r, d, NULL, cols, 4);
	for (i = 0; i < 6; i++) {
		const char *cells[4];
		model_fmt_value(&k[i], k[i].cur, r->cell[0], sizeof r->cell[0]);
		model_fmt_value(&k[i], k[i].prev, r->cell[1], sizeof r->cell[1]);
		model_fmt_change(&k[i], r->cell[2], sizeof r->cell[2], &dir);
		snprintf(r->cell[3], sizeof r->cell[3], "%s（%s）", k[i].label, k[i].unit);
		cells[0] = r->cell[3];
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2][0] ? r->cell[2] : "—";
		row(r, t, cells);
	}
}

static struct doc *card(struct rctx *r, struct tv *common, const struct model_unit *u)
{
	struct doc *d;
	struct tv *v;
	char title[512], sub[512];

	snprintf(title, sizeof title, "%s考评报告卡", u->name);
	snprintf(sub, sizeof sub, "%s　%s　%s", r->place, uname(r, u->street), r->period);
	d = new_doc(r, title, sub, NULL, NULL);
	if (!d)
		return NULL;
	v = tv_map(r->pool);
	tv_set(v, "all", common);
	vars_unit(r, v, u);
	tv_set_str(v, "place", r->place);
	tv_set_str(v, "scope", r->scope);
	tv_set_str(v, "period", r->period);
	tv_set_int(v, "year", r->m->year);
	tv_set_int(v, "total", r->m->ncommunities);
	tv_set_bool(v, "has_result", u->has_result);
	if (narrative(r, d, "card_summary.txt", v) < 0)
		goto fail;
	heading(r, d, 1, "一、得分明细");
	if (card_items(r, d, u) < 0)
		goto fail;
	heading(r, d, 1, "二、五星评定");
	card_stars(r, d, u);
	heading(r, d, 1, "三、所辖网格");
	card_grids(r, d, u);
	heading(r, d, 1, "四、主要指标");
	card_figures(r, d, u);
	return d;
fail:
	doc_free(d);
	return NULL;
}

static int report_cards(struct rctx *r, const char *path, report_progress_fn progress, void *arg)
{
	const struct model *m = r->m;
	struct doc **docs = NULL;
	struct tv *common;
	struct diag pd;
	char title[512];
	long k, n = 0, total = 0;
	int rc = -1;

	for (k = 0; k < m->nunits; k++)
		total += m->units[k].level == MODEL_COMMUNITY;
	docs = calloc((size_t)total + 1, sizeof *docs);
	if (!docs) {
		diag_set(r->d, "内存不足");
		goto done;
	}
	tv_pool_reset(r->pool);
	common = vars_common(r);
	/* units[] is in code order: streets, then their communities, together */
	for (k = 0; k < m->nunits; k++) {
		const struct model_unit *u = &m->units[k];
		if (u->level != MODEL_COMMUNITY)
			continue;
		docs[n] = card(r, common, u);
		if (!docs[n]) {
			if (r->oom)
				diag_set(r->d, "内存不足（社区报告卡）");
			goto done;
		}
		n++;
		if (progress && (n % 50 == 0 || n == total))
			progress("社区报告卡", n, total, arg);
	}
	if (tv_pool_failed(r->pool) || r->oom) {
		diag_set(r->d, "内存不足（社区报告卡）");
		goto done;
	}
	if (n == 0) {
		struct doc *d = new_doc(r, "社区考评报告卡", r->place, NULL, NULL);
		if (!d)
			goto done;
		docs[n++] = d;
		note(r, d, "注：没有社区。");
	}
	snprintf(title, sizeof title, "%s%s社区考评报告卡", r->place, r->period);
	diag_init(&pd);
	if (pdf_render_many((const struct doc *const *)docs, (size_t)n, title, path, NULL, &pd) <
	    0) {
		diag_set(r->d, "生成“%s”失败：%s", path, pd.msg);
		goto done;
	}
	rc = 0;
done:
	for (k = 0; k < n; k++)
		doc_free(docs[k]);
	free(docs);
	return rc;
}

/* ---- entry point ------------------------------------------------------------------ */

/* Which documents KAOPING_ONLY asks for (all when unset or empty). */
static int only_mask(void)
{
	const char *e = getenv("KAOPING_ONLY");
	int mask = 0;

	if (!e || !*e)
		return ONLY_BRIEFING | ONLY_RANKING | ONLY_REDBLACK | ONLY_CARDS;
	if (strstr(e, "briefing"))
		mask |= ONLY_BRIEFING;
	if (strstr(e, "ranking"))
		mask |= ONLY_RANKING;
	if (strstr(e, "redblack"))
		mask |= ONLY_REDBLACK;
	if (strstr(e, "cards"))
		mask |= ONLY_CARDS;
	return mask;
}

/* Names, period and 成文日期 from the model. */
static void setup(struct rctx *r)
{
	const struct model *m = r->m;
	const char *place = m->place && *m->place ? m->place : "本地区";
	size_t n = strlen(place), i;
	long k;

	snprintf(r->place, sizeof r->place, "%s", place);
	/* the last character of the name: 县, 市, 区 */
	i = n;
	while (i > 0 && ((unsigned char)place[i - 1] & 0xC0) == 0x80)
		i--;
	if (i > 0)
		i--;
	while (i > 0 && ((unsigned char)place[i] & 0xC0) == 0x80)
		i--;
	/* a CJK last character (县, 市, 区); anything else: 全区域 */
	snprintf(r->scope, sizeof r->scope, "全%s", n - i >= 2 && n - i <= 4 ? place + i : "");
	if (strcmp(r->scope, "全") == 0 || strcmp(place, "本地区") == 0)
		snprintf(r->scope, sizeof r->scope, "全区域");
	snprintf(r->org, sizeof r->org, "中共%s委组织部", place);
	if (m->months_with_data[0] > 0 && m->months_with_data[0] < 12) {
		snprintf(r->period, sizeof r->period, "%d年1—%d月", m->year,
			 m->months_with_data[0]);
		snprintf(r->span, sizeof r->span, "1—%d月", m->months_with_data[0]);
	} else {
		snprintf(r->period, sizeof r->period, "%d年度", m->year);
		snprintf(r->span, sizeof r->span, "全年");
	}
	/* 成文日期: the listing date of the red/black list, else the day after the period */
	r->listed_on[0] = '\0';
	for (k = 0; k < m->ncompanies && !r->listed_on[0]; k++)
		if (m->companies[k].listed_on &&
		    iso_days(m->companies[k].listed_on) != -1000000000L)
			snprintf(r->listed_on, sizeof r->listed_on, "%.10s",
				 m->companies[k].listed_on);
	if (!r->listed_on[0])
		snprintf(r->listed_on, sizeof r->listed_on, "%04d-01-01",
			 m->year > 0 && m->year < 9999 ? m->year + 1 : 1970);
	cn_date(r->listed_on, r->date_cn, sizeof r->date_cn);
}

int report_write(const struct model *m, const char *templates_dir, const char *png_dir,
		 const char *outdir, report_progress_fn progress, void *arg, struct diag *d)
{
	struct rctx r;
	char dir[4096], path[4200];
	int mask = only_mask(), rc = -1, step = 0, steps = 0;

	memset(&r, 0, sizeof r);
	r.m = m;
	r.d = d;
	r.png_dir = png_dir;
	buf_init(&r.out, 0);
	snprintf(dir, sizeof dir, "%s/narrative", templates_dir ? templates_dir : "templates");
	if (template_set_open(&r.ts, dir, d) < 0)
		goto done;
	r.pool = tv_pool_new();
	if (!r.pool) {
		diag_set(d, "内存不足");
		goto done;
	}
	setup(&r);
	steps = !!(mask & ONLY_BRIEFING) + !!(mask & ONLY_RANKING) + !!(mask & ONLY_REDBLACK) +
		!!(mask & ONLY_CARDS);
#define PATH(name)                                                                                 \
	do {                                                                                       \
		if (snprintf(path, sizeof path, "%s/%s", outdir, name) >= (int)sizeof path) {      \
			diag_set(d, "路径过长：“%s”", outdir);                                     \
			goto done;                                                                 \
		}                                                                                  \
	} while (0)
	if (mask & ONLY_BRIEFING) {
		if (progress)
			progress("领导简报", step, steps, arg);
		PATH("briefing.pdf");
		if (briefing(&r, path) < 0)
			goto done;
		step++;
	}
	if (mask & ONLY_RANKING) {
		if (progress)
			progress("社区考评通报", step, steps, arg);
		PATH("community-ranking.pdf");
		if (ranking(&r, path) < 0)
			goto done;
		step++;
	}
	if (mask & ONLY_REDBLACK) {
		if (progress)
			progress("红黑榜公示", step, steps, arg);
		PATH("redblack.pdf");
		if (redblack(&r, path) < 0)
			goto done;
		step++;
	}
	if (mask & ONLY_CARDS) {
		PATH("report-cards.pdf");
		if (report_cards(&r, path, progress, arg) < 0)
			goto done;
	}
#undef PATH
	rc = 0;
done:
	buf_release(&r.out);
	tv_pool_free(r.pool);
	template_set_close(r.ts);
	return rc;
}
