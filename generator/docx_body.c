/* docx_body.c - the body of a .docx: escaping and runs, paragraphs, tables,
 * figures (PNG size read from its IHDR), section properties and the 公文
 * elements (版头, 落款, 附件, 版记). The package and its other parts are
 * written by docx.c. */
#include "docx_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- characters and escaping ----------------------------------------------- */

/* Decodes one UTF-8 character of s[0..n), n > 0. An invalid, overlong or
 * truncated sequence or a surrogate yields U+FFFD for its first byte. */
static size_t u8dec(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c = s[0], min;
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, c &= 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, c &= 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, c &= 0x07, min = 0x10000;
	else
		goto bad;
	if (len > n)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

/* Appends s[0..n) as XML character data; attr: for an attribute value, so
 * quotes and tab/LF/CR become references too. Invalid UTF-8 becomes U+FFFD;
 * what XML 1.0 cannot hold at all (C0 controls but tab/LF/CR, U+FFFE/FFFF)
 * is dropped. */
static void esc(struct buf *b, const char *s, size_t n, int attr)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;
	unsigned long c;

	while (i < n) {
		k = u8dec(p + i, n - i, &c);
		switch (c) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&apos;"); break;
		case '\t': buf_puts(b, attr ? "&#9;" : "\t"); break;
		case '\n': buf_puts(b, attr ? "&#10;" : "\n"); break;
		case '\r': buf_puts(b, attr ? "&#13;" : "\r"); break;
		default:
			if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
				break;
			if (c == 0xFFFD && k == 1 && p[i] >= 0x80)
				buf_puts(b, "\xEF\xBF\xBD");
			else
				buf_append(b, p + i, k);
		}
		i += k;
	}
}

void docx_esc_s(struct buf *b, const char *s, int attr)
{
	if (s)
		esc(b, s, strlen(s), attr);
}

/* One run of text: line feeds (LF, CR LF or CR) become w:br, tabs w:tab, so
 * a paragraph keeps its lines. The rFonts hint makes ambiguous characters
 * (“”‘’—…·) take the East Asian font, not the Latin one. */
void docx_runs(struct buf *b, const char *s)
{
	size_t i, from = 0, n;
	int open = 0;

	if (!s || !*s)
		return;
	n = strlen(s);
	buf_puts(b, "<w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr>");
	for (i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '\0';
		if (c != '\0' && c != '\n' && c != '\r' && c != '\t')
			continue;
		if (i > from) {
			if (!open)
				buf_puts(b, "<w:t xml:space=\"preserve\">");
			open = 1;
			esc(b, s + from, i - from, 0);
		}
		if (open && c != '\0')
			buf_puts(b, "</w:t>");
		if (c == '\0') {
			if (open)
				buf_puts(b, "</w:t>");
			break;
		}
		open = 0;
		if (c == '\t') {
			buf_puts(b, "<w:tab/>");
		} else {
			buf_puts(b, "<w:br/>");
			if (c == '\r' && i + 1 < n && s[i + 1] == '\n')
				i++;
		}
		from = i + 1;
	}
	buf_puts(b, "</w:r>");
}

/* ---- body ------------------------------------------------------------------ */

enum { P_KEEP_NEXT = 1 };

/* Opens a paragraph of the named style; a pending page break goes here. */
static void p_open(struct dx *x, const char *style, int flags, int space_after)
{
	struct buf *b = &x->body;

	buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/>", style);
	if (flags & P_KEEP_NEXT)
		buf_puts(b, "<w:keepNext/>");
	if (x->pending_break) {
		buf_puts(b, "<w:pageBreakBefore/>");
		x->pending_break = 0;
	}
	if (space_after)
		buf_printf(b, "<w:spacing w:after=\"%d\"/>", space_after);
	buf_puts(b, "</w:pPr>");
}

/* A paragraph of text; nothing for an empty text (as the PDF). */
static void para(struct dx *x, const char *style, const char *text, int flags, int space_after)
{
	if (!text || !*text)
		return;
	p_open(x, style, flags, space_after);
	docx_runs(&x->body, text);
	buf_puts(&x->body, "</w:p>");
}

/* An empty paragraph a quarter line high: after each table (space, and two
 * tables next to each other would merge into one), and to carry a page break
 * before a table that has no caption. */
static void spacer(struct dx *x)
{
	p_open(x, "Spacer", 0, 0);
	buf_puts(&x->body, "</w:p>");
}

/* Column widths in twips from the relative doc_col widths: proportional,
 * each at least one 五号 character plus padding, summing to TEXT_W. */
static int col_widths(const struct doc_col *cols, size_t nc, long *out)
{
	double minw = 330, free_w, sum, *w = malloc(nc * sizeof *w);
	char *fixed = calloc(nc, 1);
	size_t j, nfixed = 0;
	long total = 0;
	int changed = 1;

	if (!w || !fixed) {
		free(w);
		free(fixed);
		return -1;
	}
	if (minw * (double)nc > TEXT_W)
		minw = (double)TEXT_W / (double)nc;
	while (changed) {
		changed = 0;
		free_w = TEXT_W - minw * (double)nfixed;
		sum = 0;
		for (j = 0; j < nc; j++)
			if (!fixed[j])
				sum += (cols[j].width > 0 && cols[j].width < 1e9) ? cols[j].width
										  : 1;
		for (j = 0; j < nc; j++) {
			double cw = (cols[j].width > 0 && cols[j].width < 1e9) ? cols[j].width : 1;
			w[j] = fixed[j] ? minw : free_w * cw / sum;
			if (!fixed[j] && w[j] < minw - 1e-9) {
				fixed[j] = 1;
				nfixed++;
				changed = 1;
			}
		}
	}
	for (j = 0; j < nc; j++) {
		out[j] = (long)(w[j] + 0.5);
		total += out[j];
	}
	out[nc - 1] += TEXT_W - total; /* rounding: the block stays exactly filled */
	free(w);
	free(fixed);
	return 0;
}

/* Width of s in half-width units: CJK and full-width 2, others 1. */
static long half_units(const char *s)
{
	size_t i, n = s ? strlen(s) : 0;
	long u = 0;

	for (i = 0; i < n;) {
		unsigned long c;
		i += u8dec((const unsigned char *)s + i, n - i, &c);
		u += c >= 0x2E80 || (c >= 0x2010 && c <= 0x2027) || (c >= 0xFF00 && c <= 0xFFEF)
			     ? 2
			     : 1;
	}
	return u;
}

/* As the PDF (pdf_table.c fit_columns), from estimated widths at 五号 (a
 * CJK character 210 twips): each column wants its widest cell on one line
 * (prose over 16 characters only 6) and its title whole or halved when over
 * five characters; when all fits, the rest goes first to prose columns,
 * then in the given proportions; else titles first and the rest by what
 * each lacks. Word then wraps no name that fits. */
static void fit_widths(const struct doc_block *t, long *out)
{
	size_t nc = t->ncols, i, j;
	double want[64], base[64], prose[64], sw = 0, sb = 0, so = 0, lack = 0;
	const double pad = 130, ch = 210;
	long total = 0;

	if (nc > 64)
		return;
	for (j = 0; j < nc; j++) {
		double hw = (double)half_units(t->cols[j].title) * ch / 2, m = 0;
		for (i = 0; i < t->nrows; i++) {
			double cw = (double)half_units(t->cells[i * nc + j]) * ch / 2;
			if (cw > m)
				m = cw;
		}
		if (hw > 5.5 * ch)
			hw = ceil(hw / 2 / ch - 0.05) * ch;
		prose[j] = 0;
		if (m > 16 * ch) {
			prose[j] = m - 6 * ch;
			lack += prose[j];
			m = 6 * ch;
		}
		base[j] = hw + pad;
		want[j] = (m > hw ? m : hw) + pad;
		sw += want[j];
		sb += base[j];
		so += (double)out[j];
	}
	if (sw <= TEXT_W) {
		double extra = TEXT_W - sw, give = extra < lack ? extra : lack;
		for (j = 0; j < nc; j++)
			out[j] = (long)(want[j] + (lack > 0 ? give * prose[j] / lack : 0) +
					(extra - give) * (double)out[j] / so);
	} else if (sb <= TEXT_W) {
		for (j = 0; j < nc; j++)
			out[j] = (long)(base[j] + (TEXT_W - sb) * (want[j] - base[j]) / (sw - sb));
	} else {
		return;
	}
	for (j = 0; j < nc; j++)
		total += out[j];
	out[nc - 1] += TEXT_W - total;
}

static void cell(struct buf *b, long width, const char *style, const char *jc, const char *text)
{
	buf_printf(b,
		   "<w:tc><w:tcPr><w:tcW w:w=\"%ld\" w:type=\"dxa\"/><w:vAlign "
		   "w:val=\"center\"/></w:tcPr><w:p><w:pPr><w:pStyle w:val=\"%s\"/>"
		   "<w:jc w:val=\"%s\"/></w:pPr>",
		   width, style, jc);
	docx_runs(b, text);
	buf_puts(b, "</w:p></w:tc>");
}

static const char *jc_of(enum doc_align a)
{
	return a == DOC_CENTER ? "center" : a == DOC_RIGHT ? "right" : "left";
}

/* Caption above; the header row repeats on each page (w:tblHeader); no row
 * is split across pages (w:cantSplit). */
static int table(struct dx *x, const struct doc_block *t)
{
	struct buf *b = &x->body;
	size_t i, j, nc = t->ncols;
	long *w;

	if (nc == 0 || !t->cols) {
		para(x, "Caption", t->text, 0, 0);
		return 0;
	}
	w = malloc(nc * sizeof *w);
	if (!w || col_widths(t->cols, nc, w)) {
		free(w);
		return diag_set(x->dg, "内存不足");
	}
	fit_widths(t, w);
	if (t->text && *t->text)
		para(x, "Caption", t->text, P_KEEP_NEXT, 0);
	else if (x->pending_break)
		spacer(x);
	buf_printf(b,
		   "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"%d\" "
		   "w:type=\"dxa\"/><w:jc w:val=\"center\"/><w:tblLayout w:type=\"fixed\"/>"
		   "<w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>",
		   TEXT_W);
	for (j = 0; j < nc; j++)
		buf_printf(b, "<w:gridCol w:w=\"%ld\"/>", w[j]);
	buf_puts(b, "</w:tblGrid><w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
	for (j = 0; j < nc; j++)
		cell(b, w[j], "TableHead", "center", t->cols[j].title);
	buf_puts(b, "</w:tr>");
	for (i = 0; i < t->nrows; i++) {
		buf_puts(b, "<w:tr><w:trPr><w:cantSplit/></w:trPr>");
		for (j = 0; j < nc; j++)
			cell(b, w[j], "TableText", jc_of(t->cols[j].align),
			     t->cells ? t->cells[i * nc + j] : NULL);
		buf_puts(b, "</w:tr>");
	}
	buf_puts(b, "</w:tbl>");
	spacer(x);
	free(w);
	return 0;
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

/* Reads a whole PNG file into x->img; *iw, *ih from its IHDR chunk. */
static int read_png(struct dx *x, const char *path, unsigned long *iw, unsigned long *ih)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	long len;
	int rc = -1;

	if (!f)
		return diag_set(x->dg, "无法读取图片“%s”：%s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		diag_set(x->dg, "无法读取图片“%s”：%s", path, strerror(errno));
		goto done;
	}
	if (len > PNG_MAX) {
		diag_set(x->dg, "图片“%s”过大（超过 64 MB）", path);
		goto done;
	}
	data = malloc(len ? (size_t)len : 1);
	if (!data) {
		diag_set(x->dg, "内存不足");
		goto done;
	}
	if (fread(data, 1, (size_t)len, f) != (size_t)len || ferror(f)) {
		diag_set(x->dg, "无法读取图片“%s”：%s", path, strerror(errno));
		goto done;
	}
	if (len < 24 || memcmp(data, sig, 8) != 0 || memcmp(data + 12, "IHDR", 4) != 0 ||
	    (*iw = be32(data + 16)) == 0 || (*ih = be32(data + 20)) == 0) {
		diag_set(x->dg, "图片“%s”不是有效的 PNG 文件", path);
		goto done;
	}
	if (x->nimg == x->capimg) {
		size_t cap = x->capimg ? 2 * x->capimg : 8;
		struct img *p = realloc(x->img, cap * sizeof *p);
		if (!p) {
			diag_set(x->dg, "内存不足");
			goto done;
		}
		x->img = p;
		x->capimg = cap;
	}
	x->img[x->nimg].data = data;
	x->img[x->nimg].len = (size_t)len;
	x->nimg++;
	data = NULL;
	rc = 0;
done:
	free(data);
	fclose(f);
	return rc;
}

/* The chart as an inline picture as wide as the text block (at most three
 * quarters of its height), its numbers as the picture's alt text, the
 * caption below. Without a PNG: the numbers as a note, then the caption. */
static int figure(struct dx *x, const struct doc_block *f)
{
	struct buf *b = &x->body;
	unsigned long iw = 0, ih = 0;
	long long cx, cy, maxh = (long long)TEXT_H * 3 / 4 * EMU_PER_TWIP;
	unsigned id;

	if (!f->png || !*f->png) {
		para(x, "Note", f->alt, 0, 0);
		para(x, "Caption", f->text, 0, 0);
		return 0;
	}
	if (read_png(x, f->png, &iw, &ih))
		return -1;
	cx = (long long)TEXT_W * EMU_PER_TWIP;
	cy = (long long)((double)cx * (double)ih / (double)iw + 0.5);
	if (cy > maxh) {
		cx = (long long)((double)maxh * (double)iw / (double)ih + 0.5);
		cy = maxh;
	}
	id = ++x->drawing_id;
	p_open(x, "Figure", P_KEEP_NEXT, 0);
	buf_printf(b,
		   "<w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">"
		   "<wp:extent cx=\"%lld\" cy=\"%lld\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" "
		   "b=\"0\"/><wp:docPr id=\"%u\" name=\"图 %u\" descr=\"",
		   cx, cy, id, id);
	docx_esc_s(b, f->alt, 1);
	buf_printf(
		b,
		"\"/><wp:cNvGraphicFramePr><a:graphicFrameLocks "
		"xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
		"noChangeAspect=\"1\"/></wp:cNvGraphicFramePr><a:graphic "
		"xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
		"<a:graphicData uri=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
		"<pic:pic xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\">"
		"<pic:nvPicPr><pic:cNvPr id=\"%u\" name=\"image%zu.png\"/><pic:cNvPicPr/>"
		"</pic:nvPicPr><pic:blipFill><a:blip r:embed=\"rIdImg%zu\"/><a:stretch>"
		"<a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x=\"0\" "
		"y=\"0\"/><a:ext cx=\"%lld\" cy=\"%lld\"/></a:xfrm><a:prstGeom prst=\"rect\">"
		"<a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>"
		"</wp:inline></w:drawing></w:r></w:p>",
		id, x->nimg, x->nimg, cx, cy);
	para(x, "Caption", f->text, 0, 0);
	return 0;
}

/* The section properties closing one document: its headers and footers,
 * page size and margins, numbering from 1, the character grid. */
void docx_sect_pr(struct dx *x, size_t sect)
{
	struct buf *b = &x->body;

	buf_puts(b, "<w:sectPr>");
	if (x->headers) {
		buf_printf(b, "<w:headerReference w:type=\"default\" r:id=\"rIdHdr%zu\"/>",
			   2 * sect + 1);
		if (x->evenodd)
			buf_printf(b, "<w:headerReference w:type=\"even\" r:id=\"rIdHdr%zu\"/>",
				   2 * sect + 2);
	}
	if (x->page_numbers) {
		buf_puts(b, "<w:footerReference w:type=\"default\" r:id=\"rIdFtr1\"/>");
		if (x->evenodd)
			buf_puts(b, "<w:footerReference w:type=\"even\" r:id=\"rIdFtr2\"/>");
	}
	buf_printf(b,
		   "<w:type w:val=\"nextPage\"/><w:pgSz w:w=\"%d\" w:h=\"%d\"/>"
		   "<w:pgMar w:top=\"%d\" w:right=\"%d\" w:bottom=\"%d\" w:left=\"%d\" "
		   "w:header=\"%d\" w:footer=\"%d\" w:gutter=\"0\"/><w:pgNumType w:start=\"1\"/>"
		   "<w:cols w:space=\"425\"/>",
		   PAGE_W, PAGE_H, MAR_TOP, MAR_RIGHT, MAR_BOTTOM, MAR_LEFT, HEADER_DIST,
		   FOOTER_DIST);
	if (x->char_grid)
		buf_printf(b,
			   "<w:docGrid w:type=\"linesAndChars\" w:linePitch=\"%d\" "
			   "w:charSpace=\"%d\"/>",
			   LINE_PITCH, CHAR_SPACE);
	else
		buf_printf(b, "<w:docGrid w:type=\"lines\" w:linePitch=\"%d\"/>", LINE_PITCH);
	buf_puts(b, "</w:sectPr>");
}

/* ---- 公文 elements (GB/T 9704-2012), in the PDF's order ------------------- */

#define RED   "E60012" /* C0 M80 Y80 K0 of the 发文机关标志, as screens show it */
#define PITCH 315      /* one body character: 16 pt - 0.25 pt letter spacing */

static int nonempty(const char *s)
{
	return s && *s;
}

/* Estimated width in twips of body text: CJK one character, others half. */
static long est_width(const char *s)
{
	size_t i, n = strlen(s);
	long w = 0;

	for (i = 0; i < n;) {
		unsigned long c;
		i += u8dec((const unsigned char *)s + i, n - i, &c);
		w += c >= 0x2E80 || (c >= 0x2010 && c <= 0x2027) ? PITCH : PITCH / 2;
	}
	return w;
}

/* A paragraph of the named style with extra paragraph properties. */
static void para_x(struct dx *x, const char *style, const char *text, const char *ppr)
{
	struct buf *b = &x->body;

	buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/>", style);
	if (x->pending_break) {
		buf_puts(b, "<w:pageBreakBefore/>");
		x->pending_break = 0;
	}
	buf_printf(b, "%s</w:pPr>", ppr ? ppr : "");
	docx_runs(b, text);
	buf_puts(b, "</w:p>");
}

/* Two texts on one line: a left, b at the right edge (a right tab stop). */
static void left_right(struct dx *x, const char *style, const char *a, const char *bt,
		       const char *ppr, long right)
{
	struct buf *b = &x->body;

	buf_printf(b,
		   "<w:p><w:pPr><w:pStyle w:val=\"%s\"/><w:tabs><w:tab w:val=\"right\" "
		   "w:pos=\"%ld\"/></w:tabs>%s</w:pPr>",
		   style, (long)TEXT_W - right, ppr ? ppr : "");
	docx_runs(b, a ? a : "");
	if (nonempty(bt)) {
		buf_puts(b, "<w:r><w:tab/></w:r>");
		docx_runs(b, bt);
	}
	buf_puts(b, "</w:p>");
}

static void gw_head(struct dx *x, const struct doc *d)
{
	char ppr[256];

	if (d->genre == DOC_GENRE_BRIEFING) {
		if (nonempty(d->brief_name))
			para_x(x, "BriefName", d->brief_name, NULL);
		if (nonempty(d->issue))
			para_x(x, "DocNo", d->issue, NULL);
		snprintf(ppr, sizeof ppr,
			 "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" w:space=\"4\" "
			 "w:color=\"%s\"/></w:pBdr><w:spacing w:after=\"%d\"/>",
			 RED, LINE_PITCH);
		left_right(x, "Recipient", d->organ, d->date, ppr, 0);
	} else if (d->genre == DOC_GENRE_NOTICE) {
		/* 发文机关标志 35 mm (1984 twips) below the top of the text block */
		if (nonempty(d->organ))
			para_x(x, "RedHead", d->organ,
			       "<w:spacing w:before=\"1984\" w:after=\"1158\"/>");
		snprintf(ppr, sizeof ppr,
			 "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"11\" "
			 "w:color=\"%s\"/></w:pBdr><w:spacing w:after=\"%d\"/>",
			 RED, LINE_PITCH * 2);
		/* the red rule under the 文号, as in the PDF only with a head */
		if (nonempty(d->organ) || nonempty(d->docno))
			para_x(x, "DocNo", nonempty(d->docno) ? d->docno : "", ppr);
	}
}

/* 附件说明, 落款 and 成文日期 (the date four characters in from the right,
 * the organ centred over it), 附注. */
static void gw_tail(struct dx *x, const struct doc *d)
{
	size_t i, n = doc_annex_count(d), k = 0;
	char line[1200], ppr[200];

	for (i = 0; i < d->nblocks; i++) {
		const struct doc_block *bl = &d->blocks[i];
		if (bl->kind != DOC_TABLE || !bl->attach)
			continue;
		k++;
		doc_annex_line(bl, k, n, line, sizeof line);
		snprintf(ppr, sizeof ppr,
			 "<w:ind w:firstLineChars=\"0\" w:firstLine=\"%d\"/><w:jc "
			 "w:val=\"left\"/>%s",
			 (k == 1 ? 2 : 5) * PITCH, k == 1 ? "<w:spacing w:before=\"579\"/>" : "");
		para_x(x, "Normal", line, ppr);
	}
	if (d->genre == DOC_GENRE_NOTICE && (nonempty(d->signer) || nonempty(d->date))) {
		long wd = nonempty(d->date) ? est_width(d->date) : 0;
		long ws = nonempty(d->signer) ? est_width(d->signer) : 0;
		long rd = 4 * PITCH, rs = rd + wd / 2 - ws / 2;
		if (!nonempty(d->date))
			rs = 4 * PITCH;
		if (rs < 2 * PITCH)
			rs = 2 * PITCH;
		if (nonempty(d->signer)) {
			snprintf(
				ppr, sizeof ppr,
				"<w:keepNext/><w:spacing w:before=\"%d\"/><w:ind w:right=\"%ld\" "
				"w:firstLineChars=\"0\" w:firstLine=\"0\"/><w:jc w:val=\"right\"/>",
				LINE_PITCH, rs);
			para_x(x, "Recipient", d->signer, ppr);
		}
		if (nonempty(d->date)) {
			snprintf(ppr, sizeof ppr,
				 "<w:ind w:right=\"%ld\" w:firstLineChars=\"0\" "
				 "w:firstLine=\"0\"/><w:jc w:val=\"right\"/>",
				 rd);
			para_x(x, "Recipient", d->date, ppr);
		}
		if (nonempty(d->annex_note)) {
			snprintf(line, sizeof line, "（%s）", d->annex_note);
			para_x(x, "Normal", line, NULL);
		}
	}
}

/* The attachments on pages of their own, then the 版记. */
static int gw_annexes(struct dx *x, const struct doc *d)
{
	size_t i, n = doc_annex_count(d), k = 0;
	char label[32], a[1200];
	int na = 0, j;
	char l[2][1200];

	for (i = 0; i < d->nblocks; i++) {
		const struct doc_block *bl = &d->blocks[i];
		if (bl->kind != DOC_TABLE || !bl->attach)
			continue;
		k++;
		if (n == 1)
			snprintf(label, sizeof label, "附件");
		else
			snprintf(label, sizeof label, "附件%zu", k);
		x->pending_break = 1;
		para_x(x, "AnnexLabel", label, NULL);
		if (table(x, bl))
			return -1;
	}
	if (nonempty(d->report_to))
		snprintf(l[na++], sizeof l[0], "报送：%s。", d->report_to);
	if (nonempty(d->cc))
		snprintf(l[na++], sizeof l[0], "抄送：%s。", d->cc);
	if (na == 0 && !nonempty(d->printer) && !nonempty(d->printed))
		return 0;
	for (j = 0; j < na; j++)
		para_x(x, "Colophon", l[j],
		       j == 0 ? "<w:pBdr><w:top w:val=\"single\" w:sz=\"8\" w:space=\"1\" "
				"w:color=\"000000\"/><w:bottom w:val=\"single\" w:sz=\"4\" "
				"w:space=\"1\" w:color=\"000000\"/></w:pBdr>"
			      : "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" "
				"w:color=\"000000\"/></w:pBdr>");
	snprintf(a, sizeof a, "%s印发", nonempty(d->printed) ? d->printed : "");
	left_right(x, "Colophon", d->printer, nonempty(d->printed) ? a : NULL,
		   na ? "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"1\" "
			"w:color=\"000000\"/></w:pBdr>"
		      : "<w:pBdr><w:top w:val=\"single\" w:sz=\"8\" w:space=\"1\" "
			"w:color=\"000000\"/><w:bottom w:val=\"single\" w:sz=\"8\" "
			"w:space=\"1\" w:color=\"000000\"/></w:pBdr>",
		   280);
	return 0;
}

/* One document: the 公文 head (if any), the title block as in the PDF
 * (title, subtitle, date for a plain document, then space), 主送, blocks
 * (attachments left for the end), the 公文 tail. */
int docx_body_doc(struct dx *x, const struct doc *d)
{
	size_t i;
	int plain = d->genre == DOC_GENRE_PLAIN;

	x->pending_break = 0;
	gw_head(x, d);
	if (d->title && *d->title) {
		int has_sub = d->subtitle && *d->subtitle, has_date = plain && d->date && *d->date;
		int after = plain ? LINE_PITCH / 2 : LINE_PITCH;
		para(x, "Title", d->title, 0, has_sub || has_date ? 0 : after);
		if (has_sub)
			para(x, "Subtitle", d->subtitle, 0, has_date ? 0 : after);
		if (has_date)
			para(x, "Date", d->date, 0, after);
	}
	if (nonempty(d->to)) {
		char to[1200];
		snprintf(to, sizeof to, "%s：", d->to);
		para_x(x, "Recipient", to, NULL);
	}
	for (i = 0; i < d->nblocks; i++) {
		const struct doc_block *bl = &d->blocks[i];
		int level = bl->level < 1 ? 1 : bl->level > 4 ? 4 : bl->level;
		char style[16];

		switch (bl->kind) {
		case DOC_HEADING:
			snprintf(style, sizeof style, "Heading%d", level);
			para(x, style, bl->text, 0, 0);
			break;
		case DOC_PARA: para(x, "Normal", bl->text, 0, 0); break;
		case DOC_NOTE: para(x, "Note", bl->text, 0, 0); break;
		case DOC_TABLE:
			if (!bl->attach && table(x, bl))
				return -1;
			break;
		case DOC_FIGURE:
			if (figure(x, bl))
				return -1;
			break;
		case DOC_PAGEBREAK: x->pending_break = 1; break;
		}
	}
	gw_tail(x, d);
	return gw_annexes(x, d);
}

/* ---- the other parts ------------------------------------------------------- */
