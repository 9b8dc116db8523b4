/* docx.h - the Word renderer: struct doc -> an editable .docx (Office Open
 * XML, opened by Word, WPS and LibreOffice) laid out after GB/T 9704-2012: A4,
 * 37/28/35/26 mm margins, 22 lines of 28 characters, 三号 仿宋 body,
 * named styles for the title and heading levels, "— 1 —" page numbers at the
 * outer edge. The XML is written here; the zip container through libzip (only
 * docx.c includes <zip.h>). Output bytes depend only on the input. */
#ifndef KP_DOCX_H
#define KP_DOCX_H

#include <stddef.h>

#include "diag.h"
#include "doc.h"

struct docx_opts {
	/* 0: none; 1: GB/T 9704 "— 1 —" at the outer edge (odd pages right, even
	 * pages left, one character in); 2: the same, centred. Numbering
	 * restarts with each document (as pdf_opts.page_numbers). */
	int page_numbers;
	/* How the body gets its 28 characters a line. 0 (default): 16 pt text
	 * with -0.25 pt letter spacing (in the Normal style) and a line grid of
	 * 22 lines: the same in Word, WPS and LibreOffice. 1: Word's character
	 * grid (docGrid linesAndChars, as 公文 templates set it; page setup then
	 * shows 28 x 22): Word and WPS squeeze each character to the 15.79 pt
	 * pitch, but LibreOffice 7.4 spreads each 16 pt character over two grid
	 * cells (18 a line, measured). */
	int char_grid;
};

/* Renders one document to path. o may be NULL (defaults: numbers 1).
 * Figures embed their PNG files, which must be readable. Returns 0, or -1
 * with dg filled. libzip writes a temporary file beside path and renames it:
 * on failure an older file at path is left as it was. */
int docx_render(const struct doc *d, const char *path, const struct docx_opts *o, struct diag *dg);

/* Renders n documents into one .docx (e.g. the report cards of all
 * communities): each is a section of its own that starts on a new page and
 * numbers its pages from 1. title is the file's document property title
 * (NULL: the first doc's). */
int docx_render_many(const struct doc *const *docs, size_t n, const char *title, const char *path,
		     const struct docx_opts *o, struct diag *dg);

#endif
