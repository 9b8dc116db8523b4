/* tv.c - the value tree that templates are rendered with: values allocated
 * from an arena (struct tv_pool), built by tv_* and read by template.c. A
 * failed allocation marks the pool and returns a shared null value, so
 * builders can be chained without checks. */
#include "template.h"
#include "tv_int.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_CHUNK 65536

/* ---- pool ------------------------------------------------------------------ */

struct chunk {
	struct chunk *next;
	size_t used, cap;
	max_align_t data[]; /* cap bytes */
};

struct tv_pool {
	struct chunk *head, *cur, *tail;
	int failed;
};

/* Returned when allocation failed: builders stay safe to chain. */
static struct tv failed_null = {TV_NULL, 0, NULL, {0}};

struct tv_pool *tv_pool_new(void)
{
	return calloc(1, sizeof(struct tv_pool));
}

void tv_pool_free(struct tv_pool *p)
{
	struct chunk *c, *next;

	if (!p)
		return;
	for (c = p->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p);
}

void tv_pool_reset(struct tv_pool *p)
{
	p->cur = p->head;
	if (p->cur)
		p->cur->used = 0;
	p->failed = 0;
}

int tv_pool_failed(const struct tv_pool *p)
{
	return p->failed;
}

static void *pool_alloc(struct tv_pool *p, size_t n)
{
	struct chunk *c;
	size_t cap;

	n = (n + 15) & ~(size_t)15;
	while (p->cur && p->cur->used + n > p->cur->cap) {
		p->cur = p->cur->next;
		if (p->cur)
			p->cur->used = 0;
	}
	if (!p->cur) {
		cap = n > POOL_CHUNK ? n : POOL_CHUNK;
		c = malloc(sizeof *c + cap);
		if (!c) {
			p->failed = 1;
			return NULL;
		}
		c->next = NULL;
		c->used = 0;
		c->cap = cap;
		if (p->tail)
			p->tail->next = c;
		else
			p->head = c;
		p->tail = c;
		p->cur = c;
	}
	c = p->cur;
	c->used += n;
	return (char *)c->data + c->used - n;
}

static struct tv *tv_new(struct tv_pool *p, enum tv_type type)
{
	struct tv *v;

	if (!p)
		return &failed_null;
	v = pool_alloc(p, sizeof *v);
	if (!v)
		return &failed_null;
	memset(v, 0, sizeof *v);
	v->type = type;
	v->pool = p;
	return v;
}

static const char *pool_strdup(struct tv_pool *p, const char *s, size_t n)
{
	char *c = pool_alloc(p, n + 1);

	if (!c)
		return NULL;
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

struct tv *tv_null(struct tv_pool *p)
{
	return tv_new(p, TV_NULL);
}

struct tv *tv_bool(struct tv_pool *p, int b)
{
	struct tv *v = tv_new(p, TV_BOOL);

	if (v != &failed_null)
		v->u.b = b != 0;
	return v;
}

struct tv *tv_num(struct tv_pool *p, double x, int decimals)
{
	struct tv *v = tv_new(p, TV_NUM);

	if (v != &failed_null) {
		v->u.num = x;
		v->decimals = decimals < 0 ? 0 : decimals > 6 ? 6 : decimals;
	}
	return v;
}

struct tv *tv_int(struct tv_pool *p, long long i)
{
	struct tv *v = tv_new(p, TV_NUM);

	if (v != &failed_null) {
		v->u.i = i;
		v->decimals = -1;
	}
	return v;
}

struct tv *tv_strn(struct tv_pool *p, const char *s, size_t n)
{
	struct tv *v;

	if (!s)
		return tv_null(p);
	v = tv_new(p, TV_STR);
	if (v == &failed_null)
		return v;
	v->u.str.s = pool_strdup(p, s, n);
	if (!v->u.str.s)
		return &failed_null;
	v->u.str.n = n;
	return v;
}

struct tv *tv_str(struct tv_pool *p, const char *s)
{
	return s ? tv_strn(p, s, strlen(s)) : tv_null(p);
}

struct tv *tv_list(struct tv_pool *p)
{
	return tv_new(p, TV_LIST);
}

struct tv *tv_map(struct tv_pool *p)
{
	return tv_new(p, TV_MAP);
}

struct tv *tv_set(struct tv *map, const char *key, struct tv *v)
{
	struct tv_kv *kv;
	size_t kl = strlen(key);

	if (map->type != TV_MAP || !map->pool) {
		if (map->pool)
			map->pool->failed = 1;
		return v;
	}
	kv = pool_alloc(map->pool, sizeof *kv);
	if (!kv)
		return v;
	kv->key = pool_strdup(map->pool, key, kl);
	if (!kv->key)
		return v;
	kv->klen = kl;
	kv->v = v;
	kv->next = map->u.map;
	map->u.map = kv;
	return v;
}

struct tv *tv_push(struct tv *list, struct tv *v)
{
	struct tv_item *it;

	if (list->type != TV_LIST || !list->pool) {
		if (list->pool)
			list->pool->failed = 1;
		return v;
	}
	it = pool_alloc(list->pool, sizeof *it);
	if (!it)
		return v;
	it->v = v;
	it->next = NULL;
	if (list->u.list.tail)
		list->u.list.tail->next = it;
	else
		list->u.list.head = it;
	list->u.list.tail = it;
	list->u.list.n++;
	return v;
}

struct tv *tv_set_str(struct tv *map, const char *key, const char *s)
{
	return tv_set(map, key, tv_str(map->pool, s));
}

struct tv *tv_set_int(struct tv *map, const char *key, long long v)
{
	return tv_set(map, key, tv_int(map->pool, v));
}

struct tv *tv_set_num(struct tv *map, const char *key, double v, int decimals)
{
	return tv_set(map, key, tv_num(map->pool, v, decimals));
}

struct tv *tv_set_bool(struct tv *map, const char *key, int v)
{
	return tv_set(map, key, tv_bool(map->pool, v));
}

struct tv *tv_set_fmt(struct tv *map, const char *key, const char *fmt, ...)
{
	char small[256], *big = NULL;
	va_list ap;
	int n;
	struct tv *v;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return tv_set(map, key, tv_null(map->pool));
	if ((size_t)n >= sizeof small) {
		big = malloc((size_t)n + 1);
		if (!big) {
			if (map->pool)
				map->pool->failed = 1;
			return &failed_null;
		}
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	v = tv_set(map, key, tv_strn(map->pool, big ? big : small, (size_t)n));
	free(big);
	return v;
}

enum tv_type tv_type(const struct tv *v)
{
	return v ? v->type : TV_NULL;
}

size_t tv_len(const struct tv *v)
{
	return v && v->type == TV_LIST ? v->u.list.n : 0;
}

const struct tv *tv_map_get(const struct tv *map, const char *key, size_t kl, int *found)
{
	const struct tv_kv *kv;

	*found = 0;
	if (!map || map->type != TV_MAP)
		return NULL;
	for (kv = map->u.map; kv; kv = kv->next)
		if (kv->klen == kl && memcmp(kv->key, key, kl) == 0) {
			*found = 1;
			return kv->v;
		}
	return NULL;
}

const struct tv *tv_get(const struct tv *map, const char *key)
{
	int found;

	return tv_map_get(map, key, strlen(key), &found);
}

const char *tv_text(const struct tv *v)
{
	return v && v->type == TV_STR ? v->u.str.s : NULL;
}

int tv_truthy(const struct tv *v)
{
	if (!v)
		return 0;
	switch (v->type) {
	case TV_NULL: return 0;
	case TV_BOOL: return v->u.b;
	case TV_NUM: return v->decimals < 0 ? v->u.i != 0 : v->u.num != 0;
	case TV_STR: return v->u.str.n > 0;
	case TV_LIST: return v->u.list.n > 0;
	case TV_MAP: return 1;
	}
	return 0;
}
