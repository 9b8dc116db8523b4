/* rules_mem.c - the engine's counted memory: the capped Lua allocator,
 * engine-side allocations against the same cap, the results arena, and the
 * string map that interns strings and indexes entities and keys. */
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
void *lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
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
void *eng_realloc(struct engine *e, void *p, size_t old, size_t n)
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

void eng_free(struct engine *e, void *p, size_t n)
{
	if (p) {
		free(p);
		e->used -= n;
	}
}

void *arena_alloc(struct engine *e, size_t n)
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

void arena_free(struct engine *e)
{
	while (e->arena) {
		struct arena *a = e->arena;
		e->arena = a->next;
		eng_free(e, a, sizeof *a + a->cap);
	}
}

/* Raises the memory error from a C function of the API. */
int oom_error(lua_State *L)
{
	struct engine *e = eng(L);
	e->fatal = 1;
	return luaL_error(L, "规则结果超出内存上限（%d MiB）", (int)(e->cap >> 20));
}

/* ---- string map --------------------------------------------------------- */

/* strmap's allocator over the engine's: the maps count against the cap. */
static void *map_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct engine *e = ud;

	if (nsize == 0) {
		eng_free(e, ptr, osize);
		return NULL;
	}
	return eng_realloc(e, ptr, osize, nsize);
}

long smap_get(struct smap *m, const char *k, size_t n)
{
	return strmap_get(m, k, n);
}

/* Inserts or replaces; k must outlive the map. 0 ok, -1 out of memory. */
int smap_put(struct engine *e, struct smap *m, const char *k, size_t n, long v)
{
	if (!m->alloc)
		strmap_init(m, map_alloc, e);
	return strmap_put(m, k, n, v);
}

void smap_release(struct engine *e, struct smap *m)
{
	(void)e;
	strmap_release(m);
}

/* Returns an arena copy of s shared by every equal string (raises on OOM). */
const char *intern(lua_State *L, const char *s, size_t n)
{
	struct engine *e = eng(L);
	struct strmap_ent *f = strmap_slot(&e->strings, s, n, strmap_hash(s, n));
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
