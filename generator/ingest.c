/* ingest.c - loads each file of the input folder into the store: a file is
 * taken for the table its header matches (ingest_inputs.c), every row is
 * checked (ingest_check.c, field.c) and loaded or rejected with its reason
 * and raw text. References are checked against in-memory sets of the codes
 * loaded so far (tables load in dependency order, all files of one table
 * together); units are resolved after their file (ingest_units.c). */
#include "ingest.h"

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
#include "xlsx.h"

_Static_assert((int)FIELD_NULL == (int)STORE_NULL && (int)FIELD_INT == (int)STORE_INT &&
		       (int)FIELD_REAL == (int)STORE_REAL && (int)FIELD_TEXT == (int)STORE_TEXT,
	       "field value types are the store's");

/* Appends a copy of code to a growing array; returns its id or -1. */
long ingest_add_code(char ***arr, size_t *n, size_t *cap, const char *code, size_t len)
{
	char *p;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		char **a = realloc(*arr, nc * sizeof *a);
		if (!a)
			return -1;
		*arr = a;
		*cap = nc;
	}
	p = malloc(len + 1);
	if (!p)
		return -1;
	memcpy(p, code, len);
	p[len] = '\0';
	(*arr)[*n] = p;
	return (long)(*n)++;
}
void ingest_warn(struct ctx *c, const char *fmt, ...)
{
	char m[1024];
	va_list ap;

	if (!c->h || !c->h->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	c->h->warn(m, c->h->arg);
}

static int prepare(struct load *l, struct diag *d)
{
	struct buf sql;
	size_t i;
	int rc;

	buf_init(&sql, 0);
	buf_printf(&sql, "INSERT INTO %s(", l->t->name);
	for (i = 0; i < l->t->ncols; i++)
		buf_printf(&sql, "%s%s", i ? "," : "", l->t->cols[i].name);
	buf_puts(&sql, ") VALUES(");
	for (i = 0; i < l->t->ncols; i++)
		buf_printf(&sql, "%s?%zu", i ? "," : "", i + 1);
	buf_puts(&sql, ")");
	rc = store_prepare(l->s, sql.data, &l->ins, d);
	buf_release(&sql);
	if (rc < 0)
		return -1;
	if (store_prepare(l->s,
			  "INSERT INTO rejects(file,line,col,column_name,reason,raw)"
			  " VALUES(?1,?2,?3,?4,?5,?6)",
			  &l->rej, d) < 0)
		return -1;
	if (store_prepare(l->s,
			  "INSERT INTO reject_fields(file,line,field,value) VALUES(?1,?2,?3,?4)",
			  &l->rejf, d) < 0)
		return -1;
	return store_prepare(l->s,
			     "INSERT INTO extras(file,line,column_name,value) VALUES(?1,?2,?3,?4)",
			     &l->ext, d);
}

static void load_release(struct load *l)
{
	size_t i;

	for (i = 0; i < sizeof l->headers / sizeof l->headers[0]; i++) {
		free(l->headers[i]);
		free(l->colref[i]);
	}
	for (i = 0; i < l->nextra; i++)
		free(l->extra_names[i]);
	free(l->extra_names);
	free(l->extra_cols);
	store_finalize(l->ins);
	store_finalize(l->rej);
	store_finalize(l->rejf);
	store_finalize(l->ext);
	buf_release(&l->reason);
}

/* A sheet's columns are cited by letter and header in rejects.csv:
 * "C（上报时间）", as the person will look for them in Excel. */
static int cell_columns(struct load *l, struct diag *d)
{
	size_t ci;

	for (ci = 0; ci < l->t->ncols && ci < 64; ci++) {
		char letters[4];
		struct buf b;
		if (l->colmap[ci] < 0 || !l->headers[ci])
			continue;
		xlsx_col_name((size_t)l->colmap[ci], letters);
		buf_init(&b, 0);
		buf_printf(&b, "%s（%s）", letters, l->headers[ci]);
		l->colref[ci] = buf_steal(&b);
		if (!l->colref[ci])
			return diag_set(d, "内存不足");
	}
	return 0;
}

static int record_file(struct store *s, const char *file, const char *status, const char *enc,
		       const struct load *l, const char *unknown, const char *msg, int seq,
		       struct diag *d)
{
	struct store_stmt *st = NULL;
	int rc;

	if (store_prepare(s,
			  "INSERT OR REPLACE INTO ingest_files(file,status,encoding,rows_read,"
			  "rows_loaded,rows_rejected,unknown_columns,message,seq,rows_void)"
			  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
			  &st, d) < 0)
		return -1;
	store_bind_text(st, 1, file, -1);
	store_bind_text(st, 2, status, -1);
	store_bind_text(st, 3, enc, -1);
	store_bind_int(st, 4, l ? l->read : 0);
	store_bind_int(st, 5, l ? l->loaded : 0);
	store_bind_int(st, 6, l ? l->rejected : 0);
	store_bind_int(st, 10, l ? l->voided : 0);
	store_bind_text(st, 7, unknown && *unknown ? unknown : NULL, -1);
	store_bind_text(st, 8, msg, -1);
	store_bind_int(st, 9, seq);
	rc = store_step(st, d) == STORE_DONE ? 0 : -1;
	store_finalize(st);
	return rc;
}

static unsigned long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (unsigned long long)sb.st_size : 0;
}

/* Loads one file; returns 0 or -1 (fatal, d set). */
static int load_file(struct ctx *c, const struct schema_table *t, int fileidx, int seq,
		     struct ingest_totals *tot, struct diag *d)
{
	const struct input *in = &c->inputs[fileidx];
	const char *path = in->path, *file = in->name;
	struct load l;
	struct source rd = {NULL};
	struct csv_record rec;
	struct units_pending up;
	struct buf unknown;
	struct wq q;
	enum tkind kind = ingest_table_kind(t->name);
	int is_units = kind == T_UNITS;
	int is_people = kind == T_PEOPLE;
	int is_companies = kind == T_COMPANIES;
	unsigned long long total = file_size(path);
	int got, rc = -1;

	memset(&l, 0, sizeof l);
	memset(&up, 0, sizeof up);
	memset(&q, 0, sizeof q);
	buf_init(&unknown, 0);
	buf_init(&l.reason, 0);
	l.s = c->s;
	l.t = t;
	l.kind = kind;
	if (kind == T_EVENTS) {
		static const char *ev[9] = {"grid",	    "reported_at", "closed_at",
					    "level",	    "source",	   "reporter",
					    "satisfaction", "status",	   "deadline"};
		int k;
		for (k = 0; k < 9; k++)
			l.ev_cols[k] = ingest_col_index(t, ev[k]);
	}
	l.file = file;
	l.path = path;
	l.fileidx = fileidx;
	if (source_open_book(c, &rd, in, d) < 0)
		goto done;
	l.encoding = source_encoding(&rd);
	if (source_size(&rd))
		total = source_size(&rd); /* a sheet: its XML, not the zip */
	got = source_next(&rd, &rec, d);
	if (got < 0)
		goto done;
	if (got == 0) {
		ingest_warn(c, "%s 是空文件（没有表头）：%s的数据为空", file, t->label);
		rc = record_file(c->s, file, "empty", source_encoding(&rd), &l, NULL, "空文件", seq,
				 d);
		goto done;
	}
	/* Exports often put a title row (or a few) above the header: skip rows
	 * in which no column name is recognised, up to five. */
	{
		long skipped = 0, first = rec.line;
		while (got == 1 && skipped < 5 &&
		       (in->header_line ? rec.line < in->header_line
					: ingest_header_matches(t, &rec) == 0)) {
			got = source_next(&rd, &rec, d);
			skipped++;
		}
		if (got < 0)
			goto done;
		if (got == 0 || ingest_header_matches(t, &rec) == 0) {
			diag_at(d, path, first, 0,
				"找不到表头：前 %ld 行中没有可识别的列名（如 %s 或 %s）",
				skipped + (got == 1), t->cols[0].name, t->cols[0].label);
			goto done;
		}
		if (skipped)
			ingest_warn(c, "%s：表头在第 %ld 行，已跳过其上方的 %ld 行标题", file,
				    rec.line, skipped);
	}
	source_pad(&rd, rec.nfields);
	if (ingest_map_header(c, &l, &rec, &unknown, d) < 0 || prepare(&l, d) < 0)
		goto done;
	if (in->workbook && cell_columns(&l, d) < 0)
		goto done;
	if (unknown.len)
		ingest_warn(c, "%s 有未识别的列（已另存，不参与计算）：%s", file, unknown.data);
	up.parent_col = is_units && l.colmap[ingest_col_index(t, "parent")] >= 0
				? l.colmap[ingest_col_index(t, "parent")] + 1
				: 0;
	if (wq_start(&q, c, &l) < 0) {
		diag_set(d, "无法启动写入线程");
		goto done;
	}
	while ((got = source_next(&rd, &rec, d)) == 1) {
		int ck;
		if (ingest_all_empty(&rec))
			continue;
		l.read++;
		memset(l.refv, 0, sizeof l.refv);
		ck = check_record(c, &l, &rec);
		if (ck == 0 && is_units) {
			ck = units_add(c, &up, &l, &rec);
			if (ck == -2) {
				diag_set(d, "内存不足");
				goto done;
			}
			if (ck == 0 && l.nextra)
				wq_extras(&q, &l, &rec);
		} else if (ck == 0) {
			/* Codes that later files refer to are known as soon as checked;
			 * a duplicate the writer rejects was known already. */
			if (is_companies && strset_put(&c->companies, l.v[0].s, l.v[0].n, 0) < 0) {
				diag_set(d, "内存不足");
				goto done;
			}
			if (is_people) {
				long id = ingest_add_code(&c->person_code, &c->nperson,
							  &c->person_cap, l.v[0].s, l.v[0].n);
				if (id < 0 || id >= (1L << 24) ||
				    strset_put(&c->people, l.v[0].s, l.v[0].n, (uint32_t)id) < 0) {
					diag_set(d, "内存不足");
					goto done;
				}
			}
			if ((is_people || is_companies) && ingest_put_name(c, &l) < 0) {
				diag_set(d, "内存不足");
				goto done;
			}
			if (wq_row(&q, &l, &rec) < 0)
				break;
			if (c->h && c->h->progress && (l.read & 0xffff) == 0)
				c->h->progress(file, l.read, source_offset(&rd), total, 0,
					       c->h->arg);
			continue;
		}
		if (ck < 0 && wq_reject(&q, &l, &rec) < 0)
			break;
		if (c->h && c->h->progress && (l.read & 0xffff) == 0)
			c->h->progress(file, l.read, source_offset(&rd), total, 0, c->h->arg);
	}
	if (wq_finish(&q, d) < 0)
		goto done;
	if (got < 0)
		goto done;
	if (is_units && units_finish(c, &l, &up, d) < 0)
		goto done;
	if (c->h && c->h->progress)
		c->h->progress(file, l.read, total, total, 1, c->h->arg);
	{
		/* Say which table a file was taken for when its name is not the
		 * table's own (a Chinese name, a month's export, a .gz). */
		char as[256], own[128];
		snprintf(as, sizeof as, "作为 %s.csv（%s）读取", t->name, t->label);
		snprintf(own, sizeof own, "%s.csv", t->name);
		if (record_file(c->s, file, "loaded", source_encoding(&rd), &l, unknown.data,
				strcmp(file, own) != 0 ? as : NULL, seq, d) < 0)
			goto done;
	}
	{
		const char *other = NULL;
		unsigned long n = source_other_lines(&rd, &other);
		if (n)
			ingest_warn(c, "%s：有 %lu 行为 %s 编码（与文件其余部分不同），已逐行转换",
				    file, n, other);
		n = source_stripped(&rd);
		if (n)
			ingest_warn(
				c, "%s：已从文本中删除 %lu 个控制字符或双向文本控制符（如 U+202E）",
				file, n);
	}
	if (l.rejected)
		ingest_warn(c, "%s：读取 %ld 行，载入 %ld 行，拒绝 %ld 行（原因见 rejects.csv）",
			    file, l.read, l.loaded, l.rejected);
	{
		size_t k;
		for (k = 0; k < t->ncols; k++)
			if (l.unchecked[k])
				ingest_warn(c, "%s：%ld 行的“%s”未核对，因为没有提供 %s", file,
					    l.unchecked[k], l.headers[k],
					    t->cols[k].ref == REF_PERSON
						    ? "people.csv（人员）"
						    : "companies.csv（物业企业）");
	}
	tot->rows_read += l.read;
	tot->rows_loaded += l.loaded;
	tot->rows_rejected += l.rejected;
	tot->rows_void += l.voided;
	rc = 0;
done:
	if (q.started) {
		struct diag ignored;
		wq_finish(&q, &ignored);
	}
	if (rc < 0 && !d->file[0]) {
		size_t n = strlen(path);
		if (n >= sizeof d->file)
			n = sizeof d->file - 1;
		memcpy(d->file, path, n);
		d->file[n] = '\0';
	}
	units_free(&up);
	load_release(&l);
	buf_release(&unknown);
	source_close(&rd);
	return rc;
}

int ingest_run(struct store *s, const char *dir, const struct ingest_hooks *h,
	       struct ingest_totals *tot, struct diag *d)
{
	struct ctx c;
	size_t i, k;
	int rc = -1;

	memset(&c, 0, sizeof c);
	buf_init(&c.msg, 0);
	memset(tot, 0, sizeof *tot);
	c.s = s;
	c.h = h;
	if (ingest_list_inputs(&c, dir, d) < 0)
		goto done;
	if (store_exec(s,
		       "CREATE TABLE IF NOT EXISTS extras(file TEXT, line INTEGER,"
		       " column_name TEXT, value TEXT);",
		       d) < 0 ||
	    store_bulk_mode(s, d) < 0 || store_begin(s, d) < 0)
		goto done;
	for (i = 0; i < schema_ntables; i++) {
		const struct schema_table *t = &schema_tables[i];
		char want[128];
		int nfiles = 0;
		snprintf(want, sizeof want, "%s.csv", t->name);
		for (k = 0; k < c.ninputs; k++)
			nfiles += c.inputs[k].table == (int)i;
		if (!nfiles) {
			tot->files_absent++;
			ingest_warn(&c, "未找到 %s（%s）：%s", want, t->label,
				    t->when_absent ? t->when_absent : "依赖它的考核项将跳过");
			if (record_file(s, want, "absent", NULL, NULL, NULL, "文件不存在",
					(int)i * 1000, d) < 0)
				goto done;
			continue;
		}
		if (strcmp(t->name, "people") == 0)
			c.have_people = 1;
		if (strcmp(t->name, "companies") == 0)
			c.have_companies = 1;
		/* Keys of the rows of this table: duplicates across its files. */
		seen_free(&c.seen);
		c.track = nfiles > 1;
		nfiles = 0;
		for (k = 0; k < c.ninputs; k++) {
			if (c.inputs[k].table != (int)i)
				continue;
			tot->files_found++;
			if (load_file(&c, t, (int)k, (int)i * 1000 + nfiles++, tot, d) < 0)
				goto done;
		}
		if (strcmp(t->name, "events") == 0 && facts_write(&c, d) < 0)
			goto done;
	}
	if (tot->files_found == 0) {
		diag_at(d, dir, 0, 0,
			"输入目录中没有可识别的数据文件（.csv、.csv.gz、.xlsx 或 .xls，"
			"表头含某张表的全部必填列，如 units.csv、events.csv，"
			"或中文文件名 组织单元.csv、网格事件.xlsx）");
		goto done;
	}
	if (store_exec(s, "INSERT OR REPLACE INTO meta(key,value) VALUES('schema_version','1');",
		       d) < 0)
		goto done;
	if (store_create_indexes(s, d) < 0 || store_commit(s, d) < 0)
		goto done;
	if (store_exec(s, "PRAGMA analysis_limit=400; ANALYZE;", d) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		store_rollback(s);
	for (i = 0; i < c.ninputs; i++) {
		free(c.inputs[i].name);
		free(c.inputs[i].path);
	}
	free(c.inputs);
	source_books_close(&c);
	seen_free(&c.seen);
	strset_free(&c.units);
	units_names_free(&c);
	strset_free(&c.person_names);
	strset_free(&c.company_names);
	for (i = 0; i < c.ncompany; i++)
		free(c.company_code[i]);
	free(c.company_code);
	strset_free(&c.people);
	strset_free(&c.companies);
	strset_free(&c.sources);
	for (i = 0; i < c.nunit; i++)
		free(c.unit_code[i]);
	for (i = 0; i < c.nperson; i++)
		free(c.person_code[i]);
	for (i = 0; i < c.nsource; i++)
		free(c.source_name[i]);
	free(c.unit_code);
	free(c.person_code);
	free(c.source_name);
	facts_map_free(&c.fmap);
	facts_map_free(&c.rmap);
	facts_map_free(&c.mmap);
	free(c.mfacts);
	free(c.facts);
	free(c.rfacts);
	buf_release(&c.msg);
	return rc;
}