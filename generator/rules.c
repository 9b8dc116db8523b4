/* rules.c - the scoring engine: one sandboxed Lua 5.4 state per rule file.
 * The sandbox is an allow-listed global table, text-only chunks, a count hook
 * for the instruction budget and a capped allocator; SQL goes through a
 * read-only store connection with a progress budget. Results (score cards and
 * emitted rows) live in an engine arena until every rule has succeeded, then
 * go to the database in one transaction. The API is in rules/README.md. */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "pattern.h"
#include "schema.h"

#define HOOK_EVERY	   1000	     /* Lua instructions between count-hook calls */
#define SQL_PROGRESS_EVERY 10000     /* SQLite VM steps between progress calls */
#define RULE_FILE_MAX	   (1 << 20) /* a rule file larger than this is refused */
#define ARENA_CHUNK	   65536
#define TRACE_LEVELS	   12		/* stack levels the message handler looks at */
#define KP_REG		   "kaoping.kp" /* registry: the kp table behind its proxy */
#define COMMON_RULE	   "common.lua" /* parameters shared by the assessments */

static long long instr_budget = RULES_INSTR_BUDGET;
static long long sql_budget = RULES_SQL_BUDGET;
static size_t mem_cap = RULES_MEM_CAP;

void rules_set_limits(long long instr, long long sql_steps, size_t mem)
{
	instr_budget = instr > 0 ? instr : RULES_INSTR_BUDGET;
	sql_budget = sql_steps > 0 ? sql_steps : RULES_SQL_BUDGET;
	mem_cap = mem > 0 ? mem : RULES_MEM_CAP;
}

/* ---- result tables the rules may emit to -------------------------------- */

enum { RT_TEXT, RT_INT, RT_REAL };

struct rcol {
	const char *name;
	int type;
	unsigned char required; /* NOT NULL: must be given */
	unsigned char pk;	/* part of the primary key */
	unsigned char zero;	/* absent means 0 (NOT NULL DEFAULT 0) */
};

struct rtable {
	const char *name;
	const struct rcol *cols;
	int ncols;
};

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
static const struct rcol settings_cols[] = {
	{"key", RT_TEXT, 1, 1, 0},
	{"value", RT_TEXT, 1, 0, 0},
};

/* clang-format off */
#define RT(n) {#n, n##_cols, (int)(sizeof n##_cols / sizeof n##_cols[0])}
/* clang-format on */
static const struct rtable rtables[] = {
	RT(grid_tiers), RT(community_ranking), RT(community_stars), RT(redblack),
	RT(points),	RT(report_units),      RT(settings),
};
#define NRTABLES ((int)(sizeof rtables / sizeof rtables[0]))

/* Input tables a rule may ask about with kp.has / kp.need. */
static const char *const input_tables[][2] = {
	{"units", "组织单元"},	   {"companies", "物业企业"},
	{"people", "人员"},	   {"branches", "党组织"},
	{"events", "网格事件"},	   {"services", "志愿服务"},
	{"wishes", "微心愿"},	   {"visits", "敲门走访"},
	{"evaluations", "评价"},   {"property_checks", "物业考评"},
	{"complaints", "投诉"},	   {"projects", "共建项目"},
	{"incidents", "重大事项"},
};
#define NINPUT ((int)(sizeof input_tables / sizeof input_tables[0]))

/* Where the data years come from: table, date column. */
static const char *const year_sources[][2] = {
	{"event_facts", "year"}, {"services", "date"},	       {"wishes", "published_at"},
	{"visits", "date"},	 {"evaluations", "date"},      {"complaints", "date"},
	{"incidents", "date"},	 {"projects", "completed_at"}, {"property_checks", "quarter"},
};
#define NYEARSRC ((int)(sizeof year_sources / sizeof year_sources[0]))

/* Globals that rules may not have: reading one is an error that says why. */
static const char *const forbidden[] = {
	"io",		"os",	   "package",	     "debug",	  "load",	"loadfile",
	"dofile",	"require", "collectgarbage", "coroutine", "loadstring", "setmetatable",
	"getmetatable", "rawset",  "xpcall",	     "module",	  "setfenv",	"getfenv",
	NULL,
};

/* ---- engine state ------------------------------------------------------- */

struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};

struct sment {
	const char *k; /* not owned: must outlive the map */
	size_t n;
	uint32_t h;
	long v;
};

struct smap {
	struct sment *t;
	size_t cap, cnt;
};

struct item {
	const char *item, *inputs, *reason, *rule; /* interned */
	long long pts;				   /* hundredths */
	struct item *next;
};

struct entry {
	const char *entity;
	long long total; /* hundredths */
	struct item *head, *tail;
	int published;
};

struct pub {
	const char *assessment, *entity, *kind, *name, *result;
	long long total;
	struct item *head;
};

struct value {
	int type; /* RT_* or -1 for NULL */
	long long i;
	double r;
	const char *s;
};

struct row {
	const struct rtable *t;
	const char *where;
	struct value v[];
};

struct card {
	struct engine *e;
	const char *name;
	struct entry *v;
	size_t n, cap;
	struct smap idx; /* entity -> index in v */
};

struct yrange {
	int lo, hi;
};

struct engine {
	lua_State *L;
	struct store *ro;
	size_t used, cap;   /* bytes: Lua state + arena + vectors */
	long long instr;    /* Lua instructions in this file */
	long long sqlsteps; /* SQLite VM steps in this file */
	double patsteps;    /* bound on pattern-matching steps in this file */
	int fatal;	    /* budget or memory exhausted: pcall may not catch it */
	int oom;	    /* a LUA_ERRMEM was seen */
	char chunk[256];    /* the rule's display name, e.g. "rules/01_grid.lua" */
	char last_src[256]; /* last location seen by the count hook */
	long last_line;
	char common_path[4096]; /* the rules dir's common.lua, or "" */
	char common_chunk[256];
	char oom_src[256]; /* where the allocator last refused memory */
	long oom_line;
	char err_src[256]; /* location found by the message handler */
	long err_line;
	char trace[512]; /* rule frames of the error's stack, "a:1 ← b:2" */
	int ntrace;
	int trace_cut; /* the stack goes on below the frames in trace */
	int year, prev_year;
	struct yrange years[NYEARSRC];
	int nyears;
	struct arena *arena;
	struct smap strings; /* interned strings */
	struct smap keys;    /* published entities, emitted primary keys */
	struct pub *pubs;
	size_t npubs, cappubs;
	struct row **rows;
	size_t nrows, caprows;
	void (*warn)(const char *msg, void *arg);
	void *warn_arg;
};

static struct engine *eng(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

/* ---- counted memory ----------------------------------------------------- */

static int over_cap(struct engine *e, size_t more)
{
	return e->used > e->cap || more > e->cap - e->used;
}

/* Remembers the rule line that asked for memory over the cap: Lua raises a
 * memory error without calling the message handler, and by the time
 * lua_pcall returns the stack is gone. Only reads the call stack (no
 * allocation); the innermost Lua function within a few levels. */
static void note_oom_site(struct engine *e)
{
	lua_Debug ar;
	int level;

	if (!e->L)
		return;
	for (level = 0; level < TRACE_LEVELS && lua_getstack(e->L, level, &ar); level++) {
		if (lua_getinfo(e->L, "Sl", &ar) && ar.currentline > 0) {
			snprintf(e->oom_src, sizeof e->oom_src, "%s", ar.short_src);
			e->oom_line = ar.currentline;
			return;
		}
	}
}

/* The Lua allocator: refuses to grow past the cap. */
static void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct engine *e = ud;
	size_t old = ptr ? osize : 0;
	void *p;

	if (nsize == 0) {
		free(ptr);
		e->used -= old;
		return NULL;
	}
	if (nsize > old && over_cap(e, nsize - old)) {
		note_oom_site(e);
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	e->used = e->used - old + nsize;
	return p;
}

/* Engine-side allocations count against the same cap; NULL when refused. */
static void *eng_realloc(struct engine *e, void *p, size_t old, size_t n)
{
	void *q;

	if (n > old && over_cap(e, n - old))
		return NULL;
	q = realloc(p, n);
	if (!q)
		return NULL;
	e->used = e->used - old + n;
	return q;
}

static void eng_free(struct engine *e, void *p, size_t n)
{
	if (p) {
		free(p);
		e->used -= n;
	}
}

static void *arena_alloc(struct engine *e, size_t n)
{
	struct arena *a = e->arena;
	size_t cap;

	n = (n + 7) & ~(size_t)7;
	if (!a || a->cap - a->used < n) {
		cap = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		a = eng_realloc(e, NULL, 0, sizeof *a + cap);
		if (!a)
			return NULL;
		a->used = 0;
		a->cap = cap;
		a->next = e->arena;
		e->arena = a;
	}
	a->used += n;
	return a->data + a->used - n;
}

static void arena_free(struct engine *e)
{
	while (e->arena) {
		struct arena *a = e->arena;
		e->arena = a->next;
		eng_free(e, a, sizeof *a + a->cap);
	}
}

/* Raises the memory error from a C function of the API. */
static int oom_error(lua_State *L)
{
	struct engine *e = eng(L);
	e->fatal = 1;
	return luaL_error(L, "规则结果超出内存上限（%d MiB）", (int)(e->cap >> 20));
}

/* ---- string map --------------------------------------------------------- */

static uint32_t hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct sment *smap_find(struct smap *m, const char *k, size_t n, uint32_t h)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct sment *s = &m->t[i];
		if (!s->k)
			return s;
		if (s->h == h && s->n == n && memcmp(s->k, k, n) == 0)
			return s;
	}
}

static long smap_get(struct smap *m, const char *k, size_t n)
{
	struct sment *s = smap_find(m, k, n, hash(k, n));
	return s && s->k ? s->v : -1;
}

/* Inserts or replaces; k must outlive the map. 0 ok, -1 out of memory. */
static int smap_put(struct engine *e, struct smap *m, const char *k, size_t n, long v)
{
	uint32_t h = hash(k, n);
	struct sment *s;

	if ((m->cnt + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64, ocap = m->cap, i;
		struct sment *old = m->t, *t = eng_realloc(e, NULL, 0, ncap * sizeof *t);
		if (!t)
			return -1;
		memset(t, 0, ncap * sizeof *t);
		/* smap_find probes with m->cap: the new size before re-inserting. */
		m->t = t;
		m->cap = ncap;
		for (i = 0; i < ocap; i++)
			if (old[i].k)
				*smap_find(m, old[i].k, old[i].n, old[i].h) = old[i];
		eng_free(e, old, ocap * sizeof *old);
	}
	s = smap_find(m, k, n, h);
	if (!s->k) {
		s->k = k;
		s->n = n;
		s->h = h;
		m->cnt++;
	}
	s->v = v;
	return 0;
}

static void smap_release(struct engine *e, struct smap *m)
{
	eng_free(e, m->t, m->cap * sizeof *m->t);
	m->t = NULL;
	m->cap = m->cnt = 0;
}

/* Returns an arena copy of s shared by every equal string (raises on OOM). */
static const char *intern(lua_State *L, const char *s, size_t n)
{
	struct engine *e = eng(L);
	struct sment *f = smap_find(&e->strings, s, n, hash(s, n));
	char *p;

	if (f && f->k)
		return f->k;
	p = arena_alloc(e, n + 1);
	if (!p)
		oom_error(L);
	memcpy(p, s, n);
	p[n] = '\0';
	if (smap_put(e, &e->strings, p, n, 0) < 0)
		oom_error(L);
	return p;
}

/* ---- rounding (GB/T 8170) ----------------------------------------------- */

static const double pow10tab[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

long long rules_round_scaled(double x, int nd)
{
	double s = x * pow10tab[nd], fl = floor(s), diff = s - fl;
	double tol = 1e-9 * (fabs(s) > 1 ? fabs(s) : 1);

	if (fabs(diff - 0.5) <= tol) /* a tie as written: to the even neighbour */
		return (long long)(fmod(fl, 2) == 0 ? fl : fl + 1);
	return (long long)floor(s + 0.5);
}

/* Formats a scaled integer with nd decimals, exactly. */
static void fmt_scaled(char *out, size_t sz, long long v, int nd)
{
	long long p = (long long)pow10tab[nd];
	unsigned long long a = v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;

	if (nd == 0)
		snprintf(out, sz, "%s%llu", v < 0 ? "-" : "", a);
	else
		snprintf(out, sz, "%s%llu.%0*llu", v < 0 ? "-" : "", a / (unsigned long long)p, nd,
			 a % (unsigned long long)p);
}

/* Checks a number for rounding: finite and small enough to scale exactly. */
static long long check_round(lua_State *L, int idx, int nd, const char *what)
{
	double x = luaL_checknumber(L, idx);

	if (!isfinite(x))
		luaL_error(L, "%s：数值不是有限数（%f）", what, x);
	if (fabs(x) * pow10tab[nd] > 9.0e15)
		luaL_error(L, "%s：数值过大（%g）", what, x);
	return rules_round_scaled(x, nd);
}

static int check_digits(lua_State *L, int idx, int dflt)
{
	lua_Integer nd = luaL_optinteger(L, idx, dflt);
	if (nd < 0 || nd > 6)
		luaL_argerror(L, idx, "小数位数应在 0..6 之间");
	return (int)nd;
}

/* A Lua type in words, for messages to the people who edit rules. */
static const char *tname(int t)
{
	switch (t) {
	case LUA_TNIL: return "空值";
	case LUA_TBOOLEAN: return "布尔值";
	case LUA_TNUMBER: return "数值";
	case LUA_TSTRING: return "文本";
	case LUA_TTABLE: return "表";
	case LUA_TFUNCTION: return "函数";
	default: return "其他类型";
	}
}

/* ---- locations ---------------------------------------------------------- */

/* The rule location "file:line" of the Lua function at `level`. */
static const char *where(lua_State *L, int level)
{
	struct engine *e = eng(L);
	lua_Debug ar;
	char loc[320];

	if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
		const char *src = strcmp(ar.short_src, e->chunk) == 0 ? e->chunk : ar.short_src;
		snprintf(loc, sizeof loc, "%s:%d", src, ar.currentline);
	} else {
		snprintf(loc, sizeof loc, "%s", e->chunk);
	}
	return intern(L, loc, strlen(loc));
}

static void warnf(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warnf(struct engine *e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!e->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e->warn(msg, e->warn_arg);
}

/* ---- the sandbox -------------------------------------------------------- */

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct engine *e = eng(L);
	lua_Debug probe;

	e->instr += HOOK_EVERY;
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
		snprintf(e->last_src, sizeof e->last_src, "%s", ar->short_src);
		e->last_line = ar->currentline;
	}
	if (e->instr > instr_budget || e->fatal) {
		e->fatal = 1;
		lua_pushfstring(L, "%s:%d: 规则超出指令预算（%I 条指令），已停止", e->last_src,
				(int)e->last_line, (LUAI_UACINT)instr_budget);
		lua_error(L);
	}
	/* Depth: lua_getstack walks at most RULES_DEPTH_MAX levels (a few for a
	 * normal rule). A runaway recursion grows by a few hundred levels between
	 * two calls of this hook, so it stops well before Lua's own limit. */
	if (lua_getstack(L, RULES_DEPTH_MAX, &probe)) {
		e->fatal = 1;
		lua_pushfstring(L,
				"%s:%d: 规则调用层数超过 %d 层，已停止：可能是函数无终止地递归调用",
				e->last_src, (int)e->last_line, RULES_DEPTH_MAX);
		lua_error(L);
	}
}

/* Message handler: remembers where the error was raised and the rule frames.
 * Looks at the top TRACE_LEVELS levels only (lua_getstack is linear in the
 * level: walking a deep stack whole is quadratic), and lists a recursion's
 * repeated frame once. */
static int msgh(lua_State *L)
{
	struct engine *e = eng(L);
	lua_Debug ar;
	int level;
	size_t tl = 0;
	char prev[300] = "", loc[300];

	e->err_src[0] = '\0';
	e->err_line = 0;
	e->trace[0] = '\0';
	e->ntrace = 0;
	e->trace_cut = 0;
	for (level = 1; lua_getstack(L, level, &ar); level++) {
		if (level > TRACE_LEVELS) {
			e->trace_cut = 1;
			break;
		}
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		if (!e->err_src[0]) {
			snprintf(e->err_src, sizeof e->err_src, "%s", ar.short_src);
			e->err_line = ar.currentline;
		}
		snprintf(loc, sizeof loc, "%s:%d", ar.short_src, ar.currentline);
		if (strcmp(loc, prev) == 0)
			continue;
		snprintf(prev, sizeof prev, "%s", loc);
		if (tl + 80 < sizeof e->trace) {
			int n = snprintf(e->trace + tl, sizeof e->trace - tl, "%s%s",
					 e->ntrace ? " ← " : "", loc);
			if (n > 0)
				tl += (size_t)n;
			e->ntrace++;
		} else {
			e->trace_cut = 1;
		}
	}
	if (e->trace_cut && tl + 8 < sizeof e->trace)
		snprintf(e->trace + tl, sizeof e->trace - tl, " ← …");
	if (!lua_isstring(L, 1) || lua_type(L, 1) == LUA_TNUMBER)
		lua_pushfstring(L, "规则抛出了%s类型的错误对象", tname(lua_type(L, 1)));
	return 1;
}

/* pcall for rules: a budget or memory error may not be caught. */
static int kp_pcall(lua_State *L)
{
	struct engine *e = eng(L);
	int status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (status == LUA_ERRMEM) {
		e->oom = 1;
		e->fatal = 1;
	}
	if (status != LUA_OK) {
		if (e->fatal)
			return lua_error(L);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* string.rep that checks the size against the memory cap first. */
static int kp_rep(lua_State *L)
{
	struct engine *e = eng(L);
	size_t l, lsep = 0;
	lua_Integer n;
	double total;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	total = n <= 0 ? 0 : (double)l * (double)n + (double)lsep * (double)(n - 1);
	if (total > (double)(e->cap > e->used ? e->cap - e->used : 0))
		return luaL_error(L, "string.rep：结果 %f 字节，超出规则内存上限（%d MiB）", total,
				  (int)(e->cap >> 20));
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* string.find, match, gmatch and gsub, bounded. Lua's matcher backtracks in
 * C, where the count hook never runs, so one call can hang the run for hours.
 * Rather than a matcher of our own (a second implementation of Lua's pattern
 * language to keep exact), the real one runs, but only after pattern_cost has
 * bounded its work from the pattern and the subject; the bound is charged to
 * the file's pattern budget, and a call whose bound exceeds what is left is
 * refused before it starts. The bound is tight for real patterns (it uses the
 * longest run each quantified class has in the subject), so only patterns
 * that could really explode are refused. Upvalues: the library function, its
 * enum pattern_op, its name. */
static int kp_pattern(lua_State *L)
{
	struct engine *e = eng(L);
	enum pattern_op op = (enum pattern_op)lua_tointeger(L, lua_upvalueindex(2));
	const char *name = lua_tostring(L, lua_upvalueindex(3));
	int find = strcmp(name, "string.find") == 0;
	double left = RULES_PATTERN_BUDGET - e->patsteps;
	struct pattern_bound b;
	lua_Integer init = 1;
	const char *s, *p;
	size_t n, m;

	s = luaL_checklstring(L, 1, &n);
	p = luaL_checklstring(L, 2, &m);
	if (op != PATTERN_GSUB) { /* the start position, as Lua reads it */
		init = luaL_optinteger(L, 3, 1);
		if (init < 0)
			init = (size_t)-init > n ? 1 : (lua_Integer)n + init + 1;
		if (init == 0)
			init = 1;
		if ((size_t)init > n + 1)
			init = (lua_Integer)n + 1;
	}
	if (find && lua_toboolean(L, 4))
		op = PATTERN_PLAIN;
	pattern_cost(op, s + init - 1, n - (size_t)(init - 1), p, m, left, &b);
	if (b.total > left) {
		e->fatal = 1;
		return luaL_error(
			L,
			"%s：模式过于复杂，在 %I 字节的文本中匹配可能超过 %I 步（模式匹配预算），"
			"已停止；请减少模式中 *、+、-、? 的个数或缩短文本",
			name, (LUAI_UACINT)n, (LUAI_UACINT)left);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	/* find stops at its first match: only the start positions before it
	 * were tried (the others are in the bound, not in the work). */
	if (find && lua_isinteger(L, 1)) {
		double tried = (double)(lua_tointeger(L, 1) - init + 1);
		double used = b.scan + tried * (b.per_start + 1);
		if (used < b.total)
			b.total = used;
	}
	e->patsteps += b.total;
	return lua_gettop(L);
}

/* print -> a warning naming the rule line. */
static int kp_print(lua_State *L)
{
	luaL_Buffer b;
	int i, n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	warnf(eng(L), "%s: %s", where(L, 1), lua_tostring(L, -1));
	return 0;
}

static int kp_warn(lua_State *L)
{
	const char *msg = luaL_checkstring(L, 1);
	warnf(eng(L), "%s: %s", where(L, 1), msg);
	return 0;
}

/* __index of the global table: every name a rule reads that is not defined
 * is an error (a misspelt name would read nil and score silently wrong); a
 * forbidden one says why. */
static int global_index(lua_State *L)
{
	const char *k = lua_tostring(L, 2);
	int i;

	if (!k || lua_type(L, 2) != LUA_TSTRING)
		return 0;
	for (i = 0; forbidden[i]; i++)
		if (strcmp(k, forbidden[i]) == 0)
			return luaL_error(L,
					  "规则沙箱中没有“%s”：规则只能通过 kp 读取数据，"
					  "不能访问文件、网络或进程",
					  k);
	return luaL_error(L, "读取了未定义的变量“%s”，请检查拼写", k);
}

/* The libraries reach rules as read-only proxies: an empty table whose
 * metatable reads through to the library (upvalue 1, named by upvalue 2).
 * Writing is an error, so a rule can not change string.format or kp.fmt for
 * the helpers that use them; reading a missing field is an error too. */
static int lib_index(lua_State *L)
{
	static const char *const removed[] = {"string.dump", "math.random", "math.randomseed"};
	char name[128];
	size_t i;

	lua_settop(L, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL || lua_type(L, 2) != LUA_TSTRING)
		return 1; /* past the end of kp.HOURS is nil: ipairs stops there */
	snprintf(name, sizeof name, "%s.%s", lua_tostring(L, lua_upvalueindex(2)),
		 luaL_tolstring(L, 2, NULL));
	if (strcmp(name, "kp.common") == 0)
		return luaL_error(L, "没有“kp.common”：规则目录中没有 %s（各考评共用的参数）",
				  COMMON_RULE);
	for (i = 0; i < sizeof removed / sizeof removed[0]; i++)
		if (strcmp(name, removed[i]) == 0) /* bytecode, and output that differs per run */
			return luaL_error(L, "规则沙箱中没有“%s”", name);
	return luaL_error(L, "没有“%s”：请检查拼写", name);
}

static int lib_newindex(lua_State *L)
{
	const char *t = lua_tostring(L, lua_upvalueindex(2));

	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "不能修改“%s.%s”：string、math、table、utf8 和 kp 是只读的", t,
				  lua_tostring(L, 2));
	return luaL_error(L, "不能修改“%s[%s]”：string、math、table、utf8 和 kp 是只读的", t,
			  luaL_tolstring(L, 2, NULL));
}

static int lib_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

/* __pairs: iterates the library without handing out the table itself. */
static int lib_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, lib_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int lib_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

/* Replaces the table t[field] with a read-only proxy; name is its name in
 * messages ("string", "kp.HOURS"). */
static void lock_table(lua_State *L, int t, const char *field, const char *name)
{
	static const struct {
		const char *event;
		lua_CFunction f;
	} mm[] = {{"__index", lib_index},
		  {"__newindex", lib_newindex},
		  {"__pairs", lib_pairs},
		  {"__len", lib_len}};
	size_t i;

	lua_getfield(L, t, field); /* the table */
	lua_newtable(L);	   /* the proxy */
	lua_newtable(L);	   /* its metatable */
	for (i = 0; i < sizeof mm / sizeof mm[0]; i++) {
		lua_pushvalue(L, -3);
		lua_pushstring(L, name);
		lua_pushcclosure(L, mm[i].f, 2);
		lua_setfield(L, -2, mm[i].event);
	}
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_setfield(L, t, field);
	lua_pop(L, 1);
}

/* ---- kp: data access ---------------------------------------------------- */

struct stmtbox {
	struct store_stmt *st;
};

static int stmtbox_gc(lua_State *L)
{
	struct stmtbox *b = lua_touserdata(L, 1);
	store_finalize(b->st);
	b->st = NULL;
	return 0;
}

static int progress_cb(void *arg)
{
	struct engine *e = arg;
	e->sqlsteps += SQL_PROGRESS_EVERY;
	return e->sqlsteps > sql_budget;
}

/* kp.query(sql, ...) -> array of rows, each a table keyed by column name. */
static int kp_query(lua_State *L)
{
	struct engine *e = eng(L);
	const char *sql = luaL_checkstring(L, 1);
	int nargs = lua_gettop(L) - 1, i, ncols, rc, nrow = 0, names, result;
	struct stmtbox *box;
	struct diag d;

	diag_init(&d);
	box = lua_newuserdatauv(L, sizeof *box, 0);
	box->st = NULL;
	lua_newtable(L); /* metatable of the box */
	lua_pushcfunction(L, stmtbox_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	if (store_prepare(e->ro, sql, &box->st, &d) < 0) {
		if (strstr(d.msg, "not authorized"))
			return luaL_error(L, "SQL 被拒绝：规则只能执行 SELECT 查询（%s）", d.msg);
		return luaL_error(L, "SQL 错误：%s", d.msg);
	}
	if (!store_stmt_readonly(box->st))
		return luaL_error(L, "SQL 被拒绝：规则只能执行 SELECT 查询");
	if (store_bind_count(box->st) != nargs)
		return luaL_error(L, "SQL 有 %d 个参数（?），传入了 %d 个值",
				  store_bind_count(box->st), nargs);
	for (i = 1; i <= nargs; i++) {
		int t = lua_type(L, i + 1), r;
		size_t n;
		const char *s;
		switch (t) {
		case LUA_TNIL: r = store_bind_null(box->st, i); break;
		case LUA_TBOOLEAN: r = store_bind_int(box->st, i, lua_toboolean(L, i + 1)); break;
		case LUA_TNUMBER:
			r = lua_isinteger(L, i + 1)
				    ? store_bind_int(box->st, i, lua_tointeger(L, i + 1))
				    : store_bind_double(box->st, i, lua_tonumber(L, i + 1));
			break;
		case LUA_TSTRING:
			s = lua_tolstring(L, i + 1, &n);
			r = store_bind_text(box->st, i, s, (int)n);
			break;
		default:
			return luaL_error(L, "SQL 第 %d 个参数是%s，只能绑定数值、文本、布尔或 nil",
					  i, luaL_typename(L, i + 1));
		}
		if (r < 0)
			return luaL_error(L, "SQL 第 %d 个参数绑定失败", i);
	}
	ncols = store_ncols(box->st);
	lua_createtable(L, ncols, 0); /* column names */
	names = lua_gettop(L);
	for (i = 0; i < ncols; i++) {
		lua_pushstring(L, store_col_name(box->st, i));
		lua_rawseti(L, names, i + 1);
	}
	lua_newtable(L); /* result */
	result = lua_gettop(L);
	while ((rc = store_step(box->st, &d)) == STORE_ROW) {
		lua_createtable(L, 0, ncols);
		for (i = 0; i < ncols; i++) {
			lua_rawgeti(L, names, i + 1);
			switch (store_col_type(box->st, i)) {
			case STORE_NULL: lua_pop(L, 1); continue;
			case STORE_INT: lua_pushinteger(L, store_col_int(box->st, i)); break;
			case STORE_REAL: lua_pushnumber(L, store_col_double(box->st, i)); break;
			default:
				lua_pushlstring(L, store_col_text(box->st, i),
						(size_t)store_col_bytes(box->st, i));
			}
			lua_rawset(L, -3);
		}
		lua_rawseti(L, result, ++nrow);
	}
	if (rc != STORE_DONE) {
		if (e->sqlsteps > sql_budget) {
			e->fatal = 1;
			return luaL_error(L, "SQL 查询超出预算（%I 步），已中止",
					  (LUAI_UACINT)sql_budget);
		}
		return luaL_error(L, "SQL 执行失败：%s", d.msg);
	}
	store_finalize(box->st);
	box->st = NULL;
	return 1;
}

static int input_index(const char *t)
{
	int i;
	for (i = 0; i < NINPUT; i++)
		if (strcmp(t, input_tables[i][0]) == 0)
			return i;
	return -1;
}

static int has_rows(lua_State *L, int ti)
{
	struct engine *e = eng(L);
	char sql[128];

	snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", input_tables[ti][0]);
	return store_scalar_int(e->ro, sql, 0) == 1;
}

/* kp.has(table) -> whether the input table has rows. */
static int kp_has(lua_State *L)
{
	const char *t = luaL_checkstring(L, 1);
	int ti = input_index(t);

	if (ti < 0)
		return luaL_error(L, "kp.has：未知的输入表“%s”", t);
	lua_pushboolean(L, has_rows(L, ti));
	return 1;
}

/* kp.need(assessment, {tables}) -> true, or warns for each empty one and
 * returns false (the rule then skips its assessment). */
static int kp_need(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_Integer i, n;
	int ok = 1;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = luaL_len(L, 2);
	for (i = 1; i <= n; i++) {
		const char *t;
		int ti;
		lua_geti(L, 2, i);
		t = lua_tostring(L, -1);
		ti = t ? input_index(t) : -1;
		if (ti < 0)
			return luaL_error(L, "kp.need：未知的输入表“%s”", t ? t : "?");
		if (!has_rows(L, ti)) {
			warnf(eng(L), "%s: %s已跳过：没有%s数据（%s.csv 缺失或为空）", where(L, 1),
			      name, input_tables[ti][1], input_tables[ti][0]);
			ok = 0;
		}
		lua_pop(L, 1);
	}
	lua_pushboolean(L, ok);
	return 1;
}

/* kp.period(year) -> "YYYY-01-01", "YYYY+1-01-01": [start, end) for SQL. */
static int kp_period(lua_State *L)
{
	lua_Integer y = luaL_checkinteger(L, 1);

	if (y < 1000 || y > 9998)
		return luaL_error(L, "kp.period：年份 %d 无效", (int)y);
	lua_pushfstring(L, "%d-01-01", (int)y);
	lua_pushfstring(L, "%d-01-01", (int)y + 1);
	return 2;
}

static int kp_has_year(lua_State *L)
{
	struct engine *e = eng(L);
	lua_Integer y = luaL_checkinteger(L, 1);
	int i, ok = 0;

	for (i = 0; i < e->nyears; i++)
		if (y >= e->years[i].lo && y <= e->years[i].hi)
			ok = 1;
	lua_pushboolean(L, ok);
	return 1;
}

static int kp_round(lua_State *L)
{
	int nd = check_digits(L, 2, 2);
	long long v = check_round(L, 1, nd, "kp.round");
	lua_pushnumber(L, (double)v / pow10tab[nd]);
	return 1;
}

static int kp_fmt(lua_State *L)
{
	int nd = check_digits(L, 2, 2);
	long long v = check_round(L, 1, nd, "kp.fmt");
	char out[64];

	fmt_scaled(out, sizeof out, v, nd);
	lua_pushstring(L, out);
	return 1;
}

/* ---- kp: score cards ---------------------------------------------------- */

#define CARD_MT "kp.card"

static struct card *check_card(lua_State *L)
{
	return luaL_checkudata(L, 1, CARD_MT);
}

static int card_gc(lua_State *L)
{
	struct card *c = luaL_checkudata(L, 1, CARD_MT);
	eng_free(c->e, c->v, c->cap * sizeof *c->v);
	c->v = NULL;
	c->n = c->cap = 0;
	smap_release(c->e, &c->idx);
	return 0;
}

/* kp.card(assessment) -> a score card. */
static int kp_card(lua_State *L)
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
static int card_add(lua_State *L)
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

/* card:total(entity) -> the exact sum of the rounded items (0 if none). */
static int card_total(lua_State *L)
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
static int card_publish(lua_State *L)
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

static int kp_emit(lua_State *L)
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

/* ---- state setup -------------------------------------------------------- */

/* Helpers written in Lua; loaded with the kp table as its argument. */
static const char prelude[] =
	"local kp = ...\n"
	"local string, math, table, type, error, ipairs, tostring =\n"
	"  string, math, table, type, error, ipairs, tostring\n"
	"function kp.marks(n)\n"
	"  if math.type(n) ~= 'integer' or n < 0 then error('kp.marks：参数应为非负整数', 2) end\n"
	"  return string.rep('?', n, ',')\n"
	"end\n"
	"function kp.pct(num, den, nd)\n"
	"  if den == nil or den == 0 then return '—' end\n"
	"  return kp.fmt(100 * num / den, nd or 2) .. '%'\n"
	"end\n"
	"function kp.rank(list, opts)\n"
	"  opts = opts or {}\n"
	"  local key, id, field, last = opts.by or 'score', opts.id or 'code', opts.field or "
	"'rank', opts.last\n"
	"  local asc = opts.ascending\n"
	"  for i, x in ipairs(list) do\n"
	"    if type(x[key]) ~= 'number' then\n"
	"      error(('kp.rank：第 %d 项的“%s”不是数值'):format(i, key), 2)\n"
	"    end\n"
	"  end\n"
	"  local function lastof(x) return last ~= nil and x[last] and true or false end\n"
	"  table.sort(list, function(a, b)\n"
	"    local la, lb = lastof(a), lastof(b)\n"
	"    if la ~= lb then return lb end\n"
	"    if a[key] ~= b[key] then\n"
	"      if asc then return a[key] < b[key] else return a[key] > b[key] end\n"
	"    end\n"
	"    return tostring(a[id]) < tostring(b[id])\n"
	"  end)\n"
	"  local r, pk, pl\n"
	"  for i, x in ipairs(list) do\n"
	"    local l = lastof(x)\n"
	"    if i == 1 or x[key] ~= pk or l ~= pl then r = i end\n"
	"    x[field], pk, pl = r, x[key], l\n"
	"  end\n"
	"  return list\n"
	"end\n";

/* Pushes an array of n strings. */
static void push_strings(lua_State *L, const char *const *v, int n)
{
	int i;

	lua_createtable(L, n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

static int setup(lua_State *L)
{
	struct engine *e = eng(L);
	static const char *const base_names[] = {
		"assert",   "error", "ipairs",	 "next",   "pairs",  "select",	 "tonumber",
		"tostring", "type",  "rawequal", "rawget", "rawlen", "_VERSION", NULL,
	};
	static const luaL_Reg kp_funcs[] = {
		{"query", kp_query},
		{"has", kp_has},
		{"need", kp_need},
		{"period", kp_period},
		{"has_year", kp_has_year},
		{"round", kp_round},
		{"fmt", kp_fmt},
		{"card", kp_card},
		{"emit", kp_emit},
		{"warn", kp_warn},
		{NULL, NULL},
	};
	static const luaL_Reg card_methods[] = {
		{"add", card_add},
		{"total", card_total},
		{"publish", card_publish},
		{NULL, NULL},
	};
	static const char *const libs[] = {"string", "math", "table", "utf8", "kp"};
	static const struct {
		const char *name;
		enum pattern_op op;
	} matchers[] = {{"string.find", PATTERN_FIND},
			{"string.match", PATTERN_FIND},
			{"string.gmatch", PATTERN_GMATCH},
			{"string.gsub", PATTERN_GSUB}};
	int i, G, kp;

	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);	     /* base: the source of copies */
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); /* sets the string metatable */
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
	lua_settop(L, 0);

	lua_newtable(L); /* the rules' global table */
	G = lua_gettop(L);
	lua_pushglobaltable(L);
	for (i = 0; base_names[i]; i++) {
		lua_getfield(L, -1, base_names[i]);
		lua_setfield(L, G, base_names[i]);
	}
	lua_pop(L, 1);
	for (i = 0; i < 4; i++) {
		lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
		lua_getfield(L, -1, libs[i]);
		lua_setfield(L, G, libs[i]);
		lua_pop(L, 1);
	}
	/* The string table is also the strings' __index: change it in place. */
	lua_getfield(L, G, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_getfield(L, -1, "rep");
	lua_pushcclosure(L, kp_rep, 1);
	lua_setfield(L, -2, "rep");
	for (i = 0; i < 4; i++) {
		lua_getfield(L, -1, matchers[i].name + 7); /* after "string." */
		lua_pushinteger(L, matchers[i].op);
		lua_pushstring(L, matchers[i].name);
		lua_pushcclosure(L, kp_pattern, 3);
		lua_setfield(L, -2, matchers[i].name + 7);
	}
	lua_pop(L, 1);
	lua_getfield(L, G, "math"); /* randomness would break byte-identical output */
	lua_pushnil(L);
	lua_setfield(L, -2, "random");
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_pushcfunction(L, kp_pcall);
	lua_setfield(L, G, "pcall");
	lua_pushcfunction(L, kp_print);
	lua_setfield(L, G, "print");
	lua_pushvalue(L, G);
	lua_setfield(L, G, "_G");

	if (luaL_newmetatable(L, CARD_MT)) {
		lua_newtable(L);
		luaL_setfuncs(L, card_methods, 0);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, card_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushliteral(L, "kp.card");
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);

	lua_newtable(L); /* kp */
	luaL_setfuncs(L, kp_funcs, 0);
	lua_pushinteger(L, e->year);
	lua_setfield(L, -2, "year");
	lua_pushinteger(L, e->prev_year);
	lua_setfield(L, -2, "prev_year");
	kp = lua_gettop(L);
	lua_createtable(L, SCHEMA_NHOURS, 0);
	for (i = 0; i < SCHEMA_NHOURS; i++) {
		lua_pushinteger(L, schema_hours[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, kp, "HOURS");
	push_strings(L, schema_levels, SCHEMA_NLEVELS);
	lua_setfield(L, kp, "LEVELS");
	push_strings(L, schema_criteria, SCHEMA_NCRITERIA);
	lua_setfield(L, kp, "CRITERIA");
	lua_pushvalue(L, kp); /* for common.lua's result, after the lock */
	lua_setfield(L, LUA_REGISTRYINDEX, KP_REG);
	lua_pushvalue(L, -1);
	lua_setfield(L, G, "kp");

	lua_newtable(L); /* metatable of the globals: undefined and forbidden names */
	lua_pushcfunction(L, global_index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, G);

	lua_pushvalue(L, G); /* new chunks get the sandbox as _ENV */
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE); /* no way back to the libraries */
	lua_pushnil(L);
	lua_setfield(L, -2, LUA_GNAME);
	lua_pop(L, 1);

	if (luaL_loadbufferx(L, prelude, sizeof prelude - 1, "=kp", "t") != LUA_OK)
		return lua_error(L);
	lua_pushvalue(L, -2); /* kp */
	lua_call(L, 1, 0);
	lock_table(L, kp, "HOURS", "kp.HOURS");
	lock_table(L, kp, "LEVELS", "kp.LEVELS");
	lock_table(L, kp, "CRITERIA", "kp.CRITERIA");
	for (i = 0; i < 5; i++)
		lock_table(L, G, libs[i], libs[i]);
	return 0;
}

/* ---- running ------------------------------------------------------------ */

/* Splits "src:line: msg" off a Lua message; returns msg or NULL. */
static const char *split_loc(const char *m, char *src, size_t srcsz, long *line)
{
	const char *p;

	for (p = m; *p && *p != '\n'; p++) {
		if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
			const char *q = p + 1;
			long l = 0;
			while (*q >= '0' && *q <= '9')
				l = l * 10 + (*q++ - '0');
			if (q[0] == ':' && q[1] == ' ') {
				snprintf(src, srcsz, "%.*s", (int)(p - m), m);
				*line = l;
				return q + 2;
			}
		}
	}
	return NULL;
}

/* Fills d from the error on top of the stack after a failed protected call. */
static int lua_failure(struct engine *e, int status, struct diag *d)
{
	const char *m = lua_tostring(e->L, -1), *rest;
	char src[256];
	long line = 0;

	if (status == LUA_ERRMEM || e->oom) {
		if (e->oom_line)
			return diag_at(d, e->oom_src, e->oom_line, 0,
				       "规则超出内存上限（%d MiB），已停止", (int)(e->cap >> 20));
		return diag_at(d, e->last_line ? e->last_src : e->chunk, e->last_line, 0,
			       "规则超出内存上限（%d MiB），已停止", (int)(e->cap >> 20));
	}
	if (!m)
		m = "未知错误";
	rest = split_loc(m, src, sizeof src, &line);
	if (strcmp(rest ? rest : m, "C stack overflow") == 0) { /* recursion through gsub, sort */
		m = "规则调用层数过深（C stack overflow），已停止：可能是函数无终止地递归调用";
		if (rest)
			rest = m;
	}
	if (rest) {
		if (e->ntrace > 1 || e->trace_cut)
			return diag_at(d, src, line, 0, "%s（调用栈：%s）", rest, e->trace);
		return diag_at(d, src, line, 0, "%s", rest);
	}
	if (e->err_src[0])
		return diag_at(d, e->err_src, e->err_line, 0, "%s", m);
	return diag_at(d, e->chunk, 0, 0, "%s", m);
}

/* The one protected-call helper: function and nargs on the stack. */
static int eng_pcall(struct engine *e, int nargs, struct diag *d)
{
	lua_State *L = e->L;
	int base = lua_gettop(L) - nargs, status;

	lua_pushcfunction(L, msgh);
	lua_insert(L, base);
	e->err_src[0] = '\0';
	e->ntrace = 0;
	e->trace_cut = 0;
	status = lua_pcall(L, nargs, 0, base);
	lua_remove(L, base);
	if (status == LUA_OK)
		return 0;
	lua_failure(e, status, d);
	lua_pop(L, 1);
	return -1;
}

/* Reads a rule file (text only) into a malloc'd buffer. */
static char *read_rule(const char *path, size_t *len, struct diag *d, const char *chunk)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n;

	if (!f) {
		diag_at(d, chunk, 0, 0, "无法读取规则文件：%s", strerror(errno));
		return NULL;
	}
	p = malloc(RULE_FILE_MAX + 3);
	if (!p) {
		fclose(f);
		diag_set(d, "内存不足");
		return NULL;
	}
	n = fread(p + 2, 1, RULE_FILE_MAX + 1, f);
	if (ferror(f) || n > RULE_FILE_MAX) {
		diag_at(d, chunk, 0, 0,
			ferror(f) ? "无法读取规则文件" : "规则文件过大（超过 1 MiB）");
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	*len = n;
	memmove(p, p + 2, n);
	/* A UTF-8 BOM (Windows editors) is skipped; a first line "#..." is a comment. */
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		memmove(p, p + 3, n - 3);
		n -= 3;
	}
	if (n && p[0] == '#') {
		memmove(p + 2, p + 1, n - 1);
		p[0] = p[1] = '-';
		n++;
	}
	*len = n;
	return p;
}

/* Runs common.lua's chunk (argument 1) and sets kp.common to the table it
 * returns. */
static int call_common(lua_State *L)
{
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s 应以 return { … } 返回各考评共用的参数表，实为%s",
				  eng(L)->chunk, tname(lua_type(L, -1)));
	lua_getfield(L, LUA_REGISTRYINDEX, KP_REG);
	lua_insert(L, -2);
	lua_setfield(L, -2, "common");
	return 0;
}

/* Runs the rules dir's common.lua in the rule's fresh state, under the
 * rule's budgets, so that every assessment reads the same parameters. */
static int run_common(struct engine *e, struct diag *d)
{
	char *src, name[300], saved[sizeof e->chunk];
	size_t len = 0;
	int status, rc = -1;

	memcpy(saved, e->chunk, sizeof saved);
	snprintf(e->chunk, sizeof e->chunk, "%s", e->common_chunk);
	src = read_rule(e->common_path, &len, d, e->chunk);
	if (!src)
		goto done;
	if (len && (unsigned char)src[0] == LUA_SIGNATURE[0]) {
		diag_at(d, e->chunk, 1, 0,
			"拒绝加载：这是编译过的 Lua 字节码，规则只接受源代码文本");
		goto done;
	}
	lua_pushcfunction(e->L, call_common);
	snprintf(name, sizeof name, "@%s", e->chunk);
	status = luaL_loadbufferx(e->L, src, len, name, "t");
	if (status != LUA_OK) {
		lua_failure(e, status, d);
		lua_pop(e->L, 2);
		goto done;
	}
	rc = eng_pcall(e, 1, d);
done:
	free(src);
	memcpy(e->chunk, saved, sizeof saved);
	return rc;
}

static int run_file(struct engine *e, const char *path, const char *chunk, struct diag *d)
{
	char *src = NULL, name[300];
	size_t len = 0;
	int rc = -1, status;
	lua_State *L = NULL;

	snprintf(e->chunk, sizeof e->chunk, "%s", chunk);
	snprintf(e->last_src, sizeof e->last_src, "%s", chunk);
	e->last_line = 0;
	e->instr = e->sqlsteps = 0;
	e->patsteps = 0;
	e->fatal = e->oom = 0;
	e->oom_src[0] = '\0';
	e->oom_line = 0;
	src = read_rule(path, &len, d, chunk);
	if (!src)
		goto done;
	if (len && (unsigned char)src[0] == LUA_SIGNATURE[0]) {
		diag_at(d, chunk, 1, 0, "拒绝加载：这是编译过的 Lua 字节码，规则只接受源代码文本");
		goto done;
	}
	L = lua_newstate(lua_alloc, e);
	if (!L) {
		diag_at(d, chunk, 0, 0, "无法创建 Lua 状态（内存不足）");
		goto done;
	}
	e->L = L;
	lua_pushcfunction(L, setup);
	if (eng_pcall(e, 0, d) < 0)
		goto done;
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	store_set_progress(e->ro, SQL_PROGRESS_EVERY, progress_cb, e);
	if (e->common_path[0] && run_common(e, d) < 0)
		goto done;
	snprintf(name, sizeof name, "@%s", chunk);
	status = luaL_loadbufferx(L, src, len, name, "t");
	if (status != LUA_OK) {
		lua_failure(e, status, d);
		goto done;
	}
	free(src);
	src = NULL;
	if (eng_pcall(e, 0, d) < 0)
		goto done;
	rc = 0;
done:
	free(src);
	if (L) {
		lua_sethook(L, NULL, 0, 0);
		e->fatal = 0;
		lua_close(L); /* finalizes open statements and cards */
	}
	e->L = NULL;
	store_set_progress(e->ro, 0, NULL, NULL);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.lua names of dir; *out is freed with free_names. */
static int list_rules(const char *dir, char ***out, size_t *n, struct diag *d)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (!dh)
		return diag_at(d, dir, 0, 0, "无法打开规则目录：%s", strerror(errno));
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".lua") != 0 ||
		    strcmp(de->d_name, COMMON_RULE) == 0) /* not an assessment */
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[cnt] = strdup(de->d_name)))
			break;
		cnt++;
	}
	closedir(dh);
	if (de) {
		while (cnt)
			free(v[--cnt]);
		free(v);
		return diag_set(d, "内存不足");
	}
	if (cnt == 0) {
		free(v);
		return diag_at(d, dir, 0, 0, "规则目录中没有 .lua 规则文件");
	}
	qsort(v, cnt, sizeof *v, cmp_names);
	*out = v;
	*n = cnt;
	return 0;
}

/* The year ranges of the data, one per dated input table that has rows. */
static void data_years(struct engine *e)
{
	char sql[256];
	int i;
	struct store_stmt *st = NULL;
	struct diag d;

	e->nyears = 0;
	for (i = 0; i < NYEARSRC; i++) {
		snprintf(sql, sizeof sql,
			 "SELECT substr(min(%s), 1, 4), substr(max(%s), 1, 4) FROM %s",
			 year_sources[i][1], year_sources[i][1], year_sources[i][0]);
		if (store_prepare(e->ro, sql, &st, &d) < 0)
			continue;
		if (store_step(st, &d) == STORE_ROW && store_col_type(st, 0) != STORE_NULL) {
			long lo = strtol(store_col_text(st, 0), NULL, 10);
			long hi = strtol(store_col_text(st, 1), NULL, 10);
			if (lo >= 1000 && hi >= lo && hi <= 9998) {
				e->years[e->nyears].lo = (int)lo;
				e->years[e->nyears].hi = (int)hi;
				e->nyears++;
			}
		}
		store_finalize(st);
		st = NULL;
	}
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
static int write_results(struct engine *e, struct store *rw, char **names, size_t nnames,
			 struct diag *d)
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

static void engine_release(struct engine *e)
{
	smap_release(e, &e->strings);
	smap_release(e, &e->keys);
	eng_free(e, e->pubs, e->cappubs * sizeof *e->pubs);
	eng_free(e, e->rows, e->caprows * sizeof *e->rows);
	arena_free(e);
	store_close(e->ro);
}

int rules_run(struct store *rw, const char *db_path, const char *rules_dir, int year,
	      void (*warn)(const char *msg, void *arg), void *warn_arg, struct diag *d)
{
	struct engine e;
	char **names = NULL, path[4096], chunk[256];
	const char *base;
	size_t n = 0, i, dl;
	int rc = -1, latest = 0;

	memset(&e, 0, sizeof e);
	e.cap = mem_cap;
	e.warn = warn;
	e.warn_arg = warn_arg;
	if (list_rules(rules_dir, &names, &n, d) < 0)
		return -1;
	if (store_open(&e.ro, db_path, STORE_READONLY, d) < 0)
		goto done;
	data_years(&e);
	for (i = 0; i < (size_t)e.nyears; i++)
		if (e.years[i].hi > latest)
			latest = e.years[i].hi;
	if (year == 0) {
		if (!latest) {
			diag_set(d, "数据中没有带日期的记录，无法确定考评年度（请用 --year 指定）");
			goto done;
		}
		year = latest;
	} else {
		int ok = 0;
		for (i = 0; i < (size_t)e.nyears; i++)
			if (year >= e.years[i].lo && year <= e.years[i].hi)
				ok = 1;
		if (!ok)
			warnf(&e, "数据中没有 %d 年的记录：各项考评将按无数据计算", year);
	}
	e.year = year;
	e.prev_year = year - 1;

	/* Chunk names are "<last component of the rules dir>/<file>": short,
	 * stable across machines, and what every error and score item cites. */
	dl = strlen(rules_dir);
	while (dl > 1 && rules_dir[dl - 1] == '/')
		dl--;
	base = rules_dir + dl;
	while (base > rules_dir && base[-1] != '/')
		base--;
	snprintf(path, sizeof path, "%.*s/%s", (int)dl, rules_dir, COMMON_RULE);
	if (access(path, F_OK) == 0) {
		snprintf(e.common_path, sizeof e.common_path, "%s", path);
		snprintf(e.common_chunk, sizeof e.common_chunk, "%.*s/%s",
			 (int)(rules_dir + dl - base), base, COMMON_RULE);
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%.*s/%s", (int)dl, rules_dir, names[i]);
		snprintf(chunk, sizeof chunk, "%.*s/%s", (int)(rules_dir + dl - base), base,
			 names[i]);
		if (run_file(&e, path, chunk, d) < 0)
			goto done;
	}
	store_close(e.ro); /* no reader may hold the file while we write */
	e.ro = NULL;
	if (write_results(&e, rw, names, n, d) < 0)
		goto done;
	rc = 0;
done:
	engine_release(&e);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
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
	char *year = NULL;
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
	store_bind_text(st, 1, code, -1);
	while ((r = store_step(st, d)) == STORE_ROW) {
		const char *as = store_col_text(st, 0), *kind = store_col_text(st, 1);
		const char *name = store_col_text(st, 2), *res = store_col_text(st, 4);
		long long total = 0;
		int seq = 0;
		char tot[64];

		if (found++)
			buf_putc(out, '\n');
		buf_printf(out, "%s（%s 年度）：%s%s%s%s%s\n", as, year ? year : "?",
			   kind ? kind : "", kind ? " " : "", code, name ? " " : "",
			   name ? name : "");
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
	store_finalize(st);
	store_finalize(it);
	return rc;
}
