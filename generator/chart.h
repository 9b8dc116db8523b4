/* chart.h - charts drawn by gnuplot run as an external program. A chart set
 * collects every chart of a run (categories on x, bar and line series, shaded
 * bands); chart_render writes one data file per chart and ONE script for all of
 * them, and runs `gnuplot -d SCRIPT` once (posix_spawnp, no shell; data only in
 * files, never in the command line). Each chart becomes SVG (for the site) and
 * PNG (pngcairo, white background, for the PDFs), with Chinese labels in an
 * installed CJK font; the same data gives the same bytes. Each chart also has
 * a text alternative: its numbers as a sentence, for accessibility. */
#ifndef KP_CHART_H
#define KP_CHART_H

#include <stddef.h>

#include "diag.h"

#define CHART_FONT  "WenQuanYi Micro Hei"
#define CHART_SVG_W 800
#define CHART_SVG_H 450
#define CHART_PNG_W 1600
#define CHART_PNG_H 900

struct chart_set;
struct chart;

enum chart_style {
	CHART_BAR, /* bars side by side within a category (or stacked, see chart_stacked) */
	CHART_LINE /* a line with points; NaN values leave a gap */
};

/* Lifecycle. Builders never fail loudly: on out of memory the set is marked
 * and chart_render reports it. chart_set_free accepts NULL. */
struct chart_set *chart_set_new(void);
void chart_set_free(struct chart_set *s);

/* Adds a chart. id names its files (id.svg, id.png): [a-z0-9_-], at most 40
 * characters (else the chart is refused: NULL and the set marked failed).
 * title is for the text alternative (captions are the renderers' business). */
struct chart *chart_add(struct chart_set *s, const char *id, const char *title);
/* Axis titles; y2 (right axis) only when a series uses it. NULL: none. */
void chart_axes(struct chart *c, const char *xlabel, const char *ylabel, const char *y2label);
/* Axis ranges; NAN for automatic. axis 1 = y, 2 = y2. */
void chart_range(struct chart *c, int axis, double lo, double hi);
/* Bars of different series stack instead of standing side by side. */
void chart_stacked(struct chart *c, int on);
/* Writes each bar's value above it (decimals as given per series). */
void chart_value_labels(struct chart *c, int on);
/* The x categories (copied). Series added later have n values each. */
int chart_categories(struct chart *c, const char *const *labels, size_t n);
/* A series: name (legend and text alternative), unit for the text
 * alternative (e.g. "件", "%"; NULL none), style, y2 (0/1), the values
 * (n = number of categories; NAN = no value), colour "#rrggbb" (NULL: a default),
 * decimals shown. A series without any finite value is left out. */
int chart_series(struct chart *c, const char *name, const char *unit, enum chart_style style,
		 int y2, const double *v, const char *color, int decimals);
/* Per-category colours "#rrggbb" (n = number of categories) for the bars of
 * the first bar series, e.g. 红榜 red and 黑榜 black; that series then has no
 * key entry. */
int chart_category_colors(struct chart *c, const char *const *colors);
/* The last series added (a line) is provisional from category `from` on:
 * there it is drawn dashed with hollow points, e.g. a closure rate of months
 * whose events are still within their time limit. label: the key entry of
 * that style (one per chart). Nothing happens for a bar or an unknown index. */
void chart_provisional(struct chart *c, size_t from, const char *label);
/* A sentence for the reader (e.g. why a figure is provisional): drawn under
 * the PNG's plot (documents), appended to the text alternative; the site
 * shows it as text under the SVG (chart_note_text, "" when none). */
void chart_note(struct chart *c, const char *note);
const char *chart_note_text(const struct chart *c);
/* A shaded band behind the plot from x0 to x1 in category coordinates
 * (category i spans i-0.5 .. i+0.5), labelled at its top. */
int chart_band(struct chart *c, double x0, double x1, const char *label, const char *color);

/* The chart with this id in the set, or NULL. */
struct chart *chart_find(struct chart_set *s, const char *id);
/* The chart's id, title, and its text alternative: "标题：类别1 系列A 12 件、系列B 10 件；…"
 * Owned by the chart, valid until chart_set_free; "" on out of memory. */
const char *chart_id(const struct chart *c);
const char *chart_title(const struct chart *c);
const char *chart_alt(struct chart *c);

/* Writes svg_dir/ID.svg and png_dir/ID.png for every chart (the directories
 * are created if missing; either may be NULL to skip that format), running
 * gnuplot once. Data and script go to a temporary directory ($TMPDIR or /tmp)
 * that is removed afterwards. Returns 0, or -1 with d "gnuplot 未安装或运行失败：…"
 * (gnuplot missing, or its first error message). */
/* Also draw, into png_dir/ID.png, a white A4-shaped picture of text set
 * diagonally in light grey: a watermark for PDFs that is no text, so it does
 * not mix into the text a reader copies. Drawn by the same gnuplot run. */
int chart_watermark(struct chart_set *s, const char *id, const char *text);
int chart_render(struct chart_set *s, const char *svg_dir, const char *png_dir, struct diag *d);

#endif
