/* pdf_int.h - what the files of the PDF renderer share (pdf.c the layout,
 * pdf_text.c characters and line breaking, pdf_font.c the TrueType faces,
 * pdf_table.c tables): page geometry, text styles, the renderer's state. Only
 * these files include it (and <hpdf.h>). */
#ifndef KP_PDF_INT_H
#define KP_PDF_INT_H

#include <hpdf.h>
#include <limits.h>

#include "buf.h"
#include "pdf.h"

/* ---- page geometry (GB/T 9704-2012), in points ---------------------------- */

#define MM	   (72.0 / 25.4)
#define LEFT_X	   (28 * MM)
#define BLOCK_W	   (156 * MM)
#define BLOCK_H	   (225 * MM)
#define PAGE_H_A4  (297 * MM)
#define TOP_Y	   (PAGE_H_A4 - 37 * MM)
#define BOTTOM_Y   (TOP_Y - BLOCK_H)
#define BODY_SIZE  16.0		  /* 三号 */
#define BODY_PITCH (BLOCK_W / 28) /* one character of a body line: 15.79 pt */
/* 28 characters a line by letter spacing (GB/T 9704), not a smaller font */
#define BODY_TC	  (BODY_PITCH - BODY_SIZE)
#define BODY_LEAD (BLOCK_H / 22) /* 22 lines a page: 29 pt */
#define EPS	  0.01

#define TBL_SIZE    10.5 /* 五号 */
#define TBL_LEAD    14.0
#define TBL_PADX    3.0
#define TBL_PADY    3.0
#define TBL_LINE    0.5
#define PAGENO_SIZE 14.0 /* 四号 */

/* Faces: the Debian ones (pdf_fontfiles), then the department's own, one per
 * role, when the settings name a fonts folder that has them. */
enum {
	FACE_SONG,
	FACE_KAI,
	FACE_MING,
	FACE_HANA,
	NDEBFACE,
	FACE_D_TITLE = NDEBFACE, /* 方正小标宋简体 */
	FACE_D_BODY,		 /* 仿宋_GB2312 */
	FACE_D_H1,		 /* 黑体 */
	FACE_D_H2,		 /* 楷体_GB2312 */
	NFACE
};

/* Roles a style asks for; each is mapped to a face when the renderer opens. */
enum {
	ROLE_SONG,  /* 宋体: tables, notes, captions, page numbers */
	ROLE_BODY,  /* 仿宋 body, else 宋 */
	ROLE_TITLE, /* 小标宋 title, else 宋 bold */
	ROLE_H1,    /* 黑体 一、, else 宋 bold */
	ROLE_H2,    /* 楷体 （一）, else gkai00mp */
	NROLE
};

struct fontfile {
	const char *name;
	const char *dir[2];
	int index; /* TTC font index, -1 for a plain TTF */
	const char *pkg;
};
extern const struct fontfile pdf_fontfiles[NDEBFACE];

struct face {
	char path[PATH_MAX];  /* "" when the file was not found */
	int index;	      /* TTC font index, -1 for a plain TTF */
	unsigned char *cover; /* 8192 bytes: BMP code points with a glyph */
	int cover_tried;
	HPDF_Font font; /* NULL until first used in this PDF */
	short *w[256];	/* advance widths (1/1000 em) by code point; -1 unknown */
};

struct tstyle {
	int role; /* ROLE_*: the first face tried */
	double size, lead;
	int bold;  /* 1: stroked; 2: stroked unless the role has the department's
		      own face (黑体 and 小标宋 are heavy already) */
	double tc; /* letter spacing, points */
};

static const struct tstyle ST_BODY = {ROLE_BODY, BODY_SIZE, BODY_LEAD, 0, BODY_TC};
static const struct tstyle ST_TITLE = {ROLE_TITLE, 22, 36, 2, 0};
static const struct tstyle ST_SUBTITLE = {ROLE_H2, BODY_SIZE, BODY_LEAD, 0, BODY_TC};
static const struct tstyle ST_H[4] = {{ROLE_H1, BODY_SIZE, BODY_LEAD, 2, BODY_TC},
				      {ROLE_H2, BODY_SIZE, BODY_LEAD, 0, BODY_TC},
				      {ROLE_BODY, BODY_SIZE, BODY_LEAD, 1, BODY_TC},
				      {ROLE_BODY, BODY_SIZE, BODY_LEAD, 0, BODY_TC}};
static const struct tstyle ST_NOTE = {ROLE_SONG, 12, 20, 0, 0};
static const struct tstyle ST_CAPTION = {ROLE_SONG, 12, 20, 1, 0};
static const struct tstyle ST_CELL = {ROLE_SONG, TBL_SIZE, TBL_LEAD, 0, 0};
static const struct tstyle ST_HEAD = {ROLE_SONG, TBL_SIZE, TBL_LEAD, 1, 0};
static const struct tstyle ST_BRIEFNAME = {ROLE_TITLE, 36, 54, 2, 0};
static const struct tstyle ST_ORGAN = {ROLE_TITLE, 30, 42, 2, 0};
static const struct tstyle ST_COLOPHON = {ROLE_BODY, 14, 26, 0, 0};
static const struct tstyle ST_ISSUE = {ROLE_BODY, BODY_SIZE, BODY_LEAD, 0, 0};
static const struct tstyle ST_PAGENO = {ROLE_SONG, PAGENO_SIZE, PAGENO_SIZE, 0, 0};
static const struct tstyle ST_WATERMARK = {ROLE_SONG, 54, 54, 0, 0};

enum { AL_JUSTIFY, AL_LEFT, AL_CENTER, AL_RIGHT };

struct rend {
	HPDF_Doc pdf;
	HPDF_Encoder enc;
	struct diag *dg;
	HPDF_STATUS err, detail; /* first error reported by libharu */
	int failed;
	struct face face[NFACE];
	int role[NROLE];    /* style role -> face actually used */
	int own[NROLE];	    /* 1: the role has the department's own face */
	unsigned long repl; /* replacement for characters no face has */
	int page_numbers;

	HPDF_Page page;
	double y;	   /* top of the free space on the page */
	int pageno, fresh; /* fresh: nothing drawn on the page yet */
	const char *watermark;
	const char *watermark_png; /* the watermark as a picture, or NULL */
	HPDF_Image watermark_img;  /* loaded once per PDF */
	/* page state as last set, to skip redundant operators; -1: unknown */
	int cur_face, cur_bold;
	double cur_size, cur_tc, cur_lw;

	HPDF_Outline ol_root, ol[5];
	int have_outline;

	/* scratch for one line */
	unsigned long *sc_cp;
	unsigned char *sc_face;
	double *sc_w;
	size_t sc_cap;
	struct buf tb;
};

/* shared functions, by file */

/* pdf_text.c */
size_t pdf_u8dec(const unsigned char *s, size_t n, unsigned long *cp);
size_t pdf_u8enc(unsigned long c, char *o);
int pdf_is_wide(unsigned long c);

/* pdf_font.c */
int pdf_pick(struct rend *r, int role, unsigned long *c);
int pdf_advance(struct rend *r, int f, unsigned long c);
int pdf_load_face(struct rend *r, int f);
int pdf_break_text(struct rend *r, const char *s, const struct tstyle *st, double width,
		   double indent, struct pdf_line **lines, size_t *n);
void pdf_find_font(struct face *fc, const struct fontfile *ff, const char *hint);
int pdf_cover_has(struct rend *r, int f, unsigned long c);
int pdf_fix_tounicode(struct rend *r);
void pdf_find_dept_fonts(struct rend *r, const char *dir, const char *const file[4]);
void pdf_assign_roles(struct rend *r);
void pdf_roles_text(const struct rend *r, char *out, size_t cap);

/* pdf.c */
int pdf_ckh(struct rend *r, const void *h, const char *what);
int pdf_fail_own(struct rend *r, const char *problem, const char *what);
int pdf_ck(struct rend *r, HPDF_STATUS st, const char *what);
int pdf_draw_text(struct rend *r, const struct tstyle *st, const char *s, size_t a, size_t b,
		  double x, double y, double ca, double sa, double target);
double pdf_baseline(double top, const struct tstyle *st);
double pdf_text_width(struct rend *r, const struct tstyle *st, const char *s, size_t a, size_t b);
int pdf_set_lw(struct rend *r, double lw);
int pdf_new_page(struct rend *r);
int pdf_text_block(struct rend *r, const char *s, const struct tstyle *st, double indent,
		   int align);
int pdf_need(struct rend *r, double h);
void pdf_forget_state(struct rend *r);

/* pdf_official.c */
int pdf_nonempty(const char *s);
int pdf_brief_head(struct rend *r, const struct doc *d);
int pdf_notice_head(struct rend *r, const struct doc *d);
int pdf_annex_list(struct rend *r, const struct doc *d);
int pdf_signature(struct rend *r, const struct doc *d);
int pdf_annexes(struct rend *r, const struct doc *d);
int pdf_colophon(struct rend *r, const struct doc *d);

/* pdf_table.c */
int pdf_table(struct rend *r, const struct doc_block *b);
int pdf_table_keep(struct rend *r, const struct doc_block *b, double *keep);

#endif
