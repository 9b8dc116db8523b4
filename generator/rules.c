/* rules.c - the scoring engine: one sandboxed Lua 5.4 state per rule file.
 * The sandbox is an allow-listed global table, text-only chunks, a count hook
 * for the instruction budget and a capped allocator; SQL goes through a
 * read-only store connection with a progress budget. Results (score cards and
 * emitted rows) live in an engine arena until every rule has succeeded, then
 * go to the database in one transaction. The API is in rules/README.md.
 * This file runs the rule files: budgets, reading and running each file,
 * the period, and rules_run. */
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

long long instr_budget = RULES_INSTR_BUDGET;
long long sql_budget = RULES_SQL_BUDGET;
size_t mem_cap = RULES_MEM_CAP;

void rules_set_limits(long long instr, long long sql_steps, size_t mem)
{
	instr_budget = instr > 0 ? instr : RULES_INSTR_BUDGET;
	sql_budget = sql_steps > 0 ? sql_steps : RULES_SQL_BUDGET;
	mem_cap = mem > 0 ? mem : RULES_MEM_CAP;
}

/* Where the data years come from: table, date column. */
static const char *const year_sources[][2] = {
	{"event_facts", "year"}, {"services", "date"},	       {"wishes", "published_at"},
	{"visits", "date"},	 {"evaluations", "date"},      {"complaints", "date"},
	{"incidents", "date"},	 {"projects", "completed_at"}, {"property_checks", "quarter"},
};
_Static_assert(sizeof year_sources / sizeof year_sources[0] == NYEARSRC, "NYEARSRC (rules_int.h)");

/* ---- running ------------------------------------------------------------ */

/* Splits "src:line: msg" off a Lua message; returns msg or NULL. */
static const char *split_loc(const char *m, char *src, size_t srcsz, long *line)
{
	const char *p;

	for (p = m; *p && *p != '\n'; p++) {
		if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
			const char *q = p + 1;
			long l = 0;
			while (*q >= '0' && *q <= '9')
				l = l * 10 + (*q++ - '0');
			if (q[0] == ':' && q[1] == ' ') {
				snprintf(src, srcsz, "%.*s", (int)(p - m), m);
				*line = l;
				return q + 2;
			}
		}
	}
	return NULL;
}

/* Fills d from the error on top of the stack after a failed protected call. */
static int lua_failure(struct engine *e, int status, struct diag *d)
{
	const char *m = lua_tostring(e->L, -1), *rest;
	char src[256];
	long line = 0;

	if (status == LUA_ERRMEM || e->oom) {
		if (e->oom_line)
			return diag_at(d, e->oom_src, e->oom_line, 0,
				       "规则超出内存上限（%d MiB），已停止", (int)(e->cap >> 20));
		return diag_at(d, e->last_line ? e->last_src : e->chunk, e->last_line, 0,
			       "规则超出内存上限（%d MiB），已停止", (int)(e->cap >> 20));
	}
	if (!m)
		m = "未知错误";
	rest = split_loc(m, src, sizeof src, &line);
	if (strcmp(rest ? rest : m, "C stack overflow") == 0) { /* recursion through gsub, sort */
		m = "规则调用层数过深（C stack overflow），已停止：可能是函数无终止地递归调用";
		if (rest)
			rest = m;
	}
	if (rest) {
		if (e->ntrace > 1 || e->trace_cut)
			return diag_at(d, src, line, 0, "%s（调用栈：%s）", rest, e->trace);
		return diag_at(d, src, line, 0, "%s", rest);
	}
	if (e->err_src[0])
		return diag_at(d, e->err_src, e->err_line, 0, "%s", m);
	return diag_at(d, e->chunk, 0, 0, "%s", m);
}

/* The one protected-call helper: function and nargs on the stack. */
static int eng_pcall(struct engine *e, int nargs, struct diag *d)
{
	lua_State *L = e->L;
	int base = lua_gettop(L) - nargs, status;

	lua_pushcfunction(L, msgh);
	lua_insert(L, base);
	e->err_src[0] = '\0';
	e->ntrace = 0;
	e->trace_cut = 0;
	status = lua_pcall(L, nargs, 0, base);
	lua_remove(L, base);
	if (status == LUA_OK)
		return 0;
	lua_failure(e, status, d);
	lua_pop(L, 1);
	return -1;
}

/* Reads a rule file (text only) into a malloc'd buffer. */
static char *read_rule(const char *path, size_t *len, struct diag *d, const char *chunk)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	size_t n;

	if (!f) {
		diag_at(d, chunk, 0, 0, "无法读取规则文件：%s", strerror(errno));
		return NULL;
	}
	p = malloc(RULE_FILE_MAX + 3);
	if (!p) {
		fclose(f);
		diag_set(d, "内存不足");
		return NULL;
	}
	n = fread(p + 2, 1, RULE_FILE_MAX + 1, f);
	if (ferror(f) || n > RULE_FILE_MAX) {
		diag_at(d, chunk, 0, 0,
			ferror(f) ? "无法读取规则文件" : "规则文件过大（超过 1 MiB）");
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	*len = n;
	memmove(p, p + 2, n);
	/* A UTF-8 BOM (Windows editors) is skipped; a first line "#..." is a comment. */
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		memmove(p, p + 3, n - 3);
		n -= 3;
	}
	if (n && p[0] == '#') {
		memmove(p + 2, p + 1, n - 1);
		p[0] = p[1] = '-';
		n++;
	}
	*len = n;
	return p;
}

/* Runs common.lua's chunk (argument 1) and sets kp.common to the table it
 * returns. */
static int call_common(lua_State *L)
{
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1))
		return luaL_error(L, "%s 应以 return { … } 返回各考评共用的参数表，实为%s",
				  eng(L)->chunk, tname(lua_type(L, -1)));
	lua_getfield(L, LUA_REGISTRYINDEX, KP_REG);
	lua_insert(L, -2);
	lua_setfield(L, -2, "common");
	return 0;
}

/* Runs the rules dir's common.lua in the rule's fresh state, under the
 * rule's budgets, so that every assessment reads the same parameters. */
static int run_common(struct engine *e, struct diag *d)
{
	char *src, name[300], saved[sizeof e->chunk];
	size_t len = 0;
	int status, rc = -1;

	memcpy(saved, e->chunk, sizeof saved);
	snprintf(e->chunk, sizeof e->chunk, "%s", e->common_chunk);
	src = read_rule(e->common_path, &len, d, e->chunk);
	if (!src)
		goto done;
	if (len && (unsigned char)src[0] == LUA_SIGNATURE[0]) {
		diag_at(d, e->chunk, 1, 0,
			"拒绝加载：这是编译过的 Lua 字节码，规则只接受源代码文本");
		goto done;
	}
	lua_pushcfunction(e->L, call_common);
	snprintf(name, sizeof name, "@%s", e->chunk);
	status = luaL_loadbufferx(e->L, src, len, name, "t");
	if (status != LUA_OK) {
		lua_failure(e, status, d);
		lua_pop(e->L, 2);
		goto done;
	}
	rc = eng_pcall(e, 1, d);
done:
	free(src);
	memcpy(e->chunk, saved, sizeof saved);
	return rc;
}

static int run_file(struct engine *e, const char *path, const char *chunk, struct diag *d)
{
	char *src = NULL, name[300];
	size_t len = 0;
	int rc = -1, status;
	lua_State *L = NULL;

	snprintf(e->chunk, sizeof e->chunk, "%s", chunk);
	snprintf(e->last_src, sizeof e->last_src, "%s", chunk);
	e->last_line = 0;
	e->instr = e->sqlsteps = 0;
	e->patsteps = 0;
	e->fatal = e->oom = 0;
	e->oom_src[0] = '\0';
	e->oom_line = 0;
	src = read_rule(path, &len, d, chunk);
	if (!src)
		goto done;
	if (len && (unsigned char)src[0] == LUA_SIGNATURE[0]) {
		diag_at(d, chunk, 1, 0, "拒绝加载：这是编译过的 Lua 字节码，规则只接受源代码文本");
		goto done;
	}
	L = lua_newstate(lua_alloc, e);
	if (!L) {
		diag_at(d, chunk, 0, 0, "无法创建 Lua 状态（内存不足）");
		goto done;
	}
	e->L = L;
	lua_pushcfunction(L, setup);
	if (eng_pcall(e, 0, d) < 0)
		goto done;
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	store_set_progress(e->ro, SQL_PROGRESS_EVERY, progress_cb, e);
	if (e->common_path[0] && run_common(e, d) < 0)
		goto done;
	snprintf(name, sizeof name, "@%s", chunk);
	status = luaL_loadbufferx(L, src, len, name, "t");
	if (status != LUA_OK) {
		lua_failure(e, status, d);
		goto done;
	}
	free(src);
	src = NULL;
	if (eng_pcall(e, 0, d) < 0)
		goto done;
	rc = 0;
done:
	free(src);
	if (L) {
		lua_sethook(L, NULL, 0, 0);
		e->fatal = 0;
		lua_close(L); /* finalizes open statements and cards */
	}
	e->L = NULL;
	store_set_progress(e->ro, 0, NULL, NULL);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted *.lua names of dir; *out is freed with free_names. */
static int list_rules(const char *dir, char ***out, size_t *n, struct diag *d)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char **v = NULL;
	size_t cnt = 0, cap = 0;

	*out = NULL;
	*n = 0;
	if (!dh)
		return diag_at(d, dir, 0, 0, "无法打开规则目录：%s", strerror(errno));
	while ((de = readdir(dh))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".lua") != 0 ||
		    strcmp(de->d_name, COMMON_RULE) == 0) /* not an assessment */
			continue;
		if (cnt == cap) {
			char **nv = realloc(v, (cap = cap ? cap * 2 : 16) * sizeof *v);
			if (!nv)
				break;
			v = nv;
		}
		if (!(v[cnt] = strdup(de->d_name)))
			break;
		cnt++;
	}
	closedir(dh);
	if (de) {
		while (cnt)
			free(v[--cnt]);
		free(v);
		return diag_set(d, "内存不足");
	}
	if (cnt == 0) {
		free(v);
		return diag_at(d, dir, 0, 0, "规则目录中没有 .lua 规则文件");
	}
	qsort(v, cnt, sizeof *v, cmp_names);
	*out = v;
	*n = cnt;
	return 0;
}

/* The year ranges of the data, one per dated input table that has rows. */
static void data_years(struct engine *e)
{
	char sql[256];
	int i;
	struct store_stmt *st = NULL;
	struct diag d;

	e->nyears = 0;
	for (i = 0; i < NYEARSRC; i++) {
		snprintf(sql, sizeof sql,
			 "SELECT substr(min(%s), 1, 4), substr(max(%s), 1, 4) FROM %s",
			 year_sources[i][1], year_sources[i][1], year_sources[i][0]);
		if (store_prepare(e->ro, sql, &st, &d) < 0)
			continue;
		if (store_step(st, &d) == STORE_ROW && store_col_type(st, 0) != STORE_NULL) {
			long lo = strtol(store_col_text(st, 0), NULL, 10);
			long hi = strtol(store_col_text(st, 1), NULL, 10);
			if (lo >= 1000 && hi >= lo && hi <= 9998) {
				e->years[e->nyears].lo = (int)lo;
				e->years[e->nyears].hi = (int)hi;
				e->nyears++;
			}
		}
		store_finalize(st);
		st = NULL;
	}
}

static void engine_release(struct engine *e)
{
	smap_release(e, &e->strings);
	smap_release(e, &e->keys);
	eng_free(e, e->pubs, e->cappubs * sizeof *e->pubs);
	eng_free(e, e->rows, e->caprows * sizeof *e->rows);
	arena_free(e);
	store_close(e->ro);
}

/* Whether some published object is the one an adjustment or appeal names:
 * by kind (人员 are published under their role) and by code or name. */
static int named(const struct engine *e, const char *kind, const char *target)
{
	size_t i;

	for (i = 0; i < e->npubs; i++) {
		const struct pub *p = &e->pubs[i];
		if (strcmp(kind, "人员") != 0 && (!p->kind || strcmp(p->kind, kind) != 0))
			continue;
		if (strcmp(p->entity, target) == 0 || (p->name && strcmp(p->name, target) == 0))
			return 1;
	}
	return 0;
}

/* Appends to b the columns of event_facts after grid, year, level and source. */
static void measure_cols(struct buf *b)
{
	int k;

	buf_puts(b, "n, closed");
	for (k = 0; k < SCHEMA_NHOURS; k++)
		buf_printf(b, ", h%d", schema_hours[k]);
	for (k = 0; k < SCHEMA_NHOURS; k++)
		buf_printf(b, ", a%d", schema_hours[k]);
	buf_puts(b, ", rated, s1, s2, s3, s4, s5");
}

/* Appends the events of period p with their own columns: cl (closed in the
 * period, i.e. before the day after its end), sat (1..5 or 0), secs (seconds
 * from reported to closed, or to the period's end when open; with a deadline
 * 0 when met and 1e18 when missed: the definitions of ingest_facts.c). */
static void period_events(struct buf *b, const struct parse_period *p)
{
	struct parse_period next;
	int k;

	parse_period_back(p, -1, &next);
	buf_puts(b, "(SELECT grid, reporter, source, cl, CASE WHEN level IN (");
	for (k = 0; k < SCHEMA_NLEVELS; k++)
		buf_printf(b, "%s'%s'", k ? ", " : "", schema_levels[k]);
	buf_printf(
		b,
		") THEN level END AS level,"
		" CASE WHEN typeof(satisfaction) = 'integer' THEN satisfaction ELSE 0 END AS sat,"
		" CASE WHEN deadline IS NOT NULL THEN CASE WHEN substr(CASE WHEN cl THEN"
		" closed_at ELSE '%s 00:00:00' END, 1, 19) <= substr(deadline, 1, 19) THEN 0"
		" ELSE 1e18 END ELSE CAST(strftime('%%s', CASE WHEN cl THEN closed_at ELSE"
		" '%s 00:00:00' END) AS INTEGER) - CAST(strftime('%%s', reported_at) AS INTEGER)"
		" END AS secs FROM (SELECT *, (closed_at IS NOT NULL AND substr(closed_at, 1, 19)"
		" < '%s 00:00:00') AS cl FROM events WHERE reported_at >= '%s' AND reported_at <"
		" '%s' AND NOT kp_void(status)))",
		next.start, next.start, next.start, p->start, next.start);
}

/* The event facts the rules count: temp tables period_facts (p, grid, level,
 * source and the measures of event_facts) and period_reporter_facts (p,
 * reporter, grid, n, closed), for p = 'cur' (the period), 'prev' (the one
 * before, 环比) and 'last_year' (the same period a year before, 同比). A year
 * reads event_facts and reporter_facts as ingest summed them up; a quarter or
 * a month sums up its events here by the same definitions over [start, end]
 * (one scan of events per period; the store has no facts by grid and month).
 * temp: the temp tables of the rules' connection; else main.period_facts of the
 * results (rules_results.c). Returns -1 when b failed. */
int period_facts_sql(const struct engine *e, struct buf *b, int temp)
{
	const struct parse_period *ps[3] = {&e->period, &e->prev, &e->last_year};
	static const char *const names[3] = {"cur", "prev", "last_year"};
	int have_ev = e->have_event_facts, have_events = e->have_events;
	int i, k;

	if (temp) {
		buf_puts(b, "CREATE TEMP TABLE period_facts(p TEXT, grid TEXT, level TEXT, source "
			    "TEXT, ");
		measure_cols(b);
		buf_puts(b, ");\nCREATE TEMP TABLE period_reporter_facts(p TEXT, reporter TEXT, "
			    "grid TEXT,"
			    " n INTEGER, closed INTEGER);\n");
	} else {
		buf_puts(b, "DELETE FROM main.period_facts;\n");
	}
	for (i = 0; i < 3; i++) {
		const struct parse_period *p = ps[i];
		if (p->kind == PERIOD_YEAR && have_ev) {
			buf_printf(b,
				   "INSERT INTO %s.period_facts SELECT '%s', grid, level, source, ",
				   temp ? "temp" : "main", names[i]);
			measure_cols(b);
			buf_printf(b, " FROM event_facts WHERE year = %d;\n", p->year);
			if (temp)
				buf_printf(
					b,
					"INSERT INTO period_reporter_facts SELECT '%s', reporter,"
					" grid, n, closed FROM reporter_facts WHERE year = %d;\n",
					names[i], p->year);
		} else if (p->kind != PERIOD_YEAR && have_events) {
			buf_printf(b,
				   "INSERT INTO %s.period_facts SELECT '%s', grid, level, source,"
				   " count(*), sum(cl)",
				   temp ? "temp" : "main", names[i]);
			for (k = 0; k < SCHEMA_NHOURS; k++)
				buf_printf(b, ", sum(cl AND secs <= %d)", schema_hours[k] * 3600);
			for (k = 0; k < SCHEMA_NHOURS; k++)
				buf_printf(b, ", sum(NOT cl AND secs <= %d)",
					   schema_hours[k] * 3600);
			buf_puts(b, ", sum(sat BETWEEN 1 AND 5)");
			for (k = 1; k <= 5; k++)
				buf_printf(b, ", sum(sat = %d)", k);
			buf_puts(b, " FROM ");
			period_events(b, p);
			buf_puts(b, " GROUP BY grid, level, source;\n");
			if (!temp)
				continue;
			buf_printf(b,
				   "INSERT INTO period_reporter_facts SELECT '%s', reporter, grid,"
				   " count(*), sum(cl) FROM ",
				   names[i]);
			period_events(b, p);
			buf_puts(b, " WHERE reporter IN (SELECT id FROM people)"
				    " GROUP BY reporter, grid;\n");
		}
	}
	return b->failed ? -1 : 0;
}

/* The temp tables on the rules' read-only connection. */
static int period_facts(struct engine *e, struct diag *d)
{
	struct buf b;
	int rc;

	e->have_event_facts =
		store_scalar_int(e->ro,
				 "SELECT count(*) FROM sqlite_master WHERE name = 'event_facts'",
				 0) > 0 &&
		store_scalar_int(e->ro,
				 "SELECT count(*) FROM sqlite_master WHERE name = 'reporter_facts'",
				 0) > 0;
	e->have_events =
		store_scalar_int(e->ro, "SELECT count(*) FROM sqlite_master WHERE name = 'events'",
				 0) > 0 &&
		store_scalar_int(e->ro, "SELECT count(*) FROM sqlite_master WHERE name = 'people'",
				 0) > 0;
	buf_init(&b, 0);
	if (period_facts_sql(e, &b, 1) < 0) {
		buf_release(&b);
		return diag_set(d, "内存不足");
	}
	rc = store_exec_temp(e->ro, b.data, d);
	buf_release(&b);
	return rc;
}

/* Adjustments of the period and (in the 终稿) appeals that no assessment
 * applied: a misspelt code or name would otherwise count for nothing in
 * silence. Warnings only; a table an old database lacks is skipped. */
static void unmatched(struct engine *e)
{
	struct store_stmt *st = NULL;
	struct diag d;
	char from[24], to[24];

	struct parse_period next;

	parse_period_back(&e->period, -1, &next);
	snprintf(from, sizeof from, "%s", e->period.start);
	snprintf(to, sizeof to, "%s", next.start);
	if (store_prepare(e->ro,
			  "SELECT target_kind, target, reason FROM adjustments"
			  " WHERE date >= ?1 AND date < ?2 ORDER BY date, rowid",
			  &st, &d) == 0 &&
	    store_bind_text(st, 1, from, -1) == 0 && store_bind_text(st, 2, to, -1) == 0) {
		while (store_step(st, &d) == STORE_ROW)
			if (!named(e, store_col_text(st, 0), store_col_text(st, 1)))
				warnf(e,
				      "加减分的对象“%s”（%s，事由：%"
				      "s）不是任何考评的对象，未计入：请核对对象编码或名称",
				      store_col_text(st, 1), store_col_text(st, 0),
				      store_col_text(st, 2));
	}
	store_finalize(st);
	st = NULL;
	if (e->final &&
	    store_prepare(e->ro, "SELECT id, target_kind, target FROM appeals ORDER BY id", &st,
			  &d) == 0)
		while (store_step(st, &d) == STORE_ROW)
			if (!named(e, store_col_text(st, 1), store_col_text(st, 2)))
				warnf(e,
				      "申诉 %s "
				      "的对象“%s”（%"
				      "s）不是任何考评的对象，复核结论未计入：请核对对象编码或名称",
				      store_col_text(st, 0), store_col_text(st, 2),
				      store_col_text(st, 1));
	store_finalize(st);
}

int rules_run(struct store *rw, const char *db_path, const char *rules_dir,
	      const struct parse_period *period, int final,
	      void (*warn)(const char *msg, void *arg), void *warn_arg, struct diag *d)
{
	struct engine e;
	char **names = NULL, path[4096], chunk[256];
	const char *base;
	size_t n = 0, i, dl;
	int rc = -1, latest = 0;

	memset(&e, 0, sizeof e);
	e.cap = mem_cap;
	e.warn = warn;
	e.warn_arg = warn_arg;
	e.final = final;
	if (list_rules(rules_dir, &names, &n, d) < 0)
		return -1;
	if (store_open(&e.ro, db_path, STORE_READONLY, d) < 0)
		goto done;
	if (final && store_scalar_int(e.ro, "SELECT count(*) FROM appeals", 0) <= 0) {
		diag_set(d, "生成终稿（--final）需要申诉复核结果：输入中没有申诉数据（appeals.csv "
			    "缺失或为空）；"
			    "未经复核的结果请不加 --final 运行，生成公示稿");
		goto done;
	}
	data_years(&e);
	for (i = 0; i < (size_t)e.nyears; i++)
		if (e.years[i].hi > latest)
			latest = e.years[i].hi;
	if (!period) {
		char y[8];
		if (!latest) {
			diag_set(d, "数据中没有带日期的记录，无法确定考评年度（请用 --period 或 "
				    "--year 指定）");
			goto done;
		}
		snprintf(y, sizeof y, "%d", latest % 10000);
		if (parse_period(y, strlen(y), &e.period) < 0) {
			diag_set(d, "数据中的年份 %d 无效", latest);
			goto done;
		}
	} else {
		int ok = 0;
		e.period = *period;
		for (i = 0; i < (size_t)e.nyears; i++)
			if (e.period.year >= e.years[i].lo && e.period.year <= e.years[i].hi)
				ok = 1;
		if (!ok)
			warnf(&e, "数据中没有 %d 年的记录：各项考评将按无数据计算", e.period.year);
	}
	e.year = e.period.year;
	e.prev_year = e.period.year - 1;
	parse_period_back(&e.period, 1, &e.prev);
	parse_period_back(&e.period,
			  e.period.kind == PERIOD_QUARTER ? 4
			  : e.period.kind == PERIOD_MONTH ? 12
							  : 1,
			  &e.last_year);
	if (period_facts(&e, d) < 0)
		goto done;

	/* Chunk names are "<last component of the rules dir>/<file>": short,
	 * stable across machines, and what every error and score item cites. */
	dl = strlen(rules_dir);
	while (dl > 1 && rules_dir[dl - 1] == '/')
		dl--;
	base = rules_dir + dl;
	while (base > rules_dir && base[-1] != '/')
		base--;
	snprintf(path, sizeof path, "%.*s/%s", (int)dl, rules_dir, COMMON_RULE);
	if (access(path, F_OK) == 0) {
		snprintf(e.common_path, sizeof e.common_path, "%s", path);
		snprintf(e.common_chunk, sizeof e.common_chunk, "%.*s/%s",
			 (int)(rules_dir + dl - base), base, COMMON_RULE);
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%.*s/%s", (int)dl, rules_dir, names[i]);
		snprintf(chunk, sizeof chunk, "%.*s/%s", (int)(rules_dir + dl - base), base,
			 names[i]);
		if (run_file(&e, path, chunk, d) < 0)
			goto done;
	}
	unmatched(&e);
	store_close(e.ro); /* no reader may hold the file while we write */
	e.ro = NULL;
	if (write_results(&e, rw, names, n, d) < 0)
		goto done;
	rc = 0;
done:
	engine_release(&e);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}
