/* report_test.c - the PDF documents (report.c) on a small database written
 * here, results included (no rules run): the four PDFs appear; text that came
 * from the data reaches them unescaped ("&", "<") and masked (phone and ID
 * numbers); the score items of a card add up; KAOPING_ONLY limits the
 * documents; template errors name the file and line; the shipped templates
 * render with and without results; the same input gives the same bytes.
 * Text checks need pdftotext (skipped without it).
 * Usage: report_test [tmpdir]   (ROOT: the repository, for templates/) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "model.h"
#include "report.h"
#include "store.h"
#include "test.h"

static char tmp[1024];
static int have_pdftotext;

static const char *const DATA =
	"INSERT INTO units VALUES ('T', '测试县', 'county', NULL, 1000, NULL),"
	" ('T1', '城关街道', 'street', 'T', 1000, NULL),"
	" ('T1A', 'A&B<东>社区', 'community', 'T1', 600, NULL),"
	" ('T1B', '西园社区', 'community', 'T1', 400, NULL),"
	" ('T1A1', 'A&B<东>社区第1网格', 'grid', 'T1A', 300, NULL),"
	" ('T1A2', 'A&B<东>社区第2网格', 'grid', 'T1A', 300, NULL),"
	" ('T1B1', '西园社区第1网格', 'grid', 'T1B', 400, NULL);"
	"INSERT INTO events(id, grid, category, source, reported_at, closed_at, level, reporter,"
	" satisfaction) VALUES"
	" ('e1', 'T1A1', '矛盾纠纷', '巡查', '2025-03-01 09:00:00', '2025-03-01 12:00:00', '网格', "
	"NULL, 5),"
	" ('e2', 'T1A2', '环境卫生', '巡查', '2025-04-01 09:00:00', NULL, NULL, NULL, NULL),"
	" ('e3', 'T1B1', '环境卫生', '随手拍', '2025-05-01 09:00:00', '2025-05-02 09:00:00', "
	"'社区', NULL, 4),"
	" ('e4', 'T1B1', '安全隐患', '巡查', '2024-05-01 09:00:00', '2024-05-02 09:00:00', '社区', "
	"NULL, 3),"
	" ('e5', 'T1B1', '环境卫生', '巡查', '2025-12-01 09:00:00', '2025-12-01 10:00:00', '网格', "
	"NULL, 5);"
	"INSERT INTO companies VALUES ('91000000000000001X', '红星物业公司', 2, 500),"
	" ('91000000000000002X', '黑石物业公司', 1, 300);";

static const char *const RESULTS =
	"INSERT INTO run VALUES ('year', '2025'), ('prev_year', '2024');"
	"INSERT INTO grid_tiers VALUES ('T1A1', 'A&B<东>社区第1网格', 'A&B<东>社区', '城关街道', "
	"90.5, 1, '一档', 30000),"
	" ('T1A2', 'A&B<东>社区第2网格', 'A&B<东>社区', '城关街道', 60.25, 3, '三档', 10000),"
	" ('T1B1', '西园社区第1网格', '西园社区', '城关街道', 80, 2, '二档', 20000);"
	"INSERT INTO community_ranking VALUES"
	" ('T1A', 'A&B<东>社区', '城关街道', 81.5, 1, 2, 1, 4, "
	"'支部过硬、共建共享、平安法治、宜业兴业',"
	"  '四星支部（工作经费奖励 20000 元）', 0, NULL),"
	" ('T1B', '西园社区', '城关街道', 70.25, 2, 1, -1, 1, '支部过硬', NULL, 0, NULL);"
	"INSERT INTO community_stars VALUES ('T1A', '支部过硬', 1, '覆盖率 100%'),"
	" ('T1A', '幸福和谐', 0, '满意度不足'), ('T1B', '支部过硬', 1, '覆盖率 100%');"
	"INSERT INTO scores VALUES ('社区考评', 'T1A', '社区', 'A&B<东>社区', 81.5, NULL),"
	" ('社区考评', 'T1B', '社区', '西园社区', 70.25, NULL);"
	"INSERT INTO score_items VALUES"
	" ('社区考评', 'T1A', 1, '网格事件办结率', '办结 1/2 件', 10.25, '办结率 × 20 分', NULL),"
	" ('社区考评', 'T1A', 2, '居民满意度', '回访人 13812345678，身份证 110101199003071233', "
	"71.25,"
	"  '平均分 ÷ 100 × 25 分', NULL),"
	" ('社区考评', 'T1B', 1, '网格事件办结率', '办结 1/1 件', 70.25, '办结率 × 20 分', NULL);"
	"INSERT INTO redblack VALUES ('91000000000000001X', '红星物业公司', 95.5, 0, 96, '红榜',"
	"  '考评得分不低于 90 分（考评得分 95.50 分）', '2026-01-01', '2026-12-31'),"
	" ('91000000000000002X', '黑石物业公司', 45.25, 6.5, 70, '黑榜',"
	"  '考评得分 45.25 分，低于 60 分（考评得分 45.25 分）', '2026-01-01', '2026-12-31');";

static void path(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmp, name);
}

/* The text of a PDF, whitespace removed (malloc'd; "" when it cannot run). */
static char *pdf_text(const char *pdf)
{
	char cmd[2048], *out = NULL;
	size_t len = 0, cap = 0;
	int c;
	FILE *p;

	snprintf(cmd, sizeof cmd, "pdftotext -q '%s' - 2>/dev/null", pdf);
	p = popen(cmd, "r");
	if (p) {
		while ((c = fgetc(p)) != EOF) {
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f')
				continue;
			if (len + 2 > cap) {
				char *q = realloc(out, cap = cap * 2 + 4096);
				if (!q)
					break;
				out = q;
			}
			out[len++] = (char)c;
		}
		pclose(p);
	}
	if (!out)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	return out;
}

static int contains(const char *pdf, const char *s)
{
	char *t = pdf_text(pdf);
	int r = strstr(t, s) != NULL;

	if (!r)
		printf("# \"%s\" not in %s\n", s, pdf);
	free(t);
	return r;
}

static int exists(const char *dir, const char *name)
{
	char p[2048];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return stat(p, &sb) == 0 && sb.st_size > 0;
}

static char *slurp(const char *p, size_t *n)
{
	FILE *f = fopen(p, "rb");
	char *b = NULL;
	long sz;

	*n = 0;
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (b = malloc((size_t)sz)) && fread(b, 1, (size_t)sz, f) == (size_t)sz)
		*n = (size_t)sz;
	fclose(f);
	return b;
}

static void write_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Minimal narrative templates: each file's name and one value. */
static void make_templates(const char *dir, const char *broken_file, const char *broken_text)
{
	static const char *const FILES[] = {
		"briefing_intro.txt",	  "briefing_overall.txt",     "briefing_events.txt",
		"briefing_grids.txt",	  "briefing_communities.txt", "briefing_property.txt",
		"briefing_attention.txt", "briefing_closing.txt",     "ranking_intro.txt",
		"ranking_closing.txt",	  "redblack_intro.txt",	      "redblack_appeal.txt",
		"card_summary.txt"};
	char p[2048];
	size_t i;

	mkdir(dir, 0755);
	snprintf(p, sizeof p, "%s/narrative", dir);
	mkdir(p, 0755);
	for (i = 0; i < sizeof FILES / sizeof FILES[0]; i++) {
		snprintf(p, sizeof p, "%s/narrative/%s", dir, FILES[i]);
		if (strcmp(FILES[i], "card_summary.txt") == 0)
			write_file(p, "卡片{{name}}得分{{score}}分。\n");
		else if (strcmp(FILES[i], "redblack_intro.txt") == 0)
			write_file(p, "公示{{listed_on}}，有效期至{{valid_until}}。\n");
		else if (strcmp(FILES[i], "redblack_appeal.txt") == 0)
			write_file(p, "申诉{{appeal_days}}日，至{{appeal_until}}。\n");
		else if (strcmp(FILES[i], "briefing_events.txt") == 0)
			write_file(p, "事件{{events}}件，同比{{events_change}}。\n\n注：小字。\n");
		else
			write_file(p, "模板{{place}}。\n");
		if (broken_file && strcmp(FILES[i], broken_file) == 0) {
			if (broken_text)
				write_file(p, broken_text);
			else
				remove(p);
		}
	}
}

static int render(struct store *s, const char *tpl, const char *out, struct diag *d)
{
	struct model *m = NULL;
	int rc;

	mkdir(out, 0755);
	diag_init(d);
	if (model_build(s, 0, &m, d) < 0) {
		printf("# model_build: %s\n", d->msg);
		return -1;
	}
	rc = report_write(m, NULL, tpl, NULL, out, out, NULL, NULL, d);
	model_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	struct store *s = NULL;
	struct diag d;
	char db[1200], tpl[1200], out[1200], out2[1200], f1[1300], f2[1300], shipped[1200];
	const char *root = getenv("ROOT");
	static const char *const PDFS[] = {"briefing.pdf", "community-ranking.pdf", "redblack.pdf",
					   "report-cards.pdf"};
	size_t i;

	snprintf(tmp, sizeof tmp, "%s",
		 argc > 1	    ? argv[1]
		 : getenv("TMPDIR") ? getenv("TMPDIR")
				    : "/tmp");
	have_pdftotext = system("pdftotext -v >/dev/null 2>&1") == 0;
	if (!have_pdftotext)
		printf("skip: text of the documents: pdftotext not installed\n");
	path(db, sizeof db, "report.db");
	path(tpl, sizeof tpl, "tpl");
	path(out, sizeof out, "out");
	path(out2, sizeof out2, "out2");
	remove(db);
	diag_init(&d);
	CHECK(store_open(&s, db, STORE_CREATE, &d) == 0);
	if (!s)
		return test_done();
	CHECK(store_exec(s, DATA, &d) == 0);

	/* shipped templates, before the rules have run: no result tables */
	snprintf(shipped, sizeof shipped, "%s/templates", root ? root : ".");
	if (access(shipped, F_OK) == 0) {
		CHECK(render(s, shipped, out, &d) == 0);
		if (d.msg[0])
			printf("# %s:%ld: %s\n", d.file, d.line, d.msg);
	}
	CHECK(store_reset_results(s, &d) == 0);
	CHECK(store_exec(s, RESULTS, &d) == 0);

	/* all four documents */
	make_templates(tpl, NULL, NULL);
	CHECK(render(s, tpl, out, &d) == 0);
	for (i = 0; i < 4; i++)
		CHECK(exists(out, PDFS[i]));
	if (have_pdftotext) {
		snprintf(f1, sizeof f1, "%s/briefing.pdf", out);
		CHECK(contains(f1, "测试县2025年度党建引领基层治理考评简报"));
		CHECK(contains(f1, "中共测试县委组织部"));
		CHECK(contains(f1, "2026年1月1日")); /* 成文日期: the listing date */
		CHECK(contains(f1, "事件4件，同比增长300.0%。")); /* template, unescaped */
		CHECK(contains(f1, "黑石物业公司"));
		snprintf(f1, sizeof f1, "%s/community-ranking.pdf", out);
		CHECK(contains(f1, "1A&B<东>社区城关街道81.50★★★★☆↑1"));
		CHECK(contains(f1, "2西园社区城关街道70.25★☆☆☆☆↓1"));
		snprintf(f1, sizeof f1, "%s/redblack.pdf", out);
		CHECK(contains(f1, "黑石物业公司"));
		CHECK(contains(f1, "公示2026年1月1日，有效期至2026年12月31日。"));
		CHECK(contains(f1, "申诉7日，至2026年1月7日。"));
		CHECK(contains(f1, "考评得分45.25分，低于60分")); /* reason without its facts */
		snprintf(f1, sizeof f1, "%s/report-cards.pdf", out);
		CHECK(contains(f1, "A&B<东>社区考评报告卡"));
		CHECK(contains(f1, "卡片A&B<东>社区得分81.50分。"));
		CHECK(contains(f1, "合计81.50"));
		CHECK(contains(f1, "合计70.25"));
		CHECK(contains(f1, "138****5678"));
		CHECK(contains(f1, "1101**********1233"));
		{
			char *t = pdf_text(f1);
			CHECK(strstr(t, "13812345678") == NULL);
			CHECK(strstr(t, "110101199003071233") == NULL);
			free(t);
		}
	} else {
		printf("# pdftotext not installed: text checks skipped\n");
	}

	/* the same input, the same bytes */
	CHECK(render(s, tpl, out2, &d) == 0);
	for (i = 0; i < 4; i++) {
		char *a, *b;
		size_t na, nb;
		snprintf(f1, sizeof f1, "%s/%s", out, PDFS[i]);
		snprintf(f2, sizeof f2, "%s/%s", out2, PDFS[i]);
		a = slurp(f1, &na);
		b = slurp(f2, &nb);
		CHECK(a && b && na == nb && memcmp(a, b, na) == 0);
		free(a);
		free(b);
	}

	/* KAOPING_ONLY */
	for (i = 0; i < 4; i++) {
		snprintf(f1, sizeof f1, "%s/%s", out2, PDFS[i]);
		remove(f1);
	}
	setenv("KAOPING_ONLY", "briefing", 1);
	CHECK(render(s, tpl, out2, &d) == 0);
	unsetenv("KAOPING_ONLY");
	CHECK(exists(out2, "briefing.pdf"));
	CHECK(!exists(out2, "community-ranking.pdf") && !exists(out2, "report-cards.pdf"));

	/* template errors name the file and the line */
	path(tpl, sizeof tpl, "tpl-bad");
	make_templates(tpl, "redblack_appeal.txt", "第一行\n第二行{{no_such_value}}\n");
	CHECK(render(s, tpl, out2, &d) < 0);
	CHECK(strstr(d.file, "narrative/redblack_appeal.txt") != NULL);
	CHECK(d.line == 2);
	path(tpl, sizeof tpl, "tpl-missing");
	make_templates(tpl, "card_summary.txt", NULL);
	CHECK(render(s, tpl, out2, &d) < 0);
	CHECK(strstr(d.file, "narrative/card_summary.txt") != NULL);

	/* shipped templates with results */
	if (access(shipped, F_OK) == 0) {
		CHECK(render(s, shipped, out2, &d) == 0);
		if (d.msg[0])
			printf("# %s:%ld: %s\n", d.file, d.line, d.msg);
		if (have_pdftotext) {
			snprintf(f1, sizeof f1, "%s/report-cards.pdf", out2);
			CHECK(contains(f1, "A&B<东>社区2025年度考评得分81.50分"));
		}
	}
	store_close(s);
	return test_done();
}
