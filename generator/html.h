/* html.h - the static site: the report model + templates/ -> output/html.
 * Pages: index.html (overview: key figures with 同比, charts, tiers, top and
 * bottom), streets.html, communities.html, grids.html (rankings), redblack.html
 * (the publishable red/black list), points.html (leaderboards per role),
 * quality.html (files, rows, rejects and why), u/CODE.html per street, community
 * and grid, c/CODE.html per company (score explained item by item), and
 * assets/style.css + assets/sort.js copied from the templates folder. Charts are
 * linked from charts/ID.svg (drawn by model_charts before this). Every text from
 * the data is HTML-escaped by the templates (the model masked it already);
 * file names come from html_safe_name; bytes are deterministic. */
#ifndef KP_HTML_H
#define KP_HTML_H

#include <stddef.h>

#include "diag.h"

struct model;

/* Writes the whole site under outdir (created if missing; stale pages in u/ and
 * c/ from an earlier run are removed first). templates_dir holds the page
 * templates, partials, style.css and sort.js. progress (may be NULL) is called
 * as pages are written: what "网页", done, total. Returns 0, or -1 with d filled
 * (a template error names templates/x.html:LINE; a write error names the file). */
int html_render(const struct model *m, const char *templates_dir, const char *outdir,
		void (*progress)(const char *what, long done, long total, void *arg), void *arg,
		struct diag *d);

/* The file stem for a code: [A-Za-z0-9_-] kept; anything else (or a code that
 * is empty, over 64 bytes, starts with '-', or holds a personal number) is
 * replaced and a short hash of the whole code appended, so "../x" becomes
 * "___x-1a2b3c4d" and never leaves its folder. out needs 96 bytes. */
void html_safe_name(const char *code, char *out, size_t cap);

#endif
