/* report.c - the PDF documents built from the report model (struct model) as
 * struct doc and rendered by pdf.c: the leadership briefing (领导简报), the
 * community ranking notice (社区考评通报), the red/black list notice (物业企业
 * 红黑榜公示) and one report card per community (社区考评报告卡). Narrative
 * sentences are rendered from templates/narrative/NAME.txt with the template
 * engine over a value tree filled here. Every figure and text comes from the
 * model (masked there); nothing is read from the store. No clock: every date
 * shown comes from the data period. One file per document: report_briefing.c,
 * report_ranking.c, report_redblack.c, report_cards.c; here the helpers they
 * share (report_int.h), the narratives and the entry point. */
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
#include "docx.h"
#include "pdf.h"
#include "report_int.h"
#include "settings.h"
#include "template.h"

/* ---- small helpers ------------------------------------------------------------ */

int report_oom(struct report_ctx *r)
{
	r->oom = 1;
	return -1;
}

const char *report_nz(const char *s)
{
	return s ? s : "";
}

void report_civil_from_days(long z, long *y, unsigned *m, unsigned *d)
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
long report_iso_days(const char *s)
{
	long z;

	return parse_iso(s, NULL, &z) == 0 ? z : -1000000000L;
}

/* "2026-01-01" -> "2026年1月1日" (a malformed date is copied as it is). */
void report_cn_date(const char *iso, char *out, size_t cap)
{
	long z = report_iso_days(iso), y;
	unsigned m, d;

	if (z == -1000000000L) {
		snprintf(out, cap, "%s", report_nz(iso));
		return;
	}
	report_civil_from_days(z, &y, &m, &d);
	snprintf(out, cap, "%ld年%u月%u日", y, m, d);
}

void report_cn_date_days(long z, char *out, size_t cap)
{
	long y;
	unsigned m, d;

	report_civil_from_days(z, &y, &m, &d);
	snprintf(out, cap, "%ld年%u月%u日", y, m, d);
}

/* ★★★☆☆ for n of 5 stars. */
void report_stars_text(int n, char *out, size_t cap)
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
void report_short_reason(const char *s, char *out, size_t cap)
{
	size_t n = s ? strlen(s) : 0, i;
	static const char OPEN[] = "（", CLOSE[] = "）";
	int depth = 0;

	snprintf(out, cap, "%s", report_nz(s));
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
	report_cn_dates(out, cap);
}

/* Rewrites each YYYY-MM-DD in s (cap bytes) as 2025年4月8日: a document's text
 * gives dates as 公文 do, whatever form the rules wrote them in. */
void report_cn_dates(char *s, size_t cap)
{
	char tmp[1024], b[64];
	size_t i, k = 0, n = strlen(s);

	for (i = 0; i < n && k + 1 < sizeof tmp;) {
		char iso[11];
		int iso_like = i + 10 <= n;
		size_t j;
		for (j = 0; iso_like && j < 10; j++)
			iso_like = j == 4 || j == 7 ? s[i + j] == '-'
						    : s[i + j] >= '0' && s[i + j] <= '9';
		if (iso_like && (i == 0 || s[i - 1] < '0' || s[i - 1] > '9') &&
		    (i + 10 == n || s[i + 10] < '0' || s[i + 10] > '9')) {
			memcpy(iso, s + i, 10);
			iso[10] = '\0';
			if (report_iso_days(iso) != -1000000000L) {
				size_t bl;
				report_cn_date(iso, b, sizeof b);
				bl = strlen(b);
				if (k + bl >= sizeof tmp)
					break;
				memcpy(tmp + k, b, bl);
				k += bl;
				i += 10;
				/* "2025-04-08 发生": the space went with the ISO form */
				if (i < n && s[i] == ' ')
					i++;
				continue;
			}
		}
		tmp[k++] = s[i++];
	}
	if (i < n) /* did not fit: leave the text as it was */
		return;
	tmp[k] = '\0';
	snprintf(s, cap, "%s", tmp);
}

const struct model_unit *report_U(const struct report_ctx *r, long k)
{
	return k >= 0 && k < r->m->nunits ? &r->m->units[k] : NULL;
}

const char *report_uname(const struct report_ctx *r, long k)
{
	const struct model_unit *u = report_U(r, k);
	return u ? u->name : "";
}

/* ---- document building --------------------------------------------------------- */

struct doc *report_new_doc(struct report_ctx *r, const char *title, const char *subtitle,
			   const char *date, const char *watermark)
{
	struct doc *d = doc_new(title);

	if (!d) {
		report_oom(r);
		return NULL;
	}
	doc_set(&d->subtitle, subtitle);
	doc_set(&d->date, date);
	doc_set(&d->watermark, watermark);
	doc_set(&d->author, r->org);
	if ((subtitle && !d->subtitle) || (date && !d->date) || (watermark && !d->watermark) ||
	    !d->author)
		report_oom(r);
	r->tables = r->figures = 0;
	report_mark_version(r, d);
	return d;
}

void report_heading(struct report_ctx *r, struct doc *d, int level, const char *text)
{
	if (!doc_heading(d, level, text, level <= 2))
		report_oom(r);
}

void report_para(struct report_ctx *r, struct doc *d, const char *text)
{
	if (!doc_para(d, text))
		report_oom(r);
}

void report_note(struct report_ctx *r, struct doc *d, const char *text)
{
	if (!doc_note(d, text))
		report_oom(r);
}

/* A numbered table: caption "表N　caption". */
struct doc_block *report_table(struct report_ctx *r, struct doc *d, const char *caption,
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
		report_oom(r);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (doc_table_col(t, i, cols[i].title, cols[i].width, cols[i].align) < 0)
			report_oom(r);
	return t;
}

void report_row(struct report_ctx *r, struct doc_block *t, const char *const *cells)
{
	if (t && doc_table_row(t, cells) < 0)
		report_oom(r);
}

/* A chart of the model as a numbered figure: the PNG model_charts drew, else
 * png_dir/ID.png if it exists, else the chart's numbers as text. */
void report_figure(struct report_ctx *r, struct doc *d, int id)
{
	const struct model_chart *c = &r->m->charts[id];
	const char *png = c->png;
	char cap[512], alt[4096];

	snprintf(cap, sizeof cap, "图%d　%s", ++r->figures, report_nz(c->title));
	if (!png && r->png_dir && c->id) {
		snprintf(alt, sizeof alt, "%s/%s.png", r->png_dir, c->id);
		if (access(alt, R_OK) == 0)
			png = alt;
	}
	if (!doc_figure(d, cap, png, c->svg, report_nz(c->alt), c->aspect))
		report_oom(r);
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
int report_narrative(struct report_ctx *r, struct doc *d, const char *file, const struct tv *data)
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
		return report_oom(r);
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
				report_note(r, d, p);
			else
				report_para(r, d, p);
		}
		p = nl + 1;
	}
	return 0;
}

/* ---- the value tree of the narratives ------------------------------------------- */

struct tv *report_set_num_or_null(struct report_ctx *r, struct tv *map, const char *key, double v,
				  int decimals)
{
	return tv_set(map, key, isnan(v) ? tv_null(r->pool) : tv_num(r->pool, v, decimals));
}

/* Communities that are vetoed, counted. */
long report_count_vetoed(const struct model *m)
{
	long k, n = 0;

	for (k = 0; k < m->ncommunities; k++)
		n += m->units[m->communities[k]].vetoed;
	return n;
}

/* The key figures: KEY (value text), KEY_prev, KEY_change (同比 words, "" none),
 * KEY_up / KEY_down (booleans), and KEY_label. */
void report_vars_kpi(struct report_ctx *r, struct tv *v)
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

void report_vars_unit(struct report_ctx *r, struct tv *map, const struct model_unit *u)
{
	char b[64];

	tv_set_str(map, "code", u->code);
	tv_set_str(map, "name", u->name);
	tv_set_str(map, "street", report_uname(r, u->street));
	tv_set_str(map, "community", report_uname(r, u->community));
	model_fmt(MODEL_M_SCORE, u->score, b, sizeof b);
	tv_set_str(map, "score", b);
	tv_set_int(map, "rank", u->rank);
	tv_set_int(map, "stars", u->stars);
	tv_set_str(map, "star_names", report_nz(u->star_names));
	tv_set(map, "award", tv_str(r->pool, u->award));
	tv_set_bool(map, "vetoed", u->vetoed);
	tv_set(map, "veto_reason", tv_str(r->pool, u->veto_reason));
	tv_set_int(map, "veto_excluded", u->veto_excluded);
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
void report_join_units(struct report_ctx *r, const long *idx, long n, long max, char *out,
		       size_t cap)
{
	size_t k = 0;
	long i;

	out[0] = '\0';
	for (i = 0; i < n && i < max; i++) {
		int w = snprintf(out + k, cap - k, "%s%s", i ? "、" : "", report_uname(r, idx[i]));
		if (w < 0 || (size_t)w >= cap - k)
			break;
		k += (size_t)w;
	}
}

/* The value tree shared by the briefing, the notices and the cards. */
struct tv *report_vars_common(struct report_ctx *r)
{
	const struct model *m = r->m;
	struct tv *v = tv_map(r->pool);
	char b[64];

	tv_set_str(v, "place", r->place);
	tv_set_str(v, "scope", r->scope);
	tv_set_str(v, "org", r->org);
	tv_set_int(v, "year", m->year);
	tv_set_int(v, "prev_year", m->prev_year);
	tv_set_int(v, "next_year", m->year + 1);
	tv_set_str(v, "period", r->period);
	tv_set_str(v, "span", r->span);
	tv_set_str(v, "date", r->date_cn);
	report_cn_date(m->data_from, b, sizeof b);
	tv_set(v, "data_from", m->data_from ? tv_str(r->pool, b) : tv_null(r->pool));
	report_cn_date(m->data_to, b, sizeof b);
	tv_set(v, "data_to", m->data_to ? tv_str(r->pool, b) : tv_null(r->pool));
	tv_set_int(v, "streets", m->nstreets);
	tv_set_int(v, "ncommunities", m->ncommunities);
	tv_set_int(v, "ngrids", m->ngrids);
	tv_set_bool(v, "has_results", m->has_results);
	report_vars_kpi(r, v);
	return v;
}

/* The PDF options from the department's settings: its fonts folder and files. */
void report_pdf_opts(const struct report_ctx *r, struct pdf_opts *o)
{
	int k;

	memset(o, 0, sizeof *o);
	o->page_numbers = 1;
	o->font_dir = r->st->font_dir;
	for (k = 0; k < SET_NFONT && k < 4; k++)
		o->font_file[k] = r->st->font[k];
}

/* path with its ".pdf" replaced by ".docx" into out: 0, or -1 (too long). */
int report_docx_path(const char *path, char *out, size_t cap)
{
	size_t n = strlen(path);

	if (n >= 4 && strcmp(path + n - 4, ".pdf") == 0)
		n -= 4;
	if (snprintf(out, cap, "%.*s.docx", (int)n, path) >= (int)cap)
		return -1;
	return 0;
}

/* Gives d the 公文 elements of genre g from the settings (报头 or 发文机关标志,
 * 文号, 主送, 落款, 成文日期, 版记); the date moves from under the title into
 * them, and the issuing organ, now in the head, leaves the subtitle. nth is
 * the document's place among those issued together (0 the first): it is
 * added to the 文号序号, so that the 通报 and the 公示 do not share a 文号. */
void report_genre(struct report_ctx *r, struct doc *d, enum doc_genre g, int nth)
{
	struct settings s = *r->st; /* shallow: only docno_seq differs */
	struct set_date dt = {0, 0, 0};
	struct diag pd;
	long z = report_iso_days(r->issued_on), y;
	unsigned mo, da;

	if (z != -1000000000L) {
		report_civil_from_days(z, &y, &mo, &da);
		dt.y = (int)y;
		dt.m = (int)mo;
		dt.d = (int)da;
	}
	diag_init(&pd);
	doc_set(&d->subtitle, NULL);
	report_mark_version(r, d); /* the version stays under the title */
	s.docno_seq += nth;
	if (doc_apply_settings(d, &s, g, r->place, dt, &pd) < 0)
		report_oom(r);
}

/* Renders a finished document to path and its editable copy beside it
 * (NAME.docx): 0, or -1 with r->d filled (out of memory while building it,
 * or a file could not be written). */
int report_finish(struct report_ctx *r, const struct doc *d, const char *path, const char *what)
{
	struct diag pd;
	struct pdf_opts po;
	char dx[4200];

	if (tv_pool_failed(r->pool) || r->oom)
		return diag_set(r->d, "内存不足（%s）", what);
	diag_init(&pd);
	report_pdf_opts(r, &po);
	if (pdf_render(d, path, &po, &pd) < 0)
		return diag_set(r->d, "生成“%s”失败：%s", path, pd.msg);
	if (report_docx_path(path, dx, sizeof dx) < 0)
		return diag_set(r->d, "路径过长：“%s”", path);
	if (docx_render(d, dx, NULL, &pd) < 0)
		return diag_set(r->d, "生成“%s”失败：%s", dx, pd.msg);
	return 0;
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
static void setup(struct report_ctx *r)
{
	const struct model *m = r->m;
	const char *place = m->place && *m->place ? m->place : "本地区";
	size_t n = strlen(place), i;

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
	/* 成文日期 and the first day of the red/black list's 公示: the settings'
	 * 公示开始日期, else their 成文日期, else the day after the period (the
	 * last month with data, or the year) ends. The listing date the rules
	 * store (companies' listed_on) no longer decides it. */
	if (r->st->notice_start.y || r->st->date.y) {
		/* as samples/settings.ini says: 公示开始日期, else the 成文日期 */
		struct set_date dt = r->st->notice_start.y ? r->st->notice_start : r->st->date;
		snprintf(r->listed_on, sizeof r->listed_on, "%04d-%02d-%02d", dt.y, dt.m, dt.d);
	} else {
		int y = m->year > 0 && m->year < 9999 ? m->year : 1970;
		int mo = m->months_with_data[0] > 0 && m->months_with_data[0] < 12
				 ? m->months_with_data[0] + 1
				 : 13;
		snprintf(r->listed_on, sizeof r->listed_on, "%04d-%02d-01", mo == 13 ? y + 1 : y,
			 mo == 13 ? 1 : mo);
	}
	report_cn_date(r->listed_on, r->date_cn, sizeof r->date_cn);
	snprintf(r->notice_cn, sizeof r->notice_cn, "%s", r->date_cn);
	report_final_date(r);
}

int report_write(const struct model *m, const struct settings *st, const char *templates_dir,
		 const char *png_dir, const char *outdir, const char *pubdir,
		 report_progress_fn progress, void *arg, struct diag *d)
{
	struct report_ctx r;
	struct settings own;
	char dir[4096], path[4200];
	int mask = only_mask(), rc = -1, step = 0, steps = 0;

	memset(&r, 0, sizeof r);
	memset(&own, 0, sizeof own);
	r.m = m;
	r.d = d;
	r.png_dir = png_dir;
	buf_init(&r.out, 0);
	if (!st) {
		if (settings_defaults(&own, d) < 0)
			return -1;
		st = &own;
	}
	r.st = st;
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
#define PATH(dir, name)                                                                            \
	do {                                                                                       \
		if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {         \
			diag_set(d, "路径过长：“%s”", dir);                                        \
			goto done;                                                                 \
		}                                                                                  \
	} while (0)
	if (mask & ONLY_BRIEFING) {
		if (progress)
			progress("领导简报", step, steps, arg);
		PATH(outdir, "briefing.pdf"); /* 内部资料: never in pubdir */
		if (report_briefing(&r, path) < 0)
			goto done;
		step++;
	}
	if (mask & ONLY_RANKING) {
		if (progress)
			progress("社区考评通报", step, steps, arg);
		PATH(pubdir, "community-ranking.pdf");
		if (report_ranking(&r, path) < 0)
			goto done;
		step++;
	}
	if (mask & ONLY_REDBLACK) {
		if (progress)
			progress("红黑榜公示", step, steps, arg);
		PATH(pubdir, "redblack.pdf");
		if (report_redblack(&r, path) < 0)
			goto done;
		step++;
	}
	if (mask & ONLY_CARDS) {
		PATH(pubdir, "report-cards.pdf");
		if (report_cards(&r, path, progress, arg) < 0)
			goto done;
	}
#undef PATH
	/* per-street documents come with the full set (KAOPING_ONLY unset) or when asked */
	if (mask == (ONLY_BRIEFING | ONLY_RANKING | ONLY_REDBLACK | ONLY_CARDS) ||
	    (getenv("KAOPING_ONLY") && strstr(getenv("KAOPING_ONLY"), "streets"))) {
		if (report_streets(&r, pubdir) < 0 || report_rectify_notices(&r, outdir) < 0)
			goto done;
	}
	rc = 0;
done:
	buf_release(&r.out);
	tv_pool_free(r.pool);
	template_set_close(r.ts);
	if (st == &own)
		settings_free(&own);
	return rc;
}
