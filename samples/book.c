/* book.c - kpbook: writes CSV files as the sheets of one .xlsx workbook, as
 * a platform would export them, for the tests and the benchmark (no binary
 * fixtures in git).
 *
 *   kpbook [--title TEXT] [--1904] [--big] OUT.xlsx SHEET=FILE.csv ...
 *
 * Fields that look like numbers (no leading zero) are number cells;
 * "YYYY-MM-DD[ HH:MM[:SS]]" are date cells with a date format; others are
 * strings. --title puts a title row, merged across the header's width,
 * above each header. --1904 writes the workbook in the 1904 date system
 * (libxlsxwriter cannot: workbook.xml is patched afterwards). --big writes
 * in libxlsxwriter's constant-memory mode (inline strings, rows streamed). */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include <zip.h>

struct sheet {
	lxw_worksheet *ws;
	lxw_format *datefmt, *dayfmt;
	const char *title;
	int date1904;
	lxw_row_t row;
	lxw_col_t col;
	int header_done;
	lxw_col_t width;
};

static void die(const char *what, const char *subject)
{
	fprintf(stderr, "kpbook: %s: %s\n", what, subject);
	exit(1);
}

/* Days from 1970-01-01 (Howard Hinnant's days_from_civil). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

/* A date or date-time field as an Excel serial; 0 if it is not one. */
static int as_date(const char *s, size_t n, int date1904, double *serial, int *has_time)
{
	char b[32];
	int y, mo, d, h = 0, mi = 0, se = 0, used = 0;

	if (n < 10 || n >= sizeof b || s[4] != '-' || s[7] != '-')
		return 0;
	memcpy(b, s, n);
	b[n] = '\0';
	if (sscanf(b, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3)
		return 0;
	*has_time = 0;
	if ((size_t)used < n) {
		int u2 = 0;
		if (sscanf(b + used, " %2d:%2d%n", &h, &mi, &u2) != 2)
			return 0;
		used += u2;
		if ((size_t)used < n && sscanf(b + used, ":%2d%n", &se, &u2) == 1)
			used += u2;
		if ((size_t)used != n)
			return 0;
		*has_time = 1;
	}
	if (mo < 1 || mo > 12 || d < 1 || d > 31)
		return 0;
	/* 1900 system: serial 25569 is 1970-01-01; 1904: 24107. */
	*serial = (double)(days_from_civil(y, (unsigned)mo, (unsigned)d) +
			   (date1904 ? 24107 : 25569)) +
		  (h * 3600 + mi * 60 + se) / 86400.0;
	return 1;
}

static int as_number(const char *s, size_t n, double *v)
{
	char b[40], *end;
	size_t i;

	if (n == 0 || n >= sizeof b || (n > 1 && s[0] == '0' && s[1] != '.'))
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("0123456789.-", s[i]))
			return 0;
	memcpy(b, s, n);
	b[n] = '\0';
	*v = strtod(b, &end);
	return *end == '\0';
}

static void on_field(void *p, size_t n, void *arg)
{
	struct sheet *sh = arg;
	const char *s = p ? p : "";
	double v;
	int has_time;

	if (!sh->header_done) {
		char *t = malloc(n + 1);
		if (!t)
			die("out of memory", "");
		memcpy(t, s, n);
		t[n] = '\0';
		worksheet_write_string(sh->ws, sh->row, sh->col++, t, NULL);
		free(t);
		return;
	}
	if (n == 0) {
		sh->col++;
		return;
	}
	if (as_date(s, n, sh->date1904, &v, &has_time))
		worksheet_write_number(sh->ws, sh->row, sh->col, v,
				       has_time ? sh->datefmt : sh->dayfmt);
	else if (as_number(s, n, &v))
		worksheet_write_number(sh->ws, sh->row, sh->col, v, NULL);
	else {
		char *t = malloc(n + 1);
		if (!t)
			die("out of memory", "");
		memcpy(t, s, n);
		t[n] = '\0';
		worksheet_write_string(sh->ws, sh->row, sh->col, t, NULL);
		free(t);
	}
	sh->col++;
}

static void on_row(int c, void *arg)
{
	struct sheet *sh = arg;

	(void)c;
	if (!sh->header_done) {
		sh->header_done = 1;
		sh->width = sh->col;
	}
	sh->row++;
	sh->col = 0;
}

/* libxlsxwriter writes no date1904: add it to workbook.xml. */
static void set_1904(const char *path)
{
	int err = 0;
	zip_t *z = zip_open(path, 0, &err);
	zip_stat_t st;
	zip_file_t *f;
	char *xml, *out, *at;
	zip_source_t *src;
	static const char attr[] = "<workbookPr date1904=\"1\" ";

	if (!z || zip_stat(z, "xl/workbook.xml", 0, &st) < 0)
		die("cannot reopen", path);
	xml = calloc(1, st.size + 1);
	out = calloc(1, st.size + sizeof attr);
	f = zip_fopen(z, "xl/workbook.xml", 0);
	if (!xml || !out || !f || zip_fread(f, xml, st.size) != (zip_int64_t)st.size)
		die("cannot read workbook.xml of", path);
	zip_fclose(f);
	at = strstr(xml, "<workbookPr ");
	if (!at)
		die("no workbookPr in", path);
	{
		size_t head = (size_t)(at - xml), tail = strlen(at + 12);
		memcpy(out, xml, head);
		memcpy(out + head, attr, sizeof attr - 1);
		memcpy(out + head + sizeof attr - 1, at + 12, tail + 1);
	}
	src = zip_source_buffer(z, out, strlen(out), 1);
	if (!src || zip_file_add(z, "xl/workbook.xml", src, ZIP_FL_OVERWRITE) < 0)
		die("cannot rewrite", path);
	if (zip_close(z) < 0)
		die("cannot write", path);
	free(xml);
}

int main(int argc, char **argv)
{
	const char *title = NULL, *outpath;
	int date1904 = 0, big = 0, i;
	lxw_workbook_options opt = {0};
	lxw_workbook *wb;
	lxw_format *datefmt, *dayfmt, *titlefmt;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--title") == 0 && i + 1 < argc)
			title = argv[++i];
		else if (strcmp(argv[i], "--1904") == 0)
			date1904 = 1;
		else if (strcmp(argv[i], "--big") == 0)
			big = 1;
		else
			die("unknown option", argv[i]);
	}
	if (i + 2 > argc)
		die("usage", "kpbook [--title TEXT] [--1904] [--big] OUT.xlsx SHEET=FILE.csv ...");
	outpath = argv[i++];
	opt.constant_memory = big ? LXW_TRUE : LXW_FALSE;
	opt.use_zip64 = big ? LXW_TRUE : LXW_FALSE;
	wb = workbook_new_opt(outpath, &opt);
	if (!wb)
		die("cannot create", outpath);
	datefmt = workbook_add_format(wb);
	format_set_num_format(datefmt, "yyyy-mm-dd hh:mm:ss");
	dayfmt = workbook_add_format(wb);
	format_set_num_format(dayfmt, "yyyy-mm-dd");
	titlefmt = workbook_add_format(wb);
	format_set_bold(titlefmt);
	for (; i < argc; i++) {
		char *eq = strchr(argv[i], '='), name[128], buf[65536];
		struct csv_parser p;
		struct sheet sh = {0};
		FILE *f;
		size_t n;

		if (!eq || (size_t)(eq - argv[i]) >= sizeof name)
			die("expected SHEET=FILE.csv, got", argv[i]);
		memcpy(name, argv[i], (size_t)(eq - argv[i]));
		name[eq - argv[i]] = '\0';
		sh.ws = workbook_add_worksheet(wb, name);
		sh.datefmt = datefmt;
		sh.dayfmt = dayfmt;
		sh.date1904 = date1904;
		if (!sh.ws)
			die("cannot add sheet", name);
		f = fopen(eq + 1, "rb");
		if (!f)
			die("cannot open", eq + 1);
		if (title) {
			/* The title spans the header: merged once its width is
			 * known, which constant-memory mode forbids; there it is a
			 * plain cell. */
			worksheet_write_string(sh.ws, 0, 0, title, titlefmt);
			sh.row = 1;
		}
		if (csv_init(&p, CSV_APPEND_NULL) != 0)
			die("out of memory", "");
		while ((n = fread(buf, 1, sizeof buf, f)) > 0)
			if (csv_parse(&p, buf, n, on_field, on_row, &sh) != n)
				die("bad CSV", eq + 1);
		csv_fini(&p, on_field, on_row, &sh);
		csv_free(&p);
		fclose(f);
		if (title && !big && sh.width > 1)
			worksheet_merge_range(sh.ws, 0, 0, 0, (lxw_col_t)(sh.width - 1), title,
					      titlefmt);
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		die("cannot write", outpath);
	if (date1904)
		set_1904(outpath);
	return 0;
}
