/* pdf_test.c - unit tests of the PDF renderer: line breaking (避头尾) as a pure
 * function, then rendered documents checked with poppler (pdftotext, pdffonts)
 * and qpdf: text that extracts exactly, headers repeated on every page,
 * embedded fonts, rare characters, byte-identical output, hostile input.
 * Usage: pdf_test [tmpdir]  (default $TMPDIR, then /tmp). Prints one line per
 * check, "ok - name" or "not ok - name: why"; exits 1 if any failed. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "doc.h"
#include "pdf.h"
#include "settings.h"

static int failures, checks;
static char tmp[512];

static void check(int cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void check(int cond, const char *name, const char *fmt, ...)
{
	va_list ap;

	checks++;
	if (cond) {
		printf("ok - %s\n", name);
		return;
	}
	failures++;
	printf("not ok - %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* ---- helpers -------------------------------------------------------------- */

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", tmp, name);
}

/* Runs a command; returns its whole stdout (malloc'd) or NULL. *status gets
 * the exit status from pclose. */
static char *run(const char *cmd, int *status)
{
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];

	if (!p)
		return NULL;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0) {
		if (len + n + 1 > cap) {
			char *q;
			cap = (len + n + 1) * 2;
			q = realloc(out, cap);
			if (!q) {
				free(out);
				pclose(p);
				return NULL;
			}
			out = q;
		}
		memcpy(out + len, chunk, n);
		len += n;
	}
	if (!out)
		out = calloc(1, 1);
	else
		out[len] = '\0';
	n = (size_t)pclose(p);
	if (status)
		*status = (int)n;
	return out;
}

static char *pdftotext(const char *pdf)
{
	char cmd[1200];

	snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>/dev/null", pdf);
	return run(cmd, NULL);
}

/* Removes ASCII whitespace (and the form feeds between pages) in place. */
static char *squeeze(char *s)
{
	char *w = s, *r;

	for (r = s; *r; r++)
		if (*r != ' ' && *r != '\n' && *r != '\r' && *r != '\t' && *r != '\f')
			*w++ = *r;
	*w = '\0';
	return s;
}

static int qpdf_clean(const char *pdf, char *why, size_t n)
{
	char cmd[1200], *out;
	int st = -1;

	snprintf(cmd, sizeof cmd, "qpdf --check '%s' 2>&1", pdf);
	out = run(cmd, &st);
	if (!out) {
		snprintf(why, n, "cannot run qpdf");
		return 0;
	}
	if (st != 0 || !strstr(out, "No syntax or stream encoding errors")) {
		snprintf(why, n, "qpdf status %d: %.300s", st, out);
		free(out);
		return 0;
	}
	free(out);
	return 1;
}

/* Every font listed by pdffonts is embedded; *count gets their number. The
 * type column has spaces ("CID TrueType"): emb is the fifth field from the
 * end. */
static int fonts_embedded(const char *pdf, int *count, char *why, size_t n)
{
	char cmd[1200], *out, *line, *next;
	int lineno = 0, ok = 1;

	*count = 0;
	snprintf(cmd, sizeof cmd, "pdffonts '%s' 2>/dev/null", pdf);
	out = run(cmd, NULL);
	if (!out) {
		snprintf(why, n, "cannot run pdffonts");
		return 0;
	}
	for (line = out; *line; line = next) {
		char *tok[64], *p;
		int nt = 0;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		if (++lineno <= 2)
			continue;
		for (p = line; *p && nt < 64;) {
			while (*p == ' ')
				*p++ = '\0';
			if (!*p)
				break;
			tok[nt++] = p;
			while (*p && *p != ' ')
				p++;
		}
		if (nt < 6)
			continue;
		(*count)++;
		if (strcmp(tok[nt - 5], "yes") != 0) {
			snprintf(why, n, "font %s not embedded", tok[0]);
			ok = 0;
		}
	}
	free(out);
	if (*count == 0) {
		snprintf(why, n, "no fonts listed");
		ok = 0;
	}
	return ok;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		p = malloc((size_t)n + 1);
		if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
			free(p);
			p = NULL;
		} else if (p) {
			p[n] = '\0';
			*len = (size_t)n;
		}
	}
	fclose(f);
	return p;
}

static int exists(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (f)
		fclose(f);
	return f != NULL;
}

/* ---- a tiny PNG writer (stored deflate) for the figure test --------------- */

static unsigned long crc_table[256];

static unsigned long crc(const unsigned char *p, size_t n, unsigned long c)
{
	size_t i;

	if (!crc_table[1]) {
		for (unsigned long k = 0; k < 256; k++) {
			unsigned long v = k;
			for (int j = 0; j < 8; j++)
				v = v & 1 ? 0xEDB88320UL ^ (v >> 1) : v >> 1;
			crc_table[k] = v;
		}
	}
	c ^= 0xFFFFFFFFUL;
	for (i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFUL;
}

static void put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void chunk(FILE *f, const char *type, const unsigned char *data, size_t n)
{
	unsigned char h[8], c[4];
	unsigned long v;

	put32(h, (unsigned long)n);
	memcpy(h + 4, type, 4);
	fwrite(h, 1, 8, f);
	fwrite(data, 1, n, f);
	v = crc(h + 4, 4, 0);
	v = crc(data, n, v);
	put32(c, v);
	fwrite(c, 1, 4, f);
}

/* A w x h 8-bit grey gradient PNG (w*h+h < 65535 for one stored block). */
static int write_png(const char *path, int w, int h)
{
	unsigned char ihdr[13], *raw, *z;
	size_t rn = (size_t)(w + 1) * (size_t)h, zn = rn + 11, i;
	unsigned long a = 1, b = 0;
	FILE *f;
	int x, y;

	raw = malloc(rn);
	z = malloc(zn);
	f = fopen(path, "wb");
	if (!raw || !z || !f) {
		free(raw);
		free(z);
		if (f)
			fclose(f);
		return -1;
	}
	for (y = 0; y < h; y++) {
		raw[(size_t)y * (size_t)(w + 1)] = 0;
		for (x = 0; x < w; x++)
			raw[(size_t)y * (size_t)(w + 1) + 1 + (size_t)x] =
				(unsigned char)(x * 255 / w ^ (y * 4 & 0x80));
	}
	for (i = 0; i < rn; i++) {
		a = (a + raw[i]) % 65521;
		b = (b + a) % 65521;
	}
	z[0] = 0x78;
	z[1] = 0x01;
	z[2] = 1; /* final stored block */
	z[3] = (unsigned char)(rn & 0xFF);
	z[4] = (unsigned char)(rn >> 8);
	z[5] = (unsigned char)(~rn & 0xFF);
	z[6] = (unsigned char)((~rn >> 8) & 0xFF);
	memcpy(z + 7, raw, rn);
	put32(z + 7 + rn, (b << 16) | a);
	fwrite("\x89PNG\r\n\x1a\n", 1, 8, f);
	put32(ihdr, (unsigned long)w);
	put32(ihdr + 4, (unsigned long)h);
	ihdr[8] = 8;
	ihdr[9] = 0;
	ihdr[10] = ihdr[11] = ihdr[12] = 0;
	chunk(f, "IHDR", ihdr, 13);
	chunk(f, "IDAT", z, zn);
	chunk(f, "IEND", (const unsigned char *)"", 0);
	free(raw);
	free(z);
	return fclose(f) == 0 ? 0 : -1;
}

/* ---- line breaking ----------------------------------------------------------- */

static unsigned long first_cp(const char *s, size_t a, size_t b, int last)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = last ? b : a;

	if (a >= b)
		return 0;
	if (last) {
		i--;
		while (i > a && (p[i] & 0xC0) == 0x80)
			i--;
	}
	if (p[i] < 0x80)
		return p[i];
	if ((p[i] & 0xE0) == 0xC0)
		return (unsigned long)(p[i] & 0x1F) << 6 | (p[i + 1] & 0x3F);
	if ((p[i] & 0xF0) == 0xE0)
		return (unsigned long)(p[i] & 0x0F) << 12 | (unsigned long)(p[i + 1] & 0x3F) << 6 |
		       (p[i + 2] & 0x3F);
	return 0xFFFD;
}

static int is_close(unsigned long c)
{
	static const char *l = "，。、；：？！）」』》”’";
	char u[4] = {0};

	if (c < 0x80)
		return c && strchr(",.;:?!)", (int)c) != NULL;
	u[0] = (char)(0xE0 | (c >> 12));
	u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
	u[2] = (char)(0x80 | (c & 0x3F));
	return strstr(l, u) != NULL;
}

static int is_open(unsigned long c)
{
	return c == 0xFF08 || c == 0x300C || c == 0x300E || c == 0x300A || c == 0x201C ||
	       c == 0x2018 || c == '(';
}

/* Breaks s at width em and checks the 避头尾 rules, the widths and that the
 * lines together hold all the text. */
static void check_breaks(const char *name, const char *s, double width, double indent, int strict)
{
	struct pdf_line *ln = NULL;
	size_t n = 0, i;
	struct diag dg;
	char why[400] = "";
	int ok = 1;
	size_t pos = 0;

	diag_init(&dg);
	if (pdf_break_lines(s, width, indent, NULL, NULL, &ln, &n, &dg)) {
		check(0, name, "failed: %s", dg.msg);
		return;
	}
	for (i = 0; i < n && ok; i++) {
		unsigned long f = first_cp(s, ln[i].start, ln[i].end, 0);
		unsigned long l = first_cp(s, ln[i].start, ln[i].end, 1);
		double avail = i == 0 ? width - indent : width;
		if (i > 0 && is_close(f) && strict) {
			snprintf(why, sizeof why, "line %zu starts with closing U+%04lX: %.*s",
				 i + 1, f, (int)(ln[i].end - ln[i].start), s + ln[i].start);
			ok = 0;
		} else if (i + 1 < n && is_open(l) && strict) {
			snprintf(why, sizeof why, "line %zu ends with opening U+%04lX", i + 1, l);
			ok = 0;
		} else if (ln[i].width > avail + 1.0 + 1e-9 && strict) {
			snprintf(why, sizeof why, "line %zu is %.2f em wide for %.2f", i + 1,
				 ln[i].width, avail);
			ok = 0;
		} else if (ln[i].start < pos) {
			snprintf(why, sizeof why, "line %zu overlaps the previous one", i + 1);
			ok = 0;
		}
		/* only spaces between lines */
		for (; ok && pos < ln[i].start; pos++)
			if (s[pos] != ' ' && s[pos] != '\n') {
				snprintf(why, sizeof why, "text lost before line %zu", i + 1);
				ok = 0;
			}
		pos = ln[i].end;
	}
	for (; ok && s[pos]; pos++)
		if (s[pos] != ' ' && s[pos] != '\n') {
			snprintf(why, sizeof why, "text lost at the end");
			ok = 0;
		}
	check(ok, name, "%s", why);
	free(ln);
}

static const char *SEED =
	"近年来，某县坚持问题导向，围绕破解提升基层治理效能的瓶颈制约，以打造“‘沂’齐联动"
	"‘微’民服务”城市基层党建品牌为引领，创新推行“五微五联”党建工作体系，以强化城市基层"
	"“微治理”为突破口，不断提升党建引领城市基层治理水平，有效激发了城市基层治理的新活力、"
	"新动能。按照社区常住居民300户左右标准，进一步优化调整基础网格设置，将全县原有的204个"
	"城市网格调整为267个（含12个专属网格）。实行一楼一长、一年一聘，采取个人自荐、居民推荐、"
	"组织提名等形式，实现楼长（单元长）全覆盖；每个楼栋建立居民联系微信群，积极发现培养"
	"“群众身边的领头雁”！2024年第一季度，共办理群众诉求1,234件，办结率98.5%，满意率"
	"达到96.7%。使用 WeChat 和 12345 热线受理的诉求，均纳入“接诉即办”平台闭环管理。";

static void test_breaking(void)
{
	struct pdf_line *ln = NULL;
	size_t n = 0, i;
	struct diag dg;
	double w;
	char why[200] = "";

	diag_init(&dg);
	/* ten characters fill the line, then "。」": the naive break puts them
	 * first on the next line; two closers cannot be squeezed in */
	{
		const char *s = "一二三四五六七八九十。」一二三";
		int ok = pdf_break_lines(s, 10, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 2 &&
			 ln[0].end == strlen("一二三四五六七八九") &&
			 strncmp(s + ln[1].start, "十。」", strlen("十。」")) == 0;
		check(ok, "break: 。」 never starts a line (previous character pushed down)",
		      "got %zu lines, first %.*s", n, n ? (int)(ln[0].end - ln[0].start) : 0, s);
		free(ln);
	}
	{
		/* one closer overflowing by one character is squeezed in */
		const char *s = "一二三四五六七八九十。一二三";
		int ok = pdf_break_lines(s, 10, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 2 &&
			 ln[0].end == strlen("一二三四五六七八九十。") && ln[0].width > 10.5 &&
			 !ln[0].last && ln[1].last;
		check(ok, "break: a single 。 at the edge is squeezed into the line",
		      "got %zu lines", n);
		free(ln);
	}
	{
		const char *s = "一二三四五六七八九（十）一二三";
		int ok = pdf_break_lines(s, 10, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 2 &&
			 ln[0].end == strlen("一二三四五六七八九");
		check(ok, "break: （ never ends a line", "got %zu lines, first ends at %zu", n,
		      n ? ln[0].end : 0);
		free(ln);
	}
	for (w = 6; w <= 30; w += 1.5) {
		char name[80];
		snprintf(name, sizeof name, "break: seed text at %.1f em, indent 2", w);
		check_breaks(name, SEED, w, 2, 1);
	}
	check_breaks("break: Latin words and spaces",
		     "The quick brown fox jumps over the lazy "
		     "dog, again and again (and again).",
		     12, 0, 1);
	/* no good break exists: only check that all the text is kept */
	check_breaks("break: run of closers longer than a line",
		     "一，，，，，，，，，，，，，，，二", 5, 0, 0);
	check_breaks("break: width 0", "中文，abc", 0, 0, 0);
	{
		const char *s = "中文，abc";
		int ok = pdf_break_lines(s, 0, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 5 &&
			 strncmp(s + ln[1].start, "文，", ln[1].end - ln[1].start) == 0;
		check(ok, "break: a line one character wide keeps ， with its character",
		      "got %zu lines", n);
		free(ln);
	}
	{
		const char *s = "a\xff\xfe\x80中\xe4\xb8文\n\n第二段";
		int ok = pdf_break_lines(s, 20, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 3 &&
			 ln[0].last && ln[1].start == ln[1].end;
		check(ok, "break: invalid UTF-8 and hard line feeds", "got %zu lines", n);
		free(ln);
	}
	{
		int ok = pdf_break_lines("", 10, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 0 &&
			 !ln && pdf_break_lines(NULL, 10, 0, NULL, NULL, &ln, &n, &dg) == 0 &&
			 n == 0;
		check(ok, "break: empty and NULL text give no lines", "n=%zu", n);
	}
	/* widths: 28 CJK characters fill a 28 em line exactly */
	{
		const char *s = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八";
		int ok = pdf_break_lines(s, 28, 0, NULL, NULL, &ln, &n, &dg) == 0 && n == 1 &&
			 ln[0].width == 28;
		snprintf(why, sizeof why, "n=%zu", n);
		check(ok, "break: 28 characters fit a 28 em line", "%s", why);
		free(ln);
	}
	(void)i;
}

/* ---- rendering --------------------------------------------------------------- */

static struct doc *text_doc(void)
{
	struct doc *d = doc_new("关于2024年度社区考评情况的通报");

	doc_set(&d->subtitle, "（第一季度）");
	doc_set(&d->author, "某县委组织部");
	doc_heading(d, 1, "一、总体情况", 1);
	doc_para(d, SEED);
	doc_heading(d, 2, "（一）网格设置", 1);
	doc_para(d, "网格化治理是城市基层治理的“毛细血管”，要想解决城市发展中的“大问题”，"
		    "就必须重视城市治理的“微网格”。");
	doc_heading(d, 3, "1.人员配备", 0);
	doc_para(d, "获评五星支部的有：张喆、李堃、王犇、赵琍、陈昇等同志所在支部。");
	doc_heading(d, 4, "（1）其他", 0);
	doc_note(d, "注：数据来源于各社区平台导出，截至2024年3月31日。");
	return d;
}

static void test_text(void)
{
	char pdf[700], why[400] = "", *txt, *exp;
	struct doc *d = text_doc();
	struct pdf_opts o = {.page_numbers = 0};
	struct diag dg;
	size_t i;
	int nf = 0, emb;

	diag_init(&dg);
	path_of(pdf, sizeof pdf, "text.pdf");
	if (pdf_render(d, pdf, &o, &dg)) {
		check(0, "render: text document", "%s", dg.msg);
		doc_free(d);
		return;
	}
	check(1, "render: text document", "%s", "");
	txt = pdftotext(pdf);
	{
		struct buf b;
		buf_init(&b, 0);
		buf_puts(&b, d->title);
		buf_puts(&b, d->subtitle);
		for (i = 0; i < d->nblocks; i++)
			if (d->blocks[i].text)
				buf_puts(&b, d->blocks[i].text);
		exp = b.failed ? NULL : buf_steal(&b);
		buf_release(&b);
	}
	if (txt && exp) {
		squeeze(exp);
		squeeze(txt);
		if (strcmp(exp, txt) != 0) {
			size_t k = 0;
			while (exp[k] && exp[k] == txt[k])
				k++;
			snprintf(why, sizeof why, "differs at byte %zu: want '%.40s' got '%.40s'",
				 k, exp + k, txt + k);
		}
		check(strcmp(exp, txt) == 0, "pdftotext: extracted text equals the laid-out text",
		      "%s", why);
		check(strstr(txt, "张喆") && strstr(txt, "李堃") && strstr(txt, "王犇") &&
			      strstr(txt, "赵琍") && strstr(txt, "陈昇"),
		      "pdftotext: rare name characters (喆堃犇琍昇) round-trip", "%s", "missing");
	} else {
		check(0, "pdftotext: extracted text equals the laid-out text", "%s",
		      "cannot run pdftotext");
	}
	free(txt);
	free(exp);
	check(qpdf_clean(pdf, why, sizeof why), "qpdf --check: text document", "%s", why);
	emb = fonts_embedded(pdf, &nf, why, sizeof why);
	check(emb && nf >= 2, "pdffonts: all fonts embedded, a fallback face present",
	      "%s (fonts: %d)", why, nf);
	doc_free(d);
}

static struct doc *table_doc(size_t rows, int watermark)
{
	struct doc *d = doc_new("社区考评排名");
	struct doc_block *t;
	size_t i;

	if (watermark)
		doc_set(&d->watermark, "内部资料 注意保存");
	doc_para(d, "下表列出全部社区的综合得分与排名。");
	t = doc_table(d, "表1 社区综合得分排名", 5);
	doc_table_col(t, 0, "排名", 0.6, DOC_RIGHT);
	doc_table_col(t, 1, "社区名称", 2, DOC_LEFT);
	doc_table_col(t, 2, "所属街道", 1.5, DOC_LEFT);
	doc_table_col(t, 3, "综合得分", 1, DOC_RIGHT);
	doc_table_col(t, 4, "等次", 0.8, DOC_CENTER);
	for (i = 0; i < rows; i++) {
		char rk[24], name[64], score[32];
		const char *cells[5];
		snprintf(rk, sizeof rk, "%zu", i + 1);
		snprintf(name, sizeof name, "%s社区%zu", i % 7 == 3 ? "喆园" : "和平", i + 1);
		snprintf(score, sizeof score, "%.2f", 99.5 - (double)i * 0.13);
		cells[0] = rk;
		cells[1] = name;
		cells[2] = i % 11 == 5 ? "城关街道（含原东关、西关两个街道合并后新设的片区）"
				       : "城关街道";
		cells[3] = score;
		cells[4] = i < 30 ? "优秀" : i < 270 ? "合格" : "基本合格";
		doc_table_row(t, cells);
	}
	doc_note(d, "注：得分保留两位小数。");
	return d;
}

static void test_table(void)
{
	char pdf[700], pdf2[700], why[400] = "", *txt;
	struct doc *d = table_doc(300, 1);
	struct pdf_opts o = {.page_numbers = 1};
	struct diag dg;
	int pages = 0, with_header = 0;
	char *p, *q;

	diag_init(&dg);
	path_of(pdf, sizeof pdf, "table.pdf");
	path_of(pdf2, sizeof pdf2, "table2.pdf");
	check(pdf_render(d, pdf, &o, &dg) == 0, "render: 300-row table", "%s", dg.msg);
	txt = pdftotext(pdf);
	for (p = txt; p && *p; p = q + 1) {
		q = strchr(p, '\f');
		if (!q)
			break;
		*q = '\0';
		pages++;
		if (strstr(p, "社区名称") && strstr(p, "综合得分"))
			with_header++;
		else
			snprintf(why, sizeof why, "page %d has no header", pages);
	}
	check(pages >= 5 && with_header == pages, "table: header repeated on every page",
	      "%d pages, %d with the header; %s", pages, with_header, why);
	free(txt);
	txt = pdftotext(pdf);
	check(txt && strstr(txt, "— 1 —") && strstr(txt, "— 5 —"), "page numbers: — 1 — ... — 5 —",
	      "%s", "not found");
	check(txt && strstr(txt, "300") && strstr(txt, "60.63") && strstr(txt, "喆园社区4"),
	      "table: last row, numbers and rare characters extracted", "%s", "missing");
	free(txt);
	check(qpdf_clean(pdf, why, sizeof why), "qpdf --check: table", "%s", why);
	/* the same input twice: the same bytes */
	diag_init(&dg);
	if (pdf_render(d, pdf2, &o, &dg) == 0) {
		size_t n1 = 0, n2 = 0;
		char *a = slurp(pdf, &n1), *b = slurp(pdf2, &n2);
		check(a && b && n1 == n2 && memcmp(a, b, n1) == 0, "two renders are byte-identical",
		      "sizes %zu and %zu", n1, n2);
		free(a);
		free(b);
	} else {
		check(0, "two renders are byte-identical", "%s", dg.msg);
	}
	doc_free(d);
}

static void test_hostile(void)
{
	char pdf[700], png[700], why[400] = "", *big = NULL, *txt;
	struct doc *d = doc_new(NULL);
	struct doc_block *t;
	struct pdf_opts o = {.page_numbers = 2};
	struct diag dg;
	size_t i;
	const char *cells[3];

	diag_init(&dg);
	path_of(pdf, sizeof pdf, "hostile.pdf");
	path_of(png, sizeof png, "fig.png");
	doc_heading(d, 1, NULL, 1);
	doc_para(d, NULL);
	doc_para(d, "坏的UTF-8：\xff\xfe\xc3(\xe4\xb8 结束\x01\t制表𠮷。");
	doc_note(d, "");
	doc_pagebreak(d);
	doc_pagebreak(d);
	t = doc_table(d, NULL, 0);   /* no columns */
	t = doc_table(d, "空表", 2); /* no rows */
	doc_table_col(t, 0, "甲", 1, DOC_LEFT);
	doc_table_col(t, 1, NULL, 1, DOC_RIGHT);
	t = doc_table(d, "超宽与超长单元格", 3);
	doc_table_col(t, 0, "窄", 0.01, DOC_LEFT);
	doc_table_col(t, 1, "说明", 3, DOC_LEFT);
	doc_table_col(t, 2, "数", 1, DOC_RIGHT);
	big = malloc(120000);
	if (big) {
		for (i = 0; i + 3 < 120000 - 1; i += 3)
			memcpy(big + i, i % 90 == 87 ? "，" : "治", 3);
		big[i] = '\0';
	}
	cells[0] = "一个很长的单元格内容放在很窄的一列里";
	cells[1] = "supercalifragilisticexpialidocious_without_any_break_opportunity_at_all_"
		   "in_a_column_that_is_far_too_narrow_for_it_1234567890";
	cells[2] = "12345678901234567890123456789012345678901234567890";
	doc_table_row(t, cells);
	cells[0] = "x";
	cells[1] = big ? big : "";
	cells[2] = "1";
	doc_table_row(t, cells); /* taller than a page: split */
	cells[1] = "";
	doc_table_row(t, cells);
	if (write_png(png, 200, 120) == 0)
		doc_figure(d, "图1 测试图", png, NULL, "alt", 0.6);
	doc_figure(d, "图2 无图", NULL, NULL, "无图时给出的数据：甲 1，乙 2。", 0.6);
	doc_heading(d, 7, "级别越界的标题", 1);
	doc_heading(d, -1, "负级别", 1);
	if (pdf_render(d, pdf, &o, &dg)) {
		check(0, "render: NULL strings, bad UTF-8, empty tables, huge cells", "%s", dg.msg);
	} else {
		check(1, "render: NULL strings, bad UTF-8, empty tables, huge cells", "%s", "");
		check(qpdf_clean(pdf, why, sizeof why), "qpdf --check: hostile document", "%s",
		      why);
		txt = pdftotext(pdf);
		check(txt && strstr(txt, "图1 测试图") && strstr(txt, "结束") &&
			      strstr(txt, "supercalifrag"),
		      "hostile document: text around the bad parts extracted", "%s", "missing");
		free(txt);
	}
	free(big);
	doc_free(d);

	/* a PNG that is missing: an error that names it; an older file at the
	 * path stays as it was */
	d = doc_new("缺图");
	doc_figure(d, "图", "/nonexistent/chart.png", NULL, NULL, 0.5);
	path_of(pdf, sizeof pdf, "missing-png.pdf");
	{
		FILE *f = fopen(pdf, "wb");
		char tmpname[760], *old;
		size_t n = 0;
		if (f) {
			fputs("older output", f);
			fclose(f);
		}
		snprintf(tmpname, sizeof tmpname, "%s.tmp", pdf);
		diag_init(&dg);
		check(pdf_render(d, pdf, &o, &dg) != 0 && strstr(dg.msg, "/nonexistent/chart.png"),
		      "missing PNG: error names the file", "msg '%s'", dg.msg);
		old = slurp(pdf, &n);
		check(old && strcmp(old, "older output") == 0 && !exists(tmpname),
		      "failed render: the older file is untouched, no temp file left", "%s",
		      old ? old : "(gone)");
		free(old);
	}
	doc_free(d);

	/* a PNG that is not one: libharu's error, reported with the file */
	{
		char notpng[700];
		FILE *f;
		path_of(notpng, sizeof notpng, "notpng.png");
		f = fopen(notpng, "wb");
		if (f) {
			fputs("GIF89a not a png", f);
			fclose(f);
		}
		d = doc_new("坏图");
		doc_para(d, "正文");
		doc_figure(d, "图", notpng, NULL, NULL, 0.5);
		diag_init(&dg);
		check(pdf_render(d, pdf, &o, &dg) != 0 && strstr(dg.msg, notpng),
		      "invalid PNG: libharu's error names the file", "msg '%s'", dg.msg);
		printf("# %s\n", dg.msg);
		doc_free(d);
	}

	/* a font file that is not a font */
	{
		char dir[700], font[760];
		FILE *f;
		struct pdf_opts bad = {.font_dir_hint = dir, .page_numbers = 1};
		path_of(dir, sizeof dir, "badfonts");
		snprintf(font, sizeof font, "mkdir -p '%s'", dir);
		if (system(font) == 0) {
			snprintf(font, sizeof font, "%s/gbsn00lp.ttf", dir);
			f = fopen(font, "wb");
			if (f) {
				fputs("not a font", f);
				fclose(f);
			}
			d = doc_new("x");
			diag_init(&dg);
			check(pdf_render(d, pdf, &bad, &dg) != 0 && strstr(dg.msg, font),
			      "broken font file: error names it", "msg '%s'", dg.msg);
			doc_free(d);
		}
	}

	/* an unwritable path */
	d = doc_new("x");
	diag_init(&dg);
	check(pdf_render(d, "/nonexistent/dir/x.pdf", &o, &dg) != 0 &&
		      strstr(dg.msg, "/nonexistent/dir/x.pdf"),
	      "unwritable path: error names it", "msg '%s'", dg.msg);
	doc_free(d);
}

/* Report cards of a city: many short documents in one PDF, each a bookmark. */
static void test_many(void)
{
	enum { N = 500 };
	struct doc *docs[N];
	char pdf[700], why[400] = "", cmd[1200], *out;
	struct pdf_opts o = {.page_numbers = 1};
	struct diag dg;
	struct timespec a, b;
	double secs;
	size_t i;
	int rc;

	for (i = 0; i < N; i++) {
		char title[64];
		struct doc_block *t;
		snprintf(title, sizeof title, "和平街道第%zu社区考评报告单", i + 1);
		docs[i] = doc_new(title);
		doc_set(&docs[i]->watermark, "内部资料");
		doc_heading(docs[i], 1, "一、得分概况", 1);
		doc_para(docs[i], SEED);
		t = doc_table(docs[i], "表1 分项得分", 3);
		doc_table_col(t, 0, "考评项目", 3, DOC_LEFT);
		doc_table_col(t, 1, "得分", 1, DOC_RIGHT);
		doc_table_col(t, 2, "满分", 1, DOC_RIGHT);
		for (int k = 0; k < 12; k++) {
			char sc[16];
			const char *cells[3] = {"网格化服务管理与“微网格”组织建设", sc, "10"};
			snprintf(sc, sizeof sc, "%d.%d", (int)(i + (size_t)k) % 10, k);
			doc_table_row(t, cells);
		}
	}
	path_of(pdf, sizeof pdf, "many.pdf");
	diag_init(&dg);
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = pdf_render_many((const struct doc *const *)docs, N, "和平街道社区考评报告单", pdf, &o,
			     &dg);
	clock_gettime(CLOCK_MONOTONIC, &b);
	secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	printf("# %d report cards rendered in %.2f s\n", N, secs);
	check(rc == 0, "render_many: 500 report cards", "%s", dg.msg);
	check(secs < 60, "render_many: 500 report cards in reasonable time", "%.1f s", secs);
	check(qpdf_clean(pdf, why, sizeof why), "qpdf --check: report cards", "%s", why);
	snprintf(cmd, sizeof cmd, "qpdf --json --json-key=outlines '%s' 2>/dev/null", pdf);
	out = run(cmd, NULL);
	if (out) {
		int cards = 0, heads = 0;
		char *p;
		for (p = out; (p = strstr(p, "考评报告单")); p++)
			cards++;
		for (p = out; (p = strstr(p, "一、得分概况")); p++)
			heads++;
		check(cards == N && heads == N,
		      "render_many: one bookmark per card with its heading",
		      "%d card and %d heading bookmarks", cards, heads);
	} else {
		check(0, "render_many: one bookmark per card with its heading", "%s",
		      "qpdf failed");
	}
	free(out);
	for (i = 0; i < N; i++)
		doc_free(docs[i]);
}

/* A table whose first row wraps over several lines, placed lower and lower
 * on the page by filler lines: its header must never end a page alone. */
static void test_orphan_header(void)
{
	char pdf[700], why[1200] = "";
	int fill, bad = 0;

	path_of(pdf, sizeof pdf, "orphan.pdf");
	for (fill = 8; fill <= 24; fill++) {
		struct doc *d = doc_new("表头测试");
		struct doc_block *t;
		const char *row[2] = {
			"首行标记，这一格很长很长很长很长很长很长很长很长很长很长很长很长很长"
			"很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长",
			"1"};
		struct diag dg;
		char *txt, *p, *q;
		int k;

		for (k = 0; k < fill; k++)
			doc_para(d, "填充行。");
		t = doc_table(d, "表1　测试表", 2);
		doc_table_col(t, 0, "表头甲", 3, DOC_LEFT);
		doc_table_col(t, 1, "表头乙", 1, DOC_RIGHT);
		doc_table_row(t, row);
		diag_init(&dg);
		if (pdf_render(d, pdf, NULL, &dg) < 0) {
			snprintf(why, sizeof why, "render: %s", dg.msg);
			bad++;
			doc_free(d);
			break;
		}
		txt = pdftotext(pdf);
		for (p = txt; p && *p; p = q + 1) {
			q = strchr(p, '\f');
			if (q)
				*q = '\0';
			if (strstr(p, "表头甲") && !strstr(p, "首行标记")) {
				snprintf(why, sizeof why,
					 "with %d filler lines the header ends a page alone", fill);
				bad++;
			}
			if (!q)
				break;
		}
		free(txt);
		doc_free(d);
	}
	check(bad == 0, "table: header kept with a wrapping first row", "%s", why);
}

/* The text mapping: poppler reads our ToUnicode CMap without a word (libharu
 * 2.3.0's own drew "Invalid 'begincidrange' operator" warnings) and the text
 * of CJK, Latin, digits and full- and half-width punctuation comes back
 * exactly, line by line. */
static void test_tounicode(void)
{
	static const char *const lines[] = {
		"考评得分98.5分，排名第1（共60个社区）。",
		"Kaoping v2.0: A-Z a-z 0-9 ~!@#$%^&*()_+=[]{}|;'<>,.?/",
		"“优秀”、《通报》；“良好”！？——…·￥％＋－＝",
	};
	char pdf[700], cmd[1500], why[400] = "", *err, *txt;
	struct doc *d = doc_new("文本映射");
	struct pdf_opts o = {.page_numbers = 0};
	struct diag dg;
	size_t i;

	diag_init(&dg);
	for (i = 0; i < sizeof lines / sizeof *lines; i++)
		doc_note(d, lines[i]);
	path_of(pdf, sizeof pdf, "tounicode.pdf");
	if (pdf_render(d, pdf, &o, &dg)) {
		check(0, "render: text mapping document", "%s", dg.msg);
		doc_free(d);
		return;
	}
	snprintf(cmd, sizeof cmd, "pdftotext -raw -enc UTF-8 '%s' /dev/null 2>&1", pdf);
	err = run(cmd, NULL);
	check(err && *err == '\0', "pdftotext: no warning about the ToUnicode CMap",
	      "stderr: %.200s", err ? err : "(cannot run)");
	free(err);
	snprintf(cmd, sizeof cmd, "pdftotext -raw -enc UTF-8 '%s' - 2>/dev/null", pdf);
	txt = run(cmd, NULL);
	for (i = 0; txt && i < sizeof lines / sizeof *lines; i++) {
		char want[300];
		snprintf(want, sizeof want, "\n%s\n", lines[i]);
		if (!strstr(txt, want)) {
			snprintf(why, sizeof why, "line %zu not found whole: '%s' in '%.300s'",
				 i + 1, lines[i], txt);
			break;
		}
	}
	check(txt && !*why, "pdftotext -raw: CJK, Latin, digits and punctuation exact", "%s",
	      txt ? why : "cannot run pdftotext");
	free(txt);
	check(qpdf_clean(pdf, why, sizeof why), "qpdf --check: corrected text mapping", "%s", why);
	doc_free(d);
}

/* A 通报 and a 简报 with the 公文 elements filled from the default settings:
 * the text in reading order, and the places GB/T 9704 gives them, measured
 * with pdftotext -bbox (points from the top of an A4 page of 841.89). */
static struct doc *gongwen_doc(enum doc_genre g)
{
	struct settings s;
	struct diag dg;
	struct doc *d = doc_new(g == DOC_GENRE_BRIEFING ? "全县社区考评情况"
							: "关于2025年度社区考评情况的通报");
	struct doc_block *t;
	static const char *const rows[][3] = {{"1", "x县宁馨物业服务有限公司", "96.5"},
					      {"2", "x县安居物业管理有限责任公司", "95.0"}};
	size_t i;

	diag_init(&dg);
	settings_defaults(&s, &dg);
	doc_set(&s.cc, g == DOC_GENRE_NOTICE ? "县委办公室，县政府办公室" : "");
	doc_apply_settings(d, &s, g, "x县", (struct set_date){2026, 1, 8}, &dg);
	settings_free(&s);
	doc_set(&d->watermark, NULL);
	doc_heading(d, 1, "一、总体情况", 1);
	doc_para(d, SEED);
	t = doc_table(d, "2025年度物业企业考评得分", 3);
	doc_table_col(t, 0, "排名", 1, DOC_CENTER);
	doc_table_col(t, 1, "企业名称", 5, DOC_LEFT);
	doc_table_col(t, 2, "考评得分", 1.5, DOC_RIGHT);
	for (i = 0; i < 2; i++)
		doc_table_row(t, rows[i]);
	if (g == DOC_GENRE_NOTICE)
		doc_attach(t);
	doc_heading(d, 2, "（一）下一步工作", 1);
	doc_para(d, "各街道党工委要对照考评结果，认真查找短板弱项，逐项抓好整改落实。");
	return d;
}

/* y (top) and x of the first word starting with w in -bbox output. */
static int bbox_of(const char *html, const char *w, double *x, double *y, double *x2)
{
	char key[200];
	const char *p;

	snprintf(key, sizeof key, ">%s", w);
	p = strstr(html, key);
	if (!p)
		return -1;
	while (p > html && strncmp(p, "<word", 5) != 0)
		p--;
	return sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\"", x, y, x2) == 3 ? 0 : -1;
}

static void test_gongwen(void)
{
	char pdf[700], cmd[1500], why[400] = "", *txt, *bb;
	struct pdf_opts o = {.page_numbers = 1};
	struct diag dg;
	struct doc *d = gongwen_doc(DOC_GENRE_NOTICE), *b = gongwen_doc(DOC_GENRE_BRIEFING);
	double x, y, x2, tx, ty, tx2;
	const double mm = 72.0 / 25.4;

	diag_init(&dg);
	path_of(pdf, sizeof pdf, "notice.pdf");
	check(pdf_render(d, pdf, &o, &dg) == 0, "render: 通报 with 公文 elements", "%s", dg.msg);
	txt = pdftotext(pdf);
	squeeze(txt ? txt : (txt = calloc(1, 1)));
	{
		const char *order[] = {"中共x县委组织部",
				       "x县组通〔2026〕1号",
				       "关于2025年度社区考评情况的通报",
				       "各街道党工委，各社区党组织：",
				       "一、总体情况",
				       "（一）下一步工作",
				       "附件：2025年度物业企业考评得分",
				       "中共x县委组织部",
				       "2026年1月8日",
				       "附件",
				       "2025年度物业企业考评得分",
				       "x县宁馨物业服务有限公司",
				       "抄送：县委办公室，县政府办公室。",
				       "中共x县委组织部办公室",
				       "2026年1月8日印发"};
		const char *p = txt;
		size_t i;
		for (i = 0; i < sizeof order / sizeof *order; i++) {
			const char *q = strstr(p, order[i]);
			if (!q) {
				snprintf(why, sizeof why, "'%s' missing or out of order", order[i]);
				break;
			}
			p = q + strlen(order[i]);
		}
		check(!*why,
		      "通报: 发文机关标志, 文号, 标题, 主送, 正文, 附件说明, 落款, 日期, 附件, "
		      "版记 in order",
		      "%s", why);
	}
	free(txt);
	snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' - 2>/dev/null", pdf);
	bb = run(cmd, NULL);
	if (bb && bbox_of(bb, "中共x县委组织部", &x, &y, &x2) == 0) {
		/* 发文机关标志: top 35 mm below the text block's top (37 mm) */
		check(y > (37 + 35 - 3) * mm && y < (37 + 35 + 3) * mm &&
			      fabs((x + x2) / 2 - (28 + 78) * mm) < 2,
		      "通报: 发文机关标志 centred, 35 mm into the text block",
		      "top %.1f mm, centre %.1f mm", y / mm, (x + x2) / 2 / mm);
	} else
		check(0, "通报: 发文机关标志 centred, 35 mm into the text block", "%s",
		      "not found");
	if (bb && bbox_of(bb, "各街道党工委", &x, &y, &x2) == 0)
		check(fabs(x - 28 * mm) < 1, "通报: 主送 flush left", "x %.1f mm", x / mm);
	else
		check(0, "通报: 主送 flush left", "%s", "not found");
	if (bb && bbox_of(bb, "2026年1月8日", &tx, &ty, &tx2) == 0 &&
	    bbox_of(bb, "中共x县委组织部</word>", &x, &y, &x2) == 0) {
		/* the 落款 (second occurrence) is found by the date's line */
		const char *p = strstr(bb, ">中共x县委组织部");
		p = p ? strstr(p + 1, ">中共x县委组织部") : NULL;
		if (p) {
			const char *q = p;
			while (q > bb && strncmp(q, "<word", 5) != 0)
				q--;
			sscanf(q, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\"", &x, &y, &x2);
		}
		check(fabs((28 + 156) * mm - tx2 - 4 * 156 * mm / 28) < 3 && ty > y &&
			      fabs((x + x2) / 2 - (tx + tx2) / 2) < 2,
		      "通报: 成文日期 four characters in from the right, 落款 centred over it",
		      "date right edge %.1f mm (want %.1f), organ centre %.1f, date centre %.1f",
		      tx2 / mm, 28 + 156 - 4 * 156.0 / 28, (x + x2) / 2 / mm, (tx + tx2) / 2 / mm);
	} else
		check(0, "通报: 成文日期 four characters in from the right, 落款 centred over it",
		      "%s", "not found");
	free(bb);
	check(qpdf_clean(pdf, why, sizeof why), "qpdf --check: 通报", "%s", why);

	path_of(pdf, sizeof pdf, "briefing.pdf");
	check(pdf_render(b, pdf, &o, &dg) == 0, "render: 简报 with 报头", "%s", dg.msg);
	txt = pdftotext(pdf);
	squeeze(txt ? txt : (txt = calloc(1, 1)));
	check(strstr(txt, "基层治理考评简报第1期中共x县委组织部2026年1月8日全县社区考评情况") !=
			      NULL &&
		      strstr(txt, "报送：x县委、x县政府领导同志。中共x县委组织部办公室") != NULL &&
		      strstr(txt, "2026年1月8日印发") != NULL &&
		      strstr(strstr(txt, "全县社区考评情况"), "2026年1月8日") ==
			      strstr(txt, "2026年1月8日印发"),
	      "简报: 报头 (name, 期号, 编发单位, date), no 落款, 版记 (报送, 印发)", "%.300s", txt);
	free(txt);
	doc_free(d);
	doc_free(b);
}

/* The department's fonts folder: a face found by its usual file name
 * (simhei.ttf: here a copy of SungtiL GB), one found by the family name in
 * its name table (foo.ttf: KaitiM GB, "Kaiti"), the body at 16 pt with 28
 * characters a line by letter spacing, and the fonts recorded in the PDF. */
static void test_dept_fonts(void)
{
	char dir[512], cmd[4096], pdf[700], why[300] = "", used[4000], *out;
	struct pdf_opts o = {.page_numbers = 0};
	struct diag dg;
	struct doc *d = doc_new("字体");
	int st = -1;

	path_of(dir, sizeof dir, "deptfonts");
	snprintf(cmd, sizeof cmd,
		 "rm -rf '%s' && mkdir -p '%s' && "
		 "cp /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf '%s/SIMHEI.TTF' && "
		 "cp /usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf '%s/foo.ttf'",
		 dir, dir, dir, dir);
	if (system(cmd) != 0) {
		check(0, "fonts folder: set up", "%s", "cannot copy the Debian fonts");
		doc_free(d);
		return;
	}
	o.font_dir = dir;
	pdf_fonts_used(&o, used, sizeof used);
	check(strstr(used, "一级标题 ") && strstr(used, "/SIMHEI.TTF；") &&
		      strstr(used, "二级标题 ") && strstr(used, "/foo.ttf；") &&
		      strstr(used, "正文 /usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf；"),
	      "fonts folder: 黑体 by file name, 楷体 by name table, 仿宋 absent falls back", "%s",
	      used);
	diag_init(&dg);
	doc_heading(d, 1, "一、总体情况", 0);
	doc_heading(d, 2, "（一）网格设置", 0);
	doc_para(d,
		 "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		 "一二三四五六七八九十一二三四五六七八九十");
	path_of(pdf, sizeof pdf, "deptfonts.pdf");
	check(pdf_render(d, pdf, &o, &dg) == 0, "fonts folder: render", "%s", dg.msg);
	snprintf(cmd, sizeof cmd, "pdfinfo '%s' 2>/dev/null | grep Keywords", pdf);
	out = run(cmd, &st);
	check(out && strstr(out, "SIMHEI.TTF") && strstr(out, "foo.ttf"),
	      "fonts folder: the PDF's Keywords name the fonts used", "%.300s", out ? out : "");
	free(out);
	/* 16 pt glyphs (bbox height), 28 characters on a full line */
	snprintf(cmd, sizeof cmd, "pdftotext -bbox '%s' - 2>/dev/null", pdf);
	out = run(cmd, &st);
	if (out) {
		/* the first line holds 26 (2 indented): the second starts at 七 */
		const char *q = strstr(out, ">七八九十一二三四五六");
		double x1, y1, x2, y2;
		if (q) {
			while (q > out && strncmp(q, "<word", 5) != 0)
				q--;
			if (sscanf(q, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
				   &x1, &y1, &x2, &y2) == 4) {
				const char *t = strchr(q, '>') + 1, *e = strstr(t, "</word>");
				size_t nchars = (size_t)(e - t) / 3;
				snprintf(why, sizeof why,
					 "%zu characters, %.2f pt wide, %.2f pt high", nchars,
					 x2 - x1, y2 - y1);
				check(nchars == 28 && fabs(x2 - x1 - 156 * 72 / 25.4) < 1 &&
					      fabs(y2 - y1 - 16) < 0.6,
				      "body: 16 pt, 28 characters a line by letter spacing", "%s",
				      why);
			} else
				check(0, "body: 16 pt, 28 characters a line by letter spacing",
				      "%s", "no bbox");
		} else
			check(0, "body: 16 pt, 28 characters a line by letter spacing", "%.200s",
			      out);
	}
	free(out);
	doc_free(d);
}

/* Names in table cells stay whole: long company names in a column made
 * narrow by its relative width, once with room elsewhere to widen it, once
 * with eight full columns where the cells shrink a size; and header words
 * ("考评得分", "业主满意度", "排名") never break. Checked on pdftotext -raw,
 * where a row is one line and a wrapped cell goes to the next. */
static void test_whole_names(void)
{
	static const char *const names[] = {"x县宁馨物业服务有限公司",
					    "x县安居物业管理有限责任公司",
					    "x县城东街道幸福里物业服务中心", "x县鑫源物业有限公司"};
	static const char *const heads[] = {"排名",	"企业名称", "考评得分", "业主满意度",
					    "所在街道", "投诉件数", "整改情况", "等级"};
	int variant;

	for (variant = 0; variant < 2; variant++) {
		char pdf[700], cmd[1500], why[1000] = "", *txt;
		struct doc *d = doc_new("物业企业考评结果");
		size_t nc = variant == 0 ? 5 : 8, i, j;
		struct doc_block *t = doc_table(d, "表1 物业企业考评得分", nc);
		struct pdf_opts o = {.page_numbers = 0};
		struct diag dg;

		for (j = 0; j < nc; j++)
			doc_table_col(t, j, heads[j],
				      j == 1		       ? 1.2
				      : variant == 0 && j == 4 ? 6
							       : 1,
				      DOC_LEFT);
		for (i = 0; i < 4; i++) {
			const char *row[8] = {"1",	  names[i], "96.5",   "4.8",
					      "城东街道", "12",	    "已整改", "红榜"};
			doc_table_row(t, row);
		}
		diag_init(&dg);
		snprintf(pdf, sizeof pdf, "%s/names%d.pdf", tmp, variant);
		if (pdf_render(d, pdf, &o, &dg)) {
			check(0, "table: names whole", "%s", dg.msg);
			doc_free(d);
			continue;
		}
		snprintf(cmd, sizeof cmd, "pdftotext -raw -enc UTF-8 '%s' - 2>/dev/null", pdf);
		txt = run(cmd, NULL);
		for (i = 0; txt && i < 4 && !*why; i++)
			if (!strstr(txt, names[i]))
				snprintf(why, sizeof why, "'%s' not whole in: %.400s", names[i],
					 txt);
		for (j = 0; txt && j < nc && !*why; j++)
			if (!strstr(txt, heads[j]))
				snprintf(why, sizeof why, "header '%s' broken in: %.400s", heads[j],
					 txt);
		check(txt && !*why,
		      variant == 0 ? "table: long company names whole in a narrow column (widened)"
				   : "table: names and header words whole in eight columns "
				     "(smaller cells)",
		      "%s", txt ? why : "cannot run pdftotext");
		free(txt);
		doc_free(d);
	}
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : getenv("TMPDIR");

	snprintf(tmp, sizeof tmp, "%s", dir && *dir ? dir : "/tmp");
	if (strchr(tmp, '\'')) {
		fprintf(stderr, "pdf_test: temp dir must not contain a quote\n");
		return 2;
	}
	test_breaking();
	test_text();
	test_tounicode();
	test_gongwen();
	test_dept_fonts();
	test_whole_names();
	test_table();
	test_orphan_header();
	test_hostile();
	test_many();
	printf("%d passed, %d failed\n", checks - failures, failures);
	return failures ? 1 : 0;
}
