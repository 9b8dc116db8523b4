/* rules_test.c - unit tests of the rules engine: rounding, the kp API, the
 * sandbox (every error names file:line and writes nothing), explain.
 * Builds a database with store_open(STORE_CREATE) and rule files in a temp dir. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "pattern.h"
#include "rules.h"
#include "store.h"

static int failures, checks;
static char tmpdir[256], dbpath[300], rulesdir[300];

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		checks++;                                                                          \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			fprintf(stderr, "%s:%d: FAIL: ", __FILE__, __LINE__);                      \
			fprintf(stderr, __VA_ARGS__);                                              \
			fputc('\n', stderr);                                                       \
		}                                                                                  \
	} while (0)

static struct buf warnings;

static void on_warn(const char *msg, void *arg)
{
	(void)arg;
	buf_puts(&warnings, msg);
	buf_putc(&warnings, '\n');
}

static void test_round(void)
{
	static const struct {
		double x;
		int nd;
		long long want;
	} t[] = {
		{2.675, 2, 268},
		{2.665, 2, 266},
		{0.125, 2, 12},
		{0.135, 2, 14},
		{-2.675, 2, -268},
		{1.005, 2, 100},
		{9.375, 2, 938},
		{3.125, 2, 312},
		{19.16279, 2, 1916},
		{23.375, 2, 2338},
		{95.805, 2, 9580},
		{0.5, 0, 0},
		{1.5, 0, 2},
		{2.5, 0, 2},
		{-0.5, 0, 0},
		{13.3333333, 2, 1333},
		{100, 2, 10000},
		{0, 2, 0},
		{1234.5678, 3, 1234568},
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		long long got = rules_round_scaled(t[i].x, t[i].nd);
		CHECK(got == t[i].want, "round(%.10g, %d) = %lld, want %lld", t[i].x, t[i].nd, got,
		      t[i].want);
	}
}

static void write_file(const char *dir, const char *name, const char *text, size_t n)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(text, 1, n, f) != n || fclose(f) != 0) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(2);
	}
}

static void clear_rules(void)
{
	char cmd[1200];
	snprintf(cmd, sizeof cmd, "rm -f '%s'/*.lua", rulesdir);
	if (system(cmd) != 0)
		exit(2);
}

static void make_db(void)
{
	struct store *s = NULL;
	struct diag d;

	diag_init(&d);
	if (store_open(&s, dbpath, STORE_CREATE, &d) < 0 ||
	    store_exec(s,
		       "INSERT INTO units VALUES('C0','县','county',NULL,NULL,NULL),"
		       "('S1','城关街道','street','C0',NULL,NULL),"
		       "('M1','和平社区','community','S1',100,NULL),"
		       "('G1','一网格','grid','M1',40,NULL),('G2','二网格','grid','M1',60,NULL);"
		       "INSERT INTO events(id, grid, reported_at, closed_at, level) VALUES"
		       "('E1','G1','2024-03-01 08:00:00','2024-03-02 08:00:00','网格'),"
		       "('E2','G1','2025-03-01 08:00:00','2025-03-02 08:00:00','网格'),"
		       "('E3','G2','2025-04-01 08:00:00',NULL,NULL);"
		       /* Ingest sums events into event_facts; this fixture bypasses it. */
		       "INSERT INTO event_facts(grid, year, level, n, closed)"
		       " SELECT grid, CAST(substr(reported_at, 1, 4) AS INTEGER), level, count(*),"
		       " count(closed_at) FROM events GROUP BY 1, 2, 3;",
		       &d) < 0) {
		fprintf(stderr, "make_db: %s\n", d.msg);
		exit(2);
	}
	store_close(s);
}

/* Runs the rules dir; returns rules_run's status, fills d. */
static int run(int year, struct diag *d)
{
	struct store *rw = NULL;
	int rc;

	diag_init(d);
	buf_reset(&warnings);
	if (store_open(&rw, dbpath, STORE_UPDATE, d) < 0)
		return -2;
	{
		struct parse_period p;
		char y[8];
		snprintf(y, sizeof y, "%d", year % 10000);
		rc = rules_run(rw, dbpath, rulesdir,
			       year && parse_period(y, strlen(y), &p) == 0 ? &p : NULL, 0, on_warn,
			       NULL, d);
	}
	store_close(rw);
	return rc;
}

static long long scalar(const char *sql)
{
	struct store *s = NULL;
	struct diag d;
	long long v;

	diag_init(&d);
	if (store_open(&s, dbpath, STORE_READONLY, &d) < 0)
		return -999;
	v = store_scalar_int(s, sql, -999);
	store_close(s);
	return v;
}

static const char good_rule[] =
	"local P = { name = \"测试考评\", per_event = 2.5 }\n"
	"local from, to = kp.period(kp.year)\n"
	"local card = kp.card(P.name)\n"
	"local rows = kp.query([[SELECT g.code, g.name, count(e.id) AS n FROM units g\n"
	"  LEFT JOIN events e ON e.grid = g.code AND e.reported_at >= ? AND e.reported_at < ?\n"
	"  WHERE g.level = 'grid' GROUP BY g.code ORDER BY g.code]], from, to)\n"
	"for _, r in ipairs(rows) do\n"
	"  card:add{ entity = r.code, item = \"事件\", inputs = r.n .. \" 件\", points = r.n * "
	"P.per_event, reason = \"每件 2.5 分\" }\n"
	"  card:add{ entity = r.code, item = \"修约\", points = 0.125, reason = \"五成双\" }\n"
	"  card:add{ entity = r.code, item = \"扣分\", points = -1 / 3, reason = \"三分之一\" }\n"
	"  r.score = card:total(r.code)\n"
	"end\n"
	"kp.rank(rows)\n"
	"for _, r in ipairs(rows) do\n"
	"  card:publish(r.code, { kind = \"网格\", name = r.name, result = \"第 \" .. r.rank .. \" "
	"名\\n第二行\" })\n"
	"  kp.emit(\"grid_tiers\", { code = r.code, name = r.name, score = r.score, rank = "
	"r.rank,\n"
	"    tier = \"一档\", funding = 100.0 })\n"
	"end\n"
	"print(\"年度\", kp.year, kp.prev_year, kp.has_year(2024), kp.has_year(2023))\n"
	"kp.warn(kp.fmt(2.675, 2) .. \" \" .. kp.fmt(-0.5, 0) .. \" \" .. kp.round(1.005, 2) .. \" "
	"\" .. kp.pct(1, 3) .. \" \" .. kp.pct(1, 0))\n"
	"kp.need(P.name, { \"visits\", \"events\" })\n";

static void test_good(void)
{
	struct diag d;
	struct store *s = NULL;
	struct buf out;
	int rc;
	static const char want[] = "测试考评（2025 年度）：网格 G1 一网格\n"
				   "  1. 事件：+2.50 分\n"
				   "     数据：1 件\n"
				   "     依据：每件 2.5 分（rules/10_good.lua:8）\n"
				   "  2. 修约：+0.12 分\n"
				   "     依据：五成双（rules/10_good.lua:9）\n"
				   "  3. 扣分：-0.33 分\n"
				   "     依据：三分之一（rules/10_good.lua:10）\n"
				   "  合计：2.29 分\n"
				   "  结果：第 1 名\n"
				   "        第二行\n";

	clear_rules();
	write_file(rulesdir, "10_good.lua", good_rule, sizeof good_rule - 1);
	rc = run(0, &d);
	CHECK(rc == 0, "good rule failed: %s:%ld: %s", d.file, d.line, d.msg);
	CHECK(scalar("SELECT value FROM run WHERE key = 'year'") == 2025, "year");
	CHECK(scalar("SELECT value FROM run WHERE key = 'prev_year'") == 2024, "prev_year");
	CHECK(scalar("SELECT count(*) FROM score_items") == 6, "6 items");
	CHECK(scalar("SELECT round(score * 100) FROM scores WHERE entity = 'G1'") == 229,
	      "G1 score");
	CHECK(scalar("SELECT round(score * 100) FROM scores WHERE entity = 'G2'") == 229,
	      "G2 score");
	CHECK(scalar("SELECT rank FROM grid_tiers WHERE code = 'G2'") == 1, "tie shares rank 1");
	CHECK(scalar("SELECT funding FROM grid_tiers WHERE code = 'G1'") == 100, "funding");
	CHECK(strstr(warnings.data ? warnings.data : "",
		     "rules/10_good.lua:19: 年度\t2025\t2024\ttrue\tfalse\n") != NULL,
	      "print warning: %s", warnings.data);
	CHECK(strstr(warnings.data ? warnings.data : "",
		     "rules/10_good.lua:20: 2.68 0 1.0 33.33% —\n") != NULL,
	      "helpers: %s", warnings.data);
	CHECK(strstr(warnings.data ? warnings.data : "",
		     "rules/10_good.lua:21: 测试考评已跳过：没有敲门走访数据（visits.csv "
		     "缺失或为空）") != NULL,
	      "need: %s", warnings.data);

	buf_init(&out, 0);
	diag_init(&d);
	if (store_open(&s, dbpath, STORE_READONLY, &d) == 0) {
		CHECK(rules_explain(s, "G1", &out, &d) == 1, "explain G1: %s", d.msg);
		CHECK(out.data && strcmp(out.data, want) == 0, "explain text:\n%s", out.data);
		buf_reset(&out);
		CHECK(rules_explain(s, "nope", &out, &d) == 0 && out.len == 0, "explain unknown");
		store_close(s);
	}
	buf_release(&out);

	/* --year picks another period */
	rc = run(2024, &d);
	CHECK(rc == 0, "year 2024: %s", d.msg);
	CHECK(scalar("SELECT round(score * 100) FROM scores WHERE entity = 'G2'") == -21,
	      "G2 2024");
	run(0, &d);
}

struct bad {
	const char *src;
	long line;
	const char *msg; /* a part of the message */
};

static const struct bad bads[] = {
	{"local x = 1\nos.execute('true')\n", 2, "规则沙箱中没有“os”"},
	{"local f = io.open('/etc/passwd')\n", 1, "规则沙箱中没有“io”"},
	{"\n\nrequire('os')\n", 3, "规则沙箱中没有“require”"},
	{"load('return 1')\n", 1, "规则沙箱中没有“load”"},
	{"dofile('/etc/passwd')\n", 1, "没有“dofile”"},
	{"loadfile('x')\n", 1, "没有“loadfile”"},
	{"debug.traceback()\n", 1, "没有“debug”"},
	{"collectgarbage()\n", 1, "没有“collectgarbage”"},
	{"setmetatable({}, {})\n", 1, "没有“setmetatable”"},
	{"local d = string.dump(print)\n", 1, "规则沙箱中没有“string.dump”"},
	{"local r = math.random()\n", 1, "规则沙箱中没有“math.random”"},
	/* runaway recursion and pathological patterns stop at once (issue 9) */
	{"local function f(n) return f(n + 1) + 1 end\nf(1)\n", 1,
	 "规则调用层数超过 200 层，已停止：可能是函数无终止地递归调用（调用栈：bad/01_bad.lua:1 ← "
	 "…）"},
	{"local ok = pcall(function()\n  local function f() return f() + 1 end\n  return "
	 "f()\nend)\n",
	 2, "规则调用层数超过 200 层"},
	{"local s = ('a'):rep(3000)\nlocal x = string.find(s, ('a*'):rep(25) .. 'b')\n", 2,
	 "string.find：模式过于复杂，在 3000 字节的文本中匹配可能超过 1000000000 步"},
	{"local s = ('a'):rep(3000)\nlocal x = s:match(('a*'):rep(25) .. 'b')\n", 2,
	 "string.match：模式过于复杂"},
	{"local s = ('a'):rep(3000)\nlocal x = s:gsub(('a-'):rep(25) .. 'b', '')\n", 2,
	 "string.gsub：模式过于复杂"},
	{"local s = ('a'):rep(3000)\nfor w in s:gmatch(('a?'):rep(40) .. 'b') do end\n", 2,
	 "string.gmatch：模式过于复杂"},
	{"local s = ('a'):rep(300)\nlocal ok = pcall(string.find, s, '.-.-.-.-b')\n", 2,
	 "string.find：模式过于复杂"},
	{"local s = ('a'):rep(20000)\nfor i = 1, 1000 do s:find('a-b') end\n", 2,
	 "string.find：模式过于复杂，在 20000 字节的文本中匹配可能超过"}, /* the budget is
									     cumulative */
	{"local function f(s) return (s:gsub('.', f)) end\nf('ab')\n", 1,
	 "规则调用层数过深（C stack overflow），已停止"},
	{"local s = ('x'):rep(20 * 2^20)\nlocal t = s .. s .. s .. s\n", 2,
	 "规则超出内存上限（64 MiB），已停止"},
	/* a stricter sandbox (issue 14) */
	{"local P = { weight = 1 }\nlocal x = wieght\n", 2,
	 "读取了未定义的变量“wieght”，请检查拼写"},
	{"string.format = nil\n", 1,
	 "不能修改“string.format”：string、math、table、utf8 和 kp 是只读的"},
	{"local x = 1\nkp.fmt = function() return 'x' end\n", 2, "不能修改“kp.fmt”"},
	{"math.pi = 3\n", 1, "不能修改“math.pi”"},
	{"table.sort = nil\n", 1, "不能修改“table.sort”"},
	{"utf8.extra = 1\n", 1, "不能修改“utf8.extra”"},
	{"local x = math.PI\n", 1, "没有“math.PI”：请检查拼写"},
	{"local y = kp.yaer\n", 1, "没有“kp.yaer”：请检查拼写"},
	{"table, string, math = nil, nil, nil\nlocal l = kp.rank({ { code = 'b', score = 1 }, { "
	 "code = 'a', score = 2 } })\n"
	 "error(l[1].code .. kp.pct(1, 4) .. kp.marks(2))\n",
	 3, "a25.00%?,?"},
	{"local x = 1\nwhile true do end\n", 2, "规则超出指令预算"},
	{"local ok = pcall(function() while true do end end)\nwhile true do end\n", 1,
	 "规则超出指令预算"},
	{"local s = string.rep('x', 1e10)\n", 1, "string.rep：结果"},
	{"local s = ('ab'):rep(1e9, ',')\n", 1, "超出规则内存上限"},
	{"local t = {}\nfor i = 1, 1e9 do t[i] = {i} end\n", 2, "规则超出内存上限"},
	{"kp.emit('grid_tiers', { code = 'G1', score = '很高', tier = '一档', funding = 1 })\n", 1,
	 "列“score”应为数值，实为文本“很高”"},
	{"kp.emit('grid_tiers', { code = 'G1', score = 0/0, tier = '一档', funding = 1 })\n", 1,
	 "列“score”的值不是有限数"},
	{"kp.emit('grid_tiers', { code = 'G1', score = 1/0, tier = '一档', funding = 1 })\n", 1,
	 "列“score”的值不是有限数"},
	{"kp.emit('grid_tiers', { code = 'G1', score = 1, tier = '一档', funding = 1.5 })\n", 1,
	 "列“funding”应为整数"},
	{"kp.emit('grid_tiers', { code = 'G1', score = 1, tier = '一档' })\n", 1,
	 "缺少必填列“funding”"},
	{"kp.emit('grid_tiers', { code = 'G1', score = 1, tier = '一档', funding = 1, colour = "
	 "'red' })\n",
	 1, "未知的列“colour”"},
	{"kp.emit('grid_tier', {})\n", 1, "未知的结果表“grid_tier”"},
	{"kp.emit('grid_tiers', { code = 7, score = 1, tier = '一档', funding = 1 })\n", 1,
	 "列“code”应为文本，实为数值"},
	{"local r = { code = 'G1', score = 1, tier = '一档', funding = 1 }\nkp.emit('grid_tiers', "
	 "r)\n"
	 "kp.emit('grid_tiers', r)\n",
	 2, "重复的行（G1）"}, /* 00_ok.lua emitted G1 first */
	{"local c = kp.card('x')\nc:add{ entity = 'G1', item = 'a', points = 1 }\n", 2,
	 "缺少必填字段“reason”"},
	{"local c = kp.card('x')\nc:add{ entity = 'G1', item = 'a', points = '1', reason = 'r' }\n",
	 2, "字段“points”应为数值，实为文本“1”"},
	{"local c = kp.card('x')\nc:add{ entity = 'G1', item = 'a', points = 0/0, reason = 'r' }\n",
	 2, "数值不是有限数"},
	{"local c = kp.card('x')\nc:add{ entity = 'G1', item = 'a', pts = 1, reason = 'r' }\n", 2,
	 "未知的字段“pts”"},
	{"local c = kp.card('x')\nc:publish('G1')\nc:publish('G1')\n", 3, "已经发布过"},
	{"local c = kp.card('x')\nc:publish('G1')\nc:add{ entity = 'G1', item = 'a', points = 1, "
	 "reason = 'r' }\n",
	 3, "已发布，不能再加分"},
	{"kp.query('DELETE FROM events')\n", 1, "SQL 被拒绝：规则只能执行 SELECT 查询"},
	{"kp.query('INSERT INTO events(id, grid, reported_at) VALUES (1, 2, 3)')\n", 1,
	 "SQL 被拒绝"},
	{"kp.query('PRAGMA writable_schema = 1')\n", 1, "SQL 被拒绝"},
	{"kp.query(\"ATTACH DATABASE '/tmp/x.db' AS x\")\n", 1, "SQL 被拒绝"},
	{"kp.query('SELECT * FROM events WHERE id = ?')\n", 1,
	 "SQL 有 1 个参数（?），传入了 0 个值"},
	{"kp.query('SELECT nonsense FROM nowhere')\n", 1, "SQL 错误"},
	{"kp.query('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT "
	 "count(*) FROM c')\n",
	 1, "SQL 查询超出预算"},
	{"local x = = 1\n", 1, "unexpected symbol"},
	{"local function f()\n  error('坏了')\nend\nf()\n", 2,
	 "坏了（调用栈：bad/01_bad.lua:2 ← bad/01_bad.lua:4）"},
	{"error({})\n", 1, "规则抛出了表类型的错误对象"},
	{"local t = nil\nlocal x = t.field\n", 2, "attempt to index a nil value"},
	{"kp.rank({ { code = 'a', score = 'x' } })\n", 1, "kp.rank：第 1 项的“score”不是数值"},
	{"kp.need('x', { 'secrets' })\n", 1, "kp.need：未知的输入表“secrets”"},
};

static void test_bad(void)
{
	char saved_dir[300];
	struct diag d;
	size_t i;
	long long items = scalar("SELECT count(*) FROM score_items");

	CHECK(items == 6, "results of the good run present (%lld)", items);
	snprintf(saved_dir, sizeof saved_dir, "%s", rulesdir);
	snprintf(rulesdir, sizeof rulesdir, "%s/bad", tmpdir);
	rules_set_limits(20000000, 2000000, 64u << 20);
	for (i = 0; i < sizeof bads / sizeof bads[0]; i++) {
		clear_rules();
		write_file(rulesdir, "01_bad.lua", bads[i].src, strlen(bads[i].src));
		/* a good rule that runs first: its results must not be written either */
		write_file(rulesdir, "00_ok.lua", good_rule, sizeof good_rule - 1);
		CHECK(run(0, &d) == -1, "bad rule %zu ran", i);
		CHECK(strcmp(d.file, "bad/01_bad.lua") == 0 && d.line == bads[i].line,
		      "bad rule %zu: at %s:%ld, want line %ld (%s)", i, d.file, d.line,
		      bads[i].line, d.msg);
		CHECK(strstr(d.msg, bads[i].msg) != NULL, "bad rule %zu: message “%s” lacks “%s”",
		      i, d.msg, bads[i].msg);
		CHECK(scalar("SELECT count(*) FROM score_items") == items,
		      "bad rule %zu wrote results", i);
		CHECK(scalar("SELECT count(*) FROM run WHERE value LIKE '%00_ok%'") == 0,
		      "run table touched");
	}
	/* bytecode is refused */
	clear_rules();
	write_file(rulesdir, "01_bad.lua", "\x1bLuaT\x00\x19\x93\r\n\x1a\n", 12);
	CHECK(run(0, &d) == -1 && d.line == 1 && strstr(d.msg, "字节码"), "bytecode: %s", d.msg);
	rules_set_limits(0, 0, 0);
	snprintf(rulesdir, sizeof rulesdir, "%s", saved_dir);
}

static void test_misc(void)
{
	struct diag d;
	char empty[300];

	/* no rule files, and a missing directory */
	snprintf(empty, sizeof empty, "%s", rulesdir);
	snprintf(rulesdir, sizeof rulesdir, "%s/none", tmpdir);
	CHECK(run(0, &d) == -1 && strstr(d.msg, "无法打开规则目录"), "missing dir: %s", d.msg);
	snprintf(rulesdir, sizeof rulesdir, "%s", empty);
	clear_rules();
	CHECK(run(0, &d) == -1 && strstr(d.msg, "没有 .lua 规则文件"), "empty dir: %s", d.msg);
	/* a BOM and a #! line are accepted; line numbers stay right */
	{
		static const char bom[] =
			"\xEF\xBB\xBF#!/usr/bin/lua\nlocal x = 1\nerror('第三行')\n";
		write_file(rulesdir, "01_bom.lua", bom, sizeof bom - 1);
	}
	CHECK(run(0, &d) == -1 && d.line == 3 && strstr(d.msg, "第三行"), "bom: %s:%ld %s", d.file,
	      d.line, d.msg);
}

/* The bound on Lua's pattern matcher: astronomic for the pathological
 * patterns, small for the real ones, and at least the plain search's work. */
static void test_pattern_cost(void)
{
	static char aaa[3001];
	static const struct {
		enum pattern_op op;
		const char *s, *p;
		double lo, hi; /* the bound must be in [lo, hi] */
	} t[] = {
		{PATTERN_GSUB, "a b  c", "%s+", 7, 60},
		{PATTERN_FIND, "2025-01", "^(%d+)-(%d+)$", 1, 200},
		{PATTERN_FIND, "网格员张三", "张三", 16, 120},
		{PATTERN_FIND, "abc", "[a", 0, 20},	/* malformed: Lua stops at "[" */
		{PATTERN_FIND, "abc", "%", 0, 20},	/* malformed */
		{PATTERN_FIND, "a(b)c", "%b()", 5, 50}, /* one scan per start */
		{PATTERN_PLAIN, "aaaa", "aa", 15, 15},
	};
	struct pattern_bound b;
	char p[64];
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		pattern_cost(t[i].op, t[i].s, strlen(t[i].s), t[i].p, strlen(t[i].p), 1e9, &b);
		CHECK(b.total >= t[i].lo && b.total <= t[i].hi, "cost of “%s” on “%s”: %g", t[i].p,
		      t[i].s, b.total);
	}
	memset(aaa, 'a', 3000);
	for (i = 0; i < 25; i++)
		memcpy(p + 2 * i, "a*", 2);
	p[50] = 'b';
	pattern_cost(PATTERN_FIND, aaa, 3000, p, 51, 1e9, &b);
	CHECK(b.total > 1e9, "pathological pattern allowed: %g", b.total);
	pattern_cost(PATTERN_FIND, aaa, 3000, "a*b", 3, 1e9, &b);
	CHECK(b.total > 3000.0 * 3000 / 2 && b.total < 1e9, "a*b on 3000 a: %g", b.total);
}

/* common.lua, kp.common and the constants kp.HOURS, kp.LEVELS, kp.CRITERIA. */
static void test_shared(void)
{
	static const char common[] = "local C = { limit = 72 }\nC.n = #kp.HOURS\nreturn C\n";
	static const char a[] =
		"kp.warn(table.concat(kp.HOURS, ',') .. '|' .. table.concat(kp.LEVELS, ',') .. '|' "
		"..\n"
		"  #kp.CRITERIA .. kp.CRITERIA[1] .. kp.CRITERIA[13] .. '|' .. kp.common.limit .. "
		"'|' ..\n"
		"  kp.common.n)\n"
		"local n = 0\nfor _ in pairs(string) do n = n + 1 end\n"
		"kp.warn('pairs ' .. tostring(n > 10))\n"
		"kp.warn(('a b  c'):gsub('%s+', '-') .. '|' .. ('x=12'):match('(%d+)') .. '|' ..\n"
		"  string.find('a.b', '.', 1, true))\n";
	static const char b[] = "kp.warn('b ' .. kp.common.limit)\n";
	struct diag d;

	clear_rules();
	write_file(rulesdir, "common.lua", common, sizeof common - 1);
	write_file(rulesdir, "01_a.lua", a, sizeof a - 1);
	write_file(rulesdir, "02_b.lua", b, sizeof b - 1);
	CHECK(run(0, &d) == 0, "shared: %s:%ld %s", d.file, d.line, d.msg);
	CHECK(strstr(warnings.data ? warnings.data : "",
		     "rules/01_a.lua:1: "
		     "24,48,72,120,168,240,360,720|网格,社区,街道,部门,区级|13组织建设业主满意|"
		     "72|8\n") != NULL,
	      "constants: %s", warnings.data);
	CHECK(strstr(warnings.data, "rules/01_a.lua:6: pairs true\n") != NULL, "pairs: %s",
	      warnings.data);
	CHECK(strstr(warnings.data, "rules/01_a.lua:7: a-b-c|12|2\n") != NULL, "patterns: %s",
	      warnings.data);
	CHECK(strstr(warnings.data, "rules/02_b.lua:1: b 72\n") != NULL, "common per file: %s",
	      warnings.data);
	CHECK(scalar("SELECT value FROM run WHERE key = 'rules' AND value = '01_a.lua,02_b.lua'") !=
		      -999,
	      "common.lua is not an assessment");

	write_file(rulesdir, "02_b.lua", "kp.HOURS[1] = 100\n", 18);
	CHECK(run(0, &d) == -1 && strcmp(d.file, "rules/02_b.lua") == 0 && d.line == 1 &&
		      strstr(d.msg, "不能修改“kp.HOURS[1]”"),
	      "HOURS read-only: %s:%ld %s", d.file, d.line, d.msg);
	write_file(rulesdir, "02_b.lua", "kp.LEVELS.x = 1\n", 16);
	CHECK(run(0, &d) == -1 && strstr(d.msg, "不能修改“kp.LEVELS.x”"), "LEVELS: %s", d.msg);

	write_file(rulesdir, "common.lua", "local C = {}\nC.x = nil + 1\nreturn C\n", 34);
	CHECK(run(0, &d) == -1 && strcmp(d.file, "rules/common.lua") == 0 && d.line == 2,
	      "common error: %s:%ld %s", d.file, d.line, d.msg);
	write_file(rulesdir, "common.lua", "local C = {}\n", 13);
	CHECK(run(0, &d) == -1 && strcmp(d.file, "rules/common.lua") == 0 &&
		      strstr(d.msg, "应以 return { … } 返回各考评共用的参数表，实为空值"),
	      "common without return: %s:%ld %s", d.file, d.line, d.msg);
	write_file(rulesdir, "common.lua", "return {}\n", 10);
	clear_rules();
	write_file(rulesdir, "01_a.lua", a, sizeof a - 1);
	CHECK(run(0, &d) == -1 && strcmp(d.file, "rules/01_a.lua") == 0 && d.line == 2 &&
		      strstr(d.msg, "没有“kp.common”：规则目录中没有 common.lua"),
	      "no common.lua: %s:%ld %s", d.file, d.line, d.msg);
	clear_rules();
	write_file(rulesdir, "common.lua", common, sizeof common - 1);
	CHECK(run(0, &d) == -1 && strstr(d.msg, "没有 .lua 规则文件"), "only common: %s", d.msg);
	clear_rules();
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	char cmd[1200];

	buf_init(&warnings, 0);
	snprintf(tmpdir, sizeof tmpdir, "%s/rules_test.XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return 2;
	snprintf(dbpath, sizeof dbpath, "%s/k.db", tmpdir);
	snprintf(rulesdir, sizeof rulesdir, "%s/rules", tmpdir);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/rules' '%s/bad'", tmpdir, tmpdir);
	if (system(cmd) != 0)
		return 2;
	make_db();
	test_round();
	test_pattern_cost();
	test_good();
	test_bad();
	test_misc();
	test_shared();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		failures++;
	buf_release(&warnings);
	printf("rules_test: %d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
