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
	const char **titles; /* column titles (wrapped: pieces joined by '\n') */
	char **wrapped;	     /* the wrapped titles this table allocated */
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

/* Where a column title may wrap: before an opening bracket, after "/" or
 * "、", and in the middle of a run of eight or more characters
 * (统一社会/信用代码). A shorter run (考评得分, 业主满意度, 排名) is one word
 * and never broken: libunibreak would break between any two ideographs.
 * cut gets the byte offsets of the piece ends, the last one strlen(s);
 * returns their number (at most max). */
static size_t title_pieces(const char *s, size_t *cut, size_t max)
{
	size_t len = strlen(s), i = 0, n = 0, nrun = 0;
	size_t off[64]; /* byte offsets of the current run's characters */

	if (max < 3)
		return 0;
	while (i < len && n + 4 < max) {
		unsigned long c;
		size_t step = pdf_u8dec((const unsigned char *)s + i, len - i, &c);
		int split_before = (c == 0xFF08 || c == '(') && nrun > 0;
		if (split_before || nrun == sizeof off / sizeof *off) {
			if (nrun >= 8)
				cut[n++] = off[nrun / 2];
			cut[n++] = i;
			nrun = 0;
		}
		off[nrun++] = i;
		i += step;
		if ((c == '/' || c == 0xFF0F || c == 0x3001) && i < len && n + 2 < max) {
			if (nrun >= 9)
				cut[n++] = off[nrun / 2];
			cut[n++] = i;
			nrun = 0;
		}
	}
	if (i >= len && nrun >= 8)
		cut[n++] = off[nrun / 2];
	cut[n++] = len;
	return n;
}

/* The width of the widest piece of a title (points, header style). */
static double title_piece_w(struct rend *r, const char *s)
{
	size_t cut[16], n = title_pieces(s, cut, 16), k, a = 0;
	double m = 0;

	for (k = 0; k < n; k++) {
		double w = pdf_text_width(r, &ST_HEAD, s, a, cut[k]);
		if (w > m)
			m = w;
		a = cut[k];
	}
	return m;
}

/* The title wrapped into width points: as many whole pieces a line as fit,
 * lines joined by '\n'. NULL when out of memory. */
static char *title_wrap(struct rend *r, const char *s, double width)
{
	size_t cut[16], n = title_pieces(s, cut, 16), k, a = 0, ls = 0, o = 0;
	char *out = malloc(strlen(s) + n + 1);

	if (!out)
		return NULL;
	for (k = 0; k < n; k++) {
		/* the line so far plus this piece: too wide, so a new line first */
		if (a > ls && pdf_text_width(r, &ST_HEAD, s, ls, cut[k]) > width + EPS) {
			out[o++] = '\n';
			ls = a;
		}
		memcpy(out + o, s + a, cut[k] - a);
		o += cut[k] - a;
		a = cut[k];
	}
	out[o] = '\0';
	return out;
}

/* Widths so that names stay whole. Each column wants its widest cell on one
 * line (a long text, over 16 characters, is prose and may wrap, so it wants
 * only 6 characters) and its title whole, or its widest word when over five
 * characters (经费合计/（万元）, 统一社会/信用代码: title_pieces). If all fits at 五号, the room
 * left goes in the given proportions; else each column gets what its cells need at 8 pt plus a
 * share of the rest in proportion to what it still lacks at 五号, and its cells take the largest
 * of 10.5, 9 and 8 pt that fits. Only when even that is too wide (many columns) do the given widths
 * stay and names wrap. w: the proportional widths in, the final widths out. */
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
			hw = title_piece_w(r, h); /* wraps between its words only */
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

/* A table of at most this many rows is kept on one page (started on a new
 * page when it does not fit below the cursor): 表4's ten rows are not split
 * two and eight. A longer one splits, its header repeated. */
#define SHORT_ROWS 15

static void tbl_free(struct tbl *t)
{
	size_t j;

	rowl_free(&t->hdr, t->nc);
	rowl_free(&t->row, t->nc);
	free(t->x);
	free(t->titles);
	if (t->wrapped)
		for (j = 0; j < t->nc; j++)
			free(t->wrapped[j]);
	free(t->wrapped);
	free(t->cst);
}

/* Column widths, wrapped titles, the header's lines; then keep: the height
 * that must be free below the cursor before the table starts (caption,
 * header and the first row; the whole table when it is short and fits on a
 * page). */
static int tbl_open(struct rend *r, const struct doc_block *b, struct tbl *t, double *keep)
{
	size_t i, j, nc = b->ncols;
	double cap_h = 0, first_h, all_h = 0;

	memset(t, 0, sizeof *t);
	t->nc = nc;
	t->cols = b->cols;
	t->x = malloc((nc + 1) * sizeof *t->x);
	t->titles = calloc(nc, sizeof *t->titles);
	t->wrapped = calloc(nc, sizeof *t->wrapped);
	t->cst = calloc(nc, sizeof *t->cst);
	if (!t->x || !t->titles || !t->wrapped || !t->cst || rowl_alloc(&t->hdr, nc) ||
	    rowl_alloc(&t->row, nc))
		return pdf_fail_own(r, "out of memory", "allocating a table");
	for (j = 0; j < nc; j++)
		t->titles[j] = b->cols[j].title ? b->cols[j].title : "";
	if (col_widths(b->cols, nc, t->x + 1)) /* widths into x[1..nc], then edges */
		return pdf_fail_own(r, "out of memory", "allocating a table");
	fit_columns(r, b, t, t->x + 1);
	t->x[0] = LEFT_X;
	for (j = 0; j < nc; j++)
		t->x[j + 1] += t->x[j];
	t->x[nc] = LEFT_X + BLOCK_W;
	for (j = 0; j < nc; j++) {
		t->wrapped[j] = title_wrap(r, t->titles[j], t->x[j + 1] - t->x[j] - 2 * TBL_PADX);
		if (!t->wrapped[j])
			return pdf_fail_own(r, "out of memory", "allocating a table");
		t->titles[j] = t->wrapped[j];
	}
	if (row_break(r, t, &t->hdr, t->titles, &ST_HEAD))
		return -1;
	i = row_left(t, &t->hdr);
	t->hdr_h = (double)(i ? i : 1) * TBL_LEAD + 2 * TBL_PADY;
	t->repeat = t->hdr_h <= BLOCK_H / 3;

	if (b->text && *b->text) {
		struct pdf_line *ln = NULL;
		size_t n = 0;
		if (pdf_break_text(r, b->text, &ST_CAPTION, BLOCK_W, 0, &ln, &n))
			return -1;
		free(ln);
		cap_h = (double)n * ST_CAPTION.lead;
	}
	/* The first row's real height: a header is never left alone at the foot
	 * of a page because its first row wraps. */
	first_h = TBL_LEAD + 2 * TBL_PADY;
	for (i = 0; i < b->nrows && (i == 0 || b->nrows <= SHORT_ROWS); i++) {
		size_t lines;
		double h;
		if (row_break(r, t, &t->row, (const char *const *)b->cells + i * nc, &ST_CELL))
			return -1;
		lines = row_left(t, &t->row);
		h = (double)(lines ? lines : 1) * TBL_LEAD + 2 * TBL_PADY;
		if (i == 0)
			first_h = h > BLOCK_H / 3 ? BLOCK_H / 3 : h; /* a huge row splits anyway */
		all_h += h;
	}
	*keep = cap_h + t->hdr_h + first_h;
	if (b->nrows <= SHORT_ROWS && cap_h + t->hdr_h + all_h <= BLOCK_H - BODY_LEAD / 4)
		*keep = cap_h + t->hdr_h + all_h;
	*keep += BODY_LEAD / 4; /* the space above */
	return 0;
}

int pdf_table_keep(struct rend *r, const struct doc_block *b, double *keep)
{
	struct tbl t;
	int rc;

	*keep = 0;
	if (b->ncols == 0 || !b->cols || b->attach)
		return 0;
	rc = tbl_open(r, b, &t, keep);
	tbl_free(&t);
	return rc;
}

int pdf_table(struct rend *r, const struct doc_block *b)
{
	struct tbl t;
	size_t i, nc = b->ncols;
	double keep;
	int rc = -1;

	if (nc == 0 || !b->cols)
		return pdf_text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER);
	if (tbl_open(r, b, &t, &keep))
		goto done;
	/* caption, header and one row together (a short table whole); a
	 * quarter line of space around */
	if (pdf_need(r, keep))
		goto done;
	if (!r->fresh)
		r->y -= BODY_LEAD / 4;
	if (pdf_text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER) || header_draw(r, &t))
		goto done;
	for (i = 0; i < b->nrows; i++) {
		const char *const *cells = (const char *const *)b->cells + i * nc;
		if (row_break(r, &t, &t.row, cells, &ST_CELL) || row_place(r, &t, &t.row, cells, 0))
			goto done;
	}
	r->y -= BODY_LEAD / 4;
	rc = 0;
done:
	tbl_free(&t);
	return rc;
}
