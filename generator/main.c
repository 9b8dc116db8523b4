/* main.c - the command line: parses arguments, runs the stages in order
 * (ingest -> score -> render), shows progress and warnings, and is the only
 * place that prints fatal errors or exits. Exit codes: 0 ok (rejected rows
 * are warnings), 1 an error (unreadable file, broken rule or template, or
 * rejected rows with --strict), 2 a usage error. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "html.h"
#include "ingest.h"
#include "model.h"
#include "report.h"
#include "rules.h"
#include "store.h"

struct opts {
	const char *input, *output, *rules, *templates, *db;
	int year;
	int strict;
	int quiet;
	int final; /* --final: the 终稿, with appeals.csv applied */
	const char *code; /* explain */
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

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f)
		fclose(f);
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
		fputs("用法：kaoping run [--input DIR] [--output DIR] [--rules DIR] [--templates DIR]"
		      " [--year YYYY] [--strict] [--final]\n"
		      "  读取 CSV 导出、计分、生成报告：数据库在 OUTPUT/kaoping.db。\n"
		      "  不带 --final 为公示稿；--final 按 appeals.csv 的复核结论生成终稿。\n"
		      "  不带参数时读取自带样例（samples/county），写入 output/。\n", f);
	if (!cmd || strcmp(cmd, "ingest") == 0)
		fputs("用法：kaoping ingest --input DIR --db FILE [--strict]\n"
		      "  把 CSV 载入 SQLite，逐行检查；被拒绝的行连同原因存入数据库。\n", f);
	if (!cmd || strcmp(cmd, "score") == 0)
		fputs("用法：kaoping score --db FILE [--rules DIR] [--year YYYY] [--final]\n"
		      "  运行 rules/*.lua 考核规则，结果写回数据库。\n", f);
	if (!cmd || strcmp(cmd, "render") == 0)
		fputs("用法：kaoping render --db FILE --output DIR [--templates DIR]\n"
		      "  生成 CSV 结果表、图表、HTML 网站和 PDF 报告。\n", f);
	if (!cmd || strcmp(cmd, "explain") == 0)
		fputs("用法：kaoping explain --db FILE CODE\n"
		      "  逐项列出一个网格、社区、企业或人员的得分依据。\n", f);
	if (!cmd)
		fputs("退出码：0 成功；1 错误（文件无法读取、规则或模板出错，--strict 时有被拒绝的行）；"
		      "2 用法错误。\n", f);
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
		if (strcmp(a, "--input") == 0) slot = &o->input;
		else if (strcmp(a, "--output") == 0) slot = &o->output;
		else if (strcmp(a, "--rules") == 0) slot = &o->rules;
		else if (strcmp(a, "--templates") == 0) slot = &o->templates;
		else if (strcmp(a, "--db") == 0) slot = &o->db;
		else if (strcmp(a, "--year") == 0) {
			char *end;
			long y;
			if (i + 1 >= argc) {
				fprintf(stderr, "kaoping: --year 需要一个年份\n");
				return -1;
			}
			errno = 0;
			y = strtol(argv[++i], &end, 10);
			if (errno || *end || y < 1900 || y > 2199) {
				fprintf(stderr, "kaoping: 年份“%s”无效\n", argv[i]);
				return -1;
			}
			o->year = (int)y;
			continue;
		} else if (a[0] == '-') {
			fprintf(stderr, "kaoping: 未知选项“%s”\n", a);
			usage(stderr, cmd);
			return -1;
		} else if (strcmp(cmd, "explain") == 0 && !o->code) {
			o->code = a;
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

/* ---- atomic replacement of the output folder ----
 * Everything is written into a staging folder beside the output folder
 * ("<output>.kaoping-new"), which is swapped with the old output in one
 * renameat2(RENAME_EXCHANGE) when the whole run succeeded. A failed, killed
 * or interrupted run leaves the old output untouched; its stale staging
 * folder, recognised by a marker file, is removed by the next run. */
#define STAGING_MARK ".kaoping-staging"

static char staging_dir[4096];

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Removes a folder tree we made (it holds the marker), or nothing. */
static void remove_ours(const char *dir)
{
	char mark[4200];
	struct stat sb;

	path_join(mark, sizeof mark, dir, "/", STAGING_MARK);
	if (stat(mark, &sb) == 0)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int staging_open(const char *output, struct diag *d)
{
	char mark[4200];
	FILE *f;

	if (path_join(staging_dir, sizeof staging_dir, output, "", ".kaoping-new") < 0)
		return diag_set(d, "路径过长：“%s”", output);
	remove_ours(staging_dir);
	if (mkdir(staging_dir, 0755) != 0) {
		int e = errno;
		staging_dir[0] = '\0';
		return diag_set(d, "无法在“%s”旁创建临时目录：%s（输出目录所在位置须可写）", output,
				strerror(e));
	}
	path_join(mark, sizeof mark, staging_dir, "/", STAGING_MARK);
	f = fopen(mark, "w");
	if (!f || fclose(f) != 0)
		return diag_set(d, "无法写入“%s”：%s", mark, strerror(errno));
	return 0;
}

/* Swaps the staging folder in as output; the old output is removed. */
static int staging_commit(const char *output, struct diag *d)
{
	char mark[4200];
	struct stat sb;

	path_join(mark, sizeof mark, staging_dir, "/", STAGING_MARK);
	if (stat(output, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return diag_set(d, "“%s”不是目录", output);
		if (syscall(SYS_renameat2, AT_FDCWD, staging_dir, AT_FDCWD, output, 2 /* RENAME_EXCHANGE */) != 0) {
			/* No atomic exchange (old kernel or filesystem): two renames. */
			char old[4200];
			path_join(old, sizeof old, output, "", ".kaoping-old");
			if (rename(output, old) != 0 || rename(staging_dir, output) != 0)
				return diag_set(d, "无法替换输出目录“%s”：%s", output, strerror(errno));
			path_join(mark, sizeof mark, old, "/", STAGING_MARK);
			touch(mark);
			remove_ours(old);
		} else {
			/* staging_dir now holds the old output: mark it ours and remove it. */
			touch(mark);
			remove_ours(staging_dir);
		}
	} else if (rename(staging_dir, output) != 0) {
		return diag_set(d, "无法创建输出目录“%s”：%s", output, strerror(errno));
	}
	path_join(mark, sizeof mark, output, "/", STAGING_MARK);
	unlink(mark);
	staging_dir[0] = '\0';
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
	rc = rules_run(s, o->db, o->rules, o->year, o->final, warn_cb, NULL, d);
	store_close(s);
	return rc;
}

/* The result tables as CSV under out/csv. */
static int export_csv(struct store *s, const char *out, struct diag *d)
{
	static const struct {
		const char *file, *sql;
	} q[] = {
		{"ingest_report.csv", "SELECT file, rows_read, rows_loaded, rows_rejected, status,"
				      " encoding, unknown_columns FROM ingest_files ORDER BY seq"},
		{"rejects.csv", "SELECT file, line, col AS column, reason, kp_mask(raw) AS raw"
				" FROM rejects r LEFT JOIN ingest_files f USING(file) ORDER BY f.seq, r.line"},
		{"grid_tiers.csv", "SELECT code, name, printf('%.2f', score) AS score, tier, funding,"
				   " rank, community, street FROM grid_tiers ORDER BY rank, code"},
		{"community_ranking.csv",
		 "SELECT code, name, street, printf('%.2f', score) AS score, rank, rank_change, stars,"
		 " vetoed, star_names, award, veto_reason FROM community_ranking ORDER BY rank, code"},
		{"redblack.csv", "SELECT code, name, printf('%.2f', score) AS score,"
				 " printf('%.2f', complaint_rate) AS complaint_rate, list, reason,"
				 " listed_on, valid_until FROM redblack ORDER BY score DESC, code"},
		{"points.csv", "SELECT id, name, role, unit, printf('%.2f', points) AS points,"
			       " rank_in_role, candidate FROM points ORDER BY role, rank_in_role, id"},
		{"report_units.csv", "SELECT employer, projects, completed, printf('%.2f', rating) AS"
				     " rating, level FROM report_units ORDER BY employer"},
	};
	char dir[4096], path[4200];
	size_t i;

	if (path_join(dir, sizeof dir, out, "/", "csv") < 0)
		return diag_set(d, "路径过长：“%s”", out);
	if (mkdir(out, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", out, strerror(errno));
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return diag_set(d, "无法创建目录“%s”：%s", dir, strerror(errno));
	for (i = 0; i < sizeof q / sizeof q[0]; i++) {
		path_join(path, sizeof path, dir, "/", q[i].file);
		if (store_export_csv(s, q[i].sql, path, d) < 0)
			return -1;
	}
	return 0;
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
 * tables as CSV, the charts, the HTML site and the PDF documents. */
static int render_into(const char *db, const char *out, const struct opts *o, struct diag *d)
{
	struct store *s = NULL;
	struct model *m = NULL;
	char html[4200], svg[4300], png[4200];
	int rc = -1;

	if (path_join(html, sizeof html, out, "/", "html") < 0 ||
	    path_join(svg, sizeof svg, html, "/", "charts") < 0 ||
	    path_join(png, sizeof png, out, "/", "charts") < 0)
		return diag_set(d, "路径过长：“%s”", out);
	if (store_open(&s, db, STORE_READONLY, d) < 0)
		return -1;
	if (make_dir(out, d) < 0 || export_csv(s, out, d) < 0)
		goto done;
	if (model_build(s, 0, &m, d) < 0)
		goto done;
	if (make_dir(html, d) < 0 || make_dir(svg, d) < 0 || make_dir(png, d) < 0)
		goto done;
	if (model_charts(m, svg, png, d) < 0)
		goto done;
	if (html_render(s, m, o->templates, html, render_progress, NULL, d) < 0)
		goto done;
	if (report_write(s, m, o->templates, png, out, render_progress, NULL, d) < 0)
		goto done;
	rc = 0;
done:
	model_free(m);
	store_close(s);
	return rc;
}

/* Whether path names a file directly inside folder dir. */
static int inside(const char *path, const char *dir)
{
	char a[4096], b[4096], *slash;

	snprintf(a, sizeof a, "%s", path);
	slash = strrchr(a, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(a, sizeof a, ".");
	if (!realpath(a, b) || !realpath(dir, a))
		return 0;
	return strcmp(a, b) == 0;
}

/* render: everything into a staging folder, swapped in at the end. A
 * database kept inside the output folder moves along with it. */
static int do_render(const struct opts *o, struct diag *d)
{
	char moved[4200];
	const char *base;
	int rc = -1;

	if (staging_open(o->output, d) < 0)
		return -1;
	if (render_into(o->db, staging_dir, o, d) < 0)
		goto done;
	if (inside(o->db, o->output)) {
		base = strrchr(o->db, '/');
		path_join(moved, sizeof moved, staging_dir, "/", base ? base + 1 : o->db);
		if (rename(o->db, moved) != 0) {
			diag_set(d, "无法移动数据库“%s”：%s", o->db, strerror(errno));
			goto done;
		}
	}
	rc = staging_commit(o->output, d);
done:
	if (rc < 0 && staging_dir[0])
		remove_ours(staging_dir);
	return rc;
}

/* run: ingest, score and render, all inside the staging folder. */
static int do_run(struct opts *o, struct ingest_totals *tot, struct diag *d)
{
	char db[4200];
	int rc = -1;

	if (staging_open(o->output, d) < 0)
		return -1;
	path_join(db, sizeof db, staging_dir, "/", "kaoping.db");
	o->db = db;
	if (do_ingest(o, tot, d) < 0 || do_score(o, d) < 0 || render_into(db, staging_dir, o, d) < 0)
		goto done;
	if (o->strict && tot->rows_rejected > 0) {
		diag_set(d, "有 %ld 行被拒绝（--strict）：输出目录保持不变", tot->rows_rejected);
		goto done;
	}
	rc = staging_commit(o->output, d);
	o->db = NULL;
done:
	if (rc < 0 && staging_dir[0])
		remove_ours(staging_dir);
	return rc;
}

/* The end of a run: what was read, rejected, scored and written, and where. */
static void summary(const char *db, const char *out, const struct ingest_totals *tot)
{
	struct store *s = NULL;
	struct diag d;
	char *year;

	diag_init(&d);
	if (store_open(&s, db, STORE_READONLY, &d) < 0)
		return;
	year = store_scalar_text(s, "SELECT value FROM run WHERE key = 'year'");
	fprintf(stderr, "汇总：\n");
	fprintf(stderr, "  读取 %ld 个文件 %ld 行，载入 %ld 行，拒绝 %ld 行%s\n", tot->files_found,
		tot->rows_read, tot->rows_loaded, tot->rows_rejected,
		tot->rows_rejected ? "（原因见 csv/rejects.csv 和网站的数据质量页）" : "");
	fprintf(stderr, "  %s 年度考评：网格 %lld 个，社区 %lld 个，物业企业 %lld 家，积分人员 %lld 人，报到单位 %lld 个\n",
		year ? year : "?",
		(long long)store_scalar_int(s, "SELECT count(*) FROM grid_tiers", 0),
		(long long)store_scalar_int(s, "SELECT count(*) FROM community_ranking", 0),
		(long long)store_scalar_int(s, "SELECT count(*) FROM redblack", 0),
		(long long)store_scalar_int(s, "SELECT count(*) FROM points", 0),
		(long long)store_scalar_int(s, "SELECT count(*) FROM report_units", 0));
	fprintf(stderr, "  输出：%s/briefing.pdf（领导简报）、community-ranking.pdf、redblack.pdf、"
			"report-cards.pdf\n", out);
	fprintf(stderr, "        %s/html/index.html（网站）、%s/csv/（结果表）、%s/kaoping.db（数据库）\n",
		out, out, out);
	free(year);
	store_close(s);
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
	if (strcmp(cmd, "run") && strcmp(cmd, "ingest") && strcmp(cmd, "score") &&
	    strcmp(cmd, "render") && strcmp(cmd, "explain")) {
		fprintf(stderr, "kaoping: 未知命令“%s”\n", cmd);
		usage(stderr, NULL);
		return 2;
	}
	if (parse_args(argc, argv, &o, cmd) < 0)
		return 2;
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
			fprintf(stderr, "kaoping: run 把数据库写在输出目录中（kaoping.db），不接受 --db\n");
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
