/* html_quality.c - the data-quality page (quality.html), written for the
 * street-office clerk who keeps an export: what each export gave, who was
 * left out of the assessment and why, and what to correct where. Reads only
 * the model (model_quality.c fills the plain-words account). */
#include <stdio.h>
#include <string.h>

#include "html_int.h"

static const char *file_what(const struct model *m, const char *file)
{
	long k;

	for (k = 0; k < m->nfiles; k++)
		if (strcmp(m->files[k].file, file) == 0 && m->files[k].what)
			return m->files[k].what;
	return "导出文件";
}

int html_page_quality(struct html_site *w)
{
	const struct model *m = w->m;
	struct tv *p = html_page_data(w, "数据质量", "quality", 0), *l, *x = NULL, *recs = NULL;
	long k, shown = 0, given = 0, counted = 0, voided = 0;
	char col[256];

	l = tv_set(p, "files", tv_list(w->pp));
	for (k = 0; k < m->nfiles; k++) {
		const struct model_file *f = &m->files[k];
		int absent = f->status && strcmp(f->status, "absent") == 0;
		x = tv_push(l, tv_map(w->pp));
		tv_set_str(x, "what", f->what ? f->what : "其他导出");
		html_setm(x, w, "file", f->file);
		tv_set(x, "status",
		       !f->status			  ? tv_null(w->pp)
		       : strcmp(f->status, "loaded") == 0 ? tv_str(w->pp, "已读取")
		       : strcmp(f->status, "empty") == 0  ? tv_str(w->pp, "文件为空")
		       : absent				  ? tv_str(w->pp, "未提供")
							  : html_ms(w, f->status));
		tv_set_bool(x, "absent", absent);
		tv_set_int(x, "read", f->read);
		tv_set_int(x, "counted", f->counted);
		tv_set_int(x, "voided", f->voided);
		tv_set_int(x, "rejected", f->rejected);
		tv_set(x, "unknown_columns", html_ms(w, f->unknown_columns));
		tv_set(x, "message", absent ? tv_null(w->pp) : html_ms(w, f->message));
		tv_set_bool(x, "balanced", f->read == f->loaded + f->rejected);
		given += !absent;
		counted += f->counted;
		voided += f->voided;
	}
	x = tv_set(p, "totals", tv_map(w->pp));
	tv_set_int(x, "files", given);
	tv_set_int(x, "read", m->rows_read);
	tv_set_int(x, "counted", counted);
	tv_set_int(x, "voided", voided);
	tv_set_int(x, "rejected", m->rows_rejected);
	/* exported against assessed, by kind */
	l = tv_set(p, "coverage", tv_list(w->pp));
	for (k = 0; k < m->ncoverage; k++) {
		const struct model_coverage *c = &m->coverage[k];
		if (c->exported == 0)
			continue;
		x = tv_push(l, tv_map(w->pp));
		tv_set_str(x, "kind", c->kind);
		tv_set_str(x, "measure", c->measure);
		tv_set_int(x, "exported", c->exported);
		tv_set_int(x, "loaded", c->loaded);
		tv_set_int(x, "assessed", c->assessed);
		tv_set_bool(x, "all", c->assessed == c->exported);
	}
	tv_set_bool(p, "has_leftout", m->nleftout > 0);
	l = tv_set(p, "leftout", tv_list(w->pp));
	for (k = 0; k < m->nleftout; k++) {
		const struct model_leftout *o = &m->leftout[k];
		x = tv_push(l, tv_map(w->pp));
		tv_set_str(x, "kind", o->kind);
		html_setm(x, w, "name", o->name);
		html_setm(x, w, "why", o->why);
	}
	/* what to correct, per export: the first REJECTS_SHOWN rows */
	l = tv_set(p, "fixes", tv_list(w->pp));
	for (k = 0; k < m->nrejects; k++) {
		const struct model_reject *rj = &m->rejects[k];
		struct tv *r;
		if (!recs || strcmp(rj->file, m->rejects[k - 1].file) != 0) {
			long n = 1;
			while (k + n < m->nrejects && strcmp(m->rejects[k + n].file, rj->file) == 0)
				n++;
			x = tv_push(l, tv_map(w->pp));
			tv_set_str(x, "what", file_what(m, rj->file));
			html_setm(x, w, "file", rj->file);
			tv_set_int(x, "count", n);
			tv_set_int(x, "shown", n < REJECTS_SHOWN ? n : REJECTS_SHOWN);
			tv_set_bool(x, "truncated", n > REJECTS_SHOWN);
			recs = tv_set(x, "rows", tv_list(w->pp));
			shown = 0;
		}
		if (shown++ >= REJECTS_SHOWN)
			continue;
		r = tv_push(recs, tv_map(w->pp));
		tv_set_int(r, "line", rj->line);
		model_column_words(rj, col, sizeof col);
		tv_set_str(r, "column", col);
		tv_set(r, "value", html_ms(w, rj->value));
		html_setm(r, w, "problem", rj->problem ? rj->problem : rj->reason);
		tv_set(r, "subject",
		       html_ms(w, rj->subject && rj->subject[0] ? rj->subject : NULL));
		html_setm(r, w, "effect", rj->effect ? rj->effect : "");
	}
	return html_page(w, "quality.html", p, "quality.html");
}
