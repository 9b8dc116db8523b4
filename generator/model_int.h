/* model_int.h - private to the model loaders (model*.c): the build context and
 * the helpers every loader uses. Not for renderers. */
#ifndef KP_MODEL_INT_H
#define KP_MODEL_INT_H

#include <stddef.h>

#include "diag.h"
#include "model.h"
#include "strmap.h"

struct store;
struct store_stmt;

struct model_ctx {
	struct store *s;
	struct model *m;
	struct diag *d;
	int oom;
	struct strmap units; /* unit code -> index in m->units */
};

/* A masked copy of s: the one place where data text is masked for
 * publication (NULL stays NULL unless dflt is given). */
char *model_dupm(struct model_ctx *c, const char *s, const char *dflt);
/* A plain copy (codes: masking them would break links); NULL gives "". */
char *model_dupc(struct model_ctx *c, const char *s);
void *model_calloc(struct model_ctx *c, size_t n, size_t size);
double model_col_num(struct store_stmt *st, int i); /* NAN for NULL */
int model_prep(struct model_ctx *c, const char *sql, struct store_stmt **st);
int model_table_exists(struct store *s, const char *name);
long model_hash_find(const struct model_ctx *c, const char *s, size_t n);
/* The data-quality page's account in plain words: what each export holds,
 * what each rejected row was about and changes, who was left out
 * (model_quality.c; after model_load_rows and the results). */
int model_explain_quality(struct model_ctx *c);

int model_hash_build(struct model_ctx *c);

/* The passes of model_build, in order (model_events.c, model_results.c,
 * model_chart.c); each returns 0, or -1 with c->d filled. */
int model_load_year(struct model_ctx *c, int year);
int model_load_units(struct model_ctx *c);
int model_load_events(struct model_ctx *c);
int model_load_visits(struct model_ctx *c);
int model_load_activity(struct model_ctx *c);
int model_load_grid_results(struct model_ctx *c);
int model_load_community_results(struct model_ctx *c);
int model_derive(struct model_ctx *c);
int model_load_serves(struct model_ctx *c); /* model_serve.c, after the companies */
int model_load_companies(struct model_ctx *c);
/* run.version and the 终稿's appeals (model_results.c), after every result. */
int model_load_appeals(struct model_ctx *c);
int model_load_points(struct model_ctx *c);
int model_load_quality(struct model_ctx *c);
void model_key_figures(struct model *m, struct store *s);
void model_histogram(struct model *m);
void model_aggregates(struct model *m);
int model_build_charts(struct model_ctx *c);
int model_chart_texts(struct model_ctx *c);
/* Adds a unit's numbers to an ancestor's (model_events.c). */
void model_add_ev(struct model_unit *to, const struct model_unit *from);
void model_add_grids(struct model_unit *to, const struct model_unit *from);
void model_roll_up(struct model *m, void (*add)(struct model_unit *, const struct model_unit *));

/* Loaders of model_rows.c: everything a renderer lists row by row. */
int model_load_rows(struct model_ctx *c);
void model_free_rows(struct model *m);

#endif
