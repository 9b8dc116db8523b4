/* xlsx.c - .xlsx reading: libzip opens the container and inflates members in
 * chunks, expat parses them. The small parts (relationships, workbook,
 * styles, shared strings) are parsed whole at open; a worksheet is parsed
 * one chunk at a time and expat is suspended at the end of each row, so a
 * row is handed out as soon as it is complete and memory does not grow with
 * the sheet. Element names are compared without their namespace prefix:
 * writers use "x:c" as well as "c", and Strict OOXML other namespaces. */
#include "xlsx.h"

#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "parse.h"

#define CHUNK	       (256u << 10)
#define MAX_ROW_NUMBER 1048576L
#define MAX_SHEETS     4096
#define MAX_FMTS       4096  /* custom number formats kept (Excel allows about 250) */
#define MAX_XFS	       65536 /* cell formats kept (Excel allows 64,000) */

/* Date kinds of a cell format (bits). */
enum { DK_DATE = 1, DK_TIME = 2, DK_SECS = 4 };

struct xsheet {
	char *name;
	char *part; /* member name in the zip */
};

enum part { P_RELS, P_WB, P_WBRELS, P_STYLES, P_SST, P_SHEET };

struct xrel {
	char *id, *type, *target;
};

struct xlsx {
	zip_t *za;
	char path[512];
	struct xlsx_limits lim;
	int date1904;
	struct xsheet *sheets;
	size_t nsheets;
	/* shared strings: NUL-terminated in sst, starting at sst_off[i] */
	struct buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;
	/* per cell format (the s attribute): its date kind */
	unsigned char *xf;
	size_t nxf, xf_cap;
	/* custom number formats: id -> date kind */
	unsigned *fmt_id;
	unsigned char *fmt_kind;
	size_t nfmt, fmt_cap;
	/* parsing state shared by the part handlers */
	XML_Parser p;
	enum part part;
	const char *member; /* member being parsed, for messages */
	int err;	    /* a handler failed; cbd holds why */
	struct diag cbd;
	int depth_rph; /* inside phonetic runs (rPh): their text is not the value */
	int in_t, in_si, in_v, in_is, in_cellxfs, in_sheetdata, in_row, in_c;
	struct buf text;
	char *office; /* the workbook part, from _rels/.rels */
	struct xrel *rels;
	size_t nrels, rels_cap;
	char **sheet_rid; /* during open: each sheet's relationship id */
	size_t nrid;
	/* the selected sheet */
	size_t cur;
	zip_file_t *zf;
	unsigned long long inflated;
	size_t chunk;		     /* read size for the member being parsed */
	unsigned long long declared; /* its size as the zip says, 0 if unknown */
	int suspended, eof, row_ready, selected;
	long row_num, last_row;
	int row_unnumbered; /* the row has no r: its first cell's reference may tell */
	size_t next_col, col;
	char ctype;	/* the cell's t: s, i (inlineStr), t (str), b, d, n, e, ? */
	struct buf val; /* the rendering of a number or date */
	long cstyle;
	int has_v;
	struct xlsx_row row;
	long ready_line;
};

static const char *local(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **a, const char *name)
{
	for (; a && a[0]; a += 2)
		if (strcmp(local(a[0]), name) == 0)
			return a[1];
	return NULL;
}

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

/* Fails from inside an expat handler: keeps the first reason, stops the
 * parser. In a sheet the message names the sheet. */
__attribute__((format(printf, 2, 3))) static void cb_fail(struct xlsx *x, const char *fmt, ...)
{
	if (!x->err) {
		char msg[700];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
		if (x->part == P_SHEET)
			diag_at(&x->cbd, x->path, 0, 0, "工作表“%s”%s", x->sheets[x->cur].name,
				msg);
		else
			diag_at(&x->cbd, x->path, 0, 0, "%s", msg);
		x->err = 1;
	}
	XML_StopParser(x->p, XML_FALSE);
}

static void cb_oom(struct xlsx *x)
{
	if (!x->err) {
		diag_at(&x->cbd, x->path, 0, 0, "内存不足");
		x->err = 1;
	}
	XML_StopParser(x->p, XML_FALSE);
}

/* Decodes the _xHHHH_ escapes of OOXML strings (control characters such as
 * _x000D_) in place; the result is never longer. Returns the new length. */
static size_t decode_x(char *s, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned v = 0;
		size_t k;
		if (i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
			for (k = 2; k < 6; k++) {
				char c = s[i + k];
				unsigned h = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
					     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
					     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
								    : 16u;
				if (h == 16)
					break;
				v = v * 16 + h;
			}
			if (k == 6 && v != 0 && (v < 0xD800 || v > 0xDFFF)) {
				if (v < 0x80) {
					s[o++] = (char)v;
				} else if (v < 0x800) {
					s[o++] = (char)(0xC0 | (v >> 6));
					s[o++] = (char)(0x80 | (v & 0x3F));
				} else {
					s[o++] = (char)(0xE0 | (v >> 12));
					s[o++] = (char)(0x80 | ((v >> 6) & 0x3F));
					s[o++] = (char)(0x80 | (v & 0x3F));
				}
				i += 7;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

/* ---- number formats -------------------------------------------------- */

/* The date kind of a format code: y, m, d, h, s outside quotes, brackets
 * and escapes. A lone m is minutes when h or s is there and no y or d. */
static unsigned char code_kind(const char *s)
{
	int y = 0, m = 0, d = 0, h = 0, sec = 0;

	for (; *s; s++) {
		if (strncasecmp(s, "general", 7) == 0) {
			s += 6; /* a word, not d/m/y letters */
			continue;
		}
		switch (*s) {
		case '"':
			s++;
			while (*s && *s != '"')
				s++;
			if (!*s)
				s--;
			break;
		case '[':
			while (*s && *s != ']')
				s++;
			if (!*s)
				s--;
			break;
		case '\\':
		case '_':
		case '*':
			if (s[1])
				s++;
			break;
		case 'y':
		case 'Y': y = 1; break;
		case 'm':
		case 'M': m = 1; break;
		case 'd':
		case 'D': d = 1; break;
		case 'h':
		case 'H': h = 1; break;
		case 's':
		case 'S': sec = 1; break;
		default: break;
		}
	}
	if (y || d || (m && !h && !sec))
		return (unsigned char)(DK_DATE | (h || sec ? DK_TIME : 0) | (sec ? DK_SECS : 0));
	if (h || sec || m)
		return (unsigned char)(DK_TIME | (sec ? DK_SECS : 0));
	return 0;
}

/* Built-in formats: 14-22 and 45-47 everywhere, 27-36 and 50-58 the
 * Chinese-locale date formats (yyyy"年"m"月"d"日", h"时"mm"分"...). */
static unsigned char builtin_kind(unsigned id)
{
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 ||
	    (id >= 50 && id <= 54) || id == 57 || id == 58)
		return DK_DATE;
	if (id == 18 || id == 20 || id == 32 || id == 34 || id == 55)
		return DK_TIME;
	if (id == 19 || id == 21 || id == 33 || id == 35 || id == 45 || id == 46 || id == 47 ||
	    id == 56)
		return DK_TIME | DK_SECS;
	if (id == 22)
		return DK_DATE | DK_TIME;
	return 0;
}

static unsigned char fmt_kind(const struct xlsx *x, unsigned id)
{
	size_t i;

	for (i = 0; i < x->nfmt; i++)
		if (x->fmt_id[i] == id)
			return x->fmt_kind[i];
	return builtin_kind(id);
}

static int parse_uint(const char *s, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* ---- relationships, workbook, styles, shared strings ------------------ */

static void XMLCALL on_start(void *ud, const char *name, const char **a)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	if (x->err)
		return;
	switch (x->part) {
	case P_RELS:
	case P_WBRELS:
		if (strcmp(n, "Relationship") == 0) {
			const char *id = attr(a, "Id"), *type = attr(a, "Type"),
				   *tg = attr(a, "Target");
			struct xrel *r;
			if (!id || !type || !tg)
				return;
			if (x->nrels == x->rels_cap) {
				size_t cap = x->rels_cap ? x->rels_cap * 2 : 16;
				r = realloc(x->rels, cap * sizeof *r);
				if (!r)
					return cb_oom(x);
				x->rels = r;
				x->rels_cap = cap;
			}
			r = &x->rels[x->nrels];
			r->id = dupstr(id);
			r->type = dupstr(type);
			r->target = dupstr(tg);
			x->nrels++;
			if (!r->id || !r->type || !r->target)
				return cb_oom(x);
		}
		return;
	case P_WB:
		if (strcmp(n, "workbookPr") == 0) {
			const char *v = attr(a, "date1904");
			x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
		} else if (strcmp(n, "sheet") == 0) {
			const char *nm = attr(a, "name"), *id = attr(a, "id");
			struct xsheet *s;
			char **ids;
			if (!nm)
				return cb_fail(x, "工作簿中有一个工作表没有名称（%s）", x->member);
			if (x->nsheets >= MAX_SHEETS)
				return cb_fail(x, "工作簿的工作表超过 %d 个", MAX_SHEETS);
			s = realloc(x->sheets, (x->nsheets + 1) * sizeof *s);
			if (!s)
				return cb_oom(x);
			x->sheets = s;
			ids = realloc(x->sheet_rid, (x->nsheets + 1) * sizeof *ids);
			if (!ids)
				return cb_oom(x);
			x->sheet_rid = ids;
			s[x->nsheets].name = dupstr(nm);
			s[x->nsheets].part = NULL;
			ids[x->nsheets] = id ? dupstr(id) : NULL;
			x->nsheets++;
			x->nrid = x->nsheets;
			if (!s[x->nsheets - 1].name || (id && !ids[x->nsheets - 1]))
				return cb_oom(x);
		}
		return;
	case P_STYLES:
		if (strcmp(n, "numFmt") == 0) {
			unsigned long id;
			const char *code = attr(a, "formatCode");
			if (parse_uint(attr(a, "numFmtId"), &id) < 0 || !code ||
			    x->nfmt >= MAX_FMTS)
				return;
			if (x->nfmt == x->fmt_cap) {
				size_t cap = x->fmt_cap ? x->fmt_cap * 2 : 16;
				unsigned *ids = realloc(x->fmt_id, cap * sizeof *ids);
				unsigned char *k = ids ? realloc(x->fmt_kind, cap) : NULL;
				if (ids)
					x->fmt_id = ids;
				if (!k)
					return cb_oom(x);
				x->fmt_kind = k;
				x->fmt_cap = cap;
			}
			x->fmt_id[x->nfmt] = (unsigned)id;
			x->fmt_kind[x->nfmt] = code_kind(code);
			x->nfmt++;
		} else if (strcmp(n, "cellXfs") == 0) {
			x->in_cellxfs = 1;
		} else if (strcmp(n, "xf") == 0 && x->in_cellxfs && x->nxf < MAX_XFS) {
			unsigned long id = 0;
			if (x->nxf == x->xf_cap) {
				size_t cap = x->xf_cap ? x->xf_cap * 2 : 64;
				unsigned char *k = realloc(x->xf, cap);
				if (!k)
					return cb_oom(x);
				x->xf = k;
				x->xf_cap = cap;
			}
			/* numFmts come before cellXfs in styles.xml, so the kind is known. */
			if (parse_uint(attr(a, "numFmtId"), &id) < 0)
				id = 0;
			x->xf[x->nxf++] = fmt_kind(x, (unsigned)id);
		}
		return;
	case P_SST:
		if (strcmp(n, "si") == 0 && !x->in_si) {
			if (x->nsst + 1 >= x->sst_cap) {
				size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
				size_t *o = realloc(x->sst_off, cap * sizeof *o);
				if (!o)
					return cb_oom(x);
				x->sst_off = o;
				x->sst_cap = cap;
			}
			x->sst_off[x->nsst] = x->sst.len;
			x->in_si = 1;
		} else if (strcmp(n, "rPh") == 0) {
			x->depth_rph++;
		} else if (strcmp(n, "t") == 0 && x->in_si) {
			x->in_t = 1;
		}
		return;
	case P_SHEET: break;
	}
	/* P_SHEET */
	if (strcmp(n, "sheetData") == 0) {
		x->in_sheetdata = 1;
	} else if (strcmp(n, "row") == 0 && x->in_sheetdata) {
		const char *r = attr(a, "r");
		unsigned long v;
		if (r) {
			if (parse_uint(r, &v) < 0 || v < 1 || v > (unsigned long)MAX_ROW_NUMBER)
				return cb_fail(x, "中的行号“%s”无效（应为 1 至 1048576）", r);
			x->row_num = (long)v;
			x->row_unnumbered = 0;
		} else {
			x->row_num = x->last_row + 1;
			x->row_unnumbered = 1;
		}
		x->in_row = 1;
		x->next_col = 0;
		xlsx_row_reset(&x->row);
	} else if (strcmp(n, "c") == 0 && x->in_row) {
		const char *r = attr(a, "r"), *t = attr(a, "t"), *s = attr(a, "s");
		unsigned long sv;
		size_t col = 0;
		if (r) {
			const char *p = r;
			while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) {
				col = col * 26 + (size_t)((*p | 0x20) - 'a' + 1);
				if (col > XLSX_MAX_COLS)
					break;
				p++;
			}
			if (col > XLSX_MAX_COLS)
				return cb_fail(x, "单元格 %.40s 超出 16384 列（XFD）的上限", r);
			if (col == 0 || (*p && (*p < '0' || *p > '9')))
				return cb_fail(x, "中的单元格引用“%.40s”无效", r);
			col--;
			if (x->row_unnumbered && *p && parse_uint(p, &sv) == 0 && sv >= 1 &&
			    sv <= (unsigned long)MAX_ROW_NUMBER)
				x->row_num = (long)sv;
			x->row_unnumbered = 0;
		} else {
			col = x->next_col;
			if (col >= XLSX_MAX_COLS)
				return cb_fail(x, "第 %ld 行超出 16384 列（XFD）的上限",
					       x->row_num);
		}
		x->col = col;
		x->ctype = !t || strcmp(t, "n") == 0	 ? 'n'
			   : strcmp(t, "s") == 0	 ? 's'
			   : strcmp(t, "str") == 0	 ? 't'
			   : strcmp(t, "inlineStr") == 0 ? 'i'
			   : strcmp(t, "b") == 0	 ? 'b'
			   : strcmp(t, "d") == 0	 ? 'd'
			   : strcmp(t, "e") == 0	 ? 'e'
							 : '?';
		x->cstyle = s && parse_uint(s, &sv) == 0 && sv < x->nxf ? (long)sv : -1;
		x->has_v = 0;
		x->in_c = 1;
		buf_reset(&x->text);
	} else if (x->in_c && strcmp(n, "v") == 0) {
		x->in_v = 1;
		buf_reset(&x->text);
	} else if (x->in_c && strcmp(n, "is") == 0) {
		x->in_is = 1;
		buf_reset(&x->text);
	} else if (x->in_is && strcmp(n, "rPh") == 0) {
		x->depth_rph++;
	} else if (x->in_is && strcmp(n, "t") == 0) {
		x->in_t = 1;
	}
}

static void XMLCALL on_text(void *ud, const char *s, int len)
{
	struct xlsx *x = ud;

	if (x->err)
		return;
	if (x->part == P_SST) {
		if (x->in_t && !x->depth_rph && buf_append(&x->sst, s, (size_t)len) < 0)
			cb_fail(x, "共享字符串表（%s）超过 %llu MiB 的上限", x->member,
				x->lim.meta_max >> 20);
	} else if (x->part == P_SHEET) {
		if ((x->in_v || (x->in_t && !x->depth_rph)) &&
		    buf_append(&x->text, s, (size_t)len) < 0)
			cb_fail(x, "第 %ld 行有一个单元格超过 %zu MiB 的上限", x->row_num,
				x->lim.row_max >> 20);
	}
}

static void civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long era, yy;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	yy = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yy + (*m <= 2);
}

/* Appends v in exactly w digits (v >= 0, w <= 4): dates are written for
 * every cell of a column, and printf is the slow part of that. */
static void put_digits(struct buf *b, long v, int w)
{
	char t[4];
	int i;

	for (i = w - 1; i >= 0; i--) {
		t[i] = (char)('0' + v % 10);
		v /= 10;
	}
	buf_append(b, t, (size_t)w);
}

static void put_time(struct buf *b, long secs, unsigned k)
{
	put_digits(b, secs / 3600, 2);
	buf_putc(b, ':');
	put_digits(b, secs / 60 % 60, 2);
	if ((k & DK_SECS) || secs % 60) {
		buf_putc(b, ':');
		put_digits(b, secs % 60, 2);
	}
}

/* Appends serial v as a date and/or time of kind k. Returns 1 if written, 0
 * if v is no date (negative, past 9999-12-31): then it is a number. */
static int put_date(struct buf *b, double v, unsigned k, int date1904)
{
	double days_f = floor(v);
	long days = (long)days_f, secs, unix_days;
	long y;
	unsigned m, d;

	if (!isfinite(v) || v < 0 || v >= 2958466.0)
		return 0;
	secs = lround((v - days_f) * 86400.0);
	if (secs >= 86400) {
		days++;
		secs -= 86400;
	}
	/* A time format shows the time of day only; a date-time format on a
	 * serial below 1 is a time too (Excel would show "1900-01-00"). */
	if (!(k & DK_DATE) || (days == 0 && (k & DK_TIME) && !date1904)) {
		put_time(b, secs, k);
		return 1;
	}
	if (!date1904 && days == 0)
		return 0; /* Excel's "1900-01-00" */
	if (!date1904 && days == 60) {
		buf_puts(b, "1900-02-29"); /* Lotus's leap day, kept for compatibility */
	} else {
		if (date1904)
			unix_days = days + parse_days_from_civil(1904, 1, 1);
		else
			unix_days = days + parse_days_from_civil(1899, 12, days < 60 ? 31 : 30);
		civil_from_days(unix_days, &y, &m, &d);
		if (y > 9999)
			return 0; /* nothing written yet: shown as a number */
		put_digits(b, y, 4);
		buf_putc(b, '-');
		put_digits(b, (long)m, 2);
		buf_putc(b, '-');
		put_digits(b, (long)d, 2);
	}
	if ((k & DK_TIME) || secs) {
		buf_putc(b, ' ');
		put_time(b, secs, k);
	}
	return 1;
}

int xlsx_put_number(struct buf *b, double v)
{
	char g[40];
	double r;

	if (!isfinite(v))
		return buf_puts(b, "#NUM!");
	/* Excel keeps 15 significant digits. */
	snprintf(g, sizeof g, "%.15g", v);
	r = strtod(g, NULL);
	if (r == floor(r) && fabs(r) < 1e15) {
		if (r == 0)
			return buf_puts(b, "0");
		return buf_printf(b, "%.0f", r);
	}
	if (r == floor(r) && fabs(r) < 1e21) {
		/* Past 15 digits the binary value has noise in its last digits
		 * (110101199001011008): show the 15 Excel keeps, then zeros. */
		char e[40], *p, *x;
		int exp, i, nd = 0;
		snprintf(e, sizeof e, "%.14e", r);
		x = strchr(e, 'e');
		if (!x)
			return buf_puts(b, g);
		exp = (int)strtol(x + 1, NULL, 10);
		for (p = e; p < x; p++) {
			if (*p == '-')
				buf_putc(b, '-');
			else if (*p >= '0' && *p <= '9' && nd <= exp) {
				buf_putc(b, *p);
				nd++;
			}
		}
		for (i = nd; i <= exp; i++)
			buf_putc(b, '0');
		return b->failed ? -1 : 0;
	}
	return buf_puts(b, g);
}

/* Whether s is an integer as Excel writes it (-?digits, at most 15, no
 * leading zero): then it is shown as written, without a round trip. */
static int plain_int(const char *s, size_t n)
{
	size_t i = n && s[0] == '-';

	if (n - i == 0 || n - i > 15 || (s[i] == '0' && n - i > 1))
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The value of the cell just closed, into the row. */
static void end_cell(struct xlsx *x)
{
	struct buf *val = &x->val;
	char empty[1] = "";
	char *s = x->text.data ? x->text.data : empty;
	size_t n = x->text.len;
	int rc = 0;

	if (!x->has_v)
		return;
	buf_reset(val);
	switch (x->ctype) {
	case 's': {
		unsigned long i;
		char ref[32];
		parse_trim((const char **)&s, &n);
		s[n] = '\0';
		if (parse_uint(s, &i) < 0 || i >= x->nsst) {
			xlsx_cell_ref(NULL, x->row_num, x->col, ref, sizeof ref);
			cb_fail(x,
				"单元格 %s 引用的共享字符串“%.40s”不存在（共享字符串表共 %zu "
				"项），文件可能已损坏",
				ref, s, x->nsst);
			return;
		}
		rc = xlsx_row_set(&x->row, x->col, x->sst.data + x->sst_off[i],
				  x->sst_off[i + 1] - x->sst_off[i] - 1);
		break;
	}
	case 'i':
	case 't':
		n = decode_x(s, n);
		rc = xlsx_row_set(&x->row, x->col, s, n);
		break;
	case 'b':
		parse_trim((const char **)&s, &n);
		if (n == 1 && (*s == '1' || *s == '0'))
			rc = xlsx_row_set(&x->row, x->col, *s == '1' ? "TRUE" : "FALSE",
					  *s == '1' ? 4 : 5);
		else
			rc = xlsx_row_set(&x->row, x->col, s, n);
		break;
	case 'd':
		/* ISO 8601 (Strict OOXML): 2024-03-01T08:30:00 */
		parse_trim((const char **)&s, &n);
		if (n >= 10) {
			buf_append(val, s, 10);
			if (n >= 19 && s[10] == 'T' && memcmp(s + 11, "00:00:00", 8) != 0) {
				buf_putc(val, ' ');
				buf_append(val, s + 11, 8);
			}
			rc = val->failed ? -1 : xlsx_row_set(&x->row, x->col, val->data, val->len);
		} else {
			rc = xlsx_row_set(&x->row, x->col, s, n);
		}
		break;
	case 'n': {
		char *end;
		double v;
		unsigned k = x->cstyle >= 0 ? x->xf[x->cstyle] : 0;
		parse_trim((const char **)&s, &n);
		s[n] = '\0';
		if (!k && plain_int(s, n)) {
			rc = xlsx_row_set(&x->row, x->col, s, n);
			break;
		}
		errno = 0;
		v = n ? strtod(s, &end) : 0;
		if (n == 0 || *end || errno == ERANGE || !isfinite(v)) {
			rc = xlsx_row_set(&x->row, x->col, s, n);
		} else {
			if (!k || !put_date(val, v, k, x->date1904))
				xlsx_put_number(val, v);
			rc = val->failed ? -1 : xlsx_row_set(&x->row, x->col, val->data, val->len);
		}
		break;
	}
	default:
		/* "e" (#N/A, #DIV/0!...) and anything unknown: the text as written */
		rc = xlsx_row_set(&x->row, x->col, s, n);
		break;
	}
	if (rc < 0)
		cb_fail(x, "第 %ld 行的数据超过 %zu MiB 的上限", x->row_num, x->lim.row_max >> 20);
}

static void XMLCALL on_end(void *ud, const char *name)
{
	struct xlsx *x = ud;
	const char *n = local(name);

	if (x->err)
		return;
	if (x->part == P_STYLES) {
		if (strcmp(n, "cellXfs") == 0)
			x->in_cellxfs = 0;
		return;
	}
	if (x->part == P_SST) {
		if (strcmp(n, "rPh") == 0 && x->depth_rph > 0) {
			x->depth_rph--;
		} else if (strcmp(n, "t") == 0) {
			x->in_t = 0;
		} else if (strcmp(n, "si") == 0 && x->in_si) {
			size_t start = x->sst_off[x->nsst];
			size_t len = decode_x(x->sst.data ? x->sst.data + start : NULL,
					      x->sst.len - start);
			x->sst.len = start + len;
			if (buf_putc(&x->sst, '\0') < 0)
				return cb_fail(x, "共享字符串表（%s）超过 %llu MiB 的上限",
					       x->member, x->lim.meta_max >> 20);
			x->nsst++;
			x->sst_off[x->nsst] = x->sst.len;
			x->in_si = 0;
		}
		return;
	}
	if (x->part != P_SHEET)
		return;
	if (strcmp(n, "v") == 0 && x->in_v) {
		x->in_v = 0;
		x->has_v = 1;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	} else if (strcmp(n, "rPh") == 0 && x->depth_rph > 0) {
		x->depth_rph--;
	} else if (strcmp(n, "is") == 0 && x->in_is) {
		x->in_is = 0;
		x->has_v = 1;
		if (x->ctype != 't')
			x->ctype = 'i';
	} else if (strcmp(n, "c") == 0 && x->in_c) {
		x->in_c = 0;
		end_cell(x);
		x->next_col = x->col + 1;
	} else if (strcmp(n, "row") == 0 && x->in_row) {
		x->in_row = 0;
		x->last_row = x->row_num;
		if (x->row.ncols > 0) {
			x->row_ready = 1;
			x->ready_line = x->row_num;
			XML_StopParser(x->p, XML_TRUE);
		}
	} else if (strcmp(n, "sheetData") == 0) {
		x->in_sheetdata = 0;
	}
}

/* Opens member name for reading after checking its declared size. Returns
 * 1 with *zf, 0 if absent, -1 on error. */
static int open_member(struct xlsx *x, const char *name, unsigned long long cap, zip_file_t **zf,
		       struct diag *d)
{
	zip_int64_t i = zip_name_locate(x->za, name, ZIP_FL_NOCASE);
	zip_stat_t st;

	*zf = NULL;
	if (i < 0)
		return 0;
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
	    st.size > cap)
		return diag_at(d, x->path, 0, 0,
			       "工作簿成员 %s 解压后有 %llu 字节，超过 %llu MiB "
			       "的上限，已停止读取（文件可能已损坏或被恶意构造）",
			       name, (unsigned long long)st.size, cap >> 20);
	x->declared = (st.valid & ZIP_STAT_SIZE) ? (unsigned long long)st.size : 0;
	/* Small members get a small buffer: a workbook has several tiny parts. */
	x->chunk = CHUNK;
	if ((st.valid & ZIP_STAT_SIZE) && st.size < CHUNK)
		x->chunk = st.size < 4096 ? 4096 : (size_t)st.size + 1;
	*zf = zip_fopen_index(x->za, (zip_uint64_t)i, 0);
	if (!*zf)
		return diag_at(d, x->path, 0, 0, "无法读取工作簿成员 %s：%s", name,
			       zip_strerror(x->za));
	return 1;
}

/* Reads a chunk of zf into the parser's buffer and parses it. Returns the
 * expat status, or -2 on a read error or the size cap (d set). */
static int feed(struct xlsx *x, zip_file_t *zf, const char *name, unsigned long long cap, int *eof,
		struct diag *d)
{
	void *b = XML_GetBuffer(x->p, (int)x->chunk);
	zip_int64_t n;

	if (!b)
		return diag_set(d, "内存不足") - 1;
	n = zip_fread(zf, b, x->chunk);
	if (n < 0)
		return diag_at(d, x->path, 0, 0, "工作簿成员 %s 读取失败（数据损坏）：%s", name,
			       zip_file_strerror(zf)) -
		       1;
	x->inflated += (unsigned long long)n;
	if (x->inflated > cap)
		return diag_at(d, x->path, 0, 0,
			       "工作簿成员 %s 解压后超过 %llu MiB "
			       "的上限，已停止读取（文件可能已损坏或被恶意构造）",
			       name, cap >> 20) -
		       1;
	*eof = n == 0;
	return (int)XML_ParseBuffer(x->p, (int)n, n == 0);
}

/* The message for an expat error in member name (of sheet, when given). */
static int xml_error(struct xlsx *x, const char *name, const char *sheet, struct diag *d)
{
	enum XML_Error e = XML_GetErrorCode(x->p);

	if (x->err) {
		*d = x->cbd;
		return -1;
	}
	if (sheet)
		return diag_at(
			d, x->path, 0, 0, "工作表“%s”（%s）XML 格式错误，在第 %lu 行第 %lu 列：%s",
			sheet, name, (unsigned long)XML_GetCurrentLineNumber(x->p),
			(unsigned long)XML_GetCurrentColumnNumber(x->p) + 1, XML_ErrorString(e));
	return diag_at(d, x->path, 0, 0, "工作簿成员 %s XML 格式错误，在第 %lu 行第 %lu 列：%s",
		       name, (unsigned long)XML_GetCurrentLineNumber(x->p),
		       (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1, XML_ErrorString(e));
}

static int new_parser(struct xlsx *x, enum part part, const char *member, struct diag *d)
{
	if (x->p)
		XML_ParserFree(x->p);
	x->p = XML_ParserCreate(NULL);
	if (!x->p)
		return diag_set(d, "内存不足");
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, on_start, on_end);
	XML_SetCharacterDataHandler(x->p, on_text);
	x->part = part;
	x->member = member;
	x->err = 0;
	x->in_t = x->in_si = x->in_v = x->in_is = x->in_cellxfs = 0;
	x->in_sheetdata = x->in_row = x->in_c = 0;
	x->depth_rph = 0;
	x->inflated = 0;
	return 0;
}

/* Parses a whole (small) member. Returns 1, 0 if absent, -1 on error. */
static int parse_part(struct xlsx *x, enum part part, const char *name, struct diag *d)
{
	zip_file_t *zf;
	int rc = open_member(x, name, x->lim.meta_max, &zf, d), eof = 0, st;

	if (rc <= 0)
		return rc;
	if (new_parser(x, part, name, d) < 0) {
		zip_fclose(zf);
		return -1;
	}
	rc = 1;
	while (!eof) {
		st = feed(x, zf, name, x->lim.meta_max, &eof, d);
		if (st == -2) {
			rc = -1;
			break;
		}
		if (st != XML_STATUS_OK) {
			rc = xml_error(x, name, NULL, d);
			break;
		}
	}
	zip_fclose(zf);
	return rc;
}

/* Resolves a relationship target against the folder of the part that has it
 * ("xl/"): "worksheets/sheet1.xml" -> "xl/worksheets/sheet1.xml";
 * "/xl/x.xml" is from the root; ".." steps up. */
static char *resolve(const char *dir, const char *target)
{
	size_t n = strlen(dir) + strlen(target) + 2, o;
	char *out = malloc(n);
	const char *s;

	if (!out)
		return NULL;
	if (target[0] == '/') {
		snprintf(out, n, "%s", target + 1);
		return out;
	}
	snprintf(out, n, "%s", dir);
	o = strlen(out);
	for (s = target; *s;) {
		const char *e = strchr(s, '/');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			if (o > 0)
				o--;
			while (o > 0 && out[o - 1] != '/')
				o--;
		} else if (!(len == 1 && s[0] == '.') && len > 0) {
			memcpy(out + o, s, len);
			o += len;
			if (e)
				out[o++] = '/';
		}
		s = e ? e + 1 : s + len;
	}
	out[o] = '\0';
	return out;
}

static const struct xrel *rel_by_type(const struct xlsx *x, const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < x->nrels; i++) {
		size_t tn = strlen(x->rels[i].type);
		if (tn >= n && strcmp(x->rels[i].type + tn - n, suffix) == 0)
			return &x->rels[i];
	}
	return NULL;
}

static void free_rels(struct xlsx *x)
{
	size_t i;

	for (i = 0; i < x->nrels; i++) {
		free(x->rels[i].id);
		free(x->rels[i].type);
		free(x->rels[i].target);
	}
	x->nrels = 0;
}

static int load_workbook(struct xlsx *x, struct diag *d)
{
	char dir[512], *rels_name = NULL, *sst = NULL, *styles = NULL;
	const struct xrel *r;
	size_t i, j, keep;
	int rc = -1, got, oom = 0;

	/* The workbook part: from the package relationships, else the usual place. */
	got = parse_part(x, P_RELS, "_rels/.rels", d);
	if (got < 0)
		goto done;
	r = rel_by_type(x, "/officeDocument");
	x->office = r ? resolve("", r->target) : dupstr("xl/workbook.xml");
	free_rels(x);
	if (!x->office) {
		diag_set(d, "内存不足");
		goto done;
	}
	got = parse_part(x, P_WB, x->office, d);
	if (got < 0)
		goto done;
	if (got == 0) {
		diag_at(d, x->path, 0, 0, "不是有效的 Excel 工作簿：缺少工作簿成员 %s", x->office);
		goto done;
	}
	snprintf(dir, sizeof dir, "%s", x->office);
	{
		char *slash = strrchr(dir, '/');
		const char *base = strrchr(x->office, '/');
		size_t need;
		base = base ? base + 1 : x->office;
		if (slash)
			slash[1] = '\0';
		else
			dir[0] = '\0';
		need = strlen(dir) + strlen(base) + 16;
		rels_name = malloc(need);
		if (!rels_name) {
			diag_set(d, "内存不足");
			goto done;
		}
		snprintf(rels_name, need, "%s_rels/%s.rels", dir, base);
	}
	if (parse_part(x, P_WBRELS, rels_name, d) < 0)
		goto done;
	/* Each sheet's part; chart sheets and dialog sheets are left out. */
	for (i = 0, keep = 0; i < x->nsheets; i++) {
		const struct xrel *sr = NULL;
		for (j = 0; x->sheet_rid[i] && j < x->nrels; j++)
			if (strcmp(x->rels[j].id, x->sheet_rid[i]) == 0)
				sr = &x->rels[j];
		if (sr) {
			size_t tn = strlen(sr->type);
			if (tn < 10 || strcmp(sr->type + tn - 10, "/worksheet") != 0) {
				free(x->sheets[i].name);
				continue;
			}
			x->sheets[i].part = resolve(dir, sr->target);
		} else {
			/* No relationship (a hand-made file): the usual name. */
			char guess[600];
			snprintf(guess, sizeof guess, "%sworksheets/sheet%zu.xml", dir, i + 1);
			x->sheets[i].part = dupstr(guess);
		}
		if (!x->sheets[i].part)
			oom = 1;
		x->sheets[keep++] = x->sheets[i];
	}
	x->nsheets = keep;
	if (oom) {
		diag_set(d, "内存不足");
		goto done;
	}
	r = rel_by_type(x, "/sharedStrings");
	sst = resolve(dir, r ? r->target : "sharedStrings.xml");
	r = rel_by_type(x, "/styles");
	styles = resolve(dir, r ? r->target : "styles.xml");
	if (!sst || !styles) {
		diag_set(d, "内存不足");
		goto done;
	}
	if (parse_part(x, P_STYLES, styles, d) < 0)
		goto done;
	x->sst_off = malloc(16 * sizeof *x->sst_off);
	if (!x->sst_off) {
		diag_set(d, "内存不足");
		goto done;
	}
	x->sst_cap = 16;
	x->sst_off[0] = 0;
	if (parse_part(x, P_SST, sst, d) < 0)
		goto done;
	rc = 0;
done:
	for (i = 0; i < x->nrid; i++)
		free(x->sheet_rid[i]);
	free(x->sheet_rid);
	x->nrid = 0;
	x->sheet_rid = NULL;
	free_rels(x);
	free(rels_name);
	free(sst);
	free(styles);
	return rc;
}

static void set_limits(struct xlsx *x, const struct xlsx_limits *lim)
{
	if (lim)
		x->lim = *lim;
	if (!x->lim.member_max)
		x->lim.member_max = 4ULL << 30;
	if (!x->lim.meta_max)
		x->lim.meta_max = 1ULL << 30;
	if (!x->lim.row_max)
		x->lim.row_max = (size_t)64 << 20;
}

static int open_common(struct xlsx **out, zip_source_t *src, const char *name,
		       const struct xlsx_limits *lim, struct diag *d)
{
	struct xlsx *x = calloc(1, sizeof *x);
	zip_error_t ze;

	*out = NULL;
	if (!x) {
		zip_source_free(src);
		return diag_set(d, "内存不足");
	}
	snprintf(x->path, sizeof x->path, "%s", name);
	set_limits(x, lim);
	buf_init(&x->sst, (size_t)x->lim.meta_max);
	buf_init(&x->text, x->lim.row_max);
	buf_init(&x->val, 0);
	xlsx_row_init(&x->row, x->lim.row_max);
	zip_error_init(&ze);
	x->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!x->za) {
		diag_at(d, name, 0, 0, "不是有效的 Excel 工作簿（xlsx 文件应为 zip 格式）：%s",
			zip_error_strerror(&ze));
		zip_error_fini(&ze);
		zip_source_free(src);
		xlsx_close(x);
		return -1;
	}
	zip_error_fini(&ze);
	if (load_workbook(x, d) < 0) {
		xlsx_close(x);
		return -1;
	}
	*out = x;
	return 0;
}

int xlsx_open(struct xlsx **out, const char *path, const struct xlsx_limits *lim, struct diag *d)
{
	zip_error_t ze;
	zip_source_t *src;
	FILE *f = fopen(path, "rb");

	*out = NULL;
	/* fopen first: a clear message for a missing file, and no directories. */
	if (!f)
		return diag_at(d, path, 0, 0, "无法打开文件：%s", strerror(errno));
	fclose(f);
	zip_error_init(&ze);
	src = zip_source_file_create(path, 0, -1, &ze);
	if (!src) {
		diag_at(d, path, 0, 0, "无法打开文件：%s", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	return open_common(out, src, path, lim, d);
}

int xlsx_open_buffer(struct xlsx **out, const void *data, size_t size, const char *name,
		     const struct xlsx_limits *lim, struct diag *d)
{
	zip_error_t ze;
	zip_source_t *src;

	*out = NULL;
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, size, 0, &ze);
	zip_error_fini(&ze);
	if (!src)
		return diag_set(d, "内存不足");
	return open_common(out, src, name, lim, d);
}

static void end_sheet(struct xlsx *x)
{
	if (x->zf)
		zip_fclose(x->zf);
	x->zf = NULL;
	x->selected = 0;
}

void xlsx_close(struct xlsx *x)
{
	size_t i;

	if (!x)
		return;
	end_sheet(x);
	if (x->p)
		XML_ParserFree(x->p);
	if (x->za)
		zip_discard(x->za);
	for (i = 0; i < x->nsheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].part);
	}
	free(x->sheets);
	free_rels(x);
	free(x->rels);
	free(x->office);
	buf_release(&x->sst);
	buf_release(&x->text);
	buf_release(&x->val);
	free(x->sst_off);
	free(x->xf);
	free(x->fmt_id);
	free(x->fmt_kind);
	xlsx_row_release(&x->row);
	free(x);
}

size_t xlsx_sheet_count(const struct xlsx *x)
{
	return x->nsheets;
}

const char *xlsx_sheet_name(const struct xlsx *x, size_t i)
{
	return i < x->nsheets ? x->sheets[i].name : NULL;
}

int xlsx_date1904(const struct xlsx *x)
{
	return x->date1904;
}

void xlsx_pad(struct xlsx *x, size_t n)
{
	x->row.pad = n < XLSX_MAX_COLS ? n : XLSX_MAX_COLS;
}

unsigned long long xlsx_offset(const struct xlsx *x)
{
	return x->inflated;
}

unsigned long long xlsx_size(const struct xlsx *x)
{
	return x->selected ? x->declared : 0;
}

int xlsx_select(struct xlsx *x, size_t i, struct diag *d)
{
	int got;

	end_sheet(x);
	if (i >= x->nsheets)
		return diag_at(d, x->path, 0, 0, "工作簿中没有第 %zu 个工作表", i + 1);
	x->cur = i;
	got = open_member(x, x->sheets[i].part, x->lim.member_max, &x->zf, d);
	if (got < 0)
		return -1;
	if (got == 0)
		return diag_at(d, x->path, 0, 0, "工作表“%s”的数据（%s）不在文件中，工作簿不完整",
			       x->sheets[i].name, x->sheets[i].part);
	if (new_parser(x, P_SHEET, x->sheets[i].part, d) < 0) {
		end_sheet(x);
		return -1;
	}
	x->suspended = x->eof = x->row_ready = 0;
	x->row_num = x->last_row = 0;
	x->row.pad = 0;
	x->selected = 1;
	return 0;
}

int xlsx_next(struct xlsx *x, struct csv_record *rec, struct diag *d)
{
	int st;

	if (!x->selected)
		return 0;
	for (;;) {
		if (x->row_ready) {
			x->row_ready = 0;
			if (xlsx_row_emit(&x->row, x->ready_line, rec) < 0)
				return diag_set(d, "内存不足");
			return 1;
		}
		if (x->suspended)
			st = (int)XML_ResumeParser(x->p);
		else if (x->eof)
			return 0;
		else
			st = feed(x, x->zf, x->sheets[x->cur].part, x->lim.member_max, &x->eof, d);
		if (st == -2) {
			end_sheet(x);
			return -1;
		}
		x->suspended = st == XML_STATUS_SUSPENDED;
		if (st == XML_STATUS_ERROR) {
			xml_error(x, x->sheets[x->cur].part, x->sheets[x->cur].name, d);
			end_sheet(x);
			return -1;
		}
	}
}

void xlsx_col_name(size_t i, char out[4])
{
	char tmp[4];
	size_t n = 0, k;

	if (i >= XLSX_MAX_COLS)
		i = XLSX_MAX_COLS - 1;
	i++;
	while (i > 0 && n < 3) {
		tmp[n++] = (char)('A' + (i - 1) % 26);
		i = (i - 1) / 26;
	}
	for (k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
}

size_t xlsx_cell_ref(const char *sheet, long row, size_t field, char *out, size_t cap)
{
	char col[4];
	int quote = 0, n;
	const char *p;

	if (!cap)
		return 0;
	xlsx_col_name(field, col);
	for (p = sheet; p && *p && !quote; p++)
		quote = !((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || (unsigned char)*p >= 0x80);
	if (!sheet)
		n = snprintf(out, cap, "%s%ld", col, row);
	else if (quote)
		n = snprintf(out, cap, "'%s'!%s%ld", sheet, col, row);
	else
		n = snprintf(out, cap, "%s!%s%ld", sheet, col, row);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

/* ---- row assembly ----------------------------------------------------- */

void xlsx_row_init(struct xlsx_row *r, size_t limit)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->data, limit);
	buf_init(&r->raw, limit ? limit * 2 + 16 : 0);
}

void xlsx_row_release(struct xlsx_row *r)
{
	buf_release(&r->data);
	buf_release(&r->raw);
	free(r->off);
	free(r->len);
	free(r->ptrs);
	memset(r, 0, sizeof *r);
}

void xlsx_row_reset(struct xlsx_row *r)
{
	size_t i;

	for (i = 0; i < r->ncols; i++)
		r->off[i] = (size_t)-1;
	r->ncols = 0;
	buf_reset(&r->data);
	r->data.failed = 0;
}

/* Makes room for columns [0, need). */
static int row_grow(struct xlsx_row *r, size_t need)
{
	size_t cap = r->cap ? r->cap : 32, i;
	size_t *o, *l;
	const char **p;

	if (need <= r->cap)
		return 0;
	if (need > XLSX_MAX_COLS)
		return -1;
	while (cap < need)
		cap *= 2;
	if (cap > XLSX_MAX_COLS)
		cap = XLSX_MAX_COLS;
	o = realloc(r->off, cap * sizeof *o);
	if (!o)
		return -1;
	r->off = o;
	l = realloc(r->len, cap * sizeof *l);
	if (!l)
		return -1;
	r->len = l;
	p = realloc(r->ptrs, cap * sizeof *p);
	if (!p)
		return -1;
	r->ptrs = p;
	for (i = r->cap; i < cap; i++)
		r->off[i] = (size_t)-1;
	r->cap = cap;
	return 0;
}

int xlsx_row_set(struct xlsx_row *r, size_t col, const char *s, size_t n)
{
	if (col >= XLSX_MAX_COLS || row_grow(r, col + 1) < 0)
		return -1;
	r->off[col] = r->data.len;
	r->len[col] = n;
	if (buf_append(&r->data, s, n) < 0 || buf_putc(&r->data, '\0') < 0)
		return -1;
	if (col >= r->ncols)
		r->ncols = col + 1;
	return 0;
}

static int needs_quotes(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return 1;
	return 0;
}

int xlsx_row_emit(struct xlsx_row *r, long line, struct csv_record *rec)
{
	size_t i, n = 0;

	/* Trailing empty cells (styled but blank, or "") are not fields. */
	for (i = r->ncols; i > 0; i--)
		if (r->off[i - 1] != (size_t)-1 && r->len[i - 1] > 0) {
			n = i;
			break;
		}
	if (n == 0)
		return 0;
	/* A sheet leaves trailing blank cells out: pad to the header's width. */
	if (n < r->pad) {
		if (row_grow(r, r->pad) < 0)
			return -1;
		n = r->pad;
	}
	buf_reset(&r->raw);
	for (i = 0; i < n; i++) {
		const char *s = r->off[i] == (size_t)-1 ? "" : r->data.data + r->off[i];
		size_t len = r->off[i] == (size_t)-1 ? 0 : r->len[i];
		r->ptrs[i] = s;
		if (r->off[i] == (size_t)-1)
			r->len[i] = 0;
		if (i)
			buf_putc(&r->raw, ',');
		if (needs_quotes(s, len)) {
			size_t k;
			buf_putc(&r->raw, '"');
			for (k = 0; k < len; k++) {
				if (s[k] == '"')
					buf_putc(&r->raw, '"');
				buf_putc(&r->raw, s[k]);
			}
			buf_putc(&r->raw, '"');
		} else {
			buf_append(&r->raw, s, len);
		}
	}
	if (r->raw.failed)
		return -1;
	rec->fields = r->ptrs;
	rec->lens = r->len;
	rec->nfields = n;
	rec->line = line;
	rec->lines = 1;
	rec->raw = r->raw.data ? r->raw.data : "";
	rec->rawlen = r->raw.len;
	rec->bad_encoding = 0;
	rec->unterminated = 0;
	return 1;
}
