/* ingest.c - reads each file of the exchange format with csvread, checks
 * every field against schema.c, and loads rows into the store; rejected rows
 * go to the rejects table with their reason and raw text. References are
 * checked against in-memory sets of the codes loaded so far (files load in
 * dependency order); units are resolved after their whole file, so a parent
 * defined further down is fine. */
#include "ingest.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "buf.h"
#include "csvread.h"
#include "parse.h"
#include "schema.h"
#include "store.h"

/* ---- a set of strings with a small value (open addressing) ---- */

struct strset {
	char **keys;
	uint32_t *lens;
	uint32_t *hashes;
	uint32_t *vals;
	size_t cap, n;
};

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

static void set_free(struct strset *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->keys[i]);
	free(t->keys);
	free(t->lens);
	free(t->hashes);
	free(t->vals);
	memset(t, 0, sizeof *t);
}

/* Returns the slot of key (an empty slot if absent). */
static size_t set_slot(const struct strset *t, const char *k, size_t n, uint32_t h)
{
	size_t i = h & (t->cap - 1);

	while (t->keys[i] && !(t->hashes[i] == h && t->lens[i] == n && memcmp(t->keys[i], k, n) == 0))
		i = (i + 1) & (t->cap - 1);
	return i;
}

/* The value of key, or -1 if absent. */
static long set_get(const struct strset *t, const char *k, size_t n)
{
	size_t i;

	if (!t->cap)
		return -1;
	i = set_slot(t, k, n, hash(k, n));
	return t->keys[i] ? (long)t->vals[i] : -1;
}

static int set_put(struct strset *t, const char *k, size_t n, uint32_t v)
{
	uint32_t h = hash(k, n);
	size_t i;

	if (n > UINT32_MAX)
		return -1;
	if ((t->n + 1) * 2 > t->cap) {
		struct strset g = {0};
		size_t j;
		g.cap = t->cap ? t->cap * 2 : 1024;
		g.keys = calloc(g.cap, sizeof *g.keys);
		g.lens = calloc(g.cap, sizeof *g.lens);
		g.hashes = calloc(g.cap, sizeof *g.hashes);
		g.vals = calloc(g.cap, sizeof *g.vals);
		if (!g.keys || !g.lens || !g.hashes || !g.vals) {
			free(g.keys);
			free(g.lens);
			free(g.hashes);
			free(g.vals);
			return -1;
		}
		for (j = 0; j < t->cap; j++)
			if (t->keys[j]) {
				size_t s = set_slot(&g, t->keys[j], t->lens[j], t->hashes[j]);
				g.keys[s] = t->keys[j];
				g.lens[s] = t->lens[j];
				g.hashes[s] = t->hashes[j];
				g.vals[s] = t->vals[j];
			}
		g.n = t->n;
		free(t->keys);
		free(t->lens);
		free(t->hashes);
		free(t->vals);
		*t = g;
	}
	i = set_slot(t, k, n, h);
	if (!t->keys[i]) {
		t->keys[i] = malloc(n + 1);
		if (!t->keys[i])
			return -1;
		memcpy(t->keys[i], k, n);
		t->keys[i][n] = '\0';
		t->lens[i] = (uint32_t)n;
		t->hashes[i] = h;
		t->n++;
	}
	t->vals[i] = v;
	return 0;
}

/* ---- values ---- */

enum { LV_COUNTY = 1, LV_STREET, LV_COMMUNITY, LV_GRID };

static int level_num(const char *v, size_t n)
{
	if (n == 6 && memcmp(v, "county", 6) == 0) return LV_COUNTY;
	if (n == 6 && memcmp(v, "street", 6) == 0) return LV_STREET;
	if (n == 9 && memcmp(v, "community", 9) == 0) return LV_COMMUNITY;
	if (n == 4 && memcmp(v, "grid", 4) == 0) return LV_GRID;
	return 0;
}

static const char *level_cn(int lv)
{
	static const char *names[] = {"", "区县", "街道", "社区", "网格"};
	return lv >= 1 && lv <= 4 ? names[lv] : "";
}

struct val {
	int present;     /* non-empty in the file */
	int type;        /* STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT */
	int64_t i;
	double r;
	const char *s;
	size_t n;
	char tmp[24];
};

/* One file being loaded. */
enum tkind { T_OTHER, T_UNITS, T_PEOPLE, T_COMPANIES, T_BRANCHES, T_EVENTS, T_WISHES,
	     T_CHECKS, T_TARGETED };

struct load {
	struct store *s;
	const struct schema_table *t;
	enum tkind kind;
	const char *file;          /* base name, e.g. events.csv */
	const char *path;
	int colmap[64];            /* schema column -> file column, or -1 */
	char *headers[64];         /* header text of each schema column as in the file */
	size_t nfilecols;
	int *extra_cols;           /* file columns not in the schema */
	size_t nextra;
	char **extra_names;
	struct val v[32];
	struct store_stmt *ins, *rej, *ext;
	struct buf reason;
	long reject_col;
	const char *reject_colname;
	const char *cache_name[8]; /* col_index memo, keyed by the literal's address */
	int cache_idx[8];
	int ncache;
	long read, loaded, rejected;
};

struct ctx {
	struct store *s;
	const struct ingest_hooks *h;
	struct strset units, people, companies;
	struct buf msg;
};

static void warn(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct ctx *c, const char *fmt, ...)
{
	char m[1024];
	va_list ap;

	if (!c->h || !c->h->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	c->h->warn(m, c->h->arg);
}

/* Appends a value for a message: quoted, cut at 60 bytes on a character edge. */
static void quote_value(struct buf *b, const char *s, size_t n)
{
	size_t cut = n;

	if (cut > 60) {
		cut = 60;
		while (cut && ((unsigned char)s[cut] & 0xC0) == 0x80)
			cut--;
	}
	buf_putc(b, '"');
	buf_append(b, s, cut);
	if (cut < n)
		buf_puts(b, "…");
	buf_putc(b, '"');
}

/* Starts a reject reason about schema column ci: "<header> "<value>" ". */
static int fail_col(struct load *l, int ci, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_col(struct load *l, int ci, const char *fmt, ...)
{
	va_list ap;
	char m[512];

	buf_reset(&l->reason);
	if (ci >= 0) {
		buf_puts(&l->reason, l->headers[ci]);
		buf_putc(&l->reason, ' ');
		l->reject_col = l->colmap[ci] + 1;
		l->reject_colname = l->headers[ci];
		if (l->v[ci].present) {
			quote_value(&l->reason, l->v[ci].s, l->v[ci].n);
			buf_putc(&l->reason, ' ');
		}
	} else {
		l->reject_col = 0;
		l->reject_colname = NULL;
	}
	va_start(ap, fmt);
	vsnprintf(m, sizeof m, fmt, ap);
	va_end(ap);
	buf_puts(&l->reason, m);
	return -1;
}

/* The raw text of field ci (trimmed). */
static void field(const struct csv_record *r, const struct load *l, int ci, const char **s,
		  size_t *n)
{
	int fc = l->colmap[ci];

	if (fc < 0 || (size_t)fc >= r->nfields) {
		*s = "";
		*n = 0;
		return;
	}
	*s = r->fields[fc];
	*n = r->lens[fc];
	parse_trim(s, n);
}

static const char *ref_name(enum col_ref ref)
{
	switch (ref) {
	case REF_GRID: return "网格";
	case REF_COMMUNITY: return "社区";
	case REF_PERSON: return "人员";
	case REF_COMPANY: return "物业企业";
	default: return "单元";
	}
}

/* Checks a reference; returns 0 if fine. */
static int check_ref(struct ctx *c, struct load *l, int ci, enum col_ref ref)
{
	struct val *v = &l->v[ci];
	long got;

	switch (ref) {
	case REF_UNIT:
		if (set_get(&c->units, v->s, v->n) < 0)
			return fail_col(l, ci, "引用了不存在的单元编码");
		return 0;
	case REF_GRID:
	case REF_COMMUNITY:
		got = set_get(&c->units, v->s, v->n);
		if (got < 0)
			return fail_col(l, ci, "引用了不存在的%s", ref_name(ref));
		if (got != (ref == REF_GRID ? LV_GRID : LV_COMMUNITY))
			return fail_col(l, ci, "不是%s（是%s）", ref_name(ref), level_cn((int)got));
		return 0;
	case REF_PERSON:
		if (set_get(&c->people, v->s, v->n) < 0)
			return fail_col(l, ci, "引用了不存在的人员编号");
		return 0;
	case REF_COMPANY:
		if (set_get(&c->companies, v->s, v->n) < 0)
			return fail_col(l, ci, "引用了不存在的物业企业");
		return 0;
	default:
		return 0;
	}
}

/* Parses and checks column ci of record r into l->v[ci]. */
static int parse_col(struct ctx *c, struct load *l, const struct csv_record *r, int ci)
{
	const struct schema_col *col = &l->t->cols[ci];
	struct val *v = &l->v[ci];
	const char *s;
	size_t n;
	int b;
	char expect;

	field(r, l, ci, &s, &n);
	v->s = s;
	v->n = n;
	v->present = n > 0;
	v->type = STORE_NULL;
	if (!n) {
		if (col->flags & COL_REQUIRED)
			return fail_col(l, ci, "为必填项，不能为空");
		return 0;
	}
	switch (col->type) {
	case COL_TEXT:
	case COL_CODE:
		v->type = STORE_TEXT;
		break;
	case COL_INT:
		if (parse_int(s, n, &v->i) < 0)
			return fail_col(l, ci, "不是有效的整数");
		v->type = STORE_INT;
		if ((col->flags & COL_RANGE) && ((double)v->i < col->min || (double)v->i > col->max)) {
			if (col->min == 0 && v->i < 0)
				return fail_col(l, ci, "不能为负数");
			return fail_col(l, ci, "超出范围（%g–%g）", col->min, col->max);
		}
		break;
	case COL_REAL:
		if (parse_real(s, n, &v->r) < 0)
			return fail_col(l, ci, "不是有效的数字");
		v->type = STORE_REAL;
		if ((col->flags & COL_RANGE) && (v->r < col->min || v->r > col->max)) {
			if (col->min == 0 && v->r < 0)
				return fail_col(l, ci, "不能为负数");
			return fail_col(l, ci, "超出范围（%g–%g）", col->min, col->max);
		}
		break;
	case COL_BOOL:
		if (parse_bool(s, n, &b) < 0)
			return fail_col(l, ci, "不是有效的是/否值（是/否、Y/N、1/0、true/false）");
		v->type = STORE_INT;
		v->i = b;
		break;
	case COL_DATE:
	case COL_DATETIME:
		if (parse_date(s, n, col->type == COL_DATETIME, v->tmp) < 0)
			return fail_col(l, ci, "不是有效日期");
		v->type = STORE_TEXT;
		v->s = v->tmp;
		v->n = col->type == COL_DATETIME ? 19 : 10;
		break;
	case COL_QUARTER:
		if (parse_quarter(s, n, v->tmp) < 0)
			return fail_col(l, ci, "不是有效季度（如 2024Q1 或 2024年第1季度）");
		v->type = STORE_TEXT;
		v->s = v->tmp;
		v->n = 6;
		break;
	case COL_ENUM: {
		size_t outlen;
		const char *e = schema_enum(col, s, n, &outlen);
		if (!e) {
			struct buf allowed;
			const char *g = col->enumvals;
			buf_init(&allowed, 0);
			/* List the canonical values (Chinese first names for units.level). */
			while (g && *g) {
				const char *ge = strchr(g, '|');
				const char *eq = strchr(g, '=');
				const char *end = ge ? ge : g + strlen(g);
				const char *show = g;
				size_t len = (size_t)((eq && eq < end ? eq : end) - g);
				if (strcmp(col->name, "level") == 0 && l->t->cols == schema_find("units")->cols &&
				    eq && eq < end) {
					show = eq + 1;
					const char *e2 = memchr(show, '=', (size_t)(end - show));
					len = (size_t)((e2 ? e2 : end) - show);
				}
				if (allowed.len)
					buf_puts(&allowed, "、");
				buf_append(&allowed, show, len);
				g = ge ? ge + 1 : NULL;
			}
			fail_col(l, ci, "不在允许的取值中（%s）", allowed.data ? allowed.data : "");
			buf_release(&allowed);
			return -1;
		}
		v->type = STORE_TEXT;
		v->s = e;
		v->n = outlen;
		break;
	}
	case COL_CREDIT:
		b = parse_credit_code(s, n, &expect);
		if (b == -1)
			return fail_col(l, ci, "不是有效的统一社会信用代码（应为18位，不含I、O、Z、S、V）");
		if (b == -2)
			return fail_col(l, ci, "统一社会信用代码校验位错误（应为 %c）", expect);
		v->type = STORE_TEXT;
		break;
	}
	if (col->ref != REF_NONE && col->ref != REF_TARGET && col->ref != REF_PARENT)
		return check_ref(c, l, ci, col->ref);
	return 0;
}

static int col_index(const struct schema_table *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* col_index for the literals of the per-row checks, without string compares. */
static int col_at(struct load *l, const char *name)
{
	int i;

	for (i = 0; i < l->ncache; i++)
		if (l->cache_name[i] == name)
			return l->cache_idx[i];
	i = col_index(l->t, name);
	if (l->ncache < 8) {
		l->cache_name[l->ncache] = name;
		l->cache_idx[l->ncache++] = i;
	}
	return i;
}

/* Compares two normalised dates/date-times of columns a and b: fails if b < a. */
static int check_order(struct load *l, const char *a, const char *b, const char *what)
{
	int ia = col_at(l, a), ib = col_at(l, b);
	struct val *va = &l->v[ia], *vb = &l->v[ib];
	size_t n;

	if (va->type == STORE_NULL || vb->type == STORE_NULL)
		return 0;
	n = va->n < vb->n ? va->n : vb->n;
	if (memcmp(vb->s, va->s, n) < 0)
		return fail_col(l, ib, "早于%s（%.*s）", what, (int)va->n, va->s);
	return 0;
}

/* Checks that involve several columns of a row. */
static int check_row(struct ctx *c, struct load *l)
{
	switch (l->kind) {
	case T_EVENTS:
		return check_order(l, "reported_at", "closed_at", l->headers[col_at(l, "reported_at")]);
	case T_WISHES:
		if (check_order(l, "published_at", "claimed_at", l->headers[col_at(l, "published_at")]) < 0 ||
		    check_order(l, "published_at", "completed_at", l->headers[col_at(l, "published_at")]) < 0 ||
		    check_order(l, "claimed_at", "completed_at", l->headers[col_at(l, "claimed_at")]) < 0)
			return -1;
		return 0;
	case T_CHECKS: {
		int is = col_at(l, "score"), im = col_at(l, "max");
		if (l->v[is].r > l->v[im].r)
			return fail_col(l, is, "超过满分（%g）", l->v[im].r);
		return 0;
	}
	case T_BRANCHES: {
		int ik = col_at(l, "kind"), ic = col_at(l, "company");
		int is_pm = l->v[ik].n == strlen("物业企业党支部") &&
			    memcmp(l->v[ik].s, "物业企业党支部", l->v[ik].n) == 0;
		if (is_pm && !l->v[ic].present)
			return fail_col(l, ic, "为必填项：物业企业党支部须填写所属企业");
		if (!is_pm && l->v[ic].present)
			return fail_col(l, ic, "只适用于物业企业党支部");
		return 0;
	}
	case T_TARGETED: {
		int ik = col_at(l, "target_kind"), it = col_at(l, "target");
		const char *k = l->v[ik].s;
		size_t kn = l->v[ik].n;
		if (kn == strlen("社区") && memcmp(k, "社区", kn) == 0)
			return check_ref(c, l, it, REF_COMMUNITY);
		if (kn == strlen("网格") && memcmp(k, "网格", kn) == 0)
			return check_ref(c, l, it, REF_GRID);
		if (kn == strlen("物业企业") && memcmp(k, "物业企业", kn) == 0)
			return check_ref(c, l, it, REF_COMPANY);
		return 0;
	}
	default:
		return 0;
	}
}

static enum tkind table_kind(const char *name)
{
	static const struct {
		const char *name;
		enum tkind kind;
	} k[] = {{"units", T_UNITS}, {"people", T_PEOPLE}, {"companies", T_COMPANIES},
		 {"branches", T_BRANCHES}, {"events", T_EVENTS}, {"wishes", T_WISHES},
		 {"property_checks", T_CHECKS}, {"evaluations", T_TARGETED}, {"incidents", T_TARGETED}};
	size_t i;

	for (i = 0; i < sizeof k / sizeof k[0]; i++)
		if (strcmp(k[i].name, name) == 0)
			return k[i].kind;
	return T_OTHER;
}

static int reject(struct load *l, const struct csv_record *r, struct diag *d)
{
	struct store_stmt *st = l->rej;

	l->rejected++;
	store_reset(st);
	store_bind_text(st, 1, l->file, -1);
	store_bind_int(st, 2, r->line);
	if (l->reject_col > 0)
		store_bind_int(st, 3, l->reject_col);
	store_bind_text(st, 4, l->reject_colname, -1);
	store_bind_text(st, 5, l->reason.data ? l->reason.data : "", (int)l->reason.len);
	store_bind_text(st, 6, r->raw, (int)r->rawlen);
	return store_step(st, d) == STORE_DONE ? 0 : -1;
}

/* Binds the parsed values and inserts the row; STORE_CONSTRAINT for a duplicate. */
static int insert(struct load *l, struct diag *d)
{
	size_t i;
	int k = 1;

	store_reset(l->ins);
	for (i = 0; i < l->t->ncols; i++, k++) {
		struct val *v = &l->v[i];
		switch (v->type) {
		case STORE_INT: store_bind_int(l->ins, k, v->i); break;
		case STORE_REAL: store_bind_double(l->ins, k, v->r); break;
		case STORE_TEXT: store_bind_text_static(l->ins, k, v->s, (int)v->n); break;
		default: store_bind_null(l->ins, k); break;
		}
	}
	return store_step(l->ins, d);
}

static int save_extras(struct load *l, const struct csv_record *r, struct diag *d)
{
	size_t i;

	for (i = 0; i < l->nextra; i++) {
		int fc = l->extra_cols[i];
		if ((size_t)fc >= r->nfields || r->lens[fc] == 0)
			continue;
		store_reset(l->ext);
		store_bind_text(l->ext, 1, l->file, -1);
		store_bind_int(l->ext, 2, r->line);
		store_bind_text(l->ext, 3, l->extra_names[i], -1);
		store_bind_text(l->ext, 4, r->fields[fc], (int)r->lens[fc]);
		if (store_step(l->ext, d) != STORE_DONE)
			return -1;
	}
	return 0;
}

/* Units wait for the whole file: a parent may come further down. */
struct pending_unit {
	long line;
	char *raw;
	char *code, *name, *parent;
	int level;
	int has_hh, has_pop;
	int64_t hh, pop;
	int state; /* 0 unknown, 1 valid, 2 rejected, 3 being resolved */
	char *why;
};

struct units_pending {
	struct pending_unit *u;
	size_t n, cap;
	struct strset idx; /* code -> index in u */
	long parent_col;   /* file column of parent (1-based), 0 if absent */
};

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static void unit_reject(struct pending_unit *u, struct buf *tmp)
{
	u->state = 2;
	free(u->why);
	u->why = dupn(tmp->data ? tmp->data : "", tmp->len);
}

/* Resolves unit i: valid when its parent chain reaches a county with the
 * levels in order. Returns 1 valid, 0 rejected. */
static int resolve_unit(struct units_pending *up, size_t i, struct buf *tmp)
{
	struct pending_unit *u = &up->u[i];
	long j;

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
		buf_printf(tmp, "上级编码 为必填项：%s须填写上一级单元", level_cn(u->level));
		unit_reject(u, tmp);
		return 0;
	}
	j = set_get(&up->idx, u->parent, strlen(u->parent));
	if (j < 0) {
		buf_printf(tmp, "上级编码 \"%s\" 引用了不存在的单元", u->parent);
		unit_reject(u, tmp);
		return 0;
	}
	if (up->u[j].level != u->level - 1) {
		buf_printf(tmp, "上级编码 \"%s\" 层级不符：%s的上级应为%s，而它是%s", u->parent,
			   level_cn(u->level), level_cn(u->level - 1), level_cn(up->u[j].level));
		unit_reject(u, tmp);
		return 0;
	}
	u->state = 3;
	if (!resolve_unit(up, (size_t)j, tmp)) {
		buf_reset(tmp);
		buf_printf(tmp, "上级编码 \"%s\" 所指的单元本身被拒绝", u->parent);
		unit_reject(u, tmp);
		return 0;
	}
	u->state = 1;
	return 1;
}

static void units_free(struct units_pending *up)
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
	set_free(&up->idx);
}

/* Keeps a checked unit row until the file is read. */
static int units_add(struct units_pending *up, struct load *l, const struct csv_record *r)
{
	struct pending_unit *u;
	int ic = col_index(l->t, "code"), in = col_index(l->t, "name");
	int il = col_index(l->t, "level"), ip = col_index(l->t, "parent");
	int ih = col_index(l->t, "households"), ipop = col_index(l->t, "population");

	if (set_get(&up->idx, l->v[ic].s, l->v[ic].n) >= 0)
		return fail_col(l, ic, "编号重复");
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
	u->raw = dupn(r->raw, r->rawlen);
	u->code = dupn(l->v[ic].s, l->v[ic].n);
	u->name = dupn(l->v[in].s, l->v[in].n);
	u->parent = l->v[ip].present ? dupn(l->v[ip].s, l->v[ip].n) : NULL;
	u->level = level_num(l->v[il].s, l->v[il].n);
	u->has_hh = l->v[ih].type == STORE_INT;
	u->hh = l->v[ih].i;
	u->has_pop = l->v[ipop].type == STORE_INT;
	u->pop = l->v[ipop].i;
	if (!u->raw || !u->code || !u->name || (l->v[ip].present && !u->parent) ||
	    set_put(&up->idx, u->code, strlen(u->code), (uint32_t)up->n) < 0) {
		up->n++; /* freed with the rest */
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

/* Inserts the resolved units and rejects the others, in file order. */
static int units_finish(struct ctx *c, struct load *l, struct units_pending *up, struct diag *d)
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
		if (resolve_unit(up, i, &tmp)) {
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
			if (set_put(&c->units, u->code, strlen(u->code), (uint32_t)u->level) < 0) {
				diag_set(d, "内存不足");
				goto done;
			}
			l->loaded++;
		} else {
			buf_reset(&l->reason);
			buf_puts(&l->reason, u->why ? u->why : "上级编码无效");
			l->reject_col = up->parent_col;
			l->reject_colname = l->headers[col_index(l->t, "parent")];
			if (reject(l, &r, d) < 0)
				goto done;
		}
	}
	rc = 0;
done:
	buf_release(&tmp);
	return rc;
}

/* Maps the header record onto the schema. Fails (file-level error) when a
 * required column is missing. */
static int map_header(struct ctx *c, struct load *l, const struct csv_record *r, struct buf *unknown,
		      struct diag *d)
{
	size_t i, j;

	for (i = 0; i < l->t->ncols; i++)
		l->colmap[i] = -1;
	l->nfilecols = r->nfields;
	l->extra_cols = calloc(r->nfields ? r->nfields : 1, sizeof *l->extra_cols);
	l->extra_names = calloc(r->nfields ? r->nfields : 1, sizeof *l->extra_names);
	if (!l->extra_cols || !l->extra_names)
		return diag_set(d, "内存不足");
	for (j = 0; j < r->nfields; j++) {
		const char *h = r->fields[j];
		size_t n = r->lens[j];
		int ci;
		parse_trim(&h, &n);
		ci = schema_match(l->t, h, n);
		if (ci >= 0 && l->colmap[ci] < 0) {
			l->colmap[ci] = (int)j;
			if (n && ((unsigned char)h[0]) < 0x80) {
				struct buf b;
				buf_init(&b, 0);
				buf_append(&b, h, n);
				buf_printf(&b, "（%s）", l->t->cols[ci].label);
				l->headers[ci] = buf_steal(&b);
			} else {
				l->headers[ci] = dupn(h, n);
			}
			continue;
		}
		if (n == 0)
			continue; /* an unnamed empty column (trailing comma) */
		l->extra_cols[l->nextra] = (int)j;
		l->extra_names[l->nextra] = dupn(h, n);
		l->nextra++;
		if (unknown->len)
			buf_puts(unknown, "、");
		buf_append(unknown, h, n);
		if (ci >= 0)
			buf_puts(unknown, "（重复的列）");
	}
	for (i = 0; i < l->t->ncols; i++) {
		if (l->colmap[i] >= 0)
			continue;
		l->headers[i] = strdup(l->t->cols[i].label);
		if (l->t->cols[i].flags & COL_REQUIRED)
			return diag_at(d, l->path, r->line, 0,
				       "缺少必填列“%s”（可用列名：%s|%s）", l->t->cols[i].label,
				       l->t->cols[i].name, l->t->cols[i].aliases);
	}
	(void)c;
	return 0;
}

static int prepare(struct load *l, struct diag *d)
{
	struct buf sql;
	size_t i;
	int rc;

	buf_init(&sql, 0);
	buf_printf(&sql, "INSERT INTO %s(", l->t->name);
	for (i = 0; i < l->t->ncols; i++)
		buf_printf(&sql, "%s%s", i ? "," : "", l->t->cols[i].name);
	buf_puts(&sql, ") VALUES(");
	for (i = 0; i < l->t->ncols; i++)
		buf_printf(&sql, "%s?%zu", i ? "," : "", i + 1);
	buf_puts(&sql, ")");
	rc = store_prepare(l->s, sql.data, &l->ins, d);
	buf_release(&sql);
	if (rc < 0)
		return -1;
	if (store_prepare(l->s, "INSERT INTO rejects(file,line,col,column_name,reason,raw)"
				" VALUES(?1,?2,?3,?4,?5,?6)", &l->rej, d) < 0)
		return -1;
	return store_prepare(l->s, "INSERT INTO extras(file,line,column_name,value) VALUES(?1,?2,?3,?4)",
			     &l->ext, d);
}

static void load_release(struct load *l)
{
	size_t i;

	for (i = 0; i < sizeof l->headers / sizeof l->headers[0]; i++)
		free(l->headers[i]);
	for (i = 0; i < l->nextra; i++)
		free(l->extra_names[i]);
	free(l->extra_names);
	free(l->extra_cols);
	store_finalize(l->ins);
	store_finalize(l->rej);
	store_finalize(l->ext);
	buf_release(&l->reason);
}

static int all_empty(const struct csv_record *r)
{
	size_t i;

	for (i = 0; i < r->nfields; i++) {
		const char *s = r->fields[i];
		size_t n = r->lens[i];
		parse_trim(&s, &n);
		if (n)
			return 0;
	}
	return 1;
}

/* Whether the fields past the header's width are all empty (trailing commas). */
static int extra_fields_empty(const struct csv_record *r, size_t from)
{
	size_t i;

	for (i = from; i < r->nfields; i++)
		if (r->lens[i])
			return 0;
	return 1;
}

/* Checks one record; returns 0 to load, -1 to reject (reason set), -2 fatal. */
static int check_record(struct ctx *c, struct load *l, const struct csv_record *r)
{
	size_t i;

	if (r->unterminated)
		return fail_col(l, -1, "引号未闭合：文件在引号内结束");
	if (r->bad_encoding)
		return fail_col(l, -1, "包含无效的字符编码");
	if (r->nfields < l->nfilecols || (r->nfields > l->nfilecols && !extra_fields_empty(r, l->nfilecols)))
		return fail_col(l, -1, "字段数不符：本行 %zu 个字段，表头有 %zu 列", r->nfields,
				l->nfilecols);
	for (i = 0; i < l->t->ncols; i++)
		if (parse_col(c, l, r, (int)i) < 0)
			return -1;
	return check_row(c, l);
}

static int record_file(struct store *s, const char *file, const char *status, const char *enc,
		       const struct load *l, const char *unknown, const char *msg, int seq,
		       struct diag *d)
{
	struct store_stmt *st = NULL;
	int rc;

	if (store_prepare(s, "INSERT OR REPLACE INTO ingest_files(file,status,encoding,rows_read,"
			     "rows_loaded,rows_rejected,unknown_columns,message,seq)"
			     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)", &st, d) < 0)
		return -1;
	store_bind_text(st, 1, file, -1);
	store_bind_text(st, 2, status, -1);
	store_bind_text(st, 3, enc, -1);
	store_bind_int(st, 4, l ? l->read : 0);
	store_bind_int(st, 5, l ? l->loaded : 0);
	store_bind_int(st, 6, l ? l->rejected : 0);
	store_bind_text(st, 7, unknown && *unknown ? unknown : NULL, -1);
	store_bind_text(st, 8, msg, -1);
	store_bind_int(st, 9, seq);
	rc = store_step(st, d) == STORE_DONE ? 0 : -1;
	store_finalize(st);
	return rc;
}

static unsigned long long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? (unsigned long long)sb.st_size : 0;
}

/* Loads one file; returns 0 or -1 (fatal, d set). */
static int load_file(struct ctx *c, const struct schema_table *t, const char *path,
		     const char *file, int seq, struct ingest_totals *tot, struct diag *d)
{
	struct load l;
	struct csvread *rd = NULL;
	struct csv_record rec;
	struct units_pending up;
	struct buf unknown;
	enum tkind kind = table_kind(t->name);
	int is_units = kind == T_UNITS;
	int is_people = kind == T_PEOPLE;
	int is_companies = kind == T_COMPANIES;
	int idcol = col_index(t, t->cols[0].name);
	unsigned long long total = file_size(path);
	int got, rc = -1;

	memset(&l, 0, sizeof l);
	memset(&up, 0, sizeof up);
	buf_init(&unknown, 0);
	buf_init(&l.reason, 0);
	l.s = c->s;
	l.t = t;
	l.kind = kind;
	l.file = file;
	l.path = path;
	if (csvread_open(&rd, path, d) < 0)
		goto done;
	got = csvread_next(rd, &rec, d);
	if (got < 0)
		goto done;
	if (got == 0) {
		warn(c, "%s 是空文件（没有表头）：%s的数据为空", file, t->label);
		rc = record_file(c->s, file, "empty", csvread_encoding(rd), &l, NULL, "空文件", seq, d);
		goto done;
	}
	if (map_header(c, &l, &rec, &unknown, d) < 0 || prepare(&l, d) < 0)
		goto done;
	if (unknown.len)
		warn(c, "%s 有未识别的列（已另存，不参与计算）：%s", file, unknown.data);
	up.parent_col = is_units && l.colmap[col_index(t, "parent")] >= 0
				? l.colmap[col_index(t, "parent")] + 1 : 0;
	while ((got = csvread_next(rd, &rec, d)) == 1) {
		int ck;
		if (all_empty(&rec))
			continue;
		l.read++;
		ck = check_record(c, &l, &rec);
		if (ck == 0 && is_units) {
			ck = units_add(&up, &l, &rec);
			if (ck == -2) {
				diag_set(d, "内存不足");
				goto done;
			}
			if (ck == 0 && save_extras(&l, &rec, d) < 0)
				goto done;
			if (ck < 0 && reject(&l, &rec, d) < 0)
				goto done;
			continue;
		}
		if (ck == 0) {
			int st = insert(&l, d);
			if (st == STORE_CONSTRAINT) {
				if (kind == T_CHECKS)
					fail_col(&l, -1, "同一企业、社区、季度、考评项目的记录重复");
				else
					fail_col(&l, idcol, "编号重复");
				ck = -1;
			} else if (st != STORE_DONE) {
				goto done;
			} else {
				l.loaded++;
				if ((is_people || is_companies) &&
				    set_put(is_people ? &c->people : &c->companies, l.v[0].s, l.v[0].n, 0) < 0) {
					diag_set(d, "内存不足");
					goto done;
				}
				if (l.nextra && save_extras(&l, &rec, d) < 0)
					goto done;
			}
		}
		if (ck < 0 && reject(&l, &rec, d) < 0)
			goto done;
		if (c->h && c->h->progress && (l.read & 0xffff) == 0)
			c->h->progress(file, l.read, csvread_offset(rd), total, 0, c->h->arg);
	}
	if (got < 0)
		goto done;
	if (is_units && units_finish(c, &l, &up, d) < 0)
		goto done;
	if (c->h && c->h->progress)
		c->h->progress(file, l.read, total, total, 1, c->h->arg);
	if (record_file(c->s, file, "loaded", csvread_encoding(rd), &l, unknown.data, NULL, seq, d) < 0)
		goto done;
	if (l.rejected)
		warn(c, "%s：读取 %ld 行，载入 %ld 行，拒绝 %ld 行（原因见 rejects.csv）", file, l.read,
		     l.loaded, l.rejected);
	tot->rows_read += l.read;
	tot->rows_loaded += l.loaded;
	tot->rows_rejected += l.rejected;
	rc = 0;
done:
	if (rc < 0 && !d->file[0]) {
		size_t n = strlen(path);
		if (n >= sizeof d->file)
			n = sizeof d->file - 1;
		memcpy(d->file, path, n);
		d->file[n] = '\0';
	}
	units_free(&up);
	load_release(&l);
	buf_release(&unknown);
	csvread_close(rd);
	return rc;
}

/* Finds the file of table t in dir: "<name>.csv" or "<Chinese label>.csv",
 * case-insensitively. Returns 1 and fills path, or 0. */
static int find_file(const char *dir, const struct schema_table *t, char **names, size_t nnames,
		     char *path, size_t cap, const char **base)
{
	char a[128], b[128];
	size_t i;

	snprintf(a, sizeof a, "%s.csv", t->name);
	snprintf(b, sizeof b, "%s.csv", t->label);
	for (i = 0; i < nnames; i++)
		if (strcasecmp(names[i], a) == 0 || strcmp(names[i], b) == 0) {
			snprintf(path, cap, "%s/%s", dir, names[i]);
			*base = names[i];
			return 1;
		}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ingest_run(struct store *s, const char *dir, const struct ingest_hooks *h,
	       struct ingest_totals *tot, struct diag *d)
{
	struct ctx c;
	DIR *dh = NULL;
	struct dirent *e;
	char **names = NULL;
	unsigned char *used = NULL;
	size_t nnames = 0, cap = 0, i;
	char path[4096];
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(tot, 0, sizeof *tot);
	c.s = s;
	c.h = h;
	dh = opendir(dir);
	if (!dh)
		return diag_at(d, dir, 0, 0, "无法打开输入目录");
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (nnames == cap) {
			char **p;
			cap = cap ? cap * 2 : 32;
			p = realloc(names, cap * sizeof *p);
			if (!p)
				goto oom;
			names = p;
		}
		names[nnames] = strdup(e->d_name);
		if (!names[nnames])
			goto oom;
		nnames++;
	}
	qsort(names, nnames, sizeof *names, cmp_str);
	used = calloc(nnames ? nnames : 1, 1);
	if (!used)
		goto oom;
	if (store_exec(s, "CREATE TABLE IF NOT EXISTS extras(file TEXT, line INTEGER,"
			  " column_name TEXT, value TEXT);", d) < 0 ||
	    store_bulk_mode(s, d) < 0 || store_begin(s, d) < 0)
		goto done;
	for (i = 0; i < schema_ntables; i++) {
		const struct schema_table *t = &schema_tables[i];
		const char *base = NULL;
		char want[128];
		snprintf(want, sizeof want, "%s.csv", t->name);
		if (!find_file(dir, t, names, nnames, path, sizeof path, &base)) {
			tot->files_absent++;
			warn(&c, "未找到 %s（%s）：依赖它的考核项将跳过", want, t->label);
			if (record_file(s, want, "absent", NULL, NULL, NULL, "文件不存在", (int)i, d) < 0)
				goto done;
			continue;
		}
		for (size_t k = 0; k < nnames; k++)
			if (names[k] == base)
				used[k] = 1;
		tot->files_found++;
		if (load_file(&c, t, path, want, (int)i, tot, d) < 0)
			goto done;
	}
	for (i = 0; i < nnames; i++)
		if (!used[i] && strlen(names[i]) > 4 &&
		    strcasecmp(names[i] + strlen(names[i]) - 4, ".csv") == 0)
			warn(&c, "未识别的文件 %s：不属于交换格式，未读取", names[i]);
	if (store_exec(s, "INSERT OR REPLACE INTO meta(key,value) VALUES('schema_version','1');", d) < 0)
		goto done;
	if (store_create_indexes(s, d) < 0 || store_commit(s, d) < 0)
		goto done;
	if (store_exec(s, "PRAGMA analysis_limit=400; ANALYZE;", d) < 0)
		goto done;
	rc = 0;
	goto done;
oom:
	diag_set(d, "内存不足");
done:
	if (rc < 0)
		store_rollback(s);
	if (dh)
		closedir(dh);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(used);
	set_free(&c.units);
	set_free(&c.people);
	set_free(&c.companies);
	buf_release(&c.msg);
	return rc;
}
