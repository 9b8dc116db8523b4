/* outdir.c - owning the output folder: where it really is (realpath, so ".."
 * and symlinks cannot fool the checks), whether kaoping may replace it (its
 * marker .kaoping-output lists every entry a run wrote), a flock on
 * "<output>.kaoping-lock", and the swap of "<output>.kaoping-new" with the
 * old output in one renameat2(RENAME_EXCHANGE). */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MARK	  ".kaoping-output"
#define MARK_HEAD "# kaoping 输出目录：每次运行整体替换，请勿在此存放其他文件\n"
#define MARK_MAX  (64L << 20)

struct outdir {
	char real[4096];  /* canonical path of the output folder */
	char shown[4096]; /* the output as the user wrote it, for messages */
	char staging[4200];
	char old[4200]; /* the old output, when no atomic exchange is possible */
	char lock[4200];
	char exempt[256]; /* a file that moves into the new output (render's database) */
	int lockfd;
	int staged; /* the staging folder exists and is ours to remove */
};

/* out = a + sep + b, cut short (still terminated) when it does not fit;
 * returns -1 then. */
static int join(char *out, size_t cap, const char *a, const char *sep, const char *b)
{
	size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);

	if (na + ns + nb + 1 > cap) {
		snprintf(out, cap, "%.*s", (int)(cap - 1), a);
		return -1;
	}
	memcpy(out, a, na);
	memcpy(out + na, sep, ns);
	memcpy(out + na + ns, b, nb + 1);
	return 0;
}

/* A list of relative paths; folders end in '/'. */
struct names {
	char **v;
	size_t n, cap;
};

static int names_add(struct names *l, const char *s, size_t len)
{
	char *c;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		char **v = realloc(l->v, cap * sizeof *v);
		if (!v)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	c = malloc(len + 1);
	if (!c)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	l->v[l->n++] = c;
	return 0;
}

static void names_free(struct names *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A walk over a folder tree, each folder's entries in byte order (so the
 * marker and the first foreign file named are the same on every run). */
struct walk {
	const char *root;
	int post; /* children before their folder (for removal) */
	int (*fn)(struct walk *w, const char *rel, int isdir);
	void *arg;
	char failed[4300]; /* the path that could not be read, on failure */
	int err;
};

static int walk_dir(struct walk *w, const char *rel)
{
	char path[4300], child[4300];
	struct names l = {0};
	DIR *dh;
	struct dirent *e;
	size_t i;
	int rc = -1;

	if (join(path, sizeof path, w->root, *rel ? "/" : "", rel) < 0) {
		w->err = ENAMETOOLONG;
		join(w->failed, sizeof w->failed, path, "", "");
		return -1;
	}
	dh = opendir(path);
	if (!dh) {
		w->err = errno;
		join(w->failed, sizeof w->failed, path, "", "");
		return -1;
	}
	while ((e = readdir(dh)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (names_add(&l, e->d_name, strlen(e->d_name)) < 0) {
			w->err = ENOMEM;
			closedir(dh);
			goto done;
		}
	}
	closedir(dh);
	if (l.n)
		qsort(l.v, l.n, sizeof *l.v, cmp_str);
	for (i = 0; i < l.n; i++) {
		struct stat sb;
		int isdir, r;
		if (join(child, sizeof child, rel, *rel ? "/" : "", l.v[i]) < 0 ||
		    join(path, sizeof path, w->root, "/", child) < 0) {
			w->err = ENAMETOOLONG;
			join(w->failed, sizeof w->failed, path, "", "");
			goto done;
		}
		if (lstat(path, &sb) != 0) {
			w->err = errno;
			join(w->failed, sizeof w->failed, path, "", "");
			goto done;
		}
		isdir = S_ISDIR(sb.st_mode);
		if (!w->post && (r = w->fn(w, child, isdir)) != 0) {
			rc = r;
			goto done;
		}
		if (isdir && (r = walk_dir(w, child)) != 0) {
			rc = r;
			goto done;
		}
		if (w->post && (r = w->fn(w, child, isdir)) != 0) {
			rc = r;
			goto done;
		}
	}
	rc = 0;
done:
	names_free(&l);
	return rc;
}

static int rm_entry(struct walk *w, const char *rel, int isdir)
{
	char p[8400];

	/* The root's marker goes last: a removal cut short stays recognisable. */
	if (strcmp(rel, MARK) == 0)
		return 0;
	join(p, sizeof p, w->root, "/", rel);
	if ((isdir ? rmdir(p) : unlink(p)) != 0) {
		w->err = errno;
		join(w->failed, sizeof w->failed, p, "", "");
		return -1;
	}
	return 0;
}

/* Removes a folder tree that is ours; errno set on failure. */
static int remove_tree(const char *dir)
{
	struct walk w = {dir, 1, rm_entry, NULL, "", 0};
	char mark[4300];

	if (walk_dir(&w, "") != 0) {
		errno = w.err;
		return -1;
	}
	join(mark, sizeof mark, dir, "/", MARK);
	if (unlink(mark) != 0 && errno != ENOENT)
		return -1;
	return rmdir(dir);
}

/* Reads the marker of dir: 1 it is ours (l holds the entries it lists,
 * sorted), 0 there is none, -1 a file of that name that is not ours. */
static int read_mark(const char *dir, struct names *l)
{
	char path[4300];
	FILE *f;
	char *text = NULL, *p, *end;
	long n;
	int rc = -1;

	join(path, sizeof path, dir, "/", MARK);
	f = fopen(path, "rb");
	if (!f)
		return errno == ENOENT ? 0 : -1;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > MARK_MAX ||
	    fseek(f, 0, SEEK_SET) != 0)
		goto done;
	text = malloc((size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n)
		goto done;
	text[n] = '\0';
	if (strncmp(text, MARK_HEAD, strlen(MARK_HEAD)) != 0)
		goto done;
	for (p = text + strlen(MARK_HEAD); *p; p = end + 1) {
		end = strchr(p, '\n');
		if (!end)
			goto done;
		if (end > p && names_add(l, p, (size_t)(end - p)) < 0)
			goto done;
	}
	if (l->n)
		qsort(l->v, l->n, sizeof *l->v, cmp_str);
	rc = 1;
done:
	free(text);
	fclose(f);
	return rc;
}

/* The ownership check: the first entry not listed in the marker. */
struct own {
	struct names listed;
	const char *exempt;
	char foreign[4300];
};

static int listed(const struct names *l, const char *key)
{
	return l->n && bsearch(&key, l->v, l->n, sizeof *l->v, cmp_str) != NULL;
}

static int own_entry(struct walk *w, const char *rel, int isdir)
{
	struct own *o = w->arg;
	char key[4300];
	size_t n = strlen(rel);
	static const char *const side[] = {"-journal", "-wal", "-shm"};
	size_t i;

	if (strcmp(rel, MARK) == 0 || (!isdir && strcmp(rel, o->exempt) == 0))
		return 0;
	join(key, sizeof key, rel, isdir ? "/" : "", "");
	if (listed(&o->listed, key))
		return 0;
	/* SQLite's files beside a database we wrote (a later `score` on it). */
	for (i = 0; !isdir && i < sizeof side / sizeof side[0]; i++) {
		size_t k = strlen(side[i]);
		if (n > k && strcmp(rel + n - k, side[i]) == 0 && n - k < sizeof key) {
			memcpy(key, rel, n - k);
			key[n - k] = '\0';
			if (listed(&o->listed, key))
				return 0;
		}
	}
	snprintf(o->foreign, sizeof o->foreign, "%s", rel);
	return 1;
}

/* Whether the existing folder dir (shown as shown) is one kaoping may
 * replace: empty, or holding only what its marker lists (and exempt, a file
 * that moves along into the new output). */
static int check_owned(const char *dir, const char *shown, const char *exempt, struct diag *d)
{
	struct own o;
	struct walk w = {dir, 0, own_entry, NULL, "", 0};
	int r, rc = -1;

	memset(&o, 0, sizeof o);
	o.exempt = exempt;
	w.arg = &o;
	if (read_mark(dir, &o.listed) < 0) {
		diag_set(d, "输出目录“%s”中的“%s”不是 kaoping 写的，不予替换：请指定新目录或空目录",
			 shown, MARK);
		goto done;
	}
	r = walk_dir(&w, "");
	if (r < 0) {
		diag_set(d, "无法读取“%s”：%s", w.failed, strerror(w.err));
		goto done;
	}
	if (r > 0) {
		diag_set(d,
			 "输出目录“%s”中有不是 kaoping 生成的文件“%s/%s”，不予替换："
			 "请指定新目录或空目录，或先移走其中的文件",
			 shown, shown, o.foreign);
		goto done;
	}
	rc = 0;
done:
	names_free(&o.listed);
	return rc;
}

/* Every folder of the old output must be writable, or its removal would stop
 * half-way after the swap: found out before anything is changed. */
static int writable_entry(struct walk *w, const char *rel, int isdir)
{
	char p[8400];

	if (!isdir)
		return 0;
	join(p, sizeof p, w->root, "/", rel);
	if (access(p, W_OK | X_OK) != 0) {
		w->err = errno;
		join(w->failed, sizeof w->failed, rel, "", "");
		return 1;
	}
	return 0;
}

static int check_writable(const char *dir, const char *shown, struct diag *d)
{
	struct walk w = {dir, 0, writable_entry, NULL, "", 0};
	int r;

	if (access(dir, W_OK | X_OK) != 0)
		return diag_set(d, "旧的输出目录“%s”不可写（%s），无法替换：旧的输出保持不变",
				shown, strerror(errno));
	r = walk_dir(&w, "");
	if (r < 0)
		return diag_set(d, "无法读取“%s”：%s", w.failed, strerror(w.err));
	if (r > 0)
		return diag_set(d,
				"旧的输出目录中的“%s/%s”不可写（%s），无法替换：旧的输出保持不变",
				shown, w.failed, strerror(w.err));
	return 0;
}

/* Collects what a run wrote, for the marker. */
static int list_entry(struct walk *w, const char *rel, int isdir)
{
	struct names *l = w->arg;
	char key[4300];

	if (strcmp(rel, MARK) == 0)
		return 0;
	if (join(key, sizeof key, rel, isdir ? "/" : "", "") < 0 || strchr(rel, '\n') ||
	    names_add(l, key, strlen(key)) < 0) {
		w->err = ENOMEM;
		return -1;
	}
	return 0;
}

static int write_mark(const char *dir, struct diag *d)
{
	struct names l = {0};
	struct walk w = {dir, 0, list_entry, &l, "", 0};
	char path[4300];
	FILE *f = NULL;
	size_t i;
	int rc = -1;

	join(path, sizeof path, dir, "/", MARK);
	if (walk_dir(&w, "") != 0) {
		diag_set(d, "无法列出“%s”：%s", dir, strerror(w.err));
		goto done;
	}
	f = fopen(path, "w");
	if (!f)
		goto fail;
	fputs(MARK_HEAD, f);
	for (i = 0; i < l.n; i++)
		fprintf(f, "%s\n", l.v[i]);
	if (ferror(f))
		goto fail;
	rc = fclose(f) == 0 ? 0 : -1;
	f = NULL;
	if (rc == 0)
		goto done;
fail:
	diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	rc = -1;
done:
	if (f)
		fclose(f);
	names_free(&l);
	return rc;
}

/* Removes a folder a killed or failed run left beside the output, if ours. */
static int clear_leftover(const char *path, const char *shown, const char *suffix, struct diag *d)
{
	struct names l = {0};
	struct stat sb;
	int r;

	if (lstat(path, &sb) != 0)
		return 0;
	r = S_ISDIR(sb.st_mode) ? read_mark(path, &l) : -1;
	names_free(&l);
	if (r == 0 && rmdir(path) == 0) /* an empty one: made, then killed */
		return 0;
	if (r != 1)
		return diag_set(
			d, "“%s%s”已存在，但不是 kaoping 留下的临时目录，不予删除：请移走后再运行",
			shown, suffix);
	if (remove_tree(path) != 0)
		return diag_set(d, "无法删除上次运行留下的临时目录“%s%s”：%s", shown, suffix,
				strerror(errno));
	return 0;
}

/* Whether path a lies inside folder b (or is b). */
static int within(const char *a, const char *b)
{
	size_t n = strlen(b);

	if (strcmp(b, "/") == 0)
		return 1;
	return strncmp(a, b, n) == 0 && (a[n] == '/' || a[n] == '\0');
}

static int check_keep(struct outdir *o, const struct outdir_keep *k, struct diag *d)
{
	char real[4096];
	struct stat sb;

	if (!k->path || !realpath(k->path, real))
		return 0;
	if (strcmp(real, o->real) == 0)
		return diag_set(
			d,
			"输出目录“%s”就是%s，不能用作输出：kaoping 每次运行都整体替换输出目录，"
			"请另行指定",
			o->shown, k->what);
	if (within(real, o->real)) {
		if (k->may_be_inside && outdir_holds(o, k->path)) {
			const char *base = strrchr(real, '/');
			snprintf(o->exempt, sizeof o->exempt, "%s", base + 1);
			return 0;
		}
		return diag_set(
			d, "输出目录“%s”包含%s“%s”：kaoping 每次运行都整体替换输出目录，请另行指定",
			o->shown, k->what, k->path);
	}
	if (stat(real, &sb) == 0 && S_ISDIR(sb.st_mode) && within(o->real, real))
		return diag_set(d, "输出目录“%s”位于%s“%s”之内：请指定该目录以外的位置", o->shown,
				k->what, k->path);
	return 0;
}

/* Where output really is: realpath of it, or of its parent when it does not
 * exist yet. */
static int resolve(struct outdir *o, const char *output, struct diag *d)
{
	char parent[4096], real[4096];
	const char *base;
	char *slash;
	size_t n = strlen(output);

	while (n > 1 && output[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof o->shown)
		return diag_set(d, "输出目录“%s”无效", output);
	memcpy(o->shown, output, n);
	o->shown[n] = '\0';
	if (realpath(o->shown, o->real))
		return 0;
	if (errno != ENOENT)
		return diag_set(d, "无法确定输出目录“%s”的位置：%s", o->shown, strerror(errno));
	snprintf(parent, sizeof parent, "%s", o->shown);
	slash = strrchr(parent, '/');
	if (!slash) {
		snprintf(parent, sizeof parent, ".");
		base = o->shown;
	} else {
		base = o->shown + (slash - parent) + 1;
		slash[slash == parent ? 1 : 0] = '\0';
	}
	if (!realpath(parent, real))
		return diag_set(d, "输出目录“%s”的上级目录“%s”无法使用：%s", o->shown, parent,
				strerror(errno));
	if (snprintf(o->real, sizeof o->real, "%s%s%s", real, strcmp(real, "/") ? "/" : "", base) >=
	    (int)sizeof o->real)
		return diag_set(d, "路径过长：“%s”", output);
	return 0;
}

/* flock on "<output>.kaoping-lock". The file is removed by whoever holds
 * the lock when it ends, so a lock taken on a file since removed is retried. */
static int take_lock(struct outdir *o, struct diag *d)
{
	int tries;

	for (tries = 0; tries < 8; tries++) {
		struct stat a, b;
		int fd = open(o->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return diag_set(
				d,
				"无法在输出目录“%s”旁建立锁文件“%s”：%s（输出目录所在位置须可写）",
				o->shown, o->lock, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return diag_set(
					d,
					"另一个 kaoping 正在写入输出目录“%s”：请待其结束后再运行",
					o->shown);
			return diag_set(d, "无法锁定“%s”：%s", o->lock, strerror(e));
		}
		if (fstat(fd, &a) == 0 && stat(o->lock, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			o->lockfd = fd;
			return 0;
		}
		close(fd);
	}
	return diag_set(d, "无法锁定“%s”", o->lock);
}

int outdir_open(struct outdir **out, const char *output, const struct outdir_keep *keep,
		size_t nkeep, struct diag *d)
{
	struct outdir *o = calloc(1, sizeof *o);
	struct stat sb;
	char mark[4300];
	FILE *f;
	size_t i;

	*out = NULL;
	if (!o)
		return diag_set(d, "内存不足");
	o->lockfd = -1;
	if (resolve(o, output, d) < 0)
		goto fail;
	if (strcmp(o->real, "/") == 0) {
		diag_set(d, "输出目录“%s”是根目录，不能用作输出", o->shown);
		goto fail;
	}
	for (i = 0; i < nkeep; i++)
		if (check_keep(o, &keep[i], d) < 0)
			goto fail;
	if (lstat(o->real, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
		diag_set(d, "输出位置“%s”已存在，但不是目录", o->shown);
		goto fail;
	}
	snprintf(o->staging, sizeof o->staging, "%s.kaoping-new", o->real);
	snprintf(o->old, sizeof o->old, "%s.kaoping-old", o->real);
	snprintf(o->lock, sizeof o->lock, "%s.kaoping-lock", o->real);
	if (take_lock(o, d) < 0)
		goto fail;
	/* Found out now rather than after the whole run. */
	if (lstat(o->real, &sb) == 0 && (check_owned(o->real, o->shown, o->exempt, d) < 0 ||
					 check_writable(o->real, o->shown, d) < 0))
		goto fail;
	if (clear_leftover(o->staging, o->shown, ".kaoping-new", d) < 0 ||
	    clear_leftover(o->old, o->shown, ".kaoping-old", d) < 0)
		goto fail;
	if (mkdir(o->staging, 0755) != 0) {
		diag_set(d, "无法在“%s”旁建立临时目录：%s（输出目录所在位置须可写）", o->shown,
			 strerror(errno));
		goto fail;
	}
	o->staged = 1;
	join(mark, sizeof mark, o->staging, "/", MARK);
	f = fopen(mark, "w");
	if (!f || fputs(MARK_HEAD, f) < 0 || fclose(f) != 0) {
		diag_set(d, "无法写入“%s”：%s", mark, strerror(errno));
		goto fail;
	}
	*out = o;
	return 0;
fail:
	outdir_close(o);
	return -1;
}

const char *outdir_staging(const struct outdir *o)
{
	return o->staging;
}

int outdir_holds(const struct outdir *o, const char *path)
{
	char dir[4096], real[4096];
	char *slash;

	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		snprintf(dir, sizeof dir, ".");
	return realpath(dir, real) && strcmp(real, o->real) == 0;
}

int outdir_commit(struct outdir *o, struct diag *d)
{
	struct stat sb;

	if (write_mark(o->staging, d) < 0)
		return -1;
	if (lstat(o->real, &sb) != 0) {
		if (rename(o->staging, o->real) != 0)
			return diag_set(d, "无法建立输出目录“%s”：%s", o->shown, strerror(errno));
		o->staged = 0;
		return 0;
	}
	/* Checked again: files may have been put there while the run worked. */
	if (!S_ISDIR(sb.st_mode))
		return diag_set(d, "输出位置“%s”已存在，但不是目录", o->shown);
	if (check_owned(o->real, o->shown, o->exempt, d) < 0 ||
	    check_writable(o->real, o->shown, d) < 0)
		return -1;
	if (syscall(SYS_renameat2, AT_FDCWD, o->staging, AT_FDCWD, o->real,
		    2 /* RENAME_EXCHANGE */) == 0) {
		/* The staging path now holds the old output. */
		if (remove_tree(o->staging) != 0)
			return diag_set(d, "新的输出已写入“%s”，但旧的输出未能删除（在“%s”）：%s",
					o->shown, o->staging, strerror(errno));
		o->staged = 0;
		return 0;
	}
	/* No atomic exchange (old kernel or file system): two renames. */
	if (rename(o->real, o->old) != 0)
		return diag_set(d, "无法替换输出目录“%s”：%s", o->shown, strerror(errno));
	if (rename(o->staging, o->real) != 0) {
		int e = errno;
		if (rename(o->old, o->real) != 0)
			return diag_set(d, "无法替换输出目录“%s”：%s；旧的输出现在在“%s”", o->shown,
					strerror(e), o->old);
		return diag_set(d, "无法替换输出目录“%s”：%s", o->shown, strerror(e));
	}
	o->staged = 0;
	if (remove_tree(o->old) != 0)
		return diag_set(d, "新的输出已写入“%s”，但旧的输出未能删除（在“%s”）：%s", o->shown,
				o->old, strerror(errno));
	return 0;
}

void outdir_close(struct outdir *o)
{
	if (!o)
		return;
	if (o->staged)
		remove_tree(o->staging);
	if (o->lockfd >= 0) {
		unlink(o->lock);
		close(o->lockfd);
	}
	free(o);
}

int outdir_public(const char *out, const char *name, char *buf, size_t cap)
{
	int n = name ? snprintf(buf, cap, "%s/%s/%s", out, OUTDIR_PUBLIC, name)
		     : snprintf(buf, cap, "%s/%s", out, OUTDIR_PUBLIC);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

int outdir_public_note(const char *out, struct diag *d)
{
	static const char note[] =
		"本文件夹（public）中的网站、社区考评通报、红黑榜公示、社区考评报告卡、考评结果工作"
		"簿和各街道文件"
		"均已隐去个人信息，可以原样公开发布。\n"
		"输出目录中本文件夹以外的内容（数据库 kaoping.db、csv 结果表及被拒绝的原始行、"
		"领导简报 briefing（内部资料）、internal、整改通知书、charts）仅供内部使用，"
		"不得对外发布。\n";
	char path[4300];
	FILE *f;
	int bad;

	if (outdir_public(out, "说明.txt", path, sizeof path) < 0)
		return diag_set(d, "路径过长：“%s”", out);
	f = fopen(path, "w");
	if (!f)
		return diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	bad = fputs(note, f) < 0;
	if (fclose(f) != 0 || bad)
		return diag_set(d, "无法写入“%s”：%s", path, strerror(errno));
	return 0;
}
