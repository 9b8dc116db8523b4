/* docx_int.h - shared by the Word renderer's files: docx.c (package and
 * parts) and docx_body.c (paragraphs, tables, figures, 公文 elements). */
#ifndef KAOPING_DOCX_INT_H
#define KAOPING_DOCX_INT_H

#include <stddef.h>

#include "buf.h"
#include "docx.h"

/* ---- page geometry (GB/T 9704-2012), in twips (1/20 pt; 1 mm = 56.69) ---- */

#define PAGE_W	   11906			   /* A4 210 mm, the value Word itself writes */
#define PAGE_H	   16838			   /* 297 mm */
#define MAR_TOP	   2098				   /* 37 mm 天头 */
#define MAR_LEFT   1587				   /* 28 mm 订口 */
#define MAR_RIGHT  1474				   /* 26 mm: 210 - 28 - 156 */
#define MAR_BOTTOM 1984				   /* 35 mm: 297 - 37 - 225 */
#define TEXT_W	   (PAGE_W - MAR_LEFT - MAR_RIGHT) /* 8845 = 156.0 mm */
#define TEXT_H	   (PAGE_H - MAR_TOP - MAR_BOTTOM) /* 12756 = 225.0 mm */
/* The document grid. Lines: Word fits floor(TEXT_H / linePitch) lines on a
 * page; 12756 / 22 = 579.8, so 579 gives 22 lines (580 would give 21). With
 * docx_opts.char_grid, characters too (type linesAndChars): the pitch is the
 * default font size (16 pt) plus charSpace/4096 pt; 28 characters need a
 * pitch <= 442.25 pt / 28 = 15.7946 pt, i.e. charSpace <= -841.1: -842 gives
 * 15.7944 pt and 28 characters a line (the values of the usual 公文 template). */
#define LINE_PITCH 579
#define CHAR_SPACE (-842)
/* The page number: its line's top 7 mm below the text block (35 - 7 = 28 mm
 * from the paper's foot); a 14 pt line is 4.9 mm high, so the footer's foot
 * is 23 mm = 1304 twips up. */
#define FOOTER_DIST 1304
#define HEADER_DIST 851 /* 15 mm */

#define EMU_PER_TWIP 635
#define PNG_MAX	     (64L << 20)

struct img {
	unsigned char *data;
	size_t len;
};

struct dx {
	struct diag *dg;
	int page_numbers; /* as docx_opts */
	int evenodd;	  /* different footers on even pages */
	int char_grid;	  /* as docx_opts */
	int headers;	  /* some document has a watermark: each section has headers */
	struct buf body;  /* word/document.xml */
	struct img *img;  /* word/media/imageN.png, N = index + 1 */
	size_t nimg, capimg;
	const char **wm; /* watermark text per section ("" none) */
	size_t nsect;
	int pending_break; /* a DOC_PAGEBREAK not yet placed */
	unsigned drawing_id;
};

/* docx_body.c */
void docx_esc_s(struct buf *b, const char *s, int attr);
void docx_runs(struct buf *b, const char *s);
void docx_sect_pr(struct dx *x, size_t sect);
int docx_body_doc(struct dx *x, const struct doc *d);

#endif
