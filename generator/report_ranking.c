/* report_ranking.c - community-ranking.pdf, the community ranking notice
 * (社区考评通报). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "model.h"
#include "parse.h"
#include "pdf.h"
#include "report_int.h"
#include "template.h"

/* ---- community-ranking.pdf ------------------------------------------------------- */

int report_ranking(struct report_ctx *r, const char *path)
{
	const struct model *m = r->m;
	struct doc *d = NULL;
	struct tv *v;
	char title[512];
	int rc = -1;

	tv_pool_reset(r->pool);
	v = report_vars_briefing(r);
	if (r->oom) {
		diag_set(r->d, "内存不足（社区考评通报）");
		goto done;
	}
	snprintf(title, sizeof title, "关于%s社区考评结果的通报", r->period);
	d = report_new_doc(r, title, NULL, NULL, NULL);
	if (!d)
		goto done;
	report_genre(r, d, DOC_GENRE_NOTICE, 0);
	if (report_narrative(r, d, "ranking_intro.txt", v) < 0)
		goto done;
	report_heading(r, d, 1, "一、社区考评排名");
	if (m->has_results && m->ncommunities > 0) {
		/* the full ranking is a long table: an attachment (附件) after the
		 * 落款, named in the 附件说明, not a table numbered in the body */
		struct doc_block *t = report_rank_table(r, d, "社区考评排名", 0, m->ncommunities);
		char cap[512];
		if (t) {
			snprintf(cap, sizeof cap, "%s社区考评排名", r->scope);
			doc_set(&t->text, cap);
			if (!t->text)
				report_oom(r);
			doc_attach(t);
			r->tables--;
		}
		report_para(r, d, "各社区考评得分、名次和星级见附件。");
	} else {
		report_note(r, d, "注：尚无社区考评结果。");
	}
	report_note(r, d,
		    "注：星级为“五星”支部创建评定结果（★为得星）；名次变化与上年名次比较，"
		    "↑为上升、↓为下降、“新”为上年无名次；一票否决的社区照常计分，不评星、不奖励，排"
		    "名置后"
		    "。");
	report_heading(r, d, 1, "二、各街道情况");
	report_street_table(r, d, "各街道社区考评情况", 0);
	report_heading(r, d, 1, "三、有关要求");
	if (report_narrative(r, d, "ranking_closing.txt", v) < 0)
		goto done;
	if (m->final) {
		report_review_section(r, d, "四、复核情况", 0);
	} else if (m->version) {
		report_heading(r, d, 1, "四、公示及申诉");
		report_version_para(r, d, "本通报");
	}
	rc = report_finish(r, d, path, "社区考评通报");
done:
	doc_free(d);
	return rc;
}
