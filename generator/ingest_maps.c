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

void strset_free(struct strset *t)
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
long strset_get(const struct strset *t, const char *k, size_t n)
{
	size_t i;

	if (!t->cap)
		return -1;
	i = set_slot(t, k, n, hash(k, n));
	return t->keys[i] ? (long)t->vals[i] : -1;
}

int strset_put(struct strset *t, const char *k, size_t n, uint32_t v)
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

/* Stores the place of key unless it has one; -1 when out of memory. */
int seen_put(struct seen *m, uint64_t key, uint64_t val)
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

uint64_t seen_place(int fileidx, long line)
{
	return (uint64_t)fileidx << 40 | ((uint64_t)line & 0xFFFFFFFFFFULL);
}