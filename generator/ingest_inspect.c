/* ingest_inspect.c - kaoping inspect: what ingest would make of an input
 * folder, before anything is loaded and without a database. The same
 * listing and classification as ingest (ingest_inputs.c), the same header
 * mapping and row checks (ingest_check.c) on the first rows of each file or
 * sheet; references are not resolved (that needs the tables loaded). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_int.h"
#include "xlsx.h"

/* Rows checked per input, and bad values listed per input. */
enum { INSPECT_ROWS = 200, INSPECT_SHOWN = 10 };

struct notes {
	char **msg;
	size_t n, cap;
};

/* Classification warnings, kept to be shown under their file. */
static void keep_warn(const char *msg, void *arg)
{
	struct notes *w = arg;
	char *p;

	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 16;
		char **m = realloc(w->msg, nc * sizeof *m);
		if (!m)
			return;
		w->msg = m;
		w->cap = nc;
	}
	p = strdup(msg);
	if (p)
		w->msg[w->n++] = p;
}

/* Where field fc (0-based) of row line is: 事件!D4, or 第 4 行第 3 列. */
static void place(struct buf *out, const struct source *src, const struct input *in, long line,
		  long fc)
{
	char ref[160];

	if (in->workbook && fc >= 0) {
		source_where(src, line, (size_t)fc, ref, sizeof ref);
		buf_puts(out, ref);
	} else if (in->workbook) {
		buf_printf(out, "第 %ld 行", line);
	} else if (fc >= 0) {
		buf_printf(out, "第 %ld 行第 %ld 列", line, fc + 1);
	} else {
		buf_printf(out, "第 %ld 行", line);
	}
}

/* One input taken for table t: header, mapping, unknown columns, bad
 * values among the first rows. Returns -1 only when it cannot be read. */
static int inspect_one(struct ctx *c, const struct input *in, struct buf *out, struct diag *d)
{
	const struct schema_table *t = &schema_tables[in->table];
	struct source src = {NULL};
	struct csv_record rec;
	struct load l;
	struct buf unknown;
	struct diag hd;
	long bad = 0, rows = 0;
	size_t j, ci;
	int got, rc = -1;

	memset(&l, 0, sizeof l);
	buf_init(&unknown, 0);
	buf_init(&l.reason, 0);
	diag_init(&hd);
	l.t = t;
	l.kind = ingest_table_kind(t->name);
	l.file = in->name;
	l.path = in->path;
	buf_printf(out, "  作为 %s.csv（%s）读取", t->name, t->label);
	if (source_open_book(c, &src, in, d) < 0)
		goto done;
	l.encoding = source_encoding(&src);
	while ((got = source_next(&src, &rec, d)) == 1 && in->header_line &&
	       rec.line < in->header_line)
		;
	if (got < 0)
		goto done;
	if (got == 0) {
		buf_puts(out, "；没有表头\n");
		rc = 0;
		goto done;
	}
	buf_printf(out, "，表头在第 %ld 行\n", rec.line);
	source_pad(&src, rec.nfields);
	if (ingest_map_header(c, &l, &rec, &unknown, &hd) < 0) {
		buf_printf(out, "  错误：%s\n", hd.msg);
		rc = 0;
		goto done;
	}
	buf_puts(out, "  列的对应：\n");
	for (j = 0; j < rec.nfields; j++) {
		char letters[4];
		const char *h = rec.fields[j];
		size_t n = rec.lens[j];
		for (ci = 0; ci < t->ncols; ci++)
			if (l.colmap[ci] == (int)j)
				break;
		if (ci == t->ncols)
			continue;
		if (in->workbook) {
			xlsx_col_name(j, letters);
			buf_printf(out, "    %s 列 ", letters);
		} else {
			buf_printf(out, "    第 %zu 列 ", j + 1);
		}
		ingest_quote_value(out, h, n);
		buf_printf(out, " → %s（%s）\n", t->cols[ci].name, t->cols[ci].label);
	}
	if (unknown.len)
		buf_printf(out, "  未识别的列（载入时另存，不参与计算）：%s\n", unknown.data);
	/* The first rows through the checks of ingest, references aside. */
	while (rows < INSPECT_ROWS && (got = source_next(&src, &rec, d)) == 1) {
		if (ingest_all_empty(&rec))
			continue;
		rows++;
		memset(l.refv, 0, sizeof l.refv);
		if (check_record(c, &l, &rec) == 0)
			continue;
		if (bad++ >= INSPECT_SHOWN)
			continue;
		buf_puts(out, "    ");
		place(out, &src, in, rec.line, l.reject_col - 1);
		buf_printf(out, "：%s\n", l.reason.data ? l.reason.data : "");
	}
	if (got < 0)
		goto done;
	if (bad > INSPECT_SHOWN)
		buf_printf(out, "    ……另有 %ld 行\n", bad - INSPECT_SHOWN);
	if (bad)
		buf_printf(out, "  前 %ld 行中 %ld 行有无法解析的值（见上），载入时将被拒绝\n",
			   rows, bad);
	else
		buf_printf(out, "  前 %ld 行的值均可解析\n", rows);
	rc = 0;
done:
	source_close(&src);
	buf_release(&unknown);
	buf_release(&l.reason);
	for (j = 0; j < sizeof l.headers / sizeof l.headers[0]; j++)
		free(l.headers[j]);
	for (j = 0; j < l.nextra; j++)
		free(l.extra_names[j]);
	free(l.extra_names);
	free(l.extra_cols);
	return rc;
}

int ingest_inspect(const char *dir, struct buf *out, struct diag *d)
{
	struct ctx c;
	struct notes w = {NULL, 0, 0};
	struct ingest_hooks h = {keep_warn, NULL, &w};
	size_t i, k;
	int rc = -1;

	memset(&c, 0, sizeof c);
	c.h = &h;
	c.values_only = 1;
	if (ingest_list_inputs(&c, dir, d) < 0)
		goto done;
	buf_printf(out, "输入目录 %s：%zu 个文件或工作表\n", dir, c.ninputs);
	for (i = 0; i < c.ninputs; i++) {
		const struct input *in = &c.inputs[i];
		buf_printf(out, "\n%s\n", in->name);
		if (in->table < 0) {
			/* classify said why, naming the input: show it here. */
			int said = 0;
			for (k = 0; k < w.n; k++) {
				const char *m = strstr(w.msg[k], in->name);
				const char *colon = m ? strstr(m, "：") : NULL;
				if (!colon)
					continue;
				buf_printf(out, "  %s\n", colon + strlen("："));
				said = 1;
			}
			if (!said)
				buf_puts(out, "  不对应任何一张表，未读取\n");
			continue;
		}
		if (inspect_one(&c, in, out, d) < 0)
			goto done;
	}
	if (!c.ninputs)
		buf_puts(out, "没有可读取的文件（.csv、.csv.gz、.xlsx、.xls）\n");
	else
		buf_puts(out, "\n（引用的编码和名称在载入时对照已载入的表核对，此处不核对）\n");
	rc = 0;
done:
	for (i = 0; i < c.ninputs; i++) {
		free(c.inputs[i].name);
		free(c.inputs[i].path);
	}
	free(c.inputs);
	source_books_close(&c);
	for (k = 0; k < w.n; k++)
		free(w.msg[k]);
	free(w.msg);
	return rc;
}
