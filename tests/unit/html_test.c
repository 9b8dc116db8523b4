/* html_test.c - the site from a database with hostile data (markup in names
 * and reasons, phone and ID numbers, path-like codes): nothing injected, no
 * personal number unmasked, every file inside the output folder, figures as
 * computed by hand, byte-identical output on a second run, a broken template
 * named with its file and line. Charts are checked when gnuplot is installed.
 * Run from the repo (ROOT) with a temp dir as argv[1]. */
#include "html.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "chart.h"
#include "model.h"
#include "store.h"
#include "test.h"

static const char INPUT[] =
	"INSERT INTO units VALUES"
	" ('H01', '<script>alert(1)</script>县', 'county', NULL, 1200, 3600),"
	" ('H01001', '街道<b>粗</b> & \"引号\"', 'street', 'H01', 600, NULL),"
	" ('H01002', '正常街道', 'street', 'H01', 600, NULL),"
	" ('../x', '<img src=x onerror=alert(2)>社区', 'community', 'H01001', 300, NULL),"
	" ('H01001002', '联系电话13812345678的社区', 'community', 'H01001', 300, NULL),"
	" ('H01002001', '和平社区', 'community', 'H01002', 600, NULL),"
	" ('G/../../etc/passwd', '网格 '' onmouseover=''alert(3)'' x', 'grid', '../x', 150, NULL),"
	" ('../../../../tmp/kaoping-escape', '逃逸网格', 'grid', '../x', 150, NULL),"
	" ('H01001002001', '身份证110101199003071233网格', 'grid', 'H01001002', 150, NULL),"
	" ('13900001111', '电话号码网格', 'grid', 'H01001002', 150, NULL),"
	" ('H01002001001', '和平社区第1网格', 'grid', 'H01002001', 300, NULL),"
	" ('H01002001002', '和平社区第2网格', 'grid', 'H01002001', 300, NULL);"
	"INSERT INTO people VALUES"
	" ('P1', '张三13900001111', '网格员', 'G/../../etc/passwd', 1, '13812345678', "
	"'110101199003071233', NULL),"
	" ('P2', '<script>alert(5)</script>', '网格员', 'H01002001001', 0, '13987654321', NULL, "
	"NULL);"
	"INSERT INTO events(id, grid, category, source, reported_at, closed_at, level, reporter,"
	" satisfaction) VALUES"
	" ('E1', 'G/../../etc/passwd', '<script>alert(6)</script>', '网格员上报', '2024-03-01 "
	"09:00:00', '2024-03-01 12:00:00', '网格', 'P1', 5),"
	" ('E2', 'G/../../etc/passwd', '矛盾纠纷', '网格员上报', '2025-03-02 09:00:00', "
	"'2025-03-02 11:00:00', '网格', 'P1', 4),"
	" ('E3', 'H01001002001', '安全隐患', '随手拍', '2025-04-02 09:00:00', '2025-04-05 "
	"09:00:00', '社区', NULL, 3),"
	" ('E4', '13900001111', '环境卫生', '12345热线', '2025-05-02 09:00:00', NULL, '网格', "
	"NULL, NULL),"
	" ('E5', 'H01002001001', '乱堆乱放', '网格员上报', '2024-05-02 09:00:00', '2024-05-02 "
	"10:00:00', '网格', 'P2', 5),"
	" ('E6', 'H01002001001', '乱堆乱放', '网格员上报', '2025-05-02 09:00:00', '2025-05-02 "
	"10:00:00', '网格', 'P2', 5),"
	" ('E7', 'H01002001002', '露天垃圾', '巡查', '2025-06-02 09:00:00', '2025-06-20 10:00:00', "
	"'街道', NULL, 2),"
	" ('E8', '../../../../tmp/kaoping-escape', '店外经营', '巡查', '2025-07-02 09:00:00', "
	"'2025-07-02 10:00:00', '网格', NULL, 4);"
	"INSERT INTO companies VALUES ('91110000MA01ABCD1M', '<svg onload=alert(7)>物业', 2, 300),"
	" ('91110000MA01XYQW2Q', '安居物业（电话13800138000）', 1, 600);"
	"INSERT INTO property_checks VALUES"
	" ('91110000MA01ABCD1M', '../x', '2025Q1', '服务质量', 8, 10),"
	" ('91110000MA01ABCD1M', '../x', '2025Q2', '<i>投诉处理</i>', 7, 10);"
	"INSERT INTO ingest_files(file, status, encoding, rows_read, rows_loaded, rows_rejected,"
	" unknown_columns, message, seq) VALUES ('units.csv', 'loaded', 'UTF-8', 12, 12, 0, NULL, "
	"NULL, "
	"0),"
	" ('people.csv', 'loaded', 'GB18030', 3, 2, 1, '<b>备注</b>', NULL, 1);"
	"INSERT INTO rejects VALUES ('people.csv', 4, 3, '角色', '角色 "
	"\"保洁员<script>alert(12)</script>\" 不在允许的取值中',"
	" 'P5,赵六,保洁员,H01002001,否,13655556666,371321198805120018,');";

static const char RESULTS[] =
	"INSERT INTO run VALUES ('year', '2025'), ('prev_year', '2024');"
	"INSERT INTO grid_tiers VALUES"
	" ('H01002001001', '和平社区第1网格', 'H01002001', 'H01002', 91.5, 1, '一档', 30000),"
	" ('G/../../etc/passwd', 'x', '../x', 'H01001', 85, 2, '<i>一档</i>', 30000),"
	" ('H01001002001', 'x', 'H01001002', 'H01001', 78.25, 3, '二档', 20000),"
	" ('../../../../tmp/kaoping-escape', 'x', '../x', 'H01001', 70, 4, '二档', 20000),"
	" ('13900001111', 'x', 'H01001002', 'H01001', 61, 5, '三档', 10000),"
	" ('H01002001002', 'x', 'H01002001', 'H01002', 55.5, 6, '三档', 10000);"
	"INSERT INTO community_ranking VALUES"
	" ('H01002001', '和平社区', 'H01002', 93.2, 1, 2, 1, 5, '支部过硬、共建共享', '五星支部', "
	"0, NULL),"
	" ('H01001002', 'x', 'H01001', 80.1, 2, 1, -1, 3, NULL, NULL, 0, NULL),"
	" ('../x', 'x', 'H01001', 60, 3, NULL, NULL, 0, NULL, NULL, 1, "
	"'<script>alert(13)</script>重大事项 13812345678');"
	"INSERT INTO community_stars VALUES ('H01002001', '支部过硬', 1, '<b>达标</b>'),"
	" ('H01002001', '宜业兴业', 0, '身份证 110101199003071233');"
	"INSERT INTO redblack VALUES"
	" ('91110000MA01ABCD1M', 'x', 88.5, 1.5, 90, '红榜', '<script>alert(14)</script>', "
	"'2026-01-15', '2026-12-31'),"
	" ('91110000MA01XYQW2Q', 'x', 40, 9.5, 30, '黑榜', '电话13800138000投诉多', '2026-01-15', "
	"'2026-12-31');"
	"INSERT INTO points VALUES ('P1', '张三13900001111', '网格员', 'G/../../etc/passwd', 12.5, "
	"1, 1),"
	" ('P2', '<script>alert(15)</script>', '网格员', 'H01002001001', 8, 2, 0);"
	"INSERT INTO scores VALUES ('网格考核', 'G/../../etc/passwd', 'grid', 'x', 85, "
	"'<script>alert(17)</script>二档'),"
	" ('物业企业考评', '91110000MA01ABCD1M', 'company', 'x', 88.5, '红榜');"
	"INSERT INTO score_items VALUES"
	" ('网格考核', 'G/../../etc/passwd', 1, '办结率', '办结 1 / 上报 1', 40, "
	"'<script>alert(16)</script>电话13812345678', 'rules/10_grid.lua:12'),"
	" ('网格考核', 'G/../../etc/passwd', 2, '超期扣分', NULL, -5, '超期 1 件', "
	"'rules/10_grid.lua:30'),"
	" ('物业企业考评', '91110000MA01ABCD1M', 1, '季度考评', NULL, 88.5, '13 项平均', NULL);";

static char tmp[1024];

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[8192];
	size_t k;

	buf_init(&b, 0);
	if (!f)
		return NULL;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_append(&b, chunk, k);
	fclose(f);
	*n = b.len;
	return buf_steal(&b);
}

/* An unmasked phone (11 digits 1[3-9]...) or ID number (17 digits + digit/X). */
static int has_personal(const char *s, size_t n)
{
	size_t i = 0, j;

	while (i < n) {
		if (s[i] < '0' || s[i] > '9') {
			i++;
			continue;
		}
		for (j = i; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			;
		if (j - i == 11 && s[i] == '1' && s[i + 1] >= '3' && s[i + 1] <= '9')
			return 1;
		if (j - i == 18 || (j - i == 17 && j < n && s[j] == 'X'))
			return 1;
		i = j;
	}
	return 0;
}

struct scan {
	long files, html, bad_script, bad_personal;
	char first_bad[2200];
};

static void scan_dir(const char *dir, struct scan *sc)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char p[2048];

	if (!dp)
		return;
	while ((e = readdir(dp)) != NULL) {
		struct stat sb;
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		if (stat(p, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			scan_dir(p, sc);
			continue;
		}
		sc->files++;
		{
			size_t n = strlen(p), len = 0;
			char *s;
			if (n < 5 || (strcmp(p + n - 5, ".html") && strcmp(p + n - 4, ".svg")))
				continue;
			sc->html++;
			s = slurp(p, &len);
			if (!s)
				continue;
			if (strstr(s, "<script>alert") || strstr(s, "<img src=x") ||
			    strstr(s, "<svg onload") || strstr(s, "' onmouseover")) {
				sc->bad_script++;
				snprintf(sc->first_bad, sizeof sc->first_bad, "markup in %s", p);
			}
			if (has_personal(s, len)) {
				sc->bad_personal++;
				snprintf(sc->first_bad, sizeof sc->first_bad,
					 "personal number in %s", p);
			}
			free(s);
		}
	}
	closedir(dp);
}

/* Whether two trees hold the same files with the same bytes. */
static int same_tree(const char *a, const char *b)
{
	DIR *dp = opendir(a);
	struct dirent *e;
	char pa[2048], pb[2048];
	int same = 1;

	if (!dp)
		return 0;
	while (same && (e = readdir(dp)) != NULL) {
		struct stat sb;
		if (e->d_name[0] == '.')
			continue;
		snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
		snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
		if (stat(pa, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			same = same_tree(pa, pb);
		} else {
			size_t na = 0, nb = 0;
			char *x = slurp(pa, &na), *y = slurp(pb, &nb);
			same = x && y && na == nb && memcmp(x, y, na) == 0;
			if (!same)
				printf("# differs: %s\n", pa);
			free(x);
			free(y);
		}
	}
	closedir(dp);
	return same;
}

static int contains(const char *path, const char *needle)
{
	size_t n;
	char *s = slurp(path, &n);
	int r = s && strstr(s, needle) != NULL;

	free(s);
	return r;
}

static int render_site(struct model *m, const char *tpl, const char *out, struct diag *d)
{
	char html[1200];

	snprintf(html, sizeof html, "%s/html", out);
	return html_render(m, tpl, html, NULL, NULL, d);
}

static void copy_file(const char *from, const char *to, const char *replace_with)
{
	size_t n;
	char *s = replace_with ? NULL : slurp(from, &n);
	FILE *f = fopen(to, "wb");

	if (f) {
		if (replace_with)
			fputs(replace_with, f);
		else if (s)
			fwrite(s, 1, n, f);
		fclose(f);
	}
	free(s);
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	struct model *m = NULL;
	struct diag d;
	char db[1200], out[1200], out2[1200], tpl[1200], p[1400], name[96], msg[2048];
	const char *root = getenv("ROOT");
	int have_gnuplot;

	snprintf(tmp, sizeof tmp, "%s", argc > 1 ? argv[1] : ".");
	snprintf(tpl, sizeof tpl, "%s/templates", root ? root : ".");
	diag_init(&d);

	/* safe names */
	html_safe_name("371321001001", name, sizeof name);
	CHECK_STR(name, "371321001001");
	html_safe_name("../x", name, sizeof name);
	CHECK(strncmp(name, "___x-", 5) == 0 && strlen(name) == 13);
	html_safe_name("G/../../etc/passwd", name, sizeof name);
	CHECK(strchr(name, '/') == NULL && strstr(name, "..") == NULL);
	html_safe_name("13900001111", name, sizeof name);
	CHECK(strncmp(name, "x-", 2) == 0 && strstr(name, "13900001111") == NULL);
	html_safe_name("", name, sizeof name);
	CHECK(strncmp(name, "x-", 2) == 0);
	html_safe_name("-rf", name, sizeof name);
	CHECK(name[0] != '-');
	html_safe_name("幸福社区", name, sizeof name);
	CHECK(strncmp(name, "__-", 3) != 0 && strchr(name, '/') == NULL && name[0] == '_');

	/* a database with hostile data and results */
	snprintf(db, sizeof db, "%s/hostile.db", tmp);
	unlink(db);
	CHECK(store_open(&s, db, STORE_CREATE, &d) == 0);
	if (!s) {
		printf("not ok - store_open: %s\n", d.msg);
		return test_done();
	}
	CHECK(store_exec(s, INPUT, &d) == 0);
	CHECK(store_reset_results(s, &d) == 0);
	CHECK(store_exec(s, RESULTS, &d) == 0);
	if (d.msg[0])
		printf("# %s\n", d.msg);
	store_close(s);
	CHECK(store_open(&s, db, STORE_READONLY, &d) == 0);

	CHECK(model_build(s, 0, &m, &d) == 0);
	if (!m) {
		printf("not ok - model_build: %s\n", d.msg);
		store_close(s);
		return test_done();
	}
	/* figures computed by hand: 2025 has E2 E3 E4 E6 E7 E8, E4 open; 2024 E1 E5 */
	CHECK(m->year == 2025 && m->prev_year == 2024);
	CHECK(m->kpi[MODEL_KPI_EVENTS].cur == 6 && m->kpi[MODEL_KPI_EVENTS].prev == 2);
	CHECK(m->kpi[MODEL_KPI_CLOSED].cur == 5);
	CHECK(fabs(m->kpi[MODEL_KPI_CLOSURE].cur - 500.0 / 6) < 1e-9);
	/* on time: E2, E6, E8 within 24 h at 网格; E3 3 days at 社区 (72 h): on time;
	 * E7 18 days at 街道 (168 h): late -> 4 of 5 */
	CHECK(fabs(m->kpi[MODEL_KPI_ONTIME].cur - 80) < 1e-9);
	CHECK(fabs(m->kpi[MODEL_KPI_IN_GRID].cur - 60) < 1e-9);
	CHECK(fabs(m->kpi[MODEL_KPI_SATISFACTION].cur - 18.0 / 5) < 1e-9);
	CHECK(m->ngrids == 6 && m->ncommunities == 3 && m->nstreets == 2);
	CHECK(m->ntiers == 4); /* 一档, <i>一档</i>, 二档, 三档 */
	CHECK(m->month[4].events[0] == 2 && m->month[4].events[1] == 1);
	{
		char v[64], ch[96];
		int dir;
		model_fmt_value(&m->kpi[MODEL_KPI_CLOSURE], m->kpi[MODEL_KPI_CLOSURE].cur, v,
				sizeof v);
		CHECK_STR(v, "83.3");
		model_fmt_change(&m->kpi[MODEL_KPI_EVENTS], ch, sizeof ch, &dir);
		CHECK_STR(ch, "增长200.0%");
		CHECK(dir == 1);
		model_fmt_change(&m->kpi[MODEL_KPI_CLOSURE], ch, sizeof ch, &dir);
		CHECK_STR(ch, "降低16.7个百分点");
	}
	CHECK(strstr(m->place, "<script>") != NULL); /* raw in the model, escaped by templates */
	{
		long k = model_find_unit(m, "H01001002");
		CHECK(k >= 0 && strstr(m->units[k].name, "13812345678") == NULL &&
		      strstr(m->units[k].name, "138****5678") != NULL);
		k = model_find_unit(m, "H01002001");
		CHECK(k >= 0 && m->units[k].stars == 5 && m->units[k].rank == 1 &&
		      m->units[k].nstar == 2);
		CHECK(k >= 0 && strcmp(m->stars[m->units[k].star_first].star, "支部过硬") == 0);
	}
	CHECK(strstr(m->charts[MODEL_CHART_MONTHLY].alt, "5月") != NULL);

	/* charts: one gnuplot run; pictures are optional if gnuplot is missing */
	snprintf(out, sizeof out, "%s/out", tmp);
	snprintf(p, sizeof p, "%s/out/html/charts", tmp);
	snprintf(msg, sizeof msg, "%s/out/charts", tmp);
	have_gnuplot = model_charts(m, p, msg, &d) == 0;
	if (!have_gnuplot) {
		printf("skip: charts: %s\n", d.msg);
		CHECK(strstr(d.msg, "gnuplot 未安装或运行失败") != NULL);
	} else {
		CHECK_STR(m->charts[MODEL_CHART_MONTHLY].svg, "charts/monthly.svg");
	}

	/* the site */
	CHECK(render_site(m, tpl, out, &d) == 0);
	if (d.msg[0])
		printf("# %s:%ld: %s\n", d.file, d.line, d.msg);
	{
		struct scan sc;
		memset(&sc, 0, sizeof sc);
		scan_dir(out, &sc);
		CHECK(sc.html >= 7 + 11 + 2);
		CHECK(sc.bad_script == 0);
		CHECK(sc.bad_personal == 0);
		if (sc.first_bad[0])
			printf("# %s\n", sc.first_bad);
	}
	/* nothing escaped the output folder */
	CHECK(access("/tmp/kaoping-escape.html", F_OK) != 0);
	snprintf(p, sizeof p, "%s/etc", tmp);
	CHECK(access(p, F_OK) != 0);
	snprintf(p, sizeof p, "%s/out/html/u/x.html", tmp);
	CHECK(access(p, F_OK) != 0);
	html_safe_name("../x", name, sizeof name);
	snprintf(p, sizeof p, "%s/out/html/u/%s.html", tmp, name);
	CHECK(access(p, F_OK) == 0);
	/* markup shows as text; numbers as computed */
	CHECK(contains(p, "&lt;img src=x onerror=alert(2)&gt;社区"));
	CHECK(contains(p, "一票否决"));
	snprintf(p, sizeof p, "%s/out/html/index.html", tmp);
	CHECK(contains(p, "&lt;script&gt;alert(1)&lt;/script&gt;县2025年度基层治理考评"));
	CHECK(contains(p, ">83.3<small>%</small>"));
	CHECK(contains(p, "同比增长200.0%"));
	snprintf(p, sizeof p, "%s/out/html/quality.html", tmp);
	/* the rejected row's raw text stays in the internal csv/: the public page
	 * names the record and the problem, never the row's numbers */
	CHECK(contains(p, "保洁员"));
	CHECK(!contains(p, "13655556666") && !contains(p, "136****6666") &&
	      !contains(p, "371321198805120018"));
	CHECK(contains(p, "&lt;b&gt;备注&lt;/b&gt;"));
	html_safe_name("G/../../etc/passwd", name, sizeof name);
	snprintf(p, sizeof p, "%s/out/html/u/%s.html", tmp, name);
	/* the item's points, but not the rule file and line behind them: that is
	 * for `kaoping explain`, not a published page */
	CHECK(!contains(p, "rules/10_grid.lua") && contains(p, "-5.00") &&
	      contains(p, "139****1111"));
	snprintf(p, sizeof p, "%s/out/html/c/91110000MA01ABCD1M.html", tmp);
	CHECK(contains(p, "&lt;i&gt;投诉处理&lt;/i&gt;") && contains(p, "红榜"));

	/* the same input gives the same bytes */
	snprintf(out2, sizeof out2, "%s/out2", tmp);
	if (have_gnuplot) {
		snprintf(p, sizeof p, "%s/out2/html/charts", tmp);
		snprintf(msg, sizeof msg, "%s/out2/charts", tmp);
		CHECK(model_charts(m, p, msg, &d) == 0);
	}
	CHECK(render_site(m, tpl, out2, &d) == 0);
	CHECK(same_tree(out, out2));

	/* a broken template names its file and line, and nothing is written */
	{
		char tdir[1200], from[1400], to[1400];
		static const char *const files[] = {
			"_head.html",	"_foot.html",	    "_figure.html", "_items.html",
			"streets.html", "communities.html", "grids.html",   "redblack.html",
			"points.html",	"quality.html",	    "unit.html",    "company.html",
			"style.css",	"sort.js"};
		size_t i;
		snprintf(tdir, sizeof tdir, "%s/tpl", tmp);
		mkdir(tdir, 0755);
		for (i = 0; i < sizeof files / sizeof files[0]; i++) {
			snprintf(from, sizeof from, "%s/%s", tpl, files[i]);
			snprintf(to, sizeof to, "%s/%s", tdir, files[i]);
			copy_file(from, to, NULL);
		}
		snprintf(to, sizeof to, "%s/index.html", tdir);
		copy_file(
			NULL, to,
			"{{> _head}}\n<h1>{{site.name}}</h1>\n{{#kpis}}\n{{lable}}\n{{/kpis}}\n{{> "
			"_foot}}\n");
		snprintf(p, sizeof p, "%s/out3", tmp);
		CHECK(render_site(m, tdir, p, &d) < 0);
		diag_format(&d, msg, sizeof msg);
		CHECK(strstr(msg, "tpl/index.html:4: 未知的名称“lable”") != NULL);
		copy_file(NULL, to, "{{> _head}}\n{{#kpis}}\n");
		CHECK(render_site(m, tdir, p, &d) < 0);
		diag_format(&d, msg, sizeof msg);
		CHECK(strstr(msg, "tpl/index.html:2: 未闭合的节“{{#kpis}}”") != NULL);
		snprintf(p, sizeof p, "%s/out3/html/index.html", tmp);
		CHECK(access(p, F_OK) != 0);
		printf("# %s\n", msg);
	}

	model_free(m);
	store_close(s);
	return test_done();
}
