/* strmap_test.c - the one string map: absent keys, replacement, growth past
 * many rehashes, keys that share a prefix or contain NUL bytes, and a
 * caller's allocator seeing every byte given back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "test.h"

static long live; /* bytes held through counting_alloc */

static void *counting_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	(void)ud;
	live -= (long)osize;
	if (nsize == 0) {
		free(ptr);
		return NULL;
	}
	live += (long)nsize;
	return realloc(ptr, nsize);
}

int main(void)
{
	struct strmap m = {0};
	static char keys[5000][32];
	long i, bad = 0;

	CHECK(strmap_get(&m, "a", 1) == -1);
	CHECK(strmap_put(&m, "ab", 2, 7) == 0);
	CHECK(strmap_get(&m, "ab", 2) == 7);
	CHECK(strmap_get(&m, "a", 1) == -1);	/* a prefix is another key */
	CHECK(strmap_get(&m, "abc", 2) == 7);	/* only n bytes count */
	CHECK(strmap_put(&m, "ab", 2, 9) == 0); /* replaces */
	CHECK(strmap_get(&m, "ab", 2) == 9 && m.cnt == 1);
	CHECK(strmap_put(&m, "a\0b", 3, 1) == 0 && strmap_put(&m, "a\0c", 3, 2) == 0);
	CHECK(strmap_get(&m, "a\0b", 3) == 1 && strmap_get(&m, "a\0c", 3) == 2);
	strmap_release(&m);
	CHECK(m.cap == 0 && m.cnt == 0 && strmap_get(&m, "ab", 2) == -1);

	strmap_init(&m, counting_alloc, NULL);
	for (i = 0; i < 5000; i++) {
		snprintf(keys[i], sizeof keys[i], "37132100%04ld", i);
		if (strmap_put(&m, keys[i], strlen(keys[i]), i) < 0)
			bad++;
	}
	CHECK(bad == 0 && m.cnt == 5000 && m.cap >= 10000);
	for (i = 0, bad = 0; i < 5000; i++)
		if (strmap_get(&m, keys[i], strlen(keys[i])) != i)
			bad++;
	CHECK(bad == 0);
	CHECK(strmap_get(&m, "371321005000", 12) == -1);
	CHECK(live == (long)(m.cap * sizeof *m.t));
	strmap_release(&m);
	CHECK(live == 0);

	strmap_init(&m, counting_alloc, NULL);
	CHECK(strmap_reserve(&m, 1000) == 0 && m.cap >= 2002);
	{
		size_t cap = m.cap;
		for (i = 0; i < 1000; i++)
			strmap_put(&m, keys[i], strlen(keys[i]), i);
		CHECK(m.cap == cap); /* no rehash after a reserve */
	}
	strmap_release(&m);
	CHECK(live == 0);
	return test_done();
}
