/* strmap.c - the string-keyed hash map (see strmap.h). The table is kept at
 * most half full, so probes stay short and an empty slot always exists. */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static void *std_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	(void)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	return realloc(ptr, nsize);
}

void strmap_init(struct strmap *m, strmap_alloc_fn alloc, void *ud)
{
	memset(m, 0, sizeof *m);
	m->alloc = alloc;
	m->ud = ud;
}

void strmap_release(struct strmap *m)
{
	strmap_alloc_fn a = m->alloc ? m->alloc : std_alloc;

	if (m->t)
		a(m->ud, m->t, m->cap * sizeof *m->t, 0);
	m->t = NULL;
	m->cap = m->cnt = 0;
}

uint32_t strmap_hash(const char *k, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)k[i]) * 16777619u;
	return h;
}

struct strmap_ent *strmap_slot(const struct strmap *m, const char *k, size_t n, uint32_t h)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct strmap_ent *s = &m->t[i];
		if (!s->k || (s->h == h && s->n == n && memcmp(s->k, k, n) == 0))
			return s;
	}
}

long strmap_get(const struct strmap *m, const char *k, size_t n)
{
	const struct strmap_ent *s = strmap_slot(m, k, n, strmap_hash(k, n));

	return s && s->k ? s->v : -1;
}

/* Rehashes into a table of ncap slots. */
static int grow(struct strmap *m, size_t ncap)
{
	strmap_alloc_fn a = m->alloc ? m->alloc : std_alloc;
	struct strmap_ent *old = m->t, *t;
	size_t ocap = m->cap, i;

	if (ncap > SIZE_MAX / sizeof *t)
		return -1;
	t = a(m->ud, NULL, 0, ncap * sizeof *t);
	if (!t)
		return -1;
	memset(t, 0, ncap * sizeof *t);
	m->t = t;
	m->cap = ncap; /* strmap_slot probes with the new size */
	for (i = 0; i < ocap; i++)
		if (old[i].k)
			*strmap_slot(m, old[i].k, old[i].n, old[i].h) = old[i];
	if (old)
		a(m->ud, old, ocap * sizeof *old, 0);
	return 0;
}

int strmap_reserve(struct strmap *m, size_t more)
{
	size_t need = (m->cnt + more) * 2 + 2, ncap = m->cap ? m->cap : 64;

	while (ncap < need)
		ncap *= 2;
	return ncap > m->cap ? grow(m, ncap) : 0;
}

int strmap_put(struct strmap *m, const char *k, size_t n, long v)
{
	uint32_t h = strmap_hash(k, n);
	struct strmap_ent *s;

	if ((m->cnt + 1) * 2 > m->cap && grow(m, m->cap ? m->cap * 2 : 64) < 0)
		return -1;
	s = strmap_slot(m, k, n, h);
	if (!s->k) {
		s->k = k;
		s->n = n;
		s->h = h;
		m->cnt++;
	}
	s->v = v;
	return 0;
}
