/* model_int.h - private to the model loaders (model*.c): the build context and
 * the helpers every loader uses. Not for renderers. */
#ifndef KP_MODEL_INT_H
#define KP_MODEL_INT_H

#include <stddef.h>

#include "diag.h"
#include "model.h"

struct store;
struct store_stmt;

struct model_ctx {
	struct store *s;
	struct model *m;
	struct diag *d;
	int oom;
	long *hash; /* unit code -> index, open addressing, -1 empty */
	size_t hcap;
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

/* Loaders of model_rows.c: everything a renderer lists row by row. */
int model_load_rows(struct model_ctx *c);
void model_free_rows(struct model *m);

#endif
