/* rules_kp.c - the kp API's data access: kp.query (read-only, budgeted),
 * kp.has/need, kp.period/has_year, and the rounding helpers (GB/T 8170)
 * behind kp.round and kp.fmt. */
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
#include "period.h"
#include "schema.h"

/* Input tables a rule may ask about with kp.has / kp.need. */
static const char *const input_tables[][2] = {
	{"units", "组织单元"},	   {"companies", "物业企业"},
	{"people", "人员"},	   {"branches", "党组织"},
	{"events", "网格事件"},	   {"services", "志愿服务"},
	{"wishes", "微心愿"},	   {"visits", "敲门走访"},
	{"evaluations", "评价"},   {"property_checks", "物业考评"},
	{"complaints", "投诉"},	   {"projects", "共建项目"},
	{"incidents", "重大事项"}, {"adjustments", "加减分"},
	{"appeals", "申诉"},
};
#define NINPUT ((int)(sizeof input_tables / sizeof input_tables[0]))

/* ---- rounding (GB/T 8170) ----------------------------------------------- */

static const double pow10tab[] = {1, 10, 100, 1000, 10000, 100000, 1000000};

long long rules_round_scaled(double x, int nd)
{
	double s = x * pow10tab[nd], fl = floor(s), diff = s - fl;
	double tol = 1e-9 * (fabs(s) > 1 ? fabs(s) : 1);

	if (fabs(diff - 0.5) <= tol) /* a tie as written: to the even neighbour */
		return (long long)(fmod(fl, 2) == 0 ? fl : fl + 1);
	return (long long)floor(s + 0.5);
}

/* Formats a scaled integer with nd decimals, exactly. */
void fmt_scaled(char *out, size_t sz, long long v, int nd)
{
	long long p = (long long)pow10tab[nd];
	unsigned long long a = v < 0 ? (unsigned long long)(-(v + 1)) + 1 : (unsigned long long)v;

	if (nd == 0)
		snprintf(out, sz, "%s%llu", v < 0 ? "-" : "", a);
	else
		snprintf(out, sz, "%s%llu.%0*llu", v < 0 ? "-" : "", a / (unsigned long long)p, nd,
			 a % (unsigned long long)p);
}

/* Checks a number for rounding: finite and small enough to scale exactly. */
long long check_round(lua_State *L, int idx, int nd, const char *what)
{
	double x = luaL_checknumber(L, idx);

	if (!isfinite(x))
		luaL_error(L, "%s：数值不是有限数（%f）", what, x);
	if (fabs(x) * pow10tab[nd] > 9.0e15)
		luaL_error(L, "%s：数值过大（%g）", what, x);
	return rules_round_scaled(x, nd);
}

static int check_digits(lua_State *L, int idx, int dflt)
{
	lua_Integer nd = luaL_optinteger(L, idx, dflt);
	if (nd < 0 || nd > 6)
		luaL_argerror(L, idx, "小数位数应在 0..6 之间");
	return (int)nd;
}

/* A Lua type in words, for messages to the people who edit rules. */
const char *tname(int t)
{
	switch (t) {
	case LUA_TNIL: return "空值";
	case LUA_TBOOLEAN: return "布尔值";
	case LUA_TNUMBER: return "数值";
	case LUA_TSTRING: return "文本";
	case LUA_TTABLE: return "表";
	case LUA_TFUNCTION: return "函数";
	default: return "其他类型";
	}
}

/* ---- kp: data access ---------------------------------------------------- */

struct stmtbox {
	struct store_stmt *st;
};

static int stmtbox_gc(lua_State *L)
{
	struct stmtbox *b = lua_touserdata(L, 1);
	store_finalize(b->st);
	b->st = NULL;
	return 0;
}

int progress_cb(void *arg)
{
	struct engine *e = arg;
	e->sqlsteps += SQL_PROGRESS_EVERY;
	return e->sqlsteps > sql_budget;
}

/* kp.query(sql, ...) -> array of rows, each a table keyed by column name. */
int kp_query(lua_State *L)
{
	struct engine *e = eng(L);
	const char *sql = luaL_checkstring(L, 1);
	int nargs = lua_gettop(L) - 1, i, ncols, rc, nrow = 0, names, result;
	struct stmtbox *box;
	struct diag d;

	diag_init(&d);
	box = lua_newuserdatauv(L, sizeof *box, 0);
	box->st = NULL;
	lua_newtable(L); /* metatable of the box */
	lua_pushcfunction(L, stmtbox_gc);
	lua_setfield(L, -2, "__gc");
	lua_setmetatable(L, -2);
	if (store_prepare(e->ro, sql, &box->st, &d) < 0) {
		if (strstr(d.msg, "not authorized"))
			return luaL_error(L, "SQL 被拒绝：规则只能执行 SELECT 查询（%s）", d.msg);
		return luaL_error(L, "SQL 错误：%s", d.msg);
	}
	if (!store_stmt_readonly(box->st))
		return luaL_error(L, "SQL 被拒绝：规则只能执行 SELECT 查询");
	if (store_bind_count(box->st) != nargs)
		return luaL_error(L, "SQL 有 %d 个参数（?），传入了 %d 个值",
				  store_bind_count(box->st), nargs);
	for (i = 1; i <= nargs; i++) {
		int t = lua_type(L, i + 1), r;
		size_t n;
		const char *s;
		switch (t) {
		case LUA_TNIL: r = store_bind_null(box->st, i); break;
		case LUA_TBOOLEAN: r = store_bind_int(box->st, i, lua_toboolean(L, i + 1)); break;
		case LUA_TNUMBER:
			r = lua_isinteger(L, i + 1)
				    ? store_bind_int(box->st, i, lua_tointeger(L, i + 1))
				    : store_bind_double(box->st, i, lua_tonumber(L, i + 1));
			break;
		case LUA_TSTRING:
			s = lua_tolstring(L, i + 1, &n);
			r = store_bind_text(box->st, i, s, (int)n);
			break;
		default:
			return luaL_error(L, "SQL 第 %d 个参数是%s，只能绑定数值、文本、布尔或 nil",
					  i, luaL_typename(L, i + 1));
		}
		if (r < 0)
			return luaL_error(L, "SQL 第 %d 个参数绑定失败", i);
	}
	ncols = store_ncols(box->st);
	lua_createtable(L, ncols, 0); /* column names */
	names = lua_gettop(L);
	for (i = 0; i < ncols; i++) {
		lua_pushstring(L, store_col_name(box->st, i));
		lua_rawseti(L, names, i + 1);
	}
	lua_newtable(L); /* result */
	result = lua_gettop(L);
	while ((rc = store_step(box->st, &d)) == STORE_ROW) {
		lua_createtable(L, 0, ncols);
		for (i = 0; i < ncols; i++) {
			lua_rawgeti(L, names, i + 1);
			switch (store_col_type(box->st, i)) {
			case STORE_NULL: lua_pop(L, 1); continue;
			case STORE_INT: lua_pushinteger(L, store_col_int(box->st, i)); break;
			case STORE_REAL: lua_pushnumber(L, store_col_double(box->st, i)); break;
			default:
				lua_pushlstring(L, store_col_text(box->st, i),
						(size_t)store_col_bytes(box->st, i));
			}
			lua_rawset(L, -3);
		}
		lua_rawseti(L, result, ++nrow);
	}
	if (rc != STORE_DONE) {
		if (e->sqlsteps > sql_budget) {
			e->fatal = 1;
			return luaL_error(L, "SQL 查询超出预算（%I 步），已中止",
					  (LUAI_UACINT)sql_budget);
		}
		return luaL_error(L, "SQL 执行失败：%s", d.msg);
	}
	store_finalize(box->st);
	box->st = NULL;
	return 1;
}

static int input_index(const char *t)
{
	int i;
	for (i = 0; i < NINPUT; i++)
		if (strcmp(t, input_tables[i][0]) == 0)
			return i;
	return -1;
}

static int has_rows(lua_State *L, int ti)
{
	struct engine *e = eng(L);
	char sql[128];

	snprintf(sql, sizeof sql, "SELECT 1 FROM \"%s\" LIMIT 1", input_tables[ti][0]);
	return store_scalar_int(e->ro, sql, 0) == 1;
}

/* kp.has(table) -> whether the input table has rows. */
int kp_has(lua_State *L)
{
	const char *t = luaL_checkstring(L, 1);
	int ti = input_index(t);

	if (ti < 0)
		return luaL_error(L, "kp.has：未知的输入表“%s”", t);
	lua_pushboolean(L, has_rows(L, ti));
	return 1;
}

/* kp.need(assessment, {tables}) -> true, or warns for each empty one and
 * returns false (the rule then skips its assessment). */
int kp_need(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1);
	lua_Integer i, n;
	int ok = 1;

	luaL_checktype(L, 2, LUA_TTABLE);
	n = luaL_len(L, 2);
	for (i = 1; i <= n; i++) {
		const char *t;
		int ti;
		lua_geti(L, 2, i);
		t = lua_tostring(L, -1);
		ti = t ? input_index(t) : -1;
		if (ti < 0)
			return luaL_error(L, "kp.need：未知的输入表“%s”", t ? t : "?");
		if (!has_rows(L, ti)) {
			warnf(eng(L), "%s: %s已跳过：没有%s数据（%s.csv 缺失或为空）", where(L, 1),
			      name, input_tables[ti][1], input_tables[ti][0]);
			ok = 0;
		}
		lua_pop(L, 1);
	}
	lua_pushboolean(L, ok);
	return 1;
}

/* kp.period(year) -> "YYYY-01-01", "YYYY+1-01-01"; kp.period(kp.PERIOD) (or
 * .prev, .last_year) -> its start and the day after its end: [from, to) for
 * SQL, so that timestamps of the last day count. */
int kp_period(lua_State *L)
{
	lua_Integer y;
	struct period w;

	if (lua_type(L, 1) == LUA_TTABLE) {
		struct parse_period p;
		const char *start, *end;
		lua_getfield(L, 1, "label");
		lua_getfield(L, 1, "start");
		lua_getfield(L, 1, "end");
		start = lua_tostring(L, -2);
		end = lua_tostring(L, -1);
		if (!lua_isstring(L, -3) ||
		    parse_period(lua_tostring(L, -3), strlen(lua_tostring(L, -3)), &p) < 0 ||
		    !start || !end || strcmp(start, p.start) != 0 || strcmp(end, p.end) != 0)
			return luaL_error(
				L, "kp.period：参数应为年份或 kp.PERIOD（及其 prev、last_year）");
		if (period_of_dates(p.start, p.end, &w) < 0)
			return luaL_error(L, "kp.period：期间 %s 无效", p.label);
		lua_pushstring(L, w.from);
		lua_pushstring(L, w.until);
		return 2;
	}
	y = luaL_checkinteger(L, 1);
	if (y < 1000 || y > 9998 || period_of_year((int)y, &w) < 0)
		return luaL_error(L, "kp.period：年份 %d 无效", (int)y);
	lua_pushstring(L, w.from);
	lua_pushstring(L, w.until);
	return 2;
}

int kp_has_year(lua_State *L)
{
	struct engine *e = eng(L);
	lua_Integer y = luaL_checkinteger(L, 1);
	int i, ok = 0;

	for (i = 0; i < e->nyears; i++)
		if (y >= e->years[i].lo && y <= e->years[i].hi)
			ok = 1;
	lua_pushboolean(L, ok);
	return 1;
}

int kp_round(lua_State *L)
{
	int nd = check_digits(L, 2, 2);
	long long v = check_round(L, 1, nd, "kp.round");
	lua_pushnumber(L, (double)v / pow10tab[nd]);
	return 1;
}

int kp_fmt(lua_State *L)
{
	int nd = check_digits(L, 2, 2);
	long long v = check_round(L, 1, nd, "kp.fmt");
	char out[64];

	fmt_scaled(out, sizeof out, v, nd);
	lua_pushstring(L, out);
	return 1;
}
