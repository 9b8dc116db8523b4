/* report_points.c - the briefing's 积分制 section: per role the leaders, the
 * 最美 candidates the points rule names (points.candidate) and how many of
 * the role earned any points. From the model only. */
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "report_int.h"

#define POINTS_LEADERS 5 /* leaders shown per role */

void report_points_section(struct report_ctx *r, struct doc *d)
{
	static const struct colspec PC[] = {
		{"角色", 2.2, DOC_LEFT},  {"名次", 1.0, DOC_RIGHT},
		{"姓名", 1.8, DOC_LEFT},  {"所属单元", 3.6, DOC_LEFT},
		{"积分", 1.4, DOC_RIGHT}, {"最美候选", 1.4, DOC_CENTER},
	};
	static const struct colspec SC[] = {
		{"角色", 2.6, DOC_LEFT},	{"人数", 1.4, DOC_RIGHT},
		{"有积分人数", 1.8, DOC_RIGHT}, {"参与率", 1.4, DOC_RIGHT},
		{"最美候选", 1.6, DOC_RIGHT},
	};
	const struct model *m = r->m;
	struct doc_block *t;
	char buf[512];
	long k, i, cand = 0;

	if (m->nroles == 0) {
		report_para(r, d, "本期没有积分结果。");
		return;
	}
	for (k = 0; k < m->nroles; k++)
		cand += m->roles[k].candidates;
	snprintf(buf, sizeof buf,
		 "%s按积分制规则对%ld类人员计算积分，产生“最美”候选%"
		 "ld名。各类人员积分参与情况见下表。",
		 r->period, m->nroles, cand);
	report_para(r, d, buf);
	t = report_table(r, d, "各类人员积分参与情况", SC, 5);
	for (k = 0; k < m->nroles; k++) {
		const struct model_role *x = &m->roles[k];
		const char *cells[5];
		long pos = 0;
		for (i = 0; i < m->npeople; i++)
			if (m->people[i].role && strcmp(m->people[i].role, x->role) == 0 &&
			    m->people[i].points > 0)
				pos++;
		snprintf(r->cell[0], sizeof r->cell[0], "%ld", x->count);
		snprintf(r->cell[1], sizeof r->cell[1], "%ld", pos);
		model_fmt_pct(model_pct(pos, x->count), r->cell[2], sizeof r->cell[2]);
		snprintf(r->cell[3], sizeof r->cell[3], "%ld", x->candidates);
		cells[0] = x->role;
		cells[1] = r->cell[0];
		cells[2] = r->cell[1];
		cells[3] = r->cell[2];
		cells[4] = r->cell[3];
		report_row(r, t, cells);
	}
	/* the definition under its table, not in the sentence a leader reads */
	report_note(r, d, "注：参与率为有积分（积分大于零）的人数占该类人员总数的比例。");
	snprintf(buf, sizeof buf, "各类人员积分前%d名", POINTS_LEADERS);
	t = report_table(r, d, buf, PC, 6);
	for (k = 0; k < m->nroles; k++) {
		const struct model_role *x = &m->roles[k];
		for (i = 0; i < x->ntop && i < POINTS_LEADERS; i++) {
			const struct model_person *p = &x->top[i];
			const char *cells[6];
			snprintf(r->cell[0], sizeof r->cell[0], "%ld", p->rank);
			model_fmt(MODEL_M_PERSON_POINTS, p->points, r->cell[1], sizeof r->cell[1]);
			cells[0] = i == 0 ? x->role : "";
			cells[1] = p->rank > 0 ? r->cell[0] : "—";
			cells[2] = p->name;
			cells[3] = report_nz(p->unit_name);
			cells[4] = r->cell[1];
			cells[5] = p->candidate ? "是" : "";
			report_row(r, t, cells);
		}
	}
}
