/* pdf_official.c - the 公文 elements of GB/T 9704-2012 drawn around a document's
 * body: 报头 of a briefing, 版头 of a notice, 附件 list and pages, 落款 and
 * 版记. Page layout and text runs are in pdf.c. */
#include "pdf_int.h"

#include <stdio.h>
#include <string.h>

/* ---- 公文 elements (GB/T 9704-2012) ----------------------------------------- */

int pdf_nonempty(const char *s)
{
	return s && *s;
}

/* Red (C0 M80 Y80 K0, GB/T 9704 发文机关标志) or black for what follows.
 * Fill and stroke both: bold is simulated by stroking the glyphs, and a black
 * stroke over a red fill printed the 发文机关标志 black. */
static int set_red(struct rend *r, int red)
{
	if (red)
		return pdf_ck(r, HPDF_Page_SetCMYKFill(r->page, 0, 0.8f, 0.8f, 0),
			      "setting the colour") ||
		       pdf_ck(r, HPDF_Page_SetCMYKStroke(r->page, 0, 0.8f, 0.8f, 0),
			      "setting the colour");
	return pdf_ck(r, HPDF_Page_SetGrayFill(r->page, 0), "setting the colour") ||
	       pdf_ck(r, HPDF_Page_SetGrayStroke(r->page, 0), "setting the colour");
}

/* A horizontal rule across the text block at y, lw points thick. */
static int rule(struct rend *r, double y, double lw, int red)
{
	if (pdf_ck(r, HPDF_Page_GSave(r->page), "saving the graphics state") ||
	    (red &&
	     pdf_ck(r, HPDF_Page_SetCMYKStroke(r->page, 0, 0.8f, 0.8f, 0), "setting the colour")) ||
	    pdf_ck(r, HPDF_Page_SetLineWidth(r->page, (HPDF_REAL)lw), "drawing a rule") ||
	    pdf_ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)LEFT_X, (HPDF_REAL)y),
		   "drawing a rule") ||
	    pdf_ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)(LEFT_X + BLOCK_W), (HPDF_REAL)y),
		   "drawing a rule") ||
	    pdf_ck(r, HPDF_Page_Stroke(r->page), "drawing a rule") ||
	    pdf_ck(r, HPDF_Page_GRestore(r->page), "restoring the graphics state"))
		return -1;
	pdf_forget_state(r);
	return 0;
}

/* One line of text s at x (left edge) on the line whose box starts at r->y;
 * the cursor moves down one lead. */
static int line_at(struct rend *r, const struct tstyle *st, const char *s, double x)
{
	if (pdf_draw_text(r, st, s, 0, strlen(s), x, pdf_baseline(r->y, st), 1, 0, 0))
		return -1;
	r->y -= st->lead;
	r->fresh = 0;
	return 0;
}

/* A single line centred in red, shrunk to the text block if too wide. */
static int red_centred(struct rend *r, const struct tstyle *st0, const char *s)
{
	struct tstyle st = *st0;
	double w = pdf_text_width(r, &st, s, 0, strlen(s));

	if (w > BLOCK_W) {
		st.size *= BLOCK_W / w;
		w = BLOCK_W;
	}
	if (set_red(r, 1) || line_at(r, &st, s, LEFT_X + (BLOCK_W - w) / 2) || set_red(r, 0))
		return -1;
	return 0;
}

/* 简报 报头: the name in red, the 期号, 编发单位 left and date right on one
 * line, a red rule. */
int pdf_brief_head(struct rend *r, const struct doc *d)
{
	if (pdf_nonempty(d->brief_name) && red_centred(r, &ST_BRIEFNAME, d->brief_name))
		return -1;
	if (pdf_nonempty(d->issue)) {
		double w = pdf_text_width(r, &ST_BODY, d->issue, 0, strlen(d->issue));
		if (line_at(r, &ST_BODY, d->issue, LEFT_X + (BLOCK_W - w) / 2))
			return -1;
	}
	if (pdf_nonempty(d->organ) || pdf_nonempty(d->date)) {
		double y = r->y;
		if (pdf_nonempty(d->organ) && line_at(r, &ST_BODY, d->organ, LEFT_X))
			return -1;
		if (pdf_nonempty(d->date)) {
			double w = pdf_text_width(r, &ST_BODY, d->date, 0, strlen(d->date));
			r->y = y;
			if (line_at(r, &ST_BODY, d->date, LEFT_X + BLOCK_W - w))
				return -1;
		}
	}
	if (rule(r, r->y - 2, 1.5, 1))
		return -1;
	r->y -= BODY_LEAD;
	return 0;
}

/* 通报, 公示: 发文机关标志 35 mm below the top of the text block, the 文号 two
 * lines below it, the red rule 4 mm under the 文号, the title two lines
 * below the rule (GB/T 9704 7.2). */
int pdf_notice_head(struct rend *r, const struct doc *d)
{
	if (pdf_nonempty(d->organ)) {
		r->y = TOP_Y - 35 * MM + (ST_ORGAN.lead - ST_ORGAN.size) / 2;
		if (red_centred(r, &ST_ORGAN, d->organ))
			return -1;
		r->y -= 2 * BODY_LEAD;
	}
	if (pdf_nonempty(d->docno)) {
		double w = pdf_text_width(r, &ST_BODY, d->docno, 0, strlen(d->docno));
		if (line_at(r, &ST_BODY, d->docno, LEFT_X + (BLOCK_W - w) / 2))
			return -1;
	}
	if (pdf_nonempty(d->organ) || pdf_nonempty(d->docno)) {
		/* 4 mm under the 文号's characters, whose foot is 0.12 em under
		 * the baseline (its line's box is one lead up) */
		double y = pdf_baseline(r->y + BODY_LEAD, &ST_BODY) - 0.12 * BODY_SIZE - 4 * MM;
		if (rule(r, y, 1.0, 1))
			return -1;
		r->y = y - 2 * BODY_LEAD + BODY_LEAD / 2;
	}
	return 0;
}

/* 附件说明: "附件：1. caption" after the body, two characters in; further
 * items aligned under the first. */
int pdf_annex_list(struct rend *r, const struct doc *d)
{
	size_t i, n, k = 0;
	char line[1200];

	n = doc_annex_count(d);
	if (n == 0)
		return 0;
	r->y -= BODY_LEAD; /* 正文下空一行 */
	for (i = 0; i < d->nblocks; i++) {
		const struct doc_block *b = &d->blocks[i];
		if (b->kind != DOC_TABLE || !b->attach)
			continue;
		k++;
		doc_annex_line(b, k, n, line, sizeof line);
		if (pdf_text_block(r, line, &ST_BODY, (k == 1 ? 2 : 5) * BODY_PITCH, AL_LEFT))
			return -1;
	}
	return 0;
}

/* 落款 and 成文日期 (with a seal, GB/T 9704 7.3.5.1): the date right, four
 * characters in; the organ centred over the date. One blank line above. */
int pdf_signature(struct rend *r, const struct doc *d)
{
	double wd = 0, ws = 0, xd, xs, cx;
	int has_s = pdf_nonempty(d->signer), has_d = pdf_nonempty(d->date);

	if (!has_s && !has_d)
		return 0;
	if (has_d)
		wd = pdf_text_width(r, &ST_BODY, d->date, 0, strlen(d->date));
	if (has_s)
		ws = pdf_text_width(r, &ST_BODY, d->signer, 0, strlen(d->signer));
	xd = LEFT_X + BLOCK_W - 4 * BODY_PITCH - wd;
	cx = has_d ? xd + wd / 2 : LEFT_X + BLOCK_W - 4 * BODY_PITCH - ws / 2;
	xs = cx - ws / 2;
	if (xs + ws > LEFT_X + BLOCK_W - 2 * BODY_PITCH)
		xs = LEFT_X + BLOCK_W - 2 * BODY_PITCH - ws;
	if (pdf_need(r, 3 * BODY_LEAD))
		return -1;
	if (!r->fresh)
		r->y -= BODY_LEAD;
	if ((has_s && line_at(r, &ST_BODY, d->signer, xs)) ||
	    (has_d && line_at(r, &ST_BODY, d->date, xd)))
		return -1;
	if (pdf_nonempty(d->annex_note)) {
		char note[1200];
		snprintf(note, sizeof note, "（%s）", d->annex_note);
		if (pdf_text_block(r, note, &ST_BODY, 2 * BODY_PITCH, AL_JUSTIFY))
			return -1;
	}
	return 0;
}

/* The attachments, each from a new page: "附件N" top left in the 一级标题
 * face, then the table with its caption as title. */
int pdf_annexes(struct rend *r, const struct doc *d)
{
	size_t i, n = 0, k = 0;
	char label[32];

	for (i = 0; i < d->nblocks; i++)
		n += d->blocks[i].kind == DOC_TABLE && d->blocks[i].attach;
	for (i = 0; i < d->nblocks; i++) {
		const struct doc_block *b = &d->blocks[i];
		if (b->kind != DOC_TABLE || !b->attach)
			continue;
		k++;
		if (n == 1)
			snprintf(label, sizeof label, "附件");
		else
			snprintf(label, sizeof label, "附件%zu", k);
		if (pdf_new_page(r) || line_at(r, &ST_H[0], label, LEFT_X) || pdf_table(r, b))
			return -1;
	}
	return 0;
}

/* 版记: 抄送 or 报送, then 印发机关 and 印发日期, between rules (the first and
 * last thicker), 四号, one character in from each side; at the foot of the
 * last page when it fits there, else on a page of its own. */
int pdf_colophon(struct rend *r, const struct doc *d)
{
	char l[2][1200], b[1200];
	int na = 0, i, has_b = pdf_nonempty(d->printer) || pdf_nonempty(d->printed);
	double h, y;

	if (pdf_nonempty(d->report_to))
		snprintf(l[na++], sizeof l[0], "报送：%s。", d->report_to);
	if (pdf_nonempty(d->cc))
		snprintf(l[na++], sizeof l[0], "抄送：%s。", d->cc);
	if (!na && !has_b)
		return 0;
	h = (double)(na + has_b) * ST_COLOPHON.lead;
	if (r->y - BOTTOM_Y < h + BODY_LEAD && pdf_new_page(r))
		return -1;
	y = BOTTOM_Y + h;
	if (rule(r, y, 1.0, 0))
		return -1;
	r->y = y;
	for (i = 0; i < na; i++) {
		if (line_at(r, &ST_COLOPHON, l[i], LEFT_X + ST_COLOPHON.size))
			return -1;
		if ((i + 1 < na || has_b) && rule(r, r->y, 0.7, 0))
			return -1;
	}
	if (has_b) {
		double top = r->y;
		snprintf(b, sizeof b, "%s印发", pdf_nonempty(d->printed) ? d->printed : "");
		if (pdf_nonempty(d->printer) &&
		    line_at(r, &ST_COLOPHON, d->printer, LEFT_X + ST_COLOPHON.size))
			return -1;
		if (pdf_nonempty(d->printed)) {
			double w = pdf_text_width(r, &ST_COLOPHON, b, 0, strlen(b));
			r->y = top;
			if (line_at(r, &ST_COLOPHON, b, LEFT_X + BLOCK_W - ST_COLOPHON.size - w))
				return -1;
		}
	}
	return rule(r, r->y, 1.0, 0);
}
