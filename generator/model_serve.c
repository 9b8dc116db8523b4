/* model_serve.c - which company serves which community: the pairs of the
 * period year's property checks, for the per-street outputs (a street's
 * companies are those checked in its communities). */
#include <stdio.h>
#include <stdlib.h>

#include "model_int.h"
#include "store.h"

int model_load_serves(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL;
	char q[16];
	long cap = 0;
	int step;

	if (!model_table_exists(c->s, "property_checks"))
		return 0;
	snprintf(q, sizeof q, "%d", m->year);
	if (model_prep(c,
		       "SELECT DISTINCT company, community FROM property_checks"
		       " WHERE substr(quarter, 1, 4) = ?1 ORDER BY company, community",
		       &st) < 0)
		return -1;
	store_bind_text(st, 1, q, -1);
	while ((step = store_step(st, c->d)) == STORE_ROW) {
		long k = model_find_company(m, store_col_text(st, 0));
		long u = model_find_unit(m, store_col_text(st, 1));
		if (k < 0 || u < 0)
			continue;
		if (m->nserves == cap) {
			long ncap = cap ? cap * 2 : 256;
			void *p = realloc(m->serves, (size_t)ncap * sizeof *m->serves);
			if (!p) {
				c->oom = 1;
				break;
			}
			m->serves = p;
			cap = ncap;
		}
		m->serves[m->nserves].company = k;
		m->serves[m->nserves].community = u;
		m->nserves++;
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	return c->oom ? diag_set(c->d, "内存不足") : 0;
}

long model_street_companies(const struct model *m, long street, long *out)
{
	long k, j, n = 0;

	for (k = 0; k < m->nserves; k++) {
		const struct model_unit *u = &m->units[m->serves[k].community];
		if (u->street != street)
			continue;
		for (j = 0; j < n && out[j] != m->serves[k].company; j++)
			;
		if (j == n)
			out[n++] = m->serves[k].company;
	}
	return n;
}
