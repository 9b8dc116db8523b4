/* pdf_font.c - the faces of the PDF renderer: the font files and where they
 * are found, the cmap coverage read from the TrueType tables (not by
 * libharu), the face chosen for each character and its advance width. */
#include "pdf_int.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- fonts ----------------------------------------------------------------- */

/* The faces, in fallback order after the style's own face. AR PL SungtiL GB
 * (宋体) and KaitiM GB (楷体) cover GB2312; AR PL UMing (same foundry and
 * style) and Hanazono Mincho A cover the rarer characters of names. Both
 * render correctly with libharu 2.3.0: UMing's only nested composite glyphs
 * are accented Latin letters, which the GB faces have; Hanazono has none. */
const struct fontfile pdf_fontfiles[NDEBFACE] = {
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
		if ((unsigned long)index >= be32(h + 8) ||
		    read_at(f, 12 + 4 * (unsigned long)index, o, 4))
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
					unsigned long a =
						(unsigned long)(ros + k - t) + ro + 2 * (c - st);
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

void pdf_find_font(struct face *fc, const struct fontfile *ff, const char *hint)
{
	int i, n;

	fc->path[0] = '\0';
	fc->index = ff->index;
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

int pdf_cover_has(struct rend *r, int f, unsigned long c)
{
	struct face *fc = &r->face[f];

	if (!fc->path[0] || c > 0xFFFF)
		return 0;
	if (!fc->cover_tried) {
		fc->cover_tried = 1;
		fc->cover = malloc(8192);
		if (fc->cover && read_cover(fc->path, fc->index, fc->cover)) {
			free(fc->cover);
			fc->cover = NULL;
		}
	}
	return fc->cover && (fc->cover[c >> 3] >> (c & 7) & 1);
}

int pdf_load_face(struct rend *r, int f)
{
	struct face *fc = &r->face[f];
	const char *name;
	char what[PATH_MAX + 32];

	if (fc->font)
		return 0;
	if (r->failed)
		return -1;
	snprintf(what, sizeof what, "loading the font '%s'", fc->path);
	if (fc->index >= 0)
		name = HPDF_LoadTTFontFromFile2(r->pdf, fc->path, (HPDF_UINT)fc->index, HPDF_TRUE);
	else
		name = HPDF_LoadTTFontFromFile(r->pdf, fc->path, HPDF_TRUE);
	if (pdf_ckh(r, name, what))
		return -1;
	fc->font = HPDF_GetFont(r->pdf, name, "UTF-8");
	return pdf_ckh(r, fc->font, what);
}

/* The face that draws c in a style whose own face is `role` (then the others
 * in pdf_fontfiles order); *c may become the replacement character when no face
 * has it. Never fails. */
int pdf_pick(struct rend *r, int role, unsigned long *c)
{
	int f0 = r->role[role], f, tries;
	unsigned long ch = *c;

	if (ch < 0x20 || (ch >= 0x7F && ch < 0xA0))
		ch = ' ';
	for (tries = 0; tries < 2; tries++) {
		if (pdf_cover_has(r, f0, ch)) {
			*c = ch;
			return f0;
		}
		for (f = 0; f < NFACE; f++) {
			if (f != f0 && pdf_cover_has(r, f, ch)) {
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
int pdf_advance(struct rend *r, int f, unsigned long c)
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
			pdf_fail_own(r, "out of memory", "allocating the width cache");
			return 1000;
		}
		memset(blk, 0xFF, 256 * sizeof *blk); /* -1 */
		fc->w[c >> 8] = blk;
	}
	if (blk[c & 0xFF] >= 0)
		return blk[c & 0xFF];
	if (pdf_load_face(r, f))
		return 1000;
	tw = HPDF_Font_TextWidth(fc->font, (const HPDF_BYTE *)u, (HPDF_UINT)pdf_u8enc(c, u));
	if (pdf_ck(r, HPDF_OK, "measuring text"))
		return 1000;
	v = tw.width > 30000 ? 30000 : (int)tw.width;
	blk[c & 0xFF] = (short)v;
	return v;
}

struct advctx {
	struct rend *r;
	int role;
	double tc; /* letter spacing in em */
};

static double adv_cb(unsigned long c, void *ctx)
{
	struct advctx *a = ctx;
	int f = pdf_pick(a->r, a->role, &c);

	return pdf_advance(a->r, f, c) / 1000.0 + a->tc;
}

int pdf_break_text(struct rend *r, const char *s, const struct tstyle *st, double width,
		   double indent, struct pdf_line **lines, size_t *n)
{
	struct advctx a = {r, st->role, st->tc / st->size};

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

/* ---- the text mapping ------------------------------------------------------ */

/* libharu 2.3.0 writes, as the ToUnicode stream of a UTF-8 CID font, a CMap
 * with a "begincidrange" section (a CID map, not a Unicode map), which
 * poppler rejects with a warning on every use, leaving copied text to
 * guesswork in other viewers. With the UTF-8 encoder each character code is
 * the UTF-16 code of a BMP character (the renderer draws nothing beyond the
 * BMP), so the correct map is the identity: one bfrange per high byte, as a
 * bfrange may only vary in its last byte. Surrogate codes are never drawn
 * and are left out. The stream's content is replaced in libharu's object
 * (its filter, object number and place in the file stay), before saving. */
static int write_tounicode(HPDF_Stream s)
{
	static const char head[] = "/CIDInit /ProcSet findresource begin\n"
				   "12 dict begin\n"
				   "begincmap\n"
				   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
				   "/Supplement 0 >> def\n"
				   "/CMapName /Adobe-Identity-UCS def\n"
				   "/CMapType 2 def\n"
				   "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
	static const char tail[] = "endcmap\n"
				   "CMapName currentdict /CMap defineresource pop\n"
				   "end\nend\n";
	char line[64];
	unsigned hi, inblk = 0, left = 256 - 8;

	if (HPDF_Stream_WriteStr(s, head) != HPDF_OK)
		return -1;
	for (hi = 0; hi < 256; hi++) {
		if (hi >= 0xD8 && hi <= 0xDF)
			continue;
		if (inblk == 0) {
			/* at most 100 entries a section (PDF 32000-1 9.10.3) */
			unsigned k = left < 100 ? left : 100;
			snprintf(line, sizeof line, "%u beginbfrange\n", k);
			if (HPDF_Stream_WriteStr(s, line) != HPDF_OK)
				return -1;
			inblk = k;
		}
		snprintf(line, sizeof line, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
		if (HPDF_Stream_WriteStr(s, line) != HPDF_OK)
			return -1;
		left--;
		if (--inblk == 0 && HPDF_Stream_WriteStr(s, "endbfrange\n") != HPDF_OK)
			return -1;
	}
	return HPDF_Stream_WriteStr(s, tail) == HPDF_OK ? 0 : -1;
}

int pdf_fix_tounicode(struct rend *r)
{
	int f;

	for (f = 0; f < NFACE; f++) {
		HPDF_Dict tu;
		if (!r->face[f].font)
			continue;
		tu = HPDF_Dict_GetItem(r->face[f].font, "ToUnicode", HPDF_OCLASS_DICT);
		if (!tu || !tu->stream)
			continue; /* nothing written by libharu: nothing to correct */
		HPDF_MemStream_FreeData(tu->stream);
		if (write_tounicode(tu->stream))
			return pdf_fail_own(r, "out of memory", "writing the text mapping");
	}
	return 0;
}

/* ---- the department's fonts ------------------------------------------------ */

/* File names the government fonts usually have (compared without case), and
 * family names to look for in a font's name table, per department face. */
static const char *const DEPT_FILES[4][8] = {
	{"FZXBSJW.TTF", "方正小标宋简体.ttf", "FZXBSJW--GB1-0.ttf", "方正小标宋_GBK.ttf",
	 "FZXBSK.TTF", "FZXiaoBiaoSong-B05S.ttf", NULL},
	{"simfang.ttf", "仿宋_GB2312.ttf", "FangSong_GB2312.ttf", "FS_GB2312.ttf", "仿宋.ttf",
	 "FSGB2312.ttf", NULL},
	{"simhei.ttf", "黑体.ttf", "SimHei.ttf", NULL},
	{"simkai.ttf", "楷体_GB2312.ttf", "KaiTi_GB2312.ttf", "KT_GB2312.ttf", "楷体.ttf",
	 "KaiGB2312.ttf", NULL},
};
static const char *const DEPT_FAMILIES[4][5] = {
	{"小标宋", "XiaoBiaoSong", "FZXBS", NULL},
	{"仿宋", "FangSong", NULL},
	{"黑体", "SimHei", NULL},
	{"楷体", "KaiTi", NULL},
};

static int is_font_file(const char *name)
{
	size_t n = strlen(name);

	return n > 4 &&
	       (strcasecmp(name + n - 4, ".ttf") == 0 || strcasecmp(name + n - 4, ".ttc") == 0);
}

/* Whether needle occurs in hay, ASCII letters compared without case. */
static int has_word(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* The family and full names (IDs 1 and 4) of the first font of a TrueType
 * file, as UTF-8, joined by '|' into out. */
static void read_names(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "rb");
	unsigned char h[12], *dir = NULL, *nt = NULL;
	unsigned long base = 0, off = 0, len = 0;
	unsigned i, n;
	size_t o = 0;

	out[0] = '\0';
	if (!f)
		return;
	if (read_at(f, 0, h, 12))
		goto done;
	if (memcmp(h, "ttcf", 4) == 0) {
		unsigned char b[4];
		if (read_at(f, 12, b, 4))
			goto done;
		base = be32(b);
		if (read_at(f, base, h, 12))
			goto done;
	}
	n = be16(h + 4);
	dir = malloc((size_t)n * 16 + 1);
	if (!dir || read_at(f, base + 12, dir, (size_t)n * 16))
		goto done;
	for (i = 0; i < n; i++)
		if (memcmp(dir + 16 * i, "name", 4) == 0) {
			off = be32(dir + 16 * i + 8);
			len = be32(dir + 16 * i + 12);
		}
	if (len < 6 || len > (1UL << 20))
		goto done;
	nt = malloc(len);
	if (!nt || read_at(f, off, nt, len))
		goto done;
	{
		unsigned cnt = be16(nt + 2), so = be16(nt + 4);
		for (i = 0; i < cnt && 6 + 12 * (unsigned long)i + 12 <= len; i++) {
			const unsigned char *rec = nt + 6 + 12 * i;
			unsigned pl = be16(rec), id = be16(rec + 6), rl = be16(rec + 8);
			unsigned long ro = (unsigned long)so + be16(rec + 10), k;
			if ((id != 1 && id != 4) || ro + rl > len)
				continue;
			if (pl == 3 || pl == 0) { /* UTF-16BE, BMP */
				for (k = 0; k + 1 < rl && o + 4 < cap; k += 2) {
					char u[4];
					size_t m = pdf_u8enc(be16(nt + ro + k), u);
					memcpy(out + o, u, m);
					o += m;
				}
			} else if (pl == 1) { /* Mac Roman: ASCII names */
				for (k = 0; k < rl && o + 1 < cap; k++)
					if (nt[ro + k] < 0x80)
						out[o++] = (char)nt[ro + k];
			}
			if (o + 1 < cap)
				out[o++] = '|';
		}
	}
	out[o] = '\0';
done:
	free(dir);
	free(nt);
	fclose(f);
}

/* Fills the department faces from dir: the file the settings name for a
 * role, else the first usual file name present, else the first font file
 * whose name table has the family. A face not found stays empty (the role
 * falls back to the Debian fonts). */
void pdf_find_dept_fonts(struct rend *r, const char *dir, const char *const file[4])
{
	int k, i, n;
	DIR *d;
	struct dirent *e;

	for (k = 0; k < 4; k++) {
		struct face *fc = &r->face[FACE_D_TITLE + k];
		fc->path[0] = '\0';
		fc->index = -1;
		if (file && file[k] && *file[k]) {
			n = file[k][0] == '/'
				    ? snprintf(fc->path, sizeof fc->path, "%s", file[k])
				    : snprintf(fc->path, sizeof fc->path, "%s/%s", dir, file[k]);
			if (n < 0 || (size_t)n >= sizeof fc->path || !file_exists(fc->path))
				fc->path[0] = '\0';
			continue;
		}
		d = opendir(dir);
		if (!d)
			return;
		while (!fc->path[0] && (e = readdir(d)) != NULL)
			for (i = 0; DEPT_FILES[k][i]; i++)
				if (strcasecmp(e->d_name, DEPT_FILES[k][i]) == 0) {
					snprintf(fc->path, sizeof fc->path, "%s/%s", dir,
						 e->d_name);
					break;
				}
		closedir(d);
	}
	/* the name tables, for fonts saved under other names (a collection is
	 * read at its first font) */
	for (k = 0; k < 4; k++) {
		struct face *fc = &r->face[FACE_D_TITLE + k];
		if (fc->path[0] || (file && file[k] && *file[k]))
			continue;
		d = opendir(dir);
		if (!d)
			return;
		while (!fc->path[0] && (e = readdir(d)) != NULL) {
			char p[PATH_MAX], names[1024];
			if (!is_font_file(e->d_name))
				continue;
			n = snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			if (n < 0 || (size_t)n >= sizeof p)
				continue;
			read_names(p, names, sizeof names);
			for (i = 0; DEPT_FAMILIES[k][i]; i++)
				if (has_word(names, DEPT_FAMILIES[k][i]) &&
				    !(k == 1 && has_word(names, "小标宋"))) {
					snprintf(fc->path, sizeof fc->path, "%s", p);
					fc->index =
						strcasecmp(p + strlen(p) - 4, ".ttc") == 0 ? 0 : -1;
					break;
				}
		}
		closedir(d);
	}
	for (k = 0; k < 4; k++) {
		struct face *fc = &r->face[FACE_D_TITLE + k];
		size_t n2 = strlen(fc->path);
		fc->index = n2 > 4 && strcasecmp(fc->path + n2 - 4, ".ttc") == 0 ? 0 : -1;
	}
}

/* Maps each role to its face: the department's when found and readable,
 * else the Debian fallbacks (宋 SungtiL GB, then UMing, Hanazono; 楷
 * KaitiM GB for 二级标题). */
void pdf_assign_roles(struct rend *r)
{
	static const int dept[NROLE] = {-1, FACE_D_BODY, FACE_D_TITLE, FACE_D_H1, FACE_D_H2};
	int k, song = r->face[FACE_SONG].path[0]   ? FACE_SONG
		      : r->face[FACE_MING].path[0] ? FACE_MING
		      : r->face[FACE_HANA].path[0] ? FACE_HANA
						   : -1;

	for (k = 0; k < NROLE; k++) {
		int f = dept[k];
		r->own[k] = 0;
		r->role[k] = song;
		if (k == ROLE_H2 && r->face[FACE_KAI].path[0])
			r->role[k] = FACE_KAI;
		if (f >= 0 && r->face[f].path[0] && pdf_cover_has(r, f, 0x4E00)) {
			r->role[k] = f;
			r->own[k] = 1;
		}
	}
}

void pdf_roles_text(const struct rend *r, char *out, size_t cap)
{
	static const char *const label[NROLE] = {"表格", "正文", "标题", "一级标题", "二级标题"};
	static const int order[] = {ROLE_BODY, ROLE_TITLE, ROLE_H1, ROLE_H2, ROLE_SONG};
	size_t k, len = 0;

	if (cap)
		out[0] = '\0';
	for (k = 0; k < sizeof order / sizeof *order && len < cap; k++) {
		int fc = r->role[order[k]], n;
		const char *bold = "";
		if (!r->own[order[k]] && (order[k] == ROLE_TITLE || order[k] == ROLE_H1))
			bold = "（加粗）";
		n = snprintf(out + len, cap - len, "%s%s %s%s", k ? "；" : "", label[order[k]],
			     fc >= 0 ? r->face[fc].path : "（无）", bold);
		if (n < 0)
			break;
		len += (size_t)n;
	}
}

void pdf_fonts_used(const struct pdf_opts *o, char *out, size_t cap)
{
	struct rend *r = calloc(1, sizeof *r);
	int f;

	if (cap)
		out[0] = '\0';
	if (!r)
		return;
	for (f = 0; f < NDEBFACE; f++)
		pdf_find_font(&r->face[f], &pdf_fontfiles[f], o ? o->font_dir_hint : NULL);
	if (o && o->font_dir && *o->font_dir)
		pdf_find_dept_fonts(r, o->font_dir, o->font_file);
	pdf_assign_roles(r);
	pdf_roles_text(r, out, cap);
	for (f = 0; f < NFACE; f++)
		free(r->face[f].cover);
	free(r);
}
