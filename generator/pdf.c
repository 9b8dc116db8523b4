/* pdf.c - the PDF renderer: struct doc -> PDF with libharu 2.3.0 (the only file
 * that includes <hpdf.h>). Fonts are embedded subset TrueType CID fonts; each
 * character is drawn with the first face whose cmap (read here, not by libharu)
 * has it. Lines are broken by pdf_break_lines (libunibreak + 避头尾) and placed
 * run by run with absolute text matrices; justification stretches only gaps
 * next to CJK characters or spaces (PDF Tc). See shared/notes/libharu-cjk.md. */
#include "pdf.h"

#include <errno.h>
#include <hpdf.h>
#include <limits.h>
#include <linebreak.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* ---- page geometry (GB/T 9704-2012), in points ---------------------------- */

#define MM (72.0 / 25.4)
#define LEFT_X (28 * MM)
#define BLOCK_W (156 * MM)
#define BLOCK_H (225 * MM)
#define PAGE_H_A4 (297 * MM)
#define TOP_Y (PAGE_H_A4 - 37 * MM)
#define BOTTOM_Y (TOP_Y - BLOCK_H)
#define BODY_SIZE (BLOCK_W / 28) /* 28 characters a line: 15.8 pt, about 三号 */
#define BODY_LEAD (BLOCK_H / 22) /* 22 lines a page: 29 pt */
#define EPS 0.01

#define TBL_SIZE 10.5 /* 五号 */
#define TBL_LEAD 14.0
#define TBL_PADX 3.0
#define TBL_PADY 3.0
#define TBL_LINE 0.5
#define PAGENO_SIZE 14.0 /* 四号 */

/* ---- characters ------------------------------------------------------------ */

/* Decodes one UTF-8 character of s[0..n), n > 0. An invalid or truncated
 * sequence yields U+FFFD for its first byte. Returns the bytes used. */
static size_t u8dec(const unsigned char *s, size_t n, unsigned long *cp)
{
	unsigned long c = s[0];
	size_t len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		c &= 0x07;
	} else {
		goto bad;
	}
	if (n < len)
		goto bad;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		goto bad;
	*cp = c;
	return len;
bad:
	*cp = 0xFFFD;
	return 1;
}

static size_t u8enc(unsigned long c, char *o)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

static int in_list(unsigned long c, const unsigned short *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (l[i] == c)
			return 1;
	return 0;
}

/* Never at the start of a line (避头). */
static int is_close(unsigned long c)
{
	static const unsigned short l[] = {
		0x3001, 0x3002, 0xFF0C, 0xFF0E, 0xFF1A, 0xFF1B, 0xFF1F, 0xFF01, 0xFF09,
		0xFF3D, 0xFF5D, 0x300D, 0x300F, 0x300B, 0x3009, 0x3011, 0x3015, 0x3017,
		0x3019, 0x301B, 0x201D, 0x2019, 0x2026, 0x2025, 0x00B7, 0x30FB, 0xFF05,
		0x2030, 0x2103, 0x00B0, 0x3003, 0x3005, 0xFE50, 0xFE51, 0xFE52, 0xFE54,
		0xFE55, 0xFE56, 0xFE57, ',', '.', ';', ':', '?', '!', ')', ']', '}', '%'};

	return in_list(c, l, sizeof l / sizeof l[0]);
}

/* Never at the end of a line (避尾). */
static int is_open(unsigned long c)
{
	static const unsigned short l[] = {0xFF08, 0x300C, 0x300E, 0x300A, 0x3008,
					   0x3010, 0x3014, 0x3016, 0x3018, 0x301A,
					   0x201C, 0x2018, 0xFF3B, 0xFF5B, '(', '[', '{'};

	return in_list(c, l, sizeof l / sizeof l[0]);
}

/* Left out at the end of a line. U+3000 (ideographic space) is kept: it is
 * used on purpose for indents. */
static int is_trim(unsigned long c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0B || c == 0x0C ||
	       c == 0x85 || c == 0x2028 || c == 0x2029;
}

static int is_wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD) || c == 0x2014 ||
	       c == 0x2026 || c == 0x201C || c == 0x201D || c == 0x2018 || c == 0x2019 ||
	       c == 0xFFFD;
}

static double default_adv(unsigned long c, void *ctx)
{
	(void)ctx;
	if (c == '\n' || c == '\r')
		return 0;
	return is_wide(c) ? 1.0 : 0.5;
}

/* ---- line breaking ------------------------------------------------------- */

static void lb_init(void)
{
	static int done;

	if (!done) {
		init_linebreak();
		done = 1;
	}
}

/* Where the line that overflows at character i (i > ls) ends: a closing
 * punctuation that overflows by little is squeezed in (the line is then
 * compressed), else the last allowed break, else an emergency break that
 * still avoids punctuation at the edges when it can. x is the width of
 * [ls, i). */
static size_t line_end(const utf32_t *cp, const double *w, const char *brk, size_t n,
		       size_t ls, size_t i, double x, double avail, size_t lastb)
{
	size_t k, j;
	double t = x;

	for (k = i; k < n && k < i + 3; k++) {
		if (!is_close(cp[k]))
			break;
		t += w[k];
		if (brk[k] != LINEBREAK_NOBREAK) {
			double over = t - avail;
			if (over <= 1.0 + 1e-9 && over <= 0.1 * (double)(k - ls) + 1e-9)
				return k;
			break;
		}
	}
	if (lastb != SIZE_MAX)
		return lastb;
	for (j = i - 1;; j--) {
		if (!is_open(cp[j]) && !is_close(cp[j + 1]))
			return j;
		if (j == ls)
			break;
	}
	/* the line holds one character and closers follow: keep up to three of
	 * them with it (the line overflows) rather than start a line with one */
	for (k = i; k + 1 < n && k < i + 2 && brk[k] == LINEBREAK_NOBREAK && is_close(cp[k + 1]);)
		k++;
	return is_close(cp[i]) ? k : i - 1;
}

int pdf_break_lines(const char *s, double width, double indent, pdf_advance_fn adv,
		    void *ctx, struct pdf_line **lines, size_t *nlines, struct diag *dg)
{
	size_t len, n = 0, i, nl = 0, cap = 0, ls;
	utf32_t *cp = NULL;
	size_t *off = NULL;
	double *w = NULL;
	char *brk = NULL;
	struct pdf_line *out = NULL;
	int rc = -1;

	*lines = NULL;
	*nlines = 0;
	if (!s || !*s)
		return 0;
	if (!adv)
		adv = default_adv;
	len = strlen(s);
	cp = calloc(len, sizeof *cp); /* calloc: quiets a false gcc -O2 warning */
	off = malloc((len + 1) * sizeof *off);
	w = malloc(len * sizeof *w);
	brk = malloc(len);
	if (!cp || !off || !w || !brk)
		goto oom;
	for (i = 0; i < len; n++) {
		unsigned long c;
		off[n] = i;
		i += u8dec((const unsigned char *)s + i, len - i, &c);
		cp[n] = (utf32_t)c;
	}
	off[n] = len;
	lb_init();
	set_linebreaks_utf32(cp, n, "zh", brk);
	for (i = 0; i < n; i++) {
		double a = (cp[i] == '\n' || cp[i] == '\r') ? 0 : adv(cp[i], ctx);
		w[i] = (a > 0 && a < 1e6) ? a : 0;
		if (i + 1 < n && brk[i] == LINEBREAK_ALLOWBREAK &&
		    (is_open(cp[i]) || is_close(cp[i + 1])))
			brk[i] = LINEBREAK_NOBREAK;
	}
	brk[n - 1] = LINEBREAK_MUSTBREAK;

	for (ls = 0; ls < n;) {
		double avail = nl == 0 ? width - indent : width, x = 0;
		size_t lastb = SIZE_MAX, e = n - 1, te;
		struct pdf_line *L;

		if (!(avail > 0))
			avail = 0;
		for (i = ls; i < n; i++) {
			if (i > ls && !is_trim(cp[i]) && x + w[i] > avail + 1e-6) {
				e = line_end(cp, w, brk, n, ls, i, x, avail, lastb);
				break;
			}
			x += w[i];
			if (brk[i] == LINEBREAK_MUSTBREAK) {
				e = i;
				break;
			}
			if (brk[i] == LINEBREAK_ALLOWBREAK)
				lastb = i;
		}
		if (nl == cap) {
			size_t nc = cap ? cap * 2 : 16;
			struct pdf_line *p = realloc(out, nc * sizeof *p);
			if (!p)
				goto oom;
			out = p;
			cap = nc;
		}
		L = &out[nl++];
		L->start = off[ls];
		L->width = 0;
		for (te = e + 1; te > ls && is_trim(cp[te - 1]); te--)
			;
		L->end = off[te];
		for (i = ls; i < te; i++)
			L->width += w[i];
		L->last = brk[e] == LINEBREAK_MUSTBREAK;
		ls = e + 1;
	}
	*lines = out;
	*nlines = nl;
	out = NULL;
	rc = 0;
	goto done;
oom:
	diag_set(dg, "out of memory breaking a paragraph of %zu bytes into lines", len);
done:
	free(cp);
	free(off);
	free(w);
	free(brk);
	free(out);
	return rc;
}

/* ---- fonts ----------------------------------------------------------------- */

enum { FACE_SONG, FACE_KAI, FACE_MING, FACE_HANA, NFACE };

/* The faces, in fallback order after the style's own face. AR PL SungtiL GB
 * (宋体) and KaitiM GB (楷体) cover GB2312; AR PL UMing (same foundry and
 * style) and Hanazono Mincho A cover the rarer characters of names. Both
 * render correctly with libharu 2.3.0: UMing's only nested composite glyphs
 * are accented Latin letters, which the GB faces have; Hanazono has none. */
static const struct fontfile {
	const char *name;
	const char *dir[2];
	int index; /* TTC font index, -1 for a plain TTF */
	const char *pkg;
} FONTFILES[NFACE] = {
	{"gbsn00lp.ttf",
	 {"/usr/share/fonts/truetype/arphic-gbsn00lp", "/usr/share/fonts/truetype/arphic"},
	 -1,
	 "fonts-arphic-gbsn00lp"},
	{"gkai00mp.ttf",
	 {"/usr/share/fonts/truetype/arphic-gkai00mp", "/usr/share/fonts/truetype/arphic"},
	 -1,
	 "fonts-arphic-gkai00mp"},
	{"uming.ttc", {"/usr/share/fonts/truetype/arphic", NULL}, 0, "fonts-arphic-uming"},
	{"HanaMinA.ttf", {"/usr/share/fonts/truetype/hanazono", NULL}, -1, "fonts-hanazono"},
};

struct face {
	char path[PATH_MAX]; /* "" when the file was not found */
	unsigned char *cover; /* 8192 bytes: BMP code points with a glyph */
	int cover_tried;
	HPDF_Font font;       /* NULL until first used in this PDF */
	short *w[256];        /* advance widths (1/1000 em) by code point; -1 unknown */
};

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 |
	       p[3];
}

static int read_at(FILE *f, unsigned long off, void *p, size_t n)
{
	if (fseek(f, (long)off, SEEK_SET) != 0)
		return -1;
	return fread(p, 1, n, f) == n ? 0 : -1;
}

/* Fills bits (8192 bytes) from the format 4 Unicode cmap of font `index` of a
 * TrueType file or collection: bit c is set when U+c has a glyph. */
static int read_cover(const char *path, int index, unsigned char *bits)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[12], *dir = NULL, *cm = NULL;
	unsigned long base = 0, cmoff = 0, cmlen = 0, sub = 0, best = 0;
	unsigned i, nt, ns;
	int rc = -1;

	if (!f)
		return -1;
	if (read_at(f, 0, h, 12))
		goto done;
	if (memcmp(h, "ttcf", 4) == 0) {
		unsigned char o[4];
		if (index < 0)
			index = 0;
		if ((unsigned long)index >= be32(h + 8) || read_at(f, 12 + 4 * (unsigned long)index, o, 4))
			goto done;
		base = be32(o);
		if (read_at(f, base, h, 12))
			goto done;
	}
	nt = be16(h + 4);
	dir = malloc((size_t)nt * 16 + 1);
	if (!dir || read_at(f, base + 12, dir, (size_t)nt * 16))
		goto done;
	for (i = 0; i < nt; i++) {
		if (memcmp(dir + 16 * i, "cmap", 4) == 0) {
			cmoff = be32(dir + 16 * i + 8);
			cmlen = be32(dir + 16 * i + 12);
		}
	}
	if (cmlen < 4 || cmlen > (64UL << 20))
		goto done;
	cm = malloc(cmlen);
	if (!cm || read_at(f, cmoff, cm, cmlen))
		goto done;
	ns = be16(cm + 2);
	for (i = 0; i < ns && 4 + 8 * (unsigned long)i + 8 <= cmlen; i++) {
		const unsigned char *e = cm + 4 + 8 * i;
		unsigned pl = be16(e), en = be16(e + 2);
		unsigned long so = be32(e + 4);
		int score = (pl == 3 && en == 1) ? 2 : (pl == 0) ? 1 : 0;
		if (!score || so + 14 > cmlen || be16(cm + so) != 4)
			continue;
		if ((unsigned long)score > best) {
			best = (unsigned long)score;
			sub = so;
		}
	}
	if (!best)
		goto done;
	{
		const unsigned char *t = cm + sub;
		unsigned long tlen = cmlen - sub, seg2 = be16(t + 6), k;
		const unsigned char *ends = t + 14, *starts, *deltas, *ros;

		if (14 + 4 * seg2 + 2 > tlen)
			goto done;
		starts = ends + seg2 + 2;
		deltas = starts + seg2;
		ros = deltas + seg2;
		memset(bits, 0, 8192);
		for (k = 0; k < seg2; k += 2) {
			unsigned long c, st = be16(starts + k), en = be16(ends + k);
			unsigned delta = be16(deltas + k), ro = be16(ros + k);
			for (c = st; c <= en && c < 0xFFFF; c++) {
				unsigned g;
				if (ro == 0) {
					g = (unsigned)(c + delta) & 0xFFFF;
				} else {
					unsigned long a = (unsigned long)(ros + k - t) + ro + 2 * (c - st);
					if (a + 2 > tlen)
						break;
					g = be16(t + a);
					if (g)
						g = (g + delta) & 0xFFFF;
				}
				if (g)
					bits[c >> 3] |= (unsigned char)(1u << (c & 7));
			}
		}
	}
	rc = 0;
done:
	free(dir);
	free(cm);
	fclose(f);
	return rc;
}

static int file_exists(const char *p)
{
	FILE *f = fopen(p, "rb");

	if (!f)
		return 0;
	fclose(f);
	return 1;
}

static void find_font(struct face *fc, const struct fontfile *ff, const char *hint)
{
	int i, n;

	fc->path[0] = '\0';
	if (hint && *hint) {
		n = snprintf(fc->path, sizeof fc->path, "%s/%s", hint, ff->name);
		if (n > 0 && (size_t)n < sizeof fc->path && file_exists(fc->path))
			return;
	}
	for (i = 0; i < 2 && ff->dir[i]; i++) {
		n = snprintf(fc->path, sizeof fc->path, "%s/%s", ff->dir[i], ff->name);
		if (n > 0 && (size_t)n < sizeof fc->path && file_exists(fc->path))
			return;
	}
	fc->path[0] = '\0';
}

/* ---- the renderer ---------------------------------------------------------- */

struct tstyle {
	int role; /* FACE_SONG or FACE_KAI: the first face tried */
	double size, lead;
	int bold;
};

static const struct tstyle ST_BODY = {FACE_SONG, BODY_SIZE, BODY_LEAD, 0};
static const struct tstyle ST_TITLE = {FACE_SONG, 22, 36, 1};
static const struct tstyle ST_SUBTITLE = {FACE_KAI, BODY_SIZE, BODY_LEAD, 0};
static const struct tstyle ST_H[4] = {{FACE_SONG, BODY_SIZE, BODY_LEAD, 1},
				      {FACE_KAI, BODY_SIZE, BODY_LEAD, 0},
				      {FACE_SONG, BODY_SIZE, BODY_LEAD, 0},
				      {FACE_SONG, BODY_SIZE, BODY_LEAD, 0}};
static const struct tstyle ST_NOTE = {FACE_SONG, 12, 20, 0};
static const struct tstyle ST_CAPTION = {FACE_SONG, 12, 20, 1};
static const struct tstyle ST_CELL = {FACE_SONG, TBL_SIZE, TBL_LEAD, 0};
static const struct tstyle ST_HEAD = {FACE_SONG, TBL_SIZE, TBL_LEAD, 1};
static const struct tstyle ST_PAGENO = {FACE_SONG, PAGENO_SIZE, PAGENO_SIZE, 0};

enum { AL_JUSTIFY, AL_LEFT, AL_CENTER, AL_RIGHT };

struct rend {
	HPDF_Doc pdf;
	HPDF_Encoder enc;
	struct diag *dg;
	HPDF_STATUS err, detail; /* first error reported by libharu */
	int failed;
	struct face face[NFACE];
	int role[NFACE];         /* style role -> face actually used */
	unsigned long repl;      /* replacement for characters no face has */
	int page_numbers;

	HPDF_Page page;
	double y;                /* top of the free space on the page */
	int pageno, fresh;       /* fresh: nothing drawn on the page yet */
	const char *watermark;
	const char *watermark_png;  /* the watermark as a picture, or NULL */
	HPDF_Image watermark_img;   /* loaded once per PDF */
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
		diag_set(r->dg, "%s while %s (libharu error 0x%04lX, detail %lu)", err_name(e), what,
			 (unsigned long)e, (unsigned long)r->detail);
		r->failed = 1;
	}
	return -1;
}

/* A failure of our own (not libharu's). Returns -1. */
static int fail_own(struct rend *r, const char *problem, const char *what)
{
	if (!r->failed) {
		diag_set(r->dg, "%s while %s", problem, what);
		r->failed = 1;
	}
	return -1;
}

/* Checks a libharu status and the error handler's record. */
static int ck(struct rend *r, HPDF_STATUS st, const char *what)
{
	if (r->failed)
		return -1;
	if (st == HPDF_OK && !r->err)
		return 0;
	return fail(r, what, st);
}

/* Checks a handle returned by libharu. */
static int ckh(struct rend *r, const void *h, const char *what)
{
	if (r->failed)
		return -1;
	if (h && !r->err)
		return 0;
	return fail(r, what, 0);
}

static int cover_has(struct rend *r, int f, unsigned long c)
{
	struct face *fc = &r->face[f];

	if (!fc->path[0] || c > 0xFFFF)
		return 0;
	if (!fc->cover_tried) {
		fc->cover_tried = 1;
		fc->cover = malloc(8192);
		if (fc->cover && read_cover(fc->path, FONTFILES[f].index, fc->cover)) {
			free(fc->cover);
			fc->cover = NULL;
		}
	}
	return fc->cover && (fc->cover[c >> 3] >> (c & 7) & 1);
}

static int load_face(struct rend *r, int f)
{
	struct face *fc = &r->face[f];
	const char *name;
	char what[PATH_MAX + 32];

	if (fc->font)
		return 0;
	if (r->failed)
		return -1;
	snprintf(what, sizeof what, "loading the font '%s'", fc->path);
	if (FONTFILES[f].index >= 0)
		name = HPDF_LoadTTFontFromFile2(r->pdf, fc->path, (HPDF_UINT)FONTFILES[f].index,
						HPDF_TRUE);
	else
		name = HPDF_LoadTTFontFromFile(r->pdf, fc->path, HPDF_TRUE);
	if (ckh(r, name, what))
		return -1;
	fc->font = HPDF_GetFont(r->pdf, name, "UTF-8");
	return ckh(r, fc->font, what);
}

/* The face that draws c in a style whose own face is `role` (then the others
 * in FONTFILES order); *c may become the replacement character when no face
 * has it. Never fails. */
static int pick(struct rend *r, int role, unsigned long *c)
{
	int f0 = r->role[role], f, tries;
	unsigned long ch = *c;

	if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0))
		ch = ' ';
	for (tries = 0; tries < 2; tries++) {
		if (cover_has(r, f0, ch)) {
			*c = ch;
			return f0;
		}
		for (f = 0; f < NFACE; f++) {
			if (f != f0 && cover_has(r, f, ch)) {
				*c = ch;
				return f;
			}
		}
		ch = r->repl;
	}
	*c = '?';
	return f0;
}

/* Advance of c in face f, in 1/1000 em, from the cache or libharu. */
static int advance(struct rend *r, int f, unsigned long c)
{
	struct face *fc = &r->face[f];
	short *blk;
	char u[4];
	HPDF_TextWidth tw;
	int v;

	if (c > 0xFFFF)
		return 1000;
	blk = fc->w[c >> 8];
	if (!blk) {
		blk = malloc(256 * sizeof *blk);
		if (!blk) {
			fail_own(r, "out of memory", "allocating the width cache");
			return 1000;
		}
		memset(blk, 0xFF, 256 * sizeof *blk); /* -1 */
		fc->w[c >> 8] = blk;
	}
	if (blk[c & 0xFF] >= 0)
		return blk[c & 0xFF];
	if (load_face(r, f))
		return 1000;
	tw = HPDF_Font_TextWidth(fc->font, (const HPDF_BYTE *)u, (HPDF_UINT)u8enc(c, u));
	if (ck(r, HPDF_OK, "measuring text"))
		return 1000;
	v = tw.width > 30000 ? 30000 : (int)tw.width;
	blk[c & 0xFF] = (short)v;
	return v;
}

struct advctx {
	struct rend *r;
	int role;
};

static double adv_cb(unsigned long c, void *ctx)
{
	struct advctx *a = ctx;
	int f = pick(a->r, a->role, &c);

	return advance(a->r, f, c) / 1000.0;
}

static int break_lines(struct rend *r, const char *s, const struct tstyle *st, double width,
		       double indent, struct pdf_line **lines, size_t *n)
{
	struct advctx a = {r, st->role};

	if (r->failed)
		return -1;
	if (pdf_break_lines(s, width / st->size, indent / st->size, adv_cb, &a, lines, n, r->dg)) {
		r->failed = 1;
		return -1;
	}
	if (r->failed) {
		free(*lines);
		*lines = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

/* ---- page state ------------------------------------------------------------ */

static void forget_state(struct rend *r)
{
	r->cur_face = -1;
	r->cur_bold = -1;
	r->cur_size = -1;
	r->cur_tc = 0;
	r->cur_lw = -1;
}

static int set_lw(struct rend *r, double lw)
{
	if (r->cur_lw == lw)
		return 0;
	r->cur_lw = lw;
	return ck(r, HPDF_Page_SetLineWidth(r->page, (HPDF_REAL)lw), "setting the line width");
}

/* Bold is simulated: fill then stroke the glyphs with a thin line. */
static int set_bold(struct rend *r, int bold, double size)
{
	if (bold && set_lw(r, size * 0.035))
		return -1;
	if (r->cur_bold == bold)
		return 0;
	r->cur_bold = bold;
	return ck(r,
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
		i += u8dec((const unsigned char *)s + i, n - i, &c);
		if (c > 0xFFFF)
			c = 0xFFFD;
		if (c < 0x20 || c == 0x7F)
			c = ' ';
		buf_append(&r->tb, u, u8enc(c, u));
	}
	buf_putc(&r->tb, '\0');
	if (r->tb.failed) {
		fail_own(r, "out of memory", "building a string");
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
		return fail_own(r, "out of memory", "allocating a line");
	r->sc_cp = p;
	if (!(p = realloc(r->sc_face, cap)))
		return fail_own(r, "out of memory", "allocating a line");
	r->sc_face = p;
	if (!(p = realloc(r->sc_w, cap * sizeof *r->sc_w)))
		return fail_own(r, "out of memory", "allocating a line");
	r->sc_w = p;
	r->sc_cap = cap;
	return 0;
}

/* Natural width in points of bytes [a, b) of s. */
static double text_width(struct rend *r, const struct tstyle *st, const char *s, size_t a,
			 size_t b)
{
	double w = 0;

	while (a < b) {
		unsigned long c;
		int f;
		a += u8dec((const unsigned char *)s + a, b - a, &c);
		f = pick(r, st->role, &c);
		w += advance(r, f, c);
	}
	return w * st->size / 1000.0;
}

/* Whether the gap after a character of advance wa (em) before one of advance
 * wb stretches when justifying: next to CJK characters or after a space. */
static int stretchy(unsigned long a, double wa, unsigned long b, double wb)
{
	return wa > 0.9 || wb > 0.9 || a == ' ' || is_wide(a) || is_wide(b);
}

/* Draws bytes [a, b) of s in style st with its origin at (x, y), along the
 * direction (ca, sa). target > 0: justify to that width (gaps next to CJK
 * characters or spaces take the difference; a line wider than target is
 * compressed the same way). */
static int draw_text(struct rend *r, const struct tstyle *st, const char *s, size_t a,
		     size_t b, double x, double y, double ca, double sa, double target)
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
		a += u8dec((const unsigned char *)s + a, b - a, &c);
		r->sc_face[n] = (unsigned char)pick(r, st->role, &c);
		r->sc_cp[n] = c;
		r->sc_w[n] = advance(r, r->sc_face[n], c) * st->size / 1000.0;
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
	if (ck(r, HPDF_Page_BeginText(r->page), "beginning text") || set_bold(r, st->bold, st->size))
		return -1;
	for (i = 0; i < n; i = j) {
		/* a run: one face, and internal gaps all stretching or all not */
		int kind = -1;
		double tc, runw = 0;
		for (j = i + 1; j < n && r->sc_face[j] == r->sc_face[i]; j++) {
			int g = e != 0 && (allgaps || stretchy(r->sc_cp[j - 1],
							       r->sc_w[j - 1] / st->size,
							       r->sc_cp[j], r->sc_w[j] / st->size));
			if (kind < 0)
				kind = g;
			else if (g != kind)
				break;
		}
		tc = kind > 0 ? e : 0;
		buf_reset(&r->tb);
		for (size_t k = i; k < j; k++) {
			char u[4];
			buf_append(&r->tb, u, u8enc(r->sc_cp[k], u));
			runw += r->sc_w[k] + (k + 1 < j ? tc : 0);
		}
		buf_putc(&r->tb, '\0');
		if (r->tb.failed)
			return fail_own(r, "out of memory", "building a text run");
		if (r->cur_face != r->sc_face[i] || r->cur_size != st->size) {
			if (load_face(r, r->sc_face[i]) ||
			    ck(r, HPDF_Page_SetFontAndSize(r->page, r->face[r->sc_face[i]].font,
							   (HPDF_REAL)st->size),
			       "setting the font"))
				return -1;
			r->cur_face = r->sc_face[i];
			r->cur_size = st->size;
		}
		if (r->cur_tc != tc) {
			if (ck(r, HPDF_Page_SetCharSpace(r->page, (HPDF_REAL)tc),
			       "setting the character spacing"))
				return -1;
			r->cur_tc = tc;
		}
		if (ck(r,
		       HPDF_Page_SetTextMatrix(r->page, (HPDF_REAL)ca, (HPDF_REAL)sa,
					       (HPDF_REAL)-sa, (HPDF_REAL)ca,
					       (HPDF_REAL)(x + ca * dx), (HPDF_REAL)(y + sa * dx)),
		       "positioning text") ||
		    ck(r, HPDF_Page_ShowText(r->page, r->tb.data), "showing text"))
			return -1;
		dx += runw;
		if (j < n) /* the gap between this run and the next */
			dx += (e != 0 && (allgaps || stretchy(r->sc_cp[j - 1],
							      r->sc_w[j - 1] / st->size,
							      r->sc_cp[j], r->sc_w[j] / st->size)))
				      ? e
				      : 0;
	}
	return ck(r, HPDF_Page_EndText(r->page), "ending text");
}

/* Baseline of a line whose box (height lead) starts at top: glyphs centred. */
static double baseline(double top, const struct tstyle *st)
{
	return top - st->lead / 2 - 0.35 * st->size;
}

/* The watermark as a picture under the page (an opaque white A4 image is
 * drawn first, so the text goes over it); extracted text stays clean. */
static int draw_watermark_png(struct rend *r)
{
	if (!r->watermark_img) {
		r->watermark_img = HPDF_LoadPngImageFromFile(r->pdf, r->watermark_png);
		if (ckh(r, r->watermark_img, "loading the watermark picture"))
			return -1;
	}
	if (ck(r, HPDF_Page_DrawImage(r->page, r->watermark_img, 0, 0, (HPDF_REAL)(210 * MM),
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
	struct tstyle st = {FACE_SONG, 54, 54, 0};
	const char *s = r->watermark;
	size_t n = strlen(s);
	double w = text_width(r, &st, s, 0, n), c = 0.70710678, sn = 0.70710678;
	double cx = 210 * MM / 2, cy = PAGE_H_A4 / 2;
	/* origin such that the middle of the text (at 0.38 em above the baseline)
	 * is at the centre of the page */
	double x = cx - c * w / 2 + sn * 0.38 * st.size, y = cy - sn * w / 2 - c * 0.38 * st.size;

	if (r->failed)
		return -1;
	if (ck(r, HPDF_Page_GSave(r->page), "saving the graphics state") ||
	    ck(r, HPDF_Page_SetGrayFill(r->page, 0.85f), "setting the colour"))
		return -1;
	if (draw_text(r, &st, s, 0, n, x, y, c, sn, 0))
		return -1;
	if (ck(r, HPDF_Page_GRestore(r->page), "restoring the graphics state"))
		return -1;
	forget_state(r);
	return 0;
	}
}

static int draw_pageno(struct rend *r)
{
	char s[64];
	double w, x, top = BOTTOM_Y - 7 * MM;

	snprintf(s, sizeof s, "\xE2\x80\x94 %d \xE2\x80\x94", r->pageno);
	w = text_width(r, &ST_PAGENO, s, 0, strlen(s));
	if (r->page_numbers == 2)
		x = LEFT_X + (BLOCK_W - w) / 2;
	else if (r->pageno % 2)
		x = LEFT_X + BLOCK_W - PAGENO_SIZE - w;
	else
		x = LEFT_X + PAGENO_SIZE;
	return draw_text(r, &ST_PAGENO, s, 0, strlen(s), x, top - 0.88 * PAGENO_SIZE, 1, 0, 0);
}

static int new_page(struct rend *r)
{
	if (r->failed)
		return -1;
	r->page = HPDF_AddPage(r->pdf);
	if (ckh(r, r->page, "adding a page") ||
	    ck(r, HPDF_Page_SetSize(r->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT),
	       "setting the page size"))
		return -1;
	forget_state(r);
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
static int need(struct rend *r, double h)
{
	if (r->y - h < BOTTOM_Y - EPS && !r->fresh)
		return new_page(r);
	return 0;
}

/* ---- text blocks ------------------------------------------------------------ */

/* Lays out text s in style st over the text block width, over pages: first
 * line indented by indent points, aligned by align; centred lines balanced. */
static int text_block(struct rend *r, const char *s, const struct tstyle *st, double indent,
		      int align)
{
	struct pdf_line *ln = NULL;
	size_t n = 0, i;
	int rc = -1;

	if (!s || !*s)
		return 0;
	if (break_lines(r, s, st, BLOCK_W, indent, &ln, &n))
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
			if (break_lines(r, s, st, w, indent, &l2, &n2))
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
		if (need(r, st->lead))
			goto done;
		w = ln[i].width * st->size;
		if (w > avail + EPS || (align == AL_JUSTIFY && !ln[i].last))
			target = avail; /* justified, or a squeezed line compressed */
		else if (align == AL_CENTER)
			x += (avail - w) / 2;
		else if (align == AL_RIGHT)
			x += avail - w;
		if (draw_text(r, st, s, ln[i].start, ln[i].end, x, baseline(r->y, st), 1, 0, target))
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
	if (ckh(r, o, "adding a bookmark"))
		return -1;
	dst = HPDF_Page_CreateDestination(r->page);
	if (ckh(r, dst, "adding a bookmark") ||
	    ck(r, HPDF_Destination_SetFitH(dst, (HPDF_REAL)top), "adding a bookmark") ||
	    ck(r, HPDF_Outline_SetDestination(o, dst), "adding a bookmark"))
		return -1;
	r->ol[level] = o;
	for (k = level + 1; k <= 4; k++)
		r->ol[k] = NULL;
	r->have_outline = 1;
	return 0;
}

static int heading(struct rend *r, const struct doc_block *b)
{
	int level = b->level < 1 ? 1 : b->level > 4 ? 4 : b->level;
	const struct tstyle *st = &ST_H[level - 1];
	struct pdf_line *ln = NULL;
	size_t n = 0;
	int k;

	for (k = level; k <= 4; k++)
		r->ol[k] = NULL;
	if (!b->text || !*b->text)
		return 0;
	/* the heading and two lines of what follows on one page */
	if (break_lines(r, b->text, st, BLOCK_W, 2 * st->size, &ln, &n))
		return -1;
	free(ln);
	if (need(r, st->lead * (double)n + 2 * BODY_LEAD))
		return -1;
	if (b->bookmark && add_outline(r, level, b->text, r->y + 2))
		return -1;
	return text_block(r, b->text, st, 2 * st->size, AL_LEFT);
}

/* ---- tables --------------------------------------------------------------- */

/* The broken lines of one row's cells, and how many of each are drawn. */
struct rowl {
	struct pdf_line **ln;
	size_t *nln, *from;
};

struct tbl {
	size_t nc;
	double *x;             /* nc + 1 column edges */
	const struct doc_col *cols;
	struct rowl hdr, row;
	const char **titles;   /* column titles */
	int repeat;            /* header repeated on each page */
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

static int row_break(struct rend *r, const struct tbl *t, struct rowl *rl,
		     const char *const *cells, const struct tstyle *st)
{
	size_t j;

	for (j = 0; j < t->nc; j++) {
		free(rl->ln[j]);
		rl->ln[j] = NULL;
		rl->nln[j] = 0;
		rl->from[j] = 0;
		if (break_lines(r, cells[j], st, t->x[j + 1] - t->x[j] - 2 * TBL_PADX, 0,
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
static int row_draw(struct rend *r, const struct tbl *t, struct rowl *rl,
		    const char *const *cells, size_t k, int header, int centre)
{
	const struct tstyle *st = header ? &ST_HEAD : &ST_CELL;
	double top = r->y, h = (double)k * TBL_LEAD + 2 * TBL_PADY;
	size_t j, i;

	if (header) {
		if (ck(r, HPDF_Page_SetGrayFill(r->page, 0.9f), "filling the table header") ||
		    ck(r, HPDF_Page_Rectangle(r->page, (HPDF_REAL)t->x[0], (HPDF_REAL)(top - h),
					      (HPDF_REAL)(t->x[t->nc] - t->x[0]), (HPDF_REAL)h),
		       "filling the table header") ||
		    ck(r, HPDF_Page_Fill(r->page), "filling the table header") ||
		    ck(r, HPDF_Page_SetGrayFill(r->page, 0), "filling the table header"))
			return -1;
	}
	for (j = 0; j < t->nc; j++) {
		size_t cnt = rl->nln[j] - rl->from[j];
		double voff, cw = t->x[j + 1] - t->x[j] - 2 * TBL_PADX;
		int align = header ? AL_CENTER
			    : t->cols[j].align == DOC_RIGHT ? AL_RIGHT
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
			if (draw_text(r, st, cells[j], L->start, L->end, x,
				      baseline(top - TBL_PADY - voff - (double)i * TBL_LEAD, st), 1, 0,
				      0))
				return -1;
		}
		rl->from[j] += cnt;
	}
	if (set_lw(r, TBL_LINE))
		return -1;
	for (j = 0; j <= t->nc; j++) {
		if (ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)t->x[j], (HPDF_REAL)top), "drawing") ||
		    ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)t->x[j], (HPDF_REAL)(top - h)),
		       "drawing"))
			return -1;
	}
	if (ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)t->x[0], (HPDF_REAL)top), "drawing") ||
	    ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)t->x[t->nc], (HPDF_REAL)top), "drawing") ||
	    ck(r, HPDF_Page_MoveTo(r->page, (HPDF_REAL)t->x[0], (HPDF_REAL)(top - h)), "drawing") ||
	    ck(r, HPDF_Page_LineTo(r->page, (HPDF_REAL)t->x[t->nc], (HPDF_REAL)(top - h)),
	       "drawing") ||
	    ck(r, HPDF_Page_Stroke(r->page), "drawing the table grid"))
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
			if (new_page(r) || (!header && t->repeat && header_draw(r, t)))
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
		if (new_page(r) || (!header && t->repeat && header_draw(r, t)))
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

static int table(struct rend *r, const struct doc_block *b)
{
	struct tbl t;
	size_t i, j, nc = b->ncols;
	double cap_h = 0, first_h;
	int rc = -1;

	memset(&t, 0, sizeof t);
	if (nc == 0 || !b->cols)
		return text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER);
	t.nc = nc;
	t.cols = b->cols;
	t.x = malloc((nc + 1) * sizeof *t.x);
	t.titles = calloc(nc, sizeof *t.titles);
	if (!t.x || !t.titles || rowl_alloc(&t.hdr, nc) || rowl_alloc(&t.row, nc)) {
		fail_own(r, "out of memory", "allocating a table");
		goto done;
	}
	for (j = 0; j < nc; j++)
		t.titles[j] = b->cols[j].title ? b->cols[j].title : "";
	if (col_widths(b->cols, nc, t.x + 1)) { /* widths into x[1..nc], then edges */
		fail_own(r, "out of memory", "allocating a table");
		goto done;
	}
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
		if (break_lines(r, b->text, &ST_CAPTION, BLOCK_W, 0, &ln, &n))
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
	if (need(r, cap_h + (t.repeat ? t.hdr_h : 0) + first_h) ||
	    text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER) || header_draw(r, &t))
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
	return rc;
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
		if (text_block(r, b->alt, &ST_NOTE, 0, AL_JUSTIFY) ||
		    text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER))
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
	if (ckh(r, img, what))
		return -1;
	iw = HPDF_Image_GetWidth(img);
	ih = HPDF_Image_GetHeight(img);
	if (ck(r, HPDF_OK, what))
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
		if (break_lines(r, b->text, &ST_CAPTION, BLOCK_W, 0, &ln, &n))
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
	if (need(r, h + 4 + cap_h))
		return -1;
	if (ck(r,
	       HPDF_Page_DrawImage(r->page, img, (HPDF_REAL)(LEFT_X + (BLOCK_W - w) / 2),
				   (HPDF_REAL)(r->y - h), (HPDF_REAL)w, (HPDF_REAL)h),
	       what))
		return -1;
	r->y -= h + 4;
	r->fresh = 0;
	if (text_block(r, b->text, &ST_CAPTION, 0, AL_CENTER))
		return -1;
	r->y -= BODY_LEAD / 4;
	return 0;
}

/* ---- documents ------------------------------------------------------------- */

static int render_doc(struct rend *r, const struct doc *d, int many)
{
	size_t i;
	int k;

	r->watermark = d->watermark;
	r->watermark_png = d->watermark && d->watermark_png && *d->watermark_png ? d->watermark_png : NULL;
	r->pageno = 0;
	if (new_page(r))
		return -1;
	for (k = 0; k <= 4; k++)
		r->ol[k] = NULL;
	r->ol_root = NULL;
	if (many) {
		if (add_outline(r, 0, d->title && *d->title ? d->title : "-", r->y + 2))
			return -1;
		r->ol_root = r->ol[0];
	}
	if (d->title && *d->title) {
		if (text_block(r, d->title, &ST_TITLE, 0, AL_CENTER))
			return -1;
		if (d->subtitle && *d->subtitle &&
		    text_block(r, d->subtitle, &ST_SUBTITLE, 0, AL_CENTER))
			return -1;
		if (d->date && *d->date && text_block(r, d->date, &ST_BODY, 0, AL_CENTER))
			return -1;
		r->y -= BODY_LEAD / 2;
	}
	for (i = 0; i < d->nblocks && !r->failed; i++) {
		const struct doc_block *b = &d->blocks[i];
		int rc = 0;
		switch (b->kind) {
		case DOC_HEADING: rc = heading(r, b); break;
		case DOC_PARA: rc = text_block(r, b->text, &ST_BODY, 2 * BODY_SIZE, AL_JUSTIFY); break;
		case DOC_NOTE: rc = text_block(r, b->text, &ST_NOTE, 0, AL_JUSTIFY); break;
		case DOC_TABLE: rc = table(r, b); break;
		case DOC_FIGURE: rc = figure(r, b); break;
		case DOC_PAGEBREAK: rc = r->fresh ? 0 : new_page(r); break;
		}
		if (rc)
			return -1;
	}
	return r->failed ? -1 : 0;
}

static int rend_open(struct rend *r, const struct pdf_opts *o, struct diag *dg)
{
	int f;

	memset(r, 0, sizeof *r);
	r->dg = dg;
	r->page_numbers = o ? o->page_numbers : 1;
	buf_init(&r->tb, 0);
	forget_state(r);
	for (f = 0; f < NFACE; f++)
		find_font(&r->face[f], &FONTFILES[f], o ? o->font_dir_hint : NULL);
	/* the body face: the first found of SungtiL GB, UMing, Hanazono */
	r->role[FACE_SONG] = r->face[FACE_SONG].path[0] ? FACE_SONG
			     : r->face[FACE_MING].path[0] ? FACE_MING
			     : r->face[FACE_HANA].path[0] ? FACE_HANA
							  : -1;
	if (r->role[FACE_SONG] < 0) {
		r->failed = 1;
		return diag_set(dg, "no CJK font found: want '%s' (Debian package %s)",
				FONTFILES[FACE_SONG].name, FONTFILES[FACE_SONG].pkg);
	}
	r->role[FACE_KAI] = r->face[FACE_KAI].path[0] ? FACE_KAI : r->role[FACE_SONG];
	if (!cover_has(r, r->role[FACE_SONG], 0x4E00) && !cover_has(r, r->role[FACE_SONG], 'A')) {
		r->failed = 1;
		return diag_set(dg, "cannot read the character map of the font '%s'",
				r->face[r->role[FACE_SONG]].path);
	}
	r->repl = 0xFFFD;
	for (f = 0; f < NFACE; f++)
		if (cover_has(r, f, 0xFFFD))
			break;
	if (f == NFACE)
		r->repl = '?';

	r->pdf = HPDF_New(on_error, r);
	if (ckh(r, r->pdf, "creating the document"))
		return -1;
	if (ck(r, HPDF_UseUTFEncodings(r->pdf), "enabling UTF-8") ||
	    ck(r, HPDF_SetCurrentEncoder(r->pdf, "UTF-8"), "enabling UTF-8") ||
	    ck(r, HPDF_SetCompressionMode(r->pdf, HPDF_COMP_ALL), "enabling compression"))
		return -1;
	r->enc = HPDF_GetEncoder(r->pdf, "UTF-8");
	if (ckh(r, r->enc, "enabling UTF-8"))
		return -1;
	return load_face(r, r->role[FACE_SONG]);
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
	if (ck(r, HPDF_SaveToStream(r->pdf), "writing the PDF"))
		return -1;
	size = HPDF_GetStreamSize(r->pdf);
	if (ck(r, HPDF_OK, "writing the PDF"))
		return -1;
	data = malloc(size ? size : 1);
	if (!data)
		return fail_own(r, "out of memory", "writing the PDF");
	got = size;
	if (ck(r, HPDF_ReadFromStream(r->pdf, data, &got), "writing the PDF"))
		goto done;
	if (got != size) {
		fail_own(r, "short read", "writing the PDF");
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
	     ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_TITLE, clean(&r, title, 500)),
		"setting the document title")) ||
	    (author && *author &&
	     ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_AUTHOR, clean(&r, author, 500)),
		"setting the author")) ||
	    ck(&r, HPDF_SetInfoAttr(r.pdf, HPDF_INFO_CREATOR, "kaoping"), "setting the creator"))
		goto done;
	for (i = 0; i < n; i++)
		if (render_doc(&r, docs[i], many))
			goto done;
	if (n == 0 && new_page(&r))
		goto done;
	if (r.have_outline &&
	    ck(&r, HPDF_SetPageMode(r.pdf, HPDF_PAGE_MODE_USE_OUTLINE), "showing the bookmarks"))
		goto done;
	rc = save(&r, path);
done:
	rend_close(&r);
	return rc;
}

int pdf_render(const struct doc *d, const char *path, const struct pdf_opts *o,
	       struct diag *dg)
{
	if (!d)
		return diag_set(dg, "no document to render to '%s'", path ? path : "");
	return render(&d, 1, 0, d->title, path, o, dg);
}

int pdf_render_many(const struct doc *const *docs, size_t n, const char *title,
		    const char *path, const struct pdf_opts *o, struct diag *dg)
{
	return render(docs, n, 1, title, path, o, dg);
}
