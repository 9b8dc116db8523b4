/* fuzz_pattern.c - libFuzzer target: pattern_cost (the bound the rules engine
 * puts on Lua's pattern matcher) on any pattern and subject. The first byte
 * gives the pattern's length, the rest is pattern then subject. When the bound
 * allows a call, Lua's real string.find, gmatch and gsub run on the same input:
 * were the bound wrong, a pattern it allows would run for ever and libFuzzer's
 * -timeout would report it. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pattern.h"

#define ALLOW 3e5 /* a millisecond or so of real matching */

static lua_State *L;

/* Runs string.<fn>(s, p[, extra]) (a gmatch is iterated to its end); Lua's
 * own errors (malformed pattern, too complex) are fine. */
static void run(const char *fn, const char *s, size_t n, const char *p, size_t m)
{
	static const char *const code = "local fn, s, p = ...\n"
					"if fn == 'gmatch' then for _ in s:gmatch(p) do end\n"
					"elseif fn == 'gsub' then s:gsub(p, '%0')\n"
					"else s:find(p) end\n";

	if (!L) {
		L = luaL_newstate();
		if (!L)
			abort();
		luaL_openlibs(L);
	}
	lua_settop(L, 0);
	if (luaL_loadstring(L, code) != LUA_OK)
		abort();
	lua_pushstring(L, fn);
	lua_pushlstring(L, s, n);
	lua_pushlstring(L, p, m);
	lua_pcall(L, 3, 0, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		enum pattern_op op;
		const char *fn;
	} ops[] = {{PATTERN_FIND, "find"}, {PATTERN_GMATCH, "gmatch"}, {PATTERN_GSUB, "gsub"}};
	struct pattern_bound b;
	const char *p, *s;
	size_t m, n, i;

	if (size < 1)
		return 0;
	m = data[0] % 48;
	if (m > size - 1)
		m = size - 1;
	p = (const char *)data + 1;
	s = p + m;
	n = size - 1 - m;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		pattern_cost(ops[i].op, s, n, p, m, ALLOW, &b);
		if (isnan(b.total) || b.total < 0 || b.per_start < 0 || b.scan < 0)
			abort();
		if (b.total <= ALLOW)
			run(ops[i].fn, s, n, p, m);
	}
	pattern_cost(PATTERN_PLAIN, s, n, p, m, ALLOW, &b);
	if (b.total < (double)n)
		abort();
	return 0;
}
