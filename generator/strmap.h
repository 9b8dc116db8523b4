/* strmap.h - the one string-keyed hash map of kaoping (ingest's code sets, the
 * rules engine's interned strings and published keys, the model's units by
 * code): open addressing with linear probing, FNV-1a hashes, a long per key.
 * Keys are borrowed: the caller keeps each key's bytes alive as long as the
 * map (ingest copies its keys first; the others point into arenas or the
 * model). Memory comes from an allocator the caller may give, so the rules
 * engine charges the map to a rule's memory cap. */
#ifndef KP_STRMAP_H
#define KP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_ent {
	const char *k; /* NULL: an empty slot */
	size_t n;
	uint32_t h;
	long v;
};

/* Like lua_Alloc: nsize 0 frees ptr (returning NULL); otherwise returns a
 * block of nsize bytes (ptr NULL: a new one) or NULL when out of memory. */
typedef void *(*strmap_alloc_fn)(void *ud, void *ptr, size_t osize, size_t nsize);

struct strmap {
	struct strmap_ent *t; /* cap slots, cap a power of two or 0 */
	size_t cap, cnt;
	strmap_alloc_fn alloc; /* NULL: malloc/free */
	void *ud;
};

/* Lifecycle: a zeroed struct is an empty map using malloc; strmap_init sets
 * an allocator; strmap_release frees the slots (not the keys). */
void strmap_init(struct strmap *m, strmap_alloc_fn alloc, void *ud);
void strmap_release(struct strmap *m);

uint32_t strmap_hash(const char *k, size_t n);
/* The slot of key k: its entry, or the empty slot where it would go; NULL
 * when the map has no slots yet. h is strmap_hash(k, n). */
struct strmap_ent *strmap_slot(const struct strmap *m, const char *k, size_t n, uint32_t h);
/* The value of k, or -1 when absent. */
long strmap_get(const struct strmap *m, const char *k, size_t n);
/* Inserts k (borrowed) or replaces its value. 0 ok, -1 out of memory. */
int strmap_put(struct strmap *m, const char *k, size_t n, long v);
/* Makes room for `more` further keys without rehashing on the way. 0 or -1. */
int strmap_reserve(struct strmap *m, size_t more);

#endif
