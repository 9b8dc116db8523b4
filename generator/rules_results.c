/* rules_results.c - what rules produce: the result tables they may emit to,
 * score cards (card:add/total/publish), kp.emit with its checks, writing it
 * all back in one transaction, and rules_explain reading the items again. */
#include "rules_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lualib.h>

#include "pattern.h"
#include "schema.h"

static const struct rcol grid_tiers_cols[] = {
	{"code", RT_TEXT, 1, 1, 0},   {"name", RT_TEXT, 0, 0, 0},   {"community", RT_TEXT, 0, 0, 0},
	{"street", RT_TEXT, 0, 0, 0}, {"score", RT_REAL, 1, 0, 0},  {"rank", RT_INT, 0, 0, 0},
	{"tier", RT_TEXT, 1, 0, 0},   {"funding", RT_INT, 1, 0, 0},
};
static const struct rcol community_ranking_cols[] = {
	{"code", RT_TEXT, 1, 1, 0},	  {"name", RT_TEXT, 0, 0, 0},
	{"street", RT_TEXT, 0, 0, 0},	  {"score", RT_REAL, 1, 0, 0},
	{"rank", RT_INT, 1, 0, 0},	  {"prev_rank", RT_INT, 0, 0, 0},
	{"rank_change", RT_INT, 0, 0, 0}, {"stars", RT_INT, 1, 0, 0},
	{"star_names", RT_TEXT, 0, 0, 0}, {"award", RT_TEXT, 0, 0, 0},
	{"vetoed", RT_INT, 1, 0, 0},	  {"veto_reason", RT_TEXT, 0, 0, 0},
};
static const struct rcol community_stars_cols[] = {
	{"code", RT_TEXT, 1, 1, 0},
	{"star", RT_TEXT, 1, 1, 0},
	{"earned", RT_INT, 1, 0, 0},
	{"reason", RT_TEXT, 0, 0, 0},
};
static const struct rcol redblack_cols[] = {
	{"code", RT_TEXT, 1, 1, 0},	    {"name", RT_TEXT, 0, 0, 0},
	{"score", RT_REAL, 1, 0, 0},	    {"complaint_rate", RT_REAL, 0, 0, 0},
	{"satisfaction", RT_REAL, 0, 0, 0}, {"list", RT_TEXT, 1, 0, 0},
	{"reason", RT_TEXT, 0, 0, 0},	    {"listed_on", RT_TEXT, 0, 0, 0},
	{"valid_until", RT_TEXT, 0, 0, 0},
};
static const struct rcol points_cols[] = {
	{"id", RT_TEXT, 1, 1, 0},	{"name", RT_TEXT, 0, 0, 0},
	{"role", RT_TEXT, 0, 0, 0},	{"unit", RT_TEXT, 0, 0, 0},
	{"points", RT_REAL, 1, 0, 0},	{"rank_in_role", RT_INT, 0, 0, 0},
	{"candidate", RT_INT, 0, 0, 1},
};
static const struct rcol report_units_cols[] = {
	{"employer", RT_TEXT, 1, 1, 0}, {"projects", RT_INT, 0, 0, 0},
	{"completed", RT_INT, 0, 0, 0}, {"rating", RT_REAL, 0, 0, 0},
	{"score", RT_REAL, 0, 0, 0},	{"level", RT_TEXT, 0, 0, 0},
};

/* Parameters a rule publishes for the reports, e.g. deadline_hours.网格 = 72,
 * so that the site and the PDFs count "on time" as the rules did. */
/* Every appeal of the 终稿 run, as decided: 调整 (its item is in score_items)
 * or 维持 (nothing changed, but it is recorded). */
static const struct rcol appeal_outcomes_cols[] = {
	{"id", RT_TEXT, 1, 1, 0},	{"assessment", RT_TEXT, 1, 0, 0},
	{"entity", RT_TEXT, 1, 0, 0},	{"kind", RT_TEXT, 0, 0, 0},
	{"decision", RT_TEXT, 1, 0, 0}, {"points", RT_REAL, 1, 0, 0},
	{"review", RT_TEXT, 0, 0, 0},
};

/* The committee's adjustments each assessment applied (year kp.year), one row
 * per adjustments row and object: what was decided and what counted. */
static const struct rcol adjustment_items_cols[] = {
	{"assessment", RT_TEXT, 1, 1, 0},
	{"entity", RT_TEXT, 1, 1, 0},
	{"n", RT_INT, 1, 1, 0},
	{"kind", RT_TEXT, 0, 0, 0},
	{"item", RT_TEXT, 1, 0, 0},
	{"points", RT_REAL, 1, 0, 0},
	{"counted", RT_REAL, 1, 0, 0},
	{"reason", RT_TEXT, 0, 0, 0},
	{"basis", RT_TEXT, 0, 0, 0},
	{"date", RT_TEXT, 0, 0, 0},
	{"approved_by", RT_TEXT, 0, 0, 0},
};

static const struct rcol settings_cols[] = {
	{"key", RT_TEXT, 1, 1, 0},
	{"value", RT_TEXT, 1, 0, 0},
};

/* clang-format off */
#define RT(n) {#n, n##_cols, (int)(sizeof n##_cols / sizeof n##_cols[0])}

/* clang-format on */
static const struct rtable rtables[] = {
	RT(grid_tiers),	      RT(community_ranking), RT(community_stars), RT(redblack),
	RT(points),	      RT(report_units),	     RT(settings),	  RT(appeal_outcomes),
	RT(adjustment_items),
};
#define NRTABLES ((int)(sizeof rtables / sizeof rtables[0]))

/* ---- kp: score cards ---------------------------------------------------- */

#define CARD_MT "kp.card"

static struct card *check_card(lua_State *L)
{
	return luaL_checkudata(L, 1, CARD_MT);
}

int card_gc(lua_State *L)
{
	struct card *c = luaL_checkudata(L, 1, CARD_MT);
	eng_free(c->e, c->v, c->cap * sizeof *c->v);
	c->v = NULL;
	c->n = c->cap = 0;
	smap_release(c->e, &c->idx);
	return 0;
}

/* kp.card(assessment) -> a score card. */
int kp_card(lua_State *L)
{
	size_t n;
	const char *name = luaL_checklstring(L, 1, &n);
	struct card *c;

	if (n == 0)
		return luaL_argerror(L, 1, "考评名称不能为空");
	c = lua_newuserdatauv(L, sizeof *c, 0);
	memset(c, 0, sizeof *c);
	c->e = eng(L);
	c->name = intern(L, name, n);
	luaL_setmetatable(L, CARD_MT);
	return 1;
}

static struct entry *card_entry(lua_State *L, struct card *c, const char *ent, size_t n)
{
	long i = smap_get(&c->idx, ent, n);
	struct entry *en;

	if (i >= 0)
		return &c->v[i];
	if (c->n == c->cap) {
		size_t ncap = c->cap ? c->cap * 2 : 64;
		struct entry *v = eng_realloc(c->e, c->v, c->cap * sizeof *v, ncap * sizeof *v);
		if (!v)
			oom_error(L);
		c->v = v;
		c->cap = ncap;
	}
	en = &c->v[c->n];
	memset(en, 0, sizeof *en);
	en->entity = intern(L, ent, n);
	if (smap_put(c->e, &c->idx, en->entity, n, (long)c->n) < 0)
		oom_error(L);
	c->n++;
	return en;
}

/* A string field of the table at idx: required, or NULL when absent. */
static const char *str_field(lua_State *L, int idx, const char *api, const char *f, int required,
			     size_t *len)
{
	const char *s = NULL;
	int t = lua_getfield(L, idx, f);

	if (t == LUA_TSTRING)
		s = lua_tolstring(L, -1, len);
	else if (t != LUA_TNIL)
		luaL_error(L, "%s：字段“%s”应为文本，实为%s", api, f, tname(t));
	else if (required)
		luaL_error(L, "%s：缺少必填字段“%s”", api, f);
	lua_pop(L, 1); /* the string stays alive: it is referenced by the table */
	return s;
}

static void check_fields(lua_State *L, int idx, const char *api, const char *const *allowed)
{
	lua_pushnil(L);
	while (lua_next(L, idx)) {
		int i, ok = 0;
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		for (i = 0; k && allowed[i]; i++)
			if (strcmp(k, allowed[i]) == 0)
				ok = 1;
		if (!ok)
			luaL_error(L, "%s：未知的字段“%s”", api, k ? k : luaL_typename(L, -2));
		lua_pop(L, 1);
	}
}

/* card:add{entity=, item=, inputs=, points=, reason=} */
int card_add(lua_State *L)
{
	static const char *const allowed[] = {"entity", "item", "inputs", "points", "reason", NULL};
	static const char api[] = "card:add";
	struct card *c = check_card(L);
	size_t ne, ni, nin = 0, nr;
	const char *ent, *it, *in, *rs;
	struct entry *en;
	struct item *x;
	long long pts;
	int t;

	luaL_checktype(L, 2, LUA_TTABLE);
	check_fields(L, 2, api, allowed);
	ent = str_field(L, 2, api, "entity", 1, &ne);
	it = str_field(L, 2, api, "item", 1, &ni);
	in = str_field(L, 2, api, "inputs", 0, &nin);
	rs = str_field(L, 2, api, "reason", 1, &nr);
	t = lua_getfield(L, 2, "points");
	if (t == LUA_TNIL)
		return luaL_error(L, "%s：缺少必填字段“points”", api);
	if (t != LUA_TNUMBER)
		return luaL_error(L, "%s：字段“points”应为数值，实为%s%s%s%s", api, tname(t),
				  t == LUA_TSTRING ? "“" : "",
				  t == LUA_TSTRING ? lua_tostring(L, -1) : "",
				  t == LUA_TSTRING ? "”" : "");
	pts = check_round(L, -1, 2, "card:add 的 points");
	lua_pop(L, 1);
	en = card_entry(L, c, ent, ne);
	if (en->published)
		return luaL_error(L, "%s：%s 的“%s”已发布，不能再加分", api, c->name, en->entity);
	x = arena_alloc(c->e, sizeof *x);
	if (!x)
		return oom_error(L);
	x->item = intern(L, it, ni);
	x->inputs = in ? intern(L, in, nin) : NULL;
	x->reason = intern(L, rs, nr);
	x->rule = where(L, 1);
	x->pts = pts;
	x->next = NULL;
	if (en->tail)
		en->tail->next = x;
	else
		en->head = x;
	en->tail = x;
	en->total += pts;
	return 0;
}

/* card:name() -> the assessment's name, as given to kp.card. */
int card_name(lua_State *L)
{
	lua_pushstring(L, check_card(L)->name);
	return 1;
}

/* card:total(entity) -> the exact sum of the rounded items (0 if none). */
int card_total(lua_State *L)
{
	struct card *c = check_card(L);
	size_t n;
	const char *ent = luaL_checklstring(L, 2, &n);
	long i = smap_get(&c->idx, ent, n);

	lua_pushnumber(L, i < 0 ? 0.0 : (double)c->v[i].total / 100.0);
	return 1;
}

/* card:publish(entity, {kind=, name=, result=}): the entity's items and total
 * go to score_items/scores when the run succeeds. */
int card_publish(lua_State *L)
{
	static const char *const allowed[] = {"kind", "name", "result", NULL};
	static const char api[] = "card:publish";
	struct card *c = check_card(L);
	struct engine *e = c->e;
	size_t n, nk = 0, nn = 0, nres = 0;
	const char *ent = luaL_checklstring(L, 2, &n), *k = NULL, *nm = NULL, *res = NULL, *key;
	struct entry *en;
	struct pub *p;

	if (!lua_isnoneornil(L, 3)) {
		luaL_checktype(L, 3, LUA_TTABLE);
		check_fields(L, 3, api, allowed);
		k = str_field(L, 3, api, "kind", 0, &nk);
		nm = str_field(L, 3, api, "name", 0, &nn);
		res = str_field(L, 3, api, "result", 0, &nres);
	}
	if (n == 0)
		return luaL_error(L, "%s：对象编码不能为空", api);
	en = card_entry(L, c, ent, n);
	lua_pushfstring(L, "S\x1f%s\x1f%s", c->name, en->entity);
	key = intern(L, lua_tostring(L, -1), lua_rawlen(L, -1));
	if (smap_get(&e->keys, key, strlen(key)) >= 0)
		return luaL_error(L, "%s：%s 的“%s”已经发布过", api, c->name, en->entity);
	if (smap_put(e, &e->keys, key, strlen(key), 1) < 0)
		return oom_error(L);
	lua_pop(L, 1);
	if (e->npubs == e->cappubs) {
		size_t ncap = e->cappubs ? e->cappubs * 2 : 256;
		struct pub *v = eng_realloc(e, e->pubs, e->cappubs * sizeof *v, ncap * sizeof *v);
		if (!v)
			return oom_error(L);
		e->pubs = v;
		e->cappubs = ncap;
	}
	p = &e->pubs[e->npubs++];
	p->assessment = c->name;
	p->entity = en->entity;
	p->kind = k ? intern(L, k, nk) : NULL;
	p->name = nm ? intern(L, nm, nn) : NULL;
	p->result = res ? intern(L, res, nres) : NULL;
	p->total = en->total;
	p->head = en->head;
	en->published = 1;
	return 0;
}

/* ---- kp.emit: validated result rows ------------------------------------- */

int kp_emit(lua_State *L)
{
	struct engine *e = eng(L);
	const char *tn = luaL_checkstring(L, 1);
	const struct rtable *t = NULL;
	struct row *r;
	const char *key;
	char shown[256];
	size_t kl, j, o = 0;
	int i, nparts = 1;

	for (i = 0; i < NRTABLES; i++)
		if (strcmp(rtables[i].name, tn) == 0)
			t = &rtables[i];
	if (!t)
		return luaL_error(L,
				  "kp.emit：未知的结果表“%s”（可用：grid_tiers、community_ranking、"
				  "community_stars、redblack、points、report_units、settings）",
				  tn);
	luaL_checktype(L, 2, LUA_TTABLE);
	lua_pushnil(L);
	while (lua_next(L, 2)) {
		const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : NULL;
		int ok = 0;
		for (i = 0; k && i < t->ncols; i++)
			if (strcmp(k, t->cols[i].name) == 0)
				ok = 1;
		if (!ok)
			return luaL_error(L, "kp.emit(\"%s\")：未知的列“%s”", tn,
					  k ? k : luaL_typename(L, -2));
		lua_pop(L, 1);
	}
	r = arena_alloc(e, sizeof *r + (size_t)t->ncols * sizeof r->v[0]);
	if (!r)
		return oom_error(L);
	r->t = t;
	lua_pushfstring(L, "R\x1f%s", tn); /* the primary key, built on the stack */
	for (i = 0; i < t->ncols; i++) {
		const struct rcol *c = &t->cols[i];
		struct value *v = &r->v[i];
		int ty = lua_getfield(L, 2, c->name);
		v->type = -1;
		if (ty == LUA_TNIL) {
			if (c->required)
				return luaL_error(L, "kp.emit(\"%s\")：缺少必填列“%s”", tn,
						  c->name);
			if (c->zero) {
				v->type = RT_INT;
				v->i = 0;
			}
		} else if (c->type == RT_TEXT) {
			size_t n;
			const char *s;
			if (ty != LUA_TSTRING)
				return luaL_error(L, "kp.emit(\"%s\")：列“%s”应为文本，实为%s", tn,
						  c->name, tname(ty));
			s = lua_tolstring(L, -1, &n);
			v->type = RT_TEXT;
			v->s = intern(L, s, n);
		} else if (ty == LUA_TBOOLEAN && c->type == RT_INT) {
			v->type = RT_INT;
			v->i = lua_toboolean(L, -1);
		} else if (ty != LUA_TNUMBER) {
			return luaL_error(L, "kp.emit(\"%s\")：列“%s”应为数值，实为%s%s%s%s", tn,
					  c->name, tname(ty), ty == LUA_TSTRING ? "“" : "",
					  ty == LUA_TSTRING ? lua_tostring(L, -1) : "",
					  ty == LUA_TSTRING ? "”" : "");
		} else if (c->type == RT_INT) {
			lua_Integer iv;
			if (!lua_isinteger(L, -1)) {
				double x = lua_tonumber(L, -1);
				if (!isfinite(x) || x != floor(x) || fabs(x) > 9.0e15)
					return luaL_error(
						L, "kp.emit(\"%s\")：列“%s”应为整数，实为 %f", tn,
						c->name, x);
				iv = (lua_Integer)x;
			} else {
				iv = lua_tointeger(L, -1);
			}
			v->type = RT_INT;
			v->i = iv;
		} else {
			double x = lua_tonumber(L, -1);
			if (!isfinite(x))
				return luaL_error(L, "kp.emit(\"%s\")：列“%s”的值不是有限数（%f）",
						  tn, c->name, x);
			v->type = RT_REAL;
			v->r = x;
		}
		lua_pop(L, 1);
		if (c->pk) {
			if (v->type == RT_TEXT)
				lua_pushfstring(L, "\x1f%s", v->s);
			else
				lua_pushfstring(L, "\x1f%I", (LUAI_UACINT)v->i);
			nparts++;
		}
	}
	lua_concat(L, nparts);
	key = intern(L, lua_tostring(L, -1), lua_rawlen(L, -1));
	if (smap_get(&e->keys, key, kl = strlen(key)) >= 0) {
		for (j = 3 + strlen(tn); j < kl && o + 4 < sizeof shown; j++)
			if (key[j] == '\x1f')
				shown[o++] = ',';
			else
				shown[o++] = key[j];
		shown[o] = '\0';
		return luaL_error(L, "kp.emit(\"%s\")：重复的行（%s）", tn, shown);
	}
	if (smap_put(e, &e->keys, key, strlen(key), 1) < 0)
		return oom_error(L);
	lua_pop(L, 1);
	r->where = where(L, 1);
	if (e->nrows == e->caprows) {
		size_t ncap = e->caprows ? e->caprows * 2 : 256;
		struct row **v = eng_realloc(e, e->rows, e->caprows * sizeof *v, ncap * sizeof *v);
		if (!v)
			return oom_error(L);
		e->rows = v;
		e->caprows = ncap;
	}
	e->rows[e->nrows++] = r;
	return 0;
}

static int bind_value(struct store_stmt *st, int idx, const struct value *v)
{
	switch (v->type) {
	case RT_TEXT: return store_bind_text_static(st, idx, v->s, -1);
	case RT_INT: return store_bind_int(st, idx, v->i);
	case RT_REAL: return store_bind_double(st, idx, v->r);
	default: return store_bind_null(st, idx);
	}
}

static int step_insert(struct store_stmt *st, const char *what, const char *loc, struct diag *d)
{
	int rc = store_step(st, d);

	if (rc == STORE_CONSTRAINT)
		return diag_set(d, "写入%s失败：违反约束（%s）", what, loc ? loc : "");
	if (rc == STORE_ERROR)
		return -1;
	store_reset(st);
	return 0;
}

/* Everything in one transaction: results are replaced only on success. */
int write_results(struct engine *e, struct store *rw, char **names, size_t nnames, struct diag *d)
{
	struct store_stmt *st = NULL, *st2 = NULL;
	struct buf b;
	size_t i;
	int rc = -1, t;
	char num[32];

	buf_init(&b, 0);
	if (store_begin(rw, d) < 0)
		return -1;
	if (store_reset_results(rw, d) < 0)
		goto done;
	/* The period facts the rules counted, for the model (in the same transaction). */
	{
		struct buf pf;
		int bad;
		buf_init(&pf, 0);
		bad = period_facts_sql(e, &pf, 0) < 0 || store_exec(rw, pf.data, d) < 0;
		buf_release(&pf);
		if (bad)
			goto done;
	}
	if (store_prepare(rw, "INSERT INTO run(key, value) VALUES(?1, ?2)", &st, d) < 0)
		goto done;
	for (i = 0; i < nnames; i++) {
		if (i)
			buf_putc(&b, ',');
		buf_puts(&b, names[i]);
	}
	snprintf(num, sizeof num, "%d", e->year);
	if (store_bind_text(st, 1, "year", -1) < 0 || store_bind_text(st, 2, num, -1) < 0 ||
	    step_insert(st, "run", NULL, d) < 0)
		goto done;
	snprintf(num, sizeof num, "%d", e->prev_year);
	if (store_bind_text(st, 1, "prev_year", -1) < 0 || store_bind_text(st, 2, num, -1) < 0 ||
	    step_insert(st, "run", NULL, d) < 0)
		goto done;
	{
		/* The period: label, first and last day, kind, words, and the periods
		 * of 环比 (prev) and 同比 (last_year), for the model and the documents. */
		char words[32], pw[32], lw[32];
		const char *kv[][2] = {
			{"period_label", e->period.label},
			{"period_start", e->period.start},
			{"period_end", e->period.end},
			{"period_kind", parse_period_kind_name(e->period.kind)},
			{"period_words", words},
			{"period_prev", e->prev.label},
			{"period_prev_words", pw},
			{"period_last_year", e->last_year.label},
			{"period_last_year_words", lw},
		};
		size_t k;
		parse_period_words(&e->period, words, sizeof words);
		parse_period_words(&e->prev, pw, sizeof pw);
		parse_period_words(&e->last_year, lw, sizeof lw);
		for (k = 0; k < sizeof kv / sizeof kv[0]; k++)
			if (store_bind_text(st, 1, kv[k][0], -1) < 0 ||
			    store_bind_text(st, 2, kv[k][1], -1) < 0 ||
			    step_insert(st, "run", NULL, d) < 0)
				goto done;
	}
	if (store_bind_text(st, 1, "version", -1) < 0 ||
	    store_bind_text(st, 2, e->final ? RULES_VERSION_FINAL : RULES_VERSION_DRAFT, -1) < 0 ||
	    step_insert(st, "run", NULL, d) < 0)
		goto done;
	if (b.failed || store_bind_text(st, 1, "rules", -1) < 0 ||
	    store_bind_text(st, 2, b.data ? b.data : "", -1) < 0 ||
	    step_insert(st, "run", NULL, d) < 0)
		goto done;
	store_finalize(st);
	st = NULL;

	if (store_prepare(rw,
			  "INSERT INTO scores(assessment, entity, kind, name, score, result)"
			  " VALUES(?1, ?2, ?3, ?4, ?5, ?6)",
			  &st, d) < 0 ||
	    store_prepare(rw,
			  "INSERT INTO score_items(assessment, entity, seq, item, inputs, points,"
			  " reason, rule) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			  &st2, d) < 0)
		goto done;
	for (i = 0; i < e->npubs; i++) {
		const struct pub *p = &e->pubs[i];
		const struct item *x;
		int seq = 0;
		store_bind_text_static(st, 1, p->assessment, -1);
		store_bind_text_static(st, 2, p->entity, -1);
		store_bind_text_static(st, 3, p->kind, -1);
		store_bind_text_static(st, 4, p->name, -1);
		store_bind_double(st, 5, (double)p->total / 100.0);
		store_bind_text_static(st, 6, p->result, -1);
		if (step_insert(st, "scores", p->entity, d) < 0)
			goto done;
		for (x = p->head; x; x = x->next) {
			store_bind_text_static(st2, 1, p->assessment, -1);
			store_bind_text_static(st2, 2, p->entity, -1);
			store_bind_int(st2, 3, ++seq);
			store_bind_text_static(st2, 4, x->item, -1);
			store_bind_text_static(st2, 5, x->inputs, -1);
			store_bind_double(st2, 6, (double)x->pts / 100.0);
			store_bind_text_static(st2, 7, x->reason, -1);
			store_bind_text_static(st2, 8, x->rule, -1);
			if (step_insert(st2, "score_items", x->rule, d) < 0)
				goto done;
		}
	}
	store_finalize(st);
	store_finalize(st2);
	st = st2 = NULL;

	for (t = 0; t < NRTABLES; t++) {
		const struct rtable *rt = &rtables[t];
		int c;
		buf_reset(&b);
		buf_printf(&b, "INSERT INTO %s(", rt->name);
		for (c = 0; c < rt->ncols; c++)
			buf_printf(&b, "%s%s", c ? ", " : "", rt->cols[c].name);
		buf_puts(&b, ") VALUES(");
		for (c = 0; c < rt->ncols; c++)
			buf_printf(&b, "%s?", c ? ", " : "");
		buf_puts(&b, ")");
		if (b.failed) {
			diag_set(d, "内存不足");
			goto done;
		}
		if (store_prepare(rw, b.data, &st, d) < 0)
			goto done;
		for (i = 0; i < e->nrows; i++) {
			const struct row *r = e->rows[i];
			if (r->t != rt)
				continue;
			for (c = 0; c < rt->ncols; c++)
				bind_value(st, c + 1, &r->v[c]);
			if (step_insert(st, rt->name, r->where, d) < 0)
				goto done;
		}
		store_finalize(st);
		st = NULL;
	}
	if (store_commit(rw, d) < 0)
		goto done;
	rc = 0;
done:
	store_finalize(st);
	store_finalize(st2);
	buf_release(&b);
	if (rc < 0)
		store_rollback(rw);
	return rc;
}

/* ---- explain ------------------------------------------------------------ */

static void put_points(struct buf *out, double pts)
{
	char s[64];
	long long v = llround(pts * 100.0);

	fmt_scaled(s, sizeof s, v, 2);
	buf_printf(out, "%s%s", v > 0 ? "+" : "", s);
}

int rules_explain(struct store *s, const char *code, struct buf *out, struct diag *d)
{
	struct store_stmt *st = NULL, *it = NULL;
	char *year = NULL, *words = NULL;
	int found = 0, rc = -1, r;

	if (store_prepare(s,
			  "SELECT assessment, kind, name, score, result FROM scores"
			  " WHERE entity = ?1 ORDER BY rowid",
			  &st, d) < 0 ||
	    store_prepare(s,
			  "SELECT item, inputs, points, reason, rule FROM score_items"
			  " WHERE assessment = ?1 AND entity = ?2 ORDER BY seq",
			  &it, d) < 0) {
		diag_set(d, "数据库中还没有考评结果（先运行 kaoping score）");
		goto done;
	}
	year = store_scalar_text(s, "SELECT value FROM run WHERE key = 'year'");
	/* A quarter or a month is named in words (2024年第三季度); a year as before. */
	words = store_scalar_text(
		s, "SELECT value FROM run WHERE key = 'period_words'"
		   " AND (SELECT value FROM run WHERE key = 'period_kind') <> 'year'");
	store_bind_text(st, 1, code, -1);
	while ((r = store_step(st, d)) == STORE_ROW) {
		const char *as = store_col_text(st, 0), *kind = store_col_text(st, 1);
		const char *name = store_col_text(st, 2), *res = store_col_text(st, 4);
		long long total = 0;
		int seq = 0;
		char tot[64];

		if (found++)
			buf_putc(out, '\n');
		buf_printf(out, "%s（%s%s）：%s%s%s%s%s\n", as,
			   words  ? words
			   : year ? year
				  : "?",
			   words ? "" : " 年度", kind ? kind : "", kind ? " " : "", code,
			   name ? " " : "", name ? name : "");
		store_bind_text(it, 1, as, -1);
		store_bind_text(it, 2, code, -1);
		while ((r = store_step(it, d)) == STORE_ROW) {
			const char *inputs = store_col_text(it, 1), *rule = store_col_text(it, 4);
			double pts = store_col_double(it, 2);
			total += llround(pts * 100.0);
			buf_printf(out, "  %d. %s：", ++seq, store_col_text(it, 0));
			put_points(out, pts);
			buf_puts(out, " 分\n");
			if (inputs && *inputs)
				buf_printf(out, "     数据：%s\n", inputs);
			buf_printf(out, "     依据：%s", store_col_text(it, 3));
			if (rule && *rule)
				buf_printf(out, "（%s）", rule);
			buf_putc(out, '\n');
		}
		store_reset(it);
		if (r == STORE_ERROR)
			goto done;
		fmt_scaled(tot, sizeof tot, total, 2);
		buf_printf(out, "  合计：%s 分\n", tot);
		if (llround(store_col_double(st, 3) * 100.0) != total) {
			diag_set(d, "“%s”的%s得分与各项之和不符", code, as);
			goto done;
		}
		if (res && *res) {
			const char *p = res, *nl;
			buf_puts(out, "  结果：");
			while ((nl = strchr(p, '\n'))) {
				buf_append(out, p, (size_t)(nl - p));
				buf_puts(out, "\n        ");
				p = nl + 1;
			}
			buf_printf(out, "%s\n", p);
		}
	}
	if (r == STORE_ERROR)
		goto done;
	if (out->failed) {
		diag_set(d, "内存不足");
		goto done;
	}
	rc = found ? 1 : 0;
done:
	free(year);
	free(words);
	store_finalize(st);
	store_finalize(it);
	return rc;
}
