/* report_rectify.c - a 整改通知书 for each company on the 约谈 or 黑榜 list:
 * why it was listed (the list's thresholds and its figures), the items of its
 * assessment with the figure it reached, and the deadline. From the model
 * only; OUT/整改通知书/<企业名>.pdf and .docx. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "model.h"
#include "report_int.h"

static int needs_notice(const struct model_company *c)
{
	return c->list && (strcmp(c->list, "约谈") == 0 || strcmp(c->list, "黑榜") == 0);
}

static void notice(struct report_ctx *r, struct doc *d, const struct model_company *c,
		   const char *deadline)
{
	static const struct colspec IC[] = {
		{"考评项目", 2.2, DOC_LEFT},
		{"达到数据", 4.4, DOC_LEFT},
		{"得分", 1.2, DOC_RIGHT},
		{"计分依据", 5.0, DOC_LEFT},
	};
	const struct model *m = r->m;
	struct doc_block *t = NULL;
	char buf[2048], sc[32], why[1024];
	long a, i;

	model_fmt(MODEL_M_SCORE, c->score, sc, sizeof sc);
	/* the reason without its bracketed facts (the table gives them), so that
	 * brackets are never nested in the sentence */
	report_short_reason(c->reason, why, sizeof why);
	snprintf(buf, sizeof buf,
		 "%s，你单位物业服务考评得分%s分，因%s，%s。现将各考评项目得分情况通知如下，"
		 "请对照失分项目逐项整改，于%s前将整改情况书面报送%s。",
		 r->period, sc, why,
		 strcmp(c->list, "黑榜") == 0 ? "被列入物业服务企业黑榜" : "被列为约谈企业",
		 deadline, r->org);
	report_para(r, d, buf);
	for (a = c->assess_first; a < c->assess_first + c->nassess; a++) {
		const struct model_assessment *x = &m->assessments[a];
		for (i = x->item_first; i < x->item_first + x->nitems; i++) {
			const struct model_item *it = &m->items[i];
			const char *cells[4];
			if (!t)
				t = report_table(r, d, "考评项目得分情况", IC, 4);
			model_fmt(MODEL_M_ITEM_POINTS, it->points, r->cell[0], sizeof r->cell[0]);
			cells[0] = it->item;
			cells[1] = report_nz(it->inputs);
			cells[2] = r->cell[0];
			cells[3] = it->reason;
			report_row(r, t, cells);
		}
	}
	if (!t)
		report_note(r, d, "注：规则未记录该企业的计分明细。");
	report_note(r, d,
		    "注：“达到数据”为各社区、各季度考评中该项得分之和与满分之和，各次均得满分该项方"
		    "得满分。");
}

int report_rectify_notices(struct report_ctx *r, const char *outdir)
{
	const struct model *m = r->m;
	char dir[4096], title[512], deadline[64], stem[512];
	long k;

	snprintf(dir, sizeof dir, "%s/整改通知书", outdir);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(r->d, "无法创建目录“%s”", dir);
	report_rectify_deadline(r, deadline, sizeof deadline);
	for (k = 0; k < m->ncompanies; k++) {
		const struct model_company *c = &m->companies[k];
		struct doc *d;
		int rc;
		if (!needs_notice(c))
			continue;
		snprintf(title, sizeof title, "整改通知书");
		d = report_new_doc(r, title, NULL, NULL, NULL);
		if (!d)
			return diag_set(r->d, "内存不足");
		report_sign_plain(r, d, c->name); /* 主送: the company */
		notice(r, d, c, deadline);
		report_version_para(r, d, "本通知书所依据的考评结果");
		snprintf(stem, sizeof stem, "%s", c->code);
		rc = report_render_both(r, d, dir, stem);
		doc_free(d);
		if (rc < 0)
			return -1;
	}
	return 0;
}
