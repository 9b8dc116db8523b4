/* model_points.c - the points leaderboards (积分制) in the report model. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "model_int.h"
#include "parse.h"
#include "store.h"

int model_load_points(struct model_ctx *c)
{
	struct model *m = c->m;
	struct store_stmt *st = NULL, *top = NULL;
	int step, rc = -1;
	long n, r;

	n = store_scalar_int(c->s, "SELECT count(DISTINCT role) FROM points", 0);
	m->roles = model_calloc(c, (size_t)n, sizeof *m->roles);
	if (!m->roles)
		return diag_set(c->d, "内存不足");
	if (model_prep(c,
		       "SELECT role, count(*), sum(candidate) FROM points WHERE role IS NOT NULL"
		       " GROUP BY role ORDER BY role",
		       &st) < 0)
		return -1;
	while ((step = store_step(st, c->d)) == STORE_ROW && m->nroles < n) {
		struct model_role *x = &m->roles[m->nroles++];
		x->role = model_dupc(c, store_col_text(st, 0));
		x->count = (long)store_col_int(st, 1);
		x->candidates = (long)store_col_int(st, 2);
	}
	store_finalize(st);
	if (step == STORE_ERROR)
		return -1;
	if (model_prep(c,
		       "SELECT p.id, p.name, p.unit, u.name, p.points, p.rank_in_role, p.candidate"
		       " FROM points p LEFT JOIN units u ON u.code = p.unit WHERE p.role = ?1"
		       " ORDER BY p.rank_in_role IS NULL, p.rank_in_role, p.points DESC, p.id "
		       "LIMIT ?2",
		       &top) < 0)
		return -1;
	for (r = 0; r < m->nroles; r++) {
		struct model_role *x = &m->roles[r];
		x->top = model_calloc(c, MODEL_TOP_PERSONS, sizeof *x->top);
		if (!x->top)
			goto done;
		store_reset(top);
		store_bind_text(top, 1, x->role, -1);
		store_bind_int(top, 2, MODEL_TOP_PERSONS);
		while ((step = store_step(top, c->d)) == STORE_ROW && x->ntop < MODEL_TOP_PERSONS) {
			struct model_person *p = &x->top[x->ntop++];
			p->id = model_dupc(c, store_col_text(top, 0));
			p->name = model_dupm(c, store_col_text(top, 1), "");
			p->unit_code = model_dupc(c, store_col_text(top, 2));
			p->unit_name = model_dupm(c, store_col_text(top, 3), "");
			p->points = store_col_double(top, 4);
			p->rank = (long)store_col_int(top, 5);
			p->candidate = store_col_int(top, 6) != 0;
		}
		if (step == STORE_ERROR)
			goto done;
		/* the role name itself is data: mask it after its use as a key */
		{
			char *masked = model_dupm(c, x->role, "");
			free(x->role);
			x->role = masked;
		}
	}
	rc = c->oom ? diag_set(c->d, "内存不足") : 0;
done:
	store_finalize(top);
	return rc;
}
