/* ingest_inputs.c - the input folder: which files are read (regular files
 * inside it), the reader seam (csvread for now), and the table each file is
 * taken for, by its header. */
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

/* Whether a file of the input folder is one kaoping reads, by its name. */
static int input_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
	       (n > 7 && strcasecmp(name + n - 7, ".csv.gz") == 0);
}

int source_open(struct source *src, const char *path, struct diag *d)
{
	return csvread_open(&src->csv, path, d);
}

int source_next(struct source *src, struct csv_record *rec, struct diag *d)
{
	return csvread_next(src->csv, rec, d);
}

void source_close(struct source *src)
{
	csvread_close(src->csv);
	src->csv = NULL;
}

const char *source_encoding(const struct source *src)
{
	return csvread_encoding(src->csv);
}

unsigned long long source_offset(const struct source *src)
{
	return csvread_offset(src->csv);
}

/* Lines converted from the other encoding, and invisible characters removed. */
unsigned long source_other_lines(const struct source *src, const char **other)
{
	return csvread_other_lines(src->csv, other);
}

unsigned long source_stripped(const struct source *src)
{
	return csvread_stripped(src->csv);
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
static int classify(struct ctx *c, struct input *in, struct diag *d)
{
	struct source src = {NULL};
	struct csv_record rec;
	struct buf hdr;
	int got = 0, rc = -1, k, most = 0, name_hits = 0;
	int exact = table_by_name(in->name, 1), by_name = table_by_name(in->name, 0);
	size_t i;

	buf_init(&hdr, 0);
	in->table = -1;
	in->header_line = 0;
	if (source_open(&src, in->path, d) < 0)
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
			diag_at(d, in->path, rec.line, 0,
				"无法确定文件属于哪张表：表头同样符合 %s.csv（%s）和 %s.csv（%s）；"
				"表头为 %s。请把文件改名为其中一张表的文件名",
				schema_tables[best].name, schema_tables[best].label,
				schema_tables[alt].name, schema_tables[alt].label, hdr.data);
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
		ingest_warn(c, "未识别的文件 %s：空文件，未读取", in->name);
	else
		ingest_warn(c,
			    "未识别的文件 %s：表头不含任何一张表的全部必填列，未读取（表头为 %s）",
			    in->name, hdr.len ? hdr.data : "（空）");
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
	size_t nnames = 0, cap = 0, i;
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
		if (e->d_name[0] == '.' || !input_name(e->d_name))
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
	c->inputs = calloc(nnames ? nnames : 1, sizeof *c->inputs);
	if (!c->inputs)
		goto oom;
	for (i = 0; i < nnames; i++) {
		struct input *in = &c->inputs[c->ninputs++];
		struct buf p;
		in->name = names[i];
		names[i] = NULL;
		in->table = -1;
		buf_init(&p, 0);
		buf_printf(&p, "%s/%s", dir, in->name);
		in->path = buf_steal(&p);
		if (!in->path)
			goto oom;
		if (input_check(dir_real, in->path, d) < 0 || classify(c, in, d) < 0)
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