/* doc.h - the report model shared by the PDF and HTML renderers: a document is
 * a list of blocks (headings, paragraphs, tables, figures, key figures, page
 * breaks). model.c fills documents from the store; pdf.c and html.c render
 * them, so a figure is computed once. All strings are UTF-8 and copied in:
 * a struct doc owns everything it holds. */
#ifndef KP_DOC_H
#define KP_DOC_H

#include <stddef.h>

enum doc_kind {
	DOC_HEADING, /* level 1..4: 一、 （一） 1. （1） numbering is in the text */
	DOC_PARA,    /* body paragraph: first-line indent, justified */
	DOC_TABLE,   /* header row + rows; repeats its header on each page */
	DOC_FIGURE,  /* a chart: PNG for PDF, SVG for HTML, caption, text alt */
	DOC_PAGEBREAK,
	DOC_NOTE /* small print (source, footnote), no indent */
};

enum doc_align { DOC_LEFT, DOC_CENTER, DOC_RIGHT };

struct doc_col {
	char *title;
	double width; /* relative width (any unit; normalised by the renderer) */
	enum doc_align align;
};

struct doc_block {
	enum doc_kind kind;
	int level;    /* DOC_HEADING */
	char *text;   /* heading, paragraph, note text; table caption; figure caption */
	int bookmark; /* DOC_HEADING: also an outline entry in PDF */
	/* DOC_TABLE */
	struct doc_col *cols;
	size_t ncols;
	char **cells; /* nrows * ncols, row-major */
	size_t nrows;
	/* DOC_FIGURE */
	char *png;     /* path of the PNG file */
	char *svg;     /* path of the SVG file, relative to the HTML root */
	char *alt;     /* the numbers behind the chart, as text */
	double aspect; /* height / width */
	/* DOC_TABLE: 1 = an attachment (附件): listed in the 附件说明 after the
	 * body and printed after the 落款, each on a new page headed 附件N */
	int attach;
};

/* What kind of 公文 a document is (GB/T 9704-2012): it decides the head. */
enum doc_genre {
	DOC_GENRE_PLAIN,    /* title, subtitle and date centred: no 公文 head */
	DOC_GENRE_BRIEFING, /* 简报: 报头 (name in red, 期号, 编发单位 and date, red rule) */
	DOC_GENRE_NOTICE    /* 通报, 公示: 发文机关标志 in red, 文号, red rule */
};

struct doc {
	char *title;	     /* document title (二号, centred) */
	char *subtitle;	     /* e.g. the period, issuing body; may be NULL */
	char *date;	     /* 成文日期 shown under the title block; may be NULL */
	char *watermark;     /* e.g. 内部资料 注意保存; NULL for none */
	char *watermark_png; /* the watermark as a picture (drawn instead of the
				text, which would mix into copied text); may be NULL */
	char *author;	     /* PDF document info */
	char *version; /* the results' version (公示稿, 终稿) or NULL: see doc_set_version */
	/* 公文 elements (GB/T 9704-2012); NULL or "" leaves one out. With a
	 * genre other than PLAIN, date is the 成文日期 under the 落款 (NOTICE)
	 * or in the 报头 (BRIEFING), no longer under the title. */
	enum doc_genre genre;
	char *organ;	  /* NOTICE: 发文机关标志; BRIEFING: 编发单位 */
	char *docno;	  /* NOTICE: 发文字号, e.g. x组通〔2026〕1号 */
	char *brief_name; /* BRIEFING: 简报名称 (报头, red) */
	char *issue;	  /* BRIEFING: 期号, e.g. 第1期 */
	char *to;	  /* 主送机关 without the colon: flush left, "：" added */
	char *signer;	  /* 落款 (发文机关署名); with date: right, 4 characters in */
	char *annex_note; /* 附注, printed in round brackets under the date */
	char *cc;	  /* 版记: 抄送 */
	char *report_to;  /* 版记: 报送 (a 简报's 报送范围) */
	char *printer;	  /* 版记: 印发机关 */
	char *printed;	  /* 版记: 印发日期, e.g. 2026年1月8日 ("印发" is added) */
	struct doc_block *blocks;
	size_t nblocks, cap;
};

/* Lifecycle: doc_new returns a heap doc, doc_free frees it and all it holds. */
struct doc *doc_new(const char *title);
void doc_free(struct doc *d);
void doc_set(char **field, const char *value); /* replaces a string field */
/* Marks d as a version of the results ("公示稿", "终稿"; NULL or "" none): the
 * mark "（公示稿）" ends the subtitle (its own line under the title when there
 * is none), so every renderer of the model shows it where 公文 put a 稿's
 * name. Call it after the subtitle is final. Returns 0, or -1 out of memory. */
int doc_set_version(struct doc *d, const char *version);

/* The tables attached to d (附件), in order: how many there are, and the
 * 附件说明 line for the k-th (1-based) of n: "附件：T" when it is the only
 * one, else "附件：1. T", then "2. T", … (the renderers indent them). */
size_t doc_annex_count(const struct doc *d);
void doc_annex_line(const struct doc_block *b, size_t k, size_t n, char *out, size_t cap);

/* Builders return the new block (owned by the doc) or NULL on out of memory. */
struct doc_block *doc_heading(struct doc *d, int level, const char *text, int bookmark);
struct doc_block *doc_para(struct doc *d, const char *text);
struct doc_block *doc_note(struct doc *d, const char *text);
struct doc_block *doc_pagebreak(struct doc *d);
struct doc_block *doc_table(struct doc *d, const char *caption, size_t ncols);
/* Sets column i of a table block. */
int doc_table_col(struct doc_block *t, size_t i, const char *title, double width,
		  enum doc_align align);
/* Appends a row of ncols strings (copied; NULL means ""). */
int doc_table_row(struct doc_block *t, const char *const *cells);
/* Marks a table block as an attachment (附件). */
void doc_attach(struct doc_block *t);
struct doc_block *doc_figure(struct doc *d, const char *caption, const char *png, const char *svg,
			     const char *alt, double aspect);

#endif
