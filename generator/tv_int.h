/* tv_int.h - the layout of the value tree, shared by tv.c (which builds it)
 * and template.c (which renders it); nothing else includes it. */
#ifndef KP_TV_INT_H
#define KP_TV_INT_H

#include <stddef.h>

#include "template.h"

struct tv_item {
	struct tv *v;
	struct tv_item *next;
};

struct tv_kv {
	const char *key;
	size_t klen;
	struct tv *v;
	struct tv_kv *next;
};

struct tv {
	enum tv_type type;
	int decimals; /* TV_NUM: -1 for an integer */
	struct tv_pool *pool;
	union {
		int b;
		double num;
		long long i;
		struct {
			const char *s;
			size_t n;
		} str;
		struct {
			struct tv_item *head, *tail;
			size_t n;
		} list;
		struct tv_kv *map; /* newest first */
	} u;
};

/* The value under key[0..kl) in map (NULL when absent); *found says whether
 * the key exists (with a null value too). */
const struct tv *tv_map_get(const struct tv *map, const char *key, size_t kl, int *found);
/* Whether v counts as true in a section: non-empty, non-zero, not null. */
int tv_truthy(const struct tv *v);

#endif
