/* rules_sandbox.c - the sandbox: rule locations, the count hook and message
 * handler, the bounded pcall/string.rep/pattern functions, the strict
 * global table and read-only library proxies, and the state setup that
 * builds the rules' globals and the kp table. */
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

/* Globals that rules may not have: reading one is an error that says why. */
static const char *const forbidden[] = {
	"io",		"os",	   "package",	     "debug",	  "load",	"loadfile",
	"dofile",	"require", "collectgarbage", "coroutine", "loadstring", "setmetatable",
	"getmetatable", "rawset",  "xpcall",	     "module",	  "setfenv",	"getfenv",
	NULL,
};

/* ---- locations ---------------------------------------------------------- */

/* The rule location "file:line" of the Lua function at `level`. */
const char *where(lua_State *L, int level)
{
	struct engine *e = eng(L);
	lua_Debug ar;
	char loc[320];

	/* The kp helpers written in Lua (rules_prelude.c, chunk "=kp") call
	 * card:add and kp.emit for the rule: cite the rule line that called them. */
	while (lua_getstack(L, level, &ar) && lua_getinfo(L, "S", &ar) &&
	       strcmp(ar.source, "=kp") == 0)
		level++;
	if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
		const char *src = strcmp(ar.short_src, e->chunk) == 0 ? e->chunk : ar.short_src;
		snprintf(loc, sizeof loc, "%s:%d", src, ar.currentline);
	} else {
		snprintf(loc, sizeof loc, "%s", e->chunk);
	}
	return intern(L, loc, strlen(loc));
}

void warnf(struct engine *e, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!e->warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	e->warn(msg, e->warn_arg);
}

/* ---- the sandbox -------------------------------------------------------- */

void count_hook(lua_State *L, lua_Debug *ar)
{
	struct engine *e = eng(L);
	lua_Debug probe;

	e->instr += HOOK_EVERY;
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0) {
		snprintf(e->last_src, sizeof e->last_src, "%s", ar->short_src);
		e->last_line = ar->currentline;
	}
	if (e->instr > instr_budget || e->fatal) {
		e->fatal = 1;
		lua_pushfstring(L, "%s:%d: 规则超出指令预算（%I 条指令），已停止", e->last_src,
				(int)e->last_line, (LUAI_UACINT)instr_budget);
		lua_error(L);
	}
	/* Depth: lua_getstack walks at most RULES_DEPTH_MAX levels (a few for a
	 * normal rule). A runaway recursion grows by a few hundred levels between
	 * two calls of this hook, so it stops well before Lua's own limit. */
	if (lua_getstack(L, RULES_DEPTH_MAX, &probe)) {
		e->fatal = 1;
		lua_pushfstring(L,
				"%s:%d: 规则调用层数超过 %d 层，已停止：可能是函数无终止地递归调用",
				e->last_src, (int)e->last_line, RULES_DEPTH_MAX);
		lua_error(L);
	}
}

/* Message handler: remembers where the error was raised and the rule frames.
 * Looks at the top TRACE_LEVELS levels only (lua_getstack is linear in the
 * level: walking a deep stack whole is quadratic), and lists a recursion's
 * repeated frame once. */
int msgh(lua_State *L)
{
	struct engine *e = eng(L);
	lua_Debug ar;
	int level;
	size_t tl = 0;
	char prev[300] = "", loc[300];

	e->err_src[0] = '\0';
	e->err_line = 0;
	e->trace[0] = '\0';
	e->ntrace = 0;
	e->trace_cut = 0;
	for (level = 1; lua_getstack(L, level, &ar); level++) {
		if (level > TRACE_LEVELS) {
			e->trace_cut = 1;
			break;
		}
		if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
			continue;
		if (strcmp(ar.source, "=kp") == 0) /* the kp helpers: show the rule's lines */
			continue;
		if (!e->err_src[0]) {
			snprintf(e->err_src, sizeof e->err_src, "%s", ar.short_src);
			e->err_line = ar.currentline;
		}
		snprintf(loc, sizeof loc, "%s:%d", ar.short_src, ar.currentline);
		if (strcmp(loc, prev) == 0)
			continue;
		snprintf(prev, sizeof prev, "%s", loc);
		if (tl + 80 < sizeof e->trace) {
			int n = snprintf(e->trace + tl, sizeof e->trace - tl, "%s%s",
					 e->ntrace ? " ← " : "", loc);
			if (n > 0)
				tl += (size_t)n;
			e->ntrace++;
		} else {
			e->trace_cut = 1;
		}
	}
	if (e->trace_cut && tl + 8 < sizeof e->trace)
		snprintf(e->trace + tl, sizeof e->trace - tl, " ← …");
	if (!lua_isstring(L, 1) || lua_type(L, 1) == LUA_TNUMBER)
		lua_pushfstring(L, "规则抛出了%s类型的错误对象", tname(lua_type(L, 1)));
	return 1;
}

/* pcall for rules: a budget or memory error may not be caught. */
static int kp_pcall(lua_State *L)
{
	struct engine *e = eng(L);
	int status;

	luaL_checkany(L, 1);
	status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
	if (status == LUA_ERRMEM) {
		e->oom = 1;
		e->fatal = 1;
	}
	if (status != LUA_OK) {
		if (e->fatal)
			return lua_error(L);
		lua_pushboolean(L, 0);
		lua_insert(L, -2);
		return 2;
	}
	lua_pushboolean(L, 1);
	lua_insert(L, 1);
	return lua_gettop(L);
}

/* string.rep that checks the size against the memory cap first. */
static int kp_rep(lua_State *L)
{
	struct engine *e = eng(L);
	size_t l, lsep = 0;
	lua_Integer n;
	double total;

	luaL_checklstring(L, 1, &l);
	n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	total = n <= 0 ? 0 : (double)l * (double)n + (double)lsep * (double)(n - 1);
	if (total > (double)(e->cap > e->used ? e->cap - e->used : 0))
		return luaL_error(L, "string.rep：结果 %f 字节，超出规则内存上限（%d MiB）", total,
				  (int)(e->cap >> 20));
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* string.find, match, gmatch and gsub, bounded. Lua's matcher backtracks in
 * C, where the count hook never runs, so one call can hang the run for hours.
 * Rather than a matcher of our own (a second implementation of Lua's pattern
 * language to keep exact), the real one runs, but only after pattern_cost has
 * bounded its work from the pattern and the subject; the bound is charged to
 * the file's pattern budget, and a call whose bound exceeds what is left is
 * refused before it starts. The bound is tight for real patterns (it uses the
 * longest run each quantified class has in the subject), so only patterns
 * that could really explode are refused. Upvalues: the library function, its
 * enum pattern_op, its name. */
static int kp_pattern(lua_State *L)
{
	struct engine *e = eng(L);
	enum pattern_op op = (enum pattern_op)lua_tointeger(L, lua_upvalueindex(2));
	const char *name = lua_tostring(L, lua_upvalueindex(3));
	int find = strcmp(name, "string.find") == 0;
	double left = RULES_PATTERN_BUDGET - e->patsteps;
	struct pattern_bound b;
	lua_Integer init = 1;
	const char *s, *p;
	size_t n, m;

	s = luaL_checklstring(L, 1, &n);
	p = luaL_checklstring(L, 2, &m);
	if (op != PATTERN_GSUB) { /* the start position, as Lua reads it */
		init = luaL_optinteger(L, 3, 1);
		if (init < 0)
			init = (size_t)-init > n ? 1 : (lua_Integer)n + init + 1;
		if (init == 0)
			init = 1;
		if ((size_t)init > n + 1)
			init = (lua_Integer)n + 1;
	}
	if (find && lua_toboolean(L, 4))
		op = PATTERN_PLAIN;
	pattern_cost(op, s + init - 1, n - (size_t)(init - 1), p, m, left, &b);
	if (b.total > left) {
		e->fatal = 1;
		return luaL_error(
			L,
			"%s：模式过于复杂，在 %I 字节的文本中匹配可能超过 %I 步（模式匹配预算），"
			"已停止；请减少模式中 *、+、-、? 的个数或缩短文本",
			name, (LUAI_UACINT)n, (LUAI_UACINT)left);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	/* find stops at its first match: only the start positions before it
	 * were tried (the others are in the bound, not in the work). */
	if (find && lua_isinteger(L, 1)) {
		double tried = (double)(lua_tointeger(L, 1) - init + 1);
		double used = b.scan + tried * (b.per_start + 1);
		if (used < b.total)
			b.total = used;
	}
	e->patsteps += b.total;
	return lua_gettop(L);
}

/* print -> a warning naming the rule line. */
static int kp_print(lua_State *L)
{
	luaL_Buffer b;
	int i, n = lua_gettop(L);

	luaL_buffinit(L, &b);
	for (i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	warnf(eng(L), "%s: %s", where(L, 1), lua_tostring(L, -1));
	return 0;
}

static int kp_warn(lua_State *L)
{
	const char *msg = luaL_checkstring(L, 1);
	warnf(eng(L), "%s: %s", where(L, 1), msg);
	return 0;
}

/* __index of the global table: every name a rule reads that is not defined
 * is an error (a misspelt name would read nil and score silently wrong); a
 * forbidden one says why. */
static int global_index(lua_State *L)
{
	const char *k = lua_tostring(L, 2);
	int i;

	if (!k || lua_type(L, 2) != LUA_TSTRING)
		return 0;
	for (i = 0; forbidden[i]; i++)
		if (strcmp(k, forbidden[i]) == 0)
			return luaL_error(L,
					  "规则沙箱中没有“%s”：规则只能通过 kp 读取数据，"
					  "不能访问文件、网络或进程",
					  k);
	return luaL_error(L, "读取了未定义的变量“%s”，请检查拼写", k);
}

/* The libraries reach rules as read-only proxies: an empty table whose
 * metatable reads through to the library (upvalue 1, named by upvalue 2).
 * Writing is an error, so a rule can not change string.format or kp.fmt for
 * the helpers that use them; reading a missing field is an error too. */
static int lib_index(lua_State *L)
{
	static const char *const removed[] = {"string.dump", "math.random", "math.randomseed"};
	char name[128];
	size_t i;

	lua_settop(L, 2);
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL || lua_type(L, 2) != LUA_TSTRING)
		return 1; /* past the end of kp.HOURS is nil: ipairs stops there */
	snprintf(name, sizeof name, "%s.%s", lua_tostring(L, lua_upvalueindex(2)),
		 luaL_tolstring(L, 2, NULL));
	if (strcmp(name, "kp.common") == 0)
		return luaL_error(L, "没有“kp.common”：规则目录中没有 %s（各考评共用的参数）",
				  COMMON_RULE);
	for (i = 0; i < sizeof removed / sizeof removed[0]; i++)
		if (strcmp(name, removed[i]) == 0) /* bytecode, and output that differs per run */
			return luaL_error(L, "规则沙箱中没有“%s”", name);
	return luaL_error(L, "没有“%s”：请检查拼写", name);
}

static int lib_newindex(lua_State *L)
{
	const char *t = lua_tostring(L, lua_upvalueindex(2));

	if (lua_type(L, 2) == LUA_TSTRING)
		return luaL_error(L, "不能修改“%s.%s”：string、math、table、utf8 和 kp 是只读的", t,
				  lua_tostring(L, 2));
	return luaL_error(L, "不能修改“%s[%s]”：string、math、table、utf8 和 kp 是只读的", t,
			  luaL_tolstring(L, 2, NULL));
}

static int lib_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

/* __pairs: iterates the library without handing out the table itself. */
static int lib_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushcclosure(L, lib_next, 1);
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

static int lib_len(lua_State *L)
{
	lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
	return 1;
}

/* Replaces the table t[field] with a read-only proxy; name is its name in
 * messages ("string", "kp.HOURS"). */
static void lock_table(lua_State *L, int t, const char *field, const char *name)
{
	static const struct {
		const char *event;
		lua_CFunction f;
	} mm[] = {{"__index", lib_index},
		  {"__newindex", lib_newindex},
		  {"__pairs", lib_pairs},
		  {"__len", lib_len}};
	size_t i;

	lua_getfield(L, t, field); /* the table */
	lua_newtable(L);	   /* the proxy */
	lua_newtable(L);	   /* its metatable */
	for (i = 0; i < sizeof mm / sizeof mm[0]; i++) {
		lua_pushvalue(L, -3);
		lua_pushstring(L, name);
		lua_pushcclosure(L, mm[i].f, 2);
		lua_setfield(L, -2, mm[i].event);
	}
	lua_pushliteral(L, "locked");
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_setfield(L, t, field);
	lua_pop(L, 1);
}

/* ---- state setup -------------------------------------------------------- */

/* Pushes an array of n strings. */
static void push_strings(lua_State *L, const char *const *v, int n)
{
	int i;

	lua_createtable(L, n, 0);
	for (i = 0; i < n; i++) {
		lua_pushstring(L, v[i]);
		lua_rawseti(L, -2, i + 1);
	}
}

/* Pushes { start =, end =, kind =, label =, words =, year =, this = } of a
 * period (this: 本年度, 本季度, 本月 for texts):
 * start and end are its first and last day ("2024-07-01", "2024-09-30"). */
static void push_period(lua_State *L, const struct parse_period *p)
{
	char words[32];

	lua_createtable(L, 0, 6);
	lua_pushstring(L, p->start);
	lua_setfield(L, -2, "start");
	lua_pushstring(L, p->end);
	lua_setfield(L, -2, "end");
	lua_pushstring(L, parse_period_kind_name(p->kind));
	lua_setfield(L, -2, "kind");
	lua_pushstring(L, p->label);
	lua_setfield(L, -2, "label");
	parse_period_words(p, words, sizeof words);
	lua_pushstring(L, words);
	lua_setfield(L, -2, "words");
	lua_pushinteger(L, p->year);
	lua_setfield(L, -2, "year");
	lua_pushstring(L, p->kind == PERIOD_QUARTER ? "本季度"
			  : p->kind == PERIOD_MONTH ? "本月"
						    : "本年度");
	lua_setfield(L, -2, "this");
}

int setup(lua_State *L)
{
	struct engine *e = eng(L);
	static const char *const base_names[] = {
		"assert",   "error", "ipairs",	 "next",   "pairs",  "select",	 "tonumber",
		"tostring", "type",  "rawequal", "rawget", "rawlen", "_VERSION", NULL,
	};
	static const luaL_Reg kp_funcs[] = {
		{"query", kp_query},
		{"has", kp_has},
		{"need", kp_need},
		{"period", kp_period},
		{"has_year", kp_has_year},
		{"round", kp_round},
		{"fmt", kp_fmt},
		{"card", kp_card},
		{"emit", kp_emit},
		{"warn", kp_warn},
		{NULL, NULL},
	};
	static const luaL_Reg card_methods[] = {
		{"add", card_add},   {"total", card_total}, {"publish", card_publish},
		{"name", card_name}, {NULL, NULL},
	};
	static const char *const libs[] = {"string", "math", "table", "utf8", "kp"};
	static const struct {
		const char *name;
		enum pattern_op op;
	} matchers[] = {{"string.find", PATTERN_FIND},
			{"string.match", PATTERN_FIND},
			{"string.gmatch", PATTERN_GMATCH},
			{"string.gsub", PATTERN_GSUB}};
	int i, G, kp;

	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);	     /* base: the source of copies */
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); /* sets the string metatable */
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
	lua_settop(L, 0);

	lua_newtable(L); /* the rules' global table */
	G = lua_gettop(L);
	lua_pushglobaltable(L);
	for (i = 0; base_names[i]; i++) {
		lua_getfield(L, -1, base_names[i]);
		lua_setfield(L, G, base_names[i]);
	}
	lua_pop(L, 1);
	for (i = 0; i < 4; i++) {
		lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
		lua_getfield(L, -1, libs[i]);
		lua_setfield(L, G, libs[i]);
		lua_pop(L, 1);
	}
	/* The string table is also the strings' __index: change it in place. */
	lua_getfield(L, G, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_getfield(L, -1, "rep");
	lua_pushcclosure(L, kp_rep, 1);
	lua_setfield(L, -2, "rep");
	for (i = 0; i < 4; i++) {
		lua_getfield(L, -1, matchers[i].name + 7); /* after "string." */
		lua_pushinteger(L, matchers[i].op);
		lua_pushstring(L, matchers[i].name);
		lua_pushcclosure(L, kp_pattern, 3);
		lua_setfield(L, -2, matchers[i].name + 7);
	}
	lua_pop(L, 1);
	lua_getfield(L, G, "math"); /* randomness would break byte-identical output */
	lua_pushnil(L);
	lua_setfield(L, -2, "random");
	lua_pushnil(L);
	lua_setfield(L, -2, "randomseed");
	lua_pop(L, 1);
	lua_pushcfunction(L, kp_pcall);
	lua_setfield(L, G, "pcall");
	lua_pushcfunction(L, kp_print);
	lua_setfield(L, G, "print");
	lua_pushvalue(L, G);
	lua_setfield(L, G, "_G");

	if (luaL_newmetatable(L, CARD_MT)) {
		lua_newtable(L);
		luaL_setfuncs(L, card_methods, 0);
		lua_setfield(L, -2, "__index");
		lua_pushcfunction(L, card_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushliteral(L, "kp.card");
		lua_setfield(L, -2, "__metatable");
	}
	lua_pop(L, 1);

	lua_newtable(L); /* kp */
	luaL_setfuncs(L, kp_funcs, 0);
	lua_pushinteger(L, e->year);
	lua_setfield(L, -2, "year");
	lua_pushinteger(L, e->prev_year);
	lua_setfield(L, -2, "prev_year");
	push_period(L, &e->period);
	push_period(L, &e->prev);
	lua_setfield(L, -2, "prev");
	push_period(L, &e->last_year);
	lua_setfield(L, -2, "last_year");
	lua_setfield(L, -2, "PERIOD");
	lua_pushboolean(L, e->final);
	lua_setfield(L, -2, "final");
	lua_pushstring(L, e->final ? RULES_VERSION_FINAL : RULES_VERSION_DRAFT);
	lua_setfield(L, -2, "version");
	kp = lua_gettop(L);
	lua_createtable(L, SCHEMA_NHOURS, 0);
	for (i = 0; i < SCHEMA_NHOURS; i++) {
		lua_pushinteger(L, schema_hours[i]);
		lua_rawseti(L, -2, i + 1);
	}
	lua_setfield(L, kp, "HOURS");
	push_strings(L, schema_levels, SCHEMA_NLEVELS);
	lua_setfield(L, kp, "LEVELS");
	push_strings(L, schema_criteria, SCHEMA_NCRITERIA);
	lua_setfield(L, kp, "CRITERIA");
	lua_pushvalue(L, kp); /* for common.lua's result, after the lock */
	lua_setfield(L, LUA_REGISTRYINDEX, KP_REG);
	lua_pushvalue(L, -1);
	lua_setfield(L, G, "kp");

	lua_newtable(L); /* metatable of the globals: undefined and forbidden names */
	lua_pushcfunction(L, global_index);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, G);

	lua_pushvalue(L, G); /* new chunks get the sandbox as _ENV */
	lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
	lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE); /* no way back to the libraries */
	lua_pushnil(L);
	lua_setfield(L, -2, LUA_GNAME);
	lua_pop(L, 1);

	if (luaL_loadbufferx(L, rules_prelude, rules_prelude_len, "=kp", "t") != LUA_OK)
		return lua_error(L);
	lua_pushvalue(L, -2); /* kp */
	lua_call(L, 1, 0);
	lock_table(L, kp, "HOURS", "kp.HOURS");
	lock_table(L, kp, "LEVELS", "kp.LEVELS");
	lock_table(L, kp, "CRITERIA", "kp.CRITERIA");
	for (i = 0; i < 5; i++)
		lock_table(L, G, libs[i], libs[i]);
	return 0;
}
