/* ingest_inputs.c - the input folder: which files are read (regular files
 * inside it), the reader seam (rowsrc: CSV files and workbooks' sheets), and the table each file is
 * taken for, by its header. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ingest_int.h"
#include "parse.h"

static int ends_with(const char *name, const char *suffix)
{
	size_t n = strlen(name), k = strlen(suffix);

	return n > k && strcasecmp(name + n - k, suffix) == 0;
}

/* Whether a file of the input folder is a workbook (one input per sheet). */
static int workbook_name(const char *name)
{
	return ends_with(name, ".xlsx") || ends_with(name, ".xlsm") || ends_with(name, ".xls");
}

/* Whether a file of the input folder is one kaoping reads, by its name. */
static int input_name(const char *name)
{
	return ends_with(name, ".csv") || ends_with(name, ".csv.gz") || workbook_name(name);
}

int source_open(struct source *src, const struct input *in, struct diag *d)
{
	memset(src, 0, sizeof *src);
	buf_init(&src->text, 0);
	buf_init(&src->raw, 0);
	if (rowsrc_open(&src->rs, in->path, d) < 0)
		return -1;
	return in->sheet ? rowsrc_select(src->rs, (size_t)in->sheet, d) : 0;
}

/* Reads the sheet of in from a workbook already open (its shared strings
 * parsed once for all its sheets); source_close leaves rs open. */
int source_borrow(struct source *src, struct rowsrc *rs, const struct input *in, struct diag *d)
{
	memset(src, 0, sizeof *src);
	buf_init(&src->text, 0);
	buf_init(&src->raw, 0);
	src->rs = rs;
	src->borrowed = 1;
	return rowsrc_select(rs, (size_t)in->sheet, d);
}

/* Keeps rs (of path) as ctx's open workbook, closing the one before. */
static int book_keep(struct ctx *c, struct rowsrc *rs, const char *path)
{
	char *p = strdup(path);

	if (!p) {
		rowsrc_close(rs);
		return -1;
	}
	source_books_close(c);
	c->book = rs;
	c->book_path = p;
	return 0;
}

void source_books_close(struct ctx *c)
{
	rowsrc_close(c->book);
	free(c->book_path);
	c->book = NULL;
	c->book_path = NULL;
}

/* source_open, but a workbook's sheet is read from the workbook kept open
 * when it is that one (no second parse of its shared strings), else the
 * workbook is opened and kept in its place. */
int source_open_book(struct ctx *c, struct source *src, const struct input *in, struct diag *d)
{
	struct rowsrc *rs = NULL;

	if (!in->workbook)
		return source_open(src, in, d);
	if (!c->book_path || strcmp(c->book_path, in->path) != 0) {
		if (rowsrc_open(&rs, in->path, d) < 0)
			return -1;
		if (book_keep(c, rs, in->path) < 0)
			return diag_set(d, "内存不足");
	}
	return source_borrow(src, c->book, in, d);
}

/* Whether UTF-8 text may hold a character csvread_strip removes: C0 and
 * DEL, or a lead byte of C1 (C2), U+061C (D8), U+200E... (E2), U+FEFF (EF).
 * A cheap filter: most cells are copied only when it says so. */
static int may_strip(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || b == 0xE2 || b == 0xEF)
			return 1;
	}
	return 0;
}

/* A workbook's record with its cells stripped like CSV text: copied into
 * src's own arrays when any cell may need it. */
static int strip_cells(struct source *src, struct csv_record *rec, struct diag *d)
{
	size_t j, *off;
	unsigned long before = src->stripped;

	for (j = 0; j < rec->nfields; j++)
		if (may_strip(rec->fields[j], rec->lens[j]))
			break;
	if (j == rec->nfields)
		return 0;
	if (rec->nfields > src->cap) {
		size_t nc = rec->nfields * 2;
		const char **f = realloc(src->fields, nc * sizeof *f);
		if (!f)
			return diag_set(d, "内存不足");
		src->fields = f;
		size_t *l = realloc(src->lens, nc * sizeof *l);
		if (!l)
			return diag_set(d, "内存不足");
		src->lens = l;
		src->cap = nc;
	}
	buf_reset(&src->text);
	off = src->lens; /* offsets first: text may move while it grows */
	for (j = 0; j < rec->nfields; j++) {
		off[j] = src->text.len;
		buf_append(&src->text, rec->fields[j], rec->lens[j]);
		buf_putc(&src->text, '\0');
	}
	if (src->text.len && !src->text.data)
		return diag_set(d, "内存不足");
	for (j = 0; j < rec->nfields; j++) {
		char *p = src->text.data + off[j];
		size_t n =
			j + 1 < rec->nfields ? off[j + 1] - off[j] - 1 : src->text.len - off[j] - 1;
		src->fields[j] = p;
		off[j] = csvread_strip(p, n, &src->stripped);
	}
	if (src->stripped == before)
		return 0; /* nothing removed: keep the reader's record */
	rec->fields = src->fields;
	rec->lens = src->lens;
	/* The raw text (rejects, the data-quality page) loses them too. */
	src->raw.len = 0;
	if (buf_append(&src->raw, rec->raw, rec->rawlen) < 0)
		return diag_set(d, "内存不足");
	if (src->raw.data) {
		rec->rawlen = csvread_strip(src->raw.data, src->raw.len, NULL);
		rec->raw = src->raw.data;
	}
	return 0;
}

int source_next(struct source *src, struct csv_record *rec, struct diag *d)
{
	int got = rowsrc_next(src->rs, rec, d);

	if (got == 1 && !rowsrc_csv(src->rs) && strip_cells(src, rec, d) < 0)
		return -1;
	return got;
}

void source_close(struct source *src)
{
	if (!src->borrowed)
		rowsrc_close(src->rs);
	src->rs = NULL;
	buf_release(&src->text);
	buf_release(&src->raw);
	free(src->fields);
	free(src->lens);
	src->fields = NULL;
	src->lens = NULL;
	src->cap = 0;
}

const char *source_encoding(const struct source *src)
{
	return rowsrc_encoding(src->rs);
}

unsigned long long source_offset(const struct source *src)
{
	return rowsrc_offset(src->rs);
}

/* What source_offset runs up to: a sheet's XML, not the zip; 0 when that
 * is the file's size. */
unsigned long long source_size(const struct source *src)
{
	return rowsrc_size(src->rs);
}

/* A sheet leaves trailing blank cells out: its rows are as wide as its
 * header (a CSV file's short rows stay short, and are rejected). */
void source_pad(struct source *src, size_t n)
{
	rowsrc_pad(src->rs, n);
}

/* "事件!C12" for a workbook's cell, "" for a CSV file. */
size_t source_where(const struct source *src, long line, size_t field, char *out, size_t cap)
{
	return rowsrc_where(src->rs, line, field, out, cap);
}

/* Lines converted from the other encoding, and invisible characters removed. */
unsigned long source_other_lines(const struct source *src, const char **other)
{
	struct csvread *csv = rowsrc_csv(src->rs);

	return csv ? csvread_other_lines(csv, other) : 0;
}

unsigned long source_stripped(const struct source *src)
{
	struct csvread *csv = rowsrc_csv(src->rs);

	return csv ? csvread_stripped(csv) : src->stripped;
}

/* The table a file's name names: its base name without ".csv"/".csv.gz"
 * equal to a table's name (any case) or Chinese label, or, unless exact,
 * containing one (网格事件-1月.csv). -1 if none. */
static int table_by_name(const char *name, int exact)
{
	char base[256];
	size_t n, i;
	int pass;

	snprintf(base, sizeof base, "%s", name);
	n = strlen(base);
	if (n > 3 && strcasecmp(base + n - 3, ".gz") == 0)
		base[n -= 3] = '\0';
	if (n > 4 && strcasecmp(base + n - 4, ".csv") == 0)
		base[n -= 4] = '\0';
	for (i = 0; i < n; i++)
		if (base[i] >= 'A' && base[i] <= 'Z')
			base[i] = (char)(base[i] + 32);
	for (pass = 0; pass < (exact ? 1 : 2); pass++)
		for (i = 0; i < schema_ntables; i++) {
			const struct schema_table *t = &schema_tables[i];
			if (pass == 0 &&
			    (strcasecmp(base, t->name) == 0 || strcmp(base, t->label) == 0))
				return (int)i;
			if (pass == 1 && (strstr(base, t->name) || strstr(base, t->label)))
				return (int)i;
		}
	return -1;
}

/* How many columns of table t the header record names; *complete says
 * whether they include all of t's required columns. */
static int header_score(const struct schema_table *t, const struct csv_record *r, int *complete)
{
	unsigned char seen[64] = {0};
	size_t j;
	int n = 0;

	for (j = 0; j < r->nfields; j++) {
		int ci = schema_match(t, r->fields[j], r->lens[j]);
		if (ci >= 0 && ci < 64 && !seen[ci]) {
			seen[ci] = 1;
			n++;
		}
	}
	*complete = 1;
	for (j = 0; j < t->ncols && j < 64; j++)
		if ((t->cols[j].flags & COL_REQUIRED) && !seen[j])
			*complete = 0;
	return n;
}

/* The header's fields for a message: "a、b、c" (at most 12, each cut). */
static void list_fields(struct buf *b, const struct csv_record *r)
{
	size_t j, shown = 0;

	for (j = 0; j < r->nfields; j++) {
		const char *h = r->fields[j];
		size_t n = r->lens[j];
		const char *nul = memchr(h, '\0', n);
		if (nul)
			n = (size_t)(nul - h); /* a message is a C string */
		parse_trim(&h, &n);
		if (!n)
			continue;
		if (shown == 12) {
			buf_puts(b, "…");
			break;
		}
		if (shown++)
			buf_puts(b, "、");
		ingest_quote_value(b, h, n);
	}
	if (!shown)
		buf_puts(b, "（空）");
}

/* Decides the table of a file by its header: the record, among the first
 * six, with all the required columns of some table, taken for the table of
 * which it names the most columns. The file's name breaks a tie, and a file
 * named after a table whose header names as many of that table's columns
 * is taken for it even when one is missing (its load then says which).
 * Without such a record a file named after a table is taken for it; any
 * other is left unread with a warning. Fails when two tables fit equally
 * and the name does not choose. */
static int classify(struct ctx *c, struct input *in, struct rowsrc *rs, struct diag *d)
{
	struct source src = {NULL};
	struct csv_record rec;
	struct buf hdr;
	int got = 0, rc = -1, k, most = 0, name_hits = 0;
	/* A sheet is named by its own name (网格事件), or by its book's. */
	const char *own_name = in->workbook ? strchr(in->name, ']') + 1 : in->name;
	int exact = table_by_name(own_name, 1), by_name = table_by_name(in->name, 0);
	const char *what = in->workbook ? "工作表" : "文件";
	size_t i;

	buf_init(&hdr, 0);
	in->table = -1;
	in->header_line = 0;
	if ((rs ? source_borrow(&src, rs, in, d) : source_open(&src, in, d)) < 0)
		goto done;
	for (k = 0; k < 6 && (got = source_next(&src, &rec, d)) == 1; k++) {
		int best = -1, best_n = 0, alt = -1, own = 0, any = 0, complete;
		for (i = 0; i < schema_ntables; i++) {
			int n = header_score(&schema_tables[i], &rec, &complete);
			any += n;
			if ((int)i == by_name)
				own = n;
			if (!complete || n == 0)
				continue;
			if (n > best_n) {
				best = (int)i;
				best_n = n;
				alt = -1;
			} else if (n == best_n && (int)i == by_name) {
				alt = best;
				best = (int)i;
			} else if (n == best_n && alt < 0) {
				alt = (int)i;
			}
		}
		if (own > name_hits)
			name_hits = own;
		/* The header shown is the record naming the most columns, else
		 * the widest: not a title row above it. A record with a number in
		 * a cell is data, however many names its text happens to match. */
		{
			size_t f, filled = 0, j;
			int numeric = 0;
			for (f = 0; f < rec.nfields; f++) {
				filled += rec.lens[f] > 0;
				for (j = 0;
				     j < rec.lens[f] && isdigit((unsigned char)rec.fields[f][j]);
				     j++)
					;
				numeric |= rec.lens[f] > 0 && j == rec.lens[f];
			}
			if (numeric)
				any = 0, filled = 0;
			any = any * 64 + (int)(filled < 63 ? filled : 63);
		}
		if (any > most || hdr.len == 0) {
			most = any > most ? any : most;
			buf_reset(&hdr);
			list_fields(&hdr, &rec);
		}
		if (best < 0)
			continue;
		if (by_name >= 0 && best != by_name && own >= best_n) {
			best = by_name;
			alt = -1;
		}
		if (alt >= 0 && best != by_name) {
			buf_reset(&hdr);
			list_fields(&hdr, &rec);
			diag_at(d, in->workbook ? in->name : in->path, rec.line, 0,
				"无法确定%s属于哪张表：表头同样符合 %s.csv（%s）和 %s.csv（%s）；"
				"表头为 %s。请把%s改名为其中一张表的%s",
				what, schema_tables[best].name, schema_tables[best].label,
				schema_tables[alt].name, schema_tables[alt].label, hdr.data, what,
				in->workbook ? "名称（如 events 或 网格事件）" : "文件名");
			goto done;
		}
		in->table = best;
		in->header_line = rec.line;
		rc = 0;
		goto done;
	}
	if (got < 0)
		goto done;
	/* No header fits a table whole: a file named after one is taken for
	 * it (as exports always were), so its load names the missing column. */
	if (exact >= 0 || (by_name >= 0 && name_hits > 0))
		in->table = exact >= 0 ? exact : by_name;
	else if (k == 0)
		ingest_warn(c, "未识别的%s %s：空%s，未读取", what, in->name, what);
	else
		ingest_warn(c, "未识别的%s %s：表头不含任何一张表的全部必填列，未读取（表头为 %s）",
			    what, in->name, hdr.len ? hdr.data : "（空）");
	rc = 0;
done:
	buf_release(&hdr);
	source_close(&src);
	return rc;
}

/* Whether an entry of the input folder may be read: a regular file, or a
 * symbolic link to one inside the folder. Nothing outside the folder is
 * opened, so nothing of it can reach the data-quality page or rejects. */
static int input_check(const char *dir_real, const char *path, struct diag *d)
{
	struct stat sb;
	size_t n = strlen(dir_real);

	if (lstat(path, &sb) < 0)
		return diag_at(d, path, 0, 0, "无法读取文件：%s", strerror(errno));
	if (S_ISLNK(sb.st_mode)) {
		char *real = realpath(path, NULL);
		if (!real && errno == ENOENT)
			return diag_at(d, path, 0, 0, "是指向不存在文件的符号链接，拒绝读取");
		int inside = real && strncmp(real, dir_real, n) == 0 &&
			     (real[n] == '/' || (n == 1 && dir_real[0] == '/'));
		free(real);
		if (!inside)
			return diag_at(d, path, 0, 0,
				       "是指向输入目录之外的符号链接，拒绝读取"
				       "（请把文件本身复制到输入目录）");
		if (stat(path, &sb) < 0)
			return diag_at(d, path, 0, 0, "无法读取文件：%s", strerror(errno));
	}
	if (!S_ISREG(sb.st_mode))
		return diag_at(d, path, 0, 0, "不是普通文件（%s），拒绝读取",
			       csvread_kind(sb.st_mode));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the files of dir that kaoping reads, sorted by name, each checked
 * (input_check) and taken for a table (classify). */
int ingest_list_inputs(struct ctx *c, const char *dir, struct diag *d)
{
	DIR *dh = NULL;
	struct dirent *e;
	char **names = NULL, *dir_real = NULL;
	size_t nnames = 0, cap = 0, i, incap = 0;
	int rc = -1;

	dh = opendir(dir);
	if (!dh)
		return diag_at(d, dir, 0, 0, "无法打开输入目录");
	dir_real = realpath(dir, NULL);
	if (!dir_real) {
		diag_at(d, dir, 0, 0, "无法打开输入目录：%s", strerror(errno));
		goto done;
	}
	while ((e = readdir(dh)) != NULL) {
		/* "~$book.xlsx" is the lock file Excel and WPS leave beside a
		 * workbook while it is open: not an export. */
		if (e->d_name[0] == '.' || (e->d_name[0] == '~' && e->d_name[1] == '$') ||
		    !input_name(e->d_name))
			continue;
		if (nnames == cap) {
			char **p;
			cap = cap ? cap * 2 : 32;
			p = realloc(names, cap * sizeof *p);
			if (!p)
				goto oom;
			names = p;
		}
		names[nnames] = strdup(e->d_name);
		if (!names[nnames])
			goto oom;
		nnames++;
	}
	if (nnames)
		qsort(names, nnames, sizeof *names, cmp_str);
	for (i = 0; i < nnames; i++) {
		struct buf p;
		char *path;
		size_t nsheets = 1, k;
		struct rowsrc *rs = NULL;
		int bad;
		buf_init(&p, 0);
		buf_printf(&p, "%s/%s", dir, names[i]);
		path = buf_steal(&p);
		if (!path)
			goto oom;
		bad = input_check(dir_real, path, d) < 0;
		/* A workbook is one input per sheet, named as Excel names it:
		 * [网格事件导出.xlsx]事件. Kept open while its sheets are
		 * classified, so its shared strings are read once here. */
		if (!bad && workbook_name(names[i])) {
			bad = rowsrc_open(&rs, path, d) < 0;
			/* A platform's ".xls" is often text (CSV or tab-separated):
			 * read by its bytes, as the CSV file it is. */
			if (!bad && rowsrc_kind(rs) == ROWSRC_CSV) {
				rowsrc_close(rs);
				rs = NULL;
			}
			if (rs)
				nsheets = rowsrc_sheet_count(rs);
		}
		for (k = 0; !bad && k < nsheets; k++) {
			struct input *in;
			if (c->ninputs == incap) {
				size_t ncap = incap ? incap * 2 : 32;
				struct input *q = realloc(c->inputs, ncap * sizeof *q);
				if (!q) {
					diag_set(d, "内存不足");
					bad = 1;
					break;
				}
				c->inputs = q;
				incap = ncap;
			}
			in = &c->inputs[c->ninputs++];
			memset(in, 0, sizeof *in);
			in->table = -1;
			in->sheet = (int)k;
			in->workbook = rs != NULL;
			buf_init(&p, 0);
			if (rs)
				buf_printf(&p, "[%s]%s", names[i], rowsrc_sheet_name(rs, k));
			else
				buf_puts(&p, names[i]);
			in->name = buf_steal(&p);
			in->path = strdup(path);
			if (!in->name || !in->path) {
				diag_set(d, "内存不足");
				bad = 1;
				break;
			}
			bad = classify(c, in, rs, d) < 0;
		}
		if (rs && !bad && book_keep(c, rs, path) < 0) {
			diag_set(d, "内存不足");
			bad = 1;
		} else if (bad) {
			rowsrc_close(rs);
		}
		free(path);
		if (bad)
			goto done;
	}
	rc = 0;
	goto done;
oom:
	diag_set(d, "内存不足");
done:
	if (dh)
		closedir(dh);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(dir_real);
	return rc;
}