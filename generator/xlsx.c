/* xlsx.c - .xlsx reading: libzip opens the container and inflates members in
 * chunks, expat parses them. The small parts (relationships, workbook,
 * styles, shared strings) are parsed whole at open; a worksheet is parsed
 * one chunk at a time and expat is suspended at the end of each row, so a
 * row is handed out as soon as it is complete and memory does not grow with
 * the sheet. Element names are compared without their namespace prefix:
 * writers use "x:c" as well as "c", and Strict OOXML other namespaces. */
#include "xlsx_int.h"

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

char *xlsx_dupstr(const char *s)
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
			r->id = xlsx_dupstr(id);
			r->type = xlsx_dupstr(type);
			r->target = xlsx_dupstr(tg);
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
			s[x->nsheets].name = xlsx_dupstr(nm);
			s[x->nsheets].part = NULL;
			ids[x->nsheets] = id ? xlsx_dupstr(id) : NULL;
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
			if (xlsx_parse_uint(attr(a, "numFmtId"), &id) < 0 || !code ||
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
			x->fmt_kind[x->nfmt] = xlsx_code_kind(code);
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
			if (xlsx_parse_uint(attr(a, "numFmtId"), &id) < 0)
				id = 0;
			x->xf[x->nxf++] = xlsx_fmt_kind(x, (unsigned)id);
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
			if (xlsx_parse_uint(r, &v) < 0 || v < 1 ||
			    v > (unsigned long)MAX_ROW_NUMBER)
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
			if (x->row_unnumbered && *p && xlsx_parse_uint(p, &sv) == 0 && sv >= 1 &&
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
		x->cstyle = s && xlsx_parse_uint(s, &sv) == 0 && sv < x->nxf ? (long)sv : -1;
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
		if (xlsx_parse_uint(s, &i) < 0 || i >= x->nsst) {
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
			if (!k || !xlsx_put_date(val, v, k, x->date1904))
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
int xlsx_parse_part(struct xlsx *x, enum part part, const char *name, struct diag *d)
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
	if (xlsx_load_workbook(x, d) < 0) {
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
	xlsx_free_rels(x);
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
			int e;
			x->row_ready = 0;
			e = xlsx_row_emit(&x->row, x->ready_line, rec);
			if (e < 0)
				return diag_set(d, "内存不足");
			if (e > 0)
				return 1;
			/* a row of empty cells only (""): no record, read on */
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
