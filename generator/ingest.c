/* ingest.c - reads each file of the exchange format with csvread, checks
 * every field against schema.c, and loads rows into the store; rejected rows
 * go to the rejects table with their reason and raw text. References are
 * checked against in-memory sets of the codes loaded so far (files load in
 * dependency order); units are resolved after their whole file, so a parent
 * defined further down is fine. */
#include "ingest.h"

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

#include "buf.h"
#include "csvread.h"
#include "field.h"
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

	while (t->keys[i] &&
	       !(t->hashes[i] == h && t->lens[i] == n && memcmp(t->keys[i], k, n) == 0))
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

static const char *level_cn(int lv)
{
	static const char *names[] = {"", "区县", "街道", "社区", "网格"};
	return lv >= 1 && lv <= 4 ? names[lv] : "";
}

_Static_assert((int)FIELD_NULL == (int)STORE_NULL && (int)FIELD_INT == (int)STORE_INT &&
		       (int)FIELD_REAL == (int)STORE_REAL && (int)FIELD_TEXT == (int)STORE_TEXT,
	       "field value types are the store's");

/* One file being loaded. */
enum tkind {
	T_OTHER,
	T_UNITS,
	T_PEOPLE,
	T_COMPANIES,
	T_BRANCHES,
	T_EVENTS,
	T_WISHES,
	T_CHECKS,
	T_TARGETED
};

struct load {
	struct store *s;
	const struct schema_table *t;
	enum tkind kind;
	const char *file; /* base name in the input folder, e.g. 网格事件-1月.csv */
	const char *path;
	int fileidx;	      /* index of the file in ctx.inputs */
	const char *encoding; /* as the reader names it */
	int colmap[64];	      /* schema column -> file column, or -1 */
	char *headers[64];    /* header text of each schema column as in the file */
	size_t nfilecols;
	int *extra_cols; /* file columns not in the schema */
	size_t nextra;
	char **extra_names;
	struct field_val v[32];
	long refv[32];	    /* id of a checked reference, per column (-1 unchecked) */
	long unchecked[32]; /* references not checked: their file is absent */
	int ev_cols[7];	    /* events: grid, reported_at, closed_at, level, source,
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

#define NBUCKET 8
static const long bucket_hours[NBUCKET] = {24, 48, 72, 120, 168, 240, 360, 720};

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

/* ---- where each row came from ----
 * When a table comes in several files, a row's unique key (its id; for
 * property_checks the four key columns) is hashed to 64 bits and mapped to
 * the file and line that loaded it, so a duplicate, in the same file or in
 * another file of the table, names the first place. Reset for each table;
 * not kept for a table of one file (16 bytes a row). */

struct seen {
	uint64_t *keys; /* 0: empty */
	uint64_t *vals; /* file index << 40 | line */
	size_t cap, n;
};

static void seen_free(struct seen *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* FNV-1a over the key parts, each followed by a unit separator. */
static uint64_t key_hash(const struct field_val *v, int nparts)
{
	uint64_t h = 14695981039346656037ULL;
	int k;
	size_t i;

	for (k = 0; k < nparts; k++) {
		for (i = 0; i < v[k].n; i++) {
			h ^= (unsigned char)v[k].s[i];
			h *= 1099511628211ULL;
		}
		h ^= 0x1F;
		h *= 1099511628211ULL;
	}
	return h ? h : 1;
}

/* The place stored for key, or 0 if none. */
static uint64_t seen_get(const struct seen *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return 0;
	i = mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return m->keys[i] ? m->vals[i] : 0;
}

/* Stores the place of key unless it has one; -1 when out of memory. */
static int seen_put(struct seen *m, uint64_t key, uint64_t val)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct seen g;
		size_t j;
		g.cap = m->cap ? m->cap * 2 : 4096;
		g.n = m->n;
		g.keys = calloc(g.cap, sizeof *g.keys);
		g.vals = calloc(g.cap, sizeof *g.vals);
		if (!g.keys || !g.vals) {
			free(g.keys);
			free(g.vals);
			return -1;
		}
		for (j = 0; j < m->cap; j++)
			if (m->keys[j]) {
				size_t k = mix(m->keys[j]) & (g.cap - 1);
				while (g.keys[k])
					k = (k + 1) & (g.cap - 1);
				g.keys[k] = m->keys[j];
				g.vals[k] = m->vals[j];
			}
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	i = mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	if (!m->keys[i]) {
		m->keys[i] = key;
		m->vals[i] = val;
		m->n++;
	}
	return 0;
}

static uint64_t place(int fileidx, long line)
{
	return (uint64_t)fileidx << 40 | ((uint64_t)line & 0xFFFFFFFFFFULL);
}

/* A file of the input folder and the table it was taken for. */
struct input {
	char *name;	  /* base name */
	char *path;	  /* folder/name */
	int table;	  /* index in schema_tables, -1 when not read */
	long header_line; /* the line its header was found on, 0 if not found */
};

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
	long end_year; /* memo of the period end of end_year */
	char end_text[24];
	int64_t end_epoch;
	struct rfact *rfacts;
	size_t nfacts, facts_cap, nrfacts, rfacts_cap;
	/* The files of the input folder and where the rows of the table being
	 * loaded came from (see struct seen). */
	struct input *inputs;
	size_t ninputs;
	struct seen seen;
	int track; /* the table has several files: fill seen (memory per row) */
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
static int fail_col(struct load *l, int ci, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
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
	struct field_val *v = &l->v[ci];
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
			return fail_col(l, ci, "不是%s（是%s）", ref_name(ref),
					level_cn((int)(got & 7)));
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
	default: return 0;
	}
}

/* Parses and checks column ci of record r into l->v[ci]. */
static int parse_col(struct ctx *c, struct load *l, const struct csv_record *r, int ci)
{
	const struct schema_col *col = &l->t->cols[ci];
	const char *s;
	size_t n;
	char why[512];

	field(r, l, ci, &s, &n);
	if (field_check(l->t, col, s, n, &l->v[ci], why, sizeof why) < 0)
		return fail_col(l, ci, "%s", why);
	if (l->v[ci].present && col->ref != REF_NONE && col->ref != REF_TARGET &&
	    col->ref != REF_PARENT)
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
	struct field_val *va = &l->v[ia], *vb = &l->v[ib];
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
		return check_order(l, "reported_at", "closed_at",
				   l->headers[col_at(l, "reported_at")]);
	case T_WISHES:
		if (check_order(l, "published_at", "claimed_at",
				l->headers[col_at(l, "published_at")]) < 0 ||
		    check_order(l, "published_at", "completed_at",
				l->headers[col_at(l, "published_at")]) < 0 ||
		    check_order(l, "claimed_at", "completed_at",
				l->headers[col_at(l, "claimed_at")]) < 0)
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
	default: return 0;
	}
}

static enum tkind table_kind(const char *name)
{
	static const struct {
		const char *name;
		enum tkind kind;
	} k[] = {{"units", T_UNITS},
		 {"people", T_PEOPLE},
		 {"companies", T_COMPANIES},
		 {"branches", T_BRANCHES},
		 {"events", T_EVENTS},
		 {"wishes", T_WISHES},
		 {"property_checks", T_CHECKS},
		 {"evaluations", T_TARGETED},
		 {"incidents", T_TARGETED}};
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
static int resolve_unit(struct units_pending *up, const struct strset *known, size_t i,
			struct buf *tmp)
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
		buf_printf(tmp, "上级编码 为必填项：%s须填写上一级单元", level_cn(u->level));
		unit_reject(u, tmp);
		return 0;
	}
	j = set_get(&up->idx, u->parent, strlen(u->parent));
	got = j < 0 ? set_get(known, u->parent, strlen(u->parent)) : -1;
	if (got >= 0 && (got & 7) == u->level - 1) {
		/* A parent loaded from an earlier file of the units table. */
		u->state = 1;
		return 1;
	}
	if (got >= 0) {
		buf_printf(tmp, "上级编码 \"%s\" 层级不符：%s的上级应为%s，而它是%s", u->parent,
			   level_cn(u->level), level_cn(u->level - 1), level_cn((int)(got & 7)));
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
			   level_cn(u->level), level_cn(u->level - 1), level_cn(up->u[j].level));
		unit_reject(u, tmp);
		return 0;
	}
	u->state = 3;
	if (!resolve_unit(up, known, (size_t)j, tmp)) {
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
static int units_add(struct ctx *c, struct units_pending *up, struct load *l,
		     const struct csv_record *r)
{
	struct pending_unit *u;
	long j;
	uint64_t at;
	int ic = col_index(l->t, "code"), in = col_index(l->t, "name");
	int il = col_index(l->t, "level"), ip = col_index(l->t, "parent");
	int ih = col_index(l->t, "households"), ipop = col_index(l->t, "population");

	j = set_get(&up->idx, l->v[ic].s, l->v[ic].n);
	if (j >= 0)
		return fail_col(l, ic, "编号重复（首次出现在 %s 第 %ld 行）", l->file,
				up->u[j].line);
	at = seen_get(&c->seen, key_hash(&l->v[ic], 1));
	if (at && (size_t)(at >> 40) < c->ninputs)
		return fail_col(l, ic, "编号重复（首次出现在 %s 第 %ld 行）",
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
		if (resolve_unit(up, &c->units, i, &tmp)) {
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
			long id = add_code(&c->unit_code, &c->nunit, &c->unit_cap, u->code,
					   strlen(u->code));
			struct field_val key = {.s = u->code, .n = strlen(u->code)};
			if (id < 0 || id >= (1L << 24) ||
			    set_put(&c->units, u->code, strlen(u->code),
				    (uint32_t)(id << 3 | u->level)) < 0 ||
			    (c->track && seen_put(&c->seen, key_hash(&key, 1),
						  place(l->fileidx, u->line)) < 0)) {
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
static int map_header(struct ctx *c, struct load *l, const struct csv_record *r,
		      struct buf *unknown, struct diag *d)
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
	if (store_prepare(l->s,
			  "INSERT INTO rejects(file,line,col,column_name,reason,raw)"
			  " VALUES(?1,?2,?3,?4,?5,?6)",
			  &l->rej, d) < 0)
		return -1;
	return store_prepare(l->s,
			     "INSERT INTO extras(file,line,column_name,value) VALUES(?1,?2,?3,?4)",
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
		return strncmp(l->encoding, "UTF-16", 6) == 0
			       ? fail_col(l, -1, "含有无效字节：不是有效的 %s 编码", l->encoding)
			       : fail_col(l, -1,
					  "含有无效字节：既不是有效的 UTF-8 编码，"
					  "也不是有效的 GB18030 编码");
	for (i = 0; i < r->nfields; i++)
		if (memchr(r->fields[i], '\0', r->lens[i]))
			return fail_col(l, -1,
					"第 %zu 个字段含有空字符（NUL 字节），文件可能已损坏",
					i + 1);
	if (r->nfields < l->nfilecols ||
	    (r->nfields > l->nfilecols && !extra_fields_empty(r, l->nfilecols)))
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
	static const char *lv[] = {"网格", "社区", "街道", "部门", "区级"};
	int i;

	for (i = 0; i < 5; i++)
		if (strlen(lv[i]) == n && memcmp(lv[i], s, n) == 0)
			return i + 1;
	return 0;
}

/* The fact for key in map/array, created empty if absent; NULL on out of memory. */
static struct fact *fact_at(struct factmap *map, struct fact **arr, size_t *n, size_t *cap,
			    uint64_t key)
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

	while (k < NBUCKET && dt > bucket_hours[k] * 3600)
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
static int facts_add(struct ctx *c, const int *ec, const struct field_val *v, const long *refv)
{
	int ig = ec[0], ir = ec[1], ic = ec[2], il = ec[3], is = ec[4], ip = ec[5], isat = ec[6];
	const char *rep = v[ir].s;
	long year =
		(rep[0] - '0') * 1000 + (rep[1] - '0') * 100 + (rep[2] - '0') * 10 + (rep[3] - '0');
	long month = (rep[5] - '0') * 10 + (rep[6] - '0');
	int64_t t_rep = epoch_of(rep), dt;
	int closed = 0, added, bucket;
	long src = 0, idx, lv = 0, sat = 0;
	uint64_t key;
	struct fact *f;

	if (year != c->end_year) {
		snprintf(c->end_text, sizeof c->end_text, "%04ld-01-01 00:00:00",
			 (year + 1) % 10000);
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
	key = (uint64_t)(year & 0xFFF) << 24 | (uint64_t)month << 20 | (uint64_t)lv << 16 |
	      (uint64_t)src;
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
		key = (uint64_t)refv[ip] << 36 | (uint64_t)refv[ig] << 12 |
		      (uint64_t)(year & 0xFFF);
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

/* Writes the facts gathered while loading events. */
static int facts_write(struct ctx *c, struct diag *d)
{
	static const char *lv[] = {NULL, "网格", "社区", "街道", "部门", "区级"};
	struct store_stmt *st = NULL;
	size_t i;
	int rc = -1, k;

	if (store_prepare(c->s, "INSERT INTO event_facts VALUES(?,?,?,?," MEASURE_MARKS ")", &st,
			  d) < 0)
		return -1;
	for (i = 0; i < c->nfacts; i++) {
		const struct fact *f = &c->facts[i];
		long src = (long)(f->key & 0xFFFF);
		store_reset(st);
		store_bind_text(st, 1, c->unit_code[f->key >> 36], -1);
		store_bind_int(st, 2, (int64_t)(f->key >> 24 & 0xFFF));
		store_bind_text(st, 3, lv[f->key >> 16 & 7], -1);
		store_bind_text(st, 4, src ? c->source_name[src - 1] : NULL, -1);
		bind_measures(st, 5, f);
		if (store_step(st, d) != STORE_DONE)
			goto done;
	}
	store_finalize(st);
	st = NULL;
	if (store_prepare(c->s, "INSERT INTO month_facts VALUES(?,?,?,?," MEASURE_MARKS ",?,?)",
			  &st, d) < 0)
		return -1;
	for (i = 0; i < c->nmfacts; i++) {
		const struct fact *f = &c->mfacts[i];
		long src = (long)(f->key & 0xFFFF);
		store_reset(st);
		store_bind_int(st, 1, (int64_t)(f->key >> 24 & 0xFFF));
		store_bind_int(st, 2, (int64_t)(f->key >> 20 & 0xF));
		store_bind_text(st, 3, lv[f->key >> 16 & 7], -1);
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

	if (store_prepare(s,
			  "INSERT OR REPLACE INTO ingest_files(file,status,encoding,rows_read,"
			  "rows_loaded,rows_rejected,unknown_columns,message,seq)"
			  " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			  &st, d) < 0)
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
	int full[2]; /* batch i waits for the writer */
	int cur;     /* batch the reader fills */
	int done;    /* the reader is finished */
	int failed;  /* the writer met an error (err) */
	int started;
	struct diag err;
	struct ctx *c;
	struct load *l;
	/* writer-side scratch */
	struct field_val v[32];
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

/* The same with each NUL byte written as U+FFFD: a NUL is never stored. */
static void put_str_nonul(struct buf *b, const char *s, size_t n)
{
	size_t i, nul = 0;

	for (i = 0; i < n; i++)
		nul += s[i] == '\0';
	if (!nul) {
		put_str(b, s, n);
		return;
	}
	put_u32(b, (uint32_t)(n + 2 * nul));
	for (i = 0; i < n; i++)
		if (s[i])
			buf_putc(b, s[i]);
		else
			buf_append(b, "\xEF\xBF\xBD", 3);
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
			struct field_val *v = &q->v[i];
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
			default: store_bind_null(l->ins, (int)i + 1);
			}
		}
		switch (store_step(l->ins, &q->err)) {
		case STORE_DONE:
			l->loaded++;
			if (q->c->track &&
			    seen_put(&q->c->seen, key_hash(q->v, l->kind == T_CHECKS ? 4 : 1),
				     place(l->fileidx, (long)line)) < 0) {
				diag_set(&q->err, "内存不足");
				return -1;
			}
			if (l->kind == T_EVENTS && facts_add(q->c, l->ev_cols, q->v, q->refv) < 0) {
				diag_set(&q->err, "内存不足");
				return -1;
			}
			break;
		case STORE_CONSTRAINT: {
			int idcol = l->kind == T_CHECKS ? -1 : 0;
			uint64_t at =
				seen_get(&q->c->seen, key_hash(q->v, l->kind == T_CHECKS ? 4 : 1));
			buf_reset(&q->reason);
			if (idcol < 0) {
				buf_puts(&q->reason, "同一企业、社区、季度、考评项目的记录重复");
			} else {
				buf_puts(&q->reason, l->headers[0]);
				buf_putc(&q->reason, ' ');
				quote_value(&q->reason, q->v[0].s, q->v[0].n);
				buf_puts(&q->reason, " 编号重复");
			}
			if (at && (size_t)(at >> 40) < q->c->ninputs)
				buf_printf(&q->reason, "（首次出现在 %s 第 %ld 行）",
					   q->c->inputs[at >> 40].name,
					   (long)(at & 0xFFFFFFFFFFULL));
			if (w_reject(q, line, idcol < 0 ? 0 : l->colmap[0] + 1,
				     idcol < 0 ? NULL : l->headers[0],
				     idcol < 0 ? 0 : strlen(l->headers[0]), q->reason.data,
				     q->reason.len, raw, rawn) < 0)
				return -1;
			break;
		}
		default: return -1;
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
	put_str_nonul(b, r->raw, r->rawlen);
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
		const struct field_val *v = &l->v[i];
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

/* ---- the seam where a file of the input is read ----
 * Every reader yields struct csv_record (fields as UTF-8, line, raw text);
 * csvread reads .csv and .csv.gz. Another reader (a spreadsheet's sheets)
 * plugs in here and in input_name. */

struct source {
	struct csvread *csv;
};

/* Whether a file of the input folder is one kaoping reads, by its name. */
static int input_name(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcasecmp(name + n - 4, ".csv") == 0) ||
	       (n > 7 && strcasecmp(name + n - 7, ".csv.gz") == 0);
}

static int source_open(struct source *src, const char *path, struct diag *d)
{
	return csvread_open(&src->csv, path, d);
}

static int source_next(struct source *src, struct csv_record *rec, struct diag *d)
{
	return csvread_next(src->csv, rec, d);
}

static void source_close(struct source *src)
{
	csvread_close(src->csv);
	src->csv = NULL;
}

static const char *source_encoding(const struct source *src)
{
	return csvread_encoding(src->csv);
}

static unsigned long long source_offset(const struct source *src)
{
	return csvread_offset(src->csv);
}

/* Lines converted from the other encoding, and invisible characters removed. */
static unsigned long source_other_lines(const struct source *src, const char **other)
{
	return csvread_other_lines(src->csv, other);
}

static unsigned long source_stripped(const struct source *src)
{
	return csvread_stripped(src->csv);
}

/* Loads one file; returns 0 or -1 (fatal, d set). */
static int load_file(struct ctx *c, const struct schema_table *t, int fileidx, int seq,
		     struct ingest_totals *tot, struct diag *d)
{
	const struct input *in = &c->inputs[fileidx];
	const char *path = in->path, *file = in->name;
	struct load l;
	struct source rd = {NULL};
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
		static const char *ev[7] = {"grid",   "reported_at", "closed_at",   "level",
					    "source", "reporter",    "satisfaction"};
		int k;
		for (k = 0; k < 7; k++)
			l.ev_cols[k] = col_index(t, ev[k]);
	}
	l.file = file;
	l.path = path;
	l.fileidx = fileidx;
	if (source_open(&rd, path, d) < 0)
		goto done;
	l.encoding = source_encoding(&rd);
	got = source_next(&rd, &rec, d);
	if (got < 0)
		goto done;
	if (got == 0) {
		warn(c, "%s 是空文件（没有表头）：%s的数据为空", file, t->label);
		rc = record_file(c->s, file, "empty", source_encoding(&rd), &l, NULL, "空文件", seq,
				 d);
		goto done;
	}
	/* Exports often put a title row (or a few) above the header: skip rows
	 * in which no column name is recognised, up to five. */
	{
		long skipped = 0, first = rec.line;
		while (got == 1 && skipped < 5 &&
		       (in->header_line ? rec.line < in->header_line
					: header_matches(t, &rec) == 0)) {
			got = source_next(&rd, &rec, d);
			skipped++;
		}
		if (got < 0)
			goto done;
		if (got == 0 || header_matches(t, &rec) == 0) {
			diag_at(d, path, first, 0,
				"找不到表头：前 %ld 行中没有可识别的列名（如 %s 或 %s）",
				skipped + (got == 1), t->cols[0].name, t->cols[0].label);
			goto done;
		}
		if (skipped)
			warn(c, "%s：表头在第 %ld 行，已跳过其上方的 %ld 行标题", file, rec.line,
			     skipped);
	}
	if (map_header(c, &l, &rec, &unknown, d) < 0 || prepare(&l, d) < 0)
		goto done;
	if (unknown.len)
		warn(c, "%s 有未识别的列（已另存，不参与计算）：%s", file, unknown.data);
	up.parent_col = is_units && l.colmap[col_index(t, "parent")] >= 0
				? l.colmap[col_index(t, "parent")] + 1
				: 0;
	if (wq_start(&q, c, &l) < 0) {
		diag_set(d, "无法启动写入线程");
		goto done;
	}
	while ((got = source_next(&rd, &rec, d)) == 1) {
		int ck;
		if (all_empty(&rec))
			continue;
		l.read++;
		memset(l.refv, 0, sizeof l.refv);
		ck = check_record(c, &l, &rec);
		if (ck == 0 && is_units) {
			ck = units_add(c, &up, &l, &rec);
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
				long id = add_code(&c->person_code, &c->nperson, &c->person_cap,
						   l.v[0].s, l.v[0].n);
				if (id < 0 || id >= (1L << 24) ||
				    set_put(&c->people, l.v[0].s, l.v[0].n, (uint32_t)id) < 0) {
					diag_set(d, "内存不足");
					goto done;
				}
			}
			if (q_row(&q, &l, &rec) < 0)
				break;
			if (c->h && c->h->progress && (l.read & 0xffff) == 0)
				c->h->progress(file, l.read, source_offset(&rd), total, 0,
					       c->h->arg);
			continue;
		}
		if (ck < 0 && q_reject(&q, &l, &rec) < 0)
			break;
		if (c->h && c->h->progress && (l.read & 0xffff) == 0)
			c->h->progress(file, l.read, source_offset(&rd), total, 0, c->h->arg);
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
		/* Say which table a file was taken for when its name is not the
		 * table's own (a Chinese name, a month's export, a .gz). */
		char as[256], own[128];
		snprintf(as, sizeof as, "作为 %s.csv（%s）读取", t->name, t->label);
		snprintf(own, sizeof own, "%s.csv", t->name);
		if (record_file(c->s, file, "loaded", source_encoding(&rd), &l, unknown.data,
				strcmp(file, own) != 0 ? as : NULL, seq, d) < 0)
			goto done;
	}
	{
		const char *other = NULL;
		unsigned long n = source_other_lines(&rd, &other);
		if (n)
			warn(c, "%s：有 %lu 行为 %s 编码（与文件其余部分不同），已逐行转换", file,
			     n, other);
		n = source_stripped(&rd);
		if (n)
			warn(c, "%s：已从文本中删除 %lu 个控制字符或双向文本控制符（如 U+202E）",
			     file, n);
	}
	if (l.rejected)
		warn(c, "%s：读取 %ld 行，载入 %ld 行，拒绝 %ld 行（原因见 rejects.csv）", file,
		     l.read, l.loaded, l.rejected);
	{
		size_t k;
		for (k = 0; k < t->ncols; k++)
			if (l.unchecked[k])
				warn(c, "%s：%ld 行的“%s”未核对，因为没有提供 %s", file,
				     l.unchecked[k], l.headers[k],
				     t->cols[k].ref == REF_PERSON ? "people.csv（人员）"
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
	source_close(&rd);
	return rc;
}

/* The table a file's name names: its base name without ".csv"/".csv.gz"
 * equal to a table's name (any case) or Chinese label, or, unless exact,
 * containing one (网格事件-1月.csv). -1 if none. */
static int table_by_name(const char *name, int exact)
{
	char base[256];
	size_t n, i;
	int pass;

	snprintf(base, sizeof base, "%s", name);
	n = strlen(base);
	if (n > 3 && strcasecmp(base + n - 3, ".gz") == 0)
		base[n -= 3] = '\0';
	if (n > 4 && strcasecmp(base + n - 4, ".csv") == 0)
		base[n -= 4] = '\0';
	for (i = 0; i < n; i++)
		if (base[i] >= 'A' && base[i] <= 'Z')
			base[i] = (char)(base[i] + 32);
	for (pass = 0; pass < (exact ? 1 : 2); pass++)
		for (i = 0; i < schema_ntables; i++) {
			const struct schema_table *t = &schema_tables[i];
			if (pass == 0 &&
			    (strcasecmp(base, t->name) == 0 || strcmp(base, t->label) == 0))
				return (int)i;
			if (pass == 1 && (strstr(base, t->name) || strstr(base, t->label)))
				return (int)i;
		}
	return -1;
}

/* How many columns of table t the header record names, or -1 when it lacks
 * one of t's required columns. */
static int header_score(const struct schema_table *t, const struct csv_record *r)
{
	unsigned char seen[64] = {0};
	size_t j;
	int n = 0;

	for (j = 0; j < r->nfields; j++) {
		int ci = schema_match(t, r->fields[j], r->lens[j]);
		if (ci >= 0 && ci < 64 && !seen[ci]) {
			seen[ci] = 1;
			n++;
		}
	}
	for (j = 0; j < t->ncols && j < 64; j++)
		if ((t->cols[j].flags & COL_REQUIRED) && !seen[j])
			return -1;
	return n;
}

/* The header's fields for a message: "a、b、c" (at most 12, each cut). */
static void list_fields(struct buf *b, const struct csv_record *r)
{
	size_t j, shown = 0;

	for (j = 0; j < r->nfields; j++) {
		const char *h = r->fields[j];
		size_t n = r->lens[j];
		parse_trim(&h, &n);
		if (!n)
			continue;
		if (shown == 12) {
			buf_puts(b, "…");
			break;
		}
		if (shown++)
			buf_puts(b, "、");
		quote_value(b, h, n);
	}
	if (!shown)
		buf_puts(b, "（空）");
}

/* Decides the table of a file by its header: the record, among the first
 * six, with all the required columns of some table, taken for the table of
 * which it names the most columns; the file's name breaks a tie. Without
 * such a record a file named after a table is taken for it (its load then
 * says what is missing); any other is left unread with a warning. Fails
 * when two tables fit equally and the name does not choose. */
static int classify(struct ctx *c, struct input *in, struct diag *d)
{
	struct source src = {NULL};
	struct csv_record rec;
	struct buf hdr;
	int got = 0, rc = -1, k, by_name = table_by_name(in->name, 0), most = 0;
	size_t i;

	buf_init(&hdr, 0);
	in->table = -1;
	in->header_line = 0;
	if (source_open(&src, in->path, d) < 0)
		goto done;
	for (k = 0; k < 6 && (got = source_next(&src, &rec, d)) == 1; k++) {
		int best = -1, best_n = 0, ties = 0, alt = -1, any = 0;
		for (i = 0; i < schema_ntables; i++) {
			int n = header_score(&schema_tables[i], &rec);
			if (n < 0)
				continue;
			if (n > best_n) {
				best = (int)i;
				best_n = n;
				ties = 0;
			} else if (n == best_n && n > 0) {
				ties++;
				if (alt < 0 || (int)i == by_name)
					alt = (int)i;
				if (best != by_name && (int)i == by_name) {
					alt = best;
					best = (int)i;
				}
			}
		}
		for (i = 0; i < schema_ntables; i++)
			any += header_matches(&schema_tables[i], &rec);
		if (any > most || hdr.len == 0) {
			most = any > most ? any : most;
			buf_reset(&hdr);
			list_fields(&hdr, &rec);
		}
		if (best < 0)
			continue;
		if (ties && best != by_name) {
			diag_at(d, in->path, rec.line, 0,
				"无法确定文件属于哪张表：表头同样符合 %s.csv（%s）和 %s.csv（%s）；"
				"表头为 %s。请把文件改名为其中一张表的文件名",
				schema_tables[best].name, schema_tables[best].label,
				schema_tables[alt].name, schema_tables[alt].label, hdr.data);
			goto done;
		}
		in->table = best;
		in->header_line = rec.line;
		rc = 0;
		goto done;
	}
	if (got < 0)
		goto done;
	in->table = table_by_name(in->name, 0);
	if (in->table < 0)
		warn(c, "未识别的文件 %s：表头不含任何一张表的全部必填列，未读取（表头为 %s）",
		     in->name, hdr.len ? hdr.data : "（空）");
	rc = 0;
done:
	buf_release(&hdr);
	source_close(&src);
	return rc;
}

/* Whether an entry of the input folder may be read: a regular file, or a
 * symbolic link to one inside the folder. Nothing outside the folder is
 * opened, so nothing of it can reach the data-quality page or rejects. */
static int input_check(const char *dir_real, const char *path, struct diag *d)
{
	struct stat sb;
	size_t n = strlen(dir_real);

	if (lstat(path, &sb) < 0)
		return diag_at(d, path, 0, 0, "无法读取文件：%s", strerror(errno));
	if (S_ISLNK(sb.st_mode)) {
		char *real = realpath(path, NULL);
		int inside = real && strncmp(real, dir_real, n) == 0 &&
			     (real[n] == '/' || (n == 1 && dir_real[0] == '/'));
		free(real);
		if (!inside)
			return diag_at(d, path, 0, 0,
				       "是指向输入目录之外的符号链接，拒绝读取"
				       "（请把文件本身复制到输入目录）");
		if (stat(path, &sb) < 0)
			return diag_at(d, path, 0, 0, "无法读取文件：%s", strerror(errno));
	}
	if (!S_ISREG(sb.st_mode))
		return diag_at(d, path, 0, 0, "不是普通文件（%s），拒绝读取",
			       csvread_kind(sb.st_mode));
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the files of dir that kaoping reads, sorted by name, each checked
 * (input_check) and taken for a table (classify). */
static int list_inputs(struct ctx *c, const char *dir, struct diag *d)
{
	DIR *dh = NULL;
	struct dirent *e;
	char **names = NULL, *dir_real = NULL;
	size_t nnames = 0, cap = 0, i;
	int rc = -1;

	dh = opendir(dir);
	if (!dh)
		return diag_at(d, dir, 0, 0, "无法打开输入目录");
	dir_real = realpath(dir, NULL);
	if (!dir_real) {
		diag_at(d, dir, 0, 0, "无法打开输入目录：%s", strerror(errno));
		goto done;
	}
	while ((e = readdir(dh)) != NULL) {
		if (e->d_name[0] == '.' || !input_name(e->d_name))
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
	c->inputs = calloc(nnames ? nnames : 1, sizeof *c->inputs);
	if (!c->inputs)
		goto oom;
	for (i = 0; i < nnames; i++) {
		struct input *in = &c->inputs[c->ninputs++];
		struct buf p;
		in->name = names[i];
		names[i] = NULL;
		in->table = -1;
		buf_init(&p, 0);
		buf_printf(&p, "%s/%s", dir, in->name);
		in->path = buf_steal(&p);
		if (!in->path)
			goto oom;
		if (input_check(dir_real, in->path, d) < 0 || classify(c, in, d) < 0)
			goto done;
	}
	rc = 0;
	goto done;
oom:
	diag_set(d, "内存不足");
done:
	if (dh)
		closedir(dh);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(dir_real);
	return rc;
}

int ingest_run(struct store *s, const char *dir, const struct ingest_hooks *h,
	       struct ingest_totals *tot, struct diag *d)
{
	struct ctx c;
	size_t i, k;
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(tot, 0, sizeof *tot);
	c.s = s;
	c.h = h;
	if (list_inputs(&c, dir, d) < 0)
		goto done;
	if (store_exec(s,
		       "CREATE TABLE IF NOT EXISTS extras(file TEXT, line INTEGER,"
		       " column_name TEXT, value TEXT);",
		       d) < 0 ||
	    store_bulk_mode(s, d) < 0 || store_begin(s, d) < 0)
		goto done;
	for (i = 0; i < schema_ntables; i++) {
		const struct schema_table *t = &schema_tables[i];
		char want[128];
		int nfiles = 0;
		snprintf(want, sizeof want, "%s.csv", t->name);
		for (k = 0; k < c.ninputs; k++)
			nfiles += c.inputs[k].table == (int)i;
		if (!nfiles) {
			tot->files_absent++;
			warn(&c, "未找到 %s（%s）：依赖它的考核项将跳过", want, t->label);
			if (record_file(s, want, "absent", NULL, NULL, NULL, "文件不存在",
					(int)i * 1000, d) < 0)
				goto done;
			continue;
		}
		if (strcmp(t->name, "people") == 0)
			c.have_people = 1;
		if (strcmp(t->name, "companies") == 0)
			c.have_companies = 1;
		/* Keys of the rows of this table: duplicates across its files. */
		seen_free(&c.seen);
		c.track = nfiles > 1;
		nfiles = 0;
		for (k = 0; k < c.ninputs; k++) {
			if (c.inputs[k].table != (int)i)
				continue;
			tot->files_found++;
			if (load_file(&c, t, (int)k, (int)i * 1000 + nfiles++, tot, d) < 0)
				goto done;
		}
		if (strcmp(t->name, "events") == 0 && facts_write(&c, d) < 0)
			goto done;
	}
	if (tot->files_found == 0) {
		diag_at(d, dir, 0, 0,
			"输入目录中没有交换格式的 CSV 文件（如 units.csv、events.csv，"
			"或中文文件名 组织单元.csv、网格事件.csv）");
		goto done;
	}
	if (store_exec(s, "INSERT OR REPLACE INTO meta(key,value) VALUES('schema_version','1');",
		       d) < 0)
		goto done;
	if (store_create_indexes(s, d) < 0 || store_commit(s, d) < 0)
		goto done;
	if (store_exec(s, "PRAGMA analysis_limit=400; ANALYZE;", d) < 0)
		goto done;
	rc = 0;
done:
	if (rc < 0)
		store_rollback(s);
	for (i = 0; i < c.ninputs; i++) {
		free(c.inputs[i].name);
		free(c.inputs[i].path);
	}
	free(c.inputs);
	seen_free(&c.seen);
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
