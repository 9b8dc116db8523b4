/* pdf.c - the PDF renderer's layout: struct doc -> PDF with libharu 2.3.0.
 * Pages, text runs, paragraphs, headings, figures, bookmarks, page numbers,
 * watermark, opening and saving. Fonts are embedded subset TrueType CID fonts;
 * each character is drawn with the first face whose cmap has it (pdf_font.c).
 * Lines are broken by pdf_break_lines (pdf_text.c: libunibreak + 避头尾) and
 * placed run by run with absolute text matrices; justification stretches only
 * gaps next to CJK characters or spaces (PDF Tc). Tables are in pdf_table.c.
 * See shared/notes/libharu-cjk.md. */
#include "pdf_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the renderer ---------------------------------------------------------- */

static void on_error(HPDF_STATUS err, HPDF_STATUS detail, void *user)
{
	struct rend *r = user;

	if (!r->err) {
		r->err = err ? err : 1;
		r->detail = detail;
	}
}

static const char *err_name(HPDF_STATUS e)
{
	switch (e) {
	case HPDF_FAILD_TO_ALLOC_MEM: return "out of memory";
	case HPDF_FILE_OPEN_ERROR: return "cannot open file";
	case HPDF_INVALID_PNG_IMAGE: return "invalid PNG image";
	case HPDF_LIBPNG_ERROR: return "libpng error";
	case HPDF_TTF_MISSING_TABLE: return "not a TrueType font (missing table)";
	case HPDF_TTF_INVALID_CMAP: return "unsupported cmap";
	case HPDF_INVALID_TTC_FILE: return "invalid TrueType collection";
	default: return "PDF error";
	}
}

/* Records the first failure in the diag (later ones keep it): the problem,
 * what was being done, libharu's code. Returns -1. */
static int fail(struct rend *r, const char *what, HPDF_STATUS st)
{
	if (!r->failed) {
		HPDF_STATUS e = r->err ? r->err : st;
		diag_set(r->dg, "%s while %s (libharu error 0x%04lX, detail %lu)", err_name(e),
			 what, (unsigned long)e, (unsigned long)r->detail);
		r->failed = 1;
	}
	return -1;
}

/* A failure of our own (not libharu's). Returns -1. */
int pdf_fail_own(struct rend *r, const char *problem, const char *what)
{
	if (!r->failed) {
		diag_set(r->dg, "%s while %s", problem, what);
		r->failed = 1;
	}
	return -1;
}

/* Checks a libharu status and the error handler's record. */
int pdf_ck(struct rend *r, HPDF_STATUS st, const char *what)
{
	if (r->failed)
		return -1;
	if (st == HPDF_OK && !r->err)
		return 0;
	return fail(r, what, st);
}

/* Checks a handle returned by libharu. */
int pdf_ckh(struct rend *r, const void *h, const char *what)
{
	if (r->failed)
		return -1;
	if (h && !r->err)
		return 0;
	return fail(r, what, 0);
}

/* ---- page state ------------------------------------------------------------ */

void pdf_forget_state(struct rend *r)
{
	r->cur_face = -1;
	r->cur_bold = -1;
	r->cur_size = -1;
	r->cur_tc = 0;
	r->cur_lw = -1;
}

int pdf_set_lw(struct rend *r, double lw)
{
	if (r->cur_lw == lw)
		return 0;
	r->cur_lw = lw;
	return pdf_ck(r, HPDF_Page_SetLineWidth(r->page, (HPDF_REAL)lw), "setting the line width");
}

/* Bold is simulated: fill then stroke the glyphs with a thin line. */
static int set_bold(struct rend *r, int bold, double size)
{
	if (bold && pdf_set_lw(r, size * 0.035))
		return -1;
	if (r->cur_bold == bold)
		return 0;
	r->cur_bold = bold;
	return pdf_ck(
		r,
		HPDF_Page_SetTextRenderingMode(r->page, bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL),
		"setting the text rendering mode");
}

/* Sanitises s for libharu's UTF-8 encoder (info, outlines): valid UTF-8, BMP
 * only, no controls. The result lives in r->tb until its next use. */
static const char *clean(struct rend *r, const char *s, size_t max)
{
	size_t i, n = s ? strlen(s) : 0, k = 0;

	buf_reset(&r->tb);
	for (i = 0; i < n && k < max; k++) {
		unsigned long c;
		char u[4];
		i += pdf_u8dec((const unsigned char *)s + i, n - i, &c);
		if (c > 0xFFFF)
			c = 0xFFFD;
		if (c < 0x20 || c == 0x7F)
			c = ' ';
		buf_append(&r->tb, u, pdf_u8enc(c, u));
	}
	buf_putc(&r->tb, '\0');
	if (r->tb.failed) {
		pdf_fail_own(r, "out of memory", "building a string");
		return "";
	}
	return r->tb.data;
}

static int grow_scratch(struct rend *r, size_t n)
{
	size_t cap;
	void *p;

	if (n <= r->sc_cap)
		return 0;
	cap = r->sc_cap ? r->sc_cap : 64;
	while (cap < n)
		cap *= 2;
	if (!(p = realloc(r->sc_cp, cap * sizeof *r->sc_cp)))
		return pdf_fail_own(r, "out of memory", "allocating a line");
	r->sc_cp = p;
	if (!(p = realloc(r->sc_face, cap)))
		return pdf_fail_own(r, "out of memory", "allocating a line");
	r->sc_face = p;
	if (!(p = realloc(r->sc_w, cap * sizeof *r->sc_w)))
		return pdf_fail_own(r, "out of memory", "allocating a line");
	r->sc_w = p;
	r->sc_cap = cap;
	return 0;
}

/* Natural width in points of bytes [a, b) of s. */
double pdf_text_width(struct rend *r, const struct tstyle *st, const char *s, size_t a, size_t b)
{
	double w = 0;

	while (a < b) {
		unsigned long c;
		int f;
		a += pdf_u8dec((const unsigned char *)s + a, b - a, &c);
		f = pdf_pick(r, st->role, &c);
		w += pdf_advance(r, f, c) + st->tc * 1000.0 / st->size;
	}
	return w * st->size / 1000.0;
}

/* Whether the gap after a character of advance wa (em) before one of advance
 * wb stretches when justifying: next to CJK characters or after a space. */
static int stretchy(unsigned long a, double wa, unsigned long b, double wb)
{
	return wa > 0.9 || wb > 0.9 || a == ' ' || pdf_is_wide(a) || pdf_is_wide(b);
}

/* Draws bytes [a, b) of s in style st with its origin at (x, y), along the
 * direction (ca, sa). target > 0: justify to that width (gaps next to CJK
 * characters or spaces take the difference; a line wider than target is
 * compressed the same way). */
int pdf_draw_text(struct rend *r, const struct tstyle *st, const char *s, size_t a, size_t b,
		  double x, double y, double ca, double sa, double target)
{
	size_t n = 0, i, j, ngaps = 0, nstretch = 0;
	double natural = 0, e = 0, dx = 0;
	int allgaps = 0;

	if (r->failed)
		return -1;
	while (a < b) {
		unsigned long c;
		if (grow_scratch(r, n + 1))
			return -1;
		a += pdf_u8dec((const unsigned char *)s + a, b - a, &c);
		r->sc_face[n] = (unsigned char)pdf_pick(r, st->role, &c);
		r->sc_cp[n] = c;
		r->sc_w[n] = pdf_advance(r, r->sc_face[n], c) * st->size / 1000.0 + st->tc;
		natural += r->sc_w[n];
		n++;
	}
	if (r->failed)
		return -1;
	if (n == 0)
		return 0;
	if (target > 0 && n > 1) {
		ngaps = n - 1;
		for (i = 0; i + 1 < n; i++)
			nstretch += (size_t)stretchy(r->sc_cp[i], r->sc_w[i] / st->size,
						     r->sc_cp[i + 1], r->sc_w[i + 1] / st->size);
		if (nstretch == 0) {
			nstretch = ngaps;
			allgaps = 1;
		}
		e = (target - natural) / (double)nstretch;
		if (e > st->size * 0.5 || e < -st->size * 0.25 || (e < 0.001 && e > -0.001))
			e = 0; /* too loose (a long unbreakable word follows): left aligned */
	}
	if (pdf_ck(r, HPDF_Page_BeginText(r->page), "beginning text") ||
	    set_bold(r, st->bold == 1 || (st->bold == 2 && !r->own[st->role]), st->size))
		return -1;
	for (i = 0; i < n; i = j) {
		/* a run: one face, and internal gaps all stretching or all not */
		int kind = -1;
		double tc, ex, runw = 0;
		for (j = i + 1; j < n && r->sc_face[j] == r->sc_face[i]; j++) {
			int g = e != 0 &&
				(allgaps || stretchy(r->sc_cp[j - 1], r->sc_w[j - 1] / st->size,
						     r->sc_cp[j], r->sc_w[j] / st->size));
			if (kind < 0)
				kind = g;
			else if (g != kind)
				break;
		}
		ex = kind > 0 ? e : 0; /* the justification's share of each gap */
		tc = ex + st->tc;
		buf_reset(&r->tb);
		for (size_t k = i; k < j; k++) {
			char u[4];
			buf_append(&r->tb, u, pdf_u8enc(r->sc_cp[k], u));
			runw += r->sc_w[k] + (k + 1 < j ? ex : 0);
		}
		buf_putc(&r->tb, '\0');
		if (r->tb.failed)
			return pdf_fail_own(r, "out of memory", "building a text run");
		if (r->cur_face != r->sc_face[i] || r->cur_size != st->size) {
			if (pdf_load_face(r, r->sc_face[i]) ||
			    pdf_ck(r,
				   HPDF_Page_SetFontAndSize(r->page, r->face[r->sc_face[i]].font,
							    (HPDF_REAL)st->size),
				   "setting the font"))
				return -1;
			r->cur_face = r->sc_face[i];
			r->cur_size = st->size;
		}
		if (r->cur_tc != tc) {
			if (pdf_ck(r, HPDF_Page_SetCharSpace(r->page, (HPDF_REAL)tc),
				   "setting the character spacing"))
				return -1;
			r->cur_tc = tc;
		}
		if (pdf_ck(r,
			   HPDF_Page_SetTextMatrix(r->page, (HPDF_REAL)ca, (HPDF_REAL)sa,
						   (HPDF_REAL)-sa, (HPDF_REAL)ca,
						   (HPDF_REAL)(x + ca * dx),
						   (HPDF_REAL)(y + sa * dx)),
			   "positioning text") ||
		    pdf_ck(r, HPDF_Page_ShowText(r->page, r->tb.data), "showing text"))
			return -1;
		dx += runw;
		if (j < n) /* the gap between this run and the next */
			dx += (e != 0 &&
			       (allgaps || stretchy(r->sc_cp[j - 1], r->sc_w[j - 1] / st->size,
						    r->sc_cp[j], r->sc_w[j] / st->size)))
				      ? e
				      : 0;
	}
	return pdf_ck(r, HPDF_Page_EndText(r->page), "ending text");
}

/* Baseline of a line whose box (height lead) starts at top. A line on the
 * body's grid (22 a page: a character and 7/8 of one) carries its characters
 * at the top of the box and the spacing below, so that the first line of a
 * page starts at the top of the text block (GB/T 9704 天头 37 mm, measured to
 * the characters; centred, they started 2.1 mm lower). A CJK glyph's top is
 * 0.88 em above the baseline. Other lines are centred in their box. */
double pdf_baseline(double top, const struct tstyle *st)
{
	if (st->lead > BODY_LEAD - EPS && st->lead < BODY_LEAD + EPS)
		return top - 0.88 * st->size;
	return top - st->lead / 2 - 0.35 * st->size;
}

/* The watermark as a picture under the page (an opaque white A4 image is
 * drawn first, so the text goes over it); extracted text stays clean. */
static int draw_watermark_png(struct rend *r)
{
	if (!r->watermark_img) {
		r->watermark_img = HPDF_LoadPngImageFromFile(r->pdf, r->watermark_png);
		if (pdf_ckh(r, r->watermark_img, "loading the watermark picture"))
			return -1;
	}
	if (pdf_ck(r,
		   HPDF_Page_DrawImage(r->page, r->watermark_img, 0, 0, (HPDF_REAL)(210 * MM),
				       (HPDF_REAL)PAGE_H_A4),
		   "drawing the watermark"))
		return -1;
	return 0;
}

static int draw_watermark(struct rend *r)
{
	if (r->watermark_png)
		return draw_watermark_png(r);
	{
		struct tstyle st = ST_WATERMARK;
		const char *s = r->watermark;
		size_t n = strlen(s);
		double w = pdf_text_width(r, &st, s, 0, n), c = 0.70710678, sn = 0.70710678;
		double cx = 210 * MM / 2, cy = PAGE_H_A4 / 2;
		/* origin such that the middle of the text (at 0.38 em above the baseline)
		 * is at the centre of the page */
		double x = cx - c * w / 2 + sn * 0.38 * st.size,
		       y = cy - sn * w / 2 - c * 0.38 * st.size;

		if (r->failed)
			return -1;
		if (pdf_ck(r, HPDF_Page_GSave(r->page), "saving the graphics state") ||
		    pdf_ck(r, HPDF_Page_SetGrayFill(r->page, 0.85f), "setting the colour"))
			return -1;
		if (pdf_draw_text(r, &st, s, 0, n, x, y, c, sn, 0))
			return -1;
		if (pdf_ck(r, HPDF_Page_GRestore(r->page), "restoring the graphics state"))
			return -1;
		pdf_forget_state(r);
		return 0;
	}
}

static int draw_pageno(struct rend *r)
{
	char s[64];
	double w, x, top = BOTTOM_Y - 7 * MM;

	snprintf(s, sizeof s, "\xE2\x80\x94 %d \xE2\x80\x94", r->pageno);
	w = pdf_text_width(r, &ST_PAGENO, s, 0, strlen(s));
	if (r->page_numbers == 2)
		x = LEFT_X + (BLOCK_W - w) / 2;
	else if (r->pageno % 2)
		x = LEFT_X + BLOCK_W - PAGENO_SIZE - w;
	else
		x = LEFT_X + PAGENO_SIZE;
	return pdf_draw_text(r, &ST_PAGENO, s, 0, strlen(s), x, top - 0.88 * PAGENO_SIZE, 1, 0, 0);
}

int pdf_new_page(struct rend *r)
{
	if (r->failed)
		return -1;
	r->page = HPDF_AddPage(r->pdf);
	if (pdf_ckh(r, r->page, "adding a page") ||
	    pdf_ck(r, HPDF_Page_SetSize(r->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT),
		   "setting the page size"))
		return -1;
	pdf_forget_state(r);
	r->pageno++;
	r->y = TOP_Y;
	r->fresh = 1;
	if (r->watermark && *r->watermark && draw_watermark(r))
		return -1;
	if (r->page_numbers && draw_pageno(r))
		return -1;
	return 0;
}

/* Starts a new page unless h points fit below the cursor (or the page is
 * still empty: then nothing would be gained). */
int pdf_need(struct rend *r, double h)
{
	if (r->y - h < BOTTOM_Y - EPS && !r->fresh)
		return pdf_new_page(r);
	return 0;
}

/* ---- text blocks ------------------------------------------------------------ */

/* Lays out text s in style st over the text block width, over pages: first
 * line indented by indent points, aligned by align; centred lines balanced. */
int pdf_text_block(struct rend *r, const char *s, const struct tstyle *st, double indent, int align)
{
	struct pdf_line *ln = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (!s || !*s)
		return 0;
	if (pdf_break_text(r, s, st, BLOCK_W, indent, &ln, &n))
		return -1;
	if (align == AL_CENTER && n > 1 && n < 8) {
		/* balanced lines (GB/T 9704: titles 排列对称): the narrowest width
		 * that still gives n lines */
		double total = 0, w;
		for (i = 0; i < n; i++)
			total += ln[i].width * st->size;
		for (w = total / (double)n + st->size * 0.5; w < BLOCK_W; w += st->size * 0.5) {
			struct pdf_line *l2 = NULL;
			size_t n2 = 0;
			if (pdf_break_text(r, s, st, w, indent, &l2, &n2))
				goto done;
			if (n2 <= n) {
				free(ln);
				ln = l2;
				n = n2;
				break;
			}
			free(l2);
		}
	}
	for (i = 0; i < n; i++) {
		double ind = i == 0 ? indent : 0, avail = BLOCK_W - ind, w, x = LEFT_X + ind;
		double target = 0;
		/* no line of a paragraph alone at the foot or the head of a page:
		 * its first two lines start together (three of a three-line one),
		 * its last two end together */
		size_t keep = i == 0		       ? (n == 3  ? 3
							  : n < 2 ? n
								  : 2)
			      : (n >= 4 && i == n - 2) ? 2
						       : 1;
		if (pdf_need(r, st->lead * (double)keep))
			goto done;
		w = ln[i].width * st->size;
		if (w > avail + EPS || (align == AL_JUSTIFY && !ln[i].last))
			target = avail; /* justified, or a squeezed line compressed */
		else if (align == AL_CENTER)
			x += (avail - w) / 2;
		else if (align == AL_RIGHT)
			x += avail - w;
		if (pdf_draw_text(r, st, s, ln[i].start, ln[i].end, x, pdf_baseline(r->y, st), 1, 0,
				  target))
			goto done;
		r->y -= st->lead;
		r->fresh = 0;
	}
	rc = 0;
done:
	free(ln);
	return rc;
}

static int add_outline(struct rend *r, int level, const char *text, double top)
{
	HPDF_Outline parent = r->ol_root, o;
	HPDF_Destination dst;
	int k;

	for (k = level - 1; k >= 1; k--) {
		if (r->ol[k]) {
			parent = r->ol[k];
			break;
		}
	}
	o = HPDF_CreateOutline(r->pdf, parent, clean(r, text && *text ? text : "-", 200), r->enc);
	if (pdf_ckh(r, o, "adding a bookmark"))
		return -1;
	dst = HPDF_Page_CreateDestination(r->page);
	if (pdf_ckh(r, dst, "adding a bookmark") ||
	    pdf_ck(r, HPDF_Destination_SetFitH(dst, (HPDF_REAL)top), "adding a bookmark") ||
	    pdf_ck(r, HPDF_Outline_SetDestination(o, dst), "adding a bookmark"))
		return -1;
	r->ol[level] = o;
	for (k = level + 1; k <= 4; k++)
		r->ol[k] = NULL;
	r->have_outline = 1;
	return 0;
}

/* The height of what must follow a heading on its page: two lines of a
 * paragraph, a table's caption, header and first row (a short table whole),
 * a heading below it with its own two lines. */
static int next_keep(struct rend *r, const struct doc *d, size_t i, double *h)
{
	const struct doc_block *b;
	struct pdf_line *ln = NULL;
	size_t n = 0;

	*h = 2 * BODY_LEAD;
	while (i < d->nblocks && d->blocks[i].kind == DOC_TABLE && d->blocks[i].attach)
		i++; /* an attachment is drawn at the end */
	if (i >= d->nblocks)
		return 0;
	b = &d->blocks[i];
	switch (b->kind) {
	case DOC_TABLE: return pdf_table_keep(r, b, h);
	case DOC_PARA:
	case DOC_NOTE: {
		const struct tstyle *st = b->kind == DOC_PARA ? &ST_BODY : &ST_NOTE;
		if (pdf_break_text(r, b->text, st, BLOCK_W,
				   b->kind == DOC_PARA ? 2 * BODY_PITCH : 0, &ln, &n))
			return -1;
		free(ln);
		*h = st->lead * (double)(n == 3 ? 3 : n < 2 ? 1 : 2);
		return 0;
	}
	case DOC_HEADING: {
		int level = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
		if (pdf_break_text(r, b->text, &ST_H[level - 1], BLOCK_W, 2 * ST_H[level - 1].size,
				   &ln, &n))
			return -1;
		free(ln);
		*h = ST_H[level - 1].lead * (double)n + 2 * BODY_LEAD;
		return 0;
	}
	default: return 0;
	}
}

static int heading(struct rend *r, const struct doc *d, size_t i)
{
	const struct doc_block *b = &d->blocks[i];
	double after;
	int level = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
	const struct tstyle *st = &ST_H[level - 1];
	struct pdf_line *ln = NULL;
	size_t n = 0;
	int k;

	for (k = level; k <= 4; k++)
		r->ol[k] = NULL;
	if (!b->text || !*b->text)
		return 0;
	/* the heading and the start of what follows on one page (keep with
	 * next): never a heading as the last line of a page */
	if (pdf_break_text(r, b->text, st, BLOCK_W, 2 * st->size, &ln, &n))
		return -1;
	free(ln);
	if (next_keep(r, d, i + 1, &after))
		return -1;
	if (pdf_need(r, st->lead * (double)n + after))
		return -1;
	if (b->bookmark && add_outline(r, level, b->text, r->y + 2))
		return -1;
	return pdf_text_block(r, b->text, st, 2 * st->size, AL_LEFT);
}

/* ---- figures -------------------------------------------------------------- */

static int figure(struct rend *r, const struct doc_block *b)
{
	HPDF_Image img;
	double iw, ih, w, h, cap_h = 0;
	struct pdf_line *ln = NULL;
	size_t n = 0;
	FILE *f;
	char what[PATH_MAX + 32];

	if (!b->png || !*b->png) { /* no chart: its numbers as text */
		if (pdf_text_block(r, b->alt, &ST_NOTE, 0, AL_JUSTIFY) ||
		    pdf_text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER))
			return -1;
		return 0;
	}
	f = fopen(b->png, "rb");
	if (!f) {
		r->failed = 1;
		return diag_set(r->dg, "cannot read the PNG '%s': %s", b->png, strerror(errno));
	}
	fclose(f);
	snprintf(what, sizeof what, "loading the PNG '%s'", b->png);
	img = HPDF_LoadPngImageFromFile(r->pdf, b->png);
	if (pdf_ckh(r, img, what))
		return -1;
	iw = HPDF_Image_GetWidth(img);
	ih = HPDF_Image_GetHeight(img);
	if (pdf_ck(r, HPDF_OK, what))
		return -1;
	if (!(iw > 0 && ih > 0)) {
		r->failed = 1;
		return diag_set(r->dg, "the PNG '%s' is empty", b->png);
	}
	w = BLOCK_W;
	h = w * ih / iw;
	if (h > BLOCK_H * 0.75) {
		h = BLOCK_H * 0.75;
		w = h * iw / ih;
	}
	if (b->text && *b->text) {
		if (pdf_break_text(r, b->text, &ST_CAPTION, BLOCK_W, 0, &ln, &n))
			return -1;
		free(ln);
		cap_h = (double)n * ST_CAPTION.lead;
	}
	if (!r->fresh)
		r->y -= BODY_LEAD / 4;
	{
		/* A chart that almost fits is shrunk to the space left (down to 60%
		 * of its height) rather than pushed over, which would leave a gap. */
		double room = r->y - BOTTOM_Y - 4 - cap_h;
		if (!r->fresh && room < h && room >= h * 0.6) {
			h = room;
			w = h * iw / ih;
		}
	}
	if (pdf_need(r, h + 4 + cap_h))
		return -1;
	if (pdf_ck(r,
		   HPDF_Page_DrawImage(r->page, img, (HPDF_REAL)(LEFT_X + (BLOCK_W - w) / 2),
				       (HPDF_REAL)(r->y - h), (HPDF_REAL)w, (HPDF_REAL)h),
		   what))
		return -1;
	r->y -= h + 4;
	r->fresh = 0;
	if (pdf_text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER))
		return -1;
	r->y -= BODY_LEAD / 4;
	return 0;
}

/* ---- documents ------------------------------------------------------------- */

/* The 落款 is not left alone on a page (GB/T 9704 7.3.5): when the body ends
 * with a paragraph and the 落款 follows it directly (no 附件说明 between),
 * that paragraph starts a new page unless both fit. Its height is estimated
 * from its width (should the line-breaking rules add a line, pdf_signature
 * still keeps the 落款 whole). */
static int keep_with_signature(struct rend *r, const struct doc *d, const struct doc_block *b)
{
	size_t i;
	double w;

	if (d->genre != DOC_GENRE_NOTICE || (!pdf_nonempty(d->signer) && !pdf_nonempty(d->date)))
		return 0;
	for (i = 0; i < d->nblocks; i++)
		if (d->blocks[i].kind == DOC_TABLE && d->blocks[i].attach)
			return 0;
	w = 2 * BODY_PITCH + pdf_text_width(r, &ST_BODY, b->text, 0, strlen(b->text));
	return pdf_need(r, ((int)(w / BLOCK_W) + 1 + 3) * BODY_LEAD);
}

static int render_doc(struct rend *r, const struct doc *d, int many)
{
	size_t i;
	int k, plain = d->genre == DOC_GENRE_PLAIN;

	r->watermark = d->watermark;
	r->watermark_png =
		d->watermark && d->watermark_png && *d->watermark_png ? d->watermark_png : NULL;
	r->pageno = 0;
	if (pdf_new_page(r))
		return -1;
	for (k = 0; k <= 4; k++)
		r->ol[k] = NULL;
	r->ol_root = NULL;
	if (many) {
		if (add_outline(r, 0, d->title && *d->title ? d->title : "-", r->y + 2))
			return -1;
		r->ol_root = r->ol[0];
	}
	if (d->genre == DOC_GENRE_BRIEFING && pdf_brief_head(r, d))
		return -1;
	if (d->genre == DOC_GENRE_NOTICE && pdf_notice_head(r, d))
		return -1;
	if (d->title && *d->title) {
		if (pdf_text_block(r, d->title, &ST_TITLE, 0, AL_CENTER))
			return -1;
		if (d->subtitle && *d->subtitle &&
		    pdf_text_block(r, d->subtitle, &ST_SUBTITLE, 0, AL_CENTER))
			return -1;
		if (plain && d->date && *d->date &&
		    pdf_text_block(r, d->date, &ST_BODY, 0, AL_CENTER))
			return -1;
		r->y -= plain ? BODY_LEAD / 2 : BODY_LEAD; /* 标题下空一行 */
	}
	if (pdf_nonempty(d->to)) {
		char to[1200];
		snprintf(to, sizeof to, "%s：", d->to);
		if (pdf_text_block(r, to, &ST_BODY, 0, AL_JUSTIFY))
			return -1;
	}
	for (i = 0; i < d->nblocks && !r->failed; i++) {
		const struct doc_block *b = &d->blocks[i];
		int rc = 0;
		switch (b->kind) {
		case DOC_HEADING: rc = heading(r, d, i); break;
		case DOC_PARA:
			if (i + 1 == d->nblocks && b->text)
				rc = keep_with_signature(r, d, b);
			if (!rc)
				rc = pdf_text_block(r, b->text, &ST_BODY, 2 * BODY_PITCH,
						    AL_JUSTIFY);
			break;
		case DOC_NOTE: rc = pdf_text_block(r, b->text, &ST_NOTE, 0, AL_JUSTIFY); break;
		case DOC_TABLE: rc = b->attach ? 0 : pdf_table(r, b); break;
		case DOC_FIGURE: rc = figure(r, b); break;
		case DOC_PAGEBREAK: rc = r->fresh ? 0 : pdf_new_page(r); break;
		}
		if (rc)
			return -1;
	}
	if (pdf_annex_list(r, d) || (d->genre == DOC_GENRE_NOTICE && pdf_signature(r, d)) ||
	    pdf_annexes(r, d) || pdf_colophon(r, d))
		return -1;
	return r->failed ? -1 : 0;
}

static int rend_open(struct rend *r, const struct pdf_opts *o, struct diag *dg)
{
	int f;

	memset(r, 0, sizeof *r);
	r->dg = dg;
	r->page_numbers = o ? o->page_numbers : 1;
	buf_init(&r->tb, 0);
	pdf_forget_state(r);
	for (f = 0; f < NDEBFACE; f++)
		pdf_find_font(&r->face[f], &pdf_fontfiles[f], o ? o->font_dir_hint : NULL);
	if (o && o->font_dir && *o->font_dir)
		pdf_find_dept_fonts(r, o->font_dir, o->font_file);
	pdf_assign_roles(r);
	if (r->role[ROLE_SONG] < 0) {
		r->failed = 1;
		return diag_set(dg, "no CJK font found: want '%s' (Debian package %s)",
				pdf_fontfiles[FACE_SONG].name, pdf_fontfiles[FACE_SONG].pkg);
	}
	if (!pdf_cover_has(r, r->role[ROLE_SONG], 0x4E00) &&
	    !pdf_cover_has(r, r->role[ROLE_SONG], 'A')) {
		r->failed = 1;
		return diag_set(dg, "cannot read the character map of the font '%s'",
				r->face[r->role[ROLE_SONG]].path);
	}
	r->repl = 0xFFFD;
	for (f = 0; f < NFACE; f++)
		if (pdf_cover_has(r, f, 0xFFFD))
			break;
	if (f == NFACE)
		r->repl = '?';

	r->pdf = HPDF_New(on_error, r);
	if (pdf_ckh(r, r->pdf, "creating the document"))
		return -1;
	if (pdf_ck(r, HPDF_UseUTFEncodings(r->pdf), "enabling UTF-8") ||
	    pdf_ck(r, HPDF_SetCurrentEncoder(r->pdf, "UTF-8"), "enabling UTF-8") ||
	    pdf_ck(r, HPDF_SetCompressionMode(r->pdf, HPDF_COMP_ALL), "enabling compression"))
		return -1;
	r->enc = HPDF_GetEncoder(r->pdf, "UTF-8");
	if (pdf_ckh(r, r->enc, "enabling UTF-8"))
		return -1;
	return pdf_load_face(r, r->role[ROLE_SONG]);
}

static void rend_close(struct rend *r)
{
	int f, k;

	if (r->pdf)
		HPDF_Free(r->pdf);
	for (f = 0; f < NFACE; f++) {
		free(r->face[f].cover);
		for (k = 0; k < 256; k++)
			free(r->face[f].w[k]);
	}
	free(r->sc_cp);
	free(r->sc_face);
	free(r->sc_w);
	buf_release(&r->tb);
}

/* Saves the document to memory, then to path.tmp with checked stdio, then
 * renames it to path: a failed render leaves an older file at path as it was. */
static int save(struct rend *r, const char *path)
{
	HPDF_UINT32 size, got;
	unsigned char *data = NULL;
	char tmp[PATH_MAX];
	FILE *f = NULL;
	int rc = -1, n;

	n = snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if (n < 0 || (size_t)n >= sizeof tmp)
		return diag_set(r->dg, "output path too long: '%s'", path);
	if (pdf_fix_tounicode(r) || pdf_ck(r, HPDF_SaveToStream(r->pdf), "writing the PDF"))
		return -1;
	size = HPDF_GetStreamSize(r->pdf);
	if (pdf_ck(r, HPDF_OK, "writing the PDF"))
		return -1;
	data = malloc(size ? size : 1);
	if (!data)
		return pdf_fail_own(r, "out of memory", "writing the PDF");
	got = size;
	if (pdf_ck(r, HPDF_ReadFromStream(r->pdf, data, &got), "writing the PDF"))
		goto done;
	if (got != size) {
		pdf_fail_own(r, "short read", "writing the PDF");
		goto done;
	}
	f = fopen(tmp, "wb");
	if (!f) {
		diag_set(r->dg, "cannot write '%s': %s", tmp, strerror(errno));
		goto done;
	}
	if (fwrite(data, 1, size, f) != size || ferror(f)) {
		diag_set(r->dg, "cannot write '%s': %s", tmp, strerror(errno));
		fclose(f);
		remove(tmp);
		goto done;
	}
	if (fclose(f) != 0) {
		diag_set(r->dg, "cannot write '%s': %s", tmp, strerror(errno));
		remove(tmp);
		goto done;
	}
	if (rename(tmp, path) != 0) {
		diag_set(r->dg, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
		remove(tmp);
		goto done;
	}
	rc = 0;
done:
	free(data);
	return rc;
}

static int render(const struct doc *const *docs, size_t n, int many, const char *title,
		  const char *path, const struct pdf_opts *o, struct diag *dg)
{
	struct rend r;
	const char *author = NULL;
	size_t i;
	int rc = -1;

	if (!path || !*path)
		return diag_set(dg, "no output path for the PDF");
	for (i = 0; i < n; i++)
		if (!docs || !docs[i])
			return diag_set(dg, "document %zu of %zu is missing (NULL)", i + 1, n);
	if (rend_open(&r, o, dg))
		goto done;
	if (!title && n)
		title = docs[0]->title;
	for (i = 0; i < n && !author; i++)
		author = docs[i]->author;
	if ((title && *title &&
	     pdf_ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_TITLE, clean(&r, title, 500)),
		    "setting the document title")) ||
	    (author && *author &&
	     pdf_ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_AUTHOR, clean(&r, author, 500)),
		    "setting the author")) ||
	    pdf_ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_CREATOR, "kaoping"),
		   "setting the creator"))
		goto done;
	/* which fonts were used, for whoever checks the document */
	{
		char fonts[4 * PATH_MAX + 200];
		pdf_roles_text(&r, fonts, sizeof fonts);
		if (pdf_ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_KEYWORDS, clean(&r, fonts, 2000)),
			   "recording the fonts"))
			goto done;
	}
	for (i = 0; i < n; i++)
		if (render_doc(&r, docs[i], many))
			goto done;
	if (n == 0 && pdf_new_page(&r))
		goto done;
	if (r.have_outline && pdf_ck(&r, HPDF_SetPageMode(r.pdf, HPDF_PAGE_MODE_USE_OUTLINE),
				     "showing the bookmarks"))
		goto done;
	rc = save(&r, path);
done:
	rend_close(&r);
	return rc;
}

int pdf_render(const struct doc *d, const char *path, const struct pdf_opts *o, struct diag *dg)
{
	if (!d)
		return diag_set(dg, "no document to render to '%s'", path ? path : "");
	return render(&d, 1, 0, d->title, path, o, dg);
}

int pdf_render_many(const struct doc *const *docs, size_t n, const char *title, const char *path,
		    const struct pdf_opts *o, struct diag *dg)
{
	return render(docs, n, 1, title, path, o, dg);
}
