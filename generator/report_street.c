/* report_street.c - what each street office receives: its own 通报 (its rank
 * among the streets, its communities' ranks and stars, its grids' tiers and
 * funding, what it must attend to) and its 整改清单 (for every 三档 grid and
 * every community in the county's bottom tenth, the score items where points
 * were lost), each as PDF and .docx under OUT/streets/<街道名>/. Built from
 * the model only. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "docx.h"
#include "model.h"
#include "report_int.h"
#include "settings.h"

#define LOWEST_TIER "三档"

/* An item's full points as its rule states them: the number after the last
 * "× " in the reason ("办结率 × 25 分" -> 25). The rules record no maximum
 * of their own; NAN when the reason names none. */
static double item_max(const struct model_item *it)
{
	const char *p = it->reason, *last = NULL;
	char *end;
	double v;

	while (p && (p = strstr(p, "× ")) != NULL) {
		p += strlen("× ");
		last = p;
	}
	if (!last)
		return NAN;
	v = strtod(last, &end);
	if (end == last || strncmp(end, " 分", strlen(" 分")) != 0)
		return NAN;
	return v;
}

/* The size of the county's bottom tenth: ceil(n/10) of the n ranked
 * communities; *ranked gets n when not NULL. */
static long bottom_cut(const struct model *m, long *ranked)
{
	long n = 0, k;

	for (k = 0; k < m->ncommunities; k++)
		if (m->units[m->communities[k]].rank > 0)
			n++;
	if (ranked)
		*ranked = n;
	return (n + 9) / 10;
}

static int in_bottom_tenth(const struct model *m, long unit)
{
	long n, cut = bottom_cut(m, &n);

	return m->units[unit].rank > 0 && m->units[unit].rank > n - cut;
}

/* The rule in words, for the text: "全县社区排名后十分之一（共60个社区中的后6名）". */
static void bottom_words(const struct report_ctx *r, char *out, size_t cap)
{
	long n, cut = bottom_cut(r->m, &n);

	snprintf(out, cap, "%s社区排名后十分之一（共%ld个参加排名的社区中的后%ld名）", r->scope, n,
		 cut);
}

/* The 公文 tail of a street's or a company's document: the 落款 (the issuing
 * organ) and the 成文日期 at the end, as the county's 通报 has them, but no
 * 发文机关标志 or 文号 of its own (the settings number only the county's
 * documents) and no 版记. to: the 主送 (NULL for none). */
void report_sign_plain(struct report_ctx *r, struct doc *d, const char *to)
{
	char *sub = d->subtitle;

	d->subtitle = NULL; /* report_genre drops it: kept for the title block */
	report_genre(r, d, DOC_GENRE_NOTICE, 0);
	free(d->subtitle); /* the version mark report_genre set: sub has it already */
	d->subtitle = sub;
	doc_set(&d->organ, NULL);
	doc_set(&d->docno, NULL);
	doc_set(&d->to, to);
	doc_set(&d->cc, NULL);
	doc_set(&d->printer, NULL);
	doc_set(&d->printed, NULL);
	if ((to && !d->to) || !d->date)
		report_oom(r);
}

static int is_lowest_tier(const struct model_unit *u)
{
	return u->tier && strcmp(u->tier, LOWEST_TIER) == 0;
}

int report_render_both(struct report_ctx *r, struct doc *d, const char *dir, const char *stem)
{
	char path[4400];
	struct diag dd;

	snprintf(path, sizeof path, "%s/%s.pdf", dir, stem);
	if (report_finish(r, d, path, stem) < 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s.docx", dir, stem);
	diag_init(&dd);
	if (docx_render(d, path, NULL, &dd) < 0)
		return diag_set(r->d, "生成“%s”失败：%s", path, dd.msg);
	return 0;
}

static void street_companies(struct report_ctx *r, struct doc *d, long s);

static void street_tongbao(struct report_ctx *r, struct doc *d, long s, const char *deadline)
{
	static const struct colspec CC[] = {
		{"社区", 3, DOC_LEFT},	      {"得分", 1.4, DOC_RIGHT},
		{"全县排名", 1.4, DOC_RIGHT}, {"名次变化", 1.4, DOC_CENTER},
		{"星级", 1.9, DOC_CENTER},    {"荣誉", 2.9, DOC_LEFT},
	};
	static const struct colspec GC[] = {
		{"网格", 3.6, DOC_LEFT},
		{"得分", 1.4, DOC_RIGHT},
		{"档次", 1.2, DOC_CENTER},
		{"全县排名", 1.4, DOC_RIGHT},
		{"奖补资金（元）", 2.2, DOC_RIGHT},
	};
	const struct model *m = r->m;
	const struct model_unit *u = &m->units[s];
	struct doc_block *t;
	char buf[1024], sc[32], rule[256];
	long k, low = 0, bottom = 0, funding = 0;

	model_fmt(MODEL_M_SCORE, u->score, sc, sizeof sc);
	report_heading(r, d, 1, "一、总体情况");
	snprintf(buf, sizeof buf,
		 "%s，本街道所属社区平均得分%s分，在%s%ld个街道中排第%ld名；共有社区%ld个、网格%"
		 "ld个。",
		 r->period, sc, r->scope, m->nstreets, u->rank, u->communities, u->grids);
	report_para(r, d, buf);
	report_heading(r, d, 1, "二、社区排名和星级");
	t = report_table(r, d, "本街道社区得分、排名和星级", CC, 6);
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *c = &m->units[m->communities[k]];
		const char *cells[6];
		if (c->street != s)
			continue;
		model_fmt(MODEL_M_SCORE, c->score, r->cell[0], sizeof r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", c->rank);
		report_stars_text(c->stars, r->cell[2], sizeof r->cell[2]);
		cells[0] = c->name;
		cells[1] = r->cell[0];
		cells[2] = c->rank > 0 ? r->cell[1] : "—";
		cells[3] = c->change_mark;
		cells[4] = r->cell[2];
		cells[5] = c->vetoed ? "一票否决" : report_nz(c->award);
		report_row(r, t, cells);
		bottom += in_bottom_tenth(m, m->communities[k]);
	}
	report_heading(r, d, 1, "三、网格档次和奖补资金");
	t = report_table(r, d, "本街道网格得分、档次和奖补资金", GC, 5);
	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *g = &m->units[m->grids[k]];
		const char *cells[5];
		if (g->street != s)
			continue;
		model_fmt(MODEL_M_SCORE, g->score, r->cell[0], sizeof r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", g->rank);
		snprintf(r->cell[2], sizeof r->cell[2], "%ld", g->funding);
		cells[0] = g->name;
		cells[1] = r->cell[0];
		cells[2] = report_nz(g->tier);
		cells[3] = g->rank > 0 ? r->cell[1] : "—";
		cells[4] = r->cell[2];
		report_row(r, t, cells);
		funding += g->funding;
		low += is_lowest_tier(g);
	}
	snprintf(buf, sizeof buf, "本街道网格奖补资金合计%ld元。", funding);
	report_para(r, d, buf);
	report_heading(r, d, 1, "四、服务本街道社区的物业企业");
	street_companies(r, d, s);
	report_heading(r, d, 1, "五、需要关注的事项");
	bottom_words(r, rule, sizeof rule);
	if (low || bottom)
		snprintf(buf, sizeof buf,
			 "本街道有%s网格%ld个，位于%s的社区%ld个。"
			 "请对照《整改清单》逐项督促整改，于%s前报送整改情况。",
			 LOWEST_TIER, low, rule, bottom, deadline);
	else
		snprintf(buf, sizeof buf, "本街道没有%s网格，也没有位于%s的社区。", LOWEST_TIER,
			 rule);
	report_para(r, d, buf);
	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *g = &m->units[m->grids[k]];
		if (g->street == s && is_lowest_tier(g)) {
			model_fmt(MODEL_M_SCORE, g->score, sc, sizeof sc);
			snprintf(buf, sizeof buf, "%s：%s，得分%s分。", g->name, LOWEST_TIER, sc);
			report_para(r, d, buf);
		}
	}
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *c = &m->units[m->communities[k]];
		if (c->street == s && in_bottom_tenth(m, m->communities[k])) {
			model_fmt(MODEL_M_SCORE, c->score, sc, sizeof sc);
			if (c->vetoed)
				snprintf(buf, sizeof buf,
					 "%s：得分%s分，因一票否决排名置后（%s第%ld名）。", c->name,
					 sc, r->scope, c->rank);
			else
				snprintf(buf, sizeof buf, "%s：得分%s分，%s排名第%ld名。", c->name,
					 sc, r->scope, c->rank);
			report_para(r, d, buf);
		}
	}
}

/* The companies checked in the street's communities with their list; the
 * 约谈 and 黑榜 ones are named under 需要关注的事项 too. */
static void street_companies(struct report_ctx *r, struct doc *d, long s)
{
	static const struct colspec KC[] = {
		{"企业名称", 4.2, DOC_LEFT},	 {"得分", 1.3, DOC_RIGHT},
		{"投诉率（‰）", 1.6, DOC_RIGHT}, {"业主满意度", 1.6, DOC_RIGHT},
		{"榜单", 1.2, DOC_CENTER},
	};
	const struct model *m = r->m;
	long *idx = malloc((size_t)(m->ncompanies ? m->ncompanies : 1) * sizeof *idx);
	long n, k, bad = 0;
	struct doc_block *t;
	char buf[512];

	if (!idx) {
		report_oom(r);
		return;
	}
	n = model_street_companies(m, s, idx);
	if (n == 0) {
		report_para(r, d, "本期没有在本街道社区接受考评的物业企业。");
		free(idx);
		return;
	}
	t = report_table(r, d, "在本街道社区服务的物业企业", KC, 5);
	for (k = 0; k < n; k++) {
		const struct model_company *c = &m->companies[idx[k]];
		const char *cells[5];
		model_fmt(MODEL_M_SCORE, c->score, r->cell[0], sizeof r->cell[0]);
		model_fmt(MODEL_M_COMPLAINT_RATE, c->complaint_rate, r->cell[1], sizeof r->cell[1]);
		model_fmt(MODEL_M_OWNER_SATISFACTION, c->satisfaction, r->cell[2],
			  sizeof r->cell[2]);
		cells[0] = c->name;
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = report_nz(c->list);
		report_row(r, t, cells);
		bad += c->list && (strcmp(c->list, "约谈") == 0 || strcmp(c->list, "黑榜") == 0);
	}
	if (bad) {
		snprintf(buf, sizeof buf,
			 "其中列入约谈或黑榜的企业%"
			 "ld家，已另发整改通知书，请街道督促其在本街道社区的项目整改。",
			 bad);
		report_para(r, d, buf);
	}
	free(idx);
}

/* One unit's items where points were lost; the lost points add up to 100
 * minus its score when every item states its full points. */
static void rectify_unit(struct report_ctx *r, struct doc *d, const struct model_unit *u,
			 const char *why)
{
	static const struct colspec IC[] = {
		{"考评项目", 2.4, DOC_LEFT}, {"达到数据", 4.2, DOC_LEFT},
		{"得分", 1.1, DOC_RIGHT},    {"满分", 1.1, DOC_RIGHT},
		{"失分", 1.1, DOC_RIGHT},    {"满分要求", 3.6, DOC_LEFT},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	char buf[1024], sc[32];
	long a, i;
	long long lost = 0;

	model_fmt(MODEL_M_SCORE, u->score, sc, sizeof sc);
	snprintf(buf, sizeof buf, "%s（%s，得分%s分）", u->name, why, sc);
	report_heading(r, d, 2, buf);
	for (a = u->assess_first; a < u->assess_first + u->nassess; a++) {
		const struct model_assessment *x = &m->assessments[a];
		for (i = x->item_first; i < x->item_first + x->nitems; i++) {
			const struct model_item *it = &m->items[i];
			double max = item_max(it);
			const char *cells[6];
			long long l;
			if (isnan(max))
				continue;
			l = llround(max * 100.0) - llround(it->points * 100.0);
			if (l <= 0)
				continue;
			if (!t)
				t = report_table(r, d, NULL, IC, 6);
			lost += l;
			model_fmt(MODEL_M_ITEM_POINTS, it->points, r->cell[0], sizeof r->cell[0]);
			model_fmt(MODEL_M_ITEM_POINTS, max, r->cell[1], sizeof r->cell[1]);
			snprintf(r->cell[2], sizeof r->cell[2], "%.2f", (double)l / 100.0);
			cells[0] = it->item;
			cells[1] = report_nz(it->inputs);
			cells[2] = r->cell[0];
			cells[3] = r->cell[1];
			cells[4] = r->cell[2];
			cells[5] = it->reason;
			report_row(r, t, cells);
		}
	}
	if (!t) {
		report_note(r, d, "注：规则未记录该单位的计分明细。");
		return;
	}
	{
		const char *cells[6] = {"合计", "", "", "", r->cell[2], ""};
		snprintf(r->cell[2], sizeof r->cell[2], "%.2f", (double)lost / 100.0);
		report_row(r, t, cells);
	}
}

static void street_rectify(struct report_ctx *r, struct doc *d, long s, const char *deadline)
{
	const struct model *m = r->m;
	char buf[1024], rule[256];
	long k, n = 0, grids;

	bottom_words(r, rule, sizeof rule);
	snprintf(buf, sizeof buf,
		 "下列%s网格和%s的社区，须对照失分项目逐项整改。表中“满分要求”为规则的计分依据，"
		 "“失分”为满分与得分之差。",
		 LOWEST_TIER, rule);
	report_para(r, d, buf);
	report_heading(r, d, 1, "一、三档网格");
	for (k = 0; k < m->ngrids; k++) {
		const struct model_unit *g = &m->units[m->grids[k]];
		if (g->street == s && is_lowest_tier(g)) {
			rectify_unit(r, d, g, LOWEST_TIER);
			n++;
		}
	}
	grids = n;
	if (!n)
		report_para(r, d, "本街道没有三档网格。");
	report_heading(r, d, 1, "二、排名后十分之一的社区");
	n = 0;
	for (k = 0; k < m->ncommunities; k++) {
		const struct model_unit *c = &m->units[m->communities[k]];
		if (c->street == s && in_bottom_tenth(m, m->communities[k])) {
			snprintf(buf, sizeof buf, "全县第%ld名", c->rank);
			rectify_unit(r, d, c, buf);
			n++;
		}
	}
	if (!n)
		report_para(r, d, "本街道没有排名后十分之一的社区。");
	if (!grids && !n)
		return;
	snprintf(buf, sizeof buf, "请街道党工委督促上述%s逐项整改，于%s前将整改情况汇总报送%s。",
		 grids && n ? "网格和社区"
		 : grids    ? "网格"
			    : "社区",
		 deadline, r->org);
	report_para(r, d, buf);
}

/* The 整改期限 as 2026年1月30日: the settings' 整改期限 (days) after the
 * last day of the period (the last month with data of the period year). */
void report_rectify_deadline(const struct report_ctx *r, char *out, size_t cap)
{
	char end[48];
	long z, y;
	unsigned mo, dd;

	snprintf(end, sizeof end, "%04d-%02d-01", r->m->year,
		 r->m->months_with_data[0] > 0 ? r->m->months_with_data[0] : 12);
	z = report_iso_days(end);
	/* the first of the next month minus one day: the period's last day */
	report_civil_from_days(z + 31, &y, &mo, &dd);
	z = z + 31 - ((long)dd - 1) - 1;
	report_cn_date_days(z + r->st->rectify_days, out, cap);
}

int report_streets(struct report_ctx *r, const char *outdir)
{
	const struct model *m = r->m;
	char dir[4096], sub[4400], title[512], deadline[64], folder[256], to[300];
	long k;

	snprintf(dir, sizeof dir, "%s/streets", outdir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(r->d, "无法创建目录“%s”", dir);
	report_rectify_deadline(r, deadline, sizeof deadline);
	for (k = 0; k < m->nstreets; k++) {
		long s = m->streets[k];
		const struct model_unit *u = &m->units[s];
		struct doc *d;
		int rc;
		model_folder_name(u, folder, sizeof folder);
		snprintf(sub, sizeof sub, "%s/%s", dir, folder);
		if (mkdir(sub, 0755) != 0 && errno != EEXIST)
			return diag_set(r->d, "无法创建目录“%s”", sub);
		snprintf(title, sizeof title, "关于%s%s考评情况的通报", u->name, r->period);
		d = report_new_doc(r, title, NULL, NULL, NULL);
		if (!d)
			return diag_set(r->d, "内存不足");
		snprintf(to, sizeof to, "%s党工委", u->name);
		report_sign_plain(r, d, to);
		street_tongbao(r, d, s, deadline);
		report_version_para(r, d, "本通报");
		rc = report_render_both(r, d, sub, "通报");
		doc_free(d);
		if (rc < 0)
			return -1;
		snprintf(title, sizeof title, "%s整改清单", u->name);
		d = report_new_doc(r, title, r->period, NULL, NULL);
		if (!d)
			return diag_set(r->d, "内存不足");
		report_sign_plain(r, d, NULL);
		street_rectify(r, d, s, deadline);
		report_version_para(r, d, "本清单所依据的考评结果");
		rc = report_render_both(r, d, sub, "整改清单");
		doc_free(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}
