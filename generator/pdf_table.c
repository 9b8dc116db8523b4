/* pdf_table.c - tables in the PDF renderer: column widths, cells broken into
 * lines, rows split across pages, the header repeated on each page. */
#include "pdf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- tables --------------------------------------------------------------- */

/* The broken lines of one row's cells, and how many of each are drawn. */
struct rowl {
	struct pdf_line **ln;
	size_t *nln, *from;
};

struct tbl {
	size_t nc;
	double *x; /* nc + 1 column edges */
	const struct doc_col *cols;
	struct rowl hdr, row;
	const char **titles; /* column titles */
	struct tstyle *cst;  /* cell style per column (a size smaller when a
				column's names would not fit whole otherwise) */
	int repeat;	     /* header repeated on each page */
	double hdr_h;
};

static int rowl_alloc(struct rowl *rl, size_t nc)
{
	rl->ln = calloc(nc, sizeof *rl->ln);
	rl->nln = calloc(nc, sizeof *rl->nln);
	rl->from = calloc(nc, sizeof *rl->from);
	return rl->ln && rl->nln && rl->from ? 0 : -1;
}

static void rowl_free(struct rowl *rl, size_t nc)
{
	size_t j;

	if (rl->ln)
		for (j = 0; j < nc; j++)
			free(rl->ln[j]);
	free(rl->ln);
	free(rl->nln);
	free(rl->from);
}

static int row_break(struct rend *r, const struct tbl *t, struct rowl *rl, const char *const *cells,
		     const struct tstyle *st0)
{
	size_t j;

	for (j = 0; j < t->nc; j++) {
		const struct tstyle *st = st0 == &ST_HEAD ? st0 : &t->cst[j];
		free(rl->ln[j]);
		rl->ln[j] = NULL;
		rl->nln[j] = 0;
		rl->from[j] = 0;
		if (pdf_break_text(r, cells[j], st, t->x[j + 1] - t->x[j] - 2 * TBL_PADX, 0,
				   &rl->ln[j], &rl->nln[j]))
			return -1;
	}
	return 0;
}

/* Lines still to draw in the fullest cell (0 when the row is done). */
static size_t row_left(const struct tbl *t, const struct rowl *rl)
{
	size_t j, m = 0;

	for (j = 0; j < t->nc; j++)
		if (rl->nln[j] - rl->from[j] > m)
			m = rl->nln[j] - rl->from[j];
	return m;
}

/* Draws k lines of each cell (from rl->from on), then the grid. centre:
 * centre the cells vertically (a row drawn whole). */
static int row_draw(struct rend *r, const struct tbl *t, struct rowl *rl, const char *const *cells,
		    size_t k, int header, int centre)
{
	double top = r->y, h = (double)k * TBL_LEAD + 2 * TBL_PADY;
	size_t j, i;

	if (header) {
		if (pdf_ck(r, HPDF_Page_SetGrayFill(r->page, 0.9f), "filling the table header") ||
		    pdf_ck(r,
			   HPDF_Page_Rectangle(r->page, (HPDF_REAL)t->x[0], (HPDF_REAL)(top - h),
					       (HPDF_REAL)(t->x[t->nc] - t->x[0]), (HPDF_REAL)h),
			   "filling the table header") ||
		    pdf_ck(r, HPDF_Page_Fill(r->page), "filling the table header") ||
		    pdf_ck(r, HPDF_Page_SetGrayFill(r->page, 0), "filling the table header"))
			return -1;
	}
	for (j = 0; j < t->nc; j++) {
		const struct tstyle *st = header ? &ST_HEAD : &t->cst[j];
		size_t cnt = rl->nln[j] - rl->from[j];
		double voff, cw = t->x[j + 1] - t->x[j] - 2 * TBL_PADX;
		int align = header			     ? AL_CENTER
			    : t->cols[j].align == DOC_RIGHT  ? AL_RIGHT
			    : t->cols[j].align == DOC_CENTER ? AL_CENTER
							     : AL_LEFT;
		if (cnt > k)
			cnt = k;
		voff = centre ? (double)(k - cnt) * TBL_LEAD / 2 : 0;
		for (i = 0; i < cnt; i++) {
			const struct pdf_line *L = &rl->ln[j][rl->from[j] + i];
			double w = L->width * st->size, x = t->x[j] + TBL_PADX;
			if (align == AL_RIGHT)
				x += cw - w;
			else if (align == AL_CENTER)
				x += (cw - w) / 2;
			if (pdf_draw_text(
				    r, st, cells[j], L->start, L->end, x,
				    pdf_baseline(top - TBL_PADY - voff - (double)i * TBL_LEAD, st),
				    1, 0, 0))
				return -1;
		}
		rl->from[j] += cnt;
	}
	if (pdf_set_lw(r, TBL_LINE))
		return -1;
	for (j = 0; j <= t->nc; j++) {
		if (pdf_ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)t->x[j], (HPDF_REAL)top),
			   "drawing") ||
		    pdf_ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)t->x[j], (HPDF_REAL)(top - h)),
			   "drawing"))
			return -1;
	}
	if (pdf_ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)t->x[0], (HPDF_REAL)top), "drawing") ||
	    pdf_ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)t->x[t->nc], (HPDF_REAL)top),
		   "drawing") ||
	    pdf_ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)t->x[0], (HPDF_REAL)(top - h)),
		   "drawing") ||
	    pdf_ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)t->x[t->nc], (HPDF_REAL)(top - h)),
		   "drawing") ||
	    pdf_ck(r, HPDF_Page_Stroke(r->page), "drawing the table grid"))
		return -1;
	r->y = top - h;
	r->fresh = 0;
	return 0;
}

static int row_place(struct rend *r, struct tbl *t, struct rowl *rl, const char *const *cells,
		     int header);

/* Draws the header row: whole when it repeats (it is short), else placed and
 * split like any row. */
static int header_draw(struct rend *r, struct tbl *t)
{
	size_t j;

	for (j = 0; j < t->nc; j++)
		t->hdr.from[j] = 0;
	if (t->repeat) {
		size_t m = row_left(t, &t->hdr);
		return row_draw(r, t, &t->hdr, t->titles, m ? m : 1, 1, 1);
	}
	return row_place(r, t, &t->hdr, t->titles, 1);
}

/* Draws one broken row, over pages when needed: a row moves to the next page
 * whole if it fits there; a row taller than a page is split, at least one
 * line per page, so this always ends. */
static int row_place(struct rend *r, struct tbl *t, struct rowl *rl, const char *const *cells,
		     int header)
{
	double fresh_avail = BLOCK_H - (t->repeat && !header ? t->hdr_h : 0);
	int whole = 1;

	for (;;) {
		size_t m = row_left(t, rl), k;
		double h, avail = r->y - BOTTOM_Y;

		if (r->failed)
			return -1;
		if (m == 0)
			m = 1; /* an empty row still has a line's height */
		h = (double)m * TBL_LEAD + 2 * TBL_PADY;
		if (h <= avail + EPS)
			return row_draw(r, t, rl, cells, m, header, whole);
		if (avail < fresh_avail - 0.5 &&
		    (h <= fresh_avail + EPS || avail < 2 * TBL_PADY + 3 * TBL_LEAD)) {
			if (pdf_new_page(r) || (!header && t->repeat && header_draw(r, t)))
				return -1;
			continue;
		}
		k = avail > 2 * TBL_PADY + TBL_LEAD
			    ? (size_t)((avail - 2 * TBL_PADY + EPS) / TBL_LEAD)
			    : 1;
		if (row_draw(r, t, rl, cells, k, header, 0))
			return -1;
		if (row_left(t, rl) == 0)
			return 0;
		whole = 0;
		if (pdf_new_page(r) || (!header && t->repeat && header_draw(r, t)))
			return -1;
	}
}

/* Column widths in points: the relative widths scaled to the text block, but
 * no column narrower than one character and its padding (or an equal share
 * when there are too many columns for that): narrower ones are widened and
 * the others shrink in proportion. */
static int col_widths(const struct doc_col *cols, size_t nc, double *out)
{
	double minw = TBL_SIZE + 2 * TBL_PADX, free_w, sum;
	char *fixed = calloc(nc, 1);
	size_t j, nfixed = 0;
	int changed = 1;

	if (!fixed)
		return -1;
	if (minw * (double)nc > BLOCK_W)
		minw = BLOCK_W / (double)nc;
	while (changed) {
		changed = 0;
		free_w = BLOCK_W - minw * (double)nfixed;
		sum = 0;
		for (j = 0; j < nc; j++) {
			double w = cols[j].width;
			if (!fixed[j])
				sum += (w > 0 && w < 1e9) ? w : 1;
		}
		for (j = 0; j < nc; j++) {
			double w = cols[j].width;
			if (fixed[j]) {
				out[j] = minw;
				continue;
			}
			out[j] = free_w * ((w > 0 && w < 1e9) ? w : 1) / sum;
			if (out[j] < minw - 1e-9) {
				fixed[j] = 1;
				nfixed++;
				changed = 1;
			}
		}
	}
	free(fixed);
	return 0;
}

/* Widths so that names stay whole. Each column wants its widest cell on one
 * line (a long text, over 16 characters, is prose and may wrap, so it wants
 * only 6 characters) and its title whole, or in two halves when over five
 * characters (统一社会/信用代码). If all fits at 五号, the room left goes in
 * the given proportions; else each column gets what its cells need at 8 pt
 * plus a share of the rest in proportion to what it still lacks at 五号,
 * and its cells take the largest of 10.5, 9 and 8 pt that fits. Only when
 * even that is too wide (many columns) do the given widths stay and names
 * wrap. w: the proportional widths in, the final widths out. */
static void fit_columns(struct rend *r, const struct doc_block *b, struct tbl *t, double *w)
{
	static const double sizes[] = {TBL_SIZE, 9.0, 8.0};
	const double pad = 2 * TBL_PADX + 0.5;
	size_t nc = t->nc, i, j, k;
	double *want = calloc(4 * nc, sizeof *want), *base, *amin, *prose, sw = 0, sa = 0, so = 0,
	       lack = 0;

	if (!want)
		return;
	base = want + nc;
	amin = want + 2 * nc;
	prose = want + 3 * nc; /* a prose column's full width: what it lacks */
	for (j = 0; j < nc; j++) {
		const char *h = t->titles[j];
		double hw = pdf_text_width(r, &ST_HEAD, h, 0, strlen(h)), m = 0;
		for (i = 0; i < b->nrows; i++) {
			const char *c = b->cells[i * nc + j];
			double cw = pdf_text_width(r, &ST_CELL, c, 0, strlen(c));
			if (cw > m)
				m = cw;
		}
		if (hw > 5.5 * TBL_SIZE)
			hw = ceil(hw / 2 / TBL_SIZE - 0.05) * TBL_SIZE;
		base[j] = hw + pad;
		if (m > 16 * TBL_SIZE) { /* prose */
			prose[j] = m - 6 * TBL_SIZE;
			lack += prose[j];
			m = 6 * TBL_SIZE;
		}
		want[j] = (m > hw ? m : hw) + pad;
		amin[j] = m * sizes[2] / TBL_SIZE > hw ? m * sizes[2] / TBL_SIZE + pad : base[j];
		sw += want[j];
		sa += amin[j];
		so += w[j];
	}
	if (sw <= BLOCK_W) {
		/* the room left: first to prose columns (fewer lines), then in
		 * the given proportions */
		double extra = BLOCK_W - sw, give = extra < lack ? extra : lack;
		for (j = 0; j < nc; j++)
			w[j] = want[j] + (lack > 0 ? give * prose[j] / lack : 0) +
			       (extra - give) * w[j] / so;
	} else if (sa <= BLOCK_W) {
		for (j = 0; j < nc; j++)
			w[j] = amin[j] + (BLOCK_W - sa) * (want[j] - amin[j]) / (sw - sa);
	}
	for (j = 0; j < nc; j++) {
		t->cst[j] = ST_CELL;
		if (w[j] >= want[j] - 0.01)
			continue;
		for (k = 1; k < sizeof sizes / sizeof *sizes; k++) {
			double need = (want[j] - pad) * sizes[k] / TBL_SIZE + pad;
			t->cst[j].size = sizes[k];
			if (need <= w[j] + 0.01)
				break;
		}
	}
	free(want);
}

int pdf_table(struct rend *r, const struct doc_block *b)
{
	struct tbl t;
	size_t i, j, nc = b->ncols;
	double cap_h = 0, first_h;
	int rc = -1;

	memset(&t, 0, sizeof t);
	if (nc == 0 || !b->cols)
		return pdf_text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER);
	t.nc = nc;
	t.cols = b->cols;
	t.x = malloc((nc + 1) * sizeof *t.x);
	t.titles = calloc(nc, sizeof *t.titles);
	t.cst = calloc(nc, sizeof *t.cst);
	if (!t.x || !t.titles || !t.cst || rowl_alloc(&t.hdr, nc) || rowl_alloc(&t.row, nc)) {
		pdf_fail_own(r, "out of memory", "allocating a table");
		goto done;
	}
	for (j = 0; j < nc; j++)
		t.titles[j] = b->cols[j].title ? b->cols[j].title : "";
	if (col_widths(b->cols, nc, t.x + 1)) { /* widths into x[1..nc], then edges */
		pdf_fail_own(r, "out of memory", "allocating a table");
		goto done;
	}
	fit_columns(r, b, &t, t.x + 1);
	t.x[0] = LEFT_X;
	for (j = 0; j < nc; j++)
		t.x[j + 1] += t.x[j];
	t.x[nc] = LEFT_X + BLOCK_W;
	if (row_break(r, &t, &t.hdr, t.titles, &ST_HEAD))
		goto done;
	i = row_left(&t, &t.hdr);
	t.hdr_h = (double)(i ? i : 1) * TBL_LEAD + 2 * TBL_PADY;
	t.repeat = t.hdr_h <= BLOCK_H / 3;

	/* caption, header and one row together; a quarter line of space around */
	if (b->text && *b->text) {
		struct pdf_line *ln = NULL;
		size_t n = 0;
		if (pdf_break_text(r, b->text, &ST_CAPTION, BLOCK_W, 0, &ln, &n))
			goto done;
		free(ln);
		cap_h = (double)n * ST_CAPTION.lead;
	}
	if (!r->fresh)
		r->y -= BODY_LEAD / 4;
	/* The first row's real height: a header is never left alone at the foot
	 * of a page because its first row wraps. */
	first_h = TBL_LEAD + 2 * TBL_PADY;
	if (b->nrows > 0) {
		{
			size_t lines;
			if (row_break(r, &t, &t.row, (const char *const *)b->cells, &ST_CELL))
				goto done;
			lines = row_left(&t, &t.row);
			first_h = (double)(lines ? lines : 1) * TBL_LEAD + 2 * TBL_PADY;
			if (first_h > BLOCK_H / 3)
				first_h = BLOCK_H / 3; /* a huge row splits anyway */
		}
	}
	if (pdf_need(r, cap_h + (t.repeat ? t.hdr_h : 0) + first_h) ||
	    pdf_text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER) || header_draw(r, &t))
		goto done;
	for (i = 0; i < b->nrows; i++) {
		const char *const *cells = (const char *const *)b->cells + i * nc;
		if (row_break(r, &t, &t.row, cells, &ST_CELL) || row_place(r, &t, &t.row, cells, 0))
			goto done;
	}
	r->y -= BODY_LEAD / 4;
	rc = 0;
done:
	rowl_free(&t.hdr, nc);
	rowl_free(&t.row, nc);
	free(t.x);
	free(t.titles);
	free(t.cst);
	return rc;
}
