/* main.c - the command line: parses arguments, runs the stages in order
 * (ingest -> score -> render), shows progress and warnings, and is the only
 * place that prints fatal errors or exits. Exit codes: 0 ok (rejected rows
 * are warnings), 1 an error (unreadable file, broken rule or template, or
 * rejected rows with --strict), 2 a usage error. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "csvout.h"
#include "diag.h"
#include "diff.h"
#include "html.h"
#include "ingest.h"
#include "model.h"
#include "outdir.h"
#include "parse.h"
#include "report.h"
#include "rules.h"
#include "settings.h"
#include "store.h"

struct opts {
	const char *input, *output, *rules, *templates, *db;
	const char *settings;	 /* --settings FILE (settings.h); NULL: searched */
	const char *period_text; /* --period or --year as given; NULL: the latest year */
	int period_is_year;	 /* it came with --year */
	struct parse_period period;
	int strict;
	int quiet;
	int final;	    /* --final: the 终稿, with appeals.csv applied */
	const char *code;   /* explain */
	const char *dbs[2]; /* diff: OLD.db NEW.db */
	int ndbs;
};

static int tty; /* stderr is a terminal: show progress */

/* out = a + sep + b; returns -1 (out emptied) when it does not fit. */
static int path_join(char *out, size_t cap, const char *a, const char *sep, const char *b)
{
	size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);

	if (na + ns + nb + 1 > cap) {
		if (cap)
			out[0] = '\0';
		return -1;
	}
	memmove(out, a, na);
	memcpy(out + na, sep, ns);
	memcpy(out + na + ns, b, nb + 1);
	return 0;
}

static long nwarnings;

static void warn_cb(const char *msg, void *arg)
{
	(void)arg;
	nwarnings++;
	if (tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "警告：%s\n", msg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Progress of the file being read: rows, share of its bytes, rows per second. */
static void progress_cb(const char *file, long rows, unsigned long long bytes,
			unsigned long long total, int done, void *arg)
{
	static char current[256];
	static double start;
	static long start_rows;
	double el;

	(void)arg;
	if (!tty)
		return;
	if (strcmp(current, file) != 0) {
		snprintf(current, sizeof current, "%s", file);
		start = now();
		start_rows = rows;
	}
	if (done) {
		fprintf(stderr, "\r\033[K");
		current[0] = '\0';
		return;
	}
	el = now() - start;
	fprintf(stderr, "\r\033[K读取 %s：%ld 行，%.0f%%", file, rows,
		total ? 100.0 * (double)bytes / (double)total : 0.0);
	if (el > 0.1)
		fprintf(stderr, "，%.0f 行/秒", (double)(rows - start_rows) / el);
}

static int fail(const struct diag *d)
{
	char m[2048];

	diag_format(d, m, sizeof m);
	if (tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "kaoping: 错误：%s\n", m);
	return 1;
}

static void usage(FILE *f, const char *cmd)
{
	if (!cmd || strcmp(cmd, "run") == 0)
		fputs("用法：kaoping run [--input DIR] [--output DIR] [--rules DIR] [--templates "
		      "DIR]"
		      " [--period 期间] [--settings FILE] [--strict] [--final]\n"
		      "  读取 CSV 导出、计分、生成报告：数据库在 OUTPUT/kaoping.db。\n"
		      "  可公开发布的网站、通报、公示和工作簿在 "
		      "OUTPUT/public/，其余仅供内部使用。\n"
		      "  不带 --final 为公示稿；--final 按 appeals.csv 的复核结论生成终稿。\n"
		      "  --period 为考评期：年度 2024、季度 2024Q3 或月份 2024-07（--year 2024 "
		      "同 --period 2024）；不指定时为数据中最近的年度。\n"
		      "  不带参数时读取自带样例（samples/county），写入 output/。\n",
		      f);
	if (!cmd || strcmp(cmd, "ingest") == 0)
		fputs("用法：kaoping ingest --input DIR --db FILE [--strict]\n"
		      "  把 CSV 载入 SQLite，逐行检查；被拒绝的行连同原因存入数据库。\n",
		      f);
	if (!cmd || strcmp(cmd, "inspect") == 0)
		fputs("用法：kaoping inspect --input DIR\n"
		      "  载入前检查输入目录：每个文件和工作表对应哪张表、各列如何对应、\n"
		      "  未识别的列，以及前 200 行中无法解析的值。不写数据库。\n",
		      f);
	if (!cmd || strcmp(cmd, "score") == 0)
		fputs("用法：kaoping score --db FILE [--rules DIR] [--period 期间] [--final]\n"
		      "  运行 rules/*.lua 考核规则，结果写回数据库。\n",
		      f);
	if (!cmd || strcmp(cmd, "render") == 0)
		fputs("用法：kaoping render --db FILE --output DIR [--templates DIR]\n"
		      "  生成 CSV 结果表、图表、HTML 网站和 PDF 报告。\n",
		      f);
	if (!cmd || strcmp(cmd, "explain") == 0)
		fputs("用法：kaoping explain --db FILE CODE\n"
		      "  逐项列出一个网格、社区、企业或人员的得分依据。\n",
		      f);
	if (!cmd || strcmp(cmd, "diff") == 0)
		fputs("用法：kaoping diff OLD.db NEW.db [--output DIR]\n"
		      "  比较两次考评结果（公示稿与终稿、原规则与新规则），列出得分、排名、档次、"
		      "星级、榜单、奖励或经费有变化的对象及变化的评分项；明细写入 DIR/diff.csv"
		      "（默认当前目录）。\n",
		      f);
	if (!cmd)
		fputs("退出码：0 成功；1 错误（文件无法读取、规则或模板出错，--strict "
		      "时有被拒绝的行）；"
		      "2 用法错误。\n",
		      f);
}

/* Finds a bundled folder: relative to the working directory, else in one of
 * the folders above the executable (build/kaoping and build/san/kaoping both
 * find the repository's rules/, templates/ and samples/). */
static const char *bundled(const char *rel, char *buf, size_t cap)
{
	char exe[4096];
	ssize_t n;
	struct stat sb;
	int up;

	if (stat(rel, &sb) == 0)
		return rel;
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return rel;
	exe[n] = '\0';
	for (up = 0; up < 3; up++) {
		char *slash = strrchr(exe, '/');
		if (!slash)
			break;
		*slash = '\0';
		if (path_join(buf, cap, exe, "/", rel) == 0 && stat(buf, &sb) == 0)
			return buf;
	}
	return rel;
}

static int parse_args(int argc, char **argv, struct opts *o, const char *cmd)
{
	int i;

	for (i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout, cmd);
			exit(0);
		}
		if (strcmp(a, "--final") == 0) {
			o->final = 1;
			continue;
		}
		if (strcmp(a, "--strict") == 0) {
			o->strict = 1;
			continue;
		}
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o->quiet = 1;
			continue;
		}
		if (strcmp(a, "--input") == 0)
			slot = &o->input;
		else if (strcmp(a, "--output") == 0)
			slot = &o->output;
		else if (strcmp(a, "--rules") == 0)
			slot = &o->rules;
		else if (strcmp(a, "--templates") == 0)
			slot = &o->templates;
		else if (strcmp(a, "--db") == 0)
			slot = &o->db;
		else if (strcmp(a, "--settings") == 0)
			slot = &o->settings;
		else if (strcmp(a, "--year") == 0 || strcmp(a, "--period") == 0) {
			if (i + 1 >= argc) {
				fprintf(stderr, "kaoping: %s 需要一个考评期\n", a);
				return -1;
			}
			o->period_text = argv[++i];
			o->period_is_year = strcmp(a, "--year") == 0;
			continue;
		} else if (a[0] == '-') {
			fprintf(stderr, "kaoping: 未知选项“%s”\n", a);
			usage(stderr, cmd);
			return -1;
		} else if (strcmp(cmd, "explain") == 0 && !o->code) {
			o->code = a;
			continue;
		} else if (strcmp(cmd, "diff") == 0 && o->ndbs < 2) {
			o->dbs[o->ndbs++] = a;
			continue;
		} else {
			fprintf(stderr, "kaoping: 多余的参数“%s”\n", a);
			return -1;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "kaoping: %s 需要一个参数\n", a);
			return -1;
		}
		*slot = argv[++i];
	}
	return 0;
}

static void on_signal(int sig)
{
	static const char msg[] = "\nkaoping: 已中断：输出目录保持不变\n";
	ssize_t w = write(2, msg, sizeof msg - 1);
	(void)w;
	_exit(128 + sig);
}

static int do_ingest(const struct opts *o, struct ingest_totals *tot, struct diag *d)
{
	struct store *s = NULL;
	struct ingest_hooks h = {warn_cb, progress_cb, NULL};
	int rc;

	if (store_open(&s, o->db, STORE_CREATE, d) < 0)
		return -1;
	rc = ingest_run(s, o->input, &h, tot, d);
	store_close(s);
	if (rc == 0 && !o->quiet)
		fprintf(stderr, "载入：%ld 个文件，读取 %ld 行，载入 %ld 行，拒绝 %ld 行\n",
			tot->files_found, tot->rows_read, tot->rows_loaded, tot->rows_rejected);
	return rc;
}

static int do_score(const struct opts *o, struct diag *d)
{
	struct store *s = NULL;
	int rc;

	if (store_open(&s, o->db, STORE_UPDATE, d) < 0)
		return -1;
	rc = rules_run(s, o->db, o->rules, o->period_text ? &o->period : NULL, o->final, warn_cb,
		       NULL, d);
	store_close(s);
	return rc;
}

/* The result tables as CSV under out/csv, rendered from the model; the
 * public workbook into pub (out/public). */
static int export_csv(const struct model *m, const char *out, const char *pubdir, struct diag *d)
{
	char dir[4096], pub[4200], inr[4200];

	if (path_join(dir, sizeof dir, out, "/", "csv") < 0)
		return diag_set(d, "路径过长：“%s”", out);
	if (mkdir(out, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", out, strerror(errno));
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", dir, strerror(errno));
	if (csvout_write(m, dir, d) < 0)
		return -1;
	/* The public workbook in public/; the copy with the rejects (退回记录) in
	 * internal/, outside what is published. */
	if (path_join(dir, sizeof dir, out, "/", "internal") < 0 ||
	    path_join(pub, sizeof pub, pubdir, "/", "kaoping.xlsx") < 0 ||
	    path_join(inr, sizeof inr, dir, "/", "kaoping-内部.xlsx") < 0)
		return diag_set(d, "路径过长：“%s”", out);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", dir, strerror(errno));
	return csvout_workbooks(m, pub, inr, d);
}

/* Each street's part of the workbook beside its documents:
 * out/public/streets/<街道名>/考评结果.xlsx (out is the public folder). */
static int street_books(const struct model *m, const char *out, struct diag *d)
{
	char dir[4200], path[4400], name[256];
	long k;

	long *comp;
	int rc = -1;

	if (path_join(dir, sizeof dir, out, "/", "streets") < 0)
		return diag_set(d, "路径过长：“%s”", out);
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", dir, strerror(errno));
	comp = malloc((size_t)(m->ncompanies ? m->ncompanies : 1) * sizeof *comp);
	if (!comp)
		return diag_set(d, "内存不足");
	for (k = 0; k < m->nstreets; k++) {
		long nc = model_street_companies(m, m->streets[k], comp);
		model_folder_name(&m->units[m->streets[k]], name, sizeof name);
		if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
			diag_set(d, "路径过长：“%s”", dir);
			goto done;
		}
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			diag_set(d, "无法创建目录“%s”：%s", path, strerror(errno));
			goto done;
		}
		if (snprintf(path, sizeof path, "%s/%s/考评结果.xlsx", dir, name) >=
		    (int)sizeof path) {
			diag_set(d, "路径过长：“%s”", dir);
			goto done;
		}
		if (csvout_street_workbook(m, m->streets[k], comp, nc, path, d) < 0)
			goto done;
	}
	rc = 0;
done:
	free(comp);
	return rc;
}

static void render_progress(const char *what, long done, long total, void *arg)
{
	(void)arg;
	if (!tty)
		return;
	if (done >= total)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\r\033[K生成%s：%ld/%ld", what, done, total);
}

static int make_dir(const char *dir, struct diag *d)
{
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", dir, strerror(errno));
	return 0;
}

/* Writes every output of the database at db into the folder out: the result
 * tables as CSV, the charts, the HTML site and the PDF documents. What may be
 * published goes into out/public (outdir_public), the rest stays beside it. */
static int render_into(const char *db, const char *out, const struct opts *o, struct diag *d)
{
	struct store *s = NULL;
	struct model *m = NULL;
	struct settings st;
	char pub[4200], html[4300], svg[4400], png[4200];
	int rc = -1;

	if (outdir_public(out, NULL, pub, sizeof pub) < 0 ||
	    path_join(html, sizeof html, pub, "/", "html") < 0 ||
	    path_join(svg, sizeof svg, html, "/", "charts") < 0 ||
	    path_join(png, sizeof png, out, "/", "charts") < 0)
		return diag_set(d, "路径过长：“%s”", out);
	/* the department's settings: --settings, else kaoping.ini or 设置.ini in
	 * the input folder (render has none: the built-in defaults) */
	if (settings_find(&st, o->settings, o->input, d) < 0)
		return -1;
	if (store_open(&s, db, STORE_READONLY, d) < 0)
		goto done;
	if (model_build(s, 0, &m, d) < 0)
		goto done;
	if (make_dir(out, d) < 0 || make_dir(pub, d) < 0 || outdir_public_note(out, d) < 0 ||
	    export_csv(m, out, pub, d) < 0)
		goto done;
	if (make_dir(html, d) < 0 || make_dir(svg, d) < 0 || make_dir(png, d) < 0)
		goto done;
	if (model_charts(m, svg, png, d) < 0)
		goto done;
	if (html_render(m, o->templates, html, render_progress, NULL, d) < 0)
		goto done;
	if (report_write(m, &st, o->templates, png, out, pub, render_progress, NULL, d) < 0)
		goto done;
	if (street_books(m, pub, d) < 0)
		goto done;
	rc = 0;
done:
	model_free(m);
	store_close(s);
	settings_free(&st);
	return rc;
}

/* render: everything into a staging folder, swapped in at the end. A
 * database kept directly inside the output folder moves along with it. */
static int do_render(const struct opts *o, struct diag *d)
{
	const struct outdir_keep keep[] = {
		{o->templates, "模板目录", 0},
		{o->db, "数据库", 1},
	};
	struct outdir *out = NULL;
	char moved[4200];
	const char *base;
	int rc = -1, is_moved = 0;

	if (outdir_open(&out, o->output, keep, sizeof keep / sizeof keep[0], d) < 0)
		return -1;
	if (render_into(o->db, outdir_staging(out), o, d) < 0)
		goto done;
	if (outdir_holds(out, o->db)) {
		base = strrchr(o->db, '/');
		path_join(moved, sizeof moved, outdir_staging(out), "/", base ? base + 1 : o->db);
		if (rename(o->db, moved) != 0) {
			diag_set(d, "无法移动数据库“%s”：%s", o->db, strerror(errno));
			goto done;
		}
		is_moved = 1;
	}
	rc = outdir_commit(out, d);
done:
	/* The old output stays: the database goes back into it. */
	if (rc < 0 && is_moved)
		rename(moved, o->db);
	outdir_close(out);
	return rc;
}

/* run: ingest, score and render, all inside the staging folder. */
static int do_run(struct opts *o, struct ingest_totals *tot, struct diag *d)
{
	const struct outdir_keep keep[] = {
		{o->input, "输入目录", 0},
		{o->rules, "规则目录", 0},
		{o->templates, "模板目录", 0},
	};
	struct outdir *out = NULL;
	char db[4200];
	int rc = -1;

	if (outdir_open(&out, o->output, keep, sizeof keep / sizeof keep[0], d) < 0)
		return -1;
	path_join(db, sizeof db, outdir_staging(out), "/", "kaoping.db");
	o->db = db;
	if (do_ingest(o, tot, d) < 0 || do_score(o, d) < 0 ||
	    render_into(db, outdir_staging(out), o, d) < 0)
		goto done;
	if (o->strict && tot->rows_rejected > 0) {
		diag_set(d, "有 %ld 行被拒绝（--strict）：输出目录保持不变", tot->rows_rejected);
		goto done;
	}
	rc = outdir_commit(out, d);
done:
	o->db = NULL;
	outdir_close(out);
	return rc;
}

/* The end of a run: what was read, rejected, scored and written, and where. */
static void summary(const char *db, const char *out, const struct ingest_totals *tot)
{
	struct store *s = NULL;
	struct diag d;
	struct model_counts n;

	diag_init(&d);
	if (store_open(&s, db, STORE_READONLY, &d) < 0)
		return;
	model_count_results(s, &n);
	fprintf(stderr, "汇总：\n");
	fprintf(stderr, "  读取 %ld 个文件 %ld 行，载入 %ld 行，拒绝 %ld 行%s\n", tot->files_found,
		tot->rows_read, tot->rows_loaded, tot->rows_rejected,
		tot->rows_rejected ? "（原因见 csv/rejects.csv 和网站的数据质量页）" : "");
	fprintf(stderr,
		"  %s 年度考评：网格 %lld 个，社区 %lld 个，物业企业 %lld 家，积分人员 %lld "
		"人，报到单位 %lld 个\n",
		n.year, (long long)n.grids, (long long)n.communities, (long long)n.companies,
		(long long)n.people, (long long)n.report_units);
	/* grouped as staff must treat them: public/ may go out as it is */
	fprintf(stderr, "  输出（可公开发布）：%s/%s/（说明见其中的 说明.txt）\n", out,
		OUTDIR_PUBLIC);
	fprintf(stderr,
		"    html/index.html（网站）、community-ranking（社区考评通报）、"
		"redblack（红黑榜公示）、report-cards（社区考评报告卡），均有 .pdf 和 .docx\n");
	fprintf(stderr,
		"    kaoping.xlsx（考评结果工作簿）、streets/（各街道通报、整改清单和工作簿）\n");
	fprintf(stderr, "  输出（内部使用，不得对外发布）：%s/\n", out);
	fprintf(stderr,
		"    briefing.pdf、briefing.docx（领导简报，内部资料）、kaoping.db（数据库）\n");
	fprintf(stderr,
		"    csv/（结果表和被拒绝的原始行）、internal/kaoping-内部.xlsx、整改通知书/、"
		"charts/（图表原图）\n");
	store_close(s);
}

/* diff: the report on stdout, the table as diff.csv in the output folder. */
static int do_diff(const struct opts *o, struct diag *d)
{
	struct store *a = NULL, *b = NULL;
	char csv[4200];
	struct buf out;
	const char *dir = o->output ? o->output : ".";
	int rc = -1;

	buf_init(&out, 0);
	if (path_join(csv, sizeof csv, dir, "/", "diff.csv") < 0) {
		diag_set(d, "路径过长：“%s”", dir);
		goto done;
	}
	for (int i = 0; i < 2; i++) { /* store_open's hint (run ingest) is no help here */
		struct stat sb;
		if (stat(o->dbs[i], &sb) != 0) {
			diag_set(d, "数据库“%s”不存在", o->dbs[i]);
			goto done;
		}
		if (!S_ISREG(sb.st_mode)) {
			diag_set(d, "“%s”不是 kaoping 数据库", o->dbs[i]);
			goto done;
		}
	}
	if (store_open(&a, o->dbs[0], STORE_READONLY, d) < 0 ||
	    store_open(&b, o->dbs[1], STORE_READONLY, d) < 0 || make_dir(dir, d) < 0)
		goto done;
	if (diff_run(a, b, csv, &out, d) < 0)
		goto done;
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
	fflush(stdout); /* the report before the note on stderr */
	if (!o->quiet)
		fprintf(stderr, "明细表：%s\n", csv);
	rc = 0;
done:
	store_close(a);
	store_close(b);
	buf_release(&out);
	return rc;
}

static int do_explain(const struct opts *o, struct diag *d)
{
	struct store *s = NULL;
	struct buf b;
	int rc;

	if (store_open(&s, o->db, STORE_READONLY, d) < 0)
		return -1;
	buf_init(&b, 0);
	rc = rules_explain(s, o->code, &b, d);
	store_close(s);
	if (rc == 1) {
		fwrite(b.data, 1, b.len, stdout);
		rc = 0;
	} else if (rc == 0) {
		diag_set(d, "没有找到“%s”的考核结果", o->code);
		rc = -1;
	}
	buf_release(&b);
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	struct diag d;
	struct ingest_totals tot;
	const char *cmd;
	char dbpath[4096], b1[4096], b2[4096], b3[4096];
	int rc = 0;

	memset(&o, 0, sizeof o);
	memset(&tot, 0, sizeof tot);
	diag_init(&d);
	tty = isatty(2);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout, NULL);
		return argc < 2 ? 2 : 0;
	}
	cmd = argv[1];
	if (strcmp(cmd, "run") && strcmp(cmd, "ingest") && strcmp(cmd, "inspect") &&
	    strcmp(cmd, "score") && strcmp(cmd, "render") && strcmp(cmd, "explain") &&
	    strcmp(cmd, "diff")) {
		fprintf(stderr, "kaoping: 未知命令“%s”\n", cmd);
		usage(stderr, NULL);
		return 2;
	}
	if (parse_args(argc, argv, &o, cmd) < 0)
		return 2;
	if (o.period_text && (parse_period(o.period_text, strlen(o.period_text), &o.period) < 0 ||
			      (o.period_is_year && o.period.kind != PERIOD_YEAR))) {
		if (o.period_is_year)
			fprintf(stderr,
				"kaoping: 错误：年份“%s”无效：--year 应为四位年份，如 2024\n",
				o.period_text);
		else
			fprintf(stderr,
				"kaoping: 错误：考评期“%s”无效：应为年度（如 2024）、季度（如 "
				"2024Q3，季度为 1 至 4）或月份（如 2024-07，月份为 1 至 12）\n",
				o.period_text);
		return 1;
	}
	if (!o.rules)
		o.rules = bundled("rules", b1, sizeof b1);
	if (!o.templates)
		o.templates = bundled("templates", b2, sizeof b2);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (strcmp(cmd, "run") == 0) {
		if (!o.input)
			o.input = bundled("samples/county", b3, sizeof b3);
		if (!o.output)
			o.output = "output";
		if (o.db) {
			fprintf(stderr,
				"kaoping: run 把数据库写在输出目录中（kaoping.db），不接受 --db\n");
			return 2;
		}
		if (do_run(&o, &tot, &d) < 0)
			return fail(&d);
		if (!o.quiet) {
			path_join(dbpath, sizeof dbpath, o.output, "/", "kaoping.db");
			summary(dbpath, o.output, &tot);
		}
		tot.rows_rejected = 0; /* reported above; --strict already applied */
	} else if (strcmp(cmd, "ingest") == 0) {
		if (!o.input || !o.db) {
			usage(stderr, cmd);
			return 2;
		}
		if (do_ingest(&o, &tot, &d) < 0)
			return fail(&d);
	} else if (strcmp(cmd, "inspect") == 0) {
		struct buf out;
		int irc;
		if (!o.input || o.db) {
			usage(stderr, cmd);
			return 2;
		}
		buf_init(&out, 0);
		irc = ingest_inspect(o.input, &out, &d);
		if (out.len)
			fwrite(out.data, 1, out.len, stdout);
		buf_release(&out);
		if (irc < 0)
			return fail(&d);
	} else if (strcmp(cmd, "score") == 0) {
		if (!o.db) {
			usage(stderr, cmd);
			return 2;
		}
		if (do_score(&o, &d) < 0)
			return fail(&d);
	} else if (strcmp(cmd, "render") == 0) {
		if (!o.db || !o.output) {
			usage(stderr, cmd);
			return 2;
		}
		if (do_render(&o, &d) < 0)
			return fail(&d);
	} else if (strcmp(cmd, "diff") == 0) {
		if (o.ndbs != 2 || o.db) {
			usage(stderr, cmd);
			return 2;
		}
		if (do_diff(&o, &d) < 0)
			return fail(&d);
	} else {
		if (!o.db || !o.code) {
			usage(stderr, cmd);
			return 2;
		}
		if (do_explain(&o, &d) < 0)
			return fail(&d);
	}
	if (o.strict && tot.rows_rejected > 0) {
		fprintf(stderr, "kaoping: 错误：有 %ld 行被拒绝（--strict）\n", tot.rows_rejected);
		rc = 1;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "kaoping: 错误：写标准输出失败\n");
		rc = 1;
	}
	return rc;
}
