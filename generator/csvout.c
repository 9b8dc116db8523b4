/* csvout.c - the CSV export, rendered from the report model. */
#include "csvout.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "model.h"

/* One CSV file being written: the row is built in b and flushed by 64 KiB. */
struct out {
	FILE *f;
	struct buf b;
	int ncol; /* fields in the current row */
	int bad;
};

static void field(struct out *o, const char *s)
{
	if (o->ncol++)
		buf_putc(&o->b, ',');
	if (s)
		buf_csv_field(&o->b, s, strlen(s));
}

static void field_long(struct out *o, long v)
{
	char t[32];

	snprintf(t, sizeof t, "%ld", v);
	field(o, t);
}

static void end_row(struct out *o)
{
	buf_putc(&o->b, '\n');
	o->ncol = 0;
	if (o->b.len > 1 << 16) {
		if (fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len)
			o->bad = 1;
		buf_reset(&o->b);
	}
}

static int open_out(struct out *o, const char *dir, const char *file, const char *const *cols,
		    int ncols, struct diag *d)
{
	char path[4400];
	int i;

	memset(o, 0, sizeof *o);
	buf_init(&o->b, 0);
	snprintf(path, sizeof path, "%s/%s", dir, file);
	o->f = fopen(path, "wb");
	if (!o->f)
		return diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	for (i = 0; i < ncols; i++)
		field(o, cols[i]);
	end_row(o);
	return 0;
}

static int close_out(struct out *o, const char *dir, const char *file, struct diag *d)
{
	int bad = o->bad || o->b.failed;

	if (o->f) {
		bad |= o->b.len && fwrite(o->b.data, 1, o->b.len, o->f) != o->b.len;
		bad |= ferror(o->f);
		bad |= fclose(o->f) != 0;
	}
	buf_release(&o->b);
	if (bad)
		return diag_set(d, "写入“%s/%s”失败", dir, file);
	return 0;
}

static int write_files(const struct model *m, const char *dir, struct diag *d)
{
	static const char *const COLS[] = {"file",   "rows_read", "rows_loaded",    "rows_rejected",
					   "status", "encoding",  "unknown_columns", "rows_void"};
	struct out o;
	long k;

	if (open_out(&o, dir, "ingest_report.csv", COLS, 8, d) < 0)
		return close_out(&o, dir, "ingest_report.csv", d), -1;
	for (k = 0; k < m->nfiles; k++) {
		const struct model_file *f = &m->files[k];
		field(&o, f->file);
		field_long(&o, f->read);
		field_long(&o, f->loaded);
		field_long(&o, f->rejected);
		field(&o, f->status);
		field(&o, f->encoding);
		field(&o, f->unknown_columns);
		field_long(&o, f->voided);
		end_row(&o);
	}
	return close_out(&o, dir, "ingest_report.csv", d);
}

static int write_rejects(const struct model *m, const char *dir, struct diag *d)
{
	static const char *const COLS[] = {"file", "line", "column", "reason", "raw"};
	struct out o;
	long k;

	if (open_out(&o, dir, "rejects.csv", COLS, 5, d) < 0)
		return close_out(&o, dir, "rejects.csv", d), -1;
	for (k = 0; k < m->nrejects; k++) {
		const struct model_reject *r = &m->rejects[k];
		field(&o, r->file);
		field_long(&o, r->line);
		if (r->file[0] == '[' && r->column) /* a sheet's: "C（上报时间）" */
			field(&o, r->column);
		else if (r->col > 0)
			field_long(&o, r->col);
		else
			field(&o, NULL);
		field(&o, r->reason);
		field(&o, r->raw);
		end_row(&o);
	}
	return close_out(&o, dir, "rejects.csv", d);
}

static int write_points(const struct model *m, const char *dir, struct diag *d)
{
	static const char *const COLS[] = {"id",     "name",	     "role",	 "unit",
					   "points", "rank_in_role", "candidate"};
	struct out o;
	long k;
	char t[64];

	if (open_out(&o, dir, "points.csv", COLS, 7, d) < 0)
		return close_out(&o, dir, "points.csv", d), -1;
	for (k = 0; k < m->npeople; k++) {
		const struct model_person *p = &m->people[k];
		field(&o, p->id);
		field(&o, p->name);
		field(&o, p->role);
		field(&o, p->unit_code);
		snprintf(t, sizeof t, "%.2f", p->points);
		field(&o, t);
		if (p->rank > 0)
			field_long(&o, p->rank);
		else
			field(&o, NULL);
		field_long(&o, p->candidate);
		end_row(&o);
	}
	return close_out(&o, dir, "points.csv", d);
}

static int write_table(const struct model_table *x, const char *dir, struct diag *d)
{
	struct out o;
	long k;
	int i;

	if (open_out(&o, dir, x->file, x->cols, x->ncols, d) < 0)
		return close_out(&o, dir, x->file, d), -1;
	for (k = 0; k < x->nrows; k++) {
		for (i = 0; i < x->ncols; i++)
			field(&o, x->cells[k * x->ncols + i]);
		end_row(&o);
	}
	return close_out(&o, dir, x->file, d);
}

int csvout_write(const struct model *m, const char *dir, struct diag *d)
{
	int t;

	if (write_files(m, dir, d) < 0 || write_rejects(m, dir, d) < 0)
		return -1;
	if (write_points(m, dir, d) < 0)
		return -1;
	for (t = 0; t < m->ntables; t++)
		if (write_table(&m->tables[t], dir, d) < 0)
			return -1;
	return 0;
}
