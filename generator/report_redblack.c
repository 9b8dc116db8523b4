/* report_redblack.c - redblack.pdf, the red/black list notice of property
 * companies (物业企业红黑榜公示), with its appeal period. */
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
#include "settings.h"
#include "template.h"

/* Appends label and value to out, after "，" when out is not empty; the
 * closing "。" comes with an empty label. */
static void append(char *out, size_t cap, const char *label, const char *value)
{
	size_t n = strlen(out);

	if (n < cap)
		snprintf(out + n, cap - n, "%s%s%s", n && *label ? "，" : "", label, value);
}

/* ---- redblack.pdf ---------------------------------------------------------------- */

int report_redblack(struct report_ctx *r, const char *path)
{
	const struct model *m = r->m;
	const struct settings *st = r->st;
	struct doc *d = NULL;
	struct tv *v;
	char title[512], b[64], b2[1024];
	const char *valid = NULL;
	long k, days = st->notice_days, z;
	int rc = -1;

	tv_pool_reset(r->pool);
	v = report_vars_briefing(r);
	if (r->oom) {
		diag_set(r->d, "内存不足（红黑榜公示）");
		goto done;
	}
	for (k = 0; k < m->ncompanies && !valid; k++)
		if (m->companies[k].valid_until && *m->companies[k].valid_until)
			valid = m->companies[k].valid_until;
	report_cn_date(valid, b, sizeof b);
	tv_set(v, "valid_until", valid ? tv_str(r->pool, b) : tv_null(r->pool));
	/* the 公示 runs notice_days days from the listing date (r->listed_on:
	 * the settings' 公示开始日期, else the day after the period ends) */
	tv_set_str(v, "listed_on", r->notice_cn);
	tv_set_int(v, "appeal_days", days);
	z = report_iso_days(r->listed_on);
	if (z != -1000000000L) {
		report_cn_date_days(z + days - 1, b, sizeof b);
		tv_set_str(v, "appeal_until", b);
	} else {
		tv_set(v, "appeal_until", tv_null(r->pool));
	}
	/* 联系人：…，联系电话：…，地址：…。 with what the settings give */
	b2[0] = '\0';
	if (*report_nz(st->appeal_contact))
		append(b2, sizeof b2, "联系人：", st->appeal_contact);
	if (*report_nz(st->appeal_phone))
		append(b2, sizeof b2, "联系电话：", st->appeal_phone);
	if (*report_nz(st->appeal_address))
		append(b2, sizeof b2, "地址：", st->appeal_address);
	if (b2[0])
		append(b2, sizeof b2, "", "。");
	tv_set(v, "appeal_contact_line", b2[0] ? tv_str(r->pool, b2) : tv_null(r->pool));

	snprintf(title, sizeof title, "%s%s物业服务企业红黑榜公示", r->place, r->period);
	d = report_new_doc(r, title, NULL, NULL, NULL);
	if (!d)
		goto done;
	report_genre(r, d, DOC_GENRE_NOTICE, 1);
	if (report_narrative(r, d, "redblack_intro.txt", v) < 0)
		goto done;
	report_heading(r, d, 1, "一、红榜");
	if (report_company_table(r, d, "物业服务企业红榜", "红榜", 1) == 0)
		report_para(r, d, "本年度无企业列入红榜。");
	report_heading(r, d, 1, "二、黑榜");
	if (report_company_table(r, d, "物业服务企业黑榜", "黑榜", 1) == 0)
		report_para(r, d, "本年度无企业列入黑榜。");
	report_heading(r, d, 1, "三、约谈企业");
	if (report_company_table(r, d, "约谈物业服务企业", "约谈", 1) == 0)
		report_para(r, d, "本年度无约谈企业。");
	report_note(
		r, d,
		"注：考评得分为13项考评标准在各社区、各季度考评的平均得分（百分制）；投诉率为年内"
		"涉及该企业的投诉件数与服务户数之比（‰）；业主满意度为业主评价的平均分。");
	if (m->final) {
		/* the 终稿 takes no more appeals: it says what the review changed */
		report_review_section(r, d, "四、复核情况", 1);
	} else {
		report_heading(r, d, 1, "四、异议申诉");
		if (report_narrative(r, d, "redblack_appeal.txt", v) < 0)
			goto done;
	}
	rc = report_finish(r, d, path, "红黑榜公示");
done:
	doc_free(d);
	return rc;
}
