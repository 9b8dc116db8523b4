/* ingest.c - reads each file of the exchange format with csvread, checks
 * every field against schema.c, and loads rows into the store; rejected rows
 * go to the rejects table with their reason and raw text. References are
 * checked against in-memory sets of the codes loaded so far (files load in
 * dependency order); units are resolved after their whole file, so a parent
 * defined further down is fine. */
#include "ingest.h"

#include <dirent.h>
#include <pthread.h>
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
	long refv[32];             /* id of a checked reference, per column (-1 unchecked) */
	long unchecked[32];        /* references not checked: their file is absent */
	int ev_cols[7];            /* events: grid, reported_at, closed_at, level, source,
				      reporter, satisfaction */
	struct store_stmt *ins, *rej, *ext;
	struct buf reason;
	long reject_col;
	const char *reject_colname;
	const char *cache_name[8]; /* col_index memo, keyed by the literal's address */
	int cache_idx[8];
	int ncache;
	long read, loaded, rejected;
};

/* ---- event facts: events summed up while loading (see store.c) ---- */

#define NBUCKET SCHEMA_NHOURS /* the limits of schema_hours */

/* h and a count each event once, in the first bucket whose bound it is
 * within (index NBUCKET: beyond them all); the cumulative hN/aN columns are
 * summed when written. */
struct fact {
	uint64_t key;
	int32_t n, closed, h[NBUCKET + 1], a[NBUCKET + 1], s[5];
	char first[20], last[20]; /* month facts: the earliest and latest reported_at */
};

struct rfact {
	uint64_t key;
	int32_t n, closed;
};

/* An open-addressing map from a packed key to an index in an array. */
struct factmap {
	uint64_t *keys; /* 0: empty (keys are never 0: they carry a year) */
	uint32_t *idx;
	size_t cap, n;
	uint64_t last_key; /* the previous lookup: consecutive events often share it */
	uint32_t last_idx;
};

/* splitmix64's finaliser: every key bit reaches the low bits used as slot. */
static size_t mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBULL;
	x ^= x >> 31;
	return (size_t)x;
}

static void factmap_free(struct factmap *m)
{
	free(m->keys);
	free(m->idx);
	memset(m, 0, sizeof *m);
}

/* Returns the index stored for key, inserting next_idx if absent (*added set). */
static long factmap_get(struct factmap *m, uint64_t key, uint32_t next_idx, int *added)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct factmap g;
		size_t j;
		g.cap = m->cap ? m->cap * 2 : 4096;
		g.n = m->n;
		g.keys = calloc(g.cap, sizeof *g.keys);
		g.idx = calloc(g.cap, sizeof *g.idx);
		if (!g.keys || !g.idx) {
			free(g.keys);
			free(g.idx);
			return -1;
		}
		for (j = 0; j < m->cap; j++)
			if (m->keys[j]) {
				size_t k = mix(m->keys[j]) & (g.cap - 1);
				while (g.keys[k])
					k = (k + 1) & (g.cap - 1);
				g.keys[k] = m->keys[j];
				g.idx[k] = m->idx[j];
			}
		free(m->keys);
		free(m->idx);
		*m = g;
	}
	i = mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	*added = 0;
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->idx[i] = next_idx;
		m->n++;
		*added = 1;
	}
	return (long)m->idx[i];
}

struct ctx {
	struct store *s;
	const struct ingest_hooks *h;
	struct strset units, people, companies;
	int have_people, have_companies; /* their files were found */
	struct buf msg;
	/* Codes by id: units set values are (id << 3 | level), people's are id. */
	char **unit_code, **person_code;
	size_t nunit, nperson, unit_cap, person_cap;
	/* Event facts. */
	struct strset sources;
	char **source_name;
	size_t nsource, source_cap;
	struct factmap fmap, rmap, mmap;
	struct fact *facts, *mfacts;
	size_t nmfacts, mfacts_cap;
	long end_year;       /* memo of the period end of end_year */
	char end_text[24];
	int64_t end_epoch;
	struct rfact *rfacts;
	size_t nfacts, facts_cap, nrfacts, rfacts_cap;
};

/* Appends a copy of code to a growing array; returns its id or -1. */
static long add_code(char ***arr, size_t *n, size_t *cap, const char *code, size_t len)
{
	char *p;

	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 1024;
		char **a = realloc(*arr, nc * sizeof *a);
		if (!a)
			return -1;
		*arr = a;
		*cap = nc;
	}
	p = malloc(len + 1);
	if (!p)
		return -1;
	memcpy(p, code, len);
	p[len] = '\0';
	(*arr)[*n] = p;
	return (long)(*n)++;
}

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
		if ((got & 7) != (ref == REF_GRID ? LV_GRID : LV_COMMUNITY))
			return fail_col(l, ci, "不是%s（是%s）", ref_name(ref), level_cn((int)(got & 7)));
		l->refv[ci] = got >> 3;
		return 0;
	case REF_PERSON:
		/* Without people.csv at all, references to people cannot be checked:
		 * the rows are kept (and the warning says so) rather than lost. */
		if (!c->have_people) {
			l->refv[ci] = -1;
			l->unchecked[ci]++;
			return 0;
		}
		got = set_get(&c->people, v->s, v->n);
		if (got < 0)
			return fail_col(l, ci, "引用了不存在的人员编号");
		l->refv[ci] = got;
		return 0;
	case REF_COMPANY:
		if (!c->have_companies) {
			l->unchecked[ci]++;
			return 0;
		}
		if (set_get(&c->companies, v->s, v->n) < 0)
			return fail_col(l, ci, "引用了不存在的物业企业");
		return 0;
	default:
		return 0;
	}
}

/* Whether a code looks like a long number Excel displayed in scientific
 * notation ("3.71321E+14"): its digits are gone. */
static int excel_scientific(const char *s, size_t n)
{
	size_t i = 0, mant = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++, mant++;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			mant++;
	if (mant == 0 || i + 2 >= n || (s[i] != 'E' && s[i] != 'e') || s[i + 1] != '+')
		return 0;
	for (i += 2; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
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
	case COL_CODE:
		if (excel_scientific(s, n))
			return fail_col(l, ci, "被 Excel 改写成了科学计数法，原编码已丢失"
					       "（导出前请把该列设为文本格式）");
		/* fall through */
	case COL_TEXT:
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
			long id = add_code(&c->unit_code, &c->nunit, &c->unit_cap, u->code, strlen(u->code));
			if (id < 0 || id >= (1L << 24) ||
			    set_put(&c->units, u->code, strlen(u->code), (uint32_t)(id << 3 | u->level)) < 0) {
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

/* How many fields of a record are column names of table t. */
static int header_matches(const struct schema_table *t, const struct csv_record *r)
{
	size_t j;
	int n = 0;

	for (j = 0; j < r->nfields; j++)
		if (schema_match(t, r->fields[j], r->lens[j]) >= 0)
			n++;
	return n;
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
		if (l->t->cols[i].flags & COL_REQUIRED) {
			char names[512];
			size_t k, o = 0;
			const char *a = l->t->cols[i].aliases;
			/* "reported_at、上报时间、上报日期…" */
			o = (size_t)snprintf(names, sizeof names, "%s", l->t->cols[i].name);
			for (k = 0; a[k] && o + 4 < sizeof names; k++) {
				if (k == 0 || a[k - 1] == '|')
					o += (size_t)snprintf(names + o, sizeof names - o, "、");
				if (a[k] != '|')
					names[o++] = a[k];
			}
			names[o < sizeof names ? o : sizeof names - 1] = '\0';
			return diag_at(d, l->path, r->line, 0, "缺少必填列“%s”（可用列名：%s）",
				       l->t->cols[i].label, names);
		}
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


/* Seconds since 1970 of a normalised "YYYY-MM-DD HH:MM:SS". */
static int64_t epoch_of(const char *s)
{
	long y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	long m = (s[5] - '0') * 10 + (s[6] - '0'), d = (s[8] - '0') * 10 + (s[9] - '0');
	long hh = (s[11] - '0') * 10 + (s[12] - '0'), mi = (s[14] - '0') * 10 + (s[15] - '0');
	long ss = (s[17] - '0') * 10 + (s[18] - '0');
	long days = parse_days_from_civil(y, (unsigned)m, (unsigned)d);

	return (int64_t)days * 86400 + hh * 3600 + mi * 60 + ss;
}

static int level_index(const char *s, size_t n)
{
	const char *const *lv = schema_levels;
	int i;

	for (i = 0; i < SCHEMA_NLEVELS; i++)
		if (strlen(lv[i]) == n && memcmp(lv[i], s, n) == 0)
			return i + 1;
	return 0;
}

/* The fact for key in map/array, created empty if absent; NULL on out of memory. */
static struct fact *fact_at(struct factmap *map, struct fact **arr, size_t *n, size_t *cap, uint64_t key)
{
	int added;
	long idx;

	if (key == map->last_key && map->n)
		return &(*arr)[map->last_idx];
	idx = factmap_get(map, key, (uint32_t)*n, &added);
	if (idx < 0)
		return NULL;
	map->last_key = key;
	map->last_idx = (uint32_t)idx;
	if (added) {
		if (*n == *cap) {
			size_t nc = *cap ? *cap * 2 : 1024;
			struct fact *p = realloc(*arr, nc * sizeof *p);
			if (!p)
				return NULL;
			*arr = p;
			*cap = nc;
		}
		memset(&(*arr)[*n], 0, sizeof **arr);
		(*arr)[*n].key = key;
		(*n)++;
	}
	return &(*arr)[idx];
}

/* The first bucket whose bound dt (seconds) is within; NBUCKET if none. */
static int bucket_of(int64_t dt)
{
	int k = 0;

	while (k < NBUCKET && dt > (long)schema_hours[k] * 3600)
		k++;
	return k;
}

static void fact_count(struct fact *f, int closed, int bucket, long sat)
{
	f->n++;
	if (closed) {
		f->closed++;
		f->h[bucket]++;
	} else {
		f->a[bucket]++;
	}
	if (sat >= 1 && sat <= 5)
		f->s[sat - 1]++;
}

/* Adds the event just loaded to the facts of its grid, its month and its reporter. */
static int facts_add(struct ctx *c, const int *ec, const struct val *v, const long *refv)
{
	int ig = ec[0], ir = ec[1], ic = ec[2], il = ec[3], is = ec[4], ip = ec[5], isat = ec[6];
	const char *rep = v[ir].s;
	long year = (rep[0] - '0') * 1000 + (rep[1] - '0') * 100 + (rep[2] - '0') * 10 + (rep[3] - '0');
	long month = (rep[5] - '0') * 10 + (rep[6] - '0');
	int64_t t_rep = epoch_of(rep), dt;
	int closed = 0, added, bucket;
	long src = 0, idx, lv = 0, sat = 0;
	uint64_t key;
	struct fact *f;

	if (year != c->end_year) {
		snprintf(c->end_text, sizeof c->end_text, "%04ld-01-01 00:00:00", (year + 1) % 10000);
		c->end_epoch = epoch_of(c->end_text);
		c->end_year = year;
	}
	if (v[ic].type != STORE_NULL && memcmp(v[ic].s, c->end_text, 19) < 0)
		closed = 1;
	dt = closed ? epoch_of(v[ic].s) - t_rep : c->end_epoch - t_rep;
	bucket = bucket_of(dt);
	if (v[il].type != STORE_NULL)
		lv = level_index(v[il].s, v[il].n);
	if (v[isat].type == STORE_INT)
		sat = (long)v[isat].i;
	if (v[is].present) {
		src = set_get(&c->sources, v[is].s, v[is].n);
		if (src < 0) {
			long id = add_code(&c->source_name, &c->nsource, &c->source_cap, v[is].s,
					   v[is].n);
			if (id < 0 || id >= 0xFFFF ||
			    set_put(&c->sources, v[is].s, v[is].n, (uint32_t)id + 1) < 0)
				return -1;
			src = id + 1;
		}
	}
	/* grid id: 24 bits | year: 12 | level: 3 | source: 16 */
	key = (uint64_t)refv[ig] << 36 | (uint64_t)(year & 0xFFF) << 24 | (uint64_t)lv << 16 |
	      (uint64_t)src;
	f = fact_at(&c->fmap, &c->facts, &c->nfacts, &c->facts_cap, key);
	if (!f)
		return -1;
	fact_count(f, closed, bucket, sat);
	/* the county's month: year: 12 bits | month: 4 | level: 3 | source: 16 */
	key = (uint64_t)(year & 0xFFF) << 24 | (uint64_t)month << 20 | (uint64_t)lv << 16 | (uint64_t)src;
	f = fact_at(&c->mmap, &c->mfacts, &c->nmfacts, &c->mfacts_cap, key);
	if (!f)
		return -1;
	if (f->n == 0 || memcmp(rep, f->first, 19) < 0)
		memcpy(f->first, rep, 20);
	if (f->n == 0 || memcmp(rep, f->last, 19) > 0)
		memcpy(f->last, rep, 20);
	fact_count(f, closed, bucket, sat);
	if (v[ip].type != STORE_NULL && refv[ip] >= 0) {
		struct rfact *r;
		/* person id: 24 bits | grid id: 24 | year: 12 */
		key = (uint64_t)refv[ip] << 36 | (uint64_t)refv[ig] << 12 | (uint64_t)(year & 0xFFF);
		idx = factmap_get(&c->rmap, key, (uint32_t)c->nrfacts, &added);
		if (idx < 0)
			return -1;
		if (added) {
			if (c->nrfacts == c->rfacts_cap) {
				size_t cap = c->rfacts_cap ? c->rfacts_cap * 2 : 4096;
				struct rfact *p = realloc(c->rfacts, cap * sizeof *p);
				if (!p)
					return -1;
				c->rfacts = p;
				c->rfacts_cap = cap;
			}
			memset(&c->rfacts[c->nrfacts], 0, sizeof c->rfacts[0]);
			c->rfacts[c->nrfacts].key = key;
			c->nrfacts++;
		}
		r = &c->rfacts[idx];
		r->n++;
		r->closed += closed;
	}
	return 0;
}

/* Binds the measures of f from column col on; returns the next column. */
static int bind_measures(struct store_stmt *st, int col, const struct fact *f)
{
	int k, rated = 0;
	int64_t cum;

	store_bind_int(st, col++, f->n);
	store_bind_int(st, col++, f->closed);
	for (k = 0, cum = 0; k < NBUCKET; k++)
		store_bind_int(st, col++, cum += f->h[k]);
	for (k = 0, cum = 0; k < NBUCKET; k++)
		store_bind_int(st, col++, cum += f->a[k]);
	for (k = 0; k < 5; k++)
		rated += f->s[k];
	store_bind_int(st, col++, rated);
	for (k = 0; k < 5; k++)
		store_bind_int(st, col++, f->s[k]);
	return col;
}

#define MEASURE_MARKS "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?"

/* The level of level_index's number, NULL for 0 (none). */
static const char *level_name(int k)
{
	return k > 0 && k <= SCHEMA_NLEVELS ? schema_levels[k - 1] : NULL;
}

/* Writes the facts gathered while loading events. */
static int facts_write(struct ctx *c, struct diag *d)
{
	struct store_stmt *st = NULL;
	size_t i;
	int rc = -1, k;

	if (store_prepare(c->s, "INSERT INTO event_facts VALUES(?,?,?,?," MEASURE_MARKS ")", &st, d) < 0)
		return -1;
	for (i = 0; i < c->nfacts; i++) {
		const struct fact *f = &c->facts[i];
		long src = (long)(f->key & 0xFFFF);
		store_reset(st);
		store_bind_text(st, 1, c->unit_code[f->key >> 36], -1);
		store_bind_int(st, 2, (int64_t)(f->key >> 24 & 0xFFF));
		store_bind_text(st, 3, level_name((int)(f->key >> 16 & 7)), -1);
		store_bind_text(st, 4, src ? c->source_name[src - 1] : NULL, -1);
		bind_measures(st, 5, f);
		if (store_step(st, d) != STORE_DONE)
			goto done;
	}
	store_finalize(st);
	st = NULL;
	if (store_prepare(c->s, "INSERT INTO month_facts VALUES(?,?,?,?," MEASURE_MARKS ",?,?)", &st, d) < 0)
		return -1;
	for (i = 0; i < c->nmfacts; i++) {
		const struct fact *f = &c->mfacts[i];
		long src = (long)(f->key & 0xFFFF);
		store_reset(st);
		store_bind_int(st, 1, (int64_t)(f->key >> 24 & 0xFFF));
		store_bind_int(st, 2, (int64_t)(f->key >> 20 & 0xF));
		store_bind_text(st, 3, level_name((int)(f->key >> 16 & 7)), -1);
		store_bind_text(st, 4, src ? c->source_name[src - 1] : NULL, -1);
		k = bind_measures(st, 5, f);
		store_bind_text(st, k++, f->first, 19);
		store_bind_text(st, k, f->last, 19);
		if (store_step(st, d) != STORE_DONE)
			goto done;
	}
	store_finalize(st);
	st = NULL;
	if (store_prepare(c->s, "INSERT INTO reporter_facts VALUES(?1,?2,?3,?4,?5)", &st, d) < 0)
		return -1;
	for (i = 0; i < c->nrfacts; i++) {
		const struct rfact *r = &c->rfacts[i];
		store_reset(st);
		store_bind_text(st, 1, c->person_code[r->key >> 36], -1);
		store_bind_text(st, 2, c->unit_code[r->key >> 12 & 0xFFFFFF], -1);
		store_bind_int(st, 3, (int64_t)(r->key & 0xFFF));
		store_bind_int(st, 4, r->n);
		store_bind_int(st, 5, r->closed);
		if (store_step(st, d) != STORE_DONE)
			goto done;
	}
	rc = 0;
done:
	store_finalize(st);
	return rc;
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


/* ---- the writer thread ----
 * While a file loads, one thread reads and checks records and another does
 * the SQLite work (inserts, rejects, extras, event facts), so the two halves
 * run on two cores. The reader serialises each checked row into a batch;
 * batches alternate between the two threads (double buffering). Only the
 * writer touches the store while a file loads. */

enum { OP_ROW = 1, OP_REJECT, OP_EXTRA };
#define BATCH_BYTES ((size_t)1 << 20)

struct wq {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct buf b[2];
	int full[2];     /* batch i waits for the writer */
	int cur;         /* batch the reader fills */
	int done;        /* the reader is finished */
	int failed;      /* the writer met an error (err) */
	int started;
	struct diag err;
	struct ctx *c;
	struct load *l;
	/* writer-side scratch */
	struct val v[32];
	long refv[32];
	struct buf reason;
};

static void put_u32(struct buf *b, uint32_t x)
{
	buf_append(b, &x, sizeof x);
}

static void put_i64(struct buf *b, int64_t x)
{
	buf_append(b, &x, sizeof x);
}

/* A string: its length (UINT32_MAX for NULL) and bytes. */
static void put_str(struct buf *b, const char *s, size_t n)
{
	put_u32(b, s ? (uint32_t)n : UINT32_MAX);
	if (s)
		buf_append(b, s, n);
}

struct rd {
	const char *p, *end;
};

static uint32_t get_u32(struct rd *r)
{
	uint32_t x;

	memcpy(&x, r->p, sizeof x);
	r->p += sizeof x;
	return x;
}

static int64_t get_i64(struct rd *r)
{
	int64_t x;

	memcpy(&x, r->p, sizeof x);
	r->p += sizeof x;
	return x;
}

static const char *get_str(struct rd *r, size_t *n)
{
	uint32_t len = get_u32(r);
	const char *s;

	if (len == UINT32_MAX) {
		*n = 0;
		return NULL;
	}
	s = r->p;
	r->p += len;
	*n = len;
	return s;
}

static int w_reject(struct wq *q, int64_t line, int64_t col, const char *colname, size_t cn,
		    const char *reason, size_t rn, const char *raw, size_t rawn)
{
	struct load *l = q->l;
	struct store_stmt *st = l->rej;

	l->rejected++;
	store_reset(st);
	store_bind_text(st, 1, l->file, -1);
	store_bind_int(st, 2, line);
	if (col > 0)
		store_bind_int(st, 3, col);
	store_bind_text(st, 4, colname, (int)cn);
	store_bind_text(st, 5, reason, (int)rn);
	store_bind_text(st, 6, raw, (int)rawn);
	return store_step(st, &q->err) == STORE_DONE ? 0 : -1;
}

/* Carries out one batch of operations. */
static int w_batch(struct wq *q, const struct buf *b)
{
	struct load *l = q->l;
	struct rd r = {b->data, b->data + b->len};
	size_t i, n, rawn, cn, rn;
	const char *raw, *cname, *reason;

	while (r.p < r.end) {
		int op = (unsigned char)*r.p++;
		int64_t line = get_i64(&r);
		if (op == OP_REJECT) {
			int64_t col = get_i64(&r);
			cname = get_str(&r, &cn);
			reason = get_str(&r, &rn);
			raw = get_str(&r, &rawn);
			if (w_reject(q, line, col, cname, cn, reason, rn, raw, rawn) < 0)
				return -1;
			continue;
		}
		if (op == OP_EXTRA) {
			cname = get_str(&r, &cn);
			reason = get_str(&r, &rn);
			store_reset(l->ext);
			store_bind_text(l->ext, 1, l->file, -1);
			store_bind_int(l->ext, 2, line);
			store_bind_text(l->ext, 3, cname, (int)cn);
			store_bind_text(l->ext, 4, reason, (int)rn);
			if (store_step(l->ext, &q->err) != STORE_DONE)
				return -1;
			continue;
		}
		/* OP_ROW */
		raw = get_str(&r, &rawn);
		store_reset(l->ins);
		for (i = 0; i < l->t->ncols; i++) {
			struct val *v = &q->v[i];
			v->type = (unsigned char)*r.p++;
			v->present = v->type != STORE_NULL;
			q->refv[i] = (long)get_i64(&r);
			switch (v->type) {
			case STORE_INT:
				v->i = get_i64(&r);
				store_bind_int(l->ins, (int)i + 1, v->i);
				break;
			case STORE_REAL:
				memcpy(&v->r, r.p, sizeof v->r);
				r.p += sizeof v->r;
				store_bind_double(l->ins, (int)i + 1, v->r);
				break;
			case STORE_TEXT:
				v->s = get_str(&r, &n);
				v->n = n;
				store_bind_text_static(l->ins, (int)i + 1, v->s, (int)v->n);
				break;
			default:
				store_bind_null(l->ins, (int)i + 1);
			}
		}
		switch (store_step(l->ins, &q->err)) {
		case STORE_DONE:
			l->loaded++;
			if (l->kind == T_EVENTS && facts_add(q->c, l->ev_cols, q->v, q->refv) < 0) {
				diag_set(&q->err, "内存不足");
				return -1;
			}
			break;
		case STORE_CONSTRAINT: {
			int idcol = l->kind == T_CHECKS ? -1 : 0;
			buf_reset(&q->reason);
			if (idcol < 0) {
				buf_puts(&q->reason, "同一企业、社区、季度、考评项目的记录重复");
			} else {
				buf_puts(&q->reason, l->headers[0]);
				buf_putc(&q->reason, ' ');
				quote_value(&q->reason, q->v[0].s, q->v[0].n);
				buf_puts(&q->reason, " 编号重复");
			}
			if (w_reject(q, line, idcol < 0 ? 0 : l->colmap[0] + 1,
				     idcol < 0 ? NULL : l->headers[0], idcol < 0 ? 0 : strlen(l->headers[0]),
				     q->reason.data, q->reason.len, raw, rawn) < 0)
				return -1;
			break;
		}
		default:
			return -1;
		}
	}
	return 0;
}

static void *w_main(void *arg)
{
	struct wq *q = arg;
	int i;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		if (q->full[0] && q->full[1])
			i = q->cur; /* the older: the reader waits to refill it */
		else if (q->full[0] || q->full[1])
			i = q->full[0] ? 0 : 1;
		else if (q->done)
			break;
		else {
			pthread_cond_wait(&q->cv, &q->mu);
			continue;
		}
		pthread_mutex_unlock(&q->mu);
		if (!q->failed && w_batch(q, &q->b[i]) < 0)
			q->failed = 1;
		pthread_mutex_lock(&q->mu);
		buf_reset(&q->b[i]);
		q->full[i] = 0;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static int wq_start(struct wq *q, struct ctx *c, struct load *l)
{
	memset(q, 0, sizeof *q);
	q->c = c;
	q->l = l;
	buf_init(&q->b[0], 0);
	buf_init(&q->b[1], 0);
	buf_init(&q->reason, 0);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->cv, NULL);
	if (pthread_create(&q->th, NULL, w_main, q) != 0)
		return -1;
	q->started = 1;
	return 0;
}

/* Hands the current batch to the writer when it is big enough (or force). */
static int wq_flush(struct wq *q, int force)
{
	int i = q->cur;

	if (q->b[i].failed)
		return diag_set(&q->err, "内存不足"), q->failed = 1, -1;
	if (!force && q->b[i].len < BATCH_BYTES)
		return 0;
	if (q->b[i].len == 0)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->full[i] = 1;
	q->cur = 1 - i;
	pthread_cond_broadcast(&q->cv);
	while (q->full[q->cur])
		pthread_cond_wait(&q->cv, &q->mu);
	pthread_mutex_unlock(&q->mu);
	return q->failed ? -1 : 0;
}

/* Ends the writer; returns -1 (d filled) if it failed. */
static int wq_finish(struct wq *q, struct diag *d)
{
	int rc = 0;

	if (!q->started)
		return 0;
	wq_flush(q, 1);
	pthread_mutex_lock(&q->mu);
	q->done = 1;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->th, NULL);
	q->started = 0;
	if (q->failed) {
		*d = q->err;
		rc = -1;
	}
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->cv);
	buf_release(&q->b[0]);
	buf_release(&q->b[1]);
	buf_release(&q->reason);
	return rc;
}

static int q_reject(struct wq *q, struct load *l, const struct csv_record *r)
{
	struct buf *b = &q->b[q->cur];

	buf_putc(b, OP_REJECT);
	put_i64(b, r->line);
	put_i64(b, l->reject_col);
	put_str(b, l->reject_colname, l->reject_colname ? strlen(l->reject_colname) : 0);
	put_str(b, l->reason.data ? l->reason.data : "", l->reason.len);
	put_str(b, r->raw, r->rawlen);
	return wq_flush(q, 0);
}

static int q_extras(struct wq *q, struct load *l, const struct csv_record *r)
{
	struct buf *b = &q->b[q->cur];
	size_t i;

	for (i = 0; i < l->nextra; i++) {
		int fc = l->extra_cols[i];
		if ((size_t)fc >= r->nfields || r->lens[fc] == 0)
			continue;
		buf_putc(b, OP_EXTRA);
		put_i64(b, r->line);
		put_str(b, l->extra_names[i], strlen(l->extra_names[i]));
		put_str(b, r->fields[fc], r->lens[fc]);
	}
	return 0;
}

static int q_row(struct wq *q, struct load *l, const struct csv_record *r)
{
	struct buf *b = &q->b[q->cur];
	size_t i;

	buf_putc(b, OP_ROW);
	put_i64(b, r->line);
	put_str(b, r->raw, r->rawlen);
	for (i = 0; i < l->t->ncols; i++) {
		const struct val *v = &l->v[i];
		buf_putc(b, (char)v->type);
		put_i64(b, l->refv[i]);
		switch (v->type) {
		case STORE_INT: put_i64(b, v->i); break;
		case STORE_REAL: buf_append(b, &v->r, sizeof v->r); break;
		case STORE_TEXT: put_str(b, v->s, v->n); break;
		default: break;
		}
	}
	if (l->nextra)
		q_extras(q, l, r);
	return wq_flush(q, 0);
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
	struct wq q;
	enum tkind kind = table_kind(t->name);
	int is_units = kind == T_UNITS;
	int is_people = kind == T_PEOPLE;
	int is_companies = kind == T_COMPANIES;
	unsigned long long total = file_size(path);
	int got, rc = -1;

	memset(&l, 0, sizeof l);
	memset(&up, 0, sizeof up);
	memset(&q, 0, sizeof q);
	buf_init(&unknown, 0);
	buf_init(&l.reason, 0);
	l.s = c->s;
	l.t = t;
	l.kind = kind;
	if (kind == T_EVENTS) {
		static const char *ev[7] = {"grid", "reported_at", "closed_at", "level", "source",
					    "reporter", "satisfaction"};
		int k;
		for (k = 0; k < 7; k++)
			l.ev_cols[k] = col_index(t, ev[k]);
	}
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
	/* Exports often put a title row (or a few) above the header: skip rows
	 * in which no column name is recognised, up to five. */
	{
		long skipped = 0, first = rec.line;
		while (got == 1 && skipped < 5 && header_matches(t, &rec) == 0) {
			got = csvread_next(rd, &rec, d);
			skipped++;
		}
		if (got < 0)
			goto done;
		if (got == 0 || header_matches(t, &rec) == 0) {
			diag_at(d, path, first, 0, "找不到表头：前 %ld 行中没有可识别的列名（如 %s 或 %s）",
				skipped + (got == 1), t->cols[0].name, t->cols[0].label);
			goto done;
		}
		if (skipped)
			warn(c, "%s：表头在第 %ld 行，已跳过其上方的 %ld 行标题", file, rec.line, skipped);
	}
	if (map_header(c, &l, &rec, &unknown, d) < 0 || prepare(&l, d) < 0)
		goto done;
	if (unknown.len)
		warn(c, "%s 有未识别的列（已另存，不参与计算）：%s", file, unknown.data);
	up.parent_col = is_units && l.colmap[col_index(t, "parent")] >= 0
				? l.colmap[col_index(t, "parent")] + 1 : 0;
	if (wq_start(&q, c, &l) < 0) {
		diag_set(d, "无法启动写入线程");
		goto done;
	}
	while ((got = csvread_next(rd, &rec, d)) == 1) {
		int ck;
		if (all_empty(&rec))
			continue;
		l.read++;
		memset(l.refv, 0, sizeof l.refv);
		ck = check_record(c, &l, &rec);
		if (ck == 0 && is_units) {
			ck = units_add(&up, &l, &rec);
			if (ck == -2) {
				diag_set(d, "内存不足");
				goto done;
			}
			if (ck == 0 && l.nextra)
				q_extras(&q, &l, &rec);
		} else if (ck == 0) {
			/* Codes that later files refer to are known as soon as checked;
			 * a duplicate the writer rejects was known already. */
			if (is_companies && set_put(&c->companies, l.v[0].s, l.v[0].n, 0) < 0) {
				diag_set(d, "内存不足");
				goto done;
			}
			if (is_people) {
				long id = add_code(&c->person_code, &c->nperson, &c->person_cap, l.v[0].s,
						   l.v[0].n);
				if (id < 0 || id >= (1L << 24) ||
				    set_put(&c->people, l.v[0].s, l.v[0].n, (uint32_t)id) < 0) {
					diag_set(d, "内存不足");
					goto done;
				}
			}
			if (q_row(&q, &l, &rec) < 0)
				break;
			if (c->h && c->h->progress && (l.read & 0xffff) == 0)
				c->h->progress(file, l.read, csvread_offset(rd), total, 0, c->h->arg);
			continue;
		}
		if (ck < 0 && q_reject(&q, &l, &rec) < 0)
			break;
		if (c->h && c->h->progress && (l.read & 0xffff) == 0)
			c->h->progress(file, l.read, csvread_offset(rd), total, 0, c->h->arg);
	}
	if (wq_finish(&q, d) < 0)
		goto done;
	if (got < 0)
		goto done;
	if (is_units && units_finish(c, &l, &up, d) < 0)
		goto done;
	if (c->h && c->h->progress)
		c->h->progress(file, l.read, total, total, 1, c->h->arg);
	{
		/* Say which file was read when it is not the canonical name
		 * (a Chinese file name, or a gzip-compressed export). */
		const char *base = strrchr(path, '/');
		char from[4200];
		base = base ? base + 1 : path;
		snprintf(from, sizeof from, "读自 %s", base);
		if (record_file(c->s, file, "loaded", csvread_encoding(rd), &l, unknown.data,
				strcmp(base, file) ? from : NULL, seq, d) < 0)
			goto done;
	}
	if (l.rejected)
		warn(c, "%s：读取 %ld 行，载入 %ld 行，拒绝 %ld 行（原因见 rejects.csv）", file, l.read,
		     l.loaded, l.rejected);
	{
		size_t k;
		for (k = 0; k < t->ncols; k++)
			if (l.unchecked[k])
				warn(c, "%s：%ld 行的“%s”未核对，因为没有提供 %s", file, l.unchecked[k],
				     l.headers[k], t->cols[k].ref == REF_PERSON ? "people.csv（人员）"
										: "companies.csv（物业企业）");
	}
	tot->rows_read += l.read;
	tot->rows_loaded += l.loaded;
	tot->rows_rejected += l.rejected;
	rc = 0;
done:
	if (q.started) {
		struct diag ignored;
		wq_finish(&q, &ignored);
	}
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
 * case-insensitively, or the same gzip-compressed (".csv.gz"). Returns 1 and fills path, or 0. */
static int find_file(const char *dir, const struct schema_table *t, char **names, size_t nnames,
		     char *path, size_t cap, const char **base)
{
	char a[128], b[128], az[128], bz[128];
	size_t i;

	snprintf(a, sizeof a, "%s.csv", t->name);
	snprintf(b, sizeof b, "%s.csv", t->label);
	snprintf(az, sizeof az, "%s.csv.gz", t->name);
	snprintf(bz, sizeof bz, "%s.csv.gz", t->label);
	for (i = 0; i < nnames; i++)
		if (strcasecmp(names[i], a) == 0 || strcmp(names[i], b) == 0 ||
		    strcasecmp(names[i], az) == 0 || strcmp(names[i], bz) == 0) {
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
	if (nnames)
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
			warn(&c, "未找到 %s（%s）：%s", want, t->label,
			     t->when_absent ? t->when_absent : "依赖它的考核项将跳过");
			if (record_file(s, want, "absent", NULL, NULL, NULL, "文件不存在", (int)i, d) < 0)
				goto done;
			continue;
		}
		for (size_t k = 0; k < nnames; k++)
			if (names[k] == base)
				used[k] = 1;
		tot->files_found++;
		if (strcmp(t->name, "people") == 0)
			c.have_people = 1;
		if (strcmp(t->name, "companies") == 0)
			c.have_companies = 1;
		if (load_file(&c, t, path, want, (int)i, tot, d) < 0)
			goto done;
		if (strcmp(t->name, "events") == 0 && facts_write(&c, d) < 0)
			goto done;
	}
	for (i = 0; i < nnames; i++)
		if (!used[i] && ((strlen(names[i]) > 4 &&
				  strcasecmp(names[i] + strlen(names[i]) - 4, ".csv") == 0) ||
				 (strlen(names[i]) > 7 &&
				  strcasecmp(names[i] + strlen(names[i]) - 7, ".csv.gz") == 0)))
			warn(&c, "未识别的文件 %s：不属于交换格式，未读取", names[i]);
	if (tot->files_found == 0) {
		diag_at(d, dir, 0, 0, "输入目录中没有交换格式的 CSV 文件（如 units.csv、events.csv，"
				     "或中文文件名 组织单元.csv、网格事件.csv）");
		goto done;
	}
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
	set_free(&c.sources);
	for (i = 0; i < c.nunit; i++)
		free(c.unit_code[i]);
	for (i = 0; i < c.nperson; i++)
		free(c.person_code[i]);
	for (i = 0; i < c.nsource; i++)
		free(c.source_name[i]);
	free(c.unit_code);
	free(c.person_code);
	free(c.source_name);
	factmap_free(&c.fmap);
	factmap_free(&c.rmap);
	factmap_free(&c.mmap);
	free(c.mfacts);
	free(c.facts);
	free(c.rfacts);
	buf_release(&c.msg);
	return rc;
}
