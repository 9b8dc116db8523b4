/* ingest_maps.c - the hash maps of ingest: a set of strings with a small value
 * (codes loaded so far) and the places rows came from (duplicates across
 * the files of one table). */
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

void strset_free(struct strset *t)
{
	size_t i;

	for (i = 0; i < t->map.cap; i++)
		free((char *)t->map.t[i].k);
	strmap_release(&t->map);
}

/* The value of key, or -1 if absent. */
long strset_get(const struct strset *t, const char *k, size_t n)
{
	return strmap_get(&t->map, k, n);
}

/* Inserts a copy of k or replaces its value. 0 ok, -1 out of memory. */
int strset_put(struct strset *t, const char *k, size_t n, uint32_t v)
{
	struct strmap_ent *e = strmap_slot(&t->map, k, n, strmap_hash(k, n));
	char *copy;

	if (e && e->k) {
		e->v = v;
		return 0;
	}
	copy = malloc(n + 1);
	if (!copy)
		return -1;
	memcpy(copy, k, n);
	copy[n] = '\0';
	if (strmap_put(&t->map, copy, n, v) < 0) {
		free(copy);
		return -1;
	}
	return 0;
}

void seen_free(struct seen *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* FNV-1a over the key parts, each followed by a unit separator. */
uint64_t seen_key(const struct field_val *v, int nparts)
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
uint64_t seen_get(const struct seen *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return 0;
	i = mix(key) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return m->keys[i] ? m->vals[i] : 0;
}

/* The value stored for key, storing val first if key has none (*added set
 * then); -1 when out of memory. */
int seen_add(struct seen *m, uint64_t key, uint64_t val, uint64_t *stored, int *added)
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
	*added = !m->keys[i];
	if (*added) {
		m->keys[i] = key;
		m->vals[i] = val;
		m->n++;
	}
	*stored = m->vals[i];
	return 0;
}

/* Stores the place of key unless it has one; -1 when out of memory. */
int seen_put(struct seen *m, uint64_t key, uint64_t val)
{
	uint64_t stored;
	int added;

	return seen_add(m, key, val, &stored, &added);
}

uint64_t seen_place(int fileidx, long line)
{
	return (uint64_t)fileidx << 40 | ((uint64_t)line & 0xFFFFFFFFFFULL);
}