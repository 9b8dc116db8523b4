/* report_version.c - what every document says about its version: the mark
 * under the title (公示稿, 终稿), the 公示期 and how to appeal (公示稿), the
 * end of the 公示期 (终稿), and the 终稿's 复核情况 section. The version and
 * the appeals come from the model (model_load_appeals), the 公示期 and the
 * appeal contact from the settings; nothing is read from the store here. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "model.h"
#include "report_int.h"
#include "settings.h"

/* Appends printf-style text to out (cap bytes, always terminated). */
static void cat(char *out, size_t cap, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(out);

	if (n + 1 < cap)
		snprintf(out + n, cap - n, fmt, a ? a : "", b ? b : "");
}

void report_mark_version(struct report_ctx *r, struct doc *d)
{
	if (d && doc_set_version(d, r->m->version) < 0)
		report_oom(r);
}

/* The 公示期: its first and last day as 2026年1月1日 (the first day is
 * r->listed_on: the settings' 公示开始日期, else the 成文日期). 0, or -1 when
 * the date is not known (both texts then ""). */
static int notice_span(const struct report_ctx *r, char *from, char *to, size_t cap)
{
	long z = report_iso_days(r->listed_on),
	     days = r->st->notice_days > 0 ? r->st->notice_days : 1;

	from[0] = to[0] = '\0';
	if (z == -1000000000L)
		return -1;
	report_cn_date_days(z, from, cap);
	report_cn_date_days(z + days - 1, to, cap);
	return 0;
}

/* 联系人：…，联系电话：…，地址：…。 as the settings give them, or "". */
static void contact_line(const struct report_ctx *r, char *out, size_t cap)
{
	const struct settings *st = r->st;
	const char *label[3] = {"联系人：", "联系电话：", "地址："};
	const char *val[3] = {st->appeal_contact, st->appeal_phone, st->appeal_address};
	int i;

	out[0] = '\0';
	for (i = 0; i < 3; i++)
		if (val[i] && *val[i])
			cat(out, cap, out[0] ? "，%s%s" : "%s%s", label[i], val[i]);
	if (out[0])
		cat(out, cap, "%s%s", "。", NULL);
}

void report_version_text(struct report_ctx *r, const char *what, char *out, size_t cap)
{
	const struct model *m = r->m;
	char from[64], to[64], contact[1024];
	long days = r->st->notice_days;
	int known = notice_span(r, from, to, sizeof from) == 0;

	out[0] = '\0';
	if (!m->version)
		return;
	if (m->final) {
		if (known)
			snprintf(out, cap,
				 "%s为终稿：公示期（%s至%s）已届满，考评结果已按复核结论确定。",
				 what, from, to);
		else
			snprintf(out, cap, "%s为终稿：公示期已届满，考评结果已按复核结论确定。",
				 what);
		return;
	}
	contact_line(r, contact, sizeof contact);
	if (known)
		snprintf(out, cap,
			 "%s为公示稿。公示期为%ld日（%s至%s）。对考评结果有异议的，"
			 "被考评单位可在公示期内（截至%s）以书面形式向%s提出申诉，写明申诉"
			 "对象、申诉项目和理由，并附相关证明材料；逾期不予受理。%s"
			 "公示期满后，根据复核结果印发终稿。",
			 what, days, from, to, to, r->org, contact);
	else
		snprintf(out, cap,
			 "%s为公示稿。公示期为%ld日。对考评结果有异议的，被考评单位可在公示期内"
			 "以书面形式向%s提出申诉，写明申诉对象、申诉项目和理由，并附相关证明材料；"
			 "逾期不予受理。%s公示期满后，根据复核结果印发终稿。",
			 what, days, r->org, contact);
}

/* The version in one or two lines, for a document of many units that comes
 * with the county's 通报 (a report card): the 公示稿 names the end of the
 * 公示期 and refers to the 通报 for how to appeal, rather than repeating it
 * under every card. */
void report_version_brief(struct report_ctx *r, struct doc *d, const char *what)
{
	char b[1024], from[64], to[64];

	if (!r->m->version)
		return;
	if (r->m->final) {
		report_version_para(r, d, what);
		return;
	}
	if (notice_span(r, from, to, sizeof from) == 0)
		snprintf(b, sizeof b,
			 "%s为公示稿，公示期至%s，申诉办法见《关于%s社区考评结果的通报》。", what,
			 to, r->period);
	else
		snprintf(b, sizeof b, "%s为公示稿，申诉办法见《关于%s社区考评结果的通报》。", what,
			 r->period);
	report_para(r, d, b);
}

void report_version_para(struct report_ctx *r, struct doc *d, const char *what)
{
	char b[2048];

	report_version_text(r, what, b, sizeof b);
	if (b[0])
		report_para(r, d, b);
}

/* Whether a belongs in a document about companies (1) or units (0). */
static int appeal_in(const struct model_appeal *a, int companies)
{
	int co = strcmp(a->kind, "物业企业") == 0;

	if (companies)
		return co;
	return strcmp(a->kind, "网格") == 0 || strcmp(a->kind, "社区") == 0;
}

void report_review_section(struct report_ctx *r, struct doc *d, const char *heading, int companies)
{
	const struct model *m = r->m;
	const char *scope = companies ? "物业服务企业红黑榜" : "网格、社区考评结果";
	char b[2048], by[256], kept[1024];
	long k, got = 0, adj = 0, keep = 0, open = 0;

	if (!m->final)
		return;
	report_heading(r, d, 1, heading);
	by[0] = kept[0] = '\0';
	for (k = 0; k < m->nappeals; k++) {
		const struct model_appeal *a = &m->appeals[k];
		if (!appeal_in(a, companies))
			continue;
		got++;
		if (strcmp(a->decision, "调整") == 0)
			adj++;
		else if (strcmp(a->decision, "维持") == 0) {
			keep++;
			cat(kept, sizeof kept, kept[0] ? "、%s（%s）" : "%s（%s）", a->name, a->id);
		} else
			open++;
		if (!by[0] && a->decided_by && *a->decided_by)
			snprintf(by, sizeof by, "%s", a->decided_by);
	}
	report_version_para(r, d, companies ? "本公示" : "本通报");
	if (got == 0) {
		snprintf(b, sizeof b, "公示期间，未收到对%s的申诉。", scope);
		report_para(r, d, b);
		return;
	}
	snprintf(b, sizeof b, "公示期间，共收到对%s的申诉%ld件。经%s复核，调整%ld件，维持%ld件",
		 scope, got, by[0] ? by : "考评复核组", adj, keep);
	if (open) {
		char t[64];
		snprintf(t, sizeof t, "，尚未复核%ld件（按未调整处理）", open);
		cat(b, sizeof b, "%s%s", t, NULL);
	}
	cat(b, sizeof b, "%s%s", "。", NULL);
	if (keep)
		cat(b, sizeof b, "维持原考评结果的：%s。", kept, NULL);
	report_para(r, d, b);
	for (k = 0; k < m->nappeals; k++) {
		const struct model_appeal *a = &m->appeals[k];
		if (!appeal_in(a, companies) || strcmp(a->decision, "调整") != 0)
			continue;
		model_appeal_change(m, a, b, sizeof b);
		report_para(r, d, b);
	}
}

void report_final_date(struct report_ctx *r)
{
	const struct model *m = r->m;
	const struct settings *st = r->st;
	long z = report_iso_days(r->listed_on), best, k, y;
	unsigned mo, da;

	snprintf(r->issued_on, sizeof r->issued_on, "%s", r->listed_on);
	if (!m->final || z == -1000000000L)
		return;
	best = z + (st->notice_days > 0 ? st->notice_days : 1); /* the day after the 公示期 */
	for (k = 0; k < m->nappeals; k++) {
		long dz = report_iso_days(m->appeals[k].decided_at);
		if (dz != -1000000000L && dz > best)
			best = dz;
	}
	if (st->date.y) {
		char b[16];
		long dz;
		snprintf(b, sizeof b, "%04d-%02d-%02d", st->date.y, st->date.m, st->date.d);
		dz = report_iso_days(b);
		if (dz != -1000000000L && dz > best)
			best = dz;
	}
	report_civil_from_days(best, &y, &mo, &da);
	snprintf(r->issued_on, sizeof r->issued_on, "%04ld-%02u-%02u", y, mo, da);
	report_cn_date(r->issued_on, r->date_cn, sizeof r->date_cn);
}
