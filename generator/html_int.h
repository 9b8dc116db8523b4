/* html_int.h - private to the site renderer (html*.c): the render context
 * and the value helpers shared by the page files. */
#ifndef KP_HTML_INT_H
#define KP_HTML_INT_H

#include "buf.h"
#include "diag.h"
#include "html.h"
#include "model.h"
#include "template.h"

#define NAME_CAP      96
#define REJECTS_SHOWN 200 /* rejected records listed per file on quality.html */

struct html_site {
	const struct model *m;
	struct template_set *ts;
	const char *out;
	struct diag *d;
	struct buf page;
	struct buf scratch;
	struct tv_pool *gp; /* lives for the whole render: site-wide values */
	struct tv_pool *pp; /* reset for every page */
	struct tv *site;
	char (*ufile)[NAME_CAP];
	char (*cfile)[NAME_CAP];
	void (*progress)(const char *, long, long, void *);
	void *arg;
	long done, total;
};

struct tv *html_ms(struct html_site *w, const char *s);
void html_setm(struct tv *map, struct html_site *w, const char *key, const char *s);
void html_set_num(struct tv *map, const char *key, double v, enum model_measure k);
void html_set_signed(struct tv *map, const char *key, double v, enum model_measure k);
void html_set_pct(struct tv *map, const char *key, double v);
struct tv *html_unit_ref(struct html_site *w, long k);
struct tv *html_company_ref(struct html_site *w, long k);
struct tv *html_company_row(struct html_site *w, long k);
struct tv *html_tier_heads(struct html_site *w);
void html_unit_row(struct html_site *w, struct tv *x, long k);
struct tv *html_page_data(struct html_site *w, const char *title, const char *nav, int depth);
int html_page(struct html_site *w, const char *tname, const struct tv *data, const char *rel);
struct tv *html_items_of(struct html_site *w, long first, long n);
int html_unit_pages(struct html_site *w);
int html_company_pages(struct html_site *w);
int html_page_quality(struct html_site *w); /* html_quality.c */

#endif
