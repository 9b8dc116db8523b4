/* settings.c - the department's settings file: a line reader for `键 = 值`
 * lines, the key table with types and defaults, and the helpers that turn
 * values into document text. An ini-like text was chosen over Lua: a clerk
 * edits it in Notepad without knowing a programming language (no quotes, no
 * commas, no `return {}`), and each mistake is reported by file and line. */
#include "settings.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

enum vtype { V_TEXT, V_DOCNO, V_INT, V_DATE, V_BOOL, V_DIR };

struct key {
	const char *section, *name;
	enum vtype type;
	size_t off;
	const char *def; /* the default, as it would be written in the file */
	int lo, hi;	 /* V_INT range */
};

#define OFF(f) offsetof(struct settings, f)

/* The keys, in the order samples/settings.ini lists them. */
static const struct key KEYS[] = {
	{"发文", "发文机关", V_TEXT, OFF(organ), "中共{地区}委组织部", 0, 0},
	{"发文", "文号", V_DOCNO, OFF(docno), "{地区}组通〔{年}〕{号}号", 0, 0},
	{"发文", "文号序号", V_INT, OFF(docno_seq), "1", 1, 99999},
	{"发文", "主送", V_TEXT, OFF(to), "各街道党工委，各社区党组织", 0, 0},
	{"发文", "抄送", V_TEXT, OFF(cc), "", 0, 0},
	{"发文", "印发机关", V_TEXT, OFF(printer), "中共{地区}委组织部办公室", 0, 0},
	{"发文", "印发日期", V_DATE, OFF(printed), "", 0, 0},
	{"发文", "成文日期", V_DATE, OFF(date), "", 0, 0},
	{"发文", "落款", V_TEXT, OFF(signer), "", 0, 0},
	{"简报", "简报名称", V_TEXT, OFF(brief_name), "基层治理考评简报", 0, 0},
	{"简报", "期号", V_TEXT, OFF(brief_issue), "1", 0, 0},
	{"简报", "编发单位", V_TEXT, OFF(brief_editor), "", 0, 0},
	{"简报", "报送", V_TEXT, OFF(report_to), "{地区}委、{地区}政府领导同志", 0, 0},
	{"公示", "公示期", V_INT, OFF(notice_days), "7", 1, 365},
	{"公示", "公示开始日期", V_DATE, OFF(notice_start), "", 0, 0},
	{"公示", "整改期限", V_INT, OFF(rectify_days), "30", 1, 365},
	{"公示", "申诉联系人", V_TEXT, OFF(appeal_contact), "", 0, 0},
	{"公示", "申诉电话", V_TEXT, OFF(appeal_phone), "", 0, 0},
	{"公示", "申诉地址", V_TEXT, OFF(appeal_address), "", 0, 0},
	{"文档", "内部资料水印", V_BOOL, OFF(watermark), "是", 0, 0},
	{"字体", "字体目录", V_DIR, OFF(font_dir), "", 0, 0},
	{"字体", "标题字体", V_TEXT, OFF(font[SET_FONT_TITLE]), "", 0, 0},
	{"字体", "正文字体", V_TEXT, OFF(font[SET_FONT_BODY]), "", 0, 0},
	{"字体", "一级标题字体", V_TEXT, OFF(font[SET_FONT_H1]), "", 0, 0},
	{"字体", "二级标题字体", V_TEXT, OFF(font[SET_FONT_H2]), "", 0, 0},
};
#define NKEYS (sizeof KEYS / sizeof *KEYS)

static char *dupn(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

int settings_parse_date(const char *s, size_t n, struct set_date *out)
{
	char iso[20];

	/* parse_date also takes Excel serials and 20260108: not in a settings
	 * file, where a bare number is more likely a slip */
	if (n < 8 || !(memchr(s, '-', n) || memchr(s, '/', n) || memchr(s, '.', n) ||
		       memchr(s, '\xE5', n) /* 年 */))
		return -1;
	if (parse_date(s, n, 0, iso))
		return -1;
	out->y = (iso[0] - '0') * 1000 + (iso[1] - '0') * 100 + (iso[2] - '0') * 10 + iso[3] - '0';
	out->m = (iso[5] - '0') * 10 + iso[6] - '0';
	out->d = (iso[8] - '0') * 10 + iso[9] - '0';
	return 0;
}

/* Stores value v (n bytes, trimmed) into key k of s. Returns 0, or -1 with a
 * message for the user in why. */
static int set_value(struct settings *s, const struct key *k, const char *v, size_t n, char *why,
		     size_t wn)
{
	char *base = (char *)s + k->off;

	switch (k->type) {
	case V_TEXT:
	case V_DIR:
	case V_DOCNO: {
		char *p;
		if (k->type == V_DOCNO) {
			/* only {地区} {年} {号} are known: a typo such as {年份} would
			 * be printed as it is on every 文号 */
			const char *q = v, *e = v + n;
			while ((q = memchr(q, '{', (size_t)(e - q))) != NULL) {
				const char *c = memchr(q, '}', (size_t)(e - q));
				size_t len = c ? (size_t)(c - q) + 1 : 0;
				if (!c || !((len == 8 && memcmp(q, "{地区}", 8) == 0) ||
					    (len == 5 && memcmp(q, "{年}", 5) == 0) ||
					    (len == 5 && memcmp(q, "{号}", 5) == 0))) {
					snprintf(why, wn,
						 "“%s”中只能使用{地区}、{年}、{号}，"
						 "“%.*s”无法识别",
						 k->name, c ? (int)len : (int)(e - q), q);
					return -1;
				}
				q = c + 1;
			}
		}
		p = dupn(v, n);
		if (!p) {
			snprintf(why, wn, "内存不足");
			return -1;
		}
		free(*(char **)base);
		*(char **)base = p;
		return 0;
	}
	case V_INT: {
		int64_t x;
		if (parse_int(v, n, &x) || x < k->lo || x > k->hi) {
			snprintf(why, wn, "“%s”的值“%.*s”无效：应为 %d 至 %d 的整数", k->name,
				 (int)n, v, k->lo, k->hi);
			return -1;
		}
		*(int *)base = (int)x;
		return 0;
	}
	case V_DATE: {
		struct set_date d = {0, 0, 0};
		if (n && settings_parse_date(v, n, &d)) {
			snprintf(why, wn,
				 "“%s”的值“%.*s”无效：应为日期，如 2026-01-08 或 2026年1月8日，"
				 "或留空",
				 k->name, (int)n, v);
			return -1;
		}
		*(struct set_date *)base = d;
		return 0;
	}
	case V_BOOL: {
		int b;
		if ((n == 3 && (memcmp(v, "开", 3) == 0)) || (n == 2 && memcmp(v, "on", 2) == 0))
			b = 1;
		else if ((n == 3 && memcmp(v, "关", 3) == 0) ||
			 (n == 3 && memcmp(v, "off", 3) == 0))
			b = 0;
		else if (parse_bool(v, n, &b)) {
			snprintf(why, wn, "“%s”的值“%.*s”无效：应为“是”或“否”", k->name, (int)n, v);
			return -1;
		}
		*(int *)base = b;
		return 0;
	}
	}
	return 0;
}

void settings_free(struct settings *s)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (KEYS[i].type == V_TEXT || KEYS[i].type == V_DIR || KEYS[i].type == V_DOCNO) {
			char **p = (char **)((char *)s + KEYS[i].off);
			free(*p);
			*p = NULL;
		}
}

int settings_defaults(struct settings *s, struct diag *dg)
{
	size_t i;
	char why[256];

	memset(s, 0, sizeof *s);
	for (i = 0; i < NKEYS; i++) {
		if (set_value(s, &KEYS[i], KEYS[i].def, strlen(KEYS[i].def), why, sizeof why)) {
			settings_free(s);
			return diag_set(dg, "%s", why);
		}
	}
	return 0;
}

/* Whether bytes [a, a+n) are `word` exactly. */
static int is(const char *a, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(a, word, n) == 0;
}

/* Reads the whole file; *len gets its size. NULL with errno set on failure. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL, *p;
	size_t n = 0, cap = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > (4u << 20)) { /* a settings file is a few KB */
				errno = EFBIG;
				break;
			}
			p = realloc(data, cap);
			if (!p)
				break;
			data = p;
		}
		got = fread(data + n, 1, 4096, f);
		n += got;
		if (got < 4096) {
			if (ferror(f))
				break;
			fclose(f);
			data[n] = '\0';
			*len = n;
			return data;
		}
	}
	{
		int e = errno;
		free(data);
		fclose(f);
		errno = e ? e : ENOMEM;
	}
	return NULL;
}

/* The 1-based column of p in line, counted in characters (a clerk counts
 * 公示期 as three, not nine). */
static long col_of(const char *line, const char *p)
{
	long c = 1;

	for (; line < p; line++)
		if (((unsigned char)*line & 0xC0) != 0x80)
			c++;
	return c;
}

/* A folder given relative is taken from the settings file's own folder (where
 * the clerk put both); it must exist. */
static int resolve_dir(struct settings *s, const struct key *k, const char *path, char *why,
		       size_t wn)
{
	char **slot = (char **)((char *)s + k->off), full[4096];
	const char *slash = strrchr(path, '/');
	FILE *f;

	if ((*slot)[0] != '/' && slash) {
		int n = snprintf(full, sizeof full, "%.*s/%s", (int)(slash - path), path, *slot);
		char *p;
		if (n < 0 || (size_t)n >= sizeof full || !(p = dupn(full, (size_t)n))) {
			snprintf(why, wn, "“%s”的路径过长", k->name);
			return -1;
		}
		free(*slot);
		*slot = p;
	}
	f = fopen(*slot, "r");
	if (!f) {
		snprintf(why, wn, "“%s”所指的文件夹“%s”无法打开：%s", k->name, *slot,
			 strerror(errno));
		return -1;
	}
	fclose(f);
	return 0;
}

int settings_load(struct settings *s, const char *path, struct diag *dg)
{
	size_t len = 0, pos = 0;
	char *data = slurp(path, &len), why[512];
	long seen[NKEYS];
	const char *section = NULL;
	long lineno = 0;
	int rc = -1;

	if (!data)
		return diag_set(dg, "无法读取设置文件“%s”：%s", path, strerror(errno));
	memset(seen, 0, sizeof seen);
	if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		pos = 3; /* Notepad's byte order mark */
	while (pos < len) {
		const char *line = data + pos, *raw = line, *eq, *k, *v;
		size_t n, kn, vn, i, eqn = 1;
		char *nl = memchr(data + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		lineno++;
		if (n && line[n - 1] == '\r')
			n--;
		if (!parse_utf8_valid(line, n)) {
			diag_at(dg, path, lineno, 0,
				"设置文件不是 UTF-8 编码（请用记事本“另存为”UTF-8）");
			goto done;
		}
		parse_trim(&line, &n);
		if (n == 0 || line[0] == '#' || line[0] == ';')
			continue;
		if (line[0] == '[' || (n >= 3 && memcmp(line, "【", 3) == 0)) {
			size_t open = line[0] == '[' ? 1 : 3, close = 0;
			const char *name;
			if (line[n - 1] == ']')
				close = 1;
			else if (n >= 3 && memcmp(line + n - 3, "】", 3) == 0)
				close = 3;
			name = line + open;
			kn = n >= open + close ? n - open - close : 0;
			parse_trim(&name, &kn);
			section = NULL;
			for (i = 0; close && i < NKEYS; i++)
				if (is(name, kn, KEYS[i].section))
					section = KEYS[i].section;
			if (!section) {
				diag_at(dg, path, lineno, 1,
					"未知的节“%.*s”：可用的节为[发文]、[简报]、[公示]、[文档]"
					"、[字体]",
					(int)n, line);
				goto done;
			}
			continue;
		}
		eq = memchr(line, '=', n);
		{
			/* a full-width ＝ typed with the Chinese input method */
			const char *fw = NULL, *q = line;
			while (q + 3 <= line + n && !fw) {
				if (memcmp(q, "\xEF\xBC\x9D", 3) == 0)
					fw = q;
				q++;
			}
			if (fw && (!eq || fw < eq)) {
				eq = fw;
				eqn = 3;
			}
		}
		if (!eq) {
			diag_at(dg, path, lineno, 1, "此行缺少“=”：应为“键 = 值”，如“公示期 = 7”");
			goto done;
		}
		k = line;
		kn = (size_t)(eq - line);
		parse_trim(&k, &kn);
		v = eq + eqn;
		vn = (size_t)(line + n - v);
		parse_trim(&v, &vn);
		for (i = 0; i < NKEYS; i++)
			if (is(k, kn, KEYS[i].name))
				break;
		if (i == NKEYS) {
			diag_at(dg, path, lineno, 1, "未知的设置项“%.*s”", (int)kn, k);
			goto done;
		}
		if (section && strcmp(section, KEYS[i].section) != 0) {
			diag_at(dg, path, lineno, 1, "设置项“%s”应在[%s]节中，不在[%s]节",
				KEYS[i].name, KEYS[i].section, section);
			goto done;
		}
		if (seen[i]) {
			diag_at(dg, path, lineno, 1, "设置项“%s”重复（第 %ld 行已设置）",
				KEYS[i].name, seen[i]);
			goto done;
		}
		seen[i] = lineno;
		if (set_value(s, &KEYS[i], v, vn, why, sizeof why)) {
			diag_at(dg, path, lineno, col_of(raw, v), "%s", why);
			goto done;
		}
		if (KEYS[i].type == V_DIR && vn &&
		    resolve_dir(s, &KEYS[i], path, why, sizeof why)) {
			diag_at(dg, path, lineno, col_of(raw, v), "%s", why);
			goto done;
		}
	}
	snprintf(s->source, sizeof s->source, "%s", path);
	rc = 0;
done:
	free(data);
	return rc;
}

int settings_find(struct settings *s, const char *explicit, const char *input_dir, struct diag *dg)
{
	static const char *const names[] = {"kaoping.ini", "设置.ini"};
	size_t i;

	if (settings_defaults(s, dg))
		return -1;
	if (explicit && *explicit) {
		if (settings_load(s, explicit, dg) == 0)
			return 0;
		settings_free(s);
		return -1;
	}
	for (i = 0; input_dir && *input_dir && i < 2; i++) {
		char p[4096];
		FILE *f;
		int n = snprintf(p, sizeof p, "%s/%s", input_dir, names[i]);
		if (n < 0 || (size_t)n >= sizeof p)
			continue;
		f = fopen(p, "rb");
		if (!f)
			continue;
		fclose(f);
		if (settings_load(s, p, dg)) {
			settings_free(s);
			return -1;
		}
		return 0;
	}
	return 0;
}

int settings_expand(const char *pattern, const char *place, int year, int seq, char *out,
		    size_t cap)
{
	size_t o = 0;
	const char *p = pattern ? pattern : "";
	int over = 0;

	if (cap == 0)
		return -1;
	while (*p) {
		char num[24];
		const char *rep = NULL;
		size_t skip = 1, rn;
		if (strncmp(p, "{地区}", 8) == 0) {
			rep = place ? place : "";
			skip = 8;
		} else if (strncmp(p, "{年}", 5) == 0 && year > 0) {
			snprintf(num, sizeof num, "%d", year);
			rep = num;
			skip = 5;
		} else if (strncmp(p, "{号}", 5) == 0 && seq > 0) {
			snprintf(num, sizeof num, "%d", seq);
			rep = num;
			skip = 5;
		}
		if (!rep) {
			rep = p;
			rn = 1;
		} else {
			rn = strlen(rep);
		}
		if (o + rn >= cap) {
			over = 1;
			break;
		}
		memcpy(out + o, rep, rn);
		o += rn;
		p += skip;
	}
	out[o] = '\0';
	return over ? -1 : (int)o;
}

void settings_date_text(struct set_date dt, char *out, size_t cap)
{
	if (cap == 0)
		return;
	if (dt.y <= 0)
		out[0] = '\0';
	else
		snprintf(out, cap, "%d年%d月%d日", dt.y, dt.m, dt.d);
}

/* Sets *field to the expanded pattern; "" and NULL leave it NULL. */
static int put(char **field, const char *pattern, const char *place, int year, int seq)
{
	char out[1024];

	if (!pattern || !*pattern) {
		doc_set(field, NULL);
		return 0;
	}
	settings_expand(pattern, place, year, seq, out, sizeof out);
	doc_set(field, out);
	return *field ? 0 : -1;
}

int doc_apply_settings(struct doc *d, const struct settings *s, enum doc_genre g, const char *place,
		       struct set_date date, struct diag *dg)
{
	struct set_date dt = s->date.y ? s->date : date;
	struct set_date pr = s->printed.y ? s->printed : dt;
	char when[64], printed[64], issue[300];
	const char *signer = s->signer && *s->signer ? s->signer : s->organ;
	int y = dt.y, rc = 0;

	settings_date_text(dt, when, sizeof when);
	settings_date_text(pr, printed, sizeof printed);
	d->genre = g;
	rc |= put(&d->date, when, place, y, 0);
	rc |= put(&d->printer, s->printer, place, y, 0);
	rc |= put(&d->printed, printed, place, y, 0);
	if (g == DOC_GENRE_NOTICE) {
		rc |= put(&d->organ, s->organ, place, y, 0);
		rc |= put(&d->docno, s->docno, place, y, s->docno_seq);
		rc |= put(&d->to, s->to, place, y, 0);
		rc |= put(&d->signer, signer, place, y, 0);
		rc |= put(&d->cc, s->cc, place, y, 0);
		if (!s->cc || !*s->cc) { /* no 版记 without a distribution */
			doc_set(&d->printer, NULL);
			doc_set(&d->printed, NULL);
		}
	} else if (g == DOC_GENRE_BRIEFING) {
		const char *ed = s->brief_editor && *s->brief_editor ? s->brief_editor : s->organ;
		size_t k, n = strlen(s->brief_issue);
		for (k = 0; k < n && s->brief_issue[k] >= '0' && s->brief_issue[k] <= '9'; k++)
			;
		if (n && k == n)
			snprintf(issue, sizeof issue, "第%s期", s->brief_issue);
		else
			snprintf(issue, sizeof issue, "%s", s->brief_issue);
		rc |= put(&d->brief_name, s->brief_name, place, y, 0);
		rc |= put(&d->issue, issue, place, y, 0);
		rc |= put(&d->organ, ed, place, y, 0);
		rc |= put(&d->report_to, s->report_to, place, y, 0);
		rc |= put(&d->cc, s->cc, place, y, 0);
	}
	if (!s->watermark) {
		doc_set(&d->watermark, NULL);
		doc_set(&d->watermark_png, NULL);
	}
	return rc ? diag_set(dg, "out of memory") : 0;
}
