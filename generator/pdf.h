/* pdf.h - the PDF renderer: struct doc -> A4 PDF laid out after GB/T 9704-2012
 * (37 mm top and 28 mm left margins, a 156 x 225 mm text block, 22 lines of 28
 * characters), with embedded subset CJK fonts, CJK line breaking (UAX #14 plus
 * 避头尾), tables that repeat their header, figures, bookmarks, page numbers
 * and a watermark. Only pdf*.c include <hpdf.h>; output bytes depend only on
 * the input (no dates, no random IDs). */
#ifndef KP_PDF_H
#define KP_PDF_H

#include <stddef.h>

#include "diag.h"
#include "doc.h"

struct pdf_opts {
	/* Directory searched first for the font files (gbsn00lp.ttf, gkai00mp.ttf,
	 * uming.ttc, HanaMinA.ttf); NULL: only the Debian font directories. */
	const char *font_dir_hint;
	/* 0: none; 1: GB/T 9704 "— 1 —" at the outer edge (odd pages right, even
	 * pages left); 2: the same, centred. Numbering restarts with each document. */
	int page_numbers;
	/* The department's fonts folder (settings 字体目录), NULL or "" for
	 * none; font_file: per role, in the order title (小标宋), body (仿宋),
	 * 一级标题 (黑体), 二级标题 (楷体) as settings.h SET_FONT_*, a file name
	 * in font_dir or a path; NULL or "": found in font_dir by the usual file
	 * names (FZXBSJW.TTF, simfang.ttf, simhei.ttf, simkai.ttf, ...), then by
	 * the family name in each font's name table. */
	const char *font_dir;
	const char *font_file[4];
};

/* Renders one document to path. o may be NULL (defaults: no hint, numbers 1).
 * Returns 0, or -1 with dg filled. The file is written as path.tmp, then
 * renamed: on failure an older file at path is left as it was (a process
 * killed while writing may leave path.tmp behind). */
int pdf_render(const struct doc *d, const char *path, const struct pdf_opts *o, struct diag *dg);

/* Renders n documents into one PDF (e.g. the report cards of all communities):
 * each starts on a new page, its title a top-level bookmark with its headings
 * below it. title is the PDF's document info title (NULL: the first doc's). */
int pdf_render_many(const struct doc *const *docs, size_t n, const char *title, const char *path,
		    const struct pdf_opts *o, struct diag *dg);

/* Which font file each role uses with these options (what pdf_render will
 * embed), as one line for a log or a closing note: "正文 /usr/.../gbsn00lp.ttf；
 * 标题 ...；一级标题 ...；二级标题 ..." into out. The PDF's document info
 * (Keywords) says the same. */
void pdf_fonts_used(const struct pdf_opts *o, char *out, size_t cap);

/* Line breaking, exposed for tests. One line of a paragraph: bytes
 * [start, end) of the text, trailing spaces and line feeds left out. */
struct pdf_line {
	size_t start, end;
	double width; /* natural width in em (may exceed the line width by a
			 closing punctuation squeezed in rather than pushed out) */
	int last;     /* 1: last line of the paragraph or before a line feed:
			 not justified */
};

/* Advance width of code point cp in em. */
typedef double (*pdf_advance_fn)(unsigned long cp, void *ctx);

/* Breaks UTF-8 text s into lines of width em (the first line indent em
 * narrower) at UAX #14 opportunities, never starting a line with closing
 * punctuation (，。、；：？！）」』》” ...) nor ending one with opening
 * punctuation (（「『《“ ...) unless a run without any allowed break is wider
 * than a line. Invalid UTF-8 bytes count as one U+FFFD each. adv NULL: 1 em
 * for East Asian wide characters, 0.5 em for the others. On success *lines
 * is a malloc'd array of *nlines entries (NULL and 0 for an empty text) that
 * the caller frees. Returns 0, or -1 with dg filled (out of memory). */
int pdf_break_lines(const char *s, double width, double indent, pdf_advance_fn adv, void *ctx,
		    struct pdf_line **lines, size_t *nlines, struct diag *dg);

#endif
