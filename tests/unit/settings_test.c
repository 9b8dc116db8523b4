/* settings_test.c - the settings file: defaults equal to the shipped
 * samples/settings.ini, a department's values read, each kind of mistake
 * reported with file:line, the search order, {地区}/{年}/{号} and dates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "settings.h"
#include "test.h"

static char tmp[512], root[1024];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Loads text from a file named name in tmp; returns settings_load's status
 * and the formatted message in msg. */
static int load_text(struct settings *s, const char *name, const char *text, char *msg, size_t n)
{
	char path[700];
	struct diag dg;
	int rc;

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	write_file(path, text);
	diag_init(&dg);
	settings_defaults(s, &dg);
	rc = settings_load(s, path, &dg);
	msg[0] = '\0';
	if (rc)
		diag_format(&dg, msg, n);
	return rc;
}

static void test_sample_is_defaults(void)
{
	struct settings d, f;
	struct diag dg;
	char path[1200];
	int i;

	diag_init(&dg);
	snprintf(path, sizeof path, "%s/samples/settings.ini", root);
	CHECK(settings_defaults(&d, &dg) == 0);
	CHECK(settings_defaults(&f, &dg) == 0);
	CHECK(settings_load(&f, path, &dg) == 0);
	CHECK_STR(f.organ, d.organ);
	CHECK_STR(f.organ, "中共{地区}委组织部");
	CHECK_STR(f.docno, "{地区}组通〔{年}〕{号}号");
	CHECK(f.docno_seq == 1 && d.docno_seq == 1);
	CHECK_STR(f.to, "各街道党工委，各社区党组织");
	CHECK_STR(f.cc, "");
	CHECK_STR(f.printer, d.printer);
	CHECK(f.printed.y == 0 && f.date.y == 0 && f.notice_start.y == 0);
	CHECK_STR(f.signer, "");
	CHECK_STR(f.brief_name, d.brief_name);
	CHECK_STR(f.brief_issue, "1");
	CHECK_STR(f.brief_editor, "");
	CHECK_STR(f.report_to, d.report_to);
	CHECK(f.notice_days == 7 && d.notice_days == 7);
	CHECK(f.rectify_days == 30 && d.rectify_days == 30);
	CHECK_STR(f.appeal_phone, "");
	CHECK(f.watermark == 1 && d.watermark == 1);
	CHECK_STR(f.font_dir, "");
	for (i = 0; i < SET_NFONT; i++)
		CHECK_STR(f.font[i], "");
	CHECK(strstr(f.source, "samples/settings.ini") != NULL);
	CHECK_STR(d.source, "");
	settings_free(&d);
	settings_free(&f);
}

static void test_values(void)
{
	struct settings s;
	char msg[1200], fonts[700], text[2000];

	snprintf(fonts, sizeof fonts, "%s/fonts", tmp);
	mkdir(fonts, 0755);
	snprintf(text, sizeof text,
		 "\xEF\xBB\xBF# 某县的设置\r\n"
		 "[发文]\r\n"
		 "发文机关 = 中共宁安县委组织部\r\n"
		 "文号＝宁组通〔{年}〕{号}号\r\n"
		 "文号序号 = 12\r\n"
		 "成文日期 = 2026年1月8日\r\n"
		 "【公示】\r\n"
		 "  公示期 = ７\r\n"
		 "公示开始日期 = 2026-01-09\r\n"
		 "申诉电话 = 0453-1234567\r\n"
		 "[文档]\n内部资料水印 = 否\n"
		 "[字体]\n字体目录 = fonts\n正文字体 = simfang.ttf\n");
	CHECK(load_text(&s, "a.ini", text, msg, sizeof msg) == 0);
	CHECK_STR(msg, "");
	CHECK_STR(s.organ, "中共宁安县委组织部");
	CHECK_STR(s.docno, "宁组通〔{年}〕{号}号");
	CHECK(s.docno_seq == 12);
	CHECK(s.date.y == 2026 && s.date.m == 1 && s.date.d == 8);
	CHECK(s.notice_days == 7);
	CHECK(s.notice_start.y == 2026 && s.notice_start.m == 1 && s.notice_start.d == 9);
	CHECK_STR(s.appeal_phone, "0453-1234567");
	CHECK(s.watermark == 0);
	CHECK_STR(s.font_dir, fonts); /* relative to the settings file */
	CHECK_STR(s.font[SET_FONT_BODY], "simfang.ttf");
	CHECK_STR(s.to, "各街道党工委，各社区党组织"); /* not in the file: default */
	{
		char out[200], date[64];
		CHECK(settings_expand(s.docno, "宁安县", s.date.y, s.docno_seq, out, sizeof out) >
		      0);
		CHECK_STR(out, "宁组通〔2026〕12号");
		settings_expand("{地区}委、{地区}政府", "宁安县", 0, 0, out, sizeof out);
		CHECK_STR(out, "宁安县委、宁安县政府");
		CHECK(settings_expand("{地区}组织部", "宁安县", 0, 0, out, 8) == -1);
		settings_date_text(s.date, date, sizeof date);
		CHECK_STR(date, "2026年1月8日");
		settings_date_text((struct set_date){2025, 12, 31}, date, sizeof date);
		CHECK_STR(date, "2025年12月31日");
	}
	settings_free(&s);
}

static void expect_error(const char *text, const char *want)
{
	struct settings s;
	char msg[1200], path[700];

	snprintf(path, sizeof path, "%s/bad.ini", tmp);
	CHECK(load_text(&s, "bad.ini", text, msg, sizeof msg) == -1);
	if (strncmp(msg, path, strlen(path)) != 0 || !strstr(msg, want)) {
		test_failures++;
		printf("not ok - error for '%s': got '%s', want '%s...%s'\n", text, msg, path,
		       want);
	}
	test_checks++;
	settings_free(&s);
}

static void test_errors(void)
{
	expect_error("# x\n发文机构 = 某部\n", ":2:1: 未知的设置项“发文机构”");
	expect_error("[发文]\n公示期 = 7\n", ":2:1: 设置项“公示期”应在[公示]节中，不在[发文]节");
	expect_error("[附件]\n", ":1:1: 未知的节“[附件]”");
	expect_error("公示期 = 七天\n", ":1:7: “公示期”的值“七天”无效：应为 1 至 365 的整数");
	expect_error("公示期 = 0\n", ":1:7: “公示期”的值“0”无效");
	expect_error("\n\n成文日期 = 2026-02-30\n",
		     ":3:8: “成文日期”的值“2026-02-30”无效：应为日期");
	expect_error("成文日期 = 20260108\n", ":1:8: “成文日期”的值“20260108”无效");
	expect_error("内部资料水印 = 也许\n",
		     ":1:10: “内部资料水印”的值“也许”无效：应为“是”或“否”");
	expect_error("文号 = x组通〔{年份}〕{号}号\n",
		     ":1:6: “文号”中只能使用{地区}、{年}、{号}，“{年份}”无法识别");
	expect_error("公示期 7\n", ":1:1: 此行缺少“=”");
	expect_error("公示期 = 7\n公示期 = 9\n", ":2:1: 设置项“公示期”重复（第 1 行已设置）");
	expect_error("落款 = \xC4\xE3\n", ":1: 设置文件不是 UTF-8 编码");
	expect_error("字体目录 = /nonexistent/fonts\n",
		     ":1:8: “字体目录”所指的文件夹“/nonexistent/fonts”无法打开");
}

static void test_find(void)
{
	struct settings s;
	struct diag dg;
	char dir[700], p[800], q[800];

	snprintf(dir, sizeof dir, "%s/input", tmp);
	mkdir(dir, 0755);
	snprintf(p, sizeof p, "%s/设置.ini", dir);
	snprintf(q, sizeof q, "%s/kaoping.ini", dir);
	remove(p); /* a temp dir used before */
	remove(q);
	diag_init(&dg);
	CHECK(settings_find(&s, NULL, dir, &dg) == 0);
	CHECK_STR(s.source, ""); /* nothing there: defaults */
	settings_free(&s);
	snprintf(p, sizeof p, "%s/设置.ini", dir);
	write_file(p, "公示期 = 10\n");
	CHECK(settings_find(&s, NULL, dir, &dg) == 0);
	CHECK(s.notice_days == 10);
	CHECK_STR(s.source, p);
	settings_free(&s);
	snprintf(q, sizeof q, "%s/kaoping.ini", dir);
	write_file(q, "公示期 = 5\n");
	CHECK(settings_find(&s, NULL, dir, &dg) == 0);
	CHECK(s.notice_days == 5); /* kaoping.ini before 设置.ini */
	settings_free(&s);
	CHECK(settings_find(&s, p, dir, &dg) == 0);
	CHECK(s.notice_days == 10); /* --settings first */
	settings_free(&s);
	snprintf(p, sizeof p, "%s/missing.ini", dir);
	CHECK(settings_find(&s, p, dir, &dg) == -1);
	CHECK(strstr(dg.msg, "无法读取设置文件") != NULL);
}

/* doc_apply_settings: what report.c gets for a 通报 and a 简报. */
static void test_apply(void)
{
	struct settings s;
	struct diag dg;
	struct doc *n = doc_new("通报"), *b = doc_new("简报");

	diag_init(&dg);
	CHECK(settings_defaults(&s, &dg) == 0);
	doc_set(&n->watermark, "内部资料");
	CHECK(doc_apply_settings(n, &s, DOC_GENRE_NOTICE, "宁安县", (struct set_date){2026, 1, 1},
				 &dg) == 0);
	CHECK(n->genre == DOC_GENRE_NOTICE);
	CHECK_STR(n->organ, "中共宁安县委组织部");
	CHECK_STR(n->docno, "宁安县组通〔2026〕1号");
	CHECK_STR(n->to, "各街道党工委，各社区党组织");
	CHECK_STR(n->signer, "中共宁安县委组织部");
	CHECK_STR(n->date, "2026年1月1日");
	CHECK(n->cc == NULL && n->printer == NULL); /* no 抄送: no 版记 */
	CHECK_STR(n->watermark, "内部资料");
	s.date = (struct set_date){2026, 1, 8};
	s.watermark = 0;
	doc_set(&s.brief_issue, "2026年第1期（总第35期）");
	CHECK(doc_apply_settings(b, &s, DOC_GENRE_BRIEFING, "宁安县", (struct set_date){2026, 1, 1},
				 &dg) == 0);
	CHECK_STR(b->brief_name, "基层治理考评简报");
	CHECK_STR(b->issue, "2026年第1期（总第35期）");
	CHECK_STR(b->organ, "中共宁安县委组织部");
	CHECK_STR(b->date, "2026年1月8日"); /* the settings' 成文日期 wins */
	CHECK_STR(b->report_to, "宁安县委、宁安县政府领导同志");
	CHECK_STR(b->printer, "中共宁安县委组织部办公室");
	CHECK_STR(b->printed, "2026年1月8日");
	CHECK(b->watermark == NULL && b->signer == NULL && b->to == NULL);
	settings_free(&s);
	doc_free(n);
	doc_free(b);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";
	char *slash;
	int k;

	snprintf(tmp, sizeof tmp, "%s", dir);
	/* the repository root: argv[0] is ROOT/build/san/tests/settings_test */
	snprintf(root, sizeof root, "%s", argv[0]);
	for (k = 0; k < 4; k++) {
		slash = strrchr(root, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(root, sizeof root, ".");
	}
	test_sample_is_defaults();
	test_values();
	test_errors();
	test_find();
	test_apply();
	return test_done();
}
