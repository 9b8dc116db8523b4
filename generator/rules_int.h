/* rules_int.h - the engine's insides shared by rules*.c (not an API: only
 * the rules files include it, and only they include Lua). */
#ifndef KP_RULES_INT_H
#define KP_RULES_INT_H

#include <stdint.h>
#include <stddef.h>

#include <lauxlib.h>
#include <lua.h>

#include "strmap.h"
#include "rules.h"

#define HOOK_EVERY	   1000	     /* Lua instructions between count-hook calls */
#define SQL_PROGRESS_EVERY 10000     /* SQLite VM steps between progress calls */
#define RULE_FILE_MAX	   (1 << 20) /* a rule file larger than this is refused */
#define ARENA_CHUNK	   65536
#define TRACE_LEVELS	   12		/* stack levels the message handler looks at */
#define KP_REG		   "kaoping.kp" /* registry: the kp table behind its proxy */
#define COMMON_RULE	   "common.lua" /* parameters shared by the assessments */
#define CARD_MT		   "kp.card"
#define NYEARSRC	   9 /* entries of year_sources (rules.c) */

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

/* ---- engine state ------------------------------------------------------- */

struct arena {
	struct arena *next;
	size_t used, cap;
	char data[];
};

/* The engine's string maps are strmaps whose memory is charged to the
 * rule's cap (keys not owned: they must outlive the map). */
#define smap strmap

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
	/* The period counted, the one before it (环比) and the same period a year
	 * before (同比); for a year, prev is last_year. */
	struct parse_period period, prev, last_year;
	int have_event_facts, have_events; /* the sources of the period facts */
	int final;			   /* the 终稿: appeals are applied (kp.final) */
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

static inline struct engine *eng(lua_State *L)
{
	void *ud = NULL;
	lua_getallocf(L, &ud);
	return ud;
}

/* Limits (rules.c). */
extern long long instr_budget, sql_budget;
extern size_t mem_cap;

/* rules_mem.c */
void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
void *eng_realloc(struct engine *e, void *p, size_t old, size_t n);
void eng_free(struct engine *e, void *p, size_t n);
void *arena_alloc(struct engine *e, size_t n);
void arena_free(struct engine *e);
int oom_error(lua_State *L);
long smap_get(struct smap *m, const char *k, size_t n);
int smap_put(struct engine *e, struct smap *m, const char *k, size_t n, long v);
void smap_release(struct engine *e, struct smap *m);
const char *intern(lua_State *L, const char *s, size_t n);

/* rules.c: the period facts as SQL (temp: the rules' temp tables, else the
 * results table period_facts); -1 if b failed. */
int period_facts_sql(const struct engine *e, struct buf *b, int temp);

/* rules_kp.c */
void fmt_scaled(char *out, size_t sz, long long v, int nd);
long long check_round(lua_State *L, int idx, int nd, const char *what);
const char *tname(int t);
int progress_cb(void *arg);
int kp_query(lua_State *L);
int kp_has(lua_State *L);
int kp_need(lua_State *L);
int kp_period(lua_State *L);
int kp_has_year(lua_State *L);
int kp_round(lua_State *L);
int kp_fmt(lua_State *L);

/* rules_sandbox.c */
const char *where(lua_State *L, int level);
void warnf(struct engine *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void count_hook(lua_State *L, lua_Debug *ar);
int msgh(lua_State *L);
int setup(lua_State *L);

/* rules_results.c */
int card_name(lua_State *L);
int card_gc(lua_State *L);
int kp_card(lua_State *L);
int card_add(lua_State *L);
int card_total(lua_State *L);
int card_publish(lua_State *L);
int kp_emit(lua_State *L);
int write_results(struct engine *e, struct store *rw, char **names, size_t nnames, struct diag *d);

/* rules_prelude.c */
extern const char rules_prelude[];
extern const size_t rules_prelude_len;

#endif
