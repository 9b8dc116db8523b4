/* chart.c - chart specs -> data files + one gnuplot script -> one gnuplot run.
 * Bars are drawn as boxes at computed offsets (so bands and lines share one x
 * coordinate system: category i at x = i); stacked bars are cumulative sums
 * drawn tallest first. Strings reach the script only single-quoted (gnuplot
 * expands neither macros nor backquotes there); category labels go to the data
 * files. gnuplot runs with -d (no init files) for stable output. */
#include "chart.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

extern char **environ;

struct series {
	char *name, *unit, *color;
	enum chart_style style;
	int y2, decimals;
	long prov; /* first provisional category (chart_provisional), or -1 */
	double *v;
};

struct band {
	double x0, x1;
	char *label, *color;
};

struct chart {
	struct chart_set *set;
	char *id, *title, *xlabel, *ylabel, *y2label;
	double range[2][2];
	int stacked, labels;
	char **cats;
	size_t ncat;
	struct series *ser;
	size_t nser;
	struct band *bands;
	size_t nband;
	long *catcolor;	  /* per category 0xRRGGBB, or NULL */
	char *prov_label; /* key entry of the provisional style, or NULL */
	char *note;	  /* chart_note, or NULL */
	char *alt;
};

struct chart_set {
	struct chart **c;
	size_t n, cap;
	int failed;
	char *wm_id, *wm_text; /* chart_watermark, or NULL */
};

static const char *const PALETTE[] = {"#c0392b", "#7f8c8d", "#2e86c1", "#e67e22",
				      "#27ae60", "#8e44ad", "#f1c40f", "#16a085"};

static char *dup_or_null(struct chart_set *s, const char *v)
{
	char *p;

	if (!v)
		return NULL;
	p = strdup(v);
	if (!p)
		s->failed = 1;
	return p;
}

struct chart_set *chart_set_new(void)
{
	return calloc(1, sizeof(struct chart_set));
}

static void chart_free(struct chart *c)
{
	size_t i;

	if (!c)
		return;
	free(c->id);
	free(c->title);
	free(c->xlabel);
	free(c->ylabel);
	free(c->y2label);
	for (i = 0; i < c->ncat; i++)
		free(c->cats[i]);
	free(c->cats);
	for (i = 0; i < c->nser; i++) {
		free(c->ser[i].name);
		free(c->ser[i].unit);
		free(c->ser[i].color);
		free(c->ser[i].v);
	}
	free(c->ser);
	for (i = 0; i < c->nband; i++) {
		free(c->bands[i].label);
		free(c->bands[i].color);
	}
	free(c->bands);
	free(c->catcolor);
	free(c->prov_label);
	free(c->note);
	free(c->alt);
	free(c);
}

void chart_set_free(struct chart_set *s)
{
	size_t i;

	if (!s)
		return;
	free(s->wm_id);
	free(s->wm_text);
	for (i = 0; i < s->n; i++)
		chart_free(s->c[i]);
	free(s->c);
	free(s);
}

static int valid_id(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') ||
		      id[i] == '_' || id[i] == '-'))
			return 0;
	return i > 0 && i <= 40;
}

int chart_watermark(struct chart_set *s, const char *id, const char *text)
{
	if (!valid_id(id) || !text)
		return -1;
	free(s->wm_id);
	free(s->wm_text);
	s->wm_id = dup_or_null(s, id);
	s->wm_text = dup_or_null(s, text);
	return s->wm_id && s->wm_text ? 0 : -1;
}

struct chart *chart_add(struct chart_set *s, const char *id, const char *title)
{
	struct chart *c;
	size_t i;

	if (!valid_id(id)) {
		s->failed = 1;
		return NULL;
	}
	for (i = 0; i < s->n; i++)
		if (strcmp(s->c[i]->id, id) == 0) {
			s->failed = 1;
			return NULL;
		}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		struct chart **p = realloc(s->c, cap * sizeof *p);
		if (!p) {
			s->failed = 1;
			return NULL;
		}
		s->c = p;
		s->cap = cap;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		s->failed = 1;
		return NULL;
	}
	c->set = s;
	c->id = dup_or_null(s, id);
	c->title = dup_or_null(s, title ? title : id);
	c->range[0][0] = c->range[0][1] = c->range[1][0] = c->range[1][1] = NAN;
	s->c[s->n++] = c;
	return c;
}

void chart_axes(struct chart *c, const char *xlabel, const char *ylabel, const char *y2label)
{
	if (!c)
		return;
	free(c->xlabel);
	free(c->ylabel);
	free(c->y2label);
	c->xlabel = dup_or_null(c->set, xlabel);
	c->ylabel = dup_or_null(c->set, ylabel);
	c->y2label = dup_or_null(c->set, y2label);
}

void chart_range(struct chart *c, int axis, double lo, double hi)
{
	if (!c || axis < 1 || axis > 2)
		return;
	c->range[axis - 1][0] = lo;
	c->range[axis - 1][1] = hi;
}

void chart_stacked(struct chart *c, int on)
{
	if (c)
		c->stacked = on;
}

void chart_value_labels(struct chart *c, int on)
{
	if (c)
		c->labels = on;
}

int chart_categories(struct chart *c, const char *const *labels, size_t n)
{
	size_t i;

	if (!c || c->cats || c->nser)
		return -1;
	c->cats = calloc(n ? n : 1, sizeof *c->cats);
	if (!c->cats) {
		c->set->failed = 1;
		return -1;
	}
	c->ncat = n;
	for (i = 0; i < n; i++) {
		c->cats[i] = dup_or_null(c->set, labels[i] ? labels[i] : "");
		if (!c->cats[i])
			return -1;
	}
	return 0;
}

int chart_series(struct chart *c, const char *name, const char *unit, enum chart_style style,
		 int y2, const double *v, const char *color, int decimals)
{
	struct series *p, *x;
	size_t i;

	if (!c)
		return -1;
	for (i = 0; i < c->ncat && !isfinite(v[i]); i++)
		;
	if (i == c->ncat)
		return 0; /* nothing to draw: gnuplot would stop on a series without points */
	p = realloc(c->ser, (c->nser + 1) * sizeof *p);
	if (!p) {
		c->set->failed = 1;
		return -1;
	}
	c->ser = p;
	x = &c->ser[c->nser];
	memset(x, 0, sizeof *x);
	x->v = malloc((c->ncat ? c->ncat : 1) * sizeof *x->v);
	if (!x->v) {
		c->set->failed = 1;
		return -1;
	}
	c->nser++;
	if (c->ncat)
		memcpy(x->v, v, c->ncat * sizeof *x->v);
	x->name = dup_or_null(c->set, name ? name : "");
	x->unit = dup_or_null(c->set, unit);
	x->color = dup_or_null(c->set, color ? color : PALETTE[(c->nser - 1) % 8]);
	x->style = style;
	x->y2 = y2 != 0;
	x->decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
	x->prov = -1;
	return 0;
}

void chart_provisional(struct chart *c, size_t from, const char *label)
{
	struct series *x;

	if (!c || c->nser == 0 || from >= c->ncat)
		return;
	x = &c->ser[c->nser - 1];
	if (x->style != CHART_LINE)
		return;
	x->prov = (long)from;
	if (!c->prov_label)
		c->prov_label = dup_or_null(c->set, label ? label : "");
}

void chart_note(struct chart *c, const char *note)
{
	if (!c)
		return;
	free(c->note);
	c->note = dup_or_null(c->set, note);
}

const char *chart_note_text(const struct chart *c)
{
	return c && c->note ? c->note : "";
}

int chart_band(struct chart *c, double x0, double x1, const char *label, const char *color)
{
	struct band *p;

	if (!c)
		return -1;
	p = realloc(c->bands, (c->nband + 1) * sizeof *p);
	if (!p) {
		c->set->failed = 1;
		return -1;
	}
	c->bands = p;
	p = &c->bands[c->nband++];
	p->x0 = x0;
	p->x1 = x1;
	p->label = dup_or_null(c->set, label ? label : "");
	p->color = dup_or_null(c->set, color ? color : "#f1c40f");
	return 0;
}

int chart_category_colors(struct chart *c, const char *const *colors)
{
	size_t i;

	if (!c)
		return -1;
	free(c->catcolor);
	c->catcolor = calloc(c->ncat ? c->ncat : 1, sizeof *c->catcolor);
	if (!c->catcolor) {
		c->set->failed = 1;
		return -1;
	}
	for (i = 0; i < c->ncat; i++) {
		const char *h = colors[i];
		c->catcolor[i] = h && h[0] == '#' ? strtol(h + 1, NULL, 16) : 0x7f8c8d;
	}
	return 0;
}

struct chart *chart_find(struct chart_set *s, const char *id)
{
	size_t i;

	for (i = 0; s && i < s->n; i++)
		if (strcmp(s->c[i]->id, id) == 0)
			return s->c[i];
	return NULL;
}

const char *chart_id(const struct chart *c)
{
	return c ? c->id : "";
}

const char *chart_title(const struct chart *c)
{
	return c && c->title ? c->title : "";
}

static void put_num(struct buf *b, double v, int decimals)
{
	if (isnan(v))
		buf_puts(b, "无数据");
	else
		buf_printf(b, "%.*f", decimals, v == 0 ? 0.0 : v);
}

const char *chart_alt(struct chart *c)
{
	struct buf b;
	size_t i, j;

	if (!c)
		return "";
	if (c->alt)
		return c->alt;
	buf_init(&b, 0);
	buf_printf(&b, "%s：", c->title);
	for (i = 0; i < c->ncat; i++) {
		if (i)
			buf_puts(&b, "；");
		buf_puts(&b, c->cats[i]);
		for (j = 0; j < c->nser; j++) {
			const struct series *x = &c->ser[j];
			buf_puts(&b, j ? "，" : " ");
			if (c->nser > 1)
				buf_printf(&b, "%s ", x->name);
			put_num(&b, x->v[i], x->decimals);
			if (x->unit && !isnan(x->v[i]))
				buf_puts(&b, x->unit);
		}
	}
	if (c->ncat == 0)
		buf_puts(&b, "无数据");
	buf_puts(&b, "。");
	if (c->note)
		buf_puts(&b, c->note);
	if (b.failed) {
		buf_release(&b);
		return "";
	}
	c->alt = buf_steal(&b);
	return c->alt;
}

/* ---- script and data ------------------------------------------------------- */

/* A single-quoted gnuplot string: ' doubled, control characters blanked. */
static void put_str(struct buf *b, const char *s)
{
	buf_putc(b, '\'');
	for (; s && *s; s++) {
		if (*s == '\'')
			buf_puts(b, "''");
		else if ((unsigned char)*s < 0x20)
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '\'');
}

/* A data-file field: no tabs, line ends or quotes to confuse the reader. */
static void put_field(struct buf *b, const char *s)
{
	if (!*s)
		buf_puts(b, "-");
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20)
			buf_putc(b, ' ');
		else if (*s == '"')
			buf_puts(b, "\xe2\x80\x9d"); /* ” */
		else
			buf_putc(b, *s);
	}
}

static void put_range(struct buf *b, const char *axis, const double r[2], double dflt_lo)
{
	double lo = isnan(r[0]) ? dflt_lo : r[0];

	buf_printf(b, "set %srange [", axis);
	if (isnan(lo))
		buf_puts(b, "*");
	else
		buf_printf(b, "%.10g", lo);
	buf_puts(b, ":");
	if (isnan(r[1]))
		buf_puts(b, "*");
	else
		buf_printf(b, "%.10g", r[1]);
	buf_puts(b, "]\n");
}

static int write_file(const char *path, const struct buf *b, struct diag *d)
{
	FILE *f = fopen(path, "wb");
	int bad;

	if (!f)
		return diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	bad = b->len && fwrite(b->data, 1, b->len, f) != b->len;
	bad |= ferror(f);
	bad |= fclose(f) != 0;
	if (bad)
		return diag_set(d, "写入“%s”出错：%s", path, strerror(errno));
	return 0;
}

static int write_data(const struct chart *c, const char *path, struct diag *d)
{
	struct buf b;
	size_t i, j;
	int rc;

	buf_init(&b, 0);
	for (i = 0; i < c->ncat; i++) {
		double cum = 0;
		put_field(&b, c->cats[i]);
		for (j = 0; j < c->nser; j++) {
			double v = c->ser[j].v[i];
			if (c->stacked && c->ser[j].style == CHART_BAR) {
				cum += isnan(v) ? 0 : v;
				v = cum;
			}
			if (isnan(v) || isinf(v))
				buf_puts(&b, "\tNaN");
			else
				buf_printf(&b, "\t%.10g", v);
		}
		if (c->catcolor)
			buf_printf(&b, "\t%ld", c->catcolor[i]);
		buf_putc(&b, '\n');
	}
	rc = b.failed ? diag_set(d, "内存不足") : write_file(path, &b, d);
	buf_release(&b);
	return rc;
}

/* One line series: solid with filled points, or, from its first provisional
 * category on, dashed with hollow points (the dashes start at the point before,
 * so the line stays joined); the key shows the solid style. */
static void put_line(struct buf *b, const struct chart *c, size_t j, const char *data, int first)
{
	const struct series *x = &c->ser[j];
	const char *axes = x->y2 ? " axes x1y2" : "";

	if (first)
		put_str(b, data);
	else
		buf_puts(b, "''");
	if (x->prov < 0)
		buf_printf(b, " using 0:%zu%s%s", j + 2, first ? ":xtic(1)" : "", axes);
	else
		buf_printf(b, " using 0:($0 < %ld ? column(%zu) : NaN)%s%s", x->prov, j + 2,
			   first ? ":xtic(1)" : "", axes);
	buf_puts(b, " with linespoints lw 2 pt 7 ps 0.7 lc rgb ");
	put_str(b, x->color);
	buf_puts(b, " title ");
	put_str(b, x->name);
	if (x->prov < 0)
		return;
	buf_printf(
		b,
		", \\\n  '' using 0:($0 >= %ld ? column(%zu) : NaN)%s with lines lw 2 dt 2 lc rgb ",
		x->prov - 1, j + 2, axes);
	put_str(b, x->color);
	buf_printf(b,
		   " notitle, \\\n  '' using 0:($0 >= %ld ? column(%zu) : NaN)%s with points pt 6 "
		   "ps 1.1 lw 2 lc rgb ",
		   x->prov, j + 2, axes);
	put_str(b, x->color);
	buf_puts(b, " notitle");
}

/* The plot of one chart for the current terminal; with_note: the chart's note
 * is drawn under the plot (the PNG for documents; the site prints it as text). */
static void put_plot(struct buf *b, const struct chart *c, const char *data, int with_note)
{
	size_t j, nbar = 0, k = 0;
	int any_y2 = 0, first = 1, last_bar = -1;
	double w;

	for (j = 0; j < c->nser; j++) {
		if (c->ser[j].style == CHART_BAR) {
			nbar++;
			last_bar = (int)j;
		}
		any_y2 |= c->ser[j].y2;
	}
	buf_puts(b, "reset\nset encoding utf8\nset datafile separator tab\n"
		    "set datafile commentschars ''\n"
		    "set style fill solid 0.9 noborder\nset border 3 lc rgb '#555555'\n"
		    "set key horizontal top center outside reverse Left samplen 2\n"
		    "set grid ytics lc rgb '#dddddd' dt solid\nset xtics nomirror scale 0\n"
		    "set ytics nomirror\nset offsets 0, 0, graph 0.08, 0\n");
	buf_printf(b, "set xrange [-0.5:%.1f]\n", c->ncat ? (double)c->ncat - 0.5 : 0.5);
	put_range(b, "y", c->range[0], nbar ? 0 : NAN);
	if (any_y2) {
		buf_puts(b, "set y2tics nomirror\nset border 11 lc rgb '#555555'\n");
		put_range(b, "y2", c->range[1], NAN);
	}
	if (c->ncat > 12)
		buf_puts(b, "set xtics rotate by 45 right\n");
	if (c->nser == 1)
		buf_puts(b, "unset key\n");
	if (c->nband)
		buf_puts(b, "set offsets 0, 0, graph 0.16, 0\n");
	if (with_note && c->note && *c->note) {
		buf_puts(b, "set bmargin 4.5\nset label 98 ");
		put_str(b, c->note);
		buf_puts(b,
			 " at screen 0.02, screen 0.03 left font ',20' textcolor rgb '#333333'\n");
	}
	if (c->xlabel) {
		buf_puts(b, "set xlabel ");
		put_str(b, c->xlabel);
		buf_putc(b, '\n');
	}
	if (c->ylabel) {
		buf_puts(b, "set ylabel ");
		put_str(b, c->ylabel);
		buf_putc(b, '\n');
	}
	if (c->y2label && any_y2) {
		buf_puts(b, "set y2label ");
		put_str(b, c->y2label);
		buf_putc(b, '\n');
	}
	for (j = 0; j < c->nband; j++) {
		const struct band *x = &c->bands[j];
		buf_printf(b, "set object %zu rect from %.6g, graph 0 to %.6g, graph 1 fc rgb ",
			   j + 1, x->x0, x->x1);
		put_str(b, x->color);
		buf_puts(b, " fs solid 0.18 noborder behind\n");
		buf_printf(b, "set label %zu ", j + 1);
		put_str(b, x->label);
		buf_printf(b, " at %.6g, graph 0.96 center front\n", (x->x0 + x->x1) / 2);
	}
	if (c->ncat == 0 || c->nser == 0) {
		/* Nothing to draw: an empty frame that says so. */
		buf_puts(b,
			 "unset key\nunset border\nunset xtics\nunset ytics\nunset y2tics\n"
			 "unset grid\nunset xlabel\nunset ylabel\nunset y2label\nunset object\n"
			 "unset label\nset yrange [0:1]\n"
			 "set label 99 '无数据' at graph 0.5, graph 0.5 center\nplot 2 notitle\n");
		return;
	}
	w = nbar ? (c->stacked ? 0.7 : 0.8 / (double)nbar) : 0;
	buf_puts(b, "plot ");
	/* Bars: side by side, or stacked (cumulative columns, tallest first). */
	for (k = 0; k < c->nser; k++) {
		size_t jj = c->stacked ? c->nser - 1 - k : k;
		const struct series *x = &c->ser[jj];
		double off;
		size_t pos = 0, t;
		if (x->style != CHART_BAR)
			continue;
		for (t = 0; t < jj; t++)
			pos += c->ser[t].style == CHART_BAR;
		off = c->stacked ? 0 : ((double)pos - ((double)nbar - 1) / 2.0) * w;
		if (!first)
			buf_puts(b, ", \\\n  ");
		if (first)
			put_str(b, data);
		else
			buf_puts(b, "''");
		if (c->catcolor && pos == 0) {
			buf_printf(b,
				   " using ($0%+.6g):%zu:(%.6g):%zu%s with boxes fc rgb variable "
				   "notitle",
				   off, jj + 2, w, c->nser + 2, first ? ":xtic(1)" : "");
			first = 0;
			continue;
		}
		buf_printf(b, " using ($0%+.6g):%zu:(%.6g)%s with boxes fc rgb ", off, jj + 2, w,
			   first ? ":xtic(1)" : "");
		put_str(b, x->color);
		if (c->stacked) {
			buf_puts(b, " notitle");
		} else {
			buf_puts(b, " title ");
			put_str(b, x->name);
		}
		first = 0;
	}
	/* Stacked bars are drawn tallest first; the key lists them in order. */
	for (j = 0; c->stacked && j < c->nser; j++) {
		if (c->ser[j].style != CHART_BAR)
			continue;
		buf_puts(b, ", \\\n  keyentry with boxes fc rgb ");
		put_str(b, c->ser[j].color);
		buf_puts(b, " title ");
		put_str(b, c->ser[j].name);
	}
	for (j = 0; j < c->nser; j++) {
		const struct series *x = &c->ser[j];
		if (x->style != CHART_LINE)
			continue;
		if (!first)
			buf_puts(b, ", \\\n  ");
		put_line(b, c, j, data, first);
		first = 0;
	}
	if (c->prov_label && !first) {
		buf_puts(b, ", \\\n  keyentry with linespoints lw 2 dt 2 pt 6 ps 1.1 lc rgb "
			    "'#555555' title ");
		put_str(b, c->prov_label);
	}
	if (c->labels && nbar) {
		for (k = 0; k < c->nser; k++) {
			const struct series *x = &c->ser[k];
			double off;
			size_t pos = 0, t;
			if (x->style != CHART_BAR || (c->stacked && (int)k != last_bar))
				continue;
			for (t = 0; t < k; t++)
				pos += c->ser[t].style == CHART_BAR;
			off = c->stacked ? 0 : ((double)pos - ((double)nbar - 1) / 2.0) * w;
			buf_printf(b,
				   ", \\\n  '' using ($0%+.6g):%zu:(sprintf('%%.%df', $%zu)) with "
				   "labels"
				   " offset 0, char 0.7 %snotitle",
				   off, k + 2, x->decimals, k + 2, x->y2 ? "axes x1y2 " : "");
		}
	}
	buf_putc(b, '\n');
}

static void remove_tree(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[4096 + 512];

	if (!dp)
		return;
	while ((e = readdir(dp)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(dp);
	rmdir(dir);
}

/* The first meaningful line of gnuplot's messages, for the diagnostic. */
static void first_error(const char *log, char *out, size_t cap)
{
	FILE *f = fopen(log, "r");
	char line[512], last[512] = "";

	out[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
			line[--n] = '\0';
		if (n == 0 || strspn(line, " ^") == n)
			continue;
		snprintf(last, sizeof last, "%s", line);
		if (strstr(line, "rror") || strstr(line, "arning")) {
			snprintf(out, cap, "%s", line);
			break;
		}
	}
	if (!out[0])
		snprintf(out, cap, "%s", last);
	fclose(f);
}

/* Runs `gnuplot -d script`, stdout and stderr to log. Returns 0, -1 if it
 * could not run, -2 if it ran and failed (d filled with its first error). */
static int run_gnuplot(const char *script, const char *log, struct diag *d)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int st, err;
	char *argv[] = {"gnuplot", "-d", (char *)script, NULL};
	char why[512];

	if (posix_spawn_file_actions_init(&fa) != 0)
		return diag_set(d, "gnuplot 未安装或运行失败：无法准备进程");
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	err = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err == ENOENT)
		return diag_set(
			d, "gnuplot 未安装或运行失败：找不到 gnuplot 程序；请安装 gnuplot-nox");
	if (err != 0)
		return diag_set(d, "gnuplot 未安装或运行失败：无法运行 gnuplot（%s）",
				strerror(err));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return diag_set(d, "gnuplot 未安装或运行失败：%s", strerror(errno));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return diag_set(
			d, "gnuplot 未安装或运行失败：找不到 gnuplot 程序；请安装 gnuplot-nox");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		first_error(log, why, sizeof why);
		if (WIFSIGNALED(st)) {
			diag_set(d, "gnuplot 未安装或运行失败：gnuplot 被信号 %d 终止",
				 WTERMSIG(st));
			return -2;
		}
		diag_set(d, "gnuplot 未安装或运行失败：%s", why[0] ? why : "退出码非零");
		return -2; /* it ran: keep its script and data for a look */
	}
	return 0;
}

static int check_output(const char *path, struct diag *d)
{
	struct stat sb;

	if (stat(path, &sb) != 0 || sb.st_size == 0)
		return diag_set(d, "gnuplot 未安装或运行失败：没有生成“%s”", path);
	return 0;
}

int chart_render(struct chart_set *s, const char *svg_dir, const char *png_dir, struct diag *d)
{
	char work[4096], path[4096 + 64], out[4096 + 64];
	const char *tmp = getenv("TMPDIR");
	struct buf b;
	size_t i;
	int rc = -1;

	work[0] = '\0';
	buf_init(&b, 0);
	if (s->failed) {
		diag_set(d, "图表数据无效或内存不足");
		goto done;
	}
	if (s->n == 0 && !s->wm_id) {
		rc = 0;
		goto done;
	}
	if ((svg_dir && fs_mkdir_p(svg_dir, d) < 0) || (png_dir && fs_mkdir_p(png_dir, d) < 0))
		goto done;
	snprintf(work, sizeof work, "%s/kaoping-charts.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(work)) {
		diag_set(d, "无法创建临时目录“%s”：%s", work, strerror(errno));
		work[0] = '\0';
		goto done;
	}
	for (i = 0; i < s->n; i++) {
		const struct chart *c = s->c[i];
		snprintf(path, sizeof path, "%s/%s.tsv", work, c->id);
		if (write_data(c, path, d) < 0)
			goto done;
		if (svg_dir) {
			buf_printf(&b,
				   "set terminal svg size %d,%d font '%s,15' background '#ffffff'"
				   " noenhanced rounded\n",
				   CHART_SVG_W, CHART_SVG_H, CHART_FONT);
			snprintf(out, sizeof out, "%s/%s.svg", svg_dir, c->id);
			buf_puts(&b, "set output ");
			put_str(&b, out);
			buf_putc(&b, '\n');
			put_plot(&b, c, path, 0);
		}
		if (png_dir) {
			buf_printf(
				&b,
				"set terminal pngcairo size %d,%d font '%s,22' background '#ffffff'"
				" noenhanced linewidth 2\n",
				CHART_PNG_W, CHART_PNG_H, CHART_FONT);
			snprintf(out, sizeof out, "%s/%s.png", png_dir, c->id);
			buf_puts(&b, "set output ");
			put_str(&b, out);
			buf_putc(&b, '\n');
			put_plot(&b, c, path, 1);
		}
	}
	if (png_dir && s->wm_id) {
		/* Last, since it unsets the axes: 1240 x 1754 is A4 at 150 dpi. */
		buf_printf(&b,
			   "reset\nset terminal pngcairo size 1240,1754 font '%s,110'"
			   " background '#ffffff' noenhanced\n",
			   CHART_FONT);
		snprintf(out, sizeof out, "%s/%s.png", png_dir, s->wm_id);
		buf_puts(&b, "set output ");
		put_str(&b, out);
		buf_puts(&b, "\nunset border\nunset tics\nunset key\nset xrange [0:1]\n"
			     "set yrange [0:1]\nset margins 0,0,0,0\nset label 1 ");
		put_str(&b, s->wm_text);
		buf_puts(&b, " at 0.5,0.5 center rotate by 54.7 textcolor rgb '#d8d8d8'\n"
			     "plot -1 notitle\nunset label 1\n");
	}
	buf_puts(&b, "unset output\n");
	if (b.failed) {
		diag_set(d, "内存不足");
		goto done;
	}
	snprintf(path, sizeof path, "%s/charts.gp", work);
	if (write_file(path, &b, d) < 0)
		goto done;
	snprintf(out, sizeof out, "%s/gnuplot.log", work);
	if (run_gnuplot(path, out, d) < 0)
		goto done;
	for (i = 0; i < s->n; i++) {
		if (svg_dir) {
			snprintf(out, sizeof out, "%s/%s.svg", svg_dir, s->c[i]->id);
			if (check_output(out, d) < 0)
				goto done;
		}
		if (png_dir) {
			snprintf(out, sizeof out, "%s/%s.png", png_dir, s->c[i]->id);
			if (check_output(out, d) < 0)
				goto done;
		}
	}
	if (png_dir && s->wm_id) {
		snprintf(out, sizeof out, "%s/%s.png", png_dir, s->wm_id);
		if (check_output(out, d) < 0)
			goto done;
	}
	rc = 0;
done:
	if (work[0])
		remove_tree(work);
	buf_release(&b);
	return rc;
}
