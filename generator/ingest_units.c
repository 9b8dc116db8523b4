/* ingest_units.c - units wait for their whole file: a parent may come further
 * down, or from an earlier units file; then each resolves up to a county. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ingest_int.h"
#include "parse.h"

static int level_num(const char *v, size_t n)
{
	if (n == 6 && memcmp(v, "county", 6) == 0)
		return LV_COUNTY;
	if (n == 6 && memcmp(v, "street", 6) == 0)
		return LV_STREET;
	if (n == 9 && memcmp(v, "community", 9) == 0)
		return LV_COMMUNITY;
	if (n == 4 && memcmp(v, "grid", 4) == 0)
		return LV_GRID;
	return 0;
}

static void unit_reject(struct pending_unit *u, struct buf *tmp)
{
	u->state = 2;
	free(u->why);
	u->why = ingest_dupn(tmp->data ? tmp->data : "", tmp->len);
}

/* A parent given by name: the one unit of the level above with that name,
 * in this file or loaded before, becomes u->parent's code. Returns 1 when
 * replaced, 0 when no unit has that name, -1 rejected as ambiguous. */
static int parent_by_name(struct units_pending *up, const struct ctx *c, struct pending_unit *u,
			  struct buf *tmp)
{
	size_t n = strlen(u->parent);
	long j = strset_get(&up->names, u->parent, n);
	long k = strset_get(&c->unit_names, u->parent, n);
	const char *found = NULL;
	int count = 0;

	buf_reset(tmp);
	for (; j > 0; j = (long)up->u[j - 1].next_same)
		if (up->u[j - 1].level == u->level - 1) {
			found = up->u[j - 1].code;
			buf_printf(tmp, "%s%s（%s）", count++ ? "、" : "", up->u[j - 1].name,
				   up->u[j - 1].code);
		}
	/* Units of this file are inserted as they resolve: counted above. */
	for (; k > 0; k = (long)c->uinfo[k - 1].next)
		if (c->uinfo[k - 1].level == u->level - 1 &&
		    strset_get(&up->idx, c->unit_code[k - 1], strlen(c->unit_code[k - 1])) < 0) {
			found = c->unit_code[k - 1];
			buf_printf(tmp, "%s%s（%s）", count++ ? "、" : "", c->uinfo[k - 1].name,
				   c->unit_code[k - 1]);
		}
	if (count == 1) {
		char *code = strdup(found);
		if (!code)
			return 0;
		free(u->parent);
		u->parent = code;
		return 1;
	}
	if (count > 1) {
		char *list = ingest_dupn(tmp->data, tmp->len);
		buf_reset(tmp);
		buf_printf(tmp, "上级单位 \"%s\" 对应多个%s，无法确定：%s；请改填上级编码",
			   u->parent, ingest_level_cn(u->level - 1), list ? list : "");
		free(list);
		return -1;
	}
	return 0;
}

/* Resolves unit i: valid when its parent chain reaches a county with the
 * levels in order. Returns 1 valid, 0 rejected. */
static int resolve_unit(struct units_pending *up, const struct ctx *c, size_t i, struct buf *tmp)
{
	struct pending_unit *u = &up->u[i];
	long j, got;

	if (u->state == 1 || u->state == 2)
		return u->state == 1;
	buf_reset(tmp);
	if (u->state == 3) {
		buf_puts(tmp, "上级编码形成循环");
		unit_reject(u, tmp);
		return 0;
	}
	if (u->level == LV_COUNTY) {
		if (u->parent) {
			buf_printf(tmp, "上级编码 \"%s\" 应为空：区县是最高层级", u->parent);
			unit_reject(u, tmp);
			return 0;
		}
		u->state = 1;
		return 1;
	}
	if (!u->parent) {
		buf_printf(tmp, "上级编码 为必填项：%s须填写上一级单元", ingest_level_cn(u->level));
		unit_reject(u, tmp);
		return 0;
	}
	j = strset_get(&up->idx, u->parent, strlen(u->parent));
	got = j < 0 ? strset_get(&c->units, u->parent, strlen(u->parent)) : -1;
	if (j < 0 && got < 0) {
		int byname = parent_by_name(up, c, u, tmp);
		if (byname < 0) {
			unit_reject(u, tmp);
			return 0;
		}
		buf_reset(tmp);
		if (byname > 0) {
			j = strset_get(&up->idx, u->parent, strlen(u->parent));
			got = j < 0 ? strset_get(&c->units, u->parent, strlen(u->parent)) : -1;
		}
	}
	if (got >= 0 && (got & 7) == u->level - 1) {
		/* A parent loaded from an earlier file of the units table. */
		u->state = 1;
		return 1;
	}
	if (got >= 0) {
		buf_printf(tmp, "上级编码 \"%s\" 层级不符：%s的上级应为%s，而它是%s", u->parent,
			   ingest_level_cn(u->level), ingest_level_cn(u->level - 1),
			   ingest_level_cn((int)(got & 7)));
		unit_reject(u, tmp);
		return 0;
	}
	if (j < 0) {
		buf_printf(tmp, "上级编码 \"%s\" 引用了不存在的单元", u->parent);
		unit_reject(u, tmp);
		return 0;
	}
	if (up->u[j].level != u->level - 1) {
		buf_printf(tmp, "上级编码 \"%s\" 层级不符：%s的上级应为%s，而它是%s", u->parent,
			   ingest_level_cn(u->level), ingest_level_cn(u->level - 1),
			   ingest_level_cn(up->u[j].level));
		unit_reject(u, tmp);
		return 0;
	}
	u->state = 3;
	if (!resolve_unit(up, c, (size_t)j, tmp)) {
		buf_reset(tmp);
		buf_printf(tmp, "上级编码 \"%s\" 所指的单元本身被拒绝", u->parent);
		unit_reject(u, tmp);
		return 0;
	}
	u->state = 1;
	return 1;
}

void units_free(struct units_pending *up)
{
	size_t i;

	for (i = 0; i < up->n; i++) {
		free(up->u[i].raw);
		free(up->u[i].code);
		free(up->u[i].name);
		free(up->u[i].parent);
		free(up->u[i].why);
	}
	free(up->u);
	strset_free(&up->idx);
	strset_free(&up->names);
}

/* Keeps a checked unit row until the file is read. */
int units_add(struct ctx *c, struct units_pending *up, struct load *l, const struct csv_record *r)
{
	struct pending_unit *u;
	long j;
	uint64_t at;
	int ic = ingest_col_index(l->t, "code"), in = ingest_col_index(l->t, "name");
	int il = ingest_col_index(l->t, "level"), ip = ingest_col_index(l->t, "parent");
	int ih = ingest_col_index(l->t, "households"), ipop = ingest_col_index(l->t, "population");

	j = strset_get(&up->idx, l->v[ic].s, l->v[ic].n);
	if (j >= 0)
		return ingest_fail_col(l, ic, "编号重复（首次出现在 %s 第 %ld 行）", l->file,
				       up->u[j].line);
	at = seen_get(&c->seen, seen_key(&l->v[ic], 1));
	if (at && (size_t)(at >> 40) < c->ninputs)
		return ingest_fail_col(l, ic, "编号重复（首次出现在 %s 第 %ld 行）",
				       c->inputs[at >> 40].name, (long)(at & 0xFFFFFFFFFFULL));
	if (up->n == up->cap) {
		size_t cap = up->cap ? up->cap * 2 : 256;
		struct pending_unit *p = realloc(up->u, cap * sizeof *p);
		if (!p)
			return -2;
		up->u = p;
		up->cap = cap;
	}
	u = &up->u[up->n];
	memset(u, 0, sizeof *u);
	u->line = r->line;
	u->raw = ingest_dupn(r->raw, r->rawlen);
	u->code = ingest_dupn(l->v[ic].s, l->v[ic].n);
	u->name = ingest_dupn(l->v[in].s, l->v[in].n);
	u->parent = l->v[ip].present ? ingest_dupn(l->v[ip].s, l->v[ip].n) : NULL;
	u->level = level_num(l->v[il].s, l->v[il].n);
	u->has_hh = l->v[ih].type == STORE_INT;
	u->hh = l->v[ih].i;
	u->has_pop = l->v[ipop].type == STORE_INT;
	u->pop = l->v[ipop].i;
	if (!u->raw || !u->code || !u->name || (l->v[ip].present && !u->parent) ||
	    strset_put(&up->idx, u->code, strlen(u->code), (uint32_t)up->n) < 0) {
		up->n++; /* freed with the rest */
		return -2;
	}
	/* Chain the units of one name: the newest first. */
	j = strset_get(&up->names, u->name, strlen(u->name));
	u->next_same = j > 0 ? (uint32_t)j : 0;
	if (strset_put(&up->names, u->name, strlen(u->name), (uint32_t)up->n + 1) < 0) {
		up->n++;
		return -2;
	}
	up->n++;
	return 0;
}

static const char *level_en(int lv)
{
	static const char *names[] = {"", "county", "street", "community", "grid"};
	return lv >= 1 && lv <= 4 ? names[lv] : "";
}

/* Keeps a loaded unit's name, parent and level for references by name. */
static int remember(struct ctx *c, long id, const struct pending_unit *u)
{
	struct unit_info *ui;
	long head;

	if ((size_t)id >= c->uinfo_cap) {
		size_t cap = c->uinfo_cap ? c->uinfo_cap * 2 : 256;
		struct unit_info *p;
		while (cap <= (size_t)id)
			cap *= 2;
		p = realloc(c->uinfo, cap * sizeof *p);
		if (!p)
			return -1;
		memset(p + c->uinfo_cap, 0, (cap - c->uinfo_cap) * sizeof *p);
		c->uinfo = p;
		c->uinfo_cap = cap;
	}
	ui = &c->uinfo[id];
	ui->name = strdup(u->name);
	ui->parent = u->parent ? strdup(u->parent) : NULL;
	ui->level = u->level;
	if ((size_t)id >= c->nuinfo)
		c->nuinfo = (size_t)id + 1;
	if (!ui->name || (u->parent && !ui->parent))
		return -1;
	head = strset_get(&c->unit_names, u->name, strlen(u->name));
	ui->next = head > 0 ? (uint32_t)head : 0;
	return strset_put(&c->unit_names, u->name, strlen(u->name), (uint32_t)id + 1);
}

void units_names_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nuinfo; i++) {
		free(c->uinfo[i].name);
		free(c->uinfo[i].parent);
	}
	free(c->uinfo);
	c->uinfo = NULL;
	c->nuinfo = c->uinfo_cap = 0;
	strset_free(&c->unit_names);
}

static long parent_of(const struct ctx *c, long id)
{
	const char *p = c->uinfo[id].parent;
	long got;

	if (!p)
		return -1;
	got = strset_get(&c->units, p, strlen(p));
	return got < 0 ? -1 : got >> 3;
}

/* Whether unit id is named s, or has code s. */
static int unit_is(const struct ctx *c, long id, const char *s, size_t n)
{
	const char *code = c->unit_code[id], *name = c->uinfo[id].name;

	return (strlen(code) == n && memcmp(code, s, n) == 0) ||
	       (strlen(name) == n && memcmp(name, s, n) == 0);
}

/* Whether the row's street and community (when given) are ancestors of id. */
static int within(const struct ctx *c, long id, const char *street, size_t sn, const char *comm,
		  size_t cn)
{
	int ok_s = sn == 0, ok_c = cn == 0;
	long p;

	for (p = parent_of(c, id); p >= 0; p = parent_of(c, p)) {
		if (!ok_s && c->uinfo[p].level == LV_STREET && unit_is(c, p, street, sn))
			ok_s = 1;
		if (!ok_c && c->uinfo[p].level == LV_COMMUNITY && unit_is(c, p, comm, cn))
			ok_c = 1;
	}
	return ok_s && ok_c;
}

/* Whether v is the names of id and of some of its ancestors, from the top
 * down, concatenated: the way platforms print a grid's full name. */
static int path_is(const struct ctx *c, long id, const char *v, size_t n)
{
	while (id >= 0) {
		const char *name = c->uinfo[id].name;
		size_t len = strlen(name);
		if (len > n || memcmp(v + n - len, name, len) != 0)
			return 0;
		n -= len;
		if (n == 0)
			return 1;
		id = parent_of(c, id);
	}
	return 0;
}

/* "东华门街道/东华门第1社区/第1网格（G001）": a candidate for a message. */
static void describe(const struct ctx *c, long id, struct buf *b)
{
	long chain[8];
	int k = 0;

	for (long p = id; p >= 0 && k < 8; p = parent_of(c, p))
		if (c->uinfo[p].level != LV_COUNTY)
			chain[k++] = p;
	while (k-- > 0)
		buf_printf(b, "%s%s", c->uinfo[chain[k]].name, k ? "/" : "");
	buf_printf(b, "（%s）", c->unit_code[id]);
}

long units_resolve(struct ctx *c, const char *v, size_t n, int level, const char *street, size_t sn,
		   const char *comm, size_t cn, struct buf *why)
{
	long found = -1, k;
	int count = 0, pass;
	size_t i;

	if (c->nuinfo == 0)
		return -1;
	/* Pass 0: the exact name; pass 1: the names of a path concatenated. */
	for (pass = 0; pass < 2 && count == 0; pass++) {
		k = pass == 0 ? strset_get(&c->unit_names, v, n) : -1;
		for (i = 0; pass == 0 ? k > 0 : i < c->nuinfo; i++) {
			long id = pass == 0 ? k - 1 : (long)i;
			if (pass == 0)
				k = (long)c->uinfo[id].next;
			if (!c->uinfo[id].name || (level && c->uinfo[id].level != level))
				continue;
			if (pass == 1 && !path_is(c, id, v, n))
				continue;
			if (!within(c, id, street, sn, comm, cn))
				continue;
			if (count < 5) {
				if (count)
					buf_puts(why, "、");
				describe(c, id, why);
			}
			count++;
			found = id;
		}
	}
	if (count > 5)
		buf_printf(why, "等 %d 个", count);
	if (count > 1)
		return -2;
	return count == 1 ? found : -1;
}

/* Inserts the resolved units and rejects the others, in file order. */
int units_finish(struct ctx *c, struct load *l, struct units_pending *up, struct diag *d)
{
	struct buf tmp;
	size_t i;
	int rc = -1;

	buf_init(&tmp, 0);
	for (i = 0; i < up->n; i++) {
		struct pending_unit *u = &up->u[i];
		struct csv_record r;

		memset(&r, 0, sizeof r);
		r.line = u->line;
		r.raw = u->raw;
		r.rawlen = strlen(u->raw);
		if (resolve_unit(up, c, i, &tmp)) {
			struct store_stmt *st = l->ins;
			store_reset(st);
			store_bind_text(st, 1, u->code, -1);
			store_bind_text(st, 2, u->name, -1);
			store_bind_text(st, 3, level_en(u->level), -1);
			store_bind_text(st, 4, u->parent, -1);
			if (u->has_hh)
				store_bind_int(st, 5, u->hh);
			if (u->has_pop)
				store_bind_int(st, 6, u->pop);
			if (store_step(st, d) != STORE_DONE)
				goto done;
			long id = ingest_add_code(&c->unit_code, &c->nunit, &c->unit_cap, u->code,
						  strlen(u->code));
			struct field_val key = {.s = u->code, .n = strlen(u->code)};
			if (id < 0 || id >= (1L << 24) || remember(c, id, u) < 0 ||
			    strset_put(&c->units, u->code, strlen(u->code),
				       (uint32_t)(id << 3 | u->level)) < 0 ||
			    (c->track && seen_put(&c->seen, seen_key(&key, 1),
						  seen_place(l->fileidx, u->line)) < 0)) {
				diag_set(d, "内存不足");
				goto done;
			}
			l->loaded++;
		} else {
			buf_reset(&l->reason);
			buf_puts(&l->reason, u->why ? u->why : "上级编码无效");
			l->reject_col = up->parent_col;
			l->reject_colname = l->headers[ingest_col_index(l->t, "parent")];
			if (ingest_reject(l, &r, d) < 0 ||
			    ingest_reject_field(l, u->line, "code", u->code,
						u->code ? strlen(u->code) : 0, d) < 0 ||
			    ingest_reject_field(l, u->line, "name", u->name,
						u->name ? strlen(u->name) : 0, d) < 0 ||
			    ingest_reject_field(l, u->line, "level", level_en(u->level),
						strlen(level_en(u->level)), d) < 0)
				goto done;
		}
	}
	rc = 0;
done:
	buf_release(&tmp);
	return rc;
}