/* ingest_facts.c - event facts: events summed up while loading, by grid,
 * year, level and source, by month and by reporter (see store.c). */
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
#include "period.h"

void facts_map_free(struct factmap *m)
{
	seen_free(&m->map);
	memset(m, 0, sizeof *m);
}

/* Returns the index stored for key, inserting next_idx if absent (*added set). */
static long factmap_get(struct factmap *m, uint64_t key, uint32_t next_idx, int *added)
{
	uint64_t idx;

	if (seen_add(&m->map, key, next_idx, &idx, added) < 0)
		return -1;
	return (long)idx;
}

/* Seconds since 1970 of a normalised "YYYY-MM-DD HH:MM:SS" (checked by the
 * field checks before it gets here). */
static int64_t epoch_of(const char *s)
{
	int64_t t = 0;

	parse_iso(s, &t, NULL);
	return t;
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
static struct fact *fact_at(struct factmap *map, struct fact **arr, size_t *n, size_t *cap,
			    uint64_t key)
{
	int added;
	long idx;

	if (key == map->last_key && map->map.n)
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
int facts_add(struct ctx *c, const int *ec, const struct field_val *v, const long *refv)
{
	int ig = ec[0], ir = ec[1], ic = ec[2], il = ec[3], is = ec[4], ip = ec[5], isat = ec[6];
	int ist = ec[7], idl = ec[8];
	const char *rep = v[ir].s;
	long year =
		(rep[0] - '0') * 1000 + (rep[1] - '0') * 100 + (rep[2] - '0') * 10 + (rep[3] - '0');
	long month = (rep[5] - '0') * 10 + (rep[6] - '0');
	int64_t t_rep = epoch_of(rep), dt;
	int closed = 0, added, bucket;
	long src = 0, idx, lv = 0, sat = 0;
	uint64_t key;
	struct fact *f;

	/* A void case (作废…) stays in events with its status, out of every figure. */
	if (v[ist].present && schema_void_status(v[ist].s, v[ist].n))
		return 1;
	/* An event counts in the year it was received; its closure only if
	 * closed by that year's end (period.c: the one period rule). */
	if (year != c->end_year) {
		struct period p;
		if (period_of_year((int)year, &p) == 0)
			snprintf(c->end_text, sizeof c->end_text, "%.10s 00:00:00", p.until);
		else
			snprintf(c->end_text, sizeof c->end_text, "%04ld-01-01 00:00:00",
				 (year + 1) % 10000);
		c->end_epoch = epoch_of(c->end_text);
		c->end_year = year;
	}
	if (v[ic].type != STORE_NULL && memcmp(v[ic].s, c->end_text, 19) < 0)
		closed = 1;
	dt = closed ? epoch_of(v[ic].s) - t_rep : c->end_epoch - t_rep;
	bucket = bucket_of(dt);
	/* An event's own deadline decides on-time, whatever its level's limit:
	 * on time it counts within every limit (bucket 0), late within none
	 * (NBUCKET); so hN and aN read by level limits give the same answer. */
	if (v[idl].type != STORE_NULL) {
		const char *until = closed ? v[ic].s : c->end_text;
		bucket = memcmp(until, v[idl].s, 19) <= 0 ? 0 : NBUCKET;
	}
	if (v[il].type != STORE_NULL)
		lv = level_index(v[il].s, v[il].n);
	if (v[isat].type == STORE_INT)
		sat = (long)v[isat].i;
	if (v[is].present) {
		src = strset_get(&c->sources, v[is].s, v[is].n);
		if (src < 0) {
			long id = ingest_add_code(&c->source_name, &c->nsource, &c->source_cap,
						  v[is].s, v[is].n);
			if (id < 0 || id >= 0xFFFF ||
			    strset_put(&c->sources, v[is].s, v[is].n, (uint32_t)id + 1) < 0)
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

/* The level of level_index's number, NULL for 0 (none). */
static const char *level_name(int k)
{
	return k > 0 && k <= SCHEMA_NLEVELS ? schema_levels[k - 1] : NULL;
}

/* Writes the facts gathered while loading events. */
int facts_write(struct ctx *c, struct diag *d)
{
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
		store_bind_text(st, 3, level_name((int)(f->key >> 16 & 7)), -1);
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